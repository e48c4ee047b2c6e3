/*
 * flow.c - the kiosk's rules (flow.md) as a pure state machine.
 *
 * flow_step() handles the events that mean the same on every screen first
 * (the card leaving, the reader going away, a language change, stale
 * answers, time passing), then hands the rest to one small function per
 * state. flow_enter() is the only place the state changes, so the timers
 * that belong to a state are set in one place too. The alternatives to the PIN
 * (face check, staff check) and staff mode are flow_auth.c, through the
 * hooks of flow_impl.h.
 */
#include "kiosk/flow.h"

#include <string.h>

#include "kiosk/flow_impl.h"

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
    [ST_LANGUAGE] = "language",
    [ST_INFO] = "info",
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
    t->greet = 5 * 1000;
    t->face = 20 * 1000;
    t->staff_lock = 5 * 60 * 1000;
}

void flow_init(struct flow *f, const struct flow_timing *t, enum lang lang,
               int64_t now)
{
    memset(f, 0, sizeof *f);
    f->t = *t;
    f->lang = lang;
    f->home_lang = lang;
    f->state = ST_ATTRACT;
    for (int l = 0; l < LANG_COUNT; l++)
        f->langs[l] = (enum lang)l;
    f->nlangs = LANG_COUNT;
    f->deadline = f->t.greet > 0 ? now + f->t.greet : 0;
    f->auth.methods = AUTH_BIT(AUTH_PIN);
}

void flow_emit(struct flow *f, struct effects *fx, enum fx_kind k, int arg)
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
    case ST_FAILED: case ST_REMINDER: case ST_LANGUAGE: case ST_INFO:
    case ST_FACE_CHECK: case ST_STAFF:
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

/* The only place the state changes. Callers set the session data the new
 * screen shows before calling it. */
void flow_enter(struct flow *f, enum kstate s, int64_t now)
{
    f->state = s;
    flow_reset_focus(f);
    f->alarm = false;
    f->silenced = false;
    f->idle_at = waits_for_person(s) ? now + f->t.idle : 0;
    if (waits_for_card_out(s))
        f->deadline = now + f->t.alarm;
    else if (s == ST_TIMEOUT_PROMPT)
        f->deadline = now + f->t.prompt;
    else if (s == ST_ATTRACT && f->nlangs > 1 && f->t.greet > 0)
        f->deadline = now + f->t.greet; /* the next language's greeting */
    else
        f->deadline = 0;
}

/* Forget everything about the person: PIN, certificate, outcome. */
static void wipe(struct flow *f, struct effects *fx)
{
    flow_emit(f, fx, FX_PIN_CLEAR, 0);
    flow_emit(f, fx, FX_END_SESSION, 0);
    memset(&f->card, 0, sizeof f->card);
    f->pin_len = 0;
    f->pin_wrong = false;
    f->last_try_ack = false;
    f->busy = false;
    f->proven = false;
    f->reminder_from_menu = false;
    f->page = 0;
    f->registered_now = false;
    f->printing = false;
    f->printed = false;
    f->print_answered = false;
    auth_wipe(f, fx);
}

/* The next person is greeted in the kiosk's own language again. */
static void restore_lang(struct flow *f, struct effects *fx)
{
    if (f->lang != f->home_lang) {
        f->lang = f->home_lang;
        flow_emit(f, fx, FX_SET_LANG, (int)f->lang);
    }
}

/* Every end, cancel and time-out: wipe, then ask for the card back. The
 * failure stays, so card-error and failed can still say what went wrong
 * until the screen changes. */
void flow_finish(struct flow *f, int64_t now, struct effects *fx)
{
    wipe(f, fx);
    if (!f->card_in)
        restore_lang(f, fx);
    flow_enter(f, f->card_in ? ST_REMOVE_CARD
                             : f->auth.reader_down ? ST_OUT_OF_SERVICE
                                                   : ST_ATTRACT,
               now);
}

bool flow_pin_locked(const struct flow *f)
{
    return f->card.tries_left == 0;
}

