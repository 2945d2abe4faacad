/*
** audit.c: the tamper-evident audit trail (see audit.h and docs/audit.md).
**
** Each entry's hash is the SHA-256 (lowercase hex) of its canonical encoding:
**
**     ns("ocop-audit-v1") field(id) field(at) field(user_id) field(username) field(remote)
**     field(action) field(entity) field(entity_id) field(province) field(before) field(after)
**     field(prev_hash)
**
** where ns(s) is the netstring "<byte length in decimal>:<bytes>," and field(v) is ns(v) for a
** value (integers as decimal text without leading zeros) and the two bytes "-," for SQL NULL.
** A netstring starts with a digit and a NULL with '-', so the encoding reads back one way only.
** prev_hash is the previous entry's hash, 64 zeros for the first entry; ids run 1, 2, 3, ...
*/
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cert.h"
#include "tablew.h"
#include "util.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_COLUMNS                                                                              \
    "id, at, user_id, username, remote, action, entity, entity_id, province, before, after, "     \
    "prev_hash, hash"

/* The columns, in the order of AUDIT_COLUMNS and of the canonical encoding (which ends with
** prev_hash), with their export headers. kind: 'i' integer, 't' text, 'j' JSON text. */
enum { C_ID, C_AT, C_USER_ID, C_USERNAME, C_REMOTE, C_ACTION, C_ENTITY, C_ENTITY_ID, C_PROVINCE, C_BEFORE,
       C_AFTER, C_PREV_HASH, C_HASH, NCOLS };
static const struct {
    const char *name, *vi, *en;
    char kind;
} cols[NCOLS] = {
    {"id", "Số hiệu", "ID", 'i'},
    {"at", "Thời điểm (UTC)", "Time (UTC)", 't'},
    {"user_id", "Mã người dùng", "User ID", 'i'},
    {"username", "Tên đăng nhập", "Username", 't'},
    {"remote", "Địa chỉ", "Address", 't'},
    {"action", "Thao tác", "Action", 't'},
    {"entity", "Đối tượng", "Entity", 't'},
    {"entity_id", "Mã đối tượng", "Entity ID", 't'},
    {"province", "Tỉnh", "Province", 't'},
    {"before", "Trước", "Before", 'j'},
    {"after", "Sau", "After", 'j'},
    {"prev_hash", "Mã băm trước", "Previous hash", 't'},
    {"hash", "Mã băm", "Hash", 't'},
};

/* One entry as text, indexed by C_*; integers as their decimal text (which is what SQLite hands
** back for an INTEGER column). NULL for SQL NULL. The strings belong to whoever filled it. */
typedef struct Entry {
    const char *v[NCOLS];
} Entry;

/* ---- the canonical encoding ------------------------------------------------------------- */

static void put_field(crypto_hash_sha256_state *st, const char *v) {
    if (!v) {
        crypto_hash_sha256_update(st, (const unsigned char *)"-,", 2);
        return;
    }
    char len[24];
    int k = snprintf(len, sizeof len, "%zu:", strlen(v));
    crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)k);
    crypto_hash_sha256_update(st, (const unsigned char *)v, strlen(v));
    crypto_hash_sha256_update(st, (const unsigned char *)",", 1);
}

/* The hash of en's content and prev_hash (en->v[C_HASH] is not read) into out[65]. */
static void entry_hash(const Entry *en, char out[65]) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    put_field(&st, "ocop-audit-v1");
    for (int i = 0; i <= C_PREV_HASH; i++) put_field(&st, en->v[i]);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* en from a row of "SELECT " AUDIT_COLUMNS; the strings live until the next step. */
static void entry_from_row(Stmt *s, Entry *en) {
    for (int i = 0; i < NCOLS; i++) en->v[i] = db_col_text(s, i);
}

/* ---- appending ---------------------------------------------------------------------------- */

