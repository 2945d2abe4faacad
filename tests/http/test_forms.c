/*
** test_forms.c: forms on pages, black-box: a page's POST read as urlencoded or multipart (a file
** part streamed to disk and gone afterwards), the CSRF token as a hidden field (missing or
** stale: the form again with its values, 403, nothing written), post/redirect/get (303), a
** 401 on a page sent to sign-in and back (only to a path of this site), errors as pages in
** Vietnamese and in English (404, 405, 413, 414, 429), and the JSON API still answering
** problem documents. The account pages: sign in (a wrong password next to its field, the
** username kept), sign out, self-registration, one's own account and password.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static Server S;

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    srv_start(&S);
    const char *const roles[] = {"commune:28903", NULL};
    srv_user(&S, "xa.forms", roles);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

/* The value of cookie name set by r (Set-Cookie), in a static buffer, or NULL. */
static const char *set_cookie(const Resp *r, const char *name) {
    static char out[128];
    size_t k = strlen(name);
    for (const char *p = r->headers; (p = strcasestr(p, "\nSet-Cookie: ")); p++) {
        const char *v = p + 13;
        if (strncmp(v, name, k) == 0 && v[k] == '=') {
            size_t n = strcspn(v + k + 1, ";\r\n");
            snprintf(out, sizeof out, "%.*s", (int)n, v + k + 1);
            return out;
        }
    }
    return NULL;
}

/* The value of the hidden _csrf field of a page. */
static char *csrf_of(const Resp *r) {
    const char *p = strstr(r->body, "name=\"_csrf\" value=\"");
    assert_non_null(p);
    p += 20;
    return strndup(p, strcspn(p, "\""));
}

static Resp post(const char *path, const char *cookie, const char *ctype, const char *body, size_t n) {
    char ch[300];
    snprintf(ch, sizeof ch, "Cookie: %s", cookie ? cookie : "");
    const char *const h[] = {ch, NULL};
    return http_req_h(&S, h, "POST", path, ctype, body, n);
}

static Resp get(const char *path, const char *cookie) {
    char ch[300];
    snprintf(ch, sizeof ch, "Cookie: %s", cookie ? cookie : "");
    const char *const h[] = {ch, NULL};
    return http_req_h(&S, h, "GET", path, NULL, NULL, 0);
}

#define FORM "application/x-www-form-urlencoded"


/* An anonymous form's token: its page sets the cookie and writes the same value in the form. */
static char *anon_token(const char *page, char cookie[160]) {
    Resp r = get(page, NULL);
    expect_page(&r, 200);
    const char *c = set_cookie(&r, "ocop_csrf");
    assert_non_null(c);
    char *t = csrf_of(&r);
    assert_string_equal(t, c);
    snprintf(cookie, 160, "ocop_csrf=%s", c);
    resp_free(&r);
    return t;
}

/* Sign in as xa.forms; the session cookie ("ocop_session=...") into cookie. */
static void sign_in(char cookie[200]) {
    char ck[160], body[512];
    char *t = anon_token("/dang-nhap", ck);
    snprintf(body, sizeof body, "_csrf=%s&username=xa.forms&password=correct+horse+battery+staple", t);
    Resp r = post("/dang-nhap", ck, FORM, body, strlen(body));
    expect_status(&r, 303, NULL);
    snprintf(cookie, 200, "ocop_session=%s", set_cookie(&r, "ocop_session"));
    resp_free(&r);
    free(t);
}

