/*
** indicator.c: the indicators of plans and reports (indicator.h, docs/indicators.md).
**
** A query first places the unit's communes in a temporary table, ind_place: one row per
** commune of the unit on its map, keyed as a record's commune is ('n' + a 2025 code, 'o' + a
** pre-2025 one), with the sub-unit the commune counts in (its province for the country, its
** district for an old province, itself below), and, on the old map, one more row per 2025
** commune that came from a single old commune of the unit, placed like that one. Each measure
** is then one aggregate query joining the records to ind_place by that key and grouping by
** sub-unit; the unit's value is the sum of its sub-units'.
**
** A product counts as recognised on a day as stats.c counts it: a recognition of the
** certified stars or more (3★, the score sheet's data) with decision_date <= day < expires_on,
** not ended by that day; with several, the latest decision gives its stars.
*/
#include "indicator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "embed.h"
#include "rubric.h"
#include "unit.h"
#include "util.h"

/* ---- the catalogue ---------------------------------------------------------------------------- */

static json_t *catalogue;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const MEASURES[] = {"products", "products_ever", "expired", "recognitions", "dossiers",
                                       "communes", "districts", "producers", "villages", "points", NULL};

static bool known_measure(const json_t *m) {
    const char *name = json_string_value(json_object_get(m, "measure"));
    for (int i = 0; name && MEASURES[i]; i++)
        if (strcmp(MEASURES[i], name) == 0) return true;
    return false;
}

static void load(void) {
    const EmbeddedFile *f = embed_find("data/indicators.json");
    if (!f) panic("data/indicators.json is not embedded");
    json_error_t je;
    catalogue = json_loadb(f->data, f->size, 0, &je);
    if (!catalogue) panic("data/indicators.json:%d:%d: %s", je.line, je.column, je.text);
    size_t i;
    json_t *ind;
    json_array_foreach(json_object_get(catalogue, "indicators"), i, ind) {
        const char *code = json_string_value(json_object_get(ind, "code"));
        const char *kind = json_string_value(json_object_get(ind, "kind"));
        const char *unit = json_string_value(json_object_get(ind, "unit"));
        json_t *num = json_object_get(ind, "numerator"), *den = json_object_get(ind, "denominator");
        if (!code || !kind || !unit || !known_measure(num) || (den && !known_measure(den)) ||
            (strcmp(unit, "percent") == 0) != (den != NULL) || (strcmp(kind, "stock") && strcmp(kind, "flow")))
            panic("data/indicators.json: indicator %zu (%s) is malformed", i, code ? code : "?");
    }
}

const json_t *indicator_catalogue(void) {
    pthread_once(&once, load);
    return catalogue;
}

const json_t *indicator_find(const char *code) {
    size_t i;
    json_t *ind;
    json_array_foreach(json_object_get(indicator_catalogue(), "indicators"), i, ind)
        if (code && str_eq(json_string_value(json_object_get(ind, "code")), code)) return ind;
    return NULL;
}

/* ---- the unit and its places ------------------------------------------------------------------- */

typedef struct Ctx {
    const char *geo;            /* "2025" or "pre2025" */
    bool old;                   /* the pre-2025 map */
    char date[11], from[11];    /* the day counted (a flow's last day) and a flow's first day */
    char on[11];                /* the day the unit is taken as it stood on its map */
    Unit unit;                  /* level "country" when the whole country */
    const char *rows_level;     /* the level of the sub-units ("province", "district", "commune"), NULL: none */
    int certified;              /* the fewest stars of a certificate (3) */
} Ctx;

static int resolve(Db *db, Arena *a, const IndQuery *q, Ctx *c, Err *e) {
    memset(c, 0, sizeof *c);
    if (q->date && !date_valid(q->date)) return err_set(e, 400, "date", "%s must be a date YYYY-MM-DD", "date");
    if (q->date) snprintf(c->date, sizeof c->date, "%s", q->date);
    else date_today(c->date);
    if (q->from && !date_valid(q->from)) return err_set(e, 400, "from", "%s must be a date YYYY-MM-DD", "from");
    if (q->from) snprintf(c->from, sizeof c->from, "%s", q->from);
    else snprintf(c->from, sizeof c->from, "%.4s-01-01", c->date);
    if (strcmp(c->from, c->date) > 0)
        return err_set(e, 400, "from", "the period must not end before it starts (from %s, date %s)", c->from, c->date);
    if (q->geo && *q->geo && !str_eq(q->geo, "2025") && !str_eq(q->geo, "pre2025"))
        return err_set(e, 400, "geography", "%s must be 2025 or pre2025", "geography");
    c->old = q->geo && *q->geo ? str_eq(q->geo, "pre2025") : strcmp(c->date, UNIT_REORG_DATE) < 0;
    c->geo = c->old ? "pre2025" : "2025";
    if (c->old) snprintf(c->on, sizeof c->on, "%s", strcmp(c->date, UNIT_LAST_OLD_DATE) > 0 ? UNIT_LAST_OLD_DATE : c->date);
    else snprintf(c->on, sizeof c->on, "%s", strcmp(c->date, UNIT_REORG_DATE) < 0 ? UNIT_REORG_DATE : c->date);
    c->certified = rubric_certified_stars(rubric_current());
    if (!q->unit || !*q->unit) {
        c->unit = (Unit){.geo = c->geo, .level = "country", .code = "", .name = "Việt Nam", .name_en = "Viet Nam"};
        c->rows_level = "province";
        return 0;
    }
    if (unit_get(db, a, q->unit, c->on, &c->unit, e)) {
        if (e->status == 422) e->status = 400;
        if (str_eq(e->field, "code")) snprintf(e->field, sizeof e->field, "unit"); /* the query's name for it */
        return -1;
    }
    if (!str_eq(c->unit.geo, c->geo))
        return c->old ? err_set(e, 404, "unit", "no administrative unit with code %s on the pre-2025 map on %s", q->unit, c->on)
                      : err_set(e, 404, "unit", "no administrative unit with code %s on the 2025 map on %s", q->unit, c->on);
    c->rows_level = str_eq(c->unit.level, "commune") ? NULL
                    : c->old && str_eq(c->unit.level, "province") ? "district"
                                                                  : "commune";
    return 0;
}

