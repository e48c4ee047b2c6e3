/*
 * info.c - the information screens, open to anyone at the attract screen
 * without a card: what マイナ保険証 is and what it brings, how and where to
 * register, the smartphone, expiry and renewal, a lost card, and the help
 * line. The facts are rules.md's (from the insurers' notice), in the
 * kiosk's own words.
 *
 * Each topic is a page or two of text and then, but for the help line,
 * a page with a QR code to the official page about it (the flow counts
 * the pages; this file fills them).
 */
#include <stddef.h>

#include "kiosk/i18n.h"
#include "screens/qr.h"
#include "screens/ui.h"

#define PARAS_MAX 5

/* One page of a topic: its title and paragraphs (NULL-terminated), the
 * first one in bold. */
struct page {
    const char *title;
    const char *text[PARAS_MAX];
};

static const char *const topic_title[TOPIC_COUNT] = {
    [TOPIC_WHAT] = N_("What マイナ保険証 is, and what it brings"),
    [TOPIC_REGISTER] = N_("How and where to register"),
    [TOPIC_SMARTPHONE] = N_("Using your smartphone"),
    [TOPIC_EXPIRY] = N_("Expiry and renewal"),
    [TOPIC_LOST] = N_("If your card is lost or stolen"),
    [TOPIC_HELP] = N_("Help line and its hours"),
};

const char *info_topic_title(int topic)
{
    return topic >= 0 && topic < TOPIC_COUNT ? _(topic_title[topic]) : "";
}

static struct page what_page(int page)
{
    if (page == 0)
        return (struct page){ _("What マイナ保険証 is"), {
            _("マイナ保険証 is your My Number card, registered for use as "
              "your health insurance card."),
            _("The old health insurance cards can no longer be used: their "
              "grace period ended on 1 December 2025."),
            _("If you cannot use マイナ保険証, you are sent a 資格確認書 "
              "(eligibility certificate) to use instead. It is not issued "
              "\"just in case\" to people who have マイナ保険証."),
            NULL } };
    return (struct page){ _("What マイナ保険証 brings"), {
        _("In an emergency, paramedics can see your medical information "
          "even if you cannot speak (マイナ救急). They check your face "
          "against the card's photo; usually no PIN is needed."),
        _("Doctors and pharmacists can see the medicines and treatment you "
          "had before, even if you do not remember their names."),
        _("If a hospital stay costs a lot, you pay only up to the monthly "
          "limit for high medical costs (高額療養費), with no application."),
        _("For your tax return, マイナポータル can fill in your medical "
          "expenses for you."),
        NULL } };
}

static struct page register_page(void)
{
    return (struct page){ info_topic_title(TOPIC_REGISTER), {
        _("First, you need a My Number card. Apply for it by computer or "
          "smartphone, at a photo booth, or by mail."),
        _("Then register the card for health insurance use: here at this "
          "kiosk, at the card reader of a hospital, clinic or pharmacy "
          "(it takes about 30 seconds), by computer or smartphone "
          "(マイナポータル), or at a Seven Bank ATM."),
        _("Afterwards, your insurance symbol and number (記号と番号) are in "
          "the マイナポータル app, and on the 資格情報のお知らせ or the "
          "資格確認書 you receive."),
        _("Please register your family members too, children included."),
        NULL } };
}

static struct page smartphone_page(void)
{
    return (struct page){ info_topic_title(TOPIC_SMARTPHONE), {
        _("Since mid-September 2025, hospitals and pharmacies that have the "
          "equipment accept a smartphone as マイナ保険証."),
        _("Two things come first: register the card for health insurance "
          "use, and add the card to your smartphone (possible on Android "
          "since May 2023 and on iPhone since June 2025)."),
        _("Not every hospital or pharmacy takes smartphones yet. Bring the "
          "card itself the first time you go somewhere new."),
        NULL } };
}

