/*
** util.c: allocation, panics, small string and date helpers (see util.h).
*/
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Noreturn void oom(size_t n) {
    fprintf(stderr, "level=fatal msg=\"out of memory\" bytes=%zu\n", n);
    abort();
}

void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *xrealloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n) {
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void panic(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("level=fatal msg=\"", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\"\n", stderr);
    va_end(ap);
    abort();
}

bool str_eq(const char *a, const char *b) {
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

bool str_has_prefix(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool parse_i64(const char *s, int64_t *out) {
    if (!s || !*s || isspace((unsigned char)*s)) return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return false;
    *out = v;
    return true;
}

static int days_in_month(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

bool date_valid(const char *s) {
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

const char *stamp_vn(const char *ts, char out[24]) {
    struct tm tm = {0};
    if (!ts) return "";
    if (sscanf(ts, "%4d-%2d-%2dT%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) != 5) return ts;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 7 * 3600;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%d/%m/%Y %H:%M", &tm);
    return out;
}

void date_today(char out[11]) {
    /* Vietnam time (UTC+7, no daylight saving): a certificate expiring "today" expires at
    ** midnight in Vietnam, not at 07:00. */
    time_t t = time(NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void date_add_months(const char *date, int months, char out[11]) {
    int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    if (d > days_in_month(y, m)) d = days_in_month(y, m);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m % 100u, ud = (unsigned)d % 100u;
    out[0] = (char)('0' + uy / 1000); out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10); out[3] = (char)('0' + uy % 10); out[4] = '-';
    out[5] = (char)('0' + um / 10); out[6] = (char)('0' + um % 10); out[7] = '-';
    out[8] = (char)('0' + ud / 10); out[9] = (char)('0' + ud % 10); out[10] = 0;
}

void ts_now(char *out) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ts_on(const char *day, char *out) {
    char today[11];
    date_today(today);
    if (!day || strcmp(day, today) == 0) ts_now(out);
    else snprintf(out, 21, "%.10sT05:00:00Z", day);
}

uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void date_add_days(const char *date, int days, char out[11]) {
    struct tm tm = {0};
    sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    time_t t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

const PagingRule PAGING_LIST = {50, 500, PAGING_REACH};

int paging_parse(const char *page, const char *per_page, const PagingRule *rule, Paging *p, Err *e) {
    p->page = 1;
    p->per_page = rule->per_page_default;
    if (per_page && (!parse_i64(per_page, &p->per_page) || p->per_page < 1 || p->per_page > rule->per_page_max))
        return err_set(e, 400, "per_page", "%s must be a whole number from 1 to %d", "per_page", rule->per_page_max);
    int64_t last = rule->reach / p->per_page; /* page * per_page <= reach */
    if (page && (!parse_i64(page, &p->page) || p->page < 1 || p->page > last))
        return err_set(e, 400, "page",
                       "page must be a whole number from 1 to %lld with %lld a page (lists reach %lld records)",
                       (long long)last, (long long)p->per_page, (long long)rule->reach);
    p->offset = (p->page - 1) * p->per_page;
    return 0;
}

int64_t paging_pages(const Paging *p, int64_t total) { return (total + p->per_page - 1) / p->per_page; }

json_t *paging_json(json_t *items, int64_t total, const Paging *p) {
    return json_pack("{s:o, s:I, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "page",
                     (json_int_t)p->page, "per_page", (json_int_t)p->per_page, "pages",
                     (json_int_t)paging_pages(p, total));
}

int64_t day_number(const char *date) {
    struct tm tm = {0};
    sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    return (int64_t)timegm(&tm) / 86400;
}

void day_date(int64_t day, char out[11]) {
    time_t t = (time_t)(day * 86400 + 43200);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}
