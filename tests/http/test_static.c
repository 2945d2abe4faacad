/*
** test_static.c: the stylesheet as a browser fetches it (page_static.c): every page links it
** under a name carrying its content hash; that name answers the file from the source tree with
** its type, an ETag and a year of immutable caching; If-None-Match gets 304; HEAD the headers;
** any other hash, or none, is 404 (the documented answer: docs/web.md "Styles and static
** assets").
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static Server S;
static char css_url[128];

static int setup(void **state) {
    (void)state;
    if (sodium_init() < 0) return -1;
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

/* The stylesheet's URL as the page at path links it. */
static void linked_css(const char *path, long status, char *out, size_t n) {
    Resp r = http_get(&S, path);
    expect_status(&r, status, NULL);
    const char *link = strstr(r.body, "<link rel=\"stylesheet\" href=\"");
    assert_non_null(link);
    link += strlen("<link rel=\"stylesheet\" href=\"");
    snprintf(out, n, "%.*s", (int)strcspn(link, "\""), link);
    resp_free(&r);
}

/* The first 10 hex digits of SHA-256 of data. */
static void hash10(const char *data, size_t n, char out[11]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)data, n);
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(out, 11, "%.10s", hex);
}

static void expect_cache_headers(const Resp *r, const char *hash) {
    char etag[16];
    snprintf(etag, sizeof etag, "\"%s\"", hash);
    assert_string_equal(resp_header_value(r, "ETag"), etag);
    assert_string_equal(resp_header_value(r, "Cache-Control"), "public, max-age=31536000, immutable");
}

static void test_served(void **state) {
    linked_css("/", 200, css_url, sizeof css_url);
    char other[128];
    linked_css("/xac-minh/86-2000-9999", 404, other, sizeof other);
    assert_string_equal(other, css_url);
    /* the file of the source tree, byte for byte, under its hash */
    char path[512];
    snprintf(path, sizeof path, "%s/static/ocop.css", getenv("OCOP_SOURCE"));
    size_t n;
    char *src = read_whole(path, &n);
    assert_non_null(src);
    char hash[11], want[64];
    hash10(src, n, hash);
    snprintf(want, sizeof want, "/static/ocop.%s.css", hash);
    assert_string_equal(css_url, want);
    Resp r = http_get(&S, css_url);
    expect_status(&r, 200, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "text/css; charset=utf-8");
    expect_cache_headers(&r, hash);
    assert_int_equal(r.len, n);
    assert_memory_equal(r.body, src, n);
    /* small and hand-written: no web fonts, no @import, nothing from elsewhere */
    assert_true(n < 16 * 1024);
    assert_null(strstr(r.body, "@import"));
    assert_null(strstr(r.body, "@font-face"));
    assert_null(strstr(r.body, "url("));
    assert_non_null(strstr(r.body, "@media print"));
    resp_free(&r);
    free(src);
}

static void test_not_modified(void **state) {
    if (!*css_url) linked_css("/", 200, css_url, sizeof css_url);
    const char *hash = css_url + strlen("/static/ocop.");
    char h[11], inm[128];
    snprintf(h, sizeof h, "%.10s", hash);
    const char *lists[] = {"\"%s\"", "W/\"%s\"", "\"0000000000\", W/\"%s\"", "\"x\",\"%s\" ", "*%.0s"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        char v[64];
        snprintf(v, sizeof v, lists[i], h);
        snprintf(inm, sizeof inm, "If-None-Match: %s", v);
        const char *hdr[] = {inm, NULL};
        Resp r = http_req_h(&S, hdr, "GET", css_url, NULL, NULL, 0);
        if (r.status != 304) fail_msg("If-None-Match: %s answered %ld", v, r.status);
        assert_int_equal(r.len, 0);
        expect_cache_headers(&r, h);
        resp_free(&r);
    }
    /* another tag, or a prefix of this one: the file */
    const char *miss[] = {"If-None-Match: \"0000000000\"", "If-None-Match: \"021\"", "If-None-Match: ", NULL};
    for (size_t i = 0; miss[i]; i++) {
        const char *hdr[] = {miss[i], NULL};
        Resp r = http_req_h(&S, hdr, "GET", css_url, NULL, NULL, 0);
        expect_status(&r, 200, NULL);
        assert_true(r.len > 1000);
        resp_free(&r);
    }
}

static void test_head(void **state) {
    if (!*css_url) linked_css("/", 200, css_url, sizeof css_url);
    Resp g = http_get(&S, css_url);
    Resp r = http_req(&S, "HEAD", css_url, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_int_equal(r.len, 0);
    char len[32];
    snprintf(len, sizeof len, "%zu", g.len);
    assert_string_equal(resp_header_value(&r, "Content-Length"), len);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "text/css; charset=utf-8");
    assert_string_equal(resp_header_value(&r, "ETag"), resp_header_value(&g, "ETag"));
    resp_free(&r);
    resp_free(&g);
}

/* A name with a stale hash, no hash or another file is 404, never cached, never the file. */
static void test_stale_names(void **state) {
    const char *names[] = {"/static/ocop.0000000000.css", "/static/ocop.css", "/static/ocop..css",
                           "/static/OCOP.css", "/static/layout.html", "/static/x", NULL};
    for (size_t i = 0; names[i]; i++) {
        Resp r = http_get(&S, names[i]);
        if (r.status != 404) fail_msg("%s answered %ld", names[i], r.status);
        assert_string_equal(resp_header_value(&r, "Cache-Control"), "no-store");
        assert_null(resp_header_value(&r, "ETag"));
        resp_free(&r);
    }
    /* the hashed name with a query, or a method other than GET/HEAD, is refused too */
    if (!*css_url) linked_css("/", 200, css_url, sizeof css_url);
    char q[160];
    snprintf(q, sizeof q, "%s?v=2", css_url);
    Resp r = http_get(&S, q);
    assert_int_equal(r.status, 400);
    resp_free(&r);
    r = http_req(&S, "POST", css_url, "text/css", "x", 1);
    assert_int_equal(r.status, 405);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_served),
        cmocka_unit_test(test_not_modified),
        cmocka_unit_test(test_head),
        cmocka_unit_test(test_stale_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
