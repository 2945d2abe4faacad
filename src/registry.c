/*
** registry.c: the five registry records as data (fields, filters) and their OCOP rules as
** hooks: producers (chủ thể), products with their official codes, recognitions (the star
** history), craft villages and points of sale. The generic machinery is in entity.c.
*/
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decision.h"
#include "dossier.h"
#include "entity.h"
#include "files.h"
#include "refdata.h"
#include "registry.h"
#include "rubric.h"
#include "search.h"
#include "text.h"
#include "unit.h"
#include "util.h"

#define STAMPS                                                                                    \
    {.name = "created_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày tạo", .en = "Created"}, \
    {.name = "updated_at", .type = FT_STAMP, .flags = FF_SORT | FF_NOEXPORT, .vi = "Ngày cập nhật", .en = "Updated"}
#define NAME_KEYS                                                                                 \
    {.name = "name_key", .type = FT_TEXT, .flags = FF_INTERNAL},                                   \
    {.name = "name_fold", .type = FT_TEXT, .flags = FF_INTERNAL}
#define IN_PROVINCE "commune_code IN (SELECT code FROM units WHERE geo = '2025' AND level = 'commune' AND parent_code = ?)"

/* ---- enumerations ----------------------------------------------------------------------- */

static const EnumVal producer_types[] = {
    {"cooperative", "Hợp tác xã", "Cooperative"},
    {"cooperative_group", "Tổ hợp tác", "Cooperative group"},
    {"llc", "Công ty TNHH", "Limited liability company"},
    {"private_enterprise", "Doanh nghiệp tư nhân", "Private enterprise"},
    {"joint_stock", "Công ty cổ phần", "Joint-stock company"},
    {"farm", "Trang trại", "Farm"},
    {"household", "Hộ sản xuất, kinh doanh có đăng ký", "Registered household business"},
    {"association", "Hội, hiệp hội", "Association"},
    {NULL, NULL, NULL},
};

static const EnumVal genders[] = {
    {"male", "Nam", "Male"},
    {"female", "Nữ", "Female"},
    {NULL, NULL, NULL},
};

static const EnumVal channels[] = {
    {"supermarket", "Siêu thị", "Supermarket"},
    {"convenience", "Cửa hàng tiện lợi", "Convenience store"},
    {"ecommerce", "Sàn thương mại điện tử", "E-commerce platform"},
    {"website", "Website riêng", "Own website"},
    {"facebook", "Facebook", "Facebook"},
    {"zalo", "Zalo", "Zalo"},
    {"export", "Xuất khẩu", "Export"},
    {NULL, NULL, NULL},
};

static const EnumVal sheet_versions[] = {
    {"26-2026", "QĐ 26/2026/QĐ-TTg", "Decision 26/2026/QD-TTg"},
    {"148-2023", "QĐ 148/QĐ-TTg (2023)", "Decision 148/QD-TTg (2023)"},
    {NULL, NULL, NULL},
};

static const EnumVal levels[] = {
    {"district", "Cấp huyện", "District"},
    {"province", "Cấp tỉnh", "Province"},
    {"ministry", "Cấp quốc gia (Bộ)", "National (Ministry)"},
    {NULL, NULL, NULL},
};

static const EnumVal ended_kinds[] = {
    {"revoked", "Thu hồi", "Revoked"},
    {"superseded", "Thay thế", "Superseded"},
    {NULL, NULL, NULL},
};

static const EnumVal rec_states[] = {
    {"valid", "Còn hiệu lực", "Valid"},
    {"expired", "Hết hạn", "Expired"},
    {"revoked", "Thu hồi", "Revoked"},
    {"superseded", "Thay thế", "Superseded"},
    {"not_certified", "Không cấp giấy chứng nhận", "Not certified"},
    {NULL, NULL, NULL},
};

static const EnumVal point_kinds[] = {
    {"center", "Trung tâm giới thiệu và bán sản phẩm OCOP", "OCOP centre"},
    {"point", "Điểm giới thiệu và bán sản phẩm OCOP", "OCOP point of sale"},
    {"store", "Cửa hàng", "Store"},
    {"booth", "Gian hàng", "Booth"},
    {"online", "Gian hàng trực tuyến", "Online shop"},
    {NULL, NULL, NULL},
};

/* ---- shared helpers ------------------------------------------------------------------------ */

/* name_key and name_fold from name. */
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

/* Validate the 2025 commune in field `field` (and the optional pre-2025 one in `old_field`).
** A pre-2025 code given as the commune is accepted when it maps to exactly one new commune. */
static int check_communes(Db *db, json_t *obj, const char *field, const char *old_field, Err *e) {
    const char *code = obj_str(obj, field);
    const char *old = old_field ? obj_str(obj, old_field) : NULL;
    if (old && !unit_is_commune_pre2025(db, old))
        return err_set(e, 422, old_field, "%s: no commune with code '%s' in the pre-2025 list of units", old_field, old);
    if (!code && old) {
        char now[8];
        if (!unit_new_commune_of_old(db, old, now))
            return err_set(e, 422, field, "%s is required: pre-2025 commune %s went to several communes in 2025, "
                           "so say which one", field, old);
        json_object_set_new(obj, field, json_string(now));
        return 0;
    }
    if (!code) return 0;
    char canon[8];
    if (unit_is_commune_2025(db, code, canon)) {
        /* the two codes must be one place: the old commune went into the new one */
        if (old && !unit_commune_became(db, old, canon)) {
            char went[8];
            return unit_new_commune_of_old(db, old, went)
                       ? err_set(e, 422, old_field, "%s: pre-2025 commune %s went into commune %s on 1 July 2025, not into %s",
                                 old_field, old, went, canon)
                       : err_set(e, 422, old_field, "%s: pre-2025 commune %s did not become part of commune %s on 1 July 2025",
                                 old_field, old, canon);
        }
        if (strcmp(canon, code) != 0) json_object_set_new(obj, field, json_string(canon));
        return 0;
    }
    if (old_field && unit_is_commune_pre2025(db, code)) {
        char now[8];
        if (!unit_new_commune_of_old(db, code, now))
            return err_set(e, 422, field, "%s: %s is a pre-2025 commune that was split among several 2025 communes; "
                           "give the 2025 commune code (and the old one as %s)", field, code, old_field);
        if (!old) json_object_set_new(obj, old_field, json_string(code));
        json_object_set_new(obj, field, json_string(now));
        return 0;
    }
    return err_set(e, 422, field, "%s: no commune with code '%s' (communes have 5-digit codes of QĐ 19/2025/QĐ-TTg)",
                   field, code);
}

/* {"code","name","province_code","province_name"} for a 2025 commune, today. */
static json_t *commune_json(Db *db, const char *code) {
    if (!code) return json_null();
    Stmt *s = db_prepare(db,
        "SELECT c.type, c.name, p.code, p.type, p.name FROM units c "
        "LEFT JOIN units p ON p.geo = '2025' AND p.code = c.parent_code AND p.valid_to IS NULL "
        "WHERE c.geo = '2025' AND c.code = ? AND c.valid_to IS NULL");
    db_bind_text(s, 1, code);
    json_t *o = json_object();
    json_object_set_new(o, "code", json_string(code));
    if (db_step(s) == DB_ROW) {
        Buf b = BUF_INIT;
        const char *type = db_col_text(s, 0);
        buf_printf(&b, "%c%s %s", toupper((unsigned char)type[0]), type + 1, db_col_text(s, 1));
        json_object_set_new(o, "name", json_string(buf_str(&b)));
        json_object_set_new(o, "province_code", json_string(db_col_text(s, 2)));
        buf_reset(&b);
        const char *pt = db_col_text(s, 3);
        if (pt) buf_printf(&b, "%c%s %s", toupper((unsigned char)pt[0]), pt + 1, db_col_text(s, 4));
        json_object_set_new(o, "province_name", json_string(buf_str(&b)));
        buf_free(&b);
    }
    db_done(s);
    return o;
}

/* A recognition's state on date today: not_certified (1-2 stars), revoked/superseded once
** ended, expired from expires_on (the certificate is valid through the day before), else valid. */
static const char *recognition_state(int64_t stars, const char *ended, const char *ended_on, const char *expires_on,
                                     const char *today) {
    if (stars < rubric_certified_stars(rubric_current())) return "not_certified";
    if (ended && ended_on && strcmp(ended_on, today) <= 0) return ended;
    if (expires_on && strcmp(expires_on, today) <= 0) return "expired";
    return "valid";
}

/* ---- craft villages -------------------------------------------------------------------------- */

static int village_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    set_name_keys(obj);
    if (obj_int(obj, "households") < 0) return err_set(e, 422, "households", "%s cannot be negative", "households");
    return check_communes(db, obj, "commune_code", NULL, e);
}

static void village_decorate(Db *db, json_t *obj, int64_t id) {
    json_object_set_new(obj, "commune", commune_json(db, obj_str(obj, "commune_code")));
}

static int64_t village_dup(Db *db, json_t *obj, const char **why) {
    Stmt *s = db_prepare(db, "SELECT id FROM villages WHERE commune_code = ? AND name_key = ?");
    db_bind_text(s, 1, obj_str(obj, "commune_code"));
    db_bind_text(s, 2, obj_str(obj, "name_key"));
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a craft village with the same name in the same commune");
    return id;
}

static const Field village_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 200, .vi = "Tên làng nghề", .en = "Village name"},
    NAME_KEYS,
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .maxlen = 5, .vi = "Mã xã", .en = "Commune code", .help = "5-digit commune code (QĐ 19/2025)"},
    {.name = "traditional", .type = FT_BOOL, .flags = FF_FILTER, .vi = "Làng nghề truyền thống", .en = "Traditional"},
    {.name = "crafts", .type = FT_TEXT, .maxlen = 500, .vi = "Ngành nghề", .en = "Crafts"},
    {.name = "decision_no", .type = FT_TEXT, .maxlen = 100, .vi = "Số quyết định công nhận", .en = "Recognition decision"},
    {.name = "recognized_on", .type = FT_DATE, .flags = FF_SORT, .vi = "Ngày công nhận", .en = "Recognised on"},
    {.name = "households", .type = FT_INT, .min = 0, .max = 1000000, .vi = "Số hộ", .en = "Households"},
    {.name = "note", .type = FT_TEXT, .maxlen = 2000, .vi = "Ghi chú", .en = "Note"},
    STAMPS,
    {0},
};

static const Filter village_filters[] = {
    {.name = "province", .sql = IN_PROVINCE, .type = FT_TEXT},
    {0},
};

const Entity ENTITY_VILLAGES = {
    .name = "villages", .singular = N_("village"), .table = "villages", .label_vi = "Làng nghề",
    .fields = village_fields, .filters = village_filters, .default_sort = "name",
    .prepare = village_prepare, .search_kind = "village",
    .decorate = village_decorate, .find_duplicate = village_dup,
    .perm_create = PERM_VILLAGES_WRITE, .perm_update = PERM_VILLAGES_WRITE, .perm_delete = PERM_VILLAGES_WRITE,
};

/* ---- producers ------------------------------------------------------------------------------- */

bool producer_is_organisation(const char *type) {
    return type && !str_eq(type, "household") && !str_eq(type, "farm");
}

