/*
 * flow.c - the kiosk's rules (flow.md) as a pure state machine.
 *
 * flow_step() handles the events that mean the same on every screen first
 * (the card leaving, the reader going away, a language change, stale
 * answers, time passing), then hands the rest to one small function per
 * state. enter() is the only place the state changes, so the timers that
 * belong to a state are set in one place too.
 */
#include "kiosk/flow.h"

#include <string.h>

static const char *const state_names[ST_COUNT] = {
    [ST_ATTRACT] = "attract",
    [ST_READING] = "reading",
    [ST_CARD_ERROR] = "card-error",
    [ST_MENU] = "menu",
    [ST_TERMS] = "terms",
    [ST_AUTH_CHOICE] = "auth-choice",
    [ST_PIN] = "pin",
    [ST_FACE_CHECK] = "face-check",
    [ST_CONFIRM] = "confirm",
    [ST_REGISTERING] = "registering",
    [ST_DONE] = "done",
    [ST_ALREADY_REGISTERED] = "already-registered",
    [ST_FAILED] = "failed",
    [ST_REMINDER] = "reminder",
    [ST_REMOVE_CARD] = "remove-card",
    [ST_OUT_OF_SERVICE] = "out-of-service",
    [ST_STAFF] = "staff",
    [ST_TIMEOUT_PROMPT] = "timeout-prompt",
};

const char *flow_state_name(enum kstate s)
{
    return (s >= 0 && s < ST_COUNT) ? state_names[s] : "unknown";
}

void flow_timing_default(struct flow_timing *t)
{
    t->idle = 60 * 1000;
    t->prompt = 30 * 1000;
    t->alarm = 30 * 1000;
    t->alarm_repeat = 5 * 1000;
}

void flow_init(struct flow *f, const struct flow_timing *t, enum lang lang,
               int64_t now)
{
    memset(f, 0, sizeof *f);
    f->t = *t;
    f->lang = lang;
    f->state = ST_ATTRACT;
    (void)now;
}

static void emit(struct flow *f, struct effects *fx, enum fx_kind k, int arg)
{
    if (fx->n < FX_MAX)
        fx->list[fx->n++] = (struct effect){ .kind = k, .arg = arg,
                                             .session = f->session };
}

/* States where a person is expected to act; silence there means they may
 * have walked away, so the time-out prompt comes. */
static bool waits_for_person(enum kstate s)
{
    switch (s) {
    case ST_MENU: case ST_TERMS: case ST_AUTH_CHOICE: case ST_PIN:
    case ST_CONFIRM: case ST_DONE: case ST_ALREADY_REGISTERED:
    case ST_FAILED: case ST_REMINDER:
        return true;
    default:
        return false;
    }
}

/* States that wait for the card to be taken out, ringing if it is not. */
static bool waits_for_card_out(enum kstate s)
{
    return s == ST_REMOVE_CARD || s == ST_CARD_ERROR;
}

static void reset_focus(struct flow *f);

/* The only place the state changes. Callers set the session data the new
 * screen shows before calling it. */
static void enter(struct flow *f, enum kstate s, int64_t now)
{
    f->state = s;
    reset_focus(f);
    f->alarm = false;
    f->silenced = false;
    f->idle_at = waits_for_person(s) ? now + f->t.idle : 0;
    if (waits_for_card_out(s))
        f->deadline = now + f->t.alarm;
    else if (s == ST_TIMEOUT_PROMPT)
        f->deadline = now + f->t.prompt;
    else
        f->deadline = 0;
}

/* Forget everything about the person: PIN, certificate, outcome. */
static void wipe(struct flow *f, struct effects *fx)
{
    emit(f, fx, FX_PIN_CLEAR, 0);
    emit(f, fx, FX_END_SESSION, 0);
    memset(&f->card, 0, sizeof f->card);
    f->pin_len = 0;
    f->pin_wrong = false;
    f->last_try_ack = false;
    f->busy = false;
    f->proven = false;
    f->reminder_from_menu = false;
}

/* Every end, cancel and time-out: wipe, then ask for the card back. The
 * failure stays, so card-error and failed can still say what went wrong
 * until the screen changes. */
