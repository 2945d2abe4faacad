/*
** page_report.c: the reports page of the province's and the Ministry's workspaces (docs/web.md
** "Reports"): /tinh/bao-cao, /xa/bao-cao (a commune's officer: its commune, and the old communes
** it was made of) and /bo/bao-cao. A form (GET: it changes nothing) picks the report,
** the unit (the province on the 2025 map, one of its communes, or, on the pre-2025 map, the
** old provinces that went into it and their districts; the Ministry: the country on either map
** and every province), the period (a year, a month of it, or up to a day) and the format; the
** answer is the file, made by report.c as `ocop report` and GET /api/v1/reports make it. A
** problem comes back as the form with the message beside its field.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "page_work.h"
#include "param.h"
#include "plan.h"
#include "report.h"
#include "unit.h"
#include "util.h"

static const char *my_province(Req *r) {
    const Grant *g = work_grant(r, ROLE_PROVINCE);
    return g ? g->scope : "";
}

static bool national(Req *r) { return str_has_prefix(r->path, "/bo/"); }

/* The commune of a commune officer's page (/xa/bao-cao), else NULL. */
static const char *my_commune(Req *r) {
    if (!str_has_prefix(r->path, "/xa/")) return NULL;
    const Grant *g = work_grant(r, ROLE_COMMUNE);
    return g ? g->scope : "";
}

/* The page's own unit as the form's value: the country, the province or the commune (2025). */
static const char *own_unit(Req *r) {
    return national(r) ? "2025:" : my_commune(r) ? arena_printf(&r->arena, "2025:%s", my_commune(r))
                                                 : arena_printf(&r->arena, "2025:%s", my_province(r));
}

/* The page's path. */
static const char *self_path(Req *r) { return national(r) ? "/bo/bao-cao" : my_commune(r) ? "/xa/bao-cao" : "/tinh/bao-cao"; }

static void option(json_t *group, const char *value, const char *label, const char *chosen) {
    json_array_append_new(group, json_pack("{s:s, s:s, s:b}", "value", value, "label", label, "selected", str_eq(value, chosen)));
}

/* The units the page offers, as option groups [{label, options}]; values are "GEO:CODE". */
static json_t *unit_groups(Req *r, const char *chosen) {
    Arena *a = &r->arena;
    json_t *groups = json_array();
    char today[11];
    date_today(today);
    if (national(r)) {
        json_t *g = json_array(), *p25 = json_array(), *p63 = json_array();
        option(g, "2025:", tr(r->lang, N_("The whole country (34 provinces)")), chosen);
        option(g, "pre2025:", tr(r->lang, N_("The whole country (63 provinces, before 1 July 2025)")), chosen);
        UnitFilter f = {.level = "province", .date = today};
        Unit *u = NULL;
        int n = 0;
        Err e = ERR_INIT;
        if (!unit_find(r->db, a, &f, &u, &n, NULL, &e))
            for (int i = 0; i < n; i++) option(p25, arena_printf(a, "2025:%s", u[i].code), unit_full_name(a, &u[i]), chosen);
        err_clear(&e);
        f.date = UNIT_LAST_OLD_DATE;
        if (!unit_find(r->db, a, &f, &u, &n, NULL, &e))
            for (int i = 0; i < n; i++)
                if (str_eq(u[i].geo, "pre2025")) option(p63, arena_printf(a, "pre2025:%s", u[i].code), unit_full_name(a, &u[i]), chosen);
        err_clear(&e);
        json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("The country")), "options", g));
        json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Provinces (from 1 July 2025)")), "options", p25));
        json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Provinces (before 1 July 2025)")), "options", p63));
        return groups;
    }
    if (my_commune(r)) { /* the commune, and the old communes it was made of */
        json_t *g = json_array(), *old = json_array();
        Unit cu;
        Err e = ERR_INIT;
        const char *code = my_commune(r);
        if (!unit_get(r->db, a, code, today, &cu, &e)) option(g, arena_printf(a, "2025:%s", code), unit_full_name(a, &cu), chosen);
        err_clear(&e);
        Stmt *s = db_prepare(r->db, "SELECT old_code FROM unit_links WHERE level = 'commune' AND new_code = ?1 ORDER BY old_code");
        db_bind_text(s, 1, code);
        while (db_step(s) == DB_ROW) {
            const char *oc = arena_strdup(a, db_col_text(s, 0));
            Unit ou;
            if (unit_get(r->db, a, oc, UNIT_LAST_OLD_DATE, &ou, &e)) {
                err_clear(&e);
                continue;
            }
            option(old, arena_printf(a, "pre2025:%s", oc), unit_full_name(a, &ou), chosen);
        }
        db_done(s);
        json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("The commune")), "options", g));
        json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Communes before 1 July 2025")), "options", old));
        return groups;
    }
    const char *prov = my_province(r);
    Unit pu;
    Err e = ERR_INIT;
    json_t *g = json_array(), *communes = json_array(), *old = json_array(), *districts = json_array();
    if (!unit_get(r->db, a, prov, today, &pu, &e)) option(g, arena_printf(a, "2025:%s", prov), unit_full_name(a, &pu), chosen);
    err_clear(&e);
    Unit *u = NULL;
    int n = 0;
    UnitFilter f = {.level = "commune", .date = today, .parent = prov};
    if (!unit_find(r->db, a, &f, &u, &n, NULL, &e))
        for (int i = 0; i < n; i++) option(communes, arena_printf(a, "2025:%s", u[i].code), unit_full_name(a, &u[i]), chosen);
    err_clear(&e);
    /* the old provinces that went into it, and their districts */
    Stmt *s = db_prepare(r->db, "SELECT old_code FROM unit_links WHERE level = 'province' AND new_code = ?1 ORDER BY old_code");
    db_bind_text(s, 1, prov);
    while (db_step(s) == DB_ROW) {
        const char *code = arena_strdup(a, db_col_text(s, 0));
        Unit ou;
        if (unit_get(r->db, a, code, UNIT_LAST_OLD_DATE, &ou, &e)) {
            err_clear(&e);
            continue;
        }
        option(old, arena_printf(a, "pre2025:%s", code), unit_full_name(a, &ou), chosen);
        UnitFilter fd = {.level = "district", .date = UNIT_LAST_OLD_DATE, .parent = code};
        Unit *d = NULL;
        int nd = 0;
        if (!unit_find(r->db, a, &fd, &d, &nd, NULL, &e))
            for (int i = 0; i < nd; i++)
                option(districts, arena_printf(a, "pre2025:%s", d[i].code),
                       arena_printf(a, "%s (%s)", unit_full_name(a, &d[i]), unit_full_name(a, &ou)), chosen);
        err_clear(&e);
    }
    db_done(s);
    json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("The province")), "options", g));
    json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Commune-level units (from 1 July 2025)")), "options", communes));
    json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Provinces before 1 July 2025")), "options", old));
    json_array_append_new(groups, json_pack("{s:s, s:o}", "label", tr(r->lang, N_("Districts before 1 July 2025")), "options", districts));
    return groups;
}

