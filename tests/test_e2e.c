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
#include <wchar.h>
#include <locale.h>

#include <sqlite3.h>

#include "tests/tmux.h"

#define WAIT_MS 15000

struct term {
    struct tmux tm;    /* the terminal: tests/tmux.h */
    char dir[128];     /* private: status file, ledger, configuration */
    char status[256];
    char ledger[256];
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

__attribute__((format(printf, 1, 2)))
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
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/kiosk-e2e-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

/* Start the kiosk with extra arguments in a fresh 80x24 tmux. */
static void start(struct term *t, const char *args)
{
    char abs[1024], cmd[2048];

    if (!realpath(kiosk_bin(), abs))
        fail_msg("no kiosk program at %s", kiosk_bin());
    if (!t->dir[0])
        prepare(t);
    snprintf(t->status, sizeof t->status, "%s/status", t->dir);
    snprintf(t->ledger, sizeof t->ledger, "%s/ledger.db", t->dir);
    snprintf(cmd, sizeof cmd,
             "env LC_ALL=C.UTF-8 LANGUAGE= %s --demo --status-file %s "
             "--ledger %s %s", abs, t->status, t->ledger, args);
    tmux_start(&t->tm, t->status, cmd);
}

static void stop(struct term *t)
{
    tmux_stop(&t->tm);
    sh("rm -rf '%s'", t->dir);
}

static void capture(struct term *t)
{
    tmux_capture(&t->tm);
}

static void keys(struct term *t, const char *k)
{
    tmux_keys(&t->tm, k);
}

/* Wait until the status file says `state` and the screen shows `text`
 * (either may be NULL). */
static void expect(struct term *t, const char *state, const char *text)
{
    tmux_expect(&t->tm, state, text);
}

static int count_masks(const char *screen)
{
    int found = 0;
    for (const char *p = screen; (p = strstr(p, "[*]")) != NULL; p += 3)
        found++;
    return found;
}

/* The screen shows one mask "[*]" per typed digit, never the digits.
 * Waits for it: the status file changes before the screen is drawn. */
static void assert_masks(struct term *t, int n)
{
    int64_t end = now_ms() + WAIT_MS;
    do {
        capture(t);
        if (count_masks(t->tm.screen) == n)
            return;
        sleep_ms(50);
    } while (now_ms() < end);
    print_message("--- screen ---\n%s--------------\n", t->tm.screen);
    fail_msg("expected %d PIN masks, saw %d", n, count_masks(t->tm.screen));
}

/* Row and column (in display cells) where text starts on the screen
 * captured last. */
static bool find_in_capture(struct term *t, const char *text, int *row,
                            int *col)
{
    const char *line = t->tm.screen;
    for (int y = 0; *line; y++) {
        const char *nl = strchr(line, '\n');
        const char *hit = strstr(line, text);
        if (hit && (!nl || hit < nl)) {
            mbstate_t ms;
            const char *p = line;
            int x = 0;
            memset(&ms, 0, sizeof ms);
            while (p < hit) {
                wchar_t wc;
                size_t n = mbrtowc(&wc, p, (size_t)(hit - p), &ms);
                if (n == 0 || n > 4)
                    return false;
                x += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
                p += n;
            }
            *row = y;
            *col = x;
            return true;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    return false;
}

/* Wait until text is on the screen and say where. */
static bool find_cell(struct term *t, const char *text, int *row, int *col)
{
    int64_t end = now_ms() + WAIT_MS;
    do {
        capture(t);
        if (find_in_capture(t, text, row, col))
            return true;
        sleep_ms(50);
    } while (now_ms() < end);
    return false;
}

/* A left click at a cell, as the terminal reports it (X10 mouse
 * encoding: ESC [ M, then button, column and row, each plus 32). */
static void click(struct term *t, int row, int col)
{
    assert_int_equal(sh("tmux -L %s send-keys -t k -H 1b 5b 4d 20 %x %x",
                        t->tm.sock, 33 + col, 33 + row), 0);
    assert_int_equal(sh("tmux -L %s send-keys -t k -H 1b 5b 4d 23 %x %x",
                        t->tm.sock, 33 + col, 33 + row), 0);
}

static void resize(struct term *t, int cols, int rows)
{
    assert_int_equal(sh("tmux -L %s resize-window -t k -x %d -y %d",
                        t->tm.sock, cols, rows), 0);
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
    expect(&t, "done", "登録が終わりました");
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
    expect(&t, "pin", "The PIN was wrong. You can try 2 more times.");
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
    char conf[256], args[512];
    FILE *f;
    (void)state;
    /* The PIN alone, so nothing is left: the locked-PIN guidance. The
     * other ways for a locked PIN: tests/test_e2e_face.c. */
    prepare(&t);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", t.dir);
    f = fopen(conf, "w");
    assert_non_null(f);
    fputs("[auth]\nmethods = pin\n", f);
    fclose(f);
    snprintf(args, sizeof args, "--lang en --demo-card locked --config %s", conf);
    start(&t, args);
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
    expect(&t, "pin", "You can try 3 more times before the PIN locks.");
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

static void test_mouse_clicks(void **state)
{
    struct term t = { 0 };
    int row, col;
    (void)state;
    start(&t, "--lang en");
    expect(&t, "attract", NULL);
    assert_true(find_cell(&t, "[C]", &row, &col)); /* the demo's card */
    click(&t, row, col + 1);
    expect(&t, "menu", NULL);
    assert_true(find_cell(&t, "[1]", &row, &col));
    click(&t, row, col + 4); /* on the label, not the number */
    expect(&t, "terms", NULL);
    assert_true(find_cell(&t, "[Esc]", &row, &col));
    click(&t, row, col);
    expect(&t, "remove-card", NULL);
    stop(&t);
}

static void test_too_small_then_resized(void **state)
{
    struct term t = { 0 };
    (void)state;
    start(&t, "--lang en");
    expect(&t, "attract", NULL);
    keys(&t, "F2");
    expect(&t, "menu", "Register");
    resize(&t, 60, 20);
    expect(&t, "menu", "Please make the window larger");
    keys(&t, "1"); /* a button nobody can see cannot be pressed */
    sleep_ms(300);
    expect(&t, "menu", NULL);
    resize(&t, 100, 30);
    expect(&t, "menu", "Register"); /* nothing was lost */
    keys(&t, "1");
    expect(&t, "terms", "Agree");
    capture(&t);
    assert_null(strstr(t.tm.screen, "larger"));
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
        cmocka_unit_test(test_mouse_clicks),
        cmocka_unit_test(test_too_small_then_resized),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests_name("end-to-end (tmux)", tests, NULL, NULL);
}
