/*
 * ui_text.c - paragraphs wrapped by display width into the body, and the
 * sentences every screen may need (help line, please wait).
 *
 * Text goes down from u->y and stops at u->ybot, above the buttons; what
 * does not fit is cut with "..." and reported in u->overflow, never lost
 * without a trace.
 */
#include "screens/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/i18n.h"
#include "screens/layout.h"

/* Enough for any paragraph the screens hold at 80 columns and more;
 * longer ones are cut visibly and reported, never silently. */
#define TEXT_LINES 64

/* Append text, trimmed, as one line of the screen's words. A text that
 * does not fit whole is left out rather than cut inside a character. */
void ui_say(struct ui *u, const char *text)
{
    char *words = u->hits->words;
    size_t used = strlen(words), len;

    text += strspn(text, " ");
    len = strlen(text);
    while (len > 0 && text[len - 1] == ' ')
        len--;
    if (len == 0 || used + len + 2 > sizeof u->hits->words)
        return;
    memcpy(words + used, text, len);
    words[used + len] = '\n';
    words[used + len + 1] = '\0';
}

int ui_text_rows(const char *text, int w)
{
    int n = layout_wrap(text, w, NULL, 0);

    return n < 0 ? 0 : n;
}

/* The last line that fits, with "..." to show that more was cut. */
static void put_cut(int y, int x, int w, const char *s, size_t len)
{
    int used;
    size_t n = layout_fit(s, len, w > 3 ? w - 3 : 0, &used);

    mvaddnstr(y, x, s, (int)n);
    if (used + 3 <= w)
        addstr("...");
}

int ui_text_at(struct ui *u, int y, int x, int w, int rows, const char *text,
               enum ui_role r)
{
    struct layout_line l[TEXT_LINES];
    int n = w > 0 ? layout_wrap(text, w, l, TEXT_LINES) : -1;
    int shown = n < 0 ? 0 : n;

    if (shown > TEXT_LINES)
        shown = TEXT_LINES;
    if (shown > rows)
        shown = rows > 0 ? rows : 0;
    bool cut = n < 0 || shown < n;
    attr_t a = ui_attr(r);

    attron(a);
    for (int i = 0; i < shown; i++) {
        const char *s = text + l[i].start;

        if (cut && i == shown - 1)
            put_cut(y + i, x, w, s, l[i].len);
        else
            mvaddnstr(y + i, x, s, (int)l[i].len);
    }
    attroff(a);
    if (cut && *text)
        u->overflow = u->hits->overflow = true;
    ui_say(u, text);
    return shown;
}

void ui_para(struct ui *u, const char *text, enum ui_role r)
{
    u->y += ui_text_at(u, u->y, u->cx, u->cw, u->ybot - u->y, text, r);
}

void ui_gap(struct ui *u)
{
    if (u->y < u->ybot)
        u->y++;
}

void ui_paras(struct ui *u, const char *const *texts,
              const enum ui_role *roles, int n)
{
    int need = -1;

    for (int i = 0; i < n; i++)
        if (texts[i])
            need += ui_text_rows(texts[i], u->cw) + 1;
    bool gaps = need <= u->ybot - u->y;
    bool first = true;

    for (int i = 0; i < n; i++) {
        if (!texts[i])
            continue;
        if (!first && gaps)
            ui_gap(u);
        ui_para(u, texts[i], roles ? roles[i] : UI_TEXT);
        first = false;
    }
}

int ui_paras_rows(const struct ui *u, const char *const *texts, int n)
{
    int rows = 0;

    for (int i = 0; i < n; i++)
        if (texts[i])
            rows += ui_text_rows(texts[i], u->cw);
    return rows;
}

void ui_centre(struct ui *u, const char *text, enum ui_role r)
{
    int w = layout_width(text);

    if (w > u->cw || u->y >= u->ybot) {
        ui_para(u, text, r);
        return;
    }
    attr_t a = ui_attr(r);
    attron(a);
    mvaddstr(u->y, u->cx + (u->cw - w) / 2, text);
    attroff(a);
    ui_say(u, text);
    u->y++;
}

void ui_help(struct ui *u)
{
    ui_para(u, _("If you need help, call the My Number toll-free line "
                 "(マイナンバー総合フリーダイヤル) 0120-95-0178: weekdays "
                 "9:30-20:00, weekends and holidays 9:30-17:30, closed over "
                 "the New Year."), UI_TEXT);
}

void ui_wait(struct ui *u, const char *text)
{
    ui_centre(u, text, UI_STRONG);
}
