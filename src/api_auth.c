/*
** api_auth.c: signing in and out, the caller's own account and API tokens, producer
** self-registration, and the management of users and their roles. route_admit has already
** checked the permission and that the user named by the path is within the caller's scope;
** the finer rules (who may grant what) live in user.c, shared with the command line.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "audit.h"
#include "auth.h"
#include "jsonx.h"
#include "param.h"
#include "util.h"

static int problem(Req *r, Err *e) {
    int st = resp_problem(r, e);
    err_clear(e);
    return st;
}

static const char *jtext(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Refuse members of in that are not in allowed (NULL-terminated). */
static int unknown_key(json_t *in, const char *const *allowed, Err *e) {
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        bool ok = false;
        for (int i = 0; allowed[i]; i++) ok |= strcmp(allowed[i], k) == 0;
        if (!ok) return err_set(e, 422, k, "unknown field '%s'", k);
    }
    return 0;
}

/* The id in path segment i, or 0 (the caller answers 404). */
static int64_t path_id(Req *r, int i) {
    int64_t id;
    return parse_i64(r->pathv[i], &id) && id > 0 ? id : 0;
}

static int user_response(Req *r, int status, int64_t id) {
    Err e = ERR_INIT;
    json_t *u = user_get(r->db, id, &e);
    return u ? resp_json(r, status, u) : problem(r, &e);
}

