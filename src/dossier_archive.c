/*
** dossier_archive.c: the evaluation dossiers a province decided on paper before it used ocop,
** recorded by import (dossier.h, ENTITY_DOSSIER_ARCHIVE; docs/import.md "dossiers").
**
** A row is a closed dossier: its product (by code), its kind, the day it was filed, how it
** ended (decided, rejected with the reason, withdrawn), the round it was evaluated in (year and
** number: the province's round, made closed with the law's dates when the province has none
** yet), the council's average score and the stars. It is pinned, as a filed dossier is, to the
** score sheet in force on the day it was filed. Nothing of the procedure is invented: no
** self-assessment, no sheets, no events but one saying it came from the archive; the
** indicators that count dossiers (docs/indicators.md) count it from the day it was filed.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "rubric.h"
#include "text.h"
#include "util.h"

/* The states a dossier of the archive may be in: closed ones. */
static bool closed_state(const char *state) {
    return str_eq(state, "decided") || str_eq(state, "rejected") || str_eq(state, "withdrawn");
}

/* The product named by product_id or product_code: its id, producer, commune, set (and the
** sheet it is classified under). 0 with e when there is none. */
static int64_t find_product(Db *db, json_t *obj, Err *e) {
    int64_t pid = obj_int(obj, "product_id");
    const char *code = obj_str(obj, "product_code");
    if (!pid && !code) return err_set(e, 422, "product_code", "%s is required (or product_id)", "product_code"), 0;
    Stmt *s = db_prepare(db, pid ? "SELECT id, producer_id, commune_code, set_no, commune_code_old FROM products WHERE id = ?"
                                 : "SELECT id, producer_id, commune_code, set_no, commune_code_old FROM products WHERE code = ?");
    if (pid) db_bind_int(s, 1, pid);
    else db_bind_text(s, 1, code);
    int64_t id = 0;
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0);
        json_object_set_new(obj, "product_id", json_integer(id));
        json_object_set_new(obj, "producer_id", json_integer(db_col_int(s, 1)));
        json_object_set_new(obj, "commune_code", json_string(db_col_text(s, 2)));
        json_object_set_new(obj, "set_no", json_integer(db_col_int(s, 3)));
        json_object_set_new(obj, "commune_code_old", db_col_null(s, 4) ? json_null() : json_string(db_col_text(s, 4)));
    }
    db_done(s);
    if (!id && code) err_set(e, 422, "product_code", "%s: no product with code '%s'", "product_code", code);
    else if (!id) err_set(e, 422, "product_id", "there is no product %lld", (long long)pid);
    return id;
}

