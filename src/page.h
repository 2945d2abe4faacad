/*
** page.h: what every HTML page handler (page_*.c) shares: rendering a template into the
** response. A handler builds a view (a jansson object) from the same domain calls the JSON API
** uses and hands it to page_render; it never writes markup itself (docs/web.md "Templates").
*/
#ifndef OCOP_PAGE_H
#define OCOP_PAGE_H

#include <jansson.h>

#include "http.h"

/* Answer status with template name (templates/NAME.html) rendered with view, which it steals.
** The view gains "nonce", this response's Content-Security-Policy nonce, for an inline
** <script nonce="{{nonce}}">, "asset", the URLs of the static files (static_urls), and "lang"
** (page_lang_view), and "me" ({"username"}) for a signed-in caller. A ?lang= parameter is remembered in a cookie. Returns status. */
int page_render(Req *r, int status, const char *name, json_t *view);

/* {"code": "vi", "vi": true, "en": false, "switch_href": this page in the other language,
** "switch_code": "en", "switch_label": "English"}: the view's "lang" (page_render adds it). */
json_t *page_lang_view(Req *r);

/* {"css": "/static/ocop.<hash>.css"}: each static asset's URL, named by its content hash
** (page_static.c; computed once, on first use). A new object: the caller owns it. */
json_t *static_urls(void);

/* "23/11/2026" from "2026-11-23"; "" for NULL or a shorter string (lang_date). */
const char *page_dmy(const char *iso, char out[11]);
/* "★★★" for 3; "" outside 0..5. A static string. */
const char *page_stars(int n);

#endif
