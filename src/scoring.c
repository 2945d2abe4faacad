/*
** scoring.c: the council's scoring of a dossier (see scoring.h).
*/
#include "scoring.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "dossier.h"
#include "rubric.h"
#include "util.h"

typedef struct Ctx {
    int64_t id, round, council, producer, pass;
    int64_t ministry_pass, province_council; /* once the Ministry has the dossier */
    char state[24], commune[16], province[8], version[16], round_state[12], ends_on[11];
    int set_no;
    double threshold, quorum;
    const RubSet *set;
} Ctx;

/* The dossier and its round; 404 when missing, 409 when it is not in a round. */
static int load(Db *db, int64_t id, Ctx *c, Err *e) {
    memset(c, 0, sizeof *c);
    Stmt *s = db_prepare(db, "SELECT d.state, d.round_id, d.producer_id, d.commune_code, d.province_code, d.rubric_version, "
                             "d.set_no, d.scoring_pass, r.council_id, r.state, r.ends_on, r.spread_threshold, r.quorum, "
                             "d.ministry_pass, (SELECT council_id FROM rounds WHERE id = d.province_round_id) "
                             "FROM dossiers d LEFT JOIN rounds r ON r.id = d.round_id WHERE d.id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 404, "id", "no dossier with id %lld", (long long)id);
    }
    c->id = id;
    snprintf(c->state, sizeof c->state, "%s", db_col_text(s, 0));
    c->round = db_col_null(s, 1) ? 0 : db_col_int(s, 1);
    c->producer = db_col_int(s, 2);
    snprintf(c->commune, sizeof c->commune, "%s", db_col_text(s, 3));
    snprintf(c->province, sizeof c->province, "%s", db_col_text(s, 4));
    snprintf(c->version, sizeof c->version, "%s", db_col_text(s, 5));
    c->set_no = (int)db_col_int(s, 6);
    c->pass = db_col_int(s, 7);
    c->council = db_col_null(s, 8) ? 0 : db_col_int(s, 8);
    snprintf(c->round_state, sizeof c->round_state, "%s", db_col_text(s, 9) ? db_col_text(s, 9) : "");
    snprintf(c->ends_on, sizeof c->ends_on, "%s", db_col_text(s, 10) ? db_col_text(s, 10) : "");
    c->threshold = db_col_double(s, 11);
    c->quorum = db_col_double(s, 12);
    c->ministry_pass = db_col_null(s, 13) ? 0 : db_col_int(s, 13);
    c->province_council = db_col_null(s, 14) ? 0 : db_col_int(s, 14);
    db_done(s);
    c->set = rubric_set(rubric_get(c->version), c->set_no);
    if (!c->round) return err_set(e, 409, "state", "the dossier is not in an evaluation round (it is %s)", c->state);
    if (!c->council) return err_set(e, 409, "round_id", "round %lld has no council yet", (long long)c->round);
    return 0;
}

/* The round is still open for scoring on today (the real day but in the demo's "_on" steps). */
static int scoring_open_on(const Ctx *c, const char *today, Err *e) {
    if (strcmp(c->state, "in_round") != 0 && strcmp(c->state, "in_ministry_round") != 0)
        return err_set(e, 409, "state", "the dossier is %s: scoring is for dossiers in a round", c->state);
    if (strcmp(c->round_state, "open") != 0) return err_set(e, 409, "round_id", "round %lld is closed", (long long)c->round);
    if (strcmp(today, c->ends_on) > 0)
        return err_set(e, 409, "round_id", "round %lld ended on %s: scoring is over", (long long)c->round, c->ends_on);
    return 0;
}

/* The round is still open for scoring today. */
static int scoring_open(const Ctx *c, Err *e) {
    char today[11];
    date_today(today);
    return scoring_open_on(c, today, e);
}

/* The caller's position in the dossier's council ("council_chair", ...), or "". */
static const char *position_of(Db *db, const Ctx *c, int64_t user, char out[24]) {
    char scope[24];
    snprintf(scope, sizeof scope, "%lld", (long long)c->council);
    Stmt *s = db_prepare(db, "SELECT role FROM user_roles WHERE user_id = ? AND scope = ? AND role IN "
                             "('council_chair', 'council_member', 'council_secretary') ORDER BY role LIMIT 1");
    db_bind_int(s, 1, user);
    db_bind_text(s, 2, scope);
    out[0] = 0;
    if (db_step(s) == DB_ROW) snprintf(out, 24, "%s", db_col_text(s, 0));
    db_done(s);
    return out;
}

