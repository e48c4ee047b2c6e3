/*
 * qr.c - see qr.h. kiosk/qrcode.c encodes; this file paints the modules
 * and lays out the page around them.
 */
#include "screens/qr.h"

#include <stdlib.h>

#include "kiosk/i18n.h"

/* The code's colour pair: above the few ui.c uses, below the 64 pairs of
 * an 8-colour terminal. */
#define QR_PAIR 32
/* Columns between the code and its caption, and the fewest the caption
 * needs beside the code in the ordinary frame. */
#define QR_GAP 2
#define CAPTION_MIN 30
/* The narrowest frame beside a code that has a box of its own: title,
 * caption and the buttons of the outcome and reminder screens. */
#define PANEL_MIN 34

static bool qr_colours;

/* Colour for the code alone, where ui_init_colours() left it off: the
 * rest of the screen keeps the terminal's own colours (pair 0 as the
 * default colours, never white on black). */
static bool start_code_colour(void)
{
    return start_color() == OK && use_default_colors() == OK;
}

void qr_init_colours(void)
{
    /* The code's black and white are what it says, not decoration: a
     * terminal with colours gets them under NO_COLOR and the monochrome
     * theme too (which leave colour off, so COLORS is still 0 here).
     * Reverse video is light on dark only on a dark terminal. */
    if (!has_colors() || (COLORS == 0 && !start_code_colour()) ||
        COLORS < 8 || COLOR_PAIRS <= QR_PAIR)
        return;
    /* Bright white where there is one: the lightest light. */
    qr_colours = init_pair(QR_PAIR, COLOR_BLACK,
                           COLORS >= 16 ? 15 : COLOR_WHITE) == OK;
}

bool qr_possible(void)
{
    return !i18n_ascii() && MB_CUR_MAX > 1;
}

int qr_cells(const char *text, int *cols, int *rows)
{
    struct qrcode q;

    if (qrcode_make(text, QR_MAX_VERSION, &q) != 0)
        return -1;
    *cols = q.size + 2 * QR_QUIET;
    *rows = (*cols + 1) / 2;
    qrcode_free(&q);
    return 0;
}

/* One cell: the module above in the glyph's upper half, the one below in
 * its lower half; the glyph is dark, the cell's background light. */
static void put_cell(int y, int x, bool top, bool bottom)
{
    static const char *const glyph[4] = {
        " ", "\u2584", "\u2580", "\u2588", /* index: top * 2 + bottom */
    };

    mvaddstr(y, x, glyph[top * 2 + bottom]);
}

int qr_draw(int y, int x, const char *text)
{
    struct qrcode q;

    if (!qr_possible() || qrcode_make(text, QR_MAX_VERSION, &q) != 0)
        return -1;
    int cols = q.size + 2 * QR_QUIET, rows = (cols + 1) / 2;
    if (y < 0 || x < 0 || y + rows > LINES || x + cols > COLS) {
        qrcode_free(&q);
        return -1;
    }
    attr_t a = qr_colours ? (attr_t)COLOR_PAIR(QR_PAIR) : A_REVERSE;

    attron(a);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            put_cell(y + r, x + c,
                     qrcode_dark(&q, c - QR_QUIET, 2 * r - QR_QUIET),
                     qrcode_dark(&q, c - QR_QUIET, 2 * r + 1 - QR_QUIET));
    attroff(a);
    qrcode_free(&q);
    return 0;
}

#define CAPTION_MAX 8

/* The caption, then the address itself for those who type it. Beside a
 * code (drawn), the address gives way when the words do not all fit with
 * it: the code carries it, and a receipt's sentence may need the room. */
static void caption(struct ui *u, const char *url, bool drawn,
                    const char *const *texts, const enum ui_role *roles,
                    int n)
{
    const char *t[CAPTION_MAX + 1];
    enum ui_role r[CAPTION_MAX + 1];
    int m = 0;

    for (; m < n && m < CAPTION_MAX; m++) {
        t[m] = texts[m];
        r[m] = roles ? roles[m] : UI_TEXT;
    }
    t[m] = url;
    r[m] = UI_STRONG;
    if (drawn && ui_paras_rows(u, t, m + 1) > u->ybot - u->y)
        t[m] = NULL;
    ui_paras(u, t, r, m + 1);
}

/* The ordinary frame holds the code on the left of its body. */
static void in_frame(struct ui *u, const char *title, const char *url,
                     int cols, const char *const *texts,
                     const enum ui_role *roles, int n)
{
    ui_frame(u, title);
    bool drawn = qr_draw(u->y, u->bx, url) == 0;
    ui_column(u, u->bx + cols + QR_GAP, u->bw - cols - QR_GAP);
    ui_buttons(u);
    caption(u, url, drawn, texts, roles, n);
}

static void code_box(int top, int left, int h, int w)
{
    int b = top + h - 1, r = left + w - 1;

    mvaddch(top, left, ACS_ULCORNER);
    mvhline(top, left + 1, ACS_HLINE, w - 2);
    mvvline(top + 1, left, ACS_VLINE, h - 2);
    mvaddch(b, left, ACS_LLCORNER);
    mvhline(b, left + 1, ACS_HLINE, w - 2);
    mvvline(top + 1, r, ACS_VLINE, h - 2);
}

/* The code in a box of its own on the left, from the frame's top to its
 * bottom; the frame, with title bar and footer, to the right of it,
 * sharing the line between them. */
static void beside_frame(struct ui *u, const char *title, const char *url,
                         int cols, int rows, const char *const *texts,
                         const enum ui_role *roles, int n)
{
    int top = u->top, left = u->left, h = u->h, w = u->w, bw = cols + 2;

    code_box(top, left, h, bw);
    ui_place(u, top, left + bw - 1, h, w - bw + 1);
    ui_frame(u, title);
    mvaddch(top, left + bw - 1, ACS_TTEE);
    mvaddch(top + h - 1, left + bw - 1, ACS_BTEE);
    bool drawn = qr_draw(top + 1 + (h - 2 - rows) / 2, left + 1, url) == 0;
    ui_buttons(u);
    caption(u, url, drawn, texts, roles, n);
}

void ui_qr_page(struct ui *u, const char *title, const char *url,
                const char *const *texts, const enum ui_role *roles, int n)
{
    int cols = 0, rows = 0;
    bool ok = url && qr_possible() && qr_cells(url, &cols, &rows) == 0;

    if (ok && u->ybot - u->y >= rows && u->bw - cols - QR_GAP >= CAPTION_MIN) {
        in_frame(u, title, url, cols, texts, roles, n);
    } else if (ok && u->h - 2 >= rows && u->w - cols - 1 >= PANEL_MIN + 4) {
        beside_frame(u, title, url, cols, rows, texts, roles, n);
    } else {
        /* No room or no way to draw it: the address, written out. */
        ui_frame(u, title);
        ui_buttons(u);
        caption(u, url, false, texts, roles, n);
    }
}
