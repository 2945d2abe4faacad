/*
** test_util.c: dates and integer parsing.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"

static void test_dates(void **state) {
    /* stored times are UTC; a person in Vietnam reads them 7 hours later, across midnight too */
    char vn[24];
    assert_string_equal(stamp_vn("2026-12-06T23:19:05Z", vn), "07/12/2026 06:19");
    assert_string_equal(stamp_vn("2026-11-23T10:05:00Z", vn), "23/11/2026 17:05");
    assert_string_equal(stamp_vn("not a time", vn), "not a time");
    assert_string_equal(stamp_vn(NULL, vn), "");
    assert_true(date_valid("2024-02-29"));
    assert_false(date_valid("2023-02-29"));
    assert_false(date_valid("2023-13-01"));
    assert_false(date_valid("2023-1-01"));
    assert_false(date_valid("20230101xx"));
    assert_false(date_valid(NULL));
    char out[11];
    date_add_months("2023-05-15", 36, out);
    assert_string_equal(out, "2026-05-15");
    date_add_months("2024-01-31", 1, out);
    assert_string_equal(out, "2024-02-29");
    date_add_months("2021-02-28", 36, out);
    assert_string_equal(out, "2024-02-28");
}

static void test_ints(void **state) {
    int64_t v;
    assert_true(parse_i64("42", &v));
    assert_int_equal(v, 42);
    assert_true(parse_i64("-7", &v));
    assert_false(parse_i64("", &v));
    assert_false(parse_i64(" 1", &v));
    assert_false(parse_i64("1x", &v));
    assert_false(parse_i64("99999999999999999999", &v));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_ints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
