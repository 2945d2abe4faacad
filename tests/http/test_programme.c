/*
** test_programme.c: ocop's indicators reproduce figures the OCOP programme published (issue 11).
** Three registries (tests/data/programme/, made by make_fixtures.py, each directory's README.md
** says how) are imported through `ocop import` into one fresh database, the way a province
** loads its lists, and every figure is asked of the real API:
**
**   Bến Tre, 31 July 2022 (old province 83): "131 sản phẩm của 54 chủ thể: 66 sản phẩm 3 sao,
**     65 sản phẩm 4 sao; 41/157 xã (26,11%): 34 xã, 05 phường, 02 thị trấn của 09 huyện,
**     thành phố";
**   Lai Vung, 31 December 2023 (old district 876 of Đồng Tháp): 53 products, 48 at 3★, 5 at 4★;
**   Hà Tĩnh, 31 December 2023 (old province 42): 284 recognised, 67 expired, 217 in force,
**     206 at 3★ and 11 at 4★.
**
** The three share the database, so each figure also checks that the others' records stay out
** of it. Each fixture holds a few records that must not count on its day (a 2★ result, a
** certificate that ran out, a decision after the day, a product of the next district); the
** checks on a neighbouring day show they are there. ProgrammeCase and programme_load let a
** later test (the PDF and XLSX reports) load the same cases and check the same figures.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "table.h"

/* One published figure's registry: tests/data/programme/DIR/{producers,products,recognitions}.csv,
** counted on unit as it stood on date (pre-2025 map). */
typedef struct ProgrammeCase {
    const char *dir;
    const char *unit;
    const char *date;
} ProgrammeCase;

static const ProgrammeCase BENTRE = {"bentre", "83", "2022-07-31"};
static const ProgrammeCase LAIVUNG = {"laivung", "876", "2023-12-31"};
static const ProgrammeCase HATINH = {"hatinh", "42", "2023-12-31"};

/* Import c's three files into s's database (prepared; served or not) with `ocop import`, in the
** order a province imports them. Aborts when an import fails: it runs in a group's setup. */
static void programme_load(Server *s, const ProgrammeCase *c) {
    static const char *const kinds[] = {"producers", "products", "recognitions"};
    const char *src = getenv("OCOP_SOURCE");
    if (!src) {
        fprintf(stderr, "OCOP_SOURCE is not set\n");
        abort();
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/tests/data/programme/%s/%s.csv", src, c->dir, kinds[i]);
        const char *args[] = {"import", kinds[i], path, "--db", s->db, "--quiet", NULL};
        char *err = NULL;
        if (run_ocop(args, NULL, &err) != 0) {
            fprintf(stderr, "ocop import %s %s failed: %s\n", kinds[i], path, err ? err : "");
            abort();
        }
        free(err);
    }
}

/* A fresh database (no demo) holding exactly the cases given (NULL-terminated), not yet served. */
static void programme_prepare(Server *s, const ProgrammeCase *const *cases) {
    srv_prepare(s, false);
    for (size_t i = 0; cases[i]; i++) programme_load(s, cases[i]);
}

/* S: all three cases in one database, served. */
static Server S;
static const char *const anon[] = {NULL};

static int setup(void **state) {
    (void)state;
    const ProgrammeCase *const all[] = {&BENTRE, &LAIVUNG, &HATINH, NULL};
    programme_prepare(&S, all);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    srv_down(&S);
    return 0;
}

/* GET /api/v1/indicators/code for unit on date on the pre-2025 map (rows: with the sub-units'). */
static Resp indicator(const char *code, const char *unit, const char *date, bool rows) {
    char path[256];
    snprintf(path, sizeof path, "/api/v1/indicators/%s?unit=%s&date=%s&geography=pre2025&rows=%s", code, unit, date,
             rows ? "true" : "false");
    Resp r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "place.geo"), "pre2025");
    assert_string_equal(jstr(r.json, "date"), date);
    return r;
}

