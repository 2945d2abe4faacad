/*
** auth.c: roles, permissions, scopes, credentials, sessions, tokens and throttling (see auth.h).
**
** What each role may do is one table (role_perms); where it may do it is one function
** (grant_covers). Everything else asks auth_can / auth_covers.
*/
#include "auth.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "log.h"
#include "text.h"
#include "util.h"

AuthConfig auth_config = {30 * 60, 12 * 3600, false};

/* ---- roles and permissions --------------------------------------------------------------- */

static const struct {
    const char *name, *vi, *en;
} ROLES[ROLE_COUNT] = {
    [ROLE_ADMIN] = {"admin", "Quản trị hệ thống", "System administrator"},
    [ROLE_PROVINCE] = {"province", "Cán bộ OCOP cấp tỉnh", "Province officer"},
    [ROLE_COMMUNE] = {"commune", "Cán bộ OCOP cấp xã", "Commune officer"},
    [ROLE_COUNCIL_CHAIR] = {"council_chair", "Chủ tịch Hội đồng", "Council chair"},
    [ROLE_COUNCIL_MEMBER] = {"council_member", "Thành viên Hội đồng", "Council member"},
    [ROLE_COUNCIL_SECRETARY] = {"council_secretary", "Thư ký Hội đồng", "Council secretary"},
    [ROLE_PRODUCER] = {"producer", "Chủ thể OCOP", "Producer"},
    [ROLE_MINISTRY] = {"ministry", "Cán bộ OCOP cấp Bộ", "Ministry officer"},
};

static const char *const PERMS[PERM_COUNT] = {
    [PERM_PUBLIC] = "public",
    [PERM_LOGIN] = "login",
    [PERM_PRODUCERS_CREATE] = "producers.create",
    [PERM_PRODUCERS_UPDATE] = "producers.update",
    [PERM_PRODUCERS_DELETE] = "producers.delete",
    [PERM_PRODUCTS_CREATE] = "products.create",
    [PERM_PRODUCTS_UPDATE] = "products.update",
    [PERM_PRODUCTS_DELETE] = "products.delete",
    [PERM_RECOGNITIONS_WRITE] = "recognitions.write",
    [PERM_VILLAGES_WRITE] = "villages.write",
    [PERM_POINTS_WRITE] = "points.write",
    [PERM_COUNCILS_WRITE] = "councils.write",
    [PERM_IMPORT] = "import",
    [PERM_USERS_READ] = "users.read",
    [PERM_USERS_MANAGE] = "users.manage",
    [PERM_USERS_CONFIRM] = "users.confirm",
    [PERM_AUDIT_READ] = "audit.read",
    [PERM_DOSSIERS_READ] = "dossiers.read",
    [PERM_DOSSIERS_WRITE] = "dossiers.write",
    [PERM_DOSSIERS_ACT] = "dossiers.act",
    [PERM_ROUNDS_WRITE] = "rounds.write",
    [PERM_SCORES_WRITE] = "scores.write",
    [PERM_DECISIONS_WRITE] = "decisions.write",
    [PERM_ADMIN] = "admin",
    [PERM_PRODUCERS_PERSONAL] = "producers.personal",
    [PERM_PLANS_WRITE] = "plans.write",
};

