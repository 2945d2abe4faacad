/*
** tmpl.c: the template renderer (see tmpl.h for the syntax, docs/web.md "Templates" for the
** rules). A template is parsed once into a flat array of nodes; a container node (section,
** inverted section, layout call, block) is followed by its children and records the index just
** past them. While parsing, a small HTML tokenizer follows the literal text, so each {{value}}
** knows where it stands (text, attribute value, URL) and is escaped for that place, and a value
** where no escaping is safe (script, style, event handler, comment, tag) is a parse error.
** Rendering walks the nodes with a stack of contexts; it cannot fail.
*/
#include "tmpl.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "text.h"
#include "util.h"

#define MAX_NEST 32 /* sections within sections in one template */

enum { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK, N_TR };
/* How a value is escaped: by where it stands. */
enum { C_TEXT, C_ATTR, C_URL, C_URL_PART };

typedef struct Node {
    uint8_t kind, ctx;
    const char *text; /* N_TEXT: into the template's source */
    size_t len;
    char *name;       /* every other kind: the name as written */
    char **seg;       /* a value's or section's dotted name, split; nseg 0 for "." */
    int nseg;
    int end;          /* containers: the index just past their children */
    int target;       /* partials and layouts: the template, once linked */
    size_t off;       /* where the tag starts in the source, for messages */
    struct Node *args; /* N_TR: the values its %1..%9 stand for */
    int nargs;
} Node;

typedef struct Tmpl {
    char *path, *name, *src;
    size_t srclen;
    Node *nodes;
    int n, cap;
} Tmpl;

struct TmplSet {
    Tmpl *t;
    int n, cap;
    bool linked;
};

/* ---- trusted HTML ------------------------------------------------------------------------ */

static json_t *trusted_tag;
static pthread_once_t trusted_once = PTHREAD_ONCE_INIT;
static void trusted_init(void) { trusted_tag = json_object(); }

json_t *tmpl_html_raw(const char *html, size_t n) {
    pthread_once(&trusted_once, trusted_init);
    json_t *a = json_array();
    json_array_append(a, trusted_tag);
    json_array_append_new(a, json_stringn_nocheck(html, n));
    return a;
}

bool tmpl_html_get(const json_t *v, const char **html, size_t *n) {
    if (!json_is_array(v) || json_array_size(v) != 2) return false;
    pthread_once(&trusted_once, trusted_init);
    if (json_array_get(v, 0) != trusted_tag) return false;
    json_t *s = json_array_get(v, 1);
    *html = json_string_value(s);
    *n = json_string_length(s);
    return true;
}

/* Markup s (a Buf's bytes) as trusted HTML; frees the buffer. */
static json_t *trusted_from(Buf *b) {
    json_t *v = tmpl_html_raw(buf_str(b), b->n);
    buf_free(b);
    return v;
}

json_t *tmpl_html_text(const char *s) {
    Buf b = BUF_INIT;
    tmpl_escape(&b, s ? s : "", s ? strlen(s) : 0);
    return trusted_from(&b);
}

json_t *tmpl_html_highlight(const char *text, const char *query) {
    Buf b = BUF_INIT;
    text_highlight(&b, text ? text : "", query);
    return trusted_from(&b);
}

/* doc as JSON text that cannot end or confuse the <script> element holding it: '<', '>' and '&'
** (only ever inside strings in JSON) as \u003c \u003e \u0026, so no "</script" and no "<!--";
** U+2028 and U+2029 as \u2028 \u2029 for the older parsers that took them for line ends. */
static void json_for_script(Buf *out, const json_t *doc) {
    char *text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text) panic("the JSON-LD of a page does not serialise");
    for (const char *p = text; *p; p++) {
        if (*p == '<') buf_puts(out, "\\u003c");
        else if (*p == '>') buf_puts(out, "\\u003e");
        else if (*p == '&') buf_puts(out, "\\u0026");
        else if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && ((unsigned char)p[2] & 0xFE) == 0xA8) {
            buf_puts(out, (unsigned char)p[2] == 0xA8 ? "\\u2028" : "\\u2029");
            p += 2;
        } else buf_putc(out, *p);
    }
    free(text);
}

json_t *tmpl_html_json_ld(const json_t *doc, const char *nonce) {
    Buf b = BUF_INIT;
    buf_puts(&b, "<script type=\"application/ld+json\" nonce=\"");
    tmpl_escape(&b, nonce ? nonce : "", nonce ? strlen(nonce) : 0);
    buf_puts(&b, "\">");
    json_for_script(&b, doc);
    buf_puts(&b, "</script>");
    return trusted_from(&b);
}

