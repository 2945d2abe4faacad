/*
** page_progress.c: the province's progress (docs/web.md "Progress and plans"):
**   /tinh/tien-do            the province on a day: headline figures, charts, its plans' targets
**                            with their progress, and a sortable table of its communes;
**   /tinh/ke-hoach/{id}      a plan's progress: each target with its value and status, the
**                            sub-units of a target set for each, and the tasks, whose status and
**                            note the office updates here (POST .../nhiem-vu/{task_id}).
** Every figure comes from the indicators (indicator.c) and the plans (plan.c), as the API gives
** them: the pages compute nothing of their own.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entity.h"
#include "indicator.h"
#include "page.h"
#include "page_record.h"
#include "page_stats.h"
#include "page_work.h"
#include "plan.h"
#include "svg.h"
#include "unit.h"
#include "table.h"
#include "util.h"

/* The province of the officer (its province grant). */
static const char *my_province(Req *r) {
    const Grant *g = work_grant(r, ROLE_PROVINCE);
    return g ? g->scope : "";
}

/* The commune of the officer (its commune grant). */
static const char *my_commune(Req *r) {
    const Grant *g = work_grant(r, ROLE_COMMUNE);
    return g ? g->scope : "";
}

/* The unit of the page: the officer's province on /tinh, its commune on /xa, the country ("")
** on /bo. */
static const char *page_unit(Req *r) {
    return str_has_prefix(r->path, "/bo/") ? "" : str_has_prefix(r->path, "/xa/") ? my_commune(r) : my_province(r);
}

/* code's value for the page's unit on day (rows: its sub-units' rows, when not NULL). */
static IndValue value(Req *r, const char *code, const char *day, const char *from, json_t **rows) {
    IndQuery q = {page_unit(r), "2025", day, from};
    IndValue v = {0, -1, 0};
    Err e = ERR_INIT;
    if (indicator_eval(r->db, &r->arena, code, &q, &v, rows, &e)) err_clear(&e);
    return v;
}

static const char *num(Req *r, double v, bool percent) {
    char buf[48];
    if (!percent) return arena_strdup(&r->arena, lang_int(r->lang, (long long)(v + (v >= 0 ? 0.5 : -0.5)), buf, sizeof buf));
    return arena_printf(&r->arena, "%s%%", lang_num(r->lang, v, 1, buf, sizeof buf));
}

static const char *status_label(Req *r, const char *s) {
    static const struct {
        const char *key, *label;
    } labels[] = {
        {"achieved", N_("Achieved")},       {"on_track", N_("On track")},   {"at_risk", N_("At risk")},
        {"missed", N_("Missed")},           {"not_started", N_("Not started")}, {"hidden", N_("Not public")},
        {"unknown", N_("Cannot be computed")},
    };
    for (size_t i = 0; i < COUNT(labels); i++)
        if (str_eq(s, labels[i].key)) return tr(r->lang, labels[i].label);
    return s ? s : "";
}

/* The decimal places v needs (at most 2): 8, 12,5, 33,33. */
static int places(double v) {
    if (v == (double)(long long)v) return 0;
    return v * 10 == (double)(long long)(v * 10) ? 1 : 2;
}

/* "≥ 8", "40–50", "≤ 5" (with % for a percentage). */
static const char *target_text(Req *r, json_t *t, bool percent) {
    json_t *mn = json_object_get(t, "min"), *mx = json_object_get(t, "max");
    const char *pct = percent ? "%" : "";
    char a[48], b[48];
    if (json_is_number(mn) && json_is_number(mx))
        return arena_printf(&r->arena, "%s–%s%s", lang_num(r->lang, json_number_value(mn), places(json_number_value(mn)), a, sizeof a),
                            lang_num(r->lang, json_number_value(mx), places(json_number_value(mx)), b, sizeof b), pct);
    if (json_is_number(mn))
        return arena_printf(&r->arena, "≥ %s%s", lang_num(r->lang, json_number_value(mn), places(json_number_value(mn)), a, sizeof a), pct);
    return arena_printf(&r->arena, "≤ %s%s", lang_num(r->lang, json_number_value(mx), places(json_number_value(mx)), a, sizeof a), pct);
}

/* A target of plan_progress as a page shows it: its name, the target, the value, the status,
** and a meter (value against the minimum, or the maximum). */
static json_t *target_view(Req *r, json_t *t) {
    bool percent = str_eq(json_string_value(json_object_get(t, "unit")), "percent");
    json_t *name = json_object_get(t, "name");
    const char *status = json_string_value(json_object_get(t, "status"));
    json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name",
                          name ? json_string_value(json_object_get(name, r->lang == LANG_VI ? "vi" : "en"))
                               : json_string_value(json_object_get(t, "indicator")),
                          "target", target_text(r, t, percent), "status", status ? status : "", "status_label",
                          status_label(r, status));
    json_object_set(o, "label", json_object_get(t, "label"));
    json_t *v = json_object_get(t, "value");
    if (json_is_number(v)) {
        json_object_set_new(o, "value", json_string(num(r, json_number_value(v), percent)));
        json_t *goal = json_is_number(json_object_get(t, "min")) ? json_object_get(t, "min") : json_object_get(t, "max");
        double max = json_number_value(goal) > 0 ? json_number_value(goal) : 1;
        json_object_set_new(o, "meter", json_pack("{s:f, s:f, s:s}", "value", json_number_value(v) > max ? max : json_number_value(v),
                                                  "max", max, "text", num(r, json_number_value(v), percent)));
    }
    if (json_is_number(json_object_get(t, "expected")))
        json_object_set_new(o, "expected", json_string(num(r, json_number_value(json_object_get(t, "expected")), percent)));
    if (json_object_get(t, "units")) { /* the sub-units that met it, out of all */
        json_object_set_new(o, "meter", json_pack("{s:I, s:I, s:s}", "value", (json_int_t)json_integer_value(json_object_get(t, "met")),
                                                  "max", (json_int_t)(json_integer_value(json_object_get(t, "of")) > 0
                                                                          ? json_integer_value(json_object_get(t, "of")) : 1),
                                                  "text", arena_printf(&r->arena, "%lld/%lld", (long long)json_integer_value(json_object_get(t, "met")),
                                                                       (long long)json_integer_value(json_object_get(t, "of")))));
        char a[32], b[32];
        json_object_set_new(o, "each_text",
                            json_string(arena_printf(&r->arena, tr(r->lang, N_("%s of %s units met it")),
                                                     lang_int(r->lang, json_integer_value(json_object_get(t, "met")), a, sizeof a),
                                                     lang_int(r->lang, json_integer_value(json_object_get(t, "of")), b, sizeof b))));
        json_t *short_of = json_array(), *u;
        size_t i;
        json_array_foreach(json_object_get(t, "units"), i, u) {
            if (str_eq(json_string_value(json_object_get(u, "status")), "achieved")) continue;
            json_array_append_new(short_of, json_pack("{s:O, s:s, s:s}", "name", json_object_get(u, "name"), "value",
                                                      num(r, json_number_value(json_object_get(u, "value")), percent),
                                                      "status_label",
                                                      status_label(r, json_string_value(json_object_get(u, "status")))));
        }
        json_object_set_new(o, "short_of", short_of);
        json_object_set_new(o, "has_short_of", json_boolean(json_array_size(short_of) > 0));
    }
    return o;
}

