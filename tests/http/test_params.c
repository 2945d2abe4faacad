/*
** test_params.c: the typed query parameters of the route table (param.h) as a client meets them:
** a value of the wrong type, out of range, too long or not among the allowed words is refused
** with 400 before the handler runs, the problem naming the parameter and saying what it accepts;
** on the API an undeclared parameter is refused, on a page it is ignored; a declared parameter
** is given once; lang is vi or en everywhere.
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

/* GET path: status, and for a 400 the parameter named and a piece of what the detail says. */
static void get(const char *path, long status, const char *field, const char *says) {
    Resp r = http_get(&S, path);
    if (r.status != status) fprintf(stderr, "GET %s -> %ld, want %ld: %.300s\n", path, r.status, status, r.body);
    expect_status(&r, status, r.json ? field : NULL);
    if (says) body_has(&r, says);
    resp_free(&r);
}

static void test_api_types(void **state) {
    (void)state;
    /* the search's offset wrapped at 2^32 and answered 200 */
    get("/api/v1/search?q=a&page=214748366", 400, "page", "page must be a whole number from 1 to 500");
    get("/api/v1/search?q=a&page=500", 200, NULL, NULL);
    get("/api/v1/search?q=a&kind=farm", 400, "kind", "kind must be one of product, producer, village");
    get("/api/v1/search?q=a&kind=village", 200, NULL, NULL);
    char path[512];
    snprintf(path, sizeof path, "/api/v1/search?q=%0201d", 0);
    get(path, 400, "q", "q is longer than 200 bytes");
    get("/api/v1/units?date=2025-02-30", 400, "date", "YYYY-MM-DD");
    get("/api/v1/units?parent=8x", 400, "parent", "unit code");
    get("/api/v1/units/86/children?level=hamlet", 400, "level", "province, district, commune");
    get("/api/v1/stats?unit=8&date=2026-01-01", 400, "unit", "unit code");
    get("/api/v1/certificates?state=lost", 400, "state", "valid, expired, revoked, superseded");
    get("/api/v1/certificates?product_id=0", 400, "product_id", "whole number from 1");
    get("/api/v1/decisions?year=1999", 400, "year", "from 2000 to 2999");
    get("/api/v1/decisions?level=district", 400, "level", "province, ministry");
    get("/api/v1/lifecycle/due?date=2026-13-01", 400, "date", "YYYY-MM-DD");
    get("/api/v1/users?per_page=501", 400, "per_page", "from 1 to 500");
    get("/api/v1/audit?page=abc", 400, "page", NULL);
}

/* The generic lists: paging, sort and format through the same code; filters stay the entity's. */
static void test_entity_lists(void **state) {
    (void)state;
    get("/api/v1/products?page=0", 400, "page", NULL);
    get("/api/v1/products?per_page=2&page=5000001", 400, "page", "reach 10000000");
    get("/api/v1/products?sort=-name,", 400, "sort", "field names separated by commas");
    get("/api/v1/products?sort=colour", 400, "sort", "cannot sort by 'colour'"); /* the entity's check */
    get("/api/v1/products?colour=red", 400, "colour", "unknown query parameter 'colour'");
    get("/api/v1/products?stars=4&sort=-name", 200, NULL, NULL);
    get("/api/v1/products/export?format=pdf", 400, "format", "format must be one of csv, xlsx");
    get("/api/v1/products/export?lang=fr", 400, "lang", "lang must be one of vi, en");
    get("/api/v1/products/export?page=2", 400, "page", "an export holds the whole list");
    Resp r = http_get(&S, "/api/v1/producers/export?format=xlsx&lang=en");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(resp_header_value(&r, "Content-Type"), "spreadsheetml"));
    resp_free(&r);
}

static void test_once_unknown_lang(void **state) {
    (void)state;
    get("/api/v1/search?q=a&q=b", 400, "q", "give q once");
    get("/api/v1/search?q=a&page=1&page=2", 400, "page", "give page once");
    get("/api/v1/search?q=a&utm_source=x", 400, "utm_source", "allowed: q, kind, page, per_page");
    get("/api/v1/version?x=1", 400, "x", "takes none");
    get("/api/v1/search?q=a&lang=fr", 400, "lang", "vi, en");
    get("/api/v1/search?q=a&lang=vi", 200, NULL, NULL);
    /* an import: dry_run and format are checked before the body is read */
    Resp r = http_req(&S, "POST", "/api/v1/import/villages?dry_run=maybe", "text/csv", "x\n", 2);
    expect_status(&r, 400, "dry_run");
    body_has(&r, "dry_run must be true or false");
    resp_free(&r);
    r = http_req(&S, "POST", "/api/v1/import/villages?format=ods", "text/csv", "x\n", 2);
    expect_status(&r, 400, "format");
    resp_free(&r);
}

/* Pages ignore what they do not declare, and check what they do. */
static void test_pages(void **state) {
    (void)state;
    get("/?utm_source=zalo&page=abc", 200, NULL, NULL);
    char path[512];
    snprintf(path, sizeof path, "/?q=%0201d", 0);
    get(path, 400, NULL, NULL);
    snprintf(path, sizeof path, "/?q=%0200d", 0);
    get(path, 303, NULL, NULL); /* the home page sends a search to the catalogue */
    get("/?lang=fr", 400, NULL, NULL);
    get("/?lang=en", 200, NULL, NULL);
    get("/xac-minh/KHONG-CO?fbclid=abc", 404, NULL, NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_types),
        cmocka_unit_test(test_entity_lists),
        cmocka_unit_test(test_once_unknown_lang),
        cmocka_unit_test(test_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
