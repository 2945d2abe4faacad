/*
** svg.h: bar charts as server-rendered SVG, for pages (the home page, /thong-ke). Besides the
** escaper (tmpl.c), this is the only code that makes raw trusted HTML (tmpl.h):
** test_raw_constructor_callers in tests/unit/test_tmpl.c lists it. Every label, title and value
** it writes goes through tmpl_escape; numbers are written in the page's language (lang_int).
**
** A chart is <svg role="img" aria-labelledby="ID-title ID-desc"> with <title> and <desc>, and
** SVG presentation attributes and classes only (the CSP refuses style attributes; colours and
** fonts may be restyled by the classes in static/ocop.css). The figures themselves belong in a
** <table> next to it, for screen readers, print and text browsers: svg_chart_view gives a
** template both (templates/chart.html renders them).
*/
#ifndef OCOP_SVG_H
#define OCOP_SVG_H

#include <jansson.h>

#include "buf.h"
#include "i18n.h"

typedef enum {
    SVG_HBAR, /* one row per bar, the label above it: long labels (provinces, product groups) */
    SVG_VBAR, /* columns side by side, the label under each: few short labels (stars) */
} SvgKind;

typedef struct SvgBar {
    const char *label; /* what the bar counts ("Vĩnh Long", "3★"); NULL is "" */
    long long value;   /* >= 0; a negative value is drawn as 0 and written as it is */
} SvgBar;

typedef struct SvgChart {
    SvgKind kind;
    const char *id;    /* unique within the page, for the ids of <title> and <desc>: "stars" */
    const char *title; /* the chart's accessible name (already translated) */
    const char *desc;  /* one sentence saying what it shows (already translated) */
    const char *empty; /* the text drawn when there is no bar ("No products yet") */
    Lang lang;         /* for the numbers */
    const SvgBar *bars;
    int n;
} SvgChart;

/* Bar lengths are proportional to the values, the longest bar (the largest value) being the
** full length; the geometry, in user units of the viewBox: */
#define SVG_WIDTH 360      /* every chart's width: a phone's, so that its text is not shrunk there */
#define SVG_HBAR_LABEL 80  /* room kept right of the longest horizontal bar for its value */
#define SVG_VBAR_HEIGHT 160 /* the tallest vertical bar */
#define SVG_LABEL_MAX 44   /* characters of a label drawn; a longer one is cut at a word and ends
                           ** in "…" (the table beside the chart has it whole) */

/* Append the chart's <svg> element to out. */
void svg_bar_chart(Buf *out, const SvgChart *c);

/* The chart for a template: {"id", "title", "desc", "svg": trusted HTML (svg_bar_chart),
** "rows": [{"label", "value": lang_int text}]}, a new object the caller owns. */
json_t *svg_chart_view(const SvgChart *c);

#endif
