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

static void load_version(Rubric *r, const char *version) {
    char path[64];
    snprintf(path, sizeof path, "data/rubrics/%s.json", version);
    const EmbeddedFile *f = embed_find(path);
    if (!f) panic("%s is missing from this binary", path);
    json_error_t je;
    json_t *root = json_loadb(f->data, f->size, 0, &je);
    if (!root) panic("%s: line %d: %s", path, je.line, je.text);
    r->version = version;
    r->root = root;
    r->document = json_object_get(root, "document");
    r->bands = json_object_get(root, "star_bands");
    size_t i;
    json_t *set;
    json_array_foreach(json_object_get(root, "sets"), i, set) {
        if (i >= COUNT(r->sets)) panic("%s: more than 26 sets", path);
        RubSet *s = &r->sets[r->nsets++];
        s->set_no = jint(set, "set");
        s->name = jstr(set, "name");
        s->sheet = set;
        RubLeaf *leaves = xcalloc(count_criteria(set) + 1, sizeof *leaves);
        size_t j, k, m;
        json_t *p, *sec, *c;
        json_array_foreach(json_object_get(set, "parts"), j, p) {
            const char *part = jstr(p, "part");
            int pi = part[0] - 'A';
            if (pi < 0 || pi > 2) panic("%s: set %d: part '%s'", path, s->set_no, part);
            s->part_max[pi] = jint(p, "max");
            json_array_foreach(json_object_get(p, "sections"), k, sec) {
                json_array_foreach(json_object_get(sec, "criteria"), m, c) add_leaves(s, leaves, c, part[0]);
            }
        }
        s->leaves = leaves;
    }
}

static void load_all(void) {
    for (int i = 0; versions[i]; i++) load_version(&rubrics[i], versions[i]);
}

const Rubric *rubric_get(const char *version) {
    pthread_once(&once, load_all);
    for (int i = 0; versions[i]; i++)
        if (version && strcmp(versions[i], version) == 0) return &rubrics[i];
    return NULL;
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

int rubric_band(double total) {
    if (total >= 90) return 5;
    if (total >= 70) return 4;
    if (total >= 50) return 3;
    if (total >= 30) return 2;
    return 1;
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
int rubric_stars(const RubSet *s, int band, const double *got, const int *branch, json_t *unmet, json_t *detail) {
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

int rubric_evaluate(const RubSet *s, json_t *choices, const char *stopped_at, RubResult *res, Err *e) {
    memset(res, 0, sizeof *res);
    if (choices && !json_is_null(choices) && !json_is_object(choices))
        return err_set(e, 422, "choices", "choices must be an object {\"CRITERION\": option index, ...}");
    double *got = xcalloc((size_t)s->nleaves + 1, sizeof *got);
    int *branch = xcalloc((size_t)s->nleaves + 1, sizeof *branch);
    int stop = s->nleaves;
    int rc = 0;
    if (stopped_at) {
        const RubLeaf *l = rubric_leaf(s, stopped_at);
        if (!l) rc = err_set(e, 422, "stopped_at", "stopped_at: set %d has no criterion %s", s->set_no, stopped_at);
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
        if (json_is_array(v)) {
            rc = err_set(e, 422, field, "one option per criterion: %s takes a single index", code);
        } else if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= l->noptions) {
            rc = err_set(e, 422, field, "%s: choose an option index from 0 to %d (got %s)", code, l->noptions - 1,
                         json_is_integer(v) ? "a number outside that range" : "something that is not a whole number");
        } else if (idx >= stop) {
            rc = err_set(e, 422, field, "the evaluation stopped at %s: %s comes after it and is not scored", stopped_at, code);
        } else {
            const RubOption *o = &l->options[json_integer_value(v)];
            got[idx] = o->points;
            branch[idx] = o->branch;
        }
    }
    if (!rc) {
        res->unmet = json_array();
        res->detail = json_array();
        res->missing = json_array();
        for (int i = 0; i < s->nleaves; i++) {
            const RubLeaf *l = &s->leaves[i];
            if (got[i] >= 0) res->parts[l->part - 'A'] += (int)got[i];
            else if (i < stop) json_array_append_new(res->missing, json_string(l->code));
        }
        res->total = res->parts[0] + res->parts[1] + res->parts[2];
        res->band = rubric_band(res->total);
        res->stars = rubric_stars(s, res->band, got, branch, res->unmet, res->detail);
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
    memset(res, 0, sizeof *res);
}

json_t *rubric_result_json(const RubResult *res) {
    return json_pack("{s:{s:i, s:i, s:i}, s:i, s:i, s:i, s:O, s:O, s:O, s:s?}", "parts", "A", res->parts[0], "B",
                     res->parts[1], "C", res->parts[2], "total", res->total, "band", res->band, "stars", res->stars,
                     "unmet_minimums", res->unmet, "minimums", res->detail, "missing", res->missing, "stopped_at",
                     res->stopped_at);
}
