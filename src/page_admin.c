/*
** page_admin.c: the Ministry's (/bo) and the administrator's (/quan-tri) workspaces (docs/web.md
** "The Ministry's workspace", "The administrator's workspace").
**
** The Ministry's steps (its rounds and council, assign_ministry, its 5★ decisions) are taken by
** its officers (role ministry) and administrators (dossier.c transitions, decision.c
** decision_may_decide). Its rounds are rounds whose province_code is "bo", scored by a council of
** level "ministry"; its decisions are decisions of level "ministry", signed with the key "bo".
**
** The administrator's pages call the domain as the JSON API and the command line do: users
** (user.c), signing keys (cert.c), the audit trail (audit.c), the figures of /metrics
** (metrics.c). Every form answers 303 with ?done= when it worked, and is shown again with the
** error beside its field (422, nothing written) when it did not.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api.h"
#include "app.h"
#include "audit.h"
#include "cert.h"
#include "decision.h"
#include "dossier.h"
#include "entity.h"
#include "form.h"
#include "metrics.h"
#include "migrate.h"
#include "page.h"
#include "page_dossier.h"
#include "page_list.h"
#include "page_work.h"
#include "param.h"
#include "route.h"
#include "rubric.h"
#include "tablew.h"
#include "unit.h"
#include "util.h"

enum { PER_PAGE = 30, NEEDS_SHOWN = 5 };

/* The text of o[k], or NULL when it is not text. */
static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A value and its words (an English message id): a ?done= key and its notice, an option. */
typedef struct Done {
    const char *key, *text;
} Done;

/* The notice of ?done= among list, translated; JSON null when there is none. */
static json_t *done_notice(Req *r, const Done *list) {
    const char *done = req_query(r, "done");
    for (; done && list->key; list++)
        if (str_eq(list->key, done)) return json_string(tr(r->lang, list->text));
    return json_null();
}

/* A stored timestamp in Vietnam's time (stamp_vn), in r's arena. */
static const char *stamp_text(Req *r, const char *ts) {
    char out[24];
    return arena_strdup(&r->arena, stamp_vn(ts, out));
}

/* The pager of a list that is not an entity's (users, the audit trail): prev/next links that
** keep the query (base: the path and its parameters but page, ending in '?' or '&') and the
** text "page X of Y". NULL when everything fits one page. */
static json_t *pager(Req *r, const char *base, int64_t page, int64_t total) {
    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    if (pages <= 1) return NULL;
    char a[24], b[24];
    json_t *v = json_pack("{s:s}", "text",
                          arena_printf(&r->arena, tr(r->lang, N_("Page %s of %s")), lang_int(r->lang, page, a, sizeof a),
                                       lang_int(r->lang, pages, b, sizeof b)));
    if (page > 1) json_object_set_new(v, "prev_href", json_string(arena_printf(&r->arena, "%spage=%lld", base, (long long)page - 1)));
    if (page < pages) json_object_set_new(v, "next_href", json_string(arena_printf(&r->arena, "%spage=%lld", base, (long long)page + 1)));
    return v;
}

/* view's "pager" (pager above), when the list has more than one page. */
static void set_pager(Req *r, json_t *view, const char *base, int64_t page, int64_t total) {
    json_t *p = pager(r, base, page, total);
    if (p) json_object_set_new(view, "pager", p);
}

/* The query string of r's own parameters among names (those with a value), for links that
** keep a list's filters: "/quan-tri/nguoi-dung?q=an&role=commune&" (always ending in ? or &). */
static const char *keep_query(Req *r, const char *path, const char *const *names) {
    Buf b = BUF_INIT;
    buf_printf(&b, "%s?", path);
    for (; *names; names++) {
        const char *v = req_query(r, *names);
        if (!v || !*v) continue;
        buf_printf(&b, "%s=", *names);
        buf_url(&b, v, strlen(v));
        buf_putc(&b, '&');
    }
    const char *out = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return out;
}

/* Options [{value, label, selected}] of pairs {value, message id}, chosen marked. */
static json_t *options(Req *r, const Done *list, const char *chosen) {
    json_t *out = json_array();
    for (; list->key; list++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", list->key, "label", tr(r->lang, list->text),
                                             "selected", str_eq(list->key, chosen)));
    return out;
}

/* A page of a record that failed: the domain's refusal as an error page. */
static int fail(Req *r, Err *e) {
    int st = resp_problem(r, e);
    err_clear(e);
    return st;
}

/* ==== the Ministry ============================================================================ */

/* The dossiers in state, newest first, as "what needs me" items (product name, reg_no). */
static json_t *ministry_items(Req *r, const char *state, const char *href_fmt, int64_t *total) {
    json_t *items = json_array();
    *total = db_int1(r->db, "SELECT count(*) FROM dossiers WHERE state = ?", state);
    Stmt *s = db_prepare(r->db, "SELECT d.id, p.name, d.reg_no, d.province_code FROM dossiers d "
                                "JOIN products p ON p.id = d.product_id WHERE d.state = ? ORDER BY d.id DESC LIMIT ?");
    db_bind_text(s, 1, state);
    db_bind_int(s, 2, NEEDS_SHOWN);
    while (db_step(s) == DB_ROW) {
        const char *href = arena_printf(&r->arena, href_fmt, (long long)db_col_int(s, 0));
        const char *detail = arena_printf(&r->arena, tr(r->lang, N_("no. %s, province %s")),
                                          db_col_text(s, 2) ? db_col_text(s, 2) : "–", db_col_text(s, 3));
        json_array_append_new(items, work_item(r, db_col_text(s, 1), href, detail, NULL));
    }
    db_done(s);
    return items;
}

/* The Ministry's part of /lam-viec: dossiers to put in a round, dossiers to decide. */
void work_needs_ministry(Req *r, json_t *sections) {
    int64_t n;
    json_t *items = ministry_items(r, "with_ministry", "/bo/ho-so/%lld", &n);
    work_section(r, sections, N_("Sent to the Ministry: to put in a Ministry round"), items, n,
                 "/bo/ho-so?state=with_ministry", false);
    items = ministry_items(r, "ministry_scored", "/bo/ho-so/%lld", &n);
    work_section(r, sections, N_("Scored by the Ministry's council: waiting for its decision"), items, n,
                 "/bo/quyet-dinh/moi", false);
}

/* ---- /bo/ho-so ------------------------------------------------------------------------------- */

static const ListOption ministry_states[] = {
    {"with_ministry", N_("Sent to the Ministry")},
    {"in_ministry_round", N_("In a Ministry round")},
    {"ministry_scored", N_("Scored by the Ministry")},
    {"decided", N_("Decided")},
    {"withdrawn", N_("Withdrawn")},
    {NULL, NULL},
};

static const ListFilter ministry_filters[] = {
    {"state", N_("State"), LF_OPTIONS, ministry_states, NULL},
    {"province_code", N_("Province"), LF_PROVINCE, NULL, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption ministry_sorts[] = {
    {"-id", N_("Newest first")},
    {"-avg_score", N_("Highest score first")},
    {"reg_no", N_("Registration no.")},
    {NULL, NULL},
};

/* What a page's rows show beside their records, in one query: sql ends with "IN (" and
** its rows begin with the record's id; the rest of each row, by id, as {"ID": [col1, ...]}
** (texts and integers). A new object. */
static json_t *by_ids(Req *r, const char *sql, json_t *items) {
    json_t *out = json_object();
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    if (n == 0) return out;
    Buf q = BUF_INIT;
    buf_puts(&q, sql);
    for (int i = 0; i < n; i++) buf_puts(&q, i ? ", ?" : "?");
    buf_putc(&q, ')');
    Stmt *s = db_prepare(r->db, q.p);
    buf_free(&q);
    for (int i = 0; i < n; i++) db_bind_int(s, i + 1, ids[i]);
    while (db_step(s) == DB_ROW) {
        json_t *cols = json_array();
        for (int c = 1; c < db_col_count(s); c++)
            json_array_append_new(cols, db_col_null(s, c) ? json_null() : json_string(db_col_text(s, c)));
        json_object_set_new(out, arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)), cols);
    }
    db_done(s);
    return out;
}

/* Column c of the row of record o in by_ids's answer, or NULL. */
static const char *col(Req *r, json_t *by, json_t *o, size_t c) {
    json_t *row = json_object_get(by, arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(o, "id"))));
    return json_string_value(json_array_get(row, c));
}

