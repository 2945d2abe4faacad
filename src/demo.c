/*
** demo.c: load the demonstration data (see demo.h).
*/
#include "demo.h"

#include <stdio.h>

#include "embed.h"
#include "entity.h"
#include "importer.h"
#include "util.h"

int demo_load(Db *db, int verbose, Err *e) {
    static const struct {
        const char *file;
        const Entity *en;
    } files[] = {
        {"data/demo/villages.csv", &ENTITY_VILLAGES},         {"data/demo/producers.csv", &ENTITY_PRODUCERS},
        {"data/demo/products.csv", &ENTITY_PRODUCTS},         {"data/demo/recognitions.csv", &ENTITY_RECOGNITIONS},
        {"data/demo/points.csv", &ENTITY_POINTS},
    };
    for (size_t i = 0; i < COUNT(files); i++) {
        const EmbeddedFile *f = embed_find(files[i].file);
        if (!f) return err_set(e, 500, "", "%s is missing from this binary", files[i].file);
        ImportResult res;
        Actor who = actor_cli();
        int rc = import_run(db, files[i].en, &who, f->data, f->size, TABLE_CSV, false, NULL, NULL, &res, e);
        if (!rc && verbose)
            printf("demo: %zu %s imported (%zu already there)\n", res.created, files[i].en->name, res.duplicates);
        import_result_free(&res);
        if (rc) {
            char msg[sizeof e->detail];
            snprintf(msg, sizeof msg, "%s", e->detail);
            snprintf(e->detail, sizeof e->detail, "%s: %.400s", files[i].file, msg);
            return -1;
        }
    }
    return 0;
}
