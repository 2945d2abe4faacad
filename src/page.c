/*
** page.c: rendering pages from templates into the response (see page.h).
*/
#include "page.h"

#include <stdio.h>
#include <string.h>

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
        json_object_set_new(view, "me", json_pack("{s:s}", "username", r->auth->username));
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
