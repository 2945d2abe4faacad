/*
** cli_decision.c: `ocop decision add|list|show` and `ocop certificate revoke`: the authority's
** recognition decisions and revocations (decision.h) from the command line, for a provincial
** office that records its signed decisions in a script, and for support. The command line acts
** with full rights, at either level, and is recorded in the audit trail as cli:<login name>;
** decision.c checks everything else exactly as it does for the API (all or nothing, the rules
** of QĐ 26/2026/QĐ-TTg Điều 4 and 8).
**
** The certificates a decision issues are drawn, signed with the authority's key (keys/ beside
** --db, `ocop key generate`) and stored in the file store: 'files' beside --db unless --files,
** as `ocop serve` does. Their QR code links to --public-url (default http://<--listen>, the
** address `ocop serve` would announce): give the address the public reaches the server at.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "cli.h"
#include "decision.h"
#include "dossier.h"
#include "util.h"

static void print_json(json_t *o) {
    char *s = json_dumps(o, JSON_INDENT(2));
    puts(s);
    free(s);
}

/* "ocop: field: detail" for a failed call (the detail alone when it names the field already);
** 1, or 0 when rc is 0. Clears e. */
static int report(int rc, Err *e) {
    bool named = !e->field[0] || str_has_prefix(cli_err(e), e->field);
    if (rc) cli_fail("%s%s%s", named ? "" : e->field, named ? "" : ": ", cli_err(e));
    err_clear(e);
    return rc ? 1 : 0;
}

static const char *js(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "-";
}

static long long ji(json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

/* 'YYYY-MM-DD' as 'dd/mm/yyyy' into out[11] ("-" when not a date). */
static const char *dmy(const char *iso, char out[11]) { return iso && date_valid(iso) ? lang_date(iso, out) : "-"; }

/* The base of the verification URLs: --public-url without its trailing '/', or
** http://<--listen>. 0, or 2 after a message. */
static int public_url_of(const Opts *o, char *out, size_t n) {
    const char *u = o->public_url;
    if (!u) {
        snprintf(out, n, "http://%s", o->listen);
        return 0;
    }
    bool ok = (str_has_prefix(u, "http://") || str_has_prefix(u, "https://")) && strlen(u) < n && strlen(u) <= 200;
    for (const char *p = u; ok && *p; p++) ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7F;
    if (!ok) return cli_fail("--public-url must be an http:// or https:// address without spaces, e.g. https://ocop.example.vn"), 2;
    snprintf(out, n, "%s", u);
    for (size_t len = strlen(out); len > 0 && out[len - 1] == '/';) out[--len] = 0;
    return 0;
}

/* The decision's certificates, one line each. */
static void print_items(Db *db, json_t *d) {
    char today[11], a[11];
    date_today(today);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(d, "items"), i, it) {
        json_t *p = json_object_get(it, "product");
        const char *cert_no = js(it, "cert_no");
        Err e = ERR_INIT;
        json_t *c = strcmp(cert_no, "-") ? certificate_get(db, cert_no, today, &e) : NULL;
        err_clear(&e);
        printf("  dossier %lld: %s %s, %lld stars (%.2f points): certificate %s (%s, expires_on %s)%s%s\n",
               ji(it, "dossier_id"), js(p, "code"), js(p, "name"), ji(it, "stars"),
               json_number_value(json_object_get(it, "avg_score")), cert_no, js(it, "certificate_state"),
               dmy(js(c, "expires_on"), a), c ? " " : "", c ? js(c, "verify_url") : "");
        json_decref(c);
    }
}

static void print_decision(Db *db, json_t *d) {
    char a[11];
    printf("decision %lld: %s of %s, %s (%s), signed %s, %s\n", ji(d, "id"), js(d, "number"), dmy(js(d, "decided_on"), a),
           js(d, "authority"), js(d, "level"), js(d, "signer_title"), js(d, "signer_name"));
    print_items(db, d);
}

