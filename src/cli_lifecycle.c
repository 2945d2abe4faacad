/*
** cli_lifecycle.c: the certificates' lifecycle on the command line, `ocop lifecycle run
** [--date D]`, and the daily job that `ocop serve` runs (decision.h: lifecycle_run). The job
** runs once when the server starts and then every day at 00:01 Vietnam time (UTC+7), in a
** thread of its own with its own database connection; running it twice on a day changes nothing.
**
** A run that meets a storage fault (the write lock held past its bound by a long import, a full
** disk) is tried again after 1, 2, 4, 8 and 16 s; after the last try it fails with a clear error
** (the command exits 1; the server logs it), never leaving due certificates `valid` silently.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "decision.h"
#include "job.h"
#include "log.h"
#include "util.h"

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static long long jint(json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

static void print_counts(json_t *groups, int indent) {
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        const char *code = *jstr(g, "province_code") ? jstr(g, "province_code") : jstr(g, "commune_code");
        printf("%*s%s %s: %lld in the window, %lld past the warning\n", indent, "", code, jstr(g, "name"),
               jint(g, "window"), jint(g, "warning"));
        if (json_object_get(g, "communes")) print_counts(json_object_get(g, "communes"), indent + 2);
    }
}

static void print_report(json_t *rep) {
    json_t *expired = json_object_get(rep, "expired"), *o;
    size_t i;
    printf("lifecycle on %s: %zu certificate(s) expired; %lld product(s) in the re-evaluation window (180 to 121 days "
           "left); %lld past the 120-day warning\n",
           jstr(rep, "date"), json_array_size(expired), jint(rep, "window"), jint(rep, "warning"));
    json_array_foreach(expired, i, o)
        printf("  expired %s: %s, %lld stars (expires_on %s)\n", jstr(o, "cert_no"), jstr(o, "product_name"),
               jint(o, "stars"), jstr(o, "expires_on"));
    print_counts(json_object_get(rep, "by_province"), 2);
    json_array_foreach(json_object_get(rep, "due"), i, o) {
        json_t *p = json_object_get(o, "product"), *d = json_object_get(o, "dossier");
        printf("  %s %s %s: %lld stars, certificate %s expires %s, %lld days left%s%s\n", jstr(o, "phase"), jstr(p, "code"),
               jstr(p, "name"), jint(o, "stars"), *jstr(o, "cert_no") ? jstr(o, "cert_no") : "-", jstr(o, "expires_on"),
               jint(o, "days_left"), json_is_object(d) ? ", dossier filed: " : ", no dossier filed",
               json_is_object(d) ? jstr(d, "state") : "");
    }
}

enum { LIFECYCLE_TRIES = 6 }; /* the first run and 5 retries: 1 + 2 + 4 + 8 + 16 s of waiting */

/* lifecycle_run, tried again while the failure is a storage fault; e says the last failure. */
static int run_retrying(Db *db, Job *job, const Actor *who, const char *date, json_t **rep, Err *e) {
    for (int i = 0;; i++) {
        err_clear(e);
        if (lifecycle_run(db, who, date, rep, e) == 0) return 0;
        Err fault = ERR_INIT;
        if (!db_fault(db, &fault)) return -1; /* not a storage fault: trying again changes nothing */
        if (i + 1 == LIFECYCLE_TRIES) {
            err_set(e, fault.status, "", "%s (gave up after %d tries)", fault.detail, LIFECYCLE_TRIES);
            return -1;
        }
        log_warn("lifecycle %s: %s; trying again in %d s", date, fault.detail, 1 << i);
        if (!job_sleep(job, 1 << i)) return -1; /* the server is stopping */
    }
}

int cmd_lifecycle(Opts *o) {
    if (strcmp(o->args[0], "run") != 0) return cli_fail("unknown subcommand '%s': run", o->args[0]), 2;
    char today[11];
    date_today(today);
    const char *date = o->date ? o->date : today;
    if (!date_valid(date)) return cli_fail("--date must be a date YYYY-MM-DD (got '%s')", date), 2;
    if (o->format && strcmp(o->format, "json") != 0) return cli_fail("--format must be json"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Actor who = actor_cli();
    json_t *rep = NULL;
    Err e = ERR_INIT;
    int rc = run_retrying(db, NULL, &who, date, &rep, &e);
    db_close(db);
    if (rc) return cli_fail("%s", cli_err(&e));
    if (o->format) {
        char *s = json_dumps(rep, JSON_INDENT(2));
        puts(s);
        free(s);
    } else if (!o->quiet) {
        print_report(rep);
    }
    json_decref(rep);
    return 0;
}

/* ---- the daily job of ocop serve ------------------------------------------------------------- */

struct LifecycleDaemon {
    Job *job;
    char *db_path;
};

static void run_once(Job *j, void *arg, bool last) {
    LifecycleDaemon *d = arg;
    Err e = ERR_INIT;
    Db *db = db_open(d->db_path, &e);
    if (!db) {
        log_error("lifecycle: %s", e.detail);
        return;
    }
    char today[11];
    date_today(today);
    Actor who = actor_system("system:lifecycle");
    json_t *rep = NULL;
    if (run_retrying(db, j, &who, today, &rep, &e)) log_error("lifecycle %s: %s", today, e.detail);
    else
        log_info("lifecycle %s: %zu certificate(s) expired, %lld in the re-evaluation window, %lld past the 120-day warning",
                 today, json_array_size(json_object_get(rep, "expired")), jint(rep, "window"), jint(rep, "warning"));
    json_decref(rep);
    db_close(db);
}

/* The next 00:01 in Vietnam (UTC+7, no daylight saving) after now, as a UTC time. */
static time_t next_run(void *arg, time_t now) {
    const time_t offset = 7 * 3600;
    time_t local = now + offset, next = local - local % 86400 + 60;
    if (next <= local) next += 86400;
    return next - offset;
}

static const JobSpec LIFECYCLE_JOB = {"lifecycle: the daily job", run_once, next_run, false};

LifecycleDaemon *lifecycle_daemon_start(const char *db_path) {
    LifecycleDaemon *d = xcalloc(1, sizeof *d);
    d->db_path = xstrdup(db_path);
    d->job = job_start(&LIFECYCLE_JOB, d);
    return d;
}

void lifecycle_daemon_stop(LifecycleDaemon *d) {
    if (!d) return;
    job_stop(d->job);
    free(d->db_path);
    free(d);
}
