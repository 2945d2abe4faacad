/*
** i18n.h: the languages of what people read. Every string a person reads is an English message
** id looked up in a GNU gettext catalogue: po/vi.po and po/en.po (docs/web.md "Catalogues"),
** compiled by msgfmt --check at build time and embedded. Page templates mark text with
** {{_ English text}}; C code with tr() (or N_() where the string is only noted for extraction);
** the domain's errors keep their message id and arguments (err.h) and are translated where
** they are shown.
*/
#ifndef OCOP_I18N_H
#define OCOP_I18N_H

#include <stddef.h>

typedef enum { LANG_VI, LANG_EN, LANG_COUNT } Lang;

/* Notes a message id for scripts/po-update without translating it here. */
#define N_(s) (s)

/* The translation of msgid in lang: the catalogue's, or msgid itself when the catalogue has
** none (so an untranslated message still says something). Never NULL; the string lives as long
** as the process (or as msgid). */
const char *tr(Lang lang, const char *msgid);
/* "vi" / "en" for a language; the language of a code ("vi", "en", "en-GB", any case), or -1. */
const char *lang_code(Lang lang);
int lang_parse(const char *code);
/* The language an Accept-Language header prefers among ours, or dflt when it names none. */
Lang lang_accept(const char *header, Lang dflt);

/* Dates and numbers as the language writes them:
**   lang_date   "2026-11-23" -> "23/11/2026" (both languages: the programme's documents use
**               day/month/year); "" for NULL or a string shorter than a date
**   lang_int    1234567 -> "1.234.567" (vi), "1,234,567" (en)
**   lang_num    1234.5 with 1 decimal -> "1.234,5" (vi), "1,234.5" (en) */
const char *lang_date(const char *iso, char out[11]);
const char *lang_int(Lang lang, long long v, char *out, size_t n);
const char *lang_num(Lang lang, double v, int decimals, char *out, size_t n);

#endif
