/*
** report.c: the reports' models (report.h, docs/reports.md). Every figure comes from the
** indicators (indicator.h) or the records behind them (indicator_products,
** indicator_communes), so a report, a dashboard and /api/v1/indicators agree by construction.
** The wording is gettext's (English msgids, po/vi.po); a report is Vietnamese unless asked
** otherwise.
*/
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "dossier.h"
#include "indicator.h"
#include "plan.h"
#include "unit.h"
#include "util.h"

const char *const REPORT_NAMES[] = {"summary", "products", "due", "progress", "round", NULL};

/* ---- the period ---------------------------------------------------------------------------------- */

static bool digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return s[n] == 0;
}

int report_period(const char *p, char from[11], char to[11], Err *e) {
    char today[11];
    date_today(today);
    if (!p || !*p) {
        snprintf(from, 11, "%.4s-01-01", today);
        snprintf(to, 11, "%s", today);
        return 0;
    }
    size_t n = strlen(p);
    int y = 0, y2 = 0, m = 0;
    if (n == 4 && digits(p, 4)) { /* a year */
        y = atoi(p);
        snprintf(from, 11, "%04d-01-01", y);
        snprintf(to, 11, "%04d-12-31", y);
    } else if (n == 7 && p[4] == '-' && sscanf(p, "%4d-%2d", &y, &m) == 2 && m >= 1 && m <= 12) { /* a month */
        snprintf(from, 11, "%04d-%02d-01", y, m);
        char next[11];
        date_add_months(from, 1, next);
        date_add_days(next, -1, to);
    } else if (n == 9 && p[4] == '-' && sscanf(p, "%4d-%4d", &y, &y2) == 2) { /* years */
        snprintf(from, 11, "%04d-01-01", y);
        snprintf(to, 11, "%04d-12-31", y2);
    } else if (n == 22 && strncmp(p + 10, "..", 2) == 0) { /* two days */
        snprintf(from, 11, "%.10s", p);
        snprintf(to, 11, "%.10s", p + 12);
    } else if (n == 10) { /* a day: from 1 January */
        snprintf(to, 11, "%s", p);
        snprintf(from, 11, "%.4s-01-01", p);
    } else {
        return err_set(e, 400, "period", "%s must be a year (2022), a month (2022-07), years (2021-2025), a day "
                                         "(2022-07-31) or two days (2022-01-01..2022-07-31)", "period");
    }
    if (!date_valid(from) || !date_valid(to) || y < 0 || (y && (y < 2000 || y > 2100)))
        return err_set(e, 400, "period", "%s must be a year (2022), a month (2022-07), years (2021-2025), a day "
                                         "(2022-07-31) or two days (2022-01-01..2022-07-31)", "period");
    if (strcmp(from, to) > 0)
        return err_set(e, 400, "period", "the period must not end before it starts (from %s, date %s)", from, to);
    return 0;
}

/* How the period reads: "năm 2022", "tháng 7 năm 2022", "giai đoạn 2021–2025", "từ 01/01/2022
** đến 31/07/2022". */
static const char *period_text(Arena *a, Lang lang, const char *p, const char *from, const char *to) {
    char f[11], t[11];
    size_t n = p ? strlen(p) : 0;
    if (n == 4) return arena_printf(a, tr(lang, "in %s"), p);
    if (n == 7) return arena_printf(a, tr(lang, "in month %d of %.4s"), atoi(p + 5), p);
    if (n == 9) return arena_printf(a, tr(lang, "over %.4s–%.4s"), p, p + 5);
    return arena_printf(a, tr(lang, "from %s to %s"), lang_date(from, f), lang_date(to, t));
}

/* ---- building blocks ------------------------------------------------------------------------------ */

static json_t *column(const char *key, const char *label, const char *type) {
    return json_pack("{s:s, s:s, s:s}", "key", key, "label", label, "type", type);
}

/* A percentage column computed from the int columns num and den of the same row. */
static json_t *pct_column(const char *key, const char *label, const char *num, const char *den) {
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "key", key, "label", label, "type", "pct", "num", num, "den", den);
}

/* A column summing the int columns of (a JSON array of keys). */
static json_t *sum_column(const char *key, const char *label, json_t *of) {
    return json_pack("{s:s, s:s, s:s, s:o}", "key", key, "label", label, "type", "sum", "of", of);
}

static json_t *section(json_t *model, const char *heading) {
    json_t *s = json_pack("{s:s}", "heading", heading);
    json_array_append_new(json_object_get(model, "sections"), s);
    return s;
}

static void paragraph(json_t *sec, const char *text) {
    json_t *t = json_object_get(sec, "text");
    if (!t) json_object_set_new(sec, "text", t = json_array());
    json_array_append_new(t, json_string(text));
}

static json_t *table(json_t *sec, json_t *columns) {
    json_t *t = json_pack("{s:o, s:[]}", "columns", columns, "rows");
    json_object_set_new(sec, "table", t);
    return json_object_get(t, "rows");
}

static double pct(int64_t num, int64_t den) {
    return den > 0 ? (double)(int64_t)(10000.0 * (double)num / (double)den + 0.5) / 100.0 : 0;
}

/* Upper case of s (NFC, Vietnamese letters included), in a. */
static const char *upper(Arena *a, const char *s) {
    Buf b = BUF_INIT;
    utf8proc_int32_t cp;
    for (const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s; *p;) {
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) break;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(cp), enc);
        buf_append(&b, enc, (size_t)m);
        p += k;
    }
    const char *out = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out;
}

/* "05" as the programme's documents write counts under ten in an enumeration. */
static const char *two(Arena *a, int64_t n) { return arena_printf(a, "%02lld", (long long)n); }

static const char *count(Arena *a, Lang lang, int64_t n) {
    char b[32];
    return arena_strdup(a, lang_int(lang, (long long)n, b, sizeof b));
}

static const char *decimal(Arena *a, Lang lang, double v) {
    char b[48];
    return arena_strdup(a, lang_num(lang, v, 2, b, sizeof b));
}

/* The English word for the units of a Vietnamese type, plural. */
static const char *type_word(Lang lang, const char *type) {
    static const struct {
        const char *vi, *en;
    } words[] = {{"xã", "communes"},         {"phường", "wards"},  {"thị trấn", "townships"}, {"đặc khu", "special zones"},
                 {"huyện", "districts"},     {"thị xã", "towns"},  {"thành phố", "cities"},   {"quận", "urban districts"},
                 {"tỉnh", "provinces"}};
    if (lang == LANG_VI) return type;
    for (size_t i = 0; i < COUNT(words); i++)
        if (str_eq(type, words[i].vi)) return words[i].en;
    return type;
}

