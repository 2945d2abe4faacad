/*
** page_decide.c: the province officer's workspace (/tinh), its second half (docs/web.md "The
** province officer's workspace: decisions, certificates, imports, users, audit"): what waits
** for a decision on /lam-viec, the recognition decisions and the certificates they issue
** (reprint, revoke on a legal ground, the ones that expire), imports with a dry run that shows
** every row problem before anything is written, the users of the province and its audit
** trail. Every page acts through the functions the JSON API calls (decision.c, importer.c,
** user.c, audit.c) with the caller as actor, so a page and the API check, write and audit
** alike. The province is the one of the caller's province role (work_grant); a decision or a
** certificate of another province answers 404, as one that does not exist.
*/
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "audit.h"
#include "cert.h"
#include "decision.h"
#include "entity.h"
#include "files.h"
#include "form.h"
#include "dossier.h"
#include "importer.h"
#include "page.h"
#include "page_dossier.h"
#include "page_record.h"
#include "page_work.h"
#include "param.h"
#include "tablew.h"
#include "util.h"

enum { PER_PAGE = 30, NEEDS_SHOWN = 5 };

/* The caller's province ("86"): the scope of its province role (the route admitted only
** province officers). */
static const char *province_of(Req *r) {
    const Grant *g = work_grant(r, ROLE_PROVINCE);
    return g ? g->scope : "";
}

static void set_str(json_t *o, const char *key, const char *v) {
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

static void set_dmy(json_t *o, const char *key, const char *iso) {
    char d[11];
    if (iso && *iso) json_object_set_new(o, key, json_string(page_dmy(iso, d)));
}

/* "77,67" in r's language. */
static const char *score_text(Req *r, double v) {
    char *out = arena_alloc(&r->arena, 32);
    return lang_num(r->lang, v, 2, out, 32);
}

/* r's path with the query parameters keys (those given), page (1: none) and format (NULL:
** none): a link that keeps a list's filters. */
static const char *self_href(Req *r, const char *const *keys, int64_t page, const char *format) {
    Buf b = BUF_INIT;
    buf_puts(&b, r->path);
    char sep = '?';
    for (int i = 0; keys[i]; i++) {
        const char *v = req_query(r, keys[i]);
        if (!v || !*v) continue;
        buf_printf(&b, "%c%s=", sep, keys[i]);
        buf_url(&b, v, strlen(v));
        sep = '&';
    }
    if (page > 1) buf_printf(&b, "%cpage=%lld", sep, (long long)page), sep = '&';
    if (format) buf_printf(&b, "%cformat=%s", sep, format);
    const char *s = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return s;
}

/* The pages and downloads of a list (templates/decide_pager.html): {count_text, pager {prev,
** next, text}, csv_href, xlsx_href}, added to view. */
static void list_nav(Req *r, json_t *view, const char *const *keys, const Paging *pg, int64_t total) {
    char num[32];
    int64_t pages = paging_pages(pg, total);
    json_object_set_new(view, "count_text", json_string(lang_int(r->lang, total, num, sizeof num)));
    json_object_set_new(view, "has_rows", json_boolean(total > 0 && pg->page <= pages));
    if (pages > 1) {
        char a[24], b[24];
        json_t *p = json_pack("{s:s}", "text", arena_printf(&r->arena, tr(r->lang, N_("page %s of %s")),
                                                             lang_int(r->lang, pg->page, a, sizeof a),
                                                             lang_int(r->lang, pages, b, sizeof b)));
        if (pg->page > 1) json_object_set_new(p, "prev", json_string(self_href(r, keys, pg->page - 1, NULL)));
        if (pg->page < pages) json_object_set_new(p, "next", json_string(self_href(r, keys, pg->page + 1, NULL)));
        json_object_set_new(view, "pager", p);
    }
    json_object_set_new(view, "csv_href", json_string(self_href(r, keys, 1, "csv")));
    json_object_set_new(view, "xlsx_href", json_string(self_href(r, keys, 1, "xlsx")));
}

/* ?format=csv|xlsx of a list page: its rows (each an array of n cells, in headers' order)
** as a download named stem. */
/* The notice of ?done= among the page's own: [{done, text}] pairs, NULL-terminated. */
static void notice(Req *r, json_t *view, const char *const *pairs) {
    const char *done = req_query(r, "done");
    for (int i = 0; done && pairs[i]; i += 2)
        if (!strcmp(done, pairs[i])) json_object_set_new(view, "notice", json_string(tr(r->lang, pairs[i + 1])));
}

static int not_found(Req *r, const char *field, const char *what) {
    return resp_error(r, 404, field, "no such record: %s", what);
}

/* ---- scored dossiers ---------------------------------------------------------------------------- */

/* The province's scored dossiers (the council has closed their scoring): [{id, stars,
** stars_text, avg, avg_text, kind_label, product, producer, href}] in three arrays of *out:
** "decide" (3★ and 4★), "close" (under 3★) and "ministry" (5★, 90 points or more). */
static void scored_dossiers(Req *r, json_t *out) {
    json_t *decide = json_array(), *close = json_array(), *ministry = json_array();
    Stmt *s = db_prepare(r->db, "SELECT d.id, coalesce(d.stars, 0), d.avg_score, d.kind, p.name, pr.name FROM dossiers d "
                                "JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id "
                                "WHERE d.state = 'scored' AND d.province_code = ? ORDER BY d.id");
    db_bind_text(s, 1, province_of(r));
    while (db_step(s) == DB_ROW) {
        int stars = (int)db_col_int(s, 1);
        json_t *d = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "stars",
                              stars, "stars_text", page_stars(stars), "kind_label", work_kind_label(r, db_col_text(s, 3)),
                              "product", db_col_text(s, 4), "producer", db_col_text(s, 5), "href",
                              arena_printf(&r->arena, "/tinh/ho-so/%lld", (long long)db_col_int(s, 0)), "state", "scored");
        if (!db_col_null(s, 2)) json_object_set_new(d, "avg_text", json_string(score_text(r, db_col_double(s, 2))));
        if (stars < 3 || stars >= 5) /* the step that ends its wait here (templates/decide_step.html) */
            json_object_set_new(d, "step", json_pack("{s:s, s:s}", "action", stars < 3 ? "not_recognized" : "send_to_ministry",
                                                     "label", tr(r->lang, stars < 3 ? N_("Close as not recognised")
                                                                                    : N_("Send to the Ministry"))));
        json_array_append_new(stars >= 5 ? ministry : stars >= 3 ? decide : close, d);
    }
    db_done(s);
    json_object_set_new(out, "decide", decide);
    json_object_set_new(out, "close", close);
    json_object_set_new(out, "ministry", ministry);
}

/* The province's signing key: {ok, key_id} or {missing}. */
static json_t *key_view(Req *r) {
    char key_id[32];
    Err e = ERR_INIT;
    if (cert_key_current(r->db, province_of(r), key_id, &e)) return json_pack("{s:b, s:s}", "missing", 1, "province", province_of(r));
    return json_pack("{s:b, s:s}", "ok", 1, "key_id", key_id);
}

/* ---- /lam-viec ---------------------------------------------------------------------------------- */

/* The first NEEDS_SHOWN dossiers of list as items of a section. */
static json_t *dossier_items(Req *r, json_t *list, const char *href) {
    json_t *items = json_array(), *d;
    size_t i;
    json_array_foreach(list, i, d) {
        if (i >= NEEDS_SHOWN) break;
        const char *avg = page_jstr(d, "avg_text");
        const char *detail = avg ? arena_printf(&r->arena, "%s · %s %s", page_jstr(d, "stars_text"), avg,
                                                tr(r->lang, N_("points")))
                                 : page_jstr(d, "stars_text");
        json_array_append_new(items, work_item(r, page_jstr(d, "product"), href, detail, NULL));
    }
    return items;
}

