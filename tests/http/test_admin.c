/*
** test_admin.c: the Ministry's (/bo) and the administrator's (/quan-tri) workspaces
** (page_admin.c) through the pages, as an administrator's browser uses them: every page answers
** the administrator and refuses a province officer (403 naming the workspace); signing keys are
** made, refused twice, retired after a confirmation; accounts are created with a role (a bad
** scope is told beside its field, nothing written), found, granted, revoked, disabled; the
** audit chain verifies; the system page shows the figures of /metrics; and a 5-star dossier
** goes to the Ministry, into a Ministry round with a new council, and into its decision.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define DEMO_PASSWORD "demo-ocop-2026"

static Server S;

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    /* the demo signs with the keys 86 and bo: retired here, so the province and the Ministry
    ** have none until the tests make them (86-2, bo-2: a key id is never reused) */
    srv_cli(&S, (const char *const[]){"key", "retire", "86", NULL});
    srv_cli(&S, (const char *const[]){"key", "retire", "bo", NULL});
    srv_start(&S);
    srv_as_admin(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_down(&S);
    return 0;
}

/* Run sql on the test's database file (what time or another person would have done). */
static void sql(const char *q) {
    sqlite3 *db;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *err = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &err) != SQLITE_OK) fail_msg("%s: %s", q, err);
    sqlite3_close(db);
}

static long long count(const char *q) {
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void expect_redirect(Resp *r, const char *location) {
    if (r->status != 303) fprintf(stderr, "%.3000s\n", r->body ? r->body : "");
    assert_int_equal(r->status, 303);
    assert_string_equal(resp_header_value(r, "Location"), location);
}

static const char *const pages[] = {"/bo/ho-so", "/bo/dot", "/bo/dot/moi", "/bo/quyet-dinh", "/bo/quyet-dinh/moi",
                                    "/quan-tri/nguoi-dung", "/quan-tri/khoa-ky", "/quan-tri/du-lieu",
                                    "/quan-tri/he-thong", "/quan-tri/nhat-ky", NULL};

static void test_pages_and_who_may_open_them(void **state) {
    (void)state;
    Browser admin, officer, bo;
    browser_sign_in(&admin, &S, "admin", DEMO_PASSWORD);
    browser_sign_in(&officer, &S, "tinh.vinhlong", DEMO_PASSWORD);
    browser_sign_in(&bo, &S, "bo.vanphong", DEMO_PASSWORD);
    for (int i = 0; pages[i]; i++) {
        Resp r = browser_get(&admin, pages[i]);
        expect_page(&r, 200);
        body_has(&r, "<nav class=\"work\"");
        body_has(&r, "aria-current=\"page\"");
        resp_free(&r);
        /* the Ministry's pages are for its officers (and administrators); the rest are the administrator's */
        bool ministry = strncmp(pages[i], "/bo/", 4) == 0;
        browser_shows(&officer, pages[i], 403, ministry ? "Cán bộ OCOP cấp Bộ" : "Quản trị hệ thống");
        browser_shows(&bo, pages[i], ministry ? 200 : 403, ministry ? "<nav class=\"work\"" : "Quản trị hệ thống");
    }
    Resp r = browser_get(&admin, "/quan-tri/nguoi-dung/999999");
    expect_page(&r, 404);
    resp_free(&r);
    browser_shows(&officer, "/quan-tri/nguoi-dung/1", 403, NULL);
    /* the province officer's forms are refused before anything is read */
    r = browser_post(&officer, "/quan-tri/khoa-ky", "key_id=86-2");
    expect_page(&r, 403);
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM signing_keys WHERE retired_at IS NULL"), 0);
}

static void test_signing_keys(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "admin", DEMO_PASSWORD);
    /* the demo's province has scored dossiers and no key: "what needs me" says so */
    Resp r = browser_get(&b, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "Khóa ký cần tạo");
    body_has(&r, "/quan-tri/khoa-ky?authority=86");
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/khoa-ky?authority=86");
    expect_page(&r, 200);
    body_has(&r, "<strong>ngừng dùng từ "); /* the demo's key, retired */
    body_has(&r, "name=\"key_id\" type=\"text\" value=\"86-20"); /* a key id is never reused */
    resp_free(&r);

    r = browser_post(&b, "/quan-tri/khoa-ky", "key_id=86-2");
    expect_redirect(&r, "/quan-tri/khoa-ky?done=generated");
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/khoa-ky?done=generated");
    expect_page(&r, 200);
    body_has(&r, "Đã tạo khóa.");
    body_has(&r, "<h2>86 · Tỉnh Vĩnh Long</h2>");
    resp_free(&r);
    /* twice: 409 beside the field; a province that does not exist: 422 */
    r = browser_post(&b, "/quan-tri/khoa-ky", "key_id=86-2");
    expect_page(&r, 409);
    body_has(&r, "id=\"f-key_id-error\"");
    body_has(&r, "khóa 86-2 đã tồn tại");
    resp_free(&r);
    r = browser_post(&b, "/quan-tri/khoa-ky", "key_id=99");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-key_id-error\"");
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM signing_keys WHERE retired_at IS NULL"), 1);
    r = browser_get(&b, "/lam-viec");
    assert_null(strstr(r.body, "/quan-tri/khoa-ky?authority=86"));
    resp_free(&r);

    /* retiring asks first */
    browser_shows(&b, "/quan-tri/khoa-ky?retire=86-2", 200, "Ngừng dùng khóa 86-2 của Tỉnh Vĩnh Long?");
    r = browser_post(&b, "/quan-tri/khoa-ky/thu-hoi", "key_id=86-2");
    expect_page(&r, 422);
    body_has(&r, "đánh dấu ô để xác nhận ngừng dùng khóa");
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM signing_keys WHERE retired_at IS NULL"), 1);
    r = browser_post(&b, "/quan-tri/khoa-ky/thu-hoi", "key_id=86-2&confirm=yes");
    expect_redirect(&r, "/quan-tri/khoa-ky?done=retired");
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM signing_keys WHERE retired_at IS NULL"), 0);
    r = browser_post(&b, "/quan-tri/khoa-ky", "key_id=86-2027");
    expect_redirect(&r, "/quan-tri/khoa-ky?done=generated");
    resp_free(&r);
    /* audited as the administrator's own act */
    assert_int_equal(count("SELECT count(*) FROM audit_log WHERE entity = 'signing_keys' AND username = 'admin'"), 3);
}

