/*
** report_render.c: a report's model (report.h) written as PDF, XLSX or CSV.
**
** PDF (cairo's PDF surface, pango layouts in Noto Serif, A4 portrait): the layout of an
** administrative report of Nghị định 30/2020/NĐ-CP Phụ lục I: margins 20 mm top and bottom,
** 30 mm left, 20 mm right; on top the issuing body (upper case, the last line bold, a short
** rule under it) and the number on the left, the national motto (bold, the second line
** underlined) and the place and date (italic) on the right; the title and the subject
** centred in bold; the text in 13 pt, justified, first lines indented; tables in 9.5 pt
** with their header repeated on every page they run onto; charts as horizontal bars with their
** values; the recipients ("Nơi nhận:") on the left and the signature block on the right; the
** page number at the top centre from the second page on.
**
** XLSX (libxlsxwriter): one worksheet, the document's heading and sentences, then each
** section's table: numbers as numbers, dates as dates, a sum column and a percentage column as
** formulas of their row's cells (with their values cached, so a reader that does not calculate
** sees them too), a total row of SUM formulas; percentages as fractions formatted 0.00%.
**
** CSV (tablew.c: UTF-8 with a BOM, CRLF, formula-like cells escaped): the subject, then each
** section's heading, table and total row, a blank line between them.
*/
#include "report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "buf.h"
#include "pdfdoc.h"
#include "tablew.h"
#include "text.h"
#include "util.h"

/* ---- cells ---------------------------------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static int col_index(const json_t *cols, const char *key) {
    size_t i;
    json_t *c;
    json_array_foreach(cols, i, c) if (str_eq(jstr(c, "key"), key)) return (int)i;
    return -1;
}

static double num_of(const json_t *v) { return json_is_number(v) ? json_number_value(v) : 0; }

/* Column c of row as a number: its cell, or for a sum column the sum of its columns. */
static double cell_value(const json_t *cols, const json_t *row, size_t c) {
    const json_t *col = json_array_get(cols, c);
    if (str_eq(jstr(col, "type"), "sum")) {
        double s = 0;
        size_t i;
        json_t *k;
        json_array_foreach(json_object_get(col, "of"), i, k) {
            int j = col_index(cols, json_string_value(k));
            if (j >= 0) s += num_of(json_array_get(row, (size_t)j));
        }
        return s;
    }
    return num_of(json_array_get(row, c));
}

static double pct_of(double num, double den) { return den > 0 ? (double)(long long)(10000.0 * num / den + 0.5) / 100.0 : 0; }

/* The totals of a table's columns (int, num and sum columns summed; pct computed from its
** columns' totals), into tot[ncols]. */
static void totals(const json_t *t, double *tot) {
    const json_t *cols = json_object_get(t, "columns"), *row;
    size_t nc = json_array_size(cols), i;
    for (size_t c = 0; c < nc; c++) tot[c] = 0;
    json_array_foreach(json_object_get(t, "rows"), i, row)
        for (size_t c = 0; c < nc; c++) tot[c] += cell_value(cols, row, c);
    for (size_t c = 0; c < nc; c++) {
        const json_t *col = json_array_get(cols, c);
        if (!str_eq(jstr(col, "type"), "pct")) continue;
        int n = col_index(cols, jstr(col, "num")), d = col_index(cols, jstr(col, "den"));
        tot[c] = n >= 0 && d >= 0 ? pct_of(tot[n], tot[d]) : 0;
    }
}

static bool summed(const char *type) { return str_eq(type, "int") || str_eq(type, "num") || str_eq(type, "sum") || str_eq(type, "pct"); }

/* Cell c of row (row NULL: the total tot[c]) as text in lang. */
static const char *cell_text(const json_t *cols, const json_t *row, const double *tot, size_t c, Lang lang, char *out, size_t n) {
    const json_t *col = json_array_get(cols, c);
    const char *type = jstr(col, "type");
    if (!row) {
        if (!summed(type) || c == 0 || str_eq(jstr(col, "key"), "no")) return "";
        if (str_eq(type, "pct") || (str_eq(type, "num") && tot[c] != (double)(long long)tot[c])) return lang_num(lang, tot[c], 2, out, n);
        return lang_int(lang, (long long)tot[c], out, n);
    }
    const json_t *v = json_array_get(row, c);
    if (str_eq(type, "sum")) return lang_int(lang, (long long)cell_value(cols, row, c), out, n);
    if (json_is_integer(v)) return lang_int(lang, (long long)json_integer_value(v), out, n);
    if (json_is_real(v)) return lang_num(lang, json_real_value(v), 2, out, n);
    const char *s = json_string_value(v);
    if (!s) return "";
    if (str_eq(type, "date") && date_valid(s)) return lang_date(s, out);
    return s;
}