/* Each row: the product, its province, the state, the province's result and the Ministry's. */
static json_t *ministry_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *rows = json_array();
    json_t *by = by_ids(r, "SELECT d.id, p.name, u.name FROM dossiers d JOIN products p ON p.id = d.product_id "
                           "LEFT JOIN units u ON u.code = d.province_code AND u.geo = '2025' AND u.level = 'province' "
                           "AND u.valid_to IS NULL WHERE d.id IN (", items);
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *row = json_pack("{s:O, s:s?, s:s?, s:O, s:s, s:s}", "id", json_object_get(o, "id"), "product",
                                col(r, by, o, 0), "province", col(r, by, o, 1), "reg_no", json_object_get(o, "reg_no"),
                                "state", jstr(o, "state"), "state_label", work_state_label(r, jstr(o, "state")));
        json_t *avg = json_object_get(o, "avg_score");
        if (json_is_number(avg))
            json_object_set_new(row, "score", json_string(arena_printf(&r->arena, "%.1f", json_number_value(avg))));
        int stars = (int)json_integer_value(json_object_get(o, "stars"));
        if (stars > 0) json_object_set_new(row, "stars", json_string(page_stars(stars)));
        json_array_append_new(rows, row);
    }
    json_decref(by);
    return rows;
}

/* What the Ministry's lists always keep to: the dossiers sent to it, its own rounds. */
static const char *sent_to_ministry(Req *r) { return (void)r, "true"; }
static const char *the_ministry(Req *r) { return (void)r, "bo"; }

static const ListPage MINISTRY_PAGE = {&ENTITY_DOSSIERS, "/bo/ho-so", "ministry_dossiers", N_("Dossiers sent to the Ministry"),
                                       ministry_filters, ministry_sorts, ministry_rows, "ministry", sent_to_ministry};

/* GET /bo/ho-so. */
int page_ministry_dossiers(Req *r) { return page_list(r, &MINISTRY_PAGE); }

/* The open rounds of the Ministry [{id, name}], for the step that puts a dossier in one. */
static json_t *ministry_open_rounds(Req *r) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT id, name, ends_on FROM rounds WHERE province_code = 'bo' AND state = 'open' "
                                "ORDER BY year DESC, number DESC");
    while (db_step(s) == DB_ROW) {
        char d[11];
        json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                             arena_printf(&r->arena, "%s (%s %s)", db_col_text(s, 1),
                                                          tr(r->lang, N_("ends")), page_dmy(db_col_text(s, 2), d))));
    }
    db_done(s);
    return out;
}

/* The passes of a dossier's scoring: the province's result (its first passes) and the
** Ministry's (from ministry_pass), each with the sheets submitted. */
static json_t *scoring_passes(Req *r, int64_t id, int64_t ministry_pass) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT pass, count(*), avg(total) FROM scores WHERE dossier_id = ? AND "
                                "submitted_at IS NOT NULL GROUP BY pass ORDER BY pass");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        int64_t pass = db_col_int(s, 0);
        bool bo = ministry_pass > 0 && pass >= ministry_pass;
        json_array_append_new(out, json_pack("{s:s, s:I, s:I, s:s}", "by",
                                             tr(r->lang, bo ? N_("The Ministry's council") : N_("The province's council")),
                                             "pass", (json_int_t)pass, "sheets", (json_int_t)db_col_int(s, 1), "average",
                                             arena_printf(&r->arena, "%.1f", db_col_double(s, 2))));
    }
    db_done(s);
    return out;
}

/* GET /bo/ho-so/{id}: the dossier, both councils' passes, the steps (assign_ministry). */
int page_ministry_dossier(Req *r) {
    int64_t id = atoll(r->pathv[0]);
    Err e = ERR_INIT;
    json_t *d = work_dossier_view(r, id, &e);
    if (!d) return fail(r, &e);
    int64_t mpass = db_int1(r->db, "SELECT coalesce(ministry_pass, 0) FROM dossiers WHERE id = CAST(? AS INTEGER)",
                            r->pathv[0]);
    const char *state = jstr(d, "state");
    json_t *passes = scoring_passes(r, id, mpass), *rounds = ministry_open_rounds(r);
    json_t *view = json_pack("{s:o, s:b, s:o, s:o, s:s, s:b, s:b, s:b}", "d", d, "has_passes", json_array_size(passes) > 0,
                             "passes", passes, "rounds", rounds, "next",
                             arena_printf(&r->arena, "/bo/ho-so/%lld", (long long)id), "in_ministry", mpass > 0,
                             "to_decide", str_eq(state, "ministry_scored"), "no_open_round",
                             str_eq(state, "with_ministry") && json_array_size(rounds) == 0);
    static const Done done[] = {{"assign_ministry", N_("The dossier is in the Ministry's round: its council scores it now.")},
                                {"not_recognized", N_("The dossier is closed: it is not recognised.")},
                                {"withdraw", N_("The dossier is withdrawn.")},
                                {NULL, NULL}};
    json_object_set_new(view, "notice", done_notice(r, done));
    return work_render(r, 200, "ministry_dossier", view);
}

/* ---- /bo/dot: the Ministry's rounds ---------------------------------------------------------- */

static const ListOption round_states[] = {
    {"open", N_("Open")},
    {"closed", N_("Closed")},
    {NULL, NULL},
};

static const ListFilter round_filters[] = {
    {"state", N_("State"), LF_OPTIONS, round_states, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption round_sorts[] = {
    {"-year", N_("Newest first")},
    {"name", N_("Name (A to Z)")},
    {"ends_on", N_("Ending soonest")},
    {NULL, NULL},
};

/* Each round with its council, its members, its dates and how many dossiers it holds. */
static json_t *round_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *rows = json_array();
    json_t *by = by_ids(r, "SELECT r.id, c.name, (SELECT count(*) FROM dossiers WHERE round_id = r.id), (SELECT count(*) "
                           "FROM user_roles WHERE role LIKE 'council%' AND scope = CAST(r.council_id AS TEXT)) FROM "
                           "rounds r LEFT JOIN councils c ON c.id = r.council_id WHERE r.id IN (", items);
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        char a[11], b[11];
        const char *n = col(r, by, o, 1), *members = col(r, by, o, 2);
        json_array_append_new(rows, json_pack("{s:O, s:O, s:s?, s:s, s:s, s:s, s:s, s:s}", "id", json_object_get(o, "id"),
                                              "name", json_object_get(o, "name"), "council", col(r, by, o, 0),
                                              "dossiers", n ? n : "0", "members", members ? members : "0", "ends_text",
                                              page_dmy(jstr(o, "ends_on"), a), "forward_text",
                                              page_dmy(jstr(o, "forward_by"), b), "state_label",
                                              page_list_label(r, round_states, jstr(o, "state"))));
    }
    json_decref(by);
    return rows;
}

static const ListPage ROUNDS_PAGE = {&ENTITY_ROUNDS, "/bo/dot", "ministry_rounds", N_("The Ministry's rounds"),
                                     round_filters, round_sorts, round_rows, "province_code", the_ministry};

/* GET /bo/dot, with the notice of a round just opened. */
int page_ministry_rounds(Req *r) {
    static const Done done[] = {{"created", N_("The round is open. Put the dossiers sent to the Ministry in it from each dossier's page.")},
                                {NULL, NULL}};
    return page_list_with(r, &ROUNDS_PAGE, json_pack("{s:o}", "notice", done_notice(r, done)));
}

/* The Ministry's councils as options [{value, label}]. */
static json_t *ministry_councils(Req *r) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT id, name FROM councils WHERE level = 'ministry' ORDER BY id DESC");
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)),
                                             "label", db_col_text(s, 1)));
    db_done(s);
    return out;
}

