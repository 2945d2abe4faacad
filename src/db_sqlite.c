/*
** db_sqlite.c: the SQLite driver of db.h. WAL journal, foreign keys on, a bounded busy timeout
** so concurrent writers queue for a moment instead of failing, and a per-connection statement
** cache keyed by the SQL text (handlers prepare the same constant SQL on every request).
**
** Every failing statement goes through one place (on_error), which ends the transaction for
** good when it must and remembers storage faults (db.h). For tests, OCOP_TEST_DISK_FREE=BYTES
** puts a file system with that much free space under every database file of the process (a
** VFS that refuses to grow files past it with SQLITE_FULL, as write(2) on a full disk does).
*/
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
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
    bool tx_failed;      /* an error ended the transaction: refuse everything until db_rollback */
    bool own_err;        /* db_errmsg/db_errcode report err_msg/err_code, not SQLite's */
    bool nowait;         /* inside db_step_nowait: a busy answer is no fault */
    int fault;           /* SQLite code of the last storage fault, 0: none (db_fault) */
    int fault_errno;
    int err_code;
    char err_msg[300];
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
    uint64_t rollbacks; /* transactions this connection rolled back (db_change_stamp) */
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

/* ---- storage faults -------------------------------------------------------------------------- */

/* The last write that failed for want of storage, seen by any connection of the process: the
** disk under the database is one for all of them, and /healthz reports it. */
static struct {
    pthread_mutex_t mu;
    atomic_llong failed_at; /* read without the mutex by every commit */
    char what[200];
} storage = {PTHREAD_MUTEX_INITIALIZER, 0, ""};

static bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

static bool is_storage(int rc) {
    switch (rc & 0xff) {
    case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_READONLY: case SQLITE_CANTOPEN: case SQLITE_NOMEM:
    case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_PROTOCOL: return true;
    default: return false;
    }
}

/* What a storage fault means, in words a client can act on, into out. SQLite does not always
** keep the errno of a failed write: a file size limit (ulimit -f) is named whenever one is set. */
static void fault_words(int rc, int sys_errno, char *out, size_t n) {
    struct rlimit fsize;
    bool limited = getrlimit(RLIMIT_FSIZE, &fsize) == 0 && fsize.rlim_cur != RLIM_INFINITY;
    const char *what = "the database could not be written to its disk";
    if ((rc & 0xff) == SQLITE_READONLY) what = "the database is read-only";
    else if ((rc & 0xff) == SQLITE_NOMEM) what = "out of memory";
    else if (sys_errno == EFBIG) what = "the database reached the file size limit of the process (ulimit -f)";
    else if ((rc & 0xff) == SQLITE_FULL || sys_errno == ENOSPC || sys_errno == EDQUOT)
        what = "the disk under the database is full";
    if (limited && sys_errno != EFBIG && ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR))
        snprintf(out, n, "%s, or the database reached the file size limit of the process (ulimit -f: %llu bytes)", what,
                 (unsigned long long)fsize.rlim_cur);
    else snprintf(out, n, "%s", what);
}

static void storage_failed(int rc, int sys_errno) {
    pthread_mutex_lock(&storage.mu);
    storage.failed_at = (int64_t)time(NULL);
    fault_words(rc, sys_errno, storage.what, sizeof storage.what);
    pthread_mutex_unlock(&storage.mu);
}

static void storage_ok(void) {
    if (!atomic_load(&storage.failed_at)) return;
    pthread_mutex_lock(&storage.mu);
    storage.failed_at = 0;
    storage.what[0] = 0;
    pthread_mutex_unlock(&storage.mu);
}

/* Every failed statement comes here with SQLite's code: remember a storage fault (and log it
** with its SQL, which the client never sees), and end the transaction when it must end. */
static void on_error(Db *db, int rc, const char *sql) {
    db->own_err = false;
    int sys = sqlite3_system_errno(db->h);
    if (is_storage(rc) || (is_busy(rc) && !db->nowait)) {
        db->fault = rc & 0xff;
        db->fault_errno = sys;
        log_error("database %s: %s (errno %d) in: %.300s", db->path, sqlite3_errmsg(db->h), sys, sql ? sql : "?");
        if (is_storage(rc)) storage_failed(rc, sys);
    }
    if (!db->in_tx || db->tx_failed) return;
    if (db->in_tx == 2 || is_storage(rc) || is_busy(rc) || sqlite3_get_autocommit(db->h)) {
        db->tx_failed = true;
        db->err_code = rc & 0xff;
        snprintf(db->err_msg, sizeof db->err_msg, "the transaction ended at an earlier error (%s); nothing of it was saved",
                 sqlite3_errmsg(db->h));
    }
}

