/*
** page_sheet.h: the official score sheet (phiếu đánh giá, QĐ 26/2026/QĐ-TTg) as a form, the
** one every workspace shows: the producer's self-assessment (Mẫu 02) and each council member's
** sheet. One choice per criterion with the criterion's text and its options' points, the part
** subtotals and total, the stars by score and the stars *after* the minimum-star markers, and
** the criteria that hold the result back. templates/sheet.html renders it; static/sheet.js
** updates the result as choices change (asking POST /api/v1/rubrics/{v}/sets/{n}/evaluate,
** so the rules live in one place, rubric.c) and, where the page gives it a save URL, saves
** each change and keeps a copy in the browser until it is saved (a session that expired loses
** nothing). Without JavaScript the page's own form posts the choices and gets the result back.
*/
#ifndef OCOP_PAGE_SHEET_H
#define OCOP_PAGE_SHEET_H

#include <jansson.h>
#include <stdbool.h>

#include "http.h"
#include "rubric.h"

typedef struct SheetOpts {
    json_t *choices;          /* {"CODE": index | "not_met" | null}, or NULL: none yet */
    json_t *comments;         /* {"CODE": "text"}, or NULL */
    json_t *beside;           /* another sheet's choices shown beside each criterion, or NULL */
    const char *beside_label; /* what that sheet is, a message id: N_("Self-assessment") */
    json_t *evidence;         /* {"CODE": [{"filename", "url"}]}: files beside each criterion, or NULL */
    bool with_comments;       /* a comment box per criterion */
    bool readonly;            /* the choices shown, not editable */
    const char *save_url;     /* sheet.js saves each change there (PUT {choices, comments}), or NULL */
    const char *key;          /* the browser copy's key ("score-12-alice"), with save_url */
} SheetOpts;

/* The view of set s filled with o (templates/sheet.html): {version, set_no, set_name,
** evaluate_url, save_url, key, readonly, with_comments, beside_label, parts [{part, name, max,
** subtotal, sections [{number, name, max, leaves [{code, id, name, text, max, met_or_not,
** note, chosen_text, missing, beside_text, evidence [...], comment, options [{value, id, text,
** points, min_star_text, checked, branch_name}]}]}]}], result {total, parts {A, B, C}, band,
** stars, stars_text, band_text, missing, missing_text, held [{code, text, caps_at}],
** complete}}. A new object. Choices that do not fit the sheet are shown as missing. */
json_t *sheet_view(Req *r, const RubSet *s, const SheetOpts *o);

/* The choices of a posted sheet form (fields "c.CODE": an option's index, "not_met" or "" for
** none) as rubric_evaluate takes them, every leaf of s present (null when not chosen); with
** comments non-NULL, the "m.CODE" fields as {"CODE": "text"} (non-empty only) into *comments.
** NULL with e (422, the field "c.CODE") when a value is not one of the criterion's. */
json_t *sheet_form_choices(Req *r, const RubSet *s, json_t **comments, Err *e);

/* GET /tu-danh-gia?bo=N: anyone may try the sheet of product set N (1..26) of the score sheet in
** force before filing, the result live (sheet.js) or, posted, computed by the server; nothing is
** saved. POST /tu-danh-gia?bo=N: the same with the posted choices. */
int page_sheet_try(Req *r);

#endif
