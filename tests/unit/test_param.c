/*
** test_param.c: the typed query parameters of the route table (param.h): the declaration parser
** (every type, and the malformed declarations it must refuse), the value checks at their
** bounds, params_admit over a whole query string, the readers handlers use, and every row of
** routes[] (so a bad declaration fails `make check`, not a request).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "param.h"
#include "route.h"
#include "search.h"

/* The declaration of one parameter, checked well formed. */
static ParamSpec spec(const char *decl) {
    Err e = ERR_INIT;
    ParamSpec s;
    const char *p = decl;
    if (param_next(&p, &s, &e) != 1) fail_msg("'%s' does not parse: %s", decl, e.detail);
    return s;
}

/* value against the one parameter decl declares: 0 (accepted) or -1, then e names it. */
static int check(const char *decl, const char *value) {
    ParamSpec s = spec(decl);
    Err e = ERR_INIT;
    int rc = param_value_check(&s, value, &e);
    if (rc) {
        assert_int_equal(e.status, 400);
        assert_memory_equal(e.field, s.name, s.name_len);
        assert_int_equal(e.field[s.name_len], 0);
        assert_non_null(strstr(e.detail, e.field)); /* the message names the parameter */
    }
    return rc;
}

static void test_types(void **state) {
    (void)state;
    ParamSpec s = spec("q");
    assert_int_equal(s.type, PT_TEXT);
    assert_int_equal(s.max, 200);
    s = spec("q:text(5)");
    assert_int_equal(s.type, PT_TEXT);
    assert_int_equal(s.max, 5);
    s = spec("n:int(-3..7)");
    assert_int_equal(s.type, PT_INT);
    assert_int_equal(s.min, -3);
    assert_int_equal(s.max, 7);
    s = spec("n:int(1..)");
    assert_int_equal(s.max, INT64_MAX);
    assert_int_equal(spec("k:enum(a|b-c|d_e)").type, PT_ENUM);
    assert_int_equal(spec("b:bool").type, PT_BOOL);
    assert_int_equal(spec("d:date").type, PT_DATE);
    assert_int_equal(spec("u:unitcode").type, PT_UNITCODE);
    assert_int_equal(spec("s:sort").type, PT_SORT);
    assert_int_equal(spec("i:id").type, PT_ID);
    s = spec("page:page");
    assert_int_equal(s.type, PT_PAGE);
    assert_int_equal(s.max, PAGING_REACH);
    assert_int_equal(spec("page:page(10000)").max, 10000);
    s = spec("per_page:per_page");
    assert_int_equal(s.dflt, PAGING_LIST.per_page_default);
    assert_int_equal(s.max, PAGING_LIST.per_page_max);
    s = spec("per_page:per_page(20,100)");
    assert_int_equal(s.dflt, 20);
    assert_int_equal(s.max, 100);
    assert_int_equal(spec("*").type, PT_ANY);
}