static void test_signin_urlencoded(void **state) {
    char ck[160], body[512];
    char *t = anon_token("/dang-nhap?next=%2Ftai-khoan", ck);
    /* a wrong password: the message next to the password, the username kept, 422 */
    snprintf(body, sizeof body, "_csrf=%s&username=xa.forms&password=not+the+one&next=%%2Ftai-khoan", t);
    Resp r = post("/dang-nhap", ck, FORM, body, strlen(body));
    expect_page(&r, 422);
    body_has(&r, "<input id=\"f-username\" name=\"username\" type=\"text\" value=\"xa.forms\"");
    body_has(&r, "<p class=\"error\" id=\"f-password-error\">sai tên đăng nhập hoặc mật khẩu</p>");
    body_has(&r, "aria-invalid=\"true\" aria-describedby=\"f-password-error\"");
    body_has(&r, "<li><a href=\"#f-password\">sai tên đăng nhập hoặc mật khẩu</a></li>");
    body_has(&r, "<input type=\"hidden\" name=\"next\" value=\"/tai-khoan\">");
    assert_null(strstr(r.body, "not the one")); /* a password is never sent back */
    assert_null(set_cookie(&r, "ocop_session"));
    resp_free(&r);
    /* the right one: 303 to next, with the session's cookie */
    snprintf(body, sizeof body, "_csrf=%s&username=xa.forms&password=correct+horse+battery+staple&next=%%2Ftai-khoan", t);
    r = post("/dang-nhap", ck, FORM, body, strlen(body));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tai-khoan");
    char session[200];
    snprintf(session, sizeof session, "ocop_session=%s", set_cookie(&r, "ocop_session"));
    resp_free(&r);
    r = get("/tai-khoan", session);
    expect_page(&r, 200);
    body_has(&r, "<tr><th scope=\"row\">Tên đăng nhập</th><td>xa.forms</td></tr>");
    body_has(&r, "<li>Cán bộ OCOP cấp xã: xã 28903</li>");
    resp_free(&r);
    free(t);
}

/* A path outside this site is never where a sign-in goes back to. */
static void test_next_same_site_only(void **state) {
    const char *bad[] = {"%2F%2Fevil.example%2F", "https%3A%2F%2Fevil.example%2F", "%2F%5Cevil.example", "javascript%3Aalert(1)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char ck[160], body[512];
        char *t = anon_token("/dang-nhap", ck);
        snprintf(body, sizeof body, "_csrf=%s&username=xa.forms&password=correct+horse+battery+staple&next=%s", t, bad[i]);
        Resp r = post("/dang-nhap", ck, FORM, body, strlen(body));
        expect_status(&r, 303, NULL);
        assert_string_equal(resp_header_value(&r, "Location"), "/lam-viec");
        resp_free(&r);
        free(t);
    }
}

/* Files left in the server's files directory by uploads (none once a request has ended). */
static int uploads_left(void) {
    char path[400];
    snprintf(path, sizeof path, "%s/files", S.dir);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d));) n += strncmp(de->d_name, ".upload-", 8) == 0;
    if (d) closedir(d);
    return n;
}

static void test_multipart_with_file(void **state) {
    char ck[160];
    char *t = anon_token("/dang-nhap", ck);
    size_t fsize = 300 * 1024;
    size_t cap = fsize + 4096, n = 0;
    char *body = malloc(cap);
    n += (size_t)sprintf(body + n,
                         "--B0undary\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
                         "--B0undary\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nxa.forms\r\n"
                         "--B0undary\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.bin\"\r\n"
                         "Content-Type: application/octet-stream\r\n\r\n",
                         t);
    memset(body + n, 'x', fsize);
    n += fsize;
    n += (size_t)sprintf(body + n,
                         "\r\n--B0undary\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n"
                         "correct horse battery staple\r\n--B0undary--\r\n");
    Resp r = post("/dang-nhap", ck, "multipart/form-data; boundary=B0undary", body, n);
    expect_status(&r, 303, NULL); /* every field read from the multipart body, around the file */
    assert_non_null(set_cookie(&r, "ocop_session"));
    resp_free(&r);
    /* the file part went to a temporary file, removed when the request ended (just after the
    ** answer was sent) */
    for (int i = 0; i < 200 && uploads_left(); i++) usleep(10000);
    assert_int_equal(uploads_left(), 0);
    free(body);
    free(t);
}

static void test_oversized_413_page(void **state) {
    size_t n = 1024 * 1024 + 10; /* over the default limit of 1 MiB */
    char *body = malloc(n);
    memset(body, 'a', n);
    memcpy(body, "x=", 2);
    Resp r = post("/dang-nhap", NULL, FORM, body, n);
    expect_page(&r, 413);
    body_has(&r, "<h1>Nội dung gửi lên quá lớn</h1>");
    body_has(&r, "Hãy gửi tệp nhỏ hơn hoặc ít nội dung hơn.");
    resp_free(&r);
    free(body);
    /* a JSON body on a page: 415, a page too */
    r = post("/dang-nhap", NULL, "application/json", "{}", 2);
    expect_page(&r, 415);
    resp_free(&r);
}