#define P(x) (1u << (x))
/* What each role may do, somewhere within its scope. */
static const uint32_t role_perms[ROLE_COUNT] = {
    [ROLE_ADMIN] = 0xffffffffu,
    [ROLE_PROVINCE] = P(PERM_LOGIN) | P(PERM_PRODUCERS_CREATE) | P(PERM_PRODUCERS_UPDATE) |
                      P(PERM_PRODUCERS_DELETE) | P(PERM_PRODUCTS_CREATE) | P(PERM_PRODUCTS_UPDATE) |
                      P(PERM_PRODUCTS_DELETE) | P(PERM_RECOGNITIONS_WRITE) | P(PERM_VILLAGES_WRITE) |
                      P(PERM_POINTS_WRITE) | P(PERM_COUNCILS_WRITE) | P(PERM_IMPORT) | P(PERM_USERS_READ) |
                      P(PERM_USERS_MANAGE) | P(PERM_USERS_CONFIRM) | P(PERM_AUDIT_READ) |
                      P(PERM_DOSSIERS_READ) | P(PERM_DOSSIERS_WRITE) | P(PERM_DOSSIERS_ACT) | P(PERM_ROUNDS_WRITE) |
                      P(PERM_DECISIONS_WRITE) | P(PERM_PRODUCERS_PERSONAL) | P(PERM_PLANS_WRITE),
    [ROLE_COMMUNE] = P(PERM_LOGIN) | P(PERM_PRODUCERS_CREATE) | P(PERM_PRODUCERS_UPDATE) |
                     P(PERM_PRODUCTS_CREATE) | P(PERM_PRODUCTS_UPDATE) | P(PERM_PRODUCTS_DELETE) |
                     P(PERM_VILLAGES_WRITE) | P(PERM_POINTS_WRITE) | P(PERM_IMPORT) | P(PERM_USERS_READ) |
                     P(PERM_USERS_CONFIRM) | P(PERM_DOSSIERS_READ) | P(PERM_DOSSIERS_WRITE) | P(PERM_DOSSIERS_ACT) |
                     P(PERM_PRODUCERS_PERSONAL),
    /* Council roles read the dossiers of their council's rounds and score them (scoring.c
    ** decides what each position may do). */
    [ROLE_COUNCIL_CHAIR] = P(PERM_LOGIN) | P(PERM_DOSSIERS_READ) | P(PERM_SCORES_WRITE),
    [ROLE_COUNCIL_MEMBER] = P(PERM_LOGIN) | P(PERM_DOSSIERS_READ) | P(PERM_SCORES_WRITE),
    [ROLE_COUNCIL_SECRETARY] = P(PERM_LOGIN) | P(PERM_DOSSIERS_READ) | P(PERM_SCORES_WRITE),
    /* A producer edits its own record; once a commune officer has confirmed the account it also
    ** registers and edits its own products (grant_allows). */
    [ROLE_PRODUCER] = P(PERM_LOGIN) | P(PERM_PRODUCERS_UPDATE) | P(PERM_PRODUCTS_CREATE) | P(PERM_PRODUCTS_UPDATE) |
                      P(PERM_DOSSIERS_READ) | P(PERM_DOSSIERS_WRITE) | P(PERM_DOSSIERS_ACT) |
                      P(PERM_PRODUCERS_PERSONAL),
    /* The Ministry's officer organises the national (5★) evaluation: the dossiers sent to it,
    ** its councils and rounds, putting a dossier in one, and its decisions with the recognitions
    ** they make. Its councils' members get their roles from an administrator; it reads no
    ** personal data. */
    [ROLE_MINISTRY] = P(PERM_LOGIN) | P(PERM_DOSSIERS_READ) | P(PERM_DOSSIERS_ACT) | P(PERM_ROUNDS_WRITE) |
                      P(PERM_COUNCILS_WRITE) | P(PERM_DECISIONS_WRITE) | P(PERM_RECOGNITIONS_WRITE) |
                      P(PERM_PLANS_WRITE),
};
#undef P

const char *role_name(Role r) { return (unsigned)r < ROLE_COUNT ? ROLES[r].name : "?"; }
const char *role_label_vi(Role r) { return (unsigned)r < ROLE_COUNT ? ROLES[r].vi : "?"; }
const char *role_label_en(Role r) { return (unsigned)r < ROLE_COUNT ? ROLES[r].en : "?"; }

int role_parse(const char *s) {
    for (int i = 0; i < ROLE_COUNT; i++)
        if (s && strcmp(ROLES[i].name, s) == 0) return i;
    return -1;
}

const char *perm_name(Perm p) { return (unsigned)p < PERM_COUNT ? PERMS[p] : "?"; }

int perm_parse(const char *s) {
    for (int i = 0; i < PERM_COUNT; i++)
        if (s && strcmp(PERMS[i], s) == 0) return i;
    return -1;
}

bool role_has(Role r, Perm p) {
    if (p == PERM_PUBLIC) return true;
    return (unsigned)r < ROLE_COUNT && (role_perms[r] >> p) & 1u;
}

/* The role allows p, taking the producer's confirmation into account. */
bool auth_grant_allows(const Grant *g, Perm p) {
    if (!role_has(g->role, p)) return false;
    /* Unconfirmed (self-registered): its own account and the producer record it registered,
    ** personal fields included (it wrote them), nothing else. */
    if (g->role == ROLE_PRODUCER && !g->confirmed)
        return p == PERM_LOGIN || p == PERM_PRODUCERS_UPDATE || p == PERM_PRODUCERS_PERSONAL;
    return true;
}

void place_resolve(Db *db, Place *p) {
    if (p->province[0] || !p->commune[0]) return;
    Stmt *s = db_prepare(db, "SELECT parent_code FROM units WHERE code = ? AND geo = '2025' AND level = 'commune' "
                             "ORDER BY valid_from DESC LIMIT 1");
    db_bind_text(s, 1, p->commune);
    if (db_step(s) == DB_ROW && db_col_text(s, 0)) snprintf(p->province, sizeof p->province, "%s", db_col_text(s, 0));
    db_done(s);
}

