/*
** test_table.c: the CSV/XLSX readers (table.c) and writers (tablew.c): encodings, separators,
** quoting, row numbers, error locations, XLSX shared/inline strings, gaps, dates, hostile
** archives (zip bombs, size lies, truncation, DTDs), limits, and round trips through both
** writers. XLSX fixtures are in tests/data (made by tests/data/make_table_fixtures.py); hostile
** archives are built here at run time with libzip.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "buf.h"
#include "table.h"
#include "tablew.h"
#include "util.h"

/* ---- helpers ---- */

static Table *csv(const char *s, Err *e) { return table_parse(s, strlen(s), TABLE_CSV, NULL, e); }

/* Assert row i has exactly the given cells (ncells of them) and the given row number. */
static void expect_row(const Table *t, size_t i, long rowno, int ncells, ...) {
    int n;
    long r;
    assert_true(i < table_nrows(t));
    const char *const *cells = table_row(t, i, &n, &r);
    assert_int_equal(r, rowno);
    assert_int_equal(n, ncells);
    va_list ap;
    va_start(ap, ncells);
    for (int k = 0; k < ncells; k++) {
        const char *want = va_arg(ap, const char *);
        assert_non_null(cells[k]);
        assert_string_equal(cells[k], want);
    }
    va_end(ap);
}

/* Assert that parsing failed with this status and a detail containing want. */
static void expect_err(Table *t, const Err *e, int status, const char *want) {
    assert_null(t);
    assert_int_equal(e->status, status);
    if (!strstr(e->detail, want)) fail_msg("detail \"%s\" lacks \"%s\"", e->detail, want);
}

static char *fixture_path(const char *name) {
    const char *root = getenv("OCOP_SOURCE");
    char *p = xmalloc(4096);
    snprintf(p, 4096, "%s/tests/data/%s", root ? root : "..", name);
    return p;
}

static char *slurp_file(const char *name, size_t *n) {
    char *path = fixture_path(name);
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = xmalloc((size_t)len + 1);
    assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    free(path);
    *n = (size_t)len;
    return data;
}

/* Parse a fixture from tests/data. */
static Table *parse_fixture(const char *name, TableFormat fmt, const TableLimits *lim, Err *e) {
    char *path = fixture_path(name);
    Table *t = table_parse_file(path, fmt, lim, e);
    free(path);
    return t;
}

/* A zip archive built in memory from entries, each compressed with method; caller frees. */
typedef struct Entry {
    const char *name;
    const char *data;
    size_t n;
} Entry;

static char *make_zip(const Entry *ents, int nents, int method, size_t *out_n) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    assert_non_null(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    assert_non_null(za);
    zip_source_keep(src);
    for (int i = 0; i < nents; i++) {
        zip_source_t *s = zip_source_buffer(za, ents[i].data, ents[i].n, 0);
        zip_int64_t idx = zip_file_add(za, ents[i].name, s, ZIP_FL_ENC_UTF_8);
        assert_true(idx >= 0);
        assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, method, 9), 0);
    }
    assert_int_equal(zip_close(za), 0);
    assert_int_equal(zip_source_open(src), 0);
    assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
    zip_int64_t size = zip_source_tell(src);
    assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
    char *buf = xmalloc((size_t)size);
    assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
    zip_source_close(src);
    zip_source_free(src);
    zip_error_fini(&ze);
    *out_n = (size_t)size;
    return buf;
}

/* One entry of a zip held in memory, NUL-terminated; caller frees. */
static char *zip_entry(const char *zipdata, size_t n, const char *name) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(zipdata, n, 0, &ze);
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    assert_non_null(za);
    zip_stat_t st;
    assert_int_equal(zip_stat(za, name, 0, &st), 0);
    zip_file_t *f = zip_fopen(za, name, 0);
    assert_non_null(f);
    char *out = xmalloc(st.size + 1);
    assert_int_equal(zip_fread(f, out, st.size), (zip_int64_t)st.size);
    out[st.size] = 0;
    zip_fclose(f);
    zip_discard(za);
    zip_error_fini(&ze);
    return out;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define WORKBOOK "<workbook " NS "><sheets/></workbook>"
#define E(name, s) {name, s, strlen(s)}

/* ---- CSV ---- */

