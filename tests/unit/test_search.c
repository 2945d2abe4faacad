/*
** test_search.c: the search index and ranked search (search.c) on a real SQLite file with the
** real schema (migrate_run): the required example queries, ranking tiers, the kind filter,
** pagination and totals, re-indexing and deletion, indexing from the registry tables, and
** hostile queries, which must give a result or a 422, never a database error.
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
#include "db.h"
#include "migrate.h"
#include "search.h"
#include "util.h"

typedef struct Fixture {
    char path[64];
    Db *db;
    Arena a;
} Fixture;

static int setup(void **state) {
    Fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->path, sizeof f->path, "/tmp/ocop-test-search-XXXXXX");
    int fd = mkstemp(f->path);
    assert_true(fd >= 0);
    close(fd);
    Err e = ERR_INIT;
    f->db = db_open(f->path, &e);
    assert_non_null(f->db);
    if (migrate_run(f->db, 0, &e) < 0) fail_msg("migrate_run: %s", e.detail);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    Fixture *f = *state;
    arena_free(&f->a);
    db_close(f->db);
    db_remove_files(f->path);
    free(f);
    return 0;
}

static void put(Fixture *f, const char *kind, int64_t id, const char *title, const char *extra) {
    Err e = ERR_INIT;
    if (search_put(f->db, kind, id, title, extra, &e)) fail_msg("search_put: %s", e.detail);
}

typedef struct Result {
    SearchHit *h;
    int n;
    int64_t total;
} Result;

/* A search that must succeed. */
static Result find(Fixture *f, const char *q, const char *kind, int limit, int offset) {
    Result r;
    Err e = ERR_INIT;
    if (search_query(f->db, &f->a, q, kind, limit, offset, &r.h, &r.n, &r.total, &e))
        fail_msg("search_query(\"%s\"): %d %s", q, e.status, e.detail);
    return r;
}

/* Position of (kind, id) among the hits, or -1. */
static int rank_of(Result r, const char *kind, int64_t id) {
    for (int i = 0; i < r.n; i++)
        if (strcmp(r.h[i].kind, kind) == 0 && r.h[i].id == id) return i;
    return -1;
}

static void put_examples(Fixture *f) {
    put(f, "product", 1, "Nước mắm Làng Xưa", "01-001-001-2025 Hợp tác xã Làng Xưa Bến Tre");
    put(f, "product", 2, "Nước mắm cá cơm Phú Quốc", "Công ty Làng Xưa");
    put(f, "product", 3, "Đặc sản Bến Tre", NULL);
    put(f, "product", 4, "Bánh đậu xanh Hải Dương", "Cơ sở Đặc sản Hải Dương");
    put(f, "product", 5, "Dầu lạc", "xanh");
    put(f, "product", 6, "Bưởi da xanh", NULL);
    put(f, "product", 7, "Kẹo dừa đặc biệt", "sản phẩm Bến Tre");
    put(f, "product", 8, "Trà xanh", "đậu xanh");
    put(f, "producer", 1, "Hợp tác xã Làng Xưa", "Nước mắm");
    put(f, "village", 1, "Làng nghề nước mắm Làng Xưa", NULL);
}

