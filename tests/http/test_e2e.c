/*
** test_e2e.c: the whole procedure of QĐ 26/2026/QĐ-TTg as one story, on the real binary over
** HTTP and its command line, each step taken by the role the law gives it with that role's own
** token (the demo accounts): producer → commune → province → council → decision → certificate →
** verification page → re-evaluation → expiry.
**
**  0. The province records a paper-era recognition of product 2 (Kẹo dừa lá dứa Thanh Long)
**     whose certificate expires in 150 days: inside the re-evaluation window (Điều 7.6.a).
**  a. The producer (HTX Kẹo dừa Thanh Long, producer 1) registers a new product, files a first
**     evaluation with its self-assessment and a PDF of evidence, and submits.
**  b. The commune (Mỏ Cày, 28903) receives it (due 15 working days later), returns it with a
**     comment; the producer adds the missing paper and resubmits; the commune receives it
**     again, writes its report (Mẫu 03) and forwards it.
**  c. The province checks it, opens a round with council 1 and assigns it.
**  d. The chair scores 78 and the member 74 (sheets built from the published sheet, meeting
**     the 4★ minimums); the secretary closes: average 76.00, band 4, 4 stars, as the calculator
**     says for each sheet.
**  e. The province's officer records the decision (API): recognition, certificate 86-YYYY-0001,
**     its PDF's text (pdftotext) with the product's name and the dates.
**  f. The verification page says "Còn hiệu lực"; `ocop cert verify URL` passes.
**  g. `ocop lifecycle run --date` inside the new certificate's 180-day window lists the product,
**     as does GET /api/v1/lifecycle/due for the province. Product 2, whose window is open today,
**     is re-evaluated: the producer files, the commune and the province pass it on, the council
**     scores it 3★, and the province records the decision with `ocop decision add`; the old
**     recognition ends as superseded and the new certificate's page is valid. Then the
**     cooperative stops making product 2 and the province revokes that certificate with
**     `ocop certificate revoke`.
**  h. `ocop lifecycle run --date` on the first certificate's expiry: its page says "Hết hạn";
**     the revoked one stays revoked.
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
#include "util.h"
#include "workdays.h"

static Server S;
static char *t_producer, *t_commune, *t_province, *t_chair, *t_member, *t_secretary;
static char today[11], year[5];

/* How many dossiers of Mỏ Cày the demo numbered in year (demo.c files its own there first). */
static long long demo_numbered(const char *yr) {
    sqlite3 *db;
    sqlite3_stmt *st;
    long long n = -1;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM dossiers WHERE commune_code = '28903' AND reg_year = ?",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int(st, 1, atoi(yr));
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* ---- requests ---------------------------------------------------------------------------------- */

static Resp as(const char *token, const char *method, const char *path, const char *json) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token ? token : "");
    const char *hs[] = {token ? h : NULL, NULL};
    return http_req_h(&S, hs, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

/* The request answers status; the response is the caller's to free. */
static Resp call(const char *token, const char *method, const char *path, const char *json, long status) {
    Resp r = as(token, method, path, json);
    expect_status(&r, status, NULL);
    return r;
}

static void ok(const char *token, const char *method, const char *path, const char *json) {
    Resp r = call(token, method, path, json, 200);
    resp_free(&r);
}

/* Take a step of the procedure; returns the new state (static buffer). */
static const char *act(const char *token, long long id, const char *body) {
    static char state[32];
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    Resp r = call(token, "POST", path, body, 200);
    snprintf(state, sizeof state, "%s", jstr(r.json, "state"));
    resp_free(&r);
    return state;
}

static Resp dossier(const char *token, long long id) {
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    return call(token, "GET", path, NULL, 200);
}

/* Upload a PDF of evidence of kind for criterion as who. */
static void evidence(const char *token, long long id, const char *kind, const char *criterion, const char *name,
                     const char *text) {
    char path[256], h[128], pdf[256];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/files?kind=%s&criterion=%s&filename=%s", id, kind, criterion, name);
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    int n = snprintf(pdf, sizeof pdf, "%%PDF-1.4\n%% %s\n%%%%EOF\n", text);
    Resp r = http_req_h(&S, (const char *[]){h, NULL}, "POST", path, "application/pdf", pdf, (size_t)n);
    expect_status(&r, 201, NULL);
    assert_int_equal(jint(r.json, "bytes"), n);
    resp_free(&r);
}

static void out_has(const char *out, const char *text) {
    if (!out || !strstr(out, text)) fprintf(stderr, "output lacks '%s':\n%s\n", text, out ? out : "(none)");
    assert_non_null(strstr(out, text));
}

/* Days from a to b (dates). */
static int days_between(const char *a, const char *b) {
    for (int d = 0; d < 4000; d++) {
        char x[11];
        date_add_days(a, d, x);
        if (strcmp(x, b) == 0) return d;
    }
    return -1;
}

/* ---- the score sheet ----------------------------------------------------------------------------- */

static int points(json_t *opt) { return (int)json_integer_value(json_object_get(opt, "points")); }

/* {"choices": {...}} on the sheet of the dossier that totals exactly target and meets every
** minimum of stars: each criterion starts at the best option marked for stars or fewer (else
** its lowest), then options are raised in the sheet's order until the total is reached. The
** sheet comes from GET /api/v1/rubrics/{version}/sets/{n}, as a client would read it; token
** reads the dossier for its version and set. */
static json_t *sheet_for(const char *token, long long id, int stars, int target) {
    Resp d = dossier(token, id);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rubrics/%s/sets/%lld", jstr(d.json, "rubric_version"), jint(d.json, "set_no"));
    resp_free(&d);
    Resp sheet = call(NULL, "GET", path, NULL, 200);
    json_t *ls = json_array(), *c;
    sheet_leaves(sheet.json, ls);
    size_t n = json_array_size(ls), i, k;
    int *pick = calloc(n, sizeof *pick), total = 0;
    json_array_foreach(ls, i, c) {
        json_t *opts = json_object_get(c, "options"), *o;
        int low = 0, mark = -1;
        json_array_foreach(opts, k, o) {
            json_t *ms = json_object_get(o, "min_star");
            if (points(o) < points(json_array_get(opts, (size_t)low))) low = (int)k;
            if (json_is_integer(ms) && json_integer_value(ms) <= stars &&
                (mark < 0 || points(o) > points(json_array_get(opts, (size_t)mark))))
                mark = (int)k;
        }
        pick[i] = mark >= 0 ? mark : low;
        total += points(json_array_get(opts, (size_t)pick[i]));
    }
    if (total > target) fprintf(stderr, "the %d★ minimums alone give %d > %d points\n", stars, total, target);
    assert_true(total <= target);
    json_array_foreach(ls, i, c) {
        if (total == target) break;
        json_t *opts = json_object_get(c, "options"), *o;
        int best = pick[i], now = points(json_array_get(opts, (size_t)pick[i]));
        json_array_foreach(opts, k, o) {
            int gain = points(o) - now;
            if (gain > 0 && gain <= target - total && points(o) > points(json_array_get(opts, (size_t)best))) best = (int)k;
        }
        total += points(json_array_get(opts, (size_t)best)) - now;
        pick[i] = best;
    }
    assert_int_equal(total, target);
    json_t *ch = json_object();
    json_array_foreach(ls, i, c) json_object_set_new(ch, json_string_value(json_object_get(c, "code")), json_integer(pick[i]));
    free(pick);
    json_decref(ls);
    resp_free(&sheet);
    return json_pack("{s:o}", "choices", ch);
}

/* The calculator's verdict on a sheet: checks total and stars, and that no minimum is unmet. */
static void calculator_says(long long id, json_t *sheet, int total, int band, int stars) {
    Resp d = dossier(t_chair, id);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/rubrics/%s/sets/%lld/evaluate", jstr(d.json, "rubric_version"), jint(d.json, "set_no"));
    resp_free(&d);
    char *body = json_dumps(sheet, JSON_COMPACT);
    Resp r = call(NULL, "POST", path, body, 200);
    free(body);
    assert_int_equal((int)json_number_value(jpath(r.json, "total")), total);
    assert_int_equal(jint(r.json, "band"), band);
    assert_int_equal(jint(r.json, "stars"), stars);
    assert_int_equal(json_array_size(jpath(r.json, "unmet_minimums")), 0);
    resp_free(&r);
}

/* The council member of token fills in the sheet, saves it as a draft, then submits it. */
static void score(const char *token, long long id, json_t *sheet, int total) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/me", id);
    json_t *in = json_deep_copy(sheet);
    json_object_set_new(in, "comments", json_pack("{s:s}", "1.1", "Nguyên liệu dừa trồng tại xã Mỏ Cày"));
    char *body = json_dumps(in, JSON_COMPACT);
    Resp r = call(token, "PUT", path, body, 200);
    assert_int_equal(jint(r.json, "result.total"), total);
    assert_false(json_is_true(jpath(r.json, "submitted")));
    resp_free(&r);
    free(body);
    json_object_set_new(in, "submit", json_true());
    body = json_dumps(in, JSON_COMPACT);
    r = call(token, "PUT", path, body, 200);
    assert_true(json_is_true(jpath(r.json, "submitted")));
    resp_free(&r);
    free(body);
    json_decref(in);
}

