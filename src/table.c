/*
** table.c: the CSV and XLSX readers behind table.h.
**
** Both readers fill the same Table: an array of rows whose cell strings live in a private pool
** of large chunks (one free for the whole table, no per-cell malloc). CSV is tokenised by libcsv
** in strict mode; this file only feeds it line by line so that it knows the physical line where
** each record starts, and checks every field (size, NUL, UTF-8). XLSX is a zip (libzip, opened
** from memory) of XML parts streamed through expat: workbook.xml and its rels name the first
** worksheet, styles.xml says which cells are dates, sharedStrings.xml holds the text. Inflated
** bytes are counted as they come out of the zip, never trusting the sizes the archive declares,
** so a zip bomb stops at the limit instead of filling memory.
*/
#include "table.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <utf8proc.h>
#include <zip.h>

#include "buf.h"
#include "util.h"

#define KIB ((size_t)1024)
#define MIB (KIB * KIB)

/* Above this many inflated bytes, an entry may not expand more than MAX_RATIO times its
** compressed size. Real sheets compress 5-50:1; runs of one byte compress about 1000:1. */
#define RATIO_FLOOR (4 * MIB)
#define MAX_RATIO 250
#define MAX_ZIP_ENTRIES 10000
#define XLSX_MAX_ROW 1048576L
#define XLSX_MAX_COL 16384

/* ------------------------------------------------------------------------------------------ */
/* The table and its string pool                                                               */

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    max_align_t data[];
} Chunk;

typedef struct Row {
    const char **cells;
    int n;
    long rowno;
} Row;

struct Table {
    Chunk *pool;
    Row *rows;
    size_t n, cap;
    int ncols;
};

enum { POOL_CHUNK = 256 * 1024 };

/* n bytes aligned for pointers, owned by the table. */
static void *pool_alloc(Table *t, size_t n, size_t align) {
    Chunk *c = t->pool;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    if (!c || at > c->size || c->size - at < n) {
        size_t size = n > POOL_CHUNK / 4 ? n : POOL_CHUNK;
        Chunk *nc = xmalloc(sizeof(Chunk) + size);
        nc->used = 0;
        nc->size = size;
        /* A one-off big block goes behind the head so the head keeps its free room. */
        if (c && size != POOL_CHUNK) {
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            t->pool = nc;
        }
        c = nc;
        at = 0;
    }
    c->used = at + n;
    return (char *)c->data + at;
}

static const char *pool_strndup(Table *t, const char *s, size_t n) {
    if (n == 0) return "";
    char *p = pool_alloc(t, n + 1, 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Append a row; cells[0..n) are copied as pointers (NULL becomes ""). */
static void table_push(Table *t, const char **cells, int n, long rowno) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->rows = xrealloc(t->rows, t->cap * sizeof(Row));
    }
    const char **v = pool_alloc(t, (size_t)n * sizeof(char *), sizeof(char *));
    for (int i = 0; i < n; i++) v[i] = cells[i] ? cells[i] : "";
    t->rows[t->n++] = (Row){v, n, rowno};
    if (n > t->ncols) t->ncols = n;
}

size_t table_nrows(const Table *t) { return t ? t->n : 0; }

int table_ncols(const Table *t) { return t ? t->ncols : 0; }

const char *const *table_row(const Table *t, size_t i, int *ncells, long *rowno) {
    if (!t || i >= t->n) panic("table_row: row %zu of %zu", i, t ? t->n : 0);
    if (ncells) *ncells = t->rows[i].n;
    if (rowno) *rowno = t->rows[i].rowno;
    return t->rows[i].cells;
}

void table_free(Table *t) {
    if (!t) return;
    Chunk *c = t->pool;
    while (c) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    free(t->rows);
    free(t);
}

void table_col_name(int col, char out[8]) {
    if (col < 1) {
        strcpy(out, "?");
        return;
    }
    char tmp[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        tmp[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
}

char *table_number_text(double v, char out[32]) {
    if (v == 0) {
        strcpy(out, "0"); /* also -0 */
    } else if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(out, 32, "%.0f", v);
    } else {
        snprintf(out, 32, "%.15g", v);
    }
    return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Errors and limits                                                                           */

static TableLimits limits_of(const TableLimits *in) {
    TableLimits l = {64 * MIB, 1000000, 200, 32 * KIB, 256 * MIB};
    if (in) {
        if (in->max_bytes) l.max_bytes = in->max_bytes;
        if (in->max_rows) l.max_rows = in->max_rows;
        if (in->max_cols) l.max_cols = in->max_cols;
        if (in->max_cell) l.max_cell = in->max_cell;
        if (in->max_unzipped) l.max_unzipped = in->max_unzipped;
    }
    return l;
}

/* "256 MiB", "32 KiB" or "1000 bytes". */
static const char *size_text(size_t n, char out[32]) {
    if (n >= MIB && n % MIB == 0) snprintf(out, 32, "%zu MiB", n / MIB);
    else if (n >= KIB && n % KIB == 0) snprintf(out, 32, "%zu KiB", n / KIB);
    else snprintf(out, 32, "%zu bytes", n);
    return out;
}

/* Fill e with the message and its place in the file, row and column (either omitted when <= 0):
** e's detail "row R, column C (L): message", and the message kept to be told in another
** language after the place (err_text); returns -1. scripts/po-update extracts fmt. */
__attribute__((format(printf, 5, 6)))
static int loc_err(Err *e, int status, long row, int col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, status, "file", fmt, ap);
    va_end(ap);
    if (row <= 0) return -1;
    e->row = row;
    if (col > 0) e->col = col, table_col_name(col, e->col_name);
    char at[64];
    int k = col > 0 ? snprintf(at, sizeof at, "row %ld, column %d (%s): ", row, col, e->col_name)
                    : snprintf(at, sizeof at, "row %ld: ", row);
    size_t p = k > 0 && (size_t)k < sizeof at ? (size_t)k : 0, m = strlen(e->detail);
    if (p + m + 1 > sizeof e->detail) m = sizeof e->detail - 1 - p;
    memmove(e->detail + p, e->detail, m);
    memcpy(e->detail, at, p); /* the place before the message */
    e->detail[p + m] = 0;
    return -1;
}

/* Offset of the first byte that is not part of valid UTF-8 (overlongs, surrogates and code
** points above U+10FFFF are invalid), or n. */
static size_t utf8_bad(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) return i;
        i += (size_t)k;
    }
    return n;
}

