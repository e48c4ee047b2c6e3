/*
 * language.c - the language picker: every offered language, each named
 * in its own script, opened by the "Language" button of any screen.
 * Choosing one, or Esc, goes back to that screen with nothing lost.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_language(struct ui *u)
{
    ui_frame(u, _("Language"));
    ui_buttons(u);
    ui_gap(u);
    ui_para(u, _("Please choose your language."), UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Nothing you have entered is lost: you go back to the "
                 "same screen."), UI_TEXT);
}
