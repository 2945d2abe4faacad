/*
** db.h: the one storage interface. Every value is a bound parameter ('?' placeholders, numbered
** from 1); table and column names come only from constants. SQL sticks to the subset that
** SQLite and PostgreSQL share (INSERT ... RETURNING, ON CONFLICT, no date functions); dialect
** differences live in the driver (db_sqlite.c now, db_pg.c later).
**
** A Db is one connection, used by one thread at a time. Statements are cached per connection:
** db_prepare returns a ready statement that the caller hands back with db_done.
*/
#ifndef OCOP_DB_H
#define OCOP_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

typedef struct Db Db;
typedef struct Stmt Stmt;

enum { DB_ROW = 1, DB_DONE = 0, DB_ERROR = -1 };
enum { DB_CONSTRAINT = 19 }; /* db_errcode for a constraint violation */

/* Open the existing database at path; NULL with e filled on failure (404 "no database at PATH:
** run ocop migrate first" when there is no file: no command but migrate creates one). */
Db *db_open(const char *path, Err *e);
/* The same, creating an empty database when there is none (ocop migrate, tests). */
Db *db_create(const char *path, Err *e);
void db_close(Db *db);
const char *db_path(Db *db);

/* Prepare constant SQL. A syntax error in constant SQL is a bug: it panics. */
Stmt *db_prepare(Db *db, const char *sql);
void db_bind_int(Stmt *s, int i, int64_t v);
void db_bind_double(Stmt *s, int i, double v);
void db_bind_text(Stmt *s, int i, const char *v); /* NULL binds SQL NULL; the text is copied */
void db_bind_null(Stmt *s, int i);
int db_param_count(Stmt *s); /* the largest parameter number of the statement */
/* Remove the database file at path and the write-ahead log and shared memory beside it (a
** closed database: a test's, a restore's target). */
void db_remove_files(const char *path);
int db_step(Stmt *s); /* DB_ROW, DB_DONE or DB_ERROR (see db_errmsg/db_errcode) */
int db_col_count(Stmt *s);
const char *db_col_name(Stmt *s, int i);
bool db_col_null(Stmt *s, int i);
int64_t db_col_int(Stmt *s, int i);
double db_col_double(Stmt *s, int i);
const char *db_col_text(Stmt *s, int i); /* valid until the next step/done; NULL for SQL NULL */
/* Hand the statement back (reset, bindings cleared). */
void db_done(Stmt *s);

/* Run SQL without results (may hold several statements: migrations). -1 with e on error. */
int db_exec(Db *db, const char *sql, Err *e);
/* One-shot helpers for "SELECT count(*) ..." style queries with text parameters. */
int64_t db_int1(Db *db, const char *sql, const char *p1);

/* Transactions. db_begin starts an IMMEDIATE (write) transaction, db_begin_read a read
** transaction (one snapshot and one lock for all the statements of a GET). Nesting is not
** allowed.
**
** A write waits at most DB_BUSY_MS for another writer (another process's import, say) to let go
** of the lock, then fails with a "busy" storage fault (db_fault: 503). Readers never wait for
** a writer (WAL).
**
** An error ends the transaction for good: any error in a write transaction, and in a read
** transaction any error after which SQLite may have rolled back on its own (a full disk, an I/O
** error, a lock) or did (sqlite3_get_autocommit). From then on every statement, and
** db_commit, fails without running (db_errmsg says why) until the owner calls db_rollback:
** nothing can carry on in autocommit and commit half a transaction. db_tx_failed tells. */
int db_begin(Db *db, Err *e);
int db_begin_read(Db *db, Err *e);
int db_commit(Db *db, Err *e);
void db_rollback(Db *db);
bool db_in_tx(Db *db);
bool db_tx_failed(Db *db);

enum { DB_BUSY_MS = 2000 };

/* Step a write that is worth doing only when it costs no wait (a session's last use): when
** another connection holds the write lock it answers DB_ERROR at once and records no fault. */
int db_step_nowait(Stmt *s);

/* Storage faults: the disk is full, a write failed (EIO, EFBIG beyond `ulimit -f`), the file is
** read-only, or the write lock stayed taken past DB_BUSY_MS. The connection remembers the last
** one (logged at once with its SQL) until db_fault_clear or the next db_begin / db_begin_read.
** db_fault fills e for the client in plain words (507 for storage, 503 for busy; no SQL) and
** returns -1 when there is one, else returns 0 and leaves e alone. */
int db_fault(Db *db, Err *e);
void db_fault_clear(Db *db);

/* The state of the storage under the database, for /healthz: free bytes on its file system
** (-1 when unknown), and the last write that failed for want of storage by any connection of
** this process (0 when none, or when a commit succeeded since). */
typedef struct DbStorage {
    int64_t free_bytes, total_bytes;
    int64_t failed_at;     /* Unix time of the last storage fault of a write; 0: none since a commit */
    char failure[200];     /* what it was, in plain words ("" when none) */
} DbStorage;
void db_storage(Db *db, DbStorage *out);

int db_changes(Db *db);
/* A number that changes whenever the data was changed since the last call returned it, by this
** connection or any other: the counter that the triggers of every table of data bump (migration
** 025; not the bookkeeping of sessions, sign-ins, tokens and the audit trail), and this
** connection's rollbacks. What the caches of rendered records, pages, list counts and
** indicators check before using an entry. */
uint64_t db_change_stamp(Db *db);
/* True when the database answers a trivial query (health checks). */
bool db_ping(Db *db);
const char *db_errmsg(Db *db);
int db_errcode(Db *db);

/* One object attached to the connection (the search module's in-memory index), freed with
** free_fn when replaced or when the connection closes. */
void db_attach(Db *db, void *obj, void (*free_fn)(void *));
void *db_attached(Db *db);

/* Consistent copy of the whole database, as of one moment, to the new file dest (which must
** not exist): a snapshot read in one read transaction, so writers on other connections go on
** and the copy finishes however busy they are. -1 with e (and nothing left at dest). */
int db_backup(Db *db, const char *dest, Err *e);
/* Replace the whole content of db with the database file src (a db_backup copy), at once:
** other connections see the old content or the new. Not in a transaction. -1 with e. */
int db_restore(Db *db, const char *src, Err *e);
/* Make the statement running on db stop with an error as soon as it can (from a signal
** handler or another thread: async-signal-safe). */
void db_interrupt(Db *db);
/* The storage's own consistency checks (SQLite: integrity and foreign keys). -1 with e. */
int db_check(Db *db, Err *e);

#endif
