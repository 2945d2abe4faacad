/*
** test_decision.c: decisions, certificates and their lifecycle, end to end over HTTP on the demo
** data. Dossiers of Vĩnh Long products go through the procedure and the demo council's scoring
** (chair and member submit the same sheet, the chair closes), the province's officer records
** the decision; then the certificate is checked everywhere it shows: the recognition in the
** registry, the JSON, the PDF's text (pdftotext), `ocop cert verify` on the PDF and on the
** verification page, the page's live state through revocation, supersession by an upgrade and
** expiry (`ocop lifecycle run`). Every refusal of the "bad input" list is checked too.
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
#include <time.h>

#include "harness.h"
#include "util.h"

/* The decisions the demo made itself (README): 4 of Vĩnh Long, and 1 of the Ministry. */
#define DEMO_DECISIONS_86 4

static Server S;
static char *t_province, *t_commune, *t_chair, *t_member, *t_admin, *t_other_province, *t_other_commune;
static long long round_id;
static char today[11], year[5];
/* Shared between the tests, in order: the first decision's certificates (products 2 and 3). */
static char cert_p2[40], cert_p3[40];

static Resp as(const char *token, const char *method, const char *path, const char *json) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token ? token : "");
    const char *hs[] = {token ? h : NULL, NULL};
    return http_req_h(&S, hs, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

/* The request answers status; its body (JSON) is returned for more checks. */
static Resp call(const char *token, const char *method, const char *path, const char *json, long status, const char *field) {
    Resp r = as(token, method, path, json);
    expect_status(&r, status, field);
    return r;
}

static void ok(const char *token, const char *method, const char *path, const char *json) {
    Resp r = call(token, method, path, json, 200, NULL);
    resp_free(&r);
}

static void date_plus_days(const char *date, int days, char out[11]) {
    struct tm tm = {0};
    sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
    tm.tm_year -= 1900, tm.tm_mon -= 1, tm.tm_hour = 12;
    time_t t = timegm(&tm) + (time_t)days * 86400;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Set certificate cert_no's expires_on, straight in the database (as time passing would). */
static void cert_set_expiry(const char *cert_no, const char *on) {
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE certificates SET expires_on = '%s' WHERE cert_no = '%s'", on, cert_no);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_close(db);
}

/* Certificate cert_no expires days from today. */
static void cert_expires_in(const char *cert_no, int days) {
    char on[11];
    date_plus_days(today, days, on);
    cert_set_expiry(cert_no, on);
}

static int setup(void **state) {
    (void)state;
    time_t now = time(NULL) + 7 * 3600; /* Vietnam's date, as ocop counts it */
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    snprintf(year, sizeof year, "%.4s", today);
    srv_prepare(&S, true);
    const char *admin[] = {"admin", NULL}, *ag[] = {"province:91", NULL}, *cl[] = {"commune:28870", NULL};
    srv_user(&S, "root", admin);
    srv_user(&S, "tinh.angiang", ag);
    srv_user(&S, "xa.cholach", cl);
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    t_commune = srv_token(&S, "xa.mocay", "write");
    t_chair = srv_token(&S, "hd.chutich", "write");
    t_member = srv_token(&S, "hd.thanhvien", "write");
    t_admin = srv_token(&S, "root", "write");
    t_other_province = srv_token(&S, "tinh.angiang", "write");
    t_other_commune = srv_token(&S, "xa.cholach", "write");
    /* The demo made the keys of Vĩnh Long (86) and of the Ministry (bo). */
    srv_start(&S);
    char body[256];
    snprintf(body, sizeof body, "{\"province_code\": \"86\", \"year\": %s, \"number\": 7, \"forward_by\": \"%s-12-31\", "
                                "\"ends_on\": \"%s-12-31\", \"council_id\": 1}", year, year, year);
    Resp r = call(t_province, "POST", "/api/v1/rounds", body, 201, NULL);
    round_id = jint(r.json, "id");
    resp_free(&r);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    free(t_province), free(t_commune), free(t_chair), free(t_member), free(t_admin), free(t_other_province);
    free(t_other_commune);
    return 0;
}

/* ---- getting dossiers to "scored" -------------------------------------------------------------- */

/* A dossier of product (kind), taken by the administrator through the procedure into the round. */
static long long dossier_in_round(int product, const char *kind) {
    char body[256], path[128];
    snprintf(body, sizeof body, "{\"kind\": \"%s\", \"product_id\": %d}", kind, product);
    Resp r = call(t_province, "POST", "/api/v1/dossiers", body, 201, NULL);
    long long id = jint(r.json, "id");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    ok(t_admin, "PUT", path, "{\"choices\": {}}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    ok(t_admin, "POST", path, "{\"action\": \"submit\"}");
    ok(t_admin, "POST", path, "{\"action\": \"receive\"}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/commune-report", id);
    ok(t_admin, "PUT", path, "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, "
                             "\"idea\": {\"met\": true}, \"identity\": {\"met\": true}}}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    ok(t_admin, "POST", path, "{\"action\": \"forward\"}");
    ok(t_province, "POST", path, "{\"action\": \"check\"}");
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round_id);
    ok(t_province, "POST", path, body);
    return id;
}

static int points(json_t *opt) { return (int)json_integer_value(json_object_get(opt, "points")); }

/* Choices on the dossier's sheet worth at least target points (and less than target + 6) that
** meet the minimums of stars; break_min: one criterion is left below its 3★ mark. */
static char *choices_for(long long dossier, int stars, int target, bool break_min) {
    char path[128];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", dossier);
    Resp d = call(t_admin, "GET", path, NULL, 200, NULL);
    snprintf(path, sizeof path, "/api/v1/rubrics/%s/sets/%lld", jstr(d.json, "rubric_version"), jint(d.json, "set_no"));
    resp_free(&d);
    Resp sheet = call(NULL, "GET", path, NULL, 200, NULL);
    json_t *ls = json_array();
    sheet_leaves(sheet.json, ls);
    size_t n = json_array_size(ls), i;
    int *pick = calloc(n, sizeof *pick), *top = calloc(n, sizeof *top), total = 0;
    bool *fixed = calloc(n, sizeof *fixed), broken = false;
    for (i = 0; i < n; i++) {
        json_t *opts = json_object_get(json_array_get(ls, i), "options"), *o;
        size_t k;
        int low = -1, mark = -1;
        json_array_foreach(opts, k, o) {
            json_t *ms = json_object_get(o, "min_star");
            if (low < 0 || points(o) < points(json_array_get(opts, (size_t)low))) low = (int)k;
            if (top[i] == 0 || points(o) > points(json_array_get(opts, (size_t)top[i]))) top[i] = (int)k;
            if (json_is_integer(ms) && json_integer_value(ms) <= stars &&
                (mark < 0 || points(o) > points(json_array_get(opts, (size_t)mark))))
                mark = (int)k;
        }
        pick[i] = mark >= 0 ? mark : low;
        if (break_min && !broken && mark >= 0 && points(json_array_get(opts, (size_t)low)) < points(json_array_get(opts, (size_t)mark))) {
            pick[i] = low;
            fixed[i] = broken = true;
        }
        total += points(json_array_get(opts, (size_t)pick[i]));
    }
    for (i = 0; i < n && total < target; i++) {
        if (fixed[i]) continue;
        json_t *opts = json_object_get(json_array_get(ls, i), "options");
        total += points(json_array_get(opts, (size_t)top[i])) - points(json_array_get(opts, (size_t)pick[i]));
        pick[i] = top[i];
    }
    json_t *ch = json_object();
    for (i = 0; i < n; i++) json_object_set_new(ch, json_string_value(json_object_get(json_array_get(ls, i), "code")), json_integer(pick[i]));
    json_t *body = json_pack("{s:o}", "choices", ch);
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    json_decref(ls);
    resp_free(&sheet);
    free(pick), free(top), free(fixed);
    return s;
}

/* The council member of token submits the sheet {"choices": ...}. */
static void submit_sheet(const char *token, long long id, const char *choices) {
    char path[128];
    json_t *in = json_loads(choices, 0, NULL);
    json_object_set_new(in, "submit", json_true());
    char *body = json_dumps(in, JSON_COMPACT);
    json_decref(in);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", id);
    ok(token, "PUT", path, body);
    free(body);
}

static void close_scoring(long long id) {
    char path[128];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", id);
    ok(t_chair, "POST", path, "{}");
}

/* Chair and member submit the same sheet; the chair closes. */
static void score(long long id, const char *choices) {
    submit_sheet(t_chair, id, choices);
    submit_sheet(t_member, id, choices);
    close_scoring(id);
}

/* The Ministry's council (made once) scores dossier id, which the province scored 5★: about
** target points. The dossier ends "ministry_scored". */
static void ministry_scores(long long id, int target) {
    static char *t_bo_chair, *t_bo_member;
    static long long bo_round;
    char path[128], body[256];
    if (!bo_round) {
        Resp r = call(t_admin, "POST", "/api/v1/councils", "{\"name\": \"Hội đồng cấp quốc gia (thử)\", \"level\": \"ministry\"}",
                      201, NULL);
        long long council = jint(r.json, "id");
        resp_free(&r);
        char chair[32], member[32];
        snprintf(chair, sizeof chair, "council_chair:%lld", council);
        snprintf(member, sizeof member, "council_member:%lld", council);
        const char *rc[] = {chair, NULL}, *rm[] = {member, NULL};
        srv_user(&S, "bo2.chutich", rc); /* bo.* are the demo's Ministry council */
        srv_user(&S, "bo2.thanhvien", rm);
        t_bo_chair = srv_token(&S, "bo2.chutich", "write");
        t_bo_member = srv_token(&S, "bo2.thanhvien", "write");
        /* A province officer cannot open a Ministry round. */
        snprintf(body, sizeof body, "{\"province_code\": \"bo\", \"year\": 2026, \"number\": 1, \"forward_by\": \"2026-12-31\", "
                                    "\"ends_on\": \"2026-12-31\", \"council_id\": %lld}", council);
        r = call(t_province, "POST", "/api/v1/rounds", body, 403, NULL);
        resp_free(&r);
        r = call(t_admin, "POST", "/api/v1/rounds", body, 201, NULL);
        bo_round = jint(r.json, "id");
        resp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    ok(t_province, "POST", path, "{\"action\": \"send_to_ministry\"}");
    snprintf(body, sizeof body, "{\"action\": \"assign_ministry\", \"round_id\": %lld}", bo_round);
    Resp r = call(t_province, "POST", path, body, 403, "action"); /* the Ministry's step */
    resp_free(&r);
    ok(t_admin, "POST", path, body);
    /* The province's council still reads the dossier it scored; the Ministry's council too. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = call(t_chair, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "province_round_id"), round_id);
    resp_free(&r);
    r = call(t_bo_member, "GET", path, NULL, 200, NULL);
    resp_free(&r);
    char *ch = choices_for(id, 5, target, false);
    submit_sheet(t_bo_chair, id, ch);
    submit_sheet(t_bo_member, id, ch);
    free(ch);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", id);
    ok(t_bo_chair, "POST", path, "{}");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = call(t_admin, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "ministry_scored");
    long long pass = jint(r.json, "scoring_pass");
    resp_free(&r);
    /* The minutes of each pass name the council that scored it: the province's first, then the
    ** Ministry's. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes?pass=%lld", id, pass - 1);
    r = call(t_chair, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "council_id"), 1);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 2);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes", id);
    r = call(t_bo_chair, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "pass"), pass);
    assert_true(jint(r.json, "council_id") != 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes?pass=%lld", id, pass + 1);
    r = call(t_chair, "GET", path, NULL, 400, "pass");
    resp_free(&r);
}

/* A dossier of product scored by the council: about target points, want_stars after the
** minimums (the sheet is built for stars; break_min leaves a 3★ minimum unmet). */
static long long scored(int product, const char *kind, int stars, int target, bool break_min, int want_stars) {
    long long id = dossier_in_round(product, kind);
    char *ch = choices_for(id, stars, target, break_min);
    score(id, ch);
    free(ch);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    Resp r = call(t_admin, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "scored");
    if (jint(r.json, "stars") != want_stars) fprintf(stderr, "dossier %lld: %s\n", id, r.body);
    assert_int_equal(jint(r.json, "stars"), want_stars);
    resp_free(&r);
    return id;
}

static char *decision_body(const char *number, const char *level, const char *province, long long a, long long b) {
    char items[96], prov[48] = "";
    if (b) snprintf(items, sizeof items, "[{\"dossier_id\": %lld}, {\"dossier_id\": %lld}]", a, b);
    else snprintf(items, sizeof items, "[{\"dossier_id\": %lld}]", a);
    if (province) snprintf(prov, sizeof prov, "\"province_code\": \"%s\", ", province);
    char *s = malloc(1024);
    snprintf(s, 1024, "{\"number\": \"%s\", \"decided_on\": \"%s\", \"level\": \"%s\", %s\"signer_name\": \"Nguyễn Văn Mẫu\", "
                      "\"signer_title\": \"KT. CHỦ TỊCH/PHÓ CHỦ TỊCH\", \"items\": %s}", number, today, level, prov, items);
    return s;
}

/* POST the decision; its response. */
static Resp decide(const char *token, const char *number, const char *level, const char *province, long long a, long long b,
                   long status, const char *field) {
    char *body = decision_body(number, level, province, a, b);
    Resp r = call(token, "POST", "/api/v1/decisions", body, status, field);
    free(body);
    return r;
}

static void detail_has(Resp *r, const char *text) {
    const char *d = jstr(r->json, "detail");
    if (!strstr(d, text)) fprintf(stderr, "detail '%s' lacks '%s'\n", d, text);
    assert_non_null(strstr(d, text));
}

/* ---- the tests ------------------------------------------------------------------------------- */

static void test_decision_and_certificate(void **state) {
    (void)state;
    long long a = scored(2, "first", 3, 55, false, 3), b = scored(3, "first", 3, 55, false, 3);
    /* Only the province's officers (and administrators) record the province's decisions. */
    Resp r = decide(t_commune, "101/QĐ-UBND", "province", NULL, a, b, 403, NULL);
    resp_free(&r);
    r = decide(t_other_province, "101/QĐ-UBND", "province", "86", a, b, 403, "province_code");
    resp_free(&r);
    r = decide(t_other_province, "101/QĐ-UBND", "province", NULL, a, 0, 422, "items[0]");
    resp_free(&r);
    r = decide(t_province, "101/QĐ-UBND", "province", NULL, a, b, 201, NULL);
    assert_string_equal(jstr(r.json, "authority"), "Ủy ban nhân dân tỉnh Vĩnh Long");
    assert_string_equal(jstr(r.json, "province_code"), "86");
    snprintf(cert_p2, sizeof cert_p2, "%s", jstr(r.json, "items.0.cert_no"));
    snprintf(cert_p3, sizeof cert_p3, "%s", jstr(r.json, "items.1.cert_no"));
    assert_int_equal(jint(r.json, "items.0.dossier_id"), a); /* to the officer who recorded it */
    char want[40];
    snprintf(want, sizeof want, "86-%s-0001", year);
    assert_string_equal(cert_p2, want);
    snprintf(want, sizeof want, "86-%s-0002", year);
    assert_string_equal(cert_p3, want);
    assert_non_null(resp_header_value(&r, "Location"));
    long long did = jint(r.json, "id");
    resp_free(&r);
    char path[160], expires[11];
    snprintf(path, sizeof path, "/api/v1/decisions/%lld", did);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 2);
    assert_int_equal(jint(r.json, "items.0.stars"), 3);
    assert_string_equal(jstr(r.json, "items.0.certificate_state"), "valid");
    assert_null(jpath(r.json, "items.0.dossier_id")); /* public: no dossier */
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/decisions?province=86", NULL, 200, NULL);
    assert_null(jpath(r.json, "items.0.items.0.dossier_id"));
    assert_non_null(jpath(r.json, "items.0.items.0.cert_no"));
    resp_free(&r);

    /* The certificate: 36 months, valid, with its PDF and its verification URL. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert_p2);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "valid");
    assert_int_equal(jint(r.json, "stars"), 3);
    assert_string_equal(jstr(r.json, "level"), "province");
    assert_string_equal(jstr(r.json, "issued_on"), today);
    snprintf(expires, sizeof expires, "%s", jstr(r.json, "expires_on"));
    assert_int_equal(atoi(expires), atoi(today) + 3);
    assert_string_equal(expires + 4, today + 4);
    assert_string_equal(jstr(r.json, "product.name"), "Kẹo dừa lá dứa Thanh Long");
    char url[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/xac-minh/%s", S.port, cert_p2);
    assert_string_equal(jstr(r.json, "verify_url"), url);
    /* The dossier it came from is not public (issue 8, item 8). */
    assert_null(json_object_get(r.json, "dossier_id"));
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/certificates?product_id=2", NULL, 200, NULL);
    assert_non_null(jpath(r.json, "items.0.cert_no"));
    assert_null(jpath(r.json, "items.0.dossier_id"));
    resp_free(&r);

    /* The recognition in the registry, and the product's stars. */
    r = call(NULL, "GET", "/api/v1/recognitions?product_id=2&sort=-decision_date", NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "items.0.cert_no"), cert_p2);
    assert_int_equal(jint(r.json, "items.0.stars"), 3);
    assert_string_equal(jstr(r.json, "items.0.decision_no"), "101/QĐ-UBND");
    assert_string_equal(jstr(r.json, "items.0.expires_on"), expires);
    assert_string_equal(jstr(r.json, "items.0.state"), "valid");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/products/2", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "stars"), 3);
    resp_free(&r);

    /* The dossier is decided, with its event. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/events", a);
    r = call(t_province, "GET", path, NULL, 200, NULL);
    json_t *ev = jpath(r.json, "items");
    json_t *last = json_array_get(ev, json_array_size(ev) - 1);
    assert_string_equal(jstr(last, "action"), "decide");
    assert_string_equal(jstr(last, "to"), "decided");
    resp_free(&r);

    /* The PDF: Vietnamese text intact, signature valid offline. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s/pdf", cert_p2);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(resp_header_value(&r, "Content-Type"), "application/pdf");
    assert_memory_equal(r.body, "%PDF-", 5);
    char pdf[400], txt[400];
    snprintf(pdf, sizeof pdf, "%s", write_file(S.dir, "cert.pdf", r.body, r.len));
    resp_free(&r);
    snprintf(txt, sizeof txt, "%s/cert.txt", S.dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' '%s'", pdf, txt);
    assert_int_equal(system(cmd), 0);
    char *text = read_whole(txt, NULL);
    assert_non_null(text);
    char last_day[11]; /* the PDF prints the last valid day, the day before expires_on */
    date_add_days(expires, -1, last_day);
    /* The date line with its place, the address with its province (issue 8, item 14). */
    char dateline[80];
    snprintf(dateline, sizeof dateline, "Vĩnh Long, ngày %.2s tháng %.2s năm %.4s", today + 8, today + 5, today);
    const char *must[] = {"Kẹo dừa lá dứa Thanh Long", "3 sao", "VĨNH LONG", "101/QĐ-UBND", cert_p2, dmy(today), dmy(last_day),
                          "Hợp tác xã Kẹo dừa Thanh Long", "Nguyễn Văn Mẫu", dateline,
                          "Địa chỉ: Ấp 2, xã Mỏ Cày, tỉnh Vĩnh Long"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        if (!strstr(text, must[i])) fprintf(stderr, "the PDF's text lacks '%s':\n%s\n", must[i], text);
        assert_non_null(strstr(text, must[i]));
    }
    free(text);
    char *out = NULL;
    const char *verify_pdf[] = {"cert", "verify", pdf, "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify_pdf, &out, NULL), 0);
    assert_non_null(strstr(out, "valid: certificate"));
    assert_non_null(strstr(out, cert_p2));
    free(out);
    /* A PDF whose page was altered, its signature string intact, fails (issue 8, item 10). */
    size_t plen = 0;
    char *bytes = read_whole(pdf, &plen);
    bytes[plen / 2] ^= 0x20;
    char altered[400];
    snprintf(altered, sizeof altered, "%s", write_file(S.dir, "altered.pdf", bytes, plen));
    free(bytes);
    char *err = NULL;
    const char *verify_altered[] = {"cert", "verify", altered, "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify_altered, &out, &err), 1);
    assert_non_null(strstr(err, "the page does not match its signature"));
    free(out), free(err);
    const char *verify_url[] = {"cert", "verify", url, "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify_url, &out, NULL), 0);
    assert_non_null(strstr(out, cert_p2));
    free(out);

    /* The verification page: live state, fields, dates, the stylesheet (no inline style). */
    snprintf(path, sizeof path, "/xac-minh/%s", cert_p2);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_non_null(strstr(resp_header_value(&r, "Content-Type"), "text/html"));
    /* Links shared on social networks carry tracking parameters: the page still answers. */
    snprintf(path, sizeof path, "/xac-minh/%s?fbclid=IwAR0x&utm_source=zalo", cert_p2);
    resp_free(&r);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    char days[16]; /* 36 months from today, written as Vietnamese writes numbers: 1.09x */
    snprintf(days, sizeof days, "còn 1.09");
    const char *page[] = {"<p class=\"state-name\">Còn hiệu lực</p>", "Kẹo dừa lá dứa Thanh Long", "★★★</span> 3 sao",
                          "Ủy ban nhân dân tỉnh Vĩnh Long", days, dmy(today), dmy(last_day), "<meta name=\"ocop-cert\" content=\"ocop-cert-v1 ", "/pdf\""};
    for (size_t i = 0; i < sizeof page / sizeof page[0]; i++) body_has(&r, page[i]);
    body_has(&r, "<link rel=\"stylesheet\" href=\"/static/ocop.");
    assert_null(strstr(r.body, "<style"));
    resp_free(&r);
    r = call(NULL, "GET", "/xac-minh/86-2000-9999", NULL, 404, NULL);
    body_has(&r, "Hệ thống không cấp giấy chứng nhận nào có số này: <span class=\"nb\">86-2000-9999</span>");
    resp_free(&r);
    r = call(NULL, "GET", "/xac-minh/%3Cscript%3E", NULL, 404, NULL);
    assert_null(strstr(r.body, "<script>"));
    resp_free(&r);

    /* A dossier is decided once. */
    r = decide(t_province, "102/QĐ-UBND", "province", NULL, a, 0, 422, "items[0]");
    detail_has(&r, "decided already");
    resp_free(&r);
    /* The public lists. */
    r = call(NULL, "GET", "/api/v1/certificates?product_id=2&state=valid", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1);
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/certificates?state=sideways", NULL, 400, "state");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/decisions?province=86", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1 + DEMO_DECISIONS_86);
    resp_free(&r);
}

/* A decision's recognition is its certificate's record, and the certificate carries the
** product's code: the generic routes change neither, and ocop's series of numbers is the
** decisions' (a recognition that took the next number made the next decision issue it twice). */
static void test_decided_records(void **state) {
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/recognitions?cert_no=%s", cert_p2);
    Resp r = call(t_admin, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1);
    long long rec = jint(r.json, "items.0.id"), product = jint(r.json, "items.0.product_id");
    assert_true(jint(r.json, "items.0.decision_id") > 0);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/recognitions/%lld", rec);
    const char *tokens[] = {t_province, t_admin};
    for (int i = 0; i < 2; i++) {
        r = call(tokens[i], "PATCH", path, "{\"stars\": 4, \"score\": 75}", 409, "stars");
        resp_free(&r);
        r = call(tokens[i], "PATCH", path, "{\"decision_no\": \"1/QĐ-khac\"}", 409, "decision_no");
        resp_free(&r);
        r = call(tokens[i], "PATCH", path, "{\"cert_no\": \"GCN-khac\"}", 409, "cert_no");
        resp_free(&r);
        char body[128];
        snprintf(body, sizeof body, "{\"ended\": \"revoked\", \"ended_on\": \"%s\"}", today);
        r = call(tokens[i], "PATCH", path, body, 409, "ended");
        resp_free(&r);
        r = call(tokens[i], "DELETE", path, NULL, 409, "id");
        resp_free(&r);
    }
    r = call(t_province, "PATCH", path, "{}", 200, NULL); /* nothing changed: fine */
    assert_int_equal(jint(r.json, "stars"), 3);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/products/%lld", product);
    r = call(t_province, "PATCH", path, "{\"code\": \"86-28903-077-2022\"}", 409, "code");
    resp_free(&r);
    /* The next number of the series cannot be taken by hand. */
    char body[320], next[40];
    snprintf(next, sizeof next, "86-%s-0003", year);
    snprintf(body, sizeof body, "{\"product_id\": 4, \"stars\": 3, \"decision_no\": \"77/QĐ-UBND\", \"decision_date\": "
                                "\"%s\", \"cert_no\": \"%s\"}", today, next);
    r = call(t_province, "POST", "/api/v1/recognitions", body, 422, "cert_no");
    resp_free(&r);
}

static void test_refusals(void **state) {
    (void)state;
    /* Deciding without quorum: the chair submitted, the member not yet: the scoring cannot be
    ** closed and the dossier, still in the round, cannot be decided. */
    long long two = dossier_in_round(6, "first");
    char *ch = choices_for(two, 3, 58, true), path[128];
    submit_sheet(t_chair, two, ch);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", two);
    Resp r = call(t_chair, "POST", path, "{}", 409, "quorum");
    resp_free(&r);
    r = decide(t_province, "201/QĐ-UBND", "province", NULL, two, 0, 422, "items[0]");
    detail_has(&r, "in_round");
    resp_free(&r);

    /* The member submits, the chair closes: 50 points or more but a 3★ minimum unmet is 2★, and
    ** under 50 points is no recognition either: no certificate. */
    submit_sheet(t_member, two, ch);
    free(ch);
    close_scoring(two);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", two);
    r = call(t_admin, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "stars"), 2);
    assert_true(jpath(r.json, "avg_score") && json_number_value(jpath(r.json, "avg_score")) >= 50);
    resp_free(&r);
    r = decide(t_province, "202/QĐ-UBND", "province", NULL, two, 0, 422, "items[0]");
    detail_has(&r, "no certificate for 2★");
    resp_free(&r);
    long long low = scored(7, "first", 3, 40, false, 2);
    r = decide(t_province, "203/QĐ-UBND", "province", NULL, low, 0, 422, "items[0]");
    detail_has(&r, "under 50 points");
    resp_free(&r);

    /* All or nothing: a good item next to a bad one is not decided either. */
    long long up = scored(2, "upgrade", 4, 75, false, 4);
    r = call(NULL, "GET", "/api/v1/certificates", NULL, 200, NULL);
    long long before = jint(r.json, "total");
    resp_free(&r);
    r = decide(t_province, "204/QĐ-UBND", "province", NULL, up, two, 422, "items[1]");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", up);
    r = call(t_province, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "scored");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/certificates", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), before);
    resp_free(&r);
    /* Bad input. */
    r = call(t_province, "POST", "/api/v1/decisions", "{\"number\": \"x\"}", 422, NULL);
    resp_free(&r);
    char back[512];
    snprintf(back, sizeof back, "{\"number\": \"8/QĐ-UBND\", \"decided_on\": \"2020-01-01\", \"level\": \"province\", "
                                "\"signer_name\": \"A\", \"signer_title\": \"B\", \"items\": [{\"dossier_id\": %lld}]}", up);
    r = call(t_province, "POST", "/api/v1/decisions", back, 422, "decided_on"); /* before the scoring */
    resp_free(&r);
    r = call(t_province, "POST", "/api/v1/decisions",
             "{\"number\": \"9/QĐ\", \"decided_on\": \"2999-01-01\", \"level\": \"province\", \"signer_name\": \"A\", "
             "\"signer_title\": \"B\", \"items\": [{\"dossier_id\": 1}]}", 422, "decided_on");
    resp_free(&r);
    r = call(t_province, "POST", "/api/v1/decisions",
             "{\"number\": \"9/QĐ\", \"decided_on\": \"2026-01-01\", \"level\": \"district\", \"signer_name\": \"A\", "
             "\"signer_title\": \"B\", \"items\": [{\"dossier_id\": 1}], \"extra\": 1}", 422, "extra");
    resp_free(&r);

    /* 5★ goes to the Ministry: refused in a province decision, by a province officer at the
    ** Ministry's level, and without the Ministry's key; then issued under key bo. */
    long long five = scored(5, "first", 5, 100, false, 5);
    r = decide(t_province, "205/QĐ-UBND", "province", NULL, five, 0, 422, "items[0]");
    detail_has(&r, "5★ goes to the Ministry");
    resp_free(&r);
    r = decide(t_province, "12/QĐ-BNNMT", "ministry", NULL, five, 0, 403, "level");
    resp_free(&r);
    /* The Ministry decides on its own council's score: the province sends the dossier, the
    ** Ministry puts it in a round of its council, which scores it again (a new pass). */
    r = decide(t_admin, "12/QĐ-BNNMT", "ministry", NULL, five, 0, 422, "items[0]");
    detail_has(&r, "send it to the Ministry");
    resp_free(&r);
    ministry_scores(five, 100);
    /* Without a key in use: the demo's (bo) retired, refused until a new one is made. */
    const char *retire[] = {"key", "retire", "bo", "--db", S.db, "--quiet", NULL};
    assert_int_equal(run_ocop(retire, NULL, NULL), 0);
    r = decide(t_admin, "12/QĐ-BNNMT", "ministry", NULL, five, 0, 409, NULL);
    detail_has(&r, "ocop key generate bo");
    resp_free(&r);
    const char *key[] = {"key", "generate", "bo-2", "--db", S.db, "--quiet", NULL};
    assert_int_equal(run_ocop(key, NULL, NULL), 0);
    r = decide(t_admin, "12/QĐ-BNNMT", "ministry", NULL, five, 0, 201, NULL);
    char want[40];
    snprintf(want, sizeof want, "BO-%s-0001", year);
    assert_string_equal(jstr(r.json, "items.0.cert_no"), want);
    assert_string_equal(jstr(r.json, "authority"), "Bộ Nông nghiệp và Môi trường");
    assert_true(json_is_null(jpath(r.json, "province_code")));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", want);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "level"), "ministry");
    assert_string_equal(jstr(r.json, "key_id"), "bo-2");
    resp_free(&r);
    /* Under 90 at the Ministry: the province recognises on the Ministry's score (Điều 4.1). */
    r = call(t_province, "POST", "/api/v1/products", "{\"name\": \"Kẹo dừa sữa non Thanh Long\", \"set_no\": 7, \"producer_id\": 1}",
             201, NULL);
    long long product = jint(r.json, "id");
    resp_free(&r);
    long long again = scored((int)product, "first", 5, 100, false, 5);
    ministry_scores(again, 82);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", again);
    r = call(t_admin, "GET", path, NULL, 200, NULL);
    int ministry_stars = (int)jint(r.json, "stars");
    resp_free(&r);
    assert_true(ministry_stars == 3 || ministry_stars == 4);
    r = decide(t_admin, "13/QĐ-BNNMT", "ministry", NULL, again, 0, 422, "items[0]");
    detail_has(&r, "the Ministry recognises 5★");
    resp_free(&r);
    r = decide(t_province, "206/QĐ-UBND", "province", NULL, again, 0, 201, NULL);
    assert_int_equal(jint(r.json, "items.0.stars"), ministry_stars);
    resp_free(&r);
    /* A province officer cannot revoke the Ministry's certificate: not theirs (404). */
    snprintf(path, sizeof path, "/api/v1/certificates/%s/revoke", want);
    r = call(t_province, "POST", path, "{}", 404, NULL);
    resp_free(&r);
}

static void test_revoke_supersede_expire(void **state) {
    (void)state;
    /* Product 3 files an upgrade while its certificate is valid... */
    long long renew = scored(3, "upgrade", 4, 75, false, 4);
    char path[160], page[160];
    snprintf(path, sizeof path, "/api/v1/certificates/%s/revoke", cert_p3);
    const char *revoke = "{\"ground\": \"law_violation\", \"decision_no\": \"55/QĐ-UBND\", \"decided_on\": \"%s\", "
                         "\"note\": \"Vi phạm quy định về an toàn thực phẩm\"}";
    char body[400];
    snprintf(body, sizeof body, revoke, today);
    /* ...and is revoked meanwhile: by its province only, on a legal ground. */
    Resp r = call(t_other_province, "POST", path, body, 404, NULL);
    resp_free(&r);
    r = call(t_commune, "POST", path, body, 403, NULL);
    resp_free(&r);
    r = call(NULL, "POST", path, body, 401, NULL);
    resp_free(&r);
    r = call(t_province, "POST", path, "{\"ground\": \"disliked\", \"decision_no\": \"55/QĐ-UBND\", \"decided_on\": \"2026-01-01\"}",
             422, "ground");
    resp_free(&r);
    r = call(t_province, "POST", path, body, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "revoked");
    assert_string_equal(jstr(r.json, "revocation.ground"), "law_violation");
    assert_string_equal(jstr(r.json, "revocation.clause"), "Điều 8.1.c");
    resp_free(&r);
    r = call(t_province, "POST", path, body, 409, "state");
    resp_free(&r);
    snprintf(page, sizeof page, "/xac-minh/%s", cert_p3);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "<p class=\"state-name\">Đã thu hồi</p>");
    body_has(&r, "Lý do: Vi phạm pháp luật về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ hoặc ghi nhãn hàng "
                 "hóa (Điều 8.1.c).");
    body_has(&r, "Vi phạm quy định về an toàn thực phẩm");
    assert_null(strstr(r.body, "Còn hiệu lực"));
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/recognitions?product_id=3&sort=-decision_date", NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "items.0.ended"), "revoked");
    assert_string_equal(jstr(r.json, "items.0.state"), "revoked");
    resp_free(&r);
    /* A revoked certificate is not renewed. */
    r = decide(t_province, "301/QĐ-UBND", "province", NULL, renew, 0, 422, "items[0]");
    detail_has(&r, "a revoked certificate is not renewed");
    resp_free(&r);

    /* Product 2's upgrade (scored 4★ in test_refusals) supersedes its 3★ certificate. */
    r = call(t_province, "GET", "/api/v1/dossiers?product_id=2&state=scored", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1);
    long long up = jint(r.json, "items.0.id");
    resp_free(&r);
    r = decide(t_province, "302/QĐ-UBND", "province", NULL, up, 0, 201, NULL);
    char newer[40], want[40];
    snprintf(newer, sizeof newer, "%s", jstr(r.json, "items.0.cert_no"));
    snprintf(want, sizeof want, "86-%s-0004", year); /* 0003: the recognition on the Ministry's score */
    assert_string_equal(newer, want);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert_p2);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "superseded");
    assert_string_equal(jstr(r.json, "superseded_by"), newer);
    resp_free(&r);
    snprintf(page, sizeof page, "/xac-minh/%s", cert_p2);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    char text[160];
    body_has(&r, "<p class=\"state-name\">Đã được thay thế</p>");
    snprintf(text, sizeof text, "<a href=\"/xac-minh/%s\">Xem giấy chứng nhận %s</a>", newer, newer);
    body_has(&r, text);
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/products/2", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "stars"), 4);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s/revoke", cert_p2);
    r = call(t_province, "POST", path, body, 409, "state");
    detail_has(&r, "superseded");
    resp_free(&r);

    /* The re-evaluation list: product 2 enters its window 180 days before expiry. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s", newer);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    char expires[11], in_window[11], warned[11];
    snprintf(expires, sizeof expires, "%s", jstr(r.json, "expires_on"));
    resp_free(&r);
    /* Its page says "expiring soon" from the window's opening (reevaluation_opens_days, 180),
    ** with the days left, in each language. */
    snprintf(page, sizeof page, "/xac-minh/%s", newer);
    cert_expires_in(newer, 181);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "<p class=\"state-name\">Còn hiệu lực</p>");
    body_has(&r, "còn 181 ngày.");
    resp_free(&r);
    cert_expires_in(newer, 180);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "<div class=\"state expiring\" role=\"status\">\n<p class=\"state-name\">Còn hiệu lực, sắp hết hạn</p>");
    body_has(&r, "chỉ còn 180 ngày. Chủ thể có thể nộp hồ sơ đánh giá lại");
    resp_free(&r);
    snprintf(page, sizeof page, "/xac-minh/%s?lang=en", newer);
    cert_expires_in(newer, 1);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "<p class=\"state-name\">Valid, expiring soon</p>");
    char through[80];
    snprintf(through, sizeof through, "Valid through %s: only 1 days left.", dmy(today));
    body_has(&r, through);
    resp_free(&r);
    cert_expires_in(newer, 0);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "<p class=\"state-name\">Expired</p>");
    resp_free(&r);
    cert_set_expiry(newer, expires);
    date_plus_days(expires, -150, in_window);
    date_plus_days(expires, -30, warned);
    snprintf(path, sizeof path, "/api/v1/lifecycle/due?date=%s&commune=28903", in_window);
    r = call(t_province, "GET", path, NULL, 200, NULL);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(jpath(r.json, "items"), i, it) {
        if (strcmp(jstr(it, "cert_no"), newer)) continue;
        found = true;
        assert_int_equal(jint(it, "days_left"), 150);
        assert_string_equal(jstr(it, "phase"), "window");
        assert_int_equal(jint(it, "product.id"), 2);
    }
    assert_true(found);
    resp_free(&r);
    r = call(t_commune, "GET", path, NULL, 200, NULL);
    assert_true(jint(r.json, "total") >= 1);
    resp_free(&r);
    r = call(t_other_commune, "GET", path, NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
    r = call(NULL, "GET", path, NULL, 401, NULL);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/lifecycle/due?date=%s&commune=28903", warned);
    r = call(t_province, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "items.0.phase"), "warning");
    resp_free(&r);

    /* A future date only reports; once the day has come, the day's job records the expiry;
    ** again: nothing more. */
    const char *ahead[] = {"lifecycle", "run", "--date", expires, "--db", S.db, "--format", "json", NULL};
    char *pre = NULL;
    assert_int_equal(run_ocop(ahead, &pre, NULL), 0);
    json_t *prep = json_loads(pre, 0, NULL);
    assert_false(json_is_true(json_object_get(prep, "recorded")));
    assert_true(json_array_size(json_object_get(prep, "expired")) >= 1);
    json_decref(prep);
    free(pre);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", newer);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "recorded_state"), "valid");
    resp_free(&r);
    expire_yesterday(S.db, newer);
    const char *run[] = {"lifecycle", "run", "--db", S.db, NULL};
    char *out = NULL;
    assert_int_equal(run_ocop(run, &out, NULL), 0);
    if (!strstr(out, newer)) fprintf(stderr, "%s\n", out);
    assert_non_null(strstr(out, newer));
    free(out);
    const char *again[] = {"lifecycle", "run", "--db", S.db, "--format", "json", NULL};
    assert_int_equal(run_ocop(again, &out, NULL), 0);
    json_t *rep = json_loads(out, 0, NULL);
    assert_non_null(rep);
    assert_int_equal(json_array_size(json_object_get(rep, "expired")), 0);
    json_decref(rep);
    free(out);
    snprintf(page, sizeof page, "/xac-minh/%s", newer);
    r = call(NULL, "GET", page, NULL, 200, NULL);
    body_has(&r, "Hết hạn");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", newer);
    r = call(NULL, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "expired");
    assert_string_equal(jstr(r.json, "recorded_state"), "expired");
    resp_free(&r);
    /* Ended certificates are not revoked. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s/revoke", newer);
    r = call(t_province, "POST", path, body, 409, "state");
    resp_free(&r);

    /* Everything is in the audit trail. */
    const char *actions[] = {"issue", "revoke", "supersede", "lifecycle.expire"};
    for (size_t k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "/api/v1/audit?entity=certificates&action=%s", actions[k]);
        r = call(t_admin, "GET", path, NULL, 200, NULL);
        if (jint(r.json, "total") < 1) fprintf(stderr, "no audit entry %s\n", actions[k]);
        assert_true(jint(r.json, "total") >= 1);
        resp_free(&r);
    }
    r = call(t_admin, "GET", "/api/v1/audit?entity=decisions&action=create", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 4 + DEMO_DECISIONS_86 + 1);
    resp_free(&r);
    r = call(t_admin, "GET", "/api/v1/audit?entity=dossiers&action=dossier.decide", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 5 + DEMO_DECISIONS_86 + 1);
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/revocation-grounds", NULL, 200, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 6);
    resp_free(&r);
}

