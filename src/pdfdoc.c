/*
** pdfdoc.c: the beginning and end of ocop's PDF documents (see pdfdoc.h).
*/
#include "pdfdoc.h"

#include <cairo-pdf.h>
#include <glib-object.h>
#include <stdlib.h>

#include "util.h"

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int n) {
    buf_append(closure, data, n);
    return CAIRO_STATUS_SUCCESS;
}

void pdfdoc_begin(PdfDoc *d, double w, double h, const PdfMeta *meta, bool points) {
    d->out = (Buf)BUF_INIT;
    d->surf = cairo_pdf_surface_create_for_stream(collect, &d->out, w, h);
    cairo_pdf_surface_restrict_to_version(d->surf, CAIRO_PDF_VERSION_1_5);
    static const struct {
        size_t offset;
        cairo_pdf_metadata_t what;
    } fields[] = {
        {offsetof(PdfMeta, title), CAIRO_PDF_METADATA_TITLE},       {offsetof(PdfMeta, author), CAIRO_PDF_METADATA_AUTHOR},
        {offsetof(PdfMeta, subject), CAIRO_PDF_METADATA_SUBJECT},   {offsetof(PdfMeta, keywords), CAIRO_PDF_METADATA_KEYWORDS},
        {offsetof(PdfMeta, date), CAIRO_PDF_METADATA_CREATE_DATE}, {offsetof(PdfMeta, date), CAIRO_PDF_METADATA_MOD_DATE},
    };
    for (size_t i = 0; meta && i < sizeof fields / sizeof fields[0]; i++) {
        const char *v = *(const char *const *)((const char *)meta + fields[i].offset);
        if (v) cairo_pdf_surface_set_metadata(d->surf, fields[i].what, v);
    }
    cairo_pdf_surface_set_metadata(d->surf, CAIRO_PDF_METADATA_CREATOR, "ocop " OCOP_VERSION);
    d->cr = cairo_create(d->surf);
    d->fm = pango_cairo_font_map_new();
    d->ctx = pango_font_map_create_context(d->fm);
    if (points) pango_cairo_context_set_resolution(d->ctx, 72);
    pango_cairo_update_context(d->cr, d->ctx);
}

/* Everything but the file. */
static cairo_status_t release(PdfDoc *d) {
    g_object_unref(d->ctx);
    g_object_unref(d->fm);
    cairo_show_page(d->cr);
    cairo_destroy(d->cr);
    cairo_surface_finish(d->surf);
    cairo_status_t st = cairo_surface_status(d->surf);
    cairo_surface_destroy(d->surf);
    return st;
}

int pdfdoc_finish(PdfDoc *d, char **out, size_t *n, Err *e) {
    cairo_status_t st = release(d);
    if (st != CAIRO_STATUS_SUCCESS) {
        buf_free(&d->out);
        return err_set(e, 500, "", "cannot render the PDF: %s", cairo_status_to_string(st));
    }
    *n = d->out.n;
    *out = buf_take(&d->out);
    return 0;
}

void pdfdoc_abort(PdfDoc *d) {
    release(d);
    buf_free(&d->out);
}

PangoLayout *pdfdoc_layout(PangoContext *ctx, const char *s, int len, const char *font, double w, PangoAlignment al) {
    PangoLayout *l = pango_layout_new(ctx);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (w > 0) pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, al);
    pango_layout_set_text(l, s, len);
    return l;
}
