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

#include "indicator.h"
#include "page.h"
#include "page_record.h"
#include "page_stats.h"
#include "page_work.h"
#include "plan.h"
#include "svg.h"
#include "util.h"

/* The province of the officer (its province grant). */
static const char *my_province(Req *r) {
    const Grant *g = work_grant(r, ROLE_PROVINCE);
    return g ? g->scope : "";
}

/* code's value for the province on day (rows: its communes' rows, when not NULL). */
static IndValue value(Req *r, const char *code, const char *day, const char *from, json_t **rows) {
    IndQuery q = {my_province(r), "2025", day, from};
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

/* "≥ 8", "40–50", "≤ 5" (with % for a percentage). */
static const char *target_text(Req *r, json_t *t, bool percent) {
    json_t *mn = json_object_get(t, "min"), *mx = json_object_get(t, "max");
    const char *pct = percent ? "%" : "";
    char a[48], b[48];
    if (json_is_number(mn) && json_is_number(mx))
        return arena_printf(&r->arena, "%s–%s%s", lang_num(r->lang, json_number_value(mn), 0, a, sizeof a),
                            lang_num(r->lang, json_number_value(mx), 0, b, sizeof b), pct);
    if (json_is_number(mn)) return arena_printf(&r->arena, "≥ %s%s", lang_num(r->lang, json_number_value(mn), 0, a, sizeof a), pct);
    return arena_printf(&r->arena, "≤ %s%s", lang_num(r->lang, json_number_value(mx), 0, a, sizeof a), pct);
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
        json_object_set_new(o, "meter", json_pack("{s:f, s:f}", "value", json_number_value(v) > max ? max : json_number_value(v),
                                                  "max", max));
    }
    if (json_is_number(json_object_get(t, "expected")))
        json_object_set_new(o, "expected", json_string(num(r, json_number_value(json_object_get(t, "expected")), percent)));
    if (json_object_get(t, "units")) { /* the sub-units that met it, out of all */
        json_object_set_new(o, "meter", json_pack("{s:I, s:I}", "value", (json_int_t)json_integer_value(json_object_get(t, "met")),
                                                  "max", (json_int_t)(json_integer_value(json_object_get(t, "of")) > 0
                                                                          ? json_integer_value(json_object_get(t, "of")) : 1)));
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

/* GET /tinh/tien-do?sort=name|products|stars4 */
int page_progress(Req *r) {
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
    }
    /* the province's plans whose period holds today */
    json_t *plans = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    json_t *views = json_array(), *p;
    if (!plan_list(r->db, my_province(r), atoi(today), 20, 0, &plans, &total, &e)) {
        json_array_foreach(plans, i, p) {
            json_t *v = plan_view(r, json_integer_value(json_object_get(p, "id")), NULL);
            if (v) json_array_append_new(views, v);
        }
    }
    json_decref(plans);
    err_clear(&e);
    json_t *view = json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}", "date", page_dmy(today, d), "head", head, "charts", charts,
                             "communes", rows, "plans", views, "has_plans", json_array_size(views) > 0);
    json_object_set_new(view, "is_sort", page_is(sort ? sort : "name"));
    return work_render(r, 200, "progress", view);
}

/* The plan of the path, if it is the officer's province's; NULL after answering 404. */
static json_t *own_plan(Req *r, int64_t *id) {
    json_t *v = parse_i64(r->pathv[0], id) && *id > 0 ? plan_view(r, *id, NULL) : NULL;
    if (v && str_eq(json_string_value(json_object_get(v, "province_code")), my_province(r))) return v;
    json_decref(v);
    resp_error(r, 404, "id", "no plan with id '%s'", r->pathv[0]);
    return NULL;
}

/* GET /tinh/ke-hoach/{id} */
int page_plan(Req *r) {
    int64_t id;
    json_t *v = own_plan(r, &id);
    if (!v) return r->status;
    if (str_eq(req_query(r, "done"), "task")) json_object_set_new(v, "notice", json_string(tr(r->lang, N_("The task is saved."))));
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
    return page_redirect(r, arena_printf(&r->arena, "/tinh/ke-hoach/%lld?done=task", (long long)id));
}