static void clear_cookie(Req *r) {
    resp_header(r, "Set-Cookie", SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

/* The permissions the caller holds somewhere, by name. */
static json_t *perms_json(const Auth *a) {
    json_t *arr = json_array();
    for (int p = PERM_LOGIN; p < PERM_COUNT; p++)
        if (auth_can(a, (Perm)p)) json_array_append_new(arr, json_string(perm_name((Perm)p)));
    return arr;
}

/* ---- sessions ---------------------------------------------------------------------------------- */

int session_begin(Req *r, const char *username, const char *password, Auth *a, Err *e) {
    memset(a, 0, sizeof *a);
    int retry = 0;
    if (auth_login(r->db, username, password, r->remote, a, &retry, e)) {
        if (retry) resp_header(r, "Retry-After", arena_printf(&r->arena, "%d", retry));
        return -1;
    }
    char secret[64];
    if (db_begin(r->db, e) ||
        session_create(r->db, a, r->remote, req_header(r, "User-Agent"), secret, sizeof secret, e) ||
        db_commit(r->db, e)) {
        db_rollback(r->db);
        return -1;
    }
    /* Secure when the client reached us over TLS, which only a trusted proxy can tell us. */
    const char *proto = req_header(r, "X-Forwarded-Proto");
    bool secure = r->app->trust_proxy && proto && strcmp(proto, "https") == 0;
    resp_header(r, "Set-Cookie",
                arena_printf(&r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", SESSION_COOKIE, secret,
                             auth_config.absolute_s, secure ? "; Secure" : ""));
    return 0;
}

int api_session_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    static const char *const keys[] = {"username", "password", NULL};
    if (unknown_key(in, keys, &e)) {
        json_decref(in);
        return problem(r, &e);
    }
    const char *username = jtext(in, "username"), *password = jtext(in, "password");
    if (!username || !password) {
        json_decref(in);
        return resp_error(r, 422, !username ? "username" : "password", "send {\"username\": ..., \"password\": ...} as text");
    }
    Auth *a = arena_alloc(&r->arena, sizeof *a);
    int rc = session_begin(r, username, password, a, &e);
    json_decref(in);
    if (rc) {
        if (e.status == 401) resp_header(r, "WWW-Authenticate", "Bearer realm=\"ocop\"");
        return problem(r, &e);
    }
    json_t *u = user_get(r->db, a->user_id, &e);
    json_t *o = json_pack("{s:o, s:s, s:i, s:i, s:o}", "user", u ? u : json_null(), "csrf_token", a->csrf,
                          "idle_timeout_s", auth_config.idle_s, "max_age_s", auth_config.absolute_s, "permissions",
                          perms_json(a));
    return resp_json(r, 200, o);
}

int session_end(Req *r, Err *e) {
    if (db_begin(r->db, e)) return -1;
    session_delete(r->db, r->auth->session);
    if (audit_append_json(r->db, &r->actor, "logout", "users", r->auth->user_id, NULL, NULL, NULL, e) ||
        db_commit(r->db, e)) {
        db_rollback(r->db);
        return -1;
    }
    clear_cookie(r);
    return 0;
}

int api_session_delete(Req *r) {
    if (r->auth->via != AUTH_SESSION)
        return resp_error(r, 400, "Authorization", "this request uses an API token, not a session; revoke tokens with DELETE /api/v1/me/tokens/{id}");
    Err e = ERR_INIT;
    if (session_end(r, &e)) return problem(r, &e);
    return resp_text(r, 204, "text/plain", "", 0);
}

int api_me(Req *r) {
    Err e = ERR_INIT;
    json_t *u = user_get(r->db, r->auth->user_id, &e);
    if (!u) return problem(r, &e);
    json_object_set_new(u, "via", json_string(r->auth->via == AUTH_SESSION ? "session" : "token"));
    if (r->auth->via == AUTH_SESSION) {
        json_object_set_new(u, "csrf_token", json_string(r->auth->csrf));
    } else {
        json_object_set_new(u, "token_id", json_integer(r->auth->token_id));
        json_object_set_new(u, "token_scope", json_string(r->auth->read_only ? "read" : "write"));
    }
    json_object_set_new(u, "permissions", perms_json(r->auth));
    return resp_json(r, 200, u);
}

int api_me_sessions_delete(Req *r) {
    Err e = ERR_INIT;
    if (db_begin(r->db, &e)) return problem(r, &e);
    int n = session_delete_all(r->db, r->auth->user_id);
    json_t *after = json_pack("{s:i}", "sessions_ended", n);
    int rc = audit_append_json(r->db, &r->actor, "logout.all", "users", r->auth->user_id, NULL, NULL, after, &e);
    json_decref(after);
    if (rc || db_commit(r->db, &e)) {
        db_rollback(r->db);
        return problem(r, &e);
    }
    if (r->auth->via == AUTH_SESSION) clear_cookie(r);
    return resp_json(r, 200, json_pack("{s:i}", "sessions_ended", n));
}

int me_password_change(Req *r, const char *cur, const char *next, Err *e) {
    int rc = 0;
    if (!cur) rc = err_set(e, 422, "current_password", "%s is required", "current_password");
    else if (!next) rc = err_set(e, 422, "new_password", "%s is required", "new_password");
    if (!rc) {
        /* Re-check the current password so that an unattended session cannot change it. */
        int retry = 0;
        rc = auth_reauth(r->db, r->auth, cur, r->remote, &retry, e);
        if (retry) resp_header(r, "Retry-After", arena_printf(&r->arena, "%d", retry));
    }
    if (!rc) rc = user_set_password(r->db, &r->actor, r->auth->user_id, next, NULL, e);
    if (rc && !strcmp(e->field, "password")) snprintf(e->field, sizeof e->field, "new_password");
    return rc;
}

int api_me_password(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int rc = me_password_change(r, jtext(in, "current_password"), jtext(in, "new_password"), &e);
    json_decref(in);
    if (rc) return problem(r, &e);
    return resp_json(r, 200, json_pack("{s:b}", "changed", 1));
}

/* ---- API tokens ------------------------------------------------------------------------------ */

int api_me_tokens_list(Req *r) {
    return resp_json(r, 200, json_pack("{s:o}", "items", token_list(r->db, r->auth->user_id)));
}

int api_me_tokens_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    /* A token cannot mint tokens: a stolen one must not be able to renew itself. */
    if (r->auth->via != AUTH_SESSION) {
        json_decref(in);
        return resp_error(r, 403, "Authorization", "tokens are created from a signed-in session or with 'ocop token add'");
    }
    static const char *const keys[] = {"name", "scope", "expires_in_days", NULL};
    json_t *days = json_object_get(in, "expires_in_days");
    if (unknown_key(in, keys, &e) ||
        (days && (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > 366))) {
        json_decref(in);
        if (!e.status) err_set(&e, 422, "expires_in_days", "expires_in_days must be a whole number of days from 1 to 366");
        return problem(r, &e);
    }
    char secret[64];
    int64_t id = 0;
    int rc = token_create(r->db, &r->actor, r->auth->user_id, jtext(in, "name"), jtext(in, "scope"),
                          days ? (int)json_integer_value(days) : 90, secret, sizeof secret, &id, &e);
    json_decref(in);
    if (rc) return problem(r, &e);
    json_t *all = token_list(r->db, r->auth->user_id);
    json_t *o = NULL;
    size_t i;
    json_t *t;
    json_array_foreach(all, i, t) if (json_integer_value(json_object_get(t, "id")) == id) o = json_incref(t);
    json_decref(all);
    if (!o) o = json_object();
    json_object_set_new(o, "token", json_string(secret));
    json_object_set_new(o, "note", json_string("the token is shown only now; only its SHA-256 is stored"));
    return resp_json(r, 201, o);
}

