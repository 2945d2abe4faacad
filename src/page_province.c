/*
** page_province.c: the province officer's workspace (/tinh), first half: the dossiers of the
** province's communes (/tinh/ho-so), its evaluation rounds (/tinh/dot) and its councils with
** their members, advisory groups and conflicts of interest (/tinh/hoi-dong), and the
** province's part of "what needs me now" (docs/web.md "The province officer's workspace").
** Every write calls the domain the JSON API calls: dossier_act (through POST /ho-so/{id}/buoc),
** entity_insert and entity_update for rounds, councils and advisors, user_grant, user_create and
** user_revoke for members; scoring_round_status reads a round's progress and conflicts.
*/
#include "page_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "entity.h"
#include "form.h"
#include "page.h"
#include "page_dossier.h"
#include "page_list.h"
#include "page_record.h"
#include "registry.h"
#include "rubric.h"
#include "scoring.h"
#include "util.h"

enum { NEEDS_SHOWN = 5, SOON_DAYS = 14 };

/* The province the caller works for (its province officer's grant), or NULL for an
** administrator, who sees every province. */
static const char *my_province(Req *r) {
    const Grant *g = work_grant(r, ROLE_PROVINCE);
    return g ? g->scope : NULL;
}

/* A message id with up to two %s values, in r's language (err_set formats, err_text
** translates: the one way of telling a message with values from C). Lives in the arena. */
static const char *say(Req *r, const char *fmt_id, const char *a1, const char *a2) {
    Err e = ERR_INIT;
    err_set(&e, 200, "", fmt_id, a1, a2);
    char out[600];
    const char *s = arena_strdup(&r->arena, err_text(&e, r->lang, out, sizeof out));
    err_clear(&e);
    return s;
}

static const char *dmy(Req *r, const char *iso) {
    char out[11];
    return iso && *iso ? arena_strdup(&r->arena, page_dmy(iso, out)) : NULL;
}

static const char *int_text(Req *r, long long n) {
    char out[32];
    return arena_strdup(&r->arena, lang_int(r->lang, n, out, sizeof out));
}

/* s, or "" for NULL. */
static const char *nz(const char *s) { return s ? s : ""; }

/* {"CODE": {name, ...}} of the communes codes (an array of strings) names (registry_communes). */
static json_t *commune_names(Req *r, json_t *codes) {
    size_t n = json_array_size(codes), i;
    const char **v = arena_alloc(&r->arena, sizeof(char *) * (n + 1));
    json_t *c;
    json_array_foreach(codes, i, c) v[i] = json_string_value(c);
    return registry_communes(r->db, v, (int)n);
}

static const char *commune_of(json_t *names, const char *code) {
    const char *s = json_string_value(json_object_get(json_object_get(names, code ? code : ""), "name"));
    return s ? s : code;
}

/* The "?done=" notice of a page after a form worked, or NULL. */
static const char *done_notice(Req *r) {
    static const struct {
        const char *done, *text;
    } notices[] = {
        {"created", N_("Saved.")},
        {"saved", N_("The changes are saved.")},
        {"closed", N_("The round is closed.")},
        {"assigned", N_("The chosen dossiers are in the round.")},
        {"member", N_("The member is added to the council.")},
        {"removed", N_("The member is removed from the council.")},
        {"advisor", N_("The expert is added to the advisory group.")},
        {"advisor-removed", N_("The expert is removed from the advisory group.")},
    };
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < COUNT(notices); i++)
        if (!strcmp(done, notices[i].done)) return tr(r->lang, notices[i].text);
    if (done && *done) return say(r, N_("Done: %s."), work_action_label(r, done), NULL);
    return NULL;
}

/* Start a view with its notice. */
static json_t *view_new(Req *r) {
    json_t *v = json_object();
    const char *n = done_notice(r);
    if (n) json_object_set_new(v, "notice", json_string(n));
    return v;
}

/* ---- what needs me now ---------------------------------------------------------------------- */

/* The dossiers of prov in state, oldest forwarded first: items and the total. */
static json_t *needs_dossiers(Req *r, const char *prov, const char *state, int64_t *total) {
    Stmt *s = db_prepare(r->db, "SELECT d.id, d.reg_no, p.name, d.commune_code, d.forwarded_on, count(*) OVER () "
                                "FROM dossiers d JOIN products p ON p.id = d.product_id "
                                "WHERE d.province_code = ? AND d.state = ? ORDER BY d.forwarded_on, d.id LIMIT ?");
    db_bind_text(s, 1, prov);
    db_bind_text(s, 2, state);
    db_bind_int(s, 3, NEEDS_SHOWN);
    json_t *rows = json_array(), *codes = json_array();
    *total = 0;
    while (db_step(s) == DB_ROW) {
        *total = db_col_int(s, 5);
        json_array_append_new(rows,
                              json_pack("{s:I, s:s?, s:s?, s:s?}", "id", (json_int_t)db_col_int(s, 0), "reg_no",
                                        db_col_text(s, 1), "name", db_col_text(s, 2), "commune", db_col_text(s, 3)));
        json_array_append_new(codes, json_string(db_col_text(s, 3) ? db_col_text(s, 3) : ""));
    }
    db_done(s);
    json_t *names = commune_names(r, codes), *items = json_array(), *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        const char *text = arena_printf(&r->arena, "%s – %s", page_jstr(row, "name"),
                                        page_jstr(row, "reg_no") ? page_jstr(row, "reg_no") : "");
        json_array_append_new(items, work_item(r, text,
                                               arena_printf(&r->arena, "/tinh/ho-so/%lld",
                                                            (long long)json_integer_value(json_object_get(row, "id"))),
                                               commune_of(names, page_jstr(row, "commune")), NULL));
    }
    json_decref(rows);
    json_decref(codes);
    json_decref(names);
    return items;
}

/* Open rounds whose cut-off or end is within SOON_DAYS or past, and open rounds whose council
** cannot reach a quorum (none, or no chair or no scoring member): two sections. */
static void needs_rounds(Req *r, const char *prov, json_t *sections) {
    char today[11], soon[11];
    date_today(today);
    date_add_days(today, SOON_DAYS, soon);
    Stmt *s = db_prepare(
        r->db, "SELECT r.id, r.name, r.forward_by, r.ends_on, r.council_id, "
               "(SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id AND u.status = 'active' "
               "WHERE ur.scope = CAST(r.council_id AS TEXT) AND ur.role = 'council_chair'), "
               "(SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id AND u.status = 'active' "
               "WHERE ur.scope = CAST(r.council_id AS TEXT) AND ur.role IN ('council_chair', 'council_member')) "
               "FROM rounds r WHERE r.province_code = ? AND r.state = 'open' ORDER BY r.ends_on, r.id");
    db_bind_text(s, 1, prov);
    json_t *dates = json_array(), *quorum = json_array();
    while (db_step(s) == DB_ROW) {
        const char *name = db_col_text(s, 1), *fwd = db_col_text(s, 2), *ends = db_col_text(s, 3);
        const char *href = arena_printf(&r->arena, "/tinh/dot/%lld", (long long)db_col_int(s, 0));
        bool fwd_ahead = fwd && strcmp(fwd, today) >= 0;
        const char *due = fwd_ahead ? fwd : ends;
        if (due && strcmp(due, soon) <= 0)
            json_array_append_new(dates, work_item(r, name, href,
                                                   tr(r->lang, fwd_ahead ? N_("Communes forward dossiers by this day")
                                                                         : N_("The round ends")),
                                                   due));
        const char *why = db_col_null(s, 4)       ? N_("The round has no council yet")
                          : db_col_int(s, 5) == 0 ? N_("The council has no chair")
                          : db_col_int(s, 6) == 0 ? N_("The council has no member who scores")
                                                  : NULL;
        if (why) json_array_append_new(quorum, work_item(r, name, href, tr(r->lang, why), ends));
    }
    db_done(s);
    work_section(r, sections, N_("Rounds near their cut-off or end"), dates, 0, "/tinh/dot", false);
    work_section(r, sections, N_("Rounds whose council cannot reach a quorum"), quorum, 0, "/tinh/hoi-dong", false);
}

