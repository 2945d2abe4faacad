/*
** app.h: the application context handed to every handler: configuration, the per-worker
** database connections and the metrics. One App per process; no mutable globals.
*/
#ifndef OCOP_APP_H
#define OCOP_APP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "db.h"

typedef struct Metrics Metrics;
typedef struct TmplSet TmplSet;

typedef struct App {
    const char *db_path;   /* SQLite file */
    const char *files_dir; /* content-addressed uploads; default: <db dir>/files */
    const char *host;      /* listen address */
    int port;
    int threads;
    size_t max_body;        /* default request body limit, bytes */
    size_t max_import_body; /* limit for import uploads, bytes */
    unsigned timeout_s;     /* idle connection timeout */
    bool quiet;             /* no access log (benchmarks) */
    bool log_json;          /* reserved */
    bool trust_proxy;       /* behind a reverse proxy: X-Forwarded-For/-Proto are honoured */
    const char *public_url; /* base of public links (certificate verification pages), no trailing '/':
                            ** --public-url, or http://HOST:PORT of the listener (set by http_serve) */
    char public_url_default[96];
    bool insecure_public_url; /* --insecure-public-url: certificates may carry a loopback address */
    pthread_key_t db_key;   /* this worker thread's Db */
    pthread_key_t cache_key; /* this worker thread's cache of rendered records (api_entity.c) */
    pthread_key_t home_key;  /* this worker thread's figures of the home page (page_home.c) */
    pthread_key_t page_cache_key; /* this worker thread's cache of rendered pages (pagecache.c) */
    pthread_key_t list_cache_key; /* this worker thread's cache of list facet counts (page_list.c) */
    Metrics *metrics;
    const TmplSet *tmpl;    /* the page templates, parsed at start-up (tmpl.h) */
    struct SearchCache *search; /* the search index the workers share (search.h) */
    atomic_int inflight;    /* requests begun and not yet completed */
    atomic_int dbs_open;
} App;

/* This thread's connection to the app's database, opened on first use; panics if the
** database cannot be opened (it was opened at start-up, so this is an environment failure). */
Db *app_db(App *app);

#endif
