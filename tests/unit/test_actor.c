/*
** test_actor.c: actors with an explicit kind (auth.h), against a real migrated SQLite file with
** the demo data. The domain refuses by default: an anonymous caller, and an Actor that no
** constructor made (zero-initialised: before actors had a kind, auth NULL meant "the command
** line, unrestricted"), reaching the domain's write functions directly is refused and nothing is
** written (records, photos, imports, users, dossiers, scores, decisions, the lifecycle run,
** signing keys); the system actor may; a user acts within its roles. Only the command line makes a
** system actor: the source is searched for any other file that does.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "audit.h"
#include "buf.h"
#include "cert.h"
#include "cli.h"
#include "db.h"
#include "decision.h"
#include "demo.h"
#include "dossier.h"
#include "entity.h"
#include "importer.h"
#include "migrate.h"
#include "registry.h"
#include "scoring.h"
#include "util.h"

typedef struct Fixture {
    char dir[64];
    char path[96];
    Db *db;
    int64_t producer, product, user; /* demo records to aim at */
} Fixture;

static int group_setup(void **state) {
    Fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/ocop-test-actor-XXXXXX");
    if (!mkdtemp(f->dir)) return -1;
    snprintf(f->path, sizeof f->path, "%s/ocop.db", f->dir);
    Err e = ERR_INIT;
    f->db = db_create(f->path, &e);
    Actor sys = actor_system("cli:test");
    char today[11];
    date_today(today);
    char files[128], keys[128];
    snprintf(files, sizeof files, "%s/files", f->dir);
    snprintf(keys, sizeof keys, "%s/keys", f->dir);
    DecisionEnv env = {files, keys, "http://127.0.0.1:8080", true};
    if (!f->db || migrate_run(f->db, 0, &e) < 0 || demo_load(f->db, &sys, &env, today, 0, &e)) {
        fprintf(stderr, "%s\n", e.detail);
        return -1;
    }
    f->producer = db_int1(f->db, "SELECT id FROM producers WHERE reg_no = ?", "1307000123");
    f->product = db_int1(f->db, "SELECT id FROM products WHERE code = ?", "86-28903-001-2021");
    f->user = user_id_by_name(f->db, "xa.mocay");
    if (!f->producer || !f->product || !f->user) return -1;
    *state = f;
    return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(p);
}

