/*
** plan.c: plans, targets and tasks, and their progress (plan.h, docs/plans.md).
**
** A plan is written whole: plan_check reads and checks every field of the input, keeping
** every problem (e->errors, each naming its field: "targets[2].min"), and only a plan without
** any is written, in one transaction with its audit entry. Progress asks indicator.c for each
** target's value over the plan's period (a flow) or on the day (a stock).
*/
#include "plan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "indicator.h"
#include "unit.h"
#include "util.h"

enum { MAX_TARGETS = 100, MAX_TASKS = 200 };

typedef struct Target {
    const char *indicator, *each, *label;
    bool has_min, has_max;
    double min, max;
} Target;

typedef struct Task {
    const char *title, *agency, *due_on, *status, *progress;
} Task;

typedef struct PlanIn {
    const char *unit, *geo, *from, *to, *title, *doc_no, *doc_date, *doc_issuer, *note;
    char province[8]; /* the 2025 province it lies in; "" for the country */
    Unit u;           /* level "country" for the whole country */
    int ntargets, ntasks;
    Target targets[MAX_TARGETS];
    Task tasks[MAX_TASKS];
} PlanIn;

/* The field at path ("targets[2].min") as a person reads it in Vietnamese, into out. */
static const char *field_label_vi(const char *path, char *out, size_t n) {
    static const struct {
        const char *key, *label;
    } top[] = {{"unit", "Địa bàn"}, {"geography", "Địa giới"}, {"from", "Từ ngày"}, {"to", "Đến ngày"},
               {"title", "Tên kế hoạch"}, {"note", "Ghi chú"}, {"document", "Văn bản"}, {"document.no", "Số văn bản"},
               {"document.date", "Ngày văn bản"}, {"document.issuer", "Cơ quan ban hành"}, {"targets", "Các chỉ tiêu"},
               {"tasks", "Các nhiệm vụ"}},
      item[] = {{"indicator", "Chỉ tiêu"}, {"min", "Mức tối thiểu"}, {"max", "Mức tối đa"}, {"each", "Áp dụng cho"},
                {"label", "Diễn giải"}, {"title", "Tên nhiệm vụ"}, {"agency", "Cơ quan chủ trì"}, {"due_on", "Thời hạn"},
                {"status", "Trạng thái"}, {"progress", "Ghi chú tiến độ"}};
    for (size_t i = 0; i < COUNT(top); i++)
        if (str_eq(path, top[i].key)) return snprintf(out, n, "%s", top[i].label), out;
    char list[16], key[32];
    int k;
    if (sscanf(path, "%15[a-z][%d].%31s", list, &k, key) == 3)
        for (size_t i = 0; i < COUNT(item); i++)
            if (str_eq(key, item[i].key))
                return snprintf(out, n, "%s", item[i].label), out; /* the form shows it in its row */
    return snprintf(out, n, "%s", path), out;
}

/* Note a problem of field (a path: "targets[2].min") in e: in e->errors as {field, reason
** (English), text_vi (the field by its label)}, and the first as e's message. */
static void bad(Err *e, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void bad(Err *e, const char *field, const char *fmt, ...) {
    Err one = ERR_INIT;
    va_list ap;
    va_start(ap, fmt);
    err_vset(&one, 422, field, fmt, ap);
    va_end(ap);
    char label[96], vi[600];
    one.field_vi = field_label_vi(field, label, sizeof label);
    if (!e->errors) e->errors = json_array();
    json_array_append_new(e->errors, json_pack("{s:s, s:s, s:s}", "field", field, "reason", one.detail, "text_vi",
                                               err_text(&one, LANG_VI, vi, sizeof vi)));
    one.field_vi = NULL; /* label lives on this stack */
    if (!e->detail[0]) {
        json_t *errors = e->errors;
        *e = one;
        e->errors = errors;
    }
}

/* The text of o[k], or NULL; a problem when it is there but not a text of 1..max bytes
** (required: absent is one too). */
static const char *text(json_t *o, const char *k, const char *field, int max, bool required, Err *e) {
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) {
        if (required) bad(e, field, "%s is required", field);
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > (size_t)max) {
        bad(e, field, "%s must be a text of 1 to %d bytes", field, max);
        return NULL;
    }
    return s;
}

static const char *date_of(json_t *o, const char *k, const char *field, bool required, Err *e) {
    const char *s = text(o, k, field, 10, required, e);
    if (s && !date_valid(s)) {
        bad(e, field, "%s must be a date YYYY-MM-DD", field);
        return NULL;
    }
    return s;
}