/* ocop decision add --number N --date D --signer NAME --title TITLE [--level L] [--province P]
** [--note T] DOSSIER_ID... */
static int decision_add(Db *db, const Opts *o) {
    const char *missing = !o->number ? "--number" : !o->date ? "--date" : !o->signer ? "--signer" : !o->title ? "--title" : NULL;
    if (missing || o->nargs < 2)
        return cli_fail("%s%susage: ocop decision add --number N --date YYYY-MM-DD --signer NAME --title TITLE "
                        "[--level province|ministry] [--province CODE] [--note TEXT] DOSSIER_ID...",
                        missing ? missing : "", missing ? " is required; " : ""),
               2;
    const char *level = o->level ? o->level : "province";
    json_t *items = json_array();
    for (int i = 1; i < o->nargs; i++) {
        int64_t id;
        if (!parse_i64(o->args[i], &id) || id <= 0) {
            json_decref(items);
            return cli_fail("'%s' is not a dossier id (a whole number from 1)", o->args[i]), 2;
        }
        json_array_append_new(items, json_pack("{s:I}", "dossier_id", (json_int_t)id));
    }
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "number", o->number, "decided_on", o->date, "level", level,
                           "signer_name", o->signer, "signer_title", o->title, "items", items);
    if (o->note) json_object_set_new(in, "note", json_string(o->note));
    Err e = ERR_INIT;
    /* A province decision is the province's of its dossiers unless --province says which. */
    if (o->province) json_object_set_new(in, "province_code", json_string(o->province));
    else if (strcmp(level, "province") == 0) {
        json_int_t id = json_integer_value(json_object_get(json_array_get(items, 0), "dossier_id"));
        json_t *first = entity_get(db, &ENTITY_DOSSIERS, id, &e);
        err_clear(&e);
        if (!first) {
            json_decref(in);
            return cli_fail("items[0]: there is no dossier %lld", (long long)id);
        }
        json_object_set(in, "province_code", json_object_get(first, "province_code"));
        json_decref(first);
    }
    char files_dir[4096], keys_dir[4096], public_url[256];
    if (public_url_of(o, public_url, sizeof public_url)) {
        json_decref(in);
        return 2;
    }
    cli_files_dir(o, files_dir, sizeof files_dir);
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    DecisionEnv env = {files_dir, keys_dir, public_url, o->insecure_public_url};
    Actor who = actor_cli();
    int64_t id = 0;
    int rc = decision_create(db, &who, &env, in, &id, &e);
    json_decref(in);
    if (rc) return report(rc, &e);
    json_t *d = decision_get(db, id, true, &e);
    if (!d) return report(-1, &e);
    if (o->format && strcmp(o->format, "json") == 0) print_json(d);
    else if (!o->quiet) print_decision(db, d);
    json_decref(d);
    return 0;
}

static int decision_list_cmd(Db *db, const Opts *o) {
    DecisionQuery q = {.province = o->province, .level = o->level, .limit = o->limit ? o->limit : 1000};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    if (decision_list(db, &q, &items, &total, &e)) return report(-1, &e);
    if (o->format && strcmp(o->format, "json") == 0) {
        print_json(items);
    } else {
        size_t i;
        json_t *d;
        json_array_foreach(items, i, d) print_decision(db, d);
        if (!o->quiet) fprintf(stderr, "%lld decision(s)\n", (long long)total);
    }
    json_decref(items);
    return 0;
}

int cmd_decision(Opts *o) {
    const char *sub = o->args[0];
    bool add = strcmp(sub, "add") == 0, list = strcmp(sub, "list") == 0, show = strcmp(sub, "show") == 0;
    if (!add && !list && !show) return cli_fail("unknown subcommand 'decision %s': add, list or show", sub), 2;
    if (o->format && strcmp(o->format, "json") != 0) return cli_fail("--format must be json"), 2;
    if (o->level && strcmp(o->level, "province") && strcmp(o->level, "ministry"))
        return cli_fail("--level must be province (3★ and 4★) or ministry (5★)"), 2;
    int64_t id = 0;
    if (list && o->nargs != 1) return cli_fail("usage: ocop decision list [--province CODE] [--level L] [--format json]"), 2;
    if (show && (o->nargs != 2 || !parse_i64(o->args[1], &id) || id <= 0)) return cli_fail("usage: ocop decision show ID"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    int rc;
    if (add) rc = decision_add(db, o);
    else if (list) rc = decision_list_cmd(db, o);
    else {
        Err e = ERR_INIT;
        json_t *d = decision_get(db, id, true, &e);
        rc = d ? 0 : report(-1, &e);
        if (d && o->format) print_json(d);
        else if (d) print_decision(db, d);
        json_decref(d);
    }
    db_close(db);
    return rc;
}

/* ocop certificate revoke CERT_NO --ground G --number N --date D [--note T] */
int cmd_certificate(Opts *o) {
    if (strcmp(o->args[0], "revoke") != 0) return cli_fail("unknown subcommand 'certificate %s': revoke", o->args[0]), 2;
    const char *missing = !o->ground ? "--ground" : !o->number ? "--number" : !o->date ? "--date" : NULL;
    if (missing || o->nargs != 2)
        return cli_fail("%s%susage: ocop certificate revoke CERT_NO --ground G --number N --date YYYY-MM-DD [--note TEXT]",
                        missing ? missing : "", missing ? " is required; " : ""),
               2;
    if (o->format && strcmp(o->format, "json") != 0) return cli_fail("--format must be json"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    json_t *in = json_pack("{s:s, s:s, s:s}", "ground", o->ground, "decision_no", o->number, "decided_on", o->date);
    if (o->note) json_object_set_new(in, "note", json_string(o->note));
    Actor who = actor_cli();
    Err e = ERR_INIT;
    int rc = certificate_revoke(db, &who, o->args[1], in, &e);
    json_decref(in);
    if (rc) {
        db_close(db);
        return report(rc, &e);
    }
    char today[11], a[11];
    date_today(today);
    json_t *c = certificate_get(db, o->args[1], today, &e);
    db_close(db);
    if (!c) return report(-1, &e);
    if (o->format) print_json(c);
    else if (!o->quiet) {
        json_t *r = json_object_get(c, "revocation");
        printf("certificate %s (%s) revoked by decision %s of %s: %s, %s\n", o->args[1], js(json_object_get(c, "product"), "name"),
               o->number, dmy(o->date, a), js(r, "clause"), revocation_ground_vi(o->ground));
    }
    json_decref(c);
    return 0;
}