void work_needs_decisions(Req *r, json_t *sections) {
    json_t *scored = json_object();
    scored_dossiers(r, scored);
    json_t *decide = json_object_get(scored, "decide"), *close = json_object_get(scored, "close");
    work_section(r, sections, N_("Scored dossiers waiting for a decision (3–4★)"),
                 dossier_items(r, decide, "/tinh/quyet-dinh/moi"), (int64_t)json_array_size(decide), "/tinh/quyet-dinh/moi",
                 false);
    work_section(r, sections, N_("Results under 3 stars to close"), dossier_items(r, close, "/tinh/quyet-dinh/moi#duoi-3-sao"),
                 (int64_t)json_array_size(close), "/tinh/quyet-dinh/moi#duoi-3-sao", false);
    json_decref(scored);

    json_t *key = key_view(r);
    if (json_is_true(json_object_get(key, "missing"))) {
        json_t *items = json_array();
        json_array_append_new(items, work_item(r, tr(r->lang, N_("The province has no signing key: no certificate can be "
                                                                 "issued. An administrator makes it (Signing keys)")),
                                               "/tinh/quyet-dinh/moi", NULL, NULL));
        work_section(r, sections, N_("Signing key"), items, 1, NULL, false);
    }
    json_decref(key);

    DueQuery q = {.province = province_of(r), .who = &r->actor, .limit = NEEDS_SHOWN};
    json_t *due = NULL, *it;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (lifecycle_due(r->db, &q, &due, &total, &e)) return;
    json_t *items = json_array();
    size_t i;
    json_array_foreach(due, i, it) {
        const char *no = page_jstr(it, "cert_no");
        /* a certificate recorded before ocop (an imported recognition) has no page of its own */
        const char *href = no && certificate_no_is_ours(no) ? arena_printf(&r->arena, "/tinh/chung-nhan/%s", no)
                                                            : "/tinh/chung-nhan/het-han";
        json_array_append_new(items, work_item(r, page_jstr(json_object_get(it, "product"), "name"), href, no,
                                               page_jstr(it, "expires_on")));
    }
    json_decref(due);
    work_section(r, sections, N_("Certificates expiring (re-evaluation window)"), items, total, "/tinh/chung-nhan/het-han",
                 false);
}

static const char *cert_state_label(Req *r, const char *state) {
    static const char *const labels[][2] = {{"valid", N_("Valid")}, {"expired", N_("Expired")}, {"revoked", N_("Revoked")},
                                            {"superseded", N_("Superseded")}};
    for (size_t i = 0; state && i < COUNT(labels); i++)
        if (!strcmp(labels[i][0], state)) return tr(r->lang, labels[i][1]);
    return state ? state : "";
}

/* ---- decisions ---------------------------------------------------------------------------------- */

static const char *const DECISION_KEYS[] = {"year", "level", "sort", NULL};

/* A decision as its pages show it: the record (decision_get) with decided_text, level_label,
** and each item's stars_text, avg_text and certificate links. */
static json_t *decision_view(Req *r, json_t *d) {
    set_dmy(d, "decided_text", page_jstr(d, "decided_on"));
    json_object_set_new(d, "level_label", json_string(tr(r->lang, str_eq(page_jstr(d, "level"), "ministry")
                                                                      ? N_("Ministry (5★)")
                                                                      : N_("Province (3–4★)"))));
    json_t *it;
    size_t i;
    json_array_foreach(json_object_get(d, "items"), i, it) {
        json_object_set_new(it, "stars_text", json_string(page_stars((int)json_integer_value(json_object_get(it, "stars")))));
        json_object_set_new(it, "avg_text", json_string(score_text(r, json_number_value(json_object_get(it, "avg_score")))));
        const char *st = page_jstr(it, "certificate_state");
        if (st) json_object_set_new(it, "state_label", json_string(cert_state_label(r, st)));
    }
    json_object_set_new(d, "count", json_integer((json_int_t)json_array_size(json_object_get(d, "items"))));
    return d;
}

/* GET /tinh/quyet-dinh: the province's decisions, newest first; ?year=, ?level=, pages, CSV/XLSX. */
int page_decisions(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool file = req_query(r, "format") != NULL;
    DecisionQuery q = {.province = province_of(r), .level = req_query(r, "level"), .year = req_query(r, "year"),
                       .limit = file ? -1 : pg.per_page, .offset = file ? 0 : pg.offset,
                       .oldest_first = str_eq(req_query(r, "sort"), "oldest")};
    json_t *items = NULL, *d;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (decision_list(r->db, &q, &items, &total, &e)) return resp_problem(r, &e);
    size_t i;
    if (file) {
        static const char *const heads[] = {N_("Number"), N_("Date"), N_("Level"), N_("Signed by"), N_("Products")};
        json_t *rows = json_array();
        json_array_foreach(items, i, d) {
            decision_view(r, d);
            json_array_append_new(rows, json_pack("[s, s, s, s, s]", page_jstr(d, "number"), page_jstr(d, "decided_text"),
                                                  page_jstr(d, "level_label"), page_jstr(d, "signer_name"),
                                                  arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(d, "count")))));
        }
        json_decref(items);
        return page_download(r, "quyet-dinh", heads, 5, rows, NULL, 0);
    }
    json_array_foreach(items, i, d) decision_view(r, d);
    json_t *view = json_pack("{s:o, s:s?, s:s?}", "items", items, "year", req_query(r, "year"), "level", req_query(r, "level"));
    json_object_set_new(view, "is_level", page_is(req_query(r, "level")));
    json_object_set_new(view, "oldest", json_boolean(q.oldest_first));
    list_nav(r, view, DECISION_KEYS, &pg, total);
    return work_render(r, 200, "decide_decisions", view);
}

/* The new-decision form's view: the key's state, the scored dossiers (those sent checked),
** the fields (page_form) and e's error. */
static const PageField decision_fields[] = {
    {"number", "text", N_("Decision number"), N_("As on the signed decision, e.g. 125/QĐ-UBND"), "off", true, NULL},
    {"decided_on", "date", N_("Date of the decision"), NULL, "off", true, NULL},
    {"signer_name", "text", N_("Signed by (full name)"), NULL, "off", true, NULL},
    {"signer_title", "text", N_("Title of the signer"), N_("e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), "off", true, NULL},
    {"note", "text", N_("Note (optional)"), NULL, "off", false, NULL},
};

static bool form_has(Req *r, const char *key, const char *value) {
    for (int i = 0; r->form && i < form_count(r->form); i++)
        if (!strcmp(form_key(r->form, i), key) && !strcmp(form_value(r->form, i), value)) return true;
    return false;
}

static int decision_new_show(Req *r, int status, const Err *e) {
    json_t *view = json_object(), *scored = json_object(), *d;
    scored_dossiers(r, scored);
    size_t i;
    json_array_foreach(json_object_get(scored, "decide"), i, d) {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(d, "id")));
        if (form_has(r, "dossier", id)) json_object_set_new(d, "checked", json_true());
    }
    json_object_set_new(view, "scored", scored);
    json_object_set_new(view, "key", key_view(r));
    json_object_set_new(view, "form", page_form(r, decision_fields, COUNT(decision_fields), e));
    if (!req_form(r, "decided_on")) {
        char today[11];
        date_today(today);
        json_object_set_new(json_object_get(json_object_get(json_object_get(view, "form"), "f"), "decided_on"), "value",
                            json_string(today));
    }
    json_object_set_new(view, "has_decide", json_boolean(json_array_size(json_object_get(scored, "decide")) > 0));
    json_object_set_new(view, "has_close", json_boolean(json_array_size(json_object_get(scored, "close")) > 0));
    json_object_set_new(view, "has_ministry", json_boolean(json_array_size(json_object_get(scored, "ministry")) > 0));
    notice(r, view, (const char *const[]){"not_recognized", N_("The dossier is closed as not recognised."), "send_to_ministry",
                                          N_("The dossier is sent to the Ministry."), NULL});
    return work_render(r, status, "decide_new", view);
}

