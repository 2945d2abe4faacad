/*
** test_record_pages.c: the public record pages as an anonymous visitor gets them (issue 9): a
** product (/san-pham/{id}) with its photos, producer, places on both geographies, stars and the
** certificate's live state in Vietnamese and English, recognition history, points of sale,
** channels, links and intellectual-property records, and its schema.org JSON-LD parsed back;
** a producer (/chu-the/{id}), a point of sale (/diem-ban/{id}) and a craft village
** (/lang-nghe/{id}). Values come from the demo data (data/demo/ CSV files) and from changes made
** through the API as an administrator; the pages are fetched without credentials, and no
** person's phone, e-mail, name, gender, ethnicity or disability may appear on them.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static Server S;
static char photo1[65], photo2[65]; /* the photos uploaded to product 1 (their sha256) */

/* Vietnam's date days from today, ISO. */
static void vn_date(int days, char out[11]) {
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The day before iso, ISO. */
static void day_before(const char *iso, char out[11]) {
    struct tm tm = {0};
    sscanf(iso, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900, tm.tm_mon -= 1, tm.tm_hour = 12;
    time_t t = timegm(&tm) - 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void upload(int shade, char sha[65]) {
    size_t n;
    char *png = test_png(900, 600, shade, &n);
    Resp r = http_req(&S, "POST", "/api/v1/products/1/photos?filename=keo-dua.png", "image/png", png, n);
    expect_status(&r, 201, NULL);
    snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
    resp_free(&r);
    free(png);
}

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    srv_as_admin(&S);
    srv_start(&S);
    upload(90, photo1);
    upload(160, photo2);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    return 0;
}

/* path as an anonymous visitor (no credentials), as HTML with status. */
static Resp anon(const char *path, long status) {
    static const char *const none[] = {NULL};
    Resp r = http_req_h(&S, none, "GET", path, NULL, NULL, 0);
    expect_status(&r, status, NULL);
    if (status == 200) {
        assert_string_equal(resp_header_value(&r, "Content-Type"), "text/html; charset=utf-8");
        body_has(&r, "<main id=\"main\">");
        assert_null(strstr(r.body, " style="));
    }
    return r;
}

static void lacks(Resp *r, const char *text) {
    if (strstr(r->body, text)) fprintf(stderr, "the page shows '%s', which it must not:\n%s\n", text, r->body);
    assert_null(strstr(r->body, text));
}

/* Nothing personal of the demo producers 1 (a cooperative) and 16 (a household business): the
** representatives' names, genders, ethnicity and disability, phones and e-mails. */
static void no_personal_data(Resp *r) {
    static const char *const personal[] = {"Nguyễn Thị Thanh", "0275 3843 111", "htxthanhlong@example.vn", "Võ Thị Hiền",
                                           "0912 345 678", "rep_", "Giới tính", "dân tộc", "khuyết tật", "disability",
                                           "ethnic", "gender", "\"phone\"", "\"email\"", "telephone"};
    for (size_t i = 0; i < sizeof personal / sizeof *personal; i++) lacks(r, personal[i]);
}

/* The id of the demo product with code. */
static long long product_id(const char *code) {
    char path[128];
    snprintf(path, sizeof path, "/api/v1/products?code=%s", code);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    long long id = jint(r.json, "items.0.id");
    resp_free(&r);
    return id;
}

/* The JSON-LD of a page, parsed (the caller decrefs); its nonce must be the response's. */
static json_t *json_ld(Resp *r) {
    const char *open = "<script type=\"application/ld+json\" nonce=\"";
    char *at = strstr(r->body, open);
    assert_non_null(at);
    at += strlen(open);
    char *q = strchr(at, '"');
    assert_non_null(q);
    char nonce[64];
    snprintf(nonce, sizeof nonce, "'nonce-%.*s'", (int)(q - at), at);
    assert_non_null(strstr(resp_header_value(r, "Content-Security-Policy"), nonce));
    assert_true(q[1] == '>');
    char *end = strstr(q, "</script>");
    assert_non_null(end);
    /* nothing in it can close the element or open a comment */
    for (char *c = q + 2; c < end; c++) assert_true(*c != '<' && *c != '>');
    json_error_t je;
    json_t *ld = json_loadb(q + 2, (size_t)(end - q - 2), 0, &je);
    if (!ld) fprintf(stderr, "JSON-LD does not parse: %s\n%.*s\n", je.text, (int)(end - q - 2), q + 2);
    assert_non_null(ld);
    return ld;
}

/* ---- the product page ------------------------------------------------------------------------ */

static void test_product_page(void **state) {
    (void)state;
    Resp api = http_get(&S, "/api/v1/products/1");
    expect_status(&api, 200, NULL);
    char through[11];
    day_before(jstr(api.json, "recognition.expires_on"), through);
    char valid[80];
    snprintf(valid, sizeof valid, "Còn hiệu lực đến hết ngày %s", dmy(through));

    Resp r = anon("/san-pham/1", 200);
    body_has(&r, "<title>Kẹo dừa sầu riêng Thanh Long – OCOP</title>");
    body_has(&r, "<h1>Kẹo dừa sầu riêng Thanh Long</h1>");
    body_has(&r, "<td class=\"nb\">86-28903-001-2021</td>");
    body_has(&r, "<td>Thực phẩm – Thực phẩm chế biến</td>");
    body_has(&r, "<td>7. Chế biến từ rau, củ, quả, hạt</td>");
    body_has(&r, "Kẹo dừa truyền thống Mỏ Cày, vị sầu riêng");
    /* the place now, and before 1 July 2025 (the record names its pre-2025 commune 28940) */
    body_has(&r, "<tr><th>Xã, phường</th><td>Xã Mỏ Cày</td></tr>");
    body_has(&r, "<tr><th>Tỉnh, thành phố</th><td>Tỉnh Vĩnh Long</td></tr>");
    body_has(&r, "<tr><th>Trước ngày 01/7/2025</th><td>Xã Tân Hội, Huyện Mỏ Cày Nam, Tỉnh Bến Tre</td></tr>");
    /* the stars and the live state; a certificate recorded from paper links to its record on /xac-minh */
    body_has(&r, "<div class=\"state record valid\">");
    body_has(&r, "★★★★</span> Sản phẩm OCOP 4 sao</p>");
    body_has(&r, valid);
    body_has(&r, "<a href=\"/xac-minh/GCN-BT-2024-31\">Xác minh giấy chứng nhận <span class=\"nb\">GCN-BT-2024-31</span></a>");
    /* the history, newest first: the 4★ in force, the district's 3★ of 2021 expired */
    char *four = strstr(r.body, "Số 2455/QĐ-UBND"), *three = strstr(r.body, "Số 1520/QĐ-UBND ngày 15/11/2021");
    assert_non_null(four);
    assert_non_null(three);
    assert_true(four < three);
    body_has(&r, "<td data-label=\"Cấp công nhận\">Cấp huyện</td>");
    body_has(&r, "Hết hạn: hiệu lực đến hết ngày 14/11/2024");
    /* the producer, its village, the point of sale, the channels and links, the IP records */
    body_has(&r, "<a href=\"/chu-the/1\">Hợp tác xã Kẹo dừa Thanh Long</a> <small>(Hợp tác xã)</small>");
    body_has(&r, "<a href=\"/lang-nghe/1\">Làng nghề kẹo dừa Mỏ Cày</a>");
    body_has(&r, "<a href=\"/diem-ban/1\">Trung tâm giới thiệu sản phẩm OCOP Bến Tre</a>");
    body_has(&r, "<p>Sàn thương mại điện tử, Facebook, Siêu thị</p>");
    body_has(&r, "<a href=\"https://keoduathanhlong.example.vn\" rel=\"noopener nofollow\">");
    body_has(&r, "<tr><th>Nhãn hiệu (số đơn hoặc văn bằng)</th><td>4-2019-12345</td></tr>");
    body_has(&r, "<tr><th>Nhãn hiệu tập thể hoặc nhãn hiệu chứng nhận</th><td>Kẹo dừa Bến Tre</td></tr>");
    lacks(&r, "Chỉ dẫn địa lý</th>");
    no_personal_data(&r);
    resp_free(&r);
    resp_free(&api);
}

static void test_product_photos(void **state) {
    (void)state;
    Resp api = http_get(&S, "/api/v1/products/1");
    json_t *v = jpath(api.json, "photos.0.variants");
    assert_int_equal(json_array_size(v), 6); /* 320, 640, 900 in JPEG and WebP (900 is the full size) */
    Resp r = anon("/san-pham/1", 200);
    char want[1024];
    /* WebP first, in the three sizes kept */
    snprintf(want, sizeof want, "<source type=\"image/webp\" sizes=\"(min-width: 40rem) 28rem, 100vw\" srcset=\"%s 320w, %s 640w, %s 900w\">",
             jstr(v, "1.url"), jstr(v, "3.url"), jstr(v, "5.url"));
    body_has(&r, want);
    /* the JPEG for the others, its 640 px size as src with its size; the first photo loads at once */
    snprintf(want, sizeof want, "<img src=\"%s\" width=\"640\" height=\"427\" alt=\"Kẹo dừa sầu riêng Thanh Long\" decoding=\"async\" "
             "sizes=\"(min-width: 40rem) 28rem, 100vw\" srcset=\"%s 320w, %s 640w, %s 900w\">",
             jstr(v, "2.url"), jstr(v, "0.url"), jstr(v, "2.url"), jstr(v, "4.url"));
    body_has(&r, want);
    /* the second lazily */
    char *second = strstr(r.body, "<picture>");
    assert_non_null(second);
    second = strstr(second + 1, "<picture>");
    assert_non_null(second);
    assert_non_null(strstr(second, "alt=\"Kẹo dừa sầu riêng Thanh Long\" loading=\"lazy\""));
    assert_true(strstr(r.body, "loading=\"lazy\"") > second);
    resp_free(&r);
    resp_free(&api);
}

static void test_product_json_ld(void **state) {
    (void)state;
    Resp api = http_get(&S, "/api/v1/products/1");
    Resp r = anon("/san-pham/1", 200);
    json_t *ld = json_ld(&r);
    assert_string_equal(jstr(ld, "@context"), "https://schema.org");
    assert_string_equal(jstr(ld, "@type"), "Product");
    assert_string_equal(jstr(ld, "name"), "Kẹo dừa sầu riêng Thanh Long");
    assert_string_equal(jstr(ld, "productID"), "86-28903-001-2021");
    assert_string_equal(jstr(ld, "gtin"), "8936012340013");
    assert_non_null(strstr(jstr(ld, "url"), "/san-pham/1"));
    assert_int_equal(json_array_size(jpath(ld, "image")), 2);
    assert_string_equal(jstr(ld, "manufacturer.@type"), "Organization");
    assert_string_equal(jstr(ld, "manufacturer.name"), "Hợp tác xã Kẹo dừa Thanh Long");
    assert_string_equal(jstr(ld, "manufacturer.address.addressLocality"), "Xã Mỏ Cày");
    assert_string_equal(jstr(ld, "manufacturer.address.addressRegion"), "Tỉnh Vĩnh Long");
    assert_string_equal(jstr(ld, "manufacturer.url"), "https://keoduathanhlong.example.vn");
    assert_null(jpath(ld, "manufacturer.telephone"));
    assert_null(jpath(ld, "manufacturer.email"));
    assert_string_equal(jstr(ld, "hasCertification.@type"), "Certification");
    assert_string_equal(jstr(ld, "hasCertification.certificationIdentification"), "GCN-BT-2024-31");
    assert_string_equal(jstr(ld, "hasCertification.certificationRating.@type"), "Rating");
    assert_int_equal(jint(ld, "hasCertification.certificationRating.ratingValue"), 4);
    assert_int_equal(jint(ld, "hasCertification.certificationRating.bestRating"), 5);
    assert_string_equal(jstr(ld, "hasCertification.validFrom"), jstr(api.json, "recognition.decision_date"));
    assert_string_equal(jstr(ld, "hasCertification.expires"), jstr(api.json, "recognition.expires_on"));
    assert_string_equal(jstr(ld, "hasCertification.certificationStatus"), "https://schema.org/CertificationActive");
    assert_string_equal(jstr(ld, "hasCertification.issuedBy.@type"), "Organization");
    assert_string_equal(jstr(ld, "hasCertification.issuedBy.name"), "Cấp tỉnh");
    json_decref(ld);
    resp_free(&r);
    resp_free(&api);
}

/* A value that would end the <script> element stays inside it, escaped, and parses back. */
static void test_json_ld_hostile_value(void **state) {
    (void)state;
    const char *evil = "Ngon</script><script>alert(1)</script><!-- & end";
    json_t *patch = json_pack("{s:s}", "description", evil);
    char *body = json_dumps(patch, 0);
    long long id = product_id("86-28903-002-2022");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/products/%lld", id);
    Resp w = http_json(&S, "PATCH", path, body);
    expect_status(&w, 200, NULL);
    resp_free(&w);
    snprintf(path, sizeof path, "/san-pham/%lld", id);
    Resp r = anon(path, 200);
    body_has(&r, "<p class=\"description\">Ngon&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &amp; end</p>");
    body_has(&r, "\"Ngon\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\\u003c!-- \\u0026 end\"");
    assert_null(strstr(r.body, "<script>alert"));
    json_t *ld = json_ld(&r);
    assert_string_equal(jstr(ld, "description"), evil);
    json_decref(ld);
    resp_free(&r);
    free(body);
    json_decref(patch);
}

static void test_product_page_english(void **state) {
    (void)state;
    Resp api = http_get(&S, "/api/v1/products/1");
    char through[11], valid[64];
    day_before(jstr(api.json, "recognition.expires_on"), through);
    snprintf(valid, sizeof valid, "Valid until %s", dmy(through));
    Resp r = anon("/san-pham/1?lang=en", 200);
    body_has(&r, "<html lang=\"en\">");
    body_has(&r, "★★★★</span> OCOP 4 stars</p>");
    body_has(&r, valid);
    body_has(&r, "<a href=\"/xac-minh/GCN-BT-2024-31\">Check the certificate <span class=\"nb\">GCN-BT-2024-31</span></a>");
    body_has(&r, "Expired: valid until 14/11/2024");
    body_has(&r, "<tr><th>Before 1 July 2025</th><td>Xã Tân Hội, Huyện Mỏ Cày Nam, Tỉnh Bến Tre</td></tr>");
    body_has(&r, "<small>(Cooperative)</small>");
    body_has(&r, "<p>E-commerce platform, Facebook, Supermarket</p>");
    body_has(&r, "<td data-label=\"Recognition level\">District</td>");
    lacks(&r, "Còn hiệu lực");
    resp_free(&r);
    resp_free(&api);
}

/* Each live state of the recognition a product page heads with, in Vietnamese and English. */
static void state_is(long long product, const char *cls, const char *vi, const char *en) {
    char path[64], want[160];
    snprintf(path, sizeof path, "/san-pham/%lld", product);
    Resp r = anon(path, 200);
    snprintf(want, sizeof want, "<div class=\"state record %s\">", cls);
    body_has(&r, want);
    body_has(&r, vi);
    resp_free(&r);
    snprintf(path, sizeof path, "/san-pham/%lld?lang=en", product);
    r = anon(path, 200);
    body_has(&r, en);
    resp_free(&r);
}

static void patch_recognition(const char *code, const char *json) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/recognitions?product_id=%lld", product_id(code));
    Resp l = http_get(&S, path);
    expect_status(&l, 200, NULL);
    snprintf(path, sizeof path, "/api/v1/recognitions/%lld", jint(l.json, "items.0.id"));
    Resp w = http_json(&S, "PATCH", path, json);
    expect_status(&w, 200, NULL);
    resp_free(&w);
    resp_free(&l);
}

static void test_live_states(void **state) {
    (void)state;
    char today[11], soon[11], body[256], through[11];
    vn_date(0, today);
    /* expiring soon: 30 days left, within the 180 days of the re-evaluation window */
    vn_date(30, soon);
    day_before(soon, through);
    snprintf(body, sizeof body, "{\"expires_on\": \"%s\"}", soon);
    patch_recognition("86-28903-003-2022", body);
    char vi[96], en[96];
    snprintf(vi, sizeof vi, "Sắp hết hạn: còn hiệu lực đến hết ngày %s", dmy(through));
    snprintf(en, sizeof en, "Expiring soon: valid until %s", dmy(through));
    state_is(product_id("86-28903-003-2022"), "valid", vi, en);
    /* revoked today */
    snprintf(body, sizeof body, "{\"ended\": \"revoked\", \"ended_on\": \"%s\", \"ended_reason\": \"Vi phạm\"}", today);
    patch_recognition("86-29182-001-2022", body);
    snprintf(vi, sizeof vi, "Đã thu hồi ngày %s", dmy(today));
    snprintf(en, sizeof en, "Revoked on %s", dmy(today));
    state_is(product_id("86-29182-001-2022"), "revoked", vi, en);
    /* superseded today */
    snprintf(body, sizeof body, "{\"ended\": \"superseded\", \"ended_on\": \"%s\"}", today);
    patch_recognition("86-28870-002-2023", body);
    snprintf(vi, sizeof vi, "Hết hiệu lực do được thay thế ngày %s", dmy(today));
    snprintf(en, sizeof en, "Superseded on %s", dmy(today));
    state_is(product_id("86-28870-002-2023"), "superseded", vi, en);
    /* expired: a product whose only certificate is the district's of 2021 */
    state_is(product_id("42-18673-001-2021"), "expired", "Hết hạn: hiệu lực đến hết ngày 09/09/2024",
             "Expired: valid until 09/09/2024");
    /* 2★: no certificate, no stars in force */
    char path[64];
    snprintf(path, sizeof path, "/san-pham/%lld", product_id("42-18673-002-2024"));
    Resp r = anon(path, 200);
    body_has(&r, "Sản phẩm chưa được công nhận OCOP.");
    body_has(&r, "Không cấp giấy chứng nhận (dưới 3 sao)");
    assert_null(strstr(r.body, "hasCertification"));
    resp_free(&r);
}

/* ---- producers, points of sale, craft villages --------------------------------------------------- */

static void test_producer_page(void **state) {
    (void)state;
    Resp r = anon("/chu-the/1", 200);
    body_has(&r, "<h1>Hợp tác xã Kẹo dừa Thanh Long</h1>");
    body_has(&r, "<tr><th>Loại hình</th><td>Hợp tác xã</td></tr>");
    body_has(&r, "<tr><th>Địa chỉ</th><td>Ấp 2, xã Mỏ Cày</td></tr>");
    body_has(&r, "<tr><th>Xã, phường</th><td>Xã Mỏ Cày</td></tr>");
    body_has(&r, "<tr><th>Trước ngày 01/7/2025</th><td>Xã Tân Hội, Huyện Mỏ Cày Nam, Tỉnh Bến Tre</td></tr>");
    body_has(&r, "<a href=\"https://keoduathanhlong.example.vn\" rel=\"noopener nofollow\">");
    body_has(&r, "<a href=\"/lang-nghe/1\">Làng nghề kẹo dừa Mỏ Cày</a>");
    /* its products with their stars in force */
    body_has(&r, "<td class=\"name\"><a href=\"/san-pham/1\">Kẹo dừa sầu riêng Thanh Long</a></td><td data-label=\"Chủ thể\">"
                 "<a href=\"/chu-the/1\">Hợp tác xã Kẹo dừa Thanh Long</a></td><td data-label=\"Số sao\" class=\"stars\">★★★★</td>");
    body_has(&r, "<a href=\"/san-pham/2\">Kẹo dừa lá dứa Thanh Long</a>");
    no_personal_data(&r);
    resp_free(&r);
    r = anon("/chu-the/1?lang=en", 200);
    body_has(&r, "<tr><th>Type</th><td>Cooperative</td></tr>");
    resp_free(&r);
}

/* A household business is a person: its website is a personal contact and is not shown. */
static void test_household_producer(void **state) {
    (void)state;
    Resp l = http_get(&S, "/api/v1/producers?reg_no=83B8001234");
    expect_status(&l, 200, NULL);
    long long id = jint(l.json, "items.0.id");
    resp_free(&l);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/producers/%lld", id);
    Resp w = http_json(&S, "PATCH", path, "{\"website\": \"https://banhphong-uthien.example.vn\"}");
    expect_status(&w, 200, NULL);
    resp_free(&w);
    snprintf(path, sizeof path, "/chu-the/%lld", id);
    Resp r = anon(path, 200);
    body_has(&r, "<h1>Hộ kinh doanh Bánh phồng Út Hiền</h1>");
    body_has(&r, "<td>Hộ sản xuất, kinh doanh có đăng ký</td>");
    lacks(&r, "banhphong-uthien");
    no_personal_data(&r);
    resp_free(&r);
}

/* An organisation's published contact is on its page and in the public API; a household
** business cannot have one (its phone is a person's), and its personal phone stays hidden. */
static void test_public_contact(void **state) {
    (void)state;
    Resp w = http_json(&S, "PATCH", "/api/v1/producers/1",
                       "{\"contact_phone\": \"0275 3123 456\", \"contact_email\": \"lienhe@keoduathanhlong.example.vn\"}");
    expect_status(&w, 200, NULL);
    resp_free(&w);
    Resp r = anon("/chu-the/1", 200);
    body_has(&r, "<tr><th>Điện thoại</th><td><a href=\"tel:0275%203123%20456\">0275 3123 456</a></td></tr>");
    body_has(&r, "<a href=\"mailto:lienhe%40keoduathanhlong.example.vn\">lienhe@keoduathanhlong.example.vn</a>");
    no_personal_data(&r);
    resp_free(&r);
    r = anon("/san-pham/1", 200); /* the producer's part of its product's page */
    body_has(&r, "<p>Điện thoại: <a href=\"tel:0275%203123%20456\">0275 3123 456</a></p>");
    resp_free(&r);
    static const char *const none[] = {NULL};
    Resp a = http_req_h(&S, none, "GET", "/api/v1/producers/1", NULL, NULL, 0);
    expect_status(&a, 200, NULL);
    assert_string_equal(jstr(a.json, "contact_phone"), "0275 3123 456");
    assert_null(json_object_get(a.json, "phone"));
    resp_free(&a);
    Resp l = http_get(&S, "/api/v1/producers?reg_no=83B8001234");
    long long id = jint(l.json, "items.0.id");
    resp_free(&l);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/producers/%lld", id);
    Resp h = http_json(&S, "PATCH", path, "{\"contact_phone\": \"0909 000 111\"}");
    expect_status(&h, 422, "contact_phone");
    resp_free(&h);
}

static void test_point_page(void **state) {
    (void)state;
    Resp r = anon("/diem-ban/1", 200);
    body_has(&r, "<h1>Trung tâm giới thiệu sản phẩm OCOP Bến Tre</h1>");
    body_has(&r, "<tr><th>Loại hình</th><td>Trung tâm giới thiệu và bán sản phẩm OCOP</td></tr>");
    body_has(&r, "<tr><th>Địa chỉ</th><td>Đường 30/4, xã Mỏ Cày</td></tr>");
    body_has(&r, "<tr><th>Đơn vị vận hành</th><td>Trung tâm Xúc tiến Thương mại</td></tr>");
    body_has(&r, "<h2>Sản phẩm bán tại đây</h2>");
    body_has(&r, "<a href=\"/san-pham/1\">Kẹo dừa sầu riêng Thanh Long</a>");
    body_has(&r, "<a href=\"/san-pham/2\">Kẹo dừa lá dứa Thanh Long</a>");
    no_personal_data(&r);
    resp_free(&r);
    r = anon("/diem-ban/4", 200);
    body_has(&r, "<td>Gian hàng trực tuyến</td>");
    body_has(&r, "<a href=\"https://ocop.angiang.example.vn\" rel=\"noopener nofollow\">");
    resp_free(&r);
    /* a product whose only certificate (a district's, of 2021) has expired: no stars in force */
    r = anon("/diem-ban/3", 200);
    body_has(&r, "<a href=\"/san-pham/12\">");
    body_has(&r, "<td data-label=\"Số sao\" class=\"stars\"><small>không có sao còn hiệu lực</small></td>");
    resp_free(&r);
    r = anon("/diem-ban/4?lang=en", 200);
    body_has(&r, "<tr><th>Kind</th><td>Online shop</td></tr>");
    body_has(&r, "<h2>Products sold here</h2>");
    resp_free(&r);
}

static void test_village_page(void **state) {
    (void)state;
    Resp r = anon("/lang-nghe/1", 200);
    body_has(&r, "<h1>Làng nghề kẹo dừa Mỏ Cày</h1>");
    body_has(&r, "<p>Xã Mỏ Cày, Tỉnh Vĩnh Long</p>");
    body_has(&r, "<tr><th>Làng nghề truyền thống</th><td>Có</td></tr>");
    body_has(&r, "<tr><th>Ngành nghề</th><td>Kẹo dừa; bánh tráng</td></tr>");
    body_has(&r, "<tr><th>Công nhận</th><td>Quyết định số 2150/QĐ-UBND ngày 15/09/2016</td></tr>");
    body_has(&r, "<tr><th>Số hộ</th><td>120</td></tr>");
    body_has(&r, "<li><a href=\"/chu-the/1\">Hợp tác xã Kẹo dừa Thanh Long</a> <small>(Hợp tác xã)</small></li>");
    body_has(&r, "<a href=\"/chu-the/2\">Công ty TNHH Kẹo dừa Bến Tre Xưa</a>");
    body_has(&r, "<a href=\"/san-pham/1\">Kẹo dừa sầu riêng Thanh Long</a>");
    no_personal_data(&r);
    resp_free(&r);
    /* a village no producer names */
    Resp w = http_json(&S, "POST", "/api/v1/villages", "{\"name\": \"Làng nghề dệt chiếu Nhơn Phú\", \"commune_code\": \"28903\"}");
    expect_status(&w, 201, NULL);
    char path[64];
    snprintf(path, sizeof path, "/lang-nghe/%lld", jint(w.json, "id"));
    resp_free(&w);
    r = anon(path, 200);
    body_has(&r, "<tr><th>Làng nghề truyền thống</th><td>Không</td></tr>");
    body_has(&r, "Chưa có chủ thể nào.");
    body_has(&r, "Chưa có sản phẩm nào.");
    resp_free(&r);
}

/* A missing, non-numeric, zero, negative or out-of-range id: 404, nothing else. */
static void test_not_found(void **state) {
    (void)state;
    static const char *const paths[] = {"/san-pham/999999", "/san-pham/abc", "/san-pham/0", "/san-pham/-1",
                                        "/san-pham/1x", "/san-pham/99999999999999999999",
                                        "/chu-the/999999", "/chu-the/x", "/diem-ban/999999", "/diem-ban/1.5",
                                        "/lang-nghe/999999", "/lang-nghe/%20"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        Resp r = anon(paths[i], 404);
        resp_free(&r);
    }
    /* unknown query parameters (a tracking link's) are ignored */
    Resp r = anon("/san-pham/1?utm_source=zalo&fbclid=x", 200);
    resp_free(&r);
}

/* A product page's weight (HTML and the stylesheet, photos apart) and its server time. */
static void test_product_page_weight_and_time(void **state) {
    (void)state;
    Resp r = anon("/san-pham/1", 200);
    const char *css = strstr(r.body, "<link rel=\"stylesheet\" href=\"");
    assert_non_null(css);
    char path[128];
    snprintf(path, sizeof path, "%.*s", (int)(strchr(css + 29, '"') - css - 29), css + 29);
    static const char *const none[] = {NULL};
    Resp c = http_req_h(&S, none, "GET", path, NULL, NULL, 0);
    expect_status(&c, 200, NULL);
    size_t total = r.len + c.len;
    fprintf(stderr, "product page: %zu bytes of HTML + %zu of CSS = %zu bytes\n", r.len, c.len, total);
    assert_true(total < 50 * 1024);
    resp_free(&c);
    resp_free(&r);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum { N = 100 };
    for (int i = 0; i < N; i++) {
        r = anon("/san-pham/1", 200);
        resp_free(&r);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = ((double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / N;
    fprintf(stderr, "product page: %.2f ms a request, round trip included (%d requests)\n", ms, N);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_product_page),
        cmocka_unit_test(test_product_photos),
        cmocka_unit_test(test_product_json_ld),
        cmocka_unit_test(test_product_page_english),
        cmocka_unit_test(test_producer_page),
        cmocka_unit_test(test_household_producer),
        cmocka_unit_test(test_public_contact),
        cmocka_unit_test(test_point_page),
        cmocka_unit_test(test_village_page),
        cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_product_page_weight_and_time),
        cmocka_unit_test(test_json_ld_hostile_value),
        cmocka_unit_test(test_live_states),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
