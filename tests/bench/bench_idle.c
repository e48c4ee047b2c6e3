/*
 * bench_idle.c - `make bench`: what an idle kiosk costs.
 *
 * Starts `kiosk --demo` in a private tmux at 80x24, lets it sit on the
 * attract screen and then on the menu (a card in, nobody touching it),
 * and reads the kernel's own accounting for the process from /proc: CPU
 * time used and how often it woke up (voluntary context switches), over
 * a fixed window.
 *
 * One language offered and the clock: the kiosk should wake about once a
 * minute on attract. With every language, the greeting rotates every 5 s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/tmux.h"

#define WINDOW_S 20

struct sample {
    long ticks;    /* utime + stime, in clock ticks */
    long wakeups;  /* voluntary context switches, all threads */
};

static int read_pid(const char *status)
{
    char buf[512];
    FILE *f = fopen(status, "r");
    size_t n;
    const char *p;

    if (!f)
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    p = strstr(buf, "pid=");
    return p ? atoi(p + 4) : -1;
}

static long stat_ticks(int pid)
{
    char path[64], buf[2048];
    FILE *f;
    size_t n;
    long ut = 0, st = 0;
    char *p;

    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    if (!(f = fopen(path, "r")))
        return -1;
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
                            "%ld %ld", &ut, &st) != 2)
        return -1;
    return ut + st;
}

/* Voluntary switches summed over the process's threads. */
static long wakeups(int pid)
{
    char cmd[128], line[256];
    long total = 0, v;
    FILE *p;

    snprintf(cmd, sizeof cmd,
             "cat /proc/%d/task/*/status 2>/dev/null", pid);
    if (!(p = popen(cmd, "r")))
        return -1;
    while (fgets(line, sizeof line, p))
        if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1)
            total += v;
    pclose(p);
    return total;
}

static struct sample take(int pid)
{
    struct sample s = { stat_ticks(pid), wakeups(pid) };
    return s;
}

static void measure(const char *what, int pid)
{
    struct sample a = take(pid), b;
    long hz = sysconf(_SC_CLK_TCK);

    sleep(WINDOW_S);
    b = take(pid);
    printf("%-50s cpu %4ld ms in %d s, %3ld wake-ups (%.2f/s)\n", what,
           (b.ticks - a.ticks) * 1000 / (hz > 0 ? hz : 100), WINDOW_S,
           b.wakeups - a.wakeups,
           (double)(b.wakeups - a.wakeups) / WINDOW_S);
}

static int run(const char *bin, const char *extra, const char *label)
{
    char dir[] = "/tmp/kiosk-bench-XXXXXX", status[128], conf[128], cmd[1024];
    struct tmux t;
    FILE *f;
    int pid = -1;

    if (!mkdtemp(dir))
        return 1;
    snprintf(status, sizeof status, "%s/status", dir);
    snprintf(conf, sizeof conf, "%s/kiosk.conf", dir);
    if ((f = fopen(conf, "w"))) {
        fprintf(f, "[kiosk]\nidle_timeout = 3600\n%s", extra);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "env LC_ALL=C.UTF-8 %s --demo --config %s "
             "--status-file %s", bin, conf, status);
    tmux_start(&t, status, cmd);
    tmux_expect(&t, "attract", NULL);
    sleep(2); /* start-up (keys, first screen) is not idleness */
    pid = read_pid(status);
    if (pid > 0) {
        char what[96];
        snprintf(what, sizeof what, "%s, attract:", label);
        measure(what, pid);
        tmux_keys(&t, "F2");
        tmux_expect(&t, "menu", NULL);
        sleep(1);
        snprintf(what, sizeof what, "%s, menu, card in:", label);
        measure(what, pid);
    }
    tmux_stop(&t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    return pid > 0 ? 0 : 1;
}

int main(void)
{
    const char *bin = getenv("KIOSK_BIN");
    char abs[1024];

    if (!bin || !realpath(bin, abs))
        snprintf(abs, sizeof abs, "build/kiosk");
    printf("idle kiosk, %d s windows (kernel accounting)\n", WINDOW_S);
    if (run(abs, "languages = ja\n", "one language") != 0 ||
        run(abs, "", "all languages (greeting rotates)") != 0)
        return 1;
    return 0;
}
