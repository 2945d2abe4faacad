/*
** demo.h: the demonstration data set, compiled into the binary from the CSV files in data/demo/ and
** loaded through the ordinary importer (so the demo files are also working samples of the
** import format).
*/
#ifndef OCOP_DEMO_H
#define OCOP_DEMO_H

#include "auth.h"
#include "db.h"
#include "decision.h"

/* The password of every demo account. */
#define DEMO_PASSWORD "demo-ocop-2026"

/* Import villages, producers, products, recognitions and points of sale, create the demo
** councils (two of Vĩnh Long, the Ministry's) and one demo account per role (README lists them),
** and carry the procedure through the domain as the API does: ten dossiers in Mỏ Cày in every
** state up to the council's scoring (dossier_act_on; scoring_save_on as each member of council
** 2), then five products recognised by decisions on days in the past (one certificate valid, one
** in its re-evaluation window, one expired, one revoked, one 5★ through the Ministry), signed
** with the keys of Vĩnh Long and of the Ministry, made in env->keys_dir when missing; the PDFs go
** to env->files_dir. The recognitions' dates of the CSV files are moved by the days from the
** demo's reference day to today (YYYY-MM-DD), so that the demo shows valid stars on any day it
** is loaded; the procedure is dated from the real day. who (the command line's system actor)
** imports and creates them. -1 with e (and e->errors) when a file is refused or a step fails. */
int demo_load(Db *db, const Actor *who, const DecisionEnv *env, const char *today, int verbose, Err *e);

#endif
