/*
** page_record.h: what the public record pages share (page_product.c for /san-pham/{id},
** page_record.c for /chu-the/{id}, /diem-ban/{id} and /lang-nghe/{id}): the id in the path,
** the 404 for a record that is not there, and the parts of a view that several pages show.
** Each view holds only what its page shows, built from records as the domain returns them to
** the caller (entity_redact for r->actor), so no personal field can reach the markup.
*/
#ifndef OCOP_PAGE_RECORD_H
#define OCOP_PAGE_RECORD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "entity.h"
#include "http.h"

/* The string at key of o, or NULL. */
const char *page_jstr(json_t *o, const char *key);
/* {"STATE": true}, or {} for NULL: what a template tests with {{#is.STATE}}. */
json_t *page_is(const char *state);
/* The record id of the path ({id}): true with *id when it is a positive whole number. */
bool page_path_id(Req *r, int64_t *id);
/* The answer for an id that is not a record id (not a number, or out of range): 404, as
** for a number that names none. */
int page_no_record(Req *r);
/* Is url a link a page may follow out: http:// or https:// only (any case). */
bool page_web_link(const char *url);
/* {commune, district (when the commune had one), province} of a pre-2025 commune as of
** 2025-06-30, the last day of that geography (unit.h), or null when code is NULL or unknown. */
json_t *page_old_place(Req *r, const char *code);
/* The producer as a product page or its own page shows it: {id, name, type (its label in
** r->lang), address, commune, province, old (page_old_place), website (an organisation's http(s)
** site only), phone and email (an organisation's published contact_phone and contact_email),
** village_id, village_name}. producer is the redacted output record (borrowed). */
json_t *page_producer_card(Req *r, json_t *producer);
/* points (registry_points_of, borrowed) with each kind's label in r->lang. A new array. */
json_t *page_points_view(Req *r, json_t *points);

#endif
