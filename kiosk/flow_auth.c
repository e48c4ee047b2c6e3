/*
 * flow_auth.c - the flow's rules for the alternatives to the PIN and for
 * staff mode (flow.md: auth-choice, face-check, staff). Pure, like the
 * rest of the flow: events in, effects out, no clock of its own.
 *
 * auth-choice offers what [auth] methods allows and this person can still
 * use: the PIN unless it is locked, the face check until
 * AUTH_FACE_ATTEMPTS checks have failed, the staff check. With nothing
 * left, it shows the locked-PIN guidance (or, where the PIN is not
 * offered, what else the person can do).
 *
 * A face check starts the external matcher (FX_FACE_START, answered by
 * EV_FACE_DONE) against the flow's own deadline, so the countdown on the
 * screen and the time-out are one clock. Every way out of a running check
 * (cancel, time-out, the card pulled, any end of the session) kills the
 * matcher (FX_FACE_STOP); an answer for an older check is dropped. No PIN
 * is ever involved: no FX_PIN_* or FX_VERIFY_PIN comes from here.
 *
 * Staff codes are typed into their own buffer (FX_CODE_*), never the
 * PIN's, and checked by the worker (FX_CHECK_STAFF). AUTH_STAFF_TRIES wrong
 * codes in a row lock staff entry, for visual checks and staff mode
 * alike, for t.staff_lock; the lock outlives sessions.
 */
#include "kiosk/flow_impl.h"

#include <string.h>

/* Whether auth-choice offers method m to this person now. */
static bool offers(const struct flow *f, enum auth_method m)
{
    if (!(f->auth.methods & AUTH_BIT(m)))
        return false;
    switch (m) {
    case AUTH_PIN: return !flow_pin_locked(f);
    case AUTH_FACE: return f->auth.face_fails < AUTH_FACE_ATTEMPTS;
    default: return true;
    }
}

void flow_set_methods(struct flow *f, unsigned methods)
{
    methods &= AUTH_ALL;
    f->auth.methods = methods ? methods : AUTH_BIT(AUTH_PIN);
    if (f->state == ST_AUTH_CHOICE)
        flow_reset_focus(f);
}

void flow_set_staff_lock(struct flow *f, int64_t until, int64_t now)
{
    if (until <= now)
        return;
    f->auth.locked = true;
    f->auth.locked_until = until;
    f->auth.code_fails = 0;
}

/* The staff-code keypad is up: no lock, no check under way. */
static bool code_entry(const struct flow *f)
{
    const struct auth_state *a = &f->auth;

    if (a->locked || a->code_checking)
        return false;
    return (f->state == ST_FACE_CHECK && a->face_mode == FACE_STAFF_CODE) ||
           (f->state == ST_STAFF && a->staff_mode == STAFF_CODE);
}

/* ---- buttons ---- */

int auth_choice_buttons(const struct flow *f, struct button *b)
{
    static const enum action act[AUTH_METHODS] = {
        [AUTH_PIN] = ACT_USE_PIN,
        [AUTH_FACE] = ACT_USE_FACE,
        [AUTH_STAFF] = ACT_USE_STAFF,
    };
    int n = 0;

    for (int m = 0; m < AUTH_METHODS; m++)
        if (offers(f, (enum auth_method)m))
            n = flow_add(b, n, act[m], 0, '1' + n);
    return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
}

/* Digits, correction and OK, as on the PIN screen; OK sends the code. */
static int code_buttons(const struct flow *f, struct button *b, int n)
{
    return code_entry(f) ? flow_keypad(b, n) : n;
}

int face_buttons(const struct flow *f, struct button *b)
{
    int n = 0;

    switch (f->auth.face_mode) {
    case FACE_MATCHING:
        break;
    case FACE_FAILED:
        if (f->auth.face_fails < AUTH_FACE_ATTEMPTS)
            n = flow_add(b, n, ACT_FACE_RETRY, 0, '1');
        n = flow_add(b, n, ACT_OTHER_WAY, 0, '1' + n);
        break;
    case FACE_STAFF_CODE:
        n = code_buttons(f, b, n);
        if (f->auth.locked) /* no staff now: the person may choose again */
            n = flow_add(b, n, ACT_OTHER_WAY, 0, '1');
        break;
    case FACE_STAFF_LOOK:
        n = flow_add(b, n, ACT_SAME_PERSON, 0, '1');
        n = flow_add(b, n, ACT_NOT_SAME, 0, '2');
        break;
    }
    return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
}

