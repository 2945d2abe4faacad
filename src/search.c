/*
** search.c: the search index and ranked search (see search.h), on the FTS5 tables search_fts
** and search_title of sql/002_search.sql. Both the indexed text and the query go through
** text_fold, so matching ignores case and diacritics; the FTS5 query is built only from folded
** words, each quoted, so nothing a user types can be FTS5 syntax.
**
** PostgreSQL (db_pg.c, later) would differ here and in 002 only: a tsvector column built from
** the same folded text with the 'simple' configuration and a GIN index, prefix queries as
** to_tsquery('simple', 'w1:* & w2:*'), the tiers below as extra predicates (the folded title
** LIKE 'w1 w2%', tsquery phrases 'w1 <-> w2:*'); or pg_trgm on the folded title for fuzzy
** matching. Either way the folding stays in text_fold.
*/
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "util.h"

static const char *const kind_names[] = {NULL, "product", "producer", "village"};
enum { KIND_SHIFT = 48, WORDS_SHIFT = 50, WORDS_MAX = 15 };
_Static_assert(KIND_SHIFT == 48, "main_pass's SQL tests the kind bits as (rowid >> 48) & 3");
#define ID_MAX (((int64_t)1 << KIND_SHIFT) - 1)

static int kind_code(const char *kind) {
    if (!kind) return 0;
    for (int k = 1; k < (int)COUNT(kind_names); k++)
        if (strcmp(kind, kind_names[k]) == 0) return k;
    return 0;
}

/* The rowid of a record: see sql/002_search.sql. */
static int64_t doc_rowid(int words, int k, int64_t id) {
    return ((int64_t)words << WORDS_SHIFT) | ((int64_t)k << KIND_SHIFT) | id;
}

static int db_fail(Db *db, Err *e, const char *what) {
    return err_set(e, 500, "", "search index: %s: %s", what, db_errmsg(db));
}

static int check_key(const char *kind, int64_t id, int *k, Err *e) {
    *k = kind_code(kind);
    if (!*k) return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (id < 1 || id > ID_MAX) return err_set(e, 422, "id", "id out of range");
    return 0;
}

/* Remove the record of kind k with this id, if it is indexed. External-content FTS5 tables
** forget a row when given its rowid and the values they indexed, read from search_docs. */
static int remove_doc(Db *db, int k, int64_t id, Err *e) {
    Stmt *s = db_prepare(db, "SELECT doc, title, extra, kind FROM search_docs"
                             " WHERE kind = ? AND ref_id = ?");
    db_bind_text(s, 1, kind_names[k]);
    db_bind_int(s, 2, id);
    int rc = db_step(s);
    if (rc == DB_ROW) {
        int64_t doc = db_col_int(s, 0);
        Stmt *d = db_prepare(db, "INSERT INTO search_fts (search_fts, rowid, title, extra, kind)"
                                 " VALUES ('delete', ?, ?, ?, ?)");
        db_bind_int(d, 1, doc);
        db_bind_text(d, 2, db_col_text(s, 1));
        db_bind_text(d, 3, db_col_text(s, 2));
        db_bind_text(d, 4, db_col_text(s, 3));
        rc = db_step(d);
        db_done(d);
        if (rc != DB_ERROR) {
            d = db_prepare(db, "INSERT INTO search_title (search_title, rowid, title, kind)"
                               " VALUES ('delete', ?, ?, ?)");
            db_bind_int(d, 1, doc);
            db_bind_text(d, 2, db_col_text(s, 1));
            db_bind_text(d, 3, db_col_text(s, 3));
            rc = db_step(d);
            db_done(d);
        }
        if (rc != DB_ERROR) {
            d = db_prepare(db, "DELETE FROM search_docs WHERE doc = ?");
            db_bind_int(d, 1, doc);
            rc = db_step(d);
            db_done(d);
        }
    }
    db_done(s);
    return rc == DB_ERROR ? db_fail(db, e, "delete") : 0;
}

