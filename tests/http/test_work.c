/*
** test_work.c: what every workspace shares (page_work.c, page_dossier.c): signing in leads to
** "what needs me now" (/lam-viec) with the navigation of the caller's workspaces only; the
** one form that moves a dossier (POST /ho-so/{id}/buoc) takes a step once, and the same form
** sent again (a double click, a second tab, a stale page) changes nothing and says why.
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

/* The id of the first dossier of the demo in state. */
static long long dossier_in(const char *state) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers?state=%s&sort=id", state);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    long long id = jint(r.json, "items.0.id");
    resp_free(&r);
    assert_true(id > 0);
    return id;
}

static long long events_of(long long id) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/events", id);
    Resp r = http_get(&S, path);
    expect_status(&r, 200, NULL);
    json_t *items = json_is_array(r.json) ? r.json : json_object_get(r.json, "items");
    long long n = (long long)json_array_size(items);
    resp_free(&r);
    return n;
}

static void test_needs_page(void **state) {
    (void)state;
    /* anonymous: to the sign-in page, which comes back here */
    Resp r = http_req_h(&S, (const char *const[]){NULL}, "GET", "/lam-viec", NULL, NULL, 0);
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap?next=%2Flam-viec");
    resp_free(&r);

    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    r = browser_get(&b, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "<h1>Việc cần làm ngay</h1>");
    body_has(&r, "<a href=\"/lam-viec\" aria-current=\"page\">Việc cần làm</a>");
    body_has(&r, "<a href=\"/xa/ho-so\">Hồ sơ của xã</a>");
    body_has(&r, "<h2 id=\"role-commune\">Cán bộ OCOP cấp xã</h2>");
    assert_null(strstr(r.body, "/tinh/")); /* no other role's workspace */
    assert_null(strstr(r.body, "/quan-tri/"));
    resp_free(&r);

    /* in English */
    snprintf(b.lang, sizeof b.lang, "en");
    r = browser_get(&b, "/lam-viec");
    expect_page(&r, 200);
    body_has(&r, "<h1>What needs me now</h1>");
    body_has(&r, ">Commune dossiers</a>");
    resp_free(&r);
}

static void test_step_once(void **state) {
    (void)state;
    long long id = dossier_in("submitted");
    long long before = events_of(id);
    Browser b;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld/buoc", id);
    Resp r = browser_post(&b, path, "action=receive&from=submitted&next=%s", form_enc("/xa/ho-so"));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/xa/ho-so?done=receive");
    resp_free(&r);
    assert_int_equal(events_of(id), before + 1);

    /* the same form again: the dossier is no longer where the page showed it */
    r = browser_post(&b, path, "action=receive&from=submitted&next=%s", form_enc("/xa/ho-so"));
    expect_page(&r, 409);
    body_has(&r, "hồ sơ này hiện ở trạng thái &quot;Xã đang kiểm tra&quot;");
    body_has(&r, "không có gì bị thay đổi");
    resp_free(&r);
    assert_int_equal(events_of(id), before + 1);

    /* a step the state does not allow, without a stale page: the domain's refusal, as a page */
    r = browser_post(&b, path, "action=receive&next=%s", form_enc("/xa/ho-so"));
    expect_page(&r, 409);
    resp_free(&r);
    /* a return needs its comment */
    r = browser_post(&b, path, "action=return&from=with_commune");
    expect_page(&r, 422);
    resp_free(&r);
    assert_int_equal(events_of(id), before + 1);

    /* without the session's CSRF token: refused, nothing written */
    char body[128];
    snprintf(body, sizeof body, "_csrf=forged&action=withdraw&from=with_commune");
    char ck[300];
    snprintf(ck, sizeof ck, "Cookie: %s", b.cookie);
    r = http_req_h(&S, (const char *const[]){ck, NULL}, "POST", path, "application/x-www-form-urlencoded", body,
                   strlen(body));
    assert_int_equal(r.status, 403);
    resp_free(&r);
    assert_int_equal(events_of(id), before + 1);

    /* a next that leaves the site is not followed */
    r = browser_post(&b, path, "action=return&from=with_commune&comment=%s&next=%s", form_enc("Thiếu ảnh nhãn"),
                     form_enc("//evil.example/"));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/lam-viec?done=return");
    resp_free(&r);
}

