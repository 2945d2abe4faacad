/*
** test_text.c: Unicode text handling (text.c): UTF-8 validation, NFC, the search fold, the
** duplicate key with Vietnamese tone placement, cleaning, trimming and highlighting.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "text.h"

/* text_fold of s as a fresh string (freed by the caller). */
static char *fold(const char *s) {
    Buf b = BUF_INIT;
    text_fold(&b, s, strlen(s));
    return buf_take(&b);
}

#define assert_fold(in, want)                 \
    do {                                      \
        char *got_ = fold(in);                \
        assert_string_equal(got_, (want));    \
        free(got_);                           \
    } while (0)

#define assert_key(in, want)                          \
    do {                                              \
        char *got_ = text_key((in), strlen(in));      \
        assert_non_null(got_);                        \
        assert_string_equal(got_, (want));            \
        free(got_);                                   \
    } while (0)

static void test_utf8_valid(void **state) {
    size_t bad = 99;
    assert_true(text_utf8_valid("", 0, &bad));
    assert_true(text_utf8_valid("Nước mắm 🍵", strlen("Nước mắm 🍵"), &bad));
    assert_int_equal(bad, 99); /* untouched when valid */
    assert_true(text_utf8_valid("a\0b", 3, NULL)); /* NUL is valid UTF-8 */
    assert_false(text_utf8_valid("ab\xC3", 3, &bad)); /* truncated */
    assert_int_equal(bad, 2);
    assert_false(text_utf8_valid("\xC0\x80", 2, &bad)); /* overlong NUL */
    assert_int_equal(bad, 0);
    assert_false(text_utf8_valid("x\xE0\x80\xAF", 4, &bad)); /* overlong '/' */
    assert_int_equal(bad, 1);
    assert_false(text_utf8_valid("\xED\xA0\x80", 3, &bad)); /* surrogate U+D800 */
    assert_false(text_utf8_valid("\xF4\x90\x80\x80", 4, &bad)); /* above U+10FFFF */
    assert_false(text_utf8_valid("abc\x80", 4, &bad)); /* stray continuation */
    assert_int_equal(bad, 3);
    assert_true(text_utf8_valid("\xF4\x8F\xBF\xBF", 4, NULL)); /* U+10FFFF itself */
    assert_int_equal(text_chars("Nước", strlen("Nước")), 4);
    assert_int_equal(text_chars("a\xFF" "b", 3), 3); /* an invalid byte counts as one */
}

static void test_nfc(void **state) {
    /* "Nước" decomposed: u + horn, o + horn + acute */
    const char *nfd = "Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c";
    char *s = text_nfc(nfd, strlen(nfd));
    assert_string_equal(s, "Nước");
    free(s);
    s = text_nfc("plain ASCII", 11);
    assert_string_equal(s, "plain ASCII");
    free(s);
    /* Stored text keeps its spelling: old-style tone placement is not changed by NFC. */
    s = text_nfc("Hoà Bình", strlen("Hoà Bình"));
    assert_string_equal(s, "Hoà Bình");
    free(s);
    assert_null(text_nfc("ab\xFF", 3));
    assert_null(text_nfc("a\0b", 3));
    s = text_nfc("", 0);
    assert_string_equal(s, "");
    free(s);
}