static bool needs_last_try_ack(const struct flow *f)
{
    return f->card.tries_left == 1 && !f->last_try_ack;
}

/* ---- the buttons each state offers (shared by the view and focus) ---- */

int flow_add(struct button *b, int n, enum action act, int arg, int key)
{
    if (n < VIEW_MAX_BUTTONS)
        b[n++] = (struct button){ .act = act, .arg = arg, .key = key };
    return n;
}

int flow_keypad(struct button *b, int n)
{
    for (int d = 1; d <= 10; d++)
        n = flow_add(b, n, ACT_DIGIT, d % 10, '0' + d % 10);
    n = flow_add(b, n, ACT_CORRECT, 0, KEY_CODE_BACKSPACE);
    return flow_add(b, n, ACT_PIN_OK, 0, KEY_CODE_ENTER);
}

bool flow_keypad_key(struct flow *f, const struct keypad *k,
                     const struct button *b, struct effects *fx)
{
    if (b->act == ACT_DIGIT) {
        if (*k->len < k->max && b->arg >= 0 && b->arg <= 9) {
            ++*k->len;
            *k->wrong = false;
            flow_emit(f, fx, k->push, b->arg);
        }
        return true;
    }
    if (b->act == ACT_CORRECT) {
        if (*k->len > 0) {
            --*k->len;
            flow_emit(f, fx, k->pop, 0);
        }
        return true;
    }
    return false;
}

static int pin_buttons(const struct flow *f, struct button *b)
{
    int n = 0;
    if (f->busy)
        return 0;
    if (needs_last_try_ack(f)) {
        n = flow_add(b, n, ACT_TRY_ANYWAY, 0, '1');
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    }
    n = flow_keypad(b, n);
    return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
}

/* The offered languages, keyed 1..9 and 0 in order; any after the tenth
 * are pressed by touch or by focus and Enter. None when only one. */
static int lang_buttons(const struct flow *f, struct button *b, int n)
{
    for (int i = 0; i < f->nlangs && f->nlangs > 1; i++)
        n = flow_add(b, n, ACT_LANG, f->langs[i],
                     i < 9 ? '1' + i : i == 9 ? '0' : 0);
    return n;
}

/* Pages of text, then one with a QR code: how many each screen has.
 * Every topic ends with its QR code but the help line, a phone number;
 * what マイナ保険証 brings takes a page of its own. */
static int pages(const struct flow *f)
{
    static const int topic_pages[TOPIC_COUNT] = {
        [TOPIC_WHAT] = 3, [TOPIC_REGISTER] = 2, [TOPIC_SMARTPHONE] = 2,
        [TOPIC_EXPIRY] = 2, [TOPIC_LOST] = 2, [TOPIC_HELP] = 1,
    };

    switch (f->state) {
    case ST_INFO:
        return f->topic >= 0 && f->topic < TOPIC_COUNT ? topic_pages[f->topic]
                                                       : 1;
    case ST_DONE: case ST_ALREADY_REGISTERED:
        return 2; /* what now; the QR code to マイナポータル */
    case ST_REMINDER:
        return 3; /* the certificate; the card itself; the QR code */
    default:
        return 1;
    }
}

/* Previous and next page (keys 3 and 4), where there are pages; the
 * next one says when it is the QR code. */
static int page_buttons(const struct flow *f, struct button *b, int n)
{
    int last = pages(f) - 1;

    if (f->page > 0)
        n = flow_add(b, n, ACT_PREV, 0, '3');
    if (f->page < last)
        n = flow_add(b, n, ACT_NEXT, f->page + 1 == last, '4');
    return n;
}

/* The list of topics (keys 1..6), or a topic with its way back and its
 * pages; Esc leaves the information screens. */
static int info_buttons(const struct flow *f, struct button *b)
{
    int n = 0;

    if (f->topic < 0) {
        for (int t = 0; t < TOPIC_COUNT; t++)
            n = flow_add(b, n, ACT_TOPIC, t, '1' + t);
    } else {
        n = flow_add(b, n, ACT_TOPICS, 0, '1');
        n = page_buttons(f, b, n);
    }
    return flow_add(b, n, ACT_FINISH, 0, KEY_CODE_ESC);
}

