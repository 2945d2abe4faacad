/*
** image.c: decoding and re-encoding product photos with libvips (see image.h).
**
** Each type is opened with its own loader (never libvips's guess, which would reach ImageMagick
** and friends), first for the header alone, so a 60000 × 60000 "photo" is refused before one
** pixel is decoded. The full-size copy is then decoded once into memory (a JPEG or WebP shrunk
** on load by a power of two when it is far larger than needed, which also keeps memory low)
** and every variant is made from that copy.
*/
#include "image.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>
#include <webp/encode.h>

#include "files.h"

const int image_widths[3] = {320, 640, 1280};
const ImageLimits image_default_limits = {50LL * 1000 * 1000, 30.0};

enum { JPEG_QUALITY = 80, WEBP_QUALITY = 80 };

static const char *init_argv0 = "ocop";
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_vips(void) {
    if (VIPS_INIT(init_argv0)) {
        fprintf(stderr, "ocop: libvips cannot start: %s\n", vips_error_buffer());
        abort();
    }
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
}

void image_init(const char *argv0) {
    if (argv0) init_argv0 = argv0;
    pthread_once(&init_once, init_vips);
}

/* ---- types ------------------------------------------------------------------------------------ */

const char *image_sniff(const void *data, size_t n) {
    const char *web = files_sniff_image(data, n); /* JPEG, PNG, WebP */
    if (web) return web;
    const unsigned char *p = data;
    if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0) {
        static const char *const brands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1"};
        for (size_t i = 0; i < sizeof brands / sizeof *brands; i++)
            if (memcmp(p + 8, brands[i], 4) == 0) return "image/heic";
    }
    if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0)) return "image/gif";
    if (n >= 2 && memcmp(p, "BM", 2) == 0) return "image/bmp";
    if (n >= 4 && (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0)) return "image/tiff";
    return NULL;
}

/* The libvips loader of type, or NULL when this build has none. */
static const char *loader_of(const char *type) {
    const char *name = !strcmp(type, "image/jpeg")   ? "jpegload_buffer"
                       : !strcmp(type, "image/png")  ? "pngload_buffer"
                       : !strcmp(type, "image/webp") ? "webpload_buffer"
                       : !strcmp(type, "image/heic") ? "heifload_buffer"
                                                     : NULL;
    if (!name) return NULL;
    image_init(NULL);
    return vips_type_find("VipsOperation", name) ? name : NULL;
}

bool image_accepted(const char *type) { return type && loader_of(type); }

/* ---- decoding --------------------------------------------------------------------------------- */

