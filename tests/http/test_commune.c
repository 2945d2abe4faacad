/*
** test_commune.c: the commune officer's workspace (page_commune.c) on the demo, as xa.mocay
** in a browser: what waits on /lam-viec, the inbox with its deadlines and overdue flag, a
** dossier's completeness check and the commune's report (Mẫu 03) saved and then forwarded, a
** return that needs its comment, a stale form that changes nothing, the producers and products
** of the commune, a self-registered account confirmed; other roles get 403 and another
** commune's dossier 404; the pages in English.
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

/* S: a server with the demo data, for the whole group (setup, teardown). */
DEMO_SERVER(S)

/* The ids of the demo's dossiers in state, by id (at most 4; *n how many). */
static void dossiers_in(const char *state, long long ids[4], int *n) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers?state=%s&sort=id", state);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    json_t *items = json_object_get(r.json, "items");
    *n = 0;
    for (size_t i = 0; i < json_array_size(items) && i < 4; i++) ids[(*n)++] = jint(json_array_get(items, i), "id");
    resp_free(&r);
}

/* The dossier as the API shows it (the caller frees). */
static json_t *dossier(long long id) {
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    json_t *d = json_incref(r.json);
    resp_free(&r);
    return d;
}

static const char *state_of(long long id) {
    static char out[32];
    json_t *d = dossier(id);
    snprintf(out, sizeof out, "%s", jstr(d, "state"));
    json_decref(d);
    return out;
}

static void test_needs_and_inbox(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    Resp r = browser_get(&b, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "Hồ sơ chờ tiếp nhận");
    body_has(&r, "Hồ sơ đang kiểm tra (15 ngày làm việc)");
    body_has(&r, "<strong>Quá hạn</strong>"); /* the demo's overdue dossier */
    body_has(&r, "href=\"/xa/ho-so?state=with_commune\"");
    resp_free(&r);

    r = browser_get(&b, "/xa/ho-so");
    expect_page(&r, 200);
    body_has(&r, "<h1>Hồ sơ của xã</h1>");
    body_has(&r, "<a href=\"/xa/ho-so\" aria-current=\"page\">");
    body_has(&r, "Kẹo dừa lá dứa Thanh Long");
    body_has(&r, "Hợp tác xã Kẹo dừa Thanh Long");
    body_has(&r, "<strong class=\"overdue\">Quá hạn</strong> · hạn ");
    body_has(&r, "Xã đang kiểm tra");
    /* deadline first: the overdue one (being checked, earliest deadline) leads the list */
    const char *first = strstr(r.body, "<div class=\"dossier");
    assert_non_null(first);
    assert_true(strncmp(first, "<div class=\"dossier overdue\">", 29) == 0);
    resp_free(&r);

    /* the overdue filter, with its count; search by name without diacritics and by number */
    browser_shows(&b, "/xa/ho-so?overdue=true", 200, "<p class=\"count\">1 kết quả</p>");
    r = browser_get(&b, "/xa/ho-so?q=ben+tre+xua");
    expect_page(&r, 200);
    body_has(&r, "Kẹo dừa Bến Tre Xưa hộp quà");
    assert_null(strstr(r.body, "Thanh Long</a>"));
    resp_free(&r);
    /* by its registration number (the demo's earlier years have numbers of their own) */
    Resp one = http_get(&S, "/api/v1/dossiers?state=submitted&sort=id");
    expect_status(&one, 200, NULL);
    char q[160];
    snprintf(q, sizeof q, "/xa/ho-so?q=%s", form_enc(jstr(one.json, "items.0.reg_no")));
    resp_free(&one);
    browser_shows(&b, q, 200, "<p class=\"count\">1 kết quả</p>");
    /* the same search and order through the JSON API (the dossiers' search_sql and sort key) */
    Resp a = http_get(&S, "/api/v1/dossiers?q=b%E1%BA%BFn%20tre&sort=deadline");
    expect_status(&a, 200, NULL);
    assert_true(jint(a.json, "total") >= 1);
    json_t *items = json_object_get(a.json, "items");
    for (size_t i = 0; i < json_array_size(items); i++)
        assert_string_equal(jstr(json_array_get(items, i), "product.name"), "Kẹo dừa Bến Tre Xưa hộp quà");
    assert_string_equal(jstr(items, "0.state"), "with_commune"); /* deadline first */
    resp_free(&a);
    /* a value the list does not know is named, not a crash */
    browser_shows(&b, "/xa/ho-so?state=lost", 400, NULL);
    /* the download keeps the filters */
    r = browser_get(&b, "/xa/ho-so?state=with_commune&format=csv");
    expect_status(&r, 200, NULL);
    body_has(&r, "07/PĐK-86-28903-");
    assert_null(strstr(r.body, "01/PĐK-86-28903-"));
    resp_free(&r);
}

