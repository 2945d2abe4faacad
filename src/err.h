/*
** err.h: expected failures. A function that can fail for a reason the user should hear
** (validation, not found, conflict) fills an Err and returns -1; the handler turns it into an
** RFC 9457 problem document (HTTP) or a "file:line:col: message" line (CLI). Bugs panic instead.
*/
#ifndef OCOP_ERR_H
#define OCOP_ERR_H

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>

#include "i18n.h"

typedef struct Err {
    int status;       /* HTTP status that best describes it: 400, 404, 409, 413, 422, 500 */
    char field[128];  /* the field at fault, "" when none */
    char detail[512]; /* human-readable, in English; UTF-8 */
    json_t *errors;   /* optional array of per-item problems (import rows); owned by the Err */
    /* The message before formatting, so it can be told in another language (err_text): its
    ** catalogue id, the format err_set was given (a literal), and each argument formatted alone
    ** by its own conversion, NUL-separated. key NULL: detail was written some other way. */
    const char *key;
    int nargs;
    unsigned words; /* bit k: argument k is a registered word (err_word), translated too */
    unsigned names; /* bit k: argument k is the field's name (%s whose text is err_set's field) */
    char args[384];
    /* Where in a file the problem is (table.c: a spreadsheet's row and column, its letters),
    ** told before the message in the reader's language; 0: nowhere in particular. */
    long row;
    int col;
    char col_name[8];
    /* The field's name as people read it in Vietnamese ("Số thứ tự đợt" for "number"), set by
    ** the one who knows the field (entity.c) after err_set: err_text says it in place of the
    ** name. NULL: the name stands, as it does in English (the API's field names). */
    const char *field_vi;
} Err;

#define ERR_INIT {0, "", "", NULL, NULL, 0, 0, 0, "", 0, 0, "", NULL}

/* Fill e and return -1, so callers can write `return err_set(e, 422, "name", "...")`. */
int err_set(Err *e, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int err_vset(Err *e, int status, const char *field, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
/* Register word, a string that lives as long as the process (an entity's name: "product"), as
** a message of the catalogues: passed to err_set as a %s argument by that very pointer, err_text
** tells it in the reader's language too. By identity, not content: text from a request that
** happens to equal it is never translated. At most 32 words; call before serving (not thread-safe). */
void err_word(const char *word);
/* e's detail in lang: its message translated by the catalogues with the same arguments (after
** its place, "row 3, column 2 (B): ", when it has one), or e->detail when there is no
** translation. Returns out. */
const char *err_text(const Err *e, Lang lang, char *out, size_t n);
/* The stable, machine-readable code of e for clients ("not_found", "invalid", "conflict",
** ...): the class of the failure, which the API keeps whatever the wording. */
const char *err_code(const Err *e);

/* Release e->errors and reset. */
void err_clear(Err *e);
/* A short title for an HTTP status ("Not Found"). */
const char *err_title(int status);

#endif
