/*
** cli_report.c: `ocop report NAME` (report.h) and `ocop plan ...` (plan.h) on the command line,
** for an office that sends its reports from a script and enters its plans from files. The
** command line acts with full rights and is recorded in the audit trail as cli:<login name>.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan.h"
#include "report.h"
#include "util.h"

/* "ocop: field: detail" for e (the detail alone when it names the field), and each problem
** of e->errors on its own line; returns 1. */
static int fail(Err *e) {
    bool named = !e->field[0] || str_has_prefix(cli_err(e), e->field);
    cli_fail("%s%s%s", named ? "" : e->field, named ? "" : ": ", cli_err(e));
    size_t i;
    json_t *p;
    json_array_foreach(e->errors, i, p) {
        const char *text = json_string_value(json_object_get(p, cli_lang() == LANG_VI ? "text_vi" : "reason"));
        if (!text) text = json_string_value(json_object_get(p, "reason"));
        fprintf(stderr, "  %s: %s\n", json_string_value(json_object_get(p, "field")) ?: "", text ? text : "");
    }
    err_clear(e);
    return 1;
}

static int write_out(const char *path, const char *data, size_t n) {
    if (str_eq(path, "-")) return fwrite(data, 1, n, stdout) == n ? 0 : cli_fail("cannot write to standard output");
    FILE *f = fopen(path, "wb");
    if (!f) return cli_fail("cannot write %s: %s", path, strerror(errno));
    bool ok = fwrite(data, 1, n, f) == n;
    ok = fclose(f) == 0 && ok;
    return ok ? 0 : cli_fail("cannot write %s: %s", path, strerror(errno));
}

