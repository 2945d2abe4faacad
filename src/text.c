/*
** text.c: Unicode text handling (see text.h). utf8proc does normalisation and the Unicode
** tables; this file adds what is specific to ocop: the search fold, the duplicate key with
** Vietnamese tone placement, cell cleaning and highlighting.
**
** text_fold runs on every name at import and on every query, so it avoids utf8proc for the
** common case: ASCII goes through a 128-byte table, and the Latin ranges that Vietnamese uses
** (U+00C0-U+01B0 and U+1EA0-U+1EF9) through two small tables giving the base letter. Only
** other code points are decomposed by utf8proc.
*/
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util.h"

/* Decode one code point from s[0..n), n >= 1. Returns the bytes used; *cp is the code point,
** or -1 for an invalid sequence, of which one byte is used (so decoding resynchronises).
** Strict: overlong forms, surrogates, values above U+10FFFF and truncations are invalid. */
static size_t dec(const unsigned char *s, size_t n, int32_t *cp) {
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c < 0xE0) {
        if (n >= 2 && (s[1] & 0xC0) == 0x80) {
            *cp = (int32_t)(((c & 0x1Fu) << 6) | (s[1] & 0x3Fu));
            return 2;
        }
    } else if (c >= 0xE0 && c < 0xF0) {
        if (n >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            int32_t v = (int32_t)(((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
            if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) {
                *cp = v;
                return 3;
            }
        }
    } else if (c >= 0xF0 && c < 0xF5) {
        if (n >= 4 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
            int32_t v = (int32_t)(((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
                                  ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu));
            if (v >= 0x10000 && v <= 0x10FFFF) {
                *cp = v;
                return 4;
            }
        }
    }
    *cp = -1;
    return 1;
}

static size_t enc(int32_t cp, char *dst) {
    return (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)dst);
}

bool text_utf8_valid(const char *s, size_t n, size_t *bad_offset) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t l = dec(p + i, n - i, &cp);
        if (cp < 0) {
            if (bad_offset) *bad_offset = i;
            return false;
        }
        i += l;
    }
    return true;
}

size_t text_chars(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, count = 0;
    while (i < n) {
        int32_t cp;
        i += dec(p + i, n - i, &cp);
        count++;
    }
    return count;
}

static bool all_ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/* NFC of valid UTF-8 s[0..n) as a malloc'd string; *len gets its length. */
/* True when s (valid UTF-8) is certainly NFC already: every character is ASCII, a precomposed
** Latin letter (Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional: all of
** Vietnamese), typographic punctuation or the đồng sign. None of those changes under NFC, and
** without combining marks nothing can compose. Anything else goes through utf8proc. */
static bool surely_nfc(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        int32_t cp;
        size_t l = dec(p + i, n - i, &cp);
        if (!((cp >= 0xA0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2010 && cp <= 0x2027) ||
              (cp >= 0x2030 && cp <= 0x205E) || cp == 0x20AB))
            return false;
        i += l;
    }
    return true;
}

static char *nfc_map(const char *s, size_t n, size_t *len) {
    if (all_ascii(s, n) || surely_nfc(s, n)) {
        *len = n;
        return xstrndup(s, n);
    }
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
                                      UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (r < 0) {
        /* The input was validated, so only running out of memory is left. */
        panic("utf8proc_map: %s", utf8proc_errmsg(r));
    }
    *len = (size_t)r;
    return (char *)out;
}

char *text_nfc(const char *s, size_t n) {
    if (memchr(s, 0, n) || !text_utf8_valid(s, n, NULL)) return NULL;
    size_t len;
    return nfc_map(s, n, &len);
}

/* ---- character classes -------------------------------------------------------------- */

