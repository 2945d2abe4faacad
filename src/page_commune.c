/*
** page_commune.c: the commune officer's workspace (/xa, docs/web.md "The commune officer's
** workspace"): what waits on /lam-viec (dossiers to receive, dossiers being checked with their
** 15-working-day deadline, self-registered producers to confirm); the commune's dossiers; one
** dossier with its completeness check, the producer's self-assessment, the commune's report on
** the four local-origin items (Mẫu 03) and the steps (receive, return with comments, forward);
** the producers and products of the commune; the accounts waiting for confirmation.
*/
#include <stdio.h>
#include <string.h>

#include "dossier.h"
#include "entity.h"
#include "page.h"
#include "page_dossier.h"
#include "page_list.h"
#include "page_record.h"
#include "page_work.h"
#include "param.h"
#include "registry.h"
#include "rubric.h"
#include "text.h"
#include "util.h"

/* What /lam-viec shows of each section; the section links to the whole list. */
enum { NEEDS_SHOWN = 8 };

/* The communes the caller is the officer of: "?, ?" for an IN list into sql, the codes into
** codes (at most 16). Their number. */
static int my_communes(Req *r, Buf *sql, const char *codes[16]) {
    int n = 0;
    for (int i = 0; r->auth && i < r->auth->ngrants && n < 16; i++) {
        if (r->auth->grants[i].role != ROLE_COMMUNE) continue;
        buf_puts(sql, n ? ", ?" : "?");
        codes[n++] = r->auth->grants[i].scope;
    }
    return n;
}

/* The dossiers of the caller's communes in states (an SQL list of literals), the first
** NEEDS_SHOWN in order, as /lam-viec items; *total: how many there are. One query. */
static json_t *needs_dossiers(Req *r, const char *states, const char *order, bool due, int64_t *total) {
    Buf sql = BUF_INIT;
    const char *codes[16];
    buf_puts(&sql, "SELECT d.id, d.reg_no, d.commune_due, p.name, pr.name, count(*) OVER () FROM dossiers d "
                   "JOIN products p ON p.id = d.product_id LEFT JOIN producers pr ON pr.id = d.producer_id "
                   "WHERE d.commune_code IN (");
    int n = my_communes(r, &sql, codes);
    buf_printf(&sql, ") AND d.state IN (%s) ORDER BY %s LIMIT %d", states, order, NEEDS_SHOWN);
    Stmt *s = db_prepare(r->db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_text(s, i + 1, codes[i]);
    json_t *items = json_array();
    *total = 0;
    while (db_step(s) == DB_ROW) {
        const char *reg = db_col_text(s, 1), *name = db_col_text(s, 3);
        const char *text = reg ? arena_printf(&r->arena, "%s (%s)", name, reg) : name;
        json_array_append_new(items, work_item(r, text, arena_printf(&r->arena, "/xa/ho-so/%lld", (long long)db_col_int(s, 0)),
                                               db_col_text(s, 4), due ? db_col_text(s, 2) : NULL));
        *total = db_col_int(s, 5);
    }
    db_done(s);
    return items;
}

/* The self-registered producer accounts of the caller's communes (all of them for an
** administrator) waiting for confirmation: [{user_id, username, full_name, email, phone,
** created_text, producer_id, producer_name, producer_type, commune_code}], at most limit
** (< 0: all). */
/* The FROM and WHERE of the accounts waiting for the caller's confirmation, into sql, with the
** search q (folded: the account's name, the producer's name) when not NULL; the values to bind,
** in order, into binds. Returns how many. */
static int pending_where(Req *r, Buf *sql, const char *q, const char *binds[18]) {
    buf_puts(sql, " FROM user_roles g JOIN users u ON u.id = g.user_id JOIN producers p ON p.id = CAST(g.scope AS INTEGER) "
                  "WHERE g.role = 'producer' AND g.confirmed = 0 AND u.status = 'active'");
    int n = 0;
    if (!work_grant(r, ROLE_ADMIN)) {
        buf_puts(sql, " AND p.commune_code IN (");
        n = my_communes(r, sql, binds);
        buf_putc(sql, ')');
    }
    if (q) {
        buf_puts(sql, " AND (p.name_fold LIKE ('%' || ? || '%') OR lower(u.username) LIKE ('%' || ? || '%') "
                      "OR lower(coalesce(u.full_name, '')) LIKE ('%' || ? || '%'))");
        binds[n++] = q, binds[n++] = q, binds[n++] = q;
    }
    return n;
}

/* The accounts waiting for the caller's confirmation, oldest registration first: limit of them
** (-1: all) from offset on, matching q (may be NULL); their number into *total when not NULL. */
static json_t *pending_accounts(Req *r, const char *q, int limit, int offset, int64_t *total) {
    Buf sql = BUF_INIT, fold = BUF_INIT;
    const char *binds[18];
    if (q && *q) {
        text_fold(&fold, q, strlen(q));
        q = arena_strdup(&r->arena, buf_str(&fold));
        buf_free(&fold);
    } else {
        q = NULL;
    }
    Stmt *s;
    int n;
    if (total) {
        buf_puts(&sql, "SELECT count(DISTINCT u.id)");
        n = pending_where(r, &sql, q, binds);
        s = db_prepare(r->db, sql.p);
        for (int i = 0; i < n; i++) db_bind_text(s, i + 1, binds[i]);
        *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        buf_reset(&sql);
    }
    buf_puts(&sql, "SELECT DISTINCT u.id, u.username, u.full_name, u.email, u.phone, u.created_at, p.id, p.name, p.type, "
                   "p.commune_code");
    n = pending_where(r, &sql, q, binds);
    buf_printf(&sql, " ORDER BY u.created_at, u.id LIMIT %d OFFSET %d", limit, offset);
    s = db_prepare(r->db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_text(s, i + 1, binds[i]);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        char dmy[11];
        const Field *type = entity_field(&ENTITY_PRODUCERS, "type");
        const char *tv = db_col_text(s, 8);
        json_array_append_new(
            out, json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s, s:I, s:s, s:s?, s:s?}", "user_id", (json_int_t)db_col_int(s, 0),
                           "username", db_col_text(s, 1), "full_name", db_col_text(s, 2), "email", db_col_text(s, 3),
                           "phone", db_col_text(s, 4), "created_text", page_dmy(db_col_text(s, 5), dmy), "producer_id",
                           (json_int_t)db_col_int(s, 6), "producer_name", db_col_text(s, 7), "producer_type",
                           tv ? entity_enum_label(type->enums, tv, r->lang == LANG_VI) : NULL, "commune_code",
                           db_col_text(s, 9)));
    }
    db_done(s);
    return out;
}

