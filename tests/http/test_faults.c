/*
** test_faults.c: storage and resource faults. A full disk under every write path (an import on
** the command line and over HTTP, an API write, a sign-in) leaves the database as it was (row
** counts, the audit chain, the search index) and is told in plain words (507, no SQL); /healthz
** reports it. A file size limit (ulimit -f) is a clean error, not a silent death. While another
** process holds the write lock, reads and the health check answer at once and a write answers
** 503 with Retry-After within the bound; the lifecycle job retries. Sixteen sign-ins at once
** keep the server's memory within the bound of two password hashes at a time.
**
** The full disk is OCOP_TEST_DISK_FREE=BYTES (db_sqlite.c): files may grow by that much in all,
** then a write fails with SQLITE_FULL as write(2) fails on a full disk.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n producers named "HTX Đầy Đĩa <tag> <i>" in commune 28903, as a CSV file (malloc'd). */
static char *producers_csv(int n, const char *tag, size_t *len) {
    size_t cap = 128 + (size_t)n * 96;
    char *b = malloc(cap);
    size_t k = (size_t)snprintf(b, cap, "Loại hình;Tên chủ thể;Số đăng ký kinh doanh;Mã xã\n");
    for (int i = 0; i < n; i++)
        k += (size_t)snprintf(b + k, cap - k, "Hợp tác xã;HTX Đầy Đĩa %s %d;%s%07d;28903\n", tag, i, tag[0] == 'a' ? "71" : "72", i);
    *len = k;
    return b;
}

/* One number from the test's database file (read only). */
static long long sql_count(const char *db, const char *sql) {
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

typedef struct Counts {
    long long producers, audit, search;
} Counts;

static Counts counts(const char *db) {
    return (Counts){sql_count(db, "SELECT count(*) FROM producers"), sql_count(db, "SELECT count(*) FROM audit_log"),
                    sql_count(db, "SELECT count(*) FROM search_docs")};
}

static void same_counts(Counts a, Counts b) {
    assert_int_equal(a.producers, b.producers);
    assert_int_equal(a.audit, b.audit);
    assert_int_equal(a.search, b.search);
}

static void audit_verifies(Server *s) {
    const char *args[] = {"audit", "verify", "--db", s->db, NULL};
    char *out = NULL, *err = NULL;
    int rc = run_ocop(args, &out, &err);
    if (rc) fprintf(stderr, "audit verify: %s%s\n", out, err);
    assert_int_equal(rc, 0);
    free(out), free(err);
}

/* Nothing named like the failed imports is found by the search. */
static void search_finds_nothing(Server *s) {
    Resp r = http_get(s, "/api/v1/search?q=%C4%90%E1%BA%A7y%20%C4%90%C4%A9a");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
}

/* A 507 problem in plain words: the disk, not the SQL statement. */
static void insufficient_storage(Resp *r) {
    expect_status(r, 507, NULL);
    const char *d = jstr(r->json, "detail");
    if (!strstr(d, "full") || strstr(d, "INSERT") || strstr(d, "SQL")) fprintf(stderr, "detail: %s\n", d);
    assert_non_null(strstr(d, "disk under the database is full"));
    assert_null(strstr(d, "INSERT"));
}

/* ---- a full disk ------------------------------------------------------------------------------ */

/* The import fills the disk half-way: SQLite rolls the transaction back on its own; before the
** fix the importer carried on in autocommit and committed rows outside the audit and search. */
static void test_cli_import_full_disk(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    size_t n;
    char *csv = producers_csv(6000, "a", &n);
    const char *path = write_file(s.dir, "producers.csv", csv, n);
    free(csv);
    Counts before = counts(s.db);
    setenv("OCOP_TEST_DISK_FREE", "400000", 1);
    const char *args[] = {"import", "producers", path, "--db", s.db, NULL};
    char *out = NULL, *err = NULL;
    int rc = run_ocop(args, &out, &err);
    unsetenv("OCOP_TEST_DISK_FREE");
    if (rc != 1 || !strstr(err, "disk under the database is full")) fprintf(stderr, "exit %d: %s\n", rc, err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "the disk under the database is full: nothing was saved"));
    free(out), free(err);
    same_counts(before, counts(s.db));
    audit_verifies(&s);
    srv_start(&s);
    search_finds_nothing(&s);
    assert_int_equal(srv_stop(&s), 0);
    srv_cleanup(&s);
}