static bool is_linebreak(int32_t cp) {
    return cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

/* Whitespace for cleaning and trimming: Unicode spaces (NBSP, ideographic space, ...),
** line and paragraph separators, and control characters. */
static bool is_space(int32_t cp) {
    if (cp < 0x80) return cp <= 0x20 || cp == 0x7F;
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
           c == UTF8PROC_CATEGORY_ZP || c == UTF8PROC_CATEGORY_CC;
}

/* Invisible format characters: zero-width space and joiners, word joiner, BOM, soft hyphen,
** bidi controls. They are dropped (cleaning, keys) or ignored inside words (folding). */
static bool is_format(int32_t cp) {
    return cp >= 0x80 && utf8proc_category(cp) == UTF8PROC_CATEGORY_CF;
}

static bool is_apostrophe(int32_t cp) {
    return cp == '\'' || cp == '`' || cp == 0xB4 || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x02BC || cp == 0x2032;
}

/* ---- folding ------------------------------------------------------------------------ */

/* ASCII: letters lower-cased, digits kept, everything else 0 (a separator). */
static const char ascii_fold[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
    ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
    ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
    ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
    ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
    ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
    ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* Base letter of U+00C0..U+01B0 and U+1EA0..U+1EF9 ('_': ask utf8proc). Generated with
** Python's unicodedata (first letter of the NFD form when the rest are combining marks);
** Đ đ (U+0110/0111) and their look-alikes Ð ð (U+00D0/00F0, often typed for Đ) give 'd'. */
static const char latin_fold[] =
    "aaaaaa_ceeeeiiiidnooooo__uuuuy__aaaaaa_ceeeeiiiidnooooo__uuuuy_y"  /* U+00C0 */
    "aaaaaaccccccccddddeeeeeeeeeegggggggghh__iiiiiiiii___jjkk_llllll_"  /* U+0100 */
    "___nnnnnn___oooooo__rrrrrrsssssssstttt__uuuuuuuuuuuuwwyyyzzzzzz_"  /* U+0140 */
    "________________________________oo_____________uu";                /* U+0180 */
static const char viet_fold[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooo"  /* U+1EA0 */
    "oooouuuuuuuuuuuuuuyyyyyyyy";                                       /* U+1EE0 */
_Static_assert(sizeof latin_fold - 1 == 0x1B0 - 0xC0 + 1, "latin_fold covers U+00C0..U+01B0");
_Static_assert(sizeof viet_fold - 1 == 0x1EF9 - 0x1EA0 + 1, "viet_fold covers U+1EA0..U+1EF9");

enum { C_SEP, C_WORD, C_JOIN };
enum { FOLD_CPS = 24, FOLD_BYTES = FOLD_CPS * 4 };

static bool cat_word(utf8proc_category_t c) {
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Class of code point cp (>= 0) for folding. C_WORD: its folded form, possibly empty, is
** written to dst[0..*dn) (at most FOLD_BYTES). C_JOIN: a combining mark or format character,
** part of the word around it, folding to nothing. C_SEP: separates words. */
static int fold_cp(int32_t cp, char *dst, size_t *dn) {
    *dn = 0;
    if (cp < 0x80) {
        char f = ascii_fold[cp];
        if (!f) return C_SEP;
        dst[0] = f;
        *dn = 1;
        return C_WORD;
    }
    char f = '_';
    if (cp >= 0xC0 && cp <= 0x1B0) f = latin_fold[cp - 0xC0];
    else if (cp >= 0x1EA0 && cp <= 0x1EF9) f = viet_fold[cp - 0x1EA0];
    if (f != '_') {
        dst[0] = f;
        *dn = 1;
        return C_WORD;
    }
    utf8proc_category_t c = utf8proc_category(cp);
    if (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) return C_JOIN;
    if (c == UTF8PROC_CATEGORY_CF) return C_JOIN;
    if (!cat_word(c)) return C_SEP;
    utf8proc_int32_t tmp[FOLD_CPS];
    int boundclass = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        cp, tmp, FOLD_CPS,
        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK, &boundclass);
    if (k < 0 || k > FOLD_CPS) {
        /* Longer than any letter's decomposition we fold: keep the letter, lower-cased. */
        tmp[0] = utf8proc_tolower(cp);
        k = 1;
    }
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        /* Keep only the letters and digits of a compatibility decomposition, so that one input
        ** letter never introduces a word break (U+00BD "½" -> "1⁄2" -> "12"). */
        if (!cat_word(utf8proc_category(tmp[i]))) continue;
        *dn += enc(tmp[i], dst + *dn);
    }
    return C_WORD;
}

void text_fold(Buf *out, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    char st[512];
    size_t k = 0, i = 0;
    bool any = false, sep = false;
    while (i < n) {
        unsigned c = p[i];
        if (c < 0x80) {
            char f = ascii_fold[c];
            i++;
            if (f) {
                if (sep && any) st[k++] = ' ';
                sep = false;
                any = true;
                st[k++] = f;
            } else {
                sep = true;
            }
        } else {
            int32_t cp;
            char tmp[FOLD_BYTES];
            size_t tn = 0;
            i += dec(p + i, n - i, &cp);
            int cls = cp < 0 ? C_SEP : fold_cp(cp, tmp, &tn);
            if (cls == C_SEP) {
                sep = true;
            } else if (tn) {
                if (sep && any) st[k++] = ' ';
                sep = false;
                any = true;
                memcpy(st + k, tmp, tn);
                k += tn;
            }
        }
        if (k > sizeof st - FOLD_BYTES - 2) {
            buf_append(out, st, k);
            k = 0;
        }
    }
    if (k) buf_append(out, st, k);
}

/* ---- duplicate key ------------------------------------------------------------------ */

/* Vowels with a tone, in the order huyền, sắc, hỏi, ngã, nặng. */
static const int32_t tone_a[5] = {0x00E0, 0x00E1, 0x1EA3, 0x00E3, 0x1EA1};
static const int32_t tone_e[5] = {0x00E8, 0x00E9, 0x1EBB, 0x1EBD, 0x1EB9};
static const int32_t tone_y[5] = {0x1EF3, 0x00FD, 0x1EF7, 0x1EF9, 0x1EF5};
static const int32_t tone_o[5] = {0x00F2, 0x00F3, 0x1ECF, 0x00F5, 0x1ECD};
static const int32_t tone_u[5] = {0x00F9, 0x00FA, 0x1EE7, 0x0169, 0x1EE5};

static int tone_of(const int32_t *tab, int32_t cp) {
    for (int t = 0; t < 5; t++)
        if (tab[t] == cp) return t;
    return -1;
}

/* Move the tone of an open syllable ending in oa, oe or uy (lower case) from the second vowel
** to the first: "hoà" -> "hòa", "khoẻ" -> "khỏe", "thuỷ" -> "thủy". The statistics office
** writes unit names this way ("Hòa Bình", "Khánh Hòa"). Syllables with a final consonant
** ("hoàn", "quỳnh") put the tone on the second vowel in both styles and are left alone; so is
** "qu" + y ("quý"), where u belongs to the consonant. cps[a..b) is one syllable. */
static void fix_tone(int32_t *cps, size_t a, size_t b) {
    if (b - a < 2) return;
    int32_t v1 = cps[b - 2], v2 = cps[b - 1];
    int t = -1;
    const int32_t *to = NULL;
    if (v1 == 'o') {
        t = tone_of(tone_a, v2);
        if (t >= 0) v2 = 'a';
        else if ((t = tone_of(tone_e, v2)) >= 0) v2 = 'e';
        to = tone_o;
    } else if (v1 == 'u') {
        if (b - a >= 3 && cps[b - 3] == 'q') return;
        t = tone_of(tone_y, v2);
        v2 = 'y';
        to = tone_u;
    }
    if (t < 0) return;
    cps[b - 2] = to[t];
    cps[b - 1] = v2;
}

/* Letters and combining marks: what a syllable is made of, for fix_tone. A syllable that ends
** in a mark NFC could not compose ("ý" + U+0301) is left alone. */
static bool is_syllable(int32_t cp) {
    if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME);
}

char *text_key(const char *s, size_t n) {
    if (!text_utf8_valid(s, n, NULL)) return NULL;
    /* 1. Drop format characters, collapse whitespace, lower-case; before NFC, so that what is
    **    dropped cannot keep a letter from its marks. */
    char *low = xmalloc(n * 4 + 1);
    size_t k = 0, i = 0;
    bool space = false;
    while (i < n) {
        int32_t cp;
        i += dec((const unsigned char *)s + i, n - i, &cp);
        if (is_format(cp)) continue;
        if (is_space(cp)) {
            space = true;
            continue;
        }
        if (space && k) low[k++] = ' ';
        space = false;
        k += enc(utf8proc_tolower(cp), low + k);
    }
    /* 2. NFC. */
    size_t len;
    char *nfc = nfc_map(low, k, &len);
    free(low);
    /* 3. Apostrophes (after NFC, which turns some look-alikes into U+00B4), lower case again
    **    (NFC turns some symbols into capitals: U+212B Å), then tone placement, syllable by
    **    syllable: it swaps two precomposed letters at the end of a syllable for two others,
    **    so the text stays NFC. */
    int32_t *cps = xmalloc((len + 1) * sizeof *cps);
    size_t m = 0;
    for (i = 0; i < len; m++) {
        i += dec((const unsigned char *)nfc + i, len - i, &cps[m]);
        cps[m] = is_apostrophe(cps[m]) ? '\'' : utf8proc_tolower(cps[m]);
    }
    free(nfc);
    for (size_t a = 0; a < m;) {
        if (!is_syllable(cps[a])) {
            a++;
            continue;
        }
        size_t b = a;
        while (b < m && is_syllable(cps[b])) b++;
        fix_tone(cps, a, b);
        a = b;
    }
    char *out = xmalloc(m * 4 + 1);
    k = 0;
    for (size_t j = 0; j < m; j++) k += enc(cps[j], out + k);
    out[k] = 0;
    free(cps);
    return out;
}

/* ---- cleaning ----------------------------------------------------------------------- */

static char *clean(const char *s, size_t n, bool multiline) {
    if (!text_utf8_valid(s, n, NULL)) return NULL;
    /* Whitespace and format characters first, NFC last: a dropped zero-width space must not
    ** keep a letter from its combining marks. */
    char *out = xmalloc(n + 1);
    size_t k = 0, i = 0;
    int newlines = 0;
    bool space = false;
    while (i < n) {
        int32_t cp;
        size_t l = dec((const unsigned char *)s + i, n - i, &cp);
        if (multiline && is_linebreak(cp)) {
            if (cp == '\r' && i + 1 < n && s[i + 1] == '\n') l++;
            newlines++;
            space = false;
        } else if (is_space(cp)) {
            if (!newlines) space = true;
        } else if (!is_format(cp)) {
            if (k) {
                if (newlines) {
                    out[k++] = '\n';
                    if (newlines > 1) out[k++] = '\n';
                } else if (space) {
                    out[k++] = ' ';
                }
            }
            newlines = 0;
            space = false;
            memcpy(out + k, s + i, l);
            k += l;
        }
        i += l;
    }
    size_t len;
    char *nfc = nfc_map(out, k, &len);
    free(out);
    return nfc;
}

char *text_clean(const char *s, size_t n) { return clean(s, n, true); }
char *text_clean_line(const char *s, size_t n) { return clean(s, n, false); }

char *text_trim(const char *s, size_t n) {
    const char *nul = memchr(s, 0, n);
    if (nul) n = (size_t)(nul - s); /* the result is a C string: it ends there anyway */
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, start = n, end = 0;
    while (i < n) {
        int32_t cp;
        size_t l = dec(p + i, n - i, &cp);
        if (cp < 0 || !(is_space(cp) || is_format(cp))) {
            if (start == n) start = i;
            end = i + l;
        }
        i += l;
    }
    if (start == n) return xstrdup("");
    return xstrndup(s + start, end - start);
}

/* ---- highlighting ------------------------------------------------------------------- */

/* HTML-escape s[0..n), writing U+FFFD for invalid bytes. */
static void html_valid(Buf *out, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0;
    while (i < n) {
        int32_t cp;
        size_t l = dec(p + i, n - i, &cp);
        if (cp < 0) {
            buf_html(out, s + run, i - run);
            buf_puts(out, "\xEF\xBF\xBD");
            run = i + l;
        }
        i += l;
    }
    buf_html(out, s + run, n - run);
}

typedef struct QWord {
    const char *p;
    size_t n;
} QWord;

static bool word_matches(const Buf *w, const QWord *q, size_t nq) {
    for (size_t j = 0; j < nq; j++)
        if (w->n >= q[j].n && memcmp(w->p, q[j].p, q[j].n) == 0) return true;
    return false;
}

static void emit_word(Buf *out, const char *s, size_t n, const Buf *w, const QWord *q, size_t nq) {
    if (nq && w->n && word_matches(w, q, nq)) {
        buf_puts(out, "<mark>");
        html_valid(out, s, n);
        buf_puts(out, "</mark>");
    } else {
        html_valid(out, s, n);
    }
}

void text_highlight(Buf *out, const char *text, const char *query) {
    Buf qf = BUF_INIT, w = BUF_INIT;
    if (query) text_fold(&qf, query, strlen(query));
    size_t nq = 0;
    QWord *q = xmalloc((qf.n / 2 + 1) * sizeof *q);
    for (size_t a = 0; a < qf.n;) {
        size_t b = a;
        while (b < qf.n && qf.p[b] != ' ') b++;
        q[nq++] = (QWord){qf.p + a, b - a};
        a = b + 1;
    }
    const unsigned char *p = (const unsigned char *)text;
    size_t n = strlen(text), i = 0, start = 0;
    bool in_word = false;
    while (i < n) {
        int32_t cp;
        char tmp[FOLD_BYTES];
        size_t tn = 0;
        size_t l = dec(p + i, n - i, &cp);
        int cls = cp < 0 ? C_SEP : fold_cp(cp, tmp, &tn);
        if (cls == C_WORD) {
            if (!in_word) {
                html_valid(out, text + start, i - start);
                start = i;
                in_word = true;
                buf_reset(&w);
            }
            buf_append(&w, tmp, tn);
        } else if (cls == C_SEP && in_word) {
            emit_word(out, text + start, i - start, &w, q, nq);
            start = i;
            in_word = false;
        }
        i += l;
    }
    if (in_word) emit_word(out, text + start, n - start, &w, q, nq);
    else html_valid(out, text + start, n - start);
    free(q);
    buf_free(&qf);
    buf_free(&w);
}