/* The levels under u on its map that a target may be set for, each: a problem otherwise. */
static bool level_under(const PlanIn *p, const char *each) {
    bool old = str_eq(p->geo, "pre2025");
    if (str_eq(p->u.level, "country")) return str_eq(each, "province") || str_eq(each, "commune") || (old && str_eq(each, "district"));
    if (str_eq(p->u.level, "province")) return str_eq(each, "commune") || (old && str_eq(each, "district"));
    if (str_eq(p->u.level, "district")) return str_eq(each, "commune");
    return false;
}

/* The unit, its map and the province it lies in. */
static void check_unit(Db *db, Arena *a, json_t *in, PlanIn *p, Err *e) {
    p->geo = text(in, "geography", "geography", 8, false, e);
    if (p->geo && !str_eq(p->geo, "2025") && !str_eq(p->geo, "pre2025")) {
        bad(e, "geography", "%s must be 2025 or pre2025", "geography");
        p->geo = NULL;
    }
    if (!p->from || !p->to) return;
    if (!p->geo) p->geo = strcmp(p->from, UNIT_REORG_DATE) < 0 ? "pre2025" : "2025";
    bool old = str_eq(p->geo, "pre2025");
    if (old && strcmp(p->from, UNIT_LAST_OLD_DATE) > 0) {
        bad(e, "geography", "the pre-2025 map ended on %s: a plan from %s is set on the 2025 map", UNIT_LAST_OLD_DATE, p->from);
        return;
    }
    if (!old && strcmp(p->to, UNIT_REORG_DATE) < 0) {
        bad(e, "geography", "the 2025 map began on %s: a plan that ends on %s is set on the pre-2025 map", UNIT_REORG_DATE, p->to);
        return;
    }
    const char *day = old || strcmp(p->from, UNIT_REORG_DATE) >= 0 ? p->from : UNIT_REORG_DATE;
    if (!p->unit || !*p->unit) {
        p->unit = "";
        p->u = (Unit){.geo = p->geo, .level = "country", .code = "", .name = "Việt Nam"};
        return;
    }
    Err ue = ERR_INIT;
    if (unit_get(db, a, p->unit, day, &p->u, &ue) || !str_eq(p->u.geo, p->geo)) {
        if (old) bad(e, "unit", "no administrative unit with code %s on the pre-2025 map on %s, the plan's first day", p->unit, day);
        else bad(e, "unit", "no administrative unit with code %s on the 2025 map on %s, the plan's first day", p->unit, day);
        p->unit = NULL;
        return;
    }
    Unit prov;
    if (unit_province(db, a, p->unit, day, &prov, &ue)) return;
    if (!old) {
        snprintf(p->province, sizeof p->province, "%s", prov.code);
        return;
    }
    UnitLink *links;
    int n = 0;
    if (!unit_successors(db, a, prov.code, NULL, &links, &n, &ue) && n > 0)
        snprintf(p->province, sizeof p->province, "%s", links[0].new_code);
}

static bool number(json_t *v, double *out) {
    if (!json_is_number(v)) return false;
    *out = json_number_value(v);
    return isfinite(*out);
}

/* The list in[key] (NULL when absent), or NULL after noting that it is not a list of at most
** max items. */
static json_t *list_of(json_t *in, const char *key, int max, Err *e) {
    json_t *arr = json_object_get(in, key);
    if (!arr || json_is_null(arr)) return NULL;
    if (!json_is_array(arr)) bad(e, key, "%s must be a list", key);
    else if (json_array_size(arr) > (size_t)max) bad(e, key, "%s holds at most %d items", key, max);
    else return arr;
    return NULL;
}

static bool task_status(const char *s) {
    return str_eq(s, "todo") || str_eq(s, "doing") || str_eq(s, "done") || str_eq(s, "dropped");
}

