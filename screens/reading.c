/*
 * reading.c - the card is being read: wait, do not pull it out.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_reading(struct ui *u)
{
    ui_frame(u, _("Reading your card"));
    ui_buttons(u);
    ui_gap(u);
    ui_para(u, _("Your card is being read."), UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Please leave the card in the reader until this is "
                 "finished. Taking it out now would stop the reading."),
            UI_TEXT);
    ui_gap(u);
    ui_wait(u, _("Please wait a moment."));
}