/* A statement asked for after the transaction ended: refused, with the reason. */
static int refuse(Db *db) {
    db->own_err = true;
    return DB_ERROR;
}

int db_fault(Db *db, Err *e) {
    if (!db || !db->fault) return 0;
    if (is_busy(db->fault))
        return err_set(e, 503, "", "the database is busy with another write (an import, perhaps) and nothing was saved; "
                                   "try again in a few seconds");
    char what[200];
    fault_words(db->fault, db->fault_errno, what, sizeof what);
    return err_set(e, 507, "", "%s: nothing was saved", what);
}

void db_fault_clear(Db *db) {
    if (db) db->fault = 0;
}

void db_storage(Db *db, DbStorage *out) {
    memset(out, 0, sizeof *out);
    out->free_bytes = out->total_bytes = -1;
    /* The directory of the file: where the WAL and the journal grow too. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", db->path);
    char *slash = strrchr(dir, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else if (slash == dir) dir[1] = 0;
    else *slash = 0;
    struct statvfs vfs;
    if (statvfs(dir, &vfs) == 0) {
        out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
        out->total_bytes = (int64_t)vfs.f_blocks * (int64_t)vfs.f_frsize;
    }
    pthread_mutex_lock(&storage.mu);
    out->failed_at = storage.failed_at;
    snprintf(out->failure, sizeof out->failure, "%s", storage.what);
    pthread_mutex_unlock(&storage.mu);
}

/* ---- OCOP_TEST_DISK_FREE: a small disk for the tests ------------------------------------------ */

/* The default VFS with a different xWrite: a write that would make its file longer takes the
** growth from the bytes left, or fails with SQLITE_FULL when they are not enough. Overwrites
** (a WAL reused from its start) cost nothing, as on a real disk. */
static sqlite3_vfs quota_vfs, *real_vfs;
static atomic_llong quota_left;
static struct {
    const sqlite3_io_methods *real;
    sqlite3_io_methods copy;
} quota_methods[4];
static pthread_mutex_t quota_mu = PTHREAD_MUTEX_INITIALIZER;

static const sqlite3_io_methods *quota_real(sqlite3_file *f) {
    for (size_t i = 0; i < COUNT(quota_methods); i++)
        if (&quota_methods[i].copy == f->pMethods) return quota_methods[i].real;
    return NULL;
}

static int quota_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
    const sqlite3_io_methods *real = quota_real(f);
    sqlite3_int64 size = 0;
    if (real->xFileSize(f, &size) != SQLITE_OK) size = 0;
    long long grow = off + amt > size ? (long long)(off + amt - size) : 0;
    if (grow && atomic_fetch_sub(&quota_left, grow) < grow) {
        atomic_fetch_add(&quota_left, grow);
        return SQLITE_FULL;
    }
    return real->xWrite(f, buf, amt, off);
}

static int quota_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out) {
    (void)vfs;
    int rc = real_vfs->xOpen(real_vfs, name, f, flags, out);
    if (rc != SQLITE_OK || !f->pMethods) return rc;
    pthread_mutex_lock(&quota_mu);
    size_t i = 0;
    while (i < COUNT(quota_methods) && quota_methods[i].real && quota_methods[i].real != f->pMethods) i++;
    if (i == COUNT(quota_methods)) panic("OCOP_TEST_DISK_FREE: too many kinds of file");
    if (!quota_methods[i].real) {
        quota_methods[i].real = f->pMethods;
        quota_methods[i].copy = *f->pMethods;
        quota_methods[i].copy.xWrite = quota_write;
    }
    f->pMethods = &quota_methods[i].copy;
    pthread_mutex_unlock(&quota_mu);
    return rc;
}

static void quota_install(const char *bytes) {
    real_vfs = sqlite3_vfs_find(NULL);
    quota_vfs = *real_vfs;
    quota_vfs.zName = "ocop-test-disk";
    quota_vfs.xOpen = quota_open;
    atomic_store(&quota_left, atoll(bytes));
    sqlite3_vfs_register(&quota_vfs, 1);
}