/* The form of a new Ministry round, with e beside its field (NULL: none), answering status. */
static int round_form(Req *r, int status, const Err *e) {
    json_t *councils = ministry_councils(r);
    const PageField fields[] = {
        {"year", "number", N_("Year"), NULL, NULL, true, NULL},
        {"number", "number", N_("Round number in the year"), N_("1 or 2: the law's two rounds a year"), NULL, true, NULL},
        {"name", "text", N_("Name of the round"), N_("Leave empty for \"Round N of YEAR\""), NULL, false, NULL},
        {"ends_on", "date", N_("Ends on"), N_("Leave empty for the law's date (30/6 or 30/12)"), NULL, false, NULL},
        {"council_id", "select", N_("The Ministry's council"), N_("Or name a new council below"), NULL, false, councils},
        {"council_name", "text", N_("New council: its name"), N_("Its members get their roles on the users page"), NULL,
         false, NULL},
        {"council_decision", "text", N_("New council: the decision that establishes it"), NULL, NULL, false, NULL},
    };
    json_t *view = json_pack("{s:o}", "form", page_form(r, fields, COUNT(fields), e));
    json_decref(councils);
    return work_render(r, status, "ministry_round_new", view);
}

/* GET /bo/dot/moi. */
int page_ministry_round_form(Req *r) { return round_form(r, 200, NULL); }

/* Set key of o from the form's field of the same name, as a whole number when it is one. */
static void put_field(Req *r, json_t *o, const char *key, bool number) {
    const char *v = req_form(r, key);
    if (!v || !*v) return;
    int64_t n;
    json_object_set_new(o, key, number && parse_i64(v, &n) ? json_integer(n) : json_string(v));
}

/* POST /bo/dot/moi: the council (chosen, or made now) and the round, in one transaction. */
int page_ministry_round_create(Req *r) {
    Err e = ERR_INIT;
    json_t *round = json_pack("{s:s}", "province_code", "bo");
    put_field(r, round, "year", true);
    put_field(r, round, "number", true);
    put_field(r, round, "name", false);
    put_field(r, round, "ends_on", false);
    put_field(r, round, "council_id", true);
    const char *cname = req_form(r, "council_name");
    int64_t id = 0, council = 0;
    int rc = 0;
    if (!json_object_get(round, "council_id") && !(cname && *cname))
        rc = err_set(&e, 422, "council_id", "choose the Ministry's council, or name a new one");
    else if (json_object_get(round, "council_id") && cname && *cname)
        rc = err_set(&e, 422, "council_name", "choose a council or name a new one, not both");
    if (!rc) rc = db_begin(r->db, &e);
    if (!rc && cname && *cname) {
        json_t *c = json_pack("{s:s, s:s}", "name", cname, "level", "ministry");
        const char *no = req_form(r, "council_decision");
        if (no && *no) json_object_set_new(c, "decision_no", json_string(no));
        rc = entity_check(&ENTITY_COUNCILS, c, true, false, &e) ||
             entity_insert(r->db, &r->arena, &ENTITY_COUNCILS, &r->actor, c, &council, &e);
        if (e.field[0] == 'n') snprintf(e.field, sizeof e.field, "council_name");
        json_decref(c);
        if (!rc) json_object_set_new(round, "council_id", json_integer(council));
    }
    if (!rc) rc = entity_check(&ENTITY_ROUNDS, round, true, false, &e) ||
                  entity_insert(r->db, &r->arena, &ENTITY_ROUNDS, &r->actor, round, &id, &e) || db_commit(r->db, &e);
    json_decref(round);
    if (!rc) return page_redirect(r, "/bo/dot?done=created");
    db_rollback(r->db);
    int st = round_form(r, e.status == 409 ? 409 : 422, &e);
    err_clear(&e);
    return st;
}

/* ---- /bo/quyet-dinh: the Ministry's decisions ------------------------------------------------- */

static const char *const DECISION_PARAMS[] = {"year", "sort", NULL};

/* The decisions of level ministry as rows: number, date, signer, products. */
static json_t *decision_rows(Req *r, json_t *items) {
    json_t *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        char d[11];
        json_t *products = json_array(), *it;
        size_t j;
        json_array_foreach(json_object_get(o, "items"), j, it) {
            json_t *p = json_object_get(it, "product");
            json_array_append_new(products, json_pack("{s:O, s:O, s:O, s:s}", "id", json_object_get(p, "id"), "name",
                                                      json_object_get(p, "name"), "cert_no", json_object_get(it, "cert_no"),
                                                      "stars", page_stars((int)json_integer_value(json_object_get(it, "stars")))));
        }
        json_array_append_new(rows, json_pack("{s:O, s:O, s:s, s:O, s:O, s:o}", "id", json_object_get(o, "id"), "number",
                                              json_object_get(o, "number"), "date", page_dmy(jstr(o, "decided_on"), d),
                                              "signer", json_object_get(o, "signer_name"), "title",
                                              json_object_get(o, "signer_title"), "products", products));
    }
    return rows;
}

/* The decisions' CSV or XLSX (number, date, signer, products). */
static int decisions_download(Req *r, json_t *items) {
    TableWriter *w = tablew_new(req_table_format(r), "decisions");
    bool vi = req_export_vi(r);
    const char *head[] = {vi ? "Số quyết định" : "Number", vi ? "Ngày" : "Date", vi ? "Người ký" : "Signed by",
                          vi ? "Số sản phẩm" : "Products"};
    tablew_row(w, head, 4);
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        char n[24];
        snprintf(n, sizeof n, "%zu", json_array_size(json_object_get(o, "items")));
        const char *cells[] = {jstr(o, "number"), jstr(o, "decided_on"), jstr(o, "signer_name"), n};
        tablew_row(w, cells, 4);
    }
    char *out = NULL;
    size_t len = 0;
    Err e = ERR_INIT;
    if (tablew_finish(w, &out, &len, &e)) return fail(r, &e);
    return resp_download(r, req_table_format(r), out, len, "decisions");
}

/* GET /bo/quyet-dinh: the decisions of level ministry, a page of them or the whole as a file. */
int page_ministry_decisions(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool download = req_query(r, "format") != NULL;
    DecisionQuery q = {.level = "ministry", .year = req_query(r, "year"), .limit = download ? -1 : PER_PAGE,
                       .offset = download ? 0 : pg.offset, .oldest_first = str_eq(req_query(r, "sort"), "oldest")};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (decision_list(r->db, &q, &items, &total, &e)) return fail(r, &e);
    if (download) {
        int st = decisions_download(r, items);
        json_decref(items);
        return st;
    }
    const char *base = keep_query(r, "/bo/quyet-dinh", DECISION_PARAMS);
    char n[32];
    json_t *view = json_pack("{s:o, s:b, s:s, s:s?, s:s, s:s}", "rows", decision_rows(r, items), "has_rows", total > 0,
                             "total", lang_int(r->lang, total, n, sizeof n), "year", req_query(r, "year"), "csv_href",
                             arena_printf(&r->arena, "%sformat=csv", base), "xlsx_href",
                             arena_printf(&r->arena, "%sformat=xlsx", base));
    json_object_set_new(view, "oldest", json_boolean(q.oldest_first));
    set_pager(r, view, base, pg.page, total);
    static const Done done[] = {{"created", N_("The decision is recorded and its certificates are issued.")}, {NULL, NULL}};
    json_object_set_new(view, "notice", done_notice(r, done));
    json_decref(items);
    return work_render(r, 200, "ministry_decisions", view);
}

/* The state of the key "bo": {ok, key_id, created} or {missing}. */
static json_t *bo_key_view(Req *r) {
    char key_id[32];
    Err e = ERR_INIT;
    if (cert_key_current(r->db, "bo", key_id, &e)) {
        err_clear(&e);
        return json_pack("{s:b}", "missing", true);
    }
    return json_pack("{s:b, s:s}", "ok", true, "key_id", key_id);
}

/* The dossiers the Ministry's council scored (ministry_scored), to check in a decision. */
static json_t *scored_dossiers(Req *r, json_t *chosen) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT d.id, p.name, d.reg_no, d.avg_score, d.stars, d.province_code FROM dossiers d "
                                "JOIN products p ON p.id = d.product_id WHERE d.state = 'ministry_scored' ORDER BY d.id");
    while (db_step(s) == DB_ROW) {
        int64_t id = db_col_int(s, 0);
        bool on = false;
        size_t i;
        json_t *c;
        json_array_foreach(chosen, i, c) on |= json_integer_value(c) == id;
        json_array_append_new(out, json_pack("{s:I, s:s, s:s?, s:s, s:s, s:s, s:b}", "id", (json_int_t)id, "product",
                                             db_col_text(s, 1), "reg_no", db_col_text(s, 2), "score",
                                             arena_printf(&r->arena, "%.1f", db_col_double(s, 3)), "stars",
                                             page_stars((int)db_col_int(s, 4)), "province", db_col_text(s, 5), "checked", on));
    }
    db_done(s);
    return out;
}

