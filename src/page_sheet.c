/*
** page_sheet.c: the score sheet as a form and its live result (page_sheet.h).
*/
#include "page_sheet.h"

#include <stdio.h>
#include <string.h>

#include "page.h"
#include "param.h"
#include "util.h"

static const char *jstr(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "1-2" from "1.2": an id fragment. */
static const char *id_of(Req *r, const char *code) {
    char *s = arena_strdup(&r->arena, code);
    for (char *p = s; *p; p++)
        if (*p == '.') *p = '-';
    return s;
}

/* The index of the option chosen for leaf l in choices: 0.., RUB_NOT_MET_IX, or -1 (none). */
enum { NOT_MET_IX = 1000 };
static int chosen(const RubLeaf *l, json_t *choices) {
    json_t *v = json_object_get(choices, l->code);
    if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) < l->noptions)
        return (int)json_integer_value(v);
    if (json_is_string(v) && l->met_or_not && !strcmp(json_string_value(v), RUBRIC_NOT_MET)) return NOT_MET_IX;
    return -1;
}

static const char *points_text(Req *r, int points) {
    return arena_printf(&r->arena, tr(r->lang, N_("%d points")), points);
}

/* The text of choice ix of leaf l ("" for none). */
static const char *choice_text(Req *r, const RubLeaf *l, int ix) {
    if (ix == NOT_MET_IX) return tr(r->lang, N_("Not met"));
    return ix >= 0 ? l->options[ix].text : "";
}

static json_t *leaf_view(Req *r, json_t *crit, const RubLeaf *l, const SheetOpts *o, json_t *branches) {
    const char *id = id_of(r, l->code);
    int ix = chosen(l, o->choices);
    json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:i, s:b}", "code", l->code, "id", id, "name",
                          arena_printf(&r->arena, "c.%s", l->code), "text", l->text, "max", l->max, "met_or_not",
                          l->met_or_not);
    json_t *notes = json_object_get(crit, "notes"), *n;
    size_t i;
    json_t *note_texts = json_array();
    json_array_foreach(notes, i, n) if (jstr(n, "text")) json_array_append_new(note_texts, json_string(jstr(n, "text")));
    json_object_set_new(v, "notes", note_texts);
    json_t *opts = json_array();
    int last_branch = -1;
    for (int k = 0; k < l->noptions; k++) {
        const RubOption *op = &l->options[k];
        json_t *ov = json_pack("{s:s, s:s, s:s, s:s, s:b}", "value", arena_printf(&r->arena, "%d", k), "id",
                               arena_printf(&r->arena, "c-%s-%d", id, k), "text",
                               l->met_or_not ? arena_printf(&r->arena, "%s: %s", tr(r->lang, N_("Met")), op->text) : op->text,
                               "points", points_text(r, op->points), "checked", ix == k);
        if (op->min_star)
            json_object_set_new(ov, "min_star_text",
                                json_string(arena_printf(&r->arena, tr(r->lang, N_("the least for %d stars")), op->min_star)));
        if (l->nbranches && op->branch != last_branch) {
            last_branch = op->branch;
            const char *bn = jstr(json_array_get(branches, (size_t)op->branch), "name");
            if (bn) json_object_set_new(ov, "branch_name", json_string(bn));
        }
        json_array_append_new(opts, ov);
    }
    if (l->met_or_not)
        json_array_append_new(opts, json_pack("{s:s, s:s, s:s, s:s, s:b}", "value", RUBRIC_NOT_MET, "id",
                                              arena_printf(&r->arena, "c-%s-x", id), "text", tr(r->lang, N_("Not met")),
                                              "points", points_text(r, 0), "checked", ix == NOT_MET_IX));
    json_object_set_new(v, "options", opts);
    if (ix >= 0) json_object_set_new(v, "chosen_text", json_string(choice_text(r, l, ix)));
    json_object_set_new(v, "missing", json_boolean(ix < 0));
    if (o->beside) {
        int b = chosen(l, o->beside);
        if (b >= 0) {
            json_object_set_new(v, "beside_text", json_string(choice_text(r, l, b)));
            json_object_set_new(v, "beside_points",
                                json_string(points_text(r, b == NOT_MET_IX ? 0 : l->options[b].points)));
        }
    }
    json_t *ev = o->evidence ? json_object_get(o->evidence, l->code) : NULL;
    if (json_array_size(ev)) {
        json_object_set(v, "evidence", ev);
        json_object_set_new(v, "has_evidence", json_true());
    }
    const char *c = o->comments ? jstr(o->comments, l->code) : NULL;
    if (c) json_object_set_new(v, "comment", json_string(c));
    return v;
}

