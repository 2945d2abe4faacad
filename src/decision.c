/*
** decision.c: recognition decisions, certificates and their lifecycle (see decision.h).
**
** The legal rules live here as data and in one function each: who recognises what (authority
** and level, Điều 4.1), what may be recognised (check_item), the grounds of a revocation
** (GROUNDS, Điều 8.1), the certificate's validity (36 months, Điều 4.3) and the re-evaluation
** window (180 to 120 days before expiry, Điều 7.6.a).
*/
#include "decision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "arena.h"
#include "audit.h"
#include "cert.h"
#include "dossier.h"
#include "entity.h"
#include "files.h"
#include "rubric.h"
#include "text.h"
#include "util.h"

/* The legal numbers are the rules of the law in force, read from its data file
** (data/rubrics/26-2026.json "rules" and "star_bands", each citing its article): a certificate
** is valid 36 months from its issue (Điều 4.3); the re-evaluation dossier is filed no earlier
** than 180 and no later than 120 days before it expires (Điều 7.6.a); 50 points and 3★ are the
** least a recognised product has, and who recognises which stars (Điều 3.3, 4.1) is the band's. */
#define VALID_MONTHS ((int)rubric_rule_num(rubric_current(), "certificate_valid_months"))
#define WINDOW_OPENS_DAYS ((int)rubric_rule_num(rubric_current(), "reevaluation_opens_days"))
#define WINDOW_CLOSES_DAYS ((int)rubric_rule_num(rubric_current(), "reevaluation_closes_days"))
enum { MAX_ITEMS = 200, NUMBER_MAX = 64, SIGNER_MAX = 200, NOTE_MAX = 2000 };

/* Điều 4.1.b: the Ministry recognises 5★ products. Provinces: "Ủy ban nhân dân" + the province. */
#define MINISTRY_AUTHORITY "Bộ Nông nghiệp và Môi trường"
#define MINISTRY_CODE "BO"
#define MINISTRY_KEY "bo"
#define MINISTRY_PLACE "Hà Nội" /* where the Ministry signs (the place name of its documents) */

/* QĐ 26/2026 Điều 8.1: a certificate is revoked on one of these grounds, and no other. */
static const struct {
    const char *ground, *clause, *vi, *en;
} GROUNDS[] = {
    {"false_information", "Điều 8.1.a", "Cung cấp thông tin, tài liệu không trung thực hoặc giả mạo hồ sơ",
     "untruthful information or a forged dossier"},
    {"criteria_not_met", "Điều 8.1.b", "Sản phẩm không còn đáp ứng Bộ tiêu chí OCOP theo kết luận kiểm tra, giám sát",
     "no longer meets the criteria, as an inspection concluded"},
    {"law_violation", "Điều 8.1.c",
     "Vi phạm pháp luật về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ hoặc ghi nhãn hàng hóa",
     "violates the law on quality, food safety, environment, intellectual property or labelling"},
    {"mark_misuse", "Điều 8.1.d", "Sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn",
     "misuse of the OCOP mark, misleading about the recognised product"},
    {"ceased_production", "Điều 8.1.đ", "Chủ thể không còn hoạt động sản xuất sản phẩm OCOP",
     "the producer no longer makes the product"},
    {"authority_conclusion", "Điều 8.1.e",
     "Trường hợp khác theo kết luận và đề nghị của cơ quan nhà nước có thẩm quyền",
     "another case, on the conclusion and proposal of a competent authority"},
};

static int ground_index(const char *ground) {
    for (size_t i = 0; ground && i < COUNT(GROUNDS); i++)
        if (strcmp(GROUNDS[i].ground, ground) == 0) return (int)i;
    return -1;
}

json_t *revocation_grounds(void) {
    json_t *arr = json_array();
    for (size_t i = 0; i < COUNT(GROUNDS); i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "ground", GROUNDS[i].ground, "clause",
                                             GROUNDS[i].clause, "vi", GROUNDS[i].vi, "en", GROUNDS[i].en));
    return arr;
}

const char *revocation_ground_vi(const char *ground) {
    int i = ground_index(ground);
    return i < 0 ? NULL : GROUNDS[i].vi;
}

/* ---- small helpers ------------------------------------------------------------------------- */

/* in[key] as cleaned one-line text (malloc'd) into *out; NULL when absent and not required. */
static int get_line(json_t *in, const char *key, bool required, size_t max, char **out, Err *e) {
    *out = NULL;
    json_t *v = json_object_get(in, key);
    if (!v || json_is_null(v)) return required ? err_set(e, 422, key, "%s is required", key) : 0;
    if (!json_is_string(v)) return err_set(e, 422, key, "%s must be text", key);
    char *s = text_clean_line(json_string_value(v), json_string_length(v));
    if (!s) return err_set(e, 422, key, "%s is not valid UTF-8", key);
    if (!*s) {
        free(s);
        return required ? err_set(e, 422, key, "%s is required", key) : 0;
    }
    if (strlen(s) > max) {
        free(s);
        return err_set(e, 422, key, "%s is longer than %zu bytes", key, max);
    }
    *out = s;
    return 0;
}

/* in[key] as a date that is not after today (a decision is recorded once it was signed). */
static int get_past_date(json_t *in, const char *key, char **out, Err *e) {
    if (get_line(in, key, true, 10, out, e)) return -1;
    char today[11];
    date_today(today);
    if (!date_valid(*out)) return err_set(e, 422, key, "%s must be a date YYYY-MM-DD", key);
    if (strcmp(*out, today) > 0) return err_set(e, 422, key, "%s (%s) is after today (%s): record a decision once it is signed", key, *out, today);
    return 0;
}

/* Refuse keys of in that are not in the NULL-terminated list known. */
static int only_keys(json_t *in, const char *const *known, const char *shape, Err *e) {
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        bool ok = false;
        for (int i = 0; known[i]; i++) ok |= strcmp(known[i], k) == 0;
        if (!ok) return err_set(e, 422, k, "unknown field '%s': send %s", k, shape);
    }
    return 0;
}

static int insert_event(Db *db, const Actor *who, int64_t cert, const char *event, const char *on, const char *detail,
                        Err *e) {
    char ts[32];
    ts_now(ts);
    Stmt *s = db_prepare(db, "INSERT INTO certificate_events (certificate_id, at, username, event, on_date, detail) "
                             "VALUES (?, ?, ?, ?, ?, ?)");
    db_bind_int(s, 1, cert);
    db_bind_text(s, 2, ts);
    db_bind_text(s, 3, who->username);
    db_bind_text(s, 4, event);
    db_bind_text(s, 5, on);
    db_bind_text(s, 6, detail);
    int rc = db_step(s);
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot record the certificate's %s: %s", event, db_errmsg(db));
}

/* QĐ 26/2026 Điều 4.1 and 8.2: the chair of the provincial People's Committee for 3★ and 4★
** (recorded by the province's OCOP office), the Minister for 5★ (recorded by the Ministry's
** officers or administrators).
** Before 2025-07-01 districts recognised 3★ within their province (QĐ 148/QĐ-TTg): their
** decisions are the province's to record. The system may do all, an anonymous caller nothing. */
bool decision_may_decide(const Actor *who, const char *level, const char *province) {
    if (actor_is_system(who)) return true;
    Place p = {0};
    unsigned mask = 1u << ROLE_ADMIN;
    if (level && (strcmp(level, "province") == 0 || strcmp(level, "district") == 0)) {
        snprintf(p.province, sizeof p.province, "%s", province ? province : "");
        mask |= 1u << ROLE_PROVINCE;
    } else if (level && strcmp(level, "ministry") == 0) {
        p.ministry = true;
        mask |= 1u << ROLE_MINISTRY;
    }
    return actor_covers_roles(who, mask, PERM_DECISIONS_WRITE, &p);
}

/* ---- certificates as JSON -------------------------------------------------------------------- */

#define CERT_COLS                                                                                                   \
    "c.id, c.cert_no, c.issuer_code, c.product_id, c.dossier_id, c.decision_id, c.recognition_id, c.province_code, " \
    "c.commune_code, c.producer_id, c.stars, c.level, c.product_code, c.product_name, c.producer_name, c.issuer, "    \
    "c.decision_no, c.decision_date, c.key_id, c.verify_url, c.signature, c.issued_on, c.expires_on, c.state, "       \
    "c.ended_on, c.ground, c.ground_note, c.ended_decision_no, c.superseded_by"

/* The live state: a valid certificate is expired from its expires_on even before the day's
** job recorded it. */
static const char *live_state(const char *state, const char *expires_on, const char *today) {
    return strcmp(state, "valid") == 0 && strcmp(expires_on, today) <= 0 ? "expired" : state;
}