void work_needs_commune(Req *r, json_t *sections) {
    int64_t total;
    json_t *items = needs_dossiers(r, "'submitted', 'resubmitted'", "d.filed_on, d.id", false, &total);
    work_section(r, sections, N_("Dossiers to receive"), items, total, "/xa/ho-so", true);
    items = needs_dossiers(r, "'with_commune'", "d.commune_due, d.id", true, &total);
    work_section(r, sections, N_("Dossiers being checked (15 working days)"), items, total,
                 "/xa/ho-so?state=with_commune", true);
    json_t *accounts = pending_accounts(r, NULL, 1000, 0, NULL), *a;
    items = json_array();
    size_t i;
    json_array_foreach(accounts, i, a) {
        if (i >= NEEDS_SHOWN) break;
        json_array_append_new(items, work_item(r, page_jstr(a, "producer_name"), "/xa/xac-nhan", page_jstr(a, "username"), NULL));
    }
    work_section(r, sections, N_("Producer accounts to confirm"), items, (int64_t)json_array_size(accounts), "/xa/xac-nhan",
                 false);
    json_decref(accounts);
}

/* ---- /xa/ho-so: the commune's dossiers ------------------------------------------------------- */

static json_t *dossier_states(Req *r) { return page_list_enum(r, entity_field(&ENTITY_DOSSIERS, "state")->enums); }
static json_t *dossier_kinds(Req *r) { return page_list_enum(r, entity_field(&ENTITY_DOSSIERS, "kind")->enums); }