/* The commune in two steps: the provinces in force, then (the button without JavaScript) the
** communes of the one chosen, the rest of the form kept and nothing registered. */
static void test_register_commune_picker(void **state) {
    (void)state;
    char ck[160], buf[700];
    char *t = anon_token("/dang-ky", ck);
    Resp r = get("/dang-ky", ck);
    expect_page(&r, 200);
    body_has(&r, "<option value=\"86\" >Tỉnh Vĩnh Long</option>");
    assert_null(strstr(r.body, "Xã Mỏ Cày")); /* no province yet: no communes */
    resp_free(&r);
    snprintf(buf, sizeof buf, "_csrf=%s&username=picker.one&producer.name=HTX+Ch%%E1%%BB%%8Dn&producer.province=86&_pick=1", t);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 200);
    body_has(&r, "<option value=\"86\" selected >Tỉnh Vĩnh Long</option>");
    body_has(&r, "<option value=\"28903\" >Xã Mỏ Cày</option>");
    body_has(&r, "value=\"picker.one\"");
    assert_null(strstr(r.body, "class=\"error\"")); /* not an attempt: no errors yet */
    resp_free(&r);
    free(t);
}

static void test_csrf_missing_and_stale(void **state) {
    /* registration without the token: the form again with its values, 403, no account made */
    const char *body = "username=nobody.csrf&password=a+long+passphrase+here&password2=a+long+passphrase+here"
                       "&producer.type=cooperative&producer.name=HTX+Th%E1%BB%AD&producer.commune_code=28903";
    Resp r = post("/dang-ky", NULL, FORM, body, strlen(body));
    expect_page(&r, 403);
    body_has(&r, "biểu mẫu đã hết hạn hoặc không được gửi từ trang này nên chưa có gì được lưu");
    body_has(&r, "value=\"nobody.csrf\"");
    body_has(&r, "value=\"HTX Thử\"");
    body_has(&r, "<option value=\"cooperative\" selected >");
    /* the commune sent alone picks its province; both are chosen in the form again */
    body_has(&r, "<option value=\"86\" selected >Tỉnh Vĩnh Long</option>");
    body_has(&r, "<option value=\"28903\" selected >Xã Mỏ Cày</option>");
    assert_null(strstr(r.body, "a long passphrase"));
    resp_free(&r);
    /* a token from another cookie (stale, or forged): the same */
    char ck[160], buf[700];
    char *t = anon_token("/dang-ky", ck);
    snprintf(buf, sizeof buf, "_csrf=%sX&%s", t, body);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 403);
    resp_free(&r);
    /* nothing was written: the name is still free, so registering with the token works */
    snprintf(buf, sizeof buf, "_csrf=%s&%s", t, body);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap?done=registered");
    resp_free(&r);
    free(t);
    /* signed in: sign-out with a stale token keeps the session (no page to show again: a page) */
    char session[200];
    sign_in(session);
    r = post("/dang-xuat", session, FORM, "_csrf=stale", 11);
    expect_page(&r, 403);
    resp_free(&r);
    r = get("/tai-khoan", session);
    expect_page(&r, 200);
    resp_free(&r);
}

