/*
** test_scoring.c: the council scores a dossier, over HTTP on the demo data. The demo council of
** Vĩnh Long (id 1) gets two more members: hd.tv2, and hd.tv3 who also runs producer 2 in the
** same commune as the dossier's producer (a conflict ocop detects). With the chair and three
** members the quorum is ceil(3/4 x 4) = 3 sheets, the chair's among them.
**
** Worked example (set 7 of QĐ 26/2026, totals chosen by lowering criteria that carry no
** minimum-star marker): first pass 95 / 90 / 80 spreads 15 points (> 10): flagged, the chair
** opens a re-scoring; second pass 92 / 89 / 88: average 269 / 3 = 89.666... = 89.67, band 4
** (70 <= x < 90), four stars.
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
static char *t_admin, *t_chair, *t_member, *t_tv2, *t_tv3, *t_secretary, *t_producer, *t_province;
static json_t *sheet; /* set 7 */
static long long dossier;

static Resp as(const char *token, const char *method, const char *path, const char *json) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    const char *hs[] = {h, NULL};
    return http_req_h(&S, hs, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

static bool str_eq_json(json_t *o, const char *k, const char *v) {
    json_t *x = json_object_get(o, k);
    return json_is_string(x) && strcmp(json_string_value(x), v) == 0;
}

static void call(const char *token, const char *method, const char *path, const char *json, long status, const char *field) {
    Resp r = as(token, method, path, json);
    expect_status(&r, status, field);
    resp_free(&r);
}

/* Choices on set 7 that total `target`: the best option everywhere, then criteria without any
** minimum marker lowered, one at a time, as far as the target allows. */
static char *choices_for(int target, bool submit) {
    json_t *ch = json_object();
    int total = 0;
    size_t i, j, k, m;
    json_t *p, *sec, *c, *o;
    json_t *plain = json_array(); /* [code, best index, best points, options] */
    json_array_foreach(json_object_get(sheet, "parts"), i, p) {
        json_array_foreach(json_object_get(p, "sections"), j, sec) {
            json_array_foreach(json_object_get(sec, "criteria"), k, c) {
                json_t *opts = json_object_get(c, "options");
                int best = 0, bp = -1;
                bool marked = false;
                json_array_foreach(opts, m, o) {
                    int pts = (int)json_integer_value(json_object_get(o, "points"));
                    if (pts > bp) bp = pts, best = (int)m;
                    marked |= json_is_integer(json_object_get(o, "min_star"));
                }
                json_object_set_new(ch, json_string_value(json_object_get(c, "code")), json_integer(best));
                total += bp;
                if (!marked) json_array_append_new(plain, json_pack("[s, i, O]", json_string_value(json_object_get(c, "code")), bp, opts));
            }
        }
    }
    assert_int_equal(total, 100);
    json_array_foreach(plain, i, c) {
        int bp = (int)json_integer_value(json_array_get(c, 1));
        int pick = -1, pick_pts = bp;
        json_array_foreach(json_array_get(c, 2), m, o) {
            int pts = (int)json_integer_value(json_object_get(o, "points"));
            if (total - (bp - pts) >= target && pts < pick_pts) pick = (int)m, pick_pts = pts;
        }
        if (pick >= 0) {
            json_object_set_new(ch, json_string_value(json_array_get(c, 0)), json_integer(pick));
            total -= bp - pick_pts;
        }
        if (total == target) break;
    }
    json_decref(plain);
    assert_int_equal(total, target);
    json_t *body = json_pack("{s:o, s:b, s:{s:s}}", "choices", ch, "submit", submit, "comments", "1.1",
                             "Nguyên liệu dừa tại địa phương");
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return s;
}

static void score(const char *token, int total, long status) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", dossier);
    char *body = choices_for(total, true);
    Resp r = as(token, "PUT", path, body);
    expect_status(&r, status, NULL);
    if (status == 200) assert_int_equal(jint(r.json, "result.total"), total);
    resp_free(&r);
    free(body);
}

