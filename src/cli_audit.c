/*
** cli_audit.c: `ocop audit verify|list|head|checkpoint|key`, the audit trail on the command line
** (audit.h), and the checkpoints that ocop serve and the other commands write as the trail grows.
** The command line acts with full rights, so it sees every province. Exit status: 0 success,
** 1 a broken chain or a failure, 2 a usage error.
*/
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cert.h"
#include "cli.h"
#include "files.h"
#include "job.h"
#include "log.h"
#include "migrate.h"
#include "util.h"

/* "ID:HASH", or "ID HASH" as `ocop audit head` prints it, into id and hash[65]; false when
** malformed. */
static bool parse_expect(const char *s, int64_t *id, char hash[65]) {
    const char *colon = strpbrk(s, ": ");
    if (!colon || colon == s || colon - s > 20) return false;
    char num[24];
    memcpy(num, s, (size_t)(colon - s));
    num[colon - s] = 0;
    if (!parse_i64(num, id) || *id < 0 || !files_valid_sha(colon + 1)) return false;
    memcpy(hash, colon + 1, 65);
    return true;
}

/* "ocop: audit entry 42 (2026-11-23T03:10:00Z, update products 7) is broken: REASON"; 1. */
static int report_broken(Db *db, const AuditCheck *c) {
    char what[256];
    audit_describe(db, c->broken_id, what, sizeof what);
    if (what[0]) return cli_fail("audit entry %lld (%s) is broken: %s", (long long)c->broken_id, what, c->reason);
    return cli_fail("audit entry %lld is broken: %s", (long long)c->broken_id, c->reason);
}

/* The checkpoint file of o: --checkpoint, $OCOP_AUDIT_CHECKPOINT or beside the database. */
static void checkpoint_path(const Opts *o, char *out, size_t n) {
    const char *env = getenv("OCOP_AUDIT_CHECKPOINT");
    if (o->checkpoint) snprintf(out, n, "%s", o->checkpoint);
    else if (env && *env) snprintf(out, n, "%s", env);
    else audit_checkpoint_path(o->db, out, n);
}

/* The key a checkpoint must be signed with into pk: --key HEX, or the audit key beside the
** database. false when neither is there (the checkpoint's own key is then all there is). */
static int checkpoint_key(const Opts *o, unsigned char pk[crypto_sign_PUBLICKEYBYTES], bool *pinned) {
    *pinned = false;
    if (o->key) {
        size_t len;
        if (strlen(o->key) != 2 * crypto_sign_PUBLICKEYBYTES ||
            sodium_hex2bin(pk, crypto_sign_PUBLICKEYBYTES, o->key, strlen(o->key), NULL, &len, NULL) ||
            len != crypto_sign_PUBLICKEYBYTES)
            return cli_fail("--key must be the audit key's public key, 64 hex digits ('ocop audit key' prints it)"), 2;
        *pinned = true;
        return 0;
    }
    char keys_dir[4096];
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    Err e = ERR_INIT;
    if (cert_key_file(keys_dir, "audit", false, sk, &e) == 0) {
        memcpy(pk, sk + crypto_sign_SEEDBYTES, crypto_sign_PUBLICKEYBYTES);
        *pinned = true;
    }
    sodium_memzero(sk, sizeof sk);
    return 0;
}

