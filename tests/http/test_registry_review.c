/*
** test_registry_review.c: what the December 2026 review found in the registry, over HTTP and
** the command line on the demo data (Vĩnh Long, province 86; Mỏ Cày, commune 28903; producer
** 1 "Hợp tác xã Kẹo dừa Thanh Long" with its account chuthe.thanhlong; producer 12 lies in
** An Giang, commune 30316):
**   - a recognition is recorded at a level only by whom the law lets recognise at it, through
**     the route and the import alike; certificate numbers are unique, and ocop's own series
**     (86-2026-0001) is issued by decisions only (test_decision.c checks that a decision's
**     recognition and its product's code are then fixed);
**   - the representative's personal data (and the producer's phone and e-mail) reach only
**     officers in scope and the producer itself: records, lists, filters, exports, search;
**   - records are created within one's scope by the same rules that govern updates;
**   - CSV exports neutralise formula cells and re-import exactly;
**   - file names of photos and evidence are cleaned.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static Server S;
static char *t_admin, *t_province, *t_commune, *t_producer;

static Resp as(const char *token, const char *method, const char *path, const char *ctype, const char *body) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token ? token : "");
    const char *hs[] = {token ? h : NULL, NULL};
    if (body && !ctype) ctype = "application/json";
    return http_req_h(&S, hs, method, path, ctype, body, body ? strlen(body) : 0);
}

/* The request answers status (and names field in its problem); the response for more checks. */
static Resp call(const char *token, const char *method, const char *path, const char *json, long status,
                 const char *field) {
    Resp r = as(token, method, path, NULL, json);
    expect_status(&r, status, field);
    return r;
}

static void check(const char *token, const char *method, const char *path, const char *json, long status,
                  const char *field) {
    Resp r = call(token, method, path, json, status, field);
    resp_free(&r);
}

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    const char *admin[] = {"admin", NULL};
    srv_user(&S, "root", admin);
    t_admin = srv_token(&S, "root", "write");
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    t_commune = srv_token(&S, "xa.mocay", "write");
    t_producer = srv_token(&S, "chuthe.thanhlong", "write");
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    free(t_admin), free(t_province), free(t_commune), free(t_producer);
    return 0;
}

/* ---- item 2: who records a recognition at which level; certificate numbers ------------------- */