static void test_csv_basic(void **state) {
    Err e = ERR_INIT;
    Table *t = csv("a,b,c\n1,2,3\n", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 2);
    assert_int_equal(table_ncols(t), 3);
    expect_row(t, 0, 1, 3, "a", "b", "c");
    expect_row(t, 1, 2, 3, "1", "2", "3");
    table_free(t);

    /* No final newline, no trimming, trailing empty cells kept, ragged rows kept. */
    t = csv(" a ,\tb\t\nx,,\nonly\nl,o,n,g", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 4);
    expect_row(t, 0, 1, 2, " a ", "\tb\t");
    expect_row(t, 1, 2, 3, "x", "", "");
    expect_row(t, 2, 3, 1, "only");
    expect_row(t, 3, 4, 4, "l", "o", "n", "g");
    assert_int_equal(table_ncols(t), 4);
    table_free(t);
}

static void test_csv_bom_semicolon_crlf(void **state) {
    Err e = ERR_INIT;
    Table *t = csv("\xEF\xBB\xBFTên;Mã số thuế\r\nHTX Nước mắm;0101234567\r\n", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 2);
    expect_row(t, 0, 1, 2, "Tên", "Mã số thuế");
    expect_row(t, 1, 2, 2, "HTX Nước mắm", "0101234567");
    table_free(t);

    /* The same from a file, as Excel in a European locale saves it. */
    t = parse_fixture("table_excel_semicolon.csv", TABLE_AUTO, NULL, &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 3);
    expect_row(t, 0, 1, 3, "Tên", "Mã số thuế", "Địa chỉ");
    expect_row(t, 1, 2, 3, "Hợp tác xã Nước mắm Phú Quốc", "0101234567", "Dương Đông; Kiên Giang");
    expect_row(t, 2, 4, 3, "Cơ sở Bánh tráng", "00004", "dòng 1\r\ndòng 2");
    table_free(t);
}

static void test_csv_separator_detection(void **state) {
    Err e = ERR_INIT;
    /* A tie goes to the comma. */
    Table *t = csv("a;b,c\n", &e);
    expect_row(t, 0, 1, 2, "a;b", "c");
    table_free(t);
    t = csv("a;b;c,d\n", &e);
    expect_row(t, 0, 1, 3, "a", "b", "c,d");
    table_free(t);
    /* Separators inside quotes do not count; the first record may span lines. */
    t = csv("\"x,y,z\n,,\";b;c\n1;2;3\n", &e);
    assert_non_null(t);
    expect_row(t, 0, 1, 3, "x,y,z\n,,", "b", "c");
    expect_row(t, 1, 3, 3, "1", "2", "3");
    table_free(t);
    /* Leading blank lines are not the first record. */
    t = csv("\n\na;b\n", &e);
    expect_row(t, 0, 3, 2, "a", "b");
    table_free(t);
}

static void test_csv_quoting(void **state) {
    Err e = ERR_INIT;
    Table *t = csv("\"a,b\",\"say \"\"hi\"\"\",\"line1\nline2\r\nline3\",\"\"\nnext,row\n", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 2);
    expect_row(t, 0, 1, 4, "a,b", "say \"hi\"", "line1\nline2\r\nline3", "");
    expect_row(t, 1, 4, 2, "next", "row");
    table_free(t);

    /* CR-only line ends (old Mac Excel), with a CR inside quotes. */
    t = csv("a,b\r\"c\rd\",e\rf,g", &e);
    assert_non_null(t);
    expect_row(t, 0, 1, 2, "a", "b");
    expect_row(t, 1, 2, 2, "c\rd", "e");
    expect_row(t, 2, 4, 2, "f", "g");
    table_free(t);
}

static void test_csv_blank_lines(void **state) {
    Err e = ERR_INIT;
    Table *t = csv("\n\nh1,h2\r\n\r\n,,\n\"\",\"\"\n   \nv1,v2\n\n", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 3);
    expect_row(t, 0, 3, 2, "h1", "h2");
    expect_row(t, 1, 7, 1, "   "); /* not blank: spaces are data */
    expect_row(t, 2, 8, 2, "v1", "v2");
    table_free(t);

    t = csv("", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 0);
    assert_int_equal(table_ncols(t), 0);
    table_free(t);
    t = csv("\xEF\xBB\xBF\r\n\r\n", &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 0);
    table_free(t);
}

