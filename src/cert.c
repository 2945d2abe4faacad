/*
** cert.c: the certificate of OCOP recognition as a signed PDF, and the signing keys (see
** cert.h for the payload and where the signature lives; docs/certificates.md for operators).
**
** Rendering: cairo's PDF surface with pango layouts in Noto Serif (fonts-noto-core); the stars
** fall back to Noto Sans Symbols2. pango hands cairo the text with its glyph clusters, so the
** PDF's ToUnicode maps give back exactly the Vietnamese that went in (pdftotext, copy and paste,
** search). Each rendering uses its own font map, released at the end: no per-thread font state
** lingers in the server.
*/
#include "cert.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "pdfdoc.h"
#include "text.h"
#include "rubric.h"
#include "util.h"


/* ---- payload ---------------------------------------------------------------------------------- */

/* The signed fields in payload order; stars (off == STARS) is the one integer. */
#define STARS ((size_t)-1)
static const struct {
    const char *name;
    size_t off;
    size_t max; /* bytes */
} signed_fields[] = {
    {"cert_no", offsetof(CertData, cert_no), 64},
    {"product_code", offsetof(CertData, product_code), 64},
    {"product_name", offsetof(CertData, product_name), 400},
    {"producer_name", offsetof(CertData, producer_name), 400},
    {"stars", STARS, 1},
    {"level", offsetof(CertData, level), 16},
    {"issuer", offsetof(CertData, issuer), 400},
    {"decision_no", offsetof(CertData, decision_no), 64},
    {"decision_date", offsetof(CertData, decision_date), 10},
    {"issued_on", offsetof(CertData, issued_on), 10},
    {"expires_on", offsetof(CertData, expires_on), 10},
    {"key_id", offsetof(CertData, key_id), 31},
    {"verify_url", offsetof(CertData, verify_url), 512},
};

static const char *field_get(const CertData *c, size_t off) {
    return *(const char *const *)((const char *)c + off);
}

static void field_set(CertData *c, size_t off, const char *v) {
    *(const char **)((char *)c + off) = v;
}

/* One line of UTF-8 in NFC without control characters: NULL, or why not. */
static const char *line_problem(const char *s) {
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n, NULL)) return "is not valid UTF-8";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7F) return "must be one line without control characters";
    char *nfc = text_nfc(s, n);
    bool same = nfc && strcmp(nfc, s) == 0;
    free(nfc);
    return same ? NULL : "must be in Unicode NFC";
}

/* The authority part of a key id: "86" of "86-2027". */
static void key_authority(const char *key_id, char out[8]) {
    size_t n = strcspn(key_id, "-");
    snprintf(out, 8, "%.*s", (int)(n < 7 ? n : 7), key_id);
}

bool cert_key_id_valid(const char *key_id) {
    if (!key_id) return false;
    const char *p = key_id;
    if (p[0] == 'b' && p[1] == 'o') p += 2;
    else if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') p += 2;
    else return false;
    if (!*p) return true;
    if (*p++ != '-') return false;
    size_t n = 0;
    for (; *p; p++, n++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) return false;
    return n >= 1 && n <= 12;
}

bool cert_url_public(const char *url) {
    if (!url) return false;
    const char *h = str_has_prefix(url, "https://") ? url + 8 : str_has_prefix(url, "http://") ? url + 7 : NULL;
    if (!h) return false;
    char host[256];
    size_t n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?#");
    if (n == 0 || n >= sizeof host) return false;
    for (size_t i = 0; i < n; i++) host[i] = (char)((h[i] >= 'A' && h[i] <= 'Z') ? h[i] + 32 : h[i]);
    host[n] = 0;
    while (n > 1 && host[n - 1] == '.') host[--n] = 0; /* "localhost." */
    /* Loopback and unspecified addresses (RFC 1122 3.2.1.3, RFC 4291 2.5.2-3, RFC 6761 6.3). */
    static const char *const local[] = {"localhost", "0.0.0.0", "[::1]", "[::]", "0", "[0:0:0:0:0:0:0:1]"};
    for (size_t i = 0; i < COUNT(local); i++)
        if (strcmp(host, local[i]) == 0) return false;
    if (n > 10 && strcmp(host + n - 10, ".localhost") == 0) return false;
    if (str_has_prefix(host, "127.") || str_has_prefix(host, "[::ffff:127.")) return false;
    return true;
}

/* Checks shared by cert_validate and the reader: presence, one line, dates, stars. */
static int check_shape(const CertData *c, Err *e) {
    for (size_t i = 0; i < COUNT(signed_fields); i++) {
        if (signed_fields[i].off == STARS) continue;
        const char *v = field_get(c, signed_fields[i].off), *name = signed_fields[i].name;
        if (!v || !*v) return err_set(e, 422, name, "%s is required", name);
        if (strlen(v) > signed_fields[i].max)
            return err_set(e, 422, name, "%s is longer than %zu bytes", name, signed_fields[i].max);
        const char *why = line_problem(v);
        if (why) return err_set(e, 422, name, "%s %s", name, why);
    }
    const Rubric *law = rubric_current();
    int lo = rubric_certified_stars(law), hi = law->band[0].stars;
    if (c->stars < lo || c->stars > hi)
        return err_set(e, 422, "stars", "only products of %d to %d stars get a certificate (got %d)", lo, hi, c->stars);
    const char *dates[] = {c->decision_date, c->issued_on, c->expires_on};
    const char *names[] = {"decision_date", "issued_on", "expires_on"};
    for (int i = 0; i < 3; i++)
        if (!date_valid(dates[i])) return err_set(e, 422, names[i], "%s must be a date YYYY-MM-DD", names[i]);
    if (strcmp(c->level, "province") && strcmp(c->level, "ministry"))
        return err_set(e, 422, "level", "%s must be province or ministry", "level");
    if (!cert_key_id_valid(c->key_id))
        return err_set(e, 422, "key_id", "%s must be a province code or 'bo', optionally with '-LABEL'", "key_id");
    if (!str_has_prefix(c->verify_url, "https://") && !str_has_prefix(c->verify_url, "http://"))
        return err_set(e, 422, "verify_url", "%s must be an http(s) address", "verify_url");
    return 0;
}