/* The plan's progress on day as a page shows it, or NULL. */
static json_t *plan_view(Req *r, int64_t id, const char *day) {
    Err e = ERR_INIT;
    json_t *p = plan_progress(r->db, &r->arena, &r->actor, id, day, &e);
    if (!p) {
        err_clear(&e);
        return NULL;
    }
    json_t *plan = json_object_get(p, "plan");
    char d1[11], d2[11], d3[11];
    json_t *o = json_pack("{s:I, s:O, s:s, s:s}", "id", (json_int_t)id, "title", json_object_get(plan, "title"), "period",
                          arena_printf(&r->arena, "%s – %s", page_dmy(json_string_value(json_object_get(plan, "from")), d1),
                                       page_dmy(json_string_value(json_object_get(plan, "to")), d2)),
                          "date", page_dmy(json_string_value(json_object_get(p, "date")), d3));
    json_object_set(o, "unit_name", json_object_get(plan, "unit_name"));
    json_t *doc = json_object_get(plan, "document");
    if (json_is_string(json_object_get(doc, "no")))
        json_object_set_new(o, "document",
                            json_string(arena_printf(&r->arena, "%s%s%s", json_string_value(json_object_get(doc, "no")),
                                                     json_is_string(json_object_get(doc, "date")) ? " – " : "",
                                                     json_is_string(json_object_get(doc, "date"))
                                                         ? page_dmy(json_string_value(json_object_get(doc, "date")), d1)
                                                         : "")));
    char pct[32];
    json_object_set_new(o, "elapsed", json_string(lang_num(r->lang, 100 * json_real_value(json_object_get(p, "elapsed")), 0, pct,
                                                           sizeof pct)));
    json_t *targets = json_array(), *t;
    size_t i;
    json_array_foreach(json_object_get(p, "targets"), i, t) json_array_append_new(targets, target_view(r, t));
    json_object_set_new(o, "targets", targets);
    json_t *tasks = json_array();
    static const char *const statuses[] = {"todo", "doing", "done", "dropped"};
    static const char *const status_names[] = {N_("To do"), N_("Under way"), N_("Done"), N_("Dropped")};
    json_array_foreach(json_object_get(plan, "tasks"), i, t) {
        json_t *opts = json_array();
        const char *st = json_string_value(json_object_get(t, "status"));
        const char *st_label = st;
        for (int k = 0; k < 4; k++) {
            json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", statuses[k], "label", tr(r->lang, status_names[k]),
                                                  "selected", str_eq(st, statuses[k])));
            if (str_eq(st, statuses[k])) st_label = tr(r->lang, status_names[k]);
        }
        json_t *task = json_pack("{s:O, s:I, s:O, s:s, s:o}", "task_id", json_object_get(t, "id"), "plan_id", (json_int_t)id,
                                 "title", json_object_get(t, "title"), "status_label", st_label, "options", opts);
        json_object_set(task, "agency", json_object_get(t, "agency"));
        json_object_set(task, "progress", json_object_get(t, "progress"));
        if (json_is_string(json_object_get(t, "due_on")))
            json_object_set_new(task, "due", json_string(page_dmy(json_string_value(json_object_get(t, "due_on")), d1)));
        json_array_append_new(tasks, task);
    }
    json_object_set_new(o, "tasks", tasks);
    json_object_set_new(o, "has_tasks", json_boolean(json_array_size(tasks) > 0));
    json_object_set(o, "province_code", json_object_get(plan, "province_code"));
    json_object_set(o, "unit", json_object_get(plan, "unit"));
    json_decref(p);
    return o;
}

/* The recognitions of each of the last years (new products at 3★ and above), as a chart. */
static json_t *years_chart(Req *r, const char *today) {
    int year = atoi(today), n = 6;
    SvgBar *bars = arena_alloc(&r->arena, sizeof *bars * (size_t)n);
    for (int k = 0; k < n; k++) {
        int y = year - n + 1 + k;
        char from[24], to[24];
        snprintf(from, sizeof from, "%04d-01-01", y % 10000);
        snprintf(to, sizeof to, "%04d-12-31", y % 10000);
        IndValue v = value(r, "new_3plus", k == n - 1 ? today : to, from, NULL);
        bars[k] = (SvgBar){arena_printf(&r->arena, "%d", y), v.numerator};
    }
    SvgChart c = {SVG_VBAR, "years", tr(r->lang, N_("Products newly recognised, by year")),
                  tr(r->lang, N_("Products recognised for the first time at 3 stars or more, each year.")),
                  tr(r->lang, "No products yet"), r->lang, bars, n};
    json_t *chart = svg_chart_view(&c);
    json_object_set_new(chart, "label_head", json_string(tr(r->lang, N_("Year"))));
    json_object_set_new(chart, "value_head", json_string(tr(r->lang, "Products")));
    return chart;
}

