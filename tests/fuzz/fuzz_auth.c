/*
** fuzz_auth.c: credentials as an attacker sends them. The input is split at its first NUL into
** a username and a password: the password policy, a sign-in, a session cookie and a bearer
** token made of these bytes must answer with a clear 4xx (never a crash, never success) against
** a real database holding one user.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "migrate.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Db *db;

static void open_db(void) {
    char dir[] = "/tmp/ocop-fuzz-auth-XXXXXX";
    if (!mkdtemp(dir)) abort();
    char path[64];
    snprintf(path, sizeof path, "%s/a.db", dir);
    Err e = ERR_INIT;
    db = db_create(path, &e);
    if (!db || migrate_run(db, 0, &e) < 0) abort();
    Actor who = actor_cli();
    json_t *in = json_pack("{s:s, s:s}", "username", "owner", "password", "a long fuzzing passphrase");
    int64_t id;
    if (user_create(db, &who, in, &id, &e)) abort();
    json_decref(in);
    unlink(path); /* the open connection keeps it until exit */
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!db) open_db();
    if (size > 600) return 0;
    char buf[601];
    memcpy(buf, data, size);
    buf[size] = 0;
    const char *user = buf, *pw = buf + strlen(buf) + (strlen(buf) < size ? 1 : 0);
    if (pw > buf + size) pw = buf + size;
    password_problem(pw, user);
    Auth a;
    Err e = ERR_INIT;
    if (session_load(db, pw, &a, &e) == 0 || e.status != 401) abort();
    err_clear(&e);
    if (token_load(db, pw, &a, &e) == 0 || e.status != 401) abort();
    err_clear(&e);
    /* Sign-ins cost an argon2id hash each: only for short inputs, and never the real password. */
    if (size < 40 && strcmp(pw, "a long fuzzing passphrase") != 0) {
        int retry = 0;
        int rc = auth_login(db, user, pw, "fuzz", &a, &retry, &e);
        if (rc == 0 || (e.status != 400 && e.status != 401 && e.status != 429)) abort();
        err_clear(&e);
    }
    return 0;
}
