/*
** util.h: process-wide helpers that every module uses: allocation that aborts on
** out-of-memory (application code never threads NULL checks), panics for bugs, and small
** string and date helpers.
*/
#ifndef OCOP_UTIL_H
#define OCOP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OCOP_VERSION "0.2.0"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: abort with a log line on out-of-memory. Caller owns the result. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A bug: log and abort. Expected failures use Err (err.h) instead. */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Case-sensitive equality that accepts NULL on either side. */
bool str_eq(const char *a, const char *b);
bool str_has_prefix(const char *s, const char *prefix);

/* Parse a whole decimal integer; false if s is not exactly an integer in range. */
bool parse_i64(const char *s, int64_t *out);

/* Dates are ISO 8601 strings "YYYY-MM-DD" everywhere in ocop. date_valid checks the calendar;
** date_today writes today's date in Vietnam (UTC+7) into out[11]; date_add_months clamps the day to the end
** of the month (2024-01-31 + 1 month = 2024-02-29). */
bool date_valid(const char *s);
void date_today(char out[11]);
void date_add_months(const char *date, int months, char out[11]);
/* date + days (negative: earlier) into out[11]; date must be valid. */
void date_add_days(const char *date, int days, char out[11]);

/* The current UTC time as 'YYYY-MM-DDTHH:MM:SSZ' into out[21+]. */
void ts_now(char *out);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

#endif