/* The trail against its checkpoint: 0 when it holds the checkpoint's entry; 1 (2: usage) after
** a message naming a truncation, a rewrite or a missing or altered checkpoint. */
static int verify_checkpoint(Opts *o, Db *db, const AuditCheck *chain) {
    char path[4200];
    checkpoint_path(o, path, sizeof path);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    bool pinned;
    int rc = checkpoint_key(o, pk, &pinned);
    if (rc) return rc;
    AuditCheckpoint cp;
    Err e = ERR_INIT;
    if (audit_checkpoint_read(path, pinned ? pk : NULL, &cp, &e)) {
        if (e.status == 404 && chain->head_id == 0) return 0; /* nothing written yet, nothing to cut */
        if (e.status == 404)
            return cli_fail("no audit checkpoint at %s: whether entries were cut from the end of the trail cannot be "
                            "told. ocop writes it beside the database as the trail grows; give your copy with "
                            "--checkpoint FILE, or start one now with 'ocop audit checkpoint'", path);
        return cli_fail("%s", cli_err(&e));
    }
    AuditCheck c;
    if (audit_checkpoint_check(db, &cp, &c)) {
        if (c.broken_id > chain->head_id) return cli_fail("audit trail truncated: %s (checkpoint %s)", c.reason, path);
        return report_broken(db, &c);
    }
    if (!o->quiet)
        printf("checkpoint %s of %s: entry %lld still has its hash%s\n", path, cp.at, (long long)cp.id,
               pinned ? "" : " (its key is not pinned: give --key HEX from your own record of it)");
    return 0;
}

static int audit_verify_cmd(Opts *o, Db *db) {
    int64_t want_id = 0;
    char want[65];
    if (o->expect && !parse_expect(o->expect, &want_id, want))
        return cli_fail("--expect must be ID:HASH as printed by 'ocop audit head' (got '%s')", o->expect), 2;
    AuditCheck c;
    if (audit_verify(db, &c)) return report_broken(db, &c);
    AuditCheck chain = c;
    if (o->expect && audit_expect(db, want_id, want, &c)) {
        if (c.broken_id > c.head_id) return cli_fail("audit trail cut short: %s", c.reason);
        return report_broken(db, &c);
    }
    int rc = verify_checkpoint(o, db, &chain);
    if (rc) return rc;
    if (o->quiet) return 0;
    if (chain.head_id)
        printf("audit trail intact: %lld entries, head %lld %s\n", (long long)chain.entries, (long long)chain.head_id,
               chain.head);
    else printf("audit trail intact: 0 entries\n");
    if (o->expect) printf("entry %lld still has the expected hash\n", (long long)want_id);
    return 0;
}

/* Move the checkpoint to the head now; 0, or 1 after a message. */
static int checkpoint_now(const Opts *o, Db *db, bool say) {
    char path[4200], keys_dir[4096];
    checkpoint_path(o, path, sizeof path);
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    int64_t written;
    Err e = ERR_INIT;
    if (audit_checkpoint_update(db, path, keys_dir, &written, &e)) return cli_fail("%s", cli_err(&e));
    if (say && written)
        printf("audit checkpoint %s: entry %lld; keep a copy off this machine\n", path, (long long)written);
    else if (say && access(path, F_OK) != 0)
        printf("audit checkpoint: the audit trail is empty, so there is nothing to record yet\n");
    else if (say)
        printf("audit checkpoint %s: already at the head of the trail\n", path);
    return 0;
}

void cli_audit_checkpoint(const Opts *o) {
    if (access(o->db, F_OK) != 0) return; /* never makes a database */
    Err e = ERR_INIT;
    Db *db = db_open(o->db, &e);
    if (!db) return;
    if (migrate_check(db, &e) >= 0) checkpoint_now(o, db, false);
    db_close(db);
}

/* ---- the checkpoints of ocop serve ---------------------------------------------------------- */

enum { CHECKPOINT_POLL_S = 5, CHECKPOINT_EVERY_S = 60, CHECKPOINT_EVERY_ENTRIES = 100 };

struct AuditCheckpointer {
    Job *job;
    Opts o;         /* db and checkpoint of the server */
    int64_t last;   /* the entry written last */
    time_t last_at; /* and when */
};

