/*
** tablew.c: the CSV and XLSX writers behind tablew.h.
**
** CSV goes straight into a Buf. XLSX goes through libxlsxwriter, which (in 1.1.x) can only
** write to a file: the writer creates a private temp file (mkstemps under $TMPDIR or /tmp),
** lets libxlsxwriter write the workbook there at finish, reads the bytes back and unlinks it.
** Errors met while adding rows are kept and reported by tablew_finish, so callers check once.
*/
#include "tablew.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "buf.h"
#include "util.h"

#define XLSX_MAX_TEXT 32767 /* characters in one cell */
#define WIDTH_MIN 8
#define WIDTH_MAX 60

struct TableWriter {
    TableFormat fmt;
    long nrows;
    int maxcols;
    int status;        /* first error, reported by tablew_finish; 0 when none */
    Err err;           /* that error, its message translatable (err.h) */

    Buf csv;

    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *bold;
    char *path, *tmpdir;
    unsigned char *numeric; /* per column, 1 when marked numeric */
    int nnumeric;
    int *width; /* per column, in characters */
    int nwidth;
    Buf cell; /* scratch for escaping */
};

/* Keep the first error only: later ones are usually consequences. */
__attribute__((format(printf, 3, 4)))
static void w_fail(TableWriter *w, int status, const char *fmt, ...) {
    if (w->status) return;
    w->status = status;
    va_list ap;
    va_start(ap, fmt);
    err_vset(&w->err, status, "", fmt, ap);
    va_end(ap);
}

/* Excel forbids []:*?/\ in sheet names, a leading or trailing apostrophe, an empty name, and
** more than 31 characters. */
static char *sheet_name_of(const char *name) {
    if (!name || !*name) return xstrdup("Sheet1");
    Buf b = BUF_INIT;
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        int start = (*p & 0xC0) != 0x80;
        if (start && chars == 31) break;
        chars += start;
        buf_putc(&b, strchr("[]:*?/\\", *p) ? '_' : (char)*p);
    }
    char *s = buf_take(&b);
    if (s[0] == '\'') s[0] = '_';
    size_t n = strlen(s);
    if (n && s[n - 1] == '\'') s[n - 1] = '_';
    return s;
}

TableWriter *tablew_new(TableFormat fmt, const char *sheet_name) {
    TableWriter *w = xcalloc(1, sizeof *w);
    w->fmt = fmt == TABLE_XLSX ? TABLE_XLSX : TABLE_CSV;
    if (w->fmt == TABLE_CSV) {
        buf_puts(&w->csv, "\xEF\xBB\xBF");
        return w;
    }
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    w->tmpdir = xstrdup(dir);
    Buf p = BUF_INIT;
    buf_printf(&p, "%s/ocop-export-XXXXXX.xlsx", dir);
    w->path = buf_take(&p);
    int fd = mkstemps(w->path, 5);
    if (fd < 0) {
        w_fail(w, 500, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        free(w->path);
        w->path = NULL;
        return w;
    }
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = w->tmpdir,
                                .use_zip64 = LXW_FALSE};
    w->wb = workbook_new_opt(w->path, &opt);
    if (!w->wb) {
        w_fail(w, 500, "cannot start the XLSX workbook");
        return w;
    }
    char *name = sheet_name_of(sheet_name);
    w->ws = workbook_add_worksheet(w->wb, name);
    if (!w->ws) w->ws = workbook_add_worksheet(w->wb, NULL);
    free(name);
    if (!w->ws) {
        w_fail(w, 500, "cannot add the XLSX worksheet");
        return w;
    }
    w->bold = workbook_add_format(w->wb);
    format_set_bold(w->bold);
    return w;
}

void tablew_set_number_columns(TableWriter *w, const int *cols, int n) {
    for (int i = 0; i < n; i++) {
        int c = cols[i];
        if (c < 0 || c >= LXW_COL_MAX) continue;
        if (c >= w->nnumeric) {
            w->numeric = xrealloc(w->numeric, (size_t)c + 1);
            memset(w->numeric + w->nnumeric, 0, (size_t)(c + 1 - w->nnumeric));
            w->nnumeric = c + 1;
        }
        w->numeric[c] = 1;
    }
}