int cert_validate(const CertData *c, Err *e) {
    if (check_shape(c, e)) return -1;
    /* QĐ 26/2026/QĐ-TTg Điều 4.1: the province recognises 3★ and 4★, the Ministry 5★. */
    const char *want = c->stars == 5 ? "ministry" : "province";
    if (strcmp(c->level, want))
        return err_set(e, 422, "level", "a %d-star product is recognised at level %s, not %s", c->stars, want, c->level);
    char auth[8];
    key_authority(c->key_id, auth);
    if ((strcmp(auth, "bo") == 0) != (c->stars == 5))
        return err_set(e, 422, "key_id", "key %s does not belong to the %s that recognises %d-star products", c->key_id,
                       c->stars == 5 ? "Ministry" : "province", c->stars);
    if (strcmp(c->issued_on, c->decision_date) < 0)
        return err_set(e, 422, "issued_on", "%s %s is before the decision of %s", "issued_on", c->issued_on, c->decision_date);
    char until[11];
    /* QĐ 26/2026 Điều 4.3: valid 36 months from its issue (rule certificate_valid_months). */
    int months = (int)rubric_rule_num(rubric_current(), "certificate_valid_months");
    date_add_months(c->issued_on, months, until);
    if (strcmp(until, c->expires_on))
        return err_set(e, 422, "expires_on", "%s must be %s: %d months after issued_on", "expires_on", until, months);
    for (const char *p = c->verify_url; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
            return err_set(e, 422, "verify_url", "%s must be plain ASCII without spaces (percent-encode the rest)", "verify_url");
    return 0;
}

/* The canonical payload of c into b, with no checks. */
static void payload_build(const CertData *c, Buf *b) {
    buf_puts(b, CERT_MAGIC "\n");
    for (size_t i = 0; i < COUNT(signed_fields); i++) {
        if (signed_fields[i].off == STARS) buf_printf(b, "stars=%d\n", c->stars);
        else buf_printf(b, "%s=%s\n", signed_fields[i].name, field_get(c, signed_fields[i].off));
    }
}

int cert_payload(const CertData *c, char **out, size_t *n, Err *e) {
    if (cert_validate(c, e)) return -1;
    Buf b = BUF_INIT;
    payload_build(c, &b);
    *n = b.n;
    *out = buf_take(&b);
    return 0;
}

static char *b64(const unsigned char *bin, size_t n) {
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
    char *s = xmalloc(len);
    sodium_bin2base64(s, len, bin, n, sodium_base64_VARIANT_ORIGINAL);
    return s;
}

void cert_fingerprint(const unsigned char sig[crypto_sign_BYTES], char out[24]) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, sig, crypto_sign_BYTES);
    snprintf(out, 24, "%02X%02X-%02X%02X-%02X%02X-%02X%02X", h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
}

/* Sign c: the signature string into *str (malloc'd) and the raw signature into sig. */
static int sign(const CertData *c, const unsigned char *sk, char **str, unsigned char sig[crypto_sign_BYTES], Err *e) {
    char *payload;
    size_t n;
    if (cert_payload(c, &payload, &n, e)) return -1;
    crypto_sign_detached(sig, NULL, (const unsigned char *)payload, n, sk);
    char *p64 = b64((const unsigned char *)payload, n), *s64 = b64(sig, crypto_sign_BYTES);
    Buf b = BUF_INIT;
    buf_printf(&b, "%s %s %s", CERT_MAGIC, p64, s64);
    free(payload);
    free(p64);
    free(s64);
    *str = buf_take(&b);
    return 0;
}

int cert_signature_string(const CertData *c, const unsigned char sk[crypto_sign_SECRETKEYBYTES], char **out, Err *e) {
    unsigned char sig[crypto_sign_BYTES];
    return sign(c, sk, out, sig, e);
}

/* ---- the PDF ----------------------------------------------------------------------------------- */

static unsigned char *unb64(const char *s, size_t n, size_t *len);

enum { PAGE_W = 842, PAGE_H = 595 }; /* A4 landscape, in points */
#define RED 0x9B1C1CU
#define INK 0x1A1A1AU
#define GOLD 0xC9971CU
#define GREY 0x555555U

typedef struct Page {
    cairo_t *cr;
    PangoContext *ctx;
} Page;

