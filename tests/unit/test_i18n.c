/*
** test_i18n.c: the catalogues as the binary embeds them (tr), languages from a code and from
** Accept-Language, dates and numbers in each language, and errors told again in Vietnamese
** (err_text) with their arguments in order, by position and when they are too long to keep.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entity.h"
#include "err.h"
#include "i18n.h"
#include "table.h"
#include "tablew.h"

static void test_tr(void **state) {
    (void)state;
    assert_string_equal(tr(LANG_VI, "Products"), "Sản phẩm");
    assert_string_equal(tr(LANG_EN, "Products"), "Products");
    assert_string_equal(tr(LANG_VI, "wrong username or password"), "sai tên đăng nhập hoặc mật khẩu");
    /* a message no catalogue holds says itself, in both languages */
    const char *unknown = "no catalogue has this message";
    assert_ptr_equal(tr(LANG_VI, unknown), unknown);
    assert_ptr_equal(tr(LANG_EN, unknown), unknown);
    assert_string_equal(tr(LANG_VI, ""), "");
    assert_string_equal(tr(LANG_VI, NULL), "");
    assert_string_equal(tr((Lang)7, "Products"), "Products");
}

static void test_lang_parse(void **state) {
    (void)state;
    assert_int_equal(lang_parse("vi"), LANG_VI);
    assert_int_equal(lang_parse("VI-vn"), LANG_VI);
    assert_int_equal(lang_parse("en_GB"), LANG_EN);
    assert_int_equal(lang_parse("en"), LANG_EN);
    assert_int_equal(lang_parse("eng"), -1);
    assert_int_equal(lang_parse("fr"), -1);
    assert_int_equal(lang_parse(""), -1);
    assert_int_equal(lang_parse(NULL), -1);
    assert_string_equal(lang_code(LANG_EN), "en");
    assert_string_equal(lang_code(LANG_VI), "vi");
}

static void test_lang_accept(void **state) {
    (void)state;
    assert_int_equal(lang_accept(NULL, LANG_VI), LANG_VI);
    assert_int_equal(lang_accept("", LANG_EN), LANG_EN);
    assert_int_equal(lang_accept("vi", LANG_EN), LANG_VI);
    assert_int_equal(lang_accept("fr-FR, de", LANG_EN), LANG_EN);
    assert_int_equal(lang_accept("fr-FR, de", LANG_VI), LANG_VI);
    /* the highest q wins, whatever the order */
    assert_int_equal(lang_accept("en;q=0.5, vi;q=0.9", LANG_EN), LANG_VI);
    assert_int_equal(lang_accept("vi;q=0.4,en-GB;q=0.8,*;q=0.1", LANG_VI), LANG_EN);
    assert_int_equal(lang_accept("en-US,en;q=0.9,vi;q=0.8", LANG_VI), LANG_EN);
    /* q=0 is "not this one"; a tie goes to the first */
    assert_int_equal(lang_accept("vi;q=0, fr", LANG_EN), LANG_EN);
    assert_int_equal(lang_accept("en;q=0.7, vi;Q=0.7", LANG_VI), LANG_EN);
}

static void test_numbers(void **state) {
    (void)state;
    char b[48];
    assert_string_equal(lang_int(LANG_VI, 1234567, b, sizeof b), "1.234.567");
    assert_string_equal(lang_int(LANG_EN, 1234567, b, sizeof b), "1,234,567");
    assert_string_equal(lang_int(LANG_VI, -1234, b, sizeof b), "-1.234");
    assert_string_equal(lang_int(LANG_EN, 999, b, sizeof b), "999");
    assert_string_equal(lang_int(LANG_VI, 0, b, sizeof b), "0");
    assert_string_equal(lang_int(LANG_EN, INT64_MIN, b, sizeof b), "-9,223,372,036,854,775,808");
    assert_string_equal(lang_num(LANG_VI, 1234.5, 1, b, sizeof b), "1.234,5");
    assert_string_equal(lang_num(LANG_EN, 1234.5, 1, b, sizeof b), "1,234.5");
    assert_string_equal(lang_num(LANG_VI, -1234.56, 1, b, sizeof b), "-1.234,6");
    assert_string_equal(lang_num(LANG_EN, 2.345, 2, b, sizeof b), "2.35");
    assert_string_equal(lang_num(LANG_VI, 0.96, 1, b, sizeof b), "1,0");
    assert_string_equal(lang_num(LANG_EN, 99.96, 0, b, sizeof b), "100");
    /* what rounds to zero has no sign */
    assert_string_equal(lang_num(LANG_VI, -0.04, 1, b, sizeof b), "0,0");
    assert_string_equal(lang_num(LANG_EN, 1.0 / 0.0, 1, b, sizeof b), "-");
    /* a buffer too small is cut, never overrun */
    char small[4];
    assert_string_equal(lang_int(LANG_VI, 1234567, small, sizeof small), "1.2");
}