/* Why user may not score the dossier (declared, or detected), or NULL. */
static const char *conflict_of(Db *db, const Ctx *c, int64_t user, char out[256]) {
    Stmt *s = db_prepare(db, "SELECT reason FROM conflicts WHERE dossier_id = ? AND user_id = ?");
    db_bind_int(s, 1, c->id);
    db_bind_int(s, 2, user);
    out[0] = 0;
    if (db_step(s) == DB_ROW) snprintf(out, 256, "declared: %s", db_col_text(s, 0));
    db_done(s);
    if (out[0]) return out;
    s = db_prepare(db, "SELECT p.id FROM user_roles r JOIN producers p ON CAST(p.id AS TEXT) = r.scope "
                       "WHERE r.user_id = ? AND r.role = 'producer' AND (p.id = ? OR p.commune_code = ?) "
                       "ORDER BY p.id = ? DESC LIMIT 1");
    db_bind_int(s, 1, user);
    db_bind_int(s, 2, c->producer);
    db_bind_text(s, 3, c->commune);
    db_bind_int(s, 4, c->producer);
    if (db_step(s) == DB_ROW)
        snprintf(out, 256, db_col_int(s, 0) == c->producer ? "detected: the member's own producer filed the dossier"
                                                           : "detected: the member has a producer in the same commune");
    db_done(s);
    return out[0] ? out : NULL;
}

/* The chair and members (who score) and the secretary, with their conflicts and submissions. */
static json_t *members(Db *db, const Ctx *c, int *scorers, int *submitted, bool *chair_submitted) {
    char scope[24];
    snprintf(scope, sizeof scope, "%lld", (long long)c->council);
    Stmt *s = db_prepare(db, "SELECT u.id, u.username, u.full_name, r.role, r.agency, "
                             "(SELECT submitted_at FROM scores WHERE dossier_id = ? AND user_id = u.id AND pass = ?) "
                             "FROM user_roles r JOIN users u ON u.id = r.user_id WHERE r.scope = ? AND u.status = 'active' "
                             "AND r.role IN ('council_chair', 'council_member', 'council_secretary') ORDER BY r.role, u.username");
    db_bind_int(s, 1, c->id);
    db_bind_int(s, 2, c->pass);
    db_bind_text(s, 3, scope);
    json_t *arr = json_array();
    int n = 0, sub = 0;
    bool chair = false;
    while (db_step(s) == DB_ROW) {
        const char *role = db_col_text(s, 3);
        bool scores = strcmp(role, "council_secretary") != 0;
        bool done = !db_col_null(s, 5);
        char why[256];
        if (scores && conflict_of(db, c, db_col_int(s, 0), why)) scores = false, done = false; /* excluded */
        json_t *m = json_pack("{s:I, s:s, s:s?, s:s, s:s?, s:b, s:s?}", "user_id", (json_int_t)db_col_int(s, 0), "username",
                              db_col_text(s, 1), "full_name", db_col_text(s, 2), "position", role + 8, "agency",
                              db_col_text(s, 4), "scores", scores, "submitted_at", db_col_text(s, 5));
        json_array_append_new(arr, m);
        if (scores) n++;
        if (scores && done) sub++;
        if (strcmp(role, "council_chair") == 0 && done) chair = true;
    }
    db_done(s);
    size_t i;
    json_t *m;
    json_array_foreach(arr, i, m) {
        char why[256];
        const char *cf = conflict_of(db, c, json_integer_value(json_object_get(m, "user_id")), why);
        json_object_set_new(m, "conflict", cf ? json_string(cf) : json_null());
    }
    if (scorers) *scorers = n;
    if (submitted) *submitted = sub;
    if (chair_submitted) *chair_submitted = chair;
    return arr;
}

/* The province's officers and administrators organise the scoring (and the system); the
** Ministry's officers its own passes. */
static bool organises(const Ctx *c, const Actor *who) {
    Place p = {0};
    snprintf(p.province, sizeof p.province, "%s", c->province);
    p.ministry = c->ministry_pass > 0;
    return actor_covers_roles(who, 1u << ROLE_ADMIN | 1u << ROLE_PROVINCE | (p.ministry ? 1u << ROLE_MINISTRY : 0),
                              PERM_DOSSIERS_READ, &p);
}

/* The council's work is shown to its members and to the organisers. */
static bool insider(Db *db, const Ctx *c, const Actor *who) {
    char pos[24];
    return position_of(db, c, actor_user_id(who), pos)[0] || organises(c, who);
}

json_t *scoring_council(Db *db, const Actor *who, int64_t dossier, Err *e) {
    Ctx c;
    if (actor_require(who, e) || load(db, dossier, &c, e)) return NULL;
    if (!insider(db, &c, who)) {
        err_set(e, 403, "", "the council's membership and conflicts are shown to the council and to the province");
        return NULL;
    }
    return json_pack("{s:I, s:I, s:I, s:o}", "council_id", (json_int_t)c.council, "round_id", (json_int_t)c.round, "pass",
                     (json_int_t)c.pass, "members", members(db, &c, NULL, NULL, NULL));
}

static int finish(Db *db, int rc, Err *e) {
    if (!rc && db_commit(db, e) == 0) return 0;
    db_rollback(db);
    return -1;
}

