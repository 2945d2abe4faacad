/*
** test_dossier.c: the evaluation procedure up to the council's round, end to end over HTTP on
** the demo data, each step by the role the law gives it: the producer files (self-assessment,
** evidence, submission with its registration number), the commune receives (15 working days),
** returns for changes, assesses the four local-origin items and forwards, the province checks
** and puts the dossier in a round, the council then sees it. Every refusal is checked too:
** wrong state, wrong role, outside the scope, missing pieces, a round that does not take it.
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

static Server S;

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
static char *t_producer, *t_commune, *t_province, *t_member, *t_other_commune, *t_admin;

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    const char *other[] = {"commune:28870", NULL}, *admin[] = {"admin", NULL};
    srv_user(&S, "xa.cholach", other);
    srv_user(&S, "root", admin);
    t_producer = srv_token(&S, "chuthe.thanhlong", "write");
    t_commune = srv_token(&S, "xa.mocay", "write");
    t_province = srv_token(&S, "tinh.vinhlong", "write");
    t_member = srv_token(&S, "hd.thanhvien", "write");
    t_other_commune = srv_token(&S, "xa.cholach", "write");
    t_admin = srv_token(&S, "root", "write");
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    free(t_producer), free(t_commune), free(t_province), free(t_member), free(t_other_commune), free(t_admin);
    return 0;
}

static Resp as(const char *token, const char *method, const char *path, const char *json) {
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", token);
    const char *hs[] = {h, NULL};
    return http_req_h(&S, hs, method, path, json ? "application/json" : NULL, json, json ? strlen(json) : 0);
}

/* Take an action; returns the new state (static buffer) after checking the status. */
static const char *act(const char *token, long long id, const char *body, long status, const char *field) {
    static char state[32];
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    Resp r = as(token, "POST", path, body);
    expect_status(&r, status, field);
    snprintf(state, sizeof state, "%s", status == 200 ? jstr(r.json, "state") : "");
    resp_free(&r);
    return state;
}

static long long create(const char *token, const char *body, long status, const char *field) {
    Resp r = as(token, "POST", "/api/v1/dossiers", body);
    expect_status(&r, status, field);
    long long id = status == 201 ? jint(r.json, "id") : 0;
    resp_free(&r);
    return id;
}

static const char *SELF = "{\"choices\": {\"1.1\": 2, \"1.2\": 1, \"1.3\": 1, \"2.1\": 1}}";
static const char *REPORT =
    "{\"items\": {\"origin\": {\"met\": true, \"note\": \"Dừa trồng tại xã Mỏ Cày\"}, \"labour\": {\"met\": true}, "
    "\"idea\": {\"met\": true}, \"identity\": {\"met\": false, \"note\": \"Bao bì chưa thể hiện bản sắc\"}}, "
    "\"comment\": \"Đủ điều kiện chuyển tỉnh\"}";

static void test_filing_rules(void **state) {
    (void)state;
    /* Product 1 holds 4 stars until 2027-12-20: no first evaluation, no re-evaluation yet. */
    create(t_producer, "{\"kind\": \"first\", \"product_id\": 1}", 422, "kind");
    create(t_producer, "{\"kind\": \"reevaluation\", \"product_id\": 1}", 422, "kind");
    long long up = create(t_producer, "{\"kind\": \"upgrade\", \"product_id\": 1}", 201, NULL);
    /* Another producer's product: not the producer's to file. */
    create(t_producer, "{\"kind\": \"first\", \"product_id\": 3}", 403, "producer_id");
    /* Council members do not file. */
    create(t_member, "{\"kind\": \"first\", \"product_id\": 2}", 403, NULL);
    /* A draft may be deleted; anonymous readers see nothing. */
    char path[64];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", up);
    Resp r = http_req_h(&S, (const char *[]){NULL}, "GET", path, NULL, NULL, 0);
    expect_status(&r, 401, NULL);
    resp_free(&r);
    r = as(t_producer, "DELETE", path, NULL);
    expect_status(&r, 204, NULL);
    resp_free(&r);
}