static void test_date(void **state) {
    (void)state;
    char d[11];
    assert_string_equal(lang_date("2026-11-23", d), "23/11/2026");
    assert_string_equal(lang_date("2026-01-05T08:00:00Z", d), "05/01/2026");
    assert_string_equal(lang_date("2026-1-5", d), "");
    assert_string_equal(lang_date(NULL, d), "");
}

static void test_err_text(void **state) {
    (void)state;
    char out[512];
    Err e = ERR_INIT;
    /* in order */
    err_set(&e, 422, "name", "%s is required", "name");
    assert_string_equal(e.detail, "name is required");
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "cần nhập name");
    assert_string_equal(err_text(&e, LANG_EN, out, sizeof out), "name is required");
    /* by position: the Vietnamese names the set before the version */
    err_set(&e, 422, "product_id", "%s has no product set %d", "26-2026", 31);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "không có bộ sản phẩm 31 trong 26-2026");
    assert_string_equal(err_text(&e, LANG_EN, out, sizeof out), "26-2026 has no product set 31");
    /* %% and numbers of each length; %.40s keeps its precision */
    err_set(&e, 400, "from", "%s must be a date YYYY-MM-DD or a UTC timestamp YYYY-MM-DDTHH:MM:SSZ, got '%.40s'", "from",
            "0123456789012345678901234567890123456789xyz");
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out),
                        "from phải là ngày dạng YYYY-MM-DD hoặc thời điểm UTC dạng YYYY-MM-DDTHH:MM:SSZ; nhận được "
                        "'0123456789012345678901234567890123456789'");
    err_set(&e, 422, "verify_url", "%s must be plain ASCII without spaces (percent-encode the rest)", "verify_url");
    assert_non_null(strstr(err_text(&e, LANG_VI, out, sizeof out), "%XX"));
    err_set(&e, 422, "", "the image is %lld × %lld pixels; at most %lld megapixels are taken", 9000LL, 9000LL, 64LL);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out),
                        "ảnh có kích thước 9000 × 9000 điểm ảnh; chỉ nhận tối đa 64 megapixel");
    err_set(&e, 422, "", "score %.2f gives at most %d stars, not %lld (%lld★ needs %.0f points, %s)", 69.5, 3, 4LL, 4LL,
            70.0, "QĐ 26/2026");
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out),
                        "69.50 điểm chỉ đạt tối đa 3 sao, không phải 4 (4★ cần 70 điểm, QĐ 26/2026)");
    /* an argument too long to keep: the English detail stands, whole as far as it goes */
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    err_set(&e, 422, "name", "%s is required", big);
    assert_null(e.key);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), e.detail);
    assert_non_null(strstr(out, " is required"));
    /* arguments that together overflow what is kept */
    char mid[200];
    memset(mid, 'y', sizeof mid - 1);
    mid[sizeof mid - 1] = 0;
    err_set(&e, 500, "", "cannot rename %s to %s: %s", mid, mid, "EACCES");
    assert_null(e.key);
    assert_non_null(strstr(err_text(&e, LANG_VI, out, sizeof out), "cannot rename"));
    /* a small buffer is cut, never overrun nor in the middle of a letter */
    err_set(&e, 422, "name", "%s is required", "name");
    char small[7];
    assert_string_equal(err_text(&e, LANG_VI, small, sizeof small), "cần ");
    assert_string_equal(err_text(&e, LANG_VI, small, 4), "c");
    /* a message no catalogue holds: as formatted */
    err_set(&e, 409, "", "an untranslated %s", "thing");
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "an untranslated thing");
    /* detail written directly: told as it is; none: the status's title */
    err_clear(&e);
    e.status = 404;
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "Not Found");
    err_clear(&e);
}

/* A problem at a place in a spreadsheet (table.c): the place and the message, each translated. */
static void test_err_place(void **state) {
    (void)state;
    char out[512];
    Err e = ERR_INIT;
    const char *bad = "a,b\nc,d\"e\n";
    assert_null(table_parse(bad, strlen(bad), TABLE_CSV, NULL, &e));
    assert_int_equal(e.row, 2);
    assert_int_equal(e.col, 2);
    assert_string_equal(e.col_name, "B");
    assert_non_null(strstr(e.detail, "row 2, column 2 (B): stray quote in an unquoted field"));
    assert_string_equal(err_text(&e, LANG_EN, out, sizeof out), e.detail);
    err_text(&e, LANG_VI, out, sizeof out);
    if (strncmp(out, "dòng 2, cột 2 (B): có dấu ngoặc kép lạc", strlen("dòng 2, cột 2 (B): có dấu ngoặc kép lạc")) != 0)
        fail_msg("%s", out);
    err_clear(&e);
    /* the next message has no place */
    err_set(&e, 422, "name", "%s is required", "name");
    assert_int_equal(e.row, 0);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "cần nhập name");
    /* a place without a column */
    e.row = 7;
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "dòng 7: cần nhập name");
    err_clear(&e);
}

