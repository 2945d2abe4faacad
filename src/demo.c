/*
** demo.c: load the demonstration data (see demo.h).
*/
#include "demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "embed.h"
#include "auth.h"
#include "buf.h"
#include "entity.h"
#include "importer.h"
#include "util.h"

/* One account per role, all in Vĩnh Long (province 86) around the commune of Mỏ Cày (28903),
** with one password. README lists them; they exist for trying ocop out, never in production. */
static int demo_users(Db *db, const Actor *who, int verbose, Err *e) {
    Arena a = {0};
    json_t *council = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name",
                                "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Vĩnh Long (demo)", "level", "province",
                                "province_code", "86", "decision_no", "123/QĐ-UBND", "decided_on", "2026-03-02");
    int64_t cid = 0, pid = 0;
    int rc = db_begin(db, e) || entity_check(&ENTITY_COUNCILS, council, true, false, e) ||
             entity_insert(db, &a, &ENTITY_COUNCILS, who, council, &cid, e) || db_commit(db, e);
    json_decref(council);
    arena_free(&a);
    if (rc) {
        db_rollback(db);
        return -1;
    }
    pid = db_int1(db, "SELECT id FROM producers WHERE reg_no = ?", "1307000123");
    char council_scope[24], producer_scope[24];
    snprintf(council_scope, sizeof council_scope, "%lld", (long long)cid);
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
    };
    for (size_t i = 0; i < COUNT(users); i++) {
        json_t *in = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "username", users[i].name, "password",
                               DEMO_PASSWORD, "full_name", users[i].full, "roles", "role", users[i].role, "scope",
                               users[i].scope);
        int64_t id;
        rc = user_create(db, who, in, &id, e);
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
static int days_between(const char *a, const char *b) {
    struct tm ta = {0}, tb = {0};
    sscanf(a, "%d-%d-%d", &ta.tm_year, &ta.tm_mon, &ta.tm_mday);
    sscanf(b, "%d-%d-%d", &tb.tm_year, &tb.tm_mon, &tb.tm_mday);
    ta.tm_year -= 1900, ta.tm_mon -= 1, ta.tm_hour = 12;
    tb.tm_year -= 1900, tb.tm_mon -= 1, tb.tm_hour = 12;
    return (int)((timegm(&tb) - timegm(&ta)) / 86400);
}

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

int demo_load(Db *db, const Actor *who, const char *today, int verbose, Err *e) {
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
                            false, NULL, NULL, &res, e);
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
    return demo_users(db, who, verbose, e);
}
