/*
** rubric.c: the score sheets and their calculation (see rubric.h).
*/
#include "rubric.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "embed.h"
#include "util.h"

static const char *const versions[] = {"26-2026", "148-2023", NULL};
static Rubric rubrics[2];
static pthread_once_t once = PTHREAD_ONCE_INIT;

const char *const *rubric_versions(void) { return versions; }

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "";
}

static int jint(json_t *o, const char *k) { return (int)json_integer_value(json_object_get(o, k)); }

/* The minimums of one leaf: need[branch][L-3] is the most points among the options of that
** branch marked for L stars or fewer (the option the product must at least reach). 148 also
** marks whole criteria ("Sở hữu trí tuệ****"): from that level on the criterion must score
** above 0, i.e. reach its lowest option that gives points. */
static void leaf_needs(RubLeaf *l) {
    for (int b = 0; b < 2; b++) {
        int lowest = 0;
        for (int i = 0; i < l->noptions; i++) {
            const RubOption *o = &l->options[i];
            if (o->branch != b) continue;
            if (o->points > 0 && (lowest == 0 || o->points < lowest)) lowest = o->points;
            for (int k = 0; k < 3; k++)
                if (o->min_star && o->min_star <= k + 3 && o->points > l->need[b][k]) l->need[b][k] = o->points;
        }
        for (int k = 0; k < 3; k++)
            if (l->min_star && l->min_star <= k + 3 && l->need[b][k] < lowest) l->need[b][k] = lowest;
    }
}

static int options_of(json_t *arr, RubOption *out, int n, int branch) {
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        out[n].text = jstr(o, "text");
        out[n].points = jint(o, "points");
        out[n].min_star = jint(o, "min_star");
        out[n].branch = branch;
        n++;
    }
    return n;
}

/* Append the leaves of criterion c (itself, or its sub-criteria) to s. */
static void add_leaves(RubSet *s, RubLeaf *leaves, json_t *c, char part) {
    json_t *subs = json_object_get(c, "subcriteria");
    if (json_array_size(subs)) {
        size_t i;
        json_t *sc;
        json_array_foreach(subs, i, sc) add_leaves(s, leaves, sc, part);
        return;
    }
    RubLeaf *l = &leaves[s->nleaves++];
    l->code = jstr(c, "code");
    l->text = jstr(c, "text");
    l->part = part;
    l->max = jint(c, "max");
    l->min_star = jint(c, "min_star");
    json_t *branches = json_object_get(c, "branches"), *opts = json_object_get(c, "options");
    size_t n = json_array_size(opts);
    size_t i;
    json_t *b;
    json_array_foreach(branches, i, b) n += json_array_size(json_object_get(b, "options"));
    RubOption *o = xcalloc(n ? n : 1, sizeof *o);
    int k = options_of(opts, o, 0, 0);
    json_array_foreach(branches, i, b) k = options_of(json_object_get(b, "options"), o, k, (int)i);
    l->options = o;
    l->noptions = k;
    l->nbranches = (int)json_array_size(branches);
    json_t *notes = json_object_get(c, "notes"), *nt;
    json_array_foreach(notes, i, nt) l->stop_note |= strcmp(jstr(nt, "kind"), "stop_evaluation") == 0;
    /* Printed with one option that gives points: the criterion is met or not. */
    l->met_or_not = k == 1 && l->nbranches == 0 && o[0].points > 0;
    leaf_needs(l);
}

static size_t count_criteria(json_t *set) {
    size_t n = 0, i, j, k;
    json_t *p, *sec, *c;
    json_array_foreach(json_object_get(set, "parts"), i, p) {
        json_array_foreach(json_object_get(p, "sections"), j, sec) {
            json_array_foreach(json_object_get(sec, "criteria"), k, c) {
                n += 1 + json_array_size(json_object_get(c, "subcriteria"));
            }
        }
    }
    return n;
}