/* The number a numeric-column cell holds, if its text is exactly the canonical form the reader
** gives back (so "00004", "1e3" or " 5" stay text). */
static int canonical_number(const char *s, double *v) {
    if (!*s) return 0;
    char *end, txt[32];
    errno = 0;
    double d = strtod(s, &end);
    if (*end || !isfinite(d)) return 0;
    if (strcmp(table_number_text(d, txt), s) != 0) return 0;
    *v = d;
    return 1;
}

/* Characters in the longest line of s, for the column width. */
static int display_width(const char *s) {
    int best = 0, cur = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n') {
            cur = 0;
            continue;
        }
        if ((*p & 0xC0) != 0x80 && ++cur > best) best = cur;
    }
    return best;
}

static int utf8_chars(const char *s) {
    int n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xC0) != 0x80;
    return n;
}

static const char HEX[] = "0123456789abcdefABCDEF";

/* Control characters XML cannot carry, which OOXML writes as "_xHHHH_". */
static int needs_x_escape(unsigned char c) { return c && c < 0x20 && c != '\t' && c != '\n'; }

/* Text for an XLSX string cell, escaped the way Excel does so that readers decoding "_xHHHH_"
** get the text back: control characters become "_x00HH_" here (rather than in libxlsxwriter, so
** that the next rule sees them), and the underscore of any "_xHHHH_" that the output would
** contain is written "_x005F_". Returns s, or the escaped copy in w->cell. */
static const char *xlsx_text(TableWriter *w, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    int plain = !strstr(s, "_x");
    for (; plain && *p; p++)
        if (needs_x_escape(*p)) plain = 0;
    if (plain) return s;
    buf_reset(&w->cell);
    for (p = (const unsigned char *)s; *p; p++) {
        if (needs_x_escape(*p))
            buf_printf(&w->cell, "_x%04X_", (unsigned)*p);
        else if (p[0] == '_' && p[1] == 'x' && strspn((const char *)p + 2, HEX) >= 4 &&
                 (p[6] == '_' || needs_x_escape(p[6])))
            buf_puts(&w->cell, "_x005F_");
        else
            buf_putc(&w->cell, (char)*p);
    }
    return buf_str(&w->cell);
}

static void xlsx_row(TableWriter *w, const char *const *cells, int ncells) {
    if (w->status) return;
    if (w->nrows >= LXW_ROW_MAX) {
        w_fail(w, 422, "more than %d rows do not fit in an XLSX sheet", LXW_ROW_MAX);
        return;
    }
    if (ncells > LXW_COL_MAX) {
        w_fail(w, 422, "row %ld: more than %d columns do not fit in an XLSX sheet", w->nrows + 1,
               LXW_COL_MAX);
        return;
    }
    lxw_row_t r = (lxw_row_t)w->nrows;
    if (ncells > w->nwidth) {
        w->width = xrealloc(w->width, (size_t)ncells * sizeof(int));
        for (int i = w->nwidth; i < ncells; i++) w->width[i] = 0;
        w->nwidth = ncells;
    }
    for (int i = 0; i < ncells; i++) {
        const char *s = cells[i];
        if (!s || !*s) continue;
        lxw_col_t c = (lxw_col_t)i;
        double v;
        lxw_error err;
        if (r > 0 && i < w->nnumeric && w->numeric[i] && canonical_number(s, &v)) {
            err = worksheet_write_number(w->ws, r, c, v, NULL);
        } else {
            if (utf8_chars(s) > XLSX_MAX_TEXT) {
                char cn[8];
                table_col_name(i + 1, cn);
                w_fail(w, 422, "row %ld, column %s: text longer than %d characters does not fit "
                               "in an XLSX cell", w->nrows + 1, cn, XLSX_MAX_TEXT);
                return;
            }
            err = worksheet_write_string(w->ws, r, c, xlsx_text(w, s), r == 0 ? w->bold : NULL);
        }
        if (err != LXW_NO_ERROR) {
            w_fail(w, 500, "row %ld: XLSX writer: %s", w->nrows + 1, lxw_strerror(err));
            return;
        }
        int dw = display_width(s) + (r == 0 ? 3 : 1); /* room for the autofilter button */
        if (dw > w->width[i]) w->width[i] = dw;
    }
}

