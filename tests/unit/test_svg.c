/*
** test_svg.c: the SVG bar charts (svg.c). Each chart is parsed with expat, so a test fails on
** markup that is not well-formed XML; what the parser reads back (elements, attributes, text)
** is then checked: a hostile label stays text, bar lengths are proportional to the values,
** numbers are in the page's language, and the chart names itself for assistive technology.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "tmpl.h"

/* What expat read: the elements by name, the attributes of the root, rects' widths/heights
** and the texts in order. */
typedef struct Parsed {
    int depth, elements, scripts, rects, texts;
    double rect_w[16], rect_h[16];
    char text[32][256];
    char cur[256];
    bool in_text;
    char root_role[32], root_labelledby[128], title_id[64], desc_id[64], title[256], desc[256];
    int in; /* 1 title, 2 desc, 3 text */
} Parsed;

static const char *attr(const char **a, const char *name) {
    for (int i = 0; a[i]; i += 2)
        if (strcmp(a[i], name) == 0) return a[i + 1];
    return NULL;
}

static void copy(char *dst, size_t n, const char *s) { snprintf(dst, n, "%s", s ? s : ""); }

static void on_start(void *ud, const char *name, const char **a) {
    Parsed *p = ud;
    p->elements++;
    if (p->depth++ == 0) {
        assert_string_equal(name, "http://www.w3.org/2000/svg svg");
        copy(p->root_role, sizeof p->root_role, attr(a, "role"));
        copy(p->root_labelledby, sizeof p->root_labelledby, attr(a, "aria-labelledby"));
        assert_null(attr(a, "style"));
    }
    assert_null(attr(a, "style")); /* the CSP refuses style attributes */
    const char *local = strchr(name, ' ') ? strchr(name, ' ') + 1 : name;
    p->cur[0] = 0;
    if (strcmp(local, "script") == 0) p->scripts++;
    if (strcmp(local, "rect") == 0 && p->rects < 16) {
        p->rect_w[p->rects] = atof(attr(a, "width"));
        p->rect_h[p->rects++] = atof(attr(a, "height"));
    }
    if (strcmp(local, "title") == 0) p->in = 1, copy(p->title_id, sizeof p->title_id, attr(a, "id"));
    if (strcmp(local, "desc") == 0) p->in = 2, copy(p->desc_id, sizeof p->desc_id, attr(a, "id"));
    if (strcmp(local, "text") == 0) p->in = 3;
}

static void on_end(void *ud, const char *name) {
    Parsed *p = ud;
    (void)name;
    p->depth--;
    if (p->in == 1) copy(p->title, sizeof p->title, p->cur);
    if (p->in == 2) copy(p->desc, sizeof p->desc, p->cur);
    if (p->in == 3 && p->texts < 32) copy(p->text[p->texts++], sizeof p->text[0], p->cur);
    p->in = 0;
    p->cur[0] = 0;
}

static void on_chars(void *ud, const char *s, int n) {
    Parsed *p = ud;
    size_t have = strlen(p->cur);
    if (have + (size_t)n < sizeof p->cur) {
        memcpy(p->cur + have, s, (size_t)n);
        p->cur[have + (size_t)n] = 0;
    }
}

/* Render c and parse it; fails the test when it is not well-formed XML. */
static void parse(const SvgChart *c, Parsed *p) {
    memset(p, 0, sizeof *p);
    Buf b = BUF_INIT;
    svg_bar_chart(&b, c);
    XML_Parser x = XML_ParserCreateNS("UTF-8", ' ');
    XML_SetUserData(x, p);
    XML_SetElementHandler(x, on_start, on_end);
    XML_SetCharacterDataHandler(x, on_chars);
    if (XML_Parse(x, b.p, (int)b.n, 1) != XML_STATUS_OK)
        fail_msg("not well-formed XML (%s at column %lu): %s", XML_ErrorString(XML_GetErrorCode(x)),
                 (unsigned long)XML_GetCurrentColumnNumber(x), buf_str(&b));
    XML_ParserFree(x);
    buf_free(&b);
    assert_string_equal(p->root_role, "img");
}

static void test_hostile_label(void **state) {
    const char *evil = "</text><script>alert(1)</script>&amp;\"'`<!--"; /* 44 characters: drawn whole */
    SvgBar bars[] = {{evil, 3}, {"Cà Mau", 1}};
    SvgChart c = {SVG_HBAR, "x\"><script>", evil, evil, "none", LANG_VI, bars, 2};
    Parsed p;
    parse(&c, &p);
    assert_int_equal(p.scripts, 0);
    /* the label reads back as the very characters given */
    assert_string_equal(p.text[0], evil);
    assert_string_equal(p.text[2], "Cà Mau");
    assert_string_equal(p.title, evil);
    assert_string_equal(p.desc, evil);
    /* and the id, escaped in the attribute, still ties the names to the chart */
    assert_string_equal(p.title_id, "x\"><script>-title");
    assert_string_equal(p.root_labelledby, "x\"><script>-title x\"><script>-desc");
}