static void test_csv_quote_errors(void **state) {
    Err e = ERR_INIT;
    expect_err(csv("a,b\nc,d\"e\n", &e), &e, 422, "row 2, column 2 (B): stray quote");
    expect_err(csv("a,\"b\"x,c\n", &e), &e, 422,
               "row 1, column 2 (B): unexpected text after the closing quote");
    expect_err(csv("a,\"b\" \n", &e), &e, 422, "row 1, column 2 (B): unexpected text");
    expect_err(csv("h1,h2,h3\n1,2,3\n4,5,\"open\nmore\n", &e), &e, 422,
               "row 3, column 3 (C): unterminated quoted field");
    /* The row is the line where the record starts, after a record spanning two lines. */
    expect_err(csv("\"a\nb\",c\nd,e\"\n", &e), &e, 422, "row 3, column 2 (B): stray quote");
    assert_string_equal(e.field, "file");
}

static void test_csv_encoding_errors(void **state) {
    Err e = ERR_INIT;
    expect_err(csv("ok,ok\nx,\xC3\x28\n", &e), &e, 422, "row 2, column 2 (B): invalid UTF-8");
    assert_non_null(strstr(e.detail, "CSV UTF-8"));
    expect_err(csv("a\n\xC0\xAF\n", &e), &e, 422, "row 2, column 1 (A): invalid UTF-8");  /* overlong */
    expect_err(csv("a,\xED\xA0\x80\n", &e), &e, 422, "row 1, column 2 (B): invalid UTF-8"); /* surrogate */
    expect_err(csv("a,\xF4\x90\x80\x80\n", &e), &e, 422, "invalid UTF-8"); /* > U+10FFFF */
    expect_err(csv("a,\"b\xE1\xBA\"\n", &e), &e, 422, "row 1, column 2 (B): invalid UTF-8"); /* cut */
    Table *t = csv("😀,ắ\n", &e);
    assert_non_null(t);
    expect_row(t, 0, 1, 2, "😀", "ắ");
    table_free(t);

    /* What Vietnamese Excel writes as "CSV (Comma delimited)": Windows-1258. */
    t = parse_fixture("table_windows1258.csv", TABLE_AUTO, NULL, &e);
    expect_err(t, &e, 422, "row 3, column 1 (A): invalid UTF-8");
    /* "Unicode Text": UTF-16 with BOM gets its own message. */
    t = parse_fixture("table_utf16.csv", TABLE_AUTO, NULL, &e);
    expect_err(t, &e, 422, "UTF-16");
    expect_err(table_parse("\xFE\xFF\0a", 4, TABLE_CSV, NULL, &e), &e, 422, "UTF-16");
    /* NUL bytes, in a field or where libcsv expects a separator. */
    expect_err(table_parse("a,b\nc,d\0e\n", 10, TABLE_CSV, NULL, &e), &e, 422,
               "row 2, column 2 (B): NUL byte");
    expect_err(table_parse("a,\"b\"\0\n", 7, TABLE_CSV, NULL, &e), &e, 422,
               "row 1, column 2 (B): NUL byte");
    /* An XLSX sent as CSV, and an old .xls. */
    expect_err(table_parse("PK\3\4rest", 8, TABLE_CSV, NULL, &e), &e, 422, "XLSX");
    expect_err(table_parse("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12, TABLE_AUTO, NULL, &e), &e,
               422, ".xls");
    t = table_parse_file("/nonexistent/ocop.csv", TABLE_AUTO, NULL, &e);
    expect_err(t, &e, 404, "cannot open");
}

static void test_csv_limits(void **state) {
    Err e = ERR_INIT;
    TableLimits l = {.max_cols = 3};
    expect_err(table_parse("a,b,c\n1,2,3,4\n", 14, TABLE_CSV, &l, &e), &e, 413,
               "row 2: more than 3 columns");
    l = (TableLimits){.max_rows = 2};
    expect_err(table_parse("a\n\nb\nc\n", 7, TABLE_CSV, &l, &e), &e, 413, "row 4: more than 2 rows");
    l = (TableLimits){.max_cell = 4};
    expect_err(table_parse("abcd,abcde\n", 11, TABLE_CSV, &l, &e), &e, 413,
               "row 1, column 2 (B): cell longer than 4 bytes");
    /* A quote left open swallows the file; the cell limit stops it early, with a hint. */
    l = (TableLimits){.max_cell = 16};
    expect_err(table_parse("a,\"b\n1\n2\n3\n4\n5\n6\n7\n8\n9\n", 23, TABLE_CSV, &l, &e), &e, 413,
               "row 1, column 2 (B): cell longer than 16 bytes (is a quote left unclosed?)");
    l = (TableLimits){.max_bytes = 10};
    expect_err(table_parse("0123456789A", 11, TABLE_AUTO, &l, &e), &e, 413,
               "the file is 11 bytes; the limit is 10 bytes");
    Table *t = table_parse("0123456789", 10, TABLE_AUTO, &l, &e);
    assert_non_null(t);
    table_free(t);
}

static void test_col_name_and_numbers(void **state) {
    char c[8];
    const struct {
        int col;
        const char *name;
    } cases[] = {{1, "A"}, {26, "Z"}, {27, "AA"}, {52, "AZ"}, {53, "BA"}, {702, "ZZ"},
                 {703, "AAA"}, {16384, "XFD"}, {0, "?"}, {-5, "?"}};
    for (size_t i = 0; i < COUNT(cases); i++) {
        table_col_name(cases[i].col, c);
        assert_string_equal(c, cases[i].name);
    }
    char n[32];
    assert_string_equal(table_number_text(1000.0, n), "1000");
    assert_string_equal(table_number_text(-0.0, n), "0");
    assert_string_equal(table_number_text(0.1 + 0.2, n), "0.3");
    assert_string_equal(table_number_text(-12, n), "-12");
    assert_string_equal(table_number_text(2.5, n), "2.5");
    assert_string_equal(table_number_text(12345678901234.0, n), "12345678901234");
    assert_string_equal(table_number_text(1e20, n), "1e+20");
}

/* ---- XLSX ---- */

static void test_xlsx_fixture(void **state) {
    Err e = ERR_INIT;
    Table *t = parse_fixture("table_basic.xlsx", TABLE_AUTO, NULL, &e);
    if (!t) fail_msg("%s", e.detail);
    assert_int_equal(table_nrows(t), 6);
    assert_int_equal(table_ncols(t), 5);
    /* Shared, inline, formula-string and rich inline text; the first visible sheet. */
    expect_row(t, 0, 1, 5, "Tên", "Mã", "Ngày", "Giá", "Cờ");
    /* Rich text runs joined without the phonetic run; "00004" keeps its zeros; built-in date
    ** format 14; "1.5E3" as "1500"; booleans as TRUE/FALSE. */
    expect_row(t, 1, 2, 5, "Nước mắm", "00004", "2024-01-01", "1500", "TRUE");
    /* Gaps in cell references filled with ""; a currency format is not a date. */
    expect_row(t, 2, 3, 5, "x", "", "", "0.3", "FALSE");
    /* Row 4 absent, row 6 has only empty cells: skipped. Custom date format "dd/mm/yyyy" with
    ** the 1900 leap-year bug (60 is the fictitious 1900-02-29), a date-time and a duration. */
    expect_row(t, 3, 5, 5, "", "1900-02-29", "1900-03-01", "2024-01-01 12:00:00", "18:00:00");
    /* _xHHHH_ escapes decoded ("_x005F_" is a literal underscore); whitespace kept. */
    expect_row(t, 4, 7, 5, "Tên", "1000", "0", "dòng 1\r\ndòng 2 _x0041_", " lead ");
    /* Entities; a cell without a reference follows the previous one; a date-styled number
    ** beyond 9999-12-31 stays a number; the row is padded to the used range. */
    expect_row(t, 5, 8, 5, "a&b <c> \"q\"", "no ref", "12345678901234", "2958466", "");
    table_free(t);
}

static void test_xlsx_1904_and_prefixes(void **state) {
    Err e = ERR_INIT;
    Table *t = parse_fixture("table_1904.xlsx", TABLE_XLSX, NULL, &e);
    if (!t) fail_msg("%s", e.detail);
    assert_int_equal(table_nrows(t), 3);
    expect_row(t, 0, 1, 1, "Ngày");
    expect_row(t, 1, 2, 1, "1904-01-01");
    expect_row(t, 2, 3, 1, "2024-01-01");
    table_free(t);
}

static void test_xlsx_cell_errors(void **state) {
    Err e = ERR_INIT;
    Table *t = parse_fixture("table_error.xlsx", TABLE_AUTO, NULL, &e);
    expect_err(t, &e, 422, "row 4, column 3 (C): the cell shows the Excel error #DIV/0!");

    size_t n;
    const char *bad_sst = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"B2\" t=\"s\"><v>9"
                          "</v></c></row></sheetData></worksheet>";
    Entry ents[] = {E("xl/workbook.xml", WORKBOOK), E("xl/worksheets/sheet1.xml", bad_sst)};
    char *z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422,
               "row 2, column 2 (B): damaged XLSX: shared string 9 does not exist");
    free(z);

    const char *bad_ref = "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"2B\"><v>1"
                          "</v></c></row></sheetData></worksheet>";
    ents[1] = (Entry)E("xl/worksheets/sheet1.xml", bad_ref);
    z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "invalid cell reference \"2B\"");
    free(z);

    const char *bad_xml = "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\"><v>1</c>";
    ents[1] = (Entry)E("xl/worksheets/sheet1.xml", bad_xml);
    z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422,
               "xl/worksheets/sheet1.xml is not well-formed XML");
    free(z);

    /* A billion-laughs DTD is refused outright. */
    const char *dtd = "<?xml version=\"1.0\"?><!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                      "<worksheet " NS "><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is>"
                      "</c></row></sheetData></worksheet>";
    ents[1] = (Entry)E("xl/worksheets/sheet1.xml", dtd);
    z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "document type declaration");
    free(z);
}

