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

/* Open (creating if needed) the database at path; NULL with e filled on failure. */
Db *db_open(const char *path, Err *e);
void db_close(Db *db);
const char *db_path(Db *db);

/* Prepare constant SQL. A syntax error in constant SQL is a bug: it panics. */
Stmt *db_prepare(Db *db, const char *sql);
void db_bind_int(Stmt *s, int i, int64_t v);
void db_bind_double(Stmt *s, int i, double v);
void db_bind_text(Stmt *s, int i, const char *v); /* NULL binds SQL NULL; the text is copied */
void db_bind_null(Stmt *s, int i);
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
** allowed. */
int db_begin(Db *db, Err *e);
int db_begin_read(Db *db, Err *e);
int db_commit(Db *db, Err *e);
void db_rollback(Db *db);
bool db_in_tx(Db *db);

int db_changes(Db *db);
/* A number that changes whenever anything was committed to the database since the last call
** returned it, by this connection or any other (PRAGMA data_version plus this connection's own
** commits): what a cache of rendered records checks before using an entry. */
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