static void check_targets(json_t *in, PlanIn *p, Err *e) {
    json_t *arr = list_of(in, "targets", MAX_TARGETS, e), *t;
    size_t k;
    json_array_foreach(arr, k, t) {
        Target *g = &p->targets[p->ntargets++];
        char f[64];
        snprintf(f, sizeof f, "targets[%zu].indicator", k);
        g->indicator = text(t, "indicator", f, 64, true, e);
        const json_t *ind = g->indicator ? indicator_find(g->indicator) : NULL;
        if (g->indicator && !ind) bad(e, f, "no indicator called '%s' (GET /api/v1/indicators lists them)", g->indicator);
        bool pct = ind && str_eq(json_string_value(json_object_get(ind, "unit")), "percent");
        if (ind && p->geo && str_eq(p->geo, "2025") &&
            (str_eq(json_string_value(json_object_get(json_object_get(ind, "numerator"), "measure")), "districts")))
            bad(e, f, "%s counts districts, which exist on the pre-2025 map only", g->indicator);
        const char *keys[2] = {"min", "max"};
        for (int m = 0; m < 2; m++) {
            json_t *v = json_object_get(t, keys[m]);
            snprintf(f, sizeof f, "targets[%zu].%s", k, keys[m]);
            double x = 0;
            if (!v || json_is_null(v)) continue;
            if (!number(v, &x)) bad(e, f, "%s must be a number", f);
            else if (x < 0) bad(e, f, "%s must not be negative (got %g)", f, x);
            else if (pct && x > 100) bad(e, f, "%s is a percentage: at most 100 (got %g)", f, x);
            else if (m == 0) g->has_min = true, g->min = x;
            else g->has_max = true, g->max = x;
        }
        snprintf(f, sizeof f, "targets[%zu].min", k);
        if (!json_object_get(t, "min") && !json_object_get(t, "max"))
            bad(e, f, "set a minimum, a range (min and max) or a maximum for %s", g->indicator ? g->indicator : "the target");
        snprintf(f, sizeof f, "targets[%zu].max", k);
        if (g->has_min && g->has_max && g->min > g->max)
            bad(e, f, "the range is upside down: the maximum %g is below the minimum %g", g->max, g->min);
        snprintf(f, sizeof f, "targets[%zu].each", k);
        g->each = text(t, "each", f, 16, false, e);
        if (g->each && !str_eq(g->each, "province") && !str_eq(g->each, "district") && !str_eq(g->each, "commune")) {
            bad(e, f, "%s must be province, district or commune", f);
            g->each = NULL;
        } else if (g->each && p->u.level && !level_under(p, g->each)) {
            if (str_eq(p->u.level, "commune")) bad(e, f, "%s is a commune-level unit: it has no units under it", p->u.name);
            else if (str_eq(g->each, "district") && str_eq(p->geo, "2025"))
                bad(e, f, "there are no districts on the 2025 map: set the target for each commune");
            else if (str_eq(g->each, "district")) bad(e, f, "%s has no districts under it", p->u.name);
            else bad(e, f, "%s has no provinces under it", p->u.name);
            g->each = NULL;
        }
        snprintf(f, sizeof f, "targets[%zu].label", k);
        g->label = text(t, "label", f, 500, false, e);
    }
}

static void check_tasks(json_t *in, PlanIn *p, Err *e) {
    json_t *arr = list_of(in, "tasks", MAX_TASKS, e), *t;
    size_t k;
    json_array_foreach(arr, k, t) {
        Task *g = &p->tasks[p->ntasks++];
        char f[64];
        snprintf(f, sizeof f, "tasks[%zu].title", k);
        g->title = text(t, "title", f, 500, true, e);
        snprintf(f, sizeof f, "tasks[%zu].agency", k);
        g->agency = text(t, "agency", f, 300, false, e);
        snprintf(f, sizeof f, "tasks[%zu].due_on", k);
        g->due_on = date_of(t, "due_on", f, false, e);
        snprintf(f, sizeof f, "tasks[%zu].status", k);
        g->status = text(t, "status", f, 16, false, e);
        if (g->status && !task_status(g->status)) bad(e, f, "%s must be todo, doing, done or dropped", f);
        snprintf(f, sizeof f, "tasks[%zu].progress", k);
        g->progress = text(t, "progress", f, 2000, false, e);
    }
}

/* Read and check in into p: 0, or -1 with every problem in e (422). */
static int plan_check(Db *db, Arena *a, json_t *in, PlanIn *p, Err *e) {
    memset(p, 0, sizeof *p);
    e->detail[0] = 0;
    if (!json_is_object(in)) return err_set(e, 400, "", "the body must be a JSON object");
    json_t *u = json_object_get(in, "unit");
    if (u && !json_is_null(u) && !json_is_string(u)) bad(e, "unit", "%s must be a unit code (\"\" for the country)", "unit");
    p->unit = json_string_value(u);
    if (p->unit && *p->unit && !unit_code_valid(p->unit)) {
        bad(e, "unit", "%s must be a unit code of 2, 3 or 5 digits (\"\" for the country)", "unit");
        p->unit = NULL;
    }
    p->from = date_of(in, "from", "from", true, e);
    p->to = date_of(in, "to", "to", true, e);
    if (p->from && p->to && strcmp(p->from, p->to) > 0) {
        bad(e, "to", "the period ends (%s) before it starts (%s)", p->to, p->from);
        p->to = NULL;
    }
    p->title = text(in, "title", "title", 300, true, e);
    p->note = text(in, "note", "note", 4000, false, e);
    json_t *doc = json_object_get(in, "document");
    if (doc && !json_is_null(doc) && !json_is_object(doc)) bad(e, "document", "%s must be {no, date, issuer}", "document");
    else if (doc) {
        p->doc_no = text(doc, "no", "document.no", 100, false, e);
        p->doc_date = date_of(doc, "date", "document.date", false, e);
        p->doc_issuer = text(doc, "issuer", "document.issuer", 300, false, e);
    }
    if (json_object_get(in, "unit") || !e->detail[0]) check_unit(db, a, in, p, e);
    check_targets(in, p, e);
    check_tasks(in, p, e);
    return e->detail[0] ? (e->status = 422, -1) : 0;
}

