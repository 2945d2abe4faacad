/*
** cli_user.c: `ocop user ...` and `ocop token ...`. The command line acts with full rights
** (whoever can open the database file can change it anyway) and is recorded in the audit
** trail as "cli:<login name>".
*/
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "util.h"

/* Read one line (without its newline) into buf; false at end of input. */
static bool read_line(FILE *f, char *buf, size_t n) {
    if (!fgets(buf, (int)n, f)) return false;
    size_t len = strlen(buf);
    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r')) buf[--len] = 0;
    return true;
}

/* Ask on the terminal without echo. */
static bool ask_hidden(const char *prompt, char *buf, size_t n) {
    struct termios old, quiet;
    fputs(prompt, stderr);
    fflush(stderr);
    bool tty = tcgetattr(0, &old) == 0;
    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSAFLUSH, &quiet);
    }
    bool ok = read_line(stdin, buf, n);
    if (tty) tcsetattr(0, TCSAFLUSH, &old);
    fputc('\n', stderr);
    return ok;
}

/* The new password: from standard input (--password-stdin) or asked twice on the terminal. */
static int get_password(const Opts *o, const char *username, char *buf, size_t n) {
    if (o->password_stdin) {
        if (!read_line(stdin, buf, n)) return cli_fail("--password-stdin: no password on standard input");
    } else {
        if (!isatty(0)) return cli_fail("no terminal to ask for the password; pipe it with --password-stdin");
        char again[300];
        if (!ask_hidden("New password: ", buf, n) || !ask_hidden("Repeat it: ", again, sizeof again))
            return cli_fail("no password given");
        if (strcmp(buf, again) != 0) return cli_fail("the two passwords differ");
    }
    const char *why = password_problem(buf, username);
    return why ? cli_fail("%s", why) : 0;
}

/* ROLE[:SCOPE] into role and scope (copies). */
static void split_role(const char *spec, char role[32], char scope[32]) {
    const char *colon = strchr(spec, ':');
    size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
    snprintf(role, 32, "%.*s", (int)(n < 31 ? n : 31), spec);
    snprintf(scope, 32, "%s", colon ? colon + 1 : "");
}

static void print_roles(json_t *u) {
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(u, "roles"), i, g) {
        const char *scope = json_string_value(json_object_get(g, "scope"));
        printf("%s%s%s%s%s", i ? ", " : "", json_string_value(json_object_get(g, "role")), scope && *scope ? ":" : "",
               scope ? scope : "", json_is_false(json_object_get(g, "confirmed")) ? " (unconfirmed)" : "");
    }
}

static int64_t find_user(Db *db, const char *name) {
    int64_t id = user_id_by_name(db, name);
    if (!id) cli_fail("no user '%s'", name);
    return id;
}

static int report(int rc, Err *e) {
    if (rc) cli_fail("%s%s%s", e->field[0] ? e->field : "", e->field[0] ? ": " : "", e->detail);
    err_clear(e);
    return rc ? 1 : 0;
}

static int user_add(Db *db, Opts *o, const char *name) {
    if (o->nroles == 0 && !o->quiet)
        fprintf(stderr, "ocop: note: no --role given; the user can sign in but do nothing else yet\n");
    char pw[300];
    if (get_password(o, name, pw, sizeof pw)) return 1;
    json_t *in = json_pack("{s:s, s:s}", "username", name, "password", pw);
    sodium_memzero(pw, sizeof pw);
    if (o->full_name) json_object_set_new(in, "full_name", json_string(o->full_name));
    if (o->email) json_object_set_new(in, "email", json_string(o->email));
    json_t *roles = json_array();
    for (int i = 0; i < o->nroles; i++) {
        char role[32], scope[32];
        split_role(o->roles[i], role, scope);
        json_array_append_new(roles, json_pack("{s:s, s:s}", "role", role, "scope", scope));
    }
    json_object_set_new(in, "roles", roles);
    Actor who = actor_cli();
    Err e = ERR_INIT;
    int64_t id = 0;
    int rc = user_create(db, &who, in, &id, &e);
    json_decref(in);
    if (!rc && !o->quiet) printf("created user %s (id %lld)\n", name, (long long)id);
    return report(rc, &e);
}

