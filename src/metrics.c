/*
** metrics.c: Prometheus metrics (see metrics.h). One mutex; an update is a few increments,
** far cheaper than the request it counts.
*/
#include "metrics.h"

#include <pthread.h>
#include <stdlib.h>

#include "util.h"

enum { STATUS_SLOTS = 12, NBUCKETS = 14 };
static const double bucket_le[NBUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,   5,     10};

typedef struct RouteStats {
    int status[STATUS_SLOTS];
    uint64_t count[STATUS_SLOTS];
} RouteStats;

struct Metrics {
    pthread_mutex_t mu;
    size_t nroutes;
    RouteStats *routes; /* nroutes + 1: the last is "unmatched" */
    uint64_t buckets[NBUCKETS];
    uint64_t total;
    double sum_s;
};

Metrics *metrics_new(size_t nroutes) {
    Metrics *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    m->nroutes = nroutes;
    m->routes = xcalloc(nroutes + 1, sizeof *m->routes);
    return m;
}

void metrics_free(Metrics *m) {
    if (!m) return;
    pthread_mutex_destroy(&m->mu);
    free(m->routes);
    free(m);
}

void metrics_observe(Metrics *m, size_t route, int status, uint64_t dur_ns) {
    if (!m) return;
    double s = (double)dur_ns / 1e9;
    pthread_mutex_lock(&m->mu);
    RouteStats *rs = &m->routes[route < m->nroutes ? route : m->nroutes];
    for (int i = 0; i < STATUS_SLOTS; i++) {
        if (rs->status[i] == status || rs->status[i] == 0) {
            rs->status[i] = status;
            rs->count[i]++;
            break;
        }
    }
    for (int i = 0; i < NBUCKETS; i++)
        if (s <= bucket_le[i]) m->buckets[i]++;
    m->total++;
    m->sum_s += s;
    pthread_mutex_unlock(&m->mu);
}

void metrics_render(Metrics *m, Buf *out, const char *const *names, size_t nnames) {
    pthread_mutex_lock(&m->mu);
    buf_puts(out, "# HELP ocop_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE ocop_http_requests_total counter\n");
    for (size_t r = 0; r <= m->nroutes; r++) {
        const char *name = r < nnames ? names[r] : "unmatched";
        for (int i = 0; i < STATUS_SLOTS && m->routes[r].status[i]; i++)
            buf_printf(out, "ocop_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n", name,
                       m->routes[r].status[i], (unsigned long long)m->routes[r].count[i]);
    }
    buf_puts(out, "# HELP ocop_http_request_duration_seconds Time from request start to response.\n"
                  "# TYPE ocop_http_request_duration_seconds histogram\n");
    for (int i = 0; i < NBUCKETS; i++)
        buf_printf(out, "ocop_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bucket_le[i],
                   (unsigned long long)m->buckets[i]);
    buf_printf(out, "ocop_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n", (unsigned long long)m->total);
    buf_printf(out, "ocop_http_request_duration_seconds_sum %.6f\n", m->sum_s);
    buf_printf(out, "ocop_http_request_duration_seconds_count %llu\n", (unsigned long long)m->total);
    pthread_mutex_unlock(&m->mu);
}
