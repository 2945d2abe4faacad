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