static int producer_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    set_name_keys(obj);
    if (!producer_is_organisation(obj_str(obj, "type"))) {
        static const char *const contact[] = {"contact_phone", "contact_email"};
        for (size_t i = 0; i < COUNT(contact); i++)
            if (obj_str(obj, contact[i]))
                return err_set(e, 422, contact[i],
                               "%s is an organisation's published contact: a household business's or a farm's is "
                               "its owner's personal data, kept in phone and email",
                               contact[i]);
    }
    const char *reg = obj_str(obj, "reg_no");
    if (reg) {
        /* Registration numbers are compared without spaces. */
        char *clean = xstrdup(reg), *w = clean;
        for (const char *p = reg; *p; p++)
            if (*p != ' ' && *p != '.') *w++ = *p;
        *w = 0;
        json_object_set_new(obj, "reg_no", *clean ? json_string(clean) : json_null());
        free(clean);
    }
    const char *tax = obj_str(obj, "tax_code");
    if (tax) {
        size_t n = strlen(tax), digits = 0;
        for (size_t i = 0; i < n; i++)
            if (isdigit((unsigned char)tax[i])) digits++;
            else if (tax[i] != '-') return err_set(e, 422, "tax_code", "%s must be 10 digits, or 10-3 digits for a branch (got '%s')", "tax_code", tax);
        if (digits != 10 && digits != 13) return err_set(e, 422, "tax_code", "%s must be 10 digits, or 10-3 digits for a branch (got '%s')", "tax_code", tax);
    }
    const char *vname = obj_str(obj, "village_name");
    if (vname && !obj_int(obj, "village_id")) {
        char *key = text_key(vname, strlen(vname));
        Stmt *s = db_prepare(db, "SELECT id FROM villages WHERE name_key = ? ORDER BY id");
        db_bind_text(s, 1, key);
        int64_t vid = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        free(key);
        if (!vid) return err_set(e, 422, "village_name", "%s: no craft village called '%s' (import villages first)", "village_name", vname);
        json_object_set_new(obj, "village_id", json_integer(vid));
    }
    json_object_del(obj, "village_name");
    if (!json_object_get(obj, "channels") || json_is_null(json_object_get(obj, "channels")))
        json_object_set_new(obj, "channels", json_array());
    if (!obj_str(obj, "commune_code") && !obj_str(obj, "commune_code_old"))
        return err_set(e, 422, "commune_code", "%s is required (or commune_code_old, a pre-2025 commune)", "commune_code");
    if (check_communes(db, obj, "commune_code", "commune_code_old", e)) return -1;
    if (id > 0) {
        /* The producer's accounts follow it to its (new) province: what officers see. */
        Place p = {0};
        snprintf(p.commune, sizeof p.commune, "%s", obj_str(obj, "commune_code") ? obj_str(obj, "commune_code") : "");
        place_resolve(db, &p);
        char scope[24];
        snprintf(scope, sizeof scope, "%lld", (long long)id);
        Stmt *s = db_prepare(db, "UPDATE user_roles SET province = ? WHERE role = 'producer' AND scope = ?");
        db_bind_text(s, 1, p.province);
        db_bind_text(s, 2, scope);
        db_step(s);
        db_done(s);
    }
    return 0;
}

static int producer_delete(Db *db, int64_t id, Err *e) {
    int64_t n = 0;
    Stmt *s = db_prepare(db, "SELECT count(*) FROM products WHERE producer_id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) == DB_ROW) n = db_col_int(s, 0);
    db_done(s);
    if (n) return err_set(e, 409, "id", "producer %lld has %lld product(s); delete or move them first", (long long)id, (long long)n);
    return 0;
}

static void producer_decorate(Db *db, json_t *obj, int64_t id) {
    json_object_set_new(obj, "commune", commune_json(db, obj_str(obj, "commune_code")));
    int64_t vid = obj_int(obj, "village_id");
    if (vid) {
        Stmt *s = db_prepare(db, "SELECT name FROM villages WHERE id = ?");
        db_bind_int(s, 1, vid);
        if (db_step(s) == DB_ROW) json_object_set_new(obj, "village_name", json_string(db_col_text(s, 0)));
        db_done(s);
    }
    Stmt *s = db_prepare(db, "SELECT count(*) FROM products WHERE producer_id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) == DB_ROW) json_object_set_new(obj, "products_count", json_integer(db_col_int(s, 0)));
    db_done(s);
}

static int64_t producer_dup(Db *db, json_t *obj, const char **why) {
    int64_t id = 0;
    const char *reg = obj_str(obj, "reg_no");
    if (reg) {
        Stmt *s = db_prepare(db, "SELECT id FROM producers WHERE reg_no = ?");
        db_bind_text(s, 1, reg);
        id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        *why = N_("a producer with the same business registration number");
        return id;
    }
    Stmt *s = db_prepare(db, "SELECT id FROM producers WHERE commune_code = ? AND name_key = ? AND reg_no IS NULL");
    db_bind_text(s, 1, obj_str(obj, "commune_code"));
    db_bind_text(s, 2, obj_str(obj, "name_key"));
    id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a producer with the same name in the same commune (and no registration number)");
    return id;
}

/* The legal representative (name, gender, ethnic minority, disability) and the producer's
** phone and e-mail are personal data (Decree 13/2023/NĐ-CP; ethnic origin and health are
** sensitive): FF_PERSONAL keeps them from anonymous and producer-facing outputs. */
static const Field producer_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "type", .type = FT_ENUM, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .enums = producer_types, .vi = "Loại hình", .en = "Type"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 300, .vi = "Tên chủ thể", .en = "Producer name"},
    NAME_KEYS,
    {.name = "reg_no", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 50, .vi = "Số đăng ký kinh doanh", .en = "Business registration number"},
    {.name = "tax_code", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 20, .vi = "Mã số thuế", .en = "Tax code"},
    {.name = "rep_name", .type = FT_TEXT, .flags = FF_PERSONAL, .maxlen = 200, .vi = "Người đại diện", .en = "Legal representative"},
    {.name = "rep_gender", .type = FT_ENUM, .flags = FF_FILTER | FF_PERSONAL, .enums = genders, .vi = "Giới tính người đại diện", .en = "Representative gender"},
    {.name = "rep_ethnic_minority", .type = FT_BOOL, .flags = FF_FILTER | FF_PERSONAL, .vi = "Người đại diện là người dân tộc thiểu số", .en = "Representative is ethnic minority"},
    {.name = "rep_disability", .type = FT_BOOL, .flags = FF_FILTER | FF_PERSONAL, .vi = "Người đại diện là người khuyết tật", .en = "Representative has a disability"},
    {.name = "address", .type = FT_TEXT, .maxlen = 500, .vi = "Địa chỉ", .en = "Address"},
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_FILTER | FF_SORT, .maxlen = 5, .vi = "Mã xã", .en = "Commune code", .help = "required unless commune_code_old maps to one 2025 commune"},
    {.name = "commune_code_old", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 5, .vi = "Mã xã cũ (trước 2025)", .en = "Commune code before 2025"},
    {.name = "phone", .type = FT_TEXT, .flags = FF_PHONE | FF_PERSONAL, .maxlen = 30, .vi = "Điện thoại", .en = "Phone"},
    {.name = "email", .type = FT_TEXT, .flags = FF_EMAIL | FF_PERSONAL, .maxlen = 200, .vi = "Email", .en = "Email"},
    {.name = "contact_phone", .type = FT_TEXT, .flags = FF_PHONE, .maxlen = 30, .vi = "Điện thoại liên hệ công khai của tổ chức",
     .en = "Organisation's public phone", .help = "published by a cooperative, company or association; shown on its public page"},
    {.name = "contact_email", .type = FT_TEXT, .flags = FF_EMAIL, .maxlen = 200, .vi = "Email liên hệ công khai của tổ chức",
     .en = "Organisation's public e-mail", .help = "published by a cooperative, company or association; shown on its public page"},
    {.name = "website", .type = FT_TEXT, .flags = FF_URL, .maxlen = 300, .vi = "Website", .en = "Website"},
    {.name = "channels", .type = FT_SET, .flags = FF_FILTER, .enums = channels, .vi = "Kênh bán hàng", .en = "Sales channels"},
    {.name = "village_id", .type = FT_REF, .flags = FF_FILTER | FF_NOEXPORT, .ref = "villages", .vi = "Mã làng nghề", .en = "Craft village id"},
    {.name = "village_name", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_IMPORT_KEY, .maxlen = 200, .vi = "Làng nghề", .en = "Craft village"},
    {.name = "green_chain", .type = FT_BOOL, .flags = FF_FILTER, .vi = "Tham gia chuỗi giá trị xanh, tuần hoàn",
     .en = "In a green or circular value chain"},
    {.name = "raw_area_ha", .type = FT_REAL, .min = 0, .max = 1000000, .vi = "Diện tích vùng nguyên liệu ổn định (ha)",
     .en = "Stable raw-material area (ha)"},
    STAMPS,
    {0},
};

static const Filter producer_filters[] = {
    {.name = "province", .sql = IN_PROVINCE, .type = FT_TEXT},
    {0},
};

const Entity ENTITY_PRODUCERS = {
    .name = "producers", .singular = N_("producer"), .table = "producers", .label_vi = "Chủ thể",
    .fields = producer_fields, .filters = producer_filters, .default_sort = "name",
    .prepare = producer_prepare, .search_kind = "producer", .before_delete = producer_delete,
    .decorate = producer_decorate, .find_duplicate = producer_dup,
    .perm_create = PERM_PRODUCERS_CREATE, .perm_update = PERM_PRODUCERS_UPDATE, .perm_delete = PERM_PRODUCERS_DELETE,
    .is_producer = true,
};

/* ---- products ---------------------------------------------------------------------------------- */

/* GS1 check digit over GTIN-8/12/13/14. */
static bool gtin_valid(const char *s) {
    size_t n = strlen(s);
    if (n != 8 && n != 12 && n != 13 && n != 14) return false;
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return false;
        if (i == n - 1) break;
        int d = s[i] - '0';
        sum += ((n - 1 - i) % 2 == 1) ? d * 3 : d;
    }
    return (10 - sum % 10) % 10 == s[n - 1] - '0';
}

/* Parse "(T)-(X)-(STT)-(Year)": 2-digit province, 5-digit commune, serial, 4-digit year. */
static bool parse_product_code(const char *code, int64_t *serial, int64_t *year) {
    int t, x, n1, n2, n3, n4, end = 0;
    unsigned stt, y;
    if (sscanf(code, "%2d%n-%5d%n-%5u%n-%4u%n", &t, &n1, &x, &n2, &stt, &n3, &y, &n4) != 4) return false;
    end = n4;
    if (code[end] || n1 != 2 || n2 != 8 || n3 - n2 < 2 || n4 - n3 != 5) return false;
    if (y < 2000 || y > 2999 || stt == 0) return false;
    *serial = stt;
    *year = y;
    return true;
}

/* Does code start with "(T)-(X)-" for commune X in province T (directly, or through a
** pre-2025 district)? */
static bool code_matches_commune(Db *db, const char *code, const char *commune) {
    if (!commune || strlen(code) < 9 || strncmp(code + 3, commune, 5) != 0) return false;
    char t[3] = {code[0], code[1], 0};
    /* The commune's parent is the province (2025), or a district of it (before 2025). */
    Stmt *s = db_prepare(db, "SELECT 1 FROM units WHERE code = ? AND level = 'commune' AND parent_code = ?");
    db_bind_text(s, 1, commune);
    db_bind_text(s, 2, t);
    bool ok = db_step(s) == DB_ROW;
    db_done(s);
    if (ok) return true;
    s = db_prepare(db, "SELECT 1 FROM units c JOIN units d ON d.code = c.parent_code AND d.level = 'district' "
                       "WHERE c.code = ? AND c.level = 'commune' AND d.parent_code = ?");
    db_bind_text(s, 1, commune);
    db_bind_text(s, 2, t);
    ok = db_step(s) == DB_ROW;
    db_done(s);
    return ok;
}