static bool right_aligned(const char *type) { return summed(type); }

/* ---- PDF ------------------------------------------------------------------------------------------ */

enum { W = 595, H = 842 };
static const double ML = 85, MR = 57, MT = 57, MB = 57;
#define CW (W - ML - MR)
#define FONT "Noto Serif"

typedef struct Pdf {
    cairo_t *cr;
    PangoContext *ctx;
    double y;
    int page;
    Lang lang;
} Pdf;

static PangoLayout *lay(Pdf *p, const char *s, const char *font, double w, PangoAlignment al) {
    return pdfdoc_layout(p->ctx, s, -1, font, w, al);
}

static double height_of(PangoLayout *l) {
    PangoRectangle r;
    pango_layout_get_extents(l, NULL, &r);
    return (double)r.height / PANGO_SCALE;
}

static double width_of(PangoLayout *l) {
    PangoRectangle r;
    pango_layout_get_extents(l, NULL, &r);
    return (double)r.width / PANGO_SCALE;
}

static void draw(Pdf *p, PangoLayout *l, double x, double y) {
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
}

static void line(Pdf *p, double x0, double y0, double x1, double y1, double width) {
    cairo_set_source_rgb(p->cr, 0, 0, 0);
    cairo_set_line_width(p->cr, width);
    cairo_move_to(p->cr, x0, y0);
    cairo_line_to(p->cr, x1, y1);
    cairo_stroke(p->cr);
}

static void new_page(Pdf *p) {
    cairo_show_page(p->cr);
    p->page++;
    p->y = MT;
    char n[16];
    snprintf(n, sizeof n, "%d", p->page);
    PangoLayout *l = lay(p, n, FONT " 11", CW, PANGO_ALIGN_CENTER);
    draw(p, l, ML, MT - 24);
    g_object_unref(l);
}

/* Room for h more points on the page, else a new one. */
static void room(Pdf *p, double h) {
    if (p->y + h > H - MB) new_page(p);
}

/* A paragraph of text across the column (indent: its first line's). */
static void para(Pdf *p, const char *s, const char *font, PangoAlignment al, double indent, double after) {
    PangoLayout *l = lay(p, s, font, CW, al);
    if (al == PANGO_ALIGN_LEFT) pango_layout_set_justify(l, TRUE);
    pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
    double h = height_of(l);
    if (h > H - MT - MB) h = H - MT - MB; /* a paragraph longer than a page runs over its foot */
    room(p, h);
    draw(p, l, ML, p->y);
    p->y += h + after;
    g_object_unref(l);
}

static void header(Pdf *p, const json_t *m) {
    const double lw = 170, rx = ML + lw - 15, rw = W - 28 - rx; /* the right block runs into the right margin a little */
    double ly = MT, ry = MT;
    const json_t *issuer = json_object_get(m, "issuer"), *v;
    size_t i, n = json_array_size(issuer);
    json_array_foreach(issuer, i, v) {
        PangoLayout *l = lay(p, json_string_value(v), i + 1 == n ? FONT " Bold 12.5" : FONT " 12.5", lw + 40, PANGO_ALIGN_CENTER);
        draw(p, l, ML - 20, ly);
        ly += height_of(l);
        g_object_unref(l);
    }
    line(p, ML + lw / 2 - 30, ly + 3, ML + lw / 2 + 30, ly + 3, 0.6);
    ly += 10;
    PangoLayout *l = lay(p, jstr(m, "number"), FONT " 13", lw + 40, PANGO_ALIGN_CENTER);
    draw(p, l, ML - 20, ly);
    ly += height_of(l);
    g_object_unref(l);

    bool vi = p->lang == LANG_VI;
    l = lay(p, vi ? "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" : "SOCIALIST REPUBLIC OF VIET NAM", FONT " Bold 12", rw, PANGO_ALIGN_CENTER);
    draw(p, l, rx, ry);
    ry += height_of(l);
    g_object_unref(l);
    l = lay(p, vi ? "Độc lập - Tự do - Hạnh phúc" : "Independence - Freedom - Happiness", FONT " Bold 13", rw, PANGO_ALIGN_CENTER);
    draw(p, l, rx, ry);
    double tw = width_of(l);
    ry += height_of(l);
    g_object_unref(l);
    line(p, rx + (rw - tw) / 2, ry + 1, rx + (rw + tw) / 2, ry + 1, 0.6);
    ry += 10;
    l = lay(p, jstr(m, "dated"), FONT " Italic 13", rw, PANGO_ALIGN_CENTER);
    draw(p, l, rx, ry);
    ry += height_of(l);
    g_object_unref(l);
    p->y = (ly > ry ? ly : ry) + 22;
    para(p, jstr(m, "title"), FONT " Bold 14", PANGO_ALIGN_CENTER, 0, 2);
    para(p, jstr(m, "subject"), FONT " Bold 13", PANGO_ALIGN_CENTER, 0, 16);
}