static void rgb(cairo_t *cr, unsigned c) {
    cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

/* A layout of s[0..len) (len -1: up to the NUL) in font (a pango description: "Noto Serif Bold
** 12") wrapped to width w. The caller hands it to show(). */
static PangoLayout *layout_new(Page *p, const char *s, int len, const char *font, double w, PangoAlignment al) {
    return pdfdoc_layout(p->ctx, s, len, font, w, al);
}

/* Draw l (and release it) with its top-left corner at (x, y); returns the height used. x0/x1
** (may be NULL) receive the horizontal extent of the text. */
static double show(Page *p, PangoLayout *l, double x, double y, double *x0, double *x1) {
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    if (x0) *x0 = x + (double)logical.x / PANGO_SCALE;
    if (x1) *x1 = x + (double)(logical.x + logical.width) / PANGO_SCALE;
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
    return (double)logical.height / PANGO_SCALE;
}

/* Draw s in font and color wrapped to width w at (x, y); see show(). */
static double put(Page *p, const char *s, const char *font, double x, double y, double w, PangoAlignment al,
                  unsigned color, double *x0, double *x1) {
    rgb(p->cr, color);
    return show(p, layout_new(p, s, -1, font, w, al), x, y, x0, x1);
}

static double centered(Page *p, const char *s, const char *font, double y, unsigned color) {
    return put(p, s, font, 60, y, PAGE_W - 120, PANGO_ALIGN_CENTER, color, NULL, NULL);
}

/* The QR code of url (ECC level M) as filled rectangles, its top-left at (x, y), size side
** including the quiet zone of 4 modules. Runs of dark modules become one rectangle each, so
** there are no hairline seams between modules. */
static int draw_qr(cairo_t *cr, const char *url, double x, double y, double side, Err *e) {
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return err_set(e, 500, "verify_url", "cannot encode the QR code: %s", strerror(errno));
    int w = q->width;
    double m = side / (w + 8);
    rgb(cr, 0xFFFFFF);
    cairo_rectangle(cr, x, y, side, side);
    cairo_fill(cr);
    rgb(cr, 0x000000);
    for (int r = 0; r < w; r++) {
        for (int col = 0; col < w;) {
            if (!(q->data[r * w + col] & 1)) {
                col++;
                continue;
            }
            int start = col;
            while (col < w && (q->data[r * w + col] & 1)) col++;
            cairo_rectangle(cr, x + (start + 4) * m, y + (r + 4) * m, (col - start) * m, m);
        }
    }
    cairo_fill(cr);
    QRcode_free(q);
    return 0;
}

static void frame(cairo_t *cr) {
    rgb(cr, RED);
    cairo_set_line_width(cr, 3);
    cairo_rectangle(cr, 18, 18, PAGE_W - 36, PAGE_H - 36);
    cairo_stroke(cr);
    rgb(cr, GOLD);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, 25, 25, PAGE_W - 50, PAGE_H - 50);
    cairo_stroke(cr);
}

static void hline(cairo_t *cr, double x0, double x1, double y) {
    rgb(cr, INK);
    cairo_set_line_width(cr, 0.7);
    cairo_move_to(cr, x0, y);
    cairo_line_to(cr, x1, y);
    cairo_stroke(cr);
}

static PangoAttribute *attr_color(unsigned c, size_t from, size_t to) {
    PangoAttribute *a = pango_attr_foreground_new((guint16)(((c >> 16) & 255) * 257), (guint16)(((c >> 8) & 255) * 257),
                                                  (guint16)((c & 255) * 257));
    a->start_index = (guint)from;
    a->end_index = (guint)to;
    return a;
}

/* One centred line: N gold stars, then "Đạt hạng N sao" in red. The stars come from Noto Sans
** Symbols2 (Noto Serif has no U+2605). Returns the height used. */
static double stars_line(Page *p, int stars, double y) {
    Buf b = BUF_INIT;
    for (int i = 0; i < stars; i++) buf_puts(&b, "★");
    size_t star_bytes = b.n;
    buf_printf(&b, "  Đạt hạng %d sao", stars);
    PangoLayout *l = layout_new(p, b.p, (int)b.n, "Noto Serif, Noto Sans Symbols2 Bold 15", PAGE_W - 120,
                                PANGO_ALIGN_CENTER);
    PangoAttrList *al = pango_attr_list_new();
    PangoAttribute *big = pango_attr_size_new(22 * PANGO_SCALE);
    big->start_index = 0;
    big->end_index = (guint)star_bytes;
    pango_attr_list_insert(al, big);
    pango_attr_list_insert(al, attr_color(GOLD, 0, star_bytes));
    pango_attr_list_insert(al, attr_color(RED, star_bytes, b.n));
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
    double h = show(p, l, 60, y, NULL, NULL);
    buf_free(&b);
    return h;
}

