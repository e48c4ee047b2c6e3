/*
 * confirm.c - one last look before registering: what, and by which method.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_confirm(struct ui *u)
{
    ui_frame(u, _("Please check before registering"));
    ui_buttons(u);
    int ok = ui_find(u->v, ACT_CONFIRM);
    char *go = ui_fmt(_("To register, choose \"%s\". To stop without "
                        "registering, press Esc."),
                      ok >= 0 ? ui_label(&u->v->buttons[ok]) : "");
    const char *const text[] = {
        _("Your PIN was right. This is what will be registered:"),
        _("What: this My Number card, to be used as your health insurance "
          "card (マイナ保険証)."),
        _("How you confirmed it was you: your PIN, checked by the card."),
        go,
    };
    const enum ui_role role[] = {UI_TEXT, UI_STRONG, UI_STRONG, UI_TEXT};

    ui_gap(u);
    ui_paras(u, text, role, 4);
    free(go);
}
