/*
** importer.c: all-or-nothing import and export of registry lists (see importer.h).
*/
#include "importer.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dossier.h"
#include "search.h"
#include "tablew.h"
#include "text.h"
#include "util.h"

enum { MAX_PROBLEMS = 1000 };

typedef struct Column {
    const Field *field; /* NULL: ignored column ("id", read-only ones, or no header) */
    bool unnamed;       /* no header: its cells must be empty */
    char letter[8];
    const char *header;
} Column;

/* A problem of the file at row (and col): reason in English (the API's), text in the importer's
** language. */
static void problem_in(ImportResult *res, long row, const Column *col, const char *field, const char *value,
                       const char *reason, const char *text) {
    if (json_array_size(res->problems) >= MAX_PROBLEMS) return;
    json_t *p = json_object();
    json_object_set_new(p, "row", json_integer(row));
    if (col) {
        json_object_set_new(p, "column", json_string(col->letter));
        json_object_set_new(p, "column_name", json_string(col->header));
    }
    if (field) json_object_set_new(p, "field", json_string(field));
    if (value) json_object_set_new(p, "value", json_string(value));
    json_object_set_new(p, "reason", json_string(reason));
    json_object_set_new(p, "text", json_string(text));
    json_array_append_new(res->problems, p);
}

/* A problem whose message is why's, told in the importer's language. */
static void problem_err(ImportResult *res, long row, const Column *col, const char *field, const char *value,
                        const char *reason, const Err *why) {
    char text[600];
    problem_in(res, row, col, field, value, reason, err_text(why, res->lang, text, sizeof text));
}

