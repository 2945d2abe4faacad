/*
** test_auth.c: accounts, roles, sessions, CSRF, API tokens, throttling and the audit entries
** they leave, black-box: the real binary over HTTP and its command line. One server with the
** demo data (users admin, tinh.vinhlong, xa.mocay, ..., password demo-ocop-2026) serves most
** groups; throttling, session expiry and the last administrator each get a fresh server, since
** they depend on state (failure counters, clocks, the set of administrators) that the others
** would disturb. Every refusal is checked twice: its status and field, and that nothing
** changed (the record re-read, or the audit trail's count unchanged).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define DEMO_PW "demo-ocop-2026"

static Server S; /* demo data; S.auth: the write token of administrator "testadmin" */
static Server F; /* a fresh server of one test (throttling, expiry, the last administrator) */

static int setup(void **state) {
    srv_prepare(&S, true);
    srv_as_admin(&S);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    return 0;
}

/* Stop F even when its test failed half-way. */
static int fresh_teardown(void **state) {
    int rc = srv_stop(&F);
    srv_cleanup(&F);
    memset(&F, 0, sizeof F);
    return rc;
}

/* ---- helpers ------------------------------------------------------------------------------- */

static void assert_problem(Resp *r, long status, const char *field) {
    if (r->status != status) fprintf(stderr, "expected %ld, got %ld: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    assert_int_equal(jint(r->json, "status"), status);
    assert_string_equal(resp_header_value(r, "Content-Type"), "application/problem+json");
    assert_true(strlen(jstr(r->json, "detail")) > 5);
    if (field) assert_string_equal(jstr(r->json, "field"), field);
}

static void assert_status(Resp *r, long status) {
    if (r->status != status) fprintf(stderr, "expected %ld, got %ld: %s\n", status, r->status, r->body);
    assert_int_equal(r->status, status);
}

static void assert_detail_has(Resp *r, const char *text) {
    const char *d = jstr(r->json, "detail");
    if (!strstr(d, text)) fprintf(stderr, "detail '%s' lacks '%s'\n", d, text);
    assert_non_null(strstr(d, text));
}

/* Does the response have header name, containing text? */
static bool header_has(const Resp *r, const char *name, const char *text) {
    const char *v = resp_header_value(r, name);
    if (!v) fprintf(stderr, "no %s header\n", name);
    return v && strstr(v, text);
}

/* A signed-in browser: its cookie and CSRF header lines. */
typedef struct Sess {
    char secret[64];
    char cookie[128]; /* "Cookie: ocop_session=SECRET" */
    char csrf[96];    /* "X-CSRF-Token: TOKEN" */
} Sess;

/* POST /api/v1/session with extra header lines (NULL-terminated, may be NULL). */
static Resp login_h(Server *srv, const char *user, const char *pw, const char *const *headers) {
    json_t *in = json_pack("{s:s, s:s}", "username", user, "password", pw);
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    const char *none[] = {NULL};
    Resp r = http_req_h(srv, headers ? headers : none, "POST", "/api/v1/session", "application/json", body,
                        strlen(body));
    free(body);
    return r;
}

/* Sign in and fill s; the test fails unless it answers 200. */
static void login(Server *srv, const char *user, const char *pw, Sess *s) {
    Resp r = login_h(srv, user, pw, NULL);
    assert_status(&r, 200);
    const char *sc = resp_header_value(&r, "Set-Cookie");
    assert_non_null(sc);
    assert_true(strncmp(sc, "ocop_session=", 13) == 0);
    size_t n = strcspn(sc + 13, ";");
    assert_true(n < sizeof s->secret);
    snprintf(s->secret, sizeof s->secret, "%.*s", (int)n, sc + 13);
    snprintf(s->cookie, sizeof s->cookie, "Cookie: ocop_session=%s", s->secret);
    snprintf(s->csrf, sizeof s->csrf, "X-CSRF-Token: %s", jstr(r.json, "csrf_token"));
    resp_free(&r);
}

/* A request as the session s, with its CSRF token when csrf. */
static Resp sreq(Server *srv, const Sess *s, bool csrf, const char *method, const char *path, const char *json) {
    const char *h[] = {s->cookie, csrf ? s->csrf : NULL, NULL};
    return http_req_h(srv, h, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

/* A request with exactly one header line (e.g. "Authorization: Bearer ..."). */
static Resp hreq(Server *srv, const char *header, const char *method, const char *path, const char *json) {
    const char *h[] = {header, NULL};
    return http_req_h(srv, h, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

/* A request with a bearer token. */
static Resp treq(Server *srv, const char *token, const char *method, const char *path, const char *json) {
    char h[160];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    return hreq(srv, h, method, path, json);
}

/* A JSON request to S without credentials. */
static Resp anon_json(const char *method, const char *path, const char *json) {
    const char *none[] = {NULL};
    return http_req_h(&S, none, method, path, "application/json", json, strlen(json));
}

/* The number of audit entries matching query ("" or "user=x&action=y"), read as S's admin. */
static long long audit_total(Server *srv, const char *query) {
    char path[512];
    snprintf(path, sizeof path, "/api/v1/audit?per_page=1%s%s", *query ? "&" : "", query);
    Resp r = http_get(srv, path);
    assert_status(&r, 200);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

/* The id of user name, looked up as S's admin (0: none). */
static long long user_id(const char *name) {
    Resp r = http_get(&S, "/api/v1/users?per_page=500"); /* not ?q=: see test_user_search */
    assert_status(&r, 200);
    long long id = 0;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r.json, "items"), i, u) {
        if (strcmp(json_string_value(json_object_get(u, "username")), name) == 0)
            id = json_integer_value(json_object_get(u, "id"));
    }
    resp_free(&r);
    return id;
}

/* Does the list answer r hold an item whose key is value? */
static bool list_has(Resp *r, const char *key, const char *value) {
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r->json, "items"), i, u) {
        const char *v = json_string_value(json_object_get(u, key));
        if (v && strcmp(v, value) == 0) return true;
    }
    return false;
}

/* The village's note, read without credentials (a public route). */
static char *village_note(Server *srv, int id) {
    char path[64];
    snprintf(path, sizeof path, "/api/v1/villages/%d", id);
    const char *none[] = {NULL};
    Resp r = http_req_h(srv, none, "GET", path, NULL, NULL, 0);
    assert_status(&r, 200);
    json_t *v = json_object_get(r.json, "note");
    char *note = strdup(json_is_string(v) ? json_string_value(v) : "(null)");
    resp_free(&r);
    return note;
}

/* n random base64url characters. */
static void random_b64url(char *out, size_t n) {
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t i = 0; i < n; i++) out[i] = a[rand() % 64];
    out[n] = 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Run the CLI against srv's database: args without "--db PATH" (added here). */
static int cli(Server *srv, const char *input, char **out, char **err, ...) {
    const char *args[40];
    int n = 0;
    va_list ap;
    va_start(ap, err);
    for (const char *a; (a = va_arg(ap, const char *)) && n < 36;) args[n++] = a;
    va_end(ap);
    args[n++] = "--db";
    args[n++] = srv->db;
    args[n] = NULL;
    return run_ocop_input(args, input, out, err);
}

/* The id of the token (GET /api/v1/me with it). */
static long long token_id(Server *srv, const char *token) {
    Resp r = treq(srv, token, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    long long id = jint(r.json, "token_id");
    resp_free(&r);
    return id;
}

/* ---- 1. signing in ------------------------------------------------------------------------- */

static void test_login(void **state) {
    Resp r = login_h(&S, "admin", DEMO_PW, NULL);
    assert_status(&r, 200);
    const char *sc = resp_header_value(&r, "Set-Cookie");
    assert_non_null(sc);
    assert_true(strncmp(sc, "ocop_session=", 13) == 0);
    assert_int_equal(strcspn(sc + 13, ";"), 43); /* 32 random bytes, base64url */
    assert_non_null(strstr(sc, "; HttpOnly"));
    assert_non_null(strstr(sc, "; SameSite=Lax"));
    assert_non_null(strstr(sc, "; Path=/"));
    assert_null(strstr(sc, "Secure")); /* plain HTTP, no trusted proxy */
    assert_true(strlen(jstr(r.json, "csrf_token")) >= 20);
    assert_string_equal(jstr(r.json, "user.username"), "admin");
    assert_string_equal(jstr(r.json, "user.roles.0.role"), "admin");
    assert_null(jpath(r.json, "user.pw_hash"));
    assert_null(strstr(r.body, "argon2"));
    resp_free(&r);

    /* Without --trust-proxy a forwarded scheme is not believed. */
    const char *fwd[] = {"X-Forwarded-Proto: https", NULL};
    r = login_h(&S, "admin", DEMO_PW, fwd);
    assert_status(&r, 200);
    assert_non_null(resp_header_value(&r, "Set-Cookie"));
    assert_false(header_has(&r, "Set-Cookie", "Secure"));
    resp_free(&r);

    long long logins = audit_total(&S, "user=admin&action=login");
    assert_true(logins >= 2);

    /* A wrong password and an unknown user answer alike. */
    r = login_h(&S, "admin", "not the password at all", NULL);
    assert_problem(&r, 401, NULL);
    assert_null(resp_header_value(&r, "Set-Cookie"));
    char detail[256];
    snprintf(detail, sizeof detail, "%s", jstr(r.json, "detail"));
    resp_free(&r);
    r = login_h(&S, "nobody.here", "not the password at all", NULL);
    assert_problem(&r, 401, NULL);
    assert_string_equal(jstr(r.json, "detail"), detail);
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=admin&action=login"), logins); /* failures are not logins */

    /* Shape of the request. */
    r = anon_json("POST", "/api/v1/session", "{\"username\": \"admin\"}");
    assert_problem(&r, 422, "password");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/session", "{\"password\": \"" DEMO_PW "\"}");
    assert_problem(&r, 422, "username");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/session", "{\"username\": 7, \"password\": \"" DEMO_PW "\"}");
    assert_problem(&r, 422, "username");
    resp_free(&r);

    char longname[40], longpw[300];
    memset(longname, 'a', 33);
    longname[33] = 0;
    memset(longpw, 'p', 257);
    longpw[257] = 0;
    r = login_h(&S, longname, DEMO_PW, NULL);
    assert_problem(&r, 400, "username");
    resp_free(&r);
    r = login_h(&S, "admin", longpw, NULL);
    assert_problem(&r, 400, "password");
    resp_free(&r);

    const char *form = "username=admin&password=" DEMO_PW;
    const char *none[] = {NULL};
    r = http_req_h(&S, none, "POST", "/api/v1/session", "application/x-www-form-urlencoded", form, strlen(form));
    assert_problem(&r, 415, NULL);
    resp_free(&r);
    r = anon_json("POST", "/api/v1/session", "{\"username\": \"admin\", \"password\": ");
    assert_problem(&r, 400, "body");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/session", "[\"admin\", \"" DEMO_PW "\"]");
    assert_problem(&r, 422, "body");
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=admin&action=login"), logins);

    /* A disabled account: refused, and its open session ends. */
    srv_user(&S, "leaving.user", NULL);
    Sess open;
    login(&S, "leaving.user", TEST_PASSWORD, &open);
    char *out = NULL, *err = NULL;
    assert_int_equal(cli(&S, NULL, &out, &err, "user", "disable", "leaving.user", NULL), 0);
    assert_non_null(strstr(out, "leaving.user disabled"));
    free(out);
    free(err);
    r = login_h(&S, "leaving.user", TEST_PASSWORD, NULL);
    assert_problem(&r, 403, NULL);
    assert_detail_has(&r, "disabled");
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);
    r = sreq(&S, &open, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "ocop_session");
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=leaving.user&action=login"), 1); /* only the first */
    assert_int_equal(audit_total(&S, "action=disable&entity=users"), 1);
}

/* ---- 2. throttling (a fresh server: the failure counters are its state) -------------------- */

static void test_throttling(void **state) {
    srv_prepare(&F, false);
    srv_user(&F, "victim", NULL);
    srv_user(&F, "bystander", NULL);
    const char *extra[] = {"--trust-proxy", NULL};
    srv_start_args(&F, extra);

    /* Behind a trusted proxy the cookie is Secure when the client came over https. */
    const char *https[] = {"X-Forwarded-Proto: https", NULL};
    Resp r = login_h(&F, "bystander", TEST_PASSWORD, https);
    assert_status(&r, 200);
    assert_true(header_has(&r, "Set-Cookie", "; Secure"));
    resp_free(&r);
    const char *http[] = {"X-Forwarded-Proto: http", NULL};
    r = login_h(&F, "bystander", TEST_PASSWORD, http);
    assert_status(&r, 200);
    assert_non_null(resp_header_value(&r, "Set-Cookie"));
    assert_false(header_has(&r, "Set-Cookie", "Secure"));
    resp_free(&r);

    /* Five wrong passwords lock the account... */
    for (int i = 0; i < 5; i++) {
        r = login_h(&F, "victim", "wrong password number x", NULL);
        assert_problem(&r, 401, NULL);
        assert_null(resp_header_value(&r, "Retry-After"));
        resp_free(&r);
    }
    /* ... so that even the right one is refused for a while. */
    r = login_h(&F, "victim", TEST_PASSWORD, NULL);
    assert_problem(&r, 429, NULL);
    const char *ra = resp_header_value(&r, "Retry-After");
    assert_non_null(ra);
    assert_int_equal(strspn(ra, "0123456789"), strlen(ra));
    int secs = atoi(ra);
    assert_true(secs > 0 && secs <= 30);
    assert_detail_has(&r, "try again in");
    assert_detail_has(&r, "account");
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);
    r = login_h(&F, "VICTIM", TEST_PASSWORD, NULL); /* usernames are case-insensitive */
    assert_problem(&r, 429, NULL);
    resp_free(&r);

    /* Other accounts from the same address are still served... */
    r = login_h(&F, "bystander", TEST_PASSWORD, NULL);
    assert_status(&r, 200);
    resp_free(&r);
    /* ... until 20 failures from the address (5 so far; 14 more leave it at 19). */
    char name[32];
    for (int i = 0; i < 14; i++) {
        snprintf(name, sizeof name, "ghost%d", i);
        r = login_h(&F, name, "wrong password number x", NULL);
        assert_problem(&r, 401, NULL);
        resp_free(&r);
    }
    r = login_h(&F, "bystander", TEST_PASSWORD, NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = login_h(&F, "ghost-last", "wrong password number x", NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    r = login_h(&F, "bystander", TEST_PASSWORD, NULL);
    assert_problem(&r, 429, NULL);
    ra = resp_header_value(&r, "Retry-After");
    assert_non_null(ra);
    secs = atoi(ra);
    assert_true(secs > 0 && secs <= 60);
    assert_detail_has(&r, "try again in");
    assert_detail_has(&r, "address");
    resp_free(&r);

    /* The lock is per address: another client (as the trusted proxy reports it) signs in. */
    const char *other[] = {"X-Forwarded-For: 198.51.100.7", NULL};
    r = login_h(&F, "bystander", TEST_PASSWORD, other);
    assert_status(&r, 200);
    resp_free(&r);
    /* ... but not into the locked account. */
    r = login_h(&F, "victim", TEST_PASSWORD, other);
    assert_problem(&r, 429, NULL);
    resp_free(&r);

    assert_int_equal(srv_stop(&F), 0); /* a clean shutdown; fresh_teardown removes the files */
}

/* ---- 3. sessions --------------------------------------------------------------------------- */

static void test_sessions(void **state) {
    Resp r = hreq(&S, "Accept: application/json", "GET", "/api/v1/me", NULL); /* no credentials */
    assert_problem(&r, 401, NULL);
    assert_true(header_has(&r, "WWW-Authenticate", "Bearer realm=\"ocop\""));
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);

    srv_user(&S, "sess.user", NULL);
    Sess a;
    login(&S, "sess.user", TEST_PASSWORD, &a);
    r = sreq(&S, &a, false, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "username"), "sess.user");
    assert_string_equal(jstr(r.json, "via"), "session");
    assert_string_equal(jstr(r.json, "csrf_token"), a.csrf + strlen("X-CSRF-Token: "));
    resp_free(&r);

    /* Logging out needs the CSRF token too; the refusal says where to find it, in the caller's
    ** language. */
    r = sreq(&S, &a, false, "DELETE", "/api/v1/session", NULL);
    assert_problem(&r, 403, "X-CSRF-Token");
    assert_non_null(strstr(jstr(r.json, "detail"), "missing X-CSRF-Token header"));
    resp_free(&r);
    const char *vi[] = {a.cookie, "Accept-Language: vi", NULL};
    r = http_req_h(&S, vi, "DELETE", "/api/v1/session", NULL, NULL, 0);
    assert_problem(&r, 403, "X-CSRF-Token");
    assert_non_null(strstr(jstr(r.json, "detail"), "thiếu tiêu đề X-CSRF-Token"));
    resp_free(&r);
    r = sreq(&S, &a, false, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = sreq(&S, &a, true, "DELETE", "/api/v1/session", NULL);
    assert_status(&r, 204);
    assert_true(header_has(&r, "Set-Cookie", "Max-Age=0"));
    resp_free(&r);
    r = sreq(&S, &a, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "ocop_session");
    assert_non_null(resp_header_value(&r, "WWW-Authenticate"));
    assert_true(header_has(&r, "Set-Cookie", "Max-Age=0"));
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=sess.user&action=logout&entity=users"), 1);

    /* Log out everywhere: two browsers, both end. */
    Sess b, c;
    login(&S, "sess.user", TEST_PASSWORD, &b);
    login(&S, "sess.user", TEST_PASSWORD, &c);
    assert_string_not_equal(b.secret, c.secret);
    r = sreq(&S, &c, false, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = sreq(&S, &b, false, "DELETE", "/api/v1/me/sessions", NULL);
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    r = sreq(&S, &b, true, "DELETE", "/api/v1/me/sessions", NULL);
    assert_status(&r, 200);
    assert_int_equal(jint(r.json, "sessions_ended"), 2);
    resp_free(&r);
    r = sreq(&S, &b, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    r = sreq(&S, &c, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=sess.user&action=logout.all"), 1);

    /* A forged cookie: refused on a protected route... */
    Sess f;
    random_b64url(f.secret, 43);
    snprintf(f.cookie, sizeof f.cookie, "Cookie: ocop_session=%s", f.secret);
    f.csrf[0] = 0;
    r = sreq(&S, &f, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "ocop_session");
    resp_free(&r);
    r = hreq(&S, "Cookie: ocop_session=short", "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "ocop_session");
    resp_free(&r);
    /* ... while a public page still answers, and drops the stale cookie. */
    r = sreq(&S, &b, false, "GET", "/api/v1/version", NULL);
    assert_status(&r, 200);
    const char *sc = resp_header_value(&r, "Set-Cookie");
    assert_non_null(sc);
    assert_non_null(strstr(sc, "ocop_session=;"));
    assert_non_null(strstr(sc, "Max-Age=0"));
    resp_free(&r);
    r = sreq(&S, &f, false, "GET", "/api/v1/villages/1", NULL);
    assert_status(&r, 200);
    assert_true(header_has(&r, "Set-Cookie", "Max-Age=0"));
    resp_free(&r);
}

/* Idle and absolute expiry on a server with short limits (idle 2 s, at most 6 s). Session a
** stays untouched; session b makes a request every half second. */
static void test_session_expiry(void **state) {
    srv_prepare(&F, false);
    srv_user(&F, "sleepy", NULL);
    const char *extra[] = {"--session-idle", "2", "--session-max", "6", NULL};
    srv_start_args(&F, extra);
    Sess a, b;
    login(&F, "sleepy", TEST_PASSWORD, &a);
    login(&F, "sleepy", TEST_PASSWORD, &b);
    time_t t0 = time(NULL);
    Resp r = sreq(&F, &a, false, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = login_h(&F, "sleepy", TEST_PASSWORD, NULL);
    assert_int_equal(jint(r.json, "idle_timeout_s"), 2);
    assert_int_equal(jint(r.json, "max_age_s"), 6);
    assert_true(header_has(&r, "Set-Cookie", "Max-Age=6"));
    resp_free(&r);

    /* b stays active for 3 s while a sleeps. */
    for (int i = 0; i < 6; i++) {
        sleep_ms(500);
        r = sreq(&F, &b, false, "GET", "/api/v1/me", NULL);
        assert_status(&r, 200);
        resp_free(&r);
    }
    r = sreq(&F, &a, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "ocop_session");
    assert_detail_has(&r, "idle");
    resp_free(&r);

    /* b, active all along, still ends at its maximum length. */
    bool ended = false;
    while (time(NULL) - t0 < 10) {
        sleep_ms(500);
        r = sreq(&F, &b, false, "GET", "/api/v1/me", NULL);
        if (r.status == 401) {
            assert_detail_has(&r, "maximum length");
            assert_true(time(NULL) - t0 >= 5);
            ended = true;
            resp_free(&r);
            break;
        }
        assert_status(&r, 200);
        resp_free(&r);
    }
    assert_true(ended);
    assert_int_equal(srv_stop(&F), 0); /* a clean shutdown; fresh_teardown removes the files */
}

/* ---- 4. CSRF and cross-site requests ------------------------------------------------------- */

static void test_csrf(void **state) {
    Sess a;
    login(&S, "admin", DEMO_PW, &a);
    long long before = audit_total(&S, "");
    char *note = village_note(&S, 1);

    Resp r = sreq(&S, &a, false, "PATCH", "/api/v1/villages/1", "{\"note\": \"csrf one\"}");
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    const char *wrong[] = {a.cookie, "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL};
    r = http_req_h(&S, wrong, "PATCH", "/api/v1/villages/1", "application/json", "{\"note\": \"csrf two\"}", 20);
    assert_problem(&r, 403, "X-CSRF-Token");
    assert_detail_has(&r, "does not match");
    resp_free(&r);
    const char *empty[] = {a.cookie, "X-CSRF-Token: x", NULL};
    r = http_req_h(&S, empty, "PATCH", "/api/v1/villages/1", "application/json", "{\"note\": \"csrf two\"}", 20);
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    r = sreq(&S, &a, false, "POST", "/api/v1/villages", "{\"name\": \"Làng CSRF\", \"commune_code\": \"28903\"}");
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    r = sreq(&S, &a, false, "DELETE", "/api/v1/villages/1", NULL);
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    /* Nothing changed. */
    char *now = village_note(&S, 1);
    assert_string_equal(now, note);
    free(now);
    assert_int_equal(audit_total(&S, ""), before);
    r = http_get(&S, "/api/v1/villages?q=CSRF");
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);

    /* With the session's token it works. */
    r = sreq(&S, &a, true, "PATCH", "/api/v1/villages/1", "{\"note\": \"csrf ok\"}");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "note"), "csrf ok");
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=admin&action=update&entity=villages&entity_id=1"), 1);

    /* A bearer token is not sent by browsers on their own: no CSRF token needed. */
    r = http_json(&S, "PATCH", "/api/v1/villages/1", "{\"note\": \"by token\"}");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "note"), "by token");
    resp_free(&r);

    /* A page of another site: refused whatever the credentials, even with the CSRF token. */
    before = audit_total(&S, "");
    const char *evil[] = {a.cookie, a.csrf, "Origin: http://evil.example", NULL};
    r = http_req_h(&S, evil, "PATCH", "/api/v1/villages/1", "application/json", "{\"note\": \"evil\"}", 16);
    assert_problem(&r, 403, "Origin");
    resp_free(&r);
    char bearer[600];
    snprintf(bearer, sizeof bearer, "%s", S.auth);
    const char *evil_t[] = {bearer, "Origin: http://evil.example", NULL};
    r = http_req_h(&S, evil_t, "DELETE", "/api/v1/villages/1", NULL, NULL, 0);
    assert_problem(&r, 403, "Origin");
    resp_free(&r);
    const char *evil_login[] = {"Origin: http://evil.example", NULL};
    r = login_h(&S, "admin", DEMO_PW, evil_login);
    assert_problem(&r, 403, "Origin");
    assert_null(resp_header_value(&r, "Set-Cookie"));
    resp_free(&r);
    const char *null_origin[] = {a.cookie, a.csrf, "Origin: null", NULL};
    r = http_req_h(&S, null_origin, "PATCH", "/api/v1/villages/1", "application/json", "{\"note\": \"evil\"}", 16);
    assert_problem(&r, 403, "Origin");
    resp_free(&r);
    now = village_note(&S, 1);
    assert_string_equal(now, "by token");
    free(now);
    assert_int_equal(audit_total(&S, ""), before);
    /* Reading across sites is harmless (and CORS governs what the page may see). */
    r = http_req_h(&S, evil_login, "GET", "/api/v1/villages/1", NULL, NULL, 0);
    assert_status(&r, 200);
    resp_free(&r);
    /* Our own origin passes. */
    char origin[80];
    snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%d", S.port);
    const char *own[] = {a.cookie, a.csrf, origin, NULL};
    r = http_req_h(&S, own, "PATCH", "/api/v1/villages/1", "application/json", "{\"note\": \"same site\"}", 21);
    assert_status(&r, 200);
    resp_free(&r);
    free(note);
}

/* ---- 5. API tokens ------------------------------------------------------------------------- */

static void test_tokens(void **state) {
    const char *roles[] = {"commune:28903", NULL};
    srv_user(&S, "tok.user", roles);
    Sess a;
    login(&S, "tok.user", TEST_PASSWORD, &a);

    /* Bad requests create nothing. */
    long long before = audit_total(&S, "entity=api_tokens");
    Resp r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"name\": \"x\", \"scope\": \"admin\"}");
    assert_problem(&r, 422, "scope");
    resp_free(&r);
    r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"name\": \"x\", \"expires_in_days\": 0}");
    assert_problem(&r, 422, "expires_in_days");
    resp_free(&r);
    r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"name\": \"x\", \"expires_in_days\": 367}");
    assert_problem(&r, 422, "expires_in_days");
    resp_free(&r);
    r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"name\": \"x\", \"expires_in_days\": \"30\"}");
    assert_problem(&r, 422, "expires_in_days");
    resp_free(&r);
    r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"scope\": \"read\"}");
    assert_problem(&r, 422, "name");
    resp_free(&r);
    r = sreq(&S, &a, false, "POST", "/api/v1/me/tokens", "{\"name\": \"sync\", \"scope\": \"write\"}");
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    assert_int_equal(audit_total(&S, "entity=api_tokens"), before);

    /* Created: shown once. */
    r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens",
             "{\"name\": \"sync\", \"scope\": \"write\", \"expires_in_days\": 30}");
    assert_status(&r, 201);
    char token[64];
    snprintf(token, sizeof token, "%s", jstr(r.json, "token"));
    assert_true(strncmp(token, "ocop_", 5) == 0);
    assert_int_equal(strlen(token), 48);
    long long tid = jint(r.json, "id");
    assert_true(tid > 0);
    assert_string_equal(jstr(r.json, "scope"), "write");
    assert_string_equal(jstr(r.json, "state"), "active");
    assert_null(resp_header_value(&r, "Location")); /* there is nothing to GET at /me/tokens/{id} */
    resp_free(&r);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/me/tokens/%lld", tid);
    char q[128];
    snprintf(q, sizeof q, "user=tok.user&action=create&entity=api_tokens&entity_id=%lld", tid);
    assert_int_equal(audit_total(&S, q), 1);

    r = sreq(&S, &a, false, "GET", "/api/v1/me/tokens", NULL);
    assert_status(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
    assert_int_equal(jint(r.json, "items.0.id"), tid);
    assert_null(jpath(r.json, "items.0.token"));
    assert_null(strstr(r.body, token + 5));     /* the secret appears nowhere */
    assert_null(strstr(r.body, token + 20));
    assert_string_equal(jstr(r.json, "items.0.name"), "sync");
    resp_free(&r);

    r = treq(&S, token, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "via"), "token");
    assert_string_equal(jstr(r.json, "username"), "tok.user");
    assert_int_equal(jint(r.json, "token_id"), tid);
    assert_null(jpath(r.json, "csrf_token"));
    resp_free(&r);
    /* A write with the token needs no CSRF token. */
    r = treq(&S, token, "PATCH", "/api/v1/villages/1", "{\"households\": 121}");
    assert_status(&r, 200);
    resp_free(&r);

    /* A read token reads, and only reads: even an administrator's. */
    char *ro = srv_token(&S, "testadmin", "read");
    r = treq(&S, ro, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "token_scope"), "read");
    resp_free(&r);
    r = treq(&S, ro, "GET", "/api/v1/users", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    before = audit_total(&S, "");
    char *note = village_note(&S, 1);
    r = treq(&S, ro, "PATCH", "/api/v1/villages/1", "{\"note\": \"read token\"}");
    assert_problem(&r, 403, "Authorization");
    resp_free(&r);
    r = treq(&S, ro, "POST", "/api/v1/me/tokens", "{\"name\": \"escalate\", \"scope\": \"write\"}");
    assert_problem(&r, 403, "Authorization");
    resp_free(&r);
    char *now = village_note(&S, 1);
    assert_string_equal(now, note);
    free(now);
    free(note);
    assert_int_equal(audit_total(&S, ""), before);

    /* Revoked through the API: one's own only. */
    r = treq(&S, ro, "DELETE", loc, NULL); /* read scope: refused before anything */
    assert_problem(&r, 403, "Authorization");
    resp_free(&r);
    r = http_req(&S, "DELETE", loc, NULL, NULL, 0); /* another user's token (testadmin's write token) */
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, token, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = sreq(&S, &a, true, "DELETE", loc, NULL);
    assert_status(&r, 204);
    resp_free(&r);
    r = treq(&S, token, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "revoked");
    assert_true(header_has(&r, "WWW-Authenticate", "Bearer"));
    resp_free(&r);
    r = treq(&S, token, "GET", "/api/v1/villages/1", NULL); /* bad credentials fail even on public routes */
    assert_problem(&r, 401, "Authorization");
    resp_free(&r);
    r = sreq(&S, &a, true, "DELETE", loc, NULL);
    assert_problem(&r, 409, NULL);
    resp_free(&r);
    r = sreq(&S, &a, false, "GET", "/api/v1/me/tokens", NULL);
    assert_string_equal(jstr(r.json, "items.0.state"), "revoked");
    resp_free(&r);
    snprintf(q, sizeof q, "user=tok.user&action=revoke&entity=api_tokens&entity_id=%lld", tid);
    assert_int_equal(audit_total(&S, q), 1);

    /* Revoked from the command line. */
    char *t2 = srv_token(&S, "tok.user", "write");
    long long tid2 = token_id(&S, t2);
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", tid2);
    char *out = NULL, *err = NULL;
    assert_int_equal(cli(&S, NULL, &out, &err, "token", "revoke", idtxt, NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "token %lld revoked", tid2);
    assert_non_null(strstr(out, want));
    free(out);
    free(err);
    r = treq(&S, t2, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "revoked");
    resp_free(&r);

    /* Forged, malformed and foreign schemes. */
    char forged[64] = "ocop_";
    random_b64url(forged + 5, 43);
    r = treq(&S, forged, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "unknown");
    resp_free(&r);
    r = treq(&S, "ocop_short", "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "malformed");
    resp_free(&r);
    char wrongprefix[64] = "abcd_";
    random_b64url(wrongprefix + 5, 43);
    r = treq(&S, wrongprefix, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    resp_free(&r);
    r = hreq(&S, "Authorization: Basic dG9rLnVzZXI6Y29ycmVjdCBob3JzZQ==", "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_non_null(resp_header_value(&r, "WWW-Authenticate"));
    resp_free(&r);
    r = hreq(&S, "Authorization: Basic dG9rLnVzZXI6Y29ycmVjdCBob3JzZQ==", "GET", "/api/v1/version", NULL);
    assert_problem(&r, 401, "Authorization");
    resp_free(&r);
    r = hreq(&S, "Authorization: Bearer ", "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    resp_free(&r);

    /* Expired: moved into the past behind the server's back. */
    char *t3 = srv_token(&S, "tok.user", "read");
    long long tid3 = token_id(&S, t3);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "UPDATE api_tokens SET expires = ? WHERE id = ?", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL) - 60);
    sqlite3_bind_int64(st, 2, tid3);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
    r = treq(&S, t3, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "expired");
    resp_free(&r);
    r = sreq(&S, &a, false, "GET", "/api/v1/me/tokens", NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "items")), 3);
    assert_string_equal(jstr(r.json, "items.2.state"), "expired");
    resp_free(&r);
    free(t2);
    free(t3);
    free(ro);
}

/* ---- 6. roles and escalation --------------------------------------------------------------- */

/* Create user name with one role as S's admin; returns its id. */
static long long admin_creates(const char *name, const char *role, const char *scope) {
    json_t *in = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "username", name, "password", TEST_PASSWORD, "roles", "role",
                           role, "scope", scope);
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    Resp r = http_json(&S, "POST", "/api/v1/users", body);
    free(body);
    assert_status(&r, 201);
    long long id = jint(r.json, "id");
    resp_free(&r);
    return id;
}