/* The star bands of the data file, highest min first; 0, or -1 when they are unusable. */
static int parse_bands(Rubric *r, Err *e) {
    size_t i;
    json_t *b;
    if (!json_is_array(r->bands) || json_array_size(r->bands) == 0 || json_array_size(r->bands) > COUNT(r->band))
        return err_set(e, 422, "star_bands", "%s: star_bands must list 1 to 5 bands", r->version);
    json_array_foreach(r->bands, i, b) {
        RubBand *x = &r->band[r->nbands++];
        x->stars = jint(b, "stars");
        x->min = json_number_value(json_object_get(b, "min"));
        x->certified = json_is_true(json_object_get(b, "certified"));
        x->recognised_at = json_is_string(json_object_get(b, "recognised_at")) ? jstr(b, "recognised_at") : NULL;
        if (x->stars < 1 || x->stars > 5 || !json_is_number(json_object_get(b, "min")))
            return err_set(e, 422, "star_bands", "%s: star_bands[%zu] needs stars 1 to 5 and a min score", r->version, i);
    }
    for (int a = 1; a < r->nbands; a++) /* insertion sort, highest min first */
        for (int k = a; k > 0 && r->band[k].min > r->band[k - 1].min; k--) {
            RubBand t = r->band[k];
            r->band[k] = r->band[k - 1];
            r->band[k - 1] = t;
        }
    return 0;
}

int rubric_parse(Rubric *r, const char *version, const char *text, size_t len, Err *e) {
    memset(r, 0, sizeof *r);
    json_error_t je;
    json_t *root = json_loadb(text, len, 0, &je);
    if (!root) return err_set(e, 422, "", "%s: line %d: %s", version, je.line, je.text);
    r->version = version;
    r->root = root;
    r->document = json_object_get(root, "document");
    r->bands = json_object_get(root, "star_bands");
    r->rules = json_object_get(root, "rules");
    if (parse_bands(r, e)) {
        rubric_release(r);
        return -1;
    }
    size_t i;
    json_t *set;
    json_array_foreach(json_object_get(root, "sets"), i, set) {
        if (i >= COUNT(r->sets)) break;
        RubSet *s = &r->sets[r->nsets++];
        s->rubric = r;
        s->set_no = jint(set, "set");
        s->name = jstr(set, "name");
        s->sheet = set;
        RubLeaf *leaves = xcalloc(count_criteria(set) + 1, sizeof *leaves);
        s->leaves = leaves;
        size_t j, k, m;
        json_t *p, *sec, *c;
        json_array_foreach(json_object_get(set, "parts"), j, p) {
            const char *part = jstr(p, "part");
            int pi = part[0] - 'A';
            if (pi < 0 || pi > 2) {
                err_set(e, 422, "sets", "%s: set %d: part '%s'", version, s->set_no, part);
                rubric_release(r);
                return -1;
            }
            s->part_max[pi] = jint(p, "max");
            json_array_foreach(json_object_get(p, "sections"), k, sec) {
                json_array_foreach(json_object_get(sec, "criteria"), m, c) add_leaves(s, leaves, c, part[0]);
            }
        }
    }
    return 0;
}

void rubric_release(Rubric *r) {
    for (int i = 0; i < r->nsets; i++) {
        for (int k = 0; k < r->sets[i].nleaves; k++) free((void *)r->sets[i].leaves[k].options);
        free((void *)r->sets[i].leaves);
    }
    json_decref(r->root);
    memset(r, 0, sizeof *r);
}

/* The rules the procedure reads; the current version must state each (checked at load). */
static const char *const rule_names[] = {"certificate_valid_months", "reevaluation_opens_days", "reevaluation_closes_days",
                                         "commune_check_working_days", "samples", "rounds", "quorum", "spread_threshold",
                                         NULL};