/* The round (province, year, number) if the province has it, else 0. */
static int64_t find_round(Db *db, const char *province, int64_t year, int64_t number) {
    Stmt *s = db_prepare(db, "SELECT id FROM rounds WHERE province_code = ? AND year = ? AND number = ?");
    db_bind_text(s, 1, province);
    db_bind_int(s, 2, year);
    db_bind_int(s, 3, number);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

/* Did the product hold a certified recognition decided before day? (An upgrade or a
** re-evaluation is of a recognised product.) */
static bool recognised_before(Db *db, int64_t product, const char *day) {
    Stmt *s = db_prepare(db, "SELECT 1 FROM recognitions WHERE product_id = ? AND stars >= ? AND decision_date < ? LIMIT 1");
    db_bind_int(s, 1, product);
    db_bind_int(s, 2, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 3, day);
    bool found = db_step(s) == DB_ROW;
    db_done(s);
    return found;
}

static int archive_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    (void)a, (void)id;
    if (!find_product(db, obj, e)) return -1;
    json_object_del(obj, "product_code");
    json_object_del(obj, "product_name");
    Place p = {0};
    snprintf(p.commune, sizeof p.commune, "%s", obj_str(obj, "commune_code"));
    place_resolve(db, &p);
    json_object_set_new(obj, "province_code", json_string(p.province));
    json_object_set_new(obj, "archived", json_true());

    /* A number in ocop's own form for the dossier's commune ('NN/PĐK-(T)-(X)-(Năm)', dossier.c):
    ** the dossiers ocop numbers there that year come after it. */
    const char *reg = obj_str(obj, "reg_no");
    int serial = 0, year = 0, used = 0;
    char t[8], x[16];
    if (reg && sscanf(reg, "%d/PĐK-%7[0-9]-%15[0-9]-%d%n", &serial, t, x, &year, &used) == 4 && !reg[used] &&
        serial > 0 && str_eq(t, p.province) && str_eq(x, obj_str(obj, "commune_code"))) {
        json_object_set_new(obj, "reg_serial", json_integer(serial));
        json_object_set_new(obj, "reg_year", json_integer(year));
    }

    const char *state = obj_str(obj, "state");
    if (!state) json_object_set_new(obj, "state", json_string(state = "decided"));
    if (!closed_state(state))
        return err_set(e, 422, "state", "%s: a dossier from the archive is closed: decided, rejected or withdrawn; a dossier "
                       "still in progress is filed in ocop and follows the procedure", "state");

    char today[11];
    date_today(today);
    const char *filed = obj_str(obj, "filed_on"), *fwd = obj_str(obj, "forwarded_on");
    if (!filed) return err_set(e, 422, "filed_on", "%s is required", "filed_on");
    if (strcmp(filed, today) > 0) return err_set(e, 422, "filed_on", "%s (%s) is after today", "filed_on", filed);
    if (fwd && strcmp(fwd, filed) < 0)
        return err_set(e, 422, "forwarded_on", "%s (%s) is before filed_on (%s)", "forwarded_on", fwd, filed);
    if (fwd && strcmp(fwd, today) > 0) return err_set(e, 422, "forwarded_on", "%s (%s) is after today", "forwarded_on", fwd);

    /* The score sheet in force when it was filed (Điều 12.2), on the product's set. */
    const Rubric *rub = rubric_in_force(filed);
    json_object_set_new(obj, "rubric_version", json_string(rub->version));
    if (!rubric_set(rub, (int)obj_int(obj, "set_no")))
        return err_set(e, 422, "product_code", "the product's set %lld is not a set of %s, the score sheet in force on %s",
                       (long long)obj_int(obj, "set_no"), rub->version, filed);

    const char *kind = obj_str(obj, "kind");
    if (!str_eq(kind, "first") && !recognised_before(db, obj_int(obj, "product_id"), filed))
        return err_set(e, 422, "kind", "%s: an upgrade or a re-evaluation is of a recognised product, and this product has no "
                       "recognition of %d stars or more decided before %s: import its recognitions first, or file it as "
                       "a first evaluation", "kind", rubric_certified_stars(rub), filed);

    /* The outcome. */
    json_t *score = json_object_get(obj, "avg_score");
    bool scored = json_is_number(score);
    int64_t stars = obj_int(obj, "stars");
    if (str_eq(state, "rejected")) {
        if (!obj_str(obj, "knockout_reason"))
            return err_set(e, 422, "knockout_reason", "%s is required: why the dossier was rejected", "knockout_reason");
        if (scored || stars)
            return err_set(e, 422, scored ? "avg_score" : "stars", "%s: a rejected dossier was not scored", scored ? "avg_score" : "stars");
    } else if (obj_str(obj, "knockout_reason")) {
        return err_set(e, 422, "knockout_reason", "%s: only a rejected dossier has one", "knockout_reason");
    }
    if (scored) {
        int band = rubric_band(rub, json_number_value(score));
        json_object_set_new(obj, "band", json_integer(band));
        if (!stars) json_object_set_new(obj, "stars", json_integer(stars = band));
        else if (stars > band)
            return err_set(e, 422, "stars", "score %.2f gives at most %d stars, not %lld (%lld★ needs %.0f points, %s)",
                           json_number_value(score), band, (long long)stars, (long long)stars,
                           rubric_band_of(rub, (int)stars) ? rubric_band_of(rub, (int)stars)->min : 0,
                           json_string_value(json_object_get(rub->document, "number")));
    }
    if (str_eq(state, "decided") && !stars)
        return err_set(e, 422, "stars", "%s is required for a decided dossier (or its score, avg_score)", "stars");
    if (str_eq(state, "decided"))
        json_object_set_new(obj, "result", json_string(stars >= rubric_certified_stars(rub) ? "recognized" : "not_recognized"));

    /* Sent to the Ministry (a 5★ result): the Ministry's council scored it again, as pass 2. */
    json_t *tm = json_object_get(obj, "to_ministry");
    bool ministry = json_is_boolean(tm) ? json_is_true(tm) : stars == 5;
    if (ministry && str_eq(state, "rejected"))
        return err_set(e, 422, "to_ministry", "%s: a rejected dossier was not sent to the Ministry", "to_ministry");
    json_object_set_new(obj, "scoring_pass", json_integer(ministry ? 2 : 1));
    json_object_set_new(obj, "ministry_pass", ministry ? json_integer(2) : json_null());

    /* The round: both its year and its number, or neither. */
    int64_t ryear = obj_int(obj, "round_year"), rno = obj_int(obj, "round_number");
    if (!ryear != !rno)
        return err_set(e, 422, ryear ? "round_number" : "round_year", "%s is required with %s: a round is its year and number",
                       ryear ? "round_number" : "round_year", ryear ? "round_year" : "round_number");
    if (ryear && ryear < atoi(filed))
        return err_set(e, 422, "round_year", "%s %lld is before the dossier was filed (%s)", "round_year", (long long)ryear, filed);
    if (ryear && ryear > atoi(today))
        return err_set(e, 422, "round_year", "%s %lld has not come yet", "round_year", (long long)ryear);
    if (ryear) {
        int64_t rid = find_round(db, p.province, ryear, rno);
        json_object_set_new(obj, "round_id", rid ? json_integer(rid) : json_null());
    }
    /* The council of the province that scored it: for the round the import makes. */
    const char *council = obj_str(obj, "council_name");
    if (council && !ryear)
        return err_set(e, 422, "council_name", "%s: the council scored the dossier in a round: give the round (round_year, round_number)", "council_name");
    if (council) {
        char *key = text_key(council, strlen(council));
        Stmt *s = db_prepare(db, "SELECT id FROM councils WHERE province_code = ? AND name_key = ?");
        db_bind_text(s, 1, p.province);
        db_bind_text(s, 2, key ? key : council);
        int64_t cid = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        free(key);
        if (!cid)
            return err_set(e, 422, "council_name", "%s: province %s has no council named '%s': import the councils first", "council_name",
                           p.province, council);
        json_object_set_new(obj, "round_council", json_integer(cid));
    }
    return 0;
}

