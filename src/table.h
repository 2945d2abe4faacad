/*
** table.h: reading tabular uploads (CSV and XLSX) into rows of UTF-8 strings.
**
** Provinces keep their OCOP lists in Excel and upload them as CSV or XLSX. This module turns
** the bytes into a Table: rows of NUL-terminated UTF-8 cells, each row carrying the row number
** the user sees in their editor, so that the importer (which maps headers to fields, trims and
** validates) can report "row 12, column C (tax_code): ...". Every problem with the file itself
** (bad quoting, bad encoding, damaged or hostile archive, limits) fails the whole parse with an
** Err whose detail says where: "row 12, column 3 (C): unterminated quoted field".
**
** CSV: UTF-8 with or without BOM; comma or semicolon separator detected from the first record
** (semicolon only if it is strictly more frequent outside quotes); CRLF, LF or CR line ends;
** RFC 4180 quoting with embedded separators, doubled quotes and newlines, checked strictly
** (libcsv CSV_STRICT). Nothing is trimmed except the BOM. Each record keeps exactly the fields
** it has (trailing empty cells included), so rows may be shorter or longer than the header.
** One leading apostrophe before a formula sign is taken off (table_csv_formula).
**
** XLSX (libzip + expat): the first visible worksheet of the workbook; shared, inline and formula
** strings; numbers as text ("1000", not "1.0E+3"); date-formatted numbers as "YYYY-MM-DD";
** booleans as "TRUE"/"FALSE" (what Excel shows, and what its own CSV export writes); a cell
** holding an Excel error (#REF!, #N/A, ...) fails the parse with its location. Every row is
** padded with "" to the width of the used range (the rightmost column holding a value).
**
** Both formats: rows whose cells are all empty (blank lines, or the ",,,," lines spreadsheets
** save for blank rows) are skipped, but still counted in row numbers.
*/
#ifndef OCOP_TABLE_H
#define OCOP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

typedef enum { TABLE_AUTO, TABLE_CSV, TABLE_XLSX } TableFormat;

/* Limits on hostile or mistaken input. Exceeding one fails with status 413. A zero field means
** its default; a NULL TableLimits* means all defaults. */
typedef struct TableLimits {
    size_t max_bytes;    /* input file size, default 64 MiB */
    size_t max_rows;     /* non-blank rows, header included, default 1,000,000 */
    size_t max_cols;     /* cells in one row, default 200 */
    size_t max_cell;     /* bytes in one cell, default 32 KiB */
    size_t max_unzipped; /* XLSX: total bytes inflated from the zip, default 256 MiB */
} TableLimits;

typedef struct Table Table;

/* Parse a whole file held in memory (data need not be NUL-terminated and is not kept).
** TABLE_AUTO picks XLSX when data starts with a zip signature ("PK\3\4", or "PK\5\6" for an
** empty archive), else CSV.
** Returns a new Table that the caller frees with table_free(), or NULL with e filled:
** status 422 for a malformed file, 413 for a limit exceeded; e->field is "file"; e->detail
** is an English sentence with the location, e.g.
**   "row 12, column 3 (C): unterminated quoted field"
**   "row 4, column 2 (B): invalid UTF-8 (save the file as 'CSV UTF-8')"
**   "not an XLSX workbook: xl/workbook.xml missing"
**   "XLSX expands beyond 256 MiB (zip bomb?)" */
Table *table_parse(const char *data, size_t n, TableFormat fmt, const TableLimits *lim, Err *e);

/* Read the file at path (refusing it unread when larger than max_bytes), then table_parse.
** Returns a new Table (caller frees) or NULL with e filled (404 when the file is missing). */
Table *table_parse_file(const char *path, TableFormat fmt, const TableLimits *lim, Err *e);

/* Number of non-blank rows; row 0 is normally the header. */
size_t table_nrows(const Table *t);

/* Row i (0-based, i < table_nrows). Returns its cells, *ncells of them (ncells may be NULL):
** NUL-terminated UTF-8 strings owned by the table, valid until table_free; an empty cell is ""
** (never NULL). *rowno (may be NULL) gets the row number the user sees: 1-based; for CSV the
** physical line where the record starts, for XLSX the sheet's row number. */
const char *const *table_row(const Table *t, size_t i, int *ncells, long *rowno);

/* The widest row's cell count (0 for an empty table). */
int table_ncols(const Table *t);

/* Free the table and every cell string. NULL is a no-op. */
void table_free(Table *t);

/* CSV and formulas (OWASP "CSV injection"): a cell starting with = + - @ TAB or CR is a formula
** to a spreadsheet program. The CSV writer (tablew.c) writes such a cell, and a cell starting
** with an apostrophe, with one apostrophe before it; the CSV reader removes one leading
** apostrophe when the character after it is one of = + - @ TAB CR or an apostrophe. The pair
** is exact both ways: every cell reads back as written ("'=1+2" <-> "=1+2", "'abc" stays
** "'abc", "''x" <-> "'x"). XLSX cells are text either way and are not changed.
** Does cell s need the apostrophe in a CSV file? */
bool table_csv_formula(const char *s);

/* Excel column letters for a 1-based column number: 1 -> "A", 26 -> "Z", 27 -> "AA",
** 16384 -> "XFD". Writes a NUL-terminated string into out; col < 1 gives "?". */
void table_col_name(int col, char out[8]);

/* The text both the XLSX reader and writer use for a numeric value: integral values below 2^53
** as plain digits ("1000", never "1E+3" or "-0"), others with 15 significant digits ("%.15g",
** the precision Excel keeps). Writes into out and returns out. */
char *table_number_text(double v, char out[32]);

#endif
