/*
** page_dossier.c: the dossier as every workspace shows it, and the one form that moves it
** (page_dossier.h).
*/
#include "page_dossier.h"

#include <stdio.h>
#include <string.h>

#include "dossier.h"
#include "entity.h"
#include "page.h"
#include "page_record.h"
#include "registry.h"
#include "util.h"

/* The steps of the procedure as a person reads them (dossier.c's transitions, and the
** council's and decisions' steps that appear in a dossier's history). */
static const struct {
    const char *action, *label;
} actions[] = {
    {"create", N_("Draft started")},
    {"submit", N_("Submit the dossier")},
    {"receive", N_("Receive at the commune")},
    {"return", N_("Return for changes")},
    {"resubmit", N_("Submit again")},
    {"forward", N_("Forward to the province")},
    {"check", N_("Checked by the province")},
    {"reject", N_("Reject the dossier")},
    {"assign", N_("Put in a round")},
    {"not_recognized", N_("Close as not recognised (under 3 stars)")},
    {"send_to_ministry", N_("Send to the Ministry for 5 stars")},
    {"assign_ministry", N_("Put in a Ministry round")},
    {"withdraw", N_("Withdraw the dossier")},
    {"score", N_("Scored by the council")},
    {"close", N_("Scoring closed")},
    {"rescore", N_("Re-scoring opened")},
    {"close_scoring", N_("Scoring closed")},
    {"decide", N_("Decided")},
    {"archive", N_("Recorded from the archive (decided before ocop)")},
};

const char *work_action_label(Req *r, const char *action) {
    for (size_t i = 0; action && i < COUNT(actions); i++)
        if (!strcmp(actions[i].action, action)) return tr(r->lang, actions[i].label);
    return action ? action : "";
}

static const char *enum_label(Req *r, const char *field, const char *value) {
    const Field *f = entity_field(&ENTITY_DOSSIERS, field);
    return value ? entity_enum_label(f->enums, value, r->lang == LANG_VI) : "";
}

const char *work_state_label(Req *r, const char *state) { return enum_label(r, "state", state); }
const char *work_kind_label(Req *r, const char *kind) { return enum_label(r, "kind", kind); }

static void set_date(json_t *o, const char *key, const char *iso) {
    char dmy[11];
    if (iso && *iso) json_object_set_new(o, key, json_string(page_dmy(iso, dmy)));
}

/* "1,2 MB", "340 kB" */
static const char *size_text(Req *r, json_int_t n, char *out, size_t cap) {
    char num[32];
    if (n >= 1000 * 1000) {
        snprintf(out, cap, "%s MB", lang_num(r->lang, (double)n / 1e6, 1, num, sizeof num));
    } else {
        snprintf(out, cap, "%s kB", lang_int(r->lang, (n + 999) / 1000, num, sizeof num));
    }
    return out;
}

/* The actions of state the caller's roles may take (dossier_transitions). */
static json_t *steps_view(Req *r, const char *state) {
    json_t *all = dossier_transitions(), *out = json_array(), *t;
    size_t i;
    json_array_foreach(all, i, t) {
        bool from = false, role = false;
        size_t j;
        json_t *v;
        json_array_foreach(json_object_get(t, "from"), j, v) from |= str_eq(json_string_value(v), state);
        if (!from) continue;
        json_array_foreach(json_object_get(t, "roles"), j, v) {
            int rl = role_parse(json_string_value(v));
            role |= rl >= 0 && auth_has_role(r->auth, 1u << rl);
        }
        if (!role) continue;
        const char *action = page_jstr(t, "action");
        json_t *step = json_pack("{s:s, s:s}", "action", action, "label", work_action_label(r, action));
        /* needs: what the step must carry, an array of names ("comment", "reason", "round_id") */
        json_array_foreach(json_object_get(t, "needs"), j, v) {
            const char *need = json_string_value(v);
            if (str_eq(need, "comment")) json_object_set_new(step, "needs_comment", json_true());
            if (str_eq(need, "reason")) json_object_set_new(step, "needs_reason", json_true());
            if (str_eq(need, "round_id")) json_object_set_new(step, "needs_round", json_true());
        }
        json_array_append_new(out, step);
    }
    json_decref(all);
    return out;
}