static void test_report_and_forward(void **state) {
    (void)state;
    long long ids[4];
    int n;
    dossiers_in("with_commune", ids, &n);
    assert_true(n >= 1);
    long long id = ids[0]; /* the one within its deadline (the overdue one came later) */
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    char page[64], post[64], step[64];
    snprintf(page, sizeof page, "/xa/ho-so/%lld", id);
    snprintf(post, sizeof post, "/xa/ho-so/%lld/mau-03", id);
    snprintf(step, sizeof step, "/ho-so/%lld/buoc", id);
    Resp r = browser_get(&b, page);
    expect_page(&r, 200);
    body_has(&r, "Kiểm tra thành phần hồ sơ");
    body_has(&r, "Phiếu đăng ký (Mẫu 01)");
    body_has(&r, "Kết quả tự đánh giá của chủ thể (Mẫu 02)");
    body_has(&r, "Số sao tự đánh giá");
    body_has(&r, "Sản phẩm và nguyên liệu có nguồn gốc tại địa phương");
    body_has(&r, "name=\"identity_met\" value=\"no\"");
    body_has(&r, "Hãy lưu báo cáo (Mẫu 03) trước khi chuyển hồ sơ lên tỉnh.");
    body_has(&r, "Ý kiến gửi chủ thể (bắt buộc)"); /* the return step's comment */
    resp_free(&r);

    /* forwarding without the report: the domain's refusal, nothing changed */
    r = browser_post(&b, step, "action=forward&from=with_commune&next=%s", form_enc(page));
    expect_page(&r, 422);
    resp_free(&r);
    assert_string_equal(state_of(id), "with_commune");

    /* an item without its choice: the form again, the error beside it, the notes kept */
    r = browser_post(&b, post, "from=with_commune&origin_met=yes&origin_note=%s&labour_met=yes&idea_met=no",
                     form_enc("Dừa trồng tại xã"));
    expect_page(&r, 422);
    body_has(&r, "Sản phẩm mang bản sắc, đặc trưng của địa phương: chọn đạt hoặc không đạt");
    body_has(&r, "href=\"#m-identity-yes\"");
    body_has(&r, ">Dừa trồng tại xã</textarea>");
    body_has(&r, "id=\"m-idea-no\" name=\"idea_met\" value=\"no\" checked");
    resp_free(&r);
    json_t *d = dossier(id);
    assert_true(json_is_null(json_object_get(d, "commune_report")));
    json_decref(d);

    /* the whole report */
    r = browser_post(&b, post,
                     "from=with_commune&origin_met=yes&origin_note=%s&labour_met=yes&idea_met=yes&identity_met=no"
                     "&identity_note=%s&report_comment=%s",
                     form_enc("Dừa trồng tại xã"), form_enc("Bao bì chưa thể hiện bản sắc"), form_enc("Đủ điều kiện"));
    expect_status(&r, 303, NULL);
    char done[96];
    snprintf(done, sizeof done, "%s?done=report", page);
    assert_string_equal(resp_header_value(&r, "Location"), done);
    resp_free(&r);
    d = dossier(id);
    assert_true(jpath(d, "commune_report.items.origin.met") == json_true());
    assert_true(jpath(d, "commune_report.items.identity.met") == json_false());
    assert_string_equal(jstr(d, "commune_report.items.identity.note"), "Bao bì chưa thể hiện bản sắc");
    assert_string_equal(jstr(d, "commune_report.comment"), "Đủ điều kiện");
    assert_string_equal(jstr(d, "commune_report.assessed_by"), "xa.mocay");
    json_decref(d);
    r = browser_get(&b, done);
    expect_page(&r, 200);
    body_has(&r, "Đã lưu báo cáo của xã (Mẫu 03).");
    body_has(&r, "id=\"m-identity-no\" name=\"identity_met\" value=\"no\" checked");
    body_has(&r, ">Bao bì chưa thể hiện bản sắc</textarea>");
    assert_null(strstr(r.body, "Hãy lưu báo cáo (Mẫu 03) trước khi"));
    resp_free(&r);

    /* then forward */
    r = browser_post(&b, step, "action=forward&from=with_commune&next=%s", form_enc(page));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(state_of(id), "forwarded");
    snprintf(done, sizeof done, "%s?done=forward", page);
    r = browser_get(&b, done);
    expect_page(&r, 200);
    body_has(&r, "Đã chuyển hồ sơ lên tỉnh.");
    body_has(&r, "Đã chuyển lên tỉnh");
    body_has(&r, "<strong>Không đạt</strong> <span class=\"detail\">Bao bì chưa thể hiện bản sắc</span>");
    assert_null(strstr(r.body, "class=\"mau03\""));
    resp_free(&r);

    /* the report's form from the stale page: nothing changes */
    r = browser_post(&b, post, "from=with_commune&origin_met=no&labour_met=no&idea_met=no&identity_met=no");
    expect_page(&r, 409);
    body_has(&r, "không có gì bị thay đổi");
    resp_free(&r);
    d = dossier(id);
    assert_true(jpath(d, "commune_report.items.origin.met") == json_true());
    json_decref(d);
}

