/*
** cli.c: the command line. One table declares every command with its usage and handler;
** `ocop help COMMAND` and `ocop COMMAND --help` print the same text. Errors go to stderr as
** "ocop: ..." (or "FILE:LINE:COL: ..." for bad input files) with exit status 1; usage
** mistakes exit 2.
*/
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "backup.h"
#include "cert.h"
#include "demo.h"
#include "embed.h"
#include "entity.h"
#include "http.h"
#include "image.h"
#include "importer.h"
#include "migrate.h"
#include "rubric.h"
#include "search.h"
#include "tablew.h"
#include "tmpl.h"
#include "util.h"

typedef struct Command {
    const char *name;
    int (*run)(Opts *o);
    const char *usage;
    const char *help;
    int min_args, max_args;
} Command;

static const Command *find_command(const char *name);

Actor actor_system(const char *name) { return (Actor){ACTOR_SYSTEM, 0, name, "local", NULL}; }

Actor actor_cli(void) {
    static char name[80];
    if (!name[0]) {
        struct passwd *pw = getpwuid(geteuid());
        snprintf(name, sizeof name, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
    }
    return actor_system(name);
}

int cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("ocop: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

Lang cli_lang(void) {
    /* LANGUAGE is a list ("vi:en") that gettext reads first, unless the locale is C */
    const char *locale = NULL;
    const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars && !locale; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) locale = v;
    }
    if (!locale || strcmp(locale, "C") == 0 || strncmp(locale, "C.", 2) == 0 || strcmp(locale, "POSIX") == 0)
        return LANG_EN;
    const char *list = getenv("LANGUAGE");
    if (list && *list) {
        char first[32];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(list, ":"), list); /* "vi:en" -> vi */
        int l = lang_parse(first);
        if (l >= 0) return (Lang)l;
    }
    return lang_parse(locale) == LANG_VI ? LANG_VI : LANG_EN;
}

const char *cli_err(const Err *e) {
    static char bufs[4][1024];
    static unsigned next;
    char *out = bufs[next++ % 4];
    return err_text(e, cli_lang(), out, sizeof bufs[0]);
}

Db *cli_open_db(const Opts *o, bool migrate) {
    Err e = ERR_INIT;
    Db *db = db_open(o->db, &e);
    if (!db) {
        cli_fail("%s", cli_err(&e));
        return NULL;
    }
    if (migrate ? migrate_run(db, 0, &e) < 0 : migrate_check(db, &e) < 0) {
        cli_fail("%s", cli_err(&e));
        db_close(db);
        return NULL;
    }
    return db;
}

/* ---- serve ------------------------------------------------------------------------------ */

/* --public-url: an http(s) address of printable ASCII, copied into out without a trailing '/'.
** 0, or 2 after a message. */
static int public_url_check(const char *url, char *out, size_t n) {
    size_t len = strlen(url);
    bool ok = (str_has_prefix(url, "http://") || str_has_prefix(url, "https://")) && len < n && len <= 200;
    for (const char *p = url; ok && *p; p++) ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7F;
    if (!ok) return cli_fail("--public-url must be an http:// or https:// address without spaces, e.g. https://ocop.example.vn"), 2;
    snprintf(out, n, "%s", url);
    while (len > 0 && out[len - 1] == '/') out[--len] = 0;
    return 0;
}

/* Say at start whether certificates can be issued: a QR code must not open a loopback address. */
static void announce_public_url(const Opts *o, const char *public_url) {
    if (public_url && cert_url_public(public_url)) return;
    char fallback[300];
    snprintf(fallback, sizeof fallback, "http://%s", o->listen);
    const char *url = public_url ? public_url : fallback;
    if (o->insecure_public_url)
        fprintf(stderr, "ocop: --insecure-public-url: certificates will carry %s in their QR codes and signatures; "
                        "for demonstrations and tests only\n", url);
    else
        fprintf(stderr, "ocop: no public address: certificates will not be issued until ocop serve is started with "
                        "--public-url https://... (or OCOP_PUBLIC_URL), as their QR codes would open %s\n", url);
}

