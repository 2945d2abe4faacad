/*
** refdata.c: loads the embedded reference data (the TSV files under data/, see refdata.h)
** into their tables.
**
** The TSV files have a header row, TAB-separated UTF-8 fields, no quoting, and "" for none
** (bound as SQL NULL). The header must match the column list below exactly, so the loader
** and scripts/convert-refdata cannot drift apart silently.
**
** units, unit_links and unit_aliases are referenced only by code, never by a foreign key, so
** they are replaced wholesale (delete + insert). product_sets is the target of a foreign key
** from products, so it is upserted on (version, set_no), and a set that left the data is
** deleted only when no product uses it.
**
** It also answers the one read of reference data that is not about units: the product sets.
*/
#include "refdata.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "embed.h"
#include "util.h"

/* Bump when the way rows are loaded changes, so every set reloads once. */
#define REFDATA_LOADER_VERSION "refdata-1"

enum { MAX_COLS = 12 };

typedef struct RefSet {
    const char *name;      /* ref_data.name */
    const char *file;      /* embedded file */
    const char *header;    /* expected first line */
    int ncols;
    unsigned int_cols;     /* bit i set: column i is an integer */
    const char *clear;     /* SQL run before inserting, or NULL (upsert) */
    const char *insert;
    const char *count;     /* rows in the table, to notice a table emptied behind our back */
    const char *analyze;   /* planner statistics to refresh after loading, or NULL */
} RefSet;

/* The data sets, in load order: a process constant like the route table. */
static const RefSet ref_sets[] = {
    {"units", "data/units/units.tsv",
     "geo\tlevel\tcode\tname\tname_en\ttype\tparent_code\tvalid_from\tvalid_to", 9, 0,
     "DELETE FROM units",
     "INSERT INTO units (geo, level, code, name, name_en, type, parent_code, valid_from, "
     "valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
     "SELECT count(*) FROM units",
     /* Without statistics SQLite prefers units_level to units_parent for "communes of
     ** province P": 3-4 ms instead of 0.1 ms. ANALYZE costs 5-15 ms here. */
     "ANALYZE units"},
    {"unit_links", "data/units/links-2025.tsv",
     "level\told_code\tnew_code\tpart\ttargets\tresolution\tconfidence\tnote", 8, 1u << 4,
     "DELETE FROM unit_links",
     "INSERT INTO unit_links (level, old_code, new_code, part, targets, resolution, "
     "confidence, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
     "SELECT count(*) FROM unit_links", "ANALYZE unit_links"},
    {"unit_aliases", "data/units/aliases.tsv", "alias_code\tcanonical_code\tnote", 3, 0,
     "DELETE FROM unit_aliases",
     "INSERT INTO unit_aliases (alias_code, canonical_code, note) VALUES (?, ?, ?)",
     "SELECT count(*) FROM unit_aliases", NULL},
    {"product_sets", "data/product-sets.tsv",
     "version\tset_no\tname\tgrp\tgrp_name\tnhom\tnhom_name\tphan_nhom\tphan_nhom_name", 9,
     1u << 1, NULL,
     "INSERT INTO product_sets (version, set_no, name, grp, grp_name, nhom, nhom_name, "
     "phan_nhom, phan_nhom_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
     "ON CONFLICT (version, set_no) DO UPDATE SET name = excluded.name, grp = excluded.grp, "
     "grp_name = excluded.grp_name, nhom = excluded.nhom, nhom_name = excluded.nhom_name, "
     "phan_nhom = excluded.phan_nhom, phan_nhom_name = excluded.phan_nhom_name",
     NULL, NULL},
};

/* Hex BLAKE2b-256 of the loader version and the bytes, into hex[65]. */
static void hash_hex(const char *data, size_t n, char hex[65]) {
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)REFDATA_LOADER_VERSION,
                              strlen(REFDATA_LOADER_VERSION) + 1);
    crypto_generichash_update(&st, (const unsigned char *)data, n);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