/* May who write a plan of p's place? 0, or -1 with a 403. */
static int may_write(const Actor *who, const char *province, bool country, Err *e) {
    if (actor_require(who, e)) return -1;
    Place pl = {0};
    snprintf(pl.province, sizeof pl.province, "%s", province);
    pl.ministry = country;
    if (actor_covers(who, PERM_PLANS_WRITE, &pl)) return 0;
    return country ? err_set(e, 403, "unit", "the country's plans are the Ministry's: your roles may not write them")
                   : err_set(e, 403, "unit", "this plan lies in province %s, outside your scope", province);
}

static void bind_or_null(Stmt *s, int i, const char *v) { db_bind_text(s, i, v && *v ? v : NULL); }

/* Write p's targets and tasks under plan id. */
static int write_items(Db *db, int64_t id, const PlanIn *p, Err *e) {
    char ts[32];
    ts_now(ts);
    for (int k = 0; k < p->ntargets; k++) {
        const Target *g = &p->targets[k];
        Stmt *s = db_prepare(db, "INSERT INTO plan_targets (plan_id, position, indicator, each, min_value, max_value, label) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, k + 1);
        db_bind_text(s, 3, g->indicator);
        db_bind_text(s, 4, g->each);
        if (g->has_min) db_bind_double(s, 5, g->min);
        else db_bind_null(s, 5);
        if (g->has_max) db_bind_double(s, 6, g->max);
        else db_bind_null(s, 6);
        db_bind_text(s, 7, g->label);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot record the plan's targets: %s", db_errmsg(db));
    }
    for (int k = 0; k < p->ntasks; k++) {
        const Task *t = &p->tasks[k];
        Stmt *s = db_prepare(db, "INSERT INTO plan_tasks (plan_id, position, title, agency, due_on, status, progress, updated_at) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, k + 1);
        db_bind_text(s, 3, t->title);
        db_bind_text(s, 4, t->agency);
        db_bind_text(s, 5, t->due_on);
        db_bind_text(s, 6, t->status ? t->status : "todo");
        db_bind_text(s, 7, t->progress);
        db_bind_text(s, 8, ts);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot record the plan's tasks: %s", db_errmsg(db));
    }
    return 0;
}

/* The province and whether a plan is the country's, as stored (404 when there is none). */
static int stored_place(Db *db, int64_t id, char province[8], bool *country, Err *e) {
    Stmt *s = db_prepare(db, "SELECT province_code, unit_code FROM plans WHERE id = ?");
    db_bind_int(s, 1, id);
    bool found = db_step(s) == DB_ROW;
    if (found) {
        snprintf(province, 8, "%s", db_col_text(s, 0));
        *country = !*db_col_text(s, 1);
    }
    db_done(s);
    return found ? 0 : err_set(e, 404, "id", "no plan with id %lld", (long long)id);
}

/* Write p as plan *id (0: a new one). */
static int write_plan(Db *db, const Actor *who, const PlanIn *p, int64_t *id, int64_t copied_from, Err *e) {
    char ts[32];
    ts_now(ts);
    json_t *before = *id ? plan_get(db, *id, e) : NULL;
    if (*id && !before) return -1;
    if (db_begin(db, e)) {
        json_decref(before);
        return -1;
    }
    Stmt *s;
    if (*id) {
        s = db_prepare(db, "UPDATE plans SET unit_code = ?1, geo = ?2, province_code = ?3, period_from = ?4, period_to = ?5, "
                           "title = ?6, doc_no = ?7, doc_date = ?8, doc_issuer = ?9, note = ?10, updated_at = ?11 WHERE id = ?12");
        db_bind_int(s, 12, *id);
    } else {
        s = db_prepare(db, "INSERT INTO plans (unit_code, geo, province_code, period_from, period_to, title, doc_no, doc_date, "
                           "doc_issuer, note, updated_at, copied_from, created_by, created_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?11) RETURNING id");
        if (copied_from) db_bind_int(s, 12, copied_from);
        else db_bind_null(s, 12);
        db_bind_text(s, 13, who->username);
    }
    db_bind_text(s, 1, p->unit);
    db_bind_text(s, 2, p->geo);
    db_bind_text(s, 3, p->province);
    db_bind_text(s, 4, p->from);
    db_bind_text(s, 5, p->to);
    db_bind_text(s, 6, p->title);
    bind_or_null(s, 7, p->doc_no);
    bind_or_null(s, 8, p->doc_date);
    bind_or_null(s, 9, p->doc_issuer);
    bind_or_null(s, 10, p->note);
    db_bind_text(s, 11, ts);
    int step = db_step(s), rc = 0;
    if (!*id && step == DB_ROW) *id = db_col_int(s, 0);
    else if (*id ? step != DB_DONE : step != DB_ROW) rc = err_set(e, 500, "", "cannot record the plan: %s", db_errmsg(db));
    db_done(s);
    if (!rc && before) {
        s = db_prepare(db, "DELETE FROM plan_targets WHERE plan_id = ?");
        db_bind_int(s, 1, *id);
        db_step(s);
        db_done(s);
        s = db_prepare(db, "DELETE FROM plan_tasks WHERE plan_id = ?");
        db_bind_int(s, 1, *id);
        db_step(s);
        db_done(s);
    }
    if (!rc) rc = write_items(db, *id, p, e);
    json_t *after = rc ? NULL : plan_get(db, *id, e);
    if (!rc && !after) rc = -1;
    if (!rc) rc = audit_append_json(db, who, before ? "update" : "create", "plans", *id, p->province[0] ? p->province : NULL,
                                    before, after, e);
    json_decref(before);
    json_decref(after);
    if (!rc) rc = db_commit(db, e);
    if (rc) {
        db_fault(db, e);
        db_rollback(db);
    }
    return rc;
}

int plan_create(Db *db, Arena *a, const Actor *who, json_t *in, int64_t *id, Err *e) {
    PlanIn *p = arena_alloc(a, sizeof *p);
    *id = 0;
    if (actor_require(who, e) || plan_check(db, a, in, p, e) || may_write(who, p->province, !*p->unit, e)) return -1;
    return write_plan(db, who, p, id, 0, e);
}

int plan_replace(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, Err *e) {
    char province[8];
    bool country;
    if (actor_require(who, e) || stored_place(db, id, province, &country, e) || may_write(who, province, country, e))
        return -1;
    PlanIn *p = arena_alloc(a, sizeof *p);
    if (plan_check(db, a, in, p, e) || may_write(who, p->province, !*p->unit, e)) return -1;
    return write_plan(db, who, p, &id, 0, e);
}

int plan_delete(Db *db, const Actor *who, int64_t id, Err *e) {
    char province[8];
    bool country;
    if (actor_require(who, e) || stored_place(db, id, province, &country, e) || may_write(who, province, country, e))
        return -1;
    json_t *before = plan_get(db, id, e);
    if (!before || db_begin(db, e)) {
        json_decref(before);
        return -1;
    }
    Stmt *s = db_prepare(db, "DELETE FROM plans WHERE id = ?");
    db_bind_int(s, 1, id);
    int rc = db_step(s) == DB_DONE ? 0 : err_set(e, 500, "", "cannot delete the plan: %s", db_errmsg(db));
    db_done(s);
    if (!rc) rc = audit_append_json(db, who, "delete", "plans", id, province[0] ? province : NULL, before, NULL, e);
    json_decref(before);
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------------ */

static json_t *str_or_null(Stmt *s, int i) { return db_col_null(s, i) ? json_null() : json_string(db_col_text(s, i)); }

#define PLAN_COLS "id, unit_code, geo, province_code, period_from, period_to, title, doc_no, doc_date, doc_issuer, note, " \
                  "copied_from, created_by, created_at, updated_at"

static json_t *plan_row(Db *db, Stmt *s) {
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "unit", db_col_text(s, 1),
                          "geography", db_col_text(s, 2), "province_code", db_col_text(s, 3), "from", db_col_text(s, 4), "to",
                          db_col_text(s, 5), "title", db_col_text(s, 6));
    json_object_set_new(o, "document", json_pack("{s:o, s:o, s:o}", "no", str_or_null(s, 7), "date", str_or_null(s, 8),
                                                 "issuer", str_or_null(s, 9)));
    json_object_set_new(o, "note", str_or_null(s, 10));
    json_object_set_new(o, "copied_from", db_col_null(s, 11) ? json_null() : json_integer(db_col_int(s, 11)));
    json_object_set_new(o, "created_by", str_or_null(s, 12));
    json_object_set_new(o, "created_at", json_string(db_col_text(s, 13)));
    json_object_set_new(o, "updated_at", json_string(db_col_text(s, 14)));
    /* the unit's name as it stood when the plan began */
    const char *code = db_col_text(s, 1);
    if (*code) {
        Arena a = {0};
        Unit u;
        Err e = ERR_INIT;
        const char *from = db_col_text(s, 4), *geo = db_col_text(s, 2);
        const char *day = str_eq(geo, "2025") && strcmp(from, UNIT_REORG_DATE) < 0 ? UNIT_REORG_DATE : from;
        json_object_set_new(o, "unit_name", unit_get(db, &a, code, day, &u, &e) ? json_null() : json_string(unit_full_name(&a, &u)));
        arena_free(&a);
    } else {
        json_object_set_new(o, "unit_name", json_string("Việt Nam"));
    }
    return o;
}

json_t *plan_get(Db *db, int64_t id, Err *e) {
    Stmt *s = db_prepare(db, "SELECT " PLAN_COLS " FROM plans WHERE id = ?");
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? plan_row(db, s) : NULL;
    db_done(s);
    if (!o) return err_set(e, 404, "id", "no plan with id %lld", (long long)id), NULL;
    json_t *targets = json_array(), *tasks = json_array();
    s = db_prepare(db, "SELECT id, indicator, each, min_value, max_value, label FROM plan_targets WHERE plan_id = ? ORDER BY position");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        json_t *t = json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "indicator", db_col_text(s, 1));
        json_object_set_new(t, "each", str_or_null(s, 2));
        json_object_set_new(t, "min", db_col_null(s, 3) ? json_null() : json_real(db_col_double(s, 3)));
        json_object_set_new(t, "max", db_col_null(s, 4) ? json_null() : json_real(db_col_double(s, 4)));
        json_object_set_new(t, "label", str_or_null(s, 5));
        json_array_append_new(targets, t);
    }
    db_done(s);
    s = db_prepare(db, "SELECT id, title, agency, due_on, status, progress, updated_at FROM plan_tasks WHERE plan_id = ? "
                       "ORDER BY position");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        json_t *t = json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "title", db_col_text(s, 1));
        json_object_set_new(t, "agency", str_or_null(s, 2));
        json_object_set_new(t, "due_on", str_or_null(s, 3));
        json_object_set_new(t, "status", json_string(db_col_text(s, 4)));
        json_object_set_new(t, "progress", str_or_null(s, 5));
        json_object_set_new(t, "updated_at", json_string(db_col_text(s, 6)));
        json_array_append_new(tasks, t);
    }
    db_done(s);
    json_object_set_new(o, "targets", targets);
    json_object_set_new(o, "tasks", tasks);
    return o;
}