/* The count indicator code is n for unit on date. */
static void expect_count(const char *code, const char *unit, const char *date, long long n) {
    Resp r = indicator(code, unit, date, false);
    if (jint(r.json, "numerator") != n)
        fail_msg("%s of %s on %s: %lld, expected %lld", code, unit, date, jint(r.json, "numerator"), n);
    assert_true(json_is_null(json_object_get(r.json, "denominator")));
    assert_true(fabs(json_number_value(json_object_get(r.json, "value")) - (double)n) < 1e-9);
    resp_free(&r);
}

/* The stats report of unit on date (GET /api/v1/stats, counted by stats.c on its own). */
static Resp stats(const char *unit, const char *date) {
    char path[128];
    snprintf(path, sizeof path, "/api/v1/stats?unit=%s&date=%s", unit, date);
    Resp r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    return r;
}

/* ---- Bến Tre, July 2022 ------------------------------------------------------------------------- */

/* "131 sản phẩm của 54 chủ thể: 66 sản phẩm 3 sao, 65 sản phẩm 4 sao; 41/157 xã, 26,11%". */
static void test_bentre_products(void **state) {
    (void)state;
    const ProgrammeCase *c = &BENTRE;
    expect_count("products_3plus", c->unit, c->date, 131);
    expect_count("products_3star", c->unit, c->date, 66);
    expect_count("products_4star", c->unit, c->date, 65);
    expect_count("products_5star", c->unit, c->date, 0);
    expect_count("producers_ocop", c->unit, c->date, 54);
    expect_count("communes_covered", c->unit, c->date, 41);

    Resp r = indicator("communes_coverage_pct", c->unit, c->date, false);
    assert_int_equal(jint(r.json, "numerator"), 41);
    assert_int_equal(jint(r.json, "denominator"), 157);
    double v = json_number_value(json_object_get(r.json, "value"));
    assert_int_equal(llround(v * 100), 2611); /* 26.11% */
    assert_true(fabs(v - 100.0 * 41 / 157) < 1e-9);
    resp_free(&r);

    /* the province's own sentence, from the stats report (stats.c counts its own way) */
    r = stats(c->unit, c->date);
    assert_string_equal(jstr(r.json, "summary_vi"), "131 sản phẩm của 54 chủ thể: 66 sản phẩm 3 sao, 65 sản phẩm 4 sao, "
                                                    "0 sản phẩm 5 sao; 41/157 xã có sản phẩm OCOP (26,11%)");
    assert_string_equal(jstr(r.json, "summary_en"), "131 products of 54 producers: 66 at 3★, 65 at 4★, 0 at 5★; "
                                                    "41 of 157 communes, 26.11%");
    resp_free(&r);
}