/* ---- escaping ---------------------------------------------------------------------------- */

/* Valid UTF-8 s[0..n), escaped. */
static void escape_valid(Buf *out, const char *s, size_t n) {
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc;
        switch (s[i]) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\'': esc = "&#39;"; break;
        case '`': esc = "&#96;"; break;
        case 0: esc = "\xEF\xBF\xBD"; break;
        default: continue;
        }
        buf_append(out, s + run, i - run);
        buf_puts(out, esc);
        run = i + 1;
    }
    buf_append(out, s + run, n - run);
}

void tmpl_escape(Buf *out, const char *s, size_t n) {
    while (n) {
        size_t bad = n;
        bool ok = text_utf8_valid(s, n, &bad);
        escape_valid(out, s, ok ? n : bad);
        if (ok) break;
        buf_puts(out, "\xEF\xBF\xBD");
        s += bad + 1;
        n -= bad + 1;
    }
}

/* s copied to out when it is escaped text with <mark> tags around some words: no other tag,
** every & one of the escaper's references, marks balanced and not nested, valid UTF-8. Quotes
** and backticks, harmless in text, are escaped on the way, as the escaper would have. */
static bool copy_marked(Buf *out, const char *s, size_t n) {
    static const char *const refs[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#96;"};
    bool open = false;
    if (!text_utf8_valid(s, n, NULL)) return false;
    for (size_t i = 0; i < n; i++) {
        size_t len = 1;
        if (s[i] == '<') {
            const char *tag = open ? "</mark>" : "<mark>";
            len = strlen(tag);
            if (n - i < len || memcmp(s + i, tag, len) != 0) return false;
            open = !open;
        } else if (s[i] == '&') {
            size_t k = 0;
            while (k < COUNT(refs) && (n - i < strlen(refs[k]) || memcmp(s + i, refs[k], strlen(refs[k])) != 0)) k++;
            if (k == COUNT(refs)) return false;
            len = strlen(refs[k]);
        } else if (s[i] == '>' || s[i] == 0) {
            return false;
        } else if (s[i] == '"' || s[i] == '\'' || s[i] == '`') {
            escape_valid(out, s + i, 1);
            continue;
        }
        buf_append(out, s + i, len);
        i += len - 1;
    }
    return !open;
}

json_t *tmpl_html_marked(const char *html) {
    Buf b = BUF_INIT;
    if (html && copy_marked(&b, html, strlen(html))) return trusted_from(&b);
    buf_free(&b);
    return tmpl_html_text(html);
}

/* Whether a URL may be followed: relative (no scheme before the first / ? #), or one of the
** schemes that cannot run script. Anything else, "javascript:" first, is replaced. */
static bool url_safe(const char *s, size_t n) {
    static const char *const ok[] = {"http", "https", "mailto", "tel"};
    size_t i = 0;
    while (i < n && s[i] != ':' && s[i] != '/' && s[i] != '?' && s[i] != '#') i++;
    if (i == n || s[i] != ':') return true;
    for (size_t k = 0; k < COUNT(ok); k++)
        if (strlen(ok[k]) == i && strncasecmp(s, ok[k], i) == 0) return true;
    return false;
}

static void emit_string(Buf *out, int ctx, const char *s, size_t n) {
    switch (ctx) {
    case C_URL:
        if (url_safe(s, n)) tmpl_escape(out, s, n);
        else buf_puts(out, "about:invalid#blocked");
        break;
    case C_URL_PART: buf_url(out, s, n); break;
    default: tmpl_escape(out, s, n);
    }
}

/* ---- the HTML context of the literal text ------------------------------------------------ */

typedef enum {
    H_TEXT, H_TAGNAME, H_TAG, H_ATTR, H_AFTER_ATTR, H_BEFORE_VALUE, H_DQ, H_SQ, H_UNQUOTED,
    H_COMMENT, H_BANG, H_ENDTAG, H_RAW
} HState;

typedef struct Html {
    HState st;
    char tag[16], attr[32];
    size_t ntag, nattr;
    bool has_value; /* the attribute value has something before this point */
} Html;

static void lower_append(char *dst, size_t *n, size_t cap, char c) {
    if (*n + 1 < cap) dst[(*n)++] = (char)tolower((unsigned char)c);
    dst[*n] = 0;
}

/* The state after a start tag's '>'. */
static HState content_state(const Html *h) {
    return str_eq(h->tag, "script") || str_eq(h->tag, "style") ? H_RAW : H_TEXT;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* Follow the literal text s[0..n). Enough of the HTML tokenizer (WHATWG §13.2.5) to know where
** a value lands; templates are our own markup, not arbitrary HTML. */
static void html_feed(Html *h, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        switch (h->st) {
        case H_TEXT:
            if (c != '<') break;
            /* A '<' just before a {{value}}: the value would name the tag. */
            if (i + 1 == n) h->st = H_TAGNAME, h->ntag = 0, h->tag[0] = 0;
            else if (i + 4 <= n && strncmp(s + i, "<!--", 4) == 0) h->st = H_COMMENT, i += 3;
            else if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) h->st = H_BANG;
            else if (i + 1 < n && s[i + 1] == '/') h->st = H_ENDTAG;
            else if (i + 1 < n && isalpha((unsigned char)s[i + 1])) h->st = H_TAGNAME, h->ntag = 0, h->tag[0] = 0;
            break;
        case H_TAGNAME:
            if (is_space(c) || c == '/') h->st = H_TAG;
            else if (c == '>') h->st = content_state(h);
            else lower_append(h->tag, &h->ntag, sizeof h->tag, c);
            break;
        case H_TAG:
        case H_AFTER_ATTR:
            if (is_space(c) || c == '/') break;
            if (c == '>') h->st = content_state(h);
            else if (c == '=' && h->st == H_AFTER_ATTR) h->st = H_BEFORE_VALUE;
            else h->st = H_ATTR, h->nattr = 0, lower_append(h->attr, &h->nattr, sizeof h->attr, c);
            break;
        case H_ATTR:
            if (is_space(c)) h->st = H_AFTER_ATTR;
            else if (c == '=') h->st = H_BEFORE_VALUE;
            else if (c == '>') h->st = content_state(h);
            else if (c == '/') h->st = H_TAG;
            else lower_append(h->attr, &h->nattr, sizeof h->attr, c);
            break;
        case H_BEFORE_VALUE:
            if (is_space(c)) break;
            h->has_value = false;
            if (c == '"') h->st = H_DQ;
            else if (c == '\'') h->st = H_SQ;
            else if (c == '>') h->st = content_state(h);
            else h->st = H_UNQUOTED;
            break;
        case H_DQ:
        case H_SQ:
            if (c == (h->st == H_DQ ? '"' : '\'')) h->st = H_TAG;
            else h->has_value = true;
            break;
        case H_UNQUOTED:
            if (is_space(c)) h->st = H_TAG;
            else if (c == '>') h->st = content_state(h);
            break;
        case H_COMMENT:
            if (c == '-' && i + 2 < n && s[i + 1] == '-' && s[i + 2] == '>') h->st = H_TEXT, i += 2;
            break;
        case H_BANG:
        case H_ENDTAG:
            if (c == '>') h->st = H_TEXT;
            break;
        case H_RAW:
            if (c == '<' && i + 1 + h->ntag < n && s[i + 1] == '/' && strncasecmp(s + i + 2, h->tag, h->ntag) == 0)
                h->st = H_ENDTAG, i += 1 + h->ntag;
            break;
        }
    }
}

