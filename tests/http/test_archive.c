/*
** test_archive.c: dossiers decided on paper before the province used ocop, recorded by import
** (dossier_archive.c, docs/import.md "dossiers") over real HTTP and the command line: the rows
** become closed dossiers pinned to the score sheet in force when filed, with their round (made
** closed when the province had none, joined when it had), score, stars and result; the
** indicators count them; a second import skips them as duplicates; every bad row is named with
** its column and nothing is written; only a province officer (or an administrator) records them.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

DEMO_SERVER(S)

static char tinh[300], xa[300], bo[300]; /* Vĩnh Long's officer, a commune officer of Vĩnh Long, the Ministry's */

static int setup_group(void **state) {
    setup(state);
    srv_user(&S, "arch_tinh", (const char *const[]){"province:86", NULL});
    srv_user(&S, "arch_xa", (const char *const[]){"commune:28903", NULL});
    char *t = srv_token(&S, "arch_tinh", "write");
    snprintf(tinh, sizeof tinh, "Authorization: Bearer %s", t);
    free(t);
    t = srv_token(&S, "arch_xa", "write");
    snprintf(xa, sizeof xa, "Authorization: Bearer %s", t);
    free(t);
    srv_user(&S, "arch_bo", (const char *const[]){"ministry", NULL});
    t = srv_token(&S, "arch_bo", "read");
    snprintf(bo, sizeof bo, "Authorization: Bearer %s", t);
    free(t);
    return 0;
}

/* The integer of a query's first row and column, read from the server's database file. */
static long long db_value(const char *sql) {
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static Resp import_as(const char *auth, const char *csv, const char *query) {
    const char *h[] = {auth, NULL};
    char path[128];
    snprintf(path, sizeof path, "/api/v1/import/dossiers%s", query ? query : "");
    return http_req_h(&S, h, "POST", path, "text/csv", csv, strlen(csv));
}

static long long total(const char *path) {
    const char *h[] = {tinh, NULL};
    Resp r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    long long n = jint(r.json, "total");
    resp_free(&r);
    return n;
}

static long long indicator(const char *code, const char *unit, const char *from, const char *to) {
    const char *h[] = {tinh, NULL};
    char path[200];
    snprintf(path, sizeof path, "/api/v1/indicators/%s?unit=%s&from=%s&date=%s&geography=2025", code, unit, from, to);
    Resp r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    if (r.status != 200) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 200);
    long long n = (long long)json_number_value(jpath(r.json, "value"));
    resp_free(&r);
    return n;
}

/* Vĩnh Long's archive, as an office would type it: Vietnamese headers and labels, day-first
** dates, a decimal comma, empty cells for what ocop works out. */
static const char ARCHIVE[] =
    "Loại hồ sơ,Mã sản phẩm,Ngày nộp,Ngày chuyển tỉnh,Năm của đợt,Đợt,Trạng thái,Lý do loại,"
    "Điểm trung bình của Hội đồng,Số sao,Gửi Bộ đánh giá 5 sao,Ghi chú,Hội đồng\n"
    /* stars from the score (58: 3★), a round Vĩnh Long never had: made, closed */
    "Đánh giá lần đầu,86-28903-001-2021,01/06/2021,15/09/2021,2021,2,,,58,,,Hồ sơ giấy 2021,"
    "\"hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Vĩnh Long (demo)\"\n"
    "Đánh giá lần đầu,86-28870-001-2021,2023-03-01,,2023,2,Đã có quyết định,,\"74,5\",4,,,\n"
    "Đánh giá lần đầu,86-28903-004-2023,2022-03-01,,2022,1,Bị loại,Không có giấy chứng nhận an toàn thực phẩm,,,,,\n"
    /* under 50 points: decided, not recognised; round 1 of 2023, which the province has */
    "Đánh giá lần đầu,86-28903-005-2024,10/01/2023,,2023,1,,,45,,,,\n"
    "Nâng hạng,86-28903-001-2021,2023-02-01,,,,Đã rút,,,,,rút trước khi chấm,\n";

