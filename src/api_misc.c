/*
** api_misc.c: health, metrics and version endpoints.
*/
#include <string.h>
#include <time.h>

#include "api.h"
#include "metrics.h"
#include "migrate.h"
#include "route.h"
#include "util.h"

/* Storage health: a node whose disk has less than HEALTH_MIN_FREE left, or where a write failed
** for want of storage in the last HEALTH_FAULT_S seconds (and none committed since), answers
** 503 so that a load balancer or a monitor stops sending it writes. */
enum { HEALTH_FAULT_S = 60 };
#define HEALTH_MIN_FREE ((int64_t)16 << 20)

int api_healthz(Req *r) {
    bool ok = db_ping(r->db);
    DbStorage st;
    db_storage(r->db, &st);
    int64_t now = (int64_t)time(NULL);
    bool failing = st.failed_at && now - st.failed_at < HEALTH_FAULT_S;
    bool full = st.free_bytes >= 0 && st.free_bytes < HEALTH_MIN_FREE;
    json_t *storage = json_pack("{s:s, s:I, s:I}", "state", failing ? "failing" : full ? "full" : "ok", "free_bytes",
                                (json_int_t)st.free_bytes, "total_bytes", (json_int_t)st.total_bytes);
    if (st.failed_at) {
        char when[32];
        time_t t = (time_t)st.failed_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_object_set_new(storage, "last_failure", json_string(st.failure));
        json_object_set_new(storage, "last_failure_at", json_string(when));
    }
    bool healthy = ok && !failing && !full;
    json_t *o = json_pack("{s:s, s:s, s:o, s:s}", "status", healthy ? "ok" : "fail", "db", ok ? "ok" : db_errmsg(r->db),
                          "storage", storage, "version", OCOP_VERSION);
    return resp_json(r, healthy ? 200 : 503, o);
}

int api_metrics(Req *r) {
    Buf b = BUF_INIT;
    const char *names[256];
    size_t n = nroutes < COUNT(names) ? nroutes : COUNT(names);
    for (size_t i = 0; i < n; i++) names[i] = routes[i].name;
    metrics_render(r->app->metrics, &b, names, n);
    buf_printf(&b, "# HELP ocop_http_requests_in_flight Requests begun and not yet completed.\n"
                   "# TYPE ocop_http_requests_in_flight gauge\nocop_http_requests_in_flight %d\n",
               atomic_load(&r->app->inflight));
    buf_printf(&b, "# HELP ocop_db_connections Open database connections (one per worker).\n"
                   "# TYPE ocop_db_connections gauge\nocop_db_connections %d\n",
               atomic_load(&r->app->dbs_open));
    resp_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p ? b.p : "", b.n);
    buf_free(&b);
    return 200;
}

int api_version(Req *r) {
    return resp_json(r, 200, json_pack("{s:s, s:i}", "version", OCOP_VERSION, "schema", migrate_latest()));
}
