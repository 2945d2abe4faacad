/*
** stats.c: OCOP progress statistics by administrative unit and date (see stats.h).
**
** stats_report gives the figures of the indicators (indicator.h, docs/indicators.md) for the unit
** on its own map: products in force by stars (products_3star, _4star, _5star), producers with
** an OCOP product (producers_ocop, by type), communes covered (communes_coverage_pct). A product
** counts on date D when it has a recognition of 3 stars or more with decision_date <= D <
** expires_on that had not ended (revoked, superseded) by D; with several such recognitions the
** most recent decision gives its stars.
*/
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "entity.h"
#include "indicator.h"
#include "unit.h"
#include "rubric.h"
#include "util.h"


json_t *stats_report(Db *db, Arena *a, const char *unit_code, const char *date, Err *e) {
    char today[11];
    if (!date) {
        date_today(today);
        date = today;
    } else if (!date_valid(date)) {
        err_set(e, 400, "date", "%s must be YYYY-MM-DD, got '%s'", "date", date);
        return NULL;
    }
    if (!unit_code || !*unit_code) {
        err_set(e, 400, "unit", "%s is required: the code of a province, district or commune", "unit");
        return NULL;
    }
    Unit u;
    if (unit_get(db, a, unit_code, date, &u, e)) {
        if (e->status == 422) e->status = 400; /* the unit and date come from the query string */
        return NULL;
    }
    /* the figures are the indicators' (indicator.h), for the unit on its own map */
    IndQuery q = {u.code, u.geo, date, NULL};
    static const char *const by_star[] = {"products_3star", "products_4star", "products_5star"};
    int nstars[6] = {0}, nproducts = 0, nproducers = 0, ncommunes_with = 0, ncommunes = 0;
    IndValue v;
    for (int k = 0; k < 3; k++) {
        if (indicator_eval(db, a, by_star[k], &q, &v, NULL, e)) return NULL;
        nstars[k + 3] = (int)v.numerator;
        nproducts += (int)v.numerator;
    }
    if (indicator_eval(db, a, "producers_ocop", &q, &v, NULL, e)) return NULL;
    nproducers = (int)v.numerator;
    if (indicator_eval(db, a, "communes_coverage_pct", &q, &v, NULL, e)) return NULL;
    ncommunes_with = (int)v.numerator;
    ncommunes = (int)v.denominator;
    json_t *by_type = NULL;
    if (indicator_producer_types(db, a, &q, &by_type, e)) return NULL;
    double pct = ncommunes ? (double)ncommunes_with * 100.0 / ncommunes : 0;
    char pct_s[16];
    snprintf(pct_s, sizeof pct_s, "%.2f", pct);
    json_t *o = json_object();
    json_object_set_new(o, "unit", json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", u.code, "name", u.name, "type", u.type,
                                             "level", u.level, "geo", u.geo));
    json_object_set_new(o, "date", json_string(date));
    json_t *bs = json_pack("{s:i, s:i, s:i}", "3", nstars[3], "4", nstars[4], "5", nstars[5]);
    json_object_set_new(o, "products", json_pack("{s:i, s:o}", "total", nproducts, "by_stars", bs));
    json_object_set_new(o, "producers", json_pack("{s:i, s:o}", "total", nproducers, "by_type", by_type));
    json_object_set_new(o, "communes", json_pack("{s:i, s:i, s:f}", "with_products", ncommunes_with, "total", ncommunes,
                                                 "percent", atof(pct_s)));
    Buf vi = BUF_INIT, en = BUF_INIT;
    char pct_vi[16];
    snprintf(pct_vi, sizeof pct_vi, "%s", pct_s);
    for (char *p = pct_vi; *p; p++)
        if (*p == '.') *p = ',';
    buf_printf(&vi, "%d sản phẩm của %d chủ thể: %d sản phẩm 3 sao, %d sản phẩm 4 sao, %d sản phẩm 5 sao; %d/%d xã có sản phẩm OCOP (%s%%)",
               nproducts, nproducers, nstars[3], nstars[4], nstars[5], ncommunes_with, ncommunes, pct_vi);
    buf_printf(&en, "%d product%s of %d producer%s: %d at 3★, %d at 4★, %d at 5★; %d of %d communes, %s%%", nproducts,
               nproducts == 1 ? "" : "s", nproducers, nproducers == 1 ? "" : "s", nstars[3], nstars[4], nstars[5],
               ncommunes_with, ncommunes, pct_s);
    json_object_set_new(o, "summary_vi", json_string(buf_str(&vi)));
    json_object_set_new(o, "summary_en", json_string(buf_str(&en)));
    buf_free(&vi);
    buf_free(&en);
    return o;
}