static void load_all(void) {
    for (int i = 0; versions[i]; i++) {
        char path[64];
        snprintf(path, sizeof path, "data/rubrics/%s.json", versions[i]);
        const EmbeddedFile *f = embed_find(path);
        if (!f) panic("%s is missing from this binary", path);
        Err e = ERR_INIT;
        if (rubric_parse(&rubrics[i], versions[i], (const char *)f->data, f->size, &e)) panic("%s: %s", path, e.detail);
    }
    for (int i = 0; rule_names[i]; i++)
        if (!json_is_object(json_object_get(rubrics[0].rules, rule_names[i])))
            panic("data/rubrics/%s.json: rules.%s is missing", versions[0], rule_names[i]);
}

const Rubric *rubric_get(const char *version) {
    pthread_once(&once, load_all);
    for (int i = 0; versions[i]; i++)
        if (version && strcmp(versions[i], version) == 0) return &rubrics[i];
    return NULL;
}

const Rubric *rubric_current(void) { return rubric_get(versions[0]); }

const Rubric *rubric_in_force(const char *date) {
    const Rubric *r = NULL;
    for (int i = 0; versions[i]; i++) {
        r = rubric_get(versions[i]);
        const char *from = json_string_value(json_object_get(r->document, "effective_date"));
        if (from && date && strcmp(date, from) >= 0) return r;
    }
    return r;
}

json_t *rubric_rule(const Rubric *r, const char *name) {
    json_t *o = json_object_get(r->rules, name);
    if (!json_is_object(o)) panic("score sheet %s: no rule '%s' in its data", r->version, name);
    return o;
}

double rubric_rule_num(const Rubric *r, const char *name) {
    json_t *v = json_object_get(rubric_rule(r, name), "value");
    if (!json_is_number(v)) panic("score sheet %s: rule '%s' has no number", r->version, name);
    return json_number_value(v);
}

int rubric_samples(const Rubric *r, int set_no) {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rubric_rule(r, "samples"), "except_sets"), i, v)
        if (json_integer_value(v) == set_no) return 0;
    return (int)rubric_rule_num(r, "samples");
}

const RubSet *rubric_set(const Rubric *r, int n) {
    for (int i = 0; r && i < r->nsets; i++)
        if (r->sets[i].set_no == n) return &r->sets[i];
    return NULL;
}

const RubLeaf *rubric_leaf(const RubSet *s, const char *code) {
    for (int i = 0; i < s->nleaves; i++)
        if (strcmp(s->leaves[i].code, code) == 0) return &s->leaves[i];
    return NULL;
}

int rubric_band(const Rubric *r, double total) {
    for (int i = 0; i < r->nbands; i++)
        if (total >= r->band[i].min) return r->band[i].stars;
    return r->nbands ? r->band[r->nbands - 1].stars : 1;
}

const RubBand *rubric_band_of(const Rubric *r, int stars) {
    for (int i = 0; r && i < r->nbands; i++)
        if (r->band[i].stars == stars) return &r->band[i];
    return NULL;
}

int rubric_certified_stars(const Rubric *r) {
    int least = 6;
    for (int i = 0; i < r->nbands; i++)
        if (r->band[i].certified && r->band[i].stars < least) least = r->band[i].stars;
    return least;
}

double rubric_certified_min(const Rubric *r) {
    double min = -1;
    for (int i = 0; i < r->nbands; i++)
        if (r->band[i].certified && (min < 0 || r->band[i].min < min)) min = r->band[i].min;
    return min < 0 ? 1e9 : min;
}