static void test_recognition_authority(void **state) {
    (void)state;
    /* A province officer cannot award the Ministry's 5★ (it could: 201). */
    static const char five[] = "{\"product_id\": 2, \"stars\": 5, \"level\": \"ministry\", \"decision_no\": "
                               "\"15/QĐ-BNNMT\", \"decision_date\": \"2025-11-03\", \"cert_no\": \"%s\"}";
    char body[512];
    snprintf(body, sizeof body, five, "GCN-BNNMT-2025-07");
    check(t_province, "POST", "/api/v1/recognitions", body, 403, "level");
    /* ocop's own series is for decisions only, whoever writes (in either case of "BO"). */
    snprintf(body, sizeof body, five, "86-2026-0001");
    check(t_admin, "POST", "/api/v1/recognitions", body, 422, "cert_no");
    snprintf(body, sizeof body, five, "bo-2025-0003");
    check(t_admin, "POST", "/api/v1/recognitions", body, 422, "cert_no");
    /* The administrator records the Ministry's historic certificate with its paper number. */
    snprintf(body, sizeof body, five, "GCN-BNNMT-2025-07");
    Resp r = call(t_admin, "POST", "/api/v1/recognitions", body, 201, NULL);
    long long rid = jint(r.json, "id");
    assert_string_equal(jstr(r.json, "level"), "ministry");
    assert_true(json_is_null(jpath(r.json, "decision_id")));
    resp_free(&r);
    /* ... which the province's officer can neither edit nor delete. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/recognitions/%lld", rid);
    check(t_province, "PATCH", path, "{\"ended_reason\": \"x\"}", 403, "level");
    check(t_province, "DELETE", path, NULL, 403, "level");
    /* It is superseded by whoever recognises the product anew, and only then. */
    static const char ends[] = "{\"ended\": \"%s\", \"ended_on\": \"2026-01-10\"}";
    snprintf(body, sizeof body, ends, "superseded");
    check(t_province, "PATCH", path, body, 403, "level");
    check(t_province, "POST", "/api/v1/recognitions",
          "{\"product_id\": 2, \"stars\": 4, \"decision_no\": \"30/QĐ-UBND\", \"decision_date\": \"2026-01-10\", "
          "\"cert_no\": \"GCN-BT-2026-30\", \"score\": 75}", 201, NULL);
    char revoked[128];
    snprintf(revoked, sizeof revoked, ends, "revoked");
    check(t_province, "PATCH", path, revoked, 403, "level");
    check(t_province, "PATCH", path, body, 200, NULL);
    /* Nor turn a province recognition into a Ministry one. */
    r = call(t_province, "POST", "/api/v1/recognitions",
             "{\"product_id\": 2, \"stars\": 3, \"decision_no\": \"1/QĐ-UBND\", \"decision_date\": \"2019-05-02\", "
             "\"cert_no\": \"GCN-BT-2019-02\"}", 201, NULL);
    char ppath[64];
    snprintf(ppath, sizeof ppath, "/api/v1/recognitions/%lld", jint(r.json, "id"));
    resp_free(&r);
    check(t_province, "PATCH", ppath, "{\"stars\": 5, \"level\": \"ministry\"}", 403, "level");
    /* decision_id is the system's to set. */
    check(t_admin, "PATCH", ppath, "{\"decision_id\": 1}", 422, "decision_id");

    /* A certificate number is unique across the registry. */
    r = call(t_province, "POST", "/api/v1/recognitions",
             "{\"product_id\": 3, \"stars\": 3, \"decision_no\": \"2/QĐ-UBND\", \"decision_date\": \"2019-05-02\", "
             "\"cert_no\": \"GCN-BT-2019-02\"}", 409, "cert_no");
    resp_free(&r);
    check(t_admin, "PATCH", path, "{\"cert_no\": \"GCN-BT-2019-02\"}", 409, "cert_no");

    /* The same rules hold for an import, row by row (over HTTP) ... */
    static const char csv[] = "Mã sản phẩm,Số sao,Cấp công nhận,Số quyết định,Ngày quyết định,Số giấy chứng nhận\r\n"
                              "86-28903-001-2021,5,Cấp quốc gia (Bộ),20/QĐ-BNNMT,02/03/2025,GCN-BNNMT-2025-20\r\n";
    r = as(t_province, "POST", "/api/v1/import/recognitions", "text/csv", csv);
    expect_status(&r, 422, "file");
    assert_string_equal(jstr(r.json, "errors.0.field"), "level");
    resp_free(&r);
    /* ... and on the command line, where ocop's series stays the decisions'. */
    static const char ours[] = "Mã sản phẩm,Số sao,Số quyết định,Ngày quyết định,Số giấy chứng nhận\r\n"
                               "86-28903-001-2021,4,21/QĐ-UBND,02/03/2025,86-2025-0001\r\n";
    const char *file = write_file(S.dir, "ours.csv", ours, sizeof ours - 1);
    char *out = NULL, *err = NULL;
    const char *imp[] = {"import", "recognitions", file, "--db", S.db, NULL};
    assert_int_equal(run_ocop(imp, &out, &err), 1);
    assert_non_null(strstr(err, "ocop's own series"));
    free(out), free(err);
}

/* ---- item 3: personal data ---------------------------------------------------------------------- */

static const char *const PERSONAL[] = {"rep_name", "rep_gender", "rep_ethnic_minority", "rep_disability", "phone", "email"};

static void personal_shown(const char *token, const char *path, bool shown) {
    Resp r = call(token, "GET", path, NULL, 200, NULL);
    for (size_t i = 0; i < sizeof PERSONAL / sizeof *PERSONAL; i++) {
        if ((jpath(r.json, PERSONAL[i]) != NULL) != shown) fprintf(stderr, "%s %s: %s\n", path, PERSONAL[i], r.body);
        assert_true((jpath(r.json, PERSONAL[i]) != NULL) == shown);
    }
    assert_true(strlen(jstr(r.json, "name")) > 5); /* the organisation's public fields stay */
    resp_free(&r);
}