static const ListOption overdue_options[] = {
    {"true", N_("Past the commune's deadline")},
    {"false", N_("Within the deadline or not being checked")},
    {NULL, NULL},
};

static const ListFilter dossier_filters[] = {
    {"state", N_("State"), LF_OPTIONS, NULL, dossier_states},
    {"kind", N_("Kind of dossier"), LF_OPTIONS, NULL, dossier_kinds},
    {"overdue", N_("Deadline"), LF_OPTIONS, overdue_options, NULL},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption dossier_sorts[] = {
    {"deadline", N_("What to do first (deadline)")},
    {"-filed_on", N_("Newest filing first")},
    {"filed_on", N_("Oldest filing first")},
    {"reg_no", N_("Registration no.")},
    {NULL, NULL},
};

/* A page of dossiers as rows: the product, the producer, the state, the deadline, overdue.
** Names in one query for the whole page. */
static json_t *dossier_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *names = json_object();
    if (n) {
        Buf sql = BUF_INIT;
        buf_puts(&sql, "SELECT d.id, p.name, pr.name FROM dossiers d JOIN products p ON p.id = d.product_id "
                       "LEFT JOIN producers pr ON pr.id = d.producer_id WHERE d.id IN (");
        for (int i = 0; i < n; i++) buf_puts(&sql, i ? ", ?" : "?");
        buf_putc(&sql, ')');
        Stmt *s = db_prepare(r->db, sql.p);
        buf_free(&sql);
        for (int i = 0; i < n; i++) db_bind_int(s, i + 1, ids[i]);
        while (db_step(s) == DB_ROW)
            json_object_set_new(names, db_col_text(s, 0), json_pack("{s:s?, s:s?}", "product", db_col_text(s, 1), "producer", db_col_text(s, 2)));
        db_done(s);
    }
    char today[11];
    date_today(today);
    json_t *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *nm = json_object_get(names, arena_printf(&r->arena, "%lld", (long long)ids[i]));
        const char *state = page_jstr(o, "state"), *due = page_jstr(o, "commune_due");
        bool checking = str_eq(state, "with_commune");
        char dmy[11], fdmy[11];
        json_t *row = json_pack("{s:O, s:O, s:O, s:s, s:s, s:o, s:s, s:s}", "id", json_object_get(o, "id"), "product",
                                json_object_get(nm, "product"), "producer", json_object_get(nm, "producer"), "state", state,
                                "state_label", work_state_label(r, state), "is", page_is(state), "kind_label",
                                work_kind_label(r, page_jstr(o, "kind")), "filed_text", page_dmy(page_jstr(o, "filed_on"), fdmy));
        if (page_jstr(o, "reg_no")) json_object_set(row, "reg_no", json_object_get(o, "reg_no"));
        if (checking && due) {
            json_object_set_new(row, "due_text", json_string(page_dmy(due, dmy)));
            if (strcmp(due, today) < 0) json_object_set_new(row, "overdue", json_true());
        }
        json_array_append_new(rows, row);
    }
    json_decref(names);
    return rows;
}

static const ListPage DOSSIERS_PAGE = {&ENTITY_DOSSIERS, "/xa/ho-so", "commune_dossiers", N_("Commune dossiers"),
                                       dossier_filters, dossier_sorts, dossier_rows, NULL, NULL};

int page_commune_dossiers(Req *r) { return page_list(r, &DOSSIERS_PAGE); }

/* ---- /xa/ho-so/{id}: one dossier ---------------------------------------------------------------- */

/* The four local-origin items of the commune's report (Mẫu 03), dossier_commune_report's keys. */
static const struct {
    const char *key, *label;
} origin_items[] = {
    {"origin", N_("The product and its raw materials come from the locality")},
    {"labour", N_("The work is done by local people")},
    {"idea", N_("The product is the locality's idea")},
    {"identity", N_("The product carries the locality's identity")},
};

/* The kinds of evidence a dossier may hold (dossier_file_add) as the check names them. */
static const struct {
    const char *kind, *label;
} evidence_kinds[] = {
    {"food_safety", N_("Food safety certificate")},
    {"quality_declaration", N_("Declaration of conformity or quality standard")},
    {"label", N_("Label and packaging")},
    {"trademark", N_("Trademark or intellectual property papers")},
    {"test_report", N_("Test report of the product")},
    {"photo", N_("Photos of the product")},
};

