/*
** entity.c: the generic registry layer (see entity.h): checking values against field
** descriptors, and list/get/insert/update/delete built from the descriptors' constant column
** names with every value bound.
*/
#include "entity.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "dossier.h"
#include "search.h"
#include "text.h"
#include "rubric.h"
#include "util.h"

const Entity *const entities[] = {&ENTITY_VILLAGES, &ENTITY_PRODUCERS, &ENTITY_PRODUCTS, &ENTITY_RECOGNITIONS,
                                  &ENTITY_POINTS, &ENTITY_COUNCILS, &ENTITY_DOSSIER_ARCHIVE, NULL};

/* Each entity's name is a word of the catalogues when an error names it ("no product with id 5":
** "không có sản phẩm nào có mã số 5"): err.h err_word. */
__attribute__((constructor)) static void entity_words(void) {
    for (int i = 0; entities[i]; i++) err_word(entities[i]->singular);
}

const Entity *entity_by_name(const char *name) {
    for (int i = 0; entities[i]; i++)
        if (strcmp(entities[i]->name, name) == 0) return entities[i];
    return NULL;
}

const Field *entity_field(const Entity *en, const char *name) {
    for (const Field *f = en->fields; f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

static bool is_column(const Field *f) { return !(f->flags & FF_VIRTUAL); }
static bool is_visible(const Field *f) { return !(f->flags & FF_INTERNAL); }

const char *entity_enum_label(const EnumVal *ev, const char *value, bool vi) {
    for (; ev && ev->value; ev++)
        if (strcmp(ev->value, value) == 0) return vi ? ev->vi : ev->en;
    return value;
}

/* ---- value checking ------------------------------------------------------------------- */

/* Folded form of s (lower-case ASCII without diacritics) into a static-size buffer. */
static void fold_into(const char *s, char *out, size_t n) {
    Buf b = BUF_INIT;
    text_fold(&b, s, strlen(s));
    snprintf(out, n, "%s", buf_str(&b));
    buf_free(&b);
}

static const EnumVal *enum_match(const EnumVal *ev, const char *s, bool lenient) {
    for (const EnumVal *e = ev; e && e->value; e++)
        if (strcmp(e->value, s) == 0) return e;
    if (!lenient) return NULL;
    char key[256], k2[256];
    fold_into(s, key, sizeof key);
    for (const EnumVal *e = ev; e && e->value; e++) {
        fold_into(e->vi, k2, sizeof k2);
        if (strcmp(k2, key) == 0) return e;
        fold_into(e->en, k2, sizeof k2);
        if (strcmp(k2, key) == 0) return e;
        fold_into(e->value, k2, sizeof k2);
        if (strcmp(k2, key) == 0) return e;
    }
    return NULL;
}

static void enum_list(Buf *b, const EnumVal *ev) {
    for (const EnumVal *e = ev; e && e->value; e++) buf_printf(b, "%s%s", e == ev ? "" : ", ", e->value);
}

static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

/* Parse a date as ISO or Vietnamese day-first (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy). */
static bool parse_date(const char *s, char out[11]) {
    if (date_valid(s)) {
        memcpy(out, s, 11);
        return true;
    }
    int d, m, y;
    char c1, c2, tail;
    if (sscanf(s, "%2d%c%2d%c%4d%c", &d, &c1, &m, &c2, &y, &tail) == 5 && c1 == c2 &&
        (c1 == '/' || c1 == '-' || c1 == '.') && y >= 1900) {
        if (d < 1 || d > 31 || m < 1 || m > 12 || y > 2999) return false;
        char tmp[32];
        snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
        memcpy(out, tmp, 11);
        out[10] = 0;
        return date_valid(out);
    }
    return false;
}

static bool parse_bool(const char *s, bool *out) {
    static const char *yes[] = {"1", "true", "yes", "y", "x", "co", "c", "dung", NULL};
    static const char *no[] = {"0", "false", "no", "n", "khong", "k", "sai", NULL};
    char key[32];
    fold_into(s, key, sizeof key);
    for (int i = 0; yes[i]; i++)
        if (strcmp(key, yes[i]) == 0) return *out = true, true;
    for (int i = 0; no[i]; i++)
        if (strcmp(key, no[i]) == 0) return *out = false, true;
    return false;
}

static bool valid_email(const char *s) {
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || strchr(s, ' ')) return false;
    const char *dot = strrchr(at, '.');
    return dot && dot > at + 1 && dot[1];
}

static bool valid_phone(const char *s) {
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p)) digits++;
        else if (!strchr(" +-().", *p)) return false;
    }
    return digits >= 8 && digits <= 15;
}