/* ---- sorting a model's items ---------------------------------------------------------------------- */

typedef int (*ItemCmp)(const json_t *x, const json_t *y);

typedef struct Item {
    json_t *v;
    size_t at;
} Item;

static int item_cmp(const void *x, const void *y, void *cmp) {
    const Item *a = x, *b = y;
    int c = ((ItemCmp)cmp)(a->v, b->v);
    return c ? c : a->at < b->at ? -1 : a->at > b->at; /* stable */
}

/* Sort the items of arr by cmp, keeping the order of equal ones. */
static void sort_items(json_t *arr, ItemCmp cmp) {
    size_t n = json_array_size(arr);
    Item *items = xcalloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = (Item){json_incref(json_array_get(arr, i)), i};
    qsort_r(items, n, sizeof *items, item_cmp, (void *)cmp);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, items[i].v);
    free(items);
}

/* A chart's bars, the largest first. */
static int most_first(const json_t *x, const json_t *y) {
    json_int_t a = json_integer_value(json_object_get(x, "value")), b = json_integer_value(json_object_get(y, "value"));
    return a > b ? -1 : a < b;
}

/* Products, the certificate that ends soonest first. */
static int soonest_first(const json_t *x, const json_t *y) {
    return strcmp(json_string_value(json_object_get(x, "expires_on")), json_string_value(json_object_get(y, "expires_on")));
}

/* ---- the model's frame ------------------------------------------------------------------------------ */

typedef struct Ctx {
    Db *db;
    Arena *a;
    const Actor *who;
    const ReportQuery *q;
    Lang lang;
    char from[11], to[11];
    IndQuery iq;       /* the unit, map and period */
    json_t *unit;      /* indicator_unit */
    const char *level; /* its level */
    const char *name;  /* its full name */
    const char *mid;   /* the same inside a sentence ("tỉnh Bến Tre") */
} Ctx;

static const char *ind_name(Ctx *c, const char *code) {
    const json_t *ind = indicator_find(code);
    return ind ? json_string_value(json_object_get(ind, c->lang == LANG_VI ? "vi" : "en")) : code;
}

/* The indicator code for the report's unit and period; -1 with e. */
static int eval(Ctx *c, const char *code, IndValue *v, json_t **rows, Err *e) {
    return indicator_eval(c->db, c->a, code, &c->iq, v, rows, e);
}

/* The issuing body's lines, the document's number, the place and the recipients. */
static json_t *frame(Ctx *c, const char *report, const char *title, const char *subject) {
    Arena *a = c->a;
    Lang lang = c->lang;
    const char *code = json_string_value(json_object_get(c->unit, "code"));
    bool country = str_eq(c->level, "country");
    json_t *issuer = json_array();
    const char *place, *suffix;
    if (country) {
        json_array_append_new(issuer, json_string(upper(a, tr(lang, "Ministry of Agriculture and Environment"))));
        json_array_append_new(issuer, json_string(upper(a, tr(lang, "Central Office for New Rural Development"))));
        place = tr(lang, "Hanoi");
        suffix = "BC-VPĐP";
    } else {
        json_array_append_new(issuer, json_string(upper(a, tr(lang, "People's Committee"))));
        json_array_append_new(issuer, json_string(upper(a, c->name)));
        Unit u;
        Err ue = ERR_INIT;
        place = unit_get(c->db, a, code, json_string_value(json_object_get(c->unit, "on")), &u, &ue) ? c->name : u.name;
        suffix = "BC-UBND";
    }
    const char *number = c->q->number && *c->q->number ? arena_printf(a, tr(lang, "No.: %s"), c->q->number)
                                                       : arena_printf(a, tr(lang, "No.: %s"), arena_printf(a, "      /%s", suffix));
    /* dated the period's last day, or today while it runs */
    char today[11], day[11];
    date_today(today);
    snprintf(day, sizeof day, "%s", strcmp(c->to, today) < 0 ? c->to : today);
    const char *dated = lang == LANG_VI ? arena_printf(a, "%s, ngày %d tháng %d năm %.4s", place, atoi(day + 8), atoi(day + 5), day)
                                        : arena_printf(a, "%s, %s", place, lang_date(day, (char[11]){0}));
    json_t *recipients = json_array();
    json_array_append_new(recipients,
                          json_string(country ? tr(lang, "The Prime Minister (to report);")
                                      : str_eq(c->level, "province") ? tr(lang, "The Ministry of Agriculture and Environment (to report);")
                                                                     : tr(lang, "The People's Committee above (to report);")));
    json_array_append_new(recipients, json_string(tr(lang, "Archives: office.")));
    const char *signer_title = c->q->signer_title && *c->q->signer_title ? c->q->signer_title
                               : country                                   ? tr(lang, "FOR THE MINISTER")
                                                                           : arena_printf(a, "%s\n%s", tr(lang, "FOR THE PEOPLE'S COMMITTEE"), tr(lang, "CHAIRPERSON"));
    json_t *m = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:O, s:[], s:[], s:o, s:{s:s, s:s}}", "report", report,
                          "title", title, "subject", subject, "issuer", issuer, "number", number, "place", place, "dated", dated,
                          "from", c->from, "date", c->to, "unit", c->unit, "summary", "sections", "recipients", recipients,
                          "signer", "title", signer_title, "name", c->q->signer ? c->q->signer : "");
    json_object_set_new(m, "language", json_string(lang_code(lang)));
    return m;
}

static void summary(json_t *m, const char *sentence) { json_array_append_new(json_object_get(m, "summary"), json_string(sentence)); }

/* "66 sản phẩm 3 sao, 65 sản phẩm 4 sao" (the star counts that are not 0). */
static const char *by_stars(Ctx *c, const int64_t stars[6]) {
    Buf b = BUF_INIT;
    for (int s = 3; s <= 5; s++) {
        if (!stars[s]) continue;
        if (b.n) buf_puts(&b, ", ");
        buf_printf(&b, tr(c->lang, "%s products at %d stars"), count(c->a, c->lang, stars[s]), s);
    }
    const char *out = arena_strdup(c->a, b.n ? buf_str(&b) : tr(c->lang, "none"));
    buf_free(&b);
    return out;
}

