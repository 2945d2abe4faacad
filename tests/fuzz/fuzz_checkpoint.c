/*
** fuzz_checkpoint.c: libFuzzer harness for the audit checkpoint parser (audit_checkpoint_parse,
** audit.c), the file that `ocop audit verify` trusts to catch a trail cut short. Beyond not
** crashing: a checkpoint is accepted only with a well-formed entry id (>= 1), a 64-character
** hash and public key, and a signature that verifies; what is accepted parses the same way again,
** is accepted when its own key is pinned, and is refused (422) when another key is pinned.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
    fprintf(stderr, "fuzz_checkpoint: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    AuditCheckpoint cp, again;
    Err e = ERR_INIT;
    if (audit_checkpoint_parse((const char *)data, size, "input", NULL, &cp, &e)) {
        if (e.status != 422 || strcmp(e.field, "checkpoint") != 0) fail("a refusal without its status or field");
        err_clear(&e);
        return 0;
    }
    if (cp.id < 1 || strlen(cp.hash) != 64 || strlen(cp.public_key) != 64) fail("accepted a malformed checkpoint");
    unsigned char pk[32], other[32];
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(cp.public_key + 2 * i, "%2x", &v) != 1) fail("public key is not hex");
        pk[i] = (unsigned char)v;
    }
    if (audit_checkpoint_parse((const char *)data, size, "input", pk, &again, &e)) fail("refused with its own key");
    if (again.id != cp.id || strcmp(again.hash, cp.hash) || strcmp(again.at, cp.at)) fail("parsed differently twice");
    memcpy(other, pk, sizeof other);
    other[0] ^= 1;
    if (!audit_checkpoint_parse((const char *)data, size, "input", other, &again, &e) || e.status != 422)
        fail("accepted with another key pinned");
    err_clear(&e);
    return 0;
}
