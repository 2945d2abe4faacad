/*
** text.h: Unicode text handling. Text in ocop is UTF-8 in NFC; the UI is Vietnamese.
**
**   text_utf8_valid   strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF)
**   text_nfc          NFC copy of stored text
**   text_clean        what the importer and forms do to a cell: NFC, invisible characters
**                     dropped, whitespace (NBSP included) collapsed, trimmed (text_clean_line:
**                     line breaks too)
**   text_trim         trim Unicode whitespace and zero-width characters from both ends
**   text_fold         the search key: "Nước mắm Làng Xưa!" -> "nuoc mam lang xua"
**   text_key          the duplicate key: lower-case, diacritics kept, tone placement unified
**   text_highlight    HTML-escaped text with the words a query matched in <mark>
**
** text_fold defines what a "word" is for search.c and text_highlight: a maximal run of
** letters and digits (Unicode categories L* and N*); combining marks and invisible format
** characters (soft hyphen, zero-width space/joiners) join the word they are in; everything
** else separates words.
*/
#ifndef OCOP_TEXT_H
#define OCOP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* True if s[0..n) is well-formed UTF-8 (NUL bytes allowed). Otherwise false, and when
** bad_offset is not NULL it receives the offset of the first byte of the first bad sequence. */
bool text_utf8_valid(const char *s, size_t n, size_t *bad_offset);

/* Number of code points in s[0..n); each invalid byte counts as one. */
size_t text_chars(const char *s, size_t n);

/* NFC-normalised copy of s[0..n), NUL-terminated. Stored text keeps its spelling otherwise
** (old-style tone placement such as "Hoà" is not changed here; see text_key).
** Returns NULL when s is not valid UTF-8 or contains a NUL byte. Caller frees with free(). */
char *text_nfc(const char *s, size_t n);

/* A cleaned copy of a cell or form field: NFC; format characters (zero-width space and
** joiners, BOM, soft hyphen) removed; every run of whitespace or control characters (tab,
** NBSP U+00A0, ideographic space, ...) becomes one ASCII space; line breaks (CR LF, CR, LF,
** U+2028, U+2029, U+0085) are kept as '\n' with the spaces around them removed, at most one
** blank line in a row; nothing blank at either end.
** Returns NULL when s is not valid UTF-8. Caller frees with free(). */
char *text_clean(const char *s, size_t n);

/* As text_clean, for one-line values (names, codes): line breaks become spaces too. */
char *text_clean_line(const char *s, size_t n);

/* Copy of s[0..n) (up to a NUL byte, if any) without leading and trailing Unicode
** whitespace (incl. NBSP), control characters and zero-width/format characters; the inside is
** kept as is. Invalid bytes are kept (they are not whitespace). Never NULL; caller frees with
** free(). */
char *text_trim(const char *s, size_t n);

/* Append the search key of s[0..n) to out: lower-case, diacritics removed, đ/Đ -> d, every
** run of non-word characters -> one space, no space at either end; "" for text without
** letters or digits. Latin letters become ASCII; letters of other scripts stay letters
** (lower-cased, marks stripped, compatibility forms such as full-width letters unfolded).
** Invalid UTF-8 bytes separate words like punctuation does. Works on NFC and NFD input.
** Does not touch out's existing content; out owns the bytes as usual. */
void text_fold(Buf *out, const char *s, size_t n);

/* The duplicate-detection key of s[0..n): NFC, lower-case with diacritics kept ("mắm" and
** "mâm" differ), the old tone placement of the oa/oe/uy families moved to the one used by the
** statistics office ("Hoà" -> "hòa", "Thuỷ" -> "thủy", "Khoẻ" -> "khỏe"; not after "q":
** "quý"), apostrophes (’ ‘ ʼ ` ´) unified to ', format characters dropped, whitespace
** collapsed to single spaces and trimmed.
** Returns NULL when s is not valid UTF-8. Caller frees with free(). */
char *text_key(const char *s, size_t n);

/* Append text (NUL-terminated UTF-8) to out, HTML-escaped, with every word (as text_fold
** splits it) whose folded form starts with one of the folded words of query wrapped in
** <mark>...</mark>: ("Bánh đậu xanh", "dau xanh") -> "Bánh <mark>đậu</mark> <mark>xanh</mark>".
** Invalid UTF-8 bytes in text are written as U+FFFD so the output is always valid UTF-8.
** query may be NULL or blank (nothing is marked). */
void text_highlight(Buf *out, const char *text, const char *query);

#endif
