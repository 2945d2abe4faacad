/*
** page_verify.c: the public verification of a certificate, in the page's language (the layout's
** switch gives the other one):
**   GET /xac-minh            a form to look a number up; ?so=NUMBER (trimmed, upper-cased)
**                            answers 303 to /xac-minh/NUMBER, an empty or malformed number
**                            the form again with the message next to the field (422)
**   GET /xac-minh/{cert_no}  what the QR code on the certificate opens: its fields and its LIVE
**                            state: valid; expiring soon (valid, within the re-evaluation window
**                            of the rules in force, Điều 7.6.a: reevaluation_opens_days);
**                            expired; revoked with its legal ground; superseded by a newer
**                            certificate (a link). A number ocop did not issue but the registry
**                            recorded on a recognition (a paper certificate): what the record
**                            says, its state derived by the registry, no signature to check.
**                            An unknown number: a 404 page with the form.
** The page carries the signature string in <meta name="ocop-cert"> so that `ocop cert verify URL`
** checks it offline (cert.h). The markup is templates/verify.html, verify_unknown.html,
** verify_lookup.html and their form verify_form.html; this file only builds their views from
** certificate_get.
*/
#include <ctype.h>
#include <string.h>

#include "api.h"
#include "decision.h"
#include "entity.h"
#include "registry.h"
#include "page.h"
#include "rubric.h"
#include "util.h"

