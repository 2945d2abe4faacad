/*
** cli.h: the command line: `ocop COMMAND [ARGS]`; cli.c holds the command table and the option
** parser; commands that grew their own module (cli_audit.c, cli_user.c) get the parsed Opts.
*/
#ifndef OCOP_CLI_H
#define OCOP_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"
#include "err.h"
#include "i18n.h"

typedef struct Opts {
    const char *db;
    const char *listen;
    int threads;
    bool quiet, dry_run, if_empty, help, password_stdin, trust_proxy;
    bool force;                 /* restore: --force */
    const char *format, *lang, *output, *files;
    /* user, token and audit commands */
    const char *roles[16];      /* --role ROLE[:SCOPE], repeatable */
    int nroles;
    const char *user, *entity, *entity_id, *action, *from, *to, *scope, *name, *full_name, *email,
        *expect, *key;
    const char *checkpoint;     /* --checkpoint FILE: the audit checkpoint (default beside --db) */
    int64_t limit;              /* --limit N (0: default) */
    int64_t expires_days;       /* --expires DAYS (0: default) */
    int64_t session_idle, session_max; /* serve: seconds (0: default) */
    const char *public_url;     /* serve: --public-url URL (or $OCOP_PUBLIC_URL), base of public links */
    bool insecure_public_url;   /* --insecure-public-url (or $OCOP_INSECURE_PUBLIC_URL=1): demo, tests */
    const char *date;           /* lifecycle: --date YYYY-MM-DD */
    /* dossier and round commands */
    const char *state, *comment, *reason, *province;
    int64_t round, council;
    /* decision and certificate commands: --number, --signer, --title, --level, --ground, --note */
    const char *number, *signer, *title, *level, *ground, *note;
    /* report and plan commands: --unit, --period, --geography, --plan, --months */
    const char *unit, *period, *geography;
    int64_t plan;
    int months;
    int nargs;
    char **args;
} Opts;

int cli_main(int argc, char **argv);

/* The system actor, which may do everything (auth.h): the command line and the server's own
** jobs act as it, under name ("cli:<login name>", "system:lifecycle"; not copied: it must
** outlive the Actor). Only the command line (cli.c, cli_*.c) makes one: requests act as their
** user or as an anonymous caller, and test_actor fails when another file of src/ makes one. */
Actor actor_system(const char *name);
/* actor_system("cli:<login name of the process>"). */
Actor actor_cli(void);

/* "ocop: message" on stderr; returns 1 (the exit status of a failed command). */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The language of the user's environment: Vietnamese when LANGUAGE, LC_ALL, LC_MESSAGES or LANG
** (the first set, as gettext reads them) names vi, else English. */
Lang cli_lang(void);
/* e's message in cli_lang() (err_text), in one of a few static buffers that later calls reuse. */
const char *cli_err(const Err *e);
/* Open the database of o (migrating it first when migrate), or NULL after a message. */
Db *cli_open_db(const Opts *o, bool migrate);

/* The file store of o: --files, or 'files' beside the database (as ocop serve). */
void cli_files_dir(const Opts *o, char *out, size_t n);

/* Commands in their own modules. */
int cmd_audit(Opts *o); /* cli_audit.c: ocop audit verify|list|head|checkpoint|key */
/* cli_audit.c: after a command, move the audit checkpoint of o's database (if there is one) to
** the head of its trail; problems are not the command's: it says nothing. */
void cli_audit_checkpoint(const Opts *o);
/* cli_audit.c: the checkpoints of ocop serve, in a thread of its own: on start, every minute
** (or every 100 entries) while the trail grows, and on stop, which joins it and frees it. */
typedef struct AuditCheckpointer AuditCheckpointer;
AuditCheckpointer *audit_checkpointer_start(const Opts *o);
void audit_checkpointer_stop(AuditCheckpointer *d);
int cmd_user(Opts *o);  /* cli_user.c: ocop user add|list|passwd|disable|enable|grant|revoke */
int cmd_token(Opts *o); /* cli_user.c: ocop token add|list|revoke */
int cmd_rubric(Opts *o); /* cli_rubric.c: ocop rubric show|evaluate */
int cmd_cert(Opts *o);   /* cli_cert.c: ocop cert verify|sample */
int cmd_key(Opts *o);    /* cli_cert.c: ocop key generate|list|export */
int cmd_dossier(Opts *o);   /* cli_dossier.c: ocop dossier list|show|act|minutes */
int cmd_round(Opts *o);     /* cli_dossier.c: ocop round list|add|close */
int cmd_lifecycle(Opts *o); /* cli_lifecycle.c: ocop lifecycle run [--date D] */
int cmd_decision(Opts *o);    /* cli_decision.c: ocop decision add|list|show */
int cmd_certificate(Opts *o); /* cli_decision.c: ocop certificate revoke */
int cmd_report(Opts *o);      /* cli_report.c: ocop report NAME */
int cmd_plan(Opts *o);        /* cli_report.c: ocop plan add|list|show|progress|copy|delete */

/* cli_lifecycle.c: the daily lifecycle job of `ocop serve`, in a thread of its own that runs
** on start and every day at 00:01 Vietnam time; stop joins it. The handle is owned by the
** caller until stop frees it. */
typedef struct LifecycleDaemon LifecycleDaemon;
LifecycleDaemon *lifecycle_daemon_start(const char *db_path);
void lifecycle_daemon_stop(LifecycleDaemon *d);

#endif
