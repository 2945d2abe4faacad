/*
** demo.c: load the demonstration data (see demo.h).
*/
#include "demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embed.h"
#include "auth.h"
#include "buf.h"
#include "cert.h"
#include "dossier.h"
#include "plan.h"
#include "entity.h"
#include "rubric.h"
#include "scoring.h"
#include "importer.h"
#include "util.h"

/* One account per role, all in Vĩnh Long (province 86) around the commune of Mỏ Cày (28903),
** with one password. README lists them; they exist for trying ocop out, never in production. */
/* A council of Vĩnh Long (province NULL: the Ministry's) named name, appointed by decision_no;
** *id receives it. */
static int demo_council(Db *db, const Actor *who, const char *province, const char *name, const char *decision_no,
                        int64_t *id, Err *e) {
    Arena a = {0};
    json_t *council = json_pack("{s:s, s:s, s:s, s:s}", "name", name, "level", province ? "province" : "ministry",
                                "decision_no", decision_no, "decided_on", "2026-03-02");
    if (province) json_object_set_new(council, "province_code", json_string(province));
    int rc = db_begin(db, e) || entity_check(&ENTITY_COUNCILS, council, true, false, e) ||
             entity_insert(db, &a, &ENTITY_COUNCILS, who, council, id, e) || db_commit(db, e);
    json_decref(council);
    arena_free(&a);
    if (rc) db_rollback(db);
    return rc ? -1 : 0;
}

static int demo_users(Db *db, const Actor *who, int verbose, Err *e) {
    /* Council 1 (hd.*) has a chair and one member, as the tests that score on the demo expect;
    ** council 2 (hd2.*) has two members, and scores the demo's own dossiers (demo_scoring,
    ** demo_past). The Ministry's council (bo.*) scores the demo's 5★ product (demo_ministry). */
    int64_t cid = 0, cid2 = 0, cid3 = 0, pid = 0;
    if (demo_council(db, who, "86", "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Vĩnh Long (demo)", "123/QĐ-UBND",
                     &cid, e) ||
        demo_council(db, who, "86", "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Vĩnh Long, nhóm thực phẩm (demo)",
                     "124/QĐ-UBND", &cid2, e) ||
        demo_council(db, who, NULL, "Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp quốc gia (demo)", "125/QĐ-BNNMT",
                     &cid3, e))
        return -1;
    pid = db_int1(db, "SELECT id FROM producers WHERE reg_no = ?", "1307000123");
    char council_scope[24], council2_scope[24], council3_scope[24], producer_scope[24];
    snprintf(council_scope, sizeof council_scope, "%lld", (long long)cid);
    snprintf(council2_scope, sizeof council2_scope, "%lld", (long long)cid2);
    snprintf(council3_scope, sizeof council3_scope, "%lld", (long long)cid3);
    snprintf(producer_scope, sizeof producer_scope, "%lld", (long long)pid);
    const struct {
        const char *name, *full, *role, *scope;
    } users[] = {
        {"admin", "Quản trị hệ thống (demo)", "admin", ""},
        {"tinh.vinhlong", "Cán bộ OCOP tỉnh Vĩnh Long (demo)", "province", "86"},
        {"xa.mocay", "Cán bộ OCOP xã Mỏ Cày (demo)", "commune", "28903"},
        {"hd.chutich", "Chủ tịch Hội đồng (demo)", "council_chair", council_scope},
        {"hd.thanhvien", "Thành viên Hội đồng (demo)", "council_member", council_scope},
        {"hd.thuky", "Thư ký Hội đồng (demo)", "council_secretary", council_scope},
        {"chuthe.thanhlong", "HTX Kẹo dừa Thanh Long (demo)", "producer", producer_scope},
        {"hd2.chutich", "Chủ tịch Hội đồng nhóm thực phẩm (demo)", "council_chair", council2_scope},
        {"hd2.thanhvien", "Thành viên Hội đồng nhóm thực phẩm (demo)", "council_member", council2_scope},
        {"hd2.thanhvien2", "Thành viên thứ hai Hội đồng nhóm thực phẩm (demo)", "council_member", council2_scope},
        {"hd2.thuky", "Thư ký Hội đồng nhóm thực phẩm (demo)", "council_secretary", council2_scope},
        {"bo.chutich", "Chủ tịch Hội đồng cấp quốc gia (demo)", "council_chair", council3_scope},
        {"bo.thanhvien", "Thành viên Hội đồng cấp quốc gia (demo)", "council_member", council3_scope},
        {"bo.thuky", "Thư ký Hội đồng cấp quốc gia (demo)", "council_secretary", council3_scope},
        {"bo.vanphong", "Cán bộ OCOP cấp Bộ (demo)", "ministry", ""},
    };
    for (size_t i = 0; i < COUNT(users); i++) {
        json_t *in = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "username", users[i].name, "password",
                               DEMO_PASSWORD, "full_name", users[i].full, "roles", "role", users[i].role, "scope",
                               users[i].scope);
        int64_t id;
        int rc = user_create(db, who, in, &id, e);
        json_decref(in);
        if (rc) return -1;
    }
    if (verbose) printf("demo: %zu users, password '%s' (see README)\n", COUNT(users), DEMO_PASSWORD);
    return 0;
}