/* "34 xã, 05 phường, 02 thị trấn của 09 huyện, thành phố": the covered communes by kind (and,
** before 2025, the districts they lie in, by kind), or NULL when none is covered. */
static const char *coverage_kinds(Ctx *c, json_t *communes) {
    static const char *const kinds[] = {"xã", "phường", "thị trấn", "đặc khu"};
    static const char *const dkinds[] = {"huyện", "thị xã", "thành phố", "quận"};
    int64_t nk[COUNT(kinds) + 1] = {0};
    json_t *districts = json_object(), *it;
    size_t i;
    json_array_foreach(communes, i, it) {
        if (json_integer_value(json_object_get(it, "products")) <= 0) continue;
        const char *type = json_string_value(json_object_get(it, "type"));
        size_t k = 0;
        while (k < COUNT(kinds) && !str_eq(kinds[k], type)) k++;
        nk[k]++;
        const char *d = json_string_value(json_object_get(it, "district_code"));
        if (d && *d) json_object_set_new(districts, d, json_true());
    }
    Buf b = BUF_INIT;
    for (size_t k = 0; k < COUNT(kinds); k++)
        if (nk[k]) buf_printf(&b, "%s%s %s", b.n ? ", " : "", two(c->a, nk[k]), type_word(c->lang, kinds[k]));
    if (!b.n) {
        json_decref(districts);
        buf_free(&b);
        return NULL;
    }
    /* the districts (only when the unit is larger than one district) */
    if (json_object_size(districts) && !str_eq(c->level, "district")) {
        bool seen[COUNT(dkinds)] = {0};
        const char *dcode;
        json_t *v;
        json_object_foreach(districts, dcode, v) {
            Unit u;
            Err ue = ERR_INIT;
            if (unit_get(c->db, c->a, dcode, json_string_value(json_object_get(c->unit, "on")), &u, &ue)) continue;
            for (size_t k = 0; k < COUNT(dkinds); k++)
                if (str_eq(u.type, dkinds[k])) seen[k] = true;
        }
        buf_printf(&b, tr(c->lang, " of %s "), two(c->a, (int64_t)json_object_size(districts)));
        int w = 0;
        for (size_t k = 0; k < COUNT(dkinds); k++)
            if (seen[k]) buf_printf(&b, "%s%s", w++ ? ", " : "", type_word(c->lang, dkinds[k]));
    }
    json_decref(districts);
    const char *out = arena_strdup(c->a, buf_str(&b));
    buf_free(&b);
    return out;
}

/* The label of the unit's sub-units ("Huyện, thị xã, thành phố", "Đơn vị hành chính cấp xã"). */
static const char *sub_label(Ctx *c) {
    if (str_eq(c->level, "country")) return tr(c->lang, "Province, city");
    if (str_eq(c->level, "province") && str_eq(c->iq.geo, "pre2025")) return tr(c->lang, "District, town, city");
    return tr(c->lang, "Commune-level unit");
}

/* ---- summary ---------------------------------------------------------------------------------------- */