static void test_examples(void **state) {
    Fixture *f = *state;
    put_examples(f);
    Result r = find(f, "nuoc mam lang xua", NULL, 20, 0);
    assert_true(r.n >= 1);
    assert_string_equal(r.h[0].kind, "product");
    assert_int_equal(r.h[0].id, 1);
    assert_string_equal(r.h[0].title, "Nước mắm Làng Xưa");
    assert_string_equal(r.h[0].highlight,
                        "<mark>Nước</mark> <mark>mắm</mark> <mark>Làng</mark> <mark>Xưa</mark>");
    /* every word must match, in the title or the extra text */
    assert_true(rank_of(r, "product", 2) > 0);  /* Làng Xưa in its extra text */
    assert_true(rank_of(r, "village", 1) > 0);
    assert_true(rank_of(r, "producer", 1) > 0); /* nước mắm in its extra text */
    assert_int_equal(rank_of(r, "product", 3), -1);
    assert_int_equal(r.total, 4);

    r = find(f, "dac san", NULL, 20, 0);
    assert_true(r.n >= 1);
    assert_int_equal(r.h[0].id, 3);
    assert_string_equal(r.h[0].highlight, "<mark>Đặc</mark> <mark>sản</mark> Bến Tre");
    assert_int_equal(r.total, 3); /* 3; 4 through its extra text; 7 ("đặc" + "sản phẩm") */

    r = find(f, "dau xanh", NULL, 20, 0);
    assert_true(r.n >= 1);
    assert_int_equal(r.h[0].id, 4);
    assert_string_equal(r.h[0].highlight, "Bánh <mark>đậu</mark> <mark>xanh</mark> Hải Dương");
    assert_int_equal(rank_of(r, "product", 6), -1); /* "da" is not "dau" */

    /* the same with diacritics, capitals and punctuation */
    r = find(f, "  ĐẬU, XANH!! ", NULL, 20, 0);
    assert_int_equal(r.h[0].id, 4);
    r = find(f, "Nước mắm LÀNG XƯA", "product", 20, 0);
    assert_int_equal(r.h[0].id, 1);
}

static void test_ranking(void **state) {
    Fixture *f = *state;
    put(f, "product", 1, "Hộp quà Tết", "mật ong rừng");          /* words only in extra */
    put(f, "product", 2, "Bánh mật ong", NULL);                    /* phrase in title */
    put(f, "product", 3, "Ong mật", NULL);                         /* both words in title */
    put(f, "product", 4, "Mật ong rừng U Minh Hạ loại đặc biệt", NULL); /* starts with it */
    put(f, "product", 5, "Mật ong", NULL);                         /* starts with it, shorter */
    Result r = find(f, "mat ong", NULL, 20, 0);
    assert_int_equal(r.n, 5);
    assert_int_equal(r.total, 5);
    int64_t want[] = {5, 4, 2, 3, 1};
    for (int i = 0; i < 5; i++) assert_int_equal(r.h[i].id, want[i]);
    for (int i = 1; i < 5; i++) assert_true(r.h[i - 1].score > r.h[i].score);

    /* a title match beats an extra-text match however short */
    put(f, "producer", 9, "Ong", "trà");
    put(f, "producer", 10, "Hợp tác xã Trà Thái Nguyên Tân Cương", NULL);
    r = find(f, "tra", "producer", 20, 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.h[0].id, 10);
    assert_int_equal(r.h[1].id, 9);
    /* prefixes: "b" finds words starting with b; a word that is a prefix of another adds
    ** nothing */
    r = find(f, "b", "product", 20, 0);
    assert_int_equal(r.n, 2);
    assert_int_equal(r.h[0].id, 2); /* "Bánh ..." starts with b */
    assert_int_equal(r.h[1].id, 4); /* "... đặc biệt" */
    r = find(f, "m mat mật ong o", NULL, 20, 0); /* means "mat ong" */
    assert_int_equal(r.total, 5);
    assert_int_equal(r.h[4].id, 1);
}