/* The day the demo's recognitions describe (data/README.md): on it, most recognised products
** hold a valid recognition, a few have expired and one was revoked. */
#define DEMO_REFERENCE_DAY "2024-12-21"

/* Days from a to b (dates YYYY-MM-DD). */
static int days_between(const char *a, const char *b) { return (int)(day_number(b) - day_number(a)); }

/* Recognitions at district level belong to the geography before 1 July 2025, when districts
** ceased to exist: they keep their dates (moved, they would fall after the reform). */
#define DISTRICT_LEVEL ",Cấp huyện,"

/* data (a demo CSV of n bytes) with every date field DD/MM/YYYY moved by days, except on the rows
** at district level, into b. The demo files are ours: no field holds a quoted comma or line
** break, so a field is what lies between commas. */
static void shift_dates(const char *data, size_t n, int days, Buf *b) {
    for (size_t i = 0; i < n;) {
        size_t eol = i;
        while (eol < n && data[eol] != '\n') eol++;
        bool keep = memmem(data + i, eol - i, DISTRICT_LEVEL, strlen(DISTRICT_LEVEL)) != NULL;
        while (i < eol) {
            size_t k = i;
            while (k < eol && data[k] != ',' && data[k] != '\r') k++;
            char iso[11], moved[11];
            bool date = !keep && k - i == 10 && data[i + 2] == '/' && data[i + 5] == '/';
            if (date) {
                snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", data + i + 6, data + i + 3, data + i);
                date = date_valid(iso);
            }
            if (date) {
                date_add_days(iso, days, moved);
                buf_printf(b, "%.2s/%.2s/%.4s", moved + 8, moved + 5, moved);
            } else buf_append(b, data + i, k - i);
            if (k < eol) buf_putc(b, data[k]);
            i = k + 1;
        }
        if (eol < n) buf_putc(b, '\n');
        i = eol + 1;
    }
}

/* ---- the procedure: dossiers in each state, made through the domain as the API makes them ---- */

/* The demo's products in the commune of Mỏ Cày, by code: the dossiers are filed on them, so the
** registry's figures (products, producers, stars) stay what the CSV files say. */
static int64_t demo_product(Db *db, const char *code) {
    return db_int1(db, "SELECT id FROM products WHERE code = ?", code);
}

/* Classify product id under the score sheet in force (a product imported from a spreadsheet
** has none) so that a dossier can be filed on it. who holds no transaction. */
static int demo_classify(Db *db, const Actor *who, int64_t id, Err *e) {
    Arena a = {0};
    json_t *patch = json_pack("{s:s}", "rubric_version", rubric_current()->version);
    int rc = db_begin(db, e) || entity_update(db, &a, &ENTITY_PRODUCTS, who, id, patch, e) || db_commit(db, e);
    json_decref(patch);
    arena_free(&a);
    if (rc) db_rollback(db);
    return rc ? -1 : 0;
}

