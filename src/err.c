/*
** err.c: expected-failure values (see err.h).
**
** err_set keeps its format (the message id of the catalogues) and each argument formatted alone,
** so the message can be told again in another language: err_text looks the format up, and
** writes the translation with the stored arguments in place of its conversions, in order or by
** position (%2$s). msgfmt --check has made sure each translation takes the same arguments.
*/
#include "err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

static const char *words[32];
static int nwords;

void err_word(const char *word) {
    for (int i = 0; i < nwords; i++)
        if (words[i] == word) return;
    if (nwords < (int)(sizeof words / sizeof *words)) words[nwords++] = word;
}

static bool is_word(const char *p) {
    for (int i = 0; i < nwords; i++)
        if (words[i] == p) return true;
    return false;
}

/* The conversion that starts at f ('%' not followed by '%'): its length, or 0 when it is not one
** this code formats. */
static size_t conv_len(const char *f) {
    size_t i = 1;
    while (f[i] >= '0' && f[i] <= '9') i++;
    if (f[i] == '$') i++;
    else i = 1;
    while (f[i] && strchr("-+ #0'", f[i])) i++;
    if (f[i] == '*') i++;
    else while (f[i] >= '0' && f[i] <= '9') i++;
    if (f[i] == '.') {
        i++;
        if (f[i] == '*') i++;
        else while (f[i] >= '0' && f[i] <= '9') i++;
    }
    while (f[i] && strchr("hlLqjzt", f[i])) i++;
    return f[i] && strchr("diouxXeEfFgGaAcsp", f[i]) ? i + 1 : 0;
}

/* Format one conversion spec[0..n) taking its arguments from ap; appends to e->args. */
static void keep_arg(Err *e, const char *spec, size_t n, const char *field, va_list *ap) {
    char fmt[32], one[256];
    if (n >= sizeof fmt) n = sizeof fmt - 1;
    memcpy(fmt, spec, n);
    fmt[n] = 0;
    /* positional specs are stored as plain ones: the argument list is walked in order */
    char *dollar = strchr(fmt, '$');
    if (dollar) memmove(fmt + 1, dollar + 1, strlen(dollar));
    int stars[2], nstars = 0;
    for (char *p = fmt; *p; p++)
        if (*p == '*' && nstars < 2) stars[nstars++] = va_arg(*ap, int);
    char conv = fmt[strlen(fmt) - 1];
    const char *len = fmt + strcspn(fmt, "hlLqjzt");
#define ONE(T)                                                                              \
    do {                                                                                    \
        T v_ = va_arg(*ap, T);                                                              \
        if (nstars == 2) snprintf(one, sizeof one, fmt, stars[0], stars[1], v_);            \
        else if (nstars == 1) snprintf(one, sizeof one, fmt, stars[0], v_);                 \
        else snprintf(one, sizeof one, fmt, v_);                                            \
    } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"
    bool word = false, name = false;
    if (conv == 's') {
        const char *v = va_arg(*ap, const char *);
        word = nstars == 0 && v && is_word(v);
        name = nstars == 0 && v && field && *field && strcmp(v, field) == 0;
        if (nstars == 2) snprintf(one, sizeof one, fmt, stars[0], stars[1], v);
        else if (nstars == 1) snprintf(one, sizeof one, fmt, stars[0], v);
        else snprintf(one, sizeof one, fmt, v);
    } else if (conv == 'p') ONE(void *);
    else if (strchr("eEfFgGaA", conv)) {
        if (*len == 'L') ONE(long double);
        else ONE(double);
    } else if (len[0] == 'l' && len[1] == 'l') ONE(long long);
    else if (len[0] == 'l') ONE(long);
    else if (len[0] == 'z') ONE(size_t);
    else if (len[0] == 'j') ONE(intmax_t);
    else if (len[0] == 't') ONE(ptrdiff_t);
    else ONE(int);
#pragma GCC diagnostic pop
#undef ONE
    size_t used = 0;
    for (int k = 0; k < e->nargs; k++) used += strlen(e->args + used) + 1;
    size_t m = strlen(one);
    if (m + 1 >= sizeof one || used + m + 1 > sizeof e->args) {
        e->key = NULL; /* too long to keep: the English detail stands */
        return;
    }
    memcpy(e->args + used, one, m + 1);
    if (word && e->nargs < 32) e->words |= 1u << e->nargs;
    if (name && e->nargs < 32) e->names |= 1u << e->nargs;
    e->nargs++;
}

int err_set(Err *e, int status, const char *field, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, status, field, fmt, ap);
    va_end(ap);
    return -1;
}