static void test_kinds(void **state) {
    Fixture *f = *state;
    put_examples(f);
    Result r = find(f, "lang xua", "producer", 20, 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.total, 1);
    assert_string_equal(r.h[0].kind, "producer");
    assert_int_equal(r.h[0].id, 1);
    r = find(f, "lang xua", "village", 20, 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.h[0].kind, "village");
    r = find(f, "lang xua", "product", 20, 0);
    assert_int_equal(r.n, 2);
    for (int i = 0; i < r.n; i++) assert_string_equal(r.h[i].kind, "product");
    r = find(f, "lang xua", "", 20, 0); /* "" is all kinds */
    assert_int_equal(r.total, 4);
    /* same id, different kinds: independent records */
    assert_int_equal(find(f, "hop tac", NULL, 20, 0).total, 2); /* producer 1, product 1's extra */

    Err e = ERR_INIT;
    SearchHit *h;
    int n;
    int64_t total;
    assert_int_equal(search_query(f->db, &f->a, "lang", "shop", 20, 0, &h, &n, &total, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "kind");
    assert_int_equal(search_put(f->db, "shop", 1, "x", NULL, &e), -1);
    assert_string_equal(e.field, "kind");
    assert_int_equal(search_put(f->db, "product", 0, "x", NULL, &e), -1);
    assert_string_equal(e.field, "id");
}

static void test_pagination(void **state) {
    Fixture *f = *state;
    char title[64];
    /* 7 whose title starts with the query, 8 that have it only in the extra text, 5 others */
    for (int i = 1; i <= 7; i++) {
        snprintf(title, sizeof title, "Gạo thơm lô %d", i);
        put(f, "product", i, title, NULL);
    }
    for (int i = 8; i <= 15; i++) {
        snprintf(title, sizeof title, "Sản phẩm %d", i);
        put(f, "product", i, title, "gạo thơm ST25");
    }
    for (int i = 16; i <= 20; i++) put(f, "product", i, "Cà phê", NULL);
    int seen[16] = {0};
    for (int page = 0; page < 4; page++) {
        Result r = find(f, "gao thom", NULL, 4, page * 4);
        assert_int_equal(r.total, 15);
        assert_int_equal(r.n, page < 3 ? 4 : 3);
        for (int i = 0; i < r.n; i++) {
            int64_t id = r.h[i].id;
            assert_true(id >= 1 && id <= 15);
            assert_int_equal(seen[id], 0); /* no record on two pages */
            seen[id] = 1;
            /* the title matches come first, over page boundaries */
            if (page * 4 + i < 7) assert_true(id <= 7);
            else assert_true(id >= 8);
        }
    }
    for (int id = 1; id <= 15; id++) assert_int_equal(seen[id], 1);
    Result r = find(f, "gao thom", NULL, 10, 15); /* past the end */
    assert_int_equal(r.n, 0);
    assert_int_equal(r.total, 15);
    r = find(f, "gao thom", NULL, 10, 6); /* a page that straddles the tiers */
    assert_int_equal(r.n, 9);
    assert_int_equal(r.h[0].id, 7);
    assert_true(r.h[1].id >= 8);

    Err e = ERR_INIT;
    SearchHit *h;
    int n;
    int64_t total;
    assert_int_equal(search_query(f->db, &f->a, "gao", NULL, 0, 0, &h, &n, &total, &e), -1);
    assert_string_equal(e.field, "limit");
    int over = SEARCH_LIMIT_MAX + 1;
    assert_int_equal(search_query(f->db, &f->a, "gao", NULL, over, 0, &h, &n, &total, &e), -1);
    assert_string_equal(e.field, "limit");
    assert_int_equal(search_query(f->db, &f->a, "gao", NULL, 10, -1, &h, &n, &total, &e), -1);
    assert_string_equal(e.field, "offset");
    int deep = SEARCH_COUNT_MAX;
    assert_int_equal(search_query(f->db, &f->a, "gao", NULL, 10, deep, &h, &n, &total, &e), -1);
    assert_string_equal(e.field, "offset");
    assert_int_equal(e.status, 422);
}

static void test_total_cap(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    assert_int_equal(db_begin(f->db, &e), 0);
    for (int i = 1; i <= SEARCH_COUNT_MAX + 5; i++) put(f, "product", i, "Chè Shan tuyết", NULL);
    assert_int_equal(db_commit(f->db, &e), 0);
    Result r = find(f, "che shan", NULL, 20, 0);
    assert_int_equal(r.total, SEARCH_COUNT_MAX + 5); /* totals are exact */
    assert_int_equal(r.n, 20);
    r = find(f, "che shan", NULL, 20, SEARCH_COUNT_MAX - 20); /* the deepest page */
    assert_int_equal(r.n, 20);
}

static void test_reindex_delete(void **state) {
    Fixture *f = *state;
    put_examples(f);
    put(f, "product", 1, "Tương ớt Cô Ba", "Bến Tre");
    Result r = find(f, "nuoc mam lang xua", NULL, 20, 0);
    assert_int_equal(rank_of(r, "product", 1), -1); /* the old words are gone */
    assert_int_equal(r.total, 3);
    r = find(f, "tuong ot", NULL, 20, 0);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.h[0].id, 1);
    assert_string_equal(r.h[0].title, "Tương ớt Cô Ba");
    assert_int_equal(db_int1(f->db, "SELECT count(*) FROM search_docs"
                                    " WHERE kind = 'product' AND ref_id = 1", NULL), 1);

    Err e = ERR_INIT;
    assert_int_equal(search_delete(f->db, "product", 1, &e), 0);
    assert_int_equal(find(f, "tuong ot", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "ben tre", "product", 20, 0).total, 2); /* 3 and 7 stay */
    assert_int_equal(search_delete(f->db, "product", 1, &e), 0);    /* not there: fine */
    assert_int_equal(search_delete(f->db, "village", 1, &e), 0);
    assert_int_equal(find(f, "lang nghe", NULL, 20, 0).total, 0);
    /* every write moved the version the in-memory index is checked against */
    assert_true(db_int1(f->db, "SELECT version FROM search_meta", NULL) >= 5);
}

