/*
** page_stats.c: GET /thong-ke, the statistics of a province, district or commune on a date:
** GET /api/v1/stats (stats_report) as a page, in tables and charts (svg.c), and the same
** figures as CSV or XLSX (?format=csv|xlsx, tablew.c). The markup is templates/stats.html.
**
** The unit picker needs no script: the date decides the geography (the 34 provinces and their
** communes from 1 July 2025, the 63 provinces with their districts and communes before), so
** the province list is the one in force on the date shown; choosing a province and pressing
** the button lists its communes (or districts, then their communes) for the next choice.
** Query: date (YYYY-MM-DD or dd/mm/yyyy; today when empty), province, district, commune. The
** statistics are of the smallest unit chosen that lies in the one above it.
*/
#include "page_stats.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "entity.h"
#include "page.h"
#include "stats.h"
#include "svg.h"
#include "tablew.h"
#include "unit.h"
#include "util.h"

/* Adds head names and the table's visibility to a chart view. */
static json_t *with_table(json_t *chart, const char *label_head, const char *value_head, bool hide) {
    json_object_set_new(chart, "label_head", json_string(label_head));
    json_object_set_new(chart, "value_head", json_string(value_head));
    json_object_set_new(chart, "hidden", json_boolean(hide));
    return chart;
}

json_t *stats_chart_stars(Req *r, const json_t *by_stars, const char *id, const char *title, bool hide_table) {
    static const char *const keys[] = {"3", "4", "5"};
    char labels[3][64];
    SvgBar bars[3];
    for (int i = 0; i < 3; i++) {
        snprintf(labels[i], sizeof labels[i], tr(r->lang, "%d stars"), i + 3);
        bars[i] = (SvgBar){labels[i], json_integer_value(json_object_get(by_stars, keys[i]))};
    }
    SvgChart c = {SVG_VBAR, id, title, tr(r->lang, "Number of products with a valid certificate, by stars."),
                  tr(r->lang, "No products yet"), r->lang, bars, 3};
    return with_table(svg_chart_view(&c), tr(r->lang, "Stars"), tr(r->lang, "Products"), hide_table);
}

json_t *stats_chart_items(Req *r, const json_t *items, int max, const char *other, const char *id, const char *title,
                          const char *desc, const char *label_head, const char *value_head, bool hide_table) {
    size_t n = json_array_size(items);
    SvgBar *bars = arena_alloc(&r->arena, sizeof *bars * (n + 1));
    int nbars = 0;
    long long rest = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        long long v = json_integer_value(json_object_get(it, "products"));
        if ((int)i < max) bars[nbars++] = (SvgBar){json_string_value(json_object_get(it, "name")), v};
        else rest += v;
    }
    if ((int)n > max) bars[nbars++] = (SvgBar){other, rest};
    SvgChart c = {SVG_HBAR, id, title, desc, tr(r->lang, "No products yet"), r->lang, bars, nbars};
    return with_table(svg_chart_view(&c), label_head, value_head, hide_table);
}

/* "2026-11-23" from "2026-11-23" or "23/11/2026" (what a person types where the browser has
** no date field) into out; false when it is neither. */
static bool parse_date(const char *s, char out[11]) {
    int d, m, y, used = 0;
    if (strlen(s) == 10 && s[4] == '-') snprintf(out, 11, "%s", s);
    else if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &used) == 3 && s[used] == 0)
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    else return false;
    return date_valid(out);
}

/* [{"code", "name", "selected"}] of units, the one named selected marked. */
static json_t *options(Req *r, const Unit *u, int n, const char *selected) {
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "code", u[i].code, "name", unit_full_name(&r->arena, &u[i]),
                                           "selected", selected && strcmp(selected, u[i].code) == 0));
    return a;
}

/* Whether code is among the n units u. */
static bool listed(const Unit *u, int n, const char *code) {
    for (int i = 0; i < n; i++)
        if (strcmp(u[i].code, code) == 0) return true;
    return false;
}

/* Adds {"field", "message"} to the view's errors. */
static void problem(json_t *view, const char *field, const char *message) {
    json_t *errs = json_object_get(view, "errors");
    if (!errs) json_object_set_new(view, "errors", errs = json_array());
    json_array_append_new(errs, json_pack("{s:s, s:s}", "field", field, "message", message));
}

