/*
** test_audit.c: the tamper-evident audit trail against a real SQLite file: appending inside the
** caller's transaction, the append-only triggers, verification after three kinds of tampering
** (an edited row, a removed row, bytes patched in the file) with the real binary's
** `ocop audit verify` naming the broken entry, --expect against a cut tail, the list filters and
** the API handlers with a province officer's restriction.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api.h"
#include "audit.h"
#include "buf.h"
#include "cli.h"
#include "db.h"
#include "migrate.h"
#include "param.h"
#include "route.h"
#include "run_ocop.h"
#include "table.h"
#include "util.h"


#define MARKER "MARKER-3-XYZZY-7f3a"

typedef struct Fixture {
    char dir[64];
    char path[96];
    Db *db;
} Fixture;

static int setup(void **state) {
    Fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ocop-test-audit-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/ocop.db", f->dir);
    Err e = ERR_INIT;
    f->db = db_create(f->path, &e);
    if (!f->db || migrate_run(f->db, 0, &e) < 0) {
        fprintf(stderr, "%s\n", e.detail);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state) {
    Fixture *f = *state;
    db_close(f->db);
    const char *suffix[] = {"", "-wal", "-shm", ".out", ".err", ".audit-checkpoint"};
    char p[128];
    for (size_t i = 0; i < COUNT(suffix); i++) {
        snprintf(p, sizeof p, "%s%s", f->path, suffix[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/keys/audit.key", f->dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/keys", f->dir);
    rmdir(p);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The whole text file at path (malloc'd). */
static char *read_text(const char *path) {
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    Buf b = BUF_INIT;
    char chunk[4096];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(&b, chunk, k);
    fclose(fp);
    buf_putc(&b, 0);
    return buf_take(&b);
}

/* Append one entry in its own transaction, as a change would. */
static void append(Fixture *f, const Actor *who, const char *action, const char *entity, const char *id,
                   const char *province, const char *before, const char *after) {
    Err e = ERR_INIT;
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(audit_append(f->db, who, action, entity, id, province, before, after, &e), 0);
    assert_int_equal(db_commit(f->db, &e), 0);
}

/* Five entries by three actors in two provinces (80, 01) and none; entry 3 holds MARKER. */
static void seed(Fixture *f) {
    Actor alice = {ACTOR_USER, 7, "alice", "10.0.0.5", NULL}, bob = {ACTOR_USER, 8, "bob", "10.0.0.6", NULL};
    Actor cli = actor_system("cli:test");
    append(f, &alice, "create", "products", "1", "80", NULL, "{\"name\":\"Mắm cá linh\",\"stars\":3}");
    append(f, &bob, "update", "products", "1", "80", "{\"stars\":3}", "{\"stars\":4}");
    append(f, &alice, "create", "producers", "2", "01", NULL, "{\"note\":\"" MARKER "\"}");
    append(f, &cli, "delete", "products", "1", "80", "{\"name\":\"Mắm cá linh\",\"stars\":4}", NULL);
    Err e = ERR_INIT;
    assert_int_equal(db_begin(f->db, &e), 0);
    json_t *after = json_pack("{sssi}", "username", "alice", "id", 7);
    assert_int_equal(audit_append_json(f->db, &alice, "login", "users", 7, NULL, NULL, after, &e), 0);
    json_decref(after);
    assert_int_equal(db_commit(f->db, &e), 0);
}

/* Run SQL on a second, raw connection (an intruder with the file); the SQLite result code,
** with the error message into msg. */
static int raw_exec(Fixture *f, const char *sql, char *msg, size_t n) {
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    char *err = NULL;
    int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
    if (msg) snprintf(msg, n, "%s", err ? err : "");
    sqlite3_free(err);
    sqlite3_close(h);
    return rc;
}

static void expect_broken(Fixture *f, int64_t id, const char *reason_part) {
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 1);
    assert_int_equal(c.broken_id, id);
    if (!strstr(c.reason, reason_part)) fail_msg("reason '%s' lacks '%s'", c.reason, reason_part);
}

static void assert_contains(Buf *b, const char *part) {
    if (!strstr(buf_str(b), part)) fail_msg("'%s' lacks '%s'", buf_str(b), part);
}

/* ---- the chain ------------------------------------------------------------------------------ */

