/*
** page_home.c: the home page at "/": the headline figures of the programme today (products with
** a valid certificate by stars, producers, provinces and communes covered), charts of them
** (svg.c), the newest recognitions and a search box for the catalogue (/san-pham). The markup
** is templates/home.html; this file builds its view from stats_overview and stats_newest.
** "/?q=..." (the home page's search before the catalogue had its own page) answers 303 to
** /san-pham?q=..., so old links and bookmarks keep working.
**
** The figures take two aggregate queries over every recognition in force (about 0.2 s of CPU
** on 100,000 products), so each worker thread keeps the last ones it computed and reuses them
** while the day and the data are the same (db_change_stamp: any change of the data, by any
** process, changes it; signing in does not), as api_entity.c does for rendered records.
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "app.h"
#include "page.h"
#include "page_stats.h"
#include "stats.h"
#include "unit.h"
#include "util.h"

#define NEWEST 8       /* recognitions listed */
#define PROVINCE_BARS 10 /* provinces charted; the others are summed into one bar */

/* The six product groups of QĐ 26/2026 Phụ lục I by code, for the English page (the data
** names them in Vietnamese only). */
static const char *group_name(Req *r, const char *code, const char *name) {
    static const char *const groups[][2] = {
        {"I", N_("Food")}, {"II", N_("Beverages")}, {"III", N_("Medicinal herbs and their products")},
        {"IV", N_("Handicrafts")}, {"V", N_("Ornamental plants and animals")},
        {"VI", N_("Community tourism, ecotourism and tourist sites")},
    };
    if (r->lang == LANG_VI) return name;
    for (size_t i = 0; i < COUNT(groups); i++)
        if (strcmp(code, groups[i][0]) == 0) return tr(r->lang, groups[i][1]);
    return name;
}

/* How many units of level are in force on date (the 34 provinces, the 3,321 communes). */
static int units_in_force(Req *r, const char *level, const char *date) {
    UnitFilter f = {.level = level, .date = date, .limit = 1};
    Unit *u;
    int n = 0, total = 0;
    Err e = ERR_INIT;
    if (unit_find(r->db, &r->arena, &f, &u, &n, &total, &e)) err_clear(&e);
    return total;
}

static json_t *figures_view(Req *r, json_t *ov, const char *today) {
    char a[32], b[32], dmy[11];
    json_t *f = json_object();
    json_object_set_new(f, "date", json_string(lang_date(today, dmy)));
#define INT(key, v) json_object_set_new(f, key, json_string(lang_int(r->lang, (v), a, sizeof a)))
    INT("products", json_integer_value(json_object_get(json_object_get(ov, "products"), "total")));
    INT("producers", json_integer_value(json_object_get(ov, "producers")));
    INT("provinces", json_integer_value(json_object_get(ov, "provinces")));
    INT("communes", json_integer_value(json_object_get(ov, "communes")));
    INT("provinces_all", json_integer_value(json_object_get(ov, "provinces_all")));
    INT("communes_all", json_integer_value(json_object_get(ov, "communes_all")));
#undef INT
    json_t *stars = json_array();
    const json_t *by = json_object_get(json_object_get(ov, "products"), "by_stars");
    for (int s = 5; s >= 3; s--) {
        char k[2] = {(char)('0' + s), 0};
        json_array_append_new(stars, json_pack("{s:i, s:s, s:s}", "n", s, "stars", page_stars(s), "count",
                                               lang_int(r->lang, json_integer_value(json_object_get(by, k)), b, sizeof b)));
    }
    json_object_set_new(f, "stars", stars);
    return f;
}

