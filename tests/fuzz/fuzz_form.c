/*
** fuzz_form.c: libFuzzer harness for the form parser (form.c over libmicrohttpd's post
** processor). The input's first line is the Content-Type, the rest the body; it is posted to a
** private daemon (form_daemon.h) exactly as the server feeds a page's POST. Beyond not crashing:
** an accepted form has at most FORM_MAX_FIELDS fields and FORM_MAX_FILES files, every field is
** UTF-8 without NUL, no more bytes come out than went in, each file part is a file of its size
** on disk while the request lasts, and a refusal is a 400 (or 503/507 for the disk) with a field.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form_daemon.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FormDaemon D;
static size_t body_len;

static void fail(const char *what) {
    fprintf(stderr, "fuzz_form: %s\n", what);
    abort();
}

static void check(Form *f, int rc, const Err *e, void *ctx) {
    (void)ctx;
    if (!f) return;
    if (rc) {
        if (e->status != 400 && e->status != 503 && e->status != 507) fail("refusal status");
        if (!e->field[0]) fail("refusal without a field");
        return;
    }
    size_t out = 0;
    int n = form_count(f);
    if (n > FORM_MAX_FIELDS) fail("too many fields");
    for (int i = 0; i < n; i++) {
        const char *v = form_value(f, i);
        size_t len = strlen(v);
        if (!text_utf8_valid(v, len, NULL) || !text_utf8_valid(form_key(f, i), strlen(form_key(f, i)), NULL))
            fail("a field is not UTF-8");
        if (form_get(f, form_key(f, i)) == NULL) fail("form_get misses a field");
        out += len;
    }
    int nf = 0;
    const FormFile *files = form_files(f, &nf);
    if (nf > FORM_MAX_FILES) fail("too many files");
    for (int i = 0; i < nf; i++) {
        struct stat st;
        if (fstat(files[i].fd, &st) || (size_t)st.st_size != files[i].size) fail("a file's size on disk");
        if (stat(files[i].path, &st)) fail("a file's path");
        out += files[i].size;
    }
    if (out > body_len) fail("more bytes out than in");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!D.d) {
        const char *tmp = getenv("TMPDIR");
        fd_start(&D, tmp && *tmp ? tmp : "/tmp", check, NULL);
    }
    const char *nl = memchr(data, '\n', size);
    if (!nl || (size_t)(nl - (const char *)data) > 200) return 0;
    char ctype[256];
    size_t cl = (size_t)(nl - (const char *)data);
    memcpy(ctype, data, cl);
    ctype[cl] = 0;
    for (size_t i = 0; i < cl; i++)
        if ((unsigned char)ctype[i] < 0x20) return 0; /* a header line cannot hold these */
    body_len = size - cl - 1;
    fd_post(&D, ctype, nl + 1, body_len);
    return 0;
}