static void test_xlsx_not_a_workbook(void **state) {
    Err e = ERR_INIT;
    expect_err(table_parse("hello", 5, TABLE_XLSX, NULL, &e), &e, 422, "no zip archive found");

    /* Truncated uploads: the zip directory at the end is missing. */
    size_t n;
    char *data = slurp_file("table_basic.xlsx", &n);
    expect_err(table_parse(data, n / 2, TABLE_AUTO, NULL, &e), &e, 422, "XLSX");
    assert_non_null(strstr(e.detail, "truncated"));
    /* Damage inside a compressed part (the directory intact): CRC or inflate error. */
    char *copy = xmalloc(n);
    memcpy(copy, data, n);
    for (size_t i = 200; i < 260; i++) copy[i] ^= 0x5A;
    expect_err(table_parse(copy, n, TABLE_AUTO, NULL, &e), &e, 422, "XLSX");
    free(copy);
    free(data);
    char *z;

    /* Zip-level encryption, and a compression method other than store/deflate. */
    Entry plain[] = {E("xl/workbook.xml", WORKBOOK)};
    z = make_zip(plain, 1, ZIP_CM_STORE, &n);
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(z + i, "PK\3\4", 4) == 0) z[i + 6] |= 1;
        if (memcmp(z + i, "PK\1\2", 4) == 0) z[i + 8] |= 1;
    }
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "encrypted");
    free(z);
    z = make_zip(plain, 1, ZIP_CM_STORE, &n);
    for (size_t i = 0; i + 4 <= n; i++) {
        if (memcmp(z + i, "PK\3\4", 4) == 0) z[i + 8] = 99;
        if (memcmp(z + i, "PK\1\2", 4) == 0) z[i + 10] = 99;
    }
    /* libzip's consistency check may refuse it before we see the method: either way, 422. */
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "XLSX");
    free(z);

    Entry other[] = {E("hello.txt", "hi")};
    z = make_zip(other, 1, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422,
               "not an XLSX workbook: xl/workbook.xml missing");
    free(z);
    Entry ods[] = {E("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
                   E("content.xml", "<x/>")};
    z = make_zip(ods, 2, ZIP_CM_STORE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "OpenDocument");
    free(z);
    Entry nosheet[] = {E("xl/workbook.xml", WORKBOOK)};
    z = make_zip(nosheet, 1, ZIP_CM_DEFLATE, &n);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 422, "no worksheet found");
    free(z);
}