/* The product groups of the province's products in force, as a chart. */
static json_t *groups_chart(Req *r, const char *today) {
    static const char *const codes[] = {"products_group_I", "products_group_II", "products_group_III",
                                        "products_group_IV", "products_group_V", "products_group_VI"};
    json_t *items = json_array();
    for (size_t k = 0; k < COUNT(codes); k++) {
        const json_t *ind = indicator_find(codes[k]);
        IndValue v = value(r, codes[k], today, NULL, NULL);
        json_array_append_new(items, json_pack("{s:O, s:I}", "name", json_object_get(ind, r->lang == LANG_VI ? "vi" : "en"),
                                               "products", (json_int_t)v.numerator));
    }
    json_t *c = stats_chart_items(r, items, 6, "", "groups", tr(r->lang, N_("Products in force, by product group")),
                                  tr(r->lang, N_("OCOP products with a certificate in force, by group of the score sheet.")),
                                  tr(r->lang, N_("Group")), tr(r->lang, "Products"), false);
    json_decref(items);
    return c;
}

/* The producers with an OCOP product, by type (cooperatives, companies, households...). */
static json_t *types_chart(Req *r, const char *today) {
    IndQuery q = {page_unit(r), "2025", today, NULL};
    json_t *by = NULL, *items = json_array();
    Err e = ERR_INIT;
    if (indicator_producer_types(r->db, &r->arena, &q, &by, &e)) err_clear(&e);
    const Field *f = entity_field(&ENTITY_PRODUCERS, "type");
    for (const EnumVal *ev = f->enums; ev && ev->value; ev++) {
        json_int_t n = json_integer_value(json_object_get(by, ev->value));
        if (n) json_array_append_new(items, json_pack("{s:s, s:I}", "name", r->lang == LANG_VI ? ev->vi : ev->en, "products", n));
    }
    json_decref(by);
    json_t *c = stats_chart_items(r, items, 8, "", "types", tr(r->lang, N_("Producers with an OCOP product, by type")),
                                  tr(r->lang, N_("Producers holding at least one product in force, by type of business.")),
                                  tr(r->lang, N_("Type")), tr(r->lang, N_("Producers")), false);
    json_decref(items);
    return c;
}

/* The certificates that end in this month and the next eleven, as a chart. */
static json_t *expiries_chart(Req *r, const char *today) {
    enum { MONTHS = 12 };
    int64_t counts[MONTHS];
    IndQuery q = {page_unit(r), "2025", today, NULL};
    Err e = ERR_INIT;
    if (indicator_expiries(r->db, &r->arena, &q, MONTHS, counts, &e)) {
        err_clear(&e);
        memset(counts, 0, sizeof counts);
    }
    SvgBar *bars = arena_alloc(&r->arena, sizeof *bars * MONTHS);
    int y = atoi(today), m = atoi(today + 5);
    for (int k = 0; k < MONTHS; k++) {
        int mm = (m - 1 + k) % 12 + 1, yy = y + (m - 1 + k) / 12;
        bars[k] = (SvgBar){arena_printf(&r->arena, "%02d/%04d", mm, yy), counts[k]};
    }
    SvgChart c = {SVG_HBAR, "expiries", tr(r->lang, N_("Certificates ending in the next 12 months")),
                  tr(r->lang, N_("Products in force whose certificate ends in each month, from this month on: their re-evaluation is due.")),
                  tr(r->lang, N_("No certificate ends in the next 12 months")), r->lang, bars, MONTHS};
    json_t *chart = svg_chart_view(&c);
    json_object_set_new(chart, "label_head", json_string(tr(r->lang, N_("Month"))));
    json_object_set_new(chart, "value_head", json_string(tr(r->lang, "Products")));
    return chart;
}

/* A number as a download writes it: canonical ("12.5"), "" for none. */
static const char *num_cell(Req *r, json_t *v) {
    char buf[32];
    return json_is_number(v) ? arena_strdup(&r->arena, table_number_text(json_number_value(v), buf)) : "";
}

/* ?format=csv|xlsx of a plan: one row per target, and under a target set for each sub-unit, one
** per sub-unit. */
static int plan_download(Req *r, int64_t id) {
    Err e = ERR_INIT;
    json_t *p = plan_progress(r->db, &r->arena, &r->actor, id, NULL, &e);
    if (!p) return resp_problem(r, &e);
    static const char *const heads[] = {N_("Target"), N_("As the document words it"), N_("Applies to"), N_("Minimum"),
                                        N_("Maximum"), N_("Now"), N_("Expected by now"), N_("Status")};
    static const int numbers[] = {3, 4, 5, 6};
    json_t *rows = json_array(), *t, *u;
    size_t i, j;
    json_array_foreach(json_object_get(p, "targets"), i, t) {
        json_t *name = json_object_get(t, "name");
        const char *label = name ? json_string_value(json_object_get(name, r->lang == LANG_VI ? "vi" : "en"))
                                 : json_string_value(json_object_get(t, "indicator"));
        const char *each = json_string_value(json_object_get(t, "each"));
        json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s, s]", label,
                                              json_is_string(json_object_get(t, "label")) ? json_string_value(json_object_get(t, "label")) : "",
                                              each ? tr(r->lang, N_("Each commune-level unit")) : tr(r->lang, N_("The province as a whole")),
                                              num_cell(r, json_object_get(t, "min")), num_cell(r, json_object_get(t, "max")),
                                              num_cell(r, json_object_get(t, "value")), num_cell(r, json_object_get(t, "expected")),
                                              status_label(r, json_string_value(json_object_get(t, "status")))));
        json_array_foreach(json_object_get(t, "units"), j, u)
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s, s]", arena_printf(&r->arena, "%s — %s", label,
                                                                                                    json_string_value(json_object_get(u, "name"))),
                                                  "", "", "", "", num_cell(r, json_object_get(u, "value")), "",
                                                  status_label(r, json_string_value(json_object_get(u, "status")))));
    }
    json_decref(p);
    return page_download(r, arena_printf(&r->arena, "ke-hoach-%lld", (long long)id), heads, 8, rows, numbers, 4);
}

/* Where the page's plans live: the province's (/tinh/ke-hoach) or the country's (/bo/ke-hoach). */
static const char *plan_home(Req *r) { return str_has_prefix(r->path, "/bo/") ? "/bo/ke-hoach" : "/tinh/ke-hoach"; }

