/*
** dossier.c: evaluation dossiers and rounds (see dossier.h).
*/
#include "dossier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "files.h"
#include "rubric.h"
#include "text.h"
#include "util.h"
#include "workdays.h"

/* The legal numbers of the procedure (the commune's working days, samples, the re-evaluation
** window, round dates, quorum, spread) are the rules of the law in force, read from its data
** file (rubric_rule: data/rubrics/26-2026.json "rules", each with its article). The score
** sheet a dossier follows is the one in force when it was filed: QĐ 26/2026/QĐ-TTg from its
** effective date, QĐ 148 before (Điều 12.2) (rubric_in_force). */

/* The Ministry's rounds use this in place of a province code. */
#define MINISTRY "bo"

static const char *version_in_force(const char *date) { return rubric_in_force(date)->version; }

/* ---- rounds ------------------------------------------------------------------------------------ */

static const EnumVal round_states[] = {
    {"open", "Đang mở", "Open"},
    {"closed", "Đã đóng", "Closed"},
    {NULL, NULL, NULL},
};

static void set_name_keys(json_t *obj) {
    const char *name = obj_str(obj, "name");
    if (!name) return;
    char *key = text_key(name, strlen(name));
    Buf b = BUF_INIT;
    text_fold(&b, name, strlen(name));
    json_object_set_new(obj, "name_key", json_string(key ? key : name));
    json_object_set_new(obj, "name_fold", json_string(buf_str(&b)));
    free(key);
    buf_free(&b);
}

/* The dates of round `number` (rule "rounds": round 1 takes dossiers forwarded by 30/4 and ends
** by 30/6; round 2 by 30/10 and 30/12, QĐ 26/2026 Điều 7; later rounds take the last one's). */
static const char *round_default(int64_t number, const char *key) {
    json_t *rounds = json_object_get(rubric_rule(rubric_current(), "rounds"), "value"), *pick = NULL, *x;
    size_t i;
    json_array_foreach(rounds, i, x) if (!pick || json_integer_value(json_object_get(x, "number")) <= number) pick = x;
    const char *v = obj_str(pick, key);
    if (!v) panic("rules.rounds: no %s for round %lld", key, (long long)number);
    return v;
}

/* Defaults of the law for a round (round_default), and of ocop for its quorum and spread. */
static int round_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    (void)a, (void)id;
    int64_t year = obj_int(obj, "year"), number = obj_int(obj, "number");
    const char *prov = obj_str(obj, "province_code");
    bool bo = str_eq(prov, MINISTRY);
    if (!bo && db_int1(db, "SELECT count(*) FROM units WHERE code = ? AND geo = '2025' AND level = 'province' AND valid_to IS NULL",
                prov) == 0)
        return err_set(e, 422, "province_code", "'%s' is not the code of a province in force", prov ? prov : "");
    char d[11];
    if (!obj_str(obj, "forward_by")) {
        snprintf(d, sizeof d, "%04d-%.5s", (int)year, round_default(number, "forward_by"));
        json_object_set_new(obj, "forward_by", json_string(d));
    }
    if (!obj_str(obj, "ends_on")) {
        snprintf(d, sizeof d, "%04d-%.5s", (int)year, round_default(number, "ends_on"));
        json_object_set_new(obj, "ends_on", json_string(d));
    }
    if (strcmp(obj_str(obj, "forward_by"), obj_str(obj, "ends_on")) > 0)
        return err_set(e, 422, "forward_by", "%s (%s) must not be after ends_on (%s)", "forward_by", obj_str(obj, "forward_by"),
                       obj_str(obj, "ends_on"));
    if (!obj_str(obj, "name")) {
        char name[96];
        snprintf(name, sizeof name, "Đợt %d năm %d", (int)number, (int)year);
        json_object_set_new(obj, "name", json_string(name));
    }
    if (!obj_str(obj, "state")) json_object_set_new(obj, "state", json_string("open"));
    if (!json_is_number(json_object_get(obj, "spread_threshold")))
        json_object_set_new(obj, "spread_threshold", json_real(rubric_rule_num(rubric_current(), "spread_threshold")));
    if (!json_is_number(json_object_get(obj, "quorum")))
        json_object_set_new(obj, "quorum", json_real(rubric_rule_num(rubric_current(), "quorum")));
    if (json_number_value(json_object_get(obj, "quorum")) <= 0)
        return err_set(e, 422, "quorum", "%s is a share of the members above 0 and at most 1 (default 0.75)", "quorum");
    set_name_keys(obj);
    int64_t council = obj_int(obj, "council_id");
    if (council) {
        Stmt *s = db_prepare(db, "SELECT province_code, level FROM councils WHERE id = ?");
        db_bind_int(s, 1, council);
        bool same = db_step(s) == DB_ROW && (bo ? str_eq(db_col_text(s, 1), "ministry") : str_eq(db_col_text(s, 0), prov));
        db_done(s);
        if (!same)
            return err_set(e, 422, "council_id", bo ? "council %lld is not the Ministry's council" : "council %lld is not a council of province %s",
                           (long long)council, prov);
    }
    return 0;
}

static int round_delete(Db *db, int64_t id, Err *e) {
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    if (db_int1(db, "SELECT count(*) FROM dossiers WHERE round_id = CAST(? AS INTEGER)", ids) > 0)
        return err_set(e, 409, "id", "the round holds dossiers");
    return 0;
}

#define STAMPS                                                                                             \
    {.name = "created_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày tạo", .en = "Created"}, \
    {.name = "updated_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày cập nhật", .en = "Updated"}

static const Field round_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "province_code", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .maxlen = 3, .vi = "Mã tỉnh", .en = "Province code"},
    {.name = "year", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 2013, .max = 2100, .vi = "Năm", .en = "Year", .help = "from 2013: Quảng Ninh ran OCOP rounds before the national programme (2018)"},
    {.name = "number", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 12, .vi = "Đợt", .en = "Round"},
    {.name = "name", .type = FT_TEXT, .flags = FF_SORT, .maxlen = 200, .vi = "Tên đợt", .en = "Name"},
    {.name = "name_key", .type = FT_TEXT, .flags = FF_INTERNAL},
    {.name = "name_fold", .type = FT_TEXT, .flags = FF_INTERNAL},
    {.name = "forward_by", .type = FT_DATE, .flags = FF_SORT, .vi = "Hạn xã chuyển hồ sơ", .en = "Forwarded by", .help = "dossiers forwarded by the commune on or before this day may join (default 30/4 or 30/10)"},
    {.name = "ends_on", .type = FT_DATE, .flags = FF_SORT, .vi = "Ngày kết thúc", .en = "Ends on", .help = "default 30/6 or 30/12"},
    {.name = "council_id", .type = FT_REF, .ref = "councils", .flags = FF_FILTER, .vi = "Hội đồng", .en = "Council"},
    {.name = "spread_threshold", .type = FT_REAL, .min = 0, .max = 100, .vi = "Ngưỡng chênh lệch điểm", .en = "Spread threshold", .help = "points between the highest and lowest total that call for discussion (default 10)"},
    {.name = "quorum", .type = FT_REAL, .min = 0, .max = 1, .vi = "Tỷ lệ thành viên tối thiểu", .en = "Quorum", .help = "share of the chair and members whose sheets are needed (default 0.75)"},
    {.name = "state", .type = FT_ENUM, .enums = round_states, .flags = FF_FILTER, .vi = "Trạng thái", .en = "State"},
    {.name = "note", .type = FT_TEXT, .maxlen = 2000, .vi = "Ghi chú", .en = "Note"},
    STAMPS,
    {0},
};

