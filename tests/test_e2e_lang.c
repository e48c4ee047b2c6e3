/*
 * test_e2e_lang.c - languages and accessibility in a real terminal: the
 * kiosk (--demo) in tmux at 80x24, as a person would use it.
 *
 * - The "Language" picker opens over the PIN screen and goes back to it
 *   with the digits typed still there, in the new language.
 * - The attract screen greets in each offered language in turn
 *   ([kiosk] languages picks and orders them).
 * - A terminal whose locale is not UTF-8 gets plain-ASCII English with an
 *   ASCII frame; --charset forces either way.
 * - NO_COLOR and the monochrome theme draw no colour, yet the focused
 *   button is reversed and marked; high-contrast draws focus in yellow.
 * - The speech hook gets each screen's words with the language in its
 *   environment, never the PIN.
 *
 * KIOSK_BIN names the program (default build/kiosk).
 */
#include "tests/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tmux.h"

struct rig {
    char dir[64];
    char status[128];
    struct tmux t;
};

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
    static char buf[65536];
    FILE *f = fopen(path, "r");
    size_t n = 0;

    buf[0] = '\0';
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

/* Start the kiosk with env (assignments) and args; conf, when not NULL,
 * is written to a configuration file that --config names. */
static void start(struct rig *r, const char *env, const char *args,
                  const char *conf)
{
    char abs[1024], cmd[2048], confarg[256] = "";

    snprintf(r->dir, sizeof r->dir, "/tmp/kiosk-e2e-lang-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->status, sizeof r->status, "%s/status", r->dir);
    if (!realpath(kiosk_bin(), abs))
        fail_msg("no kiosk program at %s", kiosk_bin());
    if (conf) {
        char path[192];
        snprintf(path, sizeof path, "%s/kiosk.conf", r->dir);
        write_file(path, conf);
        snprintf(confarg, sizeof confarg, "--config %s", path);
    }
    snprintf(cmd, sizeof cmd,
             "env LANGUAGE= %s %s --demo --status-file %s --ledger %s/l.db "
             "%s %s", env, abs, r->status, r->dir, confarg, args);
    tmux_start(&r->t, r->status, cmd);
}

static void stop(struct rig *r)
{
    char cmd[128];

    tmux_stop(&r->t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    assert_int_equal(system(cmd), 0);
}

/* The screen with its attributes (capture-pane -e). */
static const char *capture_escapes(struct rig *r)
{
    static char buf[65536];
    char cmd[256];
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -e -p -t k", r->t.sock);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(buf, 1, sizeof buf - 1, p);
    buf[n] = '\0';
    pclose(p);
    return buf;
}

static void to_pin(struct rig *r)
{
    tmux_keys(&r->t, "c");
    tmux_expect(&r->t, "menu", NULL);
    tmux_keys(&r->t, "1");
    tmux_expect(&r->t, "terms", NULL);
    tmux_keys(&r->t, "1");
    tmux_expect(&r->t, "auth-choice", NULL);
    tmux_keys(&r->t, "1");
    tmux_expect(&r->t, "pin", NULL);
}

static void test_picker_keeps_the_pin(void **state)
{
    struct rig r;

    (void)state;
    start(&r, "LC_ALL=C.UTF-8", "--lang ja", NULL);
    tmux_expect(&r.t, "attract", NULL);
    to_pin(&r);
    tmux_keys(&r.t, "1");
    tmux_keys(&r.t, "2");
    tmux_expect(&r.t, "pin", "[*][*][ ][ ]");
    tmux_keys(&r.t, "l");
    tmux_expect(&r.t, "language", "English");
    tmux_expect(&r.t, "language", "ภาษาไทย");
    tmux_keys(&r.t, "2"); /* English */
    tmux_expect(&r.t, "pin", "Enter your PIN");
    tmux_expect(&r.t, "pin", "[*][*][ ][ ]");
    tmux_keys(&r.t, "l");
    tmux_expect(&r.t, "language", NULL);
    tmux_keys(&r.t, "Escape");
    tmux_expect(&r.t, "pin", "[*][*][ ][ ]");
    tmux_type_pin(&r.t, "34");
    tmux_expect(&r.t, "confirm", NULL);
    stop(&r);
}

static void test_greeting_in_each_language(void **state)
{
    struct rig r;

    (void)state;
    start(&r, "LC_ALL=C.UTF-8", "--lang en",
          "[kiosk]\nlanguages = en, es, ko\n");
    tmux_expect_within(&r.t, "attract", "Welcome. Please insert", 15000);
    tmux_expect_within(&r.t, "attract", "Bienvenido", 15000);
    tmux_expect_within(&r.t, "attract", "환영합니다", 15000);
    tmux_expect(&r.t, "attract", "[3] 한국어"); /* in the order given */
    tmux_capture(&r.t);
    assert_null(strstr(r.t.screen, "日本語")); /* not offered */
    stop(&r);
}

static bool screen_is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static void test_ascii_terminal(void **state)
{
    struct rig r;

    (void)state;
    start(&r, "LC_ALL=C LANG=C", "--lang ja", NULL);
    tmux_expect(&r.t, "attract", "+------");
    tmux_expect(&r.t, "attract", "Please insert your card");
    assert_true(screen_is_ascii(r.t.screen));
    assert_null(strstr(r.t.screen, "English")); /* no language list */
    to_pin(&r);
    tmux_expect(&r.t, "pin", "Enter your PIN");
    assert_true(screen_is_ascii(r.t.screen));
    stop(&r);

    start(&r, "LC_ALL=C.UTF-8", "--lang ja --charset ascii", NULL);
    tmux_expect(&r.t, "attract", "+------");
    assert_true(screen_is_ascii(r.t.screen));
    stop(&r);

    start(&r, "LC_ALL=C LANG=C", "--lang ja --charset utf8", NULL);
    tmux_expect(&r.t, "attract", "日本語");
    stop(&r);
}

static void test_bad_charset(void **state)
{
    char cmd[1200], abs[1024];

    (void)state;
    if (!realpath(kiosk_bin(), abs))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(cmd, sizeof cmd, "%s --demo --charset latin1 2>/dev/null", abs);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
}

/* SGR colour codes: 30-37, 40-47, 90-97, 100-107, 38;... and 48;... */
static bool has_colour(const char *s)
{
    for (const char *p = s; (p = strstr(p, "\033[")) != NULL; p += 2) {
        const char *q = p + 2;
        while (*q && *q != 'm') {
            int v = atoi(q);
            if ((v >= 30 && v <= 37) || (v >= 40 && v <= 47) || v == 38 ||
                v == 48 || (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
                return true;
            q += strspn(q, "0123456789");
            if (*q == ';')
                q++;
            else
                break;
        }
    }
    return false;
}

static void test_no_colour(void **state)
{
    struct rig r;
    const char *s;

    (void)state;
    start(&r, "LC_ALL=C.UTF-8 TERM=xterm-256color", "--lang en", NULL);
    tmux_expect(&r.t, "attract", NULL);
    assert_true(has_colour(capture_escapes(&r))); /* the check can fail */
    stop(&r);

    start(&r, "LC_ALL=C.UTF-8 TERM=xterm-256color NO_COLOR=1", "--lang en",
          NULL);
    tmux_expect(&r.t, "attract", NULL);
    to_pin(&r);
    s = capture_escapes(&r);
    assert_false(has_colour(s));
    assert_non_null(strstr(s, "\033[1m\033[7m>[Enter] OK<")
                        ? s : strstr(s, ">[Enter] OK<"));
    assert_non_null(strstr(s, "7m")); /* reverse video for the focus */
    stop(&r);

    start(&r, "LC_ALL=C.UTF-8 TERM=xterm-256color", "--lang en",
          "[display]\ntheme = monochrome\n");
    tmux_expect(&r.t, "attract", NULL);
    assert_false(has_colour(capture_escapes(&r)));
    stop(&r);

    start(&r, "LC_ALL=C.UTF-8 TERM=xterm-256color", "--lang en",
          "[display]\ntheme = high-contrast\n");
    tmux_expect(&r.t, "attract", NULL);
    assert_non_null(strstr(capture_escapes(&r), "43m")); /* yellow focus */
    stop(&r);
}

static void test_speech_hook(void **state)
{
    struct rig r;
    char conf[512], said[192];
    const char *text;

    (void)state;
    snprintf(said, sizeof said, "/tmp/kiosk-said-%d", (int)getpid());
    unlink(said);
    snprintf(conf, sizeof conf,
             "[a11y]\nspeak = (echo \"== $KIOSK_LANG_TAG\"; cat) >> %s\n",
             said);
    start(&r, "LC_ALL=C.UTF-8", "--lang en", conf);
    tmux_expect(&r.t, "attract", NULL);
    to_pin(&r);
    tmux_type_pin(&r.t, "1234");
    tmux_expect(&r.t, "confirm", NULL);
    tmux_keys(&r.t, "l");
    tmux_expect(&r.t, "language", NULL);
    tmux_keys(&r.t, "6"); /* 한국어 */
    tmux_expect(&r.t, "confirm", NULL);
    for (int i = 0; i < 50 && !strstr(read_file(said), "== ko"); i++)
        usleep(100 * 1000);
    text = read_file(said);
    assert_non_null(strstr(text, "== en\nMy Number card: health insurance"));
    assert_non_null(strstr(text, "Please enter your 4-digit PIN."));
    assert_non_null(strstr(text, "[Esc] Cancel"));
    assert_non_null(strstr(text, "== ko"));
    assert_null(strstr(text, "1234")); /* never the PIN */
    stop(&r);
    unlink(said);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_picker_keeps_the_pin),
        cmocka_unit_test(test_greeting_in_each_language),
        cmocka_unit_test(test_ascii_terminal),
        cmocka_unit_test(test_bad_charset),
        cmocka_unit_test(test_no_colour),
        cmocka_unit_test(test_speech_hook),
    };
    return cmocka_run_group_tests_name("languages end to end", tests, NULL,
                                       NULL);
}