/* The page itself. */
static int draw(Page *p, const CertData *c, const char *fingerprint, Err *e) {
    cairo_t *cr = p->cr;
    frame(cr);
    char buf[1024], d1[11], d2[11], d3[11];
    double x0, x1;

    /* Header: the issuing authority left, the national motto right (Nghị định 30/2020/NĐ-CP). */
    char *issuer_up = g_utf8_strup(c->issuer, -1);
    double h = put(p, issuer_up, "Noto Serif Bold 11.5", 45, 42, 330, PANGO_ALIGN_CENTER, INK, NULL, NULL);
    g_free(issuer_up);
    hline(cr, 45 + 165 - 40, 45 + 165 + 40, 42 + h + 4); /* a short rule under the agency */
    snprintf(buf, sizeof buf, "Số: %s", c->cert_no);
    put(p, buf, "Noto Serif 11.5", 45, 42 + h + 10, 330, PANGO_ALIGN_CENTER, INK, NULL, NULL);
    h = put(p, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Noto Serif Bold 11.5", 390, 42, 410, PANGO_ALIGN_CENTER, INK,
            NULL, NULL);
    double h2 = put(p, "Độc lập - Tự do - Hạnh phúc", "Noto Serif Bold 12.5", 390, 42 + h, 410, PANGO_ALIGN_CENTER, INK,
                    &x0, &x1);
    hline(cr, x0, x1, 42 + h + h2 + 2);

    /* Title and the product; a long product name gets a smaller size. */
    double y = 110;
    y += centered(p, "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "Noto Serif Bold 24", y, RED);
    y += centered(p, "Chương trình Mỗi xã một sản phẩm", "Noto Serif Italic 11", y, GREY) + 8;
    y += centered(p, "Chứng nhận sản phẩm", "Noto Serif 12", y, INK);
    y += centered(p, c->product_name, text_chars(c->product_name, strlen(c->product_name)) > 60 ? "Noto Serif Bold 17"
                                                                                              : "Noto Serif Bold 21",
                  y, INK);
    if (c->set_name && *c->set_name) snprintf(buf, sizeof buf, "Mã sản phẩm: %s   ·   Bộ sản phẩm: %s", c->product_code, c->set_name);
    else snprintf(buf, sizeof buf, "Mã sản phẩm: %s", c->product_code);
    y += centered(p, buf, "Noto Serif 11", y, INK) + 4;
    snprintf(buf, sizeof buf, "Chủ thể: %s", c->producer_name);
    y += centered(p, buf, "Noto Serif Bold 13", y, INK);
    if (c->producer_address && *c->producer_address) {
        snprintf(buf, sizeof buf, "Địa chỉ: %s", c->producer_address);
        y += centered(p, buf, "Noto Serif 11", y, INK);
    }
    y += 4 + stars_line(p, c->stars, y) + 2;
    lang_date(c->decision_date, d1);
    snprintf(buf, sizeof buf, "Theo Quyết định số %s ngày %s của %s", c->decision_no, d1, c->issuer);
    y += centered(p, buf, "Noto Serif 11.5", y, INK);
    /* expires_on is the first day it is no longer valid (36 months after the issue date). */
    char last[11];
    date_add_days(c->expires_on, -1, last);
    lang_date(last, d2);
    snprintf(buf, sizeof buf, "Có giá trị đến hết ngày %s", d2);
    y += centered(p, buf, "Noto Serif Bold 12.5", y, INK);

    /* Bottom left: the QR code and the signature line. */
    double qs = 96, qy = PAGE_H - 40 - qs;
    if (draw_qr(cr, c->verify_url, 40, qy, qs, e)) return -1;
    lang_date(c->issued_on, d3);
    snprintf(buf, sizeof buf,
             "Quét mã QR để tra cứu tình trạng hiện hành của giấy chứng nhận:\n%s\n"
             "Số giấy chứng nhận: %s, cấp ngày %s\n"
             "Chữ ký số Ed25519, khóa %s, dấu vân tay %s",
             c->verify_url, c->cert_no, d3, c->key_id, fingerprint);
    /* The page's typeface, large and dark enough to read (and scan) on a printed copy. */
    put(p, buf, "Noto Serif 7.5", 40 + qs + 4, qy + 8, 326, PANGO_ALIGN_LEFT, INK, NULL, NULL);

    /* Bottom right: place and date (Nghị định 30/2020/NĐ-CP: "Vĩnh Long, ngày 07 tháng 12 năm
    ** 2026"), signer; below the body however long it ran. */
    snprintf(buf, sizeof buf, "%s%sngày %.2s tháng %.2s năm %.4s", c->place && *c->place ? c->place : "",
             c->place && *c->place ? ", " : "", c->issued_on + 8, c->issued_on + 5, c->issued_on);
    double sy = y + 10 > 372 ? y + 10 : 372;
    sy += put(p, buf, "Noto Serif Italic 12", 470, sy, 330, PANGO_ALIGN_CENTER, INK, NULL, NULL);
    if (c->signer_title && *c->signer_title) {
        char *title = xstrdup(c->signer_title);
        for (char *q = title; *q; q++)
            if (*q == '/') *q = '\n';
        put(p, title, "Noto Serif Bold 12", 470, sy, 330, PANGO_ALIGN_CENTER, INK, NULL, NULL);
        free(title);
    }
    if (c->signer_name && *c->signer_name)
        put(p, c->signer_name, "Noto Serif Bold 13", 470, PAGE_H - 40 - 20, 330, PANGO_ALIGN_CENTER, INK, NULL, NULL);
    return 0;
}

/* ---- the page signature ------------------------------------------------------------------------
** The signature string covers the certificate's fields, not the page that shows them. So the PDF
** also carries, after the signature string in its Keywords, "ocop-pdf-v1 " and the base64 of an
** Ed25519 signature (same key) over the whole file as it is with those 88 characters replaced by
** PAGE_BLANK (the base64 of 64 zero bytes). Any change to the file (a word of the visible page,
** a font, an image, an added page) breaks it, and checking it needs only the public key, no PDF
** library and no renderer of the same version. */
#define PAGE_MAGIC "ocop-pdf-v1"
#define PAGE_BLANK "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="
enum { PAGE_SIG_LEN = sizeof PAGE_BLANK - 1 };

/* The one place of the page signature in data[0..n): its offset, or -1 when there is none
** and -2 when there are several. */
static long page_sig_at(const char *data, size_t n) {
    static const char marker[] = PAGE_MAGIC " ";
    long at = -1;
    for (const char *p = data, *end = data + n; p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), marker, sizeof marker - 1);
        if (!hit) break;
        if (at >= 0) return -2;
        at = (long)(hit - data) + (long)sizeof marker - 1;
        p = hit + sizeof marker - 1;
    }
    if (at >= 0 && (size_t)at + PAGE_SIG_LEN > n) return -1;
    return at;
}

/* Sign the finished PDF pdf[0..n) in place: its PAGE_BLANK becomes the page signature. */
static int sign_page(char *pdf, size_t n, const unsigned char *sk, Err *e) {
    long at = page_sig_at(pdf, n);
    if (at < 0 || memcmp(pdf + at, PAGE_BLANK, PAGE_SIG_LEN))
        return err_set(e, 500, "", "cannot sign the page: cairo did not write the Keywords as expected");
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, NULL, (const unsigned char *)pdf, n, sk);
    char *s64 = b64(sig, sizeof sig);
    memcpy(pdf + at, s64, PAGE_SIG_LEN);
    free(s64);
    return 0;
}

