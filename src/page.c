/*
** page.c: rendering pages from templates into the response (see page.h).
*/
#include "page.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "param.h"
#include "route.h"
#include "tablew.h"
#include "tmpl.h"
#include "util.h"

/* This page's URL with lang=code in place of any lang parameter. */
static json_t *url_in(Req *r, const char *code) {
    Buf b = {0};
    buf_puts(&b, r->path);
    char sep = '?';
    for (int i = 0; i < r->nquery; i++) {
        if (strcmp(r->query[i].key, "lang") == 0) continue;
        buf_putc(&b, sep);
        buf_url(&b, r->query[i].key, strlen(r->query[i].key));
        buf_putc(&b, '=');
        buf_url(&b, r->query[i].value, strlen(r->query[i].value));
        sep = '&';
    }
    buf_printf(&b, "%clang=%s", sep, code);
    json_t *v = json_stringn(b.p, b.n);
    buf_free(&b);
    return v;
}

json_t *page_lang_view(Req *r) {
    Lang other = r->lang == LANG_VI ? LANG_EN : LANG_VI;
    return json_pack("{s:s, s:b, s:b, s:o, s:s, s:s}", "code", lang_code(r->lang), "vi", r->lang == LANG_VI, "en",
                     r->lang == LANG_EN, "switch_href", url_in(r, lang_code(other)), "switch_code", lang_code(other),
                     "switch_label", other == LANG_VI ? "Tiếng Việt" : "English");
}

