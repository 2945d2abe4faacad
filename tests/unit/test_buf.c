/*
** test_buf.c: the buffer's printf engine and its context conversions.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "text.h"

static void test_plain(void **state) {
    Buf b = BUF_INIT;
    buf_printf(&b, "%d-%s-%05.2f-%lld-%zu-%x-%c-%%", -3, "x", 3.14159, (long long)1 << 40, (size_t)7, 255, 'z');
    assert_string_equal(buf_str(&b), "-3-x-03.14-1099511627776-7-ff-z-%");
    buf_reset(&b);
    buf_printf(&b, "[%.*s][%-4s][%3d]", 2, "abcdef", "ab", 5);
    assert_string_equal(buf_str(&b), "[ab][ab  ][  5]");
    buf_free(&b);
}

static void test_contexts(void **state) {
    Buf b = BUF_INIT;
    buf_printf(&b, "<p title=\"%h\">%h</p>", "a\"b", "<script>&'");
    assert_string_equal(buf_str(&b), "<p title=\"a&quot;b\">&lt;script&gt;&amp;&#39;</p>");
    buf_reset(&b);
    buf_printf(&b, "{\"k\":%j,\"n\":%j}", "Nước \"mắm\"\n\x01", (const char *)NULL);
    assert_string_equal(buf_str(&b), "{\"k\":\"Nước \\\"mắm\\\"\\n\\u0001\",\"n\":null}");
    buf_reset(&b);
    buf_printf(&b, "/s?q=%U", "đặc sản&x=1");
    assert_string_equal(buf_str(&b), "/s?q=%C4%91%E1%BA%B7c%20s%E1%BA%A3n%26x%3D1");
    buf_reset(&b);
    buf_printf(&b, "%C,%C,%C", "plain", "a,b", "say \"hi\"");
    assert_string_equal(buf_str(&b), "plain,\"a,b\",\"say \"\"hi\"\"\"");
    buf_free(&b);
}

/* %j emits valid UTF-8 JSON whatever the bytes: each stray byte becomes U+FFFD, controls
** (C0, DEL, C1) are escaped, valid text passes unchanged. log_kv quotes such values. */
static void test_json_invalid_utf8(void **state) {
    Buf b = BUF_INIT;
    buf_printf(&b, "%j", "/c/\xff\xfe-\xe1\xba-\xc0\xaf-ok");
    assert_string_equal(buf_str(&b), "\"/c/\xEF\xBF\xBD\xEF\xBF\xBD-\xEF\xBF\xBD\xEF\xBF\xBD-\xEF\xBF\xBD\xEF\xBF\xBD-ok\"");
    assert_true(text_utf8_valid(b.p, b.n, NULL));
    buf_reset(&b);
    buf_printf(&b, "%j", "a\x7f\xc2\x85" "b\xc2\xa0đ");
    assert_string_equal(buf_str(&b), "\"a\\u007f\\u0085b\xc2\xa0đ\"");
    buf_reset(&b);
    buf_printf(&b, "%.*j", 3, "ab\xff\xfe");
    assert_string_equal(buf_str(&b), "\"ab\xEF\xBF\xBD\"");
    buf_reset(&b);
    log_kv(&b, "path", "/x/\xff\r\n=1");
    log_kv(&b, "user", "plain");
    log_kv(&b, "who", "Nguyễn");
    assert_string_equal(buf_str(&b), " path=\"/x/\xEF\xBF\xBD\\r\\n=1\" user=plain who=\"Nguyễn\"");
    buf_free(&b);
}

static void test_growth(void **state) {
    Buf b = BUF_INIT;
    for (int i = 0; i < 10000; i++) buf_printf(&b, "%d,", i % 10);
    assert_int_equal(b.n, 20000);
    char *p = buf_take(&b);
    assert_int_equal(strlen(p), 20000);
    assert_null(b.p);
    free(p);
}

static void test_arena(void **state) {
    Arena a = {0};
    char *s = arena_printf(&a, "%s-%d", "x", 42);
    assert_string_equal(s, "x-42");
    char *big = arena_alloc(&a, 100000);
    memset(big, 1, 100000);
    char *t = arena_strdup(&a, "after big");
    assert_string_equal(t, "after big");
    assert_string_equal(s, "x-42");
    arena_free(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_contexts),
        cmocka_unit_test(test_json_invalid_utf8),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
