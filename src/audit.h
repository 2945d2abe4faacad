/*
** audit.h: the append-only, tamper-evident audit trail. Every change to a record (who, when,
** from which address, which entity, before and after as JSON) is appended inside the same
** transaction as the change. Each entry carries the SHA-256 of the previous entry (prev_hash)
** and its own hash over its content and prev_hash, so editing, removing or inserting an entry
** anywhere breaks the chain from that entry on; audit_verify names the first broken entry.
** Triggers refuse UPDATE and DELETE on the table (sql/007_audit.sql).
*/
#ifndef OCOP_AUDIT_H
#define OCOP_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"
#include "err.h"
#include "table.h"

/* Append one entry. The caller holds the write transaction (db_begin), so the entry commits
** or rolls back with the change it records. action: "create", "update", "delete", "import",
** "login", "logout", "grant", ...; entity: "products", "users", ...; entity_id: the record's
** id as text, or NULL; province: the 2025 province code the record lies in (what province
** officers may browse), or NULL; before/after: JSON text, or NULL. */
int audit_append(Db *db, const Actor *who, const char *action, const char *entity, const char *entity_id,
                 const char *province, const char *before, const char *after, Err *e);

/* Same with JSON values (dumped compactly with sorted keys); before/after may be NULL. */
int audit_append_json(Db *db, const Actor *who, const char *action, const char *entity, int64_t entity_id,
                      const char *province, json_t *before, json_t *after, Err *e);

typedef struct AuditCheck {
    int64_t entries;      /* entries checked */
    int64_t broken_id;    /* first broken entry, 0 when the chain is intact */
    char reason[256];     /* why it is broken */
    char head[65];        /* hash of the last entry ("" when empty) */
    int64_t head_id;
} AuditCheck;

/* Walk the whole chain. Returns 0 when intact, 1 when broken (c->broken_id, c->reason). */
int audit_verify(Db *db, AuditCheck *c);

typedef struct AuditQuery {
    const char *user;      /* username, exact */
    const char *entity;
    const char *entity_id;
    const char *action;
    const char *from, *to; /* dates 'YYYY-MM-DD' (inclusive) or timestamps */
    const char (*provinces)[8]; /* restrict to these provinces (province officers) */
    int nprovinces;        /* -1: no restriction */
    int64_t limit, offset; /* limit < 0: all */
    bool oldest_first;     /* the order: newest first unless set */
} AuditQuery;

/* Entries matching q, newest first (oldest first with q->oldest_first): items (new array, each entry as JSON with before/after
** parsed) and the total count. Bad filter values answer 400 naming the parameter. */
int audit_list(Db *db, const AuditQuery *q, json_t **items, int64_t *total, Err *e);

/* The last entry: its id and hash; id 0 and 64 zeros (what the first entry's prev_hash will
** be) when the trail is empty. */
void audit_head(Db *db, int64_t *id, char hash[65]);

/* After audit_verify found the chain intact: does it still hold entry id with hash, as
** recorded earlier from audit_head? 0 when it does (id 0 with 64 zeros always does); 1 with
** c->broken_id and c->reason when the chain ends before id (entries were cut from its end) or
** the entry's hash differs (the trail was rewritten from there on). */
int audit_expect(Db *db, int64_t id, const char *hash, AuditCheck *c);

/* "2026-11-23T03:10:00Z, update products 7" for entry id into out (n bytes); "" when there is
** no such entry. For messages naming a broken entry. */
void audit_describe(Db *db, int64_t id, char *out, size_t n);

/* ---- checkpoints: catching a trail cut short (see audit.c and docs/audit.md) ---------------- */

typedef struct AuditCheckpoint {
    int64_t id;          /* the entry it records */
    char hash[65];       /* that entry's hash */
    char at[32];         /* when it was written, UTC */
    char public_key[65]; /* the key that signed it (hex) */
} AuditCheckpoint;

/* The default place of the checkpoint of the database at db_path: "<db_path>.audit-checkpoint". */
void audit_checkpoint_path(const char *db_path, char *out, size_t n);

/* Move the checkpoint at path to the trail's head, signed with the key "audit" of keys_dir (made
** when missing, cert_key_file). Nothing when the trail is empty or the checkpoint is already there.
** Never moves it back, nor over one that is not ours or whose entry the trail no longer holds
** (409: that is evidence for audit verify). *written: the entry recorded, 0 when unchanged.
** Reads with the caller's snapshot; writes the file atomically (rename). */
int audit_checkpoint_update(Db *db, const char *path, const char *keys_dir, int64_t *written, Err *e);

/* Read and check the checkpoint at path: its signature, and its key when pk (32 bytes) is not
** NULL. 404 when there is none, 422 when it is malformed, altered or signed by another key. */
int audit_checkpoint_read(const char *path, const unsigned char *pk, AuditCheckpoint *cp, Err *e);
/* The same on the checkpoint's text (n bytes of data, not NUL-terminated; at most 1023), named
** path in messages: the parser that audit_checkpoint_read uses, and the fuzzers call. */
int audit_checkpoint_parse(const char *data, size_t n, const char *path, const unsigned char *pk, AuditCheckpoint *cp,
                           Err *e);

/* Does the trail still hold the checkpoint's entry with its hash? 0 when it does; 1 with
** c->broken_id and c->reason (c->broken_id beyond the head: the trail was truncated). */
int audit_checkpoint_check(Db *db, const AuditCheckpoint *cp, AuditCheck *c);

/* An export of audit_list items as CSV or XLSX (headers in Vietnamese when vi): *out
** (malloc'd; the caller frees) of *n bytes, 0; -1 with e. before/after are compact JSON
** text; XLSX cuts a value longer than a cell holds and says so in the cell. */
int audit_export(json_t *items, TableFormat fmt, bool vi, char **out, size_t *n, Err *e);

#endif