static unsigned hash_str(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

/* Process-wide SQLite settings, applied once before the library initialises: no global
** memory statistics (they take a global mutex on every allocation, which the worker threads
** would contend for). */
static void configure_sqlite(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    const char *quota = getenv("OCOP_TEST_DISK_FREE");
    if (quota && *quota) quota_install(quota);
}

static Db *db_open_flags(const char *path, bool create, Err *e);

Db *db_open(const char *path, Err *e) { return db_open_flags(path, false, e); }

Db *db_create(const char *path, Err *e) { return db_open_flags(path, true, e); }

static Db *db_open_flags(const char *path, bool create, Err *e) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_sqlite);
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc == SQLITE_CANTOPEN && !create && access(path, F_OK) != 0) {
        err_set(e, 404, "db", "no database at %s: run 'ocop migrate --db %s' first", path, path);
        sqlite3_close(h);
        return NULL;
    }
    if (rc != SQLITE_OK) {
        err_set(e, 500, "db", "cannot open database %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, DB_BUSY_MS);
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
    /* The test disk is a small machine's: a small page cache, so that a big transaction spills
    ** pages to the WAL before its commit (and meets the full disk there, as a big import does). */
    if (real_vfs) sqlite3_exec(h, "PRAGMA cache_size=-1000", NULL, NULL, NULL);
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

int db_param_count(Stmt *s) { return sqlite3_bind_parameter_count(s->st); }

void db_remove_files(const char *path) {
    char p[4400];
    remove(path);
    snprintf(p, sizeof p, "%s-wal", path);
    remove(p);
    snprintf(p, sizeof p, "%s-shm", path);
    remove(p);
}

int db_step(Stmt *s) {
    if (s->db->tx_failed) return refuse(s->db);
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) return DB_ROW;
    if (rc == SQLITE_DONE) {
        if (!s->db->in_tx && !sqlite3_stmt_readonly(s->st)) storage_ok(); /* a write saved in autocommit */
        return DB_DONE;
    }
    on_error(s->db, rc, sqlite3_sql(s->st));
    return DB_ERROR;
}

int db_step_nowait(Stmt *s) {
    Db *db = s->db;
    sqlite3_busy_timeout(db->h, 0);
    db->nowait = true;
    int rc = db_step(s);
    db->nowait = false;
    sqlite3_busy_timeout(db->h, DB_BUSY_MS);
    return rc;
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
    if (db->tx_failed) return err_set(e, 500, "db", "%s", db->err_msg);
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        on_error(db, rc, sql);
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
    db->fault = 0;
    if (run1(db, "BEGIN IMMEDIATE", e)) return -1;
    db->in_tx = 2; /* 2: a write transaction, 1: a read transaction */
    return 0;
}

int db_begin_read(Db *db, Err *e) {
    if (db->in_tx) panic("nested transaction");
    db->fault = 0;
    if (run1(db, "BEGIN", e)) return -1;
    db->in_tx = 1;
    return 0;
}

int db_commit(Db *db, Err *e) {
    if (db->tx_failed) {
        err_set(e, 500, "db", "%s", db->err_msg);
        db_rollback(db);
        return -1;
    }
    if (run1(db, "COMMIT", e)) {
        db_rollback(db);
        return -1;
    }
    if (db->in_tx == 2) storage_ok();
    db->in_tx = 0;
    return 0;
}

void db_rollback(Db *db) {
    if (!db->in_tx) return;
    db->rollbacks++; /* what was seen of its writes (db_change_stamp) is gone */
    /* Straight to SQLite: the statement must run even after the transaction failed, and a
    ** rollback that finds the transaction already rolled back by SQLite is no error. */
    if (!sqlite3_get_autocommit(db->h)) sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    db->in_tx = 0;
    db->tx_failed = false;
    db->own_err = false;
}

bool db_in_tx(Db *db) { return db->in_tx; }
bool db_tx_failed(Db *db) { return db->tx_failed; }
uint64_t db_change_stamp(Db *db) {
    Stmt *s = db_prepare(db, "SELECT v FROM data_stamp WHERE id = 1");
    uint64_t v = db_step(s) == DB_ROW ? (uint64_t)db_col_int(s, 0) : 0;
    db_done(s);
    /* Inside a transaction v counts its own writes; once rolled back, the same v may come again
    ** with other data: what was made meanwhile must not match (the rollbacks in the top bits). */
    return v ^ db->rollbacks << 40;
}

bool db_ping(Db *db) {
    Stmt *s = db_prepare(db, "SELECT 1");
    bool ok = db_step(s) == DB_ROW;
    db_done(s);
    return ok;
}

int db_changes(Db *db) { return sqlite3_changes(db->h); }
const char *db_errmsg(Db *db) { return db->own_err ? db->err_msg : sqlite3_errmsg(db->h); }
int db_errcode(Db *db) { return db->own_err ? SQLITE_ABORT : sqlite3_errcode(db->h); }

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
