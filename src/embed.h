/*
** embed.h: files compiled into the binary by tools/embed.py (SQL migrations, reference data,
** static assets). Names are paths relative to the source root, e.g. "sql/001_schema.sql".
*/
#ifndef OCOP_EMBED_H
#define OCOP_EMBED_H

#include <stddef.h>

typedef struct EmbeddedFile {
    const char *name;
    const char *data; /* NUL-terminated for convenience; size excludes the NUL */
    size_t size;
} EmbeddedFile;

extern const EmbeddedFile embedded_files[]; /* sorted by name, ends with a NULL name */

/* The embedded file called name, or NULL. */
const EmbeddedFile *embed_find(const char *name);

#endif
