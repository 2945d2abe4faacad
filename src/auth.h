/*
** auth.h: who is asking and what they may do. Users hold roles, each scoped to a place or an
** object (a province, a commune, a council, a producer); permissions are named per kind of
** action; the route table (route.c) declares the permission of every route and route_admit
** checks it, and the scope of the object, before any handler runs.
**
** Credentials: passwords hashed with argon2id (libsodium crypto_pwhash_str); sessions and API
** tokens are 32 random bytes shown once to the client and stored as their SHA-256 only.
**
** Out-of-scope objects: an object outside the caller's scope answers 404, exactly as if it did
** not exist, for every method (ids cannot be probed). 401: no valid credentials. 403: the
** caller's roles do not allow this kind of action at all, or the target place of a new or
** moved record is outside the caller's scope (the error names the field).
*/
#ifndef OCOP_AUTH_H
#define OCOP_AUTH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "err.h"

typedef enum Role {
    ROLE_ADMIN,             /* system administrator; scope: none */
    ROLE_PROVINCE,          /* provincial OCOP office; scope: province code (2025 geography) */
    ROLE_COMMUNE,           /* commune officer; scope: commune code (2025 geography) */
    ROLE_COUNCIL_CHAIR,     /* scope: council id */
    ROLE_COUNCIL_MEMBER,
    ROLE_COUNCIL_SECRETARY,
    ROLE_PRODUCER,          /* scope: producer id; unconfirmed until a commune officer confirms */
    ROLE_MINISTRY,          /* the Ministry's OCOP officer (5★, QĐ 26/2026 Điều 4.1.b); scope: none,
                            ** reaches the Ministry's records only (Place.ministry) */
    ROLE_COUNT
} Role;

/* Kinds of action. route.c names one per route ("public" needs none). */
typedef enum Perm {
    PERM_PUBLIC,
    PERM_LOGIN,             /* any signed-in user: own account, sessions, tokens */
    PERM_PRODUCERS_CREATE, PERM_PRODUCERS_UPDATE, PERM_PRODUCERS_DELETE,
    PERM_PRODUCTS_CREATE, PERM_PRODUCTS_UPDATE, PERM_PRODUCTS_DELETE,
    PERM_RECOGNITIONS_WRITE,
    PERM_VILLAGES_WRITE,
    PERM_POINTS_WRITE,
    PERM_COUNCILS_WRITE,
    PERM_IMPORT,
    PERM_USERS_READ,        /* list and read users within one's scope */
    PERM_USERS_MANAGE,      /* create users, grant and revoke roles, disable, reset passwords */
    PERM_USERS_CONFIRM,     /* confirm a producer's self-registered account */
    PERM_AUDIT_READ,
    PERM_DOSSIERS_READ,     /* evaluation dossiers within one's scope (not public) */
    PERM_DOSSIERS_WRITE,    /* create and edit drafts, self-assessment, evidence, commune report */
    PERM_DOSSIERS_ACT,      /* move a dossier through the procedure (each step names its roles) */
    PERM_ROUNDS_WRITE,      /* the province's evaluation rounds */
    PERM_SCORES_WRITE,      /* council: score, declare conflicts, re-score, close (by position) */
    PERM_DECISIONS_WRITE,   /* recognition decisions and revocations: the province's (its officers)
                            ** and the Ministry's (its officers, administrators); decision.c checks the level */
    PERM_ADMIN,             /* whole-system operations: metrics, audit verification */
    PERM_PRODUCERS_PERSONAL, /* read, filter and sort the personal data of a producer's legal
                            ** representative and contacts (Decree 13/2023/NĐ-CP): officers in their
                            ** scope, a producer for its own record */
    PERM_PLANS_WRITE,       /* plans, their targets and tasks: a province's (its officers), the
                            ** country's (the Ministry's officers), any (administrators) */
    PERM_COUNT
} Perm;

