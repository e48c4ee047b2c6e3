/*
 * staff.c - staff mode: behind the staff code, the reader's state, today's
 * counts from the ledger by method, a test receipt, the language new
 * people start in, and leaving the kiosk program.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/staff_code.h"
#include "screens/ui.h"

static const char *method_label(int m)
{
    switch (m) {
    case AUTH_PIN: return _("PIN");
    case AUTH_FACE: return _("Face check");
    default: return _("Staff check");
    }
}

/* Today's figures, one line per method. */
static void draw_counts(struct ui *u)
{
    const struct auth_view *a = &u->v->auth;

    ui_para(u, _("Today (Japan time):"), UI_STRONG);
    if (!a->counts_ok) {
        ui_para(u, _("Reading the ledger..."), UI_TEXT);
        return;
    }
    for (int m = 0; m < AUTH_METHODS; m++) {
        long r = a->counts.registered[m], f = a->counts.failed[m];
        char *line;

        if (r < 0 || f < 0) {
            ui_para(u, _("The ledger could not be read."), UI_WARN);
            return;
        }
        /* TRANSLATORS: a method, then today's registrations and failed
           identity checks with it, e.g. "PIN: 12 registered, 3 failed". */
        line = ui_fmt(_("%s: %ld registered, %ld failed"), method_label(m), r, f);
        ui_para(u, line, UI_TEXT);
        free(line);
    }
}

static const char *print_text(const struct view *v)
{
    if (!v->auth.printer)
        return _("No receipt printer is set up.");
    if (v->printing)
        return _("Printing a test receipt...");
    if (!v->print_answered)
        return NULL;
    switch (v->print_result) {
    case PRINT_OK: return _("The test receipt was printed.");
    case PRINT_MISSING: return _("The printer is not connected.");
    case PRINT_OFFLINE: return _("The printer is off-line.");
    case PRINT_NO_PAPER: return _("The printer is out of paper.");
    default: return _("The test receipt could not be printed.");
    }
}

static void draw_staff_menu(struct ui *u)
{
    const struct auth_view *a = &u->v->auth;
    char *who = ui_fmt(_("Staff: %s"), a->staff_id);
    char *lang = ui_fmt(_("New people start in: %s"),
                        lang_native_name(a->home_lang));
    const char *print = print_text(u->v);

    ui_buttons(u);
    ui_gap(u);
    ui_para(u, who, UI_STRONG);
    ui_para(u, a->reader_down ? _("Card reader: not available")
                              : _("Card reader: ready"),
            a->reader_down ? UI_WARN : UI_TEXT);
    ui_gap(u);
    draw_counts(u);
    ui_gap(u);
    ui_para(u, lang, UI_TEXT);
    if (print)
        ui_para(u, print, UI_TEXT);
    free(who);
    free(lang);
}

static void draw_leave(struct ui *u)
{
    const char *const text[] = {
        _("End the kiosk program?"),
        _("Nobody can use this kiosk until it is started again."),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT};

    ui_buttons(u);
    ui_gap(u);
    ui_paras(u, text, role, 2);
}

void draw_staff(struct ui *u)
{
    ui_frame(u, _("Staff mode"));
    switch (u->v->auth.staff_mode) {
    case STAFF_CODE:
        draw_staff_code(u, _("Staff mode is for staff only. If you are not "
                             "staff, please press Esc."));
        break;
    case STAFF_MENU:
        draw_staff_menu(u);
        break;
    case STAFF_LEAVE:
        draw_leave(u);
        break;
    }
}
