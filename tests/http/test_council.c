/*
** test_council.c: the council's workspace (page_council.c, minutes.c) as its members use it in
** a browser: a council of four made for the test (chair, two members, secretary) with a round
** that is still open and a dossier in it with a self-assessment and an evidence file. The
** sheet shows the producer's choice and the file beside each criterion; saving keeps the
** choices; a submission that misses criteria names each one, linked to its box, and submits
** nothing; a member declares a conflict instead of scoring; a spread over the threshold keeps
** the scoring from closing until the chair re-scores; a stale form changes nothing; the chair
** closes and the minutes come as a PDF whose text says what the council did. A province
** officer gets 403, another council's member 404, and the pages speak English too.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static Server S;
static long long council, dossier;
static json_t *leaves; /* the dossier's set's criteria, in order */
static char sheet_path[64], council_path[80];


static long long create(const char *path, const char *body) {
    Resp r = http_json(&S, "POST", path, body);
    if (r.status != 201) fprintf(stderr, "%s: %ld %s\n", path, r.status, r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    resp_free(&r);
    return id;
}

static void call(const char *method, const char *path, const char *body, long status) {
    Resp r = http_json(&S, method, path, body);
    if (r.status != status) fprintf(stderr, "%s %s: %ld %s\n", method, path, r.status, r.body);
    assert_int_equal(r.status, status);
    resp_free(&r);
}

/* A dossier of product 2 (Vĩnh Long) taken by the administrator into round, its producer
** having chosen option 1 on criterion 1.1 and filed a file for it. */
static long long dossier_in_round(long long round) {
    char body[256], path[128];
    long long id = create("/api/v1/dossiers", "{\"kind\": \"first\", \"product_id\": 2}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    call("PUT", path, "{\"choices\": {\"1.1\": 1}}", 200);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/files?kind=other&criterion=1.1&filename=vung-nguyen-lieu.pdf", id);
    Resp r = http_req(&S, "POST", path, "application/pdf", "%PDF-1.4 vung nguyen lieu", 25);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    call("POST", path, "{\"action\": \"submit\"}", 200);
    call("POST", path, "{\"action\": \"receive\"}", 200);
    char rp[96];
    snprintf(rp, sizeof rp, "/api/v1/dossiers/%lld/commune-report", id);
    call("PUT", rp, "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, \"idea\": {\"met\": true}, "
                    "\"identity\": {\"met\": true}}}", 200);
    call("POST", path, "{\"action\": \"forward\"}", 200);
    call("POST", path, "{\"action\": \"check\"}", 200);
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    call("POST", path, body, 200);
    return id;
}

static int setup(void **state) {
    (void)state;
    srv_up_demo(&S);
    council = create("/api/v1/councils", "{\"name\": \"Hội đồng thử nghiệm tỉnh Vĩnh Long\", \"level\": \"province\", "
                                         "\"province_code\": \"86\"}");
    char role[48], body[512], ends[11];
    static const char *const who[][2] = {{"c.chutich", "council_chair"}, {"c.tv1", "council_member"},
                                         {"c.tv2", "council_member"}, {"c.thuky", "council_secretary"}};
    for (size_t i = 0; i < 4; i++) {
        snprintf(role, sizeof role, "%s:%lld", who[i][1], council);
        srv_user(&S, who[i][0], (const char *const[]){role, NULL});
    }
    snprintf(ends, sizeof ends, "%s", vn_day(60));
    snprintf(body, sizeof body, "{\"province_code\": \"86\", \"year\": 2027, \"number\": 5, \"forward_by\": \"%s\", "
                                "\"ends_on\": \"%s\", \"council_id\": %lld}", ends, ends, council);
    long long round = create("/api/v1/rounds", body);
    dossier = dossier_in_round(round);
    snprintf(sheet_path, sizeof sheet_path, "/cham-diem/%lld", dossier);
    snprintf(council_path, sizeof council_path, "/cham-diem/%lld/hoi-dong", dossier);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", dossier);
    Resp r = http_get(&S, path);
    snprintf(path, sizeof path, "/api/v1/rubrics/26-2026/sets/%lld", jint(r.json, "set_no"));
    resp_free(&r);
    r = http_get(&S, path);
    leaves = json_array();
    sheet_leaves(r.json, leaves);
    resp_free(&r);
    assert_true(json_array_size(leaves) > 20);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    json_decref(leaves);
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

/* The form fields of a whole sheet: each criterion's last option (high) or its first. */
static const char *whole_sheet(bool high) {
    static char buf[4096];
    size_t n = 0, i;
    json_t *l;
    json_array_foreach(leaves, i, l) {
        size_t k = high ? json_array_size(json_object_get(l, "options")) - 1 : 0;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%sc.%s=%zu", i ? "&" : "", json_string_value(json_object_get(l, "code")), k);
    }
    return buf;
}

static const char *dossier_field(const char *field) {
    static char out[64];
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", dossier);
    Resp r = http_get(&S, path);
    json_t *v = json_object_get(r.json, field);
    if (json_is_integer(v)) snprintf(out, sizeof out, "%lld", (long long)json_integer_value(v));
    else snprintf(out, sizeof out, "%s", json_is_string(v) ? json_string_value(v) : "");
    resp_free(&r);
    return out;
}

/* The sheet beside the self-assessment and the evidence; the lists and /lam-viec. */
static void test_sheet_page(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "c.chutich", NULL);
    Resp r = browser_get(&b, sheet_path);
    expect_page(&r, 200);
    size_t n = 0;
    for (const char *p = r.body; (p = strstr(p, "<fieldset class=\"crit")); p++) n++;
    assert_int_equal(n, json_array_size(leaves));
    body_has(&r, "<h1>Phiếu chấm điểm: ");
    body_has(&r, "<strong>Tự đánh giá:</strong>");
    body_has(&r, ">vung-nguyen-lieu.pdf</a>");
    char save[96];
    snprintf(save, sizeof save, "data-save=\"/api/v1/dossiers/%lld/scores/me\"", dossier);
    body_has(&r, save);
    body_has(&r, "Khai báo xung đột lợi ích thay vì chấm điểm");
    body_has(&r, "<a href=\"/cham-diem\" aria-current=\"page\">");
    resp_free(&r);
    r = browser_get(&b, "/lam-viec");
    body_has(&r, "Hồ sơ chờ phiếu chấm điểm của bạn");
    body_has(&r, sheet_path);
    resp_free(&r);
    r = browser_get(&b, "/cham-diem");
    expect_page(&r, 200);
    body_has(&r, "Phiếu của tôi: chưa chấm");
    body_has(&r, "Đợt đánh giá"); /* the round filter */
    resp_free(&r);
    r = browser_get(&b, "/cham-diem?q=thanh+long&sort=-id");
    expect_page(&r, 200);
    body_has(&r, sheet_path);
    resp_free(&r);
    r = browser_get(&b, "/cham-diem?format=csv");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* a set whose criteria 6.1 and 6.2 have sub-criteria: each is a box of the sheet */
    r = browser_get(&b, "/tu-danh-gia?bo=13");
    n = 0;
    for (const char *p = r.body; (p = strstr(p, "<fieldset class=\"crit")); p++) n++;
    assert_int_equal(n, 34);
    body_has(&r, "<span class=\"code\">6.1.1</span>");
    resp_free(&r);
}

/* Saving without JavaScript, and a submission that misses criteria. */
static void test_save_and_missing(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "c.tv1", NULL);
    Resp r = browser_post(&b, sheet_path, "pass=1&state=in_round&do=save&c.1.1=2&m.1.1=%s", form_enc("Vùng nguyên liệu rõ"));
    expect_status(&r, 303, NULL);
    char loc[96];
    snprintf(loc, sizeof loc, "%s?done=saved", sheet_path);
    assert_string_equal(resp_header_value(&r, "Location"), loc);
    resp_free(&r);
    r = browser_get(&b, loc);
    body_has(&r, "Phiếu của bạn đã được lưu.");
    body_has(&r, "id=\"c-1-1-2\" name=\"c.1.1\" value=\"2\" checked");
    body_has(&r, "Vùng nguyên liệu rõ</textarea>");
    resp_free(&r);
    r = browser_get(&b, "/cham-diem");
    body_has(&r, "Phiếu của tôi: đã lưu, chưa nộp");
    resp_free(&r);
    /* submitting with most criteria missing: each named and linked, the choices kept, nothing submitted */
    r = browser_post(&b, sheet_path, "pass=1&state=in_round&do=submit&c.1.1=2&c.1.2=1");
    expect_page(&r, 422);
    body_has(&r, "<a href=\"#k-1-3\">Tiêu chí 1.3 (");
    body_has(&r, "id=\"c-1-2-1\" name=\"c.1.2\" value=\"1\" checked");
    resp_free(&r);
    r = browser_get(&b, "/cham-diem");
    body_has(&r, "Phiếu của tôi: đã lưu, chưa nộp");
    resp_free(&r);
    /* a value that is not an option */
    r = browser_post(&b, sheet_path, "pass=1&state=in_round&do=save&c.1.1=99");
    expect_page(&r, 422);
    resp_free(&r);
}

/* A conflict of interest instead of a sheet; a reason is needed. */
static void test_conflict(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "c.tv2", NULL);
    char path[96];
    snprintf(path, sizeof path, "%s/xung-dot", sheet_path);
    Resp r = browser_post(&b, path, "pass=1&state=in_round&reason=");
    expect_page(&r, 422);
    resp_free(&r);
    r = browser_post(&b, path, "pass=1&state=in_round&reason=%s", form_enc("Chủ thể là doanh nghiệp của người thân"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_get(&b, sheet_path);
    body_has(&r, "Bạn có xung đột lợi ích với hồ sơ này");
    assert_null(strstr(r.body, "<fieldset class=\"crit"));
    resp_free(&r);
    r = browser_get(&b, "/cham-diem");
    body_has(&r, "Đã khai báo xung đột lợi ích");
    resp_free(&r);
}

/* Two sheets far apart: the chair may not close, re-scores; a stale form changes nothing; the
** second pass closes; the minutes tell it all. */
static void test_spread_rescore_close(void **state) {
    (void)state;
    Browser chair, tv1, sec;
    browser_sign_in(&chair, &S, "c.chutich", NULL);
    browser_sign_in(&tv1, &S, "c.tv1", NULL);
    browser_sign_in(&sec, &S, "c.thuky", NULL);
    /* before submitting, the others' sheets are not shown */
    Resp r = browser_get(&tv1, council_path);
    expect_page(&r, 200);
    body_has(&r, "Phiếu của các thành viên khác được hiển thị sau khi bạn nộp phiếu của mình.");
    resp_free(&r);
    r = browser_post(&chair, sheet_path, "pass=1&state=in_round&do=submit&%s", whole_sheet(true));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    /* the same submission again (a double click, a second tab): refused, said why */
    r = browser_post(&chair, sheet_path, "pass=1&state=in_round&do=submit&%s", whole_sheet(true));
    expect_page(&r, 409);
    resp_free(&r);
    r = browser_post(&tv1, sheet_path, "pass=1&state=in_round&do=submit&%s", whole_sheet(false));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_get(&chair, council_path);
    expect_page(&r, 200);
    body_has(&r, "Số phiếu đã nộp: 2/2");
    body_has(&r, "Vượt ngưỡng: Hội đồng thảo luận");
    body_has(&r, "Mở chấm lại");
    body_has(&r, "Hội đồng chấp nhận mức chênh lệch");
    body_has(&r, "Xung đột lợi ích: không chấm điểm");
    body_has(&r, "bien-ban.pdf");
    resp_free(&r);
    /* the secretary closes, but not over a spread nobody accepted */
    r = browser_post(&sec, council_path, "pass=1&state=in_round&action=close");
    expect_page(&r, 409);
    body_has(&r, "Hội đồng chấp nhận mức chênh lệch");
    resp_free(&r);
    /* a member does not re-score */
    r = browser_post(&tv1, council_path, "pass=1&state=in_round&action=rescore");
    expect_page(&r, 403);
    resp_free(&r);
    r = browser_post(&chair, council_path, "pass=1&state=in_round&action=rescore&comment=%s",
                     form_enc("Chênh lệch 50 điểm, thảo luận lại tiêu chí phần B"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(dossier_field("scoring_pass"), "2");
    /* the same form again: the page showed pass 1 */
    r = browser_post(&chair, council_path, "pass=1&state=in_round&action=rescore&comment=x");
    expect_page(&r, 409);
    body_has(&r, "Chưa có gì thay đổi");
    resp_free(&r);
    assert_string_equal(dossier_field("scoring_pass"), "2");
    r = browser_get(&tv1, "/lam-viec");
    body_has(&r, "Hồ sơ được mở chấm lại: hãy chấm lại");
    resp_free(&r);
    /* a sheet posted from a page of pass 1 does not land in pass 2 */
    r = browser_post(&tv1, sheet_path, "pass=1&state=in_round&do=submit&%s", whole_sheet(true));
    expect_page(&r, 409);
    resp_free(&r);
    r = browser_post(&tv1, sheet_path, "pass=2&state=in_round&do=submit&%s", whole_sheet(true));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&chair, sheet_path, "pass=2&state=in_round&do=submit&%s", whole_sheet(true));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = browser_post(&chair, council_path, "pass=2&state=in_round&action=close&comment=%s",
                     form_enc("Hội đồng thống nhất kết quả"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_string_equal(dossier_field("state"), "scored");
    r = browser_get(&sec, "/lam-viec");
    body_has(&r, "Biên bản cần in và ký");
    resp_free(&r);

    /* the minutes, as a PDF with real text */
    char path[96];
    snprintf(path, sizeof path, "/cham-diem/%lld/bien-ban.pdf", dossier);
    r = browser_get(&sec, path);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(resp_header_value(&r, "Content-Type"), "application/pdf"));
    assert_memory_equal(r.body, "%PDF-", 5);
    const char *file = write_file(S.dir, "bien-ban.pdf", r.body, r.len);
    resp_free(&r);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "pdftotext -raw '%s' -", file);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char text[20000];
    size_t n = fread(text, 1, sizeof text - 1, p);
    text[n] = 0;
    assert_int_equal(pclose(p), 0);
    for (char *c = text; *c; c++) /* lines wrap where the page is full: read it as one text */
        if (*c == '\n') *c = ' ';
    static const char *const want[] = {
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", "HỘI ĐỒNG THỬ NGHIỆM TỈNH VĨNH LONG", "lượt chấm 2",
        "Chủ tịch Hội đồng: có mặt, đã nộp phiếu chấm điểm", "xung đột lợi ích (Chủ thể là doanh nghiệp của người thân)",
        "Thư ký Hội đồng: có mặt, ghi biên bản", "Chủ thể:", "Phần A", "Tổng", "Điểm trung bình",
        "mở chấm lại do chênh lệch điểm. Ý kiến: Chênh lệch 50 điểm", "kết thúc chấm điểm. Ý kiến: Hội đồng thống nhất",
        "Kết quả: điểm trung bình 100/100", "THƯ KÝ HỘI ĐỒNG", "CHỦ TỊCH HỘI ĐỒNG", "(Ký, ghi rõ họ tên)",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(text, want[i])) fail_msg("the minutes lack \"%s\"; they read:\n%s", want[i], text);
    /* the first pass's minutes: its spread */
    snprintf(path, sizeof path, "/cham-diem/%lld/bien-ban.pdf?pass=1", dossier);
    r = browser_get(&sec, path);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    /* once closed, the sheet is read-only and the forms are gone */
    r = browser_get(&chair, council_path);
    assert_null(strstr(r.body, "name=\"action\" value=\"close\""));
    resp_free(&r);
    r = browser_get(&chair, sheet_path);
    body_has(&r, "Việc chấm điểm hồ sơ này đã kết thúc.");
    resp_free(&r);
}

/* Who may not: a province officer (403), another council's member (404), the anonymous. A
** session that ended while scoring: the POST leads to signing in and back to the sheet, and
** writes nothing. English. */
static void test_access(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "tinh.vinhlong", "demo-ocop-2026");
    Resp r = browser_get(&b, "/cham-diem");
    expect_page(&r, 403);
    resp_free(&r);
    browser_sign_in(&b, &S, "hd.chutich", "demo-ocop-2026");
    browser_shows(&b, sheet_path, 404, NULL);
    browser_shows(&b, council_path, 404, NULL);
    r = http_req_h(&S, (const char *const[]){NULL}, "GET", "/cham-diem", NULL, NULL, 0);
    expect_status(&r, 303, NULL);
    resp_free(&r);

    /* the session ends (signed out elsewhere, or expired): the form's POST changes nothing */
    Browser m;
    browser_sign_in(&m, &S, "c.tv1", NULL);
    snprintf(m.lang, sizeof m.lang, "en");
    browser_shows(&m, "/cham-diem", 200, "My sheet: submitted");
    r = browser_get(&m, sheet_path);
    body_has(&r, "<h1>Score sheet: ");
    resp_free(&r);
    r = browser_get(&m, council_path);
    body_has(&r, "The council&#39;s result");
    resp_free(&r);
    Browser gone = m;
    r = browser_post(&m, "/dang-xuat", "x=1");
    resp_free(&r);
    r = browser_post(&gone, sheet_path, "pass=2&state=scored&do=save&c.1.1=0");
    expect_status(&r, 303, NULL);
    char loc[96];
    snprintf(loc, sizeof loc, "/dang-nhap?next=%%2Fcham-diem%%2F%lld", dossier);
    assert_string_equal(resp_header_value(&r, "Location"), loc);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet_page),
        cmocka_unit_test(test_save_and_missing),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_spread_rescore_close),
        cmocka_unit_test(test_access),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