const char *role_name(Role r);          /* "admin", "province", ... */
const char *role_label_vi(Role r);      /* "Quản trị hệ thống", ... */
const char *role_label_en(Role r);      /* "System administrator", ... */
int role_parse(const char *s);          /* -1 when unknown */
const char *perm_name(Perm p);
int perm_parse(const char *s);          /* -1 when unknown */
/* Does the role carry the permission (somewhere in its scope)? */
bool role_has(Role r, Perm p);

/* Where a record lives, for scope checks. Empty strings / 0 when not applicable. */
typedef struct Place {
    char commune[16];   /* 2025 commune code */
    char province[8];   /* 2025 province code (derived from commune when empty) */
    int64_t producer_id;
    int64_t council_id;
    int64_t council_id2;  /* a second council that handled it (the province's, once the Ministry's has it) */
    bool ministry;        /* the Ministry's: its councils and rounds, a dossier sent to it, a 5★ decision */
} Place;

/* Fill p->province from p->commune (units in force, 2025 geography) when it is empty. */
void place_resolve(Db *db, Place *p);

typedef struct Grant {
    int64_t id;
    Role role;
    char scope[24];     /* province/commune code, council or producer id; "" for admin */
    char province[8];   /* the province the scope lies in ("" for admin) */
    bool confirmed;     /* producer roles: confirmed by a commune officer */
} Grant;

enum { AUTH_NONE, AUTH_SESSION, AUTH_TOKEN };

/* An authenticated caller. */
typedef struct Auth {
    int64_t user_id;
    char username[64];
    int via;              /* AUTH_SESSION or AUTH_TOKEN */
    bool read_only;       /* a token with scope "read" */
    int64_t token_id;
    char session[65];     /* SHA-256 (hex) of the session secret */
    char csrf[48];        /* the session's CSRF token */
    int ngrants;
    Grant grants[16];
} Auth;

/* Who acts: every domain function that reads what is not public or writes anything takes one,
** and refuses by default.
**   ACTOR_SYSTEM     the command line and the server's own jobs (the daily lifecycle run): may
**                    do everything. Made only by actor_system (cli.h): test_actor checks that no
**                    file of src/ outside the command line makes one.
**   ACTOR_USER       a signed-in user: what its roles allow, where their scopes reach.
**   ACTOR_ANONYMOUS  a request without credentials: only what is public (reads of public
**                    records), and the one public write, a producer's self-registration
**                    (user_register).
** The zero value is ACTOR_ANONYMOUS, so an Actor that no constructor made (zero-initialised,
** or a user without its Auth) may do nothing that is not public: "no actor" never means
** "everything". A NULL Actor pointer counts as anonymous. */
typedef enum ActorKind { ACTOR_ANONYMOUS = 0, ACTOR_USER, ACTOR_SYSTEM } ActorKind;

typedef struct Actor {
    ActorKind kind;
    int64_t user_id;      /* ACTOR_USER: the user; 0 otherwise */
    const char *username; /* the user's; "cli:<login name>" or "system:<job>" for the system; "anonymous" */
    const char *remote;   /* client address, or "local" */
    const Auth *auth;     /* ACTOR_USER: its roles (not owned); NULL otherwise */
} Actor;

/* An anonymous caller from remote (not copied: it must outlive the Actor). */
Actor actor_anonymous(const char *remote);
/* The signed-in user a (its id and username; a and remote are not copied). */
Actor actor_user(const Auth *a, const char *remote);

