/*
** user.c: users, their roles and API tokens (see auth.h), shared by the API and the command
** line. Every function here checks what `who` may do (auth.h: the system anything, a user what
** its roles allow, an anonymous caller nothing but registering itself) and runs its own write
** transaction, so that slow password hashing happens before the write lock is taken and every
** change is in the audit trail with it.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auth.h"
#include "entity.h"
#include "text.h"
#include "unit.h"
#include "util.h"

enum { USERNAME_MIN = 3, USERNAME_MAX = 32 };

static bool is_admin(const Actor *who) { return actor_can(who, PERM_ADMIN); }

/* Normalise a username into out (lower case); NULL when acceptable, else the problem. */
static const char *username_problem(const char *in, char out[USERNAME_MAX + 1]) {
    size_t n = strlen(in);
    if (n < USERNAME_MIN || n > USERNAME_MAX) return N_("a username has 3 to 32 characters");
    for (size_t i = 0; i < n; i++) {
        char c = in[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok) return N_("a username uses only letters a-z, digits and . _ - (not first), without diacritics");
        out[i] = c;
    }
    out[n] = 0;
    return NULL;
}

static const char *jtext(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Check the optional profile fields of in; problems go to e naming the field. */
static int check_profile(json_t *in, Err *e) {
    static const char *const keys[] = {"full_name", "email", "phone"};
    for (size_t i = 0; i < COUNT(keys); i++) {
        json_t *v = json_object_get(in, keys[i]);
        if (!v || json_is_null(v)) continue;
        if (!json_is_string(v)) return err_set(e, 422, keys[i], "%s must be text", keys[i]);
        const char *s = json_string_value(v);
        if (strlen(s) > 200) return err_set(e, 422, keys[i], "%s is longer than 200 bytes", keys[i]);
        if (!text_utf8_valid(s, strlen(s), NULL)) return err_set(e, 422, keys[i], "%s is not valid UTF-8", keys[i]);
        if (i == 1 && *s && (!strchr(s, '@') || strchr(s, ' ')))
            return err_set(e, 422, "email", "%s must be an address like name@example.vn", "email");
    }
    return 0;
}

/* ---- scopes of roles ------------------------------------------------------------------------ */

/* Validate the scope of a role and find where it lies. canon receives the stored scope. */
static int scope_place(Db *db, Role role, const char *scope, Place *p, char canon[24], Err *e) {
    memset(p, 0, sizeof *p);
    scope = scope ? scope : "";
    snprintf(canon, 24, "%s", scope);
    int64_t id = 0;
    switch (role) {
    case ROLE_ADMIN:
        if (*scope) return err_set(e, 422, "scope", "the admin role has no scope (got '%s')", scope);
        return 0;
    case ROLE_MINISTRY:
        if (*scope) return err_set(e, 422, "scope", "the ministry role has no scope (got '%s')", scope);
        p->ministry = true;
        return 0;
    case ROLE_PROVINCE:
        if (!*scope || strlen(scope) > 3 ||
            db_int1(db, "SELECT count(*) FROM units WHERE code = ? AND geo = '2025' AND level = 'province' "
                        "AND valid_to IS NULL", scope) == 0)
            return err_set(e, 422, "scope", "a province role needs the code of a province in force (2025 geography), e.g. province:80; got '%s'", scope);
        snprintf(p->province, sizeof p->province, "%s", scope);
        return 0;
    case ROLE_COMMUNE: {
        char c[8];
        if (!unit_is_commune_2025(db, scope, c))
            return err_set(e, 422, "scope", "a commune role needs the code of a commune in force (2025 geography), e.g. commune:28903 (xã Mỏ Cày); got '%s'", scope);
        snprintf(canon, 24, "%s", c);
        snprintf(p->commune, sizeof p->commune, "%s", c);
        place_resolve(db, p);
        return 0;
    }
    case ROLE_PRODUCER: {
        if (!parse_i64(scope, &id) || id <= 0) return err_set(e, 422, "scope", "a producer role needs a producer id, e.g. producer:12; got '%s'", scope);
        Stmt *s = db_prepare(db, "SELECT commune_code FROM producers WHERE id = ?");
        db_bind_int(s, 1, id);
        bool found = db_step(s) == DB_ROW;
        if (found) snprintf(p->commune, sizeof p->commune, "%s", db_col_text(s, 0));
        db_done(s);
        if (!found) return err_set(e, 422, "scope", "there is no producer %lld", (long long)id);
        p->producer_id = id;
        place_resolve(db, p);
        return 0;
    }
    default: {
        if (!parse_i64(scope, &id) || id <= 0) return err_set(e, 422, "scope", "a council role needs a council id, e.g. council_member:3; got '%s'", scope);
        Stmt *s = db_prepare(db, "SELECT province_code FROM councils WHERE id = ?");
        db_bind_int(s, 1, id);
        bool found = db_step(s) == DB_ROW;
        if (found && db_col_text(s, 0)) snprintf(p->province, sizeof p->province, "%s", db_col_text(s, 0));
        db_done(s);
        if (!found) return err_set(e, 422, "scope", "there is no council %lld", (long long)id);
        p->council_id = id;
        return 0;
    }
    }
}

/* May who grant (or revoke) role at place? 403 naming why not. */
static int may_grant(const Actor *who, Role role, const Place *p, Err *e) {
    if (is_admin(who)) return 0;
    if (role == ROLE_ADMIN || role == ROLE_MINISTRY)
        return err_set(e, 403, "role", "only an administrator may grant or revoke the %s role", role_name(role));
    if (!actor_covers(who, PERM_USERS_MANAGE, p))
        return err_set(e, 403, "scope", "you may grant and revoke roles only within your own province");
    return 0;
}

/* The place of grant id of a user (for visibility). */
static void grant_place(Db *db, const char *role, const char *scope, Place *p) {
    char canon[24];
    Err e = ERR_INIT;
    int r = role_parse(role);
    if (r < 0 || scope_place(db, (Role)r, scope, p, canon, &e)) memset(p, 0, sizeof *p);
}

/* Does some role of user id lie where who holds perm? */
static bool user_reached(Db *db, const Actor *who, int64_t id, Perm perm, bool all) {
    Stmt *s = db_prepare(db, "SELECT role, scope FROM user_roles WHERE user_id = ?");
    db_bind_int(s, 1, id);
    typedef struct { char role[24], scope[24]; } R;
    R rs[32];
    int n = 0;
    while (db_step(s) == DB_ROW && n < (int)COUNT(rs)) {
        snprintf(rs[n].role, sizeof rs[n].role, "%s", db_col_text(s, 0));
        snprintf(rs[n].scope, sizeof rs[n].scope, "%s", db_col_text(s, 1));
        n++;
    }
    db_done(s);
    int reached = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(rs[i].role, "admin") == 0) {
            if (all) return false;
            continue;
        }
        Place p;
        grant_place(db, rs[i].role, rs[i].scope, &p);
        if (actor_covers(who, perm, &p)) reached++;
        else if (all) return false;
    }
    return all ? reached > 0 : reached > 0;
}

