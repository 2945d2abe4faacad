/*
** db_sqlite.c: the SQLite driver of db.h. WAL journal, foreign keys on, a busy timeout so
** concurrent writers queue instead of failing, and a per-connection statement cache keyed by
** the SQL text (handlers prepare the same constant SQL on every request).
*/
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "util.h"

enum { CACHE_SLOTS = 256 };

struct Stmt {
    sqlite3_stmt *st;
    Db *db;
    const char *sql; /* points into the slot's copy */
    int cached, busy;
};

typedef struct Profile {
    char *sql; /* copy of the statement's SQL */
    uint64_t ns, runs;
} Profile;

struct Db {
    sqlite3 *h;
    char *path;
    int in_tx;
    Stmt *cache[CACHE_SLOTS];
    /* Constant SQL is a string literal with a fixed address: a probe by that address (checked
    ** with strcmp, since a buffer's address can come back with other text) skips hashing. */
    struct {
        const char *ptr;
        Stmt *s;
    } by_ptr[64];
    Profile *prof; /* OCOP_SQL_PROFILE=1: time per statement, printed by db_close */
    void *attached;
    void (*attached_free)(void *);
    uint64_t commits; /* write transactions this connection committed */
    int nprof;
};

enum { PROFILE_SLOTS = 512 };

static int on_profile(unsigned type, void *ctx, void *p, void *x) {
    Db *db = ctx;
    const char *sql = sqlite3_sql(p);
    if (!sql) return 0;
    int i = 0;
    while (i < db->nprof && strcmp(db->prof[i].sql, sql) != 0) i++;
    if (i == db->nprof) {
        if (db->nprof == PROFILE_SLOTS) return 0;
        db->prof[db->nprof++].sql = xstrdup(sql); /* one-off statements are gone by the report */
    }
    db->prof[i].ns += *(sqlite3_uint64 *)x;
    db->prof[i].runs++;
    return 0;
}