/* Is who the system (the command line, a job of ocop serve)? */
bool actor_is_system(const Actor *who);
/* The roles of a signed-in user; NULL for the system and for anonymous callers. */
const Auth *actor_auth(const Actor *who);
/* The id of a signed-in user; 0 for the system and for anonymous callers. */
int64_t actor_user_id(const Actor *who);
/* May who do p somewhere (the system: yes; a user: one of its roles allows it; anonymous:
** only PERM_PUBLIC)? */
bool actor_can(const Actor *who, Perm p);
/* May who do p on a record at place (the system: yes; a user: one of its roles, counting only
** the roles in role_mask (bit 1 << ROLE_x), allows it there; anonymous: only PERM_PUBLIC)? */
bool actor_covers(const Actor *who, Perm p, const Place *place);
bool actor_covers_roles(const Actor *who, unsigned role_mask, Perm p, const Place *place);
/* 0 when who may act beyond what is public (the system, a signed-in user); else -1 with 401 in
** e: the first check of every domain function that writes. */
int actor_require(const Actor *who, Err *e);

/* Does grant g allow p (its role's permissions, a producer's confirmation considered)? */
bool auth_grant_allows(const Grant *g, Perm p);
/* Does any role of a allow p at all? (NULL auth: only PERM_PUBLIC.) Domain code asks actor_can. */
bool auth_can(const Auth *a, Perm p);
/* Does a hold a role among role_mask (bits 1 << ROLE_x), confirmed or not? (NULL: no.) */
bool auth_has_role(const Auth *a, unsigned role_mask);
/* Does some role of a allow p on a record at place? (NULL auth: never.) Domain code asks
** actor_covers. */
bool auth_covers(const Auth *a, Perm p, const Place *place);
/* The same, counting only the roles in role_mask (bit 1 << ROLE_x). */
bool auth_covers_roles(const Auth *a, unsigned role_mask, Perm p, const Place *place);
/* The provinces in which a holds p: -1 when unrestricted (admin), else the count written to
** out (codes, each up to 7 bytes). */
int auth_provinces(const Auth *a, Perm p, char out[][8], int max);

/* The one province in which a holds p (a province officer's, or the province of a commune
** officer's commune), written to out; NULL when a holds p in several or everywhere. */
const char *auth_single_province(const Auth *a, Perm p, char out[8]);

/* ---- credentials ------------------------------------------------------------------------- */

/* Password policy: NULL when acceptable, else a message in English. */
const char *password_problem(const char *password, const char *username);
/* argon2id hash string into out (crypto_pwhash_STRBYTES). -1 when out of memory. */
int password_hash(const char *password, char *out, size_t n);
bool password_verify(const char *hash, const char *password);
/* Re-authentication of a signed-in user (changing its password): 0 when password is the
** current one; 422 (field current_password) when not, counted like a failed sign-in; 429 with
** *retry_after while the account is locked. */
int auth_reauth(Db *db, const Auth *a, const char *password, const char *remote, int *retry_after, Err *e);
/* A rate limit on key (e.g. "register:ADDRESS"): auth_rate_check answers 429 with
** *retry_after while the key is locked; auth_rate_count counts one event, locking the key for
** base seconds (doubling) once `after` events happened within an hour. */
int auth_rate_check(Db *db, const char *key, int *retry_after, Err *e);
void auth_rate_count(Db *db, const char *key, int after, int base);

/* Session lifetimes in seconds (serve options; defaults 30 min idle, 12 h absolute). */
typedef struct AuthConfig {
    int idle_s, absolute_s;
    bool trust_proxy;     /* honour X-Forwarded-Proto: https for the Secure cookie flag */
} AuthConfig;
extern AuthConfig auth_config;

#define SESSION_COOKIE "ocop_session"

/* Verify a username and password; on success fill a (roles loaded). Throttling: too many
** failures for the account or the address answer 429 with *retry_after seconds. A wrong
** username or password answers 401 with one message for both. Writes the throttle rows and,
** on success, the audit entry of the login; the caller holds no transaction. */
int auth_login(Db *db, const char *username, const char *password, const char *remote, Auth *a,
               int *retry_after, Err *e);
