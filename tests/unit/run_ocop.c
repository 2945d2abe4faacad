/*
** run_ocop.c: see run_ocop.h.
*/
#include "run_ocop.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <unistd.h>

#include "migrate.h"

extern char **environ;

Db *test_db_migrated(const char *stem, char *path, size_t cap) {
    snprintf(path, cap, "/tmp/ocop-test-%s-XXXXXX", stem);
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    close(fd);
    Err e = ERR_INIT;
    Db *db = db_open(path, &e);
    if (!db || migrate_run(db, 0, &e) < 0) {
        fprintf(stderr, "%s: %s\n", path, e.detail);
        return NULL;
    }
    return db;
}

void test_exec(Db *db, const char *sql) {
    Err e = ERR_INIT;
    if (db_exec(db, sql, &e)) fail_msg("%s: %s", sql, e.detail);
}

int run_ocop_in(const char *dir, const char *const *args, Buf *out, Buf *err) {
    const char *bin = getenv("OCOP_BIN");
    if (!bin) fail_msg("OCOP_BIN is not set (run through meson test)");
    char po[256], pe[256];
    snprintf(po, sizeof po, "%s/run.out", dir);
    snprintf(pe, sizeof pe, "%s/run.err", dir);
    char *argv[16] = {(char *)bin};
    int n = 1;
    for (; args[n - 1] && n < 15; n++) argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, po, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, pe, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    const char *paths[2] = {po, pe};
    Buf *bufs[2] = {out, err};
    for (int i = 0; i < 2; i++) {
        buf_reset(bufs[i]);
        FILE *fp = fopen(paths[i], "rb");
        assert_non_null(fp);
        char chunk[4096];
        size_t k;
        while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(bufs[i], chunk, k);
        fclose(fp);
    }
    remove(po);
    remove(pe);
    return WEXITSTATUS(status);
}
