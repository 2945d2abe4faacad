/*
** test_eval_review.c: what the December 2026 review of the evaluation found (issue 8, items 5,
** 7, 8, 11, 12, 13), over HTTP and the CLI on the demo data. Each dossier is of a product made
** here for the demo producer "HTX Kẹo dừa Thanh Long" (set 7, commune 28903), so none holds a
** recognition; the demo council of Vĩnh Long (chair, member, secretary) scores it, quorum
** ceil(3/4 x 2) = 2 sheets.
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
static char *t_admin, *t_chair, *t_member, *t_secretary, *t_producer, *t_commune, *t_province;
static json_t *sheet; /* set 7 of QĐ 26/2026 */
static long long round_id, producer_id;

static Resp as(const char *token, const char *method, const char *path, const char *json) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    const char *hs[] = {h, NULL};
    return http_req_h(&S, hs, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

static void call(const char *token, const char *method, const char *path, const char *json, long status, const char *field) {
    Resp r = as(token, method, path, json);
    expect_status(&r, status, field);
    resp_free(&r);
}

/* A new product of the demo producer on set_no; its id. */
static long long new_product(int set_no) {
    static int n;
    char body[256];
    snprintf(body, sizeof body, "{\"name\": \"Kẹo dừa thử %d\", \"set_no\": %d, \"producer_id\": %lld, \"commune_code\": \"28903\"}",
             ++n, set_no, producer_id);
    Resp r = as(t_admin, "POST", "/api/v1/products", body);
    expect_status(&r, 201, NULL);
    long long id = jint(r.json, "id");
    resp_free(&r);
    return id;
}

/* A dossier of a new set-7 product, taken by the administrator into the round. */
static long long in_round(void) {
    char body[128], path[96];
    snprintf(body, sizeof body, "{\"kind\": \"first\", \"product_id\": %lld}", new_product(7));
    Resp r = as(t_admin, "POST", "/api/v1/dossiers", body);
    expect_status(&r, 201, NULL);
    long long id = jint(r.json, "id");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    call(t_admin, "PUT", path, "{\"choices\": {\"1.1\": 2}}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    call(t_admin, "POST", path, "{\"action\": \"submit\"}", 200, NULL);
    call(t_admin, "POST", path, "{\"action\": \"receive\"}", 200, NULL);
    char rep[96];
    snprintf(rep, sizeof rep, "/api/v1/dossiers/%lld/commune-report", id);
    call(t_admin, "PUT", rep,
         "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, \"idea\": {\"met\": true}, "
         "\"identity\": {\"met\": true}}}", 200, NULL);
    call(t_admin, "POST", path, "{\"action\": \"forward\"}", 200, NULL);
    call(t_admin, "POST", path, "{\"action\": \"check\"}", 200, NULL);
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round_id);
    call(t_admin, "POST", path, body, 200, NULL);
    return id;
}

/* The best option of every criterion of set 7 (100 points), as a JSON object. */
static json_t *best(void) {
    json_t *leaves = json_array(), *ch = json_object(), *l;
    sheet_leaves(sheet, leaves);
    size_t i, k;
    json_array_foreach(leaves, i, l) {
        json_t *o, *opts = json_object_get(l, "options");
        int top = 0;
        json_array_foreach(opts, k, o) if (json_integer_value(json_object_get(o, "points")) >
                                           json_integer_value(json_object_get(json_array_get(opts, (size_t)top), "points"))) top = (int)k;
        json_object_set_new(ch, json_string_value(json_object_get(l, "code")), json_integer(top));
    }
    json_decref(leaves);
    return ch;
}

/* {"choices": ch (stolen), "submit": submit} as text (malloc'd). */
static char *sheet_body(json_t *ch, bool submit) {
    json_t *body = json_pack("{s:o, s:b, s:{s:s}}", "choices", ch, "submit", submit, "comments", "2.4", "Nhãn chỉ có tiếng Việt");
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return s;
}

/* token saves the sheet ch (stolen) on dossier id; the response (status checked). */
static Resp save(const char *token, long long id, json_t *ch, bool submit, long status, const char *field) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", id);
    char *body = sheet_body(ch, submit);
    Resp r = as(token, "PUT", path, body);
    free(body);
    expect_status(&r, status, field);
    return r;
}

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    const char *admin[] = {"admin", NULL};
    srv_user(&S, "root", admin);
    t_admin = srv_token(&S, "root", "write");
    t_chair = srv_token(&S, "hd.chutich", "write");
    t_member = srv_token(&S, "hd.thanhvien", "write");
    t_secretary = srv_token(&S, "hd.thuky", "write");
    t_producer = srv_token(&S, "chuthe.thanhlong", "write");
    t_commune = srv_token(&S, "xa.mocay", "write");
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    srv_start(&S);
    Resp r = http_get(&S, "/api/v1/rubrics/26-2026/sets/7");
    sheet = json_incref(r.json);
    resp_free(&r);
    r = as(t_admin, "GET", "/api/v1/producers?q=Thanh%20Long", NULL);
    expect_status(&r, 200, NULL);
    producer_id = jint(r.json, "items.0.id");
    resp_free(&r);
    r = as(t_admin, "POST", "/api/v1/rounds", "{\"province_code\": \"86\", \"year\": 2026, \"number\": 8, "
                                              "\"forward_by\": \"2026-12-31\", \"ends_on\": \"2026-12-31\", \"council_id\": 1}");
    expect_status(&r, 201, NULL);
    round_id = jint(r.json, "id");
    resp_free(&r);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    json_decref(sheet);
    free(t_admin), free(t_chair), free(t_member), free(t_secretary), free(t_producer), free(t_commune), free(t_province);
    return 0;
}

