/*
 * attract.c - the waiting screen: a greeting, "insert your card", and the
 * languages, each named in its own script.
 *
 * The greeting goes through the offered languages in turn (the flow's
 * timer says which, view->greet), each in its own words from its own
 * catalogue, so that a person sees their language before choosing it.
 * Everything else is in the language in use.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

/* TRANSLATORS: the attract screen's greeting, shown in every language in
   turn, large and alone on its line: keep it short. */
static const char *const greeting = N_("Welcome. Please insert your card.");

void draw_attract(struct ui *u)
{
    ui_frame(u, _("My Number card: health insurance registration"));
    ui_buttons(u);
    ui_gap(u);
    ui_centre(u, i18n_text_in(u->v->greet, greeting), UI_STRONG);
    ui_gap(u);
    const char *const text[] = {
        _("Here you can register your My Number card to use it as your "
          "health insurance card. Please insert your card into the card "
          "reader."),
        _("You will need the 4-digit PIN of your card. It takes a few "
          "minutes."),
        ui_find(u->v, ACT_LANG) >= 0
            ? _("To change the language, choose it below.") : NULL,
    };
    const enum ui_role role[] = {UI_TEXT, UI_TEXT, UI_TEXT};

    ui_paras(u, text, role, 3);
}
