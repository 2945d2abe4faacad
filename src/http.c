/*
** http.c: the transport on libmicrohttpd (see http.h).
**
** libmicrohttpd calls the access handler several times per request: first with the headers,
** then with each chunk of the body, then once more with nothing left. We answer on that last
** call; answering on the first one makes libmicrohttpd close every connection (no keep-alive).
** Every check the headers decide (route_admit: credentials, permission, CSRF, scope; the
** declared size) still runs on the first call: a refused request with a body is answered there
** and then, the body unread and the connection closed, so nobody can make the server take in
** a body before it knows who is asking. A refused request without a body waits for the last
** call like any other, keeping its connection alive.
** A page's POST (an HTML route) is a form: its body goes through the post processor as it
** arrives (form.c; files to temporary files), and its CSRF field is checked before the handler.
** Everything a request allocates lives in its Req (arena, buffers), freed when libmicrohttpd
** reports the request completed, which is also where the access log line and metrics are made.
*/
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "page_list.h"
#include "log.h"
#include "metrics.h"
#include "pagecache.h"
#include "param.h"
#include "page.h"
#include "route.h"
#include "search.h"
#include "text.h"
#include "util.h"

/* Request bodies are held in memory up to BODY_MEM_MAX bytes each and BODY_MEM_BUDGET bytes
** for all connections together; a larger body, or one that arrives when the budget is spent,
** is spooled to an unlinked file in the files directory and handed to the handler as a
** read-only mapping. Memory therefore stays bounded whatever the clients send. */
#define BODY_MEM_MAX ((size_t)1 << 20)
#define BODY_MEM_BUDGET ((size_t)32 << 20)
/* libmicrohttpd keeps a request's line, headers and parsed query parameters in one pool per
** connection (see on_uri). A longer request line or header block gets its own 414 or 431. */
#define CONN_MEMORY ((size_t)64 * 1024)
/* More parameters or a longer query than any route takes: 414 with a problem document. */
#define QUERY_MAX_PARAMS 64
#define QUERY_MAX_BYTES ((size_t)8 * 1024)
/* After SIGTERM: how long a request still sending its body may take before it is cut. A
** request whose handler has begun is never cut; it finishes and its answer is sent. */
#define DRAIN_UPLOAD_S 10

/* One open connection, for shutdown: idle ones are closed at once, busy ones finish. */
typedef struct Sock {
    struct Sock *prev, *next;
    int fd;
    bool cut;  /* shut down by the drain after SIGTERM */
    int phase; /* SOCK_IDLE, SOCK_RECEIVING (headers seen, body coming), SOCK_HANDLING */
} Sock;
enum { SOCK_IDLE, SOCK_RECEIVING, SOCK_HANDLING };

/* The transport's own state, owned by http_serve and shared by its worker threads. */
typedef struct Transport {
    App *app;
    pthread_mutex_t mu; /* guards socks and stopping */
    Sock socks;         /* list head */
    atomic_bool stopping; /* SIGTERM/SIGINT received: no new requests */
    atomic_size_t body_mem; /* bytes of request bodies held in memory, all connections */
} Transport;