static void test_fold(void **state) {
    assert_fold("Nước mắm Làng Xưa!", "nuoc mam lang xua");
    assert_fold("Đặc sản", "dac san");
    assert_fold("ĐẶC SẢN", "dac san");
    assert_fold("Bánh đậu xanh", "banh dau xanh");
    assert_fold("Ư ư Ơ ơ ƯỚC ƠI", "u u o o uoc oi");
    /* tone marks alone do not make words differ */
    assert_fold("ma má mà mả mã mạ", "ma ma ma ma ma ma");
    /* emoji, punctuation and runs of separators become single spaces, trimmed */
    assert_fold("  Trà 🍵 xanh — “ngon”!!! ", "tra xanh ngon");
    assert_fold("--a,,b..c--", "a b c");
    assert_fold("40 độ đạm (500ml)", "40 do dam 500ml");
    assert_fold("", "");
    assert_fold("!!! 🍵 ...", "");
    /* NFD input folds like NFC */
    assert_fold("Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c ma\xCC\x86\xCC\x81m", "nuoc mam");
    /* invisible characters inside a word do not split it */
    assert_fold("Nư\xC2\xADớc m\xE2\x80\x8B" "ắm", "nuoc mam"); /* soft hyphen, ZWSP */
    /* NBSP and other Unicode spaces separate */
    assert_fold("Bến\xC2\xA0Tre\xE3\x80\x80" "Cà Mau", "ben tre ca mau");
    /* Ð (U+00D0, Icelandic eth) is typed for Đ; other Latin letters lose their marks */
    assert_fold("ÐẮK LẮK", "dak lak");
    assert_fold("Crème Brûlée Ærø straße", "creme brulee ærø strasse"); /* æ, ø: no decomposition */
    /* full-width forms unfold; other scripts stay letters, lower-cased */
    assert_fold("ＡＢＣ１２", "abc12");
    assert_fold("Привет Ελλάδα 中文", "привет ελλαδα 中文");
    /* invalid UTF-8 bytes separate words like punctuation */
    assert_fold("ab\xFF" "cd", "ab cd");
    assert_fold("\xC3", "");
    assert_fold("x\xE1\xBB", "x");
    /* text_fold appends to what the buffer holds */
    Buf b = BUF_INIT;
    buf_puts(&b, "[");
    text_fold(&b, " Hà Nội ", 10);
    buf_puts(&b, "]");
    assert_string_equal(buf_str(&b), "[ha noi]");
    buf_free(&b);
    /* only n bytes are read */
    b = (Buf)BUF_INIT;
    text_fold(&b, "Trà xanh", 4);
    assert_string_equal(buf_str(&b), "tra");
    buf_free(&b);
}

static void test_key(void **state) {
    /* old and new tone placement give the same key, the one the statistics office uses */
    assert_key("Hoà Bình", "hòa bình");
    assert_key("Hòa Bình", "hòa bình");
    assert_key("Thuỷ Nguyên", "thủy nguyên");
    assert_key("Khoẻ", "khỏe");
    assert_key("HOẠ SĨ", "họa sĩ");
    assert_key("xoè", "xòe");
    assert_key("Nguỵ", "ngụy");
    /* not after qu, where u is part of the consonant; not before a final consonant */
    assert_key("Quý", "quý");
    assert_key("quỳ", "quỳ");
    assert_key("Hoàn Kiếm", "hoàn kiếm");
    assert_key("Thuyền", "thuyền");
    /* diacritics are kept: these are different words */
    char *a = text_key("Mắm", strlen("Mắm")), *b = text_key("Mâm", strlen("Mâm"));
    assert_string_not_equal(a, b);
    assert_string_equal(a, "mắm");
    free(a);
    free(b);
    /* whitespace (NBSP, tabs) collapsed and trimmed; invisible characters dropped */
    assert_key("  Nước\xC2\xA0\t mắm \n", "nước mắm");
    assert_key("Nư\xE2\x80\x8B" "ớc", "nước");
    /* apostrophes unified */
    assert_key("K’Ho Đắk Lắk", "k'ho đắk lắk");
    assert_key("K`Ho", "k'ho");
    /* NFD input gives the NFC key */
    assert_key("Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c", "nước");
    /* a dropped zero-width space does not keep a letter from its mark: NFC comes after */
    assert_key("a\xE2\x80\x8B\xCC\x81", "á");
    assert_key("\xE1\xBF\xBD", "'"); /* U+1FFD is U+00B4 in NFC: an apostrophe */
    assert_null(text_key("ab\xFF", 3));
    assert_key("", "");
}

static void test_clean_trim(void **state) {
    const char *in = "\xC2\xA0 Nước  mắm \xE2\x80\x8B\r\n\r\n\r\n ngon\tlắm \xE3\x80\x80";
    char *s = text_clean(in, strlen(in));
    assert_string_equal(s, "Nước mắm\n\nngon lắm");
    free(s);
    s = text_clean_line(in, strlen(in));
    assert_string_equal(s, "Nước mắm ngon lắm");
    free(s);
    const char *nfd = "Nu\xCC\x9Bo\xCC\x9B\xCC\x81" "c";
    s = text_clean(nfd, strlen(nfd));
    assert_string_equal(s, "Nước");
    free(s);
    s = text_clean(" \t\xC2\xA0 ", 5);
    assert_string_equal(s, "");
    free(s);
    s = text_clean("a\xE2\x80\x8B\xCC\x81", 6);
    assert_string_equal(s, "á");
    free(s);
    assert_null(text_clean("a\xFF", 2));
    assert_null(text_clean_line("a\xC3", 2));

    const char *padded = "\xC2\xA0\xE2\x80\x8B  Bến  Tre\t\xE3\x80\x80\xEF\xBB\xBF";
    s = text_trim(padded, strlen(padded));
    assert_string_equal(s, "Bến  Tre"); /* the inside is kept as is */
    free(s);
    s = text_trim(" \n ", 3);
    assert_string_equal(s, "");
    free(s);
    s = text_trim(" a\xFF ", 4); /* invalid bytes are not whitespace: kept */
    assert_string_equal(s, "a\xFF");
    free(s);
}

