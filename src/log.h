/*
** log.h: logfmt lines on stderr ("ts=... level=info msg=..."). Each line is written with one
** write(2), so lines from worker threads never interleave.
*/
#ifndef OCOP_LOG_H
#define OCOP_LOG_H

#include "buf.h"

void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg("info", __VA_ARGS__)
#define log_warn(...) log_msg("warn", __VA_ARGS__)
#define log_error(...) log_msg("error", __VA_ARGS__)
/* Start a line with ts= and level= in b; the caller appends key=value pairs and calls
** log_line_end. Values with spaces or quotes go through log_kv. */
void log_line_begin(Buf *b, const char *level);
void log_kv(Buf *b, const char *key, const char *value);
void log_line_end(Buf *b);

#endif