typedef struct Conn {
    Req req;
    Transport *t;
    Sock *sock;
    Buf body;          /* the body while in memory */
    size_t reserved;   /* bytes of t->body_mem this request holds */
    int spool;         /* -1, or the unlinked file the body is written to */
    void *map;         /* the spooled body mapped read-only (map_len bytes), or NULL */
    size_t map_len;
    size_t received;   /* body bytes received */
    size_t limit;
    int too_large;
    int spool_err;     /* errno of a failed write to the spool file, else 0 */
    Err form_err;      /* a page's form could not be read (form_feed, form_finish) */
    int refused;       /* refused on its headers; a body (if any) is ignored */
    int resign;        /* a page's form sent after its session ended: read, to offer it back */
    int close_now;     /* answer on the first call and close (shutting down) */
    int begun;         /* on_request has seen the headers */
    size_t query_params, query_bytes; /* of the raw query, counted by on_uri */
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

const char *req_form(Req *r, const char *key) { return form_get(r->form, key); }

const FormFile *req_form_files(Req *r, int *n) { return form_files(r->form, n); }

void resp_header(Req *r, const char *name, const char *value) {
    buf_printf(&r->resp_headers, "%s: %s\n", name, value);
}

const char *resp_header_find(Req *r, const char *name) {
    size_t k = strlen(name);
    for (const char *p = buf_str(&r->resp_headers); *p;) {
        const char *end = strchr(p, '\n');
        if (!end) break;
        if ((size_t)(end - p) > k + 2 && strncasecmp(p, name, k) == 0 && p[k] == ':')
            return arena_strndup(&r->arena, p + k + 2, (size_t)(end - p) - k - 2);
        p = end + 1;
    }
    return NULL;
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
    /* A page's error is a page, in the page's language (page.c). */
    if (r->html && r->app && r->app->tmpl) return page_problem(r, e, status);
    r->status = status;
    r->resp_type = "application/problem+json";
    Buf *b = &r->resp;
    buf_reset(b);
    char detail[1024];
    err_text(e, r->lang, detail, sizeof detail);
    buf_printf(b, "{\"type\":\"about:blank\",\"title\":%j,\"status\":%d,\"code\":%j,\"detail\":%j", err_title(status),
               status, err_code(e), detail);
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
    va_list ap;
    va_start(ap, fmt);
    err_vset(&e, status, field, fmt, ap);
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
    /* Security headers on every response. Styles come only from this origin (static/), scripts
    ** from it or inline with this response's nonce; nothing may frame a page. */
    char csp[320];
    snprintf(csp, sizeof csp,
             "default-src 'none'; script-src 'self' 'nonce-%s'; style-src 'self'; img-src 'self' data:; "
             "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
             r->nonce);
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

/* ---- request bodies ---------------------------------------------------------------------- */

/* Take n bytes of the memory budget for bodies; false when it is spent. */
static bool budget_take(Transport *t, size_t n) {
    size_t used = atomic_fetch_add(&t->body_mem, n);
    if (used + n <= BODY_MEM_BUDGET) return true;
    atomic_fetch_sub(&t->body_mem, n);
    return false;
}

static bool write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* A new unlinked file in dir for a spooled body, or -1 with errno. */
static int spool_open(const char *dir) {
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR)) return fd;
    char path[4200];
    snprintf(path, sizeof path, "%s/.upload-XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0) unlink(path);
    return fd;
}

/* Give the body's share of the memory budget back and drop what is in memory. */
static void body_release(Conn *c) {
    buf_free(&c->body);
    atomic_fetch_sub(&c->t->body_mem, c->reserved);
    c->reserved = 0;
}

/* Append n bytes to c's body: in memory while it stays within BODY_MEM_MAX and the budget has
** room, else (from then on) in the spool file. 0, or an errno when the spool cannot take it. */
static int body_add(Conn *c, const char *data, size_t n) {
    size_t need = c->body.n + n;
    if (c->spool < 0 && need > c->reserved && need <= BODY_MEM_MAX && budget_take(c->t, need - c->reserved))
        c->reserved = need;
    if (c->spool < 0 && need <= c->reserved) {
        buf_append(&c->body, data, n);
        return 0;
    }
    if (c->spool < 0) {
        c->spool = spool_open(c->t->app->files_dir);
        if (c->spool < 0 || !write_all(c->spool, c->body.p ? c->body.p : "", c->body.n)) return errno ? errno : EIO;
        body_release(c);
    }
    return write_all(c->spool, data, n) ? 0 : (errno ? errno : EIO);
}

/* Point r->body at the whole body: the memory buffer, or a read-only mapping of the spool
** file (with a NUL after the last byte, as in memory). 0, or an errno. */
static int body_finish(Conn *c) {
    Req *r = &c->req;
    if (c->spool < 0) {
        r->body = c->body.p ? c->body.p : "";
        r->body_len = c->body.n;
        return 0;
    }
    if (!write_all(c->spool, "", 1)) return errno ? errno : EIO;
    void *m = mmap(NULL, c->received + 1, PROT_READ, MAP_PRIVATE, c->spool, 0);
    if (m == MAP_FAILED) return errno;
    c->map = m;
    c->map_len = c->received + 1;
    r->body = m;
    r->body_len = c->received;
    return 0;
}

/* ---- connections and shutdown ------------------------------------------------------------ */

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    Transport *t = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        Sock *k = xcalloc(1, sizeof *k);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        k->fd = ci ? ci->connect_fd : -1;
        pthread_mutex_lock(&t->mu);
        k->next = t->socks.next;
        k->prev = &t->socks;
        t->socks.next->prev = k;
        t->socks.next = k;
        if (atomic_load(&t->stopping) && k->fd >= 0) shutdown(k->fd, SHUT_RDWR);
        pthread_mutex_unlock(&t->mu);
        *socket_context = k;
    } else if (*socket_context) {
        Sock *k = *socket_context;
        pthread_mutex_lock(&t->mu);
        k->prev->next = k->next;
        k->next->prev = k->prev;
        pthread_mutex_unlock(&t->mu);
        free(k);
        *socket_context = NULL;
    }
}

