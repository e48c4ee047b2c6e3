/*
 * reminder.c - the certificate's dates as calendar facts in Japan time.
 *
 * Japan keeps UTC+9 all year (no daylight saving), so a Japan calendar day
 * is the UTC calendar day of t + 9 h. Everything here goes through
 * gmtime_r() and timegm(), never localtime(): the kiosk's machine may be
 * set to any zone and must still tell a person in Japan the right day.
 * timegm() also normalises out-of-range fields (day 0 = last day of the
 * month before), which does the month arithmetic for us.
 */
#include "kiosk/reminder.h"

#define JST_OFFSET (9 * 60 * 60)
#define DAY_SECONDS (24 * 60 * 60)

/* The Japan calendar day that contains the moment t. */
static struct ymd jst_day(time_t t)
{
    time_t shifted = t + JST_OFFSET;
    struct tm tm;

    gmtime_r(&shifted, &tm);
    return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

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

/* The first second after the Japan calendar day `day` has ended. */
static time_t jst_day_end(struct ymd day)
{
    return utc_midnight(day.y, day.m, day.d + 1) - JST_OFFSET;
}

void reminder_compute(time_t not_after, time_t now, struct reminder *out)
{
    struct reminder r;

    r.today = jst_day(now);
    r.expiry = jst_day(not_after);
    r.renew_from = add_months_clamped(r.expiry, -3);
    r.grace_until = month_end(r.expiry.y, r.expiry.m + 3);
    r.days_left = (int)(day_number(r.expiry) - day_number(r.today));

    /* X.509's notAfter is inclusive: at not_after itself the certificate
     * is still valid, one second later it has expired. */
    if (now <= not_after)
        r.status = day_number(r.today) < day_number(r.renew_from)
                       ? CERT_VALID
                       : CERT_RENEWAL_OPEN;
    else if (now < jst_day_end(r.grace_until))
        r.status = CERT_GRACE;
    else
        r.status = CERT_LAPSED;
    *out = r;
}
