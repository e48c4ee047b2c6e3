/*
 * i18n.h - messages through gettext, and the languages the kiosk speaks.
 * _() translates now; N_() marks a string for xgettext to translate later.
 */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Languages in the order the attract screen offers them. */
enum lang { LANG_JA, LANG_EN, LANG_COUNT };

/* gettext's code for a language ("ja", "en"); lang_from_code() returns -1
 * for an unknown code. */
const char *lang_code(enum lang l);
int lang_from_code(const char *code);
/* The language's own name in its own script ("日本語", "English"). */
const char *lang_native_name(enum lang l);

/* Bind the catalogue (next to the program when run from the build tree,
 * else the installed locale directory) and make the terminal's codeset
 * UTF-8 where it can be. Returns 0 when the terminal is UTF-8. */
int i18n_init(const char *argv0);
/* Switch every later gettext() call to language l. */
void i18n_set_lang(enum lang l);

#endif
