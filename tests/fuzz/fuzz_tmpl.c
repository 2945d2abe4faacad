/*
** fuzz_tmpl.c: libFuzzer harness for the template parser and renderer (tmpl.c). The input is a
** template, optionally followed by a NUL byte and a string that becomes every value of the view.
** Beyond not crashing:
**   - a template that does not parse says where: "templates/f.html:LINE:COLUMN: ...";
**   - escaping holds: rendered with the input string as every value, the output has exactly as
**     many < > " ' ` as rendered with the harmless value "x" (the sections show alike, since both
**     are non-empty strings), so no markup character of a value ever reaches the page raw; also
**     through trusted HTML made by the escaper, where <mark> is the one tag allowed;
**   - a valid UTF-8 template gives valid UTF-8 output, whatever bytes the value has.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "fuzz_tmpl: %s: %s\n", what, detail);
    abort();
}

/* A view where the names the corpus uses (v, w.v, l, h, m, t, o) hold value s; h and m as
** trusted HTML made from it by the escaper. */
static json_t *view_of(const char *s, size_t n) {
    json_t *str = json_stringn_nocheck(s, n);
    json_t *v = json_pack("{s:O, s:{s:O}, s:[{s:O}, O], s:b, s:{s:O, s:O}}", "v", str, "w", "v", str, "l", "v", str, str,
                          "t", 1, "o", "v", str, "h", str);
    char *z = strndup(s, n); /* trusted HTML made by the escaper, from the text up to a NUL */
    json_object_set_new(v, "h", tmpl_html_text(*z ? z : "<")); /* non-empty, as the other values */
    json_object_set_new(v, "m", tmpl_html_marked(*z ? z : "<"));
    free(z);
    json_decref(str);
    return v;
}

static void count(const Buf *b, size_t out[5]) {
    static const char marks[] = "<>\"'`";
    memset(out, 0, 5 * sizeof *out);
    for (size_t i = 0; i < b->n; i++) {
        /* <mark> tags may come from trusted HTML (tmpl_html_marked): they are the one tag allowed */
        if (b->n - i >= 6 && memcmp(b->p + i, "<mark>", 6) == 0) {
            i += 5;
            continue;
        }
        if (b->n - i >= 7 && memcmp(b->p + i, "</mark>", 7) == 0) {
            i += 6;
            continue;
        }
        const char *m = memchr(marks, b->p[i], 5);
        if (m && b->p[i]) out[m - marks]++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *src = (const char *)data;
    const char *nul = memchr(src, 0, size);
    size_t tn = nul ? (size_t)(nul - src) : size;
    const char *val = nul ? nul + 1 : "<script>alert('x')</script>\"`&";
    size_t vn = nul ? size - tn - 1 : strlen(val);
    if (vn == 0) val = "<", vn = 1;

    TmplSet *s = tmpl_new();
    Err e = ERR_INIT;
    const char *part = "<b title=\"{{v}}\">{{v}}</b>";
    if (tmpl_add(s, "templates/p.html", part, strlen(part), &e)) fail("the partial does not parse", e.detail);
    if (tmpl_add(s, "templates/f.html", src, tn, &e) || tmpl_link(s, &e)) {
        int line = 0, col = 0, k = 0;
        if (sscanf(e.detail, "templates/f.html:%d:%d: %n", &line, &col, &k) != 2 || k == 0 || line < 1 || col < 1)
            fail("an error without its position", e.detail);
        tmpl_free(s);
        return 0;
    }
    json_t *hostile = view_of(val, vn), *plain = view_of("x", 1);
    Buf a = BUF_INIT, b = BUF_INIT;
    tmpl_render(s, "f", hostile, LANG_VI, &a);
    tmpl_render(s, "f", plain, LANG_VI, &b);
    size_t ca[5], cb[5];
    count(&a, ca);
    count(&b, cb);
    if (memcmp(ca, cb, sizeof ca) != 0) fail("a markup character of a value reached the output", buf_str(&a));
    if (text_utf8_valid(src, tn, NULL) && !text_utf8_valid(a.p ? a.p : "", a.n, NULL))
        fail("invalid UTF-8 from a valid template", buf_str(&a));
    buf_free(&a);
    buf_free(&b);
    json_decref(hostile);
    json_decref(plain);
    tmpl_free(s);
    return 0;
}