static int64_t lookup_producer(Db *db, json_t *obj, Err *e) {
    const char *reg = obj_str(obj, "producer_reg_no"), *name = obj_str(obj, "producer_name");
    if (reg) {
        Stmt *s = db_prepare(db, "SELECT id FROM producers WHERE reg_no = ?");
        char *clean = xstrdup(reg), *w = clean;
        for (const char *p = reg; *p; p++)
            if (*p != ' ' && *p != '.') *w++ = *p;
        *w = 0;
        db_bind_text(s, 1, clean);
        int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        free(clean);
        if (!id) err_set(e, 422, "producer_reg_no", "%s: no producer with registration number '%s'", "producer_reg_no", reg);
        return id;
    }
    if (name) {
        char *key = text_key(name, strlen(name));
        Stmt *s = db_prepare(db, "SELECT id FROM producers WHERE name_key = ? ORDER BY id LIMIT 2");
        db_bind_text(s, 1, key);
        int64_t id = 0, n = 0;
        while (db_step(s) == DB_ROW) {
            if (!n) id = db_col_int(s, 0);
            n++;
        }
        db_done(s);
        free(key);
        if (!n) err_set(e, 422, "producer_name", "%s: no producer called '%s' (import producers first)", "producer_name", name);
        else if (n > 1) {
            err_set(e, 422, "producer_name", "%s: several producers are called '%s'; give producer_reg_no", "producer_name", name);
            id = 0;
        }
        return id;
    }
    err_set(e, 422, "producer_id", "%s is required (or producer_reg_no / producer_name in an import)", "producer_id");
    return 0;
}

static int product_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    set_name_keys(obj);
    if (!obj_int(obj, "producer_id")) {
        int64_t pid = lookup_producer(db, obj, e);
        if (!pid) return -1;
        json_object_set_new(obj, "producer_id", json_integer(pid));
    }
    json_object_del(obj, "producer_reg_no");
    json_object_del(obj, "producer_name");
    if (!obj_str(obj, "rubric_version")) json_object_set_new(obj, "rubric_version", json_string("26-2026"));
    /* The product set must exist in the classification of the rubric version. */
    Stmt *s = db_prepare(db, "SELECT 1 FROM product_sets WHERE version = ? AND set_no = ?");
    db_bind_text(s, 1, obj_str(obj, "rubric_version"));
    db_bind_int(s, 2, obj_int(obj, "set_no"));
    int found = db_step(s) == DB_ROW;
    db_done(s);
    if (!found)
        return err_set(e, 422, "set_no", "%s: there is no product set %lld in the classification of %s (sets are 1 to 26)", "set_no",
                       (long long)obj_int(obj, "set_no"), obj_str(obj, "rubric_version"));
    /* Commune of origin defaults to the producer's. */
    if (!obj_str(obj, "commune_code") && !obj_str(obj, "commune_code_old")) {
        s = db_prepare(db, "SELECT commune_code, commune_code_old FROM producers WHERE id = ?");
        db_bind_int(s, 1, obj_int(obj, "producer_id"));
        if (db_step(s) == DB_ROW) {
            json_object_set_new(obj, "commune_code", json_string(db_col_text(s, 0)));
            if (!db_col_null(s, 1)) json_object_set_new(obj, "commune_code_old", json_string(db_col_text(s, 1)));
        }
        db_done(s);
        if (!obj_str(obj, "commune_code"))
            return err_set(e, 422, "producer_id", "%s: there is no producer %lld", "producer_id", (long long)obj_int(obj, "producer_id"));
    }
    if (check_communes(db, obj, "commune_code", "commune_code_old", e)) return -1;
    const char *gtin = obj_str(obj, "gtin");
    if (gtin && !gtin_valid(gtin))
        return err_set(e, 422, "gtin", "%s '%s' is not a valid GTIN-8/12/13/14 (wrong length or check digit)", "gtin", gtin);
    /* Official code: keep a given one (format-checked), else number it in its commune. */
    const char *code = obj_str(obj, "code");
    int64_t serial, year;
    if (!code && id) {
        /* An update that leaves the code out keeps the official code already issued. */
        s = db_prepare(db, "SELECT code FROM products WHERE id = ?");
        db_bind_int(s, 1, id);
        if (db_step(s) == DB_ROW && !db_col_null(s, 0)) json_object_set_new(obj, "code", json_string(db_col_text(s, 0)));
        db_done(s);
        code = obj_str(obj, "code");
    }
    if (code) {
        if (!parse_product_code(code, &serial, &year))
            return err_set(e, 422, "code", "%s '%s' is not of the form (T)-(X)-(STT)-(Năm), e.g. 86-29887-001-2025", "code", code);
        /* (T)-(X) must be the product's commune and its province, in the 2025 geography or,
        ** for codes issued before 2025-07-01, the pre-2025 one. */
        if (!code_matches_commune(db, code, obj_str(obj, "commune_code")) &&
            !code_matches_commune(db, code, obj_str(obj, "commune_code_old")))
            return err_set(e, 422, "code", "%s '%s' does not belong to the product's commune %s: it must start "
                           "with the province and commune codes, e.g. 86-28903-", "code", code, obj_str(obj, "commune_code"));
        char canon[48];
        snprintf(canon, sizeof canon, "%.2s-%.5s-%03lld-%lld", code, code + 3, (long long)serial, (long long)year);
        json_object_set_new(obj, "code", json_string(canon));
        json_object_set_new(obj, "code_serial", json_integer(serial));
        json_object_set_new(obj, "code_year", json_integer(year));
    } else {
        char today[11];
        date_today(today);
        year = obj_int(obj, "code_year") ? obj_int(obj, "code_year") : atoi(today);
        const char *commune = obj_str(obj, "commune_code");
        char *province = NULL;
        s = db_prepare(db, "SELECT parent_code FROM units WHERE geo = '2025' AND code = ? ORDER BY valid_from DESC LIMIT 1");
        db_bind_text(s, 1, commune);
        if (db_step(s) == DB_ROW) province = xstrdup(db_col_text(s, 0));
        db_done(s);
        /* the next number of the commune: after its products' and after every code already issued
        ** under the same (T)-(X)- (a code of the old map whose province and commune codes are this
        ** commune's: numbering from the commune's products alone could issue it twice) */
        char lo[24], hi[24];
        snprintf(lo, sizeof lo, "%s-%s-", province ? province : "00", commune);
        snprintf(hi, sizeof hi, "%s-%s.", province ? province : "00", commune); /* '.' follows '-' */
        s = db_prepare(db, "SELECT max(coalesce((SELECT max(code_serial) FROM products WHERE commune_code = ?1), 0), "
                           "coalesce((SELECT max(code_serial) FROM products WHERE code >= ?2 AND code < ?3), 0)) + 1");
        db_bind_text(s, 1, commune);
        db_bind_text(s, 2, lo);
        db_bind_text(s, 3, hi);
        serial = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
        db_done(s);
        char buf[48];
        snprintf(buf, sizeof buf, "%s-%s-%03lld-%lld", province ? province : "00", commune, (long long)serial, (long long)year);
        free(province);
        json_object_set_new(obj, "code", json_string(buf));
        json_object_set_new(obj, "code_serial", json_integer(serial));
        json_object_set_new(obj, "code_year", json_integer(year));
    }
    return 0;
}

static int product_delete(Db *db, int64_t id, Err *e) {
    Stmt *s = db_prepare(db, "SELECT count(*) FROM recognitions WHERE product_id = ?");
    db_bind_int(s, 1, id);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (n) return err_set(e, 409, "id", "product %lld has %lld recognition(s) on record; they cannot be deleted with it", (long long)id, (long long)n);
    return 0;
}

/* Output of a product, written as JSON text straight from three statements that need no sort
** (see sql/005): the product with its producer, set, commune and province; its recognitions
** (history, oldest first; the current one is the most recent decision valid today); its photos. The single-product GET
** is the API's hottest path, and this is also the one definition of a product's output
** (entity_get parses it). */
static void put_text(Buf *b, const char *key, const char *v) { buf_printf(b, ",\"%s\":%j", key, v); }

static void put_int_or_null(Buf *b, const char *key, Stmt *s, int col) {
    if (db_col_null(s, col)) buf_printf(b, ",\"%s\":null", key);
    else buf_printf(b, ",\"%s\":%lld", key, (long long)db_col_int(s, col));
}

/* "Xã Mỏ Cày" from type "xã" and name "Mỏ Cày", appended to b (nothing when either is NULL). */
static void full_name(Buf *b, const char *type, const char *name) {
    if (type && name) buf_printf(b, "%c%s %s", toupper((unsigned char)type[0]), type + 1, name);
}

static void put_full_name(Buf *b, const char *key, const char *type, const char *name) {
    Buf t = BUF_INIT;
    full_name(&t, type, name);
    put_text(b, key, buf_str(&t));
    buf_free(&t);
}

typedef enum { PHOTOS_OF_PRODUCT, PHOTO_BY_ID } PhotosOf;
static void photos_render(Db *db, PhotosOf of, int64_t id, Buf *b);