static void test_import_archive(void **state) {
    (void)state;
    long long dossiers = total("/api/v1/dossiers?per_page=1"), rounds = total("/api/v1/rounds?per_page=1");
    long long r2023 = total("/api/v1/rounds?province_code=86&year=2023&number=1&per_page=1");
    assert_int_equal(r2023, 1);
    long long filed2021 = indicator("dossiers_filed", "86", "2021-01-01", "2021-12-31");
    long long up2023 = indicator("dossiers_upgrade", "86", "2023-01-01", "2023-12-31");

    /* a dry run writes nothing */
    Resp r = import_as(tinh, ARCHIVE, "?dry_run=true");
    if (r.status != 200) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "created"), 5);
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), dossiers);
    assert_int_equal(total("/api/v1/rounds?per_page=1"), rounds);

    r = import_as(tinh, ARCHIVE, NULL);
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    assert_int_equal(jint(r.json, "created"), 5);
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), dossiers + 5);
    /* they say where they came from, and the lists tell them apart */
    assert_int_equal(total("/api/v1/dossiers?archived=true&per_page=1"), 5);
    assert_int_equal(total("/api/v1/dossiers?archived=false&per_page=1"), dossiers);
    /* rounds 2/2021, 2/2023 and 1/2022 made; 1/2023 joined */
    assert_int_equal(total("/api/v1/rounds?per_page=1"), rounds + 3);
    assert_int_equal(total("/api/v1/rounds?province_code=86&year=2023&number=1&per_page=1"), 1);

    const char *h[] = {tinh, NULL};
    r = http_req_h(&S, h, "GET", "/api/v1/dossiers?province_code=86&sort=filed_on&per_page=100", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    json_t *items = jpath(r.json, "items"), *d, *first = NULL, *rejected = NULL, *low = NULL, *withdrawn = NULL;
    size_t i;
    json_array_foreach(items, i, d) {
        const char *filed = json_string_value(json_object_get(d, "filed_on"));
        if (!filed) continue;
        if (!strcmp(filed, "2021-06-01")) first = d;
        if (!strcmp(filed, "2022-03-01")) rejected = d;
        if (!strcmp(filed, "2023-01-10")) low = d;
        if (!strcmp(filed, "2023-02-01")) withdrawn = d;
    }
    assert_non_null(first);
    assert_string_equal(jstr(first, "state"), "decided");
    assert_string_equal(jstr(first, "kind"), "first");
    assert_int_equal(jint(first, "stars"), 3);
    assert_int_equal(jint(first, "band"), 3);
    assert_string_equal(jstr(first, "result"), "recognized");
    assert_string_equal(jstr(first, "forwarded_on"), "2021-09-15");
    assert_string_equal(jstr(first, "rubric_version"), "148-2023"); /* the oldest sheet ocop holds */
    assert_string_equal(jstr(first, "commune_code"), "28903");
    assert_string_equal(jstr(first, "commune_code_old"), "28940"); /* the product's before 2025, kept */
    assert_true(json_is_true(json_object_get(first, "archived")));
    assert_string_equal(jstr(first, "province_code"), "86");
    assert_string_equal(jstr(first, "note"), "Hồ sơ giấy 2021");
    assert_true(json_is_true(json_object_get(first, "overdue")) == 0);
    assert_int_equal(json_array_size(json_object_get(first, "actions")), 0); /* closed: nothing to do */
    long long rid = jint(first, "round_id"), fid = jint(first, "id");
    assert_non_null(rejected);
    assert_string_equal(jstr(rejected, "state"), "rejected");
    assert_string_equal(jstr(rejected, "knockout_reason"), "Không có giấy chứng nhận an toàn thực phẩm");
    assert_true(!jpath(rejected, "stars") || json_is_null(jpath(rejected, "stars")));
    assert_non_null(low);
    assert_int_equal(jint(low, "stars"), 2);
    assert_string_equal(jstr(low, "result"), "not_recognized");
    assert_non_null(withdrawn);
    assert_string_equal(jstr(withdrawn, "state"), "withdrawn");
    assert_string_equal(jstr(withdrawn, "kind"), "upgrade");
    assert_true(!jpath(withdrawn, "round_id") || json_is_null(jpath(withdrawn, "round_id")));
    resp_free(&r);

    /* the round made for it: Vĩnh Long's, closed, the law's dates of a second round */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/rounds/%lld", rid);
    r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "province_code"), "86");
    assert_int_equal(jint(r.json, "year"), 2021);
    assert_int_equal(jint(r.json, "number"), 2);
    assert_string_equal(jstr(r.json, "state"), "closed");
    assert_string_equal(jstr(r.json, "forward_by"), "2021-10-30");
    assert_string_equal(jstr(r.json, "ends_on"), "2021-12-30");
    assert_string_equal(jstr(r.json, "name"), "Đợt 2 năm 2021");
    assert_int_equal(jint(r.json, "council_id"), 1); /* named in another case */
    resp_free(&r);

    /* the round's report lists it with its score, stars and state in words */
    snprintf(path, sizeof path, "/api/v1/reports/round?round=%lld&format=json", rid);
    r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    body_has(&r, "\"Kết quả đánh giá, phân hạng sản phẩm OCOP đợt 2 năm 2021\"");
    body_has(&r, "\"Đã có quyết định\"");
    body_has(&r, "Kẹo dừa sầu riêng Thanh Long");
    assert_null(strstr(r.body, "\"decided\""));
    resp_free(&r);

    /* its history says where it came from */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/events", fid);
    r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
    assert_string_equal(jstr(r.json, "items.0.action"), "archive");
    assert_string_equal(jstr(r.json, "items.0.to"), "decided");
    assert_string_equal(jstr(r.json, "items.0.user"), "arch_tinh"); /* who imported it */
    resp_free(&r);

    /* the indicators count them from the day they were filed */
    assert_int_equal(indicator("dossiers_filed", "86", "2021-01-01", "2021-12-31"), filed2021 + 1);
    assert_int_equal(indicator("dossiers_upgrade", "86", "2023-01-01", "2023-12-31"), up2023 + 1);

    /* the same file again: duplicates, nothing doubled */
    r = import_as(tinh, ARCHIVE, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "created"), 0);
    assert_int_equal(jint(r.json, "duplicates"), 5);
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), dossiers + 5);

    /* the province's closed dossiers export in the archive's columns and re-import as they are:
    ** every row a duplicate (those ocop decided by their registration number) */
    long long closed = total("/api/v1/dossiers?province_code=86&state=decided&per_page=1");
    r = http_req_h(&S, h, "GET", "/api/v1/dossiers/export?province_code=86&state=decided&format=csv", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    body_has(&r, "Mã sản phẩm");
    body_has(&r, "Năm của đợt");
    body_has(&r, "86-28903-001-2021,Kẹo dừa sầu riêng Thanh Long");
    char *exported = strndup(r.body, r.len);
    resp_free(&r);
    r = import_as(tinh, exported, NULL);
    free(exported);
    if (r.status != 200) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "duplicates"), closed);
    assert_int_equal(jint(r.json, "created"), 0);
    resp_free(&r);

    /* the province's dossier page shows it, its round and where it came from */
    Browser b = {.s = &S};
    browser_sign_in(&b, &S, "arch_tinh", NULL);
    snprintf(path, sizeof path, "/tinh/ho-so/%lld", fid);
    r = browser_get(&b, path);
    assert_int_equal(r.status, 200);
    body_has(&r, "Kẹo dừa sầu riêng Thanh Long");
    body_has(&r, "Đợt 2 năm 2021");
    body_has(&r, "Ghi nhận từ hồ sơ lưu trữ");
    resp_free(&r);
}

