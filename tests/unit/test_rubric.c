/*
** test_rubric.c: the score sheets and their calculation, on worked examples computed by hand
** from the published sheets (QĐ 26/2026/QĐ-TTg Phụ lục II, set 1 "Rau, củ, quả, hạt tươi";
** the tourism set 26 with its two branches; set 11 with sub-criteria; QĐ 148 with a criterion
** marked as a whole).
**
** Set 1 as printed (points of each option in order; (N) marks the minimum for N stars, printed
** as N asterisks):
**   A 1.1 1/2/3  1.2 0/1/2  1.3 1/2/3(5)  1.4 1/2/3  1.5 0/1/2(4)/3(5)  1.6 1(4)/2/3  1.7 0/1
**     2.1 0/1/3(4)  2.2 0/1/2(3)/3  2.3 1(3)/2/3(4)  2.4 1  3.1 1/2/3  3.2 0/1  3.3 1/2/3
**     3.4 1/2(4)  3.5 1(3)/2(4)/3                                                  (A = 40)
**   B 4.1 1/2(3)/3(4)/5(5)  4.2 0/1/2/3  4.3 0/1/2/3/5  5.1 0/1/2/3/5(4)  5.2 0/1/2
**     5.3 0/1(3)/3/5                                                               (B = 25)
**   C 6.1 0/1/2(4)  6.2 0/1/2/3(4)/4  6.3 0..3  6.4 0..3  7 0/1/3  8 0/1/3(4)/5
**     9 2(3)/4/5  10 1(3)/3(4)/5  11 1/2  12 1/2/3                                 (C = 35)
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rubric.h"

static const RubSet *set_of(const char *version, int n) {
    const RubSet *s = rubric_set(rubric_get(version), n);
    assert_non_null(s);
    return s;
}

/* Choices with the highest option of every criterion, then the overrides "CODE", index, ... */
static json_t *best_but(const RubSet *s, ...) {
    json_t *c = json_object();
    for (int i = 0; i < s->nleaves; i++) {
        int best = 0;
        for (int k = 0; k < s->leaves[i].noptions; k++)
            if (s->leaves[i].options[k].points > s->leaves[i].options[best].points) best = k;
        json_object_set_new(c, s->leaves[i].code, json_integer(best));
    }
    va_list ap;
    va_start(ap, s);
    for (const char *code; (code = va_arg(ap, const char *));) json_object_set_new(c, code, json_integer(va_arg(ap, int)));
    va_end(ap);
    return c;
}

static void eval_ok(const RubSet *s, json_t *choices, RubResult *res) {
    Err e = ERR_INIT;
    int rc = rubric_evaluate(s, choices, NULL, res, &e);
    if (rc) fail_msg("%s", e.detail);
    json_decref(choices);
}

static void assert_codes(json_t *arr, const char *csv) {
    char buf[256] = "";
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (i) strcat(buf, ",");
        strcat(buf, json_string_value(v));
    }
    assert_string_equal(buf, csv);
}

static void test_loaded(void **state) {
    (void)state;
    for (const char *const *v = rubric_versions(); *v; v++) {
        const Rubric *r = rubric_get(*v);
        assert_non_null(r);
        assert_int_equal(r->nsets, 26);
        for (int i = 0; i < r->nsets; i++) assert_int_equal(r->sets[i].set_no, i + 1);
    }
    const RubSet *s = set_of("26-2026", 1);
    assert_string_equal(s->name, "Rau, củ, quả, hạt tươi");
    assert_int_equal(s->part_max[0], 40);
    assert_int_equal(s->part_max[1], 25);
    assert_int_equal(s->part_max[2], 35);
    assert_int_equal(s->nleaves, 32);
    const RubLeaf *l = rubric_leaf(s, "2.3"); /* 1*** / 2 / 3****: 3 stars need 1, 4 and 5 need 3 */
    assert_int_equal(l->need[0][0], 1);
    assert_int_equal(l->need[0][1], 3);
    assert_int_equal(l->need[0][2], 3);
    assert_null(rubric_get("26-2025"));
    assert_null(rubric_set(rubric_get("26-2026"), 27));
}