static void finish(struct flow *f, int64_t now, struct effects *fx)
{
    wipe(f, fx);
    enter(f, f->card_in ? ST_REMOVE_CARD : ST_ATTRACT, now);
}

static bool pin_locked(const struct flow *f)
{
    return f->card.tries_left == 0;
}

static bool needs_last_try_ack(const struct flow *f)
{
    return f->card.tries_left == 1 && !f->last_try_ack;
}

/* ---- the buttons each state offers (shared by the view and focus) ---- */

static int add(struct button *b, int n, enum action act, int arg, int key)
{
    if (n < VIEW_MAX_BUTTONS)
        b[n++] = (struct button){ .act = act, .arg = arg, .key = key };
    return n;
}

static int pin_buttons(const struct flow *f, struct button *b)
{
    int n = 0;
    if (f->busy)
        return 0;
    if (needs_last_try_ack(f)) {
        n = add(b, n, ACT_TRY_ANYWAY, 0, '1');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    }
    for (int d = 1; d <= 10; d++)
        n = add(b, n, ACT_DIGIT, d % 10, '0' + d % 10);
    n = add(b, n, ACT_CORRECT, 0, KEY_CODE_BACKSPACE);
    n = add(b, n, ACT_PIN_OK, 0, KEY_CODE_ENTER);
    return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
}

static int state_buttons(const struct flow *f, struct button *b)
{
    int n = 0;
    switch (f->state) {
    case ST_ATTRACT:
        for (int l = 0; l < LANG_COUNT; l++)
            n = add(b, n, ACT_LANG, l, '1' + l);
        return n;
    case ST_MENU:
        n = add(b, n, ACT_REGISTER, 0, '1');
        n = add(b, n, ACT_CHECK_EXPIRY, 0, '2');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_TERMS:
        n = add(b, n, ACT_AGREE, 0, '1');
        n = add(b, n, ACT_BACK, 0, '2');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_AUTH_CHOICE:
        if (!pin_locked(f))
            n = add(b, n, ACT_USE_PIN, 0, '1');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_PIN:
        return pin_buttons(f, b);
    case ST_CONFIRM:
        n = add(b, n, ACT_CONFIRM, 0, '1');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_DONE: case ST_ALREADY_REGISTERED:
        n = add(b, n, ACT_CHECK_EXPIRY, 0, '1');
        return add(b, n, ACT_FINISH, 0, '2');
    case ST_FAILED:
        return add(b, n, ACT_FINISH, 0, '1');
    case ST_REMINDER:
        if (f->reminder_from_menu)
            n = add(b, n, ACT_BACK, 0, '1');
        return add(b, n, ACT_FINISH, 0, '2');
    case ST_READING:
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_REMOVE_CARD: case ST_CARD_ERROR:
        return f->alarm ? add(b, n, ACT_SILENCE, 0, '1') : 0;
    case ST_TIMEOUT_PROMPT:
        n = add(b, n, ACT_MORE_TIME, 0, '1');
        return add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    default:
        return 0;
    }
}

/* Every screen but attract also offers the other language. */
static int buttons(const struct flow *f, struct button *b)
{
    int n = state_buttons(f, b);
    if (f->state != ST_ATTRACT && f->state != ST_OUT_OF_SERVICE)
        n = add(b, n, ACT_LANG, f->lang == LANG_JA ? LANG_EN : LANG_JA, 'l');
    return n;
}

/* Focus starts on "OK" while typing a PIN, else on the first button. */
static void reset_focus(struct flow *f)
{
    struct button list[VIEW_MAX_BUTTONS];
    int n = buttons(f, list);
    f->focus = 0;
    for (int i = 0; i < n; i++)
        if (list[i].act == ACT_PIN_OK)
            f->focus = i;
}

/* ---- per-state handlers: an action pressed on that screen ---- */

