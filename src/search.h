/*
** search.h: full-text search over products, producers and craft villages, ignoring case and
** diacritics ("nuoc mam lang xua" finds "Nước mắm Làng Xưa", "dac san" finds "Đặc sản").
** Every query word is a prefix; all words must match, in the title or the extra text. Ranking,
** best first: the title starts with the query as a phrase; the title contains it as a phrase;
** the title contains every word; some words only in the extra text. Within each of these,
** shorter titles first, then products before producers before villages, then older records.
**
** The index is the tables search_docs, search_fts and search_title of sql/002_search.sql.
** Domain code keeps it current by calling search_index() after writing a record (in the same
** transaction), or search_put() with text of its own choosing; search_delete() when deleting;
** search_rebuild() re-creates it from the registry tables (after a bulk import, say). The
** writers run in the caller's transaction when there is one, otherwise in their own.
*/
#ifndef OCOP_SEARCH_H
#define OCOP_SEARCH_H

#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "err.h"

enum {
    SEARCH_QUERY_MAX = 200, /* bytes of query text */
    SEARCH_WORDS_MAX = 16,  /* words per query after folding */
    SEARCH_LIMIT_MAX = 100, /* hits per page */
    SEARCH_COUNT_MAX = 10000, /* the deepest page reaches this far (totals are exact) */
};

/* Index (or re-index) one record. kind: "product", "producer" or "village"; id >= 1.
** title: the display name; extra: more searchable text (codes, related names, description),
** may be NULL. Both are folded with text_fold; the title is also stored as given for display.
** The strings are copied. Returns 0, or -1 with e filled (422 for a bad kind or an id outside
** 1..2^48-1, 500 for a database error). */
int search_put(Db *db, const char *kind, int64_t id, const char *title, const char *extra, Err *e);

/* Remove one record from the index; removing a record that is not there is not an error.
** Returns 0, or -1 with e filled. */
int search_delete(Db *db, const char *kind, int64_t id, Err *e);

/* Re-index one record from its registry table (products, producers, villages), choosing the
** searchable text the same way search_rebuild does; a record that no longer exists is removed
** from the index. Re-indexing a producer also re-indexes its products (they carry its name),
** re-indexing a village its producers (and theirs). Indexed text: product: name; code,
** producer's name, commune's name, GI, mark (not the description: long free text would make
** indexing several times slower for little gain). Producer: name; registration
** number, representative, village's name, commune's name, address. Village: name; crafts,
** commune's name, decision number. Returns 0, or -1 with e filled. */
int search_index(Db *db, const char *kind, int64_t id, Err *e);

/* Index every record of kind with an id above after_id, none of them indexed yet (the rows a
** bulk import just added), in a way that stays fast for 100,000 records. 0, or -1 with e. */
int search_index_after(Db *db, const char *kind, int64_t after_id, Err *e);

/* Empty the index and re-index every product, producer and village. Returns 0 or -1 with e. */
int search_rebuild(Db *db, Err *e);

/* The in-memory index searches run on (see search.c). A server makes one SearchCache and
** hands it to every worker's connection, so the workers share one index; a connection without
** one gets a private index. After a write by this process a search lays the changed records
** over the big index (a few milliseconds) instead of building it again; a write by another
** process, a rebuild or a bulk import makes it build the whole index. The cache must outlive
** the connections that use it. */
typedef struct SearchCache SearchCache;
SearchCache *search_cache_new(void);
void search_cache_free(SearchCache *c);
void search_cache_use(Db *db, SearchCache *c);
/* Build (or check) the index now, so that the first search does not wait for it. */
int search_cache_warm(Db *db, Err *e);
/* How the index of db's cache has kept up with writes: whole builds, overlays laid over the
** big index after a write, and folds of an overlay into a new big index (in the background). */
typedef struct SearchStats {
    int64_t builds, overlays, folds;
    size_t overlay; /* records changed since the big index was built */
    bool folding;   /* a fold is running */
} SearchStats;
void search_cache_stats(Db *db, SearchStats *out);

typedef struct SearchHit {
    const char *kind;      /* "product", "producer", "village": static strings */
    int64_t id;
    double score;          /* higher is better; only for ordering hits of one query:
                           ** 100 x (4 - tier) minus the title's word count */
    const char *title;     /* display title, in the arena */
    const char *highlight; /* title HTML-escaped with the matched words in <mark>, in the arena */
} SearchHit;

/* Ranked search. q: the user's text (any case, with or without diacritics; punctuation and
** search-syntax characters are ignored; a word that is a prefix of another query word adds
** nothing). kind: NULL or "" for all kinds, or one kind. limit: 1..SEARCH_LIMIT_MAX;
** offset: 0..SEARCH_COUNT_MAX - limit. On success returns 0 with *hits (an array of *nhits,
** allocated in a, every string in a; NULL only when nothing was allocated) and *total, the
** number of matching records over all pages -- counted up to SEARCH_COUNT_MAX: a larger
** number of matches gives *total = SEARCH_COUNT_MAX + 1, to be shown as "more than 10,000".
** Returns -1 with e: 422 field "q" when q is NULL, blank, has no letter or digit, is longer
** than SEARCH_QUERY_MAX bytes, has more than SEARCH_WORDS_MAX words or is not UTF-8;
** 422 for a bad "kind", "limit" or "offset"; 500 for a database error. */
int search_query(Db *db, Arena *a, const char *q, const char *kind, int limit, int offset,
                 SearchHit **hits, int *nhits, int64_t *total, Err *e);

#endif