static void test_bands(void **state) {
    (void)state;
    assert_int_equal(rubric_band(rubric_current(), 100), 5);
    assert_int_equal(rubric_band(rubric_current(), 90), 5);
    assert_int_equal(rubric_band(rubric_current(), 89.99), 4);
    assert_int_equal(rubric_band(rubric_current(), 70), 4);
    assert_int_equal(rubric_band(rubric_current(), 69.99), 3);
    assert_int_equal(rubric_band(rubric_current(), 50), 3);
    assert_int_equal(rubric_band(rubric_current(), 49.99), 2);
    assert_int_equal(rubric_band(rubric_current(), 30), 2);
    assert_int_equal(rubric_band(rubric_current(), 29.99), 1);
    assert_int_equal(rubric_band(rubric_current(), 0), 1);
}

/* Every best option: A 40 + B 25 + C 35 = 100, five stars. */
static void test_all_best(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, best_but(s, NULL), &res);
    assert_int_equal(res.parts[0], 40);
    assert_int_equal(res.parts[1], 25);
    assert_int_equal(res.parts[2], 35);
    assert_int_equal(res.total, 100);
    assert_int_equal(res.band, 5);
    assert_int_equal(res.stars, 5);
    assert_int_equal(json_array_size(res.unmet), 0);
    assert_int_equal(json_array_size(res.missing), 0);
    rubric_result_free(&res);
}

/* 1.3 at "máy móc" (2 points) instead of "công nghệ tiên tiến" (3, five-star minimum): 99, band 5,
** but 1.3 misses its five-star minimum: four stars. */
static void test_five_falls_to_four(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, best_but(s, "1.3", 1, NULL), &res);
    assert_int_equal(res.total, 99);
    assert_int_equal(res.band, 5);
    assert_int_equal(res.stars, 4);
    assert_codes(res.unmet, "1.3");
    json_t *m = json_array_get(res.detail, 0);
    assert_string_equal(json_string_value(json_object_get(m, "code")), "1.3");
    assert_int_equal(json_integer_value(json_object_get(m, "stars")), 5);
    assert_int_equal(json_integer_value(json_object_get(m, "needed")), 3);
    assert_int_equal((int)json_number_value(json_object_get(m, "got")), 2);
    rubric_result_free(&res);
}

/* Lowered: 5.1 to 3 (-2), 4.3 to 0 (-5), 4.2 to 0 (-3), 5.2 to 0 (-2), 6.3, 6.4 and 7 to 0
** (-3 each): 100 - 21 = 79 (A 40, B 13, C 26), band 4; 5.1 needs 5 for four stars: three. */
static void test_four_falls_to_three(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, best_but(s, "5.1", 3, "4.3", 0, "4.2", 0, "5.2", 0, "6.3", 0, "6.4", 0, "7", 0, NULL), &res);
    assert_int_equal(res.parts[0], 40);
    assert_int_equal(res.parts[1], 13);
    assert_int_equal(res.parts[2], 26);
    assert_int_equal(res.total, 79);
    assert_int_equal(res.band, 4);
    assert_int_equal(res.stars, 3);
    assert_codes(res.unmet, "5.1");
    rubric_result_free(&res);
}