json_t *work_dossier_view(Req *r, int64_t id, Err *e) {
    json_t *d = entity_get(r->db, &ENTITY_DOSSIERS, id, e);
    if (!d) return NULL;
    entity_redact(r->db, &ENTITY_DOSSIERS, &r->actor, d);
    const char *state = page_jstr(d, "state"), *kind = page_jstr(d, "kind");
    json_object_set_new(d, "state_label", json_string(work_state_label(r, state)));
    json_object_set_new(d, "kind_label", json_string(work_kind_label(r, kind)));
    json_object_set_new(d, "is", page_is(state));
    json_object_set(d, "product_name", json_object_get(json_object_get(d, "product"), "name"));
    set_date(d, "filed_text", page_jstr(d, "filed_on"));
    set_date(d, "received_text", page_jstr(d, "received_on"));
    set_date(d, "due_text", page_jstr(d, "commune_due"));
    set_date(d, "forwarded_text", page_jstr(d, "forwarded_on"));
    json_int_t stars = json_integer_value(json_object_get(d, "stars"));
    if (stars > 0) json_object_set_new(d, "stars_text", json_string(page_stars((int)stars)));

    Stmt *s = db_prepare(r->db, "SELECT p.name, (SELECT name FROM rounds WHERE id = ?) FROM producers p WHERE p.id = ?");
    db_bind_int(s, 1, json_integer_value(json_object_get(d, "round_id")));
    db_bind_int(s, 2, json_integer_value(json_object_get(d, "producer_id")));
    if (db_step(s) == DB_ROW) {
        json_object_set_new(d, "producer_name", json_string(db_col_text(s, 0) ? db_col_text(s, 0) : ""));
        if (db_col_text(s, 1)) json_object_set_new(d, "round_name", json_string(db_col_text(s, 1)));
    }
    db_done(s);
    const char *code = page_jstr(d, "commune_code");
    if (code) {
        json_t *c = registry_communes(r->db, &code, 1), *one = json_object_get(c, code);
        json_object_set(d, "commune_name", json_object_get(one, "name"));
        json_object_set(d, "province_name", json_object_get(one, "province_name"));
        json_decref(c);
    }

    json_t *events = dossier_events(r->db, id), *ev;
    size_t i;
    json_array_foreach(events, i, ev) {
        char when[24];
        json_object_set_new(ev, "at_text", json_string(stamp_vn(page_jstr(ev, "at"), when)));
        json_object_set_new(ev, "action_label", json_string(work_action_label(r, page_jstr(ev, "action"))));
        json_object_set_new(ev, "from_label", json_string(work_state_label(r, page_jstr(ev, "from"))));
        json_object_set_new(ev, "to_label", json_string(work_state_label(r, page_jstr(ev, "to"))));
    }
    json_object_set_new(d, "events", events);
    json_t *avg = json_object_get(d, "avg_score");
    if (json_is_number(avg)) {
        char num[32];
        json_object_set_new(d, "score_text", json_string(lang_num(r->lang, json_number_value(avg), 2, num, sizeof num)));
    }

    json_t *files = dossier_files(r->db, id), *f;
    json_array_foreach(files, i, f) {
        char sz[32];
        json_object_set_new(f, "bytes_text",
                            json_string(size_text(r, json_integer_value(json_object_get(f, "bytes")), sz, sizeof sz)));
    }
    json_object_set_new(d, "has_files", json_boolean(json_array_size(files) > 0));
    json_object_set_new(d, "files", files);
    json_object_set_new(d, "steps", steps_view(r, state ? state : ""));
    return d;
}

/* ---- POST /ho-so/{id}/buoc ----------------------------------------------------------------- */

int work_dossier_moved(Req *r, int64_t id, const char *from) {
    Err e = ERR_INIT;
    json_t *d = entity_get(r->db, &ENTITY_DOSSIERS, id, &e);
    if (!d) return resp_problem(r, &e);
    const char *now = page_jstr(d, "state");
    int st = 0;
    /* The page showed another state: someone acted since (or this form was sent twice). */
    if (from && now && strcmp(from, now) != 0)
        st = resp_error(r, 409, "from",
                        "this dossier is now \"%s\": someone (or this form, sent twice) has acted on it since your "
                        "page was shown; nothing was changed. Open the dossier again to see what it holds",
                        work_state_label(r, now));
    json_decref(d);
    return st;
}

int page_dossier_step(Req *r) {
    int64_t id;
    if (!page_path_id(r, &id)) return page_no_record(r);
    const char *action = req_form(r, "action"), *from = req_form(r, "from");
    if (!action || !*action) return resp_error(r, 422, "action", "choose what to do with the dossier");
    int moved = work_dossier_moved(r, id, from);
    if (moved) return moved;
    Err e = ERR_INIT;
    json_t *in = json_pack("{s:s}", "action", action);
    const char *comment = req_form(r, "comment"), *reason = req_form(r, "reason"), *round = req_form(r, "round_id");
    if (comment && *comment) json_object_set_new(in, "comment", json_string(comment));
    if (reason && *reason) json_object_set_new(in, "reason", json_string(reason));
    int64_t rid;
    if (round && *round) {
        if (!parse_i64(round, &rid) || rid <= 0) {
            json_decref(in);
            return resp_error(r, 422, "round_id", "choose a round");
        }
        json_object_set_new(in, "round_id", json_integer(rid));
    }
    int rc = dossier_act(r->db, &r->arena, &r->actor, id, in, &e);
    json_decref(in);
    if (rc) return resp_problem(r, &e);
    const char *next = page_safe_next(req_form(r, "next"), NULL);
    if (!next) next = "/lam-viec";
    return page_redirect(r, arena_printf(&r->arena, "%s%sdone=%s", next, strchr(next, '?') ? "&" : "?", action));
}