static void test_zero_bars(void **state) {
    SvgChart c = {SVG_HBAR, "z", "Sản phẩm theo tỉnh", "Không có dữ liệu", "Chưa có sản phẩm <0>", LANG_VI, NULL, 0};
    Parsed p;
    parse(&c, &p);
    assert_int_equal(p.rects, 0);
    assert_int_equal(p.texts, 1);
    assert_string_equal(p.text[0], "Chưa có sản phẩm <0>");
    assert_string_equal(p.title, "Sản phẩm theo tỉnh");
    assert_string_equal(p.title_id, "z-title");
    assert_string_equal(p.desc_id, "z-desc");
    assert_string_equal(p.root_labelledby, "z-title z-desc");
    c.kind = SVG_VBAR;
    parse(&c, &p);
    assert_int_equal(p.rects, 0);
}

static void test_one_bar(void **state) {
    SvgBar bar = {"5★", 7};
    SvgChart c = {SVG_HBAR, "one", "t", "d", "", LANG_VI, &bar, 1};
    Parsed p;
    parse(&c, &p);
    assert_int_equal(p.rects, 1);
    assert_float_equal(p.rect_w[0], SVG_WIDTH - SVG_HBAR_LABEL, 0.01);
    assert_string_equal(p.text[0], "5★");
    assert_string_equal(p.text[1], "7");
    c.kind = SVG_VBAR;
    parse(&c, &p);
    assert_float_equal(p.rect_h[0], SVG_VBAR_HEIGHT, 0.01);
    /* a single zero draws an empty bar, not a division by zero */
    bar.value = 0;
    parse(&c, &p);
    assert_float_equal(p.rect_h[0], 0, 0.01);
    assert_string_equal(p.text[0], "0");
}

static void test_many_bars_proportional(void **state) {
    SvgBar bars[] = {{"a", 10}, {"b", 5}, {"c", 0}, {"d", 20}, {"e", 1}};
    SvgChart c = {SVG_HBAR, "m", "t", "d", "", LANG_VI, bars, 5};
    Parsed p;
    parse(&c, &p);
    assert_int_equal(p.rects, 5);
    double full = SVG_WIDTH - SVG_HBAR_LABEL;
    for (int i = 0; i < 5; i++) assert_float_equal(p.rect_w[i], full * (double)bars[i].value / 20, 0.051);
    c.kind = SVG_VBAR;
    parse(&c, &p);
    assert_int_equal(p.rects, 5);
    for (int i = 0; i < 5; i++) assert_float_equal(p.rect_h[i], SVG_VBAR_HEIGHT * (double)bars[i].value / 20, 0.051);
    /* the value over each column, then its label under it */
    assert_string_equal(p.text[6], "20");
    assert_string_equal(p.text[7], "d");
}

static void test_numbers_in_language(void **state) {
    SvgBar bar = {"Hà Nội", 1234567};
    SvgChart c = {SVG_HBAR, "n", "t", "d", "", LANG_VI, &bar, 1};
    Parsed p;
    parse(&c, &p);
    assert_string_equal(p.text[1], "1.234.567");
    c.lang = LANG_EN;
    parse(&c, &p);
    assert_string_equal(p.text[1], "1,234,567");
}

/* A label too long for the chart is cut at a word and ends in "…"; the table keeps it whole. */
static void test_long_label(void **state) {
    const char *group = "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch";
    SvgBar bars[] = {{group, 1}, {"Đồ uống", 2}};
    SvgChart c = {SVG_HBAR, "g", "t", "d", "", LANG_VI, bars, 2};
    Parsed p;
    parse(&c, &p);
    assert_string_equal(p.text[0], "Dịch vụ du lịch cộng đồng, du lịch sinh…");
    assert_string_equal(p.text[2], "Đồ uống");
    json_t *v = svg_chart_view(&c);
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(v, "rows"), 0), "label")), group);
    json_decref(v);
    /* one word longer than the limit is cut inside it, on a character boundary */
    char word[200] = "";
    for (int i = 0; i < 50; i++) strcat(word, "đ");
    bars[0].label = word;
    parse(&c, &p);
    assert_int_equal(strlen(p.text[0]), SVG_LABEL_MAX * 2 + strlen("…"));
}

static void test_view(void **state) {
    SvgBar bars[] = {{"<b>", 1200}, {"Huế", 3}};
    SvgChart c = {SVG_VBAR, "v", "Title", "Desc", "", LANG_VI, bars, 2};
    json_t *v = svg_chart_view(&c);
    const char *html;
    size_t n;
    assert_true(tmpl_html_get(json_object_get(v, "svg"), &html, &n));
    assert_memory_equal(html, "<svg ", 5);
    assert_non_null(strstr(html, "&lt;b&gt;"));
    assert_null(strstr(html, "<b>"));
    assert_string_equal(json_string_value(json_object_get(v, "title")), "Title");
    json_t *rows = json_object_get(v, "rows");
    assert_int_equal(json_array_size(rows), 2);
    /* the table's figures are plain strings: the template escapes them */
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "label")), "<b>");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "value")), "1.200");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "value")), "3");
    json_decref(v);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_label),
        cmocka_unit_test(test_zero_bars),
        cmocka_unit_test(test_one_bar),
        cmocka_unit_test(test_many_bars_proportional),
        cmocka_unit_test(test_numbers_in_language),
        cmocka_unit_test(test_long_label),
        cmocka_unit_test(test_view),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
