/*
 * input.h - keys, clicks and taps become the flow's events in this one
 * place. A number key, Enter on the focused button and a click on it give
 * the same EV_ACTION, so no screen has its own idea of what a key means.
 */
#ifndef KIOSK_INPUT_H
#define KIOSK_INPUT_H

#include <stdbool.h>

#include "kiosk/flow.h"
#include "screens/screen.h"

enum input_kind {
    IN_EVENT,     /* *ev is an event for the flow */
    IN_DEMO_CARD, /* insert or remove the demo card */
    IN_QUIT,      /* the demo's Ctrl-C (the loop ignores it in kiosk mode) */
    IN_DEMO_FACE, /* demo: the simulated matcher's answer, in
                     ev->u.button.arg (enum face_outcome) */
    IN_REDRAW,    /* the terminal changed size */
    IN_NOTHING,
};

/* What a mouse report said, already decoded from ncurses. */
struct click {
    bool pressed; /* button 1 pressed or clicked */
    int y, x;
};

/* Translate one key (an ncurses key code; KEY_MOUSE comes with *click)
 * for the screen described by v and the buttons drawn in hits. */
enum input_kind input_translate(const struct view *v, const struct hitmap *hits,
                                int key, const struct click *click, bool demo,
                                struct event *ev);

/* --demo's simulated face matcher: the key that answers `o` ('m' match,
 * 'n' no match, 'e' error; a time-out is waited for), 0 for none. */
int input_demo_face_key(enum face_outcome o);

#endif