/* Rows in the registry tables; search_index reads them. */
static void registry_row(Fixture *f, const char *sql, const char *a1, const char *a2) {
    Stmt *s = db_prepare(f->db, sql);
    if (a1) db_bind_text(s, 1, a1);
    if (a2) db_bind_text(s, 2, a2);
    int rc = db_step(s);
    if (rc == DB_ERROR) fail_msg("%s: %s", sql, db_errmsg(f->db));
    db_done(s);
}

/* An index built by an older ocop holds the legal representative's name in a producer's
** searchable text; upgrading the database (migration 016) rebuilds it, so the name no longer
** finds the producer while its public fields still do. */
static void test_upgrade_reindexes(void **state) {
    Fixture *f = *state;
    db_close(f->db);
    unlink(f->path);
    Err e = ERR_INIT;
    f->db = db_create(f->path, &e);
    assert_non_null(f->db);
    if (migrate_run_to(f->db, 15, 0, &e) < 0) fail_msg("migrate_run_to 15: %s", e.detail);
    registry_row(f, "INSERT INTO producers (id, type, name, name_key, name_fold, commune_code, rep_name,"
                    " created_at, updated_at) VALUES (1, 'cooperative', ?, 'k', 'f', '99999', ?, 't', 't')",
                 "Hợp tác xã Thủy sản Bình Minh", "Nguyễn Thị Hoa");
    /* what the indexer of ocop 0.2 wrote: the representative among the searchable text */
    put(f, "producer", 1, "Hợp tác xã Thủy sản Bình Minh", "Nguyễn Thị Hoa");
    assert_int_equal(find(f, "nguyen thi hoa", NULL, 20, 0).total, 1);
    int n = migrate_run(f->db, 0, &e);
    if (n < 0) fail_msg("migrate_run: %s", e.detail);
    assert_true(n >= 1);
    assert_int_equal(find(f, "nguyen thi hoa", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "thuy san binh minh", "producer", 20, 0).total, 1);
}