static int cmd_serve(Opts *o) {
    App app = {0};
    app.db_path = o->db;
    /* libvips starts here, before the worker threads, for photo uploads (image.h); other
    ** commands start it on first use only: loading its modules costs every command 50 ms. */
    image_init(NULL);
    /* Uploaded files live beside the database unless --files says otherwise. */
    char files_dir[4096];
    if (o->files) snprintf(files_dir, sizeof files_dir, "%s", o->files);
    else {
        const char *slash = strrchr(o->db, '/');
        if (slash) snprintf(files_dir, sizeof files_dir, "%.*s/files", (int)(slash - o->db), o->db);
        else snprintf(files_dir, sizeof files_dir, "files");
    }
    app.files_dir = files_dir;
    app.threads = o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (app.threads < 1) app.threads = 1;
    app.max_body = 1024 * 1024;
    app.max_import_body = 64 * 1024 * 1024;
    app.timeout_s = 30;
    app.quiet = o->quiet;
    const char *listen = o->listen;
    const char *colon = strrchr(listen, ':');
    int64_t port;
    if (!colon || !parse_i64(colon + 1, &port) || port < 0 || port > 65535)
        return cli_fail("--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '%s')", listen), 2;
    app.host = xstrndup(listen, (size_t)(colon - listen));
    app.port = (int)port;
    /* Migrate before listening: a fresh file gets the schema and the reference data. */
    Db *db = cli_open_db(o, true);
    if (!db) {
        free((char *)app.host);
        return 1;
    }
    int64_t users = db_int1(db, "SELECT count(*) FROM products", NULL);
    int64_t admins = db_int1(db, "SELECT count(*) FROM users u WHERE status = 'active' AND EXISTS "
                                 "(SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = ?)", "admin");
    /* Build the search index before listening, so no first search waits for it. */
    app.search = search_cache_new();
    search_cache_use(db, app.search);
    Err se = ERR_INIT;
    if (search_cache_warm(db, &se)) fprintf(stderr, "ocop: search index: %s\n", se.detail);
    /* The score sheets too (1.5 MB of JSON): parsed once here rather than by the first request. */
    rubric_get(rubric_versions()[0]);
    /* The page templates: parsed once; a broken one is a broken build and stops here. */
    TmplSet *templates = tmpl_load_embedded();
    app.tmpl = templates;
    db_close(db);
    if (users == 0) fprintf(stderr, "ocop: the database %s has no products yet; 'ocop demo --db %s' loads demo data\n", o->db, o->db);
    if (admins == 0)
        fprintf(stderr, "ocop: no administrator yet; create the first one with:\n"
                        "  ocop user add NAME --role admin --db %s        (asks for the password)\n"
                        "  echo 'PASSPHRASE' | ocop user add NAME --role admin --password-stdin --db %s\n",
                o->db, o->db);
    if (o->session_idle) auth_config.idle_s = (int)o->session_idle;
    if (o->session_max) auth_config.absolute_s = (int)o->session_max;
    app.trust_proxy = o->trust_proxy;
    char public_url[256];
    if (o->public_url) {
        if (public_url_check(o->public_url, public_url, sizeof public_url)) {
            search_cache_free(app.search);
            tmpl_free(templates);
            free((char *)app.host);
            return 2;
        }
        app.public_url = public_url;
    }
    app.insecure_public_url = o->insecure_public_url;
    announce_public_url(o, app.public_url);
    LifecycleDaemon *daily = lifecycle_daemon_start(o->db);
    AuditCheckpointer *checkpoints = audit_checkpointer_start(o);
    int rc = http_serve(&app);
    audit_checkpointer_stop(checkpoints);
    lifecycle_daemon_stop(daily);
    search_cache_free(app.search);
    tmpl_free(templates);
    free((char *)app.host);
    return rc ? 1 : 0;
}

/* ---- migrate, demo, backup, version ------------------------------------------------------- */

static int cmd_migrate(Opts *o) {
    Err e = ERR_INIT;
    Db *db = db_create(o->db, &e); /* the one command that makes a database */
    if (!db) return cli_fail("%s", cli_err(&e));
    int n = migrate_run(db, !o->quiet, &e);
    if (n < 0) {
        db_close(db);
        return cli_fail("%s", cli_err(&e));
    }
    if (!o->quiet) printf("%s: schema version %d (%d migration(s) applied)\n", o->db, migrate_latest(), n);
    db_close(db);
    return 0;
}

static int cmd_demo(Opts *o) {
    Db *db = cli_open_db(o, true);
    if (!db) return 1;
    Err e = ERR_INIT;
    if (o->if_empty && db_int1(db, "SELECT count(*) FROM producers", NULL) > 0) {
        if (!o->quiet) printf("%s already holds data; demo not loaded\n", o->db);
        db_close(db);
        return 0;
    }
    char today[11];
    if (o->date && !date_valid(o->date)) {
        db_close(db);
        return cli_fail("--date must be a date YYYY-MM-DD"), 2;
    }
    if (o->date) snprintf(today, sizeof today, "%s", o->date);
    else date_today(today);
    Actor who = actor_cli();
    /* The demo's certificates point to the server `make run` starts (or --public-url). */
    char files_dir[4096], keys_dir[4096], public_url[256];
    cli_files_dir(o, files_dir, sizeof files_dir);
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    snprintf(public_url, sizeof public_url, o->public_url ? "%s" : "http://%s", o->public_url ? o->public_url : o->listen);
    DecisionEnv env = {files_dir, keys_dir, public_url, true};
    int rc = demo_load(db, &who, &env, today, !o->quiet, &e);
    db_close(db);
    if (rc) {
        cli_fail("%s", cli_err(&e));
        if (e.errors) {
            char *s = json_dumps(e.errors, JSON_INDENT(1));
            fprintf(stderr, "%s\n", s);
            free(s);
        }
        err_clear(&e);
        return 1;
    }
    return 0;
}

void cli_files_dir(const Opts *o, char *out, size_t n) {
    if (o->files) {
        snprintf(out, n, "%s", o->files);
        return;
    }
    const char *slash = strrchr(o->db, '/');
    if (slash) snprintf(out, n, "%.*s/files", (int)(slash - o->db), o->db);
    else snprintf(out, n, "files");
}

/* Ctrl-C (or a TERM, HUP) during a backup or restore: stop it, so that it removes what it
** wrote, instead of dying with a half-written copy left behind. */
static Db *copying_db;

static void on_stop_signal(int sig) {
    (void)sig;
    backup_interrupt();
    if (copying_db) db_interrupt(copying_db);
}

