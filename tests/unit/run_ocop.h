/*
** run_ocop.h: unit tests that also check the command line run the real binary ($OCOP_BIN).
*/
#ifndef OCOP_TEST_RUN_OCOP_H
#define OCOP_TEST_RUN_OCOP_H

#include "buf.h"

/* Run `ocop ARGS...` (NULL-terminated, at most 14) with its standard output and error captured
** through files in dir into out and err; its exit status. Fails the test if it cannot run. */
int run_ocop_in(const char *dir, const char *const *args, Buf *out, Buf *err);

#endif