/* GET /tinh/quyet-dinh/moi */
int page_decision_new(Req *r) { return decision_new_show(r, 200, NULL); }

/* POST /tinh/quyet-dinh/moi: decision_create with the checked dossiers; 303 to the decision. */
int page_decision_create(Req *r) {
    json_t *items = json_array();
    for (int i = 0; r->form && i < form_count(r->form); i++) {
        int64_t id;
        if (strcmp(form_key(r->form, i), "dossier")) continue;
        if (parse_i64(form_value(r->form, i), &id) && id > 0) json_array_append_new(items, json_pack("{s:I}", "dossier_id", (json_int_t)id));
    }
    Err e = ERR_INIT;
    if (!json_array_size(items)) {
        json_decref(items);
        err_set(&e, 422, "dossier", "tick at least one scored dossier to recognise");
        return decision_new_show(r, 422, &e);
    }
    json_t *in = json_pack("{s:s, s:o}", "level", "province", "items", items);
    for (size_t i = 0; i < COUNT(decision_fields); i++) {
        const char *v = req_form(r, decision_fields[i].name);
        if (v && *v) json_object_set_new(in, decision_fields[i].name, json_string(v));
    }
    int64_t id = 0;
    int rc = api_decision_record(r, in, &id, &e);
    if (rc) {
        if (!strncmp(e.field, "items", 5)) snprintf(e.field, sizeof e.field, "dossier");
        int st = decision_new_show(r, e.status == 409 ? 409 : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/quyet-dinh/%lld?done=created", (long long)id));
}

/* GET /tinh/quyet-dinh/{id}: the decision and its certificates; another province's: 404. */
int page_decision(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    json_t *d = decision_get(r->db, id, true, &e);
    if (!d) return resp_problem(r, &e);
    if (!str_eq(page_jstr(d, "province_code"), province_of(r))) {
        json_decref(d);
        return not_found(r, "id", r->pathv[0]);
    }
    json_t *view = json_pack("{s:o}", "d", decision_view(r, d));
    notice(r, view, (const char *const[]){"created", N_("The decision is recorded and its certificates are issued."), NULL});
    return work_render(r, 200, "decide_decision", view);
}

/* ---- certificates ------------------------------------------------------------------------------- */

static const char *const CERT_KEYS[] = {"state", "q", "sort", NULL};

/* A certificate as the pages show it: its record with state_label, the dates as dd/mm/yyyy
** (through_text: the last day it is valid), stars_text, is.STATE. */
static json_t *cert_view(Req *r, json_t *c) {
    const char *state = page_jstr(c, "state");
    json_object_set_new(c, "state_label", json_string(cert_state_label(r, state)));
    json_object_set_new(c, "is", page_is(state));
    json_object_set_new(c, "stars_text", json_string(page_stars((int)json_integer_value(json_object_get(c, "stars")))));
    set_dmy(c, "issued_text", page_jstr(c, "issued_on"));
    set_dmy(c, "expires_text", page_jstr(c, "expires_on"));
    /* expires_on is the first day without force; "valid to" names the last day, as the PDF does */
    const char *expires = page_jstr(c, "expires_on");
    char last[11];
    if (expires && date_valid(expires)) {
        date_add_days(expires, -1, last);
        set_dmy(c, "through_text", last);
    }
    set_dmy(c, "ended_text", page_jstr(c, "ended_on"));
    json_t *d = json_object_get(c, "decision");
    set_dmy(d, "decided_text", page_jstr(d, "decided_on"));
    return c;
}

/* GET /tinh/chung-nhan: the province's certificates; ?state=, ?q= (number, product, producer), pages, CSV/XLSX. */
int page_certificates(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool file = req_query(r, "format") != NULL;
    char today[11];
    date_today(today);
    const char *q = req_query(r, "q");
    CertificateQuery cq = {.state = req_query(r, "state"), .province = province_of(r), .q = q && *q ? q : NULL,
                           .sort = req_query(r, "sort"),
                           .today = today, .limit = file ? -1 : pg.per_page, .offset = file ? 0 : pg.offset};
    json_t *items = NULL, *c;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (certificate_list(r->db, &cq, &items, &total, &e)) return resp_problem(r, &e);
    size_t i;
    json_array_foreach(items, i, c) cert_view(r, c);
    if (file) {
        static const char *const heads[] = {N_("Certificate number"), N_("Product"), N_("Producer"), N_("Stars"),
                                            N_("State"), N_("Issued on"), N_("Expires on")};
        json_t *rows = json_array();
        json_array_foreach(items, i, c) {
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s]", page_jstr(c, "cert_no"),
                                                  page_jstr(json_object_get(c, "product"), "name"),
                                                  page_jstr(json_object_get(c, "producer"), "name"), page_jstr(c, "stars_text"),
                                                  page_jstr(c, "state_label"), page_jstr(c, "issued_text"),
                                                  page_jstr(c, "expires_text")));
        }
        json_decref(items);
        return page_download(r, "giay-chung-nhan", heads, 7, rows, NULL, 0);
    }
    json_t *view = json_pack("{s:o, s:s?}", "items", items, "q", q);
    json_object_set_new(view, "is_state", page_is(req_query(r, "state")));
    json_object_set_new(view, "is_sort", page_is(req_query(r, "sort")));
    list_nav(r, view, CERT_KEYS, &pg, total);
    return work_render(r, 200, "decide_certificates", view);
}

/* GET /tinh/chung-nhan/het-han: certificates in the re-evaluation window or past the 120-day
** warning (lifecycle_due), with the filing window and the dossier filed; ?phase= keeps one of
** the two, ?sort= orders them (soonest first, by product, those without a dossier first). */
int page_certificates_due(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool file = req_query(r, "format") != NULL;
    DueQuery q = {.province = province_of(r), .phase = req_query(r, "phase"), .sort = req_query(r, "sort"),
                  .who = &r->actor, .limit = file ? -1 : pg.per_page, .offset = file ? 0 : pg.offset};
    json_t *items = NULL, *it;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (lifecycle_due(r->db, &q, &items, &total, &e)) return resp_problem(r, &e);
    size_t i;
    json_array_foreach(items, i, it) {
        set_dmy(it, "expires_text", page_jstr(it, "expires_on"));
        set_dmy(it, "opens_text", page_jstr(it, "window_opens"));
        set_dmy(it, "deadline_text", page_jstr(it, "filing_deadline"));
        json_object_set_new(it, "stars_text", json_string(page_stars((int)json_integer_value(json_object_get(it, "stars")))));
        json_object_set_new(it, "warning", json_boolean(str_eq(page_jstr(it, "phase"), "warning")));
        const char *no = page_jstr(it, "cert_no");
        json_object_set_new(it, "ours", json_boolean(no && certificate_no_is_ours(no)));
        json_t *d = json_object_get(it, "dossier");
        if (json_is_object(d)) json_object_set_new(d, "state_label", json_string(work_state_label(r, page_jstr(d, "state"))));
    }
    if (file) {
        static const char *const heads[] = {N_("Certificate number"), N_("Product"), N_("Producer"), N_("Stars"),
                                            N_("Expires on"), N_("Days left"), N_("Re-evaluation dossier")};
        json_t *rows = json_array();
        json_array_foreach(items, i, it) {
            json_t *d = json_object_get(it, "dossier");
            json_array_append_new(rows, json_pack("[s, s, s, s, s, s, s]", page_jstr(it, "cert_no"),
                                                  page_jstr(json_object_get(it, "product"), "name"),
                                                  page_jstr(json_object_get(it, "producer"), "name"), page_jstr(it, "stars_text"),
                                                  page_jstr(it, "expires_text"),
                                                  arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(it, "days_left"))),
                                                  json_is_object(d) ? page_jstr(d, "state_label") : ""));
        }
        json_decref(items);
        return page_download(r, "het-han", heads, 7, rows, NULL, 0);
    }
    json_t *view = json_pack("{s:o}", "items", items);
    json_object_set_new(view, "is_phase", page_is(req_query(r, "phase")));
    json_object_set_new(view, "is_sort", page_is(req_query(r, "sort")));
    static const char *const keys[] = {"phase", "sort", NULL};
    list_nav(r, view, keys, &pg, total);
    return work_render(r, 200, "decide_due", view);
}