/* 2.2 at "bao bì đơn giản" (1; three stars need 2) with 1.5, 4.2, 4.3, 5.1, 6.2, 8 at 0, 5.3 at 1,
** 9 at 2, 10 at 1: A 35, B 8, C 19 = 62, band 3; 2.2 fails the three-star minimum (5.3, 9
** and 10 just meet theirs): two stars, no certificate. */
static void test_three_falls_to_two(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, best_but(s, "2.2", 1, "1.5", 0, "4.3", 0, "5.1", 0, "5.3", 1, "8", 0, "9", 0, "10", 0, "4.2", 0, "6.2", 0, NULL),
            &res);
    assert_int_equal(res.parts[0], 35);
    assert_int_equal(res.parts[1], 8);
    assert_int_equal(res.parts[2], 19);
    assert_int_equal(res.total, 62);
    assert_int_equal(res.band, 3);
    assert_int_equal(res.stars, 2);
    assert_codes(res.unmet, "2.2");
    rubric_result_free(&res);
}

/* The first option everywhere: 16 points, one star; no minimums apply below three stars. */
static void test_lowest(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    json_t *c = json_object();
    for (int i = 0; i < s->nleaves; i++) json_object_set_new(c, s->leaves[i].code, json_integer(0));
    RubResult res;
    eval_ok(s, c, &res);
    assert_int_equal(res.total, 16);
    assert_int_equal(res.band, 1);
    assert_int_equal(res.stars, 1);
    assert_int_equal(json_array_size(res.unmet), 0);
    rubric_result_free(&res);
}

/* Criteria without a choice score 0 and are listed. */
static void test_missing(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, json_pack("{s:i, s:n, s:i}", "1.1", 2, "1.2", "12", 2), &res);
    assert_int_equal(res.total, 6);
    assert_int_equal(json_array_size(res.missing), 30);
    assert_string_equal(json_string_value(json_array_get(res.missing, 0)), "1.2");
    rubric_result_free(&res);
}

/* Tourism (set 26), criterion 8: branch a (indexes 0, 1) or b (2, 3), 1 or 3 points each. */
static void test_branches(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 26);
    const RubLeaf *l = rubric_leaf(s, "8");
    assert_int_equal(l->nbranches, 2);
    assert_int_equal(l->noptions, 4);
    assert_int_equal(l->options[3].branch, 1);
    RubResult res;
    eval_ok(s, json_pack("{s:i}", "8", 3), &res);
    assert_int_equal(res.total, 3);
    rubric_result_free(&res);
    eval_ok(s, json_pack("{s:i}", "8", 0), &res);
    assert_int_equal(res.total, 1);
    rubric_result_free(&res);
}

/* Set 11: 6.1 is scored by 6.1.1 and 6.1.2 (2 points each, 2 the minimum for four stars). */
static void test_subcriteria(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 11);
    assert_null(rubric_leaf(s, "6.1"));
    RubResult res;
    eval_ok(s, json_pack("{s:i, s:i}", "6.1.1", 2, "6.1.2", 1), &res);
    assert_int_equal(res.parts[2], 3);
    rubric_result_free(&res);
    Err e = ERR_INIT;
    json_t *c = json_pack("{s:i}", "6.1", 1);
    assert_int_equal(rubric_evaluate(s, c, NULL, &res, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "choices.6.1");
    assert_non_null(strstr(e.detail, "sub-criteria"));
    json_decref(c);
}

/* QĐ 148, set 1: criterion 3.e is marked for four stars as a whole (1 or 2 points): from four stars on
** it must score. Everything best but 3.e unscored: band 5, but the five- and four-star
** minimums both need 3.e: three stars. */
static void test_148_criterion_marker(void **state) {
    (void)state;
    const RubSet *s = set_of("148-2023", 1);
    const RubLeaf *l = rubric_leaf(s, "3.e");
    assert_non_null(l);
    assert_int_equal(l->min_star, 4);
    json_t *c = best_but(s, NULL);
    json_object_set_new(c, "3.e", json_null());
    RubResult res;
    Err e = ERR_INIT;
    assert_int_equal(rubric_evaluate(s, c, NULL, &res, &e), 0);
    json_decref(c);
    assert_int_equal(res.band, rubric_band(s->rubric, res.total));
    assert_true(res.band >= 4);
    assert_int_equal(res.stars, 3);
    assert_codes(res.unmet, "3.e");
    rubric_result_free(&res);
}