/* A self-assessment (Mẫu 02) on the dossier's set: the best option of every criterion. */
static json_t *demo_self_assessment(Db *db, int64_t dossier) {
    json_t *choices = json_object();
    Stmt *s = db_prepare(db, "SELECT rubric_version, set_no FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, dossier);
    const RubSet *set = NULL;
    if (db_step(s) == DB_ROW) set = rubric_set(rubric_get(db_col_text(s, 0)), (int)db_col_int(s, 1));
    db_done(s);
    for (int i = 0; set && i < set->nleaves; i++) {
        const RubLeaf *l = &set->leaves[i];
        int best = 0;
        for (int k = 1; k < l->noptions; k++)
            if (l->options[k].points > l->options[best].points) best = k;
        json_object_set_new(choices, l->code, json_integer(best));
    }
    return json_pack("{s:o}", "choices", choices);
}

/* One step of dossier id on day (dossier_act_on), with a comment when not NULL and the round to
** assign it to (assign, assign_ministry). */
static int demo_act(Db *db, const Actor *who, int64_t id, const char *action, const char *comment, int64_t round,
                    const char *day, Err *e) {
    Arena a = {0};
    json_t *in = json_pack("{s:s}", "action", action);
    if (comment) json_object_set_new(in, "comment", json_string(comment));
    if (round && str_has_prefix(action, "assign")) json_object_set_new(in, "round_id", json_integer(round));
    int rc = dossier_act_on(db, &a, who, id, in, day, e);
    json_decref(in);
    arena_free(&a);
    return rc;
}

/* A dossier of kind on product, created and carried from draft through the steps
** (NULL-terminated actions) on day. */
static int demo_dossier(Db *db, const Actor *who, int64_t product, const char *kind, const char *note,
                        const char *const *steps, int64_t round, const char *day, int64_t *id, Err *e) {
    Arena a = {0};
    json_t *in = json_pack("{s:s, s:I, s:s}", "kind", kind, "product_id", (json_int_t)product, "note", note);
    int rc = dossier_create_on(db, &a, who, in, day, id, e);
    json_decref(in);
    arena_free(&a);
    if (rc) {
        /* An upgrade of a product recognised on the demo's day; with --date far from today, its
        ** recognition may not be in force on the real day the procedure goes by: then a first
        ** evaluation. */
        if (strcmp(kind, "upgrade") != 0 || strcmp(e->field, "kind") != 0) return -1;
        err_clear(e);
        return demo_dossier(db, who, product, "first", note, steps, round, day, id, e);
    }
    json_t *self = demo_self_assessment(db, *id);
    rc = dossier_self_assess(db, who, *id, self, e);
    json_decref(self);
    for (size_t i = 0; !rc && steps[i]; i++) {
        if (strcmp(steps[i], "forward") == 0) {
            json_t *report = json_pack("{s:{s:{s:b, s:s}, s:{s:b}, s:{s:b}, s:{s:b}}, s:s}", "items", "origin", "met", 1,
                                       "note", "Dừa nguyên liệu trồng tại xã Mỏ Cày", "labour", "met", 1, "idea", "met", 1,
                                       "identity", "met", 1, "comment", "Hồ sơ đầy đủ, đề nghị tỉnh đánh giá");
            rc = dossier_commune_report(db, who, *id, report, e);
            json_decref(report);
            if (rc) break;
        }
        const char *why = strcmp(steps[i], "return") == 0 ? "Bổ sung phiếu kết quả kiểm nghiệm" : NULL;
        rc = demo_act(db, who, *id, steps[i], why, round, day, e);
    }
    return rc ? -1 : 0;
}

/* Round number of the year of province ("86", or "bo": the Ministry's) with the council
** appointed by council_no, open from today: dossiers forwarded within 30 days, scoring within 60.
** *id receives it. */
static int demo_round(Db *db, const Actor *who, const char *province, const char *today, int number,
                      const char *council_no, int64_t *id, Err *e) {
    Arena a = {0};
    char forward_by[11], ends_on[11];
    date_add_days(today, 30, forward_by);
    date_add_days(today, 60, ends_on);
    int64_t council = db_int1(db, "SELECT id FROM councils WHERE decision_no = ?", council_no);
    json_t *in = json_pack("{s:s, s:I, s:I, s:s, s:s, s:I}", "province_code", province, "year", (json_int_t)atoi(today),
                           "number", (json_int_t)number, "forward_by", forward_by, "ends_on", ends_on, "council_id",
                           (json_int_t)council);
    int rc = entity_check(&ENTITY_ROUNDS, in, true, false, e) || db_begin(db, e) ||
             entity_insert(db, &a, &ENTITY_ROUNDS, who, in, id, e) || db_commit(db, e);
    json_decref(in);
    arena_free(&a);
    if (rc) db_rollback(db);
    return rc ? -1 : 0;
}

/* ---- the council scores: as each of its members, who sign in to do it ------------------------ */

/* The actor of demo user name, with its roles, in *auth (which must outlive it). */
static int demo_member(Db *db, const char *name, Auth *auth, Actor *out, Err *e) {
    memset(auth, 0, sizeof *auth);
    auth->user_id = db_int1(db, "SELECT id FROM users WHERE username = ?", name);
    if (!auth->user_id) return err_set(e, 500, "", "the demo has no user %s", name);
    snprintf(auth->username, sizeof auth->username, "%s", name);
    auth->via = AUTH_SESSION;
    if (auth_load_grants(db, auth, e)) return -1;
    *out = actor_user(auth, "demo");
    return 0;
}

/* Does option k of l meet the minimums of stars (3 to 5: rubric.h's need)? */
static bool demo_meets(const RubLeaf *l, int k, int stars) {
    return l->options[k].points >= l->need[l->options[k].branch][stars - 3];
}

/* Choices on set for a total near target, meeting the minimums of the stars that total reaches
** (3★ under 70 points, 4★ under 90, else 5★): every criterion at its lowest option that meets
** them, then raised to the best such option that keeps the total within target. */
static json_t *demo_choices(const RubSet *set, int target) {
    int total = 0, pick[256], stars = target >= 90 ? 5 : target >= 70 ? 4 : 3;
    for (int i = 0; i < set->nleaves && i < 256; i++) {
        const RubLeaf *l = &set->leaves[i];
        pick[i] = -1;
        for (int k = 0; k < l->noptions; k++)
            if (demo_meets(l, k, stars) && (pick[i] < 0 || l->options[k].points < l->options[pick[i]].points)) pick[i] = k;
        if (pick[i] < 0) pick[i] = 0;
        total += l->options[pick[i]].points;
    }
    json_t *choices = json_object();
    for (int i = 0; i < set->nleaves && i < 256; i++) {
        const RubLeaf *l = &set->leaves[i];
        int now = l->options[pick[i]].points, best = pick[i];
        for (int k = 0; k < l->noptions; k++) {
            int gain = l->options[k].points - now;
            if (demo_meets(l, k, stars) && gain > l->options[best].points - now && total + gain <= target) best = k;
        }
        total += l->options[best].points - now;
        json_object_set_new(choices, l->code, json_integer(best));
    }
    return choices;
}

/* name's sheet on dossier aiming at target points, submitted or only saved, on day. */
static int demo_score(Db *db, int64_t dossier, const char *name, int target, bool submit, const char *day, Err *e) {
    Auth auth;
    Actor m;
    if (demo_member(db, name, &auth, &m, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT rubric_version, set_no FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, dossier);
    const RubSet *set = NULL;
    if (db_step(s) == DB_ROW) set = rubric_set(rubric_get(db_col_text(s, 0)), (int)db_col_int(s, 1));
    db_done(s);
    if (!set) return err_set(e, 500, "", "dossier %lld has no score sheet", (long long)dossier);
    json_t *in = json_pack("{s:o, s:b}", "choices", demo_choices(set, target), "submit", submit), *out = NULL;
    int rc = scoring_save_on(db, &m, dossier, in, &out, day, e);
    json_decref(in);
    json_decref(out);
    return rc;
}

/* The province closes round id (its scoring is over). */
static int demo_close_round(Db *db, const Actor *who, int64_t id, Err *e) {
    Arena a = {0};
    json_t *patch = json_pack("{s:s}", "state", "closed");
    int rc = db_begin(db, e) || entity_update(db, &a, &ENTITY_ROUNDS, who, id, patch, e) || db_commit(db, e);
    json_decref(patch);
    arena_free(&a);
    if (rc) db_rollback(db);
    return rc ? -1 : 0;
}

/* Council 2 at work: in round 10 (open), a dossier the chair and a member have scored and the
** second member has begun; in round 11 (closed), a dossier whose first pass spread more than the
** round's threshold (scoring.c), re-scored in a second pass and closed by the secretary. */
static int demo_scoring(Db *db, const Actor *who, const char *today, int64_t product, Err *e) {
    static const char *const in_round[] = {"submit", "receive", "forward", "check", "assign", NULL};
    int64_t scoring, spread, open, closed;
    /* Numbers 10 and 11: the tests that load the demo open rounds 1 to 9 of the year themselves. */
    if (demo_round(db, who, "86", today, 10, "124/QĐ-UBND", &open, e) ||
        demo_dossier(db, who, product, "upgrade", "Hồ sơ Hội đồng đang chấm (demo)", in_round, open, today, &scoring,
                     e) ||
        demo_score(db, scoring, "hd2.chutich", 78, true, today, e) || demo_score(db, scoring, "hd2.thanhvien", 74, true, today, e) ||
        demo_score(db, scoring, "hd2.thanhvien2", 60, false, today, e))
        return -1;
    if (demo_round(db, who, "86", today, 11, "124/QĐ-UBND", &closed, e) ||
        demo_dossier(db, who, product, "upgrade", "Hồ sơ chấm lại vì chênh lệch điểm (demo)", in_round, closed, today,
                     &spread, e) ||
        demo_score(db, spread, "hd2.chutich", 88, true, today, e) || demo_score(db, spread, "hd2.thanhvien", 72, true, today, e) ||
        demo_score(db, spread, "hd2.thanhvien2", 70, true, today, e))
        return -1;
    Auth auth;
    Actor chair, secretary;
    json_t *in = json_pack("{s:s}", "comment", "Điểm các thành viên chênh lệch quá 10 điểm: chấm lại");
    int rc = demo_member(db, "hd2.chutich", &auth, &chair, e) || scoring_rescore(db, &chair, spread, in, e);
    json_decref(in);
    if (rc || demo_score(db, spread, "hd2.chutich", 80, true, today, e) || demo_score(db, spread, "hd2.thanhvien", 77, true, today, e) ||
        demo_score(db, spread, "hd2.thanhvien2", 76, true, today, e))
        return -1;
    Auth sauth;
    in = json_pack("{s:s}", "comment", "Hội đồng thống nhất kết quả sau khi chấm lại");
    rc = demo_member(db, "hd2.thuky", &sauth, &secretary, e) || scoring_close(db, &secretary, spread, in, e);
    json_decref(in);
    return rc ? -1 : demo_close_round(db, who, closed, e);
}

/* ---- decisions and certificates: procedures carried to their end on days in the past -------- */

/* A new product name of HTX Kẹo dừa Thanh Long (set 7, processed from fruit), registered in the
** year of day under the score sheet in force on day; *id receives it. */
static int demo_new_product(Db *db, const Actor *who, const char *name, const char *day, int64_t *id, Err *e) {
    Arena a = {0};
    json_t *in = json_pack("{s:s, s:i, s:I, s:s, s:i, s:s}", "name", name, "set_no", 7, "producer_id",
                           (json_int_t)db_int1(db, "SELECT id FROM producers WHERE reg_no = ?", "1307000123"),
                           "rubric_version", rubric_in_force(day)->version, "code_year", atoi(day), "description",
                           "Kẹo dừa Mỏ Cày nấu thủ công (demo)");
    int rc = entity_check(&ENTITY_PRODUCTS, in, true, false, e) || db_begin(db, e) ||
             entity_insert(db, &a, &ENTITY_PRODUCTS, who, in, id, e) || db_commit(db, e);
    json_decref(in);
    arena_free(&a);
    if (rc) db_rollback(db);
    return rc ? -1 : 0;
}

/* name (a member of the dossier's council) closes its scoring on day. */
static int demo_close(Db *db, int64_t dossier, const char *name, const char *day, Err *e) {
    Auth auth;
    Actor m;
    json_t *in = json_pack("{s:s}", "comment", "Hội đồng thống nhất kết quả chấm điểm");
    int rc = demo_member(db, name, &auth, &m, e) || scoring_close_on(db, &m, dossier, in, day, e);
    json_decref(in);
    return rc ? -1 : 0;
}

/* A first evaluation (note) of a new product name, filed on day, put in round number of that
** year and scored near target by council 2, whose secretary closes it; the round is closed
** after it. *dossier receives the scored dossier. */
static int demo_past(Db *db, const Actor *who, const char *name, const char *note, const char *day, int number,
                     int target, int64_t *dossier, Err *e) {
    static const char *const in_round[] = {"submit", "receive", "forward", "check", "assign", NULL};
    int64_t product, round;
    if (demo_new_product(db, who, name, day, &product, e) ||
        demo_round(db, who, "86", day, number, "124/QĐ-UBND", &round, e) ||
        demo_dossier(db, who, product, "first", note, in_round, round, day, dossier, e) ||
        demo_score(db, *dossier, "hd2.chutich", target, true, day, e) ||
        demo_score(db, *dossier, "hd2.thanhvien", target - 2, true, day, e) ||
        demo_score(db, *dossier, "hd2.thanhvien2", target - 3, true, day, e) || demo_close(db, *dossier, "hd2.thuky", day, e))
        return -1;
    return demo_close_round(db, who, round, e);
}

/* The signing key of authority ("86", "bo"), made when it has none: "authority", or
** "authority-demo", "authority-demo2"... when key files of those names are left in the keys
** directory by earlier databases (cert_key_generate refuses to overwrite one). */
static int demo_key(Db *db, const Actor *who, const char *keys_dir, const char *authority, Err *e) {
    char id[32];
    if (cert_key_current(db, authority, id, e) == 0) return 0;
    for (int i = 0; i < 10; i++) {
        err_clear(e);
        if (i) snprintf(id, sizeof id, i > 1 ? "%s-demo%d" : "%s-demo", authority, i);
        if (cert_key_generate(db, who, keys_dir, i ? id : authority, NULL, e) == 0) return 0;
        if (e->status != 409) return -1;
    }
    return -1;
}

/* Decision number of day recognising dossier: Vĩnh Long's (3★, 4★) or the Ministry's (5★),
** each signed with its authority's key (decision_create issues the certificate). */
static int demo_decide(Db *db, const Actor *who, const DecisionEnv *env, const char *number, const char *day,
                       bool ministry, int64_t dossier, Err *e) {
    json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[{s:I}]}", "number", number, "decided_on", day, "level",
                           ministry ? "ministry" : "province", "signer_name", ministry ? "Trần Văn Bình" : "Nguyễn Văn Minh",
                           "signer_title", ministry ? "KT. BỘ TRƯỞNG / THỨ TRƯỞNG" : "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
                           "items", "dossier_id", (json_int_t)dossier);
    if (!ministry) json_object_set_new(in, "province_code", json_string("86"));
    int64_t id;
    int rc = decision_create(db, who, env, in, &id, e);
    json_decref(in);
    return rc;
}

