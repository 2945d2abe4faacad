/*
** test_pages.c: the pages that run on templates (tmpl.c), as a browser gets them: the home page
** "/" (its search box; its figures and charts: test_home_stats.c) and the verification page's
** answer for an unknown number (test_decision.c and test_e2e.c check it for certificates in every state). What a
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
    body_has(&r, "Không tìm thấy giấy chứng nhận số <span class=\"nb\">86-2000-9999</span><span class=\"en\">No certificate numbered 86-2000-9999");
    body_has(&r, "<p class=\"state revoked\" role=\"alert\">");
    resp_free(&r);
    r = page("/xac-minh/%3Cimg%20src%3Dx%3E", 404);
    body_has(&r, "số <span class=\"nb\">&lt;img src=x&gt;</span><span");
    assert_null(strstr(r.body, "<img"));
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_catalogue),
        cmocka_unit_test(test_home_search),
        cmocka_unit_test(test_verify_unknown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