/* The documented canonical encoding, written again independently of audit.c. */
static void ns(Buf *b, const char *v) {
    if (v) buf_printf(b, "%zu:%s,", strlen(v), v);
    else buf_puts(b, "-,");
}

static void test_intact_and_encoding(void **state) {
    Fixture *f = *state;
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0); /* empty: intact */
    assert_int_equal(c.entries, 0);
    seed(f);
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.entries, 5);
    assert_int_equal(c.broken_id, 0);
    assert_int_equal(c.head_id, 5);
    int64_t hid;
    char head[65];
    audit_head(f->db, &hid, head);
    assert_int_equal(hid, 5);
    assert_string_equal(head, c.head);

    /* Recompute every stored hash from the columns, and check the links. */
    Stmt *s = db_prepare(f->db, "SELECT id, at, user_id, username, remote, action, entity, entity_id, province, "
                                "before, after, prev_hash, hash FROM audit_log ORDER BY id");
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = 0;
    int64_t want_id = 1;
    while (db_step(s) == DB_ROW) {
        assert_int_equal(db_col_int(s, 0), want_id++);
        Buf b = BUF_INIT;
        ns(&b, "ocop-audit-v1");
        char num[24];
        snprintf(num, sizeof num, "%lld", (long long)db_col_int(s, 0));
        ns(&b, num);
        ns(&b, db_col_text(s, 1));
        snprintf(num, sizeof num, "%lld", (long long)db_col_int(s, 2));
        ns(&b, num);
        for (int i = 3; i <= 11; i++) ns(&b, db_col_text(s, i));
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)b.p, b.n);
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        assert_string_equal(hex, db_col_text(s, 12));
        assert_string_equal(db_col_text(s, 11), prev);
        snprintf(prev, sizeof prev, "%s", hex);
        buf_free(&b);
    }
    db_done(s);
    /* audit_append_json: sorted compact keys, the id as text, no province. */
    s = db_prepare(f->db, "SELECT after, entity_id, province, before FROM audit_log WHERE id = 5");
    assert_int_equal(db_step(s), DB_ROW);
    assert_string_equal(db_col_text(s, 0), "{\"id\":7,\"username\":\"alice\"}");
    assert_string_equal(db_col_text(s, 1), "7");
    assert_true(db_col_null(s, 2));
    assert_true(db_col_null(s, 3));
    db_done(s);
}

/* The test vector of docs/audit.md, stored as is, verifies; the next entry chains onto it. */
static void test_known_answer(void **state) {
    Fixture *f = *state;
    const char *sql = "INSERT INTO audit_log (id, at, user_id, username, remote, action, entity, entity_id, province, "
                      "before, after, prev_hash, hash) VALUES (1, '2026-11-23T03:10:00Z', 0, 'cli:root', 'local', "
                      "'create', 'products', '7', '80', NULL, '{\"name\":\"Mắm cá linh\",\"stars\":3}', "
                      "'0000000000000000000000000000000000000000000000000000000000000000', "
                      "'df76b0247c6c17f373167d2ac662a120a42bcee3fc5dff8bf5ebab4071c3a2a4')";
    assert_int_equal(raw_exec(f, sql, NULL, 0), SQLITE_OK);
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.entries, 1);
    assert_string_equal(c.head, "df76b0247c6c17f373167d2ac662a120a42bcee3fc5dff8bf5ebab4071c3a2a4");
    Actor a = actor_system("cli:test");
    append(f, &a, "update", "products", "7", "80", "{\"stars\":3}", "{\"stars\":4}");
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.head_id, 2);
    /* One byte less in a column: no longer the same hash. */
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET province = '8' WHERE id = 1",
                              NULL, 0),
                     SQLITE_OK);
    expect_broken(f, 1, "its content does not match its hash");
}

static void test_append_only(void **state) {
    Fixture *f = *state;
    seed(f);
    char msg[256];
    assert_int_not_equal(raw_exec(f, "UPDATE audit_log SET after = '{}' WHERE id = 2", msg, sizeof msg), SQLITE_OK);
    assert_non_null(strstr(msg, "the audit log is append-only"));
    assert_int_not_equal(raw_exec(f, "DELETE FROM audit_log WHERE id = 5", msg, sizeof msg), SQLITE_OK);
    assert_non_null(strstr(msg, "the audit log is append-only"));
    Err e = ERR_INIT;
    assert_int_equal(db_exec(f->db, "DELETE FROM audit_log", &e), -1);
    assert_non_null(strstr(e.detail, "append-only"));
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.entries, 5);
}

