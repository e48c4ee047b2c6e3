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

#include "kiosk/flow_auth.h"
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
    ST_LANGUAGE,      /* the language picker, over the screen it came from */
    ST_INFO,          /* information screens, from attract with no card */
    ST_COUNT
};

/* What a button does. */
enum action {
    ACT_NONE,
    ACT_LANG,         /* arg: enum lang */
    ACT_LANGUAGES,    /* open the language picker */
    ACT_CLOSE,        /* leave the picker: back to where it came from */
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
    ACT_INFO,         /* attract: open the information screens */
    ACT_TOPIC,        /* info: arg: enum info_topic */
    ACT_TOPICS,       /* info: back to the list of topics */
    ACT_NEXT,         /* the screen's next page; arg 1: it is the QR code */
    ACT_PREV,         /* the screen's previous page */
    ACT_PRINT,        /* print a receipt (only with a printer) */
    ACT_USE_FACE,     /* auth-choice: the face check */
    ACT_USE_STAFF,    /* auth-choice: staff check the person */
    ACT_FACE_RETRY,   /* face-check failed: check once more */
    ACT_OTHER_WAY,    /* face-check: back to auth-choice */
    ACT_SAME_PERSON,  /* staff: the person is the card's holder */
    ACT_NOT_SAME,     /* staff: the person is not */
    ACT_TEST_PRINT,   /* staff mode: print a test receipt */
    ACT_HOME_LANG,    /* staff mode: the next language for new people */
    ACT_LEAVE,        /* staff mode: end the kiosk program (asks first) */
    ACT_LEAVE_YES,    /* staff mode: yes, end it */
    ACT_STAFF_DONE,   /* staff mode: back to serving people */
    ACT_DEMO_FACE,    /* demo only: the simulated matcher's answer, arg:
                         enum face_outcome; the shell handles it */
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

/* The information screens' topics (flow.md, attract), in the order the
 * list shows them. */
enum info_topic {
    TOPIC_WHAT,       /* what マイナ保険証 is and what it brings */
    TOPIC_REGISTER,   /* how and where to register */
    TOPIC_SMARTPHONE, /* a smartphone as マイナ保険証 */
    TOPIC_EXPIRY,     /* expiry and renewal */
    TOPIC_LOST,       /* a lost or stolen card */
    TOPIC_HELP,       /* the help line and its hours */
    TOPIC_COUNT
};

/* What a receipt says happened (FX_PRINT's arg). */
enum receipt_kind {
    RECEIPT_REGISTERED, /* registered in this session */
    RECEIPT_ALREADY,    /* the card was registered before */
    RECEIPT_REMINDER,   /* not registered: the certificate's dates only */
    RECEIPT_TEST,       /* staff's test print: no card */
};

/* How a print ended (EV_PRINT_DONE). */
enum print_outcome {
    PRINT_OK,
    PRINT_MISSING,  /* no printer at the configured place */
    PRINT_OFFLINE,  /* there, but not taking paper (off-line, cover, busy) */
    PRINT_NO_PAPER,
    PRINT_FAILED,   /* any other error (the receipt could not be made) */
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
    EV_PRINT_DONE,  /* u.print: a receipt's fate */
    EV_FACE_DONE,   /* u.face: the matcher's answer (kiosk/matcher.h) */
    EV_STAFF_CODE_DONE, /* u.staff: the typed staff code, checked */
    EV_COUNTS_DONE, /* u.counts: today's figures for staff mode */
    EV_STAFF_CHORD, /* the staff-mode key chord (not advertised) */
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
        enum print_outcome print;
        struct {
            enum face_outcome outcome;
            int attempt;    /* FX_FACE_START's arg: stale answers drop */
        } face;
        struct {
            bool ok;
            char id[AUTH_ID_MAX + 1]; /* whose code it was */
        } staff;
        struct auth_counts counts;
    } u;
};