/* The dossier ids checked in the form ("dossier" fields), as a JSON array of integers. */
static json_t *form_dossiers(Req *r) {
    json_t *out = json_array();
    for (int i = 0; r->form && i < form_count(r->form); i++) {
        int64_t id;
        if (str_eq(form_key(r->form, i), "dossier") && parse_i64(form_value(r->form, i), &id) && id > 0)
            json_array_append_new(out, json_integer(id));
    }
    return out;
}

/* The form of a new Ministry decision, the key bo's state first; e beside its field. */
static int decision_form(Req *r, int status, const Err *e) {
    const PageField fields[] = {
        {"number", "text", N_("Decision number"), N_("As on the signed decision, such as 123/QĐ-BNNMT"), NULL, true, NULL},
        {"decided_on", "date", N_("Decided on"), NULL, NULL, true, NULL},
        {"signer_name", "text", N_("Signed by"), NULL, NULL, true, NULL},
        {"signer_title", "text", N_("Title of the signer"), N_("Such as BỘ TRƯỞNG or KT. BỘ TRƯỞNG – THỨ TRƯỞNG"), NULL,
         true, NULL},
        {"note", "text", N_("Note"), NULL, NULL, false, NULL},
    };
    json_t *chosen = form_dossiers(r);
    json_t *dossiers = scored_dossiers(r, chosen);
    json_decref(chosen);
    json_t *view = json_pack("{s:o, s:o, s:b, s:o}", "form", page_form(r, fields, COUNT(fields), e), "dossiers", dossiers,
                             "has_dossiers", json_array_size(dossiers) > 0, "key", bo_key_view(r));
    if (e && str_eq(e->field, "items")) {
        char msg[600];
        json_object_set_new(view, "items_error", json_string(err_text(e, r->lang, msg, sizeof msg)));
    }
    return work_render(r, status, "ministry_decision_new", view);
}

/* GET /bo/quyet-dinh/moi. */
int page_ministry_decision_form(Req *r) { return decision_form(r, 200, NULL); }

/* POST /bo/quyet-dinh/moi: decision_create of level ministry for the checked dossiers. */
int page_ministry_decision_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = json_pack("{s:s}", "level", "ministry"), *items = json_array(), *ids = form_dossiers(r);
    put_field(r, in, "number", false);
    put_field(r, in, "decided_on", false);
    put_field(r, in, "signer_name", false);
    put_field(r, in, "signer_title", false);
    put_field(r, in, "note", false);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id) json_array_append_new(items, json_pack("{s:O}", "dossier_id", id));
    json_decref(ids);
    json_object_set_new(in, "items", items);
    char keys_dir[4096];
    cert_keys_dir(r->app->db_path, keys_dir, sizeof keys_dir);
    DecisionEnv env = {r->app->files_dir, keys_dir, r->app->public_url, r->app->insecure_public_url};
    int64_t did = 0;
    int rc = json_array_size(items) ? decision_create(r->db, &r->actor, &env, in, &did, &e)
                                    : err_set(&e, 422, "items", "check at least one dossier the decision recognises");
    json_decref(in);
    if (!rc) return page_redirect(r, "/bo/quyet-dinh?done=created");
    /* "items[0].dossier_id" and the like are told above the list of dossiers */
    if (!strncmp(e.field, "items", 5)) snprintf(e.field, sizeof e.field, "items");
    int st = decision_form(r, e.status == 409 || e.status == 403 ? e.status : 422, &e);
    err_clear(&e);
    return st;
}

/* ==== the administrator ======================================================================= */

/* The provinces with dossiers in a round or scored whose authority has no signing key, and the
** Ministry when it has dossiers and no key: the decisions they need could not be signed. */
static json_t *keys_missing(Req *r) {
    json_t *items = json_array();
    Stmt *s = db_prepare(r->db, "SELECT DISTINCT d.province_code, u.name FROM dossiers d LEFT JOIN units u ON "
                                "u.code = d.province_code AND u.geo = '2025' AND u.level = 'province' AND u.valid_to "
                                "IS NULL WHERE d.state IN ('in_round', 'scored') ORDER BY d.province_code");
    while (db_step(s) == DB_ROW) {
        char key_id[32];
        Err e = ERR_INIT;
        const char *code = db_col_text(s, 0);
        if (!cert_key_current(r->db, code, key_id, &e)) continue;
        err_clear(&e);
        json_array_append_new(items, work_item(r, db_col_text(s, 1) ? db_col_text(s, 1) : code,
                                               arena_printf(&r->arena, "/quan-tri/khoa-ky?authority=%s", code),
                                               tr(r->lang, N_("scored dossiers, no signing key")), NULL));
    }
    db_done(s);
    char key_id[32];
    Err e = ERR_INIT;
    if (cert_key_current(r->db, "bo", key_id, &e) &&
        db_int1(r->db, "SELECT count(*) FROM dossiers WHERE state IN (?, 'in_ministry_round', 'ministry_scored')",
                "with_ministry") > 0)
        json_array_append_new(items, work_item(r, tr(r->lang, N_("Ministry of Agriculture and Environment")),
                                               "/quan-tri/khoa-ky?authority=bo",
                                               tr(r->lang, N_("5-star dossiers, no signing key")), NULL));
    err_clear(&e);
    return items;
}

/* Accounts locked now by failed sign-ins. */
static json_t *locked_accounts(Req *r, int64_t *total) {
    json_t *items = json_array();
    Stmt *s = db_prepare(r->db, "SELECT u.id, u.username, t.locked_until FROM login_throttle t JOIN users u ON "
                                "'user:' || u.username = t.key WHERE t.locked_until > ? ORDER BY t.locked_until DESC");
    db_bind_int(s, 1, (int64_t)time(NULL));
    *total = 0;
    while (db_step(s) == DB_ROW) {
        if (++*total > NEEDS_SHOWN) continue;
        json_array_append_new(items, work_item(r, db_col_text(s, 1),
                                               arena_printf(&r->arena, "/quan-tri/nguoi-dung/%lld", (long long)db_col_int(s, 0)),
                                               tr(r->lang, N_("locked after failed sign-ins")), NULL));
    }
    db_done(s);
    return items;
}

/* The administrator's part of /lam-viec: keys to make, a broken trail, locked accounts. */
void work_needs_admin(Req *r, json_t *sections) {
    json_t *keys = keys_missing(r);
    work_section(r, sections, N_("Signing keys to make"), keys, 0, "/quan-tri/khoa-ky", false);
    /* Against the last signed checkpoint, one entry read: the whole chain is walked by the
    ** audit page's button, whose time grows with the trail. */
    AuditCheck c;
    AuditCheckpoint cp;
    Err e = ERR_INIT;
    char path[4200];
    json_t *audit = json_array();
    audit_checkpoint_path(r->app->db_path, path, sizeof path);
    if (audit_checkpoint_read(path, NULL, &cp, &e) == 0 && audit_checkpoint_check(r->db, &cp, &c))
        json_array_append_new(audit, work_item(r, tr(r->lang, N_("The audit trail's chain is broken")),
                                               "/quan-tri/nhat-ky?verify=true", c.reason, NULL));
    err_clear(&e);
    work_section(r, sections, N_("Audit trail"), audit, 0, "/quan-tri/nhat-ky", false);
    int64_t n;
    json_t *locked = locked_accounts(r, &n);
    work_section(r, sections, N_("Accounts locked"), locked, n, "/quan-tri/nguoi-dung", false);
}

/* ---- /quan-tri/nguoi-dung --------------------------------------------------------------------- */

/* The roles as options (value: role_name), labelled in r's language. */
static json_t *role_options(Req *r, const char *chosen) {
    json_t *out = json_array();
    for (int i = 0; i < ROLE_COUNT; i++)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", role_name((Role)i), "label",
                                             r->lang == LANG_VI ? role_label_vi((Role)i) : role_label_en((Role)i),
                                             "selected", str_eq(role_name((Role)i), chosen)));
    return out;
}