static void test_rollback_leaves_nothing(void **state) {
    Fixture *f = *state;
    seed(f);
    Actor a = actor_system("cli:test");
    Err e = ERR_INIT;
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(audit_append(f->db, &a, "update", "products", "9", "80", "{}", "{\"x\":1}", &e), 0);
    db_rollback(f->db);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM audit_log", NULL), 5);
    /* The next entry takes the id the rolled-back one had: no gap. */
    append(f, &a, "update", "products", "9", "80", "{}", "{\"x\":2}");
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.entries, 6);
    assert_int_equal(c.head_id, 6);
    /* Text that is not JSON is refused (and the caller rolls back). */
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(audit_append(f->db, &a, "update", "products", "9", NULL, "not json", NULL, &e), -1);
    db_rollback(f->db);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM audit_log", NULL), 6);
}

/* ---- tampering ------------------------------------------------------------------------------ */

static void test_tamper_update(void **state) {
    Fixture *f = *state;
    seed(f);
    assert_int_equal(raw_exec(f,
                              "DROP TRIGGER audit_log_no_update;"
                              "UPDATE audit_log SET after = '{\"stars\":5}' WHERE id = 2",
                              NULL, 0),
                     SQLITE_OK);
    expect_broken(f, 2, "its content does not match its hash");
    AuditCheck c;
    audit_verify(f->db, &c);
    assert_int_equal(c.entries, 5); /* counted to the end */
    assert_int_equal(c.head_id, 5);
}

static void test_tamper_delete(void **state) {
    Fixture *f = *state;
    seed(f);
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 3", NULL, 0),
                     SQLITE_OK);
    expect_broken(f, 4, "entry 3 is missing");
    expect_broken(f, 4, "does not match the hash of the previous entry 2");
    /* Removing the first entry too: the trail now starts at 2. */
    assert_int_equal(raw_exec(f, "DELETE FROM audit_log WHERE id = 1", NULL, 0), SQLITE_OK);
    expect_broken(f, 2, "entry 1 is missing");
    expect_broken(f, 2, "prev_hash is not 64 zeros");
}

/* Overwrite the only occurrence of from in the file with to (same length); no connection open. */
static void patch_file(const char *path, const char *from, const char *to) {
    assert_int_equal(strlen(from), strlen(to));
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) buf_append(&b, chunk, k);
    assert_true(b.n > 0);
    const char *hit = memmem(b.p, b.n, from, strlen(from));
    assert_non_null(hit);
    size_t at = (size_t)(hit - b.p);
    assert_null(memmem(hit + 1, b.n - at - 1, from, strlen(from))); /* exactly once */
    assert_int_equal(fseek(fp, (long)at, SEEK_SET), 0);
    assert_int_equal(fwrite(to, 1, strlen(to), fp), strlen(to));
    assert_int_equal(fclose(fp), 0);
    buf_free(&b);
}

/* `ocop audit checkpoint`: the signed checkpoint beside the database records the head now. */
static void checkpoint(Fixture *f) {
    Buf out = BUF_INIT, err = BUF_INIT;
    const char *cp[] = {"audit", "checkpoint", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, cp, &out, &err), 0);
    buf_free(&out);
    buf_free(&err);
}

static void test_tamper_file_bytes(void **state) {
    Fixture *f = *state;
    seed(f);
    checkpoint(f);
    Buf out = BUF_INIT, err = BUF_INIT;
    const char *verify[] = {"audit", "verify", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 0);
    assert_contains(&out, "audit trail intact: 5 entries, head 5 ");

    /* Closing the last connection checkpoints the WAL into the file and removes it. */
    db_close(f->db);
    f->db = NULL;
    char wal[128];
    snprintf(wal, sizeof wal, "%s-wal", f->path);
    assert_int_not_equal(access(wal, F_OK), 0);
    patch_file(f->path, MARKER, "MARKER-3-QWERT-7f3a");

    Err e = ERR_INIT;
    f->db = db_open(f->path, &e);
    assert_non_null(f->db);
    expect_broken(f, 3, "its content does not match its hash");
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "ocop: audit entry 3 (");
    assert_contains(&err, ", create producers 2) is broken: its content does not match its hash");
    buf_free(&out);
    buf_free(&err);
}