/* States that sections must begin and end in alike: all the states inside a tag are one. */
static int state_class(HState st) {
    return st == H_TAGNAME || st == H_TAG || st == H_ATTR || st == H_AFTER_ATTR ? H_TAG : (int)st;
}

static bool url_attr(const char *a) {
    static const char *const urls[] = {"href", "src", "action", "formaction", "cite", "poster", "background",
                                       "srcset", "data", "ping", "xlink:href", "manifest", "codebase"};
    for (size_t i = 0; i < COUNT(urls); i++)
        if (str_eq(a, urls[i])) return true;
    return false;
}

/* How a value at the current point is escaped, or NULL with *why. */
static int value_context(Html *h, const char **why) {
    switch (h->st) {
    case H_TEXT: return C_TEXT;
    case H_DQ:
    case H_SQ: {
        bool first = !h->has_value;
        h->has_value = true;
        if (strncmp(h->attr, "on", 2) == 0) return *why = "a value in an event handler attribute", -1;
        if (str_eq(h->attr, "style")) return *why = "a value in a style attribute", -1;
        if (url_attr(h->attr)) return first ? C_URL : C_URL_PART;
        return C_ATTR;
    }
    case H_BEFORE_VALUE:
    case H_UNQUOTED: return *why = "a value in an attribute must be in quotes", -1;
    case H_COMMENT:
    case H_BANG: return *why = "a value in a comment or declaration", -1;
    case H_RAW: return *why = "a value inside <script> or <style>", -1;
    default: return *why = "a value cannot stand for a tag or an attribute name", -1;
    }
}