static void test_values(void **state) {
    (void)state;
    assert_int_equal(check("q:text(5)", "abcde"), 0);
    assert_int_equal(check("q:text(5)", "abcdef"), -1);
    assert_int_equal(check("q:text(5)", "ắắ"), -1); /* bytes, not characters: 6 */
    assert_int_equal(check("q:text(5)", ""), 0);
    assert_int_equal(check("n:int(-3..7)", "-3"), 0);
    assert_int_equal(check("n:int(-3..7)", "7"), 0);
    assert_int_equal(check("n:int(-3..7)", "8"), -1);
    assert_int_equal(check("n:int(-3..7)", "-4"), -1);
    assert_int_equal(check("n:int(-3..7)", "1x"), -1);
    assert_int_equal(check("n:int(-3..7)", " 1"), -1);
    assert_int_equal(check("n:int(-3..7)", ""), -1);
    assert_int_equal(check("n:int(1..)", "9223372036854775807"), 0);
    assert_int_equal(check("n:int(1..)", "9223372036854775808"), -1); /* overflows: refused, not wrapped */
    assert_int_equal(check("i:id", "1"), 0);
    assert_int_equal(check("i:id", "0"), -1);
    assert_int_equal(check("i:id", "9007199254740991"), 0);
    assert_int_equal(check("i:id", "9007199254740992"), -1);
    assert_int_equal(check("k:enum(csv|xlsx)", "csv"), 0);
    assert_int_equal(check("k:enum(csv|xlsx)", "xlsx"), 0);
    assert_int_equal(check("k:enum(csv|xlsx)", "xls"), -1);
    assert_int_equal(check("k:enum(csv|xlsx)", "CSV"), -1);
    assert_int_equal(check("k:enum(csv|xlsx)", "csv|xlsx"), -1);
    assert_int_equal(check("k:enum(csv|xlsx)", ""), -1);
    for (const char *const *v = (const char *const[]){"true", "false", "1", "0", NULL}; *v; v++)
        assert_int_equal(check("b:bool", *v), 0);
    assert_int_equal(check("b:bool", "yes"), -1);
    assert_int_equal(check("d:date", "2024-02-29"), 0);
    assert_int_equal(check("d:date", "2023-02-29"), -1);
    assert_int_equal(check("d:date", "29/02/2024"), -1);
    assert_int_equal(check("u:unitcode", "86"), 0);
    assert_int_equal(check("u:unitcode", "829"), 0);
    assert_int_equal(check("u:unitcode", "28903"), 0);
    assert_int_equal(check("u:unitcode", "2890"), -1);
    assert_int_equal(check("u:unitcode", "8a"), -1);
    assert_int_equal(check("s:sort", "name"), 0);
    assert_int_equal(check("s:sort", "-name,code,-id"), 0);
    assert_int_equal(check("s:sort", "name,"), -1);
    assert_int_equal(check("s:sort", ",name"), -1);
    assert_int_equal(check("s:sort", "--name"), -1);
    assert_int_equal(check("s:sort", "na me"), -1);
    assert_int_equal(check("s:sort", ""), -1);

    /* what the message says is accepted */
    Err e = ERR_INIT;
    ParamSpec s = spec("format:enum(csv|xlsx)");
    assert_int_equal(param_value_check(&s, "pdf", &e), -1);
    assert_string_equal(e.detail, "format must be one of csv, xlsx");
    s = spec("pass:int(1..1000)");
    assert_int_equal(param_value_check(&s, "0", &e), -1);
    assert_string_equal(e.detail, "pass must be a whole number from 1 to 1000");
}

static void test_malformed(void **state) {
    (void)state;
    static const char *const bad[] = {
        "q:txt(5)",         /* unknown type */
        "q:text",           /* text without its length */
        "q:text(0)",        /* a length of nothing */
        "q:text(5",         /* no ')' */
        "q:text(5x)",       /* not a number */
        "n:int(5..1)",      /* an empty range */
        "n:int(1)",         /* no range */
        "n:int(..5)",       /* no lower bound */
        "k:enum()",         /* no words */
        "k:enum(a||b)",     /* an empty word */
        "k:enum(a|)",       /* an empty word */
        "k:enum(a b)",      /* a space splits the token: "b)" is then no name */
        "k:enum(a|B)",      /* words in lower case */
        "b:bool(1)",        /* takes no arguments */
        "d:date(x)",        /* takes no arguments */
        "page:page",        /* without per_page */
        "per_page:per_page", /* without page */
        "page:int(1..5) per_page:per_page", /* page must have the type page */
        "p:page per_page:per_page",         /* the type page names only page */
        "page:page per_page:per_page(0,10)",  /* a default of nothing */
        "page:page per_page:per_page(20,10)", /* the default above the largest */
        "page:page per_page:per_page(20)",    /* no largest */
        "page:page(x) per_page:per_page",
        "q q",              /* declared twice */
        "q:text(5) q:int(1..2)",
        "lang:enum(vi)",    /* lang is everyone's already */
        "Q",                /* upper case */
        ":text(3)",         /* no name */
        "a-b",              /* not a name */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        Err e = ERR_INIT;
        if (param_decl_check(bad[i], &e) != -1) fail_msg("'%s' was accepted", bad[i]);
        assert_true(e.detail[0] != 0);
    }
    Err e = ERR_INIT;
    assert_int_equal(param_decl_check("", &e), 0);
    assert_int_equal(param_decl_check("*", &e), 0);
    assert_int_equal(param_decl_check("  q:text(5)   k:enum(a|b) ", &e), 0);
}

/* params_admit over a query of n key=value pairs. */
static int admit(const char *decl, bool page, int n, const Param *q, const char *field) {
    Err e = ERR_INIT;
    int rc = params_admit(decl, page, q, n, &e);
    if (field) {
        assert_int_equal(rc, -1);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.field, field);
    } else if (rc) {
        fail_msg("refused: %s", e.detail);
    }
    return rc;
}

