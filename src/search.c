/*
** search.c: the search index and ranked search (see search.h).
**
** search_docs (sql/002_search.sql) is the index's persistent form: one row per product,
** producer and craft village with its title and extra text already folded by text_fold. Writes
** touch only that table (a few microseconds a record, so a bulk import of 100,000 products
** stays cheap) and bump search_meta.version (sql/004_search_mem.sql).
**
** Queries run on an in-memory inverted index built from search_docs: the sorted vocabulary of
** folded words, and for each word the sorted list of records having it in the title, in the
** title's first position, or anywhere. A query is a few binary searches (every query word is
** a prefix), bitmap unions and intersections over the records, and a walk in record order;
** no SQL, no sorting of matches. The server's connections share one index (a SearchCache).
** When search_meta.version has moved, the records the writes changed are masked out of it and
** indexed again in a small overlay that queries merge (a few milliseconds), so every search
** sees every committed write without the whole index being built again (about a quarter of a
** second for 125,000 records); see "the index a search uses" below.
**
** PostgreSQL (db_pg.c, later) changes nothing here: search_docs and search_meta are plain
** tables, and the folding stays in text_fold.
*/
#include "search.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
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
    if (!*k) return err_set(e, 422, "kind", "%s must be product, producer or village", "kind");
    if (id < 1 || id > ID_MAX) return err_set(e, 422, "id", "id out of range");
    return 0;
}

static void note_change(Db *db, int k, int64_t id);
static int note_version(Db *db, int64_t prev, int64_t next);
static void note_clear(Db *db);

/* Remove the record of kind k with this id, if it is indexed. */
static int remove_doc(Db *db, int k, int64_t id, Err *e) {
    note_change(db, k, id); /* every change of a record's row passes here (put_doc too) */
    Stmt *s = db_prepare(db, "DELETE FROM search_docs WHERE kind = ? AND ref_id = ?");
    db_bind_text(s, 1, kind_names[k]);
    db_bind_int(s, 2, id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ERROR ? db_fail(db, e, "delete") : 0;
}

/* Every write moves the version, which tells the in-memory indexes that something changed.
** It moves by a random step, so that two writes that start from the same version (one of them
** rolled back) never end at the same one: an index that noted which records a write changed
** (note_version) can then trust its notes. */
static int bump(Db *db, int rc, Err *e) {
    if (rc) {
        note_clear(db);
        return rc;
    }
    int64_t step = (int64_t)randombytes_uniform(1u << 30) + 1;
    Stmt *s = db_prepare(db, "UPDATE search_meta SET version = version + ? WHERE id = 1 RETURNING version");
    db_bind_int(s, 1, step);
    int st = db_step(s);
    int64_t next = st == DB_ROW ? db_col_int(s, 0) : 0;
    if (st == DB_ROW) st = db_step(s);
    db_done(s);
    if (st == DB_ERROR) {
        note_clear(db);
        return db_fail(db, e, "version");
    }
    return note_version(db, next - step, next);
}

/* Writes happen in the caller's transaction, or in one of their own. */
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
    return tx_end(db, own, bump(db, remove_doc(db, k, id, e), e), e);
}

/* Add a record known not to be indexed. */
static int insert_doc(Db *db, int k, int64_t id, const char *title, const char *extra, Err *e) {
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
    buf_free(&ft);
    buf_free(&fx);
    return rc == DB_ERROR ? db_fail(db, e, "insert") : 0;
}

static int put_doc(Db *db, int k, int64_t id, const char *title, const char *extra, Err *e) {
    if (remove_doc(db, k, id, e)) return -1;
    return insert_doc(db, k, id, title, extra, e);
}

int search_put(Db *db, const char *kind, int64_t id, const char *title, const char *extra, Err *e) {
    int k;
    bool own;
    if (check_key(kind, id, &k, e) || tx_begin(db, &own, e)) return -1;
    return tx_end(db, own, bump(db, put_doc(db, k, id, title, extra, e), e), e);
}

/* ---- what is indexed ---------------------------------------------------------------- */

/* The name of the commune (2025 geography) whose code is in column col. */
#define COMMUNE_NAME(col) \
    "(SELECT u.name FROM units u WHERE u.code = " col " AND u.geo = '2025'" \
    " AND u.level = 'commune' AND u.valid_to IS NULL)"

/* What is indexed, per kind: each query yields id, title, then the pieces of the extra text.
** [k][0] reads every record, [k][1] the one whose id is bound to ?. */
#define PRODUCT_SQL \
    "SELECT p.id, p.name, p.code, pr.name, " COMMUNE_NAME("p.commune_code") ", p.gi, p.mark" \
    " FROM products p JOIN producers pr ON pr.id = p.producer_id"
/* Producers are found by their public fields only: the legal representative's name is
** personal data (FF_PERSONAL in registry.c), so a public search must not match it. */
#define PRODUCER_SQL \
    "SELECT r.id, r.name, r.reg_no, v.name, " COMMUNE_NAME("r.commune_code") "," \
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

/* Index every record of kind k the statement of index_sql[k] yields: id, that record; id 0 and
** after 0, all of them into an empty search_docs; after != 0, those with an id above after
** (-1: all), known not to be indexed. *found counts them. */
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
                : insert_doc(db, k, rid, db_col_text(s, 1), buf_str(&extra), e))) {
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
    return tx_end(db, own, bump(db, index_one(db, k, id, e), e), e);
}