static void on_reading(struct flow *f, const struct event *ev,
                       struct effects *fx)
{
    if (ev->kind != EV_READ_DONE)
        return;
    f->card = ev->u.card;
    switch (ev->u.card.outcome) {
    case READ_OK:
        if (f->card.rem.status >= CERT_GRACE)
            enter(f, ST_REMINDER, ev->now); /* expired: renew first */
        else
            enter(f, ST_MENU, ev->now);
        return;
    case READ_FOREIGN:
        f->failure = FAIL_FOREIGN;
        break;
    case READ_UNREADABLE: case READ_GONE:
        f->failure = FAIL_UNREADABLE;
        break;
    }
    wipe(f, fx);
    enter(f, ST_CARD_ERROR, ev->now);
}

static void on_menu(struct flow *f, enum action a, int64_t now)
{
    if (a == ACT_REGISTER)
        enter(f, f->card.registered ? ST_ALREADY_REGISTERED : ST_TERMS, now);
    else if (a == ACT_CHECK_EXPIRY) {
        f->reminder_from_menu = true;
        enter(f, ST_REMINDER, now);
    }
}

static void start_pin(struct flow *f, int64_t now, struct effects *fx)
{
    emit(f, fx, FX_PIN_CLEAR, 0);
    f->pin_len = 0;
    f->pin_wrong = false;
    enter(f, ST_PIN, now);
}

static void on_pin_action(struct flow *f, const struct button *b,
                          int64_t now, struct effects *fx)
{
    if (f->busy)
        return;
    if (needs_last_try_ack(f)) {
        if (b->act == ACT_TRY_ANYWAY) {
            f->last_try_ack = true;
            reset_focus(f);
        }
        return;
    }
    if (b->act == ACT_DIGIT && f->pin_len < PIN_DIGITS && b->arg >= 0 &&
        b->arg <= 9) {
        f->pin_len++;
        f->pin_wrong = false;
        emit(f, fx, FX_PIN_PUSH, b->arg);
    } else if (b->act == ACT_CORRECT && f->pin_len > 0) {
        f->pin_len--;
        emit(f, fx, FX_PIN_POP, 0);
    } else if (b->act == ACT_PIN_OK && f->pin_len == PIN_DIGITS) {
        f->busy = true;
        f->idle_at = 0; /* the card is working, not the person */
        emit(f, fx, FX_VERIFY_PIN, 0);
    }
    (void)now;
}

static void on_verified(struct flow *f, const struct event *ev,
                        struct effects *fx)
{
    f->busy = false;
    f->pin_len = 0;
    emit(f, fx, FX_PIN_CLEAR, 0);
    switch (ev->u.verify.outcome) {
    case VERIFY_OK:
        f->proven = true;
        f->card.tries_left = 3;
        enter(f, ST_CONFIRM, ev->now);
        return;
    case VERIFY_WRONG:
        f->card.tries_left = ev->u.verify.tries_left;
        f->pin_wrong = true;
        f->last_try_ack = false;
        enter(f, ST_PIN, ev->now);
        return;
    case VERIFY_LOCKED:
        f->card.tries_left = 0;
        enter(f, ST_AUTH_CHOICE, ev->now); /* says what to do now */
        return;
    case VERIFY_GONE: case VERIFY_ERROR:
        f->failure = FAIL_CARD;
        break;
    case VERIFY_REFUSED:
        f->failure = FAIL_UNTRUSTED;
        break;
    }
    enter(f, ST_FAILED, ev->now);
}

static void on_registered(struct flow *f, const struct event *ev)
{
    switch (ev->u.reg) {
    case REGISTER_DONE:
        f->card.registered = true;
        enter(f, ST_DONE, ev->now);
        break;
    case REGISTER_ALREADY:
        f->card.registered = true;
        enter(f, ST_ALREADY_REGISTERED, ev->now);
        break;
    case REGISTER_FAILED:
        f->failure = FAIL_RECORD;
        enter(f, ST_FAILED, ev->now);
        break;
    }
}

