/*
** registry.h: registry operations beyond the generic entity layer (entity.h): product photos, decoded and
** re-encoded on upload (image.h).
*/
#ifndef OCOP_REGISTRY_H
#define OCOP_REGISTRY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"
#include "entity.h"
#include "image.h"

/* Check an upload before it is attached: not empty (400), its type as declared_type says (may be
** NULL; 415 on "Content-Type" when it says otherwise), then decoded and re-encoded into set
** (image_process: 415 or 422 on "body"). Needs no database: call it before the transaction.
** 0, and the caller frees set with image_set_free; -1 with e and nothing to free. */
int product_photo_decode(const void *data, size_t n, const char *declared_type, ImageSet *set, Err *e);
/* Attach a decoded upload (product_photo_decode) to product pid as who (products.update within
** its scope: else 404, or 401 for an anonymous caller): stores every variant
** content-addressed under files_dir and records the photo, named by its full-size JPEG, with
** its variants. Returns the photo as JSON (new reference; the same shape as in the product's
** "photos") with *created 0 when the product already had these pixels; NULL with e (404, 422
** for the file name, 500). */
json_t *product_photo_add(Db *db, const Actor *who, const char *files_dir, int64_t pid, const ImageSet *set,
                          const char *filename, int *created, Err *e);
/* Detach photo sha from product pid as who (as product_photo_add), and its variants (the stored
** files stay: others may share them). */
int product_photo_remove(Db *db, const Actor *who, int64_t pid, const char *sha, Err *e);
/* The recorded type of a stored photo or variant, or NULL when no product has it. Caller frees. */
char *product_photo_mime(Db *db, const char *sha);

/* ---- public lists for the record pages ------------------------------------------------------
** Each is one statement whatever the number of rows (a page never queries per row), and holds
** only public fields: codes, names, kinds, places, stars; never a person's data. */

/* Whose products registry_products_of lists. */
typedef enum { PRODUCTS_OF_PRODUCER, PRODUCTS_OF_POINT, PRODUCTS_OF_VILLAGE } ProductsOf;

/* The products of producer, point of sale or craft village id (of), by name: a new array of
** {id, code, name, set_no, producer_id, producer_name, stars}, stars being those of the
** recognition valid on today (QĐ 26/2026 Điều 4.1.a: certified stars only) or null. */
json_t *registry_products_of(Db *db, ProductsOf of, int64_t id, const char *today);

/* The points of sale of product id, by name: a new array of {id, name, kind, address, website,
** commune (its 2025 name), province (its name)}. */
json_t *registry_points_of(Db *db, int64_t product_id);

/* Whether a producer of type (producers.type) is an organisation (a cooperative, a company, an
** association...), whose contact and website are public, rather than a household business or
** a farm, whose are a person's. */
bool producer_is_organisation(const char *type);

/* The recognition whose certificate number (recorded from paper: a certificate ocop did not
** issue) is cert_no, letters in any case; 0 when there is none. */
int64_t registry_recognition_by_cert(Db *db, const char *cert_no);

/* The producers of craft village id, by name: a new array of {id, name, type}. */
json_t *registry_producers_of_village(Db *db, int64_t village_id);
/* What the public list pages show of a page of records, each in a few set-based queries (never
** one query per record: a page of 50 costs the same as a page of 5).
**
** Facet counts of the list en under lq (entity_facet) for its filter param: "province" (the
** 2025 province of the record's commune), "commune_code", and per entity products "group"
** (product group I..VI of the set), "set_no", "stars" (of the certificate valid today),
** "producer_type", "cert" (valid, expired, revoked, superseded: the latest certified
** recognition); producers "type"; points "kind"; villages "traditional" ("true"/"false").
** A param without a facet is a bug (panic). */
int registry_facet(Db *db, Arena *a, const Entity *en, const ListQuery *lq, const char *param, json_t **counts, Err *e);
/* {code: {"name": "Xã Mỏ Cày", "province_code", "province_name"}} for the 2025 communes among
** codes (n of them), as in force today. A new object the caller owns. */
json_t *registry_communes(Db *db, const char *const *codes, int n);
/* {"ID": {"producer_id", "producer_name", "recognition": {"stars", "state", "expires_on",
** "cert_no"} (the latest certified one decided by today, when there is one), "photo": {"url",
** "variants": [{"width", "height", "format", "mime", "url"}, narrowest first]} (the first)}}
** for the products ids (n of them). A new object the caller owns. */
json_t *registry_product_cards(Db *db, const int64_t *ids, int n);
/* {"ID": number of products} for the producers producer_ids (n of them; none: left out). */
json_t *registry_product_counts(Db *db, const int64_t *producer_ids, int n);

#endif