/* ---- parsing ----------------------------------------------------------------------------- */

typedef struct Parser {
    Tmpl *t;
    Err *e;
    Html h;
    struct {
        int node;
        int state;
    } open[MAX_NEST];
    int depth;
} Parser;

static void line_col(const char *src, size_t off, int *line, int *col) {
    *line = 1, *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (src[i] == '\n') (*line)++, *col = 1;
        else if (((unsigned char)src[i] & 0xC0) != 0x80) (*col)++; /* columns count characters */
    }
}

__attribute__((format(printf, 4, 5))) static int fail(Err *e, const Tmpl *t, size_t off, const char *fmt, ...) {
    int line, col;
    line_col(t->src, off, &line, &col);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(e, 422, "", "%s:%d:%d: %s", t->path, line, col, msg);
}

static Node *add_node(Tmpl *t, int kind, size_t off) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->nodes = xrealloc(t->nodes, (size_t)t->cap * sizeof *t->nodes);
    }
    Node *nd = &t->nodes[t->n++];
    memset(nd, 0, sizeof *nd);
    nd->kind = (uint8_t)kind;
    nd->off = off;
    nd->target = -1;
    return nd;
}

static void free_node(Node *nd) {
    for (int i = 0; i < nd->nargs; i++) free_node(&nd->args[i]);
    free(nd->args);
    for (int i = 0; i < nd->nseg; i++) free(nd->seg[i]);
    free(nd->seg);
    free(nd->name);
}

/* A name: letters, digits, _ and -, in dot-separated parts (or "." alone); '/' too in template
** names. Fills the node's name and parts; 0, or -1 with the error. */
static int set_name(Parser *p, Node *nd, const char *s, size_t n, bool template_name, size_t off) {
    if (n == 0) return fail(p->e, p->t, off, "a tag without a name");
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!isalnum((unsigned char)c) && c != '_' && c != '-' && c != '.' && !(template_name && c == '/'))
            return fail(p->e, p->t, off, "'%.*s' is not a name (letters, digits, _ - and .)", (int)n, s);
    }
    nd->name = xstrndup(s, n);
    if (template_name || (n == 1 && s[0] == '.')) return 0;
    for (size_t a = 0; a <= n;) {
        size_t b = a;
        while (b < n && s[b] != '.') b++;
        if (b == a) return fail(p->e, p->t, off, "'%.*s' has an empty part", (int)n, s);
        nd->seg = xrealloc(nd->seg, (size_t)(nd->nseg + 1) * sizeof *nd->seg);
        nd->seg[nd->nseg++] = xstrndup(s + a, b - a);
        a = b + 1;
    }
    return 0;
}

/* Whether the innermost open container is a layout call, where only blocks may stand. */
static bool in_parent(const Parser *p) {
    return p->depth && p->t->nodes[p->open[p->depth - 1].node].kind == N_PARENT;
}

static int add_text(Parser *p, const char *s, size_t n, size_t off) {
    if (!n) return 0;
    if (in_parent(p)) {
        for (size_t i = 0; i < n; i++)
            if (!is_space(s[i])) return fail(p->e, p->t, off + i, "only blocks ({{$name}}) may stand inside a layout call");
        return 0;
    }
    html_feed(&p->h, s, n);
    Node *nd = add_node(p->t, N_TEXT, off);
    nd->text = s;
    nd->len = n;
    return 0;
}

static int open_container(Parser *p, int kind, const char *name, size_t nlen, size_t off) {
    if (p->depth == MAX_NEST) return fail(p->e, p->t, off, "sections nested deeper than %d", MAX_NEST);
    Node *nd = add_node(p->t, kind, off);
    if (set_name(p, nd, name, nlen, kind == N_PARENT, off)) return -1;
    p->open[p->depth].node = p->t->n - 1;
    p->open[p->depth].state = state_class(p->h.st);
    p->depth++;
    return 0;
}

static int close_container(Parser *p, const char *name, size_t nlen, size_t off) {
    if (!p->depth) return fail(p->e, p->t, off, "{{/%.*s}} closes nothing", (int)nlen, name);
    Node *nd = &p->t->nodes[p->open[p->depth - 1].node];
    if (strlen(nd->name) != nlen || strncmp(nd->name, name, nlen) != 0)
        return fail(p->e, p->t, off, "{{/%.*s}} where {{/%s}} was expected", (int)nlen, name, nd->name);
    if (state_class(p->h.st) != p->open[p->depth - 1].state)
        return fail(p->e, p->t, off, "'%s' ends in another HTML context than it begins (a tag or attribute left open)",
                    nd->name);
    nd->end = p->t->n;
    p->depth--;
    return 0;
}