/* The label of a conflict's kind ("declared", "own_producer", "same_commune"). */
static const char *conflict_label(Req *r, const char *kind) {
    if (str_eq(kind, "own_producer")) return tr(r->lang, N_("Detected: the member's own producer filed the dossier"));
    if (str_eq(kind, "same_commune"))
        return tr(r->lang, N_("Detected: the member has a producer in the dossier's commune"));
    return tr(r->lang, N_("Declared by the member"));
}

void work_needs_province(Req *r, json_t *sections) {
    const char *prov = my_province(r);
    int64_t total;
    json_t *items = needs_dossiers(r, prov, "forwarded", &total);
    work_section(r, sections, N_("Forwarded dossiers to check"), items, total, "/tinh/ho-so?state=forwarded", true);
    items = needs_dossiers(r, prov, "checked", &total);
    work_section(r, sections, N_("Checked dossiers to put in a round"), items, total, "/tinh/ho-so?state=checked",
                 false);
    needs_rounds(r, prov, sections);
    json_t *st = scoring_round_status(r->db, prov, 0), *c, *shown = json_array();
    size_t i;
    json_array_foreach(json_object_get(st, "conflicts"), i, c) {
        if (i >= NEEDS_SHOWN) break;
        const char *who = page_jstr(c, "full_name") ? page_jstr(c, "full_name") : page_jstr(c, "username");
        const char *text =
            arena_printf(&r->arena, "%s – %s", who, page_jstr(c, "reg_no") ? page_jstr(c, "reg_no") : "");
        json_array_append_new(shown,
                              work_item(r, text,
                                        arena_printf(&r->arena, "/tinh/dot/%lld",
                                                     (long long)json_integer_value(json_object_get(c, "round_id"))),
                                        conflict_label(r, page_jstr(c, "kind")), NULL));
    }
    work_section(r, sections, N_("Conflicts of interest in open rounds"), shown,
                 (int64_t)json_array_size(json_object_get(st, "conflicts")), NULL, false);
    json_decref(st);
}

/* ---- /tinh/ho-so: the dossiers of the province ---------------------------------------------- */

static json_t *enum_options(Req *r, const Entity *en, const char *field) {
    return page_list_enum(r, entity_field(en, field)->enums);
}

static json_t *dossier_states(Req *r) { return enum_options(r, &ENTITY_DOSSIERS, "state"); }
static json_t *dossier_kinds(Req *r) { return enum_options(r, &ENTITY_DOSSIERS, "kind"); }

/* [{value, label}] of the rows of sql (value, label) with the caller's province bound to its
** one '?' (NULL for an administrator: every province). */
static json_t *options_of(Req *r, const char *sql) {
    Stmt *s = db_prepare(r->db, sql);
    db_bind_text(s, 1, my_province(r));
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", db_col_text(s, 0), "label",
                                             db_col_text(s, 1) ? db_col_text(s, 1) : db_col_text(s, 0)));
    db_done(s);
    return out;
}

/* The communes of the caller's province (for an administrator: those that have dossiers), by
** name. */
static json_t *dossier_communes(Req *r) {
    json_t *codes =
        options_of(r, my_province(r) ? "SELECT code, NULL FROM units WHERE geo = '2025' AND level = 'commune' "
                                       "AND valid_to IS NULL AND parent_code = ? ORDER BY coalesce(name_en, name)"
                                     : "SELECT DISTINCT commune_code, NULL FROM dossiers WHERE ? IS NULL");
    json_t *list = json_array(), *o;
    size_t i;
    json_array_foreach(codes, i, o) json_array_append(list, json_object_get(o, "value"));
    json_t *names = commune_names(r, list), *out = json_array();
    json_array_foreach(codes, i, o) {
        const char *code = page_jstr(o, "value");
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", code, "label", commune_of(names, code)));
    }
    json_decref(codes);
    json_decref(list);
    json_decref(names);
    return out;
}

static json_t *province_rounds(Req *r) {
    return options_of(
        r, "SELECT id, name FROM rounds WHERE ?1 IS NULL OR province_code = ?1 ORDER BY year DESC, number DESC");
}

static const ListOption overdue_options[] = {
    {"true", N_("Past the commune's deadline")},
    {"false", N_("Not overdue")},
    {NULL, NULL},
};

static const ListOption source_options[] = {
    {"false", N_("Filed in ocop")},
    {"true", N_("From the archive (decided before ocop)")},
    {NULL, NULL},
};

static const ListOption star_options[] = {
    {"5", N_("5 stars")}, {"4", N_("4 stars")}, {"3", N_("3 stars")},
    {"2", N_("2 stars")}, {"1", N_("1 star")},  {NULL, NULL},
};

static const ListFilter dossier_filters[] = {
    {"state", N_("State"), LF_OPTIONS, NULL, dossier_states},
    {"kind", N_("Kind"), LF_OPTIONS, NULL, dossier_kinds},
    {"commune_code", N_("Commune"), LF_OPTIONS, NULL, dossier_communes},
    {"round_id", N_("Round"), LF_OPTIONS, NULL, province_rounds},
    {"overdue", N_("Deadline"), LF_OPTIONS, overdue_options, NULL},
    {"stars", N_("Result"), LF_OPTIONS, star_options, NULL},
    {"archived", N_("Source"), LF_OPTIONS, source_options, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption dossier_sorts[] = {
    {"-id", N_("Newest first")},
    {"forwarded_on", N_("Forwarded earliest first")},
    {"-filed_on", N_("Filed most recently first")},
    {"commune_due", N_("Commune's deadline, nearest first")},
    {"reg_no", N_("Registration number")},
    {"-stars", N_("Most stars first")},
    {NULL, NULL},
};

/* What a list's page shows of each of its items beyond their columns, in one query: sql_head
** ends in "WHERE x.id IN " and selects the id first; row makes the object of one result row.
** {"ID": object}. */
static json_t *page_extra(Req *r, json_t *items, const char *sql_head, json_t *(*row)(Req *r, Stmt *s)) {
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *extra = json_object();
    if (!n) return extra;
    Buf sql = BUF_INIT;
    buf_puts(&sql, sql_head);
    buf_puts(&sql, "(?");
    for (int i = 1; i < n; i++) buf_puts(&sql, ", ?");
    buf_putc(&sql, ')');
    Stmt *s = db_prepare(r->db, buf_str(&sql));
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_int(s, i + 1, ids[i]);
    while (db_step(s) == DB_ROW)
        json_object_set_new(extra, arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)), row(r, s));
    db_done(s);
    return extra;
}

/* The row of item it (its id) from extra (page_extra), a new object. */
static json_t *row_of(Req *r, json_t *extra, json_t *it) {
    int64_t id = json_integer_value(json_object_get(it, "id"));
    json_t *row = json_object_get(extra, arena_printf(&r->arena, "%lld", (long long)id));
    row = row ? json_incref(row) : json_object();
    json_object_set_new(row, "id", json_integer(id));
    return row;
}