/* The leaves of criterion crit (itself, or its sub-criteria's) appended to leaves. */
static void criterion_leaves(Req *r, const RubSet *s, json_t *crit, const SheetOpts *o, json_t *leaves) {
    json_t *subs = json_object_get(crit, "subcriteria"), *sub;
    size_t i;
    if (json_array_size(subs)) {
        json_array_foreach(subs, i, sub) criterion_leaves(r, s, sub, o, leaves);
        return;
    }
    const RubLeaf *l = jstr(crit, "code") ? rubric_leaf(s, jstr(crit, "code")) : NULL;
    if (l) json_array_append_new(leaves, leaf_view(r, crit, l, o, json_object_get(crit, "branches")));
}

/* The result of the choices (rubric_evaluate; choices that do not fit count as none). */
static json_t *result_view(Req *r, const RubSet *s, json_t *choices) {
    RubResult res;
    Err e = ERR_INIT;
    json_t *none = json_object();
    if (rubric_evaluate(s, choices ? choices : none, NULL, &res, &e)) {
        err_clear(&e);
        rubric_evaluate(s, none, NULL, &res, &e);
    }
    json_decref(none);
    json_t *held = json_array(), *h;
    size_t i;
    json_array_foreach(res.held_back, i, h) {
        const RubLeaf *l = jstr(h, "code") ? rubric_leaf(s, jstr(h, "code")) : NULL;
        json_array_append_new(held, json_pack("{s:s, s:s, s:I}", "code", jstr(h, "code"), "text", l ? l->text : "",
                                              "caps_at", json_integer_value(json_object_get(h, "caps_at"))));
    }
    int missing = (int)json_array_size(res.missing);
    json_t *v = json_pack("{s:i, s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i}, s:i, s:i, s:s, s:s, s:i, s:o, s:b, s:b}", "total",
                          res.total, "parts", "A", res.parts[0], "B", res.parts[1], "C", res.parts[2], "part_max", "A",
                          s->part_max[0], "B", s->part_max[1], "C", s->part_max[2], "band", res.band, "stars", res.stars,
                          "stars_text", page_stars(res.stars), "band_text", page_stars(res.band), "missing", missing,
                          "held", held, "has_held", json_array_size(held) > 0, "complete", missing == 0);
    rubric_result_free(&res);
    return v;
}

