/*
** tmpl.h: the page templates. Markup lives in templates/NAME.html (embedded at build time), parsed
** once at start-up into a compiled form, and rendered per request from a view (a jansson
** object) into a Buf. A logic-less Mustache subset (docs/web.md "Templates"):
**   {{name}} {{a.b}} {{.}}     a value, escaped for where it stands in the HTML
**   {{#name}}...{{/name}}      a section: hidden for missing, null, false, "" and []; repeated for
**                              each element of an array; an object (or a string) becomes the context
**   {{^name}}...{{/name}}      an inverted section: shown when the section would be hidden
**   {{>name}}                  a partial: templates/name.html rendered here, in the same context
**   {{<name}}{{$b}}..{{/b}}{{/name}}  this page is templates/name.html (a layout) with its blocks
**   {{$name}}...{{/name}}      (in a layout) a block: the page's content for it, or this default
**   {{_ English text}}         a message of the catalogues (i18n.h), translated and escaped
**   {{! comment }}
** Every value is escaped: there is no {{{raw}}} and no {{&raw}}. Where the parser sees a value
** decides how: text and quoted attribute values are HTML-escaped; in a URL attribute (href, src,
** action, ...) a value that starts the URL must be relative or http(s)/mailto/tel, and a value
** after the start of the URL is percent-encoded. A value inside <script>, <style>, a comment, an
** event handler or style attribute, an unquoted attribute or a tag itself does not parse.
** The only raw output is trusted HTML (tmpl_html_*), a value user data cannot forge: see below.
*/
#ifndef OCOP_TMPL_H
#define OCOP_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "embed.h"
#include "err.h"
#include "i18n.h"

typedef struct TmplSet TmplSet;

/* An empty set of templates; free with tmpl_free. */
TmplSet *tmpl_new(void);
void tmpl_free(TmplSet *s);
/* Parse src[0..n) as the template at path "templates/NAME.html" (any other path is its own name)
** and add it to s as NAME. Returns 0, or -1 with e->detail "PATH:LINE:COLUMN: what is wrong"
** (status 422), s unchanged. */
int tmpl_add(TmplSet *s, const char *path, const char *src, size_t n, Err *e);
/* Resolve the partials and layouts the templates of s name, once all are added. Returns 0, or -1
** with e->detail "PATH:LINE:COLUMN: ..." for an unknown template or a cycle of them. */
int tmpl_link(TmplSet *s, Err *e);
/* Every embedded templates/NAME.html, added and linked. The templates are part of the build, so
** one that does not parse is a broken build: panics with its file, line and column, and
** `ocop serve` does not start. tmpl_load does the same from a table like embedded_files. */
TmplSet *tmpl_load_embedded(void);
TmplSet *tmpl_load(const EmbeddedFile *files);
/* Whether s has a template called name. */
bool tmpl_has(const TmplSet *s, const char *name);
/* Render template name of s (linked) with view (any JSON value; borrowed) appended to out, its
** messages in lang. Missing keys render empty. Panics on an unknown template name (a bug in the
** caller). */
void tmpl_render(const TmplSet *s, const char *name, json_t *view, Lang lang, Buf *out);

/* Trusted HTML: the one kind of value rendered raw (in text; in an attribute it is escaped like
** any string). It is a JSON array whose first element is, by identity, a private object of
** tmpl.c: no JSON text parsed from a request, a file or the database can produce that pointer,
** so data can never become trusted HTML. The constructors return a new reference.
**   tmpl_html_text       s HTML-escaped (the escaper)
**   tmpl_html_highlight  text escaped with the words query matched in <mark> (text_highlight)
**   tmpl_html_marked     html as it is when it is what the escaper writes with <mark> tags
**                        (a search hit's highlight, made by text_highlight); anything else
**                        (another tag, a bare & < > or an unclosed mark) escaped as text
**   tmpl_html_json_ld    a whole <script type="application/ld+json" nonce="NONCE"> element
**                        holding doc (schema.org data for search engines) as JSON whose '<',
**                        '>', '&', U+2028 and U+2029 are \u escapes, so no value can end the
**                        element or open a comment in it; parsing its content gives doc back.
**                        The one way a page carries data in a <script>: a template value there
**                        does not parse.
**   tmpl_html_raw        markup as it is: only for the escaper (tmpl.c) and the SVG chart code;
**                        test_tmpl fails when any other file of src/ calls it. */
json_t *tmpl_html_text(const char *s);
json_t *tmpl_html_highlight(const char *text, const char *query);
json_t *tmpl_html_marked(const char *html);
json_t *tmpl_html_json_ld(const json_t *doc, const char *nonce);
json_t *tmpl_html_raw(const char *html, size_t n);
/* Whether v is trusted HTML, and then its markup (borrowed from v) in *html, *n. */
bool tmpl_html_get(const json_t *v, const char **html, size_t *n);

/* The HTML escaper of templates: & < > " ' ` as character references, and each byte that is not
** part of well-formed UTF-8 (and NUL) as U+FFFD. */
void tmpl_escape(Buf *out, const char *s, size_t n);

#endif