static void test_users(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "admin", DEMO_PASSWORD);
    long long before = count("SELECT count(*) FROM users");
    /* a scope that is no commune: told beside the field, the values kept, nothing written */
    Resp r = browser_post(&b, "/quan-tri/nguoi-dung", "username=cb.xa2&password=%s&full_name=%s&role=commune&scope=99999",
                          form_enc("mot mat khau dai du"), form_enc("Trần Thị Bé"));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-scope-error\"");
    body_has(&r, "value=\"Trần Thị Bé\"");
    body_has(&r, "<details class=\"new-user\" id=\"new\" open>");
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM users"), before);

    r = browser_post(&b, "/quan-tri/nguoi-dung", "username=cb.xa2&password=%s&full_name=%s&role=commune&scope=28903",
                     form_enc("mot mat khau dai du"), form_enc("Trần Thị Bé"));
    assert_int_equal(r.status, 303);
    char path[96];
    snprintf(path, sizeof path, "%s", resp_header_value(&r, "Location"));
    resp_free(&r);
    assert_non_null(strstr(path, "?done=created"));
    *strchr(path, '?') = 0;
    browser_shows(&b, path, 200, "Cán bộ OCOP cấp xã: Xã Mỏ Cày (28903)");
    /* the new officer signs in and works in its commune */
    Browser xa;
    browser_sign_in(&xa, &S, "cb.xa2", "mot mat khau dai du");
    r = browser_get(&xa, "/lam-viec");
    body_has(&r, "Cán bộ OCOP cấp xã");
    resp_free(&r);

    /* found by search (without diacritics) and by role; as CSV */
    r = browser_get(&b, "/quan-tri/nguoi-dung?q=tran%20thi&role=commune");
    expect_page(&r, 200);
    body_has(&r, ">cb.xa2</a>");
    body_has(&r, "1 kết quả");
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/nguoi-dung?q=cb.xa2&format=csv");
    assert_int_equal(r.status, 200);
    body_has(&r, "cb.xa2,Trần Thị Bé");
    body_has(&r, "commune:28903");
    resp_free(&r);

    /* a council member's role with its agency, then revoked */
    char grant[128];
    snprintf(grant, sizeof grant, "%s/vai-tro", path);
    r = browser_post(&b, grant, "role=council_member&scope=1&agency=%s", form_enc("Sở Công Thương"));
    assert_int_equal(r.status, 303);
    resp_free(&r);
    r = browser_get(&b, path);
    body_has(&r, "Thành viên Hội đồng: Hội đồng");
    resp_free(&r);
    r = browser_post(&b, grant, "role=province&scope=77");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-scope-error\"");
    resp_free(&r);
    char q[160];
    snprintf(q, sizeof q, "SELECT id FROM user_roles WHERE role = 'council_member' AND user_id = %s", strrchr(path, '/') + 1);
    long long rid = count(q);
    char revoke[128];
    snprintf(revoke, sizeof revoke, "%s/vai-tro/xoa", path);
    r = browser_post(&b, revoke, "role_id=%lld", rid);
    assert_int_equal(r.status, 303);
    resp_free(&r);
    snprintf(q, sizeof q, "SELECT count(*) FROM user_roles WHERE user_id = %s", strrchr(path, '/') + 1);
    assert_int_equal(count(q), 1);

    /* disabled: its session ends */
    char status[128];
    snprintf(status, sizeof status, "%s/trang-thai", path);
    r = browser_post(&b, status, "status=disabled");
    assert_int_equal(r.status, 303);
    resp_free(&r);
    r = browser_get(&xa, "/lam-viec");
    assert_int_equal(r.status, 303);
    resp_free(&r);
    /* one's own account is not disabled nor reset here */
    snprintf(q, sizeof q, "/quan-tri/nguoi-dung/%lld/trang-thai", count("SELECT id FROM users WHERE username = 'admin'"));
    r = browser_post(&b, q, "status=disabled");
    expect_page(&r, 409);
    resp_free(&r);
    char pw[128];
    snprintf(pw, sizeof pw, "%s/mat-khau", path);
    r = browser_post(&b, pw, "password=short");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-password-error\"");
    resp_free(&r);
    r = browser_post(&b, pw, "password=%s", form_enc("mat khau moi that dai"));
    assert_int_equal(r.status, 303);
    resp_free(&r);
}