/* The database, and the demo's keys and certificates beside it. */
static int group_teardown(void **state) {
    Fixture *f = *state;
    db_close(f->db);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static int64_t count(Db *db, const char *table) {
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE ? IS NULL", table);
    return db_int1(db, sql, NULL);
}

/* The callers that must be refused: an anonymous request, a zero-initialised Actor (which the
** old code read as the command line), a "user" without its roles, and no Actor at all. */
enum { NREFUSED = 4 };
static void refused_actors(Actor out[NREFUSED]) {
    out[0] = actor_anonymous("192.0.2.7");
    out[1] = (Actor){0};
    out[2] = (Actor){.kind = ACTOR_USER, .user_id = 1, .username = "admin", .remote = "192.0.2.7"};
    out[3] = (Actor){.kind = (ActorKind)77, .username = "forged"};
}

/* A signed-in user: the demo account name with its roles from the database. */
static Actor user_actor(Fixture *f, const char *name, Auth *a) {
    memset(a, 0, sizeof *a);
    a->user_id = user_id_by_name(f->db, name);
    snprintf(a->username, sizeof a->username, "%s", name);
    Err e = ERR_INIT;
    assert_true(a->user_id > 0);
    assert_int_equal(auth_load_grants(f->db, a, &e), 0);
    return actor_user(a, "192.0.2.8");
}

/* Insert obj (consumed) into en as who in its own transaction: the new id, or 0 with e. */
static int64_t insert(Fixture *f, const Entity *en, const Actor *who, json_t *obj, Err *e) {
    Arena a = {0};
    int64_t id = 0;
    int rc = db_begin(f->db, e) || entity_insert(f->db, &a, en, who, obj, &id, e) || db_commit(f->db, e);
    if (rc) {
        db_rollback(f->db);
        id = 0;
    }
    json_decref(obj);
    arena_free(&a);
    return id;
}

/* A new dossier of the demo product, made by the system. */
static int64_t new_dossier(Fixture *f) {
    Actor sys = actor_system("cli:test");
    Err e = ERR_INIT;
    int64_t id = insert(f, &ENTITY_DOSSIERS, &sys, json_pack("{s:s, s:I}", "kind", "upgrade", "product_id",
                                                            (json_int_t)f->product), &e);
    if (!id) fprintf(stderr, "dossier: %s (%s)\n", e.detail, e.field);
    assert_true(id > 0);
    return id;
}

/* ---- the kinds -------------------------------------------------------------------------------- */

static void test_kinds(void **state) {
    (void)state;
    Actor z = {0};
    assert_int_equal(z.kind, ACTOR_ANONYMOUS);
    Actor sys = actor_system("cli:test"), anon = actor_anonymous("192.0.2.7");
    assert_int_equal(sys.kind, ACTOR_SYSTEM);
    assert_string_equal(sys.username, "cli:test");
    assert_int_equal(anon.kind, ACTOR_ANONYMOUS);
    assert_string_equal(anon.remote, "192.0.2.7");
    Place p = {.commune = "28903", .province = "86"};
    Actor refused[NREFUSED];
    refused_actors(refused);
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        Err e = ERR_INIT;
        assert_false(actor_is_system(who));
        assert_null(actor_auth(who));
        assert_int_equal(actor_user_id(who), 0);
        assert_false(actor_can(who, PERM_PRODUCERS_CREATE));
        assert_false(actor_can(who, PERM_ADMIN));
        assert_false(actor_covers(who, PERM_PRODUCTS_UPDATE, &p));
        assert_true(actor_can(who, PERM_PUBLIC));
        assert_int_equal(actor_require(who, &e), -1);
        assert_int_equal(e.status, 401);
    }
    Err e = ERR_INIT;
    assert_true(actor_can(&sys, PERM_ADMIN));
    assert_true(actor_covers(&sys, PERM_PRODUCTS_UPDATE, &p));
    assert_int_equal(actor_require(&sys, &e), 0);
    /* A user: its roles, where they reach. */
    Auth a = {.user_id = 5, .username = "xa", .ngrants = 1,
              .grants = {{.role = ROLE_COMMUNE, .scope = "28903", .province = "86", .confirmed = true}}};
    Actor u = actor_user(&a, "192.0.2.8");
    Place elsewhere = {.commune = "00004", .province = "01"};
    assert_int_equal(u.kind, ACTOR_USER);
    assert_int_equal(actor_user_id(&u), 5);
    assert_true(actor_covers(&u, PERM_PRODUCTS_UPDATE, &p));
    assert_false(actor_covers(&u, PERM_PRODUCTS_UPDATE, &elsewhere));
    assert_false(actor_can(&u, PERM_ADMIN));
}

/* ---- records ---------------------------------------------------------------------------------- */

static json_t *new_producer(void) {
    return json_pack("{s:s, s:s, s:s}", "type", "cooperative", "name", "HTX Không Được Phép", "commune_code", "28903");
}

static json_t *new_product(int64_t producer) {
    return json_pack("{s:s, s:i, s:I, s:s}", "name", "Sản phẩm không được phép", "set_no", 7, "producer_id",
                     (json_int_t)producer, "commune_code", "28903");
}