static json_t *dossier_extra(Req *r, Stmt *s) {
    (void)r;
    return json_pack("{s:s?, s:s?, s:s?}", "product_name", db_col_text(s, 1), "producer_name", db_col_text(s, 2),
                     "round_name", db_col_text(s, 3));
}

/* The rows of a page of dossiers: product, producer and round in one query. */
static json_t *dossier_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *names = page_list_communes(r, items);
    json_t *extra =
        page_extra(r, items,
                   "SELECT d.id, p.name, pr.name, rd.name FROM dossiers d LEFT JOIN products p ON p.id = d.product_id "
                   "LEFT JOIN producers pr ON pr.id = d.producer_id LEFT JOIN rounds rd ON rd.id = d.round_id "
                   "WHERE d.id IN ",
                   dossier_extra);
    char today[11];
    date_today(today);
    json_t *rows = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        const char *state = page_jstr(it, "state"), *due = page_jstr(it, "commune_due");
        json_t *row = row_of(r, extra, it);
        json_object_set(row, "reg_no", json_object_get(it, "reg_no"));
        json_object_set(row, "archived", json_object_get(it, "archived"));
        json_object_set_new(row, "state", json_string(state ? state : ""));
        json_object_set_new(row, "state_label", json_string(work_state_label(r, state)));
        json_object_set_new(row, "kind_label", json_string(work_kind_label(r, page_jstr(it, "kind"))));
        json_object_set_new(row, "commune_name", json_string(nz(commune_of(names, page_jstr(it, "commune_code")))));
        const char *fwd = dmy(r, page_jstr(it, "forwarded_on"));
        if (fwd) json_object_set_new(row, "forwarded_text", json_string(fwd));
        if (str_eq(state, "with_commune") && due) {
            json_object_set_new(row, "due_text", json_string(dmy(r, due)));
            json_object_set_new(row, "overdue", json_boolean(strcmp(due, today) < 0));
        }
        json_int_t stars = json_integer_value(json_object_get(it, "stars"));
        if (stars > 0) {
            json_object_set_new(row, "stars_text", json_string(page_stars((int)stars)));
            json_object_set_new(row, "stars", json_integer(stars));
        }
        json_array_append_new(rows, row);
    }
    json_decref(names);
    json_decref(extra);
    return rows;
}

static const ListPage dossiers_page = {
    &ENTITY_DOSSIERS,
    "/tinh/ho-so",
    "province_dossiers",
    N_("Dossiers of the province"),
    dossier_filters,
    dossier_sorts,
    dossier_rows,
    NULL,
    NULL,
};

int page_province_dossiers(Req *r) { return page_list(r, &dossiers_page); }

/* ---- /tinh/ho-so/{id}: one dossier ----------------------------------------------------------- */

/* The commune's report (Mẫu 03) as the page shows it: its four items with their labels. */
static json_t *commune_report_view(Req *r, json_t *rep) {
    static const struct {
        const char *key, *label;
    } items[] = {
        {"origin", N_("The raw materials come from the locality")},
        {"labour", N_("The work is done by local people")},
        {"idea", N_("The product is the locality's idea")},
        {"identity", N_("The product carries the locality's identity")},
    };
    if (!json_is_object(rep)) return json_null();
    json_t *list = json_array();
    for (size_t i = 0; i < COUNT(items); i++) {
        json_t *it = json_object_get(json_object_get(rep, "items"), items[i].key);
        if (!json_is_object(it)) continue;
        json_array_append_new(list,
                              json_pack("{s:s, s:b, s:O?}", "label", tr(r->lang, items[i].label), "met",
                                        json_is_true(json_object_get(it, "met")), "note", json_object_get(it, "note")));
    }
    return json_pack("{s:o, s:O?, s:O?, s:s?}", "items", list, "comment", json_object_get(rep, "comment"),
                     "assessed_by", json_object_get(rep, "assessed_by"), "assessed_text",
                     dmy(r, page_jstr(rep, "assessed_on")));
}

/* The producer's self-assessment (Mẫu 02) in short: the parts' points, the total, the stars. */
static json_t *self_assessment_view(Req *r, json_t *sa) {
    json_t *res = json_object_get(sa, "result");
    if (!json_is_object(res)) return json_null();
    json_t *parts = json_object_get(res, "parts");
    json_int_t stars = json_integer_value(json_object_get(res, "stars"));
    return json_pack(
        "{s:I, s:I, s:I, s:I, s:s, s:I, s:b}", "a", json_integer_value(json_object_get(parts, "A")), "b",
        json_integer_value(json_object_get(parts, "B")), "c", json_integer_value(json_object_get(parts, "C")), "total",
        json_integer_value(json_object_get(res, "total")), "stars_text", stars > 0 ? page_stars((int)stars) : "",
        "stars", stars, "complete", json_array_size(json_object_get(res, "missing")) == 0);
}

/* The open rounds of province that have not ended: [{id, name}] for the "assign" step. */
static json_t *open_rounds(Req *r, const char *province) {
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(r->db, "SELECT id, name, forward_by FROM rounds WHERE province_code = ? AND state = 'open' "
                                "AND ends_on >= ? ORDER BY ends_on, id");
    db_bind_text(s, 1, province);
    db_bind_text(s, 2, today);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                             say(r, N_("%s (takes dossiers forwarded by %s)"), db_col_text(s, 1),
                                                 dmy(r, db_col_text(s, 2)))));
    db_done(s);
    return out;
}

int page_province_dossier(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    json_t *d = work_dossier_view(r, id, &e);
    if (!d) return resp_problem(r, &e);
    json_t *view = view_new(r);
    json_object_set_new(view, "mau03", commune_report_view(r, json_object_get(d, "commune_report")));
    json_object_set_new(view, "self", self_assessment_view(r, json_object_get(d, "self_assessment")));
    json_object_set_new(view, "rounds", open_rounds(r, page_jstr(d, "province_code")));
    json_object_set_new(view, "next", json_string(arena_printf(&r->arena, "/tinh/ho-so/%lld", (long long)id)));
    json_object_set_new(view, "dossier", d);
    return work_render(r, 200, "province_dossier", view);
}

/* ---- /tinh/dot: rounds ---------------------------------------------------------------------- */

static json_t *round_states(Req *r) { return enum_options(r, &ENTITY_ROUNDS, "state"); }

static json_t *round_years(Req *r) {
    return options_of(
        r, "SELECT DISTINCT year, year FROM rounds WHERE ?1 IS NULL OR province_code = ?1 ORDER BY year DESC");
}

