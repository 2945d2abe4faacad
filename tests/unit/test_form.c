/*
** test_form.c: form bodies (form.c) as the server reads them, through libmicrohttpd's post
** processor on a real connection (tests/fuzz/form_daemon.h): urlencoded fields decoded, a
** multipart file part streamed to a temporary file of its size in the given directory and
** removed when the request ends, a body cut inside a part and fields that are not text refused
** with 400, the limits on fields.
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../fuzz/form_daemon.h"
#include "page.h"

static FormDaemon D;
static char dir[] = "/tmp/ocop-test-form-XXXXXX";

/* What the check saw, copied out of the daemon's thread. */
static struct {
    bool called, made;
    int rc, status, nfields, nfiles;
    char field[128];
    char values[8][256];
    char keys[8][64];
    char file_name[64], file_filename[64], file_type[64], file_path[512], file_bytes[4096];
    size_t file_size;
    bool file_in_dir;
} seen;

static void check(Form *f, int rc, const Err *e, void *ctx) {
    (void)ctx;
    memset(&seen, 0, sizeof seen);
    seen.called = true;
    seen.made = f != NULL;
    seen.rc = rc;
    seen.status = e->status;
    snprintf(seen.field, sizeof seen.field, "%s", e->field);
    if (!f || rc) return;
    seen.nfields = form_count(f);
    for (int i = 0; i < seen.nfields && i < 8; i++) {
        snprintf(seen.keys[i], sizeof seen.keys[i], "%s", form_key(f, i));
        snprintf(seen.values[i], sizeof seen.values[i], "%s", form_value(f, i));
    }
    const FormFile *ff = form_files(f, &seen.nfiles);
    if (!seen.nfiles) return;
    snprintf(seen.file_name, sizeof seen.file_name, "%s", ff->name);
    snprintf(seen.file_filename, sizeof seen.file_filename, "%s", ff->filename);
    snprintf(seen.file_type, sizeof seen.file_type, "%s", ff->type);
    snprintf(seen.file_path, sizeof seen.file_path, "%s", ff->path);
    seen.file_size = ff->size;
    seen.file_in_dir = strncmp(ff->path, dir, strlen(dir)) == 0;
    FILE *fp = fopen(ff->path, "rb"); /* on disk, by its path */
    if (fp) {
        size_t got = fread(seen.file_bytes, 1, sizeof seen.file_bytes - 1, fp);
        seen.file_bytes[got] = 0;
        fclose(fp);
    }
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    fd_start(&D, dir, check, NULL);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    fd_stop(&D);
    rmdir(dir);
    return 0;
}

/* Entries of dir (the temporary files left). */
static int left_in_dir(void) {
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    if (d) closedir(d);
    return n;
}

static void test_urlencoded(void **state) {
    const char *body = "_csrf=abc&username=xa.mocay&note=N%C6%B0%E1%BB%9Bc+m%E1%BA%AFm&empty=&next=%2Ftai-khoan%3Fa%3D1";
    fd_post(&D, "application/x-www-form-urlencoded", body, strlen(body));
    assert_true(seen.called && seen.made);
    assert_int_equal(seen.rc, 0);
    assert_int_equal(seen.nfields, 5);
    assert_string_equal(seen.keys[1], "username");
    assert_string_equal(seen.values[1], "xa.mocay");
    assert_string_equal(seen.values[2], "Nước mắm");
    assert_string_equal(seen.keys[3], "empty");
    assert_string_equal(seen.values[3], "");
    assert_string_equal(seen.values[4], "/tai-khoan?a=1"); /* the last value: delivered by form_finish */
}

