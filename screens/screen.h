/*
 * screen.h - the screens: each draws one state's view, nothing else.
 *
 * A screen reads the view the flow produced and the few facts of the
 * shell's (demo mode, clock); it never calls the card, the ledger or the
 * clock. While drawing it records where each button landed, so that a
 * mouse click or a tap can be turned into the same event as its key.
 */
#ifndef SCREENS_SCREEN_H
#define SCREENS_SCREEN_H

#include <stdbool.h>

#include "kiosk/flow.h"

/* Minimum terminal size; below it the "please enlarge" screen shows. */
#define SCREEN_MIN_COLS 80
#define SCREEN_MIN_LINES 24

#define HITMAP_MAX 32
struct hitmap {
    int n;
    struct hit {
        int y, x, h, w;
        struct button b;
    } hit[HITMAP_MAX];
};

/* Facts of the shell's that the footer and header show. */
struct ui_extra {
    bool demo;         /* demo mode: footer says PIN 1234 and how to insert */
    bool demo_card_in; /* the simulated card is in the reader */
    char clock[8];     /* "HH:MM", Japan time */
};

/* Draw the whole screen for v on stdscr (the caller refreshes), and record
 * the buttons' places in *hits. */
void screens_draw(const struct view *v, const struct ui_extra *x,
                  struct hitmap *hits);

/* The button drawn at row y, column x, or NULL. */
const struct button *hitmap_find(const struct hitmap *h, int y, int x);

/* Set up colours and attributes once after initscr(). */
void screens_init(void);

#endif