static void test_highlight(void **state) {
    Buf b = BUF_INIT;
    text_highlight(&b, "Bánh đậu xanh", "dau xanh");
    assert_string_equal(buf_str(&b), "Bánh <mark>đậu</mark> <mark>xanh</mark>");
    buf_reset(&b);
    /* HTML in the text is escaped; the markup's own letters are words too */
    text_highlight(&b, "<b>Đặc sản</b>", "dac san");
    assert_string_equal(buf_str(&b), "&lt;b&gt;<mark>Đặc</mark> <mark>sản</mark>&lt;/b&gt;");
    buf_reset(&b);
    text_highlight(&b, "<b>x</b>", "B");
    assert_string_equal(buf_str(&b), "&lt;<mark>b</mark>&gt;x&lt;/<mark>b</mark>&gt;");
    buf_reset(&b);
    /* query words are prefixes; text words must start with them */
    text_highlight(&b, "Nước mắm Làng Xưa", "NUO xua");
    assert_string_equal(buf_str(&b), "<mark>Nước</mark> mắm Làng <mark>Xưa</mark>");
    buf_reset(&b);
    text_highlight(&b, "Mật ong", "mat ongx");
    assert_string_equal(buf_str(&b), "<mark>Mật</mark> ong");
    buf_reset(&b);
    text_highlight(&b, "Cơ sở \"Ba Lành\" & con", "ba");
    assert_string_equal(buf_str(&b), "Cơ sở &quot;<mark>Ba</mark> Lành&quot; &amp; con");
    buf_reset(&b);
    /* nothing to mark */
    text_highlight(&b, "a < b", NULL);
    assert_string_equal(buf_str(&b), "a &lt; b");
    buf_reset(&b);
    text_highlight(&b, "a < b", "!!!");
    assert_string_equal(buf_str(&b), "a &lt; b");
    buf_reset(&b);
    /* invalid bytes become U+FFFD so the page stays valid UTF-8 */
    text_highlight(&b, "tr\xFF" "a", "a");
    assert_string_equal(buf_str(&b), "tr\xEF\xBF\xBD<mark>a</mark>");
    buf_reset(&b);
    /* a decomposed word is marked whole, marks included */
    text_highlight(&b, "ma\xCC\x86\xCC\x81m!", "mam");
    assert_string_equal(buf_str(&b), "<mark>ma\xCC\x86\xCC\x81m</mark>!");
    buf_free(&b);
}

/* text_nfc skips utf8proc for text made only of characters it knows NFC leaves alone (the
** Latin ranges of Vietnamese, punctuation, ₫): check that claim against utf8proc for every one
** of them, alone and next to ASCII letters, and that decomposed input still gets composed. */
static void test_nfc_fast_path(void **state) {
    static const int ranges[][2] = {{0xA0, 0x24F}, {0x1E00, 0x1EFF}, {0x2010, 0x2027}, {0x2030, 0x205E}, {0x20AB, 0x20AB}};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (int cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
            unsigned char c[8];
            utf8proc_ssize_t n = utf8proc_encode_char(cp, c);
            char in[16];
            snprintf(in, sizeof in, "a%.*sb", (int)n, (const char *)c);
            utf8proc_uint8_t *ref = NULL;
            utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)strlen(in), &ref, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
            char *got = text_nfc(in, strlen(in));
            assert_string_equal(got, (const char *)ref);
            free(got);
            free(ref);
        }
    char *x = text_nfc("Ba\xcc\x81nh", 6); /* a + COMBINING ACUTE: not on the fast path */
    assert_string_equal(x, "B\xc3\xa1nh");
    free(x);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid), cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_fold),       cmocka_unit_test(test_key),
        cmocka_unit_test(test_clean_trim), cmocka_unit_test(test_highlight),
        cmocka_unit_test(test_nfc_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
