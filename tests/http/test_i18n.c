/*
** test_i18n.c: an error is told in the caller's language with the same stable code: the API in
** English unless Accept-Language (or ?lang=) asks for Vietnamese; the command line in the
** language of its environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static Server S;

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, false);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

static void expect_problem(Resp *r, long status, const char *code, const char *field, const char *detail) {
    expect_status(r, status, field);
    assert_non_null(r->json);
    assert_string_equal(json_string_value(json_object_get(r->json, "code")), code);
    if (strcmp(json_string_value(json_object_get(r->json, "detail")), detail) != 0)
        fprintf(stderr, "detail: %s\nwanted: %s\n", json_string_value(json_object_get(r->json, "detail")), detail);
    assert_string_equal(json_string_value(json_object_get(r->json, "detail")), detail);
    resp_free(r);
}

static void test_api_error(void **state) {
    (void)state;
    const char *path = "/api/v1/products?per_page=0";
    Resp r = http_get(&S, path);
    expect_problem(&r, 400, "bad_request", "per_page", "per_page must be a whole number from 1 to 500");
    const char *vi[] = {"Accept-Language: vi-VN,vi;q=0.9,en;q=0.5", NULL};
    r = http_req_h(&S, vi, "GET", path, NULL, NULL, 0);
    expect_problem(&r, 400, "bad_request", "per_page", "per_page phải là số nguyên từ 1 đến 500");
    const char *en_first[] = {"Accept-Language: en-GB, vi;q=0.8", NULL};
    r = http_req_h(&S, en_first, "GET", path, NULL, NULL, 0);
    expect_problem(&r, 400, "bad_request", "per_page", "per_page must be a whole number from 1 to 500");
    /* ?lang= wins over the header */
    r = http_req_h(&S, vi, "GET", "/api/v1/products?per_page=0&lang=en", NULL, NULL, 0);
    expect_problem(&r, 400, "bad_request", "per_page", "per_page must be a whole number from 1 to 500");
    r = http_get(&S, "/api/v1/products?per_page=0&lang=vi");
    expect_problem(&r, 400, "bad_request", "per_page", "per_page phải là số nguyên từ 1 đến 500");
    /* a message with a value in it, and a 404 */
    r = http_req_h(&S, vi, "GET", "/api/v1/products/999999", NULL, NULL, 0);
    expect_status(&r, 404, "id");
    assert_string_equal(json_string_value(json_object_get(r.json, "code")), "not_found");
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "999999"));
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "không có"));
    resp_free(&r);
}

/* A new administrator username and its "Authorization: Bearer" header line, into out[n]. */
static void admin_bearer(const char *username, char *out, size_t n) {
    srv_user(&S, username, (const char *const[]){"admin", NULL});
    char *token = srv_token(&S, username, "write");
    snprintf(out, n, "Authorization: Bearer %s", token);
    free(token);
}

/* A record's field-by-field check (entity.c) is told in Vietnamese too; the errors[] list keeps
** each field's reason. */
static void test_record_check(void **state) {
    (void)state;
    char auth[300];
    admin_bearer("i18n_admin", auth, sizeof auth);
    const char *vi[] = {auth, "Accept-Language: vi", NULL}, *en[] = {auth, NULL};
    const char *body = "{\"colour\": \"red\", \"name\": \"Hợp tác xã A\"}";
    Resp r = http_req_h(&S, en, "POST", "/api/v1/producers", "application/json", body, strlen(body));
    expect_problem(&r, 422, "invalid_field", "colour", "colour is not a field of this record");
    r = http_req_h(&S, vi, "POST", "/api/v1/producers", "application/json", body, strlen(body));
    expect_status(&r, 422, "colour");
    assert_string_equal(json_string_value(json_object_get(r.json, "detail")), "bản ghi này không có trường colour");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "errors"), 0), "reason")),
                        "is not a field of this record");
    resp_free(&r);
}

