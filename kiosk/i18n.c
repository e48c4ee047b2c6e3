/*
 * i18n.c - gettext set-up and switching language while running.
 *
 * glibc ignores LANGUAGE under the plain "C" locale but honours it under
 * "C.UTF-8", so a terminal whose locale is not UTF-8 is moved to C.UTF-8;
 * switching language is then LANGUAGE plus a bump of gettext's cache
 * counter, which makes every later gettext() look again.
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

extern int _nl_msg_cat_cntr;

static const struct {
    const char *code;
    const char *native;
} langs[LANG_COUNT] = {
    [LANG_JA] = { "ja", "日本語" },
    [LANG_EN] = { "en", "English" },
};

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

int i18n_init(const char *argv0)
{
    char buf[PATH_MAX];
    int utf8;

    (void)argv0;
    setlocale(LC_ALL, "");
    utf8 = codeset_is_utf8();
    if (!utf8 && setlocale(LC_ALL, "C.UTF-8"))
        utf8 = codeset_is_utf8();
    bindtextdomain("kiosk", locale_dir(buf, sizeof buf));
    bind_textdomain_codeset("kiosk", "UTF-8");
    textdomain("kiosk");
    return utf8 ? 0 : -1;
}

void i18n_set_lang(enum lang l)
{
    setenv("LANGUAGE", lang_code(l), 1);
    ++_nl_msg_cat_cntr;
}
