/*
** pdfdoc.h: what the PDF documents ocop writes (certificates: cert.c, council minutes:
** minutes.c, reports: report_render.c) share. Each is a cairo PDF 1.5 surface written into
** memory with its document information, and a Pango context on it; each lays out its text with
** Pango; and each ends the same way, the last page shown, the surface finished and its status
** checked.
*/
#ifndef OCOP_PDFDOC_H
#define OCOP_PDFDOC_H

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

typedef struct PdfDoc {
    Buf out;
    cairo_surface_t *surf;
    cairo_t *cr;
    PangoFontMap *fm;
    PangoContext *ctx;
} PdfDoc;

/* The document information dictionary; NULL fields are left out. date: ISO 8601
** ("2026-12-07T00:00:00+07:00"), both the creation and the modification date. The creator is
** "ocop VERSION". */
typedef struct PdfMeta {
    const char *title, *author, *subject, *keywords, *date;
} PdfMeta;

/* Begin a document of pages w x h points. points: Pango font sizes in points (resolution 72), as
** a document's are written; otherwise Pango's default of 96 per inch. */
void pdfdoc_begin(PdfDoc *d, double w, double h, const PdfMeta *meta, bool points);
/* End it: the last page shown, the surface finished. 0 with the file in *out (malloc'd) and *n;
** -1 with e (500) when cairo failed. d is released either way. */
int pdfdoc_finish(PdfDoc *d, char **out, size_t *n, Err *e);
/* Release d without a file (the drawing failed). */
void pdfdoc_abort(PdfDoc *d);

/* A layout of s[0..len) (len -1: up to the NUL) in font (a Pango description: "Noto Serif Bold
** 12"), wrapped word by word (characters when a word is longer) to width w points (0: not
** wrapped), aligned al. The caller unrefs it. */
PangoLayout *pdfdoc_layout(PangoContext *ctx, const char *s, int len, const char *font, double w, PangoAlignment al);

#endif