/* A role's name ("commune") as r's language says it. */
static const char *role_label(Req *r, const char *role) {
    int ro = role_parse(role);
    return ro < 0 ? role : r->lang == LANG_VI ? role_label_vi((Role)ro) : role_label_en((Role)ro);
}

/* What a role's scope names, in words: the province's or commune's full name, the council's or
** producer's name, with its code or id. NULL for an administrator's role. */
static const char *scope_name(Req *r, const char *role, const char *scope) {
    if (!scope || !*scope) return NULL;
    Err e = ERR_INIT;
    if (str_eq(role, "province") || str_eq(role, "commune")) {
        Unit u;
        const char *name = unit_get(r->db, &r->arena, scope, NULL, &u, &e) ? scope : unit_full_name(&r->arena, &u);
        err_clear(&e);
        return arena_printf(&r->arena, "%s (%s)", name, scope);
    }
    int64_t id;
    const Entity *en = str_eq(role, "producer") ? &ENTITY_PRODUCERS : &ENTITY_COUNCILS;
    json_t *o = parse_i64(scope, &id) ? entity_get(r->db, en, id, &e) : NULL;
    err_clear(&e);
    const char *out = arena_printf(&r->arena, "%s (%s %s)", o && jstr(o, "name") ? jstr(o, "name") : "?",
                                   tr(r->lang, N_("no.")), scope);
    json_decref(o);
    return out;
}

/* A user of user_list/user_get as a row: its roles labelled, where they reach, its status. */
static json_t *user_row(Req *r, json_t *u) {
    json_t *roles = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(u, "roles"), i, g) {
        const char *role = jstr(g, "role");
        json_array_append_new(roles, json_pack("{s:O, s:s, s:s?, s:b}", "id", json_object_get(g, "id"), "label",
                                               role_label(r, role), "scope", scope_name(r, role, jstr(g, "scope")),
                                               "pending", json_is_false(json_object_get(g, "confirmed"))));
    }
    return json_pack("{s:O, s:O, s:O, s:o, s:b, s:s}", "id", json_object_get(u, "id"), "username",
                     json_object_get(u, "username"), "full_name", json_object_get(u, "full_name"), "roles", roles,
                     "disabled", str_eq(jstr(u, "status"), "disabled"), "last_login",
                     stamp_text(r, jstr(u, "last_login_at")));
}

static const Done user_statuses[] = {{"active", N_("Active")}, {"disabled", N_("Disabled")}, {NULL, NULL}};
static const char *const USER_PARAMS[] = {"q", "role", "status", "province", "sort", NULL};

/* The users' CSV or XLSX: username, name, email, phone, status, roles, last sign-in. */
static int users_download(Req *r, json_t *items) {
    TableWriter *w = tablew_new(req_table_format(r), "users");
    bool vi = req_export_vi(r);
    const char *head[] = {vi ? "Tên đăng nhập" : "Username", vi ? "Họ và tên" : "Full name", "Email",
                          vi ? "Điện thoại" : "Phone", vi ? "Trạng thái" : "Status", vi ? "Vai trò" : "Roles",
                          vi ? "Đăng nhập lần cuối" : "Last sign-in"};
    tablew_row(w, head, 7);
    size_t i, j;
    json_t *u, *g;
    json_array_foreach(items, i, u) {
        Buf roles = BUF_INIT;
        json_array_foreach(json_object_get(u, "roles"), j, g)
            buf_printf(&roles, "%s%s%s%s", j ? "; " : "", jstr(g, "role"), *jstr(g, "scope") ? ":" : "", jstr(g, "scope"));
        const char *cells[] = {jstr(u, "username"), jstr(u, "full_name"), jstr(u, "email"), jstr(u, "phone"),
                               jstr(u, "status"), buf_str(&roles), jstr(u, "last_login_at")};
        tablew_row(w, cells, 7);
        buf_free(&roles);
    }
    char *out = NULL;
    size_t len = 0;
    Err e = ERR_INIT;
    if (tablew_finish(w, &out, &len, &e)) return fail(r, &e);
    return resp_download(r, req_table_format(r), out, len, "users");
}

#define SCOPE_HELP                                                                                                     \
    N_("Province code (2 digits), commune code (5 digits), council no. or producer no.; empty for an administrator")

/* The users' page (a page of the list, or the whole as a file) with the new account's form. */
static int users_show(Req *r, int status, const Err *e) {
    Paging pg;
    req_paging(r, &pg);
    bool download = req_query(r, "format") != NULL;
    UserQuery q = {.q = req_query(r, "q"), .role = req_query(r, "role"), .status = req_query(r, "status"),
                   .province = req_query(r, "province"), .sort = req_query(r, "sort"), .limit = download ? -1 : PER_PAGE,
                   .offset = download ? 0 : pg.offset};
    if (q.role && !*q.role) q.role = NULL;
    if (q.status && !*q.status) q.status = NULL;
    if (q.province && !*q.province) q.province = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    Err le = ERR_INIT;
    if (user_list(r->db, &r->actor, &q, &items, &total, &le)) return fail(r, &le);
    if (download) {
        int st = users_download(r, items);
        json_decref(items);
        return st;
    }
    json_t *rows = json_array(), *u;
    size_t i;
    json_array_foreach(items, i, u) json_array_append_new(rows, user_row(r, u));
    json_decref(items);
    const char *base = keep_query(r, "/quan-tri/nguoi-dung", USER_PARAMS);
    char n[32];
    json_t *roles = role_options(r, req_form(r, "role"));
    const PageField fields[] = {
        {"username", "text", N_("Username"), N_("3 to 32 characters: letters a-z without diacritics, digits and . _ -"),
         "off", true, NULL},
        {"password", "password", N_("Password"),
         N_("At least 10 characters, at least 5 of them different, not the username. Tell it to the person in a safe way."),
         "new-password", true, NULL},
        {"full_name", "text", N_("Full name"), NULL, "off", false, NULL},
        {"email", "email", N_("Email"), NULL, "off", false, NULL},
        {"phone", "tel", N_("Phone"), NULL, "off", false, NULL},
        {"role", "select", N_("Role"), NULL, NULL, false, roles},
        {"scope", "text", N_("Where the role reaches"), SCOPE_HELP, "off", false, NULL},
    };
    json_t *view = json_pack("{s:o, s:b, s:s, s:s?, s:s?, s:o, s:o, s:s, s:s, s:o}", "rows", rows, "has_rows", total > 0,
                             "total", lang_int(r->lang, total, n, sizeof n), "q", q.q, "province", q.province,
                             "roles", role_options(r, q.role), "statuses", options(r, user_statuses, q.status),
                             "csv_href", arena_printf(&r->arena, "%sformat=csv", base), "xlsx_href",
                             arena_printf(&r->arena, "%sformat=xlsx", base), "form", page_form(r, fields, COUNT(fields), e));
    json_decref(roles);
    json_object_set_new(view, "sorts", work_user_sorts(r));
    set_pager(r, view, base, pg.page, total);
    static const Done done[] = {{"created", N_("The account is created.")}, {NULL, NULL}};
    json_object_set_new(view, "notice", done_notice(r, done));
    if (e) json_object_set_new(view, "open_form", json_true());
    return work_render(r, status, "admin_users", view);
}

/* GET /quan-tri/nguoi-dung. */
int page_admin_users(Req *r) { return users_show(r, 200, NULL); }

/* POST /quan-tri/nguoi-dung: a new account, with one role when one is chosen. */
int page_admin_user_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = json_object();
    static const char *const keys[] = {"username", "password", "full_name", "email", "phone"};
    for (size_t i = 0; i < COUNT(keys); i++) put_field(r, in, keys[i], false);
    const char *role = req_form(r, "role"), *scope = req_form(r, "scope");
    if (role && *role)
        json_object_set_new(in, "roles", json_pack("[{s:s, s:s}]", "role", role, "scope", scope ? scope : ""));
    int64_t id = 0;
    int rc = user_create(r->db, &r->actor, in, &id, &e);
    json_decref(in);
    if (!rc) return page_redirect(r, arena_printf(&r->arena, "/quan-tri/nguoi-dung/%lld?done=created", (long long)id));
    /* "roles" (the list as a whole) is told beside the role's field */
    if (!strncmp(e.field, "roles", 5)) snprintf(e.field, sizeof e.field, "role");
    int st = users_show(r, e.status == 409 ? 409 : 422, &e);
    err_clear(&e);
    return st;
}

