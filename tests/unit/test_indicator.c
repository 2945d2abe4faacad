/*
** test_indicator.c: the indicators of plans and reports (indicator.c) on a real SQLite file
** migrated with the embedded units, and a small registry written here so that every figure
** can be counted by hand:
**
**   producer A (cooperative, sells on e-commerce, green chain, 10 ha), Hòa Minh 29410: a 2025
**     commune that came from the single old commune 29410 (district 847 Châu Thành, Trà Vinh
**     84), no old code recorded: placed there on the old map by lineage;
**   producer B (household), Phú Khương 28756: a 2025 commune made of four old communes, no old
**     code: not placed on the old map;
**   producer C (llc), Mỏ Cày 28903, old code 28903 (district 833 Mỏ Cày Nam, Bến Tre 83).
**   P1 (A): 3★ 2023-05-01, upgraded to 4★ 2024-06-01 (the 3★ superseded that day);
**   P2 (B): 3★ 2022-03-01, expired 2025-03-01, not renewed;
**   P3 (C): 4★ 2021-01-10, expired 2024-01-10, renewed at 4★ 2024-02-01;
**   P4 (C): 3★ 2023-01-01, revoked 2023-06-01;
**   P5 (A): 2★ 2024-01-01 (no certificate).
**   Craft villages: V1 in 29410 (producer A's), V2 in 28756. Points of sale: two in 86.
** All of 29410, 28756 and 28903 are communes of Vĩnh Long (86) on the 2025 map.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "db.h"
#include "indicator.h"
#include "run_ocop.h"
#include "util.h"

static char path[64];
static Db *db;
static Arena arena;

static void exec(const char *sql) { test_exec(db, sql); }

static int setup(void **state) {
    (void)state;
    db = test_db_migrated("indicator", path, sizeof path);
    if (!db) return -1;
#define NAMES(n) "'" n "', '" n "', '" n "'"
#define T "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'"
    exec("INSERT INTO villages (id, name, name_key, name_fold, commune_code, created_at, updated_at) VALUES "
         "(1, " NAMES("v1") ", '29410', " T "), (2, " NAMES("v2") ", '28756', " T ")");
    exec("INSERT INTO producers (id, type, name, name_key, name_fold, commune_code, commune_code_old, channels, "
         "village_id, green_chain, raw_area_ha, created_at, updated_at) VALUES "
         "(1, 'cooperative', " NAMES("a") ", '29410', NULL, 'ecommerce,facebook', 1, 1, 10, " T "), "
         "(2, 'household', " NAMES("b") ", '28756', NULL, 'facebook', NULL, 0, NULL, " T "), "
         "(3, 'llc', " NAMES("c") ", '28903', '28903', '', NULL, 1, NULL, " T ")"); /* green chain, no area recorded */
    exec("INSERT INTO products (id, name, name_key, name_fold, set_no, producer_id, commune_code, commune_code_old, "
         "created_at, updated_at) VALUES "
         "(1, " NAMES("p1") ", 1, 1, '29410', NULL, " T "), (2, " NAMES("p2") ", 1, 2, '28756', NULL, " T "), "
         "(3, " NAMES("p3") ", 14, 3, '28903', '28903', " T "), (4, " NAMES("p4") ", 1, 3, '28903', '28903', " T "), "
         "(5, " NAMES("p5") ", 1, 1, '29410', NULL, " T ")");
    /* P3 was scored on the 148-2023 sheet, whose data has no groups: it counts in the group of set 14 */
    exec("UPDATE products SET rubric_version = '148-2023' WHERE id = 3");
    exec("INSERT INTO recognitions (product_id, stars, level, decision_no, decision_date, expires_on, ended, ended_on, "
         "created_at, updated_at) VALUES "
         "(1, 3, 'province', 'd1', '2023-05-01', '2026-05-01', 'superseded', '2024-06-01', " T "), "
         "(1, 4, 'province', 'd2', '2024-06-01', '2027-06-01', NULL, NULL, " T "), "
         "(2, 3, 'province', 'd3', '2022-03-01', '2025-03-01', NULL, NULL, " T "), "
         "(3, 4, 'province', 'd4', '2021-01-10', '2024-01-10', NULL, NULL, " T "), "
         "(3, 4, 'province', 'd5', '2024-02-01', '2027-02-01', NULL, NULL, " T "), "
         "(4, 3, 'province', 'd6', '2023-01-01', '2026-01-01', 'revoked', '2023-06-01', " T "), "
         "(5, 2, 'province', 'd7', '2024-01-01', NULL, NULL, NULL, " T ")");
    exec("INSERT INTO sale_points (name, name_key, name_fold, kind, commune_code, created_at, updated_at) VALUES "
         "(" NAMES("s1") ", 'point', '29410', " T "), (" NAMES("s2") ", 'center', '28903', " T ")");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    arena_free(&arena);
    db_close(db);
    db_remove_files(path);
    return 0;
}

