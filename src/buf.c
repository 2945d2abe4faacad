/*
** buf.c: growable buffer and context-aware printf engine (see buf.h).
*/
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

static void grow(Buf *b, size_t extra) {
    if (b->n + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + extra + 1) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

void buf_append(Buf *b, const void *data, size_t n) {
    grow(b, n);
    if (n) memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = 0;
}

void buf_reserve(Buf *b, size_t n) {
    grow(b, n);
    b->p[b->n] = 0; /* still a string when nothing follows */
}

void buf_puts(Buf *b, const char *s) { buf_append(b, s, strlen(s)); }

void buf_putc(Buf *b, char c) { buf_append(b, &c, 1); }

void buf_html(Buf *b, const char *s, size_t n) {
    size_t run = 0; /* start of the pending run of characters that need no escape */
    for (size_t i = 0; i < n; i++) {
        const char *esc;
        switch (s[i]) {
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '&': esc = "&amp;"; break;
        case '"': esc = "&quot;"; break;
        case '\'': esc = "&#39;"; break;
        default: continue;
        }
        buf_append(b, s + run, i - run);
        buf_puts(b, esc);
        run = i + 1;
    }
    buf_append(b, s + run, n - run);
}

/* Valid UTF-8 s[0..n) as JSON string content: quotes and backslashes escaped, control
** characters (C0, DEL and the C1 range U+0080..U+009F) as \u escapes. */
static void json_escape_valid(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of characters that need no escape */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        unsigned cp = c;
        size_t len = 1;
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] < 0xa0) {
            cp = (unsigned char)s[i + 1]; /* a C1 control character */
            len = 2;
        } else if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
            continue;
        }
        buf_append(b, s + run, i - run);
        run = i + len;
        i += len - 1;
        switch (cp) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char e[7] = {'\\', 'u', '0', '0', hex[cp >> 4], hex[cp & 15], 0};
            buf_puts(b, e);
        }
        }
    }
    buf_append(b, s + run, n - run);
}

void buf_json_str(Buf *b, const char *s, size_t n) {
    grow(b, n + 2);
    buf_putc(b, '"');
    /* JSON text is UTF-8 (RFC 8259 §8.1): each byte that is not part of a well-formed
    ** sequence becomes U+FFFD, so whatever bytes a client sent, what we emit parses. */
    while (n) {
        size_t bad = n;
        bool ok = text_utf8_valid(s, n, &bad);
        json_escape_valid(b, s, ok ? n : bad);
        if (ok) break;
        buf_puts(b, "\xEF\xBF\xBD");
        s += bad + 1;
        n -= bad + 1;
    }
    buf_putc(b, '"');
}

void buf_url(Buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_append(b, e, 3);
        }
    }
}

void buf_csv(Buf *b, const char *s, size_t n, char sep) {
    int quote = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r') quote = 1;
    /* A leading space or a formula sign would be altered or executed by spreadsheets. */
    if (n && (s[0] == ' ' || s[n - 1] == ' ')) quote = 1;
    if (!quote) {
        buf_append(b, s, n);
        return;
    }
    buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') buf_putc(b, '"');
        buf_putc(b, s[i]);
    }
    buf_putc(b, '"');
}

