/*
** minutes.c: the minutes of a council's scoring as a PDF (minutes.h).
*/
#include "minutes.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "pdfdoc.h"
#include "i18n.h"
#include "util.h"

enum { W = 595, H = 842, LEFT = 57, RIGHT = 538, TOP = 50, BOTTOM = 800 }; /* A4 portrait, in points */
#define BODY "Noto Serif 13"
#define BOLD "Noto Serif Bold 13"

/* Where the pen is: the page being drawn and the line it writes next. */
typedef struct Pen {
    cairo_t *cr;
    PangoContext *ctx;
    double y;
} Pen;

/* The height of s in font wrapped to width w; drawn at (x, y) when draw. */
static double text_box(Pen *p, const char *s, const char *font, double x, double y, double w, PangoAlignment al,
                       bool draw, double *x0, double *x1) {
    PangoLayout *l = pdfdoc_layout(p->ctx, s, -1, font, w, al);
    PangoRectangle ink;
    pango_layout_get_extents(l, NULL, &ink);
    if (x0) *x0 = x + (double)ink.x / PANGO_SCALE;
    if (x1) *x1 = x + (double)(ink.x + ink.width) / PANGO_SCALE;
    if (draw) {
        cairo_move_to(p->cr, x, y);
        pango_cairo_show_layout(p->cr, l);
    }
    g_object_unref(l);
    return (double)ink.height / PANGO_SCALE;
}

/* Start a new page when h more points would not fit above the bottom margin. */
static void room(Pen *p, double h) {
    if (p->y + h <= BOTTOM) return;
    cairo_show_page(p->cr);
    p->y = TOP;
}

/* A paragraph of s across the text width (indented by indent), the pen moved below it. */
static void para(Pen *p, const char *s, const char *font, double indent, PangoAlignment al) {
    double h = text_box(p, s, font, LEFT + indent, p->y, RIGHT - LEFT - indent, al, false, NULL, NULL);
    room(p, h);
    p->y += text_box(p, s, font, LEFT + indent, p->y, RIGHT - LEFT - indent, al, true, NULL, NULL) + 2;
}

static void rule(cairo_t *cr, double x0, double x1, double y) {
    cairo_set_line_width(cr, 0.7);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
}

static const char *js(json_t *o, const char *k) {
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const char *js_or(json_t *o, const char *k, const char *dflt) {
    const char *v = js(o, k);
    return v && *v ? v : dflt;
}

/* "78,33" (Vietnamese decimals), whole numbers without them. */
static const char *num(double v, char out[32]) {
    return lang_num(LANG_VI, v, v == (double)(long long)v ? 0 : 2, out, 32);
}

/* The council and the national motto side by side, place and date, the title. */
static void heading(Pen *p, json_t *m) {
    double x0, x1;
    char *council = g_utf8_strup(js_or(m, "council_name", "Hội đồng đánh giá, phân hạng sản phẩm OCOP"), -1);
    double hl = text_box(p, council, "Noto Serif Bold 12.5", 30, TOP, 245, PANGO_ALIGN_CENTER, true, NULL, NULL);
    g_free(council);
    rule(p->cr, 30 + 92, 30 + 153, TOP + hl + 4);
    double h = text_box(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Noto Serif Bold 12.5", 280, TOP, 295, PANGO_ALIGN_CENTER,
                        true, NULL, NULL);
    double h2 = text_box(p, "Độc lập - Tự do - Hạnh phúc", "Noto Serif Bold 13.5", 280, TOP + h, 295, PANGO_ALIGN_CENTER,
                         true, &x0, &x1);
    rule(p->cr, x0, x1, TOP + h + h2 + 2);
    p->y = TOP + (hl > h + h2 ? hl : h + h2) + 12;
    const char *date = js_or(m, "date", "0000-00-00");
    char buf[256];
    snprintf(buf, sizeof buf, "%s, ngày %.2s tháng %.2s năm %.4s", js_or(m, "province_name", "…"), date + 8, date + 5, date);
    p->y += text_box(p, buf, "Noto Serif Italic 13", 280, p->y, 295, PANGO_ALIGN_CENTER, true, NULL, NULL) + 16;
    para(p, "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP", "Noto Serif Bold 15", 0, PANGO_ALIGN_CENTER);
    json_t *d = json_object_get(m, "dossier");
    snprintf(buf, sizeof buf, "Hồ sơ số %s%s%s · lượt chấm %lld", js_or(d, "reg_no", "—"), js(m, "round_name") ? " · " : "",
             js_or(m, "round_name", ""), (long long)json_integer_value(json_object_get(m, "pass")));
    para(p, buf, "Noto Serif Italic 12.5", 0, PANGO_ALIGN_CENTER);
    p->y += 8;
}

static const char *position_vi(const char *pos) {
    if (str_eq(pos, "chair")) return "Chủ tịch Hội đồng";
    if (str_eq(pos, "secretary")) return "Thư ký Hội đồng";
    return "Thành viên Hội đồng";
}

/* The member's name as printed: the full name, else the user name. */
static const char *who(json_t *member) { return js_or(member, "full_name", js_or(member, "username", "")); }

/* The member of m whose user id is uid, or NULL. */
static json_t *member_of(json_t *m, json_int_t uid) {
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(m, "members"), i, x)
        if (json_integer_value(json_object_get(x, "user_id")) == uid) return x;
    return NULL;
}