int page_render(Req *r, int status, const char *name, json_t *view) {
    if (!r->app->tmpl) panic("page '%s' rendered before the templates were loaded", name);
    json_object_set_new(view, "nonce", json_string(r->nonce));
    json_object_set_new(view, "asset", static_urls());
    json_object_set_new(view, "lang", page_lang_view(r));
    if (r->auth && !json_object_get(view, "me"))
        json_object_set_new(view, "me", json_pack("{s:s, s:s}", "username", r->auth->username, "csrf", page_csrf(r)));
    if (r->form_err.status) status = r->form_err.status;
    /* A language chosen by a link is kept for the pages that follow. */
    const char *asked = req_query(r, "lang");
    if (asked && lang_parse(asked) >= 0)
        resp_header(r, "Set-Cookie",
                    arena_printf(&r->arena, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", lang_code(r->lang)));
    resp_header(r, "Vary", "Accept-Language, Cookie");
    resp_header(r, "Content-Language", lang_code(r->lang));
    r->status = status;
    r->resp_type = "text/html; charset=utf-8";
    buf_reset(&r->resp);
    tmpl_render(r->app->tmpl, name, view, r->lang, &r->resp);
    json_decref(view);
    return status;
}

const char *page_dmy(const char *iso, char out[11]) { return lang_date(iso, out); }

const char *page_stars(int n) {
    static const char *const s[] = {"", "★", "★★", "★★★", "★★★★", "★★★★★"};
    return n >= 0 && n <= 5 ? s[n] : "";
}

/* ---- error pages ----------------------------------------------------------------------------- */

/* What a person reads for each status a page can answer with: a title and what to do. */
static const struct {
    int status;
    const char *title, *hint;
} problems[] = {
    {400, N_("The request could not be read"), N_("Check the address or the values you entered, and try again.")},
    {401, N_("Sign in first"), N_("This page is for signed-in users.")},
    {403, N_("Not allowed"), N_("Your account does not allow this. If you think it should, ask your OCOP office.")},
    {404, N_("Page not found"), N_("Check the address, or start again from the home page.")},
    {405, N_("This page cannot do that"), N_("Go back to the page and use its buttons and links.")},
    {409, N_("This conflicts with what is saved"), N_("Reload the page to see what is saved now, and try again.")},
    {413, N_("What you sent is too large"), N_("Send a smaller file or less text.")},
    {414, N_("The address is too long"), N_("Shorten the search or the address, and try again.")},
    {415, N_("This kind of content is not accepted"), N_("Send the form from its page on this site.")},
    {422, N_("Some values are not right"), N_("Go back, correct them and try again.")},
    {429, N_("Too many attempts"), N_("Wait, then try again.")},
    {500, N_("Something went wrong on our side"), N_("It has been recorded. Try again in a moment.")},
    {503, N_("The service is busy or stopping"), N_("Try again in a moment.")},
    {507, N_("The server's storage is full"), N_("Nothing was saved. Tell the administrator; try again later.")},
};

const char *page_wait(Lang lang, int s, char *out, size_t n) {
    if (s < 1) s = 1;
    if (s < 60) {
        snprintf(out, n, tr(lang, s == 1 ? N_("1 second") : N_("%d seconds")), s);
    } else if (s < 3600) {
        int m = (s + 59) / 60;
        snprintf(out, n, tr(lang, m == 1 ? N_("1 minute") : N_("%d minutes")), m);
    } else {
        int h = (s + 3599) / 3600;
        snprintf(out, n, tr(lang, h == 1 ? N_("1 hour") : N_("%d hours")), h);
    }
    return out;
}

/* This page's path with its query, for next=. */
static const char *this_page(Req *r) {
    Buf b = BUF_INIT;
    buf_puts(&b, r->path);
    for (int i = 0; i < r->nquery; i++) {
        buf_putc(&b, i ? '&' : '?');
        buf_url(&b, r->query[i].key, strlen(r->query[i].key));
        buf_putc(&b, '=');
        buf_url(&b, r->query[i].value, strlen(r->query[i].value));
    }
    const char *s = arena_strdup(&r->arena, buf_str(&b));
    buf_free(&b);
    return s;
}

int page_problem(Req *r, const Err *e, int status) {
    if (status == 401) {
        /* Sign in, then come back here: this page, or a posted form's own page when it has one. */
        const char *back = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0 ? this_page(r) : NULL;
        int st = 0;
        char allow[64];
        if (!back && route_match(r, "GET", r->path, &st, allow, sizeof allow)) back = r->path;
        Buf b = BUF_INIT;
        buf_puts(&b, "/dang-nhap");
        if (back) {
            buf_puts(&b, "?next=");
            buf_url(&b, back, strlen(back));
        }
        page_redirect(r, buf_str(&b));
        buf_free(&b);
    }
    size_t i = 0;
    while (i < COUNT(problems) && problems[i].status != status) i++;
    const char *title = i < COUNT(problems) ? problems[i].title : err_title(status);
    const char *hint = i < COUNT(problems) ? problems[i].hint : N_("Try again in a moment.");
    char detail[1024], wait[64];
    err_text(e, r->lang, detail, sizeof detail);
    json_t *view = json_pack("{s:i, s:s, s:s, s:s}", "status", status, "title", tr(r->lang, title), "hint",
                             tr(r->lang, hint), "detail", detail);
    const char *ra = resp_header_find(r, "Retry-After");
    int64_t secs = 0;
    if ((status == 429 || status == 503) && ra && parse_i64(ra, &secs) && secs > 0) {
        page_wait(r->lang, (int)(secs > 86400 ? 86400 : secs), wait, sizeof wait);
        char line[160];
        snprintf(line, sizeof line, tr(r->lang, N_("Try again in %s.")), wait);
        json_object_set_new(view, "wait", json_string(line));
    }
    json_object_set_new(view, "signin", json_boolean(status == 401));
    Err keep = r->form_err; /* an error page is not the form shown again */
    r->form_err.status = 0;
    int st = page_render(r, status == 401 ? 303 : status, "error", view);
    r->form_err = keep;
    return st;
}

int page_redirect(Req *r, const char *url) {
    resp_header(r, "Location", url);
    r->status = 303;
    r->resp_type = "text/plain; charset=utf-8";
    buf_reset(&r->resp);
    return 303;
}

const char *page_safe_next(const char *next, const char *fallback) {
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return fallback;
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\') return fallback;
    return next;
}

/* ---- forms ----------------------------------------------------------------------------------- */

const char *page_csrf(Req *r) {
    if (r->auth) return r->auth->csrf;
    const char *have = req_cookie(r, CSRF_COOKIE);
    if (have && strlen(have) == 43) return have;
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char tok[64];
    sodium_bin2base64(tok, sizeof tok, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    resp_header(r, "Set-Cookie", arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax", CSRF_COOKIE, tok));
    return arena_strdup(&r->arena, tok);
}

/* The field of e's error among fields, or -1. */
static int field_of(const PageField *fields, size_t n, const Err *e) {
    for (size_t i = 0; e && e->status && i < n; i++)
        if (strcmp(fields[i].name, e->field) == 0) return (int)i;
    return -1;
}

json_t *page_form(Req *r, const PageField *fields, size_t n, const Err *e) {
    json_t *f = json_object(), *errors = json_array();
    char text[1024];
    /* The form as a whole first (a stale token), then the field's error. */
    if (r->form_err.status)
        json_array_append_new(errors, json_pack("{s:n, s:s}", "href", "text", err_text(&r->form_err, r->lang, text, sizeof text)));
    int at = field_of(fields, n, e);
    if (e && e->status && at < 0)
        json_array_append_new(errors, json_pack("{s:n, s:s}", "href", "text", err_text(e, r->lang, text, sizeof text)));
    for (size_t i = 0; i < n; i++) {
        const PageField *pf = &fields[i];
        /* In the view and the id a dot becomes '_' (a dot in a template name is a path). */
        char *key = arena_strdup(&r->arena, pf->name);
        for (char *p = key; *p; p++)
            if (*p == '.') *p = '_';
        const char *id = arena_printf(&r->arena, "f-%s", key);
        const char *value = strcmp(pf->type, "password") == 0 ? NULL : req_form(r, pf->name);
        json_t *fv = json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", pf->name, "id", id, "type", pf->type, "label",
                               tr(r->lang, pf->label), "required", pf->required);
        json_object_set_new(fv, "value", value ? json_string(value) : json_null());
        json_object_set_new(fv, "help", pf->help ? json_string(tr(r->lang, pf->help)) : json_null());
        json_object_set_new(fv, "autocomplete", pf->autocomplete ? json_string(pf->autocomplete) : json_null());
        Buf by = BUF_INIT;
        if (pf->help) buf_printf(&by, "%s-help", id);
        if ((int)i == at) {
            Err named = *e; /* the field by the label the person sees beside it, where the message names it */
            named.field_vi = tr(LANG_VI, pf->label);
            err_text(&named, r->lang, text, sizeof text);
            json_object_set_new(fv, "error", json_string(text));
            buf_printf(&by, "%s%s-error", by.n ? " " : "", id);
            json_array_append_new(errors, json_pack("{s:s, s:s}", "href", arena_printf(&r->arena, "#%s", id), "text", text));
        } else {
            json_object_set_new(fv, "error", json_null());
        }
        json_object_set_new(fv, "describedby", by.n ? json_string(buf_str(&by)) : json_null());
        buf_free(&by);
        if (pf->options) {
            json_t *opts = json_array(), *o;
            size_t k;
            json_array_foreach(pf->options, k, o) {
                const char *v = json_string_value(json_object_get(o, "value"));
                /* what was sent, or else an option the page marked "selected" (a value it derived) */
                bool sel = value ? v && strcmp(value, v) == 0 : json_is_true(json_object_get(o, "selected"));
                json_array_append_new(opts, json_pack("{s:s, s:O, s:b}", "value", v, "label", json_object_get(o, "label"),
                                                      "selected", sel));
            }
            json_object_set_new(fv, "options", opts);
        } else {
            json_object_set_new(fv, "options", json_null());
        }
        json_object_set_new(fv, "select", json_boolean(pf->options != NULL));
        json_object_set_new(f, key, fv);
    }
    return json_pack("{s:s, s:o, s:b, s:o}", "csrf", page_csrf(r), "f", f, "has_errors", json_array_size(errors) > 0,
                     "errors", errors);
}

int page_download(Req *r, const char *stem, const char *const *headers, int n, json_t *rows, const int *numbers, int nnumbers) {
    TableFormat fmt = req_table_format(r);
    TableWriter *w = tablew_new(fmt, stem);
    if (nnumbers) tablew_set_number_columns(w, numbers, nnumbers);
    const char **cells = arena_alloc(&r->arena, sizeof(char *) * (size_t)n);
    for (int i = 0; i < n; i++) cells[i] = tr(r->lang, headers[i]);
    tablew_row(w, cells, n);
    size_t k;
    json_t *row;
    json_array_foreach(rows, k, row) {
        for (int i = 0; i < n; i++) {
            const char *v = json_string_value(json_array_get(row, (size_t)i));
            cells[i] = v ? v : "";
        }
        tablew_row(w, cells, n);
    }
    json_decref(rows);
    char *out = NULL;
    size_t len = 0;
    Err e = ERR_INIT;
    if (tablew_finish(w, &out, &len, &e)) return resp_problem(r, &e);
    return resp_download(r, fmt, out, len, stem);
}