static bool user_exists(Db *db, int64_t id) {
    Stmt *s = db_prepare(db, "SELECT 1 FROM users WHERE id = ?");
    db_bind_int(s, 1, id);
    bool found = db_step(s) == DB_ROW;
    db_done(s);
    return found;
}

bool user_visible(Db *db, const Actor *who, int64_t id) {
    if (!user_exists(db, id)) return false;
    if (is_admin(who) || actor_user_id(who) == id) return true;
    return user_reached(db, who, id, PERM_USERS_READ, false);
}

/* May who change the account id (profile, status, password)? Administrators may; province
** officers may when every role of the user lies in their province. 404 when who cannot even
** see the user, 403 when it can but may not change it. */
static int may_manage(Db *db, const Actor *who, int64_t id, Err *e) {
    if (actor_require(who, e)) return -1;
    if (!user_visible(db, who, id)) return err_set(e, 404, "id", "no user %lld", (long long)id);
    if (is_admin(who)) return 0;
    if (!user_reached(db, who, id, PERM_USERS_MANAGE, true))
        return err_set(e, 403, "", "you may change only accounts whose roles all lie within your province");
    return 0;
}

/* ---- reading -------------------------------------------------------------------------------- */

static json_t *roles_json(Db *db, int64_t id) {
    json_t *arr = json_array();
    Stmt *s = db_prepare(db, "SELECT id, role, scope, province, confirmed, granted_by, granted_at, agency FROM user_roles "
                             "WHERE user_id = ? ORDER BY id");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        int r = role_parse(db_col_text(s, 1));
        json_t *o = json_pack("{sI ss ss ss sb ss* ss}", "id", (json_int_t)db_col_int(s, 0), "role", db_col_text(s, 1),
                              "scope", db_col_text(s, 2), "province", db_col_text(s, 3), "confirmed",
                              (int)db_col_int(s, 4), "granted_by", db_col_text(s, 5), "granted_at", db_col_text(s, 6));
        json_object_set_new(o, "label", json_string(r >= 0 ? role_label_vi((Role)r) : ""));
        if (!db_col_null(s, 7)) json_object_set_new(o, "agency", json_string(db_col_text(s, 7)));
        json_array_append_new(arr, o);
    }
    db_done(s);
    return arr;
}

static json_t *user_row_json(Db *db, Stmt *s) {
    int64_t id = db_col_int(s, 0);
    json_t *o = json_pack("{sI ss s:s? s:s? s:s? ss ss s:s? ss}", "id", (json_int_t)id, "username", db_col_text(s, 1),
                          "full_name", db_col_text(s, 2), "email", db_col_text(s, 3), "phone", db_col_text(s, 4),
                          "status", db_col_text(s, 5), "created_at", db_col_text(s, 6), "last_login_at",
                          db_col_text(s, 7), "updated_at", db_col_text(s, 8));
    json_object_set_new(o, "roles", roles_json(db, id));
    return o;
}

#define USER_COLS "u.id, u.username, u.full_name, u.email, u.phone, u.status, u.created_at, u.last_login_at, u.updated_at"

json_t *user_get(Db *db, int64_t id, Err *e) {
    Stmt *s = db_prepare(db, "SELECT " USER_COLS " FROM users u WHERE u.id = ?");
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? user_row_json(db, s) : NULL;
    db_done(s);
    if (!o) err_set(e, 404, "id", "no user %lld", (long long)id);
    return o;
}

