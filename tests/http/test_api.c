/*
** test_api.c: the JSON API over real HTTP against the real binary with the demo data:
** transport behaviour (errors as problem documents, limits, keep-alive, metrics, shutdown),
** units, the registry's CRUD with validation, search and statistics.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static Server S;

static int setup(void **state) {
    srv_prepare(&S, true);
    srv_as_admin(&S);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    assert_int_equal(srv_stop(&S), 0); /* graceful shutdown exits 0 */
    char *log = read_whole(S.log, NULL);
    assert_non_null(strstr(log, "SIGTERM received"));
    assert_non_null(strstr(log, "route=products.get"));     /* one logfmt line per request */
    free(log);
    srv_cleanup(&S);
    return 0;
}

static void assert_problem(Resp *r, long status, const char *field) {
    if (r->status != status) fprintf(stderr, "body: %s\n", r->body);
    assert_int_equal(r->status, status);
    assert_non_null(r->json);
    assert_int_equal(jint(r->json, "status"), status);
    assert_string_equal(resp_header_value(r, "Content-Type"), "application/problem+json");
    assert_true(strlen(jstr(r->json, "detail")) > 5);
    if (field) assert_string_equal(jstr(r->json, "field"), field);
}

static void test_transport(void **state) {
    Resp r = http_get(&S, "/healthz");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "status"), "ok");
    resp_free(&r);

    r = http_get(&S, "/api/v1/nothing-here");
    assert_problem(&r, 404, NULL);
    resp_free(&r);

    r = http_req(&S, "DELETE", "/api/v1/units", NULL, NULL, 0);
    assert_problem(&r, 405, NULL);
    assert_non_null(strstr(resp_header_value(&r, "Allow"), "GET"));
    resp_free(&r);

    r = http_get(&S, "/api/v1/units?levle=province");
    assert_problem(&r, 400, "levle");
    resp_free(&r);

    r = http_get(&S, "/api/v1/products?colour=red");
    assert_problem(&r, 400, "colour");
    resp_free(&r);

    /* invalid JSON names line and column */
    r = http_json(&S, "POST", "/api/v1/villages", "{\"name\": \"x\",\n \"commune_code\": }");
    assert_problem(&r, 400, "body");
    assert_non_null(strstr(jstr(r.json, "detail"), "line 2"));
    resp_free(&r);

    /* duplicate keys are refused */
    r = http_json(&S, "POST", "/api/v1/villages", "{\"name\": \"x\", \"name\": \"y\", \"commune_code\": \"28903\"}");
    assert_problem(&r, 400, "body");
    resp_free(&r);

    r = http_req(&S, "POST", "/api/v1/villages", "text/plain", "name=x", 6);
    assert_problem(&r, 415, NULL);
    resp_free(&r);

    /* a body over the 1 MiB limit: 413, and the server keeps serving */
    size_t big = 2u << 20;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    r = http_req(&S, "POST", "/api/v1/villages", "application/json", huge, big);
    assert_problem(&r, 413, "body");
    resp_free(&r);
    free(huge);
    r = http_get(&S, "/healthz");
    assert_int_equal(r.status, 200);
    resp_free(&r);

    r = http_get(&S, "/metrics");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "ocop_http_requests_total{route=\"healthz\",status=\"200\"}"));
    assert_non_null(strstr(r.body, "ocop_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
    assert_non_null(strstr(r.body, "status=\"413\""));
    resp_free(&r);
}

static void test_units(void **state) {
    Resp r = http_get(&S, "/api/v1/units?level=province");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "total"), 34);
    resp_free(&r);

    r = http_get(&S, "/api/v1/units?level=province&date=2024-01-01");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "total"), 63);
    resp_free(&r);

    r = http_get(&S, "/api/v1/units/83/children?date=2022-07-18");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "total"), 9); /* Bến Tre's districts */
    resp_free(&r);

    /* "which province was this commune in on 2023-05-15, and which unit is it now?" */
    r = http_get(&S, "/api/v1/units/28940?date=2023-05-15");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "province.code"), "83");
    assert_non_null(strstr(r.body, "28903")); /* successor: Xã Mỏ Cày */
    resp_free(&r);

    r = http_get(&S, "/api/v1/units/83?date=2026-01-01");
    assert_problem(&r, 404, NULL);
    resp_free(&r);

    r = http_get(&S, "/api/v1/units?level=province&date=2023-02-30");
    assert_problem(&r, 400, "date");
    resp_free(&r);
}