/* Check one value; on success *out is the normalised value (new reference) or NULL for
** "no value". On failure returns false with reason filled. */
static bool check_value(const Field *f, json_t *v, bool lenient, json_t **out, Err *why) {
    *out = NULL;
    if (!v || json_is_null(v)) return true;
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    char *clean = NULL;
    if (s) {
        /* Long texts (descriptions, notes) keep their line breaks; names and codes are one line. */
        clean = f->maxlen >= 1000 ? text_clean(s, strlen(s)) : text_clean_line(s, strlen(s));
        if (!clean) {
            err_set(why, 422, f->name, "%s is not valid UTF-8 text", f->name);
            return false;
        }
        if (!*clean) {
            free(clean);
            return true;
        }
        s = clean;
    }
    bool ok = true;
    switch (f->type) {
    case FT_ID:
    case FT_STAMP:
        ok = false;
        err_set(why, 422, f->name, "%s is set by the system", f->name);
        break;
    case FT_TEXT: {
        char num[64];
        if (!s && lenient && json_is_number(v)) {
            if (json_is_integer(v)) snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            else snprintf(num, sizeof num, "%g", json_real_value(v));
            s = num;
        }
        if (!s) { ok = false; err_set(why, 422, f->name, "%s must be a string", f->name); break; }
        int maxlen = f->maxlen ? f->maxlen : 2000;
        if (utf8_chars(s) > (size_t)maxlen) { ok = false; err_set(why, 422, f->name, "%s is longer than %d characters", f->name, maxlen); break; }
        if ((f->flags & FF_EMAIL) && !valid_email(s)) { ok = false; err_set(why, 422, f->name, "%s is not an e-mail address", f->name); break; }
        if ((f->flags & FF_PHONE) && !valid_phone(s)) { ok = false; err_set(why, 422, f->name, "%s is not a phone number (8 to 15 digits)", f->name); break; }
        if (f->flags & FF_URL) {
            if (!str_has_prefix(s, "http://") && !str_has_prefix(s, "https://")) {
                if (lenient && strchr(s, '.') && !strchr(s, ' ')) {
                    char *u = xmalloc(strlen(s) + 9);
                    sprintf(u, "https://%s", s);
                    *out = json_string(u);
                    free(u);
                    break;
                }
                ok = false;
                err_set(why, 422, f->name, "%s must start with http:// or https://", f->name);
                break;
            }
        }
        *out = json_string(s);
        break;
    }
    case FT_INT:
    case FT_REF: {
        int64_t n = 0;
        if (json_is_integer(v)) n = json_integer_value(v);
        else if (s && lenient && parse_i64(s, &n)) {}
        else if (s && lenient && json_is_string(v)) {
            /* "12.0" from a spreadsheet */
            char *end;
            double d = strtod(s, &end);
            if (*end || d != (double)(int64_t)d) { ok = false; err_set(why, 422, f->name, "%s must be a whole number", f->name); break; }
            n = (int64_t)d;
        } else if (json_is_real(v) && lenient && json_real_value(v) == (double)(int64_t)json_real_value(v)) {
            n = (int64_t)json_real_value(v);
        } else { ok = false; err_set(why, 422, f->name, "%s must be a whole number", f->name); break; }
        if (f->type == FT_REF && n <= 0) { ok = false; err_set(why, 422, f->name, "%s must be a positive id", f->name); break; }
        if (f->min < f->max && (n < f->min || n > f->max)) {
            ok = false;
            err_set(why, 422, f->name, "%s must be between %lld and %lld", f->name, (long long)f->min, (long long)f->max);
            break;
        }
        *out = json_integer(n);
        break;
    }
    case FT_REAL: {
        double d;
        if (json_is_number(v)) d = json_number_value(v);
        else if (s && lenient) {
            char tmp[64];
            snprintf(tmp, sizeof tmp, "%s", s);
            for (char *p = tmp; *p; p++)
                if (*p == ',') *p = '.';
            char *end;
            d = strtod(tmp, &end);
            if (*end || end == tmp) { ok = false; err_set(why, 422, f->name, "%s must be a number", f->name); break; }
        } else { ok = false; err_set(why, 422, f->name, "%s must be a number", f->name); break; }
        if (f->min < f->max && (d < (double)f->min || d > (double)f->max)) {
            ok = false;
            err_set(why, 422, f->name, "%s must be between %lld and %lld", f->name, (long long)f->min, (long long)f->max);
            break;
        }
        *out = json_real(d);
        break;
    }
    case FT_BOOL: {
        bool b;
        if (json_is_boolean(v)) b = json_is_true(v);
        else if (lenient && json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1))
            b = json_integer_value(v) == 1;
        else if (s && lenient && parse_bool(s, &b)) {}
        else { ok = false; (void)(lenient ? err_set(why, 422, f->name, "%s must be yes/no (có/không, 1/0)", f->name) : err_set(why, 422, f->name, "%s must be true or false", f->name)); break; }
        *out = json_boolean(b);
        break;
    }
    case FT_DATE: {
        char d[11];
        if (s && !lenient && date_valid(s)) memcpy(d, s, 11);
        if (!s || !(lenient ? parse_date(s, d) : date_valid(s))) {
            ok = false;
            (void)(lenient ? err_set(why, 422, f->name, "%s must be a date (YYYY-MM-DD or dd/mm/yyyy)", f->name) : err_set(why, 422, f->name, "%s must be a date YYYY-MM-DD", f->name));
            break;
        }
        *out = json_string(d);
        break;
    }
    case FT_ENUM: {
        const EnumVal *ev = s ? enum_match(f->enums, s, lenient) : NULL;
        if (!ev) {
            Buf b = BUF_INIT;
            enum_list(&b, f->enums);
            err_set(why, 422, f->name, "%s must be one of: %s", f->name, buf_str(&b));
            buf_free(&b);
            ok = false;
            break;
        }
        *out = json_string(ev->value);
        break;
    }
    case FT_SET: {
        /* A JSON array of values, or (lenient) a string "a; b, c". */
        json_t *arr = json_array();
        const char *bad = NULL;
        char *tmp = NULL;
        if (json_is_array(v)) {
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                const EnumVal *ev = json_is_string(x) ? enum_match(f->enums, json_string_value(x), lenient) : NULL;
                if (!ev) { bad = json_is_string(x) ? json_string_value(x) : "(not a string)"; break; }
                json_array_append_new(arr, json_string(ev->value));
            }
        } else if (s && lenient) {
            tmp = xstrdup(s);
            char *save = NULL;
            for (char *t = strtok_r(tmp, ";,|\n", &save); t; t = strtok_r(NULL, ";,|\n", &save)) {
                while (*t == ' ') t++;
                size_t n = strlen(t);
                while (n && t[n - 1] == ' ') t[--n] = 0;
                if (!*t) continue;
                const EnumVal *ev = enum_match(f->enums, t, true);
                if (!ev) { bad = t; break; }
                json_array_append_new(arr, json_string(ev->value));
            }
        } else {
            bad = "(not a list)";
        }
        if (bad) {
            Buf b = BUF_INIT;
            enum_list(&b, f->enums);
            err_set(why, 422, f->name, "%s '%.60s' is not one of: %s", f->name, bad, buf_str(&b));
            buf_free(&b);
            json_decref(arr);
            free(tmp);
            ok = false;
            break;
        }
        free(tmp);
        *out = arr;
        break;
    }
    }
    free(clean);
    return ok;
}

/* Note a problem of field: in e->errors as {"field", "value", "reason"} (reason: why's detail
** without the field's name), and the first one as e's message (translatable: why's message id
** and arguments, err.h). */
static void add_problem(Err *e, const char *field, json_t *value, const Err *why) {
    if (!e->errors) e->errors = json_array();
    json_t *p = json_object();
    json_object_set_new(p, "field", json_string(field));
    if (value) json_object_set(p, "value", value);
    size_t n = strlen(field);
    const char *reason = strncmp(why->detail, field, n) == 0 && why->detail[n] == ' ' ? why->detail + n + 1 : why->detail;
    json_object_set_new(p, "reason", json_string(reason));
    json_array_append_new(e->errors, p);
    if (!e->detail[0]) {
        json_t *errors = e->errors;
        *e = *why;
        e->errors = errors;
        e->status = 422;
    }
}

int entity_check(const Entity *en, json_t *obj, bool create, bool lenient, Err *e) {
    return entity_check_each(en, obj, create, lenient, NULL, NULL, e);
}

int entity_check_each(const Entity *en, json_t *obj, bool create, bool lenient, CheckSink sink, void *arg, Err *e) {
    if (!json_is_object(obj)) return err_set(e, 400, "", "the body must be a JSON object");
    e->detail[0] = 0;
    Err why = ERR_INIT; /* one problem; never holds errors */
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(obj, tmp, key, v) {
        const Field *f = entity_field(en, key);
        if (!f || (f->flags & FF_INTERNAL)) {
            if (lenient) { json_object_del(obj, key); continue; }
            err_set(&why, 422, key, "%s is not a field of this record", key);
            add_problem(e, key, NULL, &why);
            if (sink) sink(arg, key, NULL, &why);
            continue;
        }
        if (f->type == FT_ID || f->type == FT_STAMP || (f->flags & FF_READONLY)) {
            if (lenient) { json_object_del(obj, key); continue; }
            err_set(&why, 422, key, "%s is read-only", key);
            why.field_vi = f->vi;
            add_problem(e, key, v, &why);
            if (sink) sink(arg, key, v, &why);
            continue;
        }
        json_t *out;
        if (!check_value(f, v, lenient, &out, &why)) {
            why.field_vi = f->vi;
            add_problem(e, key, v, &why);
            if (sink) sink(arg, key, v, &why);
            continue;
        }
        json_object_set_new(obj, key, out ? out : json_null());
    }
    if (create) {
        for (const Field *f = en->fields; f->name; f++) {
            if (!(f->flags & FF_REQUIRED)) continue;
            json_t *x = json_object_get(obj, f->name);
            if (!x || json_is_null(x)) {
                err_set(&why, 422, f->name, "%s is required", f->name);
                why.field_vi = f->vi;
                add_problem(e, f->name, NULL, &why);
                if (sink) sink(arg, f->name, NULL, &why);
            }
        }
    }
    return e->detail[0] ? (e->status = 422, -1) : 0;
}