/* The certificate of the current row as JSON. The dossier it came from is private (a dossier is
** seen only by those in its scope): only the audit trail (internal) names it, never the public
** outputs. */
static json_t *cert_row(Stmt *s, const char *today, bool internal) {
    const char *state = live_state(db_col_text(s, 23), db_col_text(s, 22), today);
    char pdf[128];
    snprintf(pdf, sizeof pdf, "/api/v1/certificates/%s/pdf", db_col_text(s, 1));
    json_t *o = json_pack("{s:I, s:s, s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s}, s:s, s:s, s:i, s:s, s:s, s:{s:I, s:s, s:s}, "
                          "s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                          "id", (json_int_t)db_col_int(s, 0), "cert_no", db_col_text(s, 1), "issuer_code", db_col_text(s, 2),
                          "product", "id", (json_int_t)db_col_int(s, 3), "code", db_col_text(s, 12), "name", db_col_text(s, 13),
                          "producer", "id", (json_int_t)db_col_int(s, 9), "name", db_col_text(s, 14),
                          "province_code", db_col_text(s, 7), "commune_code", db_col_text(s, 8),
                          "stars", (int)db_col_int(s, 10), "level", db_col_text(s, 11), "issuer", db_col_text(s, 15),
                          "decision", "id", (json_int_t)db_col_int(s, 5), "number", db_col_text(s, 16), "decided_on", db_col_text(s, 17),
                          "recognition_id", (json_int_t)db_col_int(s, 6),
                          "issued_on", db_col_text(s, 21), "expires_on", db_col_text(s, 22), "state", state,
                          "recorded_state", db_col_text(s, 23), "key_id", db_col_text(s, 18), "verify_url", db_col_text(s, 19),
                          "pdf_url", pdf, "signature", db_col_text(s, 20));
    if (internal) json_object_set_new(o, "dossier_id", json_integer(db_col_int(s, 4)));
    const char *ended = db_col_text(s, 24);
    if (strcmp(state, "expired") == 0 && !ended) ended = db_col_text(s, 22);
    json_object_set_new(o, "ended_on", ended ? json_string(ended) : json_null());
    if (strcmp(state, "valid") == 0)
        json_object_set_new(o, "days_left", json_integer(day_number(db_col_text(s, 22)) - day_number(today)));
    int g = ground_index(db_col_text(s, 25));
    if (strcmp(state, "revoked") == 0 && g >= 0)
        json_object_set_new(o, "revocation",
                            json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "ground", GROUNDS[g].ground, "clause",
                                      GROUNDS[g].clause, "vi", GROUNDS[g].vi, "en", GROUNDS[g].en, "note",
                                      db_col_text(s, 26), "decision_no", db_col_text(s, 27), "decided_on", db_col_text(s, 24)));
    else
        json_object_set_new(o, "revocation", json_null());
    const char *by = db_col_text(s, 28);
    json_object_set_new(o, "superseded_by", by ? json_string(by) : json_null());
    return o;
}

static json_t *cert_events(Db *db, int64_t id) {
    Stmt *s = db_prepare(db, "SELECT event, on_date, detail, at FROM certificate_events WHERE certificate_id = ? ORDER BY id");
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s?, s:s}", "event", db_col_text(s, 0), "on", db_col_text(s, 1),
                                             "detail", db_col_text(s, 2), "at", db_col_text(s, 3)));
    db_done(s);
    return arr;
}

json_t *certificate_get(Db *db, const char *cert_no, const char *today, Err *e) {
    Stmt *s = db_prepare(db, "SELECT " CERT_COLS " FROM certificates c WHERE c.cert_no = ?");
    db_bind_text(s, 1, cert_no);
    json_t *o = db_step(s) == DB_ROW ? cert_row(s, today, false) : NULL;
    db_done(s);
    if (!o) {
        err_set(e, 404, "cert_no", "no certificate numbered '%.64s'", cert_no);
        return NULL;
    }
    json_object_set_new(o, "history", cert_events(db, json_integer_value(json_object_get(o, "id"))));
    return o;
}

/* The filters of certificate_list, bound from parameter i on: product, live state, province. */
#define CERT_WHERE                                                                                          \
    "(? IS NULL OR c.product_id = ?) AND (? IS NULL OR (CASE WHEN c.state = 'valid' AND c.expires_on <= ? " \
    "THEN 'expired' ELSE c.state END) = ?) AND (? IS NULL OR c.province_code = ?) AND "                   \
    "(? IS NULL OR c.cert_no LIKE ? || '%' OR instr(lower(c.product_name), lower(?)) OR "               \
    "instr(lower(c.producer_name), lower(?)))"

static void bind_cert_filters(Stmt *s, const CertificateQuery *q, int64_t product) {
    if (q->product_id) {
        db_bind_int(s, 1, product);
        db_bind_int(s, 2, product);
    }
    db_bind_text(s, 3, q->state);
    db_bind_text(s, 4, q->today);
    db_bind_text(s, 5, q->state);
    db_bind_text(s, 6, q->province);
    db_bind_text(s, 7, q->province);
    for (int i = 8; i <= 11; i++) db_bind_text(s, i, q->q);
}

int certificate_list(Db *db, const CertificateQuery *q, json_t **items, int64_t *total, Err *e) {
    *items = NULL;
    int64_t product = 0;
    if (q->product_id && (!parse_i64(q->product_id, &product) || product <= 0))
        return err_set(e, 400, "product_id", "%s must be a product id (a positive whole number)", "product_id");
    static const char *const states[] = {"valid", "expired", "revoked", "superseded", NULL};
    bool ok = !q->state;
    for (int i = 0; q->state && states[i]; i++) ok |= strcmp(states[i], q->state) == 0;
    if (!ok) return err_set(e, 400, "state", "%s must be valid, expired, revoked or superseded", "state");
    if (q->province && strlen(q->province) > 7) return err_set(e, 400, "province", "%s must be a province code", "province");
    if (q->q && strlen(q->q) > 100) return err_set(e, 400, "q", "%s is at most 100 bytes", "q");
    const char *order = "c.id DESC";
    if (q->sort && !strcmp(q->sort, "expires")) order = "c.expires_on, c.id";
    else if (q->sort && !strcmp(q->sort, "number")) order = "c.cert_no";
    else if (q->sort && strcmp(q->sort, "newest")) return err_set(e, 400, "sort", "%s must be newest, expires or number", "sort");
    Stmt *s = db_prepare(db, "SELECT count(*) FROM certificates c WHERE " CERT_WHERE);
    bind_cert_filters(s, q, product);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    char sql[sizeof("SELECT " CERT_COLS " FROM certificates c WHERE " CERT_WHERE) + 64];
    snprintf(sql, sizeof sql, "%s ORDER BY %s LIMIT ? OFFSET ?", "SELECT " CERT_COLS " FROM certificates c WHERE " CERT_WHERE,
             order);
    s = db_prepare(db, sql);
    bind_cert_filters(s, q, product);
    db_bind_int(s, 12, q->limit);
    db_bind_int(s, 13, q->offset);
    *items = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(*items, cert_row(s, q->today, false));
    db_done(s);
    return 0;
}

int certificate_pdf(Db *db, const char *files_dir, const char *cert_no, char **data, size_t *n, Err *e) {
    Stmt *s = db_prepare(db, "SELECT pdf_sha256 FROM certificates WHERE cert_no = ?");
    db_bind_text(s, 1, cert_no);
    char sha[65] = "";
    if (db_step(s) == DB_ROW) snprintf(sha, sizeof sha, "%s", db_col_text(s, 0));
    db_done(s);
    if (!sha[0]) return err_set(e, 404, "cert_no", "no certificate numbered '%.64s'", cert_no);
    *data = files_get(files_dir, sha, n, e);
    return *data ? 0 : -1;
}

/* ---- decisions as JSON ------------------------------------------------------------------------ */

/* The items of decision id; the dossiers only when internal (they are not public: see cert_row). */
static json_t *decision_items(Db *db, int64_t id, const char *today, bool internal) {
    Stmt *s = db_prepare(db, "SELECT i.dossier_id, i.product_id, p.code, p.name, i.stars, i.avg_score, i.recognition_id, "
                             "c.cert_no, c.state, c.expires_on FROM decision_items i JOIN products p ON p.id = i.product_id "
                             "LEFT JOIN certificates c ON c.id = i.certificate_id WHERE i.decision_id = ? ORDER BY i.id");
    db_bind_int(s, 1, id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) {
        const char *state = db_col_text(s, 8) ? live_state(db_col_text(s, 8), db_col_text(s, 9), today) : NULL;
        json_t *it = json_pack("{s:{s:I, s:s?, s:s}, s:i, s:f, s:I, s:s?, s:s?}", "product", "id",
                               (json_int_t)db_col_int(s, 1), "code", db_col_text(s, 2), "name", db_col_text(s, 3), "stars",
                               (int)db_col_int(s, 4), "avg_score", db_col_double(s, 5), "recognition_id",
                               (json_int_t)db_col_int(s, 6), "cert_no", db_col_text(s, 7), "certificate_state", state);
        if (internal) json_object_set_new(it, "dossier_id", json_integer(db_col_int(s, 0)));
        json_array_append_new(arr, it);
    }
    db_done(s);
    return arr;
}