static void test_personal_data(void **state) {
    (void)state;
    /* Records: anonymous and other producers see none; officers in scope and the producer itself do. */
    personal_shown(NULL, "/api/v1/producers/1", false);
    personal_shown(t_producer, "/api/v1/producers/2", false);
    personal_shown(t_producer, "/api/v1/producers/1", true);
    personal_shown(t_commune, "/api/v1/producers/2", true);  /* Mỏ Cày */
    personal_shown(t_commune, "/api/v1/producers/3", false); /* Chợ Lách */
    personal_shown(t_province, "/api/v1/producers/3", true);
    personal_shown(t_province, "/api/v1/producers/12", false); /* An Giang */
    personal_shown(t_admin, "/api/v1/producers/12", true);

    /* Lists: no personal field in an anonymous list, nor a filter on one. */
    Resp r = call(NULL, "GET", "/api/v1/producers?per_page=500", NULL, 200, NULL);
    assert_true(jint(r.json, "total") >= 16);
    assert_null(strstr(r.body, "rep_"));
    assert_null(strstr(r.body, "Nguyễn Thị Thanh"));
    assert_null(strstr(r.body, "0275 3843 111"));
    resp_free(&r);
    check(NULL, "GET", "/api/v1/producers?rep_disability=true", NULL, 403, "rep_disability");
    check(t_producer, "GET", "/api/v1/producers?rep_gender=female", NULL, 200, NULL);
    check(NULL, "GET", "/api/v1/producers?rep_ethnic_minority=false", NULL, 403, "rep_ethnic_minority");
    /* An officer's filter keeps to the records in its scope. */
    r = call(t_admin, "GET", "/api/v1/producers?rep_gender=female&per_page=500", NULL, 200, NULL);
    long long all = jint(r.json, "total");
    resp_free(&r);
    r = call(t_province, "GET", "/api/v1/producers?rep_gender=female&per_page=500", NULL, 200, NULL);
    long long mine = jint(r.json, "total");
    assert_true(mine >= 1 && mine < all);
    for (long long i = 0; i < mine; i++) {
        char k[48];
        snprintf(k, sizeof k, "items.%lld.commune.province_code", i);
        assert_string_equal(jstr(r.json, k), "86");
        snprintf(k, sizeof k, "items.%lld.rep_gender", i);
        assert_string_equal(jstr(r.json, k), "female");
    }
    resp_free(&r);
    /* A producer's filter finds only itself. */
    r = call(t_producer, "GET", "/api/v1/producers?rep_gender=female", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1);
    assert_int_equal(jint(r.json, "items.0.id"), 1);
    resp_free(&r);

    /* Exports: the public one has no personal columns; an officer's has them for its scope. */
    r = call(NULL, "GET", "/api/v1/producers/export?format=csv", NULL, 200, NULL);
    assert_non_null(strstr(r.body, "Hợp tác xã Kẹo dừa Thanh Long"));
    assert_null(strstr(r.body, "Người đại diện"));
    assert_null(strstr(r.body, ",Điện thoại,")); /* the person's phone column; an organisation's public one is there */
    assert_non_null(strstr(r.body, ",Điện thoại liên hệ công khai của tổ chức,"));
    assert_null(strstr(r.body, "Nguyễn Thị Thanh"));
    assert_null(strstr(r.body, "htxthanhlong@example.vn"));
    resp_free(&r);
    r = call(t_province, "GET", "/api/v1/producers/export?format=csv", NULL, 200, NULL);
    assert_non_null(strstr(r.body, "Người đại diện"));
    assert_non_null(strstr(r.body, "Nguyễn Thị Thanh"));
    resp_free(&r);
    r = call(t_admin, "GET", "/api/v1/producers/12", NULL, 200, NULL);
    char other_rep[256];
    snprintf(other_rep, sizeof other_rep, "%s", jstr(r.json, "rep_name"));
    resp_free(&r);
    assert_true(strlen(other_rep) > 3);
    r = call(t_province, "GET", "/api/v1/producers/export?format=csv", NULL, 200, NULL);
    assert_null(strstr(r.body, other_rep)); /* An Giang's representative */
    resp_free(&r);

    /* Search does not find a producer by its representative's name. */
    r = call(NULL, "GET", "/api/v1/search?q=Nguy%E1%BB%85n%20Th%E1%BB%8B%20Thanh&kind=producer", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
    /* A product embeds its producer's public fields only. */
    r = call(NULL, "GET", "/api/v1/products/1", NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "producer_name"), "Hợp tác xã Kẹo dừa Thanh Long");
    assert_null(strstr(r.body, "Nguyễn Thị Thanh"));
    assert_null(strstr(r.body, "0275 3843 111"));
    resp_free(&r);
}

/* ---- item 4: records created within one's scope ------------------------------------------------- */

static void test_create_in_scope(void **state) {
    (void)state;
    /* A producer registers products where it is, not in another commune or province. */
    check(t_producer, "POST", "/api/v1/products",
          "{\"name\": \"Kẹo dừa An Giang\", \"set_no\": 7, \"producer_id\": 1, \"commune_code\": \"30316\"}", 403,
          "commune_code");
    check(t_producer, "POST", "/api/v1/products",
          "{\"name\": \"Kẹo dừa Chợ Lách\", \"set_no\": 7, \"producer_id\": 1, \"commune_code\": \"28870\"}", 403,
          "commune_code");
    Resp r = call(t_producer, "POST", "/api/v1/products", "{\"name\": \"Kẹo dừa sầu riêng\", \"set_no\": 7, \"producer_id\": 1}",
                  201, NULL);
    assert_string_equal(jstr(r.json, "commune_code"), "28903");
    long long pid = jint(r.json, "id");
    resp_free(&r);
    /* Officers attach products only to producers in their scope: by the API ... */
    static const char other[] = "{\"name\": \"Mắm thử phạm vi\", \"set_no\": 1, \"producer_id\": 12, \"commune_code\": \"28903\"}";
    check(t_commune, "POST", "/api/v1/products", other, 403, "producer_id");
    check(t_province, "POST", "/api/v1/products", other, 403, "producer_id");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/products/%lld", pid);
    check(t_province, "PATCH", path, "{\"producer_id\": 12}", 403, "producer_id");
    /* ... and by import. */
    static const char csv[] = "Tên sản phẩm,Bộ sản phẩm,Số ĐKKD chủ thể,Mã xã\r\nMắm thử phạm vi,1,1600334455,28903\r\n";
    r = as(t_province, "POST", "/api/v1/import/products", "text/csv", csv);
    expect_status(&r, 422, "file");
    assert_string_equal(jstr(r.json, "errors.0.field"), "producer_id");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/products?q=mam%20thu%20pham%20vi", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
}