static void test_producers_crud(void **state) {
    Resp r = http_json(&S, "POST", "/api/v1/producers",
                       "{\"type\": \"cooperative\", \"name\": \"  Hợp tác xã  Dừa Sáp Cầu Kè \", \"reg_no\": \"1500 111 222\","
                       " \"tax_code\": \"1500111222\", \"commune_code\": \"29110\", \"rep_gender\": \"female\","
                       " \"rep_ethnic_minority\": true, \"email\": \"htx@example.vn\", \"channels\": [\"zalo\", \"ecommerce\"]}");
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    assert_true(id > 0);
    assert_string_equal(jstr(r.json, "name"), "Hợp tác xã Dừa Sáp Cầu Kè"); /* cleaned */
    assert_string_equal(jstr(r.json, "reg_no"), "1500111222");
    assert_string_equal(jstr(r.json, "channels.0"), "ecommerce");            /* sorted set */
    assert_string_equal(jstr(r.json, "commune.province_code"), "86");
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/producers/%lld", id);
    assert_string_equal(resp_header_value(&r, "Location"), loc);
    resp_free(&r);

    /* the same registration number again: conflict */
    r = http_json(&S, "POST", "/api/v1/producers",
                  "{\"type\": \"llc\", \"name\": \"Khác\", \"reg_no\": \"1500111222\", \"commune_code\": \"29110\"}");
    assert_problem(&r, 409, "reg_no");
    resp_free(&r);

    /* every bad field is listed */
    r = http_json(&S, "POST", "/api/v1/producers",
                  "{\"type\": \"company\", \"commune_code\": \"99999\", \"email\": \"nope\", \"colour\": 1}");
    assert_problem(&r, 422, NULL);
    assert_true(json_array_size(jpath(r.json, "errors")) >= 4);
    assert_non_null(strstr(r.body, "\"field\":\"colour\""));
    assert_non_null(strstr(r.body, "\"field\":\"name\""));
    resp_free(&r);

    r = http_json(&S, "POST", "/api/v1/producers", "{\"type\": \"farm\", \"name\": \"X\", \"commune_code\": \"99999\"}");
    assert_problem(&r, 422, "commune_code");
    resp_free(&r);

    r = http_json(&S, "PATCH", loc, "{\"phone\": \"0912 000 111\", \"rep_disability\": true}");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "phone"), "0912 000 111");
    assert_true(json_is_true(jpath(r.json, "rep_disability")));
    assert_string_equal(jstr(r.json, "email"), "htx@example.vn"); /* untouched */
    resp_free(&r);

    r = http_json(&S, "PATCH", loc, "{\"id\": 5}");
    assert_problem(&r, 422, "id");
    resp_free(&r);

    r = http_get(&S, "/api/v1/producers?province=86&type=cooperative&sort=-name&per_page=2");
    assert_int_equal(r.status, 200);
    assert_true(jint(r.json, "total") >= 3);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 2);
    resp_free(&r);

    r = http_get(&S, "/api/v1/producers?sort=colour");
    assert_problem(&r, 400, "sort");
    resp_free(&r);

    r = http_get(&S, "/api/v1/producers?q=dua%20sap%20cau");
    assert_int_equal(jint(r.json, "total"), 1);
    resp_free(&r);

    /* PUT replaces: what it leaves out is emptied; required fields must be there */
    r = http_json(&S, "PUT", loc, "{\"type\": \"cooperative\", \"name\": \"HTX Dừa Sáp\", \"commune_code\": \"29110\"}");
    assert_int_equal(r.status, 200);
    assert_true(json_is_null(jpath(r.json, "email")));
    assert_true(json_is_null(jpath(r.json, "reg_no")));
    resp_free(&r);
    r = http_json(&S, "PUT", loc, "{\"name\": \"HTX Dừa Sáp\"}");
    assert_problem(&r, 422, NULL);
    resp_free(&r);

    r = http_get(&S, "/api/v1/recognitions?q=x");
    assert_problem(&r, 400, "q");
    resp_free(&r);

    r = http_req(&S, "DELETE", loc, NULL, NULL, 0);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    r = http_get(&S, loc);
    assert_problem(&r, 404, "id");
    resp_free(&r);

    /* a producer with products cannot be deleted */
    r = http_req(&S, "DELETE", "/api/v1/producers/1", NULL, NULL, 0);
    assert_problem(&r, 409, NULL);
    resp_free(&r);
}

