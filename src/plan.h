/*
** plan.h: plans (kế hoạch), their targets on the indicators (indicator.h) and their tasks, and
** their progress computed live (docs/plans.md).
**
** A plan belongs to a unit of one map (a 2025 province or commune, a pre-2025 province,
** district or commune, or the whole country: unit "") and a period, and cites its document. A
** target sets a minimum, a range or a maximum on an indicator, for the unit as a whole or for
** each of its sub-units of a level ("each district at least 5 products", "each commune at least
** 1"). Writing needs plans.write where the plan lies: a province's officers their province's
** plans (the 2025 province a pre-2025 unit went to), the Ministry's officers the country's,
** administrators all. Plans are public documents: anyone reads them and their progress, except
** the values of targets that count dossiers, shown only to callers holding dossiers.read.
*/
#ifndef OCOP_PLAN_H
#define OCOP_PLAN_H

#include <jansson.h>

#include "arena.h"
#include "auth.h"
#include "db.h"

/* A new plan from in: {unit, geography?, from, to, title, document?: {no, date, issuer},
** note?, targets?: [{indicator, each?, min?, max?, label?}], tasks?: [{title, agency?,
** due_on?, status?, progress?}]}. Every problem is in e->errors ({field, reason}: "targets[2].min")
** and nothing is written (422); 403 outside who's reach. *id: the new plan. The caller holds no
** transaction. */
int plan_create(Db *db, Arena *a, const Actor *who, json_t *in, int64_t *id, Err *e);
/* Replace plan id with in (as plan_create; its tasks' ids are new ones). */
int plan_replace(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, Err *e);
int plan_delete(Db *db, const Actor *who, int64_t id, Err *e);
/* The plan as the API shows it (new reference), or NULL with a 404. */
json_t *plan_get(Db *db, int64_t id, Err *e);
/* Plans of unit (NULL: all; "": the country's) whose period meets year (0: any), newest period
** first: a page of items and the total. */
int plan_list(Db *db, const char *unit, int year, int64_t limit, int64_t offset, json_t **items, int64_t *total, Err *e);
/* A copy of plan id for the period from..to (its targets and tasks, the tasks back to "todo",
** the document left out: the next year's is another one). *new_id. */
int plan_copy(Db *db, Arena *a, const Actor *who, int64_t id, const char *from, const char *to, int64_t *new_id, Err *e);
/* A task's status and progress note: in {status?, progress?}. */
int plan_task_update(Db *db, const Actor *who, int64_t plan, int64_t task, json_t *in, Err *e);
/* The plan's progress on date (NULL: today; counted no later than its last day): each target
** with its value and status ("achieved", "on_track", "at_risk", "missed", "not_started"), and
** for a target of each sub-unit, every sub-unit's. A new object, or NULL with e. */
json_t *plan_progress(Db *db, Arena *a, const Actor *who, int64_t id, const char *date, Err *e);

#endif