/* Item 5: after a re-scoring, the earlier pass of the scoring under way stays inside the
** council: not the producer's, not the commune's, not a member's before they submit the
** current pass; the secretary and the province see it. Once closed, everyone concerned does. */
static void test_rescore_minutes_closed(void **state) {
    (void)state;
    long long id = in_round();
    json_t *low = best();
    json_object_set_new(low, "4.3", json_integer(0)); /* 95 */
    json_object_set_new(low, "4.2", json_integer(0)); /* 92 */
    json_object_set_new(low, "1.3", json_integer(0)); /* 90 */
    json_object_set_new(low, "1.4", json_integer(0)); /* 88 */
    json_object_set_new(low, "3.3", json_integer(0)); /* 86 */
    json_object_set_new(low, "11", json_integer(0));  /* 84 */
    Resp r = save(t_chair, id, best(), true, 200, NULL);
    resp_free(&r);
    r = save(t_member, id, json_deep_copy(low), true, 200, NULL);
    assert_int_equal(jint(r.json, "result.total"), 84);
    resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/rescore", id);
    call(t_chair, "POST", path, "{\"comment\": \"Chênh 16 điểm\"}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes?pass=1", id);
    call(t_producer, "GET", path, NULL, 403, NULL);
    call(t_commune, "GET", path, NULL, 403, NULL);
    call(t_member, "GET", path, NULL, 403, NULL); /* has not submitted pass 2 */
    call(t_secretary, "GET", path, NULL, 200, NULL);
    r = as(t_province, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 2);
    resp_free(&r);
    r = save(t_member, id, best(), true, 200, NULL);
    resp_free(&r);
    call(t_member, "GET", path, NULL, 200, NULL);
    call(t_producer, "GET", path, NULL, 403, NULL);
    r = save(t_chair, id, best(), true, 200, NULL);
    resp_free(&r);
    char close[128];
    snprintf(close, sizeof close, "/api/v1/dossiers/%lld/scores/close", id);
    call(t_secretary, "POST", close, "{}", 200, NULL);
    r = as(t_producer, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "pass"), 1);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 2);
    resp_free(&r);
    call(t_commune, "GET", path, NULL, 200, NULL);
    json_decref(low);
}