/* A zip signature: a local file header, or the end record of an empty archive. */
static int is_zip(const char *d, size_t n) {
    return n >= 4 && (memcmp(d, "PK\3\4", 4) == 0 || memcmp(d, "PK\5\6", 4) == 0);
}

/* ------------------------------------------------------------------------------------------ */
/* CSV                                                                                         */

typedef struct Csv {
    Table *t;
    const TableLimits *lim;
    Err *e;
    int failed;
    long line;      /* physical line being fed */
    long rec_line;  /* physical line where the current record started */
    int need_start; /* the next non-terminator byte starts a record */
    const char **cur;
    int ncur, capcur;
    int nonempty;
} Csv;

/* What a cell that a spreadsheet takes for a formula starts with, and the apostrophe that
** protects it (so that it too is protected, and the pair stays exact). */
static bool formula_start(char c) { return c && strchr("=+-@\t\r'", c); }

bool table_csv_formula(const char *s) { return formula_start(s[0]); }

static void csv_field(void *s, size_t len, void *ctx) {
    Csv *c = ctx;
    if (c->failed) return;
    int col = c->ncur + 1;
    char sz[32];
    if ((size_t)col > c->lim->max_cols) {
        c->failed = loc_err(c->e, 413, c->rec_line, 0, "more than %zu columns", c->lim->max_cols);
        return;
    }
    if (len > c->lim->max_cell) {
        c->failed = loc_err(c->e, 413, c->rec_line, col, "cell longer than %s",
                            size_text(c->lim->max_cell, sz));
        return;
    }
    if (memchr(s, 0, len)) {
        c->failed = loc_err(c->e, 422, c->rec_line, col,
                            "NUL byte in the text (a file saved as UTF-16 or 'Unicode Text' "
                            "looks like this; save it as 'CSV UTF-8')");
        return;
    }
    if (utf8_bad(s, len) < len) {
        c->failed = loc_err(c->e, 422, c->rec_line, col,
                            "invalid UTF-8 (the file is probably in a legacy encoding such as "
                            "Windows-1258; save the file as 'CSV UTF-8')");
        return;
    }
    if (c->ncur == c->capcur) {
        c->capcur = c->capcur ? c->capcur * 2 : 16;
        c->cur = xrealloc(c->cur, (size_t)c->capcur * sizeof(char *));
    }
    /* The apostrophe the writer put before a formula sign (table_csv_formula). */
    const char *text = s;
    if (len >= 2 && text[0] == '\'' && formula_start(text[1])) text++, len--;
    c->cur[c->ncur++] = pool_strndup(c->t, text, len);
    if (len) c->nonempty = 1;
}

static void csv_record(int term, void *ctx) {
    Csv *c = ctx;
    if (c->failed) return;
    if (c->nonempty) {
        if (c->t->n >= c->lim->max_rows) {
            c->failed = loc_err(c->e, 413, c->rec_line, 0, "more than %zu rows",
                                c->lim->max_rows);
            return;
        }
        table_push(c->t, c->cur, c->ncur, c->rec_line);
    }
    c->ncur = 0;
    c->nonempty = 0;
    c->need_start = 1;
}

/* libcsv trims spaces and tabs around unquoted fields unless told that nothing is a space. */
static int csv_no_space(unsigned char ch) { return 0; }

/* The separator of the first record: ';' only when strictly more frequent than ',' outside
** quotes (a European-locale Excel saves "CSV" with semicolons). */
static char csv_detect_sep(const char *s, size_t n) {
    size_t commas = 0, semis = 0;
    int inq = 0, content = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch == '"') {
            inq = !inq;
            content = 1;
        } else if (!inq && (ch == '\r' || ch == '\n')) {
            if (content) break;
        } else {
            content = 1;
            if (!inq && ch == ',') commas++;
            if (!inq && ch == ';') semis++;
        }
    }
    return semis > commas ? ';' : ',';
}