/* The certificate of the path, if it is the caller's province's; NULL after answering 404. */
static json_t *own_certificate(Req *r) {
    char today[11];
    date_today(today);
    Err e = ERR_INIT;
    json_t *c = certificate_get(r->db, r->pathv[0], today, &e);
    if (c && str_eq(page_jstr(c, "province_code"), province_of(r))) return cert_view(r, c);
    json_decref(c);
    not_found(r, "cert_no", r->pathv[0]);
    return NULL;
}

static const PageField revoke_fields[] = {
    {"ground", "select", N_("Legal ground (QĐ 26/2026 Điều 8.1)"), NULL, NULL, true, NULL},
    {"decision_no", "text", N_("Number of the revocation decision"), N_("e.g. 30/QĐ-UBND"), "off", true, NULL},
    {"decided_on", "date", N_("Date of the revocation decision"), NULL, "off", true, NULL},
    {"note", "text", N_("Note (optional)"), NULL, "off", false, NULL},
};

/* The grounds of revocation as select options [{value, label}] in r's language. */
static json_t *ground_options(Req *r) {
    json_t *all = revocation_grounds(), *g, *out = json_array();
    size_t i;
    json_array_foreach(all, i, g) {
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", page_jstr(g, "ground"), "label",
                                             arena_printf(&r->arena, "%s: %s", page_jstr(g, "clause"),
                                                          page_jstr(g, r->lang == LANG_VI ? "vi" : "en"))));
    }
    json_decref(all);
    return out;
}

/* The certificate page, with the revocation form (and e's error), or the confirmation step
** (confirm: the values checked, to send again with confirm=1). */
static int certificate_show(Req *r, json_t *c, int status, const Err *e, bool confirm) {
    json_t *grounds = ground_options(r);
    PageField f[COUNT(revoke_fields)];
    memcpy(f, revoke_fields, sizeof f);
    f[0].options = grounds;
    json_t *view = json_pack("{s:o, s:o}", "c", c, "form", page_form(r, f, COUNT(f), e));
    json_decref(grounds);
    bool ours = str_eq(page_jstr(c, "issuer_code"), province_of(r));
    json_object_set_new(view, "may_revoke", json_boolean(ours && str_eq(page_jstr(c, "state"), "valid")));
    if (confirm) {
        json_t *cf = json_pack("{s:s, s:s, s:s, s:s}", "ground", req_form(r, "ground"), "decision_no", req_form(r, "decision_no"),
                               "decided_on", req_form(r, "decided_on"), "note", req_form(r, "note") ? req_form(r, "note") : "");
        set_dmy(cf, "decided_text", req_form(r, "decided_on"));
        json_t *all = ground_options(r), *g;
        size_t i;
        json_array_foreach(all, i, g)
            if (str_eq(page_jstr(g, "value"), req_form(r, "ground"))) json_object_set(cf, "ground_label", json_object_get(g, "label"));
        json_decref(all);
        json_object_set_new(view, "confirm", cf);
    }
    notice(r, view, (const char *const[]){"revoked", N_("The certificate is revoked. Its verification page says so now."), NULL});
    return work_render(r, status, "decide_certificate", view);
}

/* GET /tinh/chung-nhan/{cert_no} */
int page_certificate(Req *r) {
    json_t *c = own_certificate(r);
    return c ? certificate_show(r, c, 200, NULL, false) : r->status;
}

/* POST /tinh/chung-nhan/{cert_no}/thu-hoi: without confirm=1, the values are checked and a
** confirmation step is shown; with it, certificate_revoke. The form carries the state its page
** showed: a certificate that ended since answers 409 (certificate_revoke), nothing changed. */
int page_certificate_revoke(Req *r) {
    json_t *c = own_certificate(r);
    if (!c) return r->status;
    Err e = ERR_INIT;
    const char *ground = req_form(r, "ground"), *number = req_form(r, "decision_no"), *date = req_form(r, "decided_on");
    const char *note = req_form(r, "note");
    if (!ground || !*ground) err_set(&e, 422, "ground", "choose the legal ground of the revocation");
    else if (!revocation_ground_vi(ground)) err_set(&e, 422, "ground", "choose one of the legal grounds listed");
    else if (!number || !*number) err_set(&e, 422, "decision_no", "enter the number of the revocation decision");
    else if (!date || !*date) err_set(&e, 422, "decided_on", "enter the date of the revocation decision");
    else if (!str_eq(req_form(r, "from"), page_jstr(c, "state")))
        err_set(&e, 409, "from", "this certificate is now \"%s\": someone has acted on it since your page was shown; nothing was changed",
                page_jstr(c, "state_label"));
    if (e.status) return certificate_show(r, c, e.status, &e, false);
    if (!str_eq(req_form(r, "confirm"), "1")) return certificate_show(r, c, 200, NULL, true);
    json_t *in = json_pack("{s:s, s:s, s:s}", "ground", ground, "decision_no", number, "decided_on", date);
    if (note && *note) json_object_set_new(in, "note", json_string(note));
    int rc = certificate_revoke(r->db, &r->actor, r->pathv[0], in, &e);
    json_decref(in);
    if (rc) {
        int st = certificate_show(r, c, e.status == 409 ? 409 : 422, &e, false);
        err_clear(&e);
        return st;
    }
    json_decref(c);
    return page_redirect(r, arena_printf(&r->arena, "/tinh/chung-nhan/%s?done=revoked", r->pathv[0]));
}

/* ---- imports ------------------------------------------------------------------------------------ */

/* The kinds of records a province officer imports, and the public lists it exports from. */
static const struct {
    const Entity *en;
    const char *label, *list;
} kinds[] = {
    {&ENTITY_PRODUCERS, N_("Producers"), "/chu-the"},
    {&ENTITY_PRODUCTS, N_("Products"), "/san-pham"},
    {&ENTITY_RECOGNITIONS, N_("Recognitions (earlier decisions)"), NULL},
    {&ENTITY_VILLAGES, N_("Craft villages"), "/lang-nghe"},
    {&ENTITY_POINTS, N_("Points of sale"), "/diem-ban"},
    {&ENTITY_DOSSIER_ARCHIVE, N_("Dossiers decided before ocop (archive)"), NULL},
};