/* A form sent after its session ended (signed out in another tab, or idle too long): the sign-in
** page carries what was entered; signing in offers it back, sent with the new session's token
** only when the person chooses; nothing is written before. */
static void test_session_ended_keeps_the_form(void **state) {
    (void)state;
    long long id = dossier_in("with_commune");
    long long before = events_of(id);
    Browser b, other;
    browser_sign_in(&b, &S, "xa.mocay", "demo-ocop-2026");
    other = b;
    Resp r = browser_post(&other, "/dang-xuat", "%s", ""); /* the session ends */
    expect_status(&r, 303, NULL);
    resp_free(&r);
    char path[64], origin[64], cookie[300], body[1024];
    snprintf(path, sizeof path, "/ho-so/%lld/buoc", id);
    snprintf(origin, sizeof origin, "Origin: http://127.0.0.1:%d", S.port);
    snprintf(cookie, sizeof cookie, "Cookie: %s", b.cookie);
    snprintf(body, sizeof body, "_csrf=%s&action=return&from=with_commune&comment=%s", b.csrf,
             form_enc("Thiếu phiếu kiểm nghiệm"));
    r = http_req_h(&S, (const char *const[]){cookie, origin, NULL}, "POST", path, "application/x-www-form-urlencoded",
                   body, strlen(body));
    expect_page(&r, 401);
    body_has(&r, "Phiên đăng nhập đã hết hạn");
    body_has(&r, "<input type=\"hidden\" name=\"r.comment\" value=\"Thiếu phiếu kiểm nghiệm\">");
    char want[200];
    snprintf(want, sizeof want, "<input type=\"hidden\" name=\"_resend\" value=\"%s\">", path);
    body_has(&r, want);
    assert_null(strstr(r.body, "name=\"r._csrf\"")); /* the old token is not carried */
    const char *anon = resp_set_cookie(&r, "ocop_csrf");
    assert_non_null(anon);
    char ck[200], tok[64];
    snprintf(tok, sizeof tok, "%s", anon);
    snprintf(ck, sizeof ck, "Cookie: ocop_csrf=%s", tok);
    resp_free(&r);
    assert_int_equal(events_of(id), before);
    /* a form from another site with a stale cookie gets no such help: signed out, nothing kept */
    r = http_req_h(&S, (const char *const[]){cookie, "Origin: http://evil.example", NULL}, "POST", path,
                   "application/x-www-form-urlencoded", body, strlen(body));
    assert_true(r.status == 303 || r.status == 401 || r.status == 403);
    assert_null(strstr(r.body ? r.body : "", "r.comment"));
    resp_free(&r);

    /* signing in again: the form comes back, ready to send, with the new session's token */
    snprintf(body, sizeof body, "_csrf=%s&username=xa.mocay&password=demo-ocop-2026&_resend=%s&r.action=return"
             "&r.from=with_commune&r.comment=%s", tok, form_enc(path), form_enc("Thiếu phiếu kiểm nghiệm"));
    r = http_req_h(&S, (const char *const[]){ck, NULL}, "POST", "/dang-nhap", "application/x-www-form-urlencoded", body,
                   strlen(body));
    expect_page(&r, 200);
    snprintf(want, sizeof want, "<form method=\"post\" action=\"%s\">", path);
    body_has(&r, want);
    body_has(&r, "<input type=\"hidden\" name=\"comment\" value=\"Thiếu phiếu kiểm nghiệm\">");
    Browser again = {.s = &S};
    snprintf(again.cookie, sizeof again.cookie, "ocop_session=%s", resp_set_cookie(&r, "ocop_session"));
    const char *t = strstr(r.body, "name=\"_csrf\" value=\"");
    assert_non_null(t);
    snprintf(again.csrf, sizeof again.csrf, "%.*s", (int)strcspn(t + 20, "\""), t + 20);
    resp_free(&r);
    assert_int_equal(events_of(id), before); /* not sent yet */
    r = browser_post(&again, path, "action=return&from=with_commune&comment=%s", form_enc("Thiếu phiếu kiểm nghiệm"));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    assert_int_equal(events_of(id), before + 1);
}

