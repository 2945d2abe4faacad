/*
** rubric.h: the official score sheets (Bộ tiêu chí đánh giá, phân hạng sản phẩm OCOP) as
** versioned data, and the calculation of a sheet: part subtotals, total, star band and stars
** after the minimum-star markers.
**
** Versions are the legal identifiers: "26-2026" (QĐ 26/2026/QĐ-TTg, in force from 2026-05-22)
** and "148-2023" (QĐ 148/QĐ-TTg, for dossiers filed under the 2021-2025 rules). The sheets are
** compiled into the binary from data/rubrics/VERSION.json (scripts/convert-rubrics) and parsed
** once, on first use; they are immutable afterwards and shared by all threads.
**
** A sheet is a tree: set -> part (A 40, B 25, C 35) -> section -> criterion -> options. A
** criterion may have sub-criteria (scored each, the parent is their sum) or, in the tourism
** set, two branches of which the evaluator uses one. What gets a choice is a leaf: a criterion
** with options or branches. A choice is the 0-based index of the chosen option in the order the
** sheet lists them (for branches: the options of branch a, then those of branch b); no choice
** (null, or no key) is "missing" and scores 0. A criterion printed with a single option (22 of
** them in QĐ 26/2026, e.g. "Ghi nhãn hàng hóa có sử dụng song ngữ", 1 point) is met or not:
** it also takes the choice RUBRIC_NOT_MET, which scores 0 and is not missing.
**
** The legal numbers live in the same data file, not in code: the star bands (star_bands: the
** least score of each band, whether it is certified, who recognises it) and the procedure's
** numbers (rules: certificate validity, re-evaluation window, the commune's working days,
** samples, round dates, quorum, spread), each with the article it comes from.
*/
#ifndef OCOP_RUBRIC_H
#define OCOP_RUBRIC_H

#include <jansson.h>
#include <stdbool.h>

#include "err.h"

typedef struct RubOption {
    const char *text;
    int points;
    int min_star;   /* 3, 4 or 5 when the option is marked ***, ****, *****; else 0 */
    int branch;     /* index of its branch (0 when the criterion has none) */
} RubOption;

typedef struct RubLeaf {
    const char *code;     /* "1.1", "6.1.2", "7" */
    const char *text;
    char part;            /* 'A', 'B' or 'C' */
    int max;
    int min_star;         /* 148: the criterion as a whole is marked (must score above 0) */
    const RubOption *options;
    int noptions;
    int nbranches;        /* 0 or 2 */
    bool stop_note;       /* has a "stop the evaluation" note (Ghi chú: không đánh giá tiếp) */
    bool met_or_not;      /* a single option: met (index 0) or RUBRIC_NOT_MET (0 points) */
    /* need[k]: the fewest points that meet the minimums for k+3 stars (0 when none), per
    ** branch: need[branch][k]. */
    int need[2][3];
} RubLeaf;

struct Rubric;

typedef struct RubSet {
    const struct Rubric *rubric; /* the version it belongs to (its bands) */
    int set_no;
    const char *name;
    int part_max[3];      /* A, B, C */
    const RubLeaf *leaves;
    int nleaves;
    json_t *sheet;        /* the set as published by GET /api/v1/rubrics/{version}/sets/{n} */
} RubSet;

/* A star band (QĐ 26/2026 Điều 3.3, 4.1): scores from min up to the next band's min. */
typedef struct RubBand {
    int stars;
    double min;
    bool certified;       /* gets a recognition decision and a certificate */
    const char *recognised_at; /* "province" or "ministry" (certified bands), else NULL */
} RubBand;

typedef struct Rubric {
    const char *version;  /* "26-2026" */
    json_t *root;         /* the parsed data file: everything below points into it */
    json_t *document;     /* number, date, issuer, title, effective_date */
    json_t *bands;        /* star_bands as published */
    RubBand band[5];      /* the same, highest min first */
    int nbands;
    json_t *rules;        /* the procedure's numbers: {"name": {"value", "law", "text"}} or NULL */
    RubSet sets[26];
    int nsets;
} Rubric;

/* The choice value of a met-or-not criterion that is not met. */
#define RUBRIC_NOT_MET "not_met"