static json_t *check_item(Req *r, const char *label, bool present, bool required, const char *detail) {
    return json_pack("{s:s, s:b, s:b, s:s?}", "label", tr(r->lang, label), "present", present, "required", required,
                     "detail", detail);
}

/* The completeness check of a dossier (QĐ 26/2026: what a dossier must hold) from its own
** data d (work_dossier_view): [{label, present, required, detail}], and *missing: how many
** required items are missing. */
static json_t *completeness(Req *r, json_t *d, int *missing) {
    json_t *out = json_array(), *files = json_object_get(d, "files"), *f;
    int by_kind[COUNT(evidence_kinds)] = {0}, registration = 0, on_criteria = 0;
    size_t i;
    json_array_foreach(files, i, f) {
        const char *kind = page_jstr(f, "kind");
        registration += str_eq(kind, "registration");
        on_criteria += page_jstr(f, "criterion") != NULL;
        for (size_t k = 0; k < COUNT(evidence_kinds); k++) by_kind[k] += str_eq(kind, evidence_kinds[k].kind);
    }
    char num[32];
    bool filed = page_jstr(d, "reg_no") != NULL;
    json_array_append_new(out, check_item(r, N_("Registration form (Mẫu 01)"), filed || registration, true,
                                          filed ? page_jstr(d, "reg_no") : NULL));
    json_t *sa = json_object_get(json_object_get(d, "self_assessment"), "result");
    json_array_append_new(out, check_item(r, N_("Self-assessment on the score sheet (Mẫu 02)"), json_is_object(sa), true, NULL));
    size_t nfiles = json_array_size(files);
    json_array_append_new(out, check_item(r, N_("Evidence files"), nfiles > 0, true,
                                          nfiles ? arena_printf(&r->arena, "%s · %s", lang_int(r->lang, (long long)nfiles, num, sizeof num),
                                                                tr(r->lang, N_("files"))) : NULL));
    int want = rubric_samples(rubric_current(), (int)json_integer_value(json_object_get(d, "set_no")));
    json_int_t samples = json_integer_value(json_object_get(d, "samples"));
    if (want > 0)
        json_array_append_new(out, check_item(r, N_("Product samples"), samples >= want, true,
                                              arena_printf(&r->arena, "%lld / %d", (long long)samples, want)));
    for (size_t k = 0; k < COUNT(evidence_kinds); k++)
        json_array_append_new(out, check_item(r, evidence_kinds[k].label, by_kind[k] > 0, false, NULL));
    json_array_append_new(out, check_item(r, N_("Evidence attached to criteria of the sheet"), on_criteria > 0, false, NULL));
    *missing = 0;
    json_array_foreach(out, i, f) *missing += json_is_true(json_object_get(f, "required")) && !json_is_true(json_object_get(f, "present"));
    return out;
}

/* The producer's self-assessment as the page sums it up: total, parts, the stars it claims
** (stars: only from 3, the fewest a certificate gives; under that the page says so) and the
** criteria whose minimums hold it back. NULL when there is none. */
static json_t *self_view(json_t *d) {
    json_t *res = json_object_get(json_object_get(d, "self_assessment"), "result");
    if (!json_is_object(res)) return NULL;
    int stars = (int)json_integer_value(json_object_get(res, "stars"));
    json_t *parts = json_object_get(res, "parts");
    json_t *v = json_pack("{s:O, s:O, s:O, s:O}", "total", json_object_get(res, "total"), "a", json_object_get(parts, "A"),
                          "b", json_object_get(parts, "B"), "c", json_object_get(parts, "C"));
    if (stars >= rubric_certified_stars(rubric_current())) {
        json_object_set_new(v, "stars", json_integer(stars));
        json_object_set_new(v, "stars_text", json_string(page_stars(stars)));
    }
    Buf b = BUF_INIT;
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(res, "held_back_by"), i, h) {
        const char *code = page_jstr(h, "code");
        if (code) buf_printf(&b, "%s%s", b.n ? ", " : "", code);
    }
    if (b.n) json_object_set_new(v, "held_back", json_string(buf_str(&b)));
    buf_free(&b);
    return v;
}