static int user_show(Db *db, int64_t id, bool json) {
    Err e = ERR_INIT;
    json_t *u = user_get(db, id, &e);
    if (!u) return report(-1, &e);
    if (json) {
        char *s = json_dumps(u, JSON_INDENT(2));
        puts(s);
        free(s);
    } else {
        const char *full = json_string_value(json_object_get(u, "full_name"));
        const char *last = json_string_value(json_object_get(u, "last_login_at"));
        printf("%-20s %-8s %-28s ", json_string_value(json_object_get(u, "username")),
               json_string_value(json_object_get(u, "status")), full ? full : "-");
        print_roles(u);
        printf("   last sign-in: %s\n", last ? last : "never");
    }
    json_decref(u);
    return 0;
}

static int user_list_cmd(Db *db, Opts *o) {
    UserQuery q = {.limit = o->limit ? o->limit : 100000};
    if (o->nroles) q.role = o->roles[0];
    Actor who = actor_cli();
    json_t *items;
    int64_t total;
    Err e = ERR_INIT;
    if (user_list(db, &who, &q, &items, &total, &e)) return report(-1, &e);
    bool json = o->format && strcmp(o->format, "json") == 0;
    if (json) {
        char *s = json_dumps(items, JSON_INDENT(2));
        puts(s);
        free(s);
    }
    size_t i;
    json_t *u;
    json_array_foreach(items, i, u) if (!json) user_show(db, json_integer_value(json_object_get(u, "id")), false);
    if (!json && !o->quiet) fprintf(stderr, "%lld user(s)\n", (long long)total);
    json_decref(items);
    return 0;
}

/* Find the role row of user id matching ROLE[:SCOPE]. */
static int64_t find_grant(Db *db, int64_t id, const char *spec) {
    char role[32], scope[32];
    split_role(spec, role, scope);
    Err e = ERR_INIT;
    json_t *u = user_get(db, id, &e);
    int64_t gid = 0;
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(u, "roles"), i, g) {
        if (str_eq(json_string_value(json_object_get(g, "role")), role) &&
            str_eq(json_string_value(json_object_get(g, "scope")), scope))
            gid = json_integer_value(json_object_get(g, "id"));
    }
    json_decref(u);
    err_clear(&e);
    return gid;
}

int cmd_user(Opts *o) {
    const char *sub = o->args[0];
    const char *name = o->nargs > 1 ? o->args[1] : NULL;
    bool needs_name = strcmp(sub, "list") != 0;
    static const char *const subs[] = {"add", "list", "show", "passwd", "disable", "enable", "grant", "revoke"};
    bool known = false;
    for (size_t i = 0; i < COUNT(subs); i++) known |= strcmp(sub, subs[i]) == 0;
    if (!known) return cli_fail("unknown subcommand 'user %s'; see 'ocop help user'", sub), 2;
    if (needs_name && !name) return cli_fail("'ocop user %s' needs a username; see 'ocop help user'", sub), 2;
    bool needs_role = strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0;
    if (needs_role != (o->nargs == 3)) return cli_fail(needs_role ? "'ocop user %s NAME ROLE[:SCOPE]'" : "'ocop user %s' takes one name", sub), 2;
    Db *db = cli_open_db(o, strcmp(sub, "add") == 0);
    if (!db) return 1;
    Actor who = actor_cli();
    Err e = ERR_INIT;
    int rc = 0;
    int64_t id = 0;
    if (strcmp(sub, "add") == 0) {
        rc = user_add(db, o, name);
    } else if (strcmp(sub, "list") == 0) {
        rc = user_list_cmd(db, o);
    } else if (!(id = find_user(db, name))) {
        rc = 1;
    } else if (strcmp(sub, "show") == 0) {
        rc = user_show(db, id, o->format && strcmp(o->format, "json") == 0);
    } else if (strcmp(sub, "passwd") == 0) {
        char pw[300];
        rc = get_password(o, name, pw, sizeof pw);
        int64_t revoked = 0;
        if (!rc) rc = report(user_set_password(db, &who, id, pw, &revoked, &e), &e);
        sodium_memzero(pw, sizeof pw);
        if (!rc && !o->quiet)
            printf("password of %s changed; its sessions have ended and its %lld API token(s) are revoked\n", name,
                   (long long)revoked);
    } else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
        json_t *patch = json_pack("{s:s}", "status", strcmp(sub, "disable") == 0 ? "disabled" : "active");
        rc = report(user_update(db, &who, id, patch, &e), &e);
        json_decref(patch);
        if (!rc && !o->quiet) printf("%s %sd\n", name, sub);
    } else if (strcmp(sub, "grant") == 0) {
        char role[32], scope[32];
        split_role(o->args[2], role, scope);
        int64_t gid = 0;
        rc = report(user_grant(db, &who, id, role, scope, NULL, &gid, &e), &e);
        if (!rc && !o->quiet) printf("%s now holds %s\n", name, o->args[2]);
    } else {
        int64_t gid = find_grant(db, id, o->args[2]);
        if (!gid) rc = cli_fail("%s does not hold %s", name, o->args[2]);
        else rc = report(user_revoke(db, &who, id, gid, &e), &e);
        if (!rc && !o->quiet) printf("%s no longer holds %s\n", name, o->args[2]);
    }
    db_close(db);
    return rc;
}