int plan_list(Db *db, const char *unit, int year, int64_t limit, int64_t offset, json_t **items, int64_t *total, Err *e) {
    char from[11] = "", to[11] = "";
    if (year) {
        snprintf(from, sizeof from, "%04d-01-01", year);
        snprintf(to, sizeof to, "%04d-12-31", year);
    }
    const char *where = "(?1 IS NULL OR unit_code = ?1) AND (?2 = '' OR (period_from <= ?3 AND period_to >= ?2))";
    char sql[400];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM plans WHERE %s", where);
    Stmt *s = db_prepare(db, sql);
    db_bind_text(s, 1, unit);
    db_bind_text(s, 2, from);
    db_bind_text(s, 3, to);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    snprintf(sql, sizeof sql, "SELECT " PLAN_COLS " FROM plans WHERE %s ORDER BY period_from DESC, id DESC LIMIT ?4 OFFSET ?5", where);
    s = db_prepare(db, sql);
    db_bind_text(s, 1, unit);
    db_bind_text(s, 2, from);
    db_bind_text(s, 3, to);
    db_bind_int(s, 4, limit);
    db_bind_int(s, 5, offset);
    *items = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) json_array_append_new(*items, plan_row(db, s));
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot list the plans: %s", db_errmsg(db));
}

