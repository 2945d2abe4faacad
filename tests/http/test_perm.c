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

enum { ANON, ADMIN, PROV, COMM, CHAIR, MEMB, SECR, PROD, MIN, NROLES };
static const char *const role_user[NROLES] = {NULL, "m.admin", "m.tinh", "m.xa", "m.chutich", "m.thanhvien", "m.thuky", "m.chuthe", "m.bo"};
static const char *const role_spec[NROLES] = {NULL, "admin", "province:86", "commune:28903", "council_chair:1",
                                              "council_member:1", "council_secretary:1", "producer:1", "ministry"};

typedef struct Expect {
    const char *route, *in, *out;
} Expect;

/* The policy. "in" and "out" list the class for each column (see the top of this file). */
static const Expect expect[] = {
    {"home", "ooooooooo", "ooooooooo"},
    {"healthz", "ooooooooo", "ooooooooo"},
    {"metrics", "UoFFFFFFF", "UoFFFFFFF"},
    {"version", "ooooooooo", "ooooooooo"},
    {"units.list", "ooooooooo", "ooooooooo"},
    {"units.get", "ooooooooo", "ooooooooo"},
    {"units.children", "ooooooooo", "ooooooooo"},
    {"product_sets.list", "ooooooooo", "ooooooooo"},
    {"search", "ooooooooo", "ooooooooo"},
    {"stats", "ooooooooo", "ooooooooo"},
    {"indicators.list", "ooooooooo", "ooooooooo"},
    {"indicators.get", "Uoooooooo", "Uoooooooo"},
    /* plans: public documents; written by plans.write where they lie */
    {"plans.list", "ooooooooo", "ooooooooo"},
    {"plans.create", "UooFFFFFF", "UoFFFFFFF"},
    {"plans.get", "ooooooooo", "ooooooooo"},
    {"plans.replace", "UvvFFFFFF", "UvFFFFFFF"},
    {"plans.delete", "UooFFFFFF", "UoFFFFFFF"},
    {"plans.copy", "UvvFFFFFF", "UvFFFFFFF"},
    {"plans.task", "UooFFFFFF", "UoFFFFFFF"},
    {"plans.progress", "ooooooooo", "ooooooooo"},
    /* reports: public figures (a round's results need dossiers.read: report.c, test_programme) */
    {"reports.list", "ooooooooo", "ooooooooo"},
    {"reports.get", "ooooooooo", "ooooooooo"},
    {"reports.page", "UFoFFFFFF", "UFoFFFFFF"},
    {"commune.progress", "UFFoFFFFF", "UFFoFFFFF"},
    {"commune.reports", "UFFoFFFFF", "UFFoFFFFF"},
    /* the country's plans on the Ministry's forms: a province's plan is not found there */
    {"national_plans.list_page", "UoFFFFFFo", "UoFFFFFFo"},
    {"national_plans.new_page", "UoFFFFFFo", "UoFFFFFFo"},
    {"national_plans.create_page", "UvFFFFFFv", "UvFFFFFFv"},
    {"national_plans.page", "UoFFFFFFo", "UNFFFFFFN"},
    {"national_plans.edit_page", "UoFFFFFFo", "UNFFFFFFN"},
    {"national_plans.update_page", "UvFFFFFFv", "UvFFFFFFv"},
    {"national_plans.copy_page", "UvFFFFFFv", "UvFFFFFFv"},
    {"national_plans.task_page", "UvFFFFFFv", "UvFFFFFFv"},
    {"ministry.reports", "UoFFFFFFo", "UoFFFFFFo"},
    {"progress.page", "UFoFFFFFF", "UFoFFFFFF"},
    {"ministry.progress", "UoFFFFFFo", "UoFFFFFFo"},
    {"plans.page", "UFoFFFFFF", "UFNFFFFFF"},
    {"plans.task_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"plans.list_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"plans.new_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"plans.create_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"plans.edit_page", "UFoFFFFFF", "UFNFFFFFF"},
    {"plans.update_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"plans.copy_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"rubrics.list", "ooooooooo", "ooooooooo"},
    {"rubrics.get", "ooooooooo", "ooooooooo"},
    {"rubrics.set", "ooooooooo", "ooooooooo"},
    {"rubrics.evaluate", "ooooooooo", "ooooooooo"},
    {"import", "UoooFFFFF", "UovvFFFFF"},
    /* evaluation: rounds are public to read; dossiers only within the scope (council roles: the
    ** dossiers in their council's rounds) */
    {"rounds.list", "ooooooooo", "ooooooooo"},
    {"rounds.export", "ooooooooo", "ooooooooo"},
    {"rounds.get", "ooooooooo", "ooooooooo"},
    {"rounds.create", "UooFFFFFF", "UoFFFFFFF"},
    {"rounds.update", "UooFFFFFN", "UoNFFFFFN"},
    {"rounds.replace", "UvvFFFFFN", "UvNFFFFFN"},
    {"rounds.delete", "UooFFFFFN", "UoNFFFFFN"},
    {"dossiers.transitions", "ooooooooo", "ooooooooo"},
    {"dossiers.list", "Uoooooooo", "Uoooooooo"},
    {"dossiers.export", "Uoooooooo", "Uoooooooo"},
    {"dossiers.get", "UoooooooN", "UoNNNNNNN"},
    {"dossiers.create", "UoooFFFoF", "UoFFFFFFF"},
    {"dossiers.update", "UoooFFFoF", "UoNNFFFNF"},
    {"dossiers.replace", "UvvvFFFvF", "UvNNFFFNF"},
    {"dossiers.delete", "UoooFFFoF", "UoNNFFFNF"},
    {"dossiers.act", "UvvvFFFvN", "UvNNFFFNN"},
    {"dossiers.events", "UoooooooN", "UoNNNNNNN"},
    {"dossiers.self_assessment", "UoooFFFoF", "UoNNFFFNF"},
    {"dossiers.commune_report", "UvvvFFFvF", "UvNNFFFNF"},
    {"dossiers.files.list", "UoooooooN", "UoNNNNNNN"},
    {"dossiers.files.add", "UoooFFFoF", "UoNNFFFNF"},
    {"dossiers.files.get", "UoooooooN", "UoNNNNNNN"},
    {"dossiers.files.delete", "UoooFFFoF", "UoNNFFFNF"},
    /* the council's scoring: what each position may do is decided by scoring.c */
    {"dossiers.council", "UooFoooFN", "UoNNNNNNN"},
    {"dossiers.conflicts", "UvFFvvvFF", "UvFFNNNFF"},
    {"dossiers.scores", "UooFoooFN", "UoNNNNNNN"},
    {"dossiers.scores.save", "UFFFooFFF", "UFFFNNNFF"},
    {"dossiers.scores.rescore", "UFFFoFFFF", "UFFFNNNFF"},
    {"dossiers.scores.close", "UFFFvFvFF", "UFFFNNNFF"},
    {"dossiers.minutes", "UooFFFoFN", "UoNNNNNNN"},
    /* decisions, certificates, lifecycle (decision.c) */
    {"decisions.list", "ooooooooo", "ooooooooo"},
    {"decisions.create", "UvvFFFFFv", "UvvFFFFFv"},
    {"decisions.get", "ooooooooo", "ooooooooo"},
    {"certificates.list", "ooooooooo", "ooooooooo"},
    {"certificates.get", "ooooooooo", "ooooooooo"},
    {"certificates.pdf", "ooooooooo", "ooooooooo"},
    {"certificates.revoke", "UvvFFFFFN", "UvNFFFFFN"},
    {"revocation_grounds.list", "ooooooooo", "ooooooooo"},
    {"lifecycle.due", "Uoooooooo", "Uoooooooo"},
    {"verify.lookup", "ooooooooo", "ooooooooo"},
    {"verify.page", "ooooooooo", "ooooooooo"},
    {"products.page", "ooooooooo", "ooooooooo"},
    {"producers.page", "ooooooooo", "ooooooooo"},
    {"points.page", "ooooooooo", "ooooooooo"},
    {"villages.page", "ooooooooo", "ooooooooo"},
    {"products.list_page", "ooooooooo", "ooooooooo"},
    {"producers.list_page", "ooooooooo", "ooooooooo"},
    {"points.list_page", "ooooooooo", "ooooooooo"},
    {"villages.list_page", "ooooooooo", "ooooooooo"},
    {"stats.page", "ooooooooo", "ooooooooo"},
    {"static", "ooooooooo", "ooooooooo"},
    /* the account pages: a page's POST takes a form, so the matrix's JSON body is 415 (v) */
    {"signin.page", "ooooooooo", "ooooooooo"},
    {"signin.post", "vvvvvvvvv", "vvvvvvvvv"},
    {"signout.post", "Uvvvvvvvv", "Uvvvvvvvv"},
    {"register.page", "ooooooooo", "ooooooooo"},
    {"register.post", "vvvvvvvvv", "vvvvvvvvv"},
    {"account.page", "Uoooooooo", "Uoooooooo"},
    /* the workspaces (page_work.h): a page of a role the caller does not hold is F */
    {"work.page", "Uoooooooo", "Uoooooooo"},
    {"sheet.try", "ooooooooo", "ooooooooo"},
    {"sheet.try_post", "vvvvvvvvv", "vvvvvvvvv"},
    {"dossiers.step", "UvvvFFFvN", "UvNNFFFNN"},
    /* the producer's portal (page_portal.c): producers only; another producer's record is N */
    {"portal.producer", "UFFFFFFoF", "UFFFFFFoF"},
    {"portal.producer_save", "UFFFFFFvF", "UFFFFFFvF"},
    {"portal.products", "UFFFFFFoF", "UFFFFFFoF"},
    {"portal.product_new", "UFFFFFFoF", "UFFFFFFoF"},
    {"portal.product_create", "UFFFFFFvF", "UFFFFFFvF"},
    {"products.portal_page", "UFFFFFFoF", "UFFFFFFNF"},
    {"products.portal_save", "UFFFFFFvF", "UFFFFFFNF"},
    {"products.portal_photo_add", "UFFFFFFvF", "UFFFFFFNF"},
    {"products.portal_photo_delete", "UFFFFFFvF", "UFFFFFFNF"},
    {"portal.dossiers", "UFFFFFFoF", "UFFFFFFoF"},
    {"portal.dossier_new", "UFFFFFFoF", "UFFFFFFoF"},
    {"portal.dossier_create", "UFFFFFFvF", "UFFFFFFvF"},
    {"dossiers.portal_page", "UFFFFFFoF", "UFFFFFFNF"},
    {"dossiers.portal_registration", "UFFFFFFoF", "UFFFFFFNF"},
    {"dossiers.portal_registration_save", "UFFFFFFvF", "UFFFFFFNF"},
    {"dossiers.portal_sheet", "UFFFFFFoF", "UFFFFFFNF"},
    {"dossiers.portal_sheet_save", "UFFFFFFvF", "UFFFFFFNF"},
    {"dossiers.portal_evidence", "UFFFFFFoF", "UFFFFFFNF"},
    {"dossiers.portal_evidence_add", "UFFFFFFvF", "UFFFFFFNF"},
    {"dossiers.portal_evidence_delete", "UFFFFFFvF", "UFFFFFFNF"},
    /* the council's workspace (page_council.c): its three positions only; the minutes once a
    ** member has submitted (the secretary at once) */
    {"council.list", "UFFFoooFF", "UFFFoooFF"},
    {"dossiers.sheet_page", "UFFFoooFF", "UFFFNNNFF"},
    {"dossiers.sheet_post", "UFFFvvvFF", "UFFFNNNFF"},
    {"dossiers.conflict_post", "UFFFvvvFF", "UFFFNNNFF"},
    {"dossiers.council_page", "UFFFoooFF", "UFFFNNNFF"},
    {"dossiers.council_act", "UFFFvvvFF", "UFFFNNNFF"},
    {"dossiers.minutes_pdf", "UFFFFFoFF", "UFFFNNNFF"},
    /* the province officer's workspace (page_province.c): a page's POST takes a form (v) */
    {"dossiers.province_list", "UooFFFFFF", "UooFFFFFF"},
    {"dossiers.province_page", "UooFFFFFF", "UoNFFFFFF"},
    {"rounds.province_list", "UooFFFFFF", "UooFFFFFF"},
    {"rounds.new_page", "UooFFFFFF", "UooFFFFFF"},
    {"rounds.new_post", "UvvFFFFFF", "UvvFFFFFF"},
    {"rounds.province_page", "UooFFFFFF", "UoNFFFFFF"},
    {"rounds.province_update", "UvvFFFFFF", "UvNFFFFFF"},
    {"rounds.province_assign", "UvvFFFFFF", "UvNFFFFFF"},
    {"councils.province_list", "UooFFFFFF", "UooFFFFFF"},
    {"councils.new_page", "UooFFFFFF", "UooFFFFFF"},
    {"councils.new_post", "UvvFFFFFF", "UvvFFFFFF"},
    {"councils.province_page", "UooFFFFFF", "UoNFFFFFF"},
    {"councils.member_add", "UvvFFFFFF", "UvNFFFFFF"},
    {"councils.member_remove", "UvvFFFFFF", "UvNFFFFFF"},
    {"councils.advisor_add", "UvvFFFFFF", "UvNFFFFFF"},
    {"councils.advisor_remove", "UvvFFFFFF", "UvNFFFFFF"},
    /* the province officer's decisions, certificates, imports, users, audit (page_decide.c): only
    ** province officers; another province's decision, certificate or user is N */
    {"decisions.list_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"decisions.new_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"decisions.create_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"decisions.page", "UFoFFFFFF", "UFNFFFFFF"},
    {"certificates.list_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"certificates.due_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"certificates.page", "UFoFFFFFF", "UFNFFFFFF"},
    {"certificates.revoke_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"import.page", "UFoFFFFFF", "UFoFFFFFF"},
    {"import.preview_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"import.confirm_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"import.template_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"users.list_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"users.new_page", "UFoFFFFFF", "UFoFFFFFF"},
    {"users.create_page", "UFvFFFFFF", "UFvFFFFFF"},
    {"users.page", "UFoFFFFFF", "UFNFFFFFF"},
    {"users.act_page", "UFvFFFFFF", "UFNFFFFFF"},
    {"audit.page", "UFoFFFFFF", "UFoFFFFFF"},
    /* the Ministry's and the administrator's workspaces (page_admin.c): the administrator's alone */
    {"ministry.dossiers", "UoFFFFFFo", "UoFFFFFFo"},
    {"dossiers.ministry_page", "UoFFFFFFN", "UoFFFFFFN"},
    {"ministry.rounds", "UoFFFFFFo", "UoFFFFFFo"},
    {"ministry.round_form", "UoFFFFFFo", "UoFFFFFFo"},
    {"ministry.round_create", "UvFFFFFFv", "UvFFFFFFv"},
    {"ministry.decisions", "UoFFFFFFo", "UoFFFFFFo"},
    {"ministry.decision_form", "UoFFFFFFo", "UoFFFFFFo"},
    {"ministry.decision_create", "UvFFFFFFv", "UvFFFFFFv"},
    {"admin.users", "UoFFFFFFF", "UoFFFFFFF"},
    {"admin.user_create", "UvFFFFFFF", "UvFFFFFFF"},
    {"users.admin_page", "UoFFFFFFF", "UoFFFFFFF"},
    {"users.admin_grant", "UvFFFFFFF", "UvFFFFFFF"},
    {"users.admin_revoke", "UvFFFFFFF", "UvFFFFFFF"},
    {"users.admin_status", "UvFFFFFFF", "UvFFFFFFF"},
    {"users.admin_password", "UvFFFFFFF", "UvFFFFFFF"},
    {"admin.keys", "UoFFFFFFF", "UoFFFFFFF"},
    {"admin.key_generate", "UvFFFFFFF", "UvFFFFFFF"},
    {"admin.key_retire", "UvFFFFFFF", "UvFFFFFFF"},
    {"admin.data", "UoFFFFFFF", "UoFFFFFFF"},
    {"admin.system", "UoFFFFFFF", "UoFFFFFFF"},
    {"admin.audit", "UoFFFFFFF", "UoFFFFFFF"},
    {"password.page", "Uoooooooo", "Uoooooooo"},
    /* the commune officer's workspace (page_commune.c) */
    {"commune.dossiers", "UoFoFFFFF", "UoFoFFFFF"},
    {"dossiers.commune_page", "UoFoFFFFF", "UoFNFFFFF"},
    {"dossiers.commune_report_page", "UvFvFFFFF", "UvFNFFFFF"},
    {"commune.producers", "UoFoFFFFF", "UoFoFFFFF"},
    {"commune.products", "UoFoFFFFF", "UoFoFFFFF"},
    {"commune.accounts", "UoFoFFFFF", "UoFoFFFFF"},
    {"users.confirm_page", "UvFvFFFFF", "UvFNFFFFF"},
    {"password.post", "Uvvvvvvvv", "Uvvvvvvvv"},
    {"photos.add", "UoooFFFoF", "UoNNFFFNF"},
    {"photos.delete", "UoooFFFoF", "UoNNFFFNF"},
    {"files.get", "ooooooooo", "ooooooooo"},
    /* registry: reading is public (the catalogue) */
    {"producers.list", "ooooooooo", "ooooooooo"},
    {"producers.export", "ooooooooo", "ooooooooo"},
    {"producers.get", "ooooooooo", "ooooooooo"},
    {"producers.create", "UoooFFFFF", "UoFFFFFFF"},
    {"producers.update", "UoooFFFoF", "UoNNFFFNF"},
    {"producers.replace", "UvvvFFFvF", "UvNNFFFNF"},
    {"producers.delete", "UooFFFFFF", "UoNFFFFFF"},
    {"products.list", "ooooooooo", "ooooooooo"},
    {"products.export", "ooooooooo", "ooooooooo"},
    {"products.get", "ooooooooo", "ooooooooo"},
    {"products.create", "UoooFFFoF", "UoFFFFFFF"},
    {"products.update", "UoooFFFoF", "UoNNFFFNF"},
    {"products.replace", "UvvvFFFvF", "UvNNFFFNF"},
    {"products.delete", "UoooFFFFF", "UoNNFFFFF"},
    {"recognitions.list", "ooooooooo", "ooooooooo"},
    {"recognitions.export", "ooooooooo", "ooooooooo"},
    {"recognitions.get", "ooooooooo", "ooooooooo"},
    {"recognitions.create", "UooFFFFFF", "UoFFFFFFF"},
    {"recognitions.update", "UooFFFFFN", "UoNFFFFFN"},
    {"recognitions.replace", "UvvFFFFFN", "UvNFFFFFN"},
    {"recognitions.delete", "UooFFFFFN", "UoNFFFFFN"},
    {"villages.list", "ooooooooo", "ooooooooo"},
    {"villages.export", "ooooooooo", "ooooooooo"},
    {"villages.get", "ooooooooo", "ooooooooo"},
    {"villages.create", "UoooFFFFF", "UoFFFFFFF"},
    {"villages.update", "UoooFFFFF", "UoNNFFFFF"},
    {"villages.replace", "UvvvFFFFF", "UvNNFFFFF"},
    {"villages.delete", "UoooFFFFF", "UoNNFFFFF"},
    {"points.list", "ooooooooo", "ooooooooo"},
    {"points.export", "ooooooooo", "ooooooooo"},
    {"points.get", "ooooooooo", "ooooooooo"},
    {"points.create", "UoooFFFFF", "UoFFFFFFF"},
    {"points.update", "UoooFFFFF", "UoNNFFFFF"},
    {"points.replace", "UvvvFFFFF", "UvNNFFFFF"},
    {"points.delete", "UoooFFFFF", "UoNNFFFFF"},
    {"councils.list", "ooooooooo", "ooooooooo"},
    {"councils.export", "ooooooooo", "ooooooooo"},
    {"councils.get", "ooooooooo", "ooooooooo"},
    {"councils.create", "UooFFFFFF", "UoFFFFFFF"},
    {"councils.update", "UooFFFFFN", "UoNFFFFFN"},
    {"councils.replace", "UvvFFFFFN", "UvNFFFFFN"},
    {"councils.delete", "UooFFFFFN", "UoNFFFFFN"},
    /* the councils' advisory groups: as the councils */
    {"advisors.list", "ooooooooo", "ooooooooo"},
    {"advisors.export", "ooooooooo", "ooooooooo"},
    {"advisors.get", "ooooooooo", "ooooooooo"},
    {"advisors.create", "UooFFFFFF", "UoFFFFFFF"},
    {"advisors.update", "UooFFFFFN", "UoNFFFFFN"},
    {"advisors.replace", "UvvFFFFFN", "UvNFFFFFN"},
    {"advisors.delete", "UooFFFFFN", "UoNFFFFFN"},
    /* accounts */
    {"session.create", "vvvvvvvvv", "vvvvvvvvv"},
    {"session.delete", "Uvvvvvvvv", "Uvvvvvvvv"},
    {"me.get", "Uoooooooo", "Uoooooooo"},
    {"me.sessions.delete", "Uoooooooo", "Uoooooooo"},
    {"me.password", "Uvvvvvvvv", "Uvvvvvvvv"},
    {"me.tokens.list", "Uoooooooo", "Uoooooooo"},
    {"me.tokens.create", "UFFFFFFFF", "UFFFFFFFF"}, /* a token cannot mint tokens: sessions only */
    {"me.tokens.delete", "Uoooooooo", "UNNNNNNNN"},
    {"register", "vvvvvvvvv", "vvvvvvvvv"},
    {"users.list", "UoooFFFFF", "UoooFFFFF"},
    {"users.create", "UooFFFFFF", "UoFFFFFFF"},
    {"users.get", "UoooFFFFF", "UoNNFFFFF"},
    {"users.update", "UooFFFFFF", "UoNFFFFFF"},
    {"users.password", "UvvFFFFFF", "UvNFFFFFF"},
    {"users.grant", "UvvFFFFFF", "UvNFFFFFF"},
    {"users.revoke", "UooFFFFFF", "UoNFFFFFF"},
    {"users.confirm", "UoooFFFFF", "UoNNFFFFF"},
    {"audit.list", "UooFFFFFF", "UooFFFFFF"},
    {"audit.export", "UooFFFFFF", "UooFFFFFF"},
    {"audit.verify", "UoFFFFFFF", "UoFFFFFFF"},
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
    else if (!strcmp(entity, "plans"))
        snprintf(out, n, "{\"unit\": \"%s\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", \"title\": \"Kế hoạch %d\"}",
                 in ? "86" : "91", k);
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
    if (!strcmp(entity, "plans")) /* a fresh plan each call: of Vĩnh Long (in), of An Giang (out) */
        return admin_create("/api/v1/plans", in ? "{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", "
                                                  "\"title\": \"p\", \"tasks\": [{\"title\": \"t\"}]}"
                                                : "{\"unit\": \"91\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", "
                                                  "\"title\": \"p\", \"tasks\": [{\"title\": \"t\"}]}");
    if (!strcmp(entity, "national_plans")) /* a fresh plan: the country's (in), Vĩnh Long's (out: not on /bo) */
        return admin_create("/api/v1/plans", in ? "{\"unit\": \"\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", "
                                                  "\"title\": \"p\", \"tasks\": [{\"title\": \"t\"}]}"
                                                : "{\"unit\": \"86\", \"from\": \"2026-01-01\", \"to\": \"2026-12-31\", "
                                                  "\"title\": \"p\", \"tasks\": [{\"title\": \"t\"}]}");
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
            else if (!strcmp(ph, "task_id")) { /* the plan's task */
                char tp[64];
                snprintf(tp, sizeof tp, "/api/v1/plans/%lld", id);
                Resp t = as(ADMIN, "GET", tp, NULL, NULL, 0);
                n = snprintf(p, left, "%lld", (long long)json_integer_value(json_object_get(json_array_get(jpath(t.json, "tasks"), 0), "id")));
                resp_free(&t);
            }
            else if (!strcmp(ph, "kind")) n = snprintf(p, left, "villages");
            /* an indicator that counts dossiers: not public (api.c) */
            else if (!strcmp(ph, "code")) n = snprintf(p, left, "%s", !strcmp(name, "indicators.get") ? "dossiers_filed" : "86");
            else if (!strcmp(ph, "version")) n = snprintf(p, left, "26-2026");
            else if (!strcmp(ph, "n")) n = snprintf(p, left, "1");
            else if (!strcmp(ph, "cert_no")) n = snprintf(p, left, "%s", in ? cert_in : cert_out);
            else if (!strcmp(ph, "name") && !strcmp(name, "reports.get")) n = snprintf(p, left, "summary");
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
