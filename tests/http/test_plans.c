/*
** test_plans.c: plans, targets and tasks over real HTTP (plan.c, docs/plans.md): a province's
** yearly plan with its targets and tasks, its progress computed live (and checked against the
** indicators it names), an An Giang plan of 2023 set per district on the old map and followed
** after 2025, copying a plan to the next year, a task's progress, who may write, and every kind
** of bad input refused with the field named and nothing saved.
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
#include "util.h"

DEMO_SERVER(S)

static char tinh[300]; /* a Vĩnh Long officer's Authorization header */

static json_t *post_plan(const char *auth, const char *json, long status, const char *field) {
    const char *h[] = {auth, NULL};
    Resp r = http_req_h(&S, auth ? h : NULL, "POST", "/api/v1/plans", "application/json", json, strlen(json));
    expect_status(&r, status, field);
    json_t *out = json_incref(r.json);
    resp_free(&r);
    return out;
}

static long long plans_count(void) {
    Resp r = http_get(&S, "/api/v1/plans?per_page=1");
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

static const char VINH_LONG_2026[] =
    "{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\","
    " \"title\": \"Kế hoạch thực hiện Chương trình OCOP năm 2026\","
    " \"document\": {\"no\": \"120/KH-UBND\", \"date\": \"2026-02-10\", \"issuer\": \"Ủy ban nhân dân tỉnh Vĩnh Long\"},"
    " \"targets\": [{\"indicator\": \"new_4star\", \"min\": 8, \"label\": \"Ít nhất 8 sản phẩm 4 sao mới\"},"
    "  {\"indicator\": \"products_3plus\", \"min\": 1},"
    "  {\"indicator\": \"communes_covered\", \"each\": \"commune\", \"min\": 1},"
    "  {\"indicator\": \"new_3plus\", \"min\": 40, \"max\": 50},"
    "  {\"indicator\": \"dossiers_to_ministry\", \"min\": 3}],"
    " \"tasks\": [{\"title\": \"Rà soát sản phẩm hết hạn\", \"agency\": \"Sở Nông nghiệp và Môi trường\", \"due_on\": \"2026-06-30\"}]}";

static int setup_group(void **state) {
    setup(state);
    srv_user(&S, "plan_tinh", (const char *const[]){"province:86", NULL});
    char *t = srv_token(&S, "plan_tinh", "write");
    snprintf(tinh, sizeof tinh, "Authorization: Bearer %s", t);
    free(t);
    return 0;
}

/* A province's plan: written by its officer, read by anyone, its progress from the indicators. */
static void test_province_plan(void **state) {
    (void)state;
    json_t *p = post_plan(tinh, VINH_LONG_2026, 201, NULL);
    long long id = json_integer_value(json_object_get(p, "id"));
    assert_string_equal(json_string_value(json_object_get(p, "unit_name")), "Tỉnh Vĩnh Long");
    assert_string_equal(json_string_value(json_object_get(p, "province_code")), "86");
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "document"), "no")), "120/KH-UBND");
    assert_int_equal(json_array_size(json_object_get(p, "targets")), 5);
    assert_int_equal(json_array_size(json_object_get(p, "tasks")), 1);
    json_decref(p);
    char path[96];
    /* the progress on a day of the year, as anyone sees it: dossier counts hidden */
    snprintf(path, sizeof path, "/api/v1/plans/%lld/progress?date=2026-07-02", id);
    const char *anon[] = {NULL};
    Resp r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    json_t *t = json_object_get(r.json, "targets");
    assert_int_equal(json_array_size(t), 5);
    assert_true(json_real_value(json_object_get(r.json, "elapsed")) > 0.49 && json_real_value(json_object_get(r.json, "elapsed")) < 0.51);
    json_t *t0 = json_array_get(t, 0), *t1 = json_array_get(t, 1), *t2 = json_array_get(t, 2), *t4 = json_array_get(t, 4);
    /* new 4★ products: the value is the indicator's over the year so far; 8 × half a year expected */
    Resp ind = http_req_h(&S, anon, "GET", "/api/v1/indicators/new_4star?unit=86&from=2026-01-01&date=2026-07-02&rows=false", NULL,
                          NULL, 0);
    assert_true(json_number_value(json_object_get(t0, "value")) == json_number_value(json_object_get(ind.json, "value")));
    resp_free(&ind);
    assert_true(json_number_value(json_object_get(t0, "expected")) > 3.9 && json_number_value(json_object_get(t0, "expected")) < 4.1);
    assert_string_equal(json_string_value(json_object_get(t1, "status")), "achieved"); /* the demo's products in force */
    assert_string_equal(json_string_value(json_object_get(t0, "status")), "at_risk");
    /* each commune: every one listed with its own status, the target met by some */
    json_t *units = json_object_get(t2, "units");
    assert_true(json_array_size(units) > 100);
    assert_int_equal(jint(t2, "of"), (long long)json_array_size(units));
    assert_true(jint(t2, "met") > 0 && jint(t2, "met") < jint(t2, "of"));
    assert_string_equal(json_string_value(json_object_get(t2, "status")), "at_risk");
    assert_string_equal(json_string_value(json_object_get(t4, "status")), "hidden");
    assert_null(json_object_get(t4, "value"));
    resp_free(&r);
    /* an officer sees the dossier count; after the year the misses are missed */
    const char *h[] = {tinh, NULL};
    snprintf(path, sizeof path, "/api/v1/plans/%lld/progress?date=2027-01-15", id);
    r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(r.json, "date")), "2026-12-31");
    t = json_object_get(r.json, "targets");
    assert_non_null(json_object_get(json_array_get(t, 4), "value"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(t, 0), "status")), "missed");
    resp_free(&r);
    /* before the year: not started */
    snprintf(path, sizeof path, "/api/v1/plans/%lld/progress?date=2025-12-01", id);
    r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "targets"), 0), "status")),
                        "not_started");
    resp_free(&r);
    /* a task's progress */
    snprintf(path, sizeof path, "/api/v1/plans/%lld", id);
    r = http_get(&S, path);
    long long task = json_integer_value(json_object_get(json_array_get(json_object_get(r.json, "tasks"), 0), "id"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/plans/%lld/tasks/%lld", id, task);
    const char *upd = "{\"status\": \"doing\", \"progress\": \"Đã rà soát 12 sản phẩm\"}";
    r = http_req_h(&S, h, "PATCH", path, "application/json", upd, strlen(upd));
    expect_status(&r, 200, NULL);
    json_t *t_0 = json_array_get(json_object_get(r.json, "tasks"), 0);
    assert_string_equal(json_string_value(json_object_get(t_0, "status")), "doing");
    assert_string_equal(json_string_value(json_object_get(t_0, "progress")), "Đã rà soát 12 sản phẩm");
    resp_free(&r);
    const char *wrong = "{\"status\": \"finished\"}";
    r = http_req_h(&S, h, "PATCH", path, "application/json", wrong, strlen(wrong));
    expect_status(&r, 422, "status");
    resp_free(&r);
    /* copied to the next year: the targets and tasks, the tasks to do again, no document */
    snprintf(path, sizeof path, "/api/v1/plans/%lld/copy", id);
    const char *next = "{\"from\": \"2027-01-01\", \"to\": \"2027-12-31\"}";
    r = http_req_h(&S, h, "POST", path, "application/json", next, strlen(next));
    expect_status(&r, 201, NULL);
    assert_int_equal(json_array_size(json_object_get(r.json, "targets")), 5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "tasks"), 0), "status")), "todo");
    assert_true(json_is_null(json_object_get(json_object_get(r.json, "document"), "no")));
    assert_int_equal(json_integer_value(json_object_get(r.json, "copied_from")), id);
    resp_free(&r);
    r = http_get(&S, "/api/v1/plans?unit=86&year=2027");
    assert_int_equal(jint(r.json, "total"), 1);
    resp_free(&r);
}