static void expect_refusal(const RubSet *s, json_t *choices, const char *stop, const char *field, const char *text) {
    RubResult res;
    Err e = ERR_INIT;
    assert_int_equal(rubric_evaluate(s, choices, stop, &res, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, field);
    if (!strstr(e.detail, text)) fail_msg("'%s' lacks '%s'", e.detail, text);
    json_decref(choices);
}

static void test_refusals(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    expect_refusal(s, json_pack("{s:i}", "9.9", 0), NULL, "choices.9.9", "has no criterion 9.9");
    expect_refusal(s, json_pack("{s:i}", "1.1", 3), NULL, "choices.1.1", "from 0 to 2");
    expect_refusal(s, json_pack("{s:i}", "1.1", -1), NULL, "choices.1.1", "from 0 to 2");
    expect_refusal(s, json_pack("{s:s}", "1.1", "2"), NULL, "choices.1.1", "whole number");
    expect_refusal(s, json_pack("{s:[i,i]}", "1.1", 0, 1), NULL, "choices.1.1", "one option per criterion");
    expect_refusal(s, json_pack("[i]", 1), NULL, "choices", "must be an object");
    expect_refusal(s, json_object(), "1.1", "stopped_at", "no note that stops");
    expect_refusal(s, json_object(), "99", "stopped_at", "no criterion 99");
}

/* Set 1, 6.1 has the note "Không xem xét các chỉ tiêu khác nếu ... tạp chất": when the council
** stops there, what follows scores 0, is not missing, and cannot be chosen. */
static void test_stopped(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    Err e = ERR_INIT;
    json_t *c = json_pack("{s:i, s:i}", "1.1", 2, "6.1", 0);
    assert_int_equal(rubric_evaluate(s, c, "6.1", &res, &e), 0);
    json_decref(c);
    assert_int_equal(res.total, 3);
    assert_string_equal(res.stopped_at, "6.1");
    assert_int_equal(json_array_size(res.missing), 21); /* 1.2 .. 5.3 */
    rubric_result_free(&res);
    expect_refusal(s, json_pack("{s:i}", "6.2", 1), "6.1", "choices.6.2", "stopped at 6.1");
}

/* Issue 8, item 11. Set 1, 2.4 "Ghi nhãn hàng hóa có sử dụng song ngữ" is printed with one
** option (1 point): it is met (0) or "not_met" (0 points, not missing); null stays missing;
** "not_met" is refused where the sheet prints several options, and so is index 1. */
static void test_not_met(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    const RubLeaf *l = rubric_leaf(s, "2.4");
    assert_true(l->met_or_not);
    assert_false(rubric_leaf(s, "1.1")->met_or_not);
    int single = 0;
    for (int n = 1; n <= 26; n++) {
        const RubSet *x = set_of("26-2026", n);
        for (int i = 0; i < x->nleaves; i++) single += x->leaves[i].met_or_not;
    }
    assert_int_equal(single, 22); /* as the sheets print them */
    json_t *c = best_but(s, NULL);
    json_object_set_new(c, "2.4", json_string(RUBRIC_NOT_MET));
    RubResult res;
    eval_ok(s, c, &res);
    assert_int_equal(res.total, 99);
    assert_int_equal(res.parts[0], 39);
    assert_int_equal(json_array_size(res.missing), 0);
    assert_int_equal(res.stars, 5);
    rubric_result_free(&res);
    c = best_but(s, NULL);
    json_object_set_new(c, "2.4", json_null());
    eval_ok(s, c, &res);
    assert_codes(res.missing, "2.4");
    rubric_result_free(&res);
    expect_refusal(s, json_pack("{s:s}", "1.1", RUBRIC_NOT_MET), NULL, "choices.1.1", "single option");
    expect_refusal(s, json_pack("{s:i}", "2.4", 1), NULL, "choices.2.4", "\"not_met\"");
    expect_refusal(s, json_pack("{s:s}", "2.4", "no"), NULL, "choices.2.4", "\"not_met\"");
}

/* Issue 8, item 12. Set 1 with 5.1 on 3 of 5 points (its 5 points are the 4★ minimum) and the
** rest at best: 98 points, band 5, but 3★; 5.1 holds it back and caps it at 3★. */
static void test_held_back(void **state) {
    (void)state;
    const RubSet *s = set_of("26-2026", 1);
    RubResult res;
    eval_ok(s, best_but(s, "5.1", 3, NULL), &res);
    assert_int_equal(res.total, 98);
    assert_int_equal(res.band, 5);
    assert_int_equal(res.stars, 3);
    assert_int_equal(json_array_size(res.held_back), 1);
    json_t *h = json_array_get(res.held_back, 0);
    assert_string_equal(json_string_value(json_object_get(h, "code")), "5.1");
    assert_int_equal(json_integer_value(json_object_get(h, "caps_at")), 3);
    assert_int_equal(json_integer_value(json_object_get(h, "needed")), 5);
    json_t *j = rubric_result_json(&res);
    assert_true(json_equal(json_object_get(j, "held_back_by"), res.held_back));
    json_decref(j);
    rubric_result_free(&res);
    /* 1.3 on 1 of 3 points (3 is its 5★ minimum): 4★, capped at 4 by 1.3. */
    eval_ok(s, best_but(s, "1.3", 1, NULL), &res);
    assert_int_equal(res.stars, 4);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(res.held_back, 0), "caps_at")), 4);
    rubric_result_free(&res);
}