/* "34 xã, 05 phường, 02 thị trấn của 09 huyện, thành phố": no indicator counts communes by
** kind, so the covered communes are read from the rows (per district, then per commune) and
** their kind from GET /api/v1/units/{district}/children on the day. */
static void test_bentre_communes_by_kind(void **state) {
    (void)state;
    const ProgrammeCase *c = &BENTRE;
    Resp r = indicator("districts_coverage_pct", c->unit, c->date, false);
    assert_int_equal(jint(r.json, "numerator"), 9);
    assert_int_equal(jint(r.json, "denominator"), 9);
    resp_free(&r);

    /* the nine of July 2022: eight huyện and the city */
    char path[160];
    snprintf(path, sizeof path, "/api/v1/units/%s/children?date=%s&level=district", c->unit, c->date);
    Resp kids = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
    expect_status(&kids, 200, NULL);
    int huyen = 0, city = 0;
    size_t i, j;
    json_t *d, *row;
    json_array_foreach(json_object_get(kids.json, "items"), i, d) {
        const char *type = jstr(d, "type");
        if (strcmp(type, "huyện") == 0) huyen++;
        else if (strcmp(type, "thành phố") == 0) city++;
    }
    assert_int_equal(huyen, 8);
    assert_int_equal(city, 1);
    resp_free(&kids);

    r = indicator("communes_covered", c->unit, c->date, true);
    json_t *districts = json_object_get(r.json, "rows");
    assert_int_equal(json_array_size(districts), 9);
    long long xa = 0, phuong = 0, thitran = 0, sum = 0;
    int with = 0;
    json_array_foreach(districts, i, d) {
        const char *dcode = jstr(d, "code");
        long long n = jint(d, "numerator");
        sum += n;
        if (n > 0) with++;
        /* the district's communes: covered ones from the rows, kinds from the units */
        Resp rc = indicator("communes_covered", dcode, c->date, true);
        assert_int_equal(jint(rc.json, "numerator"), n);
        snprintf(path, sizeof path, "/api/v1/units/%s/children?date=%s&level=commune", dcode, c->date);
        Resp u = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
        expect_status(&u, 200, NULL);
        long long seen = 0;
        json_array_foreach(json_object_get(rc.json, "rows"), j, row) {
            if (jint(row, "numerator") == 0) continue;
            assert_int_equal(jint(row, "numerator"), 1);
            seen++;
            const char *type = NULL;
            size_t k;
            json_t *unit;
            json_array_foreach(json_object_get(u.json, "items"), k, unit)
                if (strcmp(jstr(unit, "code"), jstr(row, "code")) == 0) type = jstr(unit, "type");
            if (!type) fail_msg("commune %s of district %s is not among its children", jstr(row, "code"), dcode);
            if (strcmp(type, "xã") == 0) xa++;
            else if (strcmp(type, "phường") == 0) phuong++;
            else if (strcmp(type, "thị trấn") == 0) thitran++;
            else fail_msg("commune %s is a %s", jstr(row, "code"), type);
        }
        assert_int_equal(seen, n);
        resp_free(&u);
        resp_free(&rc);
    }
    assert_int_equal(sum, 41);
    assert_int_equal(with, 9);
    assert_int_equal(xa, 34);
    assert_int_equal(phuong, 5);
    assert_int_equal(thitran, 2);
    resp_free(&r);
}

/* The records that must not count in July 2022 are there: a month later the two products
** recognised on 19 August 2022 count, with their commune and producer. */
static void test_bentre_day_matters(void **state) {
    (void)state;
    expect_count("products_3plus", BENTRE.unit, "2022-08-31", 133);
    expect_count("communes_covered", BENTRE.unit, "2022-08-31", 42);
    expect_count("producers_ocop", BENTRE.unit, "2022-08-31", 55);
    /* ever recognised by the day: the 131 and the certificate that ran out on 26 July 2022 */
    expect_count("products_ever", BENTRE.unit, BENTRE.date, 132);
    expect_count("expired_not_renewed", BENTRE.unit, BENTRE.date, 1);
}

/* ---- Lai Vung, 31 December 2023 ------------------------------------------------------------------ */

/* "53 sản phẩm: 48 sản phẩm 3 sao, 5 sản phẩm 4 sao". */
static void test_laivung(void **state) {
    (void)state;
    const ProgrammeCase *c = &LAIVUNG;
    expect_count("products_3plus", c->unit, c->date, 53);
    expect_count("products_3star", c->unit, c->date, 48);
    expect_count("products_4star", c->unit, c->date, 5);
    expect_count("products_5star", c->unit, c->date, 0);

    Resp r = indicator("products_3plus", c->unit, c->date, true);
    json_t *rows = json_object_get(r.json, "rows"), *row;
    assert_int_equal(json_array_size(rows), 12); /* its twelve communes */
    long long sum = 0;
    size_t i;
    json_array_foreach(rows, i, row) {
        assert_true(jint(row, "numerator") > 0);
        sum += jint(row, "numerator");
    }
    assert_int_equal(sum, 53);
    resp_free(&r);

    /* Đồng Tháp's districts: Lai Vung's 53, and Lấp Vò's mat kept apart */
    r = indicator("products_3plus", "87", c->date, true);
    long long lai_vung = -1, lap_vo = -1;
    json_array_foreach(json_object_get(r.json, "rows"), i, row) {
        if (strcmp(jstr(row, "code"), "876") == 0) lai_vung = jint(row, "numerator");
        if (strcmp(jstr(row, "code"), "875") == 0) lap_vo = jint(row, "numerator");
    }
    assert_int_equal(lai_vung, 53);
    assert_int_equal(lap_vo, 1);
    resp_free(&r);

    r = stats(c->unit, c->date);
    assert_int_equal(jint(r.json, "products.total"), 53);
    assert_int_equal(jint(r.json, "products.by_stars.3"), 48);
    assert_int_equal(jint(r.json, "products.by_stars.4"), 5);
    resp_free(&r);

    /* the day before, the certificate of 31 December 2020 was still valid (through 30 December
    ** 2023): one more 3★ product */
    expect_count("products_3plus", c->unit, "2023-12-30", 54);
    expect_count("products_3star", c->unit, "2023-12-30", 49);
}

