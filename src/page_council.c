/*
** page_council.c: the council's workspace (/cham-diem, docs/web.md "The council's workspace"),
** for the chair, the members and the secretary of a council (roles council_chair,
** council_member, council_secretary, scoped to a council id): what waits on /lam-viec (sheets
** to fill, re-scorings, scorings to close, minutes to produce); the dossiers of the council's
** rounds with the caller's own sheet's state; the official score sheet of one dossier beside
** the producer's self-assessment and evidence, saved as it is filled and submitted once
** complete, or a declared conflict of interest instead; the council's view of every sheet with
** the spread, the quorum, the average and the stars, where the chair opens a re-scoring or
** closes the scoring; and the minutes (biên bản) as a PDF ready to sign (minutes.c). Every
** change goes through scoring.c, as the JSON API's does.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "entity.h"
#include "minutes.h"
#include "page.h"
#include "page_dossier.h"
#include "page_list.h"
#include "page_record.h"
#include "page_sheet.h"
#include "page_work.h"
#include "param.h"
#include "rubric.h"
#include "scoring.h"
#include "util.h"

/* What /lam-viec shows of each section; the section links to the whole list. */
enum { NEEDS_SHOWN = 8, MAX_COUNCILS = 16 };

/* The councils in which the caller holds one of the roles of mask: "?, ?" into sql (or "NULL"
** when none, so the IN list stays valid), their ids into ids. Their number. */
static int my_councils(Req *r, unsigned mask, Buf *sql, const char *ids[MAX_COUNCILS]) {
    int n = 0;
    for (int i = 0; r->auth && i < r->auth->ngrants && n < MAX_COUNCILS; i++) {
        if (!(mask & (1u << r->auth->grants[i].role))) continue;
        buf_puts(sql, n ? ", ?" : "?");
        ids[n++] = r->auth->grants[i].scope;
    }
    if (!n) buf_puts(sql, "NULL");
    return n;
}

#define SCORERS (1u << ROLE_COUNCIL_CHAIR | 1u << ROLE_COUNCIL_MEMBER)
#define CLOSERS (1u << ROLE_COUNCIL_CHAIR | 1u << ROLE_COUNCIL_SECRETARY)
#define SCORING "('in_round', 'in_ministry_round')"

/* Run sql (the councils' ids bound first, then the caller's id when with_user) and turn its
** rows (id, reg_no, product, due, detail key, count(*) OVER ()) into /lam-viec items linking to
** path_fmt ("/cham-diem/%lld"); *total: how many rows there are in all. */
static json_t *needs_items(Req *r, const char *sql, const char *ids[], int n, bool with_user, const char *path_fmt,
                           const char *(*detail)(Req *, Stmt *), int64_t *total) {
    Stmt *s = db_prepare(r->db, sql);
    int k = 1;
    if (with_user) db_bind_int(s, k++, actor_user_id(&r->actor));
    for (int i = 0; i < n; i++) db_bind_text(s, k++, ids[i]);
    json_t *items = json_array();
    *total = 0;
    while (db_step(s) == DB_ROW) {
        const char *reg = db_col_text(s, 1), *name = db_col_text(s, 2);
        const char *text = reg ? arena_printf(&r->arena, "%s (%s)", name, reg) : name;
        json_array_append_new(items, work_item(r, text, arena_printf(&r->arena, path_fmt, (long long)db_col_int(s, 0)),
                                               detail ? detail(r, s) : NULL, db_col_text(s, 3)));
        *total = db_col_int(s, 5);
    }
    db_done(s);
    return items;
}

/* The detail of a scoring whose sheets are all in: its spread when it is over the threshold. */
static const char *close_detail(Req *r, Stmt *s) {
    double spread = db_col_double(s, 4), threshold = db_col_double(s, 6);
    if (spread > threshold)
        return arena_printf(&r->arena, tr(r->lang, N_("totals spread %d points: re-score or accept with a comment")),
                            (int)spread);
    return tr(r->lang, N_("every sheet is in: close the scoring"));
}

/* The sheets the caller has not submitted (nor declined with a conflict) in the open rounds of
** its councils, whose scoring pass matches cond. */
#define WAITING(cond)                                                                                               \
    "SELECT d.id, d.reg_no, p.name, r.ends_on, NULL, count(*) OVER () FROM dossiers d "                            \
    "JOIN rounds r ON r.id = d.round_id JOIN products p ON p.id = d.product_id WHERE d.state IN " SCORING          \
    " AND r.state = 'open' AND " cond " AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.dossier_id = d.id AND "      \
    "s.user_id = ?1 AND s.pass = d.scoring_pass AND s.submitted_at IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM "     \
    "conflicts c WHERE c.dossier_id = d.id AND c.user_id = ?1) AND CAST(r.council_id AS TEXT) IN (%s) "            \
    "ORDER BY r.ends_on, d.id LIMIT %d"