/* ---- the steps shared by both dossiers --------------------------------------------------------- */

static const char *REPORT =
    "{\"items\": {\"origin\": {\"met\": true, \"note\": \"Dừa nguyên liệu trồng tại xã Mỏ Cày\"}, "
    "\"labour\": {\"met\": true, \"note\": \"18 lao động là người trong xã\"}, \"idea\": {\"met\": true}, "
    "\"identity\": {\"met\": true, \"note\": \"Bao bì in hình cây dừa Bến Tre\"}}, "
    "\"comment\": \"Hồ sơ đầy đủ, đề nghị tỉnh đánh giá\"}";

/* The producer files a dossier of kind for product with its self-assessment and evidence. */
static long long file_dossier(const char *kind, long long product) {
    char body[128], path[96];
    snprintf(body, sizeof body, "{\"kind\": \"%s\", \"product_id\": %lld, \"note\": \"Đăng ký năm %s\"}", kind, product, year);
    Resp r = call(t_producer, "POST", "/api/v1/dossiers", body, 201);
    long long id = jint(r.json, "id");
    assert_string_equal(jstr(r.json, "state"), "draft");
    assert_string_equal(jstr(r.json, "kind"), kind);
    assert_string_equal(jstr(r.json, "rubric_version"), "26-2026");
    resp_free(&r);
    /* Mẫu 02: the producer's own score on the same sheet. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    json_t *self = sheet_for(t_producer, id, 4, 80);
    char *s = json_dumps(self, JSON_COMPACT);
    r = call(t_producer, "PUT", path, s, 200);
    assert_int_equal(jint(r.json, "self_assessment.result.total"), 80);
    resp_free(&r);
    free(s);
    json_decref(self);
    evidence(t_producer, id, "food_safety", "1.1", "attp.pdf", "Giay chung nhan co so du dieu kien ATTP");
    return id;
}

/* The commune's part after a first reception: report (Mẫu 03) and forward. */
static void commune_forwards(long long id) {
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/commune-report", id);
    ok(t_commune, "PUT", path, REPORT);
    assert_string_equal(act(t_commune, id, "{\"action\": \"forward\"}"), "forwarded");
}

/* The province checks the dossier and puts it in the round. */
static void province_assigns(long long id, long long round) {
    char body[96];
    assert_string_equal(act(t_province, id, "{\"action\": \"check\"}"), "checked");
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    assert_string_equal(act(t_province, id, body), "in_round");
}

/* Chair and member score hi and lo (for stars); the secretary closes. */
static void council_scores(long long id, int stars, int hi, int lo) {
    json_t *a = sheet_for(t_chair, id, stars, hi), *b = sheet_for(t_member, id, stars, lo);
    int band = (hi + lo) / 2 >= 90 ? 5 : (hi + lo) / 2 >= 70 ? 4 : (hi + lo) / 2 >= 50 ? 3 : 2; /* Điều 3.3 */
    calculator_says(id, a, hi, band, stars);
    calculator_says(id, b, lo, band, stars);
    score(t_chair, id, a, hi);
    score(t_member, id, b, lo);
    json_decref(a), json_decref(b);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores", id);
    Resp r = call(t_secretary, "GET", path, NULL, 200);
    assert_true(json_is_true(jpath(r.json, "quorum.met")));
    assert_false(json_is_true(jpath(r.json, "spread.flagged")));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/scores/close", id);
    ok(t_secretary, "POST", path, "{\"comment\": \"Hội đồng thống nhất kết quả\"}");
}

/* ---- setup --------------------------------------------------------------------------------------- */

static int setup(void **state) {
    (void)state;
    date_today(today);
    snprintf(year, sizeof year, "%.4s", today);
    srv_prepare(&S, true);
    t_producer = srv_token(&S, "chuthe.thanhlong", "write");
    t_commune = srv_token(&S, "xa.mocay", "write");
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    t_chair = srv_token(&S, "hd.chutich", "write");
    t_member = srv_token(&S, "hd.thanhvien", "write");
    t_secretary = srv_token(&S, "hd.thuky", "write");
    /* The demo made Vĩnh Long's signing key (86). */
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    free(t_producer), free(t_commune), free(t_province), free(t_chair), free(t_member), free(t_secretary);
    return 0;
}


/* ---- the story ----------------------------------------------------------------------------------- */

static void test_story(void **state) {
    (void)state;
    char path[256], body[1024], url[256];
    char *out = NULL, *err = NULL;
    Resp r;

    /* 0. A recognition decided on paper, recorded by the province: product 2's 3★ certificate
    ** expires in 150 days, so its re-evaluation window (180 to 120 days before) is open today. */
    char old_expires[11], old_decided[11];
    date_add_days(today, 150, old_expires);
    date_add_months(old_expires, -36, old_decided);
    snprintf(body, sizeof body, "{\"product_id\": 2, \"stars\": 3, \"level\": \"province\", \"decision_no\": \"512/QĐ-UBND\", "
                                "\"decision_date\": \"%s\", \"cert_no\": \"GCN-VL-%.4s-48\", \"score\": 61.5}", old_decided, old_decided);
    r = call(t_province, "POST", "/api/v1/recognitions", body, 201);
    long long old_rec = jint(r.json, "id");
    snprintf(old_expires, sizeof old_expires, "%s", jstr(r.json, "expires_on"));
    int left = days_between(today, old_expires);
    assert_true(left > 120 && left <= 180);
    assert_string_equal(jstr(r.json, "state"), "valid");
    resp_free(&r);

    /* a. The producer registers a new product and files its first evaluation. */
    r = call(t_producer, "POST", "/api/v1/products",
             "{\"name\": \"Mứt dừa non Thanh Long\", \"set_no\": 7, \"producer_id\": 1, "
             "\"description\": \"Mứt dừa non sên tay, ít đường, không chất bảo quản\"}", 201);
    long long product = jint(r.json, "id");
    char code[40];
    snprintf(code, sizeof code, "%s", jstr(r.json, "code"));
    assert_true(strncmp(code, "86-28903-", 9) == 0);
    assert_true(json_is_null(jpath(r.json, "stars")));
    resp_free(&r);
    long long first = file_dossier("first", product);
    /* Numbered per commune and year, after the demo's own dossiers in Mỏ Cày (demo.c). */
    long long numbered = demo_numbered(year);
    assert_string_equal(act(t_producer, first, "{\"action\": \"submit\"}"), "submitted");
    r = dossier(t_producer, first);
    char reg_no[48];
    snprintf(reg_no, sizeof reg_no, "%02lld/PĐK-86-28903-%s", numbered + 1, year);
    assert_string_equal(jstr(r.json, "reg_no"), reg_no);
    assert_string_equal(jstr(r.json, "filed_on"), today);
    resp_free(&r);

    /* b. The commune receives it: 15 working days (weekends and holidays skipped). */
    assert_string_equal(act(t_commune, first, "{\"action\": \"receive\"}"), "with_commune");
    char due[11];
    assert_int_equal(workday_add(today, 15, due), 0);
    r = dossier(t_commune, first);
    assert_string_equal(jstr(r.json, "received_on"), today);
    assert_string_equal(jstr(r.json, "commune_due"), due);
    assert_true(days_between(today, due) >= 21); /* three weeks at least */
    assert_int_equal(jint(r.json, "commune_working_days_left"), 15);
    assert_false(json_is_true(jpath(r.json, "overdue")));
    resp_free(&r);
    /* Returned for a missing test report; the producer adds it and resubmits. */
    assert_string_equal(act(t_commune, first, "{\"action\": \"return\", \"comment\": \"Bổ sung phiếu kết quả kiểm nghiệm\"}"),
                        "returned");
    evidence(t_producer, first, "test_report", "1.3", "kiem-nghiem.pdf", "Phieu ket qua kiem nghiem so 123/KN");
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", first);
    r = call(t_producer, "PATCH", path, "{\"note\": \"Đã bổ sung phiếu kiểm nghiệm\"}", 200);
    assert_int_equal(jint(r.json, "self_assessment.result.total"), 80);
    resp_free(&r);
    assert_string_equal(act(t_producer, first, "{\"action\": \"resubmit\"}"), "resubmitted");
    assert_string_equal(act(t_commune, first, "{\"action\": \"receive\"}"), "with_commune");
    commune_forwards(first);

    /* c. The province checks it and opens a round with council 1. */
    char forward_by[11], ends_on[11];
    date_add_days(today, 30, forward_by);
    date_add_days(today, 60, ends_on);
    /* Round 6: the demo holds the province's round 1 of the year (demo.c). */
    snprintf(body, sizeof body, "{\"province_code\": \"86\", \"year\": %s, \"number\": 6, \"forward_by\": \"%s\", "
                                "\"ends_on\": \"%s\", \"council_id\": 1}", year, forward_by, ends_on);
    r = call(t_province, "POST", "/api/v1/rounds", body, 201);
    long long round = jint(r.json, "id");
    resp_free(&r);
    province_assigns(first, round);

    /* d. The council scores 78 and 74: average 76.00, band 4 (70 ≤ x < 90), 4 stars. */
    council_scores(first, 4, 78, 74);
    r = dossier(t_producer, first);
    assert_string_equal(jstr(r.json, "state"), "scored");
    assert_true(json_number_value(jpath(r.json, "avg_score")) > 75.999 && json_number_value(jpath(r.json, "avg_score")) < 76.001);
    assert_int_equal(jint(r.json, "band"), 4);
    assert_int_equal(jint(r.json, "stars"), 4);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/minutes", first);
    r = call(t_producer, "GET", path, NULL, 200);
    assert_int_equal(json_array_size(jpath(r.json, "sheets")), 2);
    assert_int_equal(jint(r.json, "result.stars"), 4);
    resp_free(&r);

    /* e. The province's officer records the decision of the People's Committee. */
    snprintf(body, sizeof body, "{\"number\": \"2050/QĐ-UBND\", \"decided_on\": \"%s\", \"level\": \"province\", "
                                "\"signer_name\": \"Nguyễn Văn Mẫu\", \"signer_title\": \"KT. CHỦ TỊCH/PHÓ CHỦ TỊCH\", "
                                "\"note\": \"Đợt 1 năm %s\", \"items\": [{\"dossier_id\": %lld}]}", today, year, first);
    r = call(t_province, "POST", "/api/v1/decisions", body, 201);
    char cert1[40], want[40];
    snprintf(cert1, sizeof cert1, "%s", jstr(r.json, "items.0.cert_no"));
    snprintf(want, sizeof want, "86-%s-0001", year);
    assert_string_equal(cert1, want);
    assert_string_equal(jstr(r.json, "authority"), "Ủy ban nhân dân tỉnh Vĩnh Long");
    resp_free(&r);
    r = dossier(t_producer, first);
    assert_string_equal(jstr(r.json, "state"), "decided");
    resp_free(&r);
    /* The recognition in the registry and the product's stars. */
    char expires1[11];
    date_add_months(today, 36, expires1);
    snprintf(path, sizeof path, "/api/v1/recognitions?product_id=%lld", product);
    r = call(NULL, "GET", path, NULL, 200);
    assert_int_equal(jint(r.json, "total"), 1);
    assert_string_equal(jstr(r.json, "items.0.cert_no"), cert1);
    assert_int_equal(jint(r.json, "items.0.stars"), 4);
    assert_string_equal(jstr(r.json, "items.0.decision_no"), "2050/QĐ-UBND");
    assert_string_equal(jstr(r.json, "items.0.expires_on"), expires1);
    assert_string_equal(jstr(r.json, "items.0.state"), "valid");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/products/%lld", product);
    r = call(NULL, "GET", path, NULL, 200);
    assert_int_equal(jint(r.json, "stars"), 4);
    resp_free(&r);
    /* The certificate, and its PDF as text. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert1);
    r = call(NULL, "GET", path, NULL, 200);
    assert_string_equal(jstr(r.json, "state"), "valid");
    assert_int_equal(jint(r.json, "stars"), 4);
    assert_string_equal(jstr(r.json, "issued_on"), today);
    assert_string_equal(jstr(r.json, "expires_on"), expires1);
    assert_string_equal(jstr(r.json, "product.code"), code);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/xac-minh/%s", S.port, cert1);
    assert_string_equal(jstr(r.json, "verify_url"), url);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s/pdf", cert1);
    r = call(NULL, "GET", path, NULL, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    char pdf[400], txt[400], cmd[1024];
    snprintf(pdf, sizeof pdf, "%s", write_file(S.dir, "cert1.pdf", r.body, r.len));
    resp_free(&r);
    snprintf(txt, sizeof txt, "%s/cert1.txt", S.dir);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' '%s'", pdf, txt);
    assert_int_equal(system(cmd), 0);
    char *text = read_whole(txt, NULL);
    assert_non_null(text);
    char last_day[11]; /* the PDF prints the last valid day, the day before expires_on */
    date_add_days(expires1, -1, last_day);
    char signed_on[64], valid_to[64];
    snprintf(signed_on, sizeof signed_on, "ngày %.2s tháng %.2s năm %.4s", today + 8, today + 5, today);
    snprintf(valid_to, sizeof valid_to, "Có giá trị đến hết ngày %s", dmy(last_day));
    const char *must[] = {"Mứt dừa non Thanh Long", "Đạt hạng 4 sao", "Hợp tác xã Kẹo dừa Thanh Long", "Ấp 2, xã Mỏ Cày",
                          "Quyết định số 2050/QĐ-UBND", cert1, code, signed_on, valid_to, "Nguyễn Văn Mẫu",
                          "ỦY BAN NHÂN DÂN TỈNH VĨNH LONG", "Chế biến từ rau, củ, quả, hạt"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) out_has(text, must[i]);
    free(text);

    /* f. The public verification page, and the signature checked offline through it. */
    snprintf(path, sizeof path, "/xac-minh/%s", cert1);
    r = call(NULL, "GET", path, NULL, 200);
    body_has(&r, "Còn hiệu lực");
    body_has(&r, "Mứt dừa non Thanh Long");
    body_has(&r, dmy(today));
    resp_free(&r);
    const char *verify1[] = {"cert", "verify", url, "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify1, &out, NULL), 0);
    out_has(out, "valid: certificate");
    out_has(out, cert1);
    free(out);

    /* g. The re-evaluation list: 150 days before the new certificate expires it is in the window,
    ** for the day's job and for the province. */
    char in_window[11];
    date_add_days(expires1, -150, in_window);
    const char *run_window[] = {"lifecycle", "run", "--date", in_window, "--db", S.db, NULL};
    assert_int_equal(run_ocop(run_window, &out, NULL), 0);
    out_has(out, "window");
    out_has(out, code);
    out_has(out, "Mứt dừa non Thanh Long");
    free(out);
    snprintf(path, sizeof path, "/api/v1/lifecycle/due?date=%s", in_window);
    r = call(t_province, "GET", path, NULL, 200);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(jpath(r.json, "items"), i, it) {
        if (jint(it, "product.id") != product) continue;
        found = true;
        assert_string_equal(jstr(it, "cert_no"), cert1);
        assert_int_equal(jint(it, "days_left"), 150);
        assert_string_equal(jstr(it, "phase"), "window");
    }
    assert_true(found);
    resp_free(&r);

    /* Product 2's window is open today: listed for the province, then re-evaluated. */
    r = call(t_province, "GET", "/api/v1/lifecycle/due", NULL, 200);
    found = false;
    json_array_foreach(jpath(r.json, "items"), i, it) {
        if (jint(it, "product.id") != 2) continue;
        found = true;
        assert_int_equal(jint(it, "days_left"), left);
        assert_string_equal(jstr(it, "phase"), "window");
        assert_true(json_is_null(jpath(it, "dossier")));
    }
    assert_true(found);
    resp_free(&r);
    long long again = file_dossier("reevaluation", 2);
    assert_string_equal(act(t_producer, again, "{\"action\": \"submit\"}"), "submitted");
    r = call(t_province, "GET", "/api/v1/lifecycle/due", NULL, 200);
    json_array_foreach(jpath(r.json, "items"), i, it)
        if (jint(it, "product.id") == 2) assert_int_equal(jint(it, "dossier.id"), again);
    resp_free(&r);
    assert_string_equal(act(t_commune, again, "{\"action\": \"receive\"}"), "with_commune");
    commune_forwards(again);
    province_assigns(again, round);
    council_scores(again, 3, 62, 58);
    r = dossier(t_province, again);
    assert_int_equal(jint(r.json, "stars"), 3);
    resp_free(&r);

    /* The decision recorded on the command line (the API took the first one). */
    char ids[24], public_url[64];
    snprintf(ids, sizeof ids, "%lld", again);
    snprintf(public_url, sizeof public_url, "http://127.0.0.1:%d", S.port);
    const char *no_signer[] = {"decision", "add", "--number", "2051/QĐ-UBND", "--date", today, "--title", "CHỦ TỊCH", ids,
                               "--db", S.db, NULL};
    assert_int_equal(run_ocop(no_signer, NULL, &err), 2);
    out_has(err, "--signer is required");
    free(err);
    const char *add[] = {"decision", "add", "--number", "2051/QĐ-UBND", "--date", today, "--signer", "Trần Thị Bình",
                         "--title", "KT. CHỦ TỊCH/PHÓ CHỦ TỊCH", "--note", "Đánh giá lại", "--public-url", public_url, ids,
                         "--db", S.db, NULL};
    int rc = run_ocop(add, &out, &err);
    if (rc != 0) fprintf(stderr, "%s%s", out, err);
    assert_int_equal(rc, 0);
    char cert2[40];
    snprintf(cert2, sizeof cert2, "86-%s-0002", year);
    out_has(out, "2051/QĐ-UBND");
    out_has(out, "Ủy ban nhân dân tỉnh Vĩnh Long");
    out_has(out, cert2);
    out_has(out, "Kẹo dừa lá dứa Thanh Long");
    free(out), free(err);
    /* A dossier is decided once, on the command line as elsewhere. */
    const char *twice[] = {"decision", "add", "--number", "2052/QĐ-UBND", "--date", today, "--signer", "Trần Thị Bình",
                           "--title", "KT. CHỦ TỊCH/PHÓ CHỦ TỊCH", ids, "--db", S.db, NULL};
    assert_int_equal(run_ocop(twice, &out, &err), 1);
    out_has(err, "decided already");
    free(out), free(err);
    const char *list[] = {"decision", "list", "--province", "86", "--db", S.db, NULL};
    assert_int_equal(run_ocop(list, &out, NULL), 0);
    out_has(out, "2050/QĐ-UBND");
    out_has(out, "2051/QĐ-UBND");
    out_has(out, cert1);
    free(out);
    r = call(NULL, "GET", "/api/v1/decisions?province=86", NULL, 200);
    assert_int_equal(jint(r.json, "total"), 2 + 4); /* and the demo's own 4 (README) */
    assert_string_equal(jstr(r.json, "items.0.signer_name"), "Trần Thị Bình");
    resp_free(&r);
    r = dossier(t_producer, again);
    assert_string_equal(jstr(r.json, "state"), "decided");
    resp_free(&r);
    /* The paper-era recognition has ended, superseded by the new one. */
    r = call(NULL, "GET", "/api/v1/recognitions?product_id=2&sort=-decision_date", NULL, 200);
    assert_string_equal(jstr(r.json, "items.0.cert_no"), cert2);
    assert_string_equal(jstr(r.json, "items.0.state"), "valid");
    assert_int_equal(jint(r.json, "items.1.id"), old_rec);
    assert_string_equal(jstr(r.json, "items.1.ended"), "superseded");
    assert_string_equal(jstr(r.json, "items.1.ended_on"), today);
    assert_string_equal(jstr(r.json, "items.1.state"), "superseded");
    resp_free(&r);
    /* The new certificate's page is valid, and its signature checks out through it. */
    snprintf(path, sizeof path, "/xac-minh/%s", cert2);
    r = call(NULL, "GET", path, NULL, 200);
    body_has(&r, "Còn hiệu lực");
    body_has(&r, "Kẹo dừa lá dứa Thanh Long");
    resp_free(&r);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/xac-minh/%s", S.port, cert2);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert2);
    r = call(NULL, "GET", path, NULL, 200);
    assert_string_equal(jstr(r.json, "verify_url"), url); /* --public-url, as ocop serve's */
    assert_string_equal(jstr(r.json, "decision.number"), "2051/QĐ-UBND");
    resp_free(&r);
    /* The command line stored the PDF where the server finds it. */
    snprintf(path, sizeof path, "/api/v1/certificates/%s/pdf", cert2);
    r = call(NULL, "GET", path, NULL, 200);
    assert_memory_equal(r.body, "%PDF-", 5);
    resp_free(&r);
    /* Re-recognised for 36 months: no longer due. */
    r = call(t_province, "GET", "/api/v1/lifecycle/due", NULL, 200);
    json_array_foreach(jpath(r.json, "items"), i, it) assert_int_not_equal(jint(it, "product.id"), 2);
    resp_free(&r);
    const char *verify2[] = {"cert", "verify", url, "--db", S.db, NULL};
    assert_int_equal(run_ocop(verify2, &out, NULL), 0);
    out_has(out, cert2);
    free(out);

    /* The cooperative stops making product 2: the province revokes its certificate. */
    const char *bad_ground[] = {"certificate", "revoke", cert2, "--ground", "disliked", "--number", "77/QĐ-UBND", "--date",
                                today, "--db", S.db, NULL};
    assert_int_equal(run_ocop(bad_ground, NULL, &err), 1);
    out_has(err, "ceased_production");
    free(err);
    const char *revoke[] = {"certificate", "revoke", cert2, "--ground", "ceased_production", "--number", "77/QĐ-UBND",
                            "--date", today, "--note", "Hợp tác xã ngừng sản xuất sản phẩm", "--db", S.db, NULL};
    assert_int_equal(run_ocop(revoke, &out, &err), 0);
    out_has(out, "revoked");
    out_has(out, "Điều 8.1");
    free(out), free(err);
    assert_int_equal(run_ocop(revoke, NULL, &err), 1);
    out_has(err, "ended already");
    free(err);
    snprintf(path, sizeof path, "/xac-minh/%s", cert2);
    r = call(NULL, "GET", path, NULL, 200);
    body_has(&r, "Đã thu hồi");
    body_has(&r, "Hợp tác xã ngừng sản xuất sản phẩm");
    resp_free(&r);

    /* h. The day's job on the first certificate's expiry: expired, shown on its page; the
    ** revoked one stays revoked. */
    expire_yesterday(S.db, cert1); /* time passes: the day has come */
    const char *run_expiry[] = {"lifecycle", "run", "--db", S.db, NULL};
    assert_int_equal(run_ocop(run_expiry, &out, NULL), 0);
    out_has(out, "expired");
    out_has(out, cert1);
    if (strstr(out, cert2)) fprintf(stderr, "a revoked certificate expired:\n%s\n", out);
    assert_null(strstr(out, cert2));
    free(out);
    snprintf(path, sizeof path, "/xac-minh/%s", cert1);
    r = call(NULL, "GET", path, NULL, 200);
    body_has(&r, "Hết hạn");
    assert_null(strstr(r.body, "Còn hiệu lực"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert1);
    r = call(NULL, "GET", path, NULL, 200);
    assert_string_equal(jstr(r.json, "state"), "expired");
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/certificates/%s", cert2);
    r = call(NULL, "GET", path, NULL, 200);
    assert_string_equal(jstr(r.json, "state"), "revoked");
    assert_string_equal(jstr(r.json, "revocation.clause"), "Điều 8.1.đ");
    resp_free(&r);

    /* Every step is in the history of the first dossier, oldest first. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/events", first);
    r = call(t_producer, "GET", path, NULL, 200);
    const char *steps[] = {"submit", "receive", "return", "resubmit", "receive", "forward", "check", "assign",
                           "close_scoring", "decide"};
    const char *who[] = {"chuthe.thanhlong", "xa.mocay", "xa.mocay", "chuthe.thanhlong", "xa.mocay", "xa.mocay",
                         "tinh.vinhlong", "tinh.vinhlong", "hd.thuky", "tinh.vinhlong"};
    json_t *ev = jpath(r.json, "items");
    if (json_array_size(ev) != sizeof steps / sizeof steps[0]) fprintf(stderr, "history: %s\n", r.body);
    assert_int_equal(json_array_size(ev), sizeof steps / sizeof steps[0]);
    json_array_foreach(ev, i, it) {
        assert_string_equal(jstr(it, "action"), steps[i]);
        assert_string_equal(jstr(it, "user"), who[i]);
    }
    assert_string_equal(jstr(ev, "2.comment"), "Bổ sung phiếu kết quả kiểm nghiệm");
    assert_string_equal(jstr(ev, "9.to"), "decided");
    resp_free(&r);

    /* Both dossiers carry their registration numbers (Mẫu 01), numbered per commune and year
    ** (editing the returned first dossier once cleared its internal numbering: pinned here). */
    r = dossier(t_producer, first);
    assert_string_equal(jstr(r.json, "reg_no"), reg_no);
    resp_free(&r);
    r = dossier(t_producer, again);
    snprintf(reg_no, sizeof reg_no, "%02lld/PĐK-86-28903-%s", numbered + 2, year);
    if (strcmp(jstr(r.json, "reg_no"), reg_no)) fprintf(stderr, "the re-evaluation dossier: %.400s\n", r.body);
    assert_string_equal(jstr(r.json, "reg_no"), reg_no);
    assert_string_equal(jstr(r.json, "filed_on"), today);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_story),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