static const Entity *kind_entity(const char *name) {
    for (size_t i = 0; name && i < COUNT(kinds); i++)
        if (!strcmp(kinds[i].en->name, name)) return kinds[i].en;
    return NULL;
}

/* The proof that this session uploaded the file sha as kind (a keyed hash, the key the
** session's CSRF token): what the confirmation form carries beside the file's hash. */
static void upload_mac(Req *r, const char *sha, const char *kind, char out[65]) {
    unsigned char h[32];
    const char *key = r->auth->csrf;
    char *msg = arena_printf(&r->arena, "import:%s:%s", sha, kind);
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, strlen(msg), (const unsigned char *)key, strlen(key));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static const char *imports_dir(Req *r) { return arena_printf(&r->arena, "%s/imports", r->app->files_dir); }

/* The import page: the upload form, the exports, and (res) a dry run's or a failed import's
** result: counts, every row problem, and the confirmation form when there is none. */
static int import_show(Req *r, int status, const Err *e, const char *kind, const char *sha, const char *filename,
                       const ImportResult *res) {
    json_t *view = json_object(), *opts = json_array(), *exports = json_array(), *templates = json_array();
    for (size_t i = 0; i < COUNT(kinds); i++) {
        json_array_append_new(opts, json_pack("{s:s, s:s, s:b}", "value", kinds[i].en->name, "label", tr(r->lang, kinds[i].label),
                                              "selected", str_eq(kind, kinds[i].en->name)));
        json_array_append_new(templates, json_pack("{s:s, s:s}", "kind", kinds[i].en->name, "label", tr(r->lang, kinds[i].label)));
        if (kinds[i].list)
            json_array_append_new(exports, json_pack("{s:s, s:s, s:s}", "label", tr(r->lang, kinds[i].label), "csv",
                                                     arena_printf(&r->arena, "%s?province=%s&format=csv", kinds[i].list, province_of(r)),
                                                     "xlsx",
                                                     arena_printf(&r->arena, "%s?province=%s&format=xlsx", kinds[i].list, province_of(r))));
    }
    json_object_set_new(view, "kinds", opts);
    json_object_set_new(view, "exports", exports);
    json_object_set_new(view, "templates", templates);
    if (e && e->status) {
        char msg[600];
        json_object_set_new(view, "error", json_string(err_text(e, r->lang, msg, sizeof msg)));
    }
    if (res && res->problems) {
        char n[32];
        json_t *pv = json_pack("{s:s, s:s, s:s, s:s}", "rows", lang_int(r->lang, (long long)res->rows, n, sizeof n),
                               "file", filename ? filename : "", "kind", kind, "kind_label", "");
        for (size_t i = 0; i < COUNT(kinds); i++)
            if (str_eq(kind, kinds[i].en->name)) json_object_set_new(pv, "kind_label", json_string(tr(r->lang, kinds[i].label)));
        json_object_set_new(pv, "created", json_string(lang_int(r->lang, (long long)res->created, n, sizeof n)));
        json_object_set_new(pv, "duplicates", json_string(lang_int(r->lang, (long long)res->duplicates, n, sizeof n)));
        json_object_set_new(pv, "errors", json_string(lang_int(r->lang, (long long)res->errors, n, sizeof n)));
        json_object_set(pv, "problems", res->problems);
        json_object_set_new(pv, "has_problems", json_boolean(json_array_size(res->problems) > 0));
        json_object_set(pv, "duplicate_rows", res->duplicate_rows);
        json_object_set_new(pv, "has_duplicates", json_boolean(json_array_size(res->duplicate_rows) > 0));
        if (!json_array_size(res->problems) && sha && res->created) {
            char mac[65];
            upload_mac(r, sha, kind, mac);
            json_object_set_new(pv, "confirm", json_pack("{s:s, s:s, s:s}", "sha", sha, "mac", mac, "filename", filename ? filename : ""));
        }
        json_object_set_new(view, "preview", pv);
    }
    if (str_eq(req_query(r, "done"), "imported")) {
        char n[32];
        json_object_set_new(view, "notice", json_string(arena_printf(&r->arena, tr(r->lang, N_("Imported: %s new records.")),
                                                                   lang_int(r->lang, req_int(r, "created", 0), n, sizeof n))));
        /* the archive's dossiers are in the province's list, newest first */
        if (str_eq(kind, ENTITY_DOSSIER_ARCHIVE.name))
            json_object_set_new(view, "imported_link", json_string("/tinh/ho-so?archived=true&sort=-id"));
    }
    return work_render(r, status, "decide_import", view);
}

/* GET /tinh/nhap */
int page_import_form(Req *r) { return import_show(r, 200, NULL, req_query(r, "kind"), NULL, NULL, NULL); }

/* Run the import of file data (kind en) as a dry run or for real; the page of its result, or
** (done for real) 303 to /tinh/nhap with the count. */
static int import_do(Req *r, const Entity *en, const char *data, size_t n, const char *sha, const char *filename, bool dry) {
    ImportResult res;
    Err e = ERR_INIT;
    int rc = import_run(r->db, en, &r->actor, data, n, TABLE_AUTO, dry, r->lang, NULL, NULL, &res, &e);
    int st;
    if (!rc && !dry)
        st = page_redirect(r, arena_printf(&r->arena, "/tinh/nhap?done=imported&created=%zu&kind=%s", res.created, en->name));
    else
        st = import_show(r, rc ? e.status : 200, rc ? &e : NULL, en->name, sha, filename, &res);
    import_result_free(&res);
    err_clear(&e);
    return st;
}

