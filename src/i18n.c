/*
** i18n.c: catalogues and the writing of dates and numbers (see i18n.h).
**
** The catalogues are GNU .mo files (msgfmt's output), embedded by the build as
** embedded_catalogues[] ("po/vi.mo", "po/en.mo"). A .mo file holds its message ids sorted, so a
** lookup is a binary search over the ids in place: nothing is copied or allocated.
*/
#include "i18n.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "embed.h"
#include "util.h"

extern const EmbeddedFile embedded_catalogues[];

typedef struct Mo {
    const unsigned char *data;
    size_t size;
    uint32_t n, ids, strs; /* message count; offsets of the id and translation tables */
    int swap;              /* the file's byte order is not ours */
} Mo;

static Mo catalogues[LANG_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *const codes[LANG_COUNT] = {"vi", "en"};

static uint32_t word(const Mo *m, size_t off) {
    uint32_t v;
    memcpy(&v, m->data + off, 4);
    return m->swap ? __builtin_bswap32(v) : v;
}

/* A table entry i (length, offset) as a string inside the file, or NULL when it points outside. */
static const char *entry(const Mo *m, uint32_t table, uint32_t i, uint32_t *len) {
    size_t at = (size_t)table + (size_t)i * 8;
    if (at + 8 > m->size) return NULL;
    uint32_t n = word(m, at), off = word(m, at + 4);
    if ((size_t)off + n >= m->size || m->data[off + n] != 0) return NULL;
    *len = n;
    return (const char *)m->data + off;
}

static void load(void) {
    for (int l = 0; l < LANG_COUNT; l++) {
        char name[16];
        snprintf(name, sizeof name, "po/%s.mo", codes[l]);
        for (const EmbeddedFile *f = embedded_catalogues; f->name; f++) {
            if (strcmp(f->name, name) != 0) continue;
            Mo m = {.data = (const unsigned char *)f->data, .size = f->size};
            if (m.size < 28) panic("catalogue %s is too short", name);
            uint32_t magic;
            memcpy(&magic, m.data, 4);
            if (magic == 0xde120495u) m.swap = 1;
            else if (magic != 0x950412deu) panic("catalogue %s is not a .mo file", name);
            m.n = word(&m, 8), m.ids = word(&m, 12), m.strs = word(&m, 16);
            catalogues[l] = m;
        }
    }
}

const char *tr(Lang lang, const char *msgid) {
    if (!msgid || !*msgid || (unsigned)lang >= LANG_COUNT) return msgid ? msgid : "";
    pthread_once(&once, load);
    const Mo *m = &catalogues[lang];
    uint32_t lo = 0, hi = m->n, len;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *id = entry(m, m->ids, mid, &len);
        if (!id) return msgid;
        int c = strcmp(msgid, id);
        if (c == 0) {
            const char *s = entry(m, m->strs, mid, &len);
            return s && len ? s : msgid;
        }
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return msgid;
}

const char *lang_code(Lang lang) { return (unsigned)lang < LANG_COUNT ? codes[lang] : codes[0]; }

int lang_parse(const char *code) {
    if (!code) return -1;
    for (int l = 0; l < LANG_COUNT; l++) {
        size_t n = strlen(codes[l]);
        if (strncasecmp(code, codes[l], n) == 0 && (code[n] == 0 || code[n] == '-' || code[n] == '_')) return l;
    }
    return -1;
}

/* "en-GB,vi;q=0.8,*;q=0.5": the highest q among our languages; the first wins a tie. */
Lang lang_accept(const char *h, Lang dflt) {
    if (!h) return dflt;
    int best = -1;
    double bestq = 0;
    while (*h) {
        while (*h == ' ' || *h == ',') h++;
        const char *tag = h;
        while (*h && *h != ',' && *h != ';' && *h != ' ') h++;
        size_t n = (size_t)(h - tag);
        double q = 1;
        while (*h && *h != ',') {
            if (*h == ';') {
                h++;
                while (*h == ' ') h++;
                if ((h[0] == 'q' || h[0] == 'Q') && h[1] == '=') q = strtod(h + 2, NULL);
            }
            if (*h && *h != ',') h++;
        }
        char code[16];
        if (n && n < sizeof code) {
            memcpy(code, tag, n);
            code[n] = 0;
            int l = lang_parse(code);
            if (l >= 0 && q > bestq) best = l, bestq = q;
        }
    }
    return best >= 0 ? (Lang)best : dflt;
}

const char *lang_date(const char *iso, char out[11]) {
    if (!iso || strlen(iso) < 10) return out[0] = 0, out;
    snprintf(out, 11, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
    return out;
}

/* digits of v grouped by sep, into out (n bytes) */
static void group(unsigned long long v, char sep, bool neg, char *out, size_t n) {
    char tmp[32], rev[48];
    int len = snprintf(tmp, sizeof tmp, "%llu", v), k = 0;
    for (int i = len - 1, c = 0; i >= 0; i--, c++) {
        if (c && c % 3 == 0) rev[k++] = sep;
        rev[k++] = tmp[i];
    }
    size_t o = 0;
    if (neg && o + 1 < n) out[o++] = '-';
    while (k > 0 && o + 1 < n) out[o++] = rev[--k];
    out[o] = 0;
}

const char *lang_int(Lang lang, long long v, char *out, size_t n) {
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    group(u, lang == LANG_EN ? ',' : '.', v < 0, out, n);
    return out;
}

const char *lang_num(Lang lang, double v, int decimals, char *out, size_t n) {
    if (decimals < 0) decimals = 0;
    if (decimals > 6) decimals = 6;
    if (!isfinite(v)) return snprintf(out, n, "%s", "-"), out;
    double scale = pow(10, decimals), a = fabs(v), r = round(a * scale);
    unsigned long long whole = (unsigned long long)(r / scale), frac = (unsigned long long)(r - (double)whole * scale);
    bool neg = v < 0 && r > 0;
    group(whole, lang == LANG_EN ? ',' : '.', neg, out, n);
    if (decimals) {
        size_t o = strlen(out);
        snprintf(out + o, n - o, "%c%0*llu", lang == LANG_EN ? '.' : ',', decimals, frac);
    }
    return out;
}
