/*
** test_backup.c: the backup drill. Back up a serving system while a client writes without
** pause, restore the backup into a new place, compare, and serve it: the records, the audit
** trail, the stored files (a photo) and the public signing keys come back. Then the refusals:
** a backup into an existing directory, a restore over an existing database without --force,
** a backup with a damaged or missing file (nothing is restored).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static Server S;
static char photo_url[160], webp_url[160];
static char *photo; /* the photo's bytes as served before the backup */
static size_t photo_n;

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    /* The demo made the keys of Vĩnh Long (86) and of the Ministry (bo). */
    srv_start(&S);
    srv_as_admin(&S);
    size_t n;
    char *png = test_png(4, 4, 90, &n);
    Resp r = http_req(&S, "POST", "/api/v1/products/1/photos?filename=a.png", "image/png", png, n);
    free(png);
    if (r.status != 201) abort();
    snprintf(photo_url, sizeof photo_url, "%s", jstr(r.json, "url"));
    snprintf(webp_url, sizeof webp_url, "%s", jstr(r.json, "variants.1.url"));
    resp_free(&r);
    r = http_get(&S, photo_url);
    if (r.status != 200) abort();
    photo = malloc(r.len);
    memcpy(photo, r.body, r.len);
    photo_n = r.len;
    resp_free(&r);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    free(photo);
    srv_stop(&S);
    srv_cleanup(&S);
    return 0;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A client that writes without pause: product 1's description becomes "w N", N = 1, 2, ... */
static pid_t start_writer(void) {
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (long n = 1;; n++) {
            char body[64];
            snprintf(body, sizeof body, "{\"description\": \"w %ld\"}", n);
            Resp r = http_json(&S, "PATCH", "/api/v1/products/1", body);
            if (r.status != 200) _exit(3);
            resp_free(&r);
        }
    }
    return pid;
}

/* N of product 1's "w N" description as a server answers it (0 before any write). */
static long writes_seen(Server *s) {
    Resp r = http_get(s, "/api/v1/products/1");
    assert_int_equal(r.status, 200);
    const char *d = jstr(r.json, "description");
    long n = d && strncmp(d, "w ", 2) == 0 ? atol(d + 2) : 0;
    resp_free(&r);
    return n;
}

/* Output of an ocop command that must succeed (malloc'd). */
static char *ocop_out(const char *const *args) {
    char *out = NULL, *err = NULL;
    int rc = run_ocop(args, &out, &err);
    if (rc != 0) fprintf(stderr, "ocop %s %s: exit %d: %s\n", args[0], args[1], rc, err);
    assert_int_equal(rc, 0);
    free(err);
    return out;
}

/* No DIR/NAME.tmp-* or other temporaries left in dir. */
static void no_temporaries(const char *dir) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strstr(e->d_name, ".tmp") || strstr(e->d_name, ".restore-")) fprintf(stderr, "left behind: %s\n", e->d_name);
        assert_null(strstr(e->d_name, ".tmp"));
        assert_null(strstr(e->d_name, ".restore-"));
    }
    closedir(d);
}

static void test_drill(void **state) {
    (void)state;
    char bk[400];
    snprintf(bk, sizeof bk, "%s/backup-1", S.dir);
    pid_t writer = start_writer();
    while (writes_seen(&S) < 20) usleep(10000); /* the writes are under way */
    long before = writes_seen(&S);
    const char *backup[] = {"backup", bk, "--db", S.db, NULL};
    double t0 = now_s();
    char *out = ocop_out(backup);
    double took = now_s() - t0;
    long after = writes_seen(&S);
    kill(writer, SIGKILL);
    int st;
    waitpid(writer, &st, 0);
    assert_true(WIFSIGNALED(st)); /* the writer never failed */
    fprintf(stderr, "backup under writes: %.2f s, %ld writes meanwhile\n", took, after - before);
    assert_true(took < 60);
    assert_true(after > before); /* it finished while the writes went on */
    /* the photo as JPEG (its name) and as WebP, and the PDFs of the demo's 5 certificates */
    assert_non_null(strstr(out, "7 stored files"));
    assert_non_null(strstr(out, "2 public keys")); /* the demo's: 86 and bo */
    free(out);
    no_temporaries(S.dir);

    /* what the backup holds */
    char path[600];
    snprintf(path, sizeof path, "%s/keys/86.pub", bk);
    char *pub = read_whole(path, NULL);
    const char *exp[] = {"key", "export", "86", "--db", S.db, NULL};
    char *pk = ocop_out(exp);
    assert_non_null(pub);
    assert_non_null(strstr(pk, pub));
    free(pub);
    free(pk);
    snprintf(path, sizeof path, "%s/keys/86.key", bk);
    assert_int_equal(access(path, F_OK), -1); /* never the secret key */

    /* restore into a new place: refused over an existing database without --force */
    Server R;
    srv_prepare(&R, false);
    const char *restore[] = {"restore", bk, "--db", R.db, NULL};
    char *err = NULL;
    assert_int_equal(run_ocop(restore, NULL, &err), 1);
    assert_non_null(strstr(err, "--force"));
    free(err);
    const char *force[] = {"restore", bk, "--db", R.db, "--force", NULL};
    out = ocop_out(force);
    assert_non_null(strstr(out, "audit trail intact"));
    assert_non_null(strstr(out, "7 referenced files present"));
    assert_non_null(strstr(out, "2 public keys match"));
    free(out);
    no_temporaries(R.dir);

    /* compare: the restored database is the backup's, record for record */
    static const char *const kinds[] = {"producers", "products", "recognitions", "villages", "points"};
    char bkdb[500];
    snprintf(bkdb, sizeof bkdb, "%s/ocop.db", bk);
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        const char *a[] = {"export", kinds[i], "--db", bkdb, NULL}, *b[] = {"export", kinds[i], "--db", R.db, NULL};
        char *x = ocop_out(a), *y = ocop_out(b);
        assert_string_equal(x, y);
        free(x);
        free(y);
    }
    const char *ha[] = {"audit", "head", "--db", bkdb, NULL}, *hb[] = {"audit", "head", "--db", R.db, NULL};
    char *x = ocop_out(ha), *y = ocop_out(hb);
    assert_string_equal(x, y);
    free(x);
    free(y);

    /* and it serves: the records as of the backup, the photo's bytes */
    srv_start(&R);
    long restored = writes_seen(&R);
    fprintf(stderr, "restored: write %ld of %ld..%ld\n", restored, before, after);
    assert_true(restored >= before && restored <= after);
    Resp r = http_get(&R, photo_url);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, photo_n);
    assert_memory_equal(r.body, photo, photo_n);
    resp_free(&r);
    r = http_get(&R, webp_url); /* its sizes came back too */
    assert_int_equal(r.status, 200);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "image/webp");
    resp_free(&r);
    r = http_get(&R, "/api/v1/products/1");
    assert_int_equal(json_array_size(jpath(r.json, "photos")), 1);
    resp_free(&r);
    srv_stop(&R);
    srv_cleanup(&R);
}

