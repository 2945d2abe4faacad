/*
** test_perm.c: the permission matrix. Every route of the route table (read from routes[] of
** the binary's own library, so a new route cannot be forgotten) is called over real HTTP by
** anonymous and by one user per role, on an object inside the roles' scope (Vĩnh Long: commune
** Mỏ Cày 28903, producer 1, the demo council) and on one outside it (An Giang: commune 30316,
** producer 12), and the answer is compared with the table below.
**
** Classes: o = allowed and done (2xx); v = allowed, the handler refused the (deliberately
** incomplete) input (400, 409, 415, 422); U = 401 (on a page: a 303 to the sign-in page);
** F = 403; N = 404 (outside the caller's scope).
** Columns: anonymous, admin, province 86, commune 28903, council chair, member, secretary of the
** demo council, producer 1 (confirmed).
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
#include "page.h"
#include "route.h"

enum { ANON, ADMIN, PROV, COMM, CHAIR, MEMB, SECR, PROD, NROLES };
static const char *const role_user[NROLES] = {NULL, "m.admin", "m.tinh", "m.xa", "m.chutich", "m.thanhvien", "m.thuky", "m.chuthe"};
static const char *const role_spec[NROLES] = {NULL, "admin", "province:86", "commune:28903", "council_chair:1",
                                              "council_member:1", "council_secretary:1", "producer:1"};

typedef struct Expect {
    const char *route, *in, *out;
} Expect;

/* The policy. "in" and "out" list the class for each column (see the top of this file). */
static const Expect expect[] = {
    {"home", "oooooooo", "oooooooo"},
    {"healthz", "oooooooo", "oooooooo"},
    {"metrics", "UoFFFFFF", "UoFFFFFF"},
    {"version", "oooooooo", "oooooooo"},
    {"units.list", "oooooooo", "oooooooo"},
    {"units.get", "oooooooo", "oooooooo"},
    {"units.children", "oooooooo", "oooooooo"},
    {"product_sets.list", "oooooooo", "oooooooo"},
    {"search", "oooooooo", "oooooooo"},
    {"stats", "oooooooo", "oooooooo"},
    {"rubrics.list", "oooooooo", "oooooooo"},
    {"rubrics.get", "oooooooo", "oooooooo"},
    {"rubrics.set", "oooooooo", "oooooooo"},
    {"rubrics.evaluate", "oooooooo", "oooooooo"},
    {"import", "UoooFFFF", "UovvFFFF"},
    /* evaluation: rounds are public to read; dossiers only within the scope (council roles: the
    ** dossiers in their council's rounds) */
    {"rounds.list", "oooooooo", "oooooooo"},
    {"rounds.export", "oooooooo", "oooooooo"},
    {"rounds.get", "oooooooo", "oooooooo"},
    {"rounds.create", "UooFFFFF", "UoFFFFFF"},
    {"rounds.update", "UooFFFFF", "UoNFFFFF"},
    {"rounds.replace", "UvvFFFFF", "UvNFFFFF"},
    {"rounds.delete", "UooFFFFF", "UoNFFFFF"},
    {"dossiers.transitions", "oooooooo", "oooooooo"},
    {"dossiers.list", "Uooooooo", "Uooooooo"},
    {"dossiers.export", "Uooooooo", "Uooooooo"},
    {"dossiers.get", "Uooooooo", "UoNNNNNN"},
    {"dossiers.create", "UoooFFFo", "UoFFFFFF"},
    {"dossiers.update", "UoooFFFo", "UoNNFFFN"},
    {"dossiers.replace", "UvvvFFFv", "UvNNFFFN"},
    {"dossiers.delete", "UoooFFFo", "UoNNFFFN"},
    {"dossiers.act", "UvvvFFFv", "UvNNFFFN"},
    {"dossiers.events", "Uooooooo", "UoNNNNNN"},
    {"dossiers.self_assessment", "UoooFFFo", "UoNNFFFN"},
    {"dossiers.commune_report", "UvvvFFFv", "UvNNFFFN"},
    {"dossiers.files.list", "Uooooooo", "UoNNNNNN"},
    {"dossiers.files.add", "UoooFFFo", "UoNNFFFN"},
    {"dossiers.files.get", "Uooooooo", "UoNNNNNN"},
    {"dossiers.files.delete", "UoooFFFo", "UoNNFFFN"},
    /* the council's scoring: what each position may do is decided by scoring.c */
    {"dossiers.council", "UooFoooF", "UoNNNNNN"},
    {"dossiers.conflicts", "UvFFvvvF", "UvFFNNNF"},
    {"dossiers.scores", "UooFoooF", "UoNNNNNN"},
    {"dossiers.scores.save", "UFFFooFF", "UFFFNNNF"},
    {"dossiers.scores.rescore", "UFFFoFFF", "UFFFNNNF"},
    {"dossiers.scores.close", "UFFFvFvF", "UFFFNNNF"},
    {"dossiers.minutes", "UooFFFoF", "UoNNNNNN"},
    /* decisions, certificates, lifecycle (decision.c) */
    {"decisions.list", "oooooooo", "oooooooo"},
    {"decisions.create", "UvvFFFFF", "UvvFFFFF"},
    {"decisions.get", "oooooooo", "oooooooo"},
    {"certificates.list", "oooooooo", "oooooooo"},
    {"certificates.get", "oooooooo", "oooooooo"},
    {"certificates.pdf", "oooooooo", "oooooooo"},
    {"certificates.revoke", "UvvFFFFF", "UvNFFFFF"},
    {"revocation_grounds.list", "oooooooo", "oooooooo"},
    {"lifecycle.due", "Uooooooo", "Uooooooo"},
    {"verify.lookup", "oooooooo", "oooooooo"},
    {"verify.page", "oooooooo", "oooooooo"},
    {"products.page", "oooooooo", "oooooooo"},
    {"producers.page", "oooooooo", "oooooooo"},
    {"points.page", "oooooooo", "oooooooo"},
    {"villages.page", "oooooooo", "oooooooo"},
    {"products.list_page", "oooooooo", "oooooooo"},
    {"producers.list_page", "oooooooo", "oooooooo"},
    {"points.list_page", "oooooooo", "oooooooo"},
    {"villages.list_page", "oooooooo", "oooooooo"},
    {"stats.page", "oooooooo", "oooooooo"},
    {"static", "oooooooo", "oooooooo"},
    /* the account pages: a page's POST takes a form, so the matrix's JSON body is 415 (v) */
    {"signin.page", "oooooooo", "oooooooo"},
    {"signin.post", "vvvvvvvv", "vvvvvvvv"},
    {"signout.post", "Uvvvvvvv", "Uvvvvvvv"},
    {"register.page", "oooooooo", "oooooooo"},
    {"register.post", "vvvvvvvv", "vvvvvvvv"},
    {"account.page", "Uooooooo", "Uooooooo"},
    /* the workspaces (page_work.h): a page of a role the caller does not hold is F */
    {"work.page", "Uooooooo", "Uooooooo"},
    {"sheet.try", "oooooooo", "oooooooo"},
    {"sheet.try_post", "vvvvvvvv", "vvvvvvvv"},
    {"dossiers.step", "UvvvFFFv", "UvNNFFFN"},
    /* the producer's portal (page_portal.c): producers only; another producer's record is N */
    {"portal.producer", "UFFFFFFo", "UFFFFFFo"},
    {"portal.producer_save", "UFFFFFFv", "UFFFFFFv"},
    {"portal.products", "UFFFFFFo", "UFFFFFFo"},
    {"portal.product_new", "UFFFFFFo", "UFFFFFFo"},
    {"portal.product_create", "UFFFFFFv", "UFFFFFFv"},
    {"products.portal_page", "UFFFFFFo", "UFFFFFFN"},
    {"products.portal_save", "UFFFFFFv", "UFFFFFFN"},
    {"products.portal_photo_add", "UFFFFFFv", "UFFFFFFN"},
    {"products.portal_photo_delete", "UFFFFFFv", "UFFFFFFN"},
    {"portal.dossiers", "UFFFFFFo", "UFFFFFFo"},
    {"portal.dossier_new", "UFFFFFFo", "UFFFFFFo"},
    {"portal.dossier_create", "UFFFFFFv", "UFFFFFFv"},
    {"dossiers.portal_page", "UFFFFFFo", "UFFFFFFN"},
    {"dossiers.portal_registration", "UFFFFFFo", "UFFFFFFN"},
    {"dossiers.portal_registration_save", "UFFFFFFv", "UFFFFFFN"},
    {"dossiers.portal_sheet", "UFFFFFFo", "UFFFFFFN"},
    {"dossiers.portal_sheet_save", "UFFFFFFv", "UFFFFFFN"},
    {"dossiers.portal_evidence", "UFFFFFFo", "UFFFFFFN"},
    {"dossiers.portal_evidence_add", "UFFFFFFv", "UFFFFFFN"},
    {"dossiers.portal_evidence_delete", "UFFFFFFv", "UFFFFFFN"},
    /* the council's workspace (page_council.c): its three positions only; the minutes once a
    ** member has submitted (the secretary at once) */
    {"council.list", "UFFFoooF", "UFFFoooF"},
    {"dossiers.sheet_page", "UFFFoooF", "UFFFNNNF"},
    {"dossiers.sheet_post", "UFFFvvvF", "UFFFNNNF"},
    {"dossiers.conflict_post", "UFFFvvvF", "UFFFNNNF"},
    {"dossiers.council_page", "UFFFoooF", "UFFFNNNF"},
    {"dossiers.council_act", "UFFFvvvF", "UFFFNNNF"},
    {"dossiers.minutes_pdf", "UFFFFFoF", "UFFFNNNF"},
    /* the province officer's workspace (page_province.c): a page's POST takes a form (v) */
    {"dossiers.province_list", "UooFFFFF", "UooFFFFF"},
    {"dossiers.province_page", "UooFFFFF", "UoNFFFFF"},
    {"rounds.province_list", "UooFFFFF", "UooFFFFF"},
    {"rounds.new_page", "UooFFFFF", "UooFFFFF"},
    {"rounds.new_post", "UvvFFFFF", "UvvFFFFF"},
    {"rounds.province_page", "UooFFFFF", "UoNFFFFF"},
    {"rounds.province_update", "UvvFFFFF", "UvNFFFFF"},
    {"rounds.province_assign", "UvvFFFFF", "UvNFFFFF"},
    {"councils.province_list", "UooFFFFF", "UooFFFFF"},
    {"councils.new_page", "UooFFFFF", "UooFFFFF"},
    {"councils.new_post", "UvvFFFFF", "UvvFFFFF"},
    {"councils.province_page", "UooFFFFF", "UoNFFFFF"},
    {"councils.member_add", "UvvFFFFF", "UvNFFFFF"},
    {"councils.member_remove", "UvvFFFFF", "UvNFFFFF"},
    {"councils.advisor_add", "UvvFFFFF", "UvNFFFFF"},
    {"councils.advisor_remove", "UvvFFFFF", "UvNFFFFF"},
    /* the province officer's decisions, certificates, imports, users, audit (page_decide.c): only
    ** province officers; another province's decision, certificate or user is N */
    {"decisions.list_page", "UFoFFFFF", "UFoFFFFF"},
    {"decisions.new_page", "UFoFFFFF", "UFoFFFFF"},
    {"decisions.create_page", "UFvFFFFF", "UFvFFFFF"},
    {"decisions.page", "UFoFFFFF", "UFNFFFFF"},
    {"certificates.list_page", "UFoFFFFF", "UFoFFFFF"},
    {"certificates.due_page", "UFoFFFFF", "UFoFFFFF"},
    {"certificates.page", "UFoFFFFF", "UFNFFFFF"},
    {"certificates.revoke_page", "UFvFFFFF", "UFvFFFFF"},
    {"import.page", "UFoFFFFF", "UFoFFFFF"},
    {"import.preview_page", "UFvFFFFF", "UFvFFFFF"},
    {"import.confirm_page", "UFvFFFFF", "UFvFFFFF"},
    {"users.list_page", "UFoFFFFF", "UFoFFFFF"},
    {"users.new_page", "UFoFFFFF", "UFoFFFFF"},
    {"users.create_page", "UFvFFFFF", "UFvFFFFF"},
    {"users.page", "UFoFFFFF", "UFNFFFFF"},
    {"users.act_page", "UFvFFFFF", "UFNFFFFF"},
    {"audit.page", "UFoFFFFF", "UFoFFFFF"},
    /* the Ministry's and the administrator's workspaces (page_admin.c): the administrator's alone */
    {"ministry.dossiers", "UoFFFFFF", "UoFFFFFF"},
    {"dossiers.ministry_page", "UoFFFFFF", "UoFFFFFF"},
    {"ministry.rounds", "UoFFFFFF", "UoFFFFFF"},
    {"ministry.round_form", "UoFFFFFF", "UoFFFFFF"},
    {"ministry.round_create", "UvFFFFFF", "UvFFFFFF"},
    {"ministry.decisions", "UoFFFFFF", "UoFFFFFF"},
    {"ministry.decision_form", "UoFFFFFF", "UoFFFFFF"},
    {"ministry.decision_create", "UvFFFFFF", "UvFFFFFF"},
    {"admin.users", "UoFFFFFF", "UoFFFFFF"},
    {"admin.user_create", "UvFFFFFF", "UvFFFFFF"},
    {"users.admin_page", "UoFFFFFF", "UoFFFFFF"},
    {"users.admin_grant", "UvFFFFFF", "UvFFFFFF"},
    {"users.admin_revoke", "UvFFFFFF", "UvFFFFFF"},
    {"users.admin_status", "UvFFFFFF", "UvFFFFFF"},
    {"users.admin_password", "UvFFFFFF", "UvFFFFFF"},
    {"admin.keys", "UoFFFFFF", "UoFFFFFF"},
    {"admin.key_generate", "UvFFFFFF", "UvFFFFFF"},
    {"admin.key_retire", "UvFFFFFF", "UvFFFFFF"},
    {"admin.data", "UoFFFFFF", "UoFFFFFF"},
    {"admin.system", "UoFFFFFF", "UoFFFFFF"},
    {"admin.audit", "UoFFFFFF", "UoFFFFFF"},
    {"password.page", "Uooooooo", "Uooooooo"},
    /* the commune officer's workspace (page_commune.c) */
    {"commune.dossiers", "UoFoFFFF", "UoFoFFFF"},
    {"dossiers.commune_page", "UoFoFFFF", "UoFNFFFF"},
    {"dossiers.commune_report_page", "UvFvFFFF", "UvFNFFFF"},
    {"commune.producers", "UoFoFFFF", "UoFoFFFF"},
    {"commune.products", "UoFoFFFF", "UoFoFFFF"},
    {"commune.accounts", "UoFoFFFF", "UoFoFFFF"},
    {"users.confirm_page", "UvFvFFFF", "UvFNFFFF"},
    {"password.post", "Uvvvvvvv", "Uvvvvvvv"},
    {"photos.add", "UoooFFFo", "UoNNFFFN"},
    {"photos.delete", "UoooFFFo", "UoNNFFFN"},
    {"files.get", "oooooooo", "oooooooo"},
    /* registry: reading is public (the catalogue) */
    {"producers.list", "oooooooo", "oooooooo"},
    {"producers.export", "oooooooo", "oooooooo"},
    {"producers.get", "oooooooo", "oooooooo"},
    {"producers.create", "UoooFFFF", "UoFFFFFF"},
    {"producers.update", "UoooFFFo", "UoNNFFFN"},
    {"producers.replace", "UvvvFFFv", "UvNNFFFN"},
    {"producers.delete", "UooFFFFF", "UoNFFFFF"},
    {"products.list", "oooooooo", "oooooooo"},
    {"products.export", "oooooooo", "oooooooo"},
    {"products.get", "oooooooo", "oooooooo"},
    {"products.create", "UoooFFFo", "UoFFFFFF"},
    {"products.update", "UoooFFFo", "UoNNFFFN"},
    {"products.replace", "UvvvFFFv", "UvNNFFFN"},
    {"products.delete", "UoooFFFF", "UoNNFFFF"},
    {"recognitions.list", "oooooooo", "oooooooo"},
    {"recognitions.export", "oooooooo", "oooooooo"},
    {"recognitions.get", "oooooooo", "oooooooo"},
    {"recognitions.create", "UooFFFFF", "UoFFFFFF"},
    {"recognitions.update", "UooFFFFF", "UoNFFFFF"},
    {"recognitions.replace", "UvvFFFFF", "UvNFFFFF"},
    {"recognitions.delete", "UooFFFFF", "UoNFFFFF"},
    {"villages.list", "oooooooo", "oooooooo"},
    {"villages.export", "oooooooo", "oooooooo"},
    {"villages.get", "oooooooo", "oooooooo"},
    {"villages.create", "UoooFFFF", "UoFFFFFF"},
    {"villages.update", "UoooFFFF", "UoNNFFFF"},
    {"villages.replace", "UvvvFFFF", "UvNNFFFF"},
    {"villages.delete", "UoooFFFF", "UoNNFFFF"},
    {"points.list", "oooooooo", "oooooooo"},
    {"points.export", "oooooooo", "oooooooo"},
    {"points.get", "oooooooo", "oooooooo"},
    {"points.create", "UoooFFFF", "UoFFFFFF"},
    {"points.update", "UoooFFFF", "UoNNFFFF"},
    {"points.replace", "UvvvFFFF", "UvNNFFFF"},
    {"points.delete", "UoooFFFF", "UoNNFFFF"},
    {"councils.list", "oooooooo", "oooooooo"},
    {"councils.export", "oooooooo", "oooooooo"},
    {"councils.get", "oooooooo", "oooooooo"},
    {"councils.create", "UooFFFFF", "UoFFFFFF"},
    {"councils.update", "UooFFFFF", "UoNFFFFF"},
    {"councils.replace", "UvvFFFFF", "UvNFFFFF"},
    {"councils.delete", "UooFFFFF", "UoNFFFFF"},
    /* the councils' advisory groups: as the councils */
    {"advisors.list", "oooooooo", "oooooooo"},
    {"advisors.export", "oooooooo", "oooooooo"},
    {"advisors.get", "oooooooo", "oooooooo"},
    {"advisors.create", "UooFFFFF", "UoFFFFFF"},
    {"advisors.update", "UooFFFFF", "UoNFFFFF"},
    {"advisors.replace", "UvvFFFFF", "UvNFFFFF"},
    {"advisors.delete", "UooFFFFF", "UoNFFFFF"},
    /* accounts */
    {"session.create", "vvvvvvvv", "vvvvvvvv"},
    {"session.delete", "Uvvvvvvv", "Uvvvvvvv"},
    {"me.get", "Uooooooo", "Uooooooo"},
    {"me.sessions.delete", "Uooooooo", "Uooooooo"},
    {"me.password", "Uvvvvvvv", "Uvvvvvvv"},
    {"me.tokens.list", "Uooooooo", "Uooooooo"},
    {"me.tokens.create", "UFFFFFFF", "UFFFFFFF"}, /* a token cannot mint tokens: sessions only */
    {"me.tokens.delete", "Uooooooo", "UNNNNNNN"},
    {"register", "vvvvvvvv", "vvvvvvvv"},
    {"users.list", "UoooFFFF", "UoooFFFF"},
    {"users.create", "UooFFFFF", "UoFFFFFF"},
    {"users.get", "UoooFFFF", "UoNNFFFF"},
    {"users.update", "UooFFFFF", "UoNFFFFF"},
    {"users.password", "UvvFFFFF", "UvNFFFFF"},
    {"users.grant", "UvvFFFFF", "UvNFFFFF"},
    {"users.revoke", "UooFFFFF", "UoNFFFFF"},
    {"users.confirm", "UoooFFFF", "UoNNFFFF"},
    {"audit.list", "UooFFFFF", "UooFFFFF"},
    {"audit.export", "UooFFFFF", "UooFFFFF"},
    {"audit.verify", "UoFFFFFF", "UoFFFFFF"},
};