int search_index_after(Db *db, const char *kind, int64_t after_id, Err *e) {
    int k = kind_code(kind), found = 0;
    bool own;
    if (!k) return err_set(e, 422, "kind", "%s must be product, producer or village", "kind");
    if (after_id < 0) after_id = 0;
    if (tx_begin(db, &own, e)) return -1;
    int rc = index_rows_from(db, k, 0, after_id ? after_id : -1, &found, e);
    note_change(db, 0, 0); /* many records: every index builds itself again */
    return tx_end(db, own, bump(db, rc, e), e);
}

int search_rebuild(Db *db, Err *e) {
    bool own;
    if (tx_begin(db, &own, e)) return -1;
    int found;
    int rc = db_exec(db, "DELETE FROM search_docs", e);
    for (int k = 1; k < (int)COUNT(kind_names) && !rc; k++) rc = index_rows(db, k, 0, &found, e);
    note_change(db, 0, 0);
    return tx_end(db, own, bump(db, rc, e), e);
}

/* ---- query words ------------------------------------------------------------------- */

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

/* ---- the in-memory index ------------------------------------------------------------ */

enum { IN_ALL = 1, IN_TITLE = 2, IN_FIRST = 4 }; /* where a record has a word */
enum { NLISTS = 3 };                             /* postings: anywhere, in the title, first */

typedef struct DocKey {
    int64_t key; /* kind << 48 | id */
    uint32_t d;  /* record number */
} DocKey;

typedef struct MemIndex {
    atomic_int refs;      /* the cache's reference, plus one per search using it */
    int64_t version;      /* search_meta.version it was built from */
    uint32_t ndocs, nterms, nwords; /* records; distinct words; bitmap length in uint64_t */
    int64_t *doc;         /* search_docs.doc of each record, ascending: the ranking order */
    char **title;         /* folded title of each record */
    char **display;       /* the title as written */
    const char **term;    /* the vocabulary, sorted (strcmp) */
    uint32_t *start[NLISTS]; /* nterms + 1 offsets into post[l] */
    uint32_t *post[NLISTS];  /* record numbers, ascending within a term */
    uint64_t *kind[4];    /* bitmap of the records of each kind (1..3) */
    char *text;           /* the extra texts and display titles */
    char *titles;         /* the folded titles, contiguous (phrase checks read them in order) */
    char *vocab;          /* the words of term[] */
    DocKey *keys;         /* (kind, id) of each record, sorted: finds a record by its key */
} MemIndex;

/* A record's kind and id, as in doc's low bits. */
#define KEY_MASK (((int64_t)1 << WORDS_SHIFT) - 1)
static int64_t doc_key(int k, int64_t id) { return ((int64_t)k << KIND_SHIFT) | id; }

/* The record number of key in m, or -1. */
static int64_t find_key(const MemIndex *m, int64_t key) {
    size_t a = 0, b = m->ndocs;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (m->keys[mid].key < key) a = mid + 1;
        else b = mid;
    }
    return a < m->ndocs && m->keys[a].key == key ? (int64_t)m->keys[a].d : -1;
}

static void memindex_free(void *p) {
    MemIndex *m = p;
    if (!m) return;
    free(m->doc);
    free(m->title);
    free(m->display);
    free(m->term);
    for (int l = 0; l < NLISTS; l++) {
        free(m->start[l]);
        free(m->post[l]);
    }
    for (int k = 0; k < 4; k++) free(m->kind[k]);
    free(m->text);
    free(m->titles);
    free(m->vocab);
    free(m->keys);
    free(m);
}

/* Open-addressing map from a word to its (unsorted) term number during a build. */
typedef struct WordMap {
    uint32_t *slot; /* term + 1, 0 = empty */
    uint32_t cap;
} WordMap;

static uint32_t hash_word(const char *w, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h;
}

typedef struct Build {
    Buf words;              /* the distinct words, NUL-separated */
    uint32_t *word_off;     /* offset of each distinct word in words */
    uint32_t nwords, capwords;
    WordMap map;
    uint32_t *last_doc, *last_pair; /* per word: last record seen, and its pair */
    uint32_t *pair_word, *pair_doc;
    uint8_t *pair_where;
    size_t npairs, cappairs;
} Build;

static uint32_t word_id(Build *b, const char *w, size_t n) {
    if (b->nwords * 2 >= b->map.cap) {
        uint32_t cap = b->map.cap ? b->map.cap * 2 : 1 << 16;
        uint32_t *slot = xcalloc(cap, sizeof *slot);
        for (uint32_t i = 0; i < b->map.cap; i++) {
            uint32_t t = b->map.slot[i];
            if (!t) continue;
            const char *s = b->words.p + b->word_off[t - 1];
            uint32_t j = hash_word(s, strlen(s)) & (cap - 1);
            while (slot[j]) j = (j + 1) & (cap - 1);
            slot[j] = t;
        }
        free(b->map.slot);
        b->map.slot = slot;
        b->map.cap = cap;
    }
    uint32_t j = hash_word(w, n) & (b->map.cap - 1);
    for (;; j = (j + 1) & (b->map.cap - 1)) {
        uint32_t t = b->map.slot[j];
        if (!t) break;
        const char *s = b->words.p + b->word_off[t - 1];
        if (strncmp(s, w, n) == 0 && s[n] == 0) return t - 1;
    }
    if (b->nwords == b->capwords) {
        b->capwords = b->capwords ? b->capwords * 2 : 4096;
        b->word_off = xrealloc(b->word_off, b->capwords * sizeof *b->word_off);
        b->last_doc = xrealloc(b->last_doc, b->capwords * sizeof *b->last_doc);
        b->last_pair = xrealloc(b->last_pair, b->capwords * sizeof *b->last_pair);
    }
    uint32_t t = b->nwords++;
    b->word_off[t] = (uint32_t)b->words.n;
    buf_append(&b->words, w, n);
    buf_putc(&b->words, 0);
    b->last_doc[t] = UINT32_MAX;
    b->map.slot[j] = t + 1;
    return t;
}