/* A sheet of n bytes: valid XML whose bulk is whitespace (compresses about 1000:1). */
static char *spaces_sheet(size_t n) {
    const char *head = "<worksheet " NS "><sheetData>", *tail = "</sheetData></worksheet>";
    char *s = xmalloc(n + 1);
    memset(s, ' ', n);
    memcpy(s, head, strlen(head));
    memcpy(s + n - strlen(tail), tail, strlen(tail));
    s[n] = 0;
    return s;
}

/* Overwrite the uncompressed size of every entry in the local headers and the central
** directory, to lie about how big the entries are. */
static void lie_about_sizes(char *z, size_t n, uint32_t size) {
    for (size_t i = 0; i + 46 <= n; i++) {
        if (memcmp(z + i, "PK\3\4", 4) == 0) memcpy(z + i + 22, &size, 4);
        if (memcmp(z + i, "PK\1\2", 4) == 0) memcpy(z + i + 24, &size, 4);
    }
}

static void test_xlsx_zip_bombs(void **state) {
    Err e = ERR_INIT;
    size_t n;
    /* 64 MiB of XML whitespace, deflated to about 64 KiB: stopped by the ratio check after
    ** 4 MiB, whatever the cap on inflated bytes. */
    char *big = spaces_sheet(64 * 1024 * 1024);
    Entry ents[] = {E("xl/workbook.xml", WORKBOOK), {"xl/worksheets/sheet1.xml", big, strlen(big)}};
    char *z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    free(big);
    assert_true(n < 256 * 1024);
    expect_err(table_parse(z, n, TABLE_AUTO, NULL, &e), &e, 413, "zip bomb?");
    /* The same archive claiming its entries are 100 bytes: the inflated bytes are counted. */
    lie_about_sizes(z, n, 100);
    Table *t = table_parse(z, n, TABLE_AUTO, NULL, &e);
    assert_null(t);
    if (e.status != 413) fail_msg("size lie: %d %s", e.status, e.detail);
    free(z);

    /* Ordinary ratios but more inflated bytes than max_unzipped allows. */
    Buf b = BUF_INIT;
    buf_puts(&b, "<worksheet " NS "><sheetData>");
    for (int r = 1; r <= 40000; r++)
        buf_printf(&b, "<row r=\"%d\"><c r=\"A%d\"><v>%d</v></c></row>", r, r, r * 7919 % 100003);
    buf_puts(&b, "</sheetData></worksheet>");
    ents[1] = (Entry){"xl/worksheets/sheet1.xml", b.p, b.n};
    z = make_zip(ents, 2, ZIP_CM_DEFLATE, &n);
    TableLimits l = {.max_unzipped = 1024 * 1024};
    expect_err(table_parse(z, n, TABLE_AUTO, &l, &e), &e, 413, "XLSX expands beyond 1 MiB (zip bomb?)");
    /* Within the default limits it is an ordinary sheet of 40000 rows. */
    t = table_parse(z, n, TABLE_AUTO, NULL, &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 40000);
    expect_row(t, 39999, 40000, 1, "50499"); /* 40000 * 7919 % 100003 */
    table_free(t);
    free(z);
    buf_free(&b);
}

