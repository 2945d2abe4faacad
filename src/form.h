/*
** form.h: the bodies of HTML forms. A page's POST carries application/x-www-form-urlencoded or
** multipart/form-data; libmicrohttpd's post processor parses it as it arrives (http.c feeds
** each chunk), small fields go to memory and file parts are streamed to a temporary file in
** the given directory, unlinked when the request ends (form_free). Handlers read the result
** through req_form / req_form_files (http.h) and never see libmicrohttpd.
*/
#ifndef OCOP_FORM_H
#define OCOP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* One file part of a multipart form: its field name, the file name and type the browser
** sent (may be ""), and where its bytes are: an open descriptor at offset 0 of a file at path
** that is removed when the request ends. */
typedef struct FormFile {
    const char *name, *filename, *type;
    const char *path;
    int fd;
    size_t size;
} FormFile;

typedef struct Form Form;

/* Limits of one form (besides the route's max_body, which the transport enforces). */
#define FORM_MAX_FIELDS 200
#define FORM_MAX_FILES 20
#define FORM_MAX_KEY 100

/* Is content_type one of the two form encodings (parameters ignored)? */
bool form_is_form_type(const char *content_type);

/* A parser for the body of connection mc (a struct MHD_Connection *, whose Content-Type it
** reads), streaming file parts to temporary files in dir. NULL when the Content-Type is not
** a form encoding libmicrohttpd can read (multipart without a boundary). Owned by the caller:
** form_free. */
Form *form_new(void *mc, const char *dir);
/* Feed the next n bytes of the body. 0, or -1 with e (400 malformed or over a limit; 507 or
** 503 when a file part cannot be written). After a failure further calls do nothing. */
int form_feed(Form *f, const char *data, size_t n, Err *e);
/* The body is complete: 0, or -1 with e (400: the body ended inside a part, a value is not
** UTF-8 text). */
int form_finish(Form *f, Err *e);
/* Close and remove every temporary file and free the form. NULL is fine. */
void form_free(Form *f);

/* The first value of field key, "" for a field sent empty, NULL when absent (file parts are
** not fields). Valid until form_free. */
const char *form_get(const Form *f, const char *key);
/* How many fields; the i-th key and value (in the order sent). */
int form_count(const Form *f);
const char *form_key(const Form *f, int i);
const char *form_value(const Form *f, int i);
/* The file parts, in the order sent; *n their number. Valid until form_free. */
const FormFile *form_files(const Form *f, int *n);

#endif