static void test_products_and_recognitions(void **state) {
    Resp r = http_json(&S, "POST", "/api/v1/products",
                       "{\"name\": \"Kẹo dừa cacao\", \"set_no\": 7, \"producer_id\": 1, \"gtin\": \"8936012340051\"}");
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    const char *code = jstr(r.json, "code");
    /* numbered after the commune's 8 products: 3 of the CSV files, 5 the demo recognised (README) */
    assert_true(strncmp(code, "86-28903-009-", 13) == 0);
    assert_string_equal(jstr(r.json, "commune_code"), "28903");  /* the producer's commune */
    resp_free(&r);

    r = http_json(&S, "POST", "/api/v1/products", "{\"name\": \"X\", \"set_no\": 27, \"producer_id\": 1}");
    assert_problem(&r, 422, "set_no");
    resp_free(&r);
    r = http_json(&S, "POST", "/api/v1/products", "{\"name\": \"X\", \"set_no\": 7, \"producer_id\": 1, \"gtin\": \"8936012340052\"}");
    assert_problem(&r, 422, "gtin");
    resp_free(&r);
    r = http_json(&S, "POST", "/api/v1/products", "{\"name\": \"X\", \"set_no\": 7, \"producer_id\": 9999}");
    assert_problem(&r, 422, "producer_id");
    resp_free(&r);
    r = http_json(&S, "POST", "/api/v1/products", "{\"name\": \"KẸO DỪA CACAO\", \"set_no\": 7, \"producer_id\": 1}");
    assert_problem(&r, 409, NULL);
    resp_free(&r);

    char body[256];
    snprintf(body, sizeof body, "{\"product_id\": %lld, \"stars\": 4, \"decision_no\": \"99/QĐ-UBND\", \"decision_date\": \"2025-10-01\", \"score\": 75.5}", id);
    r = http_json(&S, "POST", "/api/v1/recognitions", body);
    assert_int_equal(r.status, 201);
    assert_string_equal(jstr(r.json, "expires_on"), "2028-10-01"); /* 36 months */
    assert_string_equal(jstr(r.json, "level"), "province");
    assert_string_equal(jstr(r.json, "state"), "valid");
    resp_free(&r);

    snprintf(body, sizeof body, "{\"product_id\": %lld, \"stars\": 5, \"level\": \"province\", \"decision_no\": \"100/QĐ\", \"decision_date\": \"2025-10-01\"}", id);
    r = http_json(&S, "POST", "/api/v1/recognitions", body);
    assert_problem(&r, 422, "level");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"product_id\": %lld, \"stars\": 5, \"level\": \"ministry\", \"decision_no\": \"101/QĐ\", \"decision_date\": \"2025-10-01\", \"score\": 80}", id);
    r = http_json(&S, "POST", "/api/v1/recognitions", body);
    assert_problem(&r, 422, "score");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"product_id\": %lld, \"stars\": 3, \"level\": \"district\", \"decision_no\": \"102/QĐ\", \"decision_date\": \"2025-10-01\"}", id);
    r = http_json(&S, "POST", "/api/v1/recognitions", body);
    assert_problem(&r, 422, "level");
    resp_free(&r);

    char path[64];
    snprintf(path, sizeof path, "/api/v1/products/%lld", id);
    r = http_get(&S, path);
    assert_int_equal(jint(r.json, "stars"), 4);
    resp_free(&r);
    r = http_req(&S, "DELETE", path, NULL, NULL, 0);
    assert_problem(&r, 409, NULL); /* recognitions are on record */
    resp_free(&r);

    /* PUT without the code keeps the official code; a code of another commune is refused */
    r = http_json(&S, "PUT", path, "{\"name\": \"Kẹo dừa cacao\", \"set_no\": 7, \"producer_id\": 1}");
    assert_int_equal(r.status, 200);
    assert_true(strncmp(jstr(r.json, "code"), "86-28903-009-", 13) == 0);
    char ocode[32], loose[48];
    snprintf(ocode, sizeof ocode, "%s", jstr(r.json, "code"));
    snprintf(loose, sizeof loose, "{\"code\": \"86-28903-9-%s\"}", ocode + 13);
    resp_free(&r);
    r = http_json(&S, "PATCH", path, "{\"code\": \"01-00004-001-2025\"}");
    assert_problem(&r, 422, "code");
    resp_free(&r);
    /* the product is recognised: its official code does not change any more */
    r = http_json(&S, "PATCH", path, "{\"code\": \"86-28903-9-2025\"}");
    assert_problem(&r, 409, "code");
    resp_free(&r);
    r = http_json(&S, "PATCH", path, loose);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "code"), ocode); /* canonical STT: the same code */
    resp_free(&r);

    /* a producer known only by its pre-2025 commune (which went to exactly one new commune) */
    r = http_json(&S, "POST", "/api/v1/producers", "{\"type\": \"farm\", \"name\": \"Trang trại Định Yên\", \"commune_code_old\": \"30199\"}");
    assert_int_equal(r.status, 201);
    assert_string_equal(jstr(r.json, "commune_code"), "30226");
    resp_free(&r);
    r = http_json(&S, "POST", "/api/v1/producers", "{\"type\": \"farm\", \"name\": \"Trang trại không xã\"}");
    assert_problem(&r, 422, "commune_code");
    resp_free(&r);

    r = http_get(&S, "/api/v1/producers?channels=fax");
    assert_problem(&r, 400, "channels");
    resp_free(&r);
    r = http_get(&S, "/api/v1/producers/export?page=2");
    assert_problem(&r, 400, "page");
    resp_free(&r);

    r = http_get(&S, "/api/v1/recognitions?valid_on=2023-06-30&province=86");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "total"), 7);
    resp_free(&r);
}