#define DECISION_COLS "id, number, decided_on, level, authority, province_code, signer_name, signer_title, note, created_at"

static json_t *decision_row(Db *db, Stmt *s, const char *today, bool internal) {
    int64_t id = db_col_int(s, 0);
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:s, s:o}", "id", (json_int_t)id, "number",
                     db_col_text(s, 1), "decided_on", db_col_text(s, 2), "level", db_col_text(s, 3), "authority",
                     db_col_text(s, 4), "province_code", db_col_text(s, 5), "signer_name", db_col_text(s, 6),
                     "signer_title", db_col_text(s, 7), "note", db_col_text(s, 8), "created_at", db_col_text(s, 9),
                     "items", decision_items(db, id, today, internal));
}

json_t *decision_get(Db *db, int64_t id, bool internal, Err *e) {
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(db, "SELECT " DECISION_COLS " FROM decisions WHERE id = ?");
    db_bind_int(s, 1, id);
    bool found = db_step(s) == DB_ROW;
    /* decision_items prepares its own statement: read this row's values first */
    json_t *o = found ? decision_row(db, s, today, internal) : NULL;
    db_done(s);
    if (!o) err_set(e, 404, "id", "no decision with id %lld", (long long)id);
    return o;
}

#define DECISION_WHERE                                                                               \
    "(? IS NULL OR coalesce(province_code, 'bo') = ?) AND (? IS NULL OR level = ?) AND " \
    "(? IS NULL OR decided_on LIKE (CAST(? AS TEXT) || '-%'))"

static void bind_decision_filters(Stmt *s, const DecisionQuery *q) {
    const char *v[] = {q->province, q->level, q->year};
    for (int i = 0; i < 3; i++) {
        db_bind_text(s, 2 * i + 1, v[i]);
        db_bind_text(s, 2 * i + 2, v[i]);
    }
}

int decision_list(Db *db, const DecisionQuery *q, json_t **items, int64_t *total, Err *e) {
    *items = NULL;
    int64_t year;
    if (q->year && (!parse_i64(q->year, &year) || year < 2000 || year > 2999))
        return err_set(e, 400, "year", "%s must be a year such as 2026", "year");
    if (q->level && strcmp(q->level, "province") && strcmp(q->level, "ministry"))
        return err_set(e, 400, "level", "%s must be province or ministry", "level");
    if (q->province && strlen(q->province) > 7) return err_set(e, 400, "province", "%s must be a province code (or bo)", "province");
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(db, "SELECT count(*) FROM decisions WHERE " DECISION_WHERE);
    bind_decision_filters(s, q);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    s = db_prepare(db, q->oldest_first ? "SELECT " DECISION_COLS " FROM decisions WHERE " DECISION_WHERE
                                         " ORDER BY decided_on, id LIMIT ? OFFSET ?"
                                       : "SELECT " DECISION_COLS " FROM decisions WHERE " DECISION_WHERE
                                         " ORDER BY decided_on DESC, id DESC LIMIT ? OFFSET ?");
    bind_decision_filters(s, q);
    db_bind_int(s, 7, q->limit);
    db_bind_int(s, 8, q->offset);
    *items = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(*items, decision_row(db, s, today, false));
    db_done(s);
    return 0;
}

/* ---- recording a decision ---------------------------------------------------------------------- */

/* The decision as given, cleaned. */
typedef struct DecIn {
    char *number, *decided_on, *level, *province, *signer_name, *signer_title, *note;
    char authority[256];
    char place[128]; /* where it is signed, for the certificate's date line: the province's name */
    int64_t *dossiers;
    size_t n;
} DecIn;

static void decin_free(DecIn *d) {
    free(d->number), free(d->decided_on), free(d->level), free(d->province), free(d->signer_name);
    free(d->signer_title), free(d->note), free(d->dossiers);
}

/* The authority that decides at d's level (Điều 4.1), into d->authority. */
static int authority_of(Db *db, DecIn *d, Err *e) {
    if (strcmp(d->level, "ministry") == 0) {
        snprintf(d->authority, sizeof d->authority, "%s", MINISTRY_AUTHORITY);
        snprintf(d->place, sizeof d->place, "%s", MINISTRY_PLACE);
        return 0;
    }
    Stmt *s = db_prepare(db, "SELECT type, name FROM units WHERE code = ? AND geo = '2025' AND level = 'province' "
                             "AND valid_to IS NULL");
    db_bind_text(s, 1, d->province);
    bool found = db_step(s) == DB_ROW;
    if (found) {
        snprintf(d->authority, sizeof d->authority, "Ủy ban nhân dân %s %s", db_col_text(s, 0), db_col_text(s, 1));
        snprintf(d->place, sizeof d->place, "%s", db_col_text(s, 1));
    }
    db_done(s);
    return found ? 0 : err_set(e, 422, "province_code", "'%s' is not the code of a province in force", d->province);
}

static int parse_decision(Db *db, const Actor *who, json_t *in, DecIn *d, Err *e) {
    static const char *const keys[] = {"number", "decided_on", "level", "province_code", "signer_name",
                                       "signer_title", "note", "items", NULL};
    if (only_keys(in, keys, "{number, decided_on, level, province_code?, signer_name, signer_title, note?, items: [{dossier_id}]}", e) ||
        get_line(in, "number", true, NUMBER_MAX, &d->number, e) || get_past_date(in, "decided_on", &d->decided_on, e) ||
        get_line(in, "level", true, 16, &d->level, e) || get_line(in, "province_code", false, 7, &d->province, e) ||
        get_line(in, "signer_name", true, SIGNER_MAX, &d->signer_name, e) ||
        get_line(in, "signer_title", true, SIGNER_MAX, &d->signer_title, e) || get_line(in, "note", false, NOTE_MAX, &d->note, e))
        return -1;
    bool ministry = strcmp(d->level, "ministry") == 0;
    if (!ministry && strcmp(d->level, "province") != 0)
        return err_set(e, 422, "level", "%s must be province (3★ and 4★, by the provincial People's Committee) or ministry (5★)", "level");
    if (ministry && d->province)
        return err_set(e, 422, "province_code", "the Ministry's decisions belong to no province: leave province_code out");
    if (!ministry && !d->province) {
        char one[8];
        if (!actor_auth(who) || !auth_single_province(actor_auth(who), PERM_DECISIONS_WRITE, one))
            return err_set(e, 422, "province_code", "%s is required: the province whose People's Committee decides", "province_code");
        d->province = xstrdup(one);
    }
    json_t *items = json_object_get(in, "items");
    if (!json_is_array(items) || json_array_size(items) == 0)
        return err_set(e, 422, "items", "%s must be a non-empty list of {\"dossier_id\": N}", "items");
    if (json_array_size(items) > MAX_ITEMS) return err_set(e, 422, "items", "at most %d items in one decision", MAX_ITEMS);
    d->n = json_array_size(items);
    d->dossiers = xcalloc(d->n, sizeof *d->dossiers);
    for (size_t i = 0; i < d->n; i++) {
        json_t *it = json_array_get(items, i), *v = json_object_get(it, "dossier_id");
        char f[32];
        snprintf(f, sizeof f, "items[%zu]", i);
        if (!json_is_object(it) || json_object_size(it) != 1 || !json_is_integer(v) || json_integer_value(v) <= 0)
            return err_set(e, 422, f, "%s must be {\"dossier_id\": N}", f);
        d->dossiers[i] = json_integer_value(v);
        for (size_t k = 0; k < i; k++)
            if (d->dossiers[k] == d->dossiers[i])
                return err_set(e, 422, f, "%s: dossier %lld is listed twice", f, (long long)d->dossiers[i]);
    }
    if (!decision_may_decide(who, d->level, d->province))
        return ministry ? err_set(e, 403, "level", "the Ministry's decisions (5★) are recorded by administrators")
                        : err_set(e, 403, "province_code", "your roles may not record decisions of province %s", d->province);
    return authority_of(db, d, e);
}

/* One item: the dossier and what the decision makes of it. */
typedef struct Item {
    int64_t dossier, product, producer;
    char kind[16], commune[16], province[8], state[24], version[16];
    int set_no, stars;
    double avg;
} Item;

