/*
** param.c: typed query parameters declared in the route table (see param.h for the syntax).
** The declaration is short text in a const row, read again on each request: a walk over a few
** dozen bytes, cheaper than keeping a parsed copy in sync with routes[].
*/
#include "param.h"

#include <ctype.h>
#include <string.h>

#include "log.h"
#include "route.h"
#include "unit.h"

enum { TEXT_DEFAULT_MAX = 200 };
#define ID_MAX INT64_C(9007199254740991) /* 2^53 - 1: exact in a JSON number */

static bool name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

/* A decimal whole number of exactly n bytes at s (optional '-'). */
static bool int_at(const char *s, size_t n, int64_t *out) {
    char tmp[24];
    if (n == 0 || n >= sizeof tmp) return false;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    return parse_i64(tmp, out);
}

/* The type of a token after its ':' (t, n bytes) into out. 0, or -1 with e. */
static int parse_type(const char *t, size_t n, ParamSpec *out, Err *e) {
    const char *open = memchr(t, '(', n);
    size_t kw = open ? (size_t)(open - t) : n;
    const char *args = open ? open + 1 : NULL;
    size_t nargs = 0;
    if (open) {
        if (t[n - 1] != ')') return err_set(e, 500, "", "'%.*s': a '(' without its ')'", (int)n, t);
        nargs = n - kw - 2;
    }
    static const struct { const char *kw; ParamType type; bool args; } kws[] = {
        {"text", PT_TEXT, true},   {"int", PT_INT, true},        {"id", PT_ID, false},     {"enum", PT_ENUM, true},
        {"bool", PT_BOOL, false},  {"date", PT_DATE, false},     {"unitcode", PT_UNITCODE, false},
        {"sort", PT_SORT, false},  {"page", PT_PAGE, true},      {"per_page", PT_PER_PAGE, true},
    };
    size_t k = 0;
    while (k < sizeof kws / sizeof *kws && (strlen(kws[k].kw) != kw || strncmp(kws[k].kw, t, kw) != 0)) k++;
    if (k == sizeof kws / sizeof *kws) return err_set(e, 500, "", "unknown parameter type '%.*s'", (int)kw, t);
    if (open && !kws[k].args) return err_set(e, 500, "", "the type %s takes no arguments", kws[k].kw);
    out->type = kws[k].type;
    switch (out->type) {
    case PT_TEXT:
        if (!open || !int_at(args, nargs, &out->max) || out->max < 1)
            return err_set(e, 500, "", "text takes its largest length in bytes: text(200)");
        break;
    case PT_INT: {
        const char *dots = open ? strstr(args, "..") : NULL;
        if (!dots || dots > args + nargs) return err_set(e, 500, "", "int takes a range: int(1..10) or int(1..)");
        size_t left = (size_t)(dots - args), right = nargs - left - 2;
        out->max = INT64_MAX;
        if (!int_at(args, left, &out->min) || (right && !int_at(dots + 2, right, &out->max)) || out->min > out->max)
            return err_set(e, 500, "", "int takes a range: int(1..10) or int(1..)");
        break;
    }
    case PT_ID:
        out->min = 1, out->max = ID_MAX;
        break;
    case PT_ENUM:
        if (!open || nargs == 0 || args[0] == '|' || args[nargs - 1] == '|' || memmem(args, nargs, "||", 2))
            return err_set(e, 500, "", "enum takes its words separated by |: enum(csv|xlsx)");
        for (size_t i = 0; i < nargs; i++)
            if (!name_char(args[i]) && args[i] != '|' && args[i] != '-')
                return err_set(e, 500, "", "enum words are made of a-z, 0-9, _ and -");
        out->choices = args, out->choices_len = nargs;
        break;
    case PT_PAGE:
        out->min = 1, out->max = PAGING_REACH;
        if (open && (!int_at(args, nargs, &out->max) || out->max < 1))
            return err_set(e, 500, "", "page takes the list's reach: page(10000)");
        break;
    case PT_PER_PAGE: {
        out->dflt = PAGING_LIST.per_page_default, out->max = PAGING_LIST.per_page_max;
        const char *comma = open ? memchr(args, ',', nargs) : NULL;
        if (open && (!comma || !int_at(args, (size_t)(comma - args), &out->dflt) ||
                     !int_at(comma + 1, nargs - (size_t)(comma - args) - 1, &out->max) || out->dflt < 1 ||
                     out->dflt > out->max || out->max > INT32_MAX))
            return err_set(e, 500, "", "per_page takes the default and the largest: per_page(20,100)");
        out->min = 1;
        break;
    }
    default:
        break;
    }
    return 0;
}