/* POST /api/v1/users as token with one role; returns the response. */
static Resp create_as(const char *token, const char *name, const char *role, const char *scope) {
    json_t *in = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "username", name, "password", TEST_PASSWORD, "roles", "role",
                           role, "scope", scope);
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    Resp r = treq(&S, token, "POST", "/api/v1/users", body);
    free(body);
    return r;
}

static void test_province_officer(void **state) {
    long long p86 = admin_creates("prov86", "province", "86");
    long long p82 = admin_creates("prov82", "province", "82");
    assert_true(p86 > 0 && p82 > 0);
    char q[160];
    snprintf(q, sizeof q, "user=testadmin&action=create&entity=users&entity_id=%lld", p86);
    assert_int_equal(audit_total(&S, q), 1);
    char *tok = srv_token(&S, "prov86", "write");
    long long before = audit_total(&S, "");

    /* No escalation: not admin, not another province, not a commune of another province. */
    Resp r = create_as(tok, "would.be.admin", "admin", "");
    assert_problem(&r, 403, "role");
    resp_free(&r);
    r = create_as(tok, "would.be.p82", "province", "82");
    assert_problem(&r, 403, "scope");
    resp_free(&r);
    r = create_as(tok, "would.be.sadec", "commune", "29905"); /* Phường Sa Đéc, Đồng Tháp (82) */
    assert_problem(&r, 403, "scope");
    resp_free(&r);
    /* a permitted role first and a forbidden one after: nothing is kept */
    r = treq(&S, tok, "POST", "/api/v1/users",
             "{\"username\": \"would.be.mixed\", \"password\": \"" TEST_PASSWORD "\", \"roles\": "
             "[{\"role\": \"commune\", \"scope\": \"28903\"}, {\"role\": \"admin\", \"scope\": \"\"}]}");
    assert_problem(&r, 403, "role");
    resp_free(&r);
    r = treq(&S, tok, "POST", "/api/v1/users",
             "{\"username\": \"would.be.bare\", \"password\": \"" TEST_PASSWORD "\", \"roles\": []}");
    assert_problem(&r, 422, "roles");
    resp_free(&r);
    assert_int_equal(user_id("would.be.mixed"), 0);
    assert_int_equal(user_id("would.be.bare"), 0);
    r = create_as(tok, "would.be.p89", "province", "89"); /* not a province since 2025 */
    assert_problem(&r, 422, "scope");
    resp_free(&r);
    assert_int_equal(user_id("would.be.admin"), 0);
    assert_int_equal(user_id("would.be.p82"), 0);
    assert_int_equal(user_id("would.be.sadec"), 0);
    assert_int_equal(audit_total(&S, ""), before);

    /* Within the province: fine. */
    r = create_as(tok, "xa.moi86", "commune", "28903");
    assert_status(&r, 201);
    long long c86 = jint(r.json, "id");
    assert_string_equal(jstr(r.json, "roles.0.province"), "86");
    resp_free(&r);
    snprintf(q, sizeof q, "user=prov86&action=create&entity=users&entity_id=%lld", c86);
    assert_int_equal(audit_total(&S, q), 1);

    /* ... but no granting admin or another province to it afterwards. */
    before = audit_total(&S, "");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles", c86);
    r = treq(&S, tok, "POST", path, "{\"role\": \"admin\"}");
    assert_problem(&r, 403, "role");
    resp_free(&r);
    r = treq(&S, tok, "POST", path, "{\"role\": \"province\", \"scope\": \"82\"}");
    assert_problem(&r, 403, "scope");
    resp_free(&r);
    r = treq(&S, tok, "POST", path, "{\"role\": \"commune\", \"scope\": \"29905\"}");
    assert_problem(&r, 403, "scope");
    resp_free(&r);
    /* nor to itself */
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles", p86);
    r = treq(&S, tok, "POST", path, "{\"role\": \"admin\"}");
    assert_problem(&r, 403, "role");
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    snprintf(path, sizeof path, "/api/v1/users/%lld", c86);
    r = http_get(&S, path);
    assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 1);
    resp_free(&r);

    /* Visibility: its province's users, not another province's. */
    r = treq(&S, tok, "GET", path, NULL);
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "username"), "xa.moi86");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/users/%lld", p82);
    r = treq(&S, tok, "GET", path, NULL);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, tok, "PATCH", path, "{\"status\": \"disabled\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, tok, "GET", "/api/v1/users?per_page=500", NULL);
    assert_status(&r, 200);
    assert_true(list_has(&r, "username", "xa.moi86"));
    assert_true(list_has(&r, "username", "prov86"));
    assert_true(list_has(&r, "username", "xa.mocay"));
    assert_false(list_has(&r, "username", "prov82"));
    assert_false(list_has(&r, "username", "testadmin"));
    assert_false(list_has(&r, "username", "admin"));
    resp_free(&r);
    r = treq(&S, tok, "GET", "/api/v1/users?province=82", NULL);
    assert_status(&r, 200);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);

    /* An administrator is out of sight, hence out of reach. */
    long long adm = user_id("testadmin");
    snprintf(path, sizeof path, "/api/v1/users/%lld", adm);
    before = audit_total(&S, "");
    r = treq(&S, tok, "PATCH", path, "{\"status\": \"disabled\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", adm);
    r = treq(&S, tok, "PUT", path, "{\"password\": \"a brand new secret here\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    r = http_get(&S, "/api/v1/me");
    assert_string_equal(jstr(r.json, "status"), "active");
    resp_free(&r);

    /* Whole-system operations are administrators' only. */
    r = treq(&S, tok, "GET", "/api/v1/audit/verify", NULL);
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    r = treq(&S, tok, "GET", "/metrics", NULL);
    assert_problem(&r, 403, NULL);
    resp_free(&r);

    /* Its audit trail: the entries of province 86 only. */
    r = treq(&S, tok, "GET", "/api/v1/audit?per_page=500", NULL);
    assert_status(&r, 200);
    assert_true(jint(r.json, "total") > 0);
    size_t i;
    json_t *it;
    bool own = false;
    json_array_foreach(json_object_get(r.json, "items"), i, it) {
        assert_string_equal(json_string_value(json_object_get(it, "province")), "86");
        if (json_integer_value(json_object_get(it, "user_id")) == p86) own = true;
    }
    assert_true(own);
    resp_free(&r);
    r = http_get(&S, "/api/v1/audit?per_page=1");
    long long all = jint(r.json, "total");
    resp_free(&r);
    r = treq(&S, tok, "GET", "/api/v1/audit?per_page=1", NULL);
    assert_true(jint(r.json, "total") < all);
    resp_free(&r);
    free(tok);
}

