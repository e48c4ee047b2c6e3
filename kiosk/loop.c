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
#include "kiosk/jst.h"
#include "kiosk/matcher.h"
#include "kiosk/pinbuf.h"
#include "kiosk/printer.h"
#include "kiosk/receipt.h"
#include "kiosk/speak.h"
#include "kiosk/staffcode.h"
#include "kiosk/status.h"
#include "kiosk/visit.h"
#include "kiosk/worker.h"
#include "reader/pcsc.h"
#include "reader/simcard.h"


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
    static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGXCPU };

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

/* The receipt for this session (or staff's test) as ESC/POS, to the
 * printer thread; its answer comes back as EV_PRINT_DONE. */
static void print_receipt(struct kiosk *k, const struct effect *e)
{
    const struct flow *f = &k->flow;
    struct receipt r = {
        .kind = (enum receipt_kind)e->arg,
        .when = time(NULL),
        .kiosk_id = k->kiosk_id,
        .has_cert = f->card_in && f->card.outcome == READ_OK,
        .rem = f->card.rem,
        .url = k->url[f->state == ST_REMINDER ? URL_CARD : URL_PORTAL],
    };
    uint8_t *bytes = NULL;
    size_t n = 0;

    if (!k->printer)
        return;
    if (r.kind == RECEIPT_TEST)
        r.has_cert = false;
    if (receipt_escpos(&r, &bytes, &n) != 0)
        bytes = NULL; /* answered PRINT_FAILED */
    printer_submit(k->printer, bytes, n, e->session);
}