static void test_index_registry(void **state) {
    Fixture *f = *state;
    registry_row(f, "INSERT OR IGNORE INTO product_sets (version, set_no, name)"
                    " VALUES ('26-2026', 1, 'x')", NULL, NULL);
    registry_row(f, "INSERT INTO villages (id, name, name_key, name_fold, commune_code, crafts,"
                    " created_at, updated_at) VALUES (1, 'Làng nghề nước mắm Cửa Khe', 'k1', 'f1',"
                    " '99999', 'nước mắm', 't', 't')", NULL, NULL);
    registry_row(f, "INSERT INTO producers (id, type, name, name_key, name_fold, commune_code,"
                    " village_id, created_at, updated_at)"
                    " VALUES (1, 'cooperative', ?, 'k', 'f', '99999', 1, 't', 't')",
                 "Hợp tác xã Thủy sản Bình Minh", NULL);
    registry_row(f, "INSERT INTO products (id, name, name_key, name_fold, set_no, producer_id,"
                    " commune_code, code, description, created_at, updated_at) VALUES (1, ?, 'k',"
                    " 'f', 1, 1, '99999', '30-99999-001-2026', ?, 't', 't')",
                 "Nước mắm nhĩ", "Ủ chượp 12 tháng trong thùng gỗ");
    Err e = ERR_INIT;
    /* the village, then its producer, then the producer's product */
    assert_int_equal(search_index(f->db, "village", 1, &e), 0);
    Result r = find(f, "nuoc mam binh minh", NULL, 20, 0); /* title + producer name */
    assert_int_equal(r.n, 2); /* and the producer: its name + its village's */
    assert_string_equal(r.h[0].kind, "product"); /* shorter title */
    assert_string_equal(r.h[1].kind, "producer");
    assert_string_equal(r.h[0].title, "Nước mắm nhĩ");
    assert_int_equal(find(f, "chuop thung go", NULL, 20, 0).total, 0);   /* descriptions are not indexed */
    assert_int_equal(find(f, "30 99999 001", NULL, 20, 0).total, 1);     /* product code */
    assert_int_equal(find(f, "cua khe", "producer", 20, 0).total, 1);     /* village name */

    /* renaming the producer re-indexes its products */
    registry_row(f, "UPDATE producers SET name = ? WHERE id = 1", "Công ty Hoàng Hôn", NULL);
    assert_int_equal(search_index(f->db, "producer", 1, &e), 0);
    assert_int_equal(find(f, "binh minh", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "nuoc mam hoang hon", "product", 20, 0).total, 1);

    /* a record gone from its table leaves the index */
    registry_row(f, "DELETE FROM products WHERE id = 1", NULL, NULL);
    assert_int_equal(search_index(f->db, "product", 1, &e), 0);
    assert_int_equal(find(f, "nhi", NULL, 20, 0).total, 0);

    /* rebuild gives the same index from scratch */
    put(f, "product", 77, "Bản ghi không có trong bảng", NULL);
    assert_int_equal(search_rebuild(f->db, &e), 0);
    assert_int_equal(find(f, "ban ghi", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "hoang hon", NULL, 20, 0).total, 1);
    assert_int_equal(find(f, "cua khe", NULL, 20, 0).total, 2);
}

/* A query that must give 422 on field q. */
static void refused(Fixture *f, const char *q) {
    Err e = ERR_INIT;
    SearchHit *h;
    int n;
    int64_t total;
    int rc = search_query(f->db, &f->a, q, NULL, 20, 0, &h, &n, &total, &e);
    if (rc != -1 || e.status != 422 || strcmp(e.field, "q") != 0)
        fail_msg("query \"%s\": rc %d status %d field %s: %s", q ? q : "(null)", rc, e.status,
                 e.field, e.detail);
}