/* The widest word of s in font. */
static double widest_word(Pdf *p, const char *s, const char *font) {
    double widest = 0;
    for (const char *q = s; *q;) {
        const char *sp = strchr(q, ' ');
        size_t k = sp ? (size_t)(sp - q) : strlen(q);
        char word[128];
        snprintf(word, sizeof word, "%.*s", (int)(k < sizeof word ? k : sizeof word - 1), q);
        PangoLayout *l = lay(p, word, font, -1, PANGO_ALIGN_LEFT);
        if (width_of(l) > widest) widest = width_of(l);
        g_object_unref(l);
        q += k;
        while (*q == ' ') q++;
    }
    return widest;
}

/* Column widths. Numbers and dates do not wrap: their column is as wide as its widest cell
** (or its header's widest word). Text columns share the rest, each at least its widest word
** (at most 60 pt) and growing toward its widest cell (at most 200 pt). */
static void widths(Pdf *p, const json_t *t, const double *tot, double *w) {
    const json_t *cols = json_object_get(t, "columns"), *row;
    size_t nc = json_array_size(cols), i;
    double *nat = xcalloc(nc, sizeof *nat), *min = xcalloc(nc, sizeof *min);
    bool *text = xcalloc(nc, sizeof *text);
    char buf[64];
    const double pad = 8;
    for (size_t c = 0; c < nc; c++) {
        const json_t *col = json_array_get(cols, c);
        text[c] = str_eq(jstr(col, "type"), "text");
        min[c] = widest_word(p, jstr(col, "label"), FONT " Bold 10.5");
        nat[c] = min[c];
        if (text[c]) {
            PangoLayout *l = lay(p, jstr(col, "label"), FONT " Bold 10.5", -1, PANGO_ALIGN_LEFT);
            nat[c] = width_of(l);
            g_object_unref(l);
        }
    }
    size_t rows = 0;
    json_array_foreach(json_object_get(t, "rows"), i, row) {
        if (++rows > 400) break; /* a sample is enough to size the columns */
        for (size_t c = 0; c < nc; c++) {
            const char *s = cell_text(cols, row, tot, c, p->lang, buf, sizeof buf);
            PangoLayout *l = lay(p, s, FONT " 10.5", -1, PANGO_ALIGN_LEFT);
            double x = width_of(l);
            g_object_unref(l);
            if (x > nat[c]) nat[c] = x;
            if (text[c]) {
                double ww = widest_word(p, s, FONT " 10.5");
                if (ww > min[c]) min[c] = ww;
            }
        }
    }
    if (json_object_get(t, "total")) {
        size_t label = str_eq(jstr(json_array_get(cols, 0), "key"), "no") && nc > 1 ? 1 : 0;
        for (size_t c = 0; c < nc; c++) {
            PangoLayout *l = lay(p, c == label ? jstr(t, "total") : cell_text(cols, NULL, tot, c, p->lang, buf, sizeof buf),
                                 FONT " Bold 10.5", -1, PANGO_ALIGN_LEFT);
            if (width_of(l) > nat[c]) nat[c] = width_of(l);
            if (!text[c] && width_of(l) > min[c]) min[c] = width_of(l);
            g_object_unref(l);
        }
    }
    double fixed = 0, tmin = 0, tnat = 0;
    for (size_t c = 0; c < nc; c++) {
        if (!text[c]) {
            w[c] = (nat[c] > min[c] ? nat[c] : min[c]) + pad;
            fixed += w[c];
            continue;
        }
        min[c] = (min[c] > 60 ? 60 : min[c]) + pad;
        nat[c] = (nat[c] > 200 ? 200 : nat[c]) + pad;
        if (nat[c] < min[c]) nat[c] = min[c];
        tmin += min[c];
        tnat += nat[c];
    }
    double rest = CW - fixed;
    for (size_t c = 0; c < nc; c++) {
        if (!text[c]) continue;
        if (rest >= tnat) w[c] = nat[c] + (rest - tnat) * nat[c] / tnat;
        else if (rest > tmin) w[c] = min[c] + (rest - tmin) * (nat[c] - min[c]) / (tnat - tmin);
        else w[c] = min[c];
    }
    double sum = 0;
    for (size_t c = 0; c < nc; c++) sum += w[c];
    if (tnat == 0 || sum > CW) /* no text column to take the rest, or too wide: scale to the column */
        for (size_t c = 0; c < nc; c++) w[c] *= CW / sum;
    free(nat);
    free(min);
    free(text);
}