/* Is v NULL or one JSON text? */
static bool json_ok(const char *v) {
    if (!v) return true;
    json_error_t je;
    json_t *j = json_loads(v, JSON_DECODE_ANY, &je);
    json_decref(j);
    return j != NULL;
}

int audit_append(Db *db, const Actor *who, const char *action, const char *entity, const char *entity_id,
                 const char *province, const char *before, const char *after, Err *e) {
    if (!action || !*action || !entity || !*entity) panic("audit_append without action or entity");
    /* The entry must commit or roll back with the change it records. */
    if (!db_in_tx(db)) panic("audit_append outside the caller's transaction");
    if (!json_ok(before) || !json_ok(after))
        return err_set(e, 500, "audit", "audit entry for %s %s: before/after is not JSON", action, entity);
    /* The id is part of the hash, so take it here: max(id) + 1 under the write lock the caller
    ** holds (SQLite serialises writers; PostgreSQL will need a lock on the table). */
    char prev[65] = GENESIS;
    int64_t prev_id = 0;
    audit_head(db, &prev_id, prev);
    int64_t id = prev_id + 1, user_id = who ? who->user_id : 0;
    char at[32], id_text[24], user_text[24], hash[65];
    ts_now(at);
    snprintf(id_text, sizeof id_text, "%lld", (long long)id);
    snprintf(user_text, sizeof user_text, "%lld", (long long)user_id);
    Entry en = {{id_text, at, user_text, who ? who->username : NULL, who ? who->remote : NULL, action, entity,
                 entity_id, province, before, after, prev, hash}};
    entry_hash(&en, hash);
    Stmt *s = db_prepare(db, "INSERT INTO audit_log (" AUDIT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (int i = 0; i < NCOLS; i++) db_bind_text(s, i + 1, en.v[i]);
    db_bind_int(s, C_ID + 1, id); /* integer columns as integers */
    db_bind_int(s, C_USER_ID + 1, user_id);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return err_set(e, 500, "audit", "cannot append to the audit log: %s", db_errmsg(db));
    return 0;
}

/* Compact JSON with sorted keys (malloc'd), or NULL for NULL and JSON null. */
static char *dump_or_null(json_t *v) {
    if (!v || json_is_null(v)) return NULL;
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!s) panic("json_dumps failed");
    return s;
}

int audit_append_json(Db *db, const Actor *who, const char *action, const char *entity, int64_t entity_id,
                      const char *province, json_t *before, json_t *after, Err *e) {
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)entity_id);
    char *b = dump_or_null(before), *a = dump_or_null(after);
    int rc = audit_append(db, who, action, entity, entity_id > 0 ? id : NULL, province, b, a, e);
    free(b);
    free(a);
    return rc;
}

