/*
 * timeout_prompt.c - nobody has pressed anything for a while: more time?
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

void draw_timeout_prompt(struct ui *u)
{
    int n = u->v->countdown;

    ui_frame(u, _("Do you need more time?"));
    ui_buttons(u);
    char *left = ui_fmt(ngettext("Without an answer, this will end in %d "
                                 "second.",
                                 "Without an answer, this will end in %d "
                                 "seconds.", (unsigned long)n), n);
    const char *const text[] = {
        _("Nothing has been pressed for a while. Do you need more time?"),
        left,
        _("If it ends, nothing is registered and what you entered is "
          "erased. You can start again from the beginning."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_WARN, UI_TEXT};

    ui_gap(u);
    ui_paras(u, text, role, 3);
    free(left);
}
