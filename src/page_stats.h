/*
** page_stats.h: the chart views that the home page and /thong-ke share (page_stats.c).
*/
#ifndef OCOP_PAGE_STATS_H
#define OCOP_PAGE_STATS_H

#include <jansson.h>

#include "http.h"

/* A vertical bar chart of {"3": n, "4": n, "5": n} (stats' by_stars), labelled "3 stars"...
** in r->lang: svg_chart_view plus "label_head" and "value_head" for its table, and "hidden"
** (the table visually hidden) when hide_table. A new object. */
json_t *stats_chart_stars(Req *r, const json_t *by_stars, const char *id, const char *title, bool hide_table);

/* A horizontal bar chart of items [{"name", "products"}] (stats_overview's by_province or
** by_group), at most max bars, the rest summed into one bar named other. label_head and
** value_head name the table's columns. As stats_chart_stars otherwise. */
json_t *stats_chart_items(Req *r, const json_t *items, int max, const char *other, const char *id, const char *title,
                          const char *desc, const char *label_head, const char *value_head, bool hide_table);

#endif
