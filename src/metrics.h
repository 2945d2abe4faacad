/*
** metrics.h: request counters by route and status and a latency histogram, rendered in the
** Prometheus text exposition format by GET /metrics.
*/
#ifndef OCOP_METRICS_H
#define OCOP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"

typedef struct Metrics Metrics;

Metrics *metrics_new(size_t nroutes);
void metrics_free(Metrics *m);
/* Count one request: route index (or (size_t)-1 for no route), status, duration in ns. */
void metrics_observe(Metrics *m, size_t route, int status, uint64_t dur_ns);
/* Render everything; names[i] is the label of route i. */
void metrics_render(Metrics *m, Buf *out, const char *const *names, size_t nnames);
/* The same figures as JSON, for the system status page: {uptime_s (since metrics_new),
** requests, sum_s, buckets [{le, count}] (cumulative, as rendered), routes [{route, status,
** count}]}. A new object. */
json_t *metrics_json(Metrics *m, const char *const *names, size_t nnames);

#endif
