/*
 * flow_impl.h - inside the flow only: what flow.c and flow_auth.c (the
 * alternatives to the PIN and staff mode) share. The shell and the screens
 * use flow.h.
 */
#ifndef KIOSK_FLOW_IMPL_H
#define KIOSK_FLOW_IMPL_H

#include "kiosk/flow.h"

/* flow.c's helpers, shared with flow_auth.c. */

/* The only place the state changes; sets the state's timers and focus.
 * Callers set the session data the new screen shows first. */
void flow_enter(struct flow *f, enum kstate s, int64_t now);
/* Add an effect for the current session (dropped past FX_MAX). */
void flow_emit(struct flow *f, struct effects *fx, enum fx_kind k, int arg);
/* Every end, cancel and time-out: wipe the session, then ask for the card
 * back (or greet the next person, or say the reader is gone). */
void flow_finish(struct flow *f, int64_t now, struct effects *fx);
/* b[n] = the button, if there is room; the new count. */
int flow_add(struct button *b, int n, enum action act, int arg, int key);
/* Focus back on the screen's default button. */
void flow_reset_focus(struct flow *f);
/* The card's PIN is locked (no tries left). */
bool flow_pin_locked(const struct flow *f);

/* A keypad's typing, for the PIN and the staff code alike: how many digits
 * are in the shell's buffer (never the digits themselves), how many fit,
 * the "last one was wrong" flag a new digit clears, and the effects that
 * add a digit to the buffer and take the last one out. */
struct keypad {
    int *len;
    int max;
    bool *wrong;
    enum fx_kind push, pop;
};
/* Digits 1..9 and 0 (keyed as printed), correction (Backspace), OK
 * (Enter) after b[0..n); the new count. */
int flow_keypad(struct button *b, int n);
/* ACT_DIGIT or ACT_CORRECT typed on keypad k: a digit added while there
 * is room, the last one taken out while there is one. True when b was
 * one of the two (OK is the caller's). */
bool flow_keypad_key(struct flow *f, const struct keypad *k,
                     const struct button *b, struct effects *fx);

/* A countdown to f->deadline on screen: the earlier of at (-1: none) and
 * the next moment its figure changes (each whole second before the end),
 * and the whole seconds it shows now (rounded up; 0 once passed). */
int64_t flow_countdown_wakeup(const struct flow *f, int64_t now, int64_t at);
int flow_countdown(const struct flow *f, int64_t now);

/* flow_auth.c: the buttons of auth-choice, face-check and staff mode. */
int auth_choice_buttons(const struct flow *f, struct button *b);
int face_buttons(const struct flow *f, struct button *b);
int staff_buttons(const struct flow *f, struct button *b);

/* A button offered on auth-choice, face-check or staff mode. */
void auth_on_action(struct flow *f, const struct button *b, int64_t now,
                    struct effects *fx);
/* EV_FACE_DONE, EV_STAFF_CODE_DONE, EV_COUNTS_DONE, EV_STAFF_CHORD. */
void auth_on_event(struct flow *f, const struct event *ev,
                   struct effects *fx);
/* Time passed: the face check's time-out, staff entry unlocking. True
 * when it changed the screen (the tick is used up). */
bool auth_on_tick(struct flow *f, int64_t now, struct effects *fx);
/* The session ends: stop the matcher, forget the code and the method. */
void auth_wipe(struct flow *f, struct effects *fx);
/* The earlier of at (-1: none) and the part's own next wake-up. */
int64_t auth_wakeup(const struct flow *f, int64_t now, int64_t at);
/* Fill v->auth, and the view's digit entry and countdown where ours. */
void auth_view(const struct flow *f, int64_t now, struct view *v);

#endif
