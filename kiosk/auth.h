/*
 * auth.h - the ways a person can show the kiosk it is them, as the flow,
 * the configuration, the worker and the ledger all name them.
 *
 *   pin    the card's 4-digit PIN and the card's signature over a fresh
 *          challenge (the only way that proves the card is in their hand)
 *   face   an external face matcher compares the person with the card's
 *          photo (kiosk/matcher.h)
 *   staff  a member of staff compares them, after entering a staff code
 *
 * Pure data and two small functions; no I/O.
 */
#ifndef KIOSK_AUTH_H
#define KIOSK_AUTH_H

#include <stdbool.h>

enum auth_method { AUTH_PIN, AUTH_FACE, AUTH_STAFF, AUTH_METHODS };

#define AUTH_BIT(m) (1u << (m))
#define AUTH_ALL (AUTH_BIT(AUTH_PIN) | AUTH_BIT(AUTH_FACE) | AUTH_BIT(AUTH_STAFF))

/* Face matches a session may fail before the face check is no longer
 * offered to that person. */
#define AUTH_FACE_ATTEMPTS 3
/* Wrong staff codes in a row before staff entry locks. */
#define AUTH_STAFF_TRIES 5
/* A staff code: digits only (the on-screen keypad types it), this long. */
#define AUTH_CODE_MIN 6
#define AUTH_CODE_MAX 16
/* A staff id: letters, digits, '.', '_', '-' (what the ledger accepts). */
#define AUTH_ID_MAX 32

/* The method's name in the configuration and the ledger ("pin", "face",
 * "staff"; the ledger's LEDGER_METHOD_*), or "" when out of range. */
const char *auth_method_name(enum auth_method m);

/* Parse a list of method names separated by commas and/or blanks
 * ("pin, face, staff") into AUTH_BIT()s. Each name at most once, at least
 * one. Returns 0, or -1 with *bad pointing at the offending word (unknown
 * or repeated), or at the end of text when the list is empty. */
int auth_methods_parse(const char *text, unsigned *bits, const char **bad);

/* How one face check ended (EV_FACE_DONE). */
enum face_outcome {
    FACE_MATCH,    /* the matcher says: the person is the card's holder */
    FACE_NO_MATCH, /* the matcher says: they are not */
    FACE_ERROR,    /* the matcher said "error", died, or answered nonsense */
    FACE_TIMEOUT,  /* no answer in time */
};

/* Today's figures for staff mode, from the ledger: registrations and
 * failed identity checks, by method. */
struct auth_counts {
    long registered[AUTH_METHODS];
    long failed[AUTH_METHODS];
};

#endif
