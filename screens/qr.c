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

void qr_init_colours(void)
{
    const char *no_colour = getenv("NO_COLOR");

    /* COLORS is 0 unless ui_init_colours() started colour. */
    if ((no_colour && *no_colour) || COLORS < 8 || COLOR_PAIRS <= QR_PAIR)
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

/* The caption, then the address itself for those who type it. */
static void caption(struct ui *u, const char *url, const char *const *texts,
                    const enum ui_role *roles, int n)
{
    ui_paras(u, texts, roles, n);
    ui_gap(u);
    ui_para(u, url, UI_STRONG);
}

/* The ordinary frame holds the code on the left of its body. */
static void in_frame(struct ui *u, const char *title, const char *url,
                     int cols, const char *const *texts,
                     const enum ui_role *roles, int n)
{
    ui_frame(u, title);
    qr_draw(u->y, u->bx, url);
    ui_column(u, u->bx + cols + QR_GAP, u->bw - cols - QR_GAP);
    ui_buttons(u);
    caption(u, url, texts, roles, n);
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
    qr_draw(top + 1 + (h - 2 - rows) / 2, left + 1, url);
    ui_buttons(u);
    caption(u, url, texts, roles, n);
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
        if (url)
            caption(u, url, texts, roles, n);
        else
            ui_paras(u, texts, roles, n);
    }
}
