/*
** cli_dossier.c: `ocop dossier ...` and `ocop round ...`: the evaluation procedure from the
** command line, for provincial offices that script their work and for support. The command
** line acts with full rights and is recorded in the audit trail as cli:<login name>; council
** members score through the API (their sheets are their own).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dossier.h"
#include "scoring.h"
#include "util.h"

static void print_json(json_t *o) {
    char *s = json_dumps(o, JSON_INDENT(2));
    puts(s);
    free(s);
}

static int report(int rc, Err *e) {
    if (rc) cli_fail("%s%s%s", e->field[0] ? e->field : "", e->field[0] ? ": " : "", cli_err(e));
    err_clear(e);
    return rc ? 1 : 0;
}

static const char *js(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "-";
}

static int dossier_list(Db *db, Opts *o) {
    const char *keys[2], *values[2];
    Actor who = actor_cli();
    ListQuery lq = {.keys = keys, .values = values, .limit = o->limit ? o->limit : 1000, .sort = "-id", .who = &who};
    if (o->state) keys[lq.nfilters] = "state", values[lq.nfilters++] = o->state;
    if (o->province) keys[lq.nfilters] = "province_code", values[lq.nfilters++] = o->province;
    Arena a = {0};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    int rc = entity_list(db, &a, &ENTITY_DOSSIERS, &lq, &items, &total, &e);
    arena_free(&a);
    if (rc) return report(rc, &e);
    if (o->format && strcmp(o->format, "json") == 0) {
        print_json(items);
    } else {
        printf("%-5s %-24s %-13s %-12s %-6s %-11s %-5s %s\n", "ID", "REG NO", "STATE", "KIND", "COMMUNE", "DUE", "STARS", "PRODUCT");
        size_t i;
        json_t *d;
        json_array_foreach(items, i, d) {
            json_t *stars = json_object_get(d, "stars");
            printf("%-5lld %-24s %-13s %-12s %-6s %-11s %-5s %s\n", (long long)json_integer_value(json_object_get(d, "id")),
                   js(d, "reg_no"), js(d, "state"), js(d, "kind"), js(d, "commune_code"), js(d, "commune_due"),
                   json_is_integer(stars) ? (const char *[]){"", "1", "2", "3", "4", "5"}[json_integer_value(stars) % 6] : "-",
                   js(json_object_get(d, "product"), "name"));
            if (json_is_true(json_object_get(d, "overdue"))) printf("      ^ overdue: the commune's 15 working days have passed\n");
        }
        if (!o->quiet) fprintf(stderr, "%lld dossier(s)\n", (long long)total);
    }
    json_decref(items);
    return 0;
}

int cmd_dossier(Opts *o) {
    const char *sub = o->args[0];
    int64_t id = 0;
    bool needs_id = strcmp(sub, "list") != 0;
    if (needs_id && (o->nargs < 2 || !parse_i64(o->args[1], &id) || id <= 0))
        return cli_fail("usage: ocop dossier %s ID ...; see 'ocop help dossier'", sub), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Actor who = actor_cli();
    Err e = ERR_INIT;
    int rc = 0;
    if (strcmp(sub, "list") == 0) {
        rc = dossier_list(db, o);
    } else if (strcmp(sub, "show") == 0) {
        json_t *d = entity_get(db, &ENTITY_DOSSIERS, id, &e);
        if (!d) {
            rc = report(-1, &e);
        } else {
            json_object_set_new(d, "events", dossier_events(db, id));
            json_object_set_new(d, "files", dossier_files(db, id));
            print_json(d);
            json_decref(d);
        }
    } else if (strcmp(sub, "act") == 0) {
        if (o->nargs != 3) {
            db_close(db);
            return cli_fail("usage: ocop dossier act ID ACTION [--comment TEXT] [--reason TEXT] [--round ID]"), 2;
        }
        json_t *in = json_pack("{s:s}", "action", o->args[2]);
        if (o->comment) json_object_set_new(in, "comment", json_string(o->comment));
        if (o->reason) json_object_set_new(in, "reason", json_string(o->reason));
        if (o->round) json_object_set_new(in, "round_id", json_integer(o->round));
        Arena a = {0};
        rc = report(dossier_act(db, &a, &who, id, in, &e), &e);
        arena_free(&a);
        json_decref(in);
        if (!rc && !o->quiet) {
            json_t *d = entity_get(db, &ENTITY_DOSSIERS, id, &e);
            printf("dossier %lld %s: now %s\n", (long long)id, o->args[2], js(d, "state"));
            json_decref(d);
        }
    } else if (strcmp(sub, "minutes") == 0) {
        json_t *m = scoring_minutes(db, &who, id, 0, &e);
        if (!m) rc = report(-1, &e);
        else print_json(m), json_decref(m);
    } else {
        rc = cli_fail("unknown subcommand 'dossier %s'; see 'ocop help dossier'", sub);
    }
    db_close(db);
    return rc;
}

int cmd_round(Opts *o) {
    const char *sub = o->args[0];
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Actor who = actor_cli();
    Err e = ERR_INIT;
    Arena a = {0};
    int rc = 0;
    if (strcmp(sub, "list") == 0) {
        const char *keys[1], *values[1];
        ListQuery lq = {.keys = keys, .values = values, .limit = 1000, .who = &who};
        if (o->province) keys[0] = "province_code", values[0] = o->province, lq.nfilters = 1;
        json_t *items = NULL;
        int64_t total = 0;
        rc = report(entity_list(db, &a, &ENTITY_ROUNDS, &lq, &items, &total, &e), &e);
        size_t i;
        json_t *r;
        if (!rc) printf("%-5s %-8s %-6s %-7s %-11s %-11s %-8s %s\n", "ID", "PROVINCE", "YEAR", "ROUND", "FORWARD BY", "ENDS ON", "STATE", "COUNCIL");
        json_array_foreach(items, i, r) {
            json_t *c = json_object_get(r, "council_id");
            printf("%-5lld %-8s %-6lld %-7lld %-11s %-11s %-8s %s\n", (long long)json_integer_value(json_object_get(r, "id")),
                   js(r, "province_code"), (long long)json_integer_value(json_object_get(r, "year")),
                   (long long)json_integer_value(json_object_get(r, "number")), js(r, "forward_by"), js(r, "ends_on"),
                   js(r, "state"), json_is_integer(c) ? "yes" : "-");
        }
        json_decref(items);
    } else if (strcmp(sub, "add") == 0) {
        int64_t year, number;
        if (o->nargs != 4 || !parse_i64(o->args[2], &year) || !parse_i64(o->args[3], &number)) {
            arena_free(&a);
            db_close(db);
            return cli_fail("usage: ocop round add PROVINCE YEAR NUMBER [--council ID]"), 2;
        }
        json_t *in = json_pack("{s:s, s:I, s:I}", "province_code", o->args[1], "year", (json_int_t)year, "number",
                               (json_int_t)number);
        if (o->council) json_object_set_new(in, "council_id", json_integer(o->council));
        int64_t id = 0;
        rc = entity_check(&ENTITY_ROUNDS, in, true, false, &e) || db_begin(db, &e) ||
             entity_insert(db, &a, &ENTITY_ROUNDS, &who, in, &id, &e) || db_commit(db, &e);
        if (rc) db_rollback(db);
        rc = report(rc ? -1 : 0, &e);
        if (!rc && !o->quiet) printf("round %lld created\n", (long long)id);
        json_decref(in);
    } else if (strcmp(sub, "close") == 0) {
        int64_t id;
        if (o->nargs != 2 || !parse_i64(o->args[1], &id)) {
            arena_free(&a);
            db_close(db);
            return cli_fail("usage: ocop round close ID"), 2;
        }
        json_t *patch = json_pack("{s:s}", "state", "closed");
        rc = db_begin(db, &e) || entity_update(db, &a, &ENTITY_ROUNDS, &who, id, patch, &e) || db_commit(db, &e);
        if (rc) db_rollback(db);
        rc = report(rc ? -1 : 0, &e);
        json_decref(patch);
    } else {
        rc = cli_fail("unknown subcommand 'round %s'; see 'ocop help round'", sub);
    }
    arena_free(&a);
    db_close(db);
    return rc;
}
