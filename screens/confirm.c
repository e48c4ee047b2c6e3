/*
 * confirm.c - one last look before registering: what, and by which method.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

/* The first line and the method line, for the way the person was checked. */
static void method_text(const struct view *v, const char **first,
                        const char **how)
{
    switch (v->auth.method) {
    case AUTH_FACE:
        *first = _("The face check confirmed it is you. This is what will "
                   "be registered:");
        *how = _("How you confirmed it was you: the face check with the "
                 "camera.");
        break;
    case AUTH_STAFF:
        *first = _("A member of staff confirmed it is you. This is what "
                   "will be registered:");
        *how = _("How you confirmed it was you: a member of staff compared "
                 "you with the card's photo.");
        break;
    default:
        *first = _("Your PIN was right. This is what will be registered:");
        *how = _("How you confirmed it was you: your PIN, checked by the "
                 "card.");
        break;
    }
}

void draw_confirm(struct ui *u)
{
    ui_frame(u, _("Please check before registering"));
    ui_buttons(u);
    int ok = ui_find(u->v, ACT_CONFIRM);
    char *go = ui_fmt(_("To register, choose \"%s\". To stop without "
                        "registering, press Esc."),
                      ok >= 0 ? ui_label(&u->v->buttons[ok]) : "");
    const char *first, *how;

    method_text(u->v, &first, &how);
    const char *const text[] = {
        first,
        _("What: this My Number card, to be used as your health insurance "
          "card (マイナ保険証)."),
        how,
        go,
    };
    const enum ui_role role[] = {UI_TEXT, UI_STRONG, UI_STRONG, UI_TEXT};

    ui_gap(u);
    ui_paras(u, text, role, 4);
    free(go);
}