/* Why item i (dossier d->dossiers[i]) may not be recognised by d, or 0 with it filled. The
** rules: a dossier of the decision's province, scored by the council, not decided before; 50
** points or more and 3 stars or more (QĐ 26/2026 Điều 3.3, 4.1.a: no decision and no
** certificate for 1★ and 2★); 3★ and 4★ by the province, 5★ by the Ministry (Điều 4.1); an
** upgrade above the stars in force; and no renewal (re-evaluation, upgrade) of a product whose
** certificate was revoked. */
static int check_item(Db *db, const DecIn *d, size_t i, Item *it, Err *e) {
    char f[32];
    snprintf(f, sizeof f, "items[%zu]", i);
    memset(it, 0, sizeof *it);
    it->dossier = d->dossiers[i];
    bool ministry = strcmp(d->level, "ministry") == 0;
    Stmt *s = db_prepare(db, "SELECT state, province_code, commune_code, product_id, producer_id, kind, avg_score, stars, "
                             "rubric_version, set_no FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, it->dossier);
    bool found = db_step(s) == DB_ROW && (ministry || str_eq(db_col_text(s, 1), d->province));
    if (found) {
        snprintf(it->state, sizeof it->state, "%s", db_col_text(s, 0));
        snprintf(it->province, sizeof it->province, "%s", db_col_text(s, 1));
        snprintf(it->commune, sizeof it->commune, "%s", db_col_text(s, 2));
        it->product = db_col_int(s, 3);
        it->producer = db_col_int(s, 4);
        snprintf(it->kind, sizeof it->kind, "%s", db_col_text(s, 5));
        it->avg = db_col_null(s, 6) ? -1 : db_col_double(s, 6);
        it->stars = db_col_null(s, 7) ? 0 : (int)db_col_int(s, 7);
        snprintf(it->version, sizeof it->version, "%s", db_col_text(s, 8));
        it->set_no = (int)db_col_int(s, 9);
    }
    db_done(s);
    if (!found)
        return err_set(e, 422, f, "%s: there is no dossier %lld%s%s", f, (long long)it->dossier, ministry ? "" : " in province ",
                       ministry ? "" : d->province);
    s = db_prepare(db, "SELECT d.number, d.decided_on FROM decision_items i JOIN decisions d ON d.id = i.decision_id "
                       "WHERE i.dossier_id = ?");
    db_bind_int(s, 1, it->dossier);
    int rc = 0;
    char date[11];
    if (db_step(s) == DB_ROW)
        rc = err_set(e, 422, f, "%s: dossier %lld was decided already, by decision %s of %s", f, (long long)it->dossier,
                     db_col_text(s, 0), lang_date(db_col_text(s, 1), date));
    db_done(s);
    if (rc) return rc;
    /* The province decides on its council's score (3★, 4★) or on the Ministry's when that came
    ** under 90 (Điều 4.1); the Ministry decides 5★ on its own council's score. */
    bool by_ministry = strcmp(it->state, "ministry_scored") == 0;
    if (strcmp(it->state, "scored") != 0 && !by_ministry)
        return err_set(e, 422, f, "%s: dossier %lld is %s: only a dossier the council has scored (closed with a quorum) is decided",
                       f, (long long)it->dossier, it->state);
    if (ministry && !by_ministry)
        return err_set(e, 422, f, "%s: dossier %lld was scored by the province's council: send it to the Ministry (action send_to_ministry) for the Ministry council's scoring first",
                       f, (long long)it->dossier);
    /* A decision follows the council's scoring: it cannot be dated before it. */
    s = db_prepare(db, "SELECT max(at) FROM dossier_events WHERE dossier_id = ? AND action = 'close_scoring'");
    db_bind_int(s, 1, it->dossier);
    char closed[11] = "";
    if (db_step(s) == DB_ROW && db_col_text(s, 0)) snprintf(closed, sizeof closed, "%.10s", db_col_text(s, 0));
    db_done(s);
    if (closed[0] && strcmp(d->decided_on, closed) < 0)
        return err_set(e, 422, "decided_on", "the decision (%s) cannot be dated before the council scored dossier %lld (%s)",
                       d->decided_on, (long long)it->dossier, closed);
    const Rubric *rub = rubric_get(it->version);
    const RubBand *band = rubric_band_of(rub, it->stars);
    double least = rub ? rubric_certified_min(rub) : 1e9;
    if (it->avg < least)
        return err_set(e, 422, f, "%s: dossier %lld scored %.2f, under %.0f points: no recognition and no certificate (QĐ 26/2026 Điều 3.3, 4.1.a)",
                       f, (long long)it->dossier, it->avg < 0 ? 0 : it->avg, least);
    if (!band || !band->certified)
        return err_set(e, 422, f, "%s: dossier %lld reached %d★ (minimums of the certified stars not met): no certificate for %d★ (QĐ 26/2026 Điều 4.1.a)",
                       f, (long long)it->dossier, it->stars, it->stars);
    /* Who recognises the stars reached: the band of the law in force says (Điều 4.1). */
    const RubBand *now = rubric_band_of(rubric_current(), it->stars);
    bool by_ministry_level = now && str_eq(now->recognised_at, "ministry");
    if (by_ministry_level && !ministry)
        return err_set(e, 422, f, "%s: dossier %lld reached %d★: %d★ goes to the Ministry (Bộ Nông nghiệp và Môi trường); a province decision recognises the stars below (QĐ 26/2026 Điều 4.1)",
                       f, (long long)it->dossier, it->stars, it->stars);
    if (!by_ministry_level && ministry)
        return err_set(e, 422, f, "%s: dossier %lld reached %d★: the Ministry recognises 5★; %d★ is recognised by the province (QĐ 26/2026 Điều 4.1)",
                       f, (long long)it->dossier, it->stars, it->stars);
    bool renewal = strcmp(it->kind, "first") != 0;
    s = db_prepare(db, "SELECT ended, ended_on, cert_no, stars, expires_on FROM recognitions WHERE product_id = ? AND stars >= ? "
                       "AND decision_date <= ? ORDER BY decision_date DESC, id DESC LIMIT 1");
    db_bind_int(s, 1, it->product);
    db_bind_int(s, 2, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 3, d->decided_on);
    if (db_step(s) == DB_ROW) {
        const char *ended = db_col_text(s, 0), *cert = db_col_text(s, 2);
        bool in_force = !ended && db_col_text(s, 4) && strcmp(db_col_text(s, 4), d->decided_on) > 0;
        if (renewal && str_eq(ended, "revoked"))
            rc = err_set(e, 422, f, "%s: the product's certificate%s%s was revoked on %s: a revoked certificate is not renewed (file a first evaluation)",
                         f, cert ? " " : "", cert ? cert : "", lang_date(db_col_text(s, 1), date));
        else if (strcmp(it->kind, "upgrade") == 0 && in_force && db_col_int(s, 3) >= it->stars)
            rc = err_set(e, 422, f, "%s: an upgrade must reach more than the %d★ in force; dossier %lld reached %d★", f,
                         (int)db_col_int(s, 3), (long long)it->dossier, it->stars);
    }
    db_done(s);
    return rc;
}

/* The product's fields for its certificate. */
typedef struct ProductInfo {
    char code[40], name[400], producer[400], address[600], set_name[400];
} ProductInfo;

/* The producer's address as the certificate prints it: as recorded, then its commune and its
** province (type and name from the units data) unless the address names them already: "Ấp 2,
** xã Mỏ Cày, tỉnh Vĩnh Long". */
static void full_address(const char *address, const char *const unit[4], char *out, size_t n) {
    Buf b = BUF_INIT;
    if (address && *address) buf_puts(&b, address);
    for (int i = 0; i < 4; i += 2)
        if (unit[i] && unit[i + 1] && !strstr(buf_str(&b), unit[i + 1]))
            buf_printf(&b, "%s%s %s", b.n ? ", " : "", unit[i], unit[i + 1]);
    snprintf(out, n, "%s", buf_str(&b));
    buf_free(&b);
}

static int product_info(Db *db, const Item *it, ProductInfo *pi, const char *f, Err *e) {
    Stmt *s = db_prepare(db, "SELECT p.code, p.name, pr.name, pr.address, ps.name, cm.type, cm.name, pv.type, "
                             "pv.name FROM products p "
                             "JOIN producers pr ON pr.id = p.producer_id "
                             "LEFT JOIN units cm ON cm.code = pr.commune_code AND cm.geo = '2025' AND cm.level = 'commune' "
                             "AND cm.valid_to IS NULL "
                             "LEFT JOIN units pv ON pv.code = cm.parent_code AND pv.geo = '2025' AND pv.level = 'province' "
                             "AND pv.valid_to IS NULL "
                             "LEFT JOIN product_sets ps ON ps.version = ? AND ps.set_no = ? WHERE p.id = ?");
    db_bind_text(s, 1, it->version);
    db_bind_int(s, 2, it->set_no);
    db_bind_int(s, 3, it->product);
    memset(pi, 0, sizeof *pi);
    int rc = 0;
    if (db_step(s) != DB_ROW) rc = err_set(e, 422, f, "%s: there is no product %lld", f, (long long)it->product);
    else if (!db_col_text(s, 0)) rc = err_set(e, 422, f, "%s: product %lld has no product code", f, (long long)it->product);
    else {
        snprintf(pi->code, sizeof pi->code, "%s", db_col_text(s, 0));
        snprintf(pi->name, sizeof pi->name, "%s", db_col_text(s, 1));
        snprintf(pi->producer, sizeof pi->producer, "%s", db_col_text(s, 2));
        const char *unit[4] = {db_col_text(s, 5), db_col_text(s, 6), db_col_text(s, 7), db_col_text(s, 8)};
        full_address(db_col_text(s, 3), unit, pi->address, sizeof pi->address);
        snprintf(pi->set_name, sizeof pi->set_name, "%s", db_col_text(s, 4) ? db_col_text(s, 4) : "");
    }
    db_done(s);
    return rc;
}

/* ocop's own certificate numbers: (T)-(Năm)-(NNNN), T the issuer (province code or "BO"). */
#define CERT_NO_FORMAT "%s-%04d-%04lld"

bool certificate_no_is_ours(const char *cert_no) {
    if (!cert_no) return false;
    const char *p = cert_no;
    if (strncasecmp(p, MINISTRY_CODE, 2) == 0) p += 2;
    else if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') p += 2;
    else return false;
    size_t year = *p == '-' ? strspn(p + 1, "0123456789") : 0;
    if (year != 4 || p[5] != '-') return false;
    p += 6;
    size_t serial = strspn(p, "0123456789");
    return serial >= 4 && !p[serial];
}

/* The next certificate number of issuer (province code or "BO") in year: (T)-(Năm)-(NNNN). */
static int64_t next_serial(Db *db, const char *issuer, int year) {
    Stmt *s = db_prepare(db, "SELECT coalesce(max(serial), 0) + 1 FROM certificates WHERE issuer_code = ? AND year = ?");
    db_bind_text(s, 1, issuer);
    db_bind_int(s, 2, year);
    int64_t n = db_step(s) == DB_ROW ? db_col_int(s, 0) : 1;
    db_done(s);
    return n;
}

/* Audit entry on certificate id (entity "certificates") with its JSON after the change. */
static int audit_cert(Db *db, const Actor *who, const char *action, int64_t id, json_t *before, Err *e) {
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(db, "SELECT " CERT_COLS " FROM certificates c WHERE c.id = ?");
    db_bind_int(s, 1, id);
    json_t *after = db_step(s) == DB_ROW ? cert_row(s, today, true) : NULL;
    db_done(s);
    json_object_del(after, "signature");
    int rc = audit_append_json(db, who, action, "certificates", id, obj_str(after, "province_code"), before, after, e);
    json_decref(after);
    return rc;
}

/* End the product's certificates and recognitions in force as the new one (recognition rec,
** already on record; its certificate not yet) takes over: an upgrade or a re-recognition
** supersedes them. */
static int supersede(Db *db, Arena *a, const Actor *who, const DecIn *d, const Item *it, int64_t rec, const char *cert_no,
                     Err *e) {
    char date[11];
    Buf why = BUF_INIT;
    buf_printf(&why, "Thay thế bởi giấy chứng nhận %s (Quyết định số %s ngày %s)", cert_no, d->number,
               lang_date(d->decided_on, date));
    Stmt *s = db_prepare(db, "SELECT id FROM certificates WHERE product_id = ? AND state = 'valid' ORDER BY id");
    db_bind_int(s, 1, it->product);
    int64_t ids[16];
    int n = 0, rc = 0;
    while (db_step(s) == DB_ROW && n < (int)COUNT(ids)) ids[n++] = db_col_int(s, 0);
    db_done(s);
    for (int i = 0; i < n && !rc; i++) {
        s = db_prepare(db, "UPDATE certificates SET state = 'superseded', ended_on = ?, superseded_by = ? WHERE id = ?");
        db_bind_text(s, 1, d->decided_on);
        db_bind_text(s, 2, cert_no);
        db_bind_int(s, 3, ids[i]);
        db_step(s);
        db_done(s);
        rc = insert_event(db, who, ids[i], "superseded", d->decided_on, buf_str(&why), e) ||
             audit_cert(db, who, "supersede", ids[i], NULL, e);
    }
    n = 0;
    s = db_prepare(db, "SELECT id FROM recognitions WHERE product_id = ? AND ended IS NULL AND stars >= ? AND "
                       "decision_date <= ? AND (expires_on IS NULL OR expires_on > ?) AND id <> ? ORDER BY id");
    db_bind_int(s, 1, it->product);
    db_bind_int(s, 2, rubric_certified_stars(rubric_current()));
    db_bind_text(s, 3, d->decided_on);
    db_bind_text(s, 4, d->decided_on);
    db_bind_int(s, 5, rec);
    while (db_step(s) == DB_ROW && n < (int)COUNT(ids)) ids[n++] = db_col_int(s, 0);
    db_done(s);
    for (int i = 0; i < n && !rc; i++) {
        json_t *patch = json_pack("{s:s, s:s, s:s}", "ended", "superseded", "ended_on", d->decided_on, "ended_reason", buf_str(&why));
        /* the right comes from the decision (decision_may_decide), not from who's reach: the
        ** Ministry's 5★ ends the province's 4★ */
        rc = entity_update_unchecked(db, a, &ENTITY_RECOGNITIONS, who, ids[i], patch, e);
        json_decref(patch);
    }
    buf_free(&why);
    return rc;
}

/* Move the dossier to decided with its result, as dossier.c records a step: an event and an
** audit entry. */
static int decide_dossier(Db *db, const Actor *who, const DecIn *d, const Item *it, const char *cert_no, Err *e) {
    json_t *before = entity_get(db, &ENTITY_DOSSIERS, it->dossier, e);
    if (!before) return -1;
    char ts[32], date[11];
    ts_now(ts);
    Stmt *s = db_prepare(db, "UPDATE dossiers SET state = 'decided', result = 'recognized', updated_at = ? WHERE id = ?");
    db_bind_text(s, 1, ts);
    db_bind_int(s, 2, it->dossier);
    db_step(s);
    db_done(s);
    Buf c = BUF_INIT;
    buf_printf(&c, "Quyết định số %s ngày %s: công nhận %d sao, giấy chứng nhận %s", d->number, lang_date(d->decided_on, date),
               it->stars, cert_no);
    int rc = dossier_record_event(db, who, it->dossier, "decide", it->state, "decided", buf_str(&c), e);
    buf_free(&c);
    json_t *after = rc ? NULL : entity_get(db, &ENTITY_DOSSIERS, it->dossier, e);
    if (after) json_object_set_new(after, "result", json_string("recognized"));
    if (!rc) rc = after ? audit_append_json(db, who, "dossier.decide", "dossiers", it->dossier, it->province, before, after, e) : -1;
    json_decref(before);
    json_decref(after);
    return rc;
}

/* The signing key of the authority deciding d: its id and secret key. QĐ 26/2026 Điều 4.1:
** the province's key for its 3★ and 4★, the Ministry's ("bo") for 5★. */
static int signing_key(Db *db, const DecisionEnv *env, const DecIn *d, char key_id[32],
                       unsigned char sk[crypto_sign_SECRETKEYBYTES], Err *e) {
    bool ministry = strcmp(d->level, "ministry") == 0;
    const char *auth = ministry ? MINISTRY_KEY : d->province;
    Err ke = ERR_INIT;
    if (cert_key_current(db, auth, key_id, &ke))
        return err_set(e, 409, "level", "no signing key for %s%s: run `ocop key generate %s`", ministry ? "the Ministry, " : "province ",
                       auth, auth);
    if (cert_key_signing(db, env->keys_dir, key_id, sk, &ke))
        return err_set(e, 409, "level", "the signing key %s of %s cannot be used: %s", key_id, auth, ke.detail);
    return 0;
}

/* Issue item i of decision did: certificate number, PDF, recognition, superseding, dossier. */
static int issue(Db *db, Arena *a, const Actor *who, const DecisionEnv *env, const DecIn *d, int64_t did, size_t i,
                 const Item *it, const char *key_id, const unsigned char *sk, Err *e) {
    char f[32];
    snprintf(f, sizeof f, "items[%zu]", i);
    ProductInfo pi;
    if (product_info(db, it, &pi, f, e)) return -1;
    bool ministry = strcmp(d->level, "ministry") == 0;
    const char *issuer_code = ministry ? MINISTRY_CODE : d->province;
    int year = atoi(d->decided_on);
    int64_t serial = next_serial(db, issuer_code, year);
    char cert_no[40], expires[11], url[700];
    snprintf(cert_no, sizeof cert_no, CERT_NO_FORMAT, issuer_code, year, (long long)serial);
    date_add_months(d->decided_on, VALID_MONTHS, expires);
    snprintf(url, sizeof url, "%s/xac-minh/%s", env->public_url, cert_no);
    CertData c = {
        .cert_no = cert_no, .product_name = pi.name, .product_code = pi.code, .producer_name = pi.producer,
        .producer_address = pi.address[0] ? pi.address : NULL, .set_name = pi.set_name[0] ? pi.set_name : NULL,
        .stars = it->stars, .level = d->level, .issuer = d->authority, .decision_no = d->number,
        .decision_date = d->decided_on, .issued_on = d->decided_on, .expires_on = expires,
        .signer_name = d->signer_name, .signer_title = d->signer_title, .verify_url = url, .key_id = key_id,
        .place = d->place[0] ? d->place : NULL,
    };
    char *pdf = NULL, *sig = NULL, sha[65];
    size_t n = 0;
    if (cert_pdf(&c, sk, &pdf, &n, e) || cert_signature_string(&c, sk, &sig, e)) {
        free(pdf);
        char why[sizeof e->detail];
        snprintf(why, sizeof why, "%s", e->detail);
        return err_set(e, e->status == 422 ? 422 : 500, f, "%s: the certificate cannot be made: %s", f, why);
    }
    int rc = files_put(env->files_dir, pdf, n, sha, e);
    free(pdf);
    int64_t rec = 0, cid = 0;
    if (!rc) {
        /* decision_id marks the recognition as this decision's (registry.c: only it may hold
        ** a number of ocop's series, and the generic routes cannot change it). */
        json_t *r = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:f, s:s, s:I}", "product_id", (json_int_t)it->product, "stars",
                              it->stars, "level", d->level, "decision_no", d->number, "decision_date", d->decided_on,
                              "cert_no", cert_no, "score", it->avg, "expires_on", expires, "decision_id", (json_int_t)did);
        rc = entity_insert(db, a, &ENTITY_RECOGNITIONS, who, r, &rec, e);
        json_decref(r);
    }
    /* Once the new recognition is on record: it is what supersedes the old ones (registry.c
    ** lets a recognition of another level end so), and it is not among them. */
    if (!rc) rc = supersede(db, a, who, d, it, rec, cert_no, e);
    if (!rc) {
        char ts[32];
        ts_now(ts);
        Stmt *s = db_prepare(db,
            "INSERT INTO certificates (cert_no, issuer_code, year, serial, product_id, dossier_id, decision_id, "
            "recognition_id, province_code, commune_code, producer_id, stars, level, product_code, product_name, "
            "producer_name, issuer, decision_no, decision_date, key_id, verify_url, signature, issued_on, expires_on, "
            "pdf_sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id");
        const char *texts[] = {cert_no, issuer_code};
        for (int k = 0; k < 2; k++) db_bind_text(s, k + 1, texts[k]);
        db_bind_int(s, 3, year);
        db_bind_int(s, 4, serial);
        db_bind_int(s, 5, it->product);
        db_bind_int(s, 6, it->dossier);
        db_bind_int(s, 7, did);
        db_bind_int(s, 8, rec);
        db_bind_text(s, 9, it->province);
        db_bind_text(s, 10, it->commune);
        db_bind_int(s, 11, it->producer);
        db_bind_int(s, 12, it->stars);
        const char *more[] = {d->level, pi.code, pi.name, pi.producer, d->authority, d->number, d->decided_on, key_id, url,
                              sig, d->decided_on, expires, sha, ts};
        for (int k = 0; k < (int)COUNT(more); k++) db_bind_text(s, 13 + k, more[k]);
        if (db_step(s) == DB_ROW) cid = db_col_int(s, 0);
        else rc = err_set(e, 500, "", "cannot record certificate %s: %s", cert_no, db_errmsg(db));
        db_done(s);
    }
    free(sig);
    if (!rc) rc = insert_event(db, who, cid, "issued", d->decided_on, d->number, e);
    if (!rc) {
        Stmt *s = db_prepare(db, "INSERT INTO decision_items (decision_id, dossier_id, product_id, stars, avg_score, "
                                 "recognition_id, certificate_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
        db_bind_int(s, 1, did);
        db_bind_int(s, 2, it->dossier);
        db_bind_int(s, 3, it->product);
        db_bind_int(s, 4, it->stars);
        db_bind_double(s, 5, it->avg);
        db_bind_int(s, 6, rec);
        db_bind_int(s, 7, cid);
        if (db_step(s) != DB_DONE) rc = err_set(e, 500, "", "cannot record the decision's item: %s", db_errmsg(db));
        db_done(s);
    }
    if (!rc) rc = audit_cert(db, who, "issue", cid, NULL, e);
    if (!rc) rc = decide_dossier(db, who, d, it, cert_no, e);
    return rc;
}