int scoring_declare_conflict(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e) {
    if (actor_require(who, e)) return -1;
    const char *reason = json_string_value(json_object_get(in, "reason"));
    if (!reason || !*reason || strlen(reason) > 1000)
        return err_set(e, 422, "reason", "say what the conflict of interest is (1 to 1000 bytes)");
    if (db_begin(db, e)) return -1;
    Ctx c;
    char pos[24];
    int rc = load(db, dossier, &c, e);
    if (!rc) rc = scoring_open(&c, e);
    if (!rc && !position_of(db, &c, actor_user_id(who), pos)[0])
        rc = err_set(e, 403, "", "only members of the dossier's council declare conflicts of interest with it");
    if (!rc) {
        char ts[32];
        ts_now(ts);
        Stmt *s = db_prepare(db, "INSERT INTO conflicts (dossier_id, user_id, reason, declared, created_at) VALUES (?, ?, ?, 1, ?) "
                                 "ON CONFLICT (dossier_id, user_id) DO UPDATE SET reason = excluded.reason");
        db_bind_int(s, 1, dossier);
        db_bind_int(s, 2, actor_user_id(who));
        db_bind_text(s, 3, reason);
        db_bind_text(s, 4, ts);
        db_step(s);
        db_done(s);
        json_t *after = json_pack("{s:s}", "reason", reason);
        rc = audit_append_json(db, who, "score.conflict", "dossiers", dossier, c.province, NULL, after, e);
        json_decref(after);
    }
    return finish(db, rc, e);
}

/* Check the comments object: leaf codes of the sheet to text. */
static int check_comments(const RubSet *set, json_t *comments, Err *e) {
    if (!comments || json_is_null(comments)) return 0;
    if (!json_is_object(comments)) return err_set(e, 422, "comments", "%s must be an object {\"CRITERION\": \"comment\"}", "comments");
    const char *k;
    json_t *v;
    json_object_foreach(comments, k, v) {
        char f[128];
        snprintf(f, sizeof f, "comments.%.100s", k);
        if (!rubric_leaf(set, k)) return err_set(e, 422, f, "the sheet has no criterion %s", k);
        if (!json_is_string(v) || strlen(json_string_value(v)) > 2000)
            return err_set(e, 422, f, "a comment is text of at most 2000 bytes");
    }
    return 0;
}

/* A stored sheet as JSON, with its ranking on the set (stars after the minimum-star markers and
** the criteria that hold them back: the star a member sees is the one the council will use). */
static json_t *sheet_json(const RubSet *set, Stmt *s) {
    json_t *o = json_pack("{s:I, s:s, s:I, s:i, s:s?, s:s}", "user_id", (json_int_t)db_col_int(s, 0), "username",
                          db_col_text(s, 1), "pass", (json_int_t)db_col_int(s, 2), "total", (int)db_col_int(s, 3),
                          "submitted_at", db_col_text(s, 6), "updated_at", db_col_text(s, 7));
    json_t *ch = json_loads(db_col_text(s, 4), 0, NULL), *cm = db_col_text(s, 5) ? json_loads(db_col_text(s, 5), 0, NULL) : NULL;
    json_t *parts = json_loads(db_col_text(s, 8), 0, NULL);
    json_object_set_new(o, "choices", ch ? ch : json_object());
    json_object_set_new(o, "comments", cm ? cm : json_object());
    json_object_set_new(o, "parts", parts ? parts : json_object());
    json_object_set_new(o, "stopped_at", db_col_text(s, 9) ? json_string(db_col_text(s, 9)) : json_null());
    RubResult res;
    Err ig = ERR_INIT;
    bool ok = set && rubric_evaluate(set, json_object_get(o, "choices"), db_col_text(s, 9), &res, &ig) == 0;
    json_object_set_new(o, "result", ok ? rubric_rank_json(&res) : json_null());
    if (ok) rubric_result_free(&res);
    return o;
}

#define SHEET_COLS "s.user_id, u.username, s.pass, s.total, s.choices, s.comments, s.submitted_at, s.updated_at, s.parts, " \
                   "s.stopped_at"

int scoring_save(Db *db, const Actor *who, int64_t dossier, json_t *in, json_t **out, Err *e) {
    char today[11];
    date_today(today);
    return scoring_save_on(db, who, dossier, in, out, today, e);
}