/* The sections of /lam-viec: whose they are (roles), the query (rows: id, reg_no, product, due,
** spread, count(*) OVER (), threshold; %s the councils' IN list, %d the rows shown; with_user:
** ?1 is the caller), where each item and the section lead, and the item's detail. */
static const struct {
    unsigned roles;
    const char *title, *sql;
    bool with_user, empty_ok;
    const char *path, *more;
    const char *(*detail)(Req *, Stmt *);
} needs[] = {
    {SCORERS, N_("Dossiers waiting for your score sheet"), WAITING("d.scoring_pass = 1"), true, true, "/cham-diem/%lld",
     "/cham-diem", NULL},
    {SCORERS, N_("Re-scorings opened: score again"), WAITING("d.scoring_pass > 1"), true, false, "/cham-diem/%lld",
     "/cham-diem", NULL},
    /* scorings whose sheets are all in (each scorer without a declared conflict submitted) */
    {CLOSERS, N_("Every sheet is in: close or re-score"),
     "SELECT id, reg_no, name, ends_on, spread, count(*) OVER (), threshold FROM (SELECT d.id AS id, d.reg_no AS reg_no, "
     "p.name AS name, r.ends_on AS ends_on, r.spread_threshold AS threshold, "
     "(SELECT max(total) - min(total) FROM scores s WHERE s.dossier_id = d.id AND s.pass = d.scoring_pass AND "
     "s.submitted_at IS NOT NULL AND s.user_id NOT IN (SELECT user_id FROM conflicts WHERE dossier_id = d.id)) AS spread, "
     "(SELECT count(*) FROM user_roles g JOIN users u ON u.id = g.user_id WHERE g.scope = CAST(r.council_id AS TEXT) "
     "AND g.role IN ('council_chair', 'council_member') AND u.status = 'active' AND g.user_id NOT IN "
     "(SELECT user_id FROM conflicts WHERE dossier_id = d.id)) AS scorers, "
     "(SELECT count(*) FROM scores s WHERE s.dossier_id = d.id AND s.pass = d.scoring_pass AND s.submitted_at IS NOT "
     "NULL AND s.user_id NOT IN (SELECT user_id FROM conflicts WHERE dossier_id = d.id)) AS submitted "
     "FROM dossiers d JOIN rounds r ON r.id = d.round_id JOIN products p ON p.id = d.product_id "
     "WHERE d.state IN " SCORING " AND r.state = 'open' AND CAST(r.council_id AS TEXT) IN (%s)) "
     "WHERE scorers > 0 AND submitted >= scorers ORDER BY ends_on, id LIMIT %d",
     false, false, "/cham-diem/%lld/hoi-dong", "/cham-diem", close_detail},
    /* scorings closed, whose minutes are to be printed and signed */
    {1u << ROLE_COUNCIL_SECRETARY, N_("Minutes to print and sign"),
     "SELECT d.id, d.reg_no, p.name, NULL, NULL, count(*) OVER () FROM dossiers d JOIN rounds r ON r.id = d.round_id "
     "JOIN products p ON p.id = d.product_id WHERE d.state IN ('scored', 'ministry_scored') AND "
     "CAST(r.council_id AS TEXT) IN (%s) ORDER BY d.updated_at DESC, d.id LIMIT %d",
     false, false, "/cham-diem/%lld/hoi-dong", "/cham-diem?state=scored", NULL},
};

void work_needs_council(Req *r, json_t *sections) {
    for (size_t k = 0; k < COUNT(needs); k++) {
        Buf in = BUF_INIT;
        const char *ids[MAX_COUNCILS];
        int n = my_councils(r, needs[k].roles, &in, ids);
        if (n) {
            int64_t total;
            const char *sql = arena_printf(&r->arena, needs[k].sql, in.p, NEEDS_SHOWN);
            json_t *items = needs_items(r, sql, ids, n, needs[k].with_user, needs[k].path, needs[k].detail, &total);
            work_section(r, sections, needs[k].title, items, total, needs[k].more, needs[k].empty_ok);
        }
        buf_free(&in);
    }
}

/* ---- /cham-diem: the dossiers of the council's rounds ---------------------------------------- */

/* The states a dossier of a council's round is in: being scored, and after. */
static json_t *dossier_states(Req *r) {
    static const char *const after[] = {"in_round", "scored", "with_ministry", "in_ministry_round", "ministry_scored", "decided"};
    json_t *all = page_list_enum(r, entity_field(&ENTITY_DOSSIERS, "state")->enums), *out = json_array(), *o;
    size_t i;
    json_array_foreach(all, i, o) {
        for (size_t k = 0; k < COUNT(after); k++)
            if (str_eq(page_jstr(o, "value"), after[k])) json_array_append(out, o);
    }
    json_decref(all);
    return out;
}

/* The rounds of the caller's councils, newest first: [{value, label}]. */
static json_t *council_rounds(Req *r) {
    Buf sql = BUF_INIT;
    const char *ids[MAX_COUNCILS];
    buf_puts(&sql, "SELECT id, name FROM rounds WHERE CAST(council_id AS TEXT) IN (");
    int n = my_councils(r, SCORERS | CLOSERS, &sql, ids);
    buf_puts(&sql, ") ORDER BY year DESC, number DESC, id DESC");
    Stmt *s = db_prepare(r->db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_text(s, i + 1, ids[i]);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        const char *name = db_col_text(s, 1);
        json_array_append_new(out, json_pack("{s:s, s:s}", "value", arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0)),
                                             "label", name ? name : arena_printf(&r->arena, "%lld", (long long)db_col_int(s, 0))));
    }
    db_done(s);
    return out;
}