void audit_head(Db *db, int64_t *id, char hash[65]) {
    *id = 0;
    memcpy(hash, GENESIS, 65);
    Stmt *s = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (db_step(s) == DB_ROW) {
        *id = db_col_int(s, 0);
        snprintf(hash, 65, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    }
    db_done(s);
}

/* ---- verification ------------------------------------------------------------------------- */

/* Why en does not follow the entry prev_id with hash prev (prev_id 0: en is the first), into
** why (n bytes); false when it follows. */
static bool link_broken(int64_t id, const Entry *en, int64_t prev_id, const char *prev, char *why, size_t n) {
    bool gap = id != prev_id + 1, unlinked = !str_eq(en->v[C_PREV_HASH], prev);
    if (!gap && !unlinked) return false;
    Buf b = BUF_INIT;
    if (gap && id - prev_id == 2) buf_printf(&b, "entry %lld is missing", (long long)(prev_id + 1));
    else if (gap) buf_printf(&b, "entries %lld to %lld are missing", (long long)(prev_id + 1), (long long)(id - 1));
    if (gap && prev_id) buf_printf(&b, " (ids jump from %lld to %lld)", (long long)prev_id, (long long)id);
    else if (gap) buf_printf(&b, " (the trail starts at entry %lld)", (long long)id);
    if (unlinked && prev_id)
        buf_printf(&b, "%sits prev_hash does not match the hash of the previous entry %lld%s", gap ? ", and " : "",
                   (long long)prev_id, gap ? "" : ": an entry was removed, inserted or reordered");
    else if (unlinked)
        buf_printf(&b, "%sit is the first entry but its prev_hash is not 64 zeros%s", gap ? ", and " : "",
                   gap ? "" : ": entries before it were removed");
    snprintf(why, n, "%s", buf_str(&b));
    buf_free(&b);
    return true;
}

int audit_verify(Db *db, AuditCheck *c) {
    memset(c, 0, sizeof *c);
    char prev[65] = GENESIS, hash[65];
    int64_t prev_id = 0;
    Stmt *s = db_prepare(db, "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY id");
    while (db_step(s) == DB_ROW) {
        Entry en;
        entry_from_row(s, &en);
        int64_t id = db_col_int(s, C_ID);
        c->entries++;
        if (!c->broken_id) {
            /* Content first: an edited entry is named as such even when it also breaks a link. */
            entry_hash(&en, hash);
            if (!str_eq(hash, en.v[C_HASH])) {
                c->broken_id = id;
                snprintf(c->reason, sizeof c->reason, "its content does not match its hash");
            } else if (link_broken(id, &en, prev_id, prev, c->reason, sizeof c->reason)) {
                c->broken_id = id;
            }
        }
        /* After the first break, keep counting for the totals and the head. */
        prev_id = id;
        snprintf(prev, sizeof prev, "%s", en.v[C_HASH] ? en.v[C_HASH] : "");
    }
    db_done(s);
    c->head_id = prev_id;
    snprintf(c->head, sizeof c->head, "%s", prev_id ? prev : "");
    return c->broken_id ? 1 : 0;
}

int audit_expect(Db *db, int64_t id, const char *hash, AuditCheck *c) {
    if (id == 0) {
        if (str_eq(hash, GENESIS)) return 0;
        c->broken_id = 0;
        snprintf(c->reason, sizeof c->reason, "entry 0 stands for the empty trail, whose hash is 64 zeros");
        return 1;
    }
    Stmt *s = db_prepare(db, "SELECT hash FROM audit_log WHERE id = ?");
    db_bind_int(s, 1, id);
    char have[65] = "";
    bool found = db_step(s) == DB_ROW;
    if (found) snprintf(have, sizeof have, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_done(s);
    if (!found) {
        int64_t head_id;
        char head[65];
        audit_head(db, &head_id, head);
        c->broken_id = id;
        snprintf(c->reason, sizeof c->reason,
                 "the trail ends at entry %lld, before the expected entry %lld: entries were removed from its end",
                 (long long)head_id, (long long)id);
        return 1;
    }
    if (str_eq(have, hash)) return 0;
    c->broken_id = id;
    snprintf(c->reason, sizeof c->reason, "its hash is %s, not the expected %s: the trail was rewritten", have, hash);
    return 1;
}

void audit_describe(Db *db, int64_t id, char *out, size_t n) {
    Stmt *s = db_prepare(db, "SELECT at, action, entity, entity_id FROM audit_log WHERE id = ?");
    db_bind_int(s, 1, id);
    out[0] = 0;
    if (db_step(s) == DB_ROW) {
        const char *eid = db_col_text(s, 3);
        snprintf(out, n, "%s, %s %s%s%s", db_col_text(s, 0) ? db_col_text(s, 0) : "?",
                 db_col_text(s, 1) ? db_col_text(s, 1) : "?", db_col_text(s, 2) ? db_col_text(s, 2) : "?",
                 eid ? " " : "", eid ? eid : "");
    }
    db_done(s);
}

/* ---- listing ------------------------------------------------------------------------------ */

/* A filter: constant SQL with one '?' and its value. */
typedef struct Cond {
    const char *sql, *value;
} Cond;

/* Is s exactly 'YYYY-MM-DDTHH:MM:SSZ' with a valid date and time? */
static bool timestamp_valid(const char *s) {
    if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = 0;
    for (int i = 11; i < 19; i++)
        if (i != 13 && i != 16 && (s[i] < '0' || s[i] > '9')) return false;
    return date_valid(date) && atoi(s + 11) < 24 && atoi(s + 14) < 60 && atoi(s + 17) < 60;
}

/* A from/to bound as a timestamp into out[21]: a date means its first (from) or last (to)
** second, UTC. 400 naming the parameter when v is neither. */
static int time_bound(const char *name, const char *v, bool end, char out[21], Err *e) {
    if (date_valid(v)) {
        snprintf(out, 21, "%.10s%s", v, end ? "T23:59:59Z" : "T00:00:00Z");
        return 0;
    }
    if (timestamp_valid(v)) {
        memcpy(out, v, 21);
        return 0;
    }
    return err_set(e, 400, name, "%s must be a date YYYY-MM-DD or a UTC timestamp YYYY-MM-DDTHH:MM:SSZ, got '%.40s'",
                   name, v);
}

/* The conditions of q into conds (6 slots; from/to point into the bounds from and to); -1 with e. */
static int query_conds(const AuditQuery *q, Cond *conds, int *nc, char from[21], char to[21], Err *e) {
    const struct {
        const char *name, *value, *sql;
    } eq[] = {{"user", q->user, "username = ?"},
              {"entity", q->entity, "entity = ?"},
              {"entity_id", q->entity_id, "entity_id = ?"},
              {"action", q->action, "action = ?"}};
    *nc = 0;
    for (size_t i = 0; i < COUNT(eq); i++) {
        if (!eq[i].value) continue;
        if (strlen(eq[i].value) > 200) return err_set(e, 400, eq[i].name, "%s is longer than 200 bytes", eq[i].name);
        conds[(*nc)++] = (Cond){eq[i].sql, eq[i].value};
    }
    if (q->from && time_bound("from", q->from, false, from, e)) return -1;
    if (q->to && time_bound("to", q->to, true, to, e)) return -1;
    if (q->from && q->to && strcmp(from, to) > 0)
        return err_set(e, 400, "from", "%s (%s) is after to (%s)", "from", q->from, q->to);
    if (q->from) conds[(*nc)++] = (Cond){"at >= ?", from};
    if (q->to) conds[(*nc)++] = (Cond){"at <= ?", to};
    return 0;
}

/* " WHERE ..." over conds and the province restriction of q into w. */
static void where_clause(Buf *w, const AuditQuery *q, const Cond *conds, int nc) {
    for (int i = 0; i < nc; i++) buf_printf(w, "%s(%s)", i ? " AND " : " WHERE ", conds[i].sql);
    if (q->nprovinces <= 0) return;
    buf_puts(w, nc ? " AND province IN (" : " WHERE province IN (");
    for (int i = 0; i < q->nprovinces; i++) buf_puts(w, i ? ", ?" : "?");
    buf_putc(w, ')');
}

static int bind_where(Stmt *s, const AuditQuery *q, const Cond *conds, int nc) {
    int bi = 1;
    for (int i = 0; i < nc; i++) db_bind_text(s, bi++, conds[i].value);
    for (int i = 0; i < q->nprovinces; i++) db_bind_text(s, bi++, q->provinces[i]);
    return bi;
}

/* Entry of the current row of s as JSON: integers, text, JSON parsed (null for NULL). Stored
** JSON that does not parse (only a tampered entry) comes back as a string rather than hidden. */
static json_t *row_json(Stmt *s) {
    json_t *o = json_object();
    for (int i = 0; i < NCOLS; i++) {
        const char *v = db_col_text(s, i);
        json_t *j = !v ? json_null() : cols[i].kind == 'i' ? json_integer(db_col_int(s, i))
                  : cols[i].kind == 'j' ? json_loads(v, JSON_DECODE_ANY, NULL) : NULL;
        if (!j) j = json_string(v);
        json_object_set_new(o, cols[i].name, j ? j : json_null()); /* null: text that is not UTF-8 */
    }
    return o;
}

int audit_list(Db *db, const AuditQuery *q, json_t **items, int64_t *total, Err *e) {
    *items = NULL;
    *total = 0;
    Cond conds[6];
    int nc;
    char from[21], to[21];
    if (query_conds(q, conds, &nc, from, to, e)) return -1;
    *items = json_array();
    if (q->nprovinces == 0) return 0; /* restricted to no province at all: sees nothing */
    Buf where = BUF_INIT, sql = BUF_INIT;
    where_clause(&where, q, conds, nc);
    buf_printf(&sql, "SELECT count(*) FROM audit_log%s", buf_str(&where));
    Stmt *s = db_prepare(db, sql.p);
    bind_where(s, q, conds, nc);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    buf_reset(&sql);
    buf_printf(&sql, "SELECT " AUDIT_COLUMNS " FROM audit_log%s ORDER BY id %s LIMIT ? OFFSET ?", buf_str(&where),
               q->oldest_first ? "ASC" : "DESC");
    s = db_prepare(db, sql.p);
    int bi = bind_where(s, q, conds, nc);
    db_bind_int(s, bi++, q->limit < 0 ? -1 : q->limit);
    db_bind_int(s, bi, q->offset > 0 ? q->offset : 0);
    while (db_step(s) == DB_ROW) json_array_append_new(*items, row_json(s));
    db_done(s);
    buf_free(&sql);
    buf_free(&where);
    return 0;
}

/* ---- export ------------------------------------------------------------------------------- */

enum { XLSX_CELL_MAX = 32767, XLSX_CUT = 32000 };

/* The text of cell v (malloc'd): strings as they are, numbers in decimal, and anything in a
** JSON column (as_json) as compact JSON; cut at a character boundary with a note when XLSX
** could not hold it. */
static char *cell_text(json_t *v, TableFormat fmt, bool as_json) {
    if (!v || json_is_null(v)) return xstrdup("");
    if (json_is_string(v) && !as_json) {
        const char *s = json_string_value(v);
        size_t chars = 0, cut = 0;
        for (size_t i = 0; s[i]; i++) {
            if (((unsigned char)s[i] & 0xC0) == 0x80) continue; /* counts characters, as Excel does */
            if (chars++ == XLSX_CUT) cut = i;
        }
        if (fmt != TABLE_XLSX || chars <= XLSX_CELL_MAX) return xstrdup(s);
        Buf b = BUF_INIT;
        buf_append(&b, s, cut);
        buf_printf(&b, " [cut: %zu characters in all; the CSV export and the API hold the whole value]", chars);
        return buf_take(&b);
    }
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!s) panic("json_dumps failed");
    if (fmt != TABLE_XLSX || strlen(s) <= XLSX_CELL_MAX) return s; /* bytes >= characters */
    json_t *str = json_string(s);
    free(s);
    char *r = cell_text(str, fmt, false);
    json_decref(str);
    return r;
}

int audit_export(json_t *items, TableFormat fmt, bool vi, char **out, size_t *n, Err *e) {
    TableWriter *w = tablew_new(fmt, vi ? "Nhật ký" : "Audit trail");
    const int numeric[] = {C_ID, C_USER_ID};
    tablew_set_number_columns(w, numeric, (int)COUNT(numeric));
    const char *head[NCOLS];
    for (int i = 0; i < NCOLS; i++) head[i] = vi ? cols[i].vi : cols[i].en;
    tablew_row(w, head, NCOLS);
    size_t k;
    json_t *o;
    json_array_foreach(items, k, o) {
        char *cells[NCOLS];
        for (int i = 0; i < NCOLS; i++) cells[i] = cell_text(json_object_get(o, cols[i].name), fmt, cols[i].kind == 'j');
        tablew_row(w, (const char *const *)cells, NCOLS);
        for (int i = 0; i < NCOLS; i++) free(cells[i]);
    }
    return tablew_finish(w, out, n, e);
}

/* ---- checkpoints ---------------------------------------------------------------------------
** The chain shows an entry edited, removed or inserted anywhere but at its end: cutting the last
** entries leaves a shorter chain that is intact. A checkpoint, written outside the database,
** records the head it has seen:
**
**     ocop-audit-checkpoint-v1\n entry=ID\n hash=HASH\n at=TIME\n public_key=HEX\n signature=B64\n
**
** the signature (Ed25519, base64) being over the lines before it, with the key keys/audit.key
** beside the database. It only moves forward along the chain, so a trail that ends before its
** entry, or holds another hash there, was cut or rewritten. */

#define CHECKPOINT_MAGIC "ocop-audit-checkpoint-v1"

void audit_checkpoint_path(const char *db_path, char *out, size_t n) { snprintf(out, n, "%s.audit-checkpoint", db_path); }

/* The signed part of cp into b. */
static void checkpoint_text(const AuditCheckpoint *cp, Buf *b) {
    buf_printf(b, CHECKPOINT_MAGIC "\nentry=%lld\nhash=%s\nat=%s\npublic_key=%s\n", (long long)cp->id, cp->hash, cp->at,
               cp->public_key);
}

/* The value of "name=" on its own line in text, into out (n bytes); false when absent or too long. */
static bool checkpoint_field(const char *text, const char *name, char *out, size_t n) {
    size_t k = strlen(name);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, name, k) || p[k] != '=') continue;
        size_t len = strcspn(p + k + 1, "\n");
        if (len >= n) return false;
        memcpy(out, p + k + 1, len);
        out[len] = 0;
        return true;
    }
    return false;
}

