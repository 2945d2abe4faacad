/*
** test_images.c: product photos as a client uploads them (issue 9, item 7). The fixtures are
** made here with libvips and by hand: a phone photo with EXIF orientation 6 and a GPS
** position, a large one, a small PNG with transparency, an HEIC, and the refusals: text named
** .jpg, a truncated JPEG, GIF, and headers that claim 60000 × 60000 pixels. What the server
** keeps is read back with libvips: upright, the right sizes and formats, no metadata left.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#include "harness.h"

static Server S;

static int setup(void **state) {
    (void)state;
    if (VIPS_INIT("test_images")) abort();
    srv_prepare(&S, true);
    srv_as_admin(&S);
    srv_start(&S);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    assert_int_equal(srv_stop(&S), 0);
    srv_cleanup(&S);
    return 0;
}

/* ---- fixtures ------------------------------------------------------------------------------------- */

/* A w × h JPEG as a camera stores it: its top quarter white, the rest dark grey. malloc'd. */
static char *camera_jpeg(int w, int h, int quality, size_t *n) {
    VipsImage *base = NULL, *band = NULL, *img = NULL;
    void *buf = NULL;
    if (vips_black(&base, w, h, "bands", 3, NULL) || vips_linear1(base, &band, 1.0, 40.0, "uchar", TRUE, NULL)) abort();
    img = vips_image_copy_memory(band);
    double white[3] = {255, 255, 255};
    if (!img || vips_draw_rect(img, white, 3, 0, 0, w, h / 4, "fill", TRUE, NULL) ||
        vips_jpegsave_buffer(img, &buf, n, "Q", quality, "strip", TRUE, NULL))
        abort();
    char *out = malloc(*n);
    memcpy(out, buf, *n);
    g_free(buf);
    g_object_unref(img);
    g_object_unref(band);
    g_object_unref(base);
    return out;
}

/* The Exif segment a phone writes, cut to what matters here: orientation 6 (turn a quarter
** clockwise to show) and a GPS latitude of 10° 45' 12.34" N. Big-endian TIFF. */
static const unsigned char exif_app1[] = {
    0xFF, 0xE1, 0x00, 0x64, 'E', 'x', 'i', 'f', 0, 0,
    'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,                               /* TIFF header, IFD0 at 8 */
    0x00, 0x02,                                                                 /* IFD0: two entries */
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00,     /* Orientation = 6 */
    0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x26,     /* GPS IFD at 38 */
    0x00, 0x00, 0x00, 0x00,                                                     /* no next IFD */
    0x00, 0x02,                                                                 /* GPS IFD: two entries */
    0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 'N', 0x00, 0x00, 0x00,      /* GPSLatitudeRef = N */
    0x00, 0x02, 0x00, 0x05, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x44,     /* GPSLatitude at 68 */
    0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x01,                             /* 10/1 */
    0x00, 0x00, 0x00, 0x2D, 0x00, 0x00, 0x00, 0x01,                             /* 45/1 */
    0x00, 0x00, 0x04, 0xD2, 0x00, 0x00, 0x00, 0x64,                             /* 1234/100 */
};

/* jpeg with exif_app1 put right after its SOI marker. malloc'd. */
static char *with_exif(const char *jpeg, size_t n, size_t *out_n) {
    *out_n = n + sizeof exif_app1;
    char *out = malloc(*out_n);
    memcpy(out, jpeg, 2);
    memcpy(out + 2, exif_app1, sizeof exif_app1);
    memcpy(out + 2 + sizeof exif_app1, jpeg + 2, n - 2);
    return out;
}

static bool has_bytes(const char *hay, size_t n, const char *needle, size_t k) {
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return true;
    return false;
}

/* ---- reading back --------------------------------------------------------------------------------- */

static Resp upload(const char *ctype, const char *name, const char *data, size_t n) {
    char path[200];
    snprintf(path, sizeof path, "/api/v1/products/3/photos%s%s", name ? "?filename=" : "", name ? name : "");
    return http_req(&S, "POST", path, ctype, data, n);
}

static void expect_refused(Resp *r, long status, const char *detail_has) {
    if (r->status != status) fprintf(stderr, "body: %s\n", r->body);
    assert_int_equal(r->status, status);
    assert_string_equal(jstr(r->json, "field"), "body");
    if (detail_has) assert_non_null(strstr(jstr(r->json, "detail"), detail_has));
    resp_free(r);
}

