/*
 * loop.h - the one place the kiosk waits.
 *
 * One poll() over the terminal, the worker's answers and the signal pipe,
 * with a time-out that is the flow's next deadline or the clock's next
 * minute, whichever is first: an idle kiosk sleeps. Each wake-up turns
 * what arrived into events, steps the flow, carries out its effects and
 * redraws only when the view or the clock changed.
 */
#ifndef KIOSK_LOOP_H
#define KIOSK_LOOP_H

#include <stdbool.h>

#include "kiosk/flow.h"
#include "screens/screen.h"

struct worker;
struct simcard;

struct kiosk {
    struct flow flow;
    struct worker *worker;
    struct simcard *demo_card; /* the simulated card, in --demo */
    bool demo;
    bool bell;
    const char *status_path;   /* NULL: none */
    const char *kiosk_id;
    /* what is on the terminal now */
    struct view shown;
    struct ui_extra extra;
    struct hitmap hits;
    bool drawn;
    bool quit;
};

/* Run until asked to stop (a signal, the terminal gone, the demo's
 * Ctrl-C). The terminal must be set up (curses) by the caller. */
int loop_run(struct kiosk *k);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
