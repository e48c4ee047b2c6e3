/*
 * test_e2e_ssh.c - the public demo through a real OpenSSH server on a
 * loopback port (tests/sshrig.h): config/sshd-demo.conf and
 * config/demo-shell as tools/install-demo.sh adapts them, a demo account
 * with an empty password, and real `ssh` clients in tmux, as a visitor
 * would use them. Nothing reads a status file: what counts is what the
 * visitor sees and what the server is left with.
 *
 * KIOSK_BIN names the program (default build/kiosk). Run from the
 * source tree (it runs tools/install-demo.sh). Needs root.
 */
#include "tests/test.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiosk/visit.h" /* KEEPER_OVERTIME_MS */
#include "tests/sshrig.h"

#define WAIT_MS 20000
#define GONE_MS 5000  /* for every session to end after a test */
/* "A dropped connection ends that kiosk within a second": the bound the
 * tests hold it to, with room for a loaded machine. */
#define DROPPED_MS 1500

static struct rig rig;
static char screen[16384];

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

static int setup(void **state)
{
    (void)state;
    if (rig_unavailable())
        return 0; /* each test skips with the reason */
    if (rig_start(&rig, kiosk_bin(), "") != 0) {
        print_error("ssh rig: %s\n", rig.err);
        rig_stop(&rig);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (!rig_unavailable())
        rig_stop(&rig);
    return 0;
}

/* Each test starts with no visitor connected. */
static int fresh(void **state)
{
    (void)state;
    if (!rig_unavailable() && rig_reset(&rig) != 0)
        print_error("ssh rig: %s\n", rig.err);
    return 0;
}

static void need_rig(void)
{
    const char *why = rig_unavailable();
    if (why) {
        print_message("skipped: %s\n", why);
        skip();
    }
}

static void ok(int rc)
{
    if (rc != 0)
        fail_msg("%s", rig.err);
}

static void conf(const char *text)
{
    ok(rig_conf(&rig, text));
}

static void see(const char *win, const char *text)
{
    if (rig_wait(&rig, win, text, WAIT_MS, screen, sizeof screen) != 0) {
        print_message("--- %s ---\n%s-----------\n", win, screen);
        fail_msg("%s", rig.err);
    }
}

static void keys(const char *win, const char *k)
{
    ok(rig_keys(&rig, win, k));
}

static void wait_gone(const char *win)
{
    ok(rig_wait_gone(&rig, win, WAIT_MS));
}

/* The client's stderr (tests/sshrig.h). */
static void read_err(const char *win, char *buf, size_t n)
{
    char path[256];
    FILE *f;
    size_t got;

    snprintf(path, sizeof path, "%s/%s.err", rig.dir, win);
    f = fopen(path, "r");
    assert_non_null(f);
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

/* Wait up to ms until every process of every session has gone and no
 * session directory is left; the milliseconds that took. */
static long long gone_within(long long ms)
{
    long long t0 = rig_now_ms(), end = t0 + ms;

    while ((rig_session_procs(&rig) > 0 || rig_session_dirs(&rig) > 0) &&
           rig_now_ms() < end)
        rig_sleep_ms(5);
    assert_int_equal(rig_session_procs(&rig), 0);
    if (rig_session_dirs(&rig) != 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "find %s/slots %s >&2", rig.dir, rig.tmp);
        (void)!system(cmd);
        fail_msg("a session left its directory or files in TMPDIR");
    }
    return rig_now_ms() - t0;
}

static void all_gone(void)
{
    gone_within(GONE_MS);
}

/* The texts a visitor passes through, in one language. */
struct walk {
    const char *attract, *menu, *terms, *auth, *pin, *confirm, *done;
    const char *remove, *footer;
};

static const struct walk ja = {
    "マイナンバーカードの保険証利用登録", "ご用件をお選びください",
    "登録の前にお読みください", "ご本人の確認", "暗証番号の入力",
    "登録内容の確認", "登録完了", "カードをお取りください",
    "デモ: 暗証番号 1234",
};

static const struct walk en = {
    "health insurance registration", "What would you like to do?",
    "Before you register", "How to confirm it is you", "Enter your PIN",
    "Please check before registering", "Registration complete",
    "Please take your card", "DEMO: PIN 1234",
};

/* What the English farewell says; every farewell ends the session. */
static const char bye[] = "Thank you for trying the demo.";

/* attract -> card in -> menu -> terms -> auth-choice -> pin */
static void walk_to_pin(const char *win, const struct walk *w)
{
    see(win, w->attract);
    see(win, w->footer);
    keys(win, "c"); /* the footer's [C]: no F-key needed */
    see(win, w->menu);
    keys(win, "1");
    see(win, w->terms);
    keys(win, "1");
    see(win, w->auth);
    keys(win, "1");
    see(win, w->pin);
}

/* ... -> PIN 1234 -> confirm -> done -> card out -> attract */
static void walk_to_done(const char *win, const struct walk *w)
{
    walk_to_pin(win, w);
    keys(win, "1 2 3 4");
    see(win, "[*][*][*][*]");
    keys(win, "Enter");
    see(win, w->confirm);
    keys(win, "1");
    see(win, w->done);
}

/* A whole registration in Japanese on a UTF-8 terminal, ended with
 * Ctrl-C: the visitor is thanked and everything goes. */
static void test_registration_japanese(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = ja\n");
    ok(rig_connect(&rig, "ja", "TERM=xterm-256color LANG=ja_JP.UTF-8", NULL));
    walk_to_done("ja", &ja);
    assert_int_equal(rig_session_dirs(&rig), 1); /* this session's, private */
    keys("ja", "C-c");
    all_gone();
}

/* English, with the card put in by a mouse click on the footer's [C]
 * control, ended with Ctrl-\ (a key in raw mode, not SIGQUIT). */
static void test_registration_english_click(void **state)
{
    char seq[64], hex[192];
    int row, col;
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "en", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("en", en.footer);
    assert_int_equal(rig_find(screen, "[C]", &row, &col), 0);
    /* xterm's SGR mouse report (its terminfo's kmous): ESC [ < button ;
     * column ; row, M pressed and m released, counting from 1 */
    snprintf(seq, sizeof seq, "\033[<0;%d;%dM\033[<0;%d;%dm", col + 2,
             row + 1, col + 2, row + 1);
    for (size_t i = 0; seq[i]; i++)
        snprintf(hex + 3 * i, sizeof hex - 3 * i, "%02x ", (unsigned char)seq[i]);
    ok(rig_keys_hex(&rig, "en", hex));
    see("en", en.menu);
    keys("en", "Escape"); /* back out; walk again with the keys */
    see("en", en.remove);
    keys("en", "C");
    walk_to_done("en", &en);
    keys("en", "C-\\\\");
    see("en", bye);
    all_gone();
}

/* Nothing but ASCII, apart from the frame: tmux shows the vt100's line
 * drawing (ACS) as UTF-8 box drawing, U+2500..U+257F. */
static void assert_only_ascii(const char *text)
{
    for (const char *p = text; *p; p++) {
        if ((unsigned char)*p < 0x80)
            continue;
        if (strncmp(p, "\xe2\x94", 2) != 0 && strncmp(p, "\xe2\x95", 2) != 0)
            fail_msg("not ASCII at \"%.12s\"", p);
        p += 2;
    }
}

/* A vt100 whose locale is not UTF-8: plain-ASCII English, although the
 * configured language is Japanese. */
static void test_vt100_not_utf8(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = ja\n");
    ok(rig_connect(&rig, "vt", "TERM=vt100 LANG=ja_JP.eucJP", NULL));
    walk_to_done("vt", &en);
    assert_only_ascii(screen);
    keys("vt", "C-c");
    see("vt", bye);
    all_gone();
}

/* SIGWINCH over SSH: the kiosk follows the client's window size. */
static void test_resize_over_ssh(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "rs", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("rs", en.attract);
    ok(rig_resize(&rig, "rs", 60, 20));
    see("rs", "Please make the window larger");
    ok(rig_resize(&rig, "rs", 100, 30));
    see("rs", en.footer);
    keys("rs", "C-c");
    see("rs", bye);
    all_gone();
}

/* Whether a traced system call changes the file system. */
static bool writes(const char *call, const char *args)
{
    static const char *const changes[] = {
        "mkdir", "mkdirat", "rename", "renameat", "renameat2", "link",
        "linkat", "symlink", "symlinkat", "unlink", "unlinkat", "rmdir",
        "truncate", "chmod", "fchmodat", "chown", "lchown", "fchownat",
        "mknod", "mknodat", "creat",
    };
    if (strcmp(call, "open") == 0 || strcmp(call, "openat") == 0)
        return strstr(args, "O_WRONLY") || strstr(args, "O_RDWR") ||
               strstr(args, "O_CREAT") || strstr(args, "O_TRUNC");
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        if (strcmp(call, changes[i]) == 0)
            return true;
    return false;
}

static bool in(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* strace as root, following every process sshd starts from now on,
 * one file per process (PREFIX.PID). Root, because the kiosk makes
 * itself undumpable, which keeps a tracer of its own account from
 * reading the paths it opens. */
static pid_t trace_sshd(const char *prefix)
{
    char pid[16], status[64], line[256];
    pid_t t = fork();

    assert_true(t >= 0);
    if (t == 0) {
        snprintf(pid, sizeof pid, "%d", (int)rig.sshd);
        execl("/usr/bin/strace", "strace", "-f", "-ff", "-qq", "-z", "-o",
              prefix, "-e", "trace=%file,%process", "-e", "signal=none",
              "-p", pid, (char *)NULL);
        _exit(127);
    }
    snprintf(status, sizeof status, "/proc/%d/status", (int)rig.sshd);
    for (long long end = rig_now_ms() + WAIT_MS; rig_now_ms() < end;
         rig_sleep_ms(20)) {
        FILE *f = fopen(status, "r");
        int tracer = 0;
        while (f && fgets(line, sizeof line, f))
            sscanf(line, "TracerPid: %d", &tracer);
        if (f)
            fclose(f);
        if (tracer == t)
            return t;
    }
    fail_msg("strace did not attach to sshd");
    return -1;
}

/* The processes of the session: those that ran the kiosk, and their
 * children. pids[] holds them; returns how many. */
static int session_pids(const char *dir, const char *base, int *pids, int max)
{
    char path[512], line[4096];
    int n = 0, before;

    do { /* to a fixed point: a child's file may come before its parent's */
        DIR *d = opendir(dir);
        struct dirent *e;
        before = n;
        assert_non_null(d);
        while ((e = readdir(d)) != NULL) {
            int pid;
            bool mine = false;
            FILE *f;
            if (strncmp(e->d_name, base, strlen(base)) != 0 ||
                sscanf(e->d_name + strlen(base), ".%d", &pid) != 1)
                continue;
            for (int i = 0; i < n; i++)
                mine = mine || pids[i] == pid;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            f = fopen(path, "r");
            assert_non_null(f);
            while (fgets(line, sizeof line, f)) {
                char *ret = strstr(line, ") = ");
                int child;
                if (!mine && strncmp(line, "execve(\"", 8) == 0 &&
                    strncmp(line + 8, rig.kiosk, strlen(rig.kiosk)) == 0 &&
                    n < max) {
                    pids[n++] = pid;
                    mine = true;
                }
                if (mine && ret && (strncmp(line, "clone", 5) == 0 ||
                                    strncmp(line, "fork", 4) == 0 ||
                                    strncmp(line, "vfork", 5) == 0) &&
                    sscanf(ret, ") = %d", &child) == 1 && n < max) {
                    bool known = false;
                    for (int i = 0; i < n; i++)
                        known = known || pids[i] == child;
                    if (!known)
                        pids[n++] = child;
                }
            }
            fclose(f);
        }
        closedir(d);
    } while (n != before);
    return n;
}

/* Every file a process of the session opened for writing, made,
 * renamed or removed was in its private TMPDIR, in the slot directory,
 * or a terminal. Returns how many such changes there were. */
static int check_writes(const char *file)
{
    char slots[256], line[4096];
    FILE *f = fopen(file, "r");
    int changes = 0;

    assert_non_null(f);
    snprintf(slots, sizeof slots, "%s/slots", rig.dir);
    while (fgets(line, sizeof line, f)) {
        char call[32], *args = strchr(line, '('), *q, *end;
        if (sscanf(line, "%31[a-z0-9_]", call) != 1 || !args ||
            !writes(call, args))
            continue;
        for (q = strchr(args, '"'); q && (end = strchr(q + 1, '"'));
             q = strchr(end + 1, '"')) {
            *end = '\0';
            if (in(q + 1, rig.tmp) || in(q + 1, slots) ||
                strncmp(q + 1, "/dev/pts/", 9) == 0 ||
                strcmp(q + 1, "/dev/tty") == 0 || strcmp(q + 1, "/dev/null") == 0)
                changes++;
            else
                fail_msg("the session wrote to %s (%s)", q + 1, call);
        }
    }
    fclose(f);
    return changes;
}

static void nothing_written_elsewhere(const char *dir, const char *base)
{
    int pids[64], n = session_pids(dir, base, pids, 64), changes = 0;
    char file[512];

    assert_true(n >= 2); /* the keeper and the kiosk, at least */
    for (int i = 0; i < n; i++) {
        snprintf(file, sizeof file, "%s/%s.%d", dir, base, pids[i]);
        if (access(file, R_OK) == 0) /* threads share their process's */
            changes += check_writes(file);
    }
    print_message("traced %d processes of the session: %d changes to "
                  "files, all in its TMPDIR, its slot or a terminal\n", n,
                  changes);
    assert_true(changes > 0); /* the trace did see the ledger being made */
}

/* The client is killed while the PIN is half typed: the session's
 * kiosk, keeper and sshd processes go, its TMPDIR goes, and no file
 * outside it was ever written. */
static void test_client_killed_during_pin(void **state)
{
    char dir[256], prefix[512];
    pid_t client, tracer;
    int st;
    (void)state;
    need_rig();
    snprintf(dir, sizeof dir, "%s/out", rig.dir);
    snprintf(prefix, sizeof prefix, "%s/trace", dir);
    tracer = trace_sshd(prefix);
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "kill", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    walk_to_pin("kill", &en);
    keys("kill", "8 6");
    see("kill", "[*][*][ ][ ]");
    assert_int_equal(rig_session_dirs(&rig), 1);
    assert_true(rig_kiosk_procs(&rig, NULL, 0) >= 2);
    client = rig_client(&rig, "kill");
    assert_true(client > 0);
    assert_int_equal(kill(client, SIGKILL), 0);
    all_gone();
    kill(tracer, SIGINT); /* detaches from sshd */
    waitpid(tracer, &st, 0);
    nothing_written_elsewhere(dir, "trace");
}

/* The one session's kiosk itself (not its keeper): the one of the two
 * whose parent is the other. */
static pid_t session_kiosk(void)
{
    pid_t k[4];
    int n = rig_kiosk_procs(&rig, k, 4);

    assert_int_equal(n, 2);
    for (int i = 0; i < 2; i++)
        if (rig_parent(k[i]) == k[1 - i])
            return k[i];
    fail_msg("no kiosk under a keeper");
    return -1;
}

/* After a dropped connection: every process and the session's
 * directory gone within DROPPED_MS. */
static void gone_in_time(const char *what)
{
    long long ms = gone_within(GONE_MS);

    print_message("%s: the session was gone %lld ms after\n", what, ms);
    if (ms > DROPPED_MS)
        fail_msg("%s: gone after %lld ms, not within %d", what, ms,
                 DROPPED_MS);
}

/* The client killed (not traced, unlike the test above): the session
 * ends within a second. */
static void test_dropped_connection_gone_fast(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "drop", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    walk_to_pin("drop", &en);
    keys("drop", "8 6");
    see("drop", "[*][*][ ][ ]");
    assert_int_equal(kill(rig_client(&rig, "drop"), SIGKILL), 0);
    gone_in_time("client killed during PIN entry");
}

/* However the kiosk ends, its keeper cleans up: a kiosk that crashes
 * (SIGKILL) and one that hangs (stopped, deaf to the hang-up; its
 * keeper kills it KEEPER_GRACE_MS later) both leave nothing behind, the
 * hung one within a second too. */
static void test_keeper_cleans_up(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "crash", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("crash", en.footer);
    assert_int_equal(rig_session_dirs(&rig), 1);
    assert_int_equal(kill(session_kiosk(), SIGKILL), 0);
    all_gone();
    ok(rig_connect(&rig, "hang", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("hang", en.footer);
    assert_int_equal(kill(session_kiosk(), SIGSTOP), 0);
    assert_int_equal(kill(rig_client(&rig, "hang"), SIGKILL), 0);
    gone_in_time("client of a hung kiosk killed");
}

/* The one entry of dir (its name in name), or -1. */
static int only_entry(const char *dir, char *name, size_t n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            found++ == 0)
            snprintf(name, n, "%s/%s", dir, e->d_name);
    closedir(d);
    return found == 1 ? 0 : -1;
}

/* A keeper killed itself cannot clean up: its session's directory (and
 * the ledger the kiosk had in it) stays, but only until that place is
 * taken again, which empties it first. */
static void test_killed_keeper_leftover_goes(void **state)
{
    char slot[256], left[512];
    pid_t kiosk;
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n[demo]\nsessions = 1\n");
    ok(rig_connect(&rig, "k1", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("k1", en.footer);
    kiosk = session_kiosk();
    assert_int_equal(kill(kiosk, SIGSTOP), 0); /* no clean-up of its own */
    assert_int_equal(kill(rig_parent(kiosk), SIGKILL), 0);
    assert_int_equal(kill(kiosk, SIGKILL), 0);
    wait_gone("k1");
    snprintf(slot, sizeof slot, "%s/slots/slot-0.d", rig.dir);
    assert_int_equal(only_entry(slot, left, sizeof left), 0);
    assert_int_equal(access(left, F_OK), 0); /* left behind, for now */
    ok(rig_connect(&rig, "k2", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("k2", en.footer);
    assert_int_equal(access(left, F_OK), -1);
    assert_int_equal(rig_session_dirs(&rig), 1); /* k2's own */
    keys("k2", "C-c");
    see("k2", bye);
    all_gone();
}

/* One line of /proc/PID/limits: its soft and hard values. */
static void limit_is(const char *limits, const char *name, const char *soft,
                     const char *hard)
{
    const char *line = strstr(limits, name);
    char s[32] = "", h[32] = "";

    assert_non_null(line);
    assert_int_equal(sscanf(line + strlen(name), " %31s %31s", s, h), 2);
    if (strcmp(s, soft) != 0 || strcmp(h, hard) != 0)
        fail_msg("%s: %s %s, not %s %s", name, s, h, soft, hard);
}

/* The [demo] resource limits, as the kernel holds a session's kiosk to
 * them: address space, processes (per session times sessions: the
 * kernel counts them per account), open files, CPU seconds (the hard
 * limit 2 s after the soft one, whose SIGXCPU ends the session). */
static void test_resource_limits(void **state)
{
    char path[64], limits[4096];
    FILE *f;
    size_t n;
    (void)state;
    need_rig();
    /* an ASan build has memory = 0 from rig_conf() */
    conf(rig.sanitized ? "[kiosk]\nlanguage = en\n[demo]\nsessions = 3\n"
                         "processes = 5\nopen_files = 40\ncpu_seconds = 50\n"
                       : "[kiosk]\nlanguage = en\n[demo]\nsessions = 3\n"
                         "processes = 5\nopen_files = 40\ncpu_seconds = 50\n"
                         "memory = 300\n");
    ok(rig_connect(&rig, "lim", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("lim", en.footer);
    snprintf(path, sizeof path, "/proc/%d/limits", (int)session_kiosk());
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(limits, 1, sizeof limits - 1, f);
    limits[n] = '\0';
    fclose(f);
    if (rig.sanitized)
        limit_is(limits, "Max address space", "unlimited", "unlimited");
    else
        limit_is(limits, "Max address space", "314572800", "314572800");
    limit_is(limits, "Max processes", "15", "15");
    limit_is(limits, "Max open files", "40", "40");
    limit_is(limits, "Max cpu time", "50", "52");
    keys("lim", "C-c");
    see("lim", bye);
    all_gone();
}

/* session_length: a visitor left alone sees the last minute counted
 * down, then is thanked and disconnected. A session whose kiosk cannot
 * come back to its loop to notice (stopped here; in the wild, blocked
 * writing to a client that stopped reading) is ended by its keeper
 * KEEPER_OVERTIME_MS after the same length, however long it was stuck. */
static void test_session_length(void **state)
{
    long long t0, ms;
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n[demo]\nsession_length = 60\n");
    t0 = rig_now_ms();
    ok(rig_connect(&rig, "stuck", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("stuck", en.footer);
    assert_int_equal(kill(session_kiosk(), SIGSTOP), 0);
    ok(rig_connect(&rig, "len", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("len", "Demo ends in ");
    if (rig_wait(&rig, "len", "reached its time limit of 1 minutes", 60000 +
                 WAIT_MS, screen, sizeof screen) != 0)
        fail_msg("%s", rig.err);
    ok(rig_wait_gone(&rig, "stuck", 20000));
    ms = rig_now_ms() - t0;
    print_message("the stuck session ended %lld ms after its client "
                  "started\n", ms);
    /* after its start (which is after t0) + 60 s + the overtime */
    assert_true(ms >= 60000 + KEEPER_OVERTIME_MS);
    all_gone();
}

/* "ssh -N": a login that opens no session gets no kiosk and no place,
 * and sshd drops it after the drop-in's UnusedConnectionTimeout (15 s)
 * instead of letting it hold sshd processes for ever. */
static void test_no_session_dropped(void **state)
{
    long long t0, ms;
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    t0 = rig_now_ms();
    ok(rig_connect(&rig, "idle", "LC_ALL=C.UTF-8", "-N"));
    rig_sleep_ms(5000);
    assert_false(rig_client_gone(&rig, "idle"));
    assert_true(rig_session_procs(&rig) > 0); /* sshd's, for that login */
    assert_int_equal(rig_kiosk_procs(&rig, NULL, 0), 0);
    ok(rig_wait_gone(&rig, "idle", 15000 + WAIT_MS));
    ms = rig_now_ms() - t0;
    print_message("the login without a session was dropped after %lld "
                  "ms\n", ms);
    assert_true(ms >= 15000);
    all_gone();
}

/* The environment variable name=value of pid, from /proc/PID/environ. */
static bool has_env(pid_t pid, const char *name_value)
{
    char path[64], env[8192];
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(env, 1, sizeof env - 1, f);
    env[n] = '\0';
    fclose(f);
    for (size_t i = 0; i < n; i += strlen(env + i) + 1)
        if (strcmp(env + i, name_value) == 0)
            return true;
    return false;
}

/* A terminal type this server has no terminfo entry for: an xterm-like
 * name gets xterm-256color's, any other vt100's, and the visitor gets
 * the kiosk instead of an error and a closed connection. */
static void test_unknown_terminal(void **state)
{
    static const struct {
        const char *win, *term, *becomes;
    } terms[] = {
        { "xt", "xterm-kiosk-unknown", "TERM=xterm-256color" },
        { "un", "kiosk-unknown-terminal", "TERM=vt100" },
    };
    char env[96];
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        snprintf(env, sizeof env, "TERM=%s LC_ALL=C.UTF-8", terms[i].term);
        ok(rig_connect(&rig, terms[i].win, env, NULL));
        see(terms[i].win, en.footer);
        keys(terms[i].win, "c");
        see(terms[i].win, en.menu);
        if (!has_env(session_kiosk(), terms[i].becomes))
            fail_msg("TERM %s did not become %s", terms[i].term,
                     terms[i].becomes);
        keys(terms[i].win, "C-c");
        see(terms[i].win, bye);
        wait_gone(terms[i].win);
        all_gone();
    }
}

/* A staff code's hash, made by the kiosk's own --hash-staff-code. */
static void hash_code(const char *code, char *hash, size_t n)
{
    char cmd[4200];
    FILE *p;

    snprintf(cmd, sizeof cmd, "echo %s | '%s' --hash-staff-code", code,
             rig.kiosk);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(hash, (int)n, p));
    hash[strcspn(hash, "\n")] = '\0';
    assert_int_equal(pclose(p), 0);
}

/* --public does not take the server's hardware or staff from the
 * installed configuration: a configured camera command, speech command
 * and printer never run, no receipt is offered, and the real staff
 * codes are refused (the demo's is on the screen instead). */
static void test_public_ignores_production(void **state)
{
    char hash[256], text[2048], out[160], path[256];
    (void)state;
    need_rig();
    hash_code("24681357", hash, sizeof hash);
    /* where the demo account could write, were the commands run */
    snprintf(out, sizeof out, "%s/public", rig.dir);
    snprintf(text, sizeof text, "install -d -m 700 -o %s %s", rig.user, out);
    assert_int_equal(system(text), 0);
    snprintf(text, sizeof text,
             "[kiosk]\nlanguage = en\n[a11y]\nspeak = touch %s/spoke\n"
             "[printer]\ndevice = file:%s\n[auth]\nmethods = pin, face, staff\n"
             "[face]\ncommand = /usr/bin/touch %s/camera\n"
             "[staff]\ncode = sato:%s\n", out, out, out, hash);
    conf(text);
    ok(rig_connect(&rig, "pub", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("pub", en.footer);
    keys("pub", "c");
    see("pub", en.menu);
    keys("pub", "1");
    see("pub", en.terms);
    keys("pub", "1");
    see("pub", en.auth);
    keys("pub", "3");
    see("pub", "DEMO: the staff code is 000000.");
    keys("pub", "2 4 6 8 1 3 5 7 Enter");
    see("pub", "4 more wrong code");
    keys("pub", "Escape");
    see("pub", en.remove);
    keys("pub", "C");
    see("pub", en.attract);
    keys("pub", "c");
    see("pub", en.menu);
    keys("pub", "1");
    see("pub", en.terms);
    keys("pub", "1");
    see("pub", en.auth);
    keys("pub", "2");
    see("pub", "DEMO: there is no camera.");
    keys("pub", "m");
    see("pub", en.confirm);
    keys("pub", "1");
    see("pub", en.done);
    if (strstr(screen, "Print a receipt"))
        fail_msg("a receipt is offered");
    keys("pub", "C-c");
    see("pub", bye);
    all_gone();
    snprintf(path, sizeof path, "%s/camera", out);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/spoke", out);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(text, sizeof text, "test -z \"$(ls -A %s)\"", out);
    if (system(text) != 0)
        fail_msg("something was written to %s (a receipt?)", out);
}

/* With room for 2, the third visitor is told the demo is full and is
 * disconnected; once one leaves, the next gets in. */
static void test_session_limit(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n[demo]\nsessions = 2\n");
    ok(rig_connect(&rig, "s1", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    ok(rig_connect(&rig, "s2", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("s1", en.footer);
    see("s2", en.footer);
    ok(rig_connect(&rig, "s3", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("s3", "Sorry, the demo is full. Please try again in about 15 minutes.");
    wait_gone("s3");
    keys("s1", "C-c");
    see("s1", bye);
    ok(rig_connect(&rig, "s4", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("s4", en.footer);
    keys("s2", "C-c");
    keys("s4", "C-c");
    see("s4", bye);
    all_gone();
}

/* Idle: the footer counts down the last minute, then the visitor is
 * thanked and disconnected. */
static void test_idle_countdown(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n[demo]\nidle_timeout = 30\n");
    ok(rig_connect(&rig, "idle", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("idle", "Demo ends in ");
    if (rig_wait(&rig, "idle", "without input", 30000 + WAIT_MS, screen,
                 sizeof screen) != 0)
        fail_msg("%s", rig.err);
    all_gone();
}

/* No terminal (ssh -T, or a command): one clear line, then goodbye. */
static void test_no_terminal(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "nopty", "LC_ALL=C.UTF-8", "-T"));
    see("nopty", "This demo needs a terminal");
    all_gone();
}

/* The other terminals visitors come with draw the same screen. */
static void test_other_terminals(void **state)
{
    static const char *const terms[] = { "linux", "screen-256color",
                                         "tmux-256color" };
    char win[16], env[64];
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        snprintf(win, sizeof win, "t%zu", i);
        snprintf(env, sizeof env, "TERM=%s LC_ALL=C.UTF-8", terms[i]);
        ok(rig_connect(&rig, win, env, NULL));
        see(win, en.footer);
        keys(win, "c");
        see(win, en.menu);
        keys(win, "C-c");
        see(win, bye);
    }
    all_gone();
}

/* No way out: Ctrl-Z suspends nothing, a command of the visitor's gets
 * the kiosk, and a port forwarding is refused. */
static void test_no_way_out(void **state)
{
    char err[4096];
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "cmd", "TERM=xterm-256color LC_ALL=C.UTF-8",
                   "-o RemoteCommand=/bin/sh"));
    see("cmd", en.footer);
    keys("cmd", "C-z");
    keys("cmd", "c");
    see("cmd", en.menu); /* still the kiosk, still answering */
    keys("cmd", "C-c");
    see("cmd", bye);
    ok(rig_connect(&rig, "fwd", "TERM=xterm-256color LC_ALL=C.UTF-8",
                   "-o ExitOnForwardFailure=yes -R 0:127.0.0.1:9"));
    wait_gone("fwd");
    read_err("fwd", err, sizeof err);
    if (!strstr(err, "forwarding failed"))
        fail_msg("the forwarding was not refused:\n%s", err);
    all_gone();
}

/* DEMO_AUTH=key, as tools/install-demo.sh sets the account up: the
 * empty password no longer works, the published key does. Then back to
 * the empty password for the other tests. */
static void test_published_key(void **state)
{
    char cmd[1024], key[256], args[300], err[4096];
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    snprintf(cmd, sizeof cmd,
             "DEMO_USER=%s DEMO_AUTH=key DEMO_HOME=%s SYSCONFDIR=%s "
             "KIOSKLIBDIR=%s tools/install-demo.sh account >/dev/null",
             rig.user, rig.dir, rig.dir, rig.dir);
    assert_int_equal(system(cmd), 0);
    ok(rig_connect(&rig, "nokey", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    wait_gone("nokey");
    read_err("nokey", err, sizeof err);
    if (!strstr(err, "Permission denied"))
        fail_msg("got in without the key:\n%s", err);
    snprintf(key, sizeof key, "%s/kiosk/demo-key", rig.dir);
    snprintf(args, sizeof args, "-i %s", key);
    ok(rig_connect(&rig, "key", "TERM=xterm-256color LC_ALL=C.UTF-8", args));
    see("key", en.footer);
    keys("key", "C-c");
    see("key", bye);
    snprintf(cmd, sizeof cmd, "passwd -q -d %s", rig.user);
    assert_int_equal(system(cmd), 0);
    all_gone();
}

/* make install-demo into a DESTDIR: the drop-in and the shell land
 * with the install's paths, no account is made, and sshd accepts the
 * drop-in as its configuration. */
static void test_install_demo_staged(void **state)
{
    char cmd[4096], stage[128];
    (void)state;
    need_rig();
    snprintf(stage, sizeof stage, "%s/stage", rig.dir);
    snprintf(cmd, sizeof cmd,
             "DESTDIR=%s BINDIR=/usr/bin SYSCONFDIR=/etc KIOSKLIBDIR=/usr/lib/kiosk "
             "DEMO_USER=visitor tools/install-demo.sh install >/dev/null && "
             "grep -qx 'Match User visitor' %s/etc/ssh/sshd_config.d/kiosk-demo.conf && "
             "grep -qx '    ForceCommand /usr/lib/kiosk/demo-shell' "
             "%s/etc/ssh/sshd_config.d/kiosk-demo.conf && "
             "grep -q '/usr/bin/kiosk --public --config /etc/kiosk/kiosk.conf' "
             "%s/usr/lib/kiosk/demo-shell && test -x %s/usr/lib/kiosk/demo-shell && "
             "! id visitor >/dev/null 2>&1 && "
             "printf 'HostKey %s/host_key\\nInclude %s/etc/ssh/sshd_config.d/kiosk-demo.conf\\n' "
             "> %s/sshd_config && /usr/sbin/sshd -t -f %s/sshd_config",
             stage, stage, stage, stage, stage, rig.dir, stage, stage, stage);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_registration_japanese, fresh),
        cmocka_unit_test_setup(test_registration_english_click, fresh),
        cmocka_unit_test_setup(test_vt100_not_utf8, fresh),
        cmocka_unit_test_setup(test_resize_over_ssh, fresh),
        cmocka_unit_test_setup(test_client_killed_during_pin, fresh),
        cmocka_unit_test_setup(test_dropped_connection_gone_fast, fresh),
        cmocka_unit_test_setup(test_keeper_cleans_up, fresh),
        cmocka_unit_test_setup(test_killed_keeper_leftover_goes, fresh),
        cmocka_unit_test_setup(test_resource_limits, fresh),
        cmocka_unit_test_setup(test_session_length, fresh),
        cmocka_unit_test_setup(test_no_session_dropped, fresh),
        cmocka_unit_test_setup(test_unknown_terminal, fresh),
        cmocka_unit_test_setup(test_public_ignores_production, fresh),
        cmocka_unit_test_setup(test_session_limit, fresh),
        cmocka_unit_test_setup(test_idle_countdown, fresh),
        cmocka_unit_test_setup(test_no_terminal, fresh),
        cmocka_unit_test_setup(test_other_terminals, fresh),
        cmocka_unit_test_setup(test_no_way_out, fresh),
        cmocka_unit_test_setup(test_install_demo_staged, fresh),
        cmocka_unit_test_setup(test_published_key, fresh),
    };
    setlocale(LC_ALL, "C.UTF-8");
    if (getenv("SSH_TESTS")) /* e.g. SSH_TESTS='test_keeper*' */
        cmocka_set_test_filter(getenv("SSH_TESTS"));
    return cmocka_run_group_tests_name("end-to-end over SSH", tests, setup,
                                       teardown);
}