/* The Ministry's part for dossier (scored 90 or more by the province, sent on to the Ministry):
** its round of the year of day with its council, the sheets of its chair and member, the
** secretary's closing and the Minister's decision (5★), all on day. */
static int demo_ministry(Db *db, const Actor *who, const DecisionEnv *env, int64_t dossier, const char *day, Err *e) {
    int64_t round;
    if (demo_round(db, who, "bo", day, 1, "125/QĐ-BNNMT", &round, e) ||
        demo_act(db, who, dossier, "assign_ministry", NULL, round, day, e) ||
        demo_score(db, dossier, "bo.chutich", 94, true, day, e) || demo_score(db, dossier, "bo.thanhvien", 92, true, day, e) ||
        demo_close(db, dossier, "bo.thuky", day, e) || demo_close_round(db, who, round, e))
        return -1;
    return demo_decide(db, who, env, "3605/QĐ-BNNMT", day, true, dossier, e);
}

/* The certificate number of the decided dossier into out[40] ("" when it has none). */
static void demo_cert_no(Db *db, int64_t dossier, char out[40]) {
    Stmt *s = db_prepare(db, "SELECT cert_no FROM certificates WHERE dossier_id = ?");
    db_bind_int(s, 1, dossier);
    snprintf(out, 40, "%s", db_step(s) == DB_ROW ? db_col_text(s, 0) : "");
    db_done(s);
}