const Entity ENTITY_ROUNDS = {
    .name = "rounds", .singular = N_("round"), .table = "rounds", .label_vi = "Đợt đánh giá",
    .fields = round_fields, .default_sort = "-year",
    .prepare = round_prepare, .before_delete = round_delete,
    .perm_create = PERM_ROUNDS_WRITE, .perm_update = PERM_ROUNDS_WRITE, .perm_delete = PERM_ROUNDS_WRITE,
};

/* ---- dossiers ------------------------------------------------------------------------------------ */

const EnumVal DOSSIER_KINDS[] = {
    {"first", "Đánh giá lần đầu", "First evaluation"},
    {"upgrade", "Nâng hạng", "Upgrade"},
    {"reevaluation", "Đánh giá lại", "Re-evaluation"},
    {NULL, NULL, NULL},
};

const EnumVal DOSSIER_STATES[] = {
    {"draft", "Bản nháp", "Draft"},
    {"submitted", "Đã nộp", "Submitted"},
    {"with_commune", "Xã đang kiểm tra", "With the commune"},
    {"returned", "Trả lại để bổ sung", "Returned for changes"},
    {"resubmitted", "Đã nộp lại", "Resubmitted"},
    {"forwarded", "Đã chuyển lên tỉnh", "Forwarded to the province"},
    {"checked", "Tỉnh đã kiểm tra", "Checked"},
    {"in_round", "Trong đợt đánh giá", "In a round"},
    {"scored", "Đã chấm điểm", "Scored"},
    {"with_ministry", "Đã gửi Bộ (kết quả từ 90 điểm)", "Sent to the Ministry"},
    {"in_ministry_round", "Trong đợt đánh giá của Bộ", "In a Ministry round"},
    {"ministry_scored", "Bộ đã chấm điểm", "Scored by the Ministry"},
    {"decided", "Đã có quyết định", "Decided"},
    {"rejected", "Bị loại", "Rejected"},
    {"withdrawn", "Đã rút", "Withdrawn"},
    {NULL, NULL, NULL},
};

/* The product's current certified recognition (3 stars or more, in force today): stars and
** expiry, or 0. */
static int current_stars(Db *db, int64_t product, char expires[11]) {
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(db, "SELECT stars, expires_on FROM recognitions WHERE product_id = ? AND ended IS NULL "
                             "AND stars >= ? AND decision_date <= ? AND expires_on > ? ORDER BY decision_date DESC LIMIT 1");
    db_bind_int(s, 1, product);
    db_bind_int(s, 2, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 3, today);
    db_bind_text(s, 4, today);
    int stars = 0;
    expires[0] = 0;
    if (db_step(s) == DB_ROW) {
        stars = (int)db_col_int(s, 0);
        snprintf(expires, 11, "%s", db_col_text(s, 1) ? db_col_text(s, 1) : "");
    }
    db_done(s);
    return stars;
}

/* What kind of dossier the product may have: a first evaluation when it holds no certified
** recognition; an upgrade when it holds one below 5 stars; a re-evaluation from the window's
** opening before its certificate expires (rule reevaluation_opens_days, Điều 7.6.a: 180 days). */
static int check_kind(Db *db, const char *kind, int64_t product, Err *e) {
    char expires[11], opens[11], today[11];
    int stars = current_stars(db, product, expires);
    date_today(today);
    if (strcmp(kind, "first") == 0 && stars)
        return err_set(e, 422, "kind", "the product already holds a %d-star recognition valid until %s: file an upgrade or a re-evaluation", stars, expires);
    if (strcmp(kind, "upgrade") == 0 && stars == 5) return err_set(e, 422, "kind", "the product already holds 5 stars");
    if (strcmp(kind, "upgrade") == 0 && !stars)
        return err_set(e, 422, "kind", "an upgrade needs a recognition in force (3 or 4 stars)");
    if (strcmp(kind, "reevaluation") == 0) {
        if (!stars) return err_set(e, 422, "kind", "a re-evaluation needs a recognition in force; file a first evaluation");
        int days = (int)rubric_rule_num(rubric_current(), "reevaluation_opens_days");
        date_add_days(expires, -days, opens);
        if (strcmp(today, opens) < 0)
            return err_set(e, 422, "kind", "re-evaluation dossiers are filed from %d days before the certificate expires (%s): from %s", days, expires, opens);
    }
    return 0;
}

int dossier_check_kind(Db *db, const char *kind, int64_t product, Err *e) { return check_kind(db, kind, product, e); }

/* What a dossier takes from its product: producer, place, and the product's set under the
** score sheet in force on date (a dossier has no set of its own: it is scored on the sheet of
** the product's set). 422 when the product is missing or classified under another sheet. */
typedef struct Filing {
    int64_t producer;
    char commune[16], commune_old[16], province[8];
    const char *version;
    int set_no;
} Filing;

