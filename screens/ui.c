/*
 * ui.c - the frame every screen sits in, and the buttons: their looks,
 * their one table of labels, and their places in the hitmap.
 *
 * Everything is measured in display columns through layout.c; nothing here
 * counts bytes or characters to place text. The frame uses ncurses' ACS
 * line drawing only; what a person reads or presses is plain text, with no
 * East Asian Ambiguous symbols, since a CJK font draws those two columns
 * wide where the terminal counts one.
 */
#include "screens/ui.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/i18n.h"
#include "screens/layout.h"

/* ---- attributes ---- */

#define BUTTON_GAP 2 /* columns between two buttons on a row */

enum { PAIR_TITLE = 1, PAIR_WARN, PAIR_ALARM, PAIR_GOOD };

static bool colours;

void ui_init_colours(void)
{
    if (!has_colors() || start_color() == ERR)
        return;
    short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
    init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
    init_pair(PAIR_WARN, COLOR_RED, bg);
    init_pair(PAIR_ALARM, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_GOOD, COLOR_GREEN, bg);
    colours = true;
}

static attr_t pair(int p)
{
    return colours ? (attr_t)COLOR_PAIR(p) : A_NORMAL;
}

/* Each role must still stand out on a monochrome terminal: colour only
 * ever adds to bold, underline or reverse. */
attr_t ui_attr(enum ui_role r)
{
    switch (r) {
    case UI_STRONG: return A_BOLD;
    case UI_TITLE: return A_BOLD | pair(PAIR_TITLE);
    case UI_WARN: return A_BOLD | (colours ? pair(PAIR_WARN) : A_UNDERLINE);
    case UI_ALARM: return A_BOLD | (colours ? pair(PAIR_ALARM) : A_REVERSE);
    case UI_GOOD: return A_BOLD | pair(PAIR_GOOD);
    case UI_BUTTON: return A_BOLD;
    case UI_FOCUS: return A_BOLD | A_REVERSE;
    case UI_TEXT: break;
    }
    return A_NORMAL;
}

/* ---- frame ---- */

static int footer_rows(const struct ui *u)
{
    return u->x && u->x->demo ? 2 : 1;
}

void ui_begin(struct ui *u, const struct view *v, const struct ui_extra *x,
              struct hitmap *hits)
{
    memset(u, 0, sizeof *u);
    u->v = v;
    u->x = x;
    u->hits = hits;
    hits->n = 0;
    u->w = COLS < UI_MAX_COLS ? COLS : UI_MAX_COLS;
    u->h = LINES < UI_MAX_LINES ? LINES : UI_MAX_LINES;
    u->left = (COLS - u->w) / 2;
    u->top = (LINES - u->h) / 2;
    u->bx = u->left + 2;
    u->bw = u->w - 4;
    ui_column_reset(u);
    u->y = u->top + 3;                            /* below the title bar */
    u->ybot = u->top + u->h - 2 - footer_rows(u); /* above the footer */
}

/* Draw the longest prefix of s that fits in w columns. */
static int put_fit(int y, int x, int w, const char *s)
{
    int used;
    size_t n = layout_fit(s, strlen(s), w, &used);

    mvaddnstr(y, x, s, (int)n);
    return used;
}

static void separator(const struct ui *u, int y)
{
    mvaddch(y, u->left, ACS_LTEE);
    mvhline(y, u->left + 1, ACS_HLINE, u->w - 2);
    mvaddch(y, u->left + u->w - 1, ACS_RTEE);
}

static void outline(const struct ui *u)
{
    int t = u->top, l = u->left, b = t + u->h - 1, r = l + u->w - 1;

    mvaddch(t, l, ACS_ULCORNER);
    mvhline(t, l + 1, ACS_HLINE, u->w - 2);
    mvaddch(t, r, ACS_URCORNER);
    mvvline(t + 1, l, ACS_VLINE, u->h - 2);
    mvvline(t + 1, r, ACS_VLINE, u->h - 2);
    mvaddch(b, l, ACS_LLCORNER);
    mvhline(b, l + 1, ACS_HLINE, u->w - 2);
    mvaddch(b, r, ACS_LRCORNER);
}

static void title_bar(const struct ui *u, const char *title)
{
    int y = u->top + 1, clock_w = 0;
    attr_t a = ui_attr(UI_TITLE);

    attron(a);
    mvhline(y, u->left + 1, ' ' | a, u->w - 2);
    if (u->x && u->x->clock[0]) {
        clock_w = layout_width(u->x->clock);
        mvaddstr(y, u->bx + u->bw - clock_w, u->x->clock);
    }
    put_fit(y, u->bx, u->bw - clock_w - 2, title);
    attroff(a);
    separator(u, u->top + 2);
}