enum fx_kind {
    FX_READ_CARD,    /* read certificate and tries; answer EV_READ_DONE */
    FX_VERIFY_PIN,   /* VERIFY + signed challenge; answer EV_VERIFY_DONE */
    FX_REGISTER,     /* record it, arg: enum auth_method; answer
                        EV_REGISTER_DONE */
    FX_END_SESSION,  /* wipe PIN and certificate, reset the card */
    FX_PIN_PUSH,     /* arg: a digit for the PIN buffer */
    FX_PIN_POP,
    FX_PIN_CLEAR,
    FX_BELL,
    FX_SET_LANG,     /* arg: enum lang */
    FX_PRINT,        /* arg: enum receipt_kind; answer EV_PRINT_DONE */
    FX_FACE_START,   /* start the matcher, arg: attempt; EV_FACE_DONE */
    FX_FACE_STOP,    /* kill the matcher now; no answer comes */
    FX_CODE_PUSH,    /* arg: a digit for the staff code buffer */
    FX_CODE_POP,
    FX_CODE_CLEAR,
    FX_CHECK_STAFF,  /* check the staff code; answer EV_STAFF_CODE_DONE */
    FX_COUNT_FAILURE,/* a failed face or staff check, arg: enum
                        auth_method (the worker counts wrong PINs) */
    FX_STAFF_COUNTS, /* today's figures; answer EV_COUNTS_DONE */
    FX_QUIT,         /* staff left the kiosk: end the program */
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
    int64_t greet;        /* attract: each language's greeting this long;
                             0: no rotation */
    int64_t face;         /* a face check's time-out ([face] timeout) */
    int64_t staff_lock;   /* staff entry locked this long after
                             AUTH_STAFF_TRIES wrong codes ([staff] lockout) */
};
void flow_timing_default(struct flow_timing *t);

#define PIN_DIGITS 4

struct flow {
    enum kstate state;
    enum kstate resume;     /* where "more time" returns to */
    struct flow_timing t;
    enum lang lang;
    enum lang home_lang;    /* each new person starts in this language */
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
    enum lang langs[LANG_COUNT]; /* the languages offered, in order */
    int nlangs;
    enum kstate lang_from;  /* where the language picker returns to */
    int greet;              /* index into langs: the greeting shown */
    bool printer;           /* a receipt printer is set up
                               (flow_set_printer); receipts are offered */
    int topic;              /* info: the topic shown, -1: the list */
    int page;               /* of the screen's pages (info, outcome, reminder) */
    bool registered_now;    /* registered in this session (for the receipt) */
    bool printing;          /* a receipt is on its way to the printer */
    bool printed;           /* this session's receipt came out */
    bool print_answered;    /* print_result holds the last print's fate;
                               forgotten when the screen changes */
    enum print_outcome print_result;
    struct auth_state auth; /* face check, staff codes, staff mode */
};

void flow_init(struct flow *f, const struct flow_timing *t, enum lang lang,
               int64_t now);
void flow_step(struct flow *f, const struct event *ev, struct effects *fx);

/* Offer languages list[0..n) in that order (flow_init offers every one in
 * enum order). The current language becomes list[0] if it is not offered.
 * With one language there is no language choice and no greeting rotation. */
void flow_set_languages(struct flow *f, const enum lang *list, int n,
                        int64_t now);

/* What auth-choice may offer: AUTH_BIT()s of [auth] methods (flow_init
 * offers the PIN only). */
void flow_set_methods(struct flow *f, unsigned methods);

/* Whether a receipt printer is set up ([printer]): receipts are offered
 * (flow_init: none). */
void flow_set_printer(struct flow *f, bool printer);

/* Staff entry is locked until `until` (monotonic ms): what the shell
 * worked out at start-up from the wrong codes in the ledger, so that a
 * restart does not give fresh tries. An `until` not after now is no lock. */
void flow_set_staff_lock(struct flow *f, int64_t until, int64_t now);

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
    bool digit_entry;       /* digit keys type PIN (or staff code) digits */
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
    int countdown;          /* seconds left on the time-out prompt or of
                               the face check */
    bool alarm;
    enum lang greet;        /* attract: the language greeting now */
    int topic;              /* info: the topic shown, -1: the list */
    int page, pages;        /* the page shown, of how many (0, 1: no pages) */
    bool qr;                /* the page shown is the screen's QR code */
    bool printing;          /* "printing..." */
    bool print_answered;    /* print_result says how the last print ended */
    enum print_outcome print_result;
    struct auth_view auth;  /* face-check, staff mode, confirm's method */
};

/* Fill *v (zeroed first, so views compare with memcmp). */
void flow_view(const struct flow *f, int64_t now, struct view *v);

const char *flow_state_name(enum kstate s);

#endif