static const ListFilter round_filters[] = {
    {"state", N_("State"), LF_OPTIONS, NULL, round_states},
    {"year", N_("Year"), LF_OPTIONS, NULL, round_years},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption round_sorts[] = {
    {"-year,-number", N_("Newest first")},
    {"ends_on", N_("Ending soonest first")},
    {"forward_by", N_("Cut-off soonest first")},
    {"name", N_("Name")},
    {NULL, NULL},
};

static json_t *round_extra(Req *r, Stmt *s) {
    return json_pack("{s:s?, s:s}", "council_name", db_col_text(s, 1), "dossiers_text", int_text(r, db_col_int(s, 2)));
}

/* The rows of a page of rounds: council and dossiers counted in one query. */
static json_t *round_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *extra =
        page_extra(r, items,
                   "SELECT r.id, c.name, (SELECT count(*) FROM dossiers d WHERE d.round_id = r.id) FROM rounds r "
                   "LEFT JOIN councils c ON c.id = r.council_id WHERE r.id IN ",
                   round_extra);
    char today[11];
    date_today(today);
    json_t *rows = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        json_t *row = row_of(r, extra, it);
        const char *state = page_jstr(it, "state"), *ends = page_jstr(it, "ends_on");
        json_object_set(row, "name", json_object_get(it, "name"));
        json_object_set_new(row, "state", json_string(state ? state : ""));
        json_object_set_new(
            row, "state_label",
            json_string(entity_enum_label(entity_field(&ENTITY_ROUNDS, "state")->enums, state, r->lang == LANG_VI)));
        json_object_set_new(row, "forward_text", json_string(nz(dmy(r, page_jstr(it, "forward_by")))));
        json_object_set_new(row, "ends_text", json_string(nz(dmy(r, ends))));
        json_object_set_new(row, "ended", json_boolean(str_eq(state, "open") && ends && strcmp(ends, today) < 0));
        json_array_append_new(rows, row);
    }
    json_decref(extra);
    return rows;
}

static const ListPage rounds_page = {
    &ENTITY_ROUNDS, "/tinh/dot", "province_rounds", N_("Evaluation rounds"),
    round_filters,  round_sorts, round_rows,        "province_code",
    my_province,
};

int page_province_rounds(Req *r) { return page_list(r, &rounds_page); }

/* [{value, label}] of the councils of the caller's province (every province council for an
** administrator). */
static json_t *council_options(Req *r) {
    return options_of(r,
                      "SELECT id, name FROM councils WHERE level = 'province' AND (?1 IS NULL OR province_code = ?1) "
                      "ORDER BY name");
}

/* Set key of o from the form's field of the same name when it is not empty; an integer field
** must be a whole number (else 422 on it). 0 or -1 with e. */
static int form_put(Req *r, json_t *o, const char *key, bool integer, Err *e) {
    const char *v = req_form(r, key);
    if (!v || !*v) return 0;
    if (!integer) {
        json_object_set_new(o, key, json_string(v));
        return 0;
    }
    int64_t n;
    if (!parse_i64(v, &n)) return err_set(e, 422, key, "write a whole number");
    json_object_set_new(o, key, json_integer(n));
    return 0;
}

/* The form's fields into a new record of en (fields: names; ints: which are whole numbers),
** checked and written; *id the new record. 0, or -1 with e naming the field at fault. */
static int create_from_form(Req *r, const Entity *en, json_t *obj, const char *const *fields, const char *const *ints,
                            int64_t *id, Err *e) {
    for (int i = 0; fields[i]; i++)
        if (form_put(r, obj, fields[i], false, e)) return -1;
    for (int i = 0; ints[i]; i++)
        if (form_put(r, obj, ints[i], true, e)) return -1;
    if (entity_check(en, obj, true, false, e) || db_begin(r->db, e)) return -1;
    if (entity_insert(r->db, &r->arena, en, &r->actor, obj, id, e) || db_commit(r->db, e)) {
        db_rollback(r->db);
        return -1;
    }
    return 0;
}

/* The rule of the law for round dates (rubric rule "rounds") as the help of the date fields. */
static const char *round_dates_help(Req *r, const char *key) {
    json_t *rule = rubric_rule(rubric_current(), "rounds"), *x;
    Buf b = BUF_INIT;
    size_t i;
    json_array_foreach(json_object_get(rule, "value"), i, x) {
        const char *md = page_jstr(x, key);
        if (!md || strlen(md) < 5) continue;
        buf_printf(&b, "%s%.2s/%.2s (%s)", i ? ", " : "", md + 3, md,
                   say(r, i ? N_("round %s and later") : N_("round %s"),
                       int_text(r, json_integer_value(json_object_get(x, "number"))), NULL));
    }
    const char *out = say(r, N_("Empty: the law's day, %s; %s."), buf_str(&b), page_jstr(rule, "law"));
    buf_free(&b);
    return out;
}

static int round_form_show(Req *r, int status, const Err *e) {
    json_t *councils = council_options(r);
    bool admin = !my_province(r);
    PageField fields[] = {
        {"year", "number", N_("Year"), NULL, NULL, true, NULL},
        {"number", "number", N_("Round number in the year"), NULL, NULL, true, NULL},
        {"name", "text", N_("Name"), N_("Empty: \"Đợt N năm YYYY\"."), NULL, false, NULL},
        {"forward_by", "date", N_("Communes forward dossiers by"), NULL, NULL, false, NULL},
        {"ends_on", "date", N_("The round ends on"), NULL, NULL, false, NULL},
        {"council_id", "select", N_("Council"), N_("The council can be chosen later."), NULL, false, councils},
        {"note", "text", N_("Note"), NULL, NULL, false, NULL},
        {"province_code", "text", N_("Province code"), N_("The 2-digit code of the province (2025)."), NULL, true,
         NULL},
    };
    json_t *form = page_form(r, fields, COUNT(fields) - (admin ? 0 : 1), e);
    json_t *f = json_object_get(form, "f");
    json_object_set_new(json_object_get(f, "forward_by"), "help", json_string(round_dates_help(r, "forward_by")));
    json_object_set_new(json_object_get(f, "ends_on"), "help", json_string(round_dates_help(r, "ends_on")));
    if (!r->form) { /* the first showing: this year, the first number of 1..12 not taken yet */
        char today[11];
        date_today(today);
        Stmt *s = db_prepare(r->db, "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 12) "
                                    "SELECT coalesce(min(k), 12) FROM n WHERE k NOT IN "
                                    "(SELECT number FROM rounds WHERE province_code = ?1 AND year = ?2)");
        db_bind_text(s, 1, my_province(r));
        db_bind_int(s, 2, atoi(today));
        int64_t next = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
        db_done(s);
        json_object_set_new(json_object_get(f, "year"), "value", json_string(arena_printf(&r->arena, "%.4s", today)));
        json_object_set_new(json_object_get(f, "number"), "value",
                            json_string(arena_printf(&r->arena, "%lld", (long long)next)));
    }
    json_decref(councils);
    char q[32], sp[32];
    json_t *view =
        json_pack("{s:o, s:b, s:s, s:s}", "form", form, "admin", admin, "quorum_text",
                  lang_num(r->lang, rubric_rule_num(rubric_current(), "quorum") * 100, 0, q, sizeof q), "spread_text",
                  lang_num(r->lang, rubric_rule_num(rubric_current(), "spread_threshold"), 0, sp, sizeof sp));
    return work_render(r, status, "province_round_new", view);
}

int page_province_round_new(Req *r) { return round_form_show(r, 200, NULL); }