static int product_filing(Db *db, int64_t product, const char *date, Filing *f, Err *e) {
    memset(f, 0, sizeof *f);
    Stmt *s = db_prepare(db, "SELECT producer_id, commune_code, set_no, rubric_version, commune_code_old FROM products WHERE id = ?");
    db_bind_int(s, 1, product);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 422, "product_id", "there is no product %lld", (long long)product);
    }
    f->producer = db_col_int(s, 0);
    snprintf(f->commune, sizeof f->commune, "%s", db_col_text(s, 1));
    snprintf(f->commune_old, sizeof f->commune_old, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
    f->set_no = (int)db_col_int(s, 2);
    char version[16];
    snprintf(version, sizeof version, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
    db_done(s);
    Place p = {0};
    snprintf(p.commune, sizeof p.commune, "%s", f->commune);
    place_resolve(db, &p);
    snprintf(f->province, sizeof f->province, "%s", p.province);
    f->version = version_in_force(date);
    if (strcmp(version, f->version) != 0)
        return err_set(e, 422, "product_id", "product %lld is classified under %s: classify it under %s first "
                       "(PATCH /api/v1/products/%lld {\"rubric_version\": \"%s\", \"set_no\": N})", (long long)product,
                       version, f->version, (long long)product, f->version);
    if (!rubric_set(rubric_get(f->version), f->set_no))
        return err_set(e, 422, "product_id", "%s has no product set %d", f->version, f->set_no);
    return 0;
}

/* The samples rule (rule "samples": 5, none for the tourism set): 0 or 422. */
static int check_samples(json_t *d, Err *e) {
    int need = rubric_samples(rubric_current(), (int)obj_int(d, "set_no"));
    if (need && obj_int(d, "samples") < need)
        return err_set(e, 422, "samples", "a dossier on set %lld comes with %d samples of the product (%s)",
                       (long long)obj_int(d, "set_no"), need, json_string_value(json_object_get(rubric_rule(rubric_current(), "samples"), "law")));
    return 0;
}

static int dossier_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    (void)a;
    const char *state = obj_str(obj, "state");
    if (id && state && strcmp(state, "draft") != 0 && strcmp(state, "returned") != 0)
        return err_set(e, 409, "state", "a dossier can be changed only as a draft or when returned for changes (it is %s)", state);
    int64_t product = obj_int(obj, "product_id");
    /* Pinned to the score sheet in force when filed (for a draft: today). */
    char today[11];
    date_today(today);
    const char *filed = obj_str(obj, "filed_on");
    Filing f;
    if (product_filing(db, product, filed ? filed : today, &f, e)) return -1;
    json_object_set_new(obj, "producer_id", json_integer(f.producer));
    json_object_set_new(obj, "commune_code", json_string(f.commune));
    json_object_set_new(obj, "commune_code_old", f.commune_old[0] ? json_string(f.commune_old) : json_null());
    json_object_set_new(obj, "province_code", json_string(f.province));
    json_object_set_new(obj, "rubric_version", json_string(f.version));
    json_object_set_new(obj, "set_no", json_integer(f.set_no));
    if (!json_object_get(obj, "samples") || json_is_null(json_object_get(obj, "samples"))) {
        int n = rubric_samples(rubric_current(), f.set_no);
        json_object_set_new(obj, "samples", n ? json_integer(n) : json_null());
    }
    if (!state) json_object_set_new(obj, "state", json_string("draft"));
    if (!obj_int(obj, "scoring_pass")) json_object_set_new(obj, "scoring_pass", json_integer(1));
    return check_kind(db, obj_str(obj, "kind"), product, e);
}

/* Submitting checks every filing rule again, on the product as it is now: its set (the
** dossier's and the self-assessment's), the samples, the kind of dossier. */
static int check_filing(Db *db, int64_t id, json_t *d, const char *today, Err *e) {
    Filing f;
    const char *filed = obj_str(d, "filed_on");
    if (product_filing(db, obj_int(d, "product_id"), filed ? filed : today, &f, e)) return -1;
    json_t *sa = json_object_get(d, "self_assessment");
    if (!sa || json_is_null(sa))
        return err_set(e, 422, "self_assessment", "fill in the self-assessment (Mẫu 02) first: PUT /api/v1/dossiers/%lld/self-assessment", (long long)id);
    if (f.set_no != obj_int(d, "set_no") || !str_eq(f.version, obj_str(d, "rubric_version")))
        return err_set(e, 422, "set_no", "the product is now in set %d of %s, the dossier in set %lld: save the dossier again "
                       "(PATCH /api/v1/dossiers/%lld) and fill in the self-assessment on the product's set", f.set_no, f.version,
                       (long long)obj_int(d, "set_no"), (long long)id);
    json_t *sa_set = json_object_get(sa, "set");
    if (sa_set && json_integer_value(sa_set) != f.set_no)
        return err_set(e, 422, "self_assessment", "the self-assessment was made on set %lld; the dossier is on set %d: fill it in again",
                       (long long)json_integer_value(sa_set), f.set_no);
    RubResult res;
    Err why = ERR_INIT;
    if (rubric_evaluate(rubric_set(rubric_get(f.version), f.set_no), json_object_get(sa, "choices"), NULL, &res, &why))
        return err_set(e, 422, "self_assessment", "the self-assessment does not fit set %d: %s", f.set_no, why.detail);
    rubric_result_free(&res);
    if (check_samples(d, e)) return -1;
    return check_kind(db, obj_str(d, "kind"), obj_int(d, "product_id"), e);
}

static int dossier_delete(Db *db, int64_t id, Err *e) {
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    if (db_int1(db, "SELECT count(*) FROM dossiers WHERE id = CAST(? AS INTEGER) AND state = 'draft'", ids) == 0)
        return err_set(e, 409, "state", "only a draft can be deleted; a submitted dossier is withdrawn instead");
    return 0;
}

/* Actions that the dossier's state allows (for the client to offer). */
static json_t *actions_from(const char *state);

static void parse_json_field(json_t *obj, const char *k) {
    const char *t = obj_str(obj, k);
    json_t *v = t ? json_loads(t, 0, NULL) : NULL;
    json_object_set_new(obj, k, v ? v : json_null());
}

static void dossier_decorate(Db *db, json_t *obj, int64_t id) {
    (void)id;
    parse_json_field(obj, "self_assessment");
    parse_json_field(obj, "commune_report");
    parse_json_field(obj, "unmet_minimums");
    Stmt *s = db_prepare(db, "SELECT name, code FROM products WHERE id = ?");
    db_bind_int(s, 1, obj_int(obj, "product_id"));
    if (db_step(s) == DB_ROW)
        json_object_set_new(obj, "product", json_pack("{s:I, s:s, s:s?}", "id", (json_int_t)obj_int(obj, "product_id"), "name",
                                                      db_col_text(s, 0), "code", db_col_text(s, 1)));
    db_done(s);
    const char *state = obj_str(obj, "state"), *due = obj_str(obj, "commune_due");
    bool overdue = false;
    if (state && due && strcmp(state, "with_commune") == 0) {
        char today[11];
        date_today(today);
        overdue = strcmp(today, due) > 0;
        json_object_set_new(obj, "commune_working_days_left",
                            json_integer(overdue ? -workday_count(due, today) : workday_count(today, due)));
    }
    json_object_set_new(obj, "overdue", json_boolean(overdue));
    json_object_set_new(obj, "actions", actions_from(state ? state : ""));
}

