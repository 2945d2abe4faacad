/*
** importer.h: importing and exporting registry lists as CSV or XLSX. An import is
** all-or-nothing: every row is checked first against a read snapshot (no write lock), then
** checked again and written inside one write transaction; on any error the transaction is
** rolled back and every bad row is reported (row, column, value, reason). A storage fault (a
** full disk) ends the import at once, with nothing written, and is reported as such.
** Duplicates of existing records (or of earlier rows of the same file) are reported and
** skipped, never doubled.
*/
#ifndef OCOP_IMPORTER_H
#define OCOP_IMPORTER_H

#include <jansson.h>
#include <stdbool.h>

#include "entity.h"
#include "table.h"

/* Progress of a long import: phase is "check" (done of total rows checked, nothing written
** yet), "rows" (done of total rows checked again and written) or
** "search" (the new records being indexed; done 0 at the start, total when finished). */
typedef void (*ImportProgress)(void *arg, const char *phase, size_t done, size_t total);

typedef struct ImportResult {
    size_t rows;       /* data rows read (blank rows skipped) */
    size_t created;
    size_t duplicates;
    size_t errors;     /* rows with at least one problem (header problems count as one) */
    /* reason: in English, without the field's name when it names one (the field is beside it);
    ** text: the whole message in the import's language (import_run's lang) */
    json_t *problems;  /* [{row, column, column_name, field, value, reason, text}] (owned) */
    json_t *duplicate_rows; /* [{row, existing_id, reason, text}] (owned) */
    Lang lang;
} ImportResult;

/* Import a whole file held in memory. Returns 0 when the file was imported (or, with dry_run,
** would have been); -1 when nothing was written: e says why (422 with e->errors = problems, or
** a parse error from table.c with its location). res is filled in both cases; free it with
** import_result_free. Every row must lie within who's scope (the system: anywhere; an
** anonymous caller: 401, nothing read); the import is recorded in the audit trail as one
** entry: the file's SHA-256, the counts and the range of ids created. */
int import_run(Db *db, const Entity *en, const Actor *who, const char *data, size_t n, TableFormat fmt,
               bool dry_run, Lang lang, ImportProgress progress, void *progress_arg, ImportResult *res, Err *e);
void import_result_free(ImportResult *res);
/* {"kind", "dry_run", "rows", "created", "duplicates", "errors", "problems", "duplicate_rows"} */
json_t *import_result_json(const Entity *en, const ImportResult *res, bool dry_run);

/* Write items (output records of en, as entity_list gave them to who) as a CSV or XLSX file
** (with the columns of en->export_as when it has one, decorated from db)
** with Vietnamese (vi) or English headers; the personal columns only for who may see some
** (entity_personal_allowed: the system, an officer in scope). *out is malloc'd (caller frees). */
int entity_export(Db *db, const Entity *en, const Actor *who, json_t *items, TableFormat fmt, bool vi, Arena *a, char **out,
                  size_t *n, Err *e);

/* An empty list of en to fill in: the header row of the columns an import of en takes (every
** field one may write, a reference by its import key rather than its id; personal ones
** included), Vietnamese (vi) or English. *out is malloc'd (caller frees). */
int import_template(const Entity *en, TableFormat fmt, bool vi, char **out, size_t *n, Err *e);

#endif