/* ---- rows <-> JSON ---------------------------------------------------------------------- */

/* "SELECT c1, c2, ... FROM table" for the visible columns, into b. */
/* The columns of en (all: with the internal ones, which outputs never show). */
static void select_list(Buf *b, const Entity *en, bool all) {
    buf_puts(b, "SELECT ");
    int n = 0;
    for (const Field *f = en->fields; f->name; f++)
        if (is_column(f) && (all || is_visible(f))) buf_printf(b, "%s%s", n++ ? ", " : "", f->name);
    buf_printf(b, " FROM %s", en->table);
}

static json_t *row_to_json(Db *db, const Entity *en, Stmt *s, bool all) {
    json_t *o = json_object();
    int col = 0;
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f) || (!all && !is_visible(f))) continue;
        json_t *v;
        if (db_col_null(s, col)) v = json_null();
        else switch (f->type) {
            case FT_ID: case FT_INT: case FT_REF: v = json_integer(db_col_int(s, col)); break;
            case FT_REAL: v = json_real(db_col_double(s, col)); break;
            case FT_BOOL: v = json_boolean(db_col_int(s, col) != 0); break;
            case FT_SET: {
                v = json_array();
                char *t = xstrdup(db_col_text(s, col)), *save = NULL;
                for (char *p = strtok_r(t, ",", &save); p; p = strtok_r(NULL, ",", &save))
                    json_array_append_new(v, json_string_nocheck(p));
                free(t);
                break;
            }
            default: v = json_string_nocheck(db_col_text(s, col)); /* SQLite holds what we stored: valid UTF-8 */
            }
        json_object_set_new_nocheck(o, f->name, v);
        col++;
    }
    return o;
}

/* The output record as en->render writes it, parsed (new reference), or NULL. */
static json_t *rendered(Db *db, const Entity *en, int64_t id) {
    Buf b = BUF_INIT;
    json_t *o = NULL;
    if (en->render(db, id, &b)) {
        json_error_t je;
        o = json_loadb(b.p, b.n, 0, &je);
        if (!o) panic("%s: render wrote invalid JSON: %s", en->name, je.text);
    }
    buf_free(&b);
    return o;
}

/* The stored columns of record id as JSON, without the output hooks (render, decorate): what
** an update merges into. NULL when there is none. */
static json_t *get_columns(Db *db, const Entity *en, int64_t id) {
    Buf b = BUF_INIT;
    select_list(&b, en, true);
    buf_puts(&b, " WHERE id = ?");
    Stmt *s = db_prepare(db, b.p);
    buf_free(&b);
    db_bind_int(s, 1, id);
    json_t *o = db_step(s) == DB_ROW ? row_to_json(db, en, s, true) : NULL;
    db_done(s);
    return o;
}

json_t *entity_get(Db *db, const Entity *en, int64_t id, Err *e) {
    if (en->render) {
        json_t *o = rendered(db, en, id);
        if (!o) err_set(e, 404, "id", "no %s with id %lld", en->singular, (long long)id);
        return o;
    }
    Buf b = BUF_INIT;
    select_list(&b, en, false);
    buf_puts(&b, " WHERE id = ?");
    Stmt *s = db_prepare(db, b.p);
    buf_free(&b);
    db_bind_int(s, 1, id);
    json_t *o = NULL;
    if (db_step(s) == DB_ROW) o = row_to_json(db, en, s, false);
    db_done(s);
    if (!o) {
        err_set(e, 404, "id", "no %s with id %lld", en->singular, (long long)id);
        return NULL;
    }
    if (en->decorate) en->decorate(db, o, id);
    return o;
}

/* Bind a JSON value as the column type of f. */
static void bind_value(Stmt *s, int i, const Field *f, json_t *v) {
    if (!v || json_is_null(v)) {
        /* absent booleans are false and absent sets empty: those columns are NOT NULL */
        if (f->type == FT_BOOL) db_bind_int(s, i, 0);
        else if (f->type == FT_SET) db_bind_text(s, i, "");
        else db_bind_null(s, i);
        return;
    }
    switch (f->type) {
    case FT_ID: case FT_INT: case FT_REF: db_bind_int(s, i, json_integer_value(v)); break;
    case FT_REAL: db_bind_double(s, i, json_number_value(v)); break;
    case FT_BOOL: db_bind_int(s, i, json_is_true(v)); break;
    case FT_SET: {
        /* sorted, de-duplicated, comma-separated */
        size_t n = json_array_size(v);
        const char **vals = xcalloc(n + 1, sizeof *vals);
        size_t k = 0;
        for (size_t j = 0; j < n; j++) {
            const char *x = json_string_value(json_array_get(v, j));
            if (!x) continue;
            size_t pos = 0;
            while (pos < k && strcmp(vals[pos], x) < 0) pos++;
            if (pos < k && strcmp(vals[pos], x) == 0) continue;
            memmove(vals + pos + 1, vals + pos, (k - pos) * sizeof *vals);
            vals[pos] = x;
            k++;
        }
        Buf b = BUF_INIT;
        for (size_t j = 0; j < k; j++) buf_printf(&b, "%s%s", j ? "," : "", vals[j]);
        db_bind_text(s, i, buf_str(&b));
        buf_free(&b);
        free(vals);
        break;
    }
    default:
        if (json_is_string(v)) db_bind_text(s, i, json_string_value(v));
        else if (json_is_integer(v)) db_bind_int(s, i, json_integer_value(v));
        else db_bind_null(s, i);
    }
}

/* Check FT_REF values point at existing rows (a clearer message than a foreign-key error). */
static int check_refs(Db *db, const Entity *en, json_t *obj, Err *e) {
    for (const Field *f = en->fields; f->name; f++) {
        if (f->type != FT_REF || !f->ref) continue;
        json_t *v = json_object_get(obj, f->name);
        if (!v || json_is_null(v)) continue;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE id = ?", f->ref);
        Stmt *s = db_prepare(db, sql);
        db_bind_int(s, 1, json_integer_value(v));
        int found = db_step(s) == DB_ROW;
        db_done(s);
        if (!found)
            return err_set(e, 422, f->name, "%s: there is no record %lld in %s", f->name,
                           (long long)json_integer_value(v), f->ref);
    }
    return 0;
}

static int write_error(Db *db, const Entity *en, Err *e) {
    const char *msg = db_errmsg(db);
    if (db_errcode(db) == DB_CONSTRAINT) {
        if (strstr(msg, "UNIQUE")) {
            const char *col = strrchr(msg, '.');
            if (col && strcmp(col, ".name_key") == 0) col = ".name"; /* compared case-insensitively */
            return err_set(e, 409, col ? col + 1 : "", "a %s with the same %s already exists", en->singular,
                           col ? col + 1 : "key");
        }
        if (strstr(msg, "FOREIGN KEY")) return err_set(e, 409, "", "the %s is referenced by other records", en->singular);
        return err_set(e, 422, "", "%s violates a rule: %s", en->singular, msg);
    }
    return err_set(e, 500, "", "database error: %s", msg);
}

