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
#include <stdlib.h>
#include <string.h>

#include "kiosk/i18n.h"
#include "screens/layout.h"

/* ---- attributes ---- */

#define BUTTON_GAP 2 /* columns between two buttons on a row */

enum { PAIR_TITLE = 1, PAIR_WARN, PAIR_ALARM, PAIR_GOOD, PAIR_FOCUS,
       PAIR_TEXT };

static bool colours;
static enum screen_theme theme = THEME_COLOUR;

void screens_set_theme(enum screen_theme t)
{
    theme = t;
}

/* Bright white on black, the title reversed, focus and alarms in black
 * on yellow: the pairs with the most contrast a terminal has. */
static void high_contrast_pairs(void)
{
    init_pair(PAIR_TEXT, COLOR_WHITE, COLOR_BLACK);
    init_pair(PAIR_TITLE, COLOR_BLACK, COLOR_WHITE);
    init_pair(PAIR_WARN, COLOR_YELLOW, COLOR_BLACK);
    init_pair(PAIR_ALARM, COLOR_BLACK, COLOR_YELLOW);
    init_pair(PAIR_GOOD, COLOR_CYAN, COLOR_BLACK);
    init_pair(PAIR_FOCUS, COLOR_BLACK, COLOR_YELLOW);
    bkgdset(' ' | COLOR_PAIR(PAIR_TEXT));
}

void ui_init_colours(void)
{
    colours = false;
    if (theme == THEME_MONO || !has_colors() || start_color() == ERR)
        return;
    colours = true;
    if (theme == THEME_HIGH_CONTRAST) {
        high_contrast_pairs();
        return;
    }
    short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
    init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
    init_pair(PAIR_WARN, COLOR_RED, bg);
    init_pair(PAIR_ALARM, COLOR_WHITE, COLOR_RED);
    init_pair(PAIR_GOOD, COLOR_GREEN, bg);
}

static attr_t pair(int p)
{
    return colours ? (attr_t)COLOR_PAIR(p) : A_NORMAL;
}

/* High contrast: everything bold (bright), emphasis by underline. */
static attr_t high_contrast_attr(enum ui_role r)
{
    switch (r) {
    case UI_STRONG: return A_BOLD | A_UNDERLINE | pair(PAIR_TEXT);
    case UI_TITLE: return A_BOLD | (colours ? pair(PAIR_TITLE) : A_REVERSE);
    case UI_WARN: return A_BOLD | A_UNDERLINE | pair(PAIR_WARN);
    case UI_ALARM: return A_BOLD | (colours ? pair(PAIR_ALARM) : A_REVERSE);
    case UI_GOOD: return A_BOLD | pair(PAIR_GOOD);
    case UI_FOCUS:
        return A_BOLD | (colours ? pair(PAIR_FOCUS) : A_REVERSE);
    case UI_BUTTON: case UI_TEXT: break;
    }
    return A_BOLD | pair(PAIR_TEXT);
}

/* Each role must still stand out on a monochrome terminal: colour only
 * ever adds to bold, underline or reverse. */
attr_t ui_attr(enum ui_role r)
{
    if (theme == THEME_HIGH_CONTRAST)
        return high_contrast_attr(r);
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
    hits->words[0] = '\0';
    hits->overflow = false;
    u->w = COLS < UI_MAX_COLS ? COLS : UI_MAX_COLS;
    u->h = LINES < UI_MAX_LINES ? LINES : UI_MAX_LINES;
    ui_place(u, (LINES - u->h) / 2, (COLS - u->w) / 2, u->h, u->w);
}

