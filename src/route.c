/*
** route.c: the route table and the checks that run before every handler (see route.h).
**
** Order matters only where a literal segment and a {placeholder} could both match the same
** path: /api/v1/products/export is listed before /api/v1/products/{id}.
*/
#include "route.h"

#include <string.h>

#include "api.h"
#include "entity.h"
#include "util.h"

#define MB (1024u * 1024u)
#define LIST_PARAMS "*"

#define ENTITY_ROUTES(path, ent, nm)                                                             \
    {"GET", "/api/v1/" path, "public", LIST_PARAMS, 0, api_entity_list, nm ".list", &ent},       \
    {"POST", "/api/v1/" path, "public", "", 0, api_entity_create, nm ".create", &ent},           \
    {"GET", "/api/v1/" path "/export", "public", LIST_PARAMS, 0, api_entity_export, nm ".export", &ent}, \
    {"GET", "/api/v1/" path "/{id}", "public", "", 0, api_entity_get, nm ".get", &ent},          \
    {"PATCH", "/api/v1/" path "/{id}", "public", "", 0, api_entity_update, nm ".update", &ent},  \
    {"PUT", "/api/v1/" path "/{id}", "public", "", 0, api_entity_update, nm ".replace", &ent},   \
    {"DELETE", "/api/v1/" path "/{id}", "public", "", 0, api_entity_delete, nm ".delete", &ent}

const Route routes[] = {
    {"GET", "/", "public", "q", 0, page_home, "home", NULL},
    {"GET", "/healthz", "public", "", 0, api_healthz, "healthz", NULL},
    {"GET", "/metrics", "public", "", 0, api_metrics, "metrics", NULL},
    {"GET", "/api/v1/version", "public", "", 0, api_version, "version", NULL},
    {"GET", "/api/v1/units", "public", "level date parent q page per_page", 0, api_units_list, "units.list", NULL},
    {"GET", "/api/v1/units/{code}", "public", "date", 0, api_units_get, "units.get", NULL},
    {"GET", "/api/v1/units/{code}/children", "public", "date level", 0, api_units_children, "units.children", NULL},
    {"GET", "/api/v1/product-sets", "public", "version", 0, api_product_sets, "product_sets.list", NULL},
    {"GET", "/api/v1/search", "public", "q kind page per_page", 0, api_search, "search", NULL},
    {"GET", "/api/v1/stats", "public", "unit date", 0, api_stats, "stats", NULL},
    {"POST", "/api/v1/import/{kind}", "public", "dry_run format", 64 * MB, api_import, "import", NULL},
    {"POST", "/api/v1/products/{id}/photos", "public", "filename", 10 * MB, api_photo_add, "photos.add", NULL},
    {"DELETE", "/api/v1/products/{id}/photos/{sha256}", "public", "", 0, api_photo_delete, "photos.delete", NULL},
    {"GET", "/files/{sha256}", "public", "", 0, api_file_get, "files.get", NULL},
    ENTITY_ROUTES("producers", ENTITY_PRODUCERS, "producers"),
    ENTITY_ROUTES("products", ENTITY_PRODUCTS, "products"),
    ENTITY_ROUTES("recognitions", ENTITY_RECOGNITIONS, "recognitions"),
    ENTITY_ROUTES("villages", ENTITY_VILLAGES, "villages"),
    ENTITY_ROUTES("points", ENTITY_POINTS, "points"),
};
const size_t nroutes = COUNT(routes);

size_t route_index(const Route *rt) { return (size_t)(rt - routes); }

/* Match pattern against path; placeholders' values go to r->pathv (arena copies). */
static int match(Req *r, const char *pat, const char *path) {
    int np = 0;
    while (*pat && *path) {
        if (*pat == '{') {
            const char *pend = strchr(pat, '}');
            const char *seg_end = strchr(path, '/');
            if (!seg_end) seg_end = path + strlen(path);
            if (seg_end == path || !pend || np >= 4) return 0;
            if (r) r->pathv[np] = arena_strndup(&r->arena, path, (size_t)(seg_end - path));
            np++;
            pat = pend + 1;
            path = seg_end;
        } else if (*pat == *path) {
            pat++;
            path++;
        } else {
            return 0;
        }
    }
    /* A trailing slash is tolerated: /api/v1/products/ = /api/v1/products. */
    if (*path == '/' && path[1] == 0) path++;
    if (*pat || *path) return 0;
    if (r) r->npath = np;
    return 1;
}

const Route *route_match(Req *r, const char *method, const char *path, int *status, char *allow,
                         size_t allow_len) {
    int path_found = 0;
    allow[0] = 0;
    for (size_t i = 0; i < nroutes; i++) {
        if (!match(NULL, routes[i].pattern, path)) continue;
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            match(r, routes[i].pattern, path);
            return &routes[i];
        }
        path_found = 1;
        size_t n = strlen(allow);
        snprintf(allow + n, allow_len - n, "%s%s", n ? ", " : "", routes[i].method);
    }
    *status = path_found ? 405 : 404;
    return NULL;
}

/* Is key one of the space-separated names in list? */
static int param_allowed(const char *list, const char *key) {
    size_t k = strlen(key);
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == k && strncmp(p, key, n) == 0) return 1;
        p += n;
    }
    return 0;
}

int route_dispatch(Req *r) {
    const Route *rt = r->route;
    if (!rt) {
        int status = 0;
        char allow[64];
        route_match(r, r->method, r->path, &status, allow, sizeof allow);
        if (status == 405) {
            resp_header(r, "Allow", allow);
            return resp_error(r, 405, "", "%s is not allowed on %s (allowed: %s)", r->method, r->path, allow);
        }
        return resp_error(r, 404, "", "no such resource: %s", r->path);
    }
    if (strcmp(rt->params, "*") != 0) {
        for (int i = 0; i < r->nquery; i++)
            if (!param_allowed(rt->params, r->query[i].key))
                return resp_error(r, 400, r->query[i].key, "unknown query parameter '%s'%s%s", r->query[i].key,
                                  rt->params[0] ? "; allowed: " : " (this resource takes none)", rt->params);
    }
    /* Permissions: every route declares one; issue 3 adds roles. "public" needs nothing. */
    if (strcmp(rt->perm, "public") != 0) return resp_error(r, 403, "", "not allowed");
    return rt->handler(r);
}
