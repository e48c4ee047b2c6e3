/*
 * menu.c - what the person can do with the card that was read.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_menu(struct ui *u)
{
    ui_frame(u, _("What would you like to do?"));
    ui_gap(u);
    if (u->v->registered) {
        ui_para(u, _("This card is already registered as your health "
                     "insurance card."), UI_GOOD);
        ui_para(u, _("There is nothing more to do for that. You can check "
                     "when the certificate on your card expires."), UI_TEXT);
    } else {
        ui_para(u, _("Please choose one: press its number key or touch it."),
                UI_STRONG);
    }
    ui_gap(u);
    ui_button_list(u);
}