/* The value of code for unit on date (from: a flow's first day; geo: the map). */
static IndValue eval(const char *code, const char *unit, const char *geo, const char *from, const char *date) {
    IndQuery q = {unit, geo, date, from};
    IndValue v;
    Err e = ERR_INIT;
    if (indicator_eval(db, &arena, code, &q, &v, NULL, &e)) fail_msg("%s for %s: %s", code, unit ? unit : "country", e.detail);
    return v;
}

static void count_is(const char *code, const char *unit, const char *geo, const char *from, const char *date, int64_t want) {
    IndValue v = eval(code, unit, geo, from, date);
    if (v.numerator != want)
        fail_msg("%s for %s on %s: %lld, not %lld", code, unit ? unit : "country", date, (long long)v.numerator, (long long)want);
    assert_int_equal(v.denominator, -1);
}

static void pct_is(const char *code, const char *unit, const char *geo, const char *from, const char *date, int64_t num,
                   int64_t den) {
    IndValue v = eval(code, unit, geo, from, date);
    if (v.numerator != num || v.denominator != den)
        fail_msg("%s for %s on %s: %lld/%lld, not %lld/%lld", code, unit ? unit : "country", date, (long long)v.numerator,
                 (long long)v.denominator, (long long)num, (long long)den);
    assert_true(fabs(v.value - (den ? 100.0 * (double)num / (double)den : 0)) < 1e-9);
}

/* Stocks on the 2025 map: the latest decision gives the stars; expired and revoked ones out. */
static void test_stocks(void **state) {
    (void)state;
    const char *d = "2025-12-31";
    count_is("products_3plus", "86", NULL, NULL, d, 2);
    count_is("products_4star", "86", NULL, NULL, d, 2);
    count_is("products_3star", "86", NULL, NULL, d, 0);
    count_is("products_ever", "86", NULL, NULL, d, 4);       /* P1..P4; P5 was never certified */
    count_is("expired_not_renewed", "86", NULL, NULL, d, 1); /* P2; P4 was revoked, not expired */
    count_is("products_group_I", "86", NULL, NULL, d, 1);    /* P1 (set 1); P3 is set 14 (of 148-2023), group II */
    count_is("products_group_II", "86", NULL, NULL, d, 1);
    pct_is("products_4star_pct", "86", NULL, NULL, d, 2, 2);
    /* on 2024-01-05: P1 3★, P2 3★, P3's first 4★ (until 2024-01-10); P4 revoked */
    count_is("products_3plus", "86", "2025", NULL, "2024-01-05", 3);
    count_is("products_3star", "86", "2025", NULL, "2024-01-05", 2);
    /* on 2024-01-20, between P3's expiry and its renewal */
    count_is("products_4star", "86", "2025", NULL, "2024-01-20", 0);
    count_is("expired_not_renewed", "86", "2025", NULL, "2024-01-20", 1);
    /* a commune, and another province */
    count_is("products_3plus", "29410", NULL, NULL, d, 1);
    count_is("products_3plus", "01", NULL, NULL, d, 0);
    count_is("products_3plus", NULL, NULL, NULL, d, 2);
}

/* Flows over a period: new, new at a level, upgrades, renewals, and a rate out of a stock at
** the period's start. */
static void test_flows(void **state) {
    (void)state;
    count_is("new_3plus", "86", "2025", "2023-01-01", "2023-12-31", 2); /* P4 (January), P1 (May) */
    count_is("new_3plus", "86", "2025", "2024-01-01", "2024-12-31", 0);
    count_is("new_4star", "86", "2025", "2024-01-01", "2024-12-31", 1); /* P1; P3 was 4★ before */
    count_is("upgrades_3to4", "86", "2025", "2024-01-01", "2024-12-31", 1);
    count_is("renewed", "86", "2025", "2024-01-01", "2024-12-31", 1); /* P3 */
    count_is("new_4star", "86", "2025", "2021-01-01", "2021-12-31", 1); /* P3's first */
    /* the 3★ in force on 2024-01-01 were P1 and P2: one of the two moved up */
    pct_is("upgrades_3to4_pct", "86", "2025", "2024-01-01", "2024-12-31", 1, 2);
    /* from defaults to 1 January of date's year */
    count_is("upgrades_3to4", "86", "2025", NULL, "2024-12-31", 1);
}