static void test_xlsx_limits(void **state) {
    Err e = ERR_INIT;
    size_t n;
    char *data = slurp_file("table_basic.xlsx", &n);
    TableLimits l = {.max_cols = 3};
    expect_err(table_parse(data, n, TABLE_AUTO, &l, &e), &e, 413,
               "row 1, column 4 (D): more than 3 columns");
    l = (TableLimits){.max_rows = 2};
    expect_err(table_parse(data, n, TABLE_AUTO, &l, &e), &e, 413, "row 3: more than 2 rows");
    l = (TableLimits){.max_cell = 3};
    expect_err(table_parse(data, n, TABLE_AUTO, &l, &e), &e, 413,
               "row 1, column 1 (A): cell longer than 3 bytes");
    l = (TableLimits){.max_bytes = 100};
    expect_err(table_parse(data, n, TABLE_AUTO, &l, &e), &e, 413, "the limit is 100 bytes");
    free(data);
}

/* ---- writers and round trips ---- */

#define RT_COLS 6
static const char *const rt_rows[][RT_COLS] = {
    {"Tên sản phẩm", "Mã", "Số lượng", "Ghi chú", "Công thức", "Cuối"},
    {"Nước mắm Phú Quốc", "00004", "1000", "có dấu phẩy, và \"ngoặc kép\"", "=1+2", "x"},
    {"Mật ong; rừng U Minh", "0101234567", "0.5", "dòng 1\r\ndòng 2\ndòng 3\rdòng 4", "+84 912", ""},
    {" khoảng trắng ", "", "-7", "", "@SUM(A1)", "y"},
    {"", "007", "1e3", "tab\there", "_x0041_ and _x005F_, _x004A\x1Fx005F_ \x01\x7F_x00", ""},
    {"😀 ắ ờ ỹ", "-0", "12345678901234", "\"", "-", "z"},
};