static Table *csv_read(const char *data, size_t n, const TableLimits *lim, Err *e) {
    const unsigned char *u = (const unsigned char *)data;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        loc_err(e, 422, 0, 0, "the file is UTF-16 text (Excel's 'Unicode Text'), not UTF-8; "
                              "save it as 'CSV UTF-8 (Comma delimited)'");
        return NULL;
    }
    if (is_zip(data, n)) {
        loc_err(e, 422, 0, 0, "this is an XLSX (zip) file, not CSV; upload it as .xlsx");
        return NULL;
    }
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        data += 3;
        n -= 3;
    }

    Table *t = xcalloc(1, sizeof *t);
    Csv c = {.t = t, .lim = lim, .e = e, .line = 1, .rec_line = 1, .need_start = 1};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) panic("csv_init");
    csv_set_delim(&p, (unsigned char)csv_detect_sep(data, n));
    csv_set_space_func(&p, csv_no_space);
    csv_set_realloc_func(&p, xrealloc);
    csv_set_free_func(&p, free);
    csv_set_blk_size(&p, 4096);

    /* Feed one physical line (terminator included) at a time: a record can only start at the
    ** beginning of a piece and only ends at its last byte, so the line is always known. */
    size_t i = 0;
    while (i < n && !c.failed) {
        size_t j = i;
        while (j < n && data[j] != '\r' && data[j] != '\n') j++;
        size_t end = j < n ? j + 1 : n;
        if (c.need_start && j > i) {
            c.rec_line = c.line;
            c.need_start = 0;
        }
        size_t got = csv_parse(&p, data + i, end - i, csv_field, csv_record, &c);
        if (c.failed) break;
        if (got < end - i) {
            char bad = data[i + got];
            if (bad == 0)
                c.failed = loc_err(e, 422, c.rec_line, c.ncur + 1,
                                   "NUL byte in the text (a file saved as UTF-16 or 'Unicode "
                                   "Text' looks like this; save it as 'CSV UTF-8')");
            else if (bad == '"')
                c.failed = loc_err(e, 422, c.rec_line, c.ncur + 1,
                                   "stray quote in an unquoted field (a field containing "
                                   "quotes must be enclosed in quotes, with each quote doubled)");
            else
                c.failed = loc_err(e, 422, c.rec_line, c.ncur + 1,
                                   "unexpected text after the closing quote of a quoted field "
                                   "(a quote inside a quoted field must be doubled)");
            break;
        }
        if (p.entry_pos > lim->max_cell) {
            char sz[32];
            c.failed = p.quoted ? loc_err(e, 413, c.rec_line, c.ncur + 1, "cell longer than %s (is a quote left unclosed?)",
                                          size_text(lim->max_cell, sz))
                                : loc_err(e, 413, c.rec_line, c.ncur + 1, "cell longer than %s", size_text(lim->max_cell, sz));
            break;
        }
        if (j < n && (data[j] == '\r' || j == 0 || data[j - 1] != '\r')) c.line++;
        i = end;
    }
    if (!c.failed && csv_fini(&p, csv_field, csv_record, &c) != 0 && !c.failed)
        c.failed = loc_err(e, 422, c.rec_line, c.ncur + 1,
                           "unterminated quoted field (the quote that opens it is never closed)");
    csv_free(&p);
    free(c.cur);
    if (c.failed) {
        table_free(t);
        return NULL;
    }
    return t;
}

/* ------------------------------------------------------------------------------------------ */
/* XLSX                                                                                        */

enum { FMT_PLAIN, FMT_DATE, FMT_DATETIME, FMT_TIME };

typedef struct NumFmt {
    int id;
    unsigned char kind;
} NumFmt;

typedef struct Xlsx {
    Table *t;
    const TableLimits *lim;
    Err *e;
    zip_t *za;
    XML_Parser parser;
    const char *part; /* the entry being parsed, for messages */
    size_t unzipped;
    int failed;

    /* workbook.xml and its rels */
    int date1904;
    char *rid_first, *rid_visible, *sheet_target;

    /* styles.xml */
    NumFmt *fmts;
    size_t nfmts, capfmts;
    int *xf_fmt; /* cellXfs index -> numFmtId */
    size_t nxf, capxf;
    unsigned char *xf_kind;
    int in_cellxfs, in_numfmts;

    /* sharedStrings.xml: NULL marks a string longer than max_cell */
    const char **sst;
    size_t nsst, capsst;
    int in_si, in_rph, in_t, too_long;
    Buf text;

    /* the worksheet */
    int in_sheetdata, in_c, in_v, in_is;
    long row, last_row;
    int col, last_col, max_col_row;
    char ctype[16];
    long cstyle;
    int has_v;
    const char **cur;
    int capcur;
} Xlsx;

/* Stop the parse with an error already in x->e. */
static void x_fail(Xlsx *x) {
    x->failed = 1;
    if (x->parser) XML_StopParser(x->parser, XML_FALSE);
}

/* The local part of an expat namespace-qualified name ("uri\1local"). */
static const char *lname(const XML_Char *name) {
    const char *p = strrchr(name, '\x01');
    return p ? p + 1 : name;
}

/* An attribute by local name; ns says whether it must carry a namespace (r:id) or not. */
static const char *attr(const XML_Char **a, const char *local, int ns) {
    for (; a && a[0]; a += 2) {
        int has_ns = strchr(a[0], '\x01') != NULL;
        if (has_ns == ns && strcmp(lname(a[0]), local) == 0) return a[1];
    }
    return NULL;
}

static int is_true(const char *v) { return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0); }

/* Collect character data into x->text, up to max_cell + 1 bytes (then x->too_long). */
static void x_text(void *ud, const XML_Char *s, int len) {
    Xlsx *x = ud;
    int collect = x->in_si ? (x->in_t && !x->in_rph) : (x->in_v || (x->in_is && x->in_t && !x->in_rph));
    if (!collect || x->too_long) return;
    if (x->text.n + (size_t)len > x->lim->max_cell) {
        x->too_long = 1;
        return;
    }
    buf_append(&x->text, s, (size_t)len);
}

