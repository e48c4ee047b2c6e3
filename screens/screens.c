/*
 * screens.c - picks the screen for the view's state and draws it whole.
 *
 * Every call redraws everything from the view: the terminal may have been
 * resized, the language switched or the focus moved, and a full redraw is
 * the one way that is never stale. Below the minimum size the frame would
 * cut words, so a short "please enlarge" message is drawn instead.
 */
#include "screens/screen.h"

#include <curses.h>

#include "kiosk/i18n.h"
#include "screens/qr.h"
#include "screens/ui.h"

typedef void draw_fn(struct ui *u);

/* A state without a screen of its own (a bug): say so plainly. */
static void draw_unavailable(struct ui *u)
{
    ui_frame(u, _("Not available here"));
    ui_buttons(u);
    ui_para(u, _("This function is not available at this kiosk."), UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Please press Esc to go back."), UI_TEXT);
}

static draw_fn *const draw_for[ST_COUNT] = {
    [ST_ATTRACT] = draw_attract,
    [ST_READING] = draw_reading,
    [ST_CARD_ERROR] = draw_card_error,
    [ST_MENU] = draw_menu,
    [ST_TERMS] = draw_terms,
    [ST_AUTH_CHOICE] = draw_auth_choice,
    [ST_PIN] = draw_pin,
    [ST_FACE_CHECK] = draw_face_check,
    [ST_CONFIRM] = draw_confirm,
    [ST_REGISTERING] = draw_registering,
    [ST_DONE] = draw_outcome,
    [ST_ALREADY_REGISTERED] = draw_outcome,
    [ST_FAILED] = draw_outcome,
    [ST_REMINDER] = draw_reminder,
    [ST_REMOVE_CARD] = draw_remove_card,
    [ST_OUT_OF_SERVICE] = draw_out_of_service,
    [ST_STAFF] = draw_staff,
    [ST_TIMEOUT_PROMPT] = draw_timeout_prompt,
    [ST_LANGUAGE] = draw_language,
    [ST_INFO] = draw_info,
};

void screens_init(void)
{
    ui_init_colours();
    qr_init_colours();
    curs_set(0); /* a cursor blinking in the frame means nothing here */
}

static bool too_small(void)
{
    return COLS < SCREEN_MIN_COLS || LINES < SCREEN_MIN_LINES;
}

void screens_draw(const struct view *v, const struct ui_extra *x,
                  struct hitmap *hits)
{
    struct ui u;

    hits->n = 0;
    erase();
    if (too_small()) {
        draw_enlarge();
        return;
    }
    ui_begin(&u, v, x, hits);
    draw_fn *draw = (unsigned)v->state < ST_COUNT ? draw_for[v->state] : NULL;
    (draw ? draw : draw_unavailable)(&u);
}

const struct button *hitmap_find(const struct hitmap *h, int y, int x)
{
    for (int i = 0; i < h->n; i++) {
        const struct hit *t = &h->hit[i];

        if (y >= t->y && y < t->y + t->h && x >= t->x && x < t->x + t->w)
            return &t->b;
    }
    return NULL;
}