int param_next(const char **decl, ParamSpec *out, Err *e) {
    const char *p = *decl;
    while (*p == ' ') p++;
    if (!*p) {
        *decl = p;
        return 0;
    }
    const char *end = strchr(p, ' ');
    if (!end) end = p + strlen(p);
    *decl = end;
    size_t n = (size_t)(end - p);
    memset(out, 0, sizeof *out);
    out->name = p;
    if (n == 1 && *p == '*') {
        out->type = PT_ANY;
        return 1;
    }
    const char *colon = memchr(p, ':', n);
    out->name_len = colon ? (size_t)(colon - p) : n;
    if (out->name_len == 0) return err_set(e, 500, "", "'%.*s': a parameter without a name", (int)n, p);
    for (size_t i = 0; i < out->name_len; i++)
        if (!name_char(p[i])) return err_set(e, 500, "", "'%.*s': names are made of a-z, 0-9 and _", (int)n, p);
    if (!colon) {
        out->type = PT_TEXT;
        out->max = TEXT_DEFAULT_MAX;
    } else if (parse_type(colon + 1, n - out->name_len - 1, out, e)) {
        snprintf(e->field, sizeof e->field, "%.*s", (int)n, p);
        return -1;
    }
    return 1;
}

static bool name_is(const ParamSpec *s, const char *name) {
    return strlen(name) == s->name_len && strncmp(s->name, name, s->name_len) == 0;
}

int param_decl_check(const char *decl, Err *e) {
    ParamSpec s, t;
    int rc, npage = 0, nper_page = 0;
    for (const char *p = decl; (rc = param_next(&p, &s, e)) == 1;) {
        if (s.type == PT_ANY) continue;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)s.name_len, s.name);
        if (strcmp(name, "lang") == 0) return err_set(e, 500, "lang", "lang is declared on every route already");
        if ((s.type == PT_PAGE) != (strcmp(name, "page") == 0) ||
            (s.type == PT_PER_PAGE) != (strcmp(name, "per_page") == 0))
            return err_set(e, 500, name, "page and per_page are declared as page:page and per_page:per_page, "
                                         "and those types name nothing else");
        npage += s.type == PT_PAGE, nper_page += s.type == PT_PER_PAGE;
        int seen = 0;
        for (const char *q = decl; param_next(&q, &t, e) == 1;) seen += t.type != PT_ANY && name_is(&t, name);
        if (seen > 1) return err_set(e, 500, name, "%s is declared twice", name);
    }
    if (rc < 0) return -1;
    if (npage != nper_page) return err_set(e, 500, "page", "page and per_page are declared together");
    return 0;
}

bool param_find(const char *decl, const char *name, ParamSpec *out) {
    Err e = ERR_INIT;
    for (const char *p = decl; param_next(&p, out, &e) == 1;)
        if (out->type != PT_ANY && name_is(out, name)) return true;
    if (strcmp(name, "lang") == 0) {
        *out = (ParamSpec){.name = "lang", .name_len = 4, .type = PT_ENUM, .choices = "vi|en", .choices_len = 5};
        return true;
    }
    return false;
}

/* Whether value is one of the words of s->choices. */
static bool enum_has(const ParamSpec *s, const char *value) {
    size_t n = strlen(value);
    for (const char *w = s->choices, *end = s->choices + s->choices_len; w < end;) {
        const char *bar = memchr(w, '|', (size_t)(end - w));
        size_t k = bar ? (size_t)(bar - w) : (size_t)(end - w);
        if (k == n && strncmp(w, value, n) == 0) return true;
        w += k + 1;
    }
    return false;
}

static bool sort_valid(const char *v) {
    if (!*v) return false;
    for (const char *p = v; *p;) {
        if (*p == '-') p++;
        const char *start = p;
        while (name_char(*p)) p++;
        if (p == start || (*p && *p != ',')) return false;
        if (*p == ',' && !*++p) return false; /* a trailing comma */
    }
    return true;
}

int param_value_check(const ParamSpec *s, const char *v, Err *e) {
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)s->name_len, s->name);
    int64_t x;
    switch (s->type) {
    case PT_TEXT:
        if ((int64_t)strlen(v) > s->max)
            return err_set(e, 400, name, "%s is longer than %lld bytes", name, (long long)s->max);
        return 0;
    case PT_INT:
    case PT_ID:
        if (parse_i64(v, &x) && x >= s->min && x <= s->max) return 0;
        if (s->max == INT64_MAX)
            return err_set(e, 400, name, "%s must be a whole number from %lld", name, (long long)s->min);
        return err_set(e, 400, name, "%s must be a whole number from %lld to %lld", name, (long long)s->min,
                       (long long)s->max);
    case PT_ENUM: {
        if (enum_has(s, v)) return 0;
        char words[256];
        size_t k = 0;
        for (size_t i = 0; i < s->choices_len && k + 3 < sizeof words; i++) {
            if (s->choices[i] == '|') words[k++] = ',', words[k++] = ' ';
            else words[k++] = s->choices[i];
        }
        words[k] = 0;
        return err_set(e, 400, name, "%s must be one of %s", name, words);
    }
    case PT_BOOL:
        if (!strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "1") || !strcmp(v, "0")) return 0;
        return err_set(e, 400, name, "%s must be true or false", name);
    case PT_DATE:
        if (date_valid(v)) return 0;
        return err_set(e, 400, name, "%s must be a real day written YYYY-MM-DD", name);
    case PT_UNITCODE:
        if (unit_code_valid(v)) return 0;
        return err_set(e, 400, name, "%s must be an administrative unit code (2, 3 or 5 digits)", name);
    case PT_SORT:
        if (strlen(v) <= 200 && sort_valid(v)) return 0;
        return err_set(e, 400, name, "%s must be field names separated by commas, each may start with - (descending)",
                       name);
    default: /* page and per_page: paging_parse, with both values */
        return 0;
    }
}

