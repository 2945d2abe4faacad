/*
** test_pages.c: the pages that run on templates (tmpl.c), as a browser gets them: the home page
** "/" (its search box; its figures and charts: test_home_stats.c), the verification page's answer
** for an unknown number and the lookup form /xac-minh (test_decision.c and test_e2e.c check the
** page of certificates in every state). What a
** visitor types comes back escaped; every page links the stylesheet by its hashed name and has
** no inline style (the CSP allows none; test_static.c serves the sheet).
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

static Resp page(const char *path, long status) {
    Resp r = http_get(&S, path);
    expect_status(&r, status, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "text/html; charset=utf-8");
    body_has(&r, "<!doctype html>\n<html lang=\"vi\">");
    body_has(&r, "<main id=\"main\">");
    body_has(&r, "</html>\n");
    /* the stylesheet by its content-hashed name, and no inline style: the CSP allows none */
    body_has(&r, "<link rel=\"stylesheet\" href=\"/static/ocop.");
    assert_null(strstr(r.body, "<style"));
    assert_null(strstr(r.body, " style="));
    assert_non_null(strstr(resp_header_value(&r, "Content-Security-Policy"), "; style-src 'self';"));
    return r;
}

/* The home page itself (figures, charts, newest recognitions) is tested in test_home_stats.c;
** here, what every page shares, and its search box. */
static void test_home_catalogue(void **state) {
    Resp r = page("/", 200);
    body_has(&r, "<title>OCOP – Mỗi xã một sản phẩm</title>");
    body_has(&r, "<form method=\"get\" action=\"/san-pham\" role=\"search\">");
    body_has(&r, "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\">");
    body_has(&r, "<h2>Sản phẩm có giấy chứng nhận còn hiệu lực ngày ");
    resp_free(&r);
}

/* The search moved to the catalogue (/san-pham, where its highlights are tested): "/?q=" sends
** the query there, percent-encoded, so markup typed in it can only ever be a value. */
static void test_home_search(void **state) {
    Resp r = http_get(&S, "/?q=keo%20dua");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/san-pham?q=keo%20dua");
    resp_free(&r);
    r = http_get(&S, "/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/san-pham?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E");
    assert_null(strstr(r.body, "<script"));
    resp_free(&r);
}

static void test_verify_unknown(void **state) {
    Resp r = page("/xac-minh/86-2000-9999", 404);
    body_has(&r, "<title>Không tìm thấy giấy chứng nhận OCOP</title>");
    body_has(&r, "<div class=\"state unknown\" role=\"alert\">\n<p class=\"state-name\">Không tìm thấy</p>");
    body_has(&r, "Hệ thống không cấp giấy chứng nhận nào có số này: <span class=\"nb\">86-2000-9999</span>");
    /* the form to try again, holding the number */
    body_has(&r, "<form class=\"lookup\" method=\"get\" action=\"/xac-minh\" role=\"search\">");
    body_has(&r, "name=\"so\" value=\"86-2000-9999\"");
    resp_free(&r);
    r = page("/xac-minh/%3Cimg%20src%3Dx%3E", 404);
    body_has(&r, "số này: <span class=\"nb\">&lt;img src=x&gt;</span>");
    assert_null(strstr(r.body, "<img"));
    resp_free(&r);
    /* in English, by ?lang= (the page speaks one language) */
    r = http_get(&S, "/xac-minh/86-2000-9999?lang=en");
    expect_status(&r, 404, NULL);
    body_has(&r, "<html lang=\"en\">");
    body_has(&r, "<title>OCOP certificate not found</title>");
    body_has(&r, "No certificate with this number was issued through this system: <span class=\"nb\">86-2000-9999</span>");
    assert_null(strstr(r.body, "Không tìm thấy"));
    resp_free(&r);
}

