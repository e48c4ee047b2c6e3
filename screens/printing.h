/*
 * printing.h - what became of the receipt, for the screens that offer
 * one (outcome, reminder): a sentence at the top of the body while it
 * prints and after, saying plainly when no receipt came out and that
 * nothing else is affected.
 *
 * The sentence never pushes the screen's own words off it: where they do
 * not all fit with it, a screen leaves out what it also shows elsewhere
 * (ui_print_paras' optional paragraph, the reminder's time line, the
 * address written out beside a QR code).
 */
#ifndef SCREENS_PRINTING_H
#define SCREENS_PRINTING_H

#include "screens/ui.h"

/* The receipt's sentence and its role, or NULL when no receipt was
 * asked for on this screen. */
const char *ui_print_text(const struct view *v, enum ui_role *role);

/* That sentence at u->y with a blank row after it, if there is one. */
void ui_print_status(struct ui *u);

/* Rows ui_print_status() takes: the sentence and its blank row, or 0. */
int ui_print_rows(const struct ui *u);

/* The receipt's sentence, then texts[0..n), as ui_paras() draws them.
 * With the sentence there, texts[optional] (a paragraph the person can
 * also see elsewhere) is left out when they do not all fit, or when only
 * without it they fit with a blank row between them. optional < 0:
 * none. n <= 8. */
void ui_print_paras(struct ui *u, const char *const *texts,
                    const enum ui_role *roles, int n, int optional);

#endif