/* Create a session for a: the secret to send as the cookie (43 base64url characters) into
** secret; a->session and a->csrf are set. */
int session_create(Db *db, Auth *a, const char *remote, const char *user_agent, char *secret, size_t n, Err *e);
/* Load the session of a cookie value: 0 and a filled; -1 with e (401) when unknown, expired
** (idle or absolute) or the user disabled. Refreshes last use at most once a minute. */
int session_load(Db *db, const char *secret, Auth *a, Err *e);
int session_delete(Db *db, const char *session_hash);
/* Log out everywhere: every session of the user; returns how many. */
int session_delete_all(Db *db, int64_t user_id);
/* Load the bearer token: 0 and a filled; -1 with e (401) when unknown, expired or revoked. */
int token_load(Db *db, const char *token, Auth *a, Err *e);
/* Load a's roles (after the user id is known). */
int auth_load_grants(Db *db, Auth *a, Err *e);

/* ---- users, roles, tokens: shared by the API and the command line -------------------------- */

/* A user as JSON: id, username, full_name, email, phone, status, created_at, last_login_at,
** roles [{id, role, scope, province, confirmed, label}]. NULL (404 in e) when there is none. */
json_t *user_get(Db *db, int64_t id, Err *e);
int64_t user_id_by_name(Db *db, const char *username);

/* Create from {username, password, full_name?, email?, phone?, roles?: [{role, scope}]}.
** who may create only users whose roles it may grant. */
int user_create(Db *db, const Actor *who, json_t *in, int64_t *id, Err *e);
/* Producer self-registration: {username, password, full_name?, email?, phone?, producer: {...}}
** creates the producer record and an unconfirmed producer role. */
int user_register(Db *db, const Actor *who, Arena *arena, json_t *in, int64_t *id, Err *e);
/* Patch full_name, email, phone, status ("active"/"disabled"). Disabling ends the sessions. */
int user_update(Db *db, const Actor *who, int64_t id, json_t *patch, Err *e);
/* Set id's password: ends its sessions (except who's own); a reset by someone else also
** revokes its API tokens, their number in *tokens_revoked (may be NULL). */
int user_set_password(Db *db, const Actor *who, int64_t id, const char *password, int64_t *tokens_revoked, Err *e);
/* Grant role:scope to user id; agency (may be NULL): for council roles, the agency the member
** comes from (shown in the council and the minutes). */
int user_grant(Db *db, const Actor *who, int64_t id, const char *role, const char *scope, const char *agency,
               int64_t *grant_id, Err *e);
int user_revoke(Db *db, const Actor *who, int64_t id, int64_t grant_id, Err *e);
/* Confirm the user's producer roles that lie in who's scope. */
int user_confirm(Db *db, const Actor *who, int64_t id, Err *e);
/* Can who see user id (a user is visible to a province officer when one of its roles lies in
** the province; admins see all; everyone sees themselves)? */
bool user_visible(Db *db, const Actor *who, int64_t id);

typedef struct UserQuery {
    const char *q;        /* username or name contains (diacritics ignored) */
    const char *role;     /* holds this role */
    const char *status;
    const char *province; /* restrict to users with a role in this province */
    const char *sort;     /* USER_SORTS: "username" (NULL: the default), "name", "-created", "-last_login" */
    int64_t limit, offset;
} UserQuery;
/* The orders of user_list, as route parameters declare them. */
#define USER_SORTS "username|name|-created|-last_login"
/* Users visible to who, matching q; items (new array) and the total. */
int user_list(Db *db, const Actor *who, const UserQuery *q, json_t **items, int64_t *total, Err *e);

/* Create an API token for user_id: scope "read" or "write", valid days (1..366). The secret
** (shown once) goes to secret. */
int token_create(Db *db, const Actor *who, int64_t user_id, const char *name, const char *scope, int days,
                 char *secret, size_t n, int64_t *id, Err *e);
/* Tokens of user_id (0: all users) without secrets. */
json_t *token_list(Db *db, int64_t user_id);
/* Revoke token id; only its owner or an administrator (the system counts). */
int token_revoke(Db *db, const Actor *who, int64_t id, Err *e);

#endif
