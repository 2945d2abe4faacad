/*
** http.c: the transport on libmicrohttpd (see http.h).
**
** libmicrohttpd calls the access handler several times per request: first with the headers,
** then with each chunk of the body, then once more with nothing left. We answer on that last
** call; answering on the first one makes libmicrohttpd close every connection (no keep-alive).
** Everything a request allocates lives in its Req (arena, buffers), freed when libmicrohttpd
** reports the request completed, which is also where the access log line and metrics are made.
*/
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "log.h"
#include "metrics.h"
#include "route.h"
#include "search.h"
#include "util.h"

typedef struct Conn {
    Req req;
    Buf body;
    size_t limit;
    int too_large;
    int started;
    Param *params;
    int nparams, cap;
} Conn;

Db *app_db(App *app) {
    Db *db = pthread_getspecific(app->db_key);
    if (db) return db;
    Err e = ERR_INIT;
    db = db_open(app->db_path, &e);
    if (!db) panic("%s", e.detail);
    if (app->search) search_cache_use(db, app->search);
    pthread_setspecific(app->db_key, db);
    atomic_fetch_add(&app->dbs_open, 1);
    return db;
}

static void close_db(void *p) { db_close(p); }

const char *req_query(Req *r, const char *key) {
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0) return r->query[i].value;
    return NULL;
}

