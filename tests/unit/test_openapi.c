/*
** test_openapi.c: docs/openapi.yaml and the route table agree, both ways: every route of
** routes[] (method and path) is described under `paths:`, and every operation described there
** is a route; and for each, the operationId is the route's name, x-permission its permission,
** and the query parameters those the route row allows (unless the row says "*": the handler
** checks them). The linter (redocly, test openapi_lint) checks the file is valid OpenAPI; this
** checks it describes the binary that is built.
**
** The YAML is read line by line, as the file is written: a path is a key indented by two spaces
** under `paths:` ("  /api/v1/units/{code}:"), an operation a method key indented by four, its
** keys indented by six, its parameters items of a list at six ("      - name: q" with
** "        in: query" below, or "      - $ref: '#/components/parameters/page'"), resolved
** through `components: parameters:`.
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

enum { MAX_OPS = 512, MAX_PARAMS = 24, MAX_COMPONENTS = 64 };

typedef struct OaParam {
    char name[64]; /* a name, or "$NAME" for a reference to components/parameters/NAME */
    bool query;
} OaParam;

typedef struct Op {
    char method[8];
    char path[256];
    char id[96], perm[64];
    OaParam params[MAX_PARAMS];
    int nparams;
    bool seen; /* matched by the other side */
} Op;

static Op ops[MAX_OPS];
static int nops;
static OaParam components[MAX_COMPONENTS]; /* name: the key under components/parameters */
static char component_names[MAX_COMPONENTS][64];
static int ncomponents;

/* line after prefix, when line starts with it (NULL otherwise). */
static const char *after(const char *line, const char *prefix) {
    size_t n = strlen(prefix);
    return strncmp(line, prefix, n) == 0 ? line + n : NULL;
}

static void copy(char *out, size_t n, const char *v) {
    snprintf(out, n, "%s", v);
    size_t len = strlen(out);
    if (len >= 2 && (out[0] == '\'' || out[0] == '"') && out[len - 1] == out[0]) {
        memmove(out, out + 1, len - 2);
        out[len - 2] = 0;
    }
}

/* A line of `components:`: the parameters defined there. */
static void read_component(const char *line, bool *in_params) {
    const char *v;
    if (line[2] != ' ') *in_params = strcmp(line, "  parameters:") == 0;
    if (!*in_params) return;
    if (line[2] == ' ' && line[4] != ' ' && (v = after(line, "    ")) && v[strlen(v) - 1] == ':') {
        assert_true(ncomponents < MAX_COMPONENTS);
        snprintf(component_names[ncomponents], sizeof component_names[0], "%.*s", (int)strlen(v) - 1, v);
        memset(&components[ncomponents++], 0, sizeof components[0]);
    } else if (ncomponents && (v = after(line, "      name: "))) {
        copy(components[ncomponents - 1].name, sizeof components[0].name, v);
    } else if (ncomponents && (v = after(line, "      in: "))) {
        components[ncomponents - 1].query = strcmp(v, "query") == 0;
    }
}

/* A line inside operation o (indented by six or more). */
static void read_op_line(Op *o, const char *line, bool *in_params) {
    const char *v;
    if ((v = after(line, "      - name: ")) && *in_params) {
        assert_true(o->nparams < MAX_PARAMS);
        copy(o->params[o->nparams++].name, sizeof o->params[0].name, v);
    } else if ((v = after(line, "      - $ref: ")) && *in_params) {
        char ref[128];
        copy(ref, sizeof ref, v);
        const char *name = after(ref, "#/components/parameters/");
        assert_non_null(name);
        assert_true(o->nparams < MAX_PARAMS);
        snprintf(o->params[o->nparams++].name, sizeof o->params[0].name, "$%s", name);
    } else if ((v = after(line, "        in: ")) && *in_params && o->nparams) {
        o->params[o->nparams - 1].query = strcmp(v, "query") == 0;
    } else if (line[6] != ' ' && line[6] != '-') {
        *in_params = strcmp(line, "      parameters:") == 0;
        if ((v = after(line, "      operationId: "))) copy(o->id, sizeof o->id, v);
        if ((v = after(line, "      x-permission: "))) copy(o->perm, sizeof o->perm, v);
    }
}

