/*
** test_paging.c: every paged list answers ?page= and ?per_page= the same way (util.c
** paging_parse, run by route_admit from the route's declaration, param.h): whole numbers in range, page × per_page within the list's reach, 400 with the
** field named beyond. The routes are read from routes[] (every GET route that takes "page", and
** the generic entity lists), so a new paged list is tested without being named here.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "harness.h"
#include "param.h"
#include "route.h"
#include "search.h"
#include "util.h"

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

static bool takes_page(const Route *rt) {
    /* the API's lists (a page's bounds, told as an error page, are test_lists.c's) */
    if (strcmp(rt->method, "GET") != 0 || strchr(rt->pattern, '{') || rt->html) return false;
    if (rt->handler == api_entity_list) return true;
    ParamSpec s;
    return param_find(rt->params, "page", &s);
}

/* GET path?[q=a&]query: expect status (and the problem's field). */
static void get(const Route *rt, const char *query, long status, const char *field) {
    char path[512];
    bool search = rt->handler == api_search;
    snprintf(path, sizeof path, "%s?%s%s", rt->pattern, search ? "q=a&" : "", query);
    Resp r = http_get(&S, path);
    if (r.status != status) fprintf(stderr, "GET %s -> %ld, want %ld\n", path, r.status, status);
    expect_status(&r, status, field);
    if (status == 200) {
        /* the page echoes what was asked */
        assert_non_null(jpath(r.json, "items"));
        assert_non_null(jpath(r.json, "pages"));
    }
    resp_free(&r);
}

static void test_bounds_everywhere(void **state) {
    (void)state;
    int tested = 0;
    for (size_t i = 0; i < nroutes; i++) {
        const Route *rt = &routes[i];
        if (!takes_page(rt)) continue;
        tested++;
        int64_t reach = rt->handler == api_search ? SEARCH_COUNT_MAX : PAGING_REACH;
        int per_page_max = rt->handler == api_search ? SEARCH_LIMIT_MAX : PAGING_LIST.per_page_max;
        char q[128];
        /* the search's offset wrapped at 2^32 and answered */
        get(rt, "page=214748366", 400, "page");
        get(rt, "page=9223372036854775807", 400, "page");
        get(rt, "page=9223372036854775808", 400, "page");
        get(rt, "page=0", 400, "page");
        get(rt, "page=-1", 400, "page");
        get(rt, "page=1x", 400, "page");
        get(rt, "per_page=0", 400, "per_page");
        snprintf(q, sizeof q, "per_page=%d", per_page_max + 1);
        get(rt, q, 400, "per_page");
        /* the last page within reach answers, the next does not */
        snprintf(q, sizeof q, "per_page=10&page=%lld", (long long)(reach / 10));
        get(rt, q, 200, NULL);
        snprintf(q, sizeof q, "per_page=10&page=%lld", (long long)(reach / 10 + 1));
        get(rt, q, 400, "page");
        snprintf(q, sizeof q, "per_page=%d&page=1", per_page_max);
        get(rt, q, 200, NULL);
    }
    assert_true(tested >= 14); /* units, search, 8 entities, decisions, certificates, ... */
}

/* The values of a page: page, per_page and pages as asked; the offset is where it should be. */
static void test_page_values(void **state) {
    (void)state;
    Resp all = http_get(&S, "/api/v1/products?per_page=500");
    assert_int_equal(all.status, 200);
    long long total = jint(all.json, "total");
    assert_true(total >= 5);
    Resp r = http_get(&S, "/api/v1/products?per_page=2&page=2");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "page"), 2);
    assert_int_equal(jint(r.json, "per_page"), 2);
    assert_int_equal(jint(r.json, "pages"), (total + 1) / 2);
    assert_int_equal(jint(r.json, "items.0.id"), jint(all.json, "items.2.id"));
    resp_free(&r);
    resp_free(&all);
    r = http_get(&S, "/api/v1/search?q=a&per_page=3&page=2");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "page"), 2);
    assert_int_equal(jint(r.json, "per_page"), 3);
    resp_free(&r);
}

/* The parser itself: the error names the field and says the bound. */
static void test_parser(void **state) {
    (void)state;
    Paging p;
    Err e = ERR_INIT;
    assert_int_equal(paging_parse(NULL, NULL, &PAGING_LIST, &p, &e), 0);
    assert_int_equal(p.page, 1);
    assert_int_equal(p.per_page, 50);
    assert_int_equal(p.offset, 0);
    assert_int_equal(paging_parse("200000", "50", &PAGING_LIST, &p, &e), 0);
    assert_int_equal(p.offset, 9999950);
    assert_int_equal(paging_parse("200001", "50", &PAGING_LIST, &p, &e), -1);
    assert_int_equal(e.status, 400);
    assert_string_equal(e.field, "page");
    assert_non_null(strstr(e.detail, "200000"));
    err_clear(&e);
    assert_int_equal(paging_parse("1", "501", &PAGING_LIST, &p, &e), -1);
    assert_string_equal(e.field, "per_page");
    err_clear(&e);
    assert_int_equal(paging_pages(&(Paging){1, 50, 0}, 101), 3);
    assert_int_equal(paging_pages(&(Paging){1, 50, 0}, 0), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser),
        cmocka_unit_test(test_page_values),
        cmocka_unit_test(test_bounds_everywhere),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