/* The page's links to the plans: {home, home_label} into view. */
static void plan_links(Req *r, json_t *view) {
    bool national = str_has_prefix(r->path, "/bo/");
    json_object_set_new(view, "home", json_string(plan_home(r)));
    json_object_set_new(view, "home_label", json_string(national ? tr(r->lang, N_("National plans")) : tr(r->lang, N_("Plans of the province"))));
    json_object_set_new(view, "progress_href", json_string(national ? "/bo/tien-do" : "/tinh/tien-do"));
    json_object_set_new(view, "progress_label",
                        json_string(national ? tr(r->lang, N_("Progress of the country")) : tr(r->lang, N_("Progress of the province"))));
}

/* The unit's plans whose period holds today, as plan_view makes them. */
static json_t *plans_of_today(Req *r, const char *today) {
    json_t *plans = NULL, *views = json_array(), *p;
    int64_t total = 0;
    size_t i;
    Err e = ERR_INIT;
    if (!plan_list(r->db, page_unit(r), atoi(today), 20, 0, &plans, &total, &e)) {
        json_array_foreach(plans, i, p) {
            json_t *v = plan_view(r, json_integer_value(json_object_get(p, "id")), NULL);
            if (v) json_array_append_new(views, v);
        }
    }
    json_decref(plans);
    err_clear(&e);
    return views;
}

/* GET /xa/tien-do: the commune officer's commune on a day: its headline figures, the plans set
** for it, the charts, and its products in force with their certificates' end (?format=csv|xlsx:
** that list as a file). */
static int commune_progress(Req *r) {
    char today[11], d[11];
    date_today(today);
    json_t *stars = json_object(), *head = json_array();
    static const char *const by_star[] = {"products_3star", "products_4star", "products_5star"};
    for (int k = 0; k < 3; k++)
        json_object_set_new(stars, arena_printf(&r->arena, "%d", k + 3), json_integer(value(r, by_star[k], today, NULL, NULL).numerator));
    static const struct {
        const char *code, *label;
    } heads[] = {{"products_3plus", N_("OCOP products in force")},
                 {"producers_ocop", N_("Producers with an OCOP product")},
                 {"products_4plus", N_("At 4★ and above")},
                 {"expired_not_renewed", N_("Expired, not yet re-recognised")}};
    for (size_t k = 0; k < COUNT(heads); k++)
        json_array_append_new(head, json_pack("{s:s, s:s}", "label", tr(r->lang, heads[k].label), "value",
                                              num(r, (double)value(r, heads[k].code, today, NULL, NULL).numerator, false)));
    json_t *charts = json_array();
    json_array_append_new(charts, stats_chart_stars(r, stars, "stars", tr(r->lang, N_("Products in force, by stars")), false));
    json_array_append_new(charts, years_chart(r, today));
    json_array_append_new(charts, types_chart(r, today));
    json_array_append_new(charts, expiries_chart(r, today));
    json_decref(stars);
    json_t *products = NULL, *it;
    IndQuery q = {page_unit(r), "2025", today, NULL};
    Err e = ERR_INIT;
    if (indicator_products(r->db, &r->arena, &q, &products, &e)) {
        err_clear(&e);
        products = json_array();
    }
    size_t i;
    if (req_query(r, "format")) {
        static const char *const cols[] = {N_("Code"), N_("Product"), N_("Producer"), N_("Stars"), N_("Decision"), N_("Valid until")};
        static const int numbers[] = {3};
        json_t *cells = json_array();
        json_array_foreach(products, i, it) {
            char st[8], until[11];
            snprintf(st, sizeof st, "%lld", (long long)json_integer_value(json_object_get(it, "stars")));
            json_array_append_new(cells, json_pack("[O, O, O, s, O, s]", json_object_get(it, "code"), json_object_get(it, "name"),
                                                   json_object_get(it, "producer"), st, json_object_get(it, "decision_no"),
                                                   page_dmy(json_string_value(json_object_get(it, "expires_on")), until)));
        }
        json_decref(products);
        json_decref(head);
        json_decref(charts);
        return page_download(r, "tien-do-xa", cols, 6, cells, numbers, 1);
    }
    json_array_foreach(products, i, it) {
        char until[11];
        json_object_set_new(it, "until", json_string(page_dmy(json_string_value(json_object_get(it, "expires_on")), until)));
        json_object_set_new(it, "stars_text", json_string(arena_printf(&r->arena, "%lld★", (long long)json_integer_value(json_object_get(it, "stars")))));
    }
    json_t *views = plans_of_today(r, today);
    Unit u;
    const char *name = unit_get(r->db, &r->arena, page_unit(r), today, &u, &e) ? page_unit(r) : unit_full_name(&r->arena, &u);
    err_clear(&e);
    json_t *view = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:s, s:s, s:b}", "date", page_dmy(today, d), "head", head,
                             "charts", charts, "products", products, "plans", views, "has_plans", json_array_size(views) > 0,
                             "national", false, "commune", true, "self", "/xa/tien-do", "unit_name", name, "has_products",
                             json_array_size(products) > 0);
    return work_render(r, 200, "progress", view);
}