/* ---- Hà Tĩnh, 31 December 2023 ------------------------------------------------------------------- */

/* "284 sản phẩm được công nhận, 67 sản phẩm hết hạn, 217 sản phẩm còn hiệu lực: 206 sản phẩm
** 3 sao, 11 sản phẩm 4 sao". */
static void test_hatinh(void **state) {
    (void)state;
    const ProgrammeCase *c = &HATINH;
    expect_count("products_ever", c->unit, c->date, 284);
    expect_count("expired_not_renewed", c->unit, c->date, 67);
    expect_count("products_3plus", c->unit, c->date, 217);
    expect_count("products_3star", c->unit, c->date, 206);
    expect_count("products_4star", c->unit, c->date, 11);
    expect_count("products_5star", c->unit, c->date, 0);

    Resp r = stats(c->unit, c->date);
    assert_int_equal(jint(r.json, "products.total"), 217);
    assert_int_equal(jint(r.json, "products.by_stars.3"), 206);
    assert_int_equal(jint(r.json, "products.by_stars.4"), 11);
    resp_free(&r);

    /* the rows of the thirteen districts add up */
    r = indicator("expired_not_renewed", c->unit, c->date, true);
    json_t *row;
    size_t i;
    long long sum = 0;
    assert_int_equal(json_array_size(json_object_get(r.json, "rows")), 13);
    json_array_foreach(json_object_get(r.json, "rows"), i, row) sum += jint(row, "numerator");
    assert_int_equal(sum, 67);
    resp_free(&r);

    /* 30 December 2023: the eight certificates of 31 December 2020 were still valid */
    expect_count("expired_not_renewed", c->unit, "2023-12-30", 59);
    expect_count("products_3plus", c->unit, "2023-12-30", 225);
    expect_count("products_3star", c->unit, "2023-12-30", 214);
    expect_count("products_ever", c->unit, "2023-12-30", 284);
    /* the product first recognised in April 2024 */
    expect_count("products_ever", c->unit, "2024-04-30", 285);
}

/* ---- the same figures in the reports: the API's model, the PDF's text, the XLSX's cells ---- */

/* s with every run of white space made one space (pdftotext breaks the lines). */
static char *squeeze(const char *s) {
    char *out = malloc(strlen(s) + 1), *o = out;
    for (; *s; s++) {
        bool ws = *s == ' ' || *s == '\n' || *s == '\r' || *s == '\t' || *s == '\f';
        if (ws && (o == out || o[-1] == ' ')) continue;
        *o++ = ws ? ' ' : *s;
    }
    *o = 0;
    return out;
}

/* The report's path of case c in format fmt. */
static const char *report_path(const char *name, const ProgrammeCase *c, const char *fmt) {
    static char path[256];
    snprintf(path, sizeof path, "/api/v1/reports/%s?unit=%s&period=%s&geography=pre2025&format=%s", name, c->unit, c->date, fmt);
    return path;
}

/* The text of a PDF answer (pdftotext), squeezed. */
static char *pdf_text(const Resp *r) {
    char pdf[] = "/tmp/ocop-report-XXXXXX.pdf";
    int fd = mkstemps(pdf, 4);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, r->body, r->len), (ssize_t)r->len);
    close(fd);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' -", pdf);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, k, m);
    fclose(m);
    assert_int_equal(pclose(f), 0);
    unlink(pdf);
    char *out = squeeze(text);
    free(text);
    return out;
}