/* POST /tinh/nhap: the uploaded file (field file) of kind, kept by its hash, run as a dry run. */
int page_import_preview(Req *r) {
    const char *kind = req_form(r, "kind");
    const Entity *en = kind_entity(kind);
    int nf = 0;
    const FormFile *files = req_form_files(r, &nf);
    const FormFile *f = NULL;
    for (int i = 0; i < nf; i++)
        if (!strcmp(files[i].name, "file") && files[i].size) f = &files[i];
    Err e = ERR_INIT;
    if (!en) err_set(&e, 422, "kind", "choose what the file holds");
    else if (!f) err_set(&e, 422, "file", "choose the CSV or XLSX file to import");
    if (e.status) return import_show(r, 422, &e, kind, NULL, NULL, NULL);
    char *data = xmalloc(f->size ? f->size : 1);
    size_t got = 0;
    while (got < f->size) {
        ssize_t k = pread(f->fd, data + got, f->size - got, (off_t)got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    char sha[65] = "";
    char *name = NULL;
    files_clean_name(f->filename, &name, &e);
    err_clear(&e);
    int st;
    if (got != f->size) {
        err_set(&e, 500, "file", "the uploaded file cannot be read");
        st = import_show(r, 500, &e, kind, NULL, NULL, NULL);
    } else if (files_put(imports_dir(r), data, got, sha, &e)) st = import_show(r, e.status, &e, kind, NULL, NULL, NULL);
    else st = import_do(r, en, data, got, sha, name, true);
    free(data);
    free(name);
    return st;
}

/* GET /tinh/nhap/mau?kind=K[&format=xlsx]: the empty list of a kind to fill in, in the page's
** language. */
int page_import_template(Req *r) {
    const Entity *en = kind_entity(req_query(r, "kind"));
    if (!en) return resp_error(r, 400, "kind", "choose what the file holds");
    TableFormat fmt = str_eq(req_query(r, "format"), "xlsx") ? TABLE_XLSX : TABLE_CSV;
    char *out = NULL;
    size_t n = 0;
    Err e = ERR_INIT;
    if (import_template(en, fmt, r->lang == LANG_VI, &out, &n, &e)) return resp_problem(r, &e);
    return resp_download(r, fmt, out, n, arena_printf(&r->arena, "%s-mau", en->name));
}

/* POST /tinh/nhap/xac-nhan: the file the preview showed (sha, with the session's proof mac),
** imported for real: all rows or none. */
int page_import_confirm(Req *r) {
    const char *kind = req_form(r, "kind"), *sha = req_form(r, "sha"), *mac = req_form(r, "mac");
    const Entity *en = kind_entity(kind);
    char want[65] = "";
    if (en && sha && files_valid_sha(sha)) upload_mac(r, sha, kind, want);
    Err e = ERR_INIT;
    if (!en || !mac || strlen(mac) != 64 || sodium_memcmp(mac, want, 64) != 0) {
        err_set(&e, 422, "file", "this confirmation does not match a file you uploaded: upload the file again");
        return import_show(r, 422, &e, kind, NULL, NULL, NULL);
    }
    size_t n = 0;
    char *data = files_get(imports_dir(r), sha, &n, &e);
    if (!data) {
        err_clear(&e);
        err_set(&e, 422, "file", "this confirmation does not match a file you uploaded: upload the file again");
        return import_show(r, 422, &e, kind, NULL, NULL, NULL);
    }
    int st = import_do(r, en, data, n, sha, req_form(r, "filename"), false);
    free(data);
    return st;
}

/* ---- users -------------------------------------------------------------------------------------- */

static const char *const USER_KEYS[] = {"q", "role", "status", "sort", NULL};

/* The roles a province officer gives in its province, for the forms. */
static const char *const GIVEN_ROLES[] = {"commune", "council_chair", "council_member", "council_secretary", NULL};

static const char *role_label(Req *r, const char *role) {
    int k = role_parse(role);
    return k < 0 ? role : r->lang == LANG_VI ? role_label_vi((Role)k) : role_label_en((Role)k);
}

/* Where each role of users (an array of user records) applies, as a person reads it ("Xã Mỏ
** Cày", the council's or the producer's name), in one query: {"ROLE:SCOPE": text}. */
static json_t *role_places(Req *r, json_t *users) {
    Buf ids = BUF_INIT;
    json_t *u, *out = json_object();
    size_t i;
    json_array_foreach(users, i, u) buf_printf(&ids, ",%lld", (long long)json_integer_value(json_object_get(u, "id")));
    buf_puts(&ids, ",");
#define UNIT_NAME(level) "(SELECT upper(substr(type, 1, 1)) || substr(type, 2) || ' ' || name FROM units WHERE code = g.scope " \
                         "AND geo = '2025' AND level = '" level "' AND valid_to IS NULL)"
    Stmt *s = db_prepare(r->db, "SELECT g.role, g.scope, CASE g.role WHEN 'commune' THEN " UNIT_NAME("commune")
                                " WHEN 'province' THEN " UNIT_NAME("province")
                                " WHEN 'producer' THEN (SELECT name FROM producers WHERE id = CAST(g.scope AS INTEGER)) "
                                "WHEN 'admin' THEN '' ELSE (SELECT name FROM councils WHERE id = CAST(g.scope AS INTEGER)) END "
                                "FROM user_roles g WHERE instr(?, ',' || g.user_id || ',') > 0");
#undef UNIT_NAME
    db_bind_text(s, 1, buf_str(&ids));
    while (db_step(s) == DB_ROW) {
        const char *place = db_col_text(s, 2);
        json_object_set_new(out, arena_printf(&r->arena, "%s:%s", db_col_text(s, 0), db_col_text(s, 1)),
                            json_string(place ? place : db_col_text(s, 1)));
    }
    db_done(s);
    buf_free(&ids);
    return out;
}

/* A user as the pages show it: each role with its label, place (places: role_places) and
** whether the caller may revoke it here (a role of its province other than its own kind),
** roles_text for a download, status_label, is_active. */
static json_t *user_view(Req *r, json_t *u, json_t *places) {
    json_t *g;
    size_t i;
    Buf b = BUF_INIT;
    json_array_foreach(json_object_get(u, "roles"), i, g) {
        const char *role = page_jstr(g, "role"), *scope = page_jstr(g, "scope");
        const char *place = json_string_value(json_object_get(places, arena_printf(&r->arena, "%s:%s", role, scope ? scope : "")));
        json_object_set_new(g, "label", json_string(role_label(r, role)));
        json_object_set_new(g, "place", json_string(place ? place : ""));
        bool ours = str_eq(page_jstr(g, "province"), province_of(r)) && strcmp(role, "admin") && strcmp(role, "province");
        json_object_set_new(g, "revocable", json_boolean(ours));
        buf_printf(&b, "%s%s%s%s", i ? "; " : "", role_label(r, role), place && *place ? ": " : "", place ? place : "");
    }
    json_object_set_new(u, "roles_text", json_string(buf_str(&b)));
    buf_free(&b);
    bool active = str_eq(page_jstr(u, "status"), "active");
    json_object_set_new(u, "is_active", json_boolean(active));
    json_object_set_new(u, "status_label", json_string(tr(r->lang, active ? N_("Active") : N_("Disabled"))));
    return u;
}

static json_t *role_options(Req *r) {
    json_t *o = json_array();
    for (int i = 0; GIVEN_ROLES[i]; i++)
        json_array_append_new(o, json_pack("{s:s, s:s}", "value", GIVEN_ROLES[i], "label", role_label(r, GIVEN_ROLES[i])));
    return o;
}

/* The communes in force of the province and its councils, as select options. */
static json_t *commune_options(Req *r) {
    json_t *o = json_array();
    Stmt *s = db_prepare(r->db, "SELECT code, upper(substr(type, 1, 1)) || substr(type, 2) || ' ' || name FROM units WHERE geo = '2025' AND level = 'commune' "
                                "AND valid_to IS NULL AND parent_code = ? ORDER BY name");
    db_bind_text(s, 1, province_of(r));
    while (db_step(s) == DB_ROW) json_array_append_new(o, json_pack("{s:s, s:s}", "value", db_col_text(s, 0), "label", db_col_text(s, 1)));
    db_done(s);
    return o;
}

static json_t *council_options(Req *r) {
    json_t *o = json_array();
    Stmt *s = db_prepare(r->db, "SELECT id, name FROM councils WHERE province_code = ? ORDER BY id");
    db_bind_text(s, 1, province_of(r));
    while (db_step(s) == DB_ROW)
        json_array_append_new(o, json_pack("{s:s, s:s}", "value", arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)),
                                           "label", db_col_text(s, 1)));
    db_done(s);
    return o;
}

/* The scope of the role chosen on a form: the commune for a commune officer, the council for
** a council position. */
static const char *chosen_scope(Req *r) {
    const char *role = req_form(r, "role");
    return str_eq(role, "commune") ? req_form(r, "commune") : req_form(r, "council");
}