static Server S;
static char auth_hdr[NROLES][128];
static int counter;
static long long user_in, user_out, council_out;
static char photo_sha[65];
/* Evaluation fixtures: rounds of province 86 (council 1) and 91; a dossier in each round and a
** draft in each province; a file of each round's dossier. */
static long long round_in, round_out, dossier_in, dossier_out, draft_in, draft_out, advisor_in, advisor_out;
static char file_in[65], file_out[65];
/* A decision of each province (86: product 3, 91: product 20) and its certificate. */
static long long decision_in, decision_out;
static char cert_in[40], cert_out[40];

static const char *const *headers_of(int role) {
    static const char *h[NROLES][2];
    h[role][0] = role == ANON ? NULL : auth_hdr[role];
    h[role][1] = NULL;
    return h[role];
}

static Resp as(int role, const char *method, const char *path, const char *ctype, const char *body, size_t len) {
    return http_req_h(&S, headers_of(role), method, path, ctype, body, len);
}

/* Create with the admin's token and return the new id (the test fails otherwise). */
static long long admin_create(const char *path, const char *json) {
    Resp r = as(ADMIN, "POST", path, "application/json", json, strlen(json));
    if (r.status != 201) fprintf(stderr, "POST %s %s: %ld %s\n", path, json, r.status, r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    resp_free(&r);
    return id;
}

/* A valid new record of entity name, inside (in) or outside the roles' scope. */
static void body_for(const char *entity, bool in, char *out, size_t n) {
    const char *commune = in ? "28903" : "30316";
    int k = ++counter;
    if (!strcmp(entity, "villages"))
        snprintf(out, n, "{\"name\": \"Làng thử %d\", \"commune_code\": \"%s\"}", k, commune);
    else if (!strcmp(entity, "producers"))
        snprintf(out, n, "{\"type\": \"cooperative\", \"name\": \"HTX thử %d\", \"commune_code\": \"%s\"}", k, commune);
    else if (!strcmp(entity, "products"))
        snprintf(out, n, "{\"name\": \"Sản phẩm thử %d\", \"set_no\": 1, \"producer_id\": %d}", k, in ? 1 : 12);
    else if (!strcmp(entity, "recognitions"))
        snprintf(out, n, "{\"product_id\": %d, \"stars\": 3, \"level\": \"province\", \"decision_no\": \"%d/QĐ-UBND\", "
                         "\"decision_date\": \"2026-01-05\"}", in ? 1 : 18, k);
    else if (!strcmp(entity, "points"))
        snprintf(out, n, "{\"name\": \"Điểm thử %d\", \"kind\": \"point\", \"commune_code\": \"%s\"}", k, commune);
    else if (!strcmp(entity, "councils"))
        snprintf(out, n, "{\"name\": \"Hội đồng thử %d\", \"level\": \"province\", \"province_code\": \"%s\"}", k,
                 in ? "86" : "91");
    else if (!strcmp(entity, "advisors"))
        snprintf(out, n, "{\"council_id\": %lld, \"name\": \"Chuyên gia %d\", \"agency\": \"Viện Cây ăn quả miền Nam\"}",
                 in ? 1LL : council_out, k);
    else if (!strcmp(entity, "rounds"))
        snprintf(out, n, "{\"province_code\": \"%s\", \"year\": %d, \"number\": 1}", in ? "86" : "91", 2027 + k % 70);
    else if (!strcmp(entity, "dossiers"))
        snprintf(out, n, "{\"kind\": \"first\", \"product_id\": %d}", in ? 2 : 19);
    else if (!strcmp(entity, "decisions"))
        snprintf(out, n, "{}"); /* incomplete: the matrix checks who may, not what is decided */
    else if (!strcmp(entity, "users"))
        snprintf(out, n, "{\"username\": \"u%d\", \"password\": \"%s\", \"roles\": [{\"role\": \"commune\", \"scope\": \"%s\"}]}",
                 k, TEST_PASSWORD, commune);
    else
        fail_msg("no body for %s", entity);
}

/* An id of an existing record of entity, inside or outside the roles' scope. */
static long long fixture_id(const char *entity, bool in) {
    if (!strcmp(entity, "villages")) return in ? 1 : 5;
    if (!strcmp(entity, "producers")) return in ? 1 : 12;
    if (!strcmp(entity, "products")) return in ? 1 : 18;
    if (!strcmp(entity, "recognitions")) return in ? 1 : 22;
    if (!strcmp(entity, "points")) return in ? 1 : 4;
    if (!strcmp(entity, "councils")) return in ? 1 : council_out;
    if (!strcmp(entity, "users")) return in ? user_in : user_out;
    if (!strcmp(entity, "rounds")) return in ? round_in : round_out;
    if (!strcmp(entity, "advisors")) return in ? advisor_in : advisor_out;
    if (!strcmp(entity, "dossiers")) return in ? dossier_in : dossier_out;
    if (!strcmp(entity, "decisions")) return in ? decision_in : decision_out;
    fail_msg("no fixture for %s", entity);
    return 0;
}

/* A PNG whose bytes (and so SHA-256) are new each call. */
/* A real PNG not sent before (each of its own size: a new photo) into out[1024]; its length. */
static size_t unique_png(char *out) {
    size_t n;
    char *png = test_png(8 + ++counter, 8, 0, &n);
    assert_true(n <= 1024);
    memcpy(out, png, n);
    free(png);
    return n;
}

static void upload_photo(long long product, char sha[65]) {
    char body[1024], path[96];
    size_t n = unique_png(body);
    snprintf(path, sizeof path, "/api/v1/products/%lld/photos", product);
    Resp r = as(ADMIN, "POST", path, "image/png", body, n);
    assert_int_equal(r.status, 201);
    snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
    resp_free(&r);
}

/* A user (made through the CLI) holding one role, for destructive cells. */
static long long fresh_user(const char *role) {
    char name[32];
    snprintf(name, sizeof name, "f%d", ++counter);
    const char *roles[] = {role, NULL};
    srv_user(&S, name, roles);
    char path[64];
    Resp r = as(ADMIN, "GET", "/api/v1/users?per_page=500", NULL, NULL, 0);
    long long id = 0;
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(r.json, "items"), i, u) {
        if (!strcmp(json_string_value(json_object_get(u, "username")), name)) id = json_integer_value(json_object_get(u, "id"));
    }
    resp_free(&r);
    assert_true(id > 0);
    (void)path;
    return id;
}

