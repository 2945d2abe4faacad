/*
** test_province.c: the province officer's workspace, first half (page_province.c): the
** dossiers of the province with their filters and download, a dossier's page and its steps
** (check, put in a round from the round's page, reject), a round opened, changed and closed,
** a council's members and advisory group, each form refusing bad input and stale pages with
** nothing written, and the pages closed to other roles (403) and to other provinces (404).
** On the demo (Vĩnh Long, 86): dossier 5 forwarded, 6 checked, round 1 with council 1.
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

static void officer(Browser *b) { browser_sign_in(b, &S, "tinh.vinhlong", "demo-ocop-2026"); }

/* The state of dossier id, through the API (as the administrator). */
static const char *state_of(long long id) {
    static char out[32];
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    snprintf(out, sizeof out, "%s", jstr(r.json, "state"));
    resp_free(&r);
    return out;
}

static long long count_of(const char *path) {
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

static void test_needs_and_lists(void **state) {
    (void)state;
    Browser b;
    officer(&b);
    Resp r = browser_get(&b, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "Hồ sơ xã đã chuyển lên, chờ tỉnh kiểm tra");
    body_has(&r, "Hồ sơ đã kiểm tra, chờ đưa vào đợt đánh giá");
    body_has(&r, "href=\"/tinh/ho-so/5\"");
    resp_free(&r);

    r = browser_get(&b, "/tinh/ho-so");
    expect_page(&r, 200);
    body_has(&r, "<h1>Hồ sơ của tỉnh</h1>");
    body_has(&r, "aria-current=\"page\">Hồ sơ của tỉnh</a>");
    body_has(&r, "href=\"/tinh/ho-so/5\"");
    body_has(&r, "href=\"/tinh/ho-so/9\"");
    body_has(&r, "<option value=\"forwarded\">Đã chuyển lên tỉnh (1)</option>");
    resp_free(&r);
    /* a filter keeps only its dossiers, with its remove link */
    r = browser_get(&b, "/tinh/ho-so?state=forwarded");
    expect_page(&r, 200);
    body_has(&r, "href=\"/tinh/ho-so/5\"");
    assert_null(strstr(r.body, "href=\"/tinh/ho-so/6\""));
    body_has(&r, "Tình trạng: <strong>Đã chuyển lên tỉnh</strong>");
    resp_free(&r);
    /* the search: words of the product's name with or without diacritics, or of the number */
    r = browser_get(&b, "/tinh/ho-so?q=ben+tre");
    expect_page(&r, 200);
    body_has(&r, "href=\"/tinh/ho-so/6\"");
    assert_null(strstr(r.body, "href=\"/tinh/ho-so/5\""));
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so?q=05%2FP%C4%90K");
    expect_page(&r, 200);
    body_has(&r, "href=\"/tinh/ho-so/6\"");
    body_has(&r, "1 kết quả");
    resp_free(&r);
    /* the overdue one of the demo */
    r = browser_get(&b, "/tinh/ho-so?overdue=true&sort=commune_due");
    expect_page(&r, 200);
    body_has(&r, "<strong class=\"overdue\">Quá hạn</strong>");
    body_has(&r, "1 kết quả");
    resp_free(&r);
    /* a value it does not know is said, not a crash */
    browser_shows(&b, "/tinh/ho-so?state=lost&round_id=999", 400, "role=\"alert\"");
    /* the same list as a download */
    r = browser_get(&b, "/tinh/ho-so?state=checked&format=csv");
    expect_status(&r, 200, NULL);
    assert_non_null(strstr(resp_header_value(&r, "Content-Type"), "text/csv"));
    body_has(&r, "PĐK-86-28903");
    resp_free(&r);

    r = browser_get(&b, "/tinh/dot");
    expect_page(&r, 200);
    body_has(&r, "href=\"/tinh/dot/1\"");
    body_has(&r, "Đợt 11 năm 2026");
    resp_free(&r);
    r = browser_get(&b, "/tinh/dot?state=closed");
    expect_page(&r, 200);
    body_has(&r, "href=\"/tinh/dot/3\"");
    assert_null(strstr(r.body, "href=\"/tinh/dot/1\""));
    resp_free(&r);
    browser_shows(&b, "/tinh/hoi-dong", 200, "href=\"/tinh/hoi-dong/1\"");
}

static void test_dossier_steps(void **state) {
    (void)state;
    Browser b;
    officer(&b);
    Resp r = browser_get(&b, "/tinh/ho-so/5");
    expect_page(&r, 200);
    body_has(&r, "Báo cáo của xã (Mẫu 03)");
    body_has(&r, "Nguyên liệu có nguồn gốc tại địa phương");
    body_has(&r, "Kết quả tự đánh giá của chủ thể (Mẫu 02)");
    body_has(&r, "value=\"check\"");
    body_has(&r, "value=\"reject\"");
    body_has(&r, "<textarea id=\"r-reject\" name=\"reason\""); /* what the step needs, asked for */
    resp_free(&r);

    /* check: back to the dossier with a notice; the same form again is a stale page */
    r = browser_post(&b, "/ho-so/5/buoc", "action=check&from=forwarded&next=%s", form_enc("/tinh/ho-so/5"));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tinh/ho-so/5?done=check");
    resp_free(&r);
    r = browser_post(&b, "/ho-so/5/buoc", "action=check&from=forwarded&next=%s", form_enc("/tinh/ho-so/5"));
    expect_page(&r, 409);
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so/5?done=check");
    expect_page(&r, 200);
    body_has(&r, "Đã thực hiện: Tỉnh kiểm tra.");
    body_has(&r, "name=\"round_id\"");
    body_has(&r, "Đợt 1 năm 2026 (nhận hồ sơ chuyển lên đến ngày");
    resp_free(&r);
    assert_string_equal(state_of(5), "checked");

    /* the round's page lists both checked dossiers; put them in at once */
    r = browser_get(&b, "/tinh/dot/1");
    expect_page(&r, 200);
    body_has(&r, "id=\"d-5\"");
    body_has(&r, "id=\"d-6\"");
    resp_free(&r);
    r = browser_post(&b, "/tinh/dot/1/ho-so", "dossier=5&dossier=6");
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tinh/dot/1?done=assigned");
    resp_free(&r);
    assert_string_equal(state_of(5), "in_round");
    assert_string_equal(state_of(6), "in_round");
    /* the same form again: nothing changes */
    r = browser_post(&b, "/tinh/dot/1/ho-so", "dossier=5");
    expect_page(&r, 409);
    body_has(&r, "chưa có gì thay đổi");
    resp_free(&r);
    r = browser_post(&b, "/tinh/dot/1/ho-so", "dossier=");
    expect_page(&r, 422);
    resp_free(&r);
    r = browser_get(&b, "/tinh/dot/1?done=assigned");
    expect_page(&r, 200);
    body_has(&r, "Các hồ sơ đã chọn đã được đưa vào đợt đánh giá.");
    body_has(&r, "href=\"/tinh/ho-so/6\"");
    body_has(&r, "0/2 (cần 2)");
    resp_free(&r);

    /* reject needs its reason: refused without one, nothing written */
    r = browser_post(&b, "/ho-so/6/buoc", "action=reject&from=in_round&reason=");
    expect_page(&r, 422);
    resp_free(&r);
    assert_string_equal(state_of(6), "in_round");
    r = browser_post(&b, "/ho-so/6/buoc", "action=reject&from=in_round&reason=%s&next=%s",
                     form_enc("Sản phẩm không có nguồn gốc tại địa phương"), form_enc("/tinh/ho-so/6"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(state_of(6), "rejected");
}

static void test_round_forms(void **state) {
    (void)state;
    Browser b;
    officer(&b);
    Resp r = browser_get(&b, "/tinh/dot/moi");
    expect_page(&r, 200);
    body_has(&r, "Để trống: theo ngày quy định, 30/04 (đợt 1), 30/10 (đợt 2 trở đi)");
    body_has(&r, "75 %");
    /* the number proposed is the first of 1..12 the year has not used (the demo's are 1, 10, 11) */
    body_has(&r, "name=\"number\" type=\"number\" value=\"2\"");
    resp_free(&r);
    long long before = count_of("/api/v1/rounds?province_code=86");
    /* the cut-off after the end: the error beside its field, the values kept, nothing written */
    r = browser_post(&b, "/tinh/dot/moi", "year=2027&number=1&name=%s&forward_by=2027-07-01&ends_on=2027-06-30",
                     form_enc("Đợt thử <b>"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-forward_by-error\"");
    body_has(&r, "value=\"Đợt thử &lt;b&gt;\"");
    resp_free(&r);
    r = browser_post(&b, "/tinh/dot/moi", "year=hai&number=1");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-year-error\"");
    resp_free(&r);
    /* a number out of range: the field by its label, in Vietnamese */
    r = browser_post(&b, "/tinh/dot/moi", "year=2027&number=13");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-number-error\"");
    body_has(&r, "Số thứ tự của đợt trong năm phải trong khoảng từ 1 đến 12");
    assert_null(strstr(r.body, "number phải"));
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/rounds?province_code=86"), before);

    r = browser_post(&b, "/tinh/dot/moi", "year=2027&number=1&council_id=1&note=%s", form_enc("Đợt 1 năm sau"));
    expect_status(&r, 303, NULL);
    const char *loc = resp_header_value(&r, "Location");
    long long id = 0;
    assert_int_equal(sscanf(loc, "/tinh/dot/%lld?done=created", &id), 1);
    resp_free(&r);
    assert_int_equal(count_of("/api/v1/rounds?province_code=86"), before + 1);
    char path[64], get[80];
    snprintf(path, sizeof path, "/tinh/dot/%lld", id);
    snprintf(get, sizeof get, "%s?done=created", path);
    r = browser_get(&b, get);
    expect_page(&r, 200);
    body_has(&r, "<h1>Đợt 1 năm 2027</h1>");
    body_has(&r, "30/04/2027"); /* the law's days */
    body_has(&r, "30/06/2027");
    const char *v = strstr(r.body, "name=\"version\" value=\"");
    assert_non_null(v);
    char version[40];
    assert_int_equal(sscanf(v + 22, "%39[^\"]", version), 1);
    resp_free(&r);

    /* change the end; the same page's form again is stale */
    r = browser_post(&b, path, "action=save&version=%s&forward_by=2027-04-30&ends_on=2027-07-15&council_id=1",
                     form_enc(version));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&b, path, "action=close&version=%s", form_enc(version));
    expect_page(&r, 409);
    resp_free(&r);
    /* a bad date: beside its field */
    r = browser_get(&b, path);
    v = strstr(r.body, "name=\"version\" value=\"");
    assert_int_equal(sscanf(v + 22, "%39[^\"]", version), 1);
    body_has(&r, "15/07/2027");
    resp_free(&r);
    r = browser_post(&b, path, "action=save&version=%s&forward_by=2027-02-30&ends_on=2027-07-15", form_enc(version));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-forward_by-error\"");
    resp_free(&r);
    r = browser_post(&b, path, "action=close&version=%s", form_enc(version));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_get(&b, path);
    body_has(&r, "Đã đóng");
    assert_null(strstr(r.body, "/ho-so\" class=\"form\""));
    resp_free(&r);
}