/* ---- scope and audit ------------------------------------------------------------------------ */

static const char *jstr_of(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

void entity_place(Db *db, const Entity *en, json_t *obj, int64_t id, Place *p) {
    memset(p, 0, sizeof *p);
    snprintf(p->commune, sizeof p->commune, "%s", jstr_of(obj, "commune_code"));
    snprintf(p->province, sizeof p->province, "%s", jstr_of(obj, "province_code"));
    p->producer_id = en->is_producer ? id : json_integer_value(json_object_get(obj, "producer_id"));
    if (str_eq(en->name, "councils")) p->council_id = id;
    json_t *cid = json_object_get(obj, "council_id"), *rid = json_object_get(obj, "round_id"),
           *prid = json_object_get(obj, "province_round_id");
    if (json_is_integer(prid)) {
        Stmt *s = db_prepare(db, "SELECT council_id FROM rounds WHERE id = ?");
        db_bind_int(s, 1, json_integer_value(prid));
        if (db_step(s) == DB_ROW && !db_col_null(s, 0)) p->council_id2 = db_col_int(s, 0);
        db_done(s);
    }
    if (json_is_integer(cid)) p->council_id = json_integer_value(cid);
    if (json_is_integer(cid) && !p->province[0] && !p->commune[0]) {
        /* A record of a council (its advisory group): the council's province, or the Ministry. */
        Stmt *s = db_prepare(db, "SELECT province_code, level FROM councils WHERE id = ?");
        db_bind_int(s, 1, json_integer_value(cid));
        if (db_step(s) == DB_ROW) {
            if (db_col_text(s, 0)) snprintf(p->province, sizeof p->province, "%s", db_col_text(s, 0));
            p->ministry = str_eq(db_col_text(s, 1), "ministry");
        }
        db_done(s);
    }
    /* The Ministry's: its councils and rounds, a dossier sent to it (dossier.c's ministry_sql). */
    if (str_eq(en->name, "councils")) p->ministry = str_eq(jstr_of(obj, "level"), "ministry");
    else if (str_eq(en->name, "rounds")) p->ministry = str_eq(p->province, "bo");
    else if (str_eq(en->name, "recognitions")) p->ministry = str_eq(jstr_of(obj, "level"), "ministry");
    else if (str_eq(en->name, "dossiers"))
        p->ministry = json_is_integer(prid) || json_integer_value(json_object_get(obj, "ministry_pass")) > 0 ||
                      str_eq(jstr_of(obj, "state"), "with_ministry") ||
                      str_eq(jstr_of(obj, "state"), "in_ministry_round") || str_eq(jstr_of(obj, "state"), "ministry_scored");
    if (json_is_integer(rid)) {
        Stmt *s = db_prepare(db, "SELECT council_id FROM rounds WHERE id = ?");
        db_bind_int(s, 1, json_integer_value(rid));
        if (db_step(s) == DB_ROW && !db_col_null(s, 0)) p->council_id = db_col_int(s, 0);
        db_done(s);
    }
    json_t *pid = json_object_get(obj, "product_id");
    if (json_is_integer(pid)) {
        Stmt *s = db_prepare(db, "SELECT commune_code, producer_id FROM products WHERE id = ?");
        db_bind_int(s, 1, json_integer_value(pid));
        if (db_step(s) == DB_ROW) {
            snprintf(p->commune, sizeof p->commune, "%s", db_col_text(s, 0));
            p->producer_id = db_col_int(s, 1);
        }
        db_done(s);
    }
    place_resolve(db, p);
}

int entity_check_scope(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *obj, int64_t id,
                       bool target, Err *e) {
    if (actor_is_system(who) || perm == PERM_PUBLIC) return 0;
    if (actor_require(who, e)) return -1;
    const Auth *a = actor_auth(who);
    Place p;
    entity_place(db, en, obj, id, &p);
    if (auth_covers(a, perm, &p)) return 0;
    /* Outside the scope of an existing record: the same answer as for a missing one. */
    if (!target) return err_set(e, 404, "id", "no %s with id %lld", en->singular, (long long)id);
    /* A new or moved record: name what places it. A producer account acts for its own producer
    ** only; officers within their commune or province. */
    bool place_role = false;
    for (int i = 0; i < a->ngrants; i++)
        place_role |= a->grants[i].role != ROLE_PRODUCER && role_has(a->grants[i].role, perm);
    if (!place_role && json_object_get(obj, "producer_id"))
        return err_set(e, 403, "producer_id", "a producer account may only register records of its own producer");
    const char *field = json_object_get(obj, "product_id")      ? "product_id"
                        : json_object_get(obj, "commune_code")  ? "commune_code"
                        : json_object_get(obj, "province_code") ? "province_code"
                                                                : "";
    if (!p.commune[0] && !p.province[0])
        return err_set(e, 403, field, "this %s belongs to no province (the Ministry's): only the Ministry's officers or an "
                       "administrator may write it", en->singular);
    return err_set(e, 403, field, "this %s would lie outside your scope (%s %s)", en->singular,
                   p.commune[0] ? "commune" : "province", p.commune[0] ? p.commune : p.province);
}

/* The writable field name of en, or NULL when en has no such field or the system sets it
** (a dossier's commune follows its product). */
static const Field *chosen_field(const Entity *en, const char *name) {
    const Field *f = entity_field(en, name);
    return f && !(f->flags & (FF_READONLY | FF_INTERNAL | FF_VIRTUAL)) ? f : NULL;
}

/* The commune of producer id ("" when there is none). */
static void producer_commune(Db *db, int64_t id, char out[16]) {
    out[0] = 0;
    Stmt *s = db_prepare(db, "SELECT commune_code FROM producers WHERE id = ?");
    db_bind_int(s, 1, id);
    if (db_step(s) == DB_ROW && db_col_text(s, 0)) snprintf(out, 16, "%s", db_col_text(s, 0));
    db_done(s);
}

/* A record attached to a producer (products): the producer must lie within who's scope for
** perm when it is new or changes, so that nobody files records under another province's
** producers. */
static int check_producer_ref(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *before, json_t *after,
                              Err *e) {
    if (en->is_producer || !chosen_field(en, "producer_id")) return 0;
    int64_t pid = json_integer_value(json_object_get(after, "producer_id"));
    if (pid <= 0 || (before && pid == json_integer_value(json_object_get(before, "producer_id")))) return 0;
    Place pp = {.producer_id = pid};
    producer_commune(db, pid, pp.commune);
    place_resolve(db, &pp);
    if (actor_covers(who, perm, &pp)) return 0;
    return err_set(e, 403, "producer_id", "producer %lld lies outside your scope: a %s is registered only for a producer "
                   "you may act for", (long long)pid, en->singular);
}

/* Placing a record in a commune other than before (on create: other than its producer's) is
** for officers of that commune or province, not for a producer account (whose scope is its
** producer, wherever that lies). */
static int check_placement(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *before, json_t *after,
                           int64_t id, Err *e) {
    if (!chosen_field(en, "commune_code")) return 0;
    const char *now = jstr_of(after, "commune_code");
    char ref[16] = "";
    if (before) snprintf(ref, sizeof ref, "%s", jstr_of(before, "commune_code"));
    else if (!en->is_producer && chosen_field(en, "producer_id"))
        producer_commune(db, json_integer_value(json_object_get(after, "producer_id")), ref);
    if (!ref[0] || str_eq(ref, now)) return 0;
    Place np;
    entity_place(db, en, after, id, &np);
    np.producer_id = np.council_id = np.council_id2 = 0;
    if (actor_covers(who, perm, &np)) return 0;
    return err_set(e, 403, "commune_code", before ? "only an officer of the commune or province may move a %s to another commune"
                   : "only an officer of the commune or province may register a %s in another commune than its producer's",
                   en->singular);
}

int entity_check_write(Db *db, const Entity *en, const Actor *who, Perm perm, json_t *before, json_t *after, int64_t id,
                       Err *e) {
    if (actor_require(who, e)) return -1;
    if (before && entity_check_scope(db, en, who, perm, before, id, false, e)) return -1;
    if (after && !actor_is_system(who) &&
        (entity_check_scope(db, en, who, perm, after, id, true, e) || check_producer_ref(db, en, who, perm, before, after, e) ||
         check_placement(db, en, who, perm, before, after, id, e)))
        return -1;
    return en->authorize ? en->authorize(db, who, before, after, id, e) : 0;
}

/* ---- personal fields ------------------------------------------------------------------------ */

bool entity_has_personal(const Entity *en) {
    for (const Field *f = en->fields; f->name; f++)
        if (f->flags & FF_PERSONAL) return true;
    return false;
}

bool entity_personal_allowed(const Actor *who) { return actor_can(who, PERM_PRODUCERS_PERSONAL); }

bool entity_personal_visible(Db *db, const Entity *en, const Actor *who, json_t *obj) {
    if (actor_is_system(who)) return true;
    if (!actor_can(who, PERM_PRODUCERS_PERSONAL)) return false;
    Place p;
    entity_place(db, en, obj, json_integer_value(json_object_get(obj, "id")), &p);
    return actor_covers(who, PERM_PRODUCERS_PERSONAL, &p);
}

void entity_redact(Db *db, const Entity *en, const Actor *who, json_t *obj) {
    if (!obj || !entity_has_personal(en) || entity_personal_visible(db, en, who, obj)) return;
    for (const Field *f = en->fields; f->name; f++)
        if (f->flags & FF_PERSONAL) json_object_del(obj, f->name);
}

/* Append the audit entry of a change to record id: before/after are output records. */
static int audit_record(Db *db, const Entity *en, const Actor *who, const char *action, int64_t id, json_t *before,
                        json_t *after, Err *e) {
    Place p;
    entity_place(db, en, after ? after : before, id, &p);
    return audit_append_json(db, who, action, en->name, id, p.province[0] ? p.province : NULL, before,
                             after, e);
}

void entity_err_label(const Entity *en, Err *e) {
    const Field *f = e->field[0] && !e->field_vi ? entity_field(en, e->field) : NULL;
    if (f) e->field_vi = f->vi;
}

/* entity_insert, with who's right to write checked (check) or decided by the caller. */
static int insert(Db *db, Arena *a, const Entity *en, const Actor *who, json_t *obj, int64_t *id, bool check, Err *e) {
    if (en->prepare && en->prepare(db, a, obj, 0, e)) return entity_err_label(en, e), -1;
    if (check ? entity_check_write(db, en, who, en->perm_create, NULL, obj, 0, e)
              : en->authorize && en->authorize(db, who, NULL, obj, 0, e))
        return -1;
    if (entity_write_new(db, a, en, obj, id, true, e)) return -1;
    json_t *after = entity_get(db, en, *id, e);
    int rc = after ? audit_record(db, en, who, "create", *id, NULL, after, e) : -1;
    json_decref(after);
    return rc;
}

int entity_insert(Db *db, Arena *a, const Entity *en, const Actor *who, json_t *obj, int64_t *id, Err *e) {
    return insert(db, a, en, who, obj, id, true, e);
}

int entity_insert_unchecked(Db *db, Arena *a, const Entity *en, const Actor *who, json_t *obj, int64_t *id, Err *e) {
    return insert(db, a, en, who, obj, id, false, e);
}

int entity_write_new(Db *db, Arena *a, const Entity *en, json_t *obj, int64_t *id, bool index, Err *e) {
    if (check_refs(db, en, obj, e)) return -1;
    char ts[32];
    ts_now(ts);
    Buf sql = BUF_INIT, vals = BUF_INIT;
    buf_printf(&sql, "INSERT INTO %s (", en->table);
    int n = 0;
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f) || f->type == FT_ID) continue;
        buf_printf(&sql, "%s%s", n ? ", " : "", f->name);
        buf_puts(&vals, n ? ", ?" : "?");
        n++;
    }
    buf_printf(&sql, ") VALUES (%s) RETURNING id", buf_str(&vals));
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    buf_free(&vals);
    int i = 1;
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f) || f->type == FT_ID) continue;
        if (f->type == FT_STAMP) db_bind_text(s, i, ts);
        else bind_value(s, i, f, json_object_get(obj, f->name));
        i++;
    }
    int rc = db_step(s);
    if (rc == DB_ROW) *id = db_col_int(s, 0);
    else write_error(db, en, e);
    db_done(s);
    if (rc != DB_ROW) return -1;
    json_object_set_new(obj, "id", json_integer(*id));
    if (en->after_write && en->after_write(db, a, obj, *id, e)) return -1;
    if (index && en->search_kind && search_index(db, en->search_kind, *id, e)) return -1;
    return 0;
}

