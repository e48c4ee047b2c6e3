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

#include "tests/sshrig.h"

#define WAIT_MS 20000
#define GONE_MS 5000  /* a generous bound for "gone within a second" */

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

/* Wait until every process of every session has gone. */
static void all_gone(void)
{
    long long end = rig_now_ms() + GONE_MS;
    while (rig_session_procs(&rig) > 0 && rig_now_ms() < end)
        rig_sleep_ms(20);
    assert_int_equal(rig_session_procs(&rig), 0);
    if (rig_tmp_entries(&rig) != 0) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "find %s >&2", rig.tmp);
        (void)!system(cmd);
        fail_msg("a session left files in its TMPDIR");
    }
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
    assert_int_equal(rig_tmp_entries(&rig), 1); /* this session's, private */
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
    assert_int_equal(rig_tmp_entries(&rig), 1);
    assert_true(rig_kiosk_procs(&rig, NULL, 0) >= 2);
    client = rig_client(&rig, "kill");
    assert_true(client > 0);
    assert_int_equal(kill(client, SIGKILL), 0);
    all_gone();
    kill(tracer, SIGINT); /* detaches from sshd */
    waitpid(tracer, &st, 0);
    nothing_written_elsewhere(dir, "trace");
}

/* The session's kiosk itself (not its keeper): the one of the two whose
 * parent is the other. */
static pid_t session_kiosk(void)
{
    pid_t k[4];
    int n = rig_kiosk_procs(&rig, k, 4);
    char path[64], buf[512], *p;

    assert_int_equal(n, 2);
    for (int i = 0; i < 2; i++) {
        FILE *f;
        int ppid = -1;
        snprintf(path, sizeof path, "/proc/%d/stat", (int)k[i]);
        f = fopen(path, "r");
        assert_non_null(f);
        if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')')))
            sscanf(p + 1, " %*c %d", &ppid);
        fclose(f);
        if (ppid == k[1 - i])
            return k[i];
    }
    fail_msg("no kiosk under a keeper");
    return -1;
}

/* However the kiosk ends, its keeper cleans up: a kiosk that crashes
 * (SIGKILL) and one that hangs (stopped, deaf to the hang-up) both
 * leave nothing behind. */
static void test_keeper_cleans_up(void **state)
{
    (void)state;
    need_rig();
    conf("[kiosk]\nlanguage = en\n");
    ok(rig_connect(&rig, "crash", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("crash", en.footer);
    assert_int_equal(rig_tmp_entries(&rig), 1);
    assert_int_equal(kill(session_kiosk(), SIGKILL), 0);
    all_gone();
    ok(rig_connect(&rig, "hang", "TERM=xterm-256color LC_ALL=C.UTF-8", NULL));
    see("hang", en.footer);
    assert_int_equal(kill(session_kiosk(), SIGSTOP), 0);
    assert_int_equal(kill(rig_client(&rig, "hang"), SIGKILL), 0);
    all_gone();
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
    for (long long end = rig_now_ms() + WAIT_MS;
         !rig_client_gone(&rig, "s3") && rig_now_ms() < end;)
        rig_sleep_ms(20);
    assert_true(rig_client_gone(&rig, "s3"));
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
    char path[256], err[4096] = "";
    FILE *f;
    size_t n;
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
    for (long long end = rig_now_ms() + WAIT_MS;
         !rig_client_gone(&rig, "fwd") && rig_now_ms() < end;)
        rig_sleep_ms(20);
    assert_true(rig_client_gone(&rig, "fwd"));
    snprintf(path, sizeof path, "%s/fwd.err", rig.dir);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(err, 1, sizeof err - 1, f);
    err[n] = '\0';
    fclose(f);
    if (!strstr(err, "forwarding failed"))
        fail_msg("the forwarding was not refused:\n%s", err);
    all_gone();
}

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

static void wait_gone(const char *win)
{
    for (long long end = rig_now_ms() + WAIT_MS;
         !rig_client_gone(&rig, win) && rig_now_ms() < end;)
        rig_sleep_ms(20);
    assert_true(rig_client_gone(&rig, win));
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
             "DEMO_USER=%s DEMO_AUTH=key DEMO_HOME=%s/home SYSCONFDIR=%s "
             "KIOSKLIBDIR=%s tools/install-demo.sh account >/dev/null",
             RIG_USER, rig.dir, rig.dir, rig.dir);
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
    snprintf(cmd, sizeof cmd, "passwd -q -d %s", RIG_USER);
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
        cmocka_unit_test_setup(test_keeper_cleans_up, fresh),
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
