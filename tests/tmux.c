/*
 * tmux.c - see tmux.h.
 */
#include "tests/tmux.h"

#include "tests/test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_MS 15000

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

__attribute__((format(printf, 1, 2)))
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return system(cmd);
}

void tmux_start(struct tmux *t, const char *status_path, const char *cmd)
{
    static int n;

    memset(t, 0, sizeof *t);
    snprintf(t->sock, sizeof t->sock, "kiosk-tmux-%d-%d", (int)getpid(), n++);
    snprintf(t->status, sizeof t->status, "%s", status_path ? status_path : "");
    assert_int_equal(sh("LC_ALL=C.UTF-8 tmux -u -L %s -f /dev/null "
                        "new-session -d -x 80 -y 24 -s k '%s; sleep 60'",
                        t->sock, cmd), 0);
}

/* kill-server leaves the socket file behind: remove it too. */
void tmux_stop(struct tmux *t)
{
    char path[512] = "";
    const char *dir = getenv("TMUX_TMPDIR");

    if (!t->sock[0])
        return;
    snprintf(path, sizeof path, "%s/tmux-%d/%s", dir && *dir ? dir : "/tmp",
             (int)getuid(), t->sock);
    sh("tmux -L %s kill-server 2>/dev/null", t->sock);
    unlink(path);
    t->sock[0] = '\0';
}

void tmux_capture(struct tmux *t)
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

void tmux_keys(struct tmux *t, const char *keys)
{
    assert_int_equal(sh("tmux -L %s send-keys -t k %s", t->sock, keys), 0);
}

bool tmux_status_is(const struct tmux *t, const char *state)
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

void tmux_expect_within(struct tmux *t, const char *state, const char *text,
                        int ms)
{
    long long end = now_ms() + ms;
    do {
        tmux_capture(t);
        if ((!state || tmux_status_is(t, state)) &&
            (!text || strstr(t->screen, text)))
            return;
        sleep_ms(50);
    } while (now_ms() < end);
    print_message("--- screen ---\n%s--------------\n", t->screen);
    fail_msg("waited %d ms for state %s and text \"%s\"", ms,
             state ? state : "-", text ? text : "-");
}

void tmux_expect(struct tmux *t, const char *state, const char *text)
{
    tmux_expect_within(t, state, text, WAIT_MS);
}

void tmux_type_pin(struct tmux *t, const char *pin)
{
    char k[8];
    for (const char *p = pin; *p; p++) {
        snprintf(k, sizeof k, "%c", *p);
        tmux_keys(t, k);
    }
    tmux_keys(t, "Enter");
}
