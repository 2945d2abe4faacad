/*
** test_unit.c: administrative units and the reference-data loader against a real SQLite file
** migrated with the embedded data. Every expectation is a fact of the published data
** (data/README.md lists the counts; the shared units README explains them).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "migrate.h"
#include "refdata.h"
#include "unit.h"
#include "util.h"

typedef struct Fixture {
    char path[64];
    Db *db;
    Arena arena;
} Fixture;

static int setup(void **state) {
    Fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/ocop-test-unit-XXXXXX");
    int fd = mkstemp(f->path);
    if (fd < 0) return -1;
    close(fd);
    Err e = ERR_INIT;
    f->db = db_open(f->path, &e);
    if (!f->db) {
        fprintf(stderr, "%s\n", e.detail);
        return -1;
    }
    uint64_t t0 = now_ns();
    if (migrate_run(f->db, 0, &e) < 0) {
        fprintf(stderr, "migrate: %s\n", e.detail);
        return -1;
    }
    fprintf(stderr, "# migrate + load all reference data: %.1f ms\n",
            (double)(now_ns() - t0) / 1e6);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    Fixture *f = *state;
    arena_free(&f->arena);
    db_close(f->db);
    db_remove_files(f->path);
    free(f);
    return 0;
}

static int count_level(Fixture *f, const char *level, const char *date) {
    Unit *v;
    int n = -1;
    Err e = ERR_INIT;
    assert_int_equal(unit_list(f->db, &f->arena, level, date, NULL, &v, &n, &e), 0);
    return n;
}

static int count_communes_within(Fixture *f, const char *code, const char *date) {
    const char **codes;
    int n = -1;
    Err e = ERR_INIT;
    assert_int_equal(unit_communes_within(f->db, &f->arena, code, date, &codes, &n, &e), 0);
    for (int i = 1; i < n; i++) assert_true(strcmp(codes[i - 1], codes[i]) < 0);
    return n;
}

static void test_counts(void **state) {
    Fixture *f = *state;
    assert_int_equal(count_level(f, "province", "2025-07-01"), 34);
    assert_int_equal(count_level(f, "province", "2026-11-01"), 34);
    assert_int_equal(count_level(f, "province", NULL), 34); /* today */
    assert_int_equal(count_level(f, "province", "2024-01-01"), 63);
    assert_int_equal(count_level(f, "province", "2025-06-30"), 63);
    assert_int_equal(count_level(f, "commune", "2025-07-01"), 3321);
    assert_int_equal(count_level(f, "district", "2025-07-01"), 0);
    assert_int_equal(count_level(f, "district", "2024-01-01"), 705);
    assert_int_equal(count_level(f, "commune", "2024-01-01"), 10598);
    assert_int_equal(count_level(f, "commune", "2025-06-30"), 10047);
    /* The 4 months between the history's two sources are covered (data/README.md). */
    assert_int_equal(count_level(f, "commune", "2021-08-15"), 10603);
}

