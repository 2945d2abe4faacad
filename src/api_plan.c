/*
** api_plan.c: plans, their targets and tasks, and their progress over the JSON API (plan.h,
** docs/plans.md). Plans are public documents: reading them and their progress needs nothing
** (the values of targets that count dossiers excepted, plan.c); writing needs plans.write where
** the plan lies, which plan.c checks.
*/
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jsonx.h"
#include "param.h"
#include "plan.h"
#include "report.h"
#include "util.h"

/* The plan id of the path, or 0 after answering 404. */
static int64_t plan_id(Req *r) {
    int64_t id;
    if (parse_i64(r->pathv[0], &id) && id > 0) return id;
    resp_error(r, 404, "id", "no plan with id '%s'", r->pathv[0]);
    return 0;
}

/* The problem e as the answer; e's list of problems released. */
static int problem(Req *r, Err *e) {
    int st = resp_problem(r, e);
    err_clear(e);
    return st;
}

/* 201 or 200 with the plan id and its Location, or the problem. */
static int answer(Req *r, int rc, int64_t id, int status, Err *e) {
    json_t *p = rc ? NULL : plan_get(r->db, id, e);
    if (!p) return problem(r, e);
    resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/plans/%lld", (long long)id));
    return resp_json(r, status, p);
}

/* GET /api/v1/plans?unit=&year= */
int api_plans_list(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (plan_list(r->db, req_query(r, "unit"), (int)req_int(r, "year", 0), pg.per_page, pg.offset, &items, &total, &e))
        return problem(r, &e);
    return resp_json(r, 200, paging_json(items, total, &pg));
}

/* POST /api/v1/plans */
int api_plans_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int64_t id = 0;
    int rc = plan_create(r->db, &r->arena, &r->actor, in, &id, &e);
    json_decref(in);
    return answer(r, rc, id, 201, &e);
}

/* GET /api/v1/plans/{id} */
int api_plan_get(Req *r) {
    int64_t id = plan_id(r);
    if (!id) return r->status;
    Err e = ERR_INIT;
    json_t *p = plan_get(r->db, id, &e);
    return p ? resp_json(r, 200, p) : problem(r, &e);
}

/* PUT /api/v1/plans/{id} */
int api_plan_replace(Req *r) {
    int64_t id = plan_id(r);
    if (!id) return r->status;
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int rc = plan_replace(r->db, &r->arena, &r->actor, id, in, &e);
    json_decref(in);
    return answer(r, rc, id, 200, &e);
}

/* DELETE /api/v1/plans/{id} */
int api_plan_delete(Req *r) {
    int64_t id = plan_id(r);
    if (!id) return r->status;
    Err e = ERR_INIT;
    if (plan_delete(r->db, &r->actor, id, &e)) return problem(r, &e);
    return resp_text(r, 204, "text/plain", "", 0);
}

/* POST /api/v1/plans/{id}/copy {from, to} */
int api_plan_copy(Req *r) {
    int64_t id = plan_id(r);
    if (!id) return r->status;
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int64_t copy = 0;
    int rc = plan_copy(r->db, &r->arena, &r->actor, id, json_string_value(json_object_get(in, "from")),
                       json_string_value(json_object_get(in, "to")), &copy, &e);
    json_decref(in);
    return answer(r, rc, copy, 201, &e);
}

/* PATCH /api/v1/plans/{id}/tasks/{task_id} {status?, progress?} */
int api_plan_task(Req *r) {
    int64_t id = plan_id(r), task;
    if (!id) return r->status;
    if (!parse_i64(r->pathv[1], &task) || task <= 0) return resp_error(r, 404, "task_id", "no task '%s'", r->pathv[1]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int rc = plan_task_update(r->db, &r->actor, id, task, in, &e);
    json_decref(in);
    return answer(r, rc, id, 200, &e);
}

/* GET /api/v1/plans/{id}/progress?date= */
int api_plan_progress(Req *r) {
    int64_t id = plan_id(r);
    if (!id) return r->status;
    Err e = ERR_INIT;
    json_t *p = plan_progress(r->db, &r->arena, &r->actor, id, req_query(r, "date"), &e);
    return p ? resp_json(r, 200, p) : problem(r, &e);
}

/* GET /api/v1/reports: the reports and their parameters. */
int api_reports_list(Req *r) {
    json_t *names = json_array();
    for (const char *const *n = REPORT_NAMES; *n; n++) json_array_append_new(names, json_string(*n));
    return resp_json(r, 200, json_pack("{s:o, s:[s, s, s, s]}", "reports", names, "formats", "json", "pdf", "xlsx", "csv"));
}

/* GET /api/v1/reports/{name}?unit=&period=&geography=&format=&plan=&round=&months=&number=&signer=&title=&lang= */
int api_report(Req *r) {
    const char *format = req_query(r, "format");
    int fmt = report_format_parse(format && *format ? format : "json");
    const char *lang = req_query(r, "lang");
    ReportQuery q = {.name = r->pathv[0], .unit = req_query(r, "unit"), .geo = req_query(r, "geography"),
                     .period = req_query(r, "period"), .plan = req_int(r, "plan", 0), .round = req_int(r, "round", 0),
                     .months = (int)req_int(r, "months", 0), .number = req_query(r, "number"), .signer = req_query(r, "signer"),
                     .signer_title = req_query(r, "title"),
                     .lang = lang && *lang ? (str_eq(lang, "en") ? LANG_EN : LANG_VI) : LANG_VI};
    Err e = ERR_INIT;
    json_t *m = report_build(r->db, &r->arena, &r->actor, &q, &e);
    if (!m) return problem(r, &e);
    if (fmt == REPORT_JSON) return resp_json(r, 200, m);
    char *out = NULL;
    size_t n = 0;
    int rc = report_render(m, (ReportFormat)fmt, &out, &n, &e);
    if (rc) {
        json_decref(m);
        return problem(r, &e);
    }
    resp_text(r, 200, report_format_mime((ReportFormat)fmt), out, n);
    free(out);
    resp_header(r, "Content-Disposition",
                arena_printf(&r->arena, "attachment; filename=\"ocop-%s-%s-%s.%s\"", q.name, q.unit && *q.unit ? q.unit : "vn",
                             json_string_value(json_object_get(m, "date")), report_format_ext((ReportFormat)fmt)));
    json_decref(m);
    return 200;
}
