/*
 * bench_ssh.c - figures for the public demo over SSH, through the same
 * real sshd and ssh clients in tmux as tests/test_e2e_ssh.c
 * (tests/sshrig.h), in Japanese on an 80x24 xterm-256color:
 *
 *   - memory per session: the peak resident set (VmHWM) of the session's
 *     kiosk and of its keeper, and the resident set of the session's
 *     sshd processes, after one whole registration;
 *   - the time from starting `ssh` to the first full screen (the title
 *     and the footer's demo line both shown), and how much of it is the
 *     kiosk making its fresh simulated card (two RSA-2048 keys);
 *   - bytes sent to the client for one whole registration (connect,
 *     card in, PIN, register, card out, Ctrl-C): what reached the
 *     client's terminal (tmux pipe-pane) and what crossed the wire (ssh's
 *     own "Transferred" count, key exchange included);
 *   - the time from the client being killed to the last process of its
 *     session gone.
 *
 * RUNS runs each; medians, and the largest memory. Needs root; prints
 * why not otherwise. KIOSK_BIN names the program.
 */
#include <locale.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/sshrig.h"

#define RUNS 5
#define WAIT_MS 20000

static struct rig rig;
static char screen[16384];

/* One run's figures, all long long so that one function sorts them. */
struct run {
    long long first_screen_ms, card_ms, gone_ms;
    long long terminal_bytes, wire_bytes;
    long long kiosk_kib, keeper_kib, sshd_kib;
};

static void die(const char *what)
{
    fprintf(stderr, "bench_ssh: %s: %s\n", what, rig.err);
    rig_stop(&rig);
    exit(1);
}

static void see(const char *win, const char *text)
{
    if (rig_wait(&rig, win, text, WAIT_MS, screen, sizeof screen) != 0) {
        fprintf(stderr, "%s\n", screen);
        die("waiting");
    }
}

static void keys(const char *win, const char *k)
{
    if (rig_keys(&rig, win, k) != 0)
        die("send-keys");
}

/* A field ("VmHWM:", "VmRSS:") of /proc/PID/status, in KiB. */
static long status_kib(pid_t pid, const char *field)
{
    char path[64], line[256];
    long kib = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0)
            kib = atol(line + strlen(field));
    fclose(f);
    return kib;
}

/* The kiosk processes: the keeper is the one whose parent is not a
 * kiosk. sshd's processes of the session: the kiosks' ancestors below
 * the rig's sshd. */
static void memory(struct run *r)
{
    pid_t k[8];
    int n = rig_kiosk_procs(&rig, k, 8);

    for (int i = 0; i < n && i < 8; i++) {
        bool keeper = true;
        for (int j = 0; j < n && j < 8; j++)
            if (rig_parent(k[i]) == k[j])
                keeper = false;
        if (keeper) {
            r->keeper_kib = status_kib(k[i], "VmHWM:");
            for (pid_t p = rig_parent(k[i]); p > 1 && p != rig.sshd;
                 p = rig_parent(p))
                r->sshd_kib += status_kib(p, "VmRSS:");
        } else {
            r->kiosk_kib = status_kib(k[i], "VmHWM:");
        }
    }
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* ssh's own count: "Transferred: sent N, received M bytes". */
static long wire_received(const char *win)
{
    char path[256], line[512];
    long sent, received = -1;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s.err", rig.dir, win);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char *t = strstr(line, "Transferred: sent ");
        if (t)
            sscanf(t, "Transferred: sent %ld, received %ld", &sent, &received);
    }
    fclose(f);
    return received;
}