int page_province_round_create(Req *r) {
    static const char *const fields[] = {"name", "forward_by", "ends_on", "note", "province_code", NULL};
    static const char *const ints[] = {"year", "number", "council_id", NULL};
    json_t *obj = json_object();
    if (my_province(r)) json_object_set_new(obj, "province_code", json_string(my_province(r)));
    Err e = ERR_INIT;
    int64_t id = 0;
    int rc = create_from_form(r, &ENTITY_ROUNDS, obj, fields, ints, &id, &e);
    json_decref(obj);
    if (rc) {
        int st = round_form_show(r, e.status == 409 ? 409 : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/dot/%lld?done=created", (long long)id));
}

/* The dossiers of round with their scoring progress (status: scoring_round_status). */
static json_t *round_dossiers(Req *r, int64_t round, json_t *status) {
    Stmt *s =
        db_prepare(r->db, "SELECT d.id, d.reg_no, d.state, p.name, d.commune_code, d.avg_score, d.stars "
                          "FROM dossiers d JOIN products p ON p.id = d.product_id WHERE d.round_id = ? ORDER BY d.id");
    db_bind_int(s, 1, round);
    json_t *rows = json_array(), *codes = json_array();
    while (db_step(s) == DB_ROW) {
        const char *state = db_col_text(s, 2);
        json_t *row = json_pack("{s:I, s:s?, s:s, s:s, s:s?, s:s?}", "id", (json_int_t)db_col_int(s, 0), "reg_no",
                                db_col_text(s, 1), "state_label", work_state_label(r, state), "product_name",
                                db_col_text(s, 3), "commune", db_col_text(s, 4), "stars_text",
                                db_col_int(s, 6) > 0 ? page_stars((int)db_col_int(s, 6)) : NULL);
        if (!db_col_null(s, 5)) {
            char num[32];
            json_object_set_new(row, "average",
                                json_string(lang_num(r->lang, db_col_double(s, 5), 2, num, sizeof num)));
        }
        json_t *q = json_object_get(json_object_get(status, "progress"),
                                    arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)));
        if (q && str_eq(state, "in_round"))
            json_object_set_new(row, "progress",
                                json_pack("{s:s, s:s, s:s, s:b, s:b}", "submitted",
                                          int_text(r, json_integer_value(json_object_get(q, "submitted"))), "scorers",
                                          int_text(r, json_integer_value(json_object_get(q, "scorers"))), "needed",
                                          int_text(r, json_integer_value(json_object_get(q, "needed"))), "met",
                                          json_is_true(json_object_get(q, "met")), "chair",
                                          json_is_true(json_object_get(q, "chair_submitted"))));
        json_array_append_new(rows, row);
        json_array_append_new(codes, json_string(db_col_text(s, 4) ? db_col_text(s, 4) : ""));
    }
    db_done(s);
    json_t *names = commune_names(r, codes), *row;
    size_t i;
    json_array_foreach(rows, i, row)
        json_object_set_new(row, "commune_name", json_string(nz(commune_of(names, page_jstr(row, "commune")))));
    json_decref(names);
    json_decref(codes);
    return rows;
}

/* The checked dossiers of the round's province that it can take (forwarded by its cut-off). */
static json_t *round_candidates(Req *r, json_t *round) {
    Stmt *s = db_prepare(
        r->db, "SELECT d.id, d.reg_no, p.name, d.forwarded_on FROM dossiers d JOIN products p ON p.id = d.product_id "
               "WHERE d.province_code = ? AND d.state = 'checked' AND (d.forwarded_on IS NULL OR d.forwarded_on <= ?) "
               "ORDER BY d.forwarded_on, d.id LIMIT 200");
    db_bind_text(s, 1, page_jstr(round, "province_code"));
    db_bind_text(s, 2, page_jstr(round, "forward_by"));
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:s?, s:s?, s:s?}", "id", (json_int_t)db_col_int(s, 0), "reg_no",
                                             db_col_text(s, 1), "product_name", db_col_text(s, 2), "forwarded_text",
                                             dmy(r, db_col_text(s, 3))));
    db_done(s);
    return out;
}

/* The conflicts of status as the pages show them. */
static json_t *conflicts_view(Req *r, json_t *status, const char *round_name) {
    json_t *out = json_array(), *c;
    size_t i;
    json_array_foreach(json_object_get(status, "conflicts"), i, c) {
        json_t *o =
            json_pack("{s:O, s:O?, s:O, s:O?, s:s, s:O?, s:s?}", "dossier_id", json_object_get(c, "dossier_id"),
                      "reg_no", json_object_get(c, "reg_no"), "username", json_object_get(c, "username"), "full_name",
                      json_object_get(c, "full_name"), "kind_label", conflict_label(r, page_jstr(c, "kind")), "reason",
                      json_object_get(c, "reason"), "round_name", round_name);
        json_object_set_new(o, "declared", json_boolean(str_eq(page_jstr(c, "kind"), "declared")));
        json_array_append_new(out, o);
    }
    return out;
}

static const PageField round_edit_fields[] = {
    {"forward_by", "date", N_("Communes forward dossiers by"), NULL, NULL, true, NULL},
    {"ends_on", "date", N_("The round ends on"), NULL, NULL, true, NULL},
    {"council_id", "select", N_("Council"), NULL, NULL, false, NULL},
    {"note", "text", N_("Note"), NULL, NULL, false, NULL},
};

/* The version of a round its page shows and its forms carry: a hash of the whole record, so
** any change since (even within the second of updated_at) makes the forms stale. */
static const char *round_version(Req *r, json_t *round) {
    char *text = json_dumps(round, JSON_COMPACT | JSON_SORT_KEYS);
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = text; p && *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    free(text);
    return arena_printf(&r->arena, "%016llx", (unsigned long long)h);
}

static int round_show(Req *r, int64_t id, int status, const Err *e) {
    Err ge = ERR_INIT;
    json_t *round = entity_get(r->db, &ENTITY_ROUNDS, id, &ge);
    if (!round) return resp_problem(r, &ge);
    const char *state = page_jstr(round, "state");
    char num[32];
    json_t *status_json = scoring_round_status(r->db, NULL, id);
    json_t *councils = council_options(r);
    PageField fields[COUNT(round_edit_fields)];
    memcpy(fields, round_edit_fields, sizeof fields);
    fields[2].options = councils;
    json_t *form = page_form(r, fields, COUNT(fields), e);
    json_t *f = json_object_get(form, "f");
    if (!r->form) {
        json_object_set_new(json_object_get(f, "forward_by"), "value", json_string(nz(page_jstr(round, "forward_by"))));
        json_object_set_new(json_object_get(f, "ends_on"), "value", json_string(nz(page_jstr(round, "ends_on"))));
        json_object_set_new(json_object_get(f, "note"), "value", json_string(nz(page_jstr(round, "note"))));
    }
    const char *chosen =
        r->form ? req_form(r, "council_id")
                : arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(round, "council_id")));
    json_t *opt;
    size_t i;
    json_array_foreach(json_object_get(json_object_get(f, "council_id"), "options"), i, opt)
        json_object_set_new(opt, "selected", json_boolean(str_eq(page_jstr(opt, "value"), chosen)));
    json_decref(councils);

    json_t *view = view_new(r);
    json_int_t council = json_integer_value(json_object_get(round, "council_id"));
    if (council) {
        Stmt *s = db_prepare(r->db, "SELECT name FROM councils WHERE id = ?");
        db_bind_int(s, 1, council);
        if (db_step(s) == DB_ROW)
            json_object_set_new(view, "council", json_pack("{s:I, s:s}", "id", council, "name", db_col_text(s, 0)));
        db_done(s);
    }
    double quorum = json_number_value(json_object_get(round, "quorum"));
    json_object_set_new(
        view, "round",
        json_pack(
            "{s:I, s:O, s:s, s:s, s:s, s:s, s:s, s:s, s:O?, s:o, s:s}", "id", (json_int_t)id, "name",
            json_object_get(round, "name"), "state", state ? state : "", "state_label",
            entity_enum_label(entity_field(&ENTITY_ROUNDS, "state")->enums, state, r->lang == LANG_VI), "forward_text",
            nz(dmy(r, page_jstr(round, "forward_by"))), "ends_text", nz(dmy(r, page_jstr(round, "ends_on"))),
            "quorum_text", arena_strdup(&r->arena, lang_num(r->lang, quorum * 100, 0, num, sizeof num)), "spread_text",
            arena_strdup(&r->arena, lang_num(r->lang, json_number_value(json_object_get(round, "spread_threshold")), 0,
                                             num, sizeof num)),
            "note", json_object_get(round, "note"), "is", page_is(state), "version", round_version(r, round)));
    json_t *dossiers = round_dossiers(r, id, status_json);
    json_object_set_new(view, "has_dossiers", json_boolean(json_array_size(dossiers) > 0));
    json_object_set_new(view, "dossiers", dossiers);
    json_t *cands = str_eq(state, "open") ? round_candidates(r, round) : json_array();
    json_object_set_new(view, "has_candidates", json_boolean(json_array_size(cands) > 0));
    json_object_set_new(view, "candidates", cands);
    json_t *conflicts = conflicts_view(r, status_json, NULL);
    json_object_set_new(view, "has_conflicts", json_boolean(json_array_size(conflicts) > 0));
    json_object_set_new(view, "conflicts", conflicts);
    json_object_set_new(view, "form", form);
    json_decref(status_json);
    json_decref(round);
    return work_render(r, status, "province_round", view);
}