static void test_hostile(void **state) {
    Fixture *f = *state;
    put_examples(f);
    refused(f, NULL);
    refused(f, "");
    refused(f, "   \t ");
    refused(f, "\"");
    refused(f, "*");
    refused(f, "\"*^:(){}-+");
    refused(f, "🍵🍵");
    refused(f, "ab\xFF");
    char big[10 * 1024 + 1];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    refused(f, big);
    char many[SEARCH_QUERY_MAX];
    many[0] = 0;
    for (int i = 0; i <= SEARCH_WORDS_MAX; i++) strcat(many, i ? " x" : "x");
    refused(f, many);

    /* FTS5 syntax in the text is just words (or nothing) */
    const char *odd[] = {
        "NEAR(", "NEAR(nuoc mam, 2)", "a OR b", "nuoc OR", "-x", "mam -nuoc", "nuoc NOT mam",
        "title:nuoc", "{title extra}: mam", "^nuoc", "nuoc*", "\"nuoc mam\"", "nuoc\" OR \"",
        "(nuoc", "nuoc)", "AND", "x AND", "+", "a:b:c", "' OR 1=1 --", "%_", "\\",
        "nuoc\xE2\x80\x8Bmam", ("N\xC6\xAF\xE1\xBB\x9A" "C"),
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        Err e = ERR_INIT;
        SearchHit *h;
        int n;
        int64_t total;
        int rc = search_query(f->db, &f->a, odd[i], NULL, 20, 0, &h, &n, &total, &e);
        if (rc != 0 && !(e.status == 422 && strcmp(e.field, "q") == 0))
            fail_msg("query \"%s\": %d %s", odd[i], e.status, e.detail);
    }
    /* the operators are ordinary words: "nuoc OR" means nuoc* AND or* */
    assert_int_equal(find(f, "nuoc OR", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "\"nuoc mam\"", NULL, 20, 0).total, 4);
    assert_int_equal(find(f, "mam -nuoc", NULL, 20, 0).total, 4);
}

/* ---- search after writes: the overlay over the big index ---------------------------- */

static const char *const words[] = {"nuoc", "mam", "banh", "keo", "dua", "xanh", "ben", "tre", "tra", "lang",
                                    "xua", "dac", "san", "buoi", "ca", "com", "mat", "ong", "gao", "thom"};

/* A title of 1..5 words drawn from words[] by seed. */
static void random_title(unsigned *seed, char *out, size_t n) {
    int nw = 1 + (int)(rand_r(seed) % 5);
    out[0] = 0;
    for (int i = 0; i < nw; i++) {
        size_t len = strlen(out);
        snprintf(out + len, n - len, "%s%s", i ? " " : "", words[rand_r(seed) % (sizeof words / sizeof *words)]);
    }
}

/* The same queries on f's long-lived index and on a fresh connection's (built whole) answer
** the same hits in the same order, with the same totals. */
static void same_as_fresh(Fixture *f) {
    static const char *const queries[] = {"nuoc", "banh keo", "xanh", "ben tre", "b", "dua xanh", "t", "lang xua",
                                          "mat ong", "ca com", "san", "gao thom ben"};
    static const char *const kinds[] = {NULL, "product", "village"};
    Err e = ERR_INIT;
    Db *fresh = db_open(f->path, &e);
    assert_non_null(fresh);
    Arena a = {0};
    for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
        for (size_t ki = 0; ki < 3; ki++)
            for (int page = 0; page < 3; page++) {
                SearchHit *h1, *h2;
                int n1, n2;
                int64_t t1, t2;
                int limit = page == 2 ? 100 : 7, offset = page == 1 ? 7 : 0;
                assert_int_equal(search_query(f->db, &f->a, queries[qi], kinds[ki], limit, offset, &h1, &n1, &t1, &e), 0);
                assert_int_equal(search_query(fresh, &a, queries[qi], kinds[ki], limit, offset, &h2, &n2, &t2, &e), 0);
                if (t1 != t2 || n1 != n2) fail_msg("'%s' kind %s: %lld/%d hits, fresh %lld/%d", queries[qi],
                                                   kinds[ki] ? kinds[ki] : "-", (long long)t1, n1, (long long)t2, n2);
                for (int i = 0; i < n1; i++) {
                    if (strcmp(h1[i].kind, h2[i].kind) || h1[i].id != h2[i].id || strcmp(h1[i].title, h2[i].title) ||
                        h1[i].score != h2[i].score)
                        fail_msg("'%s' hit %d: %s %lld '%s', fresh %s %lld '%s'", queries[qi], i, h1[i].kind,
                                 (long long)h1[i].id, h1[i].title, h2[i].kind, (long long)h2[i].id, h2[i].title);
                }
            }
    arena_free(&a);
    db_close(fresh);
    arena_free(&f->a);
}