static void test_expect_detects_cut_tail(void **state) {
    Fixture *f = *state;
    seed(f);
    checkpoint(f);
    Buf out = BUF_INIT, err = BUF_INIT;
    const char *head[] = {"audit", "head", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, head, &out, &err), 0);
    int64_t id;
    char hash[65], want[128];
    audit_head(f->db, &id, hash);
    snprintf(want, sizeof want, "5 %s\n", hash);
    assert_string_equal(buf_str(&out), want);
    char expect[80];
    snprintf(expect, sizeof expect, "5:%s", hash);
    const char *verify[] = {"audit", "verify", "--db", f->path, "--expect", expect, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 0);
    assert_contains(&out, "entry 5 still has the expected hash");
    want[strlen(want) - 1] = 0; /* the line `ocop audit head` printed is accepted as it is */
    const char *verify_line[] = {"audit", "verify", "--db", f->path, "--expect", want, NULL};
    assert_int_equal(run_ocop_in(f->dir, verify_line, &out, &err), 0);

    /* Cut the last entry: the rest of the chain is still intact, only --expect notices. */
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 5", NULL, 0),
                     SQLITE_OK);
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(c.entries, 4);
    assert_int_equal(audit_expect(f->db, 5, hash, &c), 1);
    assert_non_null(strstr(c.reason, "ends at entry 4"));
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "before the expected entry 5");

    /* A new entry 5 takes the place of the removed one: its hash differs. */
    Actor a = actor_system("cli:test");
    append(f, &a, "update", "products", "1", "80", "{}", "{}");
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(audit_expect(f->db, 5, hash, &c), 1);
    assert_int_equal(c.broken_id, 5);
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "audit entry 5 (");
    assert_contains(&err, "the trail was rewritten");

    const char *bad[] = {"audit", "verify", "--db", f->path, "--expect", "5:xyz", NULL};
    assert_int_equal(run_ocop_in(f->dir, bad, &out, &err), 2);
    buf_free(&out);
    buf_free(&err);
}

/* Cutting the last entries leaves an intact chain: the signed checkpoint outside the database
** catches it by default, without --expect (issue 8, item 9). */
static void test_checkpoint_catches_truncation(void **state) {
    Fixture *f = *state;
    seed(f);
    Buf out = BUF_INIT, err = BUF_INIT;
    const char *verify[] = {"audit", "verify", "--db", f->path, NULL};
    /* No checkpoint yet over a trail that has entries: verify cannot vouch for its end. */
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "no audit checkpoint at ");
    checkpoint(f);
    char path[300];
    snprintf(path, sizeof path, "%s.audit-checkpoint", f->path);
    char *text = read_text(path);
    int64_t id;
    char hash[65], line[128];
    audit_head(f->db, &id, hash);
    snprintf(line, sizeof line, "\nentry=5\nhash=%s\n", hash);
    assert_non_null(strstr(text, "ocop-audit-checkpoint-v1\n"));
    assert_non_null(strstr(text, line));
    assert_non_null(strstr(text, "\nsignature="));
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 0);
    assert_contains(&out, "entry 5 still has its hash");

    /* Cut the last two entries: the chain is intact, the checkpoint is not. */
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id >= 4", NULL, 0),
                     SQLITE_OK);
    AuditCheck c;
    assert_int_equal(audit_verify(f->db, &c), 0);
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "ocop: audit trail truncated: the checkpoint of ");
    assert_contains(&err, "records entry 5, but the trail ends at entry 3: entries 4 to 5 were removed");
    /* Later writes do not move the checkpoint back over the cut... */
    const char *cp[] = {"audit", "checkpoint", "--db", f->path, NULL};
    assert_int_equal(run_ocop_in(f->dir, cp, &out, &err), 1);
    assert_contains(&err, "the checkpoint is left as it is");
    char *again = read_text(path);
    assert_string_equal(again, text);
    free(again);
    /* ...nor over new entries that take the removed ones' places. */
    Actor a = actor_system("cli:test");
    append(f, &a, "update", "products", "1", "80", "{}", "{}");
    append(f, &a, "update", "products", "1", "80", "{}", "{}");
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "audit entry 5 (");
    assert_contains(&err, "the trail was rewritten");

    /* An altered checkpoint, or one signed by another key, is refused. */
    FILE *fp = fopen(path, "w");
    char *forged = xstrdup(text);
    strstr(forged, "entry=5")[6] = '3';
    fputs(forged, fp);
    fclose(fp);
    free(forged);
    assert_int_equal(run_ocop_in(f->dir, verify, &out, &err), 1);
    assert_contains(&err, "does not match its signature: it was altered");
    const char *pinned[] = {"audit", "verify", "--db", f->path, "--key",
                            "00000000000000000000000000000000000000000000000000000000000000aa", NULL};
    assert_int_equal(run_ocop_in(f->dir, pinned, &out, &err), 1);
    assert_contains(&err, "signed by another key");
    free(text);
    buf_free(&out);
    buf_free(&err);
}