int scoring_save_on(Db *db, const Actor *who, int64_t dossier, json_t *in, json_t **out, const char *day, Err *e) {
    *out = NULL;
    if (actor_require(who, e)) return -1;
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        if (strcmp(k, "choices") && strcmp(k, "comments") && strcmp(k, "submit") && strcmp(k, "stopped_at"))
            return err_set(e, 422, k, "unknown field '%s': send {\"choices\", \"comments\", \"stopped_at\", \"submit\"}", k);
    }
    json_t *stop = json_object_get(in, "stopped_at");
    if (stop && !json_is_null(stop) && !json_is_string(stop)) return err_set(e, 422, "stopped_at", "%s must be a criterion code", "stopped_at");
    const char *stopped = json_is_string(stop) ? json_string_value(stop) : NULL;
    json_t *submit = json_object_get(in, "submit");
    if (submit && !json_is_boolean(submit)) return err_set(e, 422, "submit", "%s must be true or false", "submit");
    if (db_begin(db, e)) return -1;
    Ctx c;
    char pos[24], why[256];
    int rc = load(db, dossier, &c, e);
    if (!rc) rc = scoring_open_on(&c, day, e);
    if (!rc) {
        position_of(db, &c, actor_user_id(who), pos);
        if (strcmp(pos, "council_chair") != 0 && strcmp(pos, "council_member") != 0)
            rc = err_set(e, 403, "", pos[0] ? "the council's secretary keeps the minutes and does not score"
                                            : "only the chair and the members of the dossier's council score it");
        else if (conflict_of(db, &c, actor_user_id(who), why))
            rc = err_set(e, 403, "", "you cannot score this dossier: conflict of interest (%s)", why);
    }
    if (!rc) {
        Stmt *s = db_prepare(db, "SELECT submitted_at FROM scores WHERE dossier_id = ? AND user_id = ? AND pass = ?");
        db_bind_int(s, 1, dossier);
        db_bind_int(s, 2, actor_user_id(who));
        db_bind_int(s, 3, c.pass);
        if (db_step(s) == DB_ROW && !db_col_null(s, 0))
            rc = err_set(e, 409, "", "you submitted your sheet on %s; the chair may open a re-scoring", db_col_text(s, 0));
        db_done(s);
    }
    RubResult res;
    memset(&res, 0, sizeof res);
    if (!rc) rc = rubric_evaluate(c.set, json_object_get(in, "choices"), stopped, &res, e);
    if (!rc) rc = check_comments(c.set, json_object_get(in, "comments"), e);
    if (!rc && json_is_true(submit) && json_array_size(res.missing)) {
        char list[400] = "";
        size_t i;
        json_t *m;
        json_array_foreach(res.missing, i, m) {
            if (strlen(list) + 12 > sizeof list) break;
            strcat(list, i ? ", " : "");
            strcat(list, json_string_value(m));
        }
        rc = err_set(e, 422, "choices", "every criterion needs a choice before submitting; missing: %s", list);
    }
    if (!rc) {
        char ts[32];
        ts_on(day, ts);
        json_t *ch = json_object_get(in, "choices"), *cm = json_object_get(in, "comments");
        char *chs = ch ? json_dumps(ch, JSON_COMPACT | JSON_SORT_KEYS) : xstrdup("{}");
        char *cms = cm && !json_is_null(cm) ? json_dumps(cm, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        json_t *pj = json_pack("{s:i, s:i, s:i}", "A", res.parts[0], "B", res.parts[1], "C", res.parts[2]);
        char *ps = json_dumps(pj, JSON_COMPACT);
        json_decref(pj);
        Stmt *s = db_prepare(db, "INSERT INTO scores (dossier_id, user_id, pass, choices, comments, total, parts, submitted_at, updated_at, "
                                 "stopped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, user_id, pass) DO UPDATE SET "
                                 "choices = excluded.choices, comments = excluded.comments, total = excluded.total, "
                                 "parts = excluded.parts, submitted_at = excluded.submitted_at, updated_at = excluded.updated_at, "
                                 "stopped_at = excluded.stopped_at");
        db_bind_int(s, 1, dossier);
        db_bind_int(s, 2, actor_user_id(who));
        db_bind_int(s, 3, c.pass);
        db_bind_text(s, 4, chs);
        db_bind_text(s, 5, cms);
        db_bind_int(s, 6, res.total);
        db_bind_text(s, 7, ps);
        db_bind_text(s, 8, json_is_true(submit) ? ts : NULL);
        db_bind_text(s, 9, ts);
        db_bind_text(s, 10, stopped);
        if (db_step(s) != DB_DONE) rc = err_set(e, 500, "", "cannot store the sheet: %s", db_errmsg(db));
        db_done(s);
        free(chs);
        free(cms);
        free(ps);
    }
    if (!rc) {
        json_t *after = json_pack("{s:I, s:i, s:b}", "pass", (json_int_t)c.pass, "total", res.total, "submitted", json_is_true(submit));
        rc = audit_append_json(db, who, json_is_true(submit) ? "score.submit" : "score.save", "dossiers", dossier, c.province,
                               NULL, after, e);
        json_decref(after);
    }
    if (!rc) {
        json_t *ch = json_object_get(in, "choices");
        *out = json_pack("{s:I, s:o, s:O?, s:b, s:o}", "pass", (json_int_t)c.pass, "choices", ch ? json_incref(ch) : json_object(),
                         "comments", json_object_get(in, "comments"), "submitted", json_is_true(submit), "result",
                         rubric_result_json(&res));
    }
    rubric_result_free(&res);
    return finish(db, rc, e);
}

/* The submitted sheets of the current pass: their totals' spread and, per leaf, the sum of the
** points chosen (for the average). */
typedef struct Tally {
    int n;
    double sum, max, min;
    double *leaf_sum;
    int *branch;
} Tally;

