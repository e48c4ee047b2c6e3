/*
 * attract.c - the waiting screen: welcome, "insert your card", languages.
 *
 * The welcome is shown in every language at once, each in its own words,
 * so that a person finds theirs before choosing it. Those lines are not
 * translated on purpose (like lang_native_name(), each is already in its
 * language); everything else goes through gettext.
 */
#include "kiosk/i18n.h"
#include "screens/ui.h"

static const char *const welcome[LANG_COUNT] = {
    [LANG_JA] = "ようこそ。ここでは、マイナンバーカードを健康保険証として"
                "使えるように登録できます。\n"
                "カードを、カードリーダーに差し込んでください。",
    [LANG_EN] = "Welcome. Here you can register your My Number card to use "
                "it as your health insurance card.\n"
                "Please insert your card into the card reader.",
};

void draw_attract(struct ui *u)
{
    ui_frame(u, _("My Number card: health insurance registration"));
    ui_buttons(u);
    ui_gap(u);
    for (int l = 0; l < LANG_COUNT; l++) {
        ui_para(u, welcome[l], l == (int)u->v->lang ? UI_STRONG : UI_TEXT);
        ui_gap(u);
    }
    ui_para(u, _("You will need the 4-digit PIN of your card. "
                 "It takes a few minutes."), UI_TEXT);
    ui_gap(u);
    ui_para(u, _("To change the language, choose it below."), UI_TEXT);
}