static json_t *build_summary(Ctx *c, Err *e) {
    Arena *a = c->a;
    Lang lang = c->lang;
    const char *pt = period_text(a, lang, c->q->period, c->from, c->to);
    json_t *m = frame(c, "summary", tr(lang, "REPORT"), arena_printf(a, tr(lang, "Results of the OCOP programme %s"), pt));
    json_t *products = NULL, *communes = NULL;
    int64_t stars[6] = {0};
    size_t i;
    json_t *it;
    static const char *const by_star[] = {"products_3star", "products_4star", "products_5star"};
    for (int k = 0; k < 3; k++) {
        IndValue v;
        if (eval(c, by_star[k], &v, NULL, e)) goto fail;
        stars[k + 3] = v.numerator;
    }
    IndValue pv;
    if (eval(c, "producers_ocop", &pv, NULL, e)) goto fail;
    int64_t total = stars[3] + stars[4] + stars[5], nproducers = pv.numerator;
    char d[11];
    lang_date(c->to, d);
    summary(m, arena_printf(a, tr(lang, "As of %s, %s has %s OCOP products in force, of %s producers: %s."), d, c->mid,
                            count(a, lang, total), count(a, lang, nproducers), by_stars(c, stars)));
    IndValue ever, expired;
    if (eval(c, "products_ever", &ever, NULL, e) || eval(c, "expired_not_renewed", &expired, NULL, e)) goto fail;
    summary(m, arena_printf(a, tr(lang, "In all, %s products have been recognised: %s expired without being re-recognised, %s are in force."),
                            count(a, lang, ever.numerator), count(a, lang, expired.numerator), count(a, lang, total)));
    bool commune = str_eq(c->level, "commune");
    int64_t covered = 0, ncommunes = 0;
    if (!commune) {
        if (indicator_communes(c->db, a, &c->iq, &communes, e)) goto fail;
        json_array_foreach(communes, i, it) {
            ncommunes++;
            covered += json_integer_value(json_object_get(it, "products")) > 0;
        }
        const char *kinds = coverage_kinds(c, communes);
        summary(m, kinds ? arena_printf(a, tr(lang, "%s of %s commune-level units have an OCOP product (%s%%): %s."),
                                        count(a, lang, covered), count(a, lang, ncommunes), decimal(a, lang, pct(covered, ncommunes)),
                                        kinds)
                         : arena_printf(a, tr(lang, "None of the %s commune-level units has an OCOP product yet."),
                                        count(a, lang, ncommunes)));
    }
    IndValue nw, n4, n5, up, ren;
    if (eval(c, "new_3plus", &nw, NULL, e) || eval(c, "new_4star", &n4, NULL, e) || eval(c, "new_5star", &n5, NULL, e) ||
        eval(c, "upgrades_3to4", &up, NULL, e) || eval(c, "renewed", &ren, NULL, e))
        goto fail;
    summary(m, arena_printf(a, tr(lang, "From %s to %s: %s products recognised for the first time, %s newly at 4 stars, %s newly at "
                                        "5 stars; %s upgraded from 3 to 4 stars; %s re-recognised."),
                            lang_date(c->from, (char[11]){0}), d, count(a, lang, nw.numerator), count(a, lang, n4.numerator),
                            count(a, lang, n5.numerator), count(a, lang, up.numerator), count(a, lang, ren.numerator)));

    /* I. the figures */
    json_t *sec = section(m, tr(lang, "I. The programme's figures"));
    json_t *cols = json_array();
    json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
    json_array_append_new(cols, column("indicator", tr(lang, "Indicator"), "text"));
    json_array_append_new(cols, column("value", tr(lang, "Value"), "num"));
    json_t *rows = table(sec, cols);
    static const char *const codes[] = {"products_3plus", "products_3star", "products_4star", "products_5star", "products_ever",
                                        "expired_not_renewed", "producers_ocop", "new_3plus", "new_4star", "new_5star",
                                        "upgrades_3to4", "renewed", "communes_covered", "communes_coverage_pct", "points_of_sale",
                                        "producers_coop_pct", "producers_modern_channels_pct", "dossiers_filed"};
    bool dossiers = actor_can(c->who, PERM_DOSSIERS_READ);
    int no = 0;
    for (size_t k = 0; k < COUNT(codes); k++) {
        if (commune && strncmp(codes[k], "communes_", 9) == 0) continue;
        if (!dossiers && strncmp(codes[k], "dossiers_", 9) == 0) continue;
        IndValue v;
        if (eval(c, codes[k], &v, NULL, e)) goto fail;
        bool percent = v.denominator >= 0;
        json_array_append_new(rows, json_pack("[I, s, o]", (json_int_t)++no, ind_name(c, codes[k]),
                                              percent ? json_real(pct(v.numerator, v.denominator)) : json_integer(v.numerator)));
    }

    /* II. by sub-unit */
    if (!commune) {
        json_t *r3 = NULL, *r4 = NULL, *r5 = NULL, *rc = NULL;
        IndValue v;
        if (eval(c, "products_3star", &v, &r3, e) || eval(c, "products_4star", &v, &r4, e) ||
            eval(c, "products_5star", &v, &r5, e) || eval(c, "communes_coverage_pct", &v, &rc, e)) {
            json_decref(r3), json_decref(r4), json_decref(r5), json_decref(rc);
            goto fail;
        }
        sec = section(m, arena_printf(a, tr(lang, "II. By %s"), sub_label(c)));
        cols = json_array();
        json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
        json_array_append_new(cols, column("unit", sub_label(c), "text"));
        json_array_append_new(cols, column("s3", tr(lang, "3★"), "int"));
        json_array_append_new(cols, column("s4", tr(lang, "4★"), "int"));
        json_array_append_new(cols, column("s5", tr(lang, "5★"), "int"));
        json_array_append_new(cols, sum_column("total", tr(lang, "Products"), json_pack("[s, s, s]", "s3", "s4", "s5")));
        /* coverage for sub-units that have communes (provinces, districts) */
        bool by_commune = str_eq(sub_label(c), tr(lang, "Commune-level unit"));
        if (!by_commune) {
            json_array_append_new(cols, column("covered", tr(lang, "Communes covered"), "int"));
            json_array_append_new(cols, column("communes", tr(lang, "Commune-level units in all"), "int"));
            json_array_append_new(cols, pct_column("coverage", tr(lang, "Coverage (%)"), "covered", "communes"));
        }
        rows = table(sec, cols);
        json_object_set_new(json_object_get(sec, "table"), "total", json_string(tr(lang, "In total")));
        json_t *bars = json_array();
        for (size_t k = 0; k < json_array_size(r3); k++) {
            json_t *a3 = json_array_get(r3, k), *a4 = json_array_get(r4, k), *a5 = json_array_get(r5, k), *ac = json_array_get(rc, k);
            int64_t s3 = json_integer_value(json_object_get(a3, "numerator")), s4 = json_integer_value(json_object_get(a4, "numerator")),
                    s5 = json_integer_value(json_object_get(a5, "numerator")), cv = json_integer_value(json_object_get(ac, "numerator")),
                    cn = json_integer_value(json_object_get(ac, "denominator"));
            json_t *row = json_pack("[I, O, I, I, I, I]", (json_int_t)(k + 1), json_object_get(a3, "name"), (json_int_t)s3,
                                    (json_int_t)s4, (json_int_t)s5, (json_int_t)(s3 + s4 + s5));
            if (!by_commune) {
                json_array_append_new(row, json_integer(cv));
                json_array_append_new(row, json_integer(cn));
                json_array_append_new(row, json_real(pct(cv, cn)));
            }
            json_array_append_new(rows, row);
            json_array_append_new(bars, json_pack("{s:O, s:I}", "label", json_object_get(a3, "name"), "value", (json_int_t)(s3 + s4 + s5)));
        }
        json_decref(r3), json_decref(r4), json_decref(r5), json_decref(rc);
        /* the chart: the largest 20 */
        sort_items(bars, most_first);
        while (json_array_size(bars) > 20) json_array_remove(bars, json_array_size(bars) - 1);
        json_object_set_new(sec, "chart", json_pack("{s:s, s:o}", "title",
                                                    arena_printf(a, tr(lang, "OCOP products in force by %s (the largest %d)"),
                                                                 sub_label(c), (int)json_array_size(bars)),
                                                    "bars", bars));
    }

    /* III. the communes covered (a province or a district: the list the province writes) */
    if (communes && !str_eq(c->level, "country") && covered) {
        bool old = str_eq(c->iq.geo, "pre2025") && str_eq(c->level, "province");
        sec = section(m, tr(lang, "III. Commune-level units with an OCOP product"));
        cols = json_array();
        json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
        json_array_append_new(cols, column("commune", tr(lang, "Commune-level unit"), "text"));
        if (old) json_array_append_new(cols, column("district", tr(lang, "District"), "text"));
        json_array_append_new(cols, column("products", tr(lang, "Products"), "int"));
        rows = table(sec, cols);
        json_object_set_new(json_object_get(sec, "table"), "total", json_string(tr(lang, "In total")));
        no = 0;
        json_array_foreach(communes, i, it) {
            if (json_integer_value(json_object_get(it, "products")) <= 0) continue;
            json_t *row = json_pack("[I, O]", (json_int_t)++no, json_object_get(it, "name"));
            if (old) json_array_append(row, json_object_get(it, "district"));
            json_array_append(row, json_object_get(it, "products"));
            json_array_append_new(rows, row);
        }
    }

    /* IV. product groups */
    sec = section(m, communes && !str_eq(c->level, "country") && covered ? tr(lang, "IV. By product group")
                                                                          : tr(lang, "III. By product group"));
    cols = json_array();
    json_array_append_new(cols, column("group", tr(lang, "Product group"), "text"));
    json_array_append_new(cols, column("products", tr(lang, "Products"), "int"));
    rows = table(sec, cols);
    json_object_set_new(json_object_get(sec, "table"), "total", json_string(tr(lang, "In total")));
    json_t *gbars = json_array();
    static const char *const groups[] = {"products_group_I", "products_group_II", "products_group_III",
                                         "products_group_IV", "products_group_V", "products_group_VI"};
    for (size_t k = 0; k < COUNT(groups); k++) {
        IndValue v;
        if (eval(c, groups[k], &v, NULL, e)) {
            json_decref(gbars);
            goto fail;
        }
        json_array_append_new(rows, json_pack("[s, I]", ind_name(c, groups[k]), (json_int_t)v.numerator));
        json_array_append_new(gbars, json_pack("{s:s, s:I}", "label", ind_name(c, groups[k]), "value", (json_int_t)v.numerator));
    }
    json_object_set_new(sec, "chart", json_pack("{s:s, s:o}", "title", tr(lang, "OCOP products in force by product group"), "bars", gbars));
    json_decref(products);
    json_decref(communes);
    return m;
fail:
    json_decref(products);
    json_decref(communes);
    json_decref(m);
    return NULL;
}

