/*
** indicator.h: the indicators of OCOP plans and reports, computed live from the registry
** (docs/indicators.md). The catalogue is data (data/indicators.json): each indicator names a
** measure of indicator.c for its numerator (and, for a percentage, its denominator) with the
** measure's parameters. An indicator is a stock, counted on a day (products in force, communes
** covered), or a flow, counted over a period (new recognitions, upgrades, dossiers filed).
**
** Any indicator is computed for any unit of either geography: the 34 provinces and their
** communes since 1 July 2025, or the 63 provinces, their districts and communes before. A
** record is placed by its commune on that map: a product or a producer by commune_code (2025)
** or commune_code_old (before 2025); one recorded with a 2025 commune only is placed on the
** old map when that commune came from a single old commune (unit_links), and is left out
** otherwise. So a 2023 target set per district of An Giang is followed after 2025, and any
** figure is restated on either map.
*/
#ifndef OCOP_INDICATOR_H
#define OCOP_INDICATOR_H

#include <jansson.h>
#include <stdint.h>

#include "arena.h"
#include "db.h"
#include "err.h"

typedef struct IndQuery {
    const char *unit; /* a province, district (before 2025) or commune code; NULL or "": the country */
    const char *geo;  /* "2025" or "pre2025"; NULL: the map of date (pre2025 before 2025-07-01) */
    const char *date; /* the day a stock is counted on, the last day of a flow's period; NULL: today */
    const char *from; /* the first day of a flow's period; NULL: 1 January of date's year */
} IndQuery;

typedef struct IndValue {
    int64_t numerator;
    int64_t denominator; /* -1: a count, which has none */
    double value;        /* the count, or 100 × numerator / denominator (0 when that is 0) */
} IndValue;

/* The catalogue: {"about", "indicators": [{code, kind, unit, vi, en, description_vi,
** description_en, numerator, denominator?}]} (borrowed; loaded once, valid for the process). */
const json_t *indicator_catalogue(void);
/* The indicator called code, or NULL (borrowed). */
const json_t *indicator_find(const char *code);

/* The indicator code for q: the unit's value in *total, and (rows not NULL) one row per
** sub-unit (the provinces of the country, the communes of a 2025 province or of a district,
** the districts of a pre-2025 province; none for a commune) as a new array of {code, name,
** numerator, denominator, value}, sorted by code. The unit is taken as it stood on date on
** its map (on 2025-06-30 for the old map after that day, on 2025-07-01 for the new one
** before it). Returns 0, or -1 with e: 404 unknown indicator or unit on that day, 400 a bad
** date, period (from after date) or geography, 422 an indicator that does not exist on that
** map (districts after 2025). */
int indicator_eval(Db *db, Arena *a, const char *code, const IndQuery *q, IndValue *total, json_t **rows, Err *e);

/* The unit q names as resolved by indicator_eval: {code, name, level, geo, date, from} (a
** new object; the country is {code: "", name: "Việt Nam", level: "country"}), or NULL with e. */
json_t *indicator_unit(Db *db, Arena *a, const IndQuery *q, Err *e);

/* The products in force in q's unit on its day (each with the certified recognition it holds,
** as products_3plus counts them), a new array of {id, code, name, producer_id, producer,
** commune_code, commune, district_code, district (before 2025; else ""), stars, level,
** decision_no, decision_date, expires_on, cert_no, first_recognised}, ordered by district,
** commune and name. */
int indicator_products(Db *db, Arena *a, const IndQuery *q, json_t **items, Err *e);

/* The communes of q's unit on its map, each with its type (xã, phường, thị trấn, đặc khu), its
** district (before 2025; else "") and the products in force there: a new array of {code, name,
** type, district_code, district, products}, ordered by district and code. */
int indicator_communes(Db *db, Arena *a, const IndQuery *q, json_t **items, Err *e);

/* The producers with an OCOP product in force in q's unit on its day (as producers_ocop counts
** them), by type: a new object {type: count}. */
int indicator_producer_types(Db *db, Arena *a, const IndQuery *q, json_t **by_type, Err *e);

/* The products in force in q's unit on its day whose certificate ends in the day's month (after
** the day: counts[0]) or in each of the months - 1 calendar months after it (counts[k]). */
int indicator_expiries(Db *db, Arena *a, const IndQuery *q, int months, int64_t *counts, Err *e);

#endif
