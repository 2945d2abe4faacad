/*
** pagecache.c: each worker's cache of rendered public pages (see pagecache.h). A page is kept
** with the places of its Content-Security-Policy nonce, so an answer from the cache carries
** this response's own nonce, in the markup and in the header alike.
*/
#include "pagecache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "route.h"
#include "util.h"

enum { SLOTS = 256, MAX_BODY = 128 * 1024, MAX_NONCES = 8 }; /* at most 32 MiB a worker */

typedef struct Entry {
    uint64_t hash, stamp;
    char *key; /* the URL and the language, as page_key makes it */
    char today[11];
    int status;
    char type[64];
    char *headers;
    char *body;
    size_t len, nonce_len;
    size_t nonces[MAX_NONCES];
    int nnonces;
} Entry;

static void entry_clear(Entry *e) {
    free(e->key);
    free(e->headers);
    free(e->body);
    memset(e, 0, sizeof *e);
}

void page_cache_free(void *cache) {
    Entry *c = cache;
    if (!c) return;
    for (int i = 0; i < SLOTS; i++) entry_clear(&c[i]);
    free(c);
}

/* Whether a Cookie header holds a cookie other than "lang". */
static bool other_cookie(const char *h) {
    for (const char *p = h; p && *p;) {
        while (*p == ' ' || *p == ';') p++;
        size_t n = strcspn(p, "=;");
        if (n && !(n == 4 && strncmp(p, "lang", 4) == 0)) return true;
        p = strchr(p, ';');
    }
    return false;
}

/* Whether r is a request every anonymous visitor would get the same answer to: a GET of a page,
** no credentials, no cookie but the language. */
static bool cacheable(Req *r) {
    if (!r->route || !r->route->html || strcmp(r->route->method, "GET") != 0 || r->auth || r->auth_err.status)
        return false;
    return r->conn && !req_header(r, "Authorization") && !other_cookie(req_header(r, "Cookie"));
}

/* "PATH\nk=v\nk=v\n\tLANG" in r's arena, and its FNV-1a hash. */
static const char *page_key(Req *r, uint64_t *hash) {
    Buf b = BUF_INIT;
    buf_puts(&b, r->path);
    for (int i = 0; i < r->nquery; i++) buf_printf(&b, "\n%s=%s", r->query[i].key, r->query[i].value);
    buf_printf(&b, "\n\t%s", lang_code(r->lang));
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < b.n; i++) h = (h ^ (unsigned char)b.p[i]) * 1099511628211u;
    *hash = h;
    const char *key = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return key;
}

static Entry *worker_cache(Req *r) {
    Entry *c = pthread_getspecific(r->app->page_cache_key);
    if (!c) {
        c = xcalloc(SLOTS, sizeof *c);
        pthread_setspecific(r->app->page_cache_key, c);
    }
    return c;
}

bool page_cache_answer(Req *r, PageCacheTicket *t) {
    memset(t, 0, sizeof *t);
    if (!r->app || !cacheable(r)) return false;
    t->key = page_key(r, &t->hash);
    t->stamp = db_change_stamp(r->db);
    date_today(t->today);
    t->ok = true;
    Entry *e = &worker_cache(r)[t->hash % SLOTS];
    if (!e->key || e->hash != t->hash || e->stamp != t->stamp || strcmp(e->today, t->today) != 0 ||
        strcmp(e->key, t->key) != 0 || e->nonce_len != strlen(r->nonce))
        return false;
    buf_reset(&r->resp);
    buf_append(&r->resp, e->body, e->len);
    for (int i = 0; i < e->nnonces; i++) memcpy(r->resp.p + e->nonces[i], r->nonce, e->nonce_len);
    buf_reset(&r->resp_headers);
    buf_puts(&r->resp_headers, e->headers);
    r->status = e->status;
    r->resp_type = arena_strdup(&r->arena, e->type);
    return true;
}

void page_cache_keep(Req *r, const PageCacheTicket *t) {
    if (!t->ok || r->status != 200 || r->resp.n > MAX_BODY || !r->resp_type || strlen(r->resp_type) >= 64) return;
    const char *h = r->resp_headers.n ? r->resp_headers.p : "";
    /* A handler that sets a cookie or says how to cache has an answer of its own. */
    if (strstr(h, "Set-Cookie:") || strstr(h, "Cache-Control:")) return;
    Entry *e = &worker_cache(r)[t->hash % SLOTS];
    entry_clear(e);
    size_t n = strlen(r->nonce);
    for (const char *p = r->resp.p; n && (p = memmem(p, r->resp.n - (size_t)(p - r->resp.p), r->nonce, n)); p += n) {
        if (e->nnonces == MAX_NONCES) return; /* not a page to keep */
        e->nonces[e->nnonces++] = (size_t)(p - r->resp.p);
    }
    e->hash = t->hash;
    e->stamp = t->stamp;
    memcpy(e->today, t->today, sizeof e->today);
    e->key = xstrdup(t->key);
    e->status = r->status;
    snprintf(e->type, sizeof e->type, "%s", r->resp_type);
    e->headers = xstrdup(h);
    e->body = xmalloc(r->resp.n + 1);
    memcpy(e->body, r->resp.p, r->resp.n);
    e->len = r->resp.n;
    e->nonce_len = n;
}