static const ListFilter council_filters[] = {
    {"round_id", N_("Round"), LF_OPTIONS, NULL, council_rounds},
    {"state", N_("State"), LF_OPTIONS, NULL, dossier_states},
    {NULL, NULL, 0, NULL, NULL},
};

static const ListOption council_sorts[] = {
    {"reg_no", N_("Registration no.")},
    {"-id", N_("Newest first")},
    {"-avg_score", N_("Highest council average first")},
    {"state", N_("State")},
    {NULL, NULL},
};

/* sql_head ("SELECT ... WHERE d.id IN (") with the n ids' placeholders and ")" after it, the ids
** bound from parameter first on (the caller binds those before). */
static Stmt *with_ids(Req *r, const char *sql_head, const int64_t *ids, int n, int first) {
    Buf sql = BUF_INIT;
    buf_puts(&sql, sql_head);
    for (int i = 0; i < n; i++) buf_puts(&sql, i ? ", ?" : "?");
    buf_putc(&sql, ')');
    Stmt *s = db_prepare(r->db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_int(s, first + i, ids[i]);
    return s;
}

/* What the caller's own sheet of each dossier of ids is, as a row shows it: {"ID": {label,
** key}}, key one of none, saved, submitted, conflict, secretary. One query. */
static json_t *my_sheets(Req *r, const int64_t *ids, int n) {
    json_t *out = json_object();
    if (!n) return out;
    Stmt *s = with_ids(r, "SELECT d.id, s.submitted_at, s.updated_at, (SELECT 1 FROM conflicts c WHERE c.dossier_id = d.id "
                          "AND c.user_id = ?1), (SELECT g.role FROM user_roles g JOIN rounds rd ON rd.id = d.round_id WHERE "
                          "g.user_id = ?1 AND g.scope = CAST(rd.council_id AS TEXT) AND g.role LIKE 'council_%' ORDER BY g.role "
                          "LIMIT 1) FROM dossiers d LEFT JOIN scores s ON s.dossier_id = d.id AND s.user_id = ?1 AND "
                          "s.pass = d.scoring_pass WHERE d.id IN (",
                       ids, n, 2);
    db_bind_int(s, 1, actor_user_id(&r->actor));
    while (db_step(s) == DB_ROW) {
        const char *key = "none", *label = N_("My sheet: not started");
        if (str_eq(db_col_text(s, 4), "council_secretary")) {
            key = "secretary", label = N_("Secretary: keeps the minutes");
        } else if (!db_col_null(s, 3)) {
            key = "conflict", label = N_("Conflict of interest declared");
        } else if (!db_col_null(s, 1)) {
            key = "submitted", label = N_("My sheet: submitted");
        } else if (!db_col_null(s, 2)) {
            key = "saved", label = N_("My sheet: saved, not submitted");
        }
        json_object_set_new(out, db_col_text(s, 0), json_pack("{s:s, s:s}", "key", key, "label", tr(r->lang, label)));
    }
    db_done(s);
    return out;
}

/* A page of dossiers as rows: the product, the producer, the state, the round and its last
** day, and the caller's own sheet. Names and sheets in two queries for the whole page. */
static json_t *council_rows(Req *r, json_t *items, const char *q) {
    (void)q;
    int n;
    int64_t *ids = page_list_ids(r, items, &n);
    json_t *names = json_object();
    if (n) {
        Stmt *s = with_ids(r, "SELECT d.id, p.name, pr.name, r.name, r.ends_on FROM dossiers d JOIN products p ON "
                              "p.id = d.product_id LEFT JOIN producers pr ON pr.id = d.producer_id LEFT JOIN rounds r ON "
                              "r.id = d.round_id WHERE d.id IN (",
                           ids, n, 1);
        while (db_step(s) == DB_ROW)
            json_object_set_new(names, db_col_text(s, 0),
                                json_pack("{s:s?, s:s?, s:s?, s:s?}", "product", db_col_text(s, 1), "producer",
                                          db_col_text(s, 2), "round", db_col_text(s, 3), "ends_on", db_col_text(s, 4)));
        db_done(s);
    }
    json_t *sheets = my_sheets(r, ids, n);
    char today[11];
    date_today(today);
    json_t *rows = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        const char *key = arena_printf(&r->arena, "%lld", (long long)ids[i]);
        json_t *nm = json_object_get(names, key);
        const char *state = page_jstr(o, "state"), *ends = page_jstr(nm, "ends_on");
        bool scoring = str_eq(state, "in_round") || str_eq(state, "in_ministry_round");
        char dmy[11];
        json_t *row = json_pack("{s:O, s:O, s:O, s:O, s:s, s:s, s:o, s:O}", "id", json_object_get(o, "id"), "product",
                                json_object_get(nm, "product"), "producer", json_object_get(nm, "producer"), "round",
                                json_object_get(nm, "round"), "state", state ? state : "", "state_label",
                                work_state_label(r, state), "is", page_is(state), "sheet", json_object_get(sheets, key));
        if (page_jstr(o, "reg_no")) json_object_set(row, "reg_no", json_object_get(o, "reg_no"));
        if (scoring && ends) {
            json_object_set_new(row, "due_text", json_string(page_dmy(ends, dmy)));
            if (strcmp(ends, today) < 0) json_object_set_new(row, "overdue", json_true());
        }
        json_int_t stars = json_integer_value(json_object_get(o, "stars"));
        if (!scoring && stars > 0) json_object_set_new(row, "stars_text", json_string(page_stars((int)stars)));
        json_array_append_new(rows, row);
    }
    json_decref(names);
    json_decref(sheets);
    return rows;
}