int staff_buttons(const struct flow *f, struct button *b)
{
    int n = 0, key = '1';

    switch (f->auth.staff_mode) {
    case STAFF_CODE:
        n = code_buttons(f, b, n);
        break;
    case STAFF_MENU:
        /* Keys stay put while a test receipt prints. */
        if (f->printer && !f->printing)
            n = flow_add(b, n, ACT_TEST_PRINT, 0, key);
        key += f->printer;
        if (f->nlangs > 1)
            n = flow_add(b, n, ACT_HOME_LANG, 0, key++);
        n = flow_add(b, n, ACT_LEAVE, 0, key);
        break;
    case STAFF_LEAVE:
        n = flow_add(b, n, ACT_LEAVE_YES, 0, '1');
        n = flow_add(b, n, ACT_BACK, 0, '2');
        break;
    }
    return flow_add(b, n, ACT_STAFF_DONE, 0, KEY_CODE_ESC);
}

/* ---- the face check ---- */

static void start_face(struct flow *f, int64_t now, struct effects *fx)
{
    struct auth_state *a = &f->auth;

    a->face_attempt++;
    a->face_mode = FACE_MATCHING;
    a->face_running = true;
    f->busy = true; /* the matcher is at work: no picker, no idle prompt */
    flow_enter(f, ST_FACE_CHECK, now);
    f->idle_at = 0;
    f->deadline = now + f->t.face;
    flow_emit(f, fx, FX_FACE_START, a->face_attempt);
}

static void stop_running(struct flow *f)
{
    f->auth.face_running = false;
    f->busy = false;
    f->deadline = 0;
}

/* No match, an error or the time-out: counted in the ledger (nothing
 * personal: the method and the time) and against this person's tries. */
static void face_failed(struct flow *f, enum face_outcome o, int64_t now,
                        struct effects *fx)
{
    struct auth_state *a = &f->auth;

    a->face_fails++;
    a->face_last = o == FACE_NO_MATCH || o == FACE_TIMEOUT ? o : FACE_ERROR;
    a->face_mode = FACE_FAILED;
    flow_emit(f, fx, FX_COUNT_FAILURE, AUTH_FACE);
    flow_emit(f, fx, FX_BELL, 0);
    flow_enter(f, ST_FACE_CHECK, now);
}

static void on_face_done(struct flow *f, const struct event *ev,
                         struct effects *fx)
{
    struct auth_state *a = &f->auth;

    if (f->state != ST_FACE_CHECK || !a->face_running ||
        ev->u.face.attempt != a->face_attempt)
        return; /* an older check's, or one that was stopped */
    stop_running(f);
    if (ev->u.face.outcome == FACE_MATCH) {
        a->method = AUTH_FACE;
        a->checked = true;
        flow_enter(f, ST_CONFIRM, ev->now);
        return;
    }
    face_failed(f, ev->u.face.outcome, ev->now, fx);
}

/* ---- staff codes ---- */

/* The code keypad, for a visual check (on face-check) or staff mode. */
static void start_code(struct flow *f, enum kstate s, int64_t now,
                       struct effects *fx)
{
    struct auth_state *a = &f->auth;

    a->code_len = 0;
    a->code_wrong = false;
    a->code_checking = false;
    if (s == ST_STAFF) {
        a->staff_mode = STAFF_CODE;
        a->counts_ok = false;
    } else {
        a->face_mode = FACE_STAFF_CODE;
    }
    flow_emit(f, fx, FX_CODE_CLEAR, 0);
    flow_enter(f, s, now);
}

static void on_code_key(struct flow *f, const struct button *b,
                        struct effects *fx)
{
    struct auth_state *a = &f->auth;
    const struct keypad code_pad = { &a->code_len, AUTH_CODE_MAX,
                                     &a->code_wrong, FX_CODE_PUSH,
                                     FX_CODE_POP };