/* Recognitions in force on ?2 at ?1 stars or more (alias r): the rule of stats_report. */
#define IN_FORCE(r) r ".stars >= ?1 AND " r ".decision_date <= ?2 AND " r ".expires_on > ?2 AND (" r ".ended_on IS NULL OR " \
                    r ".ended_on > ?2)"
/* Each product recognised on ?2 once, with the stars of its most recent decision. */
#define RECOGNISED                                                                                                  \
    "WITH v AS (SELECT product_id, stars FROM (SELECT r.product_id, r.stars, ROW_NUMBER() OVER (PARTITION BY "     \
    "r.product_id ORDER BY r.decision_date DESC, r.id DESC) AS k FROM recognitions r WHERE " IN_FORCE("r") ") t " \
    "WHERE k = 1) "
/* A product's 2025 commune (c) and province (pv) as in force today (the units_now index). */
#define PLACE_NOW                                                                                          \
    "LEFT JOIN units c ON c.code = p.commune_code AND c.geo = '2025' AND c.valid_to IS NULL "             \
    "LEFT JOIN units pv ON pv.code = c.parent_code AND pv.geo = '2025' AND pv.valid_to IS NULL "

static Stmt *prepare_on(Db *db, const char *sql, const char *date) {
    Stmt *s = db_prepare(db, sql);
    db_bind_int(s, 1, rubric_certified_stars(rubric_current())); /* Điều 4.1.a: 3★ and above */
    db_bind_text(s, 2, date);
    return s;
}

/* Add n to the count of key in o: {"key": {"code", "name", "products"}}. */
static void tally(json_t *o, const char *key, const char *name, int64_t n) {
    json_t *e = json_object_get(o, key);
    if (!e) {
        e = json_pack("{s:s, s:s, s:I}", "code", key, "name", name ? name : key, "products", (json_int_t)0);
        json_object_set_new(o, key, e);
    }
    json_t *c = json_object_get(e, "products");
    json_integer_set(c, json_integer_value(c) + n);
}

static int by_products_desc(const void *a, const void *b) {
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t nx = json_integer_value(json_object_get(x, "products")), ny = json_integer_value(json_object_get(y, "products"));
    if (nx != ny) return nx > ny ? -1 : 1;
    return strcmp(json_string_value(json_object_get(x, "code")), json_string_value(json_object_get(y, "code")));
}

/* Product groups in the order of the classification: by the first product set of each (I holds
** sets 1-10, II 11-17, ...), as roman numerals do not sort as text (IV < V). */
static int by_first_set(const void *a, const void *b) {
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "first_set"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "first_set"));
    return (x > y) - (x < y);
}

/* The values of o as an array sorted by cmp; steals o. */
static json_t *sorted(json_t *o, int (*cmp)(const void *, const void *)) {
    size_t n = json_object_size(o), i = 0;
    json_t **v = xcalloc(n ? n : 1, sizeof *v);
    const char *k;
    json_t *x;
    json_object_foreach(o, k, x) v[i++] = x;
    qsort(v, n, sizeof *v, cmp);
    json_t *arr = json_array();
    for (i = 0; i < n; i++) json_array_append(arr, v[i]);
    free(v);
    json_decref(o);
    return arr;
}