static int64_t insert_decision(Db *db, const Actor *who, const DecIn *d, Err *e) {
    Stmt *s = db_prepare(db, "SELECT id FROM decisions WHERE coalesce(province_code, 'bo') = ? AND number = ?");
    db_bind_text(s, 1, d->province ? d->province : "bo");
    db_bind_text(s, 2, d->number);
    bool dup = db_step(s) == DB_ROW;
    db_done(s);
    if (dup) {
        err_set(e, 409, "number", "%s has recorded a decision numbered %s already", d->authority, d->number);
        return 0;
    }
    char ts[32];
    ts_now(ts);
    s = db_prepare(db, "INSERT INTO decisions (number, decided_on, level, authority, province_code, signer_name, signer_title, "
                       "note, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    const char *v[] = {d->number, d->decided_on, d->level, d->authority, d->province, d->signer_name, d->signer_title,
                       d->note, ts, who->username};
    for (int k = 0; k < (int)COUNT(v); k++) db_bind_text(s, k + 1, v[k]);
    int64_t id = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);
    if (!id) err_set(e, 500, "", "cannot record the decision: %s", db_errmsg(db));
    return id;
}

/* A certificate's QR code and signature carry its verification address for its whole life: never
** one that opens nothing for its reader (loopback, unset), except in the demo and the tests,
** which opt in explicitly. */
static int public_url_usable(const DecisionEnv *env, Err *e) {
    if (env->insecure_public_url || cert_url_public(env->public_url)) return 0;
    return err_set(e, 409, "public_url",
                   "certificates are not issued while the server's public address is %s: their QR codes would open "
                   "nothing for their readers; start ocop serve with --public-url https://... (or OCOP_PUBLIC_URL)",
                   env->public_url && *env->public_url ? env->public_url : "not set");
}