/* The write check of each row (entity_check_write, just before the write) passes on who imports
** it, for the one event of its history. */
static int archive_authorize(Db *db, const Actor *who, json_t *before, json_t *after, int64_t id, Err *e) {
    (void)db, (void)before, (void)id, (void)e;
    if (after) json_object_set_new(after, "imported_by", json_string(who->username));
    return 0;
}

/* After the row: the round it names, when the province has none (closed, the law's dates:
** round_prepare; the council named with it), and the one event of its history, by whoever
** imported it. */
static int archive_after(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    int64_t ryear = obj_int(obj, "round_year"), rno = obj_int(obj, "round_number");
    const char *province = obj_str(obj, "province_code");
    if (ryear && !obj_int(obj, "round_id")) {
        int64_t rid = find_round(db, province, ryear, rno);
        if (!rid) {
            json_t *round = json_pack("{s:s, s:I, s:I, s:s, s:s}", "province_code", province, "year", (json_int_t)ryear,
                                      "number", (json_int_t)rno, "state", "closed", "note",
                                      "Tạo khi nhập hồ sơ lưu trữ (trước khi dùng ocop)");
            if (obj_int(obj, "round_council")) json_object_set_new(round, "council_id", json_integer(obj_int(obj, "round_council")));
            int rc = ENTITY_ROUNDS.prepare(db, a, round, 0, e) || entity_write_new(db, a, &ENTITY_ROUNDS, round, &rid, false, e);
            json_decref(round);
            if (rc) return -1;
        }
        Stmt *s = db_prepare(db, "UPDATE dossiers SET round_id = ? WHERE id = ?");
        db_bind_int(s, 1, rid);
        db_bind_int(s, 2, id);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot record the round: %s", db_errmsg(db));
    }
    char ts[32];
    ts_now(ts);
    Stmt *s = db_prepare(db, "INSERT INTO dossier_events (dossier_id, at, username, action, from_state, to_state) "
                             "VALUES (?, ?, ?, 'archive', '', ?)");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, ts);
    db_bind_text(s, 3, obj_str(obj, "imported_by") ? obj_str(obj, "imported_by") : "import");
    db_bind_text(s, 4, obj_str(obj, "state"));
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot record the event: %s", db_errmsg(db));
}

