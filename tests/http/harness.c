/*
** harness.c: black-box test support (see harness.h).
*/
#include "harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

extern char **environ;

static const char *bin(void) {
    const char *b = getenv("OCOP_BIN");
    if (!b) {
        fprintf(stderr, "OCOP_BIN is not set\n");
        abort();
    }
    return b;
}

char *test_png(int w, int h, int shade, size_t *n) {
    if (VIPS_INIT("test")) abort();
    VipsImage *black = NULL, *grey = NULL;
    void *png = NULL;
    if (vips_black(&black, w, h, "bands", 3, NULL) || vips_linear1(black, &grey, 1.0, (double)shade, "uchar", TRUE, NULL) ||
        vips_pngsave_buffer(grey, &png, n, NULL))
        abort();
    char *out = malloc(*n);
    memcpy(out, png, *n);
    g_free(png);
    g_object_unref(grey);
    g_object_unref(black);
    return out;
}

char *read_whole(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    size_t got;
    while ((got = fread(p + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) p = realloc(p, cap *= 2);
    }
    fclose(f);
    p[n] = 0;
    if (len) *len = n;
    return p;
}

const char *write_file(const char *dir, const char *name, const char *data, size_t len) {
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

int run_ocop(const char *const *args, char **out, char **err) { return run_ocop_input(args, NULL, out, err); }

int run_ocop_input(const char *const *args, const char *input, char **out, char **err) {
    char dir[] = "/tmp/ocop-cli-XXXXXX";
    if (!mkdtemp(dir)) abort();
    char opath[64], epath[64], ipath[64];
    snprintf(opath, sizeof opath, "%s/out", dir);
    snprintf(epath, sizeof epath, "%s/err", dir);
    snprintf(ipath, sizeof ipath, "%s/in", dir);
    if (input) write_file(dir, "in", input, strlen(input));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, input ? ipath : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, opath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, epath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const char *argv[64];
    int n = 0;
    argv[n++] = bin();
    for (int i = 0; args[i] && n < 62; i++) argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid;
    if (posix_spawn(&pid, bin(), &fa, NULL, (char *const *)argv, environ)) abort();
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    waitpid(pid, &st, 0);
    char *o = read_whole(opath, NULL), *e = read_whole(epath, NULL);
    unlink(opath);
    unlink(epath);
    unlink(ipath);
    rmdir(dir);
    if (out) *out = o; else free(o);
    if (err) *err = e; else free(e);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void srv_prepare(Server *s, bool demo) {
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/ocop-test-XXXXXX");
    if (!mkdtemp(s->dir)) abort();
    snprintf(s->db, sizeof s->db, "%s/ocop.db", s->dir);
    snprintf(s->log, sizeof s->log, "%s/serve.log", s->dir);
    const char *mig[] = {"migrate", "--db", s->db, "--quiet", NULL};
    char *err = NULL;
    if (run_ocop(mig, NULL, &err) != 0) {
        fprintf(stderr, "migrate failed: %s\n", err);
        abort();
    }
    free(err);
    if (demo) {
        /* The demo's dates as written (its reference day, data/README.md): the tests assert on
        ** them, so they stay the same whatever day the tests run. */
        const char *d[] = {"demo", "--db", s->db, "--quiet", "--date", "2024-12-21", NULL};
        if (run_ocop(d, NULL, &err) != 0) {
            fprintf(stderr, "demo failed: %s\n", err);
            abort();
        }
        free(err);
    }
}

void srv_start(Server *s) { srv_start_args(s, NULL); }

void srv_start_args(Server *s, const char *const *extra) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    const char *argv[40] = {bin(), "serve", "--db", s->db, "--listen", "127.0.0.1:0", "--threads", "2"};
    int argc = 8;
    for (int i = 0; extra && extra[i] && argc < 38; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    if (posix_spawn(&s->pid, bin(), &fa, NULL, (char *const *)argv, environ)) abort();
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 600; i++) {
        char *log = read_whole(s->log, NULL);
        const char *p = log ? strstr(log, "listening on http://127.0.0.1:") : NULL;
        if (p) {
            s->port = atoi(p + strlen("listening on http://127.0.0.1:"));
            free(log);
            return;
        }
        free(log);
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) break;
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    char *log = read_whole(s->log, NULL);
    fprintf(stderr, "server did not start:\n%s\n", log ? log : "");
    abort();
}

int srv_stop(Server *s) {
    if (!s->pid) return 0;
    kill(s->pid, SIGTERM);
    int st = 0;
    waitpid(s->pid, &st, 0);
    s->pid = 0;
    int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (status != 0) {
        /* A server that does not stop cleanly (a leak found by LeakSanitizer, a crash) fails
        ** the whole test program, whatever the test framework makes of a failing teardown. */
        size_t n = 0;
        char *log = read_whole(s->log, &n);
        fprintf(stderr, "ocop serve exited with status %d; the end of its log:\n%s\n", status,
                log ? log + (n > 6000 ? n - 6000 : 0) : "(none)");
        free(log);
        abort();
    }
    return status;
}

void srv_cleanup(Server *s) {
    if (getenv("OCOP_TEST_KEEP")) {
        fprintf(stderr, "kept %s (OCOP_TEST_KEEP)\n", s->dir);
        return;
    }
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    if (strncmp(s->dir, "/tmp/ocop-test-", 15) == 0 && system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", s->dir);
}

typedef struct Acc {
    char *p;
    size_t n;
} Acc;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *ud) {
    Acc *a = ud;
    size_t n = size * nmemb;
    a->p = realloc(a->p, a->n + n + 1);
    memcpy(a->p + a->n, ptr, n);
    a->n += n;
    a->p[a->n] = 0;
    return n;
}

Resp http_req(Server *s, const char *method, const char *path, const char *ctype, const char *body, size_t len) {
    const char *none[] = {NULL};
    return http_req_h(s, s->auth[0] ? NULL : none, method, path, ctype, body, len);
}

Resp http_req_h(Server *s, const char *const *headers, const char *method, const char *path, const char *ctype,
                const char *body, size_t len) {
    Resp r = {0};
    CURL *c = curl_easy_init();
    char url[2048];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    Acc b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    struct curl_slist *hdrs = NULL;
    char ct[256];
    if (ctype) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, ct);
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (!headers) {
        /* the server's default credentials: "Name: value" lines */
        char *copy = strdup(s->auth), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            hdrs = curl_slist_append(hdrs, line);
        free(copy);
    } else {
        for (int i = 0; headers[i]; i++) hdrs = curl_slist_append(hdrs, headers[i]);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        fprintf(stderr, "%s %s: %s\n", method, path, curl_easy_strerror(rc));
        r.status = -1;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    r.body = b.p;
    r.len = b.n;
    r.headers = h.p;
    r.json = json_loadb(r.body, r.len, 0, NULL);
    return r;
}

Resp http_get(Server *s, const char *path) { return http_req(s, "GET", path, NULL, NULL, 0); }

void srv_user(Server *s, const char *name, const char *const *roles) {
    const char *args[40] = {"user", "add", name, "--db", s->db, "--password-stdin", "--quiet"};
    int n = 7;
    for (int i = 0; roles && roles[i] && n < 36; i++) {
        args[n++] = "--role";
        args[n++] = roles[i];
    }
    args[n] = NULL;
    char *err = NULL, pw[128];
    snprintf(pw, sizeof pw, "%s\n", TEST_PASSWORD);
    if (run_ocop_input(args, pw, NULL, &err) != 0) {
        fprintf(stderr, "user add %s failed: %s\n", name, err);
        abort();
    }
    free(err);
}

char *srv_token(Server *s, const char *user, const char *scope) {
    const char *args[] = {"token", "add", "test", "--user", user, "--scope", scope, "--db", s->db, "--quiet", NULL};
    char *out = NULL, *err = NULL;
    if (run_ocop(args, &out, &err) != 0) {
        fprintf(stderr, "token add failed: %s\n", err);
        abort();
    }
    free(err);
    out[strcspn(out, "\n")] = 0;
    return out;
}

void srv_as_admin(Server *s) {
    const char *roles[] = {"admin", NULL};
    srv_user(s, "testadmin", roles);
    char *t = srv_token(s, "testadmin", "write");
    snprintf(s->auth, sizeof s->auth, "Authorization: Bearer %s", t);
    free(t);
}

Resp http_json(Server *s, const char *method, const char *path, const char *json) {
    return http_req(s, method, path, "application/json", json, json ? strlen(json) : 0);
}

void resp_free(Resp *r) {
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *resp_header_value(const Resp *r, const char *name) {
    static char val[1024];
    size_t n = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        const char *nl = strchr(p, '\n');
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ') v++;
            size_t len = nl ? (size_t)(nl - v) : strlen(v);
            while (len && (v[len - 1] == '\r' || v[len - 1] == '\n')) len--;
            snprintf(val, sizeof val, "%.*s", (int)len, v);
            return val;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

json_t *jpath(json_t *root, const char *path) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *cur = root;
    char *save = NULL;
    for (char *t = strtok_r(buf, ".", &save); t && cur; t = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur)) cur = json_array_get(cur, (size_t)atoi(t));
        else cur = json_object_get(cur, t);
    }
    return cur;
}

long long jint(json_t *root, const char *path) {
    json_t *v = jpath(root, path);
    return json_is_integer(v) ? json_integer_value(v) : -999999;
}

const char *jstr(json_t *root, const char *path) {
    json_t *v = jpath(root, path);
    return json_is_string(v) ? json_string_value(v) : "(not a string)";
}

void expect_status(Resp *r, long status, const char *field) {
    if (r->status != status) fprintf(stderr, "expected %ld, got %ld: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
    if (field) assert_string_equal(jstr(r->json, "field"), field);
}

void body_has(Resp *r, const char *text) {
    if (!r->body || !strstr(r->body, text)) fprintf(stderr, "body lacks '%s':\n%s\n", text, r->body ? r->body : "");
    assert_non_null(strstr(r->body, text));
}

char *dmy(const char *iso) {
    static char out[4][11];
    static int k;
    char *o = out[k++ % 4];
    snprintf(o, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return o;
}

void sheet_leaves(json_t *node, json_t *out) {
    if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v) sheet_leaves(v, out);
        return;
    }
    if (!json_is_object(node)) return;
    json_t *opts = json_object_get(node, "options");
    if (json_is_string(json_object_get(node, "code")) && json_is_array(opts) && json_array_size(opts) > 0)
        json_array_append(out, node);
    const char *k;
    json_t *v;
    json_object_foreach(node, k, v) if (strcmp(k, "options") && strcmp(k, "document")) sheet_leaves(v, out);
}

void expire_yesterday(const char *db_path, const char *no) {
    char today[11], yesterday[11], sql[256];
    time_t t = time(NULL) + 7 * 3600 - 86400; /* Vietnam's date, a day ago */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(yesterday, sizeof yesterday, "%Y-%m-%d", &tm);
    (void)today;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE certificates SET expires_on = '%s' WHERE cert_no = '%s'; "
                              "UPDATE recognitions SET expires_on = '%s' WHERE cert_no = '%s';", yesterday, no, yesterday, no);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* ---- a person in a browser ---------------------------------------------------------------- */

const char *resp_set_cookie(const Resp *r, const char *name) {
    static char out[160];
    size_t k = strlen(name);
    for (const char *p = r->headers; p && (p = strcasestr(p, "\nSet-Cookie: ")); p++) {
        const char *v = p + 13;
        if (strncmp(v, name, k) == 0 && v[k] == '=') {
            size_t n = strcspn(v + k + 1, ";\r\n");
            snprintf(out, sizeof out, "%.*s", (int)n, v + k + 1);
            return out;
        }
    }
    return NULL;
}

void expect_page(Resp *r, long status) {
    expect_status(r, status, NULL);
    const char *ct = resp_header_value(r, "Content-Type");
    if (!ct || strcmp(ct, "text/html; charset=utf-8") != 0) fail_msg("expected a page, got %s", ct ? ct : "no type");
}

const char *form_enc(const char *s) {
    static char buf[4][2048];
    static int k;
    char *o = buf[k++ % 4];
    size_t n = 0;
    for (; *s && n + 4 < sizeof buf[0]; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~", c))
            o[n++] = (char)c;
        else if (c == ' ')
            o[n++] = '+';
        else
            n += (size_t)snprintf(o + n, 4, "%%%02X", c);
    }
    o[n] = 0;
    return o;
}

static Resp browser_req(Browser *b, const char *method, const char *path, const char *ctype, const char *body,
                        size_t n) {
    char ch[300];
    snprintf(ch, sizeof ch, "Cookie: %s%s%s", b->cookie, b->lang[0] ? "; lang=" : "", b->lang);
    const char *const h[] = {ch, NULL};
    return http_req_h(b->s, h, method, path, ctype, body, n);
}

/* The value of the first hidden _csrf field of a page, into out. */
static void csrf_field(const Resp *r, char *out, size_t n) {
    const char *p = r->body ? strstr(r->body, "name=\"_csrf\" value=\"") : NULL;
    if (!p) fail_msg("no _csrf field in the page");
    p += 20;
    snprintf(out, n, "%.*s", (int)strcspn(p, "\""), p);
}

void browser_sign_in(Browser *b, Server *s, const char *user, const char *password) {
    memset(b, 0, sizeof *b);
    b->s = s;
    Resp r = browser_req(b, "GET", "/dang-nhap", NULL, NULL, 0);
    expect_page(&r, 200);
    char token[64], cookie[200], body[512];
    csrf_field(&r, token, sizeof token);
    const char *c = resp_set_cookie(&r, "ocop_csrf");
    snprintf(cookie, sizeof cookie, "ocop_csrf=%s", c ? c : token);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&username=%s&password=%s", token, form_enc(user),
             form_enc(password ? password : TEST_PASSWORD));
    snprintf(b->cookie, sizeof b->cookie, "%s", cookie);
    r = browser_req(b, "POST", "/dang-nhap", "application/x-www-form-urlencoded", body, strlen(body));
    if (r.status != 303) fail_msg("signing in as %s answered %ld: %.300s", user, r.status, r.body ? r.body : "");
    const char *sc = resp_set_cookie(&r, "ocop_session");
    if (!sc) fail_msg("signing in as %s set no session cookie", user);
    snprintf(b->cookie, sizeof b->cookie, "ocop_session=%s", sc);
    resp_free(&r);
    r = browser_req(b, "GET", "/tai-khoan", NULL, NULL, 0);
    expect_page(&r, 200);
    csrf_field(&r, b->csrf, sizeof b->csrf);
    resp_free(&r);
}