bool cert_is_pdf(const char *data, size_t n) { return n >= 5 && memcmp(data, "%PDF-", 5) == 0; }

int cert_check_page(const char *data, size_t n, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], Err *e) {
    long at = page_sig_at(data, n);
    if (at == -2) return err_set(e, 422, "", "the PDF holds more than one page signature (%s): it was altered", PAGE_MAGIC);
    if (at < 0)
        return err_set(e, 422, "",
                       "the PDF's page is not signed (no %s): the signature string was copied into a file ocop did "
                       "not issue, or the certificate predates page signatures; only the fields printed below are "
                       "signed, not what the page shows",
                       PAGE_MAGIC);
    size_t len;
    unsigned char *sig = unb64(data + at, PAGE_SIG_LEN, &len);
    int rc = 0;
    if (!sig || len != crypto_sign_BYTES) rc = err_set(e, 422, "", "the PDF's page signature is not base64");
    else {
        char *copy = xmalloc(n);
        memcpy(copy, data, n);
        memcpy(copy + at, PAGE_BLANK, PAGE_SIG_LEN);
        if (crypto_sign_verify_detached(sig, (const unsigned char *)copy, n, pk))
            rc = err_set(e, 422, "",
                         "the page does not match its signature: the PDF was altered after it was issued, so what it "
                         "shows may differ from what was signed");
        free(copy);
    }
    free(sig);
    return rc;
}

int cert_pdf(const CertData *c, const unsigned char sk[crypto_sign_SECRETKEYBYTES], char **out, size_t *n, Err *e) {
    /* The printed-only fields obey the same one-line rule as the signed ones. */
    const char *extra[] = {c->producer_address, c->set_name, c->signer_name, c->signer_title, c->place};
    const char *extra_names[] = {"producer_address", "set_name", "signer_name", "signer_title", "place"};
    for (size_t i = 0; i < COUNT(extra); i++) {
        if (!extra[i]) continue;
        const char *why = strlen(extra[i]) > 400 ? "is longer than 400 bytes" : line_problem(extra[i]);
        if (why) return err_set(e, 422, extra_names[i], "%s %s", extra_names[i], why);
    }
    char *sigstr;
    unsigned char sig[crypto_sign_BYTES];
    if (sign(c, sk, &sigstr, sig, e)) return -1;
    char fp[24];
    cert_fingerprint(sig, fp);

    char date[40], title[256];
    snprintf(date, sizeof date, "%sT00:00:00+07:00", c->issued_on);
    snprintf(title, sizeof title, "Giấy chứng nhận sản phẩm OCOP số %s", c->cert_no);
    /* Plain ASCII without parentheses or backslashes: cairo writes it as a literal string. The
    ** page signature's place is held by PAGE_BLANK until the file is complete (sign_page). */
    char *keywords = xmalloc(strlen(sigstr) + sizeof " " PAGE_MAGIC " " PAGE_BLANK);
    sprintf(keywords, "%s %s %s", sigstr, PAGE_MAGIC, PAGE_BLANK);
    PdfDoc doc;
    pdfdoc_begin(&doc, PAGE_W, PAGE_H,
                 &(PdfMeta){.title = title, .author = c->issuer, .subject = c->product_name, .keywords = keywords, .date = date},
                 false);
    free(keywords);
    free(sigstr);
    Page page = {doc.cr, doc.ctx};
    if (draw(&page, c, fp, e)) {
        pdfdoc_abort(&doc);
        return -1;
    }
    if (pdfdoc_finish(&doc, out, n, e)) return -1;
    if (sign_page(*out, *n, sk, e)) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* ---- reading and checking ---------------------------------------------------------------------- */

static bool is_b64(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '+' ||
           ch == '/' || ch == '=';
}

/* Decode b64[0..n) into a new buffer (NUL-terminated) of *len bytes; NULL when malformed. */
static unsigned char *unb64(const char *s, size_t n, size_t *len) {
    unsigned char *bin = xmalloc(n / 4 * 3 + 4);
    const char *end;
    if (sodium_base642bin(bin, n / 4 * 3 + 3, s, n, NULL, len, &end, sodium_base64_VARIANT_ORIGINAL) ||
        end != s + n) {
        free(bin);
        return NULL;
    }
    bin[*len] = 0;
    return bin;
}

/* Parse the payload p[0..n) into s->c (strings in s->fields). -1 with e when not canonical. */
static int parse_payload(CertSigned *s, const char *p, size_t n, Err *e) {
    if (!text_utf8_valid(p, n, NULL) || memchr(p, 0, n))
        return err_set(e, 422, "", "malformed certificate signature: the payload is not UTF-8 text");
    s->fields = xstrndup(p, n);
    char *line = s->fields, *nl = strchr(line, '\n');
    if (!nl || strncmp(line, CERT_MAGIC "\n", sizeof CERT_MAGIC) != 0)
        return err_set(e, 422, "", "malformed certificate signature: the payload does not start with %s", CERT_MAGIC);
    line = nl + 1;
    for (size_t i = 0; i < COUNT(signed_fields); i++) {
        nl = strchr(line, '\n');
        size_t k = strlen(signed_fields[i].name);
        if (!nl || strncmp(line, signed_fields[i].name, k) || line[k] != '=')
            return err_set(e, 422, "", "malformed certificate signature: field %s missing or out of order",
                           signed_fields[i].name);
        *nl = 0;
        const char *v = line + k + 1;
        if (signed_fields[i].off == STARS) {
            int64_t st;
            if (!parse_i64(v, &st) || st < 0 || st > 9 || strlen(v) != 1)
                return err_set(e, 422, "", "malformed certificate signature: stars is not a digit");
            s->c.stars = (int)st;
        } else field_set(&s->c, signed_fields[i].off, v);
        line = nl + 1;
    }
    if (*line) return err_set(e, 422, "", "malformed certificate signature: text after the last field");
    Err fe = ERR_INIT;
    if (check_shape(&s->c, &fe)) return err_set(e, 422, fe.field, "malformed certificate signature: %s", fe.detail);
    /* Canonical: building the payload again gives the same bytes. */
    Buf b = BUF_INIT;
    payload_build(&s->c, &b);
    bool same = b.n == n && memcmp(b.p, p, n) == 0;
    buf_free(&b);
    if (!same) return err_set(e, 422, "", "malformed certificate signature: the payload is not in canonical form");
    return 0;
}

int cert_read(const char *data, size_t n, CertSigned *s, Err *e) {
    memset(s, 0, sizeof *s);
    static const char marker[] = CERT_MAGIC " ";
    const size_t mlen = sizeof marker - 1;
    const char *found = NULL;
    size_t found_len = 0;
    for (const char *p = data, *end = data + n; p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), marker, mlen);
        if (!hit) break;
        const char *q = hit + mlen;
        while (q < end && is_b64(*q)) q++;
        if (q < end && *q == ' ') q++;
        while (q < end && is_b64(*q)) q++;
        size_t len = (size_t)(q - hit);
        if (found && (len != found_len || memcmp(found, hit, len)))
            return err_set(e, 422, "", "the file holds two different certificate signatures");
        found = hit;
        found_len = len;
        p = q;
    }
    if (!found) return err_set(e, 422, "", "not an ocop certificate: no %s signature found", CERT_MAGIC);
    const char *a = found + mlen, *sp = memchr(a, ' ', found_len - mlen);
    if (!sp) return err_set(e, 422, "", "malformed certificate signature: the signature is missing");
    const char *b = sp + 1, *bend = found + found_len;
    if ((size_t)(sp - a) > 16384) return err_set(e, 422, "", "malformed certificate signature: the payload is too long");
    size_t plen, slen;
    unsigned char *payload = unb64(a, (size_t)(sp - a), &plen);
    if (!payload) return err_set(e, 422, "", "malformed certificate signature: the payload is not base64");
    unsigned char *sig = unb64(b, (size_t)(bend - b), &slen);
    if (!sig || slen != crypto_sign_BYTES) {
        free(payload);
        free(sig);
        return err_set(e, 422, "", "malformed certificate signature: the signature is not %d bytes of base64",
                       crypto_sign_BYTES);
    }
    memcpy(s->sig, sig, crypto_sign_BYTES);
    free(sig);
    s->payload = (char *)payload;
    s->payload_n = plen;
    cert_fingerprint(s->sig, s->fingerprint);
    if (parse_payload(s, s->payload, plen, e)) {
        cert_signed_free(s);
        return -1;
    }
    return 0;
}