/* GET /tinh/nguoi-dung: users with a role in the province; ?q=, ?role=, ?status=, pages, CSV/XLSX. */
int page_users(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool file = req_query(r, "format") != NULL;
    const char *q = req_query(r, "q"), *role = req_query(r, "role");
    UserQuery uq = {.q = q && *q ? q : NULL, .role = role && *role ? role : NULL, .status = req_query(r, "status"),
                    .province = province_of(r), .sort = req_query(r, "sort"), .limit = file ? -1 : pg.per_page,
                    .offset = file ? 0 : pg.offset};
    json_t *items = NULL, *u;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (uq.role && role_parse(uq.role) < 0) uq.role = NULL;
    if (user_list(r->db, &r->actor, &uq, &items, &total, &e)) return resp_problem(r, &e);
    size_t i;
    json_t *places = role_places(r, items);
    json_array_foreach(items, i, u) user_view(r, u, places);
    json_decref(places);
    if (file) {
        static const char *const heads[] = {N_("Username"), N_("Full name"), N_("Roles"), N_("Status")};
        json_t *rows = json_array();
        json_array_foreach(items, i, u)
            json_array_append_new(rows, json_pack("[s, s, s, s]", page_jstr(u, "username"),
                                                  page_jstr(u, "full_name") ? page_jstr(u, "full_name") : "",
                                                  page_jstr(u, "roles_text"), page_jstr(u, "status_label")));
        json_decref(items);
        return page_download(r, "nguoi-dung", heads, 4, rows, NULL, 0);
    }
    json_t *roles = role_options(r), *o;
    json_array_insert_new(roles, 0, json_pack("{s:s, s:s}", "value", "province", "label", role_label(r, "province")));
    json_array_foreach(roles, i, o) json_object_set_new(o, "selected", json_boolean(str_eq(role, page_jstr(o, "value"))));
    json_t *view = json_pack("{s:o, s:s?, s:o}", "items", items, "q", q, "roles", roles);
    json_object_set_new(view, "is_status", page_is(req_query(r, "status")));
    json_object_set_new(view, "sorts", work_user_sorts(r));
    list_nav(r, view, USER_KEYS, &pg, total);
    return work_render(r, 200, "decide_users", view);
}

static const PageField user_fields[] = {
    {"username", "text", N_("Username"), N_("3 to 32 letters a-z, digits and . _ -, without diacritics"), "off", true, NULL},
    {"full_name", "text", N_("Full name"), NULL, "off", false, NULL},
    {"email", "email", N_("E-mail"), NULL, "off", false, NULL},
    {"phone", "tel", N_("Phone"), NULL, "off", false, NULL},
    {"password", "password", N_("Password"), N_("At least 10 characters; give it to the person, who changes it after signing in"),
     "new-password", true, NULL},
    {"role", "select", N_("Role"), NULL, NULL, true, NULL},
    {"commune", "select", N_("Commune (for a commune officer)"), NULL, NULL, false, NULL},
    {"council", "select", N_("Council (for a council position)"), NULL, NULL, false, NULL},
};

/* The fields of a form with the role, commune and council choices of the province. */
static json_t *user_form(Req *r, const PageField *fields, size_t n, const Err *e) {
    json_t *roles = role_options(r), *communes = commune_options(r), *councils = council_options(r);
    PageField f[COUNT(user_fields)];
    memcpy(f, fields, sizeof(PageField) * n);
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(f[i].name, "role")) f[i].options = roles;
        if (!strcmp(f[i].name, "commune")) f[i].options = communes;
        if (!strcmp(f[i].name, "council")) f[i].options = councils;
    }
    json_t *form = page_form(r, f, n, e);
    json_decref(roles), json_decref(communes), json_decref(councils);
    return form;
}

static int user_new_show(Req *r, int status, const Err *e) {
    json_t *view = json_pack("{s:o}", "form", user_form(r, user_fields, COUNT(user_fields), e));
    return work_render(r, status, "decide_user_new", view);
}

/* GET /tinh/nguoi-dung/moi */
int page_user_new(Req *r) { return user_new_show(r, 200, NULL); }

/* The field a role's scope is chosen with, for an error about the scope. */
static void scope_field(Req *r, Err *e) {
    if (!strcmp(e->field, "scope") || !strncmp(e->field, "roles", 5))
        snprintf(e->field, sizeof e->field, "%s", str_eq(req_form(r, "role"), "commune") ? "commune" : "council");
}