static void catch_stop_signals(Db *db) {
    copying_db = db;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static int cmd_backup(Opts *o) {
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    catch_stop_signals(db);
    char files_dir[4096];
    cli_files_dir(o, files_dir, sizeof files_dir);
    Err e = ERR_INIT;
    BackupReport r;
    uint64_t t0 = now_ns();
    int rc = backup_make(db, files_dir, o->args[0], &r, &e);
    copying_db = NULL;
    db_close(db);
    if (rc) return cli_fail("backup: %s", cli_err(&e));
    if (!o->quiet)
        printf("backed up %s to %s in %.1f s: the database, %lld stored files (%lld bytes; %lld referenced), "
               "%lld public keys (not the secret keys)\n",
               o->db, o->args[0], (double)(now_ns() - t0) / 1e9, (long long)r.files, (long long)r.bytes,
               (long long)r.referenced, (long long)r.keys);
    return 0;
}

static int cmd_restore(Opts *o) {
    char files_dir[4096], keys_dir[4096];
    cli_files_dir(o, files_dir, sizeof files_dir);
    cert_keys_dir(o->db, keys_dir, sizeof keys_dir);
    Err e = ERR_INIT;
    BackupReport r;
    catch_stop_signals(NULL);
    if (backup_restore(o->args[0], o->db, files_dir, keys_dir, o->force, &r, &e))
        return cli_fail("restore: %s", cli_err(&e));
    if (!o->quiet)
        printf("restored %s into %s (files in %s), checked: storage integrity ok; audit trail intact "
               "(%lld entries); %lld referenced files present with the right SHA-256 (%lld stored files); "
               "%lld public keys match; %lld products\n",
               o->args[0], o->db, files_dir, (long long)r.audit_entries, (long long)r.referenced,
               (long long)r.files, (long long)r.keys, (long long)r.products);
    if (r.missing_secret[0])
        fprintf(stderr, "ocop: restore: no secret key in %s for: %s. Copy the key files (ID.key, mode 0600) "
                        "from where you keep them, or decisions cannot sign certificates with these keys.\n",
                keys_dir, r.missing_secret);
    return 0;
}

static int cmd_version(Opts *o) {
    printf("ocop %s (schema %d)\n", OCOP_VERSION, migrate_latest());
    return 0;
}

/* ---- import / export ------------------------------------------------------------------------ */

static void progress_bar(void *arg, const char *phase, size_t done, size_t total) {
    if (strcmp(phase, "search") == 0) {
        if (done < total) fprintf(stderr, "indexing %zu new records for search...", total);
        else fputs(" done\n", stderr);
        return;
    }
    if (!total) return;
    int width = 40, fill = (int)(done * (size_t)width / total);
    fprintf(stderr, "\r%s [", (const char *)arg);
    for (int i = 0; i < width; i++) fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %3d%% %zu/%zu rows", (int)(done * 100 / total), done, total);
    if (done == total) fputc('\n', stderr);
}

static char *read_file(const char *path, size_t *n, size_t limit) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_fail("%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > limit) {
        fclose(f);
        cli_fail("%s: the file is larger than %zu MiB", path, limit >> 20);
        return NULL;
    }
    Buf b = BUF_INIT;
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        buf_append(&b, chunk, got);
        if (b.n > limit) {
            fclose(f);
            buf_free(&b);
            cli_fail("%s: the file is larger than %zu MiB", path, limit >> 20);
            return NULL;
        }
    }
    fclose(f);
    *n = b.n;
    return buf_take(&b);
}

static int letters_to_col(const char *s) {
    int n = 0;
    for (; s && *s >= 'A' && *s <= 'Z'; s++) n = n * 26 + (*s - 'A' + 1);
    return n;
}

static int cmd_import(Opts *o) {
    const Entity *en = entity_by_name(o->args[0]);
    if (!en) return cli_fail("cannot import '%s': kinds are producers, products, recognitions, villages, points, councils, dossiers", o->args[0]), 2;
    const char *path = o->args[1];
    TableFormat fmt = TABLE_AUTO;
    if (o->format && strcmp(o->format, "csv") == 0) fmt = TABLE_CSV;
    else if (o->format && strcmp(o->format, "xlsx") == 0) fmt = TABLE_XLSX;
    else if (o->format) return cli_fail("--format must be csv or xlsx"), 2;
    size_t n;
    char *data = read_file(path, &n, 64u << 20);
    if (!data) return 1;
    Db *db = cli_open_db(o, false);
    if (!db) {
        free(data);
        return 1;
    }
    ImportResult res;
    Err e = ERR_INIT;
    Actor who = actor_cli();
    bool tty = isatty(2) && !o->quiet;
    char label[64];
    snprintf(label, sizeof label, "importing %s", en->name);
    int rc = import_run(db, en, &who, data, n, fmt, o->dry_run, cli_lang(), tty ? progress_bar : NULL, label, &res, &e);
    free(data);
    db_close(db);
    size_t i;
    json_t *p;
    if (!rc) json_array_foreach(res.duplicate_rows, i, p) {
        fprintf(stderr, "%s:%lld: duplicate of %s %lld (%s): skipped\n", path,
                (long long)json_integer_value(json_object_get(p, "row")), en->singular,
                (long long)json_integer_value(json_object_get(p, "existing_id")),
                json_string_value(json_object_get(p, "text")));
    }
    if (rc) {
        if (!e.errors) {
            /* a file-level error at a place (table.c) becomes FILE:R:C: reason, in the CLI's language */
            long row = 0, col = 0;
            int used = 0;
            Err what = e; /* the message without its place */
            what.row = 0;
            what.errors = NULL;
            if (e.row > 0 && e.key) {
                if (e.col > 0) fprintf(stderr, "%s:%ld:%d: %s\n", path, e.row, e.col, cli_err(&what));
                else fprintf(stderr, "%s:%ld: %s\n", path, e.row, cli_err(&what));
            } else if (sscanf(e.detail, "row %ld, column %ld%n", &row, &col, &used) == 2) {
                const char *rest = e.detail + used;
                if (*rest == ' ' && rest[1] == '(') rest = strchr(rest, ')') ? strchr(rest, ')') + 1 : rest;
                if (*rest == ':') rest++;
                while (*rest == ' ') rest++;
                fprintf(stderr, "%s:%ld:%ld: %s\n", path, row, col, rest);
            } else if (sscanf(e.detail, "row %ld%n", &row, &used) == 1 && (e.detail[used] == ':' || e.detail[used] == ',')) {
                const char *rest = e.detail + used + 1;
                while (*rest == ' ') rest++;
                fprintf(stderr, "%s:%ld: %s\n", path, row, rest);
            } else {
                fprintf(stderr, "%s: %s\n", path, cli_err(&e));
            }
        }
        json_array_foreach(res.problems, i, p) {
            const char *col = json_string_value(json_object_get(p, "column"));
            const char *field = json_string_value(json_object_get(p, "field"));
            const char *value = json_string_value(json_object_get(p, "value"));
            char where[32] = "";
            if (col) snprintf(where, sizeof where, "%d:", letters_to_col(col));
            (void)field;
            fprintf(stderr, "%s:%lld:%s %s%s%s%s\n", path, (long long)json_integer_value(json_object_get(p, "row")),
                    where, col ? "column " : "", col ? col : "", col ? ": " : "", json_string_value(json_object_get(p, "text")));
            if (value && *value) fprintf(stderr, "    value: '%s'\n", value);
        }
        if (e.errors) fprintf(stderr, "ocop: %zu row(s) with problems in %s: nothing was imported\n", res.errors, path);
        import_result_free(&res);
        err_clear(&e);
        return 1;
    }
    if (!o->quiet)
        printf("%s %zu %s from %s (%zu row(s) read, %zu duplicate(s) skipped)\n", o->dry_run ? "would import" : "imported",
               res.created, en->name, path, res.rows, res.duplicates);
    import_result_free(&res);
    return 0;
}