/* The outcome and reminder screens: their pages, and a receipt where a
 * printer is set up (once it came out, not again: one per person). */
static int qr_print_buttons(const struct flow *f, struct button *b, int n)
{
    n = page_buttons(f, b, n);
    if (f->printer && !f->printing && !f->printed)
        n = flow_add(b, n, ACT_PRINT, 0, '5');
    return n;
}

static int state_buttons(const struct flow *f, struct button *b)
{
    int n = 0;
    switch (f->state) {
    case ST_ATTRACT:
        n = lang_buttons(f, b, n);
        return flow_add(b, n, ACT_INFO, 0, 'i');
    case ST_INFO:
        return info_buttons(f, b);
    case ST_LANGUAGE:
        n = lang_buttons(f, b, n);
        return flow_add(b, n, ACT_CLOSE, 0, KEY_CODE_ESC);
    case ST_MENU:
        n = flow_add(b, n, ACT_REGISTER, 0, '1');
        n = flow_add(b, n, ACT_CHECK_EXPIRY, 0, '2');
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_TERMS:
        n = flow_add(b, n, ACT_AGREE, 0, '1');
        n = flow_add(b, n, ACT_BACK, 0, '2');
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_AUTH_CHOICE:
        return auth_choice_buttons(f, b);
    case ST_FACE_CHECK:
        return face_buttons(f, b);
    case ST_STAFF:
        return staff_buttons(f, b);
    case ST_PIN:
        return pin_buttons(f, b);
    case ST_CONFIRM:
        n = flow_add(b, n, ACT_CONFIRM, 0, '1');
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_DONE: case ST_ALREADY_REGISTERED:
        n = flow_add(b, n, ACT_CHECK_EXPIRY, 0, '1');
        n = flow_add(b, n, ACT_FINISH, 0, '2');
        return qr_print_buttons(f, b, n);
    case ST_FAILED:
        return flow_add(b, n, ACT_FINISH, 0, '1');
    case ST_REMINDER:
        if (f->reminder_from_menu)
            n = flow_add(b, n, ACT_BACK, 0, '1');
        n = flow_add(b, n, ACT_FINISH, 0, '2');
        return qr_print_buttons(f, b, n);
    case ST_READING:
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    case ST_REMOVE_CARD: case ST_CARD_ERROR:
        return f->alarm ? flow_add(b, n, ACT_SILENCE, 0, '1') : 0;
    case ST_TIMEOUT_PROMPT:
        n = flow_add(b, n, ACT_MORE_TIME, 0, '1');
        return flow_add(b, n, ACT_CANCEL, 0, KEY_CODE_ESC);
    default:
        return 0;
    }
}

/* Where the "Language" button opens the picker: every screen where a
 * person reads and chooses. Not where a card job is out (its answer must
 * find its own screen), not on attract (the list is its content), nor on
 * the time-out prompt (any key there means "I am here"). */
static bool offers_picker(const struct flow *f)
{
    if (f->nlangs < 2 || f->busy)
        return false;
    switch (f->state) {
    case ST_ATTRACT: case ST_OUT_OF_SERVICE: case ST_LANGUAGE:
    case ST_READING: case ST_REGISTERING: case ST_TIMEOUT_PROMPT:
        return false;
    default:
        return true;
    }
}

static int buttons(const struct flow *f, struct button *b)
{
    int n = state_buttons(f, b);
    if (offers_picker(f))
        n = flow_add(b, n, ACT_LANGUAGES, 0, 'l');
    return n;
}

/* Focus starts on "OK" while typing a PIN, on "cancel" before a last
 * try, on the language in use in the picker, else on the first button. */