/* The procedure carried to its end (README: what the demo holds), on days counted back from now
** so that, on any day it is loaded, Vĩnh Long's certificates (36 months, QĐ 26/2026 Điều 4.3)
** stand as: one valid, one in its re-evaluation window (180 to 121 days left, Điều 7.6.a), one
** expired (recorded by the day's lifecycle run), one revoked on a legal ground (Điều 8.1); and a
** 5★ product the Ministry's council scored and the Ministry recognised. The keys of Vĩnh Long
** and of the Ministry are made when missing. Each decision falls in a year before now's, so the
** certificates numbered this year start at 0001. */
static int demo_decisions(Db *db, const Actor *who, const DecisionEnv *env, const char *now, int verbose, Err *e) {
    char expired[11], window[11], revoked[11], revoked_on[11], valid[11], five[11], five_bo[11], no[40];
    date_add_months(now, -38, expired);
    date_add_months(now, -31, window);
    date_add_months(now, -20, revoked);
    date_add_months(now, -3, revoked_on);
    date_add_months(now, -14, valid);
    date_add_months(now, -13, five);
    date_add_days(five, 20, five_bo);
    int64_t d_expired, d_window, d_revoked, d_valid, d_five;
    if (demo_key(db, who, env->keys_dir, "86", e) || demo_key(db, who, env->keys_dir, "bo", e) ||
        demo_past(db, who, "Kẹo dừa đậu phộng Thanh Long", "Hồ sơ đã công nhận, giấy chứng nhận đã hết hạn (demo)",
                  expired, 1, 68, &d_expired, e) ||
        demo_decide(db, who, env, "3601/QĐ-UBND", expired, false, d_expired, e) ||
        demo_past(db, who, "Kẹo dừa gừng Thanh Long", "Hồ sơ đã công nhận, sắp đến hạn đánh giá lại (demo)", window, 2,
                  72, &d_window, e) ||
        demo_decide(db, who, env, "3602/QĐ-UBND", window, false, d_window, e) ||
        demo_past(db, who, "Bánh tráng dừa Thanh Long", "Hồ sơ đã công nhận, giấy chứng nhận bị thu hồi (demo)", revoked,
                  3, 66, &d_revoked, e) ||
        demo_decide(db, who, env, "3603/QĐ-UBND", revoked, false, d_revoked, e) ||
        demo_past(db, who, "Kẹo dừa cà phê Thanh Long", "Hồ sơ đã công nhận 4 sao (demo)", valid, 4, 82, &d_valid, e) ||
        demo_decide(db, who, env, "3604/QĐ-UBND", valid, false, d_valid, e) ||
        demo_past(db, who, "Kẹo dừa sầu riêng hộp quà cao cấp Thanh Long", "Hồ sơ 5 sao do Bộ công nhận (demo)", five, 5,
                  96, &d_five, e) ||
        demo_act(db, who, d_five, "send_to_ministry", NULL, 0, five, e) || demo_ministry(db, who, env, d_five, five_bo, e))
        return -1;
    demo_cert_no(db, d_revoked, no);
    json_t *in = json_pack("{s:s, s:s, s:s, s:s}", "ground", "law_violation", "decision_no", "3610/QĐ-UBND", "decided_on",
                           revoked_on, "note", "Kết luận thanh tra: ghi nhãn hàng hóa sai quy định (demo)"),
           *report = NULL;
    int rc = certificate_revoke(db, who, no, in, e) || lifecycle_run(db, who, now, &report, e);
    json_decref(in);
    json_decref(report);
    if (!rc && verbose) printf("demo: 5 decisions with their signed certificates (one expired, one revoked)\n");
    return rc ? -1 : 0;
}

