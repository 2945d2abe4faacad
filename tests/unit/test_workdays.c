/*
** test_workdays.c: the working-day calendar and its data file. The expected deadlines were
** counted by hand on a calendar (each case says how) and agree with an independent reading of
** data/holidays.tsv.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"
#include "util.h"
#include "workdays.h"

/* from + n working days, as a string in a static buffer (one use per assert). */
static const char *plus(const char *from, int n) {
    static char out[11];
    assert_int_equal(workday_add(from, n, out), 0);
    return out;
}

static void test_data_file_parses(void **state) {
    const EmbeddedFile *f = embed_find("data/holidays.tsv");
    assert_non_null(f);
    char why[256] = "";
    bool ok = workday_data_check(f->data, why, sizeof why);
    if (!ok) print_error("data/holidays.tsv: %s\n", why);
    assert_true(ok);
    assert_true(workday_covers("2020-01-01"));
    assert_true(workday_covers("2030-12-31"));
    assert_false(workday_covers("2019-12-31"));
    assert_false(workday_covers("2031-01-01"));
    assert_false(workday_covers("2026-13-01"));
}

/* Each malformed file is refused with the line and the reason. */
static void test_data_errors(void **state) {
    static const struct { const char *text, *why; } cases[] = {
        {"", "no header row"},
        {"# only a comment\n", "no header row"},
        {"date\tkind\tname\tsource\n", "no dates"},
        {"date\tkind\tname\n2026-01-01\toff\tx\ty\n", "line 1: expected the header row"},
        {"date\tkind\tname\tsource\r\n", "line 1: CR in line"},
        {"date\tkind\tname\tsource\n2026-01-01\toff\tTết\n", "line 2: 3 fields, expected 4"},
        {"date\tkind\tname\tsource\n2026-01-01\toff\tTết\ts\textra\n", "line 2: more than 4 fields"},
        {"date\tkind\tname\tsource\n2026-02-30\toff\tx\ts\n", "line 2: invalid date 2026-02-30"},
        {"date\tkind\tname\tsource\n2026-1-01\toff\tx\ts\n", "line 2: invalid date"},
        {"date\tkind\tname\tsource\n2026-01-01\tholiday\tx\ts\n", "line 2: kind must be off or work"},
        {"date\tkind\tname\tsource\n2026-01-01\toff\t\ts\n", "line 2: empty name"},
        {"date\tkind\tname\tsource\n2026-01-01\toff\tx\t\n", "line 2: empty source"},
        /* 2026-01-09 is a Friday */
        {"date\tkind\tname\tsource\n2026-01-09\twork\tx\ts\n", "line 2: 2026-01-09 is a weekday"},
        {"date\tkind\tname\tsource\n2026-01-02\toff\tx\ts\n2026-01-01\toff\ty\ts\n",
         "line 3: 2026-01-01 is not after"},
        {"date\tkind\tname\tsource\n2026-01-01\toff\tx\ts\n2026-01-01\toff\ty\ts\n",
         "line 3: 2026-01-01 is not after"},
        {"# c\ndate\tkind\tname\tsource\n\n2026-01-01\toff\tx\ts\n", "line 3: empty line"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char why[256] = "";
        assert_false(workday_data_check(cases[i].text, why, sizeof why));
        if (!strstr(why, cases[i].why)) print_error("case %zu: got \"%s\"\n", i, why);
        assert_non_null(strstr(why, cases[i].why));
    }
    char why[256];
    assert_true(workday_data_check("# c\ndate\tkind\tname\tsource\n2026-01-10\twork\tx\ts", why,
                                   sizeof why)); /* no final newline, a Saturday worked */
    assert_false(workday_data_check(NULL, NULL, 0)); /* no room for the reason: still refused */
}

/* No holiday in the way: Fri 2026-11-20 + 15 = Mon 23 .. Fri 27 (5), Mon 30 .. Fri 4 Dec (10),
** Mon 7 .. Fri 11 (15). */
static void test_plain_weeks(void **state) {
    assert_string_equal(plus("2026-11-20", 15), "2026-12-11");
    assert_string_equal(plus("2026-11-20", 1), "2026-11-23");
    assert_string_equal(plus("2026-11-20", 0), "2026-11-20");
    /* Thu 1 Oct 2026: Fri 2 (1), 5-9 (6), 12-16 (11), Mon 19 .. Thu 22 (15) */
    assert_string_equal(plus("2026-10-01", 15), "2026-10-22");
    /* received on a Sunday: Monday is the first working day */
    assert_string_equal(plus("2026-11-22", 1), "2026-11-23");
    assert_true(workday_is("2026-11-23"));
    assert_false(workday_is("2026-11-22"));
    assert_null(workday_holiday("2026-11-23"));
}

/* Tết Bính Ngọ: off Sat 14 .. Sun 22 Feb 2026 (weekdays 16-20). */
static void test_tet_2026(void **state) {
    /* Fri 13 Feb: Mon 23 .. Fri 27 (5), Mon 2 .. Fri 6 Mar (10), Mon 9 .. Fri 13 (15) */
    assert_string_equal(plus("2026-02-13", 15), "2026-03-13");
    assert_string_equal(plus("2026-02-13", 1), "2026-02-23");
    /* Wed 11 Feb: Thu 12 (1), Fri 13 (2), 23-27 (7), 2-6 Mar (12), Mon 9 .. Wed 11 (15) */
    assert_string_equal(plus("2026-02-11", 15), "2026-03-11");
    /* received during the break */
    assert_string_equal(plus("2026-02-17", 1), "2026-02-23");
    for (int d = 16; d <= 20; d++) {
        char date[11];
        snprintf(date, sizeof date, "2026-02-%02d", d);
        assert_false(workday_is(date));
        assert_non_null(workday_holiday(date));
    }
    assert_true(workday_is("2026-02-13"));
    assert_true(workday_is("2026-02-23"));
    assert_string_equal(workday_holiday("2026-02-17"), "Tết Âm lịch (mùng 1 tháng Giêng)");
    assert_string_equal(workday_holiday("2026-02-14"), "Tết Âm lịch (27 tháng Chạp)");
    assert_int_equal(workday_count("2026-02-13", "2026-02-23"), 1);
    assert_int_equal(workday_count("2026-02-13", "2026-03-13"), 15);
    /* Tết Quý Mão: mùng 1 on Sunday 22 Jan 2023, off Fri 20 .. Thu 26 */
    assert_string_equal(workday_holiday("2023-01-22"), "Tết Âm lịch (mùng 1 tháng Giêng)");
    assert_string_equal(plus("2023-01-19", 1), "2023-01-27");
    /* derived year: Tết Canh Tuất is Sat 2 Feb 2030 at UTC+7 (3 Feb in China) */
    assert_string_equal(workday_holiday("2030-02-02"), "Tết Âm lịch (mùng 1 tháng Giêng)");
}

/* 2026: Giỗ Tổ 10/3 âm lịch is Sunday 26 Apr, compensated Monday 27; 30/4 and 1/5 are Thu, Fri. */
static void test_april_may(void **state) {
    assert_false(workday_is("2026-04-26"));
    assert_false(workday_is("2026-04-27"));
    assert_string_equal(workday_holiday("2026-04-26"), "Giỗ Tổ Hùng Vương (10/3 âm lịch)");
    assert_false(workday_is("2026-04-30"));
    assert_false(workday_is("2026-05-01"));
    assert_string_equal(workday_holiday("2026-04-30"), "Ngày Chiến thắng");
    assert_string_equal(workday_holiday("2026-05-01"), "Ngày Quốc tế lao động");
    /* Fri 24 Apr: Tue 28 (1), Wed 29 (2), 4-8 May (7), 11-15 (12), Mon 18 .. Wed 20 (15) */
    assert_string_equal(plus("2026-04-24", 15), "2026-05-20");
    assert_string_equal(plus("2026-04-24", 1), "2026-04-28");
    assert_string_equal(plus("2026-04-29", 1), "2026-05-04");
    /* 2024: off Mon 29 Apr (swap), Tue 30, Wed 1 May; Sat 4 May worked. Fri 26 Apr: Thu 2 (1),
    ** Fri 3 (2), Sat 4 (3), 6-10 (8), 13-17 (13), Mon 20 (14), Tue 21 (15) */
    assert_string_equal(plus("2024-04-26", 15), "2024-05-21");
    assert_string_equal(plus("2024-04-26", 1), "2024-05-02");
}

/* 2026: Quốc khánh Wed 2 Sep plus Tue 1 Sep; Mon 31 Aug swapped against Sat 22 Aug. */
static void test_national_day(void **state) {
    assert_true(workday_is("2026-08-22"));
    assert_false(workday_is("2026-08-31"));
    assert_false(workday_is("2026-09-01"));
    assert_false(workday_is("2026-09-02"));
    assert_true(workday_is("2026-09-03"));
    assert_string_equal(workday_holiday("2026-09-02"), "Quốc khánh");
    /* Fri 21 Aug: Sat 22 (1), 24-28 (6), Thu 3 Sep (7), Fri 4 (8), 7-11 (13), Mon 14 (14), Tue 15 (15) */
    assert_string_equal(plus("2026-08-21", 15), "2026-09-15");
    assert_string_equal(plus("2026-08-28", 1), "2026-09-03");
    /* 2023: Fri 1 Sep and Sat 2 Sep, compensated Mon 4 Sep */
    assert_string_equal(plus("2023-08-31", 1), "2023-09-05");
    assert_int_equal(workday_count("2023-08-31", "2023-09-05"), 1);
    /* 2020 (Bộ luật Lao động 2012): 2 Sep only */
    assert_true(workday_is("2020-09-01"));
    assert_true(workday_is("2020-09-03"));
    assert_false(workday_is("2020-09-02"));
}

/* Saturdays made working days, and the weekdays they bought. */
static void test_swapped_saturdays(void **state) {
    static const char *const worked[] = {"2024-05-04", "2025-04-26", "2026-01-10", "2026-08-22"};
    static const char *const off[] = {"2024-04-29", "2025-05-02", "2026-01-02", "2026-08-31"};
    for (size_t i = 0; i < COUNT(worked); i++) {
        assert_true(workday_is(worked[i]));
        assert_null(workday_holiday(worked[i]));
        assert_false(workday_is(off[i]));
        assert_non_null(workday_holiday(off[i]));
    }
    /* the Saturday next to it is still a day off */
    assert_false(workday_is("2026-01-03"));
    /* Fri 9 Jan 2026: the next working day is Saturday 10 */
    assert_string_equal(plus("2026-01-09", 1), "2026-01-10");
    assert_int_equal(workday_count("2026-01-09", "2026-01-12"), 2);
    /* Thu 24 Apr 2025: Fri 25 (1), Sat 26 (2), Mon 28 (3), Tue 29 (4), off 30/4-2/5, 5-9 May (9),
    ** 12-16 (14), Mon 19 (15) */
    assert_string_equal(plus("2025-04-24", 15), "2025-05-19");
    assert_string_equal(workday_holiday("2026-01-02"), "Nghỉ hoán đổi (làm bù thứ Bảy 10/1/2026)");
}

/* Counting: (from, to], arithmetic on weeks plus the table; checked against day-by-day. */
static void test_count(void **state) {
    assert_int_equal(workday_count("2026-11-20", "2026-12-11"), 15);
    assert_int_equal(workday_count("2026-11-20", "2026-11-20"), 0);
    assert_int_equal(workday_count("2026-11-21", "2026-11-22"), 0); /* a weekend */
    assert_int_equal(workday_count("2026-11-20", "2026-11-23"), 1);
    /* 2026: 261 weekdays, 13 of them off (1-2/1, 16-20/2, 27/4, 30/4, 1/5, 31/8, 1-2/9),
    ** 2 Saturdays worked */
    assert_int_equal(workday_count("2025-12-31", "2026-12-31"), 250);
    /* 2021: 261 weekdays, 11 off */
    assert_int_equal(workday_count("2020-12-31", "2021-12-31"), 250);

    /* Both ways: counting back what was added gives n; and the count over a year agrees with
    ** asking each day. */
    static const int ns[] = {0, 1, 2, 5, 15, 30, 60};
    for (int y = 2019; y <= 2031; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 28; d += 3) {
                char from[11], to[11];
                snprintf(from, sizeof from, "%04d-%02d-%02d", y, m, d);
                for (size_t i = 0; i < COUNT(ns); i++) {
                    assert_int_equal(workday_add(from, ns[i], to), 0);
                    assert_int_equal(workday_count(from, to), ns[i]);
                    if (ns[i] > 0) assert_true(workday_is(to));
                }
            }
    int by_day = 0;
    for (int y = 2020; y <= 2030; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= 31; d++) {
                char day[11];
                snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
                if (date_valid(day)) by_day += workday_is(day);
            }
    assert_int_equal(workday_count("2019-12-31", "2030-12-31"), by_day);
    /* the whole range of dates: 1900-01-01 was a Monday; 286,856 checked independently */
    assert_int_equal(workday_count("1900-01-01", "2999-12-31"), 286856);
}

/* Outside 2020-2030: plain Monday-Friday. */
static void test_outside_coverage(void **state) {
    assert_true(workday_is("2031-01-01"));  /* a Wednesday: no holiday data for 2031 */
    assert_null(workday_holiday("2031-01-01"));
    assert_true(workday_is("2019-09-02"));
    /* Fri 1900-01-05 + 1 = Mon 1900-01-08 */
    assert_string_equal(plus("1900-01-05", 1), "1900-01-08");
    assert_string_equal(plus("2031-06-27", 15), "2031-07-18");
    assert_string_equal(plus("2999-12-30", 1), "2999-12-31");
}

static void test_invalid(void **state) {
    char out[11] = "unchanged";
    static const char *const bad[] = {"2026-02-30", "2026-1-01", "", "26-01-01", "2026-01-01x",
                                      "1899-12-31", "3000-01-01"};
    for (size_t i = 0; i < COUNT(bad); i++) {
        assert_int_equal(workday_add(bad[i], 1, out), -1);
        assert_int_equal(workday_count(bad[i], "2026-01-01"), -1);
        assert_int_equal(workday_count("2026-01-01", bad[i]), -1);
        assert_false(workday_is(bad[i]));
        assert_null(workday_holiday(bad[i]));
        assert_false(workday_covers(bad[i]));
    }
    assert_int_equal(workday_add(NULL, 1, out), -1);
    assert_int_equal(workday_count(NULL, NULL), -1);
    assert_false(workday_is(NULL));
    assert_null(workday_holiday(NULL));
    assert_int_equal(workday_add("2026-01-05", -1, out), -1);
    assert_int_equal(workday_add("2026-01-05", WORKDAY_MAX_N + 1, out), -1);
    assert_int_equal(workday_add("2999-12-31", 1, out), -1); /* past the last valid date */
    assert_string_equal(out, "unchanged");
    assert_int_equal(workday_add("2026-01-05", WORKDAY_MAX_N, out), 0);
    assert_int_equal(workday_count("2026-01-05", out), WORKDAY_MAX_N);
    /* to before from */
    assert_int_equal(workday_count("2026-12-11", "2026-11-20"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_file_parses),
        cmocka_unit_test(test_data_errors),
        cmocka_unit_test(test_plain_weeks),
        cmocka_unit_test(test_tet_2026),
        cmocka_unit_test(test_april_may),
        cmocka_unit_test(test_national_day),
        cmocka_unit_test(test_swapped_saturdays),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_outside_coverage),
        cmocka_unit_test(test_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