static struct page expiry_page(void)
{
    return (struct page){ info_topic_title(TOPIC_EXPIRY), {
        _("The electronic certificate on the card expires on your 5th "
          "birthday after it was issued. Renew it at your municipal office "
          "from 3 months before, with the expiry notice (有効期限通知書). "
          "It cannot be renewed online."),
        _("The card itself expires on your 10th birthday after it was "
          "issued (5th for people under 18). Renew it by computer or "
          "smartphone, at a photo booth or by mail once the expiry notice "
          "has come. You do not register for health insurance again."),
        _("After the certificate expires, the card works as マイナ保険証 "
          "until the end of the 3rd month after, without your medicine and "
          "treatment history. Then the registration is cancelled: renew "
          "the certificate and register again."),
        _("Insert your card to see its own dates."),
        NULL } };
}

static struct page lost_page(void)
{
    return (struct page){ info_topic_title(TOPIC_LOST), {
        _("If your card is lost or stolen, have it stopped at once: call "
          "0120-95-0178, any time, 24 hours a day, every day of the year."),
        _("Apply for a new card at your municipal office; it costs 2,000 "
          "yen. A lost or damaged card can be reissued quickly, in about a "
          "week."),
        _("If your address or name changes, report it at your municipal "
          "office with your card, or the card stops working."),
        NULL } };
}

/* The text page `page` of topic t. */
static struct page text_page(int t, int page)
{
    switch (t) {
    case TOPIC_WHAT: return what_page(page);
    case TOPIC_REGISTER: return register_page();
    case TOPIC_SMARTPHONE: return smartphone_page();
    case TOPIC_EXPIRY: return expiry_page();
    case TOPIC_LOST: return lost_page();
    default: break;
    }
    return (struct page){ info_topic_title(t), { NULL } };
}

/* Where each topic's QR code sends the phone. */
static const char *topic_url(const struct ui *u, int t)
{
    static const enum url_kind where[TOPIC_COUNT] = {
        [TOPIC_WHAT] = URL_INSURANCE, [TOPIC_REGISTER] = URL_PORTAL,
        [TOPIC_SMARTPHONE] = URL_PORTAL, [TOPIC_EXPIRY] = URL_CARD,
        [TOPIC_LOST] = URL_CARD, [TOPIC_HELP] = URL_CARD,
    };

    return u->x && t >= 0 && t < TOPIC_COUNT ? u->x->url[where[t]] : NULL;
}

static const char *topic_caption(int t)
{
    switch (t) {
    case TOPIC_WHAT:
        return _("Point your phone's camera at this code: it opens the "
                 "government's explanation of マイナ保険証.");
    case TOPIC_REGISTER: case TOPIC_SMARTPHONE:
        return _("Point your phone's camera at this code: it opens "
                 "マイナポータル, where you can register and see your "
                 "health insurance details.");
    default:
        return _("Point your phone's camera at this code: it opens the "
                 "official page about the My Number card: applying, "
                 "renewing and reissuing.");
    }
}

static void list_page(struct ui *u)
{
    ui_frame(u, _("About マイナ保険証"));
    ui_gap(u);
    ui_para(u, _("Choose a topic: press its number or touch it. You do not "
                 "need your card for this."), UI_STRONG);
    ui_gap(u);
    ui_button_list(u);
}

static void help_page(struct ui *u)
{
    ui_frame(u, info_topic_title(TOPIC_HELP));
    ui_buttons(u);
    ui_help(u);
    ui_gap(u);
    ui_para(u, _("To stop a lost or stolen card, the same number answers "
                 "24 hours a day, every day of the year."), UI_TEXT);
}

void draw_info(struct ui *u)
{
    const struct view *v = u->v;

    if (v->topic < 0 || v->topic >= TOPIC_COUNT) {
        list_page(u);
    } else if (v->topic == TOPIC_HELP) {
        help_page(u);
    } else if (v->qr) {
        const char *const t[] = { topic_caption(v->topic) };
        ui_qr_page(u, _("Scan with your phone"), topic_url(u, v->topic), t,
                   NULL, 1);
    } else {
        struct page p = text_page(v->topic, v->page);
        enum ui_role role[PARAS_MAX] = { UI_STRONG };
        int n = 0;

        while (n < PARAS_MAX && p.text[n])
            n++;
        ui_frame(u, p.title);
        ui_buttons(u);
        ui_gap(u);
        ui_paras(u, p.text, role, n);
    }
}