/* The Mẫu 03 form: each item with met yes/no and note, and the comment, from what was posted
** (posted) or the stored report; error (may be NULL) beside the field e names. */
static json_t *report_view(Req *r, json_t *d, bool posted, const Err *e) {
    json_t *rep = json_object_get(d, "commune_report"), *stored = json_object_get(rep, "items");
    json_t *items = json_array(), *errors = json_array();
    char text[1024];
    const char *err_field = e && e->status ? e->field : "";
    for (size_t i = 0; i < COUNT(origin_items); i++) {
        const char *k = origin_items[i].key;
        const char *met, *note;
        if (posted) {
            met = req_form(r, arena_printf(&r->arena, "%s_met", k));
            note = req_form(r, arena_printf(&r->arena, "%s_note", k));
        } else {
            json_t *it = json_object_get(stored, k), *m = json_object_get(it, "met");
            met = json_is_boolean(m) ? (json_is_true(m) ? "yes" : "no") : NULL;
            note = page_jstr(it, "note");
        }
        json_t *item = json_pack("{s:s, s:s, s:b, s:b, s:s?}", "key", k, "label", tr(r->lang, origin_items[i].label),
                                 "yes", str_eq(met, "yes"), "no", str_eq(met, "no"), "note", note);
        if (!strncmp(err_field, "items.", 6) && str_eq(err_field + 6, k)) {
            err_text(e, r->lang, text, sizeof text);
            json_object_set_new(item, "error", json_string(text));
            json_array_append_new(errors, json_pack("{s:s, s:s}", "href", arena_printf(&r->arena, "#m-%s-yes", k), "text", text));
        }
        json_array_append_new(items, item);
    }
    const char *comment = posted ? req_form(r, "report_comment") : page_jstr(rep, "comment");
    json_t *v = json_pack("{s:o, s:s?}", "items", items, "comment", comment);
    if (e && e->status && strncmp(err_field, "items.", 6) != 0) {
        err_text(e, r->lang, text, sizeof text);
        bool on_comment = str_eq(err_field, "comment");
        if (on_comment) json_object_set_new(v, "comment_error", json_string(text));
        json_array_append_new(errors, json_pack("{s:s?, s:s}", "href", on_comment ? "#m-comment" : NULL, "text", text));
    }
    if (r->form_err.status)
        json_array_append_new(errors, json_pack("{s:n, s:s}", "href", "text", err_text(&r->form_err, r->lang, text, sizeof text)));
    json_object_set_new(v, "has_errors", json_boolean(json_array_size(errors) > 0));
    json_object_set_new(v, "errors", errors);
    const char *by = page_jstr(rep, "assessed_by"), *on = page_jstr(rep, "assessed_on");
    char dmy[11];
    if (by) json_object_set_new(v, "assessed", json_pack("{s:s, s:s}", "by", by, "on", page_dmy(on, dmy)));
    return v;
}

/* The notice of ?done=: what the last form did. NULL when there is none. */
static const char *done_notice(Req *r) {
    static const struct {
        const char *done, *text;
    } notices[] = {
        {"receive", N_("The dossier is received: the commune has 15 working days to check it.")},
        {"return", N_("The dossier is returned to the producer with your comments.")},
        {"forward", N_("The dossier is forwarded to the province.")},
        {"report", N_("The commune's report (Mẫu 03) is saved.")},
    };
    const char *done = req_query(r, "done");
    for (size_t i = 0; done && i < COUNT(notices); i++)
        if (str_eq(done, notices[i].done)) return tr(r->lang, notices[i].text);
    return NULL;
}