int cert_check(const CertSigned *s, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], Err *e) {
    if (crypto_sign_verify_detached(s->sig, (const unsigned char *)s->payload, s->payload_n, pk))
        return err_set(e, 422, "",
                       "signature does not match (the certificate was altered or signed by another key)");
    return 0;
}

int cert_verify_pdf(const char *data, size_t n, const unsigned char pk[crypto_sign_PUBLICKEYBYTES], CertSigned *s,
                    Err *e) {
    if (cert_read(data, n, s, e)) return -1;
    if (cert_check(s, pk, e) || (cert_is_pdf(data, n) && cert_check_page(data, n, pk, e))) {
        cert_signed_free(s);
        return -1;
    }
    return 0;
}

void cert_signed_free(CertSigned *s) {
    free(s->payload);
    free(s->fields);
    memset(s, 0, sizeof *s);
}

json_t *cert_signed_json(const CertSigned *s) {
    json_t *o = json_object();
    for (size_t i = 0; i < COUNT(signed_fields); i++) {
        if (signed_fields[i].off == STARS) json_object_set_new(o, "stars", json_integer(s->c.stars));
        else json_object_set_new(o, signed_fields[i].name, json_string(field_get(&s->c, signed_fields[i].off)));
    }
    json_object_set_new(o, "fingerprint", json_string(s->fingerprint));
    return o;
}

/* ---- keys -------------------------------------------------------------------------------------- */

void cert_keys_dir(const char *db_path, char *out, size_t n) {
    const char *slash = strrchr(db_path, '/');
    if (slash) snprintf(out, n, "%.*s/keys", (int)(slash - db_path), db_path);
    else snprintf(out, n, "keys");
}

static void key_path(const char *keys_dir, const char *key_id, char *out, size_t n) {
    snprintf(out, n, "%s/%s.key", keys_dir, key_id);
}

static int check_key_id(const char *key_id, Err *e) {
    if (!cert_key_id_valid(key_id))
        return err_set(e, 422, "key_id",
                       "a key id is a 2025 province code ('86') or 'bo' (the Ministry), optionally followed by "
                       "'-' and up to 12 lowercase letters or digits ('86-2027'); got '%s'",
                       key_id ? key_id : "");
    return 0;
}

/* Write the secret key file (exclusively: never over an existing one). */
static int write_secret(const char *path, const char *key_id, const unsigned char seed[crypto_sign_SEEDBYTES], Err *e) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return err_set(e, 409, "key_id", "a secret key file already exists: %s (move it away first if it is not in use)",
                           path);
        return err_set(e, 500, "", "cannot create %s: %s", path, strerror(errno));
    }
    char hex[crypto_sign_SEEDBYTES * 2 + 1], text[256];
    sodium_bin2hex(hex, sizeof hex, seed, crypto_sign_SEEDBYTES);
    int len = snprintf(text, sizeof text,
                       "# ocop signing key %s: Ed25519 seed (hex). SECRET: whoever holds it signs certificates.\n%s\n",
                       key_id, hex);
    bool ok = write(fd, text, (size_t)len) == len && fsync(fd) == 0;
    sodium_memzero(hex, sizeof hex);
    sodium_memzero(text, sizeof text);
    if (close(fd) || !ok) {
        unlink(path);
        return err_set(e, 500, "", "cannot write %s: %s", path, strerror(errno));
    }
    return 0;
}