/* GET /tinh/tien-do?sort=name|products|stars4 (the province, by commune) and /bo/tien-do (the
** country, by province). */
int page_progress(Req *r) {
    if (str_has_prefix(r->path, "/xa/")) return commune_progress(r);
    bool national = !*page_unit(r);
    char today[11], d[11], a[32], b[32];
    date_today(today);
    json_t *stars = json_object(), *communes = NULL, *four = NULL;
    IndValue all = value(r, "products_3plus", today, NULL, &communes);
    value(r, "products_4plus", today, NULL, &four);
    static const char *const by_star[] = {"products_3star", "products_4star", "products_5star"};
    for (int k = 0; k < 3; k++)
        json_object_set_new(stars, arena_printf(&r->arena, "%d", k + 3), json_integer(value(r, by_star[k], today, NULL, NULL).numerator));
    IndValue cov = value(r, "communes_coverage_pct", today, NULL, NULL), prod = value(r, "producers_ocop", today, NULL, NULL),
             exp = value(r, "expired_not_renewed", today, NULL, NULL);
    json_t *head = json_array();
    json_array_append_new(head, json_pack("{s:s, s:s}", "label", tr(r->lang, N_("OCOP products in force")), "value",
                                          num(r, (double)all.numerator, false)));
    json_array_append_new(head, json_pack("{s:s, s:s}", "label", tr(r->lang, N_("Producers with an OCOP product")), "value",
                                          num(r, (double)prod.numerator, false)));
    json_array_append_new(head, json_pack("{s:s, s:s, s:s}", "label", tr(r->lang, N_("Communes with an OCOP product")), "value",
                                              num(r, cov.value, true), "detail",
                                              arena_printf(&r->arena, tr(r->lang, N_("%s of %s")),
                                                           lang_int(r->lang, cov.numerator, a, sizeof a),
                                                           lang_int(r->lang, cov.denominator, b, sizeof b))));
    json_array_append_new(head, json_pack("{s:s, s:s}", "label", tr(r->lang, N_("Expired, not yet re-recognised")), "value",
                                          num(r, (double)exp.numerator, false)));
    json_t *charts = json_array();
    json_array_append_new(charts, stats_chart_stars(r, stars, "stars", tr(r->lang, N_("Products in force, by stars")), false));
    json_array_append_new(charts, years_chart(r, today));
    json_array_append_new(charts, groups_chart(r, today));
    json_array_append_new(charts, types_chart(r, today));
    json_array_append_new(charts, expiries_chart(r, today));
    json_decref(stars);
    /* the communes: products in force, at 4★ and above; sorted as asked */
    json_t *rows = json_array(), *row;
    size_t i;
    json_array_foreach(communes, i, row) {
        json_t *f = json_array_get(four, i);
        json_array_append_new(rows, json_pack("{s:O, s:O, s:I, s:I}", "code", json_object_get(row, "code"), "name",
                                              json_object_get(row, "name"), "products", (json_int_t)json_integer_value(json_object_get(row, "numerator")),
                                              "four", (json_int_t)json_integer_value(json_object_get(f, "numerator"))));
    }
    json_decref(communes);
    json_decref(four);
    if (req_query(r, "format")) { /* the communes' table as a file */
        static const char *const heads[] = {N_("Code"), N_("Commune"), N_("Products in force"), N_("At 4★ and above")};
        static const char *const heads_national[] = {N_("Code"), N_("Province"), N_("Products in force"), N_("At 4★ and above")};
        static const int numbers[] = {2, 3};
        json_t *cells = json_array();
        json_array_foreach(rows, i, row) {
            char np[32], nf[32];
            snprintf(np, sizeof np, "%lld", (long long)json_integer_value(json_object_get(row, "products")));
            snprintf(nf, sizeof nf, "%lld", (long long)json_integer_value(json_object_get(row, "four")));
            json_array_append_new(cells, json_pack("[O, O, s, s]", json_object_get(row, "code"), json_object_get(row, "name"), np, nf));
        }
        json_decref(head);
        json_decref(charts);
        json_decref(rows);
        return page_download(r, national ? "tien-do-tinh" : "tien-do-xa", national ? heads_national : heads, 4, cells, numbers, 2);
    }
    const char *sort = req_query(r, "sort");
    if (str_eq(sort, "products") || str_eq(sort, "stars4")) {
        const char *key = str_eq(sort, "products") ? "products" : "four";
        size_t n = json_array_size(rows);
        for (size_t x = 1; x < n; x++) /* a stable insertion sort: most first, then by code */
            for (size_t y = x; y > 0; y--) {
                json_int_t p = json_integer_value(json_object_get(json_array_get(rows, y - 1), key)),
                           q = json_integer_value(json_object_get(json_array_get(rows, y), key));
                if (p >= q) break;
                json_t *tmp = json_incref(json_array_get(rows, y));
                json_array_set(rows, y, json_array_get(rows, y - 1));
                json_array_set_new(rows, y - 1, tmp);
            }
    }
    json_array_foreach(rows, i, row) {
        json_object_set_new(row, "products_text", json_string(num(r, (double)json_integer_value(json_object_get(row, "products")), false)));
        json_object_set_new(row, "four_text", json_string(num(r, (double)json_integer_value(json_object_get(row, "four")), false)));
        json_object_set_new(row, "covered", json_boolean(json_integer_value(json_object_get(row, "products")) > 0));
        /* the products behind the number: the catalogue, filtered */
        json_object_set_new(row, "href", json_string(arena_printf(&r->arena, national ? "/san-pham?province=%s&cert=valid"
                                                                                      : "/san-pham?commune_code=%s&cert=valid",
                                                                 json_string_value(json_object_get(row, "code")))));
    }
    /* the province's plans whose period holds today */
    json_t *views = plans_of_today(r, today);
    json_t *view = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:b, s:s}", "date", page_dmy(today, d), "head", head, "charts", charts,
                             "communes", rows, "plans", views, "has_plans", json_array_size(views) > 0, "national", national,
                             "self", national ? "/bo/tien-do" : "/tinh/tien-do");
    json_object_set_new(view, "is_sort", page_is(sort ? sort : "name"));
    plan_links(r, view);
    return work_render(r, 200, "progress", view);
}

/* The plan of the path, if it is the page's (the officer's province's on /tinh, the country's
** on /bo); NULL after answering 404. */
static json_t *own_plan(Req *r, int64_t *id) {
    json_t *v = parse_i64(r->pathv[0], id) && *id > 0 ? plan_view(r, *id, NULL) : NULL;
    bool national = str_has_prefix(r->path, "/bo/");
    const char *unit = v ? json_string_value(json_object_get(v, "unit")) : NULL;
    if (v && (national ? unit && !*unit : str_eq(json_string_value(json_object_get(v, "province_code")), my_province(r)) && unit && *unit)) {
        plan_links(r, v);
        return v;
    }
    json_decref(v);
    resp_error(r, 404, "id", "no plan with id '%s'", r->pathv[0]);
    return NULL;
}

/* GET /tinh/ke-hoach/{id} */
int page_plan(Req *r) {
    int64_t id;
    json_t *v = own_plan(r, &id);
    if (!v) return r->status;
    if (req_query(r, "format")) {
        json_decref(v);
        return plan_download(r, id);
    }
    if (str_eq(req_query(r, "done"), "task")) json_object_set_new(v, "notice", json_string(tr(r->lang, N_("The task is saved."))));
    if (str_eq(req_query(r, "done"), "saved")) json_object_set_new(v, "notice", json_string(tr(r->lang, N_("The plan is saved."))));
    return work_render(r, 200, "plan", v);
}

