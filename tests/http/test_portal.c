/*
** test_portal.c: the producer's portal (page_portal.c) through its pages, as the demo producer
** chuthe.thanhlong (producer 1) in a browser: a product with a photo, the new-dossier wizard
** (product and kind, Mẫu 01, the self-assessment saved and its result shown, evidence), the
** submission (and the same form again: 409), the commune's return and the resubmission; what
** waits on /lam-viec; another producer's records are not found (404), a commune officer may
** not open the portal (403); an upload cut off half-way and bad input change nothing; English.
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

static Server S;
static Browser P; /* chuthe.thanhlong */
static long long product_id, dossier_id;

#define BOUNDARY "----ocopportal7"

static int setup(void **state) {
    (void)state;
    srv_up_demo(&S); /* the demo has made the province's signing key */
    browser_sign_in(&P, &S, "chuthe.thanhlong", "demo-ocop-2026");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_down(&S);
    return 0;
}

/* The id after prefix in r's Location ("/cua-toi/san-pham/" -> 42). */
static long long location_id(Resp *r, const char *prefix) {
    const char *loc = resp_header_value(r, "Location");
    assert_non_null(loc);
    assert_memory_equal(loc, prefix, strlen(prefix));
    return atoll(loc + strlen(prefix));
}

/* A multipart body: the CSRF field, the fields (name, value pairs, NULL-terminated) and one
** file part "file" of n bytes; truncate > 0 cuts that many bytes off its end. malloc'd. */
static char *multipart(const char *const *fields, const char *filename, const char *type, const char *data, size_t n,
                       size_t truncate, size_t *len) {
    size_t cap = n + 4096;
    char *b = malloc(cap);
    size_t k = (size_t)snprintf(b, cap, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n", P.csrf);
    for (int i = 0; fields && fields[i]; i += 2)
        k += (size_t)snprintf(b + k, cap - k, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                              fields[i], fields[i + 1]);
    k += (size_t)snprintf(b + k, cap - k,
                          "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                          "Content-Type: %s\r\n\r\n", filename, type);
    memcpy(b + k, data, n);
    k += n;
    k += (size_t)snprintf(b + k, cap - k, "\r\n--" BOUNDARY "--\r\n");
    *len = k - truncate;
    return b;
}

static long long count_of(const char *path, const char *key) {
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    json_t *v = key ? json_object_get(r.json, key) : r.json;
    long long n = json_is_integer(v) ? json_integer_value(v) : (long long)json_array_size(v);
    resp_free(&r);
    return n;
}

static void test_needs(void **state) {
    (void)state;
    Resp r = browser_get(&P, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "<h2 id=\"role-producer\">Chủ thể OCOP</h2>");
    body_has(&r, "Bị trả lại để bổ sung: sửa và nộp lại");
    body_has(&r, "href=\"/cua-toi/ho-so?state=returned\"");
    body_has(&r, "Bản nháp cần hoàn thành và nộp");
    body_has(&r, "<a href=\"/cua-toi/san-pham\">Sản phẩm của tôi</a>");
    resp_free(&r);
}

static void test_organisation(void **state) {
    (void)state;
    Resp r = browser_get(&P, "/cua-toi/chu-the");
    expect_page(&r, 200);
    body_has(&r, "<h1>Thông tin chủ thể</h1>");
    body_has(&r, "value=\"Hợp tác xã Kẹo dừa Thanh Long\"");
    body_has(&r, "name=\"rep_name\""); /* its own personal fields */
    body_has(&r, "name=\"channels\" value=\"ecommerce\"");
    resp_free(&r);
    r = browser_post(&P, "/cua-toi/chu-the", "type=cooperative&name=%s&website=%s&channels=ecommerce&channels=zalo&"
                                             "contact_phone=%s",
                     form_enc("Hợp tác xã Kẹo dừa Thanh Long"), form_enc("https://keodua.example"), form_enc("0270 3822 111"));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/cua-toi/chu-the?done=saved");
    resp_free(&r);
    r = http_get(&S, "/api/v1/producers/1");
    assert_string_equal(jstr(r.json, "website"), "https://keodua.example");
    assert_int_equal(json_array_size(jpath(r.json, "channels")), 2);
    resp_free(&r);
    /* a bad e-mail: shown beside its field, nothing written */
    r = browser_post(&P, "/cua-toi/chu-the", "type=cooperative&name=%s&contact_email=%s", form_enc("Khác"),
                     form_enc("not-an-address"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-contact_email-error\"");
    resp_free(&r);
    r = http_get(&S, "/api/v1/producers/1");
    assert_string_equal(jstr(r.json, "name"), "Hợp tác xã Kẹo dừa Thanh Long");
    resp_free(&r);
    /* its value chain and raw-material area (the plans' green-chain target), as Vietnamese writes 12.5 */
    r = browser_post(&P, "/cua-toi/chu-the", "type=cooperative&name=%s&green_chain=1&raw_area_ha=%s",
                     form_enc("Hợp tác xã Kẹo dừa Thanh Long"), form_enc("12,5"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = http_get(&S, "/api/v1/producers/1");
    assert_true(json_is_true(jpath(r.json, "green_chain")));
    assert_true(json_real_value(jpath(r.json, "raw_area_ha")) == 12.5);
    resp_free(&r);
    r = browser_get(&P, "/cua-toi/chu-the");
    body_has(&r, "value=\"12,5\"");
    body_has(&r, "Diện tích vùng nguyên liệu ổn định (ha)");
    resp_free(&r);
    r = browser_post(&P, "/cua-toi/chu-the", "type=cooperative&name=%s&raw_area_ha=%s", form_enc("Hợp tác xã Kẹo dừa Thanh Long"),
                     form_enc("mười ha"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-raw_area_ha-error\"");
    body_has(&r, "Diện tích vùng nguyên liệu ổn định (ha): hãy nhập một số"); /* its label, in Vietnamese */
    resp_free(&r);
}

static void test_product_and_photo(void **state) {
    (void)state;
    Resp r = browser_get(&P, "/cua-toi/san-pham");
    expect_page(&r, 200);
    body_has(&r, "<h1>Sản phẩm của tôi</h1>");
    body_has(&r, "href=\"/cua-toi/san-pham/moi\"");
    resp_free(&r);
    /* a set that does not exist: refused beside its field, nothing created */
    long long before = count_of("/api/v1/products?producer_id=1", "total");
    r = browser_post(&P, "/cua-toi/san-pham/moi", "name=%s&set_no=99", form_enc("Mứt dừa non"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-set_no-error\"");
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/products?producer_id=1", "total"), before);
    r = browser_post(&P, "/cua-toi/san-pham/moi", "name=%s&set_no=1&description=%s", form_enc("Mứt dừa non"),
                     form_enc("Mứt dừa non sên tay"));
    expect_status(&r, 303, NULL);
    product_id = location_id(&r, "/cua-toi/san-pham/");
    resp_free(&r);

    /* a photo, then one cut off half-way: a clear page, nothing attached */
    size_t n, len;
    char *png = test_png(40, 30, 120, &n), path[96];
    snprintf(path, sizeof path, "/cua-toi/san-pham/%lld/anh", product_id);
    char *body = multipart(NULL, "mut.png", "image/png", png, n, 0, &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    free(body);
    body = multipart(NULL, "mut2.png", "image/png", png, n, n / 2 + 20, &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    expect_page(&r, 400);
    resp_free(&r);
    free(body);
    free(png);
    /* over the route's 10 MB: refused before it is read, as a page */
    size_t big = 10u * 1024 * 1024 + 4096;
    char *huge = calloc(1, big);
    body = multipart(NULL, "huge.png", "image/png", huge, big, 0, &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    expect_page(&r, 413);
    resp_free(&r);
    free(body);
    free(huge);
    /* not an image */
    body = multipart(NULL, "x.txt", "text/plain", "hello", 5, 0, &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    assert_true(r.status == 415 || r.status == 422);
    body_has(&r, "id=\"photo-error\"");
    resp_free(&r);
    free(body);
    snprintf(path, sizeof path, "/api/v1/products/%lld", product_id);
    r = http_get(&S, path);
    assert_int_equal(json_array_size(jpath(r.json, "photos")), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/cua-toi/san-pham/%lld", product_id);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    body_has(&r, "<img src=\"/files/");
    body_has(&r, "value=\"Mứt dừa non\"");
    resp_free(&r);
}

static void test_wizard(void **state) {
    (void)state;
    char path[128];
    /* step 1: the kinds the product may have; the others say why not */
    Resp r = browser_get(&P, "/cua-toi/ho-so/moi");
    expect_page(&r, 200);
    body_has(&r, "aria-current=\"step\"><span class=\"n\">1</span>");
    snprintf(path, sizeof path, "href=\"/cua-toi/ho-so/moi?san_pham=%lld&amp;loai=first\"", product_id);
    body_has(&r, path);
    body_has(&r, "nâng hạng cần một quyết định công nhận còn hiệu lực");
    resp_free(&r);
    /* step 2: the registration form; the draft is created */
    snprintf(path, sizeof path, "/cua-toi/ho-so/moi?san_pham=%lld&loai=first", product_id);
    browser_shows(&P, path, 200, "name=\"samples\" type=\"number\" value=\"5\"");
    r = browser_post(&P, "/cua-toi/ho-so/moi", "product_id=%lld&kind=first&samples=5&note=%s", product_id,
                     form_enc("Gửi kèm 5 hũ mẫu"));
    expect_status(&r, 303, NULL);
    dossier_id = location_id(&r, "/cua-toi/ho-so/");
    resp_free(&r);

    /* step 3: the sheet, saved by the API (sheet.js) or by the form, its result shown */
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld/tu-danh-gia", dossier_id);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    char want[160];
    snprintf(want, sizeof want, "data-save=\"/api/v1/dossiers/%lld/self-assessment\"", dossier_id);
    body_has(&r, want);
    body_has(&r, "còn 32 tiêu chí chưa chọn");
    resp_free(&r);
    r = browser_post(&P, path, "c.1.1=2&c.1.2=2");
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_get(&P, path);
    body_has(&r, "<strong data-r=\"total\">5</strong>");
    body_has(&r, "id=\"c-1-1-2\" name=\"c.1.1\" value=\"2\" checked");
    resp_free(&r);
    r = browser_post(&P, path, "c.1.1=9");
    expect_page(&r, 422);
    resp_free(&r);

    /* step 4: evidence per criterion; an upload cut off half-way attaches nothing */
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld/minh-chung", dossier_id);
    const char pdf[] = "%PDF-1.4 phieu kiem nghiem keo dua";
    size_t len;
    char *body = multipart((const char *const[]){"kind", "test_report", "criterion", "1.1", NULL}, "kiem-nghiem.pdf",
                           "application/pdf", pdf, sizeof pdf - 1, 0, &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    free(body);
    char files[96];
    snprintf(files, sizeof files, "/api/v1/dossiers/%lld/files", dossier_id);
    assert_int_equal(count_of(files, "items"), 1);
    body = multipart((const char *const[]){"kind", "label", NULL}, "nhan.pdf", "application/pdf", pdf, sizeof pdf - 1, 30,
                     &len);
    r = browser_post_multipart(&P, path, BOUNDARY, body, len);
    expect_page(&r, 400);
    resp_free(&r);
    free(body);
    assert_int_equal(count_of(files, "items"), 1);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    body_has(&r, "kiem-nghiem.pdf");
    body_has(&r, "tiêu chí 1.1");
    body_has(&r, "<script src=\"/static/upload.");
    resp_free(&r);

    /* step 5: review, submit once; the same form again is refused */
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld", dossier_id);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    body_has(&r, "Tự đánh giá: 5 điểm");
    body_has(&r, "<input type=\"hidden\" name=\"action\" value=\"submit\">");
    resp_free(&r);
    char step[64];
    snprintf(step, sizeof step, "/ho-so/%lld/buoc", dossier_id);
    r = browser_post(&P, step, "action=submit&from=draft&next=%s", form_enc(path));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&P, step, "action=submit&from=draft&next=%s", form_enc(path));
    expect_page(&r, 409);
    resp_free(&r);
    snprintf(want, sizeof want, "%s?done=submit", path);
    r = browser_get(&P, want);
    body_has(&r, "Hồ sơ đã được nộp cho xã.");
    body_has(&r, "Đã nộp");
    resp_free(&r);
    /* no longer editable: the sheet is read only, evidence cannot be added */
    snprintf(want, sizeof want, "%s/tu-danh-gia", path);
    r = browser_post(&P, want, "c.1.1=1");
    expect_page(&r, 409);
    resp_free(&r);
}

/* The commune returns it with a comment; the producer sees it, fixes and submits again. */
static void test_return_and_resubmit(void **state) {
    (void)state;
    Browser c;
    browser_sign_in(&c, &S, "xa.mocay", "demo-ocop-2026");
    char step[64], path[96];
    snprintf(step, sizeof step, "/ho-so/%lld/buoc", dossier_id);
    Resp r = browser_post(&c, step, "action=receive&from=submitted");
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&c, step, "action=return&from=with_commune&comment=%s", form_enc("Thiếu ảnh nhãn sản phẩm"));
    expect_status(&r, 303, NULL);
    resp_free(&r);

    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld", dossier_id);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    body_has(&r, "Xã yêu cầu bổ sung");
    body_has(&r, "<blockquote>Thiếu ảnh nhãn sản phẩm</blockquote>");
    body_has(&r, "value=\"resubmit\"");
    resp_free(&r);
    r = browser_get(&P, "/lam-viec");
    body_has(&r, "Thiếu ảnh nhãn sản phẩm");
    resp_free(&r);
    /* editable again */
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld/tu-danh-gia", dossier_id);
    r = browser_post(&P, path, "c.1.1=2&c.1.2=2&c.1.3=1");
    expect_status(&r, 303, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld", dossier_id);
    r = browser_post(&P, step, "action=resubmit&from=returned&next=%s", form_enc(path));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    browser_shows(&P, "/cua-toi/ho-so?state=resubmitted", 200, "Mứt dừa non");
}

/* Other producers' records are not found; other roles may not open the portal. */
static void test_scope(void **state) {
    (void)state;
    srv_user(&S, "ct.angiang", (const char *const[]){"producer:12", NULL});
    Browser o;
    browser_sign_in(&o, &S, "ct.angiang", NULL);
    char path[96];
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld", dossier_id);
    Resp r = browser_get(&o, path);
    expect_page(&r, 404);
    resp_free(&r);
    snprintf(path, sizeof path, "/cua-toi/san-pham/%lld", product_id);
    browser_shows(&o, path, 404, NULL);
    r = browser_get(&o, "/cua-toi/san-pham");
    expect_page(&r, 200);
    assert_null(strstr(r.body, "Mứt dừa non"));
    resp_free(&r);
    Browser c;
    browser_sign_in(&c, &S, "xa.mocay", "demo-ocop-2026");
    browser_shows(&c, "/cua-toi/ho-so", 403, "Chủ thể OCOP");
}

/* Once decided: the certificate to download, its verification page, the re-evaluation window
** (the demo's scored dossier, decided by the province through the API). */
static void test_certificate(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/dossiers?state=scored&producer_id=1");
    long long id = jint(r.json, "items.0.id");
    resp_free(&r);
    assert_true(id > 0);
    /* the council is taken to have scored it 4★, above the 3★ its product (2) holds */
    sqlite3 *db;
    char sql[160];
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE dossiers SET product_id = 2, stars = 4, band = 4, avg_score = 75 WHERE id = %lld", id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    char body[512];
    const char *today = vn_day(0);
    snprintf(body, sizeof body, "{\"number\": \"77/QĐ-UBND\", \"decided_on\": \"%s\", \"level\": \"province\", "
                                "\"province_code\": \"86\", \"signer_name\": \"Nguyễn Văn Mẫu\", \"signer_title\": \"CHỦ TỊCH\", "
                                "\"items\": [{\"dossier_id\": %lld}]}", today, id);
    r = http_json(&S, "POST", "/api/v1/decisions", body);
    expect_status(&r, 201, NULL);
    char cert[64], want[160], path[64];
    snprintf(cert, sizeof cert, "%s", jstr(r.json, "items.0.cert_no"));
    resp_free(&r);
    snprintf(path, sizeof path, "/cua-toi/ho-so/%lld", id);
    r = browser_get(&P, path);
    expect_page(&r, 200);
    body_has(&r, "Đã có quyết định");
    snprintf(want, sizeof want, "href=\"/api/v1/certificates/%s/pdf\"", cert);
    body_has(&r, want);
    snprintf(want, sizeof want, "href=\"/xac-minh/%s\"", cert);
    body_has(&r, want);
    body_has(&r, "Nộp hồ sơ đánh giá lại từ ngày");
    resp_free(&r);
}

static void test_english(void **state) {
    (void)state;
    Browser e = P;
    snprintf(e.lang, sizeof e.lang, "en");
    Resp r = browser_get(&e, "/cua-toi/ho-so");
    expect_page(&r, 200);
    body_has(&r, "<h1>My dossiers</h1>");
    body_has(&r, "File a new dossier");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs),
        cmocka_unit_test(test_organisation),
        cmocka_unit_test(test_product_and_photo),
        cmocka_unit_test(test_wizard),
        cmocka_unit_test(test_return_and_resubmit),
        cmocka_unit_test(test_scope),
        cmocka_unit_test(test_certificate),
        cmocka_unit_test(test_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
