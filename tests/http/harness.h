/*
** harness.h: black-box test support. Starts the real ocop binary ($OCOP_BIN) on a random
** 127.0.0.1 port with its own database in a temporary directory, speaks HTTP to it with
** libcurl, and runs CLI commands capturing their output and exit status.
*/
#ifndef OCOP_TEST_HARNESS_H
#define OCOP_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct Server {
    pid_t pid;
    int port;
    char dir[256];
    char db[300];
    char log[300];
    char auth[512]; /* header lines sent with every request by http_req ("" = none) */
} Server;

/* The password srv_user gives every test user. */
#define TEST_PASSWORD "correct horse battery staple"

typedef struct Resp {
    long status;
    char *body;
    size_t len;
    char *headers; /* raw response headers */
    json_t *json;  /* parsed body when it is JSON, else NULL */
} Resp;

/* A fresh temporary directory with a migrated database (and the demo data when demo). */
void srv_prepare(Server *s, bool demo);
/* Start `ocop serve` on the prepared database; waits until it listens. */
void srv_start(Server *s);
/* Same with extra arguments to `ocop serve` (NULL-terminated; NULL: none), e.g.
** {"--session-idle", "2", "--trust-proxy", NULL}. */
void srv_start_args(Server *s, const char *const *extra);
/* SIGTERM, wait, and return the exit status (0 for a clean shutdown). */
int srv_stop(Server *s);
/* Remove the temporary directory. */
void srv_cleanup(Server *s);
/* The usual group fixture: a server with the demo data (srv_prepare(s, true)), started, its
** requests sent as an administrator (srv_as_admin); and its end (srv_stop, srv_cleanup). */
void srv_up_demo(Server *s);
void srv_down(Server *s);
/* A file's group fixture of one demo server S: static Server S and the cmocka setup and
** teardown that start and end it. */
#define DEMO_SERVER(S)                                                                                              \
    static Server S;                                                                                               \
    static int setup(void **state) {                                                                               \
        (void)state;                                                                                               \
        srv_up_demo(&S);                                                                                           \
        return 0;                                                                                                  \
    }                                                                                                              \
    static int teardown(void **state) {                                                                            \
        (void)state;                                                                                               \
        srv_down(&S);                                                                                              \
        return 0;                                                                                                  \
    }
/* Run `ocop ARGS... --db s->db --quiet` (args NULL-terminated); fails the test unless it exits 0. */
void srv_cli(Server *s, const char *const *args);
/* Vietnam's date (UTC+7, as ocop counts days) days from today, "YYYY-MM-DD", in a static buffer
** of 4 slots reused in turn. */
const char *vn_day(int days);

/* Create user name (password TEST_PASSWORD) with roles ("admin", "province:86", ...; NULL-
** terminated, may be NULL) through the CLI. */
void srv_user(Server *s, const char *name, const char *const *roles);
/* A new API token of user with scope "read" or "write" (malloc'd). */
char *srv_token(Server *s, const char *user, const char *scope);
/* Create an administrator and send its write token with every http_req from now on. */
void srv_as_admin(Server *s);

/* One HTTP request with s->auth's headers; body may be NULL. ctype may be NULL (no
** Content-Type). */
Resp http_req(Server *s, const char *method, const char *path, const char *ctype, const char *body, size_t len);
Resp http_get(Server *s, const char *path);
/* With exactly these extra header lines (NULL-terminated) instead of s->auth; NULL: s->auth. */
Resp http_req_h(Server *s, const char *const *headers, const char *method, const char *path, const char *ctype,
                const char *body, size_t len);
Resp http_json(Server *s, const char *method, const char *path, const char *json);
void resp_free(Resp *r);
/* The value of a response header (case-insensitive name) in a static buffer, or NULL. */
const char *resp_header_value(const Resp *r, const char *name);

/* Run $OCOP_BIN with args (NULL-terminated); stdout/stderr captured (malloc'd, caller frees). */
int run_ocop(const char *const *args, char **out, char **err);
/* Same with input as standard input (NULL: /dev/null). */
int run_ocop_input(const char *const *args, const char *input, char **out, char **err);

/* Write data to dir/name; returns the path (static buffer reused per call). */
const char *write_file(const char *dir, const char *name, const char *data, size_t len);
char *read_whole(const char *path, size_t *len);
/* A real PNG (it decodes) of w × h pixels of one grey level: photos must decode, and photos of
** different sizes or shades are different photos. malloc'd; *n its length. */
char *test_png(int w, int h, int shade, size_t *n);

/* Assertions shared by the HTTP tests (cmocka): r's status, and the problem document's field
** when field is not NULL (the body is printed on a mismatch); the body holds text. */
void expect_status(Resp *r, long status, const char *field);
void body_has(Resp *r, const char *text);
/* 'dd/mm/yyyy' of an ISO date, in one of four rotating static buffers. */
char *dmy(const char *iso);
/* The leaf criteria (those with options) of a score sheet as GET /api/v1/rubrics/.../sets/{n}
** answers it, in order, appended to out. */
void sheet_leaves(json_t *sheet, json_t *out);
/* Time passes: certificate cert_no (and its recognition) expired yesterday; direct SQL on the
** test's database file. */
void expire_yesterday(const char *db, const char *cert_no);

/* JSON navigation helpers for assertions: "items.0.name" style paths. */
json_t *jpath(json_t *root, const char *path);
long long jint(json_t *root, const char *path);
const char *jstr(json_t *root, const char *path);

/* A person in a browser: signed in through the pages (/dang-nhap), with the session's cookie
** and its CSRF token, which every form of a signed-in page carries. For workspace tests. */
typedef struct Browser {
    Server *s;
    char cookie[200]; /* "ocop_session=..." */
    char csrf[64];
    char lang[4];     /* "" (Vietnamese, the pages' default) or "en": sent as the lang cookie */
} Browser;

/* Sign in as user with password (NULL: TEST_PASSWORD) through the sign-in page; fails the
** test when the sign-in does not answer 303. */
void browser_sign_in(Browser *b, Server *s, const char *user, const char *password);
/* GET path as b (its cookie; no redirect followed). */
Resp browser_get(Browser *b, const char *path);
/* POST an urlencoded form to path as b: fmt and its arguments are the fields without _csrf,
** which is added ("action=return&comment=..."; values already encoded: form_enc). */
Resp browser_post(Browser *b, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* POST a multipart form (body and its boundary built by the caller, _csrf included: b->csrf). */
Resp browser_post_multipart(Browser *b, const char *path, const char *boundary, const char *body, size_t n);
/* s percent-encoded for a form (static buffer of 4 slots, each up to 2 KB, reused in turn). */
const char *form_enc(const char *s);
/* The value of cookie name set by r, in a static buffer, or NULL. */
const char *resp_set_cookie(const Resp *r, const char *name);
/* GET path as b, expect a page answered with status that holds text (NULL: any). */
void browser_shows(Browser *b, const char *path, long status, const char *text);
/* Expect a page (text/html) answered with status. */
void expect_page(Resp *r, long status);

#endif