static bool product_render(Db *db, int64_t id, Buf *b) {
    Stmt *s = db_prepare(db,
        "SELECT p.id, p.code, p.name, p.rubric_version, p.set_no, p.producer_id, p.commune_code, p.commune_code_old, "
        "p.code_year, p.description, p.trademark_no, p.gi, p.mark, p.gtin, p.created_at, p.updated_at, "
        "pr.name, pr.reg_no, ps.name, c.type, c.name, pv.code, pv.type, pv.name, ps.grp_name, ps.nhom_name FROM products p "
        "JOIN producers pr ON pr.id = p.producer_id "
        "LEFT JOIN product_sets ps ON ps.version = p.rubric_version AND ps.set_no = p.set_no "
        "LEFT JOIN units c ON c.code = p.commune_code AND c.geo = '2025' AND c.level = 'commune' AND c.valid_to IS NULL "
        "LEFT JOIN units pv ON pv.code = c.parent_code AND pv.geo = '2025' AND pv.valid_to IS NULL "
        "WHERE p.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return false;
    }
    buf_printf(b, "{\"id\":%lld", (long long)db_col_int(s, 0));
    put_text(b, "code", db_col_text(s, 1));
    put_text(b, "name", db_col_text(s, 2));
    put_text(b, "rubric_version", db_col_text(s, 3));
    put_int_or_null(b, "set_no", s, 4);
    put_int_or_null(b, "producer_id", s, 5);
    put_text(b, "commune_code", db_col_text(s, 6));
    put_text(b, "commune_code_old", db_col_text(s, 7));
    put_int_or_null(b, "code_year", s, 8);
    static const char *const texts[] = {"description", "trademark_no", "gi", "mark", "gtin", "created_at", "updated_at"};
    for (int i = 0; i < 7; i++) put_text(b, texts[i], db_col_text(s, 9 + i));
    put_text(b, "producer_name", db_col_text(s, 16));
    put_text(b, "producer_reg_no", db_col_text(s, 17));
    if (!db_col_null(s, 18)) put_text(b, "set_name", db_col_text(s, 18));
    /* the set's place in the classification (QĐ 26/2026 Phụ lục I): its group and subgroup */
    if (!db_col_null(s, 24)) put_text(b, "group_name", db_col_text(s, 24));
    if (!db_col_null(s, 25)) put_text(b, "subgroup_name", db_col_text(s, 25));
    buf_puts(b, ",\"commune\":{");
    buf_printf(b, "\"code\":%j", db_col_text(s, 6));
    if (!db_col_null(s, 19)) {
        put_full_name(b, "name", db_col_text(s, 19), db_col_text(s, 20));
        put_text(b, "province_code", db_col_text(s, 21));
        put_full_name(b, "province_name", db_col_text(s, 22), db_col_text(s, 23));
    }
    buf_putc(b, '}');
    db_done(s);

    char today[11];
    date_today(today);
    Buf hist = BUF_INIT, photos = BUF_INIT, current = BUF_INIT;
    int64_t current_stars = 0;
    s = db_prepare(db, "SELECT id, stars, level, decision_no, decision_date, expires_on, cert_no, ended, ended_on "
                       "FROM recognitions WHERE product_id = ? ORDER BY decision_date, id");
    db_bind_int(s, 1, id);
    while (db_step(s) == DB_ROW) {
        const char *state = recognition_state(db_col_int(s, 1), db_col_text(s, 7), db_col_text(s, 8),
                                              db_col_text(s, 5), today);
        size_t at = hist.n;
        buf_printf(&hist, "%s{\"id\":%lld,\"stars\":%lld", hist.n ? "," : "", (long long)db_col_int(s, 0),
                   (long long)db_col_int(s, 1));
        put_text(&hist, "level", db_col_text(s, 2));
        put_text(&hist, "decision_no", db_col_text(s, 3));
        put_text(&hist, "decision_date", db_col_text(s, 4));
        put_text(&hist, "expires_on", db_col_text(s, 5));
        put_text(&hist, "cert_no", db_col_text(s, 6));
        put_text(&hist, "state", state);
        put_text(&hist, "ended_on", db_col_text(s, 8));
        buf_putc(&hist, '}');
        if (strcmp(state, "valid") == 0 && strcmp(db_col_text(s, 4), today) <= 0) {
            const char *one = hist.p + at + (hist.p[at] == ',');
            buf_reset(&current);
            buf_append(&current, one, (size_t)(hist.p + hist.n - one));
            current_stars = db_col_int(s, 1);
        }
    }
    db_done(s);
    photos_render(db, PHOTOS_OF_PRODUCT, id, &photos);
    if (current.n) buf_printf(b, ",\"stars\":%lld,\"recognition\":%s", (long long)current_stars, current.p);
    else buf_puts(b, ",\"stars\":null,\"recognition\":null");
    buf_printf(b, ",\"recognitions\":[%s],\"photos\":[%s]}", buf_str(&hist), buf_str(&photos));
    buf_free(&hist);
    buf_free(&photos);
    buf_free(&current);
    return true;
}

static int64_t product_dup(Db *db, json_t *obj, const char **why) {
    const char *code = obj_str(obj, "code");
    Stmt *s = db_prepare(db, "SELECT id FROM products WHERE producer_id = ? AND name_key = ?");
    db_bind_int(s, 1, obj_int(obj, "producer_id"));
    db_bind_text(s, 2, obj_str(obj, "name_key"));
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a product with the same name from the same producer");
    if (id || !code) return id;
    s = db_prepare(db, "SELECT id FROM products WHERE code = ?");
    db_bind_text(s, 1, code);
    id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a product with the same product code");
    return id;
}

/* The official code of a recognised product is on its recognitions and certificates: it
** does not change afterwards. */
static int product_authorize(Db *db, const Actor *who, json_t *before, json_t *after, int64_t id, Err *e) {
    (void)who;
    if (!before || !after || str_eq(obj_str(before, "code"), obj_str(after, "code"))) return 0;
    Stmt *s = db_prepare(db, "SELECT count(*) FROM recognitions WHERE product_id = ?");
    db_bind_int(s, 1, id);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!n) return 0;
    return err_set(e, 409, "code", "%s: product %lld is recognised under code %s (its recognitions and certificates "
                   "carry it), so its official code cannot change", "code", (long long)id, obj_str(before, "code"));
}

static const Field product_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "code", .type = FT_TEXT, .flags = FF_FILTER | FF_SORT, .maxlen = 32, .vi = "Mã sản phẩm", .en = "Product code", .help = "(T)-(X)-(STT)-(Năm); assigned when empty"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 300, .vi = "Tên sản phẩm", .en = "Product name"},
    NAME_KEYS,
    {.name = "rubric_version", .type = FT_ENUM, .flags = FF_FILTER, .enums = sheet_versions, .vi = "Bộ tiêu chí", .en = "Criteria version"},
    {.name = "set_no", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 26, .vi = "Bộ sản phẩm", .en = "Product set", .help = "1 to 26 (QĐ 26/2026 Phụ lục I)"},
    {.name = "producer_id", .type = FT_REF, .flags = FF_FILTER | FF_NOEXPORT, .ref = "producers", .vi = "Mã chủ thể", .en = "Producer id"},
    {.name = "producer_reg_no", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_IMPORT_KEY, .maxlen = 50, .vi = "Số ĐKKD chủ thể", .en = "Producer registration number"},
    {.name = "producer_name", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_IMPORT_KEY, .maxlen = 300, .vi = "Tên chủ thể", .en = "Producer name"},
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_FILTER | FF_SORT, .maxlen = 5, .vi = "Mã xã", .en = "Commune code"},
    {.name = "commune_code_old", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 5, .vi = "Mã xã cũ (trước 2025)", .en = "Commune code before 2025"},
    {.name = "code_serial", .type = FT_INT, .flags = FF_INTERNAL},
    {.name = "code_year", .type = FT_INT, .flags = FF_FILTER | FF_SORT | FF_NOEXPORT, .min = 2000, .max = 2999, .vi = "Năm", .en = "Year"},
    {.name = "description", .type = FT_TEXT, .maxlen = 5000, .vi = "Mô tả", .en = "Description"},
    {.name = "trademark_no", .type = FT_TEXT, .maxlen = 100, .vi = "Số đơn/văn bằng nhãn hiệu", .en = "Trademark number"},
    {.name = "gi", .type = FT_TEXT, .maxlen = 200, .vi = "Chỉ dẫn địa lý", .en = "Geographical indication"},
    {.name = "mark", .type = FT_TEXT, .maxlen = 200, .vi = "Nhãn hiệu tập thể/chứng nhận", .en = "Collective or certification mark"},
    {.name = "gtin", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 14, .vi = "Mã GTIN", .en = "GTIN"},
    {.name = "stars", .type = FT_INT, .flags = FF_VIRTUAL | FF_READONLY, .vi = "Số sao hiện tại", .en = "Current stars"},
    STAMPS,
    {0},
};

/* The state of a product's latest certified recognition decided by today (valid, expired,
** revoked, superseded; NULL when it has none): what a catalogue card shows. Its '?' are "ttct"
** (recognition_state in SQL). */
#define LATEST_STATE                                                                               \
    "(SELECT CASE WHEN r.ended IS NOT NULL AND r.ended_on <= ? THEN r.ended WHEN r.expires_on <= ? " \
    "THEN 'expired' ELSE 'valid' END FROM recognitions r WHERE r.product_id = products.id AND r.stars >= ? " \
    "AND r.decision_date <= ? ORDER BY r.decision_date DESC, r.id DESC LIMIT 1)"
/* The stars of a product's certificate valid today, NULL without one. Its '?' are "cttt". */
#define CURRENT_STARS                                                                              \
    "(SELECT max(r.stars) FROM recognitions r WHERE r.product_id = products.id AND r.stars >= ? " \
    "AND r.decision_date <= ? AND r.expires_on > ? AND (r.ended_on IS NULL OR r.ended_on > ?))"
/* The date of a product's latest certified recognition decided by today. "ct". */
#define LATEST_RECOGNITION                                                                         \
    "(SELECT max(r.decision_date) FROM recognitions r WHERE r.product_id = products.id AND r.stars >= ? " \
    "AND r.decision_date <= ?)"
#define PRODUCT_GROUP                                                                              \
    "(SELECT s.grp FROM product_sets s WHERE s.version = products.rubric_version AND s.set_no = products.set_no)"

static const EnumVal cert_states[] = {
    {"valid", "Còn hiệu lực", "Valid"},
    {"expired", "Hết hiệu lực", "Expired"},
    {"revoked", "Thu hồi", "Revoked"},
    {NULL, NULL, NULL},
};

#define VALID_TODAY_STARS                                                                          \
    "id IN (SELECT product_id FROM recognitions WHERE stars = ? AND decision_date <= ? " \
    "AND expires_on > ? AND (ended_on IS NULL OR ended_on > ?))"

static const Filter product_filters[] = {
    {.name = "province", .sql = IN_PROVINCE, .type = FT_TEXT},
    {.name = "stars", .sql = VALID_TODAY_STARS, .type = FT_INT, .today = 3},
    {.name = "point_id", .sql = "id IN (SELECT product_id FROM sale_point_products WHERE point_id = ?)", .type = FT_INT},
    {.name = "producer_type", .sql = "producer_id IN (SELECT id FROM producers WHERE type = ?)", .type = FT_ENUM,
     .enums = producer_types},
    {.name = "group", .sql = PRODUCT_GROUP " = ?", .type = FT_TEXT},
    {.name = "cert", .sql = LATEST_STATE " = ?", .type = FT_ENUM, .enums = cert_states, .params = "ttctv"},
    {0},
};

/* ?sort=stars (the stars of the certificate valid today), ?sort=recognized (the latest recognition). */
static const SortKey product_sorts[] = {
    {.name = "stars", .sql = CURRENT_STARS, .params = "cttt"},
    {.name = "recognized", .sql = LATEST_RECOGNITION, .params = "ct"},
    {0},
};

const Entity ENTITY_PRODUCTS = {
    .name = "products", .singular = N_("product"), .table = "products", .label_vi = "Sản phẩm",
    .fields = product_fields, .filters = product_filters, .default_sort = "name", .sorts = product_sorts,
    .prepare = product_prepare, .authorize = product_authorize, .search_kind = "product", .before_delete = product_delete,
    .render = product_render, .find_duplicate = product_dup,
    .perm_create = PERM_PRODUCTS_CREATE, .perm_update = PERM_PRODUCTS_UPDATE, .perm_delete = PERM_PRODUCTS_DELETE,
};

/* ---- recognitions -------------------------------------------------------------------------------- */