static void apply(struct kiosk *k, const struct effect *e)
{
    switch (e->kind) {
    case FX_READ_CARD: case FX_VERIFY_PIN: case FX_REGISTER:
    case FX_END_SESSION: case FX_CHECK_STAFF: case FX_STAFF_COUNTS:
    case FX_COUNT_FAILURE:
        worker_submit_arg(k->worker, e->kind, e->arg, e->session);
        break;
    case FX_FACE_START:
        matcher_start(k->matcher, e->session, e->arg,
                      lang_code(k->flow.lang), loop_now_ms());
        break;
    case FX_FACE_STOP: matcher_stop(k->matcher); break;
    case FX_CODE_PUSH: staffcode_push(e->arg); break;
    case FX_CODE_POP: staffcode_pop(); break;
    case FX_CODE_CLEAR: staffcode_clear(); break;
    case FX_QUIT: k->quit = true; break; /* staff left the kiosk */
    case FX_PIN_PUSH: pinbuf_push(e->arg); break;
    case FX_PIN_POP: pinbuf_pop(); break;
    case FX_PIN_CLEAR: pinbuf_clear(); break;
    case FX_BELL:
        if (k->bell)
            beep();
        break;
    case FX_SET_LANG: i18n_set_lang((enum lang)e->arg); break;
    case FX_PRINT: print_receipt(k, e); break;
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
    explicit_bzero(&fx, sizeof fx); /* a PIN digit may have passed here */
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
    if (COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_LINES) {
        /* Nothing the person cannot see may be pressed: only Esc. */
        v.nbuttons = 0;
        v.digit_entry = false;
    }
    switch (input_translate(&v, &k->hits, key, &c, k->demo, &ev)) {
    case IN_EVENT:
        dispatch(k, &ev);
        explicit_bzero(&ev, sizeof ev); /* it may have carried a digit */
        break;
    case IN_DEMO_CARD: toggle_demo_card(k); break;
    case IN_QUIT: /* the demo's Ctrl-C; nothing in kiosk mode */
        if (!k->kiosk_mode)
            k->quit = true;
        break;
    case IN_DEMO_FACE:
        if (matcher_demo_answer(k->matcher,
                                (enum face_outcome)ev.u.button.arg, &ev))
            dispatch(k, &ev);
        break;
    case IN_REDRAW: k->drawn = false; break;
    case IN_NOTHING: break;
    }
}

static void drain_keys(struct kiosk *k)
{
    int key;
    while (!k->quit && (key = wgetch(stdscr)) != ERR) {
        visit_input(k->visit, loop_now_ms());
        handle_key(k, key);
    }
}

static void drain_worker(struct kiosk *k)
{
    struct event ev;
    /* Keys typed while the card worked were already taken against the
     * old screen by drain_keys(), which runs first in every turn. */
    while (worker_read_event(k->worker, &ev))
        dispatch(k, &ev);
}

static void drain_printer(struct kiosk *k)
{
    struct event ev;

    while (k->printer && printer_read_event(k->printer, &ev))
        dispatch(k, &ev);
}

/* Cards and readers coming and going, as the flow's events. */
static void drain_reader(struct kiosk *k)
{
    static const enum ev_kind kinds[] = {
        [PCSC_READER_DOWN] = EV_READER_DOWN,
        [PCSC_READER_UP] = EV_READER_UP,
        [PCSC_CARD_IN] = EV_CARD_IN,
        [PCSC_CARD_OUT] = EV_CARD_OUT,
    };
    enum pcsc_event pe;

    while (k->reader && pcsc_read_event(k->reader, &pe)) {
        struct event ev = { .kind = kinds[pe] };
        dispatch(k, &ev);
    }
}

static void drain_signals(struct kiosk *k)
{
    unsigned char c;
    while (read(sig_pipe[0], &c, 1) == 1)
        k->quit = true;
}

static void clock_text(char *buf, size_t len)
{
    struct tm tm;
    jst_tm(time(NULL), &tm);
    snprintf(buf, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

/* Give the speech hook the screen's words when the screen says something
 * new: not for focus moves, digits typed, the countdown's seconds or the
 * attract screen's rotating greeting. */
static void speak_screen(struct kiosk *k, const struct view *v)
{
    struct view said = *v;

    if (!k->speaker)
        return;
    said.focus = 0;
    said.pin_len = 0;
    said.countdown = 0;
    said.greet = 0;
    if (memcmp(&said, &k->spoken, sizeof said) == 0)
        return;
    k->spoken = said;
    speak_say(k->speaker, k->hits.words, lang_code(v->lang));
}

/* Draw only when something a person could see has changed. */
static void render(struct kiosk *k)
{
    struct view v;
    struct ui_extra x;

    /* Zeroed whole, padding too: it is compared with memcmp below. */
    memset(&x, 0, sizeof x);
    x.demo = k->demo;
    flow_view(&k->flow, loop_now_ms(), &v);
    x.demo_card_in = k->demo_card && simcard_present(k->demo_card);
    clock_text(x.clock, sizeof x.clock);
    x.countdown = visit_countdown(k->visit, loop_now_ms());
    x.demo_matcher = matcher_is_demo(k->matcher);
    x.demo_staff = k->demo_staff_code;
    memcpy(x.url, k->url, sizeof x.url);
    if (k->drawn && memcmp(&v, &k->shown, sizeof v) == 0 &&
        memcmp(&x, &k->extra, sizeof x) == 0)
        return;
    erase();
    memset(&k->hits, 0, sizeof k->hits);
    screens_draw(&v, &x, &k->hits);
    refresh();
    speak_screen(k, &v);
    k->shown = v;
    k->extra = x;
    k->drawn = true;
}

/* The shorter of ms and the time until deadline (-1: none). */
static int64_t sooner(int64_t ms, int64_t deadline, int64_t now)
{
    return deadline >= 0 && deadline - now < ms ? deadline - now : ms;
}

/* Sleep until the flow's next deadline or the clock's next minute. */
static int poll_timeout(const struct kiosk *k, int64_t now)
{
    int64_t ms = 60000 - (int64_t)(time(NULL) % 60) * 1000; /* the clock */

    ms = sooner(ms, flow_wakeup(&k->flow, now), now);
    ms = sooner(ms, visit_wakeup(k->visit, now), now);
    ms = sooner(ms, matcher_deadline(k->matcher), now);
    return ms < 0 ? 0 : (int)ms;
}

/* The face matcher's answer, death or time-out, as EV_FACE_DONE. */
static void drain_matcher(struct kiosk *k)
{
    struct event ev;

    if (matcher_poll(k->matcher, loop_now_ms(), &ev))
        dispatch(k, &ev);
}

/* Kiosk mode: nothing a person types ends or suspends the program. Raw
 * mode already makes Ctrl-C, Ctrl-Z and Ctrl-\ keys, not signals; this
 * holds should the terminal ever leave raw mode. SIGTERM and SIGHUP still
 * end it cleanly (the service manager, a lost terminal). */
static void ignore_keyboard_signals(void)
{
    static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_IGN);
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
    if (k->kiosk_mode)
        ignore_keyboard_signals();
    write_status(k);
    while (!k->quit) {
        struct pollfd p[6] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = worker_fd(k->worker), .events = POLLIN },
            { .fd = sig_pipe[0], .events = POLLIN },
            { .fd = k->reader ? pcsc_fd(k->reader) : -1, .events = POLLIN },
            { .fd = printer_fd(k->printer), .events = POLLIN },
            { .fd = matcher_fd(k->matcher), .events = POLLIN },
        };
        render(k);
        if (poll(p, 6, poll_timeout(k, loop_now_ms())) < 0 && errno != EINTR)
            return -1;
        if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            k->quit = true; /* the terminal is gone: a dropped SSH link */
        drain_signals(k);
        drain_keys(k);
        drain_reader(k);
        drain_worker(k);
        drain_printer(k);
        drain_matcher(k);
        tick_if_due(k);
        if (visit_over(k->visit, loop_now_ms()))
            k->quit = true;
    }
    return 0;
}
