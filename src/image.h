/*
** image.h: product photos through libvips. An upload is sniffed from its bytes, its header
** checked against a pixel bound before anything is decoded, then decoded once, turned upright
** by its EXIF orientation, converted to sRGB and re-encoded without any metadata (EXIF with
** its GPS position, XMP, IPTC, ICC) as JPEG and WebP at 320, 640 and 1280 px wide, and as JPEG
** at full size up to IMAGE_FULL_MAX, never upscaled. The caller stores the results (files.h).
*/
#ifndef OCOP_IMAGE_H
#define OCOP_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

enum {
    IMAGE_FULL_MAX = 2560,       /* the largest kept copy fits in this many pixels square */
    IMAGE_WEBP_MAX = 1280,       /* WebP up to this width: pages ask for no more, and a 2560 px WebP
                                 ** costs 40 MB and a second to encode */
    IMAGE_MAX_VARIANTS = 8,      /* 320, 640, 1280 and full as JPEG; up to 1280 as WebP */
};
/* The widths pages ask for in srcset, smallest first. */
extern const int image_widths[3];

typedef struct ImageLimits {
    long long max_pixels; /* width × height of the upload, checked on its header */
    double max_seconds;   /* wall time for decoding and encoding */
} ImageLimits;
/* 50 megapixels, 30 seconds: a 200 MP phone photo is refused, a decompression bomb too. */
extern const ImageLimits image_default_limits;

typedef struct ImageVariant {
    int width, height;
    const char *format; /* "jpeg" or "webp" (static) */
    const char *mime;   /* "image/jpeg" or "image/webp" (static) */
    void *data;         /* the encoded bytes, owned by the ImageSet */
    size_t n;
} ImageVariant;

typedef struct ImageSet {
    const char *source_type; /* what the upload was: "image/jpeg", ... (static) */
    int width, height;       /* the upload's size once upright */
    int n;
    ImageVariant v[IMAGE_MAX_VARIANTS]; /* by width, JPEG before WebP; the widest is the full-size JPEG */
} ImageSet;

/* Start libvips once for the process (idempotent, thread-safe): no operation cache (a cached
** load would keep pointing at a request's freed body), one worker thread per pipeline, loaders
** libvips marks untrusted blocked. image_process calls it too; main calls it at start. */
void image_init(const char *argv0);
/* The image type the bytes are, from their first bytes: "image/jpeg", "image/png",
** "image/webp", "image/heic" (HEIF with an HEVC brand), "image/gif", "image/bmp",
** "image/tiff", or NULL. Only image_accepted types are processed. */
const char *image_sniff(const void *data, size_t n);
/* True when type (from image_sniff) can be processed by this build's libvips. */
bool image_accepted(const char *type);
/* Decode data (n bytes, left untouched) and fill out with its variants. -1 with e: 415 (field
** body) for a type that is not taken, 422 (body) when the bytes are not an image, do not decode
** as the type they start as (truncated, corrupt), are larger than lim->max_pixels (refused from
** the header alone) or take longer than lim->max_seconds. On success the caller frees out with
** image_set_free; on failure nothing is left to free. */
int image_process(const void *data, size_t n, const ImageLimits *lim, ImageSet *out, Err *e);
void image_set_free(ImageSet *s);

#endif
