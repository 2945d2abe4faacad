/*
** backup.c: whole-system backups and their restore (see backup.h).
*/
#include "backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cert.h"
#include "files.h"
#include "migrate.h"
#include "util.h"

/* Set by backup_interrupt (a signal handler): the one piece of process state here. */
static volatile sig_atomic_t interrupted;

void backup_interrupt(void) { interrupted = 1; }

static int check_interrupt(Err *e) {
    return interrupted ? err_set(e, 500, "", "interrupted; nothing was left behind") : 0;
}

/* Every column that names a stored file by its SHA-256: what must be in the file store. */
static const char REFERENCED_SQL[] = "SELECT sha256 FROM product_photos UNION SELECT sha256 FROM product_photo_variants"
                                     " UNION SELECT sha256 FROM dossier_files"
                                     " UNION SELECT pdf_sha256 FROM certificates";

static int on_remove(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* Remove path and everything under it (a temporary directory of ours). */
static void remove_tree(const char *path) { nftw(path, on_remove, 16, FTW_DEPTH | FTW_PHYS); }

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static int make_dir(const char *path, Err *e) {
    if (mkdir(path, 0755) && errno != EEXIST) return err_set(e, 500, "", "cannot create %s: %s", path, strerror(errno));
    return 0;
}

/* Create the directory that holds path, and those above it, as needed. */
static int make_parent(const char *path, Err *e) {
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) return err_set(e, 422, "", "the path is too long");
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return 0;
    *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        int rc = make_dir(dir, e);
        *p = '/';
        if (rc) return -1;
    }
    return make_dir(dir, e);
}

/* Copy src to the new file dst (through dst.tmp, flushed, then renamed). sha: when not NULL,
** the SHA-256 the bytes must have (a stored file's name); a mismatch is an error and leaves
** nothing. *bytes grows by the size. */
static int copy_file(const char *src, const char *dst, const char *sha, int64_t *bytes, Err *e) {
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) return err_set(e, 500, "", "cannot read %s: %s", src, strerror(errno));
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
    }
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if ((rc = check_interrupt(e))) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = err_set(e, 500, "", "cannot read %s: %s", src, strerror(errno));
            break;
        }
        crypto_hash_sha256_update(&h, (const unsigned char *)buf, (unsigned long long)n);
        for (ssize_t done = 0; done < n && !rc;) {
            ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) rc = err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
            else done += w;
        }
        if (rc) break;
        *bytes += n;
    }
    close(in);
    if (!rc && sha) {
        unsigned char d[crypto_hash_sha256_BYTES];
        char hex[65];
        crypto_hash_sha256_final(&h, d);
        sodium_bin2hex(hex, sizeof hex, d, sizeof d);
        if (strcmp(hex, sha) != 0) rc = err_set(e, 500, "", "stored file %s does not match its SHA-256 (%s)", src, hex);
    }
    if (!rc && fsync(out)) rc = err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
    if (close(out) && !rc) rc = err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, dst)) rc = err_set(e, 500, "", "cannot rename %s: %s", tmp, strerror(errno));
    if (rc) unlink(tmp);
    return rc;
}

static bool all_hex(const char *s, size_t n) {
    if (strlen(s) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return true;
}

/* Copy every stored file of the store from (DIR/ab/cdef...) into the store to, checking each
** against its name; a file already in to is left as it is. Stray temporaries are skipped. A
** missing from is an empty store. */
static int copy_store(const char *from, const char *to, BackupReport *r, Err *e) {
    DIR *top = opendir(from);
    if (!top) return errno == ENOENT ? 0 : err_set(e, 500, "", "cannot read %s: %s", from, strerror(errno));
    char inside[4200];
    snprintf(inside, sizeof inside, "%s/x", to);
    if (make_parent(inside, e)) {
        closedir(top);
        return -1;
    }
    int rc = 0;
    struct dirent *d;
    while (!rc && (d = readdir(top))) {
        if (!all_hex(d->d_name, 2)) continue;
        char sub_from[4200], sub_to[4200];
        snprintf(sub_from, sizeof sub_from, "%s/%.2s", from, d->d_name);
        snprintf(sub_to, sizeof sub_to, "%s/%.2s", to, d->d_name);
        DIR *sub = opendir(sub_from);
        if (!sub) continue;
        rc = make_dir(sub_to, e);
        struct dirent *f;
        while (!rc && (f = readdir(sub))) {
            if (!all_hex(f->d_name, 62)) continue;
            char src[4300], dst[4300], sha[65];
            snprintf(src, sizeof src, "%s/%.62s", sub_from, f->d_name);
            snprintf(dst, sizeof dst, "%s/%.62s", sub_to, f->d_name);
            snprintf(sha, sizeof sha, "%.2s%.62s", d->d_name, f->d_name);
            r->files++;
            if (exists(dst)) continue;
            rc = copy_file(src, dst, sha, &r->bytes, e);
        }
        closedir(sub);
    }
    closedir(top);
    return rc;
}

/* Is the stored file sha in the store dir, with those bytes? */
static bool stored_file_ok(const char *dir, const char *sha) {
    if (!files_valid_sha(sha)) return false;
    char path[4200];
    snprintf(path, sizeof path, "%s/%.2s/%s", dir, sha, sha + 2);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    crypto_hash_sha256_state h;
    crypto_hash_sha256_init(&h);
    unsigned char buf[65536], d[crypto_hash_sha256_BYTES];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) crypto_hash_sha256_update(&h, buf, n);
    bool read_ok = !ferror(f);
    fclose(f);
    crypto_hash_sha256_final(&h, d);
    char hex[65];
    sodium_bin2hex(hex, sizeof hex, d, sizeof d);
    return read_ok && strcmp(hex, sha) == 0;
}

