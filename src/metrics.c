/*
** metrics.c: Prometheus metrics (see metrics.h). One mutex; an update is a few increments,
** far cheaper than the request it counts.
*/
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

enum { STATUS_SLOTS = 12, NBUCKETS = 14 };
static const double bucket_le[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,   5,     10};

typedef struct RouteStats {
    int status[STATUS_SLOTS];
    uint64_t count[STATUS_SLOTS];
} RouteStats;

/* Counters are sharded by thread so that workers rarely wait on each other's mutex; the
** rendering adds the shards up. */
enum { SHARDS = 8 };

typedef struct Shard {
    pthread_mutex_t mu;
    RouteStats *routes; /* nroutes + 1: the last is "unmatched" */
    uint64_t buckets[NBUCKETS];
    uint64_t total;
    double sum_s;
    char pad[64];
} Shard;

struct Metrics {
    size_t nroutes;
    time_t started;
    Shard shards[SHARDS];
};

Metrics *metrics_new(size_t nroutes) {
    Metrics *m = xcalloc(1, sizeof *m);
    m->nroutes = nroutes;
    m->started = time(NULL);
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_init(&m->shards[i].mu, NULL);
        m->shards[i].routes = xcalloc(nroutes + 1, sizeof(RouteStats));
    }
    return m;
}

void metrics_free(Metrics *m) {
    if (!m) return;
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_destroy(&m->shards[i].mu);
        free(m->shards[i].routes);
    }
    free(m);
}

static Shard *my_shard(Metrics *m) {
    uintptr_t t = (uintptr_t)pthread_self();
    return &m->shards[(t >> 12 ^ t >> 20) % SHARDS];
}

void metrics_observe(Metrics *m, size_t route, int status, uint64_t dur_ns) {
    if (!m) return;
    double s = (double)dur_ns / 1e9;
    Shard *sh = my_shard(m);
    pthread_mutex_lock(&sh->mu);
    RouteStats *rs = &sh->routes[route < m->nroutes ? route : m->nroutes];
    for (int i = 0; i < STATUS_SLOTS; i++) {
        if (rs->status[i] == status || rs->status[i] == 0) {
            rs->status[i] = status;
            rs->count[i]++;
            break;
        }
    }
    for (int i = 0; i < NBUCKETS; i++)
        if (s <= bucket_le[i]) sh->buckets[i]++;
    sh->total++;
    sh->sum_s += s;
    pthread_mutex_unlock(&sh->mu);
}

/* The shards summed into one view: routes (nroutes + 1 of them, the caller frees), buckets,
** total and sum. */
static RouteStats *sum_shards(Metrics *m, uint64_t buckets[NBUCKETS], uint64_t *total, double *sum_s) {
    RouteStats *routes = xcalloc(m->nroutes + 1, sizeof *routes);
    memset(buckets, 0, NBUCKETS * sizeof *buckets);
    *total = 0;
    *sum_s = 0;
    for (int k = 0; k < SHARDS; k++) {
        Shard *sh = &m->shards[k];
        pthread_mutex_lock(&sh->mu);
        for (size_t r = 0; r <= m->nroutes; r++)
            for (int i = 0; i < STATUS_SLOTS && sh->routes[r].status[i]; i++)
                for (int j = 0; j < STATUS_SLOTS; j++) {
                    if (routes[r].status[j] == sh->routes[r].status[i] || routes[r].status[j] == 0) {
                        routes[r].status[j] = sh->routes[r].status[i];
                        routes[r].count[j] += sh->routes[r].count[i];
                        break;
                    }
                }
        for (int i = 0; i < NBUCKETS; i++) buckets[i] += sh->buckets[i];
        *total += sh->total;
        *sum_s += sh->sum_s;
        pthread_mutex_unlock(&sh->mu);
    }
    return routes;
}

void metrics_render(Metrics *m, Buf *out, const char *const *names, size_t nnames) {
    uint64_t buckets[NBUCKETS], total;
    double sum_s;
    RouteStats *routes = sum_shards(m, buckets, &total, &sum_s);
    buf_puts(out, "# HELP ocop_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE ocop_http_requests_total counter\n");
    for (size_t r = 0; r <= m->nroutes; r++) {
        const char *name = r < nnames ? names[r] : "unmatched";
        for (int i = 0; i < STATUS_SLOTS && routes[r].status[i]; i++)
            buf_printf(out, "ocop_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", name, routes[r].status[i],
                       (unsigned long long)routes[r].count[i]);
    }
    buf_puts(out, "# HELP ocop_http_request_duration_seconds Time from request start to response.\n"
                  "# TYPE ocop_http_request_duration_seconds histogram\n");
    for (int i = 0; i < NBUCKETS; i++)
        buf_printf(out, "ocop_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_le[i],
                   (unsigned long long)buckets[i]);
    buf_printf(out, "ocop_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)total);
    buf_printf(out, "ocop_http_request_duration_seconds_sum %.6f\n", sum_s);
    buf_printf(out, "ocop_http_request_duration_seconds_count %llu\n", (unsigned long long)total);
    free(routes);
}

json_t *metrics_json(Metrics *m, const char *const *names, size_t nnames) {
    uint64_t buckets[NBUCKETS], total;
    double sum_s;
    RouteStats *routes = sum_shards(m, buckets, &total, &sum_s);
    json_t *by_route = json_array(), *hist = json_array();
    for (size_t r = 0; r <= m->nroutes; r++)
        for (int i = 0; i < STATUS_SLOTS && routes[r].status[i]; i++)
            json_array_append_new(by_route, json_pack("{s:s, s:i, s:I}", "route", r < nnames ? names[r] : "unmatched",
                                                      "status", routes[r].status[i], "count",
                                                      (json_int_t)routes[r].count[i]));
    for (int i = 0; i < NBUCKETS; i++)
        json_array_append_new(hist, json_pack("{s:f, s:I}", "le", bucket_le[i], "count", (json_int_t)buckets[i]));
    free(routes);
    return json_pack("{s:I, s:I, s:f, s:o, s:o}", "uptime_s", (json_int_t)(time(NULL) - m->started), "requests",
                     (json_int_t)total, "sum_s", sum_s, "buckets", hist, "routes", by_route);
}