static const ListPage COUNCIL_PAGE = {&ENTITY_DOSSIERS, "/cham-diem", "council_dossiers", N_("Scoring"), council_filters,
                                      council_sorts, council_rows, NULL, NULL};

int page_council_list(Req *r) { return page_list(r, &COUNCIL_PAGE); }

/* ---- /cham-diem/{id}: the official sheet ------------------------------------------------------- */

/* The dossier's files per criterion: {"CODE": [{filename, url}]}. A new object. */
static json_t *evidence_of(json_t *files) {
    json_t *out = json_object(), *f;
    size_t i;
    json_array_foreach(files, i, f) {
        const char *code = page_jstr(f, "criterion");
        if (!code || !*code) continue;
        json_t *list = json_object_get(out, code);
        if (!list) json_object_set_new(out, code, list = json_array());
        const char *name = page_jstr(f, "filename");
        json_array_append_new(list, json_pack("{s:s, s:s}", "filename", name ? name : page_jstr(f, "sha256"), "url",
                                              page_jstr(f, "url")));
    }
    return out;
}

/* The caller's place on the dossier's council: member (from scoring_council) with position
** ("chair", "member", "secretary") and conflict, or NULL (an organiser, not a member). */
static json_t *me_in(json_t *council, int64_t me) {
    json_t *m;
    size_t i;
    json_array_foreach(json_object_get(council, "members"), i, m)
        if (json_integer_value(json_object_get(m, "user_id")) == me) return m;
    return NULL;
}

/* The scoring of dossier id is open: in a round (or the Ministry's), not closed. */
static bool scoring_now(json_t *d) {
    const char *st = page_jstr(d, "state");
    return str_eq(st, "in_round") || str_eq(st, "in_ministry_round");
}

/* The missing criteria of a sheet view (sheet_view) as the error summary's links. */
static json_t *missing_errors(Req *r, json_t *sheet) {
    json_t *errors = json_array(), *p, *sec, *l;
    size_t i, j, k;
    json_array_foreach(json_object_get(sheet, "parts"), i, p) json_array_foreach(json_object_get(p, "sections"), j, sec)
        json_array_foreach(json_object_get(sec, "leaves"), k, l) if (json_is_true(json_object_get(l, "missing")))
            json_array_append_new(errors, json_pack("{s:s, s:s}", "href", arena_printf(&r->arena, "#k-%s", page_jstr(l, "id")),
                                                    "text", arena_printf(&r->arena, tr(r->lang, N_("Criterion %s (%s): choose one option")),
                                                                         page_jstr(l, "code"), page_jstr(l, "text"))));
    return errors;
}

