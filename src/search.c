/*
** search.c: the search index and ranked search (see search.h), on the FTS5 table search_fts of
** sql/002_search.sql. Both the indexed text and the query go through text_fold, so matching
** ignores case and diacritics; the FTS5 query is built only from folded words, each quoted,
** so nothing a user types can be FTS5 syntax.
**
** PostgreSQL (db_pg.c, later) would differ here and in 002 only: a tsvector column built from
** the same folded text with the 'simple' configuration and a GIN index, queries as
** to_tsquery('simple', 'w1:* & w2:*'), ranking with ts_rank_cd and setweight('A') on the
** title; or pg_trgm on the folded title for fuzzy matching. Either way the folding stays in text_fold.
*/
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "util.h"

static const char *const kind_names[] = {NULL, "product", "producer", "village"};
enum { KIND_SHIFT = 48 };
#define ID_MAX (((int64_t)1 << KIND_SHIFT) - 1)

static int kind_code(const char *kind) {
    if (!kind) return 0;
    for (int k = 1; k < (int)COUNT(kind_names); k++)
        if (strcmp(kind, kind_names[k]) == 0) return k;
    return 0;
}

static int64_t doc_rowid(int k, int64_t id) { return ((int64_t)k << KIND_SHIFT) | id; }

static int db_fail(Db *db, Err *e, const char *what) {
    return err_set(e, 500, "", "search index: %s: %s", what, db_errmsg(db));
}

static int check_key(const char *kind, int64_t id, int *k, Err *e) {
    *k = kind_code(kind);
    if (!*k) return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (id < 1 || id > ID_MAX) return err_set(e, 422, "id", "id out of range");
    return 0;
}

int search_delete(Db *db, const char *kind, int64_t id, Err *e) {
    int k;
    if (check_key(kind, id, &k, e)) return -1;
    Stmt *s = db_prepare(db, "DELETE FROM search_fts WHERE rowid = ?");
    db_bind_int(s, 1, doc_rowid(k, id));
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ERROR ? db_fail(db, e, "delete") : 0;
}

int search_put(Db *db, const char *kind, int64_t id, const char *title, const char *extra, Err *e) {
    int k;
    if (check_key(kind, id, &k, e)) return -1;
    if (!title) title = "";
    if (search_delete(db, kind, id, e)) return -1;
    Buf ft = BUF_INIT, fx = BUF_INIT;
    text_fold(&ft, title, strlen(title));
    if (extra) text_fold(&fx, extra, strlen(extra));
    Stmt *s = db_prepare(db, "INSERT INTO search_fts (rowid, title, extra, display) VALUES (?, ?, ?, ?)");
    db_bind_int(s, 1, doc_rowid(k, id));
    db_bind_text(s, 2, buf_str(&ft));
    db_bind_text(s, 3, buf_str(&fx));
    db_bind_text(s, 4, title);
    int rc = db_step(s);
    db_done(s);
    buf_free(&ft);
    buf_free(&fx);
    return rc == DB_ERROR ? db_fail(db, e, "insert") : 0;
}

/* ---- what is indexed ---------------------------------------------------------------- */

/* The name of a commune of the 2025 geography, as a subquery on the code in ?-less SQL. */
#define COMMUNE_NAME(col) \
    "(SELECT u.name FROM units u WHERE u.code = " col " AND u.geo = '2025'" \
    " AND u.level = 'commune' ORDER BY u.valid_from DESC LIMIT 1)"

/* Each query yields id, title, then the pieces of the extra text. The WHERE clause selects one
** record (?1 = id) or all (?1 IS NULL). */
static const char *const index_sql[] = {
    NULL,
    "SELECT p.id, p.name, p.code, pr.name, " COMMUNE_NAME("p.commune_code") ", p.gi, p.mark,"
    " p.description FROM products p JOIN producers pr ON pr.id = p.producer_id"
    " WHERE ?1 IS NULL OR p.id = ?1",
    "SELECT r.id, r.name, r.reg_no, r.rep_name, v.name, " COMMUNE_NAME("r.commune_code") ","
    " r.address FROM producers r LEFT JOIN villages v ON v.id = r.village_id"
    " WHERE ?1 IS NULL OR r.id = ?1",
    "SELECT v.id, v.name, v.crafts, " COMMUNE_NAME("v.commune_code") ", v.decision_no"
    " FROM villages v WHERE ?1 IS NULL OR v.id = ?1",
};