int page_province_round(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return round_show(r, id, 200, NULL);
}

/* The round is still the one the page showed (its version): else 409, nothing done. */
static int round_unchanged(Req *r, int64_t id) {
    Err e = ERR_INIT;
    json_t *round = entity_get(r->db, &ENTITY_ROUNDS, id, &e);
    if (!round) return resp_problem(r, &e);
    const char *version = req_form(r, "version");
    int st = 0;
    if (version && !str_eq(version, round_version(r, round)))
        st = resp_error(
            r, 409, "version",
            "this round was changed since your page was shown (by someone else, or by this form sent twice); "
            "nothing was changed. Open the round again to see what it holds");
    json_decref(round);
    return st;
}

/* POST /tinh/dot/{id}: save the dates, council and note (action=save) or close the round
** (action=close). */
int page_province_round_update(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int st = round_unchanged(r, id);
    if (st) return st;
    bool close = str_eq(req_form(r, "action"), "close");
    json_t *patch = json_object();
    Err e = ERR_INIT;
    int rc = 0;
    if (close) {
        json_object_set_new(patch, "state", json_string("closed"));
    } else {
        static const char *const texts[] = {"forward_by", "ends_on", "note"};
        for (size_t i = 0; i < COUNT(texts); i++) {
            const char *v = req_form(r, texts[i]);
            json_object_set_new(patch, texts[i], v && *v ? json_string(v) : json_null());
        }
        rc = form_put(r, patch, "council_id", true, &e);
        if (!rc && !json_object_get(patch, "council_id")) json_object_set_new(patch, "council_id", json_null());
    }
    if (!rc) rc = entity_check(&ENTITY_ROUNDS, patch, false, false, &e) || db_begin(r->db, &e);
    if (!rc && (entity_update(r->db, &r->arena, &ENTITY_ROUNDS, &r->actor, id, patch, &e) || db_commit(r->db, &e))) {
        db_rollback(r->db);
        rc = -1;
    }
    json_decref(patch);
    if (rc) {
        st = close ? resp_problem(r, &e) : round_show(r, id, e.status == 409 ? 409 : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r,
                         arena_printf(&r->arena, "/tinh/dot/%lld?done=%s", (long long)id, close ? "closed" : "saved"));
}

/* POST /tinh/dot/{id}/ho-so: put the chosen checked dossiers (fields "dossier", several) in
** the round. Every one must still be checked, as the page showed; otherwise nothing is done. */
int page_province_round_assign(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int n = r->form ? form_count(r->form) : 0, k = 0;
    int64_t *ids = arena_alloc(&r->arena, sizeof(int64_t) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        int64_t d;
        if (strcmp(form_key(r->form, i), "dossier")) continue;
        if (!parse_i64(form_value(r->form, i), &d) || d <= 0)
            return resp_error(r, 422, "dossier", "choose the dossiers from the list");
        ids[k++] = d;
    }
    if (!k) return resp_error(r, 422, "dossier", "choose at least one dossier to put in the round");
    for (int i = 0; i < k; i++) {
        Err e = ERR_INIT;
        json_t *d = entity_get(r->db, &ENTITY_DOSSIERS, ids[i], &e);
        if (d && entity_check_scope(r->db, &ENTITY_DOSSIERS, &r->actor, PERM_DOSSIERS_ACT, d, ids[i], false, &e)) {
            json_decref(d);
            d = NULL;
        }
        if (!d) return resp_problem(r, &e);
        const char *state = page_jstr(d, "state");
        int st = str_eq(state, "checked")
                     ? 0
                     : resp_error(r, 409, "dossier",
                                  "dossier %s is now \"%s\": someone (or this form, sent twice) has "
                                  "acted on it since your page was shown; nothing was changed",
                                  nz(page_jstr(d, "reg_no")), work_state_label(r, state));
        json_decref(d);
        if (st) return st;
    }
    for (int i = 0; i < k; i++) {
        Err e = ERR_INIT;
        json_t *in = json_pack("{s:s, s:I}", "action", "assign", "round_id", (json_int_t)id);
        int rc = dossier_act(r->db, &r->arena, &r->actor, ids[i], in, &e);
        json_decref(in);
        if (rc) {
            char why[600];
            return resp_error(r, e.status, "dossier",
                              "%d of the chosen dossiers were put in the round before this refusal: %s", i,
                              err_text(&e, r->lang, why, sizeof why));
        }
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/dot/%lld?done=assigned", (long long)id));
}

/* ---- /tinh/hoi-dong: councils --------------------------------------------------------------- */

static json_t *council_levels(Req *r) { return enum_options(r, &ENTITY_COUNCILS, "level"); }

static const ListFilter council_filters[] = {
    {"level", N_("Level"), LF_OPTIONS, NULL, council_levels},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption council_sorts[] = {
    {"name", N_("Name")},
    {"-decided_on", N_("Newest decision first")},
    {NULL, NULL},
};

static json_t *council_extra(Req *r, Stmt *s) {
    return json_pack("{s:s, s:s}", "members_text", int_text(r, db_col_int(s, 1)), "rounds_text",
                     int_text(r, db_col_int(s, 2)));
}

/* The rows of a page of councils: members and open rounds counted in one query. */
static json_t *council_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    json_t *extra =
        page_extra(r, items,
                   "SELECT c.id, (SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id "
                   "AND u.status = 'active' WHERE ur.scope = CAST(c.id AS TEXT) AND ur.role LIKE 'council%'), "
                   "(SELECT count(*) FROM rounds rd WHERE rd.council_id = c.id AND rd.state = 'open') "
                   "FROM councils c WHERE c.id IN ",
                   council_extra);
    json_t *rows = json_array(), *it;
    size_t i;
    json_array_foreach(items, i, it) {
        json_t *row = row_of(r, extra, it);
        json_object_set(row, "name", json_object_get(it, "name"));
        json_object_set(row, "decision_no", json_object_get(it, "decision_no"));
        const char *on = dmy(r, page_jstr(it, "decided_on"));
        if (on) json_object_set_new(row, "decided_text", json_string(on));
        json_array_append_new(rows, row);
    }
    json_decref(extra);
    return rows;
}

static const ListPage councils_page = {
    &ENTITY_COUNCILS, "/tinh/hoi-dong", "province_councils", N_("Councils"), council_filters,
    council_sorts,    council_rows,     "province_code",     my_province,
};

int page_province_councils(Req *r) { return page_list(r, &councils_page); }

static const PageField council_fields[] = {
    {"name", "text", N_("Name of the council"), NULL, NULL, true, NULL},
    {"decision_no", "text", N_("Number of the decision that set it up"), NULL, NULL, false, NULL},
    {"decided_on", "date", N_("Decided on"), NULL, NULL, false, NULL},
    {"note", "text", N_("Note"), NULL, NULL, false, NULL},
    {"province_code", "text", N_("Province code"), N_("The 2-digit code of the province (2025)."), NULL, true, NULL},
};

static int council_form_show(Req *r, int status, const Err *e) {
    bool admin = !my_province(r);
    json_t *view = json_pack("{s:o}", "form", page_form(r, council_fields, COUNT(council_fields) - (admin ? 0 : 1), e));
    return work_render(r, status, "province_council_new", view);
}

int page_province_council_new(Req *r) { return council_form_show(r, 200, NULL); }

int page_province_council_create(Req *r) {
    static const char *const fields[] = {"name", "decision_no", "decided_on", "note", "province_code", NULL};
    static const char *const ints[] = {NULL};
    json_t *obj = json_pack("{s:s}", "level", "province");
    if (my_province(r)) json_object_set_new(obj, "province_code", json_string(my_province(r)));
    Err e = ERR_INIT;
    int64_t id = 0;
    int rc = create_from_form(r, &ENTITY_COUNCILS, obj, fields, ints, &id, &e);
    json_decref(obj);
    if (rc) {
        int st = council_form_show(r, e.status == 409 ? 409 : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/hoi-dong/%lld?done=created", (long long)id));
}

/* The council's positions, in the order the page lists them. */
static const char *const positions[] = {"council_chair", "council_member", "council_secretary"};

static const char *position_label(Req *r, const char *role) {
    int rl = role_parse(role);
    return rl < 0 ? role : r->lang == LANG_VI ? role_label_vi((Role)rl) : role_label_en((Role)rl);
}

static json_t *position_options(Req *r) {
    json_t *out = json_array();
    for (size_t i = 0; i < COUNT(positions); i++)
        json_array_append_new(out,
                              json_pack("{s:s, s:s}", "value", positions[i], "label", position_label(r, positions[i])));
    return out;
}

/* The members of council id: [{grant_id, user_id, username, full_name, position, agency}]. */
static json_t *council_members(Req *r, int64_t id) {
    Stmt *s =
        db_prepare(r->db, "SELECT ur.id, u.id, u.username, u.full_name, ur.role, ur.agency FROM user_roles ur "
                          "JOIN users u ON u.id = ur.user_id WHERE ur.scope = ? AND u.status = 'active' AND ur.role IN "
                          "('council_chair', 'council_member', 'council_secretary') ORDER BY ur.role, u.username");
    db_bind_text(s, 1, arena_printf(&r->arena, "%lld", (long long)id));
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:I, s:s, s:s?, s:s, s:s?}", "grant_id",
                                             (json_int_t)db_col_int(s, 0), "user_id", (json_int_t)db_col_int(s, 1),
                                             "username", db_col_text(s, 2), "full_name", db_col_text(s, 3), "position",
                                             position_label(r, db_col_text(s, 4)), "agency", db_col_text(s, 5)));
    db_done(s);
    return out;
}

/* The users of the caller's province who may join (user_list: those it can see), as options. */
static json_t *user_options(Req *r) {
    UserQuery q = {.status = "active", .province = my_province(r), .limit = 500};
    json_t *items = NULL, *out = json_array(), *u;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (user_list(r->db, &r->actor, &q, &items, &total, &e)) {
        err_clear(&e);
        return out;
    }
    size_t i;
    json_array_foreach(items, i, u) {
        const char *name = page_jstr(u, "full_name");
        json_array_append_new(
            out,
            json_pack("{s:s, s:s}", "value",
                      arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(u, "id"))), "label",
                      name && *name ? arena_printf(&r->arena, "%s (%s)", name, page_jstr(u, "username"))
                                    : page_jstr(u, "username")));
    }
    json_decref(items);
    return out;
}

