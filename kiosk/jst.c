/*
 * jst.c - see jst.h.
 */
#include "kiosk/jst.h"

#define DAY (24 * 60 * 60)

void jst_tm(time_t t, struct tm *out)
{
    time_t shifted = t + JST_OFFSET;
    gmtime_r(&shifted, out);
}

struct ymd jst_ymd(time_t t)
{
    struct tm tm;

    jst_tm(t, &tm);
    return (struct ymd){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

time_t jst_day_end(time_t t)
{
    time_t local = t + JST_OFFSET;
    time_t days = local / DAY - (local % DAY < 0); /* floor, also before 1970 */

    return days * DAY + (DAY - 1) - JST_OFFSET;
}
