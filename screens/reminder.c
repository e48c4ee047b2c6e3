/*
 * reminder.c - when the certificate on the card expires, what that means
 * for its use as a health-insurance card, and where to renew.
 *
 * The right side of the body is kept free where the words fit without it:
 * a time line and a QR code to the renewal instructions will go there.
 */
#include <stdlib.h>

#include "kiosk/i18n.h"
#include "screens/ui.h"

/* Columns kept for the time line and QR code, and the gap before them. */
#define SIDE_COLS 28
#define SIDE_GAP 2

#define NTEXT 5

/* The one or two sentences about this card's certificate; heap strings. */
static void status_texts(const struct reminder *r, char **t, enum ui_role *role)
{
    char exp[64], from[64], until[64];
    unsigned long days = (unsigned long)(r->days_left < 0 ? 0 : r->days_left);

    ui_date(exp, sizeof exp, &r->expiry);
    ui_date(from, sizeof from, &r->renew_from);
    ui_date(until, sizeof until, &r->grace_until);
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

/* The narrower column leaves room on the right, if the words still fit
 * with a blank row between paragraphs; packed tight they read worse than
 * the room is worth. */
static int text_width(const struct ui *u, char *const *t)
{
    int narrow = u->bw - SIDE_COLS - SIDE_GAP, need = -1;

    for (int i = 0; i < NTEXT; i++)
        if (t[i])
            need += ui_text_rows(t[i], narrow) + 1;
    return need <= u->ybot - u->y ? narrow : u->bw;
}

void draw_reminder(struct ui *u)
{
    char *t[NTEXT] = {0};
    enum ui_role role[NTEXT] = {UI_TEXT, UI_TEXT, UI_TEXT, UI_TEXT, UI_TEXT};

    ui_frame(u, _("When your card's certificate expires"));
    ui_buttons(u);
    if (u->v->has_card)
        status_texts(&u->v->rem, t, role);
    t[2] = ui_fmt("%s", how_to_renew());
    t[3] = ui_fmt("%s", card_itself());
    t[4] = ui_fmt("%s", moving());
    ui_column(u, u->bx, text_width(u, t));
    ui_paras(u, (const char *const *)t, role, NTEXT);
    for (int i = 0; i < NTEXT; i++)
        free(t[i]);
}
