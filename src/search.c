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
** no SQL, no sorting of matches. Each database connection keeps its own index and rebuilds
** it when search_meta.version has moved (about a quarter of a second for 125,000 records), so
** every search sees every committed write.
**
** PostgreSQL (db_pg.c, later) changes nothing here: search_docs and search_meta are plain
** tables, and the folding stays in text_fold.
*/
#include "search.h"

#include <pthread.h>
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
    if (!*k) return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (id < 1 || id > ID_MAX) return err_set(e, 422, "id", "id out of range");
    return 0;
}

/* Remove the record of kind k with this id, if it is indexed. */
static int remove_doc(Db *db, int k, int64_t id, Err *e) {
    Stmt *s = db_prepare(db, "DELETE FROM search_docs WHERE kind = ? AND ref_id = ?");
    db_bind_text(s, 1, kind_names[k]);
    db_bind_int(s, 2, id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_ERROR ? db_fail(db, e, "delete") : 0;
}

/* Every write moves the version, which tells the in-memory indexes to rebuild. */
static int bump(Db *db, int rc, Err *e) {
    if (rc) return rc;
    Stmt *s = db_prepare(db, "UPDATE search_meta SET version = version + 1 WHERE id = 1");
    int st = db_step(s);
    db_done(s);
    return st == DB_ERROR ? db_fail(db, e, "version") : 0;
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
    if (!k) return err_set(e, 422, "kind", "kind must be product, producer or village");
    if (after_id < 0) after_id = 0;
    if (tx_begin(db, &own, e)) return -1;
    int rc = index_rows_from(db, k, 0, after_id ? after_id : -1, &found, e);
    return tx_end(db, own, bump(db, rc, e), e);
}

int search_rebuild(Db *db, Err *e) {
    bool own;
    if (tx_begin(db, &own, e)) return -1;
    int found;
    int rc = db_exec(db, "DELETE FROM search_docs", e);
    for (int k = 1; k < (int)COUNT(kind_names) && !rc; k++) rc = index_rows(db, k, 0, &found, e);
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
} MemIndex;

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

/* Build the index of every row of search_docs. NULL with e on a database error. */
static MemIndex *memindex_build(Db *db, int64_t version, Err *e) {
    Buf text = BUF_INIT, titles = BUF_INIT;
    size_t cap = 1024, n = 0;
    int64_t *doc = xmalloc(cap * sizeof *doc);
    size_t *off = xmalloc(cap * 3 * sizeof *off);
    Stmt *s = db_prepare(db, "SELECT doc, title, extra, display FROM search_docs ORDER BY doc");
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
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
    }
    db_done(s);
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

/* Where a connection finds its index: a SearchCache shared by the server's workers
** (search_cache_use), or, for a connection on its own (the command line, tests), a private one
** made on first use and freed with the connection. */
struct SearchCache {
    pthread_mutex_t mu;
    MemIndex *idx; /* the current index (holding one reference), or NULL */
};

SearchCache *search_cache_new(void) {
    SearchCache *c = xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->mu, NULL);
    return c;
}

static void release(MemIndex *m) {
    if (m && atomic_fetch_sub(&m->refs, 1) == 1) memindex_free(m);
}

void search_cache_free(SearchCache *c) {
    if (!c) return;
    release(c->idx);
    pthread_mutex_destroy(&c->mu);
    free(c);
}

static void cache_free(void *c) { search_cache_free(c); }

void search_cache_use(Db *db, SearchCache *c) { db_attach(db, c, NULL); }

/* The current index for db, with a reference the caller gives back with release(): rebuilt
** first when search_meta.version has moved. NULL with e on a database error. */
static MemIndex *acquire(Db *db, Err *e) {
    SearchCache *c = db_attached(db);
    if (!c) {
        c = search_cache_new();
        db_attach(db, c, cache_free);
    }
    Stmt *s = db_prepare(db, "SELECT version FROM search_meta WHERE id = 1");
    int64_t version = db_step(s) == DB_ROW ? db_col_int(s, 0) : -1;
    db_done(s);
    pthread_mutex_lock(&c->mu);
    if (!c->idx || c->idx->version != version) {
        uint64_t t0 = now_ns();
        MemIndex *m = memindex_build(db, version, e);
        if (!m) {
            pthread_mutex_unlock(&c->mu);
            return NULL;
        }
        if (getenv("OCOP_SEARCH_TRACE"))
            fprintf(stderr, "search index v%lld built: %u records, %u words, %.1f ms\n", (long long)version,
                    m->ndocs, m->nterms, (double)(now_ns() - t0) / 1e6);
        release(c->idx);
        c->idx = m;
    }
    MemIndex *m = c->idx;
    atomic_fetch_add(&m->refs, 1);
    pthread_mutex_unlock(&c->mu);
    return m;
}