static void test_admit(void **state) {
    (void)state;
    const char *search = "q:text(200) kind:enum(product|producer|village) page:page(10000) per_page:per_page(20,100)";
    admit(search, false, 2, (Param[]){{"q", "a"}, {"kind", "village"}}, NULL);
    admit(search, false, 1, (Param[]){{"kind", "farm"}}, "kind");
    /* the search's offset wrapped at 2^32 (page 214748366 × 20) */
    admit(search, false, 1, (Param[]){{"page", "214748366"}}, "page");
    admit(search, false, 1, (Param[]){{"page", "500"}}, NULL);  /* 500 × 20 = 10000: the last */
    admit(search, false, 1, (Param[]){{"page", "501"}}, "page");
    admit(search, false, 2, (Param[]){{"page", "100"}, {"per_page", "100"}}, NULL);
    admit(search, false, 2, (Param[]){{"page", "101"}, {"per_page", "100"}}, "page");
    admit(search, false, 1, (Param[]){{"per_page", "101"}}, "per_page");
    admit(search, false, 1, (Param[]){{"page", "9223372036854775807"}}, "page");
    /* unknown: refused by the API, ignored by a page, passed on by "*" */
    admit(search, false, 1, (Param[]){{"utm_source", "x"}}, "utm_source");
    admit(search, true, 1, (Param[]){{"utm_source", "x"}}, NULL);
    admit(search, true, 1, (Param[]){{"page", "abc"}}, "page"); /* a page checks what it declares */
    admit("* page:page per_page:per_page", false, 2, (Param[]){{"stars", "4"}, {"page", "2"}}, NULL);
    admit("* page:page per_page:per_page", false, 1, (Param[]){{"page", "0"}}, "page");
    admit("", false, 1, (Param[]){{"x", "1"}}, "x");
    /* lang: declared everywhere */
    admit("", false, 1, (Param[]){{"lang", "en"}}, NULL);
    admit("", true, 1, (Param[]){{"lang", "fr"}}, "lang");
    /* once */
    admit(search, false, 2, (Param[]){{"kind", "product"}, {"kind", "village"}}, "kind");
    Err e = ERR_INIT;
    params_admit("q:text(3)", false, (Param[]){{"x", "1"}}, 1, &e);
    assert_string_equal(e.detail, "unknown query parameter 'x'; allowed: q");
}

static const Route test_route = {"GET", "/t", "public",
                                 "n:int(1..9) b:bool format:enum(csv|xlsx) page:page(1000) per_page:per_page(10,50)",
                                 0, NULL, "test", NULL, 0, false, 0};

static void test_readers(void **state) {
    (void)state;
    Param q[] = {{"n", "7"}, {"b", "true"}, {"page", "3"}, {"per_page", "25"}};
    Req r = {0};
    r.route = &test_route;
    r.query = q;
    r.nquery = 4;
    assert_int_equal(req_int(&r, "n", 1), 7);
    assert_true(req_bool(&r, "b", false));
    assert_int_equal(req_table_format(&r), TABLE_CSV);
    Paging pg;
    req_paging(&r, &pg);
    assert_int_equal(pg.page, 3);
    assert_int_equal(pg.per_page, 25);
    assert_int_equal(pg.offset, 50);
    r.nquery = 0; /* the defaults */
    assert_int_equal(req_int(&r, "n", 4), 4);
    assert_false(req_bool(&r, "b", false));
    req_paging(&r, &pg);
    assert_int_equal(pg.page, 1);
    assert_int_equal(pg.per_page, 10);
    assert_int_equal(pg.offset, 0);
    /* the deepest page: its offset is computed without overflow */
    Param deep[] = {{"page", "20"}, {"per_page", "50"}, {"format", "xlsx"}};
    r.query = deep;
    r.nquery = 3;
    req_paging(&r, &pg);
    assert_int_equal(pg.offset, 950);
    assert_int_equal(req_table_format(&r), TABLE_XLSX);
}

/* Every row of the route table declares its parameters well, so a bad one fails here. */
static void test_routes(void **state) {
    (void)state;
    int paged = 0;
    for (size_t i = 0; i < nroutes; i++) {
        Err e = ERR_INIT;
        if (param_decl_check(routes[i].params, &e))
            fail_msg("route %s (%s %s): %s: %s", routes[i].name, routes[i].method, routes[i].pattern, e.field, e.detail);
        ParamSpec s;
        paged += param_find(routes[i].params, "page", &s);
        /* the search's rule is search.h's */
        if (routes[i].handler == api_search) {
            assert_true(param_find(routes[i].params, "page", &s));
            assert_int_equal(s.max, SEARCH_COUNT_MAX);
            assert_true(param_find(routes[i].params, "per_page", &s));
            assert_int_equal(s.max, SEARCH_LIMIT_MAX);
        }
    }
    assert_true(paged >= 14);
    route_check_table(); /* what `ocop serve` runs first: it does not panic */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),  cmocka_unit_test(test_values), cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_admit),  cmocka_unit_test(test_readers), cmocka_unit_test(test_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
