/*
** api_unit.c: /api/v1/units and /api/v1/product-sets. Thin handlers over unit.c and the
** product-set reader of refdata.c: parse and check the query, call the domain, render JSON.
** Every unit answer is "as of a date" (?date=, default today UTC) and echoes that date.
*/
#include <string.h>

#include "api.h"
#include "param.h"
#include "refdata.h"
#include "unit.h"
#include "util.h"

/* A problem whose input came from the path or query string: malformed values are 400. */
static int resp_problem400(Req *r, Err *e) {
    if (e->status == 422) e->status = 400;
    return resp_problem(r, e);
}

/* The ?date= of r (a real day: route_admit), or today in buf when absent. */
static const char *query_date(Req *r, char buf[11]) {
    const char *d = req_query(r, "date");
    if (d) return d;
    date_today(buf);
    return buf;
}

/* The JSON of a unit (new reference). */
static json_t *unit_json(Req *r, const Unit *u) {
    return json_pack("{s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
                     "code", u->code, "name", u->name, "full_name", unit_full_name(&r->arena, u),
                     "name_en", u->name_en, "type", u->type, "level", u->level, "geo", u->geo,
                     "parent_code", u->parent_code, "valid_from", u->valid_from,
                     "valid_to", u->valid_to);
}

static json_t *units_json(Req *r, const Unit *v, int n) {
    json_t *items = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(items, unit_json(r, &v[i]));
    return items;
}

/* One lineage link, described by the unit on its other side. */
static json_t *link_json(Req *r, const UnitLink *l, bool successor) {
    const Unit *u = &l->unit;
    const char *code = successor ? l->new_code : l->old_code;
    json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:i, s:s?, s:s?, s:s?}",
                          "code", code, "name", u->name,
                          "full_name", u->name ? unit_full_name(&r->arena, u) : NULL,
                          "type", u->type, "level", u->level, "parent_code", u->parent_code,
                          "part", l->part, "targets", l->targets, "confidence", l->confidence,
                          "resolution", l->resolution, "note", l->note);
    /* Its province, on a day of the period described (successors: today's state of the new
    ** unit; predecessors: the old unit on 2025-06-30). */
    Unit p;
    Err e = ERR_INIT;
    const char *day = u->valid_to ? u->valid_to : u->valid_from;
    if (day && unit_province(r->db, &r->arena, code, day, &p, &e) == 0)
        json_object_set_new(o, "province", json_pack("{s:s, s:s}", "code", p.code, "name", p.name));
    else
        json_object_set_new(o, "province", json_null());
    return o;
}

int api_units_list(Req *r) {
    char buf[11];
    const char *date = query_date(r, buf);
    Paging pg;
    Err e = ERR_INIT;
    req_paging(r, &pg);
    const char *level = req_query(r, "level");
    UnitFilter f = {.level = level ? level : "province", .date = date,
                    .parent = req_query(r, "parent"), .q = req_query(r, "q"),
                    .offset = (int)pg.offset, .limit = (int)pg.per_page};
    Unit *v;
    int n, total;
    if (unit_find(r->db, &r->arena, &f, &v, &n, &total, &e)) {
        if (e.status == 422) e.status = 400; /* every input here is a query parameter */
        return resp_problem(r, &e);
    }
    json_t *o = paging_json(units_json(r, v, n), total, &pg);
    json_object_set_new(o, "date", json_string(date));
    return resp_json(r, 200, o);
}

int api_units_get(Req *r) {
    char buf[11];
    const char *date = query_date(r, buf);
    const char *code = r->pathv[0];
    Err e = ERR_INIT;
    Unit u;
    if (unit_get(r->db, &r->arena, code, date, &u, &e)) return resp_problem400(r, &e);
    json_t *o = unit_json(r, &u);
    json_object_set_new(o, "date", json_string(date));
    if (strcmp(code, u.code)) json_object_set_new(o, "requested_code", json_string(code));

    /* The province on that day; unknown only for a few pre-2018 units (see data/README.md). */
    Unit p;
    if (unit_province(r->db, &r->arena, u.code, date, &p, &e) == 0)
        json_object_set_new(o, "province",
                            json_pack("{s:s, s:s, s:s}", "code", p.code, "name", p.name,
                                      "full_name", unit_full_name(&r->arena, &p)));
    else
        json_object_set_new(o, "province", json_null());
    err_clear(&e);

    /* Lineage across the 2025 reorganisation: forward for an old unit, backward for a new. */
    bool old = !strcmp(u.geo, "pre2025");
    UnitLink *links;
    int n;
    int rc = old ? unit_successors(r->db, &r->arena, u.code, NULL, &links, &n, &e)
                 : unit_predecessors(r->db, &r->arena, u.code, &links, &n, &e);
    if (rc) {
        json_decref(o);
        return resp_problem400(r, &e);
    }
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, link_json(r, &links[i], old));
    /* The links are between codes as they stood on the eve and the day of the reform. */
    json_object_set_new(o, "lineage",
                        json_pack("{s:s, s:o}", "as_of", old ? UNIT_LAST_OLD_DATE : UNIT_REORG_DATE,
                                  old ? "successors" : "predecessors", arr));
    return resp_json(r, 200, o);
}

int api_units_children(Req *r) {
    char buf[11];
    const char *date = query_date(r, buf);
    const char *level = req_query(r, "level"); /* province, district or commune: route_admit */
    Err e = ERR_INIT;
    Unit *v;
    int n;
    if (unit_children(r->db, &r->arena, r->pathv[0], date, &v, &n, &e))
        return resp_problem400(r, &e);
    if (level) { /* keep only that level (children are of one level except in odd data) */
        int k = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(v[i].level, level)) v[k++] = v[i];
        n = k;
    }
    return resp_json(r, 200, json_pack("{s:o, s:i, s:s}", "items", units_json(r, v, n), "total",
                                       n, "date", date));
}

int api_product_sets(Req *r) {
    const char *version = req_query(r, "version");
    Err e = ERR_INIT;
    ProductSet *v;
    int n;
    if (product_sets_list(r->db, &r->arena, version, &v, &n, &e)) return resp_problem400(r, &e);
    json_t *items = json_array();
    for (int i = 0; i < n; i++) {
        const ProductSet *p = &v[i];
        json_t *cls = p->grp ? json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?}", "group", p->grp,
                                         "group_name", p->grp_name, "nhom", p->nhom,
                                         "nhom_name", p->nhom_name, "phan_nhom", p->phan_nhom,
                                         "phan_nhom_name", p->phan_nhom_name)
                             : json_null();
        json_array_append_new(items, json_pack("{s:i, s:s, s:o}", "set_no", p->set_no, "name",
                                               p->name, "classification", cls));
    }
    return resp_json(r, 200, json_pack("{s:s, s:o, s:i}", "version",
                                       version ? version : PRODUCT_SETS_CURRENT, "items", items,
                                       "total", n));
}
