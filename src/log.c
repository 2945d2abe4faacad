/*
** log.c: logfmt logging (see log.h).
*/
#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void log_line_begin(Buf *b, const char *level) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    buf_printf(b, "ts=%s.%03dZ level=%s", ts, (int)(tv.tv_usec / 1000), level);
}

/* A value goes out bare only when it is printable ASCII without space, quote or '='. Anything
** else (UTF-8 text, control characters, bytes that are not UTF-8: a client's path can hold
** any of them) is a quoted JSON string, where controls are escaped and stray bytes become
** U+FFFD, so one line stays one valid UTF-8 line whatever a client sent. */
void log_kv(Buf *b, const char *key, const char *value) {
    if (!value) value = "";
    int quote = !*value;
    for (const unsigned char *p = (const unsigned char *)value; *p && !quote; p++)
        quote = *p <= ' ' || *p == '"' || *p == '=' || *p >= 0x7f;
    buf_printf(b, " %s=", key);
    if (quote) buf_json_str(b, value, strlen(value));
    else buf_puts(b, value);
}

void log_line_end(Buf *b) {
    buf_putc(b, '\n');
    ssize_t off = 0;
    while ((size_t)off < b->n) {
        ssize_t w = write(2, b->p + off, b->n - (size_t)off);
        if (w <= 0) break;
        off += w;
    }
}

void log_msg(const char *level, const char *fmt, ...) {
    Buf b = BUF_INIT, m = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&m, fmt, ap);
    va_end(ap);
    log_line_begin(&b, level);
    log_kv(&b, "msg", buf_str(&m));
    log_line_end(&b);
    buf_free(&m);
    buf_free(&b);
}