/* entity_update, with who's right to write checked (check) or decided by the caller. */
static int update(Db *db, Arena *a, const Entity *en, const Actor *who, int64_t id, json_t *patch, bool check, Err *e) {
    /* The output record (for the audit trail and the scope), and the stored columns to merge
    ** the patch into: the output hooks may turn columns into other shapes (a JSON text column
    ** into an object) that must not be written back. */
    json_t *cur = entity_get(db, en, id, e);
    if (!cur) return -1;
    if (check && entity_check_scope(db, en, who, en->perm_update, cur, id, false, e)) {
        json_decref(cur);
        return -1;
    }
    json_t *raw = get_columns(db, en, id);
    json_t *merged = json_object();
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f)) continue;
        json_t *v = json_object_get(raw, f->name);
        if (v) json_object_set(merged, f->name, v);
    }
    json_decref(raw);
    json_object_update(merged, patch);
    int rc = -1;
    if (en->prepare && en->prepare(db, a, merged, id, e)) {
        entity_err_label(en, e);
        goto out;
    }
    if (check ? entity_check_write(db, en, who, en->perm_update, cur, merged, id, e)
              : en->authorize && en->authorize(db, who, cur, merged, id, e))
        goto out;
    if (check_refs(db, en, merged, e)) goto out;
    char ts[32];
    ts_now(ts);
    Buf sql = BUF_INIT;
    buf_printf(&sql, "UPDATE %s SET ", en->table);
    int n = 0;
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f) || f->type == FT_ID || str_eq(f->name, "created_at")) continue;
        buf_printf(&sql, "%s%s = ?", n++ ? ", " : "", f->name);
    }
    buf_puts(&sql, " WHERE id = ?");
    Stmt *s = db_prepare(db, sql.p);
    buf_free(&sql);
    int i = 1;
    for (const Field *f = en->fields; f->name; f++) {
        if (!is_column(f) || f->type == FT_ID || str_eq(f->name, "created_at")) continue;
        if (f->type == FT_STAMP) db_bind_text(s, i, ts);
        else bind_value(s, i, f, json_object_get(merged, f->name));
        i++;
    }
    db_bind_int(s, i, id);
    int st = db_step(s);
    if (st != DB_DONE) write_error(db, en, e);
    db_done(s);
    if (st != DB_DONE) goto out;
    if (en->after_write && en->after_write(db, a, merged, id, e)) goto out;
    if (en->search_kind && search_index(db, en->search_kind, id, e)) goto out;
    json_t *after = entity_get(db, en, id, e);
    if (!after || audit_record(db, en, who, "update", id, cur, after, e)) {
        json_decref(after);
        goto out;
    }
    json_decref(after);
    rc = 0;