json_t *sheet_view(Req *r, const RubSet *s, const SheetOpts *o) {
    json_t *parts = json_array(), *p;
    size_t i;
    json_array_foreach(json_object_get(s->sheet, "parts"), i, p) {
        json_t *sections = json_array(), *sec;
        size_t j;
        json_array_foreach(json_object_get(p, "sections"), j, sec) {
            json_t *leaves = json_array(), *crit;
            size_t k;
            json_array_foreach(json_object_get(sec, "criteria"), k, crit) criterion_leaves(r, s, crit, o, leaves);
            json_array_append_new(sections, json_pack("{s:s?, s:s?, s:O?, s:o}", "number", jstr(sec, "number"), "name",
                                                      jstr(sec, "name"), "max", json_object_get(sec, "max"), "leaves",
                                                      leaves));
        }
        json_array_append_new(parts, json_pack("{s:s?, s:s?, s:O?, s:o}", "part", jstr(p, "part"), "name", jstr(p, "name"),
                                               "max", json_object_get(p, "max"), "sections", sections));
    }
    json_t *v = json_pack("{s:s, s:i, s:s, s:s, s:o, s:o, s:b, s:b}", "version", s->rubric->version, "set_no", s->set_no,
                          "set_name", s->name, "evaluate_url",
                          arena_printf(&r->arena, "/api/v1/rubrics/%s/sets/%d/evaluate", s->rubric->version, s->set_no),
                          "parts", parts, "result", result_view(r, s, o->choices), "readonly", o->readonly,
                          "with_comments", o->with_comments && !o->readonly);
    json_object_set_new(v, "ph", json_string("#")); /* where sheet.js puts a number in a message */
    if (o->save_url && !o->readonly) {
        json_object_set_new(v, "save_url", json_string(o->save_url));
        json_object_set_new(v, "key", json_string(o->key ? o->key : o->save_url));
    }
    if (o->beside_label) json_object_set_new(v, "beside_label", json_string(tr(r->lang, o->beside_label)));
    return v;
}

json_t *sheet_form_choices(Req *r, const RubSet *s, json_t **comments, Err *e) {
    json_t *out = json_object();
    if (comments) *comments = json_object();
    for (int i = 0; i < s->nleaves; i++) {
        const RubLeaf *l = &s->leaves[i];
        char name[48];
        snprintf(name, sizeof name, "c.%s", l->code);
        const char *v = req_form(r, name);
        int64_t ix;
        if (!v || !*v) {
            json_object_set_new(out, l->code, json_null());
        } else if (l->met_or_not && !strcmp(v, RUBRIC_NOT_MET)) {
            json_object_set_new(out, l->code, json_string(RUBRIC_NOT_MET));
        } else if (parse_i64(v, &ix) && ix >= 0 && ix < l->noptions) {
            json_object_set_new(out, l->code, json_integer(ix));
        } else {
            json_decref(out);
            if (comments) json_decref(*comments), *comments = NULL;
            return err_set(e, 422, name, "choose one of the options of criterion %s", l->code), NULL;
        }
        if (comments) {
            snprintf(name, sizeof name, "m.%s", l->code);
            const char *m = req_form(r, name);
            if (m && *m) json_object_set_new(*comments, l->code, json_string(m));
        }
    }
    return out;
}

/* ---- GET/POST /tu-danh-gia: trying the sheet before filing ---------------------------------- */

int page_sheet_try(Req *r) {
    const Rubric *rub = rubric_current();
    int set_no = (int)req_int(r, "bo", 0);
    json_t *sets = json_array();
    for (int i = 0; i < rub->nsets; i++)
        json_array_append_new(sets, json_pack("{s:i, s:s, s:b}", "n", rub->sets[i].set_no, "name", rub->sets[i].name,
                                              "selected", rub->sets[i].set_no == set_no));
    json_t *view = json_pack("{s:o, s:s}", "sets", sets, "csrf", page_csrf(r));
    const RubSet *s = set_no ? rubric_set(rub, set_no) : NULL;
    bool is_post = strcmp(r->method, "POST") == 0;
    if (s) {
        Err e = ERR_INIT;
        json_t *choices = is_post ? sheet_form_choices(r, s, NULL, &e) : NULL;
        if (is_post && !choices) {
            json_decref(view);
            return resp_problem(r, &e);
        }
        SheetOpts o = {.choices = choices};
        json_object_set_new(view, "sheet", sheet_view(r, s, &o));
        json_object_set_new(view, "set_no", json_integer(set_no));
        json_object_set_new(view, "posted", json_boolean(choices != NULL));
        json_decref(choices);
    }
    return page_render(r, 200, "sheet_try", view);
}