static void test_commune_officer(void **state) {
    char *tok = srv_token(&S, "xa.mocay", "write"); /* commune 28903 (Mỏ Cày, 86) */
    Resp r = treq(&S, tok, "GET", "/api/v1/users?per_page=500", NULL);
    assert_status(&r, 200);
    assert_true(list_has(&r, "username", "xa.mocay"));
    assert_true(list_has(&r, "username", "chuthe.thanhlong")); /* a producer of its commune */
    assert_false(list_has(&r, "username", "tinh.vinhlong"));   /* its province officer */
    assert_false(list_has(&r, "username", "admin"));
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r.json, "items"), i, u) {
        const char *name = json_string_value(json_object_get(u, "username"));
        const char *role = jstr(u, "roles.0.role"), *scope = jstr(u, "roles.0.scope");
        bool mine = strcmp(name, "xa.mocay") == 0 || strcmp(role, "producer") == 0 ||
                    (strcmp(role, "commune") == 0 && strcmp(scope, "28903") == 0);
        if (!mine) fprintf(stderr, "commune officer sees %s (%s:%s)\n", name, role, scope);
        assert_true(mine);
    }
    resp_free(&r);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%lld", user_id("tinh.vinhlong"));
    r = treq(&S, tok, "GET", path, NULL);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    /* users.manage is not a commune officer's */
    r = create_as(tok, "xa.new", "commune", "28903");
    assert_problem(&r, 403, NULL);
    resp_free(&r);

    /* Villages: another commune's is out of sight; creating one there names the field. */
    long long before = audit_total(&S, "");
    char *note = village_note(&S, 2); /* Làng nghề hoa kiểng Cái Mơn, commune 28870 */
    r = treq(&S, tok, "PATCH", "/api/v1/villages/2", "{\"note\": \"not mine\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, tok, "DELETE", "/api/v1/villages/2", NULL);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, tok, "POST", "/api/v1/villages", "{\"name\": \"Làng ngoài xã\", \"commune_code\": \"28870\"}");
    assert_problem(&r, 403, "commune_code");
    resp_free(&r);
    /* moving its own village out of the commune is the same */
    r = treq(&S, tok, "PATCH", "/api/v1/villages/1", "{\"commune_code\": \"28870\"}");
    assert_problem(&r, 403, "commune_code");
    resp_free(&r);
    char *now = village_note(&S, 2);
    assert_string_equal(now, note);
    free(now);
    free(note);
    assert_int_equal(audit_total(&S, ""), before);
    r = http_get(&S, "/api/v1/villages/1");
    assert_string_equal(jstr(r.json, "commune_code"), "28903");
    resp_free(&r);
    r = http_get(&S, "/api/v1/villages?q=ngoai");
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
    /* its own commune: fine */
    r = treq(&S, tok, "POST", "/api/v1/villages", "{\"name\": \"Làng trong xã\", \"commune_code\": \"28903\"}");
    assert_status(&r, 201);
    char q[128];
    snprintf(q, sizeof q, "user=xa.mocay&action=create&entity=villages&entity_id=%lld", jint(r.json, "id"));
    resp_free(&r);
    assert_int_equal(audit_total(&S, q), 1);
    /* and no audit trail for a commune officer */
    r = treq(&S, tok, "GET", "/api/v1/audit", NULL);
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    free(tok);
}

