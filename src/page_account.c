/*
** page_account.c: the account pages. /dang-nhap signs in, /dang-xuat signs out, /dang-ky lets
** a producer register itself, /tai-khoan shows one's own account and /tai-khoan/mat-khau
** changes one's own password. They use the API's own steps (api_auth.c: session_begin,
** session_end, register_producer, me_password_change), so a page and the JSON API sign in,
** throttle and audit alike. Each form answers 303 when it worked (post, redirect, get) and is
** shown again with the error next to its field, the values kept, when it did not.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "entity.h"
#include "form.h"
#include "page.h"
#include "route.h"
#include "unit.h"
#include "util.h"

/* The wait of a throttled form (the Retry-After header set by the step), in words, into e. */
static void throttled(Req *r, Err *e, const char *field) {
    const char *ra = resp_header_find(r, "Retry-After");
    int retry = ra ? atoi(ra) : 0;
    char wait[64];
    page_wait(r->lang, retry, wait, sizeof wait);
    err_clear(e);
    err_set(e, 429, field, "too many attempts; try again in %s", wait);
}

/* ---- signing in and out ------------------------------------------------------------------------ */

static const PageField signin_fields[] = {
    {"username", "text", N_("Username"), NULL, "username", true, NULL},
    {"password", "password", N_("Password"), NULL, "current-password", true, NULL},
};

/* The fields a form carries through signing in again (page_resign): every field of r's form
** but its CSRF token and passwords, as [{name, value}], each name with prefix added ("r.") or, with strip,
** only the fields that have the prefix, without it. NULL when there are none. */
static json_t *carried(Req *r, const char *add, bool strip) {
    json_t *out = json_array();
    for (int i = 0; r->form && i < form_count(r->form); i++) {
        const char *k = form_key(r->form, i), *v = form_value(r->form, i);
        if (strip) {
            if (strncmp(k, "r.", 2) != 0 || !k[2]) continue;
            json_array_append_new(out, json_pack("{s:s, s:s}", "name", k + 2, "value", v));
        } else if (strcmp(k, CSRF_FIELD) != 0 && !strstr(k, "password")) { /* a password is never written back */
            json_array_append_new(out, json_pack("{s:s, s:s}", "name", arena_printf(&r->arena, "%s%s", add, k), "value", v));
        }
    }
    if (json_array_size(out)) return out;
    json_decref(out);
    return NULL;
}

static int signin_show(Req *r, int status, const Err *e) {
    const char *next = req_form(r, "next");
    if (!next) next = req_query(r, "next");
    const char *done = req_query(r, "done"), *notice = NULL;
    /* a form being carried through signing in (page_resign), shown again after a mistake */
    const char *resend = page_safe_next(req_form(r, "_resend"), NULL);
    json_t *keep = resend ? carried(r, "", false) : NULL;
    if (keep) {
        json_t *only = json_array(), *f;
        size_t i;
        json_array_foreach(keep, i, f) if (!strncmp(json_string_value(json_object_get(f, "name")), "r.", 2))
            json_array_append(only, f);
        json_decref(keep);
        keep = only;
    }
    if (done && !strcmp(done, "registered"))
        notice = tr(r->lang, N_("Your account is registered. Sign in; you can change things once your commune's OCOP "
                                "officer has confirmed it."));
    else if (done && !strcmp(done, "signed-out"))
        notice = tr(r->lang, N_("You are signed out."));
    json_t *view = json_pack("{s:o, s:s}", "form", page_form(r, signin_fields, COUNT(signin_fields), e), "next",
                             page_safe_next(next, ""));
    json_object_set_new(view, "notice", notice ? json_string(notice) : json_null());
    if (resend) {
        json_object_set_new(view, "resend", json_string(resend));
        json_object_set_new(view, "carried", keep ? keep : json_array());
    }
    return page_render(r, status, "signin", view);
}

int page_resign(Req *r) {
    json_t *keep = carried(r, "r.", false);
    int nfiles = 0;
    req_form_files(r, &nfiles);
    json_t *view = json_pack("{s:o, s:s, s:s, s:o, s:b}", "form", page_form(r, signin_fields, COUNT(signin_fields), NULL),
                             "next", page_safe_next(r->path, "/lam-viec"), "resend", page_safe_next(r->path, "/lam-viec"),
                             "carried", keep ? keep : json_array(), "files_lost", nfiles > 0);
    json_object_set_new(view, "notice",
                        json_string(tr(r->lang, N_("Your session has ended, so what you sent is not saved yet. Sign in "
                                                   "again: what you entered is kept, and you can send it on the next "
                                                   "page."))));
    return page_render(r, 401, "signin", view);
}

int page_signin_form(Req *r) { return signin_show(r, 200, NULL); }