/* Whether value ("GEO:CODE") is one of the page's units. */
static bool offered(json_t *groups, const char *value) {
    size_t i, j;
    json_t *g, *o;
    json_array_foreach(groups, i, g) json_array_foreach(json_object_get(g, "options"), j, o)
        if (str_eq(json_string_value(json_object_get(o, "value")), value)) return true;
    return false;
}

static const char *const NAMES[] = {"summary", "products", "due", "progress", "round"};
static const char *const LABELS[] = {
    N_("The programme's results (figures, by unit, communes covered, product groups)"),
    N_("The list of OCOP products in force"),
    N_("Products due for re-evaluation (certificates ending within 6 months)"),
    N_("The progress of the plans"),
    N_("The results of an evaluation round"),
};

/* The form, with e's problem beside its field (status 200, or e's). */
static int form(Req *r, json_t *groups, const Err *e) {
    const char *chosen = req_query(r, "report");
    json_t *reports = json_array();
    for (size_t i = 0; i < COUNT(NAMES); i++)
        json_array_append_new(reports, json_pack("{s:s, s:s, s:b}", "value", NAMES[i], "label", tr(r->lang, LABELS[i]), "selected",
                                                 str_eq(NAMES[i], chosen ? chosen : "summary")));
    char today[11];
    date_today(today);
    int year = (int)req_int(r, "year", atoi(today)), month = (int)req_int(r, "month", 0);
    json_t *years = json_array(), *months = json_array();
    for (int y = atoi(today); y >= 2016; y--)
        json_array_append_new(years, json_pack("{s:i, s:b}", "value", y, "selected", y == year));
    json_array_append_new(months, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(r->lang, N_("The whole year")), "selected", month == 0));
    for (int m = 1; m <= 12; m++)
        json_array_append_new(months, json_pack("{s:i, s:s, s:b}", "value", m, "label", arena_printf(&r->arena, tr(r->lang, N_("Month %d")), m),
                                                "selected", m == month));
    /* the rounds: the province's, or the Ministry's */
    json_t *rounds = json_array();
    Stmt *s = db_prepare(r->db, "SELECT id, year, number, name FROM rounds WHERE province_code = ?1 ORDER BY year DESC, number DESC LIMIT 50");
    db_bind_text(s, 1, national(r) ? "bo" : my_commune(r) ? "-" : my_province(r)); /* a commune has no rounds */
    while (db_step(s) == DB_ROW)
        json_array_append_new(rounds, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)db_col_int(s, 0), "label",
                                                arena_printf(&r->arena, tr(r->lang, N_("Round %d of %d: %s")), (int)db_col_int(s, 2),
                                                             (int)db_col_int(s, 1), db_col_text(s, 3)),
                                                "selected", db_col_int(s, 0) == req_int(r, "round", 0)));
    db_done(s);
    /* the plans of the unit */
    json_t *plans = json_array(), *items = NULL, *p;
    int64_t total = 0;
    Err pe = ERR_INIT;
    json_array_append_new(plans, json_pack("{s:s, s:s, s:b}", "value", "", "label", tr(r->lang, N_("Every plan of the period")), "selected",
                                           req_int(r, "plan", 0) == 0));
    if (!plan_list(r->db, national(r) ? "" : my_commune(r) ? my_commune(r) : my_province(r), 0, 100, 0, &items, &total, &pe)) {
        size_t i;
        json_array_foreach(items, i, p)
            json_array_append_new(plans, json_pack("{s:O, s:O, s:b}", "value", json_object_get(p, "id"), "label", json_object_get(p, "title"),
                                                   "selected", json_integer_value(json_object_get(p, "id")) == req_int(r, "plan", 0)));
    }
    json_decref(items);
    err_clear(&pe);
    json_t *view = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:b}", "reports", reports, "units", groups, "years", years,
                             "months", months, "rounds", rounds, "plans", plans, "until", req_query(r, "until") ? req_query(r, "until") : "",
                             "number", req_query(r, "number") ? req_query(r, "number") : "", "signer",
                             req_query(r, "signer") ? req_query(r, "signer") : "", "self", self_path(r),
                             "national", national(r));
    if (e && e->status) {
        char buf[600];
        json_object_set_new(view, "problem", json_string(err_text(e, r->lang, buf, sizeof buf)));
        json_object_set_new(view, "problem_field", json_string(e->field));
    }
    return work_render(r, e && e->status ? e->status : 200, "reports", view);
}