static void test_password_policy(void **state) {
    long long before = audit_total(&S, "");
    static const struct {
        const char *user, *pw, *says;
    } bad[] = {
        {"hoa.nguyen", "short1", "at least 10"},
        {"hoa.nguyen", "password123", "common"},
        {"hoa.nguyen", "Hoa.Nguyen-2026!", "username"},
        {"hoa.nguyen", "aaaaabbbbbaaaaa", "different"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "username", bad[i].user, "password", bad[i].pw, "roles",
                               "role", "commune", "scope", "28903");
        char *body = json_dumps(in, JSON_COMPACT);
        json_decref(in);
        Resp r = http_json(&S, "POST", "/api/v1/users", body);
        free(body);
        assert_problem(&r, 422, "password");
        assert_detail_has(&r, bad[i].says);
        resp_free(&r);
    }
    assert_int_equal(user_id("hoa.nguyen"), 0);
    assert_int_equal(audit_total(&S, ""), before);

    /* The same rules when one changes one's own password (and the current one is checked). */
    srv_user(&S, "pw.user", NULL);
    Sess a;
    login(&S, "pw.user", TEST_PASSWORD, &a);
    before = audit_total(&S, "");
    Resp r = sreq(&S, &a, true, "PUT", "/api/v1/me/password",
                  "{\"current_password\": \"" TEST_PASSWORD "\", \"new_password\": \"short\"}");
    assert_problem(&r, 422, "new_password");
    assert_detail_has(&r, "at least 10");
    resp_free(&r);
    r = sreq(&S, &a, true, "PUT", "/api/v1/me/password",
             "{\"current_password\": \"wrong one entirely\", \"new_password\": \"a fine new passphrase\"}");
    assert_problem(&r, 422, "current_password");
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    Sess other;
    login(&S, "pw.user", TEST_PASSWORD, &other);
    r = sreq(&S, &a, true, "PUT", "/api/v1/me/password",
             "{\"current_password\": \"" TEST_PASSWORD "\", \"new_password\": \"a fine new passphrase\"}");
    assert_status(&r, 200);
    resp_free(&r);
    /* the session that changed it lives on; the others end */
    r = sreq(&S, &a, false, "GET", "/api/v1/me", NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = sreq(&S, &other, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    assert_int_equal(audit_total(&S, "user=pw.user&action=password&entity=users"), 1);
    r = login_h(&S, "pw.user", TEST_PASSWORD, NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    Sess b;
    login(&S, "pw.user", "a fine new passphrase", &b);
}

/* Finer management rules: accounts that reach beyond the province, one's own password. */
static void test_manage_limits(void **state) {
    /* "dual" works in Mỏ Cày (86) and Sa Đéc (82): prov86 sees it but may not change it. */
    long long dual = admin_creates("dual", "commune", "28903");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles", dual);
    Resp r = http_json(&S, "POST", path, "{\"role\": \"commune\", \"scope\": \"29905\"}");
    assert_status(&r, 201);
    long long g82 = jint(r.json, "roles.1.id");
    assert_string_equal(jstr(r.json, "roles.1.province"), "82");
    resp_free(&r);
    if (!user_id("prov86")) admin_creates("prov86", "province", "86");
    char *tok = srv_token(&S, "prov86", "write");
    long long before = audit_total(&S, "");
    snprintf(path, sizeof path, "/api/v1/users/%lld", dual);
    r = treq(&S, tok, "GET", path, NULL);
    assert_status(&r, 200);
    resp_free(&r);
    r = treq(&S, tok, "PATCH", path, "{\"status\": \"disabled\"}");
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", dual);
    r = treq(&S, tok, "PUT", path, "{\"password\": \"taken over by 86\"}");
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles/%lld", dual, g82);
    r = treq(&S, tok, "DELETE", path, NULL);
    assert_problem(&r, 403, "scope");
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    snprintf(path, sizeof path, "/api/v1/users/%lld", dual);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "status"), "active");
    assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 2);
    resp_free(&r);
    Sess d;
    login(&S, "dual", TEST_PASSWORD, &d); /* password unchanged */

    /* Within its province it manages fully: disabling ends the account's sessions and tokens. */
    long long only86 = admin_creates("only86", "commune", "28870");
    char *t86 = srv_token(&S, "only86", "read");
    Sess o;
    login(&S, "only86", TEST_PASSWORD, &o);
    snprintf(path, sizeof path, "/api/v1/users/%lld", only86);
    r = treq(&S, tok, "PATCH", path, "{\"status\": \"disabled\", \"full_name\": \"Cán bộ đã nghỉ\"}");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "status"), "disabled");
    resp_free(&r);
    char q[160];
    snprintf(q, sizeof q, "user=prov86&action=disable&entity=users&entity_id=%lld", only86);
    assert_int_equal(audit_total(&S, q), 1);
    r = sreq(&S, &o, false, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    r = treq(&S, t86, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    assert_detail_has(&r, "disabled");
    resp_free(&r);
    free(t86);
    free(tok);
}

/* One's own password changes only through PUT /api/v1/me/password, which asks for the current
** one: an unattended session must not change it through PUT /api/v1/users/{own id}/password.
** (A user of its own, so that a failure here disturbs no other test.) */
static void test_own_password_route(void **state) {
    long long me = admin_creates("prov86.self", "province", "86");
    Sess ps;
    login(&S, "prov86.self", TEST_PASSWORD, &ps);
    long long before = audit_total(&S, "");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%lld/password", me);
    Resp r = sreq(&S, &ps, true, "PUT", path, "{\"password\": \"hijacked while away\"}");
    long status = r.status;
    if (status < 400 || status >= 500) fprintf(stderr, "own password via the users route: %ld %s\n", status, r.body);
    resp_free(&r);
    assert_true(status == 403 || status == 422);
    assert_int_equal(audit_total(&S, ""), before);
    Sess again;
    login(&S, "prov86.self", TEST_PASSWORD, &again);
}

/* GET /api/v1/users?q= finds a user by its whole username, dots and all. */
static void test_user_search(void **state) {
    Resp r = http_get(&S, "/api/v1/users?q=mocay");
    assert_status(&r, 200);
    assert_true(list_has(&r, "username", "xa.mocay"));
    resp_free(&r);
    r = http_get(&S, "/api/v1/users?q=xa.mocay");
    assert_status(&r, 200);
    bool found = list_has(&r, "username", "xa.mocay");
    resp_free(&r);
    assert_true(found);
}

/* ---- 7. producer self-registration --------------------------------------------------------- */

static long long producer_count(const char *q) {
    char path[256];
    snprintf(path, sizeof path, "/api/v1/producers?q=%s", q);
    Resp r = http_get(&S, path);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

#define REG_PRODUCER                                                                                    \
    "\"producer\": {\"type\": \"cooperative\", \"name\": \"Hợp tác xã Thử nghiệm Mỏ Cày\", "          \
    "\"commune_code\": \"28903\", \"phone\": \"0275 3843 555\"}"

static void test_register(void **state) {
    long long before = audit_total(&S, "");
    /* Refused: no producer, a bad producer, a weak password, and roles of one's choosing. */
    Resp r = anon_json("POST", "/api/v1/register", "{\"username\": \"htx.thunghiem\", \"password\": \"dua sap ngon nhat tinh\"}");
    assert_problem(&r, 422, "producer");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/register",
                  "{\"username\": \"htx.thunghiem\", \"password\": \"dua sap ngon nhat tinh\", "
                  "\"producer\": {\"type\": \"cooperative\", \"commune_code\": \"28903\"}}");
    assert_problem(&r, 422, "producer.name");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/register", "{\"username\": \"htx.thunghiem\", \"password\": \"short\", " REG_PRODUCER "}");
    assert_problem(&r, 422, "password");
    resp_free(&r);
    r = anon_json("POST", "/api/v1/register",
                  "{\"username\": \"htx.thunghiem\", \"password\": \"dua sap ngon nhat tinh\", "
                  "\"roles\": [{\"role\": \"admin\"}], " REG_PRODUCER "}");
    assert_problem(&r, 422, "roles");
    resp_free(&r);
    assert_int_equal(user_id("htx.thunghiem"), 0);
    assert_int_equal(producer_count("Thu%20nghiem"), 0);
    assert_int_equal(audit_total(&S, ""), before);

    r = anon_json("POST", "/api/v1/register",
                  "{\"username\": \"htx.thunghiem\", \"password\": \"dua sap ngon nhat tinh\", "
                  "\"full_name\": \"Nguyễn Văn Thử\", " REG_PRODUCER "}");
    assert_status(&r, 201);
    long long uid = jint(r.json, "id");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/users/%lld", uid);
    assert_string_equal(resp_header_value(&r, "Location"), loc);
    assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 1);
    assert_string_equal(jstr(r.json, "roles.0.role"), "producer");
    assert_true(json_is_false(jpath(r.json, "roles.0.confirmed")));
    assert_string_equal(jstr(r.json, "roles.0.province"), "86");
    long long pid = atoll(jstr(r.json, "roles.0.scope"));
    assert_true(pid > 0);
    resp_free(&r);
    char ppath[64];
    snprintf(ppath, sizeof ppath, "/api/v1/producers/%lld", pid);
    r = http_get(&S, ppath);
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "name"), "Hợp tác xã Thử nghiệm Mỏ Cày");
    assert_string_equal(jstr(r.json, "commune_code"), "28903");
    resp_free(&r);
    char q[160];
    snprintf(q, sizeof q, "user=htx.thunghiem&action=register&entity=users&entity_id=%lld", uid);
    assert_int_equal(audit_total(&S, q), 1);
    snprintf(q, sizeof q, "user=htx.thunghiem&action=create&entity=producers&entity_id=%lld", pid);
    assert_int_equal(audit_total(&S, q), 1);

    /* The name is taken now; the second producer record is rolled back with the account. */
    r = anon_json("POST", "/api/v1/register",
                  "{\"username\": \"HTX.ThuNghiem\", \"password\": \"another fine passphrase\", "
                  "\"producer\": {\"type\": \"cooperative\", \"name\": \"Hợp tác xã Thử nghiệm Hai\", \"commune_code\": \"28903\"}}");
    assert_problem(&r, 409, "username");
    resp_free(&r);
    assert_int_equal(producer_count("Thu%20nghiem%20Hai"), 0);

    /* Unconfirmed: signs in and edits (and reads in full) its own producer record, nothing more. */
    Resp lr = login_h(&S, "htx.thunghiem", "dua sap ngon nhat tinh", NULL);
    assert_status(&lr, 200);
    json_t *perms = jpath(lr.json, "permissions");
    assert_int_equal(json_array_size(perms), 3);
    assert_string_equal(jstr(lr.json, "permissions.0"), "login");
    assert_string_equal(jstr(lr.json, "permissions.1"), "producers.update");
    assert_string_equal(jstr(lr.json, "permissions.2"), "producers.personal");
    resp_free(&lr);
    Sess p;
    login(&S, "htx.thunghiem", "dua sap ngon nhat tinh", &p);
    r = sreq(&S, &p, false, "PATCH", ppath, "{\"phone\": \"0275 3843 556\"}");
    assert_problem(&r, 403, "X-CSRF-Token");
    resp_free(&r);
    r = sreq(&S, &p, true, "PATCH", ppath, "{\"phone\": \"0275 3843 556\"}");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "phone"), "0275 3843 556");
    resp_free(&r);
    snprintf(q, sizeof q, "user=htx.thunghiem&action=update&entity=producers&entity_id=%lld", pid);
    assert_int_equal(audit_total(&S, q), 1);

    r = http_get(&S, "/api/v1/producers?reg_no=1300765432"); /* Công ty TNHH Kẹo dừa Bến Tre Xưa, 28903 */
    long long other = jint(r.json, "items.0.id");
    assert_true(other > 0 && other != pid);
    resp_free(&r);
    char opath[64];
    snprintf(opath, sizeof opath, "/api/v1/producers/%lld", other);
    before = audit_total(&S, "");
    r = sreq(&S, &p, true, "PATCH", opath, "{\"phone\": \"0275 3843 557\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    char prod[256];
    snprintf(prod, sizeof prod, "{\"name\": \"Kẹo dừa thử nghiệm\", \"set_no\": 6, \"producer_id\": %lld}", pid);
    r = sreq(&S, &p, true, "POST", "/api/v1/products", prod);
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    r = sreq(&S, &p, true, "POST", loc, NULL); /* not even itself */
    assert_status(&r, 405);
    resp_free(&r);
    char cpath[80];
    snprintf(cpath, sizeof cpath, "%s/confirm", loc);
    r = sreq(&S, &p, true, "POST", cpath, NULL);
    assert_problem(&r, 403, NULL);
    resp_free(&r);

    assert_int_equal(audit_total(&S, ""), before);

    /* Only the officers of its place confirm it. */
    admin_creates("xa.cholach", "commune", "28870");
    char *t70 = srv_token(&S, "xa.cholach", "write");
    admin_creates("xa.sadec", "commune", "29905");
    char *tsadec = srv_token(&S, "xa.sadec", "write");
    before = audit_total(&S, "");
    r = treq(&S, t70, "POST", cpath, NULL);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = treq(&S, tsadec, "POST", cpath, NULL);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    r = http_get(&S, loc);
    assert_true(json_is_false(jpath(r.json, "roles.0.confirmed")));
    resp_free(&r);

    char *tmc = srv_token(&S, "xa.mocay", "write");
    r = treq(&S, tmc, "GET", loc, NULL); /* visible to its commune officer */
    assert_status(&r, 200);
    resp_free(&r);
    r = treq(&S, tmc, "POST", cpath, NULL);
    assert_status(&r, 200);
    assert_true(json_is_true(jpath(r.json, "roles.0.confirmed")));
    resp_free(&r);
    snprintf(q, sizeof q, "user=xa.mocay&action=confirm&entity=users&entity_id=%lld", uid);
    assert_int_equal(audit_total(&S, q), 1);
    r = treq(&S, tmc, "POST", cpath, NULL);
    assert_problem(&r, 409, NULL);
    resp_free(&r);

    /* Confirmed: its own products, and only its own. */
    r = sreq(&S, &p, true, "POST", "/api/v1/products", prod);
    assert_status(&r, 201);
    long long prid = jint(r.json, "id");
    assert_int_equal(jint(r.json, "producer_id"), pid);
    assert_string_equal(jstr(r.json, "commune_code"), "28903");
    resp_free(&r);
    snprintf(q, sizeof q, "user=htx.thunghiem&action=create&entity=products&entity_id=%lld", prid);
    assert_int_equal(audit_total(&S, q), 1);
    before = audit_total(&S, "");
    snprintf(prod, sizeof prod, "{\"name\": \"Kẹo dừa mạo danh\", \"set_no\": 6, \"producer_id\": %lld}", other);
    r = sreq(&S, &p, true, "POST", "/api/v1/products", prod);
    assert_problem(&r, 403, NULL);
    char field[64];
    snprintf(field, sizeof field, "%s", jstr(r.json, "field"));
    resp_free(&r);
    /* nor move its product to another producer */
    char prpath[64];
    snprintf(prpath, sizeof prpath, "/api/v1/products/%lld", prid);
    snprintf(prod, sizeof prod, "{\"producer_id\": %lld}", other);
    r = sreq(&S, &p, true, "PATCH", prpath, prod);
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    /* nor edit another producer's product */
    r = http_get(&S, "/api/v1/products?producer_id=2&per_page=1");
    char other_prod[64];
    snprintf(other_prod, sizeof other_prod, "/api/v1/products/%lld", jint(r.json, "items.0.id"));
    resp_free(&r);
    r = sreq(&S, &p, true, "PATCH", other_prod, "{\"description\": \"mạo danh\"}");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    assert_int_equal(audit_total(&S, ""), before);
    r = http_get(&S, "/api/v1/products?q=mao%20danh");
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
    free(t70);
    free(tsadec);
    free(tmc);
    /* The refusal names what the producer sent and may not use: producer_id. */
    assert_string_equal(field, "producer_id");
}

