/*
 * test_speak.c - the speech hook (kiosk/speak.h) with real commands
 * through /bin/sh: a newer text stops a command that ignores SIGTERM, and
 * all it started; the command gets no descriptor of ours, and the
 * environment as it was when the text was given.
 */
#include "tests/test.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/speak.h"

#define LIMIT_MS 10000 /* far beyond any wait here: a hang fails, not waits */
#define STRAY_FD 57    /* a descriptor of ours the command must not get */

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kiosk-speak-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void pause_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static const char *contents(const char *name)
{
    static char buf[4096];
    char p[128];
    FILE *f;
    size_t n = 0;

    path(p, sizeof p, name);
    f = fopen(p, "r");
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

/* Wait until file name holds text; fail after LIMIT_MS. */
static void expect(const char *name, const char *text)
{
    for (int ms = 0; ms < LIMIT_MS; ms += 20) {
        if (strstr(contents(name), text))
            return;
        pause_ms(20);
    }
    fail_msg("%s never held \"%s\": \"%s\"", name, text, contents(name));
}

/* Whether process pid is still there (a zombie is not: it is dead). */
static bool alive(pid_t pid)
{
    char p[64], stat[256] = "";
    FILE *f;

    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    f = fopen(p, "r");
    if (!f)
        return false;
    if (!fgets(stat, sizeof stat, f))
        stat[0] = '\0';
    fclose(f);
    const char *state = strrchr(stat, ')');
    return state && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

static void expect_gone(pid_t pid)
{
    for (int ms = 0; ms < LIMIT_MS && alive(pid); ms += 20)
        pause_ms(20);
    if (alive(pid))
        fail_msg("process %d is still there", (int)pid);
}

static struct speaker *start(const char *script)
{
    char cmd[1024];
    struct speaker *s;

    snprintf(cmd, sizeof cmd, "cd '%s' && { %s; }", dir, script);
    s = speak_start(cmd);
    assert_non_null(s);
    return s;
}

/* A command that ignores SIGTERM, and a child it started: a newer text
 * still gets spoken at once, and neither is left running. */
static void test_newer_text_stops_a_stubborn_command(void **state)
{
    struct speaker *s;
    pid_t first, second;

    (void)state;
    s = start("trap '' TERM; cat >> said; echo >> said; "
              "sleep 60 & echo $! > sleeper.tmp; mv sleeper.tmp sleeper; "
              "wait");
    speak_say(s, "one", "en");
    expect("said", "one\n");
    expect("sleeper", "\n");
    first = (pid_t)atoi(contents("sleeper"));
    assert_true(first > 0);
    speak_say(s, "two", "en");
    expect("said", "two\n");
    expect_gone(first);
    for (int ms = 0; ms < LIMIT_MS && atoi(contents("sleeper")) == first;
         ms += 20)
        pause_ms(20);
    second = (pid_t)atoi(contents("sleeper"));
    assert_int_not_equal(second, first);
    speak_stop(s);
    expect_gone(second);
}

/* A descriptor of ours without close-on-exec does not reach the
 * command. */
static void test_no_descriptor_of_ours(void **state)
{
    struct speaker *s;
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[1], STRAY_FD), STRAY_FD);
    s = start("cat > /dev/null; if [ -e /proc/$$/fd/57 ]; then "
              "echo inherited; else echo closed; fi > fds");
    speak_say(s, "hello", "ja");
    expect("fds", "\n");
    assert_string_equal(contents("fds"), "closed\n");
    speak_stop(s);
    close(STRAY_FD);
    close(p[0]);
    close(p[1]);
}

/* The command's environment is ours as it was when the text was given
 * (the kiosk changes LANGUAGE as the language changes), with the
 * language in KIOSK_LANG and KIOSK_LANG_TAG, once each. */
static void test_environment_when_said(void **state)
{
    struct speaker *s;

    (void)state;
    setenv("KIOSK_LANG", "stale", 1);
    s = start("printf '%s|%s|%s|%s|%s\\n' \"$(cat)\" \"$KIOSK_MARK\" "
              "\"$KIOSK_LANG\" \"$KIOSK_LANG_TAG\" "
              "\"$(env | grep -c '^KIOSK_LANG=')\" >> env");
    setenv("KIOSK_MARK", "when said", 1);
    speak_say(s, "olá", "pt_BR");
    setenv("KIOSK_MARK", "changed after", 1);
    expect("env", "\n");
    assert_string_equal(contents("env"), "olá|when said|pt_BR|pt-BR|1\n");
    speak_stop(s);
    unsetenv("KIOSK_MARK");
    unsetenv("KIOSK_LANG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newer_text_stops_a_stubborn_command),
        cmocka_unit_test(test_no_descriptor_of_ours),
        cmocka_unit_test(test_environment_when_said),
    };
    return cmocka_run_group_tests_name("speech hook", tests, setup, teardown);
}