/* A producer may not take the commune's steps: the domain says who may. */
static void test_step_by_role(void **state) {
    (void)state;
    long long id = dossier_in("with_commune");
    srv_user(&S, "cs.other", (const char *const[]){"commune:28756", NULL});
    Browser b;
    browser_sign_in(&b, &S, "cs.other", NULL);
    char path[64];
    snprintf(path, sizeof path, "/ho-so/%lld/buoc", id);
    /* another commune's dossier: not found, as if it did not exist */
    Resp r = browser_post(&b, path, "action=receive&from=submitted");
    expect_page(&r, 404);
    resp_free(&r);
}

/* /tu-danh-gia: the sheet of a set to try, the result of posted choices, a choice that does not
** exist refused with its field. */
static void test_sheet_try(void **state) {
    (void)state;
    Resp r = http_req_h(&S, (const char *const[]){NULL}, "GET", "/tu-danh-gia?bo=1", NULL, NULL, 0);
    expect_page(&r, 200);
    size_t n = 0;
    for (const char *p = r.body; (p = strstr(p, "<fieldset class=\"crit")); p++) n++;
    assert_int_equal(n, 32); /* set 1 of QĐ 26/2026: 32 criteria to choose on */
    body_has(&r, "<legend><span class=\"code\">1.1</span> Nguồn gốc sản phẩm <span class=\"max\">(tối đa 3 điểm)</span></legend>");
    body_has(&r, "còn 32 tiêu chí chưa chọn");
    body_has(&r, "<script src=\"/static/sheet.");
    resp_free(&r);
    /* posted: 3 + 2 points in part A, and the sheet keeps the choices */
    Browser b = {.s = &S};
    r = browser_get(&b, "/tu-danh-gia?bo=1");
    const char *c = resp_set_cookie(&r, "ocop_csrf");
    assert_non_null(c);
    snprintf(b.cookie, sizeof b.cookie, "ocop_csrf=%s", c);
    snprintf(b.csrf, sizeof b.csrf, "%s", c);
    resp_free(&r);
    r = browser_post(&b, "/tu-danh-gia?bo=1", "c.1.1=2&c.1.2=2&c.1.3=");
    expect_page(&r, 200);
    body_has(&r, "<strong data-r=\"total\">5</strong>");
    body_has(&r, "<span data-r=\"A\">5</span> / 40");
    body_has(&r, "id=\"c-1-1-2\" name=\"c.1.1\" value=\"2\" checked");
    body_has(&r, "còn 30 tiêu chí chưa chọn");
    resp_free(&r);
    r = browser_post(&b, "/tu-danh-gia?bo=1", "c.1.1=9");
    expect_page(&r, 422);
    body_has(&r, "hãy chọn một trong các mức của tiêu chí 1.1");
    resp_free(&r);
    /* a set that does not exist */
    r = http_req_h(&S, (const char *const[]){NULL}, "GET", "/tu-danh-gia?bo=27", NULL, NULL, 0);
    expect_page(&r, 400);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_needs_page),
        cmocka_unit_test(test_step_once),
        cmocka_unit_test(test_session_ended_keeps_the_form),
        cmocka_unit_test(test_step_by_role),
        cmocka_unit_test(test_sheet_try),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
