/*
** demo.h: the demonstration data set, compiled into the binary from the CSV files in data/demo/ and
** loaded through the ordinary importer (so the demo files are also working samples of the
** import format).
*/
#ifndef OCOP_DEMO_H
#define OCOP_DEMO_H

#include "auth.h"
#include "db.h"

/* The password of every demo account. */
#define DEMO_PASSWORD "demo-ocop-2026"

/* Import villages, producers, products, recognitions and points of sale, create two demo councils
** and one demo account per role (README lists them), and file ten dossiers in Mỏ Cày carried to
** every state up to the council's scoring: the steps through dossier_act_on, the scores through
** scoring_save as each member of council 2. The recognitions' dates are moved by the days from the
** demo's reference day to today (YYYY-MM-DD), so that the demo shows valid stars on any day it is
** loaded; the procedure is dated from the real day (the scoring takes no day). who (the command
** line's system actor) imports and creates them. -1 with e (and e->errors) when a file is
** refused or a step fails. */
int demo_load(Db *db, const Actor *who, const char *today, int verbose, Err *e);

#endif
