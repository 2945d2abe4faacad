/*
** err.h: expected failures. A function that can fail for a reason the user should hear
** (validation, not found, conflict) fills an Err and returns -1; the handler turns it into an
** RFC 9457 problem document (HTTP) or a "file:line:col: message" line (CLI). Bugs panic instead.
*/
#ifndef OCOP_ERR_H
#define OCOP_ERR_H

#include <jansson.h>

typedef struct Err {
    int status;       /* HTTP status that best describes it: 400, 404, 409, 413, 422, 500 */
    char field[128];  /* the field at fault, "" when none */
    char detail[512]; /* human-readable, in English; UTF-8 */
    json_t *errors;   /* optional array of per-item problems (import rows); owned by the Err */
} Err;

#define ERR_INIT {0, "", "", NULL}

/* Fill e and return -1, so callers can write `return err_set(e, 422, "name", "...")`. */
int err_set(Err *e, int status, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Release e->errors and reset. */
void err_clear(Err *e);
/* A short title for an HTTP status ("Not Found"). */
const char *err_title(int status);

#endif
