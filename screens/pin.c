/*
 * pin.c - the 4-digit PIN: masks, tries left before typing, a keypad that
 * works by touch as well as by keys, and the warnings around a lock.
 *
 * The words go in a column on the left, the keypad on the right, so both
 * fit 80x24. The digits themselves never reach the screen: only how many.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

/* The line under the masks: what happened last, or the tries left. */
static char *status_text(const struct view *v, enum ui_role *role)
{
    unsigned long n = (unsigned long)v->tries_left;

    *role = UI_WARN;
    if (v->pin_wrong)
        return ui_fmt(ngettext("The PIN was wrong. You can try %d more "
                               "time.",
                               "The PIN was wrong. You can try %d more "
                               "times.", n), v->tries_left);
    *role = UI_TEXT;
    return ui_fmt(ngettext("You can try %d more time before the PIN locks.",
                           "You can try %d more times before the PIN locks.",
                           n), v->tries_left);
}

static void draw_words(struct ui *u)
{
    enum ui_role status_role;
    char *status = status_text(u->v, &status_role);

    ui_para(u, _("Please enter your 4-digit PIN."), UI_STRONG);
    ui_para(u, _("It is the PIN of the user-authentication certificate "
                 "(利用者証明用電子証明書の暗証番号)."), UI_TEXT);
    ui_gap(u);
    ui_pin_masks(u, u->v->pin_len);
    ui_gap(u);
    if (u->v->busy) {
        ui_wait(u, _("Checking your PIN. Please wait and leave the card "
                     "in the reader."));
    } else {
        const char *const text[] = {
            status,
            u->v->last_try
                ? _("Careful: this is the last try. If this PIN is wrong "
                    "too, it locks and must be set again at your "
                    "municipal office. If you are not sure, press Esc.")
                : _("Wrong tries add up, even those made at other places "
                    "or on other days. One right PIN sets the count back "
                    "to 3."),
            u->v->last_try ? NULL
                           : _("Use the number keys or touch the keypad."),
        };
        const enum ui_role role[] = {
            status_role, u->v->last_try ? UI_WARN : UI_TEXT, UI_TEXT,
        };
        ui_paras(u, text, role, 3);
    }
    free(status);
}

/* One try left and not yet acknowledged: the warning, before any digit. */
static void draw_last_try(struct ui *u)
{
    int go = ui_find(u->v, ACT_TRY_ANYWAY);
    char *ask = ui_fmt(_("If you are sure of your PIN, choose \"%s\". If "
                         "not, press Esc: the PIN can be set again at your "
                         "municipal office."),
                       go >= 0 ? ui_label(&u->v->buttons[go]) : "");
    const char *const text[] = {
        _("Only one try is left."),
        _("If the next PIN is wrong, the PIN locks and this card cannot be "
          "used until the PIN is set again at your municipal office."),
        ask,
    };
    const enum ui_role role[] = {UI_WARN, UI_STRONG, UI_TEXT};

    ui_paras(u, text, role, 3);
    free(ask);
}

void draw_pin(struct ui *u)
{
    ui_frame(u, _("Enter your PIN"));
    ui_gap(u);
    if (ui_find(u->v, ACT_DIGIT) >= 0) {
        int kx = u->bx + u->bw - ui_keypad_width(u);

        ui_keypad(u, u->y, kx, u->ybot - u->y);
        ui_column(u, u->bx, kx - u->bx - 3);
    }
    ui_buttons(u); /* "try anyway", under the words */
    if (ui_find(u->v, ACT_TRY_ANYWAY) >= 0)
        draw_last_try(u);
    else
        draw_words(u);
}
