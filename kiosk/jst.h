/*
 * jst.h - Japan Standard Time, whatever the machine's time zone.
 *
 * Japan is UTC+9 all year with no daylight saving, so its calendar is the
 * UTC calendar of the moment shifted by nine hours: no TZ database, no
 * localtime(), and the answers do not change with the machine's settings.
 */
#ifndef KIOSK_JST_H
#define KIOSK_JST_H

#include <time.h>

#define JST_OFFSET (9 * 60 * 60)

/* A calendar day in Japan time. */
struct ymd {
    int y, m, d;
};

/* The moment t as Japan's date and time of day. */
void jst_tm(time_t t, struct tm *out);

/* The Japan calendar day that holds the moment t. */
struct ymd jst_ymd(time_t t);

/* The last second (23:59:59 in Japan, 14:59:59Z) of t's day in Japan. */
time_t jst_day_end(time_t t);

#endif