static json_t *submitted_sheets(Db *db, const Ctx *c, Tally *t) {
    memset(t, 0, sizeof *t);
    t->leaf_sum = xcalloc((size_t)c->set->nleaves + 1, sizeof *t->leaf_sum);
    t->branch = xcalloc((size_t)c->set->nleaves + 1, sizeof *t->branch);
    Stmt *s = db_prepare(db, "SELECT " SHEET_COLS " FROM scores s JOIN users u ON u.id = s.user_id "
                             "WHERE s.dossier_id = ? AND s.pass = ? AND s.submitted_at IS NOT NULL "
                             "AND s.user_id NOT IN (SELECT user_id FROM conflicts WHERE dossier_id = ?) ORDER BY u.username");
    db_bind_int(s, 1, c->id);
    db_bind_int(s, 2, c->pass);
    db_bind_int(s, 3, c->id);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) {
        json_t *sheet = sheet_json(c->set, s);
        double total = (double)db_col_int(s, 3);
        t->sum += total;
        if (!t->n || total > t->max) t->max = total;
        if (!t->n || total < t->min) t->min = total;
        t->n++;
        json_t *ch = json_object_get(sheet, "choices");
        for (int i = 0; i < c->set->nleaves; i++) {
            const RubLeaf *l = &c->set->leaves[i];
            json_t *v = json_object_get(ch, l->code);
            if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= l->noptions) continue;
            t->leaf_sum[i] += l->options[json_integer_value(v)].points;
            t->branch[i] = l->options[json_integer_value(v)].branch;
        }
        json_array_append_new(arr, sheet);
    }
    db_done(s);
    return arr;
}

static void tally_free(Tally *t) {
    free(t->leaf_sum);
    free(t->branch);
}

static double round2(double x) { return floor(x * 100 + 0.5) / 100; }

/* The council's result on the sheets of t (t->n > 0): the average total to two decimals, then
** its band and the stars after the minimum-star markers on each criterion's average points. */
static double council_rank(const Ctx *c, const Tally *t, RubResult *rr) {
    memset(rr, 0, sizeof *rr);
    double avg = round2(t->sum / t->n);
    double *got = xcalloc((size_t)c->set->nleaves + 1, sizeof *got);
    for (int i = 0; i < c->set->nleaves; i++) got[i] = t->leaf_sum[i] / t->n;
    rubric_rank(c->set, avg, got, t->branch, rr);
    free(got);
    return avg;
}

/* Quorum: ceil(quorum x scorers) submitted sheets, the chair's among them. */
static json_t *quorum_json(double quorum, int scorers, int submitted, bool chair) {
    int needed = (int)ceil(quorum * scorers - 1e-9);
    return json_pack("{s:i, s:i, s:i, s:b, s:b}", "scorers", scorers, "submitted", submitted, "needed", needed,
                     "chair_submitted", chair, "met", submitted >= needed && chair && scorers > 0);
}

json_t *scoring_view(Db *db, const Actor *who, int64_t dossier, Err *e) {
    Ctx c;
    if (actor_require(who, e) || load(db, dossier, &c, e)) return NULL;
    char pos[24];
    position_of(db, &c, actor_user_id(who), pos);
    bool organiser = organises(&c, who);
    if (!pos[0] && !organiser) {
        err_set(e, 403, "", "council scores are shown to the council and to the province");
        return NULL;
    }
    int scorers = 0, submitted = 0;
    bool chair = false;
    json_t *mem = members(db, &c, &scorers, &submitted, &chair);
    Tally t;
    json_t *all = submitted_sheets(db, &c, &t);
    /* One's own sheet, submitted or not. */
    json_t *own = NULL;
    Stmt *s = db_prepare(db, "SELECT " SHEET_COLS " FROM scores s JOIN users u ON u.id = s.user_id "
                             "WHERE s.dossier_id = ? AND s.user_id = ? AND s.pass = ?");
    db_bind_int(s, 1, dossier);
    db_bind_int(s, 2, actor_user_id(who));
    db_bind_int(s, 3, c.pass);
    if (db_step(s) == DB_ROW) own = sheet_json(c.set, s);
    db_done(s);
    bool own_submitted = own && !json_is_null(json_object_get(own, "submitted_at"));
    bool sees_all = organiser || strcmp(pos, "council_secretary") == 0 || own_submitted;
    json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o?}", "pass", (json_int_t)c.pass, "state", c.state, "members", mem, "quorum",
                          quorum_json(c.quorum, scorers, submitted, chair), "own", own);
    if (sees_all) {
        double spread = t.n ? t.max - t.min : 0;
        json_object_set_new(o, "sheets", all);
        json_object_set_new(o, "spread", json_pack("{s:f, s:f, s:b}", "points", spread, "threshold", c.threshold, "flagged",
                                                    spread > c.threshold));
        json_object_set_new(o, "average", t.n ? json_real(round2(t.sum / t.n)) : json_null());
        json_t *council = json_null();
        if (t.n) {
            RubResult rr;
            double avg = council_rank(&c, &t, &rr);
            council = rubric_rank_json(&rr);
            json_object_set_new(council, "average", json_real(avg));
            rubric_result_free(&rr);
        }
        json_object_set_new(o, "council", council);
    } else {
        json_decref(all);
        json_object_set_new(o, "sheets", json_null());
        json_object_set_new(o, "note", json_string("the other members' sheets are shown once you submit yours"));
    }
    tally_free(&t);
    /* The producer's self-assessment beside the council's. */
    s = db_prepare(db, "SELECT self_assessment FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, dossier);
    json_t *sa = db_step(s) == DB_ROW && db_col_text(s, 0) ? json_loads(db_col_text(s, 0), 0, NULL) : NULL;
    db_done(s);
    json_object_set_new(o, "self_assessment", sa ? json_incref(json_object_get(sa, "result")) : json_null());
    json_decref(sa);
    return o;
}

