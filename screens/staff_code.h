/*
 * staff_code.h - the staff code's screen part, shared by the staff visual
 * check (face_check.c) and staff mode (staff.c): the keypad, one mask per
 * digit typed (never the digits), what went wrong, and the lock after too
 * many wrong codes.
 */
#ifndef SCREENS_STAFF_CODE_H
#define SCREENS_STAFF_CODE_H

#include "screens/ui.h"

/* Draw it in the body under the frame, with `why` (what the code is for)
 * on top; the view's other buttons go under the words. */
void draw_staff_code(struct ui *u, const char *why);

#endif
