/*
 * test_e2e.c - the kiosk in a real terminal: each test starts
 * `kiosk --demo` inside its own tmux session (80x24), types with
 * send-keys and reads the screen with capture-pane, the way a person
 * would use it, and follows the state through the --status-file.
 *
 * KIOSK_BIN names the program (default build/kiosk).
 */
#include "tests/test.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define WAIT_MS 15000

struct term {
    char sock[64];
    char dir[128];
    char status[256];
    char ledger[256];
    char screen[16384];
};

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

/* A private directory for the status file, the ledger and any
 * configuration a test writes. */
static void prepare(struct term *t)
{
    static int n;
    memset(t, 0, sizeof *t);
    snprintf(t->sock, sizeof t->sock, "kiosk-e2e-%d-%d", (int)getpid(), n++);
    snprintf(t->dir, sizeof t->dir, "/tmp/kiosk-e2e-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

/* Start the kiosk with extra arguments in a fresh 80x24 tmux. */
static void start(struct term *t, const char *args)
{
    char abs[1024];

    if (!realpath(kiosk_bin(), abs))
        fail_msg("no kiosk program at %s", kiosk_bin());
    if (!t->dir[0])
        prepare(t);
    snprintf(t->status, sizeof t->status, "%s/status", t->dir);
    snprintf(t->ledger, sizeof t->ledger, "%s/ledger.db", t->dir);
    assert_int_equal(sh("LC_ALL=C.UTF-8 tmux -u -L %s -f /dev/null "
                        "new-session -d -x 80 -y 24 -s k "
                        "'env LC_ALL=C.UTF-8 LANGUAGE= %s --demo "
                        "--status-file %s --ledger %s %s; sleep 60'",
                        t->sock, abs, t->status, t->ledger, args), 0);
}

static void stop(struct term *t)
{
    sh("tmux -L %s kill-server 2>/dev/null", t->sock);
    sh("rm -rf '%s'", t->dir);
}

static void capture(struct term *t)
{
    char cmd[256];
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p -t k", t->sock);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(t->screen, 1, sizeof t->screen - 1, p);
    t->screen[n] = '\0';
    pclose(p);
}

static void keys(struct term *t, const char *k)
{
    assert_int_equal(sh("tmux -L %s send-keys -t k %s", t->sock, k), 0);
}

static bool status_is(const struct term *t, const char *state)
{
    char buf[512], want[64];
    FILE *f = fopen(t->status, "r");
    size_t n;

    if (!f)
        return false;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    snprintf(want, sizeof want, "state=%s\n", state);
    return strstr(buf, want) != NULL;
}

/* Wait until the status file says `state` and the screen shows `text`
 * (either may be NULL). */
static void expect(struct term *t, const char *state, const char *text)
{
    int64_t end = now_ms() + WAIT_MS;
    do {
        capture(t);
        if ((!state || status_is(t, state)) &&
            (!text || strstr(t->screen, text)))
            return;
        sleep_ms(50);
    } while (now_ms() < end);
    print_message("--- screen ---\n%s--------------\n", t->screen);
    fail_msg("waited for state %s and text \"%s\"", state ? state : "-",
             text ? text : "-");
}

/* The screen shows one mask "[*]" per typed digit, never the digits. */
static void assert_masks(struct term *t, int n)
{
    int found = 0;
    capture(t);
    for (const char *p = t->screen; (p = strstr(p, "[*]")) != NULL; p += 3)
        found++;
    assert_int_equal(found, n);
}

static long ledger_rows(const struct term *t)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    assert_int_equal(sqlite3_open_v2(t->ledger, &db, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM registrations", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* attract -> card in -> menu -> terms -> auth-choice -> pin */
static void walk_to_pin(struct term *t)
{
    expect(t, "attract", NULL);
    keys(t, "F2");
    expect(t, "menu", NULL);
    keys(t, "1");
    expect(t, "terms", NULL);
    keys(t, "1");
    expect(t, "auth-choice", NULL);
    keys(t, "1");
    expect(t, "pin", NULL);
}

static void type_pin(struct term *t, const char *pin)
{
    char k[32];
    for (const char *p = pin; *p; p++) {
        snprintf(k, sizeof k, "%c", *p);
        keys(t, k);
    }
    assert_masks(t, (int)strlen(pin));
    keys(t, "Enter");
}

static void finish_and_take_card(struct term *t)
{
    keys(t, "Escape");
    expect(t, "remove-card", NULL);
    keys(t, "F2");
    expect(t, "attract", NULL);
}

static void test_happy_path_japanese(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang ja");
    expect(&t, "attract", "マイナンバーカード");
    walk_to_pin(&t);
    expect(&t, "pin", "暗証番号");
    type_pin(&t, "1234");
    expect(&t, "confirm", NULL);
    keys(&t, "1");
    expect(&t, "done", "マイナ保険証");
    assert_int_equal(ledger_rows(&t), 1);
    keys(&t, "2");
    expect(&t, "remove-card", NULL);
    keys(&t, "F2");
    expect(&t, "attract", NULL);
    stop(&t);
}

static void test_happy_path_english(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang ja");
    expect(&t, "attract", NULL);
    keys(&t, "2"); /* English, chosen on the attract screen */
    expect(&t, "attract", "My Number");
    walk_to_pin(&t);
    expect(&t, "pin", "PIN");
    type_pin(&t, "1234");
    expect(&t, "confirm", NULL);
    keys(&t, "1");
    expect(&t, "done", "registered");
    assert_int_equal(ledger_rows(&t), 1);
    stop(&t);
}

static void test_wrong_then_right_pin(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en");
    walk_to_pin(&t);
    type_pin(&t, "9999");
    expect(&t, "pin", "2");
    capture(&t);
    assert_non_null(strstr(t.screen, "wrong"));
    type_pin(&t, "1234");
    expect(&t, "confirm", NULL);
    stop(&t);
}

static void test_last_try_warning(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en --demo-card last-try");
    walk_to_pin(&t);
    keys(&t, "5"); /* no digit is taken before "try anyway" */
    keys(&t, "1");
    expect(&t, "pin", NULL);
    assert_masks(&t, 0);
    type_pin(&t, "1234");
    expect(&t, "confirm", NULL);
    stop(&t);
}

static void test_locked_card(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en --demo-card locked");
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "menu", NULL);
    keys(&t, "1");
    expect(&t, "terms", NULL);
    keys(&t, "1");
    expect(&t, "auth-choice", "municipal");
    keys(&t, "1"); /* no PIN button: nothing happens */
    sleep_ms(300);
    expect(&t, "auth-choice", NULL);
    finish_and_take_card(&t);
    stop(&t);
}

static void test_expired_certificate(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en --demo-card expired");
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "reminder", NULL);
    stop(&t);
}

static void test_foreign_card(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en --demo-card foreign");
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "card-error", "My Number");
    keys(&t, "F2");
    expect(&t, "attract", NULL);
    stop(&t);
}

static void test_card_pulled_during_pin(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en");
    walk_to_pin(&t);
    keys(&t, "1");
    keys(&t, "2");
    assert_masks(&t, 2);
    keys(&t, "F2"); /* pulled */
    expect(&t, "attract", NULL);
    keys(&t, "F2"); /* back in: nothing was spent, nothing kept */
    expect(&t, "menu", NULL);
    keys(&t, "1");
    expect(&t, "terms", NULL);
    keys(&t, "1");
    expect(&t, "auth-choice", NULL);
    keys(&t, "1");
    expect(&t, "pin", "3");
    assert_masks(&t, 0);
    stop(&t);
}

static void test_idle_timeout(void **state)
{
    struct term t = { 0 };
    char conf[256], args[512];
    FILE *f;
    (void)state;
    prepare(&t);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", t.dir);
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("[kiosk]\nidle_timeout = 10\nprompt_timeout = 5\n", f);
    fclose(f);
    snprintf(args, sizeof args, "--lang en --config %s", conf);
    start(&t, args);
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "menu", NULL);
    expect(&t, "timeout-prompt", NULL);
    expect(&t, "remove-card", NULL);
    keys(&t, "F2");
    expect(&t, "attract", NULL);
    stop(&t);
}

static void test_second_registration(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en");
    walk_to_pin(&t);
    type_pin(&t, "1234");
    expect(&t, "confirm", NULL);
    keys(&t, "1");
    expect(&t, "done", NULL);
    keys(&t, "2");
    expect(&t, "remove-card", NULL);
    keys(&t, "F2");
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "menu", "already");
    keys(&t, "1");
    expect(&t, "already-registered", NULL);
    assert_int_equal(ledger_rows(&t), 1);
    stop(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_happy_path_japanese),
        cmocka_unit_test(test_happy_path_english),
        cmocka_unit_test(test_wrong_then_right_pin),
        cmocka_unit_test(test_last_try_warning),
        cmocka_unit_test(test_locked_card),
        cmocka_unit_test(test_expired_certificate),
        cmocka_unit_test(test_foreign_card),
        cmocka_unit_test(test_card_pulled_during_pin),
        cmocka_unit_test(test_idle_timeout),
        cmocka_unit_test(test_second_registration),
    };
    return cmocka_run_group_tests_name("end-to-end (tmux)", tests, NULL, NULL);
}