static const Field dossier_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "reg_no", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER | FF_SORT, .vi = "Số đăng ký", .en = "Registration no."},
    {.name = "reg_serial", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "reg_year", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "kind", .type = FT_ENUM, .enums = DOSSIER_KINDS, .flags = FF_REQUIRED | FF_FILTER, .vi = "Loại hồ sơ", .en = "Kind"},
    {.name = "product_id", .type = FT_REF, .ref = "products", .flags = FF_REQUIRED | FF_FILTER, .vi = "Sản phẩm", .en = "Product"},
    {.name = "producer_id", .type = FT_INT, .flags = FF_READONLY | FF_FILTER, .vi = "Chủ thể", .en = "Producer"},
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER | FF_SORT, .vi = "Mã xã", .en = "Commune code"},
    {.name = "commune_code_old", .type = FT_TEXT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Mã xã cũ (trước 2025)", .en = "Old commune code (before 2025)", .help = "the product's pre-2025 commune when the dossier was filed"},
    {.name = "province_code", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER, .vi = "Mã tỉnh", .en = "Province code"},
    {.name = "rubric_version", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER, .vi = "Bộ tiêu chí", .en = "Score sheet"},
    {.name = "set_no", .type = FT_INT, .flags = FF_READONLY | FF_FILTER, .vi = "Bộ sản phẩm", .en = "Product set", .help = "the product's set under the score sheet in force (not writable: reclassify the product)"},
    {.name = "samples", .type = FT_INT, .min = 0, .max = 100, .vi = "Số mẫu", .en = "Samples", .help = "5 (none for tourism, set 26)"},
    {.name = "state", .type = FT_ENUM, .enums = DOSSIER_STATES, .flags = FF_READONLY | FF_FILTER | FF_SORT, .vi = "Trạng thái", .en = "State"},
    {.name = "filed_on", .type = FT_DATE, .flags = FF_READONLY | FF_SORT, .vi = "Ngày nộp", .en = "Filed on"},
    {.name = "received_on", .type = FT_DATE, .flags = FF_READONLY | FF_SORT, .vi = "Ngày xã tiếp nhận", .en = "Received on"},
    {.name = "commune_due", .type = FT_DATE, .flags = FF_READONLY | FF_SORT, .vi = "Hạn xã kiểm tra", .en = "Commune due"},
    {.name = "forwarded_on", .type = FT_DATE, .flags = FF_READONLY | FF_SORT, .vi = "Ngày chuyển tỉnh", .en = "Forwarded on"},
    {.name = "round_id", .type = FT_REF, .ref = "rounds", .flags = FF_READONLY | FF_FILTER, .vi = "Đợt đánh giá", .en = "Round"},
    {.name = "province_round_id", .type = FT_REF, .ref = "rounds", .flags = FF_READONLY | FF_NOEXPORT, .vi = "Đợt đánh giá của tỉnh", .en = "Province round", .help = "once the Ministry has the dossier: the province's round"},
    {.name = "knockout_reason", .type = FT_TEXT, .flags = FF_READONLY, .vi = "Lý do loại", .en = "Knock-out reason"},
    {.name = "scoring_pass", .type = FT_INT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Lượt chấm", .en = "Scoring pass"},
    {.name = "ministry_pass", .type = FT_INT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Lượt chấm của Bộ", .en = "Ministry pass", .help = "the first pass of the Ministry's council, once the province sent the dossier for 5 stars"},
    {.name = "avg_score", .type = FT_REAL, .flags = FF_READONLY | FF_SORT, .vi = "Điểm trung bình của Hội đồng", .en = "Council average"},
    {.name = "band", .type = FT_INT, .flags = FF_READONLY, .vi = "Hạng theo điểm", .en = "Band"},
    {.name = "stars", .type = FT_INT, .flags = FF_READONLY | FF_FILTER | FF_SORT, .vi = "Số sao", .en = "Stars"},
    {.name = "result", .type = FT_TEXT, .flags = FF_READONLY | FF_FILTER, .vi = "Kết quả", .en = "Result", .help = "recognized or not_recognized, once decided"},
    {.name = "unmet_minimums", .type = FT_TEXT, .flags = FF_READONLY | FF_NOEXPORT, .vi = "Tiêu chí chưa đạt mức tối thiểu", .en = "Unmet minimums"},
    {.name = "self_assessment", .type = FT_TEXT, .flags = FF_READONLY | FF_NOEXPORT, .maxlen = 100000, .vi = "Tự đánh giá", .en = "Self-assessment"},
    {.name = "commune_report", .type = FT_TEXT, .flags = FF_READONLY | FF_NOEXPORT, .maxlen = 100000, .vi = "Báo cáo của xã", .en = "Commune report"},
    {.name = "note", .type = FT_TEXT, .maxlen = 4000, .vi = "Ghi chú", .en = "Note"},
    {.name = "archived", .type = FT_BOOL, .flags = FF_READONLY | FF_FILTER | FF_NOEXPORT, .vi = "Hồ sơ lưu trữ (trước khi dùng ocop)", .en = "From the archive (before ocop)", .help = "recorded by import (ocop import dossiers), decided on paper"},
    STAMPS,
    {0},
};

static const Filter dossier_filters[] = {
    /* ?overdue=true: the commune's 15 working days have passed; false: the others. */
    {.name = "overdue", .sql = "? = (state = 'with_commune' AND commune_due < ?)", .type = FT_BOOL, .today = 1},
    /* ?ministry=true: sent to the Ministry for 5 stars (waiting, in its round, scored, or
    ** decided after its council scored it). */
    {.name = "ministry", .sql = "? = (state IN ('with_ministry', 'in_ministry_round', 'ministry_scored') OR "
                                "ministry_pass IS NOT NULL)", .type = FT_BOOL},
    {0},
};

/* ?sort=deadline: what the commune must act on first: the dossiers it is checking, the earliest
** deadline first, then those waiting to be received, the oldest filing first, then the rest. */
static const SortKey dossier_sorts[] = {
    {.name = "deadline", .sql = "CASE WHEN state = 'with_commune' THEN 0 WHEN state IN ('submitted', 'resubmitted') "
                                "THEN 1 ELSE 2 END, CASE WHEN state = 'with_commune' THEN commune_due END, filed_on"},
    {0},
};

const Entity ENTITY_DOSSIERS = {
    .name = "dossiers", .singular = N_("dossier"), .table = "dossiers", .label_vi = "Hồ sơ đánh giá",
    .fields = dossier_fields, .filters = dossier_filters, .default_sort = "-id", .sorts = dossier_sorts,
    .prepare = dossier_prepare, .before_delete = dossier_delete, .decorate = dossier_decorate,
    .perm_create = PERM_DOSSIERS_WRITE, .perm_update = PERM_DOSSIERS_WRITE, .perm_delete = PERM_DOSSIERS_WRITE,
    .perm_read = PERM_DOSSIERS_READ, .export_as = &ENTITY_DOSSIER_ARCHIVE,
    .council_sql = "CAST(? AS INTEGER) IN (SELECT council_id FROM rounds WHERE id = round_id OR id = province_round_id)",
    .ministry_sql = "(state IN ('with_ministry', 'in_ministry_round', 'ministry_scored') OR ministry_pass IS NOT NULL)",
    /* ?q=: folded words (lower case, without diacritics or punctuation: "keo dua", "05 pdk") within
    ** the registration number (only when they hold a digit: folding every number costs more than
    ** the rest), or the product's or the producer's name */
    .search_sql = "(? GLOB '*[0-9]*' AND replace(replace(replace(reg_no, 'Đ', 'D'), '/', ' '), '-', ' ') LIKE "
                  "('%' || ? || '%')) OR product_id IN (SELECT id FROM products WHERE name_fold LIKE ('%' || ? || '%')) "
                  "OR producer_id IN (SELECT id FROM producers WHERE name_fold LIKE ('%' || ? || '%'))",
};

/* ---- the procedure ------------------------------------------------------------------------------- */

#define R(x) (1u << (x))
#define PRODUCER R(ROLE_PRODUCER)
#define COMMUNE R(ROLE_COMMUNE)
#define PROVINCE R(ROLE_PROVINCE)
#define ADMIN R(ROLE_ADMIN)
#define MINISTRY_OFFICER R(ROLE_MINISTRY)

typedef struct Transition {
    const char *action;
    const char *from;  /* states, space-separated */
    const char *to;
    unsigned roles;
    const char *needs; /* what the request must carry besides the action */
    const char *vi;
} Transition;

static const Transition transitions[] = {
    {"submit", "draft", "submitted", PRODUCER | COMMUNE | PROVINCE | ADMIN, "self_assessment samples", "Nộp hồ sơ"},
    {"receive", "submitted resubmitted", "with_commune", COMMUNE | ADMIN, "", "Xã tiếp nhận"},
    {"return", "with_commune", "returned", COMMUNE | ADMIN, "comment", "Trả lại để bổ sung"},
    {"resubmit", "returned", "resubmitted", PRODUCER | COMMUNE | ADMIN, "", "Nộp lại"},
    {"forward", "with_commune", "forwarded", COMMUNE | ADMIN, "commune_report", "Chuyển lên tỉnh"},
    {"check", "forwarded", "checked", PROVINCE | ADMIN, "", "Tỉnh kiểm tra"},
    {"reject", "forwarded checked in_round", "rejected", PROVINCE | ADMIN, "reason", "Loại hồ sơ"},
    {"assign", "checked", "in_round", PROVINCE | ADMIN, "round_id", "Đưa vào đợt đánh giá"},
    /* A result under three stars gets no recognition decision: the province closes the dossier. */
    {"not_recognized", "scored ministry_scored", "decided", PROVINCE | ADMIN, "", "Không đạt (dưới 3 sao)"},
    /* A province result of 90 or more goes to the Ministry, whose council scores it again
    ** (QĐ 26/2026 Điều 4.1.b, 7): the Ministry's officers put it in one of its rounds. */
    {"send_to_ministry", "scored", "with_ministry", PROVINCE | ADMIN, "", "Gửi Bộ đánh giá 5 sao"},
    {"assign_ministry", "with_ministry", "in_ministry_round", MINISTRY_OFFICER | ADMIN, "round_id", "Đưa vào đợt đánh giá của Bộ"},
    {"withdraw", "draft submitted with_commune returned resubmitted forwarded checked in_round scored with_ministry "
                 "in_ministry_round ministry_scored", "withdrawn",
     PRODUCER | PROVINCE | ADMIN, "", "Rút hồ sơ"},
};

static bool in_list(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return true;
    return false;
}

static json_t *actions_from(const char *state) {
    json_t *arr = json_array();
    for (size_t i = 0; i < COUNT(transitions); i++)
        if (in_list(transitions[i].from, state)) json_array_append_new(arr, json_string(transitions[i].action));
    return arr;
}

json_t *dossier_transitions(void) {
    json_t *arr = json_array();
    for (size_t i = 0; i < COUNT(transitions); i++) {
        const Transition *t = &transitions[i];
        json_t *from = json_array(), *roles = json_array(), *needs = json_array();
        char buf[128];
        snprintf(buf, sizeof buf, "%s", t->from);
        for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
            json_array_append_new(from, json_string(w));
        snprintf(buf, sizeof buf, "%s", t->needs);
        for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
            json_array_append_new(needs, json_string(w));
        for (int r = 0; r < ROLE_COUNT; r++)
            if ((t->roles >> r) & 1u) json_array_append_new(roles, json_string(role_name((Role)r)));
        json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:s, s:o, s:o}", "action", t->action, "label", t->vi, "from",
                                             from, "to", t->to, "roles", roles, "needs", needs));
    }
    return arr;
}