/* An import's problems: reason in English (stable for programs), text in the request's language. */
static void test_import_text(void **state) {
    (void)state;
    char auth[300];
    admin_bearer("i18n_imp", auth, sizeof auth);
    const char *vi[] = {auth, "Accept-Language: vi", NULL}, *en[] = {auth, "Accept-Language: en", NULL};
    const char *csv = "name,commune_code,households\n,28903,-5\n";
    for (int k = 0; k < 2; k++) {
        Resp r = http_req_h(&S, k ? en : vi, "POST", "/api/v1/import/villages?dry_run=true", "text/csv", csv, strlen(csv));
        expect_status(&r, 422, "file");
        json_t *errs = json_object_get(r.json, "errors");
        assert_int_equal(json_array_size(errs), 2);
        json_t *p0 = json_array_get(errs, 0), *p1 = json_array_get(errs, 1);
        assert_string_equal(json_string_value(json_object_get(p0, "reason")), "must be between 0 and 1000000");
        assert_string_equal(json_string_value(json_object_get(p0, "text")),
                            k ? "households must be between 0 and 1000000" : "Số hộ phải trong khoảng từ 0 đến 1000000");
        assert_string_equal(json_string_value(json_object_get(p1, "reason")), "is required");
        assert_string_equal(json_string_value(json_object_get(p1, "text")), k ? "name is required" : "cần nhập tên làng nghề");
        resp_free(&r);
    }
}

static void cli_in(const char *var, const char *value, const char *want) {
    char db[400];
    snprintf(db, sizeof db, "%s/none.db", S.dir);
    const char *args[] = {"audit", "verify", "--db", db, NULL};
    if (var) setenv(var, value, 1);
    char *out = NULL, *err = NULL;
    int rc = run_ocop(args, &out, &err);
    if (var) setenv(var, "", 1);
    assert_int_equal(rc, 1);
    if (!strstr(err, want)) fprintf(stderr, "stderr: %s\nwanted: %s\n", err, want);
    assert_non_null(strstr(err, want));
    free(out);
    free(err);
}

static void test_cli_language(void **state) {
    (void)state;
    /* tests/meson.build runs everything with LC_ALL=C.UTF-8: English */
    cli_in(NULL, NULL, "ocop: no database at ");
    cli_in("LC_ALL", "vi_VN.UTF-8", "ocop: không có cơ sở dữ liệu tại ");
    cli_in("LC_ALL", "en_US.UTF-8", "ocop: no database at ");
    unsetenv("LC_ALL");
    cli_in("LANG", "vi_VN.UTF-8", "ocop: không có cơ sở dữ liệu tại ");
    cli_in("LANG", "fr_FR.UTF-8", "ocop: no database at ");
    setenv("LANG", "en_US.UTF-8", 1);
    cli_in("LC_MESSAGES", "vi_VN", "ocop: không có cơ sở dữ liệu tại ");
    cli_in("LANGUAGE", "vi:en", "ocop: không có cơ sở dữ liệu tại ");
    setenv("LC_ALL", "C.UTF-8", 1);
    cli_in("LANGUAGE", "vi", "ocop: no database at "); /* the C locale ignores LANGUAGE, as gettext does */
}

/* An import's file problem: FILE:ROW:COL: and the message in the CLI's language. */
static void test_cli_import_place(void **state) {
    (void)state;
    const char *bad = "name,commune_code\nA,\"x\"y\n";
    const char *path = write_file(S.dir, "bad.csv", bad, strlen(bad));
    char file[400];
    snprintf(file, sizeof file, "%s", path);
    const char *args[] = {"import", "producers", file, "--db", S.db, NULL};
    char *err = NULL;
    setenv("LC_ALL", "vi_VN.UTF-8", 1);
    assert_int_equal(run_ocop(args, NULL, &err), 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    char want[512];
    snprintf(want, sizeof want, "%s:2:2: có văn bản sau dấu ngoặc kép đóng của một trường", file);
    if (!strstr(err, want)) fprintf(stderr, "stderr: %s\nwanted: %s\n", err, want);
    assert_non_null(strstr(err, want));
    free(err);
    assert_int_equal(run_ocop(args, NULL, &err), 1);
    snprintf(want, sizeof want, "%s:2:2: unexpected text after the closing quote of a quoted field", file);
    assert_non_null(strstr(err, want));
    free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_error),
        cmocka_unit_test(test_record_check), cmocka_unit_test(test_import_text),
        cmocka_unit_test(test_cli_language),
        cmocka_unit_test(test_cli_import_place),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