/* A registered word passed by its pointer is translated with the message; the same text from
** elsewhere (a request) is not. */
static void test_err_word(void **state) {
    (void)state;
    static const char product[] = "product";
    err_word(product);
    char typed[16], out[256];
    snprintf(typed, sizeof typed, "%s", "product");
    Err e = ERR_INIT;
    err_set(&e, 404, "id", "no %s with id %lld", product, 5LL);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "không có sản phẩm nào có mã số 5");
    assert_string_equal(err_text(&e, LANG_EN, out, sizeof out), "no product with id 5");
    err_set(&e, 404, "id", "no %s with id %lld", typed, 5LL);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "không có product nào có mã số 5");
    /* the entities' names are registered at start-up */
    err_set(&e, 404, "id", "no %s with id %lld", ENTITY_POINTS.singular, 7LL);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "không có điểm bán nào có mã số 7");
}

/* A field's name in a message (an argument whose text is the Err's field) is said by its label
** in Vietnamese (Err.field_vi), lower-case within a sentence; in English the name stands (the
** API's field names). entity_check labels its problems itself. */
static void test_err_field_label(void **state) {
    (void)state;
    static const char number[] = "number";
    char typed[16], out[256];
    snprintf(typed, sizeof typed, "%s", number);
    Err e = ERR_INIT;
    err_set(&e, 422, number, "%s must be between %lld and %lld", number, 1LL, 12LL);
    e.field_vi = "Số thứ tự đợt";
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "Số thứ tự đợt phải trong khoảng từ 1 đến 12");
    assert_string_equal(err_text(&e, LANG_EN, out, sizeof out), "number must be between 1 and 12");
    err_set(&e, 422, number, "%s is required", number);
    assert_null(e.field_vi); /* err_set forgets the last message's label */
    e.field_vi = "Đợt đánh giá";
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "cần nhập đợt đánh giá");
    err_set(&e, 422, number, "%s is required", typed); /* the same text: the same field */
    e.field_vi = "Số thứ tự đợt";
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "cần nhập số thứ tự đợt");
    err_set(&e, 422, number, "%s is required", "round"); /* another word stands */
    e.field_vi = "Số thứ tự đợt";
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "cần nhập round");
    /* entity_check: each problem is labelled by its field */
    json_t *obj = json_pack("{s:s, s:i}", "commune_code", "28903", "households", -5);
    assert_int_equal(entity_check(&ENTITY_VILLAGES, obj, true, false, &e), -1);
    assert_string_equal(err_text(&e, LANG_VI, out, sizeof out), "Số hộ phải trong khoảng từ 0 đến 1000000");
    json_decref(obj);
    err_clear(&e);
}

/* An export that cannot be written says why in the reader's language too (tablew.c). */
static void test_export_error(void **state) {
    (void)state;
    TableWriter *w = tablew_new(TABLE_XLSX, "t");
    char *big = malloc(40000);
    memset(big, 'a', 39999);
    big[39999] = 0;
    const char *cells[] = {big};
    tablew_row(w, cells, 1);
    char *out = NULL;
    size_t n = 0;
    Err e = ERR_INIT;
    assert_int_not_equal(tablew_finish(w, &out, &n, &e), 0);
    char text[256];
    assert_int_equal(e.status, 422);
    assert_string_equal(err_text(&e, LANG_VI, text, sizeof text),
                        "dòng 1, cột A: một ô XLSX không chứa được văn bản dài quá 32767 ký tự");
    assert_string_equal(err_text(&e, LANG_EN, text, sizeof text),
                        "row 1, column A: text longer than 32767 characters does not fit in an XLSX cell");
    free(out);
    free(big);
    err_clear(&e);
}

static void test_err_code(void **state) {
    (void)state;
    Err e = ERR_INIT;
    err_set(&e, 422, "name", "%s is required", "name");
    assert_string_equal(err_code(&e), "invalid_field");
    err_set(&e, 422, NULL, "the body must be a JSON object");
    assert_string_equal(err_code(&e), "invalid");
    err_set(&e, 404, NULL, "no user %lld", 3LL);
    assert_string_equal(err_code(&e), "not_found");
    err_set(&e, 409, NULL, "the round holds dossiers");
    assert_string_equal(err_code(&e), "conflict");
    err_set(&e, 403, NULL, "only administrators create tokens for other users");
    assert_string_equal(err_code(&e), "forbidden");
    err_set(&e, 500, NULL, "database error: %s", "x");
    assert_string_equal(err_code(&e), "internal");
    err_clear(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tr),       cmocka_unit_test(test_lang_parse), cmocka_unit_test(test_lang_accept),
        cmocka_unit_test(test_numbers),  cmocka_unit_test(test_date),       cmocka_unit_test(test_err_text),
        cmocka_unit_test(test_err_word),        cmocka_unit_test(test_err_field_label),
        cmocka_unit_test(test_export_error),
        cmocka_unit_test(test_err_code),        cmocka_unit_test(test_err_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
