/*
 * outcome.c - how it ended: registered, already registered, or failed (and
 * then what the person can do about it). Registered and already registered
 * have a second page, a QR code to マイナポータル, where the insurance
 * details are from now on.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/printing.h"
#include "screens/qr.h"
#include "screens/ui.h"

/* Where the insurance symbol and number are from now on. */
static const char *where_number(void)
{
    return _("You can see your insurance symbol and number (記号と番号) in "
             "the マイナポータル smartphone app. They are also on the "
             "資格情報のお知らせ your insurer sends you.");
}

/* Registered now or before: one page, in the words for each. After every
 * registration the certificate's date too: the reminder's first sentence
 * (its whole page is one key away, so a receipt's sentence may take its
 * room, as it takes the blank row above the words). */
static void draw_registered(struct ui *u, bool now)
{
    enum ui_role role[] = {UI_GOOD, UI_TEXT, UI_TEXT, UI_TEXT, UI_STRONG};
    enum ui_role receipt;
    char *expiry = u->v->has_card ? reminder_headline(&u->v->rem, &role[3])
                                  : NULL;
    const char *const text[] = {
        now ? _("Your card is registered.")
            : _("This card is already registered as your health insurance "
                "card."),
        now ? _("From now on you can use your My Number card as your health "
                "insurance card (マイナ保険証) at hospitals, clinics and "
                "pharmacies.")
            : _("There is nothing more to do. You can use it at hospitals, "
                "clinics and pharmacies as it is."),
        where_number(),
        expiry,
        _("Please finish and take your card."),
    };

    if (!ui_print_text(u->v, &receipt))
        ui_gap(u);
    ui_print_paras(u, text, role, 5, 3);
    free(expiry);
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

    ui_gap(u);
    ui_paras(u, text, role, 2);
    ui_gap(u);
    ui_help(u);
}

static void draw_qr(struct ui *u)
{
    enum ui_role role[2] = { UI_TEXT, UI_TEXT };
    const char *const t[2] = {
        ui_print_text(u->v, &role[0]),
        _("Point your phone's camera at this code: it opens マイナポータル, "
          "where you can see your health insurance details."),
    };

    ui_qr_page(u, _("Scan with your phone"),
               u->x ? u->x->url[URL_PORTAL] : NULL, t, role, 2);
}

void draw_outcome(struct ui *u)
{
    const char *title = u->v->state == ST_DONE ? _("Registration complete")
                        : u->v->state == ST_ALREADY_REGISTERED
                            ? _("Already registered")
                            : _("Registration not completed");

    if (u->v->qr) {
        draw_qr(u);
        return;
    }
    ui_frame(u, title);
    ui_buttons(u);
    if (u->v->state == ST_FAILED)
        draw_failed(u);
    else
        draw_registered(u, u->v->state == ST_DONE);
}