static void test_audit_and_system(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "admin", DEMO_PASSWORD);
    Resp r = browser_get(&b, "/quan-tri/nhat-ky?verify=true");
    expect_page(&r, 200);
    body_has(&r, "<strong>Nguyên vẹn.</strong> Chuỗi nguyên vẹn: đã kiểm tra");
    body_has(&r, "<strong>admin</strong> login");
    resp_free(&r);
    browser_shows(&b, "/quan-tri/nhat-ky?user=admin&entity=users", 200, NULL);
    browser_shows(&b, "/quan-tri/nhat-ky?from=yesterday", 400, NULL);
    /* the order: newest first, or oldest (the trail's first entry, the demo's first import) */
    r = http_get(&S, "/api/v1/audit?per_page=1&sort=oldest");
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "items.0.id"), 1);
    resp_free(&r);
    r = http_get(&S, "/api/v1/audit?per_page=1");
    expect_status(&r, 200, NULL);
    assert_true(jint(r.json, "items.0.id") > 1);
    resp_free(&r);
    r = http_get(&S, "/api/v1/audit?sort=id");
    expect_status(&r, 400, "sort");
    resp_free(&r);
    /* users in another order: the newest account first is the one made last */
    srv_user(&S, "zz.newest", NULL);
    r = http_get(&S, "/api/v1/users?sort=-created&per_page=1");
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "items.0.username"), "zz.newest");
    resp_free(&r);
    r = http_get(&S, "/api/v1/users?per_page=1");
    assert_string_not_equal(jstr(r.json, "items.0.username"), "zz.newest"); /* by username */
    resp_free(&r);
    r = http_get(&S, "/api/v1/users?sort=email");
    expect_status(&r, 400, "sort");
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/nguoi-dung?sort=-last_login");
    expect_page(&r, 200);
    body_has(&r, "<option value=\"-last_login\" selected>Đăng nhập gần đây nhất trước</option>");
    body_has(&r, "sort=-last_login"); /* kept by the links */
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/nhat-ky?sort=oldest");
    expect_page(&r, 200);
    body_has(&r, "<option value=\"oldest\" selected>");
    body_has(&r, "sort=oldest"); /* kept by the pages' and downloads' links */
    resp_free(&r);
    r = browser_get(&b, "/quan-tri/nhat-ky?user=admin&format=csv");
    assert_int_equal(r.status, 200);
    body_has(&r, "login");
    resp_free(&r);

    r = browser_get(&b, "/quan-tri/he-thong");
    expect_page(&r, 200);
    body_has(&r, "<th scope=\"row\">Số yêu cầu đã trả lời</th><td>");
    body_has(&r, "<th scope=\"row\">Tệp cơ sở dữ liệu</th><td>");
    body_has(&r, " MB</td>");
    body_has(&r, "<code>work.page</code>");
    resp_free(&r);
    snprintf(b.lang, sizeof b.lang, "en");
    r = browser_get(&b, "/quan-tri/he-thong");
    expect_page(&r, 200);
    body_has(&r, "<h1>System status</h1>");
    body_has(&r, "<th scope=\"row\">Requests answered</th>");
    assert_null(strstr(r.body, "Số yêu cầu"));
    resp_free(&r);
    snprintf(b.lang, sizeof b.lang, "%s", "");
    r = browser_get(&b, "/quan-tri/du-lieu");
    expect_page(&r, 200);
    body_has(&r, "26/2026/QĐ-TTg");
    body_has(&r, "đang có hiệu lực");
    resp_free(&r);
}