/* The numerator of unit's row code in GET path (an indicator with rows), or -1. */
static long long row_of(const char *path, const char *code) {
    const char *h[] = {tinh, NULL};
    Resp r = http_req_h(&S, h, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    long long n = -1;
    size_t i;
    json_t *row;
    json_array_foreach(jpath(r.json, "rows"), i, row) if (!strcmp(jstr(row, "code"), code)) n = jint(row, "numerator");
    if (!code[0]) n = jint(r.json, "numerator");
    resp_free(&r);
    return n;
}

/* The dossiers counted are placed by their product on either map, the same whether the unit is
** the country (read by period) or a province (read from its communes' products). */
static void test_counts_agree(void **state) {
    (void)state;
    long long all = db_value("SELECT count(*) FROM dossiers WHERE filed_on BETWEEN '2020-01-01' AND '2026-12-31'");
    const char *q = "from=2020-01-01&date=2026-12-31";
    char country[200], prov[200], old_country[200], old_prov[200];
    snprintf(country, sizeof country, "/api/v1/indicators/dossiers_filed?%s&geography=2025", q);
    snprintf(prov, sizeof prov, "/api/v1/indicators/dossiers_filed?%s&geography=2025&unit=86", q);
    snprintf(old_country, sizeof old_country, "/api/v1/indicators/dossiers_filed?%s&geography=pre2025", q);
    snprintf(old_prov, sizeof old_prov, "/api/v1/indicators/dossiers_filed?%s&geography=pre2025&unit=83", q);
    assert_true(all > 10);
    assert_int_equal(row_of(country, ""), all);
    assert_int_equal(row_of(old_country, ""), all);
    long long vl = row_of(country, "86"), bt = row_of(old_country, "83");
    assert_true(vl > 0 && bt > 0 && bt <= vl); /* Bến Tre went into Vĩnh Long */
    assert_int_equal(row_of(prov, ""), vl);
    assert_int_equal(row_of(old_prov, ""), bt);
}

/* A 5★ result went to the Ministry: it counts among the dossiers sent there. The CLI imports
** the same way, a dry run writes nothing, and problems come as FILE:ROW:COL. */
static void test_cli(void **state) {
    (void)state;
    const char csv[] = "reg_no,kind,product_code,filed_on,round_year,round_number,avg_score,stars\n"
                       ",upgrade,86-28870-001-2021,2024-02-01,2024,1,91,5\n"
                       "40/PĐK-86-28903-2024,first,86-28903-002-2022,2024-05-01,2024,2,55,\n";
    const char *file = write_file(S.dir, "archive.csv", csv, sizeof csv - 1);
    char *out = NULL, *err = NULL;
    long long before = total("/api/v1/dossiers?per_page=1");
    long long sent = indicator("dossiers_to_ministry", "86", "2024-01-01", "2024-12-31");
    int rc = run_ocop((const char *const[]){"import", "dossiers", file, "--db", S.db, "--dry-run", NULL}, &out, &err);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "would import 2 dossiers"));
    free(out);
    free(err);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), before);
    rc = run_ocop((const char *const[]){"import", "dossiers", file, "--db", S.db, NULL}, &out, &err);
    assert_int_equal(rc, 0);
    free(out);
    free(err);
    assert_int_equal(indicator("dossiers_to_ministry", "86", "2024-01-01", "2024-12-31"), sent + 1);
    /* the Ministry's officers read the dossiers sent to it: in the list and on their own */
    const char *hb[] = {bo, NULL};
    Resp r = http_req_h(&S, hb, "GET", "/api/v1/dossiers?ministry=true&per_page=100", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    long long mid = 0;
    size_t i;
    json_t *d;
    json_array_foreach(jpath(r.json, "items"), i, d) if (!strcmp(jstr(d, "product.code"), "86-28870-001-2021")) mid = jint(d, "id");
    resp_free(&r);
    assert_true(mid > 0);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", mid);
    r = http_req_h(&S, hb, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "ministry_pass"), 2);
    resp_free(&r);
    /* a registration number in ocop's form for the dossier's commune: ocop numbers after it */
    assert_int_equal(db_value("SELECT reg_serial FROM dossiers WHERE reg_no = '40/PĐK-86-28903-2024'"), 40);
    assert_int_equal(db_value("SELECT reg_year FROM dossiers WHERE reg_no = '40/PĐK-86-28903-2024'"), 2024);

    /* the sample of docs/import.md imports as it is (Đồng Tháp's: as an administrator) */
    char sample[512];
    snprintf(sample, sizeof sample, "%s/docs/samples/dossiers-vi.csv", getenv("OCOP_SOURCE"));
    size_t len = 0;
    char *body = read_whole(sample, &len);
    assert_non_null(body);
    r = http_req(&S, "POST", "/api/v1/import/dossiers", "text/csv", body, len);
    free(body);
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    assert_int_equal(jint(r.json, "created"), 4);
    resp_free(&r);

    const char bad[] = "kind,product_code,filed_on,stars\n"
                       "first,86-28903-001-2021,2020-05-01,\n";
    file = write_file(S.dir, "bad.csv", bad, sizeof bad - 1);
    rc = run_ocop((const char *const[]){"import", "dossiers", file, "--db", S.db, NULL}, &out, &err);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(err, "bad.csv:2:4: column D: stars is required for a decided dossier"));
    free(out);
    free(err);
}

