/*
** pagecache.h: each worker thread's cache of rendered public pages. A page is the same for
** every anonymous visitor who asks for the same URL in the same language on the same day of an
** unchanged database, so a worker keeps the last answer of up to 256 such pages and answers
** from it while nothing was committed (db_change_stamp) and the day is the same, with this
** response's own CSP nonce put in place. Measured on the 100,000-product registry: the
** verification page from 62 to 21 µs of CPU a request (docs/benchmarks.md, bench/pages).
**
** Kept: GET of an HTML route (route.h html), no Authorization header, no session, no cookie but
** "lang", status 200, no Set-Cookie or Cache-Control set by the handler, at most 128 KiB. A page
** whose answer depends on anything else (a header, the time of day, a random draw) says so by
** setting Cache-Control itself (`resp_header(r, "Cache-Control", "no-store")`).
*/
#ifndef OCOP_PAGECACHE_H
#define OCOP_PAGECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"

/* What page_cache_answer found out about a request, for page_cache_keep. */
typedef struct PageCacheTicket {
    bool ok; /* the request may be answered from, and its answer kept in, the cache */
    uint64_t hash, stamp;
    const char *key; /* in r's arena */
    char today[11];
} PageCacheTicket;

/* Answer r from this worker's cache: true when r now holds the response (body, status, type,
** headers). Fills t either way. Needs r->db (inside or outside a read transaction). */
bool page_cache_answer(Req *r, PageCacheTicket *t);
/* Keep r's response for the next such request when it may be kept (see above). Copies it. */
void page_cache_keep(Req *r, const PageCacheTicket *t);
/* Destructor of a worker's cache (app->page_cache_key). */
void page_cache_free(void *cache);

#endif