    if (!code_entry(f) || flow_keypad_key(f, &code_pad, b, fx))
        return;
    if (b->act == ACT_PIN_OK && a->code_len >= AUTH_CODE_MIN) {
        a->code_checking = true;
        f->busy = true;
        f->idle_at = 0; /* the worker is checking, not the person */
        flow_emit(f, fx, FX_CHECK_STAFF, 0);
        flow_reset_focus(f);
    } else if (b->act == ACT_PIN_OK) {
        flow_emit(f, fx, FX_BELL, 0); /* too short: the screen says so */
    }
}

static void code_wrong(struct flow *f, int64_t now, struct effects *fx)
{
    struct auth_state *a = &f->auth;

    a->code_wrong = true;
    flow_emit(f, fx, FX_BELL, 0);
    if (++a->code_fails >= AUTH_STAFF_TRIES) {
        a->locked = true;
        a->locked_until = now + f->t.staff_lock;
        a->code_fails = 0;
    }
    flow_enter(f, f->state, now);
}

static void on_code_done(struct flow *f, const struct event *ev,
                         struct effects *fx)
{
    struct auth_state *a = &f->auth;
    bool staff_mode = f->state == ST_STAFF && a->staff_mode == STAFF_CODE;
    bool visual = f->state == ST_FACE_CHECK && a->face_mode == FACE_STAFF_CODE;

    if (!a->code_checking || !(staff_mode || visual))
        return;
    a->code_checking = false;
    a->code_len = 0;
    f->busy = false;
    flow_emit(f, fx, FX_CODE_CLEAR, 0);
    if (!ev->u.staff.ok) {
        code_wrong(f, ev->now, fx);
        return;
    }
    a->code_fails = 0;
    a->code_wrong = false;
    size_t n = strnlen(ev->u.staff.id, AUTH_ID_MAX);
    memcpy(a->staff_id, ev->u.staff.id, n);
    a->staff_id[n] = '\0';
    if (staff_mode) {
        a->staff_mode = STAFF_MENU;
        a->counts_ok = false;
        flow_emit(f, fx, FX_STAFF_COUNTS, 0);
    } else {
        a->face_mode = FACE_STAFF_LOOK;
    }
    flow_enter(f, f->state, ev->now);
}

/* ---- staff mode ---- */

/* Staff pick the language each new person starts in, among those offered. */
static void next_home_lang(struct flow *f)
{
    int i = 0;

    while (i < f->nlangs && f->langs[i] != f->home_lang)
        i++;
    if (f->nlangs > 0)
        f->home_lang = f->langs[(i + 1) % f->nlangs];
}

static void on_staff_action(struct flow *f, const struct button *b,
                            int64_t now, struct effects *fx)
{
    struct auth_state *a = &f->auth;

    switch (b->act) {
    case ACT_TEST_PRINT:
        f->printing = true;
        f->print_answered = false;
        flow_emit(f, fx, FX_PRINT, RECEIPT_TEST);
        flow_reset_focus(f);
        break;
    case ACT_HOME_LANG:
        next_home_lang(f);
        break;
    case ACT_LEAVE: case ACT_BACK:
        a->staff_mode = b->act == ACT_LEAVE ? STAFF_LEAVE : STAFF_MENU;
        flow_reset_focus(f);
        break;
    case ACT_LEAVE_YES:
        flow_emit(f, fx, FX_QUIT, 0);
        break;
    case ACT_STAFF_DONE:
        flow_finish(f, now, fx);
        break;
    default:
        break;
    }
}

/* ---- the flow's entry points ---- */

void auth_on_action(struct flow *f, const struct button *b, int64_t now,
                    struct effects *fx)
{
    switch (b->act) {
    case ACT_USE_FACE: case ACT_FACE_RETRY:
        if (offers(f, AUTH_FACE))
            start_face(f, now, fx);
        break;
    case ACT_USE_STAFF:
        if (offers(f, AUTH_STAFF))
            start_code(f, ST_FACE_CHECK, now, fx);
        break;
    case ACT_OTHER_WAY:
        flow_enter(f, ST_AUTH_CHOICE, now);
        break;
    case ACT_DIGIT: case ACT_CORRECT: case ACT_PIN_OK:
        on_code_key(f, b, fx);
        break;
    case ACT_SAME_PERSON:
        f->auth.method = AUTH_STAFF;
        f->auth.checked = true;
        flow_enter(f, ST_CONFIRM, now);
        break;
    case ACT_NOT_SAME:
        flow_emit(f, fx, FX_COUNT_FAILURE, AUTH_STAFF);
        flow_finish(f, now, fx);
        break;
    default:
        if (f->state == ST_STAFF)
            on_staff_action(f, b, now, fx);
        break;
    }
}

