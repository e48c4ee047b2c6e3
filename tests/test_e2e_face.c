/*
 * test_e2e_face.c - the alternatives to the PIN and staff mode, end to end:
 * `kiosk --demo` in tmux (tests/tmux.h) with the scripted face matchers of
 * tests/matchers/ as [face] command, staff codes made by the kiosk's own
 * --hash-staff-code, and the ledger read back with SQLite. Also the escape
 * keys of kiosk mode, and --hash-staff-code at a terminal.
 *
 * KIOSK_BIN names the program (default build/kiosk).
 */
#include "tests/test.h"

#include <crypt.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/tmux.h"

#define STAFF_CODE "24681357"

struct rig {
    struct tmux t;
    char dir[64];
    char status[128];
    char ledger[128];
    char conf[128];
    char pids[128];   /* hang.sh writes its pids here */
};

/* The rig of the test running now, so that a failed test (cmocka jumps
 * out of it) still has its tmux and its directory taken down. */
static struct rig *live;

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void matcher_path(char *out, const char *name)
{
    char rel[128];

    snprintf(rel, sizeof rel, "tests/matchers/%s", name);
    if (!realpath(rel, out))
        fail_msg("no %s (run from the source tree)", rel);
}

/* A staff code's hash, made by `kiosk --hash-staff-code` from a pipe. */
static void hash_code(const char *code, char *out, size_t n)
{
    char bin[PATH_MAX], cmd[PATH_MAX + 64];
    FILE *p;

    if (!realpath(kiosk_bin(), bin))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(cmd, sizeof cmd, "echo %s | %s --hash-staff-code", code, bin);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)n, p));
    assert_int_equal(pclose(p), 0);
    out[strcspn(out, "\n")] = '\0';
    assert_true(strncmp(out, "$y$", 3) == 0 || strncmp(out, "$6$", 3) == 0);
}

/* A private directory for the status file, the ledger, the configuration
 * and hang.sh's pids. */
static void prepare(struct rig *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/kiosk-face-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->status, sizeof r->status, "%s/status", r->dir);
    snprintf(r->ledger, sizeof r->ledger, "%s/ledger.db", r->dir);
    snprintf(r->conf, sizeof r->conf, "%s/kiosk.conf", r->dir);
    snprintf(r->pids, sizeof r->pids, "%s/pids", r->dir);
}

/* Start the demo with this configuration (printf-style) and arguments,
 * in the rig's directory (prepare() first if the configuration needs its
 * paths). */
__attribute__((format(printf, 3, 4)))
static void start(struct rig *r, const char *args, const char *conf, ...)
{
    char bin[PATH_MAX], cmd[PATH_MAX + 1024];
    va_list ap;
    FILE *f;

    if (!r->dir[0])
        prepare(r);
    live = r;
    f = fopen(r->conf, "w");
    assert_non_null(f);
    va_start(ap, conf);
    vfprintf(f, conf, ap);
    va_end(ap);
    fclose(f);
    if (!realpath(kiosk_bin(), bin))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(cmd, sizeof cmd,
             "env LC_ALL=C.UTF-8 LANGUAGE= %s --demo --lang en --status-file %s "
             "--ledger %s --config %s %s",
             bin, r->status, r->ledger, r->conf, args);
    tmux_start(&r->t, r->status, cmd);
    tmux_expect(&r->t, "attract", NULL);
}