/* The dossier page at status, the Mẫu 03 form from the posted values when posted, with e's
** error (may be NULL). */
static int dossier_page(Req *r, int64_t id, int status, bool posted, const Err *e) {
    Err ge = ERR_INIT;
    json_t *d = work_dossier_view(r, id, &ge);
    if (!d) return resp_problem(r, &ge);
    int missing;
    const char *state = page_jstr(d, "state");
    bool checking = str_eq(state, "with_commune"), has_report = json_is_object(json_object_get(d, "commune_report"));
    json_t *checks = completeness(r, d, &missing);
    json_t *view = json_pack("{s:o, s:o, s:i, s:b, s:o*, s:o, s:s, s:b, s:b}", "dossier", d, "checks", checks, "missing", missing, "complete", missing == 0, "self",
                             self_view(d), "report", report_view(r, d, posted, e), "next",
                             arena_printf(&r->arena, "/xa/ho-so/%lld", (long long)id), "checking", checking, "has_report",
                             has_report);
    json_object_set_new(view, "needs_report", json_boolean(checking && !has_report));
    json_object_set_new(view, "title", json_string(page_jstr(d, "product_name") ? page_jstr(d, "product_name") : ""));
    const char *notice = done_notice(r);
    if (notice && status == 200) json_object_set_new(view, "notice", json_string(notice));
    return work_render(r, status, "commune_dossier", view);
}

int page_commune_dossier(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return dossier_page(r, id, 200, false, NULL);
}

/* POST /xa/ho-so/{id}/mau-03: the commune's report from the form: for each item ITEM_met
** (yes|no) and ITEM_note, and report_comment; from: the state the page showed. */
int page_commune_report(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int moved = work_dossier_moved(r, id, req_form(r, "from"));
    if (moved) return moved;
    Err e = ERR_INIT;
    json_t *items = json_object();
    int rc = 0;
    for (size_t i = 0; !rc && i < COUNT(origin_items); i++) {
        const char *k = origin_items[i].key;
        const char *met = req_form(r, arena_printf(&r->arena, "%s_met", k));
        const char *note = req_form(r, arena_printf(&r->arena, "%s_note", k));
        if (!str_eq(met, "yes") && !str_eq(met, "no")) {
            rc = err_set(&e, 422, arena_printf(&r->arena, "items.%s", k), "%s: choose whether it is met",
                         tr(r->lang, origin_items[i].label));
            break;
        }
        json_t *it = json_pack("{s:b}", "met", str_eq(met, "yes"));
        if (note && *note) json_object_set_new(it, "note", json_string(note));
        json_object_set_new(items, k, it);
    }
    const char *comment = req_form(r, "report_comment");
    json_t *in = json_pack("{s:o}", "items", items);
    if (comment && *comment) json_object_set_new(in, "comment", json_string(comment));
    if (!rc) rc = dossier_commune_report(r->db, &r->actor, id, in, &e);
    json_decref(in);
    if (rc) {
        int st = e.status == 422 ? dossier_page(r, id, 422, true, &e) : resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/xa/ho-so/%lld?done=report", (long long)id));
}

/* ---- /xa/chu-the and /xa/san-pham: the producers and products of the commune ---------------- */

/* The caller's commune (its first as a commune officer): [{value}], or [] for none. */
/* The officer's commune, which its lists of producers and products always keep to (NULL for an
** administrator: all of them). */
static const char *my_commune(Req *r) {
    const Grant *g = work_grant(r, ROLE_COMMUNE);
    return g ? g->scope : NULL;
}

static const ListFilter producer_filters[] = {
    {"type", N_("Producer type"), LF_OPTIONS, NULL, page_list_producer_types},
    {NULL, NULL, 0, NULL, NULL},
};

/* The producers with what the officer sees of them in its scope: the representative and the
** contacts (personal data, entity_redact kept them), the number of products. */
static json_t *producer_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *counts = registry_product_counts(r->db, ids, n), *rows = json_array();
    const Field *type = entity_field(&ENTITY_PRODUCERS, "type");
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        const char *tv = page_jstr(o, "type");
        json_t *row = json_pack("{s:O, s:O, s:s?, s:O, s:O, s:O, s:O, s:O, s:I}", "id", json_object_get(o, "id"), "name",
                                json_object_get(o, "name"), "type", tv ? entity_enum_label(type->enums, tv, r->lang == LANG_VI) : NULL,
                                "address", json_object_get(o, "address"), "rep_name", json_object_get(o, "rep_name"), "phone",
                                json_object_get(o, "phone"), "email", json_object_get(o, "email"), "reg_no",
                                json_object_get(o, "reg_no"), "products",
                                json_integer_value(json_object_get(counts, arena_printf(&r->arena, "%lld", (long long)ids[i]))));
        json_array_append_new(rows, row);
    }
    json_decref(counts);
    return rows;
}

