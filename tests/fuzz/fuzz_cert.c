/*
** fuzz_cert.c: libFuzzer harness for cert_read, which finds and parses the signature string of
** a certificate in any bytes (a PDF, a verification page). Beyond not crashing or leaking: a
** refusal is a 422 with a message; an accepted payload has every signed field, 3 to 5 stars and
** a 19-character fingerprint; when its fields pass cert_validate, building the payload from them
** gives back exactly the bytes that were read (one set of fields, one payload); checking the
** signature against an arbitrary key answers without crashing.
*/
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what) {
    fprintf(stderr, "fuzz_cert: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (sodium_init() < 0) fail("sodium_init");
    CertSigned s;
    Err e = ERR_INIT;
    if (cert_read((const char *)data, size, &s, &e)) {
        if (e.status != 422 || !e.detail[0]) fail("a refusal without a 422 and a message");
        return 0;
    }
    const CertData *c = &s.c;
    const char *fields[] = {c->cert_no, c->product_code, c->product_name, c->producer_name, c->level, c->issuer,
                            c->decision_no, c->decision_date, c->issued_on, c->expires_on, c->key_id, c->verify_url};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (!fields[i] || !*fields[i]) fail("an accepted payload lacks a field");
    if (c->stars < 3 || c->stars > 5) fail("stars out of range accepted");
    if (strlen(s.fingerprint) != 19) fail("fingerprint length");
    if (cert_validate(c, &e) == 0) {
        char *p;
        size_t n;
        if (cert_payload(c, &p, &n, &e)) fail("cert_payload refused validated fields");
        if (n != s.payload_n || memcmp(p, s.payload, n)) fail("the payload is not the canonical form of its fields");
        free(p);
    }
    json_t *j = cert_signed_json(&s);
    if (json_object_size(j) != 14) fail("JSON of the payload");
    json_decref(j);
    unsigned char pk[crypto_sign_PUBLICKEYBYTES] = {1};
    cert_check(&s, pk, &e);
    cert_signed_free(&s);
    return 0;
}