/* Creations, updates and deletions after the index was built are found at once, without
** building the whole index again: the changed records lie in an overlay. */
static void test_after_writes(void **state) {
    Fixture *f = *state;
    put_examples(f);
    char title[128];
    unsigned seed = 7;
    for (int i = 100; i < 600; i++) {
        random_title(&seed, title, sizeof title);
        put(f, "product", i, title, NULL);
    }
    Result r = find(f, "nuoc mam lang xua", NULL, 20, 0);
    SearchStats st;
    search_cache_stats(f->db, &st);
    assert_int_equal(st.builds, 1);
    /* create */
    put(f, "product", 9001, "Mật ong hoa nhãn Hưng Yên", "HTX Ong Vàng");
    r = find(f, "hoa nhan", NULL, 20, 0);
    assert_int_equal(r.total, 1);
    assert_int_equal(r.h[0].id, 9001);
    assert_string_equal(r.h[0].title, "Mật ong hoa nhãn Hưng Yên");
    assert_int_equal(find(f, "ong vang", NULL, 20, 0).total, 1);
    /* update: the old words go, the new come, the rank follows the new title */
    put(f, "product", 1, "Nước mắm nhĩ", NULL);
    assert_int_equal(rank_of(find(f, "lang xua", "product", 20, 0), "product", 1), -1);
    r = find(f, "nuoc mam nh", NULL, 20, 0);
    assert_int_equal(r.total, 1);
    assert_int_equal(r.h[0].id, 1);
    assert_string_equal(r.h[0].title, "Nước mắm nhĩ");
    /* delete */
    Err e = ERR_INIT;
    assert_int_equal(search_delete(f->db, "product", 9001, &e), 0);
    assert_int_equal(find(f, "hoa nhan", NULL, 20, 0).total, 0);
    assert_int_equal(search_delete(f->db, "village", 1, &e), 0);
    assert_int_equal(find(f, "lang nghe", NULL, 20, 0).total, 0);
    search_cache_stats(f->db, &st);
    assert_int_equal(st.builds, 1); /* no whole build after any of these writes */
    assert_true(st.overlays >= 4);
    same_as_fresh(f);

    /* a write rolled back changes nothing */
    assert_int_equal(db_begin(f->db, &e), 0);
    put(f, "product", 2, "Rượu cần", NULL);
    db_rollback(f->db);
    assert_int_equal(find(f, "ruou can", NULL, 20, 0).total, 0);
    assert_int_equal(find(f, "phu quoc", NULL, 20, 0).total, 1);
    same_as_fresh(f);

    /* a write this cache did not see (another process): the whole index again, right */
    Db *other = db_open(f->path, &e);
    assert_non_null(other);
    assert_int_equal(search_put(other, "product", 3, "Cốm làng Vòng", NULL, &e), 0);
    db_close(other);
    r = find(f, "com lang vong", NULL, 20, 0);
    assert_int_equal(r.total, 1);
    assert_int_equal(rank_of(find(f, "dac san ben tre", NULL, 20, 0), "product", 3), -1);
    search_cache_stats(f->db, &st);
    assert_int_equal(st.builds, 2);
    /* and after it, overlays again */
    put(f, "product", 4, "Bánh cốm", NULL);
    assert_int_equal(find(f, "banh com", NULL, 20, 0).h[0].id, 4);
    search_cache_stats(f->db, &st);
    assert_int_equal(st.builds, 2);
    same_as_fresh(f);
}

