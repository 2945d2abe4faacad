/*
** registry.h: registry operations beyond the generic entity layer (entity.h): product photos.
*/
#ifndef OCOP_REGISTRY_H
#define OCOP_REGISTRY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"

/* Attach an image to product pid as who (products.update within its scope: else 404, or 401
** for an anonymous caller): checks the product exists and the bytes are a JPEG, PNG or WebP
** image (declared_type, when given, must agree), stores the bytes content-addressed under
** files_dir and records them. Returns the photo as JSON (new reference) with *created 0 when
** the product already had these exact bytes; NULL with e (404, 415, 422, 500). */
json_t *product_photo_add(Db *db, const Actor *who, const char *files_dir, int64_t pid, const void *data, size_t n,
                          const char *declared_type, const char *filename, int *created, Err *e);
/* Detach photo sha from product pid as who (as product_photo_add); the stored file stays:
** others may share it. */
int product_photo_remove(Db *db, const Actor *who, int64_t pid, const char *sha, Err *e);
/* The recorded type of a stored photo, or NULL when no product has it. Caller frees. */
char *product_photo_mime(Db *db, const char *sha);

#endif