/* Note that record d has every word of folded text s, with where (IN_*). */
static void add_words(Build *b, uint32_t d, const char *s, int where) {
    int first = where & IN_TITLE;
    for (const char *p = s; *p;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        if (n) {
            uint32_t t = word_id(b, p, n);
            int w = where | (first ? IN_FIRST : 0);
            if (b->last_doc[t] == d) {
                b->pair_where[b->last_pair[t]] |= (uint8_t)w;
            } else {
                if (b->npairs == b->cappairs) {
                    b->cappairs = b->cappairs ? b->cappairs * 2 : 1 << 16;
                    b->pair_word = xrealloc(b->pair_word, b->cappairs * sizeof *b->pair_word);
                    b->pair_doc = xrealloc(b->pair_doc, b->cappairs * sizeof *b->pair_doc);
                    b->pair_where = xrealloc(b->pair_where, b->cappairs);
                }
                b->pair_word[b->npairs] = t;
                b->pair_doc[b->npairs] = d;
                b->pair_where[b->npairs] = (uint8_t)w;
                b->last_doc[t] = d;
                b->last_pair[t] = (uint32_t)b->npairs++;
            }
        }
        first = 0;
        p += n;
        if (*p) p++;
    }
}

typedef struct SortWord {
    const char *s;
    uint32_t id;
} SortWord;

static int cmp_sortword(const void *a, const void *b) {
    return strcmp(((const SortWord *)a)->s, ((const SortWord *)b)->s);
}

static void build_free(Build *b) {
    free(b->word_off);
    free(b->map.slot);
    free(b->last_doc);
    free(b->last_pair);
    free(b->pair_word);
    free(b->pair_doc);
    free(b->pair_where);
}

/* The next row for memindex_build: every row of search_docs in doc order (sel NULL), or the
** rows of the docs sel[0..nsel), ascending, that are there. DB_ROW with *s on it (the caller
** hands it back with db_done), DB_DONE or DB_ERROR. */
static int next_row(Db *db, const int64_t *sel, size_t nsel, size_t *i, Stmt **s) {
    if (!sel) return db_step(*s);
    while (*i < nsel) {
        *s = db_prepare(db, "SELECT doc, title, extra, display FROM search_docs WHERE doc = ?");
        db_bind_int(*s, 1, sel[(*i)++]);
        int rc = db_step(*s);
        if (rc != DB_DONE) return rc;
        db_done(*s);
    }
    *s = NULL;
    return DB_DONE;
}