static int cmd_export(Opts *o) {
    const Entity *en = entity_by_name(o->args[0]);
    if (!en) return cli_fail("cannot export '%s': kinds are producers, products, recognitions, villages, points, councils, dossiers", o->args[0]), 2;
    TableFormat fmt = TABLE_CSV;
    const char *format = o->format;
    if (!format && o->output) {
        size_t n = strlen(o->output);
        if (n > 5 && strcmp(o->output + n - 5, ".xlsx") == 0) format = "xlsx";
    }
    if (format && strcmp(format, "xlsx") == 0) fmt = TABLE_XLSX;
    else if (format && strcmp(format, "csv") != 0) return cli_fail("--format must be csv or xlsx"), 2;
    if (o->lang && strcmp(o->lang, "vi") && strcmp(o->lang, "en")) return cli_fail("--lang must be vi or en"), 2;
    if (fmt == TABLE_XLSX && !o->output && isatty(1)) return cli_fail("XLSX is binary: give --output FILE"), 2;
    Db *db = cli_open_db(o, false);
    if (!db) return 1;
    Arena a = {0};
    Actor who = actor_cli();
    ListQuery lq = {.limit = -1, .who = &who};
    json_t *items = NULL;
    int64_t total = 0;
    Err e = ERR_INIT;
    char *out = NULL;
    size_t n = 0;
    int rc = entity_list(db, &a, en, &lq, &items, &total, &e);
    if (!rc) rc = entity_export(db, en, &who, items, fmt, !o->lang || strcmp(o->lang, "vi") == 0, &a, &out, &n, &e);
    json_decref(items);
    arena_free(&a);
    db_close(db);
    if (rc) return cli_fail("%s", cli_err(&e));
    FILE *f = o->output ? fopen(o->output, "wb") : stdout;
    if (!f) {
        free(out);
        return cli_fail("%s: %s", o->output, strerror(errno));
    }
    size_t w = fwrite(out, 1, n, f);
    free(out);
    if (o->output) fclose(f);
    if (w != n) return cli_fail("writing %s failed", o->output ? o->output : "standard output");
    if (o->output && !o->quiet) fprintf(stderr, "exported %lld %s to %s\n", (long long)total, en->name, o->output);
    return 0;
}

/* ---- help ------------------------------------------------------------------------------------ */

static int cmd_help(Opts *o);

