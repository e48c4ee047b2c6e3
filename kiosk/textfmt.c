/*
 * textfmt.c - see textfmt.h.
 */
#include "kiosk/textfmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

char *text_fmt(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}

void text_date(char *buf, size_t n, const struct ymd *d)
{
    /* TRANSLATORS: a date: year, month, day. Reorder with %1$d %2$d %3$d
       if your language puts them in another order. */
    snprintf(buf, n, _("%d-%02d-%02d"), d->y, d->m, d->d);
}

void text_date_printed(char *buf, size_t n, const struct ymd *d, enum lang l)
{
    /* The same message as text_date()'s. */
    snprintf(buf, n, i18n_printed_in(l, "%d-%02d-%02d"), d->y, d->m, d->d);
}