static void test_refusals(void **state) {
    (void)state;
    char bk[400], target[500], file[700];
    snprintf(bk, sizeof bk, "%s/backup-2", S.dir);
    const char *backup[] = {"backup", bk, "--db", S.db, NULL};
    free(ocop_out(backup));
    /* into an existing directory */
    char *err = NULL;
    assert_int_equal(run_ocop(backup, NULL, &err), 1);
    assert_non_null(strstr(err, "already exists"));
    free(err);
    no_temporaries(S.dir);

    /* a damaged file in the live store: the backup fails and leaves nothing behind */
    char bad_dir[400], bad_file[500], bk4[400];
    snprintf(bad_dir, sizeof bad_dir, "%s/files/00", S.dir);
    mkdir(bad_dir, 0755);
    snprintf(bad_file, sizeof bad_file, "%s/00000000000000000000000000000000000000000000000000000000000000", bad_dir);
    FILE *bf = fopen(bad_file, "wb");
    assert_non_null(bf);
    fputs("rotten", bf);
    fclose(bf);
    snprintf(bk4, sizeof bk4, "%s/backup-4", S.dir);
    const char *backup4[] = {"backup", bk4, "--db", S.db, NULL};
    assert_int_equal(run_ocop(backup4, NULL, &err), 1);
    assert_non_null(strstr(err, "does not match its SHA-256"));
    free(err);
    assert_int_equal(access(bk4, F_OK), -1);
    no_temporaries(S.dir);
    unlink(bad_file);
    rmdir(bad_dir);

    /* the photo's file in the backup, damaged: nothing is restored */
    const char *sha = strrchr(photo_url, '/') + 1;
    snprintf(file, sizeof file, "%s/files/%.2s/%s", bk, sha, sha + 2);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fputs("not the photo", f);
    fclose(f);
    snprintf(target, sizeof target, "%s/elsewhere/ocop.db", S.dir);
    const char *restore[] = {"restore", bk, "--db", target, NULL};
    assert_int_equal(run_ocop(restore, NULL, &err), 1);
    assert_non_null(strstr(err, "does not match its SHA-256"));
    free(err);
    assert_int_equal(access(target, F_OK), -1);

    /* missing: refused by the check of what the records refer to */
    assert_int_equal(unlink(file), 0);
    assert_int_equal(run_ocop(restore, NULL, &err), 1);
    assert_non_null(strstr(err, sha));
    assert_non_null(strstr(err, "missing"));
    free(err);
    assert_int_equal(access(target, F_OK), -1);
    snprintf(file, sizeof file, "%s/elsewhere", S.dir);
    no_temporaries(file);

    /* made by a newer ocop: refused, nothing restored */
    char bk3[400], bkdb[500];
    snprintf(bk3, sizeof bk3, "%s/backup-3", S.dir);
    const char *backup3[] = {"backup", bk3, "--db", S.db, NULL};
    free(ocop_out(backup3));
    snprintf(bkdb, sizeof bkdb, "%s/ocop.db", bk3);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(bkdb, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO schema_migrations VALUES (999, '999_future.sql', 'x')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    const char *restore3[] = {"restore", bk3, "--db", target, NULL};
    assert_int_equal(run_ocop(restore3, NULL, &err), 1);
    assert_non_null(strstr(err, "newer than this ocop"));
    free(err);
    assert_int_equal(access(target, F_OK), -1);

    /* not a backup */
    snprintf(file, sizeof file, "%s/files", bk);
    const char *bad[] = {"restore", file, "--db", target, NULL};
    assert_int_equal(run_ocop(bad, NULL, &err), 1);
    assert_non_null(strstr(err, "not an ocop backup"));
    free(err);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drill),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