/* The step action of the council on day (NULL: now): the dossier's event and the audit entry. */
static int record(Db *db, const Actor *who, const Ctx *c, const char *action, const char *to, const char *comment,
                  const char *day, json_t *before, json_t *after, Err *e) {
    if (dossier_record_event_on(db, who, c->id, action, c->state, to, comment, day, e)) return -1;
    char act[48];
    snprintf(act, sizeof act, "dossier.%s", action);
    return audit_append_json(db, who, act, "dossiers", c->id, c->province, before, after, e);
}

int scoring_rescore(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e) {
    const char *comment = json_string_value(json_object_get(in, "comment"));
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    Ctx c;
    char pos[24];
    int rc = load(db, dossier, &c, e);
    if (!rc) rc = scoring_open(&c, e);
    if (!rc && !actor_is_system(who) && strcmp(position_of(db, &c, actor_user_id(who), pos), "council_chair") != 0)
        rc = err_set(e, 403, "", "the chair of the council opens a re-scoring");
    if (!rc) {
        Stmt *s = db_prepare(db, "UPDATE dossiers SET scoring_pass = scoring_pass + 1 WHERE id = ?");
        db_bind_int(s, 1, dossier);
        db_step(s);
        db_done(s);
        json_t *after = json_pack("{s:I}", "pass", (json_int_t)c.pass + 1);
        rc = record(db, who, &c, "rescore", c.state, comment, NULL, NULL, after, e);
        json_decref(after);
    }
    return finish(db, rc, e);
}

int scoring_close(Db *db, const Actor *who, int64_t dossier, json_t *in, Err *e) {
    char today[11];
    date_today(today);
    return scoring_close_on(db, who, dossier, in, today, e);
}

int scoring_close_on(Db *db, const Actor *who, int64_t dossier, json_t *in, const char *day, Err *e) {
    json_t *acc = json_object_get(in, "accept_spread");
    if (acc && !json_is_boolean(acc)) return err_set(e, 422, "accept_spread", "%s must be true or false", "accept_spread");
    const char *comment = json_string_value(json_object_get(in, "comment"));
    if (actor_require(who, e) || db_begin(db, e)) return -1;
    Ctx c;
    char pos[24];
    int rc = load(db, dossier, &c, e);
    if (!rc) rc = scoring_open_on(&c, day, e);
    if (!rc && !actor_is_system(who)) {
        position_of(db, &c, actor_user_id(who), pos);
        if (strcmp(pos, "council_chair") != 0 && strcmp(pos, "council_secretary") != 0)
            rc = err_set(e, 403, "", "the chair or the secretary of the council closes the scoring");
    }
    int scorers = 0, submitted = 0;
    bool chair = false;
    Tally t = {0};
    json_t *sheets = NULL;
    if (!rc) {
        json_decref(members(db, &c, &scorers, &submitted, &chair));
        json_t *q = quorum_json(c.quorum, scorers, submitted, chair);
        if (!json_is_true(json_object_get(q, "met")))
            rc = err_set(e, 409, "quorum", "no quorum: %d of %d members submitted, %lld needed, %s", submitted, scorers,
                         (long long)json_integer_value(json_object_get(q, "needed")),
                         chair ? "the chair among them" : "and the chair has not submitted");
        json_decref(q);
    }
    if (!rc) {
        sheets = submitted_sheets(db, &c, &t);
        double spread = t.max - t.min;
        if (spread > c.threshold && !json_is_true(acc))
            rc = err_set(e, 409, "spread", "the totals spread %.0f points (%.0f to %.0f), more than %.0f: discuss, re-score "
                                           "(POST /api/v1/dossiers/%lld/scores/rescore) or close with \"accept_spread\": true",
                         spread, t.min, t.max, c.threshold, (long long)dossier);
        if (!rc && spread > c.threshold && (!comment || !*comment))
            rc = err_set(e, 422, "comment", "accepting a spread of %.0f points needs a comment for the minutes", spread);
    }
    if (!rc) {
        RubResult rr;
        double avg = council_rank(&c, &t, &rr);
        int band = rr.band, stars = rr.stars;
        json_t *unmet = json_incref(rr.unmet);
        rubric_result_free(&rr);
        char *us = json_dumps(unmet, JSON_COMPACT);
        const char *to = strcmp(c.state, "in_ministry_round") == 0 ? "ministry_scored" : "scored";
        Stmt *s = db_prepare(db, "UPDATE dossiers SET avg_score = ?, band = ?, stars = ?, unmet_minimums = ?, state = ?, "
                                 "updated_at = ? WHERE id = ?");
        char ts[32];
        ts_on(day, ts);
        db_bind_double(s, 1, avg);
        db_bind_int(s, 2, band);
        db_bind_int(s, 3, stars);
        db_bind_text(s, 4, us);
        db_bind_text(s, 5, to);
        db_bind_text(s, 6, ts);
        db_bind_int(s, 7, dossier);
        db_step(s);
        db_done(s);
        free(us);
        json_t *after = json_pack("{s:f, s:i, s:i, s:o, s:i, s:I}", "avg_score", avg, "band", band, "stars", stars,
                                  "unmet_minimums", unmet, "sheets", t.n, "pass", (json_int_t)c.pass);
        rc = record(db, who, &c, "close_scoring", to, comment, day, NULL, after, e);
        json_decref(after);
    }
    json_decref(sheets);
    tally_free(&t);
    return finish(db, rc, e);
}

