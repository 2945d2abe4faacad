/*
** buf.h: the one growable byte buffer of ocop, with a printf engine that knows the output
** contexts, so every output path has one correct way to interpolate:
**   %h  HTML-escaped string        %j  JSON string literal, quotes included (NULL -> null)
**   %U  URL-encoded (RFC 3986)     %C  CSV field, quoted when needed
** plus the usual %s %d %i %u %ld %lld %zu %zd %x %f %g %c %% with widths and precisions.
*/
#ifndef OCOP_BUF_H
#define OCOP_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct Buf {
    char *p;   /* always NUL-terminated once anything was appended */
    size_t n;  /* bytes used, excluding the NUL */
    size_t cap;
} Buf;

#define BUF_INIT {NULL, 0, 0}

void buf_append(Buf *b, const void *data, size_t n);
/* Make room for n more bytes at once (appending them then does not reallocate). */
void buf_reserve(Buf *b, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...);
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
void buf_html(Buf *b, const char *s, size_t n);
void buf_json_str(Buf *b, const char *s, size_t n);
void buf_url(Buf *b, const char *s, size_t n);
void buf_csv(Buf *b, const char *s, size_t n, char sep);
void buf_reset(Buf *b);
/* Hand the bytes to the caller (who frees them); the buffer becomes empty. */
char *buf_take(Buf *b);
const char *buf_str(Buf *b); /* "" for an empty buffer */
void buf_free(Buf *b);

#endif