/* Fetch a variant and check what the server says of it against what its bytes are: type,
** caching, size; that no metadata is left. Returns the decoded image (caller unrefs). */
static VipsImage *fetch_variant(json_t *v) {
    Resp r = http_get(&S, json_string_value(json_object_get(v, "url")));
    assert_int_equal(r.status, 200);
    const char *mime = json_string_value(json_object_get(v, "mime"));
    assert_string_equal(resp_header_value(&r, "Content-Type"), mime);
    assert_non_null(strstr(resp_header_value(&r, "Cache-Control"), "immutable"));
    assert_int_equal(r.len, json_integer_value(json_object_get(v, "bytes")));
    if (!strcmp(mime, "image/jpeg")) assert_memory_equal(r.body, "\xff\xd8\xff", 3);
    else assert_memory_equal(r.body + 8, "WEBP", 4);
    assert_false(has_bytes(r.body, r.len, "Exif", 4));
    assert_false(has_bytes(r.body, r.len, "\x00\x00\x04\xD2\x00\x00\x00\x64", 8)); /* the GPS seconds */
    VipsImage *img = vips_image_new_from_buffer(r.body, r.len, "", NULL);
    assert_non_null(img);
    VipsImage *mem = vips_image_copy_memory(img);
    g_object_unref(img);
    resp_free(&r);
    assert_int_equal(vips_image_get_width(mem), json_integer_value(json_object_get(v, "width")));
    assert_int_equal(vips_image_get_height(mem), json_integer_value(json_object_get(v, "height")));
    assert_int_equal(vips_image_get_typeof(mem, VIPS_META_EXIF_NAME), 0);
    assert_int_equal(vips_image_get_typeof(mem, VIPS_META_XMP_NAME), 0);
    assert_int_equal(vips_image_get_typeof(mem, VIPS_META_ICC_NAME), 0);
    assert_int_equal(vips_image_get_orientation(mem), 1);
    return mem;
}

static double pixel(VipsImage *img, int x, int y) {
    double *v = NULL;
    int n = 0;
    assert_int_equal(vips_getpoint(img, &v, &n, x, y, NULL), 0);
    double first = v[0];
    g_free(v);
    return first;
}

/* The widths of photo's variants, in order: each width as JPEG then WebP, but WebP only up to
** 1280 px. */
static void expect_widths(json_t *photo, const int *widths, int k) {
    json_t *vs = json_object_get(photo, "variants");
    size_t at = 0;
    for (int i = 0; i < k; i++) {
        for (int webp = 0; webp <= (widths[i] <= 1280); webp++, at++) {
            json_t *v = json_array_get(vs, at);
            assert_non_null(v);
            assert_int_equal(json_integer_value(json_object_get(v, "width")), widths[i]);
            assert_string_equal(json_string_value(json_object_get(v, "format")), webp ? "webp" : "jpeg");
        }
    }
    assert_int_equal(json_array_size(vs), at);
}

/* ---- tests ---------------------------------------------------------------------------------------- */

