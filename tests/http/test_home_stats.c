/*
** test_home_stats.c: the home page "/" (page_home.c) and the statistics page /thong-ke
** (page_stats.c) as a browser gets them.
**
** Two servers: T holds the demo loaded today, so that the registry looks as on its reference
** day whatever the date (data/README.md: 21 of the 24 products recognised) and the home page,
** which counts on today, shows the same figures every day; F holds the demo with its dates as
** written (the harness's reference day, 21/12/2024), for /thong-ke on fixed dates. Every figure
** on /thong-ke is also checked against GET /api/v1/stats, which computes it.
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
#include "table.h"

static Server T, F;

static int setup(void **state) {
    (void)state;
    srv_prepare(&T, false);
    const char *d[] = {"demo", "--db", T.db, "--quiet", NULL};
    char *err = NULL;
    if (run_ocop(d, NULL, &err) != 0) fail_msg("demo: %s", err);
    free(err);
    srv_start(&T);
    srv_prepare(&F, true);
    srv_start(&F);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&T);
    srv_cleanup(&T);
    srv_stop(&F);
    srv_cleanup(&F);
    return 0;
}

/* A page: its status, HTML, no inline style (the CSP allows none). */
static Resp page(Server *s, const char *path, long status) {
    Resp r = http_get(s, path);
    expect_status(&r, status, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "text/html; charset=utf-8");
    body_has(&r, "<main id=\"main\">");
    body_has(&r, "</html>\n");
    assert_null(strstr(r.body, " style="));
    assert_null(strstr(r.body, "<style"));
    return r;
}

