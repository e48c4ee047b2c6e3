/*
 * keypad.c - the PIN keypad and the masks above it.
 *
 * The keys are the view's own buttons (digits, correction, OK) placed like
 * a telephone pad, so a tap on one is the same event as its key. The
 * digits typed never reach the screen, only how many there are.
 */
#include "screens/ui.h"

/* A telephone-style pad: 1 2 3 / 4 5 6 / 7 8 9 / 0 under 8. */
static const int pad_row[10] = {3, 0, 0, 0, 1, 1, 1, 2, 2, 2};
static const int pad_col[10] = {1, 0, 1, 2, 0, 1, 2, 0, 1, 2};
#define PAD_CELL 7 /* " [ 1 ] " */
#define PAD_GAP 1

int ui_keypad_width(const struct ui *u)
{
    int w = 3 * PAD_CELL + 2 * PAD_GAP;
    const enum action more[] = {ACT_CORRECT, ACT_PIN_OK};

    for (size_t k = 0; k < sizeof more / sizeof *more; k++) {
        int i = ui_find(u->v, more[k]);
        int bw = i < 0 ? 0 : ui_button_width(&u->v->buttons[i]);

        if (bw > w)
            w = bw;
    }
    return w;
}

int ui_keypad(struct ui *u, int y, int x, int rows)
{
    /* Four rows of digits, then correction and OK: 6 rows, 11 spaced. */
    int step = rows >= 11 ? 2 : 1;

    for (int i = 0; i < u->v->nbuttons; i++) {
        const struct button *b = &u->v->buttons[i];

        if (b->act == ACT_DIGIT && b->arg >= 0 && b->arg <= 9)
            ui_button(u, i, y + pad_row[b->arg] * step,
                      x + pad_col[b->arg] * (PAD_CELL + PAD_GAP));
    }
    int yy = y + 4 * step;
    int i = ui_find(u->v, ACT_CORRECT);
    if (i >= 0) {
        ui_button(u, i, yy, x);
        yy += step;
    }
    i = ui_find(u->v, ACT_PIN_OK);
    if (i >= 0)
        ui_button(u, i, yy++, x);
    return yy - y;
}

void ui_pin_masks(struct ui *u, int len)
{
    attr_t a = ui_attr(UI_STRONG);

    if (u->y >= u->ybot)
        return;
    attron(a);
    move(u->y, u->cx);
    for (int i = 0; i < PIN_DIGITS; i++)
        addstr(i < len ? "[*]" : "[ ]");
    attroff(a);
    u->y++;
}
