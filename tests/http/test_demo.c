/*
** test_demo.c: `ocop demo` loads the procedure as well as the registry (demo.c): a dossier in
** each state before the council scores, one of them overdue with the commune, the province's
** rounds with the demo councils and the dossiers in them, and decisions with their signed
** certificates (one valid, one in its re-evaluation window, one expired, one revoked, a 5★ of
** the Ministry), all made through the domain as the system actor and as each council member.
** Loaded on the real day (T), then on its reference day (F, --date 2024-12-21, as the harness's
** other servers): the procedure is dated from the real day on both.
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

/* The certificate of s numbered no (GET /api/v1/certificates/{no}), a new reference. */
static json_t *certificate(Server *s, const char *no) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/certificates/%s", no);
    Resp r = http_get(s, path);
    expect_status(&r, 200, NULL);
    json_t *c = json_incref(r.json);
    resp_free(&r);
    return c;
}

/* The certificate no of s downloaded as its PDF passes `ocop cert verify` against the key of
** its authority in s's database (the signature over its fields and over the page). */
static void verify_pdf(Server *s, const char *no) {
    char path[96], file[320];
    snprintf(path, sizeof path, "/api/v1/certificates/%s/pdf", no);
    Resp r = http_get(s, path);
    expect_status(&r, 200, NULL);
    snprintf(file, sizeof file, "%s/%s.pdf", s->dir, no);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(r.body, 1, r.len, f), r.len);
    fclose(f);
    resp_free(&r);
    const char *v[] = {"cert", "verify", file, "--db", s->db, "--quiet", NULL};
    char *err = NULL;
    if (run_ocop(v, NULL, &err) != 0) fail_msg("cert verify %s: %s", no, err);
    free(err);
}

/* The certificate of the decided demo dossier whose note says note: its number into no[40]. */
static void cert_of(Server *s, const char *note, char no[40]) {
    char sql[300];
    snprintf(sql, sizeof sql, "SELECT c.id FROM certificates c JOIN dossiers d ON d.id = c.dossier_id WHERE d.note = '%s'", note);
    long long id = sql1(s, sql);
    assert_true(id > 0);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT cert_no FROM certificates WHERE id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(no, 40, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* sql1 of s with the certificate number no in place of its one %s. */
static long long of_cert(Server *s, const char *sql, const char *no) {
    char q[600];
    snprintf(q, sizeof q, sql, no);
    return sql1(s, q);
}

/* Certificate no of s is valid, of level, signed with key, for stars, and its PDF verifies. */
static void valid_cert(Server *s, const char *no, const char *level, const char *key, int stars) {
    json_t *c = certificate(s, no);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "valid");
    assert_string_equal(json_string_value(json_object_get(c, "level")), level);
    assert_string_equal(json_string_value(json_object_get(c, "key_id")), key);
    assert_int_equal(json_integer_value(json_object_get(c, "stars")), stars);
    json_decref(c);
    verify_pdf(s, no);
}

/* The decisions of s and their certificates: Vĩnh Long's, signed with its key, one valid (4★),
** one in its re-evaluation window, one expired (recorded by the lifecycle run), one revoked on
** a legal ground; the Ministry's 5★, scored by its own council after the province's. */
static void certificates_on(Server *s) {
    char no[40];
    cert_of(s, "Hồ sơ đã công nhận 4 sao (demo)", no);
    valid_cert(s, no, "province", "86", 4);
    json_t *c = certificate(s, no);
    assert_true(json_integer_value(json_object_get(c, "days_left")) > 180);
    json_decref(c);

    cert_of(s, "Hồ sơ đã công nhận, sắp đến hạn đánh giá lại (demo)", no);
    c = certificate(s, no);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "valid");
    long long left = json_integer_value(json_object_get(c, "days_left"));
    assert_true(left >= 121 && left <= 180);
    json_decref(c);
    Resp r = http_get(s, "/api/v1/lifecycle/due?province=86");
    expect_status(&r, 200, NULL);
    bool listed = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it) {
        const char *cert = json_string_value(json_object_get(it, "cert_no"));
        if (cert && strcmp(cert, no) == 0) listed = strcmp(json_string_value(json_object_get(it, "phase")), "window") == 0;
    }
    resp_free(&r);
    if (!listed) fail_msg("certificate %s is not listed in its re-evaluation window", no);

    cert_of(s, "Hồ sơ đã công nhận, giấy chứng nhận đã hết hạn (demo)", no);
    c = certificate(s, no);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "expired");
    assert_string_equal(json_string_value(json_object_get(c, "recorded_state")), "expired");
    json_decref(c);
    /* Its procedure on the day of its decision, three years ago (dossier_create_on, dossier_act_on,
    ** scoring_save_on, scoring_close_on): on the score sheet in force then, filed, scored and
    ** closed that day. */
    assert_int_equal(of_cert(s, "SELECT count(*) FROM dossiers d JOIN certificates c ON c.dossier_id = d.id WHERE "
                                "c.cert_no = '%s' AND d.rubric_version = '148-2023' AND d.filed_on = c.issued_on", no), 1);
    assert_int_equal(of_cert(s, "SELECT count(*) FROM dossier_events e JOIN certificates c ON c.dossier_id = e.dossier_id "
                                "WHERE c.cert_no = '%s' AND e.action IN ('submit', 'close_scoring') "
                                "AND substr(e.at, 1, 10) = c.issued_on", no), 2);
    assert_int_equal(of_cert(s, "SELECT count(*) FROM scores x JOIN certificates c ON c.dossier_id = x.dossier_id "
                                "WHERE c.cert_no = '%s' AND substr(x.submitted_at, 1, 10) = c.issued_on", no), 3);

    cert_of(s, "Hồ sơ đã công nhận, giấy chứng nhận bị thu hồi (demo)", no);
    c = certificate(s, no);
    assert_string_equal(json_string_value(json_object_get(c, "state")), "revoked");
    json_t *why = json_object_get(c, "revocation");
    assert_string_equal(json_string_value(json_object_get(why, "ground")), "law_violation");
    assert_string_equal(json_string_value(json_object_get(why, "clause")), "Điều 8.1.c");
    assert_non_null(json_string_value(json_object_get(why, "decision_no")));
    json_decref(c);

    r = http_get(s, "/api/v1/decisions?level=ministry");
    expect_status(&r, 200, NULL);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 1);
    resp_free(&r);
    cert_of(s, "Hồ sơ 5 sao do Bộ công nhận (demo)", no);
    valid_cert(s, no, "ministry", "bo", 5);
    assert_true(strncmp(no, "BO-", 3) == 0);
    /* Scored by the province's council (90 or more), then in a new pass by the Ministry's. */
    assert_int_equal(of_cert(s, "SELECT count(DISTINCT s.pass) FROM scores s JOIN certificates c "
                                "ON c.dossier_id = s.dossier_id WHERE c.cert_no = '%s'", no), 2);
    assert_int_equal(of_cert(s, "SELECT count(*) FROM scores s JOIN users u ON u.id = s.user_id JOIN certificates c "
                                "ON c.dossier_id = s.dossier_id WHERE c.cert_no = '%s' AND u.username LIKE 'bo.%%'", no), 2);
}

static void test_states_today(void **state) {
    (void)state;
    states_on(&T, 1); /* received 40 days ago */
    certificates_on(&T);
}

static void test_states_reference_day(void **state) {
    (void)state;
    states_on(&F, 1); /* the procedure is dated on the real day, whatever --date says */
    certificates_on(&F);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_today),
        cmocka_unit_test(test_states_reference_day),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