/* Every file the records of db refer to is in the store dir with the right bytes. */
static int check_referenced(Db *db, const char *dir, BackupReport *r, Err *e) {
    Stmt *s = db_prepare(db, REFERENCED_SQL);
    int rc, ret = 0;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *sha = db_col_text(s, 0);
        r->referenced++;
        if (!stored_file_ok(dir, sha)) {
            ret = err_set(e, 500, "files", "the file %s that the records refer to is missing from %s or damaged",
                          sha ? sha : "(null)", dir);
            break;
        }
    }
    if (rc == DB_ERROR) ret = err_set(e, 500, "db", "reading the file references: %s", db_errmsg(db));
    db_done(s);
    return ret;
}

/* DEST/keys/ID.pub for every signing key of db. */
static int write_public_keys(Db *db, const char *dir, BackupReport *r, Err *e) {
    if (make_dir(dir, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT key_id, public_key FROM signing_keys ORDER BY key_id");
    int rc = 0;
    while (!rc && db_step(s) == DB_ROW) {
        const char *id = db_col_text(s, 0), *pk = db_col_text(s, 1);
        if (!cert_key_id_valid(id)) continue; /* never a path of its own choosing */
        char path[4400];
        snprintf(path, sizeof path, "%s/%.32s.pub", dir, id);
        FILE *f = fopen(path, "w");
        if (!f || fprintf(f, "%s\n", pk ? pk : "") < 0 || fclose(f)) {
            if (f) fclose(f);
            rc = err_set(e, 500, "", "cannot write %s: %s", path, strerror(errno));
        }
        r->keys++;
    }
    db_done(s);
    return rc;
}

static int write_manifest(const char *path, const BackupReport *r, Err *e) {
    char now[32];
    ts_now(now);
    FILE *f = fopen(path, "w");
    if (!f) return err_set(e, 500, "", "cannot write %s: %s", path, strerror(errno));
    fprintf(f,
            "ocop backup\nmade: %s\nocop: %s\nschema: %d\nfiles: %lld (%lld bytes)\nreferenced files: %lld\n"
            "public keys: %lld (the secret keys are not in a backup: keep them apart)\n"
            "restore with: ocop restore THIS_DIRECTORY --db PATH [--files DIR]\n",
            now, OCOP_VERSION, migrate_latest(), (long long)r->files, (long long)r->bytes, (long long)r->referenced,
            (long long)r->keys);
    return fclose(f) ? err_set(e, 500, "", "cannot write %s: %s", path, strerror(errno)) : 0;
}

int backup_make(Db *db, const char *files_dir, const char *dest, BackupReport *r, Err *e) {
    memset(r, 0, sizeof *r);
    size_t n = strlen(dest);
    while (n > 1 && dest[n - 1] == '/') n--;
    if (exists(dest)) return err_set(e, 409, "dest", "%s already exists: a backup goes into a new directory", dest);
    char tmp[4096], path[4300];
    if (snprintf(tmp, sizeof tmp, "%.*s.tmp-XXXXXX", (int)n, dest) >= (int)sizeof tmp)
        return err_set(e, 422, "dest", "the path is too long");
    if (!mkdtemp(tmp)) return err_set(e, 500, "dest", "cannot create %s: %s", tmp, strerror(errno));
    snprintf(path, sizeof path, "%s/ocop.db", tmp);
    /* The database first: every file it refers to was stored before the record that refers
    ** to it was committed, and stored files are never removed, so the files copied after the
    ** snapshot include all it needs. */
    int rc = db_backup(db, path, e);
    if (rc && interrupted) rc = check_interrupt(e);
    if (!rc) {
        snprintf(path, sizeof path, "%s/files", tmp);
        rc = copy_store(files_dir, path, r, e);
    }
    if (!rc) {
        /* The copy refers only to files it holds (checked on the snapshot). */
        char snap[4300];
        snprintf(snap, sizeof snap, "%s/ocop.db", tmp);
        Db *copy = db_open(snap, e);
        rc = copy ? check_referenced(copy, path, r, e) : -1;
        if (copy) {
            snprintf(path, sizeof path, "%s/keys", tmp);
            if (!rc) rc = write_public_keys(copy, path, r, e);
            db_close(copy);
        }
    }
    if (!rc) {
        snprintf(path, sizeof path, "%s/BACKUP", tmp);
        rc = write_manifest(path, r, e);
    }
    if (!rc) rc = check_interrupt(e);
    if (!rc && rename(tmp, dest)) rc = err_set(e, 500, "dest", "cannot rename %s to %s: %s", tmp, dest, strerror(errno));
    if (rc) remove_tree(tmp);
    return rc;
}

/* ---- restore --------------------------------------------------------------------------- */

/* The public keys in the backup agree with the restored signing_keys; note the key ids whose
** secret key file is not in keys_dir. */
static int check_keys(Db *db, const char *src, const char *keys_dir, BackupReport *r, Err *e) {
    Stmt *s = db_prepare(db, "SELECT key_id, public_key FROM signing_keys ORDER BY key_id");
    int rc = 0;
    Buf missing = BUF_INIT;
    while (!rc && db_step(s) == DB_ROW) {
        const char *id = db_col_text(s, 0), *pk = db_col_text(s, 1);
        if (!cert_key_id_valid(id)) {
            rc = err_set(e, 500, "keys", "a signing key has an invalid id");
            break;
        }
        char path[4200], have[128] = "";
        snprintf(path, sizeof path, "%s/keys/%s.pub", src, id);
        FILE *f = fopen(path, "r");
        if (f) {
            if (!fgets(have, sizeof have, f)) have[0] = 0;
            fclose(f);
        }
        have[strcspn(have, "\r\n")] = 0;
        if (!str_eq(have, pk)) {
            rc = err_set(e, 500, "keys", "the public key %s in the backup (%s) does not match its database", id, path);
            break;
        }
        r->keys++;
        snprintf(path, sizeof path, "%s/%s.key", keys_dir, id);
        if (!exists(path)) buf_printf(&missing, "%s%s", missing.n ? " " : "", id);
    }
    db_done(s);
    snprintf(r->missing_secret, sizeof r->missing_secret, "%s", buf_str(&missing));
    buf_free(&missing);
    return rc;
}

/* Check the database file at path (a copy of the backup's) against files_dir and the backup's
** keys: storage integrity, schema (migrated when older), audit chain, referenced files, public
** keys. */
static int check_restored(const char *path, const char *src, const char *files_dir, const char *keys_dir,
                          BackupReport *r, Err *e) {
    Db *db = db_open(path, e);
    if (!db) return -1;
    AuditCheck ac;
    /* A backup made by an older ocop is brought up to this one's schema (one made by a newer
    ** one is refused). */
    int rc = db_check(db, e) || migrate_run(db, 0, e) < 0;
    if (!rc && audit_verify(db, &ac))
        rc = err_set(e, 500, "audit", "the audit trail is broken at entry %lld: %s", (long long)ac.broken_id, ac.reason);
    if (!rc) {
        r->audit_entries = ac.entries;
        rc = check_referenced(db, files_dir, r, e) || check_keys(db, src, keys_dir, r, e);
    }
    if (!rc) r->products = db_int1(db, "SELECT count(*) FROM products", NULL);
    db_close(db);
    return rc;
}

int backup_restore(const char *src, const char *db_path, const char *files_dir, const char *keys_dir, bool force,
                   BackupReport *r, Err *e) {
    memset(r, 0, sizeof *r);
    char from[4200], tmp[4200], store[4200];
    snprintf(from, sizeof from, "%s/ocop.db", src);
    if (!exists(from)) return err_set(e, 422, "src", "%s is not an ocop backup: it has no ocop.db", src);
    struct stat st;
    bool replace = stat(db_path, &st) == 0 && st.st_size > 0;
    if (replace && !force)
        return err_set(e, 409, "db", "%s already holds a database; restoring would replace it (--force to do so)",
                       db_path);
    /* The backup's database, copied beside the target and checked there. */
    if (make_parent(db_path, e)) return -1;
    if (snprintf(tmp, sizeof tmp, "%s.restore-XXXXXX", db_path) >= (int)sizeof tmp)
        return err_set(e, 422, "db", "the path is too long");
    int fd = mkstemp(tmp);
    if (fd < 0) return err_set(e, 500, "db", "cannot create %s: %s", tmp, strerror(errno));
    close(fd);
    int64_t bytes = 0;
    int rc = copy_file(from, tmp, NULL, &bytes, e);
    /* Files first: a content-addressed store only gains files, so this is safe even when the
    ** checks below then refuse the database. */
    snprintf(store, sizeof store, "%s/files", src);
    if (!rc) rc = copy_store(store, files_dir, r, e);
    if (!rc) rc = check_restored(tmp, src, files_dir, keys_dir, r, e);
    if (!rc) rc = check_interrupt(e);
    if (!rc && !replace) {
        db_remove_files(db_path); /* an empty file, or a -wal left beside none, would mix in */
        if (rename(tmp, db_path)) rc = err_set(e, 500, "db", "cannot rename %s to %s: %s", tmp, db_path, strerror(errno));
    } else if (!rc) {
        Db *db = db_open(db_path, e);
        rc = db ? db_restore(db, tmp, e) : -1;
        if (db) db_close(db);
    }
    db_remove_files(tmp);
    return rc;
}