/* ---- item 6: formulas in CSV exports -------------------------------------------------------------- */

static void test_csv_formulas(void **state) {
    (void)state;
    static const char evil[] = "=HYPERLINK(\\\"http://evil.example\\\",\\\"Bấm vào đây\\\")";
    char body[256];
    snprintf(body, sizeof body, "{\"type\": \"household\", \"name\": \"%s\", \"commune_code\": \"28903\"}", evil);
    check(t_commune, "POST", "/api/v1/producers", body, 201, NULL);
    Resp r = call(NULL, "GET", "/api/v1/producers/export?format=csv", NULL, 200, NULL);
    assert_non_null(strstr(r.body, ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Bấm vào đây\"\")\","));
    assert_null(strstr(r.body, ",\"=HYPERLINK"));
    /* Re-imported, every row is the same record again: a duplicate, the formula's name included. */
    Resp imp = as(t_admin, "POST", "/api/v1/import/producers?dry_run=true", "text/csv", r.body);
    expect_status(&imp, 200, NULL);
    assert_int_equal(jint(imp.json, "created"), 0);
    assert_int_equal(jint(imp.json, "duplicates"), jint(imp.json, "rows"));
    assert_true(jint(imp.json, "rows") >= 17);
    resp_free(&imp);
    resp_free(&r);
}

/* ---- item 8: file names ----------------------------------------------------------------------------- */

static void test_file_names(void **state) {
    (void)state;
    size_t png_n, png2_n;
    char *png = test_png(1, 1, 0, &png_n), *png2 = test_png(2, 1, 0, &png2_n);
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", t_producer);
    const char *hs[] = {h, NULL};
    /* CR LF, a tab, a right-to-left override and a path: the name as a person would read it. */
    Resp r = http_req_h(&S, hs, "POST", "/api/v1/products/1/photos?filename=C:%5Cfakepath%5Ck%E1%BA%B9o%0D%0Ad%E1%BB%ABa%09"
                        "%E2%80%AEgnp.exe", "image/png", png, png_n);
    expect_status(&r, 201, NULL);
    assert_string_equal(jstr(r.json, "filename"), "kẹo dừa gnp.exe");
    resp_free(&r);
    /* Too long: cut to 200 characters, keeping the extension. */
    char q[2600] = "/api/v1/products/1/photos?filename=";
    for (int i = 0; i < 250; i++) strcat(q, "%C4%83"); /* ă (the harness takes URLs up to 2 KB) */
    strcat(q, ".png");
    r = http_req_h(&S, hs, "POST", q, "image/png", png2, png2_n);
    expect_status(&r, 201, NULL);
    const char *name = jstr(r.json, "filename");
    size_t chars = 0;
    for (const char *p = name; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
    assert_int_equal(chars, 200);
    assert_string_equal(name + strlen(name) - 4, ".png");
    resp_free(&r);
    free(png);
    free(png2);
    /* Dossier evidence goes through the same cleaning. */
    r = call(t_producer, "POST", "/api/v1/dossiers", "{\"kind\": \"upgrade\", \"product_id\": 1}", 201, NULL);
    char path[160];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/files?kind=food_safety&filename=attp%%0D%%0A%%E2%%80%%AE.pdf",
             jint(r.json, "id"));
    resp_free(&r);
    static const char pdf[] = "%PDF-1.4\n% giay chung nhan ATTP\n";
    r = http_req_h(&S, hs, "POST", path, "application/pdf", pdf, sizeof pdf - 1);
    expect_status(&r, 201, NULL);
    assert_string_equal(jstr(r.json, "filename"), "attp .pdf");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recognition_authority),
        cmocka_unit_test(test_personal_data),
        cmocka_unit_test(test_create_in_scope),
        cmocka_unit_test(test_csv_formulas),
        cmocka_unit_test(test_file_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