static void test_search(void **state) {
    struct {
        const char *q, *title;
    } cases[] = {
        {"nuoc%20mam%20lang%20xua", "Nước mắm Làng Xưa"},
        {"dac%20san", "Đặc sản mắm tôm chua Làng Xưa"},
        {"dau%20xanh", "Bánh đậu xanh Làng Xưa"},
        {"%C4%90%E1%BA%B6C%20S%E1%BA%A2N", "Đặc sản mắm tôm chua Làng Xưa"}, /* ĐẶC SẢN */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/search?q=%s", cases[i].q);
        Resp r = http_get(&S, path);
        assert_int_equal(r.status, 200);
        assert_string_equal(jstr(r.json, "items.0.title"), cases[i].title);
        assert_non_null(strstr(jstr(r.json, "items.0.highlight"), "<mark>"));
        resp_free(&r);
    }
    Resp r = http_get(&S, "/api/v1/search?q=%22NEAR(");
    assert_true(r.status == 200 || r.status == 400);
    resp_free(&r);
    r = http_get(&S, "/api/v1/search?q=");
    assert_problem(&r, 400, "q");
    resp_free(&r);
}

/* The certificates of the demo's own decisions (all in Mỏ Cày, 86) of stars (0: any) in force on
** date, as the statistics count them: the demo dates them back from the real day (README), so
** what they add to the CSV files' figures on a fixed date depends on the day the tests run. */
static long long demo_certs_on(const char *date, int stars) {
    Resp r = http_get(&S, "/api/v1/certificates?province=86&per_page=100");
    assert_int_equal(r.status, 200);
    long long n = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r.json, "items"), i, c) {
        const char *issued = json_string_value(json_object_get(c, "issued_on"));
        const char *expires = json_string_value(json_object_get(c, "expires_on"));
        const char *ended = json_string_value(json_object_get(c, "ended_on"));
        n += strcmp(issued, date) <= 0 && strcmp(expires, date) > 0 && (!ended || strcmp(ended, date) > 0) &&
             (!stars || json_integer_value(json_object_get(c, "stars")) == stars);
    }
    resp_free(&r);
    return n;
}