/* Move c's connection to phase; false (and nothing changes) when shutdown already cut it. */
static bool sock_phase(Conn *c, int phase) {
    if (!c->sock) return true;
    pthread_mutex_lock(&c->t->mu);
    bool ok = !c->sock->cut;
    if (ok) c->sock->phase = phase;
    pthread_mutex_unlock(&c->t->mu);
    return ok;
}

/* Shut down every connection in phase not cut yet; returns how many. The worker thread that
** owns each one sees the end of the stream and closes it. */
static int socks_cut(Transport *t, int phase) {
    int n = 0;
    pthread_mutex_lock(&t->mu);
    for (Sock *k = t->socks.next; k != &t->socks; k = k->next) {
        if (k->phase != phase || k->cut || k->fd < 0) continue;
        k->cut = true;
        shutdown(k->fd, SHUT_RDWR);
        n++;
    }
    pthread_mutex_unlock(&t->mu);
    return n;
}

/* ---- the access handler ------------------------------------------------------------------ */

/* The first sight of a request: its raw URI, before libmicrohttpd splits the query. Each
** query parameter costs libmicrohttpd a record in the connection's memory pool, and when the
** pool runs out (about 900 parameters in 64 KiB) it cannot even send its own error answer:
** the client got no reply at all. So a query with more parameters or bytes than any route
** takes is cut off here, in place, before libmicrohttpd parses it (the URI lies in its
** writable read buffer; it terminates the query the same way itself), and is answered 414
** from the headers. Returns the request's Conn, which libmicrohttpd hands to on_request. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc) {
    Conn *c = xcalloc(1, sizeof *c);
    c->t = cls;
    c->spool = -1;
    char *q = strchr(uri, '?');
    if (!q) return c;
    size_t n = strlen(q + 1);
    c->query_params = n ? 1 : 0;
    for (const char *p = q + 1; *p; p++) c->query_params += *p == '&';
    c->query_bytes = n;
    if (c->query_params > QUERY_MAX_PARAMS || n > QUERY_MAX_BYTES) q[1] = 0;
    return c;
}

/* Fill in c's request from what libmicrohttpd parsed. */
static void conn_begin(Conn *c, struct MHD_Connection *mc, const char *url, const char *method) {
    Transport *t = c->t;
    c->begun = 1;
    const union MHD_ConnectionInfo *si = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    c->sock = si ? si->socket_context : NULL;
    Req *r = &c->req;
    App *app = t->app;
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
    r->actor = actor_anonymous(r->remote);
    atomic_fetch_add(&app->inflight, 1);
    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, collect_arg, c);
    r->query = c->params;
    r->nquery = c->nparams;
    r->content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
    r->html = path_is_page(r->path);
    req_lang_init(r);
}

bool path_is_page(const char *path) {
    static const char *const machine[] = {"/api/", "/healthz", "/metrics", "/files/", "/static/"};
    for (size_t i = 0; i < sizeof machine / sizeof *machine; i++)
        if (strncmp(path, machine[i], strlen(machine[i])) == 0) return false;
    return true;
}

void req_lang_init(Req *r) {
    int l = lang_parse(req_query(r, "lang"));
    if (l < 0) l = lang_parse(req_cookie(r, "lang"));
    if (l < 0) l = (int)lang_accept(req_header(r, "Accept-Language"), r->html ? LANG_VI : LANG_EN);
    r->lang = (Lang)l;
}

