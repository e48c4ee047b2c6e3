/*
 * reminder.c - when the certificate on the card expires, what that means
 * for its use as a health-insurance card, and where and how to renew.
 *
 * Three pages, so that each reads at 80x24 with room to spare in every
 * language: the certificate (its dates in words and as a time line, and
 * where to renew it), the card itself (its own expiry as far as the
 * certificate tells it, how to renew it, and reporting a move or a new
 * name), and a QR code to the renewal instructions.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/printing.h"
#include "screens/qr.h"
#include "screens/timeline.h"
#include "screens/ui.h"

/* The one or two sentences about this card's certificate; heap strings. */
static void status_texts(const struct reminder *r, char **t, enum ui_role *role)
{
    char exp[64], from[64], until[64];
    unsigned long days = (unsigned long)(r->days_left < 0 ? 0 : r->days_left);

    ui_date(exp, sizeof exp, &r->expiry);
    ui_date(from, sizeof from, &r->renew_from);
    /* Without a grace period, insurance use ended with the certificate. */
    ui_date(until, sizeof until,
            r->grace_period ? &r->grace_until : &r->expiry);
    role[0] = r->status == CERT_VALID ? UI_STRONG : UI_WARN;
    role[1] = UI_STRONG;
    switch (r->status) {
    case CERT_VALID:
        t[0] = ui_fmt(ngettext("The certificate on your card is valid until "
                               "%s (%d day from today).",
                               "The certificate on your card is valid until "
                               "%s (%d days from today).", days),
                      exp, r->days_left);
        t[1] = ui_fmt(_("You can renew it from %s."), from);
        role[1] = UI_TEXT;
        break;
    case CERT_RENEWAL_OPEN:
        t[0] = ui_fmt(ngettext("The certificate on your card expires on %s, "
                               "in %d day.",
                               "The certificate on your card expires on %s, "
                               "in %d days.", days), exp, r->days_left);
        t[1] = ui_fmt("%s", _("You can renew it now. Please do it soon."));
        break;
    case CERT_GRACE:
        t[0] = ui_fmt(_("The certificate on your card expired on %s."), exp);
        t[1] = ui_fmt(_("Your card still works as a health insurance card "
                        "until %s, but only to show that you are insured: "
                        "your medicine and treatment history is not shared. "
                        "Please renew the certificate before then."), until);
        break;
    case CERT_LAPSED:
        t[0] = ui_fmt(_("The certificate on your card expired on %s, and "
                        "its use as a health insurance card ended on %s."),
                      exp, until);
        t[1] = ui_fmt("%s", _("Please renew the certificate at your "
                              "municipal office, then register the card "
                              "for health insurance use again."));
        break;
    }
}

char *reminder_headline(const struct reminder *r, enum ui_role *role)
{
    char *t[2] = { NULL, NULL };
    enum ui_role roles[2];

    status_texts(r, t, roles);
    free(t[1]);
    *role = roles[0];
    return t[0];
}

static const char *how_to_renew(void)
{
    return _("The certificate is renewed at your municipal office. Bring "
             "your card and the expiry notice (有効期限通知書) sent to you. "
             "It cannot be renewed online.");
}

static const char *card_itself(void)
{
    return _("The card itself is renewed every 10 years (every 5 years for "
             "people under 18), by computer or smartphone, at a photo booth, "
             "or by mail. You do not need to register it for health "
             "insurance again.");
}

static const char *moving(void)
{
    return _("If your address or name changes, report it at your municipal "
             "office with your card, or the card stops working.");
}

/* The card's own expiry, as far as its certificate tells it; heap. */
static char *card_expiry(const struct reminder *r)
{
    char first[64], last[64];

    if (r->card_latest.y == 0)
        return ui_fmt("%s", _("The card itself expires on your birthday; "
                              "the date is printed on the card."));
    ui_date(first, sizeof first, &r->card_earliest);
    ui_date(last, sizeof last, &r->card_latest);
    if (r->card_known)
        return ui_fmt(_("The card itself expires on %s too. A renewed card "
                        "comes with new certificates."), last);
    return ui_fmt(_("The card itself expires on your birthday, between %s "
                    "and %s. The date is printed on the card."), first, last);
}

/* The sentences, the time line with a blank row on each side, and how
 * to renew. The time line gives way when they do not all fit (with a
 * receipt's sentence above them): its dates are in the words too. Then
 * blank rows where rows are left: before how to renew, then between the
 * sentences. */
static void certificate_page(struct ui *u)
{
    char *t[2] = { NULL, NULL };
    enum ui_role role[2] = { UI_TEXT, UI_TEXT };

    if (u->v->has_card)
        status_texts(&u->v->rem, t, role);
    const char *const words[3] = { t[0], t[1], how_to_renew() };
    int room = u->ybot - u->y - ui_print_rows(u) - ui_paras_rows(u, words, 3);
    int line = u->v->has_card ? ui_timeline_rows(u, &u->v->rem) + 2 : 0;

    if (line > room)
        line = 0;
    room -= line;
    ui_print_status(u);
    if (u->v->has_card) {
        ui_para(u, words[0], role[0]);
        if (room >= (line ? 1 : 2))
            ui_gap(u);
        ui_para(u, words[1], role[1]);
        if (line) {
            ui_gap(u);
            ui_timeline(u, &u->v->rem);
        }
        if (line || room >= 1)
            ui_gap(u);
    }
    ui_para(u, words[2], UI_TEXT);
    free(t[0]);
    free(t[1]);
}

static void card_page(struct ui *u)
{
    char *expiry = u->v->has_card ? card_expiry(&u->v->rem) : NULL;
    const char *const t[] = { expiry, card_itself(), moving() };
    const enum ui_role role[] = { UI_STRONG, UI_TEXT, UI_STRONG };

    ui_print_paras(u, t, role, 3, -1);
    free(expiry);
}

static void qr_page(struct ui *u)
{
    enum ui_role role[3] = { UI_TEXT, UI_TEXT, UI_TEXT };
    const char *const t[3] = {
        ui_print_text(u->v, &role[0]),
        _("Point your phone's camera at this code: it opens the official "
          "instructions for renewing the card and its certificate."),
        _("Renew the certificate at your municipal office."),
    };

    ui_qr_page(u, _("Scan with your phone"), u->x ? u->x->url[URL_CARD] : NULL,
               t, role, 3);
}

void draw_reminder(struct ui *u)
{
    if (u->v->qr) {
        qr_page(u);
        return;
    }
    ui_frame(u, u->v->page == 0 ? _("When your card's certificate expires")
                                : _("The card itself"));
    ui_buttons(u);
    if (u->v->page == 0)
        certificate_page(u);
    else
        card_page(u);
}
