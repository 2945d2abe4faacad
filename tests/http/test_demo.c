/*
** test_demo.c: `ocop demo` loads the procedure as well as the registry (demo.c): a dossier in
** each state before the council scores (and one overdue with the commune), the province's round with the demo council and a dossier
** in it, all made through the domain as the system actor. The demo is loaded on the real day,
** then on its reference day (--date), which the harness's other servers use.
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

static Server T, F;

static int setup(void **state) {
    (void)state;
    srv_prepare(&T, false);
    const char *d[] = {"demo", "--db", T.db, "--quiet", NULL};
    char *err = NULL;
    if (run_ocop(d, NULL, &err) != 0) fail_msg("demo: %s", err);
    free(err);
    srv_start(&T);
    srv_as_admin(&T);
    srv_prepare(&F, true);
    srv_start(&F);
    srv_as_admin(&F);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&T);
    srv_cleanup(&T);
    srv_stop(&F);
    srv_cleanup(&F);
    return 0;
}

/* The number of dossiers of s in state. */
static long long in_state(Server *s, const char *state) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers?state=%s", state);
    Resp r = http_get(s, path);
    expect_status(&r, 200, NULL);
    long long n = json_integer_value(json_object_get(r.json, "total"));
    resp_free(&r);
    return n;
}

static void states_on(Server *s) {
    static const char *const states[] = {"draft", "submitted", "with_commune", "returned", "forwarded", "checked",
                                         "in_round"};
    for (size_t i = 0; i < sizeof states / sizeof *states; i++) {
        /* Two with the commune: one within its 15 working days, one past them. */
        long long want = strcmp(states[i], "with_commune") == 0 ? 2 : 1;
        if (in_state(s, states[i]) != want) fail_msg("not %lld demo dossier(s) in state %s", want, states[i]);
    }
    Resp o = http_get(s, "/api/v1/dossiers?overdue=true");
    expect_status(&o, 200, NULL);
    assert_int_equal(json_integer_value(json_object_get(o.json, "total")), 1);
    json_t *late = json_array_get(json_object_get(o.json, "items"), 0);
    assert_true(json_is_true(json_object_get(late, "overdue")));
    assert_true(json_integer_value(json_object_get(late, "commune_working_days_left")) < 0);
    resp_free(&o);
    /* The one in a round is in the province's open round of the demo council. */
    Resp r = http_get(s, "/api/v1/dossiers?state=in_round");
    long long round = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "round_id"));
    resp_free(&r);
    assert_true(round > 0);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", round);
    r = http_get(s, path);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(r.json, "state")), "open");
    assert_string_equal(json_string_value(json_object_get(r.json, "province_code")), "86");
    assert_true(json_integer_value(json_object_get(r.json, "council_id")) > 0);
    resp_free(&r);
    /* The commune's dossiers carry its deadline; the returned one its reason. */
    r = http_get(s, "/api/v1/dossiers?state=with_commune");
    json_t *d = json_array_get(json_object_get(r.json, "items"), 0);
    assert_non_null(json_string_value(json_object_get(d, "commune_due")));
    assert_string_equal(json_string_value(json_object_get(d, "commune_code")), "28903");
    resp_free(&r);
}

static void test_states_today(void **state) {
    (void)state;
    states_on(&T);
}

static void test_states_reference_day(void **state) {
    (void)state;
    states_on(&F);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states_today),
        cmocka_unit_test(test_states_reference_day),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
