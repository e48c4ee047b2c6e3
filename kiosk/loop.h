/*
 * loop.h - the one place the kiosk waits.
 *
 * One poll() over the terminal, the worker's answers, the card readers'
 * events (reader/pcsc.h) and the signal pipe, with a time-out that is the
 * flow's next deadline or the clock's next minute, whichever is first: an
 * idle kiosk sleeps. Each wake-up turns what arrived into events, steps
 * the flow, carries out its effects and redraws only when the view or the
 * clock changed.
 */
#ifndef KIOSK_LOOP_H
#define KIOSK_LOOP_H

#include <stdbool.h>

#include "kiosk/flow.h"
#include "screens/screen.h"

struct worker;
struct simcard;
struct pcsc;
struct visit;
struct speaker;
struct matcher;
struct printer;

struct kiosk {
    struct flow flow;
    struct worker *worker;
    struct simcard *demo_card; /* the simulated card, in --demo */
    struct pcsc *reader;       /* the card readers; NULL in --demo */
    bool demo;
    bool kiosk_mode;           /* no key ends the program (default but in
                                  --demo); staff mode's "leave" does */
    struct matcher *matcher;   /* the face check's matcher; NULL: none */
    bool demo_staff_code;      /* --demo's built-in staff code is in use */
    bool bell;
    const char *status_path;   /* NULL: none */
    const char *kiosk_id;
    struct visit *visit;       /* --public: the visitor's time limits */
    struct speaker *speaker;   /* [a11y] speak; NULL: none */
    struct view spoken;        /* what was last given to the speaker */
    struct printer *printer;   /* [printer] device; NULL: none */
    const char *url[URL_COUNT];/* [urls]: where the QR codes send phones */
    /* what is on the terminal now */
    struct view shown;
    struct ui_extra extra;
    struct hitmap hits;
    bool drawn;
    bool quit;
};

/* Run until asked to stop (SIGTERM or SIGHUP, the terminal gone, staff
 * leaving the kiosk, and outside kiosk mode the demo's Ctrl-C or Ctrl-\).
 * The terminal must be set up (curses) by the caller. */
int loop_run(struct kiosk *k);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

#endif