/* A button pressed; ACT_CANCEL is handled before this. */
static void on_action(struct flow *f, const struct button *b, int64_t now,
                      struct effects *fx)
{
    switch (f->state) {
    case ST_MENU:
        on_menu(f, b->act, now);
        break;
    case ST_TERMS:
        if (b->act == ACT_AGREE)
            enter(f, ST_AUTH_CHOICE, now);
        else if (b->act == ACT_BACK)
            enter(f, ST_MENU, now);
        break;
    case ST_AUTH_CHOICE:
        if (b->act == ACT_USE_PIN && !pin_locked(f))
            start_pin(f, now, fx);
        break;
    case ST_PIN:
        on_pin_action(f, b, now, fx);
        break;
    case ST_CONFIRM:
        if (b->act == ACT_CONFIRM && f->proven) {
            enter(f, ST_REGISTERING, now);
            emit(f, fx, FX_REGISTER, 0);
        }
        break;
    case ST_DONE: case ST_ALREADY_REGISTERED: case ST_REMINDER:
    case ST_FAILED:
        if (b->act == ACT_CHECK_EXPIRY && f->state != ST_REMINDER &&
            f->state != ST_FAILED)
            enter(f, ST_REMINDER, now);
        else if (b->act == ACT_BACK && f->state == ST_REMINDER &&
                 f->reminder_from_menu)
            enter(f, ST_MENU, now);
        else if (b->act == ACT_FINISH)
            finish(f, now, fx);
        break;
    case ST_TIMEOUT_PROMPT:
        if (b->act == ACT_MORE_TIME)
            enter(f, f->resume, now);
        break;
    default:
        break;
    }
}

/* Cancel is one key away on every screen and always safe. */
static bool cancel_allowed(enum kstate s)
{
    /* Attract and out-of-service have nothing to cancel; a registration
     * being written is a second long and must not be left half-known. */
    return s != ST_ATTRACT && s != ST_OUT_OF_SERVICE && s != ST_REGISTERING &&
           s != ST_REMOVE_CARD && s != ST_CARD_ERROR;
}

static void on_tick(struct flow *f, int64_t now, struct effects *fx)
{
    if (f->idle_at && now >= f->idle_at && !f->busy) {
        f->resume = f->state;
        enter(f, ST_TIMEOUT_PROMPT, now);
        return;
    }
    if (!f->deadline || now < f->deadline)
        return;
    if (f->state == ST_TIMEOUT_PROMPT) {
        f->failure = FAIL_NONE;
        finish(f, now, fx);
    } else if (waits_for_card_out(f->state)) {
        if (!f->silenced) {
            f->alarm = true;
            emit(f, fx, FX_BELL, 0);
        }
        f->deadline = now + f->t.alarm_repeat;
    }
}

/* The person did something: they are still there. */
static void on_presence(struct flow *f, int64_t now)
{
    if (f->idle_at)
        f->idle_at = now + f->t.idle;
    if (waits_for_card_out(f->state) && f->alarm) {
        f->alarm = false;
        f->silenced = true;
    }
}

static void on_card_in(struct flow *f, int64_t now, struct effects *fx)
{
    f->card_in = true;
    if (f->state != ST_ATTRACT)
        return;
    f->session++;
    f->failure = FAIL_NONE;
    enter(f, ST_READING, now);
    emit(f, fx, FX_READ_CARD, 0);
}

/* Events that mean the same whatever the screen. True when handled. */
static bool on_any_state(struct flow *f, const struct event *ev,
                         struct effects *fx)
{
    switch (ev->kind) {
    case EV_CARD_IN:
        on_card_in(f, ev->now, fx);
        return true;
    case EV_CARD_OUT:
        f->card_in = false;
        if (f->state != ST_ATTRACT && f->state != ST_OUT_OF_SERVICE) {
            wipe(f, fx);
            f->failure = FAIL_NONE;
            enter(f, ST_ATTRACT, ev->now);
        }
        return true;
    case EV_READER_DOWN:
        if (f->card_in || f->state != ST_ATTRACT)
            wipe(f, fx);
        f->card_in = false;
        enter(f, ST_OUT_OF_SERVICE, ev->now);
        return true;
    case EV_READER_UP:
        if (f->state == ST_OUT_OF_SERVICE)
            enter(f, ST_ATTRACT, ev->now);
        return true;
    case EV_TICK:
        on_tick(f, ev->now, fx);
        return true;
    case EV_READ_DONE: case EV_VERIFY_DONE: case EV_REGISTER_DONE:
        return ev->session != f->session; /* stale: a card since gone */
    default:
        return false;
    }
}