int err_vset(Err *e, int status, const char *field, const char *fmt, va_list ap) {
    if (!e) return -1;
    e->status = status;
    snprintf(e->field, sizeof e->field, "%s", field ? field : "");
    va_list walk;
    va_copy(walk, ap);
    vsnprintf(e->detail, sizeof e->detail, fmt, ap);
    e->key = fmt;
    e->nargs = 0;
    e->words = e->names = 0;
    e->field_vi = NULL;
    e->row = e->col = 0;
    e->col_name[0] = 0;
    for (const char *f = fmt; *f && e->key; f++) {
        if (*f != '%') continue;
        if (f[1] == '%') {
            f++;
            continue;
        }
        size_t n = conv_len(f);
        if (!n) {
            e->key = NULL;
            break;
        }
        keep_arg(e, f, n, field, &walk);
        f += n - 1;
    }
    va_end(walk);
    return -1;
}

/* The k-th (0-based) stored argument of e. */
static const char *arg_at(const Err *e, int k) {
    const char *a = e->args;
    for (int i = 0; i < k; i++) a += strlen(a) + 1;
    return a;
}

const char *err_text(const Err *e, Lang lang, char *out, size_t n) {
    const char *fmt = e->key ? tr(lang, e->key) : NULL;
    /* err_set(e, ..., "%s", why): a message another function chose (password_problem's,
    ** marked N_()), translated as a whole. */
    if (fmt && n && e->nargs == 1 && strcmp(e->key, "%s") == 0) {
        snprintf(out, n, "%s", tr(lang, e->args));
        return out;
    }
    if (!fmt || !n) {
        snprintf(out, n, "%s", e->detail[0] ? e->detail : err_title(e->status));
        return out;
    }
    size_t o = 0;
    if (e->row > 0) { /* the place first, itself a message */
        Err at = ERR_INIT;
        if (e->col > 0) err_set(&at, e->status, "", "row %ld, column %d (%s): ", e->row, e->col, e->col_name);
        else err_set(&at, e->status, "", "row %ld: ", e->row);
        err_text(&at, lang, out, n);
        o = strlen(out);
    }
    size_t begin = o; /* where the message begins, after its place */
    int next = 0;
    bool cut = false;
#define PUT(s, len)                                                                          \
    do {                                                                                     \
        size_t l_ = (len);                                                                   \
        if (o + l_ >= n) l_ = n - 1 - o, cut = true;                                         \
        memcpy(out + o, (s), l_);                                                            \
        o += l_;                                                                             \
    } while (0)
    for (const char *f = fmt; *f;) {
        if (f[0] == '%' && f[1] == '%') {
            PUT("%", 1);
            f += 2;
            continue;
        }
        size_t c = *f == '%' ? conv_len(f) : 0;
        if (!c) {
            PUT(f, 1);
            f++;
            continue;
        }
        int k = next++;
        if (f[1] >= '1' && f[1] <= '9') {
            int pos = 0;
            const char *p = f + 1;
            while (*p >= '0' && *p <= '9') pos = pos * 10 + (*p++ - '0');
            if (*p == '$') k = pos - 1;
        }
        if (k >= 0 && k < e->nargs) {
            const char *a = arg_at(e, k);
            if (k < 32 && (e->words >> k & 1u)) a = tr(lang, a);
            else if (k < 32 && (e->names >> k & 1u) && e->field_vi && lang == LANG_VI) {
                a = e->field_vi;
                /* a label within a sentence is a common noun: "cần nhập tên làng nghề" */
                utf8proc_int32_t cp;
                utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)a, -1, &cp);
                if (o > begin && m > 0) {
                    utf8proc_uint8_t low[4];
                    utf8proc_ssize_t lm = utf8proc_encode_char(utf8proc_tolower(cp), low);
                    PUT(low, (size_t)lm);
                    a += m;
                }
            }
            PUT(a, strlen(a));
        }
        f += c;
    }
#undef PUT
    if (cut) { /* not in the middle of a letter: drop a last character whose bytes did not all fit */
        size_t start = o;
        while (start && ((unsigned char)out[start - 1] & 0xC0) == 0x80) start--;
        if (start) {
            unsigned char lead = (unsigned char)out[start - 1];
            size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            if (o - (start - 1) < need) o = start - 1;
        }
    }
    out[o] = 0;
    return out;
}

const char *err_code(const Err *e) {
    switch (e->status) {
    case 400: return "bad_request";
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 406: return "not_acceptable";
    case 408: return "timeout";
    case 409: return "conflict";
    case 411: return "length_required";
    case 413: return "too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 422: return e->field[0] ? "invalid_field" : "invalid";
    case 429: return "rate_limited";
    case 503: return "unavailable";
    case 507: return "insufficient_storage";
    default: return "internal";
    }
}

void err_clear(Err *e) {
    if (e->errors) json_decref(e->errors);
    e->errors = NULL;
    e->status = 0;
    e->field[0] = e->detail[0] = 0;
    e->key = NULL;
    e->nargs = 0;
    e->words = e->names = 0;
    e->field_vi = NULL;
    e->row = e->col = 0;
    e->col_name[0] = 0;
}

const char *err_title(int status) {
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return "Error";
    }
}
