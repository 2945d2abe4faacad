/*
** fuzz_xlsx.c: libFuzzer harness for the XLSX reader (table.c).
**
** An input starting with "PK" is taken as a zip archive as is. Any other input is a readable
** description of one, so that mutations reach the XML handlers instead of dying on CRCs:
**     @@ xl/workbook.xml
**     <workbook ...>...</workbook>
**     @@ xl/worksheets/sheet1.xml
**     ...
** each "@@ NAME" line starting an entry (stored; "@@! NAME" deflated) that runs to the next.
** For every input that parses it checks the invariants (cells non-NULL, rows padded to the
** used range, row numbers in range) and that the table survives a CSV and an XLSX round trip.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "table.h"
#include "tablew.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Build the described archive; returns malloc'd bytes or NULL if there are no entries. */
static char *build_zip(const char *s, size_t n, size_t *out_n) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (!za) abort();
    zip_source_keep(src);
    int entries = 0;
    size_t i = 0;
    while (i + 3 <= n) {
        /* An entry header at i: "@@ name\n" or "@@! name\n". */
        if (memcmp(s + i, "@@", 2) != 0 || (i > 0 && s[i - 1] != '\n')) {
            i++;
            continue;
        }
        int deflate = s[i + 2] == '!';
        size_t ns = i + 2 + (size_t)deflate;
        while (ns < n && s[ns] == ' ') ns++;
        size_t ne = ns;
        while (ne < n && s[ne] != '\n') ne++;
        size_t body = ne < n ? ne + 1 : n, end = body;
        while (end < n && !(s[end] == '@' && end + 1 < n && s[end + 1] == '@' && s[end - 1] == '\n'))
            end++;
        size_t blen = end > body && s[end - 1] == '\n' && end < n ? end - body - 1 : end - body;
        char name[256];
        size_t nl = ne - ns < sizeof name - 1 ? ne - ns : sizeof name - 1;
        memcpy(name, s + ns, nl);
        name[nl] = 0;
        zip_source_t *es = zip_source_buffer(za, s + body, blen, 0);
        zip_int64_t idx = es && nl ? zip_file_add(za, name, es, ZIP_FL_OVERWRITE) : -1;
        if (idx >= 0) {
            zip_set_file_compression(za, (zip_uint64_t)idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 1);
            entries++;
        } else if (es) {
            zip_source_free(es);
        }
        i = end;
    }
    char *buf = NULL;
    if (zip_close(za) != 0) {
        zip_discard(za);
        entries = 0;
    }
    if (entries && zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t size = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        buf = malloc(size > 0 ? (size_t)size : 1);
        if (zip_source_read(src, buf, (zip_uint64_t)size) != size) abort();
        zip_source_close(src);
        *out_n = (size_t)size;
    }
    zip_source_free(src);
    zip_error_fini(&ze);
    return buf;
}

static void check_same(const Table *a, const Table *b, const char *how) {
    if (table_nrows(a) != table_nrows(b)) {
        fprintf(stderr, "%s round trip: %zu rows became %zu\n", how, table_nrows(a), table_nrows(b));
        abort();
    }
    for (size_t i = 0; i < table_nrows(a); i++) {
        int na, nb;
        const char *const *ca = table_row(a, i, &na, NULL), *const *cb = table_row(b, i, &nb, NULL);
        if (na != nb) {
            fprintf(stderr, "%s round trip: row %zu has %d cells, then %d\n", how, i, na, nb);
            abort();
        }
        for (int k = 0; k < na; k++)
            if (strcmp(ca[k], cb[k]) != 0) {
                fprintf(stderr, "%s round trip: row %zu cell %d: \"%s\" became \"%s\"\n", how, i,
                        k, ca[k], cb[k]);
                abort();
            }
    }
}

static void roundtrip(const Table *t, TableFormat fmt, const TableLimits *lim) {
    TableWriter *w = tablew_new(fmt, "fuzz");
    for (size_t i = 0; i < table_nrows(t); i++) {
        int n;
        const char *const *cells = table_row(t, i, &n, NULL);
        tablew_row(w, cells, n);
    }
    char *out;
    size_t n;
    Err e = ERR_INIT;
    if (tablew_finish(w, &out, &n, &e) != 0) {
        fprintf(stderr, "writing failed: %s\n", e.detail);
        abort();
    }
    Table *back = table_parse(out, n, TABLE_AUTO, lim, &e);
    if (!back) {
        fprintf(stderr, "%s round trip: re-reading failed: %s\n", tablew_ext(fmt), e.detail);
        abort();
    }
    check_same(t, back, tablew_ext(fmt));
    table_free(back);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    TableLimits lim = {.max_rows = 2000, .max_cols = 64, .max_cell = 4096,
                       .max_unzipped = 8 * 1024 * 1024};
    char *zipped = NULL;
    const char *in = (const char *)data;
    size_t n = size;
    if (size < 2 || memcmp(data, "PK", 2) != 0) {
        zipped = build_zip(in, size, &n);
        if (!zipped) return 0;
        in = zipped;
    }
    Err e = ERR_INIT;
    Table *t = table_parse(in, n, TABLE_XLSX, &lim, &e);
    free(zipped);
    if (!t) {
        if ((e.status != 422 && e.status != 413) || !e.detail[0]) abort();
        return 0;
    }
    int ncols = table_ncols(t);
    size_t cells = 0;
    for (size_t i = 0; i < table_nrows(t); i++) {
        int nc;
        long rowno;
        const char *const *c = table_row(t, i, &nc, &rowno);
        if (nc != ncols || nc < 1 || (size_t)nc > lim.max_cols) abort();
        if (rowno < 1 || rowno > 1048576) abort();
        int nonempty = 0;
        for (int k = 0; k < nc; k++) {
            if (!c[k] || strlen(c[k]) > lim.max_cell) abort();
            nonempty |= c[k][0] != 0;
        }
        if (!nonempty) abort();
        cells += (size_t)nc;
    }
    roundtrip(t, TABLE_CSV, &lim);
    if (cells <= 200) roundtrip(t, TABLE_XLSX, &lim); /* it goes through a temp file */
    table_free(t);
    return 0;
}
