/*
** test_decide.c: the province officer's decisions, certificates, imports, users and audit trail
** (page_decide.c), through the pages as a browser sends them: without a signing key the
** decision page says what to do and records nothing; with one, a scored dossier is decided and
** its certificate issued; a revocation needs a legal ground and a confirmation; an import's dry
** run lists every row problem and writes nothing, and the confirmed import writes every row; a
** commune officer is created and disabled (a stale page changes nothing); the audit trail
** filters. A commune officer gets 403 on these pages; another province's decision and
** certificate answer 404.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "util.h"

static Server S;
static Browser B; /* tinh.vinhlong, the province officer of 86 */
static long long dossier86, round86;
static char today[11];

/* Create as the administrator (s->auth) and return the new id. */
static long long create(const char *path, const char *json) {
    Resp r = http_json(&S, "POST", path, json);
    if (r.status != 201) fprintf(stderr, "POST %s %s: %ld %s\n", path, json, r.status, r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    resp_free(&r);
    return id;
}

static void act(long long id, const char *json) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    Resp r = http_json(&S, "POST", path, json);
    if (r.status != 200) fprintf(stderr, "%s: %s\n", json, r.body);
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* A dossier of product taken by the administrator into round, then taken as scored by the
** council (4★, 75 points: set in the database, as test_perm.c does). */
static long long scored_dossier(int product, long long round) {
    char body[128], path[96];
    snprintf(body, sizeof body, "{\"kind\": \"first\", \"product_id\": %d}", product);
    long long id = create("/api/v1/dossiers", body);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    Resp r = http_json(&S, "PUT", path, "{\"choices\": {}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/files?kind=label", id);
    r = http_req(&S, "POST", path, "application/pdf", "%PDF-1.4 label", 14);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    act(id, "{\"action\": \"submit\"}");
    act(id, "{\"action\": \"receive\"}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/commune-report", id);
    r = http_json(&S, "PUT", path, "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, "
                                   "\"idea\": {\"met\": true}, \"identity\": {\"met\": true}}}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    act(id, "{\"action\": \"forward\"}");
    act(id, "{\"action\": \"check\"}");
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    act(id, body);
    sqlite3 *db;
    char sql[160];
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE dossiers SET state = 'scored', avg_score = 75, band = 4, stars = 4 WHERE id = %lld", id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    return id;
}

static long long count_of(const char *path) {
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

static void key(const char *authority) { srv_cli(&S, (const char *const[]){"key", "generate", authority, NULL}); }

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    /* the demo signs with key 86: retired, the province has none until the test makes 86-2 */
    srv_cli(&S, (const char *const[]){"key", "retire", "86", NULL});
    srv_start(&S);
    srv_as_admin(&S);
    snprintf(today, sizeof today, "%s", vn_day(0));
    char body[256];
    snprintf(body, sizeof body, "{\"province_code\": \"86\", \"year\": %.4s, \"number\": 8, \"forward_by\": \"%.4s-12-31\", "
                                "\"ends_on\": \"%.4s-12-31\", \"council_id\": 1}", today, today, today);
    round86 = create("/api/v1/rounds", body);
    dossier86 = scored_dossier(2, round86);
    browser_sign_in(&B, &S, "tinh.vinhlong", "demo-ocop-2026");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_down(&S);
    return 0;
}

/* The decision form's fields for dossier id, encoded. */
static Resp post_decision(long long id, const char *number) {
    return browser_post(&B, "/tinh/quyet-dinh/moi", "dossier=%lld&number=%s&decided_on=%s&signer_name=%s&signer_title=%s", id,
                        form_enc(number), today, form_enc("Nguyễn Văn Mẫu"), form_enc("KT. CHỦ TỊCH"));
}

/* No key: /lam-viec and the form say so and what to do; the form is disabled and a decision
** sent anyway records nothing. Then, with the key, the dossier is decided. */
static void test_decide(void **state) {
    (void)state;
    long long decided = count_of("/api/v1/decisions"); /* the demo's */
    Resp r = browser_get(&B, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "Hồ sơ đã chấm điểm chờ quyết định công nhận (3–4★)");
    body_has(&r, "Kẹo dừa lá dứa Thanh Long");
    body_has(&r, "Tỉnh chưa có khoá ký số");
    resp_free(&r);
    r = browser_get(&B, "/tinh/quyet-dinh/moi");
    expect_page(&r, 200);
    body_has(&r, "Tỉnh chưa có khoá ký số nên chưa thể cấp giấy chứng nhận");
    body_has(&r, "ocop key generate 86");
    body_has(&r, "/quan-tri/khoa-ky");
    body_has(&r, "<fieldset disabled>");
    resp_free(&r);
    r = post_decision(dossier86, "11/QĐ-UBND");
    expect_page(&r, 409);
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/decisions"), decided);

    key("86-2");
    r = browser_get(&B, "/tinh/quyet-dinh/moi");
    body_has(&r, "Tỉnh ký giấy chứng nhận bằng khoá 86-2");
    assert_null(strstr(r.body, "<fieldset disabled>"));
    resp_free(&r);
    /* nothing ticked: the form again, nothing written */
    r = browser_post(&B, "/tinh/quyet-dinh/moi", "number=12%%2FQ&decided_on=%s&signer_name=A&signer_title=B", today);
    expect_page(&r, 422);
    body_has(&r, "hãy chọn ít nhất một hồ sơ đã chấm điểm để công nhận");
    body_has(&r, "value=\"12/Q\""); /* the values are kept */
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/decisions"), decided);

    r = post_decision(dossier86, "12/QĐ-UBND");
    expect_status(&r, 303, NULL);
    char loc[128];
    snprintf(loc, sizeof loc, "%s", resp_header_value(&r, "Location"));
    assert_non_null(strstr(loc, "/tinh/quyet-dinh/"));
    assert_non_null(strstr(loc, "?done=created"));
    resp_free(&r);
    r = browser_get(&B, loc);
    expect_page(&r, 200);
    body_has(&r, "Quyết định số 12/QĐ-UBND");
    body_has(&r, "Đã ghi quyết định công nhận và cấp giấy chứng nhận.");
    body_has(&r, "/xac-minh/86-");
    body_has(&r, "/pdf\">Giấy chứng nhận (PDF)");
    resp_free(&r);
    char list[64];
    snprintf(list, sizeof list, "/tinh/quyet-dinh?year=%.4s&level=province", today);
    r = browser_get(&B, list);
    expect_page(&r, 200);
    body_has(&r, "12/QĐ-UBND");
    body_has(&r, "1 quyết định");
    resp_free(&r);
    r = browser_get(&B, "/tinh/quyet-dinh?format=csv");
    expect_status(&r, 200, NULL);
    body_has(&r, "12/QĐ-UBND");
    resp_free(&r);
}

/* Time passes: the new certificate (of product 2) and an imported one recorded before ocop (of
** product 3) expire in 100 days. Both are in the re-evaluation window; only ocop's has a page. */
static void test_due(void **state) {
    (void)state;
    sqlite3 *db;
    char sql[512];
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE certificates SET expires_on = date('%s', '+100 days') WHERE product_id = 2; "
                              "UPDATE recognitions SET expires_on = date('%s', '+100 days') WHERE product_id IN (2, 3) "
                              "AND ended IS NULL", today, today);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    Resp r = browser_get(&B, "/tinh/chung-nhan/het-han");
    expect_page(&r, 200);
    body_has(&r, "<a href=\"/tinh/chung-nhan/86-");
    body_has(&r, "<strong>Kẹo dừa Bến Tre Xưa hộp quà</strong>");
    body_has(&r, "(còn 100 ngày)");
    body_has(&r, "Chưa có hồ sơ đánh giá lại");
    resp_free(&r);
    r = browser_get(&B, "/lam-viec");
    body_has(&r, "Giấy chứng nhận sắp hết hạn (thời gian đánh giá lại)");
    body_has(&r, "<a href=\"/tinh/chung-nhan/het-han\">Kẹo dừa Bến Tre Xưa hộp quà</a>");
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan/het-han?format=csv");
    expect_status(&r, 200, NULL);
    body_has(&r, "GCN-BT-2022-13");
    resp_free(&r);
    /* one phase or the other; the order chosen stays chosen */
    r = browser_get(&B, "/tinh/chung-nhan/het-han?phase=warning&sort=unfiled");
    expect_page(&r, 200);
    body_has(&r, "(còn 100 ngày)");
    body_has(&r, "<option value=\"warning\" selected>");
    body_has(&r, "<option value=\"unfiled\" selected>");
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan/het-han?phase=window&sort=product");
    expect_page(&r, 200);
    assert_null(strstr(r.body, "(còn 100 ngày)"));
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan/het-han?sort=oldest");
    expect_page(&r, 400);
    resp_free(&r);
    /* the filter forms as a browser sends them: a choice left at "All" is an empty value, no choice */
    r = browser_get(&B, "/tinh/chung-nhan/het-han?phase=&sort=unfiled");
    expect_page(&r, 200);
    body_has(&r, "(còn 100 ngày)");
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan?q=&state=&sort=newest");
    expect_page(&r, 200);
    resp_free(&r);
    /* the API: each item of the phase asked for; unfiled first */
    for (int k = 0; k < 2; k++) {
        r = browser_get(&B, k ? "/api/v1/lifecycle/due?phase=window&per_page=100"
                              : "/api/v1/lifecycle/due?sort=unfiled&per_page=100");
        expect_status(&r, 200, NULL);
        json_t *items = json_object_get(r.json, "items"), *it;
        size_t i;
        bool filed = false;
        json_array_foreach(items, i, it) {
            if (k) assert_string_equal(json_string_value(json_object_get(it, "phase")), "window");
            bool has = json_is_object(json_object_get(it, "dossier"));
            if (!k) assert_false(filed && !has); /* no unfiled one after a filed one */
            filed = filed || has;
        }
        resp_free(&r);
    }
}

/* The certificate of the decision above: listed, found by its product, revoked only with a
** ground and after confirming. */
static void test_certificate(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/certificates?province=86&product_id=2");
    char no[40], last[11], through[40];
    snprintf(no, sizeof no, "%s", jstr(r.json, "items.0.cert_no"));
    /* the page names the last valid day, the day before expires_on, as the PDF does */
    date_add_days(jstr(r.json, "items.0.expires_on"), -1, last);
    snprintf(through, sizeof through, "đến %.2s/%.2s/%.4s", last + 8, last + 5, last);
    resp_free(&r);
    char path[96], rpath[128];
    snprintf(path, sizeof path, "/tinh/chung-nhan/%s", no);
    snprintf(rpath, sizeof rpath, "%s/thu-hoi", path);
    r = browser_get(&B, "/tinh/chung-nhan?q=l%C3%A1%20d%E1%BB%A9a&state=valid");
    expect_page(&r, 200);
    body_has(&r, no);
    body_has(&r, "1 giấy chứng nhận");
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan?sort=expires");
    expect_page(&r, 200);
    body_has(&r, no);
    body_has(&r, "<option value=\"expires\" selected>");
    resp_free(&r);
    browser_shows(&B, "/tinh/chung-nhan?sort=gia", 400, NULL);
    r = browser_get(&B, "/tinh/chung-nhan?q=khong-co-dau");
    body_has(&r, "Không có giấy chứng nhận nào phù hợp.");
    resp_free(&r);
    r = browser_get(&B, path);
    expect_page(&r, 200);
    body_has(&r, "Còn hiệu lực");
    body_has(&r, through);
    body_has(&r, "<span class=\"vh\">4 sao</span>");
    body_has(&r, "In giấy chứng nhận (PDF)");
    body_has(&r, "Điều 8.1.a");
    resp_free(&r);
    /* no ground: refused, still valid */
    r = browser_post(&B, rpath, "from=valid&decision_no=30%%2FQ%%C4%%90&decided_on=%s", today);
    expect_page(&r, 422);
    body_has(&r, "hãy chọn căn cứ pháp lý của việc thu hồi");
    resp_free(&r);
    /* a ground: the confirmation step, nothing changed yet */
    r = browser_post(&B, rpath, "from=valid&ground=mark_misuse&decision_no=30%%2FQ%%C4%%90&decided_on=%s", today);
    expect_page(&r, 200);
    body_has(&r, "Xác nhận thu hồi");
    body_has(&r, "name=\"confirm\" value=\"1\"");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", no);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "state"), "valid");
    resp_free(&r);
    r = browser_post(&B, rpath, "from=valid&ground=mark_misuse&decision_no=30%%2FQ%%C4%%90&decided_on=%s&confirm=1", today);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "state"), "revoked");
    resp_free(&r);
    /* the same form again (a second tab): 409, nothing changed */
    r = browser_post(&B, rpath, "from=valid&ground=mark_misuse&decision_no=31%%2FQ%%C4%%90&decided_on=%s&confirm=1", today);
    expect_page(&r, 409);
    resp_free(&r);
}