/* A dossier of product 2 taken into a round of council 1 by the administrator. */
static long long in_round(const char *round_body) {
    Resp r = as(t_admin, "POST", "/api/v1/rounds", round_body);
    expect_status(&r, 201, NULL);
    long long round = jint(r.json, "id");
    resp_free(&r);
    r = as(t_admin, "POST", "/api/v1/dossiers", "{\"kind\": \"first\", \"product_id\": 2}");
    expect_status(&r, 201, NULL);
    long long id = jint(r.json, "id");
    resp_free(&r);
    char path[96], body[128];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    call(t_admin, "PUT", path, "{\"choices\": {\"1.1\": 2}}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/commune-report", id);
    snprintf(body, sizeof body, "/api/v1/dossiers/%lld/transitions", id);
    call(t_admin, "POST", body, "{\"action\": \"submit\"}", 200, NULL);
    call(t_admin, "POST", body, "{\"action\": \"receive\"}", 200, NULL);
    call(t_admin, "PUT", path,
         "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, \"idea\": {\"met\": true}, "
         "\"identity\": {\"met\": true}}}", 200, NULL);
    call(t_admin, "POST", body, "{\"action\": \"forward\"}", 200, NULL);
    call(t_admin, "POST", body, "{\"action\": \"check\"}", 200, NULL);
    char assign[96];
    snprintf(assign, sizeof assign, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    call(t_admin, "POST", body, assign, 200, NULL);
    return id;
}

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    const char *admin[] = {"admin", NULL}, *tv2[] = {"council_member:1", NULL},
               *tv3[] = {"council_member:1", "producer:2", NULL};
    srv_user(&S, "root", admin);
    srv_user(&S, "hd.tv2", tv2);
    srv_user(&S, "hd.tv3", tv3);
    t_admin = srv_token(&S, "root", "write");
    t_chair = srv_token(&S, "hd.chutich", "write");
    t_member = srv_token(&S, "hd.thanhvien", "write");
    t_tv2 = srv_token(&S, "hd.tv2", "write");
    t_tv3 = srv_token(&S, "hd.tv3", "write");
    t_secretary = srv_token(&S, "hd.thuky", "write");
    t_producer = srv_token(&S, "chuthe.thanhlong", "write");
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    srv_start(&S);
    Resp r = http_get(&S, "/api/v1/rubrics/26-2026/sets/7");
    sheet = json_incref(r.json);
    resp_free(&r);
    dossier = in_round("{\"province_code\": \"86\", \"year\": 2026, \"number\": 4, \"forward_by\": \"2026-12-31\", "
                       "\"ends_on\": \"2026-12-31\", \"council_id\": 1}");
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    json_decref(sheet);
    free(t_admin), free(t_chair), free(t_member), free(t_tv2), free(t_tv3), free(t_secretary), free(t_producer),
        free(t_province);
    return 0;
}