/* Insert, update and delete en's record id as who, each in a transaction rolled back on refusal:
** every one must be refused (401) and leave the table and the record as they were. */
static void assert_writes_refused(Fixture *f, const Entity *en, const Actor *who, int64_t id,
                                  json_t *(*make)(Fixture *)) {
    int64_t before = count(f->db, en->table), audits = count(f->db, "audit_log");
    json_t *rec = entity_get(f->db, en, id, &(Err){0});
    assert_non_null(rec);
    Arena a = {0};
    Err e = ERR_INIT;
    int64_t nid = 0;
    json_t *obj = make(f);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(entity_insert(f->db, &a, en, who, obj, &nid, &e), -1);
    db_rollback(f->db);
    assert_int_equal(e.status, 401);
    json_decref(obj);

    err_clear(&e);
    json_t *patch = json_pack("{s:s}", "name", "Đổi tên trái phép");
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(entity_update(f->db, &a, en, who, id, patch, &e), -1);
    db_rollback(f->db);
    assert_int_equal(e.status, 401);
    json_decref(patch);

    err_clear(&e);
    assert_int_equal(db_begin(f->db, &e), 0);
    assert_int_equal(entity_delete(f->db, en, who, id, &e), -1);
    db_rollback(f->db);
    assert_int_equal(e.status, 401);

    json_t *now = entity_get(f->db, en, id, &(Err){0});
    assert_non_null(now);
    assert_string_equal(json_string_value(json_object_get(now, "name")), json_string_value(json_object_get(rec, "name")));
    assert_int_equal(count(f->db, en->table), before);
    assert_int_equal(count(f->db, "audit_log"), audits);
    json_decref(now);
    json_decref(rec);
    arena_free(&a);
}

static json_t *make_producer(Fixture *f) {
    (void)f;
    return new_producer();
}
static json_t *make_product(Fixture *f) { return new_product(f->producer); }

static void test_records_refused(void **state) {
    Fixture *f = *state;
    Actor refused[NREFUSED];
    refused_actors(refused);
    int64_t photos = count(f->db, "product_photos");
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        assert_writes_refused(f, &ENTITY_PRODUCERS, who, f->producer, make_producer);
        assert_writes_refused(f, &ENTITY_PRODUCTS, who, f->product, make_product);
        /* A product's photos: refused before the bytes are looked at. */
        Err e = ERR_INIT;
        int created = 0;
        ImageSet none = {0};
        assert_null(product_photo_add(f->db, who, f->dir, f->product, &none, "a.png", &created, &e));
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_int_equal(product_photo_remove(f->db, who, f->product, "00", &e), -1);
        assert_int_equal(e.status, 401);
    }
    assert_int_equal(count(f->db, "product_photos"), photos);
    /* The system gets past the actor to the photo itself (there is none by that name). */
    Actor sys = actor_system("cli:test");
    Err e = ERR_INIT;
    assert_int_equal(product_photo_remove(f->db, &sys, f->product, "00", &e), -1);
    assert_int_equal(e.status, 404);
}

/* The system may write anywhere; a commune officer within its commune only. */
static void test_records_allowed(void **state) {
    Fixture *f = *state;
    Actor sys = actor_system("cli:test");
    Err e = ERR_INIT;
    int64_t id = insert(f, &ENTITY_PRODUCERS, &sys, new_producer(), &e);
    assert_true(id > 0);
    Auth au;
    Actor officer = user_actor(f, "xa.mocay", &au);
    assert_true(insert(f, &ENTITY_PRODUCTS, &officer, new_product(id), &e) > 0);
    /* Another province's commune: outside the officer's scope (403 naming the field). */
    char other[16] = "";
    Stmt *s = db_prepare(f->db, "SELECT code FROM units WHERE geo = '2025' AND level = 'commune' AND parent_code <> '86' "
                                "AND valid_to IS NULL ORDER BY code LIMIT 1");
    if (db_step(s) == DB_ROW) snprintf(other, sizeof other, "%s", db_col_text(s, 0));
    db_done(s);
    assert_true(other[0]);
    json_t *obj = json_pack("{s:s, s:s, s:s}", "type", "cooperative", "name", "HTX Tỉnh Khác", "commune_code", other);
    assert_int_equal(insert(f, &ENTITY_PRODUCERS, &officer, obj, &e), 0);
    assert_int_equal(e.status, 403);
    assert_string_equal(e.field, "commune_code");
}