/* Decode the OOXML escapes "_xHHHH_" (Excel writes control characters that way; "_x005F_" is a
** literal underscore) in place. NUL, surrogates and U+FFFE/U+FFFF stay as written. */
static void unescape_x(Buf *b) {
    if (!b->n || !memchr(b->p, '_', b->n)) return;
    char *s = b->p;
    size_t r = 0, w = 0, n = b->n;
    while (r < n) {
        if (s[r] == '_' && r + 7 <= n && s[r + 1] == 'x' && s[r + 6] == '_') {
            unsigned cp = 0;
            int ok = 1;
            for (int k = 2; k < 6; k++) {
                char h = s[r + k];
                unsigned d = h >= '0' && h <= '9' ? (unsigned)(h - '0')
                           : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                           : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 99;
                if (d > 15) ok = 0;
                cp = cp * 16 + (d & 15);
            }
            /* Only characters XML could carry or Excel escapes: no NUL, surrogates, U+FFFE/F. */
            if (ok && cp != 0 && (cp < 0xD800 || cp > 0xDFFF) && cp < 0xFFFE) {
                w += (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)s + w);
                r += 7;
                continue;
            }
        }
        s[w++] = s[r++];
    }
    b->n = w;
    s[w] = 0;
}

static void x_reject_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                             const XML_Char *pubid, int has_internal_subset) {
    Xlsx *x = ud;
    loc_err(x->e, 422, 0, 0, "%s: XML with a document type declaration is not allowed in XLSX",
            x->part);
    x_fail(x);
}

/* Stream one zip entry through expat with the given handlers. Counts every inflated byte
** against max_unzipped and the compression ratio. Returns 0, 1 when the entry is missing and
** optional, -1 with x->e filled. */
static int x_parse_part(Xlsx *x, const char *name, int optional, XML_StartElementHandler start,
                        XML_EndElementHandler end) {
    char sz[32];
    zip_int64_t idx = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
    if (idx < 0) {
        if (optional) return 1;
        return loc_err(x->e, 422, 0, 0, "not an XLSX workbook: %s missing", name);
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) != 0)
        return loc_err(x->e, 422, 0, 0, "damaged XLSX: %s: %s", name, zip_strerror(x->za));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return loc_err(x->e, 422, 0, 0, "the XLSX archive is encrypted (%s); remove the "
                                        "password and save it again", name);
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE &&
        st.comp_method != ZIP_CM_DEFLATE)
        return loc_err(x->e, 422, 0, 0, "unsupported XLSX: %s uses compression method %d", name,
                       (int)st.comp_method);
    zip_uint64_t comp = (st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size ? st.comp_size : 1;

    zip_file_t *f = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
    if (!f) return loc_err(x->e, 422, 0, 0, "damaged XLSX: %s: %s", name, zip_strerror(x->za));
    XML_Parser p = XML_ParserCreateNS(NULL, '\x01');
    if (!p) panic("XML_ParserCreateNS: out of memory");
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, start, end);
    XML_SetCharacterDataHandler(p, x_text);
    XML_SetStartDoctypeDeclHandler(p, x_reject_doctype);
    x->parser = p;
    x->part = name;

    enum { CHUNK = 64 * 1024 };
    char *buf = xmalloc(CHUNK);
    zip_uint64_t got = 0;
    int rc = 0;
    for (;;) {
        zip_int64_t k = zip_fread(f, buf, CHUNK);
        if (k < 0) {
            rc = loc_err(x->e, 422, 0, 0, "damaged XLSX: %s: %s", name, zip_file_strerror(f));
            break;
        }
        x->unzipped += (size_t)k;
        got += (zip_uint64_t)k;
        if (x->unzipped > x->lim->max_unzipped) {
            rc = loc_err(x->e, 413, 0, 0, "XLSX expands beyond %s (zip bomb?)",
                         size_text(x->lim->max_unzipped, sz));
            break;
        }
        if (got > RATIO_FLOOR && got / comp > MAX_RATIO) {
            rc = loc_err(x->e, 413, 0, 0, "XLSX part %s expands more than %d times its "
                                          "compressed size (zip bomb?)", name, MAX_RATIO);
            break;
        }
        if (XML_Parse(p, buf, (int)k, k == 0) == XML_STATUS_ERROR) {
            if (!x->failed)
                loc_err(x->e, 422, 0, 0, "damaged XLSX: %s is not well-formed XML (line %lu: %s)",
                        name, (unsigned long)XML_GetCurrentLineNumber(p),
                        XML_ErrorString(XML_GetErrorCode(p)));
            rc = -1;
            break;
        }
        if (x->failed) {
            rc = -1;
            break;
        }
        if (k == 0) break;
    }
    if (x->failed) rc = -1;
    free(buf);
    XML_ParserFree(p);
    x->parser = NULL;
    zip_fclose(f);
    return rc;
}

/* --- workbook.xml: the first (visible) sheet and the date system --- */

static void wb_start(void *ud, const XML_Char *name, const XML_Char **a) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "workbookPr") == 0) {
        if (is_true(attr(a, "date1904", 0))) x->date1904 = 1;
    } else if (strcmp(l, "sheet") == 0) {
        const char *rid = attr(a, "id", 1);
        if (!rid) return;
        const char *state = attr(a, "state", 0);
        if (!x->rid_first) x->rid_first = xstrdup(rid);
        if (!x->rid_visible && (!state || strcmp(state, "visible") == 0))
            x->rid_visible = xstrdup(rid);
    }
}