/* Every sentence of want[] is in the summary of the model, in the PDF's text and in the XLSX's
** cells (as the API, the web and `ocop report` make them). */
static void report_says(const ProgrammeCase *c, const char *const *want) {
    Resp r = http_req_h(&S, anon, "GET", report_path("summary", c, "json"), NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    char *summary = json_dumps(json_object_get(r.json, "summary"), JSON_ENSURE_ASCII * 0);
    for (size_t i = 0; want[i]; i++)
        if (!strstr(summary, want[i])) fail_msg("the report's summary lacks \"%s\": %s", want[i], summary);
    free(summary);
    resp_free(&r);

    r = http_req_h(&S, anon, "GET", report_path("summary", c, "pdf"), NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/pdf");
    char *text = pdf_text(&r);
    for (size_t i = 0; want[i]; i++)
        if (!strstr(text, want[i])) fail_msg("the PDF lacks \"%s\": %s", want[i], text);
    /* the layout of an administrative report */
    assert_non_null(strstr(text, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    assert_non_null(strstr(text, "Độc lập - Tự do - Hạnh phúc"));
    assert_non_null(strstr(text, "BÁO CÁO"));
    assert_non_null(strstr(text, "Nơi nhận:"));
    free(text);
    resp_free(&r);

    r = http_req_h(&S, anon, "GET", report_path("summary", c, "xlsx"), NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    Err e = ERR_INIT;
    Table *t = table_parse(r.body, r.len, TABLE_XLSX, NULL, &e);
    assert_non_null(t);
    for (size_t i = 0; want[i]; i++) {
        bool found = false;
        for (size_t k = 0; k < table_nrows(t) && !found; k++) found = strstr(table_row(t, k, NULL, NULL)[0], want[i]) != NULL;
        if (!found) fail_msg("the XLSX lacks \"%s\"", want[i]);
    }
    table_free(t);
    resp_free(&r);
}

/* The XLSX's row whose cell col is label: its cells (the table's), or fail. */
static const char *const *xlsx_row(Table *t, int col, const char *label) {
    for (size_t k = 0; k < table_nrows(t); k++) {
        int n;
        const char *const *row = table_row(t, k, &n, NULL);
        if (n > col && strcmp(row[col], label) == 0) return row;
    }
    fail_msg("no row %s in the XLSX", label);
    return NULL;
}

static void test_bentre_report(void **state) {
    (void)state;
    static const char *const want[] = {
        "Đến ngày 31/07/2022, tỉnh Bến Tre có 131 sản phẩm OCOP còn hiệu lực của 54 chủ thể: 66 sản phẩm 3 sao, 65 sản phẩm 4 sao.",
        "41/157 đơn vị hành chính cấp xã có sản phẩm OCOP (đạt 26,11%), gồm 34 xã, 05 phường, 02 thị trấn của 09 huyện, thành phố.",
        NULL};
    report_says(&BENTRE, want);
    /* the spreadsheet holds numbers and formulas: the indicators' values, the districts' total
    ** row summing them (SUM) and the coverage computed from its cells (IF(den=0,0,num/den)) */
    Resp r = http_req_h(&S, anon, "GET", report_path("summary", &BENTRE, "xlsx"), NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    Err e = ERR_INIT;
    Table *t = table_parse(r.body, r.len, TABLE_XLSX, NULL, &e);
    assert_non_null(t);
    assert_string_equal(xlsx_row(t, 1, "Sản phẩm OCOP còn hiệu lực (từ 3 sao)")[2], "131");
    assert_string_equal(xlsx_row(t, 1, "Sản phẩm OCOP 3 sao còn hiệu lực")[2], "66");
    assert_string_equal(xlsx_row(t, 1, "Sản phẩm OCOP 4 sao còn hiệu lực")[2], "65");
    assert_string_equal(xlsx_row(t, 1, "Chủ thể có sản phẩm OCOP")[2], "54");
    const char *const *total = xlsx_row(t, 1, "Tổng cộng"); /* the first total: the districts' */
    assert_string_equal(total[2], "66");
    assert_string_equal(total[3], "65");
    assert_string_equal(total[5], "131");
    assert_string_equal(total[6], "41");
    assert_string_equal(total[7], "157");
    assert_true(fabs(atof(total[8]) - 41.0 / 157) < 1e-9);
    table_free(t);
    /* the formulas themselves */
    char xlsx[] = "/tmp/ocop-report-XXXXXX.xlsx";
    int fd = mkstemps(xlsx, 5);
    assert_int_equal(write(fd, r.body, r.len), (ssize_t)r.len);
    close(fd);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", xlsx);
    FILE *f = popen(cmd, "r");
    char *xml = calloc(1, 4 << 20);
    size_t n = fread(xml, 1, (4 << 20) - 1, f);
    assert_int_equal(pclose(f), 0);
    unlink(xlsx);
    assert_true(n > 0);
    assert_non_null(strstr(xml, "<f>SUM(C"));
    assert_non_null(strstr(xml, "<f>C")); /* the products column: 3★ + 4★ + 5★ of its row */
    assert_non_null(strstr(xml, "<f>IF(H"));
    free(xml);
    resp_free(&r);
}

static void test_laivung_report(void **state) {
    (void)state;
    static const char *const want[] = {"Đến ngày 31/12/2023, huyện Lai Vung có 53 sản phẩm OCOP còn hiệu lực",
                                       ": 48 sản phẩm 3 sao, 5 sản phẩm 4 sao.", NULL};
    report_says(&LAIVUNG, want);
}

static void test_hatinh_report(void **state) {
    (void)state;
    static const char *const want[] = {
        "tỉnh Hà Tĩnh có 217 sản phẩm OCOP còn hiệu lực",
        ": 206 sản phẩm 3 sao, 11 sản phẩm 4 sao.",
        "Lũy kế đã công nhận 284 sản phẩm: 67 sản phẩm hết hạn chưa được công nhận lại, 217 sản phẩm còn hiệu lực.", NULL};
    report_says(&HATINH, want);
    /* the list of products in force: 217 rows, from the command line as from the API */
    char out[300];
    snprintf(out, sizeof out, "%s/hatinh-products.csv", S.dir);
    const char *args[] = {"report", "products", "--unit", "42", "--period", "2023-12-31", "--geography", "pre2025", "--format",
                          "csv", "--output", out, "--db", S.db, "--quiet", NULL};
    char *err = NULL;
    assert_int_equal(run_ocop(args, NULL, &err), 0);
    free(err);
    Err e = ERR_INIT;
    Table *t = table_parse_file(out, TABLE_CSV, NULL, &e);
    assert_non_null(t);
    int stars3 = 0, stars4 = 0;
    for (size_t k = 0; k < table_nrows(t); k++) {
        int n;
        const char *const *row = table_row(t, k, &n, NULL);
        if (n < 11 || !strcmp(row[0], "TT")) continue;
        stars3 += !strcmp(row[6], "3");
        stars4 += !strcmp(row[6], "4");
    }
    assert_int_equal(stars3, 206);
    assert_int_equal(stars4, 11);
    table_free(t);
}

/* A report asked badly is a problem document naming the field. */
static void test_report_bad_input(void **state) {
    (void)state;
    static const struct {
        const char *path, *field;
        long status;
    } cases[] = {
        {"/api/v1/reports/summary?unit=83&period=2022-13", "period", 400},
        {"/api/v1/reports/summary?unit=83&period=2023-2021", "period", 400},
        {"/api/v1/reports/summary?unit=83&period=2022-07-31&geography=2025", "unit", 404},
        {"/api/v1/reports/summary?unit=99999&period=2022", "unit", 404},
        {"/api/v1/reports/nope?unit=83", "name", 404},
        {"/api/v1/reports/round?unit=83", "round", 400},
        {"/api/v1/reports/round?round=1", "round", 404},
        {"/api/v1/reports/summary?format=docx", "format", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Resp r = http_req_h(&S, anon, "GET", cases[i].path, NULL, NULL, 0);
        expect_status(&r, cases[i].status, NULL);
        assert_string_equal(json_string_value(json_object_get(r.json, "field")), cases[i].field);
        resp_free(&r);
    }
}

/* `ocop plan add` takes An Giang's plan of 2023 from its file and refuses a bad one whole,
** naming each problem's field; the plan's progress report then lists An Giang's districts. */
static void test_plan_cli(void **state) {
    (void)state;
    char bad[300], good[300];
    snprintf(bad, sizeof bad, "%s/bad-plan.json", S.dir);
    snprintf(good, sizeof good, "%s/kh-363.json", S.dir);
    FILE *f = fopen(bad, "w");
    fputs("{\"unit\": \"89\", \"from\": \"2023-12-31\", \"to\": \"2023-01-01\", \"title\": \"x\", \"targets\": "
          "[{\"indicator\": \"nope\", \"min\": 5}, {\"indicator\": \"new_3plus\", \"min\": 50, \"max\": 40}]}", f);
    fclose(f);
    f = fopen(good, "w");
    fputs("{\"unit\": \"89\", \"geography\": \"pre2025\", \"from\": \"2023-01-01\", \"to\": \"2023-12-31\", "
          "\"title\": \"Kế hoạch OCOP tỉnh An Giang năm 2023\", \"document\": {\"no\": \"363/KH-UBND\", \"date\": "
          "\"2023-05-15\", \"issuer\": \"Ủy ban nhân dân tỉnh An Giang\"}, \"targets\": [{\"indicator\": \"new_3plus\", "
          "\"min\": 40, \"max\": 50}, {\"indicator\": \"products_3plus\", \"each\": \"district\", \"min\": 1, "
          "\"label\": \"Mỗi huyện có ít nhất 1 sản phẩm OCOP\"}]}", f);
    fclose(f);
    const char *a1[] = {"plan", "add", bad, "--db", S.db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(run_ocop(a1, &out, &err), 1);
    assert_non_null(strstr(err, "targets[0].indicator"));
    assert_non_null(strstr(err, "targets[1].max"));
    free(out), free(err), out = err = NULL;
    Resp r = http_req_h(&S, anon, "GET", "/api/v1/plans?unit=89", NULL, NULL, 0);
    assert_int_equal(json_integer_value(json_object_get(r.json, "total")), 0); /* nothing saved */
    resp_free(&r);
    const char *a2[] = {"plan", "add", good, "--db", S.db, NULL};
    assert_int_equal(run_ocop(a2, &out, &err), 0);
    long long id = 0;
    assert_int_equal(sscanf(out, "plan %lld:", &id), 1);
    free(out), free(err), out = err = NULL;
    char path[200];
    snprintf(path, sizeof path, "/api/v1/reports/progress?unit=89&geography=pre2025&period=2023&plan=%lld&format=pdf", id);
    r = http_req_h(&S, anon, "GET", path, NULL, NULL, 0);
    expect_status(&r, 200, NULL);
    char *text = pdf_text(&r);
    assert_non_null(strstr(text, "Kế hoạch OCOP tỉnh An Giang năm 2023"));
    assert_non_null(strstr(text, "Văn bản: 363/KH-UBND ngày 15/05/2023"));
    assert_non_null(strstr(text, "Đơn vị chưa đạt chỉ tiêu: Mỗi huyện có ít nhất 1 sản phẩm OCOP"));
    assert_non_null(strstr(text, "Huyện An Phú"));
    free(text);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bentre_products), cmocka_unit_test(test_bentre_communes_by_kind),
        cmocka_unit_test(test_bentre_day_matters), cmocka_unit_test(test_laivung), cmocka_unit_test(test_hatinh),
        cmocka_unit_test(test_bentre_report), cmocka_unit_test(test_laivung_report), cmocka_unit_test(test_hatinh_report),
        cmocka_unit_test(test_report_bad_input), cmocka_unit_test(test_plan_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