/* The same registration number, or the same product, kind and day of filing. */
static int64_t archive_dup(Db *db, json_t *obj, const char **why) {
    const char *reg = obj_str(obj, "reg_no");
    Stmt *s;
    if (reg) {
        s = db_prepare(db, "SELECT id FROM dossiers WHERE reg_no = ?");
        db_bind_text(s, 1, reg);
        *why = N_("a dossier with the same registration number");
    } else {
        s = db_prepare(db, "SELECT id FROM dossiers WHERE product_id = ? AND kind = ? AND filed_on = ?");
        db_bind_int(s, 1, obj_int(obj, "product_id"));
        db_bind_text(s, 2, obj_str(obj, "kind"));
        db_bind_text(s, 3, obj_str(obj, "filed_on"));
        *why = N_("a dossier of the same product and kind filed on the same day");
    }
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}

/* An export reads as an import: the product's code and name, the round's year and number. */
static void archive_decorate(Db *db, json_t *obj, int64_t id) {
    (void)id;
    Stmt *s = db_prepare(db, "SELECT p.code, p.name, r.year, r.number FROM products p LEFT JOIN rounds r ON r.id = ? "
                             "WHERE p.id = ?");
    db_bind_int(s, 1, obj_int(obj, "round_id"));
    db_bind_int(s, 2, obj_int(obj, "product_id"));
    if (db_step(s) == DB_ROW) {
        json_object_set_new(obj, "product_code", db_col_null(s, 0) ? json_null() : json_string(db_col_text(s, 0)));
        json_object_set_new(obj, "product_name", json_string(db_col_text(s, 1)));
        if (!db_col_null(s, 2)) {
            json_object_set_new(obj, "round_year", json_integer(db_col_int(s, 2)));
            json_object_set_new(obj, "round_number", json_integer(db_col_int(s, 3)));
        }
    }
    db_done(s);
    json_object_set_new(obj, "to_ministry", json_boolean(obj_int(obj, "ministry_pass") > 0));
}

static const EnumVal results[] = {
    {"recognized", "Được công nhận", "Recognised"},
    {"not_recognized", "Không được công nhận", "Not recognised"},
    {NULL, NULL, NULL},
};