static int cmp_profile(const void *a, const void *b) {
    const Profile *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void print_profile(Db *db) {
    qsort(db->prof, (size_t)db->nprof, sizeof *db->prof, cmp_profile);
    fprintf(stderr, "SQL profile of %s (total ms, runs, us/run, statement):\n", db->path);
    for (int i = 0; i < db->nprof && i < 25; i++)
        fprintf(stderr, "%10.1f %9llu %8.2f  %.150s\n", (double)db->prof[i].ns / 1e6, (unsigned long long)db->prof[i].runs,
                (double)db->prof[i].ns / 1e3 / (double)db->prof[i].runs, db->prof[i].sql);
}

static unsigned hash_str(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Process-wide SQLite settings, applied once before the library initialises: no global
** memory statistics (they take a global mutex on every allocation, which the worker threads
** would contend for). */
static void configure_sqlite(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

Db *db_open(const char *path, Err *e) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, 500, "db", "cannot open database %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 10000);
    sqlite3_extended_result_codes(h, 0);
    Db *db = xcalloc(1, sizeof *db);
    db->h = h;
    db->path = xstrdup(path);
    const char *pragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;"
        /* Read pages through a memory map: no pread(2) per page that misses the cache. */
        "PRAGMA mmap_size=1073741824;";
    char *msg = NULL;
    const char *prof = getenv("OCOP_SQL_PROFILE");
    if (prof && *prof && strcmp(prof, "0") != 0) {
        /* Time per statement, reported by db_close (a development aid). */
        db->prof = xcalloc(PROFILE_SLOTS, sizeof *db->prof);
        sqlite3_trace_v2(h, SQLITE_TRACE_PROFILE, on_profile, db);
    }
    if (sqlite3_exec(h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, 500, "db", "cannot use database %s: %s", path, msg ? msg : "?");
        sqlite3_free(msg);
        db_close(db);
        return NULL;
    }
    return db;
}

void db_attach(Db *db, void *obj, void (*free_fn)(void *)) {
    if (db->attached && db->attached_free) db->attached_free(db->attached);
    db->attached = obj;
    db->attached_free = free_fn;
}

void *db_attached(Db *db) { return db->attached; }

void db_close(Db *db) {
    if (!db) return;
    db_attach(db, NULL, NULL);
    if (db->prof) {
        print_profile(db);
        for (int i = 0; i < db->nprof; i++) free(db->prof[i].sql);
        free(db->prof);
    }
    for (int i = 0; i < CACHE_SLOTS; i++) {
        if (db->cache[i]) {
            sqlite3_finalize(db->cache[i]->st);
            free((char *)db->cache[i]->sql);
            free(db->cache[i]);
        }
    }
    sqlite3_close_v2(db->h);
    free(db->path);
    free(db);
}

const char *db_path(Db *db) { return db->path; }

static Stmt *db_prepare_slow(Db *db, const char *sql);

static Stmt *fresh(Db *db, const char *sql) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        panic("SQL error: %s in: %s", sqlite3_errmsg(db->h), sql);
    Stmt *s = xcalloc(1, sizeof *s);
    s->st = st;
    s->db = db;
    return s;
}

Stmt *db_prepare(Db *db, const char *sql) {
    unsigned pi = (unsigned)(((uintptr_t)sql >> 4) % 64);
    Stmt *hit = db->by_ptr[pi].s;
    if (db->by_ptr[pi].ptr == sql && hit && !hit->busy && strcmp(hit->sql, sql) == 0) {
        hit->busy = 1;
        return hit;
    }
    Stmt *s = db_prepare_slow(db, sql);
    if (s->cached) {
        db->by_ptr[pi].ptr = sql;
        db->by_ptr[pi].s = s;
    }
    return s;
}

static Stmt *db_prepare_slow(Db *db, const char *sql) {
    unsigned h = hash_str(sql) % CACHE_SLOTS;
    for (unsigned probe = 0; probe < 8; probe++) {
        unsigned i = (h + probe) % CACHE_SLOTS;
        Stmt *s = db->cache[i];
        if (!s) {
            s = fresh(db, sql);
            s->sql = xstrdup(sql);
            s->cached = 1;
            db->cache[i] = s;
            s->busy = 1;
            return s;
        }
        if (strcmp(s->sql, sql) == 0) {
            if (s->busy) break; /* re-entrant use of the same SQL: use a one-off statement */
            s->busy = 1;
            return s;
        }
    }
    Stmt *s = fresh(db, sql);
    s->busy = 1;
    return s;
}

void db_bind_int(Stmt *s, int i, int64_t v) { sqlite3_bind_int64(s->st, i, v); }
void db_bind_double(Stmt *s, int i, double v) { sqlite3_bind_double(s->st, i, v); }
void db_bind_text(Stmt *s, int i, const char *v) {
    if (v) sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(s->st, i);
}
void db_bind_null(Stmt *s, int i) { sqlite3_bind_null(s->st, i); }

int db_step(Stmt *s) {
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) return DB_DONE;
    return DB_ERROR;
}

int db_col_count(Stmt *s) { return sqlite3_column_count(s->st); }
const char *db_col_name(Stmt *s, int i) { return sqlite3_column_name(s->st, i); }
bool db_col_null(Stmt *s, int i) { return sqlite3_column_type(s->st, i) == SQLITE_NULL; }
int64_t db_col_int(Stmt *s, int i) { return sqlite3_column_int64(s->st, i); }
double db_col_double(Stmt *s, int i) { return sqlite3_column_double(s->st, i); }
const char *db_col_text(Stmt *s, int i) { return (const char *)sqlite3_column_text(s->st, i); }

void db_done(Stmt *s) {
    if (!s) return;
    if (s->cached) {
        sqlite3_reset(s->st);
        sqlite3_clear_bindings(s->st);
        s->busy = 0;
    } else {
        sqlite3_finalize(s->st);
        free(s);
    }
}