void flow_reset_focus(struct flow *f)
{
    struct button list[VIEW_MAX_BUTTONS];
    int n = buttons(f, list);
    f->focus = 0;
    for (int i = 0; i < n; i++)
        if (list[i].act == ACT_PIN_OK ||
            /* one try left: a stray Enter must not send it */
            (list[i].act == ACT_CANCEL && f->state == ST_PIN &&
             needs_last_try_ack(f)) ||
            (f->state == ST_LANGUAGE && list[i].act == ACT_LANG &&
             list[i].arg == (int)f->lang))
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
            flow_enter(f, ST_REMINDER, ev->now); /* expired: renew first */
        else
            flow_enter(f, ST_MENU, ev->now);
        return;
    case READ_FOREIGN:
        f->failure = FAIL_FOREIGN;
        break;
    case READ_UNREADABLE: case READ_GONE:
        f->failure = FAIL_UNREADABLE;
        break;
    }
    flow_emit(f, fx, FX_BELL, 0);
    wipe(f, fx);
    flow_enter(f, ST_CARD_ERROR, ev->now);
}

static void on_menu(struct flow *f, enum action a, int64_t now)
{
    if (a == ACT_REGISTER)
        flow_enter(f, f->card.registered ? ST_ALREADY_REGISTERED : ST_TERMS,
                   now);
    else if (a == ACT_CHECK_EXPIRY) {
        f->reminder_from_menu = true;
        flow_enter(f, ST_REMINDER, now);
    }
}

static void start_pin(struct flow *f, int64_t now, struct effects *fx)
{
    flow_emit(f, fx, FX_PIN_CLEAR, 0);
    f->pin_len = 0;
    f->pin_wrong = false;
    flow_enter(f, ST_PIN, now);
}

static void on_pin_action(struct flow *f, const struct button *b,
                          int64_t now, struct effects *fx)
{
    const struct keypad pin_pad = { &f->pin_len, PIN_DIGITS, &f->pin_wrong,
                                    FX_PIN_PUSH, FX_PIN_POP };

    if (f->busy)
        return;
    if (needs_last_try_ack(f)) {
        if (b->act == ACT_TRY_ANYWAY) {
            f->last_try_ack = true;
            flow_reset_focus(f);
        }
        return;
    }
    if (flow_keypad_key(f, &pin_pad, b, fx))
        return;
    if (b->act == ACT_PIN_OK && f->pin_len == PIN_DIGITS) {
        f->busy = true;
        f->idle_at = 0; /* the card is working, not the person */
        flow_emit(f, fx, FX_VERIFY_PIN, 0);
    } else if (b->act == ACT_PIN_OK) {
        flow_emit(f, fx, FX_BELL, 0); /* not 4 digits yet: the screen says */
    }
    (void)now;
}

static void on_verified(struct flow *f, const struct event *ev,
                        struct effects *fx)
{
    f->busy = false;
    f->pin_len = 0;
    flow_emit(f, fx, FX_PIN_CLEAR, 0);
    switch (ev->u.verify.outcome) {
    case VERIFY_OK:
        f->proven = true;
        f->auth.method = AUTH_PIN;
        f->card.tries_left = 3;
        flow_enter(f, ST_CONFIRM, ev->now);
        return;
    case VERIFY_WRONG:
        flow_emit(f, fx, FX_BELL, 0);
        f->card.tries_left = ev->u.verify.tries_left;
        f->pin_wrong = true;
        f->last_try_ack = false;
        flow_enter(f, ST_PIN, ev->now);
        return;
    case VERIFY_LOCKED:
        flow_emit(f, fx, FX_BELL, 0);
        f->card.tries_left = 0;
        flow_enter(f, ST_AUTH_CHOICE, ev->now); /* says what to do now */
        return;
    case VERIFY_GONE: case VERIFY_ERROR:
        f->failure = FAIL_CARD;
        break;
    case VERIFY_REFUSED:
        f->failure = FAIL_UNTRUSTED;
        break;
    }
    flow_emit(f, fx, FX_BELL, 0);
    flow_enter(f, ST_FAILED, ev->now);
}