/* A 2023 plan of An Giang set per district on the old map, followed in 2026 on that map. */
static void test_old_map_plan(void **state) {
    (void)state;
    const char *plan = "{\"unit\": \"89\", \"from\": \"2023-01-01\", \"to\": \"2025-12-31\", \"geography\": \"pre2025\","
                       " \"title\": \"Kế hoạch 363/KH-UBND\", \"document\": {\"no\": \"363/KH-UBND\", \"date\": \"2023-05-15\"},"
                       " \"targets\": [{\"indicator\": \"new_3plus\", \"each\": \"district\", \"min\": 1, \"max\": 2},"
                       " {\"indicator\": \"districts_coverage_pct\", \"min\": 100}]}";
    /* An Giang's old province went to An Giang (91): not Vĩnh Long's officer's */
    json_t *p = post_plan(tinh, plan, 403, "unit");
    json_decref(p);
    p = post_plan(NULL, plan, 201, NULL); /* the administrator */
    assert_string_equal(json_string_value(json_object_get(p, "province_code")), "91");
    assert_string_equal(json_string_value(json_object_get(p, "geography")), "pre2025");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/plans/%lld/progress?date=2026-03-01", (long long)json_integer_value(json_object_get(p, "id")));
    json_decref(p);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    assert_string_equal(json_string_value(json_object_get(r.json, "date")), "2025-12-31");
    json_t *t0 = json_array_get(json_object_get(r.json, "targets"), 0);
    assert_int_equal(jint(t0, "of"), 11); /* An Giang's eleven districts */
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(t0, "units"), 0), "code")), "883");
    resp_free(&r);
}

