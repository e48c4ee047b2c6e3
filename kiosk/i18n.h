/*
 * i18n.h - messages through gettext, and the languages the kiosk speaks.
 * _() translates now; N_() marks a string for xgettext to translate later.
 *
 * Each language is a gettext catalogue locale/<code>.po; the codes are
 * gettext's own ("ja@easy" is やさしい日本語, plain Japanese for people who
 * read little kanji; it falls back to "ja" for any message it lacks).
 *
 * A terminal whose locale is not UTF-8 (the Linux console, say) gets the
 * plain-ASCII English interface: messages from the "en@ascii" catalogue
 * (English without the Japanese words some messages carry, falling back
 * to "en"), every translated text converted to ASCII by gettext, and
 * frames drawn in ASCII by the screens.
 */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Every language the kiosk has a catalogue for, in the default order of
 * the language list ([kiosk] languages picks and reorders them). */
enum lang {
    LANG_JA,
    LANG_EN,
    LANG_JA_EASY,
    LANG_ZH_CN,
    LANG_ZH_TW,
    LANG_KO,
    LANG_VI,
    LANG_PT_BR,
    LANG_ES,
    LANG_TL,
    LANG_NE,
    LANG_ID,
    LANG_TH,
    LANG_COUNT
};

/* gettext's code for a language ("ja", "ja@easy", "pt_BR");
 * lang_from_code() returns -1 for an unknown code. */
const char *lang_code(enum lang l);
int lang_from_code(const char *code);
/* The language's own name in its own script ("日本語", "ภาษาไทย"). */
const char *lang_native_name(enum lang l);

/* Parse a list of language codes separated by commas and/or blanks
 * ("ja, en, zh_CN") into out[0..max), in order, without repeats.
 * Returns how many, or -1 with the first bad code's offset in *bad (an
 * unknown code, or an empty list). */
int lang_parse_list(const char *text, enum lang *out, int max, size_t *bad);

/* Bind the catalogue (next to the program when run from the build tree,
 * else the installed locale directory) and make the program's codeset
 * UTF-8 where it can be (C.UTF-8 when the terminal's is not, because glibc
 * ignores LANGUAGE under plain "C"). Returns 0 when the terminal's own
 * locale is UTF-8, -1 when it is not. */
int i18n_init(const char *argv0);

/* Plain-ASCII English from now on (on), or the normal catalogues (off).
 * Call before the first message is shown. */
void i18n_set_ascii(bool on);
bool i18n_ascii(void);

/* Switch every later gettext() call to language l. */
void i18n_set_lang(enum lang l);

/* msgid translated into language l, whatever the current language is (for
 * the attract screen's greeting in each language in turn). The result is
 * gettext's: never freed, valid for the life of the program. */
const char *i18n_text_in(enum lang l, const char *msgid);

/* msgid in language l's own catalogue as UTF-8, even while the terminal
 * gets the ASCII interface: for what is printed (the receipt), never for
 * the screen. Never freed, like gettext's. */
const char *i18n_printed_in(enum lang l, const char *msgid)
    __attribute__((format_arg(2)));

#endif