static int recognition_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    if (!obj_int(obj, "product_id")) {
        const char *code = obj_str(obj, "product_code");
        if (!code) return err_set(e, 422, "product_id", "%s is required (or product_code in an import)", "product_id");
        Stmt *s = db_prepare(db, "SELECT id FROM products WHERE code = ?");
        db_bind_text(s, 1, code);
        int64_t pid = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        if (!pid) return err_set(e, 422, "product_code", "%s: no product with code '%s'", "product_code", code);
        json_object_set_new(obj, "product_id", json_integer(pid));
    }
    json_object_del(obj, "product_code");
    json_object_del(obj, "product_name");
    json_object_del(obj, "state");
    int64_t stars = obj_int(obj, "stars");
    const char *date = obj_str(obj, "decision_date");
    const char *level = obj_str(obj, "level");
    /* QĐ 26/2026 Điều 4.1: 3★ and 4★ by the province, 5★ by the Ministry; before 2025-07-01
    ** (QĐ 148/2023) districts recognised 3★. */
    if (!level) {
        level = stars == 5 ? "ministry" : "province";
        json_object_set_new(obj, "level", json_string(level));
    }
    if (stars == 5 && strcmp(level, "ministry") != 0)
        return err_set(e, 422, "level", "%s: 5-star products are recognised by the Ministry (level 'ministry')", "level");
    if (strcmp(level, "district") == 0 && date && strcmp(date, "2025-07-01") >= 0)
        return err_set(e, 422, "level", "%s: districts no longer exist from 2025-07-01; a %s decision cannot be at district level", "level", date);
    if (strcmp(level, "district") == 0 && stars != 3)
        return err_set(e, 422, "level", "%s: districts recognised only 3-star products (QĐ 148/QĐ-TTg)", "level");
    /* QĐ 26/2026 Điều 4.3: certificates (3★ and above, Điều 4.1.a) are valid 36 months: both
    ** numbers are rules of the score sheet's data (certificate_valid_months). */
    const Rubric *law = rubric_current();
    int certified = rubric_certified_stars(law);
    const char *exp = obj_str(obj, "expires_on");
    if (stars < certified) {
        if (exp) return err_set(e, 422, "expires_on", "%s: 1- and 2-star results get no certificate, so no expiry", "expires_on");
    } else if (!exp && date) {
        char out[11];
        date_add_months(date, (int)rubric_rule_num(law, "certificate_valid_months"), out);
        json_object_set_new(obj, "expires_on", json_string(out));
    } else if (exp && date && strcmp(exp, date) <= 0) {
        return err_set(e, 422, "expires_on", "%s (%s) must be after decision_date (%s)", "expires_on", exp, date);
    }
    if (stars < certified && obj_str(obj, "cert_no"))
        return err_set(e, 422, "cert_no", "%s: 1- and 2-star results get no certificate", "cert_no");
    const char *ended = obj_str(obj, "ended"), *ended_on = obj_str(obj, "ended_on");
    if (ended && !ended_on) return err_set(e, 422, "ended_on", "%s is required when the recognition was %s", "ended_on", ended);
    if (!ended && ended_on) return err_set(e, 422, "ended", "%s (revoked or superseded) is required with ended_on", "ended");
    if (ended_on && date && strcmp(ended_on, date) < 0)
        return err_set(e, 422, "ended_on", "%s (%s) is before decision_date (%s)", "ended_on", ended_on, date);
    json_t *score = json_object_get(obj, "score");
    if (json_is_number(score)) {
        /* Stars follow the council's average score in the bands of the score sheet in force on
        ** the decision's date (its data file's star_bands; QĐ 26/2026 Điều 3.3). */
        double sc = json_number_value(score);
        const Rubric *rub = rubric_in_force(date ? date : "");
        int band = rubric_band(rub, sc);
        if (band < stars)
            return err_set(e, 422, "score", "score %.2f gives at most %d stars, not %lld (%lld★ needs %.0f points, %s)", sc, band,
                           (long long)stars, (long long)stars, rubric_band_of(rub, (int)stars) ? rubric_band_of(rub, (int)stars)->min : 0,
                           json_string_value(json_object_get(rub->document, "number")));
    }
    return 0;
}

static void recognition_decorate(Db *db, json_t *obj, int64_t id) {
    Stmt *s = db_prepare(db, "SELECT code, name FROM products WHERE id = ?");
    db_bind_int(s, 1, obj_int(obj, "product_id"));
    if (db_step(s) == DB_ROW) {
        json_object_set_new(obj, "product_code", db_col_null(s, 0) ? json_null() : json_string(db_col_text(s, 0)));
        json_object_set_new(obj, "product_name", json_string(db_col_text(s, 1)));
    }
    db_done(s);
    char today[11];
    date_today(today);
    json_object_set_new(obj, "state", json_string(recognition_state(obj_int(obj, "stars"), obj_str(obj, "ended"),
                                                                    obj_str(obj, "ended_on"), obj_str(obj, "expires_on"), today)));
}

static int64_t recognition_dup(Db *db, json_t *obj, const char **why) {
    Stmt *s = db_prepare(db, "SELECT id FROM recognitions WHERE product_id = ? AND decision_no = ?");
    db_bind_int(s, 1, obj_int(obj, "product_id"));
    db_bind_text(s, 2, obj_str(obj, "decision_no"));
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a recognition of the same product by the same decision");
    return id;
}

/* Who may record a recognition at its level: the one rule of decisions (decision_may_decide,
** QĐ 26/2026 Điều 4.1), for the record before and after the change. */
static int check_level(Db *db, const Actor *who, json_t *rec, int64_t id, Err *e) {
    Place p;
    entity_place(db, &ENTITY_RECOGNITIONS, rec, id, &p);
    const char *level = obj_str(rec, "level");
    if (decision_may_decide(who, level, p.province)) return 0;
    if (str_eq(level, "ministry"))
        return err_set(e, 403, "level", "recognitions at Ministry level (5★) are recorded by administrators, "
                       "as the Minister recognises them (QĐ 26/2026 Điều 4.1)");
    return err_set(e, 403, "level", "recognitions at %s level of a product of province %s are recorded by that "
                   "province's officers (QĐ 26/2026 Điều 4.1)", level ? level : "?", p.province[0] ? p.province : "?");
}

/* What a recognition records (a decision fixes all of it), and how it ends. */
static const char *const REC_FIXED[] = {"product_id", "stars", "level", "decision_no", "decision_date", "cert_no",
                                        "score", "expires_on", "decision_id"};
static const char *const REC_END[] = {"ended", "ended_on", "ended_reason"};

/* The first of keys whose value differs between a and b, or NULL. */
static const char *first_change(json_t *a, json_t *b, const char *const *keys, size_t n) {
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_object_get(a, keys[i]), *y = json_object_get(b, keys[i]);
        if (!json_equal(x ? x : json_null(), y ? y : json_null())) return keys[i];
    }
    return NULL;
}

/* Does the change only end the recognition as superseded, by a newer recognition of the product
** on record from that day? Then it is the act of whoever recognised the product anew (a
** province's 4★ decision supersedes the Ministry's 5★), not a write at the old one's level. */
static bool superseded_by_newer(Db *db, json_t *before, json_t *after, int64_t id) {
    if (obj_str(before, "ended") || !str_eq(obj_str(after, "ended"), "superseded") ||
        first_change(before, after, REC_FIXED, COUNT(REC_FIXED)))
        return false;
    Stmt *s = db_prepare(db, "SELECT 1 FROM recognitions WHERE product_id = ? AND id <> ? AND stars >= ? AND "
                             "decision_date = ? AND decision_date >= ?");
    db_bind_int(s, 1, obj_int(before, "product_id"));
    db_bind_int(s, 2, id);
    db_bind_int(s, 3, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 4, obj_str(after, "ended_on"));
    db_bind_text(s, 5, obj_str(before, "decision_date"));
    bool found = db_step(s) == DB_ROW;
    db_done(s);
    return found;
}

/* A recognition made by a decision is the certificate's record: it changes only when the
** certificate ends (revoked, or superseded by a new decision: decision.c ends the certificate
** first, then the recognition, to the same state and date). */
static int check_decided(Db *db, json_t *before, json_t *after, Err *e) {
    int64_t id = obj_int(before, "id"), did = obj_int(before, "decision_id");
    const char *no = obj_str(before, "cert_no");
    if (!after)
        return err_set(e, 409, "id", "recognition %lld was made by decision %lld with certificate %s: it cannot be deleted",
                       (long long)id, (long long)did, no ? no : "");
    const char *fixed = first_change(before, after, REC_FIXED, COUNT(REC_FIXED));
    const char *end = fixed ? NULL : first_change(before, after, REC_END, COUNT(REC_END));
    if (!fixed && !end) return 0;
    if (!fixed && !obj_str(before, "ended")) {
        /* Ending it: as its certificate ended, on the same day. */
        Stmt *s = db_prepare(db, "SELECT 1 FROM certificates WHERE recognition_id = ? AND state = ? AND ended_on = ?");
        db_bind_int(s, 1, id);
        db_bind_text(s, 2, obj_str(after, "ended"));
        db_bind_text(s, 3, obj_str(after, "ended_on"));
        bool as_certificate = db_step(s) == DB_ROW;
        db_done(s);
        if (as_certificate) return 0;
    }
    return err_set(e, 409, fixed ? fixed : end, "recognition %lld was made by decision %lld and is certificate %s's "
                   "record: it changes only with the certificate (revoked, or superseded by a new decision)",
                   (long long)id, (long long)did, no ? no : "");
}

static int recognition_authorize(Db *db, const Actor *who, json_t *before, json_t *after, int64_t id, Err *e) {
    bool superseded = before && after && superseded_by_newer(db, before, after, id);
    if (!superseded && ((before && check_level(db, who, before, id, e)) || (after && check_level(db, who, after, id, e))))
        return -1;
    if (before && obj_int(before, "decision_id") && check_decided(db, before, after, e)) return -1;
    /* Certificate numbers of ocop's own series are issued by decisions only (historic numbers,
    ** as printed on paper, are recorded as they are). */
    const char *no = after ? obj_str(after, "cert_no") : NULL;
    if (no && !obj_int(after, "decision_id") && certificate_no_is_ours(no) && !(before && str_eq(obj_str(before, "cert_no"), no)))
        return err_set(e, 422, "cert_no", "%s: %s is in ocop's own series of certificate numbers, which only a "
                       "recognition decision issues; record a historic certificate with its number as printed", "cert_no", no);
    return 0;
}

static const Field recognition_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "product_id", .type = FT_REF, .flags = FF_FILTER | FF_NOEXPORT, .ref = "products", .vi = "ID sản phẩm", .en = "Product id"},
    {.name = "product_code", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_IMPORT_KEY, .maxlen = 32, .vi = "Mã sản phẩm", .en = "Product code"},
    {.name = "product_name", .type = FT_TEXT, .flags = FF_VIRTUAL | FF_READONLY, .vi = "Tên sản phẩm", .en = "Product name"},
    {.name = "stars", .type = FT_INT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 5, .vi = "Số sao", .en = "Stars"},
    {.name = "level", .type = FT_ENUM, .flags = FF_FILTER, .enums = levels, .vi = "Cấp công nhận", .en = "Recognised at"},
    {.name = "decision_no", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .maxlen = 100, .vi = "Số quyết định", .en = "Decision number"},
    {.name = "decision_date", .type = FT_DATE, .flags = FF_REQUIRED | FF_SORT, .vi = "Ngày quyết định", .en = "Decision date"},
    {.name = "cert_no", .type = FT_TEXT, .flags = FF_FILTER, .maxlen = 100, .vi = "Số giấy chứng nhận", .en = "Certificate number"},
    {.name = "score", .type = FT_REAL, .min = 0, .max = 100, .vi = "Điểm", .en = "Score"},
    {.name = "expires_on", .type = FT_DATE, .flags = FF_SORT, .vi = "Ngày hết hạn", .en = "Expires on"},
    {.name = "ended", .type = FT_ENUM, .flags = FF_FILTER, .enums = ended_kinds, .vi = "Chấm dứt", .en = "Ended"},
    {.name = "ended_on", .type = FT_DATE, .vi = "Ngày chấm dứt", .en = "Ended on"},
    {.name = "ended_reason", .type = FT_TEXT, .maxlen = 1000, .vi = "Lý do", .en = "Reason"},
    {.name = "state", .type = FT_ENUM, .flags = FF_VIRTUAL | FF_READONLY, .enums = rec_states, .vi = "Tình trạng", .en = "State"},
    {.name = "decision_id", .type = FT_REF, .flags = FF_READONLY | FF_FILTER | FF_NOEXPORT, .ref = "decisions", .vi = "Quyết định (ocop)", .en = "Decision (ocop)", .help = "set when a decision recorded in ocop made it (and issued its certificate)"},
    STAMPS,
    {0},
};

