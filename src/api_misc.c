/*
** api_misc.c: health, metrics and version endpoints.
*/
#include <string.h>

#include "api.h"
#include "metrics.h"
#include "migrate.h"
#include "route.h"
#include "util.h"

int api_healthz(Req *r) {
    bool ok = db_ping(r->db);
    json_t *o = json_pack("{s:s, s:s, s:s}", "status", ok ? "ok" : "fail", "db", ok ? "ok" : db_errmsg(r->db),
                          "version", OCOP_VERSION);
    return resp_json(r, ok ? 200 : 503, o);
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