static void test_council_and_conflicts(void **state) {
    (void)state;
    char path[96];
    /* A second secretary, with the agency she comes from. */
    call(t_admin, "POST", "/api/v1/users",
         "{\"username\": \"hd.thuky2\", \"password\": \"" TEST_PASSWORD "\", \"roles\": [{\"role\": \"council_secretary\", "
         "\"scope\": \"1\", \"agency\": \"Sở Nông nghiệp và Môi trường\"}]}", 201, NULL);
    call(t_admin, "POST", "/api/v1/users",
         "{\"username\": \"x.agency\", \"password\": \"" TEST_PASSWORD "\", \"roles\": [{\"role\": \"commune\", "
         "\"scope\": \"28903\", \"agency\": \"UBND xã\"}]}", 422, "agency");
    /* The council's advisory group (tổ tư vấn): recorded by the province, no scoring. */
    call(t_province, "POST", "/api/v1/advisors", "{\"council_id\": 1, \"name\": \"Trần Thị Cố Vấn\", \"agency\": "
         "\"Viện Cây ăn quả miền Nam\", \"expertise\": \"Chế biến dừa\"}", 201, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/council", dossier);
    call(t_producer, "GET", path, NULL, 403, NULL);
    Resp r = as(t_chair, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    json_t *m = jpath(r.json, "members");
    assert_int_equal(json_array_size(m), 6);
    bool agency = false;
    size_t a;
    json_t *y;
    json_array_foreach(m, a, y) agency |= str_eq_json(y, "agency", "Sở Nông nghiệp và Môi trường");
    assert_true(agency);
    size_t i;
    json_t *x;
    int detected = 0;
    json_array_foreach(m, i, x) {
        const char *c = json_string_value(json_object_get(x, "conflict"));
        if (!strcmp(json_string_value(json_object_get(x, "username")), "hd.tv3")) {
            assert_non_null(c);
            assert_non_null(strstr(c, "same commune"));
            detected++;
        } else {
            assert_null(c);
        }
    }
    assert_int_equal(detected, 1);
    resp_free(&r);
    /* The conflicted member, the secretary and the producer do not score. */
    score(t_tv3, 90, 403);
    score(t_secretary, 90, 403);
    score(t_producer, 90, 403);
    /* A declared conflict is kept with its reason (and removes nothing else). */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/conflicts", dossier);
    call(t_tv3, "POST", path, "{}", 422, "reason");
    call(t_tv3, "POST", path, "{\"reason\": \"Chủ cơ sở sản xuất cùng xã\"}", 200, NULL);
    call(t_province, "POST", path, "{\"reason\": \"x\"}", 403, NULL);
}

static void test_first_pass_spread(void **state) {
    (void)state;
    char path[96], view[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", dossier);
    snprintf(view, sizeof view, "/api/v1/dossiers/%lld/scores", dossier);
    /* A draft with its live result; submitting needs every criterion. */
    Resp r = as(t_member, "PUT", path, "{\"choices\": {\"1.1\": 2, \"1.2\": 1}}");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "result.parts.A"), 4);
    assert_false(json_is_true(jpath(r.json, "submitted")));
    resp_free(&r);
    call(t_member, "PUT", path, "{\"choices\": {\"1.1\": 2}, \"submit\": true}", 422, "choices");
    call(t_member, "PUT", path, "{\"choices\": {\"1.1\": 2, \"1.1.9\": 0}}", 422, "choices.1.1.9");
    call(t_member, "PUT", path, "{\"choices\": {}, \"comments\": {\"9.9\": \"x\"}}", 422, "comments.9.9");
    /* A sheet may stop where a note stops the evaluation (set 7, 6.1: impurities): what follows
    ** scores 0 and is not missing; nowhere else. */
    r = as(t_member, "PUT", path, "{\"choices\": {\"1.1\": 2}, \"stopped_at\": \"6.1\"}");
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "result.stopped_at"), "6.1");
    assert_string_equal(jstr(r.json, "result.missing.0"), "1.2");
    resp_free(&r);
    call(t_member, "PUT", path, "{\"choices\": {}, \"stopped_at\": \"1.1\"}", 422, "stopped_at");
    call(t_member, "PUT", path, "{\"choices\": {}, \"stopped_at\": 6}", 422, "stopped_at");

    /* Closing before a quorum. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", dossier);
    call(t_chair, "POST", path, "{}", 409, "quorum");

    score(t_chair, 95, 200);
    /* The member has not submitted: sees its own draft only. */
    r = as(t_member, "GET", view, NULL);
    expect_status(&r, 200, NULL);
    assert_true(json_is_null(jpath(r.json, "sheets")));
    assert_non_null(jpath(r.json, "own"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes", dossier);
    call(t_member, "GET", path, NULL, 403, NULL);
    call(t_producer, "GET", path, NULL, 403, NULL);
    score(t_member, 90, 200);
    r = as(t_member, "GET", view, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 2);
    resp_free(&r);
    score(t_member, 90, 409); /* submitted: no change without a re-scoring */
    score(t_tv2, 80, 200);
    r = as(t_secretary, "GET", view, NULL);
    expect_status(&r, 200, NULL);
    assert_true(json_is_true(jpath(r.json, "quorum.met")));
    assert_int_equal(jint(r.json, "quorum.needed"), 3);
    assert_true(json_is_true(jpath(r.json, "spread.flagged")));
    assert_int_equal((int)json_number_value(jpath(r.json, "spread.points")), 15);
    assert_non_null(jpath(r.json, "self_assessment.total"));
    resp_free(&r);
    /* A spread of 15 > 10: not closed unless accepted with a comment; the chair re-scores. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", dossier);
    call(t_chair, "POST", path, "{}", 409, "spread");
    call(t_chair, "POST", path, "{\"accept_spread\": true}", 422, "comment");
    call(t_member, "POST", path, "{}", 403, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/rescore", dossier);
    call(t_member, "POST", path, "{}", 403, NULL);
    call(t_chair, "POST", path, "{\"comment\": \"Thảo luận tiêu chí 4 và 5\"}", 200, NULL);
}

static void test_second_pass_and_close(void **state) {
    (void)state;
    score(t_chair, 92, 200);
    score(t_member, 89, 200);
    score(t_tv2, 88, 200);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", dossier);
    call(t_secretary, "POST", path, "{\"comment\": \"Hội đồng thống nhất\"}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", dossier);
    Resp r = as(t_producer, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "scored");
    assert_true(json_number_value(jpath(r.json, "avg_score")) > 89.669 && json_number_value(jpath(r.json, "avg_score")) < 89.671);
    assert_int_equal(jint(r.json, "band"), 4);
    assert_int_equal(jint(r.json, "stars"), 4);
    resp_free(&r);
    /* The minutes: every sheet of the pass, the result, the self-assessment beside it. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes", dossier);
    r = as(t_producer, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 3);
    assert_int_equal(jint(r.json, "pass"), 2);
    assert_int_equal(jint(r.json, "result.stars"), 4);
    assert_int_equal(json_array_size(jpath(r.json, "members")), 6);
    assert_int_equal(json_array_size(jpath(r.json, "proceedings")), 2);
    assert_string_equal(jstr(r.json, "advisors.0.name"), "Trần Thị Cố Vấn");
    assert_string_equal(jstr(r.json, "proceedings.0.action"), "rescore");
    assert_string_equal(jstr(r.json, "proceedings.0.comment"), "Thảo luận tiêu chí 4 và 5");
    assert_string_equal(jstr(r.json, "proceedings.1.comment"), "Hội đồng thống nhất");
    assert_string_equal(json_string_value(json_object_get(jpath(r.json, "sheets.0.comments"), "1.1")),
                        "Nguyên liệu dừa tại địa phương");
    resp_free(&r);
    /* Scored: no more sheets; four stars are decided by a recognition decision, not closed as
    ** "not recognised". */
    score(t_chair, 92, 409);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", dossier);
    call(t_province, "POST", path, "{\"action\": \"not_recognized\"}", 409, "action");
}

static void test_closed_round(void **state) {
    (void)state;
    long long other = in_round("{\"province_code\": \"86\", \"year\": 2026, \"number\": 5, \"forward_by\": \"2026-12-31\", "
                               "\"ends_on\": \"2026-12-31\", \"council_id\": 1}");
    Resp r = as(t_admin, "GET", "/api/v1/rounds?number=5", NULL);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", jint(r.json, "items.0.id"));
    resp_free(&r);
    call(t_province, "PATCH", path, "{\"state\": \"closed\"}", 200, NULL);
    long long keep = dossier;
    dossier = other;
    char *body = choices_for(80, false);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", other);
    call(t_chair, "PUT", path, body, 409, "round_id");
    free(body);
    dossier = keep;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_council_and_conflicts),
        cmocka_unit_test(test_first_pass_spread),
        cmocka_unit_test(test_second_pass_and_close),
        cmocka_unit_test(test_closed_round),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