/* POST /tinh/nguoi-dung/moi: user_create with one role of the province; 303 to the user. */
int page_user_create(Req *r) {
    Err e = ERR_INIT;
    const char *role = req_form(r, "role"), *scope = chosen_scope(r);
    bool known = false;
    for (int i = 0; role && GIVEN_ROLES[i]; i++) known |= !strcmp(role, GIVEN_ROLES[i]);
    if (!known) err_set(&e, 422, "role", "choose the role of the new user");
    else if (!scope || !*scope) err_set(&e, 422, str_eq(role, "commune") ? "commune" : "council", "choose where the role applies");
    if (e.status) return user_new_show(r, 422, &e);
    json_t *in = json_pack("{s:[{s:s, s:s}]}", "roles", "role", role, "scope", scope);
    static const char *const keys[] = {"username", "password", "full_name", "email", "phone"};
    for (size_t i = 0; i < COUNT(keys); i++) {
        const char *v = req_form(r, keys[i]);
        if (v && (*v || i < 2)) json_object_set_new(in, keys[i], json_string(v));
    }
    int64_t id = 0;
    int rc = user_create(r->db, &r->actor, in, &id, &e);
    json_decref(in);
    if (rc) {
        scope_field(r, &e);
        int st = user_new_show(r, e.status == 409 ? 409 : e.status == 403 ? 403 : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/nguoi-dung/%lld?done=created", (long long)id));
}

static const PageField grant_fields[] = {
    {"role", "select", N_("Role"), NULL, NULL, true, NULL},
    {"commune", "select", N_("Commune (for a commune officer)"), NULL, NULL, false, NULL},
    {"council", "select", N_("Council (for a council position)"), NULL, NULL, false, NULL},
};
static const PageField password_fields[] = {
    {"password", "password", N_("New password"), N_("At least 10 characters; the user's sessions end and its API tokens are revoked"),
     "new-password", true, NULL},
};

static int user_show(Req *r, int64_t id, int status, const Err *e) {
    Err ge = ERR_INIT;
    json_t *u = user_get(r->db, id, &ge);
    if (!u) return resp_problem(r, &ge);
    const char *act = req_form(r, "do");
    bool pw = str_eq(act, "password");
    json_t *one = json_pack("[O]", u), *places = role_places(r, one);
    user_view(r, u, places);
    json_decref(one), json_decref(places);
    json_t *view = json_pack("{s:o, s:o, s:o}", "u", u, "grant", user_form(r, grant_fields, COUNT(grant_fields), pw ? NULL : e),
                             "pw", page_form(r, password_fields, COUNT(password_fields), pw ? e : NULL));
    json_object_set_new(view, "self", json_boolean(id == r->auth->user_id));
    if (e && e->status && !str_eq(act, "grant") && !pw) {
        char msg[600];
        json_object_set_new(view, "error", json_string(err_text(e, r->lang, msg, sizeof msg)));
    }
    notice(r, view, (const char *const[]){"created", N_("The user is created. Give them their username and password."),
                                          "grant", N_("The role is granted."), "revoke", N_("The role is revoked."),
                                          "disable", N_("The account is disabled; its sessions have ended."),
                                          "enable", N_("The account is active again."),
                                          "password", N_("The password is set; the user's sessions have ended."), NULL});
    return work_render(r, status, "decide_user", view);
}

/* GET /tinh/nguoi-dung/{id} (the route checked the user is visible to the caller). */
int page_user(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return user_show(r, id, 200, NULL);
}

/* POST /tinh/nguoi-dung/{id}: do = grant (role, commune|council), revoke (grant), disable or
** enable (from: the status the page showed), password; user.c decides what the caller may. */
int page_user_act(Req *r) {
    int64_t id, gid = 0;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *act = req_form(r, "do");
    Err e = ERR_INIT;
    int rc;
    if (str_eq(act, "grant")) {
        const char *scope = chosen_scope(r), *role = req_form(r, "role");
        bool known = false;
        for (int i = 0; role && GIVEN_ROLES[i]; i++) known |= !strcmp(role, GIVEN_ROLES[i]);
        rc = !known ? err_set(&e, 422, "role", "choose the role to grant")
                    : user_grant(r->db, &r->actor, id, role, scope ? scope : "", NULL, &gid, &e);
        scope_field(r, &e);
    } else if (str_eq(act, "revoke")) {
        rc = !parse_i64(req_form(r, "grant") ? req_form(r, "grant") : "", &gid) || gid <= 0
                 ? err_set(&e, 422, "grant", "choose the role to revoke")
                 : user_revoke(r->db, &r->actor, id, gid, &e);
    } else if (str_eq(act, "disable") || str_eq(act, "enable")) {
        const char *want = str_eq(act, "disable") ? "disabled" : "active";
        json_t *u = user_get(r->db, id, &e);
        const char *now = u ? page_jstr(u, "status") : NULL;
        if (!u) rc = -1;
        else if (!str_eq(req_form(r, "from"), now) || str_eq(now, want))
            rc = err_set(&e, 409, "from", "this account is now \"%s\": someone has changed it since your page was shown; nothing was changed",
                         tr(r->lang, str_eq(now, "active") ? N_("Active") : N_("Disabled")));
        else {
            json_t *patch = json_pack("{s:s}", "status", want);
            rc = user_update(r->db, &r->actor, id, patch, &e);
            json_decref(patch);
        }
        json_decref(u);
    } else if (str_eq(act, "password")) {
        const char *pw = req_form(r, "password");
        rc = id == r->auth->user_id ? err_set(&e, 403, "password", "change your own password on your account page")
             : !pw || !*pw          ? err_set(&e, 422, "password", "enter the new password")
                                    : user_set_password(r->db, &r->actor, id, pw, NULL, &e);
    } else {
        rc = err_set(&e, 422, "do", "choose what to do with the account");
    }
    if (rc) {
        int st = user_show(r, id, e.status == 409 || e.status == 403 || e.status == 404 ? e.status : 422, &e);
        err_clear(&e);
        return st;
    }
    return page_redirect(r, arena_printf(&r->arena, "/tinh/nguoi-dung/%lld?done=%s", (long long)id, act));
}

/* ---- audit trail -------------------------------------------------------------------------------- */

static const char *const AUDIT_KEYS[] = {"user", "entity", "action", "from", "to", NULL};
/* The same and the order: what the pages' and downloads' links keep. */
static const char *const AUDIT_LINK_KEYS[] = {"user", "entity", "action", "from", "to", "sort", NULL};

/* The kinds of records in the audit trail, as the filter offers them. */
static const struct {
    const char *entity, *label;
} audit_kinds[] = {
    {"decisions", N_("Recognition decisions")}, {"certificates", N_("Certificates")}, {"dossiers", N_("Dossiers")},
    {"users", N_("Users")}, {"producers", N_("Producers")}, {"products", N_("Products")},
    {"recognitions", N_("Recognitions (earlier decisions)")}, {"villages", N_("Craft villages")},
    {"points", N_("Points of sale")}, {"rounds", N_("Rounds")}, {"councils", N_("Councils")},
    {"signing_keys", N_("Signing key")},
};

/* What an audit entry's action code did, as a person reads it: the common ones and the steps
** of the procedure ("dossier.forward"); the code itself otherwise. */
static const char *audit_action_label(Req *r, const char *action) {
    static const char *const labels[][2] = {
        {"create", N_("Created")},   {"update", N_("Changed")},   {"delete", N_("Deleted")},
        {"import", N_("Imported")},  {"revoke", N_("Revoked")},   {"login", N_("Signed in")},
        {"logout", N_("Signed out")}, {"disable", N_("Account disabled")}, {"password", N_("Password set")},
    };
    for (size_t i = 0; action && i < COUNT(labels); i++)
        if (!strcmp(labels[i][0], action)) return tr(r->lang, labels[i][1]);
    if (action && !strncmp(action, "dossier.", 8)) {
        const char *l = work_action_label(r, action + 8);
        if (strcmp(l, action + 8)) return l;
    }
    return action ? action : "";
}

static const char *audit_kind_label(Req *r, const char *entity) {
    for (size_t i = 0; entity && i < COUNT(audit_kinds); i++)
        if (!strcmp(audit_kinds[i].entity, entity)) return tr(r->lang, audit_kinds[i].label);
    return entity ? entity : "";
}

/* GET /tinh/nhat-ky: the audit entries of the caller's provinces, newest first; filters user,
** entity, action, from, to; pages; CSV/XLSX (audit_export, the API's columns). */
int page_audit(Req *r) {
    Paging pg;
    req_paging(r, &pg);
    bool file = req_query(r, "format") != NULL;
    char provinces[32][8];
    AuditQuery q = {0};
    const char *const *k = AUDIT_KEYS;
    const char **v[] = {&q.user, &q.entity, &q.action, &q.from, &q.to};
    for (size_t i = 0; k[i]; i++) {
        const char *s = req_query(r, k[i]);
        *v[i] = s && *s ? s : NULL;
    }
    q.nprovinces = auth_provinces(r->auth, PERM_AUDIT_READ, provinces, 32);
    q.provinces = (const char(*)[8])provinces;
    q.oldest_first = str_eq(req_query(r, "sort"), "oldest");
    q.limit = file ? -1 : pg.per_page;
    q.offset = file ? 0 : pg.offset;
    json_t *items = NULL, *it;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (audit_list(r->db, &q, &items, &total, &e)) {
        json_t *view = json_pack("{s:[], s:s}", "items", "error", err_text(&e, r->lang, (char[600]){0}, 600));
        err_clear(&e);
        list_nav(r, view, AUDIT_LINK_KEYS, &pg, 0);
        return work_render(r, 400, "decide_audit", view);
    }
    if (file) {
        char *out = NULL;
        size_t n = 0;
        int rc = audit_export(items, req_table_format(r), req_export_vi(r), &out, &n, &e);
        json_decref(items);
        return rc ? resp_problem(r, &e) : resp_download(r, req_table_format(r), out, n, "nhat-ky");
    }
    size_t i;
    json_array_foreach(items, i, it) {
        const char *at = page_jstr(it, "at");
        char d[11];
        if (at && strlen(at) >= 16)
            json_object_set_new(it, "at_text", json_string(arena_printf(&r->arena, "%s %.5s", page_dmy(at, d), at + 11)));
        json_object_set_new(it, "entity_label", json_string(audit_kind_label(r, page_jstr(it, "entity"))));
        json_object_set_new(it, "action_label", json_string(audit_action_label(r, page_jstr(it, "action"))));
    }
    json_t *kinds_view = json_array();
    for (size_t j = 0; j < COUNT(audit_kinds); j++)
        json_array_append_new(kinds_view, json_pack("{s:s, s:s, s:b}", "value", audit_kinds[j].entity, "label",
                                                    tr(r->lang, audit_kinds[j].label), "selected",
                                                    str_eq(req_query(r, "entity"), audit_kinds[j].entity)));
    json_t *view = json_pack("{s:o, s:o}", "items", items, "kinds", kinds_view);
    for (size_t j = 0; k[j]; j++) set_str(view, k[j], req_query(r, k[j]));
    json_object_set_new(view, "oldest", json_boolean(q.oldest_first));
    list_nav(r, view, AUDIT_LINK_KEYS, &pg, total);
    return work_render(r, 200, "decide_audit", view);
}