static int fill_places(Db *db, const Ctx *c, Err *e);

/* Units in force on day (?1) of the map (?2). */
#define IN_FORCE(u) u ".geo = ?2 AND " u ".valid_from <= ?1 AND (" u ".valid_to IS NULL OR " u ".valid_to >= ?1)"

/* Fill ind_place with the unit's communes (and, on the old map, the 2025 communes placed by
** lineage). */
static int places(Db *db, const Ctx *c, Err *e) {
    if (db_exec(db,
                "CREATE TEMP TABLE IF NOT EXISTS ind_place (key TEXT PRIMARY KEY, commune TEXT NOT NULL, "
                "district TEXT, sub TEXT NOT NULL, own INTEGER NOT NULL); "
                "CREATE TEMP TABLE IF NOT EXISTS ind_place_of (what TEXT NOT NULL)",
                e))
        return -1;
    /* the connection's table holds the same unit already, and nothing was committed since: keep it */
    Stmt *k = db_prepare(db, "SELECT (SELECT what FROM ind_place_of) = ?1");
    char key[160];
    snprintf(key, sizeof key, "%s|%s|%s|%s|%llu", c->geo, c->on, c->unit.level, c->unit.code,
             (unsigned long long)db_change_stamp(db));
    db_bind_text(k, 1, key);
    bool same = db_step(k) == DB_ROW && db_col_int(k, 0) == 1;
    db_done(k);
    if (same) return 0;
    if (db_exec(db, "DELETE FROM ind_place; DELETE FROM ind_place_of", e)) return -1;
    if (fill_places(db, c, e)) return -1;
    k = db_prepare(db, "INSERT INTO ind_place_of VALUES (?1)");
    db_bind_text(k, 1, key);
    int rc = db_step(k);
    db_done(k);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot place the unit's communes: %s", db_errmsg(db));
}

/* Fill ind_place (empty) for c's unit. */
static int fill_places(Db *db, const Ctx *c, Err *e) {
    const char *sql;
    bool country = str_eq(c->unit.level, "country");
    if (!c->old) {
        sql = country ? "INSERT INTO ind_place SELECT 'n' || u.code, u.code, NULL, u.parent_code, 1 FROM units u "
                        "WHERE u.level = 'commune' AND " IN_FORCE("u")
              : str_eq(c->unit.level, "province")
                  ? "INSERT INTO ind_place SELECT 'n' || u.code, u.code, NULL, u.code, 1 FROM units u "
                    "WHERE u.level = 'commune' AND u.parent_code = ?3 AND " IN_FORCE("u")
                  : "INSERT INTO ind_place SELECT 'n' || u.code, u.code, NULL, u.code, 1 FROM units u "
                    "WHERE u.level = 'commune' AND u.code = ?3 AND " IN_FORCE("u");
    } else {
        sql = country ? "INSERT INTO ind_place SELECT 'o' || u.code, u.code, d.code, d.parent_code, 1 FROM units u "
                        "JOIN units d ON d.code = u.parent_code AND d.level = 'district' AND " IN_FORCE("d")
                        " WHERE u.level = 'commune' AND " IN_FORCE("u")
              : str_eq(c->unit.level, "province")
                  ? "INSERT INTO ind_place SELECT 'o' || u.code, u.code, d.code, d.code, 1 FROM units u "
                    "JOIN units d ON d.code = u.parent_code AND d.level = 'district' AND " IN_FORCE("d")
                    " WHERE u.level = 'commune' AND d.parent_code = ?3 AND " IN_FORCE("u")
              : str_eq(c->unit.level, "district")
                  ? "INSERT INTO ind_place SELECT 'o' || u.code, u.code, u.parent_code, u.code, 1 FROM units u "
                    "WHERE u.level = 'commune' AND u.parent_code = ?3 AND " IN_FORCE("u")
                  : "INSERT INTO ind_place SELECT 'o' || u.code, u.code, u.parent_code, u.code, 1 FROM units u "
                    "WHERE u.level = 'commune' AND u.code = ?3 AND " IN_FORCE("u");
    }
    Stmt *s = db_prepare(db, sql);
    db_bind_text(s, 1, c->on);
    db_bind_text(s, 2, c->geo);
    if (!country) db_bind_text(s, 3, c->unit.code);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) return err_set(e, 500, "", "cannot place the unit's communes: %s", db_errmsg(db));
    if (!c->old) return 0;
    /* a 2025 commune that came from a single old commune of the unit counts there */
    return db_exec(db,
                   "INSERT OR IGNORE INTO ind_place SELECT 'n' || l.new_code, p.commune, p.district, p.sub, 0 "
                   "FROM unit_links l JOIN ind_place p ON p.key = 'o' || l.old_code WHERE l.level = 'commune' "
                   "AND l.new_code IN (SELECT new_code FROM unit_links WHERE level = 'commune' GROUP BY new_code "
                   "HAVING count(*) = 1)",
                   e);
}

