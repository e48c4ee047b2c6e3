/*
 * qr.h - QR codes on the terminal, for any screen that shows one.
 *
 * A code is drawn with the half blocks U+2580, U+2584 and U+2588: a cell
 * holds two modules, one above the other, so on a terminal whose cells are
 * about twice as high as wide a module comes out square. Dark modules are
 * dark and light ones light whatever the terminal's own colours: black on
 * white wherever the terminal has colours, even under NO_COLOR or the
 * monochrome theme (the code's colours are its content), and reverse
 * video only where it has none at all (the default colours swapped,
 * which is light on the usual dark terminal). The quiet zone (QR_QUIET modules of light
 * on every side) is part of the drawing, so a code can sit next to
 * anything; a 33-module code (version 4) with it is 41 columns by 21 rows.
 *
 * The half blocks are East Asian Ambiguous, the one exception the kiosk
 * allows to its rule against them (a CJK font may draw them two columns
 * wide where the terminal counts one): so they are drawn only where the
 * terminal is UTF-8 and the ASCII interface is off; elsewhere the address
 * is written out instead.
 */
#ifndef SCREENS_QR_H
#define SCREENS_QR_H

#include <stdbool.h>

#include "kiosk/qrcode.h"
#include "screens/ui.h"

/* Set up the code's colours, once after ui_init_colours(). */
void qr_init_colours(void);

/* Whether this terminal can show a QR code at all (UTF-8, not ASCII). */
bool qr_possible(void);

/* The cells a code of text takes, quiet zone included: 0, or -1 when the
 * text does not fit a version QR_MAX_VERSION code. */
int qr_cells(const char *text, int *cols, int *rows);

/* Draw the code of text with the top-left corner of its quiet zone at
 * (y, x), clipped to nothing: returns 0, or -1 when it is not drawn (the
 * terminal cannot show it, the text does not fit a code, or the code
 * does not fit the terminal from there). */
int qr_draw(int y, int x, const char *text);

/*
 * A whole screen for a QR code: the code of url and beside it the frame
 * with title, the caption paragraphs texts[0..n) (roles may be NULL), and
 * the view's buttons. Where the frame's body has the rows for the code,
 * the frame holds both, the code on the left; where it has not (an 80x24
 * terminal), the code takes the left of the terminal from top to bottom
 * in a box of its own and the frame shrinks to the right of it. The
 * address is written out under the caption: always where neither fits or
 * the terminal cannot show a code, beside the code when the words leave
 * room for it. The caller has not called ui_frame().
 */
void ui_qr_page(struct ui *u, const char *title, const char *url,
                const char *const *texts, const enum ui_role *roles, int n);

#endif