/* ---- listing -------------------------------------------------------------------------------- */

/* The ids of audit_list(q) in order into ids (newest first); the count. -1 when it failed. */
static int list_ids(Fixture *f, const AuditQuery *q, int64_t *ids, int64_t *total, Err *e) {
    json_t *items;
    if (audit_list(f->db, q, &items, total, e)) return -1;
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) ids[i] = json_integer_value(json_object_get(o, "id"));
    int n = (int)json_array_size(items);
    json_decref(items);
    return n;
}

static void test_list_filters(void **state) {
    Fixture *f = *state;
    seed(f);
    int64_t ids[8], total;
    Err e = ERR_INIT;
    AuditQuery q = {.nprovinces = -1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 5);
    assert_int_equal(total, 5);
    assert_int_equal(ids[0], 5);
    assert_int_equal(ids[4], 1);

    q.user = "alice";
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 3);
    q.user = NULL;
    q.entity = "products";
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 3);
    q.entity_id = "1";
    q.action = "update";
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 1);
    assert_int_equal(ids[0], 2);
    q = (AuditQuery){.nprovinces = -1, .limit = 2, .offset = 1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 2);
    assert_int_equal(total, 5); /* the exact total, not the page */
    assert_int_equal(ids[0], 4);
    assert_int_equal(ids[1], 3);

    /* Item shape: before/after parsed. */
    json_t *items;
    q = (AuditQuery){.entity_id = "1", .action = "update", .nprovinces = -1, .limit = -1};
    assert_int_equal(audit_list(f->db, &q, &items, &total, &e), 0);
    json_t *it = json_array_get(items, 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(it, "after"), "stars")), 4);
    assert_string_equal(json_string_value(json_object_get(it, "username")), "bob");
    assert_string_equal(json_string_value(json_object_get(it, "remote")), "10.0.0.6");
    assert_int_equal(json_integer_value(json_object_get(it, "user_id")), 8);
    assert_string_equal(json_string_value(json_object_get(it, "province")), "80");
    assert_int_equal(strlen(json_string_value(json_object_get(it, "hash"))), 64);
    assert_int_equal(strlen(json_string_value(json_object_get(it, "prev_hash"))), 64);
    json_decref(items);
    q = (AuditQuery){.entity = "producers", .nprovinces = -1, .limit = -1};
    assert_int_equal(audit_list(f->db, &q, &items, &total, &e), 0);
    assert_true(json_is_null(json_object_get(json_array_get(items, 0), "before")));
    json_decref(items);

    /* Province restriction. */
    const char provinces[2][8] = {"80", "01"};
    q = (AuditQuery){.provinces = provinces, .nprovinces = 1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 3);
    assert_int_equal(ids[0], 4);
    q.nprovinces = 2;
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 4);
    q.nprovinces = 0;
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 0);
    assert_int_equal(total, 0);
}