/* The Ministry's work by its officer (bo.vanphong): the province sends, the Ministry's officer
** opens a round with its council, puts the dossier in it and decides; an administrator makes the
** key. It sees nothing of a province's before it is sent. */
static void test_ministry(void **state) {
    (void)state;
    Browser b, admin, tinh;
    browser_sign_in(&b, &S, "bo.vanphong", DEMO_PASSWORD);
    browser_sign_in(&admin, &S, "admin", DEMO_PASSWORD);
    browser_sign_in(&tinh, &S, "tinh.vinhlong", DEMO_PASSWORD);
    long long rounds = count("SELECT count(*) FROM rounds WHERE province_code = 'bo'"); /* the demo's */
    long long id = count("SELECT min(id) FROM dossiers WHERE state = 'scored'");
    assert_true(id > 0);
    char q[200], page[64];
    /* the province's council gave it 5 stars */
    snprintf(q, sizeof q, "UPDATE dossiers SET avg_score = 92, band = 5, stars = 5 WHERE id = %lld", id);
    sql(q);
    snprintf(page, sizeof page, "/bo/ho-so/%lld", id);
    char step[64];
    snprintf(step, sizeof step, "/ho-so/%lld/buoc", id);
    /* before it is sent: not the Ministry's (404, as if it did not exist), nor its step to take */
    browser_shows(&b, page, 404, NULL);
    Resp r = browser_post(&b, step, "action=send_to_ministry&from=scored&next=%s", form_enc(page));
    expect_page(&r, 404);
    resp_free(&r);
    r = browser_post(&tinh, step, "action=send_to_ministry&from=scored&next=%s", form_enc(page));
    assert_int_equal(r.status, 303);
    resp_free(&r);
    r = browser_get(&b, "/bo/ho-so?state=with_ministry");
    expect_page(&r, 200);
    body_has(&r, "1 kết quả");
    snprintf(q, sizeof q, "<a href=\"%s\">", page);
    body_has(&r, q);
    resp_free(&r);
    r = browser_get(&b, "/lam-viec");
    body_has(&r, "Đã gửi Bộ: cần đưa vào đợt đánh giá của Bộ");
    resp_free(&r);
    r = browser_get(&b, page);
    expect_page(&r, 200);
    body_has(&r, "Bộ chưa có đợt đánh giá nào đang mở.");
    body_has(&r, "Hội đồng cấp tỉnh");
    resp_free(&r);

    /* a round needs its council */
    r = browser_post(&b, "/bo/dot/moi", "year=2026&number=2&ends_on=2099-12-31");
    expect_page(&r, 422);
    body_has(&r, "id=\"f-council_id-error\"");
    resp_free(&r);
    assert_int_equal(count("SELECT count(*) FROM rounds WHERE province_code = 'bo'"), rounds);
    r = browser_post(&b, "/bo/dot/moi", "year=2026&number=2&ends_on=2099-12-31&council_name=%s",
                     form_enc("Hội đồng đánh giá sản phẩm OCOP cấp quốc gia"));
    expect_redirect(&r, "/bo/dot?done=created");
    resp_free(&r);
    r = browser_get(&b, "/bo/dot?done=created");
    body_has(&r, "Đã mở đợt đánh giá.");
    body_has(&r, "Hội đồng: Hội đồng đánh giá sản phẩm OCOP cấp quốc gia");
    resp_free(&r);
    long long round = count("SELECT max(id) FROM rounds WHERE province_code = 'bo'");
    r = browser_post(&b, step, "action=assign_ministry&from=with_ministry&round_id=%lld&next=%s", round, form_enc(page));
    assert_int_equal(r.status, 303);
    resp_free(&r);
    snprintf(q, sizeof q, "SELECT count(*) FROM dossiers WHERE id = %lld AND state = 'in_ministry_round' AND ministry_pass > 0", id);
    assert_int_equal(count(q), 1);

    /* the Ministry's council scored it: the decision needs the key "bo" first */
    snprintf(q, sizeof q, "UPDATE dossiers SET state = 'ministry_scored', avg_score = 93 WHERE id = %lld", id);
    sql(q);
    r = browser_get(&b, "/bo/quyet-dinh/moi");
    expect_page(&r, 200);
    body_has(&r, "Bộ chưa có khóa ký");
    body_has(&r, "/quan-tri/khoa-ky?authority=bo");
    resp_free(&r);
    r = browser_post(&b, "/bo/quyet-dinh/moi", "number=%s&decided_on=2026-12-01&signer_name=A&signer_title=B",
                     form_enc("12/QĐ-BNNMT"));
    expect_page(&r, 422);
    body_has(&r, "đánh dấu ít nhất một hồ sơ được quyết định công nhận");
    resp_free(&r);
    r = browser_post(&b, "/quan-tri/khoa-ky", "key_id=bo-2"); /* the keys are the administrator's */
    expect_page(&r, 403);
    resp_free(&r);
    r = browser_post(&admin, "/quan-tri/khoa-ky", "key_id=bo-2");
    assert_int_equal(r.status, 303);
    resp_free(&r);
    const char *today = vn_day(0);
    r = browser_post(&b, "/bo/quyet-dinh/moi", "number=%s&decided_on=%s&signer_name=%s&signer_title=%s&dossier=%lld",
                     form_enc("12/QĐ-BNNMT"), today, form_enc("Nguyễn Văn A"), form_enc("BỘ TRƯỞNG"), id);
    expect_redirect(&r, "/bo/quyet-dinh?done=created");
    resp_free(&r);
    r = browser_get(&b, "/bo/quyet-dinh?done=created");
    expect_page(&r, 200);
    body_has(&r, "<h2>12/QĐ-BNNMT</h2>");
    body_has(&r, "/xac-minh/BO-");
    resp_free(&r);
    r = browser_get(&b, "/bo/quyet-dinh?format=csv");
    assert_int_equal(r.status, 200);
    body_has(&r, "12/QĐ-BNNMT");
    resp_free(&r);
    /* searched by its product's name, typed without diacritics, or by its registration number */
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    snprintf(q, sizeof q, "SELECT p.name, substr(d.reg_no, -10) FROM dossiers d JOIN products p ON p.id = d.product_id "
                          "WHERE d.id = %lld", id);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char name[200], reg[40], path[300];
    snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(reg, sizeof reg, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(db);
    snprintf(path, sizeof path, "/bo/ho-so?q=%s", form_enc(name));
    browser_shows(&b, path, 200, "1 kết quả");
    snprintf(path, sizeof path, "/bo/ho-so?q=%s", form_enc(reg));
    r = browser_get(&b, path);
    body_has(&r, "1 kết quả");
    resp_free(&r);
    browser_shows(&b, "/bo/ho-so?q=khong%20co%20san%20pham%20nay", 200, "0 kết quả");
    /* the API gives the Ministry's officer the Ministry's dossiers only: this one and the demo's */
    r = browser_get(&b, "/api/v1/dossiers?per_page=100");
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")),
                     count("SELECT count(*) FROM dossiers WHERE ministry_pass IS NOT NULL OR state IN "
                           "('with_ministry', 'in_ministry_round', 'ministry_scored')"));
    assert_true(json_integer_value(json_object_get(r.json, "total")) >= 2);
    resp_free(&r);
    browser_shows(&b, "/tinh/ho-so", 403, "Cán bộ OCOP cấp tỉnh");
}