/* ---- measures ---------------------------------------------------------------------------------- */

/* The key of a record's commune on the map (x: the record's alias, with commune_code_old). */
static const char *key_of(const Ctx *c, const char *x, bool has_old) {
    static _Thread_local char buf[2][160];
    static _Thread_local int k;
    char *out = buf[k++ & 1];
    if (!c->old || !has_old) snprintf(out, sizeof buf[0], "'n' || %s.commune_code", x);
    else
        snprintf(out, sizeof buf[0], "CASE WHEN %s.commune_code_old IS NULL THEN 'n' || %s.commune_code ELSE 'o' || %s.commune_code_old END",
                 x, x, x);
    return out;
}

/* ---- the products of a day ------------------------------------------------------------------------
** Every measure of the products in force (and of those ever recognised, or expired) on a day
** starts from the same set, which would cost a pass over all recognitions each time (0.1–0.3 s at
** national scale). The connection keeps it per day in temporary tables:
**   ind_force  each product recognised on the day once, with its latest decision in force (a
**              recognition of the certified stars or more with decision_date <= day < expires_on,
**              not ended by the day), its product group and the key of its commune on the map
**              (as key_of writes it);
**   ind_prod   the producers of those products, each once, keyed by their own commune, with what
**              the producers' measures ask of them (type, channels, green chain, craft village);
**   ind_last   each product with a certified recognition decided by the day, with the latest one;
**   ind_days   the days held, the certified stars and the database's change stamp they were
**              made at: any change of the data, by any connection or process, empties them
**              (db_change_stamp; not the bookkeeping of sign-ins and sessions).
** At most four days are kept (a period's first and last days, and a report's day). */

enum { DAYS_KEPT = 4 };

static int day_tables(Db *db, Err *e) {
    /* WITHOUT ROWID, keyed by the commune first: a unit's rows are read in one range */
    return db_exec(db,
                   "CREATE TEMP TABLE IF NOT EXISTS ind_force (day TEXT NOT NULL, old INTEGER NOT NULL, k TEXT NOT NULL, "
                   "product_id INTEGER NOT NULL, producer_id INTEGER NOT NULL, stars INTEGER NOT NULL, level TEXT, grp TEXT, "
                   "decision_no TEXT, decision_date TEXT, expires_on TEXT, cert_no TEXT, PRIMARY KEY (day, old, k, product_id)) "
                   "WITHOUT ROWID;"
                   "CREATE TEMP TABLE IF NOT EXISTS ind_prod (day TEXT NOT NULL, old INTEGER NOT NULL, pk TEXT NOT NULL, "
                   "producer_id INTEGER NOT NULL, type TEXT, channels TEXT, green INTEGER NOT NULL, village_id INTEGER, "
                   "PRIMARY KEY (day, old, pk, producer_id)) WITHOUT ROWID;"
                   "CREATE TEMP TABLE IF NOT EXISTS ind_last (day TEXT NOT NULL, old INTEGER NOT NULL, k TEXT NOT NULL, "
                   "product_id INTEGER NOT NULL, expires_on TEXT, ended TEXT, ended_on TEXT, PRIMARY KEY (day, old, k, product_id)) "
                   "WITHOUT ROWID;"
                   "CREATE TEMP TABLE IF NOT EXISTS ind_days (day TEXT NOT NULL, old INTEGER NOT NULL, certified INTEGER NOT NULL, "
                   "stamp INTEGER NOT NULL, made INTEGER NOT NULL, PRIMARY KEY (day, old))",
                   e);
}