/* Items 11 and 12: 2.4 (one option, 1 point) "not_met" scores 0 and is not missing; 5.1 on 3 of
** 5 points (5 is its 4★ minimum) keeps a 97-point sheet at 3★, and says so wherever a member
** or the council sees the stars: the live result, one's own sheet, the council's view, the
** minutes, the calculator (HTTP and CLI). */
static void test_not_met_and_held_back(void **state) {
    (void)state;
    long long id = in_round();
    json_t *ch = best();
    json_object_set_new(ch, "2.4", json_string("not_met"));
    json_object_set_new(ch, "5.1", json_integer(3));
    /* "not_met" is for met-or-not criteria only; null stays missing. */
    json_t *bad = json_deep_copy(ch);
    json_object_set_new(bad, "1.1", json_string("not_met"));
    Resp r = save(t_chair, id, bad, false, 422, "choices.1.1");
    resp_free(&r);
    bad = json_deep_copy(ch);
    json_object_set_new(bad, "2.4", json_null());
    r = save(t_chair, id, bad, true, 422, "choices");
    body_has(&r, "2.4");
    resp_free(&r);
    bad = json_deep_copy(ch);
    json_object_set_new(bad, "2.4", json_integer(1));
    r = save(t_chair, id, bad, false, 422, "choices.2.4");
    body_has(&r, "not_met");
    resp_free(&r);
    /* The live result of the chair's draft. */
    r = save(t_chair, id, json_deep_copy(ch), false, 200, NULL);
    assert_int_equal(jint(r.json, "result.total"), 97);
    assert_int_equal(jint(r.json, "result.band"), 5);
    assert_int_equal(jint(r.json, "result.stars"), 3);
    assert_string_equal(jstr(r.json, "result.held_back_by.0.code"), "5.1");
    assert_int_equal(jint(r.json, "result.held_back_by.0.caps_at"), 3);
    assert_int_equal(jint(r.json, "result.held_back_by.0.needed"), 5);
    resp_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores", id);
    r = as(t_chair, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "own.total"), 97);
    assert_int_equal(jint(r.json, "own.result.stars"), 3);
    assert_string_equal(jstr(r.json, "own.result.held_back_by.0.code"), "5.1");
    resp_free(&r);
    r = save(t_chair, id, json_deep_copy(ch), true, 200, NULL);
    resp_free(&r);
    r = save(t_member, id, json_deep_copy(ch), true, 200, NULL);
    resp_free(&r);
    /* The council's result in its view is the one closing gives. */
    r = as(t_member, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "council.band"), 5);
    assert_int_equal(jint(r.json, "council.stars"), 3);
    assert_int_equal(jint(r.json, "council.held_back_by.0.caps_at"), 3);
    assert_int_equal(jint(r.json, "sheets.0.result.stars"), 3);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", id);
    call(t_chair, "POST", path, "{}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = as(t_producer, "GET", path, NULL);
    assert_int_equal(jint(r.json, "stars"), 3);
    assert_true(json_number_value(jpath(r.json, "avg_score")) == 97);
    resp_free(&r);
    /* The calculator. */
    json_t *in = json_pack("{s:O}", "choices", ch);
    char *body = json_dumps(in, JSON_COMPACT);
    r = http_json(&S, "POST", "/api/v1/rubrics/26-2026/sets/7/evaluate", body);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 97);
    assert_int_equal(jint(r.json, "parts.A"), 39);
    assert_int_equal(jint(r.json, "stars"), 3);
    assert_string_equal(jstr(r.json, "held_back_by.0.code"), "5.1");
    assert_int_equal(json_array_size(jpath(r.json, "missing")), 0);
    resp_free(&r);
    const char *file = write_file(S.dir, "sheet.json", body, strlen(body));
    const char *args[] = {"rubric", "evaluate", "26-2026", "7", file, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(run_ocop(args, &out, &err), 0);
    json_t *res = json_loads(out, 0, NULL);
    assert_int_equal(jint(res, "total"), 97);
    assert_int_equal(jint(res, "held_back_by.0.caps_at"), 3);
    json_decref(res);
    free(out), free(err), free(body);
    json_decref(in);
    /* The producer's self-assessment takes "not_met" too. */
    snprintf(body = malloc(256), 256, "{\"kind\": \"first\", \"product_id\": %lld}", new_product(7));
    r = as(t_producer, "POST", "/api/v1/dossiers", body);
    free(body);
    expect_status(&r, 201, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", jint(r.json, "id"));
    resp_free(&r);
    r = as(t_producer, "PUT", path, "{\"choices\": {\"2.4\": \"not_met\", \"1.1\": 2}}");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "self_assessment.result.total"), 3);
    assert_string_equal(json_string_value(json_object_get(jpath(r.json, "self_assessment.choices"), "2.4")), "not_met");
    resp_free(&r);
    json_decref(ch);
}

/* Item 7: the dossier's set is its product's; submitting checks every filing rule again. */
static void test_set_is_the_products(void **state) {
    (void)state;
    long long product = new_product(7);
    char body[256], path[96], act[96], self[96];
    snprintf(body, sizeof body, "{\"kind\": \"first\", \"product_id\": %lld, \"set_no\": 26}", product);
    call(t_producer, "POST", "/api/v1/dossiers", body, 422, "set_no");
    snprintf(body, sizeof body, "{\"kind\": \"first\", \"product_id\": %lld}", product);
    Resp r = as(t_producer, "POST", "/api/v1/dossiers", body);
    expect_status(&r, 201, NULL);
    long long id = jint(r.json, "id");
    assert_int_equal(jint(r.json, "set_no"), 7);
    assert_int_equal(jint(r.json, "samples"), 5);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    snprintf(act, sizeof act, "/api/v1/dossiers/%lld/transitions", id);
    snprintf(self, sizeof self, "/api/v1/dossiers/%lld/self-assessment", id);
    /* The review's request: refused, and nothing changed. */
    call(t_producer, "PATCH", path, "{\"set_no\": 26, \"samples\": 0}", 422, "set_no");
    r = as(t_producer, "GET", path, NULL);
    assert_int_equal(jint(r.json, "set_no"), 7);
    assert_int_equal(jint(r.json, "samples"), 5);
    resp_free(&r);
    call(t_producer, "PUT", self, "{\"choices\": {\"1.1\": 2}}", 200, NULL);
    call(t_producer, "PATCH", path, "{\"samples\": 0}", 200, NULL);
    call(t_producer, "POST", act, "{\"action\": \"submit\"}", 422, "samples");
    call(t_producer, "PATCH", path, "{\"samples\": 5}", 200, NULL);
    /* The product moves to the tourism set after the self-assessment: the dossier, still on set
    ** 7, is not submitted; saved again it follows the product, and the self-assessment made on
    ** set 7 must be made again. */
    char prod[96];
    snprintf(prod, sizeof prod, "/api/v1/products/%lld", product);
    call(t_admin, "PATCH", prod, "{\"set_no\": 26}", 200, NULL);
    call(t_producer, "POST", act, "{\"action\": \"submit\"}", 422, "set_no");
    r = as(t_producer, "PATCH", path, "{\"samples\": 0}");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "set_no"), 26);
    resp_free(&r);
    call(t_producer, "POST", act, "{\"action\": \"submit\"}", 422, "self_assessment");
    call(t_producer, "PUT", self, "{\"choices\": {}}", 200, NULL);
    r = as(t_producer, "POST", act, "{\"action\": \"submit\"}");
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "submitted");
    resp_free(&r);
}