/* Writes happen in the caller's transaction, or in one of their own: the three tables must
** never disagree (an external-content index forgets a row only given the values it indexed). */
static int tx_begin(Db *db, bool *own, Err *e) {
    *own = !db_in_tx(db);
    return *own ? db_begin(db, e) : 0;
}

static int tx_end(Db *db, bool own, int rc, Err *e) {
    if (!own) return rc;
    if (rc) {
        db_rollback(db);
        return rc;
    }
    return db_commit(db, e);
}

int search_delete(Db *db, const char *kind, int64_t id, Err *e) {
    int k;
    bool own;
    if (check_key(kind, id, &k, e) || tx_begin(db, &own, e)) return -1;
    return tx_end(db, own, remove_doc(db, k, id, e), e);
}

/* Add a record known not to be indexed: to search_docs, and to the FTS5 indexes unless
** fts_too is false (search_rebuild builds those in one go afterwards). */
static int insert_doc(Db *db, int k, int64_t id, const char *title, const char *extra, bool fts_too,
                      Err *e) {
    if (!title) title = "";
    Buf ft = BUF_INIT, fx = BUF_INIT;
    text_fold(&ft, title, strlen(title));
    if (extra) text_fold(&fx, extra, strlen(extra));
    int words = ft.n ? 1 : 0;
    for (size_t i = 0; i < ft.n; i++) words += ft.p[i] == ' ';
    if (words > WORDS_MAX) words = WORDS_MAX;
    int64_t doc = doc_rowid(words, k, id);
    Stmt *s = db_prepare(db, "INSERT INTO search_docs (doc, kind, ref_id, title, extra, display)"
                             " VALUES (?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, doc);
    db_bind_text(s, 2, kind_names[k]);
    db_bind_int(s, 3, id);
    db_bind_text(s, 4, buf_str(&ft));
    db_bind_text(s, 5, buf_str(&fx));
    db_bind_text(s, 6, title);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_ERROR && fts_too) {
        s = db_prepare(db, "INSERT INTO search_fts (rowid, title, extra, kind)"
                           " VALUES (?, ?, ?, ?)");
        db_bind_int(s, 1, doc);
        db_bind_text(s, 2, buf_str(&ft));
        db_bind_text(s, 3, buf_str(&fx));
        db_bind_text(s, 4, kind_names[k]);
        rc = db_step(s);
        db_done(s);
    }
    if (rc != DB_ERROR && fts_too) {
        s = db_prepare(db, "INSERT INTO search_title (rowid, title, kind) VALUES (?, ?, ?)");
        db_bind_int(s, 1, doc);
        db_bind_text(s, 2, buf_str(&ft));
        db_bind_text(s, 3, kind_names[k]);
        rc = db_step(s);
        db_done(s);
    }
    buf_free(&ft);
    buf_free(&fx);
    return rc == DB_ERROR ? db_fail(db, e, "insert") : 0;
}

static int put_doc(Db *db, int k, int64_t id, const char *title, const char *extra, Err *e) {
    if (remove_doc(db, k, id, e)) return -1;
    return insert_doc(db, k, id, title, extra, true, e);
}

int search_put(Db *db, const char *kind, int64_t id, const char *title, const char *extra, Err *e) {
    int k;
    bool own;
    if (check_key(kind, id, &k, e) || tx_begin(db, &own, e)) return -1;
    return tx_end(db, own, put_doc(db, k, id, title, extra, e), e);
}

/* ---- what is indexed ---------------------------------------------------------------- */

/* The name of the commune (2025 geography) whose code is in column col. */
#define COMMUNE_NAME(col) \
    "(SELECT u.name FROM units u WHERE u.code = " col " AND u.geo = '2025'" \
    " AND u.level = 'commune' ORDER BY u.valid_from DESC LIMIT 1)"

