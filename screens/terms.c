/*
 * terms.c - what registering means and what the kiosk keeps, before the
 * person agrees.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_terms(struct ui *u)
{
    ui_frame(u, _("Before you register"));
    ui_buttons(u);
    int agree = ui_find(u->v, ACT_AGREE);
    char *go = ui_fmt(_("If you agree, choose \"%s\". To stop, press Esc."),
                      agree >= 0 ? ui_label(&u->v->buttons[agree]) : "");
    const char *const text[] = {
        _("After registering, you can use this My Number card as your "
          "health insurance card (マイナ保険証) at hospitals, clinics and "
          "pharmacies."),
        _("This kiosk keeps only a code made from your card's certificate, "
          "how you confirmed it was you, and the date and time. It never "
          "reads or keeps your My Number, name or address."),
        _("Your PIN is checked by the card itself. The kiosk does not keep "
          "it."),
        go,
    };
    const enum ui_role role[] = {UI_TEXT, UI_TEXT, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 4);
    free(go);
}