/* Was a sheet of the member's submitted in this pass (one of m's sheets)? */
static bool has_sheet(json_t *m, json_int_t uid) {
    json_t *s;
    size_t i;
    json_array_foreach(json_object_get(m, "sheets"), i, s)
        if (json_integer_value(json_object_get(s, "user_id")) == uid) return true;
    return false;
}

/* I, II, III: the meeting, who took part, the product. */
static void members_part(Pen *p, json_t *m) {
    char buf[1024];
    para(p, "I. THỜI GIAN, ĐỊA ĐIỂM", BOLD, 0, PANGO_ALIGN_LEFT);
    const char *date = js_or(m, "date", "0000-00-00");
    snprintf(buf, sizeof buf, "Ngày %.2s/%.2s/%.4s, tại %s, %s họp đánh giá, phân hạng sản phẩm theo Bộ tiêu chí OCOP %s.",
             date + 8, date + 5, date, js_or(m, "province_name", "…"), js_or(m, "council_name", "Hội đồng"),
             js_or(json_object_get(m, "dossier"), "rubric_version", ""));
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    p->y += 4;
    para(p, "II. THÀNH PHẦN", BOLD, 0, PANGO_ALIGN_LEFT);
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(m, "members"), i, x) {
        const char *conflict = js(x, "conflict");
        const char *status;
        char why[400];
        json_int_t uid = json_integer_value(json_object_get(x, "user_id"));
        if (conflict) {
            snprintf(why, sizeof why, "có mặt, không chấm điểm do xung đột lợi ích (%s)",
                     strncmp(conflict, "declared: ", 10) == 0 ? conflict + 10 : "phát hiện tự động");
            status = why;
        } else if (str_eq(js(x, "position"), "secretary")) {
            status = "có mặt, ghi biên bản";
        } else {
            status = has_sheet(m, uid) ? "có mặt, đã nộp phiếu chấm điểm" : "vắng mặt (không nộp phiếu chấm điểm)";
        }
        snprintf(buf, sizeof buf, "%zu. %s – %s%s%s: %s.", i + 1, who(x), position_vi(js(x, "position")),
                 js(x, "agency") ? ", " : "", js_or(x, "agency", ""), status);
        para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    }
    json_array_foreach(json_object_get(m, "advisors"), i, x) {
        snprintf(buf, sizeof buf, "Tổ tư vấn: %s%s%s.", js_or(x, "name", ""), js(x, "agency") ? ", " : "", js_or(x, "agency", ""));
        para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    }
    p->y += 4;
    para(p, "III. SẢN PHẨM ĐÁNH GIÁ", BOLD, 0, PANGO_ALIGN_LEFT);
    snprintf(buf, sizeof buf, "Sản phẩm: %s", js_or(m, "product_name", "—"));
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    snprintf(buf, sizeof buf, "Chủ thể: %s", js_or(m, "producer_name", "—"));
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    json_t *d = json_object_get(m, "dossier");
    snprintf(buf, sizeof buf, "Bộ sản phẩm %lld: %s", (long long)json_integer_value(json_object_get(d, "set")),
             js_or(m, "set_name", ""));
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    p->y += 4;
}

/* One row of the points table: cells at the columns' x, the first two left-aligned. */
static const double col_x[] = {LEFT, LEFT + 28, LEFT + 250, LEFT + 305, LEFT + 360, LEFT + 415, RIGHT};
static double table_row(Pen *p, const char *const cells[6], const char *font, bool draw) {
    double h = 0;
    for (int c = 0; c < 6; c++) {
        double w = col_x[c + 1] - col_x[c] - 6;
        double ch = text_box(p, cells[c], font, col_x[c] + 3, p->y + 3, w, c == 1 ? PANGO_ALIGN_LEFT : PANGO_ALIGN_CENTER,
                             draw, NULL, NULL);
        if (ch > h) h = ch;
    }
    return h + 6;
}