/* Does grant g reach a record at place? */
static bool grant_covers(const Grant *g, const Place *place) {
    switch (g->role) {
    case ROLE_ADMIN: return true;
    case ROLE_PROVINCE: return place->province[0] && strcmp(place->province, g->scope) == 0;
    case ROLE_COMMUNE: return place->commune[0] && strcmp(place->commune, g->scope) == 0;
    case ROLE_MINISTRY: return place->ministry;
    case ROLE_PRODUCER: {
        int64_t id;
        return place->producer_id > 0 && parse_i64(g->scope, &id) && id == place->producer_id;
    }
    default: {
        int64_t id;
        return parse_i64(g->scope, &id) && id > 0 && (id == place->council_id || id == place->council_id2);
    }
    }
}

bool auth_can(const Auth *a, Perm p) {
    if (p == PERM_PUBLIC) return true;
    if (!a) return false;
    for (int i = 0; i < a->ngrants; i++)
        if (auth_grant_allows(&a->grants[i], p)) return true;
    return p == PERM_LOGIN; /* a user without roles still manages its own account */
}

bool auth_has_role(const Auth *a, unsigned role_mask) {
    for (int i = 0; a && i < a->ngrants; i++)
        if (role_mask & (1u << a->grants[i].role)) return true;
    return false;
}

bool auth_covers(const Auth *a, Perm p, const Place *place) { return auth_covers_roles(a, ~0u, p, place); }

bool auth_covers_roles(const Auth *a, unsigned role_mask, Perm p, const Place *place) {
    if (!a) return false;
    for (int i = 0; i < a->ngrants; i++) {
        const Grant *g = &a->grants[i];
        if ((role_mask >> g->role) & 1u && auth_grant_allows(g, p) && grant_covers(g, place)) return true;
    }
    return false;
}

int auth_provinces(const Auth *a, Perm p, char out[][8], int max) {
    int n = 0;
    if (!a) return 0;
    for (int i = 0; i < a->ngrants; i++) {
        const Grant *g = &a->grants[i];
        if (!auth_grant_allows(g, p)) continue;
        if (g->role == ROLE_ADMIN) return -1;
        if (g->role != ROLE_PROVINCE || n == max) continue;
        snprintf(out[n++], 8, "%.7s", g->scope);
    }
    return n;
}

const char *auth_single_province(const Auth *a, Perm p, char out[8]) {
    out[0] = 0;
    for (int i = 0; i < a->ngrants; i++) {
        const Grant *g = &a->grants[i];
        if (!auth_grant_allows(g, p)) continue;
        const char *prov = g->role == ROLE_PROVINCE ? g->scope : g->province;
        if (g->role == ROLE_ADMIN || !prov[0] || (out[0] && strcmp(out, prov) != 0)) return NULL;
        snprintf(out, 8, "%.7s", prov);
    }
    return out[0] ? out : NULL;
}

/* ---- actors ------------------------------------------------------------------------------- */

Actor actor_anonymous(const char *remote) { return (Actor){ACTOR_ANONYMOUS, 0, "anonymous", remote, NULL}; }

Actor actor_user(const Auth *a, const char *remote) { return (Actor){ACTOR_USER, a->user_id, a->username, remote, a}; }

bool actor_is_system(const Actor *who) { return who && who->kind == ACTOR_SYSTEM; }

const Auth *actor_auth(const Actor *who) { return who && who->kind == ACTOR_USER ? who->auth : NULL; }

int64_t actor_user_id(const Actor *who) { return actor_auth(who) ? who->user_id : 0; }

bool actor_can(const Actor *who, Perm p) {
    if (p == PERM_PUBLIC || actor_is_system(who)) return true;
    const Auth *a = actor_auth(who);
    return a && auth_can(a, p);
}

bool actor_covers(const Actor *who, Perm p, const Place *place) { return actor_covers_roles(who, ~0u, p, place); }

bool actor_covers_roles(const Actor *who, unsigned role_mask, Perm p, const Place *place) {
    if (p == PERM_PUBLIC || actor_is_system(who)) return true;
    const Auth *a = actor_auth(who);
    return a && auth_covers_roles(a, role_mask, p, place);
}

int actor_require(const Actor *who, Err *e) {
    if (actor_is_system(who) || actor_auth(who)) return 0;
    return err_set(e, 401, "", "sign in first: an anonymous caller may only read what is public");
}

