/*
** search.h: full-text search over products, producers and craft villages, ignoring case and
** diacritics ("nuoc mam lang xua" finds "Nước mắm Làng Xưa", "dac san" finds "Đặc sản").
** Every query word is a prefix; all words must match (in the title or the extra text); hits
** are ranked with title matches far above extra-text matches, exact words above prefixes, and
** the query as a phrase in the title above scattered words.
**
** The index is the search_fts table of sql/002_search.sql. Domain code keeps it current by
** calling search_index() after writing a record (inside the same transaction), or search_put
** with its own text; search_rebuild() re-creates it from the registry tables.
*/
#ifndef OCOP_SEARCH_H
#define OCOP_SEARCH_H

#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "err.h"

enum {
    SEARCH_QUERY_MAX = 200, /* bytes of query text */
    SEARCH_WORDS_MAX = 12,  /* words per query after folding */
    SEARCH_LIMIT_MAX = 100, /* hits per page */
};

/* Index (or re-index) one record. kind: "product", "producer" or "village"; id >= 1.
** title: the display name; extra: more searchable text (codes, related names, description),
** may be NULL. Both are folded with text_fold; the title is also stored as given for display.
** Returns 0, or -1 with e filled (422 for a bad kind or id, 500 for a database error). */
int search_put(Db *db, const char *kind, int64_t id, const char *title, const char *extra, Err *e);

/* Remove one record from the index; removing a record that is not there is not an error.
** Returns 0, or -1 with e filled. */
int search_delete(Db *db, const char *kind, int64_t id, Err *e);

/* Re-index one record from its registry table (products, producers, villages), choosing the
** searchable text the same way search_rebuild does; a record that no longer exists is removed
** from the index. Re-indexing a producer also re-indexes its products (they carry its name),
** re-indexing a village its producers. Returns 0, or -1 with e filled. */
int search_index(Db *db, const char *kind, int64_t id, Err *e);

/* Empty the index and re-index every product, producer and village, then merge the index
** b-trees. Runs in its own transaction unless the caller is in one. Returns 0 or -1 with e. */
int search_rebuild(Db *db, Err *e);

/* Merge the index b-trees into one (FTS5 'optimize'); worth calling after a bulk import.
** Returns 0 or -1 with e. */
int search_optimize(Db *db, Err *e);

typedef struct SearchHit {
    const char *kind;      /* "product", "producer", "village": static strings */
    int64_t id;
    double score;          /* higher is better; comparable only within one query */
    const char *title;     /* display title, in the arena */
    const char *highlight; /* title HTML-escaped with the matched words in <mark>, in the arena */
} SearchHit;

/* Ranked search. q: the user's text (any case, with or without diacritics; punctuation and
** search-syntax characters are ignored). kind: NULL for all kinds, or one kind. limit: 1..100,
** offset >= 0. On success returns 0 with *hits (array of *nhits, allocated in a, with every
** string in a) and *total, the number of matching records over all pages.
** Returns -1 with e: 422 field "q" when q is NULL, blank, has no letter or digit, is longer
** than SEARCH_QUERY_MAX bytes, has more than SEARCH_WORDS_MAX words or is not UTF-8; 422 for a
** bad "kind", "limit" or "offset"; 500 for a database error. */
int search_query(Db *db, Arena *a, const char *q, const char *kind, int limit, int offset,
                 SearchHit **hits, int *nhits, int64_t *total, Err *e);

#endif