/* A server on a full disk: every write answers 507 and changes nothing; reads go on; /healthz
** says the disk is failing; a wrong password still counts toward the lock-out. */
static void test_server_full_disk(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    const char *admin[] = {"admin", NULL};
    srv_user(&s, "quantri", admin);
    srv_user(&s, "nguoidung", admin);
    srv_as_admin(&s);
    Counts before = counts(s.db);
    setenv("OCOP_TEST_DISK_FREE", "0", 1);
    srv_start(&s);
    unsetenv("OCOP_TEST_DISK_FREE");

    size_t n;
    char *csv = producers_csv(300, "b", &n);
    Resp r = http_req(&s, "POST", "/api/v1/import/producers", "text/csv", csv, n);
    free(csv);
    insufficient_storage(&r);
    resp_free(&r);

    r = http_json(&s, "POST", "/api/v1/producers",
                  "{\"type\": \"cooperative\", \"name\": \"HTX Đầy Đĩa một\", \"commune_code\": \"28903\"}");
    insufficient_storage(&r);
    resp_free(&r);

    r = http_get(&s, "/healthz");
    assert_int_equal(r.status, 503);
    assert_string_equal(jstr(r.json, "status"), "fail");
    assert_string_equal(jstr(r.json, "storage.state"), "failing");
    assert_non_null(strstr(jstr(r.json, "storage.last_failure"), "full"));
    assert_true(jint(r.json, "storage.free_bytes") > 0); /* the real disk's; the test's is the VFS */
    resp_free(&r);

    /* Sign-in: a wrong password is a wrong password (401), counted although the throttle table
    ** cannot be written: the sixth try is locked out. The right one cannot store its session. */
    const char *none[] = {NULL};
    const char *wrong = "{\"username\": \"quantri\", \"password\": \"not the password at all\"}";
    for (int i = 0; i < 5; i++) {
        r = http_req_h(&s, none, "POST", "/api/v1/session", "application/json", wrong, strlen(wrong));
        expect_status(&r, 401, NULL);
        resp_free(&r);
    }
    r = http_req_h(&s, none, "POST", "/api/v1/session", "application/json", wrong, strlen(wrong));
    expect_status(&r, 429, NULL);
    assert_non_null(resp_header_value(&r, "Retry-After"));
    resp_free(&r);
    const char *right = "{\"username\": \"nguoidung\", \"password\": \"" TEST_PASSWORD "\"}";
    r = http_req_h(&s, none, "POST", "/api/v1/session", "application/json", right, strlen(right));
    insufficient_storage(&r);
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);

    search_finds_nothing(&s);
    assert_int_equal(srv_stop(&s), 0);
    same_counts(before, counts(s.db));
    audit_verifies(&s);
    srv_cleanup(&s);
}

/* ulimit -f: the write past the limit fails (EFBIG) and the import says so; before, SIGXFSZ
** killed it without a word. */
static void test_file_size_limit(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    size_t n;
    char *csv = producers_csv(15000, "a", &n);
    const char *path = write_file(s.dir, "producers.csv", csv, n);
    free(csv);
    Counts before = counts(s.db);
    FILE *f = fopen(s.db, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)size + 64 * 1024; /* the import's WAL grows past the database's size */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    const char *args[] = {"import", "producers", path, "--db", s.db, NULL};
    char *out = NULL, *err = NULL;
    int rc = run_ocop(args, &out, &err);
    setrlimit(RLIMIT_FSIZE, &old);
    if (rc != 1) fprintf(stderr, "exit %d: %s\n", rc, err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "file size limit"));
    free(out), free(err);
    same_counts(before, counts(s.db));
    srv_cleanup(&s);
}

/* ---- locks ------------------------------------------------------------------------------------ */

/* Another process's long write: the write lock of the test's database held until released. */
typedef struct Holder {
    const char *db;
    double seconds;
    pthread_t thread;
} Holder;

