/*
 * printing.c - see printing.h.
 */
#include "screens/printing.h"

#include "kiosk/i18n.h"

static const char *outcome_text(enum print_outcome o)
{
    switch (o) {
    case PRINT_OK:
        return _("Your receipt has been printed. Please take it.");
    case PRINT_MISSING:
        return _("No receipt: the receipt printer cannot be found. Nothing "
                 "else is affected.");
    case PRINT_OFFLINE:
        return _("No receipt: the receipt printer is not ready (switched "
                 "off, open or busy). Nothing else is affected.");
    case PRINT_NO_PAPER:
        return _("No receipt: the receipt printer is out of paper. Nothing "
                 "else is affected.");
    case PRINT_FAILED:
        break;
    }
    return _("No receipt: it could not be printed. Nothing else is "
             "affected.");
}

const char *ui_print_text(const struct view *v, enum ui_role *role)
{
    if (v->printing) {
        *role = UI_STRONG;
        return _("Printing your receipt...");
    }
    if (!v->print_answered)
        return NULL;
    *role = v->print_result == PRINT_OK ? UI_GOOD : UI_WARN;
    return outcome_text(v->print_result);
}

void ui_print_status(struct ui *u)
{
    enum ui_role role;
    const char *text = ui_print_text(u->v, &role);

    if (text) {
        ui_para(u, text, role);
        ui_gap(u);
    }
}

int ui_print_rows(const struct ui *u)
{
    enum ui_role role;
    const char *text = ui_print_text(u->v, &role);

    return text ? ui_text_rows(text, u->cw) + 1 : 0;
}

#define PARAS_MAX 8

void ui_print_paras(struct ui *u, const char *const *texts,
                    const enum ui_role *roles, int n, int optional)
{
    const char *t[PARAS_MAX + 1];
    enum ui_role r[PARAS_MAX + 1];
    int m = 1, gaps = -1, room = u->ybot - u->y;

    t[0] = ui_print_text(u->v, &r[0]);
    for (int i = 0; i < n && i < PARAS_MAX; i++, m++) {
        t[m] = texts[i];
        r[m] = roles ? roles[i] : UI_TEXT;
    }
    for (int i = 0; i < m; i++)
        gaps += t[i] != NULL;
    if (t[0] && optional >= 0 && optional < m - 1 && t[optional + 1]) {
        int packed = ui_paras_rows(u, t, m);
        int spaced = packed + gaps;
        int without = spaced - ui_text_rows(t[optional + 1], u->cw) - 1;

        /* When all would be cut, or only without it is there a blank
         * row between the paragraphs. */
        if (packed > room || (spaced > room && without <= room))
            t[optional + 1] = NULL;
    }
    ui_paras(u, t, r, m);
}