/* The advisory group of council id (entity_list of advisors with its council). */
static json_t *council_advisors(Req *r, int64_t id) {
    const char *keys[] = {"council_id"}, *values[] = {arena_printf(&r->arena, "%lld", (long long)id)};
    ListQuery lq = {.keys = keys, .values = values, .nfilters = 1, .sort = "name", .limit = 200, .who = &r->actor};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (entity_list(r->db, &r->arena, &ENTITY_ADVISORS, &lq, &items, &total, &e)) {
        err_clear(&e);
        return json_array();
    }
    return items;
}

/* The conflicts of every round of council id (each round's scoring_round_status). */
static json_t *council_conflicts(Req *r, int64_t id) {
    Stmt *s = db_prepare(r->db, "SELECT id, name FROM rounds WHERE council_id = ? ORDER BY year DESC, number DESC");
    db_bind_int(s, 1, id);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *st = scoring_round_status(r->db, NULL, db_col_int(s, 0));
        json_t *cv = conflicts_view(r, st, arena_strdup(&r->arena, db_col_text(s, 1)));
        json_array_extend(out, cv);
        json_decref(cv);
        json_decref(st);
    }
    db_done(s);
    return out;
}

enum { FORM_MEMBER, FORM_ADVISOR };

static int council_show(Req *r, int64_t id, int status, int which, const Err *e) {
    Err ge = ERR_INIT;
    json_t *council = entity_get(r->db, &ENTITY_COUNCILS, id, &ge);
    if (!council) return resp_problem(r, &ge);
    json_t *pos = position_options(r), *users = user_options(r);
    const PageField member_fields[] = {
        {"role", "select", N_("Position"), NULL, NULL, true, pos},
        {"member_agency", "text", N_("Agency the member comes from"), NULL, NULL, false, NULL},
        {"user_id", "select", N_("An existing account"), N_("Or leave it empty and create a new account below."), NULL,
         false, users},
        {"username", "text", N_("New account: username"),
         N_("3 to 32 characters: letters a-z without diacritics, digits and . _ -"), "off", false, NULL},
        {"full_name", "text", N_("New account: full name"), NULL, "off", false, NULL},
        {"password", "password", N_("New account: first password"),
         N_("At least 10 characters; the member changes it after signing in."), "new-password", false, NULL},
    };
    const PageField advisor_fields[] = {
        {"name", "text", N_("Full name"), NULL, NULL, true, NULL},
        {"agency", "text", N_("Agency"), NULL, NULL, false, NULL},
        {"expertise", "text", N_("Expertise"), NULL, NULL, false, NULL},
    };
    json_t *mform = page_form(r, member_fields, COUNT(member_fields), which == FORM_MEMBER ? e : NULL);
    json_t *aform = page_form(r, advisor_fields, COUNT(advisor_fields), which == FORM_ADVISOR ? e : NULL);
    /* the other form of the page starts empty */
    const char *k;
    json_t *fld;
    json_object_foreach(json_object_get(which == FORM_MEMBER ? aform : mform, "f"), k, fld) if (r->form)
        json_object_set_new(fld, "value", json_string(""));
    json_decref(pos);
    json_decref(users);
    json_t *view = view_new(r);
    const char *on = dmy(r, page_jstr(council, "decided_on"));
    json_object_set_new(view, "council",
                        json_pack("{s:I, s:O, s:O?, s:s?, s:O?, s:s}", "id", (json_int_t)id, "name",
                                  json_object_get(council, "name"), "decision_no",
                                  json_object_get(council, "decision_no"), "decided_text", on, "note",
                                  json_object_get(council, "note"), "level_label",
                                  entity_enum_label(entity_field(&ENTITY_COUNCILS, "level")->enums,
                                                    page_jstr(council, "level"), r->lang == LANG_VI)));
    json_t *members = council_members(r, id), *advisors = council_advisors(r, id),
           *conflicts = council_conflicts(r, id);
    json_object_set_new(view, "has_members", json_boolean(json_array_size(members) > 0));
    json_object_set_new(view, "members", members);
    json_object_set_new(view, "has_advisors", json_boolean(json_array_size(advisors) > 0));
    json_object_set_new(view, "advisors", advisors);
    json_object_set_new(view, "has_conflicts", json_boolean(json_array_size(conflicts) > 0));
    json_object_set_new(view, "conflicts", conflicts);
    Stmt *s =
        db_prepare(r->db, "SELECT id, name, state FROM rounds WHERE council_id = ? ORDER BY year DESC, number DESC");
    db_bind_int(s, 1, id);
    json_t *rounds = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(rounds, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                                db_col_text(s, 1), "state_label",
                                                entity_enum_label(entity_field(&ENTITY_ROUNDS, "state")->enums,
                                                                  db_col_text(s, 2), r->lang == LANG_VI)));
    db_done(s);
    json_object_set_new(view, "rounds", rounds);
    json_object_set_new(view, "member_form", mform);
    json_object_set_new(view, "advisor_form", aform);
    json_decref(council);
    return work_render(r, status, "province_council", view);
}

