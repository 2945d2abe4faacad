/*
** test_db.c: the storage layer's promises about failure (db.h). An error ends its transaction
** for good: after SQLite rolled back by itself (a full disk met while spilling the page cache)
** nothing more runs, not even a statement that would succeed in autocommit, until the owner
** rolls back; a constraint error ends a write transaction too. Storage faults are remembered
** and told in plain words (507, 503 for a lock held past DB_BUSY_MS).
**
** The full disk is OCOP_TEST_DISK_FREE (db_sqlite.c), set before the first connection opens.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"

static char dir[64], path[128];

static Db *open_db(void) {
    Err e = ERR_INIT;
    Db *db = db_open(path, &e);
    assert_non_null(db);
    return db;
}

static int64_t rows(Db *db) { return db_int1(db, "SELECT count(*) FROM t", NULL); }

static int setup(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/ocop-test-db-XXXXXX");
    if (!mkdtemp(dir)) abort();
    snprintf(path, sizeof path, "%s/t.db", dir);
    setenv("OCOP_TEST_DISK_FREE", "300000", 1); /* the database may grow by 300 kB in all */
    FILE *f = fopen(path, "w"); /* an empty file is an empty database */
    assert_non_null(f);
    fclose(f);
    Db *db = open_db();
    Err e = ERR_INIT;
    assert_int_equal(db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)", &e), 0);
    db_close(db);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Insert "<prefix><i>" padded to 1 kB; the statement's result. */
static int insert(Db *db, const char *prefix, int i) {
    char v[1024];
    int n = snprintf(v, sizeof v, "%s%d ", prefix, i);
    memset(v + n, 'x', sizeof v - (size_t)n - 1);
    v[sizeof v - 1] = 0;
    Stmt *s = db_prepare(db, "INSERT INTO t (v) VALUES (?)");
    db_bind_text(s, 1, v);
    int rc = db_step(s);
    db_done(s);
    return rc;
}

static void test_full_disk_ends_the_transaction(void **state) {
    (void)state;
    Db *db = open_db();
    Err e = ERR_INIT;
    assert_int_equal(db_begin(db, &e), 0);
    int i = 0;
    while (i < 5000 && insert(db, "a", i) == DB_DONE) i++;
    assert_true(i < 5000); /* the disk filled up */
    assert_true(db_tx_failed(db));
    /* Nothing runs any more: not a read, not a write that autocommit would have saved. */
    Stmt *s = db_prepare(db, "SELECT 1");
    assert_int_equal(db_step(s), DB_ERROR);
    db_done(s);
    assert_int_equal(insert(db, "b", 0), DB_ERROR);
    assert_non_null(strstr(db_errmsg(db), "the transaction ended at an earlier error"));
    Err f = ERR_INIT;
    assert_int_equal(db_fault(db, &f), -1);
    assert_int_equal(f.status, 507);
    assert_string_equal(f.detail, "the disk under the database is full: nothing was saved");
    DbStorage st;
    db_storage(db, &st);
    assert_true(st.failed_at > 0);
    assert_string_equal(st.failure, "the disk under the database is full");
    assert_int_equal(db_commit(db, &e), -1);
    assert_false(db_in_tx(db));
    /* After the rollback the connection works again, and nothing of the transaction was saved. */
    assert_int_equal(rows(db), 0);
    assert_int_equal(insert(db, "c", 0), DB_DONE);
    assert_int_equal(rows(db), 1);
    db_storage(db, &st);
    assert_int_equal(st.failed_at, 0); /* a write was committed since */
    db_close(db);
}

static void test_constraint_ends_a_write_transaction(void **state) {
    (void)state;
    Db *db = open_db();
    Err e = ERR_INIT;
    assert_int_equal(db_begin(db, &e), 0);
    assert_int_equal(insert(db, "d", 0), DB_DONE);
    assert_int_equal(insert(db, "d", 0), DB_ERROR); /* the same value again */
    assert_int_equal(db_errcode(db), DB_CONSTRAINT);
    assert_true(db_tx_failed(db));
    assert_int_equal(insert(db, "d", 1), DB_ERROR);
    Err f = ERR_INIT;
    assert_int_equal(db_fault(db, &f), 0); /* not a storage fault */
    db_rollback(db);
    assert_false(db_tx_failed(db));
    assert_int_equal(db_int1(db, "SELECT count(*) FROM t WHERE v LIKE 'd%'", NULL), 0);
    db_close(db);
}

static void test_lock_wait_is_bounded(void **state) {
    (void)state;
    Db *holder = open_db(), *db = open_db();
    Err e = ERR_INIT;
    assert_int_equal(db_begin(holder, &e), 0);
    /* A read does not wait for the writer. */
    assert_int_equal(db_begin_read(db, &e), 0);
    assert_true(rows(db) >= 0);
    assert_int_equal(db_commit(db, &e), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(db_begin(db, &e), -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited >= DB_BUSY_MS / 1000.0 * 0.9 && waited < DB_BUSY_MS / 1000.0 + 2.0);
    Err f = ERR_INIT;
    assert_int_equal(db_fault(db, &f), -1);
    assert_int_equal(f.status, 503);
    assert_null(strstr(f.detail, "BEGIN"));
    /* Bookkeeping that must not wait: refused at once, and no fault recorded. */
    db_fault_clear(db);
    Stmt *s = db_prepare(db, "UPDATE t SET v = v WHERE id = 1");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(db_step_nowait(s), DB_ERROR);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    db_done(s);
    assert_true((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 0.5);
    assert_int_equal(db_fault(db, &f), 0);
    db_rollback(holder);
    db_close(holder);
    db_close(db);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_disk_ends_the_transaction),
        cmocka_unit_test(test_constraint_ends_a_write_transaction),
        cmocka_unit_test(test_lock_wait_is_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
