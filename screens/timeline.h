/*
 * timeline.h - a picture of the certificate's time line: the days that
 * matter (today, renewal opens, expiry, and once it has expired the end of
 * the grace period) in date order on a line, each with its name above and
 * its date below. The days are spaced evenly, not to scale: four years
 * and three months would otherwise squeeze the part that matters.
 *
 * The line is drawn with ncurses' line characters (ACS), which ncurses
 * turns into box drawing on a UTF-8 terminal and into plain ASCII where
 * that is all the terminal has.
 */
#ifndef SCREENS_TIMELINE_H
#define SCREENS_TIMELINE_H

#include "kiosk/reminder.h"
#include "screens/ui.h"

/* Rows the picture needs in the current column (names may take two). */
int ui_timeline_rows(const struct ui *u, const struct reminder *r);

/* Draw it at u->y in the current column and move u->y past it; draws
 * nothing when it does not fit above u->ybot. */
void ui_timeline(struct ui *u, const struct reminder *r);

#endif