static void test_return_needs_comment(void **state) {
    (void)state;
    long long ids[4];
    int n;
    dossiers_in("submitted", ids, &n);
    assert_true(n >= 1);
    long long id = ids[0];
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    char page[64], step[64];
    snprintf(page, sizeof page, "/xa/ho-so/%lld", id);
    snprintf(step, sizeof step, "/ho-so/%lld/buoc", id);
    /* before reception there is no report form yet */
    Resp r = browser_get(&b, page);
    expect_page(&r, 200);
    body_has(&r, "Xã lập báo cáo sau khi tiếp nhận hồ sơ.");
    body_has(&r, ">Xã tiếp nhận</button>");
    resp_free(&r);
    r = browser_post(&b, step, "action=receive&from=submitted&next=%s", form_enc(page));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(state_of(id), "with_commune");

    r = browser_post(&b, step, "action=return&from=with_commune&comment=&next=%s", form_enc(page));
    expect_page(&r, 422);
    resp_free(&r);
    assert_string_equal(state_of(id), "with_commune");

    r = browser_post(&b, step, "action=return&from=with_commune&comment=%s&next=%s", form_enc("Bổ sung ảnh nhãn"),
                     form_enc(page));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(state_of(id), "returned");
    char done[96];
    snprintf(done, sizeof done, "%s?done=return", page);
    r = browser_get(&b, done);
    expect_page(&r, 200);
    body_has(&r, "Đã trả hồ sơ cho chủ thể kèm ý kiến của bạn.");
    body_has(&r, "<blockquote>Bổ sung ảnh nhãn</blockquote>");
    resp_free(&r);
}

static void test_producers_products(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    Resp r = browser_get(&b, "/xa/chu-the");
    expect_page(&r, 200);
    body_has(&r, "<h1>Chủ thể trong xã</h1>");
    body_has(&r, "Hợp tác xã Kẹo dừa Thanh Long");
    body_has(&r, "Người đại diện: Nguyễn Thị Thanh"); /* personal data, in the officer's scope */
    assert_null(strstr(r.body, "Bưởi")); /* another commune's producers are not its own */
    resp_free(&r);
    /* the commune is the caller's: a commune_code in the URL does not widen it */
    browser_shows(&b, "/xa/chu-the?commune_code=28870", 200, "Hợp tác xã Kẹo dừa Thanh Long");
    r = browser_get(&b, "/xa/san-pham");
    expect_page(&r, 200);
    body_has(&r, "<h1>Sản phẩm trong xã</h1>");
    body_has(&r, "Kẹo dừa sầu riêng Thanh Long");
    assert_null(strstr(r.body, "Bưởi da xanh"));
    resp_free(&r);
}