static const Filter recognition_filters[] = {
    {.name = "valid_on", .type = FT_DATE, .nparams = 3,
     .sql = "decision_date <= ? AND expires_on > ? AND (ended_on IS NULL OR ended_on > ?) AND stars >= ?", .certified = 1},
    {.name = "year", .type = FT_INT, .sql = "decision_date LIKE (CAST(? AS TEXT) || '-%')"},
    {.name = "province", .type = FT_TEXT,
     .sql = "product_id IN (SELECT id FROM products WHERE " IN_PROVINCE ")"},
    {0},
};

const Entity ENTITY_RECOGNITIONS = {
    .name = "recognitions", .singular = N_("recognition"), .table = "recognitions", .label_vi = "Công nhận",
    .fields = recognition_fields, .filters = recognition_filters, .default_sort = "-decision_date",
    .prepare = recognition_prepare, .authorize = recognition_authorize, .decorate = recognition_decorate,
    .find_duplicate = recognition_dup,
    .perm_create = PERM_RECOGNITIONS_WRITE, .perm_update = PERM_RECOGNITIONS_WRITE,
    .perm_delete = PERM_RECOGNITIONS_WRITE,
};

/* ---- points of sale --------------------------------------------------------------------------------- */

static int point_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    set_name_keys(obj);
    return check_communes(db, obj, "commune_code", NULL, e);
}

/* products: the product codes sold here, separated by ';'. */
static int point_after(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    json_t *p = json_object_get(obj, "products");
    if (!p) return 0;
    Stmt *s = db_prepare(db, "DELETE FROM sale_point_products WHERE point_id = ?");
    db_bind_int(s, 1, id);
    db_step(s);
    db_done(s);
    json_t *list = json_array();
    if (json_is_string(p)) {
        char *t = xstrdup(json_string_value(p)), *save = NULL;
        for (char *c = strtok_r(t, ";,\n ", &save); c; c = strtok_r(NULL, ";,\n ", &save)) json_array_append_new(list, json_string(c));
        free(t);
    } else if (json_is_array(p)) {
        json_array_extend(list, p);
    }
    size_t i;
    json_t *x;
    int rc = 0;
    json_array_foreach(list, i, x) {
        int64_t pid = 0;
        if (json_is_integer(x)) {
            pid = json_integer_value(x);
            s = db_prepare(db, "SELECT id FROM products WHERE id = ?");
            db_bind_int(s, 1, pid);
        } else {
            s = db_prepare(db, "SELECT id FROM products WHERE code = ?");
            db_bind_text(s, 1, json_string_value(x));
        }
        pid = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
        if (!pid) {
            rc = err_set(e, 422, "products", "%s: no product %s%s", "products", json_is_integer(x) ? "with id " : "with code ",
                         json_is_integer(x) ? "given" : json_string_value(x));
            break;
        }
        s = db_prepare(db, "INSERT INTO sale_point_products (point_id, product_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        db_bind_int(s, 1, id);
        db_bind_int(s, 2, pid);
        db_step(s);
        db_done(s);
    }
    json_decref(list);
    return rc;
}

static void point_decorate(Db *db, json_t *obj, int64_t id) {
    json_object_set_new(obj, "commune", commune_json(db, obj_str(obj, "commune_code")));
    Stmt *s = db_prepare(db, "SELECT p.code FROM sale_point_products sp JOIN products p ON p.id = sp.product_id "
                             "WHERE sp.point_id = ? ORDER BY p.code");
    db_bind_int(s, 1, id);
    Buf b = BUF_INIT;
    while (db_step(s) == DB_ROW) buf_printf(&b, "%s%s", b.n ? "; " : "", db_col_text(s, 0) ? db_col_text(s, 0) : "");
    db_done(s);
    json_object_set_new(obj, "products", json_string(buf_str(&b)));
    buf_free(&b);
}

static int64_t point_dup(Db *db, json_t *obj, const char **why) {
    Stmt *s = db_prepare(db, "SELECT id FROM sale_points WHERE commune_code = ? AND name_key = ?");
    db_bind_text(s, 1, obj_str(obj, "commune_code"));
    db_bind_text(s, 2, obj_str(obj, "name_key"));
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    *why = N_("a point of sale with the same name in the same commune");
    return id;
}

static const Field point_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 300, .vi = "Tên điểm bán", .en = "Point of sale"},
    NAME_KEYS,
    {.name = "kind", .type = FT_ENUM, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .enums = point_kinds, .vi = "Loại hình", .en = "Kind"},
    {.name = "address", .type = FT_TEXT, .maxlen = 500, .vi = "Địa chỉ", .en = "Address"},
    {.name = "commune_code", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .maxlen = 5, .vi = "Mã xã", .en = "Commune code"},
    {.name = "operator", .type = FT_TEXT, .maxlen = 300, .vi = "Đơn vị vận hành", .en = "Operator"},
    {.name = "phone", .type = FT_TEXT, .flags = FF_PHONE, .maxlen = 30, .vi = "Điện thoại", .en = "Phone"},
    {.name = "website", .type = FT_TEXT, .flags = FF_URL, .maxlen = 300, .vi = "Website", .en = "Website"},
    {.name = "note", .type = FT_TEXT, .maxlen = 2000, .vi = "Ghi chú", .en = "Note"},
    {.name = "products", .type = FT_TEXT, .flags = FF_VIRTUAL, .maxlen = 20000, .vi = "Sản phẩm bán (mã)", .en = "Products sold (codes)"},
    STAMPS,
    {0},
};

static const Filter point_filters[] = {
    {.name = "province", .sql = IN_PROVINCE, .type = FT_TEXT},
    {.name = "product_id", .sql = "id IN (SELECT point_id FROM sale_point_products WHERE product_id = ?)", .type = FT_INT},
    {0},
};

const Entity ENTITY_POINTS = {
    .name = "points", .singular = N_("point of sale"), .table = "sale_points", .label_vi = "Điểm bán",
    .fields = point_fields, .filters = point_filters, .default_sort = "name",
    .prepare = point_prepare, .after_write = point_after, .decorate = point_decorate, .find_duplicate = point_dup,
    .perm_create = PERM_POINTS_WRITE, .perm_update = PERM_POINTS_WRITE, .perm_delete = PERM_POINTS_WRITE,
};

/* ---- councils ----------------------------------------------------------------------------------- */

static const EnumVal council_levels[] = {
    {"province", "Hội đồng cấp tỉnh", "Province council"},
    {"ministry", "Hội đồng cấp quốc gia (Bộ)", "National council (Ministry)"},
    {NULL, NULL, NULL},
};

static int council_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    (void)a, (void)id;
    set_name_keys(obj);
    const char *level = obj_str(obj, "level"), *prov = obj_str(obj, "province_code");
    if (str_eq(level, "ministry")) {
        if (prov && *prov) return err_set(e, 422, "province_code", "the Ministry's council belongs to no province");
        return 0;
    }
    if (!prov || !*prov) return err_set(e, 422, "province_code", "a province council needs province_code (2025 geography)");
    if (db_int1(db, "SELECT count(*) FROM units WHERE code = ? AND geo = '2025' AND level = 'province' AND valid_to IS NULL",
                prov) == 0)
        return err_set(e, 422, "province_code", "'%s' is not the code of a province in force", prov);
    return 0;
}

static int council_delete(Db *db, int64_t id, Err *e) {
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    if (db_int1(db, "SELECT count(*) FROM user_roles WHERE role LIKE 'council%' AND scope = ?", ids) > 0)
        return err_set(e, 409, "id", "the council still has members; revoke their roles first");
    return 0;
}

static const Field council_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 300, .vi = "Tên hội đồng", .en = "Council name"},
    NAME_KEYS,
    {.name = "level", .type = FT_ENUM, .flags = FF_REQUIRED | FF_FILTER, .enums = council_levels, .vi = "Cấp", .en = "Level"},
    {.name = "province_code", .type = FT_TEXT, .flags = FF_FILTER | FF_SORT, .maxlen = 3, .vi = "Mã tỉnh", .en = "Province code", .help = "2-digit province code (QĐ 19/2025); empty for the Ministry"},
    {.name = "decision_no", .type = FT_TEXT, .maxlen = 100, .vi = "Số quyết định thành lập", .en = "Establishing decision"},
    {.name = "decided_on", .type = FT_DATE, .flags = FF_SORT, .vi = "Ngày quyết định", .en = "Decided on"},
    {.name = "note", .type = FT_TEXT, .maxlen = 2000, .vi = "Ghi chú", .en = "Note"},
    STAMPS,
    {0},
};

/* The council's advisory group (tổ tư vấn): experts who assist it; no account, no score. */
static int advisor_prepare(Db *db, Arena *a, json_t *obj, int64_t id, Err *e) {
    (void)db, (void)a, (void)id, (void)e;
    set_name_keys(obj);
    return 0;
}

static const Field advisor_fields[] = {
    {.name = "id", .type = FT_ID, .flags = FF_SORT, .vi = "ID", .en = "ID"},
    {.name = "council_id", .type = FT_REF, .ref = "councils", .flags = FF_REQUIRED | FF_FILTER, .vi = "Hội đồng", .en = "Council"},
    {.name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_SORT, .maxlen = 200, .vi = "Họ và tên", .en = "Name"},
    NAME_KEYS,
    {.name = "agency", .type = FT_TEXT, .maxlen = 300, .vi = "Cơ quan", .en = "Agency"},
    {.name = "expertise", .type = FT_TEXT, .maxlen = 300, .vi = "Lĩnh vực chuyên môn", .en = "Expertise"},
    STAMPS,
    {0},
};

/* Contact details of advisors are not kept: the advisory group's list is public. */
const Entity ENTITY_ADVISORS = {
    .name = "advisors", .singular = N_("member of an advisory group"), .table = "advisors", .label_vi = "Tổ tư vấn",
    .fields = advisor_fields, .default_sort = "name", .prepare = advisor_prepare,
    .perm_create = PERM_COUNCILS_WRITE, .perm_update = PERM_COUNCILS_WRITE, .perm_delete = PERM_COUNCILS_WRITE,
};

const Entity ENTITY_COUNCILS = {
    .name = "councils", .singular = N_("council"), .table = "councils", .label_vi = "Hội đồng đánh giá",
    .fields = council_fields, .default_sort = "name",
    .prepare = council_prepare, .before_delete = council_delete,
    .perm_create = PERM_COUNCILS_WRITE, .perm_update = PERM_COUNCILS_WRITE, .perm_delete = PERM_COUNCILS_WRITE,
};

/* ---- product photos -------------------------------------------------------------------------------- */

/* May who change the photos of product pid? 0, or -1 with e (404 when it is missing or outside
** who's scope for products.update, 401 for an anonymous caller). */
static int photo_allowed(Db *db, const Actor *who, int64_t pid, Err *e) {
    json_t *p = entity_get(db, &ENTITY_PRODUCTS, pid, e);
    int rc = p ? entity_check_scope(db, &ENTITY_PRODUCTS, who, PERM_PRODUCTS_UPDATE, p, pid, false, e) : -1;
    json_decref(p);
    return rc;
}

