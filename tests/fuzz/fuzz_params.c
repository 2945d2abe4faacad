/*
** fuzz_params.c: libFuzzer harness for the typed query parameters (param.c): the declaration
** parser and params_admit. The input is "DECLARATION\nKEY=VALUE\nKEY=VALUE...". Beyond not
** crashing: a declaration param_decl_check accepts can be walked to its end; a refused query
** names a parameter of the query with 400; an admitted query has every declared value valid
** on its own (param_value_check) and a paging within the declared reach.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_Q = 16 };

static void fail(const char *what, const char *decl) {
    fprintf(stderr, "fuzz_params: %s: declaration \"%s\"\n", what, decl);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    char *decl = s, *rest = strchr(s, '\n');
    if (rest) *rest++ = 0;
    Err e = ERR_INIT;
    if (param_decl_check(decl, &e)) {
        if (e.status != 500 || !e.detail[0]) fail("a refusal without a reason", decl);
        free(s);
        return 0;
    }
    ParamSpec sp;
    int n = 0;
    for (const char *p = decl; param_next(&p, &sp, &e) == 1;) n++;
    if (e.status) fail("accepted, then refused while walking", decl);
    Param q[MAX_Q];
    int nq = 0;
    for (char *line = rest, *next; line && nq < MAX_Q; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = 0;
        q[nq++] = (Param){line, eq + 1};
    }
    for (int pages = 0; pages < 2; pages++) {
        Err a = ERR_INIT;
        if (params_admit(decl, pages, q, nq, &a)) {
            bool named = false;
            for (int i = 0; i < nq; i++) named |= strcmp(q[i].key, a.field) == 0;
            if (a.status != 400 || !named) fail("a refusal that names no parameter of the query", decl);
            continue;
        }
        for (int i = 0; i < nq; i++) {
            Err v = ERR_INIT;
            if (param_find(decl, q[i].key, &sp) && param_value_check(&sp, q[i].value, &v))
                fail("admitted a value its type refuses", decl);
        }
    }
    free(s);
    return 0;
}
