/*
** test_cert_review.c: what the December 2026 review found around certificates, the audit trail
** and the command line (issue 8, items 8, 9, 10, 14, 15), checked on the real binary:
**   - the demo is dated relative to the day it is loaded, so it shows valid stars on any day;
**   - no command but migrate creates a database file; cert verify says what it needs;
**   - a certificate is never issued with a loopback or unset public address unless the server
**     was started with the explicit opt-in, and ocop serve says so when it starts;
**   - the server writes the audit checkpoint as the trail grows and when it stops;
**   - an administrator's password reset revokes the user's API tokens, and says so.
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
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util.h"

static void has(const char *text, const char *want) {
    if (!text || !strstr(text, want)) fprintf(stderr, "'%s' lacks '%s'\n", text ? text : "(null)", want);
    assert_non_null(text);
    assert_non_null(strstr(text, want));
}

/* One integer from the SQL query q (one '?' bound to p, may be NULL) on the database at db. */
static long long sql_int(const char *db, const char *q, const char *p) {
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK);
    if (p) sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

/* The products holding a valid recognition (3★ and more) on day d. */
static long long valid_on(const char *db, const char *d) {
    char q[600];
    snprintf(q, sizeof q,
             "SELECT count(DISTINCT product_id) FROM recognitions WHERE stars >= 3 AND decision_date <= ?1 "
             "AND expires_on > ?1 AND (ended IS NULL OR ended_on > ?1)");
    return sql_int(db, q, d);
}

/* Of those, the recognitions of the demo's own decisions (its certificates, dated back from the
** real day whatever --date says: README). */
static long long decided_on(const char *db, const char *d) {
    char q[600];
    snprintf(q, sizeof q,
             "SELECT count(DISTINCT product_id) FROM recognitions WHERE stars >= 3 AND decision_date <= ?1 "
             "AND expires_on > ?1 AND (ended IS NULL OR ended_on > ?1) AND id IN (SELECT recognition_id FROM certificates)");
    return sql_int(db, q, d);
}