/* POST /tinh/ke-hoach/{id}/nhiem-vu/{task_id}: status, progress */
int page_plan_task(Req *r) {
    int64_t id, task;
    json_t *v = own_plan(r, &id);
    if (!v) return r->status;
    json_decref(v);
    if (!parse_i64(r->pathv[1], &task) || task <= 0) return resp_error(r, 404, "task_id", "no task '%s'", r->pathv[1]);
    json_t *in = json_object();
    const char *status = req_form(r, "status"), *progress = req_form(r, "progress");
    if (status && *status) json_object_set_new(in, "status", json_string(status));
    json_object_set_new(in, "progress", progress && *progress ? json_string(progress) : json_null());
    Err e = ERR_INIT;
    int rc = plan_task_update(r->db, &r->actor, id, task, in, &e);
    json_decref(in);
    if (rc) {
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "%s/%lld?done=task", plan_home(r), (long long)id));
}

/* ---- /tinh/ke-hoach: the province's plans, and the form of one ----------------------------------- */

enum { ROWS_DEFAULT = 5, ROWS_MORE = 3, ROWS_MAX = 100 };

/* GET /tinh/ke-hoach: every plan of the province, newest period first. */
int page_plans(Req *r) {
    json_t *items = NULL, *p;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (plan_list(r->db, page_unit(r), 0, 200, 0, &items, &total, &e)) return resp_problem(r, &e);
    size_t i;
    json_array_foreach(items, i, p) {
        char a[11], b[11];
        json_object_set_new(p, "period", json_string(arena_printf(&r->arena, "%s – %s",
                                                                  page_dmy(json_string_value(json_object_get(p, "from")), a),
                                                                  page_dmy(json_string_value(json_object_get(p, "to")), b))));
    }
    json_t *view = json_pack("{s:o, s:b}", "plans", items, "has_plans", total > 0);
    if (str_eq(req_query(r, "done"), "deleted")) json_object_set_new(view, "notice", json_string(tr(r->lang, N_("The plan is deleted."))));
    plan_links(r, view);
    return work_render(r, 200, "plans", view);
}

/* The options of a select: the values with their labels, chosen selected. */
static json_t *options(const char *const *values, const char *const *labels, size_t n, const char *chosen, Req *r) {
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", values[i], "label", tr(r->lang, labels[i]), "selected",
                                             str_eq(values[i], chosen ? chosen : "")));
    return out;
}

static json_t *indicator_options(Req *r, const char *chosen) {
    json_t *out = json_array(), *ind;
    json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(r->lang, N_("(none)")), "selected", !chosen || !*chosen));
    size_t i;
    json_array_foreach(json_object_get(indicator_catalogue(), "indicators"), i, ind) {
        const char *code = json_string_value(json_object_get(ind, "code"));
        if (str_eq(json_string_value(json_object_get(json_object_get(ind, "numerator"), "measure")), "districts")) continue;
        json_array_append_new(out, json_pack("{s:s, s:O, s:b}", "value", code, "label",
                                             json_object_get(ind, r->lang == LANG_VI ? "vi" : "en"), "selected", str_eq(code, chosen)));
    }
    return out;
}

/* A number of the form as JSON ("12,5" as Vietnamese writes it), the text itself when it is not
** one (plan.c names it), NULL when empty. */
static json_t *form_number(const char *v) {
    if (!v || !*v) return NULL;
    char num[64], *end;
    snprintf(num, sizeof num, "%s", v);
    for (char *c = num; *c; c++)
        if (*c == ',') *c = '.';
    double d = strtod(num, &end);
    return end != num && !*end ? json_real(d) : json_string(v);
}

static const char *row_field(Req *r, char kind, int row, const char *name) {
    return req_form(r, arena_printf(&r->arena, "%c%d_%s", kind, row, name));
}

static void set_if(json_t *o, const char *k, const char *v) {
    if (v && *v) json_object_set_new(o, k, json_string(v));
}

/* The plan the form posted (unit: the officer's province), and for each target and task sent,
** the form row it came from (tmap, kmap). */
static json_t *posted_plan(Req *r, int rows_t, int rows_k, int *tmap, int *kmap) {
    json_t *in = json_pack("{s:s}", "unit", page_unit(r));
    set_if(in, "from", req_form(r, "from"));
    set_if(in, "to", req_form(r, "to"));
    set_if(in, "title", req_form(r, "title"));
    set_if(in, "note", req_form(r, "note"));
    json_t *doc = json_object();
    set_if(doc, "no", req_form(r, "doc_no"));
    set_if(doc, "date", req_form(r, "doc_date"));
    set_if(doc, "issuer", req_form(r, "doc_issuer"));
    json_object_set_new(in, "document", doc);
    json_t *targets = json_array(), *tasks = json_array();
    for (int i = 0; i < rows_t; i++) {
        const char *ind = row_field(r, 't', i, "indicator"), *mn = row_field(r, 't', i, "min"), *mx = row_field(r, 't', i, "max"),
                   *label = row_field(r, 't', i, "label"), *each = row_field(r, 't', i, "each");
        if (!(ind && *ind) && !(mn && *mn) && !(mx && *mx) && !(label && *label)) continue; /* a row left empty */
        json_t *t = json_object();
        set_if(t, "indicator", ind);
        json_t *n;
        if ((n = form_number(mn))) json_object_set_new(t, "min", n);
        if ((n = form_number(mx))) json_object_set_new(t, "max", n);
        set_if(t, "each", each);
        set_if(t, "label", label);
        tmap[json_array_size(targets)] = i;
        json_array_append_new(targets, t);
    }
    for (int i = 0; i < rows_k; i++) {
        const char *title = row_field(r, 'k', i, "title"), *agency = row_field(r, 'k', i, "agency"), *due = row_field(r, 'k', i, "due_on");
        if (!(title && *title) && !(agency && *agency) && !(due && *due)) continue;
        json_t *t = json_object();
        set_if(t, "title", title);
        set_if(t, "agency", agency);
        set_if(t, "due_on", due);
        set_if(t, "status", row_field(r, 'k', i, "status"));
        set_if(t, "progress", row_field(r, 'k', i, "progress"));
        kmap[json_array_size(tasks)] = i;
        json_array_append_new(tasks, t);
    }
    json_object_set_new(in, "targets", targets);
    json_object_set_new(in, "tasks", tasks);
    return in;
}