/* ---- credentials --------------------------------------------------------------------------- */

enum { PASSWORD_MIN = 10, PASSWORD_MAX_BYTES = 256, USERNAME_MAX = 32 };

static const char *const common_passwords[] = {
    "password", "password1", "password123", "passw0rd", "matkhau", "matkhau123", "matkhaumoi", "1234567890",
    "12345678910", "0123456789", "qwertyuiop", "qwerty1234", "abcdefghij", "abc1234567", "iloveyou12",
    "administrator", "admin12345", "ocop123456", "ocop2025", "ocop2026", "vietnam123", "khongbiet",
    "1111111111", "1q2w3e4r5t", "a1b2c3d4e5", "letmein123", "welcome123", "changeme123", NULL,
};

/* Lower-case ASCII copy (non-ASCII bytes kept) into out. */
static void lower_copy(char *out, size_t n, const char *s) {
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = 0;
}

const char *password_problem(const char *pw, const char *username) {
    size_t n = strlen(pw);
    if (n > PASSWORD_MAX_BYTES) return N_("the password is longer than 256 bytes");
    if (!text_utf8_valid(pw, n, NULL)) return N_("the password is not valid UTF-8 text");
    size_t chars = 0;
    int distinct = 0;
    unsigned char seen[256] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)pw[i];
        if ((c & 0xC0) != 0x80) chars++;
        if (!seen[c]++) distinct++;
        if (c < 0x20 || c == 0x7f) return N_("the password must not contain control characters");
    }
    if (chars < PASSWORD_MIN) return N_("the password must have at least 10 characters (a few words make a good one)");
    if (distinct < 5) return N_("the password repeats too few characters; use at least 5 different ones");
    char low[PASSWORD_MAX_BYTES + 1], user[USERNAME_MAX + 8];
    lower_copy(low, sizeof low, pw);
    for (int i = 0; common_passwords[i]; i++)
        if (strcmp(low, common_passwords[i]) == 0) return N_("this password is among the most common ones; choose another");
    if (username && strlen(username) >= 3) {
        lower_copy(user, sizeof user, username);
        if (strstr(low, user)) return N_("the password must not contain the username");
    }
    return NULL;
}

/* Each argon2id hash takes crypto_pwhash_MEMLIMIT_INTERACTIVE (64 MiB) for its duration: at
** most HASH_SLOTS run at once in the process, the others queue for up to HASH_WAIT_S. This
** bounds what sign-ins add to the resident memory (HASH_SLOTS x 64 MiB) however many arrive
** together. The semaphore is process state, as the memory it guards is. */
enum { HASH_SLOTS = 2, HASH_WAIT_S = 15 };
static sem_t hash_sem;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static void hash_init(void) {
    if (sem_init(&hash_sem, 0, HASH_SLOTS)) panic("sem_init: %s", strerror(errno));
}

/* Wait for a hashing slot: false when none came free within HASH_WAIT_S. */
static bool hash_enter(void) {
    pthread_once(&hash_once, hash_init);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += HASH_WAIT_S;
    while (sem_timedwait(&hash_sem, &until) != 0)
        if (errno != EINTR) return false;
    return true;
}

static void hash_leave(void) { sem_post(&hash_sem); }

int password_hash(const char *password, char *out, size_t n) {
    if (n < crypto_pwhash_STRBYTES) panic("password_hash: buffer too small");
    if (!hash_enter()) return -1;
    int rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    hash_leave();
    return rc;
}

/* 1: the password matches, 0: it does not, -1: no hashing slot came free (try again later). */
static int password_check(const char *hash, const char *password) {
    if (!hash_enter()) return -1;
    int ok = hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    hash_leave();
    return ok;
}

bool password_verify(const char *hash, const char *password) { return password_check(hash, password) == 1; }

