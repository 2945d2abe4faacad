/*
** api_rubric.c: the score sheets and the scoring calculator.
**   GET  /api/v1/rubrics                                  the versions
**   GET  /api/v1/rubrics/{version}                        a version: document, star bands, rules, sets
**   GET  /api/v1/rubrics/{version}/sets/{n}               one set's sheet
**   POST /api/v1/rubrics/{version}/sets/{n}/evaluate      score {"choices": {...}}
*/
#include <string.h>

#include "api.h"
#include "jsonx.h"
#include "rubric.h"
#include "util.h"

/* The version and set named by the path, or a 404 response. */
static const RubSet *path_set(Req *r, const Rubric **out) {
    const Rubric *rub = rubric_get(r->pathv[0]);
    if (!rub) {
        resp_error(r, 404, "version", "no score sheet version '%s'; versions: 26-2026 (QĐ 26/2026/QĐ-TTg), 148-2023 (QĐ 148/QĐ-TTg)",
                   r->pathv[0]);
        return NULL;
    }
    if (out) *out = rub;
    if (r->npath < 2) return NULL;
    int64_t n;
    const RubSet *s = parse_i64(r->pathv[1], &n) ? rubric_set(rub, (int)n) : NULL;
    if (!s) resp_error(r, 404, "set", "no product set '%s' in %s: sets are numbered 1 to %d", r->pathv[1], rub->version, rub->nsets);
    return s;
}

static json_t *version_json(const Rubric *rub, bool sets) {
    json_t *o = json_pack("{s:s, s:O, s:b, s:O, s:O?}", "version", rub->version, "document", rub->document, "current",
                          rub == rubric_current(), "star_bands", rub->bands, "rules", rub->rules);
    if (sets) {
        json_t *arr = json_array();
        for (int i = 0; i < rub->nsets; i++) {
            const RubSet *s = &rub->sets[i];
            json_array_append_new(arr, json_pack("{s:i, s:s, s:{s:i, s:i, s:i}, s:i}", "set", s->set_no, "name", s->name,
                                                 "parts", "A", s->part_max[0], "B", s->part_max[1], "C", s->part_max[2],
                                                 "criteria", s->nleaves));
        }
        json_object_set_new(o, "sets", arr);
    }
    return o;
}

int api_rubrics_list(Req *r) {
    json_t *arr = json_array();
    for (const char *const *v = rubric_versions(); *v; v++) json_array_append_new(arr, version_json(rubric_get(*v), false));
    return resp_json(r, 200, json_pack("{s:o}", "items", arr));
}

int api_rubric_get(Req *r) {
    const Rubric *rub = NULL;
    path_set(r, &rub);
    if (r->status) return r->status;
    return resp_json(r, 200, version_json(rub, true));
}

int api_rubric_set(Req *r) {
    const Rubric *rub = NULL;
    const RubSet *s = path_set(r, &rub);
    if (!s) return r->status;
    json_t *o = json_deep_copy(s->sheet);
    json_object_set_new(o, "version", json_string(rub->version));
    json_object_set_new(o, "document", json_deep_copy(rub->document));
    return resp_json(r, 200, o);
}

int api_rubric_evaluate(Req *r) {
    const Rubric *rub = NULL;
    const RubSet *s = path_set(r, &rub);
    if (!s) return r->status;
    Err e = ERR_INIT;
    json_t *in = req_json_object(r, &e);
    if (!in) return resp_problem(r, &e);
    const char *k;
    json_t *v;
    json_object_foreach(in, k, v) {
        if (strcmp(k, "choices") != 0 && strcmp(k, "stopped_at") != 0) {
            resp_error(r, 422, k, "unknown field '%s': send {\"choices\": {...}} (and optionally \"stopped_at\")", k);
            json_decref(in); /* k lives in `in` */
            return r->status;
        }
    }
    json_t *stop = json_object_get(in, "stopped_at");
    if (stop && !json_is_null(stop) && !json_is_string(stop)) {
        json_decref(in);
        return resp_error(r, 422, "stopped_at", "stopped_at must be a criterion code");
    }
    RubResult res;
    int rc = rubric_evaluate(s, json_object_get(in, "choices"), json_is_string(stop) ? json_string_value(stop) : NULL,
                             &res, &e);
    json_decref(in);
    if (rc) return resp_problem(r, &e);
    json_t *o = rubric_result_json(&res);
    json_object_set_new(o, "version", json_string(rub->version));
    json_object_set_new(o, "set", json_integer(s->set_no));
    rubric_result_free(&res);
    return resp_json(r, 200, o);
}