/* The minimum-star rule. QĐ 26/2026/QĐ-TTg, Điều 3.3 sets the stars from the council's
** average score (rubric_band); the sheet's legend adds "Dấu sao là yêu cầu tối thiểu phải đạt
** theo các cấp độ sao" (*** 3 sao, **** 4 sao, ***** 5 sao): an option so marked is the least a
** product must reach to be ranked at that level. The law does not spell out the algorithm; we
** apply it as follows. A product reaches N stars only if its band is at least N and, for every
** criterion whose options carry a marker of N or less, the chosen option scores at least as
** much as the highest-scoring such option (RubLeaf.need); otherwise it falls to the highest
** level whose minimums it meets. Levels 1 and 2 have no markers. unmet receives the codes of
** the criteria that fail at the band's level, detail every failure from 3 stars to the band. */
static int stars_after_minimums(const RubSet *s, int band, const double *got, const int *branch, json_t *unmet, json_t *detail) {
    int stars = band < 3 ? band : 0;
    for (int level = band; level >= 3; level--) {
        bool ok = true;
        for (int i = 0; i < s->nleaves; i++) {
            const RubLeaf *l = &s->leaves[i];
            int b = got[i] >= 0 ? branch[i] : 0;
            int need = l->need[b][level - 3];
            if (got[i] < 0 && l->nbranches == 2 && l->need[1][level - 3] < need) need = l->need[1][level - 3];
            double have = got[i] < 0 ? 0 : got[i];
            if (need == 0 || have >= need) continue;
            ok = false;
            if (detail)
                json_array_append_new(detail, json_pack("{s:s, s:i, s:i, s:f}", "code", l->code, "stars", level, "needed",
                                                        need, "got", have));
            if (unmet && level == band) json_array_append_new(unmet, json_string(l->code));
        }
        if (ok && !stars) stars = level;
    }
    return stars ? stars : 2;
}

/* Each criterion of detail once, with the most stars its minimums allow: one below the lowest
** level whose minimum it misses (detail lists the levels from the band down). */
static json_t *held_back(json_t *detail) {
    json_t *out = json_array();
    size_t i, j;
    json_t *d, *h;
    json_array_foreach(detail, i, d) {
        const char *code = json_string_value(json_object_get(d, "code"));
        json_t *found = NULL;
        json_array_foreach(out, j, h) if (strcmp(json_string_value(json_object_get(h, "code")), code) == 0) found = h;
        json_t *row = json_pack("{s:s, s:I, s:O, s:O}", "code", code, "caps_at",
                                json_integer_value(json_object_get(d, "stars")) - 1, "needed", json_object_get(d, "needed"),
                                "got", json_object_get(d, "got"));
        if (found) json_object_update(found, row), json_decref(row);
        else json_array_append_new(out, row);
    }
    return out;
}

void rubric_rank(const RubSet *s, double total, const double *got, const int *branch, RubResult *res) {
    res->band = rubric_band(s->rubric, total);
    res->unmet = json_array();
    res->detail = json_array();
    res->stars = stars_after_minimums(s, res->band, got, branch, res->unmet, res->detail);
    res->held_back = held_back(res->detail);
}