static void *hold(void *arg) {
    Holder *h = arg;
    sqlite3 *c = NULL;
    sqlite3_open(h->db, &c);
    if (sqlite3_exec(c, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) abort();
    struct timespec ts = {(time_t)h->seconds, (long)((h->seconds - (double)(time_t)h->seconds) * 1e9)};
    nanosleep(&ts, NULL);
    sqlite3_exec(c, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(c);
    return NULL;
}

static void hold_start(Holder *h) {
    assert_int_equal(pthread_create(&h->thread, NULL, hold, h), 0);
    struct timespec ts = {0, 200 * 1000 * 1000}; /* until it has the lock */
    nanosleep(&ts, NULL);
}

static void test_locks(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    const char *admin[] = {"admin", NULL};
    srv_user(&s, "quantri", admin);
    srv_as_admin(&s);
    const char *idle[] = {"--session-idle", "20", NULL}; /* last use recorded every 2 s */
    srv_start_args(&s, idle);
    const char *none[] = {NULL};
    const char *login = "{\"username\": \"quantri\", \"password\": \"" TEST_PASSWORD "\"}";
    Resp r = http_req_h(&s, none, "POST", "/api/v1/session", "application/json", login, strlen(login));
    expect_status(&r, 200, NULL);
    char cookie[160];
    const char *sc = resp_header_value(&r, "Set-Cookie");
    snprintf(cookie, sizeof cookie, "Cookie: %.*s", (int)strcspn(sc, ";"), sc);
    resp_free(&r);
    sleep(3); /* the session's last use is due to be recorded */

    Holder h = {s.db, 8.0, 0};
    hold_start(&h);
    double t0 = now_s();
    r = http_get(&s, "/healthz");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    double t_health = now_s() - t0;

    t0 = now_s();
    const char *as_session[] = {cookie, NULL};
    r = http_req_h(&s, as_session, "GET", "/api/v1/me", NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    resp_free(&r);
    double t_me = now_s() - t0;

    t0 = now_s();
    r = http_json(&s, "POST", "/api/v1/producers", "{\"type\": \"cooperative\", \"name\": \"HTX Chờ Khóa\", \"commune_code\": \"28903\"}");
    double t_write = now_s() - t0;
    expect_status(&r, 503, NULL);
    assert_non_null(resp_header_value(&r, "Retry-After"));
    assert_null(strstr(jstr(r.json, "detail"), "BEGIN"));
    resp_free(&r);
    fprintf(stderr, "while another process writes: healthz %.3f s, signed-in GET %.3f s, write refused after %.3f s\n",
            t_health, t_me, t_write);
    /* before: the GET waited 10 s for its session's bookkeeping, the write 10 s for a 500 */
    assert_true(t_health < 1.5);
    assert_true(t_me < 1.5);
    assert_true(t_write >= 1.5 && t_write < 6.0);
    pthread_join(h.thread, NULL);

    r = http_json(&s, "POST", "/api/v1/producers", "{\"type\": \"cooperative\", \"name\": \"HTX Chờ Khóa\", \"commune_code\": \"28903\"}");
    expect_status(&r, 201, NULL);
    resp_free(&r);
    assert_int_equal(srv_stop(&s), 0);
    srv_cleanup(&s);
}

/* The lifecycle job meets a write lock held for longer than one try waits (and than the 10 s
** the connection used to wait): it tries again and gets through. */
static void test_lifecycle_retries(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    Holder h = {s.db, 11.0, 0};
    hold_start(&h);
    const char *args[] = {"lifecycle", "run", "--db", s.db, NULL};
    char *out = NULL, *err = NULL;
    double t0 = now_s();
    int rc = run_ocop(args, &out, &err);
    double took = now_s() - t0;
    pthread_join(h.thread, NULL);
    if (rc) fprintf(stderr, "exit %d after %.1f s: %s\n", rc, took, err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "lifecycle on"));
    assert_non_null(strstr(err, "trying again"));
    assert_true(took > 10.0);
    free(out), free(err);
    srv_cleanup(&s);
}

/* ---- memory ----------------------------------------------------------------------------------- */

static long status_kb(pid_t pid, const char *field) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0) kb = atol(line + strlen(field) + 1);
    if (f) fclose(f);
    return kb;
}

typedef struct SignIn {
    Server *s;
    long status;
} SignIn;

static void *sign_in(void *arg) {
    SignIn *si = arg;
    const char *none[] = {NULL};
    const char *login = "{\"username\": \"quantri\", \"password\": \"" TEST_PASSWORD "\"}";
    Resp r = http_req_h(si->s, none, "POST", "/api/v1/session", "application/json", login, strlen(login));
    si->status = r.status;
    resp_free(&r);
    return NULL;
}

/* Sixteen sign-ins at once on sixteen workers: at most two argon2id hashes (64 MiB each) run
** together, so the resident memory grows by less than three hashes' worth. */
static void test_signin_memory(void **state) {
    (void)state;
    Server s;
    srv_prepare(&s, false);
    const char *admin[] = {"admin", NULL};
    srv_user(&s, "quantri", admin);
    const char *threads[] = {"--threads", "16", NULL};
    srv_start_args(&s, threads);
    Resp r = http_get(&s, "/healthz"); /* the client library initialised before the threads */
    resp_free(&r);
    long base = status_kb(s.pid, "VmRSS:");
    SignIn si[16];
    pthread_t t[16];
    for (int i = 0; i < 16; i++) {
        si[i] = (SignIn){&s, 0};
        assert_int_equal(pthread_create(&t[i], NULL, sign_in, &si[i]), 0);
    }
    for (int i = 0; i < 16; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 16; i++) assert_int_equal(si[i].status, 200);
    long peak = status_kb(s.pid, "VmHWM:");
    fprintf(stderr, "16 sign-ins at once: RSS %ld MiB before, high-water mark %ld MiB\n", base / 1024, peak / 1024);
    assert_true(base > 0 && peak > 0);
    assert_true(peak - base < 3 * 64 * 1024);
    assert_int_equal(srv_stop(&s), 0);
    srv_cleanup(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli_import_full_disk),
        cmocka_unit_test(test_server_full_disk),
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_locks),
        cmocka_unit_test(test_lifecycle_retries),
        cmocka_unit_test(test_signin_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