static void test_register_errors_and_303(void **state) {
    char ck[160], buf[800];
    char *t = anon_token("/dang-ky", ck);
    /* the repeat differs: next to it */
    snprintf(buf, sizeof buf,
             "_csrf=%s&username=hop.tac&password=a+long+passphrase+here&password2=another+one+entirely"
             "&producer.type=cooperative&producer.name=HTX+Hop+Tac&producer.commune_code=28903", t);
    Resp r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 422);
    body_has(&r, "<p class=\"error\" id=\"f-password2-error\">hai mật khẩu không giống nhau</p>");
    body_has(&r, "value=\"hop.tac\"");
    resp_free(&r);
    /* a password the rules refuse: next to the password, in Vietnamese */
    snprintf(buf, sizeof buf,
             "_csrf=%s&username=hop.tac&password=short&password2=short"
             "&producer.type=cooperative&producer.name=HTX+Hop+Tac&producer.commune_code=28903", t);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-password-error\">mật khẩu phải có ít nhất 10 ký tự");
    resp_free(&r);
    /* an unknown commune: next to the commune code */
    snprintf(buf, sizeof buf,
             "_csrf=%s&username=hop.tac&password=a+long+passphrase+here&password2=a+long+passphrase+here"
             "&producer.type=cooperative&producer.name=HTX+Hop+Tac&producer.commune_code=99999", t);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 422);
    body_has(&r, "<p class=\"error\" id=\"f-producer_commune_code-error\">");
    body_has(&r, "<li><a href=\"#f-producer_commune_code\">");
    resp_free(&r);
    /* right: 303, then the account exists with a producer role waiting for its commune */
    snprintf(buf, sizeof buf,
             "_csrf=%s&username=hop.tac&password=a+long+passphrase+here&password2=a+long+passphrase+here"
             "&producer.type=cooperative&producer.name=HTX+Hop+Tac&producer.commune_code=28903", t);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_status(&r, 303, NULL);
    resp_free(&r);
    r = get("/dang-nhap?done=registered", ck);
    body_has(&r, "Tài khoản của bạn đã được đăng ký.");
    resp_free(&r);
    snprintf(buf, sizeof buf, "_csrf=%s&username=hop.tac&password=a+long+passphrase+here", t);
    r = post("/dang-nhap", ck, FORM, buf, strlen(buf));
    expect_status(&r, 303, NULL);
    char session[200];
    snprintf(session, sizeof session, "ocop_session=%s", set_cookie(&r, "ocop_session"));
    resp_free(&r);
    r = get("/tai-khoan", session);
    body_has(&r, "<li>Chủ thể OCOP: chủ thể số ");
    body_has(&r, "(đang chờ cấp xã xác nhận)");
    resp_free(&r);
    /* the same username again: taken, next to the username */
    snprintf(buf, sizeof buf,
             "_csrf=%s&username=hop.tac&password=a+long+passphrase+here&password2=a+long+passphrase+here"
             "&producer.type=cooperative&producer.name=HTX+Khac&producer.commune_code=28903", t);
    r = post("/dang-ky", ck, FORM, buf, strlen(buf));
    expect_page(&r, 409);
    body_has(&r, "<p class=\"error\" id=\"f-username-error\">tên đăng nhập &#39;hop.tac&#39; đã có người dùng</p>");
    free(t);
    resp_free(&r);
}

static void test_401_redirects_to_signin_and_back(void **state) {
    Resp r = get("/tai-khoan/mat-khau?from=menu", NULL);
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap?next=%2Ftai-khoan%2Fmat-khau%3Ffrom%3Dmenu");
    resp_free(&r);
    char ck[160], body[512];
    char *t = anon_token("/dang-nhap?next=%2Ftai-khoan%2Fmat-khau%3Ffrom%3Dmenu", ck);
    snprintf(body, sizeof body,
             "_csrf=%s&username=xa.forms&password=correct+horse+battery+staple&next=%%2Ftai-khoan%%2Fmat-khau%%3Ffrom%%3Dmenu", t);
    r = post("/dang-nhap", ck, FORM, body, strlen(body));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tai-khoan/mat-khau?from=menu");
    resp_free(&r);
    free(t);
    /* a POST without a session: sign in, then back to the form's page, when it has one */
    r = post("/tai-khoan/mat-khau", NULL, FORM, "", 0);
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap?next=%2Ftai-khoan%2Fmat-khau");
    resp_free(&r);
    r = post("/dang-xuat", NULL, FORM, "", 0);
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap");
    resp_free(&r);
}

static void test_password_and_signout(void **state) {
    const char *const roles[] = {"commune:28903", NULL};
    srv_user(&S, "xa.pw", roles);
    char ck[160], body[600];
    char *t = anon_token("/dang-nhap", ck);
    snprintf(body, sizeof body, "_csrf=%s&username=xa.pw&password=correct+horse+battery+staple", t);
    Resp r = post("/dang-nhap", ck, FORM, body, strlen(body));
    char session[200];
    snprintf(session, sizeof session, "ocop_session=%s", set_cookie(&r, "ocop_session"));
    resp_free(&r);
    free(t);
    r = get("/tai-khoan/mat-khau", session);
    expect_page(&r, 200);
    t = csrf_of(&r);
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&current_password=wrong+one+here&new_password=a+new+long+passphrase&new_password2=a+new+long+passphrase", t);
    r = post("/tai-khoan/mat-khau", session, FORM, body, strlen(body));
    expect_page(&r, 422);
    body_has(&r, "id=\"f-current_password-error\"");
    resp_free(&r);
    snprintf(body, sizeof body, "_csrf=%s&current_password=correct+horse+battery+staple&new_password=a+new+long+passphrase&new_password2=a+new+long+passphrase", t);
    r = post("/tai-khoan/mat-khau", session, FORM, body, strlen(body));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/tai-khoan?done=password");
    resp_free(&r);
    r = get("/tai-khoan?done=password", session);
    body_has(&r, "Mật khẩu của bạn đã được thay đổi.");
    resp_free(&r);
    /* sign out: 303, and the session is over */
    snprintf(body, sizeof body, "_csrf=%s", t);
    r = post("/dang-xuat", session, FORM, body, strlen(body));
    expect_status(&r, 303, NULL);
    assert_string_equal(resp_header_value(&r, "Location"), "/dang-nhap?done=signed-out");
    resp_free(&r);
    r = get("/tai-khoan", session);
    expect_status(&r, 303, NULL);
    resp_free(&r);
    free(t);
}