void auth_on_event(struct flow *f, const struct event *ev,
                   struct effects *fx)
{
    switch (ev->kind) {
    case EV_FACE_DONE:
        on_face_done(f, ev, fx);
        break;
    case EV_STAFF_CODE_DONE:
        on_code_done(f, ev, fx);
        break;
    case EV_COUNTS_DONE:
        if (f->state == ST_STAFF && f->auth.staff_mode != STAFF_CODE) {
            f->auth.counts = ev->u.counts;
            f->auth.counts_ok = true;
        }
        break;
    case EV_STAFF_CHORD:
        /* Only between people: never over someone's session. */
        if (f->state == ST_ATTRACT || f->state == ST_OUT_OF_SERVICE)
            start_code(f, ST_STAFF, ev->now, fx);
        break;
    default:
        break;
    }
}

bool auth_on_tick(struct flow *f, int64_t now, struct effects *fx)
{
    struct auth_state *a = &f->auth;

    if (a->locked && now >= a->locked_until) {
        a->locked = false;
        a->code_fails = 0;
        flow_reset_focus(f);
    }
    if (f->state == ST_FACE_CHECK && a->face_running && f->deadline &&
        now >= f->deadline) {
        flow_emit(f, fx, FX_FACE_STOP, 0);
        stop_running(f);
        face_failed(f, FACE_TIMEOUT, now, fx);
        return true;
    }
    return false;
}

void auth_wipe(struct flow *f, struct effects *fx)
{
    struct auth_state *a = &f->auth;

    if (a->face_running)
        flow_emit(f, fx, FX_FACE_STOP, 0);
    if (a->code_len > 0 || a->code_checking)
        flow_emit(f, fx, FX_CODE_CLEAR, 0);
    a->method = AUTH_PIN;
    a->checked = false;
    a->face_mode = FACE_MATCHING;
    a->face_attempt = 0;
    a->face_fails = 0;
    a->face_last = FACE_MATCH;
    a->face_running = false;
    a->code_len = 0;
    a->code_checking = false;
    a->code_wrong = false;
    memset(a->staff_id, 0, sizeof a->staff_id);
    a->staff_mode = STAFF_CODE;
    a->counts_ok = false;
    memset(&a->counts, 0, sizeof a->counts);
}

int64_t auth_wakeup(const struct flow *f, int64_t now, int64_t at)
{
    if (f->auth.locked && (at < 0 || f->auth.locked_until < at))
        at = f->auth.locked_until;
    if (f->state == ST_FACE_CHECK && f->auth.face_running)
        at = flow_countdown_wakeup(f, now, at);
    return at;
}

void auth_view(const struct flow *f, int64_t now, struct view *v)
{
    const struct auth_state *a = &f->auth;
    struct auth_view *w = &v->auth;

    w->method = a->method;
    w->pin_offered = (a->methods & AUTH_BIT(AUTH_PIN)) != 0;
    w->alternatives = offers(f, AUTH_FACE) || offers(f, AUTH_STAFF);
    w->face_mode = a->face_mode;
    w->face_last = a->face_last;
    w->face_left = a->face_fails < AUTH_FACE_ATTEMPTS
                       ? AUTH_FACE_ATTEMPTS - a->face_fails : 0;
    w->staff_mode = a->staff_mode;
    w->code_len = a->code_len;
    w->code_checking = a->code_checking;
    w->code_wrong = a->code_wrong;
    w->code_tries_left = AUTH_STAFF_TRIES - a->code_fails;
    if (a->locked) {
        int64_t left = a->locked_until - now;

        w->locked_minutes = left > 0 ? (int)((left + 59999) / 60000) : 1;
    }
    memcpy(w->staff_id, a->staff_id, sizeof w->staff_id);
    w->reader_down = a->reader_down;
    w->counts_ok = a->counts_ok;
    w->counts = a->counts;
    w->home_lang = f->home_lang;
    w->printer = f->printer;
    if (code_entry(f))
        v->digit_entry = true;
    if (f->state == ST_FACE_CHECK && a->face_running)
        v->countdown = flow_countdown(f, now);
}
