/*
** test_demo.c: `ocop demo` loads the procedure as well as the registry (demo.c): a dossier in
** each state before the council scores, one of them overdue with the commune, and the province's
** round with the demo council and a dossier in it, all made through the domain as the system
** actor. Loaded on the real day (T), then on its reference day (F, --date 2024-12-21, as the
** harness's other servers): the procedure is dated from the real day on both.
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

static Server T, F;

static int setup(void **state) {
    (void)state;
    srv_prepare(&T, false);
    const char *d[] = {"demo", "--db", T.db, "--quiet", NULL};
    char *err = NULL;
    if (run_ocop(d, NULL, &err) != 0) fail_msg("demo: %s", err);
    free(err);
    srv_start(&T);
    srv_as_admin(&T);
    srv_prepare(&F, true);
    srv_start(&F);
    srv_as_admin(&F);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&T);
    srv_cleanup(&T);
    srv_stop(&F);
    srv_cleanup(&F);
    return 0;
}

/* The number of dossiers of s in state. */
static long long in_state(Server *s, const char *state) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers?state=%s", state);
    Resp r = http_get(s, path);
    expect_status(&r, 200, NULL);
    long long n = json_integer_value(json_object_get(r.json, "total"));
    resp_free(&r);
    return n;
}

/* One integer from s's database (the council's sheets are not listed by the API as a whole). */
static long long sql1(Server *s, const char *sql) {
    sqlite3 *db;
    sqlite3_stmt *st;
    long long n = -1;
    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Council 2 at work: three members' sheets on a dossier of round 10 (two submitted, one begun);
** a dossier of round 11, now closed, whose first pass spread more than 10 points, re-scored. */
static void scoring_on(Server *s) {
    assert_int_equal(sql1(s, "SELECT count(DISTINCT dossier_id) FROM scores s JOIN dossiers d ON d.id = s.dossier_id "
                             "WHERE d.state = 'in_round'"), 1);
    assert_int_equal(sql1(s, "SELECT count(*) FROM scores s JOIN dossiers d ON d.id = s.dossier_id WHERE d.state = 'in_round'"), 3);
    assert_int_equal(sql1(s, "SELECT count(*) FROM scores s JOIN dossiers d ON d.id = s.dossier_id "
                             "WHERE d.state = 'in_round' AND s.submitted_at IS NOT NULL"), 2);
    Resp r = http_get(s, "/api/v1/dossiers?state=scored");
    expect_status(&r, 200, NULL);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
    json_t *d = json_array_get(json_object_get(r.json, "items"), 0);
    long long id = json_integer_value(json_object_get(d, "id")), round = json_integer_value(json_object_get(d, "round_id"));
    assert_int_equal(json_integer_value(json_object_get(d, "scoring_pass")), 2);
    assert_true(json_integer_value(json_object_get(d, "stars")) >= 3);
    resp_free(&r);
    char path[96], sql[200];
    snprintf(sql, sizeof sql, "SELECT max(total) - min(total) FROM scores WHERE dossier_id = %lld AND pass = 1", id);
    assert_true(sql1(s, sql) > 10);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM scores WHERE dossier_id = %lld AND pass = 2 AND submitted_at IS NOT NULL", id);
    assert_int_equal(sql1(s, sql), 3);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/events", id);
    r = http_get(s, path);
    assert_non_null(strstr(r.body, "rescore"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", round);
    r = http_get(s, path);
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), "closed");
    resp_free(&r);
}

/* The demo's states on s, where overdue dossiers are past the commune's deadline today. */
static void states_on(Server *s, long long overdue) {
    static const char *const states[] = {"draft", "submitted", "with_commune", "returned", "forwarded", "checked",
                                         "in_round"};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        /* Two with the commune: one within its 15 working days, one past them; two in a round:
        ** one waiting for council 1 (round 1), one council 2 is scoring (round 10). */
        long long want = strcmp(states[i], "with_commune") == 0 || strcmp(states[i], "in_round") == 0 ? 2 : 1;
        if (in_state(s, states[i]) != want) fail_msg("not %lld demo dossier(s) in state %s", want, states[i]);
    }
    Resp o = http_get(s, "/api/v1/dossiers?overdue=true");
    expect_status(&o, 200, NULL);
    assert_int_equal(json_integer_value(json_object_get(o.json, "total")), overdue);
    json_t *late = json_array_get(json_object_get(o.json, "items"), 0);
    assert_true(json_is_true(json_object_get(late, "overdue")));
    assert_true(json_integer_value(json_object_get(late, "commune_working_days_left")) < 0);
    resp_free(&o);
    /* Those in a round are in the province's open round of the demo council. */
    Resp r = http_get(s, "/api/v1/dossiers?state=in_round");
    long long round = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "round_id"));
    resp_free(&r);
    assert_true(round > 0);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", round);
    r = http_get(s, path);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), "open");
    assert_string_equal(json_string_value(json_object_get(r.json, "province_code")), "86");
    assert_true(json_integer_value(json_object_get(r.json, "council_id")) > 0);
    resp_free(&r);
    /* The commune's dossiers carry its deadline; the returned one its reason. */
    r = http_get(s, "/api/v1/dossiers?state=with_commune");
    json_t *d = json_array_get(json_object_get(r.json, "items"), 0);
    assert_non_null(json_string_value(json_object_get(d, "commune_due")));
    assert_string_equal(json_string_value(json_object_get(d, "commune_code")), "28903");
    resp_free(&r);
    scoring_on(s);
}

static void test_states_today(void **state) {
    (void)state;
    states_on(&T, 1); /* received 40 days ago */
}

static void test_states_reference_day(void **state) {
    (void)state;
    states_on(&F, 1); /* the procedure is dated on the real day, whatever --date says */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_today),
        cmocka_unit_test(test_states_reference_day),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
