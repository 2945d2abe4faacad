/*
** fuzz_rubric.c: bodies of POST /api/v1/rubrics/{version}/sets/{n}/evaluate against sheets with
** plain criteria (26-2026 set 1), sub-criteria (set 11), branches (set 26) and a criterion
** marked as a whole (148-2023 set 1). Must never crash or leak; an accepted sheet scores within
** the parts' maximums, and its stars never exceed its band.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rubric.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!in) return 0;
    static const struct {
        const char *version;
        int set;
    } sheets[] = {{"26-2026", 1}, {"26-2026", 11}, {"26-2026", 26}, {"148-2023", 1}};
    json_t *choices = json_is_object(in) ? json_object_get(in, "choices") : in;
    json_t *stop = json_is_object(in) ? json_object_get(in, "stopped_at") : NULL;
    for (size_t i = 0; i < sizeof sheets / sizeof sheets[0]; i++) {
        const RubSet *s = rubric_set(rubric_get(sheets[i].version), sheets[i].set);
        if (!s) abort();
        RubResult res;
        Err e = ERR_INIT;
        if (rubric_evaluate(s, choices, json_is_string(stop) ? json_string_value(stop) : NULL, &res, &e) == 0) {
            for (int p = 0; p < 3; p++)
                if (res.parts[p] < 0 || res.parts[p] > s->part_max[p] + 5) abort(); /* 148 prints some parts over */
            if (res.stars > res.band || res.stars < 1 || res.band != rubric_band(s->rubric, res.total)) abort();
            /* The stars are the band, or the least a criterion that holds them back allows. */
            int least = res.band;
            size_t h;
            json_t *x;
            json_array_foreach(res.held_back, h, x) {
                int caps = (int)json_integer_value(json_object_get(x, "caps_at"));
                if (caps >= res.band) abort();
                if (caps < least) least = caps;
            }
            if (res.stars != least) abort();
            json_decref(rubric_result_json(&res));
            rubric_result_free(&res);
        } else if (e.status != 422 || !e.detail[0]) {
            abort();
        }
        err_clear(&e);
    }
    json_decref(in);
    return 0;
}