/* The path and query as text: UTF-8, and no more than any route takes. 0 or the refusal. */
static int check_url(Conn *c) {
    Req *r = &c->req;
    if (c->query_params > QUERY_MAX_PARAMS)
        return resp_error(r, 414, "query", "the query has %zu parameters; at most %d are accepted", c->query_params,
                          QUERY_MAX_PARAMS);
    if (c->query_bytes > QUERY_MAX_BYTES)
        return resp_error(r, 414, "query", "the query is %zu bytes long; at most %zu are accepted", c->query_bytes,
                          QUERY_MAX_BYTES);
    if (!text_utf8_valid(r->path, strlen(r->path), NULL))
        return resp_error(r, 400, "path", "the path is not valid UTF-8 (percent-encode UTF-8 bytes)");
    for (int i = 0; i < r->nquery; i++) {
        const Param *q = &r->query[i];
        if (!text_utf8_valid(q->key, strlen(q->key), NULL))
            return resp_error(r, 400, "query", "a query parameter's name is not valid UTF-8");
        if (!text_utf8_valid(q->value, strlen(q->value), NULL))
            return resp_error(r, 400, q->key, "query parameter '%s' is not valid UTF-8", q->key);
    }
    return 0;
}

/* Will a body follow the headers? */
static bool has_body(struct MHD_Connection *mc) {
    const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    int64_t len = 0;
    if (cl && parse_i64(cl, &len) && len > 0) return true;
    return MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Transfer-Encoding") != NULL;
}

static bool is_read(const char *method) { return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0; }

/* A page's POST takes a form (form.h), parsed as it arrives instead of kept as a body; no body
** at all is an empty form. 0, or the refusal (415 for another type of body, 400 for a
** multipart type without its boundary). */
static int form_begin(Conn *c, struct MHD_Connection *mc) {
    Req *r = &c->req;
    if (!has_body(mc)) return 0;
    if (!form_is_form_type(r->content_type))
        return resp_error(r, 415, "Content-Type",
                          "a page takes forms: application/x-www-form-urlencoded or multipart/form-data");
    r->form = form_new(mc, c->t->app->files_dir);
    if (!r->form) return resp_error(r, 400, "Content-Type", "the form's Content-Type has no boundary");
    return 0;
}

/* A form of one of this site's pages (same origin) posted with a session cookie that is no
** longer valid (it ended, idle or absolute): the refusal route_admit just wrote was a 401. */
static bool session_ended_form(Req *r) {
    if (!r->route || !r->route->html || is_read(r->method) || (r->status != 401 && r->status != 303) ||
        r->auth_err.status != 401 || strcmp(r->auth_err.field, SESSION_COOKIE) != 0)
        return false;
    const char *origin = req_header(r, "Origin"), *host = req_header(r, "Host");
    if (!origin) {
        const char *site = req_header(r, "Sec-Fetch-Site");
        return site && strcmp(site, "same-origin") == 0;
    }
    const char *o = strstr(origin, "://");
    return o && host && strcmp(o + 3, host) == 0;
}

/* Everything the headers decide, before any body is read: shutdown, the URL, the body's
** declared size, the route, credentials, permission, token scope, CSRF and the object's
** scope (route_admit). 0 when the request may go on; otherwise the refusal is in r. */
static int admit(Conn *c, struct MHD_Connection *mc) {
    Req *r = &c->req;
    if (atomic_load(&c->t->stopping) || !sock_phase(c, SOCK_RECEIVING)) {
        c->close_now = 1;
        resp_header(r, "Retry-After", "5");
        return resp_error(r, 503, "", "the server is shutting down; send the request again shortly");
    }
    if (check_url(c)) return r->status;
    int status = 0;
    char allow[64];
    r->route = route_match(r, r->method, r->path, &status, allow, sizeof allow);
    c->limit = r->route && r->route->max_body ? r->route->max_body : c->t->app->max_body;
    const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    int64_t len = 0;
    if (cl && parse_i64(cl, &len) && len > (int64_t)c->limit)
        return resp_error(r, 413, "body", "request body exceeds the limit of %zu bytes for %s", c->limit, r->path);
    r->db = app_db(c->t->app);
    db_fault_clear(r->db); /* a storage fault belongs to the request that met it */
    /* Loading a session may record its use: a write, so before any read transaction. */
    route_authenticate(r);
    if (route_admit(r)) {
        if (!session_ended_form(r)) return r->status;
        /* Its form is read all the same, and shown back inside the sign-in form (page_resign)
        ** instead of the refusal, so what the person typed survives signing in again. */
        c->resign = 1;
        buf_reset(&r->resp_headers);
        resp_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
    }
    if (r->route->html && !is_read(r->method) && form_begin(c, mc)) return r->status;
    /* A declared body that may stay in memory takes its share of the budget and its buffer
    ** now, in one piece (chunk by chunk, the buffer would double its way up). */
    if (len > 0 && (size_t)len <= BODY_MEM_MAX && budget_take(c->t, (size_t)len)) {
        c->reserved = (size_t)len;
        buf_reserve(&c->body, (size_t)len);
    }
    return 0;
}