static void no_end(void *ud, const XML_Char *name) {}

/* Resolve a relationship target against "xl/" into a zip entry name; NULL if it escapes. */
static char *resolve_target(const char *target) {
    Buf b = BUF_INIT;
    if (target[0] == '/') buf_puts(&b, target + 1);
    else buf_printf(&b, "xl/%s", target);
    /* Collapse "." and ".." segments. */
    char *s = buf_take(&b), *out = xmalloc(strlen(s) + 1);
    size_t w = 0;
    char *save = NULL;
    for (char *seg = strtok_r(s, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0) continue;
        if (strcmp(seg, "..") == 0) {
            if (w == 0) {
                free(s);
                free(out);
                return NULL;
            }
            while (w > 0 && out[w - 1] != '/') w--;
            if (w > 0) w--;
            continue;
        }
        if (w) out[w++] = '/';
        size_t k = strlen(seg);
        memcpy(out + w, seg, k);
        w += k;
    }
    out[w] = 0;
    free(s);
    return out;
}

static void rels_start(void *ud, const XML_Char *name, const XML_Char **a) {
    Xlsx *x = ud;
    if (strcmp(lname(name), "Relationship") != 0 || x->sheet_target) return;
    const char *id = attr(a, "Id", 0), *target = attr(a, "Target", 0);
    const char *mode = attr(a, "TargetMode", 0);
    const char *want = x->rid_visible ? x->rid_visible : x->rid_first;
    if (!id || !target || !want || strcmp(id, want) != 0) return;
    if (mode && strcmp(mode, "External") == 0) return;
    x->sheet_target = resolve_target(target);
}

/* --- styles.xml: which cell styles are dates --- */

/* Classify a custom number format code by its first section: d/y (or m without h/s) is a
** date, h/s a time; text in quotes or brackets, escaped characters and AM/PM do not count. */
static unsigned char classify_format(const char *code) {
    int d = 0, m = 0, t = 0;
    for (const char *p = code; *p && *p != ';'; p++) {
        char ch = (char)(*p | 0x20);
        if (*p == '"') {
            p++;
            while (*p && *p != '"') p++;
            if (!*p) break;
        } else if (*p == '[') {
            while (*p && *p != ']') p++;
            if (!*p) break;
        } else if (*p == '\\' || *p == '_' || *p == '*') {
            if (!p[1]) break;
            p++;
        } else if (strncasecmp(p, "am/pm", 5) == 0) {
            p += 4;
        } else if (strncasecmp(p, "a/p", 3) == 0) {
            p += 2;
        } else if (ch == 'd' || ch == 'y') {
            d = 1;
        } else if (ch == 'm') {
            m = 1;
        } else if (ch == 'h' || ch == 's') {
            t = 1;
        }
    }
    if (m && !t) d = 1;
    return d ? (t ? FMT_DATETIME : FMT_DATE) : (t ? FMT_TIME : FMT_PLAIN);
}

static unsigned char builtin_kind(int id) {
    if ((id >= 14 && id <= 17)) return FMT_DATE;
    if (id == 22) return FMT_DATETIME;
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47)) return FMT_TIME;
    return FMT_PLAIN;
}

static void styles_start(void *ud, const XML_Char *name, const XML_Char **a) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "numFmts") == 0) {
        x->in_numfmts = 1;
    } else if (strcmp(l, "numFmt") == 0 && x->in_numfmts) {
        const char *id = attr(a, "numFmtId", 0), *code = attr(a, "formatCode", 0);
        if (!id || !code) return;
        if (x->nfmts == x->capfmts) {
            x->capfmts = x->capfmts ? x->capfmts * 2 : 16;
            x->fmts = xrealloc(x->fmts, x->capfmts * sizeof(NumFmt));
        }
        x->fmts[x->nfmts++] = (NumFmt){atoi(id), classify_format(code)};
    } else if (strcmp(l, "cellXfs") == 0) {
        x->in_cellxfs = 1;
    } else if (strcmp(l, "xf") == 0 && x->in_cellxfs) {
        const char *id = attr(a, "numFmtId", 0);
        if (x->nxf == x->capxf) {
            x->capxf = x->capxf ? x->capxf * 2 : 16;
            x->xf_fmt = xrealloc(x->xf_fmt, x->capxf * sizeof(int));
        }
        x->xf_fmt[x->nxf++] = id ? atoi(id) : 0;
    }
}

static void styles_end(void *ud, const XML_Char *name) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "cellXfs") == 0) x->in_cellxfs = 0;
    if (strcmp(l, "numFmts") == 0) x->in_numfmts = 0;
}

/* Resolve every cellXfs entry to a FMT_* kind once styles.xml is read. */
static void styles_resolve(Xlsx *x) {
    x->xf_kind = xcalloc(x->nxf ? x->nxf : 1, 1);
    for (size_t i = 0; i < x->nxf; i++) {
        int id = x->xf_fmt[i];
        unsigned char kind = builtin_kind(id);
        for (size_t k = 0; k < x->nfmts; k++)
            if (x->fmts[k].id == id) kind = x->fmts[k].kind;
        x->xf_kind[i] = kind;
    }
}

