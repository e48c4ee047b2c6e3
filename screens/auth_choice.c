/*
 * auth_choice.c - how the person shows it is them: the PIN, the face
 * check, a check by staff (what the configuration offers and this person
 * can still use), or, when nothing is left, what to do about a locked PIN
 * or, where the PIN is not offered, where else to register. The PIN's
 * words (its tries, its lock) only where the configuration offers it.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

static const char *locked_why(void)
{
    return _("The PIN of this card is locked, because a wrong PIN was "
             "entered too many times.");
}

static const char *locked_reset(void)
{
    return _("It can be set again at your municipal office (city, ward, town "
             "or village office). Please bring this card with you. The PIN to "
             "set again is the user-authentication PIN "
             "(利用者証明用電子証明書の暗証番号), which has 4 digits.");
}

/* Locked and no other way offered: the locked-PIN guidance. */
static void draw_locked(struct ui *u)
{
    const char *const text[] = {
        locked_why(),
        locked_reset(),
        _("This kiosk cannot register the card until then. Please press "
          "Esc to finish."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 3);
    ui_gap(u);
    ui_help(u);
}

/* Locked, but the face check or staff can still confirm it is them. */
static void draw_locked_other_ways(struct ui *u)
{
    const char *const text[] = {
        locked_why(),
        locked_reset(),
        _("You can still confirm that it is you another way: please choose "
          "one below."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 3);
}

/* No PIN at this kiosk, and the face checks used up: no way is left. */
static void draw_none_left(struct ui *u)
{
    const char *const text[] = {
        _("The face check cannot be used again for this card now, and this "
          "kiosk has no other way to confirm that it is you."),
        _("You can register the card at a hospital or pharmacy card reader "
          "with face recognition, or ask at your municipal office."),
        _("Please press Esc."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 3);
    ui_gap(u);
    ui_help(u);
}

static void draw_choice(struct ui *u)
{
    bool others = u->v->auth.alternatives, pin = u->v->auth.pin_offered;
    int n = u->v->tries_left;
    char *tries = pin ? ui_fmt(ngettext("The PIN can be entered %d more time "
                                        "before it locks.",
                                        "The PIN can be entered %d more "
                                        "times before it locks.",
                                        (unsigned long)n), n)
                      : NULL;
    const char *const text[] = {
        others ? _("Please choose how to confirm that it is you.")
               : _("Please confirm that it is you with your PIN."),
        pin ? _("This is the 4-digit PIN of the user-authentication "
                "certificate (利用者証明用電子証明書の暗証番号) that you "
                "chose when you received the card.")
            : NULL,
        tries,
        others ? _("A card received without a PIN (顔認証マイナンバーカード) "
                   "can be registered here with one of the other ways below.")
               : _("A card received without a PIN (顔認証マイナンバーカード) "
                   "cannot be registered here. Please register it at a "
                   "hospital or pharmacy card reader with face recognition, "
                   "or ask at your municipal office."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_TEXT, UI_TEXT, UI_TEXT};

    ui_paras(u, text, role, 4);
    free(tries);
}

void draw_auth_choice(struct ui *u)
{
    const struct auth_view *a = &u->v->auth;
    bool locked = u->v->locked && a->pin_offered;

    ui_frame(u, locked ? _("Your PIN is locked")
                       : _("How to confirm it is you"));
    ui_buttons(u);
    ui_gap(u);
    if (locked && a->alternatives)
        draw_locked_other_ways(u);
    else if (locked)
        draw_locked(u);
    else if (!a->pin_offered && !a->alternatives)
        draw_none_left(u);
    else
        draw_choice(u);
}
