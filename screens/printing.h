/*
 * printing.h - what became of the receipt, for the screens that offer
 * one (outcome, reminder): a line at the top of the body while it prints
 * and after, saying plainly when no receipt came out and that nothing
 * else is affected.
 */
#ifndef SCREENS_PRINTING_H
#define SCREENS_PRINTING_H

#include "screens/ui.h"

/* The receipt's sentence and its role, or NULL when no receipt was
 * asked for in this session. */
const char *ui_print_text(const struct view *v, enum ui_role *role);

/* That sentence at u->y with a blank row after it, if there is one. */
void ui_print_status(struct ui *u);

#endif
