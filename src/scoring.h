/*
** scoring.h: the council scores a dossier (QĐ 26/2026/QĐ-TTg: "Hội đồng đánh giá, phân hạng").
**
** The council is the one of the dossier's round. Its chair and members score (the secretary
** keeps the minutes and may close the scoring); each fills the dossier's sheet on their own
** (one option per criterion, a comment per criterion) and sees the others' sheets only after
** submitting their own. A member with a conflict of interest (declared, or detected: the
** member's own producer account is the dossier's producer, or a producer of the same commune)
** cannot score it. Closing needs a quorum (default 3/4 of the chair and members, the chair
** among them) and, when the totals spread more than the round's threshold (default 10
** points), a re-scoring or the chair's explicit acceptance. The dossier then gets the average
** total to two decimals, its band and its stars after the minimum-star markers (rubric.h),
** computed on each criterion's average points.
*/
#ifndef OCOP_SCORING_H
#define OCOP_SCORING_H

#include <jansson.h>

#include "auth.h"
#include "db.h"
#include "err.h"

/* The council of the dossier's round: members with position, agency, conflict and whether
** they submitted in the current pass; no scores. */
json_t *scoring_council(Db *db, const Actor *who, int64_t dossier, Err *e);
/* A member declares a conflict of interest with the dossier ({"reason"}). */
int scoring_declare_conflict(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e);
/* Save the caller's sheet {"choices", "comments"?, "submit"?}; submitting needs every
** criterion. *out: the saved sheet with its live result. */
int scoring_save(Db *db, const Actor *who, int64_t dossier, json_t *in, json_t **out, Err *e);
/* scoring_save as on day (YYYY-MM-DD): the round's end checked against it and the sheet's times
** (ts_on). For the demo's past procedures (demo.c); requests always score on the real day. */
int scoring_save_on(Db *db, const Actor *who, int64_t dossier, json_t *in, json_t **out, const char *day, Err *e);
/* The sheets the caller may see, the spread, the quorum, the self-assessment beside them. */
json_t *scoring_view(Db *db, const Actor *who, int64_t dossier, Err *e);
/* The chair opens a new pass after a spread was flagged ({"comment"}). */
int scoring_rescore(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e);
/* The chair or the secretary closes the scoring ({"accept_spread"?, "comment"?}). */
int scoring_close(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e);
/* scoring_close as on day: the round's end checked against it, the closing recorded at it (a
** decision is dated on or after it). For the demo's past procedures, as scoring_save_on. */
int scoring_close_on(Db *db, const Actor *who, int64_t dossier, json_t *in, const char *day, Err *e);
/* The minutes (biên bản): the council, every submitted sheet, the result. Shown to the
** province, the secretary and members who submitted while the council scores; to the council,
** the commune and the producer once the scoring is closed. 403 otherwise. */
json_t *scoring_minutes(Db *db, const Actor *who, int64_t dossier, int64_t pass, Err *e);
/* The scoring of a round at a glance, for the province that organises it: for round (> 0)
** every dossier in it, else the dossiers in the open rounds of province (NULL: of every
** province). {"progress": {"DOSSIER_ID": {scorers, submitted, needed, chair_submitted, met}}
** (the quorum of scoring_view, in the dossier's current pass), "conflicts": [{dossier_id,
** reg_no, round_id, user_id, username, full_name, position, kind: "declared" | "own_producer" |
** "same_commune", reason (declared only)}]}: the declared conflicts and the ones detected (the
** member's own producer filed the dossier, or the member has a producer in its commune). A
** dossier whose council has no member has no progress. One query; the caller checks who may
** see it. A new object. */
json_t *scoring_round_status(Db *db, const char *province, int64_t round);

#endif