/* Make sure ind_force and ind_last hold day on c's map (for c's certified stars). */
static int day_set(Db *db, const Ctx *c, const char *day, Err *e) {
    if (day_tables(db, e)) return -1;
    int64_t stamp = (int64_t)(db_change_stamp(db) & INT64_MAX);
    Stmt *s = db_prepare(db, "SELECT count(*), sum(day = ?1 AND old = ?4), sum(stamp != ?2 OR certified != ?3), max(made) FROM ind_days");
    db_bind_text(s, 1, day);
    db_bind_int(s, 2, stamp);
    db_bind_int(s, 3, c->certified);
    db_bind_int(s, 4, c->old);
    int64_t held = 0, have = 0, stale = 0, made = 0;
    if (db_step(s) == DB_ROW) {
        held = db_col_int(s, 0);
        have = db_col_int(s, 1);
        stale = db_col_int(s, 2);
        made = db_col_int(s, 3);
    }
    db_done(s);
    if (stale) {
        if (db_exec(db, "DELETE FROM ind_force; DELETE FROM ind_prod; DELETE FROM ind_last; DELETE FROM ind_days", e)) return -1;
        held = have = 0;
    }
    if (have) return 0;
    if (held >= DAYS_KEPT &&
        db_exec(db, "DELETE FROM ind_force WHERE (day, old) = (SELECT day, old FROM ind_days ORDER BY made LIMIT 1);"
                    "DELETE FROM ind_prod WHERE (day, old) = (SELECT day, old FROM ind_days ORDER BY made LIMIT 1);"
                    "DELETE FROM ind_last WHERE (day, old) = (SELECT day, old FROM ind_days ORDER BY made LIMIT 1);"
                    "DELETE FROM ind_days WHERE (day, old) = (SELECT day, old FROM ind_days ORDER BY made LIMIT 1)",
                e))
        return -1;
    /* the latest decision of each product: SQLite takes the bare columns of an aggregate query with
    ** a single max() from the row holding the maximum (2.5 times faster than ROW_NUMBER()). A
    ** product scored on a sheet without the classification (148-2023: the same 26 sets in the
    ** same order) takes the group of its set number in the sheet that has one. */
    char force[1400], prod[600], last[800];
    snprintf(force, sizeof force,
             "INSERT INTO ind_force SELECT ?1, ?3, %s, v.product_id, p.producer_id, v.stars, v.level, coalesce(ps.grp, (SELECT "
             "g.grp FROM product_sets g WHERE g.set_no = p.set_no AND g.grp IS NOT NULL LIMIT 1)), v.decision_no, "
             "v.decision_date, v.expires_on, v.cert_no FROM (SELECT r.product_id, r.stars, r.level, r.decision_no, "
             "r.decision_date, r.expires_on, r.cert_no, max(r.decision_date || printf('%%012d', r.id)) FROM recognitions r "
             "WHERE r.stars >= ?2 AND r.decision_date <= ?1 AND r.expires_on > ?1 AND (r.ended_on IS NULL OR r.ended_on > ?1) "
             "GROUP BY r.product_id) v JOIN products p ON p.id = v.product_id LEFT JOIN product_sets ps ON ps.version = "
             "p.rubric_version AND ps.set_no = p.set_no",
             key_of(c, "p", true));
    /* the producers of those products, each once, placed by their own commune */
    snprintf(prod, sizeof prod,
             "INSERT INTO ind_prod SELECT ?1, ?3, %s, pr.id, pr.type, pr.channels, coalesce(pr.green_chain = 1 AND pr.raw_area_ha > 0, 0), "
             "pr.village_id FROM producers pr WHERE pr.id IN (SELECT producer_id FROM ind_force WHERE day = ?1 AND old = ?3)",
             key_of(c, "pr", true));
    snprintf(last, sizeof last,
             "INSERT INTO ind_last SELECT ?1, ?3, %s, v.product_id, v.expires_on, v.ended, v.ended_on FROM (SELECT "
             "r.product_id, r.expires_on, r.ended, r.ended_on, max(r.decision_date || printf('%%012d', r.id)) FROM "
             "recognitions r WHERE r.stars >= ?2 AND r.decision_date <= ?1 GROUP BY r.product_id) v JOIN products p ON "
             "p.id = v.product_id",
             key_of(c, "p", true));
    const char *const fill[] = {force, prod, last, "INSERT INTO ind_days VALUES (?1, ?3, ?2, ?4, ?5)"};
    for (size_t i = 0; i < COUNT(fill); i++) {
        s = db_prepare(db, fill[i]);
        db_bind_text(s, 1, day);
        db_bind_int(s, 2, c->certified);
        db_bind_int(s, 3, c->old);
        if (i == 3) {
            db_bind_int(s, 4, stamp);
            db_bind_int(s, 5, made + 1);
        }
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot gather the products of %s: %s", day, db_errmsg(db));
    }
    return 0;
}

/* Make sure ind_rec holds every certified recognition on c's map with what its product held before
** it: prev_max, the most stars of an earlier certified recognition (NULL: none), and prev3, prev4,
** prev5, whether one had 3, 4, 5 stars ("earlier": an earlier decision, or the same day's with a
** smaller id). Kept while the database's change stamp and the certified stars are the same; the
** flows of a period (new recognitions, upgrades, renewals) then read a range of it. */
static int rec_set(Db *db, const Ctx *c, Err *e) {
    if (db_exec(db,
                "CREATE TEMP TABLE IF NOT EXISTS ind_rec (old INTEGER NOT NULL, id INTEGER NOT NULL, product_id INTEGER NOT NULL, "
                "stars INTEGER NOT NULL, decision_date TEXT NOT NULL, prev_max INTEGER, prev3 INTEGER, prev4 INTEGER, "
                "prev5 INTEGER, k TEXT NOT NULL, PRIMARY KEY (old, id));"
                "CREATE INDEX IF NOT EXISTS temp.ind_rec_date ON ind_rec (old, decision_date);"
                "CREATE INDEX IF NOT EXISTS temp.ind_rec_k ON ind_rec (old, k, decision_date);"
                "CREATE TEMP TABLE IF NOT EXISTS ind_rec_of (old INTEGER PRIMARY KEY, certified INTEGER NOT NULL, "
                "stamp INTEGER NOT NULL)",
                e))
        return -1;
    int64_t stamp = (int64_t)(db_change_stamp(db) & INT64_MAX);
    Stmt *s = db_prepare(db, "SELECT count(*) FROM ind_rec_of WHERE old = ?1 AND certified = ?2 AND stamp = ?3");
    db_bind_int(s, 1, c->old);
    db_bind_int(s, 2, c->certified);
    db_bind_int(s, 3, stamp);
    bool have = db_step(s) == DB_ROW && db_col_int(s, 0) > 0;
    db_done(s);
    if (have) return 0;
    char fill[1200];
    snprintf(fill, sizeof fill,
             "DELETE FROM ind_rec WHERE old = ?1; DELETE FROM ind_rec_of WHERE old = ?1; "
             "INSERT INTO ind_rec SELECT ?1, r.id, r.product_id, r.stars, r.decision_date, max(r.stars) OVER w, "
             "max(r.stars = 3) OVER w, max(r.stars = 4) OVER w, max(r.stars = 5) OVER w, %s FROM recognitions r JOIN "
             "products p ON p.id = r.product_id WHERE r.stars >= ?2 WINDOW w AS (PARTITION BY r.product_id ORDER BY "
             "r.decision_date, r.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING); "
             "INSERT INTO ind_rec_of VALUES (?1, ?2, ?3)",
             key_of(c, "p", true));
    /* three statements, each with the same parameters */
    const char *sql = fill;
    while (sql && *sql) {
        const char *end = strstr(sql, "; ");
        char one[1200];
        snprintf(one, sizeof one, "%.*s", (int)(end ? (size_t)(end - sql) : strlen(sql)), sql);
        s = db_prepare(db, one);
        db_bind_int(s, 1, c->old);
        if (db_param_count(s) >= 2) db_bind_int(s, 2, c->certified);
        if (db_param_count(s) >= 3) db_bind_int(s, 3, stamp);
        int rc = db_step(s);
        db_done(s);
        if (rc != DB_DONE) return err_set(e, 500, "", "cannot gather the recognitions: %s", db_errmsg(db));
        sql = end ? end + 2 : NULL;
    }
    return 0;
}

