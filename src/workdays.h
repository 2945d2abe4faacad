/*
** workdays.h: the working-day calendar for legal deadlines counted in "ngày làm việc" (e.g. QĐ
** 26/2026/QĐ-TTg: the commune checks a dossier within 15 working days).
**
** A working day is Monday to Friday, except the holidays, compensatory days and swapped days off
** of data/holidays.tsv, plus the Saturdays that file makes working days (làm bù). The file is
** compiled into the binary and loaded once, on first use; a malformed file is a bug and panics.
** Outside the years the file covers (workday_covers) every Monday-Friday is a working day: the
** answer is then only as good as "no holidays", and callers that show a deadline may say so.
**
** Dates are 'YYYY-MM-DD' strings (util.h: date_valid). All functions are thread-safe.
*/
#ifndef OCOP_WORKDAYS_H
#define OCOP_WORKDAYS_H

#include <stdbool.h>
#include <stddef.h>

/* The largest n workday_add accepts: about 40 years of working days. */
#define WORKDAY_MAX_N 10000

/* Whether date is a working day; false also for an invalid date. */
bool workday_is(const char *date);

/* The date that is n working days after from, into out[11]: from itself does not count, so a
** dossier received on Friday 2026-11-20 with 15 working days is due on 2026-12-11. n = 0 gives
** from. Returns 0, or -1 (out untouched) when from is invalid, n is outside 0..WORKDAY_MAX_N or
** the result would be after 2999-12-31. */
int workday_add(const char *from, int n, char out[11]);

/* The number of working days in (from, to]: from excluded, to included, so
** workday_count(d, workday_add(d, n)) == n. 0 when to == from; -1 when either date is invalid
** or to is before from (callers ordering two dates compare them as strings first). */
int workday_count(const char *from, const char *to);

/* The name of the holiday or day off on date ("Quốc khánh", "Nghỉ bù ..."), or NULL when the
** table lists no day off there (ordinary days, swapped working Saturdays, invalid dates). The
** string is static. */
const char *workday_holiday(const char *date);

/* Whether date falls in a year the holiday table covers; false for an invalid date. */
bool workday_covers(const char *date);

/* Check text in the format of data/holidays.tsv without loading it. Returns true if it is
** valid; else false with "line N: reason" in why[whylen]. For tests and tooling. */
bool workday_data_check(const char *text, char *why, size_t whylen);

#endif