/* A problem the importer itself finds: the message fmt (a literal of the catalogues) with its
** arguments. */
static void problem(ImportResult *res, long row, const Column *col, const char *field, const char *value,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(ImportResult *res, long row, const Column *col, const char *field, const char *value,
                    const char *fmt, ...) {
    Err why = ERR_INIT;
    va_list ap;
    va_start(ap, fmt);
    err_vset(&why, 422, field, fmt, ap);
    va_end(ap);
    problem_err(res, row, col, field, value, why.detail, &why);
}



static const Column *column_of(const Column *cols, int ncols, const char *field) {
    for (int i = 0; i < ncols; i++)
        if (cols[i].field && strcmp(cols[i].field->name, field) == 0) return &cols[i];
    return NULL;
}

/* The column a problem of field lies in: its own, or for a reference by id ("product_id") that
** the file makes by another key, the column of that key ("product_code"). */
static const Column *problem_column(const Column *cols, int ncols, const char *field) {
    const Column *c = column_of(cols, ncols, field);
    size_t n = strlen(field);
    if (c || n < 4 || strcmp(field + n - 3, "_id") != 0) return c;
    for (int i = 0; i < ncols; i++)
        if (cols[i].field && (cols[i].field->flags & FF_IMPORT_KEY) && strncmp(cols[i].field->name, field, n - 2) == 0)
            return &cols[i];
    return NULL;
}

/* Where the current row is, for a problem entity_check finds in it (row_problem). */
typedef struct RowAt {
    ImportResult *res;
    long row;
    const Column *cols;
    int ncols;
} RowAt;

/* entity_check's sink: a problem of a cell, its reason without the field's name in English (the
** field is named beside it), its text a whole sentence in the importer's language. */
static void row_problem(void *arg, const char *field, json_t *value, const Err *why) {
    RowAt *at = arg;
    size_t n = strlen(field);
    const char *reason = strncmp(why->detail, field, n) == 0 && why->detail[n] == ' ' ? why->detail + n + 1 : why->detail;
    problem_err(at->res, at->row, column_of(at->cols, at->ncols, field), field,
                json_is_string(value) ? json_string_value(value) : NULL, reason, why);
}

/* The cell of row under the column of field, as the user wrote it, or NULL. */
static const char *cell_of(const char *const *row, int nc, const Column *cols, int ncols, const char *field) {
    for (int c = 0; c < ncols && c < nc; c++)
        if (cols[c].field && strcmp(cols[c].field->name, field) == 0) return row[c];
    return NULL;
}

static bool row_blank(const char *const *cells, int n) {
    for (int i = 0; i < n; i++)
        for (const char *p = cells[i]; *p; p++)
            if (*p != ' ' && *p != '\t') return false;
    return true;
}

/* Which fields an import of en must have a column for; alternatives separated by '|'. */
static const char *const *required_columns(const Entity *en) {
    static const char *const producers[] = {"type", "name", "commune_code|commune_code_old", NULL};
    static const char *const products[] = {"name", "set_no", "producer_id|producer_reg_no|producer_name", NULL};
    static const char *const recognitions[] = {"product_id|product_code", "stars", "decision_no", "decision_date", NULL};
    static const char *const villages[] = {"name", "commune_code", NULL};
    static const char *const points[] = {"name", "kind", "commune_code", NULL};
    static const char *const councils[] = {"name", "level", NULL};
    static const char *const dossiers[] = {"kind", "product_code|product_id", "filed_on", NULL};
    if (en == &ENTITY_DOSSIER_ARCHIVE) return dossiers;
    if (en == &ENTITY_COUNCILS) return councils;
    if (en == &ENTITY_PRODUCERS) return producers;
    if (en == &ENTITY_PRODUCTS) return products;
    if (en == &ENTITY_RECOGNITIONS) return recognitions;
    if (en == &ENTITY_VILLAGES) return villages;
    return points;
}

static bool has_column(const Column *cols, int ncols, const char *alts) {
    char *t = xstrdup(alts), *save = NULL;
    bool found = false;
    for (char *a = strtok_r(t, "|", &save); a && !found; a = strtok_r(NULL, "|", &save))
        found = column_of(cols, ncols, a) != NULL;
    free(t);
    return found;
}

/* One audit entry for the whole import: what file (its SHA-256), how many rows, which ids. The
** province is the caller's when it holds exactly one (every row was checked to lie in scope). */
static int audit_import(Db *db, const Entity *en, const Actor *who, const char *data, size_t n, TableFormat fmt,
                        const ImportResult *res, int64_t last_id, Err *e) {
    unsigned char h[crypto_hash_sha256_BYTES];
    char sha[65], prov[1][8];
    crypto_hash_sha256(h, (const unsigned char *)data, n);
    sodium_bin2hex(sha, sizeof sha, h, sizeof h);
    json_t *after = json_pack("{s:s, s:I, s:s, s:I, s:I, s:I}", "file_sha256", sha, "bytes", (json_int_t)n, "format",
                              fmt == TABLE_XLSX ? "xlsx" : "csv", "rows", (json_int_t)res->rows, "created",
                              (json_int_t)res->created, "duplicates", (json_int_t)res->duplicates);
    if (res->created) {
        json_object_set_new(after, "first_id", json_integer(last_id + 1));
        json_object_set_new(after, "last_id", json_integer(last_id + (int64_t)res->created));
    }
    const Auth *a = actor_auth(who);
    const char *province = a ? auth_single_province(a, en->perm_create, prov[0]) : NULL;
    int rc = audit_append_json(db, who, "import", en->name, 0, province, NULL, after, e);
    json_decref(after);
    return rc;
}

int import_run(Db *db, const Entity *en, const Actor *who, const char *data, size_t n, TableFormat fmt,
               bool dry_run, Lang lang, ImportProgress progress, void *progress_arg, ImportResult *res, Err *e) {
    memset(res, 0, sizeof *res);
    res->lang = lang;
    res->problems = json_array();
    res->duplicate_rows = json_array();
    if (actor_require(who, e)) return -1; /* before a byte of the file is read */
    Table *t = table_parse(data, n, fmt, NULL, e);
    if (!t) return -1;
    size_t nrows = table_nrows(t);
    Arena a = {0};
    int rc = -1;

    /* The header: the first non-blank row. */
    size_t hr = 0;
    int ncols = 0;
    long rowno = 0;
    const char *const *cells = NULL;
    for (; hr < nrows; hr++) {
        cells = table_row(t, hr, &ncols, &rowno);
        if (!row_blank(cells, ncols)) break;
    }
    if (hr == nrows) {
        err_set(e, 422, "file", "the file is empty: expected a header row naming the columns");
        goto out;
    }
    Column *cols = arena_alloc(&a, sizeof(Column) * (size_t)(ncols ? ncols : 1));
    for (int c = 0; c < ncols; c++) {
        table_col_name(c + 1, cols[c].letter);
        cols[c].header = arena_strdup(&a, cells[c]);
        cols[c].field = NULL;
        cols[c].unnamed = false;
        Buf key = BUF_INIT;
        text_fold(&key, cells[c], strlen(cells[c]));
        if (!key.n) {
            buf_free(&key);
            cols[c].unnamed = true; /* must be empty everywhere (checked per row) */
            continue;
        }
        bool is_id = strcmp(buf_str(&key), "id") == 0;
        buf_free(&key);
        const Field *f = entity_field_by_header(en, cells[c]);
        if (is_id || (f && (f->flags & FF_READONLY))) continue; /* exported, ignored on import */
        if (!f) {
            /* the columns it takes: in English by name (and Vietnamese header), as the API
            ** documents them; in Vietnamese by the headers of the template */
            Buf b = BUF_INIT, h = BUF_INIT;
            int k = 0;
            for (const Field *g = en->fields; g->name; g++)
                if (!(g->flags & (FF_INTERNAL | FF_READONLY)) && g->type != FT_ID && g->type != FT_STAMP) {
                    buf_printf(&b, "%s%s (%s)", k ? ", " : "", g->name, g->vi);
                    buf_printf(&h, "%s%s", k++ ? ", " : "", res->lang == LANG_EN ? g->en : g->vi);
                }
            char *why = arena_printf(&a, "unknown column; %s takes: %s", en->name, buf_str(&b));
            char *text = res->lang == LANG_EN ? why
                                              : arena_printf(&a, tr(res->lang, N_("unknown column; %s takes: %s")),
                                                             tr(res->lang, en->singular), buf_str(&h));
            buf_free(&b);
            buf_free(&h);
            problem_in(res, rowno, &cols[c], NULL, cells[c], why, text);
            continue;
        }
        if (f->type == FT_ID || f->type == FT_STAMP) continue;
        if (column_of(cols, c, f->name)) {
            problem(res, rowno, &cols[c], f->name, cells[c], "this column appears twice");
            continue;
        }
        cols[c].field = f;
    }
    for (const char *const *req = required_columns(en); *req; req++) {
        if (has_column(cols, ncols, *req)) continue;
        char *alts = arena_strdup(&a, *req);
        for (char *p = alts; *p; p++)
            if (*p == '|') *p = '/';
        const Field *f = entity_field(en, strtok(arena_strdup(&a, *req), "|"));
        problem(res, rowno, NULL, alts, NULL, "missing column %s (%s)", alts, f && f->vi ? f->vi : "");
    }
    if (json_array_size(res->problems)) {
        res->errors = 1;
        goto fail;
    }

    /* Two passes over the rows. The first checks every row against a read snapshot, without the
    ** write lock, so a file with problems never keeps other writers waiting. The second, in one
    ** write transaction, checks each row again (earlier rows of the file and whatever others
    ** wrote in between now count) and writes it. A storage fault ends it at once (db.h). */
    bool writing = false;
    int64_t last_id = 0;
    if (db_begin_read(db, e)) goto out;
rows:
    for (size_t i = hr + 1; i < nrows; i++) {
        if (progress && (i - hr) % 1000 == 0) progress(progress_arg, writing ? "rows" : "check", i - hr, nrows - hr - 1);
        int nc = 0;
        long rn = 0;
        const char *const *row = table_row(t, i, &nc, &rn);
        if (row_blank(row, nc)) continue;
        res->rows++;
        size_t before = json_array_size(res->problems);
        json_t *obj = json_object();
        for (int c = 0; c < nc; c++) {
            if (c >= ncols || cols[c].unnamed) {
                if (row_blank(&row[c], 1)) continue;
                Column extra = {0};
                table_col_name(c + 1, extra.letter);
                extra.header = "";
                problem(res, rn, &extra, NULL, row[c], "a value in a column without a header");
                continue;
            }
            if (!cols[c].field || !row[c][0]) continue;
            json_object_set_new(obj, cols[c].field->name, json_string(row[c]));
        }
        Err re = ERR_INIT;
        RowAt at = {res, rn, cols, ncols};
        if (json_array_size(res->problems) == before && entity_check_each(en, obj, true, true, row_problem, &at, &re)) {
            err_clear(&re);
        } else if (json_array_size(res->problems) == before) {
            /* Domain rules, then duplicates, then the write. */
            int64_t id = 0, dup = 0;
            const char *why = NULL;
            /* A duplicate is skipped before the write check, so that a list exported from here
            ** re-imports as duplicates (its certificates of ocop's series included). */
            if (en->prepare && en->prepare(db, &a, obj, 0, &re)) {
                entity_err_label(en, &re);
                problem_err(res, rn, problem_column(cols, ncols, re.field), re.field[0] ? re.field : NULL,
                            cell_of(row, nc, cols, ncols, re.field), re.detail, &re);
            } else if (en->find_duplicate && (dup = en->find_duplicate(db, obj, &why)) != 0) {
                res->duplicates++;
                json_array_append_new(res->duplicate_rows,
                                      json_pack("{s:I, s:I, s:s, s:s}", "row", (json_int_t)rn, "existing_id", (json_int_t)dup,
                                                "reason", why ? why : "duplicate", "text",
                                                tr(res->lang, why ? why : N_("duplicate"))));
            } else if (entity_check_write(db, en, who, en->perm_create, NULL, obj, 0, &re) ||
                       (writing && entity_write_new(db, &a, en, obj, &id, false, &re))) {
                entity_err_label(en, &re);
                problem_err(res, rn, problem_column(cols, ncols, re.field), re.field[0] ? re.field : NULL,
                            cell_of(row, nc, cols, ncols, re.field), re.detail, &re);
            } else {
                res->created++;
            }
            err_clear(&re);
        }
        json_decref(obj);
        if (json_array_size(res->problems) > before) res->errors++;
        /* The arena holds per-row scratch only; keep it small on big files. */
        if (a.total > (1u << 22)) {
            /* cols live in the arena too: copy them out before resetting */
            Column *keep = xmalloc(sizeof(Column) * (size_t)(ncols ? ncols : 1));
            memcpy(keep, cols, sizeof(Column) * (size_t)ncols);
            for (int c = 0; c < ncols; c++) keep[c].header = xstrdup(cols[c].header);
            arena_free(&a);
            cols = arena_alloc(&a, sizeof(Column) * (size_t)(ncols ? ncols : 1));
            memcpy(cols, keep, sizeof(Column) * (size_t)ncols);
            for (int c = 0; c < ncols; c++) {
                cols[c].header = arena_strdup(&a, keep[c].header);
                free((char *)keep[c].header);
            }
            free(keep);
        }
        if (db_tx_failed(db)) break; /* the disk is full, say: no later row can be written */
    }
    if (progress) progress(progress_arg, writing ? "rows" : "check", nrows - hr - 1, nrows - hr - 1);
    if (db_tx_failed(db) || res->errors) {
        /* A storage fault is the reason, not the row that met it. */
        int fault = db_fault(db, e);
        db_rollback(db);
        if (fault) goto out;
        goto fail;
    }
    if (!writing) {
        db_commit(db, e); /* the end of the snapshot: nothing was written */
        res->rows = res->created = res->duplicates = 0;
        json_array_clear(res->duplicate_rows);
        if (db_begin(db, e)) {
            db_fault(db, e); /* another writer held the lock past DB_BUSY_MS: say so plainly */
            goto out;
        }
        /* New rows get ids above the largest one now: they are indexed for search in one pass. */
        char maxsql[96];
        snprintf(maxsql, sizeof maxsql, "SELECT coalesce(max(id), 0) FROM %s", en->table);
        last_id = db_int1(db, maxsql, NULL);
        writing = true;
        goto rows;
    }
    if (!dry_run && en->search_kind && res->created) {
        if (progress) progress(progress_arg, "search", 0, res->created);
        if (search_index_after(db, en->search_kind, last_id, e)) {
            db_fault(db, e);
            db_rollback(db);
            goto out;
        }
        if (progress) progress(progress_arg, "search", res->created, res->created);
    }
    if (dry_run) {
        db_rollback(db);
        rc = 0;
        goto out;
    }
    if (audit_import(db, en, who, data, n, fmt, res, last_id, e)) {
        db_fault(db, e);
        db_rollback(db);
        goto out;
    }
    rc = db_commit(db, e);
    if (rc) db_fault(db, e); /* a storage fault in plain words, not the failed statement */
    goto out;
fail:
    err_set(e, 422, "file", "%zu row(s) have problems; nothing was imported", res->errors);
    if (json_array_size(res->problems)) {
        json_t *p0 = json_array_get(res->problems, 0);
        json_t *col = json_object_get(p0, "column");
        snprintf(e->detail, sizeof e->detail, "%zu row(s) have problems; nothing was imported. First: row %lld%s%s: %s",
                 res->errors, (long long)json_integer_value(json_object_get(p0, "row")), col ? ", column " : "",
                 col ? json_string_value(col) : "", json_string_value(json_object_get(p0, "reason")));
    }
    e->errors = json_incref(res->problems);
out:
    table_free(t);
    arena_free(&a);
    return rc;
}

void import_result_free(ImportResult *res) {
    json_decref(res->problems);
    json_decref(res->duplicate_rows);
    res->problems = res->duplicate_rows = NULL;
}

json_t *import_result_json(const Entity *en, const ImportResult *res, bool dry_run) {
    return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:O, s:O}", "kind", en->name, "dry_run", dry_run, "rows",
                     (json_int_t)res->rows, "created", (json_int_t)res->created, "duplicates",
                     (json_int_t)res->duplicates, "errors", (json_int_t)res->errors, "problems", res->problems,
                     "duplicate_rows", res->duplicate_rows);
}