static const char *jstr(json_t *o, const char *path) {
    json_t *v = o;
    char key[64];
    for (const char *p = path; v && *p;) {
        size_t n = strcspn(p, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, p);
        v = json_object_get(v, key);
        p += n + (p[n] == '.');
    }
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* view[key] = the ISO date iso as dd/mm/yyyy. */
static void set_dmy(json_t *view, const char *key, const char *iso) {
    char d[11];
    json_object_set_new(view, key, json_string(lang_date(iso, d)));
}

/* {"STATE": true}: what a template tests with {{#is.STATE}}. */
static json_t *is(const char *state) {
    json_t *o = json_object();
    if (state) json_object_set_new(o, state, json_true());
    return o;
}

static json_t *history_view(json_t *c) {
    static const char *const known[] = {"issued", "superseded", "revoked", "expired"};
    json_t *out = json_array();
    size_t i;
    json_t *ev;
    json_array_foreach(json_object_get(c, "history"), i, ev) {
        const char *event = jstr(ev, "event");
        bool k = false;
        for (size_t j = 0; j < COUNT(known); j++) k = k || str_eq(known[j], event);
        char d[11];
        json_array_append_new(out, json_pack("{s:s, s:s?, s:o, s:b, s:s?}", "on", lang_date(jstr(ev, "on"), d), "event", event,
                                             "event_is", is(k ? event : NULL), "known", k, "detail", jstr(ev, "detail")));
    }
    return out;
}

/* The lookup form's view: what was typed and, when it cannot be looked up, why. */
static json_t *form_view(const char *typed, const char *problem) {
    return json_pack("{s:s, s:s?}", "so", typed ? typed : "", "problem", problem);
}

/* The lookup page: {"form": ...}. */
static json_t *lookup_view(const char *typed, const char *problem) {
    return json_pack("{s:o}", "form", form_view(typed, problem));
}

/* A number as a person types it: blanks around it dropped, letters upper-cased ("bo-2026-0001"
** is BO-2026-0001), into out (n bytes); false when it is longer than a certificate number. */
static bool tidy_number(const char *in, char *out, size_t n) {
    while (*in && isspace((unsigned char)*in)) in++;
    size_t len = strlen(in);
    while (len && isspace((unsigned char)in[len - 1])) len--;
    if (len >= n) return false;
    for (size_t i = 0; i < len; i++) out[i] = (char)toupper((unsigned char)in[i]);
    out[len] = 0;
    return true;
}

int page_verify_lookup(Req *r) {
    const char *so = req_query(r, "so");
    if (!so) return page_render(r, 200, "verify_lookup", lookup_view("", NULL));
    char no[32];
    bool fits = tidy_number(so, no, sizeof no);
    if (!fits || (!certificate_no_is_ours(no) && !registry_recognition_by_cert(r->db, no))) {
        /* what was typed stays in the field (escaped by the template), however long */
        const char *why = fits && !no[0] ? tr(r->lang, "Enter the number printed on the certificate.")
                                         : tr(r->lang, "A certificate number is written like 86-2026-0001: the code of the "
                                                       "province (or BO for the Ministry), the year and the serial number.");
        return page_render(r, 422, "verify_lookup", lookup_view(so, why));
    }
    resp_header(r, "Location", arena_printf(&r->arena, "/xac-minh/%s", no));
    resp_header(r, "Cache-Control", "no-store");
    return resp_text(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* A certificate recorded on recognition id (issued on paper): the registry's record of it. */
static int page_recorded(Req *r, int64_t id) {
    Err e = ERR_INIT;
    json_t *rec = entity_get(r->db, &ENTITY_RECOGNITIONS, id, &e);
    if (!rec) return resp_problem(r, &e);
    const char *state = jstr(rec, "state");
    if (!state || str_eq(state, "not_certified")) state = "expired";
    const char *expires = jstr(rec, "expires_on");
    char today[11], last[11] = "", soon[11];
    date_today(today);
    date_add_days(today, (int)rubric_rule_num(rubric_current(), "reevaluation_opens_days"), soon);
    if (str_eq(state, "valid") && expires && strcmp(expires, soon) <= 0) state = "expiring";
    if (date_valid(expires)) date_add_days(expires, -1, last); /* the first day without force */
    const Field *lf = entity_field(&ENTITY_RECOGNITIONS, "level");
    const char *level = jstr(rec, "level");
    json_t *view = json_pack("{s:O, s:o, s:s, s:s}", "rec", rec, "is", is(state), "stars",
                             page_stars((int)json_integer_value(json_object_get(rec, "stars"))), "level",
                             level ? entity_enum_label(lf->enums, level, r->lang == LANG_VI) : "");
    json_object_set_new(view, "form", form_view("", NULL));
    set_dmy(view, "valid_through", last);
    set_dmy(view, "decided_on", jstr(rec, "decision_date"));
    set_dmy(view, "ended_on", str_eq(state, "expired") ? expires : jstr(rec, "ended_on"));
    json_decref(rec);
    return page_render(r, 200, "verify_recorded", view);
}

int page_verify(Req *r) {
    const char *cert_no = r->pathv[0];
    char today[11];
    date_today(today);
    Err e = ERR_INIT;
    json_t *c = certificate_get(r->db, cert_no, today, &e);
    if (!c) {
        if (e.status != 404) return resp_problem(r, &e);
        int64_t rec = registry_recognition_by_cert(r->db, cert_no);
        if (rec) return page_recorded(r, rec);
        /* the transport refused bytes that are not UTF-8; were one to pass, the escaper replaces it */
        json_t *view = json_pack("{s:o, s:o}", "cert_no", json_stringn_nocheck(cert_no, strlen(cert_no)), "form",
                                 form_view(cert_no, NULL));
        return page_render(r, 404, "verify_unknown", view);
    }
    const char *state = jstr(c, "state");
    if (!str_eq(state, "valid") && !str_eq(state, "expired") && !str_eq(state, "revoked")) state = "superseded";
    json_int_t left = json_integer_value(json_object_get(c, "days_left"));
    /* in its re-evaluation window: the producer may file to renew it before it expires */
    if (str_eq(state, "valid") && left <= (json_int_t)rubric_rule_num(rubric_current(), "reevaluation_opens_days"))
        state = "expiring";
    char num[32];
    json_t *view = json_pack("{s:o, s:o, s:o, s:s, s:s, s:o}", "cert", c, "is", is(state), "history", history_view(c),
                             "days_left", lang_int(r->lang, left, num, sizeof num), "stars",
                             page_stars((int)json_integer_value(json_object_get(c, "stars"))), "form", form_view("", NULL));
    json_object_set_new(view, "in_force", json_boolean(str_eq(state, "valid") || str_eq(state, "expiring")));
    json_object_set_new(view, "has_history", json_boolean(json_array_size(json_object_get(c, "history")) > 0));
    set_dmy(view, "expires_on", jstr(c, "expires_on"));
    set_dmy(view, "ended_on", jstr(c, "ended_on"));
    set_dmy(view, "revoked_on", jstr(c, "revocation.decided_on"));
    set_dmy(view, "decided_on", jstr(c, "decision.decided_on"));
    set_dmy(view, "issued_on", jstr(c, "issued_on"));
    /* the ground in the page's language (the catalogue of grounds, decision.c, has both) */
    const char *ground = jstr(c, r->lang == LANG_VI ? "revocation.vi" : "revocation.en");
    if (ground) json_object_set_new(view, "ground", json_string(ground));
    /* expires_on is the first day without force; the page says the last day with it */
    char last[11] = "";
    if (date_valid(jstr(c, "expires_on"))) date_add_days(jstr(c, "expires_on"), -1, last);
    set_dmy(view, "valid_through", last);
    return page_render(r, 200, "verify", view);
}