out:
    json_decref(cur);
    json_decref(merged);
    return rc;
}

int entity_update(Db *db, Arena *a, const Entity *en, const Actor *who, int64_t id, json_t *patch, Err *e) {
    return update(db, a, en, who, id, patch, true, e);
}

int entity_update_unchecked(Db *db, Arena *a, const Entity *en, const Actor *who, int64_t id, json_t *patch, Err *e) {
    return update(db, a, en, who, id, patch, false, e);
}

int entity_delete(Db *db, const Entity *en, const Actor *who, int64_t id, Err *e) {
    json_t *before = entity_get(db, en, id, e);
    if (!before) return -1;
    int rc = -1;
    if (entity_check_write(db, en, who, en->perm_delete, before, NULL, id, e)) goto out;
    if (en->before_delete && en->before_delete(db, id, e)) goto out;
    if (en->search_kind && search_delete(db, en->search_kind, id, e)) goto out;
    char sql[128];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id = ?", en->table);
    Stmt *s = db_prepare(db, sql);
    db_bind_int(s, 1, id);
    int st = db_step(s);
    if (st != DB_DONE) write_error(db, en, e);
    db_done(s);
    if (st != DB_DONE) goto out;
    rc = audit_record(db, en, who, "delete", id, before, NULL, e);
out:
    json_decref(before);
    return rc;
}

/* ---- listing ------------------------------------------------------------------------------ */

typedef struct Cond {
    const char *sql;
    const char *value;
    FieldType type;
    int nparams, today, certified;
    const char *params; /* Filter.params, or NULL */
} Cond;

static const Filter *find_filter(const Entity *en, const char *name) {
    for (const Filter *f = en->filters; f && f->name; f++)
        if (strcmp(f->name, name) == 0) return f;
    return NULL;
}

/* Bind the value as the filter's type. */
static void bind_typed(Stmt *s, int i, FieldType type, const char *value) {
    int64_t n;
    if ((type == FT_INT || type == FT_REF || type == FT_ID) && parse_i64(value, &n)) db_bind_int(s, i, n);
    else if (type == FT_BOOL) db_bind_int(s, i, strcmp(value, "true") == 0 || strcmp(value, "1") == 0);
    else db_bind_text(s, i, value);
}

/* Bind the '?' that params describes ('v' value, 't' today, 'c' certified stars) from *i on. */
static void bind_letters(Stmt *s, int *i, const char *params, FieldType type, const char *value) {
    char today[11];
    date_today(today);
    for (const char *p = params; p && *p; p++) {
        if (*p == 'v') bind_typed(s, (*i)++, type, value);
        else if (*p == 't') db_bind_text(s, (*i)++, today);
        else if (*p == 'c') db_bind_int(s, (*i)++, rubric_certified_stars(rubric_current()));
        else panic("bind_letters: '%c' in \"%s\"", *p, params);
    }
}

static void bind_cond(Stmt *s, int *i, const Cond *c) {
    if (c->params) {
        bind_letters(s, i, c->params, c->type, c->value);
        return;
    }
    for (int k = 0; k < (c->nparams ? c->nparams : 1); k++) bind_typed(s, (*i)++, c->type, c->value);
    if (c->today) {
        char today[11];
        date_today(today);
        for (int k = 0; k < c->today; k++) db_bind_text(s, (*i)++, today);
    }
    for (int k = 0; k < c->certified; k++) db_bind_int(s, (*i)++, rubric_certified_stars(rubric_current()));
}

/* The condition that keeps the records of en within who's scope for perm, with its text
** parameters in binds. False when nothing needs keeping out (an administrator, or the system).
** The grants of a role that does not apply give "0", and so does an anonymous caller. */
static bool scope_sql(const Entity *en, const Actor *who, Perm perm, Buf *sql, const char **binds, int *nb) {
    if (actor_is_system(who)) return false;
    const Auth *a = actor_auth(who);
    int n = 0;
    buf_puts(sql, "0");
    for (int i = 0; a && i < a->ngrants; i++) {
        const Grant *g = &a->grants[i];
        if (!auth_grant_allows(g, perm)) continue;
        const char *cond = NULL, *bind = g->scope;
        switch (g->role) {
        case ROLE_ADMIN: return false;
        case ROLE_MINISTRY:
            cond = en->ministry_sql;
            bind = NULL;
            break;
        case ROLE_PROVINCE:
            cond = entity_field(en, "province_code") ? "province_code = ?"
                   : entity_field(en, "commune_code")
                       ? "commune_code IN (SELECT code FROM units WHERE geo = '2025' AND level = 'commune' AND parent_code = ?)"
                       : NULL;
            break;
        case ROLE_COMMUNE: cond = entity_field(en, "commune_code") ? "commune_code = ?" : NULL; break;
        case ROLE_PRODUCER:
            cond = en->is_producer ? "id = CAST(? AS INTEGER)"
                   : entity_field(en, "producer_id") ? "producer_id = CAST(? AS INTEGER)" : NULL;
            break;
        default: cond = en->council_sql; break;
        }
        if (!cond) continue;
        buf_printf(sql, " OR %s", cond);
        if (bind) binds[n++] = bind;
    }
    *nb = n;
    return true;
}

/* Filtering or sorting by a personal field (name: the parameter): only for who holding
** PERM_PRODUCERS_PERSONAL; *personal notes that the list must keep to where who holds it. */
static int personal_param(const Field *f, const ListQuery *lq, const char *name, bool *personal, Err *e) {
    if (!f || !(f->flags & FF_PERSONAL)) return 0;
    if (!entity_personal_allowed(lq->who))
        return err_set(e, 403, name, "%s is personal data: filtering or sorting by it needs the permission %s", f->name,
                       perm_name(PERM_PRODUCERS_PERSONAL));
    *personal = true;
    return 0;
}

static const SortKey *find_sort(const Entity *en, const char *name) {
    for (const SortKey *k = en->sorts; k && k->name; k++)
        if (strcmp(k->name, name) == 0) return k;
    return NULL;
}