/* The old map: a recorded old code places a record; a 2025 commune made of one old commune
** places it by lineage; one made of several does not. */
static void test_old_map(void **state) {
    (void)state;
    const char *d = "2024-12-31"; /* before the reorganisation: the old map by default */
    count_is("products_3plus", "83", NULL, NULL, d, 1);  /* P3, old code 28903 (Bến Tre) */
    count_is("products_3plus", "84", NULL, NULL, d, 1);  /* P1, Hòa Minh 29410 by lineage (Trà Vinh) */
    count_is("products_3plus", "833", NULL, NULL, d, 1); /* the district Mỏ Cày Nam */
    count_is("products_3plus", "847", NULL, NULL, d, 1); /* the district Châu Thành of Trà Vinh */
    count_is("products_3plus", "829", NULL, NULL, d, 0); /* P2's Phú Khương: four old communes */
    count_is("products_3plus", NULL, NULL, NULL, d, 2);
    /* after 2025, restated on the old map: the units as they stood on 2025-06-30 */
    count_is("products_3plus", "83", "pre2025", NULL, "2025-12-31", 1);
    count_is("products_3plus", "86", "pre2025", NULL, "2025-12-31", 0); /* old Vĩnh Long holds none of them */
    /* and the other way: 2024 on the 2025 map */
    count_is("products_3plus", "86", "2025", NULL, d, 3);
    /* districts exist on the old map only */
    IndQuery q = {"86", "2025", "2025-12-31", NULL};
    IndValue v;
    Err e = ERR_INIT;
    assert_int_equal(indicator_eval(db, &arena, "districts_coverage_pct", &q, &v, NULL, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "geography");
    int64_t districts = db_int1(db, "SELECT count(*) FROM units WHERE geo = 'pre2025' AND level = 'district' AND "
                                    "parent_code = ? AND valid_from <= '2024-12-31' AND (valid_to IS NULL OR valid_to >= '2024-12-31')",
                                "84");
    assert_true(districts > 1);
    pct_is("districts_coverage_pct", "84", NULL, NULL, d, 1, districts);
}

/* Communes covered, producers by kind, craft villages, points of sale. */
static void test_coverage_and_producers(void **state) {
    (void)state;
    const char *d = "2025-12-31";
    int64_t communes = db_int1(db, "SELECT count(*) FROM units WHERE geo = '2025' AND level = 'commune' AND parent_code = ? "
                                   "AND valid_to IS NULL",
                               "86");
    pct_is("communes_coverage_pct", "86", NULL, NULL, d, 2, communes); /* 29410 and 28903 */
    count_is("communes_covered", NULL, NULL, NULL, d, 2);
    count_is("producers_ocop", "86", NULL, NULL, d, 2);                 /* A and C; B's product expired */
    pct_is("producers_coop_pct", "86", NULL, NULL, d, 1, 2);            /* A */
    pct_is("producers_sme_pct", "86", NULL, NULL, d, 1, 2);             /* C */
    pct_is("producers_modern_channels_pct", "86", NULL, NULL, d, 1, 2); /* A sells on e-commerce */
    pct_is("producers_green_chain_pct", "86", NULL, NULL, d, 1, 2);     /* C has no raw-material area */
    pct_is("villages_with_ocop_pct", "86", NULL, NULL, d, 1, 2);
    count_is("points_of_sale", "86", NULL, NULL, d, 2);
    pct_is("producers_coop_pct", "86", "2025", NULL, "2022-06-01", 0, 2); /* then B and C, no cooperative */
}

/* One row per sub-unit, every one listed, adding up to the unit's value. */
static void test_rows(void **state) {
    (void)state;
    IndQuery q = {"86", NULL, "2025-12-31", NULL};
    IndValue v;
    json_t *rows = NULL;
    Err e = ERR_INIT;
    assert_int_equal(indicator_eval(db, &arena, "products_3plus", &q, &v, &rows, &e), 0);
    int64_t communes = db_int1(db, "SELECT count(*) FROM units WHERE geo = '2025' AND level = 'commune' AND parent_code = ? "
                                   "AND valid_to IS NULL",
                               "86");
    assert_int_equal((int64_t)json_array_size(rows), communes);
    int64_t sum = 0;
    size_t i;
    json_t *row;
    const char *prev = "";
    json_array_foreach(rows, i, row) {
        const char *code = json_string_value(json_object_get(row, "code"));
        assert_true(strcmp(prev, code) < 0);
        prev = code;
        sum += json_integer_value(json_object_get(row, "numerator"));
        if (str_eq(code, "29410")) {
            assert_int_equal(json_integer_value(json_object_get(row, "numerator")), 1);
            assert_string_equal(json_string_value(json_object_get(row, "name")), "Xã Hòa Minh");
        }
    }
    assert_int_equal(sum, v.numerator);
    json_decref(rows);
    /* the country by province; an old province by district */
    q = (IndQuery){NULL, "pre2025", "2024-12-31", NULL};
    assert_int_equal(indicator_eval(db, &arena, "products_3plus", &q, &v, &rows, &e), 0);
    assert_int_equal(json_array_size(rows), 63);
    json_decref(rows);
    q = (IndQuery){"84", NULL, "2024-12-31", NULL};
    assert_int_equal(indicator_eval(db, &arena, "products_3plus", &q, &v, &rows, &e), 0);
    bool found = false;
    json_array_foreach(rows, i, row) {
        if (!str_eq(json_string_value(json_object_get(row, "code")), "847")) continue;
        found = true;
        assert_int_equal(json_integer_value(json_object_get(row, "numerator")), 1);
    }
    assert_true(found);
    json_decref(rows);
    /* a commune has no rows */
    q = (IndQuery){"29410", NULL, "2025-12-31", NULL};
    assert_int_equal(indicator_eval(db, &arena, "products_3plus", &q, &v, &rows, &e), 0);
    assert_null(rows);
}

/* Bad input: a clear error naming the field, nothing computed. */
static void test_errors(void **state) {
    (void)state;
    static const struct {
        const char *code, *unit, *geo, *date, *from, *field;
        int status;
    } bad[] = {
        {"no_such", "86", NULL, NULL, NULL, "code", 404},
        {"products_3plus", "99", NULL, "2025-12-31", NULL, "unit", 404},
        {"products_3plus", "86", NULL, "2025-02-30", NULL, "date", 400},
        {"new_3plus", "86", NULL, "2025-01-01", "2025-06-01", "from", 400},
        {"products_3plus", "86", "2030", NULL, NULL, "geography", 400},
        {"products_3plus", "833", "2025", "2025-12-31", NULL, "unit", 404}, /* a district on the 2025 map */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        IndQuery q = {bad[i].unit, bad[i].geo, bad[i].date, bad[i].from};
        IndValue v;
        Err e = ERR_INIT;
        assert_int_equal(indicator_eval(db, &arena, bad[i].code, &q, &v, NULL, &e), -1);
        if (e.status != bad[i].status || !str_eq(e.field, bad[i].field))
            fail_msg("case %zu: %d %s (%s), not %d %s", i, e.status, e.field, e.detail, bad[i].status, bad[i].field);
    }
}

/* Every indicator of the catalogue computes for the country on both maps (districts on the
** old one only), so the catalogue holds no measure or parameter the code does not know. */
static void test_catalogue(void **state) {
    (void)state;
    const json_t *all = json_object_get(indicator_catalogue(), "indicators");
    assert_true(json_array_size(all) >= 30);
    size_t i;
    json_t *ind;
    json_array_foreach(all, i, ind) {
        const char *code = json_string_value(json_object_get(ind, "code"));
        assert_non_null(indicator_find(code));
        for (int old = 0; old < 2; old++) {
            IndQuery q = {NULL, old ? "pre2025" : "2025", "2025-12-31", NULL};
            IndValue v;
            Err e = ERR_INIT;
            int rc = indicator_eval(db, &arena, code, &q, &v, NULL, &e);
            if (!old && str_eq(code, "districts_coverage_pct")) assert_int_equal(e.status, 422);
            else if (rc) fail_msg("%s on the %s map: %s", code, old ? "old" : "2025", e.detail);
        }
    }
}

/* docs/indicators.md lists every indicator of the catalogue. */
static void test_documented(void **state) {
    (void)state;
    const char *src = getenv("OCOP_SOURCE");
    char doc[512];
    snprintf(doc, sizeof doc, "%s/docs/indicators.md", src ? src : ".");
    FILE *f = fopen(doc, "r");
    assert_non_null(f);
    char *text = xcalloc(1, 1u << 20);
    size_t n = fread(text, 1, (1u << 20) - 1, f);
    fclose(f);
    assert_true(n > 0);
    size_t i;
    json_t *ind;
    json_array_foreach(json_object_get(indicator_catalogue(), "indicators"), i, ind) {
        char want[80];
        snprintf(want, sizeof want, "| `%s` |", json_string_value(json_object_get(ind, "code")));
        if (!strstr(text, want)) fail_msg("docs/indicators.md does not list %s", want);
    }
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stocks),    cmocka_unit_test(test_flows),  cmocka_unit_test(test_old_map),
        cmocka_unit_test(test_coverage_and_producers), cmocka_unit_test(test_rows), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_catalogue), cmocka_unit_test(test_documented),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