int db_exec(Db *db, const char *sql, Err *e) {
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, 500, "db", "%s", msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int64_t db_int1(Db *db, const char *sql, const char *p1) {
    Stmt *s = db_prepare(db, sql);
    if (p1) db_bind_text(s, 1, p1);
    int64_t v = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return v;
}

/* Run one cached statement without results (BEGIN, COMMIT: cheaper than sqlite3_exec, which
** compiles its SQL on every call). */
static int run1(Db *db, const char *sql, Err *e) {
    Stmt *s = db_prepare(db, sql);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ERROR ? err_set(e, 500, "db", "%s: %s", sql, sqlite3_errmsg(db->h)) : 0;
}

int db_begin(Db *db, Err *e) {
    if (db->in_tx) panic("nested transaction");
    if (run1(db, "BEGIN IMMEDIATE", e)) return -1;
    db->in_tx = 2; /* 2: a write transaction, 1: a read transaction */
    return 0;
}

int db_begin_read(Db *db, Err *e) {
    if (db->in_tx) panic("nested transaction");
    if (run1(db, "BEGIN", e)) return -1;
    db->in_tx = 1;
    return 0;
}

int db_commit(Db *db, Err *e) {
    if (db->in_tx == 2) db->commits++; /* a write; counted even if it fails (harmless) */
    if (run1(db, "COMMIT", e)) {
        db_rollback(db);
        return -1;
    }
    db->in_tx = 0;
    return 0;
}

void db_rollback(Db *db) {
    if (!db->in_tx) return;
    Err e = ERR_INIT;
    run1(db, "ROLLBACK", &e);
    db->in_tx = 0;
}

bool db_in_tx(Db *db) { return db->in_tx; }
uint64_t db_change_stamp(Db *db) {
    Stmt *s = db_prepare(db, "PRAGMA data_version");
    uint64_t v = db_step(s) == DB_ROW ? (uint64_t)db_col_int(s, 0) : 0;
    db_done(s);
    return v << 32 ^ db->commits;
}

bool db_ping(Db *db) {
    Stmt *s = db_prepare(db, "SELECT 1");
    bool ok = db_step(s) == DB_ROW;
    db_done(s);
    return ok;
}

int db_changes(Db *db) { return sqlite3_changes(db->h); }
const char *db_errmsg(Db *db) { return sqlite3_errmsg(db->h); }
int db_errcode(Db *db) { return sqlite3_errcode(db->h); }

int db_backup(Db *db, const char *dest, Err *e) {
    /* VACUUM INTO reads the whole database in one read transaction: a snapshot that writers
    ** on other connections neither block nor restart (the online backup API restarted its copy
    ** whenever another connection wrote, so under steady writes it never finished). */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h, "VACUUM INTO ?", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, dest, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE) {
        err_set(e, 500, "dest", "backup to %s failed: %s", dest, sqlite3_errmsg(db->h));
        sqlite3_finalize(st);
        remove(dest);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

int db_restore(Db *db, const char *src, Err *e) {
    if (db->in_tx) panic("db_restore inside a transaction");
    sqlite3 *from = NULL;
    if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        err_set(e, 500, "src", "cannot open %s: %s", src, from ? sqlite3_errmsg(from) : "out of memory");
        sqlite3_close(from);
        return -1;
    }
    /* One step: the destination is locked for the whole copy, so other connections see the
    ** old database or the restored one, nothing in between. */
    sqlite3_backup *bk = sqlite3_backup_init(db->h, "main", from, "main");
    int rc = SQLITE_ERROR;
    if (bk) {
        do {
            rc = sqlite3_backup_step(bk, -1);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
        } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(bk);
    }
    if (rc != SQLITE_DONE) err_set(e, 500, "db", "restore from %s failed: %s", src, sqlite3_errmsg(db->h));
    sqlite3_close(from);
    return rc == SQLITE_DONE ? 0 : -1;
}

void db_interrupt(Db *db) { sqlite3_interrupt(db->h); }

int db_check(Db *db, Err *e) {
    static const char *const checks[] = {"PRAGMA integrity_check", "PRAGMA foreign_key_check"};
    for (size_t i = 0; i < COUNT(checks); i++) {
        Stmt *s = db_prepare(db, checks[i]);
        int rc = db_step(s);
        bool ok = i == 0 ? rc == DB_ROW && str_eq(db_col_text(s, 0), "ok") : rc == DB_DONE;
        if (!ok)
            err_set(e, 500, "db", "%s: %s", i == 0 ? "integrity check" : "foreign key check",
                    rc == DB_ERROR ? db_errmsg(db) : rc == DB_ROW && i == 0 ? db_col_text(s, 0) : "a row refers to one that is missing");
        db_done(s);
        if (!ok) return -1;
    }
    return 0;
}