/* --- sharedStrings.xml --- */

static void sst_start(void *ud, const XML_Char *name, const XML_Char **a) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "si") == 0) {
        x->in_si = 1;
        x->in_t = x->in_rph = x->too_long = 0;
        buf_reset(&x->text);
    } else if (strcmp(l, "t") == 0) {
        x->in_t = 1;
    } else if (strcmp(l, "rPh") == 0) {
        x->in_rph++;
    }
}

static void sst_end(void *ud, const XML_Char *name) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(l, "rPh") == 0) {
        if (x->in_rph) x->in_rph--;
    } else if (strcmp(l, "si") == 0 && x->in_si) {
        x->in_si = 0;
        if (x->nsst == x->capsst) {
            x->capsst = x->capsst ? x->capsst * 2 : 256;
            x->sst = xrealloc(x->sst, x->capsst * sizeof(char *));
        }
        unescape_x(&x->text);
        x->sst[x->nsst++] = x->too_long ? NULL : pool_strndup(x->t, x->text.p, x->text.n);
    }
}

/* --- the worksheet --- */

/* Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm). */
static void civil_from_days(long long z, int *y, int *m, int *d) {
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An Excel serial date/time as ISO text. Returns 0 when v is outside what Excel can show as a
** date (then the number itself is used). 1900 system: serial 1 is 1900-01-01 and serial 60 is
** the fictitious 1900-02-29 that Excel keeps for Lotus compatibility. */
static int serial_text(double v, int date1904, unsigned char kind, char out[32]) {
    if (!(v >= 0) || v >= 2958466) return 0;
    long long secs = llround(v * 86400.0);
    long long days = secs / 86400, sod = secs % 86400;
    int hh = (int)(sod / 3600), mi = (int)(sod / 60 % 60), ss = (int)(sod % 60);
    if (kind == FMT_TIME) {
        if (days != 0) return 0;
        snprintf(out, 32, "%02d:%02d:%02d", hh, mi, ss);
        return 1;
    }
    int y, m, d;
    if (date1904) {
        civil_from_days(days - 24107, &y, &m, &d);
    } else if (days == 60) {
        y = 1900, m = 2, d = 29;
    } else if (days >= 1) {
        civil_from_days(days + (days < 60 ? -25568 : -25569), &y, &m, &d);
    } else {
        return 0;
    }
    if (kind == FMT_DATETIME && sod)
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mi, ss);
    else
        snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
    return 1;
}

/* Parse a cell reference "C7" into column 3; row is ignored. 0 if malformed. */
static int ref_col(const char *r) {
    int col = 0, k = 0;
    for (; (*r >= 'A' && *r <= 'Z') || (*r >= 'a' && *r <= 'z'); r++, k++) {
        if (k == 3) return 0;
        col = col * 26 + ((*r | 0x20) - 'a' + 1);
    }
    if (k == 0 || col > XLSX_MAX_COL) return 0;
    while (*r >= '0' && *r <= '9') r++;
    return *r ? 0 : col;
}

/* A whole decimal number in [lo, hi], or -1. */
static long whole(const char *s, long lo, long hi) {
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno || v < lo || v > hi) return -1;
    return v;
}

static void sheet_start(void *ud, const XML_Char *name, const XML_Char **a) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (strcmp(l, "sheetData") == 0) {
        x->in_sheetdata = 1;
    } else if (!x->in_sheetdata) {
        return;
    } else if (strcmp(l, "row") == 0) {
        const char *r = attr(a, "r", 0);
        long row = r ? whole(r, 1, XLSX_MAX_ROW) : x->last_row + 1;
        if (row < 1 || row > XLSX_MAX_ROW) {
            loc_err(x->e, 422, x->last_row + 1, 0, "damaged XLSX: invalid row number \"%s\"",
                    r ? r : "");
            x_fail(x);
            return;
        }
        x->row = x->last_row = row;
        x->last_col = x->max_col_row = 0;
        if (x->cur) memset(x->cur, 0, (size_t)x->capcur * sizeof(char *));
    } else if (strcmp(l, "c") == 0) {
        const char *r = attr(a, "r", 0), *t = attr(a, "t", 0), *s = attr(a, "s", 0);
        int col = r ? ref_col(r) : x->last_col + 1;
        if (col < 1 || col > XLSX_MAX_COL) {
            loc_err(x->e, 422, x->row, 0, "damaged XLSX: invalid cell reference \"%s\"",
                    r ? r : "");
            x_fail(x);
            return;
        }
        x->in_c = 1;
        x->col = x->last_col = col;
        snprintf(x->ctype, sizeof x->ctype, "%s", t ? t : "n");
        x->cstyle = s ? whole(s, 0, 1L << 30) : 0;
        x->has_v = x->too_long = x->in_is = x->in_t = x->in_rph = 0;
        buf_reset(&x->text);
    } else if (!x->in_c) {
        return;
    } else if (strcmp(l, "v") == 0) {
        x->in_v = 1;
    } else if (strcmp(l, "is") == 0) {
        x->in_is = 1;
    } else if (strcmp(l, "t") == 0) {
        x->in_t = 1;
    } else if (strcmp(l, "rPh") == 0) {
        x->in_rph++;
    }
}