/* A multipart form of kind and a CSV file. */
static Resp upload(const char *kind, const char *csv) {
    static char body[4096];
    int n = snprintf(body, sizeof body,
                     "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
                     "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n%s\r\n"
                     "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lang-nghe.csv\"\r\n"
                     "Content-Type: text/csv\r\n\r\n%s\r\n--XyZ--\r\n",
                     B.csrf, kind, csv);
    return browser_post_multipart(&B, "/tinh/nhap", "XyZ", body, (size_t)n);
}

/* The value of hidden field name in page r, into out[n]. */
static void hidden(Resp *r, const char *name, char *out, size_t n) {
    char pat[64];
    snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
    const char *p = strstr(r->body, pat);
    assert_non_null(p);
    p += strlen(pat);
    const char *q = strchr(p, '"');
    snprintf(out, n, "%.*s", (int)(q - p), p);
}

static void test_import(void **state) {
    (void)state;
    long long before = count_of("/api/v1/villages?per_page=1");
    Resp r = browser_get(&B, "/tinh/nhap");
    expect_page(&r, 200);
    body_has(&r, "Nhập từ tệp");
    body_has(&r, "/san-pham?province=86&amp;format=csv");
    resp_free(&r);
    /* row 3 has no name, row 4 a commune that does not exist: both listed, nothing written */
    r = upload("villages", "name,commune_code\nLàng nhập một,28903\n,28903\nLàng nhập ba,99999\n");
    expect_page(&r, 422);
    body_has(&r, "Các lỗi trong tệp");
    body_has(&r, "<td>3</td>");
    body_has(&r, "<td>4</td>");
    /* each reason in the page's language, the field by its label */
    body_has(&r, "cần nhập tên làng nghề");
    body_has(&r, "Mã xã: không có xã mã");
    assert_null(strstr(r.body, "is required"));
    assert_null(strstr(r.body, "no commune"));
    body_has(&r, "Chưa ghi dữ liệu nào.");
    assert_null(strstr(r.body, "Nhập các dòng này"));
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/villages?per_page=1"), before);
    /* no kind, no file */
    r = browser_post(&B, "/tinh/nhap", "kind=");
    expect_page(&r, 422);
    resp_free(&r);
    /* a good file: the dry run, then the confirmation imports it */
    r = upload("villages", "name,commune_code\nLàng nhập một,28903\nLàng nhập hai,28903\n");
    expect_page(&r, 200);
    body_has(&r, "Nhập các dòng này");
    char sha[80], mac[80];
    hidden(&r, "sha", sha, sizeof sha);
    hidden(&r, "mac", mac, sizeof mac);
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/villages?per_page=1"), before);
    /* a proof that is not this session's: refused */
    r = browser_post(&B, "/tinh/nhap/xac-nhan", "kind=villages&sha=%s&mac=%064d", sha, 0);
    expect_page(&r, 422);
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/villages?per_page=1"), before);
    r = browser_post(&B, "/tinh/nhap/xac-nhan", "kind=villages&sha=%s&mac=%s&filename=lang-nghe.csv", sha, mac);
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tinh/nhap?done=imported&created=2&kind=villages");
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/villages?per_page=1"), before + 2);
    r = browser_get(&B, "/tinh/nhap?done=imported&created=2");
    body_has(&r, "Đã nhập: 2 bản ghi mới.");
    resp_free(&r);
}