static int cmp_key(const void *a, const void *b) {
    const DocKey *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Build the index of every row of search_docs (sel NULL), or of the rows of the docs
** sel[0..nsel) (ascending). NULL with e on a database error. */
static MemIndex *memindex_build(Db *db, const int64_t *sel, size_t nsel, int64_t version, Err *e) {
    Buf text = BUF_INIT, titles = BUF_INIT;
    size_t cap = 1024, n = 0, at = 0;
    int64_t *doc = xmalloc(cap * sizeof *doc);
    size_t *off = xmalloc(cap * 3 * sizeof *off);
    Stmt *s = sel ? NULL : db_prepare(db, "SELECT doc, title, extra, display FROM search_docs ORDER BY doc");
    int rc;
    while ((rc = next_row(db, sel, nsel, &at, &s)) == DB_ROW) {
        if (n == cap) {
            cap *= 2;
            doc = xrealloc(doc, cap * sizeof *doc);
            off = xrealloc(off, cap * 3 * sizeof *off);
        }
        doc[n] = db_col_int(s, 0);
        for (int c = 0; c < 3; c++) {
            Buf *into = c == 0 ? &titles : &text;
            off[n * 3 + (size_t)c] = into->n;
            const char *v = db_col_text(s, c + 1);
            if (v) buf_append(into, v, strlen(v));
            buf_putc(into, 0);
        }
        n++;
        if (sel) db_done(s);
    }
    if (s) db_done(s);
    if (rc == DB_ERROR) {
        free(doc);
        free(off);
        buf_free(&text);
        buf_free(&titles);
        db_fail(db, e, "reading the index");
        return NULL;
    }
    MemIndex *m = xcalloc(1, sizeof *m);
    atomic_init(&m->refs, 1);
    m->version = version;
    m->ndocs = (uint32_t)n;
    m->nwords = (uint32_t)((n + 63) / 64);
    m->doc = doc;
    m->text = buf_take(&text);
    m->titles = buf_take(&titles);
    m->title = xmalloc((n ? n : 1) * sizeof *m->title);
    m->display = xmalloc((n ? n : 1) * sizeof *m->display);
    for (int k = 0; k < 4; k++) m->kind[k] = xcalloc(m->nwords ? m->nwords : 1, sizeof(uint64_t));
    Build b = {0};
    for (size_t d = 0; d < n; d++) {
        m->title[d] = m->titles + off[d * 3];
        m->display[d] = m->text + off[d * 3 + 2];
        int k = (int)(doc[d] >> KIND_SHIFT) & 3;
        m->kind[k][d / 64] |= (uint64_t)1 << (d % 64);
        add_words(&b, (uint32_t)d, m->title[d], IN_ALL | IN_TITLE);
        add_words(&b, (uint32_t)d, m->text + off[d * 3 + 1], IN_ALL);
    }
    free(off);
    /* Records by kind and id, for masking out those a later write changed. */
    m->keys = xmalloc((n ? n : 1) * sizeof *m->keys);
    for (size_t d = 0; d < n; d++) m->keys[d] = (DocKey){doc[d] & KEY_MASK, (uint32_t)d};
    qsort(m->keys, n, sizeof *m->keys, cmp_key);

    /* The vocabulary in order; rank[w] is word w's place in it. */
    m->nterms = b.nwords;
    m->vocab = buf_take(&b.words);
    SortWord *sw = xmalloc((b.nwords ? b.nwords : 1) * sizeof *sw);
    for (uint32_t t = 0; t < b.nwords; t++) sw[t] = (SortWord){m->vocab + b.word_off[t], t};
    qsort(sw, b.nwords, sizeof *sw, cmp_sortword);
    uint32_t *rank = xmalloc((b.nwords ? b.nwords : 1) * sizeof *rank);
    m->term = xmalloc((b.nwords ? b.nwords : 1) * sizeof *m->term);
    for (uint32_t r = 0; r < b.nwords; r++) {
        m->term[r] = sw[r].s;
        rank[sw[r].id] = r;
    }
    free(sw);

    /* Postings: count per word and list, offsets, then fill in record order (the pairs are
    ** in record order already, so every list comes out sorted). */
    for (int l = 0; l < NLISTS; l++) m->start[l] = xcalloc((size_t)m->nterms + 1, sizeof(uint32_t));
    for (size_t i = 0; i < b.npairs; i++) {
        uint32_t r = rank[b.pair_word[i]];
        for (int l = 0; l < NLISTS; l++)
            if (b.pair_where[i] & (1 << l)) m->start[l][r + 1]++;
    }
    for (int l = 0; l < NLISTS; l++) {
        for (uint32_t r = 0; r < m->nterms; r++) m->start[l][r + 1] += m->start[l][r];
        m->post[l] = xmalloc(((size_t)m->start[l][m->nterms] + 1) * sizeof(uint32_t));
    }
    uint32_t *fill[NLISTS];
    for (int l = 0; l < NLISTS; l++) {
        fill[l] = xmalloc(((size_t)m->nterms + 1) * sizeof(uint32_t));
        memcpy(fill[l], m->start[l], ((size_t)m->nterms + 1) * sizeof(uint32_t));
    }
    for (size_t i = 0; i < b.npairs; i++) {
        uint32_t r = rank[b.pair_word[i]];
        for (int l = 0; l < NLISTS; l++)
            if (b.pair_where[i] & (1 << l)) m->post[l][fill[l][r]++] = b.pair_doc[i];
    }
    for (int l = 0; l < NLISTS; l++) free(fill[l]);
    free(rank);
    build_free(&b);
    return m;
}

/* ---- the index a search uses: a big index and a small overlay ----------------------- */

/* A View is what one search reads: the base index (built from the whole of search_docs at some
** version), the records of it that later writes changed or removed (dead), and an overlay
** index of those records' current rows. A write therefore costs the next search only the
** indexing of the records it changed (a few, or a producer's products), not of all 200,000.
**
** Which records changed between the base's version and the current one is known from notes
** the writes leave in the cache (note_version): a chain of (version before, version after,
** records). The version moves by a random step, so a write that was rolled back leaves a note
** that no committed version ever reaches. A version the chain does not reach (a write by
** another process: an import on the command line) or a change of everything (a rebuild, a
** bulk import) makes the next search build the whole index again, as before.
**
** When the overlay grows past FOLD_AT records, a thread of the cache builds a new base from
** search_docs with its own connection while searches go on with the old base and overlay, and
** swaps it in when done. */

enum {
    FOLD_AT = 1000,     /* changed records (plus 1/64 of the base) from which to fold */
    NOTES_MAX = 8192,   /* chain links kept; the oldest half goes when full */
    OVERLAY_MAX = 50000 /* more changed records than this: build the whole index at once */
};

typedef struct Note {
    int64_t prev, next; /* search_meta.version before and after the write */
    int64_t *keys;      /* doc_key of each record it changed (malloc'd); NULL with all */
    size_t nkeys;
    bool all;           /* it changed everything */
} Note;

typedef struct View {
    atomic_int refs;  /* the cache's reference, plus one per search using it */
    int64_t version;  /* search_meta.version it shows */
    MemIndex *base;   /* holding a reference */
    MemIndex *ov;     /* the changed records' current rows (NULL: none changed); its own */
    uint64_t *dead;   /* base records changed or removed since (base->nwords bitmap), or NULL */
    size_t changed;   /* records changed since the base */
} View;

/* Where a connection finds its index: a SearchCache shared by the server's workers
** (search_cache_use), or, for a connection on its own (the command line, tests), a private one
** made on first use and freed with the connection. */
struct SearchCache {
    pthread_mutex_t mu; /* the view, the fold, the stats */
    View *view;        /* the current view (holding one reference), or NULL */
    /* Writers take only notes_mu (after mu when both are held), so a write never waits for a
    ** search building the whole index. */
    pthread_mutex_t notes_mu;
    Note *notes;       /* the chain of writes, oldest first */
    size_t nnotes;
    char *db_path;     /* for the fold's own connection */
    pthread_t folder;  /* the thread building a new base, when folding */
    bool folding, joinable;
    SearchStats stats;
};

/* What a connection attaches: the cache it reads (shared or its own) and the records its
** current write changed, noted until the write moves the version. */
typedef struct SearchConn {
    SearchCache *cache;
    bool own;          /* a private cache, freed with the connection */
    int64_t *keys;
    size_t nkeys, cap;
    bool all;
} SearchConn;

SearchCache *search_cache_new(void) {
    SearchCache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->notes_mu, NULL);
    return c;
}