static const Command commands[] = {
    {"serve", cmd_serve,
     "ocop serve [--db PATH] [--listen HOST:PORT] [--threads N] [--files DIR] [--quiet] [--session-idle S] [--session-max S] [--trust-proxy] [--public-url URL] [--insecure-public-url] [--checkpoint FILE]",
     "Serve the web application and the JSON API. Applies pending migrations first (the database\n"
     "must exist: 'ocop migrate' makes it).\n"
     "  --db PATH            SQLite database (default ./ocop.db, or $OCOP_DB)\n"
     "  --listen HOST:PORT   address to listen on (default 127.0.0.1:8080, or $OCOP_LISTEN;\n"
     "                       port 0 picks a free port, printed in the log)\n"
     "  --threads N          worker threads, each with its own database connection (default: CPUs)\n"
     "  --files DIR          where uploaded files are stored (default: 'files' beside the database)\n"
     "  --quiet              no access log\n"
     "  --session-idle S     end a session after S seconds without a request (default 1800)\n"
     "  --session-max S      end a session S seconds after sign-in (default 43200)\n"
     "  --trust-proxy        behind a reverse proxy: take the client address from X-Forwarded-For\n"
     "                       and mark the session cookie Secure when X-Forwarded-Proto is https\n"
     "  --public-url URL     the address the public reaches this server at, for the links that\n"
     "                       certificates print in their QR code (or $OCOP_PUBLIC_URL). Until it is\n"
     "                       a real address (not localhost or 127.x), no certificate is issued\n"
     "  --insecure-public-url  issue certificates with http://HOST:PORT anyway: for the demo and\n"
     "                       tests only (or $OCOP_INSECURE_PUBLIC_URL=1)\n"
     "  --checkpoint FILE    the audit trail's signed checkpoint, written on start, every minute\n"
     "                       while the trail grows and on stop (default DB.audit-checkpoint, or\n"
     "                       $OCOP_AUDIT_CHECKPOINT; see 'ocop help audit')\n"
     "Runs the certificates' lifecycle (see 'ocop help lifecycle') on start and every day at 00:01\n"
     "Vietnam time. Stops on SIGINT/SIGTERM after finishing the requests in flight.", 0, 0},
    {"migrate", cmd_migrate, "ocop migrate [--db PATH] [--quiet]",
     "Create or upgrade the database schema and load the reference data (administrative units,\n"
     "product classification). Refuses a database made by a newer ocop. The only command that\n"
     "creates a database: every other one answers \"no database at PATH\" when it is missing.", 0, 0},
    {"demo", cmd_demo, "ocop demo [--db PATH] [--if-empty] [--date YYYY-MM-DD]",
     "Load the demonstration data set (producers, products, recognitions, craft villages and\n"
     "points of sale in An Giang, Hậu Giang, Bến Tre, Hà Tĩnh and Đồng Tháp), two demo councils,\n"
     "one account per role (admin, tinh.vinhlong, xa.mocay, hd.chutich, hd.thanhvien, hd.thuky,\n"
     "chuthe.thanhlong; hd2.chutich, hd2.thanhvien, hd2.thanhvien2, hd2.thuky of council 2), all\n"
     "with the password demo-ocop-2026, and ten dossiers at every step of the procedure up to the\n"
     "council's scoring (README). For trying ocop out only.\n"
     "The recognitions are dated relative to the day it is loaded (see data/README.md), so the\n"
     "demo shows valid stars whenever it runs; the dossiers are dated from the real day.\n"
     "  --if-empty   do nothing when the database already holds producers\n"
     "  --date D     load the registry as if today were D (default today, Vietnam time)", 0, 0},
    {"import", cmd_import, "ocop import KIND FILE [--db PATH] [--dry-run] [--format csv|xlsx]",
     "Import a CSV or XLSX list; KIND is producers, products, recognitions, villages, points,\n"
     "councils, or dossiers (those decided on paper before ocop: closed, with their round, score\n"
     "and stars).\n"
     "All or nothing: on any error nothing is written and every bad row is reported as\n"
     "FILE:ROW:COLUMN: reason. Duplicates of existing records are reported and skipped.\n"
     "Column headers may be in Vietnamese or English; see docs/import.md.\n"
     "  --dry-run    check everything and report what would happen, write nothing\n"
     "  --format     csv or xlsx (default: detected from the content)", 2, 2},
    {"export", cmd_export, "ocop export KIND [--db PATH] [--format csv|xlsx] [--lang vi|en] [--output FILE]",
     "Export a whole list as CSV (default, to standard output) or XLSX. The file re-imports to\n"
     "the same data with 'ocop import'.\n"
     "  --lang       column headers in Vietnamese (default) or English", 1, 1},
    {"backup", cmd_backup, "ocop backup DEST [--db PATH] [--files DIR]",
     "Back up the whole system into the new directory DEST while the server runs: the database as\n"
     "of one moment (writers go on meanwhile), every stored file (photos, evidence, certificate\n"
     "PDFs) and the public signing keys; not the secret keys (keep those apart). See\n"
     "docs/operations.md.\n"
     "  --files      the file store (default: 'files' beside the database)", 1, 1},
    {"restore", cmd_restore, "ocop restore BACKUP --db PATH [--files DIR] [--force]",
     "Restore a backup made by 'ocop backup' into the database PATH and its file store, after\n"
     "checking it: storage integrity, the audit chain, every file the records refer to present\n"
     "with the right SHA-256, the public keys. Nothing is replaced when a check fails.\n"
     "  --force      replace an existing database (refused otherwise)\n"
     "  --files      the file store to restore into (default: 'files' beside the database)", 1, 1},
    {"user", cmd_user,
     "ocop user add|list|show|passwd|disable|enable|grant|revoke [NAME] [--role ROLE[:SCOPE]]... [--password-stdin]",
     "Manage user accounts and their roles.\n"
     "  ocop user add NAME --role ROLE[:SCOPE]... [--password-stdin] [--full-name TEXT] [--email ADDR]\n"
     "  ocop user list [--role ROLE] [--format json]\n"
     "  ocop user show NAME\n"
     "  ocop user passwd NAME [--password-stdin]\n"
     "  ocop user disable NAME      (ends every session and token use of the account)\n"
     "  ocop user enable NAME\n"
     "  ocop user grant NAME ROLE[:SCOPE]\n"
     "  ocop user revoke NAME ROLE[:SCOPE]\n"
     "Roles and their scopes: admin; ministry (the Ministry's 5★ evaluation); province:PROVINCE_CODE;\n"
     "commune:COMMUNE_CODE; "
     "council_chair|council_member|council_secretary:COUNCIL_ID;\n"
     "producer:PRODUCER_ID.\n"
     "Codes are those of the 2025 geography (QĐ 19/2025/QĐ-TTg), e.g. province:86, commune:28903.\n"
     "Without --password-stdin the password is asked twice on the terminal (not echoed).\n"
     "Example: echo 'a long passphrase' | ocop user add root --role admin --password-stdin", 1, 3},
    {"token", cmd_token, "ocop token add|list|revoke [NAME|ID] [--user NAME] [--scope read|write] [--expires DAYS]",
     "Manage API tokens for integrations (sent as 'Authorization: Bearer TOKEN').\n"
     "  ocop token add NAME --user USER [--scope read|write] [--expires DAYS]\n"
     "      prints the token once; only its SHA-256 is stored (default scope read, 90 days)\n"
     "  ocop token list [--user USER]\n"
     "  ocop token revoke ID", 1, 2},
    {"audit", cmd_audit,
     "ocop audit verify|list|head|checkpoint|key [--checkpoint FILE] [--key HEX] [--user NAME] [--entity E] [--entity-id ID] [--action A] [--from D] [--to D]",
     "The tamper-evident audit trail (see docs/audit.md).\n"
     "  ocop audit verify [--expect ID:HASH] [--checkpoint FILE] [--key HEX]\n"
     "      check the hash chain (names the first broken entry) and that the trail still holds the\n"
     "      entry of its signed checkpoint (fewer entries: the trail was truncated). The checkpoint\n"
     "      is DB.audit-checkpoint beside the database (or --checkpoint, $OCOP_AUDIT_CHECKPOINT);\n"
     "      --key pins the audit key's public key (default: keys/audit.key beside the database)\n"
     "  ocop audit list [filters] [--limit N] [--format json|csv|xlsx] [--output FILE]\n"
     "  ocop audit head                        the last entry's id and hash (keep it elsewhere)\n"
     "  ocop audit checkpoint                  move the checkpoint to the head now (ocop serve does\n"
     "      it every minute, other commands after they write); copy it off the machine\n"
     "  ocop audit key                         the public key that signs the checkpoints\n"
     "Filters: --user NAME, --entity products, --entity-id 12, --action update,\n"
     "--from YYYY-MM-DD, --to YYYY-MM-DD (inclusive).", 1, 1},
    {"rubric", cmd_rubric, "ocop rubric show|evaluate VERSION SET [FILE] [--format json]",
     "The official score sheets (Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP), versions 26-2026\n"
     "(QĐ 26/2026/QĐ-TTg, in force) and 148-2023 (QĐ 148/QĐ-TTg).\n"
     "  ocop rubric show VERSION SET              the sheet of product set SET (1-26)\n"
     "  ocop rubric evaluate VERSION SET FILE     score a JSON file {\"choices\": {\"1.1\": 2, ...}}\n"
     "      (FILE - reads standard input): parts, total, band, stars after the minimums, and\n"
     "      the criteria whose minimum for the band was not met", 3, 4},
    {"cert", cmd_cert, "ocop cert verify FILE-or-URL [--key HEX] [--format json] | ocop cert sample OUTPUT.pdf",
     "Certificates of OCOP recognition (PDF with a QR code and an Ed25519 signature; see\n"
     "docs/certificates.md).\n"
     "  ocop cert verify FILE-or-URL [--key HEX] [--format json]\n"
     "      check the signature offline against the issuing authority's public key: the one\n"
     "      registered in --db under the certificate's key id, or the one given with --key\n"
     "      (then no database is needed). FILE is a certificate PDF or a saved verification\n"
     "      page; an http(s) URL is fetched first. A PDF must also be byte for byte the one\n"
     "      issued (its page signature): an altered page fails. Exit 0 when valid, 1 when not.\n"
     "  ocop cert sample OUTPUT.pdf\n"
     "      a sample certificate signed with the key of province 86 (made if missing)", 2, 2},
    {"key", cmd_key, "ocop key generate|list|export|retire [KEY_ID] [--format json]",
     "The Ed25519 keys that sign certificates, one per issuing authority: the 2025 province\n"
     "code, or 'bo' for the Ministry; a later key of the same authority adds '-LABEL' ('86-2027').\n"
     "The secret key is the file keys/KEY_ID.key beside the database (mode 0600), never in it.\n"
     "  ocop key generate KEY_ID   make a key pair (refuses to replace an existing one)\n"
     "  ocop key list              the keys: id, public key, created, retired\n"
     "  ocop key export KEY_ID     print the public key (hex) to publish for verifiers\n"
     "  ocop key retire KEY_ID     stop signing with it; what it signed still verifies", 1, 2},
    {"dossier", cmd_dossier, "ocop dossier list|show|act|minutes [ID] [ACTION] [--state S] [--province P] [--comment T]",
     "Evaluation dossiers (see docs/evaluation.md). The command line acts with full rights.\n"
     "  ocop dossier list [--state S] [--province CODE] [--format json] [--limit N]\n"
     "  ocop dossier show ID                 the dossier, its history and its evidence\n"
     "  ocop dossier act ID ACTION [--comment TEXT] [--reason TEXT] [--round ID]\n"
     "      ACTION: submit, receive, return, resubmit, forward, check, reject, assign, withdraw,\n"
     "      not_recognized (see GET /api/v1/dossier-transitions)\n"
     "  ocop dossier minutes ID              the council's minutes (biên bản)", 1, 3},
    {"round", cmd_round, "ocop round list|add|close [PROVINCE YEAR NUMBER | ID] [--council ID] [--province CODE]",
     "The province's evaluation rounds.\n"
     "  ocop round list [--province CODE]\n"
     "  ocop round add PROVINCE YEAR NUMBER [--council ID]   round 1 takes dossiers forwarded by\n"
     "      30/4 and ends 30/6; round 2 by 30/10 and 30/12\n"
     "  ocop round close ID", 1, 4},
    {"lifecycle", cmd_lifecycle, "ocop lifecycle run [--date YYYY-MM-DD] [--format json]",
     "The certificates' lifecycle (QĐ 26/2026/QĐ-TTg Điều 4.3 and 7.6), as `ocop serve` runs it daily.\n"
     "  ocop lifecycle run [--date D]   certificates whose validity ended by D (default today, Vietnam\n"
     "      time) become expired; prints them and the products whose certificate expires within 180\n"
     "      days: in the re-evaluation window (180 to 121 days left: the producer files now) or past\n"
     "      the 120-day warning (the filing deadline has passed), by province and commune.\n"
     "Running it again for the same day changes nothing.", 1, 1},
    {"decision", cmd_decision,
     "ocop decision add|list|show [DOSSIER_ID...|ID] [--number N] [--date D] [--signer NAME] [--title TITLE] [--level L] [--province CODE]",
     "Recognition decisions (quyết định công nhận; see docs/evaluation.md), recorded once signed.\n"
     "  ocop decision add --number N --date YYYY-MM-DD --signer NAME --title TITLE\n"
     "                    [--level province|ministry] [--province CODE] [--note TEXT] DOSSIER_ID...\n"
     "      recognise the scored dossiers and issue their certificates (PDF signed with the\n"
     "      authority's key: 'ocop key generate 86', or 'bo' for the Ministry). Level province\n"
     "      (3★ and 4★, the default; the province is that of the dossiers unless --province) or\n"
     "      ministry (5★). All or nothing: one dossier that may not be recognised refuses all.\n"
     "      --files DIR: the file store (default 'files' beside --db, as 'ocop serve');\n"
     "      --public-url URL: the server's public address for the QR code (or $OCOP_PUBLIC_URL;\n"
     "      refused when it is missing or a loopback address, unless --insecure-public-url)\n"
     "  ocop decision list [--province CODE|bo] [--level L] [--format json]\n"
     "  ocop decision show ID [--format json]", 1, 201},
    {"certificate", cmd_certificate,
     "ocop certificate revoke CERT_NO --ground G --number N --date YYYY-MM-DD [--note TEXT]",
     "Revoke a certificate by the authority's decision N of date D, on a legal ground of\n"
     "QĐ 26/2026/QĐ-TTg Điều 8.1: false_information (a), criteria_not_met (b), law_violation (c),\n"
     "mark_misuse (d), ceased_production (đ), authority_conclusion (e). Ends its recognition; a\n"
     "certificate that has ended (expired, revoked, superseded) is not revoked.", 2, 2},
    {"report", cmd_report,
     "ocop report NAME [--unit CODE] [--period P] [--format pdf|xlsx|csv|json] [--geography 2025|pre2025] [--output FILE]",
     "A report of a unit for a period (see docs/reports.md), as the web and GET /api/v1/reports/NAME make it.\n"
     "  NAME: summary (the programme's figures), products (the OCOP products in force), due (products\n"
     "        whose certificate ends within --months, default 6, of the period's end), progress (the\n"
     "        unit's plans, or --plan ID), round (an evaluation round's results: --round ID)\n"
     "  --unit CODE       a province, a pre-2025 district or a commune; none: the whole country\n"
     "  --period P        2022, 2022-07, 2021-2025, 2022-07-31 (from 1 January) or\n"
     "                    2022-01-01..2022-07-31; default this year up to today. Stocks are counted\n"
     "                    on its last day, flows over it\n"
     "  --geography G     2025 (34 provinces) or pre2025 (63 provinces, districts); default the map\n"
     "                    in force on the period's last day\n"
     "  --format F        pdf (default), xlsx, csv or json (the document's model)\n"
     "  --output FILE     where to write it (default NAME-UNIT-PERIOD.EXT in the current directory;\n"
     "                    - for standard output)\n"
     "  --number N        the document's number (45/BC-UBND); --signer NAME, --title TITLE: the\n"
     "                    signature block; --lang en for English", 1, 1},
    {"plan", cmd_plan, "ocop plan add|list|show|progress|copy|delete [FILE|ID] [--unit CODE] [--date D] [--from D --to D]",
     "Plans and their targets (see docs/plans.md). The command line acts with full rights.\n"
     "  ocop plan add FILE.json       a plan as POST /api/v1/plans takes it (one object, or an array\n"
     "                                of them, each checked whole; nothing is saved on a problem)\n"
     "  ocop plan list [--unit CODE]  the plans (of a unit; '' the country's)\n"
     "  ocop plan show ID             the plan as JSON\n"
     "  ocop plan progress ID [--date D] [--format json]   its targets against the registry\n"
     "  ocop plan copy ID --from D --to D   a copy for another period\n"
     "  ocop plan delete ID", 1, 2},
    {"version", cmd_version, "ocop version", "Print the version and schema version.", 0, 0},
    {"help", cmd_help, "ocop help [COMMAND]", "Show the commands, or one command's help.", 0, 1},
};

