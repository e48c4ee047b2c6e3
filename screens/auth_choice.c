/*
 * auth_choice.c - how the person shows it is them: the PIN, or, when the
 * PIN is locked, what to do about it.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

static void draw_locked(struct ui *u)
{
    const char *const text[] = {
        _("The PIN of this card is locked, because a wrong PIN was "
          "entered too many times."),
        _("It can be set again at your municipal office (city, ward, town "
          "or village office). Please bring this card with you. The PIN to "
          "set again is the user-authentication PIN "
          "(利用者証明用電子証明書の暗証番号), which has 4 digits."),
        _("This kiosk cannot register the card until then. Please press "
          "Esc to finish."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 3);
    ui_gap(u);
    ui_help(u);
}

static void draw_choice(struct ui *u)
{
    int n = u->v->tries_left;
    char *tries = ui_fmt(ngettext("The PIN can be entered %d more time "
                                  "before it locks.",
                                  "The PIN can be entered %d more times "
                                  "before it locks.", (unsigned long)n), n);
    const char *const text[] = {
        _("Please confirm that it is you with your PIN."),
        _("This is the 4-digit PIN of the user-authentication certificate "
          "(利用者証明用電子証明書の暗証番号) that you chose when you "
          "received the card."),
        tries,
        _("A card received without a PIN (顔認証マイナンバーカード) cannot "
          "be registered here. Please register it at a hospital or "
          "pharmacy card reader with face recognition, or ask at your "
          "municipal office."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_TEXT, UI_TEXT, UI_TEXT};

    ui_paras(u, text, role, 4);
    free(tries);
}

void draw_auth_choice(struct ui *u)
{
    ui_frame(u, u->v->locked ? _("Your PIN is locked")
                             : _("How to confirm it is you"));
    ui_buttons(u);
    ui_gap(u);
    if (u->v->locked)
        draw_locked(u);
    else
        draw_choice(u);
}