int64_t user_id_by_name(Db *db, const char *username) {
    char name[USERNAME_MAX + 1];
    if (username_problem(username, name)) return 0;
    Stmt *s = db_prepare(db, "SELECT id FROM users WHERE username = ?");
    db_bind_text(s, 1, name);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

/* The ORDER BY of a user_list sort (USER_SORTS), or NULL when it is not one. */
static const char *user_order(const char *sort) {
    static const struct {
        const char *name, *sql;
    } orders[] = {
        {"username", "u.username"},
        {"name", "u.full_name IS NULL, u.full_name, u.username"},
        {"-created", "u.created_at DESC, u.id DESC"},
        {"-last_login", "u.last_login_at IS NULL, u.last_login_at DESC, u.username"},
    };
    for (size_t i = 0; i < COUNT(orders); i++)
        if (str_eq(sort ? sort : "username", orders[i].name)) return orders[i].sql;
    return NULL;
}

int user_list(Db *db, const Actor *who, const UserQuery *q, json_t **items, int64_t *total, Err *e) {
    const char *order = user_order(q->sort && *q->sort ? q->sort : NULL);
    if (!order) return err_set(e, 400, "sort", "%s must be one of: %s", "sort", USER_SORTS);
    if (actor_require(who, e)) return -1;
    Buf where = BUF_INIT;
    const char *binds[64];
    int nb = 0;
    buf_puts(&where, " WHERE 1=1");
    Buf fold = BUF_INIT;
    char pat[256], upat[256];
    if (q->q && *q->q) {
        /* Folded text holds only letters, digits and spaces: nothing LIKE treats specially. The
        ** username is matched as typed (lower case), with LIKE's own characters escaped. */
        text_fold(&fold, q->q, strlen(q->q));
        snprintf(pat, sizeof pat, "%%%s%%", buf_str(&fold));
        size_t k = 0;
        upat[k++] = '%';
        for (const char *c = q->q; *c && k + 4 < sizeof upat; c++) {
            if (*c == '%' || *c == '_' || *c == '\\') upat[k++] = '\\';
            upat[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        }
        upat[k++] = '%';
        upat[k] = 0;
        buf_puts(&where, " AND (u.username LIKE ? ESCAPE '\\' OR u.full_name_fold LIKE ?)");
        binds[nb++] = upat;
        binds[nb++] = pat;
    }
    if (q->role) {
        if (role_parse(q->role) < 0) {
            buf_free(&where);
            buf_free(&fold);
            return err_set(e, 400, "role", "unknown role '%s'", q->role);
        }
        buf_puts(&where, " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)");
        binds[nb++] = q->role;
    }
    if (q->status) {
        if (strcmp(q->status, "active") != 0 && strcmp(q->status, "disabled") != 0) {
            buf_free(&where);
            buf_free(&fold);
            return err_set(e, 400, "status", "%s must be active or disabled", "status");
        }
        buf_puts(&where, " AND u.status = ?");
        binds[nb++] = q->status;
    }
    if (q->province) {
        buf_puts(&where, " AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.province = ?)");
        binds[nb++] = q->province;
    }
    char self[24];
    if (!is_admin(who)) {
        /* Users with a role in one of the caller's provinces or communes, and the caller. */
        buf_puts(&where, " AND (u.id = ?");
        snprintf(self, sizeof self, "%lld", (long long)actor_user_id(who));
        binds[nb++] = self;
        const Auth *a = actor_auth(who);
        for (int i = 0; i < a->ngrants && nb < 60; i++) {
            const Grant *g = &a->grants[i];
            if (!role_has(g->role, PERM_USERS_READ)) continue;
            if (g->role == ROLE_PROVINCE) {
                buf_puts(&where, " OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.province = ?)");
                binds[nb++] = g->scope;
            } else if (g->role == ROLE_COMMUNE) {
                buf_puts(&where, " OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND "
                                 "((r.role = 'commune' AND r.scope = ?) OR (r.role = 'producer' AND r.scope IN "
                                 "(SELECT CAST(id AS TEXT) FROM producers WHERE commune_code = ?))))");
                binds[nb++] = g->scope;
                binds[nb++] = g->scope;
            }
        }
        buf_puts(&where, ")");
    }
    Buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT count(*) FROM users u%s", where.p);
    Stmt *s = db_prepare(db, sql.p);
    for (int i = 0; i < nb; i++) db_bind_text(s, i + 1, binds[i]);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    buf_reset(&sql);
    buf_printf(&sql, "SELECT " USER_COLS " FROM users u%s ORDER BY %s LIMIT ? OFFSET ?", where.p, order);
    s = db_prepare(db, sql.p);
    for (int i = 0; i < nb; i++) db_bind_text(s, i + 1, binds[i]);
    db_bind_int(s, nb + 1, q->limit);
    db_bind_int(s, nb + 2, q->offset);
    *items = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(*items, user_row_json(db, s));
    db_done(s);
    buf_free(&sql);
    buf_free(&where);
    buf_free(&fold);
    return 0;
}

/* ---- writing -------------------------------------------------------------------------------- */

/* The province an entry about user id belongs to (its first role that lies in one), or NULL. */
static const char *user_province(Db *db, int64_t id, char out[8]) {
    Stmt *s = db_prepare(db, "SELECT province FROM user_roles WHERE user_id = ? AND province <> '' ORDER BY id LIMIT 1");
    db_bind_int(s, 1, id);
    out[0] = 0;
    if (db_step(s) == DB_ROW) snprintf(out, 8, "%s", db_col_text(s, 0));
    db_done(s);
    return out[0] ? out : NULL;
}

/* Audit a change of user id with its record before (may be NULL) and after it. */
static int audit_user(Db *db, const Actor *who, const char *action, int64_t id, json_t *before, Err *e) {
    Err ig = ERR_INIT;
    json_t *after = user_get(db, id, &ig);
    char prov[8];
    int rc = audit_append_json(db, who, action, "users", id, user_province(db, id, prov), before, after, e);
    json_decref(after);
    return rc;
}

static int commit_or_rollback(Db *db, int rc, Err *e) {
    if (rc == 0 && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

static int64_t count_active_admins(Db *db) {
    return db_int1(db, "SELECT count(*) FROM users u WHERE u.status = 'active' AND EXISTS "
                       "(SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)", "admin");
}

/* Insert the role row role:canon of user id, lying at p (scope_place), granted by granted_by;
** the caller holds the transaction and has checked that it may. */
static int insert_grant(Db *db, const char *granted_by, int64_t id, const char *role, const char *canon, const Place *p,
                        const char *agency, bool confirmed, int64_t *grant_id, Err *e) {
    char ts[32];
    ts_now(ts);
    Stmt *s = db_prepare(db, "INSERT INTO user_roles (user_id, role, scope, province, confirmed, granted_by, granted_at, agency) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, role, scope) DO NOTHING RETURNING id");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, role);
    db_bind_text(s, 3, canon);
    db_bind_text(s, 4, p->province);
    db_bind_int(s, 5, confirmed);
    db_bind_text(s, 6, granted_by);
    db_bind_text(s, 7, ts);
    db_bind_text(s, 8, agency && *agency ? agency : NULL);
    int rc = db_step(s);
    if (rc == DB_ROW && grant_id) *grant_id = db_col_int(s, 0);
    db_done(s);
    if (rc == DB_DONE) return err_set(e, 409, "role", "the user already holds %s%s%s", role, *canon ? ":" : "", canon);
    if (rc != DB_ROW) return err_set(e, 500, "", "cannot store the role: %s", db_errmsg(db));
    return 0;
}

/* Insert one role row after checking it (may who grant it?); the caller holds the transaction. */
static int grant_in_tx(Db *db, const Actor *who, int64_t id, const char *role, const char *scope, const char *agency,
                       bool confirmed, int64_t *grant_id, Err *e) {
    int r = role_parse(role);
    if (agency && (strlen(agency) > 200 || !text_utf8_valid(agency, strlen(agency), NULL)))
        return err_set(e, 422, "agency", "%s is text of at most 200 bytes", "agency");
    if (agency && *agency && (r < ROLE_COUNCIL_CHAIR || r > ROLE_COUNCIL_SECRETARY))
        return err_set(e, 422, "agency", "an agency is recorded for council roles only");
    if (r < 0) return err_set(e, 422, "role", "unknown role '%s'; roles: admin, province, commune, council_chair, council_member, council_secretary, producer, ministry", role ? role : "");
    Place p;
    char canon[24];
    if (scope_place(db, (Role)r, scope, &p, canon, e) || may_grant(who, (Role)r, &p, e)) return -1;
    return insert_grant(db, who->username, id, role, canon, &p, agency, confirmed, grant_id, e);
}

/* Shared part of user_create and user_register: check and hash before the transaction. */
static int user_prepare(json_t *in, char name[USERNAME_MAX + 1], char hash[crypto_pwhash_STRBYTES], Err *e) {
    const char *username = jtext(in, "username"), *password = jtext(in, "password");
    if (!username) return err_set(e, 422, "username", "%s is required (text)", "username");
    const char *why = username_problem(username, name);
    if (why) return err_set(e, 422, "username", "%s", why);
    if (!password) return err_set(e, 422, "password", "%s is required (text)", "password");
    if ((why = password_problem(password, name))) return err_set(e, 422, "password", "%s", why);
    if (check_profile(in, e)) return -1;
    if (password_hash(password, hash, crypto_pwhash_STRBYTES)) return err_set(e, 500, "", "out of memory hashing the password");
    return 0;
}

/* Insert the users row; the caller holds the transaction. */
static int insert_user(Db *db, const char *name, const char *hash, json_t *in, int64_t *id, Err *e) {
    char ts[32];
    ts_now(ts);
    Buf fold = BUF_INIT;
    const char *full = jtext(in, "full_name");
    if (full) text_fold(&fold, full, strlen(full));
    Stmt *s = db_prepare(db, "INSERT INTO users (username, full_name, full_name_fold, email, phone, pw_hash, status, "
                             "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?) "
                             "ON CONFLICT (username) DO NOTHING RETURNING id");
    db_bind_text(s, 1, name);
    db_bind_text(s, 2, full);
    db_bind_text(s, 3, full ? buf_str(&fold) : NULL);
    db_bind_text(s, 4, jtext(in, "email"));
    db_bind_text(s, 5, jtext(in, "phone"));
    db_bind_text(s, 6, hash);
    for (int i = 7; i <= 9; i++) db_bind_text(s, i, ts);
    int rc = db_step(s);
    if (rc == DB_ROW) *id = db_col_int(s, 0);
    db_done(s);
    buf_free(&fold);
    if (rc == DB_DONE) return err_set(e, 409, "username", "the username '%s' is taken", name);
    if (rc != DB_ROW) return err_set(e, 500, "", "cannot store the user: %s", db_errmsg(db));
    return 0;
}

static const char *const user_keys[] = {"username", "password", "full_name", "email", "phone", "roles", NULL};

static int unknown_keys(json_t *in, const char *const *allowed, Err *e) {
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        int ok = 0;
        for (int i = 0; allowed[i]; i++) ok |= strcmp(allowed[i], k) == 0;
        if (!ok) return err_set(e, 422, k, "unknown field '%s'", k);
    }
    return 0;
}

int user_create(Db *db, const Actor *who, json_t *in, int64_t *id, Err *e) {
    if (actor_require(who, e) || unknown_keys(in, user_keys, e)) return -1;
    json_t *roles = json_object_get(in, "roles");
    if (roles && !json_is_array(roles)) return err_set(e, 422, "roles", "%s must be a list of {\"role\", \"scope\"}", "roles");
    if (!is_admin(who) && json_array_size(roles) == 0)
        return err_set(e, 422, "roles", "give the new user at least one role within your scope");
    char name[USERNAME_MAX + 1], hash[crypto_pwhash_STRBYTES];
    if (user_prepare(in, name, hash, e) || db_begin(db, e)) return -1;
    int rc = insert_user(db, name, hash, in, id, e);
    size_t i;
    json_t *g;
    json_array_foreach(roles, i, g) {
        if (rc) break;
        if (!json_is_object(g)) rc = err_set(e, 422, "roles", "roles[%zu] must be an object {\"role\", \"scope\"}", i);
        else rc = grant_in_tx(db, who, *id, jtext(g, "role"), jtext(g, "scope"), jtext(g, "agency"), true, NULL, e);
    }
    if (!rc) rc = audit_user(db, who, "create", *id, NULL, e);
    return commit_or_rollback(db, rc, e);
}

int user_register(Db *db, const Actor *who, Arena *arena, json_t *in, int64_t *id, Err *e) {
    static const char *const keys[] = {"username", "password", "full_name", "email", "phone", "producer", NULL};
    if (unknown_keys(in, keys, e)) return -1;
    json_t *producer = json_object_get(in, "producer");
    if (!json_is_object(producer))
        return err_set(e, 422, "producer", "%s is required: the record of the cooperative, enterprise or household registering (see POST /api/v1/producers)", "producer");
    if (entity_check(&ENTITY_PRODUCERS, producer, true, false, e)) {
        char f[sizeof e->field];
        snprintf(f, sizeof f, "%s", e->field);
        snprintf(e->field, sizeof e->field, "producer.%.100s", f[0] ? f : "?");
        return -1;
    }
    char name[USERNAME_MAX + 1], hash[crypto_pwhash_STRBYTES];
    if (user_prepare(in, name, hash, e) || db_begin(db, e)) return -1;
    int rc = insert_user(db, name, hash, in, id, e);
    /* Registering oneself is the one write anyone may make (the route is public): this function
    ** is its rule, and the new user, without roles yet, is who did it. The producer record may
    ** lie anywhere; the role waits for its commune officer's confirmation (user_confirm). */
    Auth reg = {.user_id = *id};
    snprintf(reg.username, sizeof reg.username, "%s", name);
    Actor self = actor_user(&reg, who ? who->remote : NULL);
    int64_t pid = 0;
    if (!rc) rc = entity_insert_unchecked(db, arena, &ENTITY_PRODUCERS, &self, producer, &pid, e);
    if (rc && e->field[0] && strncmp(e->field, "producer", 8) != 0 && strcmp(e->field, "username") != 0) {
        /* the producer record's own field (its commune, found only on insert), as entity_check's */
        char f[sizeof e->field];
        snprintf(f, sizeof f, "%s", e->field);
        snprintf(e->field, sizeof e->field, "producer.%.100s", f);
    }
    if (!rc) {
        char scope[24], canon[24];
        Place p;
        snprintf(scope, sizeof scope, "%lld", (long long)pid);
        rc = scope_place(db, ROLE_PRODUCER, scope, &p, canon, e) ||
             insert_grant(db, name, *id, "producer", canon, &p, NULL, false, NULL, e);
    }
    if (!rc) rc = audit_user(db, &self, "register", *id, NULL, e);
    return commit_or_rollback(db, rc, e);
}

int user_update(Db *db, const Actor *who, int64_t id, json_t *patch, Err *e) {
    static const char *const keys[] = {"full_name", "email", "phone", "status", NULL};
    if (unknown_keys(patch, keys, e) || check_profile(patch, e)) return -1;
    const char *status = jtext(patch, "status");
    json_t *sv = json_object_get(patch, "status");
    if (sv && (!status || (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0)))
        return err_set(e, 422, "status", "%s must be \"active\" or \"disabled\"", "status");
    if (db_begin(db, e)) return -1;
    int rc = may_manage(db, who, id, e);
    if (!rc && status && strcmp(status, "disabled") == 0 && actor_user_id(who) == id)
        rc = err_set(e, 409, "status", "you cannot disable your own account");
    json_t *before = rc ? NULL : user_get(db, id, e);
    if (!rc && status && strcmp(status, "disabled") == 0) {
        Stmt *s = db_prepare(db, "SELECT count(*) FROM user_roles WHERE role = 'admin' AND user_id = ?");
        db_bind_int(s, 1, id);
        bool is_adm = db_step(s) == DB_ROW && db_col_int(s, 0) > 0;
        db_done(s);
        if (is_adm && str_eq(jtext(before, "status"), "active") && count_active_admins(db) <= 1)
            rc = err_set(e, 409, "status", "this is the last active administrator; create another one first");
    }
    if (!rc) {
        char ts[32];
        ts_now(ts);
        Buf fold = BUF_INIT;
        const char *full = json_object_get(patch, "full_name") ? jtext(patch, "full_name") : jtext(before, "full_name");
        if (full) text_fold(&fold, full, strlen(full));
        Stmt *s = db_prepare(db, "UPDATE users SET full_name = ?, full_name_fold = ?, email = ?, phone = ?, status = ?, "
                                 "updated_at = ? WHERE id = ?");
        db_bind_text(s, 1, full);
        db_bind_text(s, 2, full ? buf_str(&fold) : NULL);
        db_bind_text(s, 3, json_object_get(patch, "email") ? jtext(patch, "email") : jtext(before, "email"));
        db_bind_text(s, 4, json_object_get(patch, "phone") ? jtext(patch, "phone") : jtext(before, "phone"));
        db_bind_text(s, 5, status ? status : jtext(before, "status"));
        db_bind_text(s, 6, ts);
        db_bind_int(s, 7, id);
        if (db_step(s) != DB_DONE) rc = err_set(e, 500, "", "cannot update the user: %s", db_errmsg(db));
        db_done(s);
        buf_free(&fold);
        if (!rc && status && strcmp(status, "disabled") == 0) session_delete_all(db, id);
        if (!rc) rc = audit_user(db, who, status && strcmp(status, "disabled") == 0 ? "disable" : "update", id, before, e);
    }
    json_decref(before);
    return commit_or_rollback(db, rc, e);
}

/* A reset by someone else (an administrator, the command line) also revokes the user's API
** tokens: whoever had the old password may have made some. Returns how many it revoked. */
static int64_t revoke_tokens_on_reset(Db *db, const Actor *who, int64_t id, Err *e, int *rc) {
    if (*rc || actor_user_id(who) == id) return 0;
    int64_t now = (int64_t)time(NULL);
    Stmt *s = db_prepare(db, "UPDATE api_tokens SET revoked = ? WHERE user_id = ? AND revoked IS NULL "
                             "AND (expires IS NULL OR expires > ?)");
    db_bind_int(s, 1, now);
    db_bind_int(s, 2, id);
    db_bind_int(s, 3, now);
    if (db_step(s) != DB_DONE) *rc = err_set(e, 500, "", "cannot revoke the API tokens: %s", db_errmsg(db));
    int64_t n = *rc ? 0 : db_changes(db);
    db_done(s);
    return n;
}

int user_set_password(Db *db, const Actor *who, int64_t id, const char *password, int64_t *tokens_revoked, Err *e) {
    if (tokens_revoked) *tokens_revoked = 0;
    if (db_begin_read(db, e)) return -1;
    int rc = actor_user_id(who) == id ? (user_exists(db, id) ? 0 : err_set(e, 404, "id", "no user %lld", (long long)id))
                                : may_manage(db, who, id, e);
    char name[USERNAME_MAX + 1] = "";
    Stmt *s = db_prepare(db, "SELECT username FROM users WHERE id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) == DB_ROW) snprintf(name, sizeof name, "%s", db_col_text(s, 0));
    db_done(s);
    db_commit(db, e);
    if (rc) return -1;
    const char *why = password_problem(password, name);
    if (why) return err_set(e, 422, "password", "%s", why);
    char hash[crypto_pwhash_STRBYTES];
    if (password_hash(password, hash, sizeof hash)) return err_set(e, 500, "", "out of memory hashing the password");
    if (db_begin(db, e)) return -1;
    char ts[32];
    ts_now(ts);
    s = db_prepare(db, "UPDATE users SET pw_hash = ?, password_changed_at = ?, updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, hash);
    db_bind_text(s, 2, ts);
    db_bind_text(s, 3, ts);
    db_bind_int(s, 4, id);
    rc = db_step(s) == DB_DONE ? 0 : err_set(e, 500, "", "cannot store the password: %s", db_errmsg(db));
    db_done(s);
    /* A new password ends every session except the one that set it. */
    s = db_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND hash <> ?");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, actor_user_id(who) == id ? actor_auth(who)->session : "");
    db_step(s);
    db_done(s);
    int64_t revoked = revoke_tokens_on_reset(db, who, id, e, &rc);
    if (tokens_revoked) *tokens_revoked = revoked;
    char prov[8];
    json_t *after = json_pack("{ss}", "password_changed_at", ts);
    if (revoked) json_object_set_new(after, "api_tokens_revoked", json_integer(revoked));
    if (!rc) rc = audit_append_json(db, who, "password", "users", id, user_province(db, id, prov), NULL, after, e);
    json_decref(after);
    return commit_or_rollback(db, rc, e);
}

int user_grant(Db *db, const Actor *who, int64_t id, const char *role, const char *scope, const char *agency,
               int64_t *grant_id, Err *e) {
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    int rc = 0;
    if (!user_visible(db, who, id)) rc = err_set(e, 404, "id", "no user %lld", (long long)id);
    json_t *before = rc ? NULL : user_get(db, id, e);
    if (!rc) rc = grant_in_tx(db, who, id, role, scope, agency, true, grant_id, e);
    if (!rc) rc = audit_user(db, who, "grant", id, before, e);
    json_decref(before);
    return commit_or_rollback(db, rc, e);
}

int user_revoke(Db *db, const Actor *who, int64_t id, int64_t grant_id, Err *e) {
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    int rc = 0;
    if (!user_visible(db, who, id)) rc = err_set(e, 404, "id", "no user %lld", (long long)id);
    char role[24] = "", scope[24] = "";
    if (!rc) {
        Stmt *s = db_prepare(db, "SELECT role, scope FROM user_roles WHERE id = ? AND user_id = ?");
        db_bind_int(s, 1, grant_id);
        db_bind_int(s, 2, id);
        if (db_step(s) == DB_ROW) {
            snprintf(role, sizeof role, "%s", db_col_text(s, 0));
            snprintf(scope, sizeof scope, "%s", db_col_text(s, 1));
        } else {
            rc = err_set(e, 404, "role_id", "user %lld has no role %lld", (long long)id, (long long)grant_id);
        }
        db_done(s);
    }
    if (!rc) {
        Place p;
        grant_place(db, role, scope, &p);
        rc = may_grant(who, (Role)role_parse(role), &p, e);
    }
    if (!rc && strcmp(role, "admin") == 0 && count_active_admins(db) <= 1) {
        Stmt *s = db_prepare(db, "SELECT status FROM users WHERE id = ?");
        db_bind_int(s, 1, id);
        bool active = db_step(s) == DB_ROW && str_eq(db_col_text(s, 0), "active");
        db_done(s);
        if (active) rc = err_set(e, 409, "role", "this is the last active administrator; create another one first");
    }
    json_t *before = rc ? NULL : user_get(db, id, e);
    if (!rc) {
        Stmt *s = db_prepare(db, "DELETE FROM user_roles WHERE id = ?");
        db_bind_int(s, 1, grant_id);
        db_step(s);
        db_done(s);
        rc = audit_user(db, who, "revoke", id, before, e);
    }
    json_decref(before);
    return commit_or_rollback(db, rc, e);
}

int user_confirm(Db *db, const Actor *who, int64_t id, Err *e) {
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    int rc = 0;
    if (!user_visible(db, who, id)) rc = err_set(e, 404, "id", "no user %lld", (long long)id);
    json_t *before = rc ? NULL : user_get(db, id, e);
    int confirmed = 0, pending = 0;
    if (!rc) {
        Stmt *s = db_prepare(db, "SELECT id, scope FROM user_roles WHERE user_id = ? AND role = 'producer' AND confirmed = 0");
        db_bind_int(s, 1, id);
        int64_t ids[16];
        char scopes[16][24];
        int n = 0;
        while (db_step(s) == DB_ROW && n < 16) {
            ids[n] = db_col_int(s, 0);
            snprintf(scopes[n], 24, "%s", db_col_text(s, 1));
            n++;
        }
        db_done(s);
        for (int i = 0; i < n; i++) {
            Place p;
            grant_place(db, "producer", scopes[i], &p);
            pending++;
            if (!actor_covers(who, PERM_USERS_CONFIRM, &p)) continue;
            char ts[32];
            ts_now(ts);
            s = db_prepare(db, "UPDATE user_roles SET confirmed = 1, granted_by = ?, granted_at = ? WHERE id = ?");
            db_bind_text(s, 1, who->username);
            db_bind_text(s, 2, ts);
            db_bind_int(s, 3, ids[i]);
            db_step(s);
            db_done(s);
            confirmed++;
        }
        if (!pending) rc = err_set(e, 409, "", "user %lld has no producer role waiting for confirmation", (long long)id);
        else if (!confirmed) rc = err_set(e, 403, "", "the producer is outside your commune; its commune officer confirms it");
    }
    if (!rc) rc = audit_user(db, who, "confirm", id, before, e);
    json_decref(before);
    return commit_or_rollback(db, rc, e);
}

/* ---- API tokens ----------------------------------------------------------------------------- */

int token_create(Db *db, const Actor *who, int64_t user_id, const char *name, const char *scope, int days,
                 char *secret, size_t n, int64_t *id, Err *e) {
    if (actor_require(who, e)) return -1;
    if (!name || !*name || strlen(name) > 100 || !text_utf8_valid(name, strlen(name), NULL))
        return err_set(e, 422, "name", "name the token (1 to 100 characters): what integration uses it");
    scope = scope ? scope : "read";
    if (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0)
        return err_set(e, 422, "scope", "%s must be \"read\" (GET requests only) or \"write\"", "scope");
    if (days < 1 || days > 366) return err_set(e, 422, "expires_in_days", "a token lasts from 1 to 366 days");
    if (actor_user_id(who) != user_id && !is_admin(who))
        return err_set(e, 403, "", "only administrators create tokens for other users");
    if (n < 49) panic("token_create: buffer too small");
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    memcpy(secret, "ocop_", 5);
    sodium_bin2base64(secret + 5, n - 5, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    char hash[65], prefix[13];
    sodium_bin2hex(hash, sizeof hash, h, sizeof h);
    snprintf(prefix, sizeof prefix, "%s", secret);
    int64_t now = (int64_t)time(NULL);
    if (db_begin(db, e)) return -1;
    int rc = user_exists(db, user_id) ? 0 : err_set(e, 404, "user", "no user %lld", (long long)user_id);
    if (!rc) {
        Stmt *s = db_prepare(db, "INSERT INTO api_tokens (user_id, name, hash, prefix, scope, created, expires) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
        db_bind_int(s, 1, user_id);
        db_bind_text(s, 2, name);
        db_bind_text(s, 3, hash);
        db_bind_text(s, 4, prefix);
        db_bind_text(s, 5, scope);
        db_bind_int(s, 6, now);
        db_bind_int(s, 7, now + (int64_t)days * 86400);
        if (db_step(s) == DB_ROW) *id = db_col_int(s, 0);
        else rc = err_set(e, 500, "", "cannot store the token: %s", db_errmsg(db));
        db_done(s);
    }
    if (!rc) {
        json_t *after = json_pack("{sI sI ss ss ss si}", "id", (json_int_t)*id, "user_id", (json_int_t)user_id, "name",
                                  name, "prefix", prefix, "scope", scope, "days", days);
        rc = audit_append_json(db, who, "create", "api_tokens", *id, NULL, NULL, after, e);
        json_decref(after);
    }
    return commit_or_rollback(db, rc, e);
}

static void put_time(json_t *o, const char *k, Stmt *s, int col) {
    if (db_col_null(s, col)) {
        json_object_set_new(o, k, json_null());
        return;
    }
    time_t t = (time_t)db_col_int(s, col);
    struct tm tm;
    char out[24];
    gmtime_r(&t, &tm);
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(o, k, json_string(out));
}

json_t *token_list(Db *db, int64_t user_id) {
    Stmt *s = db_prepare(db, "SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.scope, t.created, t.expires, "
                             "t.revoked, t.last_used FROM api_tokens t JOIN users u ON u.id = t.user_id "
                             "WHERE ? = 0 OR t.user_id = ? ORDER BY t.id");
    db_bind_int(s, 1, user_id);
    db_bind_int(s, 2, user_id);
    json_t *arr = json_array();
    int64_t now = (int64_t)time(NULL);
    while (db_step(s) == DB_ROW) {
        json_t *o = json_pack("{sI sI ss ss ss ss}", "id", (json_int_t)db_col_int(s, 0), "user_id",
                              (json_int_t)db_col_int(s, 1), "username", db_col_text(s, 2), "name", db_col_text(s, 3),
                              "prefix", db_col_text(s, 4), "scope", db_col_text(s, 5));
        put_time(o, "created_at", s, 6);
        put_time(o, "expires_at", s, 7);
        put_time(o, "revoked_at", s, 8);
        put_time(o, "last_used_at", s, 9);
        const char *state = !db_col_null(s, 8) ? "revoked" : db_col_int(s, 7) <= now ? "expired" : "active";
        json_object_set_new(o, "state", json_string(state));
        json_array_append_new(arr, o);
    }
    db_done(s);
    return arr;
}

int token_revoke(Db *db, const Actor *who, int64_t id, Err *e) {
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT user_id, revoked FROM api_tokens WHERE id = ?");
    db_bind_int(s, 1, id);
    int rc = 0;
    int64_t owner = 0;
    bool revoked = false;
    if (db_step(s) == DB_ROW) {
        owner = db_col_int(s, 0);
        revoked = !db_col_null(s, 1);
    }
    db_done(s);
    if (!owner || (owner != actor_user_id(who) && !is_admin(who))) rc = err_set(e, 404, "id", "no token %lld", (long long)id);
    else if (revoked) rc = err_set(e, 409, "id", "token %lld is already revoked", (long long)id);
    if (!rc) {
        s = db_prepare(db, "UPDATE api_tokens SET revoked = ? WHERE id = ?");
        db_bind_int(s, 1, (int64_t)time(NULL));
        db_bind_int(s, 2, id);
        db_step(s);
        db_done(s);
        rc = audit_append_json(db, who, "revoke", "api_tokens", id, NULL, NULL, NULL, e);
    }
    return commit_or_rollback(db, rc, e);
}