/* Bad input: every problem named by its field, nothing saved. */
static void test_bad_input(void **state) {
    (void)state;
    long long before = plans_count();
    static const struct {
        const char *json, *field;
        long status;
    } bad[] = {
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"no_such\", \"min\": 1}]}", "targets[0].indicator", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"communes_coverage_pct\", \"min\": 120}]}", "targets[0].min", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"new_3plus\", \"min\": 50, \"max\": 40}]}", "targets[0].max", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-12-31\", \"to\": \"2026-01-01\", \"title\": \"x\"}", "to", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"new_3plus\", \"each\": \"district\", \"min\": 1}]}", "targets[0].each", 422},
        {"{\"unit\": \"28903\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"new_3plus\", \"each\": \"commune\", \"min\": 1}]}", "targets[0].each", 422},
        {"{\"unit\": \"83\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\"}", "unit", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\", \"geography\": \"pre2025\"}",
         "geography", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"targets\": [{\"indicator\": \"districts_coverage_pct\", \"min\": 50}]}", "targets[0].indicator", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\"}", "title", 422},
        {"{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"x\","
         " \"tasks\": [{\"title\": \"y\", \"status\": \"finished\", \"due_on\": \"2026-02-30\"}]}", "tasks[0].due_on", 422},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *h[] = {tinh, NULL};
        Resp r = http_req_h(&S, h, "POST", "/api/v1/plans", "application/json", bad[i].json, strlen(bad[i].json));
        if (r.status != bad[i].status) fail_msg("case %zu: %ld %s", i, r.status, r.body);
        /* the field at fault is among the problems listed */
        bool named = false;
        size_t k;
        json_t *p;
        json_array_foreach(json_object_get(r.json, "errors"), k, p) named |= str_eq(json_string_value(json_object_get(p, "field")), bad[i].field);
        if (!named) fail_msg("case %zu: %s not named in %s", i, bad[i].field, r.body);
        resp_free(&r);
    }
    assert_int_equal(plans_count(), before);
    /* in the caller's language */
    const char *vi[] = {tinh, "Accept-Language: vi", NULL};
    Resp r = http_req_h(&S, vi, "POST", "/api/v1/plans", "application/json", bad[2].json, strlen(bad[2].json));
    assert_non_null(strstr(json_string_value(json_object_get(r.json, "detail")), "ngược"));
    resp_free(&r);
    /* anonymous: 401, and another province's plan cannot be changed by this officer */
    json_t *p = post_plan(NULL, "{\"unit\": \"01\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"Hà Nội 2026\"}", 201,
                          NULL);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/plans/%lld", (long long)json_integer_value(json_object_get(p, "id")));
    json_decref(p);
    const char *anon[] = {NULL};
    r = http_req_h(&S, anon, "DELETE", path, NULL, NULL, 0);
    expect_status(&r, 401, NULL);
    resp_free(&r);
    const char *h[] = {tinh, NULL};
    r = http_req_h(&S, h, "DELETE", path, NULL, NULL, 0);
    expect_status(&r, 403, "unit");
    resp_free(&r);
    r = http_req(&S, "DELETE", path, NULL, NULL, 0);
    expect_status(&r, 204, NULL);
    resp_free(&r);
    r = http_get(&S, path);
    expect_status(&r, 404, "id");
    resp_free(&r);
}