/* The query parameters of o, references resolved, as "a b c" sorted into out. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void op_query(const Op *o, char *out, size_t n) {
    const char *names[MAX_PARAMS];
    int k = 0;
    for (int i = 0; i < o->nparams; i++) {
        const OaParam *p = &o->params[i];
        if (p->name[0] == '$') {
            p = NULL;
            for (int c = 0; c < ncomponents; c++)
                if (strcmp(component_names[c], o->params[i].name + 1) == 0) p = &components[c];
            if (!p) fail_msg("%s %s: no components/parameters/%s", o->method, o->path, o->params[i].name + 1);
        }
        if (p->query) names[k++] = p->name;
    }
    qsort(names, (size_t)k, sizeof *names, cmp_str);
    out[0] = 0;
    for (int i = 0; i < k; i++) snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", names[i]);
}

/* The names a route row declares ("q:text(200) kind:enum(a|b) page:page" gives "kind page q"),
** sorted the same way, without the "*" of a list whose filters the handler checks. */
static void route_query(const char *params, char *out, size_t n) {
    char buf[512];
    const char *names[MAX_PARAMS];
    int k = 0;
    snprintf(buf, sizeof buf, "%s", params);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && k < MAX_PARAMS; t = strtok_r(NULL, " ", &save)) {
        t[strcspn(t, ":")] = 0;
        if (strcmp(t, "*") != 0) names[k++] = t;
    }
    qsort(names, (size_t)k, sizeof *names, cmp_str);
    out[0] = 0;
    for (int i = 0; i < k; i++) snprintf(out + strlen(out), n - strlen(out), "%s%s", i ? " " : "", names[i]);
}

/* names without "lang". */
static void drop_lang(char *names) {
    char *p = strstr(names, "lang");
    if (!p || (p != names && p[-1] != ' ') || (p[4] && p[4] != ' ')) return;
    size_t k = p[4] ? 5 : 4;
    if (!p[4] && p != names) p--, k++;
    memmove(p, p + k, strlen(p + k) + 1);
}

/* Whether every space-separated name of want is one of have's. */
static bool names_within(const char *want, const char *have) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    for (char *save = NULL, *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        size_t k = strlen(t);
        const char *p = have;
        while ((p = strstr(p, t)) && ((p != have && p[-1] != ' ') || (p[k] && p[k] != ' '))) p += k;
        if (!p) return false;
    }
    return true;
}

static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

/* The operations of the file, into ops[]. */
static void read_paths(const char *file) {
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char line[1024], path[256] = "", section[64] = "";
    bool in_params = false;
    Op *op = NULL;
    nops = ncomponents = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        if (line[0] != ' ') { /* a top-level key */
            snprintf(section, sizeof section, "%.63s", line);
            in_params = false;
            op = NULL;
            continue;
        }
        if (strcmp(section, "components:") == 0) {
            read_component(line, &in_params);
            continue;
        }
        if (strcmp(section, "paths:") != 0) continue;
        if (op && strncmp(line, "      ", 6) == 0) {
            read_op_line(op, line, &in_params);
            continue;
        }
        op = NULL;
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
                    memset(o, 0, sizeof *o);
                    for (size_t i = 0; i <= k; i++) o->method[i] = (char)toupper((unsigned char)methods[m][i]);
                    snprintf(o->path, sizeof o->path, "%s", path);
                    op = o;
                    in_params = false;
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
                const Op *o = &ops[j];
                char want[512], have[512];
                if (strcmp(o->id, rt->name) != 0) {
                    fprintf(stderr, "%s %s: operationId '%s', the route's name is '%s'\n", rt->method, rt->pattern,
                            o->id, rt->name);
                    missing++;
                }
                if (strcmp(o->perm, rt->perm) != 0) {
                    fprintf(stderr, "%s %s: x-permission '%s', the route's permission is '%s'\n", rt->method,
                            rt->pattern, o->perm, rt->perm);
                    missing++;
                }
                route_query(rt->params, want, sizeof want);
                op_query(o, have, sizeof have);
                drop_lang(have); /* declared on every route (param.h) */
                /* A generic list ("*"): the declared names are among the documented ones. */
                if (strchr(rt->params, '*') ? !names_within(want, have) : strcmp(want, have) != 0) {
                    fprintf(stderr, "%s %s: query parameters '%s' in docs/openapi.yaml, '%s' in the route table\n",
                            rt->method, rt->pattern, have, want);
                    missing++;
                }
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
          "      operationId: a.get\n      x-permission: 'public'\n      parameters:\n      - name: q\n"
          "        in: query\n      - name: X-H\n        in: header\n      - $ref: '#/components/parameters/pg'\n"
          "      responses:\n        '200':\n          description: ok\n"
          "      post:\n  '/b':\n    delete:\n    patch:\ncomponents:\n  parameters:\n    pg:\n      name: page\n"
          "      in: query\n  /c:\n    get:\n", f);
    fclose(f);
    read_paths(file);
    remove(file);
    rmdir(dir);
    assert_int_equal(nops, 3);
    assert_string_equal(ops[0].method, "GET");
    assert_string_equal(ops[0].path, "/a/{id}");
    assert_string_equal(ops[0].id, "a.get");
    assert_string_equal(ops[0].perm, "public");
    char q[128];
    op_query(&ops[0], q, sizeof q);
    assert_string_equal(q, "page q");
    route_query("q page", q, sizeof q);
    assert_string_equal(q, "page q");
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