/* Run the admitted request's handler on its complete body. */
static void handle(Conn *c) {
    Req *r = &c->req;
    int err = c->spool_err ? c->spool_err : body_finish(c);
    if (err) {
        log_error("cannot store the body of %s %s: %s", r->method, r->path, strerror(err));
        resp_header(r, "Retry-After", "30");
        resp_error(r, 503, "body", "the server cannot store the request body now (%s); try again later", strerror(err));
        return;
    }
    if (r->form && !c->form_err.status) form_finish(r->form, &c->form_err);
    if (c->form_err.status) {
        resp_problem(r, &c->form_err);
        return;
    }
    if (c->resign) {
        page_resign(r);
        return;
    }
    /* A page's form must carry its CSRF token; when it does not, the form's own page shows it
    ** again, the values kept and the reason on top, and nothing is written (route.c). */
    Handler run = r->route->handler;
    if (r->route->html && !is_read(r->method) && route_check_form(r, &run) && !run) return;
    /* A GET reads one consistent snapshot, and takes the file lock once instead of once per
    ** statement. Its handlers never write. */
    bool read_tx = strcmp(r->route->method, "GET") == 0 || run != r->route->handler;
    Err te = ERR_INIT;
    PageCacheTicket ticket;
    if (page_cache_answer(r, &ticket)) return;
    if (read_tx && db_begin_read(r->db, &te)) read_tx = false;
    run(r);
    if (read_tx && db_in_tx(r->db)) {
        db_commit(r->db, &te);
    } else if (db_in_tx(r->db)) {
        /* A handler returned inside a transaction: roll back rather than leak it. */
        log_error("transaction left open by %s %s; rolled back", r->method, r->path);
        db_rollback(r->db);
    }
    page_cache_keep(r, &ticket);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **ctx) {
    Transport *t = cls;
    Conn *c = *ctx;
    if (!c->begun) {
        conn_begin(c, mc, url, method);
        if (!admit(c, mc)) return MHD_YES;
        c->refused = 1;
        /* Refused on its headers. Without a body the answer waits for the last call, which
        ** keeps the connection alive; with one it goes now, the body unread, and the
        ** connection closes (libmicrohttpd reads no further). */
        if (c->close_now || has_body(mc)) {
            c->started = 1;
            resp_header(&c->req, "Connection", "close");
            return send_response(mc, &c->req);
        }
        return MHD_YES;
    }
    Req *r = &c->req;
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        c->received += n;
        if (c->refused || c->too_large || c->spool_err || c->form_err.status) return MHD_YES;
        if (c->received > c->limit) {
            c->too_large = 1;
            body_release(c);
        } else if (r->form) {
            form_feed(r->form, upload, n, &c->form_err);
        } else {
            c->spool_err = body_add(c, upload, n);
        }
        return MHD_YES;
    }
    if (c->started) return MHD_YES;
    c->started = 1;
    if (!c->refused) {
        /* Shutdown may have cut this connection while its body was arriving: then the
        ** handler must not run, since nobody would receive its answer. */
        if (!sock_phase(c, SOCK_HANDLING)) return MHD_NO;
        if (c->too_large) {
            resp_error(r, 413, "body", "request body exceeds the limit of %zu bytes for %s", c->limit, r->path);
            resp_header(r, "Connection", "close");
        } else {
            handle(c);
        }
    }
    if (atomic_load(&t->stopping)) resp_header(r, "Connection", "close");
    return send_response(mc, r);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **ctx, enum MHD_RequestTerminationCode toe) {
    Transport *t = cls;
    App *app = t->app;
    Conn *c = *ctx;
    if (!c) return;
    *ctx = NULL;
    if (!c->begun) { /* libmicrohttpd refused the request itself */
        free(c);
        return;
    }
    Req *r = &c->req;
    sock_phase(c, SOCK_IDLE);
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
        buf_printf(&b, " status=%d bytes=%zu dur_ms=%.3f", status, c->received, (double)dur / 1e6);
        log_kv(&b, "remote", r->remote);
        if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) buf_printf(&b, " terminated=%d", (int)toe);
        log_line_end(&b);
        buf_free(&b);
    }
    body_release(c);
    form_free(r->form);
    if (c->map) munmap(c->map, c->map_len);
    if (c->spool >= 0) close(c->spool);
    buf_free(&r->resp);
    buf_free(&r->resp_headers);
    arena_free(&r->arena);
    free(c);
    atomic_fetch_sub(&app->inflight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    log_warn("%s", msg);
}