static const ListPage PRODUCERS_PAGE = {&ENTITY_PRODUCERS, "/xa/chu-the", "commune_producers", N_("Producers of the commune"),
                                        producer_filters, LIST_NAME_SORTS, producer_rows, "commune_code", my_commune};

int page_commune_producers(Req *r) { return page_list(r, &PRODUCERS_PAGE); }

static const ListFilter product_filters[] = {
    {"stars", N_("Stars"), LF_OPTIONS, LIST_STAR_OPTIONS, NULL},
    {"producer_type", N_("Producer type"), LF_OPTIONS, NULL, page_list_producer_types},
    {NULL, NULL, 0, NULL, NULL},
};

static json_t *product_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *cards = registry_product_cards(r->db, ids, n), *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        json_t *card = json_object_get(cards, arena_printf(&r->arena, "%lld", (long long)ids[i]));
        json_t *rec = json_object_get(card, "recognition");
        int stars = str_eq(page_jstr(rec, "state"), "valid") ? (int)json_integer_value(json_object_get(rec, "stars")) : 0;
        json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(o, "id"), "name", json_object_get(o, "name"),
                                "code", json_object_get(o, "code"), "producer_id", json_object_get(card, "producer_id"),
                                "producer_name", json_object_get(card, "producer_name"));
        if (stars) json_object_set_new(row, "cert", json_pack("{s:s, s:i}", "stars", page_stars(stars), "n", stars));
        json_array_append_new(rows, row);
    }
    json_decref(cards);
    return rows;
}

static const ListOption product_sorts[] = {
    {"name", N_("Name (A to Z)")},
    {"-stars", N_("Most stars first")},
    {"code", N_("Product code")},
    {NULL, NULL},
};

static const ListPage PRODUCTS_PAGE = {&ENTITY_PRODUCTS, "/xa/san-pham", "commune_products", N_("Products of the commune"),
                                       product_filters, product_sorts, product_rows, "commune_code", my_commune};

int page_commune_products(Req *r) { return page_list(r, &PRODUCTS_PAGE); }

/* ---- /xa/xac-nhan: self-registered producers to confirm ----------------------------------------- */

int page_commune_accounts(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    const char *q = req_query(r, "q");
    int64_t total = 0;
    json_t *accounts = pending_accounts(r, q, (int)pg.per_page, (int)pg.offset, &total);
    char num[32];
    json_t *view = json_pack("{s:o, s:b, s:s?, s:s}", "accounts", accounts, "none", json_array_size(accounts) == 0, "q", q,
                             "total_text", lang_int(r->lang, total, num, sizeof num));
    Buf b = BUF_INIT;
    buf_puts(&b, "/xa/xac-nhan?");
    if (q && *q) {
        buf_puts(&b, "q=");
        buf_url(&b, q, strlen(q));
        buf_putc(&b, '&');
    }
    const char *base = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    int64_t pages = (total + pg.per_page - 1) / pg.per_page;
    if (pg.page > 1) json_object_set_new(view, "prev_href", json_string(arena_printf(&r->arena, "%spage=%lld", base, (long long)pg.page - 1)));
    if (pg.page < pages) json_object_set_new(view, "next_href", json_string(arena_printf(&r->arena, "%spage=%lld", base, (long long)pg.page + 1)));
    if (str_eq(req_query(r, "done"), "confirm"))
        json_object_set_new(view, "notice", json_string(tr(r->lang, N_("The account is confirmed: the producer can now file dossiers."))));
    return work_render(r, 200, "commune_accounts", view);
}

/* POST /xa/xac-nhan/{id}: confirm user id's producer role (user_confirm, as POST
** /api/v1/users/{id}/confirm), then back to the list. */
int page_commune_confirm(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    if (user_confirm(r->db, &r->actor, id, &e)) {
        int st = resp_problem(r, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, "/xa/xac-nhan?done=confirm");
}
