/*
 * input.c - see input.h. Pure apart from ncurses' key code constants.
 */
#include "kiosk/input.h"

#include <ctype.h>
#include <curses.h>
#include <string.h>

#define CTRL_C 3
#define CTRL_BACKSLASH 28 /* raw mode: a key, not SIGQUIT */
#define CTRL_Z 26         /* raw mode: a key, not SIGTSTP; never suspends */
#define CTRL_S 19         /* the staff-mode chord: no screen shows it */

static enum input_kind button_event(const struct button *b, struct event *ev)
{
    if (b->act == ACT_DEMO_CARD)
        return IN_DEMO_CARD;
    memset(ev, 0, sizeof *ev);
    if (b->act == ACT_DEMO_FACE) {
        ev->u.button = *b;
        return IN_DEMO_FACE;
    }
    ev->kind = EV_ACTION;
    ev->u.button = *b;
    return IN_EVENT;
}

static enum input_kind simple(enum ev_kind k, int delta, struct event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = k;
    ev->u.delta = delta;
    return IN_EVENT;
}

/* The offered button whose key this is, case-insensitively. */
static const struct button *by_key(const struct view *v, int key)
{
    for (int i = 0; i < v->nbuttons; i++) {
        int k = v->buttons[i].key;
        if (k == key || (key < 128 && k < 128 && k > 0 &&
                         tolower(k) == tolower(key)))
            return &v->buttons[i];
    }
    return NULL;
}

static int normalise(int key)
{
    switch (key) {
    case '\r': case KEY_ENTER:
        return KEY_CODE_ENTER;
    case KEY_BACKSPACE: case 127: case KEY_DC:
        return KEY_CODE_BACKSPACE;
    default:
        return key;
    }
}

static enum input_kind from_click(const struct view *v,
                                  const struct hitmap *hits,
                                  const struct click *c, struct event *ev)
{
    const struct button *b;
    (void)v;
    if (!c || !c->pressed)
        return IN_NOTHING;
    b = hitmap_find(hits, c->y, c->x);
    if (b)
        return button_event(b, ev);
    return simple(EV_ACTIVITY, 0, ev);
}

static enum input_kind from_key(const struct view *v, int key, bool demo,
                                struct event *ev)
{
    const struct button *b;

    if (v->digit_entry && key >= '0' && key <= '9') {
        struct button d = { .act = ACT_DIGIT, .arg = key - '0', .key = key };
        return button_event(&d, ev);
    }
    if (key == KEY_CODE_ESC) {
        struct button c = { .act = ACT_CANCEL, .key = KEY_CODE_ESC };
        return button_event(&c, ev);
    }
    if (key == KEY_CODE_ENTER && v->nbuttons > 0)
        return button_event(&v->buttons[v->focus], ev);
    if ((b = by_key(v, key)) != NULL)
        return button_event(b, ev);
    if (demo && (key == KEY_F(2) || key == 'c' || key == 'C'))
        return IN_DEMO_CARD;
    if (demo && v->state == ST_FACE_CHECK && v->auth.face_mode == FACE_MATCHING)
        for (int o = FACE_MATCH; o <= FACE_ERROR; o++)
            if (key < 128 && tolower(key) == input_demo_face_key(o)) {
                struct button d = { .act = ACT_DEMO_FACE, .arg = o, .key = key };
                return button_event(&d, ev);
            }
    return simple(EV_ACTIVITY, 0, ev);
}

enum input_kind input_translate(const struct view *v, const struct hitmap *hits,
                                int key, const struct click *click, bool demo,
                                struct event *ev)
{
    key = normalise(key);
    switch (key) {
    case KEY_RESIZE:
        return IN_REDRAW;
    case KEY_MOUSE:
        return from_click(v, hits, click, ev);
    case CTRL_C: case CTRL_BACKSLASH:
        return demo ? IN_QUIT : IN_NOTHING;
    case CTRL_Z:
        return IN_NOTHING;
    case CTRL_S:
        return simple(EV_STAFF_CHORD, 0, ev);
    case KEY_LEFT: case KEY_UP: case KEY_BTAB:
        return simple(EV_FOCUS, -1, ev);
    case KEY_RIGHT: case KEY_DOWN: case '\t':
        return simple(EV_FOCUS, +1, ev);
    default:
        return from_key(v, key, demo, ev);
    }
}

int input_demo_face_key(enum face_outcome o)
{
    switch (o) {
    case FACE_MATCH: return 'm';
    case FACE_NO_MATCH: return 'n';
    case FACE_ERROR: return 'e';
    default: return 0;
    }
}