static bool offered(const struct flow *f, const struct button *b)
{
    struct button list[VIEW_MAX_BUTTONS];
    int n = buttons(f, list);
    for (int i = 0; i < n; i++)
        if (list[i].act == b->act && list[i].arg == b->arg)
            return true;
    return false;
}

static void on_button(struct flow *f, const struct button *b, int64_t now,
                      struct effects *fx)
{
    /* Only what the screen offers: a stray key or click does nothing. */
    if (b->act == ACT_CANCEL) {
        if (cancel_allowed(f->state)) {
            f->failure = FAIL_NONE;
            finish(f, now, fx);
        }
        return;
    }
    if (!offered(f, b))
        return;
    if (b->act == ACT_LANG) {
        f->lang = (enum lang)b->arg;
        emit(f, fx, FX_SET_LANG, b->arg);
    } else if (b->act == ACT_SILENCE) {
        f->alarm = false;
        f->silenced = true;
    } else {
        on_action(f, b, now, fx);
    }
}

static void move_focus(struct flow *f, int delta)
{
    struct button list[VIEW_MAX_BUTTONS];
    int n = buttons(f, list);
    if (n > 0)
        f->focus = ((f->focus + delta) % n + n) % n;
}

void flow_step(struct flow *f, const struct event *ev, struct effects *fx)
{
    fx->n = 0;
    if (on_any_state(f, ev, fx))
        return;
    switch (ev->kind) {
    case EV_ACTION:
        on_presence(f, ev->now);
        on_button(f, &ev->u.button, ev->now, fx);
        break;
    case EV_FOCUS:
        on_presence(f, ev->now);
        move_focus(f, ev->u.delta);
        break;
    case EV_ACTIVITY:
        on_presence(f, ev->now);
        if (f->state == ST_TIMEOUT_PROMPT)
            enter(f, f->resume, ev->now);
        break;
    case EV_READ_DONE:
        if (f->state == ST_READING)
            on_reading(f, ev, fx);
        break;
    case EV_VERIFY_DONE:
        if (f->state == ST_PIN && f->busy)
            on_verified(f, ev, fx);
        break;
    case EV_REGISTER_DONE:
        if (f->state == ST_REGISTERING)
            on_registered(f, ev);
        break;
    default:
        break;
    }
}

int64_t flow_wakeup(const struct flow *f, int64_t now)
{
    int64_t at = -1;
    if (f->idle_at && !f->busy)
        at = f->idle_at;
    if (f->deadline && (at < 0 || f->deadline < at))
        at = f->deadline;
    if (f->state == ST_TIMEOUT_PROMPT && f->deadline > now) {
        /* The countdown changes at each whole second before the end. */
        int64_t left = f->deadline - now;
        int64_t next = f->deadline - ((left - 1) / 1000) * 1000;
        if (next > now && next < at)
            at = next;
    }
    return at;
}

void flow_view(const struct flow *f, int64_t now, struct view *v)
{
    memset(v, 0, sizeof *v);
    v->state = f->state;
    v->lang = f->lang;
    v->nbuttons = buttons(f, v->buttons);
    v->focus = v->nbuttons ? f->focus % v->nbuttons : 0;
    v->digit_entry = f->state == ST_PIN && !f->busy && !needs_last_try_ack(f);
    v->pin_len = f->pin_len;
    v->tries_left = f->card.tries_left;
    v->pin_wrong = f->pin_wrong;
    v->last_try = f->card.tries_left == 1;
    v->locked = f->card_in && f->card.outcome == READ_OK && pin_locked(f) &&
                f->state != ST_READING;
    v->busy = f->busy;
    v->registered = f->card.registered;
    v->has_card = f->card_in && f->card.outcome == READ_OK &&
                  f->state != ST_READING && f->state != ST_CARD_ERROR;
    v->rem = f->card.rem;
    v->failure = f->failure;
    if (f->state == ST_TIMEOUT_PROMPT && f->deadline > now)
        v->countdown = (int)((f->deadline - now + 999) / 1000);
    v->alarm = f->alarm;
}