/* A full disk (OCOP_TEST_DISK_FREE=0, db_sqlite.c) under a decision: 507 in plain words, and
** nothing of it recorded: no decision, no certificate, the dossier still scored, the audit
** chain whole. */
static void test_decision_full_disk(void **state) {
    (void)state;
    Resp r = call(t_province, "POST", "/api/v1/products", "{\"name\": \"Kẹo dừa đĩa đầy\", \"set_no\": 7, \"producer_id\": 1}",
                  201, NULL);
    long long id = scored((int)jint(r.json, "id"), "first", 3, 55, false, 3);
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/certificates", NULL, 200, NULL);
    long long certs = jint(r.json, "total");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/decisions", NULL, 200, NULL);
    long long decisions = jint(r.json, "total");
    resp_free(&r);
    assert_int_equal(srv_stop(&S), 0);
    remove(S.log); /* srv_start reads the port from the log */
    setenv("OCOP_TEST_DISK_FREE", "0", 1);
    srv_start(&S);
    unsetenv("OCOP_TEST_DISK_FREE");
    r = decide(t_province, "199/QĐ-UBND", "province", NULL, id, 0, 507, NULL);
    detail_has(&r, "the disk under the database is full");
    assert_null(strstr(r.body, "INSERT"));
    resp_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = call(t_admin, "GET", path, NULL, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "scored");
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/certificates", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), certs);
    resp_free(&r);
    r = call(NULL, "GET", "/api/v1/decisions", NULL, 200, NULL);
    assert_int_equal(jint(r.json, "total"), decisions);
    resp_free(&r);
    assert_int_equal(srv_stop(&S), 0);
    const char *verify[] = {"audit", "verify", "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify, NULL, NULL), 0);
    remove(S.log);
    srv_start(&S);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decision_and_certificate),
        cmocka_unit_test(test_decided_records),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_revoke_supersede_expire),
        cmocka_unit_test(test_decision_full_disk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