/* Index every record of kind k the statement for index_sql[k] yields. *found counts them. */
static int index_rows(Db *db, int k, int64_t id, int *found, Err *e) {
    Stmt *s = db_prepare(db, index_sql[k]);
    if (id) db_bind_int(s, 1, id);
    else db_bind_null(s, 1);
    Buf extra = BUF_INIT;
    int rc, ret = 0;
    *found = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        buf_reset(&extra);
        for (int c = 2; c < db_col_count(s); c++) {
            const char *t = db_col_text(s, c);
            if (t && *t) buf_printf(&extra, "%s%s", extra.n ? " " : "", t);
        }
        if (search_put(db, kind_names[k], db_col_int(s, 0), db_col_text(s, 1), buf_str(&extra), e)) {
            ret = -1;
            break;
        }
        (*found)++;
    }
    if (rc == DB_ERROR) ret = db_fail(db, e, "reading records");
    db_done(s);
    buf_free(&extra);
    return ret;
}

/* Ids from a one-parameter query, as a malloc'd array of *n. */
static int64_t *ids_of(Db *db, const char *sql, int64_t p, int *n) {
    Stmt *s = db_prepare(db, sql);
    db_bind_int(s, 1, p);
    int cap = 16;
    int64_t *v = xmalloc((size_t)cap * sizeof *v);
    *n = 0;
    while (db_step(s) == DB_ROW) {
        if (*n == cap) v = xrealloc(v, (size_t)(cap *= 2) * sizeof *v);
        v[(*n)++] = db_col_int(s, 0);
    }
    db_done(s);
    return v;
}

int search_index(Db *db, const char *kind, int64_t id, Err *e) {
    int k, found;
    if (check_key(kind, id, &k, e)) return -1;
    if (index_rows(db, k, id, &found, e)) return -1;
    if (!found && search_delete(db, kind, id, e)) return -1;
    /* Records whose extra text carries this record's name. */
    static const char *const dependents[] = {
        NULL, NULL,
        "SELECT id FROM products WHERE producer_id = ?",
        "SELECT id FROM producers WHERE village_id = ?",
    };
    if (!dependents[k]) return 0;
    int n, ret = 0;
    int64_t *dep = ids_of(db, dependents[k], id, &n);
    for (int i = 0; i < n && !ret; i++) ret = search_index(db, kind_names[k - 1], dep[i], e);
    free(dep);
    return ret;
}

int search_optimize(Db *db, Err *e) {
    return db_exec(db, "INSERT INTO search_fts (search_fts) VALUES ('optimize')", e);
}

int search_rebuild(Db *db, Err *e) {
    bool own = !db_in_tx(db);
    if (own && db_begin(db, e)) return -1;
    int found;
    int rc = db_exec(db, "DELETE FROM search_fts", e);
    for (int k = 1; k < (int)COUNT(kind_names) && !rc; k++) rc = index_rows(db, k, 0, &found, e);
    if (!rc) rc = search_optimize(db, e);
    if (own) {
        if (rc) db_rollback(db);
        else rc = db_commit(db, e);
    }
    return rc;
}

/* ---- querying ----------------------------------------------------------------------- */

typedef struct Words {
    char *w[SEARCH_WORDS_MAX];
    size_t n[SEARCH_WORDS_MAX];
    int count;
} Words;

/* Split the folded query into words, dropping duplicates and words that are a prefix of
** another word (every word is a prefix term, so "b banh" means "banh"). Pointers into f. */
static int split_words(char *f, Words *w, Err *e) {
    w->count = 0;
    char *p = f;
    while (*p) {
        char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        bool keep = true;
        for (int i = 0; i < w->count && keep; i++) {
            size_t m = len < w->n[i] ? len : w->n[i];
            if (memcmp(p, w->w[i], m) != 0) continue;
            if (len <= w->n[i]) keep = false; /* duplicate or prefix of an earlier word */
            else {                            /* an earlier word is a prefix of this one */
                w->w[i] = p;
                w->n[i] = len;
                keep = false;
            }
        }
        if (keep) {
            if (w->count == SEARCH_WORDS_MAX)
                return err_set(e, 422, "q", "the search has more than %d words", SEARCH_WORDS_MAX);
            w->w[w->count] = p;
            w->n[w->count++] = len;
        }
        p += len;
        if (*p) p++;
    }
    /* Replacing a word by a longer one can leave two equal words: drop the repeats. */
    int m = 0;
    for (int i = 0; i < w->count; i++) {
        bool dup = false;
        for (int j = 0; j < m && !dup; j++) dup = w->n[j] == w->n[i] && memcmp(w->w[j], w->w[i], w->n[i]) == 0;
        if (!dup) {
            w->w[m] = w->w[i];
            w->n[m++] = w->n[i];
        }
    }
    w->count = m;
    return 0;
}