static void test_list_dates(void **state) {
    Fixture *f = *state;
    seed(f);
    char at[32], day[11];
    Stmt *s = db_prepare(f->db, "SELECT at FROM audit_log WHERE id = 1");
    assert_int_equal(db_step(s), DB_ROW);
    snprintf(at, sizeof at, "%s", db_col_text(s, 0));
    db_done(s);
    snprintf(day, sizeof day, "%.10s", at);
    int64_t ids[8], total;
    Err e = ERR_INIT;
    AuditQuery q = {.from = day, .to = day, .nprovinces = -1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), (int)db_int1(f->db, "SELECT count(*) FROM audit_log WHERE at LIKE ? || '%'", day));
    q = (AuditQuery){.from = at, .nprovinces = -1, .limit = -1}; /* inclusive */
    assert_true(list_ids(f, &q, ids, &total, &e) >= 1);
    q = (AuditQuery){.from = "2999-01-01", .nprovinces = -1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 0);
    q = (AuditQuery){.to = "2000-01-01T00:00:00Z", .nprovinces = -1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 0);

    const struct {
        const char *from, *to, *field;
    } bad[] = {{"2026-02-30", NULL, "from"}, {NULL, "yesterday", "to"}, {"2026-11-23T25:00:00Z", NULL, "from"},
               {"2026-11-24", "2026-11-23", "from"}, {"2026-11-23T10:00:00Z", "2026-11-23T09:59:59Z", "from"}};
    for (size_t i = 0; i < COUNT(bad); i++) {
        q = (AuditQuery){.from = bad[i].from, .to = bad[i].to, .nprovinces = -1, .limit = -1};
        err_clear(&e);
        assert_int_equal(list_ids(f, &q, ids, &total, &e), -1);
        assert_int_equal(e.status, 400);
        assert_string_equal(e.field, bad[i].field);
    }
    /* A date and a timestamp on the same day compare as instants. */
    q = (AuditQuery){.from = "2026-11-23", .to = "2026-11-23T00:00:00Z", .nprovinces = -1, .limit = -1};
    assert_int_equal(list_ids(f, &q, ids, &total, &e), 0);
}

/* ---- the API handlers ----------------------------------------------------------------------- */

/* Call handler as caller a with the query params (key, value pairs; NULL-terminated); the
** response body parsed (NULL for non-JSON) and the status into *status. */
static json_t *call(Fixture *f, int (*handler)(Req *), const Auth *a, const char *const *params, int *status,
                    Buf *body) {
    Req r = {0};
    Param q[8];
    int n = 0;
    for (; params && params[2 * n]; n++) q[n] = (Param){params[2 * n], params[2 * n + 1]};
    r.db = f->db;
    r.method = "GET";
    r.path = "/api/v1/audit";
    r.query = q;
    r.nquery = n;
    r.auth = a;
    /* the route's row, and its parameter checks, as route_admit runs them before the handler */
    for (size_t i = 0; i < nroutes && !r.route; i++)
        if (routes[i].handler == handler) r.route = &routes[i];
    assert_non_null(r.route);
    Err e = ERR_INIT;
    if (params_admit(r.route->params, r.route->html, q, n, &e)) {
        *status = resp_problem(&r, &e);
    } else {
        assert_int_equal(db_begin_read(f->db, &e), 0);
        *status = handler(&r);
        db_rollback(f->db);
    }
    json_t *j = json_loadb(r.resp.p, r.resp.n, 0, NULL);
    if (body) {
        buf_reset(body);
        buf_append(body, r.resp.p, r.resp.n);
        buf_puts(body, "\n");
        buf_puts(body, buf_str(&r.resp_headers));
    }
    buf_free(&r.resp);
    buf_free(&r.resp_headers);
    arena_free(&r.arena);
    return j;
}