int decision_create(Db *db, const Actor *who, const DecisionEnv *env, json_t *in, int64_t *id, Err *e) {
    DecIn d = {0};
    *id = 0;
    if (actor_require(who, e)) return -1;
    if (parse_decision(db, who, in, &d, e) || public_url_usable(env, e)) {
        decin_free(&d);
        return -1;
    }
    Item *items = xcalloc(d.n, sizeof *items);
    Arena a = {0};
    char key_id[32];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    int rc = db_begin(db, e);
    for (size_t i = 0; i < d.n && !rc; i++) {
        rc = check_item(db, &d, i, &items[i], e);
        for (size_t k = 0; k < i && !rc; k++)
            if (items[k].product == items[i].product)
                rc = err_set(e, 422, "items", "items[%zu]: the product of dossier %lld is in items[%zu] already", i,
                             (long long)items[i].dossier, k);
    }
    if (!rc) rc = signing_key(db, env, &d, key_id, sk, e);
    int64_t did = rc ? 0 : insert_decision(db, who, &d, e);
    if (!rc && !did) rc = -1;
    for (size_t i = 0; i < d.n && !rc; i++) rc = issue(db, &a, who, env, &d, did, i, &items[i], key_id, sk, e);
    sodium_memzero(sk, sizeof sk);
    if (!rc) {
        json_t *after = decision_get(db, did, true, e);
        rc = after ? audit_append_json(db, who, "create", "decisions", did, d.province, NULL, after, e) : -1;
        json_decref(after);
    }
    if (!rc) rc = db_commit(db, e);
    if (rc) db_rollback(db);
    else *id = did;
    arena_free(&a);
    free(items);
    decin_free(&d);
    return rc ? -1 : 0;
}