/* Reading: public records for everyone, personal fields and dossiers not for anonymous callers. */
static void test_reads(void **state) {
    Fixture *f = *state;
    Actor sys = actor_system("cli:test");
    /* A dossier, which is not public. */
    new_dossier(f);
    Arena a = {0};
    Err e = ERR_INIT;
    Actor refused[NREFUSED];
    refused_actors(refused);
    for (int i = 0; i <= NREFUSED + 1; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : i == NREFUSED ? NULL : &sys;
        bool system = who == &sys;
        json_t *items = NULL;
        int64_t total = -1;
        ListQuery lq = {.limit = -1, .who = who};
        assert_int_equal(entity_list(f->db, &a, &ENTITY_DOSSIERS, &lq, &items, &total, &e), 0);
        if (system) assert_true(total >= 1);
        else assert_int_equal(total, 0);
        json_decref(items);
        /* The registry is public; its personal fields are not. */
        lq = (ListQuery){.keys = (const char *[]){"reg_no"}, .values = (const char *[]){"1307000123"}, .nfilters = 1,
                         .limit = -1, .who = who};
        assert_int_equal(entity_list(f->db, &a, &ENTITY_PRODUCERS, &lq, &items, &total, &e), 0);
        assert_int_equal(total, 1);
        json_t *o = json_array_get(items, 0);
        assert_string_equal(json_string_value(json_object_get(o, "name")), "Hợp tác xã Kẹo dừa Thanh Long");
        if (system) assert_string_equal(json_string_value(json_object_get(o, "rep_name")), "Nguyễn Thị Thanh");
        else assert_null(json_object_get(o, "rep_name"));
        assert_int_equal(entity_personal_allowed(who), system);
        json_decref(items);
        assert_int_equal(user_visible(f->db, who, f->user), system);
    }
    arena_free(&a);
}

/* ---- users, imports, dossiers, decisions, jobs ------------------------------------------------ */

