/*
 * flow.h - the kiosk's behaviour as a pure state machine (design: flow.md).
 *
 * flow_step() takes the current state and one event and produces the next
 * state and a list of effects for the shell to carry out. It reads no
 * clock (events carry the monotonic time), touches no card, terminal or
 * file, and so every rule of flow.md is a few lines of cmocka.
 *
 * flow_view() turns the state into what the screens draw: the screens never
 * see struct flow, and the view says which buttons exist, so a number key,
 * Enter on the focused button and a click on it all become the same event.
 */
#ifndef KIOSK_FLOW_H
#define KIOSK_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "kiosk/i18n.h"
#include "kiosk/reminder.h"

/* The states; their names (flow_state_name) are the status file's. */
enum kstate {
    ST_ATTRACT,
    ST_READING,
    ST_CARD_ERROR,
    ST_MENU,
    ST_TERMS,
    ST_AUTH_CHOICE,
    ST_PIN,
    ST_FACE_CHECK,
    ST_CONFIRM,
    ST_REGISTERING,
    ST_DONE,
    ST_ALREADY_REGISTERED,
    ST_FAILED,
    ST_REMINDER,
    ST_REMOVE_CARD,
    ST_OUT_OF_SERVICE,
    ST_STAFF,
    ST_TIMEOUT_PROMPT,
    ST_COUNT
};

/* What a button does. */
enum action {
    ACT_NONE,
    ACT_LANG,         /* arg: enum lang */
    ACT_REGISTER,
    ACT_CHECK_EXPIRY,
    ACT_BACK,         /* back to the menu */
    ACT_FINISH,       /* end the session: take the card */
    ACT_CANCEL,       /* Esc: always safe, ends the session */
    ACT_AGREE,
    ACT_USE_PIN,
    ACT_DIGIT,        /* arg: 0..9 */
    ACT_CORRECT,      /* remove the last PIN digit */
    ACT_PIN_OK,       /* send the PIN */
    ACT_TRY_ANYWAY,   /* one try left: send anyway */
    ACT_CONFIRM,
    ACT_MORE_TIME,
    ACT_SILENCE,      /* stop the card-left-behind alarm */
    ACT_DEMO_CARD,    /* demo only: insert/remove the simulated card; the
                         shell handles it, it never reaches flow_step() */
};

/* Special values of button.key besides printable characters. */
#define KEY_CODE_ESC 27
#define KEY_CODE_ENTER '\n'
#define KEY_CODE_BACKSPACE 8

struct button {
    enum action act;
    int arg;
    int key; /* the key that presses it (a character or KEY_CODE_*); 0: none */
};

/* What the card told us when it was read (filled in by the worker). */
enum read_outcome {
    READ_OK,
    READ_FOREIGN,    /* no JPKI application: not a My Number card */
    READ_UNREADABLE, /* mute, upside down, broken answers */
    READ_GONE,       /* pulled while reading */
};

struct card_summary {
    enum read_outcome outcome;
    int tries_left;       /* user-authentication PIN tries; 0 = locked */
    bool registered;      /* the ledger already has this card */
    struct reminder rem;  /* the certificate's dates */
};

enum verify_outcome {
    VERIFY_OK,      /* PIN right and the card's signature checked out */
    VERIFY_WRONG,   /* wrong PIN; tries_left says how many remain */
    VERIFY_LOCKED,  /* the PIN is (now) blocked */
    VERIFY_GONE,    /* card pulled: the try may or may not have counted */
    VERIFY_ERROR,   /* the card answered nonsense or the reader failed */
    VERIFY_REFUSED, /* signature or certificate chain did not verify */
};

enum register_outcome {
    REGISTER_DONE,
    REGISTER_ALREADY,
    REGISTER_FAILED, /* could not record (disk full, database error) */
};

/* Why a session failed, for card-error and failed. */
enum failure {
    FAIL_NONE,
    FAIL_FOREIGN,
    FAIL_UNREADABLE,
    FAIL_CARD,     /* card trouble during the PIN check */
    FAIL_UNTRUSTED,/* the card's certificate or signature is not trusted */
    FAIL_RECORD,   /* the registration could not be recorded */
};

