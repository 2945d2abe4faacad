/*
** migrate.c: numbered SQL migrations compiled into the binary (see migrate.h).
*/
#include "migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "refdata.h"
#include "search.h"
#include "util.h"

/* Migration number of an embedded "sql/NNN_name.sql", or 0 when the file is not one. */
static int migration_no(const char *name) {
    if (!str_has_prefix(name, "sql/")) return 0;
    const char *p = name + 4;
    if (p[0] < '0' || p[0] > '9') return 0;
    int n = atoi(p);
    size_t len = strlen(name);
    return len > 4 && strcmp(name + len - 4, ".sql") == 0 ? n : 0;
}

int migrate_latest(void) {
    int latest = 0;
    for (const EmbeddedFile *f = embedded_files; f->name; f++) {
        int n = migration_no(f->name);
        if (n > latest) latest = n;
    }
    return latest;
}

static int current_version(Db *db, Err *e) {
    if (db_exec(db,
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                e))
        return -1;
    return (int)db_int1(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", NULL);
}

int migrate_check(Db *db, Err *e) {
    int have = current_version(db, e);
    if (have < 0) return -1;
    int latest = migrate_latest();
    if (have > latest)
        return err_set(e, 500, "db",
                       "database %s is at schema version %d, newer than this ocop binary "
                       "(version %s knows up to %d): use a newer ocop",
                       db_path(db), have, OCOP_VERSION, latest);
    if (have < latest)
        return err_set(e, 500, "db",
                       "database %s is at schema version %d; this ocop needs %d: run "
                       "'ocop migrate --db %s'",
                       db_path(db), have, latest, db_path(db));
    return 0;
}

/* The marker of a migration after which the search index is rebuilt (migrate.h). */
#define REBUILD_SEARCH "-- ocop: rebuild the search index"

int migrate_run(Db *db, int verbose, Err *e) { return migrate_run_to(db, migrate_latest(), verbose, e); }

int migrate_run_to(Db *db, int target, int verbose, Err *e) {
    int have = current_version(db, e);
    if (have < 0) return -1;
    int latest = migrate_latest();
    if (have > latest) return migrate_check(db, e);
    if (target > latest) target = latest;
    int applied = 0;
    bool reindex = false;
    for (int v = have + 1; v <= target; v++) {
        const EmbeddedFile *f = NULL;
        for (const EmbeddedFile *g = embedded_files; g->name; g++)
            if (migration_no(g->name) == v) f = g;
        if (!f) return err_set(e, 500, "db", "migration %d is missing from this binary", v);
        char ts[32];
        ts_now(ts);
        if (db_begin(db, e)) return -1;
        if (db_exec(db, f->data, e)) {
            db_rollback(db);
            char msg[sizeof e->detail];
            snprintf(msg, sizeof msg, "%s", e->detail);
            return err_set(e, 500, "db", "migration %s failed: %s", f->name, msg);
        }
        Stmt *s = db_prepare(db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
        db_bind_int(s, 1, v);
        db_bind_text(s, 2, f->name + 4);
        db_bind_text(s, 3, ts);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) {
            db_rollback(db);
            return err_set(e, 500, "db", "cannot record migration %d: %s", v, db_errmsg(db));
        }
        if (db_commit(db, e)) return -1;
        if (verbose) printf("applied %s\n", f->name + 4);
        applied++;
        if (strstr(f->data, REBUILD_SEARCH)) reindex = true;
    }
    if (refdata_load_all(db, verbose, e)) return -1;
    if (reindex) {
        if (search_rebuild(db, e)) return -1;
        if (verbose) printf("rebuilt the search index\n");
    }
    return applied;
}
