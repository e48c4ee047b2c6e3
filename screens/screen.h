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
#define SCREEN_WORDS_MAX 4096
/* What a draw left behind besides the picture: where each button landed,
 * the screen's words for the speech hook (title, paragraphs and buttons,
 * one a line; never the PIN, which no screen draws), and whether some
 * text did not fit. */
struct hitmap {
    int n;
    struct hit {
        int y, x, h, w;
        struct button b;
    } hit[HITMAP_MAX];
    char words[SCREEN_WORDS_MAX];
    bool overflow;
};

/* Where the QR codes send phones: [urls] of the configuration. */
enum url_kind { URL_PORTAL, URL_CARD, URL_INSURANCE, URL_COUNT };

/* Facts of the shell's that the footer and header show. */
struct ui_extra {
    const char *url[URL_COUNT]; /* NULL: that QR code is not shown */
    bool demo;         /* demo mode: footer says PIN 1234 and how to insert */
    bool demo_card_in; /* the simulated card is in the reader */
    char clock[8];     /* "HH:MM", Japan time */
    int countdown;     /* public demo: seconds left in its last minute, 0: none */
    bool demo_matcher; /* the face check is the demo's: answers by key */
    bool demo_staff;   /* the demo's built-in staff code (STAFF_DEMO_CODE) */
};

/* Draw the whole screen for v on stdscr (the caller refreshes), and record
 * the buttons' places in *hits. */
void screens_draw(const struct view *v, const struct ui_extra *x,
                  struct hitmap *hits);

/* The button drawn at row y, column x, or NULL. */
const struct button *hitmap_find(const struct hitmap *h, int y, int x);

/* Set up colours and attributes once after initscr(). */
void screens_init(void);

/* How the screens look: colour (the default), high contrast (bright text
 * on black, focus in yellow), or monochrome (NO_COLOR, or a terminal
 * without colour). Every theme shows focus, warnings and the PIN masks by
 * bold, underline, reverse video and the focus marks "> <", never by
 * colour alone. Call before screens_init(). */
enum screen_theme { THEME_COLOUR, THEME_HIGH_CONTRAST, THEME_MONO };
void screens_set_theme(enum screen_theme t);

#endif