/* Stop taking requests and let those in flight finish. New connections are refused (the
** listening socket closes), idle keep-alive connections close at once, requests that arrive
** on the others are answered 503 and their connection closed, and every answer from now on
** carries Connection: close. A request still sending its body after DRAIN_UPLOAD_S seconds
** is cut (its handler never ran); a request whose handler has begun always finishes and is
** answered: the connection timeout bounds a client that stops reading. */
static void drain(struct MHD_Daemon *d, Transport *t) {
    MHD_socket lfd = MHD_quiesce_daemon(d);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
    pthread_mutex_lock(&t->mu);
    atomic_store(&t->stopping, true);
    pthread_mutex_unlock(&t->mu);
    int idle = socks_cut(t, SOCK_IDLE);
    if (idle) log_info("closed %d idle connection(s)", idle);
    uint64_t t0 = now_ns();
    bool uploads_cut = false;
    while (atomic_load(&t->app->inflight) > 0) {
        if (!uploads_cut && now_ns() - t0 > (uint64_t)DRAIN_UPLOAD_S * 1000000000u) {
            int n = socks_cut(t, SOCK_RECEIVING);
            if (n) log_warn("cut %d request(s) still sending their body %d s after the signal", n, DRAIN_UPLOAD_S);
            uploads_cut = true;
        }
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Public links (certificates' verification pages) default to the listener's address. */
static void default_public_url(App *app) {
    if (app->public_url) return;
    snprintf(app->public_url_default, sizeof app->public_url_default, "http://%s:%d", app->host, app->port);
    app->public_url = app->public_url_default;
}

int http_serve(App *app) {
    route_check_table(); /* a malformed parameter declaration is a bug: stop before listening */
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)app->port);
    if (inet_pton(AF_INET, app->host, &sa.sin_addr) != 1) {
        fprintf(stderr, "ocop: cannot listen on '%s': not an IPv4 address\n", app->host);
        return -1;
    }
    if (pthread_key_create(&app->db_key, close_db) || pthread_key_create(&app->cache_key, render_cache_free) ||
        pthread_key_create(&app->home_key, page_home_cache_free) ||
        pthread_key_create(&app->page_cache_key, page_cache_free) ||
        pthread_key_create(&app->list_cache_key, page_list_cache_free))
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
    /* Spooled bodies are written next to the stored files (same file system, not a RAM tmpfs). */
    if (mkdir(app->files_dir, 0755) && errno != EEXIST)
        log_warn("cannot create %s: %s (large uploads will fail)", app->files_dir, strerror(errno));
    Transport t = {.app = app};
    pthread_mutex_init(&t.mu, NULL);
    t.socks.next = t.socks.prev = &t.socks;
    /* poll(), not epoll: with a pool of epoll workers, MHD_quiesce_daemon (drain) races a worker
    ** removing the listening socket from its epoll set itself, and one of them aborts the process
    ** ("Failed to remove listen FD from epoll set"); poll keeps no such state. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, (uint16_t)app->port, NULL, NULL, on_request, &t,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONN_MEMORY,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1024,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->timeout_s,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &t,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, &t,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, &t,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "ocop: cannot listen on %s:%d: %s\n", app->host, app->port,
                errno ? strerror(errno) : "libmicrohttpd failed to start");
        metrics_free(app->metrics);
        pthread_mutex_destroy(&t.mu);
        return -1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (di && di->port) app->port = di->port;
    default_public_url(app); /* port 0: known now, and announced below */
    log_info("listening on http://%s:%d/ (db=%s, threads=%d)", app->host, app->port, app->db_path, app->threads);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("%s received: finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    drain(d, &t);
    MHD_stop_daemon(d);
    log_info("stopped");
    pthread_mutex_destroy(&t.mu);
    metrics_free(app->metrics);
    app->metrics = NULL;
    return 0;
}
