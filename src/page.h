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
** <script nonce="{{nonce}}">, and "asset", the URLs of the static files (static_urls). Returns
** status. */
int page_render(Req *r, int status, const char *name, json_t *view);

/* {"css": "/static/ocop.<hash>.css"}: each static asset's URL, named by its content hash
** (page_static.c; computed once, on first use). A new object: the caller owns it. */
json_t *static_urls(void);

/* "23/11/2026" from "2026-11-23"; "" for NULL or a shorter string. */
const char *page_dmy(const char *iso, char out[11]);

#endif