/* The procedure in Mỏ Cày (README: what each demo account holds): a dossier in each state up to
** the council's, one of them overdue at the commune, then the council's work (demo_scoring). */
static int demo_dossiers(Db *db, const Actor *who, const char *now, int verbose, Err *e) {
    static const char *const codes[] = {"86-28903-001-2021", "86-28903-002-2022", "86-28903-003-2022"};
    int64_t product[COUNT(codes)];
    for (size_t i = 0; i < COUNT(codes); i++)
        if (!(product[i] = demo_product(db, codes[i])) || demo_classify(db, who, product[i], e)) return -1;
    static const char *const draft[] = {NULL}, *const submitted[] = {"submit", NULL},
                             *const with_commune[] = {"submit", "receive", NULL},
                             *const returned[] = {"submit", "receive", "return", NULL},
                             *const forwarded[] = {"submit", "receive", "forward", NULL},
                             *const checked[] = {"submit", "receive", "forward", "check", NULL},
                             *const in_round[] = {"submit", "receive", "forward", "check", "assign", NULL};
    int64_t round;
    /* Today's rounds open now; only the overdue dossier is back-dated (dossier_act_on). */
    if (demo_round(db, who, "86", now, 1, "123/QĐ-UBND", &round, e)) return -1;
    /* The overdue one was received 40 days ago: past the commune's 15 working days (QĐ 26/2026),
    ** whatever holidays fall in between. */
    char late[11];
    date_add_days(now, -40, late);
    const struct {
        int product;
        const char *const *steps;
        const char *note;
        bool late;
    } dossiers[] = {
        {0, draft, "Hồ sơ nâng hạng đang soạn (demo)", false},
        {1, submitted, "Hồ sơ đã nộp, chờ xã tiếp nhận (demo)", false},
        {2, with_commune, "Hồ sơ xã đang kiểm tra (demo)", false},
        {0, returned, "Hồ sơ xã trả lại để bổ sung (demo)", false},
        {1, forwarded, "Hồ sơ xã đã chuyển lên tỉnh (demo)", false},
        {2, checked, "Hồ sơ tỉnh đã kiểm tra (demo)", false},
        {0, in_round, "Hồ sơ trong đợt đánh giá của tỉnh (demo)", false},
        {1, with_commune, "Hồ sơ xã kiểm tra quá hạn 15 ngày làm việc (demo)", true},
    };
    for (size_t i = 0; i < COUNT(dossiers); i++) {
        int64_t id;
        if (demo_dossier(db, who, product[dossiers[i].product], "upgrade", dossiers[i].note, dossiers[i].steps, round,
                         dossiers[i].late ? late : now, &id, e))
            return -1;
    }
    if (demo_scoring(db, who, now, product[0], e)) return -1;
    if (verbose) printf("demo: %zu dossiers in the commune of Mỏ Cày\n", COUNT(dossiers) + 2);
    return 0;
}