int cmd_report(Opts *o) {
    int fmt = report_format_parse(o->format ? o->format : "pdf");
    if (fmt < 0) return cli_fail("--format must be pdf, xlsx, csv or json"), 2;
    if (o->lang && strcmp(o->lang, "vi") && strcmp(o->lang, "en")) return cli_fail("--lang must be vi or en"), 2;
    if (o->geography && strcmp(o->geography, "2025") && strcmp(o->geography, "pre2025"))
        return cli_fail("--geography must be 2025 or pre2025"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    ReportQuery q = {.name = o->args[0], .unit = o->unit, .geo = o->geography, .period = o->period, .plan = o->plan,
                     .round = o->round, .months = o->months, .number = o->number, .signer = o->signer,
                     .signer_title = o->title, .lang = o->lang && str_eq(o->lang, "en") ? LANG_EN : LANG_VI};
    Actor who = actor_cli();
    Arena a = {0};
    Err e = ERR_INIT;
    uint64_t t0 = now_ns();
    json_t *m = report_build(db, &a, &who, &q, &e);
    char *out = NULL;
    size_t n = 0;
    int rc = m ? report_render(m, (ReportFormat)fmt, &out, &n, &e) : -1;
    uint64_t t1 = now_ns();
    if (rc) {
        json_decref(m);
        arena_free(&a);
        db_close(db);
        return fail(&e);
    }
    char path[512];
    if (o->output) snprintf(path, sizeof path, "%s", o->output);
    else
        snprintf(path, sizeof path, "%s-%s-%s.%s", q.name, q.unit && *q.unit ? q.unit : "vn",
                 json_string_value(json_object_get(m, "date")), report_format_ext((ReportFormat)fmt));
    rc = write_out(path, out, n);
    if (!rc && !o->quiet && !str_eq(path, "-"))
        fprintf(stderr, "%s: %s, %zu bytes, %.0f ms\n", path, json_string_value(json_object_get(m, "subject")), n, (double)(t1 - t0) / 1e6);
    free(out);
    json_decref(m);
    arena_free(&a);
    db_close(db);
    return rc;
}

/* ---- plans ----------------------------------------------------------------------------------------- */

static void print_json(json_t *o) {
    char *s = json_dumps(o, JSON_INDENT(2));
    puts(s);
    free(s);
}

static int plan_add_cmd(Db *db, const Opts *o) {
    json_error_t je;
    json_t *in = json_load_file(o->args[1], 0, &je);
    if (!in) return cli_fail("%s:%d:%d: %s", o->args[1], je.line, je.column, je.text);
    json_t *list = json_is_array(in) ? in : json_pack("[O]", in), *p;
    size_t i;
    Actor who = actor_cli();
    int rc = 0;
    json_array_foreach(list, i, p) {
        Arena a = {0};
        Err e = ERR_INIT;
        int64_t id = 0;
        if (plan_create(db, &a, &who, p, &id, &e)) {
            fprintf(stderr, "%s: plan %zu (%s):\n", o->args[1], i + 1, json_string_value(json_object_get(p, "title")) ?: "?");
            rc = fail(&e);
        } else if (!o->quiet) {
            printf("plan %lld: %s\n", (long long)id, json_string_value(json_object_get(p, "title")));
        }
        arena_free(&a);
    }
    if (list != in) json_decref(list);
    json_decref(in);
    return rc;
}

static const char *status_word(const char *s) { return s ? s : "-"; }

int cmd_plan(Opts *o) {
    const char *sub = o->args[0];
    static const char *const subs[] = {"add", "list", "show", "progress", "copy", "delete"};
    size_t k = 0;
    while (k < COUNT(subs) && !str_eq(subs[k], sub)) k++;
    if (k == COUNT(subs)) return cli_fail("unknown subcommand 'plan %s': add, list, show, progress, copy or delete", sub), 2;
    int64_t id = 0;
    if (k == 0 && o->nargs != 2) return cli_fail("usage: ocop plan add FILE.json"), 2;
    if (k >= 2 && (o->nargs != 2 || !parse_i64(o->args[1], &id) || id <= 0))
        return cli_fail("usage: ocop plan %s ID (a plan's id: 'ocop plan list')", sub), 2;
    if (k == 1 && o->nargs != 1) return cli_fail("usage: ocop plan list [--unit CODE]"), 2;
    if (k == 4 && (!o->from || !o->to)) return cli_fail("usage: ocop plan copy ID --from YYYY-MM-DD --to YYYY-MM-DD"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Actor who = actor_cli();
    Arena a = {0};
    Err e = ERR_INIT;
    int rc = 0;
    json_t *j = NULL;
    switch (k) {
    case 0: rc = plan_add_cmd(db, o); break;
    case 1: {
        int64_t total = 0;
        if (plan_list(db, o->unit, 0, o->limit ? o->limit : 1000, 0, &j, &total, &e)) {
            rc = fail(&e);
            break;
        }
        size_t i;
        json_t *p;
        if (o->format && str_eq(o->format, "json")) print_json(j);
        else
            json_array_foreach(j, i, p)
                printf("%lld\t%s\t%s..%s\t%s\n", (long long)json_integer_value(json_object_get(p, "id")),
                       *json_string_value(json_object_get(p, "unit")) ? json_string_value(json_object_get(p, "unit")) : "vn",
                       json_string_value(json_object_get(p, "from")), json_string_value(json_object_get(p, "to")),
                       json_string_value(json_object_get(p, "title")));
        break;
    }
    case 2:
        j = plan_get(db, id, &e);
        if (j) print_json(j);
        else rc = fail(&e);
        break;
    case 3: {
        j = plan_progress(db, &a, &who, id, o->date, &e);
        if (!j) {
            rc = fail(&e);
            break;
        }
        if (o->format && str_eq(o->format, "json")) {
            print_json(j);
            break;
        }
        printf("%s, on %s (%.0f%% of the period)\n", json_string_value(json_object_get(json_object_get(j, "plan"), "title")),
               json_string_value(json_object_get(j, "date")), 100 * json_number_value(json_object_get(j, "elapsed")));
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(j, "targets"), i, t) {
            json_t *v = json_object_get(t, "value");
            printf("  %-30s %-12s %s", json_string_value(json_object_get(t, "indicator")),
                   status_word(json_string_value(json_object_get(t, "status"))), json_is_number(v) ? "" : "-");
            if (json_is_number(v)) printf("%g", json_number_value(v));
            if (json_object_get(t, "each") && json_is_string(json_object_get(t, "each")))
                printf(" (each %s: %lld of %lld met)", json_string_value(json_object_get(t, "each")),
                       (long long)json_integer_value(json_object_get(t, "met")), (long long)json_integer_value(json_object_get(t, "of")));
            printf("\n");
        }
        break;
    }
    case 4: {
        int64_t nid = 0;
        if (plan_copy(db, &a, &who, id, o->from, o->to, &nid, &e)) rc = fail(&e);
        else if (!o->quiet) printf("plan %lld\n", (long long)nid);
        break;
    }
    default:
        if (plan_delete(db, &who, id, &e)) rc = fail(&e);
        break;
    }
    json_decref(j);
    arena_free(&a);
    db_close(db);
    return rc;
}
