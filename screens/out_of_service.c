/*
 * out_of_service.c - no reader: send the person elsewhere. The kiosk comes
 * back by itself when the reader does.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_out_of_service(struct ui *u)
{
    ui_frame(u, _("Out of service"));
    ui_buttons(u);
    const char *const text[] = {
        _("Sorry, this kiosk cannot be used right now."),
        _("The card reader is not available. Please use another kiosk, or "
          "ask a member of staff."),
        _("This kiosk starts again by itself when the reader is back."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_TEXT};

    ui_gap(u);
    ui_paras(u, text, role, 3);
    ui_gap(u);
    ui_help(u);
}