static void table_line(Pen *p, const char *const cells[6], const char *font) {
    double h = table_row(p, cells, font, false);
    room(p, h);
    table_row(p, cells, font, true);
    cairo_set_line_width(p->cr, 0.6);
    cairo_rectangle(p->cr, LEFT, p->y, RIGHT - LEFT, h);
    for (int c = 1; c < 6; c++) {
        cairo_move_to(p->cr, col_x[c], p->y);
        cairo_line_to(p->cr, col_x[c], p->y + h);
    }
    cairo_stroke(p->cr);
    p->y += h;
}

/* IV: each member's points by part and total, the average, the spread, the quorum, the stars. */
static void results_part(Pen *p, json_t *m) {
    char buf[1024], n1[32], n2[32], n3[32];
    para(p, "IV. KẾT QUẢ CHẤM ĐIỂM", BOLD, 0, PANGO_ALIGN_LEFT);
    const char *head[6] = {"TT", "Thành viên chấm điểm", "Phần A", "Phần B", "Phần C", "Tổng điểm"};
    table_line(p, head, "Noto Serif Bold 12");
    json_t *s;
    size_t i;
    double sum = 0;
    json_array_foreach(json_object_get(m, "sheets"), i, s) {
        json_t *parts = json_object_get(s, "parts");
        json_t *mem = member_of(m, json_integer_value(json_object_get(s, "user_id")));
        char no[24], a[24], b[24], c[24], t[24];
        snprintf(no, sizeof no, "%zu", i + 1);
        snprintf(a, sizeof a, "%lld", (long long)json_integer_value(json_object_get(parts, "A")));
        snprintf(b, sizeof b, "%lld", (long long)json_integer_value(json_object_get(parts, "B")));
        snprintf(c, sizeof c, "%lld", (long long)json_integer_value(json_object_get(parts, "C")));
        snprintf(t, sizeof t, "%lld", (long long)json_integer_value(json_object_get(s, "total")));
        sum += (double)json_integer_value(json_object_get(s, "total"));
        const char *row[6] = {no, mem ? who(mem) : js_or(s, "username", ""), a, b, c, t};
        table_line(p, row, "Noto Serif 12.5");
    }
    size_t nsheets = json_array_size(json_object_get(m, "sheets"));
    const char *avg = nsheets ? num((double)(long long)(sum / (double)nsheets * 100 + 0.5) / 100, n1) : "—";
    const char *last[6] = {"", "Điểm trung bình", "", "", "", avg};
    table_line(p, last, "Noto Serif Bold 12.5");
    p->y += 6;
    json_t *q = json_object_get(m, "quorum");
    snprintf(buf, sizeof buf, "Số thành viên đã nộp phiếu: %lld/%lld (cần tối thiểu %lld, có Chủ tịch Hội đồng)%s.",
             (long long)json_integer_value(json_object_get(q, "submitted")), (long long)json_integer_value(json_object_get(q, "scorers")),
             (long long)json_integer_value(json_object_get(q, "needed")),
             json_is_true(json_object_get(q, "met")) ? ": đủ điều kiện" : ": chưa đủ điều kiện");
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    json_t *sp = json_object_get(m, "spread");
    snprintf(buf, sizeof buf, "Chênh lệch giữa tổng điểm cao nhất và thấp nhất: %s điểm (ngưỡng %s điểm)%s.",
             num(json_real_value(json_object_get(sp, "points")), n2), num(json_real_value(json_object_get(sp, "threshold")), n3),
             json_is_true(json_object_get(sp, "flagged")) ? ", vượt ngưỡng: Hội đồng thảo luận, chấm lại hoặc chấp nhận có ý kiến"
                                                          : ", trong ngưỡng");
    para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
    json_t *res = json_object_get(m, "result");
    if (json_is_object(res)) {
        snprintf(buf, sizeof buf, "Kết quả: điểm trung bình %s/100; hạng theo điểm %lld sao; sau khi áp dụng các tiêu chí "
                                  "có mức tối thiểu: %lld sao.",
                 num(json_real_value(json_object_get(res, "avg_score")), n1), (long long)json_integer_value(json_object_get(res, "band")),
                 (long long)json_integer_value(json_object_get(res, "stars")));
        para(p, buf, BOLD, 12, PANGO_ALIGN_LEFT);
        json_t *u;
        Buf codes = BUF_INIT;
        json_array_foreach(json_object_get(res, "unmet_minimums"), i, u) {
            const char *code = json_is_string(u) ? json_string_value(u) : js(u, "code");
            if (code) buf_printf(&codes, "%s%s", codes.n ? ", " : "", code);
        }
        if (codes.n) {
            snprintf(buf, sizeof buf, "Các tiêu chí chưa đạt mức tối thiểu: %s.", buf_str(&codes));
            para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
        }
        buf_free(&codes);
    } else {
        para(p, "Kết quả: Hội đồng chưa kết thúc chấm điểm.", BOLD, 12, PANGO_ALIGN_LEFT);
    }
    p->y += 4;
}

