/*
** report.h: the reports a unit sends upward (docs/reports.md), built from the registry live and
** written as PDF, XLSX or CSV.
**
** A report is first a document model, a JSON object that the API also returns as it is:
**
**   {report, title, subject, issuer: [lines], number, place, date, from, unit: {code, name,
**    level, geo}, summary: [sentences], sections: [{heading, text?: [paragraphs], table?: T,
**    chart?: {title, bars: [{label, value}]}}], recipients: [lines], signer: {title, name}}
**
**   T: {columns: [{key, label, type}], rows: [[cell...]], total?: label}
**
** where a column's type is "text", "int", "num" (2 decimals), "date" (an ISO date shown
** dd/mm/yyyy) or "pct": a percentage whose column also says {"num": key, "den": key}, the two
** int columns of the same row it is computed from (26.11 for 41 of 157). A table with "total"
** ends in a row that sums its int columns (and computes its pct columns from those sums). The
** renderers (report_render.c) only lay the model out: the PDF in the layout of an
** administrative report (Nghị định 30/2020/NĐ-CP: the issuing body and the national motto on
** top, the number, the place and date, the title, the recipients and the signature block), the
** XLSX with numbers as numbers and the totals and percentages as formulas, the CSV as the
** tables one after the other.
**
** Reports, each for a unit of either map and a period (a stock counted on the period's last
** day, a flow over the period):
**   summary   the programme's figures: products in force by stars and their producers, the
**             communes covered (by kind and district, as provinces write it), new recognitions,
**             upgrades and renewals, expiries; the same by sub-unit; product groups
**   products  the OCOP products in force, with stars, decision and expiry
**   due       products whose certificate ends within `months` of the period's last day
**   progress  a plan's progress: targets, the sub-units short of them, tasks (plan, or every
**             plan of the unit that meets the period)
**   round     an evaluation round's results (its dossiers, scores, stars); needs dossiers.read
*/
#ifndef OCOP_REPORT_H
#define OCOP_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "err.h"
#include "i18n.h"

typedef struct ReportQuery {
    const char *name;   /* summary, products, due, progress, round */
    const char *unit;   /* a unit code; NULL or "": the country */
    const char *geo;    /* "2025", "pre2025" or NULL (the map of the period's last day) */
    const char *period; /* "2022", "2022-07", "2021-2025", "2022-01-01..2022-07-31", a day
                        ** "2022-07-31" (from 1 January), or NULL: this year up to today */
    int64_t plan;       /* progress: one plan (0: the unit's plans meeting the period) */
    int64_t round;      /* round: the round */
    int months;         /* due: the window after the last day (0: 6 months) */
    const char *number; /* the document's number ("45/BC-UBND"); NULL: "     /BC-..." to fill in */
    const char *signer, *signer_title; /* the signature block (NULL: blank to sign) */
    Lang lang;
} ReportQuery;

/* The names of the reports, NULL-terminated. */
extern const char *const REPORT_NAMES[];

/* The period p as its first and last day; 0, or -1 with a 400 naming "period". */
int report_period(const char *p, char from[11], char to[11], Err *e);

/* The report q as its model (a new object), or NULL with e (400 bad query, 403, 404). */
json_t *report_build(Db *db, Arena *a, const Actor *who, const ReportQuery *q, Err *e);

typedef enum { REPORT_JSON, REPORT_PDF, REPORT_XLSX, REPORT_CSV } ReportFormat;

/* "json", "pdf", "xlsx", "csv" -> the format; -1 when none of them. */
int report_format_parse(const char *s);
const char *report_format_mime(ReportFormat f);
const char *report_format_ext(ReportFormat f);

/* The model written as f: *out (malloc'd, the caller frees) of *n bytes; 0, or -1 with e. */
int report_render(const json_t *model, ReportFormat f, char **out, size_t *n, Err *e);

#endif