static void test_users_refused(void **state) {
    Fixture *f = *state;
    Actor refused[NREFUSED];
    refused_actors(refused);
    int64_t users = count(f->db, "users"), roles = count(f->db, "user_roles"), tokens = count(f->db, "api_tokens");
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        Err e = ERR_INIT;
        int64_t id = 0;
        json_t *in = json_pack("{s:s, s:s, s:[{s:s, s:s}]}", "username", "ke.mao.danh", "password",
                               "a long enough passphrase", "roles", "role", "admin", "scope", "");
        assert_int_equal(user_create(f->db, who, in, &id, &e), -1);
        assert_int_equal(e.status, 401);
        json_decref(in);
        err_clear(&e);
        assert_int_equal(user_grant(f->db, who, f->user, "admin", "", NULL, &id, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        json_t *patch = json_pack("{s:s}", "status", "disabled");
        assert_int_equal(user_update(f->db, who, f->user, patch, &e), -1);
        assert_int_equal(e.status, 401);
        json_decref(patch);
        err_clear(&e);
        assert_int_equal(user_set_password(f->db, who, f->user, "another long passphrase", NULL, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_int_equal(user_confirm(f->db, who, f->user, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        char secret[64];
        assert_int_equal(token_create(f->db, who, f->user, "stolen", "write", 30, secret, sizeof secret, &id, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        json_t *items = NULL;
        int64_t total = 0;
        UserQuery q = {.limit = 100};
        assert_int_equal(user_list(f->db, who, &q, &items, &total, &e), -1);
        assert_int_equal(e.status, 401);
        assert_null(items);
    }
    assert_int_equal(count(f->db, "users"), users);
    assert_int_equal(count(f->db, "user_roles"), roles);
    assert_int_equal(count(f->db, "api_tokens"), tokens);
    json_t *u = user_get(f->db, f->user, &(Err){0});
    assert_string_equal(json_string_value(json_object_get(u, "status")), "active");
    json_decref(u);
}

/* Registering oneself is the one write an anonymous caller may make: a producer record and an
** unconfirmed producer role, recorded as the new user's. */
static void test_register(void **state) {
    Fixture *f = *state;
    Actor anon = actor_anonymous("192.0.2.9");
    Arena a = {0};
    Err e = ERR_INIT;
    int64_t id = 0;
    json_t *in = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}}", "username", "htx.moi", "password", "a long enough passphrase",
                           "producer", "type", "cooperative", "name", "HTX Tự Đăng Ký", "commune_code", "28903");
    assert_int_equal(user_register(f->db, &anon, &a, in, &id, &e), 0);
    json_decref(in);
    json_t *u = user_get(f->db, id, &e);
    json_t *role = json_array_get(json_object_get(u, "roles"), 0);
    assert_string_equal(json_string_value(json_object_get(role, "role")), "producer");
    assert_false(json_is_true(json_object_get(role, "confirmed")));
    assert_string_equal(json_string_value(json_object_get(role, "granted_by")), "htx.moi");
    json_decref(u);
    /* Both entries (the producer, the registration) name the new user, from the caller's address. */
    Stmt *s = db_prepare(f->db, "SELECT user_id, username, remote, action, entity FROM audit_log ORDER BY id DESC LIMIT 2");
    const char *want[2][2] = {{"register", "users"}, {"create", "producers"}};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(db_step(s), DB_ROW);
        assert_int_equal(db_col_int(s, 0), id);
        assert_string_equal(db_col_text(s, 1), "htx.moi");
        assert_string_equal(db_col_text(s, 2), "192.0.2.9");
        assert_string_equal(db_col_text(s, 3), want[i][0]);
        assert_string_equal(db_col_text(s, 4), want[i][1]);
    }
    db_done(s);
    arena_free(&a);
}

static const char producers_csv[] = "Loại hình,Tên chủ thể,Số đăng ký kinh doanh,Mã xã\r\n"
                                    "Hợp tác xã,HTX Nhập Trái Phép,9100000001,28903\r\n";

static void test_import(void **state) {
    Fixture *f = *state;
    Actor refused[NREFUSED];
    refused_actors(refused);
    int64_t before = count(f->db, "producers");
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        ImportResult res;
        Err e = ERR_INIT;
        assert_int_equal(import_run(f->db, &ENTITY_PRODUCERS, who, producers_csv, sizeof producers_csv - 1, TABLE_CSV,
                                    false, LANG_EN, NULL, NULL, &res, &e), -1);
        assert_int_equal(e.status, 401);
        assert_int_equal(res.created, 0);
        import_result_free(&res);
        err_clear(&e);
    }
    assert_int_equal(count(f->db, "producers"), before);
    Actor sys = actor_system("cli:test");
    ImportResult res;
    Err e = ERR_INIT;
    assert_int_equal(import_run(f->db, &ENTITY_PRODUCERS, &sys, producers_csv, sizeof producers_csv - 1, TABLE_CSV, false,
                                LANG_EN, NULL, NULL, &res, &e), 0);
    assert_int_equal(res.created, 1);
    import_result_free(&res);
    assert_int_equal(count(f->db, "producers"), before + 1);
}

static const char *dossier_state(Fixture *f, int64_t id) {
    static char st[24];
    Stmt *s = db_prepare(f->db, "SELECT state FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, id);
    st[0] = 0;
    if (db_step(s) == DB_ROW) snprintf(st, sizeof st, "%s", db_col_text(s, 0));
    db_done(s);
    return st;
}

static void test_dossier(void **state) {
    Fixture *f = *state;
    Actor sys = actor_system("cli:test");
    Arena a = {0};
    Err e = ERR_INIT;
    int64_t did = new_dossier(f);
    Actor refused[NREFUSED];
    refused_actors(refused);
    json_t *act = json_pack("{s:s}", "action", "withdraw");
    json_t *self = json_pack("{s:{}}", "choices");
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        err_clear(&e);
        assert_int_equal(dossier_act(f->db, &a, who, did, act, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_int_equal(dossier_self_assess(f->db, who, did, self, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_int_equal(dossier_file_remove(f->db, who, did, "00", &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        json_t *out = NULL;
        assert_int_equal(scoring_close(f->db, who, did, self, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_int_equal(scoring_save(f->db, who, did, self, &out, &e), -1);
        assert_int_equal(e.status, 401);
        err_clear(&e);
        assert_null(scoring_view(f->db, who, did, &e));
        assert_int_equal(e.status, 401);
        assert_string_equal(dossier_state(f, did), "draft");
    }
    err_clear(&e);
    assert_int_equal(dossier_act(f->db, &a, &sys, did, act, &e), 0);
    assert_string_equal(dossier_state(f, did), "withdrawn");
    json_decref(act);
    json_decref(self);
    arena_free(&a);
}

static void test_decisions_and_jobs(void **state) {
    Fixture *f = *state;
    Actor refused[NREFUSED];
    refused_actors(refused);
    Auth au;
    Actor officer = user_actor(f, "tinh.vinhlong", &au);
    int64_t decisions = count(f->db, "decisions"), keys = count(f->db, "signing_keys");
    DecisionEnv env = {f->dir, f->dir, "https://ocop.example.vn", false};
    for (int i = 0; i <= NREFUSED; i++) {
        const Actor *who = i < NREFUSED ? &refused[i] : NULL;
        Err e = ERR_INIT;
        int64_t id = 0;
        json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:i}]}", "number", "99/QĐ-UBND", "decided_on",
                               "2026-01-05", "level", "province", "province_code", "86", "signer_name", "Nguyễn Văn A",
                               "signer_title", "Chủ tịch", "items", "dossier_id", 1);
        assert_int_equal(decision_create(f->db, who, &env, in, &id, &e), -1);
        assert_int_equal(e.status, 401);
        json_decref(in);
        assert_false(decision_may_decide(who, "province", "86"));
        assert_false(decision_may_decide(who, "ministry", NULL));
        err_clear(&e);
        in = json_pack("{s:s, s:s, s:s}", "ground", "8.1.a", "decision_no", "1/QĐ", "decided_on", "2026-01-05");
        assert_int_equal(certificate_revoke(f->db, who, "86-2026-0001", in, &e), -1);
        assert_int_equal(e.status, 401);
        json_decref(in);
        err_clear(&e);
        json_t *rep = NULL;
        assert_int_equal(lifecycle_run(f->db, who, "2026-01-05", &rep, &e), -1);
        assert_int_equal(e.status, 403);
        err_clear(&e);
        unsigned char pk[32];
        assert_int_equal(cert_key_generate(f->db, who, f->dir, "86", pk, &e), -1);
        assert_int_equal(e.status, 403);
        json_t *items = NULL;
        int64_t total = -1;
        DueQuery q = {.who = who, .limit = -1};
        assert_int_equal(lifecycle_due(f->db, &q, &items, &total, &e), 0);
        assert_int_equal(total, 0);
        json_decref(items);
    }
    assert_int_equal(count(f->db, "decisions"), decisions);
    assert_int_equal(count(f->db, "signing_keys"), keys);
    /* The province's officer decides for its province, not the Ministry's; the system for all. */
    Actor sys = actor_system("cli:test");
    assert_true(decision_may_decide(&officer, "province", "86"));
    assert_false(decision_may_decide(&officer, "province", "01"));
    assert_false(decision_may_decide(&officer, "ministry", NULL));
    assert_true(decision_may_decide(&sys, "ministry", NULL));
    /* The daily job is the system's alone. */
    Err e = ERR_INIT;
    json_t *rep = NULL;
    assert_int_equal(lifecycle_run(f->db, &officer, "2026-01-05", &rep, &e), -1);
    assert_int_equal(e.status, 403);
    err_clear(&e);
    assert_int_equal(lifecycle_run(f->db, &sys, "2026-01-05", &rep, &e), 0);
    assert_non_null(rep);
    json_decref(rep);
    /* Signing keys: the operator's (the command line, an administrator on /quan-tri/khoa-ky), never
    ** a province's officer, whose decisions they sign. */
    unsigned char pk[32];
    assert_int_equal(cert_key_generate(f->db, &officer, f->dir, "86", pk, &e), -1);
    assert_int_equal(e.status, 403);
    err_clear(&e);
    assert_int_equal(cert_key_retire(f->db, &officer, "86", &e), -1);
    assert_int_equal(e.status, 403);
    err_clear(&e);
    Auth aa;
    Actor admin = user_actor(f, "admin", &aa);
    assert_int_equal(cert_key_generate(f->db, &admin, f->dir, "86-admin", pk, &e), 0);
    assert_int_equal(cert_key_retire(f->db, &admin, "86-admin", &e), 0);
}

/* ---- only the command line makes a system actor ------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Files of src/ that may call actor_system (and actor_cli): the command line's. */
static bool command_line(const char *name) {
    return strcmp(name, "cli.c") == 0 || strcmp(name, "cli.h") == 0 || strncmp(name, "cli_", 4) == 0;
}

/* Files that may name the kinds or assemble an Actor field by field: where they are defined
** (auth.h), and the constructors (auth.c: users and anonymous callers; cli.c: the system). */
static bool constructor(const char *name) {
    return strcmp(name, "auth.h") == 0 || strcmp(name, "auth.c") == 0 || strcmp(name, "cli.c") == 0;
}

/* A grep, not a proof (an Actor's kind can still be assigned a number): it catches the ways an
** Actor is ordinarily made, so a new one outside the command line fails here in review. */
static void test_only_cli_makes_system(void **state) {
    (void)state;
    const char *root = getenv("OCOP_SOURCE");
    assert_non_null(root);
    char dir[512];
    snprintf(dir, sizeof dir, "%s/src", root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    regex_t assembled;
    assert_int_equal(regcomp(&assembled, "\\(Actor\\)[[:space:]]*\\{|Actor[[:space:]]+[A-Za-z_][A-Za-z_0-9]*[[:space:]]*"
                                         "(\\[[^]]*\\])?[[:space:]]*=[[:space:]]*\\{|ACTOR_|ActorKind",
                             REG_EXTENDED | REG_NOSUB), 0);
    struct dirent *de;
    int files = 0, offences = 0;
    while ((de = readdir(d))) {
        if (!ends_with(de->d_name, ".c") && !ends_with(de->d_name, ".h")) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *fp = fopen(path, "r");
        assert_non_null(fp);
        files++;
        char line[4096];
        int lineno = 0;
        while (fgets(line, sizeof line, fp)) {
            lineno++;
            bool calls = strstr(line, "actor_system(") || strstr(line, "actor_cli(");
            bool builds = regexec(&assembled, line, 0, NULL, 0) == 0;
            if ((calls && !command_line(de->d_name)) || (builds && !constructor(de->d_name))) {
                fprintf(stderr, "src/%s:%d: only the command line makes a system actor, and only auth.c and cli.c "
                                "make Actors: %s", de->d_name, lineno, line);
                offences++;
            }
        }
        fclose(fp);
    }
    closedir(d);
    regfree(&assembled);
    assert_true(files > 50);
    assert_int_equal(offences, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_records_refused),
        cmocka_unit_test(test_records_allowed),
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_users_refused),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_import),
        cmocka_unit_test(test_dossier),
        cmocka_unit_test(test_decisions_and_jobs),
        cmocka_unit_test(test_only_cli_makes_system),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
