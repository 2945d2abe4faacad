/*
** test_stamp.c: what the caches check (db_change_stamp, migration 025). It changes with every
** change of the data a page, a list or an indicator shows, by this connection or another one,
** and after a rollback; it does not change with the bookkeeping of signing in (a session and
** its last activity, the time of a sign-in, the login throttle, an API token's use), which
** emptied every cache every few seconds on a busy server.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "run_ocop.h"

static char path[64];
static Db *db, *other;

static void exec(Db *d, const char *sql) { test_exec(d, sql); }

static int setup(void **state) {
    (void)state;
    db = test_db_migrated("stamp", path, sizeof path);
    if (!db) return -1;
    Err e = ERR_INIT;
    other = db_open(path, &e);
    return other ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    db_close(other);
    db_close(db);
    unlink(path);
    return 0;
}

#define T "'2026-01-01T00:00:00Z'"

static void test_bookkeeping_keeps_it(void **state) {
    (void)state;
    exec(db, "INSERT INTO users (id, username, pw_hash, created_at, updated_at, password_changed_at) VALUES "
             "(1, 'officer', 'x', " T ", " T ", " T ")");
    uint64_t s0 = db_change_stamp(db), o0 = db_change_stamp(other);
    /* signing in, being active, failing to sign in, using a token */
    exec(db, "INSERT INTO sessions (hash, user_id, csrf, created, last_seen) VALUES ('h', 1, 'c', 1, 1)");
    exec(db, "UPDATE sessions SET last_seen = 61 WHERE hash = 'h'");
    exec(db, "UPDATE users SET last_login_at = " T " WHERE id = 1");
    exec(db, "UPDATE users SET pw_hash = 'y', password_changed_at = " T " WHERE id = 1");
    exec(other, "INSERT INTO login_throttle (key, failures, first_fail, locked_until) VALUES ('addr:1', 1, 1, 0)");
    exec(db, "INSERT INTO api_tokens (user_id, name, hash, prefix, scope, created, expires) VALUES (1, 'n', 't', 'ocop_', 'read', 1, 9)");
    exec(db, "UPDATE api_tokens SET last_used = 2 WHERE hash = 't'");
    exec(db, "DELETE FROM sessions WHERE hash = 'h'");
    assert_true(db_change_stamp(db) == s0);
    assert_true(db_change_stamp(other) == o0);
}

static void test_data_changes_it(void **state) {
    (void)state;
    uint64_t s0 = db_change_stamp(db), o0 = db_change_stamp(other);
    /* a record written by the other connection (another worker, or `ocop import` beside the server) */
    exec(other, "INSERT INTO villages (id, name, name_key, name_fold, commune_code, created_at, updated_at) VALUES "
                "(1, 'Làng nghề', 'làng nghề', 'lang nghe', '28903', " T ", " T ")");
    uint64_t s1 = db_change_stamp(db);
    assert_true(s1 != s0);
    assert_true(db_change_stamp(other) != o0);
    /* a user's name, shown on pages */
    exec(db, "UPDATE users SET full_name = 'Cán bộ' WHERE id = 1");
    uint64_t s2 = db_change_stamp(db);
    assert_true(s2 != s1);
    /* within a transaction its own writes count; after a rollback, neither the stamp before nor
    ** the one seen inside comes back for what was made meanwhile */
    Err e = ERR_INIT;
    assert_int_equal(db_begin(db, &e), 0);
    exec(db, "UPDATE villages SET households = 10 WHERE id = 1");
    uint64_t inside = db_change_stamp(db);
    assert_true(inside != s2);
    db_rollback(db);
    uint64_t after = db_change_stamp(db);
    assert_true(after != inside && after != s2);
    exec(other, "UPDATE villages SET households = 20 WHERE id = 1"); /* the counter reaches inside's value */
    assert_true(db_change_stamp(db) != inside);
    /* deleting a record */
    uint64_t s3 = db_change_stamp(db);
    exec(db, "DELETE FROM villages WHERE id = 1");
    assert_true(db_change_stamp(db) != s3);
}

/* Every table of data bumps the stamp on insert, update and delete: a table a later migration
** adds is either given its three triggers or named here as bookkeeping. */
static void test_every_table_counted(void **state) {
    (void)state;
    Stmt *st = db_prepare(db, "SELECT t.name, (SELECT count(*) FROM sqlite_master g WHERE g.type = 'trigger' AND "
                              "g.tbl_name = t.name AND g.name IN ('stamp_' || t.name || '_ins', 'stamp_' || t.name || '_upd', "
                              "'stamp_' || t.name || '_del')) FROM sqlite_master t WHERE t.type = 'table' AND t.name NOT LIKE "
                              "'sqlite_%' AND t.name NOT IN ('sessions', 'login_throttle', 'api_tokens', 'audit_log', 'search_docs', "
                              "'search_meta', 'schema_migrations', 'data_stamp') ORDER BY 1");
    int tables = 0;
    while (db_step(st) == DB_ROW) {
        tables++;
        if (db_col_int(st, 1) != 3) fail_msg("table %s has %lld of its 3 stamp triggers (migration 025)", db_col_text(st, 0),
                                             (long long)db_col_int(st, 1));
    }
    db_done(st);
    assert_true(tables >= 30);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bookkeeping_keeps_it),
        cmocka_unit_test(test_data_changes_it),
        cmocka_unit_test(test_every_table_counted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