/* A phone photo lying on its side with a GPS position: kept upright, at each width, bare. */
static void test_phone_photo(void **state) {
    (void)state;
    size_t n0, n;
    char *plain = camera_jpeg(1600, 1200, 90, &n0), *jpeg = with_exif(plain, n0, &n);
    free(plain);
    { /* the fixture is what it should be: libvips reads orientation 6 and a GPS tag from it */
        VipsImage *fx = vips_image_new_from_buffer(jpeg, n, "", NULL);
        assert_non_null(fx);
        assert_int_equal(vips_image_get_orientation(fx), 6);
        assert_true(vips_image_get_typeof(fx, "exif-ifd3-GPSLatitude") != 0);
        g_object_unref(fx);
    }
    Resp r = upload("image/jpeg", "IMG_0001.jpg", jpeg, n);
    free(jpeg);
    assert_int_equal(r.status, 201);
    assert_int_equal(jint(r.json, "width"), 1200); /* upright: width and height swapped */
    assert_int_equal(jint(r.json, "height"), 1600);
    assert_string_equal(jstr(r.json, "mime"), "image/jpeg");
    assert_string_equal(jstr(r.json, "filename"), "IMG_0001.jpg");
    static const int widths[] = {320, 640, 1200}; /* 1280 would be an upscale */
    expect_widths(r.json, widths, 3);
    json_t *vs = json_object_get(r.json, "variants");
    for (size_t i = 0; i < json_array_size(vs); i++) {
        json_t *v = json_array_get(vs, i);
        int w = (int)json_integer_value(json_object_get(v, "width"));
        assert_int_equal(json_integer_value(json_object_get(v, "height")), (w * 1600 + 600) / 1200);
        VipsImage *img = fetch_variant(v);
        /* the camera's top (white) is now on the right */
        assert_true(pixel(img, w - 2, img->Ysize / 2) > 200);
        assert_true(pixel(img, 1, img->Ysize / 2) < 80);
        g_object_unref(img);
    }
    /* the photo's url is its full-size JPEG */
    json_t *full = json_array_get(vs, 4);
    assert_string_equal(jstr(r.json, "url"), json_string_value(json_object_get(full, "url")));
    char sha[65];
    snprintf(sha, sizeof sha, "%s", jstr(r.json, "sha256"));
    resp_free(&r);

    /* the product lists it the same way */
    r = http_get(&S, "/api/v1/products/3");
    json_t *photos = jpath(r.json, "photos");
    assert_int_equal(json_array_size(photos), 1);
    expect_widths(json_array_get(photos, 0), widths, 3);
    resp_free(&r);

    /* deleted: the photo and its sizes are no longer served */
    char path[200], url[100];
    snprintf(url, sizeof url, "/files/%s", sha);
    r = http_get(&S, "/api/v1/products/3");
    char webp[100];
    snprintf(webp, sizeof webp, "%s", jstr(r.json, "photos.0.variants.1.url"));
    resp_free(&r);
    snprintf(path, sizeof path, "/api/v1/products/3/photos/%s", sha);
    r = http_req(&S, "DELETE", path, NULL, NULL, 0);
    assert_int_equal(r.status, 204);
    resp_free(&r);
    r = http_get(&S, webp);
    assert_int_equal(r.status, 404);
    resp_free(&r);
    r = http_get(&S, url);
    assert_int_equal(r.status, 404);
    resp_free(&r);
}

/* Larger than every width: all of them, and a full size cut to 2560 px. */
static void test_large_photo(void **state) {
    (void)state;
    size_t n;
    char *jpeg = camera_jpeg(3000, 1000, 80, &n);
    Resp r = upload("image/jpeg", NULL, jpeg, n);
    free(jpeg);
    assert_int_equal(r.status, 201);
    static const int widths[] = {320, 640, 1280, 2560}; /* 2560 as JPEG only */
    expect_widths(r.json, widths, 4);
    assert_string_equal(jstr(r.json, "variants.6.format"), "jpeg");
    assert_string_equal(jstr(r.json, "url"), jstr(r.json, "variants.6.url"));
    assert_int_equal(jint(r.json, "height"), 853); /* 1000 × 2560 / 3000 */
    /* the same pixels again are the same photo */
    jpeg = camera_jpeg(3000, 1000, 80, &n);
    Resp again = upload("application/octet-stream", NULL, jpeg, n);
    free(jpeg);
    assert_int_equal(again.status, 200);
    assert_string_equal(jstr(again.json, "sha256"), jstr(r.json, "sha256"));
    resp_free(&again);
    resp_free(&r);
}

/* A small PNG with transparency: never upscaled; JPEG on white, WebP keeps the alpha. */
static void test_small_png(void **state) {
    (void)state;
    VipsImage *rgb = NULL, *alpha = NULL, *rgba = NULL;
    void *buf = NULL;
    size_t n;
    if (vips_black(&rgb, 200, 100, "bands", 3, NULL) || vips_black(&alpha, 200, 100, NULL) ||
        vips_bandjoin2(rgb, alpha, &rgba, NULL) || vips_pngsave_buffer(rgba, &buf, &n, NULL))
        abort(); /* black and fully transparent */
    Resp r = upload("image/png", "logo.png", buf, n);
    g_free(buf);
    g_object_unref(rgba);
    g_object_unref(alpha);
    g_object_unref(rgb);
    assert_int_equal(r.status, 201);
    static const int widths[] = {200};
    expect_widths(r.json, widths, 1);
    VipsImage *j = fetch_variant(json_array_get(json_object_get(r.json, "variants"), 0));
    assert_int_equal(j->Bands, 3);
    assert_true(pixel(j, 100, 50) > 250); /* transparent became white, not black */
    g_object_unref(j);
    VipsImage *w = fetch_variant(json_array_get(json_object_get(r.json, "variants"), 1));
    assert_int_equal(w->Bands, 4);
    g_object_unref(w);
    resp_free(&r);
}