typedef struct Call {
    const char *method, *ctype;
    char path[256];
    char body[1024];
    size_t len;
} Call;

/* The concrete request for route rt, by role, in or out of scope. Destructive routes get a
** fresh object each time. */
static void build(const Route *rt, int role, bool in, Call *c) {
    memset(c, 0, sizeof *c);
    c->method = rt->method;
    const char *name = rt->name;
    const char *dot = strchr(name, '.');
    char entity[32] = "";
    if (dot) snprintf(entity, sizeof entity, "%.*s", (int)(dot - name), name);
    const char *op = dot ? dot + 1 : "";
    bool write = strcmp(rt->method, "GET") != 0;
    if (write) {
        c->ctype = "application/json";
        snprintf(c->body, sizeof c->body, "{}");
    }
    /* The path with its placeholders filled. */
    long long id = 0;
    if (strstr(rt->pattern, "{id}")) {
        if (!strcmp(name, "photos.add") || !strcmp(name, "photos.delete")) id = fixture_id("products", in);
        else if (!strcmp(entity, "me")) id = 0;
        else id = fixture_id(entity, in);
    }
    char sha[65] = "";
    long long role_id = 0;
    /* Dossier routes that change content work on drafts; the others on dossiers in a round. */
    if (!strcmp(name, "dossiers.update") || !strcmp(name, "dossiers.replace") || !strcmp(name, "dossiers.self_assessment") ||
        !strcmp(name, "dossiers.files.add") || !strcmp(name, "dossiers.files.delete"))
        id = in ? draft_in : draft_out;
    if (!strcmp(name, "dossiers.files.get")) {
        snprintf(sha, sizeof sha, "%s", in ? file_in : file_out);
    } else if (!strcmp(name, "dossiers.files.delete")) {
        char fpath[96], fbody[64];
        snprintf(fpath, sizeof fpath, "/api/v1/dossiers/%lld/files?kind=other", id);
        int fn = snprintf(fbody, sizeof fbody, "%%PDF-1.4 fresh %d", ++counter);
        Resp r = as(ADMIN, "POST", fpath, "application/pdf", fbody, (size_t)fn);
        assert_int_equal(r.status, 201);
        snprintf(sha, sizeof sha, "%s", jstr(r.json, "sha256"));
        resp_free(&r);
        c->ctype = NULL;
        c->body[0] = 0;
    } else if (!strcmp(name, "dossiers.files.add")) {
        c->ctype = "application/pdf";
        c->len = (size_t)snprintf(c->body, sizeof c->body, "%%PDF-1.4 evidence %d", ++counter);
    } else if (!strcmp(name, "import")) {
        c->ctype = "text/csv";
        snprintf(c->body, sizeof c->body, "name,commune_code\nLàng nhập %d,%s\n", ++counter, in ? "28903" : "30316");
    } else if (!strcmp(name, "photos.add")) {
        c->ctype = "image/png";
        c->len = unique_png(c->body);
    } else if (!strcmp(name, "photos.delete")) {
        upload_photo(id, sha);
    } else if (!strcmp(name, "files.get")) {
        snprintf(sha, sizeof sha, "%s", photo_sha);
    } else if (!strcmp(op, "create") && strcmp(entity, "me") && strcmp(entity, "session")) {
        body_for(entity, in, c->body, sizeof c->body);
    } else if (!strcmp(op, "delete") && strcmp(entity, "session")) {
        char body[1024], path[64];
        body_for(entity, in, body, sizeof body);
        snprintf(path, sizeof path, "/api/v1/%s", entity);
        id = admin_create(path, body);
        c->ctype = NULL;
        c->body[0] = 0;
    } else if (!strcmp(name, "me.tokens.delete")) {
        /* in: one's own token; out: somebody else's */
        const char *owner = in ? (role == ANON ? "m.admin" : role_user[role]) : (role == ADMIN ? "m.tinh" : "m.admin");
        char *t = srv_token(&S, owner, "read");
        free(t);
        Resp r = as(ADMIN, "GET", "/api/v1/me/tokens", NULL, NULL, 0);
        resp_free(&r);
        /* the newest token has the highest id: count them through the CLI listing */
        const char *args[] = {"token", "list", "--db", S.db, NULL};
        char *out = NULL;
        assert_int_equal(run_ocop(args, &out, NULL), 0);
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
            long long n = atoll(line);
            if (n > id) id = n;
        }
        free(out);
        c->ctype = NULL;
        c->body[0] = 0;
    } else if (!strcmp(name, "users.revoke")) {
        id = fresh_user(in ? "commune:28903" : "commune:30316");
        char path[64];
        snprintf(path, sizeof path, "/api/v1/users/%lld", id);
        Resp r = as(ADMIN, "GET", path, NULL, NULL, 0);
        role_id = jint(r.json, "roles.0.id");
        resp_free(&r);
        c->ctype = NULL;
        c->body[0] = 0;
    } else if (!strcmp(name, "users.confirm")) {
        char body[512];
        int k = ++counter;
        snprintf(body, sizeof body,
                 "{\"username\": \"r%d\", \"password\": \"%s\", \"producer\": {\"type\": \"household\", "
                 "\"name\": \"Hộ đăng ký %d\", \"commune_code\": \"%s\"}}",
                 k, TEST_PASSWORD, k, in ? "28903" : "30316");
        id = admin_create("/api/v1/register", body);
        c->ctype = NULL;
        c->body[0] = 0;
    } else if (!write || !strcmp(rt->method, "DELETE")) {
        c->ctype = NULL;
        c->body[0] = 0;
    }
    if (!c->len) c->len = strlen(c->body);
    /* Fill the pattern. */
    char *p = c->path;
    size_t left = sizeof c->path;
    for (const char *s = rt->pattern; *s && left > 1;) {
        if (*s == '{') {
            const char *end = strchr(s, '}');
            char ph[32];
            snprintf(ph, sizeof ph, "%.*s", (int)(end - s - 1), s + 1);
            int n = 0;
            if (!strcmp(ph, "id")) n = snprintf(p, left, "%lld", id);
            else if (!strcmp(ph, "sha256")) n = snprintf(p, left, "%s", sha);
            else if (!strcmp(ph, "role_id")) n = snprintf(p, left, "%lld", role_id);
            else if (!strcmp(ph, "kind")) n = snprintf(p, left, "villages");
            else if (!strcmp(ph, "code")) n = snprintf(p, left, "86");
            else if (!strcmp(ph, "version")) n = snprintf(p, left, "26-2026");
            else if (!strcmp(ph, "n")) n = snprintf(p, left, "1");
            else if (!strcmp(ph, "cert_no")) n = snprintf(p, left, "%s", in ? cert_in : cert_out);
            else if (!strcmp(ph, "name")) { /* the stylesheet's hashed name, as this build makes it */
                json_t *urls = static_urls();
                n = snprintf(p, left, "%s", strrchr(json_string_value(json_object_get(urls, "css")), '/') + 1);
                json_decref(urls);
            }
            else fail_msg("route %s: no value for {%s}", name, ph);
            p += n;
            left -= (size_t)n;
            s = end + 1;
        } else {
            *p++ = *s++;
            left--;
        }
    }
    *p = 0;
    /* Query parameters a route needs to answer at all. */
    if (!strcmp(name, "search")) snprintf(p, left, "?q=keo%%20dua");
    else if (!strcmp(name, "dossiers.files.add")) snprintf(p, left, "?kind=other");
    else if (!strcmp(name, "stats")) snprintf(p, left, "?unit=86");
}