static void test_procedure(void **state) {
    (void)state;
    long long id = create(t_producer, "{\"kind\": \"first\", \"product_id\": 2, \"note\": \"Lần đầu\"}", 201, NULL);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    Resp r = as(t_producer, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "state"), "draft");
    assert_string_equal(jstr(r.json, "rubric_version"), "26-2026");
    assert_int_equal(jint(r.json, "set_no"), 7);
    assert_int_equal(jint(r.json, "samples"), 5);
    assert_string_equal(jstr(r.json, "province_code"), "86");
    assert_string_equal(jstr(r.json, "commune_code_old"), "28940"); /* the product's before 2025: the old map's count */
    assert_string_equal(jstr(r.json, "product.name"), "Kẹo dừa lá dứa Thanh Long");
    resp_free(&r);

    /* Submitting needs the self-assessment (Mẫu 02). */
    assert_string_equal(act(t_producer, id, "{\"action\": \"submit\"}", 422, "self_assessment"), "");
    char sub[256];
    snprintf(sub, sizeof sub, "%s/self-assessment", path);
    r = as(t_producer, "PUT", sub, "{\"choices\": {\"1.1\": 9}}");
    expect_status(&r, 422, "choices.1.1");
    resp_free(&r);
    r = as(t_producer, "PUT", sub, SELF);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "self_assessment.result.parts.A"), 3 + 1 + 2 + 1); /* set 7: 1.1[2]=3 1.2[1]=1 1.3[1]=2 2.1[1]=1 */
    resp_free(&r);

    /* Evidence: a PDF for criterion 1.1; read back by those in scope only. */
    static const char pdf[] = "%PDF-1.4\n% giay chung nhan ATTP\n";
    snprintf(sub, sizeof sub, "%s/files?kind=food_safety&criterion=1.1&filename=attp.pdf", path);
    char h[128];
    snprintf(h, sizeof h, "Authorization: Bearer %s", t_producer);
    r = http_req_h(&S, (const char *[]){h, NULL}, "POST", sub, "application/pdf", pdf, sizeof pdf - 1);
    expect_status(&r, 201, NULL);
    char url[160], sha[65];
    snprintf(url, sizeof url, "%s", jstr(r.json, "url"));
    snprintf(sha, sizeof sha, "%s", jstr(r.json, "sha256"));
    resp_free(&r);
    /* The same bytes again, described otherwise: one file, as now described. */
    snprintf(sub, sizeof sub, "%s/files?kind=test_report&criterion=1.2&filename=kiem-nghiem.pdf", path);
    r = http_req_h(&S, (const char *[]){h, NULL}, "POST", sub, "application/pdf", pdf, sizeof pdf - 1);
    expect_status(&r, 200, NULL);
    resp_free(&r);
    snprintf(sub, sizeof sub, "%s/files", path);
    r = as(t_producer, "GET", sub, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 1);
    assert_string_equal(jstr(r.json, "items.0.kind"), "test_report");
    assert_string_equal(jstr(r.json, "items.0.filename"), "kiem-nghiem.pdf");
    resp_free(&r);
    snprintf(sub, sizeof sub, "%s/files?kind=label&criterion=99.9", path);
    r = http_req_h(&S, (const char *[]){h, NULL}, "POST", sub, "application/pdf", pdf, sizeof pdf - 1);
    expect_status(&r, 422, "criterion");
    resp_free(&r);
    r = as(t_producer, "GET", url, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(r.len, sizeof pdf - 1);
    resp_free(&r);
    r = as(t_other_commune, "GET", url, NULL);
    expect_status(&r, 404, NULL);
    resp_free(&r);
    char pub[96];
    snprintf(pub, sizeof pub, "/files/%s", sha); /* evidence is not served publicly */
    r = http_get(&S, pub);
    expect_status(&r, 404, NULL);
    resp_free(&r);

    /* Submit: a registration number NN/PĐK-(T)-(X)-(Năm). */
    snprintf(sub, sizeof sub, "%s", path);
    r = as(t_producer, "GET", path, NULL);
    resp_free(&r);
    assert_string_equal(act(t_producer, id, "{\"action\": \"submit\"}", 200, NULL), "submitted");
    r = as(t_producer, "GET", path, NULL);
    /* Numbered last, after the demo's own dossiers in Mỏ Cày this year (demo.c). */
    char reg_no[48];
    snprintf(reg_no, sizeof reg_no, "%02lld/PĐK-86-28903-2026", demo_numbered("2026"));
    assert_string_equal(jstr(r.json, "reg_no"), reg_no);
    assert_non_null(jstr(r.json, "filed_on"));
    resp_free(&r);
    /* No longer editable by the producer. */
    r = as(t_producer, "PATCH", path, "{\"note\": \"sửa\"}");
    expect_status(&r, 409, "state");
    resp_free(&r);

    /* The commune receives: the producer may not, another commune cannot even see it. */
    act(t_producer, id, "{\"action\": \"receive\"}", 403, "action");
    act(t_other_commune, id, "{\"action\": \"receive\"}", 404, NULL);
    assert_string_equal(act(t_commune, id, "{\"action\": \"receive\"}", 200, NULL), "with_commune");
    r = as(t_commune, "GET", path, NULL);
    assert_non_null(jstr(r.json, "commune_due"));
    assert_true(strcmp(jstr(r.json, "commune_due"), jstr(r.json, "received_on")) > 0);
    assert_false(json_is_true(jpath(r.json, "overdue")));
    assert_true(jint(r.json, "commune_working_days_left") == 15);
    resp_free(&r);

    /* Returned for changes (a comment is required), changed, resubmitted, received again. */
    act(t_commune, id, "{\"action\": \"return\"}", 422, "comment");
    assert_string_equal(act(t_commune, id, "{\"action\": \"return\", \"comment\": \"Bổ sung phiếu kiểm nghiệm\"}", 200, NULL),
                        "returned");
    r = as(t_producer, "PATCH", path, "{\"note\": \"Đã bổ sung\"}");
    expect_status(&r, 200, NULL);
    /* Editing keeps what the record holds beside its fields (the self-assessment). */
    assert_int_equal(jint(r.json, "self_assessment.result.parts.A"), 7);
    assert_string_equal(jstr(r.json, "note"), "Đã bổ sung");
    resp_free(&r);
    assert_string_equal(act(t_producer, id, "{\"action\": \"resubmit\"}", 200, NULL), "resubmitted");
    assert_string_equal(act(t_commune, id, "{\"action\": \"receive\"}", 200, NULL), "with_commune");

    /* Forwarding needs the commune's report on the four local-origin items. */
    act(t_commune, id, "{\"action\": \"forward\"}", 422, "commune_report");
    snprintf(sub, sizeof sub, "%s/commune-report", path);
    r = as(t_commune, "PUT", sub, "{\"items\": {\"origin\": {\"met\": \"yes\"}}}");
    expect_status(&r, 422, "items.origin");
    resp_free(&r);
    r = as(t_producer, "PUT", sub, REPORT);
    expect_status(&r, 403, NULL);
    resp_free(&r);
    r = as(t_commune, "PUT", sub, REPORT);
    expect_status(&r, 200, NULL);
    assert_false(json_is_true(jpath(r.json, "commune_report.items.identity.met")));
    resp_free(&r);
    assert_string_equal(act(t_commune, id, "{\"action\": \"forward\"}", 200, NULL), "forwarded");

    /* The province checks; a council member cannot see it until it is in the council's round. */
    act(t_commune, id, "{\"action\": \"check\"}", 403, "action");
    assert_string_equal(act(t_province, id, "{\"action\": \"check\"}", 200, NULL), "checked");
    r = as(t_member, "GET", path, NULL);
    expect_status(&r, 404, NULL);
    resp_free(&r);
    /* Round 2 of 2026 takes dossiers forwarded by 30/10: this one came later. */
    r = as(t_province, "POST", "/api/v1/rounds", "{\"province_code\": \"86\", \"year\": 2026, \"number\": 2, \"council_id\": 1}");
    expect_status(&r, 201, NULL);
    assert_string_equal(jstr(r.json, "forward_by"), "2026-10-30");
    assert_string_equal(jstr(r.json, "ends_on"), "2026-12-30");
    long long late = jint(r.json, "id");
    resp_free(&r);
    char body[128];
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", late);
    act(t_province, id, body, 409, "round_id");
    r = as(t_commune, "POST", "/api/v1/rounds", "{\"province_code\": \"86\", \"year\": 2026, \"number\": 3}");
    expect_status(&r, 403, NULL);
    resp_free(&r);
    r = as(t_province, "POST", "/api/v1/rounds",
           "{\"province_code\": \"86\", \"year\": 2026, \"number\": 3, \"forward_by\": \"2026-12-31\", "
           "\"ends_on\": \"2026-12-31\", \"council_id\": 1}");
    expect_status(&r, 201, NULL);
    long long round = jint(r.json, "id");
    resp_free(&r);
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    assert_string_equal(act(t_province, id, body, 200, NULL), "in_round");
    r = as(t_member, "GET", path, NULL);
    expect_status(&r, 200, NULL);
    resp_free(&r);
    r = as(t_member, "GET", "/api/v1/dossiers", NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 1 + 1); /* and the demo's, waiting in round 1 of council 1 */
    resp_free(&r);

    /* Illegal moves. */
    act(t_province, id, "{\"action\": \"check\"}", 409, "action");
    act(t_province, id, "{\"action\": \"approve\"}", 422, "action");
    act(t_member, id, "{\"action\": \"withdraw\"}", 403, NULL);

    /* The history, oldest first. */
    snprintf(sub, sizeof sub, "%s/events", path);
    r = as(t_producer, "GET", sub, NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(json_array_size(jpath(r.json, "items")), 8);
    assert_string_equal(jstr(r.json, "items.0.action"), "submit");
    assert_string_equal(jstr(r.json, "items.2.comment"), "Bổ sung phiếu kiểm nghiệm");
    assert_string_equal(jstr(r.json, "items.7.to"), "in_round");
    resp_free(&r);

    /* The audit trail has every step. */
    char q[128];
    snprintf(q, sizeof q, "/api/v1/audit?entity=dossiers&entity_id=%lld&per_page=100", id);
    r = as(t_admin, "GET", q, NULL);
    expect_status(&r, 200, NULL);
    assert_true(jint(r.json, "total") >= 13);
    resp_free(&r);

    /* Withdrawn by the producer; then it cannot be deleted. */
    assert_string_equal(act(t_producer, id, "{\"action\": \"withdraw\", \"comment\": \"Chưa đủ sản lượng\"}", 200, NULL),
                        "withdrawn");
    r = as(t_producer, "DELETE", path, NULL);
    expect_status(&r, 409, "state");
    resp_free(&r);
}

static void test_scope_and_overdue(void **state) {
    (void)state;
    long long id = create(t_commune, "{\"kind\": \"first\", \"product_id\": 3}", 201, NULL); /* on the producer's behalf */
    char path[96];
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    Resp r = as(t_commune, "PUT", path, SELF);
    expect_status(&r, 200, NULL);
    resp_free(&r);
    assert_string_equal(act(t_commune, id, "{\"action\": \"submit\"}", 200, NULL), "submitted");
    assert_string_equal(act(t_commune, id, "{\"action\": \"receive\"}", 200, NULL), "with_commune");
    /* The producer of product 3 is not chuthe.thanhlong: 404 for it, as for the other commune. */
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = as(t_producer, "GET", path, NULL);
    expect_status(&r, 404, NULL);
    resp_free(&r);
    r = as(t_other_commune, "GET", "/api/v1/dossiers", NULL);
    expect_status(&r, 200, NULL);
    assert_int_equal(jint(r.json, "total"), 0);
    resp_free(&r);
    /* Past the commune's deadline: flagged and listed as overdue. The demo has one overdue
    ** dossier of its own in Mỏ Cày (demo.c): count from it. */
    r = as(t_commune, "GET", "/api/v1/dossiers?overdue=true", NULL);
    long long late = jint(r.json, "total");
    assert_int_equal(late, 1);
    resp_free(&r);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof sql, "UPDATE dossiers SET commune_due = '2026-01-05' WHERE id = %lld", id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    r = as(t_commune, "GET", "/api/v1/dossiers?overdue=true", NULL);
    assert_int_equal(jint(r.json, "total"), late + 1);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld", id);
    r = as(t_commune, "GET", path, NULL);
    assert_true(json_is_true(jpath(r.json, "overdue")));
    assert_true(jint(r.json, "commune_working_days_left") < 0);
    resp_free(&r);
    r = as(t_province, "GET", "/api/v1/dossiers?state=with_commune", NULL);
    assert_int_equal(jint(r.json, "total"), 1 + 2); /* and the demo's two */
    resp_free(&r);
}

/* The command line: rounds, the list of dossiers, an action, the history. */
static void test_cli(void **state) {
    (void)state;
    char *out = NULL, *err = NULL;
    const char *add[] = {"round", "add", "86", "2027", "1", "--council", "1", "--db", S.db, NULL};
    assert_int_equal(run_ocop(add, &out, &err), 0);
    assert_non_null(strstr(out, "round"));
    free(out), free(err);
    const char *list[] = {"round", "list", "--province", "86", "--db", S.db, NULL};
    assert_int_equal(run_ocop(list, &out, &err), 0);
    assert_non_null(strstr(out, "2027-04-30")); /* round 1: dossiers forwarded by 30/4 */
    free(out), free(err);
    long long id = create(t_producer, "{\"kind\": \"first\", \"product_id\": 2}", 201, NULL);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    const char *bad[] = {"dossier", "act", ids, "receive", "--db", S.db, NULL};
    assert_int_equal(run_ocop(bad, &out, &err), 1);
    assert_non_null(strstr(err, "cannot receive a dossier that is draft"));
    free(out), free(err);
    const char *wd[] = {"dossier", "act", ids, "withdraw", "--comment", "Nộp nhầm", "--db", S.db, NULL};
    assert_int_equal(run_ocop(wd, &out, &err), 0);
    assert_non_null(strstr(out, "now withdrawn"));
    free(out), free(err);
    const char *ls[] = {"dossier", "list", "--state", "withdrawn", "--db", S.db, NULL};
    assert_int_equal(run_ocop(ls, &out, &err), 0);
    assert_non_null(strstr(out, "Kẹo dừa lá dứa Thanh Long"));
    free(out), free(err);
    const char *show[] = {"dossier", "show", ids, "--db", S.db, NULL};
    assert_int_equal(run_ocop(show, &out, &err), 0);
    json_t *d = json_loads(out, 0, NULL);
    assert_string_equal(jstr(d, "events.0.comment"), "Nộp nhầm");
    assert_true(strncmp(jstr(d, "events.0.user"), "cli:", 4) == 0);
    json_decref(d);
    free(out), free(err);
}

static void test_transitions_published(void **state) {
    (void)state;
    Resp r = http_get(&S, "/api/v1/dossier-transitions");
    expect_status(&r, 200, NULL);
    assert_string_equal(jstr(r.json, "items.0.action"), "submit");
    assert_string_equal(jstr(r.json, "items.0.to"), "submitted");
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filing_rules),
        cmocka_unit_test(test_procedure),
        cmocka_unit_test(test_scope_and_overdue),
        cmocka_unit_test(test_cli),
        cmocka_unit_test(test_transitions_published),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