/* HEIC, as iPhones store photos: taken, and kept as JPEG and WebP. */
static void test_heic(void **state) {
    (void)state;
    VipsImage *img = NULL;
    void *buf = NULL;
    size_t n;
    if (vips_black(&img, 64, 48, "bands", 3, NULL) ||
        vips_heifsave_buffer(img, &buf, &n, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, NULL))
        abort();
    Resp r = upload("image/heic", "IMG_0002.HEIC", buf, n);
    g_free(buf);
    g_object_unref(img);
    assert_int_equal(r.status, 201);
    static const int widths[] = {64};
    expect_widths(r.json, widths, 1);
    resp_free(&r);
}

/* A PNG header of w × h pixels (RGB, 8 bits) with a correct checksum, and nothing decodable
** after it. */
static size_t png_header(unsigned w, unsigned h, unsigned char out[64]) {
    static const unsigned char sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    memcpy(out, sig, sizeof sig);
    unsigned char *c = out + sizeof sig;
    memcpy(c, "IHDR", 4);
    unsigned char v[13] = {w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 2, 0, 0, 0};
    memcpy(c + 4, v, 13);
    uint32_t crc = 0xFFFFFFFF;
    for (int i = 0; i < 17; i++) {
        crc ^= c[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    crc = ~crc;
    unsigned char cb[4] = {crc >> 24, crc >> 16, crc >> 8, crc};
    memcpy(c + 17, cb, 4);
    static const unsigned char idat[] = {0, 0, 0, 4, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0, 0, 0};
    memcpy(c + 21, idat, sizeof idat);
    return sizeof sig + 21 + sizeof idat;
}

static int stored_files(void) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/files", S.dir);
    int count = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char sub[900];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *s = opendir(sub);
        if (!s) continue;
        for (struct dirent *f; (f = readdir(s));) count += f->d_name[0] != '.';
        closedir(s);
    }
    closedir(d);
    return count;
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* What is not a photo, or not the photo it claims to be, is refused and leaves nothing. */
static void test_refusals(void **state) {
    (void)state;
    int files = stored_files();
    Resp r = http_get(&S, "/api/v1/products/3");
    size_t photos = json_array_size(jpath(r.json, "photos"));
    resp_free(&r);
    static const char text[] = "Kẹo dừa Bến Tre: 200 g, hạn dùng 12 tháng\n";
    r = upload("image/jpeg", "keo-dua.jpg", text, sizeof text - 1);
    expect_refused(&r, 422, "not an image");

    /* half a JPEG: it starts as one and does not decode */
    size_t n;
    char *jpeg = camera_jpeg(800, 600, 90, &n);
    r = upload("image/jpeg", NULL, jpeg, n / 2);
    expect_refused(&r, 422, "does not decode");

    /* a decompression bomb: a real JPEG whose frame header says 60000 × 60000 (3.6 gigapixels) */
    for (size_t i = 2; i + 9 < n; i++) {
        if ((unsigned char)jpeg[i] == 0xFF && ((unsigned char)jpeg[i + 1] == 0xC0 || (unsigned char)jpeg[i + 1] == 0xC2)) {
            memcpy(jpeg + i + 5, "\xEA\x60\xEA\x60", 4);
            break;
        }
    }
    double t0 = now_s();
    r = upload("image/jpeg", NULL, jpeg, n);
    expect_refused(&r, 422, "60000 × 60000 pixels");
    assert_true(now_s() - t0 < 2.0); /* from the header, not by decoding */
    free(jpeg);
    unsigned char png[64];
    size_t pn = png_header(60000, 60000, png);
    t0 = now_s();
    r = upload("image/png", NULL, (const char *)png, pn);
    expect_refused(&r, 422, "at most 50 megapixels");
    assert_true(now_s() - t0 < 2.0);
    /* a PNG header alone, of a sane size: no pixels to decode */
    pn = png_header(64, 64, png);
    r = upload("image/png", NULL, (const char *)png, pn);
    expect_refused(&r, 422, "does not decode");

    /* an image in a format that is not taken */
    static const char gif[] = "GIF89a\1\0\1\0\0\0\0;";
    r = upload("image/gif", NULL, gif, sizeof gif - 1);
    expect_refused(&r, 415, "gif");

    assert_int_equal(stored_files(), files);
    r = http_get(&S, "/api/v1/products/3");
    assert_int_equal(json_array_size(jpath(r.json, "photos")), photos);
    resp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_photo),
        cmocka_unit_test(test_large_photo),
        cmocka_unit_test(test_small_png),
        cmocka_unit_test(test_heic),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