/* The printed name of the member whose user name is username (username itself when none). */
static const char *name_of(json_t *m, const char *username) {
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(m, "members"), i, x)
        if (str_eq(js(x, "username"), username)) return who(x);
    return username ? username : "";
}

/* V, VI: the re-scorings and the closing with their comments; the members' comments. */
static void proceedings_part(Pen *p, json_t *m) {
    char buf[3000];
    para(p, "V. DIỄN BIẾN VÀ Ý KIẾN", BOLD, 0, PANGO_ALIGN_LEFT);
    json_t *ev;
    size_t i;
    bool any = false;
    json_array_foreach(json_object_get(m, "proceedings"), i, ev) {
        char when[24];
        bool rescore = str_eq(js(ev, "action"), "rescore");
        snprintf(buf, sizeof buf, "%s, %s: %s%s%s", stamp_vn(js(ev, "at"), when), name_of(m, js(ev, "user")), rescore ? "mở chấm lại do chênh lệch điểm" : "kết thúc chấm điểm",
                 js(ev, "comment") ? ". Ý kiến: " : "", js_or(ev, "comment", ""));
        para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
        any = true;
    }
    json_t *s;
    json_array_foreach(json_object_get(m, "sheets"), i, s) {
        json_t *mem = member_of(m, json_integer_value(json_object_get(s, "user_id")));
        const char *code;
        json_t *c;
        json_object_foreach(json_object_get(s, "comments"), code, c) {
            if (!json_is_string(c) || !*json_string_value(c)) continue;
            snprintf(buf, sizeof buf, "%s, tiêu chí %s: %s", mem ? who(mem) : js_or(s, "username", ""), code, json_string_value(c));
            para(p, buf, BODY, 12, PANGO_ALIGN_LEFT);
            any = true;
        }
    }
    if (!any) para(p, "Không có ý kiến khác.", BODY, 12, PANGO_ALIGN_LEFT);
    p->y += 4;
    para(p, "Biên bản được lập xong cùng ngày, đã thông qua các thành viên Hội đồng dự họp.", "Noto Serif Italic 13", 0,
         PANGO_ALIGN_LEFT);
}

/* The signature blocks: the secretary left, the chair right, with their names. */
static void signatures(Pen *p, json_t *m) {
    room(p, 120);
    p->y += 14;
    const char *chair = "", *secretary = "";
    json_t *x;
    size_t i;
    json_array_foreach(json_object_get(m, "members"), i, x) {
        if (str_eq(js(x, "position"), "chair")) chair = who(x);
        if (str_eq(js(x, "position"), "secretary")) secretary = who(x);
    }
    const double lx = LEFT, rx = 320, w = RIGHT - 320;
    double h = text_box(p, "THƯ KÝ HỘI ĐỒNG", BOLD, lx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
    text_box(p, "CHỦ TỊCH HỘI ĐỒNG", BOLD, rx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
    p->y += h;
    h = text_box(p, "(Ký, ghi rõ họ tên)", "Noto Serif Italic 12.5", lx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
    text_box(p, "(Ký, ghi rõ họ tên)", "Noto Serif Italic 12.5", rx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
    p->y += h + 62;
    text_box(p, secretary, BOLD, lx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
    text_box(p, chair, BOLD, rx, p->y, w, PANGO_ALIGN_CENTER, true, NULL, NULL);
}

int minutes_pdf(json_t *m, char **out, size_t *n, Err *e) {
    char title[512], date[40];
    snprintf(title, sizeof title, "Biên bản họp Hội đồng đánh giá, phân hạng sản phẩm OCOP: %s", js_or(m, "product_name", ""));
    snprintf(date, sizeof date, "%.10sT00:00:00+07:00", js_or(m, "date", "2000-01-01"));
    PdfDoc doc;
    pdfdoc_begin(&doc, W, H, &(PdfMeta){.title = title, .author = js_or(m, "council_name", "OCOP"), .date = date}, true);
    cairo_set_source_rgb(doc.cr, 0.1, 0.1, 0.1);
    Pen p = {doc.cr, doc.ctx, TOP};
    heading(&p, m);
    members_part(&p, m);
    results_part(&p, m);
    proceedings_part(&p, m);
    signatures(&p, m);
    return pdfdoc_finish(&doc, out, n, e);
}