/* ---- products and due ------------------------------------------------------------------------------- */

static const char *level_text(Lang lang, const char *level) {
    return str_eq(level, "ministry")   ? tr(lang, "Ministry")
           : str_eq(level, "district") ? tr(lang, "District People's Committee")
                                       : tr(lang, "Provincial People's Committee");
}

static json_t *build_products(Ctx *c, bool due, Err *e) {
    Arena *a = c->a;
    Lang lang = c->lang;
    int months = c->q->months > 0 ? c->q->months : 6;
    char until[11], d[11], u[11];
    date_add_months(c->to, months, until);
    lang_date(c->to, d);
    const char *subject = due ? arena_printf(a, tr(lang, "OCOP products whose certificate ends between %s and %s (re-evaluation)"), d,
                                             lang_date(until, u))
                              : arena_printf(a, tr(lang, "OCOP products in force on %s"), d);
    json_t *m = frame(c, due ? "due" : "products", tr(lang, "REPORT"), subject);
    json_t *products = NULL;
    if (indicator_products(c->db, a, &c->iq, &products, e)) {
        json_decref(m);
        return NULL;
    }
    bool old = str_eq(c->iq.geo, "pre2025") && !str_eq(c->level, "commune") && !str_eq(c->level, "district");
    json_t *sec = section(m, due ? tr(lang, "Products due for re-evaluation") : tr(lang, "OCOP products in force"));
    json_t *cols = json_array();
    json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
    json_array_append_new(cols, column("code", tr(lang, "Product code"), "text"));
    json_array_append_new(cols, column("name", tr(lang, "Product"), "text"));
    json_array_append_new(cols, column("producer", tr(lang, "Producer"), "text"));
    json_array_append_new(cols, column("commune", tr(lang, "Commune-level unit"), "text"));
    if (old) json_array_append_new(cols, column("district", tr(lang, "District"), "text"));
    json_array_append_new(cols, column("stars", tr(lang, "Stars"), "int"));
    json_array_append_new(cols, column("level", tr(lang, "Recognised by"), "text"));
    json_array_append_new(cols, column("decision", tr(lang, "Decision"), "text"));
    json_array_append_new(cols, column("decided_on", tr(lang, "Decided on"), "date"));
    json_array_append_new(cols, column("expires_on", tr(lang, "Valid until"), "date"));
    if (due) json_array_append_new(cols, column("days_left", tr(lang, "Days left"), "int"));
    json_t *rows = table(sec, cols), *it;
    size_t i;
    /* due: by expiry, soonest first */
    json_t *list = products;
    if (due) {
        list = json_array();
        json_array_foreach(products, i, it) {
            const char *x = json_string_value(json_object_get(it, "expires_on"));
            if (x && *x && strcmp(x, c->to) > 0 && strcmp(x, until) <= 0) json_array_append(list, it);
        }
        sort_items(list, soonest_first);
    }
    int64_t stars[6] = {0};
    json_array_foreach(list, i, it) {
        int64_t s = json_integer_value(json_object_get(it, "stars"));
        if (s >= 0 && s <= 5) stars[s]++;
        json_t *row = json_pack("[I, O, O, O, O]", (json_int_t)(i + 1), json_object_get(it, "code"), json_object_get(it, "name"),
                                json_object_get(it, "producer"), json_object_get(it, "commune"));
        if (old) json_array_append(row, json_object_get(it, "district"));
        json_array_append(row, json_object_get(it, "stars"));
        json_array_append_new(row, json_string(level_text(lang, json_string_value(json_object_get(it, "level")))));
        json_array_append(row, json_object_get(it, "decision_no"));
        json_array_append(row, json_object_get(it, "decision_date"));
        json_array_append(row, json_object_get(it, "expires_on"));
        if (due)
            json_array_append_new(row, json_integer(day_number(json_string_value(json_object_get(it, "expires_on"))) - day_number(c->to)));
        json_array_append_new(rows, row);
    }
    summary(m, due ? arena_printf(a, tr(lang, "%s: %s products must be re-evaluated by %s: %s."), c->name,
                                  count(a, lang, (int64_t)json_array_size(list)), u, by_stars(c, stars))
                   : arena_printf(a, tr(lang, "As of %s, %s has %s OCOP products in force: %s."), d, c->mid,
                                  count(a, lang, (int64_t)json_array_size(list)), by_stars(c, stars)));
    if (list != products) json_decref(list);
    json_decref(products);
    return m;
}

/* ---- progress --------------------------------------------------------------------------------------- */

static const char *status_text(Lang lang, const char *s) {
    static const struct {
        const char *key, *label;
    } labels[] = {
        {"achieved", N_("Achieved")},       {"on_track", N_("On track")},   {"at_risk", N_("At risk")},
        {"missed", N_("Missed")},           {"not_started", N_("Not started")}, {"hidden", N_("Not public")},
        {"unknown", N_("Cannot be computed")}, {"todo", N_("To do")},        {"doing", N_("Under way")},
        {"done", N_("Done")},               {"late", N_("Late")},           {"dropped", N_("Dropped")},
    };
    for (size_t i = 0; i < COUNT(labels); i++)
        if (str_eq(s, labels[i].key)) return tr(lang, labels[i].label);
    return s ? s : "";
}