static void on_registered(struct flow *f, const struct event *ev,
                          struct effects *fx)
{
    switch (ev->u.reg) {
    case REGISTER_DONE:
        f->card.registered = true;
        f->registered_now = true;
        flow_enter(f, ST_DONE, ev->now);
        break;
    case REGISTER_ALREADY:
        f->card.registered = true;
        flow_enter(f, ST_ALREADY_REGISTERED, ev->now);
        break;
    case REGISTER_FAILED:
        flow_emit(f, fx, FX_BELL, 0);
        f->failure = FAIL_RECORD;
        flow_enter(f, ST_FAILED, ev->now);
        break;
    }
}

/* To another screen, on its first page. How a print ended was said on
 * the screen it was asked from; the next one does not repeat it (one
 * still printing is still said, and its end, wherever the person is). */
static void go(struct flow *f, enum kstate s, int64_t now)
{
    f->page = 0;
    f->print_answered = false;
    flow_enter(f, s, now);
}

/* The receipt tells what this session did. */
static enum receipt_kind receipt_for(const struct flow *f)
{
    if (f->registered_now)
        return RECEIPT_REGISTERED;
    return f->card.registered ? RECEIPT_ALREADY : RECEIPT_REMINDER;
}

/* Pages and the receipt, on the screens that offer them (the buttons
 * decide where; on_button lets only offered ones through). True when
 * handled. */
static bool on_qr_print(struct flow *f, enum action a, struct effects *fx)
{
    switch (a) {
    case ACT_NEXT: case ACT_PREV:
        f->page += a == ACT_NEXT ? 1 : -1;
        flow_reset_focus(f);
        return true;
    case ACT_PRINT:
        f->printing = true;
        f->print_answered = false;
        flow_emit(f, fx, FX_PRINT, receipt_for(f));
        flow_reset_focus(f);
        return true;
    default:
        return false;
    }
}

static void on_info(struct flow *f, const struct button *b, int64_t now,
                    struct effects *fx)
{
    if (b->act == ACT_TOPIC) {
        f->topic = b->arg;
        go(f, ST_INFO, now);
    } else if (b->act == ACT_TOPICS) {
        f->topic = -1;
        go(f, ST_INFO, now);
    } else if (b->act == ACT_FINISH) {
        flow_finish(f, now, fx);
    }
}

static void on_printed(struct flow *f, const struct event *ev)
{
    f->printing = false;
    f->print_answered = true;
    f->print_result = ev->u.print;
    f->printed = ev->u.print == PRINT_OK;
    flow_reset_focus(f);
}