/* Vĩnh Long's plan of the year the demo is loaded in (plan.c), as a province words one: new 4★
** products, upgrades, every commune with a product, dossiers for the Ministry; and its tasks. */
static int demo_plan(Db *db, const Actor *who, const char *now, int verbose, Err *e) {
    char from[16], to[16], due[16], title[160];
    int year = atoi(now);
    snprintf(from, sizeof from, "%04d-01-01", year % 10000);
    snprintf(to, sizeof to, "%04d-12-31", year % 10000);
    snprintf(due, sizeof due, "%04d-06-30", year % 10000);
    snprintf(title, sizeof title, "Kế hoạch thực hiện Chương trình OCOP tỉnh Vĩnh Long năm %d (demo)", year);
    json_t *in = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s},"
        " s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}, {s:s, s:s, s:i, s:s}, {s:s, s:i, s:i}, {s:s, s:i, s:s}],"
        " s:[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s}, {s:s, s:s}]}",
        "unit", "86", "from", from, "to", to, "title", title, "document", "no", "45/KH-UBND", "date", from, "issuer",
        "Ủy ban nhân dân tỉnh Vĩnh Long", "targets", "indicator", "new_4star", "min", 8, "label",
        "Công nhận mới ít nhất 8 sản phẩm 4 sao", "indicator", "upgrades_3to4_pct", "min", 25, "label",
        "Ít nhất 25% sản phẩm 3 sao được nâng lên 4 sao", "indicator", "communes_covered", "each", "commune", "min", 1,
        "label", "Mỗi đơn vị hành chính cấp xã có ít nhất 1 sản phẩm OCOP", "indicator", "new_3plus", "min", 40, "max", 50,
        "indicator", "dossiers_to_ministry", "min", 3, "label", "Hoàn thiện 3 hồ sơ đề nghị Bộ đánh giá 5 sao", "tasks",
        "title", "Rà soát các sản phẩm có giấy chứng nhận sắp hết hạn", "agency", "Sở Nông nghiệp và Môi trường", "due_on", due,
        "status", "doing", "progress", "Đã rà soát 12 sản phẩm (demo)", "title", "Tổ chức đánh giá, phân hạng đợt 1",
        "agency", "Hội đồng đánh giá cấp tỉnh", "status", "done", "title", "Hỗ trợ chủ thể hoàn thiện hồ sơ 5 sao",
        "agency", "Văn phòng Điều phối nông thôn mới tỉnh");
    Arena a = {0};
    int64_t id = 0;
    int rc = plan_create(db, &a, who, in, &id, e);
    json_decref(in);
    arena_free(&a);
    if (!rc && verbose) printf("demo: the plan of Vĩnh Long for %d (plan %lld)\n", year, (long long)id);
    return rc;
}