/* "16,596" into out. */
static void thousands(int64_t v, char out[32]) {
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    int o = 0;
    if (v < 0) out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = 0;
}

/* Split line (modified in place) at TABs into at most max fields; returns the count. */
static int split_tabs(char *line, char **f, int max) {
    int n = 0;
    for (char *p = line;; p++) {
        if (n < max) f[n] = p;
        n++;
        p = strchr(p, '\t');
        if (!p) break;
        *p = 0;
    }
    return n;
}

/* Product sets in the table that are no longer in the data: delete those that no product
** refers to (a referenced one stays, so old products keep their classification). */
static int prune_sets(Db *db, const char *data, Err *e) {
    typedef struct { char version[24]; int64_t no; } Key;
    Key *stale = NULL;
    int nstale = 0, cap = 0;
    Stmt *s = db_prepare(db, "SELECT version, set_no FROM product_sets");
    while (db_step(s) == DB_ROW) {
        Key k;
        snprintf(k.version, sizeof k.version, "%s", db_col_text(s, 0));
        k.no = db_col_int(s, 1);
        char row[48]; /* every data row follows a newline (the header's at least) */
        snprintf(row, sizeof row, "\n%s\t%lld\t", k.version, (long long)k.no);
        if (strstr(data, row)) continue;
        if (nstale == cap) {
            cap = cap ? cap * 2 : 8;
            stale = xrealloc(stale, sizeof *stale * (size_t)cap);
        }
        stale[nstale++] = k;
    }
    db_done(s);
    int rc = 0;
    for (int i = 0; i < nstale && rc == 0; i++) {
        Stmt *d = db_prepare(db,
                             "DELETE FROM product_sets WHERE version = ? AND set_no = ? AND NOT "
                             "EXISTS (SELECT 1 FROM products p WHERE p.rubric_version = ? AND "
                             "p.set_no = ?)");
        db_bind_text(d, 1, stale[i].version);
        db_bind_int(d, 2, stale[i].no);
        db_bind_text(d, 3, stale[i].version);
        db_bind_int(d, 4, stale[i].no);
        if (db_step(d) != DB_DONE)
            rc = err_set(e, 500, "db", "cannot delete product set %s/%lld: %s", stale[i].version,
                         (long long)stale[i].no, db_errmsg(db));
        db_done(d);
    }
    free(stale);
    return rc;
}

/* One data row: its line number and its fields (pointing into the caller's copy). */
typedef struct Row {
    int lineno;
    char *f[MAX_COLS];
} Row;

/* Insert k rows with one statement of k value tuples (sql); for k > 1 a failure is retried
** row by row so the error names the line (a failed statement changes nothing). */
static int insert_rows(Db *db, const RefSet *rs, const char *sql, const Row *rows, int k,
                       Err *e) {
    Stmt *s = db_prepare(db, sql); /* cached: a lookup, not a compile */
    for (int j = 0; j < k; j++) {
        for (int i = 0; i < rs->ncols; i++) {
            const char *v = rows[j].f[i];
            int at = j * rs->ncols + i + 1;
            if (rs->int_cols & (1u << i)) {
                int64_t x;
                if (!parse_i64(v, &x)) {
                    db_done(s);
                    return err_set(e, 500, "data", "%s:%d: field %d is not an integer: '%s'",
                                   rs->file, rows[j].lineno, i + 1, v);
                }
                db_bind_int(s, at, x);
            } else {
                db_bind_text(s, at, v[0] ? v : NULL);
            }
        }
    }
    int rc = db_step(s);
    db_done(s);
    if (rc == DB_DONE) return 0;
    if (k == 1)
        return err_set(e, 500, "data", "%s:%d: %s", rs->file, rows[0].lineno, db_errmsg(db));
    for (int j = 0; j < k; j++)
        if (insert_rows(db, rs, rs->insert, &rows[j], 1, e)) return -1;
    return err_set(e, 500, "data", "%s: lines %d-%d: %s", rs->file, rows[0].lineno,
                   rows[k - 1].lineno, db_errmsg(db));
}