/* Write a checkpoint when the trail has grown by CHECKPOINT_EVERY_ENTRIES, or at all and
** CHECKPOINT_EVERY_S have passed; at start and at stop whenever it has grown. */
static void checkpoint_tick(Job *j, void *arg, bool last) {
    AuditCheckpointer *d = arg;
    bool force = last || d->last_at == 0;
    Err e = ERR_INIT;
    Db *db = db_open(d->o.db, &e);
    if (!db) {
        log_error("audit checkpoint: %s", e.detail);
        return;
    }
    int64_t head;
    char hash[65];
    audit_head(db, &head, hash);
    time_t now = time(NULL);
    if (head > d->last &&
        (force || head - d->last >= CHECKPOINT_EVERY_ENTRIES || now - d->last_at >= CHECKPOINT_EVERY_S)) {
        char path[4200], keys_dir[4096];
        checkpoint_path(&d->o, path, sizeof path);
        cert_keys_dir(d->o.db, keys_dir, sizeof keys_dir);
        int64_t written;
        if (audit_checkpoint_update(db, path, keys_dir, &written, &e)) log_error("audit checkpoint: %s", e.detail);
        d->last = head; /* an error is logged once per growth, not every poll */
        d->last_at = now;
    }
    db_close(db);
}

static time_t checkpoint_next(void *arg, time_t now) { return now + CHECKPOINT_POLL_S; }

static const JobSpec CHECKPOINT_JOB = {"audit checkpoint", checkpoint_tick, checkpoint_next, true};

AuditCheckpointer *audit_checkpointer_start(const Opts *o) {
    AuditCheckpointer *d = xcalloc(1, sizeof *d);
    d->o = *o;
    d->job = job_start(&CHECKPOINT_JOB, d);
    return d;
}

void audit_checkpointer_stop(AuditCheckpointer *d) {
    if (!d) return;
    job_stop(d->job);
    free(d);
}

static int audit_head_cmd(Db *db) {
    int64_t id;
    char hash[65];
    audit_head(db, &id, hash);
    printf("%lld %s\n", (long long)id, hash);
    return 0;
}

/* The audit key's public key (hex), for the record kept off the machine; made when missing. */
static int audit_key_cmd(const Opts *o) {
    char keys_dir[4096], hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    Err e = ERR_INIT;
    if (cert_key_file(keys_dir, "audit", true, sk, &e)) return cli_fail("%s", cli_err(&e));
    sodium_bin2hex(hex, sizeof hex, sk + crypto_sign_SEEDBYTES, crypto_sign_PUBLICKEYBYTES);
    sodium_memzero(sk, sizeof sk);
    puts(hex);
    return 0;
}

/* The string member key of o, or "" (NULL, or not a string). */
static const char *member(json_t *o, const char *key) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* One readable line per entry: id, time, who (from where), what, province. */
static void print_table(json_t *items) {
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o) {
        const char *remote = member(o, "remote"), *eid = member(o, "entity_id"), *prov = member(o, "province");
        printf("%6lld  %s  %s%s%s%s  %s %s%s%s%s%s\n", (long long)json_integer_value(json_object_get(o, "id")),
               member(o, "at"), *member(o, "username") ? member(o, "username") : "-", *remote ? " (" : "", remote,
               *remote ? ")" : "", member(o, "action"), member(o, "entity"), *eid ? " " : "", eid,
               *prov ? "  province " : "", prov);
    }
}

/* Write n bytes of data to path (or standard output when NULL); 0, or 1 after a message. */
static int write_out(const char *path, const char *data, size_t n) {
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) return cli_fail("%s: %s", path, strerror(errno));
    size_t w = fwrite(data, 1, n, f);
    if (path && fclose(f) != 0) w = 0;
    if (!path) fflush(stdout);
    return w == n ? 0 : cli_fail("writing %s failed", path ? path : "standard output");
}

/* json (default when --output names a .json file), csv or xlsx from --format or the file name;
** NULL: the readable table. -1 when --format is none of those. */
static int list_format(const Opts *o, const char **format) {
    *format = o->format;
    size_t n = o->output ? strlen(o->output) : 0;
    if (!*format && n > 4 && strcmp(o->output + n - 4, ".csv") == 0) *format = "csv";
    if (!*format && n > 5 && strcmp(o->output + n - 5, ".xlsx") == 0) *format = "xlsx";
    if (!*format && o->output) *format = "json";
    if (*format && strcmp(*format, "json") && strcmp(*format, "csv") && strcmp(*format, "xlsx")) return -1;
    return 0;
}