/* Signing keys are the operator's: made and retired on the server's command line (ocop key) or
** by an administrator on /quan-tri/khoa-ky; the secret key never leaves the server either way. */
static int operator_only(const Actor *who, Err *e) {
    return actor_is_system(who) || (actor_auth(who) && actor_can(who, PERM_ADMIN))
               ? 0
               : err_set(e, 403, "", "signing keys are managed by the administrators (ocop key on the server)");
}

int cert_key_generate(Db *db, const Actor *who, const char *keys_dir, const char *key_id,
                      unsigned char pk_out[crypto_sign_PUBLICKEYBYTES], Err *e) {
    if (operator_only(who, e) || check_key_id(key_id, e)) return -1;
    char auth[8];
    key_authority(key_id, auth);
    bool ministry = strcmp(auth, "bo") == 0;
    if (!ministry &&
        db_int1(db, "SELECT count(*) FROM units WHERE geo = '2025' AND level = 'province' AND code = ?", auth) == 0)
        return err_set(e, 422, "key_id", "no province has the code %s in the 2025 geography", auth);
    if (mkdir(keys_dir, 0700) && errno != EEXIST) return err_set(e, 500, "", "cannot create %s: %s", keys_dir, strerror(errno));
    char path[4200];
    key_path(keys_dir, key_id, path, sizeof path);

    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    randombytes_buf(seed, sizeof seed);
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(sk, sizeof sk);
    char pkhex[crypto_sign_PUBLICKEYBYTES * 2 + 1], now[32];
    sodium_bin2hex(pkhex, sizeof pkhex, pk, sizeof pk);
    ts_now(now);

    if (db_begin(db, e)) return -1;
    if (db_int1(db, "SELECT count(*) FROM signing_keys WHERE key_id = ?", key_id) > 0) {
        db_rollback(db);
        sodium_memzero(seed, sizeof seed);
        return err_set(e, 409, "key_id", "the key %s already exists; retire it and make a new one ('%s-2', ...) to rotate",
                       key_id, auth);
    }
    Stmt *s = db_prepare(db, "INSERT INTO signing_keys (key_id, public_key, created_at) VALUES (?, ?, ?)");
    db_bind_text(s, 1, key_id);
    db_bind_text(s, 2, pkhex);
    db_bind_text(s, 3, now);
    int rc = db_step(s);
    db_done(s);
    if (rc != DB_DONE) {
        db_rollback(db);
        sodium_memzero(seed, sizeof seed);
        return err_set(e, 500, "", "cannot record the key: %s", db_errmsg(db));
    }
    json_t *after = json_pack("{ssssss}", "key_id", key_id, "public_key", pkhex, "created_at", now);
    char *after_s = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(after);
    rc = audit_append(db, who, "create", "signing_keys", key_id, ministry ? NULL : auth, NULL, after_s, e);
    free(after_s);
    if (!rc) rc = write_secret(path, key_id, seed, e);
    sodium_memzero(seed, sizeof seed);
    if (rc) {
        db_rollback(db);
        return -1;
    }
    if (db_commit(db, e)) {
        unlink(path);
        return -1;
    }
    if (pk_out) memcpy(pk_out, pk, sizeof pk);
    return 0;
}

/* Read the secret key file path into sk: 404 when there is none, 500 when unreadable. */
static int read_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], Err *e);

int cert_key_load_secret(const char *keys_dir, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                         Err *e) {
    if (check_key_id(key_id, e)) return -1;
    char path[4200];
    key_path(keys_dir, key_id, path, sizeof path);
    return read_secret(path, sk, e);
}

int cert_key_file(const char *keys_dir, const char *name, bool create, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                  Err *e) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.key", keys_dir, name);
    if (create && access(path, F_OK) != 0) {
        if (mkdir(keys_dir, 0700) && errno != EEXIST)
            return err_set(e, 500, "", "cannot create %s: %s", keys_dir, strerror(errno));
        unsigned char seed[crypto_sign_SEEDBYTES];
        randombytes_buf(seed, sizeof seed);
        int rc = write_secret(path, name, seed, e);
        sodium_memzero(seed, sizeof seed);
        if (rc && e->status != 409) return -1; /* 409: another process made it first */
        err_clear(e);
    }
    return read_secret(path, sk, e);
}

static int read_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], Err *e) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return err_set(e, 404, "key_id", "no secret key file %s", path);
        return err_set(e, 500, "", "cannot read %s: %s", path, strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) || (st.st_mode & 077)) {
        close(fd);
        return err_set(e, 500, "", "%s is open to other users (mode %03o): chmod 600 %s", path,
                       (unsigned)(st.st_mode & 0777), path);
    }
    char text[1024];
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    int rc = -1;
    if (got < 0) rc = err_set(e, 500, "", "cannot read %s: %s", path, strerror(errno));
    else {
        text[got] = 0;
        /* Comment lines start with '#'; the first other line is the seed. */
        char *line = text;
        while (*line == '#') line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0);
        size_t len = strcspn(line, "\r\n");
        unsigned char seed[crypto_sign_SEEDBYTES];
        size_t bin_len;
        if (len != crypto_sign_SEEDBYTES * 2 ||
            sodium_hex2bin(seed, sizeof seed, line, len, NULL, &bin_len, NULL) || bin_len != sizeof seed)
            rc = err_set(e, 500, "", "%s is not an ocop signing key (64 hex digits expected)", path);
        else {
            unsigned char pk[crypto_sign_PUBLICKEYBYTES];
            crypto_sign_seed_keypair(pk, sk, seed);
            rc = 0;
        }
        sodium_memzero(seed, sizeof seed);
    }
    sodium_memzero(text, sizeof text);
    return rc;
}