int demo_load(Db *db, const Actor *who, const DecisionEnv *env, const char *today, int verbose, Err *e) {
    static const struct {
        const char *file;
        const Entity *en;
    } files[] = {
        {"data/demo/villages.csv", &ENTITY_VILLAGES},         {"data/demo/producers.csv", &ENTITY_PRODUCERS},
        {"data/demo/products.csv", &ENTITY_PRODUCTS},         {"data/demo/recognitions.csv", &ENTITY_RECOGNITIONS},
        {"data/demo/points.csv", &ENTITY_POINTS},
    };
    /* The recognitions are dated relative to the day the demo is loaded, so that it looks today as
    ** it did on DEMO_REFERENCE_DAY (valid stars, not a registry of expired ones). */
    int shift = days_between(DEMO_REFERENCE_DAY, today);
    for (size_t i = 0; i < COUNT(files); i++) {
        const EmbeddedFile *f = embed_find(files[i].file);
        if (!f) return err_set(e, 500, "", "%s is missing from this binary", files[i].file);
        ImportResult res;
        Buf moved = BUF_INIT;
        bool dated = files[i].en == &ENTITY_RECOGNITIONS;
        if (dated) shift_dates(f->data, f->size, shift, &moved);
        int rc = import_run(db, files[i].en, who, dated ? moved.p : f->data, dated ? moved.n : f->size, TABLE_CSV,
                            false, LANG_EN, NULL, NULL, &res, e);
        buf_free(&moved);
        if (!rc && verbose)
            printf("demo: %zu %s imported (%zu already there)\n", res.created, files[i].en->name, res.duplicates);
        import_result_free(&res);
        if (rc) {
            char msg[sizeof e->detail];
            snprintf(msg, sizeof msg, "%s", e->detail);
            snprintf(e->detail, sizeof e->detail, "%s: %.400s", files[i].file, msg);
            return -1;
        }
    }
    /* The procedure is dated from the real day (now), whatever --date says: the demo's certificates
    ** are valid, due or expired on the day a person looks at them. */
    char now[11];
    date_today(now);
    return demo_users(db, who, verbose, e) || demo_dossiers(db, who, now, verbose, e) ||
                   demo_decisions(db, who, env, now, verbose, e) || demo_plan(db, who, now, verbose, e)
               ? -1
               : 0;
}