int audit_checkpoint_read(const char *path, const unsigned char *pk, AuditCheckpoint *cp, Err *e) {
    memset(cp, 0, sizeof *cp);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT) return err_set(e, 404, "checkpoint", "no audit checkpoint at %s", path);
        return err_set(e, 500, "checkpoint", "cannot read %s: %s", path, strerror(errno));
    }
    char text[1024];
    size_t got = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    return audit_checkpoint_parse(text, got, path, pk, cp, e);
}

int audit_checkpoint_parse(const char *data, size_t n, const char *path, const unsigned char *pk, AuditCheckpoint *cp,
                           Err *e) {
    memset(cp, 0, sizeof *cp);
    char text[1024];
    if (n >= sizeof text || memchr(data, 0, n))
        return err_set(e, 422, "checkpoint", "%s is not an ocop audit checkpoint", path);
    memcpy(text, data, n);
    text[n] = 0;
    char id[24], sig64[128];
    unsigned char sig[crypto_sign_BYTES], file_pk[crypto_sign_PUBLICKEYBYTES];
    size_t len;
    if (strncmp(text, CHECKPOINT_MAGIC "\n", sizeof CHECKPOINT_MAGIC) || !checkpoint_field(text, "entry", id, sizeof id) ||
        !parse_i64(id, &cp->id) || cp->id < 1 || !checkpoint_field(text, "hash", cp->hash, sizeof cp->hash) ||
        strlen(cp->hash) != 64 || !checkpoint_field(text, "at", cp->at, sizeof cp->at) ||
        !checkpoint_field(text, "public_key", cp->public_key, sizeof cp->public_key) ||
        !checkpoint_field(text, "signature", sig64, sizeof sig64) ||
        sodium_hex2bin(file_pk, sizeof file_pk, cp->public_key, strlen(cp->public_key), NULL, &len, NULL) ||
        len != sizeof file_pk ||
        sodium_base642bin(sig, sizeof sig, sig64, strlen(sig64), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
        len != sizeof sig)
        return err_set(e, 422, "checkpoint", "%s is not an ocop audit checkpoint", path);
    if (pk && sodium_memcmp(pk, file_pk, sizeof file_pk))
        return err_set(e, 422, "checkpoint", "%s is signed by another key (%.16s...) than the audit key", path,
                       cp->public_key);
    Buf b = BUF_INIT;
    checkpoint_text(cp, &b);
    int bad = crypto_sign_verify_detached(sig, (const unsigned char *)b.p, b.n, file_pk);
    buf_free(&b);
    if (bad) return err_set(e, 422, "checkpoint", "%s does not match its signature: it was altered", path);
    return 0;
}

int audit_checkpoint_check(Db *db, const AuditCheckpoint *cp, AuditCheck *c) {
    if (!audit_expect(db, cp->id, cp->hash, c)) return 0;
    int64_t head_id;
    char head[65];
    audit_head(db, &head_id, head);
    if (head_id < cp->id)
        snprintf(c->reason, sizeof c->reason,
                 "the checkpoint of %s records entry %lld, but the trail ends at entry %lld: entries %lld to %lld "
                 "were removed",
                 cp->at, (long long)cp->id, (long long)head_id, (long long)head_id + 1, (long long)cp->id);
    return 1;
}

/* Write cp signed with sk to path, atomically: a new file beside it, synced, renamed over it. */
static int checkpoint_write(const char *path, AuditCheckpoint *cp, const unsigned char *sk, Err *e) {
    Buf b = BUF_INIT;
    checkpoint_text(cp, &b);
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)b.p, b.n, sk);
    char sig64[sodium_base64_ENCODED_LEN(crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
    buf_printf(&b, "signature=%s\n", sig64);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld.%lx", path, (long)getpid(), (unsigned long)pthread_self());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && write(fd, b.p, b.n) == (ssize_t)b.n && fsync(fd) == 0;
    if (fd >= 0 && close(fd)) ok = false;
    buf_free(&b);
    if (!ok || rename(tmp, path)) {
        int err = errno;
        unlink(tmp);
        return err_set(e, 500, "checkpoint", "cannot write the audit checkpoint %s: %s", path, strerror(err));
    }
    return 0;
}

int audit_checkpoint_update(Db *db, const char *path, const char *keys_dir, int64_t *written, Err *e) {
    *written = 0;
    AuditCheckpoint cp = {0};
    audit_head(db, &cp.id, cp.hash);
    if (cp.id == 0) return 0;
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    if (cert_key_file(keys_dir, "audit", true, sk, e)) return -1;
    sodium_bin2hex(cp.public_key, sizeof cp.public_key, sk + crypto_sign_SEEDBYTES, crypto_sign_PUBLICKEYBYTES);
    AuditCheckpoint old;
    Err re = ERR_INIT;
    int rc = 0;
    if (audit_checkpoint_read(path, sk + crypto_sign_SEEDBYTES, &old, &re)) {
        /* Missing: the first one. Unreadable or not ours: evidence, left for `ocop audit verify`. */
        if (re.status != 404)
            rc = err_set(e, 409, "checkpoint", "%s; it is left as it is: run 'ocop audit verify'", re.detail);
    } else {
        AuditCheck c;
        if (audit_checkpoint_check(db, &old, &c))
            rc = err_set(e, 409, "checkpoint", "the audit trail no longer holds entry %lld of the checkpoint %s (%s); "
                         "the checkpoint is left as it is: run 'ocop audit verify'", (long long)old.id, path, c.reason);
        else if (old.id == cp.id) {
            sodium_memzero(sk, sizeof sk);
            return 0; /* at the head already */
        }
    }
    if (!rc) {
        char now[32];
        ts_now(now);
        snprintf(cp.at, sizeof cp.at, "%s", now);
        rc = checkpoint_write(path, &cp, sk, e);
        if (!rc) *written = cp.id;
    }
    sodium_memzero(sk, sizeof sk);
    return rc;
}
