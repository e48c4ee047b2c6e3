/*
 * flow_impl.h - inside the flow only: what flow.c and flow_auth.c (the
 * alternatives to the PIN and staff mode) share. The shell and the screens
 * use flow.h.
 */
#ifndef KIOSK_FLOW_IMPL_H
#define KIOSK_FLOW_IMPL_H

#include "kiosk/flow.h"

/* flow.c's own helpers (see there): change state, add an effect, end the
 * session, add a button, put the focus back on the screen's default. */
void flow_enter(struct flow *f, enum kstate s, int64_t now);
void flow_emit(struct flow *f, struct effects *fx, enum fx_kind k, int arg);
void flow_finish(struct flow *f, int64_t now, struct effects *fx);
int flow_add(struct button *b, int n, enum action act, int arg, int key);
void flow_reset_focus(struct flow *f);

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
