/*
** api_entity.c: the generic JSON handlers over the registry's entities: list (filters, sort,
** pagination with total), get, create, update, delete and export. The entity comes from the
** route row (route.c), so one handler serves producers, products, recognitions, villages and
** points of sale alike.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "entity.h"
#include "importer.h"
#include "jsonx.h"
#include "param.h"
#include "route.h"
#include "table.h"
#include "tablew.h"
#include "util.h"

static const Entity *route_entity(Req *r) { return r->route->data; }

/* {id} as a positive integer, or a 404 response. */
static int path_id(Req *r, int64_t *id) {
    if (!parse_i64(r->pathv[0], id) || *id <= 0) {
        resp_error(r, 404, "id", "no %s with id '%s'", route_entity(r)->singular, r->pathv[0]);
        return -1;
    }
    return 0;
}

/* Fill lq from the query string; all = no pagination (exports). The parameters the route
** declares (sort, page, per_page, format, lang) are checked already; the others are q and the
** entity's filters, which entity_list checks. */
static int list_query(Req *r, ListQuery *lq, Paging *pg, bool all, Err *e) {
    memset(lq, 0, sizeof *lq);
    lq->keys = arena_alloc(&r->arena, sizeof(char *) * (size_t)(r->nquery + 1));
    lq->values = arena_alloc(&r->arena, sizeof(char *) * (size_t)(r->nquery + 1));
    ParamSpec declared;
    for (int i = 0; i < r->nquery; i++) {
        const char *k = r->query[i].key, *v = r->query[i].value;
        if (all && (strcmp(k, "page") == 0 || strcmp(k, "per_page") == 0))
            return err_set(e, 400, k, "an export holds the whole list: %s does not apply (filters and sort do)", k);
        if (!param_find(r->route->params, k, &declared) && strcmp(k, "q") != 0) {
            lq->keys[lq->nfilters] = k;
            lq->values[lq->nfilters++] = v;
        }
    }
    lq->who = &r->actor;
    lq->q = req_query(r, "q"); /* entity_list says whether the entity has names to search */
    lq->sort = req_query(r, "sort");
    *pg = (Paging){1, 0, 0};
    if (!all) req_paging(r, pg);
    lq->limit = all ? -1 : pg->per_page;
    lq->offset = all ? 0 : pg->offset;
    return 0;
}