static void test_confirm_account(void **state) {
    (void)state;
    Resp r = http_json(&S, "POST", "/api/v1/register",
                       "{\"username\": \"ho.tuyet\", \"password\": \"mat-khau-dai-2026\", \"phone\": \"0912345678\", "
                       "\"producer\": {\"type\": \"household\", \"name\": \"Hộ Nguyễn Thị Tuyết\", \"commune_code\": \"28903\"}}");
    expect_status(&r, 201, NULL);
    long long uid = jint(r.json, "id");
    resp_free(&r);
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    r = browser_get(&b, "/lam-viec");
    body_has(&r, "Tài khoản chủ thể chờ xác nhận");
    body_has(&r, "Hộ Nguyễn Thị Tuyết");
    resp_free(&r);
    r = browser_get(&b, "/xa/xac-nhan");
    expect_page(&r, 200);
    body_has(&r, "<h2>Hộ Nguyễn Thị Tuyết</h2>");
    body_has(&r, "0912345678");
    char action[64];
    snprintf(action, sizeof action, "/xa/xac-nhan/%lld", uid);
    body_has(&r, action);
    resp_free(&r);
    /* searched without diacritics; a search that finds nobody says so */
    r = browser_get(&b, "/xa/xac-nhan?q=nguyen+thi+tuyet");
    expect_page(&r, 200);
    body_has(&r, "<h2>Hộ Nguyễn Thị Tuyết</h2>");
    body_has(&r, "1 tài khoản đang chờ");
    resp_free(&r);
    r = browser_get(&b, "/xa/xac-nhan?q=khong+ai+ca");
    expect_page(&r, 200);
    body_has(&r, "0 tài khoản đang chờ");
    assert_null(strstr(r.body, "Hộ Nguyễn Thị Tuyết"));
    resp_free(&r);
    browser_shows(&b, "/xa/xac-nhan?page=0", 400, NULL);
    r = browser_post(&b, action, "%s", "");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/xa/xac-nhan?done=confirm");
    resp_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/users/%lld", uid);
    r = http_get(&S, path);
    assert_true(jpath(r.json, "roles.0.confirmed") == json_true());
    resp_free(&r);
    r = browser_get(&b, "/xa/xac-nhan?done=confirm");
    body_has(&r, "Đã xác nhận tài khoản");
    body_has(&r, "Không có tài khoản nào chờ bạn xác nhận.");
    resp_free(&r);
    /* twice: the domain says there is nothing left to confirm */
    r = browser_post(&b, action, "%s", "");
    expect_page(&r, 409);
    resp_free(&r);
}

static void test_outside(void **state) {
    (void)state;
    /* another commune's dossier: 404, as if it did not exist */
    Resp r = http_json(&S, "POST", "/api/v1/dossiers", "{\"kind\": \"first\", \"product_id\": 19}");
    expect_status(&r, 201, NULL);
    long long other = jint(r.json, "id");
    assert_string_equal(jstr(r.json, "commune_code"), "30316");
    resp_free(&r);
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    char page[64];
    snprintf(page, sizeof page, "/xa/ho-so/%lld", other);
    browser_shows(&b, page, 404, NULL);
    snprintf(page, sizeof page, "/xa/ho-so/%lld/mau-03", other);
    r = browser_post(&b, page, "from=draft&origin_met=yes");
    expect_page(&r, 404);
    resp_free(&r);
    r = browser_get(&b, "/xa/ho-so?format=csv");
    assert_null(strstr(r.body, "30316"));
    resp_free(&r);

    /* a province officer and a producer: the workspace is not theirs */
    Browser p;
    browser_sign_in(&p, &S, "tinh.vinhlong", "demo-ocop-2026");
    browser_shows(&p, "/xa/ho-so", 403, "Cán bộ OCOP cấp xã");
    browser_shows(&p, "/xa/xac-nhan", 403, NULL);
    browser_sign_in(&p, &S, "chuthe.thanhlong", "demo-ocop-2026");
    browser_shows(&p, "/xa/ho-so/1", 403, NULL);
    browser_shows(&p, "/xa/chu-the", 403, NULL);
}

static void test_english(void **state) {
    (void)state;
    long long ids[4];
    int n;
    dossiers_in("with_commune", ids, &n);
    assert_true(n >= 1);
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    snprintf(b.lang, sizeof b.lang, "en");
    char page[64];
    snprintf(page, sizeof page, "/xa/ho-so/%lld", ids[n - 1]); /* the overdue one */
    Resp r = browser_get(&b, page);
    expect_page(&r, 200);
    body_has(&r, "Completeness check");
    body_has(&r, "The commune&#39;s report on local origin (Mẫu 03)");
    body_has(&r, "The work is done by local people");
    body_has(&r, "<strong class=\"overdue\">Overdue</strong>");
    resp_free(&r);
    r = browser_get(&b, "/xa/ho-so");
    expect_page(&r, 200);
    body_has(&r, "<h1>Commune dossiers</h1>");
    body_has(&r, "What to do first (deadline)");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_and_inbox),     cmocka_unit_test(test_report_and_forward),
        cmocka_unit_test(test_return_needs_comment), cmocka_unit_test(test_producers_products),
        cmocka_unit_test(test_confirm_account),     cmocka_unit_test(test_outside),
        cmocka_unit_test(test_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
