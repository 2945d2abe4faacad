/*
** unit.c: administrative units on a date, in two geographies, with the 2025 lineage (see
** unit.h). Every query names a day: a period is in force on D when valid_from <= D and
** (valid_to IS NULL or D <= valid_to); ISO dates compare correctly as text.
*/
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "text.h"
#include "util.h"

#define UNIT_COLS "u.geo, u.level, u.code, u.name, u.name_en, u.type, u.parent_code, " \
                  "u.valid_from, u.valid_to"
#define IN_FORCE(t) t ".valid_from <= ? AND (" t ".valid_to IS NULL OR " t ".valid_to >= ?)"

bool unit_code_valid(const char *s) {
    if (!s) return false;
    size_t n = strlen(s);
    if (n != 2 && n != 3 && n != 5) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* The level a code of this shape names (codes have 2, 3 or 5 digits by level). */
static const char *level_of_code(const char *code) {
    size_t n = strlen(code);
    return n == 2 ? "province" : n == 3 ? "district" : "commune";
}

/* date, or today into buf when date is NULL; NULL with e (422 "date") when malformed. */
static const char *day_of(const char *date, char buf[11], Err *e) {
    if (!date) {
        date_today(buf);
        return buf;
    }
    if (!date_valid(date)) {
        err_set(e, 422, "date", "%s must be a real day written YYYY-MM-DD, got '%s'", "date", date);
        return NULL;
    }
    return date;
}

static int bad_code(Err *e, const char *field, const char *code) {
    return err_set(e, 422, field, "%s must be an administrative unit code of 2, 3 or 5 digits, "
                   "got '%s'", field, code ? code : "");
}

static const char *col_dup(Arena *a, Stmt *s, int i) {
    const char *t = db_col_text(s, i);
    return t ? arena_strdup(a, t) : NULL;
}

/* Fill u from the 9 UNIT_COLS starting at column first. */
static void unit_from_row(Arena *a, Stmt *s, int first, Unit *u) {
    u->geo = col_dup(a, s, first);
    u->level = col_dup(a, s, first + 1);
    u->code = col_dup(a, s, first + 2);
    u->name = col_dup(a, s, first + 3);
    u->name_en = col_dup(a, s, first + 4);
    u->type = col_dup(a, s, first + 5);
    u->parent_code = col_dup(a, s, first + 6);
    u->valid_from = col_dup(a, s, first + 7);
    u->valid_to = col_dup(a, s, first + 8);
}

const char *unit_full_name(Arena *a, const Unit *u) {
    if (!u->type || !u->name) return u->name ? u->name : "";
    /* Capitalise the first letter of the type: "đặc khu" -> "Đặc khu". */
    utf8proc_int32_t cp;
    utf8proc_ssize_t len = utf8proc_iterate((const utf8proc_uint8_t *)u->type, -1, &cp);
    if (len <= 0) return arena_printf(a, "%s %s", u->type, u->name);
    utf8proc_uint8_t up[4];
    utf8proc_ssize_t ulen = utf8proc_encode_char(utf8proc_toupper(cp), up);
    return arena_printf(a, "%.*s%s %s", (int)ulen, (const char *)up, u->type + len, u->name);
}

/* The unit with exactly this code on day; 1 found, 0 not. */
static int get_exact(Db *db, Arena *a, const char *code, const char *day, Unit *out) {
    Stmt *s = db_prepare(db, "SELECT " UNIT_COLS " FROM units u WHERE u.code = ? AND "
                             IN_FORCE("u"));
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, day);
    db_bind_text(s, 3, day);
    int found = db_step(s) == DB_ROW;
    if (found) unit_from_row(a, s, 0, out);
    db_done(s);
    return found;
}

/* The unit code that one-parameter sql yields for param into out[8]; false when none. */
static bool code_of(Db *db, const char *sql, const char *param, char out[8]) {
    Stmt *s = db_prepare(db, sql);
    db_bind_text(s, 1, param);
    bool found = false;
    if (db_step(s) == DB_ROW) {
        const char *c = db_col_text(s, 0);
        if (c && strlen(c) < 8) {
            snprintf(out, 8, "%s", c);
            found = true;
        }
    }
    db_done(s);
    return found;
}

/* The canonical code of an alias into out[8]; false when code is no alias. */
static bool alias_of(Db *db, const char *code, char out[8]) {
    return code_of(db, "SELECT canonical_code FROM unit_aliases WHERE alias_code = ?", code, out);
}