static json_t *charts_view(Req *r, json_t *ov) {
    json_t *groups = json_object_get(ov, "by_group");
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        const char *name = group_name(r, json_string_value(json_object_get(g, "code")), json_string_value(json_object_get(g, "name")));
        json_object_set_new(g, "name", json_string(name));
    }
    json_t *charts = json_array();
    json_array_append_new(charts, stats_chart_stars(r, json_object_get(json_object_get(ov, "products"), "by_stars"), "stars",
                                                    tr(r->lang, "Products by stars"), true));
    json_array_append_new(charts, stats_chart_items(r, json_object_get(ov, "by_province"), PROVINCE_BARS,
                                                    tr(r->lang, "Other provinces"), "provinces",
                                                    tr(r->lang, "Provinces with the most products"),
                                                    tr(r->lang, "Products with a valid certificate in each province, most first."),
                                                    tr(r->lang, "Province or city"), tr(r->lang, "Products"), true));
    json_array_append_new(charts, stats_chart_items(r, groups, 10, "", "groups", tr(r->lang, "Products by product group"),
                                                    tr(r->lang, "Products with a valid certificate in each product group."),
                                                    tr(r->lang, "Product group"), tr(r->lang, "Products"), true));
    return charts;
}

/* A worker thread's last figures: stats_overview and stats_newest of today at stamp. */
typedef struct HomeCache {
    uint64_t stamp;
    char today[11];
    json_t *overview, *newest;
} HomeCache;

void page_home_cache_free(void *cache) {
    HomeCache *c = cache;
    if (!c) return;
    json_decref(c->overview);
    json_decref(c->newest);
    free(c);
}

/* Today's figures into *overview and *newest (new references the caller owns; copies of the
** thread's cache, which it refreshes when the day or the database changed). */
static void figures(Req *r, const char *today, json_t **overview, json_t **newest) {
    HomeCache *c = r->app ? pthread_getspecific(r->app->home_key) : NULL;
    if (r->app && !c) {
        c = xcalloc(1, sizeof *c);
        pthread_setspecific(r->app->home_key, c);
    }
    uint64_t stamp = db_change_stamp(r->db);
    if (!c || !c->overview || c->stamp != stamp || strcmp(c->today, today) != 0) {
        Err e = ERR_INIT;
        json_t *ov = stats_overview(r->db, today, &e), *nw = ov ? stats_newest(r->db, today, NEWEST, &e) : NULL;
        if (!ov || !nw) panic("the home page's figures refused today's date %s: %s", today, e.detail);
        json_object_set_new(ov, "provinces_all", json_integer(units_in_force(r, "province", today)));
        json_object_set_new(ov, "communes_all", json_integer(units_in_force(r, "commune", today)));
        if (!c) {
            *overview = ov;
            *newest = nw;
            return;
        }
        json_decref(c->overview);
        json_decref(c->newest);
        c->overview = ov;
        c->newest = nw;
        c->stamp = stamp;
        snprintf(c->today, sizeof c->today, "%s", today);
    }
    /* the views change what they are given (names translated, dates formatted) */
    *overview = json_deep_copy(c->overview);
    *newest = json_deep_copy(c->newest);
}

static json_t *newest_view(Req *r, json_t *items) {
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char dmy[11];
        int stars = (int)json_integer_value(json_object_get(it, "stars"));
        json_object_set_new(it, "stars_text", json_string(page_stars(stars)));
        json_object_set_new(it, "date", json_string(lang_date(json_string_value(json_object_get(it, "decision_date")), dmy)));
    }
    return items;
}

int page_home(Req *r) {
    const char *q = req_query(r, "q");
    if (q) {
        Buf to = BUF_INIT;
        buf_puts(&to, "/san-pham");
        if (*q) {
            buf_puts(&to, "?q=");
            buf_url(&to, q, strlen(q));
        }
        resp_header(r, "Location", arena_strdup(&r->arena, buf_str(&to)));
        buf_free(&to);
        return resp_text(r, 303, "text/plain; charset=utf-8", "", 0);
    }
    char today[11];
    date_today(today);
    json_t *ov, *items;
    figures(r, today, &ov, &items);
    json_t *view = json_object();
    json_object_set_new(view, "figures", figures_view(r, ov, today));
    json_object_set_new(view, "charts", charts_view(r, ov));
    json_t *newest = newest_view(r, items);
    json_object_set_new(view, "has_newest", json_boolean(json_array_size(newest) > 0));
    json_object_set_new(view, "newest", newest);
    json_decref(ov);
    return page_render(r, 200, "home", view);
}