int plan_copy(Db *db, Arena *a, const Actor *who, int64_t id, const char *from, const char *to, int64_t *new_id, Err *e) {
    *new_id = 0;
    char province[8];
    bool country;
    if (actor_require(who, e) || stored_place(db, id, province, &country, e) || may_write(who, province, country, e))
        return -1;
    json_t *src = plan_get(db, id, e);
    if (!src) return -1;
    /* the same plan for the new period: the document is the next year's own, the tasks start again */
    json_t *in = json_pack("{s:O, s:s?, s:s?, s:O}", "unit", json_object_get(src, "unit"), "from", from, "to", to, "title",
                           json_object_get(src, "title"));
    /* the map of the new period: a plan copied past 2025 moves to the 2025 map only if its unit is on it */
    if (from && strcmp(from, UNIT_REORG_DATE) < 0) json_object_set(in, "geography", json_object_get(src, "geography"));
    json_t *targets = json_array(), *tasks = json_array(), *t;
    size_t k;
    json_array_foreach(json_object_get(src, "targets"), k, t) {
        json_t *c = json_pack("{s:O, s:O, s:O, s:O, s:O}", "indicator", json_object_get(t, "indicator"), "each",
                              json_object_get(t, "each"), "min", json_object_get(t, "min"), "max", json_object_get(t, "max"),
                              "label", json_object_get(t, "label"));
        json_array_append_new(targets, c);
    }
    json_array_foreach(json_object_get(src, "tasks"), k, t)
        json_array_append_new(tasks, json_pack("{s:O, s:O}", "title", json_object_get(t, "title"), "agency",
                                               json_object_get(t, "agency")));
    json_object_set_new(in, "targets", targets);
    json_object_set_new(in, "tasks", tasks);
    json_decref(src);
    PlanIn *p = arena_alloc(a, sizeof *p);
    int rc = actor_require(who, e) || plan_check(db, a, in, p, e) || may_write(who, p->province, !*p->unit, e) ||
             write_plan(db, who, p, new_id, id, e);
    json_decref(in);
    return rc ? -1 : 0;
}