/* The column of ind_force / ind_last keying a product's (producer: its producer's) commune on c's
** map; the join also says day and map: "v.day = ?2 AND v.old = <old> AND v.k = t.key". */
static const char *kcol(const Ctx *c, bool producer) {
    return producer ? (c->old ? "old = 1 AND v.pk" : "old = 0 AND v.pk") : (c->old ? "old = 1 AND v.k" : "old = 0 AND v.k");
    /* (producer: a row of ind_prod) */
}

static int64_t jint(const json_t *m, const char *k, int64_t dflt) {
    json_t *v = json_object_get(m, k);
    return json_is_integer(v) ? json_integer_value(v) : dflt;
}

/* A comma-separated list of SQL string literals from the array m[k] (its words are the
** catalogue's: letters and '_' only), into b; false when there is none. */
static bool words(Buf *b, const json_t *m, const char *k) {
    json_t *arr = json_object_get(m, k), *w;
    size_t i;
    if (!json_array_size(arr)) return false;
    json_array_foreach(arr, i, w) {
        const char *s = json_string_value(w);
        for (const char *p = s; p && *p; p++)
            if (!(*p == '_' || (*p >= 'a' && *p <= 'z'))) panic("data/indicators.json: '%s' is not a word", s);
        buf_printf(b, "%s'%s'", i ? ", " : "", s ? s : "");
    }
    return true;
}

