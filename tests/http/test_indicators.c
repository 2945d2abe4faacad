/*
** test_indicators.c: GET /api/v1/indicators and /api/v1/indicators/{code} over real HTTP on
** the demo data: the figures agree with GET /api/v1/stats (which counts the same registry its
** own way) on both maps, the rows add up, dossier counts are for officers only, and bad input
** is a problem document naming the field.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* S: a server with the demo data, for the whole group (setup, teardown). */
DEMO_SERVER(S)

static const char *const anon[] = {NULL};


static void test_catalogue(void **state) {
    (void)state;
    Resp r = http_req_h(&S, anon, "GET", "/api/v1/indicators", NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    json_t *all = json_object_get(r.json, "indicators"), *ind;
    assert_true(json_array_size(all) >= 30);
    size_t i;
    json_array_foreach(all, i, ind) {
        assert_non_null(json_string_value(json_object_get(ind, "code")));
        assert_non_null(json_string_value(json_object_get(ind, "vi")));
        assert_non_null(json_object_get(ind, "numerator"));
    }
    resp_free(&r);
}

/* products_3plus and communes_coverage_pct are what /api/v1/stats reports, for a 2025
** province and an old one on a day before 2025; the rows add up to the unit's value. */
static void test_agrees_with_stats(void **state) {
    (void)state;
    static const char *const cases[][2] = {{"86", "2024-12-21"}, {"83", "2024-12-21"}, {"86", "2026-01-15"},
                                           {"833", "2023-06-30"}, {"28903", "2025-12-01"}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/stats?unit=%s&date=%s", cases[k][0], cases[k][1]);
        Resp st = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
        expect_status(&st, 200, NULL);
        snprintf(path, sizeof path, "/api/v1/indicators/products_3plus?unit=%s&date=%s", cases[k][0], cases[k][1]);
        Resp r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
        expect_status(&r, 200, NULL);
        assert_int_equal(jint(r.json, "numerator"), jint(json_object_get(st.json, "products"), "total"));
        assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "place"), "geo")),
                            json_string_value(json_object_get(json_object_get(st.json, "unit"), "geo")));
        json_int_t sum = 0;
        size_t i;
        json_t *row;
        json_array_foreach(json_object_get(r.json, "rows"), i, row) sum += jint(row, "numerator");
        if (strlen(cases[k][0]) < 5) assert_int_equal(sum, jint(r.json, "numerator"));
        resp_free(&r);
        snprintf(path, sizeof path, "/api/v1/indicators/communes_coverage_pct?unit=%s&date=%s&rows=false", cases[k][0],
                 cases[k][1]);
        r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
        expect_status(&r, 200, NULL);
        json_t *communes = json_object_get(st.json, "communes");
        assert_int_equal(jint(r.json, "numerator"), jint(communes, "with_products"));
        assert_int_equal(jint(r.json, "denominator"), jint(communes, "total"));
        assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 0);
        resp_free(&r);
        resp_free(&st);
    }
}

/* A flow names its period; a stock has none. */
static void test_period(void **state) {
    (void)state;
    Resp r = http_req_h(&S, anon, "GET", "/api/v1/indicators/new_3plus?unit=86&from=2021-01-01&date=2024-12-31&geography=2025&rows=false",
                        NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(r.json, "from")), "2021-01-01");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "indicator"), "kind")), "flow");
    assert_true(jint(r.json, "numerator") > 0);
    resp_free(&r);
    r = http_req_h(&S, anon, "GET", "/api/v1/indicators/products_3plus?unit=86&rows=false", NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_true(json_is_null(json_object_get(r.json, "from")));
    assert_true(json_is_null(json_object_get(r.json, "denominator")));
    resp_free(&r);
}

/* Dossiers are not public: their counts are for a signed-in caller holding dossiers.read. */
static void test_dossier_counts(void **state) {
    (void)state;
    Resp r = http_req_h(&S, anon, "GET", "/api/v1/indicators/dossiers_filed?unit=86", NULL, NULL, 0);
    expect_status(&r, 401, "code");
    resp_free(&r);
    r = http_get(&S, "/api/v1/indicators/dossiers_filed?unit=86&from=2000-01-01&rows=false");
    expect_status(&r, 200, NULL);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM dossiers WHERE filed_on IS NOT NULL", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long filed = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_true(filed > 0);
    assert_int_equal(jint(r.json, "numerator"), filed); /* every demo dossier is in Vĩnh Long */
    resp_free(&r);
}

/* Bad input: a problem document naming the field, in the caller's language. */
static void test_bad_input(void **state) {
    (void)state;
    static const struct {
        const char *path, *field;
        long status;
    } bad[] = {
        {"/api/v1/indicators/no_such", "code", 404},
        {"/api/v1/indicators/products_3plus?unit=99", "unit", 404},
        {"/api/v1/indicators/products_3plus?unit=83&date=2026-01-01", "unit", 404}, /* merged into 86 */
        {"/api/v1/indicators/new_3plus?from=2025-06-01&date=2025-01-01", "from", 400},
        {"/api/v1/indicators/products_3plus?geography=1990", "geography", 400},
        {"/api/v1/indicators/products_3plus?date=2025-13-01", "date", 400},
        {"/api/v1/indicators/districts_coverage_pct?unit=86&date=2026-01-01", "geography", 422},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        Resp r = http_req_h(&S, anon, "GET", bad[i].path, NULL, NULL, 0);
        expect_status(&r, bad[i].status, bad[i].field);
        resp_free(&r);
    }
    const char *vi[] = {"Accept-Language: vi", NULL};
    Resp r = http_req_h(&S, vi, "GET", "/api/v1/indicators/districts_coverage_pct?unit=86&date=2026-01-01", NULL, NULL, 0);
    expect_status(&r, 422, "geography");
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "huyện"));
    resp_free(&r);
    /* the old map after 2025: the units as they stood on 2025-06-30 */
    r = http_req_h(&S, anon, "GET", "/api/v1/indicators/districts_coverage_pct?unit=83&date=2026-01-01&geography=pre2025",
                   NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "place"), "on")), "2025-06-30");
    assert_int_equal(jint(r.json, "denominator"), 9); /* Bến Tre's nine districts */
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue), cmocka_unit_test(test_agrees_with_stats), cmocka_unit_test(test_period),
        cmocka_unit_test(test_dossier_counts), cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