/* 404 for code on day, saying when the code was (or will be) in force, if ever. */
static int not_found(Db *db, const char *code, const char *day, Err *e) {
    char when[300] = "";
    size_t w = 0;
    Stmt *s = db_prepare(db, "SELECT name, valid_to FROM units WHERE code = ? AND valid_to < ? "
                             "ORDER BY valid_to DESC LIMIT 1");
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, day);
    if (db_step(s) == DB_ROW)
        w += (size_t)snprintf(when, sizeof when, ": code %s (%s) was in force until %s", code,
                              db_col_text(s, 0), db_col_text(s, 1));
    db_done(s);
    s = db_prepare(db, "SELECT name, valid_from FROM units WHERE code = ? AND valid_from > ? "
                       "ORDER BY valid_from LIMIT 1");
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, day);
    if (db_step(s) == DB_ROW && w < sizeof when)
        snprintf(when + w, sizeof when - w, "%s code %s (%s) is in force from %s",
                 w ? "; " : ": ", code, db_col_text(s, 0), db_col_text(s, 1));
    db_done(s);
    return err_set(e, 404, "code", "no administrative unit with code %s on %s%s", code, day,
                   when);
}

/* unit_get with day already resolved. The aliases are codes of the 2025 geography, so they
** apply from 2025-07-01 only (23737 was a different commune before). */
static int get_on(Db *db, Arena *a, const char *code, const char *day, Unit *out, Err *e) {
    if (get_exact(db, a, code, day, out)) return 0;
    char canon[8];
    bool alias = alias_of(db, code, canon);
    if (alias && strcmp(day, UNIT_REORG_DATE) >= 0 && get_exact(db, a, canon, day, out))
        return 0;
    not_found(db, code, day, e);
    if (alias && strcmp(day, UNIT_REORG_DATE) < 0) {
        size_t len = strlen(e->detail);
        snprintf(e->detail + len, sizeof e->detail - len,
                 " (%s is an alias of %s from %s)", code, canon, UNIT_REORG_DATE);
    }
    return -1;
}

int unit_get(Db *db, Arena *a, const char *code, const char *date, Unit *out, Err *e) {
    char buf[11];
    const char *day = day_of(date, buf, e);
    if (!day) return -1;
    if (!unit_code_valid(code)) return bad_code(e, "code", code);
    return get_on(db, a, code, day, out, e);
}