json_t *scoring_minutes(Db *db, const Actor *who, int64_t dossier, int64_t pass, Err *e) {
    Ctx c;
    if (actor_require(who, e) || load(db, dossier, &c, e)) return NULL;
    if (pass) {
        if (pass < 1 || pass > c.pass) {
            err_set(e, 400, "pass", "dossier %lld has scoring passes 1 to %lld", (long long)dossier, (long long)c.pass);
            return NULL;
        }
        /* A pass before the Ministry's was the province council's, and is over. An earlier pass
        ** of the scoring under way (before a re-scoring) is not: it stays inside the council
        ** until the scoring closes, like the current one. */
        if (c.ministry_pass && pass < c.ministry_pass) {
            c.council = c.province_council;
            snprintf(c.state, sizeof c.state, "%s", "scored");
        }
    }
    int64_t live = c.pass;
    if (pass) c.pass = pass;
    char pos[24];
    position_of(db, &c, actor_user_id(who), pos);
    bool organiser = organises(&c, who);
    bool closed = strcmp(c.state, "in_round") != 0 && strcmp(c.state, "in_ministry_round") != 0;
    bool own_submitted = false;
    if (pos[0] && !closed) {
        /* Inside the council, a member sees the sheets of the scoring under way once they have
        ** submitted their own sheet of its current pass. */
        Stmt *s = db_prepare(db, "SELECT 1 FROM scores WHERE dossier_id = ? AND user_id = ? AND pass = ? AND submitted_at IS NOT NULL");
        db_bind_int(s, 1, dossier);
        db_bind_int(s, 2, actor_user_id(who));
        db_bind_int(s, 3, live);
        own_submitted = db_step(s) == DB_ROW;
        db_done(s);
    }
    if (!organiser && !closed && strcmp(pos, "council_secretary") != 0 && !own_submitted) {
        err_set(e, 403, "", "the minutes are shown once the scoring is closed (council members who submitted, the "
                            "secretary and the province see them before)");
        return NULL;
    }
    int scorers = 0, submitted = 0;
    bool chair = false;
    json_t *mem = members(db, &c, &scorers, &submitted, &chair);
    Tally t;
    json_t *sheets = submitted_sheets(db, &c, &t);
    Stmt *s = db_prepare(db, "SELECT reg_no, avg_score, band, stars, unmet_minimums, self_assessment, kind, set_no, rubric_version "
                             "FROM dossiers WHERE id = ?");
    db_bind_int(s, 1, dossier);
    json_t *o = json_object();
    if (db_step(s) == DB_ROW) {
        json_t *unmet = db_col_text(s, 4) ? json_loads(db_col_text(s, 4), 0, NULL) : NULL;
        json_t *sa = db_col_text(s, 5) ? json_loads(db_col_text(s, 5), 0, NULL) : NULL;
        json_object_set_new(o, "dossier", json_pack("{s:I, s:s?, s:s, s:s, s:i}", "id", (json_int_t)dossier, "reg_no",
                                                    db_col_text(s, 0), "kind", db_col_text(s, 6), "rubric_version",
                                                    db_col_text(s, 8), "set", (int)db_col_int(s, 7)));
        json_object_set_new(o, "result", db_col_null(s, 1) ? json_null()
                                                           : json_pack("{s:f, s:i, s:i, s:o}", "avg_score", db_col_double(s, 1),
                                                                       "band", (int)db_col_int(s, 2), "stars",
                                                                       (int)db_col_int(s, 3), "unmet_minimums",
                                                                       unmet ? unmet : json_array()));
        json_object_set_new(o, "self_assessment", sa ? json_incref(json_object_get(sa, "result")) : json_null());
        json_decref(sa);
    }
    db_done(s);
    json_object_set_new(o, "council_id", json_integer(c.council));
    json_object_set_new(o, "pass", json_integer(c.pass));
    json_object_set_new(o, "members", mem);
    json_object_set_new(o, "quorum", quorum_json(c.quorum, scorers, submitted, chair));
    double spread = t.n ? t.max - t.min : 0.0;
    json_object_set_new(o, "spread", json_pack("{s:f, s:f, s:b}", "points", spread, "threshold", c.threshold, "flagged",
                                               spread > c.threshold));
    /* What the council decided along the way: re-scorings and the closing, with their comments. */
    s = db_prepare(db, "SELECT at, username, action, comment FROM dossier_events WHERE dossier_id = ? AND action IN "
                       "('rescore', 'close_scoring') ORDER BY id");
    db_bind_int(s, 1, dossier);
    json_t *ev = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(ev, json_pack("{s:s, s:s, s:s, s:s?}", "at", db_col_text(s, 0), "user", db_col_text(s, 1),
                                            "action", db_col_text(s, 2), "comment", db_col_text(s, 3)));
    db_done(s);
    json_object_set_new(o, "proceedings", ev);
    /* The advisory group that assisted the council. */
    s = db_prepare(db, "SELECT name, agency, expertise FROM advisors WHERE council_id = ? ORDER BY name_fold");
    db_bind_int(s, 1, c.council);
    json_t *adv = json_array();
    while (db_step(s) == DB_ROW)
        json_array_append_new(adv, json_pack("{s:s, s:s?, s:s?}", "name", db_col_text(s, 0), "agency", db_col_text(s, 1),
                                             "expertise", db_col_text(s, 2)));
    db_done(s);
    json_object_set_new(o, "advisors", adv);
    json_object_set_new(o, "sheets", sheets);
    tally_free(&t);
    return o;
}