static void release(MemIndex *m) {
    if (m && atomic_fetch_sub(&m->refs, 1) == 1) memindex_free(m);
}

static void view_release(View *v) {
    if (!v || atomic_fetch_sub(&v->refs, 1) != 1) return;
    release(v->base);
    release(v->ov);
    free(v->dead);
    free(v);
}

static void notes_drop(SearchCache *c, size_t n) {
    if (!n) return;
    for (size_t i = 0; i < n; i++) free(c->notes[i].keys);
    memmove(c->notes, c->notes + n, (c->nnotes - n) * sizeof *c->notes);
    c->nnotes -= n;
}

void search_cache_free(SearchCache *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    bool join = c->joinable;
    pthread_mutex_unlock(&c->mu);
    if (join) pthread_join(c->folder, NULL);
    view_release(c->view);
    notes_drop(c, c->nnotes);
    free(c->notes);
    free(c->db_path);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->notes_mu);
    free(c);
}

static void conn_free(void *p) {
    SearchConn *sc = p;
    if (sc->own) search_cache_free(sc->cache);
    free(sc->keys);
    free(sc);
}

static SearchConn *conn_attach(Db *db, SearchCache *c, bool own) {
    SearchConn *sc = xcalloc(1, sizeof *sc);
    sc->cache = c;
    sc->own = own;
    db_attach(db, sc, conn_free);
    return sc;
}

void search_cache_use(Db *db, SearchCache *c) { conn_attach(db, c, false); }

/* This connection's SearchConn, with a private cache made on first use. */
static SearchConn *conn_of(Db *db) {
    SearchConn *sc = db_attached(db);
    return sc ? sc : conn_attach(db, search_cache_new(), true);
}

static void note_change(Db *db, int k, int64_t id) {
    SearchConn *sc = conn_of(db);
    if (!k) {
        sc->all = true;
        return;
    }
    if (sc->all || sc->nkeys > OVERLAY_MAX) return;
    if (sc->nkeys == sc->cap) {
        sc->cap = sc->cap ? sc->cap * 2 : 16;
        sc->keys = xrealloc(sc->keys, sc->cap * sizeof *sc->keys);
    }
    sc->keys[sc->nkeys++] = doc_key(k, id);
}

static void note_clear(Db *db) {
    SearchConn *sc = conn_of(db);
    sc->nkeys = 0;
    sc->all = false;
}