int page_signin(Req *r) {
    const char *username = req_form(r, "username"), *password = req_form(r, "password");
    Err e = ERR_INIT;
    Auth *a = arena_alloc(&r->arena, sizeof *a);
    if (!username || !*username)
        err_set(&e, 422, "username", "enter your username");
    else if (!password || !*password)
        err_set(&e, 422, "password", "enter your password");
    else if (session_begin(r, username, password, a, &e) == 0) {
        /* a form carried through signing in: one click sends it, with the new session's token */
        const char *resend = page_safe_next(req_form(r, "_resend"), NULL);
        if (!resend) return page_redirect(r, page_safe_next(req_form(r, "next"), "/lam-viec"));
        json_t *keep = carried(r, NULL, true);
        return page_render(r, 200, "resend",
                           json_pack("{s:s, s:s, s:o}", "action", resend, "csrf", a->csrf, "carried",
                                     keep ? keep : json_array()));
    }
    /* A wrong password is told next to the password, the username kept. */
    if (e.status == 401) snprintf(e.field, sizeof e.field, "password");
    if (e.status == 429) throttled(r, &e, "password");
    int st = signin_show(r, e.status == 429 || e.status == 503 ? e.status : 422, &e);
    err_clear(&e);
    return st;
}

int page_signout(Req *r) {
    Err e = ERR_INIT;
    if (r->auth->via != AUTH_SESSION)
        return resp_error(r, 400, "Authorization", "this request uses an API token, not a session");
    if (session_end(r, &e)) return resp_problem(r, &e);
    return page_redirect(r, "/dang-nhap?done=signed-out");
}

/* ---- registration ------------------------------------------------------------------------------ */

#define PASSWORD_HELP                                                                                                  \
    N_("At least 10 characters, at least 5 of them different, not your username; a few words make a good one.")

/* The producer types, as options in the page's language (the registry's own list). */
static json_t *producer_types(Req *r) {
    json_t *opts = json_array();
    const Field *f = entity_field(&ENTITY_PRODUCERS, "type");
    for (const EnumVal *v = f ? f->enums : NULL; v && v->value; v++)
        json_array_append_new(opts,
                              json_pack("{s:s, s:s}", "value", v->value, "label", r->lang == LANG_VI ? v->vi : v->en));
    return opts;
}

/* Units as select options [{value, label}]: provinces in force, or the communes of province. */
static json_t *unit_options(Req *r, const char *level, const char *province) {
    json_t *opts = json_array();
    Unit *u;
    int n;
    Err e = ERR_INIT;
    if (level && !strcmp(level, "commune") && (!province || !unit_code_valid(province) || strlen(province) != 2))
        return opts;
    if (unit_list(r->db, &r->arena, level, NULL, province, &u, &n, &e)) {
        err_clear(&e);
        return opts;
    }
    for (int i = 0; i < n; i++)
        json_array_append_new(opts, json_pack("{s:s, s:s}", "value", u[i].code, "label", unit_full_name(&r->arena, &u[i])));
    return opts;
}

static int register_show(Req *r, int status, const Err *e) {
    json_t *types = producer_types(r);
    /* The commune is chosen in two steps: the province, then its communes (filled by the page's
    ** script as the province changes, or by the "Show its communes" button without it). A
    ** commune code sent alone (an older form, a link) picks its province. */
    const char *prov = req_form(r, "producer.province");
    const char *commune = req_form(r, "producer.commune_code");
    Unit pu;
    Err ue = ERR_INIT;
    if ((!prov || !*prov) && commune && unit_province(r->db, &r->arena, commune, NULL, &pu, &ue) == 0) prov = pu.code;
    err_clear(&ue);
    json_t *provinces = unit_options(r, "province", NULL), *communes = unit_options(r, "commune", prov), *o;
    size_t i;
    json_array_foreach(provinces, i, o) if (prov && str_eq(json_string_value(json_object_get(o, "value")), prov))
        json_object_set_new(o, "selected", json_true());
    const PageField fields[] = {
        {"username", "text", N_("Username"), N_("3 to 32 characters: letters a-z without diacritics, digits and . _ -"),
         "username", true, NULL},
        {"password", "password", N_("Password"), PASSWORD_HELP, "new-password", true, NULL},
        {"password2", "password", N_("Repeat the password"), NULL, "new-password", true, NULL},
        {"full_name", "text", N_("Your full name"), NULL, "name", false, NULL},
        {"email", "email", N_("Email"), NULL, "email", false, NULL},
        {"phone", "tel", N_("Phone"), NULL, "tel", false, NULL},
        {"producer.type", "select", N_("Type of organisation"), NULL, NULL, true, types},
        {"producer.name", "text", N_("Name of the cooperative, enterprise or household"), NULL, "organization", true,
         NULL},
        {"producer.province", "select", N_("Province or city"), NULL, NULL, true, provinces},
        {"producer.commune_code", "select", N_("Commune, ward or special zone"),
         N_("Where the organisation is registered. Choose the province first."), NULL, true, communes},
        {"producer.address", "text", N_("Address"), NULL, "street-address", false, NULL},
    };
    json_t *view = json_pack("{s:o}", "form", page_form(r, fields, COUNT(fields), e));
    json_decref(types);
    json_decref(provinces);
    json_decref(communes);
    return page_render(r, status, "register", view);
}