/* A button pressed; ACT_CANCEL is handled before this. */
static void on_action(struct flow *f, const struct button *b, int64_t now,
                      struct effects *fx)
{
    if (on_qr_print(f, b->act, fx))
        return;
    switch (f->state) {
    case ST_ATTRACT:
        if (b->act == ACT_INFO) {
            f->topic = -1;
            go(f, ST_INFO, now);
        }
        break;
    case ST_INFO:
        on_info(f, b, now, fx);
        break;
    case ST_MENU:
        on_menu(f, b->act, now);
        break;
    case ST_TERMS:
        if (b->act == ACT_AGREE)
            flow_enter(f, ST_AUTH_CHOICE, now);
        else if (b->act == ACT_BACK)
            flow_enter(f, ST_MENU, now);
        break;
    case ST_AUTH_CHOICE:
        if (b->act == ACT_USE_PIN) /* offered only while not locked */
            start_pin(f, now, fx);
        else
            auth_on_action(f, b, now, fx);
        break;
    case ST_FACE_CHECK: case ST_STAFF:
        auth_on_action(f, b, now, fx);
        break;
    case ST_PIN:
        on_pin_action(f, b, now, fx);
        break;
    case ST_CONFIRM:
        if (b->act == ACT_CONFIRM && (f->proven || f->auth.checked)) {
            flow_enter(f, ST_REGISTERING, now);
            flow_emit(f, fx, FX_REGISTER,
                      f->proven ? AUTH_PIN : f->auth.method);
        }
        break;
    case ST_DONE: case ST_ALREADY_REGISTERED: case ST_REMINDER:
    case ST_FAILED:
        /* state_buttons() offers each only where it belongs: the expiry
         * on the outcomes, back on a reminder opened from the menu. */
        if (b->act == ACT_CHECK_EXPIRY)
            go(f, ST_REMINDER, now);
        else if (b->act == ACT_BACK)
            go(f, ST_MENU, now);
        else if (b->act == ACT_FINISH)
            flow_finish(f, now, fx);
        break;
    case ST_TIMEOUT_PROMPT:
        if (b->act == ACT_MORE_TIME)
            flow_enter(f, f->resume, now);
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

/* Back from the picker to the screen it was opened on. */
static void close_picker(struct flow *f, int64_t now)
{
    flow_enter(f, f->lang_from, now);
}

static void on_tick(struct flow *f, int64_t now, struct effects *fx)
{
    if (f->state == ST_LANGUAGE && f->idle_at && now >= f->idle_at &&
        !waits_for_person(f->lang_from)) {
        close_picker(f, now); /* nobody's session to ask about */
        return;
    }
    if (auth_on_tick(f, now, fx))
        return;
    if (f->idle_at && now >= f->idle_at && !f->busy) {
        f->resume = f->state;
        flow_enter(f, ST_TIMEOUT_PROMPT, now);
        return;
    }
    if (!f->deadline || now < f->deadline)
        return;
    if (f->state == ST_TIMEOUT_PROMPT) {
        f->failure = FAIL_NONE;
        flow_finish(f, now, fx);
    } else if (f->state == ST_ATTRACT) {
        f->greet = f->nlangs > 0 ? (f->greet + 1) % f->nlangs : 0;
        f->deadline = now + f->t.greet;
    } else if (waits_for_card_out(f->state)) {
        if (!f->silenced) {
            f->alarm = true;
            flow_emit(f, fx, FX_BELL, 0);
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
    bool was_in = f->card_in;

    f->card_in = true;
    /* Between people (attract, the information screens, or the language
     * picker or time-out prompt over them) a card starts a session. */
    if (was_in || (f->state != ST_ATTRACT && f->state != ST_INFO &&
                   f->state != ST_LANGUAGE && f->state != ST_TIMEOUT_PROMPT))
        return;
    f->session++;
    f->failure = FAIL_NONE;
    f->page = 0; /* the information screens' page is not the card's */
    flow_enter(f, ST_READING, now);
    flow_emit(f, fx, FX_READ_CARD, 0);
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
        if (f->state != ST_ATTRACT && f->state != ST_OUT_OF_SERVICE &&
            f->state != ST_STAFF) { /* staff mode is nobody's session */
            wipe(f, fx);
            restore_lang(f, fx);
            f->failure = FAIL_NONE;
            flow_enter(f, ST_ATTRACT, ev->now);
        }
        return true;
    case EV_READER_DOWN:
        f->auth.reader_down = true;
        if (f->state == ST_STAFF) { /* staff see it there, and stay */
            f->card_in = false;
            return true;
        }
        if (f->card_in || f->state != ST_ATTRACT)
            wipe(f, fx);
        f->card_in = false;
        flow_enter(f, ST_OUT_OF_SERVICE, ev->now);
        return true;
    case EV_READER_UP:
        f->auth.reader_down = false;
        if (f->state == ST_OUT_OF_SERVICE)
            flow_enter(f, ST_ATTRACT, ev->now);
        return true;
    case EV_TICK:
        on_tick(f, ev->now, fx);
        return true;
    case EV_READ_DONE: case EV_VERIFY_DONE: case EV_REGISTER_DONE:
    case EV_PRINT_DONE: case EV_FACE_DONE: case EV_STAFF_CODE_DONE:
    case EV_COUNTS_DONE:
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
    if (b->act == ACT_CANCEL && f->state == ST_LANGUAGE) {
        close_picker(f, now); /* Esc leaves the picker, not the session */
        return;
    }
    if (b->act == ACT_CANCEL) {
        if (cancel_allowed(f->state)) {
            f->failure = FAIL_NONE;
            flow_finish(f, now, fx);
        }
        return;
    }
    if (!offered(f, b))
        return;
    if (b->act == ACT_LANG) {
        f->lang = (enum lang)b->arg;
        flow_emit(f, fx, FX_SET_LANG, b->arg);
        if (f->state == ST_LANGUAGE)
            close_picker(f, now);
    } else if (b->act == ACT_LANGUAGES) {
        f->lang_from = f->state;
        flow_enter(f, ST_LANGUAGE, now);
    } else if (b->act == ACT_CLOSE) {
        close_picker(f, now);
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
            flow_enter(f, f->resume, ev->now);
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
            on_registered(f, ev, fx);
        break;
    case EV_PRINT_DONE:
        if (f->printing) /* else the session it was for has ended */
            on_printed(f, ev);
        break;
    case EV_FACE_DONE: case EV_STAFF_CODE_DONE: case EV_COUNTS_DONE:
    case EV_STAFF_CHORD:
        auth_on_event(f, ev, fx);
        break;
    default:
        break;
    }
}

int64_t flow_countdown_wakeup(const struct flow *f, int64_t now, int64_t at)
{
    int64_t left = f->deadline - now;
    int64_t next = f->deadline - ((left - 1) / 1000) * 1000;

    if (left <= 0 || next <= now)
        return at;
    return at < 0 || next < at ? next : at;
}

int flow_countdown(const struct flow *f, int64_t now)
{
    int64_t left = f->deadline - now;

    return left > 0 ? (int)((left + 999) / 1000) : 0;
}

int64_t flow_wakeup(const struct flow *f, int64_t now)
{
    int64_t at = -1;
    if (f->idle_at && !f->busy)
        at = f->idle_at;
    if (f->deadline && (at < 0 || f->deadline < at))
        at = f->deadline;
    if (f->state == ST_TIMEOUT_PROMPT)
        at = flow_countdown_wakeup(f, now, at);
    return auth_wakeup(f, now, at);
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
    v->locked = f->card_in && f->card.outcome == READ_OK &&
                flow_pin_locked(f) && f->state != ST_READING;
    v->busy = f->busy;
    v->registered = f->card.registered;
    v->has_card = f->card_in && f->card.outcome == READ_OK &&
                  f->state != ST_READING && f->state != ST_CARD_ERROR;
    v->rem = f->card.rem;
    v->failure = f->failure;
    if (f->state == ST_TIMEOUT_PROMPT)
        v->countdown = flow_countdown(f, now);
    v->alarm = f->alarm;
    v->greet = f->nlangs > 0 ? f->langs[f->greet % f->nlangs] : f->lang;
    v->topic = f->state == ST_INFO ? f->topic : -1;
    v->pages = pages(f);
    v->page = v->pages > 1 ? f->page : 0;
    v->qr = v->pages > 1 && v->page == v->pages - 1;
    v->printing = f->printing;
    v->print_answered = f->print_answered;
    v->print_result = f->print_result;
    auth_view(f, now, v);
}

void flow_set_printer(struct flow *f, bool printer)
{
    f->printer = printer;
    flow_reset_focus(f); /* the receipt buttons come or go */
}

void flow_set_languages(struct flow *f, const enum lang *list, int n,
                        int64_t now)
{
    bool current = false;

    if (n < 1)
        return;
    if (n > LANG_COUNT)
        n = LANG_COUNT;
    for (int i = 0; i < n; i++) {
        f->langs[i] = list[i];
        current = current || list[i] == f->lang;
    }
    f->nlangs = n;
    f->greet = 0;
    if (!current)
        f->lang = f->home_lang = list[0];
    if (f->state == ST_ATTRACT)
        flow_enter(f, ST_ATTRACT, now); /* buttons and greeting timer anew */
}