static const Field archive_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "reg_no", .type = FT_TEXT, .flags = FF_FILTER | FF_SORT, .maxlen = 100, .vi = "Số đăng ký", .en = "Registration no.", .help = "as written on the paper dossier; unique"},
    {.name = "reg_serial", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "reg_year", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "kind", .type = FT_ENUM, .enums = DOSSIER_KINDS, .flags = FF_REQUIRED | FF_FILTER, .vi = "Loại hồ sơ", .en = "Kind"},
    {.name = "product_id", .type = FT_REF, .ref = "products", .flags = FF_FILTER | FF_NOEXPORT, .vi = "ID sản phẩm", .en = "Product id"},
    {.name = "product_code", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_IMPORT_KEY, .maxlen = 32, .vi = "Mã sản phẩm", .en = "Product code"},
    {.name = "product_name", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_READONLY, .vi = "Tên sản phẩm", .en = "Product name"},
    {.name = "producer_id", .type = FT_INT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Chủ thể", .en = "Producer"},
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER, .vi = "Mã xã", .en = "Commune code"},
    {.name = "commune_code_old", .type = FT_TEXT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Mã xã cũ (trước 2025)", .en = "Old commune code (before 2025)"},
    {.name = "province_code", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER, .vi = "Mã tỉnh", .en = "Province code"},
    {.name = "rubric_version", .type = FT_TEXT, .flags = FF_READONLY, .vi = "Bộ tiêu chí", .en = "Score sheet"},
    {.name = "set_no", .type = FT_INT, .flags = FF_READONLY, .vi = "Bộ sản phẩm", .en = "Product set"},
    {.name = "filed_on", .type = FT_DATE, .flags = FF_REQUIRED | FF_SORT, .vi = "Ngày nộp", .en = "Filed on"},
    {.name = "forwarded_on", .type = FT_DATE, .flags = FF_SORT, .vi = "Ngày chuyển tỉnh", .en = "Forwarded on"},
    {.name = "round_year", .type = FT_INT, .flags = FF_VIRTUAL, .min = 2013, .max = 2100, .vi = "Năm của đợt", .en = "Round year", .help = "with Đợt: the province's round it was evaluated in"},
    {.name = "round_number", .type = FT_INT, .flags = FF_VIRTUAL, .min = 1, .max = 12, .vi = "Đợt", .en = "Round"},
    {.name = "council_name", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_NOEXPORT, .maxlen = 300, .vi = "Hội đồng", .en = "Council", .help = "the province's council that scored it (a round the import makes gets it)"},
    {.name = "round_id", .type = FT_REF, .ref = "rounds", .flags = FF_READONLY | FF_NOEXPORT, .vi = "ID đợt", .en = "Round id"},
    {.name = "state", .type = FT_ENUM, .enums = DOSSIER_STATES, .flags = FF_FILTER, .vi = "Trạng thái", .en = "State", .help = "decided (the default), rejected or withdrawn"},
    {.name = "knockout_reason", .type = FT_TEXT, .maxlen = 2000, .vi = "Lý do loại", .en = "Knock-out reason", .help = "required when rejected"},
    {.name = "avg_score", .type = FT_REAL, .min = 0, .max = 100, .vi = "Điểm trung bình của Hội đồng", .en = "Council average"},
    {.name = "band", .type = FT_INT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Hạng theo điểm", .en = "Band"},
    {.name = "stars", .type = FT_INT, .flags = FF_FILTER | FF_SORT, .min = 1, .max = 5, .vi = "Số sao", .en = "Stars", .help = "required when decided, unless the score gives them"},
    {.name = "result", .type = FT_ENUM, .enums = results, .flags = FF_READONLY | FF_FILTER, .vi = "Kết quả", .en = "Result"},
    {.name = "to_ministry", .type = FT_BOOL, .flags = FF_VIRTUAL, .vi = "Gửi Bộ đánh giá 5 sao", .en = "Sent to the Ministry", .help = "empty: yes for 5 stars"},
    {.name = "scoring_pass", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "ministry_pass", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "note", .type = FT_TEXT, .maxlen = 4000, .vi = "Ghi chú", .en = "Note"},
    {.name = "archived", .type = FT_BOOL, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Hồ sơ lưu trữ", .en = "From the archive"},
    {.name = "created_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày tạo", .en = "Created"},
    {.name = "updated_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày cập nhật", .en = "Updated"},
    {0},
};

const Entity ENTITY_DOSSIER_ARCHIVE = {
    .name = "dossiers", .singular = N_("dossier"), .table = "dossiers", .label_vi = "Hồ sơ đánh giá",
    .fields = archive_fields, .default_sort = "filed_on",
    .prepare = archive_prepare, .after_write = archive_after, .authorize = archive_authorize, .decorate = archive_decorate, .find_duplicate = archive_dup,
    .perm_create = PERM_ROUNDS_WRITE, .perm_update = PERM_ROUNDS_WRITE, .perm_delete = PERM_ROUNDS_WRITE,
    .perm_read = PERM_DOSSIERS_READ,
    .council_sql = "CAST(? AS INTEGER) IN (SELECT council_id FROM rounds WHERE id = round_id OR id = province_round_id)",
    .ministry_sql = "(state IN ('with_ministry', 'in_ministry_round', 'ministry_scored') OR ministry_pass IS NOT NULL)",
};