static void test_multipart_file_on_disk(void **state) {
    /* 200 KiB of file, more than the post processor's 16 KiB buffer: it arrives in pieces */
    size_t fsize = 200 * 1024;
    char *content = malloc(fsize);
    for (size_t i = 0; i < fsize; i++) content[i] = (char)('a' + i % 26);
    char head[] = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n"
                  "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"k\xe1\xba\xb9o.jpg\"\r\n"
                  "Content-Type: image/jpeg\r\n\r\n";
    char tail[] = "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nNước mắm\r\n--XyZ--\r\n";
    size_t n = strlen(head) + fsize + strlen(tail);
    char *body = malloc(n);
    memcpy(body, head, strlen(head));
    memcpy(body + strlen(head), content, fsize);
    memcpy(body + strlen(head) + fsize, tail, strlen(tail));
    fd_post(&D, "multipart/form-data; boundary=XyZ", body, n);
    assert_int_equal(seen.rc, 0);
    assert_int_equal(seen.nfields, 2);
    assert_string_equal(seen.values[0], "tok");
    assert_string_equal(seen.keys[1], "note");
    assert_string_equal(seen.values[1], "Nước mắm");
    assert_int_equal(seen.nfiles, 1);
    assert_string_equal(seen.file_name, "photo");
    assert_string_equal(seen.file_filename, "kẹo.jpg");
    assert_string_equal(seen.file_type, "image/jpeg");
    assert_int_equal(seen.file_size, fsize);
    assert_true(seen.file_in_dir);
    assert_memory_equal(seen.file_bytes, content, sizeof seen.file_bytes - 1);
    /* removed when the request ends */
    for (int i = 0; i < 100 && left_in_dir(); i++) nanosleep(&(struct timespec){0, 10000000}, NULL);
    assert_int_equal(left_in_dir(), 0);
    assert_int_not_equal(access(seen.file_path, F_OK), 0);
    free(body);
    free(content);
}

static void test_refused(void **state) {
    const char *cut = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end";
    fd_post(&D, "multipart/form-data; boundary=XyZ", cut, strlen(cut));
    assert_int_equal(seen.status, 400);
    assert_string_equal(seen.field, "body");
    const char *nul = "a=1&b=x%00y";
    fd_post(&D, "application/x-www-form-urlencoded", nul, strlen(nul));
    assert_int_equal(seen.status, 400);
    assert_string_equal(seen.field, "b");
    const char *bad = "name=%E1%BB";
    fd_post(&D, "application/x-www-form-urlencoded", bad, strlen(bad));
    assert_int_equal(seen.status, 400);
    assert_string_equal(seen.field, "name");
    /* multipart without a boundary: no parser at all */
    fd_post(&D, "multipart/form-data", "x", 1);
    assert_false(seen.made);
}

static void test_limits(void **state) {
    char *body = malloc(10 * (FORM_MAX_FIELDS + 2));
    size_t n = 0;
    for (int i = 0; i < FORM_MAX_FIELDS + 1; i++) n += (size_t)sprintf(body + n, "%sk=%d", i ? "&" : "", i % 10);
    fd_post(&D, "application/x-www-form-urlencoded", body, n);
    assert_int_equal(seen.status, 400);
    free(body);
    assert_true(form_is_form_type("multipart/form-data; boundary=x"));
    assert_true(form_is_form_type("Application/X-WWW-Form-Urlencoded"));
    assert_false(form_is_form_type("application/json"));
    assert_false(form_is_form_type("multipart/form-dataX"));
    assert_false(form_is_form_type(NULL));
}

/* A wait in words, rounded up, as the 429 pages say it. */
static void test_wait_words(void **state) {
    char w[64];
    assert_string_equal(page_wait(LANG_VI, 1, w, sizeof w), "1 giây");
    assert_string_equal(page_wait(LANG_VI, 30, w, sizeof w), "30 giây");
    assert_string_equal(page_wait(LANG_VI, 60, w, sizeof w), "1 phút");
    assert_string_equal(page_wait(LANG_VI, 125, w, sizeof w), "3 phút");
    assert_string_equal(page_wait(LANG_VI, 7200, w, sizeof w), "2 giờ");
    assert_string_equal(page_wait(LANG_EN, 1, w, sizeof w), "1 second");
    assert_string_equal(page_wait(LANG_EN, 61, w, sizeof w), "2 minutes");
    assert_string_equal(page_wait(LANG_EN, 3601, w, sizeof w), "2 hours");
    assert_string_equal(page_wait(LANG_EN, 0, w, sizeof w), "1 second");
}

/* Where a sign-in may send the browser back to: a path of this site only. */
static void test_safe_next(void **state) {
    assert_string_equal(page_safe_next("/tai-khoan?a=1", "/x"), "/tai-khoan?a=1");
    const char *bad[] = {NULL, "", "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
                         "/a\nb", "tai-khoan"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_string_equal(page_safe_next(bad[i], "/x"), "/x");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urlencoded),
        cmocka_unit_test(test_multipart_file_on_disk),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_wait_words),
        cmocka_unit_test(test_safe_next),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
