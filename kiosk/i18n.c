/*
 * i18n.c - gettext set-up, the language table, switching while running.
 *
 * glibc ignores LANGUAGE under the plain "C" locale but honours it under
 * "C.UTF-8", so a terminal whose locale is not UTF-8 is moved to C.UTF-8;
 * switching language is then LANGUAGE plus a bump of gettext's cache
 * counter, which makes every later gettext() look again. glibc tries
 * "ja@easy" then "ja", "pt_BR" then "pt", "en@ascii" then "en", so a
 * catalogue that lacks a message falls back to its base language.
 */
#include "kiosk/i18n.h"

#include <langinfo.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KIOSK_LOCALEDIR
#define KIOSK_LOCALEDIR "/usr/local/share/locale"
#endif

#define ASCII_CATALOGUE "en@ascii"

extern int _nl_msg_cat_cntr;

/* Names as each language writes its own name: people look for theirs. */
static const struct {
    const char *code;
    const char *native;
} langs[LANG_COUNT] = {
    [LANG_JA] = { "ja", "日本語" },
    [LANG_EN] = { "en", "English" },
    [LANG_JA_EASY] = { "ja@easy", "やさしい にほんご" },
    [LANG_ZH_CN] = { "zh_CN", "简体中文" },
    [LANG_ZH_TW] = { "zh_TW", "繁體中文" },
    [LANG_KO] = { "ko", "한국어" },
    [LANG_VI] = { "vi", "Tiếng Việt" },
    [LANG_PT_BR] = { "pt_BR", "Português" },
    [LANG_ES] = { "es", "Español" },
    [LANG_TL] = { "tl", "Tagalog" },
    [LANG_NE] = { "ne", "नेपाली" },
    [LANG_ID] = { "id", "Bahasa Indonesia" },
    [LANG_TH] = { "th", "ภาษาไทย" },
};

static bool ascii_mode;
static enum lang current = LANG_JA;

const char *lang_code(enum lang l)
{
    return (l >= 0 && l < LANG_COUNT) ? langs[l].code : "ja";
}

const char *lang_native_name(enum lang l)
{
    return (l >= 0 && l < LANG_COUNT) ? langs[l].native : "";
}

int lang_from_code(const char *code)
{
    for (int l = 0; l < LANG_COUNT; l++)
        if (code && strcmp(code, langs[l].code) == 0)
            return l;
    return -1;
}

/* The code at text[0..n) as a language, or -1. */
static int lang_from_span(const char *text, size_t n)
{
    for (int l = 0; l < LANG_COUNT; l++)
        if (strlen(langs[l].code) == n && strncmp(text, langs[l].code, n) == 0)
            return l;
    return -1;
}

int lang_parse_list(const char *text, enum lang *out, int max, size_t *bad)
{
    static const char seps[] = ", \t";
    bool seen[LANG_COUNT] = { false };
    size_t i = strspn(text, seps);
    int n = 0;

    while (text[i]) {
        size_t len = strcspn(text + i, seps);
        int l = lang_from_span(text + i, len);

        if (l < 0) {
            *bad = i;
            return -1;
        }
        if (!seen[l] && n < max)
            out[n++] = (enum lang)l;
        seen[l] = true;
        i += len;
        i += strspn(text + i, seps);
    }
    if (n == 0)
        *bad = 0;
    return n > 0 ? n : -1;
}

/* The catalogues beside the program (the build tree: build/locale) win
 * over the installed ones, so `make demo` needs no install. */
static const char *locale_dir(char *buf, size_t len)
{
    const char *env = getenv("KIOSK_LOCALEDIR");
    char exe[PATH_MAX];
    ssize_t n;

    if (env && *env)
        return env;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        snprintf(buf, len, "%s/locale", dirname(exe));
        if (access(buf, R_OK | X_OK) == 0)
            return buf;
    }
    return KIOSK_LOCALEDIR;
}

static int codeset_is_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* The locale the environment names (LC_ALL, then LC_CTYPE, then LANG),
 * judged by its name: "ja_JP.UTF-8" is UTF-8 even on a server that lacks
 * that locale, and the terminal behind it still speaks UTF-8. */
static int env_says_utf8(void)
{
    static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strcasestr(v, "utf-8") != NULL ||
                   strcasestr(v, "utf8") != NULL;
    }
    return 0;
}

int i18n_init(const char *argv0)
{
    char buf[PATH_MAX];
    int terminal_utf8;

    (void)argv0;
    if (setlocale(LC_ALL, ""))
        terminal_utf8 = codeset_is_utf8();
    else /* named but not installed here: believe its name */
        terminal_utf8 = env_says_utf8();
    /* The kiosk itself always runs in UTF-8; whether the terminal gets
     * UTF-8 or plain ASCII is decided from terminal_utf8. */
    if (!codeset_is_utf8())
        setlocale(LC_ALL, "C.UTF-8");
    bindtextdomain("kiosk", locale_dir(buf, sizeof buf));
    bind_textdomain_codeset("kiosk", "UTF-8");
    textdomain("kiosk");
    return terminal_utf8 ? 0 : -1;
}

/* What LANGUAGE says for language l in the current mode. */
static const char *catalogue(enum lang l)
{
    return ascii_mode ? ASCII_CATALOGUE : lang_code(l);
}

static void use(const char *code)
{
    setenv("LANGUAGE", code, 1);
    ++_nl_msg_cat_cntr;
}

void i18n_set_ascii(bool on)
{
    ascii_mode = on;
    /* gettext converts every translation to ASCII, transliterating what
     * it can: a message missing from en@ascii still shows no multibyte
     * character. */
    bind_textdomain_codeset("kiosk", on ? "ASCII//TRANSLIT" : "UTF-8");
    use(catalogue(current));
}

bool i18n_ascii(void)
{
    return ascii_mode;
}

void i18n_set_lang(enum lang l)
{
    current = l;
    use(catalogue(l));
}

const char *i18n_text_in(enum lang l, const char *msgid)
{
    const char *s;

    if (l == current || ascii_mode)
        return gettext(msgid);
    use(catalogue(l));
    s = gettext(msgid);
    use(catalogue(current));
    return s;
}

const char *i18n_printed_in(enum lang l, const char *msgid)
{
    const char *s;

    if (!ascii_mode)
        return i18n_text_in(l, msgid);
    /* The catalogues are UTF-8: bound so, gettext hands out the
     * catalogue's own text, which stays valid after the ASCII binding
     * is back. */
    bind_textdomain_codeset("kiosk", "UTF-8");
    use(lang_code(l));
    s = gettext(msgid);
    bind_textdomain_codeset("kiosk", "ASCII//TRANSLIT");
    use(catalogue(current));
    return s;
}