/* Render the sheet page of dossier id. choices/comments: what to show (NULL: the saved sheet);
** errors: a refused submission's, or NULL. status: the answer's. */
static int sheet_page(Req *r, int64_t id, int status, json_t *choices, json_t *comments, json_t *errors) {
    Err e = ERR_INIT;
    json_t *d = work_dossier_view(r, id, &e);
    if (!d) return resp_problem(r, &e);
    json_t *council = scoring_council(r->db, &r->actor, id, &e);
    if (!council) {
        json_decref(d);
        return resp_problem(r, &e);
    }
    json_t *view = json_pack("{s:s, s:o}", "title",
                             arena_printf(&r->arena, tr(r->lang, N_("Score sheet: %s")), page_jstr(d, "product_name")), "dossier", d);
    json_t *me = me_in(council, actor_user_id(&r->actor));
    const char *pos = page_jstr(me, "position");
    bool open = scoring_now(d);
    json_object_set_new(view, "open", json_boolean(open));
    json_object_set_new(view, "pass", json_integer(json_integer_value(json_object_get(d, "scoring_pass"))));
    if (json_integer_value(json_object_get(d, "scoring_pass")) > 1 && open)
        json_object_set_new(view, "rescoring", json_true());
    const char *done = req_query(r, "done");
    if (str_eq(done, "saved")) json_object_set_new(view, "notice", json_string(tr(r->lang, N_("Your sheet is saved."))));
    if (str_eq(done, "submitted"))
        json_object_set_new(view, "notice", json_string(tr(r->lang, N_("Your sheet is submitted. The council's sheets are below."))));
    if (str_eq(done, "conflict"))
        json_object_set_new(view, "notice", json_string(tr(r->lang, N_("Your conflict of interest is recorded: you do not score this dossier."))));
    if (str_eq(pos, "secretary")) {
        json_object_set_new(view, "secretary", json_true());
    } else if (me && json_is_string(json_object_get(me, "conflict"))) {
        json_object_set_new(view, "conflict", json_true());
    } else if (me) {
        json_t *sv = scoring_view(r->db, &r->actor, id, &e);
        json_t *own = json_object_get(sv, "own");
        bool submitted = own && json_is_string(json_object_get(own, "submitted_at"));
        json_t *sa = json_object_get(json_object_get(view, "dossier"), "self_assessment");
        const Rubric *rub = rubric_get(page_jstr(d, "rubric_version"));
        const RubSet *set = rub ? rubric_set(rub, (int)json_integer_value(json_object_get(d, "set_no"))) : NULL;
        if (set) {
            json_t *ev = evidence_of(json_object_get(d, "files"));
            SheetOpts o = {
                .choices = choices ? choices : json_object_get(own, "choices"),
                .comments = choices ? comments : json_object_get(own, "comments"),
                .beside = json_object_get(sa, "choices"),
                .beside_label = N_("Self-assessment"),
                .evidence = ev,
                .with_comments = true,
                .readonly = submitted || !open,
                .save_url = arena_printf(&r->arena, "/api/v1/dossiers/%lld/scores/me", (long long)id),
                .key = arena_printf(&r->arena, "score-%lld-%lld-%lld", (long long)id, (long long)actor_user_id(&r->actor),
                                    (long long)json_integer_value(json_object_get(d, "scoring_pass"))),
            };
            json_t *sheet = sheet_view(r, set, &o);
            json_decref(ev);
            if (errors && !json_array_size(errors)) {
                json_t *missing = missing_errors(r, sheet);
                json_array_extend(errors, missing);
                json_decref(missing);
            }
            json_object_set_new(view, "sheet", sheet);
        }
        json_object_set_new(view, "scorer", json_true());
        json_object_set_new(view, "submitted", json_boolean(submitted));
        if (own && json_is_string(json_object_get(own, "updated_at"))) {
            char dmy[11];
            const char *at = page_jstr(own, "updated_at");
            json_object_set_new(view, "saved_text", json_string(arena_printf(&r->arena, "%s %.5s", page_dmy(at, dmy),
                                                                             strlen(at) >= 16 ? at + 11 : "")));
        }
        json_decref(sv);
    }
    if (errors) {
        json_object_set_new(view, "errors", errors);
        json_object_set_new(view, "has_errors", json_boolean(json_array_size(errors) > 0));
    }
    json_decref(council);
    return work_render(r, status, "council_sheet", view);
}

int page_council_sheet(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return sheet_page(r, id, 200, NULL, NULL, NULL);
}

