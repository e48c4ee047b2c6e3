/*
 * registering.c - the registration is being recorded: wait, keep the card in.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_registering(struct ui *u)
{
    ui_frame(u, _("Registering"));
    ui_buttons(u);
    ui_gap(u);
    ui_para(u, _("Your card is being registered."), UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Please leave the card in the reader until this is "
                 "finished."), UI_TEXT);
    ui_gap(u);
    ui_wait(u, _("Please wait a moment."));
}
