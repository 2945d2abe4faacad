/*
** fuzz_paging.c: libFuzzer harness for paging_parse (util.c), the one parser of ?page= and
** ?per_page=. The input is "PAGE<TAB>PER_PAGE" (either part may be empty: absent). Beyond not
** crashing: on success 1 <= page, 1 <= per_page <= the rule's maximum, page × per_page within
** the rule's reach, offset = (page - 1) × per_page; on failure a 400 naming "page" or
** "per_page". Checked against both rules in use (the lists' and the search's).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *page, const char *per_page) {
    fprintf(stderr, "fuzz_paging: %s: page \"%s\" per_page \"%s\"\n", what, page ? page : "(absent)",
            per_page ? per_page : "(absent)");
    abort();
}

static void check(const char *page, const char *per_page, const PagingRule *rule) {
    Paging p;
    Err e = ERR_INIT;
    if (paging_parse(page, per_page, rule, &p, &e) == 0) {
        if (p.page < 1 || p.per_page < 1 || p.per_page > rule->per_page_max) fail("out of range", page, per_page);
        if (p.page > rule->reach / p.per_page) fail("beyond the reach", page, per_page);
        if (p.offset != (p.page - 1) * p.per_page || p.offset < 0) fail("offset", page, per_page);
        if (!page && p.page != 1) fail("default page", page, per_page);
        if (!per_page && p.per_page != rule->per_page_default) fail("default per_page", page, per_page);
        if (paging_pages(&p, INT32_MAX) < 1) fail("pages", page, per_page);
    } else if (e.status != 400 || (strcmp(e.field, "page") != 0 && strcmp(e.field, "per_page") != 0)) {
        fail("error without a field", page, per_page);
    }
    err_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    char *tab = strchr(s, '\t');
    const char *page = s, *per_page = NULL;
    if (tab) {
        *tab = 0;
        per_page = tab + 1;
    }
    static const PagingRule search = {20, SEARCH_LIMIT_MAX, SEARCH_COUNT_MAX};
    check(*page ? page : NULL, per_page && *per_page ? per_page : NULL, &PAGING_LIST);
    check(*page ? page : NULL, per_page && *per_page ? per_page : NULL, &search);
    check(page, per_page, &PAGING_LIST);
    free(s);
    return 0;
}
