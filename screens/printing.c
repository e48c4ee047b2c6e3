/*
 * printing.c - see printing.h.
 */
#include "screens/printing.h"

#include "kiosk/i18n.h"

static const char *outcome_text(enum print_outcome o)
{
    switch (o) {
    case PRINT_OK:
        return _("Your receipt has been printed. Please take it.");
    case PRINT_MISSING:
        return _("No receipt: the receipt printer cannot be found. Nothing "
                 "else is affected.");
    case PRINT_OFFLINE:
        return _("No receipt: the receipt printer is not ready (switched "
                 "off, open or busy). Nothing else is affected.");
    case PRINT_NO_PAPER:
        return _("No receipt: the receipt printer is out of paper. Nothing "
                 "else is affected.");
    case PRINT_FAILED:
        break;
    }
    return _("No receipt: it could not be printed. Nothing else is "
             "affected.");
}

const char *ui_print_text(const struct view *v, enum ui_role *role)
{
    if (v->printing) {
        *role = UI_STRONG;
        return _("Printing your receipt...");
    }
    if (!v->print_answered)
        return NULL;
    *role = v->print_result == PRINT_OK ? UI_GOOD : UI_WARN;
    return outcome_text(v->print_result);
}

void ui_print_status(struct ui *u)
{
    enum ui_role role;
    const char *text = ui_print_text(u->v, &role);

    if (text) {
        ui_para(u, text, role);
        ui_gap(u);
    }
}