enum ev_kind {
    EV_CARD_IN,
    EV_CARD_OUT,
    EV_ACTION,    /* a button: u.button */
    EV_FOCUS,     /* move focus: u.delta = +1 / -1 */
    EV_ACTIVITY,  /* any other key or click: the person is there */
    EV_TICK,      /* time passed (a deadline from flow_wakeup) */
    EV_READ_DONE,
    EV_VERIFY_DONE,
    EV_REGISTER_DONE,
    EV_READER_DOWN,
    EV_READER_UP,
};

struct event {
    enum ev_kind kind;
    int64_t now;      /* monotonic milliseconds */
    uint32_t session; /* for *_DONE: the session the job belonged to */
    union {
        struct button button;
        int delta;
        struct card_summary card;
        struct {
            enum verify_outcome outcome;
            int tries_left;
        } verify;
        enum register_outcome reg;
    } u;
};

enum fx_kind {
    FX_READ_CARD,    /* read certificate and tries; answer EV_READ_DONE */
    FX_VERIFY_PIN,   /* VERIFY + signed challenge; answer EV_VERIFY_DONE */
    FX_REGISTER,     /* record it; answer EV_REGISTER_DONE */
    FX_END_SESSION,  /* wipe PIN and certificate, reset the card */
    FX_PIN_PUSH,     /* arg: a digit for the PIN buffer */
    FX_PIN_POP,
    FX_PIN_CLEAR,
    FX_BELL,
    FX_SET_LANG,     /* arg: enum lang */
};

struct effect {
    enum fx_kind kind;
    int arg;
    uint32_t session;
};

#define FX_MAX 8
struct effects {
    int n;
    struct effect list[FX_MAX];
};

/* Times in milliseconds; flow_timing_default() gives the shipped ones. */
struct flow_timing {
    int64_t idle;         /* no input this long: "do you need more time?" */
    int64_t prompt;       /* the prompt's countdown */
    int64_t alarm;        /* card left in this long: alarm */
    int64_t alarm_repeat; /* then ring again this often */
};
void flow_timing_default(struct flow_timing *t);

#define PIN_DIGITS 4

struct flow {
    enum kstate state;
    enum kstate resume;     /* where "more time" returns to */
    enum kstate pin_from;   /* the PIN screen is on top of auth-choice */
    struct flow_timing t;
    enum lang lang;
    int focus;
    bool card_in;
    uint32_t session;       /* grows with every card; stale answers are dropped */
    struct card_summary card;
    bool reminder_from_menu;
    int pin_len;
    bool pin_wrong;         /* the last try was wrong */
    bool last_try_ack;      /* "try anyway" given for this session */
    bool busy;              /* a card job is out (PIN being checked) */
    bool proven;            /* PIN verified and the signature checked */
    enum failure failure;
    bool alarm;             /* ringing about a card left behind */
    bool silenced;
    int64_t idle_at;        /* when idleness turns into the prompt; 0: never */
    int64_t deadline;       /* the state's own timer; 0: none */
};

void flow_init(struct flow *f, const struct flow_timing *t, enum lang lang,
               int64_t now);
void flow_step(struct flow *f, const struct event *ev, struct effects *fx);

/* When the shell must send EV_TICK next (monotonic ms), or -1 for never.
 * Includes once-a-second wake-ups while a countdown is on screen. */
int64_t flow_wakeup(const struct flow *f, int64_t now);

#define VIEW_MAX_BUTTONS 16
struct view {
    enum kstate state;
    enum lang lang;
    int nbuttons;
    struct button buttons[VIEW_MAX_BUTTONS];
    int focus;              /* index into buttons */
    bool digit_entry;       /* digit keys type PIN digits */
    int pin_len;            /* masks to show, never the digits */
    int tries_left;
    bool pin_wrong;
    bool last_try;          /* one try left: warn, ask "try anyway" */
    bool locked;
    bool busy;
    bool registered;
    bool has_card;          /* card facts below are valid */
    struct reminder rem;
    enum failure failure;
    int countdown;          /* seconds left on the time-out prompt */
    bool alarm;
};

/* Fill *v (zeroed first, so views compare with memcmp). */
void flow_view(const struct flow *f, int64_t now, struct view *v);

const char *flow_state_name(enum kstate s);

#endif