/* Issue 8, item 13. The legal numbers come from the data: a test sheet with other bands (5★
** from 80, 4★ 60, 3★ 40 not certified, 2★ 20) and other rules ranks and files by them. */
static const char TEST_SHEET[] =
    "{\"version\": \"test\", \"document\": {\"number\": \"T/2030\", \"effective_date\": \"2030-01-01\"},"
    " \"star_bands\": [{\"stars\": 2, \"min\": 20, \"certified\": false}, {\"stars\": 1, \"min\": 0, \"certified\": false},"
    "   {\"stars\": 5, \"min\": 80, \"certified\": true, \"recognised_at\": \"ministry\"},"
    "   {\"stars\": 4, \"min\": 60, \"certified\": true, \"recognised_at\": \"province\"},"
    "   {\"stars\": 3, \"min\": 40, \"certified\": false}],"
    " \"rules\": {\"samples\": {\"value\": 3, \"except_sets\": [2]}, \"certificate_valid_months\": {\"value\": 24}},"
    " \"sets\": [{\"set\": 1, \"name\": \"Thử\", \"parts\": [{\"part\": \"A\", \"max\": 100, \"sections\": [{\"criteria\": ["
    "   {\"code\": \"1\", \"max\": 60, \"options\": [{\"points\": 20}, {\"points\": 60, \"min_star\": 5}]},"
    "   {\"code\": \"2\", \"max\": 40, \"options\": [{\"points\": 40}]}]}]}]}]}";

