/*
** stats.h: how provinces report: on a date, for a province or commune of either geography,
** the products with a recognition valid that day by stars, the producers behind them (by
** type), and the communes having at least one such product out of all communes of the unit.
*/
#ifndef OCOP_STATS_H
#define OCOP_STATS_H

#include <jansson.h>

#include "arena.h"
#include "db.h"

/* The report as a new JSON object, or NULL with e (404 unknown unit on that date, 422 bad
** code or date). date NULL = today. */
json_t *stats_report(Db *db, Arena *a, const char *unit_code, const char *date, Err *e);

/* The whole country on date (YYYY-MM-DD, required), placed in the 2025 geography in force
** today, for the home page: a new JSON object
**   {"date", "products": {"total", "by_stars": {"3", "4", "5"}}, "producers", "communes",
**    "provinces", "by_province": [{"code", "name", "products"}] (most products first),
**    "by_group": [{"code", "name", "products"}] (by group code: I, II, ...)}
** counting each product recognised on date once, as stats_report does. Two aggregate
** queries. Returns NULL with e (400) for a malformed date. */
json_t *stats_overview(Db *db, const char *date, Err *e);

/* The limit most recent recognitions in force on date (newest decision first) as a new JSON
** array of {"product_id", "product", "producer", "stars", "decision_date", "province"}
** (province NULL when the commune is not a 2025 one). Returns NULL with e for a bad date. */
json_t *stats_newest(Db *db, const char *date, int limit, Err *e);

#endif