static void stop(struct rig *r)
{
    char cmd[128];

    tmux_stop(&r->t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    if (system(cmd) != 0)
        print_message("could not remove %s\n", r->dir);
    r->dir[0] = '\0';
    live = NULL;
}

static int teardown(void **state)
{
    (void)state;
    if (live && live->dir[0])
        stop(live);
    live = NULL;
    return 0;
}

static void keys(struct rig *r, const char *k)
{
    tmux_keys(&r->t, k);
}

static void expect(struct rig *r, const char *state, const char *text)
{
    tmux_expect(&r->t, state, text);
}

static bool on_screen(struct rig *r, const char *text)
{
    tmux_capture(&r->t);
    return strstr(r->t.screen, text) != NULL;
}

/* Wait up to 5 s for text to leave the screen. */
static void expect_gone(struct rig *r, const char *text)
{
    for (int waited = 0; waited < 5000; waited += 50) {
        if (!on_screen(r, text))
            return;
        sleep_ms(50);
    }
    print_message("--- screen ---\n%s--------------\n", r->t.screen);
    fail_msg("\"%s\" stayed on the screen", text);
}

/* attract -> card in -> menu -> terms -> auth-choice */
static void to_choice(struct rig *r)
{
    keys(r, "F2");
    expect(r, "menu", NULL);
    keys(r, "1");
    expect(r, "terms", NULL);
    keys(r, "1");
    expect(r, "auth-choice", "it is you"); /* drawn, not just entered */
}

static void type(struct rig *r, const char *digits)
{
    char k[4];

    for (const char *p = digits; *p; p++) {
        snprintf(k, sizeof k, "%c", *p);
        keys(r, k);
    }
}

/* One value from the ledger, or -1. */
static long ledger_long(const struct rig *r, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;

    assert_int_equal(sqlite3_open_v2(r->ledger, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* The one registration's "method/staff_id". */
static void ledger_method(const struct rig *r, char *out, size_t n)
{
    sqlite3 *db;
    sqlite3_stmt *st;

    out[0] = '\0';
    assert_int_equal(sqlite3_open_v2(r->ledger, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, "SELECT method || '/' || ifnull(staff_id, '-') "
                               "FROM registrations", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* The kiosk's pid, from its status file. */
static pid_t kiosk_pid(const struct rig *r)
{
    char buf[512];
    FILE *f = fopen(r->status, "r");
    size_t n;
    const char *p;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    p = strstr(buf, "pid=");
    assert_non_null(p);
    return (pid_t)atoi(p + 4);
}

/* Running: in /proc and not a zombie. */
static bool running(pid_t pid)
{
    char path[64], buf[256];
    FILE *f;
    const char *p;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return false;
    buf[0] = '\0';
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    p = strrchr(buf, ')');
    return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

/* Wait up to ms for pid to stop running. */
static bool ends_within(pid_t pid, int ms)
{
    for (int waited = 0; waited <= ms; waited += 20) {
        if (!running(pid))
            return true;
        sleep_ms(20);
    }
    return false;
}

/* hang.sh's "PID CHILD", once it has written them. */
static void hang_pids(const struct rig *r, pid_t *pid, pid_t *child)
{
    int a = 0, b = 0;

    for (int i = 0; i < 500 && !(a > 0 && b > 0); i++) {
        FILE *f = fopen(r->pids, "r");

        if (f) {
            if (fscanf(f, "%d %d", &a, &b) != 2)
                a = b = 0;
            fclose(f);
        }
        if (!(a > 0 && b > 0))
            sleep_ms(20);
    }
    assert_true(a > 0 && b > 0);
    *pid = a;
    *child = b;
}

/* ---- the face check ---- */

static void test_face_match(void **state)
{
    static struct rig r;
    char m[PATH_MAX], method[64];

    (void)state;
    matcher_path(m, "slow-match.sh");
    start(&r, "", "[face]\ncommand = %s\ntimeout = 30\n", m);
    to_choice(&r);
    assert_true(on_screen(&r, "[2] Face check with the camera"));
    keys(&r, "2");
    expect(&r, "face-check", "seconds left");
    assert_true(on_screen(&r, "look straight at the camera"));
    assert_false(on_screen(&r, "DEMO: there is no camera")); /* a real one */
    expect(&r, "confirm", "the face check with the camera");
    keys(&r, "1");
    expect(&r, "done", NULL);
    ledger_method(&r, method, sizeof method);
    assert_string_equal(method, "face/-");
    stop(&r);
}

/* Three failed matches: counted, and no face check for this person. */
static void test_face_no_match_three_times(void **state)
{
    static struct rig r;
    char m[PATH_MAX];

    (void)state;
    matcher_path(m, "no-match.sh");
    start(&r, "", "[face]\ncommand = %s\n", m);
    to_choice(&r);
    keys(&r, "2");
    expect(&r, "face-check", "could not confirm");
    assert_true(on_screen(&r, "2 more times"));
    keys(&r, "1"); /* try again */
    expect(&r, "face-check", "1 more time,");
    keys(&r, "1");
    expect(&r, "face-check", "cannot be used again");
    assert_false(on_screen(&r, "Try the face check again"));
    keys(&r, "1"); /* choose another way */
    expect(&r, "auth-choice", "[1] Use my PIN");
    assert_false(on_screen(&r, "Face check with the camera"));
    assert_true(on_screen(&r, "[2] Ask a member of staff"));
    assert_int_equal(ledger_long(&r, "SELECT count(*) FROM failed_checks "
                                     "WHERE method = 'face'"), 3);
    /* The PIN still has all its tries: none was spent. */
    keys(&r, "1");
    expect(&r, "pin", "3 more times");
    stop(&r);
}

/* A matcher that never answers: the countdown, then killed at the
 * time-out, its child too. */
static void test_face_timeout(void **state)
{
    static struct rig r;
    char m[PATH_MAX];
    pid_t pid, child;

    (void)state;
    matcher_path(m, "hang.sh");
    prepare(&r);
    start(&r, "", "[face]\ncommand = %s %s\ntimeout = 5\n", m, r.pids);
    to_choice(&r);
    keys(&r, "2");
    expect(&r, "face-check", "5 seconds left");
    hang_pids(&r, &pid, &child);
    expect(&r, "face-check", "3 seconds left");
    assert_true(running(pid) && running(child));
    expect(&r, "face-check", "took too long");
    assert_true(ends_within(pid, 2000));
    assert_true(ends_within(child, 2000));
    assert_int_equal(ledger_long(&r, "SELECT count(*) FROM failed_checks "
                                     "WHERE method = 'face'"), 1);
    keys(&r, "1"); /* again: a fresh matcher, a fresh countdown */
    expect(&r, "face-check", "5 seconds left");
    keys(&r, "Escape"); /* cancel kills it too */
    expect(&r, "remove-card", NULL);
    stop(&r);
}

/* The matcher dies by a signal, or floods its output: a plain message,
 * and the kiosk goes on. */
static void test_face_crash_and_flood(void **state)
{
    static struct rig r;
    char m[PATH_MAX];

    (void)state;
    matcher_path(m, "crash.sh");
    start(&r, "", "[face]\ncommand = %s\n", m);
    to_choice(&r);
    keys(&r, "2");
    expect(&r, "face-check", "camera could not check your face");
    keys(&r, "2"); /* another way: the PIN */
    expect(&r, "auth-choice", NULL);
    stop(&r);
    matcher_path(m, "flood.sh");
    start(&r, "", "[face]\ncommand = %s\ntimeout = 60\n", m);
    to_choice(&r);
    keys(&r, "2");
    expect(&r, "face-check", "camera could not check your face");
    stop(&r);
}

/* The card pulled in the middle of a check: the matcher and its child
 * are killed at once, far from the time-out. */
static void test_card_pulled_during_face_check(void **state)
{
    static struct rig r;
    char m[PATH_MAX];
    pid_t pid, child;

    (void)state;
    matcher_path(m, "hang.sh");
    prepare(&r);
    start(&r, "", "[face]\ncommand = %s %s\ntimeout = 120\n", m, r.pids);
    to_choice(&r);
    keys(&r, "2");
    expect(&r, "face-check", "seconds left");
    hang_pids(&r, &pid, &child);
    assert_true(running(pid) && running(child));
    keys(&r, "F2"); /* the card is pulled */
    expect(&r, "attract", NULL);
    assert_true(ends_within(pid, 2000));
    assert_true(ends_within(child, 2000));
    /* Back in: a new person, all tries and ways intact. */
    to_choice(&r);
    assert_true(on_screen(&r, "The PIN can be entered 3 more times"));
    assert_true(on_screen(&r, "[2] Face check with the camera"));
    stop(&r);
}

/* A kiosk that offers the face check alone says nothing of the PIN; with
 * the checks used up only Esc is left, and the screen says what else the
 * person can do. */
static void test_face_only(void **state)
{
    static struct rig r;
    char m[PATH_MAX];

    (void)state;
    matcher_path(m, "no-match.sh");
    start(&r, "", "[auth]\nmethods = face\n[face]\ncommand = %s\n", m);
    to_choice(&r);
    assert_true(on_screen(&r, "[1] Face check with the camera"));
    assert_false(on_screen(&r, "PIN can be entered"));
    assert_false(on_screen(&r, "4-digit PIN"));
    keys(&r, "1");
    expect(&r, "face-check", "2 more times");
    keys(&r, "1");
    expect(&r, "face-check", "1 more time,");
    keys(&r, "1");
    expect(&r, "face-check", "cannot be used again");
    keys(&r, "1"); /* choose another way: there is none */
    expect(&r, "auth-choice", "no other way to confirm");
    assert_true(on_screen(&r, "ask at your municipal office"));
    assert_false(on_screen(&r, "with your PIN"));
    assert_false(on_screen(&r, "[1]"));
    keys(&r, "Escape");
    expect(&r, "remove-card", NULL);
    stop(&r);
}

/* A locked PIN leaves the face check. */
static void test_locked_pin_face_check(void **state)
{
    static struct rig r;
    char m[PATH_MAX], method[64];

    (void)state;
    matcher_path(m, "match.sh");
    start(&r, "--demo-card locked", "[face]\ncommand = %s\n", m);
    to_choice(&r);
    expect(&r, "auth-choice", "Your PIN is locked");
    assert_true(on_screen(&r, "municipal office"));
    assert_true(on_screen(&r, "[1] Face check with the camera"));
    assert_false(on_screen(&r, "Use my PIN"));
    keys(&r, "1");
    expect(&r, "confirm", NULL);
    keys(&r, "1");
    expect(&r, "done", NULL);
    ledger_method(&r, method, sizeof method);
    assert_string_equal(method, "face/-");
    stop(&r);
}

/* ---- staff ---- */

static void test_staff_check(void **state)
{
    static struct rig r;
    char hash[256], method[64];

    (void)state;
    hash_code(STAFF_CODE, hash, sizeof hash);
    start(&r, "", "[auth]\nmethods = pin, staff\n[staff]\ncode = sato:%s\n", hash);
    to_choice(&r);
    assert_false(on_screen(&r, "Face check"));
    keys(&r, "2");
    expect(&r, "face-check", "enter your staff code");
    assert_false(on_screen(&r, "DEMO: the staff code")); /* configured */
    type(&r, STAFF_CODE);
    expect(&r, "face-check", "[*][*][*][*][*][*][*][*]");
    assert_false(on_screen(&r, STAFF_CODE));
    keys(&r, "Enter");
    expect(&r, "face-check", "For staff (sato)");
    keys(&r, "1");
    expect(&r, "confirm", "member of staff compared you");
    keys(&r, "1");
    expect(&r, "done", NULL);
    ledger_method(&r, method, sizeof method);
    assert_string_equal(method, "staff/sato");
    stop(&r);
}

/* Five wrong codes lock staff entry, for the visual check and staff mode
 * alike; a code is never shown. */
static void test_wrong_staff_codes(void **state)
{
    static struct rig r;
    char hash[256];

    (void)state;
    hash_code(STAFF_CODE, hash, sizeof hash);
    start(&r, "", "[staff]\ncode = sato:%s\nlockout = 120\n", hash);
    to_choice(&r);
    keys(&r, "3");
    expect(&r, "face-check", "enter your staff code");
    for (int i = 4; i >= 1; i--) {
        char want[64];

        type(&r, "11112222");
        keys(&r, "Enter");
        snprintf(want, sizeof want, "%d more wrong code", i);
        expect(&r, "face-check", want);
        assert_false(on_screen(&r, "11112222"));
    }
    type(&r, "11112222");
    keys(&r, "Enter");
    expect(&r, "face-check", "It opens again in");
    assert_false(on_screen(&r, "[ 5 ]")); /* no keypad */
    type(&r, "24680"); /* digits type nothing now */
    sleep_ms(300);
    assert_true(on_screen(&r, "locked"));
    assert_false(on_screen(&r, "[*]"));
    keys(&r, "1"); /* choose another way */
    expect(&r, "auth-choice", NULL);
    keys(&r, "Escape");
    expect(&r, "remove-card", NULL);
    keys(&r, "F2");
    expect(&r, "attract", NULL);
    keys(&r, "C-s");
    expect(&r, "staff", "locked");
    stop(&r);
}

/* The lock outlives the program: five wrong codes in staff mode, counted
 * in the ledger, then a restart on the same ledger finds staff entry
 * still locked, and even the right code is not taken. */
static void test_staff_lock_survives_restart(void **state)
{
    static struct rig r;
    char hash[256];
    static const char conf[] = "[staff]\ncode = sato:%s\nlockout = 600\n";

    (void)state;
    hash_code(STAFF_CODE, hash, sizeof hash);
    start(&r, "", conf, hash);
    keys(&r, "C-s");
    expect(&r, "staff", "staff code");
    for (int i = 4; i >= 1; i--) {
        char want[64];

        type(&r, "11112222");
        keys(&r, "Enter");
        snprintf(want, sizeof want, "%d more wrong code", i);
        expect(&r, "staff", want);
    }
    type(&r, "11112222");
    keys(&r, "Enter");
    expect(&r, "staff", "locked");
    assert_int_equal(ledger_long(&r, "SELECT count(*) FROM failed_checks "
                                     "WHERE method = 'staff-code'"), 5);

    tmux_stop(&r.t); /* as a power cut would: no goodbye */
    start(&r, "", conf, hash);
    keys(&r, "C-s");
    expect(&r, "staff", "locked");
    assert_true(on_screen(&r, "It opens again in"));
    assert_false(on_screen(&r, "[ 5 ]")); /* no keypad */
    type(&r, STAFF_CODE); /* digits type nothing now */
    sleep_ms(300);
    assert_true(on_screen(&r, "locked"));
    assert_false(on_screen(&r, "[*]"));
    assert_int_equal(ledger_long(&r, "SELECT count(*) FROM failed_checks "
                                     "WHERE method = 'staff-code'"), 5);
    stop(&r);
}

/* The worker's own guard: wrong codes that reach the ledger while the
 * kiosk runs (another process, or a flow that did not see them) lock
 * staff entry there too, so even the right code is refused, and the
 * refusal is not counted as one more wrong code. */
static void test_worker_refuses_while_locked(void **state)
{
    static struct rig r;
    char hash[256];
    sqlite3 *db;

    (void)state;
    hash_code(STAFF_CODE, hash, sizeof hash);
    start(&r, "", "[staff]\ncode = sato:%s\nlockout = 600\n", hash);
    assert_int_equal(sqlite3_open(r.ledger, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    for (int i = 0; i < 5; i++)
        assert_int_equal(sqlite3_exec(db,
                             "INSERT INTO failed_checks (method, at, kiosk_id)"
                             " VALUES ('staff-code', strftime('%Y-%m-%dT%H:%M:%SZ',"
                             " 'now'), 'kiosk-01')", NULL, NULL, NULL),
                         SQLITE_OK);
    sqlite3_close(db);
    keys(&r, "C-s");
    expect(&r, "staff", "staff code");
    type(&r, STAFF_CODE);
    keys(&r, "Enter");
    expect(&r, "staff", "4 more wrong code");
    assert_false(on_screen(&r, "Staff: sato"));
    assert_int_equal(ledger_long(&r, "SELECT count(*) FROM failed_checks "
                                     "WHERE method = 'staff-code'"), 5);
    stop(&r);
}

/* Staff mode: the chord (not shown anywhere), the demo's staff code,
 * today's counts, the starting language, and leaving the kiosk. */
static void test_staff_mode(void **state)
{
    static struct rig r;
    pid_t pid;

    (void)state;
    start(&r, "", "[kiosk]\nid = counter-3\n");
    expect(&r, "attract", "My Number");
    pid = kiosk_pid(&r);
    assert_false(on_screen(&r, "Ctrl"));
    assert_false(on_screen(&r, "staff"));
    to_choice(&r);
    keys(&r, "1");
    expect(&r, "pin", NULL);
    tmux_type_pin(&r.t, "9999");
    expect(&r, "pin", "wrong");
    tmux_type_pin(&r.t, "1234");
    expect(&r, "confirm", NULL);
    keys(&r, "1");
    expect(&r, "done", NULL);
    keys(&r, "Escape");
    expect(&r, "remove-card", NULL);
    keys(&r, "C-s"); /* not over someone's session */
    sleep_ms(300);
    expect(&r, "remove-card", NULL);
    keys(&r, "F2");
    expect(&r, "attract", NULL);
    keys(&r, "C-s");
    expect(&r, "staff", "DEMO: the staff code is 000000");
    type(&r, "000000");
    keys(&r, "Enter");
    expect(&r, "staff", "Staff: demo");
    expect(&r, "staff", "PIN: 1 registered, 1 failed");
    assert_true(on_screen(&r, "Face check: 0 registered, 0 failed"));
    assert_true(on_screen(&r, "Card reader: ready"));
    assert_true(on_screen(&r, "New people start in: English"));
    assert_true(on_screen(&r, "No receipt printer is set up."));
    keys(&r, "1"); /* the starting language: the next one offered */
    expect_gone(&r, "New people start in: English");
    keys(&r, "2"); /* leave... */
    expect(&r, "staff", "End the kiosk program?");
    keys(&r, "2"); /* ...no, back */
    expect(&r, "staff", "Staff: demo");
    keys(&r, "2");
    expect(&r, "staff", "End the kiosk program?");
    keys(&r, "1");
    assert_true(ends_within(pid, 5000));
    stop(&r);
}

/* Kiosk mode: Ctrl-C, Ctrl-Z and Ctrl-\ do nothing, on attract and in a
 * session; only staff mode ends it. Without kiosk mode, the demo's
 * Ctrl-C does end it (so this test can tell the two apart). */
static void test_escape_keys(void **state)
{
    static const char *const escapes[] = { "C-c", "C-z", "'C-\\'" };
    static struct rig r;
    pid_t pid;

    (void)state;
    start(&r, "--kiosk-mode", "[kiosk]\nid = k\n");
    pid = kiosk_pid(&r);
    for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++)
        keys(&r, escapes[i]);
    sleep_ms(500);
    assert_true(running(pid));
    expect(&r, "attract", "My Number");
    keys(&r, "F2");
    expect(&r, "menu", NULL);
    for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++)
        keys(&r, escapes[i]);
    sleep_ms(500);
    assert_true(running(pid));
    expect(&r, "menu", "Register");
    keys(&r, "Escape");
    keys(&r, "F2");
    expect(&r, "attract", NULL);
    kill(pid, SIGINT); /* nor a stray signal from the keyboard's kind */
    kill(pid, SIGTSTP);
    sleep_ms(300);
    assert_true(running(pid));
    keys(&r, "C-s");
    expect(&r, "staff", NULL);
    type(&r, "000000");
    keys(&r, "Enter");
    expect(&r, "staff", "Leave the kiosk program");
    keys(&r, "2");
    expect(&r, "staff", "End the kiosk program?");
    keys(&r, "1");
    assert_true(ends_within(pid, 5000));
    stop(&r);
    start(&r, "", "[kiosk]\nid = k\n");
    pid = kiosk_pid(&r);
    keys(&r, "C-c");
    assert_true(ends_within(pid, 5000));
    stop(&r);
}

/* --hash-staff-code at a terminal: no echo, asked twice, a hash out that
 * crypt(3) accepts for the code. */
static void test_hash_tool_at_a_terminal(void **state)
{
    static struct rig r;
    struct tmux *t = &r.t;
    char bin[PATH_MAX], cmd[PATH_MAX + 64], hash[256] = "";
    struct crypt_data cd;
    const char *p;

    (void)state;
    if (!realpath(kiosk_bin(), bin))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(cmd, sizeof cmd, "env LC_ALL=C.UTF-8 LANGUAGE= %s --hash-staff-code",
             bin);
    prepare(&r);
    live = &r;
    tmux_start(t, NULL, cmd);
    tmux_expect(t, NULL, "Staff code (6 to 16 digits):");
    tmux_keys(t, "1 3 5 7 9 0 8 6 Enter");
    tmux_expect(t, NULL, "The same code again:");
    tmux_capture(t);
    assert_null(strstr(t->screen, "13579086"));
    tmux_keys(t, "1 3 5 7 9 0 8 6 Enter");
    tmux_expect(t, NULL, "[staff]");
    assert_null(strstr(t->screen, "13579086"));
    p = strstr(t->screen, "\n$");
    assert_non_null(p);
    snprintf(hash, sizeof hash, "%.*s", (int)strcspn(p + 1, "\n "), p + 1);
    memset(&cd, 0, sizeof cd);
    assert_string_equal(crypt_rn("13579086", hash, &cd, sizeof cd), hash);
    stop(&r);
    /* Two different codes: nothing is made. */
    prepare(&r);
    live = &r;
    tmux_start(t, NULL, cmd);
    tmux_expect(t, NULL, "Staff code");
    tmux_keys(t, "1 3 5 7 9 0 8 6 Enter");
    tmux_expect(t, NULL, "again");
    tmux_keys(t, "1 3 5 7 9 0 8 7 Enter");
    tmux_expect(t, NULL, "the two codes differ");
    stop(&r);
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
    const struct CMUnitTest tests[] = {
        T(test_face_match),
        T(test_face_no_match_three_times),
        T(test_face_timeout),
        T(test_face_crash_and_flood),
        T(test_card_pulled_during_face_check),
        T(test_face_only),
        T(test_locked_pin_face_check),
        T(test_staff_check),
        T(test_wrong_staff_codes),
        T(test_staff_lock_survives_restart),
        T(test_worker_refuses_while_locked),
        T(test_staff_mode),
        T(test_escape_keys),
        T(test_hash_tool_at_a_terminal),
    };
#undef T
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests_name("face check and staff (tmux)", tests,
                                       NULL, NULL);
}