int plan_task_update(Db *db, const Actor *who, int64_t plan, int64_t task, json_t *in, Err *e) {
    char province[8];
    bool country;
    if (actor_require(who, e) || stored_place(db, plan, province, &country, e) || may_write(who, province, country, e))
        return -1;
    if (!json_is_object(in)) return err_set(e, 400, "", "the body must be a JSON object");
    e->detail[0] = 0;
    const char *status = text(in, "status", "status", 16, false, e);
    if (status && !task_status(status)) bad(e, "status", "%s must be todo, doing, done or dropped", "status");
    const char *progress = text(in, "progress", "progress", 2000, false, e);
    if (e->detail[0]) return e->status = 422, -1;
    json_t *before = plan_get(db, plan, e);
    if (!before || db_begin(db, e)) {
        json_decref(before);
        return -1;
    }
    char ts[32];
    ts_now(ts);
    Stmt *s = db_prepare(db, "UPDATE plan_tasks SET status = coalesce(?1, status), progress = CASE WHEN ?2 THEN ?3 ELSE progress "
                             "END, updated_at = ?4 WHERE id = ?5 AND plan_id = ?6");
    db_bind_text(s, 1, status);
    db_bind_int(s, 2, json_object_get(in, "progress") != NULL);
    db_bind_text(s, 3, progress);
    db_bind_text(s, 4, ts);
    db_bind_int(s, 5, task);
    db_bind_int(s, 6, plan);
    int rc = db_step(s) == DB_DONE ? 0 : err_set(e, 500, "", "cannot record the task: %s", db_errmsg(db));
    db_done(s);
    if (!rc && db_changes(db) == 0) rc = err_set(e, 404, "task_id", "plan %lld has no task %lld", (long long)plan, (long long)task);
    json_t *after = rc ? NULL : plan_get(db, plan, e);
    if (!rc) rc = audit_append_json(db, who, "update", "plans", plan, province[0] ? province : NULL, before, after, e);
    json_decref(before);
    json_decref(after);
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db);
    return rc;
}

/* ---- progress ------------------------------------------------------------------------------------ */

static const char *const STATUS_ORDER[] = {"achieved", "on_track", "at_risk", "missed", "not_started"};

static int status_rank(const char *s) {
    for (int i = 0; i < 5; i++)
        if (str_eq(s, STATUS_ORDER[i])) return i;
    return 0;
}

/* The status of value against the target, the period's share elapsed (a flow's expected
** value is the minimum times it), and whether the period is over. */
static const char *status_of(double value, const json_t *t, bool flow, double elapsed, bool over) {
    json_t *mn = json_object_get(t, "min"), *mx = json_object_get(t, "max");
    bool met = json_is_number(mn) ? value >= json_number_value(mn) - 1e-9 : value <= json_number_value(mx) + 1e-9;
    if (met) return "achieved";
    if (over) return "missed";
    if (flow && json_is_number(mn) && value >= json_number_value(mn) * elapsed - 1e-9) return "on_track";
    return "at_risk";
}