/* The SQL of measure m, whose rows are (sub, count); parameters: ?1 the certified stars, ?2
** the day, ?3 the period's first day. */
static int measure_sql(const Ctx *c, const json_t *m, Buf *b, Err *e) {
    const char *name = json_string_value(json_object_get(m, "measure"));
    int64_t stars = jint(m, "stars", 0), min = jint(m, "min_stars", 0);
    Buf list = BUF_INIT;
    if (str_eq(name, "products")) {
        buf_printf(b, "SELECT t.sub, count(*) FROM ind_place t CROSS JOIN ind_force v ON v.day = ?2 AND v.%s = t.key", kcol(c, false));
        buf_printf(b, " WHERE v.stars >= %lld", (long long)(min ? min : c->certified));
        const char *group = json_string_value(json_object_get(m, "group"));
        if (group) {
            for (const char *g = group; *g; g++)
                if (*g != 'I' && *g != 'V') panic("data/indicators.json: group '%s'", group);
            buf_printf(b, " AND v.grp = '%s'", group);
        }
        if (stars) buf_printf(b, " AND v.stars = %lld", (long long)stars);
        buf_puts(b, " GROUP BY t.sub");
    } else if (str_eq(name, "products_ever")) {
        buf_printf(b, "SELECT t.sub, count(*) FROM ind_place t CROSS JOIN ind_last v ON v.day = ?2 AND v.%s = t.key GROUP BY t.sub",
                   kcol(c, false));
    } else if (str_eq(name, "expired")) {
        /* the latest certified recognition decided by the day ran out (it was not revoked
        ** before), and none is in force */
        buf_printf(b, "SELECT t.sub, count(*) FROM ind_place t CROSS JOIN ind_last v ON v.day = ?2 AND v.%s = t.key WHERE "
                      "v.expires_on <= ?2 AND (v.ended IS NULL OR v.ended_on >= v.expires_on) GROUP BY t.sub",
                   kcol(c, false));
    } else if (str_eq(name, "recognitions")) {
        const char *kind = json_string_value(json_object_get(m, "kind"));
        int64_t from = jint(m, "from_stars", 0);
        /* each recognition with what the product held before (ind_rec: prev_max, prev3..5) */
        buf_printf(b, "SELECT t.sub, count(DISTINCT r.product_id) FROM ind_place t CROSS JOIN ind_rec r ON r.old = %d AND r.k = "
                      "t.key AND r.decision_date >= ?3 AND r.decision_date <= ?2 WHERE r.stars >= %lld",
                   c->old, (long long)(min ? min : c->certified));
        if (stars) buf_printf(b, " AND r.stars = %lld", (long long)stars);
        if (str_eq(kind, "new")) buf_puts(b, " AND r.prev_max IS NULL");
        else if (str_eq(kind, "new_at")) buf_puts(b, " AND (r.prev_max IS NULL OR r.prev_max < r.stars)");
        else if (str_eq(kind, "upgrade")) {
            buf_puts(b, " AND r.prev_max < r.stars");
            if (from >= 3 && from <= 5) buf_printf(b, " AND r.prev%lld = 1", (long long)from);
            else if (from) buf_puts(b, " AND 0");
        } else if (str_eq(kind, "renewal")) buf_puts(b, " AND r.prev_max >= r.stars");
        else if (kind) panic("data/indicators.json: recognitions of kind '%s'", kind);
        buf_puts(b, " GROUP BY t.sub");
    } else if (str_eq(name, "dossiers")) {
        /* filed in the period, placed by their product */
        Buf w = BUF_INIT;
        buf_puts(&w, "x.filed_on >= ?3 AND x.filed_on <= ?2");
        const char *kind = json_string_value(json_object_get(m, "kind"));
        if (kind) {
            json_t *one = json_pack("{s:[s]}", "k", kind);
            words(&list, one, "k");
            json_decref(one);
            buf_printf(&w, " AND x.kind IN (%s)", buf_str(&list));
        }
        if (json_is_true(json_object_get(m, "to_ministry")))
            buf_puts(&w, " AND (x.ministry_pass IS NOT NULL OR x.state IN ('with_ministry', 'in_ministry_round', 'ministry_scored'))");
        /* A dossier counts where its product was when it was filed, which the dossier keeps
        ** (commune_code, commune_code_old): the country reads the period's dossiers (index
        ** dossiers_filed), a smaller unit its communes' (dossiers_commune_filed,
        ** dossiers_commune_old_filed), without the products: 180 -> 2 ms for a province at ten
        ** times national scale. */
        if (str_eq(c->unit.level, "country"))
            buf_printf(b, "SELECT t.sub, count(*) FROM dossiers x JOIN ind_place t ON t.key = %s WHERE %s GROUP BY t.sub",
                       key_of(c, "x", true), buf_str(&w));
        else if (!c->old)
            buf_printf(b, "SELECT t.sub, count(*) FROM ind_place t CROSS JOIN dossiers x ON x.commune_code = substr(t.key, 2) "
                          "WHERE %s GROUP BY t.sub",
                       buf_str(&w));
        else
            buf_printf(b, "SELECT sub, count(*) FROM (SELECT t.sub FROM ind_place t CROSS JOIN dossiers x ON x.commune_code_old = "
                          "substr(t.key, 2) WHERE t.key GLOB 'o*' AND %s UNION ALL SELECT t.sub FROM ind_place t CROSS JOIN "
                          "dossiers x ON x.commune_code = substr(t.key, 2) AND x.commune_code_old IS NULL WHERE t.key GLOB 'n*' "
                          "AND %s) GROUP BY sub",
                       buf_str(&w), buf_str(&w));
        buf_free(&w);
    } else if (str_eq(name, "communes") || str_eq(name, "districts")) {
        bool d = str_eq(name, "districts");
        if (d && !c->old) {
            buf_free(&list);
            return err_set(e, 422, "geography", "districts exist on the pre-2025 map only: ask with geography=pre2025 "
                                                "or a date before 2025-07-01");
        }
        const char *what = d ? "t.district" : "t.commune";
        if (json_is_true(json_object_get(m, "covered")))
            buf_printf(b, "SELECT t.sub, count(DISTINCT %s) FROM ind_place t CROSS JOIN ind_force v ON v.day = ?2 AND v.%s = t.key "
                          "GROUP BY t.sub",
                       what, kcol(c, false));
        else
            buf_printf(b, "SELECT t.sub, count(DISTINCT %s) FROM ind_place t WHERE t.own = 1 GROUP BY t.sub", what);
    } else if (str_eq(name, "producers")) {
        /* producers with an OCOP product on the day, placed by their own commune */
        buf_printf(b, "SELECT t.sub, count(*) FROM ind_place t CROSS JOIN ind_prod v ON v.day = ?2 AND v.%s = t.key WHERE 1",
                   kcol(c, true));
        if (words(&list, m, "types")) buf_printf(b, " AND v.type IN (%s)", buf_str(&list));
        buf_reset(&list);
        if (words(&list, m, "channels")) {
            json_t *w;
            size_t i;
            buf_puts(b, " AND (0");
            json_array_foreach(json_object_get(m, "channels"), i, w)
                buf_printf(b, " OR (',' || v.channels || ',') LIKE '%%,%s,%%'", json_string_value(w));
            buf_puts(b, ")");
        }
        if (json_is_true(json_object_get(m, "green_chain"))) buf_puts(b, " AND v.green = 1");
        buf_puts(b, " GROUP BY t.sub");
    } else if (str_eq(name, "villages")) {
        buf_printf(b, "SELECT t.sub, count(*) FROM villages x JOIN ind_place t ON t.key = %s WHERE (x.recognized_on IS NULL "
                      "OR x.recognized_on <= ?2)",
                   key_of(c, "x", false));
        /* the villages of the producers of the products in force, computed once (a correlated
        ** EXISTS made SQLite build v again for every village) */
        if (json_is_true(json_object_get(m, "with_ocop")))
            buf_printf(b, " AND x.id IN (SELECT v.village_id FROM ind_prod v WHERE v.day = ?2 AND v.old = %d AND v.village_id "
                          "IS NOT NULL)",
                       c->old);
        buf_puts(b, " GROUP BY t.sub");
    } else if (str_eq(name, "points")) {
        buf_printf(b, "SELECT t.sub, count(*) FROM sale_points x JOIN ind_place t ON t.key = %s", key_of(c, "x", false));
        if (words(&list, m, "kinds")) buf_printf(b, " WHERE x.kind IN (%s)", buf_str(&list));
        buf_puts(b, " GROUP BY t.sub");
    } else {
        panic("data/indicators.json: measure '%s'", name ? name : "?");
    }
    buf_free(&list);
    return 0;
}