/* The picker: the provinces in force on date and, under the chosen province, its communes or
** districts (and a district's communes). Returns the code whose statistics to show (NULL for
** none); a chosen code that is not in the list above it is a problem said in the view. */
static const char *picker(Req *r, json_t *view, const char *date) {
    const char *pick[3] = {req_query(r, "province"), req_query(r, "district"), req_query(r, "commune")};
    static const char *const field[3] = {"province", "district", "commune"};
    Unit *u;
    int n;
    Err e = ERR_INIT;
    if (unit_list(r->db, &r->arena, "province", date, NULL, &u, &n, &e)) return err_clear(&e), NULL;
    json_t *levels = json_array();
    json_array_append_new(levels, json_pack("{s:s, s:s, s:o}", "field", "province", "label", tr(r->lang, "Province or city"),
                                            "options", options(r, u, n, pick[0])));
    const char *chosen = NULL;
    for (int k = 0; k < 3 && pick[k] && *pick[k]; k++) {
        if (!listed(u, n, pick[k])) {
            /* a commune left selected from another province is a stale choice, not a mistake */
            if (k == 0 || !unit_code_valid(pick[k]))
                problem(view, field[k], k == 0 ? tr(r->lang, "This province or city did not exist on the date chosen: choose one from the list")
                                               : tr(r->lang, "This is not the code of a unit: choose one from the list"));
            break;
        }
        chosen = pick[k];
        if (unit_children(r->db, &r->arena, chosen, date, &u, &n, &e)) return err_clear(&e), chosen;
        if (n == 0) break;
        /* a district's place in the query is "district"; a commune's "commune" */
        int next = strcmp(u[0].level, "district") == 0 ? 1 : 2;
        json_array_append_new(levels, json_pack("{s:s, s:s, s:o}", "field", field[next], "label",
                                                next == 1 ? tr(r->lang, "District") : tr(r->lang, "Commune or ward"),
                                                "options", options(r, u, n, pick[next])));
        if (next == 2 && k == 0) k = 1; /* 2025: communes stand right under the province */
    }
    json_object_set_new(view, "levels", levels);
    return chosen;
}

/* The figures as rows of (label, value) for the tables and the download. */
static json_t *figure_rows(Req *r, const json_t *st) {
    const json_t *p = json_object_get(st, "products"), *pr = json_object_get(st, "producers"),
                 *c = json_object_get(st, "communes");
    char num[32], pct[32];
    json_t *rows = json_array();
#define ROW(label, value) json_array_append_new(rows, json_pack("{s:s, s:s}", "label", label, "value", value))
    ROW(tr(r->lang, "Products with a valid certificate"),
        lang_int(r->lang, json_integer_value(json_object_get(p, "total")), num, sizeof num));
    static const char *const keys[] = {"3", "4", "5"};
    for (int i = 0; i < 3; i++) {
        char label[64];
        snprintf(label, sizeof label, tr(r->lang, "%d-star products"), i + 3);
        ROW(label, lang_int(r->lang, json_integer_value(json_object_get(json_object_get(p, "by_stars"), keys[i])), num,
                            sizeof num));
    }
    ROW(tr(r->lang, "Producers"), lang_int(r->lang, json_integer_value(json_object_get(pr, "total")), num, sizeof num));
    const Field *type = entity_field(&ENTITY_PRODUCERS, "type");
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(pr, "by_type"), k, v) {
        const char *name = entity_enum_label(type->enums, k, r->lang == LANG_VI);
        ROW(arena_printf(&r->arena, "%s: %s", tr(r->lang, "Producers"), name ? name : k),
            lang_int(r->lang, json_integer_value(v), num, sizeof num));
    }
    ROW(tr(r->lang, "Communes with an OCOP product"),
        lang_int(r->lang, json_integer_value(json_object_get(c, "with_products")), num, sizeof num));
    ROW(tr(r->lang, "Communes in the unit"), lang_int(r->lang, json_integer_value(json_object_get(c, "total")), num, sizeof num));
    ROW(tr(r->lang, "Share of communes with an OCOP product (%)"),
        lang_num(r->lang, json_number_value(json_object_get(c, "percent")), 2, pct, sizeof pct));
#undef ROW
    return rows;
}

/* ?format=csv|xlsx: the figures as a two-column sheet headed by the unit and date. */
static int download(Req *r, TableFormat fmt, const json_t *st, json_t *rows) {
    const json_t *u = json_object_get(st, "unit");
    char dmy[11];
    TableWriter *w = tablew_new(fmt, tr(r->lang, "Statistics"));
    const char *head[2] = {tr(r->lang, "Figure"), tr(r->lang, "Value")};
    tablew_row(w, head, 2);
    const char *unit[2] = {tr(r->lang, "Unit"), arena_printf(&r->arena, "%s (%s)", json_string_value(json_object_get(u, "name")),
                                                             json_string_value(json_object_get(u, "code")))};
    tablew_row(w, unit, 2);
    const char *date[2] = {tr(r->lang, "Date"), lang_date(json_string_value(json_object_get(st, "date")), dmy)};
    tablew_row(w, date, 2);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) {
        const char *cells[2] = {json_string_value(json_object_get(row, "label")), json_string_value(json_object_get(row, "value"))};
        tablew_row(w, cells, 2);
    }
    json_decref(rows);
    char *out = NULL;
    size_t n = 0;
    Err e = ERR_INIT;
    if (tablew_finish(w, &out, &n, &e)) return resp_problem(r, &e);
    return resp_download(r, fmt, out, n, arena_printf(&r->arena, "thong-ke-%s-%s", json_string_value(json_object_get(u, "code")),
                                                      json_string_value(json_object_get(st, "date"))));
}