const char *req_header(Req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(Req *r, const char *name) {
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void resp_header(Req *r, const char *name, const char *value) {
    buf_printf(&r->resp_headers, "%s: %s\n", name, value);
}

int resp_text(Req *r, int status, const char *type, const char *body, size_t n) {
    r->status = status;
    r->resp_type = type;
    buf_reset(&r->resp);
    buf_append(&r->resp, body, n);
    return status;
}

static int dump_to_buf(const char *data, size_t n, void *b) {
    buf_append(b, data, n);
    return 0;
}

int resp_json(Req *r, int status, json_t *obj) {
    r->status = status;
    r->resp_type = "application/json";
    buf_reset(&r->resp);
    if (json_dump_callback(obj, dump_to_buf, &r->resp, JSON_COMPACT | JSON_REAL_PRECISION(12)))
        panic("json_dump_callback failed");
    json_decref(obj);
    buf_putc(&r->resp, '\n');
    return status;
}

int resp_problem(Req *r, const Err *e) {
    /* A server error caused by the storage (a full disk, a write lock held too long) is told
    ** as such, in plain words: 507, or 503 with a time to come back. The SQL was logged. */
    Err fault = ERR_INIT;
    if ((!e->status || e->status >= 500) && r->db && db_fault(r->db, &fault)) {
        e = &fault;
        if (fault.status == 503) resp_header(r, "Retry-After", "2");
    }
    int status = e->status ? e->status : 500;
    r->status = status;
    r->resp_type = "application/problem+json";
    Buf *b = &r->resp;
    buf_reset(b);
    buf_printf(b, "{\"type\":\"about:blank\",\"title\":%j,\"status\":%d,\"detail\":%j", err_title(status),
               status, e->detail[0] ? e->detail : err_title(status));
    if (e->field[0]) buf_printf(b, ",\"field\":%j", e->field);
    buf_printf(b, ",\"instance\":%j", r->path ? r->path : "");
    if (e->errors) {
        char *s = json_dumps(e->errors, JSON_COMPACT);
        buf_printf(b, ",\"errors\":%s", s ? s : "[]");
        free(s);
    }
    buf_puts(b, "}\n");
    return status;
}

int resp_error(Req *r, int status, const char *field, const char *fmt, ...) {
    Err e = ERR_INIT;
    e.status = status;
    snprintf(e.field, sizeof e.field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.detail, sizeof e.detail, fmt, ap);
    va_end(ap);
    return resp_problem(r, &e);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    Conn *c = cls;
    if (c->nparams == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        Param *p = arena_alloc(&c->req.arena, (size_t)c->cap * sizeof *p);
        if (c->nparams) memcpy(p, c->params, (size_t)c->nparams * sizeof *p);
        c->params = p;
    }
    c->params[c->nparams].key = arena_strdup(&c->req.arena, key);
    c->params[c->nparams].value = arena_strdup(&c->req.arena, value ? value : "");
    c->nparams++;
    return MHD_YES;
}

static void client_addr(struct MHD_Connection *mc, char *out, size_t n) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = 0;
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static enum MHD_Result send_response(struct MHD_Connection *mc, Req *r) {
    if (!r->resp_type) r->resp_type = "text/plain; charset=utf-8";
    size_t n = r->resp.n;
    char *body = buf_take(&r->resp);
    struct MHD_Response *resp = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", r->resp_type);
    /* Security headers on every response. Scripts and styles run only from this origin or
    ** inline with this response's nonce; nothing may frame a page. */
    char csp[320];
    snprintf(csp, sizeof csp,
             "default-src 'none'; script-src 'self' 'nonce-%s'; style-src 'self' 'nonce-%s'; img-src 'self' data:; "
             "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
             r->nonce, r->nonce);
    MHD_add_response_header(resp, "Content-Security-Policy", csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (!r->resp_headers.n || !strstr(r->resp_headers.p, "Cache-Control:"))
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    /* Extra headers: "Name: value\n" lines. */
    char *p = r->resp_headers.p;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        char *colon = strchr(p, ':');
        if (!nl || !colon || colon > nl) break;
        *nl = 0;
        *colon = 0;
        MHD_add_response_header(resp, p, colon + 2);
        p = nl + 1;
    }
    enum MHD_Result ret = MHD_queue_response(mc, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* A fresh Content-Security-Policy nonce (16 unpredictable bytes, base64). Each worker thread
** draws a ChaCha20 key from the system once and then takes the keystream of a counter: no
** system call per response (libsodium's randombytes_buf makes one). */
static void csp_nonce(char *out, size_t n) {
    static _Thread_local unsigned char key[crypto_stream_chacha20_ietf_KEYBYTES];
    static _Thread_local uint64_t counter;
    if (counter == 0) randombytes_buf(key, sizeof key);
    unsigned char iv[crypto_stream_chacha20_ietf_NONCEBYTES] = {0}, nb[16];
    counter++;
    memcpy(iv, &counter, sizeof counter);
    crypto_stream_chacha20_ietf(nb, sizeof nb, iv, key);
    sodium_bin2base64(out, n, nb, sizeof nb, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx) {
    App *app = cls;
    Conn *c = *ctx;
    if (!c) {
        c = xcalloc(1, sizeof *c);
        *ctx = c;
        Req *r = &c->req;
        r->app = app;
        r->conn = mc;
        r->t0 = now_ns();
        r->method = arena_strdup(&r->arena, method);
        r->path = arena_strdup(&r->arena, url);
        char addr[INET6_ADDRSTRLEN + 1];
        client_addr(mc, addr, sizeof addr);
        r->remote = arena_strdup(&r->arena, addr);
        if (app->trust_proxy) {
            /* The proxy appends the address it saw: the last entry is the one it vouches for. */
            const char *xff = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-Forwarded-For");
            const char *last = xff ? strrchr(xff, ',') : NULL;
            last = last ? last + 1 : xff;
            while (last && *last == ' ') last++;
            if (last && *last && strlen(last) < 64) r->remote = arena_strdup(&r->arena, last);
        }
        csp_nonce(r->nonce, sizeof r->nonce);
        r->actor = (Actor){0, "anonymous", r->remote, NULL};
        atomic_fetch_add(&app->inflight, 1);
        MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, collect_arg, c);
        r->query = c->params;
        r->nquery = c->nparams;
        r->content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
        int status = 0;
        char allow[64];
        r->route = route_match(r, method, url, &status, allow, sizeof allow);
        c->limit = r->route && r->route->max_body ? r->route->max_body : app->max_body;
        const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
        int64_t len = 0;
        if (cl && parse_i64(cl, &len) && len > (int64_t)c->limit) c->too_large = 1;
        return MHD_YES;
    }
    Req *r = &c->req;
    if (*upload_size) {
        if (!c->too_large && c->body.n + *upload_size > c->limit) {
            c->too_large = 1;
            buf_free(&c->body);
        }
        if (!c->too_large) buf_append(&c->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (c->started) return MHD_YES;
    c->started = 1;
    if (c->too_large) {
        resp_error(r, 413, "body", "request body exceeds the limit of %zu bytes for %s", c->limit, r->path);
        resp_header(r, "Connection", "close");
    } else {
        r->body = c->body.p ? c->body.p : "";
        r->body_len = c->body.n;
        r->db = app_db(app);
        /* Credentials first: loading a session may record its use, a write that must not
        ** happen inside the read transaction below. */
        route_authenticate(r);
        /* A GET reads one consistent snapshot, and takes the file lock once instead of once
        ** per statement. Its handlers never write. */
        bool read_tx = r->route && strcmp(r->route->method, "GET") == 0;
        Err te = ERR_INIT;
        if (read_tx && db_begin_read(r->db, &te)) read_tx = false;
        route_dispatch(r);
        if (read_tx && db_in_tx(r->db)) {
            db_commit(r->db, &te);
        } else if (r->db && db_in_tx(r->db)) {
            /* A handler returned inside a transaction: roll back rather than leak it. */
            log_error("transaction left open by %s %s; rolled back", r->method, r->path);
            db_rollback(r->db);
        }
    }
    return send_response(mc, r);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **ctx, enum MHD_RequestTerminationCode toe) {
    App *app = cls;
    Conn *c = *ctx;
    if (!c) return;
    Req *r = &c->req;
    uint64_t dur = now_ns() - r->t0;
    int status = r->status ? r->status : (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? 200 : 499);
    metrics_observe(app->metrics, r->route ? route_index(r->route) : (size_t)-1, status, dur);
    if (!app->quiet) {
        Buf b = BUF_INIT;
        log_line_begin(&b, status >= 500 ? "error" : "info");
        log_kv(&b, "method", r->method);
        log_kv(&b, "path", r->path);
        log_kv(&b, "route", r->route ? r->route->name : "-");
        if (r->auth) log_kv(&b, "user", r->auth->username);
        buf_printf(&b, " status=%d bytes=%zu dur_ms=%.3f", status, c->body.n, (double)dur / 1e6);
        log_kv(&b, "remote", r->remote);
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) buf_printf(&b, " terminated=%d", (int)toe);
        log_line_end(&b);
        buf_free(&b);
    }
    buf_free(&c->body);
    buf_free(&r->resp);
    buf_free(&r->resp_headers);
    arena_free(&r->arena);
    free(c);
    *ctx = NULL;
    atomic_fetch_sub(&app->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    log_warn("%s", msg);
}

/* Public links (certificates' verification pages) default to the listener's address. */
static void default_public_url(App *app) {
    if (app->public_url) return;
    snprintf(app->public_url_default, sizeof app->public_url_default, "http://%s:%d", app->host, app->port);
    app->public_url = app->public_url_default;
}

int http_serve(App *app) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)app->port);
    if (inet_pton(AF_INET, app->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "ocop: cannot listen on '%s': not an IPv4 address\n", app->host);
        return -1;
    }
    if (pthread_key_create(&app->db_key, close_db) || pthread_key_create(&app->cache_key, render_cache_free))
        panic("pthread_key_create");
    /* Keep freed memory in the workers' malloc arenas: returning it to the kernel after each
    ** request and taking it back on the next cost two mprotect(2) calls a request. */
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    app->metrics = metrics_new(nroutes);

    /* Block the signals in every thread; this one waits for them below. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (app->port) default_public_url(app);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)app->port, NULL, NULL, on_request, app,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->timeout_s,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ocop: cannot listen on %s:%d: %s\n", app->host, app->port,
                errno ? strerror(errno) : "libmicrohttpd failed to start");
        metrics_free(app->metrics);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (di && di->port) app->port = di->port;
    default_public_url(app); /* port 0: known now, and announced below */
    log_info("listening on http://%s:%d/ (db=%s, threads=%d)", app->host, app->port, app->db_path, app->threads);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("%s received: finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    MHD_quiesce_daemon(d);
    for (int i = 0; i < 1000 && atomic_load(&app->inflight) > 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&app->inflight);
    MHD_stop_daemon(d);
    log_info("stopped%s", left ? " (requests still in flight were cut)" : "");
    metrics_free(app->metrics);
    app->metrics = NULL;
    return 0;
}
