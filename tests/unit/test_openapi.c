/*
** test_openapi.c: docs/openapi.yaml and the route table agree, both ways: every route of
** routes[] (method and path) is described under `paths:`, and every operation described there
** is a route. The linter (redocly, test openapi_lint) checks the file is valid OpenAPI; this
** checks it describes the binary that is built.
**
** The YAML is read line by line, as the file is written: a path is a key indented by two spaces
** under `paths:` ("  /api/v1/units/{code}:"), an operation a method key indented by four.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "route.h"
#include "util.h"

enum { MAX_OPS = 512 };

typedef struct Op {
    char method[8];
    char path[256];
    bool seen; /* matched by the other side */
} Op;

static Op ops[MAX_OPS];
static int nops;

static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

/* The operations of the file, into ops[]. */
static void read_paths(const char *file) {
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char line[1024], path[256] = "";
    bool in_paths = false;
    nops = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (strcmp(line, "paths:") == 0) {
            in_paths = true;
            continue;
        }
        if (!in_paths || !line[0] || line[0] == '#') continue;
        if (line[0] != ' ') break; /* the next top-level key */
        if (line[1] == ' ' && line[2] != ' ' && line[2] != '#') {
            /* a path: "  /x/{y}:" or quoted */
            const char *p = line + 2;
            size_t n = strlen(p);
            assert_true(n >= 2 && p[n - 1] == ':');
            n--;
            if ((p[0] == '\'' || p[0] == '"') && n >= 2) p++, n -= 2;
            assert_true(n < sizeof path);
            memcpy(path, p, n);
            path[n] = 0;
        } else if (line[2] == ' ' && line[3] == ' ' && line[4] != ' ') {
            for (size_t m = 0; m < COUNT(methods); m++) {
                size_t k = strlen(methods[m]);
                if (strncmp(line + 4, methods[m], k) == 0 && line[4 + k] == ':' && !line[5 + k]) {
                    assert_true(path[0] == '/');
                    assert_true(nops < MAX_OPS);
                    Op *o = &ops[nops++];
                    for (size_t i = 0; i <= k; i++) o->method[i] = (char)toupper((unsigned char)methods[m][i]);
                    snprintf(o->path, sizeof o->path, "%s", path);
                    o->seen = false;
                }
            }
        }
    }
    fclose(f);
}

static const char *yaml_path(void) {
    static char p[1024];
    const char *root = getenv("OCOP_SOURCE");
    snprintf(p, sizeof p, "%s/docs/openapi.yaml", root ? root : ".");
    return p;
}

static void test_routes_and_paths_agree(void **state) {
    (void)state;
    read_paths(yaml_path());
    assert_true(nops > 50);
    int missing = 0;
    for (size_t i = 0; i < nroutes; i++) {
        const Route *rt = &routes[i];
        bool found = false;
        for (int j = 0; j < nops; j++)
            if (strcmp(ops[j].method, rt->method) == 0 && strcmp(ops[j].path, rt->pattern) == 0) {
                found = ops[j].seen = true;
            }
        if (!found) {
            fprintf(stderr, "route %s %s (%s) is not in docs/openapi.yaml\n", rt->method, rt->pattern, rt->name);
            missing++;
        }
    }
    for (int j = 0; j < nops; j++)
        if (!ops[j].seen) {
            fprintf(stderr, "docs/openapi.yaml describes %s %s, which no route answers\n", ops[j].method, ops[j].path);
            missing++;
        }
    assert_int_equal(missing, 0);
}

/* The reader itself: it finds what a file holds, and nothing else. */
static void test_reader(void **state) {
    (void)state;
    char dir[] = "/tmp/ocop-openapi-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof file, "%s/a.yaml", dir);
    FILE *f = fopen(file, "w");
    fputs("openapi: 3.0.3\npaths:\n  /a/{id}:\n    parameters: []\n    get:\n      summary: x\n"
          "      post:\n  '/b':\n    delete:\n    patch:\ncomponents:\n  /c:\n    get:\n", f);
    fclose(f);
    read_paths(file);
    remove(file);
    rmdir(dir);
    assert_int_equal(nops, 3);
    assert_string_equal(ops[0].method, "GET");
    assert_string_equal(ops[0].path, "/a/{id}");
    assert_string_equal(ops[1].method, "DELETE");
    assert_string_equal(ops[1].path, "/b");
    assert_string_equal(ops[2].method, "PATCH");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader),
        cmocka_unit_test(test_routes_and_paths_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