/* ORDER BY from ?sort=a,-b over sortable fields and the entity's sort keys only, into order;
** *params: the letters of the '?' it holds (Filter.params). */
static int sort_clause(const Entity *en, const ListQuery *lq, Arena *a, Buf *order, const char **params,
                       bool *personal, Err *e) {
    const char *sort = lq->sort && *lq->sort ? lq->sort : en->default_sort;
    char *sc = arena_strdup(a, sort), *save = NULL;
    int ns = 0;
    Buf letters = BUF_INIT;
    for (char *t = strtok_r(sc, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int desc = *t == '-';
        if (*t == '-' || *t == '+') t++;
        const SortKey *key = find_sort(en, t);
        if (key) {
            buf_printf(order, "%s%s%s", ns++ ? ", " : " ORDER BY ", key->sql, desc ? " DESC" : "");
            buf_puts(&letters, key->params ? key->params : "");
            continue;
        }
        const Field *f = entity_field(en, t);
        if (!f || !(f->flags & FF_SORT)) {
            Buf b = BUF_INIT;
            for (const Field *g = en->fields; g->name; g++)
                if (g->flags & FF_SORT) buf_printf(&b, "%s%s", b.n ? ", " : "", g->name);
            for (const SortKey *g = en->sorts; g && g->name; g++) buf_printf(&b, ", %s", g->name);
            err_set(e, 400, "sort", "cannot sort by '%s'; sortable: %s (prefix - for descending)", t, buf_str(&b));
            buf_free(&b);
            buf_free(&letters);
            return -1;
        }
        if (personal_param(f, lq, "sort", personal, e)) {
            buf_free(&letters);
            return -1;
        }
        /* Names sort in Vietnamese dictionary order as far as the folded key gives it: "Đ"
        ** next to "D" rather than after "Z" as raw UTF-8 bytes would put it. */
        if (strcmp(f->name, "name") == 0 && entity_field(en, "name_fold"))
            buf_printf(order, "%sname_fold%s", ns++ ? ", " : " ORDER BY ", desc ? " DESC" : "");
        buf_printf(order, "%s%s%s", ns++ ? ", " : " ORDER BY ", f->name, desc ? " DESC" : "");
    }
    buf_printf(order, "%sid", ns ? ", " : " ORDER BY ");
    *params = arena_strdup(a, buf_str(&letters));
    buf_free(&letters);
    return 0;
}

/* The WHERE clause of a list (filters, q, scope) and what it binds. */
typedef struct Where {
    Cond *conds;
    int nc;
    Buf sql;
    const char *sbind[2][COUNT(((Auth *)0)->grants)];
    int nsb[2];
    bool personal; /* chosen by a personal field: the scope keeps to where who may see them */
} Where;

/* An error naming the values a filter takes. */
static int enum_error(Err *e, const char *k, const EnumVal *ev) {
    Buf b = BUF_INIT;
    enum_list(&b, ev);
    err_set(e, 400, k, "%s must be one of: %s", k, buf_str(&b));
    buf_free(&b);
    return -1;
}

/* The condition of the entity's own filter fl for the value v, into *c. */
static int filter_cond(const Filter *fl, const char *k, const char *v, Cond *c, Err *e) {
    if (fl->type == FT_INT) {
        int64_t n;
        if (!parse_i64(v, &n)) return err_set(e, 400, k, "%s must be a whole number, got '%s'", k, v);
    } else if (fl->type == FT_BOOL && strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0")) {
        return err_set(e, 400, k, "%s must be true or false", k);
    } else if (fl->type == FT_DATE && !date_valid(v)) {
        return err_set(e, 400, k, "%s must be a date YYYY-MM-DD, got '%s'", k, v);
    } else if (fl->type == FT_ENUM && !enum_match(fl->enums, v, false)) {
        return enum_error(e, k, fl->enums);
    }
    *c = (Cond){fl->sql, v, fl->type, fl->nparams, fl->today, fl->certified, fl->params};
    return 0;
}

/* The condition of the filterable field f for the value v, into *c. */
static int field_cond(Arena *a, const Field *f, const char *k, const char *v, Cond *c, Err *e) {
    if ((f->type == FT_INT || f->type == FT_REF || f->type == FT_ID)) {
        int64_t n;
        if (!parse_i64(v, &n)) return err_set(e, 400, k, "%s must be a whole number, got '%s'", k, v);
    } else if ((f->type == FT_ENUM || f->type == FT_SET) && !enum_match(f->enums, v, false)) {
        return enum_error(e, k, f->enums);
    } else if (f->type == FT_BOOL && strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0")) {
        return err_set(e, 400, k, "%s must be true or false", k);
    }
    const char *sql = f->type == FT_SET ? arena_printf(a, "(',' || %s || ',') LIKE ('%%,' || ? || ',%%')", f->name)
                                        : arena_printf(a, "%s = ?", f->name);
    *c = (Cond){sql, v, f->type, 1, 0, 0, NULL};
    return 0;
}

/* personal: the list is sorted by a personal field (sort_clause). */
static int list_where(Arena *a, const Entity *en, const ListQuery *lq, bool personal, Where *w, Err *e) {
    memset(w, 0, sizeof *w);
    w->personal = personal;
    w->conds = arena_alloc(a, sizeof(Cond) * (size_t)(lq->nfilters + 1));
    for (int i = 0; i < lq->nfilters; i++) {
        const char *k = lq->keys[i], *v = lq->values[i];
        const Field *f = entity_field(en, k);
        const Filter *fl = find_filter(en, k);
        if (!fl && f && (f->flags & FF_FILTER) && personal_param(f, lq, k, &w->personal, e)) return -1;
        if (fl) {
            if (filter_cond(fl, k, v, &w->conds[w->nc++], e)) return -1;
        } else if (f && (f->flags & FF_FILTER)) {
            if (field_cond(a, f, k, v, &w->conds[w->nc++], e)) return -1;
        } else {
            Buf b = BUF_INIT;
            for (const Field *g = en->fields; g->name; g++)
                if (g->flags & FF_FILTER) buf_printf(&b, "%s, ", g->name);
            for (const Filter *g = en->filters; g && g->name; g++) buf_printf(&b, "%s, ", g->name);
            buf_puts(&b, "q, sort, page, per_page");
            err_set(e, 400, k, "unknown query parameter '%s'; this list takes: %s", k, buf_str(&b));
            buf_free(&b);
            return -1;
        }
    }
    if (lq->q && strlen(lq->q) > 200) return err_set(e, 400, "q", "%s is longer than 200 bytes", "q");
    if (lq->q && *lq->q && !entity_field(en, "name_fold") && !en->search_sql)
        return err_set(e, 400, "q", "%s cannot be searched by name; use the filters", en->name);
    if (lq->q && *lq->q) {
        /* Within-list text search on the folded name (the ranked search is /api/v1/search). */
        Buf fb = BUF_INIT;
        text_fold(&fb, lq->q, strlen(lq->q));
        const char *sql = en->search_sql ? en->search_sql : "name_fold LIKE ('%' || ? || '%')";
        int n = 0;
        for (const char *p = sql; (p = strchr(p, '?')); p++) n++;
        w->conds[w->nc++] = (Cond){sql, arena_strdup(a, buf_str(&fb)), FT_TEXT, n, 0, 0, NULL};
        buf_free(&fb);
    }
    for (int i = 0; i < w->nc; i++) buf_printf(&w->sql, "%s(%s)", i ? " AND " : " WHERE ", w->conds[i].sql);
    /* Records that are not public, and a list chosen by personal data: only those within the
    ** caller's scope. */
    Perm keep[2] = {en->perm_read, w->personal ? PERM_PRODUCERS_PERSONAL : PERM_PUBLIC};
    for (int k = 0; k < 2; k++) {
        if (keep[k] == PERM_PUBLIC) continue;
        Buf scope = BUF_INIT;
        if (scope_sql(en, lq->who, keep[k], &scope, w->sbind[k], &w->nsb[k]))
            buf_printf(&w->sql, "%s(%s)", w->sql.n ? " AND " : " WHERE ", scope.p);
        buf_free(&scope);
    }
    return 0;
}

static void bind_where(Stmt *s, int *bi, const Where *w) {
    for (int i = 0; i < w->nc; i++) bind_cond(s, bi, &w->conds[i]);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < w->nsb[k]; i++) db_bind_text(s, (*bi)++, w->sbind[k][i]);
}

