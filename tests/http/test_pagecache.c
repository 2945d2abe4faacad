/*
** test_pagecache.c: the workers' cache of rendered pages (pagecache.h) never shows what it
** should not: a page changes as soon as the database does, a signed-in visitor never gets an
** anonymous visitor's page nor the other way round, each language keeps its own page, and
** every answer carries its own CSP nonce. The requests are repeated so that every worker has
** the page cached before the change.
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
    srv_as_admin(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

enum { TIMES = 8 }; /* more than the server's worker threads */

/* GET path as an anonymous visitor with one more header (or none). */
static Resp anon(const char *path, const char *header) {
    const char *h[] = {header ? header : "X-Visitor: anonymous", NULL};
    Resp r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    return r;
}

static bool has(const Resp *r, const char *text) { return r->body && strstr(r->body, text); }

static void test_fresh_after_write(void **state) {
    (void)state;
    for (int i = 0; i < TIMES; i++) {
        Resp r = anon("/san-pham/2", NULL);
        assert_true(has(&r, "Kẹo dừa lá dứa Thanh Long"));
        assert_false(has(&r, "Kẹo dừa lá dứa Thanh Long Xanh"));
        resp_free(&r);
    }
    Resp w = http_json(&S, "PATCH", "/api/v1/products/2", "{\"name\": \"Kẹo dừa lá dứa Thanh Long Xanh\"}");
    assert_int_equal(w.status, 200);
    resp_free(&w);
    for (int i = 0; i < TIMES; i++) {
        Resp r = anon("/san-pham/2", NULL);
        assert_true(has(&r, "Kẹo dừa lá dứa Thanh Long Xanh"));
        resp_free(&r);
    }
}

static void test_signed_in_apart(void **state) {
    (void)state;
    for (int i = 0; i < TIMES; i++) {
        Resp r = anon("/san-pham/2", NULL);
        assert_false(has(&r, "testadmin"));
        resp_free(&r);
        r = http_get(&S, "/"); /* with the administrator's token */
        assert_int_equal(r.status, 200);
        assert_true(has(&r, "testadmin"));
        resp_free(&r);
    }
    /* a cookie other than lang (here a stale session) is not an anonymous visitor's page either */
    Resp r = anon("/", "Cookie: ocop_session=stale");
    assert_false(has(&r, "testadmin"));
    resp_free(&r);
}

static void test_languages_apart(void **state) {
    (void)state;
    for (int i = 0; i < TIMES; i++) {
        Resp vi = anon("/", NULL), en = anon("/", "Cookie: lang=en");
        assert_string_equal(resp_header_value(&vi, "Content-Language"), "vi");
        assert_string_equal(resp_header_value(&en, "Content-Language"), "en");
        assert_string_not_equal(vi.body, en.body);
        resp_free(&vi);
        resp_free(&en);
    }
}

/* The nonce of the Content-Security-Policy header, into out[32]. */
static void csp_nonce(const Resp *r, char *out) {
    const char *csp = resp_header_value(r, "Content-Security-Policy");
    assert_non_null(csp);
    const char *n = strstr(csp, "'nonce-");
    assert_non_null(n);
    snprintf(out, 32, "%.*s", (int)strcspn(n + 7, "'"), n + 7);
}

static void test_own_nonce(void **state) {
    (void)state;
    char first[32] = "", nonce[32], attr[64];
    for (int i = 0; i < TIMES; i++) {
        Resp r = anon("/san-pham/2", NULL);
        csp_nonce(&r, nonce);
        assert_string_not_equal(nonce, first);
        snprintf(first, sizeof first, "%s", nonce);
        /* every nonce the markup carries is this response's */
        snprintf(attr, sizeof attr, "nonce=\"%s\"", nonce);
        size_t with = 0, all = 0;
        for (const char *p = r.body; (p = strstr(p, "nonce=\"")); p++) all++, with += strncmp(p, attr, strlen(attr)) == 0;
        assert_int_equal(with, all);
        resp_free(&r);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fresh_after_write),
        cmocka_unit_test(test_signed_in_apart),
        cmocka_unit_test(test_languages_apart),
        cmocka_unit_test(test_own_nonce),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