/* The provinces in force and the councils, for the datalist beside a role's scope. */
static json_t *scope_choices(Req *r) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT code, name FROM units WHERE geo = '2025' AND level = 'province' AND valid_to IS "
                                "NULL UNION ALL SELECT CAST(id AS TEXT), name FROM councils ORDER BY 1");
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", db_col_text(s, 0), "label", db_col_text(s, 1)));
    db_done(s);
    return out;
}

/* An account's page (404 when there is none) with its forms; e beside its field. */
static int user_show(Req *r, int status, const Err *e) {
    int64_t id = atoll(r->pathv[0]);
    Err ge = ERR_INIT;
    json_t *u = id > 0 ? user_get(r->db, id, &ge) : NULL;
    if (!u) {
        if (!ge.status) err_set(&ge, 404, "id", "no user %s", r->pathv[0]);
        return fail(r, &ge);
    }
    json_t *roles = role_options(r, req_form(r, "role"));
    const PageField grant[] = {
        {"role", "select", N_("Role"), NULL, NULL, true, roles},
        {"scope", "text", N_("Where the role reaches"), SCOPE_HELP, "off", false, NULL},
        {"agency", "text", N_("Agency (council members)"), N_("The agency the member comes from, as the minutes name it"),
         "off", false, NULL},
        {"password", "password", N_("New password"),
         N_("At least 10 characters. The person's sessions end and its API tokens are revoked."), "new-password", false,
         NULL},
    };
    json_t *view = json_pack("{s:o, s:o, s:O, s:O, s:O, s:s, s:s, s:o}", "u", user_row(r, u), "form",
                             page_form(r, grant, COUNT(grant), e), "email", json_object_get(u, "email"), "phone",
                             json_object_get(u, "phone"), "status", json_object_get(u, "status"), "created",
                             stamp_text(r, jstr(u, "created_at")), "self_href",
                             arena_printf(&r->arena, "/quan-tri/nguoi-dung/%lld", (long long)id), "scopes",
                             scope_choices(r));
    json_object_set_new(view, "self", json_boolean(id == r->auth->user_id));
    json_decref(roles);
    json_decref(u);
    static const Done done[] = {{"created", N_("The account is created.")},
                                {"granted", N_("The role is granted.")},
                                {"revoked", N_("The role is revoked.")},
                                {"disabled", N_("The account is disabled: its sessions are ended.")},
                                {"active", N_("The account is enabled again.")},
                                {"password", N_("The password is reset: the person's sessions and API tokens are ended.")},
                                {NULL, NULL}};
    json_object_set_new(view, "notice", done_notice(r, done));
    return work_render(r, status, "admin_user", view);
}

/* GET /quan-tri/nguoi-dung/{id}. */
int page_admin_user(Req *r) { return user_show(r, 200, NULL); }

/* After a user's form: 303 back to its page with done, or the page again with the error. */
static int user_after(Req *r, int rc, Err *e, const char *done) {
    if (!rc)
        return page_redirect(r, arena_printf(&r->arena, "/quan-tri/nguoi-dung/%s?done=%s", r->pathv[0], done));
    if (e->status == 404) return fail(r, e);
    int st = user_show(r, e->status == 409 || e->status == 403 ? e->status : 422, e);
    err_clear(e);
    return st;
}

/* POST /quan-tri/nguoi-dung/{id}/vai-tro: user_grant. */
int page_admin_user_grant(Req *r) {
    Err e = ERR_INIT;
    int64_t gid = 0;
    const char *role = req_form(r, "role");
    int rc = role && *role ? user_grant(r->db, &r->actor, atoll(r->pathv[0]), role, req_form(r, "scope"),
                                        req_form(r, "agency"), &gid, &e)
                           : err_set(&e, 422, "role", "choose the role to grant");
    return user_after(r, rc, &e, "granted");
}

/* POST /quan-tri/nguoi-dung/{id}/vai-tro/xoa: user_revoke of role_id. */
int page_admin_user_revoke(Req *r) {
    Err e = ERR_INIT;
    int64_t gid = 0;
    const char *g = req_form(r, "role_id");
    int rc = g && parse_i64(g, &gid) ? user_revoke(r->db, &r->actor, atoll(r->pathv[0]), gid, &e)
                                     : err_set(&e, 422, "role_id", "choose the role to revoke");
    return user_after(r, rc, &e, "revoked");
}

/* POST /quan-tri/nguoi-dung/{id}/trang-thai: disable or enable, never one's own. */
int page_admin_user_status(Req *r) {
    Err e = ERR_INIT;
    const char *status = req_form(r, "status");
    int rc;
    if (!str_eq(status, "active") && !str_eq(status, "disabled"))
        rc = err_set(&e, 422, "status", "status is active or disabled");
    else if (atoll(r->pathv[0]) == r->auth->user_id && str_eq(status, "disabled"))
        rc = err_set(&e, 409, "status", "you cannot disable your own account");
    else {
        json_t *patch = json_pack("{s:s}", "status", status);
        rc = user_update(r->db, &r->actor, atoll(r->pathv[0]), patch, &e);
        json_decref(patch);
    }
    return user_after(r, rc, &e, rc ? "" : status);
}

/* POST /quan-tri/nguoi-dung/{id}/mat-khau: user_set_password, never one's own. */
int page_admin_user_password(Req *r) {
    Err e = ERR_INIT;
    const char *pw = req_form(r, "password");
    int rc;
    if (atoll(r->pathv[0]) == r->auth->user_id)
        rc = err_set(&e, 409, "password", "change your own password on your account's page: it asks for the current one");
    else if (!pw || !*pw)
        rc = err_set(&e, 422, "password", "enter the new password");
    else
        rc = user_set_password(r->db, &r->actor, atoll(r->pathv[0]), pw, NULL, &e);
    return user_after(r, rc, &e, "password");
}

/* ---- /quan-tri/khoa-ky: signing keys ---------------------------------------------------------- */

/* The name of a key's authority: "Vĩnh Long" for 86 and 86-2027, the Ministry for bo. */
static const char *authority_name(Req *r, const char *key_id) {
    if (!strncmp(key_id, "bo", 2)) return tr(r->lang, N_("Ministry of Agriculture and Environment"));
    const char *code = arena_printf(&r->arena, "%.2s", key_id);
    Unit u;
    Err e = ERR_INIT;
    const char *name = unit_get(r->db, &r->arena, code, NULL, &u, &e) ? code : unit_full_name(&r->arena, &u);
    err_clear(&e);
    return name;
}

/* The keys' page: the list, the confirmation of ?retire=, the form of a new key. */
static int keys_show(Req *r, int status, const Err *e) {
    json_t *keys = cert_key_list(r->db), *rows = json_array(), *k;
    size_t i;
    const char *retire = req_query(r, "retire");
    json_t *confirm = NULL;
    json_array_foreach(keys, i, k) {
        const char *id = jstr(k, "key_id"), *retired = jstr(k, "retired_at");
        char d[11];
        json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "key_id", id, "authority", authority_name(r, id),
                                "public_key", jstr(k, "public_key"), "created", stamp_text(r, jstr(k, "created_at")),
                                "retired", retired != NULL, "retired_text", page_dmy(retired, d));
        if (!retired && str_eq(retire, id)) confirm = json_pack("{s:s, s:s}", "key_id", id, "authority", authority_name(r, id));
        json_array_append_new(rows, row);
    }
    const char *authority = req_form(r, "key_id");
    if (!authority) {
        /* a key id is never reused: after a retired "86", the form proposes "86-YEAR" */
        authority = req_query(r, "authority");
        bool taken = false;
        json_array_foreach(keys, i, k) taken |= authority && str_eq(jstr(k, "key_id"), authority);
        char today[11];
        date_today(today);
        if (taken) authority = arena_printf(&r->arena, "%s-%.4s", authority, today);
    }
    json_decref(keys);
    const PageField fields[] = {
        {"key_id", "text", N_("Key of"),
         N_("The province's code (86), or bo for the Ministry; a new key after a retired one: 86-2027"), "off", true, NULL},
    };
    json_t *form = page_form(r, fields, COUNT(fields), e);
    if (authority && !e) json_object_set_new(json_object_get(json_object_get(form, "f"), "key_id"), "value", json_string(authority));
    json_t *view = json_pack("{s:o, s:b, s:o, s:o*}", "rows", rows, "has_rows", json_array_size(rows) > 0, "form", form,
                             "confirm", confirm);
    static const Done done[] = {{"generated", N_("The key is made. Its secret stays on the server, in the keys directory: back it up.")},
                                {"retired", N_("The key is retired: it signs nothing more; what it signed still verifies.")},
                                {NULL, NULL}};
    json_object_set_new(view, "notice", done_notice(r, done));
    if (e && str_eq(e->field, "retire")) {
        char msg[600];
        json_object_set_new(view, "retire_error", json_string(err_text(e, r->lang, msg, sizeof msg)));
    }
    return work_render(r, status, "admin_keys", view);
}