/* Last: the trail rewritten behind the server's back (its trigger dropped, an entry's action
** changed) is found by the audit page's button; once the hashes are rewritten too, the entry the
** signed checkpoint recorded no longer holds, which "what needs me" tells. */
static void test_audit_tampered(void **state) {
    (void)state;
    Browser b;
    browser_sign_in(&b, &S, "admin", DEMO_PASSWORD);
    sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'read' WHERE id = 2");
    Resp r = browser_get(&b, "/quan-tri/nhat-ky?verify=true");
    expect_page(&r, 200);
    body_has(&r, "<strong>Bị phá vỡ.</strong> Chuỗi bị phá vỡ ở mục 2");
    resp_free(&r);
    /* the checkpoint ocop serve signed when it started */
    char path[600];
    snprintf(path, sizeof path, "%s.audit-checkpoint", S.db);
    char *cp = read_whole(path, NULL);
    assert_non_null(cp);
    free(cp);
    r = browser_get(&b, "/lam-viec");
    assert_null(strstr(r.body, "Chuỗi nhật ký bị phá vỡ")); /* the checkpoint's own entry still holds */
    resp_free(&r);
    /* every hash from entry 2 on "recomputed": the checkpoint's entry no longer has its hash */
    sql("UPDATE audit_log SET hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE id >= 2");
    browser_shows(&b, "/lam-viec", 200, "Chuỗi nhật ký bị phá vỡ");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_and_who_may_open_them),
        cmocka_unit_test(test_signing_keys),
        cmocka_unit_test(test_users),
        cmocka_unit_test(test_audit_and_system),
        cmocka_unit_test(test_ministry),
        cmocka_unit_test(test_audit_tampered),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