/* The way out is the button Esc presses, whatever the state calls it. */
static int way_out(const struct view *v)
{
    for (int i = 0; i < v->nbuttons; i++)
        if (v->buttons[i].key == KEY_CODE_ESC)
            return i;
    return ui_find(v, ACT_CANCEL);
}

static int draw_one(struct ui *u, const struct button *b, bool focused, int y,
                    int x, int maxw);

static void demo_line(struct ui *u, int y)
{
    const char *pin = _("DEMO: PIN 1234");
    struct button card = {
        .act = ACT_DEMO_CARD, .arg = u->x->demo_card_in, .key = 'c',
    };
    int x = u->bx, end = u->bx + u->bw;

    x += put_fit(y, x, end - x, pin) + 3;
    if (x < end)
        x += draw_one(u, &card, false, y, x, end - x) + 1;
    if (x < end)
        put_fit(y, x, end - x, _("(or F2)"));
}

/* The footer holds what every screen offers: the way out (Esc) and the
 * switch to the other language. On the attract screen the languages are
 * the screen's own content and stay in the body. */
static void footer(struct ui *u)
{
    int y = u->top + u->h - 1 - footer_rows(u);
    const char *help = _("Help: 0120-95-0178");
    int x = u->bx, help_w = layout_width(help), i = way_out(u->v);

    separator(u, y - 1);
    if (i >= 0)
        x += ui_button(u, i, y, x) + BUTTON_GAP;
    for (int k = 0; k < u->v->nbuttons && u->v->state != ST_ATTRACT; k++)
        if (u->v->buttons[k].act == ACT_LANG && !u->drawn[k])
            x += ui_button(u, k, y, x) + BUTTON_GAP;
    if (x + help_w <= u->bx + u->bw)
        mvaddstr(y, u->bx + u->bw - help_w, help);
    if (u->x && u->x->demo)
        demo_line(u, y + 1);
}

void ui_frame(struct ui *u, const char *title)
{
    outline(u);
    title_bar(u, title);
    footer(u);
}

void ui_column(struct ui *u, int x, int w)
{
    u->cx = x;
    u->cw = w;
}

void ui_column_reset(struct ui *u)
{
    ui_column(u, u->bx, u->bw);
}

/* ---- buttons ---- */

/* What every button says: one msgid per action. ACT_LANG says the
 * language's own name and ACT_DIGIT its digit, in every language. */
static const char *const action_label[] = {
    [ACT_NONE] = "",
    [ACT_REGISTER] = N_("Register for health insurance use"),
    [ACT_CHECK_EXPIRY] = N_("Check the expiry date"),
    [ACT_BACK] = N_("Back to the menu"),
    [ACT_FINISH] = N_("Finish"),
    [ACT_CANCEL] = N_("Cancel"),
    [ACT_AGREE] = N_("Agree and continue"),
    [ACT_USE_PIN] = N_("Use my PIN"),
    [ACT_CORRECT] = N_("Erase one"),
    [ACT_PIN_OK] = N_("OK"),
    [ACT_TRY_ANYWAY] = N_("Enter it anyway"),
    [ACT_CONFIRM] = N_("Register"),
    [ACT_MORE_TIME] = N_("Yes, I need more time"),
    [ACT_SILENCE] = N_("Stop the sound"),
};
static const char *const demo_card_label[2] = {
    N_("insert card"), N_("remove card"),
};
static const char *const digit_label[10] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
};

const char *ui_label(const struct button *b)
{
    size_t n = sizeof action_label / sizeof *action_label;

    switch (b->act) {
    case ACT_LANG:
        return b->arg >= 0 && b->arg < LANG_COUNT
                   ? lang_native_name((enum lang)b->arg) : "";
    case ACT_DIGIT:
        return b->arg >= 0 && b->arg <= 9 ? digit_label[b->arg] : "";
    case ACT_DEMO_CARD:
        return _(demo_card_label[b->arg ? 1 : 0]);
    default:
        break;
    }
    if ((size_t)b->act < n && action_label[b->act])
        return b->act == ACT_NONE ? "" : _(action_label[b->act]);
    return "";
}