/* The dossier's scoring pass and state now, into *pass and state[24]; false when it is gone. */
static bool dossier_now(Req *r, int64_t id, int64_t *pass, char state[24]) {
    Stmt *s = db_prepare(r->db, "SELECT scoring_pass, state FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    bool ok = db_step(s) == DB_ROW;
    if (ok) {
        *pass = db_col_int(s, 0);
        snprintf(state, 24, "%s", db_col_text(s, 1));
    }
    db_done(s);
    return ok;
}

/* The form's "pass" and "state" (what its page showed) against the dossier now: 0, or the 409
** page already answered (another member or the chair acted since, or the form was sent twice). */
static int stale(Req *r, int64_t id) {
    int64_t pass = 0, shown = 0;
    char state[24] = "";
    if (!dossier_now(r, id, &pass, state)) return page_no_record(r);
    const char *fp = req_form(r, "pass"), *fs = req_form(r, "state");
    if ((fp && (!parse_i64(fp, &shown) || shown != pass)) || (fs && *fs && !str_eq(fs, state)))
        return resp_error(r, 409, "pass",
                          "the scoring of this dossier has moved on since your page was shown (it is now \"%s\", scoring pass "
                          "%lld): someone else acted, or this form was sent twice. Nothing was changed. Open the page again",
                          work_state_label(r, state), (long long)pass);
    return 0;
}

/* POST /cham-diem/{id}: save the sheet (do=save) or submit it (do=submit), without JavaScript.
** A submission that misses criteria saves what was chosen and shows the page again (422) with
** each missing criterion linked to its box. */
int page_council_sheet_post(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int st = stale(r, id);
    if (st) return st;
    int64_t pass;
    char state[24];
    dossier_now(r, id, &pass, state);
    Stmt *s = db_prepare(r->db, "SELECT rubric_version, set_no FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    const RubSet *set = NULL;
    if (db_step(s) == DB_ROW) set = rubric_set(rubric_get(db_col_text(s, 0)), (int)db_col_int(s, 1));
    db_done(s);
    if (!set) return resp_error(r, 409, "set_no", "the dossier's score sheet is not known");
    Err e = ERR_INIT;
    json_t *comments = NULL;
    json_t *choices = sheet_form_choices(r, set, &comments, &e);
    if (!choices) return resp_problem(r, &e);
    bool submit = str_eq(req_form(r, "do"), "submit");
    json_t *in = json_pack("{s:O, s:O, s:b}", "choices", choices, "comments", comments, "submit", submit), *out = NULL;
    int rc = scoring_save(r->db, &r->actor, id, in, &out, &e);
    json_decref(out);
    bool missing = rc && submit && e.status == 422 && str_eq(e.field, "choices");
    if (missing) { /* not submitted: what was chosen is saved, and the page names what is missing */
        err_clear(&e);
        json_object_set_new(in, "submit", json_false());
        rc = scoring_save(r->db, &r->actor, id, in, &out, &e);
        json_decref(out);
    }
    json_decref(in);
    if (missing && !rc) {
        int status = sheet_page(r, id, 422, choices, comments, json_array());
        json_decref(choices);
        json_decref(comments);
        return status;
    }
    json_decref(choices);
    json_decref(comments);
    if (rc) return resp_problem(r, &e);
    return page_redirect(r, submit ? arena_printf(&r->arena, "/cham-diem/%lld/hoi-dong?done=submitted", (long long)id)
                                   : arena_printf(&r->arena, "/cham-diem/%lld?done=saved", (long long)id));
}

/* POST /cham-diem/{id}/xung-dot: the caller declares a conflict of interest (reason) and does
** not score the dossier. */
int page_council_conflict(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int st = stale(r, id);
    if (st) return st;
    const char *reason = req_form(r, "reason");
    Err e = ERR_INIT;
    json_t *in = json_pack("{s:s}", "reason", reason ? reason : "");
    int rc = scoring_declare_conflict(r->db, &r->actor, id, in, &e);
    json_decref(in);
    if (rc) return resp_problem(r, &e);
    return page_redirect(r, arena_printf(&r->arena, "/cham-diem/%lld?done=conflict", (long long)id));
}

/* ---- /cham-diem/{id}/hoi-dong: the council's view --------------------------------------------- */

static const char *position_label(Req *r, const char *pos) {
    if (str_eq(pos, "chair")) return tr(r->lang, N_("Chair"));
    if (str_eq(pos, "secretary")) return tr(r->lang, N_("Secretary"));
    return tr(r->lang, N_("Member"));
}

/* "78,5" in r's language; whole numbers without decimals. */
static const char *points(Req *r, double v) {
    char *out = arena_alloc(&r->arena, 32);
    return lang_num(r->lang, v, v == (double)(long long)v ? 0 : 2, out, 32);
}

/* The members as the council view shows them: name, position, agency, and their sheet (total,
** parts) or why there is none. */
static json_t *members_view(Req *r, json_t *sv) {
    json_t *by_user = json_object(), *sh, *m;
    size_t i;
    json_array_foreach(json_object_get(sv, "sheets"), i, sh)
        json_object_set(by_user, arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(sh, "user_id"))), sh);
    json_t *rows = json_array();
    json_array_foreach(json_object_get(sv, "members"), i, m) {
        const char *uid = arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(m, "user_id")));
        const char *name = page_jstr(m, "full_name");
        json_t *row = json_pack("{s:s, s:s, s:s?}", "name", name && *name ? name : page_jstr(m, "username"), "position",
                                position_label(r, page_jstr(m, "position")), "agency", page_jstr(m, "agency"));
        json_t *sheet = json_object_get(by_user, uid);
        if (json_is_string(json_object_get(m, "conflict"))) {
            json_object_set_new(row, "status", json_string(tr(r->lang, N_("Conflict of interest: does not score"))));
        } else if (!json_is_true(json_object_get(m, "scores"))) {
            json_object_set_new(row, "status", json_string(tr(r->lang, N_("Keeps the minutes"))));
        } else if (sheet) {
            json_t *parts = json_object_get(sheet, "parts");
            json_object_set_new(row, "total", json_integer(json_integer_value(json_object_get(sheet, "total"))));
            json_object_set_new(row, "a", json_integer(json_integer_value(json_object_get(parts, "A"))));
            json_object_set_new(row, "b", json_integer(json_integer_value(json_object_get(parts, "B"))));
            json_object_set_new(row, "c", json_integer(json_integer_value(json_object_get(parts, "C"))));
            int stars = (int)json_integer_value(json_object_get(json_object_get(sheet, "result"), "stars"));
            json_object_set_new(row, "stars_text", json_string(page_stars(stars)));
            json_object_set_new(row, "stars", json_integer(stars));
            json_object_set_new(row, "has_sheet", json_true());
        } else if (json_is_string(json_object_get(m, "submitted_at"))) {
            json_object_set_new(row, "status", json_string(tr(r->lang, N_("Submitted"))));
        } else {
            json_object_set_new(row, "status", json_string(tr(r->lang, N_("Not submitted yet"))));
        }
        json_array_append_new(rows, row);
    }
    json_decref(by_user);
    return rows;
}