int rubric_evaluate(const RubSet *s, json_t *choices, const char *stopped_at, RubResult *res, Err *e) {
    memset(res, 0, sizeof *res);
    if (choices && !json_is_null(choices) && !json_is_object(choices))
        return err_set(e, 422, "choices", "%s must be an object {\"CRITERION\": option index, ...}", "choices");
    double *got = xcalloc((size_t)s->nleaves + 1, sizeof *got);
    int *branch = xcalloc((size_t)s->nleaves + 1, sizeof *branch);
    int stop = s->nleaves;
    int rc = 0;
    if (stopped_at) {
        const RubLeaf *l = rubric_leaf(s, stopped_at);
        if (!l) rc = err_set(e, 422, "stopped_at", "%s: set %d has no criterion %s", "stopped_at", s->set_no, stopped_at);
        else if (!l->stop_note)
            rc = err_set(e, 422, "stopped_at", "criterion %s has no note that stops the evaluation", stopped_at);
        else stop = (int)(l - s->leaves) + 1;
    }
    for (int i = 0; i < s->nleaves; i++) got[i] = -1;
    const char *code;
    json_t *v;
    json_object_foreach(choices, code, v) {
        if (rc) break;
        const RubLeaf *l = rubric_leaf(s, code);
        char field[160];
        snprintf(field, sizeof field, "choices.%.100s", code);
        if (!l) {
            size_t n = strlen(code);
            bool parent = false;
            for (int i = 0; i < s->nleaves && !parent; i++)
                parent = strncmp(s->leaves[i].code, code, n) == 0 && s->leaves[i].code[n] == '.';
            rc = parent ? err_set(e, 422, field, "criterion %s is scored by its sub-criteria (%s.1, %s.2, ...)", code, code, code)
                        : err_set(e, 422, field, "set %d (%s) has no criterion %s", s->set_no, s->name, code);
            break;
        }
        int idx = (int)(l - s->leaves);
        if (json_is_null(v)) continue;
        bool not_met = json_is_string(v) && strcmp(json_string_value(v), RUBRIC_NOT_MET) == 0;
        if (not_met && !l->met_or_not) {
            rc = err_set(e, 422, field, "%s has %d options: \"%s\" is for a criterion printed with a single option; choose an "
                         "option index from 0 to %d", code, l->noptions, RUBRIC_NOT_MET, l->noptions - 1);
        } else if (not_met && idx >= stop) {
            rc = err_set(e, 422, field, "the evaluation stopped at %s: %s comes after it and is not scored", stopped_at, code);
        } else if (not_met) {
            got[idx] = 0;
        } else if (json_is_array(v)) {
            rc = err_set(e, 422, field, "one option per criterion: %s takes a single index", code);
        } else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= l->noptions) {
            if (l->met_or_not)
                rc = err_set(e, 422, field, "%s is met or not: choose 0 (met, it scores %d) or \"%s\" (not met, it scores 0)",
                             code, l->options[0].points, RUBRIC_NOT_MET);
            else if (json_is_integer(v))
                rc = err_set(e, 422, field, "%s: choose an option index from 0 to %d (%lld is outside that range)", code,
                             l->noptions - 1, (long long)json_integer_value(v));
            else
                rc = err_set(e, 422, field, "%s: choose an option index from 0 to %d (a whole number)", code, l->noptions - 1);
        } else if (idx >= stop) {
            rc = err_set(e, 422, field, "the evaluation stopped at %s: %s comes after it and is not scored", stopped_at, code);
        } else {
            const RubOption *o = &l->options[json_integer_value(v)];
            got[idx] = o->points;
            branch[idx] = o->branch;
        }
    }
    if (!rc) {
        res->missing = json_array();
        for (int i = 0; i < s->nleaves; i++) {
            const RubLeaf *l = &s->leaves[i];
            if (got[i] >= 0) res->parts[l->part - 'A'] += (int)got[i];
            else if (i < stop) json_array_append_new(res->missing, json_string(l->code));
        }
        res->total = res->parts[0] + res->parts[1] + res->parts[2];
        rubric_rank(s, res->total, got, branch, res);
        res->stopped_at = stop < s->nleaves ? s->leaves[stop - 1].code : NULL;
    }
    free(got);
    free(branch);
    return rc;
}

void rubric_result_free(RubResult *res) {
    json_decref(res->unmet);
    json_decref(res->detail);
    json_decref(res->missing);
    json_decref(res->held_back);
    memset(res, 0, sizeof *res);
}

json_t *rubric_result_json(const RubResult *res) {
    return json_pack("{s:{s:i, s:i, s:i}, s:i, s:i, s:i, s:O, s:O, s:O, s:O, s:s?}", "parts", "A", res->parts[0], "B",
                     res->parts[1], "C", res->parts[2], "total", res->total, "band", res->band, "stars", res->stars,
                     "unmet_minimums", res->unmet, "minimums", res->detail, "held_back_by", res->held_back, "missing",
                     res->missing, "stopped_at", res->stopped_at);
}

json_t *rubric_rank_json(const RubResult *res) {
    return json_pack("{s:i, s:i, s:O, s:O}", "band", res->band, "stars", res->stars, "unmet_minimums", res->unmet,
                     "held_back_by", res->held_back);
}