/* Open data as type. shrink (1, 2, 4 or 8) is applied while decoding where the format allows
** it (JPEG's DCT scaling, WebP's scaled decode); it is 1 for the others. Sequential access:
** the pixels are read once, top to bottom, so a large image is never held whole. */
static VipsImage *load(const char *type, const void *data, size_t n, int shrink) {
    VipsImage *im = NULL;
    void *buf = (void *)data; /* libvips reads it only */
    int rc;
    if (!strcmp(type, "image/jpeg"))
        rc = vips_jpegload_buffer(buf, n, &im, "shrink", shrink, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                  VIPS_FAIL_ON_ERROR, NULL);
    else if (!strcmp(type, "image/webp"))
        rc = vips_webpload_buffer(buf, n, &im, "scale", 1.0 / shrink, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                  VIPS_FAIL_ON_ERROR, NULL);
    else if (!strcmp(type, "image/png"))
        rc = vips_pngload_buffer(buf, n, &im, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    else
        rc = vips_heifload_buffer(buf, n, &im, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (rc) {
        VIPS_UNREF(im);
        return NULL;
    }
    return im;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Called by libvips while it computes an image: stop it once the deadline has passed. */
static void on_eval(VipsImage *im, VipsProgress *progress, void *deadline) {
    (void)progress;
    if (now_s() > *(double *)deadline) vips_image_set_kill(im, TRUE);
}

/* The last libvips error dropped: it is kept per process, not per request, and its text
** describes libvips's internals, not what the user sent. */
static int vips_failed(Err *e, const char *fmt, const char *type) {
    vips_error_clear();
    return err_set(e, 422, "body", fmt, type);
}

/* The largest power-of-two shrink on load (at most 8) that still leaves at least w × h pixels of
** an image of have_w × have_h. */
static int load_shrink(const char *type, int have_w, int have_h, int w, int h) {
    if (strcmp(type, "image/jpeg") && strcmp(type, "image/webp")) return 1;
    int s = 8;
    while (s > 1 && (have_w / s < w || have_h / s < h)) s /= 2;
    return s;
}

/* in scaled to exactly w × h (each side on its own: rounding a 1 × 8000 picture's width must not
** keep its height), or a new reference to in when that is its size. 0, or -1. */
static int resize_to(VipsImage *in, VipsImage **out, int w, int h) {
    int iw = vips_image_get_width(in), ih = vips_image_get_height(in);
    if (iw == w && ih == h) return vips_copy(in, out, NULL);
    return vips_resize(in, out, (double)w / iw, "vscale", (double)h / ih, NULL);
}

/* im without any metadata: a copy of its header (the pixels are shared, not copied) from which
** every field beyond the basic ones is removed, so no EXIF, XMP, IPTC or ICC is left for a saver
** to write, whatever its options say (libvips 8.14's webpsave writes EXIF even when told to
** strip). NULL on failure. */
static VipsImage *bare(VipsImage *im) {
    int bands = vips_image_get_bands(im);
    VipsImage *out = NULL;
    if (vips_image_get_format(im) != VIPS_FORMAT_UCHAR || (bands != 3 && bands != 4) ||
        vips_copy(im, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL))
        return NULL;
    char **fields = vips_image_get_fields(out);
    for (char **f = fields; *f; f++) vips_image_remove(out, *f); /* the basic fields stay: they are no metadata */
    g_strfreev(fields);
    return out;
}

/* Decode the upload (have_w × have_h as stored) into an upright, 8-bit sRGB memory image of w × h
** pixels before it is turned upright, alpha kept. NULL with e. */
static VipsImage *decode_full(const char *type, const void *data, size_t n, const int have[2], int w, int h,
                              double deadline, Err *e) {
    VipsImage *in = load(type, data, n, load_shrink(type, have[0], have[1], w, h));
    if (!in) {
        vips_failed(e, "the file does not decode as %s", type);
        return NULL;
    }
    VipsImage *t[3] = {NULL};
    VipsImage *mem = NULL, *up = NULL;
    /* to sRGB from an embedded profile (phones write Display P3) or from the colourspace it
    ** declares; scaled; decoded into memory; only then turned upright (a quarter turn reads
    ** the pixels out of order, which a sequential load cannot give) */
    int rc = vips_image_get_typeof(in, VIPS_META_ICC_NAME)
                 ? vips_icc_transform(in, &t[0], "srgb", "embedded", TRUE, "depth", 8, NULL)
                 : vips_colourspace(in, &t[0], VIPS_INTERPRETATION_sRGB, NULL);
    if (!rc) rc = vips_cast(t[0], &t[1], VIPS_FORMAT_UCHAR, NULL);
    if (!rc) rc = resize_to(t[1], &t[2], w, h);
    if (!rc) {
        vips_image_set_progress(t[2], TRUE);
        g_signal_connect(t[2], "eval", G_CALLBACK(on_eval), &deadline);
        mem = vips_image_copy_memory(t[2]);
    }
    VipsImage *clean = NULL;
    if (mem && !vips_autorot(mem, &up, NULL)) clean = bare(up);
    for (int i = 0; i < 3; i++) VIPS_UNREF(t[i]);
    VIPS_UNREF(up);
    VIPS_UNREF(mem);
    g_object_unref(in);
    if (clean && now_s() <= deadline) return clean;
    VIPS_UNREF(clean);
    if (now_s() > deadline) {
        vips_error_clear();
        err_set(e, 422, "body", "the image took too long to decode");
    } else {
        vips_failed(e, "the file does not decode as %s", type);
    }
    return NULL;
}

/* ---- encoding --------------------------------------------------------------------------------- */

/* im as WebP, lossy at WEBP_QUALITY, through libwebp's simple encoder: a bare VP8 stream in its
** RIFF box, with no chunk for metadata. v->data is g_malloc'd. */
static int webp_encode(VipsImage *im, ImageVariant *v) {
    size_t size = 0;
    uint8_t *px = vips_image_write_to_memory(im, &size), *webp = NULL;
    if (!px) return -1;
    int w = vips_image_get_width(im), h = vips_image_get_height(im), bands = vips_image_get_bands(im);
    size_t n = bands == 4 ? WebPEncodeRGBA(px, w, h, w * 4, WEBP_QUALITY, &webp)
                          : WebPEncodeRGB(px, w, h, w * 3, WEBP_QUALITY, &webp);
    g_free(px);
    if (!n) return -1;
    v->data = g_memdup2(webp, n);
    v->n = n;
    WebPFree(webp);
    return 0;
}

/* Append im (from bare: no metadata) encoded as JPEG, alpha flattened onto white, and, when
** webp, as WebP to s. */
static int encode(VipsImage *im, bool webp, ImageSet *s, Err *e) {
    VipsImage *flat = NULL;
    int rc = 0;
    if (vips_image_hasalpha(im)) {
        VipsArrayDouble *white = vips_array_double_newv(1, 255.0);
        rc = vips_flatten(im, &flat, "background", white, NULL);
        vips_area_unref(VIPS_AREA(white));
    } else {
        flat = im;
        g_object_ref(flat);
    }
    ImageVariant *j = &s->v[s->n++];
    *j = (ImageVariant){vips_image_get_width(im), vips_image_get_height(im), "jpeg", "image/jpeg", NULL, 0};
    if (!rc)
        rc = vips_jpegsave_buffer(flat, &j->data, &j->n, "Q", JPEG_QUALITY, "strip", TRUE, "optimize_coding", TRUE,
                                  "interlace", TRUE, NULL);
    VIPS_UNREF(flat);
    if (!rc && webp) {
        ImageVariant *w = &s->v[s->n++];
        *w = (ImageVariant){j->width, j->height, "webp", "image/webp", NULL, 0};
        rc = webp_encode(im, w);
    }
    if (rc) {
        vips_error_clear();
        return err_set(e, 500, "", "cannot encode the photo");
    }
    return 0;
}

/* The widths to keep for a full copy wf pixels wide: each of image_widths narrower than wf, and
** wf itself. Returns how many (at most 4). */
static int variant_widths(int wf, int out[4]) {
    int k = 0;
    for (size_t i = 0; i < sizeof image_widths / sizeof *image_widths; i++)
        if (image_widths[i] < wf) out[k++] = image_widths[i];
    out[k++] = wf;
    return k;
}

int image_process(const void *data, size_t n, const ImageLimits *lim, ImageSet *out, Err *e) {
    memset(out, 0, sizeof *out);
    double deadline = now_s() + lim->max_seconds;
    const char *type = image_sniff(data, n);
    if (!type) return err_set(e, 422, "body", "the file is not an image (JPEG, PNG or WebP)");
    if (!image_accepted(type))
        return err_set(e, 415, "body", "%s images are not taken: send JPEG, PNG or WebP", type + 6);
    out->source_type = type;
    VipsImage *hdr = load(type, data, n, 1);
    if (!hdr) return vips_failed(e, "the file does not decode as %s", type);
    long long w = vips_image_get_width(hdr), h = vips_image_get_height(hdr);
    bool swap = vips_image_get_orientation_swap(hdr);
    g_object_unref(hdr);
    if (w * h > lim->max_pixels)
        return err_set(e, 422, "body", "the image is %lld × %lld pixels; at most %lld megapixels are taken", w, h,
                       lim->max_pixels / 1000000);
    out->width = (int)(swap ? h : w);
    out->height = (int)(swap ? w : h);
    double fit = fmin(1.0, fmin((double)IMAGE_FULL_MAX / out->width, (double)IMAGE_FULL_MAX / out->height));
    int wf = (int)fmax(1.0, rint(out->width * fit)), hf = (int)fmax(1.0, rint(out->height * fit));
    /* the same size, on the image as stored */
    const int have[2] = {(int)w, (int)h};
    VipsImage *full = decode_full(type, data, n, have, swap ? hf : wf, swap ? wf : hf, deadline, e);
    if (!full) return -1;
    int widths[4], k = variant_widths(wf, widths);
    int rc = 0;
    for (int i = 0; i < k && !rc; i++) {
        VipsImage *v = NULL;
        if (resize_to(full, &v, widths[i], (int)fmax(1.0, rint((double)hf * widths[i] / wf)))) {
            vips_error_clear();
            rc = err_set(e, 500, "", "cannot resize the photo");
            break;
        }
        rc = encode(v, widths[i] <= IMAGE_WEBP_MAX, out, e);
        g_object_unref(v);
    }
    g_object_unref(full);
    if (rc) image_set_free(out);
    return rc;
}

void image_set_free(ImageSet *s) {
    for (int i = 0; i < s->n; i++) g_free(s->v[i].data);
    s->n = 0;
}