/* The criteria on which the submitted sheets differ: [{code, text, max, cells [{points}]}],
** columns in the order of sv's sheets, with each sheet's name in *heads. */
static json_t *criteria_view(Req *r, const RubSet *set, json_t *sv, json_t **heads) {
    json_t *sheets = json_object_get(sv, "sheets"), *rows = json_array(), *sh;
    size_t j;
    *heads = json_array();
    json_array_foreach(sheets, j, sh) json_array_append_new(*heads, json_pack("{s:s}", "name", page_jstr(sh, "username")));
    for (int i = 0; set && i < set->nleaves; i++) {
        const RubLeaf *l = &set->leaves[i];
        json_t *cells = json_array();
        int lo = 1000, hi = -1;
        json_array_foreach(sheets, j, sh) {
            json_t *v = json_object_get(json_object_get(sh, "choices"), l->code);
            int pts = json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < l->noptions
                          ? l->options[json_integer_value(v)].points : 0;
            lo = pts < lo ? pts : lo;
            hi = pts > hi ? pts : hi;
            json_array_append_new(cells, json_pack("{s:i}", "points", pts));
        }
        if (hi > lo)
            json_array_append_new(rows, json_pack("{s:s, s:s, s:i, s:o, s:i}", "code", l->code, "text", l->text, "max", l->max,
                                                  "cells", cells, "gap", hi - lo));
        else
            json_decref(cells);
    }
    (void)r;
    return rows;
}

/* The council's result (scoring_view's council and average) as the page shows it. */
static json_t *result_view(Req *r, json_t *sv, const RubSet *set) {
    json_t *c = json_object_get(sv, "council");
    if (!json_is_object(c)) return json_null();
    int stars = (int)json_integer_value(json_object_get(c, "stars")), band = (int)json_integer_value(json_object_get(c, "band"));
    json_t *held = json_array(), *h;
    size_t i;
    json_array_foreach(json_object_get(c, "held_back_by"), i, h) {
        const RubLeaf *l = set ? rubric_leaf(set, page_jstr(h, "code")) : NULL;
        json_array_append_new(held, json_pack("{s:s, s:s, s:I}", "code", page_jstr(h, "code"), "text", l ? l->text : "",
                                              "caps_at", json_integer_value(json_object_get(h, "caps_at"))));
    }
    return json_pack("{s:s, s:i, s:s, s:i, s:s, s:o, s:b}", "average", points(r, json_real_value(json_object_get(c, "average"))),
                     "stars", stars, "stars_text", page_stars(stars), "band", band, "band_text", page_stars(band), "held", held,
                     "has_held", json_array_size(held) > 0);
}

/* Render the council view of dossier id. */
static int council_page(Req *r, int64_t id) {
    Err e = ERR_INIT;
    json_t *d = work_dossier_view(r, id, &e);
    if (!d) return resp_problem(r, &e);
    json_t *sv = scoring_view(r->db, &r->actor, id, &e);
    if (!sv) {
        json_decref(d);
        return resp_problem(r, &e);
    }
    const RubSet *set = rubric_set(rubric_get(page_jstr(d, "rubric_version")), (int)json_integer_value(json_object_get(d, "set_no")));
    json_t *view = json_pack("{s:s, s:o}", "title",
                             arena_printf(&r->arena, tr(r->lang, N_("The council's sheets: %s")), page_jstr(d, "product_name")),
                             "dossier", d);
    json_t *me = NULL, *m;
    size_t i;
    json_array_foreach(json_object_get(sv, "members"), i, m)
        if (json_integer_value(json_object_get(m, "user_id")) == actor_user_id(&r->actor)) me = m;
    const char *pos = page_jstr(me, "position");
    bool open = scoring_now(d);
    json_object_set_new(view, "open", json_boolean(open));
    json_object_set_new(view, "pass", json_integer(json_integer_value(json_object_get(sv, "pass"))));
    json_object_set_new(view, "members", members_view(r, sv));
    json_t *q = json_object_get(sv, "quorum");
    json_object_set_new(view, "quorum", json_pack("{s:I, s:I, s:I, s:b, s:b}", "submitted", json_integer_value(json_object_get(q, "submitted")),
                                                  "scorers", json_integer_value(json_object_get(q, "scorers")), "needed",
                                                  json_integer_value(json_object_get(q, "needed")), "met",
                                                  json_is_true(json_object_get(q, "met")), "chair",
                                                  json_is_true(json_object_get(q, "chair_submitted"))));
    if (json_is_array(json_object_get(sv, "sheets"))) {
        json_t *sp = json_object_get(sv, "spread");
        json_object_set_new(view, "sees", json_true());
        json_object_set_new(view, "spread",
                            json_pack("{s:s, s:s, s:b}", "points", points(r, json_real_value(json_object_get(sp, "points"))),
                                      "threshold", points(r, json_real_value(json_object_get(sp, "threshold"))), "flagged",
                                      json_is_true(json_object_get(sp, "flagged"))));
        json_object_set_new(view, "result", result_view(r, sv, set));
        json_t *heads;
        json_t *crit = criteria_view(r, set, sv, &heads);
        json_object_set_new(view, "has_criteria", json_boolean(json_array_size(crit) > 0));
        json_object_set_new(view, "criteria", crit);
        json_object_set_new(view, "heads", heads);
        json_object_set_new(view, "minutes_href", json_string(arena_printf(&r->arena, "/cham-diem/%lld/bien-ban.pdf", (long long)id)));
    }
    bool chair = str_eq(pos, "chair"), secretary = str_eq(pos, "secretary");
    if (open && (chair || secretary)) {
        json_object_set_new(view, "can_close", json_true());
        if (chair) json_object_set_new(view, "can_rescore", json_true());
    }
    if (!open && json_is_array(json_object_get(sv, "sheets")) && (chair || secretary || me))
        json_object_set_new(view, "closed", json_true());
    const char *done = req_query(r, "done");
    static const struct {
        const char *done, *text;
    } notices[] = {
        {"submitted", N_("Your sheet is submitted.")},
        {"rescore", N_("A re-scoring is open: each member scores the dossier again.")},
        {"close", N_("The scoring is closed. Print the minutes for signing.")},
    };
    for (size_t k = 0; done && k < COUNT(notices); k++)
        if (str_eq(done, notices[k].done)) json_object_set_new(view, "notice", json_string(tr(r->lang, notices[k].text)));
    json_decref(sv);
    return work_render(r, 200, "council_view", view);
}