/* {{_ English text}}: a message of the catalogues, its id the text with each run of blanks made
** one space (so a long message may span lines), translated and escaped where it stands.
** {{_ Valid until %1, %2 days from today | expires_on cert.days_left}}: %1..%9 in the message
** (and its translations, in any order) stand for the values named after the last '|'. */
static int add_message(Parser *p, int ctx, const char *s, size_t n, size_t off) {
    const char *bar = memrchr(s, '|', n);
    size_t mlen = bar ? (size_t)(bar - s) : n;
    while (mlen && is_space(*s)) s++, mlen--, n--;
    while (mlen && is_space(s[mlen - 1])) mlen--;
    if (!mlen) return fail(p->e, p->t, off, "{{_ }} without a message");
    Node *nd = add_node(p->t, N_TR, off);
    nd->ctx = (uint8_t)ctx;
    char *id = xmalloc(mlen + 1);
    size_t k = 0;
    int highest = 0;
    for (size_t i = 0; i < mlen; i++) {
        if (is_space(s[i])) {
            if (k && id[k - 1] != ' ') id[k++] = ' ';
        } else {
            id[k++] = s[i];
            if (s[i] == '%' && i + 1 < mlen && s[i + 1] >= '1' && s[i + 1] <= '9' && s[i + 1] - '0' > highest)
                highest = s[i + 1] - '0';
        }
    }
    id[k] = 0;
    nd->name = id;
    if (bar) {
        const char *a = bar + 1, *end = s + n;
        while (a < end) {
            while (a < end && is_space(*a)) a++;
            const char *b = a;
            while (b < end && !is_space(*b)) b++;
            if (b == a) break;
            nd = &p->t->nodes[p->t->n - 1]; /* set_name may not move nodes, but be safe */
            nd->args = xrealloc(nd->args, (size_t)(nd->nargs + 1) * sizeof *nd->args);
            Node *arg = &nd->args[nd->nargs++];
            memset(arg, 0, sizeof *arg);
            arg->kind = N_VAR;
            arg->ctx = (uint8_t)ctx;
            if (set_name(p, arg, a, (size_t)(b - a), false, off)) return -1;
            a = b;
        }
    }
    nd = &p->t->nodes[p->t->n - 1];
    if (highest != nd->nargs)
        return fail(p->e, p->t, off, "the message uses %%1..%%%d but names %d value(s) after '|'", highest, nd->nargs);
    return 0;
}

/* One {{tag}} whose inside (trimmed) is s[0..n), at offset off. */
static int parse_tag(Parser *p, const char *s, size_t n, size_t off) {
    char sigil = n ? s[0] : 0;
    const char *name = s;
    size_t nlen = n;
    if (sigil && strchr("#^/><$!&{=", sigil)) {
        name = s + 1, nlen = n - 1;
        while (nlen && is_space(*name)) name++, nlen--;
    } else {
        sigil = 0;
    }
    if (sigil == '!') return 0;
    if (sigil == '&' || sigil == '{')
        return fail(p->e, p->t, off, "no raw output: values are always escaped (trusted HTML is a value, not a tag)");
    if (sigil == '=') return fail(p->e, p->t, off, "changing the delimiters is not supported");
    if (in_parent(p) && sigil != '$' && sigil != '/')
        return fail(p->e, p->t, off, "only blocks ({{$name}}) may stand inside a layout call");
    if (sigil == '/') return close_container(p, name, nlen, off);
    if (sigil == '>' || sigil == '<' || sigil == '$') {
        if (p->h.st != H_TEXT) return fail(p->e, p->t, off, "a partial, layout or block must stand in text, not in a tag");
        if (sigil != '>') return open_container(p, sigil == '<' ? N_PARENT : N_BLOCK, name, nlen, off);
        return set_name(p, add_node(p->t, N_PARTIAL, off), name, nlen, true, off);
    }
    if (sigil == '#' || sigil == '^') return open_container(p, sigil == '#' ? N_SECTION : N_INVERTED, name, nlen, off);
    const char *why = NULL;
    int ctx = value_context(&p->h, &why);
    if (ctx < 0) return fail(p->e, p->t, off, "{{%.*s}}: %s", (int)n, s, why);
    if (n > 2 && s[0] == '_' && is_space(s[1])) {
        if (ctx != C_TEXT && ctx != C_ATTR) return fail(p->e, p->t, off, "a message ({{_ ...}}) inside a URL");
        return add_message(p, ctx, s + 2, n - 2, off);
    }
    Node *nd = add_node(p->t, N_VAR, off);
    nd->ctx = (uint8_t)ctx;
    return set_name(p, nd, name, nlen, false, off);
}