/* GET /quan-tri/khoa-ky. */
int page_admin_keys(Req *r) { return keys_show(r, 200, NULL); }

/* POST /quan-tri/khoa-ky: cert_key_generate in the keys directory beside the database. */
int page_admin_key_generate(Req *r) {
    Err e = ERR_INIT;
    char keys_dir[4096];
    cert_keys_dir(r->app->db_path, keys_dir, sizeof keys_dir);
    const char *id = req_form(r, "key_id");
    int rc = id && *id ? cert_key_generate(r->db, &r->actor, keys_dir, id, NULL, &e)
                       : err_set(&e, 422, "key_id", "enter the province's code, or bo for the Ministry");
    if (!rc) return page_redirect(r, "/quan-tri/khoa-ky?done=generated");
    snprintf(e.field, sizeof e.field, "key_id");
    int st = keys_show(r, e.status == 409 ? 409 : 422, &e);
    err_clear(&e);
    return st;
}

/* POST /quan-tri/khoa-ky/thu-hoi: cert_key_retire, once confirm=yes. */
int page_admin_key_retire(Req *r) {
    Err e = ERR_INIT;
    const char *id = req_form(r, "key_id");
    if (!str_eq(req_form(r, "confirm"), "yes"))
        err_set(&e, 422, "retire", "tick the box to confirm that the key is to be retired");
    else if (!cert_key_retire(r->db, &r->actor, id ? id : "", &e))
        return page_redirect(r, "/quan-tri/khoa-ky?done=retired");
    snprintf(e.field, sizeof e.field, "retire");
    int st = keys_show(r, e.status == 409 || e.status == 404 ? e.status : 422, &e);
    err_clear(&e);
    return st;
}

/* ---- /quan-tri/du-lieu: reference data --------------------------------------------------------- */

/* The words of the reference data's own values (geographies, levels, parts of a mapping). */
static const Done data_words[] = {
    {"2025", N_("Since 1 July 2025 (QĐ 19/2025/QĐ-TTg)")},
    {"pre2025", N_("Before 1 July 2025")},
    {"province", N_("provinces")},
    {"district", N_("districts")},
    {"commune", N_("communes")},
    {"full", N_("whole")},
    {"partial", N_("split among several")},
    {NULL, NULL},
};

/* The words of a value of data_words in r's language; v itself when it has none. */
static const char *data_word(Req *r, const char *v) {
    for (const Done *w = data_words; w->key; w++)
        if (str_eq(w->key, v)) return tr(r->lang, w->text);
    return v ? v : "–";
}

/* Rows {label, value} of a query returning (a, b, count): "a · b" in words, the count. */
static json_t *count_rows(Req *r, const char *sql) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, sql);
    while (db_step(s) == DB_ROW) {
        char n[32];
        const char *label = arena_printf(&r->arena, "%s · %s", data_word(r, db_col_text(s, 0)), data_word(r, db_col_text(s, 1)));
        json_array_append_new(out, json_pack("{s:s, s:s}", "label", label, "value",
                                             lang_int(r->lang, db_col_int(s, 2), n, sizeof n)));
    }
    db_done(s);
    return out;
}

/* The product sets of each version: {label, value}. */
static json_t *set_rows(Req *r) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT version, count(*) FROM product_sets GROUP BY version ORDER BY version DESC");
    while (db_step(s) == DB_ROW) {
        char n[32];
        json_array_append_new(out, json_pack("{s:s, s:s}", "label", db_col_text(s, 0), "value",
                                             lang_int(r->lang, db_col_int(s, 1), n, sizeof n)));
    }
    db_done(s);
    return out;
}

/* GET /quan-tri/du-lieu. */
int page_admin_data(Req *r) {
    json_t *sets = json_array();
    Stmt *s = db_prepare(r->db, "SELECT name, rows, loaded_at, substr(hash, 1, 12) FROM ref_data ORDER BY name");
    while (db_step(s) == DB_ROW) {
        char n[32];
        json_array_append_new(sets, json_pack("{s:s, s:s, s:s, s:s}", "name", db_col_text(s, 0), "rows",
                                              lang_int(r->lang, db_col_int(s, 1), n, sizeof n), "loaded",
                                              stamp_text(r, db_col_text(s, 2)), "hash", db_col_text(s, 3)));
    }
    db_done(s);
    json_t *rubrics = json_array();
    const Rubric *now = rubric_current();
    for (const char *const *v = rubric_versions(); *v; v++) {
        const Rubric *rb = rubric_get(*v);
        char d[11];
        json_array_append_new(rubrics, json_pack("{s:s, s:s?, s:s?, s:s, s:i, s:b}", "version", rb->version, "number",
                                                 jstr(rb->document, "number"), "title", jstr(rb->document, "title"),
                                                 "effective", page_dmy(jstr(rb->document, "effective_date"), d), "sets",
                                                 rb->nsets, "current", rb == now));
    }
    json_t *view = json_pack(
        "{s:o, s:o, s:o, s:o, s:o, s:i}", "sets", sets, "rubrics", rubrics, "units",
        count_rows(r, "SELECT geo, level, count(*) FROM units WHERE valid_to IS NULL OR geo = 'pre2025' "
                      "GROUP BY geo, level ORDER BY geo, level DESC"),
        "links", count_rows(r, "SELECT level, part, count(*) FROM unit_links GROUP BY level, part ORDER BY level DESC, part"),
        "product_sets", set_rows(r),
        "schema", migrate_latest());
    return work_render(r, 200, "admin_data", view);
}

/* ---- /quan-tri/he-thong: the figures of /metrics ------------------------------------------------ */

/* "2 days 3 hours", "45 minutes": an uptime a person reads. */
static const char *duration_text(Req *r, int64_t s) {
    char a[32], b[32];
    if (s >= 86400)
        return arena_printf(&r->arena, tr(r->lang, N_("%s days %s hours")), lang_int(r->lang, s / 86400, a, sizeof a),
                            lang_int(r->lang, s % 86400 / 3600, b, sizeof b));
    if (s >= 3600)
        return arena_printf(&r->arena, tr(r->lang, N_("%s hours %s minutes")), lang_int(r->lang, s / 3600, a, sizeof a),
                            lang_int(r->lang, s % 3600 / 60, b, sizeof b));
    return arena_printf(&r->arena, tr(r->lang, N_("%s minutes")), lang_int(r->lang, s / 60, a, sizeof a));
}

/* "12.3 MB" of a size in bytes. */
static const char *bytes_text(Req *r, int64_t n) {
    if (n < 0) return "–";
    if (n >= 1 << 30) return arena_printf(&r->arena, "%.1f GB", (double)n / (1 << 30));
    if (n >= 1 << 20) return arena_printf(&r->arena, "%.1f MB", (double)n / (1 << 20));
    return arena_printf(&r->arena, "%.1f KB", (double)n / 1024);
}

/* The size of the file at path; 0 when there is none. */
static int64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) ? 0 : (int64_t)st.st_size;
}

/* The latency histogram as rows: up to each bound, how many requests and what share. */
static json_t *latency_rows(Req *r, json_t *m) {
    json_t *out = json_array(), *b;
    int64_t total = json_integer_value(json_object_get(m, "requests"));
    size_t i;
    json_array_foreach(json_object_get(m, "buckets"), i, b) {
        double le = json_real_value(json_object_get(b, "le"));
        int64_t n = json_integer_value(json_object_get(b, "count"));
        char c[32];
        const char *bound = le < 1 ? arena_printf(&r->arena, "%g ms", le * 1000) : arena_printf(&r->arena, "%g s", le);
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "bound", bound, "count", lang_int(r->lang, n, c, sizeof c),
                                             "share", total ? arena_printf(&r->arena, "%.1f%%", 100.0 * (double)n / (double)total) : "–"));
    }
    return out;
}

