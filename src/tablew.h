/*
** tablew.h: writing tabular exports (CSV and XLSX) that table_parse reads back to the same
** cells, so an export can be edited in Excel and re-imported.
**
** CSV: UTF-8 with a BOM (so Excel shows Vietnamese correctly), comma separator, CRLF line ends,
** RFC 4180 quoting (a field is quoted when it holds a comma, semicolon, quote, CR, LF, or a
** leading or trailing space). A cell a spreadsheet would run as a formula (starting with = + - @
** TAB or CR), and a cell starting with an apostrophe, is written with one apostrophe before it
** (OWASP's advice against CSV injection), which table_parse takes off again: the export
** re-imports to the same data (table_csv_formula). XLSX exports store every cell as text, which
** spreadsheets do not execute, so they are written unchanged.
**
** XLSX (libxlsxwriter): one worksheet, the first row bold, frozen and with an autofilter, column
** widths fitted to the content (8 to 60 characters). Cells are text, so codes like "00004" keep
** their zeros, except in columns marked numeric whose text is exactly the number's canonical
** form (table_number_text), which are written as numbers.
**
** Round trip: every cell comes back from table_parse as written, with two exceptions inherent
** to the reader: rows whose cells are all empty are skipped, and XLSX rows come back padded
** with "" to the widest row.
*/
#ifndef OCOP_TABLEW_H
#define OCOP_TABLEW_H

#include <stddef.h>

#include "err.h"
#include "table.h"

typedef struct TableWriter TableWriter;

/* Start an export. fmt is TABLE_CSV or TABLE_XLSX (TABLE_AUTO means CSV). sheet_name names the
** XLSX worksheet (NULL: "Sheet1"; characters Excel forbids become '_', cut to 31 characters);
** CSV ignores it. Returns a writer the caller must pass to tablew_finish. Problems such as a
** temp file that cannot be created are reported by tablew_finish. */
TableWriter *tablew_new(TableFormat fmt, const char *sheet_name);

/* Mark columns (0-based indexes into the cells of tablew_row) as numeric: in XLSX, a cell there
** whose text is a canonical number ("1000", "0.5", not "00004" or "1e3") is written as a number.
** Call before the first row; CSV ignores it. */
void tablew_set_number_columns(TableWriter *w, const int *cols, int n);

/* Append a row. cells[i] may be NULL (written as empty); the strings are copied or written at
** once, so the caller keeps ownership. The first row is the header. */
void tablew_row(TableWriter *w, const char *const *cells, int ncells);

/* Finish and hand over the file: *out (malloc'd; the caller frees) of *n bytes, returns 0.
** On failure returns -1 with e filled (500 for I/O, 422 for data XLSX cannot hold, such as a
** cell over 32767 characters or more than 1,048,576 rows) and *out = NULL. Frees w either way. */
int tablew_finish(TableWriter *w, char **out, size_t *n, Err *e);

/* The MIME type ("text/csv; charset=utf-8", or the OOXML spreadsheet type) and the file
** extension without a dot ("csv", "xlsx") of a format. Static strings. */
const char *tablew_mime(TableFormat fmt);
const char *tablew_ext(TableFormat fmt);

#endif