int page_council_view(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    return council_page(r, id);
}

/* POST /cham-diem/{id}/hoi-dong: the chair opens a re-scoring (action=rescore), or the chair or
** the secretary closes the scoring (action=close, accept_spread when the spread is flagged),
** each with a comment. A form whose page showed another pass or state changes nothing (409). */
int page_council_act(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    int st = stale(r, id);
    if (st) return st;
    const char *action = req_form(r, "action"), *comment = req_form(r, "comment");
    json_t *in = json_object();
    if (comment && *comment) json_object_set_new(in, "comment", json_string(comment));
    Err e = ERR_INIT;
    int rc;
    if (str_eq(action, "rescore")) {
        rc = scoring_rescore(r->db, &r->actor, id, in, &e);
    } else if (str_eq(action, "close")) {
        if (str_eq(req_form(r, "accept_spread"), "yes")) json_object_set_new(in, "accept_spread", json_true());
        rc = scoring_close(r->db, &r->actor, id, in, &e);
        if (rc && e.status == 409 && str_eq(e.field, "spread")) {
            json_decref(in);
            return resp_error(r, 409, "spread",
                              "the totals spread more than the round's threshold: open a re-scoring, or tick \"The council "
                              "accepts the spread\" and say why in the comment. Nothing was changed");
        }
    } else {
        rc = err_set(&e, 422, "action", "choose to re-score or to close the scoring");
    }
    json_decref(in);
    if (rc) return resp_problem(r, &e);
    return page_redirect(r, arena_printf(&r->arena, "/cham-diem/%lld/hoi-dong?done=%s", (long long)id, action));
}

/* ---- /cham-diem/{id}/bien-ban.pdf: the minutes -------------------------------------------------- */

/* GET /cham-diem/{id}/bien-ban.pdf?pass=N: the minutes of the scoring (scoring_minutes) as a
** PDF ready to sign, with the council's, the product's and the producer's names and the place. */
int page_council_minutes(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    Err e = ERR_INIT;
    json_t *m = scoring_minutes(r->db, &r->actor, id, req_int(r, "pass", 0), &e);
    if (!m) return resp_problem(r, &e);
    json_t *d = work_dossier_view(r, id, &e);
    if (!d) {
        json_decref(m);
        return resp_problem(r, &e);
    }
    Stmt *s = db_prepare(r->db, "SELECT c.name, r.name, r.spread_threshold FROM councils c LEFT JOIN rounds r ON r.id = ? WHERE c.id = ?");
    db_bind_int(s, 1, json_integer_value(json_object_get(d, "round_id")));
    db_bind_int(s, 2, json_integer_value(json_object_get(m, "council_id")));
    if (db_step(s) == DB_ROW) {
        json_object_set_new(m, "council_name", json_string(db_col_text(s, 0)));
        if (db_col_text(s, 1)) json_object_set_new(m, "round_name", json_string(db_col_text(s, 1)));
    }
    db_done(s);
    const Rubric *rub = rubric_get(page_jstr(d, "rubric_version"));
    const RubSet *set = rub ? rubric_set(rub, (int)json_integer_value(json_object_get(d, "set_no"))) : NULL;
    json_object_set(m, "product_name", json_object_get(d, "product_name"));
    json_object_set(m, "producer_name", json_object_get(d, "producer_name"));
    json_object_set(m, "province_name", json_object_get(d, "province_name"));
    if (set) json_object_set_new(m, "set_name", json_string(set->name));
    char today[11];
    date_today(today);
    json_object_set_new(m, "date", json_string(today));
    json_decref(d);
    char *pdf = NULL;
    size_t n = 0;
    int rc = minutes_pdf(m, &pdf, &n, &e);
    json_decref(m);
    if (rc) return resp_problem(r, &e);
    resp_text(r, 200, "application/pdf", pdf, n);
    free(pdf);
    resp_header(r, "Content-Disposition", arena_printf(&r->arena, "inline; filename=\"bien-ban-%lld.pdf\"", (long long)id));
    resp_header(r, "Cache-Control", "private, no-store");
    return 200;
}