/* ---- a round at a glance (the province's pages) ------------------------------------------------- */

/* Each member of the council of each dossier the condition keeps, with whether they submitted
** in the dossier's current pass, a declared conflict's reason and a detected one's kind (the
** rule of conflict_of, for every pair in one query). */
#define ROUND_MEMBERS_SQL(where)                                                                                   \
    "SELECT d.id, d.reg_no, d.round_id, u.id, u.username, u.full_name, cr.role, r.quorum, "                         \
    "EXISTS (SELECT 1 FROM scores s WHERE s.dossier_id = d.id AND s.user_id = u.id AND s.pass = d.scoring_pass "    \
    "AND s.submitted_at IS NOT NULL), "                                                                            \
    "(SELECT reason FROM conflicts c WHERE c.dossier_id = d.id AND c.user_id = u.id), "                            \
    "(SELECT CASE WHEN count(*) = 0 THEN NULL WHEN max(p.id = d.producer_id) THEN 'own_producer' "                 \
    "ELSE 'same_commune' END FROM user_roles pr JOIN producers p ON CAST(p.id AS TEXT) = pr.scope "                \
    "WHERE pr.user_id = u.id AND pr.role = 'producer' AND (p.id = d.producer_id OR p.commune_code = d.commune_code)) " \
    "FROM dossiers d JOIN rounds r ON r.id = d.round_id "                                                          \
    "JOIN user_roles cr ON cr.scope = CAST(r.council_id AS TEXT) "                                                 \
    "AND cr.role IN ('council_chair', 'council_member', 'council_secretary') "                                     \
    "JOIN users u ON u.id = cr.user_id AND u.status = 'active' WHERE " where " ORDER BY d.id, cr.role, u.username"

/* Close the tally of one dossier into progress. */
static void progress_put(json_t *progress, int64_t dossier, double quorum, int scorers, int submitted, bool chair) {
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)dossier);
    json_object_set_new(progress, key, quorum_json(quorum, scorers, submitted, chair));
}

json_t *scoring_round_status(Db *db, const char *province, int64_t round) {
    Stmt *s = db_prepare(db, round ? ROUND_MEMBERS_SQL("d.round_id = ?1")
                                   : ROUND_MEMBERS_SQL("r.state = 'open' AND d.state = 'in_round' "
                                                       "AND (?2 IS NULL OR r.province_code = ?2)"));
    if (round) db_bind_int(s, 1, round);
    else db_bind_text(s, 2, province);
    json_t *progress = json_object(), *conflicts = json_array();
    int64_t cur = 0;
    double quorum = 0;
    int scorers = 0, submitted = 0;
    bool chair = false;
    while (db_step(s) == DB_ROW) {
        int64_t d = db_col_int(s, 0);
        if (d != cur && cur) progress_put(progress, cur, quorum, scorers, submitted, chair);
        if (d != cur) cur = d, scorers = submitted = 0, chair = false, quorum = db_col_double(s, 7);
        const char *role = db_col_text(s, 6), *declared = db_col_text(s, 9), *detected = db_col_text(s, 10);
        if (declared || detected)
            json_array_append_new(conflicts, json_pack("{s:I, s:s?, s:I, s:I, s:s, s:s?, s:s, s:s, s:s?}", "dossier_id",
                                                       (json_int_t)d, "reg_no", db_col_text(s, 1), "round_id",
                                                       (json_int_t)db_col_int(s, 2), "user_id",
                                                       (json_int_t)db_col_int(s, 3), "username", db_col_text(s, 4),
                                                       "full_name", db_col_text(s, 5), "position", role + 8, "kind",
                                                       declared ? "declared" : detected, "reason", declared));
        if (!strcmp(role, "council_secretary") || declared || detected) continue; /* does not score this one */
        scorers++;
        bool done = db_col_int(s, 8) != 0;
        submitted += done;
        chair |= done && !strcmp(role, "council_chair");
    }
    if (cur) progress_put(progress, cur, quorum, scorers, submitted, chair);
    db_done(s);
    return json_pack("{s:o, s:o}", "progress", progress, "conflicts", conflicts);
}