/* ---- revocation ------------------------------------------------------------------------------- */

int certificate_revoke(Db *db, const Actor *who, const char *cert_no, json_t *in, Err *e) {
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    char today[11];
    date_today(today);
    Stmt *s = db_prepare(db, "SELECT id, level, issuer_code, state, expires_on, issued_on, recognition_id, ended_on, "
                             "superseded_by FROM certificates WHERE cert_no = ?");
    db_bind_text(s, 1, cert_no);
    int64_t id = 0, rec = 0;
    char level[16] = "", issuer[8] = "", state[16] = "", expires[11] = "", issued[11] = "", ended[11] = "", by[40] = "";
    if (db_step(s) == DB_ROW) {
        id = db_col_int(s, 0);
        snprintf(level, sizeof level, "%s", db_col_text(s, 1));
        snprintf(issuer, sizeof issuer, "%s", db_col_text(s, 2));
        snprintf(state, sizeof state, "%s", live_state(db_col_text(s, 3), db_col_text(s, 4), today));
        snprintf(expires, sizeof expires, "%s", db_col_text(s, 4));
        snprintf(issued, sizeof issued, "%s", db_col_text(s, 5));
        rec = db_col_int(s, 6);
        snprintf(ended, sizeof ended, "%s", db_col_text(s, 7) ? db_col_text(s, 7) : expires);
        snprintf(by, sizeof by, "%s", db_col_text(s, 8) ? db_col_text(s, 8) : "");
    }
    db_done(s);
    /* QĐ 26/2026 Điều 8.2: the authority that recognised it revokes it; to anyone else the
    ** certificate is not theirs to touch, and answers as if missing. */
    static const char *const keys[] = {"ground", "decision_no", "decided_on", "note", NULL};
    char *ground = NULL, *number = NULL, *decided = NULL, *note = NULL;
    int rc = 0;
    if (!id || !decision_may_decide(who, level, issuer)) rc = err_set(e, 404, "cert_no", "no certificate numbered '%.64s'", cert_no);
    if (!rc)
        rc = only_keys(in, keys, "{ground, decision_no, decided_on, note?}", e) || get_line(in, "ground", true, 40, &ground, e) ||
             get_line(in, "decision_no", true, NUMBER_MAX, &number, e) || get_past_date(in, "decided_on", &decided, e) ||
             get_line(in, "note", false, NOTE_MAX, &note, e);
    int g = rc ? -1 : ground_index(ground);
    if (!rc && g < 0) {
        Buf list = BUF_INIT;
        for (size_t i = 0; i < COUNT(GROUNDS); i++) buf_printf(&list, "%s%s (%s)", i ? ", " : "", GROUNDS[i].ground, GROUNDS[i].clause);
        rc = err_set(e, 422, "ground", "%s must be one of the grounds of QĐ 26/2026 Điều 8.1: %s", "ground", buf_str(&list));
        buf_free(&list);
    }
    if (!rc && strcmp(decided, issued) < 0)
        rc = err_set(e, 422, "decided_on", "%s (%s) is before the certificate was issued (%s)", "decided_on", decided, issued);
    char date[11];
    if (!rc && strcmp(state, "valid") != 0) {
        if (strcmp(state, "superseded") == 0)
            rc = err_set(e, 409, "state", "certificate %s was superseded by %s on %s: it has ended already", cert_no, by, lang_date(ended, date));
        else
            rc = err_set(e, 409, "state", "certificate %s was %s on %s: it has ended already", cert_no, state, lang_date(ended, date));
    }
    if (!rc && strcmp(decided, expires) >= 0)
        rc = err_set(e, 409, "decided_on", "certificate %s expired on %s, before %s", cert_no, lang_date(expires, date), decided);
    if (!rc) {
        s = db_prepare(db, "UPDATE certificates SET state = 'revoked', ended_on = ?, ground = ?, ground_note = ?, "
                           "ended_decision_no = ? WHERE id = ?");
        db_bind_text(s, 1, decided);
        db_bind_text(s, 2, ground);
        db_bind_text(s, 3, note);
        db_bind_text(s, 4, number);
        db_bind_int(s, 5, id);
        db_step(s);
        db_done(s);
        Buf why = BUF_INIT;
        buf_printf(&why, "Thu hồi (%s: %s) theo Quyết định số %s ngày %s%s%s", GROUNDS[g].clause, GROUNDS[g].vi, number,
                   lang_date(decided, date), note ? ": " : "", note ? note : "");
        rc = insert_event(db, who, id, "revoked", decided, buf_str(&why), e) || audit_cert(db, who, "revoke", id, NULL, e);
        if (!rc) {
            Arena a = {0};
            json_t *patch = json_pack("{s:s, s:s, s:s}", "ended", "revoked", "ended_on", decided, "ended_reason", buf_str(&why));
            rc = entity_update(db, &a, &ENTITY_RECOGNITIONS, who, rec, patch, e);
            json_decref(patch);
            arena_free(&a);
        }
        buf_free(&why);
    }
    free(ground), free(number), free(decided), free(note);
    if (!rc && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

/* ---- lifecycle -------------------------------------------------------------------------------- */

/* Products due for re-evaluation: recognitions of 3★ or more in force on date, the latest of
** their product, expiring within WINDOW_OPENS_DAYS. */
int lifecycle_due(Db *db, const DueQuery *q, json_t **items, int64_t *total, Err *e) {
    *items = NULL;
    *total = 0;
    char today[11], until[11];
    date_today(today);
    const char *date = q->date ? q->date : today;
    if (!date_valid(date)) return err_set(e, 400, "date", "%s must be a date YYYY-MM-DD", "date");
    if (q->province && strlen(q->province) > 7) return err_set(e, 400, "province", "%s must be a province code", "province");
    if (q->commune && strlen(q->commune) > 15) return err_set(e, 400, "commune", "%s must be a commune code", "commune");
    if (q->phase && !str_eq(q->phase, "window") && !str_eq(q->phase, "warning"))
        return err_set(e, 400, "phase", "%s must be window or warning", "phase");
    bool by_product = q->sort && str_eq(q->sort, "product"), unfiled = q->sort && str_eq(q->sort, "unfiled");
    if (q->sort && !by_product && !unfiled && !str_eq(q->sort, "expires"))
        return err_set(e, 400, "sort", "%s must be expires, product or unfiled", "sort");
    int64_t day = day_number(date);
    day_date(day + WINDOW_OPENS_DAYS, until);
    Stmt *s = db_prepare(db,
        "SELECT r.id, r.product_id, r.stars, r.level, r.cert_no, r.decision_no, r.expires_on, p.code, p.name, p.commune_code, "
        "p.producer_id, pr.name, u.parent_code FROM recognitions r JOIN products p ON p.id = r.product_id "
        "JOIN producers pr ON pr.id = p.producer_id "
        "LEFT JOIN units u ON u.code = p.commune_code AND u.geo = '2025' AND u.level = 'commune' AND u.valid_to IS NULL "
        "WHERE r.decision_date <= ? AND r.expires_on > ? AND r.expires_on <= ? "
        "AND (r.ended IS NULL OR r.ended_on > ?) AND (? IS NULL OR u.parent_code = ?) AND (? IS NULL OR p.commune_code = ?) "
        "AND NOT EXISTS (SELECT 1 FROM recognitions r2 WHERE r2.product_id = r.product_id "
        "AND r2.decision_date > r.decision_date AND r2.decision_date <= ? AND r2.stars >= ?) AND r.stars >= ? "
        "ORDER BY CASE WHEN ?12 THEN p.name_key END, r.expires_on, r.id");
    const char *v[] = {date, date, until, date, q->province, q->province, q->commune, q->commune, date};
    for (int k = 0; k < (int)COUNT(v); k++) db_bind_text(s, k + 1, v[k]);
    /* Certificates are for the certified bands (Điều 4.1.a: 3★ and above; the score sheet's data). */
    int certified = rubric_certified_stars(rubric_current());
    db_bind_int(s, 10, certified);
    db_bind_int(s, 11, certified);
    db_bind_int(s, 12, by_product);
    json_t *all = json_array();
    while (db_step(s) == DB_ROW) {
        Place p = {0};
        snprintf(p.commune, sizeof p.commune, "%s", db_col_text(s, 9));
        snprintf(p.province, sizeof p.province, "%s", db_col_text(s, 12) ? db_col_text(s, 12) : "");
        p.producer_id = db_col_int(s, 10);
        if (!actor_covers(q->who, PERM_DOSSIERS_READ, &p)) continue;
        const char *exp = db_col_text(s, 6);
        int64_t left = day_number(exp) - day;
        if (q->phase && str_eq(q->phase, "window") != (left > WINDOW_CLOSES_DAYS)) continue;
        char opens[11], closes[11];
        day_date(day_number(exp) - WINDOW_OPENS_DAYS, opens);
        day_date(day_number(exp) - WINDOW_CLOSES_DAYS, closes);
        json_array_append_new(all, json_pack("{s:{s:I, s:s?, s:s}, s:{s:I, s:s}, s:s, s:s, s:I, s:s?, s:i, s:s, s:s, s:s, "
                                             "s:I, s:s, s:s, s:s}",
                                             "product", "id", (json_int_t)db_col_int(s, 1), "code", db_col_text(s, 7), "name",
                                             db_col_text(s, 8), "producer", "id", (json_int_t)p.producer_id, "name",
                                             db_col_text(s, 11), "province_code", p.province, "commune_code", p.commune,
                                             "recognition_id", (json_int_t)db_col_int(s, 0), "cert_no", db_col_text(s, 4),
                                             "stars", (int)db_col_int(s, 2), "level", db_col_text(s, 3), "decision_no",
                                             db_col_text(s, 5), "expires_on", exp, "days_left", (json_int_t)left, "phase",
                                             left > WINDOW_CLOSES_DAYS ? "window" : "warning", "window_opens", opens,
                                             "filing_deadline", closes));
    }
    db_done(s);
    /* The re-evaluation (or upgrade) dossier under way, if any. */
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o) {
        s = db_prepare(db, "SELECT id, kind, state FROM dossiers WHERE product_id = ? AND kind IN ('reevaluation', 'upgrade') "
                           "AND state NOT IN ('withdrawn', 'rejected', 'decided') ORDER BY id DESC LIMIT 1");
        db_bind_int(s, 1, json_integer_value(json_object_get(json_object_get(o, "product"), "id")));
        json_object_set_new(o, "dossier", db_step(s) == DB_ROW ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                                                                           "kind", db_col_text(s, 1), "state", db_col_text(s, 2))
                                                               : json_null());
        db_done(s);
    }
    if (unfiled) { /* a stable partition: no dossier under way first, each part still soonest first */
        json_t *part = json_array();
        for (int filed = 0; filed < 2; filed++)
            json_array_foreach(all, i, o)
                if (json_is_null(json_object_get(o, "dossier")) == !filed) json_array_append(part, o);
        json_decref(all);
        all = part;
    }
    *total = (int64_t)json_array_size(all);
    *items = json_array();
    for (int64_t k = q->offset; k < *total && (q->limit < 0 || k < q->offset + q->limit); k++)
        json_array_append(*items, json_array_get(all, (size_t)k));
    json_decref(all);
    return 0;
}

