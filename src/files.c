/*
** files.c: content-addressed storage (see files.h). Writes go to a temporary file in the
** target directory, are flushed to disk, then renamed into place, so a reader never sees a
** partial file and a crash leaves at most a stray temporary.
*/
#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "text.h"
#include "util.h"

int files_clean_name(const char *name, char **out, Err *e) {
    *out = NULL;
    if (!name) return 0;
    char *clean = text_clean_line(name, strlen(name));
    if (!clean) return err_set(e, 422, "filename", "%s is not valid UTF-8 text", "filename");
    const char *base = clean;
    for (const char *p = clean; *p; p++)
        if (*p == '/' || *p == '\\') base = p + 1;
    while (*base == ' ') base++;
    /* Too long: the stem is cut on a character boundary; an extension of up to 16 bytes stays. */
    size_t chars = text_chars(base, strlen(base));
    Buf b = BUF_INIT;
    if (chars <= FILES_NAME_MAX) {
        buf_puts(&b, base);
    } else {
        const char *dot = strrchr(base, '.');
        if (!dot || strlen(dot) > 16) dot = base + strlen(base);
        size_t keep = FILES_NAME_MAX - text_chars(dot, strlen(dot)), k = 0;
        const char *p = base;
        for (; p < dot && (k < keep || ((unsigned char)*p & 0xC0) == 0x80); p++)
            k += ((unsigned char)*p & 0xC0) != 0x80;
        buf_append(&b, base, (size_t)(p - base));
        buf_puts(&b, dot);
    }
    free(clean);
    if (b.n) *out = buf_take(&b);
    buf_free(&b);
    return 0;
}

int files_valid_sha(const char *s) {
    if (!s || strlen(s) != 64) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    return 1;
}

static int mkdir_p(const char *dir) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0755) && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

int files_put(const char *dir, const void *data, size_t n, char sha[65], Err *e) {
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    sodium_bin2hex(sha, 65, h, sizeof h);
    char sub[4096], path[4200], tmp[4300];
    snprintf(sub, sizeof sub, "%s/%.2s", dir, sha);
    snprintf(path, sizeof path, "%s/%s", sub, sha + 2);
    if (access(path, F_OK) == 0) return 0;
    if (mkdir_p(sub)) return err_set(e, 500, "", "cannot create %s: %s", sub, strerror(errno));
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            close(fd);
            unlink(tmp);
            return err_set(e, 500, "", "cannot write %s: %s", tmp, strerror(errno));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) || close(fd) || rename(tmp, path)) {
        unlink(tmp);
        return err_set(e, 500, "", "cannot store %s: %s", path, strerror(errno));
    }
    return 0;
}

char *files_get(const char *dir, const char *sha, size_t *n, Err *e) {
    if (!files_valid_sha(sha)) {
        err_set(e, 422, "sha256", "a file is named by 64 lowercase hex digits (SHA-256)");
        return NULL;
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%.2s/%s", dir, sha, sha + 2);
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, 404, "sha256", "no stored file %s", sha);
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st)) {
        fclose(f);
        err_set(e, 500, "", "cannot read %s", path);
        return NULL;
    }
    char *buf = xmalloc((size_t)st.st_size + 1);
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    *n = got;
    return buf;
}

const char *files_sniff_image(const void *data, size_t n) {
    const unsigned char *p = data;
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return "image/jpeg";
    if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) return "image/png";
    if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0) return "image/webp";
    return NULL;
}