static void test_ben_tre(void **state) {
    Fixture *f = *state;
    assert_int_equal(count_communes_within(f, "83", "2020-01-15"), 164);
    assert_int_equal(count_communes_within(f, "83", "2022-07-18"), 157);
    assert_int_equal(count_communes_within(f, "83", "2025-03-01"), 148);
    Unit u;
    Err e = ERR_INIT;
    assert_int_equal(unit_get(f->db, &f->arena, "83", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.name, "Bến Tre");
    assert_string_equal(u.geo, "pre2025");
    assert_string_equal(u.valid_to, "2025-06-30");
    assert_int_equal(unit_get(f->db, &f->arena, "83", "2025-08-01", &u, &e), -1);
    assert_int_equal(e.status, 404);
    assert_non_null(strstr(e.detail, "no administrative unit with code 83 on 2025-08-01"));
    assert_non_null(strstr(e.detail, "code 83 (Bến Tre) was in force until 2025-06-30"));
    /* And a code that only exists later says from when. */
    assert_int_equal(unit_get(f->db, &f->arena, "224", "2024-06-01", &u, &e), -1);
    assert_int_equal(e.status, 404);
    assert_non_null(strstr(e.detail, "code 224 (Chũ) is in force from 2025-01-01"));
}

static void test_old_commune_then_and_now(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit u, p;
    /* Phường Phú Tân, thành phố Bến Tre: which province on 2023-05-15, and which unit now? */
    assert_int_equal(unit_get(f->db, &f->arena, "28757", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.name, "Phú Tân");
    assert_string_equal(u.parent_code, "829");
    assert_string_equal(unit_full_name(&f->arena, &u), "Phường Phú Tân");
    assert_int_equal(unit_province(f->db, &f->arena, "28757", "2023-05-15", &p, &e), 0);
    assert_string_equal(p.code, "83");
    assert_string_equal(p.name, "Bến Tre");
    UnitLink *l;
    int n;
    assert_int_equal(unit_successors(f->db, &f->arena, "28757", NULL, &l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].new_code, "28858");
    assert_string_equal(l[0].part, "full");
    assert_int_equal(l[0].targets, 1);
    assert_string_equal(l[0].unit.name, "Phú Tân");
    assert_string_equal(l[0].unit.parent_code, "86");
    assert_int_equal(unit_province(f->db, &f->arena, l[0].new_code, NULL, &p, &e), 0);
    assert_string_equal(p.code, "86");
    assert_string_equal(p.name, "Vĩnh Long");
    char out[8];
    assert_true(unit_new_commune_of_old(f->db, "28757", out));
    assert_string_equal(out, "28858");
    /* The new code was an unrelated commune before 2025: (code, date) is the key. */
    assert_int_equal(unit_get(f->db, &f->arena, "28858", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.name, "Hữu Định");
    assert_string_equal(u.geo, "pre2025");
    /* Backward: Phường Phú Khương (2025) came from Phú Khương and Phường 8. */
    assert_int_equal(unit_predecessors(f->db, &f->arena, "28756", &l, &n, &e), 0);
    assert_true(n >= 2);
    assert_string_equal(l[0].old_code, "28756");
    assert_string_equal(l[0].unit.name, "Phú Khương");
    assert_string_equal(l[0].unit.parent_code, "829");
    assert_string_equal(l[1].old_code, "28759");
    assert_string_equal(l[1].unit.name, "8");
    /* An island district became a đặc khu. */
    assert_int_equal(unit_predecessors(f->db, &f->arena, "11948", &l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].level, "district");
    assert_string_equal(l[0].old_code, "318");
    assert_string_equal(l[0].unit.name, "Bạch Long Vĩ");
    assert_true(unit_is_commune_pre2025(f->db, "28757"));
    assert_false(unit_is_commune_2025(f->db, "28757", out));
}

static void test_split_commune(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    UnitLink *l;
    int n;
    /* Phường Điện Biên (Ba Đình, Hà Nội) went to four new phường. */
    assert_int_equal(unit_successors(f->db, &f->arena, "00019", "2025-07-01", &l, &n, &e), 0);
    assert_int_equal(n, 4);
    const char *want[] = {"00004", "00070", "00190", "00226"};
    const char *names[] = {"Ba Đình", "Hoàn Kiếm", "Ô Chợ Dừa", "Văn Miếu - Quốc Tử Giám"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(l[i].old_code, "00019");
        assert_string_equal(l[i].new_code, want[i]);
        assert_string_equal(l[i].unit.name, names[i]);
        assert_string_equal(l[i].part, "partial");
        assert_int_equal(l[i].targets, 4);
        assert_string_equal(l[i].confidence, "high");
    }
    char out[8] = "";
    assert_false(unit_new_commune_of_old(f->db, "00019", out));
    /* A unit merged away before 2025 has no 2025 lineage. */
    assert_int_equal(unit_successors(f->db, &f->arena, "204", NULL, &l, &n, &e), 0);
    assert_int_equal(n, 0);
}

static void test_aliases(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit u;
    assert_int_equal(unit_get(f->db, &f->arena, "06978", "2025-08-01", &u, &e), 0);
    assert_string_equal(u.code, "06970");
    assert_string_equal(u.name, "Ba Chẽ");
    assert_string_equal(u.parent_code, "22");
    /* The alias belongs to the 2025 geography: before it, 06978 names nothing. */
    assert_int_equal(unit_get(f->db, &f->arena, "06978", "2024-01-01", &u, &e), -1);
    assert_int_equal(e.status, 404);
    assert_non_null(strstr(e.detail, "06978 is an alias of 06970 from 2025-07-01"));
    char canon[8];
    assert_true(unit_is_commune_2025(f->db, "06978", canon));
    assert_string_equal(canon, "06970");
    assert_true(unit_is_commune_2025(f->db, "06970", canon));
    assert_string_equal(canon, "06970");
    /* 23737 is an alias of 23938 (Ia Mơ) after 2025, and Ia Mơ Nông before. */
    assert_int_equal(unit_get(f->db, &f->arena, "23737", "2026-01-01", &u, &e), 0);
    assert_string_equal(u.code, "23938");
    assert_string_equal(u.name, "Ia Mơ");
    assert_int_equal(unit_get(f->db, &f->arena, "23737", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.code, "23737");
    assert_string_equal(u.name, "Ia Mơ Nông");
    assert_false(unit_is_commune_2025(f->db, "99999", canon));
    assert_false(unit_is_commune_2025(f->db, "abc", canon));
}

static void test_type_changes(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit u;
    assert_int_equal(unit_get(f->db, &f->arena, "75", "2026-01-01", &u, &e), 0);
    assert_string_equal(u.type, "tỉnh");
    assert_string_equal(u.valid_to, "2026-04-29");
    assert_string_equal(unit_full_name(&f->arena, &u), "Tỉnh Đồng Nai");
    assert_int_equal(unit_get(f->db, &f->arena, "75", "2026-05-01", &u, &e), 0);
    assert_string_equal(u.type, "thành phố");
    assert_null(u.valid_to);
    assert_string_equal(unit_full_name(&f->arena, &u), "Thành phố Đồng Nai");
    /* Bắc Ninh: no effective date in the source, the patch date 2026-09-20 is used. */
    assert_int_equal(unit_get(f->db, &f->arena, "24", "2026-09-19", &u, &e), 0);
    assert_string_equal(u.type, "tỉnh");
    assert_int_equal(unit_get(f->db, &f->arena, "24", "2026-09-20", &u, &e), 0);
    assert_string_equal(u.type, "thành phố");
    assert_int_equal(unit_get(f->db, &f->arena, "11948", "2025-08-01", &u, &e), 0);
    assert_string_equal(unit_full_name(&f->arena, &u), "Đặc khu Bạch Long Vĩ");
}

static void test_children(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit *v;
    int n;
    /* Lai Vung (876, Đồng Tháp) had 12 communes throughout. */
    assert_int_equal(unit_children(f->db, &f->arena, "876", "2023-05-15", &v, &n, &e), 0);
    assert_int_equal(n, 12);
    for (int i = 0; i < n; i++) {
        assert_string_equal(v[i].level, "commune");
        assert_string_equal(v[i].parent_code, "876");
        if (i) assert_true(strcmp(v[i - 1].code, v[i].code) < 0);
    }
    /* Hà Nội: 30 districts in 2024, communes directly after the reorganisation. */
    assert_int_equal(unit_children(f->db, &f->arena, "01", "2024-01-01", &v, &n, &e), 0);
    assert_int_equal(n, 30);
    assert_string_equal(v[0].level, "district");
    assert_int_equal(unit_children(f->db, &f->arena, "86", "2025-08-01", &v, &n, &e), 0);
    assert_int_equal(n, 124);
    assert_string_equal(v[0].level, "commune");
    assert_int_equal(count_communes_within(f, "86", "2025-08-01"), 124);
    assert_int_equal(count_communes_within(f, "876", "2023-05-15"), 12);
    assert_int_equal(count_communes_within(f, "28757", "2023-05-15"), 1);
    assert_int_equal(unit_children(f->db, &f->arena, "28757", "2023-05-15", &v, &n, &e), 0);
    assert_int_equal(n, 0);
    assert_int_equal(unit_children(f->db, &f->arena, "83", "2025-08-01", &v, &n, &e), -1);
    assert_int_equal(e.status, 404);
}

static void test_find(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit *v;
    int n, total;
    UnitFilter q = {.level = "province", .date = "2025-07-01", .offset = 30, .limit = 10};
    assert_int_equal(unit_find(f->db, &f->arena, &q, &v, &n, &total, &e), 0);
    assert_int_equal(n, 4);
    assert_int_equal(total, 34);
    /* Communes of a pre2025 province, through its districts. */
    UnitFilter c = {.level = "commune", .date = "2022-07-18", .parent = "83", .limit = 5};
    assert_int_equal(unit_find(f->db, &f->arena, &c, &v, &n, &total, &e), 0);
    assert_int_equal(n, 5);
    assert_int_equal(total, 157);
    /* Name prefix, folded: "Xã Tân Phú..." are 11 on 2025-07-01, 10 once 26116 is a phường. */
    UnitFilter t = {.level = "commune", .date = "2025-07-01", .q = "Xã Tân Phú"};
    assert_int_equal(unit_find(f->db, &f->arena, &t, &v, &n, &total, &e), 0);
    assert_int_equal(total, 11);
    assert_int_equal(n, 11);
    assert_string_equal(v[0].code, "17272");
    t.date = "2026-11-01";
    assert_int_equal(unit_find(f->db, &f->arena, &t, &v, &n, &total, &e), 0);
    assert_int_equal(total, 10);
    t.q = "tan phu";
    t.parent = "75";
    assert_int_equal(unit_find(f->db, &f->arena, &t, &v, &n, &total, &e), 0);
    assert_int_equal(total, 1);
    assert_string_equal(v[0].code, "26116");
    assert_string_equal(v[0].type, "phường");
    t.q = "tan";
    t.limit = 2;
    t.offset = 1;
    assert_int_equal(unit_find(f->db, &f->arena, &t, &v, &n, &total, &e), 0);
    assert_true(total > 3);
    assert_int_equal(n, 2);
}

static void test_bad_inputs(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    Unit u, *v;
    int n;
    assert_int_equal(unit_get(f->db, &f->arena, "abc", "2023-05-15", &u, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "code");
    assert_int_equal(unit_get(f->db, &f->arena, "8300", "2023-05-15", &u, &e), -1);
    assert_int_equal(e.status, 422);
    assert_int_equal(unit_get(f->db, &f->arena, "83", "2023-02-30", &u, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "date");
    assert_int_equal(unit_get(f->db, &f->arena, "83", "15/05/2023", &u, &e), -1);
    assert_string_equal(e.field, "date");
    assert_int_equal(unit_list(f->db, &f->arena, "ward", NULL, NULL, &v, &n, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "level");
    assert_int_equal(unit_list(f->db, &f->arena, "commune", NULL, "x'; --", &v, &n, &e), -1);
    assert_string_equal(e.field, "parent");
    assert_int_equal(unit_get(f->db, &f->arena, "99", "2023-05-15", &u, &e), -1);
    assert_int_equal(e.status, 404);
    assert_string_equal(e.detail, "no administrative unit with code 99 on 2023-05-15");
}

static void test_product_sets(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    ProductSet *v;
    int n;
    assert_int_equal(product_sets_list(f->db, &f->arena, NULL, &v, &n, &e), 0);
    assert_int_equal(n, 26);
    assert_int_equal(v[0].set_no, 1);
    assert_string_equal(v[0].grp, "I");
    assert_string_equal(v[0].grp_name, "Thực phẩm");
    assert_string_equal(v[0].phan_nhom, "a");
    assert_string_equal(v[12].name, "Cà phê, cacao");
    assert_null(v[12].phan_nhom); /* "Cà phê, ca cao" has no sub-groups */
    assert_string_equal(v[25].name,
                        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch");
    assert_int_equal(product_sets_list(f->db, &f->arena, "148-2023", &v, &n, &e), 0);
    assert_int_equal(n, 26);
    assert_null(v[0].grp);
    assert_string_equal(v[12].name, "Sản phẩm cà phê, ca cao");
    assert_int_equal(product_sets_list(f->db, &f->arena, "1-1999", &v, &n, &e), -1);
    assert_int_equal(e.status, 422);
    assert_non_null(strstr(e.detail, "26-2026"));
}

static void exec(Db *db, const char *sql) {
    Err e = ERR_INIT;
    if (db_exec(db, sql, &e)) fail_msg("%s: %s", sql, e.detail);
}

/* Insert a row into table with the given columns and every other NOT NULL column without a
** default set to 'x' (or 1 when INTEGER), so the test does not depend on the columns other
** modules add to producers and products. (SQLite-specific: PRAGMA table_info.) */
static void insert_minimal(Db *db, const char *table, const char *const *cols,
                           const char *const *vals, int n) {
    Buf names = BUF_INIT, marks = BUF_INIT;
    const char *bind[32];
    int nb = 0;
    for (int i = 0; i < n; i++) {
        buf_printf(&names, "%s%s", nb ? ", " : "", cols[i]);
        buf_printf(&marks, "%s?", nb ? ", " : "");
        bind[nb++] = vals[i];
    }
    Buf pragma = BUF_INIT;
    buf_printf(&pragma, "PRAGMA table_info(%s)", table);
    Stmt *s = db_prepare(db, buf_str(&pragma));
    while (db_step(s) == DB_ROW) {
        const char *col = db_col_text(s, 1), *type = db_col_text(s, 2);
        bool given = false;
        for (int i = 0; i < n; i++) given = given || !strcmp(cols[i], col);
        if (given || db_col_int(s, 3) == 0 || !db_col_null(s, 4) || db_col_int(s, 5)) continue;
        buf_printf(&names, "%s%s", nb ? ", " : "", col);
        buf_printf(&marks, "%s?", nb ? ", " : "");
        bind[nb++] = strstr(type, "INT") ? "1" : "x";
    }
    db_done(s);
    Buf sql = BUF_INIT;
    buf_printf(&sql, "INSERT INTO %s (%s) VALUES (%s)", table, buf_str(&names), buf_str(&marks));
    s = db_prepare(db, buf_str(&sql));
    for (int i = 0; i < nb; i++) db_bind_text(s, i + 1, bind[i]);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) fail_msg("%s: %s", buf_str(&sql), db_errmsg(db));
    buf_free(&names);
    buf_free(&marks);
    buf_free(&pragma);
    buf_free(&sql);
}

static void test_reload(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    int loaded = -1;
    /* A product refers to a product set: reloading the sets must keep it (upsert). */
    const char *pc[] = {"id", "type", "name", "commune_code"};
    const char *pv[] = {"1", "household", "Hộ A", "28858"};
    insert_minimal(f->db, "producers", pc, pv, 4);
    const char *tc[] = {"id", "name", "rubric_version", "set_no", "producer_id", "commune_code"};
    const char *tv[] = {"1", "Kẹo dừa", "26-2026", "5", "1", "28858"};
    insert_minimal(f->db, "products", tc, tv, 6);
    assert_int_equal(refdata_load(f->db, 0, &loaded, &e), 0);
    assert_int_equal(loaded, 0); /* nothing changed since migrate */

    /* Same hash: a no-op, so a change made behind the loader's back survives... */
    exec(f->db, "UPDATE units SET name = 'X' WHERE code = '83'");
    exec(f->db, "UPDATE product_sets SET name = 'Y' WHERE version = '26-2026' AND set_no = 5");
    assert_int_equal(refdata_load(f->db, 0, &loaded, &e), 0);
    assert_int_equal(loaded, 0);
    Unit u;
    assert_int_equal(unit_get(f->db, &f->arena, "83", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.name, "X");

    /* ...and a changed hash reloads that set only. */
    exec(f->db, "UPDATE ref_data SET hash = 'old' WHERE name IN ('units', 'product_sets')");
    exec(f->db, "INSERT INTO product_sets (version, set_no, name) VALUES ('26-2026', 99, 'gone')");
    uint64_t t0 = now_ns();
    assert_int_equal(refdata_load(f->db, 0, &loaded, &e), 0);
    fprintf(stderr, "# reload of units + product sets: %.1f ms\n", (double)(now_ns() - t0) / 1e6);
    assert_int_equal(loaded, 2);
    assert_int_equal(unit_get(f->db, &f->arena, "83", "2023-05-15", &u, &e), 0);
    assert_string_equal(u.name, "Bến Tre");
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM units", NULL), 16596);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM product_sets WHERE set_no = 99", NULL),
                     0);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM product_sets", NULL), 52);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM products WHERE set_no = 5", NULL), 1);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM product_sets WHERE name = "
                                    "'Đồ ăn nhanh' AND version = '26-2026'", NULL), 1);

    /* A table emptied behind the loader's back is noticed by its row count. */
    exec(f->db, "DELETE FROM unit_aliases");
    assert_int_equal(refdata_load(f->db, 0, &loaded, &e), 0);
    assert_int_equal(loaded, 1);
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM unit_aliases", NULL), 2);
    assert_int_equal(db_int1(f->db, "SELECT rows FROM ref_data WHERE name = 'unit_links'", NULL),
                     10667);

    /* Load time of the biggest set on its own. */
    exec(f->db, "UPDATE ref_data SET hash = 'old' WHERE name = 'units'");
    t0 = now_ns();
    assert_int_equal(refdata_load(f->db, 0, &loaded, &e), 0);
    double ms = (double)(now_ns() - t0) / 1e6;
    fprintf(stderr, "# reload of units (16,596 rows): %.1f ms\n", ms);
    assert_int_equal(loaded, 1);
    exec(f->db, "DELETE FROM products");
    exec(f->db, "DELETE FROM producers");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_ben_tre),
        cmocka_unit_test(test_old_commune_then_and_now),
        cmocka_unit_test(test_split_commune),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_type_changes),
        cmocka_unit_test(test_children),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_product_sets),
        cmocka_unit_test(test_reload),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