void buf_printf(Buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* One conversion handed to vsnprintf-compatible snprintf with its exact spec. */
#define EMIT(T)                                                        \
    do {                                                               \
        T v_ = va_arg(ap, T);                                          \
        int n_ = snprintf(NULL, 0, spec, v_);                          \
        grow(b, (size_t)n_);                                           \
        snprintf(b->p + b->n, (size_t)n_ + 1, spec, v_);               \
        b->n += (size_t)n_;                                            \
    } while (0)
#define EMITP(T)                                                       \
    do {                                                               \
        T v_ = va_arg(ap, T);                                          \
        int n_ = snprintf(NULL, 0, spec, prec, v_);                    \
        grow(b, (size_t)n_);                                           \
        snprintf(b->p + b->n, (size_t)n_ + 1, spec, prec, v_);         \
        b->n += (size_t)n_;                                            \
    } while (0)

void buf_vprintf(Buf *b, const char *fmt, va_list ap_in) {
    va_list ap;
    va_copy(ap, ap_in);
    grow(b, 0);
    while (*fmt) {
        const char *pct = strchr(fmt, '%');
        if (!pct) {
            buf_puts(b, fmt);
            break;
        }
        buf_append(b, fmt, (size_t)(pct - fmt));
        const char *p = pct + 1;
        char spec[32];
        size_t sn = 0;
        spec[sn++] = '%';
        while (*p && strchr("-+ #0", *p) && sn < 8) spec[sn++] = *p++;
        while (*p >= '0' && *p <= '9' && sn < 16) spec[sn++] = *p++;
        int prec = -1, star = 0;
        if (*p == '.') {
            spec[sn++] = *p++;
            if (*p == '*') {
                star = 1;
                spec[sn++] = *p++;
                prec = va_arg(ap, int);
            } else {
                while (*p >= '0' && *p <= '9' && sn < 24) spec[sn++] = *p++;
            }
        }
        int len = 0; /* 0 none, 1 l, 2 ll, 3 z */
        if (*p == 'l' && p[1] == 'l') { len = 2; spec[sn++] = *p++; spec[sn++] = *p++; }
        else if (*p == 'l') { len = 1; spec[sn++] = *p++; }
        else if (*p == 'z') { len = 3; spec[sn++] = *p++; }
        char conv = *p;
        spec[sn++] = conv;
        spec[sn] = 0;
        if (!conv) break;
        fmt = p + 1;
        switch (conv) {
        case '%': buf_putc(b, '%'); break;
        case 'h': case 'j': case 'U': case 'C': {
            const char *s = va_arg(ap, const char *);
            if (conv == 'j' && !s) { buf_puts(b, "null"); break; }
            if (!s) s = "";
            size_t n = strlen(s);
            if (star && prec >= 0 && (size_t)prec < n) n = (size_t)prec;
            if (conv == 'h') buf_html(b, s, n);
            else if (conv == 'j') buf_json_str(b, s, n);
            else if (conv == 'U') buf_url(b, s, n);
            else buf_csv(b, s, n, ',');
            break;
        }
        case 's':
            if (star) {
                const char *s = va_arg(ap, const char *);
                size_t n = s ? strnlen(s, (size_t)(prec < 0 ? 0 : prec)) : 0;
                buf_append(b, s ? s : "", n);
            } else {
                const char *s = va_arg(ap, const char *);
                if (sn == 2) { buf_puts(b, s ? s : "(null)"); break; }
                int n_ = snprintf(NULL, 0, spec, s ? s : "(null)");
                grow(b, (size_t)n_);
                snprintf(b->p + b->n, (size_t)n_ + 1, spec, s ? s : "(null)");
                b->n += (size_t)n_;
            }
            break;
        case 'c': EMIT(int); break;
        case 'd': case 'i':
            if (star) { if (len == 2) EMITP(long long); else if (len == 1) EMITP(long); else if (len == 3) EMITP(ptrdiff_t); else EMITP(int); }
            else if (len == 2) EMIT(long long); else if (len == 1) EMIT(long); else if (len == 3) EMIT(ptrdiff_t); else EMIT(int);
            break;
        case 'u': case 'x': case 'X': case 'o':
            if (len == 2) EMIT(unsigned long long); else if (len == 1) EMIT(unsigned long); else if (len == 3) EMIT(size_t); else EMIT(unsigned);
            break;
        case 'f': case 'g': case 'e': case 'G': case 'E':
            if (star) EMITP(double); else EMIT(double);
            break;
        case 'p': EMIT(void *); break;
        default: panic("buf_vprintf: unsupported conversion %%%c", conv);
        }
    }
    b->p[b->n] = 0;
    va_end(ap);
}

void buf_reset(Buf *b) {
    b->n = 0;
    if (b->p) b->p[0] = 0;
}

char *buf_take(Buf *b) {
    char *p = b->p ? b->p : xstrdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

const char *buf_str(Buf *b) { return b->p ? b->p : ""; }

void buf_free(Buf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}