/* The dossier as stored (columns only) plus its place, or NULL with 404. */
static json_t *load(Db *db, int64_t id, Place *p, Err *e) {
    json_t *d = entity_get(db, &ENTITY_DOSSIERS, id, e);
    if (d) entity_place(db, &ENTITY_DOSSIERS, d, id, p);
    return d;
}

/* A dossier within who's reach for perm, or NULL (404 outside the scope, as if missing). */
static json_t *reach(Db *db, const Actor *who, int64_t id, Perm perm, Place *p, Err *e) {
    json_t *d = load(db, id, p, e);
    if (d && entity_check_scope(db, &ENTITY_DOSSIERS, who, perm, d, id, false, e)) {
        json_decref(d);
        return NULL;
    }
    return d;
}

int dossier_record_event(Db *db, const Actor *who, int64_t id, const char *action, const char *from, const char *to,
                         const char *comment, Err *e) {
    return dossier_record_event_on(db, who, id, action, from, to, comment, NULL, e);
}

int dossier_record_event_on(Db *db, const Actor *who, int64_t id, const char *action, const char *from, const char *to,
                            const char *comment, const char *day, Err *e) {
    char ts[32];
    ts_on(day, ts);
    Stmt *s = db_prepare(db, "INSERT INTO dossier_events (dossier_id, at, username, action, from_state, to_state, comment) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, ts);
    db_bind_text(s, 3, who->username);
    db_bind_text(s, 4, action);
    db_bind_text(s, 5, from);
    db_bind_text(s, 6, to);
    db_bind_text(s, 7, comment && *comment ? comment : NULL);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot record the event: %s", db_errmsg(db));
}

/* Set column = value (text, or NULL) of dossier id. Column names are constants of this file. */
static void set_col(Db *db, int64_t id, const char *column, const char *value) {
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE dossiers SET %s = ? WHERE id = ?", column);
    Stmt *s = db_prepare(db, sql);
    db_bind_text(s, 1, value);
    db_bind_int(s, 2, id);
    db_step(s);
    db_done(s);
}

/* The registration number 'NN/PĐK-(T)-(X)-(Năm)': numbered per commune and year. */
static int assign_reg_no(Db *db, int64_t id, json_t *d, const char *today, Err *e) {
    int year = atoi(today);
    Stmt *s = db_prepare(db, "SELECT coalesce(max(reg_serial), 0) + 1 FROM dossiers WHERE commune_code = ? AND reg_year = ?");
    db_bind_text(s, 1, obj_str(d, "commune_code"));
    db_bind_int(s, 2, year);
    int64_t serial = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
    db_done(s);
    char no[64];
    snprintf(no, sizeof no, "%02lld/PĐK-%s-%s-%d", (long long)serial, obj_str(d, "province_code"), obj_str(d, "commune_code"), year);
    s = db_prepare(db, "UPDATE dossiers SET reg_no = ?, reg_serial = ?, reg_year = ?, filed_on = ?, rubric_version = ? WHERE id = ?");
    db_bind_text(s, 1, no);
    db_bind_int(s, 2, serial);
    db_bind_int(s, 3, year);
    db_bind_text(s, 4, today);
    db_bind_text(s, 5, version_in_force(today));
    db_bind_int(s, 6, id);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot number the dossier: %s", db_errmsg(db));
}

/* What an action needs beyond its state and role; applies its side effects. */
static int apply(Db *db, int64_t id, json_t *d, const Transition *t, json_t *in, const char *today, Err *e) {
    const char *comment = obj_str(in, "comment");
    if (in_list(t->needs, "comment") && (!comment || !*comment))
        return err_set(e, 422, "comment", "say what must change: %s needs a comment", t->action);
    if (strcmp(t->action, "submit") == 0) {
        if (check_filing(db, id, d, today, e)) return -1;
        if (!obj_str(d, "reg_no") && assign_reg_no(db, id, d, today, e)) return -1;
    } else if (strcmp(t->action, "receive") == 0) {
        char due[11];
        if (workday_add(today, (int)rubric_rule_num(rubric_current(), "commune_check_working_days"), due)) return err_set(e, 500, "", "cannot compute the commune's deadline");
        set_col(db, id, "received_on", today);
        set_col(db, id, "commune_due", due);
    } else if (strcmp(t->action, "forward") == 0) {
        json_t *rep = json_object_get(d, "commune_report");
        static const char *const items[] = {"origin", "labour", "idea", "identity"};
        for (size_t i = 0; i < COUNT(items); i++)
            if (!json_is_object(json_object_get(json_object_get(rep, "items"), items[i])))
                return err_set(e, 422, "commune_report", "the commune's report (Mẫu 03) must assess the four local-origin items before forwarding (missing: %s)", items[i]);
        set_col(db, id, "forwarded_on", today);
    } else if (strcmp(t->action, "reject") == 0) {
        const char *reason = obj_str(in, "reason");
        if (!reason || !*reason)
            return err_set(e, 422, "reason", "name the knock-out condition the dossier meets (the set's \"Hồ sơ bị loại khi\")");
        set_col(db, id, "knockout_reason", reason);
    } else if (strcmp(t->action, "not_recognized") == 0) {
        if (obj_int(d, "stars") >= rubric_certified_stars(rubric_current()))
            return err_set(e, 409, "action", "the council's result is %lld stars: it is decided by a recognition decision (POST /api/v1/decisions)", (long long)obj_int(d, "stars"));
        set_col(db, id, "result", "not_recognized");
    } else if (strcmp(t->action, "send_to_ministry") == 0) {
        /* The stars the Ministry recognises: the bands recognised_at "ministry" (Điều 4.1.b: 5★). */
        const Rubric *law = rubric_current();
        const RubBand *b = rubric_band_of(law, (int)obj_int(d, "stars")), *top = &law->band[0];
        if (!b || !str_eq(b->recognised_at, "ministry"))
            return err_set(e, 409, "action", "only a %d-star result (%.0f points or more, minimums met) goes to the Ministry; this one is %lld stars",
                           top->stars, top->min, (long long)obj_int(d, "stars"));
    } else if (strcmp(t->action, "assign") == 0 || strcmp(t->action, "assign_ministry") == 0) {
        bool bo = strcmp(t->action, "assign_ministry") == 0;
        int64_t round = obj_int(in, "round_id");
        Stmt *s = db_prepare(db, "SELECT province_code, state, forward_by, ends_on FROM rounds WHERE id = ?");
        db_bind_int(s, 1, round);
        int rc = 0;
        if (db_step(s) != DB_ROW) rc = err_set(e, 422, "round_id", "there is no round %lld", (long long)round);
        else if (!str_eq(db_col_text(s, 0), bo ? MINISTRY : obj_str(d, "province_code")))
            rc = err_set(e, 422, "round_id", bo ? "round %lld is not a round of the Ministry (province_code \"bo\")"
                                                : "round %lld belongs to province %s", (long long)round, db_col_text(s, 0));
        else if (!str_eq(db_col_text(s, 1), "open")) rc = err_set(e, 409, "round_id", "round %lld is closed", (long long)round);
        else if (strcmp(today, db_col_text(s, 3)) > 0)
            rc = err_set(e, 409, "round_id", "round %lld ended on %s", (long long)round, db_col_text(s, 3));
        else if (!bo && obj_str(d, "forwarded_on") && strcmp(obj_str(d, "forwarded_on"), db_col_text(s, 2)) > 0)
            rc = err_set(e, 409, "round_id", "round %lld takes dossiers forwarded by %s; this one was forwarded on %s",
                         (long long)round, db_col_text(s, 2), obj_str(d, "forwarded_on"));
        db_done(s);
        if (rc) return rc;
        /* The Ministry's council scores in a new pass: the province's sheets stay as they were. */
        s = db_prepare(db, "UPDATE dossiers SET province_round_id = CASE WHEN ? THEN round_id ELSE province_round_id END, "
                           "ministry_pass = CASE WHEN ?1 THEN scoring_pass + 1 ELSE ministry_pass END, "
                           "round_id = ?, scoring_pass = scoring_pass + ? WHERE id = ?");
        db_bind_int(s, 1, bo);
        db_bind_int(s, 2, round);
        db_bind_int(s, 3, bo ? 1 : 0);
        db_bind_int(s, 4, id);
        db_step(s);
        db_done(s);
    }
    return 0;
}

int dossier_act(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, Err *e) {
    char today[11];
    date_today(today);
    return dossier_act_on(db, a, who, id, in, today, e);
}

int dossier_act_on(Db *db, Arena *a, const Actor *who, int64_t id, json_t *in, const char *today, Err *e) {
    (void)a;
    const char *action = obj_str(in, "action");
    const Transition *t = NULL;
    for (size_t i = 0; action && i < COUNT(transitions); i++)
        if (strcmp(transitions[i].action, action) == 0) t = &transitions[i];
    if (!t)
        return err_set(e, 422, "action", "%s must be one of: submit, receive, return, resubmit, forward, check, reject, assign, not_recognized, send_to_ministry, assign_ministry, withdraw", "action");
    if (db_begin(db, e)) return -1;
    Place p;
    json_t *d = reach(db, who, id, PERM_DOSSIERS_READ, &p, e);
    int rc = d ? 0 : -1;
    const char *state = d ? obj_str(d, "state") : "";
    char from[24];
    snprintf(from, sizeof from, "%s", state ? state : "");
    if (!rc && !in_list(t->from, from))
        rc = err_set(e, 409, "action", "cannot %s a dossier that is %s (from: %s)", t->action, from, t->from);
    if (!rc && !actor_covers_roles(who, t->roles, PERM_DOSSIERS_ACT, &p))
        rc = err_set(e, 403, "action", "your roles may not take the action '%s' on this dossier", t->action);
    if (!rc) rc = apply(db, id, d, t, in, today, e);
    if (!rc) {
        set_col(db, id, "state", t->to);
        char ts[32];
        ts_now(ts);
        set_col(db, id, "updated_at", ts);
        rc = dossier_record_event_on(db, who, id, t->action, from, t->to, obj_str(in, "comment"), today, e);
    }
    json_t *after = rc ? NULL : entity_get(db, &ENTITY_DOSSIERS, id, e);
    if (!rc) {
        char act[48];
        snprintf(act, sizeof act, "dossier.%s", t->action);
        rc = audit_append_json(db, who, act, "dossiers", id, p.province[0] ? p.province : NULL, d, after, e);
    }
    json_decref(d);
    json_decref(after);
    if (!rc && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

int dossier_create_on(Db *db, Arena *a, const Actor *who, json_t *in, const char *day, int64_t *id, Err *e) {
    /* dossier_prepare pins a draft to the sheet in force on its filed_on, or today: the draft
    ** carries day as filed_on while it is inserted, and none once it is (submit sets it). */
    json_t *obj = json_deep_copy(in);
    int rc = entity_check(&ENTITY_DOSSIERS, obj, true, false, e);
    json_object_set_new(obj, "filed_on", json_string(day));
    if (!rc) rc = db_begin(db, e) || entity_insert(db, a, &ENTITY_DOSSIERS, who, obj, id, e);
    if (!rc) set_col(db, *id, "filed_on", NULL);
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db);
    json_decref(obj);
    return rc ? -1 : 0;
}

/* Write JSON text value into column of dossier id, audited; the dossier must be in one of
** states and within who's reach for PERM_DOSSIERS_WRITE by one of roles. */
static int write_part(Db *db, const Actor *who, int64_t id, const char *column, json_t *value, const char *states_ok,
                      unsigned roles, Err *e) {
    if (db_begin(db, e)) return -1;
    Place p;
    json_t *d = reach(db, who, id, PERM_DOSSIERS_READ, &p, e);
    int rc = d ? 0 : -1;
    if (!rc && !in_list(states_ok, obj_str(d, "state")))
        rc = err_set(e, 409, "state", "the dossier is %s: this can be changed only when it is %s", obj_str(d, "state"), states_ok);
    if (!rc && !actor_covers_roles(who, roles, PERM_DOSSIERS_WRITE, &p))
        rc = err_set(e, 403, "", "your roles may not change this part of the dossier");
    if (!rc) {
        char *text = json_dumps(value, JSON_COMPACT);
        set_col(db, id, column, text);
        free(text);
        char ts[32];
        ts_now(ts);
        set_col(db, id, "updated_at", ts);
        json_t *after = entity_get(db, &ENTITY_DOSSIERS, id, e);
        char act[48];
        snprintf(act, sizeof act, "dossier.%s", column);
        rc = audit_append_json(db, who, act, "dossiers", id, p.province[0] ? p.province : NULL, d, after, e);
        json_decref(after);
    }
    json_decref(d);
    if (!rc && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

int dossier_self_assess(Db *db, const Actor *who, int64_t id, json_t *in, Err *e) {
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) if (strcmp(k, "choices") != 0) return err_set(e, 422, k, "unknown field '%s': send {\"choices\": {...}}", k);
    Err ig = ERR_INIT;
    json_t *d = entity_get(db, &ENTITY_DOSSIERS, id, &ig);
    if (!d) return err_set(e, 404, "id", "no dossier with id %lld", (long long)id);
    const RubSet *s = rubric_set(rubric_get(obj_str(d, "rubric_version")), (int)obj_int(d, "set_no"));
    json_decref(d);
    if (!s) return err_set(e, 500, "", "the dossier's score sheet is missing");
    RubResult res;
    if (rubric_evaluate(s, json_object_get(in, "choices"), NULL, &res, e)) return -1;
    json_t *choices = json_object_get(in, "choices");
    json_t *value = json_pack("{s:o, s:i, s:o}", "choices", choices ? json_incref(choices) : json_object(), "set",
                              s->set_no, "result", rubric_result_json(&res));
    rubric_result_free(&res);
    int rc = write_part(db, who, id, "self_assessment", value, "draft returned", PRODUCER | COMMUNE | PROVINCE | ADMIN, e);
    json_decref(value);
    return rc;
}

int dossier_commune_report(Db *db, const Actor *who, int64_t id, json_t *in, Err *e) {
    static const char *const items[] = {"origin", "labour", "idea", "identity"};
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        if (strcmp(k, "items") != 0 && strcmp(k, "comment") != 0)
            return err_set(e, 422, k, "unknown field '%s': send {\"items\": {...}, \"comment\": ...}", k);
    }
    json_t *its = json_object_get(in, "items");
    if (!json_is_object(its))
        return err_set(e, 422, "items", "%s: {\"origin\", \"labour\", \"idea\", \"identity\"}, each {\"met\": true|false, \"note\": ...}", "items");
    json_object_foreach(its, k, v) {
        bool known = false;
        for (size_t i = 0; i < COUNT(items); i++) known |= strcmp(items[i], k) == 0;
        char f[96];
        snprintf(f, sizeof f, "items.%.60s", k);
        if (!known) return err_set(e, 422, f, "unknown item '%s': the four are origin, labour, idea, identity", k);
        if (!json_is_object(v) || !json_is_boolean(json_object_get(v, "met")))
            return err_set(e, 422, f, "%s must be {\"met\": true|false, \"note\": \"...\"}", k);
        json_t *note = json_object_get(v, "note");
        if (note && !json_is_null(note) && (!json_is_string(note) || strlen(json_string_value(note)) > 2000))
            return err_set(e, 422, f, "%s.note must be text of at most 2000 bytes", k);
    }
    json_t *c = json_object_get(in, "comment");
    if (c && !json_is_null(c) && (!json_is_string(c) || strlen(json_string_value(c)) > 4000))
        return err_set(e, 422, "comment", "%s must be text of at most 4000 bytes", "comment");
    char today[11];
    date_today(today);
    json_t *value = json_pack("{s:O, s:O?, s:s, s:s}", "items", its, "comment", c, "assessed_by", who->username,
                              "assessed_on", today);
    int rc = write_part(db, who, id, "commune_report", value, "with_commune", COMMUNE | ADMIN, e);
    json_decref(value);
    return rc;
}

/* ---- evidence ------------------------------------------------------------------------------------ */

static const char *const file_kinds[] = {"registration", "self_assessment", "food_safety", "quality_declaration", "label",
                                         "trademark", "test_report", "photo", "other", NULL};

static json_t *file_record(Db *db, const Actor *who, const char *files_dir, int64_t id, const char *kind,
                           const char *criterion, const char *filename, const char *mime, const void *data, size_t n,
                           int *created, Err *e);

json_t *dossier_file_add(Db *db, const Actor *who, const char *files_dir, int64_t id, const char *kind,
                         const char *criterion, const char *filename, const void *data, size_t n, int *created, Err *e) {
    *created = 0;
    bool known = false;
    for (int i = 0; kind && file_kinds[i]; i++) known |= strcmp(kind, file_kinds[i]) == 0;
    if (!known) {
        err_set(e, 422, "kind", "%s must be one of: registration, self_assessment, food_safety, quality_declaration, label, trademark, test_report, photo, other", "kind");
        return NULL;
    }
    const char *mime = n >= 5 && memcmp(data, "%PDF-", 5) == 0 ? "application/pdf" : files_sniff_image(data, n);
    if (!mime) {
        err_set(e, 415, "body", n ? "evidence must be a PDF, JPEG, PNG or WebP file" : "send the file as the request body");
        return NULL;
    }
    char *name = NULL;
    if (files_clean_name(filename, &name, e)) return NULL;
    json_t *out = file_record(db, who, files_dir, id, kind, criterion, name, mime, data, n, created, e);
    free(name);
    return out;
}

/* dossier_file_add once the kind, the bytes and the name are checked. */
static json_t *file_record(Db *db, const Actor *who, const char *files_dir, int64_t id, const char *kind,
                           const char *criterion, const char *filename, const char *mime, const void *data, size_t n,
                           int *created, Err *e) {
    if (db_begin(db, e)) return NULL;
    Place p;
    json_t *d = reach(db, who, id, PERM_DOSSIERS_READ, &p, e), *out = NULL;
    int rc = d ? 0 : -1;
    if (!rc && !in_list("draft returned with_commune", obj_str(d, "state")))
        rc = err_set(e, 409, "state", "evidence is attached while the dossier is a draft, returned, or with the commune (it is %s)", obj_str(d, "state"));
    if (!rc && !actor_covers(who, PERM_DOSSIERS_WRITE, &p))
        rc = err_set(e, 403, "", "your roles may not add evidence to this dossier");
    if (!rc && criterion) {
        const RubSet *s = rubric_set(rubric_get(obj_str(d, "rubric_version")), (int)obj_int(d, "set_no"));
        bool found = false;
        size_t cn = strlen(criterion);
        for (int i = 0; s && i < s->nleaves && !found; i++)
            found = strcmp(s->leaves[i].code, criterion) == 0 ||
                    (strncmp(s->leaves[i].code, criterion, cn) == 0 && s->leaves[i].code[cn] == '.');
        if (!found) rc = err_set(e, 422, "criterion", "the dossier's sheet (%s, set %lld) has no criterion %s", obj_str(d, "rubric_version"), (long long)obj_int(d, "set_no"), criterion);
    }
    char sha[65];
    if (!rc) rc = files_put(files_dir, data, n, sha, e);
    if (!rc) {
        char ts[32];
        ts_now(ts);
        /* The same bytes again: one file, described as this request says. */
        Stmt *s = db_prepare(db, "SELECT 1 FROM dossier_files WHERE dossier_id = ? AND sha256 = ?");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, sha);
        *created = db_step(s) != DB_ROW;
        db_done(s);
        s = db_prepare(db, "INSERT INTO dossier_files (dossier_id, kind, criterion, sha256, mime, bytes, filename, created_at, created_by) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, sha256) DO UPDATE SET "
                           "kind = excluded.kind, criterion = excluded.criterion, filename = excluded.filename");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, kind);
        db_bind_text(s, 3, criterion);
        db_bind_text(s, 4, sha);
        db_bind_text(s, 5, mime);
        db_bind_int(s, 6, (int64_t)n);
        db_bind_text(s, 7, filename);
        db_bind_text(s, 8, ts);
        db_bind_text(s, 9, who->username);
        if (db_step(s) != DB_DONE) rc = err_set(e, 500, "", "cannot record the file: %s", db_errmsg(db));
        db_done(s);
    }
    if (!rc) {
        out = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:s?}", "sha256", sha, "kind", kind, "criterion", criterion, "mime", mime,
                        "bytes", (json_int_t)n, "filename", filename);
        char url[128];
        snprintf(url, sizeof url, "/api/v1/dossiers/%lld/files/%s", (long long)id, sha);
        json_object_set_new(out, "url", json_string(url));
        rc = audit_append_json(db, who, *created ? "dossier.file.add" : "dossier.file.update", "dossiers", id,
                               p.province[0] ? p.province : NULL, NULL, out, e);
    }
    json_decref(d);
    if (!rc && db_commit(db, e) == 0) return out;
    db_rollback(db);
    json_decref(out);
    return NULL;
}