/* The write of this connection moved the version from prev to next: note what it changed. */
static int note_version(Db *db, int64_t prev, int64_t next) {
    SearchConn *sc = conn_of(db);
    SearchCache *c = sc->cache;
    Note n = {prev, next, NULL, sc->nkeys, sc->all || sc->nkeys > OVERLAY_MAX};
    if (!n.all && n.nkeys) {
        n.keys = xmalloc(n.nkeys * sizeof *n.keys);
        memcpy(n.keys, sc->keys, n.nkeys * sizeof *n.keys);
    }
    note_clear(db);
    pthread_mutex_lock(&c->notes_mu);
    if (c->nnotes == NOTES_MAX) notes_drop(c, NOTES_MAX / 2);
    if (!c->notes) c->notes = xmalloc(NOTES_MAX * sizeof *c->notes);
    c->notes[c->nnotes++] = n;
    pthread_mutex_unlock(&c->notes_mu);
    return 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int64_t *chain_keys(SearchCache *c, int64_t from, int64_t to, size_t *n) {
    *n = 0;
    int64_t *keys = NULL;
    size_t cap = 0;
    size_t i = c->nnotes;
    for (int64_t at = to; at != from;) {
        /* the note that ends at at: the chain runs backwards, mostly in the order of notes */
        size_t j = i;
        while (j > 0 && c->notes[j - 1].next != at) j--;
        if (j == 0) {
            for (j = c->nnotes; j > i && c->notes[j - 1].next != at; j--) {}
            if (j == i) goto fail;
        }
        const Note *nt = &c->notes[j - 1];
        if (nt->all || *n + nt->nkeys > OVERLAY_MAX) goto fail;
        if (*n + nt->nkeys > cap) {
            cap = (*n + nt->nkeys) * 2;
            keys = xrealloc(keys, cap * sizeof *keys);
        }
        if (nt->nkeys) memcpy(keys + *n, nt->keys, nt->nkeys * sizeof *keys);
        *n += nt->nkeys;
        at = nt->prev;
        i = j - 1;
    }
    if (!*n) {
        free(keys);
        return NULL;
    }
    qsort(keys, *n, sizeof *keys, cmp_i64);
    size_t u = 0;
    for (size_t k = 0; k < *n; k++)
        if (!u || keys[u - 1] != keys[k]) keys[u++] = keys[k];
    *n = u;
    return keys;
fail:
    free(keys);
    *n = SIZE_MAX;
    return NULL;
}

/* The records changed from version from to version to, by the chain of notes: a sorted,
** distinct, malloc'd array of doc keys (*n of them). NULL with *n = 0 when nothing changed;
** NULL with *n = SIZE_MAX when the chain does not lead there, or everything changed, or too
** much did. Takes c->notes_mu. */
static int64_t *changes_between(SearchCache *c, int64_t from, int64_t to, size_t *n) {
    pthread_mutex_lock(&c->notes_mu);
    int64_t *keys = chain_keys(c, from, to, n);
    pthread_mutex_unlock(&c->notes_mu);
    return keys;
}

static View *view_new(MemIndex *base, int64_t version) {
    View *v = xcalloc(1, sizeof *v);
    atomic_init(&v->refs, 1);
    v->version = version;
    v->base = base;
    return v;
}

/* The overlay over base of the records keys[0..n) (sorted): those masked out of the base, the
** current rows of those still indexed in the overlay. NULL with e on a database error. */
static View *view_overlay(Db *db, MemIndex *base, const int64_t *keys, size_t n, int64_t version, Err *e) {
    uint64_t *dead = xcalloc(base->nwords ? base->nwords : 1, sizeof *dead);
    int64_t *docs = xmalloc(n * sizeof *docs);
    size_t nd = 0;
    int rc = DB_DONE;
    for (size_t i = 0; i < n && rc != DB_ERROR; i++) {
        int64_t d = find_key(base, keys[i]);
        if (d >= 0) dead[d / 64] |= (uint64_t)1 << (d % 64);
        Stmt *s = db_prepare(db, "SELECT doc FROM search_docs WHERE kind = ? AND ref_id = ?");
        db_bind_text(s, 1, kind_names[(keys[i] >> KIND_SHIFT) & 3]);
        db_bind_int(s, 2, keys[i] & ID_MAX);
        if ((rc = db_step(s)) == DB_ROW) docs[nd++] = db_col_int(s, 0);
        db_done(s);
    }
    MemIndex *ov = NULL;
    if (rc != DB_ERROR) {
        qsort(docs, nd, sizeof *docs, cmp_i64);
        ov = memindex_build(db, docs, nd, version, e);
    } else {
        db_fail(db, e, "reading changed records");
    }
    free(docs);
    if (!ov) {
        free(dead);
        return NULL;
    }
    atomic_fetch_add(&base->refs, 1);
    View *v = view_new(base, version);
    v->ov = ov;
    v->dead = dead;
    v->changed = n;
    return v;
}

static void install(SearchCache *c, View *v) {
    view_release(c->view);
    c->view = v;
}

/* The fold: a new base from the whole of search_docs, built on a connection of its own while
** searches go on with the current view, then put in its place (when nothing newer came). */
static void *fold_main(void *arg) {
    SearchCache *c = arg;
    Err e = ERR_INIT;
    Db *db = db_open(c->db_path, &e);
    MemIndex *m = NULL;
    if (db) {
        Stmt *s = db_prepare(db, "SELECT version FROM search_meta WHERE id = 1");
        int64_t version = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
        db_done(s);
        m = version >= 0 ? memindex_build(db, NULL, 0, version, &e) : NULL;
        db_close(db);
    }
    pthread_mutex_lock(&c->mu);
    if (m && c->view && m->version > c->view->base->version) {
        /* The next search lays the changes since m's version over it. */
        install(c, view_new(m, m->version));
        c->stats.folds++;
    } else {
        release(m);
    }
    c->folding = false;
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* Start the fold unless one runs; called with c->mu held. */
static void fold_start(SearchCache *c, Db *db) {
    if (c->folding) return;
    if (c->joinable) pthread_join(c->folder, NULL); /* the last one, finished */
    c->joinable = false;
    if (!c->db_path) c->db_path = xstrdup(db_path(db));
    c->folding = true;
    if (pthread_create(&c->folder, NULL, fold_main, c) != 0) {
        c->folding = false;
        return;
    }
    c->joinable = true;
}

/* The current view for db, with a reference the caller gives back with view_release: the
** overlay laid again, or the whole index built, when search_meta.version has moved. NULL with
** e on a database error. */
static View *acquire(Db *db, Err *e) {
    SearchCache *c = conn_of(db)->cache;
    Stmt *s = db_prepare(db, "SELECT version FROM search_meta WHERE id = 1");
    int64_t version = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    pthread_mutex_lock(&c->mu);
    /* Any other version: the view is laid again for it. (Not "only when newer": a connection
    ** that searched inside its own write transaction may have left a view of what it then
    ** rolled back; the next reader replaces it. A reader whose snapshot is older than the
    ** view gets an overlay for its own version.) */
    if (!c->view || c->view->version != version) {
        uint64_t t0 = now_ns();
        View *v = NULL;
        size_t n = SIZE_MAX;
        int64_t *keys = c->view ? changes_between(c, c->view->base->version, version, &n) : NULL;
        if (n != SIZE_MAX) {
            v = n ? view_overlay(db, c->view->base, keys, n, version, e) : view_new(c->view->base, version);
            if (v && !n) atomic_fetch_add(&v->base->refs, 1);
            c->stats.overlays++;
        } else {
            MemIndex *m = memindex_build(db, NULL, 0, version, e);
            v = m ? view_new(m, version) : NULL;
            c->stats.builds++;
        }
        free(keys);
        if (!v) {
            pthread_mutex_unlock(&c->mu);
            return NULL;
        }
        if (getenv("OCOP_SEARCH_TRACE"))
            fprintf(stderr, "search index v%lld: %s, %u + %u records, %.1f ms\n", (long long)version,
                    n == SIZE_MAX ? "built" : "overlay", v->base->ndocs, v->ov ? v->ov->ndocs : 0,
                    (double)(now_ns() - t0) / 1e6);
        install(c, v);
        /* Fold when the overlay is big enough to slow searches or its own rebuilding. */
        if (v->changed > FOLD_AT + v->base->ndocs / 64) fold_start(c, db);
    }
    View *v = c->view;
    atomic_fetch_add(&v->refs, 1);
    pthread_mutex_unlock(&c->mu);
    return v;
}

int search_cache_warm(Db *db, Err *e) {
    View *v = acquire(db, e);
    view_release(v);
    return v ? 0 : -1;
}

void search_cache_stats(Db *db, SearchStats *out) {
    SearchCache *c = conn_of(db)->cache;
    pthread_mutex_lock(&c->mu);
    *out = c->stats;
    out->folding = c->folding;
    out->overlay = c->view ? c->view->changed : 0;
    pthread_mutex_unlock(&c->mu);
}

/* ---- querying ----------------------------------------------------------------------- */

/* Terms [*lo, *hi) of the vocabulary that start with w[0..n). */
static void term_range(const MemIndex *m, const char *w, size_t n, uint32_t *lo, uint32_t *hi) {
    uint32_t a = 0, b = m->nterms;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if (strncmp(m->term[mid], w, n) < 0) a = mid + 1;
        else b = mid;
    }
    *lo = a;
    /* the end: the first term past the prefix (binary search again, from lo) */
    b = m->nterms;
    while (a < b) {
        uint32_t mid = a + (b - a) / 2;
        if (strncmp(m->term[mid], w, n) <= 0) a = mid + 1;
        else b = mid;
    }
    *hi = a;
}

/* out |= the records having a word that starts with w, in list l. */
static void or_word(const MemIndex *m, int l, const char *w, size_t n, uint64_t *out) {
    uint32_t lo, hi;
    term_range(m, w, n, &lo, &hi);
    for (uint32_t p = m->start[l][lo]; p < m->start[l][hi]; p++) {
        uint32_t d = m->post[l][p];
        out[d / 64] |= (uint64_t)1 << (d % 64);
    }
}

static int popcount64(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (int)((x * 0x0101010101010101ull) >> 56);
}

/* Where the query's phrase stands in folded title t: 0 at its start, 1 further in, 2 not at
** all. Every word of the phrase but the last must be whole; the last may be a prefix. */
static int phrase_at(const char *t, const Words *w) {
    for (const char *p = t; *p;) {
        const char *q = p;
        int i = 0;
        for (; i < w->nseq; i++) {
            if (strncmp(q, w->seq[i], w->seqn[i]) != 0) break;
            q += w->seqn[i];
            if (i < w->nseq - 1) {
                if (*q != ' ') break;
                q++;
            }
        }
        if (i == w->nseq) return p == t ? 0 : 1;
        const char *sp = strchr(p, ' ');
        if (!sp) break;
        p = sp + 1;
    }
    return 2;
}

/* The matches of one index in ranking tiers (bitmaps over its records). */
typedef struct Ranked {
    const MemIndex *m;
    size_t nw;        /* bitmap length */
    uint64_t *tier[4];
    int64_t count;    /* matching records */
} Ranked;

/* Rank the records of m (but those in dead, when not NULL) for the query words w and kind k
** (0: all), far enough to fill the first need hits. Bitmaps in a. */
static void rank(const MemIndex *m, const uint64_t *dead, const Words *w, int k, int64_t need, Arena *a, Ranked *r) {
    /* Ranking. Matches are ordered by tier, then by record order (search_docs.doc: shorter
    ** titles first, then products, producers, villages, then by id):
    **   0  the title starts with the query as a phrase
    **   1  the title contains the query as a phrase
    **   2  the title contains every word
    **   3  every word is in the title or the extra text
    ** (every query word is a prefix; in a phrase every word but the last must be whole). */
    size_t nw = m->nwords ? m->nwords : 1;
    uint64_t *all = arena_alloc(a, nw * 8), *tit = arena_alloc(a, nw * 8), *tmp = arena_alloc(a, nw * 8);
    uint64_t **tier = r->tier;
    r->m = m;
    r->nw = nw;
    for (int t = 0; t < 4; t++) tier[t] = arena_alloc(a, nw * 8);
    /* all: records with every word anywhere; tit: with every word in the title. The first
    ** word's postings go straight in; later words intersect. */
    for (int i = 0; i < w->count; i++) {
        uint64_t *dst[2] = {all, tit};
        for (int l = 0; l < 2; l++) {
            uint64_t *into = i ? tmp : dst[l];
            memset(into, 0, nw * 8);
            or_word(m, l, w->w[i], w->n[i], into);
            if (i)
                for (size_t j = 0; j < nw; j++) dst[l][j] &= tmp[j];
        }
    }
    if (k)
        for (size_t j = 0; j < nw; j++) all[j] &= m->kind[k][j];
    if (dead)
        for (size_t j = 0; j < nw; j++) all[j] &= ~dead[j];
    int64_t count = 0;
    for (size_t j = 0; j < nw; j++) {
        tit[j] &= all[j];
        tier[3][j] = all[j] & ~tit[j];
        count += popcount64(all[j]);
    }
    r->count = count;
    if (w->nseq == 1) {
        /* One word: the phrase is the word; tier 0 has it first in the title, tier 1 the rest
        ** of tier 2's. */
        memset(tmp, 0, nw * 8);
        or_word(m, 2, w->seq[0], w->seqn[0], tmp);
        for (size_t j = 0; j < nw; j++) {
            tier[0][j] = tit[j] & tmp[j];
            tier[1][j] = tit[j] & ~tmp[j];
            tier[2][j] = 0;
        }
        return;
    }
    /* Several words: a phrase test per title, done only as far as the page needs. Tier 0 can
    ** only hold titles whose first word starts with the first query word (the FIRST postings):
    ** test those. Then walk the title matches in order, testing the others, until the page is
    ** full; only a page beyond tiers 0 and 1 needs the walk to the end (tier 2 is what is
    ** left). */
    int64_t have = 0;
    memset(tier[0], 0, nw * 8);
    memset(tier[1], 0, nw * 8);
    memset(tier[2], 0, nw * 8);
    uint64_t *first = tmp;
    memset(first, 0, nw * 8);
    or_word(m, 2, w->seq[0], w->seqn[0], first);
    for (size_t j = 0; j < nw; j++) {
        first[j] &= tit[j];
        for (uint64_t bits = first[j]; bits; bits &= bits - 1) {
            uint32_t d = (uint32_t)(j * 64 + (size_t)__builtin_ctzll(bits));
            int t = phrase_at(m->title[d], w);
            tier[t][j] |= (uint64_t)1 << (d % 64);
            if (t == 0) have++;
        }
    }
    bool complete = true;
    for (size_t j = 0; j < nw; j++) {
        if (have >= need) {
            complete = false;
            break;
        }
        for (uint64_t bits = tit[j] & ~first[j]; bits; bits &= bits - 1) {
            uint32_t d = (uint32_t)(j * 64 + (size_t)__builtin_ctzll(bits));
            tier[phrase_at(m->title[d], w)][j] |= (uint64_t)1 << (d % 64);
        }
        have += popcount64(tier[1][j]);
    }
    /* Stopped early: tiers 0 and 1 fill the page (of this index alone, so of the merged
    ** ranking too), so tiers 2 and 3 are not reached. */
    if (!complete) memset(tier[2], 0, nw * 8), memset(tier[3], 0, nw * 8);
}

/* A walk through one tier of a Ranked, in record order. */
typedef struct Cursor {
    const Ranked *r;
    const uint64_t *bits; /* NULL: done */
    size_t j;
    uint64_t cur;
} Cursor;

static void cursor_start(Cursor *c, const Ranked *r, int t) {
    c->r = r;
    c->bits = r ? r->tier[t] : NULL;
    c->j = 0;
    c->cur = c->bits ? c->bits[0] : 0;
}

/* The record the cursor is on, or -1 at the end. */
static int64_t cursor_peek(Cursor *c) {
    if (!c->bits) return -1;
    while (!c->cur) {
        if (c->j + 1 >= c->r->nw) {
            c->bits = NULL;
            return -1;
        }
        c->cur = c->bits[++c->j];
    }
    return (int64_t)(c->j * 64 + (size_t)__builtin_ctzll(c->cur));
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
        return err_set(e, 422, "kind", "%s must be product, producer or village", "kind");
    if (limit < 1 || limit > SEARCH_LIMIT_MAX)
        return err_set(e, 422, "limit", "%s must be between 1 and %d", "limit", SEARCH_LIMIT_MAX);
    if (offset < 0 || offset > SEARCH_COUNT_MAX - limit)
        return err_set(e, 422, "offset", "%s must be between 0 and %d", "offset",
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
    View *v = acquire(db, e);
    if (!v) {
        buf_free(&f);
        return -1;
    }
    /* The base (less the records changed since) and the overlay, ranked apart and merged:
    ** within a tier, by record order (search_docs.doc), which both share. */
    int64_t need = (int64_t)offset + limit;
    Ranked rb, ro;
    rank(v->base, v->dead, &w, k, need, a, &rb);
    if (v->ov) rank(v->ov, NULL, &w, k, need, a, &ro);
    SearchHit *h = arena_alloc(a, (size_t)limit * sizeof *h);
    int got = 0, skip = offset;
    Buf hl = BUF_INIT;
    for (int t = 0; t < 4 && got < limit; t++) {
        Cursor cb, co;
        cursor_start(&cb, &rb, t);
        cursor_start(&co, v->ov ? &ro : NULL, t);
        while (got < limit) {
            int64_t db_ = cursor_peek(&cb), do_ = cursor_peek(&co);
            if (db_ < 0 && do_ < 0) break;
            bool from_ov = db_ < 0 || (do_ >= 0 && ro.m->doc[do_] < rb.m->doc[db_]);
            Cursor *c = from_ov ? &co : &cb;
            int64_t d = from_ov ? do_ : db_;
            c->cur &= c->cur - 1;
            if (skip) {
                skip--;
                continue;
            }
            const MemIndex *m = c->r->m;
            SearchHit *x = &h[got++];
            int64_t doc = m->doc[d];
            int kc = (int)(doc >> KIND_SHIFT) & 3;
            x->kind = kc ? kind_names[kc] : "?";
            x->id = doc & ID_MAX;
            x->score = (4 - t) * 100 - (int)(doc >> WORDS_SHIFT);
            x->title = arena_strdup(a, m->display[d]);
            buf_reset(&hl);
            text_highlight(&hl, x->title, q);
            x->highlight = arena_strdup(a, buf_str(&hl));
        }
    }
    buf_free(&hl);
    buf_free(&f);
    *total = rb.count + (v->ov ? ro.count : 0);
    view_release(v);
    *hits = got ? h : NULL;
    *nhits = got;
    return 0;
}