static char classify(long status) {
    if (status >= 200 && status < 300) return 'o';
    switch (status) {
    case 303: /* a page's 401: to the sign-in page and back */
    case 401: return 'U';
    case 403: return 'F';
    case 404: return 'N';
    case 400: case 409: case 415: case 422: return 'v';
    default: return '?';
    }
}

/* A dossier of product, taken by the administrator through the procedure into round (0: left
** a draft); its evidence file's hash into sha. */
static long long dossier_fixture(int product, long long round, char sha[65]) {
    char body[256], path[128];
    snprintf(body, sizeof body, "{\"kind\": \"first\", \"product_id\": %d}", product);
    long long id = admin_create("/api/v1/dossiers", body);
    if (!round) return id;
    static const char *const steps[] = {
        "{\"action\": \"submit\"}", "{\"action\": \"receive\"}", "{\"action\": \"forward\"}",
        "{\"action\": \"check\"}", NULL};
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/self-assessment", id);
    Resp r = as(ADMIN, "PUT", path, "application/json", "{\"choices\": {}}", 15);
    assert_int_equal(r.status, 200);
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/files?kind=label", id);
    int n = snprintf(body, sizeof body, "%%PDF-1.4 label of %d", product);
    r = as(ADMIN, "POST", path, "application/pdf", body, (size_t)n);
    assert_int_equal(r.status, 201);
    snprintf(sha, 65, "%s", jstr(r.json, "sha256"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/dossiers/%lld/transitions", id);
    for (int i = 0; steps[i]; i++) {
        if (i == 2) {
            char rp[96];
            snprintf(rp, sizeof rp, "/api/v1/dossiers/%lld/commune-report", id);
            const char *rep = "{\"items\": {\"origin\": {\"met\": true}, \"labour\": {\"met\": true}, "
                              "\"idea\": {\"met\": true}, \"identity\": {\"met\": true}}}";
            r = as(ADMIN, "PUT", rp, "application/json", rep, strlen(rep));
            assert_int_equal(r.status, 200);
            resp_free(&r);
        }
        r = as(ADMIN, "POST", path, "application/json", steps[i], strlen(steps[i]));
        if (r.status != 200) fprintf(stderr, "%s: %s\n", steps[i], r.body);
        assert_int_equal(r.status, 200);
        resp_free(&r);
    }
    snprintf(body, sizeof body, "{\"action\": \"assign\", \"round_id\": %lld}", round);
    r = as(ADMIN, "POST", path, "application/json", body, strlen(body));
    assert_int_equal(r.status, 200);
    resp_free(&r);
    return id;
}

static void evaluation_fixtures(void) {
    round_in = admin_create("/api/v1/rounds", "{\"province_code\": \"86\", \"year\": 2026, \"number\": 9, "
                                              "\"forward_by\": \"2026-12-31\", \"ends_on\": \"2026-12-31\", \"council_id\": 1}");
    char body[256];
    snprintf(body, sizeof body, "{\"province_code\": \"91\", \"year\": 2026, \"number\": 9, \"forward_by\": "
                                "\"2026-12-31\", \"ends_on\": \"2026-12-31\", \"council_id\": %lld}", council_out);
    round_out = admin_create("/api/v1/rounds", body);
    dossier_in = dossier_fixture(2, round_in, file_in);
    dossier_out = dossier_fixture(19, round_out, file_out);
    draft_in = dossier_fixture(2, 0, NULL);
    draft_out = dossier_fixture(19, 0, NULL);
}

/* A decision of province recognising a dossier of product, which the council is taken to have
** scored (4★, set in the database); its id, and its certificate's number into cert. */
static long long decision_fixture(int product, long long round, const char *province, char cert[40]) {
    char sha[65], sql[160], body[512], today[11];
    long long d = dossier_fixture(product, round, sha);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(S.db, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "UPDATE dossiers SET state = 'scored', avg_score = 75, band = 4, stars = 4 WHERE id = %lld", d);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    time_t now = time(NULL) + 7 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    snprintf(body, sizeof body, "{\"number\": \"%d/QĐ-UBND\", \"decided_on\": \"%s\", \"level\": \"province\", "
                                "\"province_code\": \"%s\", \"signer_name\": \"Nguyễn Văn Mẫu\", \"signer_title\": \"CHỦ TỊCH\", "
                                "\"items\": [{\"dossier_id\": %lld}]}", ++counter, today, province, d);
    Resp r = as(ADMIN, "POST", "/api/v1/decisions", "application/json", body, strlen(body));
    if (r.status != 201) fprintf(stderr, "decision: %ld %s\n", r.status, r.body);
    assert_int_equal(r.status, 201);
    long long id = jint(r.json, "id");
    snprintf(cert, 40, "%s", jstr(r.json, "items.0.cert_no"));
    resp_free(&r);
    return id;
}

static int setup(void **state) {
    (void)state;
    srv_prepare(&S, true);
    /* Vĩnh Long's key (86) the demo made; An Giang's: */
    const char *key[] = {"key", "generate", "91", "--db", S.db, "--quiet", NULL};
    assert_int_equal(run_ocop(key, NULL, NULL), 0);
    for (int r = ADMIN; r < NROLES; r++) {
        const char *roles[] = {role_spec[r], NULL};
        srv_user(&S, role_user[r], roles);
        char *t = srv_token(&S, role_user[r], "write");
        snprintf(auth_hdr[r], sizeof auth_hdr[r], "Authorization: Bearer %s", t);
        free(t);
    }
    srv_start(&S);
    /* Fixtures outside the roles' scope (An Giang), and a user inside it other than m.xa. */
    council_out = admin_create("/api/v1/councils",
                               "{\"name\": \"Hội đồng An Giang\", \"level\": \"province\", \"province_code\": \"91\"}");
    user_in = admin_create("/api/v1/users", "{\"username\": \"m.xa2\", \"password\": \"" TEST_PASSWORD
                                            "\", \"roles\": [{\"role\": \"commune\", \"scope\": \"28903\"}]}");
    user_out = admin_create("/api/v1/users", "{\"username\": \"m.angiang\", \"password\": \"" TEST_PASSWORD
                                             "\", \"roles\": [{\"role\": \"commune\", \"scope\": \"30316\"}]}");
    upload_photo(1, photo_sha);
    evaluation_fixtures();
    char abody[256];
    body_for("advisors", true, abody, sizeof abody);
    advisor_in = admin_create("/api/v1/advisors", abody);
    body_for("advisors", false, abody, sizeof abody);
    advisor_out = admin_create("/api/v1/advisors", abody);
    decision_in = decision_fixture(3, round_in, "86", cert_in);
    decision_out = decision_fixture(20, round_out, "91", cert_out);
    /* The fixtures are where the table assumes. */
    Resp r = as(ANON, "GET", "/api/v1/products/18", NULL, NULL, 0);
    assert_string_equal(jstr(r.json, "commune_code"), "30316");
    resp_free(&r);
    r = as(ANON, "GET", "/api/v1/recognitions/22", NULL, NULL, 0);
    assert_int_equal(jint(r.json, "product_id"), 18);
    resp_free(&r);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    return 0;
}

/* Every expectation names a route that exists, and the other way round. */
static void test_table_covers_routes(void **state) {
    (void)state;
    int missing = 0;
    for (size_t i = 0; i < nroutes; i++) {
        bool found = false;
        for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) found |= !strcmp(expect[k].route, routes[i].name);
        if (!found) fprintf(stderr, "route %s (%s %s) has no row in test_perm.c\n", routes[i].name, routes[i].method,
                            routes[i].pattern), missing++;
    }
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        bool found = false;
        for (size_t i = 0; i < nroutes; i++) found |= !strcmp(expect[k].route, routes[i].name);
        if (!found) fprintf(stderr, "test_perm.c expects a route %s that does not exist\n", expect[k].route), missing++;
        assert_int_equal(strlen(expect[k].in), NROLES);
        assert_int_equal(strlen(expect[k].out), NROLES);
    }
    assert_int_equal(missing, 0);
}