static void registration(int i, struct run *r)
{
    char win[16], rec[256];
    long long t0;

    snprintf(win, sizeof win, "b%d", i);
    snprintf(rec, sizeof rec, "%s/%s.bytes", rig.dir, win);
    if (rig_connect_gated(&rig, win, "TERM=xterm-256color LANG=ja_JP.UTF-8") ||
        rig_record(&rig, win, rec))
        die("connect");
    rig_sleep_ms(300);
    t0 = rig_now_ms();
    keys(win, "Enter");
    for (long long end = t0 + WAIT_MS;; rig_sleep_ms(2)) {
        if (rig_capture(&rig, win, screen, sizeof screen) == 0 &&
            strstr(screen, "マイナンバーカードの保険証利用登録") &&
            strstr(screen, "デモ: 暗証番号 1234"))
            break;
        if (rig_now_ms() > end)
            die("first screen");
    }
    r->first_screen_ms = rig_now_ms() - t0;
    keys(win, "c");
    see(win, "ご用件をお選びください");
    keys(win, "1");
    see(win, "登録の前にお読みください");
    keys(win, "1");
    see(win, "ご本人の確認");
    keys(win, "1");
    see(win, "暗証番号の入力");
    keys(win, "1 2 3 4");
    see(win, "[*][*][*][*]");
    keys(win, "Enter");
    see(win, "登録内容の確認");
    keys(win, "1");
    see(win, "登録完了");
    memory(r);
    keys(win, "Escape");
    see(win, "カードをお取りください");
    keys(win, "c");
    see(win, "デモ: 暗証番号 1234");
    keys(win, "C-c");
    if (rig_wait_gone(&rig, win, WAIT_MS) != 0)
        die("end");
    rig_sleep_ms(200); /* pipe-pane's cat writes the last bytes */
    r->terminal_bytes = file_size(rec);
    r->wire_bytes = wire_received(win);
}

static void killed(int i, struct run *r)
{
    char win[16];
    long long t0;

    snprintf(win, sizeof win, "k%d", i);
    if (rig_connect(&rig, win, "TERM=xterm-256color LANG=ja_JP.UTF-8", NULL))
        die("connect");
    see(win, "デモ: 暗証番号 1234");
    t0 = rig_now_ms();
    kill(rig_client(&rig, win), SIGKILL);
    while (rig_session_procs(&rig) > 0 && rig_now_ms() < t0 + WAIT_MS)
        rig_sleep_ms(1);
    r->gone_ms = rig_now_ms() - t0;
}

/* The kiosk's own start with a fresh card (two RSA-2048 keys), without
 * SSH: `kiosk --demo` with no terminal makes the card, then stops. */
static void card(struct run *r)
{
    char cmd[4200];
    long long t0 = rig_now_ms();

    snprintf(cmd, sizeof cmd, "'%s' --demo </dev/null >/dev/null 2>&1",
             rig.kiosk);
    if (system(cmd) == -1)
        die("kiosk");
    r->card_ms = rig_now_ms() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* The field at off of every run, sorted. */
static void sorted(const struct run *runs, size_t off, long long *v)
{
    for (int i = 0; i < RUNS; i++)
        memcpy(&v[i], (const char *)&runs[i] + off, sizeof v[i]);
    qsort(v, RUNS, sizeof v[0], cmp_ll);
}

static long long median(const struct run *runs, size_t off)
{
    long long v[RUNS];
    sorted(runs, off, v);
    return v[RUNS / 2];
}

static long long largest(const struct run *runs, size_t off)
{
    long long v[RUNS];
    sorted(runs, off, v);
    return v[RUNS - 1];
}

int main(void)
{
    const char *bin = getenv("KIOSK_BIN");
    const char *why = rig_unavailable();
    struct run runs[RUNS] = { 0 };

    setlocale(LC_ALL, "C.UTF-8");
    if (why) {
        printf("ssh demo: not measured: %s\n", why);
        return 0;
    }
    if (rig_start(&rig, bin && *bin ? bin : "build/kiosk",
                  "[kiosk]\nlanguage = ja\n") != 0)
        die("start");
    for (int i = 0; i < RUNS; i++) {
        registration(i, &runs[i]);
        killed(i, &runs[i]);
        card(&runs[i]);
    }
    rig_stop(&rig);
    printf("ssh demo (%d runs, 80x24 xterm-256color, Japanese):\n", RUNS);
    printf("  peak RSS per session: kiosk %.1f MiB, keeper %.1f MiB, "
           "sshd %.1f MiB (largest)\n",
           largest(runs, offsetof(struct run, kiosk_kib)) / 1024.0,
           largest(runs, offsetof(struct run, keeper_kib)) / 1024.0,
           largest(runs, offsetof(struct run, sshd_kib)) / 1024.0);
    printf("  connect to first full screen: %lld ms (median), of which "
           "making the card's fresh keys: %lld ms (median, without SSH)\n",
           median(runs, offsetof(struct run, first_screen_ms)),
           median(runs, offsetof(struct run, card_ms)));
    printf("  one whole registration: %lld bytes to the terminal, "
           "%lld bytes received on the wire (median)\n",
           median(runs, offsetof(struct run, terminal_bytes)),
           median(runs, offsetof(struct run, wire_bytes)));
    printf("  client killed to session gone: %lld ms (median)\n",
           median(runs, offsetof(struct run, gone_ms)));
    return 0;
}