/* The form's id of a problem's field path ("targets[2].min" -> "t4-min" through the row map). */
static const char *field_id(Req *r, const char *path, const int *tmap, const int *kmap) {
    char list[16], key[32];
    int k;
    if (sscanf(path, "%15[a-z][%d].%31s", list, &k, key) == 3 && k >= 0 && k < ROWS_MAX)
        return arena_printf(&r->arena, "%c%d-%s", str_eq(list, "targets") ? 't' : 'k', str_eq(list, "targets") ? tmap[k] : kmap[k], key);
    if (!strncmp(path, "document.", 9)) return arena_printf(&r->arena, "f-doc_%s", path + 9);
    return arena_printf(&r->arena, "f-%s", path);
}

/* The form (a new plan: id 0), with what was posted or the plan's values (vals: a plan as
** plan_get gives it), e's problems beside their fields. */
static int plan_form(Req *r, int status, int64_t id, json_t *vals, int rows_t, int rows_k, const Err *e, const int *tmap,
                     const int *kmap) {
    json_t *errs = json_object(), *summary = json_array(), *p;
    size_t i;
    if (e && e->status) {
        if (!e->errors) json_array_append_new(summary, json_pack("{s:n, s:s}", "href", "text", err_text(e, r->lang, (char[600]){0}, 600)));
        json_array_foreach(e->errors, i, p) {
            const char *fid = field_id(r, json_string_value(json_object_get(p, "field")), tmap, kmap);
            const char *text = json_string_value(json_object_get(p, r->lang == LANG_VI ? "text_vi" : "reason"));
            if (!json_object_get(errs, fid)) json_object_set_new(errs, fid, json_string(text));
            json_array_append_new(summary, json_pack("{s:s, s:s}", "href", arena_printf(&r->arena, "#%s", fid), "text", text));
        }
    }
    json_t *doc = json_object_get(vals, "document");
    json_t *f = json_object();
    static const char *const top[][2] = {{"title", "title"}, {"from", "from"}, {"to", "to"}, {"note", "note"}};
    for (size_t k = 0; k < COUNT(top); k++)
        json_object_set_new(f, top[k][0], json_pack("{s:O?, s:O?}", "value", json_object_get(vals, top[k][1]), "error",
                                                    json_object_get(errs, arena_printf(&r->arena, "f-%s", top[k][0]))));
    static const char *const docs[] = {"no", "date", "issuer"};
    for (size_t k = 0; k < COUNT(docs); k++)
        json_object_set_new(f, arena_printf(&r->arena, "doc_%s", docs[k]),
                            json_pack("{s:O?, s:O?}", "value", json_object_get(doc, docs[k]), "error",
                                      json_object_get(errs, arena_printf(&r->arena, "f-doc_%s", docs[k]))));
    bool national = str_has_prefix(r->path, "/bo/");
    const char *const each_values[] = {"", national ? "province" : "commune"};
    const char *const each_labels[] = {national ? N_("The country as a whole") : N_("The province as a whole"),
                                       national ? N_("Each province") : N_("Each commune-level unit")};
    static const char *const st_values[] = {"todo", "doing", "done", "dropped"};
    static const char *const st_labels[] = {N_("To do"), N_("Under way"), N_("Done"), N_("Dropped")};
    json_t *targets = json_array(), *tasks = json_array();
    json_t *tv = json_object_get(vals, "targets"), *kv = json_object_get(vals, "tasks");
    for (int k = 0; k < rows_t; k++) {
        json_t *t = json_array_get(tv, (size_t)k);
        char mn[48] = "", mx[48] = "";
        if (json_is_number(json_object_get(t, "min"))) lang_num(r->lang, json_number_value(json_object_get(t, "min")), places(json_number_value(json_object_get(t, "min"))), mn, sizeof mn);
        else if (json_is_string(json_object_get(t, "min"))) snprintf(mn, sizeof mn, "%s", json_string_value(json_object_get(t, "min")));
        if (json_is_number(json_object_get(t, "max"))) lang_num(r->lang, json_number_value(json_object_get(t, "max")), places(json_number_value(json_object_get(t, "max"))), mx, sizeof mx);
        else if (json_is_string(json_object_get(t, "max"))) snprintf(mx, sizeof mx, "%s", json_string_value(json_object_get(t, "max")));
        json_t *row = json_pack("{s:i, s:i, s:o, s:o, s:s, s:s}", "n", k, "number", k + 1, "indicators",
                                indicator_options(r, json_string_value(json_object_get(t, "indicator"))), "each",
                                options(each_values, each_labels, 2, json_string_value(json_object_get(t, "each")), r), "min", mn,
                                "max", mx);
        json_object_set(row, "label", json_object_get(t, "label"));
        static const char *const keys[] = {"indicator", "min", "max", "each", "label"};
        for (size_t q = 0; q < COUNT(keys); q++)
            json_object_set(row, arena_printf(&r->arena, "error_%s", keys[q]),
                            json_object_get(errs, arena_printf(&r->arena, "t%d-%s", k, keys[q])));
        json_array_append_new(targets, row);
    }
    for (int k = 0; k < rows_k; k++) {
        json_t *t = json_array_get(kv, (size_t)k);
        json_t *row = json_pack("{s:i, s:i, s:o}", "n", k, "number", k + 1, "statuses",
                                options(st_values, st_labels, 4, json_string_value(json_object_get(t, "status")), r));
        static const char *const keys[] = {"title", "agency", "due_on", "progress"};
        for (size_t q = 0; q < COUNT(keys); q++) {
            json_object_set(row, keys[q], json_object_get(t, keys[q]));
            json_object_set(row, arena_printf(&r->arena, "error_%s", keys[q]),
                            json_object_get(errs, arena_printf(&r->arena, "k%d-%s", k, keys[q])));
        }
        json_array_append_new(tasks, row);
    }
    json_decref(errs);
    json_t *view = json_pack("{s:s, s:b, s:o, s:o, s:o, s:i, s:i, s:o, s:b}", "action",
                             id ? arena_printf(&r->arena, "%s/%lld/sua", plan_home(r), (long long)id) : arena_printf(&r->arena, "%s/moi", plan_home(r)), "editing",
                             id != 0, "f", f, "targets", targets, "tasks", tasks, "rows_t", rows_t, "rows_k", rows_k, "errors",
                             summary, "has_errors", json_array_size(summary) > 0);
    if (id) json_object_set_new(view, "id", json_integer(id));
    plan_links(r, view);
    return work_render(r, status, "plan_form", view);
}

