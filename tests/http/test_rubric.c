/*
** test_rubric.c: the score sheets and the scoring calculator over HTTP and the command line,
** against the real binary: the example of tests/unit/test_rubric.c (set 1 at its best but
** criterion 1.3: 99 points, band 5, four stars, 1.3 unmet) answered the same by both faces, and
** the refusals as problem documents.
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
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    return 0;
}

/* {"choices": {...}} with the best option of every criterion of the sheet, 1.3 at index 1. */
static char *example_body(json_t *sheet) {
    json_t *choices = json_object();
    size_t i, j, k, m;
    json_t *p, *sec, *c, *o;
    json_array_foreach(json_object_get(sheet, "parts"), i, p) {
        json_array_foreach(json_object_get(p, "sections"), j, sec) {
            json_array_foreach(json_object_get(sec, "criteria"), k, c) {
                int best = 0, bestp = -1;
                json_array_foreach(json_object_get(c, "options"), m, o) {
                    if (json_integer_value(json_object_get(o, "points")) > bestp) {
                        bestp = (int)json_integer_value(json_object_get(o, "points"));
                        best = (int)m;
                    }
                }
                json_object_set_new(choices, json_string_value(json_object_get(c, "code")), json_integer(best));
            }
        }
    }
    json_object_set_new(choices, "1.3", json_integer(1));
    json_t *body = json_pack("{s:o}", "choices", choices);
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return s;
}

static void assert_example(json_t *r) {
    assert_int_equal(jint(r, "parts.A"), 39);
    assert_int_equal(jint(r, "parts.B"), 25);
    assert_int_equal(jint(r, "parts.C"), 35);
    assert_int_equal(jint(r, "total"), 99);
    assert_int_equal(jint(r, "band"), 5);
    assert_int_equal(jint(r, "stars"), 4);
    assert_string_equal(jstr(r, "unmet_minimums.0"), "1.3");
    assert_int_equal(json_array_size(jpath(r, "unmet_minimums")), 1);
    assert_int_equal(jint(r, "minimums.0.needed"), 3);
}

static void test_versions(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/rubrics");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "items.0.version"), "26-2026");
    assert_true(json_is_true(jpath(r.json, "items.0.current")));
    assert_string_equal(jstr(r.json, "items.0.document.number"), "26/2026/QĐ-TTg");
    assert_string_equal(jstr(r.json, "items.1.version"), "148-2023");
    resp_free(&r);
    r = http_get(&S, "/api/v1/rubrics/26-2026");
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(jpath(r.json, "sets")), 26);
    assert_int_equal(jint(r.json, "sets.25.set"), 26);
    assert_int_equal(jint(r.json, "star_bands.0.min"), 90);
    resp_free(&r);
    r = http_get(&S, "/api/v1/rubrics/26-2025");
    assert_int_equal(r.status, 404);
    assert_string_equal(jstr(r.json, "field"), "version");
    resp_free(&r);
}

static void test_sheet_and_evaluate(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/rubrics/26-2026/sets/1");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "name"), "Rau, củ, quả, hạt tươi");
    assert_string_equal(jstr(r.json, "parts.0.sections.0.criteria.0.code"), "1.1");
    assert_int_equal(jint(r.json, "parts.0.sections.0.criteria.2.options.2.min_star"), 5);
    assert_true(json_array_size(jpath(r.json, "knockouts")) >= 1);
    char *body = example_body(r.json);
    resp_free(&r);

    r = http_json(&S, "POST", "/api/v1/rubrics/26-2026/sets/1/evaluate", body);
    assert_int_equal(r.status, 200);
    assert_example(r.json);
    resp_free(&r);

    /* The command line answers the same. */
    const char *path = write_file(S.dir, "sheet.json", body, strlen(body));
    const char *args[] = {"rubric", "evaluate", "26-2026", "1", path, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(run_ocop(args, &out, &err), 0);
    json_t *cli = json_loads(out, 0, NULL);
    assert_non_null(cli);
    assert_example(cli);
    json_decref(cli);
    free(out);
    free(err);
    free(body);
}

static void problem(const char *path, const char *body, long status, const char *field) {
    Resp r = http_json(&S, "POST", path, body);
    if (r.status != status) fprintf(stderr, "%s %s: %ld %s\n", path, body, r.status, r.body);
    assert_int_equal(r.status, status);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/problem+json");
    if (field) assert_string_equal(jstr(r.json, "field"), field);
    resp_free(&r);
}

static void test_refusals(void **state) {
    (void)state;
    const char *p = "/api/v1/rubrics/26-2026/sets/1/evaluate";
    problem(p, "{\"choices\": {\"9.9\": 0}}", 422, "choices.9.9");
    problem(p, "{\"choices\": {\"1.1\": 0, \"1.1\": 1}}", 400, "body"); /* two options for one criterion */
    problem(p, "{\"choices\": {\"1.1\": [0, 1]}}", 422, "choices.1.1");
    problem(p, "{\"choices\": {\"1.1\": 7}}", 422, "choices.1.1");
    problem(p, "{\"choice\": {}}", 422, "choice");
    problem(p, "{\"choices\": {}, \"stopped_at\": \"1.1\"}", 422, "stopped_at");
    problem("/api/v1/rubrics/26-2026/sets/27/evaluate", "{}", 404, "set");
    problem("/api/v1/rubrics/26-2026/sets/11/evaluate", "{\"choices\": {\"6.1\": 1}}", 422, "choices.6.1");
    /* The command line names the file, line and column of bad JSON. */
    const char *path = write_file(S.dir, "bad.json", "{\"choices\": {\n  \"1.1\": }}", 25);
    const char *args[] = {"rubric", "evaluate", "26-2026", "1", path, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(run_ocop(args, &out, &err), 1);
    assert_non_null(strstr(err, "bad.json:2:"));
    free(out);
    free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_sheet_and_evaluate),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
