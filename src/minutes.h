/*
** minutes.h: the minutes of a council's scoring (biên bản họp Hội đồng đánh giá, phân hạng sản
** phẩm OCOP) as a PDF ready to print and sign, drawn with cairo and pango in the Noto fonts
** like the certificate (cert.c), so its Vietnamese is real, searchable text.
**
** The page is A4 portrait, in the layout of an administrative document (Nghị định
** 30/2020/NĐ-CP): the council left and the national motto right, place and date, the title,
** then the meeting, the members present, absent or excluded by a conflict of interest, the
** product and its producer, the table of each member's points by part A, B, C and total, the
** average, the spread against the round's threshold, the stars after the minimum-star
** criteria, the re-scorings and the closing with their comments, the members' comments on
** criteria, and the signature blocks of the secretary and the chair. Longer minutes run onto
** more pages.
*/
#ifndef OCOP_MINUTES_H
#define OCOP_MINUTES_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"

/* The PDF of the minutes m: scoring_minutes's object (scoring.h) with, added by the caller,
** "council_name", "round_name", "product_name", "producer_name", "province_name" (the place),
** "set_name" and "date" (YYYY-MM-DD, the day printed). *out (malloc'd) and *n; -1 with e when
** it cannot be drawn. */
int minutes_pdf(json_t *m, char **out, size_t *n, Err *e);

#endif