int page_register_form(Req *r) { return register_show(r, 200, NULL); }

/* Set key of o to the form's field name when it is not empty. */
static void put(Req *r, json_t *o, const char *key, const char *name) {
    const char *v = req_form(r, name);
    if (v && *v) json_object_set_new(o, key, json_string(v));
}

int page_register(Req *r) {
    Err e = ERR_INIT;
    /* "Show its communes" (without JavaScript): the form again, its communes listed. */
    if (req_form(r, "_pick")) return register_show(r, 200, NULL);
    const char *pw = req_form(r, "password"), *pw2 = req_form(r, "password2");
    int64_t id = 0;
    if (pw && *pw && (!pw2 || strcmp(pw, pw2) != 0)) {
        err_set(&e, 422, "password2", "the two passwords are not the same");
    } else {
        json_t *in = json_object(), *producer = json_object();
        put(r, in, "username", "username");
        put(r, in, "password", "password");
        put(r, in, "full_name", "full_name");
        put(r, in, "email", "email");
        put(r, in, "phone", "phone");
        put(r, producer, "type", "producer.type");
        put(r, producer, "name", "producer.name");
        put(r, producer, "commune_code", "producer.commune_code");
        put(r, producer, "address", "producer.address");
        json_object_set_new(in, "producer", producer);
        int rc = register_producer(r, in, &id, &e);
        json_decref(in);
        if (!rc) return page_redirect(r, "/dang-nhap?done=registered");
        if (e.status == 429) throttled(r, &e, "");
    }
    int st = register_show(r, e.status == 409 || e.status == 429 ? e.status : 422, &e);
    err_clear(&e);
    return st;
}

/* ---- one's own account ------------------------------------------------------------------------- */

/* "province 86", "commune 28903", "council 1", "producer 1": where a role reaches. */
static const char *scope_text(Req *r, const char *role, const char *scope) {
    if (!scope || !*scope) return NULL;
    const char *fmt = !strcmp(role, "province")   ? N_("province %s")
                      : !strcmp(role, "commune")  ? N_("commune %s")
                      : !strcmp(role, "producer") ? N_("producer no. %s")
                                                  : N_("council no. %s");
    return arena_printf(&r->arena, tr(r->lang, fmt), scope);
}

int page_account(Req *r) {
    Err e = ERR_INIT;
    json_t *u = user_get(r->db, r->auth->user_id, &e);
    if (!u) return resp_problem(r, &e);
    json_t *roles = json_array(), *g;
    size_t i;
    json_array_foreach(json_object_get(u, "roles"), i, g) {
        const char *role = json_string_value(json_object_get(g, "role"));
        int ro = role_parse(role);
        const char *label = ro < 0 ? role : r->lang == LANG_VI ? role_label_vi((Role)ro) : role_label_en((Role)ro);
        const char *scope = scope_text(r, role, json_string_value(json_object_get(g, "scope")));
        json_array_append_new(roles, json_pack("{s:s, s:s?, s:b}", "label", label, "scope", scope, "pending",
                                               json_is_false(json_object_get(g, "confirmed"))));
    }
    const char *done = req_query(r, "done");
    json_t *view = json_pack("{s:O, s:o, s:s}", "user", u, "roles", roles, "csrf", page_csrf(r));
    json_object_set_new(view, "notice",
                        done && !strcmp(done, "password") ? json_string(tr(r->lang, N_("Your password is changed.")))
                                                          : json_null());
    json_decref(u);
    return page_render(r, 200, "account", view);
}

static const PageField password_fields[] = {
    {"current_password", "password", N_("Current password"), NULL, "current-password", true, NULL},
    {"new_password", "password", N_("New password"), PASSWORD_HELP, "new-password", true, NULL},
    {"new_password2", "password", N_("Repeat the new password"), NULL, "new-password", true, NULL},
};

static int password_show(Req *r, int status, const Err *e) {
    return page_render(r, status, "password",
                       json_pack("{s:o}", "form", page_form(r, password_fields, COUNT(password_fields), e)));
}

int page_password_form(Req *r) { return password_show(r, 200, NULL); }

int page_password(Req *r) {
    Err e = ERR_INIT;
    const char *cur = req_form(r, "current_password"), *next = req_form(r, "new_password"),
               *again = req_form(r, "new_password2");
    if (!cur || !*cur)
        err_set(&e, 422, "current_password", "enter your current password");
    else if (!next || !*next)
        err_set(&e, 422, "new_password", "enter a new password");
    else if (!again || strcmp(next, again) != 0)
        err_set(&e, 422, "new_password2", "the two passwords are not the same");
    else if (me_password_change(r, cur, next, &e) == 0)
        return page_redirect(r, "/tai-khoan?done=password");
    if (e.status == 429) throttled(r, &e, "current_password");
    int st = password_show(r, e.status == 429 ? 429 : 422, &e);
    err_clear(&e);
    return st;
}