static void test_error_pages_vi_en(void **state) {
    Resp r = get("/khong-co-trang-nay", NULL);
    expect_page(&r, 404);
    body_has(&r, "<html lang=\"vi\">");
    body_has(&r, "<h1>Không tìm thấy trang</h1>");
    body_has(&r, "không có trang hoặc tài nguyên: /khong-co-trang-nay");
    resp_free(&r);
    r = get("/khong-co-trang-nay?lang=en", NULL);
    expect_page(&r, 404);
    body_has(&r, "<html lang=\"en\">");
    body_has(&r, "<h1>Page not found</h1>");
    resp_free(&r);
    r = http_req_h(&S, (const char *const[]){NULL}, "DELETE", "/dang-nhap", NULL, NULL, 0);
    expect_page(&r, 405);
    body_has(&r, "<h1>Trang này không thực hiện được thao tác đó</h1>");
    resp_free(&r);
    char path[1024] = "/?a=1";
    for (int i = 0; i < 64; i++) strcat(path, "&a=1"); /* 65 parameters; at most 64 are read */
    r = get(path, NULL);
    expect_page(&r, 414);
    body_has(&r, "<h1>Địa chỉ quá dài</h1>");
    resp_free(&r);
}

static void test_throttled_signin(void **state) {
    const char *const roles[] = {"commune:28903", NULL};
    srv_user(&S, "xa.throttle", roles);
    char ck[160], body[512];
    char *t = anon_token("/dang-nhap", ck);
    snprintf(body, sizeof body, "_csrf=%s&username=xa.throttle&password=wrong+wrong+wrong", t);
    Resp r = {0};
    for (int i = 0; i < 6; i++) {
        resp_free(&r);
        r = post("/dang-nhap", ck, FORM, body, strlen(body));
    }
    expect_page(&r, 429);
    body_has(&r, "id=\"f-password-error\">quá nhiều lần thử; vui lòng thử lại sau ");
    body_has(&r, " giây</p>");
    assert_non_null(resp_header_value(&r, "Retry-After"));
    body_has(&r, "value=\"xa.throttle\"");
    resp_free(&r);
    free(t);
}

static void test_api_still_json(void **state) {
    Resp r = get("/api/v1/khong-co", NULL);
    expect_status(&r, 404, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/problem+json");
    assert_string_equal(jstr(r.json, "code"), "not_found");
    resp_free(&r);
    r = post("/api/v1/session", NULL, "application/json", "{\"username\":\"xa.forms\",\"password\":\"x\"}", 38);
    expect_status(&r, 401, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/problem+json");
    resp_free(&r);
    /* a signed-in API call without the header token is still refused as JSON */
    char session[200];
    sign_in(session);
    r = post("/api/v1/me/tokens", session, "application/json", "{}", 2);
    expect_status(&r, 403, "X-CSRF-Token");
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/problem+json");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signin_urlencoded),
        cmocka_unit_test(test_next_same_site_only),
        cmocka_unit_test(test_multipart_with_file),
        cmocka_unit_test(test_oversized_413_page),
        cmocka_unit_test(test_register_commune_picker),
        cmocka_unit_test(test_csrf_missing_and_stale),
        cmocka_unit_test(test_register_errors_and_303),
        cmocka_unit_test(test_401_redirects_to_signin_and_back),
        cmocka_unit_test(test_password_and_signout),
        cmocka_unit_test(test_error_pages_vi_en),
        cmocka_unit_test(test_throttled_signin),
        cmocka_unit_test(test_api_still_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
