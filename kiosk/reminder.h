/*
 * reminder.h - what the user-authentication certificate's dates mean for
 * the person at the kiosk (rules.md, "Expiry and renewal"). Pure: the
 * certificate's notAfter (and notBefore) and "now" in, calendar facts in
 * Japan time and what to do about them out.
 */
#ifndef KIOSK_REMINDER_H
#define KIOSK_REMINDER_H

#include <stdbool.h>
#include <time.h>

#include "kiosk/jst.h"

enum cert_status {
    CERT_VALID,        /* more than 3 months left */
    CERT_RENEWAL_OPEN, /* within 3 months of expiry: renew now */
    CERT_GRACE,        /* expired, card still works as マイナ保険証 until grace_until */
    CERT_LAPSED,       /* grace over, or none: registration cancelled */
};

/* The first expiry day that gets a grace period (rules.md). */
#define GRACE_FROM ((struct ymd){ 2024, 12, 2 })

/* Ways to renew, as bits of struct reminder's cert_ways and card_ways. */
enum renew_way {
    RENEW_AT_OFFICE = 1 << 0,   /* the municipal office (市区町村窓口) */
    RENEW_ONLINE = 1 << 1,      /* computer or smartphone */
    RENEW_PHOTO_BOOTH = 1 << 2, /* a photo booth (証明写真機) */
    RENEW_BY_MAIL = 1 << 3,
};

struct reminder {
    enum cert_status status;
    struct ymd today;       /* today in Japan */
    struct ymd expiry;      /* the certificate's last day in Japan */
    struct ymd renew_from;  /* first day renewal is possible (3 months before) */
    struct ymd grace_until; /* last day of the 3rd month after the month of expiry */
    bool grace_period;      /* it has one (expiry on or after GRACE_FROM);
                               without, insurance use ends with expiry */
    int days_left;          /* whole days from today to expiry; < 0 after expiry */

    /* What to do, from the status (rules.md). */
    unsigned cert_ways;     /* the certificate: RENEW_AT_OFFICE only */
    unsigned card_ways;     /* the card: online, photo booth or mail */
    bool renew_now;         /* the certificate can (and should) be renewed today */
    bool insurance_ok;      /* the card works as マイナ保険証 today */
    bool history_shared;    /* medicine and treatment history are shared */
    bool register_again;    /* lapsed: renew, then register insurance use again */

    /* The card's own expiry as far as the certificate tells it
     * (reminder_card()): on the holder's birthday, between card_earliest
     * and card_latest. card_latest.y == 0: not known (no notBefore). */
    bool card_known;        /* the card ends exactly on card_latest */
    struct ymd card_earliest;
    struct ymd card_latest;
};

/* Judge a certificate whose notAfter is not_after, at the moment now.
 * Leaves the card's expiry unknown (card_latest zero). */
void reminder_compute(time_t not_after, time_t now, struct reminder *out);

/* Add what the certificate tells of the card's own expiry to *r (filled
 * by reminder_compute() for the same not_after). The card expires on the
 * holder's birthday, which is the month and day of the certificate's
 * expiry (29 February shows as 28 February in a common year), no earlier
 * than the certificate and no later than the 10th birthday after the
 * certificate was issued (the card was issued on or before that day). A
 * certificate that ends before the 5th birthday after its issue was cut
 * short by the card: the card ends with it (card_known). */
void reminder_card(time_t not_before, time_t not_after, struct reminder *r);

#endif