/* Append u to a growing array in a (capacity doubles; the old block stays in the arena). */
static void push_unit(Arena *a, Unit **v, int *n, int *cap, const Unit *u) {
    if (*n == *cap) {
        int ncap = *cap ? *cap * 2 : 64;
        Unit *nv = arena_alloc(a, sizeof(Unit) * (size_t)ncap);
        if (*n) memcpy(nv, *v, sizeof(Unit) * (size_t)*n);
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = *u;
}

/* Whether the folded name ("tan phu") or the folded full name ("xa tan phu") of a unit
** starts with the folded query fq[0..fqn); tmp is scratch space. */
static bool name_matches(const char *type, const char *name, const char *fq, size_t fqn,
                         Buf *tmp) {
    buf_reset(tmp);
    text_fold(tmp, name, strlen(name));
    if (tmp->n >= fqn && memcmp(buf_str(tmp), fq, fqn) == 0) return true;
    if (!type) return false;
    buf_reset(tmp);
    text_fold(tmp, type, strlen(type));
    buf_putc(tmp, ' ');
    text_fold(tmp, name, strlen(name));
    return tmp->n >= fqn && memcmp(buf_str(tmp), fq, fqn) == 0;
}

/* Bind the parameters of unit_find's query shape (0: level, 1: + parent, 2: + parent
** province through its districts); returns the next parameter number. */
static int bind_filter(Stmt *s, int shape, const char *level, const char *day,
                       const char *parent) {
    int i = 1;
    if (shape) db_bind_text(s, i++, parent);
    if (shape == 2) {
        db_bind_text(s, i++, day);
        db_bind_text(s, i++, day);
    }
    db_bind_text(s, i++, level);
    db_bind_text(s, i++, day);
    db_bind_text(s, i++, day);
    return i;
}

int unit_find(Db *db, Arena *a, const UnitFilter *f, Unit **out, int *n, int *total, Err *e) {
    *out = NULL;
    *n = 0;
    if (total) *total = 0;
    if (!f->level || (strcmp(f->level, "province") && strcmp(f->level, "district") &&
                      strcmp(f->level, "commune")))
        return err_set(e, 422, "level", "%s must be province, district or commune, got '%s'", "level",
                       f->level ? f->level : "");
    char buf[11];
    const char *day = day_of(f->date, buf, e);
    if (!day) return -1;
    if (f->parent && !unit_code_valid(f->parent)) return bad_code(e, "parent", f->parent);

    /* Pre-2025 communes hang under districts: "communes inside province P" goes one level
    ** further through P's districts on the same day. */
    int shape = !f->parent ? 0
                : strlen(f->parent) == 2 && !strcmp(f->level, "commune") &&
                          strcmp(day, UNIT_REORG_DATE) < 0
                    ? 2
                    : 1;
    static const char *const from_where[] = {
        "FROM units u WHERE u.level = ? AND " IN_FORCE("u"),
        "FROM units u WHERE u.parent_code = ? AND u.level = ? AND " IN_FORCE("u"),
        /* A join rather than IN (SELECT ...): it lets SQLite walk units_parent. */
        "FROM units d JOIN units u ON u.parent_code = d.code WHERE d.parent_code = ? AND "
        "d.level = 'district' AND " IN_FORCE("d") " AND u.level = ? AND " IN_FORCE("u"),
    };

    Buf fq = BUF_INIT;
    if (f->q) text_fold(&fq, f->q, strlen(f->q));
    bool filter = fq.n > 0;
    bool page_in_sql = !filter && f->limit > 0;

    Buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT " UNIT_COLS " %s ORDER BY u.code", from_where[shape]);
    if (page_in_sql) buf_puts(&sql, " LIMIT ? OFFSET ?");
    Stmt *s = db_prepare(db, buf_str(&sql));
    int i = bind_filter(s, shape, f->level, day, f->parent);
    if (page_in_sql) {
        db_bind_int(s, i++, f->limit);
        db_bind_int(s, i++, f->offset > 0 ? f->offset : 0);
    }
    Unit *v = NULL;
    int nv = 0, cap = 0, matched = 0;
    Buf tmp = BUF_INIT;
    int rc;
    while ((rc = db_step(s)) == DB_ROW) {
        Unit u;
        if (filter) {
            /* Fold before copying: most rows fail the filter. */
            const char *name = db_col_text(s, 3);
            if (!name || !name_matches(db_col_text(s, 5), name, fq.p, fq.n, &tmp)) continue;
            int at = matched++;
            if (at < f->offset || (f->limit > 0 && nv >= f->limit)) continue;
        }
        unit_from_row(a, s, 0, &u);
        push_unit(a, &v, &nv, &cap, &u);
    }
    db_done(s);
    buf_free(&tmp);
    buf_free(&fq);
    if (rc == DB_ERROR) {
        buf_free(&sql);
        return err_set(e, 500, "db", "cannot list units: %s", db_errmsg(db));
    }
    if (total) {
        if (filter) {
            *total = matched;
        } else if (!page_in_sql) {
            *total = nv;
        } else {
            buf_reset(&sql);
            buf_printf(&sql, "SELECT count(*) %s", from_where[shape]);
            Stmt *c = db_prepare(db, buf_str(&sql));
            bind_filter(c, shape, f->level, day, f->parent);
            *total = db_step(c) == DB_ROW ? (int)db_col_int(c, 0) : 0;
            db_done(c);
        }
    }
    buf_free(&sql);
    if (!filter && !page_in_sql && f->offset > 0) {
        /* No limit but an offset: drop the first rows. */
        int skip = f->offset < nv ? f->offset : nv;
        v += skip;
        nv -= skip;
    }
    *out = v;
    *n = nv;
    return 0;
}

int unit_list(Db *db, Arena *a, const char *level, const char *date, const char *parent,
              Unit **out, int *n, Err *e) {
    UnitFilter f = {.level = level, .date = date, .parent = parent};
    return unit_find(db, a, &f, out, n, NULL, e);
}

int unit_children(Db *db, Arena *a, const char *code, const char *date, Unit **out, int *n,
                  Err *e) {
    *out = NULL;
    *n = 0;
    char buf[11];
    const char *day = day_of(date, buf, e);
    if (!day) return -1;
    if (!unit_code_valid(code)) return bad_code(e, "code", code);
    Unit self;
    if (get_on(db, a, code, day, &self, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT " UNIT_COLS " FROM units u WHERE u.parent_code = ? AND "
                             IN_FORCE("u") " ORDER BY u.code");
    db_bind_text(s, 1, self.code);
    db_bind_text(s, 2, day);
    db_bind_text(s, 3, day);
    Unit *v = NULL;
    int nv = 0, cap = 0;
    while (db_step(s) == DB_ROW) {
        Unit u;
        unit_from_row(a, s, 0, &u);
        push_unit(a, &v, &nv, &cap, &u);
    }
    db_done(s);
    *out = v;
    *n = nv;
    return 0;
}

int unit_province(Db *db, Arena *a, const char *code, const char *date, Unit *out, Err *e) {
    char buf[11];
    const char *day = day_of(date, buf, e);
    if (!day) return -1;
    if (!unit_code_valid(code)) return bad_code(e, "code", code);
    Unit u;
    if (get_on(db, a, code, day, &u, e)) return -1;
    /* At most commune -> district -> province. */
    for (int hop = 0; hop < 3 && strcmp(u.level, "province"); hop++) {
        Unit p;
        if (!u.parent_code || !get_exact(db, a, u.parent_code, day, &p))
            return err_set(e, 404, "code",
                           "the province of %s %s on %s is not known: its parent %s is not in "
                           "the unit history on that day", u.level, u.code, day,
                           u.parent_code ? u.parent_code : "(none)");
        u = p;
    }
    if (strcmp(u.level, "province")) panic("unit %s: parent chain too deep", code);
    *out = u;
    return 0;
}

int unit_communes_within(Db *db, Arena *a, const char *code, const char *date,
                         const char ***codes, int *n, Err *e) {
    *codes = NULL;
    *n = 0;
    char buf[11];
    const char *day = day_of(date, buf, e);
    if (!day) return -1;
    if (!unit_code_valid(code)) return bad_code(e, "code", code);
    Unit self;
    if (get_on(db, a, code, day, &self, e)) return -1;
    if (!strcmp(self.level, "commune")) {
        const char **v = arena_alloc(a, sizeof *v);
        v[0] = self.code;
        *codes = v;
        *n = 1;
        return 0;
    }
    Unit *units;
    int nu;
    UnitFilter f = {.level = "commune", .date = day, .parent = self.code};
    if (unit_find(db, a, &f, &units, &nu, NULL, e)) return -1;
    const char **v = arena_alloc(a, sizeof *v * (size_t)(nu ? nu : 1));
    for (int i = 0; i < nu; i++) v[i] = units[i].code;
    *codes = v;
    *n = nu;
    return 0;
}

/* Links selected by one bound code (sql has ?, ? for the joined unit's day, then ? for the
** code), with the joined unit at column 8. */
static int links_query(Db *db, Arena *a, const char *sql, const char *day, const char *code,
                       const char *level, UnitLink **out, int *n, Err *e) {
    Stmt *s = db_prepare(db, sql);
    int i = 1;
    if (day) {
        db_bind_text(s, i++, day);
        db_bind_text(s, i++, day);
    }
    if (level) db_bind_text(s, i++, level);
    db_bind_text(s, i++, code);
    UnitLink *v = NULL;
    int nv = 0, cap = 0, rc;
    while ((rc = db_step(s)) == DB_ROW) {
        if (nv == cap) {
            int ncap = cap ? cap * 2 : 8;
            UnitLink *nl = arena_alloc(a, sizeof *nl * (size_t)ncap);
            if (nv) memcpy(nl, v, sizeof *nl * (size_t)nv);
            v = nl;
            cap = ncap;
        }
        UnitLink *l = &v[nv++];
        memset(l, 0, sizeof *l);
        l->level = col_dup(a, s, 0);
        l->old_code = col_dup(a, s, 1);
        l->new_code = col_dup(a, s, 2);
        l->part = col_dup(a, s, 3);
        l->targets = (int)db_col_int(s, 4);
        l->resolution = col_dup(a, s, 5);
        l->confidence = col_dup(a, s, 6);
        l->note = col_dup(a, s, 7);
        if (!db_col_null(s, 8)) unit_from_row(a, s, 8, &l->unit);
    }
    db_done(s);
    if (rc == DB_ERROR) return err_set(e, 500, "db", "cannot read unit links: %s", db_errmsg(db));
    *out = v;
    *n = nv;
    return 0;
}

int unit_successors(Db *db, Arena *a, const char *old_code, const char *date, UnitLink **out,
                    int *n, Err *e) {
    *out = NULL;
    *n = 0;
    char buf[11];
    const char *day = day_of(date, buf, e);
    if (!day) return -1;
    if (!unit_code_valid(old_code)) return bad_code(e, "code", old_code);
    if (strcmp(day, UNIT_REORG_DATE) < 0) day = UNIT_REORG_DATE;
    /* The level follows from the code's length, which lets the primary key serve. */
    return links_query(db, a,
                       "SELECT l.level, l.old_code, l.new_code, l.part, l.targets, l.resolution, "
                       "l.confidence, l.note, " UNIT_COLS " FROM unit_links l LEFT JOIN units u "
                       "ON u.code = l.new_code AND u.geo = '2025' AND " IN_FORCE("u")
                       " WHERE l.level = ? AND l.old_code = ? ORDER BY l.new_code",
                       day, old_code, level_of_code(old_code), out, n, e);
}

int unit_predecessors(Db *db, Arena *a, const char *new_code, UnitLink **out, int *n, Err *e) {
    *out = NULL;
    *n = 0;
    if (!unit_code_valid(new_code)) return bad_code(e, "code", new_code);
    char canon[8];
    const char *code = new_code;
    if (db_int1(db, "SELECT count(*) FROM unit_links WHERE new_code = ?", code) == 0 &&
        alias_of(db, code, canon))
        code = canon;
    int rc = links_query(db, a,
                         "SELECT l.level, l.old_code, l.new_code, l.part, l.targets, "
                         "l.resolution, l.confidence, l.note, " UNIT_COLS " FROM unit_links l "
                         "LEFT JOIN units u ON u.code = l.old_code AND u.geo = 'pre2025' AND "
                         IN_FORCE("u") " WHERE l.new_code = ? ORDER BY l.old_code",
                         UNIT_LAST_OLD_DATE, code, NULL, out, n, e);
    return rc;
}

bool unit_is_commune_2025(Db *db, const char *code, char canonical[8]) {
    if (!code || strlen(code) != 5 || !unit_code_valid(code)) return false;
    /* Every commune of the 2025 geography has a period in force today (valid_to NULL): the
    ** covering index units_now (sql/003) answers this without reading the table. */
    const char *sql = "SELECT count(*) FROM units WHERE code = ? AND geo = '2025' AND level = 'commune' "
                      "AND valid_to IS NULL";
    char canon[8];
    snprintf(canon, sizeof canon, "%s", code);
    if (db_int1(db, sql, canon) == 0 && !(alias_of(db, code, canon) && db_int1(db, sql, canon)))
        return false;
    if (canonical) memcpy(canonical, canon, 8);
    return true;
}

bool unit_is_commune_pre2025(Db *db, const char *code) {
    if (!code || strlen(code) != 5 || !unit_code_valid(code)) return false;
    return db_int1(db, "SELECT count(*) FROM units WHERE code = ? AND geo = 'pre2025' "
                       "AND level = 'commune'", code) > 0;
}

bool unit_commune_became(Db *db, const char *old_code, const char *new_code) {
    Stmt *s = db_prepare(db, "SELECT 1 FROM unit_links WHERE level = 'commune' AND old_code = ?1 AND new_code = ?2 "
                             "UNION ALL SELECT 1 FROM unit_links WHERE level = 'commune' AND old_code = ?1 AND new_code IN "
                             "(SELECT alias_code FROM unit_aliases WHERE canonical_code = ?2) LIMIT 1");
    db_bind_text(s, 1, old_code);
    db_bind_text(s, 2, new_code);
    bool ok = db_step(s) == DB_ROW;
    db_done(s);
    return ok;
}

bool unit_new_commune_of_old(Db *db, const char *old_code, char out[8]) {
    if (!old_code || strlen(old_code) != 5 || !unit_code_valid(old_code)) return false;
    return code_of(db, "SELECT new_code FROM unit_links WHERE level = 'commune' AND old_code = ? AND targets = 1",
                   old_code, out);
}