int cert_key_public(Db *db, const char *key_id, unsigned char pk[crypto_sign_PUBLICKEYBYTES], char *retired_on, Err *e) {
    Stmt *s = db_prepare(db, "SELECT public_key, retired_at FROM signing_keys WHERE key_id = ?");
    db_bind_text(s, 1, key_id);
    int rc = 0;
    if (db_step(s) != DB_ROW) rc = err_set(e, 404, "key_id", "no signing key %s in this database", key_id);
    else {
        const char *hex = db_col_text(s, 0);
        size_t bin_len;
        if (!hex || sodium_hex2bin(pk, crypto_sign_PUBLICKEYBYTES, hex, strlen(hex), NULL, &bin_len, NULL) ||
            bin_len != crypto_sign_PUBLICKEYBYTES)
            rc = err_set(e, 500, "", "the stored public key of %s is malformed", key_id);
        if (retired_on) snprintf(retired_on, 11, "%s", db_col_null(s, 1) ? "" : db_col_text(s, 1));
    }
    db_done(s);
    return rc;
}

int cert_key_signing(Db *db, const char *keys_dir, const char *key_id, unsigned char sk[crypto_sign_SECRETKEYBYTES],
                     Err *e) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    char retired[11], today[11];
    if (cert_key_public(db, key_id, pk, retired, e)) return -1;
    date_today(today);
    if (retired[0] && strcmp(retired, today) <= 0)
        return err_set(e, 409, "key_id", "the key %s was retired on %s and signs nothing more", key_id, retired);
    if (cert_key_load_secret(keys_dir, key_id, sk, e)) return -1;
    /* libsodium's secret key ends with its public key. */
    if (sodium_memcmp(sk + crypto_sign_SEEDBYTES, pk, sizeof pk)) {
        sodium_memzero(sk, crypto_sign_SECRETKEYBYTES);
        return err_set(e, 500, "key_id", "the secret key file of %s does not belong to its registered public key", key_id);
    }
    return 0;
}

int cert_key_current(Db *db, const char *authority, char key_id[32], Err *e) {
    char prefix[16];
    snprintf(prefix, sizeof prefix, "%.8s-", authority);
    Stmt *s = db_prepare(db, "SELECT key_id FROM signing_keys WHERE (key_id = ? OR substr(key_id, 1, ?) = ?) "
                             "AND retired_at IS NULL ORDER BY created_at DESC, key_id DESC LIMIT 1");
    db_bind_text(s, 1, authority);
    db_bind_int(s, 2, (int64_t)strlen(prefix));
    db_bind_text(s, 3, prefix);
    int rc = 0;
    if (db_step(s) == DB_ROW) snprintf(key_id, 32, "%s", db_col_text(s, 0));
    else rc = err_set(e, 404, "key_id", "no signing key in use for %s; make one with 'ocop key generate %s'", authority,
                      authority);
    db_done(s);
    return rc;
}

int cert_key_retire(Db *db, const Actor *who, const char *key_id, Err *e) {
    if (operator_only(who, e) || check_key_id(key_id, e)) return -1;
    char today[11], auth[8];
    date_today(today);
    key_authority(key_id, auth);
    if (db_begin(db, e)) return -1;
    Stmt *s = db_prepare(db, "SELECT retired_at FROM signing_keys WHERE key_id = ?");
    db_bind_text(s, 1, key_id);
    int st = db_step(s);
    bool retired = st == DB_ROW && !db_col_null(s, 0);
    char was[16] = "";
    if (retired) snprintf(was, sizeof was, "%s", db_col_text(s, 0));
    db_done(s);
    if (st != DB_ROW) {
        db_rollback(db);
        return err_set(e, 404, "key_id", "no signing key %s in this database", key_id);
    }
    if (retired) {
        db_rollback(db);
        return err_set(e, 409, "key_id", "the key %s was already retired on %s", key_id, was);
    }
    s = db_prepare(db, "UPDATE signing_keys SET retired_at = ? WHERE key_id = ?");
    db_bind_text(s, 1, today);
    db_bind_text(s, 2, key_id);
    int rc = db_step(s) == DB_DONE ? 0 : err_set(e, 500, "", "cannot retire the key: %s", db_errmsg(db));
    db_done(s);
    if (!rc) {
        char after[64];
        snprintf(after, sizeof after, "{\"retired_at\":\"%s\"}", today);
        rc = audit_append(db, who, "update", "signing_keys", key_id, strcmp(auth, "bo") ? auth : NULL,
                          "{\"retired_at\":null}", after, e);
    }
    if (rc) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db, e);
}

json_t *cert_key_list(Db *db) {
    json_t *a = json_array();
    Stmt *s = db_prepare(db, "SELECT key_id, public_key, created_at, retired_at FROM signing_keys ORDER BY key_id");
    while (db_step(s) == DB_ROW) {
        json_t *o = json_pack("{ssssss}", "key_id", db_col_text(s, 0), "public_key", db_col_text(s, 1), "created_at",
                              db_col_text(s, 2));
        json_object_set_new(o, "retired_at", db_col_null(s, 3) ? json_null() : json_string(db_col_text(s, 3)));
        json_array_append_new(a, o);
    }
    db_done(s);
    return a;
}