/* The text of the cell just closed, or NULL with the error set. */
static const char *cell_text(Xlsx *x) {
    char sz[32], num[32];
    const char *ty = x->ctype;
    if (x->too_long) {
        loc_err(x->e, 413, x->row, x->col, "cell longer than %s", size_text(x->lim->max_cell, sz));
        return NULL;
    }
    const char *v = x->text.n ? x->text.p : "";
    if (strcmp(ty, "s") == 0) {
        if (!x->has_v) return "";
        long i = whole(v, 0, LONG_MAX);
        if (i < 0 || (size_t)i >= x->nsst) {
            loc_err(x->e, 422, x->row, x->col, "damaged XLSX: shared string %s does not exist", v);
            return NULL;
        }
        if (!x->sst[i]) {
            loc_err(x->e, 413, x->row, x->col, "cell longer than %s",
                    size_text(x->lim->max_cell, sz));
            return NULL;
        }
        return x->sst[i];
    }
    if (strcmp(ty, "inlineStr") == 0 || strcmp(ty, "str") == 0) {
        unescape_x(&x->text);
        return pool_strndup(x->t, x->text.p, x->text.n);
    }
    if (strcmp(ty, "b") == 0) {
        if (strcmp(v, "1") == 0) return "TRUE";
        if (strcmp(v, "0") == 0) return "FALSE";
        return pool_strndup(x->t, v, strlen(v));
    }
    if (strcmp(ty, "e") == 0) {
        loc_err(x->e, 422, x->row, x->col,
                "the cell shows the Excel error %s; correct or clear it", v);
        return NULL;
    }
    if (strcmp(ty, "d") == 0) {
        /* An ISO 8601 date cell: a midnight time is dropped, another time follows a space. */
        size_t n = strlen(v);
        const char *tm = strchr(v, 'T');
        if (tm && strncmp(tm, "T00:00:00", 9) == 0 && strspn(tm + 9, ".0Z") == strlen(tm + 9))
            n = (size_t)(tm - v);
        char *out = (char *)pool_strndup(x->t, v, n);
        char *tt = strchr(out, 'T');
        if (tt) *tt = ' ';
        return out;
    }
    /* A number (t="n" or absent). */
    if (!*v) return "";
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (*end || end == v || !isfinite(d)) return pool_strndup(x->t, v, strlen(v));
    unsigned char kind = x->cstyle >= 0 && (size_t)x->cstyle < x->nxf ? x->xf_kind[x->cstyle]
                                                                      : FMT_PLAIN;
    if (kind != FMT_PLAIN && serial_text(d, x->date1904, kind, num))
        return pool_strndup(x->t, num, strlen(num));
    table_number_text(d, num);
    return pool_strndup(x->t, num, strlen(num));
}

static void sheet_end(void *ud, const XML_Char *name) {
    Xlsx *x = ud;
    const char *l = lname(name);
    if (!x->in_sheetdata) return;
    if (strcmp(l, "sheetData") == 0) {
        x->in_sheetdata = 0;
    } else if (strcmp(l, "v") == 0) {
        if (x->in_v) x->has_v = 1;
        x->in_v = 0;
    } else if (strcmp(l, "is") == 0) {
        x->in_is = 0;
    } else if (strcmp(l, "t") == 0) {
        x->in_t = 0;
    } else if (strcmp(l, "rPh") == 0) {
        if (x->in_rph) x->in_rph--;
    } else if (strcmp(l, "c") == 0 && x->in_c) {
        x->in_c = 0;
        const char *v = cell_text(x);
        if (!v) {
            x_fail(x);
            return;
        }
        if (!*v) return;
        if ((size_t)x->col > x->lim->max_cols) {
            loc_err(x->e, 413, x->row, x->col, "more than %zu columns", x->lim->max_cols);
            x_fail(x);
            return;
        }
        if (x->col > x->capcur) {
            int cap = x->capcur ? x->capcur : 16;
            while (cap < x->col) cap *= 2;
            x->cur = xrealloc(x->cur, (size_t)cap * sizeof(char *));
            memset(x->cur + x->capcur, 0, (size_t)(cap - x->capcur) * sizeof(char *));
            x->capcur = cap;
        }
        x->cur[x->col - 1] = v;
        if (x->col > x->max_col_row) x->max_col_row = x->col;
    } else if (strcmp(l, "row") == 0) {
        if (x->max_col_row == 0) return;
        if (x->t->n >= x->lim->max_rows) {
            loc_err(x->e, 413, x->row, 0, "more than %zu rows", x->lim->max_rows);
            x_fail(x);
            return;
        }
        table_push(x->t, x->cur, x->max_col_row, x->row);
        x->max_col_row = 0;
    }
}

/* When the workbook has no xl/workbook.xml, say what the zip is instead, if we can tell. */
static void x_not_workbook(Xlsx *x) {
    if (zip_name_locate(x->za, "content.xml", 0) >= 0 || zip_name_locate(x->za, "mimetype", 0) >= 0)
        loc_err(x->e, 422, 0, 0, "this is an OpenDocument spreadsheet (.ods), not XLSX; save "
                                 "it as .xlsx or 'CSV UTF-8'");
    else if (zip_name_locate(x->za, "word/document.xml", 0) >= 0)
        loc_err(x->e, 422, 0, 0, "this is a Word document, not a spreadsheet");
    else
        loc_err(x->e, 422, 0, 0, "not an XLSX workbook: xl/workbook.xml missing");
}