static void test_stats(void **state) {
    /* Bến Tre in the old geography, mid-2023: see data/demo/recognitions.csv */
    Resp r = http_get(&S, "/api/v1/stats?unit=83&date=2023-06-30");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "products.total"), 7);
    assert_int_equal(jint(r.json, "products.by_stars.3"), 4);
    assert_int_equal(jint(r.json, "products.by_stars.4"), 3);
    assert_int_equal(jint(r.json, "producers.total"), 5);
    assert_int_equal(jint(r.json, "communes.total"), 157);
    assert_int_equal(jint(r.json, "communes.with_products"), 5);
    assert_true(json_real_value(jpath(r.json, "communes.percent")) > 3.179 &&
                json_real_value(jpath(r.json, "communes.percent")) < 3.181);
    resp_free(&r);

    r = http_get(&S, "/api/v1/stats?unit=86&date=2026-01-01");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "products.by_stars.5"), 1 + demo_certs_on("2026-01-01", 5));
    assert_int_equal(jint(r.json, "communes.total"), 124);
    resp_free(&r);

    /* more products than communes: Xã Mỏ Cày's three products count one commune */
    r = http_get(&S, "/api/v1/stats?unit=28903&date=2025-08-01");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "products.total"), 3 + demo_certs_on("2025-08-01", 0));
    assert_int_equal(jint(r.json, "communes.with_products"), 1);
    resp_free(&r);

    /* one commune */
    r = http_get(&S, "/api/v1/stats?unit=28903&date=2026-01-01");
    assert_int_equal(r.status, 200);
    assert_int_equal(jint(r.json, "communes.total"), 1);
    resp_free(&r);

    r = http_get(&S, "/api/v1/stats?unit=83&date=2026-01-01");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = http_get(&S, "/api/v1/stats?date=2026-01-01");
    assert_problem(&r, 400, "unit");
    resp_free(&r);
}

static void test_photos(void **state) {
    size_t png_n;
    char *png = test_png(8, 6, 200, &png_n);
    Resp r = http_req(&S, "POST", "/api/v1/products/2/photos?filename=keo-dua.png", "image/png", png, png_n);
    assert_int_equal(r.status, 201);
    char url[128];
    snprintf(url, sizeof url, "%s", jstr(r.json, "url"));
    assert_int_equal(strlen(jstr(r.json, "sha256")), 64);
    resp_free(&r);
    /* the same bytes again: not doubled */
    r = http_req(&S, "POST", "/api/v1/products/2/photos", "image/png", png, png_n);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    r = http_get(&S, url);
    assert_int_equal(r.status, 200);
    /* kept as re-encoded (tests/http/test_images.c), not as sent */
    assert_string_equal(resp_header_value(&r, "Content-Type"), "image/jpeg");
    assert_memory_equal(r.body, "\xff\xd8\xff", 3);
    resp_free(&r);
    r = http_get(&S, "/api/v1/products/2");
    assert_int_equal(json_array_size(jpath(r.json, "photos")), 1);
    assert_string_equal(jstr(r.json, "photos.0.filename"), "keo-dua.png");
    resp_free(&r);
    /* not an image, or not the type it claims */
    r = http_req(&S, "POST", "/api/v1/products/2/photos", "image/png", "<svg/>", 6);
    assert_problem(&r, 422, "body");
    resp_free(&r);
    r = http_req(&S, "POST", "/api/v1/products/2/photos", "image/jpeg", png, png_n);
    assert_problem(&r, 415, "Content-Type");
    resp_free(&r);
    r = http_req(&S, "POST", "/api/v1/products/9999/photos", "image/png", png, png_n);
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    r = http_get(&S, "/files/0000000000000000000000000000000000000000000000000000000000000000");
    assert_problem(&r, 404, NULL);
    resp_free(&r);
    char del[200];
    snprintf(del, sizeof del, "/api/v1/products/2/photos/%s", url + 7);
    r = http_req(&S, "DELETE", del, NULL, NULL, 0);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    free(png);
}