static void vn_today(char out[11]) {
    time_t now = time(NULL) + 7 * 3600; /* Vietnam's date, as ocop counts it */
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* ---- item 15: the demo does not age ----------------------------------------------------------- */

static void test_demo_dated_from_today(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    char today[11];
    vn_today(today);
    /* On its reference day the demo has 21 of the 24 products of its files recognised (one 2★,
    ** one revoked, one expired): loaded today, it looks the same today... Its own decisions add
    ** five products, three of them in force today (valid, in the re-evaluation window, 5★). */
    const char *demo[] = {"demo", "--db", s.db, "--quiet", NULL};
    assert_int_equal(run_ocop(demo, NULL, NULL), 0);
    assert_int_equal(sql_int(s.db, "SELECT count(*) FROM products", NULL), 24 + 5);
    assert_int_equal(decided_on(s.db, today), 3);
    assert_int_equal(valid_on(s.db, today), 21 + 3);
    /* ...and over the API, which counts with the server's own today. */
    srv_start(&s);
    Resp r = http_get(&s, "/api/v1/products?per_page=100");
    expect_status(&r, 200, NULL);
    int starred = 0;
    size_t i;
    json_t *p;
    json_array_foreach(jpath(r.json, "items"), i, p) starred += json_integer_value(json_object_get(p, "stars")) >= 3;
    assert_int_equal(starred, 21 + 3);
    resp_free(&r);
    srv_stop(&s);
    srv_cleanup(&s);

    /* Years later, loaded that day, the same. */
    srv_prepare(&s, false);
    const char *later[] = {"demo", "--db", s.db, "--quiet", "--date", "2031-05-01", NULL};
    assert_int_equal(run_ocop(later, NULL, NULL), 0);
    assert_int_equal(valid_on(s.db, "2031-05-01"), 21 + decided_on(s.db, "2031-05-01"));
    /* nothing of the files decided yet "today": only the demo's own decisions */
    assert_int_equal(valid_on(s.db, today), decided_on(s.db, today));
    const char *bad[] = {"demo", "--db", s.db, "--quiet", "--date", "2031-02-30", NULL};
    char *err = NULL;
    assert_int_equal(run_ocop(bad, NULL, &err), 2);
    has(err, "--date must be a date YYYY-MM-DD");
    free(err);
    srv_cleanup(&s);
}

/* ---- item 10: no database as a side effect; cert verify says what it needs -------------------- */

static void test_no_database_side_effect(void **state) {
    (void)state;
    char dir[] = "/tmp/ocop-test-nodb-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db[128], pdf[128];
    snprintf(db, sizeof db, "%s/ocop.db", dir);
    snprintf(pdf, sizeof pdf, "%s/x.pdf", dir);
    char *out = NULL, *err = NULL;
    /* A PDF made elsewhere, verified with no --key and no database here. */
    Server s;
    srv_prepare(&s, false);
    const char *sample[] = {"cert", "sample", pdf, "--db", s.db, "--quiet", NULL};
    assert_int_equal(run_ocop(sample, NULL, NULL), 0);
    const char *verify[] = {"cert", "verify", pdf, "--db", db, NULL};
    assert_int_equal(run_ocop(verify, &out, &err), 1);
    has(err, "no database at ");
    has(err, "--key HEX");
    has(err, "--db PATH");
    free(out), free(err);
    assert_int_not_equal(access(db, F_OK), 0);
    /* With the public key it needs no database at all. */
    const char *exp[] = {"key", "export", "86", "--db", s.db, NULL};
    assert_int_equal(run_ocop(exp, &out, NULL), 0);
    out[strcspn(out, "\n")] = 0;
    const char *with_key[] = {"cert", "verify", pdf, "--key", out, "--db", db, NULL};
    char *vout = NULL;
    assert_int_equal(run_ocop(with_key, &vout, NULL), 0);
    has(vout, "valid: certificate 86-OCOP-");
    has(vout, "the PDF is exactly the one issued");
    free(vout), free(out);
    srv_cleanup(&s);

    /* Every command but migrate answers the same, and leaves no file behind. */
    const char *cmds[][8] = {
        {"user", "list", "--db", db, NULL},
        {"audit", "verify", "--db", db, NULL},
        {"key", "generate", "86", "--db", db, NULL},
        {"demo", "--db", db, "--quiet", NULL},
        {"serve", "--db", db, "--listen", "127.0.0.1:0", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        assert_int_equal(run_ocop(cmds[i], NULL, &err), 1);
        has(err, "no database at ");
        has(err, "run 'ocop migrate --db ");
        free(err);
        assert_int_not_equal(access(db, F_OK), 0);
    }
    const char *migrate[] = {"migrate", "--db", db, "--quiet", NULL};
    assert_int_equal(run_ocop(migrate, NULL, NULL), 0);
    assert_int_equal(access(db, F_OK), 0);
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---- item 14: no certificate with a loopback or unset public address -------------------------- */

static Resp decide(Server *s) {
    return http_json(s, "POST", "/api/v1/decisions",
                     "{\"number\": \"1/QĐ-UBND\", \"decided_on\": \"2026-12-01\", \"level\": \"province\", "
                     "\"province_code\": \"86\", \"signer_name\": \"A\", \"signer_title\": \"B\", "
                     "\"items\": [{\"dossier_id\": 999}]}");
}

/* Stop s and forget its log, so that the next start reads its own port and messages. */
static void restart(Server *s) {
    srv_stop(s);
    unlink(s->log);
}

static void test_public_url_required(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    srv_as_admin(&s);
    /* The tests' environment opts in (tests/meson.build); this server does not. */
    char *saved = getenv("OCOP_INSECURE_PUBLIC_URL") ? xstrdup(getenv("OCOP_INSECURE_PUBLIC_URL")) : NULL;
    unsetenv("OCOP_INSECURE_PUBLIC_URL");
    srv_start(&s);
    char *log = read_whole(s.log, NULL);
    has(log, "no public address: certificates will not be issued until ocop serve is started with --public-url");
    free(log);
    Resp r = decide(&s);
    expect_status(&r, 409, "public_url");
    has(jstr(r.json, "detail"), "certificates are not issued while the server's public address is http://127.0.0.1:");
    resp_free(&r);
    restart(&s);

    const char *localhost[] = {"--public-url", "http://LocalHost.:8080/", NULL};
    srv_start_args(&s, localhost);
    r = decide(&s);
    expect_status(&r, 409, "public_url");
    resp_free(&r);
    restart(&s);

    /* A real address: the decision goes on to its own checks (dossier 999 does not exist). */
    const char *real[] = {"--public-url", "https://ocop.vinhlong.gov.vn", NULL};
    srv_start_args(&s, real);
    log = read_whole(s.log, NULL);
    assert_null(strstr(log, "no public address"));
    free(log);
    r = decide(&s);
    assert_int_not_equal(r.status, 409);
    resp_free(&r);
    restart(&s);

    /* The explicit opt-in of the demo and the tests, announced. */
    const char *insecure[] = {"--insecure-public-url", NULL};
    srv_start_args(&s, insecure);
    log = read_whole(s.log, NULL);
    has(log, "--insecure-public-url: certificates will carry http://127.0.0.1:");
    free(log);
    r = decide(&s);
    assert_int_not_equal(r.status, 409);
    resp_free(&r);
    srv_stop(&s);
    if (saved) setenv("OCOP_INSECURE_PUBLIC_URL", saved, 1);
    free(saved);
    srv_cleanup(&s);
}

/* ---- item 9: the server checkpoints the audit trail ------------------------------------------- */

static void test_server_checkpoints(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    srv_as_admin(&s); /* audited: the CLI checkpoints after it */
    char cp[400];
    snprintf(cp, sizeof cp, "%s.audit-checkpoint", s.db);
    assert_int_equal(access(cp, F_OK), 0);
    unlink(cp);
    srv_start(&s);
    /* A write through the API, then a clean stop: the checkpoint records the new head. */
    Resp r = http_json(&s, "POST", "/api/v1/users",
                       "{\"username\": \"can.bo\", \"password\": \"another long passphrase 42\", \"roles\": []}");
    expect_status(&r, 201, NULL);
    resp_free(&r);
    srv_stop(&s);
    char *text = read_whole(cp, NULL);
    assert_non_null(text);
    const char *head[] = {"audit", "head", "--db", s.db, NULL};
    char *out = NULL;
    assert_int_equal(run_ocop(head, &out, NULL), 0);
    char want[120];
    snprintf(want, sizeof want, "entry=%.*s\nhash=%.64s\n", (int)strcspn(out, " "), out, out + strcspn(out, " ") + 1);
    has(text, want);
    free(out);
    free(text);
    const char *verify[] = {"audit", "verify", "--db", s.db, NULL};
    assert_int_equal(run_ocop(verify, &out, NULL), 0);
    has(out, "still has its hash");
    free(out);
    srv_cleanup(&s);
}

/* ---- item 8: a password reset revokes the API tokens ------------------------------------------ */

static void test_reset_revokes_tokens(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    srv_as_admin(&s);
    srv_user(&s, "nguoi.dung", NULL);
    char *t1 = srv_token(&s, "nguoi.dung", "read");
    srv_start(&s);
    char h[160];
    snprintf(h, sizeof h, "Authorization: Bearer %s", t1);
    const char *hs[] = {h, NULL};
    Resp r = http_req_h(&s, hs, "GET", "/api/v1/me", NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    resp_free(&r);
    long long id = sql_int(s.db, "SELECT id FROM users WHERE username = ?", "nguoi.dung");
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", id);
    r = http_json(&s, "PUT", path, "{\"password\": \"a brand new passphrase 2026\"}");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "tokens_revoked"), 1);
    assert_true(json_is_true(jpath(r.json, "sessions_ended")));
    resp_free(&r);
    r = http_req_h(&s, hs, "GET", "/api/v1/me", NULL, NULL, 0);
    expect_status(&r, 401, NULL);
    resp_free(&r);

    /* The same from the command line. */
    char *t2 = srv_token(&s, "nguoi.dung", "read");
    snprintf(h, sizeof h, "Authorization: Bearer %s", t2);
    const char *passwd[] = {"user", "passwd", "nguoi.dung", "--password-stdin", "--db", s.db, NULL};
    char *out = NULL;
    assert_int_equal(run_ocop_input(passwd, "yet another passphrase 2026\n", &out, NULL), 0);
    has(out, "its sessions have ended and its 1 API token(s) are revoked");
    free(out);
    r = http_req_h(&s, hs, "GET", "/api/v1/me", NULL, NULL, 0);
    expect_status(&r, 401, NULL);
    resp_free(&r);
    free(t1), free(t2);
    srv_stop(&s);
    srv_cleanup(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_dated_from_today),
        cmocka_unit_test(test_no_database_side_effect),
        cmocka_unit_test(test_public_url_required),
        cmocka_unit_test(test_server_checkpoints),
        cmocka_unit_test(test_reset_revokes_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
