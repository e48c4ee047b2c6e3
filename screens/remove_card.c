/*
 * remove_card.c - every session ends here while a card is in: take it.
 * When it is left too long, a loud line says so, with a button to stop
 * the sound (the shell rings; this screen only shows).
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

/* Three rows in the alarm's colours across the body: seen from a step away. */
static void alarm_banner(struct ui *u, const char *text)
{
    attr_t a = ui_attr(UI_ALARM);

    if (u->ybot - u->y < 3) {
        ui_para(u, text, UI_ALARM);
        return;
    }
    for (int i = 0; i < 3; i++)
        mvhline(u->y + i, u->cx, ' ' | a, u->cw);
    u->y++;
    ui_centre(u, text, UI_ALARM);
    u->y++;
}

void draw_remove_card(struct ui *u)
{
    ui_frame(u, _("Please take your card"));
    ui_buttons(u);
    ui_gap(u);
    if (u->v->alarm) {
        alarm_banner(u, _("Your card is still in the reader!"));
        ui_gap(u);
    }
    ui_para(u, _("Please take your card out of the card reader."), UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Thank you for using this kiosk. Please do not forget "
                 "your card."), UI_TEXT);
}