/* Many random writes (some in one transaction, some rolled back) between searches: the
** answers stay those of an index built from scratch, and a big overlay is folded into a new
** big index in the background. */
static void test_random_writes(void **state) {
    Fixture *f = *state;
    char title[128];
    unsigned seed = 42;
    for (int i = 1; i <= 2000; i++) {
        random_title(&seed, title, sizeof title);
        put(f, i % 7 ? "product" : "village", i, title, NULL);
    }
    same_as_fresh(f);
    Err e = ERR_INIT;
    for (int round = 0; round < 40; round++) {
        bool tx = round % 3 == 0, undo = round % 5 == 0;
        if (tx) assert_int_equal(db_begin(f->db, &e), 0);
        for (int i = 0; i < 60; i++) {
            int id = 1 + (int)(rand_r(&seed) % 2600);
            const char *kind = id % 7 ? "product" : "village";
            if (rand_r(&seed) % 4 == 0) {
                assert_int_equal(search_delete(f->db, kind, id, &e), 0);
            } else {
                random_title(&seed, title, sizeof title);
                put(f, kind, id, title, rand_r(&seed) % 2 ? "mat ong" : NULL);
            }
        }
        if (tx && undo) db_rollback(f->db);
        else if (tx) assert_int_equal(db_commit(f->db, &e), 0);
        if (round % 4 == 3) same_as_fresh(f);
    }
    /* 2,400 changes: past the fold threshold, so a fold ran or runs */
    SearchStats st;
    for (int i = 0; i < 200; i++) {
        find(f, "xanh", NULL, 20, 0);
        search_cache_stats(f->db, &st);
        if (st.folds && !st.folding) break;
        usleep(20000);
    }
    assert_true(st.folds >= 1);
    assert_true(st.overlay < 1000);
    same_as_fresh(f);
}

/* Two connections sharing one cache, as the server's workers do: a write on one is laid over
** the index the other searches; a search inside a write transaction that is then rolled back
** leaves nothing behind for the others. */
static void test_shared_cache(void **state) {
    Fixture *f = *state;
    Err e = ERR_INIT;
    SearchCache *shared = search_cache_new();
    Db *a = db_open(f->path, &e), *b = db_open(f->path, &e);
    assert_non_null(a);
    assert_non_null(b);
    search_cache_use(a, shared);
    search_cache_use(b, shared);
    put_examples(f);
    SearchHit *h;
    int n;
    int64_t total;
    assert_int_equal(search_query(b, &f->a, "nuoc mam", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 4);
    assert_int_equal(search_put(a, "product", 50, "Rượu cần Tây Nguyên", NULL, &e), 0);
    assert_int_equal(search_query(b, &f->a, "ruou can", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 1);
    SearchStats st;
    search_cache_stats(b, &st);
    assert_int_equal(st.builds, 1); /* f->db's write came from outside the cache: one build */
    assert_true(st.overlays >= 1);
    /* searched inside a write transaction, then rolled back */
    assert_int_equal(db_begin(a, &e), 0);
    assert_int_equal(search_put(a, "product", 51, "Bánh tét lá cẩm", NULL, &e), 0);
    assert_int_equal(search_query(a, &f->a, "banh tet", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 1);
    db_rollback(a);
    assert_int_equal(search_query(b, &f->a, "banh tet", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 0);
    assert_int_equal(search_query(a, &f->a, "banh tet", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 0);
    /* and the next committed write is seen by both */
    assert_int_equal(search_put(a, "product", 52, "Bánh pía Sóc Trăng", NULL, &e), 0);
    assert_int_equal(search_query(b, &f->a, "banh pia", NULL, 20, 0, &h, &n, &total, &e), 0);
    assert_int_equal(total, 1);
    search_cache_stats(b, &st);
    assert_int_equal(st.builds, 1);
    db_close(a);
    db_close(b);
    search_cache_free(shared);
    arena_free(&f->a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_examples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kinds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_total_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reindex_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_after_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_cache, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_reindexes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
