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

#endif