/* Every kind of bad row, each named with its column; nothing written. */
static void test_bad_rows(void **state) {
    (void)state;
    long long dossiers = total("/api/v1/dossiers?per_page=1"), rounds = total("/api/v1/rounds?per_page=1");
    static const struct {
        const char *row, *column, *field;
    } cases[] = {
        {"first,86-28903-002-2022,2025-01-02,,,,Đã nộp,,,,", "G", "state"},          /* still in progress */
        {"upgrade,86-28903-002-2022,2021-01-02,,,,,,70,4,", "A", "kind"},            /* not recognised yet */
        {"first,86-28903-002-2022,2025-01-02,,,,rejected,,,,", "H", "knockout_reason"},
        {"first,86-28903-002-2022,2025-01-02,,,,rejected,ATTP,55,,", "I", "avg_score"},
        {"first,86-28903-002-2022,2025-01-02,,,,,,65,4,", "J", "stars"},             /* 65 points: 3★ at most */
        {"first,86-28903-002-2022,2025-01-02,,2025,,,,65,,", "F", "round_number"},   /* a year without a number */
        {"first,86-28903-002-2022,2025-01-02,,2024,1,,,65,,", "E", "round_year"},    /* before it was filed */
        {"first,01-00000-001-2025,2025-01-02,,,,,,65,,", "B", "product_code"},
        {"first,86-28903-002-2022,2099-01-02,,,,,,65,,", "C", "filed_on"},
        {"first,86-28903-002-2022,2025-01-02,2024-12-01,,,,,65,,", "D", "forwarded_on"},
        {"first,42-18673-001-2021,2025-01-02,,,,,,65,,", "B", "product_id"},         /* Hà Tĩnh's: not his */
        {"first,86-28903-002-2022,2025-01-02,,2025,1,,,65,,,Hội đồng không có", "L", "council_name"},
        {"first,86-28903-002-2022,2025-01-02,,,,,,65,,,\"Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Vĩnh Long (demo)\"", "L", "council_name"},
    };
    char csv[4096] = "kind,product_code,filed_on,forwarded_on,round_year,round_number,state,knockout_reason,avg_score,"
                     "stars,to_ministry,council_name\n";
    size_t n = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strcat(csv, cases[i].row);
        strcat(csv, "\n");
        n++;
    }
    Resp r = import_as(tinh, csv, NULL);
    if (r.status != 422) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 422);
    json_t *errs = jpath(r.json, "errors");
    assert_int_equal(json_array_size(errs), n);
    size_t k = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *p = json_array_get(errs, k++);
        if (strcmp(jstr(p, "field"), cases[i].field) || (cases[i].column && strcmp(jstr(p, "column"), cases[i].column)))
            fail_msg("row %zu: expected %s in column %s, got %s", k + 1, cases[i].field, cases[i].column, json_dumps(p, 0));
    }
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), dossiers);
    assert_int_equal(total("/api/v1/rounds?per_page=1"), rounds);

    /* a commune officer files dossiers but does not record the province's archive */
    const char one[] = "kind,product_code,filed_on,stars\nfirst,86-28903-002-2022,2025-01-02,3\n";
    r = import_as(xa, one, NULL);
    expect_status(&r, 403, "kind");
    resp_free(&r);
    /* an unknown column is named with the columns the kind takes */
    const char unknown[] = "kind,product_code,filed_on,stars,colour\nfirst,86-28903-002-2022,2025-01-02,3,red\n";
    r = import_as(tinh, unknown, NULL);
    assert_int_equal(r.status, 422);
    assert_string_equal(jstr(r.json, "errors.0.column"), "E");
    assert_non_null(strstr(jstr(r.json, "errors.0.reason"), "round_year"));
    resp_free(&r);
    /* a missing column */
    const char missing[] = "kind,product_code,stars\nfirst,86-28903-002-2022,3\n";
    r = import_as(tinh, missing, NULL);
    assert_int_equal(r.status, 422);
    assert_string_equal(jstr(r.json, "errors.0.field"), "filed_on");
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), dossiers);
}