Resp browser_get(Browser *b, const char *path) { return browser_req(b, "GET", path, NULL, NULL, 0); }

void browser_shows(Browser *b, const char *path, long status, const char *text) {
    Resp r = browser_get(b, path);
    expect_page(&r, status);
    if (text) body_has(&r, text);
    resp_free(&r);
}

Resp browser_post(Browser *b, const char *path, const char *fmt, ...) {
    char fields[16384], body[16500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fields, sizeof fields, fmt, ap);
    va_end(ap);
    snprintf(body, sizeof body, "_csrf=%s%s%s", b->csrf, fields[0] ? "&" : "", fields);
    return browser_req(b, "POST", path, "application/x-www-form-urlencoded", body, strlen(body));
}

Resp browser_post_multipart(Browser *b, const char *path, const char *boundary, const char *body, size_t n) {
    char ctype[200];
    snprintf(ctype, sizeof ctype, "multipart/form-data; boundary=%s", boundary);
    return browser_req(b, "POST", path, ctype, body, n);
}

/* ---- the usual fixture --------------------------------------------------------------------- */

void srv_up_demo(Server *s) {
    srv_prepare(s, true);
    srv_start(s);
    srv_as_admin(s);
}

void srv_down(Server *s) {
    srv_stop(s);
    srv_cleanup(s);
}

void srv_cli(Server *s, const char *const *args) {
    const char *argv[32];
    int n = 0;
    for (; args[n] && n < 28; n++) argv[n] = args[n];
    argv[n++] = "--db", argv[n++] = s->db, argv[n++] = "--quiet", argv[n] = NULL;
    char *err = NULL;
    int rc = run_ocop(argv, NULL, &err);
    if (rc != 0) fail_msg("ocop %s ... exited %d: %s", args[0], rc, err ? err : "");
    free(err);
}

const char *vn_day(int days) {
    static char out[4][11];
    static int k;
    char *o = out[k++ % 4];
    time_t t = time(NULL) + 7 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(o, 11, "%Y-%m-%d", &tm);
    return o;
}