/* The province's progress page and a plan's page, as its officer uses them (the demo's plan). */
static void test_pages(void **state) {
    (void)state;
    Browser b, xa;
    browser_sign_in(&b, &S, "tinh.vinhlong", "demo-ocop-2026");
    browser_sign_in(&xa, &S, "xa.mocay", "demo-ocop-2026");
    Resp r = browser_get(&b, "/tinh/tien-do");
    expect_page(&r, 200);
    body_has(&r, "<h1>Tiến độ thực hiện OCOP của tỉnh</h1>");
    body_has(&r, "Sản phẩm OCOP còn hiệu lực");
    body_has(&r, "Đơn vị hành chính cấp xã có sản phẩm OCOP");
    body_has(&r, "Kế hoạch thực hiện Chương trình OCOP tỉnh Vĩnh Long năm");
    body_has(&r, "Công nhận mới ít nhất 8 sản phẩm 4 sao");
    body_has(&r, "<meter min=\"0\"");
    assert_null(strstr(r.body, "666666")); /* a meter's fallback text is the value as written, not a raw float */
    body_has(&r, "Sản phẩm còn hiệu lực theo số sao"); /* a chart */
    body_has(&r, "Xã Mỏ Cày");
    resp_free(&r);
    /* the demo's plan of this year */
    char q[64];
    snprintf(q, sizeof q, "/api/v1/plans?unit=86&year=%.4s", vn_day(0));
    r = http_get(&S, q);
    long long id = 0;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
        if (strstr(json_string_value(json_object_get(it, "title")), "(demo)")) id = json_integer_value(json_object_get(it, "id"));
    resp_free(&r);
    assert_true(id > 0);
    /* the communes with most products first: Mỏ Cày (the demo's producer) before the rest */
    r = browser_get(&b, "/tinh/tien-do?sort=products");
    expect_page(&r, 200);
    const char *table = strstr(r.body, "<tbody>\n<tr><th scope=\"row\">");
    assert_non_null(table);
    assert_true(strstr(table, "Xã Mỏ Cày") < strstr(table, "Phường Phú Khương"));
    resp_free(&r);
    browser_shows(&xa, "/tinh/tien-do", 403, "Cán bộ OCOP cấp tỉnh");
    /* the country's, for the Ministry: by province */
    Browser bo;
    browser_sign_in(&bo, &S, "bo.vanphong", "demo-ocop-2026");
    r = browser_get(&bo, "/bo/tien-do?sort=products");
    expect_page(&r, 200);
    body_has(&r, "<h1>Tiến độ thực hiện OCOP cả nước</h1>");
    body_has(&r, "<th scope=\"col\">Tỉnh, thành phố</th>");
    table = strstr(r.body, "<tbody>\n<tr><th scope=\"row\">Tỉnh Vĩnh Long"); /* the demo's province first */
    assert_non_null(table);
    resp_free(&r);
    browser_shows(&b, "/bo/tien-do", 403, "Cán bộ OCOP cấp Bộ");
    /* the plan: its targets and tasks; a task's status saved from its form */
    char path[96];
    snprintf(path, sizeof path, "/tinh/ke-hoach/%lld", id);
    r = browser_get(&b, path);
    expect_page(&r, 200);
    body_has(&r, "45/KH-UBND");
    body_has(&r, "Rà soát các sản phẩm có giấy chứng nhận sắp hết hạn");
    body_has(&r, "Các đơn vị chưa đạt");
    const char *form = strstr(r.body, "class=\"task\" method=\"post\" action=\"");
    assert_non_null(form);
    form += strlen("class=\"task\" method=\"post\" action=\"");
    char action[128];
    snprintf(action, sizeof action, "%.*s", (int)strcspn(form, "\""), form);
    resp_free(&r);
    r = browser_post(&b, action, "status=done&progress=%s", form_enc("Xong, 15 sản phẩm"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/plans/%lld", id);
    r = http_get(&S, path);
    json_t *t0 = json_array_get(json_object_get(r.json, "tasks"), 0);
    assert_string_equal(json_string_value(json_object_get(t0, "status")), "done");
    assert_string_equal(json_string_value(json_object_get(t0, "progress")), "Xong, 15 sản phẩm");
    resp_free(&r);
    r = browser_post(&b, action, "status=finished");
    expect_page(&r, 422);
    resp_free(&r);
    /* the progress and the communes as files: numbers as numbers */
    snprintf(path, sizeof path, "/tinh/ke-hoach/%lld?format=csv", id);
    r = browser_get(&b, path);
    expect_status(&r, 200, NULL);
    body_has(&r, "Chỉ tiêu,Diễn giải theo văn bản,Áp dụng cho,Tối thiểu,Tối đa,Hiện đạt,Cần đạt đến nay,Trạng thái");
    body_has(&r, "Sản phẩm 4 sao mới,Công nhận mới ít nhất 8 sản phẩm 4 sao,Toàn tỉnh,8,");
    body_has(&r, "Đơn vị hành chính cấp xã có sản phẩm OCOP — Xã Mỏ Cày,,,,,1,,Đã đạt");
    resp_free(&r);
    r = browser_get(&b, "/tinh/tien-do?format=xlsx");
    expect_status(&r, 200, NULL);
    assert_true(r.len > 1000 && !memcmp(r.body, "PK", 2));
    resp_free(&r);
    /* another province's plan is not there for this officer */
    json_t *p = post_plan(NULL, "{\"unit\": \"91\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"An Giang\"}", 201, NULL);
    snprintf(path, sizeof path, "/tinh/ke-hoach/%lld", (long long)json_integer_value(json_object_get(p, "id")));
    json_decref(p);
    browser_shows(&b, path, 404, NULL);
}

/* A plan recorded, changed and copied from its form, as an officer who does not write JSON. */
static void test_form(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "tinh.vinhlong", "demo-ocop-2026");
    Resp r = browser_get(&b, "/tinh/ke-hoach/moi");
    expect_page(&r, 200);
    body_has(&r, "<h1>Lập kế hoạch mới</h1>");
    body_has(&r, "id=\"t4-indicator\""); /* five rows of targets */
    assert_null(strstr(r.body, "id=\"t5-indicator\""));
    assert_null(strstr(r.body, "has_errors")); /* no template comment leaks into the page */
    resp_free(&r);
    long long before = plans_count();
    /* more rows, what was typed kept */
    r = browser_post(&b, "/tinh/ke-hoach/moi", "rows_t=5&rows_k=5&title=%s&t0_indicator=new_4star&t0_min=8&more_targets=1",
                     form_enc("Kế hoạch bổ sung"));
    expect_page(&r, 200);
    body_has(&r, "id=\"t7-indicator\"");
    body_has(&r, "value=\"Kế hoạch bổ sung\"");
    body_has(&r, "<option value=\"new_4star\" selected>");
    resp_free(&r);
    /* mistakes: each beside its field, in Vietnamese, nothing saved */
    r = browser_post(&b, "/tinh/ke-hoach/moi",
                     "rows_t=5&rows_k=5&title=%s&from=2026-01-01&to=2026-12-31&t0_indicator=communes_coverage_pct&t0_min=120"
                     "&t2_indicator=new_3plus&t2_min=50&t2_max=40&k1_title=&k1_due_on=2026-02-30",
                     form_enc("Kế hoạch bổ sung"));
    expect_page(&r, 422);
    body_has(&r, "id=\"t0-min-error\">Mức tối thiểu là tỷ lệ phần trăm: tối đa 100");
    body_has(&r, "id=\"t2-max-error\">khoảng bị ngược");
    body_has(&r, "id=\"k1-due_on-error\">Thời hạn phải là ngày");
    body_has(&r, "id=\"k1-title-error\">cần nhập tên nhiệm vụ");
    body_has(&r, "value=\"120\"");
    resp_free(&r);
    assert_int_equal(plans_count(), before);
    /* a good one: its page */
    r = browser_post(&b, "/tinh/ke-hoach/moi",
                     "rows_t=5&rows_k=5&title=%s&from=2026-07-01&to=2026-12-31&doc_no=88%%2FKH-UBND&t0_indicator=new_3plus"
                     "&t0_min=12%%2C5&t1_indicator=communes_covered&t1_each=commune&t1_min=1&k0_title=%s&k0_agency=%s&k0_status=todo",
                     form_enc("Kế hoạch bổ sung 6 tháng cuối năm"), form_enc("Tập huấn cho chủ thể"), form_enc("Sở Công Thương"));
    expect_status(&r, 303, NULL);
    const char *loc = resp_header_value(&r, "Location");
    long long id = 0;
    assert_int_equal(sscanf(loc, "/tinh/ke-hoach/%lld?done=saved", &id), 1);
    resp_free(&r);
    assert_int_equal(plans_count(), before + 1);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/plans/%lld", id);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "title"), "Kế hoạch bổ sung 6 tháng cuối năm");
    assert_true(json_real_value(json_object_get(json_array_get(json_object_get(r.json, "targets"), 0), "min")) == 12.5);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "targets"), 1), "each")), "commune");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "tasks"), 0), "agency")), "Sở Công Thương");
    resp_free(&r);
    /* its form, filled; changed */
    snprintf(path, sizeof path, "/tinh/ke-hoach/%lld/sua", id);
    r = browser_get(&b, path);
    expect_page(&r, 200);
    body_has(&r, "value=\"Kế hoạch bổ sung 6 tháng cuối năm\"");
    body_has(&r, "value=\"12,5\"");
    body_has(&r, "value=\"88/KH-UBND\"");
    resp_free(&r);
    r = browser_post(&b, path, "rows_t=4&rows_k=3&title=%s&from=2026-07-01&to=2026-12-31&t0_indicator=new_3plus&t0_min=15",
                     form_enc("Kế hoạch 6 tháng cuối năm"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/plans/%lld", id);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "title"), "Kế hoạch 6 tháng cuối năm");
    assert_int_equal(json_array_size(json_object_get(r.json, "targets")), 1);
    resp_free(&r);
    /* copied to the next year: to its form */
    snprintf(path, sizeof path, "/tinh/ke-hoach/%lld/sao-chep", id);
    r = browser_post(&b, path, "%s", "");
    expect_status(&r, 303, NULL);
    long long copy = 0;
    assert_int_equal(sscanf(resp_header_value(&r, "Location"), "/tinh/ke-hoach/%lld/sua", &copy), 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/plans/%lld", copy);
    r = http_get(&S, path);
    assert_string_equal(jstr(r.json, "from"), "2027-07-01");
    assert_string_equal(jstr(r.json, "to"), "2027-12-31");
    resp_free(&r);
    /* the list */
    r = browser_get(&b, "/tinh/ke-hoach");
    expect_page(&r, 200);
    body_has(&r, "Kế hoạch 6 tháng cuối năm");
    body_has(&r, "01/07/2027 – 31/12/2027");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_province_plan),
        cmocka_unit_test(test_old_map_plan),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_pages),
        cmocka_unit_test(test_form),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown);
}
