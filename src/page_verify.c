/*
** page_verify.c: the public verification page of a certificate, GET /xac-minh/{cert_no}: what
** the QR code on the certificate opens. It shows, in Vietnamese with English beneath, the
** certificate's fields and its LIVE state (valid, expired, revoked with its legal ground,
** superseded by a newer certificate), links the PDF, and carries the signature string in
** <meta name="ocop-cert"> so that `ocop cert verify URL` checks the page offline (cert.h).
** The markup is templates/verify.html (an unknown number: verify_unknown.html, a 404); this
** file only builds their view from certificate_get.
*/
#include <string.h>

#include "api.h"
#include "decision.h"
#include "page.h"
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

/* view[key] = the ISO date at path in c as dd/mm/yyyy. */
static void set_dmy(json_t *view, const char *key, const char *iso) {
    char d[11];
    json_object_set_new(view, key, json_string(page_dmy(iso, d)));
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
        json_array_append_new(out, json_pack("{s:s, s:s?, s:o, s:b, s:s?}", "on", page_dmy(jstr(ev, "on"), d), "event", event,
                                             "event_is", is(k ? event : NULL), "known", k, "detail", jstr(ev, "detail")));
    }
    return out;
}

int page_verify(Req *r) {
    const char *cert_no = r->pathv[0];
    char today[11];
    date_today(today);
    Err e = ERR_INIT;
    json_t *c = certificate_get(r->db, cert_no, today, &e);
    if (!c) {
        if (e.status != 404) return resp_problem(r, &e);
        /* the transport refused bytes that are not UTF-8; were one to pass, the escaper replaces it */
        json_t *view = json_object();
        json_object_set_new(view, "cert_no", json_stringn_nocheck(cert_no, strlen(cert_no)));
        return page_render(r, 404, "verify_unknown", view);
    }
    const char *state = jstr(c, "state");
    if (!str_eq(state, "valid") && !str_eq(state, "expired") && !str_eq(state, "revoked")) state = "superseded";
    json_t *view = json_pack("{s:o, s:o, s:o}", "cert", c, "is", is(state), "history", history_view(c));
    set_dmy(view, "expires_on", jstr(c, "expires_on"));
    set_dmy(view, "ended_on", jstr(c, "ended_on"));
    set_dmy(view, "revoked_on", jstr(c, "revocation.decided_on"));
    set_dmy(view, "decided_on", jstr(c, "decision.decided_on"));
    set_dmy(view, "issued_on", jstr(c, "issued_on"));
    /* expires_on is the first day without force; the page says the last day with it */
    char last[11] = "";
    if (date_valid(jstr(c, "expires_on"))) date_add_days(jstr(c, "expires_on"), -1, last);
    set_dmy(view, "valid_through", last);
    Buf stars = BUF_INIT;
    for (json_int_t i = 0; i < json_integer_value(json_object_get(c, "stars")) && i < 5; i++) buf_puts(&stars, "★");
    json_object_set_new(view, "stars", json_string(buf_str(&stars)));
    buf_free(&stars);
    return page_render(r, 200, "verify", view);
}