int product_photo_decode(const void *data, size_t n, const char *declared_type, ImageSet *set, Err *e) {
    memset(set, 0, sizeof *set);
    if (n == 0) return err_set(e, 400, "body", "send the image file as the request body");
    const char *real = image_sniff(data, n);
    if (real && declared_type && *declared_type && strncmp(declared_type, real, strlen(real)) != 0 &&
        strncmp(declared_type, "application/octet-stream", 24) != 0)
        return err_set(e, 415, "Content-Type", "the file is %s but was sent as %s", real, declared_type);
    return image_process(data, n, &image_default_limits, set, e);
}

/* End the photo object photos_render opened: the size of its widest variant (the full-size copy
** its url names), or nulls for a photo stored before photos were re-encoded. */
static void photo_close(Buf *b, int64_t width, int64_t height) {
    if (width < 0) buf_puts(b, "],\"width\":null,\"height\":null}");
    else buf_printf(b, "],\"width\":%lld,\"height\":%lld}", (long long)width, (long long)height);
}

/* The photos of a product (of = PHOTOS_OF_PRODUCT) or one photo (PHOTO_BY_ID), as JSON objects
** separated by commas, appended to b, each with the sizes kept of it ("variants", narrowest
** first, JPEG before WebP) for srcset. The one definition of a photo's output. */
static void photos_render(Db *db, PhotosOf of, int64_t id, Buf *b) {
    Stmt *s = db_prepare(db, of == PHOTOS_OF_PRODUCT
        ? "SELECT p.id, p.sha256, p.mime, p.bytes, p.filename, v.width, v.height, v.mime, v.sha256, v.bytes "
          "FROM product_photos p LEFT JOIN product_photo_variants v ON v.photo_id = p.id "
          "WHERE p.product_id = ? ORDER BY p.id, v.width, v.mime"
        : "SELECT p.id, p.sha256, p.mime, p.bytes, p.filename, v.width, v.height, v.mime, v.sha256, v.bytes "
          "FROM product_photos p LEFT JOIN product_photo_variants v ON v.photo_id = p.id "
          "WHERE p.id = ? ORDER BY p.id, v.width, v.mime");
    db_bind_int(s, 1, id);
    int64_t last = -1, width = -1, height = -1;
    bool first_variant = true;
    while (db_step(s) == DB_ROW) {
        const char *sha = db_col_text(s, 1);
        if (db_col_int(s, 0) != last) {
            if (last >= 0) photo_close(b, width, height);
            buf_printf(b, "%s{\"sha256\":%j,\"mime\":%j,\"bytes\":%lld,\"filename\":%j,\"url\":\"/files/%s\",\"variants\":[",
                       last >= 0 ? "," : "", sha, db_col_text(s, 2), (long long)db_col_int(s, 3), db_col_text(s, 4), sha);
            last = db_col_int(s, 0);
            width = height = -1;
            first_variant = true;
        }
        if (db_col_null(s, 5)) continue;
        const char *mime = db_col_text(s, 7);
        width = db_col_int(s, 5);
        height = db_col_int(s, 6);
        buf_printf(b, "%s{\"width\":%lld,\"height\":%lld,\"format\":%j,\"mime\":%j,\"bytes\":%lld,\"url\":\"/files/%s\"}",
                   first_variant ? "" : ",", (long long)width, (long long)height, mime + 6, mime,
                   (long long)db_col_int(s, 9), db_col_text(s, 8));
        first_variant = false;
    }
    db_done(s);
    if (last >= 0) photo_close(b, width, height);
}

/* Store every variant of set under files_dir and record them with photo photo_id. */
static int variants_record(Db *db, const char *files_dir, int64_t photo_id, const ImageSet *set, Err *e) {
    for (int i = 0; i < set->n; i++) {
        const ImageVariant *v = &set->v[i];
        char sha[65];
        if (files_put(files_dir, v->data, v->n, sha, e)) return -1;
        Stmt *s = db_prepare(db, "INSERT INTO product_photo_variants (photo_id, width, height, mime, sha256, bytes) "
                                 "VALUES (?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, photo_id);
        db_bind_int(s, 2, v->width);
        db_bind_int(s, 3, v->height);
        db_bind_text(s, 4, v->mime);
        db_bind_text(s, 5, sha);
        db_bind_int(s, 6, (int64_t)v->n);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot record the photo: %s", db_errmsg(db));
    }
    return 0;
}

json_t *product_photo_add(Db *db, const Actor *who, const char *files_dir, int64_t pid, const ImageSet *set,
                          const char *filename, int *created, Err *e) {
    if (photo_allowed(db, who, pid, e)) return NULL;
    char *name = NULL;
    if (files_clean_name(filename, &name, e)) return NULL;
    /* The photo is named by its full-size JPEG, the widest variant: the last when wider than
    ** IMAGE_WEBP_MAX, else the last but one (before its WebP). */
    const ImageVariant *full = &set->v[set->n - 1];
    if (strcmp(full->format, "jpeg")) full--;
    char sha[65], ts[32];
    if (files_put(files_dir, full->data, full->n, sha, e)) {
        free(name);
        return NULL;
    }
    ts_now(ts);
    Stmt *s = db_prepare(db, "INSERT INTO product_photos (product_id, sha256, mime, bytes, filename, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (product_id, sha256) DO NOTHING RETURNING id");
    db_bind_int(s, 1, pid);
    db_bind_text(s, 2, sha);
    db_bind_text(s, 3, full->mime);
    db_bind_int(s, 4, (int64_t)full->n);
    db_bind_text(s, 5, name);
    db_bind_text(s, 6, ts);
    int rc = db_step(s);
    int64_t photo_id = rc == DB_ROW ? db_col_int(s, 0) : 0;
    if (rc == DB_ROW) rc = db_step(s);
    db_done(s);
    free(name);
    if (rc != DB_DONE) {
        err_set(e, 500, "", "cannot record the photo: %s", db_errmsg(db));
        return NULL;
    }
    *created = photo_id > 0;
    if (!photo_id) { /* these pixels again: the photo recorded then */
        s = db_prepare(db, "SELECT id FROM product_photos WHERE product_id = ? AND sha256 = ?");
        db_bind_int(s, 1, pid);
        db_bind_text(s, 2, sha);
        photo_id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
        db_done(s);
    } else if (variants_record(db, files_dir, photo_id, set, e)) {
        return NULL;
    }
    Buf b = BUF_INIT;
    photos_render(db, PHOTO_BY_ID, photo_id, &b);
    json_t *photo = json_loads(buf_str(&b), 0, NULL);
    buf_free(&b);
    if (!photo) panic("photo %lld does not render", (long long)photo_id);
    return photo;
}

int product_photo_remove(Db *db, const Actor *who, int64_t pid, const char *sha, Err *e) {
    if (photo_allowed(db, who, pid, e)) return -1;
    /* its variants go with it (ON DELETE CASCADE); the stored files stay: others may share them */
    Stmt *s = db_prepare(db, "DELETE FROM product_photos WHERE product_id = ? AND sha256 = ?");
    db_bind_int(s, 1, pid);
    db_bind_text(s, 2, sha);
    db_step(s);
    int n = db_changes(db);
    db_done(s);
    return n ? 0 : err_set(e, 404, "sha256", "product %lld has no photo %s", (long long)pid, sha);
}

char *product_photo_mime(Db *db, const char *sha) {
    Stmt *s = db_prepare(db, "SELECT mime FROM product_photos WHERE sha256 = ? "
                             "UNION ALL SELECT mime FROM product_photo_variants WHERE sha256 = ? LIMIT 1");
    db_bind_text(s, 1, sha);
    db_bind_text(s, 2, sha);
    char *mime = db_step(s) == DB_ROW ? xstrdup(db_col_text(s, 0)) : NULL;
    db_done(s);
    return mime;
}

/* ---- public lists for the record pages ------------------------------------------------------------ */

/* "Xã Mỏ Cày" from a unit's type and name (unit_full_name), or null when the unit is unknown. */
static json_t *unit_name_json(Arena *a, const char *type, const char *name) {
    if (!name) return json_null();
    Unit u = {.type = type, .name = name};
    return json_string(unit_full_name(a, &u));
}

json_t *registry_products_of(Db *db, ProductsOf of, int64_t id, const char *today) {
    /* The stars of the most recent recognition in force today, as product_render picks it. */
    static const char *const sql[] = {
        [PRODUCTS_OF_PRODUCER] = "p.producer_id = ?",
        [PRODUCTS_OF_POINT] = "p.id IN (SELECT product_id FROM sale_point_products WHERE point_id = ?)",
        [PRODUCTS_OF_VILLAGE] = "pr.village_id = ?",
    };
    Buf q = BUF_INIT;
    buf_printf(&q, "SELECT p.id, p.code, p.name, p.set_no, pr.id, pr.name, "
                   "(SELECT r.stars FROM recognitions r WHERE r.product_id = p.id AND r.stars >= ? AND "
                   "r.decision_date <= ? AND r.expires_on > ? AND (r.ended_on IS NULL OR r.ended_on > ?) "
                   "ORDER BY r.decision_date DESC, r.id DESC LIMIT 1) "
                   "FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE %s ORDER BY p.name_key, p.id",
               sql[of]);
    Stmt *s = db_prepare(db, q.p);
    buf_free(&q);
    db_bind_int(s, 1, rubric_certified_stars(rubric_current()));
    for (int i = 2; i <= 4; i++) db_bind_text(s, i, today);
    db_bind_int(s, 5, id);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *o = json_pack("{s:I, s:s?, s:s, s:I, s:I, s:s}", "id", (json_int_t)db_col_int(s, 0), "code",
                              db_col_text(s, 1), "name", db_col_text(s, 2), "set_no", (json_int_t)db_col_int(s, 3),
                              "producer_id", (json_int_t)db_col_int(s, 4), "producer_name", db_col_text(s, 5));
        json_object_set_new(o, "stars", db_col_null(s, 6) ? json_null() : json_integer(db_col_int(s, 6)));
        json_array_append_new(out, o);
    }
    db_done(s);
    return out;
}

json_t *registry_points_of(Db *db, int64_t product_id) {
    Stmt *s = db_prepare(db,
        "SELECT sp.id, sp.name, sp.kind, sp.address, sp.website, c.type, c.name, pv.type, pv.name "
        "FROM sale_point_products x JOIN sale_points sp ON sp.id = x.point_id "
        "LEFT JOIN units c ON c.code = sp.commune_code AND c.geo = '2025' AND c.level = 'commune' AND c.valid_to IS NULL "
        "LEFT JOIN units pv ON pv.code = c.parent_code AND pv.geo = '2025' AND pv.valid_to IS NULL "
        "WHERE x.product_id = ? ORDER BY sp.name_key, sp.id");
    db_bind_int(s, 1, product_id);
    Arena a = {0};
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s?, s:s?, s:o, s:o}", "id", (json_int_t)db_col_int(s, 0),
                                             "name", db_col_text(s, 1), "kind", db_col_text(s, 2), "address",
                                             db_col_text(s, 3), "website", db_col_text(s, 4), "commune",
                                             unit_name_json(&a, db_col_text(s, 5), db_col_text(s, 6)), "province",
                                             unit_name_json(&a, db_col_text(s, 7), db_col_text(s, 8))));
    db_done(s);
    arena_free(&a);
    return out;
}

json_t *registry_producers_of_village(Db *db, int64_t village_id) {
    Stmt *s = db_prepare(db, "SELECT id, name, type FROM producers WHERE village_id = ? ORDER BY name_key, id");
    db_bind_int(s, 1, village_id);
    json_t *out = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(out, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0), "name",
                                             db_col_text(s, 1), "type", db_col_text(s, 2)));
    db_done(s);
    return out;
}

