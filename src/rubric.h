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
** scores 0.
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
    /* need[k]: the fewest points that meet the minimums for k+3 stars (0 when none), per
    ** branch: need[branch][k]. */
    int need[2][3];
} RubLeaf;

typedef struct RubSet {
    int set_no;
    const char *name;
    int part_max[3];      /* A, B, C */
    const RubLeaf *leaves;
    int nleaves;
    json_t *sheet;        /* the set as published by GET /api/v1/rubrics/{version}/sets/{n} */
} RubSet;

typedef struct Rubric {
    const char *version;  /* "26-2026" */
    json_t *root;         /* the parsed data file: everything below points into it */
    json_t *document;     /* number, date, issuer, title, effective_date */
    json_t *bands;        /* star_bands */
    RubSet sets[26];
    int nsets;
} Rubric;

/* The rubric of a version, or NULL. */
const Rubric *rubric_get(const char *version);
/* Versions known, newest first, NULL-terminated. */
const char *const *rubric_versions(void);
/* Set n (1..26) of r, or NULL. */
const RubSet *rubric_set(const Rubric *r, int n);
const RubLeaf *rubric_leaf(const RubSet *s, const char *code);

/* Stars by score alone (half-open bands, Điều 3.3): 5 >= 90; 4 in [70, 90); 3 in [50, 70);
** 2 in [30, 50); 1 below 30. */
int rubric_band(double total);

typedef struct RubResult {
    int parts[3];         /* A, B, C */
    int total;
    int band;             /* stars by score alone */
    int stars;            /* after the minimum-star markers */
    json_t *unmet;        /* codes of the criteria whose minimum for `band` stars was not met */
    json_t *detail;       /* [{code, stars, needed, got}] every unmet minimum from 3 stars to band */
    json_t *missing;      /* leaves without a choice (scored 0) */
    const char *stopped_at; /* the criterion after which the evaluation stopped, or NULL */
} RubResult;

/* Score choices ({"CODE": index or null, ...}) on set s. stopped_at (may be NULL): the code of
** a criterion with a stop note after which the evaluators stopped: later criteria score 0 and
** are not missing. Refuses unknown codes, parents of sub-criteria, non-integer or out-of-range
** indexes, and anything but one index per criterion: 422 naming "choices.CODE". The result's
** arrays are new references; release with rubric_result_free. */
int rubric_evaluate(const RubSet *s, json_t *choices, const char *stopped_at, RubResult *res, Err *e);
/* The stars a sheet reaches given its band and the points of each leaf (got[i] for leaf i: one
** evaluator's points, or a council's average; -1 when no option was chosen; chosen branch in
** branch[i]); unmet/detail as in RubResult. */
int rubric_stars(const RubSet *s, int band, const double *got, const int *branch, json_t *unmet, json_t *detail);
void rubric_result_free(RubResult *res);
/* {"parts": {"A","B","C"}, "total", "band", "stars", "unmet_minimums", "minimums", "missing",
** "stopped_at"} */
json_t *rubric_result_json(const RubResult *res);

#endif