/* The routes by requests, most first, at most 25: route, status, count. */
static json_t *route_rows(Req *r, json_t *m) {
    json_t *by_route = json_object_get(m, "routes"), *out = json_array();
    size_t n = json_array_size(by_route);
    json_t **v = arena_alloc(&r->arena, sizeof *v * (n + 1));
    for (size_t i = 0; i < n; i++) v[i] = json_array_get(by_route, i);
    for (size_t i = 0; i < n && i < 25; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < n; j++)
            if (json_integer_value(json_object_get(v[j], "count")) > json_integer_value(json_object_get(v[best], "count"))) best = j;
        json_t *t = v[i];
        v[i] = v[best];
        v[best] = t;
        char c[32];
        json_array_append_new(out, json_pack("{s:O, s:O, s:s}", "route", json_object_get(v[i], "route"), "status",
                                             json_object_get(v[i], "status"), "count",
                                             lang_int(r->lang, json_integer_value(json_object_get(v[i], "count")), c, sizeof c)));
    }
    return out;
}

/* GET /quan-tri/he-thong. */
int page_admin_system(Req *r) {
    const char *names[256];
    size_t n = nroutes < COUNT(names) ? nroutes : COUNT(names);
    for (size_t i = 0; i < n; i++) names[i] = routes[i].name;
    json_t *m = metrics_json(r->app->metrics, names, n);
    int64_t total = json_integer_value(json_object_get(m, "requests"));
    double sum = json_real_value(json_object_get(m, "sum_s"));
    DbStorage st;
    db_storage(r->db, &st);
    const char *path = r->app->db_path;
    int64_t db = file_size(path), wal = file_size(arena_printf(&r->arena, "%s-wal", path));
    char c[32], k[32], cp_path[4200];
    AuditCheckpoint cp;
    Err e = ERR_INIT;
    audit_checkpoint_path(path, cp_path, sizeof cp_path);
    bool has_cp = audit_checkpoint_read(cp_path, NULL, &cp, &e) == 0;
    err_clear(&e);
    json_t *figures = json_array();
#define FIG(label, value) json_array_append_new(figures, json_pack("{s:s, s:s}", "label", tr(r->lang, label), "value", value))
    FIG(N_("Version"), OCOP_VERSION);
    FIG(N_("Running for"), duration_text(r, json_integer_value(json_object_get(m, "uptime_s"))));
    FIG(N_("Requests answered"), lang_int(r->lang, total, c, sizeof c));
    FIG(N_("Average time of a request"), total ? arena_printf(&r->arena, "%.1f ms", sum * 1000 / (double)total) : "–");
    FIG(N_("Requests being answered now"), lang_int(r->lang, atomic_load(&r->app->inflight), k, sizeof k));
    FIG(N_("Database connections"), arena_printf(&r->arena, "%d", atomic_load(&r->app->dbs_open)));
    FIG(N_("Database file"), bytes_text(r, db));
    FIG(N_("Write-ahead log"), bytes_text(r, wal));
    FIG(N_("Free disk space"), bytes_text(r, st.free_bytes));
    FIG(N_("Database schema version"), arena_printf(&r->arena, "%d", migrate_latest()));
    FIG(N_("Audit checkpoint"), has_cp ? arena_printf(&r->arena, tr(r->lang, N_("entry %lld, written %s")),
                                                      (long long)cp.id, stamp_text(r, cp.at))
                                       : tr(r->lang, N_("none yet")));
#undef FIG
    json_t *view = json_pack("{s:o, s:o, s:o, s:s?}", "figures", figures, "latency", latency_rows(r, m), "routes",
                             route_rows(r, m), "failure", st.failed_at ? st.failure : NULL);
    json_decref(m);
    return work_render(r, 200, "admin_system", view);
}

/* ---- /quan-tri/nhat-ky: the audit trail -------------------------------------------------------- */

static const char *const AUDIT_PARAMS[] = {"user", "entity", "action", "from", "to", "sort", NULL};

/* The entity names the trail holds, as options. */
static json_t *audit_entities(Req *r, const char *chosen) {
    json_t *out = json_array();
    Stmt *s = db_prepare(r->db, "SELECT DISTINCT entity FROM audit_log ORDER BY entity");
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", db_col_text(s, 0), "label", db_col_text(s, 0),
                                             "selected", str_eq(db_col_text(s, 0), chosen)));
    db_done(s);
    return out;
}

/* The result of audit_verify as the page tells it. */
static json_t *verify_view(Req *r) {
    AuditCheck c;
    char n[32];
    if (!audit_verify(r->db, &c))
        return json_pack("{s:b, s:s}", "intact", true, "text",
                         arena_printf(&r->arena, tr(r->lang, N_("The chain is intact: %s entries checked, none changed, removed or inserted.")),
                                      lang_int(r->lang, c.entries, n, sizeof n)));
    char what[200];
    audit_describe(r->db, c.broken_id, what, sizeof what);
    return json_pack("{s:b, s:s, s:s, s:s}", "broken", true, "text",
                     arena_printf(&r->arena, tr(r->lang, N_("The chain is broken at entry %lld: the trail was changed from there on."
                                                             " Keep the database as it is and compare it with a backup.")),
                                  (long long)c.broken_id),
                     "reason", c.reason, "entry", what);
}

/* GET /quan-tri/nhat-ky: a page of the trail or the whole as a file, and ?verify=true. */
int page_admin_audit(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool download = req_query(r, "format") != NULL;
    AuditQuery q = {.user = req_query(r, "user"), .entity = req_query(r, "entity"), .action = req_query(r, "action"),
                    .from = req_query(r, "from"), .to = req_query(r, "to"), .nprovinces = -1,
                    .oldest_first = str_eq(req_query(r, "sort"), "oldest"),
                    .limit = download ? -1 : PER_PAGE, .offset = download ? 0 : pg.offset};
    const char **f[] = {&q.user, &q.entity, &q.action, &q.from, &q.to};
    for (size_t i = 0; i < COUNT(f); i++)
        if (*f[i] && !**f[i]) *f[i] = NULL;
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    int status = 200;
    json_t *alert = json_null();
    if (audit_list(r->db, &q, &items, &total, &e)) {
        char msg[600];
        alert = json_string(err_text(&e, r->lang, msg, sizeof msg));
        status = e.status;
        err_clear(&e);
        items = json_array();
    } else if (download) {
        char *out = NULL;
        size_t len = 0;
        int rc = audit_export(items, req_table_format(r), req_export_vi(r), &out, &len, &e);
        json_decref(items);
        return rc ? fail(r, &e) : resp_download(r, req_table_format(r), out, len, "audit");
    }
    json_t *rows = json_array(), *o;
    size_t i;
    json_array_foreach(items, i, o) {
        json_array_append_new(rows, json_pack("{s:O, s:s, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(o, "id"), "at",
                                              stamp_text(r, jstr(o, "at")), "user", json_object_get(o, "username"),
                                              "action", json_object_get(o, "action"), "entity", json_object_get(o, "entity"),
                                              "entity_id", json_object_get(o, "entity_id"), "remote",
                                              json_object_get(o, "remote")));
    }
    json_decref(items);
    const char *base = keep_query(r, "/quan-tri/nhat-ky", AUDIT_PARAMS);
    char n[32];
    json_t *view = json_pack("{s:o, s:b, s:s, s:s?, s:s?, s:s?, s:s?, s:o, s:s, s:s, s:o}", "rows", rows, "has_rows",
                             json_array_size(rows) > 0, "total", lang_int(r->lang, total, n, sizeof n), "user", q.user,
                             "action", q.action, "from", q.from, "to", q.to, "entities", audit_entities(r, q.entity),
                             "csv_href", arena_printf(&r->arena, "%sformat=csv", base), "xlsx_href",
                             arena_printf(&r->arena, "%sformat=xlsx", base), "alert", alert);
    json_object_set_new(view, "oldest", json_boolean(q.oldest_first));
    set_pager(r, view, base, pg.page, total);
    if (req_bool(r, "verify", false)) json_object_set_new(view, "verify", verify_view(r));
    return work_render(r, status, "admin_audit", view);
}