static void test_matrix(void **state) {
    (void)state;
    int wrong = 0, cells = 0;
    for (size_t i = 0; i < nroutes; i++) {
        const Route *rt = &routes[i];
        const Expect *ex = NULL;
        for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++)
            if (!strcmp(expect[k].route, rt->name)) ex = &expect[k];
        if (!ex) continue; /* reported by test_table_covers_routes */
        for (int in = 1; in >= 0; in--) {
            for (int role = 0; role < NROLES; role++) {
                Call c;
                build(rt, role, in, &c);
                Resp r = as(role, c.method, c.path, c.ctype, c.ctype ? c.body : NULL, c.ctype ? c.len : 0);
                char got = classify(r.status), want = (in ? ex->in : ex->out)[role];
                cells++;
                if (got != want) {
                    fprintf(stderr, "%-22s %-6s %-40s %-10s %-3s: expected %c, got %ld %s", rt->name, c.method, c.path,
                            role == ANON ? "anonymous" : role_user[role], in ? "in" : "out", want, r.status,
                            r.body ? r.body : "\n");
                    wrong++;
                }
                resp_free(&r);
            }
        }
    }
    fprintf(stderr, "permission matrix: %d cells, %d wrong\n", cells, wrong);
    assert_int_equal(wrong, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_covers_routes),
        cmocka_unit_test(test_matrix),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