void tablew_row(TableWriter *w, const char *const *cells, int ncells) {
    if (ncells < 0) ncells = 0;
    if (w->fmt == TABLE_XLSX) {
        xlsx_row(w, cells, ncells);
    } else {
        for (int i = 0; i < ncells; i++) {
            const char *s = cells[i] ? cells[i] : "";
            size_t n = strlen(s);
            if (i) buf_putc(&w->csv, ',');
            /* A cell a spreadsheet would take for a formula gets the apostrophe that makes it
            ** text (OWASP, "CSV injection"); table.c takes it off again (table_csv_formula). */
            if (table_csv_formula(s)) {
                buf_reset(&w->cell);
                buf_putc(&w->cell, '\'');
                buf_append(&w->cell, s, n);
                s = buf_str(&w->cell);
                n++;
            }
            /* Quote a semicolon too, so the reader's separator detection cannot be misled. */
            buf_csv(&w->csv, s, n, memchr(s, ';', n) ? ';' : ',');
        }
        buf_puts(&w->csv, "\r\n");
    }
    if (ncells > w->maxcols) w->maxcols = ncells;
    w->nrows++;
}

/* Read the whole finished file; 0 or -1 with the writer's error set. */
static int slurp(TableWriter *w, char **out, size_t *n) {
    FILE *f = fopen(w->path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        w_fail(w, 500, "cannot read back the XLSX file: %s", strerror(errno));
        if (f) fclose(f);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *p = xmalloc(len ? len : 1);
    size_t got = fread(p, 1, len, f);
    fclose(f);
    if (got != len) {
        free(p);
        w_fail(w, 500, "cannot read back the XLSX file");
        return -1;
    }
    *out = p;
    *n = len;
    return 0;
}

int tablew_finish(TableWriter *w, char **out, size_t *n, Err *e) {
    *out = NULL;
    *n = 0;
    if (w->fmt == TABLE_CSV) {
        *n = w->csv.n;
        *out = buf_take(&w->csv);
    } else if (w->wb) {
        if (!w->status) {
            for (int i = 0; i < w->nwidth; i++) {
                int width = w->width[i] < WIDTH_MIN ? WIDTH_MIN
                          : w->width[i] > WIDTH_MAX ? WIDTH_MAX : w->width[i];
                worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, width, NULL);
            }
            if (w->nrows > 0) {
                worksheet_freeze_panes(w->ws, 1, 0);
                if (w->maxcols > 0)
                    worksheet_autofilter(w->ws, 0, 0, (lxw_row_t)(w->nrows - 1),
                                         (lxw_col_t)(w->maxcols - 1));
            }
        }
        /* workbook_close also frees the workbook when there was an error before. */
        lxw_error err = workbook_close(w->wb);
        if (err != LXW_NO_ERROR) w_fail(w, 500, "XLSX writer: %s", lxw_strerror(err));
        if (!w->status) slurp(w, out, n);
    }
    if (w->path) unlink(w->path);
    int status = w->status;
    if (status && e) *e = w->err;
    buf_free(&w->csv);
    buf_free(&w->cell);
    free(w->path);
    free(w->tmpdir);
    free(w->numeric);
    free(w->width);
    free(w);
    if (status) {
        free(*out);
        *out = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

const char *tablew_mime(TableFormat fmt) {
    return fmt == TABLE_XLSX ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                             : "text/csv; charset=utf-8";
}

const char *tablew_ext(TableFormat fmt) { return fmt == TABLE_XLSX ? "xlsx" : "csv"; }
