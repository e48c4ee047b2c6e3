/*
 * face_check.c - the alternatives to the PIN: the camera's face check
 * (what to do, a countdown, what happened), and the staff visual check
 * (the staff code, then staff compare the person with the card's photo).
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "kiosk/input.h"
#include "screens/staff_code.h"
#include "screens/ui.h"

static void draw_demo_keys(struct ui *u)
{
    char *keys = ui_fmt(_("DEMO: there is no camera. Press %c for a match, "
                          "%c for no match or %c for a camera error; or "
                          "wait for the time-out."),
                        input_demo_face_key(FACE_MATCH) - 'a' + 'A',
                        input_demo_face_key(FACE_NO_MATCH) - 'a' + 'A',
                        input_demo_face_key(FACE_ERROR) - 'a' + 'A');

    ui_gap(u);
    ui_para(u, keys, UI_TEXT);
    free(keys);
}

static void draw_matching(struct ui *u)
{
    int n = u->v->countdown;
    char *left = ui_fmt(ngettext("%d second left.", "%d seconds left.",
                                 (unsigned long)n), n);
    const char *const text[] = {
        _("Please look straight at the camera."),
        _("Take off a mask, sunglasses or a hat, and keep still until the "
          "check ends. Leave the card in the reader."),
        left,
        _("To stop, press Esc."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_TEXT, UI_WARN, UI_TEXT};

    ui_buttons(u);
    ui_gap(u);
    ui_paras(u, text, role, 4);
    free(left);
    if (u->x && u->x->demo_matcher)
        draw_demo_keys(u);
}

static const char *failure_text(enum face_outcome o)
{
    switch (o) {
    case FACE_NO_MATCH:
        return _("The face check could not confirm that you are the holder "
                 "of this card.");
    case FACE_TIMEOUT:
        return _("The face check took too long and was stopped.");
    default:
        return _("The camera could not check your face this time.");
    }
}

static void draw_failed(struct ui *u)
{
    int n = u->v->auth.face_left;
    char *more = n > 0
        ? ui_fmt(ngettext("You can try the face check %d more time, or "
                          "choose another way.",
                          "You can try the face check %d more times, or "
                          "choose another way.", (unsigned long)n), n)
        : NULL;
    const char *const text[] = {
        failure_text(u->v->auth.face_last),
        more ? more
             : _("The face check cannot be used again for this card now. "
                 "Please choose another way, or ask at your municipal "
                 "office."),
    };
    const enum ui_role role[] = {UI_WARN, UI_STRONG};

    ui_buttons(u);
    ui_gap(u);
    ui_paras(u, text, role, 2);
    free(more);
}

static void draw_look(struct ui *u)
{
    char *who = ui_fmt(_("For staff (%s): please compare the person with "
                         "the photo on the card."), u->v->auth.staff_id);
    const char *const text[] = {
        who,
        _("Confirm only if the person in front of you is the holder of "
          "this card. The registration records that you confirmed it, "
          "with your staff id."),
    };
    const enum ui_role role[] = {UI_STRONG, UI_TEXT};

    ui_buttons(u);
    ui_gap(u);
    ui_paras(u, text, role, 2);
    free(who);
}

void draw_face_check(struct ui *u)
{
    switch (u->v->auth.face_mode) {
    case FACE_MATCHING:
        ui_frame(u, _("Face check"));
        draw_matching(u);
        break;
    case FACE_FAILED:
        ui_frame(u, _("Face check"));
        draw_failed(u);
        break;
    case FACE_STAFF_CODE:
        ui_frame(u, _("Check by staff"));
        draw_staff_code(u, _("A member of staff will check that you are "
                             "the holder of this card."));
        break;
    case FACE_STAFF_LOOK:
        ui_frame(u, _("Check by staff"));
        draw_look(u);
        break;
    }
}