int entity_list(Db *db, Arena *a, const Entity *en, const ListQuery *lq, json_t **items, int64_t *total, Err *e) {
    Where w = {0};
    Buf order = BUF_INIT;
    const char *order_params = "";
    bool personal = false;
    if (sort_clause(en, lq, a, &order, &order_params, &personal, e) || list_where(a, en, lq, personal, &w, e)) {
        buf_free(&w.sql);
        buf_free(&order);
        return -1;
    }

    Buf sql = BUF_INIT;
    buf_printf(&sql, "SELECT count(*) FROM %s%s", en->table, buf_str(&w.sql));
    Stmt *s = db_prepare(db, sql.p);
    int bi = 1;
    bind_where(s, &bi, &w);
    *total = db_step(s) == DB_ROW ? db_col_int(s, 0) : 0;
    db_done(s);

    buf_reset(&sql);
    select_list(&sql, en, false);
    buf_printf(&sql, "%s%s LIMIT ? OFFSET ?", buf_str(&w.sql), buf_str(&order));
    s = db_prepare(db, sql.p);
    bi = 1;
    bind_where(s, &bi, &w);
    bind_letters(s, &bi, order_params, FT_TEXT, NULL);
    db_bind_int(s, bi++, lq->limit < 0 ? -1 : lq->limit);
    db_bind_int(s, bi++, lq->offset);
    json_t *arr = json_array();
    while (db_step(s) == DB_ROW) json_array_append_new(arr, row_to_json(db, en, s, false));
    db_done(s);
    buf_free(&sql);
    buf_free(&w.sql);
    buf_free(&order);
    if (!lq->bare && en->render) {
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) {
            json_t *full = rendered(db, en, json_integer_value(json_object_get(o, "id")));
            if (full) json_array_set_new(arr, i, full);
        }
    } else if (!lq->bare && en->decorate) {
        size_t i;
        json_t *o;
        json_array_foreach(arr, i, o) en->decorate(db, o, json_integer_value(json_object_get(o, "id")));
    }
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) entity_redact(db, en, lq->who, o);
    *items = arr;
    return 0;
}

int entity_facet(Db *db, Arena *a, const Entity *en, const ListQuery *lq, const FacetSql *fs, json_t **counts, Err *e) {
    Where w = {0};
    if (list_where(a, en, lq, false, &w, e)) {
        buf_free(&w.sql);
        return -1;
    }
    Buf sql = BUF_INIT;
    if (fs->via) {
        const char *at = strstr(fs->via, "IDS");
        if (!at) panic("entity_facet: no IDS in \"%s\"", fs->via);
        buf_append(&sql, fs->via, (size_t)(at - fs->via));
        buf_printf(&sql, "(SELECT id FROM %s%s)%s", en->table, buf_str(&w.sql), at + 3);
    } else {
        buf_printf(&sql, "SELECT %s AS k, count(*) FROM %s%s GROUP BY k", fs->key, en->table, buf_str(&w.sql));
    }
    Stmt *s = db_prepare(db, sql.p);
    int bi = 1;
    bind_letters(s, &bi, fs->params, FT_TEXT, NULL);
    bind_where(s, &bi, &w);
    json_t *out = json_object();
    while (db_step(s) == DB_ROW)
        if (!db_col_null(s, 0)) json_object_set_new(out, db_col_text(s, 0), json_integer(db_col_int(s, 1)));
    db_done(s);
    buf_free(&sql);
    buf_free(&w.sql);
    *counts = out;
    return 0;
}

/* ---- import/export headers ------------------------------------------------------------- */

const Field *entity_field_by_header(const Entity *en, const char *header) {
    char key[256], k2[256];
    fold_into(header, key, sizeof key);
    /* "name_fold" style keys: compare with spaces and underscores removed */
    char *w = key;
    for (char *p = key; *p; p++)
        if (*p != ' ' && *p != '_') *w++ = *p;
    *w = 0;
    for (const Field *f = en->fields; f->name; f++) {
        if (f->flags & FF_INTERNAL) continue;
        const char *cands[3] = {f->name, f->vi, f->en};
        for (int c = 0; c < 3; c++) {
            if (!cands[c]) continue;
            fold_into(cands[c], k2, sizeof k2);
            char *w2 = k2;
            for (char *p = k2; *p; p++)
                if (*p != ' ' && *p != '_') *w2++ = *p;
            *w2 = 0;
            if (strcmp(key, k2) == 0) return f;
        }
    }
    return NULL;
}

const Field **entity_export_fields(const Entity *en, bool personal, Arena *a, int *n) {
    int cnt = 0;
    for (const Field *f = en->fields; f->name; f++) cnt++;
    const Field **out = arena_alloc(a, sizeof *out * (size_t)(cnt + 1));
    int k = 0;
    unsigned skip = FF_INTERNAL | FF_NOEXPORT | (personal ? 0 : FF_PERSONAL);
    for (const Field *f = en->fields; f->name; f++)
        if (!(f->flags & skip)) out[k++] = f;
    out[k] = NULL;
    *n = k;
    return out;
}

const char *entity_cell(const Field *f, json_t *obj, Arena *a, bool vi) {
    json_t *v = json_object_get(obj, f->name);
    if (!v || json_is_null(v)) return "";
    switch (f->type) {
    case FT_BOOL: return json_is_true(v) ? (vi ? "có" : "yes") : (vi ? "không" : "no");
    case FT_ID: case FT_INT: case FT_REF: return arena_printf(a, "%lld", (long long)json_integer_value(v));
    case FT_REAL: return arena_printf(a, "%g", json_number_value(v));
    case FT_ENUM: return json_is_string(v) ? arena_strdup(a, entity_enum_label(f->enums, json_string_value(v), vi)) : "";
    case FT_SET: {
        Buf b = BUF_INIT;
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) {
            if (!json_is_string(x)) continue;
            buf_printf(&b, "%s%s", i ? "; " : "", entity_enum_label(f->enums, json_string_value(x), vi));
        }
        const char *r = arena_strdup(a, buf_str(&b));
        buf_free(&b);
        return r;
    }
    default:
        if (json_is_string(v)) return json_string_value(v);
        if (json_is_integer(v)) return arena_printf(a, "%lld", (long long)json_integer_value(v));
        return "";
    }
}