static void test_numbers_from_data(void **state) {
    (void)state;
    Rubric r;
    Err e = ERR_INIT;
    assert_int_equal(rubric_parse(&r, "test", TEST_SHEET, strlen(TEST_SHEET), &e), 0);
    assert_int_equal(rubric_band(&r, 80), 5);
    assert_int_equal(rubric_band(&r, 79.99), 4);
    assert_int_equal(rubric_band(&r, 60), 4);
    assert_int_equal(rubric_band(&r, 45), 3);
    assert_int_equal(rubric_band(&r, 39.99), 2);
    assert_int_equal(rubric_band(&r, 19), 1);
    assert_true(rubric_certified_min(&r) == 60);
    assert_int_equal(rubric_certified_stars(&r), 4);
    assert_string_equal(rubric_band_of(&r, 5)->recognised_at, "ministry");
    assert_false(rubric_band_of(&r, 2)->certified);
    assert_int_equal(rubric_samples(&r, 1), 3);
    assert_int_equal(rubric_samples(&r, 2), 0);
    assert_true(rubric_rule_num(&r, "certificate_valid_months") == 24);
    /* Its sheet ranks on its bands: 20 + 40 = 60 points is 4★ here (3★ under QĐ 26/2026);
    ** 2 is met or not. */
    const RubSet *s = rubric_set(&r, 1);
    assert_non_null(s);
    assert_true(s->leaves[1].met_or_not);
    RubResult res;
    json_t *c = json_pack("{s:i, s:i}", "1", 0, "2", 0);
    assert_int_equal(rubric_evaluate(s, c, NULL, &res, &e), 0);
    json_decref(c);
    assert_int_equal(res.total, 60);
    assert_int_equal(res.band, 4);
    assert_int_equal(res.stars, 4);
    rubric_result_free(&res);
    c = json_pack("{s:i, s:s}", "1", 1, "2", RUBRIC_NOT_MET);
    assert_int_equal(rubric_evaluate(s, c, NULL, &res, &e), 0);
    json_decref(c);
    assert_int_equal(res.total, 60);
    rubric_result_free(&res);
    rubric_release(&r);
    /* Unusable bands are refused, not guessed. */
    const char *bad = "{\"star_bands\": [{\"stars\": 9, \"min\": 1}], \"sets\": []}";
    assert_int_equal(rubric_parse(&r, "bad", bad, strlen(bad), &e), -1);
    assert_string_equal(e.field, "star_bands");
    assert_int_equal(rubric_parse(&r, "bad", "{", 1, &e), -1);
}

/* The rules of the law in force are those of QĐ 26/2026/QĐ-TTg, each citing its article; the
** sheet in force changes on its effective date. */
static void test_rules_in_force(void **state) {
    (void)state;
    const Rubric *r = rubric_current();
    assert_string_equal(r->version, "26-2026");
    assert_true(rubric_rule_num(r, "certificate_valid_months") == 36);
    assert_true(rubric_rule_num(r, "reevaluation_opens_days") == 180);
    assert_true(rubric_rule_num(r, "reevaluation_closes_days") == 120);
    assert_true(rubric_rule_num(r, "commune_check_working_days") == 15);
    assert_int_equal(rubric_samples(r, 7), 5);
    assert_int_equal(rubric_samples(r, 26), 0);
    assert_non_null(strstr(json_string_value(json_object_get(rubric_rule(r, "certificate_valid_months"), "law")), "Điều 4.3"));
    assert_true(rubric_certified_min(r) == 50);
    assert_int_equal(rubric_certified_stars(r), 3);
    assert_string_equal(rubric_band_of(r, 5)->recognised_at, "ministry");
    assert_string_equal(rubric_band_of(r, 4)->recognised_at, "province");
    assert_string_equal(rubric_in_force("2026-05-22")->version, "26-2026");
    assert_string_equal(rubric_in_force("2026-05-21")->version, "148-2023");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded),          cmocka_unit_test(test_bands),
        cmocka_unit_test(test_all_best),        cmocka_unit_test(test_five_falls_to_four),
        cmocka_unit_test(test_four_falls_to_three), cmocka_unit_test(test_three_falls_to_two),
        cmocka_unit_test(test_lowest),          cmocka_unit_test(test_missing),
        cmocka_unit_test(test_branches),        cmocka_unit_test(test_subcriteria),
        cmocka_unit_test(test_148_criterion_marker), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_stopped),         cmocka_unit_test(test_not_met),
        cmocka_unit_test(test_held_back),       cmocka_unit_test(test_numbers_from_data),
        cmocka_unit_test(test_rules_in_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