/* Load one set from its embedded bytes inside the caller's transaction; *rows gets the row
** count. -1 with e on a malformed file or a failed insert. Plain inserts go BATCH rows per
** statement: the 16,596 units then load in 60-75 ms instead of 100-150 ms (measured, -O2). */
static int load_rows(Db *db, const RefSet *rs, const EmbeddedFile *f, int *rows, Err *e) {
    enum { BATCH = 64 };
    if (rs->clear && db_exec(db, rs->clear, e)) return -1;
    Buf batch_sql = BUF_INIT;
    int batch = 1;
    if (rs->clear) {
        /* "INSERT ... VALUES (?, ...)" followed by BATCH - 1 more "(?, ...)" tuples. */
        const char *tuple = strstr(rs->insert, "VALUES (");
        if (!tuple) panic("refdata: %s: insert without VALUES", rs->name);
        tuple += 7;
        buf_puts(&batch_sql, rs->insert);
        for (int j = 1; j < BATCH; j++) buf_printf(&batch_sql, ", %s", tuple);
        batch = BATCH;
    }
    char *text = xstrndup(f->data, f->size);
    Row pending[BATCH];
    int npending = 0, lineno = 0, n = 0, rc = 0;
    char *p = text, *end = text + f->size;
    while (p < end && rc == 0) {
        char *line = p, *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl) *nl = 0;
        p = nl ? nl + 1 : end;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r') line[--len] = 0;
        if (++lineno == 1) {
            if (strcmp(line, rs->header))
                rc = err_set(e, 500, "data", "%s: the header is not the one this ocop expects "
                             "(\"%s\"): regenerate with scripts/convert-refdata", rs->file,
                             rs->header);
            continue;
        }
        if (len == 0) continue;
        Row *r = &pending[npending];
        r->lineno = lineno;
        int nf = split_tabs(line, r->f, MAX_COLS);
        if (nf != rs->ncols) {
            rc = err_set(e, 500, "data", "%s:%d: %d fields, expected %d", rs->file, lineno, nf,
                         rs->ncols);
            break;
        }
        n++;
        if (++npending == batch) {
            rc = insert_rows(db, rs, batch > 1 ? buf_str(&batch_sql) : rs->insert, pending,
                             npending, e);
            npending = 0;
        }
    }
    for (int j = 0; j < npending && rc == 0; j++)
        rc = insert_rows(db, rs, rs->insert, &pending[j], 1, e);
    free(text);
    buf_free(&batch_sql);
    if (rc == 0 && lineno == 0)
        rc = err_set(e, 500, "data", "%s is empty in this binary: run scripts/convert-refdata "
                     "and rebuild", rs->file);
    if (rc == 0 && !rs->clear) rc = prune_sets(db, f->data, e);
    if (rc == 0 && rs->analyze) rc = db_exec(db, rs->analyze, e);
    *rows = n;
    return rc;
}

/* Whether rs needs loading: its hash differs from ref_data, or its table lost rows. */
static bool stale(Db *db, const RefSet *rs, const char *hash) {
    Stmt *s = db_prepare(db, "SELECT hash, rows FROM ref_data WHERE name = ?");
    db_bind_text(s, 1, rs->name);
    bool same = false;
    int64_t rows = 0;
    if (db_step(s) == DB_ROW) {
        same = str_eq(db_col_text(s, 0), hash);
        rows = db_col_int(s, 1);
    }
    db_done(s);
    if (same && rs->count && db_int1(db, rs->count, NULL) != rows) same = false;
    return !same;
}