/* The rubric of a version, or NULL. */
const Rubric *rubric_get(const char *version);
/* The newest version: the law in force now, whose rules the procedure follows. */
const Rubric *rubric_current(void);
/* The version of the score sheet in force on date (YYYY-MM-DD): the newest whose
** document.effective_date is on or before it; the oldest before all of them. */
const Rubric *rubric_in_force(const char *date);
/* Parse a data file's text (data/rubrics/VERSION.json) into *r; version is kept by pointer.
** Refuses (422) text that is not JSON or has no usable star_bands. Release with
** rubric_release. The embedded versions are parsed this way once and never released. */
int rubric_parse(Rubric *r, const char *version, const char *text, size_t len, Err *e);
void rubric_release(Rubric *r);
/* A rule of r's procedure: the rule object {"value", "law", "text"}; rubric_rule_num gives its
** value as a number. A rule the data lacks is a bug (panic): the binary checks the rules of the
** current version at start (rubric_get). */
json_t *rubric_rule(const Rubric *r, const char *name);
double rubric_rule_num(const Rubric *r, const char *name);
/* Samples a dossier on set s comes with (rule "samples": its value, 0 for the sets it exempts). */
int rubric_samples(const Rubric *r, int set_no);
/* Versions known, newest first, NULL-terminated. */
const char *const *rubric_versions(void);
/* Set n (1..26) of r, or NULL. */
const RubSet *rubric_set(const Rubric *r, int n);
const RubLeaf *rubric_leaf(const RubSet *s, const char *code);

/* Stars by score alone: the band of r whose min is the highest at or below total (half-open
** bands; QĐ 26/2026 Điều 3.3: 5 >= 90; 4 in [70, 90); 3 in [50, 70); 2 in [30, 50); 1 below). */
int rubric_band(const Rubric *r, double total);
/* The band of `stars` in r, or NULL. */
const RubBand *rubric_band_of(const Rubric *r, int stars);
/* The least score of a certified band (50 under QĐ 26/2026): below it, no recognition. */
double rubric_certified_min(const Rubric *r);
/* The fewest stars of a certified band (3 under QĐ 26/2026 Điều 4.1.a). */
int rubric_certified_stars(const Rubric *r);

typedef struct RubResult {
    int parts[3];         /* A, B, C */
    int total;
    int band;             /* stars by score alone */
    int stars;            /* after the minimum-star markers */
    json_t *unmet;        /* codes of the criteria whose minimum for `band` stars was not met */
    json_t *detail;       /* [{code, stars, needed, got}] every unmet minimum from 3 stars to band */
    json_t *missing;      /* leaves without a choice (scored 0) */
    json_t *held_back;    /* [{code, caps_at, needed, got}]: each criterion whose minimum keeps the
                          ** stars below the band, with the most stars it allows */
    const char *stopped_at; /* the criterion after which the evaluation stopped, or NULL */
} RubResult;

/* Score choices ({"CODE": index, "not_met" or null, ...}) on set s. stopped_at (may be NULL): the code of
** a criterion with a stop note after which the evaluators stopped: later criteria score 0 and
** are not missing. Refuses unknown codes, parents of sub-criteria, non-integer or out-of-range
** indexes, "not_met" on a criterion with more than one option, and anything but one index per
** criterion: 422 naming "choices.CODE". The result's arrays are new references; release with
** rubric_result_free. */
int rubric_evaluate(const RubSet *s, json_t *choices, const char *stopped_at, RubResult *res, Err *e);
/* Rank a sheet: res->band from total, res->stars after the minimum-star markers given the
** points of each leaf (got[i] for leaf i: one evaluator's points, or a council's average; -1
** when no option was chosen; chosen branch in branch[i]), and res->unmet, detail, held_back
** (new arrays). Other fields of res are left as they are. */
void rubric_rank(const RubSet *s, double total, const double *got, const int *branch, RubResult *res);
void rubric_result_free(RubResult *res);
/* {"parts": {"A","B","C"}, "total", "band", "stars", "unmet_minimums", "minimums",
** "held_back_by", "missing", "stopped_at"} */
json_t *rubric_result_json(const RubResult *res);
/* The ranking alone: {"band", "stars", "unmet_minimums", "held_back_by"}. */
json_t *rubric_rank_json(const RubResult *res);

#endif