/* GET /xac-minh: the form; ?so= goes to the number's page (303) trimmed and upper-cased; empty
** or malformed, the form again (422) with the message next to the field and what was typed. */
static void test_verify_lookup(void **state) {
    Resp r = page("/xac-minh", 200);
    body_has(&r, "<title>Xác minh giấy chứng nhận OCOP</title>");
    body_has(&r, "<label for=\"so\">Số giấy chứng nhận</label>");
    body_has(&r, "name=\"so\" value=\"\"");
    assert_null(strstr(r.body, "aria-invalid"));
    resp_free(&r);
    static const struct {
        const char *query, *to;
    } go[] = {
        {"so=86-2026-0001", "/xac-minh/86-2026-0001"},
        {"so=%20%2086-2026-0042%09", "/xac-minh/86-2026-0042"},
        {"so=bo-2027-0003&utm_source=x", "/xac-minh/BO-2027-0003"},
    };
    for (size_t i = 0; i < sizeof go / sizeof go[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/xac-minh?%s", go[i].query);
        r = http_get(&S, path);
        expect_status(&r, 303, NULL);
        assert_string_equal(resp_header_value(&r, "Location"), go[i].to);
        resp_free(&r);
    }
    static const struct {
        const char *query, *typed, *why;
    } bad[] = {
        {"so=", "", "Hãy nhập số in trên giấy chứng nhận."},
        {"so=%20%20", "  ", "Hãy nhập số in trên giấy chứng nhận."},
        {"so=86%202026%201", "86 2026 1", "Số giấy chứng nhận có dạng 86-2026-0001"},
        {"so=86-26-0001", "86-26-0001", "Số giấy chứng nhận có dạng 86-2026-0001"},
        {"so=%3Cb%3Ex%3C%2Fb%3E", "&lt;b&gt;x&lt;/b&gt;", "Số giấy chứng nhận có dạng"},
        {"so=86-2026-00010000000000000000000000000000000000001", "86-2026-00010000000000000000000000000000000000001",
         "Số giấy chứng nhận có dạng"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[160], want[200];
        snprintf(path, sizeof path, "/xac-minh?%s", bad[i].query);
        r = page(path, 422);
        snprintf(want, sizeof want, "name=\"so\" value=\"%s\"", bad[i].typed);
        body_has(&r, want);
        body_has(&r, "aria-describedby=\"so-hint so-problem\" aria-invalid=\"true\">");
        body_has(&r, "<p id=\"so-problem\" class=\"problem\" role=\"alert\">");
        body_has(&r, bad[i].why);
        assert_null(strstr(r.body, "<b>"));
        resp_free(&r);
    }
    r = http_get(&S, "/xac-minh?so=x&lang=en");
    expect_status(&r, 422, NULL);
    body_has(&r, "A certificate number is written like 86-2026-0001: the code of the province (or BO for the Ministry)");
    resp_free(&r);
}

/* A certificate issued on paper and recorded on a recognition (the demo's GCN-... numbers): its
** page says what the registry recorded and that there is no signed copy; the lookup finds it
** whatever the case of its letters. */
static void test_verify_recorded(void **state) {
    (void)state;
    Resp r = page("/xac-minh/GCN-BT-2024-31", 200);
    body_has(&r, "<p class=\"state-name\">Còn hiệu lực</p>");
    body_has(&r, "<td class=\"nb\">GCN-BT-2024-31</td>");
    body_has(&r, "<a href=\"/san-pham/1\">Kẹo dừa sầu riêng Thanh Long</a>");
    body_has(&r, "★★★★</span> 4 sao");
    body_has(&r, "Giấy chứng nhận này được cấp bằng giấy");
    assert_null(strstr(r.body, "ocop-cert")); /* nothing signed to check */
    resp_free(&r);
    r = http_get(&S, "/xac-minh/gcn-bt-2024-31?lang=en");
    expect_status(&r, 200, NULL);
    body_has(&r, "This certificate was issued on paper");
    resp_free(&r);
    r = http_get(&S, "/xac-minh?so=%20gcn-bt-2024-31");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/xac-minh/GCN-BT-2024-31");
    resp_free(&r);
    /* a number like it that no recognition records is still unknown */
    r = page("/xac-minh/GCN-BT-2024-99", 404);
    resp_free(&r);
    /* the product page links its recorded certificate to this page */
    r = page("/san-pham/1", 200);
    body_has(&r, "<a href=\"/xac-minh/GCN-BT-2024-31\">");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_catalogue),
        cmocka_unit_test(test_home_search),
        cmocka_unit_test(test_verify_unknown),
        cmocka_unit_test(test_verify_lookup),
        cmocka_unit_test(test_verify_recorded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
