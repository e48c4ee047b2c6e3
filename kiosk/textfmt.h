/*
 * textfmt.h - sentences with numbers and dates, for the screens and the
 * printed receipt alike (no ncurses here).
 *
 * A date is written as each catalogue says ("2025-03-04" in English,
 * "2025年3月4日" in Japanese): one message, "%d-%02d-%02d", translated
 * once for both.
 */
#ifndef KIOSK_TEXTFMT_H
#define KIOSK_TEXTFMT_H

#include <stddef.h>

#include "kiosk/i18n.h"
#include "kiosk/jst.h"

/* A formatted text on the heap (free() it), or NULL when memory runs
 * out: for sentences with numbers and dates, with no fixed buffer to cut
 * them. */
char *text_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Day d as the language on the screen writes it, into buf[0..n). */
void text_date(char *buf, size_t n, const struct ymd *d);

/* Day d as language l writes it in print (UTF-8 whatever the terminal
 * gets: see i18n_printed_in()), into buf[0..n). */
void text_date_printed(char *buf, size_t n, const struct ymd *d, enum lang l);

#endif
