/*
** fuzz_text.c: libFuzzer harness for text.c. The input is text, or "query<TAB>text" for the
** highlighter. Beyond not crashing, it checks what must hold for any input: every output is
** valid UTF-8; text_fold writes only single spaces between words, none at the ends, and is a
** fixed point (folding folded text changes nothing); text_key, text_nfc and text_clean are
** fixed points too and succeed exactly on valid UTF-8; text_trim leaves no blank at either
** end; text_highlight balances its <mark> tags and, with the tags and escapes taken away,
** gives back the text.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *s) {
    fprintf(stderr, "fuzz_text: %s: \"%s\"\n", what, s ? s : "(null)");
    abort();
}

static void valid(const char *what, const char *s) {
    if (!text_utf8_valid(s, strlen(s), NULL)) fail(what, s);
}

/* f(s) must equal s for a function that should leave its own output alone. */
static void fixed_point(const char *what, char *(*f)(const char *, size_t), const char *s) {
    char *again = f(s, strlen(s));
    if (!again || strcmp(again, s) != 0) fail(what, s);
    free(again);
}

static void check_fold(const char *s, size_t n) {
    Buf b = BUF_INIT;
    text_fold(&b, s, n);
    const char *f = buf_str(&b);
    valid("fold: invalid UTF-8", f);
    if (strlen(f) != b.n) fail("fold: NUL in output", f);
    if (b.n && (f[0] == ' ' || f[b.n - 1] == ' ')) fail("fold: space at an end", f);
    if (strstr(f, "  ")) fail("fold: double space", f);
    for (size_t i = 0; i < b.n; i++) {
        char c = f[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if ((unsigned char)c < 0x80 && c != ' ' && !alnum)
            fail("fold: ASCII other than a-z 0-9 space", f);
    }
    Buf again = BUF_INIT;
    text_fold(&again, f, b.n);
    if (strcmp(buf_str(&again), f) != 0) fail("fold: not a fixed point", f);
    buf_free(&again);
    buf_free(&b);
}

static char *clean_multi(const char *s, size_t n) { return text_clean(s, n); }

/* Undo text_highlight: drop <mark>/</mark>, unescape the five entities. */
static void unhighlight(const char *h, Buf *out) {
    static const struct { const char *from, *to; } ent[] = {
        {"<mark>", ""}, {"</mark>", ""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"},
        {"&quot;", "\""}, {"&#39;", "'"},
    };
    int depth = 0;
    while (*h) {
        size_t i;
        for (i = 0; i < sizeof ent / sizeof ent[0]; i++) {
            size_t l = strlen(ent[i].from);
            if (strncmp(h, ent[i].from, l) == 0) {
                if (i == 0 && depth++) fail("highlight: nested <mark>", h);
                if (i == 1 && --depth) fail("highlight: </mark> without <mark>", h);
                buf_puts(out, ent[i].to);
                h += l;
                break;
            }
        }
        if (i == sizeof ent / sizeof ent[0]) {
            if (*h == '<' || *h == '>' || *h == '"' || *h == '\'') fail("highlight: unescaped", h);
            buf_putc(out, *h++);
        }
    }
    if (depth) fail("highlight: <mark> left open", h);
}

static void check_highlight(const char *text, const char *query) {
    Buf h = BUF_INIT, plain = BUF_INIT;
    text_highlight(&h, text, query);
    valid("highlight: invalid UTF-8", buf_str(&h));
    unhighlight(buf_str(&h), &plain);
    if (text_utf8_valid(text, strlen(text), NULL) && strcmp(buf_str(&plain), text) != 0)
        fail("highlight: text changed", text);
    buf_free(&h);
    buf_free(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *s = (const char *)data;
    bool ok = text_utf8_valid(s, size, NULL);
    bool has_nul = memchr(s, 0, size) != NULL;
    if (text_chars(s, size) > size) fail("chars: more than bytes", NULL);

    check_fold(s, size);

    char *nfc = text_nfc(s, size);
    if ((nfc != NULL) != (ok && !has_nul)) fail("nfc: NULL exactly for invalid UTF-8 or NUL", nfc);
    if (nfc) {
        valid("nfc: invalid UTF-8", nfc);
        fixed_point("nfc: not a fixed point", text_nfc, nfc);
        free(nfc);
    }

    char *key = text_key(s, size);
    if ((key != NULL) != ok) fail("key: NULL exactly for invalid UTF-8", key);
    if (key) {
        valid("key: invalid UTF-8", key);
        fixed_point("key: not a fixed point", text_key, key);
        free(key);
    }

    char *c1 = clean_multi(s, size), *c2 = text_clean_line(s, size);
    if ((c1 != NULL) != ok || (c2 != NULL) != ok)
        fail("clean: NULL exactly for invalid UTF-8", NULL);
    if (c1) {
        valid("clean: invalid UTF-8", c1);
        fixed_point("clean: not a fixed point", clean_multi, c1);
        if (strchr(c2, '\n') || strstr(c2, "  "))
            fail("clean_line: line break or double space", c2);
        fixed_point("clean_line: not a fixed point", text_clean_line, c2);
        free(c1);
        free(c2);
    }

    char *t = text_trim(s, size);
    size_t tn = strlen(t);
    if (tn && (t[0] == ' ' || t[tn - 1] == ' ' || t[tn - 1] == '\n'))
        fail("trim: blank at an end", t);
    fixed_point("trim: not a fixed point", text_trim, t);
    free(t);

    /* highlight: "query<TAB>text", or the input as both; NUL-terminated copies */
    char *copy = malloc(size + 1);
    memcpy(copy, s, size);
    copy[size] = 0;
    char *tab = strchr(copy, '\t');
    if (tab) {
        *tab = 0;
        check_highlight(tab + 1, copy);
    } else {
        check_highlight(copy, copy);
    }
    free(copy);
    return 0;
}
