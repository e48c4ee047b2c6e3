/*
 * outcome.c - how it ended: registered, already registered, or failed (and
 * then what the person can do about it).
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

/* Where the insurance symbol and number are from now on. */
static const char *where_number(void)
{
    return _("You can see your insurance symbol and number (記号と番号) in "
             "the マイナポータル smartphone app. They are also on the "
             "資格情報のお知らせ your insurer sends you.");
}

static void draw_done(struct ui *u)
{
    const char *const text[] = {
        _("Your card is registered."),
        _("From now on you can use your My Number card as your health "
          "insurance card (マイナ保険証) at hospitals, clinics and "
          "pharmacies."),
        where_number(),
        _("Please finish and take your card."),
    };
    const enum ui_role role[] = {UI_GOOD, UI_TEXT, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 4);
}

static void draw_already(struct ui *u)
{
    const char *const text[] = {
        _("This card is already registered as your health insurance card."),
        _("There is nothing more to do. You can use it at hospitals, "
          "clinics and pharmacies as it is."),
        where_number(),
        _("Please finish and take your card."),
    };
    const enum ui_role role[] = {UI_GOOD, UI_TEXT, UI_TEXT, UI_STRONG};

    ui_paras(u, text, role, 4);
}

static const char *failure_text(enum failure f)
{
    switch (f) {
    case FAIL_CARD:
        return _("The card could not be checked. It may have moved or been "
                 "taken out, or the reader had trouble. Please take the "
                 "card and start again from the beginning.");
    case FAIL_UNTRUSTED:
        return _("The certificate on your card could not be confirmed. It "
                 "may have expired or been cancelled. Please ask at your "
                 "municipal office, and bring the card.");
    case FAIL_RECORD:
        return _("This kiosk could not save the registration. Your card is "
                 "fine and nothing was registered. Please try again later "
                 "or use another kiosk.");
    default:
        return _("Something went wrong and nothing was registered. Please "
                 "take your card and try again from the beginning.");
    }
}

static void draw_failed(struct ui *u)
{
    const char *const text[] = {
        _("Your card could not be registered."),
        failure_text(u->v->failure),
    };
    const enum ui_role role[] = {UI_WARN, UI_TEXT};

    ui_paras(u, text, role, 2);
    ui_gap(u);
    ui_help(u);
}

void draw_outcome(struct ui *u)
{
    const char *title = u->v->state == ST_DONE ? _("Registration complete")
                        : u->v->state == ST_ALREADY_REGISTERED
                            ? _("Already registered")
                            : _("Registration not completed");

    ui_frame(u, title);
    ui_buttons(u);
    ui_gap(u);
    if (u->v->state == ST_DONE)
        draw_done(u);
    else if (u->v->state == ST_ALREADY_REGISTERED)
        draw_already(u);
    else
        draw_failed(u);
}
