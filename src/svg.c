/*
** svg.c: bar charts as server-rendered SVG (see svg.h). The markup is written here, not in a
** template, because its geometry is computed; every piece of text in it is escaped by
** tmpl_escape, and only fixed numbers and attribute names are written as they are.
*/
#include "svg.h"

#include <string.h>

#include "tmpl.h"

#define HROW 40       /* a horizontal bar's row: its label, then the bar */
#define HBAR 16       /* the bar's thickness */
#define VTOP 24       /* room above the tallest vertical bar for its value */
#define VFOOT 28      /* room under the vertical bars for the labels */
#define FONT "14"     /* font-size of every text, in user units */
#define BAR_FILL "#8b1a1a"
#define TEXT_FILL "#1d1d1d"

static void text_el(Buf *out, double x, double y, const char *anchor, const char *cls, const char *s) {
    buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" font-size=\"" FONT "\" fill=\"" TEXT_FILL "\"%s%s%s>", x, y,
               cls, anchor ? " text-anchor=\"" : "", anchor ? anchor : "", anchor ? "\"" : "");
    tmpl_escape(out, s ? s : "", s ? strlen(s) : 0);
    buf_puts(out, "</text>");
}

static void escaped(Buf *out, const char *s) { tmpl_escape(out, s ? s : "", s ? strlen(s) : 0); }

/* label, or its first SVG_LABEL_MAX characters cut at the last space among them and "…", in
** out (of n bytes; the cut is made on character boundaries, counting UTF-8 lead bytes). */
static const char *fit(const char *label, char *out, size_t n) {
    if (!label) return "";
    size_t i = 0, space = 0;
    int chars = 0;
    for (; label[i]; i++) {
        if (((unsigned char)label[i] & 0xC0) == 0x80) continue;
        if (chars == SVG_LABEL_MAX) break;
        if (label[i] == ' ') space = i;
        chars++;
    }
    if (!label[i]) return label;
    size_t cut = space > i / 2 ? space : i;
    snprintf(out, n, "%.*s…", (int)cut, label);
    return out;
}

/* The largest value, at least 1 so that all-zero charts draw empty bars. */
static long long largest(const SvgChart *c) {
    long long m = 1;
    for (int i = 0; i < c->n; i++)
        if (c->bars[i].value > m) m = c->bars[i].value;
    return m;
}

static double share(long long v, long long max, double full) { return v <= 0 ? 0 : (double)v * full / (double)max; }

static void hbars(Buf *out, const SvgChart *c) {
    long long max = largest(c);
    double full = SVG_WIDTH - SVG_HBAR_LABEL;
    for (int i = 0; i < c->n; i++) {
        double y = 4 + i * HROW, w = share(c->bars[i].value, max, full);
        char num[32], cut[4 * SVG_LABEL_MAX + 4];
        text_el(out, 0, y + 14, NULL, "chart-label", fit(c->bars[i].label, cut, sizeof cut));
        buf_printf(out, "<rect class=\"chart-bar\" x=\"0\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"" BAR_FILL "\"/>",
                   y + 18, w, HBAR);
        text_el(out, w + 6, y + 18 + HBAR - 3, NULL, "chart-value", lang_int(c->lang, c->bars[i].value, num, sizeof num));
    }
}

static void vbars(Buf *out, const SvgChart *c) {
    long long max = largest(c);
    double slot = (double)SVG_WIDTH / c->n, bw = slot * 0.6 > 64 ? 64 : slot * 0.6;
    for (int i = 0; i < c->n; i++) {
        double h = share(c->bars[i].value, max, SVG_VBAR_HEIGHT), mid = slot * i + slot / 2;
        double y = VTOP + SVG_VBAR_HEIGHT - h;
        char num[32], cut[4 * SVG_LABEL_MAX + 4];
        buf_printf(out, "<rect class=\"chart-bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"" BAR_FILL "\"/>",
                   mid - bw / 2, y, bw, h);
        text_el(out, mid, y - 6, "middle", "chart-value", lang_int(c->lang, c->bars[i].value, num, sizeof num));
        text_el(out, mid, VTOP + SVG_VBAR_HEIGHT + 20, "middle", "chart-label", fit(c->bars[i].label, cut, sizeof cut));
    }
}

void svg_bar_chart(Buf *out, const SvgChart *c) {
    int height = c->n == 0 ? 32 : c->kind == SVG_HBAR ? 8 + c->n * HROW : VTOP + SVG_VBAR_HEIGHT + VFOOT;
    buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                    "role=\"img\" aria-labelledby=\"",
               SVG_WIDTH, height, SVG_WIDTH, height);
    escaped(out, c->id);
    buf_puts(out, "-title ");
    escaped(out, c->id);
    buf_puts(out, "-desc\"><title id=\"");
    escaped(out, c->id);
    buf_puts(out, "-title\">");
    escaped(out, c->title);
    buf_puts(out, "</title><desc id=\"");
    escaped(out, c->id);
    buf_puts(out, "-desc\">");
    escaped(out, c->desc);
    buf_puts(out, "</desc>");
    if (c->n == 0) text_el(out, 0, 20, NULL, "chart-empty", c->empty);
    else if (c->kind == SVG_HBAR) hbars(out, c);
    else vbars(out, c);
    buf_puts(out, "</svg>");
}

json_t *svg_chart_view(const SvgChart *c) {
    Buf b = BUF_INIT;
    svg_bar_chart(&b, c);
    json_t *svg = tmpl_html_raw(b.p, b.n);
    buf_free(&b);
    json_t *rows = json_array();
    for (int i = 0; i < c->n; i++) {
        char num[32];
        json_array_append_new(rows, json_pack("{s:s, s:s}", "label", c->bars[i].label ? c->bars[i].label : "", "value",
                                              lang_int(c->lang, c->bars[i].value, num, sizeof num)));
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", c->id ? c->id : "", "title", c->title ? c->title : "", "desc",
                     c->desc ? c->desc : "", "svg", svg, "rows", rows);
}