int api_entity_list(Req *r) {
    const Entity *en = route_entity(r);
    Err e = ERR_INIT;
    ListQuery lq;
    Paging pg;
    int64_t total;
    json_t *items;
    if (list_query(r, &lq, &pg, false, &e) || entity_list(r->db, &r->arena, en, &lq, &items, &total, &e)) {
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    return resp_json(r, 200, paging_json(items, total, &pg));
}

/* A worker's cache of rendered records: the single-record GET of a rendered entity (products:
** what a QR code on a package opens) is the hottest read. An entry is used only while nothing
** was committed to the database since it was made (db_change_stamp) and on the day it was
** made (a record's state depends on today's date); anything else renders afresh. */
enum { CACHE_SLOTS = 4096, CACHE_MAX_BODY = 16384 };

typedef struct CacheEntry {
    const Entity *en;
    int64_t id;
    uint64_t stamp;
    char today[11];
    size_t len;
    char *body;
} CacheEntry;

void render_cache_free(void *cache) {
    CacheEntry *c = cache;
    if (!c) return;
    for (int i = 0; i < CACHE_SLOTS; i++) free(c[i].body);
    free(c);
}

static int respond_rendered(Req *r, const char *body, size_t n) {
    buf_reset(&r->resp);
    buf_append(&r->resp, body, n);
    r->status = 200;
    r->resp_type = "application/json";
    return 200;
}

static int get_rendered(Req *r, const Entity *en, int64_t id) {
    CacheEntry *cache = r->app ? pthread_getspecific(r->app->cache_key) : NULL;
    if (r->app && !cache) {
        cache = xcalloc(CACHE_SLOTS, sizeof *cache);
        pthread_setspecific(r->app->cache_key, cache);
    }
    uint64_t stamp = db_change_stamp(r->db);
    char today[11];
    date_today(today);
    CacheEntry *slot = cache ? &cache[(uint64_t)id % CACHE_SLOTS] : NULL;
    if (slot && slot->en == en && slot->id == id && slot->stamp == stamp && strcmp(slot->today, today) == 0)
        return respond_rendered(r, slot->body, slot->len);
    buf_reset(&r->resp);
    if (!en->render(r->db, id, &r->resp))
        return resp_error(r, 404, "id", "no %s with id %lld", en->singular, (long long)id);
    buf_putc(&r->resp, '\n');
    if (slot && r->resp.n <= CACHE_MAX_BODY) {
        free(slot->body);
        slot->body = xstrndup(r->resp.p, r->resp.n);
        slot->len = r->resp.n;
        slot->en = en;
        slot->id = id;
        slot->stamp = stamp;
        memcpy(slot->today, today, sizeof today);
    }
    r->status = 200;
    r->resp_type = "application/json";
    return 200;
}

/* Answer the record o (taking the reference) as the caller may see it: without the personal
** fields unless it may see them (entity_redact). */
static int respond_record(Req *r, int status, const Entity *en, json_t *o) {
    entity_redact(r->db, en, &r->actor, o);
    return resp_json(r, status, o);
}

int api_entity_get(Req *r) {
    int64_t id;
    if (path_id(r, &id)) return r->status;
    const Entity *en = route_entity(r);
    if (en->render && !entity_has_personal(en)) return get_rendered(r, en, id);
    Err e = ERR_INIT;
    json_t *o = entity_get(r->db, route_entity(r), id, &e);
    return o ? respond_record(r, 200, en, o) : resp_problem(r, &e);
}

/* Run fn inside a write transaction; answer the problem on failure. */
static int respond_failure(Req *r, Err *e) {
    db_rollback(r->db);
    int st = resp_problem(r, e);
    err_clear(e);
    return st;
}

int api_entity_create(Req *r) {
    const Entity *en = route_entity(r);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    int64_t id = 0;
    if (entity_check(en, in, true, false, &e) || db_begin(r->db, &e) ||
        entity_insert(r->db, &r->arena, en, &r->actor, in, &id, &e) || db_commit(r->db, &e)) {
        json_decref(in);
        return respond_failure(r, &e);
    }
    json_decref(in);
    json_t *o = entity_get(r->db, en, id, &e);
    resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/%s/%lld", en->name, (long long)id));
    return respond_record(r, 201, en, o);
}

int api_entity_update(Req *r) {
    const Entity *en = route_entity(r);
    int64_t id;
    if (path_id(r, &id)) return r->status;
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    bool replace = strcmp(r->method, "PUT") == 0;
    if (replace) {
        /* PUT replaces the record: editable fields it leaves out become empty. */
        for (const Field *f = en->fields; f->name; f++)
            if (!(f->flags & (FF_INTERNAL | FF_READONLY | FF_VIRTUAL)) && f->type != FT_ID && f->type != FT_STAMP &&
                !json_object_get(in, f->name))
                json_object_set_new(in, f->name, json_null());
    }
    if (entity_check(en, in, replace, false, &e) || db_begin(r->db, &e) ||
        entity_update(r->db, &r->arena, en, &r->actor, id, in, &e) || db_commit(r->db, &e)) {
        json_decref(in);
        return respond_failure(r, &e);
    }
    json_decref(in);
    json_t *o = entity_get(r->db, en, id, &e);
    return respond_record(r, 200, en, o);
}

int api_entity_delete(Req *r) {
    const Entity *en = route_entity(r);
    int64_t id;
    if (path_id(r, &id)) return r->status;
    Err e = ERR_INIT;
    if (db_begin(r->db, &e) || entity_delete(r->db, en, &r->actor, id, &e) || db_commit(r->db, &e)) return respond_failure(r, &e);
    return resp_text(r, 204, "text/plain", "", 0);
}

int api_entity_export(Req *r) {
    const Entity *en = route_entity(r);
    Err e = ERR_INIT;
    TableFormat fmt = req_table_format(r);
    bool vi = req_export_vi(r);
    ListQuery lq;
    Paging pg;
    int64_t total;
    json_t *items;
    if (list_query(r, &lq, &pg, true, &e) || entity_list(r->db, &r->arena, en, &lq, &items, &total, &e)) {
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    char *out = NULL;
    size_t n = 0;
    int rc = entity_export(r->db, en, &r->actor, items, fmt, vi, &r->arena, &out, &n, &e);
    json_decref(items);
    if (rc) return resp_problem(r, &e);
    return resp_download(r, fmt, out, n, en->name);
}

int resp_download(Req *r, TableFormat fmt, char *out, size_t n, const char *stem) {
    resp_text(r, 200, tablew_mime(fmt), out, n);
    free(out);
    char today[11];
    date_today(today);
    resp_header(r, "Content-Disposition",
                arena_printf(&r->arena, "attachment; filename=\"ocop-%s-%s.%s\"", stem, today, tablew_ext(fmt)));
    return 200;
}
