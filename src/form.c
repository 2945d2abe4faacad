/*
** form.c: form bodies through libmicrohttpd's post processor (see form.h).
**
** The post processor calls form_item once per piece of a value: off is the offset of this
** piece within its value, so a piece at offset 0 starts a new field or file part (a value may
** arrive in many pieces, and an empty one in a single piece of size 0). Fields accumulate in
** memory (the route's max_body bounds them all); file parts go straight to a temporary file.
** A urlencoded body's last value is only delivered when the processor is destroyed, which is
** why form_finish destroys it.
*/
#include "form.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "text.h"
#include "util.h"

typedef struct Field {
    char *key;
    Buf val;
} Field;

struct Form {
    struct MHD_PostProcessor *pp;
    char *dir;
    Field *fields;
    int nfields, cap;
    FormFile files[FORM_MAX_FILES];
    int nfiles;
    int last; /* what the previous piece belonged to: 0 nothing, 1 fields[nfields-1], 2 the last file */
    bool failed;
    Err err;
};

bool form_is_form_type(const char *ct) {
    if (!ct) return false;
    static const char *const types[] = {"application/x-www-form-urlencoded", "multipart/form-data"};
    for (size_t i = 0; i < COUNT(types); i++) {
        size_t n = strlen(types[i]);
        if (strncasecmp(ct, types[i], n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ')) return true;
    }
    return false;
}

/* Stop the parse, with the reason err_set wrote into f->err (its -1 is rc): the processor
** ignores the rest of the body. */
static enum MHD_Result stop(Form *f, int rc) {
    (void)rc;
    f->failed = true;
    return MHD_NO;
}

/* A new temporary file for a file part; -1 with f->err on failure. */
static int file_open(Form *f, FormFile *ff) {
    char *path = xmalloc(strlen(f->dir) + 32);
    sprintf(path, "%s/.upload-XXXXXX", f->dir);
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        int er = errno;
        free(path);
        stop(f,
             err_set(&f->err, er == ENOSPC ? 507 : 503, "body", "cannot keep the uploaded file now: %s", strerror(er)));
        return -1;
    }
    ff->path = path;
    ff->fd = fd;
    return 0;
}

static enum MHD_Result file_piece(Form *f, const char *key, const char *filename, const char *type, const char *data,
                                  uint64_t off, size_t size) {
    FormFile *ff = f->nfiles ? &f->files[f->nfiles - 1] : NULL;
    bool same = f->last == 2 && ff && strcmp(ff->name, key) == 0;
    if (off == 0 && !(same && ff->size == 0)) {
        if (f->nfiles >= FORM_MAX_FILES)
            return stop(f, err_set(&f->err, 400, "body", "a form may carry at most 20 files"));
        ff = &f->files[f->nfiles];
        memset(ff, 0, sizeof *ff);
        ff->fd = -1;
        ff->name = xstrdup(key);
        ff->filename = xstrdup(filename);
        ff->type = xstrdup(type ? type : "");
        f->nfiles++;
        if (file_open(f, ff)) return MHD_NO;
    } else if (!same) {
        return stop(f, err_set(&f->err, 400, "body", "the form's parts are out of order"));
    }
    f->last = 2;
    for (size_t done = 0; done < size;) {
        ssize_t w = write(ff->fd, data + done, size - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int er = w < 0 ? errno : EIO;
            return stop(f, err_set(&f->err, er == ENOSPC ? 507 : 503, "body", "cannot keep the uploaded file now: %s",
                                   strerror(er)));
        }
        done += (size_t)w;
    }
    ff->size += size;
    return MHD_YES;
}

static enum MHD_Result form_item(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                 const char *type, const char *encoding, const char *data, uint64_t off, size_t size) {
    (void)kind;
    (void)encoding;
    Form *f = cls;
    if (f->failed) return MHD_NO;
    if (!key) key = "";
    if (strlen(key) > FORM_MAX_KEY)
        return stop(f, err_set(&f->err, 400, "body", "a form field's name is longer than 100 bytes"));
    if (!text_utf8_valid(key, strlen(key), NULL))
        return stop(f, err_set(&f->err, 400, "body", "a form field's name is not UTF-8"));
    if (filename) return file_piece(f, key, filename, type, data, off, size);
    Field *last = f->nfields ? &f->fields[f->nfields - 1] : NULL;
    bool same = f->last == 1 && last && strcmp(last->key, key) == 0;
    if (off == 0 && !(same && last->val.n == 0)) {
        if (f->nfields >= FORM_MAX_FIELDS)
            return stop(f, err_set(&f->err, 400, "body", "a form may carry at most 200 fields"));
        if (f->nfields == f->cap) {
            f->cap = f->cap ? 2 * f->cap : 16;
            f->fields = xrealloc(f->fields, (size_t)f->cap * sizeof *f->fields);
        }
        last = &f->fields[f->nfields++];
        last->key = xstrdup(key);
        last->val = (Buf)BUF_INIT;
    } else if (!same) {
        return stop(f, err_set(&f->err, 400, "body", "the form's parts are out of order"));
    }
    f->last = 1;
    buf_append(&last->val, data, size);
    return MHD_YES;
}

Form *form_new(void *mc, const char *dir) {
    Form *f = xcalloc(1, sizeof *f);
    f->dir = xstrdup(dir && *dir ? dir : "/tmp");
    f->pp = MHD_create_post_processor(mc, 16 * 1024, form_item, f);
    if (!f->pp) {
        form_free(f);
        return NULL;
    }
    return f;
}

int form_feed(Form *f, const char *data, size_t n, Err *e) {
    if (!f->failed && f->pp && MHD_post_process(f->pp, data, n) != MHD_YES && !f->failed)
        stop(f, err_set(&f->err, 400, "body", "the form's body is malformed"));
    if (!f->failed) return 0;
    *e = f->err;
    return -1;
}

int form_finish(Form *f, Err *e) {
    if (!f->failed && f->pp) {
        enum MHD_Result ok = MHD_destroy_post_processor(f->pp);
        f->pp = NULL;
        if (ok != MHD_YES && !f->failed)
            stop(f, err_set(&f->err, 400, "body", "the form's body ended in the middle of a part"));
    }
    /* Every field is text: UTF-8 without NUL (a browser sends nothing else). The error names the
    ** field, or the body when the field has no name (found by fuzz_form). */
    for (int i = 0; !f->failed && i < f->nfields; i++) {
        Field *fl = &f->fields[i];
        buf_putc(&fl->val, 0);
        fl->val.n--;
        if (memchr(fl->val.p ? fl->val.p : "", 0, fl->val.n) || !text_utf8_valid(buf_str(&fl->val), fl->val.n, NULL))
            stop(f, err_set(&f->err, 400, *fl->key ? fl->key : "body",
                            "the form field '%s' is not text (UTF-8 without NUL)", fl->key));
    }
    for (int i = 0; !f->failed && i < f->nfiles; i++)
        if (!text_utf8_valid(f->files[i].filename, strlen(f->files[i].filename), NULL))
            stop(f, err_set(&f->err, 400, *f->files[i].name ? f->files[i].name : "body",
                            "the name of the file sent as '%s' is not UTF-8",
                            f->files[i].name));
    if (!f->failed) return 0;
    *e = f->err;
    return -1;
}

void form_free(Form *f) {
    if (!f) return;
    if (f->pp) MHD_destroy_post_processor(f->pp);
    for (int i = 0; i < f->nfields; i++) {
        free(f->fields[i].key);
        buf_free(&f->fields[i].val);
    }
    free(f->fields);
    for (int i = 0; i < f->nfiles; i++) {
        FormFile *ff = &f->files[i];
        if (ff->fd >= 0) close(ff->fd);
        if (ff->path) unlink(ff->path);
        free((char *)ff->path);
        free((char *)ff->name);
        free((char *)ff->filename);
        free((char *)ff->type);
    }
    free(f->dir);
    free(f);
}

const char *form_get(const Form *f, const char *key) {
    for (int i = 0; f && i < f->nfields; i++)
        if (strcmp(f->fields[i].key, key) == 0) return buf_str((Buf *)&f->fields[i].val);
    return NULL;
}

int form_count(const Form *f) { return f ? f->nfields : 0; }
const char *form_key(const Form *f, int i) { return f->fields[i].key; }
const char *form_value(const Form *f, int i) { return buf_str((Buf *)&f->fields[i].val); }

const FormFile *form_files(const Form *f, int *n) {
    *n = f ? f->nfiles : 0;
    return f ? f->files : NULL;
}
