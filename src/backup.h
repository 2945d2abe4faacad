/*
** backup.h: whole-system backups and their restore (`ocop backup`, `ocop restore`).
**
** A backup is a directory:
**   DEST/ocop.db            the database as of one moment (db_backup: writers go on meanwhile)
**   DEST/files/ab/cdef...   every stored file (photos, dossier evidence, certificate PDFs),
**                           content-addressed as in the data directory (files.h)
**   DEST/keys/ID.pub        the public half of each certificate signing key (hex), as in the
**                           database's signing_keys; never the secret keys (see
**                           docs/operations.md: keep those apart, offline)
**   DEST/BACKUP             what it is: ocop version, schema, time, counts (text)
** It is written under DEST.tmp-XXXXXX beside DEST and renamed into place when complete; on any
** failure the temporary directory is removed, so DEST is either whole or absent.
**
** A restore checks before it writes: the backup's database is copied beside the target and
** checked there (storage integrity, the audit chain, every file the records refer to present
** with the right SHA-256, the public keys agreeing with the database); only then does it
** become the target database. Files are copied into the target file store first (a content-
** addressed store only gains files). An existing database is replaced only when forced.
*/
#ifndef OCOP_BACKUP_H
#define OCOP_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "err.h"

typedef struct BackupReport {
    int64_t files;        /* stored files copied (backup) or checked in place (restore) */
    int64_t bytes;        /* their size */
    int64_t referenced;   /* files the records refer to (all present: otherwise an error) */
    int64_t keys;         /* public keys written (backup) or checked (restore) */
    int64_t audit_entries;/* restore: entries of the verified audit chain */
    int64_t products;     /* records restored, for the report */
    char missing_secret[256]; /* restore: key ids with no secret key file in keys_dir ("" none) */
} BackupReport;

/* Ask a backup or restore under way to stop (a signal handler calls it, with db_interrupt on
** the database being copied): it fails as soon as it can, removing what it wrote. */
void backup_interrupt(void);

/* Back up the database db (its file store files_dir) into the new directory dest, which must
** not exist. 0 with r filled, or -1 with e (409 when dest exists; 500 for I/O or database
** errors, the message naming the file); nothing is left behind on failure. */
int backup_make(Db *db, const char *files_dir, const char *dest, BackupReport *r, Err *e);

/* Restore the backup directory src into the database at db_path, its file store files_dir
** and its key directory keys_dir (only read: to report secret keys that are missing).
** Refuses (409) when db_path already holds a database, unless force. Every check of the top of
** this file runs before the target database is touched. 0 with r filled, or -1 with e. */
int backup_restore(const char *src, const char *db_path, const char *files_dir, const char *keys_dir, bool force,
                   BackupReport *r, Err *e);

#endif