/* "≥ 8", "40–50", "≤ 5" (with % for a percentage). */
static const char *target_text(Ctx *c, json_t *t, bool percent) {
    json_t *mn = json_object_get(t, "min"), *mx = json_object_get(t, "max");
    const char *u = percent ? "%" : "";
    char b1[48], b2[48];
    double probe = json_is_number(mn) ? json_number_value(mn) : json_number_value(mx);
    int d = probe == (double)(long long)probe ? 0 : probe * 10 == (double)(long long)(probe * 10) ? 1 : 2;
    if (json_is_number(mn) && json_is_number(mx))
        return arena_printf(c->a, "%s–%s%s", lang_num(c->lang, json_number_value(mn), d, b1, sizeof b1),
                            lang_num(c->lang, json_number_value(mx), d, b2, sizeof b2), u);
    if (json_is_number(mn)) return arena_printf(c->a, "≥ %s%s", lang_num(c->lang, json_number_value(mn), d, b1, sizeof b1), u);
    if (json_is_number(mx)) return arena_printf(c->a, "≤ %s%s", lang_num(c->lang, json_number_value(mx), d, b1, sizeof b1), u);
    return "";
}

static int progress_of(Ctx *c, json_t *m, int64_t id, int nth, Err *e) {
    Arena *a = c->a;
    Lang lang = c->lang;
    json_t *p = plan_progress(c->db, a, c->who, id, c->to, e);
    if (!p) return -1;
    json_t *plan = json_object_get(p, "plan"), *doc = json_object_get(plan, "document");
    static const char *const roman[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"};
    const char *r = nth < 10 ? roman[nth] : arena_printf(a, "%d", nth + 1);
    json_t *sec = section(m, arena_printf(a, "%s. %s", r, json_string_value(json_object_get(plan, "title"))));
    char f[11], t[11], dd[11];
    if (json_is_object(doc))
        paragraph(sec, arena_printf(a, tr(lang, "Document: %s of %s, %s."), json_string_value(json_object_get(doc, "no")),
                                    lang_date(json_string_value(json_object_get(doc, "date")), dd),
                                    json_string_value(json_object_get(doc, "issuer"))));
    paragraph(sec, arena_printf(a, tr(lang, "Period %s to %s; progress counted on %s (%s%% of the period elapsed)."),
                                lang_date(json_string_value(json_object_get(plan, "from")), f),
                                lang_date(json_string_value(json_object_get(plan, "to")), t),
                                lang_date(json_string_value(json_object_get(p, "date")), dd),
                                decimal(a, lang, 100.0 * json_number_value(json_object_get(p, "elapsed")))));
    json_t *cols = json_array();
    json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
    json_array_append_new(cols, column("target", tr(lang, "Target"), "text"));
    json_array_append_new(cols, column("goal", tr(lang, "Goal"), "text"));
    json_array_append_new(cols, column("value", tr(lang, "Result"), "num"));
    json_array_append_new(cols, column("status", tr(lang, "Status"), "text"));
    json_t *rows = table(sec, cols), *tg;
    size_t i;
    int counts[5] = {0}; /* achieved, on track, at risk, missed, other */
    json_t *short_of = json_array(); /* [{target, rows}] */
    json_array_foreach(json_object_get(p, "targets"), i, tg) {
        const char *st = json_string_value(json_object_get(tg, "status"));
        counts[str_eq(st, "achieved") ? 0 : str_eq(st, "on_track") ? 1 : str_eq(st, "at_risk") ? 2 : str_eq(st, "missed") ? 3 : 4]++;
        bool percent = str_eq(json_string_value(json_object_get(tg, "unit")), "percent");
        const char *label = json_string_value(json_object_get(tg, "label"));
        const char *name = label && *label ? label
                                           : json_string_value(json_object_get(json_object_get(tg, "name"), lang == LANG_VI ? "vi" : "en"));
        const char *each = json_string_value(json_object_get(tg, "each"));
        if (!name) name = json_string_value(json_object_get(tg, "indicator"));
        if (each && !(label && *label))
            name = arena_printf(a, tr(lang, "%s (each %s)"), name,
                                str_eq(each, "district") ? tr(lang, "district") : str_eq(each, "province") ? tr(lang, "province")
                                                                                                           : tr(lang, "commune"));
        json_t *value;
        if (each) value = json_pack("s", arena_printf(a, tr(lang, "%lld of %lld units"), (long long)json_integer_value(json_object_get(tg, "met")),
                                                      (long long)json_integer_value(json_object_get(tg, "of"))));
        else if (!json_is_number(json_object_get(tg, "value"))) value = json_string("");
        else if (percent) value = json_real(pct(json_integer_value(json_object_get(tg, "numerator")),
                                                 json_integer_value(json_object_get(tg, "denominator"))));
        else value = json_integer((json_int_t)json_number_value(json_object_get(tg, "value")));
        json_array_append_new(rows, json_pack("[I, s, s, o, s]", (json_int_t)(i + 1), name, target_text(c, tg, percent), value,
                                              status_text(lang, st)));
        if (each) {
            json_t *u, *srows = json_array();
            size_t j;
            json_array_foreach(json_object_get(tg, "units"), j, u) {
                if (str_eq(json_string_value(json_object_get(u, "status")), "achieved")) continue;
                double v = json_number_value(json_object_get(u, "value"));
                json_array_append_new(srows, json_pack("[I, O, o, s]", (json_int_t)json_array_size(srows) + 1, json_object_get(u, "name"),
                                                       percent ? json_real(v) : json_integer((json_int_t)v),
                                                       status_text(lang, json_string_value(json_object_get(u, "status")))));
            }
            if (json_array_size(srows)) json_array_append_new(short_of, json_pack("{s:s, s:o}", "target", name, "rows", srows));
            else json_decref(srows);
        }
    }
    paragraph(sec, arena_printf(a, tr(lang, "Of %d targets: %d achieved, %d on track, %d at risk, %d missed."),
                                (int)json_array_size(json_object_get(p, "targets")), counts[0], counts[1], counts[2], counts[3]));
    json_t *out = json_object_get(m, "sections");
    json_t *so;
    json_array_foreach(short_of, i, so) {
        json_t *s2 = json_pack("{s:s}", "heading", arena_printf(a, tr(lang, "Units short of the target: %s"), json_string_value(json_object_get(so, "target"))));
        json_array_append_new(out, s2);
        cols = json_array();
        json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
        json_array_append_new(cols, column("unit", tr(lang, "Unit"), "text"));
        json_array_append_new(cols, column("value", tr(lang, "Result"), "num"));
        json_array_append_new(cols, column("status", tr(lang, "Status"), "text"));
        json_object_set_new(s2, "table", json_pack("{s:o, s:O}", "columns", cols, "rows", json_object_get(so, "rows")));
    }
    json_decref(short_of);
    json_t *tasks = json_object_get(plan, "tasks"), *tk;
    if (json_array_size(tasks)) {
        json_t *s3 = json_pack("{s:s}", "heading", tr(lang, "Tasks"));
        json_array_append_new(out, s3);
        cols = json_array();
        json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
        json_array_append_new(cols, column("task", tr(lang, "Task"), "text"));
        json_array_append_new(cols, column("agency", tr(lang, "Agency"), "text"));
        json_array_append_new(cols, column("due_on", tr(lang, "Due"), "date"));
        json_array_append_new(cols, column("status", tr(lang, "Status"), "text"));
        json_array_append_new(cols, column("progress", tr(lang, "Progress"), "text"));
        json_t *trows = json_array();
        json_array_foreach(tasks, i, tk) {
            const char *due = json_string_value(json_object_get(tk, "due_on"));
            const char *st = json_string_value(json_object_get(tk, "status"));
            if (due && !str_eq(st, "done") && !str_eq(st, "dropped") && strcmp(due, c->to) < 0) st = "late";
            const char *agency = json_string_value(json_object_get(tk, "agency")), *prog = json_string_value(json_object_get(tk, "progress"));
            json_array_append_new(trows, json_pack("[I, O, s, s, s, s]", (json_int_t)(i + 1), json_object_get(tk, "title"),
                                                   agency ? agency : "", due ? due : "", status_text(lang, st), prog ? prog : ""));
        }
        json_object_set_new(s3, "table", json_pack("{s:o, s:o}", "columns", cols, "rows", trows));
    }
    summary(m, arena_printf(a, tr(lang, "%s: %d of %d targets achieved, %d on track, %d at risk, %d missed."),
                            json_string_value(json_object_get(plan, "title")), counts[0],
                            (int)json_array_size(json_object_get(p, "targets")), counts[1], counts[2], counts[3]));
    json_decref(p);
    return 0;
}

static json_t *build_progress(Ctx *c, Err *e) {
    Arena *a = c->a;
    Lang lang = c->lang;
    json_t *m = frame(c, "progress", tr(lang, "REPORT"),
                      arena_printf(a, tr(lang, "Progress of the OCOP plans %s"), period_text(a, lang, c->q->period, c->from, c->to)));
    if (c->q->plan) {
        json_t *plan = plan_get(c->db, c->q->plan, e);
        if (!plan) goto fail;
        bool same = str_eq(json_string_value(json_object_get(plan, "unit")), json_string_value(json_object_get(c->unit, "code")));
        json_decref(plan);
        if (!same) {
            err_set(e, 400, "plan", "plan %lld is not a plan of unit %s", (long long)c->q->plan,
                    json_string_value(json_object_get(c->unit, "code")));
            goto fail;
        }
        if (progress_of(c, m, c->q->plan, 0, e)) goto fail;
        return m;
    }
    json_t *items = NULL;
    int64_t total = 0;
    if (plan_list(c->db, json_string_value(json_object_get(c->unit, "code")), 0, 100, 0, &items, &total, e)) goto fail;
    json_t *it;
    size_t i;
    int nth = 0;
    json_array_foreach(items, i, it) {
        const char *f = json_string_value(json_object_get(it, "from")), *t = json_string_value(json_object_get(it, "to"));
        if (!f || !t || strcmp(f, c->to) > 0 || strcmp(t, c->from) < 0) continue; /* not in the period */
        if (progress_of(c, m, json_integer_value(json_object_get(it, "id")), nth++, e)) {
            json_decref(items);
            goto fail;
        }
    }
    json_decref(items);
    if (!nth) summary(m, arena_printf(a, tr(lang, "%s has no plan for this period."), c->name));
    return m;
fail:
    json_decref(m);
    return NULL;
}

/* ---- round ------------------------------------------------------------------------------------------ */

static const char *dossier_kind_text(Lang lang, const char *k) {
    return str_eq(k, "upgrade") ? tr(lang, "Upgrade") : str_eq(k, "reevaluation") ? tr(lang, "Re-evaluation") : tr(lang, "First evaluation");
}

static json_t *build_round(Ctx *c, Err *e) {
    Arena *a = c->a;
    Lang lang = c->lang;
    Stmt *s = db_prepare(c->db, "SELECT province_code, year, number, name, state, ends_on FROM rounds WHERE id = ?1");
    db_bind_int(s, 1, c->q->round);
    if (db_step(s) != DB_ROW) {
        db_done(s);
        return err_set(e, 404, "round", "there is no round %lld", (long long)c->q->round), NULL;
    }
    const char *province = arena_strdup(a, db_col_text(s, 0)), *name = arena_strdup(a, db_col_text(s, 3)),
               *state = arena_strdup(a, db_col_text(s, 4)), *ends = arena_strdup(a, db_col_text(s, 5));
    int year = (int)db_col_int(s, 1), number = (int)db_col_int(s, 2);
    db_done(s);
    Place place = {0};
    bool ministry = str_eq(province, "bo");
    if (ministry) place.ministry = true;
    else snprintf(place.province, sizeof place.province, "%s", province);
    if (!actor_covers(c->who, PERM_DOSSIERS_READ, &place))
        return err_set(e, 403, "round", "a round's results are for the officers who read its dossiers"), NULL;
    /* the report's unit is the round's province */
    if (!ministry) {
        c->iq.unit = province;
        c->iq.geo = "2025";
        c->iq.date = ends;
        c->iq.from = NULL;
        json_decref(c->unit);
        c->unit = indicator_unit(c->db, a, &c->iq, e);
        if (!c->unit) return NULL;
        c->name = json_string_value(json_object_get(c->unit, "name"));
        c->level = "province";
    }
    snprintf(c->to, sizeof c->to, "%s", ends);
    /* the round's own name only when it says more than its number ("Đợt 2 năm 2025") */
    char plain[48];
    snprintf(plain, sizeof plain, "Đợt %d năm %d", number, year);
    json_t *m = frame(c, "round", tr(lang, "REPORT"),
                      str_eq(name, plain) ? arena_printf(a, tr(lang, "Results of evaluation round %d of %d"), number, year)
                                          : arena_printf(a, tr(lang, "Results of evaluation round %d of %d: %s"), number, year, name));
    json_t *sec = section(m, tr(lang, "Dossiers of the round"));
    json_t *cols = json_array();
    json_array_append_new(cols, column("no", tr(lang, "No."), "int"));
    json_array_append_new(cols, column("reg_no", tr(lang, "Registration no."), "text"));
    json_array_append_new(cols, column("product", tr(lang, "Product"), "text"));
    json_array_append_new(cols, column("producer", tr(lang, "Producer"), "text"));
    json_array_append_new(cols, column("commune", tr(lang, "Commune-level unit"), "text"));
    json_array_append_new(cols, column("kind", tr(lang, "Kind"), "text"));
    json_array_append_new(cols, column("score", tr(lang, "Score"), "num"));
    json_array_append_new(cols, column("stars", tr(lang, "Stars"), "int"));
    json_array_append_new(cols, column("state", tr(lang, "State"), "text"));
    json_t *rows = table(sec, cols);
    s = db_prepare(c->db, "SELECT coalesce(d.reg_no, ''), p.name, pr.name, d.commune_code, d.kind, d.avg_score, d.stars, d.state "
                          "FROM dossiers d JOIN products p ON p.id = d.product_id JOIN producers pr ON pr.id = d.producer_id "
                          "WHERE d.round_id = ?1 ORDER BY d.stars DESC NULLS LAST, d.avg_score DESC, p.name_key");
    db_bind_int(s, 1, c->q->round);
    int64_t stars[6] = {0}, n = 0;
    while (db_step(s) == DB_ROW) {
        Unit u;
        Err ue = ERR_INIT;
        const char *commune = db_col_text(s, 3);
        const char *cname = unit_get(c->db, a, commune, NULL, &u, &ue) ? commune : unit_full_name(a, &u);
        int64_t st = db_col_null(s, 6) ? 0 : db_col_int(s, 6);
        if (st >= 0 && st <= 5) stars[st]++;
        json_t *score = db_col_null(s, 5) ? json_string("") : json_real(db_col_double(s, 5));
        json_t *sv = st ? json_integer(st) : json_string("");
        json_array_append_new(rows, json_pack("[I, s, s, s, s, s, o, o, s]", (json_int_t)++n, db_col_text(s, 0), db_col_text(s, 1),
                                              db_col_text(s, 2), cname, dossier_kind_text(lang, db_col_text(s, 4)), score, sv,
                                              entity_enum_label(DOSSIER_STATES, db_col_text(s, 7), lang == LANG_VI)));
    }
    db_done(s);
    summary(m, arena_printf(a, tr(lang, "Round %d of %d (%s, ends %s) evaluated %s dossiers: %s."), number, year,
                            str_eq(state, "closed") ? tr(lang, "closed") : tr(lang, "open"), lang_date(ends, (char[11]){0}),
                            count(a, lang, n), by_stars(c, stars)));
    return m;
}

/* ---- the entry point -------------------------------------------------------------------------------- */

json_t *report_build(Db *db, Arena *a, const Actor *who, const ReportQuery *q, Err *e) {
    bool known = false;
    for (const char *const *n = REPORT_NAMES; *n; n++) known |= str_eq(*n, q->name);
    if (!known) return err_set(e, 404, "name", "no report called '%s': summary, products, due, progress or round", q->name ? q->name : ""), NULL;
    if (q->months < 0 || q->months > 36) return err_set(e, 400, "months", "%s must be a whole number from 1 to 36", "months"), NULL;
    if (str_eq(q->name, "round") && q->round <= 0) return err_set(e, 400, "round", "%s is required: the round's id", "round"), NULL;
    Ctx c = {.db = db, .a = a, .who = who, .q = q, .lang = q->lang};
    if (report_period(q->period, c.from, c.to, e)) return NULL;
    char today[11];
    date_today(today);
    if (strcmp(c.to, today) > 0 && strcmp(c.from, today) <= 0) snprintf(c.to, sizeof c.to, "%s", today); /* a period under way: so far */
    c.iq = (IndQuery){q->unit && *q->unit ? q->unit : NULL, q->geo && *q->geo ? q->geo : NULL, c.to, c.from};
    c.unit = indicator_unit(db, a, &c.iq, e);
    if (!c.unit) return NULL;
    c.iq.geo = arena_strdup(a, json_string_value(json_object_get(c.unit, "geo")));
    c.level = arena_strdup(a, json_string_value(json_object_get(c.unit, "level")));
    c.name = arena_strdup(a, json_string_value(json_object_get(c.unit, "name")));
    if (str_eq(c.level, "country")) c.name = tr(c.lang, "the whole country");
    c.mid = c.name;
    if (c.lang == LANG_VI && *c.name) { /* "Tỉnh Bến Tre" -> "tỉnh Bến Tre" */
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)c.name, -1, &cp);
        if (k > 0) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t n = utf8proc_encode_char(utf8proc_tolower(cp), enc);
            c.mid = arena_printf(a, "%.*s%s", (int)n, (const char *)enc, c.name + k);
        }
    }
    json_t *m = str_eq(q->name, "summary")    ? build_summary(&c, e)
                : str_eq(q->name, "products") ? build_products(&c, false, e)
                : str_eq(q->name, "due")      ? build_products(&c, true, e)
                : str_eq(q->name, "progress") ? build_progress(&c, e)
                                              : build_round(&c, e);
    json_decref(c.unit);
    return m;
}

int report_format_parse(const char *s) {
    return str_eq(s, "json") ? REPORT_JSON : str_eq(s, "pdf") ? REPORT_PDF : str_eq(s, "xlsx") ? REPORT_XLSX : str_eq(s, "csv") ? REPORT_CSV : -1;
}

const char *report_format_mime(ReportFormat f) {
    switch (f) {
    case REPORT_PDF: return "application/pdf";
    case REPORT_XLSX: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case REPORT_CSV: return "text/csv; charset=utf-8";
    default: return "application/json";
    }
}

const char *report_format_ext(ReportFormat f) {
    switch (f) {
    case REPORT_PDF: return "pdf";
    case REPORT_XLSX: return "xlsx";
    case REPORT_CSV: return "csv";
    default: return "json";
    }
}
