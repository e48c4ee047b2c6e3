/*
 * flow_auth.h - the flow's record of the alternatives to the PIN and of
 * staff mode (the face check, the staff visual check, staff codes), and
 * what the screens see of them. Plain data inside struct flow and struct
 * view (flow.h); the rules are kiosk/flow_auth.c.
 */
#ifndef KIOSK_FLOW_AUTH_H
#define KIOSK_FLOW_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "kiosk/auth.h"
#include "kiosk/i18n.h"

/* What the face-check screen (ST_FACE_CHECK) is showing. */
enum face_mode {
    FACE_MATCHING,   /* the matcher is at work: look at the camera */
    FACE_FAILED,     /* the last check did not match (or failed): now what */
    FACE_STAFF_CODE, /* staff visual check: staff enter their code */
    FACE_STAFF_LOOK, /* staff compare the person with the card's photo */
};

/* What the staff-mode screen (ST_STAFF) is showing. */
enum staff_mode {
    STAFF_CODE,  /* the staff code, before anything else */
    STAFF_MENU,  /* reader, today's counts, test receipt, language, leave */
    STAFF_LEAVE, /* "end the kiosk program?" */
};

struct auth_state {
    unsigned methods;          /* AUTH_BIT()s auth-choice may offer */
    bool reader_down;          /* the reader is away (staff mode stays) */
    /* this person; wiped with the session */
    enum auth_method method;   /* how they were checked, for confirm */
    bool checked;              /* face or staff confirmed them */
    enum face_mode face_mode;
    int face_attempt;          /* checks started; tags the matcher's answer */
    int face_fails;            /* checks that did not match */
    enum face_outcome face_last;
    bool face_running;         /* a matcher is at work */
    /* the staff code being typed, for a visual check or staff mode */
    int code_len;
    bool code_checking;        /* the worker is checking it */
    bool code_wrong;           /* the last code was wrong */
    char staff_id[AUTH_ID_MAX + 1]; /* who entered the right code */
    /* staff entry as a whole: not wiped with a session */
    int code_fails;            /* wrong codes in a row */
    bool locked;               /* AUTH_STAFF_TRIES wrong: entry locked */
    int64_t locked_until;      /* ... until then (monotonic ms) */
    /* staff mode */
    enum staff_mode staff_mode;
    bool counts_ok;            /* counts holds today's figures */
    struct auth_counts counts;
};

struct auth_view {
    enum auth_method method;   /* confirm: how the person was checked */
    bool pin_offered;          /* [auth] methods has the PIN (locked or not) */
    bool alternatives;         /* auth-choice offers face or staff */
    enum face_mode face_mode;
    enum face_outcome face_last;
    int face_left;             /* face checks this person has left */
    enum staff_mode staff_mode;
    int code_len;              /* masks to show, never the digits */
    bool code_checking;
    bool code_wrong;
    int code_tries_left;       /* before staff entry locks */
    int locked_minutes;        /* staff entry locked: minutes left; 0 open */
    char staff_id[AUTH_ID_MAX + 1];
    bool reader_down;
    bool counts_ok;
    struct auth_counts counts;
    enum lang home_lang;       /* staff mode: the language new people get */
    bool printer;              /* staff mode: a printer is set up */
};

#endif