/* The name of a unit in force ("Vĩnh Long"), or "". */
static const char *unit_name(Db *db, const char *code, const char *level, char *out, size_t n) {
    Stmt *s = db_prepare(db, "SELECT name FROM units WHERE code = ? AND geo = '2025' AND level = ? AND valid_to IS NULL");
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, level);
    out[0] = 0;
    if (db_step(s) == DB_ROW) snprintf(out, n, "%s", db_col_text(s, 0));
    db_done(s);
    return out;
}

/* Add one due item to the counts of its province and commune in groups ({code: {...}}). */
static void count_due(Db *db, json_t *groups, json_t *item) {
    const char *prov = obj_str(item, "province_code"), *comm = obj_str(item, "commune_code"), *phase = obj_str(item, "phase");
    char name[200];
    json_t *p = json_object_get(groups, prov);
    if (!p) {
        p = json_pack("{s:s, s:s, s:i, s:i, s:o}", "province_code", prov, "name", unit_name(db, prov, "province", name, sizeof name),
                      "window", 0, "warning", 0, "communes", json_object());
        json_object_set_new(groups, prov, p);
    }
    json_t *communes = json_object_get(p, "communes"), *c = json_object_get(communes, comm);
    if (!c) {
        c = json_pack("{s:s, s:s, s:i, s:i}", "commune_code", comm, "name", unit_name(db, comm, "commune", name, sizeof name),
                      "window", 0, "warning", 0);
        json_object_set_new(communes, comm, c);
    }
    json_t *targets[] = {p, c};
    for (int k = 0; k < 2; k++)
        json_object_set_new(targets[k], phase, json_integer(json_integer_value(json_object_get(targets[k], phase)) + 1));
}

static int by_key(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* {code: {..., communes: {code: {...}}}} as arrays ordered by code. */
static json_t *groups_array(json_t *groups) {
    json_t *arr = json_array();
    size_t n = json_object_size(groups), i = 0;
    const char **keys = xcalloc(n + 1, sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach(groups, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, by_key);
    for (i = 0; i < n; i++) {
        json_t *g = json_deep_copy(json_object_get(groups, keys[i])), *sub = json_object_get(g, "communes");
        if (sub) json_object_set_new(g, "communes", groups_array(sub));
        json_array_append_new(arr, g);
    }
    free(keys);
    return arr;
}

int lifecycle_run(Db *db, const Actor *who, const char *date, json_t **report, Err *e) {
    *report = NULL;
    if (!actor_is_system(who))
        return err_set(e, 403, "", "the lifecycle run is the system's: ocop lifecycle run, or ocop serve's daily job");
    if (!date_valid(date)) return err_set(e, 422, "date", "%s must be a date YYYY-MM-DD", "date");
    if (db_begin(db, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT id, cert_no, product_id, product_name, stars, expires_on, province_code, commune_code "
                             "FROM certificates WHERE state = 'valid' AND expires_on <= ? ORDER BY expires_on, id");
    db_bind_text(s, 1, date);
    json_t *expired = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(expired, json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:s}", "id", (json_int_t)db_col_int(s, 0),
                                                 "cert_no", db_col_text(s, 1), "product_id", (json_int_t)db_col_int(s, 2),
                                                 "product_name", db_col_text(s, 3), "stars", (int)db_col_int(s, 4),
                                                 "expires_on", db_col_text(s, 5), "province_code", db_col_text(s, 6),
                                                 "commune_code", db_col_text(s, 7)));
    db_done(s);
    int rc = 0;
    size_t i;
    json_t *o;
    /* A date after today only reports what will expire by then: nothing is recorded ahead of
    ** time (a certificate is valid until its day comes). */
    char today[11];
    date_today(today);
    bool record = strcmp(date, today) <= 0;
    json_array_foreach(expired, i, o) {
        if (rc || !record) break;
        int64_t id = json_integer_value(json_object_get(o, "id"));
        s = db_prepare(db, "UPDATE certificates SET state = 'expired', ended_on = expires_on WHERE id = ?");
        db_bind_int(s, 1, id);
        db_step(s);
        db_done(s);
        /* QĐ 26/2026 Điều 4.3: valid 36 months; expires_on is the first day it no longer is. */
        rc = insert_event(db, who, id, "expired", obj_str(o, "expires_on"), "Hết thời hạn 36 tháng (QĐ 26/2026 Điều 4.3)", e);
        json_object_del(o, "id");
    }
    /* One entry for the run, with what it changed; a run that changes nothing records nothing. */
    if (!record) json_array_foreach(expired, i, o) json_object_del(o, "id");
    if (!rc && record && json_array_size(expired)) {
        json_t *nos = json_array();
        json_array_foreach(expired, i, o) json_array_append(nos, json_object_get(o, "cert_no"));
        json_t *after = json_pack("{s:s, s:I, s:o}", "date", date, "expired", (json_int_t)json_array_size(expired), "cert_nos", nos);
        rc = audit_append_json(db, who, "lifecycle.expire", "certificates", 0, NULL, NULL, after, e);
        json_decref(after);
    }
    if (rc || db_commit(db, e)) {
        db_rollback(db);
        json_decref(expired);
        return -1;
    }
    DueQuery q = {.date = date, .who = who, .limit = -1};
    json_t *due = NULL;
    int64_t total = 0;
    if (lifecycle_due(db, &q, &due, &total, e)) {
        json_decref(expired);
        return -1;
    }
    json_t *groups = json_object();
    int window = 0, warning = 0;
    json_array_foreach(due, i, o) {
        bool w = str_eq(obj_str(o, "phase"), "window");
        window += w;
        warning += !w;
        count_due(db, groups, o);
    }
    *report = json_pack("{s:s, s:o, s:i, s:i, s:o, s:o}", "date", date, "expired", expired, "window", window, "warning",
                        warning, "by_province", groups_array(groups), "due", due);
    json_object_set_new(*report, "recorded", json_boolean(record));
    json_decref(groups);
    return 0;
}