/* Hex SHA-256 of s into out[65]. */
static void sha256_hex(const char *s, char out[65]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* nbytes random bytes as unpadded base64url into out. */
static void random_b64(char *out, size_t n, size_t nbytes) {
    unsigned char raw[64];
    if (nbytes > sizeof raw || sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) > n)
        panic("random_b64: buffer too small");
    randombytes_buf(raw, nbytes);
    sodium_bin2base64(out, n, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static int64_t now_s(void) { return (int64_t)time(NULL); }

static void fmt_time(int64_t t, char out[24]) {
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- throttling ---------------------------------------------------------------------------- */

/* After `after` failures within an hour a key is locked for base seconds, doubling with every
** further failure up to 15 minutes. Accounts: 5 failures, 30 s; addresses: 20 failures, 60 s. */
enum { THROTTLE_WINDOW = 3600, THROTTLE_MAX = 900 };

/* The counts live in the database (login_throttle: shared by every process, kept over restarts)
** and in this process's memory, so that a failure still counts when the database cannot be
** written (a full disk, a write lock held elsewhere): a key is locked when either says so. The
** memory is a fixed table indexed by a keyed hash; a colliding key takes the slot over. */
enum { MEM_THROTTLE_SLOTS = 4096 };
typedef struct ThrottleRow {
    char key[96];
    int64_t failures, first, until;
} ThrottleRow;
static struct {
    pthread_mutex_t mu;
    unsigned char seed[crypto_shorthash_KEYBYTES];
    bool seeded;
    ThrottleRow rows[MEM_THROTTLE_SLOTS];
} mem_throttle = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* The slot of key (the caller holds the mutex). */
static ThrottleRow *mem_slot(const char *key) {
    if (!mem_throttle.seeded) {
        randombytes_buf(mem_throttle.seed, sizeof mem_throttle.seed);
        mem_throttle.seeded = true;
    }
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, strlen(key), mem_throttle.seed);
    uint64_t v;
    memcpy(&v, h, sizeof v);
    return &mem_throttle.rows[v % MEM_THROTTLE_SLOTS];
}

/* Copy the memory's row of key into out (zeros when it holds none). */
static void mem_get(const char *key, ThrottleRow *out) {
    pthread_mutex_lock(&mem_throttle.mu);
    ThrottleRow *r = mem_slot(key);
    if (strcmp(r->key, key) == 0) *out = *r;
    else memset(out, 0, sizeof *out);
    pthread_mutex_unlock(&mem_throttle.mu);
}

static void mem_put(const char *key, int64_t failures, int64_t first, int64_t until) {
    pthread_mutex_lock(&mem_throttle.mu);
    ThrottleRow *r = mem_slot(key);
    snprintf(r->key, sizeof r->key, "%s", key);
    r->failures = failures;
    r->first = first;
    r->until = until;
    pthread_mutex_unlock(&mem_throttle.mu);
}

static void mem_clear(const char *key) {
    pthread_mutex_lock(&mem_throttle.mu);
    ThrottleRow *r = mem_slot(key);
    if (strcmp(r->key, key) == 0) memset(r, 0, sizeof *r);
    pthread_mutex_unlock(&mem_throttle.mu);
}

static int64_t throttle_locked(Db *db, const char *key) {
    Stmt *s = db_prepare(db, "SELECT locked_until FROM login_throttle WHERE key = ?");
    db_bind_text(s, 1, key);
    int64_t until = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    ThrottleRow m;
    mem_get(key, &m);
    if (m.until > until) until = m.until;
    int64_t now = now_s();
    return until > now ? until - now : 0;
}

/* Count a failure for key: in memory always, in the database when db is not NULL (the caller
** holds the write transaction; a failed write leaves the count in memory). */
static void throttle_fail(Db *db, const char *key, int after, int base) {
    int64_t now = now_s();
    ThrottleRow m;
    mem_get(key, &m);
    int64_t failures = m.failures, first = m.failures ? m.first : now;
    Stmt *s = db ? db_prepare(db, "SELECT failures, first_fail FROM login_throttle WHERE key = ?") : NULL;
    if (s) {
        db_bind_text(s, 1, key);
        if (db_step(s) == DB_ROW && db_col_int(s, 0) > failures) {
            failures = db_col_int(s, 0);
            first = db_col_int(s, 1);
        }
        db_done(s);
    }
    if (now - first > THROTTLE_WINDOW) failures = 0, first = now;
    failures++;
    int64_t until = 0;
    if (failures >= after) {
        int64_t shift = failures - after;
        int64_t lock = shift > 10 ? THROTTLE_MAX : (int64_t)base << shift;
        until = now + (lock > THROTTLE_MAX ? THROTTLE_MAX : lock);
    }
    mem_put(key, failures, first, until);
    if (!db) return;
    s = db_prepare(db, "INSERT INTO login_throttle (key, failures, first_fail, locked_until) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
                       "first_fail = excluded.first_fail, locked_until = excluded.locked_until");
    db_bind_text(s, 1, key);
    db_bind_int(s, 2, failures);
    db_bind_int(s, 3, first);
    db_bind_int(s, 4, until);
    db_step(s);
    db_done(s);
    /* Forget stale keys so that guessing many usernames does not grow the table for ever. */
    s = db_prepare(db, "DELETE FROM login_throttle WHERE first_fail < ? AND locked_until < ?");
    db_bind_int(s, 1, now - 86400);
    db_bind_int(s, 2, now);
    db_step(s);
    db_done(s);
}

static void throttle_clear(Db *db, const char *key) {
    mem_clear(key);
    Stmt *s = db_prepare(db, "DELETE FROM login_throttle WHERE key = ?");
    db_bind_text(s, 1, key);
    db_step(s);
    db_done(s);
}

/* Count a failed sign-in for the account key ukey (5 failures, then 30 s doubling) and, unless
** NULL, for the address key akey (20, then 60 s). The database may be unwritable (a full disk):
** the counts then hold in memory, and the sign-in still answers as a failure. */
static void count_failure(Db *db, const char *ukey, const char *akey) {
    Err e = ERR_INIT;
    bool tx = db_begin(db, &e) == 0;
    throttle_fail(tx ? db : NULL, ukey, 5, 30);
    if (akey) throttle_fail(tx ? db : NULL, akey, 20, 60);
    if (tx && db_commit(db, &e)) log_warn("failed sign-in counted in memory only: %s", e.detail);
}

/* No hashing slot came free: 503, to be tried again shortly. */
static int hashing_busy(int *retry_after, Err *e) {
    *retry_after = 5;
    log_warn("sign-in refused: every password hashing slot stayed busy for %d s", HASH_WAIT_S);
    return err_set(e, 503, "", "too many sign-ins at once; try again in a few seconds");
}

int auth_reauth(Db *db, const Auth *a, const char *password, const char *remote, int *retry_after, Err *e) {
    char ukey[80];
    snprintf(ukey, sizeof ukey, "user:%s", a->username);
    *retry_after = (int)throttle_locked(db, ukey);
    if (*retry_after)
        return err_set(e, 429, "", "too many failed sign-ins for this account; try again in %d s", *retry_after);
    Stmt *s = db_prepare(db, "SELECT pw_hash FROM users WHERE id = ?");
    db_bind_int(s, 1, a->user_id);
    char hash[crypto_pwhash_STRBYTES] = "";
    if (db_step(s) == DB_ROW) snprintf(hash, sizeof hash, "%s", db_col_text(s, 0));
    db_done(s);
    int ok = hash[0] && strlen(password) <= PASSWORD_MAX_BYTES ? password_check(hash, password) : 0;
    if (ok == 1) return 0;
    if (ok < 0) return hashing_busy(retry_after, e);
    count_failure(db, ukey, NULL);
    log_warn("re-authentication failed user=%s remote=%s", a->username, remote ? remote : "-");
    return err_set(e, 422, "current_password", "the current password is wrong");
}

int auth_rate_check(Db *db, const char *key, int *retry_after, Err *e) {
    *retry_after = (int)throttle_locked(db, key);
    if (*retry_after) return err_set(e, 429, "", "too many requests from this address; try again in %d s", *retry_after);
    return 0;
}

void auth_rate_count(Db *db, const char *key, int after, int base) {
    Err e = ERR_INIT;
    bool tx = db_begin(db, &e) == 0;
    throttle_fail(tx ? db : NULL, key, after, base);
    if (tx && db_commit(db, &e)) log_warn("rate limit of %s counted in memory only: %s", key, e.detail);
}

/* ---- login, sessions, tokens ----------------------------------------------------------------- */

int auth_load_grants(Db *db, Auth *a, Err *e) {
    (void)e;
    Stmt *s = db_prepare(db, "SELECT id, role, scope, province, confirmed FROM user_roles WHERE user_id = ? ORDER BY id");
    db_bind_int(s, 1, a->user_id);
    a->ngrants = 0;
    while (db_step(s) == DB_ROW && a->ngrants < (int)COUNT(a->grants)) {
        Grant *g = &a->grants[a->ngrants];
        int role = role_parse(db_col_text(s, 1));
        if (role < 0) continue;
        g->id = db_col_int(s, 0);
        g->role = (Role)role;
        snprintf(g->scope, sizeof g->scope, "%s", db_col_text(s, 2) ? db_col_text(s, 2) : "");
        snprintf(g->province, sizeof g->province, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
        g->confirmed = db_col_int(s, 4) != 0;
        a->ngrants++;
    }
    db_done(s);
    return 0;
}

/* A hash to verify against when the username is unknown, so that both answers take as long. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static void make_dummy_hash(void) {
    if (password_hash("no such user: dummy password", dummy_hash, sizeof dummy_hash)) dummy_hash[0] = 0;
}

int auth_login(Db *db, const char *username, const char *password, const char *remote, Auth *a,
               int *retry_after, Err *e) {
    *retry_after = 0;
    if (strlen(username) > USERNAME_MAX || strlen(password) > PASSWORD_MAX_BYTES)
        return err_set(e, 400, strlen(username) > USERNAME_MAX ? "username" : "password",
                       "%s is too long", strlen(username) > USERNAME_MAX ? "the username" : "the password");
    char name[USERNAME_MAX + 1], ukey[USERNAME_MAX + 8], akey[80];
    lower_copy(name, sizeof name, username);
    snprintf(ukey, sizeof ukey, "user:%s", name);
    snprintf(akey, sizeof akey, "addr:%s", remote && *remote ? remote : "-");
    int64_t wait_u = throttle_locked(db, ukey), wait_a = throttle_locked(db, akey);
    if (wait_u || wait_a) {
        *retry_after = (int)(wait_u > wait_a ? wait_u : wait_a);
        return err_set(e, 429, "", "too many failed sign-ins %s; try again in %d s",
                       wait_u ? "for this account" : "from this address", *retry_after);
    }
    Stmt *s = db_prepare(db, "SELECT id, username, pw_hash, status FROM users WHERE username = ?");
    db_bind_text(s, 1, name);
    int64_t id = 0;
    char hash[crypto_pwhash_STRBYTES] = "", status[16] = "";
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0);
        snprintf(a->username, sizeof a->username, "%s", db_col_text(s, 1));
        snprintf(hash, sizeof hash, "%s", db_col_text(s, 2));
        snprintf(status, sizeof status, "%s", db_col_text(s, 3));
    }
    db_done(s);
    int ok;
    if (id) {
        ok = password_check(hash, password);
    } else {
        static pthread_once_t once = PTHREAD_ONCE_INIT;
        pthread_once(&once, make_dummy_hash);
        ok = password_check(dummy_hash, password) < 0 ? -1 : 0;
    }
    if (ok < 0) return hashing_busy(retry_after, e);
    if (!ok) {
        count_failure(db, ukey, akey);
        log_warn("sign-in failed user=%s remote=%s", name, remote ? remote : "-");
        return err_set(e, 401, "", "wrong username or password");
    }
    if (strcmp(status, "active") != 0) {
        log_warn("sign-in refused user=%s remote=%s reason=disabled", name, remote ? remote : "-");
        return err_set(e, 403, "", "this account is disabled; ask your administrator");
    }
    a->user_id = id;
    auth_load_grants(db, a, e);
    char ts[32];
    ts_now(ts);
    if (db_begin(db, e)) return -1;
    throttle_clear(db, ukey);
    s = db_prepare(db, "UPDATE users SET last_login_at = ? WHERE id = ?");
    db_bind_text(s, 1, ts);
    db_bind_int(s, 2, id);
    db_step(s);
    db_done(s);
    Actor who = actor_user(a, remote);
    char idtxt[24];
    snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
    if (audit_append(db, &who, "login", "users", idtxt, NULL, NULL, NULL, e) || db_commit(db, e)) {
        db_rollback(db);
        return -1;
    }
    return 0;
}

int session_create(Db *db, Auth *a, const char *remote, const char *user_agent, char *secret, size_t n, Err *e) {
    random_b64(secret, n, 32);
    sha256_hex(secret, a->session);
    random_b64(a->csrf, sizeof a->csrf, 24);
    a->via = AUTH_SESSION;
    int64_t now = now_s();
    Stmt *s = db_prepare(db, "INSERT INTO sessions (hash, user_id, csrf, created, last_seen, remote, user_agent) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)");
    db_bind_text(s, 1, a->session);
    db_bind_int(s, 2, a->user_id);
    db_bind_text(s, 3, a->csrf);
    db_bind_int(s, 4, now);
    db_bind_int(s, 5, now);
    db_bind_text(s, 6, remote);
    char ua[201];
    snprintf(ua, sizeof ua, "%s", user_agent ? user_agent : "");
    db_bind_text(s, 7, ua);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return err_set(e, 500, "", "cannot store the session: %s", db_errmsg(db));
    /* Forget sessions that have ended without a logout (their cookie would be refused anyway). */
    s = db_prepare(db, "DELETE FROM sessions WHERE created <= ? OR last_seen <= ?");
    db_bind_int(s, 1, now - auth_config.absolute_s);
    db_bind_int(s, 2, now - auth_config.idle_s);
    db_step(s);
    db_done(s);
    return 0;
}

/* Delete a session; without wait, only when no other connection is writing. */
static void session_remove(Db *db, const char *hash, bool wait) {
    Stmt *s = db_prepare(db, "DELETE FROM sessions WHERE hash = ?");
    db_bind_text(s, 1, hash);
    if (wait) db_step(s);
    else db_step_nowait(s);
    db_done(s);
}

int session_load(Db *db, const char *secret, Auth *a, Err *e) {
    memset(a, 0, sizeof *a);
    if (strlen(secret) != 43) return err_set(e, 401, "", "the session cookie is malformed; sign in again");
    sha256_hex(secret, a->session);
    Stmt *s = db_prepare(db, "SELECT s.user_id, s.csrf, s.created, s.last_seen, u.username, u.status "
                             "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?");
    db_bind_text(s, 1, a->session);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 401, "", "the session has ended or never existed; sign in again");
    }
    a->user_id = db_col_int(s, 0);
    snprintf(a->csrf, sizeof a->csrf, "%s", db_col_text(s, 1));
    int64_t created = db_col_int(s, 2), last = db_col_int(s, 3);
    snprintf(a->username, sizeof a->username, "%s", db_col_text(s, 4));
    bool active = str_eq(db_col_text(s, 5), "active");
    db_done(s);
    int64_t now = now_s();
    const char *why = NULL;
    if (!active) why = "the account is disabled";
    else if (now - created >= auth_config.absolute_s) why = "the session reached its maximum length";
    else if (now - last >= auth_config.idle_s) why = "the session was idle too long";
    if (why) {
        session_remove(db, a->session, false); /* refused anyway: a later request may remove it */
        return err_set(e, 401, "", "%s; sign in again", why);
    }
    /* Record activity, at most once a minute (or a tenth of the idle limit, when shorter). */
    int64_t step = auth_config.idle_s / 10 < 60 ? auth_config.idle_s / 10 : 60;
    if (now - last >= step) {
        /* Bookkeeping never makes a request wait: skipped while another connection writes
        ** (the next request within the minute tries again). */
        s = db_prepare(db, "UPDATE sessions SET last_seen = ? WHERE hash = ?");
        db_bind_int(s, 1, now);
        db_bind_text(s, 2, a->session);
        db_step_nowait(s);
        db_done(s);
    }
    a->via = AUTH_SESSION;
    return auth_load_grants(db, a, e);
}