/* A tag other than a value alone on its line (only blanks around it) leaves no trace: the line
** is dropped, as Mustache does, so sections on lines of their own do not leave blank lines.
** The tag spans src[at..after), the pending text starts at from; returns where the text goes on
** (after the line's end), or 0 when the tag is not alone. */
static size_t standalone(const char *src, size_t n, size_t from, size_t at, size_t after, char sigil) {
    if (!sigil || !strchr("#^/<$!>", sigil)) return 0;
    size_t ls = at;
    while (ls > from && (src[ls - 1] == ' ' || src[ls - 1] == '\t')) ls--;
    if (ls > 0 && src[ls - 1] != '\n') return 0;
    while (after < n && (src[after] == ' ' || src[after] == '\t' || src[after] == '\r')) after++;
    if (after == n) return n;
    return src[after] == '\n' ? after + 1 : 0;
}

static int parse(Tmpl *t, Err *e) {
    Parser p = {.t = t, .e = e};
    const char *src = t->src;
    size_t n = t->srclen, i = 0;
    while (i < n) {
        const char *open = memmem(src + i, n - i, "{{", 2);
        size_t at = open ? (size_t)(open - src) : n;
        if (!open) {
            if (add_text(&p, src + i, at - i, i)) return -1;
            break;
        }
        const char *close = memmem(open + 2, n - at - 2, "}}", 2);
        if (!close) return fail(e, t, at, "'{{' without '}}'");
        const char *a = open + 2, *b = close;
        while (a < b && is_space(*a)) a++;
        while (b > a && is_space(b[-1])) b--;
        size_t after = (size_t)(close - src) + 2, cut = at, next = standalone(src, n, i, at, after, *a);
        if (next) {
            while (cut > i && (src[cut - 1] == ' ' || src[cut - 1] == '\t')) cut--;
            after = next;
        }
        if (add_text(&p, src + i, cut - i, i) || parse_tag(&p, a, (size_t)(b - a), at)) return -1;
        i = after;
    }
    if (p.depth) {
        const Node *nd = &t->nodes[p.open[p.depth - 1].node];
        static const char sigils[] = {[N_SECTION] = '#', [N_INVERTED] = '^', [N_PARENT] = '<', [N_BLOCK] = '$'};
        return fail(e, t, nd->off, "{{%c%s}} is not closed", sigils[nd->kind], nd->name);
    }
    if (p.h.st != H_TEXT) return fail(e, t, n, "the template ends inside a tag, an attribute, a comment or a script");
    return 0;
}

/* ---- sets of templates --------------------------------------------------------------------- */

TmplSet *tmpl_new(void) { return xcalloc(1, sizeof(TmplSet)); }

static void free_tmpl(Tmpl *t) {
    for (int i = 0; i < t->n; i++) free_node(&t->nodes[i]);
    free(t->nodes);
    free(t->path);
    free(t->name);
    free(t->src);
}

void tmpl_free(TmplSet *s) {
    if (!s) return;
    for (int i = 0; i < s->n; i++) free_tmpl(&s->t[i]);
    free(s->t);
    free(s);
}

static int find(const TmplSet *s, const char *name) {
    for (int i = 0; i < s->n; i++)
        if (str_eq(s->t[i].name, name)) return i;
    return -1;
}

bool tmpl_has(const TmplSet *s, const char *name) { return find(s, name) >= 0; }

int tmpl_add(TmplSet *s, const char *path, const char *src, size_t n, Err *e) {
    Tmpl t = {.path = xstrdup(path), .src = xstrndup(src, n), .srclen = n};
    size_t plen = strlen(path);
    if (strncmp(path, "templates/", 10) == 0 && plen > 15 && str_eq(path + plen - 5, ".html"))
        t.name = xstrndup(path + 10, plen - 15);
    else
        t.name = xstrdup(path);
    if (memchr(src, 0, n)) {
        fail(e, &t, (size_t)((const char *)memchr(src, 0, n) - src), "a NUL byte");
        free_tmpl(&t);
        return -1;
    }
    if (find(s, t.name) >= 0) {
        err_set(e, 422, "", "%s: a second template called '%s'", path, t.name);
        free_tmpl(&t);
        return -1;
    }
    if (parse(&t, e)) {
        free_tmpl(&t);
        return -1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->t = xrealloc(s->t, (size_t)s->cap * sizeof *s->t);
    }
    s->t[s->n++] = t;
    s->linked = false;
    return 0;
}