int refdata_load(Db *db, int verbose, int *loaded, Err *e) {
    if (loaded) *loaded = 0;
    if (sodium_init() < 0) return err_set(e, 500, "sodium", "libsodium cannot initialise");
    for (size_t i = 0; i < COUNT(ref_sets); i++) {
        const RefSet *rs = &ref_sets[i];
        const EmbeddedFile *f = embed_find(rs->file);
        if (!f) return err_set(e, 500, "data", "%s is not compiled into this binary", rs->file);
        char hash[65];
        hash_hex(f->data, f->size, hash);
        if (!stale(db, rs, hash)) {
            if (verbose) {
                char n[32];
                thousands(db_int1(db, "SELECT rows FROM ref_data WHERE name = ?", rs->name), n);
                printf("%s: up to date (%s rows)\n", rs->name, n);
            }
            continue;
        }
        uint64_t t0 = now_ns();
        if (db_begin(db, e)) return -1;
        if (!stale(db, rs, hash)) { /* another process loaded it while we waited for the lock */
            db_rollback(db);
            continue;
        }
        int rows = 0;
        if (load_rows(db, rs, f, &rows, e)) {
            db_rollback(db);
            return -1;
        }
        char ts[32];
        ts_now(ts);
        Stmt *s = db_prepare(db, "INSERT INTO ref_data (name, hash, rows, loaded_at) "
                                 "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                                 "hash = excluded.hash, rows = excluded.rows, "
                                 "loaded_at = excluded.loaded_at");
        db_bind_text(s, 1, rs->name);
        db_bind_text(s, 2, hash);
        db_bind_int(s, 3, rows);
        db_bind_text(s, 4, ts);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) {
            err_set(e, 500, "db", "cannot record %s in ref_data: %s", rs->name, db_errmsg(db));
            db_rollback(db);
            return -1;
        }
        if (db_commit(db, e)) return -1;
        if (loaded) (*loaded)++;
        if (verbose) {
            char n[32];
            thousands(rows, n);
            printf("loaded %s: %s rows (%.1f ms)\n", rs->name, n,
                   (double)(now_ns() - t0) / 1e6);
        }
    }
    return 0;
}

int refdata_load_all(Db *db, int verbose, Err *e) { return refdata_load(db, verbose, NULL, e); }

static const char *col_dup(Arena *a, Stmt *s, int i) {
    const char *t = db_col_text(s, i);
    return t ? arena_strdup(a, t) : NULL;
}

int product_sets_list(Db *db, Arena *a, const char *version, ProductSet **out, int *n, Err *e) {
    *out = NULL;
    *n = 0;
    if (!version) version = PRODUCT_SETS_CURRENT;
    int total = (int)db_int1(db, "SELECT count(*) FROM product_sets WHERE version = ?", version);
    if (total == 0) {
        Buf known = BUF_INIT;
        Stmt *s = db_prepare(db, "SELECT DISTINCT version FROM product_sets ORDER BY version");
        while (db_step(s) == DB_ROW)
            buf_printf(&known, "%s%s", known.n ? ", " : "", db_col_text(s, 0));
        db_done(s);
        err_set(e, 422, "version", "no product sets for version '%s'; known versions: %s",
                version, known.n ? buf_str(&known) : "none (run ocop migrate)");
        buf_free(&known);
        return -1;
    }
    ProductSet *v = arena_alloc(a, sizeof *v * (size_t)total);
    Stmt *s = db_prepare(db, "SELECT version, set_no, name, grp, grp_name, nhom, nhom_name, "
                             "phan_nhom, phan_nhom_name FROM product_sets WHERE version = ? "
                             "ORDER BY set_no");
    db_bind_text(s, 1, version);
    int i = 0;
    while (i < total && db_step(s) == DB_ROW) {
        ProductSet *p = &v[i++];
        p->version = col_dup(a, s, 0);
        p->set_no = (int)db_col_int(s, 1);
        p->name = col_dup(a, s, 2);
        p->grp = col_dup(a, s, 3);
        p->grp_name = col_dup(a, s, 4);
        p->nhom = col_dup(a, s, 5);
        p->nhom_name = col_dup(a, s, 6);
        p->phan_nhom = col_dup(a, s, 7);
        p->phan_nhom_name = col_dup(a, s, 8);
    }
    db_done(s);
    *out = v;
    *n = i;
    return 0;
}