/* The FTS5 query: every word a quoted prefix term, all required. Words hold only letters and
** digits (text_fold), so the quotes can never be unbalanced. */
static void match_expr(Buf *b, const Words *w) {
    for (int i = 0; i < w->count; i++)
        buf_printf(b, "%s\"%.*s\"*", i ? " AND " : "", (int)w->n[i], w->w[i]);
}

int search_query(Db *db, Arena *a, const char *q, const char *kind, int limit, int offset,
                 SearchHit **hits, int *nhits, int64_t *total, Err *e) {
    *hits = NULL;
    *nhits = 0;
    *total = 0;
    if (!q) return err_set(e, 422, "q", "a search text is required");
    size_t qn = strlen(q);
    if (qn > SEARCH_QUERY_MAX)
        return err_set(e, 422, "q", "the search text is longer than %d bytes", SEARCH_QUERY_MAX);
    if (!text_utf8_valid(q, qn, NULL)) return err_set(e, 422, "q", "the search text is not valid UTF-8");
    int k = 0;
    if (kind && *kind && !(k = kind_code(kind)))
        return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (limit < 1 || limit > SEARCH_LIMIT_MAX)
        return err_set(e, 422, "limit", "limit must be between 1 and %d", SEARCH_LIMIT_MAX);
    if (offset < 0) return err_set(e, 422, "offset", "offset must not be negative");

    Buf f = BUF_INIT, m = BUF_INIT;
    Words w;
    text_fold(&f, q, qn);
    if (!f.n) {
        buf_free(&f);
        return err_set(e, 422, "q", "the search text has no letters or digits");
    }
    if (split_words(f.p, &w, e)) {
        buf_free(&f);
        return -1;
    }
    match_expr(&m, &w);
    int64_t lo = k ? doc_rowid(k, 0) : doc_rowid(1, 0);
    int64_t hi = k ? doc_rowid(k, ID_MAX) : doc_rowid((int)COUNT(kind_names) - 1, ID_MAX);
    int ret = 0;

    Stmt *s = db_prepare(db, "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?"
                             " AND rowid BETWEEN ? AND ?");
    db_bind_text(s, 1, m.p);
    db_bind_int(s, 2, lo);
    db_bind_int(s, 3, hi);
    if (db_step(s) == DB_ROW) *total = db_col_int(s, 0);
    else ret = db_fail(db, e, "count");
    db_done(s);

    if (!ret && *total > offset) {
        int cap = limit;
        SearchHit *h = arena_alloc(a, (size_t)cap * sizeof *h);
        s = db_prepare(db, "SELECT rowid, display, rank FROM search_fts WHERE search_fts MATCH ?"
                           " AND rowid BETWEEN ? AND ? ORDER BY rank LIMIT ? OFFSET ?");
        db_bind_text(s, 1, m.p);
        db_bind_int(s, 2, lo);
        db_bind_int(s, 3, hi);
        db_bind_int(s, 4, limit);
        db_bind_int(s, 5, offset);
        Buf hl = BUF_INIT;
        int rc;
        while ((rc = db_step(s)) == DB_ROW && *nhits < cap) {
            int64_t rowid = db_col_int(s, 0);
            int kc = (int)(rowid >> KIND_SHIFT);
            const char *title = db_col_text(s, 1);
            SearchHit *x = &h[(*nhits)++];
            x->kind = kc > 0 && kc < (int)COUNT(kind_names) ? kind_names[kc] : "?";
            x->id = rowid & ID_MAX;
            x->score = -db_col_double(s, 2);
            x->title = arena_strdup(a, title ? title : "");
            buf_reset(&hl);
            text_highlight(&hl, x->title, q);
            x->highlight = arena_strdup(a, buf_str(&hl));
        }
        if (rc == DB_ERROR) ret = db_fail(db, e, "query");
        db_done(s);
        buf_free(&hl);
        *hits = h;
    }
    if (ret) *nhits = 0;
    buf_free(&f);
    buf_free(&m);
    return ret;
}
