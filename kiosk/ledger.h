/*
 * ledger.h - the kiosk's record of registrations, in SQLite.
 *
 * What it stores is all it stores (flow.md: nothing personal):
 *
 *   registrations(card_key, method, staff_id, registered_at, kiosk_id)
 *     one row per registered card; card_key is cert_facts()'s hash of the
 *     certificate's issuer and serial (proof.h), never a name or number.
 *   failed_checks(method, at, kiosk_id)
 *     one row per failed identity check, with no card key, so staff can
 *     count failures without anything that points to a person.
 *
 * Times are ISO 8601 in UTC ("2026-04-01T03:00:00Z"). The database runs in
 * write-ahead-log mode with synchronous=FULL: a registration that was
 * reported LEDGER_OK survives a power cut. Each registration is one
 * transaction, so a failure (disk full, card pulled, crash) leaves nothing
 * half written. The schema is created when missing and carries its
 * version in PRAGMA user_version.
 *
 * A struct ledger is used by one thread at a time (the worker).
 */
#ifndef KIOSK_LEDGER_H
#define KIOSK_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* The identity-check methods, as the ledger writes them. */
#define LEDGER_METHOD_PIN "pin"     /* PIN and the card's signed challenge */
#define LEDGER_METHOD_FACE "face"   /* an external face matcher */
#define LEDGER_METHOD_STAFF "staff" /* staff compared face and card photo */
/* Not a way to register: a wrong staff code, counted so that the lock on
 * staff entry outlives a restart (ledger_staff_lock_until). */
#define LEDGER_METHOD_STAFF_CODE "staff-code"

struct ledger;

/* Open or create the ledger at path (the file, not its directory, is
 * created). Returns NULL with a translated message naming path in err
 * when it cannot be opened, written, or was made by a newer kiosk. */
struct ledger *ledger_open(const char *path, char *err, size_t errlen);
/* Close it; NULL is fine. */
void ledger_close(struct ledger *lg);

/* *yes = whether card_key is registered. Returns 0, or -1 on a database
 * error (*yes is then false). */
int ledger_is_registered(struct ledger *lg, const char *card_key, bool *yes);

enum ledger_rc {
    LEDGER_OK,      /* recorded */
    LEDGER_ALREADY, /* this card was registered before; nothing changed */
    LEDGER_FULL,    /* the disk (or the database's size limit) is full */
    LEDGER_ERROR,   /* anything else, including invalid arguments */
};

/* Record the registration of card_key (64 lowercase hex digits) by
 * method (a LEDGER_METHOD_*), confirmed by staff_id (NULL unless staff
 * confirmed; letters, digits, '.', '_', '-', at most 32), at `when`, on
 * kiosk_id (same characters). All or nothing. */
enum ledger_rc ledger_register(struct ledger *lg, const char *card_key, const char *method,
                               const char *staff_id, time_t when, const char *kiosk_id);

/* Count one failed identity check by method at `when` on kiosk_id.
 * Returns 0 or -1. */
int ledger_count_failure(struct ledger *lg, const char *method, time_t when,
                         const char *kiosk_id);

/* Whether staff entry on kiosk_id is locked at `now`, worked out from the
 * wrong staff codes (LEDGER_METHOD_STAFF_CODE) counted on it: when the
 * last one and at least `tries` - 1 others came within `lockout` seconds,
 * the lock began with the last one, so *until = its time plus lockout if
 * that is after now; otherwise *until = 0. Right codes
 * are not recorded, so wrong codes either side of a right one still add
 * up: the lock errs on the safe side. Returns 0, or -1 (*until = 0). */
int ledger_staff_lock_until(struct ledger *lg, time_t now, int tries, long lockout,
                            const char *kiosk_id, time_t *until);

/* What staff mode shows: the day's totals. */
struct ledger_counts {
    long registered;
    long failed;
};

/* The totals for the Japan calendar day (UTC+9) that contains `now`.
 * Returns 0, or -1 on a database error. */
int ledger_counts_today(struct ledger *lg, time_t now, struct ledger_counts *out);
/* The same for one method (a LEDGER_METHOD_*): its registrations and its
 * failed checks that day. Returns 0, or -1. */
int ledger_counts_today_by(struct ledger *lg, time_t now, const char *method,
                           struct ledger_counts *out);

#endif
