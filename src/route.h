/*
** route.h: the route table. One row per route declares method, path pattern, permission,
** allowed query parameters, body limit and handler; route_admit checks all of it before
** any handler runs, so a handler cannot forget a check.
*/
#ifndef OCOP_ROUTE_H
#define OCOP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth.h"
#include "http.h"

typedef int (*Handler)(Req *r);

/* What the first {placeholder} of a route names, for the scope check before the handler. */
enum {
    SCOPE_NONE,
    SCOPE_ENTITY, /* an id of the route's entity (data) */
    SCOPE_USER,   /* a user id */
    SCOPE_KIND,   /* a kind of record (entity_by_name: "villages"): the caller must also be allowed to
                  ** create records of that kind, decided on the headers like the rest */
};

struct Route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/api/v1/products/{id}": {x} matches one non-empty segment */
    const char *perm;    /* permission name (auth.h perm_name): "public", "login", "products.update" */
    const char *params;  /* allowed query parameters, space-separated; "*" = handler checks */
    size_t max_body;     /* 0: the app's default */
    Handler handler;
    const char *name;    /* stable label for metrics and logs: "products.get" */
    const void *data;    /* handler data, e.g. the entity of a generic handler */
    int scope;           /* SCOPE_*: the object the path names must lie in the caller's scope */
    bool html;           /* answers a page (text/html, errors as pages, forms); else JSON */
    unsigned roles;      /* a workspace page: the caller must hold one of these roles (bits
                         ** 1 << ROLE_x, see WORK); else 403 naming the workspace. 0: any */
};

/* A row for a page: public or not, its errors are pages too. PAGE_BODY: a page whose form
** may carry more than the app's default body limit (files), up to max_body bytes. */
#define PAGE(method, pattern, perm, params, handler, name) \
    {method, pattern, perm, params, 0, handler, name, NULL, 0, true}
#define PAGE_BODY(method, pattern, perm, params, max_body, handler, name) \
    {method, pattern, perm, params, max_body, handler, name, NULL, 0, true}

/* A page of a workspace (page_work.h): only for callers holding one of the roles in mask
** (RB(PROVINCE) | RB(ADMIN)), checked by route_admit after the permission; anyone else gets a
** 403 page that names the workspace. WORK_ON: the path's first {placeholder} is an id of entity
** (a dossier, a round), which must lie in the caller's scope for perm, else 404 exactly as if
** it did not exist. WORK_BODY: a form that may carry files, up to max_body bytes. */
#define RB(role) (1u << ROLE_##role)
#define WORK(method, pattern, mask, perm, params, handler, name) \
    {method, pattern, perm, params, 0, handler, name, NULL, 0, true, mask}
#define WORK_ON(method, pattern, mask, perm, params, handler, name, entity) \
    {method, pattern, perm, params, 0, handler, name, &entity, SCOPE_ENTITY, true, mask}
#define WORK_BODY(method, pattern, mask, perm, params, max_body, handler, name, entity) \
    {method, pattern, perm, params, max_body, handler, name, &entity, SCOPE_ENTITY, true, mask}

extern const Route routes[];
extern const size_t nroutes;

/* Find the route for method and path, filling r->pathv. Returns NULL and sets *status to 404
** (no such path) or 405 (path exists, method does not; *allow lists the methods). */
const Route *route_match(Req *r, const char *method, const char *path, int *status, char *allow,
                         size_t allow_len);
/* Load the caller's session (cookie) or API token (Authorization: Bearer) into r->auth, or
** note why they are not valid in r->auth_err. Runs before the request's read transaction. */
void route_authenticate(Req *r);
/* Check the route, parameters, credentials, permission, token scope, CSRF token and the scope
** of the object named by the path: everything the headers decide, so the transport runs it
** before it reads a body. 0 when the handler may run; otherwise the refusal is in r (a
** problem document) and its status is returned. Needs r->db and route_authenticate first. */
int route_admit(Req *r);
/* A page's form carries its CSRF token in this hidden field: the session's token for a
** signed-in user; for an anonymous one (signing in, registering), the value of the CSRF_COOKIE
** cookie that the form's page set (a double submit: another site can neither read nor set it). */
#define CSRF_FIELD "_csrf"
#define CSRF_COOKIE "ocop_csrf"
/* After the body of a page's POST is read, before its handler: the form's CSRF token. 0 when
** it matches (*show untouched); otherwise r->form_err says why (403, field _csrf) and *show is the handler of the
** form's own page (GET on the same path), which shows the form again with the values kept and
** writes nothing, or NULL when there is none and the refusal is already in r. */
int route_check_form(Req *r, Handler *show);
/* Index of a route in routes[], for metrics. */
size_t route_index(const Route *rt);

#endif
