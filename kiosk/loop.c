/*
 * loop.c - see loop.h.
 */
#include "kiosk/loop.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/input.h"
#include "kiosk/pinbuf.h"
#include "kiosk/status.h"
#include "kiosk/worker.h"
#include "reader/simcard.h"

#define JST_OFFSET (9 * 3600)

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* nothing to do in a handler; the pipe is non-blocking */
    }
    errno = saved;
}

static int catch_signals(void)
{
    struct sigaction sa;
    static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_status(struct kiosk *k)
{
    if (k->status_path &&
        status_write(k->status_path, flow_state_name(k->flow.state),
                     time(NULL), k->kiosk_id) != 0)
        k->status_path = NULL; /* reported once at start-up; stop trying */
}

static void apply(struct kiosk *k, const struct effect *e)
{
    switch (e->kind) {
    case FX_READ_CARD: case FX_VERIFY_PIN: case FX_REGISTER:
    case FX_END_SESSION:
        worker_submit(k->worker, e->kind, e->session);
        break;
    case FX_PIN_PUSH: pinbuf_push(e->arg); break;
    case FX_PIN_POP: pinbuf_pop(); break;
    case FX_PIN_CLEAR: pinbuf_clear(); break;
    case FX_BELL:
        if (k->bell)
            beep();
        break;
    case FX_SET_LANG: i18n_set_lang((enum lang)e->arg); break;
    }
}

static void dispatch(struct kiosk *k, struct event *ev)
{
    enum kstate before = k->flow.state;
    struct effects fx;

    ev->now = loop_now_ms();
    flow_step(&k->flow, ev, &fx);
    for (int i = 0; i < fx.n; i++)
        apply(k, &fx.list[i]);
    if (k->flow.state != before)
        write_status(k);
}

static void toggle_demo_card(struct kiosk *k)
{
    bool in;
    struct event ev = { 0 };

    if (!k->demo_card)
        return;
    in = !simcard_present(k->demo_card);
    simcard_set_present(k->demo_card, in);
    ev.kind = in ? EV_CARD_IN : EV_CARD_OUT;
    dispatch(k, &ev);
}

static void read_click(struct click *c)
{
    MEVENT me;
    memset(c, 0, sizeof *c);
    if (getmouse(&me) == OK) {
        c->pressed = (me.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) != 0;
        c->y = me.y;
        c->x = me.x;
    }
}

static void handle_key(struct kiosk *k, int key)
{
    struct click c = { 0 };
    struct event ev;
    struct view v;

    if (key == KEY_MOUSE)
        read_click(&c);
    flow_view(&k->flow, loop_now_ms(), &v);
    switch (input_translate(&v, &k->hits, key, &c, k->demo, &ev)) {
    case IN_EVENT: dispatch(k, &ev); break;
    case IN_DEMO_CARD: toggle_demo_card(k); break;
    case IN_QUIT: k->quit = true; break;
    case IN_REDRAW: k->drawn = false; break;
    case IN_NOTHING: break;
    }
}

static void drain_keys(struct kiosk *k)
{
    int key;
    while (!k->quit && (key = wgetch(stdscr)) != ERR)
        handle_key(k, key);
}

static void drain_worker(struct kiosk *k)
{
    struct event ev;
    while (worker_read_event(k->worker, &ev))
        dispatch(k, &ev);
}

static void drain_signals(struct kiosk *k)
{
    unsigned char c;
    while (read(sig_pipe[0], &c, 1) == 1)
        k->quit = true;
}

static void clock_text(char *buf, size_t len)
{
    time_t t = time(NULL) + JST_OFFSET;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* Draw only when something a person could see has changed. */
static void render(struct kiosk *k)
{
    struct view v;
    struct ui_extra x = { .demo = k->demo };

    flow_view(&k->flow, loop_now_ms(), &v);
    x.demo_card_in = k->demo_card && simcard_present(k->demo_card);
    clock_text(x.clock, sizeof x.clock);
    if (k->drawn && memcmp(&v, &k->shown, sizeof v) == 0 &&
        memcmp(&x, &k->extra, sizeof x) == 0)
        return;
    erase();
    memset(&k->hits, 0, sizeof k->hits);
    screens_draw(&v, &x, &k->hits);
    refresh();
    k->shown = v;
    k->extra = x;
    k->drawn = true;
}

/* Sleep until the flow's next deadline or the clock's next minute. */
static int poll_timeout(const struct kiosk *k, int64_t now)
{
    int64_t wake = flow_wakeup(&k->flow, now);
    int64_t minute = 60000 - (int64_t)(time(NULL) % 60) * 1000;
    int64_t ms = minute;

    if (wake >= 0 && wake - now < ms)
        ms = wake - now;
    return ms < 0 ? 0 : (int)ms;
}

static void tick_if_due(struct kiosk *k)
{
    int64_t now = loop_now_ms();
    int64_t wake = flow_wakeup(&k->flow, now);
    if (wake >= 0 && wake <= now) {
        struct event ev = { .kind = EV_TICK };
        dispatch(k, &ev);
    }
}

int loop_run(struct kiosk *k)
{
    if (catch_signals() != 0)
        return -1;
    write_status(k);
    while (!k->quit) {
        struct pollfd p[3] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = worker_fd(k->worker), .events = POLLIN },
            { .fd = sig_pipe[0], .events = POLLIN },
        };
        render(k);
        if (poll(p, 3, poll_timeout(k, loop_now_ms())) < 0 && errno != EINTR)
            return -1;
        if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            k->quit = true; /* the terminal is gone: a dropped SSH link */
        drain_signals(k);
        drain_keys(k);
        drain_worker(k);
        tick_if_due(k);
    }
    return 0;
}
