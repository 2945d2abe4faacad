/*
** fuzz_entity.c: JSON request bodies as the API receives them, checked against every entity in
** strict (API) and lenient (import) mode. Must never crash, leak or accept a value of the
** wrong type: after a successful check every present field has the field's JSON type.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "entity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_types(const Entity *en, json_t *obj) {
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const Field *f = entity_field(en, key);
        if (!f) abort();
        if (json_is_null(v)) continue;
        switch (f->type) {
        case FT_INT: case FT_REF: if (!json_is_integer(v)) abort(); break;
        case FT_REAL: if (!json_is_real(v)) abort(); break;
        case FT_BOOL: if (!json_is_boolean(v)) abort(); break;
        case FT_SET: if (!json_is_array(v)) abort(); break;
        default: if (!json_is_string(v)) abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!in) return 0;
    for (int i = 0; entities[i]; i++) {
        for (int mode = 0; mode < 4; mode++) {
            json_t *obj = json_deep_copy(in);
            Err e = ERR_INIT;
            if (entity_check(entities[i], obj, mode & 1, mode & 2, &e) == 0) check_types(entities[i], obj);
            else if (!e.detail[0] || (e.status != 400 && e.status != 422)) abort();
            err_clear(&e);
            json_decref(obj);
        }
    }
    json_decref(in);
    return 0;
}