/* A producer that moves its own record to another province: what the officers of either
** province may see must agree between the list and the record (the list follows the province
** stored with the role at the time it was granted; visibility follows the producer's commune). */
static void test_producer_moves(void **state) {
    Resp r = anon_json("POST", "/api/v1/register",
                       "{\"username\": \"htx.dichuyen\", \"password\": \"dua sap ngon nhat tinh\", \"producer\": "
                       "{\"type\": \"cooperative\", \"name\": \"Hợp tác xã Di chuyển\", \"commune_code\": \"28903\"}}");
    assert_status(&r, 201);
    long long uid = jint(r.json, "id");
    char ppath[64];
    snprintf(ppath, sizeof ppath, "/api/v1/producers/%s", jstr(r.json, "roles.0.scope"));
    resp_free(&r);
    char *tp = srv_token(&S, "htx.dichuyen", "write");
    /* A producer account cannot move its own record out of its commune officer's reach... */
    r = treq(&S, tp, "PATCH", ppath, "{\"commune_code\": \"29905\"}"); /* Phường Sa Đéc, Đồng Tháp (82) */
    assert_problem(&r, 403, "commune_code");
    resp_free(&r);
    /* ...an administrator can, and the account's province follows. */
    r = http_json(&S, "PATCH", ppath, "{\"commune_code\": \"29905\"}");
    long moved = r.status;
    assert_status(&r, 200);
    resp_free(&r);
    if (!user_id("prov82")) admin_creates("prov82", "province", "82");
    if (!user_id("prov86")) admin_creates("prov86", "province", "86");
    char *t82 = srv_token(&S, "prov82", "read"), *t86 = srv_token(&S, "prov86", "read");
    char upath[64];
    snprintf(upath, sizeof upath, "/api/v1/users/%lld", uid);
    bool agree[2];
    const char *toks[2] = {t82, t86};
    for (int i = 0; i < 2; i++) {
        r = treq(&S, toks[i], "GET", upath, NULL);
        bool sees = r.status == 200;
        resp_free(&r);
        r = treq(&S, toks[i], "GET", "/api/v1/users?per_page=500", NULL);
        bool listed = list_has(&r, "username", "htx.dichuyen");
        resp_free(&r);
        agree[i] = sees == listed;
        if (!agree[i])
            fprintf(stderr, "producer moved (PATCH %ld): province %s officer: GET %s %s, list %s it\n", moved,
                    i == 0 ? "82" : "86", upath, sees ? "200" : "404", listed ? "holds" : "lacks");
    }
    free(tp);
    free(t82);
    free(t86);
    assert_true(agree[0] && agree[1]);
}