/* One row of a table (row NULL and head: the header; row NULL, not head: the total). Returns
** its height; draws it only when draw_it. */
/* A row of table t laid out in the column widths w: the header (head), a data row, or the total
** (row NULL). Its cells' layouts into ls[] (nc of them; the caller frees them with row_free) and
** its height returned: each cell is shaped once, for measuring and drawing. */
static double row_layouts(Pdf *p, const json_t *t, const json_t *row, const double *tot, bool head, const double *w,
                          PangoLayout **ls) {
    const json_t *cols = json_object_get(t, "columns");
    size_t nc = json_array_size(cols);
    char buf[64];
    double h = 0;
    for (size_t c = 0; c < nc; c++) {
        const json_t *col = json_array_get(cols, c);
        const char *s = head ? jstr(col, "label")
                        : !row && c == 0 ? ""
                                         : cell_text(cols, row, tot, c, p->lang, buf, sizeof buf);
        if (!row && !head && c == (str_eq(jstr(json_array_get(cols, 0), "key"), "no") && nc > 1 ? 1 : 0))
            s = jstr(t, "total");
        bool bold = head || !row;
        ls[c] = lay(p, s, bold ? FONT " Bold 10.5" : FONT " 10.5", w[c] - 8,
                    head ? PANGO_ALIGN_CENTER : right_aligned(jstr(col, "type")) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        double x = height_of(ls[c]);
        if (x > h) h = x;
    }
    return h + 6;
}

/* Draw a row laid out by row_layouts (height h) at the pen, which moves below it. */
static void row_draw(Pdf *p, PangoLayout *const *ls, size_t nc, const double *w, double h, bool head) {
    double x = ML;
    if (head) {
        cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
        cairo_rectangle(p->cr, ML, p->y, CW, h);
        cairo_fill(p->cr);
    }
    for (size_t c = 0; c < nc; c++) {
        draw(p, ls[c], x + 4, p->y + 3);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        cairo_set_line_width(p->cr, 0.5);
        cairo_rectangle(p->cr, x, p->y, w[c], h);
        cairo_stroke(p->cr);
        x += w[c];
    }
    p->y += h;
}

static void row_free(PangoLayout **ls, size_t nc) {
    for (size_t c = 0; c < nc; c++) g_object_unref(ls[c]);
}

static void pdf_table(Pdf *p, const json_t *t) {
    const json_t *cols = json_object_get(t, "columns"), *row;
    size_t nc = json_array_size(cols), i;
    if (!nc || nc > 64) return;
    double *tot = xcalloc(nc, sizeof *tot), *w = xcalloc(nc, sizeof *w);
    totals(t, tot);
    widths(p, t, tot, w);
    /* the header, laid out once and drawn again at the top of every page the table runs onto */
    PangoLayout *head[64], *ls[64];
    double hh = row_layouts(p, t, NULL, tot, true, w, head);
    room(p, hh + 20);
    row_draw(p, head, nc, w, hh, true);
    json_array_foreach(json_object_get(t, "rows"), i, row) {
        double h = row_layouts(p, t, row, tot, false, w, ls);
        if (p->y + h > H - MB) {
            new_page(p);
            row_draw(p, head, nc, w, hh, true);
        }
        row_draw(p, ls, nc, w, h, false);
        row_free(ls, nc);
    }
    if (json_object_get(t, "total")) {
        double h = row_layouts(p, t, NULL, tot, false, w, ls);
        room(p, h);
        row_draw(p, ls, nc, w, h, false);
        row_free(ls, nc);
    }
    row_free(head, nc);
    p->y += 12;
    free(tot);
    free(w);
}

static void pdf_chart(Pdf *p, const json_t *ch) {
    const json_t *bars = json_object_get(ch, "bars"), *b;
    size_t n = json_array_size(bars), i;
    if (!n) return;
    double max = 0;
    json_array_foreach(bars, i, b) if (num_of(json_object_get(b, "value")) > max) max = num_of(json_object_get(b, "value"));
    const double bh = 14, gap = 4, lw = CW * 0.38, bw = CW - lw - 50;
    room(p, 20 + (bh + gap) * (double)(n < 5 ? n : 5));
    para(p, jstr(ch, "title"), FONT " Italic 10.5", PANGO_ALIGN_CENTER, 0, 6);
    char buf[48];
    json_array_foreach(bars, i, b) {
        room(p, bh + gap);
        PangoLayout *l = lay(p, jstr(b, "label"), FONT " 10", lw - 6, PANGO_ALIGN_RIGHT);
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_height(l, -1);
        draw(p, l, ML, p->y);
        g_object_unref(l);
        double v = num_of(json_object_get(b, "value")), len = max > 0 ? bw * v / max : 0;
        cairo_set_source_rgb(p->cr, 0.12, 0.42, 0.24);
        cairo_rectangle(p->cr, ML + lw, p->y + 1, len, bh - 2);
        cairo_fill(p->cr);
        l = lay(p, lang_int(p->lang, (long long)v, buf, sizeof buf), FONT " 10", -1, PANGO_ALIGN_LEFT);
        draw(p, l, ML + lw + len + 4, p->y);
        g_object_unref(l);
        p->y += bh + gap;
    }
    p->y += 12;
}

static void footer(Pdf *p, const json_t *m) {
    const json_t *rec = json_object_get(m, "recipients"), *v;
    const json_t *signer = json_object_get(m, "signer");
    size_t i;
    double need = 24 + 14 * (double)json_array_size(rec);
    if (need < 110) need = 110;
    room(p, need);
    p->y += 10;
    double y0 = p->y, ly = y0, lw = CW * 0.45, rx = ML + CW * 0.45, rw = CW * 0.55;
    PangoLayout *l = lay(p, p->lang == LANG_VI ? "Nơi nhận:" : "To:", FONT " Bold Italic 12", lw, PANGO_ALIGN_LEFT);
    draw(p, l, ML, ly);
    ly += height_of(l);
    g_object_unref(l);
    json_array_foreach(rec, i, v) {
        char item[512];
        snprintf(item, sizeof item, "- %s", json_string_value(v) ? json_string_value(v) : "");
        l = lay(p, item, FONT " 11", lw, PANGO_ALIGN_LEFT);
        draw(p, l, ML, ly);
        ly += height_of(l);
        g_object_unref(l);
    }
    l = lay(p, jstr(signer, "title"), FONT " Bold 13", rw, PANGO_ALIGN_CENTER);
    draw(p, l, rx, y0);
    double ry = y0 + height_of(l) + 70;
    g_object_unref(l);
    if (*jstr(signer, "name")) {
        l = lay(p, jstr(signer, "name"), FONT " Bold 13", rw, PANGO_ALIGN_CENTER);
        draw(p, l, rx, ry);
        ry += height_of(l);
        g_object_unref(l);
    }
    p->y = ly > ry ? ly : ry;
}

static int render_pdf(const json_t *m, char **out, size_t *n, Err *e) {
    char title[600];
    snprintf(title, sizeof title, "%s %s", jstr(m, "title"), jstr(m, "subject"));
    const json_t *issuer = json_object_get(m, "issuer");
    PdfDoc doc;
    pdfdoc_begin(&doc, W, H,
                 &(PdfMeta){.title = title, .author = json_string_value(json_array_get(issuer, json_array_size(issuer) - 1)) ?: ""},
                 true);
    Pdf p = {doc.cr, doc.ctx, MT, 1, str_eq(jstr(m, "language"), "en") ? LANG_EN : LANG_VI};
    header(&p, m);
    const json_t *s;
    size_t i, j;
    json_array_foreach(json_object_get(m, "summary"), i, s) para(&p, json_string_value(s), FONT " 13", PANGO_ALIGN_LEFT, 28, 6);
    p.y += 6;
    json_array_foreach(json_object_get(m, "sections"), i, s) {
        room(&p, 60);
        para(&p, jstr(s, "heading"), FONT " Bold 13", PANGO_ALIGN_LEFT, 0, 6);
        const json_t *t;
        json_array_foreach(json_object_get(s, "text"), j, t) para(&p, json_string_value(t), FONT " 13", PANGO_ALIGN_LEFT, 28, 6);
        if (json_object_get(s, "table")) pdf_table(&p, json_object_get(s, "table"));
        if (json_object_get(s, "chart")) pdf_chart(&p, json_object_get(s, "chart"));
    }
    footer(&p, m);
    return pdfdoc_finish(&doc, out, n, e);
}

/* ---- XLSX ------------------------------------------------------------------------------------------ */

/* "C" for column 2. */
static const char *col_name(size_t c, char out[4]) {
    if (c < 26) snprintf(out, 4, "%c", (char)('A' + c));
    else snprintf(out, 4, "%c%c", (char)('A' + c / 26 - 1), (char)('A' + c % 26));
    return out;
}

typedef struct Fmt {
    lxw_format *bold, *title, *center_bold, *italic, *head, *text, *integer, *real, *percent, *date, *tot_text, *tot_int,
        *tot_real, *tot_pct;
} Fmt;

static lxw_format *fmt_new(lxw_workbook *wb, bool bold, bool border, const char *num, bool wrap) {
    lxw_format *f = workbook_add_format(wb);
    format_set_font_name(f, "Times New Roman");
    format_set_font_size(f, 12);
    if (bold) format_set_bold(f);
    if (border) format_set_border(f, LXW_BORDER_THIN);
    if (num) format_set_num_format(f, num);
    if (wrap) format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    return f;
}

/* Write the table t from row r on; returns the row after it. */
static lxw_row_t xlsx_table(lxw_worksheet *ws, const Fmt *f, const json_t *t, lxw_row_t r, double *width) {
    const json_t *cols = json_object_get(t, "columns"), *row;
    size_t nc = json_array_size(cols), i;
    for (size_t c = 0; c < nc; c++) {
        worksheet_write_string(ws, r, (lxw_col_t)c, jstr(json_array_get(cols, c), "label"), f->head);
        double w = (double)strlen(jstr(json_array_get(cols, c), "label")) * 0.8 + 2;
        if (w > width[c]) width[c] = w;
    }
    lxw_row_t first = r + 1;
    r++;
    char a[4], b[4], formula[160];
    json_array_foreach(json_object_get(t, "rows"), i, row) {
        for (size_t c = 0; c < nc; c++) {
            const json_t *col = json_array_get(cols, c), *v = json_array_get(row, c);
            const char *type = jstr(col, "type");
            lxw_col_t x = (lxw_col_t)c;
            if (str_eq(type, "sum")) {
                Buf fb = BUF_INIT;
                buf_puts(&fb, "=");
                size_t k;
                json_t *key;
                json_array_foreach(json_object_get(col, "of"), k, key) {
                    int j = col_index(cols, json_string_value(key));
                    if (j >= 0) buf_printf(&fb, "%s%s%u", k ? "+" : "", col_name((size_t)j, a), (unsigned)r + 1);
                }
                worksheet_write_formula_num(ws, r, x, buf_str(&fb), f->integer, cell_value(cols, row, c));
                buf_free(&fb);
            } else if (str_eq(type, "pct")) {
                int nn = col_index(cols, jstr(col, "num")), d = col_index(cols, jstr(col, "den"));
                if (nn < 0 || d < 0) continue;
                /* =IF(den=0,0,num/den) */
                snprintf(formula, sizeof formula, "=IF(%s%u=0,0,%s%u/%s%u)", col_name((size_t)d, b), (unsigned)r + 1,
                         col_name((size_t)nn, a), (unsigned)r + 1, col_name((size_t)d, b), (unsigned)r + 1);
                double den = num_of(json_array_get(row, (size_t)d));
                worksheet_write_formula_num(ws, r, x, formula, f->percent, den > 0 ? num_of(json_array_get(row, (size_t)nn)) / den : 0);
            } else if (json_is_integer(v)) {
                worksheet_write_number(ws, r, x, (double)json_integer_value(v), f->integer);
            } else if (json_is_real(v)) {
                worksheet_write_number(ws, r, x, json_real_value(v), f->real);
            } else if (str_eq(type, "date") && json_string_value(v) && date_valid(json_string_value(v))) {
                const char *s = json_string_value(v);
                lxw_datetime dt = {atoi(s), atoi(s + 5), atoi(s + 8), 0, 0, 0};
                worksheet_write_datetime(ws, r, x, &dt, f->date);
                if (width[c] < 12) width[c] = 12;
            } else {
                const char *s = json_string_value(v) ? json_string_value(v) : "";
                worksheet_write_string(ws, r, x, s, f->text);
                double w = (double)text_chars(s, strlen(s)) * 1.1 + 2;
                if (w > width[c]) width[c] = w > 50 ? 50 : w;
            }
        }
        r++;
    }
    lxw_row_t last = r - 1;
    if (json_object_get(t, "total")) {
        size_t label = str_eq(jstr(json_array_get(cols, 0), "key"), "no") && nc > 1 ? 1 : 0;
        double *tot = xcalloc(nc, sizeof *tot);
        totals(t, tot);
        for (size_t c = 0; c < nc; c++) {
            const json_t *col = json_array_get(cols, c);
            const char *type = jstr(col, "type");
            lxw_col_t x = (lxw_col_t)c;
            if (c == label) worksheet_write_string(ws, r, x, jstr(t, "total"), f->tot_text);
            else if (str_eq(type, "pct")) {
                int nn = col_index(cols, jstr(col, "num")), d = col_index(cols, jstr(col, "den"));
                if (nn < 0 || d < 0) continue;
                snprintf(formula, sizeof formula, "=IF(%s%u=0,0,%s%u/%s%u)", col_name((size_t)d, b), (unsigned)r + 1,
                         col_name((size_t)nn, a), (unsigned)r + 1, col_name((size_t)d, b), (unsigned)r + 1);
                worksheet_write_formula_num(ws, r, x, formula, f->tot_pct, tot[d] > 0 ? tot[nn] / tot[d] : 0);
            } else if (summed(type) && c > 0 && !str_eq(jstr(col, "key"), "no") && last >= first) {
                snprintf(formula, sizeof formula, "=SUM(%s%u:%s%u)", col_name(c, a), (unsigned)first + 1, col_name(c, b),
                         (unsigned)last + 1);
                worksheet_write_formula_num(ws, r, x, formula, tot[c] == (double)(long long)tot[c] ? f->tot_int : f->tot_real, tot[c]);
            } else if (summed(type) && c > 0 && !str_eq(jstr(col, "key"), "no")) {
                worksheet_write_number(ws, r, x, 0, f->tot_int);
            } else {
                worksheet_write_blank(ws, r, x, f->tot_text);
            }
        }
        free(tot);
        r++;
    }
    return r;
}

static int render_xlsx(const json_t *m, char **out, size_t *n, Err *e) {
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/ocop-report-XXXXXX.xlsx", dir);
    int fd = mkstemps(path, 5);
    if (fd < 0) return err_set(e, 500, "", "cannot create a temporary file in %s: %s", dir, strerror(errno));
    close(fd);
    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = (char *)dir, .use_zip64 = LXW_FALSE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        unlink(path);
        return err_set(e, 500, "", "cannot start the XLSX workbook");
    }
    lxw_worksheet *ws = workbook_add_worksheet(wb, str_eq(jstr(m, "language"), "en") ? "Report" : "Báo cáo");
    Fmt f = {0};
    f.bold = fmt_new(wb, true, false, NULL, false);
    f.title = fmt_new(wb, true, false, NULL, false);
    format_set_font_size(f.title, 14);
    f.center_bold = fmt_new(wb, true, false, NULL, false);
    f.italic = fmt_new(wb, false, false, NULL, false);
    format_set_italic(f.italic);
    f.head = fmt_new(wb, true, true, NULL, true);
    format_set_bg_color(f.head, 0xE6E6E6);
    format_set_align(f.head, LXW_ALIGN_CENTER);
    f.text = fmt_new(wb, false, true, NULL, true);
    f.integer = fmt_new(wb, false, true, "#,##0", false);
    f.real = fmt_new(wb, false, true, "#,##0.00", false);
    f.percent = fmt_new(wb, false, true, "0.00%", false);
    f.date = fmt_new(wb, false, true, "dd/mm/yyyy", false);
    f.tot_text = fmt_new(wb, true, true, NULL, true);
    f.tot_int = fmt_new(wb, true, true, "#,##0", false);
    f.tot_real = fmt_new(wb, true, true, "#,##0.00", false);
    f.tot_pct = fmt_new(wb, true, true, "0.00%", false);
    lxw_row_t r = 0;
    const json_t *v, *s;
    size_t i, j;
    json_array_foreach(json_object_get(m, "issuer"), i, v) worksheet_write_string(ws, r++, 0, json_string_value(v), f.bold);
    worksheet_write_string(ws, r++, 0, jstr(m, "number"), NULL);
    worksheet_write_string(ws, r++, 0, jstr(m, "dated"), f.italic);
    r++;
    worksheet_write_string(ws, r++, 0, jstr(m, "title"), f.title);
    worksheet_write_string(ws, r++, 0, jstr(m, "subject"), f.bold);
    r++;
    json_array_foreach(json_object_get(m, "summary"), i, v) worksheet_write_string(ws, r++, 0, json_string_value(v), NULL);
    r++;
    double width[64] = {0};
    json_array_foreach(json_object_get(m, "sections"), i, s) {
        worksheet_write_string(ws, r++, 0, jstr(s, "heading"), f.bold);
        json_array_foreach(json_object_get(s, "text"), j, v) worksheet_write_string(ws, r++, 0, json_string_value(v), NULL);
        const json_t *t = json_object_get(s, "table");
        if (t && json_array_size(json_object_get(t, "columns")) <= 64) r = xlsx_table(ws, &f, t, r, width);
        r++;
    }
    for (lxw_col_t c = 0; c < 64; c++)
        if (width[c] > 0) worksheet_set_column(ws, c, c, width[c] < 6 ? 6 : width[c], NULL);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9); /* A4 */
    worksheet_fit_to_pages(ws, 1, 0);
    lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) {
        unlink(path);
        return err_set(e, 500, "", "XLSX writer: %s", lxw_strerror(err));
    }
    FILE *fp = fopen(path, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0) {
        if (fp) fclose(fp);
        unlink(path);
        return err_set(e, 500, "", "cannot read back the XLSX file: %s", strerror(errno));
    }
    *n = (size_t)st.st_size;
    *out = xmalloc(*n ? *n : 1);
    size_t got = fread(*out, 1, *n, fp);
    fclose(fp);
    unlink(path);
    if (got != *n) {
        free(*out);
        *out = NULL;
        return err_set(e, 500, "", "cannot read back the XLSX file");
    }
    return 0;
}

