/*
** run_ocop.h: unit tests that also check the command line run the real binary ($OCOP_BIN).
*/
#ifndef OCOP_TEST_RUN_OCOP_H
#define OCOP_TEST_RUN_OCOP_H

#include "buf.h"
#include "db.h"

/* Run `ocop ARGS...` (NULL-terminated, at most 14) with its standard output and error captured
** through files in dir into out and err; its exit status. Fails the test if it cannot run. */
int run_ocop_in(const char *dir, const char *const *args, Buf *out, Buf *err);

/* A new database file /tmp/ocop-test-STEM-XXXXXX (its name into path[cap]), migrated with the
** embedded reference data, open; NULL (said on stderr) when it cannot be made. */
Db *test_db_migrated(const char *stem, char *path, size_t cap);
/* Run sql on db; fails the test with its message when it does not run. */
void test_exec(Db *db, const char *sql);

#endif
