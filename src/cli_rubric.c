/*
** cli_rubric.c: `ocop rubric show VERSION SET` and `ocop rubric evaluate VERSION SET FILE`,
** the command-line face of the score sheets and the calculator (api_rubric.c answers the same).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rubric.h"
#include "util.h"

static const RubSet *find_set(const Opts *o, const Rubric **rub) {
    *rub = rubric_get(o->args[1]);
    if (!*rub) {
        cli_fail("no score sheet version '%s'; versions: 26-2026, 148-2023", o->args[1]);
        return NULL;
    }
    int64_t n;
    const RubSet *s = parse_i64(o->args[2], &n) ? rubric_set(*rub, (int)n) : NULL;
    if (!s) cli_fail("no product set '%s' in %s: sets are numbered 1 to %d", o->args[2], (*rub)->version, (*rub)->nsets);
    return s;
}

static void print_json(json_t *o) {
    char *s = json_dumps(o, JSON_INDENT(2));
    puts(s);
    free(s);
}

/* The sheet as text: one line a criterion, its options indented with their index. */
static void show_text(const Rubric *rub, const RubSet *s) {
    printf("%s — bộ %d: %s\n", json_string_value(json_object_get(rub->document, "number")), s->set_no, s->name);
    printf("A %d, B %d, C %d điểm; chọn theo chỉ số (0 = phương án đầu tiên)\n", s->part_max[0], s->part_max[1],
           s->part_max[2]);
    char part = 0;
    for (int i = 0; i < s->nleaves; i++) {
        const RubLeaf *l = &s->leaves[i];
        if (l->part != part) printf("\nPhần %c\n", part = l->part);
        printf("  %-7s %s (tối đa %d)%s\n", l->code, l->text, l->max, l->stop_note ? "  [ghi chú: dừng đánh giá]" : "");
        for (int k = 0; k < l->noptions; k++) {
            const RubOption *op = &l->options[k];
            printf("      %2d  %2d đ  %-5s %s%s\n", k, op->points,
                   op->min_star == 3 ? "***" : op->min_star == 4 ? "****" : op->min_star == 5 ? "*****" : "",
                   l->nbranches ? (op->branch ? "[b] " : "[a] ") : "", op->text);
        }
    }
}

int cmd_rubric(Opts *o) {
    const char *sub = o->args[0];
    bool show = strcmp(sub, "show") == 0, eval = strcmp(sub, "evaluate") == 0;
    if (!show && !eval) return cli_fail("unknown subcommand 'rubric %s'; see 'ocop help rubric'", sub), 2;
    if (o->nargs != (show ? 3 : 4)) return cli_fail(show ? "usage: ocop rubric show VERSION SET" : "usage: ocop rubric evaluate VERSION SET FILE"), 2;
    const Rubric *rub;
    const RubSet *s = find_set(o, &rub);
    if (!s) return 1;
    if (show) {
        if (o->format && strcmp(o->format, "json") == 0) print_json(s->sheet);
        else show_text(rub, s);
        return 0;
    }
    const char *path = o->args[3];
    json_error_t je;
    json_t *in = strcmp(path, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &je)
                                        : json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!in) {
        fprintf(stderr, "%s:%d:%d: %s\n", strcmp(path, "-") == 0 ? "<stdin>" : path, je.line, je.column, je.text);
        return 1;
    }
    if (!json_is_object(in)) {
        json_decref(in);
        return cli_fail("%s: the file must hold a JSON object {\"choices\": {\"1.1\": 2, ...}}", path);
    }
    json_t *choices = json_object_get(in, "choices"), *stop = json_object_get(in, "stopped_at");
    RubResult res;
    Err e = ERR_INIT;
    int rc = rubric_evaluate(s, choices, json_is_string(stop) ? json_string_value(stop) : NULL, &res, &e);
    json_decref(in);
    if (rc) return cli_fail("%s: %s", path, cli_err(&e));
    json_t *out = rubric_result_json(&res);
    json_object_set_new(out, "version", json_string(rub->version));
    json_object_set_new(out, "set", json_integer(s->set_no));
    print_json(out);
    json_decref(out);
    rubric_result_free(&res);
    return 0;
}
