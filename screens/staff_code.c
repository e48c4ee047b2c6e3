/*
 * staff_code.c - see staff_code.h. Laid out like the PIN screen: words in
 * a column on the left, the keypad on the right, so both fit 80x24.
 */
#include "screens/staff_code.h"

#include <stdlib.h>

#include "kiosk/i18n.h"
#include "kiosk/staff.h"

/* "[*]" per digit typed, on one row; "*" each when the row is narrow. */
static void code_masks(struct ui *u, int len)
{
    const char *mask = len * 3 <= u->cw ? "[*]" : "*";
    attr_t a = ui_attr(UI_STRONG);

    if (u->y >= u->ybot)
        return;
    attron(a);
    move(u->y, u->cx);
    for (int i = 0; i < len; i++)
        addstr(mask);
    if (len == 0)
        addstr("[ ]");
    attroff(a);
    u->y++;
}

static void draw_locked(struct ui *u, const char *why)
{
    int n = u->v->auth.locked_minutes;
    char *left = ui_fmt(ngettext("Staff entry is locked after too many wrong "
                                 "staff codes. It opens again in %d minute.",
                                 "Staff entry is locked after too many wrong "
                                 "staff codes. It opens again in %d minutes.",
                                 (unsigned long)n), n);
    const char *const text[] = {
        why,
        left,
        u->v->state == ST_FACE_CHECK
            ? _("Please choose another way, or press Esc to finish.")
            : _("Please press Esc."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_WARN, UI_TEXT};

    ui_buttons(u);
    ui_paras(u, text, role, 3);
    free(left);
}

/* Under the masks: what went wrong last, or how long a code is. */
static char *status_text(const struct view *v, enum ui_role *role)
{
    int n = v->auth.code_tries_left;

    *role = UI_WARN;
    if (v->auth.code_wrong)
        return ui_fmt(ngettext("That staff code is not right. %d more wrong "
                               "code locks staff entry.",
                               "That staff code is not right. %d more wrong "
                               "codes lock staff entry.", (unsigned long)n), n);
    *role = UI_TEXT;
    return ui_fmt(_("The staff code has %d to %d digits. Then press OK."),
                  AUTH_CODE_MIN, AUTH_CODE_MAX);
}

void draw_staff_code(struct ui *u, const char *why)
{
    enum ui_role status_role;
    char *status;

    ui_gap(u);
    if (u->v->auth.locked_minutes > 0) {
        draw_locked(u, why);
        return;
    }
    if (ui_find(u->v, ACT_DIGIT) >= 0) {
        int kx = u->bx + u->bw - ui_keypad_width(u);

        ui_keypad(u, u->y, kx, u->ybot - u->y);
        ui_column(u, u->bx, kx - u->bx - 3);
    }
    ui_buttons(u);
    ui_para(u, why, UI_STRONG);
    ui_gap(u);
    ui_para(u, _("Staff: please enter your staff code."), UI_TEXT);
    code_masks(u, u->v->auth.code_len);
    ui_gap(u);
    if (u->v->auth.code_checking) {
        ui_wait(u, _("Checking the staff code. Please wait."));
        return;
    }
    status = status_text(u->v, &status_role);
    ui_para(u, status, status_role);
    free(status);
    if (u->x && u->x->demo_staff) {
        char *demo = ui_fmt(_("DEMO: the staff code is %s."), STAFF_DEMO_CODE);

        ui_gap(u);
        ui_para(u, demo, UI_TEXT);
        free(demo);
    }
}