/* GET /tinh/bao-cao and /bo/bao-cao: the form; with format, the report as a file. */
int page_reports(Req *r) {
    json_t *groups = unit_groups(r, req_query(r, "unit") ? req_query(r, "unit") : "");
    const char *format = req_query(r, "format");
    if (!format || !*format) return form(r, groups, NULL);
    Err e = ERR_INIT;
    const char *unit = req_query(r, "unit");
    if (!unit || !*unit) unit = own_unit(r);
    if (!offered(groups, unit)) {
        err_set(&e, 422, "unit", "%s is not one of the units this page reports on", unit);
        return form(r, groups, &e);
    }
    const char *colon = strchr(unit, ':');
    /* the period: up to a day, a month, or the year */
    char today[11];
    date_today(today);
    int year = (int)req_int(r, "year", atoi(today)), month = (int)req_int(r, "month", 0);
    const char *until = req_query(r, "until"), *period;
    if (until && *until) {
        if (!date_valid(until)) {
            err_set(&e, 422, "until", "%s must be a date YYYY-MM-DD", "until");
            return form(r, groups, &e);
        }
        period = until;
    } else if (month) period = arena_printf(&r->arena, "%04d-%02d", year, month);
    else period = arena_printf(&r->arena, "%04d", year);
    ReportQuery q = {.name = req_query(r, "report") ? req_query(r, "report") : "summary",
                     .unit = arena_strdup(&r->arena, colon + 1), .geo = arena_strndup(&r->arena, unit, (size_t)(colon - unit)),
                     .period = period, .plan = req_int(r, "plan", 0), .round = req_int(r, "round", 0),
                     .number = req_query(r, "number"), .signer = req_query(r, "signer"), .lang = r->lang};
    json_t *m = report_build(r->db, &r->arena, &r->actor, &q, &e);
    char *out = NULL;
    size_t n = 0;
    int fmt = report_format_parse(format);
    if (!m || report_render(m, (ReportFormat)fmt, &out, &n, &e)) {
        json_decref(m);
        int st = form(r, groups, &e);
        err_clear(&e);
        return st;
    }
    json_decref(groups);
    resp_text(r, 200, report_format_mime((ReportFormat)fmt), out, n);
    free(out);
    resp_header(r, "Content-Disposition",
                arena_printf(&r->arena, "attachment; filename=\"bao-cao-%s-%s-%s.%s\"", q.name, *q.unit ? q.unit : "vn",
                             json_string_value(json_object_get(m, "date")), report_format_ext((ReportFormat)fmt)));
    json_decref(m);
    return 200;
}