/* The paging rule of a declaration (its page and per_page): false when it declares none. */
static bool decl_paging(const char *decl, PagingRule *rule) {
    ParamSpec page, per_page;
    if (!param_find(decl, "page", &page) || !param_find(decl, "per_page", &per_page)) return false;
    *rule = (PagingRule){(int)per_page.dflt, (int)per_page.max, page.max};
    return true;
}

/* The names of decl, for a message: "q, kind, page, per_page". */
static void decl_names(const char *decl, char *out, size_t n) {
    ParamSpec s;
    Err e = ERR_INIT;
    size_t len = 0;
    out[0] = 0;
    for (const char *p = decl; param_next(&p, &s, &e) == 1 && len < n;)
        if (s.type != PT_ANY)
            len += (size_t)snprintf(out + len, n - len, "%s%.*s", len ? ", " : "", (int)s.name_len, s.name);
}

int params_admit(const char *decl, bool ignore_unknown, const Param *q, int n, Err *e) {
    ParamSpec s;
    bool any = strchr(decl, '*') != NULL;
    for (int i = 0; i < n; i++) {
        const char *k = q[i].key;
        if (!param_find(decl, k, &s)) {
            if (any || ignore_unknown) continue;
            char names[256];
            decl_names(decl, names, sizeof names);
            if (!names[0]) return err_set(e, 400, k, "unknown query parameter '%s' (this resource takes none)", k);
            return err_set(e, 400, k, "unknown query parameter '%s'; allowed: %s", k, names);
        }
        for (int j = 0; j < i; j++)
            if (strcmp(q[j].key, k) == 0) return err_set(e, 400, k, "give %s once", k);
        if (param_value_check(&s, q[i].value, e)) return -1;
    }
    PagingRule rule;
    if (!decl_paging(decl, &rule)) return 0;
    const char *page = NULL, *per_page = NULL;
    for (int i = 0; i < n; i++) {
        if (strcmp(q[i].key, "page") == 0) page = q[i].value;
        if (strcmp(q[i].key, "per_page") == 0) per_page = q[i].value;
    }
    Paging pg;
    return paging_parse(page, per_page, &rule, &pg, e);
}

/* r's route's declaration of name, which must have one of the types a and b. */
static void declared(Req *r, const char *name, ParamType a, ParamType b, ParamSpec *s) {
    if (!param_find(r->route->params, name, s) || (s->type != a && s->type != b))
        panic("route %s reads ?%s= without declaring it with that type", r->route->name, name);
}

int64_t req_int(Req *r, const char *name, int64_t dflt) {
    ParamSpec s;
    declared(r, name, PT_INT, PT_ID, &s);
    const char *v = req_query(r, name);
    int64_t x;
    return v && parse_i64(v, &x) ? x : dflt;
}

bool req_bool(Req *r, const char *name, bool dflt) {
    ParamSpec s;
    declared(r, name, PT_BOOL, PT_BOOL, &s);
    const char *v = req_query(r, name);
    return v ? strcmp(v, "true") == 0 || strcmp(v, "1") == 0 : dflt;
}

void req_paging(Req *r, Paging *pg) {
    PagingRule rule;
    Err e = ERR_INIT;
    if (!decl_paging(r->route->params, &rule)) panic("route %s pages without declaring page and per_page", r->route->name);
    if (paging_parse(req_query(r, "page"), req_query(r, "per_page"), &rule, pg, &e))
        panic("route %s: paging admitted and then refused: %s", r->route->name, e.detail);
}

TableFormat req_table_format(Req *r) {
    ParamSpec s;
    declared(r, "format", PT_ENUM, PT_ENUM, &s);
    const char *f = req_query(r, "format");
    return f && strcmp(f, "xlsx") == 0 ? TABLE_XLSX : TABLE_CSV;
}

bool req_export_vi(Req *r) {
    const char *l = req_query(r, "lang");
    return !l || strcmp(l, "vi") == 0;
}

void route_check_table(void) {
    for (size_t i = 0; i < nroutes; i++) {
        Err e = ERR_INIT;
        if (param_decl_check(routes[i].params, &e))
            panic("route %s declares its parameters badly (%s): %s", routes[i].name, e.field, e.detail);
    }
}