/* Put in's targets and tasks back in the rows of the form they came from (the empty rows
** empty), for showing the form again. */
static void in_rows(json_t *in, int rows_t, int rows_k, const int *tmap, const int *kmap) {
    const char *keys[2] = {"targets", "tasks"};
    const int counts[2] = {rows_t, rows_k};
    const int *maps[2] = {tmap, kmap};
    for (int w = 0; w < 2; w++) {
        json_t *rows = json_array(), *x;
        for (int i = 0; i < counts[w]; i++) json_array_append_new(rows, json_object());
        size_t i;
        json_array_foreach(json_object_get(in, keys[w]), i, x) json_array_set(rows, (size_t)maps[w][i], x);
        json_object_set_new(in, keys[w], rows);
    }
}

static int rows_of(Req *r, const char *name, int least) {
    const char *v = req_form(r, name);
    int64_t n;
    n = v && parse_i64(v, &n) ? n : least;
    return n < least ? least : n > ROWS_MAX ? ROWS_MAX : (int)n;
}

/* GET /tinh/ke-hoach/moi: the year's plan, to fill. */
int page_plan_new(Req *r) {
    char today[11], from[16], to[16];
    date_today(today);
    snprintf(from, sizeof from, "%.4s-01-01", today);
    snprintf(to, sizeof to, "%.4s-12-31", today);
    json_t *vals = json_pack("{s:s, s:s}", "from", from, "to", to);
    int st = plan_form(r, 200, 0, vals, ROWS_DEFAULT, ROWS_DEFAULT, NULL, NULL, NULL);
    json_decref(vals);
    return st;
}

/* POST /tinh/ke-hoach/moi and /tinh/ke-hoach/{id}/sua: more rows asked for, or the plan written
** (plan_create, plan_replace) and its page, or the form again with every problem beside its field. */
static int plan_post(Req *r, int64_t id) {
    int rows_t = rows_of(r, "rows_t", 1), rows_k = rows_of(r, "rows_k", 1);
    int tmap[ROWS_MAX] = {0}, kmap[ROWS_MAX] = {0};
    bool more_t = req_form(r, "more_targets") != NULL, more_k = req_form(r, "more_tasks") != NULL;
    json_t *in = posted_plan(r, rows_t, rows_k, tmap, kmap);
    if (more_t || more_k) { /* the rows as they were, and more */
        in_rows(in, rows_t, rows_k, tmap, kmap);
        int st = plan_form(r, 200, id, in, rows_t + (more_t ? ROWS_MORE : 0), rows_k + (more_k ? ROWS_MORE : 0), NULL, NULL, NULL);
        json_decref(in);
        return st;
    }
    Err e = ERR_INIT;
    int64_t new_id = id;
    int rc = id ? plan_replace(r->db, &r->arena, &r->actor, id, in, &e) : plan_create(r->db, &r->arena, &r->actor, in, &new_id, &e);
    if (!rc) {
        json_decref(in);
        return page_redirect(r, arena_printf(&r->arena, "%s/%lld?done=saved", plan_home(r), (long long)new_id));
    }
    in_rows(in, rows_t, rows_k, tmap, kmap); /* the form again, each row where it was */
    int st = plan_form(r, e.status == 403 ? 403 : 422, id, in, rows_t, rows_k, &e, tmap, kmap);
    json_decref(in);
    err_clear(&e);
    return st;
}

int page_plan_create(Req *r) { return plan_post(r, 0); }

/* The plan of the path as plan_get gives it, if it is the officer's province's; NULL after
** answering 404. */
static json_t *own_plan_record(Req *r, int64_t *id) {
    json_t *v = own_plan(r, id);
    if (!v) return NULL;
    json_decref(v);
    Err e = ERR_INIT;
    json_t *p = plan_get(r->db, *id, &e);
    if (!p) resp_problem(r, &e);
    return p;
}

/* GET /tinh/ke-hoach/{id}/sua: the plan's form, filled. */
int page_plan_edit(Req *r) {
    int64_t id;
    json_t *p = own_plan_record(r, &id);
    if (!p) return r->status;
    int rows_t = (int)json_array_size(json_object_get(p, "targets")) + 2, rows_k = (int)json_array_size(json_object_get(p, "tasks")) + 2;
    int st = plan_form(r, 200, id, p, rows_t > ROWS_MAX ? ROWS_MAX : rows_t, rows_k > ROWS_MAX ? ROWS_MAX : rows_k, NULL, NULL, NULL);
    json_decref(p);
    return st;
}

/* POST /tinh/ke-hoach/{id}/sua */
int page_plan_update(Req *r) {
    int64_t id;
    json_t *v = own_plan(r, &id);
    if (!v) return r->status;
    json_decref(v);
    return plan_post(r, id);
}

/* POST /tinh/ke-hoach/{id}/sao-chep: the same plan for the next period of the same length in
** years (a year's plan: the next year), then its form to adjust. */
int page_plan_copy(Req *r) {
    int64_t id;
    json_t *p = own_plan_record(r, &id);
    if (!p) return r->status;
    Err e = ERR_INIT;
    const char *from = json_string_value(json_object_get(p, "from")), *to = json_string_value(json_object_get(p, "to"));
    int years = atoi(to) - atoi(from) + 1;
    char nfrom[11], nto[11];
    date_add_months(from, 12 * years, nfrom);
    date_add_months(to, 12 * years, nto);
    json_decref(p);
    int64_t copy = 0;
    if (plan_copy(r->db, &r->arena, &r->actor, id, nfrom, nto, &copy, &e)) {
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "%s/%lld/sua", plan_home(r), (long long)copy));
}