/* What is indexed, per kind: each query yields id, title, then the pieces of the extra text.
** [k][0] reads every record, [k][1] the one whose id is bound to ?. */
#define PRODUCT_SQL \
    "SELECT p.id, p.name, p.code, pr.name, " COMMUNE_NAME("p.commune_code") ", p.gi, p.mark" \
    " FROM products p JOIN producers pr ON pr.id = p.producer_id"
#define PRODUCER_SQL \
    "SELECT r.id, r.name, r.reg_no, r.rep_name, v.name, " COMMUNE_NAME("r.commune_code") "," \
    " r.address FROM producers r LEFT JOIN villages v ON v.id = r.village_id"
#define VILLAGE_SQL \
    "SELECT v.id, v.name, v.crafts, " COMMUNE_NAME("v.commune_code") ", v.decision_no" \
    " FROM villages v"
static const char *const index_sql[][3] = {
    {NULL, NULL, NULL},
    {PRODUCT_SQL, PRODUCT_SQL " WHERE p.id = ?", PRODUCT_SQL " WHERE p.id > ?"},
    {PRODUCER_SQL, PRODUCER_SQL " WHERE r.id = ?", PRODUCER_SQL " WHERE r.id > ?"},
    {VILLAGE_SQL, VILLAGE_SQL " WHERE v.id = ?", VILLAGE_SQL " WHERE v.id > ?"},
};