static void test_api(void **state) {
    Fixture *f = *state;
    seed(f);
    Auth admin = {.user_id = 1, .username = "root", .ngrants = 1};
    admin.grants[0] = (Grant){.id = 1, .role = ROLE_ADMIN, .confirmed = true};
    Auth officer = {.user_id = 2, .username = "ag", .ngrants = 1};
    officer.grants[0] = (Grant){.id = 2, .role = ROLE_PROVINCE, .scope = "01", .province = "01", .confirmed = true};
    int st;
    json_t *j = call(f, api_audit_list, &admin, NULL, &st, NULL);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 5);
    assert_int_equal(json_integer_value(json_object_get(j, "per_page")), 50);
    assert_int_equal(json_integer_value(json_object_get(j, "pages")), 1);
    json_decref(j);

    const char *page2[] = {"per_page", "2", "page", "2", NULL};
    j = call(f, api_audit_list, &admin, page2, &st, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "pages")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")), 3);
    json_decref(j);

    /* The officer of province 01 sees entry 3 only. */
    j = call(f, api_audit_list, &officer, NULL, &st, NULL);
    assert_int_equal(st, 200);
    assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")), 3);
    json_decref(j);

    const char *badpp[] = {"per_page", "501", NULL}, *badto[] = {"from", "2026-11-24", "to", "2026-11-23", NULL};
    j = call(f, api_audit_list, &admin, badpp, &st, NULL);
    assert_int_equal(st, 400);
    assert_string_equal(json_string_value(json_object_get(j, "field")), "per_page");
    json_decref(j);
    j = call(f, api_audit_list, &admin, badto, &st, NULL);
    assert_int_equal(st, 400);
    assert_string_equal(json_string_value(json_object_get(j, "field")), "from");
    json_decref(j);

    Buf body = BUF_INIT;
    const char *csv[] = {"format", "csv", "lang", "en", "entity", "products", NULL};
    j = call(f, api_audit_export, &admin, csv, &st, &body);
    assert_int_equal(st, 200);
    assert_null(j);
    assert_contains(&body, "ID,Time (UTC),User ID,Username,Address,Action,Entity,Entity ID,Province,Before,After");
    assert_contains(&body, "\"{\"\"stars\"\":3}\",\"{\"\"stars\"\":4}\"");
    assert_contains(&body, "Content-Disposition: attachment; filename=\"ocop-audit-");
    assert_contains(&body, ".csv\"");
    assert_null(strstr(buf_str(&body), "producers")); /* filtered */
    const char *xlsx[] = {"format", "xlsx", NULL};
    j = call(f, api_audit_export, &officer, xlsx, &st, &body);
    assert_int_equal(st, 200);
    assert_memory_equal(body.p, "PK\3\4", 4);
    const char *badfmt[] = {"format", "pdf", NULL};
    j = call(f, api_audit_export, &admin, badfmt, &st, NULL);
    assert_int_equal(st, 400);
    json_decref(j);
    buf_free(&body);

    j = call(f, api_audit_verify, &admin, NULL, &st, NULL);
    assert_int_equal(st, 200);
    assert_true(json_is_true(json_object_get(j, "intact")));
    assert_int_equal(json_integer_value(json_object_get(j, "entries")), 5);
    assert_true(json_is_null(json_object_get(j, "broken_id")));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "head"), "id")), 5);
    json_decref(j);
    assert_int_equal(raw_exec(f, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET username = 'eve' WHERE id = 4",
                              NULL, 0),
                     SQLITE_OK);
    j = call(f, api_audit_verify, &admin, NULL, &st, NULL);
    assert_true(json_is_false(json_object_get(j, "intact")));
    assert_int_equal(json_integer_value(json_object_get(j, "broken_id")), 4);
    assert_string_equal(json_string_value(json_object_get(j, "reason")), "its content does not match its hash");
    json_decref(j);
}

/* A value longer than an XLSX cell holds is cut there with a note; CSV keeps it whole. */
static void test_export_long_value(void **state) {
    Fixture *f = *state;
    Buf big = BUF_INIT;
    buf_puts(&big, "{\"note\":\"");
    for (int i = 0; i < 5000; i++) buf_puts(&big, "Mắm cá "); /* 10 bytes, 7 characters */
    buf_puts(&big, "\"}");
    Actor a = actor_system("cli:test");
    append(f, &a, "update", "products", "1", "80", NULL, big.p);
    json_t *items;
    int64_t total;
    Err e = ERR_INIT;
    AuditQuery q = {.nprovinces = -1, .limit = -1};
    assert_int_equal(audit_list(f->db, &q, &items, &total, &e), 0);
    const TableLimits lim = {.max_cell = 1 << 20};
    for (int x = 0; x < 2; x++) {
        TableFormat fmt = x ? TABLE_XLSX : TABLE_CSV;
        char *out;
        size_t n;
        assert_int_equal(audit_export(items, fmt, true, &out, &n, &e), 0);
        Table *t = table_parse(out, n, fmt, &lim, &e);
        if (!t) fail_msg("%s", e.detail);
        free(out);
        assert_int_equal(table_nrows(t), 2);
        assert_string_equal(table_row(t, 0, NULL, NULL)[10], "Sau");
        const char *cell = table_row(t, 1, NULL, NULL)[10];
        if (x) {
            assert_non_null(strstr(cell, "[cut: 35011 characters in all"));
            assert_memory_equal(cell, big.p, 1000);
        } else {
            assert_string_equal(cell, big.p);
        }
        table_free(t);
    }
    json_decref(items);
    buf_free(&big);
}

int main(void) {
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact_and_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_known_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tamper_file_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expect_detects_cut_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoint_catches_truncation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_long_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