/* Item 8: a missing dossier is 404 on its sub-routes, as one out of scope. */
static void test_missing_dossier(void **state) {
    (void)state;
    call(t_admin, "GET", "/api/v1/dossiers/999999/events", NULL, 404, "id");
    call(t_admin, "GET", "/api/v1/dossiers/999999/files", NULL, 404, "id");
    call(t_province, "GET", "/api/v1/dossiers/999999/events", NULL, 404, "id");
}

/* Item 8: once the Ministry takes a dossier, the province's council keeps reading the dossier
** and the minutes of the pass it scored (docs/api.md, who sees which dossiers), but not the
** Ministry council's sheets while it scores. */
static void test_province_council_after_ministry(void **state) {
    (void)state;
    long long id = in_round();
    Resp r = save(t_chair, id, best(), true, 200, NULL);
    resp_free(&r);
    r = save(t_member, id, best(), true, 200, NULL);
    resp_free(&r);
    char path[128], body[256];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", id);
    call(t_chair, "POST", path, "{}", 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    call(t_province, "POST", path, "{\"action\": \"send_to_ministry\"}", 200, NULL);
    r = as(t_admin, "POST", "/api/v1/councils", "{\"name\": \"Hội đồng cấp quốc gia (thử)\", \"level\": \"ministry\"}");
    expect_status(&r, 201, NULL);
    long long council = jint(r.json, "id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"province_code\": \"bo\", \"year\": 2026, \"number\": 1, \"forward_by\": \"2026-12-31\", "
                                "\"ends_on\": \"2026-12-31\", \"council_id\": %lld}", council);
    r = as(t_admin, "POST", "/api/v1/rounds", body);
    expect_status(&r, 201, NULL);
    snprintf(body, sizeof body, "{\"action\": \"assign_ministry\", \"round_id\": %lld}", jint(r.json, "id"));
    resp_free(&r);
    call(t_admin, "POST", path, body, 200, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = as(t_member, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "in_ministry_round");
    assert_int_equal(jint(r.json, "province_round_id"), round_id);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes?pass=1", id);
    r = as(t_member, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "council_id"), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores", id);
    call(t_member, "GET", path, NULL, 403, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes", id);
    call(t_member, "GET", path, NULL, 403, NULL);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", id);
    char *b = sheet_body(best(), true);
    call(t_member, "PUT", path, b, 403, NULL);
    free(b);
}

/* Item 13: the legal numbers a client sees are the data's, with their articles. */
static void test_rules_published(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/rubrics/26-2026");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "rules.certificate_valid_months.value"), 36);
    assert_string_equal(jstr(r.json, "rules.certificate_valid_months.law"), "QĐ 26/2026/QĐ-TTg Điều 4.3");
    assert_int_equal(jint(r.json, "rules.samples.value"), 5);
    assert_string_equal(jstr(r.json, "star_bands.0.recognised_at"), "ministry");
    resp_free(&r);
    /* A round takes its default dates and settings from the rules. */
    r = as(t_admin, "POST", "/api/v1/rounds", "{\"province_code\": \"86\", \"year\": 2027, \"number\": 2, \"council_id\": 1}");
    expect_status(&r, 201, NULL);
    assert_string_equal(jstr(r.json, "forward_by"), "2027-10-30");
    assert_string_equal(jstr(r.json, "ends_on"), "2027-12-30");
    assert_true(json_number_value(jpath(r.json, "quorum")) == 0.75);
    assert_true(json_number_value(jpath(r.json, "spread_threshold")) == 10);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rescore_minutes_closed),
        cmocka_unit_test(test_not_met_and_held_back),
        cmocka_unit_test(test_set_is_the_products),
        cmocka_unit_test(test_missing_dossier),
        cmocka_unit_test(test_province_council_after_ministry),
        cmocka_unit_test(test_rules_published),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