/* expires_in_days beyond 366 is refused, however large. */
static void test_token_days_overflow(void **state) {
    const char *roles[] = {"commune:28903", NULL};
    srv_user(&S, "tok.days", roles);
    Sess a;
    login(&S, "tok.days", TEST_PASSWORD, &a);
    Resp r = sreq(&S, &a, true, "POST", "/api/v1/me/tokens", "{\"name\": \"wraps\", \"expires_in_days\": 4294967297}");
    assert_problem(&r, 422, "expires_in_days");
    resp_free(&r);
    /* A token cannot mint tokens (a stolen one could renew itself for ever). */
    char *t = srv_token(&S, "tok.days", "write");
    r = treq(&S, t, "POST", "/api/v1/me/tokens", "{\"name\": \"renewal\", \"scope\": \"write\"}");
    assert_problem(&r, 403, "Authorization");
    resp_free(&r);
    free(t);
}

/* ---- 8. the audit trail -------------------------------------------------------------------- */

static void test_audit_trail(void **state) {
    /* A login: who, from where, no province (administrators only). */
    Resp r = http_get(&S, "/api/v1/audit?action=login&user=sess.user&per_page=1");
    assert_status(&r, 200);
    assert_string_equal(jstr(r.json, "items.0.username"), "sess.user");
    assert_string_equal(jstr(r.json, "items.0.entity"), "users");
    assert_string_equal(jstr(r.json, "items.0.remote"), "127.0.0.1");
    assert_true(json_is_null(jpath(r.json, "items.0.province")));
    resp_free(&r);

    /* A token's creation records its name, scope and prefix, never the token. */
    r = http_get(&S, "/api/v1/audit?action=create&entity=api_tokens&user=tok.user");
    assert_status(&r, 200);
    assert_int_equal(jint(r.json, "total"), 1);
    assert_string_equal(jstr(r.json, "items.0.after.name"), "sync");
    assert_string_equal(jstr(r.json, "items.0.after.scope"), "write");
    assert_true(strncmp(jstr(r.json, "items.0.after.prefix"), "ocop_", 5) == 0);
    assert_int_equal(strlen(jstr(r.json, "items.0.after.prefix")), 12);
    resp_free(&r);

    /* Creating a user records the account without its password hash. */
    r = http_get(&S, "/api/v1/audit?action=create&entity=users&user=prov86");
    assert_status(&r, 200);
    assert_true(jint(r.json, "total") >= 1);
    assert_string_equal(jstr(r.json, "items.0.province"), "86");
    assert_true(json_is_null(jpath(r.json, "items.0.before")));
    assert_non_null(jpath(r.json, "items.0.after.username"));
    resp_free(&r);
    r = http_get(&S, "/api/v1/audit?entity=users&per_page=500");
    assert_null(strstr(r.body, "argon2"));
    assert_null(strstr(r.body, TEST_PASSWORD));
    resp_free(&r);

    /* The command line sees the same trail. */
    char *out = NULL, *err = NULL;
    assert_int_equal(cli(&S, NULL, &out, &err, "audit", "list", "--format", "json", "--user", "xa.mocay", "--action",
                         "confirm", NULL), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(jint(j, "total"), 1);
    assert_string_equal(jstr(j, "items.0.entity"), "users");
    assert_string_equal(jstr(j, "items.0.province"), "86");
    json_decref(j);
    free(out);
    free(err);

    /* And after all of the above the chain is intact. */
    r = http_get(&S, "/api/v1/audit/verify");
    assert_status(&r, 200);
    assert_true(json_is_true(jpath(r.json, "intact")));
    resp_free(&r);
}

/* ---- 9. the command line ------------------------------------------------------------------- */

static void test_cli(void **state) {
    char *out = NULL, *err = NULL;
    /* No terminal and no --password-stdin: refused, saying what to do. */
    int rc = cli(&S, NULL, &out, &err, "user", "add", "cli.nopw", "--role", "commune:28903", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "--password-stdin"));
    free(out);
    free(err);
    assert_int_equal(user_id("cli.nopw"), 0);

    /* A weak password: refused, naming the problem. */
    rc = cli(&S, "short\n", &out, &err, "user", "add", "cli.weak", "--role", "admin", "--password-stdin", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "at least 10 characters"));
    free(out);
    free(err);
    rc = cli(&S, "cli.weak-passphrase\n", &out, &err, "user", "add", "cli.weak", "--role", "admin", "--password-stdin",
             NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "username"));
    free(out);
    free(err);
    assert_int_equal(user_id("cli.weak"), 0);
    /* A bad role: refused, nothing created. */
    rc = cli(&S, TEST_PASSWORD "\n", &out, &err, "user", "add", "cli.badrole", "--role", "commune:99999",
             "--password-stdin", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "scope"));
    free(out);
    free(err);
    assert_int_equal(user_id("cli.badrole"), 0);

    /* add, grant, show, revoke, list */
    rc = cli(&S, TEST_PASSWORD "\n", &out, &err, "user", "add", "cli.user", "--role", "commune:28903",
             "--password-stdin", "--full-name", "Cán bộ dòng lệnh", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "created user cli.user (id "));
    free(out);
    free(err);
    long long id = user_id("cli.user");
    assert_true(id > 0);
    rc = cli(&S, NULL, &out, &err, "user", "grant", "cli.user", "province:86", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "cli.user now holds province:86"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "grant", "cli.user", "province:86", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "already holds"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "grant", "cli.user", "wizard", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "unknown role"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "show", "cli.user", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "cli.user"));
    assert_non_null(strstr(out, "active"));
    assert_non_null(strstr(out, "commune:28903, province:86"));
    assert_non_null(strstr(out, "last sign-in: never"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "show", "cli.user", "--format", "json", NULL);
    assert_int_equal(rc, 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(jint(j, "id"), id);
    assert_string_equal(jstr(j, "full_name"), "Cán bộ dòng lệnh");
    assert_int_equal(json_array_size(json_object_get(j, "roles")), 2);
    assert_string_equal(jstr(j, "roles.1.granted_by"), jstr(j, "roles.0.granted_by"));
    assert_true(strncmp(jstr(j, "roles.1.granted_by"), "cli:", 4) == 0);
    json_decref(j);
    free(out);
    free(err);
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", id);
    rc = cli(&S, NULL, &out, &err, "audit", "list", "--format", "json", "--entity", "users", "--entity-id", idtxt,
             "--action", "grant", NULL);
    assert_int_equal(rc, 0);
    j = json_loads(out, 0, NULL);
    assert_int_equal(jint(j, "total"), 1);
    assert_true(strncmp(jstr(j, "items.0.username"), "cli:", 4) == 0);
    json_decref(j);
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "revoke", "cli.user", "province:86", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "cli.user no longer holds province:86"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "revoke", "cli.user", "admin", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "does not hold"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "show", "cli.user", NULL);
    assert_null(strstr(out, "province:86"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "show", "nobody.at.all", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no user"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "list", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "cli.user"));
    assert_non_null(strstr(out, "xa.mocay"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "user", "list", "--role", "province", "--format", "json", NULL);
    assert_int_equal(rc, 0);
    j = json_loads(out, 0, NULL);
    assert_true(json_is_array(j));
    size_t i;
    json_t *u;
    bool tinh = false;
    json_array_foreach(j, i, u) {
        const char *name = json_string_value(json_object_get(u, "username"));
        assert_string_not_equal(name, "cli.user"); /* no longer a province officer */
        if (strcmp(name, "tinh.vinhlong") == 0) tinh = true;
    }
    assert_true(tinh);
    json_decref(j);
    free(out);
    free(err);

    /* Tokens: add prints the token alone on standard output; list shows no secret. */
    rc = cli(&S, NULL, &out, &err, "token", "add", "ci-job", "--user", "cli.user", "--scope", "write", "--expires", "7",
             NULL);
    assert_int_equal(rc, 0);
    assert_true(strncmp(out, "ocop_", 5) == 0);
    assert_int_equal(strlen(out), 49); /* 48 and a newline */
    char token[64];
    snprintf(token, sizeof token, "%.48s", out);
    assert_non_null(strstr(err, "for cli.user (scope write, 7 days)"));
    free(out);
    free(err);
    long long tid = token_id(&S, token);
    rc = cli(&S, NULL, &out, &err, "token", "list", "--user", "cli.user", NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "ci-job"));
    assert_non_null(strstr(out, "active"));
    assert_non_null(strstr(out, "write"));
    assert_null(strstr(out, token + 12));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "token", "add", "bad", "--user", "cli.user", "--scope", "root", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "scope"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "token", "add", "bad", "--user", "no.such.user", NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "no user"));
    free(out);
    free(err);
    snprintf(idtxt, sizeof idtxt, "%lld", tid);
    rc = cli(&S, NULL, &out, &err, "token", "revoke", idtxt, NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "token", "revoke", idtxt, NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "already revoked"));
    free(out);
    free(err);
    rc = cli(&S, NULL, &out, &err, "token", "list", "--user", "cli.user", NULL);
    assert_non_null(strstr(out, "revoked"));
    free(out);
    free(err);
    Resp r = treq(&S, token, "GET", "/api/v1/me", NULL);
    assert_problem(&r, 401, "Authorization");
    resp_free(&r);
    rc = cli(&S, NULL, &out, &err, "token", "revoke", "99999", NULL);
    assert_int_equal(rc, 1);
    free(out);
    free(err);

    /* passwd from standard input; the old password stops working */
    rc = cli(&S, "a new cli passphrase\n", &out, &err, "user", "passwd", "cli.user", "--password-stdin", NULL);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    r = login_h(&S, "cli.user", TEST_PASSWORD, NULL);
    assert_problem(&r, 401, NULL);
    resp_free(&r);
    Sess s;
    login(&S, "cli.user", "a new cli passphrase", &s);
}