void ui_place(struct ui *u, int top, int left, int h, int w)
{
    u->top = top;
    u->left = left;
    u->h = h;
    u->w = w;
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

/* The frame's lines: ncurses' line drawing, or plain ASCII where the
 * terminal is not UTF-8 (a console's line drawing may not survive). */
enum frame_part { F_UL, F_UR, F_LL, F_LR, F_H, F_V, F_LT, F_RT };

static chtype frame_ch(enum frame_part p)
{
    static const char ascii[] = "++++-|++";

    if (i18n_ascii())
        return (chtype)ascii[p];
    switch (p) {
    case F_UL: return ACS_ULCORNER;
    case F_UR: return ACS_URCORNER;
    case F_LL: return ACS_LLCORNER;
    case F_LR: return ACS_LRCORNER;
    case F_H: return ACS_HLINE;
    case F_V: return ACS_VLINE;
    case F_LT: return ACS_LTEE;
    case F_RT: break;
    }
    return ACS_RTEE;
}

static void separator(const struct ui *u, int y)
{
    mvaddch(y, u->left, frame_ch(F_LT));
    mvhline(y, u->left + 1, frame_ch(F_H), u->w - 2);
    mvaddch(y, u->left + u->w - 1, frame_ch(F_RT));
}

static void outline(const struct ui *u)
{
    int t = u->top, l = u->left, b = t + u->h - 1, r = l + u->w - 1;

    mvaddch(t, l, frame_ch(F_UL));
    mvhline(t, l + 1, frame_ch(F_H), u->w - 2);
    mvaddch(t, r, frame_ch(F_UR));
    mvvline(t + 1, l, frame_ch(F_V), u->h - 2);
    mvvline(t + 1, r, frame_ch(F_V), u->h - 2);
    mvaddch(b, l, frame_ch(F_LL));
    mvhline(b, l + 1, frame_ch(F_H), u->w - 2);
    mvaddch(b, r, frame_ch(F_LR));
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

/* The public demo's last minute, right-aligned so that it ends at end;
 * returns its width. */
static int countdown(const struct ui *u, int y, int end)
{
    char *text = ui_fmt(_("Demo ends in %d s"), u->x->countdown);
    int w = 0;

    if (text) {
        w = layout_width(text);
        attron(ui_attr(UI_WARN));
        mvaddstr(y, end - w, text);
        attroff(ui_attr(UI_WARN));
        free(text);
    }
    return w;
}

static void demo_line(struct ui *u, int y)
{
    const char *pin = _("DEMO: PIN 1234");
    struct button card = {
        .act = ACT_DEMO_CARD, .arg = u->x->demo_card_in, .key = 'c',
    };
    int x = u->bx, end = u->bx + u->bw;

    if (u->x->countdown > 0)
        end -= countdown(u, y, end) + BUTTON_GAP;
    x += put_fit(y, x, end - x, pin) + 3;
    /* The card button whole or not at all (F2 and C still work). */
    if (x + ui_button_width(&card) <= end)
        x += draw_one(u, &card, false, y, x, end - x) + 1;
    /* A hint, whole or not at all (the QR code page's narrow frame). */
    if (x + layout_width(_("(or F2)")) <= end)
        put_fit(y, x, end - x, _("(or F2)"));
}

/* The footer holds what every screen offers: the way out (Esc) and the
 * "Language" button that opens the picker. On the attract screen and in
 * the picker the languages are the screen's own content, in the body.
 * Where the footer is too narrow for the "Language" button whole (the
 * frame beside a QR code), it joins the body's buttons (ui_buttons). */
static void footer(struct ui *u)
{
    int y = u->top + u->h - 1 - footer_rows(u);
    const char *help = _("Help: 0120-95-0178");
    int x = u->bx, help_w = layout_width(help), i = way_out(u->v);

    separator(u, y - 1);
    if (i >= 0)
        x += ui_button(u, i, y, x) + BUTTON_GAP;
    for (int k = 0; k < u->v->nbuttons; k++)
        if (u->v->buttons[k].act == ACT_LANGUAGES && !u->drawn[k] &&
            x + ui_button_width(&u->v->buttons[k]) <= u->bx + u->bw)
            x += ui_button(u, k, y, x) + BUTTON_GAP;
    if (x + help_w <= u->bx + u->bw)
        mvaddstr(y, u->bx + u->bw - help_w, help);
    if (u->x && u->x->demo)
        demo_line(u, y + 1);
}

void ui_frame(struct ui *u, const char *title)
{
    ui_say(u, title);
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
    /* TRANSLATORS: the button that opens the list of languages. Keep the
       English word "Language" after yours, so that a visitor who cannot
       read this language still finds it. */
    [ACT_LANGUAGES] = N_("Language"),
    /* TRANSLATORS: leaves the list of languages, back to the screen it
       was opened on. */
    [ACT_CLOSE] = N_("Back"),
    [ACT_INFO] = N_("About マイナ保険証"),
    [ACT_TOPICS] = N_("Other topics"),
    [ACT_NEXT] = N_("Next page"),
    [ACT_PREV] = N_("Previous page"),
    [ACT_PRINT] = N_("Print a receipt"),
    [ACT_USE_FACE] = N_("Face check with the camera"),
    [ACT_USE_STAFF] = N_("Ask a member of staff to check"),
    [ACT_FACE_RETRY] = N_("Try the face check again"),
    [ACT_OTHER_WAY] = N_("Choose another way"),
    [ACT_SAME_PERSON] = N_("Same person: confirm"),
    [ACT_NOT_SAME] = N_("Not the same person"),
    [ACT_TEST_PRINT] = N_("Print a test receipt"),
    [ACT_HOME_LANG] = N_("Change the starting language"),
    [ACT_LEAVE] = N_("Leave the kiosk program"),
    [ACT_LEAVE_YES] = N_("Yes, end the kiosk program"),
    [ACT_STAFF_DONE] = N_("Close staff mode"),
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
    case ACT_TOPIC:
        return info_topic_title(b->arg);
    case ACT_NEXT:
        return b->arg ? _("QR code for your phone") : _(action_label[ACT_NEXT]);
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
 * button so that the reverse-video focus reads as a block; when focused
 * they become ">" and "<", which show the focus without colour or
 * reverse video, in the same width. */
static int button_text(const struct button *b, bool focused, char *out,
                       size_t n)
{
    char kb[2];
    const char *key = ui_key_name(b->key, kb), *label = ui_label(b);
    char l = focused ? '>' : ' ', r = focused ? '<' : ' ';

    if (key && (!*label || strcmp(key, label) == 0))
        return snprintf(out, n, "%c[ %s ]%c", l, key, r);
    if (key)
        return snprintf(out, n, "%c[%s] %s%c", l, key, label, r);
    return snprintf(out, n, "%c%s%c", l, label, r);
}

int ui_button_width(const struct button *b)
{
    char text[256];

    button_text(b, false, text, sizeof text);
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

    if (b->act != ACT_DIGIT && b->act != ACT_DEMO_CARD) {
        button_text(b, false, text, sizeof text);
        ui_say(u, text); /* the keypad's digits would only be noise */
    }
    button_text(b, focused, text, sizeof text);
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