json_t *plan_progress(Db *db, Arena *a, const Actor *who, int64_t id, const char *date, Err *e) {
    json_t *plan = plan_get(db, id, e);
    if (!plan) return NULL;
    char today[11], day[11];
    if (date && !date_valid(date)) {
        json_decref(plan);
        return err_set(e, 400, "date", "%s must be a date YYYY-MM-DD", "date"), NULL;
    }
    if (!date) date_today(today);
    const char *from = json_string_value(json_object_get(plan, "from")), *to = json_string_value(json_object_get(plan, "to"));
    snprintf(day, sizeof day, "%s", strcmp(date ? date : today, to) > 0 ? to : date ? date : today);
    bool started = strcmp(day, from) >= 0, over = strcmp(date ? date : today, to) >= 0;
    int64_t span = day_number(to) - day_number(from) + 1, gone = started ? day_number(day) - day_number(from) + 1 : 0;
    double elapsed = span > 0 ? (double)gone / (double)span : 1;
    bool dossiers = actor_can(who, PERM_DOSSIERS_READ);
    const char *unit = json_string_value(json_object_get(plan, "unit")), *geo = json_string_value(json_object_get(plan, "geography"));
    json_t *out = json_pack("{s:o, s:s, s:f, s:b}", "plan", plan, "date", day, "elapsed", elapsed, "over", over);
    json_t *targets = json_array(), *t;
    size_t k;
    json_array_foreach(json_object_get(plan, "targets"), k, t) {
        const json_t *ind = indicator_find(json_string_value(json_object_get(t, "indicator")));
        json_t *r = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(t, "id"), "indicator", json_object_get(t, "indicator"),
                              "each", json_object_get(t, "each"), "min", json_object_get(t, "min"), "max", json_object_get(t, "max"));
        json_object_set(r, "label", json_object_get(t, "label"));
        json_array_append_new(targets, r);
        if (!ind) {
            json_object_set_new(r, "status", json_string("unknown"));
            continue;
        }
        json_object_set_new(r, "name", json_pack("{s:O, s:O}", "vi", json_object_get(ind, "vi"), "en", json_object_get(ind, "en")));
        json_object_set(r, "unit", json_object_get(ind, "unit"));
        bool flow = str_eq(json_string_value(json_object_get(ind, "kind")), "flow");
        if (!started) {
            json_object_set_new(r, "status", json_string("not_started"));
            continue;
        }
        if (!dossiers && (str_eq(json_string_value(json_object_get(json_object_get(ind, "numerator"), "measure")), "dossiers") ||
                          str_eq(json_string_value(json_object_get(json_object_get(ind, "denominator"), "measure")), "dossiers"))) {
            json_object_set_new(r, "status", json_string("hidden")); /* dossiers are not public */
            continue;
        }
        const char *each = json_string_value(json_object_get(t, "each"));
        IndQuery q = {unit, geo, day, from};
        IndValue v;
        json_t *rows = NULL;
        Err ie = ERR_INIT;
        if (indicator_eval(db, a, json_string_value(json_object_get(t, "indicator")), &q, &v, each ? &rows : NULL, &ie)) {
            json_object_set_new(r, "status", json_string("unknown"));
            json_object_set_new(r, "problem", json_string(ie.detail));
            err_clear(&ie);
            continue;
        }
        json_object_set_new(r, "value", json_real(v.value));
        json_object_set_new(r, "numerator", json_integer(v.numerator));
        json_object_set_new(r, "denominator", v.denominator < 0 ? json_null() : json_integer(v.denominator));
        if (flow && json_is_number(json_object_get(t, "min")))
            json_object_set_new(r, "expected", json_real(json_number_value(json_object_get(t, "min")) * elapsed));
        if (!each) {
            json_object_set_new(r, "status", json_string(status_of(v.value, t, flow, elapsed, over)));
            continue;
        }
        /* each sub-unit of the level: the indicator's own rows when they are of that level,
        ** else each unit of the level computed alone */
        json_t *subs = json_array(), *row;
        size_t j;
        Unit *units = NULL;
        int n = 0;
        const char *on = str_eq(geo, "pre2025") ? (strcmp(day, UNIT_LAST_OLD_DATE) > 0 ? UNIT_LAST_OLD_DATE : day)
                                                : (strcmp(day, UNIT_REORG_DATE) < 0 ? UNIT_REORG_DATE : day);
        UnitFilter uf = {.level = each, .date = on, .parent = *unit ? unit : NULL};
        Err ue = ERR_INIT;
        if (unit_find(db, a, &uf, &units, &n, NULL, &ue)) n = 0;
        int met = 0, worst = 0;
        for (int u = 0; u < n; u++) {
            if (!str_eq(units[u].geo, geo)) continue;
            double val = 0;
            bool found = false;
            json_array_foreach(rows, j, row) if (str_eq(json_string_value(json_object_get(row, "code")), units[u].code)) {
                val = json_number_value(json_object_get(row, "value"));
                found = true;
            }
            if (!found) {
                IndQuery qs = {units[u].code, geo, day, from};
                IndValue vs;
                if (indicator_eval(db, a, json_string_value(json_object_get(t, "indicator")), &qs, &vs, NULL, &ie)) {
                    err_clear(&ie);
                    continue;
                }
                val = vs.value;
            }
            const char *st = status_of(val, t, flow, elapsed, over);
            met += str_eq(st, "achieved");
            if (status_rank(st) > worst) worst = status_rank(st);
            json_array_append_new(subs, json_pack("{s:s, s:s, s:f, s:s}", "code", units[u].code, "name",
                                                  unit_full_name(a, &units[u]), "value", val, "status", st));
        }
        json_decref(rows);
        json_object_set_new(r, "met", json_integer(met));
        json_object_set_new(r, "of", json_integer((json_int_t)json_array_size(subs)));
        json_object_set_new(r, "units", subs);
        json_object_set_new(r, "status", json_string(n ? STATUS_ORDER[worst] : "unknown"));
    }
    json_object_set_new(out, "targets", targets);
    return out;
}