/* The last active administrator: a fresh server with one. */
static void test_last_admin(void **state) {
    srv_prepare(&F, false);
    const char *adm[] = {"admin", NULL};
    srv_user(&F, "solo", adm);
    char *tok = srv_token(&F, "solo", "write");
    srv_start(&F);
    snprintf(F.auth, sizeof F.auth, "Authorization: Bearer %s", tok);
    Resp r = http_get(&F, "/api/v1/me");
    long long id = jint(r.json, "id"), gid = jint(r.json, "roles.0.id");
    resp_free(&r);
    long long before = audit_total(&F, "");

    char *out = NULL, *err = NULL;
    assert_int_equal(cli(&F, NULL, &out, &err, "user", "disable", "solo", NULL), 1);
    assert_non_null(strstr(err, "last active administrator"));
    free(out);
    free(err);
    assert_int_equal(cli(&F, NULL, &out, &err, "user", "revoke", "solo", "admin", NULL), 1);
    assert_non_null(strstr(err, "last active administrator"));
    free(out);
    free(err);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles/%lld", id, gid);
    r = http_req(&F, "DELETE", path, NULL, NULL, 0);
    assert_problem(&r, 409, "role");
    assert_detail_has(&r, "last active administrator");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/users/%lld", id);
    r = http_json(&F, "PATCH", path, "{\"status\": \"disabled\"}");
    assert_problem(&r, 409, "status");
    resp_free(&r);
    r = http_get(&F, "/api/v1/me");
    assert_string_equal(jstr(r.json, "status"), "active");
    assert_string_equal(jstr(r.json, "roles.0.role"), "admin");
    resp_free(&r);
    assert_int_equal(audit_total(&F, ""), before);

    /* With a second administrator, one of them may go. */
    srv_user(&F, "duo", adm);
    assert_int_equal(cli(&F, NULL, &out, &err, "user", "disable", "duo", NULL), 0);
    free(out);
    free(err);
    /* ... and solo is again the last active one. */
    snprintf(path, sizeof path, "/api/v1/users/%lld/roles/%lld", id, gid);
    r = http_req(&F, "DELETE", path, NULL, NULL, 0);
    assert_problem(&r, 409, "role");
    resp_free(&r);
    assert_int_equal(cli(&F, NULL, &out, &err, "user", "enable", "duo", NULL), 0);
    free(out);
    free(err);
    r = http_req(&F, "DELETE", path, NULL, NULL, 0);
    assert_status(&r, 200);
    assert_int_equal(json_array_size(json_object_get(r.json, "roles")), 0);
    resp_free(&r);
    /* solo is no administrator any more: its token cannot read the trail; the CLI can. */
    r = http_get(&F, "/api/v1/audit");
    assert_problem(&r, 403, NULL);
    resp_free(&r);
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", id);
    assert_int_equal(cli(&F, NULL, &out, &err, "audit", "list", "--format", "json", "--action", "revoke",
                         "--entity", "users", "--entity-id", idtxt, NULL), 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(jint(j, "total"), 1);
    assert_string_equal(jstr(j, "items.0.username"), "solo");
    json_decref(j);
    free(out);
    free(err);
    free(tok);
    assert_int_equal(srv_stop(&F), 0); /* a clean shutdown; fresh_teardown removes the files */
}

int main(void) {
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_login),          cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_csrf),           cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_province_officer), cmocka_unit_test(test_commune_officer),
        cmocka_unit_test(test_password_policy), cmocka_unit_test(test_manage_limits),
        cmocka_unit_test(test_register),       cmocka_unit_test(test_producer_moves),
        cmocka_unit_test(test_token_days_overflow), cmocka_unit_test(test_audit_trail),
        cmocka_unit_test(test_cli),            cmocka_unit_test(test_user_search),
        cmocka_unit_test(test_own_password_route),
    };
    const struct CMUnitTest fresh[] = {
        cmocka_unit_test_teardown(test_throttling, fresh_teardown),
        cmocka_unit_test_teardown(test_session_expiry, fresh_teardown),
        cmocka_unit_test_teardown(test_last_admin, fresh_teardown),
    };
    int failed = cmocka_run_group_tests_name("auth (demo server)", tests, setup, teardown);
    failed += cmocka_run_group_tests_name("auth (fresh servers)", fresh, NULL, NULL);
    return failed;
}
