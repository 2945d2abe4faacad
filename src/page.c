/*
** page.c: rendering pages from templates into the response (see page.h).
*/
#include "page.h"

#include <stdio.h>
#include <string.h>

#include "tmpl.h"
#include "util.h"

int page_render(Req *r, int status, const char *name, json_t *view) {
    if (!r->app->tmpl) panic("page '%s' rendered before the templates were loaded", name);
    json_object_set_new(view, "nonce", json_string(r->nonce));
    json_object_set_new(view, "asset", static_urls());
    r->status = status;
    r->resp_type = "text/html; charset=utf-8";
    buf_reset(&r->resp);
    tmpl_render(r->app->tmpl, name, view, &r->resp);
    json_decref(view);
    return status;
}

const char *page_dmy(const char *iso, char out[11]) {
    if (!iso || strlen(iso) < 10) return "";
    snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return out;
}