int dossier_file_remove(Db *db, const Actor *who, int64_t id, const char *sha, Err *e) {
    if (db_begin(db, e)) return -1;
    Place p;
    json_t *d = reach(db, who, id, PERM_DOSSIERS_READ, &p, e);
    int rc = d ? 0 : -1;
    if (!rc && !in_list("draft returned with_commune", obj_str(d, "state")))
        rc = err_set(e, 409, "state", "evidence is removed while the dossier is a draft, returned, or with the commune (it is %s)", obj_str(d, "state"));
    if (!rc && !actor_covers(who, PERM_DOSSIERS_WRITE, &p))
        rc = err_set(e, 403, "", "your roles may not remove evidence from this dossier");
    if (!rc) {
        Stmt *s = db_prepare(db, "DELETE FROM dossier_files WHERE dossier_id = ? AND sha256 = ?");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, sha);
        db_step(s);
        int n = db_changes(db);
        db_done(s);
        if (!n) rc = err_set(e, 404, "sha256", "dossier %lld has no file %s", (long long)id, sha);
    }
    if (!rc) {
        json_t *gone = json_pack("{s:s}", "sha256", sha);
        rc = audit_append_json(db, who, "dossier.file.delete", "dossiers", id, p.province[0] ? p.province : NULL, gone, NULL, e);
        json_decref(gone);
    }
    json_decref(d);
    if (!rc && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

json_t *dossier_files(Db *db, int64_t id) {
    Stmt *s = db_prepare(db, "SELECT kind, criterion, sha256, mime, bytes, filename, created_at, created_by FROM dossier_files "
                             "WHERE dossier_id = ? ORDER BY id");
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) {
        char url[128];
        snprintf(url, sizeof url, "/api/v1/dossiers/%lld/files/%s", (long long)id, db_col_text(s, 2));
        json_array_append_new(arr, json_pack("{s:s, s:s?, s:s, s:s, s:I, s:s?, s:s, s:s, s:s}", "kind", db_col_text(s, 0),
                                             "criterion", db_col_text(s, 1), "sha256", db_col_text(s, 2), "mime",
                                             db_col_text(s, 3), "bytes", (json_int_t)db_col_int(s, 4), "filename",
                                             db_col_text(s, 5), "created_at", db_col_text(s, 6), "created_by",
                                             db_col_text(s, 7), "url", url));
    }
    db_done(s);
    return arr;
}

char *dossier_file_mime(Db *db, int64_t id, const char *sha) {
    Stmt *s = db_prepare(db, "SELECT mime FROM dossier_files WHERE dossier_id = ? AND sha256 = ?");
    db_bind_int(s, 1, id);
    db_bind_text(s, 2, sha);
    char *mime = db_step(s) == DB_ROW ? xstrdup(db_col_text(s, 0)) : NULL;
    db_done(s);
    return mime;
}

json_t *dossier_events(Db *db, int64_t id) {
    Stmt *s = db_prepare(db, "SELECT at, username, action, from_state, to_state, comment FROM dossier_events "
                             "WHERE dossier_id = ? ORDER BY id");
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "at", db_col_text(s, 0), "user",
                                             db_col_text(s, 1), "action", db_col_text(s, 2), "from", db_col_text(s, 3),
                                             "to", db_col_text(s, 4), "comment", db_col_text(s, 5)));
    db_done(s);
    return arr;
}