static int x_open(Xlsx *x, const char *data, size_t n) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, n, 0, &ze);
    if (!src) panic("zip_source_buffer_create: %s", zip_error_strerror(&ze));
    x->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (!x->za) {
        int code = zip_error_code_zip(&ze);
        if (code == ZIP_ER_NOZIP)
            loc_err(x->e, 422, 0, 0, "not an XLSX file: no zip archive found (is the upload "
                                     "truncated, or the file not really .xlsx?)");
        else if (code == ZIP_ER_INCONS)
            loc_err(x->e, 422, 0, 0, "damaged XLSX: the zip archive is inconsistent (truncated "
                                     "upload?)");
        else
            loc_err(x->e, 422, 0, 0, "cannot open the XLSX archive: %s", zip_error_strerror(&ze));
        zip_source_free(src);
        zip_error_fini(&ze);
        return -1;
    }
    zip_error_fini(&ze);
    zip_int64_t entries = zip_get_num_entries(x->za, 0);
    if (entries > MAX_ZIP_ENTRIES)
        return loc_err(x->e, 422, 0, 0, "unusual XLSX: the archive has %lld entries",
                       (long long)entries);
    return 0;
}

static Table *xlsx_read(const char *data, size_t n, const TableLimits *lim, Err *e) {
    Xlsx x = {.t = xcalloc(1, sizeof(Table)), .lim = lim, .e = e};
    int ok = 0;
    if (x_open(&x, data, n) != 0) goto done;

    int rc = x_parse_part(&x, "xl/workbook.xml", 1, wb_start, no_end);
    if (rc < 0) goto done;
    if (rc == 1) {
        x_not_workbook(&x);
        goto done;
    }
    if (x.rid_first && x_parse_part(&x, "xl/_rels/workbook.xml.rels", 1, rels_start, no_end) < 0)
        goto done;
    const char *sheet = "xl/worksheets/sheet1.xml";
    if (x.sheet_target && zip_name_locate(x.za, x.sheet_target, ZIP_FL_NOCASE) >= 0)
        sheet = x.sheet_target;
    if (x_parse_part(&x, "xl/styles.xml", 1, styles_start, styles_end) < 0) goto done;
    styles_resolve(&x);
    if (x_parse_part(&x, "xl/sharedStrings.xml", 1, sst_start, sst_end) < 0) goto done;
    rc = x_parse_part(&x, sheet, 1, sheet_start, sheet_end);
    if (rc < 0) goto done;
    if (rc == 1) {
        loc_err(e, 422, 0, 0, "not an XLSX workbook: no worksheet found (%s missing)", sheet);
        goto done;
    }
    /* Pad every row to the used range so that columns line up as they do on screen. */
    Table *t = x.t;
    for (size_t i = 0; i < t->n; i++) {
        Row *r = &t->rows[i];
        if (r->n >= t->ncols) continue;
        const char **v = pool_alloc(t, (size_t)t->ncols * sizeof(char *), sizeof(char *));
        for (int k = 0; k < t->ncols; k++) v[k] = k < r->n ? r->cells[k] : "";
        r->cells = v;
        r->n = t->ncols;
    }
    ok = 1;
done:
    if (x.za) zip_discard(x.za);
    free(x.rid_first);
    free(x.rid_visible);
    free(x.sheet_target);
    free(x.fmts);
    free(x.xf_fmt);
    free(x.xf_kind);
    free(x.sst);
    free(x.cur);
    buf_free(&x.text);
    if (!ok) {
        table_free(x.t);
        return NULL;
    }
    return x.t;
}

/* ------------------------------------------------------------------------------------------ */

Table *table_parse(const char *data, size_t n, TableFormat fmt, const TableLimits *lim, Err *e) {
    TableLimits l = limits_of(lim);
    char a[32], b[32];
    if (!data) n = 0, data = "";
    if (n > l.max_bytes) {
        loc_err(e, 413, 0, 0, "the file is %s; the limit is %s", size_text(n, a),
                size_text(l.max_bytes, b));
        return NULL;
    }
    if (n >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        loc_err(e, 422, 0, 0, "this is an Excel 97-2003 .xls file or a password-protected "
                              "workbook; remove any password and save it as .xlsx or "
                              "'CSV UTF-8'");
        return NULL;
    }
    if (fmt == TABLE_AUTO) fmt = is_zip(data, n) ? TABLE_XLSX : TABLE_CSV;
    return fmt == TABLE_XLSX ? xlsx_read(data, n, &l, e) : csv_read(data, n, &l, e);
}

Table *table_parse_file(const char *path, TableFormat fmt, const TableLimits *lim, Err *e) {
    TableLimits l = limits_of(lim);
    char a[32], b[32];
    FILE *f = fopen(path, "rb");
    if (!f) {
        loc_err(e, errno == ENOENT ? 404 : 400, 0, 0, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        loc_err(e, 400, 0, 0, "%s is not a regular file", path);
        return NULL;
    }
    if ((size_t)st.st_size > l.max_bytes) {
        fclose(f);
        loc_err(e, 413, 0, 0, "the file is %s; the limit is %s", size_text((size_t)st.st_size, a),
                size_text(l.max_bytes, b));
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    char *data = xmalloc(n ? n : 1);
    size_t got = fread(data, 1, n, f);
    int bad = ferror(f) || got != n;
    fclose(f);
    if (bad) {
        free(data);
        loc_err(e, 400, 0, 0, "cannot read %s", path);
        return NULL;
    }
    Table *t = table_parse(data, n, fmt, &l, e);
    free(data);
    return t;
}