int page_province_council(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return council_show(r, id, 200, FORM_MEMBER, NULL);
}

/* Add the member the form names to council id: an existing account (user_id) gets the
** position; otherwise a new account is made with it. 0 or -1 with e. */
static int member_add(Req *r, int64_t id, Err *e) {
    const char *role = req_form(r, "role"), *agency = req_form(r, "member_agency"), *user = req_form(r, "user_id");
    const char *username = req_form(r, "username"), *password = req_form(r, "password");
    bool known = false;
    for (size_t i = 0; role && i < COUNT(positions); i++) known |= str_eq(role, positions[i]);
    if (!known) return err_set(e, 422, "role", "choose the member's position");
    const char *scope = arena_printf(&r->arena, "%lld", (long long)id);
    if (agency && !*agency) agency = NULL;
    if (user && *user) {
        int64_t uid;
        if (!parse_i64(user, &uid) || uid <= 0) return err_set(e, 422, "user_id", "choose an account from the list");
        return user_grant(r->db, &r->actor, uid, role, scope, agency, NULL, e);
    }
    if (!username || !*username)
        return err_set(e, 422, "user_id", "choose an existing account, or give the new account's username");
    if (!password || !*password) return err_set(e, 422, "password", "give the new account a first password");
    json_t *in = json_pack("{s:s, s:s, s:[{s:s, s:s, s:s?}]}", "username", username, "password", password, "roles",
                           "role", role, "scope", scope, "agency", agency);
    const char *full = req_form(r, "full_name");
    if (full && *full) json_object_set_new(in, "full_name", json_string(full));
    int64_t uid;
    int rc = user_create(r->db, &r->actor, in, &uid, e);
    json_decref(in);
    return rc;
}

/* POST /tinh/hoi-dong/{id}/thanh-vien */
int page_province_member_add(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    if (member_add(r, id, &e)) {
        int st = council_show(r, id, e.status == 409 ? 409 : e.status == 403 ? 403 : 422, FORM_MEMBER, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/hoi-dong/%lld?done=member", (long long)id));
}

/* POST /tinh/hoi-dong/{id}/thanh-vien/xoa: revoke the position grant_id of user_id in the
** council; one already removed (another tab, a double click) is 409, nothing changed. */
int page_province_member_remove(Req *r) {
    int64_t id, grant, user;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *g = req_form(r, "grant_id"), *u = req_form(r, "user_id");
    if (!g || !u || !parse_i64(g, &grant) || !parse_i64(u, &user))
        return resp_error(r, 422, "grant_id", "choose the member to remove");
    Stmt *s = db_prepare(
        r->db, "SELECT count(*) FROM user_roles WHERE id = ? AND user_id = ? AND scope = ? AND role LIKE 'council%'");
    db_bind_int(s, 1, grant);
    db_bind_int(s, 2, user);
    db_bind_text(s, 3, arena_printf(&r->arena, "%lld", (long long)id));
    bool there = db_step(s) == DB_ROW && db_col_int(s, 0) > 0;
    db_done(s);
    if (!there)
        return resp_error(r, 409, "grant_id",
                          "this member is no longer in the council (removed from another page, or this "
                          "form sent twice); nothing was changed");
    Err e = ERR_INIT;
    if (user_revoke(r->db, &r->actor, user, grant, &e)) return resp_problem(r, &e);
    return page_redirect(r, arena_printf(&r->arena, "/tinh/hoi-dong/%lld?done=removed", (long long)id));
}

/* POST /tinh/hoi-dong/{id}/to-tu-van: add an expert to the council's advisory group. */
int page_province_advisor_add(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    static const char *const fields[] = {"name", "agency", "expertise", NULL};
    static const char *const ints[] = {NULL};
    json_t *obj = json_pack("{s:I}", "council_id", (json_int_t)id);
    Err e = ERR_INIT;
    int64_t aid = 0;
    int rc = create_from_form(r, &ENTITY_ADVISORS, obj, fields, ints, &aid, &e);
    json_decref(obj);
    if (rc) {
        int st = council_show(r, id, e.status == 409 ? 409 : 422, FORM_ADVISOR, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/hoi-dong/%lld?done=advisor", (long long)id));
}

/* POST /tinh/hoi-dong/{id}/to-tu-van/xoa: remove the expert advisor_id from the council's
** advisory group; one already removed (another tab, a double click) is 409, nothing changed. */
int page_province_advisor_remove(Req *r) {
    int64_t id, advisor;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *a = req_form(r, "advisor_id");
    if (!a || !parse_i64(a, &advisor)) return resp_error(r, 422, "advisor_id", "choose the expert to remove");
    Stmt *s = db_prepare(r->db, "SELECT count(*) FROM advisors WHERE id = ? AND council_id = ?");
    db_bind_int(s, 1, advisor);
    db_bind_int(s, 2, id);
    bool there = db_step(s) == DB_ROW && db_col_int(s, 0) > 0;
    db_done(s);
    if (!there)
        return resp_error(r, 409, "advisor_id",
                          "this expert is no longer in the advisory group (removed from another "
                          "page, or this form sent twice); nothing was changed");
    Err e = ERR_INIT;
    if (db_begin(r->db, &e) || entity_delete(r->db, &ENTITY_ADVISORS, &r->actor, advisor, &e) || db_commit(r->db, &e)) {
        db_rollback(r->db);
        return resp_problem(r, &e);
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/hoi-dong/%lld?done=advisor-removed", (long long)id));
}