/* ---- many records at once: what the public list pages show of a page of records ---------------- */

/* "?, ?, ?" for n values, into sql. */
static void in_list(Buf *sql, int n) {
    for (int i = 0; i < n; i++) buf_puts(sql, i ? ", ?" : "?");
}

/* A facet of a list (registry_facet): its SQL, and optionally a query mapping each of its
** values to the value shown (a commune to its province), cheaper than asking it per record. */
typedef struct FacetKey {
    const Entity *en;
    const char *param; /* the list's filter it counts for */
    FacetSql sql;
    const char *rollup; /* "SELECT value, shown FROM ...", or NULL */
} FacetKey;

#define COMMUNE_PROVINCE "SELECT code, parent_code FROM units WHERE geo = '2025' AND level = 'commune' AND valid_to IS NULL"

static const FacetKey facet_keys[] = {
    {&ENTITY_PRODUCTS, "province", {.key = "commune_code"}, COMMUNE_PROVINCE},
    {&ENTITY_PRODUCTS, "commune_code", {.key = "commune_code"}, NULL},
    {&ENTITY_PRODUCTS, "group", {.key = "CASE WHEN rubric_version = '" PRODUCT_SETS_CURRENT "' THEN set_no END"},
     "SELECT set_no, grp FROM product_sets WHERE version = '" PRODUCT_SETS_CURRENT "'"},
    {&ENTITY_PRODUCTS, "set_no", {.key = "set_no"}, NULL},
    {&ENTITY_PRODUCTS, "stars",
     {.via = "SELECT r.stars AS k, count(DISTINCT r.product_id) FROM recognitions r WHERE r.stars >= ? "
             "AND r.decision_date <= ? AND r.expires_on > ? AND (r.ended_on IS NULL OR r.ended_on > ?) "
             "AND r.product_id IN IDS GROUP BY k",
      .params = "cttt"}, NULL},
    {&ENTITY_PRODUCTS, "producer_type", {.key = "producer_id"}, "SELECT id, type FROM producers"},
    {&ENTITY_PRODUCTS, "cert", {.key = LATEST_STATE, .params = "ttct"}, NULL},
    {&ENTITY_PRODUCERS, "province", {.key = "commune_code"}, COMMUNE_PROVINCE},
    {&ENTITY_PRODUCERS, "commune_code", {.key = "commune_code"}, NULL},
    {&ENTITY_PRODUCERS, "type", {.key = "type"}, NULL},
    {&ENTITY_POINTS, "province", {.key = "commune_code"}, COMMUNE_PROVINCE},
    {&ENTITY_POINTS, "commune_code", {.key = "commune_code"}, NULL},
    {&ENTITY_POINTS, "kind", {.key = "kind"}, NULL},
    {&ENTITY_VILLAGES, "province", {.key = "commune_code"}, COMMUNE_PROVINCE},
    {&ENTITY_VILLAGES, "commune_code", {.key = "commune_code"}, NULL},
    {&ENTITY_VILLAGES, "traditional", {.key = "CASE WHEN traditional THEN 'true' ELSE 'false' END"}, NULL},
    /* the workspaces' lists of dossiers and rounds */
    {&ENTITY_DOSSIERS, "state", {.key = "state"}, NULL},
    {&ENTITY_DOSSIERS, "kind", {.key = "kind"}, NULL},
    {&ENTITY_DOSSIERS, "commune_code", {.key = "commune_code"}, NULL},
    {&ENTITY_DOSSIERS, "round_id", {.key = "round_id"}, NULL},
    {&ENTITY_DOSSIERS, "stars", {.key = "stars"}, NULL},
    {&ENTITY_DOSSIERS, "province_code", {.key = "province_code"}, NULL},
    {&ENTITY_DOSSIERS, "archived", {.key = "CASE WHEN archived THEN 'true' ELSE 'false' END"}, NULL},
    {&ENTITY_DOSSIERS, "overdue",
     {.key = "CASE WHEN state = 'with_commune' AND commune_due < ? THEN 'true' ELSE 'false' END", .params = "t"}, NULL},
    {&ENTITY_ROUNDS, "state", {.key = "state"}, NULL},
    {&ENTITY_ROUNDS, "year", {.key = "year"}, NULL},
    {&ENTITY_COUNCILS, "level", {.key = "level"}, NULL},
};

/* counts {value: n} summed under the value each maps to by the query rollup. New object. */
static json_t *roll_up(Db *db, json_t *counts, const char *rollup) {
    json_t *out = json_object();
    Stmt *s = db_prepare(db, rollup);
    while (db_step(s) == DB_ROW) {
        json_t *n = json_object_get(counts, db_col_text(s, 0));
        if (!n || db_col_null(s, 1)) continue;
        const char *to = db_col_text(s, 1);
        json_object_set_new(out, to, json_integer(json_integer_value(json_object_get(out, to)) + json_integer_value(n)));
    }
    db_done(s);
    return out;
}

int registry_facet(Db *db, Arena *a, const Entity *en, const ListQuery *lq, const char *param, json_t **counts, Err *e) {
    for (size_t i = 0; i < COUNT(facet_keys); i++) {
        const FacetKey *k = &facet_keys[i];
        if (k->en != en || !str_eq(k->param, param)) continue;
        if (entity_facet(db, a, en, lq, &k->sql, counts, e)) return -1;
        if (k->rollup) {
            json_t *by = roll_up(db, *counts, k->rollup);
            json_decref(*counts);
            *counts = by;
        }
        return 0;
    }
    panic("registry_facet: no facet '%s' of %s", param, en->name);
}

json_t *registry_communes(Db *db, const char *const *codes, int n) {
    json_t *out = json_object();
    if (n <= 0) return out;
    Buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT c.code, c.type, c.name, p.code, p.type, p.name FROM units c "
                   "LEFT JOIN units p ON p.geo = '2025' AND p.code = c.parent_code AND p.valid_to IS NULL "
                   "WHERE c.geo = '2025' AND c.level = 'commune' AND c.valid_to IS NULL AND c.code IN (");
    in_list(&sql, n);
    buf_putc(&sql, ')');
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_text(s, i + 1, codes[i]);
    while (db_step(s) == DB_ROW) {
        Buf c = BUF_INIT, p = BUF_INIT;
        full_name(&c, db_col_text(s, 1), db_col_text(s, 2));
        full_name(&p, db_col_text(s, 4), db_col_text(s, 5));
        json_object_set_new(out, db_col_text(s, 0),
                            json_pack("{s:s, s:s?, s:s}", "name", buf_str(&c), "province_code", db_col_text(s, 3),
                                      "province_name", buf_str(&p)));
        buf_free(&c);
        buf_free(&p);
    }
    db_done(s);
    return out;
}

/* The object of out under the decimal key of id, made when missing (borrowed). */
static json_t *card_of(json_t *out, int64_t id) {
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    json_t *o = json_object_get(out, key);
    if (!o) {
        o = json_object();
        json_object_set_new(out, key, o);
    }
    return o;
}

json_t *registry_product_cards(Db *db, const int64_t *ids, int n) {
    json_t *out = json_object();
    if (n <= 0) return out;
    char today[11];
    date_today(today);
    static const char *const sql_head[] = {
        /* the producer */
        "SELECT p.id, pr.id, pr.name FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.id IN (",
        /* the certified recognitions decided by today, the latest last */
        "SELECT product_id, stars, expires_on, ended, ended_on, cert_no, decision_date FROM recognitions "
        "WHERE stars >= ? AND decision_date <= ? AND product_id IN (",
        /* the first photo, with its sizes narrowest first */
        "SELECT p.product_id, p.id, p.sha256, v.width, v.height, v.mime, v.sha256 FROM product_photos p "
        "LEFT JOIN product_photo_variants v ON v.photo_id = p.id WHERE p.product_id IN (",
    };
    static const char *const sql_tail[] = {")", ") ORDER BY product_id, decision_date, id", ") ORDER BY p.product_id, p.id, v.width, v.mime"};
    for (int q = 0; q < 3; q++) {
        Buf sql = BUF_INIT;
        buf_puts(&sql, sql_head[q]);
        in_list(&sql, n);
        buf_puts(&sql, sql_tail[q]);
        Stmt *s = db_prepare(db, sql.p);
        buf_free(&sql);
        int bi = 1;
        if (q == 1) {
            db_bind_int(s, bi++, rubric_certified_stars(rubric_current()));
            db_bind_text(s, bi++, today);
        }
        for (int i = 0; i < n; i++) db_bind_int(s, bi++, ids[i]);
        int64_t photo_of = -1, photo_id = -1;
        while (db_step(s) == DB_ROW) {
            json_t *card = card_of(out, db_col_int(s, 0));
            if (q == 0) {
                json_object_set_new(card, "producer_id", json_integer(db_col_int(s, 1)));
                json_object_set_new(card, "producer_name", json_string(db_col_text(s, 2)));
            } else if (q == 1) {
                const char *state = recognition_state(db_col_int(s, 1), db_col_text(s, 3), db_col_text(s, 4),
                                                      db_col_text(s, 2), today);
                json_object_set_new(card, "recognition",
                                    json_pack("{s:I, s:s, s:s?, s:s?}", "stars", (json_int_t)db_col_int(s, 1), "state",
                                              state, "expires_on", db_col_text(s, 2), "cert_no", db_col_text(s, 5)));
            } else {
                int64_t pid = db_col_int(s, 0);
                if (pid == photo_of && db_col_int(s, 1) != photo_id) continue; /* the first photo only */
                if (pid != photo_of) {
                    photo_of = pid;
                    photo_id = db_col_int(s, 1);
                    json_object_set_new(card, "photo",
                                        json_pack("{s:s+, s:[]}", "url", "/files/", db_col_text(s, 2), "variants"));
                }
                if (db_col_null(s, 3)) continue;
                json_t *photo = json_object_get(card, "photo");
                const char *mime = db_col_text(s, 5);
                json_array_append_new(json_object_get(photo, "variants"),
                                      json_pack("{s:I, s:I, s:s, s:s, s:s+}", "width", (json_int_t)db_col_int(s, 3),
                                                "height", (json_int_t)db_col_int(s, 4), "format", mime + 6, "mime", mime,
                                                "url", "/files/", db_col_text(s, 6)));
            }
        }
        db_done(s);
    }
    return out;
}

json_t *registry_product_counts(Db *db, const int64_t *producer_ids, int n) {
    json_t *out = json_object();
    if (n <= 0) return out;
    Buf sql = BUF_INIT;
    buf_puts(&sql, "SELECT producer_id, count(*) FROM products WHERE producer_id IN (");
    in_list(&sql, n);
    buf_puts(&sql, ") GROUP BY producer_id");
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    for (int i = 0; i < n; i++) db_bind_int(s, i + 1, producer_ids[i]);
    while (db_step(s) == DB_ROW) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)db_col_int(s, 0));
        json_object_set_new(out, key, json_integer(db_col_int(s, 1)));
    }
    db_done(s);
    return out;
}

int64_t registry_recognition_by_cert(Db *db, const char *cert_no) {
    /* the exact number through its unique index; else the same letters in another case */
    Stmt *s = db_prepare(db, "SELECT id FROM recognitions WHERE cert_no = ?1 UNION ALL "
                             "SELECT id FROM recognitions WHERE upper(cert_no) = upper(?1) LIMIT 1");
    db_bind_text(s, 1, cert_no);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    return id;
}
