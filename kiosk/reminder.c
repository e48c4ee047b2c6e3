/*
 * reminder.c - the certificate's dates as calendar facts in Japan time.
 *
 * Japan days come from kiosk/jst.h (UTC+9, whatever the machine's zone);
 * the calendar arithmetic on them goes through gmtime_r() and timegm(),
 * never localtime(). timegm() also normalises out-of-range fields (day 0
 * = last day of the month before), which does the month arithmetic for
 * us.
 */
#include "kiosk/reminder.h"

#define DAY_SECONDS (24 * 60 * 60)

/* Midnight UTC of year y, month m (1-based, may be out of range), day d
 * (may be 0 or past the month's end); timegm() carries the overflow. */
static time_t utc_midnight(int y, int m, int d)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };

    return timegm(&tm);
}

/* Normalise a possibly out-of-range (y, m, d) into a real calendar day. */
static struct ymd normalise(int y, int m, int d)
{
    time_t t = utc_midnight(y, m, d);
    struct tm tm;

    gmtime_r(&t, &tm);
    return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/* Days since 1970-01-01 of a calendar day; differences give day counts. */
static long day_number(struct ymd day)
{
    return (long)(utc_midnight(day.y, day.m, day.d) / DAY_SECONDS);
}

/* The last day of month m (1-based, may be out of range) of year y. */
static struct ymd month_end(int y, int m)
{
    return normalise(y, m + 1, 0);
}

/* The same day `months` months earlier or later; where that month is
 * shorter, its last day (31 May - 3 months = 28 or 29 February). */
static struct ymd add_months_clamped(struct ymd day, int months)
{
    struct ymd end = month_end(day.y, day.m + months);

    if (day.d > end.d)
        return end;
    return (struct ymd){ end.y, end.m, day.d };
}

/* What the person can and must do in each status (rules.md). */
static void advise(struct reminder *r)
{
    r->cert_ways = RENEW_AT_OFFICE;
    r->card_ways = RENEW_ONLINE | RENEW_PHOTO_BOOTH | RENEW_BY_MAIL;
    r->renew_now = r->status != CERT_VALID;
    r->insurance_ok = r->status != CERT_LAPSED;
    r->history_shared = r->status <= CERT_RENEWAL_OPEN;
    r->register_again = r->status == CERT_LAPSED;
}

void reminder_compute(time_t not_after, time_t now, struct reminder *out)
{
    struct reminder r = { 0 };

    r.today = jst_ymd(now);
    r.expiry = jst_ymd(not_after);
    r.renew_from = add_months_clamped(r.expiry, -3);
    r.grace_until = month_end(r.expiry.y, r.expiry.m + 3);
    r.grace_period = day_number(r.expiry) >= day_number(GRACE_FROM);
    r.days_left = (int)(day_number(r.expiry) - day_number(r.today));

    /* X.509's notAfter is inclusive: at not_after itself the certificate
     * is still valid, one second later it has expired. */
    if (now <= not_after)
        r.status = day_number(r.today) < day_number(r.renew_from)
                       ? CERT_VALID
                       : CERT_RENEWAL_OPEN;
    else if (r.grace_period &&
             day_number(r.today) <= day_number(r.grace_until))
        r.status = CERT_GRACE; /* to the last second of its last Japan day */
    else
        r.status = CERT_LAPSED;
    advise(&r);
    r.card_earliest = r.expiry;
    *out = r;
}

/* The holder's birthday (month bm, day bd) in year y: a 29 February
 * birthday falls on 28 February in a common year. */
static struct ymd birthday_in(int y, int bm, int bd)
{
    struct ymd end = month_end(y, bm);

    return (struct ymd){ y, bm, bd > end.d ? end.d : bd };
}

/* The n-th birthday after day `from`; `from` itself counts as the first
 * when it is a birthday and on_counts is set. */
static struct ymd nth_birthday(struct ymd from, int bm, int bd, int n,
                               bool on_counts)
{
    struct ymd b = birthday_in(from.y, bm, bd);
    long diff = day_number(b) - day_number(from);
    int first = from.y + (diff > 0 || (on_counts && diff == 0) ? 0 : 1);

    return birthday_in(first + n - 1, bm, bd);
}

void reminder_card(time_t not_before, time_t not_after, struct reminder *r)
{
    struct ymd issued = jst_ymd(not_before), end = jst_ymd(not_after);
    int bm = end.m, bd = end.d;
    /* 28 February of a common year may be a 29 February birthday: the
     * latest the card can end is then 29 February in a leap year. */
    int bd_late = bm == 2 && bd == 28 ? 29 : bd;
    /* The earliest an uncut certificate could end: the 5th birthday,
     * counting the day of issue when it is one. */
    struct ymd fifth = nth_birthday(issued, bm, bd, 5, true);

    r->card_earliest = end;
    if (day_number(end) < day_number(fifth)) {
        r->card_known = true;
        r->card_latest = end;
        return;
    }
    r->card_known = false;
    r->card_latest = nth_birthday(issued, bm, bd_late, 10, false);
    if (day_number(r->card_latest) < day_number(end))
        r->card_latest = end; /* not a JPKI certificate's dates */
}