/* The number of times needle occurs in hay. */
static int count(const char *hay, const char *needle) {
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

/* Today in Vietnam (UTC+7), as the server counts it, "YYYY-MM-DD". */
static void today_vn(char out[11]) {
    time_t t = time(NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void test_home_figures(void **state) {
    Resp r = page(&T, "/", 200);
    body_has(&r, "<title>OCOP – Mỗi xã một sản phẩm</title>");
    /* the demo's files on their reference day: 21 products recognised (12 at 3★, 8 at 4★, 1 at
    ** 5★) of 15 producers, in 11 communes of 5 provinces; and of the demo's own decisions, three
    ** in force today (3★ in its re-evaluation window, 4★, the Ministry's 5★: README) */
    body_has(&r, "<li><strong>24</strong> sản phẩm</li>");
    body_has(&r, "<li><strong>2</strong> <span class=\"stars\" aria-hidden=\"true\">★★★★★</span> sản phẩm 5 sao</li>");
    body_has(&r, "<li><strong>9</strong> <span class=\"stars\" aria-hidden=\"true\">★★★★</span> sản phẩm 4 sao</li>");
    body_has(&r, "<li><strong>13</strong> <span class=\"stars\" aria-hidden=\"true\">★★★</span> sản phẩm 3 sao</li>");
    body_has(&r, "<li><strong>15</strong> chủ thể</li>");
    body_has(&r, "<li><strong>5</strong> trên 34 tỉnh, thành phố có sản phẩm</li>");
    body_has(&r, "<li><strong>11</strong> trên 3.321 xã, phường có sản phẩm</li>");
    char today[11], heading[96];
    today_vn(today);
    snprintf(heading, sizeof heading, "<h2>Sản phẩm có giấy chứng nhận còn hiệu lực ngày %s</h2>", dmy(today));
    body_has(&r, heading);
    /* the search box submits to the catalogue */
    body_has(&r, "<form method=\"get\" action=\"/san-pham\" role=\"search\">");
    body_has(&r, "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\">");
    resp_free(&r);
}

static void test_home_charts(void **state) {
    Resp r = page(&T, "/", 200);
    /* three charts, each an image named by its title and description, with its table */
    assert_int_equal(count(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\""), 3);
    assert_int_equal(count(r.body, " role=\"img\" aria-labelledby=\""), 3);
    body_has(&r, "aria-labelledby=\"stars-title stars-desc\"><title id=\"stars-title\">Sản phẩm theo số sao</title>");
    body_has(&r, "<desc id=\"stars-desc\">Số sản phẩm có giấy chứng nhận còn hiệu lực, theo số sao.</desc>");
    body_has(&r, "<div class=\"visually-hidden\">\n<table class=\"figures\">\n<caption>Sản phẩm theo số sao</caption>");
    body_has(&r, "<tr><th scope=\"row\">3 sao</th><td>13</td></tr>\n<tr><th scope=\"row\">4 sao</th><td>9</td></tr>\n"
                 "<tr><th scope=\"row\">5 sao</th><td>2</td></tr>");
    /* by province: Vĩnh Long first with 12, the longest bar (360 - 80 units) */
    body_has(&r, "<tr><th scope=\"row\">Vĩnh Long</th><td>12</td></tr>\n<tr><th scope=\"row\">Đồng Tháp</th><td>4</td></tr>");
    body_has(&r, ">Vĩnh Long</text><rect class=\"chart-bar\" x=\"0\" y=\"22.0\" width=\"280.0\" height=\"16\"");
    /* Đồng Tháp's 4 of 12 is 4/12 of it */
    body_has(&r, ">Đồng Tháp</text><rect class=\"chart-bar\" x=\"0\" y=\"62.0\" width=\"93.3\" height=\"16\"");
    /* by product group, in the classification's order, named in Vietnamese (the demo's decided
    ** products are classified under the sheet of their year, 148/2023, which has no groups) */
    body_has(&r, "<tr><th scope=\"row\">Thực phẩm</th><td>17</td></tr>\n<tr><th scope=\"row\">Đồ uống</th><td>1</td></tr>");
    resp_free(&r);
    /* in English: the words and the group names translated, the numbers as English writes them */
    r = page(&T, "/?lang=en", 200);
    body_has(&r, "<title id=\"stars-title\">Products by stars</title>");
    body_has(&r, "<tr><th scope=\"row\">Food</th><td>17</td></tr>\n<tr><th scope=\"row\">Beverages</th><td>1</td></tr>");
    body_has(&r, "<li><strong>11</strong> of 3,321 communes</li>");
    resp_free(&r);
}

/* A product named with markup, recognised today: its name is text in the newest list. */
static void test_home_newest(void **state) {
    Resp r = page(&T, "/", 200);
    body_has(&r, "<h2>Sản phẩm mới được công nhận</h2>\n<ol class=\"newest\">");
    assert_int_equal(count(r.body, "<li><a href=\"/san-pham/"), 8);
    resp_free(&r);
    srv_as_admin(&T);
    Resp p = http_json(&T, "POST", "/api/v1/products",
                       "{\"name\": \"<script>alert(1)</script> & Mứt\", \"set_no\": 7, \"producer_id\": 1, "
                       "\"commune_code\": \"28903\"}");
    expect_status(&p, 201, NULL);
    long long id = jint(p.json, "id");
    char today[11], body[512];
    today_vn(today);
    snprintf(body, sizeof body,
             "{\"product_id\": %lld, \"stars\": 3, \"level\": \"province\", \"decision_no\": \"9/QĐ-T\", "
             "\"decision_date\": \"%s\", \"cert_no\": \"T-1\", \"score\": 60}",
             id, today);
    Resp rc = http_json(&T, "POST", "/api/v1/recognitions", body);
    expect_status(&rc, 201, NULL);
    resp_free(&p);
    resp_free(&rc);
    T.auth[0] = 0;
    r = page(&T, "/", 200);
    char first[256];
    snprintf(first, sizeof first,
             "<ol class=\"newest\">\n<li><a href=\"/san-pham/%lld\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; Mứt</a> "
             "<span class=\"stars\" aria-hidden=\"true\">★★★</span>",
             id);
    body_has(&r, first);
    assert_null(strstr(r.body, "<script"));
    body_has(&r, "<li><strong>25</strong> sản phẩm</li>");
    resp_free(&r);
}

static void test_home_search_redirects(void **state) {
    Resp r = http_get(&T, "/?q=n%C6%B0%E1%BB%9Bc%20m%E1%BA%AFm");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/san-pham?q=n%C6%B0%E1%BB%9Bc%20m%E1%BA%AFm");
    resp_free(&r);
    /* what was typed stays a query value: it cannot add parameters or leave the site */
    r = http_get(&T, "/?q=%26x%3D1%2F%2Fevil");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/san-pham?q=%26x%3D1%2F%2Fevil");
    resp_free(&r);
    r = http_get(&T, "/?q=");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/san-pham");
    resp_free(&r);
}

/* The figures table of a report holds row label -> value. */
static void row_is(Resp *r, const char *label, const char *value) {
    char row[256];
    snprintf(row, sizeof row, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>", label, value);
    body_has(r, row);
}

/* GET /api/v1/stats?unit=&date= for comparing. */
static json_t *api_stats(const char *unit, const char *date) {
    char path[128];
    snprintf(path, sizeof path, "/api/v1/stats?unit=%s&date=%s", unit, date);
    Resp r = http_get(&F, path);
    expect_status(&r, 200, NULL);
    json_t *j = json_incref(r.json);
    resp_free(&r);
    return j;
}

/* The certificates of the demo's own decisions (all in Mỏ Cày, 86, placed in Bến Tre, 83, before
** 2025) of stars (0: any) in force on date on F: what they add to the figures of the demo's
** files on a fixed date, which depends on the day the tests run (the demo dates its decisions
** back from the real day: README). */
static int demo_certs_on(const char *date, int stars) {
    Resp r = http_get(&F, "/api/v1/certificates?province=86&per_page=100");
    expect_status(&r, 200, NULL);
    int n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r.json, "items"), i, c) {
        const char *issued = json_string_value(json_object_get(c, "issued_on"));
        const char *expires = json_string_value(json_object_get(c, "expires_on"));
        const char *ended = json_string_value(json_object_get(c, "ended_on"));
        n += strcmp(issued, date) <= 0 && strcmp(expires, date) > 0 && (!ended || strcmp(ended, date) > 0) &&
             (!stars || json_integer_value(json_object_get(c, "stars")) == stars);
    }
    resp_free(&r);
    return n;
}

/* base and demo_certs_on(date, stars), as text (a static buffer: use it at once). */
static const char *plus_demo(int base, const char *date, int stars) {
    static char out[16];
    snprintf(out, sizeof out, "%d", base + demo_certs_on(date, stars));
    return out;
}

static void test_stats_current_province(void **state) {
    Resp r = page(&F, "/thong-ke?province=86&date=2025-07-01", 200);
    body_has(&r, "<title>Thống kê OCOP – Tỉnh Vĩnh Long, 01/07/2025</title>");
    body_has(&r, "<h2>Tỉnh Vĩnh Long <small>(86)</small>, 01/07/2025</h2>");
    body_has(&r, "<p>Địa giới hành chính từ ngày 01/7/2025 (34 tỉnh, thành phố)</p>");
    json_t *j = api_stats("86", "2025-07-01");
    assert_int_equal(jint(j, "products.total"), 8 + demo_certs_on("2025-07-01", 0));
    row_is(&r, "Sản phẩm có giấy chứng nhận còn hiệu lực", plus_demo(8, "2025-07-01", 0));
    row_is(&r, "Sản phẩm 3 sao", plus_demo(4, "2025-07-01", 3));
    row_is(&r, "Sản phẩm 4 sao", plus_demo(3, "2025-07-01", 4));
    row_is(&r, "Sản phẩm 5 sao", plus_demo(1, "2025-07-01", 5));
    row_is(&r, "Chủ thể", "6");
    row_is(&r, "Chủ thể: Hợp tác xã", "2");
    row_is(&r, "Đơn vị hành chính cấp xã có sản phẩm OCOP", "4");
    row_is(&r, "Tổng số xã trong đơn vị", "124");
    row_is(&r, "Tỷ lệ xã có sản phẩm OCOP (%)", "3,23");
    assert_int_equal(jint(j, "communes.total"), 124);
    json_decref(j);
    /* the picker: the date as people write it, 34 provinces with Vĩnh Long chosen, then its communes */
    body_has(&r, "<input id=\"date\" name=\"date\" value=\"01/07/2025\" inputmode=\"numeric\" maxlength=\"10\" "
                 "autocomplete=\"off\">");
    body_has(&r, "<select id=\"pick-province\" name=\"province\">");
    body_has(&r, "<option value=\"86\" selected>Tỉnh Vĩnh Long</option>");
    body_has(&r, "<select id=\"pick-commune\" name=\"commune\">");
    body_has(&r, "<option value=\"28903\">Xã Mỏ Cày</option>");
    assert_null(strstr(r.body, "name=\"district\""));
    /* two charts with their tables shown */
    assert_int_equal(count(r.body, " role=\"img\" aria-labelledby=\""), 2);
    body_has(&r, "<table class=\"figures\">\n<caption>Chủ thể theo loại hình</caption>");
    body_has(&r, "<a href=\"/thong-ke?province=86&amp;date=2025-07-01&amp;format=csv\" download>CSV</a>");
    resp_free(&r);
    /* the same province on another date: every certificate of the demo's files has expired by
    ** then (those of its own decisions, all in Mỏ Cày, may not have) */
    r = page(&F, "/thong-ke?province=86&date=31/12/2027", 200);
    body_has(&r, "<h2>Tỉnh Vĩnh Long <small>(86)</small>, 31/12/2027</h2>");
    row_is(&r, "Sản phẩm có giấy chứng nhận còn hiệu lực", plus_demo(0, "2027-12-31", 0));
    row_is(&r, "Đơn vị hành chính cấp xã có sản phẩm OCOP", demo_certs_on("2027-12-31", 0) ? "1" : "0");
    resp_free(&r);
}

static void test_stats_earlier_province(void **state) {
    /* Bến Tre (83), one of the 63 provinces, on the reference day, then its district Mỏ Cày Nam */
    Resp r = page(&F, "/thong-ke?province=83&date=2024-12-21", 200);
    body_has(&r, "<h2>Tỉnh Bến Tre <small>(83)</small>, 21/12/2024</h2>");
    body_has(&r, "<p>Địa giới hành chính trước ngày 01/7/2025 (63 tỉnh, thành phố)</p>");
    row_is(&r, "Sản phẩm có giấy chứng nhận còn hiệu lực", plus_demo(9, "2024-12-21", 0));
    row_is(&r, "Sản phẩm 3 sao", plus_demo(5, "2024-12-21", 3));
    row_is(&r, "Đơn vị hành chính cấp xã có sản phẩm OCOP", "6");
    row_is(&r, "Tổng số xã trong đơn vị", "157");
    row_is(&r, "Tỷ lệ xã có sản phẩm OCOP (%)", "3,82");
    json_t *j = api_stats("83", "2024-12-21");
    assert_int_equal(jint(j, "products.total"), 9 + demo_certs_on("2024-12-21", 0));
    assert_int_equal(jint(j, "communes.with_products"), 6);
    json_decref(j);
    /* the 63 provinces are listed (Bến Tre among them), and Bến Tre's districts next */
    body_has(&r, "<option value=\"83\" selected>Tỉnh Bến Tre</option>");
    assert_non_null(strstr(r.body, "<select id=\"pick-district\" name=\"district\">"));
    assert_int_equal(count(strstr(r.body, "name=\"province\""), "<option value=\"") -
                         count(strstr(r.body, "name=\"district\""), "<option value=\""),
                     1 + 63);
    body_has(&r, "<a href=\"/thong-ke\">34 tỉnh, thành phố hiện nay</a>");
    resp_free(&r);
    /* on an earlier date */
    r = page(&F, "/thong-ke?province=83&date=2023-06-01", 200);
    row_is(&r, "Sản phẩm có giấy chứng nhận còn hiệu lực", plus_demo(5, "2023-06-01", 0));
    resp_free(&r);
}

static void test_stats_commune(void **state) {
    /* a 2025 commune: Mỏ Cày (28903) */
    Resp r = page(&F, "/thong-ke?province=86&commune=28903&date=2025-07-01", 200);
    body_has(&r, "<h2>Xã Mỏ Cày <small>(28903)</small>, 01/07/2025</h2>");
    json_t *j = api_stats("28903", "2025-07-01");
    char v[16];
    snprintf(v, sizeof v, "%lld", jint(j, "products.total"));
    assert_true(jint(j, "products.total") > 0);
    row_is(&r, "Sản phẩm có giấy chứng nhận còn hiệu lực", v);
    row_is(&r, "Tổng số xã trong đơn vị", "1");
    json_decref(j);
    body_has(&r, "<option value=\"28903\" selected>Xã Mỏ Cày</option>");
    resp_free(&r);
    /* a commune left chosen from another province is dropped: the province's figures */
    r = page(&F, "/thong-ke?province=80&commune=28903&date=2025-07-01", 200);
    assert_null(strstr(r.body, "Xã Mỏ Cày <small>"));
    body_has(&r, "<small>(80)</small>, 01/07/2025</h2>");
    resp_free(&r);
}

static void test_stats_bad_input(void **state) {
    /* no choice yet: the picker, no figures, 200 */
    Resp r = page(&F, "/thong-ke", 200);
    body_has(&r, "<p>Chọn tỉnh, thành phố rồi bấm Xem;");
    assert_null(strstr(r.body, "<table"));
    resp_free(&r);
    /* a date that is not one: said next to the form, the value kept */
    r = page(&F, "/thong-ke?province=86&date=31/02/2025", 400);
    body_has(&r, "<p role=\"alert\" id=\"error-date\">Hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 30/06/2025</p>");
    body_has(&r, "<input id=\"date\" name=\"date\" value=\"31/02/2025\" inputmode=\"numeric\" maxlength=\"10\" "
                 "autocomplete=\"off\" aria-invalid=\"true\" aria-describedby=\"error-date\">");
    assert_null(strstr(r.body, "<h2>"));
    resp_free(&r);
    /* a province of the 63 on a date of the 34 */
    r = page(&F, "/thong-ke?province=83&date=2025-07-01", 400);
    body_has(&r, "<p role=\"alert\" id=\"error-province\">Tỉnh, thành phố này không tồn tại vào ngày đã chọn");
    resp_free(&r);
    /* a code that is no code, escaped */
    r = page(&F, "/thong-ke?province=%3Cb%3E", 400);
    body_has(&r, "id=\"error-province\"");
    assert_null(strstr(r.body, "<b>"));
    resp_free(&r);
    r = page(&F, "/thong-ke?province=86&commune=x%22y&date=2025-07-01", 400);
    body_has(&r, "<p role=\"alert\" id=\"error-commune\">Đây không phải mã đơn vị hành chính");
    resp_free(&r);
    r = page(&F, "/thong-ke?province=86&format=pdf", 400);
    body_has(&r, "id=\"error-format\"");
    resp_free(&r);
    /* in English */
    r = page(&F, "/thong-ke?province=86&date=yesterday&lang=en", 400);
    body_has(&r, "Write the date as dd/mm/yyyy, for example 30/06/2025");
    resp_free(&r);
    /* tracking parameters are ignored */
    r = page(&F, "/thong-ke?province=86&date=2025-07-01&utm_source=x", 200);
    resp_free(&r);
}

/* The rows of a download, parsed by ocop's own reader. */
static void download_has(const char *path, TableFormat fmt, const char *type) {
    Resp r = http_get(&F, path);
    expect_status(&r, 200, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), type);
    assert_non_null(strstr(resp_header_value(&r, "Content-Disposition"), "attachment; filename=\"ocop-thong-ke-83-2024-12-21-"));
    Err e = ERR_INIT;
    Table *t = table_parse(r.body, r.len, fmt, NULL, &e);
    assert_non_null(t);
    int n;
    const char *const *row = table_row(t, 0, &n, NULL);
    assert_string_equal(row[0], "Chỉ tiêu");
    assert_string_equal(row[1], "Giá trị");
    row = table_row(t, 1, &n, NULL);
    assert_string_equal(row[1], "Bến Tre (83)");
    row = table_row(t, 2, &n, NULL);
    assert_string_equal(row[1], "21/12/2024");
    row = table_row(t, 3, &n, NULL);
    assert_string_equal(row[0], "Sản phẩm có giấy chứng nhận còn hiệu lực");
    assert_string_equal(row[1], plus_demo(9, "2024-12-21", 0));
    row = table_row(t, 4, &n, NULL);
    assert_string_equal(row[0], "Sản phẩm 3 sao");
    assert_string_equal(row[1], plus_demo(5, "2024-12-21", 3));
    row = table_row(t, table_nrows(t) - 1, &n, NULL);
    assert_string_equal(row[0], "Tỷ lệ xã có sản phẩm OCOP (%)");
    assert_string_equal(row[1], "3,82");
    table_free(t);
    resp_free(&r);
}

static void test_stats_download(void **state) {
    download_has("/thong-ke?province=83&date=2024-12-21&format=csv", TABLE_CSV, "text/csv; charset=utf-8");
    download_has("/thong-ke?province=83&date=2024-12-21&format=xlsx", TABLE_XLSX,
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    /* a download of nothing chosen is the page saying what to choose */
    Resp r = page(&F, "/thong-ke?format=csv", 200);
    body_has(&r, "<p>Chọn tỉnh, thành phố rồi bấm Xem;");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_figures),
        cmocka_unit_test(test_home_charts),
        cmocka_unit_test(test_home_search_redirects),
        cmocka_unit_test(test_home_newest),
        cmocka_unit_test(test_stats_current_province),
        cmocka_unit_test(test_stats_earlier_province),
        cmocka_unit_test(test_stats_commune),
        cmocka_unit_test(test_stats_bad_input),
        cmocka_unit_test(test_stats_download),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