int cmd_token(Opts *o) {
    const char *sub = o->args[0];
    Db *db = NULL;
    Actor who = actor_cli();
    Err e = ERR_INIT;
    int rc = 0;
    if (strcmp(sub, "add") == 0) {
        if (o->nargs != 2 || !o->user) return cli_fail("usage: ocop token add NAME --user USER [--scope read|write] [--expires DAYS]"), 2;
        if (!(db = cli_open_db(o, false))) return 1;
        int64_t uid = find_user(db, o->user), id = 0;
        char secret[64];
        if (!uid) rc = 1;
        else rc = report(token_create(db, &who, uid, o->args[1], o->scope ? o->scope : "read",
                                      o->expires_days ? (int)o->expires_days : 90, secret, sizeof secret, &id, &e), &e);
        if (!rc) {
            printf("%s\n", secret);
            if (!o->quiet)
                fprintf(stderr, "token %lld for %s (scope %s, %lld days). It is shown only now: store it safely.\n",
                        (long long)id, o->user, o->scope ? o->scope : "read", (long long)(o->expires_days ? o->expires_days : 90));
        }
    } else if (strcmp(sub, "list") == 0) {
        if (o->nargs != 1) return cli_fail("usage: ocop token list [--user USER]"), 2;
        if (!(db = cli_open_db(o, false))) return 1;
        int64_t uid = o->user ? find_user(db, o->user) : 0;
        if (o->user && !uid) {
            rc = 1;
        } else {
            json_t *items = token_list(db, uid);
            size_t i;
            json_t *t;
            printf("%-5s %-16s %-24s %-13s %-6s %-8s %s\n", "ID", "USER", "NAME", "PREFIX", "SCOPE", "STATE", "EXPIRES");
            json_array_foreach(items, i, t) {
                printf("%-5lld %-16s %-24s %-13s %-6s %-8s %s\n", (long long)json_integer_value(json_object_get(t, "id")),
                       json_string_value(json_object_get(t, "username")), json_string_value(json_object_get(t, "name")),
                       json_string_value(json_object_get(t, "prefix")), json_string_value(json_object_get(t, "scope")),
                       json_string_value(json_object_get(t, "state")), json_string_value(json_object_get(t, "expires_at")));
            }
            json_decref(items);
        }
    } else if (strcmp(sub, "revoke") == 0) {
        int64_t id;
        if (o->nargs != 2 || !parse_i64(o->args[1], &id)) return cli_fail("usage: ocop token revoke ID (see 'ocop token list')"), 2;
        if (!(db = cli_open_db(o, false))) return 1;
        rc = report(token_revoke(db, &who, id, &e), &e);
        if (!rc && !o->quiet) printf("token %lld revoked\n", (long long)id);
    } else {
        return cli_fail("unknown subcommand 'token %s'; see 'ocop help token'", sub), 2;
    }
    db_close(db);
    return rc;
}
