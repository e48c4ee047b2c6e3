/*
 * enlarge.c - the terminal is smaller than 80x24: ask for a larger one.
 *
 * Drawn without the frame, wrapped and centred in whatever space there is,
 * so it reads even in a tiny window. It is in both languages at once and
 * not through gettext on purpose: nothing else works until the window
 * grows, so the message must reach the person whatever language is set.
 */
#include <curses.h>
#include <string.h>

#include "screens/layout.h"
#include "screens/screen.h"
#include "screens/ui.h"

static const char *const ask[] = {
    "画面を大きくしてください",
    "Please make the window larger",
    "(80x24)",
};
#define NASK (sizeof ask / sizeof *ask)
#define ASK_LINES 32 /* more than a 1-column terminal could need */

void draw_enlarge(void)
{
    struct layout_line l[NASK][ASK_LINES];
    int count[NASK], total = 0;

    for (size_t i = 0; i < NASK; i++) {
        int n = layout_wrap(ask[i], COLS, l[i], ASK_LINES);

        count[i] = n < 0 ? 0 : n > ASK_LINES ? ASK_LINES : n;
        total += count[i];
    }
    int y = LINES > total ? (LINES - total) / 2 : 0;

    attron(A_BOLD);
    for (size_t i = 0; i < NASK; i++)
        for (int j = 0; j < count[i] && y < LINES; j++, y++) {
            int w;
            const char *s = ask[i] + l[i][j].start;
            size_t len = layout_fit(s, l[i][j].len, COLS, &w);

            mvaddnstr(y, (COLS - w) / 2, s, (int)len);
        }
    attroff(A_BOLD);
}