/* The view of a report: the unit, date, figures, charts and download links. */
static void report_view(Req *r, json_t *view, json_t *st, json_t *rows) {
    const json_t *u = json_object_get(st, "unit");
    char dmy[11];
    Unit unit = {.type = json_string_value(json_object_get(u, "type")), .name = json_string_value(json_object_get(u, "name"))};
    bool pre = strcmp(json_string_value(json_object_get(u, "geo")), "pre2025") == 0;
    json_t *charts = json_array();
    json_array_append_new(charts, stats_chart_stars(r, json_object_get(json_object_get(st, "products"), "by_stars"), "stars",
                                                    tr(r->lang, "Products by stars"), false));
    /* producers by type, as [{"name", "products": count}] for stats_chart_items */
    const Field *type = entity_field(&ENTITY_PRODUCERS, "type");
    json_t *types = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(json_object_get(st, "producers"), "by_type"), k, v) {
        const char *label = entity_enum_label(type->enums, k, r->lang == LANG_VI);
        json_array_append_new(types, json_pack("{s:s, s:O}", "name", label ? label : k, "products", v));
    }
    json_array_append_new(charts, stats_chart_items(r, types, 10, "", "producers", tr(r->lang, "Producers by type"),
                                                    tr(r->lang, "Producers of these products, by type of organisation."),
                                                    tr(r->lang, "Type of producer"), tr(r->lang, "Producers"), false));
    json_decref(types);
    json_object_set_new(view, "report",
                        json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "name", unit_full_name(&r->arena, &unit), "code",
                                  json_string_value(json_object_get(u, "code")), "date",
                                  lang_date(json_string_value(json_object_get(st, "date")), dmy), "pre2025", pre, "rows",
                                  rows, "charts", charts));
    /* the same query with format= for the downloads */
    Buf q = BUF_INIT;
    buf_puts(&q, "/thong-ke?");
    for (int i = 0; i < r->nquery; i++) {
        if (strcmp(r->query[i].key, "format") == 0) continue;
        buf_url(&q, r->query[i].key, strlen(r->query[i].key));
        buf_putc(&q, '=');
        buf_url(&q, r->query[i].value, strlen(r->query[i].value));
        buf_putc(&q, '&');
    }
    json_object_set_new(view, "csv", json_string(arena_printf(&r->arena, "%sformat=csv", buf_str(&q))));
    json_object_set_new(view, "xlsx", json_string(arena_printf(&r->arena, "%sformat=xlsx", buf_str(&q))));
    buf_free(&q);
}

int page_stats(Req *r) {
    const char *date_in = req_query(r, "date"), *format = req_query(r, "format");
    char date[11], dmy[11];
    json_t *view = json_object();
    bool bad_date = false;
    if (!date_in || !*date_in) date_today(date);
    else if (!parse_date(date_in, date)) {
        problem(view, "date", tr(r->lang, "Write the date as dd/mm/yyyy, for example 30/06/2025"));
        bad_date = true;
        date_today(date);
    }
    /* the date as written when it is wrong, so that it can be corrected; else dd/mm/yyyy */
    json_object_set_new(view, "date", json_string(bad_date ? date_in : lang_date(date, dmy)));
    json_object_set_new(view, "error_date", json_boolean(bad_date));
    json_object_set_new(view, "date_dmy", json_string(lang_date(date, dmy)));
    json_object_set_new(view, "current", json_boolean(strcmp(date, UNIT_REORG_DATE) >= 0));
    TableFormat fmt = TABLE_AUTO;
    if (format && strcmp(format, "csv") == 0) fmt = TABLE_CSV;
    else if (format && strcmp(format, "xlsx") == 0) fmt = TABLE_XLSX;
    else if (format) problem(view, "format", tr(r->lang, "A download is csv or xlsx"));
    const char *code = picker(r, view, date);
    json_t *errors = json_object_get(view, "errors");
    if (code && !errors) {
        Err e = ERR_INIT;
        json_t *st = stats_report(r->db, &r->arena, code, date, &e);
        if (!st) {
            char msg[512];
            problem(view, "province", err_text(&e, r->lang, msg, sizeof msg));
            err_clear(&e);
        } else {
            json_t *rows = figure_rows(r, st);
            if (fmt != TABLE_AUTO) {
                json_decref(view);
                int status = download(r, fmt, st, rows);
                json_decref(st);
                return status;
            }
            report_view(r, view, st, rows);
            json_decref(st);
        }
    }
    return page_render(r, json_object_get(view, "errors") ? 400 : 200, "stats", view);
}
