/*
** page.h: what every HTML page handler (page_*.c) shares: rendering a template into the
** response. A handler builds a view (a jansson object) from the same domain calls the JSON API
** uses and hands it to page_render; it never writes markup itself (docs/web.md "Templates").
*/
#ifndef OCOP_PAGE_H
#define OCOP_PAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* Answer status with template name (templates/NAME.html) rendered with view, which it steals.
** The view gains "nonce", this response's Content-Security-Policy nonce, for an inline
** <script nonce="{{nonce}}">, "asset", the URLs of the static files (static_urls), and "lang"
** (page_lang_view), and "me" ({"username", "csrf"}) for a signed-in caller. A ?lang=
** parameter is remembered in a cookie. Returns status, or, when the request's form was
** refused (r->form_err: a stale CSRF token), that error's status, which the page answers. */
int page_render(Req *r, int status, const char *name, json_t *view);

/* The answer to a failure on a page: templates/error.html in r->lang with the status's title,
** the detail told in r->lang (err_text) and what to do; for 429 and 503 the wait, from the
** Retry-After header already set, in words ("3 minutes"). A 401 is a 303 to the sign-in page
** with next= this page instead. resp_problem calls it for every page (r->html). Returns the
** status answered. */
int page_problem(Req *r, const Err *e, int status);

/* 303 See Other to url, a path of this site: the answer to a form that worked (post, redirect,
** get). Returns 303. */
int page_redirect(Req *r, const char *url);
/* A list as a CSV or XLSX download (?format=): headers (messages of the catalogues, told in r's
** language) and rows, arrays of n texts (stolen); the columns numbers (0-based) hold numbers,
** written as such in XLSX when their text is a canonical number. The file is stem.csv|xlsx. */
int page_download(Req *r, const char *stem, const char *const *headers, int n, json_t *rows, const int *numbers, int nnumbers);

/* next if it is a path of this site ("/..." but not "//..." or "/\\..."), else fallback: where
** a sign-in may send the browser back to. */
const char *page_safe_next(const char *next, const char *fallback);

/* The CSRF token a page's form carries in its hidden field _csrf (route.h): the session's for
** a signed-in caller; for an anonymous one the CSRF_COOKIE cookie's, set now when missing.
** Lives as long as the request. */
const char *page_csrf(Req *r);

/* One field of a form, for page_form. label and help are English message ids (N_()). */
typedef struct PageField {
    const char *name;         /* the form field's name */
    const char *type;         /* "text", "password", "email", "tel", "select" */
    const char *label, *help; /* help may be NULL */
    const char *autocomplete; /* may be NULL */
    bool required;
    json_t *options;          /* select: [{value, label, selected?}], borrowed; NULL otherwise. The
                              ** option whose value was sent is selected; when none was sent, the
                              ** one marked "selected": true (a default the page chose) */
} PageField;

/* The view of a form (templates/field.html shows one field, templates/form_errors.html the
** summary): {"csrf", "f": {NAME: {name, id, type, label, help, value, error, describedby,
** autocomplete, required, options}}, "errors": [{href, text}], "has_errors"}. Values are the
** ones sent (req_form), never a password's; the error of e goes next to its field (or in the
** summary alone when no field has its name), and so does r->form_err. A new object. */
json_t *page_form(Req *r, const PageField *fields, size_t n, const Err *e);

/* "3 minutes", "45 seconds", "2 hours" in lang: a wait a person understands (rounded up). */
const char *page_wait(Lang lang, int seconds, char *out, size_t n);

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