int api_me_tokens_delete(Req *r) {
    int64_t id = path_id(r, 0);
    Err e = ERR_INIT;
    /* One's own tokens only, here; administrators revoke others' with `ocop token revoke`. */
    Actor self = r->actor;
    Auth mine = *r->auth;
    mine.ngrants = 0;
    self.auth = &mine;
    if (!id) return resp_error(r, 404, "id", "no token '%s'", r->pathv[0]);
    if (token_revoke(r->db, &self, id, &e)) return problem(r, &e);
    return resp_text(r, 204, "text/plain", "", 0);
}

/* ---- registration and users ------------------------------------------------------------------ */

int register_producer(Req *r, json_t *in, int64_t *id, Err *e) {
    /* At most 30 accounts an hour from one address (a commune office helping its producers
    ** register may need many; a script filling the catalogue with junk is stopped). */
    int retry = 0;
    const char *key = arena_printf(&r->arena, "register:%s", r->remote);
    if (auth_rate_check(r->db, key, &retry, e)) {
        resp_header(r, "Retry-After", arena_printf(&r->arena, "%d", retry));
        return -1;
    }
    if (user_register(r->db, &r->actor, &r->arena, in, id, e)) return -1;
    auth_rate_count(r->db, key, 30, 600);
    return 0;
}

int api_register(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int64_t id = 0;
    int rc = register_producer(r, in, &id, &e);
    json_decref(in);
    if (rc) return problem(r, &e);
    resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/users/%lld", (long long)id));
    return user_response(r, 201, id);
}

int api_users_list(Req *r) {
    UserQuery q = {0};
    q.q = req_query(r, "q");
    q.role = req_query(r, "role");
    q.status = req_query(r, "status");
    q.province = req_query(r, "province");
    q.sort = req_query(r, "sort");
    Paging pg;
    Err e = ERR_INIT;
    req_paging(r, &pg);
    q.limit = pg.per_page;
    q.offset = pg.offset;
    json_t *items;
    int64_t total;
    if (user_list(r->db, &r->actor, &q, &items, &total, &e)) return problem(r, &e);
    return resp_json(r, 200, paging_json(items, total, &pg));
}

int api_users_create(Req *r) {
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int64_t id = 0;
    int rc = user_create(r->db, &r->actor, in, &id, &e);
    json_decref(in);
    if (rc) return problem(r, &e);
    resp_header(r, "Location", arena_printf(&r->arena, "/api/v1/users/%lld", (long long)id));
    return user_response(r, 201, id);
}

int api_users_get(Req *r) {
    int64_t id = path_id(r, 0);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    return user_response(r, 200, id);
}

int api_users_update(Req *r) {
    int64_t id = path_id(r, 0);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int rc = user_update(r->db, &r->actor, id, in, &e);
    json_decref(in);
    return rc ? problem(r, &e) : user_response(r, 200, id);
}

int api_users_password(Req *r) {
    int64_t id = path_id(r, 0);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    if (id == r->auth->user_id)
        return resp_error(r, 403, "id", "change your own password with PUT /api/v1/me/password (it asks for the current one)");
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    const char *pw = jtext(in, "password");
    int64_t revoked = 0;
    int rc = pw ? user_set_password(r->db, &r->actor, id, pw, &revoked, &e)
                : err_set(&e, 422, "password", "send {\"password\": \"the new password\"}");
    json_decref(in);
    /* A reset ends the user's sessions and revokes its API tokens: say how many. */
    return rc ? problem(r, &e)
              : resp_json(r, 200, json_pack("{s:b, s:b, s:I}", "changed", 1, "sessions_ended", 1, "tokens_revoked",
                                            (json_int_t)revoked));
}

int api_users_grant(Req *r) {
    int64_t id = path_id(r, 0);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return problem(r, &e);
    int64_t gid = 0;
    int rc = user_grant(r->db, &r->actor, id, jtext(in, "role"), jtext(in, "scope"), jtext(in, "agency"), &gid, &e);
    json_decref(in);
    return rc ? problem(r, &e) : user_response(r, 201, id);
}

int api_users_revoke(Req *r) {
    int64_t id = path_id(r, 0), gid = path_id(r, 1);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    if (!gid) return resp_error(r, 404, "role_id", "no role '%s'", r->pathv[1]);
    Err e = ERR_INIT;
    return user_revoke(r->db, &r->actor, id, gid, &e) ? problem(r, &e) : user_response(r, 200, id);
}

int api_users_confirm(Req *r) {
    int64_t id = path_id(r, 0);
    if (!id) return resp_error(r, 404, "id", "no user '%s'", r->pathv[0]);
    Err e = ERR_INIT;
    return user_confirm(r->db, &r->actor, id, &e) ? problem(r, &e) : user_response(r, 200, id);
}