json_t *stats_overview(Db *db, const char *date, Err *e) {
    if (!date || !date_valid(date)) {
        err_set(e, 400, "date", "%s must be YYYY-MM-DD, got '%s'", "date", date ? date : "");
        return NULL;
    }
    int64_t stars[6] = {0}, total = 0;
    json_t *prov = json_object(), *grp = json_object();
    Stmt *s = prepare_on(db,
                         RECOGNISED "SELECT v.stars, c.parent_code, MAX(pv.name), ps.grp, MAX(ps.grp_name), "
                                    "MIN(p.set_no), COUNT(*) FROM v JOIN products p ON p.id = v.product_id " PLACE_NOW
                                    "LEFT JOIN product_sets ps ON ps.version = p.rubric_version AND ps.set_no = p.set_no "
                                    "GROUP BY v.stars, c.parent_code, ps.grp",
                         date);
    while (db_step(s) == DB_ROW) {
        int64_t st = db_col_int(s, 0), n = db_col_int(s, 6);
        stars[st > 5 ? 5 : st < 0 ? 0 : st] += n;
        total += n;
        if (db_col_text(s, 1)) tally(prov, db_col_text(s, 1), db_col_text(s, 2), n);
        if (db_col_text(s, 3)) {
            const char *key = db_col_text(s, 3);
            tally(grp, key, db_col_text(s, 4), n);
            json_t *g = json_object_get(grp, key);
            json_int_t first = db_col_int(s, 5), had = json_integer_value(json_object_get(g, "first_set"));
            if (!json_object_get(g, "first_set") || first < had) json_object_set_new(g, "first_set", json_integer(first));
        }
    }
    db_done(s);
    int64_t producers = 0, communes = 0;
    s = prepare_on(db, RECOGNISED "SELECT COUNT(DISTINCT p.producer_id), COUNT(DISTINCT p.commune_code) FROM v "
                                  "JOIN products p ON p.id = v.product_id",
                   date);
    if (db_step(s) == DB_ROW) producers = db_col_int(s, 0), communes = db_col_int(s, 1);
    db_done(s);
    json_t *groups = sorted(grp, by_first_set);
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) json_object_del(g, "first_set");
    json_t *bs = json_pack("{s:I, s:I, s:I}", "3", (json_int_t)stars[3], "4", (json_int_t)stars[4], "5", (json_int_t)stars[5]);
    json_t *provinces = sorted(prov, by_products_desc);
    return json_pack("{s:s, s:{s:I, s:o}, s:I, s:I, s:I, s:o, s:o}", "date", date, "products", "total", (json_int_t)total,
                     "by_stars", bs, "producers", (json_int_t)producers, "communes", (json_int_t)communes, "provinces",
                     (json_int_t)json_array_size(provinces), "by_province", provinces, "by_group", groups);
}

json_t *stats_newest(Db *db, const char *date, int limit, Err *e) {
    if (!date || !date_valid(date)) {
        err_set(e, 400, "date", "%s must be YYYY-MM-DD, got '%s'", "date", date ? date : "");
        return NULL;
    }
    Stmt *s = prepare_on(db,
                         "SELECT r.product_id, p.name, pr.name, r.stars, r.decision_date, pv.name FROM recognitions r "
                         "JOIN products p ON p.id = r.product_id JOIN producers pr ON pr.id = p.producer_id " PLACE_NOW
                         "WHERE " IN_FORCE("r") " ORDER BY r.decision_date DESC, r.id DESC LIMIT ?3",
                         date);
    db_bind_int(s, 3, limit);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:I, s:s, s:s?}", "product_id", (json_int_t)db_col_int(s, 0),
                                             "product", db_col_text(s, 1), "producer", db_col_text(s, 2), "stars",
                                             (json_int_t)db_col_int(s, 3), "decision_date", db_col_text(s, 4),
                                             "province", db_col_text(s, 5)));
    db_done(s);
    return out;
}