/* The province's import page: the kind, its empty template, and a file checked before it is
** written, in Vietnamese. */
static void test_web(void **state) {
    (void)state;
    Browser b = {.s = &S};
    browser_sign_in(&b, &S, "arch_tinh", NULL);
    Resp r = browser_get(&b, "/tinh/nhap");
    expect_page(&r, 200);
    body_has(&r, "<option value=\"dossiers\">Hồ sơ đã đánh giá trước khi dùng ocop (lưu trữ)</option>");
    body_has(&r, "href=\"/tinh/nhap/mau?kind=dossiers\"");
    body_has(&r, "href=\"/tinh/ho-so?format=csv\"");
    resp_free(&r);
    r = browser_get(&b, "/tinh/nhap/mau?kind=dossiers");
    expect_status(&r, 200, NULL);
    assert_non_null(strstr(resp_header_value(&r, "Content-Type"), "text/csv"));
    assert_non_null(strstr(r.body, "Số đăng ký,Loại hồ sơ,Mã sản phẩm,Ngày nộp,Ngày chuyển tỉnh,Năm của đợt,Đợt,Hội đồng,"
                                   "Trạng thái,Lý do loại,Điểm trung bình của Hội đồng,Số sao,Gửi Bộ đánh giá 5 sao,Ghi chú\r\n"));
    resp_free(&r);
    r = browser_get(&b, "/tinh/nhap/mau?kind=dossiers&format=xlsx");
    expect_status(&r, 200, NULL);
    assert_true(r.len > 4 && !memcmp(r.body, "PK", 2));
    resp_free(&r);
    r = browser_get(&b, "/tinh/nhap/mau?kind=plans");
    expect_page(&r, 400);
    body_has(&r, "hãy chọn loại dữ liệu trong tệp");
    resp_free(&r);

    /* the province's list shows the archive apart: the filter "Nguồn hồ sơ" and its counts */
    r = browser_get(&b, "/tinh/ho-so?archived=true");
    expect_page(&r, 200);
    body_has(&r, "Hồ sơ lưu trữ (trước ocop)");
    body_has(&r, "Kẹo dừa sầu riêng Thanh Long");
    body_has(&r, "không ghi nhận số đăng ký · Đánh giá lần đầu · hồ sơ lưu trữ");
    assert_null(strstr(r.body, "Kẹo dừa Bến Tre Xưa")); /* a demo dossier filed in ocop */
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so?archived=false");
    expect_page(&r, 200);
    body_has(&r, "Kẹo dừa Bến Tre Xưa");
    assert_null(strstr(r.body, "hồ sơ lưu trữ</p>"));
    resp_free(&r);

    /* the province's dossiers by filing day; an order the list does not have is named with the
    ** order it is shown in instead */
    r = browser_get(&b, "/tinh/ho-so?sort=-filed_on");
    expect_page(&r, 200);
    resp_free(&r);
    r = browser_get(&b, "/tinh/ho-so?sort=price");
    expect_page(&r, 400);
    body_has(&r, "&quot;price&quot; không phải là cách sắp xếp của danh sách này: danh sách được hiển thị theo thứ tự "
                 "thông thường (Mới nhất trước).");
    resp_free(&r);

    /* the template filled in: one good row, one a dossier still in progress */
    long long before = total("/api/v1/dossiers?per_page=1");
    char body[2048];
    int n = snprintf(body, sizeof body,
                     "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n%s\r\n"
                     "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndossiers\r\n"
                     "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ho-so-cu.csv\"\r\n"
                     "Content-Type: text/csv\r\n\r\n"
                     "Loại hồ sơ,Mã sản phẩm,Ngày nộp,Trạng thái,Số sao\n"
                     "Đánh giá lần đầu,86-28903-002-2022,02/03/2022,,3\n"
                     "Đánh giá lần đầu,86-28903-002-2022,02/03/2025,Xã đang kiểm tra,\n"
                     "\r\n--XyZ--\r\n", b.csrf);
    r = browser_post_multipart(&b, "/tinh/nhap", "XyZ", body, (size_t)n);
    expect_page(&r, 422);
    body_has(&r, "<td>3</td>");
    body_has(&r, "hồ sơ lưu trữ là hồ sơ đã kết thúc");
    body_has(&r, "Chưa ghi dữ liệu nào.");
    resp_free(&r);
    assert_int_equal(total("/api/v1/dossiers?per_page=1"), before);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_archive),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_web),
        cmocka_unit_test(test_counts_agree),
    };
    return cmocka_run_group_tests(tests, setup_group, teardown);
}