int session_delete(Db *db, const char *session_hash) {
    session_remove(db, session_hash, true);
    return db_changes(db);
}

int session_delete_all(Db *db, int64_t user_id) {
    Stmt *s = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?");
    db_bind_int(s, 1, user_id);
    db_step(s);
    db_done(s);
    return db_changes(db);
}

int token_load(Db *db, const char *token, Auth *a, Err *e) {
    memset(a, 0, sizeof *a);
    if (strlen(token) != 48 || !str_has_prefix(token, "ocop_"))
        return err_set(e, 401, "Authorization", "the bearer token is malformed (ocop tokens start with 'ocop_')");
    char hash[65];
    sha256_hex(token, hash);
    Stmt *s = db_prepare(db, "SELECT t.id, t.user_id, t.scope, t.expires, t.revoked, t.last_used, u.username, u.status "
                             "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?");
    db_bind_text(s, 1, hash);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 401, "Authorization", "unknown token");
    }
    a->token_id = db_col_int(s, 0);
    a->user_id = db_col_int(s, 1);
    a->read_only = !str_eq(db_col_text(s, 2), "write");
    int64_t expires = db_col_int(s, 3), revoked = db_col_null(s, 4) ? 0 : db_col_int(s, 4);
    int64_t last_used = db_col_null(s, 5) ? 0 : db_col_int(s, 5);
    snprintf(a->username, sizeof a->username, "%s", db_col_text(s, 6));
    bool active = str_eq(db_col_text(s, 7), "active");
    db_done(s);
    char when[24];
    int64_t now = now_s();
    if (revoked) {
        fmt_time(revoked, when);
        return err_set(e, 401, "Authorization", "the token was revoked at %s", when);
    }
    if (now >= expires) {
        fmt_time(expires, when);
        return err_set(e, 401, "Authorization", "the token expired at %s", when);
    }
    if (!active) return err_set(e, 401, "Authorization", "the token's account is disabled");
    if (now - last_used >= 3600) {
        s = db_prepare(db, "UPDATE api_tokens SET last_used = ? WHERE id = ?");
        db_bind_int(s, 1, now);
        db_bind_int(s, 2, a->token_id);
        db_step_nowait(s); /* skipped while another connection writes, as a session's last use */
        db_done(s);
    }
    a->via = AUTH_TOKEN;
    return auth_load_grants(db, a, e);
}