/* The single-product GET is served from a per-worker cache: any committed change, through
** the API or by another process on the same database file, must show on the next GET. */
static void test_product_cache(void **state) {
    for (int i = 0; i < 4; i++) { /* warm both workers' caches */
        Resp r = http_get(&S, "/api/v1/products/4");
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    Resp r = http_json(&S, "PATCH", "/api/v1/products/4", "{\"description\": \"Mô tả mới\"}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < 4; i++) {
        r = http_get(&S, "/api/v1/products/4");
        assert_string_equal(jstr(r.json, "description"), "Mô tả mới");
        resp_free(&r);
    }
    /* a change to the producer shows in the product's output too */
    r = http_json(&S, "PATCH", "/api/v1/producers/3", "{\"name\": \"HTX Bưởi da xanh Chợ Lách (mới)\"}");
    assert_int_equal(r.status, 200);
    resp_free(&r);
    for (int i = 0; i < 4; i++) {
        r = http_get(&S, "/api/v1/products/4");
        assert_string_equal(jstr(r.json, "producer_name"), "HTX Bưởi da xanh Chợ Lách (mới)");
        resp_free(&r);
    }
    /* another process writes to the database file */
    const char csv[] = "product_code,stars,level,decision_no,decision_date,score\n86-28870-001-2021,5,ministry,777/QĐ-BNN,2026-10-01,95\n";
    const char *path = write_file(S.dir, "rec.csv", csv, sizeof csv - 1);
    char p[512];
    snprintf(p, sizeof p, "%s", path);
    const char *imp[] = {"import", "recognitions", p, "--db", S.db, NULL};
    char *out = NULL, *err = NULL;
    assert_int_equal(run_ocop(imp, &out, &err), 0);
    free(out);
    free(err);
    for (int i = 0; i < 4; i++) {
        r = http_get(&S, "/api/v1/products/4");
        assert_string_equal(jstr(r.json, "recognition.decision_no"), "777/QĐ-BNN");
        resp_free(&r);
    }
}

/* ocop backup on the database the server is serving: a consistent, self-contained copy. */
static void test_backup_while_serving(void **state) {
    char dest[512];
    char dest_db[600];
    snprintf(dest, sizeof dest, "%s/live-backup", S.dir);
    snprintf(dest_db, sizeof dest_db, "%s/ocop.db", dest);
    const char *args[] = {"backup", dest, "--db", S.db, NULL};
    char *out = NULL, *err = NULL;
    Resp r = http_get(&S, "/api/v1/products?per_page=1");
    long long n = jint(r.json, "total");
    resp_free(&r);
    assert_int_equal(run_ocop(args, &out, &err), 0);
    free(out);
    free(err);
    const char *count[] = {"export", "products", "--db", dest_db, NULL};
    assert_int_equal(run_ocop(count, &out, &err), 0);
    long long lines = 0;
    for (const char *p = out; *p; p++) lines += *p == '\n';
    assert_int_equal(lines, n + 1); /* header + every product */
    free(out);
    free(err);
    r = http_get(&S, "/healthz");
    assert_int_equal(r.status, 200);
    resp_free(&r);
}

/* A product numbered by ocop does not take a code issued under the same (T)-(X)- on the old map:
** Hà Nội's old commune 00664 went partly into the 2025 commune 00640, where a product keeps its
** code 01-00664-024-2019; the next product of the 2025 commune 00664 is numbered 025 (not 001). */
static void test_numbering_after_old_codes(void **state) {
    (void)state;
    Resp r = http_json(&S, "POST", "/api/v1/producers",
                       "{\"type\": \"cooperative\", \"name\": \"HTX mã cũ\", \"commune_code\": \"00640\", "
                       "\"commune_code_old\": \"00664\"}");
    assert_int_equal(r.status, 201);
    long long p1 = jint(r.json, "id");
    resp_free(&r);
    char body[300];
    snprintf(body, sizeof body, "{\"name\": \"Bánh cốm mã cũ\", \"set_no\": 6, \"producer_id\": %lld, "
                                "\"commune_code\": \"00640\", \"commune_code_old\": \"00664\", \"code\": \"01-00664-024-2019\"}", p1);
    r = http_json(&S, "POST", "/api/v1/products", body);
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    resp_free(&r);
    r = http_json(&S, "POST", "/api/v1/producers",
                  "{\"type\": \"household\", \"name\": \"Hộ mã mới\", \"commune_code\": \"00664\"}");
    assert_int_equal(r.status, 201);
    long long p2 = jint(r.json, "id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"name\": \"Giò chả mã mới\", \"set_no\": 8, \"producer_id\": %lld}", p2);
    r = http_json(&S, "POST", "/api/v1/products", body);
    if (r.status != 201) fprintf(stderr, "%s\n", r.body);
    assert_int_equal(r.status, 201);
    assert_true(strncmp(jstr(r.json, "code"), "01-00664-025-", 13) == 0);
    resp_free(&r);
    /* and a pre-2025 commune that did not go into the 2025 one is refused, naming it */
    r = http_json(&S, "POST", "/api/v1/producers",
                  "{\"type\": \"household\", \"name\": \"Hộ sai xã\", \"commune_code\": \"28756\", \"commune_code_old\": \"00664\"}");
    assert_problem(&r, 422, "commune_code_old");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transport),
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_producers_crud),
        cmocka_unit_test(test_products_and_recognitions), cmocka_unit_test(test_numbering_after_old_codes),
        cmocka_unit_test(test_search),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_photos),
        cmocka_unit_test(test_product_cache),
        cmocka_unit_test(test_backup_while_serving),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