/* Run measure m: its count per sub-unit into counts ({sub: n}), the sum into *sum. */
static int measure(Db *db, const Ctx *c, const json_t *m, json_t *counts, int64_t *sum, Err *e) {
    Buf sql = BUF_INIT;
    if (measure_sql(c, m, &sql, e)) {
        buf_free(&sql);
        return -1;
    }
    /* "on": "start": a stock counted on the period's first day (the 3★ products an upgrade
    ** rate is out of) */
    const char *day = str_eq(json_string_value(json_object_get(m, "on")), "start") ? c->from : c->date;
    if (((strstr(sql.p, "ind_force") || strstr(sql.p, "ind_prod") || strstr(sql.p, "ind_last")) && day_set(db, c, day, e)) ||
        (strstr(sql.p, "ind_rec") && rec_set(db, c, e))) {
        buf_free(&sql);
        return -1;
    }
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    int np = db_param_count(s);
    if (np >= 1) db_bind_int(s, 1, c->certified);
    if (np >= 2) db_bind_text(s, 2, day);
    if (np >= 3) db_bind_text(s, 3, c->from);
    *sum = 0;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        int64_t n = db_col_int(s, 1);
        json_object_set_new(counts, db_col_text(s, 0), json_integer(n));
        *sum += n;
    }
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot compute the indicator: %s", db_errmsg(db));
}

static void value_of(IndValue *v, int64_t num, int64_t den, bool percent) {
    v->numerator = num;
    v->denominator = percent ? den : -1;
    v->value = !percent ? (double)num : den > 0 ? 100.0 * (double)num / (double)den : 0;
}

json_t *indicator_unit(Db *db, Arena *a, const IndQuery *q, Err *e) {
    Ctx c;
    if (resolve(db, a, q, &c, e)) return NULL;
    return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s}", "code", c.unit.code, "name",
                     str_eq(c.unit.level, "country") ? c.unit.name : unit_full_name(a, &c.unit), "level", c.unit.level,
                     "geo", c.geo, "type", c.unit.type, "on", c.on, "date", c.date, "from", c.from);
}

int indicator_eval(Db *db, Arena *a, const char *code, const IndQuery *q, IndValue *total, json_t **rows, Err *e) {
    if (rows) *rows = NULL;
    memset(total, 0, sizeof *total);
    const json_t *ind = indicator_find(code);
    if (!ind) return err_set(e, 404, "code", "no indicator called '%s' (GET /api/v1/indicators lists them)", code ? code : "");
    Ctx c;
    if (resolve(db, a, q, &c, e) || places(db, &c, e)) return -1;
    bool percent = str_eq(json_string_value(json_object_get(ind, "unit")), "percent");
    json_t *nums = json_object(), *dens = json_object();
    int64_t num = 0, den = 0;
    int rc = measure(db, &c, json_object_get(ind, "numerator"), nums, &num, e);
    if (!rc && percent) rc = measure(db, &c, json_object_get(ind, "denominator"), dens, &den, e);
    if (!rc) value_of(total, num, den, percent);
    if (!rc && rows && c.rows_level) {
        /* every sub-unit, those that count nothing included */
        Stmt *s;
        if (str_eq(c.unit.level, "country"))
            s = db_prepare(db, "SELECT u.code FROM units u WHERE u.level = 'province' AND " IN_FORCE("u") " ORDER BY u.code");
        else
            s = db_prepare(db, "SELECT u.code FROM units u WHERE u.level = ?3 AND u.parent_code = ?4 AND " IN_FORCE("u")
                               " ORDER BY u.code");
        db_bind_text(s, 1, c.on);
        db_bind_text(s, 2, c.geo);
        if (!str_eq(c.unit.level, "country")) {
            db_bind_text(s, 3, c.rows_level);
            db_bind_text(s, 4, c.unit.code);
        }
        *rows = json_array();
        while (db_step(s) == DB_ROW) {
            const char *sub = db_col_text(s, 0);
            Unit u;
            Err ue = ERR_INIT;
            const char *name = unit_get(db, a, sub, c.on, &u, &ue) ? sub : unit_full_name(a, &u);
            IndValue v;
            value_of(&v, json_integer_value(json_object_get(nums, sub)), json_integer_value(json_object_get(dens, sub)), percent);
            json_t *row = json_pack("{s:s, s:s, s:I, s:f}", "code", sub, "name", name, "numerator", (json_int_t)v.numerator,
                                    "value", v.value);
            json_object_set_new(row, "denominator", percent ? json_integer(v.denominator) : json_null());
            json_array_append_new(*rows, row);
        }
        db_done(s);
    }
    json_decref(nums);
    json_decref(dens);
    return rc;
}

/* ---- the records behind the figures ------------------------------------------------------------- */

/* The name of unit code as it stood on day (the code itself when unknown). */
static const char *unit_name_on(Db *db, Arena *a, const char *code, const char *day) {
    if (!code || !*code) return "";
    Unit u;
    Err e = ERR_INIT;
    return unit_get(db, a, code, day, &u, &e) ? code : unit_full_name(a, &u);
}