int import_template(const Entity *en, TableFormat fmt, bool vi, char **out, size_t *n, Err *e) {
    TableWriter *w = tablew_new(fmt, vi ? en->label_vi : en->name);
    const char *cells[64];
    int k = 0;
    for (const Field *f = en->fields; f->name && k < 64; f++) {
        if (f->flags & (FF_INTERNAL | FF_READONLY) || f->type == FT_ID || f->type == FT_STAMP) continue;
        if (f->type == FT_REF && (f->flags & FF_NOEXPORT)) continue; /* the import key stands for it */
        cells[k++] = vi ? f->vi : f->en;
    }
    tablew_row(w, cells, k);
    return tablew_finish(w, out, n, e);
}

int entity_export(Db *db, const Entity *en, const Actor *who, json_t *items, TableFormat fmt, bool vi, Arena *a, char **out,
                  size_t *n, Err *e) {
    if (en->export_as) {
        en = en->export_as;
        size_t i;
        json_t *o;
        json_array_foreach(items, i, o) en->decorate(db, o, json_integer_value(json_object_get(o, "id")));
    }
    int nf = 0;
    const Field **fs = entity_export_fields(en, entity_personal_allowed(who), a, &nf);
    TableWriter *w = tablew_new(fmt, vi ? en->label_vi : en->name);
    const char **cells = arena_alloc(a, sizeof(char *) * (size_t)(nf + 1));
    for (int i = 0; i < nf; i++) cells[i] = vi ? fs[i]->vi : fs[i]->en;
    tablew_row(w, cells, nf);
    size_t k;
    json_t *o;
    json_array_foreach(items, k, o) {
        for (int i = 0; i < nf; i++) cells[i] = entity_cell(fs[i], o, a, vi);
        tablew_row(w, cells, nf);
    }
    return tablew_finish(w, out, n, e);
}