static void roundtrip(TableFormat fmt) {
    TableWriter *w = tablew_new(fmt, "Sản phẩm OCOP: 2024/25 [tỉnh Kiên Giang]");
    int numeric[] = {2};
    tablew_set_number_columns(w, numeric, 1);
    for (size_t i = 0; i < COUNT(rt_rows); i++) tablew_row(w, rt_rows[i], RT_COLS);
    char *out;
    size_t n;
    Err e = ERR_INIT;
    assert_int_equal(tablew_finish(w, &out, &n, &e), 0);
    assert_non_null(out);

    Table *t = table_parse(out, n, TABLE_AUTO, NULL, &e);
    if (!t) fail_msg("%s", e.detail);
    assert_int_equal(table_nrows(t), COUNT(rt_rows));
    for (size_t i = 0; i < COUNT(rt_rows); i++) {
        int nc;
        const char *const *cells = table_row(t, i, &nc, NULL);
        assert_int_equal(nc, RT_COLS);
        for (int k = 0; k < RT_COLS; k++) assert_string_equal(cells[k], rt_rows[i][k]);
    }
    table_free(t);

    if (fmt == TABLE_CSV) {
        assert_memory_equal(out, "\xEF\xBB\xBFT", 4);
        assert_non_null(strstr(out, "\r\n\"Mật ong; rừng U Minh\",0101234567,0.5,"));
        assert_non_null(strstr(out, ",'=1+2,")); /* a formula is text to a spreadsheet */
        assert_non_null(strstr(out, ",'-7,,'@SUM(A1),y\r\n"));
    } else {
        char *sheet = zip_entry(out, n, "xl/worksheets/sheet1.xml");
        assert_non_null(strstr(sheet, "<c r=\"C2\"><v>1000</v></c>")); /* a number */
        assert_non_null(strstr(sheet, "<c r=\"C4\"><v>-7</v></c>"));
        assert_non_null(strstr(sheet, "<c r=\"C5\" t=\"s\">"));        /* "1e3" stays text */
        assert_non_null(strstr(sheet, "<c r=\"B2\" t=\"s\">"));        /* "00004" is text */
        assert_non_null(strstr(sheet, "ySplit=\"1\""));                /* frozen header */
        assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:F6\""));
        assert_non_null(strstr(sheet, "<cols>"));
        free(sheet);
        char *wb = zip_entry(out, n, "xl/workbook.xml");
        assert_non_null(strstr(wb, "name=\"Sản phẩm OCOP_ 2024_25 _tỉnh Ki\""));
        free(wb);
    }
    free(out);
}

static void test_roundtrip_csv(void **state) { roundtrip(TABLE_CSV); }

/* Formula injection: the writer puts an apostrophe before = + - @ TAB CR and an apostrophe;
** the reader takes exactly that one off, so every cell comes back as it was. */
static void test_csv_formulas(void **state) {
    static const char *const cells[] = {"=HYPERLINK(\"http://x\",\"y\")", "+84 912 345 678", "-5", "@SUM(A1)",
                                        "\tcmd", "\rcmd", "'", "'abc", "''", "'=1", "a=b", "", "x'"};
    static const char *const written[] = {"\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", "'+84 912 345 678", "'-5",
                                           "'@SUM(A1)", "'\tcmd", "\"'\rcmd\"", "''", "''abc", "'''", "''=1", "a=b", "",
                                           "x'"};
    enum { N = sizeof cells / sizeof *cells };
    TableWriter *w = tablew_new(TABLE_CSV, NULL);
    tablew_row(w, cells, N);
    char *out;
    size_t n;
    Err e = ERR_INIT;
    assert_int_equal(tablew_finish(w, &out, &n, &e), 0);
    Buf want = BUF_INIT;
    buf_puts(&want, "\xEF\xBB\xBF");
    for (int i = 0; i < N; i++) buf_printf(&want, "%s%s", i ? "," : "", written[i]);
    buf_puts(&want, "\r\n");
    assert_string_equal(out, buf_str(&want));
    buf_free(&want);
    Table *t = table_parse(out, n, TABLE_CSV, NULL, &e);
    assert_non_null(t);
    int nc;
    const char *const *back = table_row(t, 0, &nc, NULL);
    assert_int_equal(nc, N);
    for (int i = 0; i < N; i++) assert_string_equal(back[i], cells[i]);
    table_free(t);
    free(out);

    /* What a person typed: an apostrophe before anything else is kept. */
    const char *typed = "'abc,'=x,'',''',' 1\r\n";
    t = table_parse(typed, strlen(typed), TABLE_CSV, NULL, &e);
    assert_non_null(t);
    back = table_row(t, 0, &nc, NULL);
    assert_int_equal(nc, 5);
    assert_string_equal(back[0], "'abc");
    assert_string_equal(back[1], "=x");
    assert_string_equal(back[2], "'");
    assert_string_equal(back[3], "''");
    assert_string_equal(back[4], "' 1");
    table_free(t);
    /* XLSX cells are text: no apostrophe there. */
    assert_true(table_csv_formula("=1") && table_csv_formula("'") && !table_csv_formula("a") && !table_csv_formula(""));
}