/* ---- CSV ------------------------------------------------------------------------------------------- */

static int render_csv(const json_t *m, char **out, size_t *n, Err *e) {
    TableWriter *w = tablew_new(TABLE_CSV, NULL);
    Lang lang = str_eq(jstr(m, "language"), "en") ? LANG_EN : LANG_VI;
    const char *cells[64];
    const char *one[1] = {jstr(m, "subject")};
    tablew_row(w, one, 1);
    const json_t *s, *row;
    size_t i, j;
    json_array_foreach(json_object_get(m, "sections"), i, s) {
        const json_t *t = json_object_get(s, "table"), *cols = json_object_get(t, "columns");
        size_t nc = json_array_size(cols);
        if (!t || nc > 64) continue;
        tablew_row(w, NULL, 0);
        one[0] = jstr(s, "heading");
        tablew_row(w, one, 1);
        for (size_t c = 0; c < nc; c++) cells[c] = jstr(json_array_get(cols, c), "label");
        tablew_row(w, cells, (int)nc);
        char bufs[64][48];
        json_array_foreach(json_object_get(t, "rows"), j, row) {
            for (size_t c = 0; c < nc; c++) {
                const json_t *v = json_array_get(row, c), *col = json_array_get(cols, c);
                const char *type = jstr(col, "type");
                /* numbers in the C locale's form, which spreadsheets of either language read */
                if (str_eq(type, "sum")) snprintf(bufs[c], sizeof bufs[c], "%lld", (long long)cell_value(cols, row, c));
                else if (json_is_integer(v)) snprintf(bufs[c], sizeof bufs[c], "%lld", (long long)json_integer_value(v));
                else if (json_is_real(v)) snprintf(bufs[c], sizeof bufs[c], "%.2f", json_real_value(v));
                else {
                    cells[c] = json_string_value(v) ? json_string_value(v) : "";
                    continue;
                }
                cells[c] = bufs[c];
            }
            tablew_row(w, cells, (int)nc);
        }
        if (json_object_get(t, "total")) {
            double *tot = xcalloc(nc, sizeof *tot);
            totals(t, tot);
            size_t label = str_eq(jstr(json_array_get(cols, 0), "key"), "no") && nc > 1 ? 1 : 0;
            for (size_t c = 0; c < nc; c++) {
                const char *type = jstr(json_array_get(cols, c), "type");
                cells[c] = "";
                if (c == label) cells[c] = jstr(t, "total");
                else if (summed(type) && c > 0 && !str_eq(jstr(json_array_get(cols, c), "key"), "no")) {
                    if (str_eq(type, "pct") || tot[c] != (double)(long long)tot[c]) snprintf(bufs[c], sizeof bufs[c], "%.2f", tot[c]);
                    else snprintf(bufs[c], sizeof bufs[c], "%lld", (long long)tot[c]);
                    cells[c] = bufs[c];
                }
            }
            tablew_row(w, cells, (int)nc);
            free(tot);
        }
    }
    (void)lang;
    return tablew_finish(w, out, n, e);
}

int report_render(const json_t *m, ReportFormat f, char **out, size_t *n, Err *e) {
    *out = NULL;
    *n = 0;
    switch (f) {
    case REPORT_PDF: return render_pdf(m, out, n, e);
    case REPORT_XLSX: return render_xlsx(m, out, n, e);
    case REPORT_CSV: return render_csv(m, out, n, e);
    default: {
        char *s = json_dumps(m, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (!s) return err_set(e, 500, "", "cannot write the report as JSON");
        *n = strlen(s);
        *out = s;
        return 0;
    }
    }
}