int indicator_products(Db *db, Arena *a, const IndQuery *q, json_t **items, Err *e) {
    *items = NULL;
    Ctx c;
    if (resolve(db, a, q, &c, e) || places(db, &c, e) || day_set(db, &c, c.date, e)) return -1;
    Buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT p.id, coalesce(p.code, ''), p.name, pr.id, pr.name, t.commune, coalesce(t.district, ''), v.stars, "
               "v.level, v.decision_no, v.decision_date, coalesce(v.expires_on, ''), coalesce(v.cert_no, ''), "
               "(SELECT min(r0.decision_date) FROM recognitions r0 WHERE r0.product_id = p.id AND r0.stars >= ?1) "
               "FROM ind_place t CROSS JOIN ind_force v ON v.day = ?2 AND v.%s = t.key JOIN products p ON p.id = v.product_id "
               "JOIN producers pr ON pr.id = v.producer_id ORDER BY t.district, t.commune, p.name_key, p.id",
               kcol(&c, false));
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    db_bind_int(s, 1, c.certified);
    db_bind_text(s, 2, c.date);
    *items = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *commune = db_col_text(s, 5), *district = db_col_text(s, 6);
        json_t *it = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                               (json_int_t)db_col_int(s, 0), "code", db_col_text(s, 1), "name", db_col_text(s, 2),
                               "producer_id", (json_int_t)db_col_int(s, 3), "producer", db_col_text(s, 4), "commune_code",
                               commune, "commune", unit_name_on(db, a, commune, c.on), "district_code", district,
                               "district", unit_name_on(db, a, district, c.on), "stars", (json_int_t)db_col_int(s, 7),
                               "level", db_col_text(s, 8), "decision_no", db_col_text(s, 9), "decision_date",
                               db_col_text(s, 10), "expires_on", db_col_text(s, 11), "cert_no", db_col_text(s, 12),
                               "first_recognised", db_col_text(s, 13) ? db_col_text(s, 13) : "");
        json_array_append_new(*items, it);
    }
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(*items);
        *items = NULL;
        return err_set(e, 500, "", "cannot list the products: %s", db_errmsg(db));
    }
    return 0;
}

int indicator_communes(Db *db, Arena *a, const IndQuery *q, json_t **items, Err *e) {
    *items = NULL;
    Ctx c;
    if (resolve(db, a, q, &c, e) || places(db, &c, e) || day_set(db, &c, c.date, e)) return -1;
    Buf sql = BUF_INIT;
    buf_printf(&sql,
               "SELECT t.commune, coalesce(t.district, ''), u.type, count(v.product_id) FROM ind_place t JOIN units u ON "
               "u.code = t.commune AND u.level = 'commune' AND u.geo = ?3 AND u.valid_from <= ?4 AND (u.valid_to IS NULL OR "
               "u.valid_to >= ?4) LEFT JOIN ind_force v ON v.day = ?2 AND v.%s = t.key WHERE t.own = 1 OR v.product_id IS "
               "NOT NULL GROUP BY t.commune ORDER BY coalesce(t.district, ''), t.commune",
               kcol(&c, false));
    /* a 2025 commune placed by lineage counts in its old commune: group by the commune */
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    db_bind_int(s, 1, c.certified);
    db_bind_text(s, 2, c.date);
    db_bind_text(s, 3, c.geo);
    db_bind_text(s, 4, c.on);
    *items = json_array();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        const char *commune = db_col_text(s, 0), *district = db_col_text(s, 1);
        json_array_append_new(*items, json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "code", commune, "name",
                                                unit_name_on(db, a, commune, c.on), "type", db_col_text(s, 2),
                                                "district_code", district, "district", unit_name_on(db, a, district, c.on),
                                                "products", (json_int_t)db_col_int(s, 3)));
    }
    db_done(s);
    if (rc != DB_DONE) {
        json_decref(*items);
        *items = NULL;
        return err_set(e, 500, "", "cannot list the communes: %s", db_errmsg(db));
    }
    return 0;
}

int indicator_producer_types(Db *db, Arena *a, const IndQuery *q, json_t **by_type, Err *e) {
    *by_type = NULL;
    Ctx c;
    if (resolve(db, a, q, &c, e) || places(db, &c, e) || day_set(db, &c, c.date, e)) return -1;
    Buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT v.type, count(*) FROM ind_place t CROSS JOIN ind_prod v ON v.day = ?2 AND v.%s = t.key GROUP BY v.type",
               kcol(&c, true));
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    db_bind_int(s, 1, c.certified);
    db_bind_text(s, 2, c.date);
    *by_type = json_object();
    int rc;
    while ((rc = db_step(s)) == DB_ROW) json_object_set_new(*by_type, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
    db_done(s);
    if (rc == DB_DONE) return 0;
    json_decref(*by_type);
    *by_type = NULL;
    return err_set(e, 500, "", "cannot count the producers: %s", db_errmsg(db));
}

int indicator_expiries(Db *db, Arena *a, const IndQuery *q, int months, int64_t *counts, Err *e) {
    for (int k = 0; k < months; k++) counts[k] = 0;
    Ctx c;
    if (resolve(db, a, q, &c, e) || places(db, &c, e) || day_set(db, &c, c.date, e)) return -1;
    char first[11], next[11], until[11]; /* the last day of the day's month + months - 1 */
    snprintf(first, sizeof first, "%.8s01", c.date);
    date_add_months(first, months, next);
    date_add_days(next, -1, until);
    Buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT substr(v.expires_on, 1, 7), count(*) FROM ind_place t CROSS JOIN ind_force v ON v.day = ?2 AND v.%s = "
                     "t.key WHERE v.expires_on <= ?3 GROUP BY 1",
               kcol(&c, false));
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    db_bind_int(s, 1, c.certified);
    db_bind_text(s, 2, c.date);
    db_bind_text(s, 3, until);
    int rc, y0 = atoi(c.date), m0 = atoi(c.date + 5);
    while ((rc = db_step(s)) == DB_ROW) {
        const char *ym = db_col_text(s, 0);
        int k = (atoi(ym) - y0) * 12 + atoi(ym + 5) - m0; /* 0: the rest of this month */
        if (k >= 0 && k < months) counts[k] += db_col_int(s, 1);
    }
    db_done(s);
    return rc == DB_DONE ? 0 : err_set(e, 500, "", "cannot count the expiries: %s", db_errmsg(db));
}