/* Depth-first through the templates that template i calls; colour: 0 unseen, 1 on the path,
** 2 done. A call to a template on the path is a cycle, which would never end. */
static int check_cycles(TmplSet *s, int i, char *colour, Err *e) {
    colour[i] = 1;
    Tmpl *t = &s->t[i];
    for (int k = 0; k < t->n; k++) {
        Node *nd = &t->nodes[k];
        if (nd->kind != N_PARTIAL && nd->kind != N_PARENT) continue;
        if (colour[nd->target] == 1)
            return fail(e, t, nd->off, "'%s' calls itself through '%s': it would never end", t->name, nd->name);
        if (colour[nd->target] == 0 && check_cycles(s, nd->target, colour, e)) return -1;
    }
    colour[i] = 2;
    return 0;
}

int tmpl_link(TmplSet *s, Err *e) {
    for (int i = 0; i < s->n; i++) {
        Tmpl *t = &s->t[i];
        for (int k = 0; k < t->n; k++) {
            Node *nd = &t->nodes[k];
            if (nd->kind != N_PARTIAL && nd->kind != N_PARENT) continue;
            nd->target = find(s, nd->name);
            if (nd->target < 0) return fail(e, t, nd->off, "no template '%s' (templates/%s.html)", nd->name, nd->name);
        }
    }
    char *colour = xcalloc((size_t)s->n + 1, 1);
    int rc = 0;
    for (int i = 0; i < s->n && !rc; i++)
        if (!colour[i]) rc = check_cycles(s, i, colour, e);
    free(colour);
    s->linked = rc == 0;
    return rc;
}

TmplSet *tmpl_load(const EmbeddedFile *files) {
    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    for (const EmbeddedFile *f = files; f->name; f++) {
        size_t n = strlen(f->name);
        if (strncmp(f->name, "templates/", 10) || n < 5 || !str_eq(f->name + n - 5, ".html")) continue;
        if (tmpl_add(s, f->name, f->data, f->size, &e)) panic("a template of this build does not parse: %s", e.detail);
    }
    if (tmpl_link(s, &e)) panic("the templates of this build do not link: %s", e.detail);
    return s;
}

TmplSet *tmpl_load_embedded(void) { return tmpl_load(embedded_files); }

/* ---- rendering --------------------------------------------------------------------------- */

typedef struct Render {
    const TmplSet *s;
    Lang lang;
    Buf *out;
    const json_t **ctx; /* the context stack: the view at the bottom */
    int nctx, capctx;
    struct {
        const Tmpl *t;
        int node;
    } *over; /* the layout calls being rendered, outermost first: their blocks override */
    int nover, capover;
} Render;

static void push(Render *r, const json_t *v) {
    if (r->nctx == r->capctx) {
        r->capctx = r->capctx ? r->capctx * 2 : 16;
        r->ctx = xrealloc(r->ctx, (size_t)r->capctx * sizeof *r->ctx);
    }
    r->ctx[r->nctx++] = v;
}

/* The value a name refers to: its first part looked up from the innermost context out, the
** other parts inside that value only (as Mustache does). NULL when missing. */
static const json_t *lookup(const Render *r, const Node *nd) {
    if (!nd->nseg) return r->nctx ? r->ctx[r->nctx - 1] : NULL;
    const json_t *v = NULL;
    for (int k = r->nctx - 1; k >= 0 && !v; k--)
        if (json_is_object(r->ctx[k])) v = json_object_get(r->ctx[k], nd->seg[0]);
    for (int j = 1; j < nd->nseg && v; j++) v = json_is_object(v) ? json_object_get(v, nd->seg[j]) : NULL;
    return v;
}

static bool truthy(const json_t *v) {
    const char *h;
    size_t n;
    if (!v || json_is_null(v) || json_is_false(v)) return false;
    if (json_is_string(v)) return json_string_length(v) > 0;
    if (tmpl_html_get(v, &h, &n)) return n > 0;
    if (json_is_array(v)) return json_array_size(v) > 0;
    return true;
}