static void test_users(void **state) {
    (void)state;
    Resp r = browser_get(&B, "/tinh/nguoi-dung?role=commune");
    expect_page(&r, 200);
    body_has(&r, "xa.mocay");
    resp_free(&r);
    browser_shows(&B, "/tinh/nguoi-dung/moi", 200, "Xã Mỏ Cày");
    /* a username with diacritics: refused next to its field */
    r = browser_post(&B, "/tinh/nguoi-dung/moi", "username=%s&password=%s&role=commune&commune=28903", form_enc("xã.mới"),
                     form_enc(TEST_PASSWORD));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-username-error\"");
    resp_free(&r);
    r = browser_post(&B, "/tinh/nguoi-dung/moi", "username=xa.moi&full_name=%s&password=%s&role=commune&commune=28903",
                     form_enc("Lê Thị Mới"), form_enc(TEST_PASSWORD));
    expect_status(&r, 303, NULL);
    char loc[96];
    snprintf(loc, sizeof loc, "%s", resp_header_value(&r, "Location"));
    resp_free(&r);
    r = browser_get(&B, loc);
    expect_page(&r, 200);
    body_has(&r, "Đã tạo người dùng.");
    body_has(&r, "Cán bộ OCOP cấp xã");
    resp_free(&r);
    char path[64], api[96];
    snprintf(path, sizeof path, "%.*s", (int)(strchr(loc, '?') - loc), loc);
    snprintf(api, sizeof api, "/api/v1/users/%s", path + strlen("/tinh/nguoi-dung/"));
    /* a council position: without its council, refused beside the council's field; with it, granted */
    r = browser_post(&B, path, "do=grant&role=council_member");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-council-error\"");
    resp_free(&r);
    r = browser_post(&B, path, "do=grant&role=council_member&council=1");
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = http_get(&S, api);
    assert_string_equal(jstr(r.json, "roles.1.role"), "council_member");
    long long grant = jint(r.json, "roles.1.id");
    resp_free(&r);
    r = browser_post(&B, path, "do=revoke&grant=%lld", grant);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = http_get(&S, api);
    assert_null(jpath(r.json, "roles.1"));
    resp_free(&r);
    /* a new password: the user signs in with it */
    r = browser_post(&B, path, "do=password&password=%s", form_enc("mật khẩu mới của xã"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    Browser moi;
    browser_sign_in(&moi, &S, "xa.moi", "mật khẩu mới của xã");
    r = browser_post(&B, path, "do=disable&from=active");
    expect_status(&r, 303, NULL);
    resp_free(&r);
    /* the same form again: the account is disabled already, nothing changes */
    r = browser_post(&B, path, "do=disable&from=active");
    expect_page(&r, 409);
    resp_free(&r);
    r = browser_get(&B, "/tinh/nguoi-dung?status=disabled&q=xa.moi");
    body_has(&r, "Đã khoá");
    resp_free(&r);
}

static void test_audit(void **state) {
    (void)state;
    Resp r = browser_get(&B, "/tinh/nhat-ky?entity=decisions&action=create");
    expect_page(&r, 200);
    body_has(&r, "<td>Tạo mới <span class=\"detail\">(create)</span></td>");
    body_has(&r, "<td>Quyết định công nhận ");
    body_has(&r, "<option value=\"decisions\" selected>");
    assert_null(strstr(r.body, "(import)"));
    resp_free(&r);
    r = browser_get(&B, "/tinh/nhat-ky?action=import&format=csv");
    expect_status(&r, 200, NULL);
    body_has(&r, "villages");
    resp_free(&r);
    browser_shows(&B, "/tinh/nhat-ky?from=hom-qua", 400, NULL);
    /* decisions oldest first: the demo's earliest (years back) before today's */
    r = http_get(&S, "/api/v1/decisions?province=86&sort=oldest&per_page=1");
    expect_status(&r, 200, NULL);
    char first[16];
    snprintf(first, sizeof first, "%s", jstr(r.json, "items.0.decided_on"));
    resp_free(&r);
    r = http_get(&S, "/api/v1/decisions?province=86&per_page=1");
    expect_status(&r, 200, NULL);
    assert_true(strcmp(first, jstr(r.json, "items.0.decided_on")) < 0);
    resp_free(&r);
    browser_shows(&B, "/tinh/quyet-dinh?sort=oldest", 200, "<option value=\"oldest\" selected>");
    browser_shows(&B, "/tinh/nguoi-dung?sort=name", 200, "<option value=\"name\" selected>");
    r = browser_get(&B, "/tinh/nhat-ky?sort=oldest&entity=decisions");
    expect_page(&r, 200);
    body_has(&r, "<option value=\"oldest\" selected>");
    body_has(&r, "sort=oldest"); /* kept by the download's links */
    resp_free(&r);
}

/* A commune officer: 403 on the province's pages. Another province's decision and certificate:
** 404, as if they did not exist. In English. */
static void test_scope(void **state) {
    (void)state;
    Browser xa;
    browser_sign_in(&xa, &S, "xa.mocay", "demo-ocop-2026");
    static const char *const pages[] = {"/tinh/quyet-dinh", "/tinh/quyet-dinh/moi", "/tinh/chung-nhan", "/tinh/nhap",
                                        "/tinh/nguoi-dung", "/tinh/nhat-ky"};
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        Resp r = browser_get(&xa, pages[i]);
        expect_page(&r, 403);
        resp_free(&r);
    }
    key("91");
    long long council = create("/api/v1/councils", "{\"name\": \"Hội đồng An Giang\", \"level\": \"province\", \"province_code\": \"91\"}");
    char body[512];
    snprintf(body, sizeof body, "{\"province_code\": \"91\", \"year\": %.4s, \"number\": 8, \"forward_by\": \"%.4s-12-31\", "
                                "\"ends_on\": \"%.4s-12-31\", \"council_id\": %lld}", today, today, today, council);
    long long d = scored_dossier(20, create("/api/v1/rounds", body));
    snprintf(body, sizeof body, "{\"number\": \"5/QĐ-UBND\", \"decided_on\": \"%s\", \"level\": \"province\", \"province_code\": "
                                "\"91\", \"signer_name\": \"A\", \"signer_title\": \"B\", \"items\": [{\"dossier_id\": %lld}]}", today, d);
    Resp r = http_json(&S, "POST", "/api/v1/decisions", body);
    assert_int_equal(r.status, 201);
    char path[96], cert[96];
    snprintf(path, sizeof path, "/tinh/quyet-dinh/%lld", jint(r.json, "id"));
    snprintf(cert, sizeof cert, "/tinh/chung-nhan/%s", jstr(r.json, "items.0.cert_no"));
    resp_free(&r);
    browser_shows(&B, path, 404, NULL);
    browser_shows(&B, cert, 404, NULL);
    strcat(cert, "/thu-hoi");
    r = browser_post(&B, cert, "from=valid&ground=mark_misuse&decision_no=1&decided_on=%s&confirm=1", today);
    expect_page(&r, 404);
    resp_free(&r);
    r = browser_get(&B, "/tinh/chung-nhan?q=91-");
    body_has(&r, "Không có giấy chứng nhận nào phù hợp.");
    resp_free(&r);

    Browser en = B;
    snprintf(en.lang, sizeof en.lang, "en");
    r = browser_get(&en, "/tinh/chung-nhan");
    expect_page(&r, 200);
    body_has(&r, "<h1>Certificates</h1>");
    body_has(&r, "Revoked");
    resp_free(&r);
    r = browser_get(&en, "/tinh/nhap");
    body_has(&r, "Import a file");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decide), cmocka_unit_test(test_due), cmocka_unit_test(test_certificate), cmocka_unit_test(test_import),
        cmocka_unit_test(test_users),  cmocka_unit_test(test_audit),       cmocka_unit_test(test_scope),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
