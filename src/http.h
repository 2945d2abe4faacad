/*
** http.h: the transport. libmicrohttpd with an internal thread pool turns each request into a
** Req and hands it to the route table (route.c); handlers answer through the resp_* helpers.
** The transport never sees SQL; handlers never see libmicrohttpd.
*/
#ifndef OCOP_HTTP_H
#define OCOP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "err.h"
#include "form.h"
#include "i18n.h"

typedef struct Route Route;

typedef struct Param {
    const char *key, *value;
} Param;

typedef struct Req {
    App *app;
    Db *db;
    Arena arena;                /* freed when the request completes */
    const char *method;
    const char *path;           /* decoded path, no query string */
    const Param *query;         /* decoded query parameters, in order */
    int nquery;
    const char *content_type;   /* may be NULL */
    const char *body;           /* the request body, NUL-terminated (may hold NULs); read-only: a
                                ** large one is a mapping of a spooled file */
    size_t body_len;
    const char *pathv[4];       /* values of {placeholders} in the route pattern, in order */
    int npath;
    const Route *route;
    const char *remote;         /* client address */
    const Auth *auth;           /* the authenticated caller, or NULL (anonymous) */
    Actor actor;                /* who, for the audit trail and scope checks */
    char nonce[24];             /* this response's Content-Security-Policy nonce */
    Lang lang;                  /* the language of what the caller reads (req_lang_init) */
    bool html;                  /* answered as a page (an HTML route, or a path outside the API) */
    Err auth_err;               /* credentials were sent but are not valid (status 0: fine) */
    Form *form;                 /* a page's POST: its fields and files (req_form), or NULL */
    Err form_err;               /* the form as a whole was refused (a stale CSRF token): the page
                                ** shows it again with this status and message (page_render) */
    void *conn;                 /* transport-private */
    /* response */
    int status;
    const char *resp_type;
    Buf resp;
    Buf resp_headers;           /* "Name: value\n" lines */
    uint64_t t0;
} Req;

/* The first value of query parameter key, or NULL. */
const char *req_query(Req *r, const char *key);
/* A request header, or NULL. */
const char *req_header(Req *r, const char *name);
/* A cookie's value, or NULL. */
const char *req_cookie(Req *r, const char *name);
/* The first value of form field key of a page's POST ("" when sent empty), or NULL. */
const char *req_form(Req *r, const char *key);
/* The file parts of a page's POST (streamed to temporary files removed when the request
** ends), *n their number. */
const FormFile *req_form_files(Req *r, int *n);

/* Whether a path, matched to no route yet, belongs to the pages rather than the machine
** interfaces (/api/, /healthz, /metrics, /files/, /static/). */
bool path_is_page(const char *path);
/* The language of the request: ?lang=, else the "lang" cookie, else Accept-Language, else
** Vietnamese on pages and English on the API (r->html). */
void req_lang_init(Req *r);

/* Responses. All return the status so handlers can `return resp_json(r, 200, obj)`. */
int resp_json(Req *r, int status, json_t *obj);  /* steals obj */
int resp_text(Req *r, int status, const char *type, const char *body, size_t n);
int resp_problem(Req *r, const Err *e);          /* RFC 9457 application/problem+json */
int resp_error(Req *r, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void resp_header(Req *r, const char *name, const char *value);
/* The value of a header this response already has (resp_header), or NULL; in r's arena. */
const char *resp_header_find(Req *r, const char *name);

/* Run the server until SIGINT/SIGTERM; then stop taking requests (new connections refused,
** idle ones closed, every answer with Connection: close), let the requests in flight finish,
** and return 0. Returns -1 with a message on stderr if it cannot listen. */
int http_serve(App *app);

#endif