static void test_roundtrip_xlsx(void **state) { roundtrip(TABLE_XLSX); }

static void test_writer_misc(void **state) {
    assert_string_equal(tablew_mime(TABLE_CSV), "text/csv; charset=utf-8");
    assert_string_equal(tablew_mime(TABLE_XLSX),
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_string_equal(tablew_ext(TABLE_CSV), "csv");
    assert_string_equal(tablew_ext(TABLE_XLSX), "xlsx");

    /* NULL cells are empty; the exact CSV bytes. */
    TableWriter *w = tablew_new(TABLE_CSV, NULL);
    const char *r1[] = {"a", NULL, "b c", " d"};
    tablew_row(w, r1, 4);
    char *out;
    size_t n;
    Err e = ERR_INIT;
    assert_int_equal(tablew_finish(w, &out, &n, &e), 0);
    assert_int_equal(n, strlen(out));
    assert_string_equal(out, "\xEF\xBB\xBF" "a,,b c,\" d\"\r\n");
    free(out);

    /* Text Excel cannot hold fails at finish, with the place. */
    w = tablew_new(TABLE_XLSX, NULL);
    char *longtext = xmalloc(40000);
    memset(longtext, 'a', 39999);
    longtext[39999] = 0;
    const char *h[] = {"h1", "h2"}, *r2[] = {"ok", longtext};
    tablew_row(w, h, 2);
    tablew_row(w, r2, 2);
    assert_int_equal(tablew_finish(w, &out, &n, &e), -1);
    assert_null(out);
    assert_int_equal(e.status, 422);
    assert_non_null(strstr(e.detail, "row 2, column B"));
    free(longtext);

    /* No usable temp directory: a 500 at finish, nothing leaked. */
    const char *old = getenv("TMPDIR");
    char *saved = old ? xstrdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent-ocop-dir", 1);
    w = tablew_new(TABLE_XLSX, "x");
    tablew_row(w, h, 2);
    assert_int_equal(tablew_finish(w, &out, &n, &e), -1);
    assert_int_equal(e.status, 500);
    if (saved) setenv("TMPDIR", saved, 1);
    else unsetenv("TMPDIR");
    free(saved);

    /* An empty XLSX export still opens. */
    w = tablew_new(TABLE_XLSX, NULL);
    assert_int_equal(tablew_finish(w, &out, &n, &e), 0);
    Table *t = table_parse(out, n, TABLE_AUTO, NULL, &e);
    assert_non_null(t);
    assert_int_equal(table_nrows(t), 0);
    table_free(t);
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_basic),
        cmocka_unit_test(test_csv_bom_semicolon_crlf),
        cmocka_unit_test(test_csv_separator_detection),
        cmocka_unit_test(test_csv_quoting),
        cmocka_unit_test(test_csv_blank_lines),
        cmocka_unit_test(test_csv_quote_errors),
        cmocka_unit_test(test_csv_encoding_errors),
        cmocka_unit_test(test_csv_limits),
        cmocka_unit_test(test_col_name_and_numbers),
        cmocka_unit_test(test_xlsx_fixture),
        cmocka_unit_test(test_xlsx_1904_and_prefixes),
        cmocka_unit_test(test_xlsx_cell_errors),
        cmocka_unit_test(test_xlsx_not_a_workbook),
        cmocka_unit_test(test_xlsx_zip_bombs),
        cmocka_unit_test(test_xlsx_limits),
        cmocka_unit_test(test_roundtrip_csv),
        cmocka_unit_test(test_csv_formulas),
        cmocka_unit_test(test_roundtrip_xlsx),
        cmocka_unit_test(test_writer_misc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