int search_cache_warm(Db *db, Err *e) {
    MemIndex *m = acquire(db, e);
    release(m);
    return m ? 0 : -1;
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
    MemIndex *m = acquire(db, e);
    if (!m) {
        buf_free(&f);
        return -1;
    }

    /* Ranking. Matches are ordered by tier, then by record order (search_docs.doc: shorter
    ** titles first, then products, producers, villages, then by id):
    **   0  the title starts with the query as a phrase
    **   1  the title contains the query as a phrase
    **   2  the title contains every word
    **   3  every word is in the title or the extra text
    ** (every query word is a prefix; in a phrase every word but the last must be whole). */
    size_t nw = m->nwords ? m->nwords : 1;
    uint64_t *all = arena_alloc(a, nw * 8), *tit = arena_alloc(a, nw * 8), *tmp = arena_alloc(a, nw * 8);
    uint64_t *tier[4];
    for (int t = 0; t < 4; t++) tier[t] = arena_alloc(a, nw * 8);
    /* all: records with every word anywhere; tit: with every word in the title. The first
    ** word's postings go straight in; later words intersect. */
    for (int i = 0; i < w.count; i++) {
        uint64_t *dst[2] = {all, tit};
        for (int l = 0; l < 2; l++) {
            uint64_t *into = i ? tmp : dst[l];
            memset(into, 0, nw * 8);
            or_word(m, l, w.w[i], w.n[i], into);
            if (i)
                for (size_t j = 0; j < nw; j++) dst[l][j] &= tmp[j];
        }
    }
    if (k)
        for (size_t j = 0; j < nw; j++) all[j] &= m->kind[k][j];
    int64_t count = 0;
    for (size_t j = 0; j < nw; j++) {
        tit[j] &= all[j];
        tier[3][j] = all[j] & ~tit[j];
        count += popcount64(all[j]);
    }
    if (w.nseq == 1) {
        /* One word: the phrase is the word; tier 0 has it first in the title, tier 1 the rest
        ** of tier 2's. */
        memset(tmp, 0, nw * 8);
        or_word(m, 2, w.seq[0], w.seqn[0], tmp);
        for (size_t j = 0; j < nw; j++) {
            tier[0][j] = tit[j] & tmp[j];
            tier[1][j] = tit[j] & ~tmp[j];
            tier[2][j] = 0;
        }
    } else {
        /* Several words: a phrase test per title, done only as far as the page needs. Tier 0
        ** can only hold titles whose first word starts with the first query word (the FIRST
        ** postings): test those. Then walk the title matches in order, testing the others,
        ** until the page is full; only a page beyond tiers 0 and 1 needs the walk to the end
        ** (tier 2 is what is left). */
        int64_t need = (int64_t)offset + limit, have = 0;
        memset(tier[0], 0, nw * 8);
        memset(tier[1], 0, nw * 8);
        memset(tier[2], 0, nw * 8);
        uint64_t *first = tmp;
        memset(first, 0, nw * 8);
        or_word(m, 2, w.seq[0], w.seqn[0], first);
        for (size_t j = 0; j < nw; j++) {
            first[j] &= tit[j];
            for (uint64_t bits = first[j]; bits; bits &= bits - 1) {
                uint32_t d = (uint32_t)(j * 64 + (size_t)__builtin_ctzll(bits));
                int t = phrase_at(m->title[d], &w);
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
                tier[phrase_at(m->title[d], &w)][j] |= (uint64_t)1 << (d % 64);
            }
            have += popcount64(tier[1][j]);
        }
        /* Stopped early: tiers 0 and 1 fill the page, so tier 2 and 3 are not reached. */
        if (!complete) memset(tier[2], 0, nw * 8), memset(tier[3], 0, nw * 8);
    }
    /* The page: skip offset records in ranking order, take limit. */
    SearchHit *h = arena_alloc(a, (size_t)limit * sizeof *h);
    int got = 0, skip = offset;
    Buf hl = BUF_INIT;
    for (int t = 0; t < 4 && got < limit; t++)
        for (size_t j = 0; j < nw && got < limit; j++)
            for (uint64_t bits = tier[t][j]; bits && got < limit; bits &= bits - 1) {
                if (skip) {
                    skip--;
                    continue;
                }
                uint32_t d = (uint32_t)(j * 64 + (size_t)__builtin_ctzll(bits));
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
    buf_free(&hl);
    buf_free(&f);
    release(m);
    *hits = got ? h : NULL;
    *nhits = got;
    *total = count;
    return 0;
}
