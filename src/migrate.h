/*
** migrate.h: schema migrations. The numbered SQL files sql/NNN_name.sql are compiled into the
** binary; each is applied once, in its own transaction, and recorded in schema_migrations.
** A database that records a migration this binary does not know is refused.
*/
#ifndef OCOP_MIGRATE_H
#define OCOP_MIGRATE_H

#include "db.h"

/* Apply every pending migration, then (re)load the reference data (refdata.c). Returns the
** number of migrations applied, or -1 with e filled. verbose: print one line per step.
** A migration that changes what the search index holds says so with a line
** "-- ocop: rebuild the search index"; after applying one, the index is rebuilt from the
** registry (search_rebuild), so an upgraded database holds what this binary would index. */
int migrate_run(Db *db, int verbose, Err *e);
/* The same, but only up to migration `target` (tests of upgrades stand on an older schema). */
int migrate_run_to(Db *db, int target, int verbose, Err *e);
/* -1 with e filled when the schema is missing migrations or newer than the binary: what
** `ocop serve` checks before listening. */
int migrate_check(Db *db, Err *e);
/* Highest migration known to this binary. */
int migrate_latest(void);

#endif
