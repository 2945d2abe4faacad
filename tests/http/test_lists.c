/*
** test_lists.c: the public list pages (page_list.c, page_lists.c) as a browser and a
** spreadsheet get them, on the demo data: /san-pham (search without diacritics and with
** highlights, filters and their counts per value, sort, paging, the state in the links), /chu-the,
** /diem-ban, /lang-nghe; values the page does not know answered by a page that says what to
** fix; the CSV/XLSX downloads of the same lists; and no personal data of a natural person,
** anywhere.
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

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

/* GET path as a browser: an HTML page with status. */
static Resp page(const char *path, long status) {
    Resp r = http_get(&S, path);
    expect_status(&r, status, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "text/html; charset=utf-8");
    body_has(&r, "<main id=\"main\">");
    body_has(&r, "</html>\n");
    assert_null(strstr(r.body, " style="));
    return r;
}

/* How many times needle occurs in r's body. */
static int count(const Resp *r, const char *needle) {
    int n = 0;
    for (const char *p = r->body; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* The total of an API list. */
static long long api_total(const char *path) {
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

/* "<p class=\"count\">N kết quả" of a page. */
static void says_count(const Resp *r, long long n) {
    char want[64];
    snprintf(want, sizeof want, "<p class=\"count\">%lld kết quả", n);
    if (!strstr(r->body, want)) fail_msg("no '%s' in:\n%.3000s", want, r->body);
}

static void test_catalogue(void **state) {
    Resp r = page("/san-pham", 200);
    body_has(&r, "<title>Sản phẩm OCOP – OCOP</title>");
    body_has(&r, "<h1>Sản phẩm OCOP</h1>");
    body_has(&r, "<form method=\"get\" action=\"/san-pham\" class=\"list-form\" role=\"search\">");
    says_count(&r, api_total("/api/v1/products"));
    says_count(&r, 24 + 5); /* the demo's files' 24 and the 5 it recognised by decisions (README) */
    /* a card: name linking to its page, producer, commune and province, stars and the state */
    body_has(&r, "<h2><a href=\"/san-pham/4\">Bưởi da xanh Chợ Lách</a></h2>\n<p>Hợp tác xã Bưởi da xanh Chợ Lách</p>\n"
                 "<p>Xã Chợ Lách, Tỉnh Vĩnh Long\n</p>");
    body_has(&r, "<span class=\"stars\" aria-hidden=\"true\">★★★★★</span><span class=\"vh\">5 sao</span> còn hiệu lực đến ");
    assert_int_equal(count(&r, "<h2><a href=\"/san-pham/"), 24 + 5);
    /* the 34 provinces, each with what it would give */
    assert_int_equal(count(&r, "<option value=\"") - count(&r, "<option value=\"\""), 34 + 6 + 26 + 3 + 8 + 3 + 4);
    body_has(&r, "<option value=\"86\">Vĩnh Long (14)</option>");
    body_has(&r, "<option value=\"01\">Hà Nội (0)</option>");
    body_has(&r, "<option value=\"I\">Thực phẩm (20)</option>");
    /* downloads of the same list */
    body_has(&r, "<a href=\"/san-pham?format=csv\">CSV</a> · <a href=\"/san-pham?format=xlsx\">XLSX</a>");
    resp_free(&r);
}

static void test_search_without_diacritics(void **state) {
    Resp a = page("/san-pham?q=dac+san", 200);
    says_count(&a, 1);
    body_has(&a, "<a href=\"/san-pham/7\"><mark>Đặc</mark> <mark>sản</mark> mắm tôm chua Làng Xưa</a>");
    Resp b = page("/san-pham?q=%C4%90%E1%BA%B7c+s%E1%BA%A3n", 200); /* "Đặc sản" */
    says_count(&b, 1);
    body_has(&b, "<mark>Đặc</mark> <mark>sản</mark> mắm tôm chua");
    body_has(&b, "value=\"Đặc sản\"");
    Resp c = page("/san-pham?q=banh+dau", 200); /* đ folds to d */
    body_has(&c, "<mark>Bánh</mark> <mark>đậu</mark> xanh Làng Xưa");
    /* what a visitor types comes back as text */
    Resp d = page("/san-pham?q=%3Cscript%3Ealert(1)%3C/script%3E", 200);
    body_has(&d, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"");
    assert_null(strstr(d.body, "<script>alert"));
    says_count(&d, 0);
    body_has(&d, "Không có kết quả nào.");
    body_has(&d, "<a href=\"/san-pham\">Xem danh sách không có từ khóa tìm kiếm</a>");
    resp_free(&a);
    resp_free(&b);
    resp_free(&c);
    resp_free(&d);
}

/* Each value's count is what choosing it gives, and what the API's list of the same filter says. */
static void test_filter_counts(void **state) {
    static const struct {
        const char *param, *value, *option, *api;
    } cases[] = {
        {"province", "86", "<option value=\"86\" selected>Vĩnh Long (14)</option>", "/api/v1/products?province=86"},
        {"stars", "5", "<option value=\"5\" selected>5 sao (", "/api/v1/products?stars=5"},
        {"stars", "3", "<option value=\"3\" selected>3 sao (", "/api/v1/products?stars=3"},
        {"group", "II", "<option value=\"II\" selected>Đồ uống (1)</option>", "/api/v1/products?group=II"},
        {"set_no", "7", "<option value=\"7\" selected>7. Chế biến từ rau, củ, quả, hạt (", "/api/v1/products?set_no=7"},
        {"producer_type", "cooperative", "<option value=\"cooperative\" selected>Hợp tác xã (",
         "/api/v1/products?producer_type=cooperative"},
        {"cert", "valid", "<option value=\"valid\" selected>Giấy chứng nhận còn hiệu lực (", "/api/v1/products?cert=valid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[200];
        snprintf(path, sizeof path, "/san-pham?%s=%s", cases[i].param, cases[i].value);
        Resp r = page(path, 200);
        body_has(&r, cases[i].option);
        long long n = api_total(cases[i].api);
        assert_true(n > 0);
        says_count(&r, n);
        /* the option says the same number */
        char want[300];
        snprintf(want, sizeof want, "%s%lld)</option>", cases[i].option, n);
        if (!strstr(r.body, want) && !strstr(cases[i].option, "</option>")) fail_msg("no '%s'", want);
        /* the filter in force, with a link that removes it and keeps the rest */
        body_has(&r, "<li><a href=\"/san-pham\">Bỏ tất cả bộ lọc</a></li>");
        resp_free(&r);
    }
    /* the communes of a chosen province, and two filters together; a facet counts without its own filter */
    Resp r = page("/san-pham?province=86&stars=5", 200);
    body_has(&r, "<select id=\"f-commune_code\" name=\"commune_code\">");
    body_has(&r, "<option value=\"86\" selected>Vĩnh Long (");
    says_count(&r, api_total("/api/v1/products?province=86&stars=5"));
    body_has(&r, "Tỉnh, thành phố: <strong>Vĩnh Long</strong> <a href=\"/san-pham?stars=5\">bỏ");
    body_has(&r, "Số sao: <strong>5 sao</strong> <a href=\"/san-pham?province=86\">bỏ");
    resp_free(&r);
    /* no commune list before a province is chosen: 3,321 would make no list */
    Resp all = page("/san-pham", 200);
    assert_null(strstr(all.body, "f-commune_code"));
    resp_free(&all);
    Resp c = page("/san-pham?commune_code=28870", 200);
    says_count(&c, api_total("/api/v1/products?commune_code=28870"));
    body_has(&c, "Xã, phường: <strong>Xã Chợ Lách</strong>");
    resp_free(&c);
}

/* A record placed in the earlier geography shows its current province, and an earlier
** province's code reads as the province it is part of now. */
static void test_both_geographies(void **state) {
    Resp r = page("/san-pham?province=83", 200); /* Bến Tre until 30/6/2025, now Vĩnh Long */
    body_has(&r, "<p class=\"note\">Bến Tre là tỉnh trước ngày 01/7/2025, nay thuộc Vĩnh Long");
    says_count(&r, 14);
    body_has(&r, "<option value=\"86\" selected>Vĩnh Long (14)</option>");
    /* Kẹo dừa Thanh Long was registered with its pre-2025 commune 28940 */
    body_has(&r, "<p>Xã Mỏ Cày, Tỉnh Vĩnh Long\n</p>");
    resp_free(&r);
}

static void test_sort(void **state) {
    Resp r = page("/san-pham?sort=-stars", 200);
    body_has(&r, "<option value=\"-stars\" selected>Nhiều sao trước</option>");
    const char *first = strstr(r.body, "<span class=\"stars\"");
    assert_non_null(first);
    static const char five[] = "<span class=\"stars\" aria-hidden=\"true\">★★★★★<";
    assert_true(strncmp(first, five, strlen(five)) == 0);
    /* pages and downloads keep the sort */
    body_has(&r, "href=\"/san-pham?sort=-stars&amp;format=csv\"");
    resp_free(&r);
    Resp n = page("/san-pham", 200);
    /* by name, Đ next to D (not after Z as bytes would put it): "Đặc sản", "Du lịch", "Hoa hồng" */
    const char *du = strstr(n.body, "Du lịch cộng đồng"), *dac = strstr(n.body, "Đặc sản"), *hoa = strstr(n.body, "Hoa hồng");
    assert_true(du && dac && hoa && dac < du && du < hoa);
    resp_free(&n);
    Resp rec = page("/san-pham?sort=-recognized", 200);
    body_has(&rec, "<option value=\"-recognized\" selected>");
    resp_free(&rec);
}

/* Values the page does not know: it says what to fix, in the page's language, never JSON. */
static void test_bad_values(void **state) {
    Resp r = page("/san-pham?province=99&stars=9&sort=price&utm_source=zalo", 400);
    body_has(&r, "<p role=\"alert\">Tỉnh, thành phố: không có &quot;99&quot;. Hãy chọn một giá trị trong danh sách;");
    body_has(&r, "<p role=\"alert\">Số sao: không có &quot;9&quot;.");
    body_has(&r, "<p role=\"alert\">&quot;price&quot; không phải là cách sắp xếp của danh sách này");
    says_count(&r, 24 + 5); /* the rest of the list, unfiltered by what was not understood */
    resp_free(&r);
    Resp p = page("/san-pham?page=99", 404);
    body_has(&p, "<p role=\"alert\">Không có trang 99: danh sách này có 1 trang.");
    body_has(&p, "<a href=\"/san-pham\">Trang đầu</a>");
    resp_free(&p);
    /* the page number and the download format are the route's declared parameters: an error page */
    Resp big = page("/san-pham?page=99999999999999999999", 400);
    body_has(&big, "page");
    resp_free(&big);
    Resp x = page("/san-pham?page=x", 400);
    resp_free(&x);
    Resp c = page("/san-pham?commune_code=abc", 400);
    body_has(&c, "Xã, phường: không có &quot;abc&quot;.");
    resp_free(&c);
    Resp f = page("/chu-the?format=pdf", 400);
    body_has(&f, "csv, xlsx");
    resp_free(&f);
    Resp en = page("/san-pham?province=99&lang=en", 400);
    body_has(&en, "<p role=\"alert\">Province: there is no &quot;99&quot;. Choose one from the list;");
    resp_free(&en);
    /* unknown parameters (a QR scanner's, a newsletter's) are not the list's business */
    Resp u = page("/lang-nghe?fbclid=abc&gclid=x", 200);
    says_count(&u, 5);
    resp_free(&u);
}

/* The other lists: their filters, counts, rows and links. */
static void test_other_lists(void **state) {
    Resp p = page("/chu-the", 200);
    body_has(&p, "<h1>Chủ thể OCOP</h1>");
    says_count(&p, api_total("/api/v1/producers"));
    body_has(&p, "<h2><a href=\"/chu-the/1\">Hợp tác xã Kẹo dừa Thanh Long</a></h2>\n<p>Hợp tác xã</p>\n"
                 "<p>Ấp 2, xã Mỏ Cày</p>\n<p>Xã Mỏ Cày, Tỉnh Vĩnh Long\n</p>\n<p>7 sản phẩm · "
                 "<a href=\"https://keoduathanhlong.example.vn\" rel=\"nofollow noopener\">Trang web</a></p>");
    resp_free(&p);
    Resp t = page("/chu-the?type=cooperative&q=hop+tac", 200);
    says_count(&t, api_total("/api/v1/producers?type=cooperative&q=hop%20tac"));
    body_has(&t, "<mark>Hợp</mark> <mark>tác</mark> xã");
    resp_free(&t);
    Resp d = page("/diem-ban", 200);
    says_count(&d, 4);
    body_has(&d, "<h2><a href=\"/diem-ban/3\">Gian hàng OCOP Hà Tĩnh</a></h2>\n<p>Gian hàng · Hợp tác xã Nông nghiệp Phúc Trạch</p>");
    body_has(&d, "<a href=\"tel:0239%203871%20555\">0239 3871 555</a>");
    body_has(&d, "<option value=\"online\">Gian hàng trực tuyến (1)</option>");
    resp_free(&d);
    Resp k = page("/diem-ban?kind=online", 200);
    says_count(&k, 1);
    resp_free(&k);
    Resp v = page("/lang-nghe", 200);
    says_count(&v, 5);
    body_has(&v, "<h2><a href=\"/lang-nghe/4\">Làng nghề nem Lai Vung</a></h2>\n<p>Làng nghề · Nem chua</p>");
    body_has(&v, "<option value=\"true\">Làng nghề truyền thống (4)</option>");
    body_has(&v, "<option value=\"false\">Làng nghề (1)</option>");
    resp_free(&v);
    Resp vt = page("/lang-nghe?traditional=false", 200);
    says_count(&vt, 1);
    resp_free(&vt);
    Resp en = page("/lang-nghe?lang=en", 200);
    body_has(&en, "<p class=\"count\">5 results");
    body_has(&en, "<label for=\"f-province\">Province</label>");
    resp_free(&en);
}

/* A natural person's phone, e-mail, gender, ethnicity or disability is in no list, no
** download (demo producer 1's legal representative and contacts). */
static void test_no_personal_data(void **state) {
    static const char *const personal[] = {"0275 3843 111", "htxthanhlong@example.vn", "Nguyễn Thị Thanh",
                                           "Giới tính", "dân tộc", "khuyết tật", "rep_"};
    static const char *const paths[] = {"/chu-the", "/chu-the?q=thanh+long", "/chu-the?format=csv",
                                        "/chu-the?format=csv&lang=en", "/san-pham", "/san-pham?format=csv"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        Resp r = http_get(&S, paths[i]);
        expect_status(&r, 200, NULL);
        for (size_t k = 0; k < sizeof personal / sizeof *personal; k++)
            if (r.body && strstr(r.body, personal[k])) fail_msg("%s shows '%s'", paths[i], personal[k]);
        resp_free(&r);
    }
    /* personal fields cannot be filtered on either */
    Resp g = page("/chu-the?rep_gender=female", 200);
    says_count(&g, 16);
    resp_free(&g);
}

static void test_downloads(void **state) {
    Resp c = http_get(&S, "/san-pham?format=csv&province=86&sort=-stars&page=1");
    expect_status(&c, 200, NULL);
    assert_string_equal(resp_header_value(&c, "Content-Type"), "text/csv; charset=utf-8");
    assert_non_null(strstr(resp_header_value(&c, "Content-Disposition"), "attachment; filename=\"ocop-products-"));
    assert_non_null(strstr(resp_header_value(&c, "Content-Disposition"), ".csv\""));
    assert_non_null(strstr(c.body, "ID,Mã sản phẩm,Tên sản phẩm,Bộ tiêu chí,Bộ sản phẩm,Số ĐKKD chủ thể,Tên chủ thể,Mã xã,"));
    int lines = 0;
    for (const char *p = c.body; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, 1 + 14); /* the header and the 14 products of Vĩnh Long (5 the demo recognised), every page */
    assert_non_null(strstr(c.body, "Bưởi da xanh Chợ Lách"));
    assert_null(strstr(c.body, "Bưởi Phúc Trạch")); /* Hà Tĩnh */
    /* the first row is the one with the most stars, as on the page */
    const char *row1 = strchr(c.body, '\n') + 1;
    assert_true(strncmp(row1, "4,", 2) == 0);
    resp_free(&c);
    Resp en = http_get(&S, "/san-pham?format=csv&lang=en&q=buoi");
    expect_status(&en, 200, NULL);
    assert_non_null(strstr(en.body, "ID,Product code,Product name,"));
    assert_non_null(strstr(en.body, "Bưởi Phúc Trạch"));
    resp_free(&en);
    Resp x = http_get(&S, "/lang-nghe?format=xlsx&traditional=true");
    expect_status(&x, 200, NULL);
    assert_string_equal(resp_header_value(&x, "Content-Type"),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_non_null(strstr(resp_header_value(&x, "Content-Disposition"), "filename=\"ocop-villages-"));
    assert_true(x.len > 1000 && memcmp(x.body, "PK\x03\x04", 4) == 0);
    resp_free(&x);
    Resp p = http_get(&S, "/diem-ban?format=csv&kind=online");
    expect_status(&p, 200, NULL);
    assert_non_null(strstr(p.body, "Gian hàng OCOP An Giang trực tuyến"));
    assert_null(strstr(p.body, "Gian hàng OCOP Hà Tĩnh"));
    resp_free(&p);
}

/* Paging: 30 a page; the pages keep the state. Runs last: it adds products. */
static void test_paging(void **state) {
    srv_as_admin(&S);
    for (int i = 0; i < 20; i++) {
        char body[300];
        snprintf(body, sizeof body, "{\"name\":\"Trà thảo mộc số %02d\",\"producer_id\":1,\"set_no\":12,\"commune_code\":\"28903\"}", i);
        Resp r = http_json(&S, "POST", "/api/v1/products", body);
        expect_status(&r, 201, NULL);
        resp_free(&r);
    }
    /* a photo: the card shows its thumbnail, lazily, in the sizes a card needs */
    size_t n = 0;
    char *png = test_png(900, 600, 120, &n);
    Resp up = http_req(&S, "POST", "/api/v1/products/4/photos", "image/png", png, n);
    expect_status(&up, 201, NULL);
    resp_free(&up);
    free(png);
    S.auth[0] = 0;
    Resp ph = page("/san-pham?q=buoi+da+xanh", 200);
    body_has(&ph, "<picture class=\"thumb\"><source type=\"image/webp\" srcset=\"/files/");
    body_has(&ph, " 320w, /files/");
    body_has(&ph, " 640w\" sizes=\"6rem\"><img src=\"/files/");
    body_has(&ph, " width=\"320\" height=\"213\" alt=\"\" loading=\"lazy\" decoding=\"async\"></picture>");
    assert_int_equal(count(&ph, "<picture"), 1);
    resp_free(&ph);
    Resp p1 = page("/san-pham?province=86", 200);
    says_count(&p1, 34); /* 9 of the demo's files, 5 it recognised, 20 above */
    resp_free(&p1);
    Resp a = page("/san-pham?sort=code", 200);
    says_count(&a, 49);
    body_has(&a, " · trang 1/2</p>");
    assert_int_equal(count(&a, "<h2><a href=\"/san-pham/"), 30);
    body_has(&a, "<li><a href=\"/san-pham?sort=code&amp;page=2\" rel=\"next\">Trang sau</a></li>");
    body_has(&a, "<a href=\"/san-pham?sort=code\" aria-current=\"page\">1</a>");
    resp_free(&a);
    Resp b = page("/san-pham?sort=code&page=2", 200);
    assert_int_equal(count(&b, "<h2><a href=\"/san-pham/"), 19);
    body_has(&b, " · trang 2/2</p>");
    body_has(&b, "<li><a href=\"/san-pham?sort=code\" rel=\"prev\">Trang trước</a></li>");
    resp_free(&b);
    Resp q = page("/san-pham?q=tra+thao+moc&page=1", 200);
    says_count(&q, 20);
    body_has(&q, "<mark>Trà</mark> <mark>thảo</mark> <mark>mộc</mark> số 00");
    resp_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_search_without_diacritics),
        cmocka_unit_test(test_filter_counts),
        cmocka_unit_test(test_both_geographies),
        cmocka_unit_test(test_sort),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_other_lists),
        cmocka_unit_test(test_no_personal_data),
        cmocka_unit_test(test_downloads),
        cmocka_unit_test(test_paging),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