static void emit_value(Render *r, const Node *nd, const json_t *v) {
    const char *h;
    size_t n;
    char num[40];
    if (tmpl_html_get(v, &h, &n)) {
        if (nd->ctx == C_TEXT) buf_append(r->out, h, n);
        else emit_string(r->out, nd->ctx, h, n);
    } else if (json_is_string(v)) {
        emit_string(r->out, nd->ctx, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
        if (json_is_integer(v)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        else if (json_is_real(v)) snprintf(num, sizeof num, "%.15g", json_real_value(v));
        else snprintf(num, sizeof num, "%s", json_is_true(v) ? "true" : "false");
        emit_string(r->out, nd->ctx, num, strlen(num));
    } /* null, objects and arrays render nothing */
}

static void render_range(Render *r, const Tmpl *t, int from, int to);

/* A message in the render's language, its %1..%9 replaced by the values they name. */
static void emit_message(Render *r, const Node *nd) {
    const char *m = tr(r->lang, nd->name), *text = m;
    for (const char *c = m; *c; c++) {
        if (c[0] != '%' || c[1] < '1' || c[1] > '9' || c[1] - '1' >= nd->nargs) continue;
        emit_string(r->out, nd->ctx, text, (size_t)(c - text));
        emit_value(r, &nd->args[c[1] - '1'], lookup(r, &nd->args[c[1] - '1']));
        text = c + 2;
        c++;
    }
    emit_string(r->out, nd->ctx, text, strlen(text));
}

/* The content for block node k of t: the outermost page's, else the block's own. */
static void render_block(Render *r, const Tmpl *t, int k) {
    const char *name = t->nodes[k].name;
    for (int o = 0; o < r->nover; o++) {
        const Tmpl *pt = r->over[o].t;
        const Node *call = &pt->nodes[r->over[o].node];
        for (int j = r->over[o].node + 1; j < call->end; j = pt->nodes[j].end) {
            if (str_eq(pt->nodes[j].name, name)) return render_range(r, pt, j + 1, pt->nodes[j].end);
        }
    }
    render_range(r, t, k + 1, t->nodes[k].end);
}

static void render_section(Render *r, const Tmpl *t, int k) {
    const Node *nd = &t->nodes[k];
    const json_t *v = lookup(r, nd);
    const char *h;
    size_t n;
    if (nd->kind == N_INVERTED) {
        if (!truthy(v)) render_range(r, t, k + 1, nd->end);
    } else if (!truthy(v)) {
        return;
    } else if (json_is_array(v) && !tmpl_html_get(v, &h, &n)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) {
            push(r, item);
            render_range(r, t, k + 1, nd->end);
            r->nctx--;
        }
    } else if (json_is_true(v) || json_is_number(v)) {
        render_range(r, t, k + 1, nd->end);
    } else {
        push(r, v);
        render_range(r, t, k + 1, nd->end);
        r->nctx--;
    }
}

static void render_range(Render *r, const Tmpl *t, int from, int to) {
    for (int k = from; k < to;) {
        const Node *nd = &t->nodes[k];
        switch (nd->kind) {
        case N_TEXT: buf_append(r->out, nd->text, nd->len); break;
        case N_VAR: emit_value(r, nd, lookup(r, nd)); break;
        case N_TR: emit_message(r, nd); break;
        case N_SECTION:
        case N_INVERTED: render_section(r, t, k); break;
        case N_PARTIAL: render_range(r, &r->s->t[nd->target], 0, r->s->t[nd->target].n); break;
        case N_BLOCK: render_block(r, t, k); break;
        case N_PARENT: {
            if (r->nover == r->capover) {
                r->capover = r->capover ? r->capover * 2 : 4;
                r->over = xrealloc(r->over, (size_t)r->capover * sizeof *r->over);
            }
            r->over[r->nover].t = t;
            r->over[r->nover++].node = k;
            const Tmpl *layout = &r->s->t[nd->target];
            render_range(r, layout, 0, layout->n);
            r->nover--;
            break;
        }
        }
        k = nd->kind == N_TEXT || nd->kind == N_VAR || nd->kind == N_TR || nd->kind == N_PARTIAL ? k + 1 : nd->end;
    }
}

void tmpl_render(const TmplSet *s, const char *name, json_t *view, Lang lang, Buf *out) {
    int i = find(s, name);
    if (i < 0) panic("no template '%s'", name);
    if (!s->linked) panic("template '%s' rendered before tmpl_link", name);
    Render r = {.s = s, .out = out, .lang = lang};
    buf_reserve(out, s->t[i].srclen + 1024);
    push(&r, view);
    render_range(&r, &s->t[i], 0, s->t[i].n);
    free(r.ctx);
    free(r.over);
}
