/*
** test_image.c: image.c's bounds, which a client cannot reach with the default limits: the
** time limit (a deadline already past) and a small pixel bound; the type sniffing table; the
** variants of one image in order. The uploads themselves are tested over HTTP (test_images.c).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "image.h"

/* A w × h PNG with a gradient, so its pixels take some work. g_malloc'd. */
static void *png(int w, int h, size_t *n) {
    VipsImage *x = NULL, *u = NULL;
    void *buf = NULL;
    if (vips_xyz(&x, w, h, NULL) || vips_cast(x, &u, VIPS_FORMAT_UCHAR, NULL) || vips_pngsave_buffer(u, &buf, n, NULL))
        fail();
    g_object_unref(u);
    g_object_unref(x);
    return buf;
}

static void test_sniff(void **state) {
    (void)state;
    assert_string_equal(image_sniff("\xff\xd8\xff\xe0", 4), "image/jpeg");
    assert_string_equal(image_sniff("\x89PNG\r\n\x1a\n", 8), "image/png");
    assert_string_equal(image_sniff("RIFF\0\0\0\0WEBPVP8 ", 16), "image/webp");
    assert_string_equal(image_sniff("\0\0\0\x18" "ftypheic\0\0\0\0", 16), "image/heic");
    assert_string_equal(image_sniff("\0\0\0\x18" "ftypmif1\0\0\0\0", 16), "image/heic");
    assert_null(image_sniff("\0\0\0\x18" "ftypisom\0\0\0\0", 16)); /* an MP4 video */
    assert_string_equal(image_sniff("GIF89a", 6), "image/gif");
    assert_string_equal(image_sniff("II*\0", 4), "image/tiff");
    assert_null(image_sniff("<svg/>", 6));
    assert_null(image_sniff("", 0));
    assert_null(image_sniff("\xff\xd8", 2));
    assert_true(image_accepted("image/jpeg"));
    assert_true(image_accepted("image/webp"));
    assert_false(image_accepted("image/gif"));
    assert_false(image_accepted(NULL));
}

static void test_limits(void **state) {
    (void)state;
    size_t n;
    void *data = png(1500, 1000, &n);
    ImageSet set;
    Err e = ERR_INIT;
    ImageLimits past = {50LL * 1000 * 1000, 0.0};
    assert_int_equal(image_process(data, n, &past, &set, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.field, "body");
    assert_string_equal(e.detail, "the image took too long to decode");
    assert_int_equal(set.n, 0);
    ImageLimits small = {1000 * 1000, 30.0};
    e = (Err)ERR_INIT;
    assert_int_equal(image_process(data, n, &small, &set, &e), -1);
    assert_int_equal(e.status, 422);
    assert_string_equal(e.detail, "the image is 1500 × 1000 pixels; at most 1 megapixels are taken");
    /* within bounds: 320, 640, 1280 as JPEG then WebP, and the full 1500 as JPEG */
    e = (Err)ERR_INIT;
    assert_int_equal(image_process(data, n, &image_default_limits, &set, &e), 0);
    assert_string_equal(set.source_type, "image/png");
    assert_int_equal(set.width, 1500);
    assert_int_equal(set.height, 1000);
    assert_int_equal(set.n, 7);
    static const int widths[] = {320, 640, 1280, 1500}, heights[] = {213, 427, 853, 1000};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(set.v[i].width, widths[i / 2]);
        assert_int_equal(set.v[i].height, heights[i / 2]);
        assert_string_equal(set.v[i].mime, i % 2 ? "image/webp" : "image/jpeg");
        assert_true(set.v[i].n > 0);
    }
    image_set_free(&set);
    g_free(data);
}

/* Each side is scaled on its own: a 1 × 8000 strip fits in 2560 × 2560 as 1 × 2560, and a
** 3000 × 2 one keeps a height of at least one pixel at 320 px wide. */
static void test_thin(void **state) {
    (void)state;
    static const int dims[][2] = {{1, 8000}, {3000, 2}};
    static const int want[][4] = {{1, 2560, 1, 2560}, {320, 1, 2560, 2}}; /* first and last variant */
    for (int k = 0; k < 2; k++) {
        VipsImage *b = NULL;
        void *buf = NULL;
        size_t n;
        if (vips_black(&b, dims[k][0], dims[k][1], "bands", 3, NULL) || vips_pngsave_buffer(b, &buf, &n, NULL)) fail();
        g_object_unref(b);
        ImageSet set;
        Err e = ERR_INIT;
        assert_int_equal(image_process(buf, n, &image_default_limits, &set, &e), 0);
        assert_int_equal(set.v[0].width, want[k][0]);
        assert_int_equal(set.v[0].height, want[k][1]);
        assert_int_equal(set.v[set.n - 1].width, want[k][2]);
        assert_int_equal(set.v[set.n - 1].height, want[k][3]);
        image_set_free(&set);
        g_free(buf);
    }
}

/* Every prefix of a real JPEG, PNG, WebP and HEIC (a torn upload), and each with a byte flipped
** along the way: refused with 422 on "body", or decoded; never a crash, never another answer. */
static void test_torn(void **state) {
    (void)state;
    VipsImage *x = NULL, *u = NULL;
    if (vips_xyz(&x, 96, 64, NULL) || vips_cast(x, &u, VIPS_FORMAT_UCHAR, NULL)) fail();
    void *files[4] = {NULL};
    size_t sizes[4];
    if (vips_jpegsave_buffer(u, &files[0], &sizes[0], NULL) || vips_pngsave_buffer(u, &files[1], &sizes[1], NULL) ||
        vips_webpsave_buffer(u, &files[2], &sizes[2], NULL) ||
        vips_heifsave_buffer(u, &files[3], &sizes[3], "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, NULL))
        fail();
    int decoded = 0, refused = 0;
    for (int f = 0; f < 4; f++) {
        unsigned char *copy = malloc(sizes[f]);
        size_t step = sizes[f] / 97 + 1;
        for (size_t n = 1, last = 0; !last; n += step) { /* the whole file last */
            if (n >= sizes[f]) n = sizes[f], last = 1;
            for (int flip = 0; flip < 2; flip++) {
                memcpy(copy, files[f], n);
                if (flip) copy[n / 2] ^= 0x5A;
                ImageSet set;
                Err e = ERR_INIT;
                if (image_process(copy, n, &image_default_limits, &set, &e) == 0) {
                    assert_true(set.n >= 2);
                    image_set_free(&set);
                    decoded++;
                } else {
                    assert_int_equal(e.status, 422);
                    assert_string_equal(e.field, "body");
                    refused++;
                }
            }
        }
        free(copy);
        g_free(files[f]);
    }
    assert_true(decoded > 0 && refused > 0);
    g_object_unref(u);
    g_object_unref(x);
}

int main(void) {
    image_init("test_image");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_thin),
        cmocka_unit_test(test_torn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
