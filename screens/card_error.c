/*
 * card_error.c - the card in the reader cannot be used: say why, what to
 * try, and ask for it back.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

static const char *why(enum failure f)
{
    if (f == FAIL_FOREIGN)
        return _("This does not seem to be a My Number card, or the card "
                 "was inserted the wrong way round.");
    return _("The card could not be read.");
}

static const char *what_to_do(enum failure f)
{
    if (f == FAIL_FOREIGN)
        return _("Please take the card out. Check that it is your My Number "
                 "card, turn it the right way round, and insert it again.");
    return _("Please take the card out, check that it is the right way "
             "round and that its gold contacts are clean, and try once "
             "more. If it still cannot be read, the card may be damaged: "
             "please ask at your municipal office.");
}

void draw_card_error(struct ui *u)
{
    ui_frame(u, _("This card could not be used"));
    ui_buttons(u);
    const char *const text[] = {
        why(u->v->failure),
        what_to_do(u->v->failure),
        _("Please take your card now."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 3);
    ui_gap(u);
    ui_help(u);
}