static void test_council_forms(void **state) {
    (void)state;
    Browser b;
    officer(&b);
    Resp r = browser_get(&b, "/tinh/hoi-dong/1");
    expect_page(&r, 200);
    body_has(&r, "hd.chutich");
    body_has(&r, "Chủ tịch Hội đồng");
    resp_free(&r);
    /* a new account without its password: refused beside the field, no account made */
    r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien", "role=council_member&username=hd.moi&member_agency=%s",
                     form_enc("Sở Công Thương"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-password-error\"");
    body_has(&r, "value=\"hd.moi\"");
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien",
                     "role=council_member&username=hd.moi&full_name=%s&member_agency=%s&password=%s",
                     form_enc("Lê Văn Mới"), form_enc("Sở Công Thương"), form_enc("mat-khau-hoi-dong-2026"));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tinh/hoi-dong/1?done=member");
    resp_free(&r);
    r = browser_get(&b, "/tinh/hoi-dong/1?done=member");
    expect_page(&r, 200);
    body_has(&r, "Đã thêm thành viên vào Hội đồng.");
    body_has(&r, "Lê Văn Mới");
    /* its remove form's values */
    const char *at = strstr(r.body, "Lê Văn Mới");
    const char *g = strstr(at, "name=\"grant_id\" value=\""), *u = strstr(at, "name=\"user_id\" value=\"");
    long long grant = atoll(g + strlen("name=\"grant_id\" value=\"")),
              user = atoll(u + strlen("name=\"user_id\" value=\""));
    resp_free(&r);
    /* an existing account of the province takes a position too */
    r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien", "role=council_secretary&user_id=%lld", user);
    expect_status(&r, 303, NULL);
    resp_free(&r);

    r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien/xoa", "grant_id=%lld&user_id=%lld", grant, user);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien/xoa", "grant_id=%lld&user_id=%lld", grant, user);
    expect_page(&r, 409);
    resp_free(&r);

    /* the advisory group */
    r = browser_post(&b, "/tinh/hoi-dong/1/to-tu-van", "name=&agency=x");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-name-error\"");
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/1/to-tu-van", "name=%s&agency=%s&expertise=%s",
                     form_enc("TS. Phạm Thị Chuyên"), form_enc("Viện Cây ăn quả miền Nam"), form_enc("Chế biến dừa"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_get(&b, "/tinh/hoi-dong/1");
    body_has(&r, "TS. Phạm Thị Chuyên");
    const char *f = strstr(strstr(r.body, "TS. Phạm Thị Chuyên"), "name=\"advisor_id\" value=\"");
    long long advisor = atoll(f + strlen("name=\"advisor_id\" value=\""));
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/1/to-tu-van/xoa", "advisor_id=%lld", advisor);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/1/to-tu-van/xoa", "advisor_id=%lld", advisor);
    expect_page(&r, 409);
    resp_free(&r);
    r = browser_get(&b, "/tinh/hoi-dong/1?done=advisor-removed");
    body_has(&r, "Đã đưa chuyên gia ra khỏi tổ tư vấn.");
    assert_null(strstr(r.body, "TS. Phạm Thị Chuyên"));
    resp_free(&r);

    /* a new council of the province */
    r = browser_post(&b, "/tinh/hoi-dong/moi", "name=");
    expect_page(&r, 422);
    resp_free(&r);
    r = browser_post(&b, "/tinh/hoi-dong/moi", "name=%s&decision_no=%s", form_enc("Hội đồng thủ công mỹ nghệ"),
                     form_enc("12/QĐ-UBND"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
}

/* A conflict declared by a member shows on the round's and the council's pages. */
static void test_conflicts(void **state) {
    (void)state;
    /* dossier 7 is in round 1 (council 1): its member declares a conflict through the API */
    char *t = srv_token(&S, "hd.thanhvien", "write");
    char auth[160];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", t);
    free(t);
    const char *body = "{\"reason\": \"Người nhà của chủ thể\"}";
    Resp r = http_req_h(&S, (const char *const[]){auth, NULL}, "POST", "/api/v1/dossiers/7/conflicts",
                        "application/json", body, strlen(body));
    expect_status(&r, 200, NULL);
    resp_free(&r);
    Browser b;
    officer(&b);
    r = browser_get(&b, "/tinh/dot/1");
    body_has(&r, "Thành viên tự khai báo («Người nhà của chủ thể»)");
    resp_free(&r);
    r = browser_get(&b, "/tinh/hoi-dong/1");
    body_has(&r, "Thành viên tự khai báo («Người nhà của chủ thể»)");
    resp_free(&r);
    r = browser_get(&b, "/lam-viec");
    body_has(&r, "Xung đột lợi ích trong các đợt đang mở");
    resp_free(&r);
}

static void test_closed_pages(void **state) {
    (void)state;
    static const char *const pages[] = {"/tinh/ho-so",   "/tinh/ho-so/7",  "/tinh/dot",        "/tinh/dot/1",
                                        "/tinh/dot/moi", "/tinh/hoi-dong", "/tinh/hoi-dong/1", NULL};
    /* other roles: a page saying whose workspace it is */
    static const char *const others[] = {"xa.mocay", "hd.thanhvien", "chuthe.thanhlong", NULL};
    for (int u = 0; others[u]; u++) {
        Browser b;
        browser_sign_in(&b, &S, others[u], "demo-ocop-2026");
        for (int i = 0; pages[i]; i++) {
            Resp r = browser_get(&b, pages[i]);
            expect_page(&r, 403);
            body_has(&r, "Cán bộ OCOP cấp tỉnh");
            resp_free(&r);
        }
        Resp r = browser_post(&b, "/tinh/dot/1/ho-so", "dossier=7");
        expect_page(&r, 403);
        resp_free(&r);
    }
    /* another province's officer: the records are not there */
    srv_user(&S, "tinh.angiang", (const char *const[]){"province:91", NULL});
    Browser b;
    browser_sign_in(&b, &S, "tinh.angiang", NULL);
    static const char *const records[] = {"/tinh/ho-so/7", "/tinh/dot/1", "/tinh/hoi-dong/1", NULL};
    for (int i = 0; records[i]; i++) {
        Resp r = browser_get(&b, records[i]);
        expect_page(&r, 404);
        resp_free(&r);
    }
    Resp r = browser_post(&b, "/tinh/hoi-dong/1/thanh-vien", "role=council_member&user_id=1");
    expect_page(&r, 404);
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so");
    expect_page(&r, 200);
    assert_null(strstr(r.body, "href=\"/tinh/ho-so/7\""));
    resp_free(&r);
    r = browser_get(&b, "/tinh/dot");
    expect_page(&r, 200);
    assert_null(strstr(r.body, "href=\"/tinh/dot/1\""));
    resp_free(&r);
}

static void test_english(void **state) {
    (void)state;
    Browser b;
    officer(&b);
    snprintf(b.lang, sizeof b.lang, "en");
    Resp r = browser_get(&b, "/tinh/dot/1");
    expect_page(&r, 200);
    body_has(&r, "<h2 id=\"in-h\">Dossiers in the round</h2>");
    body_has(&r, "Conflicts of interest");
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so");
    body_has(&r, "<h1>Dossiers of the province</h1>");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_and_lists), cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_dossier_steps),   cmocka_unit_test(test_round_forms),
        cmocka_unit_test(test_council_forms),   cmocka_unit_test(test_closed_pages),
        cmocka_unit_test(test_english),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
