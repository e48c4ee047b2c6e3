/*
 * reminder.h - what the user-authentication certificate's dates mean for
 * the person at the kiosk (rules.md, "Expiry and renewal"). Pure: the
 * certificate's notAfter and "now" in, calendar facts in Japan time out.
 */
#ifndef KIOSK_REMINDER_H
#define KIOSK_REMINDER_H

#include <stdbool.h>
#include <time.h>

enum cert_status {
    CERT_VALID,        /* more than 3 months left */
    CERT_RENEWAL_OPEN, /* within 3 months of expiry: renew now */
    CERT_GRACE,        /* expired, card still works as マイナ保険証 until grace_until */
    CERT_LAPSED,       /* grace over: insurance registration cancelled */
};

/* A calendar day in Japan time. */
struct ymd {
    int y, m, d;
};

struct reminder {
    enum cert_status status;
    struct ymd today;       /* today in Japan */
    struct ymd expiry;      /* the certificate's last day in Japan */
    struct ymd renew_from;  /* first day renewal is possible (3 months before) */
    struct ymd grace_until; /* last day of the 3rd month after the month of expiry */
    int days_left;          /* whole days from today to expiry; < 0 after expiry */
};

/* Judge a certificate whose notAfter is not_after, at the moment now. */
void reminder_compute(time_t not_after, time_t now, struct reminder *out);

#endif
