/*
** workdays.c: the working-day calendar (see workdays.h).
**
** data/holidays.tsv is parsed once into a table of the days that differ from, or name a day
** in, the Monday-Friday week, sorted by day number. A date is a working day if the table says
** so, else if it is Monday-Friday. Counting working days in a range is arithmetic on the
** Monday-Friday week corrected by the table entries in the range (binary search), so it costs
** the same for a week as for a century.
*/
#include "workdays.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "util.h"

typedef struct Day {
    int z;       /* days since 1970-01-01 */
    bool work;   /* kind "work": a weekend day worked; else "off" */
    char *name;  /* owned by the table */
} Day;

typedef struct Table {
    Day *v;      /* ascending by z, no two equal */
    int n, cap;
    int first_year, last_year;
} Table;

/* Day numbers of the dates date_valid accepts. 1900-01-01 was a Monday: the origin of the
** Monday-Friday count below. */
enum { Z_MIN = -25567 /* 1900-01-01 */, Z_MAX = 376199 /* 2999-12-31 */ };

static const char *const HEADER = "date\tkind\tname\tsource";

static Table table; /* written once under pthread_once, read-only afterwards */
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d) {
    z += 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* The day number of a valid 'YYYY-MM-DD' date; false if s is not one. */
static bool day_of(const char *s, int *z) {
    if (!date_valid(s)) return false;
    *z = days_from_civil(atoi(s), atoi(s + 5), atoi(s + 8));
    return true;
}

static void format_day(int z, char out[11]) {
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    unsigned uy = (unsigned)y % 10000u, um = (unsigned)m, ud = (unsigned)d;
    out[0] = (char)('0' + uy / 1000); out[1] = (char)('0' + uy / 100 % 10);
    out[2] = (char)('0' + uy / 10 % 10); out[3] = (char)('0' + uy % 10); out[4] = '-';
    out[5] = (char)('0' + um / 10); out[6] = (char)('0' + um % 10); out[7] = '-';
    out[8] = (char)('0' + ud / 10); out[9] = (char)('0' + ud % 10); out[10] = 0;
}

/* 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(int z) { return ((z % 7) + 7 + 3) % 7; }

/* Monday-Friday days in [Z_MIN, z], for z >= Z_MIN - 1. */
static int weekdays_upto(int z) {
    int k = z - Z_MIN + 1, r = k % 7;
    return k / 7 * 5 + (r < 5 ? r : 5);
}

/* ---- the table */

static bool fail(char *why, size_t whylen, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool fail(char *why, size_t whylen, int line, const char *fmt, ...) {
    if (!why || !whylen) return false;
    int k = snprintf(why, whylen, "line %d: ", line);
    if (k >= 0 && (size_t)k < whylen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why + k, whylen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return false;
}

static void table_free(Table *t) {
    for (int i = 0; i < t->n; i++) free(t->v[i].name);
    free(t->v);
    memset(t, 0, sizeof *t);
}

/* Parse text (the format of data/holidays.tsv) into t, which the caller frees with table_free
** (also after a failure). */
static bool parse(const char *text, Table *t, char *why, size_t whylen) {
    memset(t, 0, sizeof *t);
    bool header = false;
    int lineno = 0;
    for (const char *p = text; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        const char *line = p;
        p = eol ? eol + 1 : p + len;
        lineno++;
        if (memchr(line, '\r', len)) return fail(why, whylen, lineno, "CR in line (use LF endings)");
        if (len > 0 && line[0] == '#') continue;
        if (len == 0) return fail(why, whylen, lineno, "empty line");
        if (!header) {
            if (len != strlen(HEADER) || memcmp(line, HEADER, len) != 0)
                return fail(why, whylen, lineno, "expected the header row \"date<TAB>kind<TAB>name<TAB>source\"");
            header = true;
            continue;
        }
        const char *f[4];
        size_t flen[4];
        int nf = 0;
        for (const char *q = line, *end = line + len;; ) {
            const char *tab = memchr(q, '\t', (size_t)(end - q));
            if (nf == 4) return fail(why, whylen, lineno, "more than 4 fields");
            f[nf] = q;
            flen[nf] = tab ? (size_t)(tab - q) : (size_t)(end - q);
            nf++;
            if (!tab) break;
            q = tab + 1;
        }
        if (nf != 4) return fail(why, whylen, lineno, "%d fields, expected 4", nf);
        static const char *const names[4] = {"date", "kind", "name", "source"};
        for (int i = 0; i < 4; i++)
            if (flen[i] == 0) return fail(why, whylen, lineno, "empty %s", names[i]);
        char date[11];
        int z;
        if (flen[0] != 10) return fail(why, whylen, lineno, "invalid date");
        memcpy(date, f[0], 10);
        date[10] = 0;
        if (!day_of(date, &z)) return fail(why, whylen, lineno, "invalid date %s", date);
        bool work;
        if (flen[1] == 3 && memcmp(f[1], "off", 3) == 0) work = false;
        else if (flen[1] == 4 && memcmp(f[1], "work", 4) == 0) work = true;
        else return fail(why, whylen, lineno, "kind must be off or work");
        if (work && weekday(z) < 5)
            return fail(why, whylen, lineno, "%s is a weekday: only a Saturday or Sunday can be work", date);
        if (t->n > 0 && z <= t->v[t->n - 1].z)
            return fail(why, whylen, lineno, "%s is not after the previous line's date", date);
        if (t->n == t->cap) {
            t->cap = t->cap ? 2 * t->cap : 256;
            t->v = xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
        }
        t->v[t->n++] = (Day){z, work, xstrndup(f[2], flen[2])};
        int y = atoi(date);
        if (t->n == 1) t->first_year = y;
        t->last_year = y;
    }
    if (!header) return fail(why, whylen, lineno, "no header row");
    if (t->n == 0) return fail(why, whylen, lineno, "no dates");
    return true;
}

static void load(void) {
    const EmbeddedFile *f = embed_find("data/holidays.tsv");
    if (!f) panic("data/holidays.tsv is not embedded");
    char why[256];
    if (!parse(f->data, &table, why, sizeof why)) panic("data/holidays.tsv: %s", why);
}

static const Table *get(void) {
    pthread_once(&once, load);
    return &table;
}

/* Index of the first entry with z >= key (t->n if none). */
static int lower_bound(const Table *t, int key) {
    int lo = 0, hi = t->n;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (t->v[mid].z < key) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static const Day *find(const Table *t, int z) {
    int i = lower_bound(t, z);
    return i < t->n && t->v[i].z == z ? &t->v[i] : NULL;
}

static bool is_work(const Table *t, int z) {
    const Day *d = find(t, z);
    return d ? d->work : weekday(z) < 5;
}

/* ---- the API */

bool workday_is(const char *date) {
    int z;
    return day_of(date, &z) && is_work(get(), z);
}

int workday_add(const char *from, int n, char out[11]) {
    int z;
    if (!day_of(from, &z) || n < 0 || n > WORKDAY_MAX_N) return -1;
    const Table *t = get();
    while (n > 0) {
        if (++z > Z_MAX) return -1;
        if (is_work(t, z)) n--;
    }
    format_day(z, out);
    return 0;
}

int workday_count(const char *from, const char *to) {
    int a, b;
    if (!day_of(from, &a) || !day_of(to, &b) || b < a) return -1;
    const Table *t = get();
    int count = weekdays_upto(b) - weekdays_upto(a);
    for (int i = lower_bound(t, a + 1); i < t->n && t->v[i].z <= b; i++) {
        if (t->v[i].work) count++;                 /* a weekend day worked */
        else if (weekday(t->v[i].z) < 5) count--;  /* a weekday off */
    }
    return count;
}

const char *workday_holiday(const char *date) {
    int z;
    if (!day_of(date, &z)) return NULL;
    const Day *d = find(get(), z);
    return d && !d->work ? d->name : NULL;
}

bool workday_covers(const char *date) {
    if (!date_valid(date)) return false;
    const Table *t = get();
    int y = atoi(date);
    return y >= t->first_year && y <= t->last_year;
}

bool workday_data_check(const char *text, char *why, size_t whylen) {
    Table t;
    bool ok = parse(text ? text : "", &t, why, whylen);
    table_free(&t);
    return ok;
}
