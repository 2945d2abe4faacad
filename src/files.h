/*
** files.h: content-addressed file storage under the data directory. A file is stored once,
** at DIR/ab/cdef... named by the SHA-256 of its bytes, and referenced by that hash from the
** database (product photos, dossier evidence, certificates). The names clients give their
** files are kept as metadata, cleaned by files_clean_name.
*/
#ifndef OCOP_FILES_H
#define OCOP_FILES_H

#include <stddef.h>

#include "err.h"

/* Store data under dir (created if needed); the hex SHA-256 goes to sha[65]. Storing the
** same bytes twice is a no-op. -1 with e on an I/O failure. */
int files_put(const char *dir, const void *data, size_t n, char sha[65], Err *e);
/* The stored bytes (malloc'd, caller frees) or NULL with e (404 when absent). sha must be
** 64 lowercase hex digits (422 otherwise). */
char *files_get(const char *dir, const char *sha, size_t *n, Err *e);
/* The image type the bytes really are ("image/jpeg", "image/png", "image/webp"), or NULL. */
const char *files_sniff_image(const void *data, size_t n);
/* The longest file name kept with a photo or a piece of evidence, in characters. */
enum { FILES_NAME_MAX = 200 };
/* The file name a client gave (may be NULL) as it is stored and shown: the last component of
** a path ("C:\\fakepath\\a.png" -> "a.png"); control characters (CR, LF, TAB, DEL, C1) and
** runs of spaces become one space, invisible format characters (bidi overrides, zero-width)
** are dropped, NFC, trimmed; Vietnamese letters are kept; longer than FILES_NAME_MAX
** characters, the name is cut, keeping its extension. *out: malloc'd (caller frees), or NULL
** when nothing is left. -1 with 422 (field filename) when name is not UTF-8. */
int files_clean_name(const char *name, char **out, Err *e);
/* True if s is 64 lowercase hex digits. */
int files_valid_sha(const char *s);

#endif
