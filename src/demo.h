/*
** demo.h: the demonstration data set, compiled into the binary from the CSV files in data/demo/ and
** loaded through the ordinary importer (so the demo files are also working samples of the
** import format).
*/
#ifndef OCOP_DEMO_H
#define OCOP_DEMO_H

#include "db.h"

/* The password of every demo account. */
#define DEMO_PASSWORD "demo-ocop-2026"

/* Import villages, producers, products, recognitions and points of sale, and create one demo
** account per role (README lists them). -1 with e (and e->errors) when a file is refused. */
int demo_load(Db *db, int verbose, Err *e);

#endif