/* Keys are named as they are printed on a keyboard, in every language. */
const char *ui_key_name(int key, char buf[2])
{
    switch (key) {
    case 0: return NULL;
    case KEY_CODE_ESC: return "Esc";
    case KEY_CODE_ENTER: return "Enter";
    case KEY_CODE_BACKSPACE: return "BS";
    default: break;
    }
    if (key <= ' ' || key >= 127)
        return NULL;
    buf[0] = (char)toupper(key);
    buf[1] = '\0';
    return buf;
}

/* The button's look: " [K] label ", or " [ K ] " when the label is the
 * key itself (digits), or " label " with no key. The spaces belong to the
 * button so that the reverse-video focus reads as a block. */
static int button_text(const struct button *b, char *out, size_t n)
{
    char kb[2];
    const char *key = ui_key_name(b->key, kb), *label = ui_label(b);

    if (key && (!*label || strcmp(key, label) == 0))
        return snprintf(out, n, " [ %s ] ", key);
    if (key)
        return snprintf(out, n, " [%s] %s ", key, label);
    return snprintf(out, n, " %s ", label);
}

int ui_button_width(const struct button *b)
{
    char text[256];

    button_text(b, text, sizeof text);
    return layout_width(text);
}

static void record(struct ui *u, const struct button *b, int y, int x, int w)
{
    if (u->hits->n >= HITMAP_MAX)
        return; /* cannot happen: VIEW_MAX_BUTTONS + demo < HITMAP_MAX */
    struct hit *h = &u->hits->hit[u->hits->n++];
    *h = (struct hit){.y = y, .x = x, .h = 1, .w = w, .b = *b};
}

static int draw_one(struct ui *u, const struct button *b, bool focused, int y,
                    int x, int maxw)
{
    char text[256];
    attr_t a = ui_attr(focused ? UI_FOCUS : UI_BUTTON);

    button_text(b, text, sizeof text);
    attron(a);
    int w = put_fit(y, x, maxw, text);
    attroff(a);
    record(u, b, y, x, w);
    return w;
}

int ui_button(struct ui *u, int i, int y, int x)
{
    if (i < 0 || i >= u->v->nbuttons)
        return 0;
    u->drawn[i] = true;
    return draw_one(u, &u->v->buttons[i], i == u->v->focus, y, x,
                    u->bx + u->bw - x);
}

int ui_find(const struct view *v, enum action act)
{
    for (int i = 0; i < v->nbuttons; i++)
        if (v->buttons[i].act == act)
            return i;
    return -1;
}

/* Which row of a left-to-right packing each waiting button goes on;
 * returns the number of rows. */
static int pack_rows(const struct ui *u, const int *idx, int n, int *row)
{
    int rows = 1, used = 0;

    for (int k = 0; k < n; k++) {
        int w = ui_button_width(&u->v->buttons[idx[k]]);

        if (used > 0 && used + BUTTON_GAP + w > u->cw) {
            rows++;
            used = 0;
        }
        row[k] = rows - 1;
        used += (used > 0 ? BUTTON_GAP : 0) + w;
    }
    return rows;
}

void ui_buttons(struct ui *u)
{
    int idx[VIEW_MAX_BUTTONS], row[VIEW_MAX_BUTTONS], n = 0;

    for (int i = 0; i < u->v->nbuttons && i < VIEW_MAX_BUTTONS; i++)
        if (!u->drawn[i])
            idx[n++] = i;
    if (n == 0)
        return;
    int rows = pack_rows(u, idx, n, row);
    /* A blank row between button rows when there is room: easier to hit. */
    int step = u->ybot - u->y >= 6 * rows ? 2 : 1;
    int y0 = u->ybot - (rows - 1) * step - 1, x = u->cx, r = 0;

    for (int k = 0; k < n; k++) {
        if (row[k] != r) {
            r = row[k];
            x = u->cx;
        }
        x += ui_button(u, idx[k], y0 + r * step, x) + BUTTON_GAP;
    }
    u->ybot = y0 - 1; /* a blank row between the words and the buttons */
}

void ui_button_list(struct ui *u)
{
    int n = 0;

    for (int i = 0; i < u->v->nbuttons; i++)
        n += !u->drawn[i];
    int step = u->ybot - u->y >= 2 * n ? 2 : 1;

    for (int i = 0; i < u->v->nbuttons && u->y < u->ybot; i++) {
        if (u->drawn[i])
            continue;
        ui_button(u, i, u->y, u->cx);
        u->y += step;
    }
}