/* The listed items in format to o->output or standard output. */
static int list_output(const Opts *o, const char *format, json_t *items, int64_t total) {
    if (!format) {
        print_table(items);
        return 0;
    }
    char *out = NULL;
    size_t n = 0;
    if (strcmp(format, "json") == 0) {
        json_t *doc = json_pack("{sOsI}", "items", items, "total", (json_int_t)total);
        out = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        json_decref(doc);
        if (!out) panic("json_dumps failed");
        n = strlen(out);
        out[n++] = '\n'; /* replaces the NUL: written by length */
    } else {
        Err e = ERR_INIT;
        bool vi = !o->lang || strcmp(o->lang, "vi") == 0;
        if (audit_export(items, strcmp(format, "xlsx") == 0 ? TABLE_XLSX : TABLE_CSV, vi, &out, &n, &e))
            return cli_fail("%s", cli_err(&e));
    }
    int rc = write_out(o->output, out, n);
    free(out);
    return rc;
}

/* A bad filter as the option the user typed: "from must be ..." becomes "--from must be ...";
** returns 2 (a usage error). */
static int filter_fail(const Err *e) {
    size_t k = strlen(e->field);
    if (!k || strncmp(cli_err(e), e->field, k) != 0) return cli_fail("%s", cli_err(e)), 2;
    char opt[sizeof e->field];
    for (size_t i = 0; i <= k; i++) opt[i] = e->field[i] == '_' ? '-' : e->field[i];
    return cli_fail("--%s%s", opt, cli_err(e) + k), 2;
}

static int audit_list_cmd(Opts *o, Db *db) {
    const char *format;
    if (list_format(o, &format)) return cli_fail("--format must be json, csv or xlsx"), 2;
    if (o->lang && strcmp(o->lang, "vi") && strcmp(o->lang, "en")) return cli_fail("--lang must be vi or en"), 2;
    if (format && strcmp(format, "xlsx") == 0 && !o->output && isatty(1))
        return cli_fail("XLSX is binary: give --output FILE"), 2;
    AuditQuery q = {o->user, o->entity, o->entity_id, o->action, o->from, o->to, NULL, -1, o->limit ? o->limit : -1, 0, false};
    json_t *items;
    int64_t total;
    Err e = ERR_INIT;
    if (audit_list(db, &q, &items, &total, &e)) return filter_fail(&e);
    size_t shown = json_array_size(items);
    int rc = list_output(o, format, items, total);
    json_decref(items);
    if (!rc && o->output && !o->quiet)
        fprintf(stderr, "wrote %zu of %lld audit entries to %s\n", shown, (long long)total, o->output);
    return rc;
}

int cmd_audit(Opts *o) {
    const char *sub = o->args[0];
    if (strcmp(sub, "verify") && strcmp(sub, "list") && strcmp(sub, "head") && strcmp(sub, "checkpoint") &&
        strcmp(sub, "key"))
        return cli_fail("no audit command '%s': verify, list, head, checkpoint or key", sub), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    if (strcmp(sub, "checkpoint") == 0 || strcmp(sub, "key") == 0) {
        int rc = strcmp(sub, "key") == 0 ? audit_key_cmd(o) : checkpoint_now(o, db, !o->quiet);
        db_close(db);
        return rc;
    }
    /* One snapshot for the whole command, while a server may be appending. */
    Err e = ERR_INIT;
    if (db_begin_read(db, &e)) {
        db_close(db);
        return cli_fail("%s", cli_err(&e));
    }
    int rc = strcmp(sub, "verify") == 0 ? audit_verify_cmd(o, db)
             : strcmp(sub, "list") == 0 ? audit_list_cmd(o, db)
                                        : audit_head_cmd(db);
    db_rollback(db);
    db_close(db);
    return rc;
}
