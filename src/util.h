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

#include "err.h"

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
/* "23/11/2026 17:05": a stored timestamp (UTC, "2026-11-23T10:05:00Z") in Vietnam's time (UTC+7),
** as a person there reads it, into out; ts itself when it is not one, "" for NULL. */
const char *stamp_vn(const char *ts, char out[24]);
void date_add_months(const char *date, int months, char out[11]);
/* date + days (negative: earlier) into out[11]; date must be valid. */
void date_add_days(const char *date, int days, char out[11]);
/* Days since 1970-01-01 of a valid date, and the date of such a day number. */
int64_t day_number(const char *date);
void day_date(int64_t day, char out[11]);

/* The current UTC time as 'YYYY-MM-DDTHH:MM:SSZ' into out[21+]. */
void ts_now(char *out);
/* The time of a step taken on day (YYYY-MM-DD, Vietnam) into out[21+]: ts_now on today, else
** noon of that day in Vietnam (05:00 UTC). For the "_on" variants of the domain's steps. */
void ts_on(const char *day, char *out);

/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);

/* Paging of a list: ?page= (from 1) and ?per_page=. The one parser every paged list of the API
** uses, so the bounds cannot drift. A rule gives the default and largest per_page and the reach:
** the deepest record a page may show, page × per_page <= reach (so the offset can neither
** overflow nor ask the database to skip billions of rows). */
typedef struct PagingRule {
    int per_page_default, per_page_max;
    int64_t reach;
} PagingRule;
enum { PAGING_REACH = 10000000 };
/* The rule of the registry's lists: 50 a page by default, at most 500, reach 10,000,000. */
extern const PagingRule PAGING_LIST;
typedef struct Paging {
    int64_t page, per_page; /* as asked (or the defaults) */
    int64_t offset;         /* (page - 1) * per_page */
} Paging;
/* page, per_page: the parameters' text, NULL when absent. Returns 0 with *p filled, or -1 with
** e = 400 naming the field ("page" or "per_page") that is not a whole number in range. */
int paging_parse(const char *page, const char *per_page, const PagingRule *rule, Paging *p, Err *e);
/* The number of pages total records fill. */
int64_t paging_pages(const Paging *p, int64_t total);
/* A page of a list as the API answers it: {"items", "total", "page", "per_page", "pages"}.
** Takes items' reference; the caller owns the result. */
json_t *paging_json(json_t *items, int64_t total, const Paging *p);

#endif
