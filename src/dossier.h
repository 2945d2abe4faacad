/*
** dossier.h: evaluation dossiers (hồ sơ đánh giá, phân hạng sản phẩm OCOP) and the
** province's evaluation rounds, following QĐ 26/2026/QĐ-TTg.
**
** A dossier is a record of the generic entity layer (ENTITY_DOSSIERS: lists, filters, scope)
** plus a state machine. States:
**
**   draft -> submitted -> with_commune -> forwarded -> checked -> in_round -> scored -> decided
**                              |   ^
**                              v   |  (returned <-> resubmitted: the commune asks for changes)
**                          returned -> resubmitted
**   ... -> rejected (a knock-out condition, with its reason) | withdrawn (by the producer)
**   scored (5 stars) -> with_ministry -> in_ministry_round -> ministry_scored -> decided
**       (the Ministry's council scores a 5-star result again; Điều 4.1.b)
**   scored | ministry_scored (under 3 stars) -> decided, result not_recognized
**
** Each step names the roles that may take it (dossier_transitions) and is recorded in
** dossier_events and in the audit trail. The commune has 15 working days from receiving a
** dossier to check it and assess the four local-origin items (workdays.h); a dossier past that
** day is flagged "overdue".
*/
#ifndef OCOP_DOSSIER_H
#define OCOP_DOSSIER_H

#include <jansson.h>

#include "arena.h"
#include "auth.h"
#include "db.h"
#include "entity.h"
#include "err.h"

extern const Entity ENTITY_DOSSIERS, ENTITY_ROUNDS;
/* Kinds (first, upgrade, reevaluation) and states of a dossier, with their labels. */
extern const EnumVal DOSSIER_KINDS[], DOSSIER_STATES[];

/* Dossiers decided on paper before the province used ocop, recorded by import (`ocop import
** dossiers`, POST /api/v1/import/dossiers; dossier_archive.c): closed (decided, rejected or
** withdrawn), with the round they were evaluated in (created, closed, when the province has no
** such round yet), the council's average score and the stars. The same table as
** ENTITY_DOSSIERS; a province officer's (rounds.write) within the province. */
extern const Entity ENTITY_DOSSIER_ARCHIVE;

/* The transitions as data: [{action, from: [...], to, roles: [...], needs: "..."}]. */
json_t *dossier_transitions(void);

/* May product have a new dossier of kind ("first", "upgrade", "reevaluation") today? 0, or 422
** with the reason (the certificate it holds, the re-evaluation window's opening). The check the
** filing itself makes: a page offers only the kinds it would accept. */
int dossier_check_kind(Db *db, const char *kind, int64_t product, Err *e);

/* Take action on dossier id: in.action plus what the action needs (comment, reason,
** round_id). Refuses an action not allowed from the current state (409), by a role that may not
** take it (403), or without what it needs (422). The caller holds no transaction. */
int dossier_act(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, Err *e);
/* dossier_act on the day today (YYYY-MM-DD) instead of the real one: the dates the step records
** (filed, received and the commune's deadline, forwarded, the event's time: ts_on), and the
** round's end it checks. The demo (demo.c) back-dates its overdue dossier and the procedure of
** its past decisions with it; requests always act on the real day. */
int dossier_act_on(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, const char *today, Err *e);
/* Create a draft dossier from in (entity_check and entity_insert of ENTITY_DOSSIERS, as
** POST /api/v1/dossiers does) as on day: pinned to the score sheet in force on day, not today,
** so that dossier_act_on can file it on day. For the demo's past procedures (demo.c); requests
** always create on the real day. The caller holds no transaction. */
int dossier_create_on(Db *db, Arena *a, const Actor *who, json_t *in, const char *day, int64_t *id, Err *e);

/* The producer's self-assessment on the dossier's score sheet: {"choices": {...}} scored and
** kept with its result. Drafts and dossiers returned for changes only. */
int dossier_self_assess(Db *db, const Actor *who, int64_t id, json_t *in, Err *e);

/* The commune's report (Mẫu 03): the four local-origin items, each {"met": bool, "note"},
** and a comment. While the commune holds the dossier only. */
int dossier_commune_report(Db *db, const Actor *who, int64_t id, json_t *in, Err *e);

/* Evidence: bytes (PDF, JPEG, PNG or WebP) stored content-addressed under files_dir and
** attached to the dossier, optionally to one criterion of its sheet. Returns the file as JSON
** with *created 0 when the dossier already had these bytes. */
json_t *dossier_file_add(Db *db, const Actor *who, const char *files_dir, int64_t id, const char *kind,
                         const char *criterion, const char *filename, const void *data, size_t n, int *created, Err *e);
int dossier_file_remove(Db *db, const Actor *who, int64_t id, const char *sha, Err *e);
json_t *dossier_files(Db *db, int64_t id);
/* The recorded type of file sha of dossier id, or NULL (not attached to it). Caller frees. */
char *dossier_file_mime(Db *db, int64_t id, const char *sha);
/* Record a step of dossier id in its history (dossier_events): action, states, comment (may
** be NULL or ""). The caller holds the transaction and writes the audit entry. */
int dossier_record_event(Db *db, const Actor *who, int64_t id, const char *action, const char *from, const char *to,
                         const char *comment, Err *e);
/* dossier_record_event at the time ts_on(day) gives (day NULL: now). */
int dossier_record_event_on(Db *db, const Actor *who, int64_t id, const char *action, const char *from, const char *to,
                            const char *comment, const char *day, Err *e);
/* The events of dossier id, oldest first. */
json_t *dossier_events(Db *db, int64_t id);

#endif