static const Command *find_command(const char *name) {
    for (size_t i = 0; i < COUNT(commands); i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static void print_usage(FILE *f) {
    fprintf(f, "ocop %s: the OCOP (Mỗi xã một sản phẩm) information system\n\nusage: ocop COMMAND [OPTIONS]\n\ncommands:\n",
            OCOP_VERSION);
    for (size_t i = 0; i < COUNT(commands); i++) fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "\n'ocop help COMMAND' or 'ocop COMMAND --help' explains one command.\n");
}

static int cmd_help(Opts *o) {
    if (o->nargs == 0) {
        print_usage(stdout);
        return 0;
    }
    const Command *c = find_command(o->args[0]);
    if (!c) return cli_fail("no command '%s'; 'ocop help' lists them", o->args[0]), 2;
    printf("usage: %s\n\n%s\n", c->usage, c->help);
    return 0;
}

int cli_main(int argc, char **argv) {
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) argv[1] = "version";
    const Command *c = find_command(argv[1]);
    if (!c) {
        cli_fail("unknown command '%s'", argv[1]);
        print_usage(stderr);
        return 2;
    }
    Opts o = {0};
    o.db = getenv("OCOP_DB") && *getenv("OCOP_DB") ? getenv("OCOP_DB") : "ocop.db";
    o.listen = getenv("OCOP_LISTEN") && *getenv("OCOP_LISTEN") ? getenv("OCOP_LISTEN") : "127.0.0.1:8080";
    o.public_url = getenv("OCOP_PUBLIC_URL") && *getenv("OCOP_PUBLIC_URL") ? getenv("OCOP_PUBLIC_URL") : NULL;
    o.insecure_public_url = getenv("OCOP_INSECURE_PUBLIC_URL") && strcmp(getenv("OCOP_INSECURE_PUBLIC_URL"), "1") == 0;
    static const struct option longopts[] = {
        {"db", required_argument, 0, 'd'},     {"listen", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'}, {"quiet", no_argument, 0, 'q'},
        {"dry-run", no_argument, 0, 'n'},      {"if-empty", no_argument, 0, 'e'},
        {"format", required_argument, 0, 'f'}, {"lang", required_argument, 0, 'L'},
        {"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'},
        {"files", required_argument, 0, 'F'},
        {"role", required_argument, 0, 'R'},   {"password-stdin", no_argument, 0, 'P'},
        {"user", required_argument, 0, 'U'},   {"entity", required_argument, 0, 'E'},
        {"entity-id", required_argument, 0, 'I'}, {"action", required_argument, 0, 'A'},
        {"from", required_argument, 0, '<'},   {"to", required_argument, 0, '>'},
        {"scope", required_argument, 0, 'S'},  {"name", required_argument, 0, 'N'},
        {"full-name", required_argument, 0, 'm'}, {"email", required_argument, 0, '@'},
        {"expect", required_argument, 0, 'x'}, {"limit", required_argument, 0, '#'},
        {"expires", required_argument, 0, 'X'}, {"session-idle", required_argument, 0, 'i'},
        {"session-max", required_argument, 0, 'M'}, {"trust-proxy", no_argument, 0, 'T'},
        {"key", required_argument, 0, 'k'},     {"insecure-public-url", no_argument, 0, 'J'},
        {"checkpoint", required_argument, 0, 'K'},
        {"force", no_argument, 0, '!'},
        {"public-url", required_argument, 0, 'W'}, {"date", required_argument, 0, 'D'},
        {"state", required_argument, 0, 's'}, {"comment", required_argument, 0, 'c'},
        {"reason", required_argument, 0, 'r'}, {"province", required_argument, 0, 'p'},
        {"round", required_argument, 0, 'O'}, {"council", required_argument, 0, 'C'},
        {"number", required_argument, 0, 'u'}, {"signer", required_argument, 0, 'G'},
        {"title", required_argument, 0, 'Y'}, {"level", required_argument, 0, 'V'},
        {"ground", required_argument, 0, 'g'}, {"note", required_argument, 0, 'z'},
        {"unit", required_argument, 0, 'a'},  {"period", required_argument, 0, 'b'},
        {"geography", required_argument, 0, 'y'}, {"plan", required_argument, 0, 'j'},
        {"months", required_argument, 0, 'w'},
        {0, 0, 0, 0},
    };
    optind = 1;
    opterr = 0;
    int ch;
    char **av = argv + 1;
    int ac = argc - 1;
    while ((ch = getopt_long(ac, av, ":o:h", longopts, NULL)) != -1) {
        int64_t v;
        switch (ch) {
        case 'd': o.db = optarg; break;
        case 'l': o.listen = optarg; break;
        case 't':
            if (!parse_i64(optarg, &v) || v < 1 || v > 256) return cli_fail("--threads must be from 1 to 256"), 2;
            o.threads = (int)v;
            break;
        case 'q': o.quiet = true; break;
        case 'n': o.dry_run = true; break;
        case 'e': o.if_empty = true; break;
        case 'f': o.format = optarg; break;
        case 'L': o.lang = optarg; break;
        case 'o': o.output = optarg; break;
        case 'F': o.files = optarg; break;
        case 'h': o.help = true; break;
        case 'R':
            if (o.nroles == (int)COUNT(o.roles)) return cli_fail("at most %d --role options", (int)COUNT(o.roles)), 2;
            o.roles[o.nroles++] = optarg;
            break;
        case 'P': o.password_stdin = true; break;
        case 'U': o.user = optarg; break;
        case 'E': o.entity = optarg; break;
        case 'I': o.entity_id = optarg; break;
        case 'A': o.action = optarg; break;
        case '<': o.from = optarg; break;
        case '>': o.to = optarg; break;
        case 'S': o.scope = optarg; break;
        case 'N': o.name = optarg; break;
        case 'm': o.full_name = optarg; break;
        case '@': o.email = optarg; break;
        case 'x': o.expect = optarg; break;
        case 'T': o.trust_proxy = true; break;
        case 'J': o.insecure_public_url = true; break;
        case 'K': o.checkpoint = optarg; break;
        case '!': o.force = true; break;
        case 'k': o.key = optarg; break;
        case 's': o.state = optarg; break;
        case 'c': o.comment = optarg; break;
        case 'r': o.reason = optarg; break;
        case 'p': o.province = optarg; break;
        case 'u': o.number = optarg; break;
        case 'G': o.signer = optarg; break;
        case 'Y': o.title = optarg; break;
        case 'V': o.level = optarg; break;
        case 'g': o.ground = optarg; break;
        case 'z': o.note = optarg; break;
        case 'a': o.unit = optarg; break;
        case 'b': o.period = optarg; break;
        case 'y': o.geography = optarg; break;
        case 'j':
            if (!parse_i64(optarg, &o.plan) || o.plan < 1) return cli_fail("--plan must be an id (a whole number from 1)"), 2;
            break;
        case 'w':
            if (!parse_i64(optarg, &v) || v < 1 || v > 36) return cli_fail("--months must be a whole number from 1 to 36"), 2;
            o.months = (int)v;
            break;
        case 'O':
        case 'C':
            if (!parse_i64(optarg, &v) || v < 1) return cli_fail("--%s must be an id (a whole number from 1)", ch == 'O' ? "round" : "council"), 2;
            if (ch == 'O') o.round = v;
            else o.council = v;
            break;
        case 'W': o.public_url = optarg; break;
        case 'D': o.date = optarg; break;
        case '#':
            if (!parse_i64(optarg, &o.limit) || o.limit < 1) return cli_fail("--limit must be a whole number from 1"), 2;
            break;
        case 'X':
            if (!parse_i64(optarg, &o.expires_days) || o.expires_days < 1 || o.expires_days > 366)
                return cli_fail("--expires must be a number of days from 1 to 366"), 2;
            break;
        case 'i':
        case 'M':
            if (!parse_i64(optarg, &v) || v < 1 || v > 31 * 86400)
                return cli_fail("--%s must be a number of seconds from 1 to 2678400", ch == 'i' ? "session-idle" : "session-max"), 2;
            if (ch == 'i') o.session_idle = v;
            else o.session_max = v;
            break;
        case ':': return cli_fail("%s needs a value; see 'ocop help %s'", av[optind - 1], c->name), 2;
        default: return cli_fail("unknown option '%s' for %s; see 'ocop help %s'", av[optind - 1], c->name, c->name), 2;
        }
    }
    if (o.help) {
        printf("usage: %s\n\n%s\n", c->usage, c->help);
        return 0;
    }
    o.args = av + optind;
    o.nargs = ac - optind;
    if (o.nargs < c->min_args || o.nargs > c->max_args) {
        fprintf(stderr, "usage: %s\n", c->usage);
        return 2;
    }
    int rc = c->run(&o);
    /* What a command appended to the audit trail is checkpointed outside the database (the
    ** server does it in its own thread; audit commands only read, or checkpoint themselves). */
    if (c->run != cmd_serve && c->run != cmd_audit && c->run != cmd_help && c->run != cmd_version)
        cli_audit_checkpoint(&o);
    return rc;
}