/* Index every record of kind k the statement of index_sql[k] yields; id 0: all of them, into
** an empty search_docs, leaving the FTS5 indexes to search_rebuild; after > 0: the records with
** a larger id, known not to be indexed, also leaving the FTS5 indexes to the caller. *found
** counts them. */
static int index_rows_from(Db *db, int k, int64_t id, int64_t after, int *found, Err *e) {
    Stmt *s = db_prepare(db, index_sql[k][after ? 2 : id != 0]);
    if (id || after) db_bind_int(s, 1, after ? after : id);
    Buf extra = BUF_INIT;
    int rc, ret = 0;
    *found = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        buf_reset(&extra);
        for (int c = 2; c < db_col_count(s); c++) {
            const char *t = db_col_text(s, c);
            if (t && *t) buf_printf(&extra, "%s%s", extra.n ? " " : "", t);
        }
        int64_t rid = db_col_int(s, 0);
        if (rid < 1 || rid > ID_MAX) continue;
        if ((id && !after ? put_doc(db, k, rid, db_col_text(s, 1), buf_str(&extra), e)
                : insert_doc(db, k, rid, db_col_text(s, 1), buf_str(&extra), false, e))) {
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

static int index_rows(Db *db, int k, int64_t id, int *found, Err *e) {
    return index_rows_from(db, k, id, 0, found, e);
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

/* Re-index record (k, id) and the records that carry its name. */
static int index_one(Db *db, int k, int64_t id, Err *e) {
    int found;
    if (index_rows(db, k, id, &found, e)) return -1;
    if (!found && remove_doc(db, k, id, e)) return -1;
    /* Records whose extra text carries this record's name: a village's producers, a
    ** producer's products. */
    static const char *const dependents[] = {
        NULL, NULL,
        "SELECT id FROM products WHERE producer_id = ?",
        "SELECT id FROM producers WHERE village_id = ?",
    };
    if (!dependents[k]) return 0;
    int n, ret = 0;
    int64_t *dep = ids_of(db, dependents[k], id, &n);
    for (int i = 0; i < n && !ret; i++) ret = index_one(db, k - 1, dep[i], e); /* 3->2->1 */
    free(dep);
    return ret;
}

int search_index(Db *db, const char *kind, int64_t id, Err *e) {
    int k;
    bool own;
    if (check_key(kind, id, &k, e) || tx_begin(db, &own, e)) return -1;
    return tx_end(db, own, index_one(db, k, id, e), e);
}

int search_index_after(Db *db, const char *kind, int64_t after_id, Err *e) {
    int k = kind_code(kind), found = 0;
    bool own;
    if (!k) return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (after_id < 0) after_id = 0;
    if (tx_begin(db, &own, e)) return -1;
    /* 1. the rows of search_docs, 2. each FTS5 index in a single INSERT ... SELECT: FTS5 keeps
    ** the new terms in memory and writes few segments, where one insert per record (with other
    ** statements between them) would flush a segment per record. */
    int rc = index_rows_from(db, k, 0, after_id ? after_id : -1, &found, e);
    /* No incremental merging while the new terms go in: one merge pass at the end is cheaper
    ** than FTS5 merging segments as they appear (automerge is restored to its default, 4). */
    if (!rc && found)
        rc = db_exec(db, "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 0);"
                         "INSERT INTO search_title (search_title, rank) VALUES ('automerge', 0)", e);
    if (!rc && found) {
        Stmt *s = db_prepare(db, "INSERT INTO search_fts (rowid, title, extra, kind)"
                                 " SELECT doc, title, extra, kind FROM search_docs WHERE kind = ? AND ref_id > ?");
        db_bind_text(s, 1, kind_names[k]);
        db_bind_int(s, 2, after_id);
        if (db_step(s) == DB_ERROR) rc = db_fail(db, e, "bulk insert");
        db_done(s);
        if (!rc) {
            s = db_prepare(db, "INSERT INTO search_title (rowid, title, kind)"
                               " SELECT doc, title, kind FROM search_docs WHERE kind = ? AND ref_id > ?");
            db_bind_text(s, 1, kind_names[k]);
            db_bind_int(s, 2, after_id);
            if (db_step(s) == DB_ERROR) rc = db_fail(db, e, "bulk insert");
            db_done(s);
        }
        if (!rc)
            rc = db_exec(db, "INSERT INTO search_fts (search_fts, rank) VALUES ('automerge', 4);"
                             "INSERT INTO search_title (search_title, rank) VALUES ('automerge', 4)", e);
        /* A big batch leaves many segments, which makes every later search slower (measured:
        ** p99 13 ms before, 7 ms after on 125,000 records): merge them into one. */
        if (!rc) rc = found > 5000 ? search_optimize(db, e)
                                   : db_exec(db, "INSERT INTO search_fts (search_fts, rank) VALUES ('merge', 500);"
                                                 "INSERT INTO search_title (search_title, rank) VALUES ('merge', 500)", e);
    }
    return tx_end(db, own, rc, e);
}

int search_optimize(Db *db, Err *e) {
    return db_exec(db, "INSERT INTO search_fts (search_fts) VALUES ('optimize');"
                       "INSERT INTO search_title (search_title) VALUES ('optimize')", e);
}

int search_rebuild(Db *db, Err *e) {
    bool own;
    if (tx_begin(db, &own, e)) return -1;
    int found;
    /* Emptying the indexes row by row would leave a tombstone per word for the merges to
    ** wade through; 'delete-all' drops them, and 'rebuild' indexes search_docs in one go. */
    int rc = db_exec(db, "DELETE FROM search_docs;"
                         "INSERT INTO search_fts (search_fts) VALUES ('delete-all');"
                         "INSERT INTO search_title (search_title) VALUES ('delete-all')", e);
    for (int k = 1; k < (int)COUNT(kind_names) && !rc; k++) rc = index_rows(db, k, 0, &found, e);
    if (!rc)
        rc = db_exec(db, "INSERT INTO search_fts (search_fts) VALUES ('rebuild');"
                         "INSERT INTO search_title (search_title) VALUES ('rebuild')", e);
    if (!rc) rc = search_optimize(db, e);
    return tx_end(db, own, rc, e);
}

/* ---- querying ----------------------------------------------------------------------- */

/* The words of a query: seq as typed (for phrases), and the distinct ones with every word that
** is a prefix of another left out (every word is a prefix term, so "b banh" means "banh"). */
typedef struct Words {
    const char *w[SEARCH_WORDS_MAX], *seq[SEARCH_WORDS_MAX];
    size_t n[SEARCH_WORDS_MAX], seqn[SEARCH_WORDS_MAX];
    int count, nseq;
} Words;

/* Split folded query text f (words separated by single spaces) into w; pointers into f. */
static int split_words(const char *f, Words *w, Err *e) {
    w->count = w->nseq = 0;
    for (const char *p = f; *p;) {
        const char *sp = strchr(p, ' ');
        size_t len = sp ? (size_t)(sp - p) : strlen(p);
        if (w->nseq == SEARCH_WORDS_MAX)
            return err_set(e, 422, "q", "the search text has more than %d words", SEARCH_WORDS_MAX);
        w->seq[w->nseq] = p;
        w->seqn[w->nseq++] = len;
        p += len;
        if (*p) p++;
    }
    for (int i = 0; i < w->nseq; i++) {
        bool keep = true;
        for (int j = 0; j < w->nseq && keep; j++) {
            if (j == i || w->seqn[j] < w->seqn[i] || memcmp(w->seq[j], w->seq[i], w->seqn[i]))
                continue;
            /* seq[i] is a prefix of seq[j]: keep only the longer, or the first of equals */
            keep = w->seqn[j] == w->seqn[i] && j > i;
        }
        if (keep) {
            w->w[w->count] = w->seq[i];
            w->n[w->count++] = w->seqn[i];
        }
    }
    return 0;
}

/* Ranking. Matches are ordered by tier, then by rowid (shorter titles first, then products,
** producers, villages, then by id):
**   0  the title starts with the query as a phrase:  ^"w1 w2 w3"*
**   1  the title contains the query as a phrase:     "w1 w2 w3"*
**   2  the title contains every word:                "w1"* AND "w2"* AND "w3"*
**   3  every word is in the title or the extra text
** (in a phrase every word but the last must be whole). Tiers 0-2 are FTS5 queries on
** search_title, each excluding the tier above with NOT and read in rowid order with LIMIT and
** OFFSET: they cost about the rows they skip and return, and titles make small doclists.
** Tier 3 and the total come from one pass over search_fts in rowid order, which stops after
** SEARCH_COUNT_MAX + 1 matches. Nothing sorts all the matches: ranking every match by BM25
** took 100-300 ms for "t" (nearly every record) and 10-80 ms for common words on 127,000
** records; see bench/search.c.
**
** Query text reaches FTS5 only as words of text_fold output (letters and digits), each in
** double quotes, so the quotes cannot be unbalanced and no word can be an operator. */
static void all_words(Buf *b, const Words *w) {
    buf_putc(b, '(');
    for (int i = 0; i < w->count; i++)
        buf_printf(b, "%s\"%.*s\"*", i ? " AND " : "", (int)w->n[i], w->w[i]);
    buf_putc(b, ')');
}

static void phrase(Buf *b, const Words *w) {
    buf_putc(b, '"');
    for (int i = 0; i < w->nseq; i++)
        buf_printf(b, "%s%.*s", i ? " " : "", (int)w->seqn[i], w->seq[i]);
    buf_puts(b, "\"*");
}

/* The bare expression of title tier t (0..2). */
static void tier_only(Buf *b, const Words *w, int t) {
    buf_puts(b, "title : ");
    if (t == 0) buf_putc(b, '^');
    if (t < 2) phrase(b, w);
    else all_words(b, w);
}

static void kind_filter(Buf *b, int k) {
    if (k) buf_printf(b, "kind : \"%s\" AND ", kind_names[k]);
}

/* The MATCH expression for search_title of tier t (0..2) without the tier above it, or with
** whole set, of all three tiers; restricted to kind k when k != 0. */
static void tier_expr(Buf *b, const Words *w, int t, int k, bool whole) {
    buf_reset(b);
    kind_filter(b, k);
    buf_putc(b, '(');
    tier_only(b, w, t);
    if (t > 0 && !whole) {
        buf_puts(b, " NOT ");
        tier_only(b, w, t - 1);
    }
    buf_putc(b, ')');
}

/* The MATCH expression for search_fts: every word in the title or the extra text. */
/* The MATCH expression for search_fts: every word in the title or the extra text. Products
** are four records in five: intersecting their kind token's doclist costs more than testing
** the kind bits of each rowid (30% more for dense queries), so *bits asks for that instead. */
static void match_expr(Buf *b, const Words *w, int k, int *bits) {
    buf_reset(b);
    *bits = k == 1 ? k : 0;
    if (!*bits) kind_filter(b, k);
    buf_puts(b, "{title extra} : ");
    all_words(b, w);
}

/* Rows of search_title matching m, counted up to cap. -1 on a database error. */
static int64_t count_titles(Db *db, const char *m, int64_t cap) {
    Stmt *s = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM search_title WHERE search_title"
                             " MATCH ? LIMIT ?)");
    db_bind_text(s, 1, m);
    db_bind_int(s, 2, cap);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    return n;
}

typedef struct Page {
    int64_t *rowid;
    int *tier;
    int n, limit;
    int64_t skip; /* matches still to pass over before the page starts */
} Page;

static void page_add(Page *p, int64_t rowid, int tier) {
    p->rowid[p->n] = rowid;
    p->tier[p->n++] = tier;
}

/* Fill the page from tiers 0..2. -1 on a database error. */
static int title_tiers(Db *db, const Words *w, int k, Page *p) {
    Buf m = BUF_INIT;
    int ret = 0;
    for (int t = 0; t < 3 && !ret && p->n < p->limit; t++) {
        if (t == 2 && w->nseq == 1) continue; /* one word: tier 2 is tier 1 */
        tier_expr(&m, w, t, k, false);
        Stmt *s = db_prepare(db, "SELECT rowid FROM search_title WHERE search_title MATCH ?"
                                 " ORDER BY rowid LIMIT ? OFFSET ?");
        db_bind_text(s, 1, m.p);
        db_bind_int(s, 2, p->limit - p->n);
        db_bind_int(s, 3, p->skip);
        int rc, got = 0;
        while ((rc = db_step(s)) == DB_ROW) {
            page_add(p, db_col_int(s, 0), t);
            got++;
        }
        db_done(s);
        if (rc == DB_ERROR) {
            ret = -1;
        } else if (got) {
            p->skip = 0;
        } else if (p->skip) {
            /* This tier lies wholly before the page: pass over its rows in the next one. */
            int64_t n = count_titles(db, m.p, p->skip);
            if (n < 0) ret = -1;
            else p->skip -= n;
        }
    }
    buf_free(&m);
    return ret;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Count the matches of search_fts (up to SEARCH_COUNT_MAX + 1) into *total and, when the page
** is not full, fill it from tier 3: matches in rowid order that are not in tiers 0..2.
** -1 on a database error. */
static int main_pass(Db *db, const Words *w, int k, Page *p, int64_t *total) {
    Buf m = BUF_INIT;
    int ret = 0, bits;
    match_expr(&m, w, k, &bits);
    if (p->n == p->limit) {
        Stmt *s = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts"
                                 " MATCH ?1 AND (?2 = 0 OR (rowid >> 48) & 3 = ?2) LIMIT ?3)");
        db_bind_text(s, 1, m.p);
        db_bind_int(s, 2, bits);
        db_bind_int(s, 3, SEARCH_COUNT_MAX + 1);
        if (db_step(s) == DB_ROW) *total = db_col_int(s, 0);
        else ret = -1;
        db_done(s);
        buf_free(&m);
        return ret;
    }
    /* The page is not full, so tiers 0..2 together hold fewer than offset + limit records:
    ** fetch them all (sorted by rowid) to leave them out of tier 3. */
    Buf t2 = BUF_INIT;
    int64_t *above = NULL;
    size_t nabove = 0, cap = 0, ai = 0;
    tier_expr(&t2, w, 2, k, true);
    Stmt *s = db_prepare(db, "SELECT rowid FROM search_title WHERE search_title MATCH ?"
                             " ORDER BY rowid");
    db_bind_text(s, 1, t2.p);
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (nabove == cap) above = xrealloc(above, (cap = cap ? cap * 2 : 64) * sizeof *above);
        above[nabove++] = db_col_int(s, 0);
    }
    db_done(s);
    if (rc == DB_ERROR) ret = -1;
    if (nabove) qsort(above, nabove, sizeof *above, cmp_i64); /* in order already; insurance */

    s = db_prepare(db, "SELECT rowid FROM search_fts WHERE search_fts MATCH ?1"
                       " AND (?2 = 0 OR (rowid >> 48) & 3 = ?2) ORDER BY rowid LIMIT ?3");
    db_bind_text(s, 1, m.p);
    db_bind_int(s, 2, bits);
    db_bind_int(s, 3, SEARCH_COUNT_MAX + 1);
    int64_t n = 0;
    while (!ret && (rc = db_step(s)) == DB_ROW) {
        n++;
        if (p->n == p->limit) continue;
        int64_t rowid = db_col_int(s, 0);
        while (ai < nabove && above[ai] < rowid) ai++;
        if (ai < nabove && above[ai] == rowid) continue;
        if (p->skip) p->skip--;
        else page_add(p, rowid, 3);
    }
    db_done(s);
    if (rc == DB_ERROR) ret = -1;
    *total = n;
    free(above);
    buf_free(&t2);
    buf_free(&m);
    return ret;
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
    if (!text_utf8_valid(q, qn, NULL))
        return err_set(e, 422, "q", "the search text is not valid UTF-8");
    int k = 0;
    if (kind && *kind && !(k = kind_code(kind)))
        return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (limit < 1 || limit > SEARCH_LIMIT_MAX)
        return err_set(e, 422, "limit", "limit must be between 1 and %d", SEARCH_LIMIT_MAX);
    if (offset < 0 || offset > SEARCH_COUNT_MAX - limit)
        return err_set(e, 422, "offset", "offset must be between 0 and %d",
                       SEARCH_COUNT_MAX - limit);

    Buf f = BUF_INIT;
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
    int64_t rowids[SEARCH_LIMIT_MAX];
    int tiers[SEARCH_LIMIT_MAX];
    Page p = {rowids, tiers, 0, limit, offset};
    int ret = 0;
    if (title_tiers(db, &w, k, &p) || main_pass(db, &w, k, &p, total)) {
        ret = db_fail(db, e, "query");
        p.n = 0;
        *total = 0;
    }
    SearchHit *h = p.n ? arena_alloc(a, (size_t)p.n * sizeof *h) : NULL;
    Buf hl = BUF_INIT;
    for (int i = 0; i < p.n; i++) {
        SearchHit *x = &h[i];
        int words = (int)(p.rowid[i] >> WORDS_SHIFT), kc = (int)(p.rowid[i] >> KIND_SHIFT) & 3;
        x->kind = kc ? kind_names[kc] : "?";
        x->id = p.rowid[i] & ID_MAX;
        x->score = (4 - p.tier[i]) * 100 - words;
        Stmt *s = db_prepare(db, "SELECT display FROM search_docs WHERE doc = ?");
        db_bind_int(s, 1, p.rowid[i]);
        const char *title = db_step(s) == DB_ROW ? db_col_text(s, 0) : NULL;
        x->title = arena_strdup(a, title ? title : "");
        db_done(s);
        buf_reset(&hl);
        text_highlight(&hl, x->title, q);
        x->highlight = arena_strdup(a, buf_str(&hl));
    }
    *hits = h;
    *nhits = p.n;
    buf_free(&hl);
    buf_free(&f);
    return ret;
}
