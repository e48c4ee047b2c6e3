/*
 * test_languages.c - the language model and the picker in the flow: the
 * codes and names, [kiosk] languages, the attract screen's list and its
 * rotating greeting, and the "Language" picker that returns to where it
 * was opened with nothing lost. Pure: no terminal, card or clock.
 */
#include "tests/test.h"

#include <string.h>

#include "kiosk/flow.h"
#include "kiosk/i18n.h"
#include "kiosk/speak.h"

struct rig {
    struct flow f;
    struct effects fx;
    int64_t now;
};

static int setup(void **state)
{
    static struct rig r;
    struct flow_timing t;

    flow_timing_default(&t);
    memset(&r, 0, sizeof r);
    r.now = 1000000;
    flow_init(&r.f, &t, LANG_JA, r.now);
    *state = &r;
    return 0;
}

static void send(struct rig *r, struct event ev)
{
    ev.now = r->now;
    if (!ev.session)
        ev.session = r->f.session;
    flow_step(&r->f, &ev, &r->fx);
}

static void press(struct rig *r, enum action a, int arg)
{
    send(r, (struct event){ .kind = EV_ACTION,
                            .u.button = { .act = a, .arg = arg } });
}

static void later(struct rig *r, int64_t ms)
{
    r->now += ms;
    send(r, (struct event){ .kind = EV_TICK });
}

static bool has_fx(const struct rig *r, enum fx_kind k)
{
    for (int i = 0; i < r->fx.n; i++)
        if (r->fx.list[i].kind == k)
            return true;
    return false;
}

static int find(const struct view *v, enum action a, int arg)
{
    for (int i = 0; i < v->nbuttons; i++)
        if (v->buttons[i].act == a && (a != ACT_LANG || v->buttons[i].arg == arg))
            return i;
    return -1;
}

static struct view view(const struct rig *r)
{
    struct view v;
    flow_view(&r->f, r->now, &v);
    return v;
}

static void to_pin(struct rig *r)
{
    struct card_summary c = { .outcome = READ_OK, .tries_left = 3 };

    c.rem.status = CERT_VALID;
    send(r, (struct event){ .kind = EV_CARD_IN });
    send(r, (struct event){ .kind = EV_READ_DONE, .u.card = c });
    press(r, ACT_REGISTER, 0);
    press(r, ACT_AGREE, 0);
    press(r, ACT_USE_PIN, 0);
    assert_int_equal(r->f.state, ST_PIN);
}

/* ---- codes and names ---- */

static void test_codes_round_trip(void **state)
{
    (void)state;
    for (int l = 0; l < LANG_COUNT; l++) {
        assert_int_equal(lang_from_code(lang_code((enum lang)l)), l);
        assert_true(strlen(lang_native_name((enum lang)l)) > 0);
    }
    assert_int_equal(lang_from_code("ja@easy"), LANG_JA_EASY);
    assert_int_equal(lang_from_code("pt_BR"), LANG_PT_BR);
    assert_int_equal(lang_from_code("zh_TW"), LANG_ZH_TW);
    assert_int_equal(lang_from_code("fr"), -1);
    assert_int_equal(lang_from_code("ja@"), -1);
}

static void test_parse_list(void **state)
{
    enum lang l[LANG_COUNT];
    size_t bad = 99;

    (void)state;
    assert_int_equal(lang_parse_list(" th,en\tja@easy , th", l, LANG_COUNT,
                                     &bad), 3);
    assert_int_equal(l[0], LANG_TH);
    assert_int_equal(l[1], LANG_EN);
    assert_int_equal(l[2], LANG_JA_EASY);
    assert_int_equal(lang_parse_list("ja, fr, en", l, LANG_COUNT, &bad), -1);
    assert_int_equal(bad, 4);
    assert_int_equal(lang_parse_list(" , ", l, LANG_COUNT, &bad), -1);
}

static void test_speech_tags(void **state)
{
    char t[16];

    (void)state;
    speak_tag("ja@easy", t, sizeof t);
    assert_string_equal(t, "ja");
    speak_tag("pt_BR", t, sizeof t);
    assert_string_equal(t, "pt-BR");
    speak_tag("zh_TW", t, sizeof t);
    assert_string_equal(t, "zh-TW");
    speak_tag("th", t, sizeof t);
    assert_string_equal(t, "th");
}

/* ---- attract ---- */

static void test_attract_lists_languages_in_order(void **state)
{
    struct rig *r = *state;
    const enum lang order[] = { LANG_KO, LANG_EN, LANG_TH };
    struct view v = view(r);

    /* every language by default, the first ten on 1..9 and 0 */
    assert_int_equal(find(&v, ACT_LANG, LANG_JA), 0);
    assert_int_equal(v.buttons[find(&v, ACT_LANG, LANG_JA)].key, '1');
    assert_int_equal(v.buttons[find(&v, ACT_LANG, LANG_EN)].key, '2');
    for (int l = 0; l < LANG_COUNT; l++)
        assert_true(find(&v, ACT_LANG, l) >= 0);
    assert_int_equal(v.buttons[9].key, '0');
    assert_int_equal(v.buttons[10].key, 0);

    flow_set_languages(&r->f, order, 3, r->now);
    v = view(r);
    assert_int_equal(v.buttons[find(&v, ACT_LANG, LANG_KO)].key, '1');
    assert_int_equal(v.buttons[find(&v, ACT_LANG, LANG_TH)].key, '3');
    assert_int_equal(find(&v, ACT_LANG, LANG_JA), -1);
    assert_int_equal(r->f.lang, LANG_KO); /* ja is not offered */
}

static void test_greeting_rotates(void **state)
{
    struct rig *r = *state;
    const enum lang order[] = { LANG_VI, LANG_JA_EASY, LANG_NE };

    flow_set_languages(&r->f, order, 3, r->now);
    assert_int_equal(view(r).greet, LANG_VI);
    later(r, r->f.t.greet);
    assert_int_equal(view(r).greet, LANG_JA_EASY);
    later(r, r->f.t.greet);
    assert_int_equal(view(r).greet, LANG_NE);
    later(r, r->f.t.greet);
    assert_int_equal(view(r).greet, LANG_VI);
    assert_int_equal(r->f.state, ST_ATTRACT);
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + r->f.t.greet);
}

static void test_choosing_on_attract(void **state)
{
    struct rig *r = *state;

    press(r, ACT_LANG, LANG_ZH_TW);
    assert_int_equal(r->f.lang, LANG_ZH_TW);
    assert_true(has_fx(r, FX_SET_LANG));
    assert_int_equal(r->f.state, ST_ATTRACT);
}

/* ---- the picker ---- */

static void test_picker_keeps_the_pin(void **state)
{
    struct rig *r = *state;
    struct view v;

    to_pin(r);
    press(r, ACT_DIGIT, 1);
    press(r, ACT_DIGIT, 2);
    v = view(r);
    assert_int_equal(v.buttons[find(&v, ACT_LANGUAGES, 0)].key, 'l');
    press(r, ACT_LANGUAGES, 0);
    assert_int_equal(r->f.state, ST_LANGUAGE);
    assert_string_equal(flow_state_name(r->f.state), "language");
    v = view(r);
    assert_int_equal(v.buttons[v.focus].act, ACT_LANG);
    assert_int_equal(v.buttons[v.focus].arg, LANG_JA); /* the one in use */
    assert_false(v.digit_entry);
    press(r, ACT_DIGIT, 3); /* not offered here: ignored */
    press(r, ACT_LANG, LANG_TL);
    assert_true(has_fx(r, FX_SET_LANG));
    assert_false(has_fx(r, FX_PIN_CLEAR));
    assert_int_equal(r->f.state, ST_PIN);
    assert_int_equal(r->f.lang, LANG_TL);
    assert_int_equal(r->f.pin_len, 2);
}

static void test_esc_leaves_the_picker_only(void **state)
{
    struct rig *r = *state;

    to_pin(r);
    press(r, ACT_DIGIT, 1);
    press(r, ACT_LANGUAGES, 0);
    press(r, ACT_CANCEL, 0);
    assert_int_equal(r->f.state, ST_PIN);
    assert_false(has_fx(r, FX_END_SESSION));
    assert_int_equal(r->f.pin_len, 1);
    press(r, ACT_LANGUAGES, 0);
    press(r, ACT_CLOSE, 0);
    assert_int_equal(r->f.state, ST_PIN);
    assert_int_equal(r->f.lang, LANG_JA);
}

static void test_no_picker_while_card_works(void **state)
{
    struct rig *r = *state;
    struct view v;

    send(r, (struct event){ .kind = EV_CARD_IN });
    v = view(r);
    assert_int_equal(r->f.state, ST_READING);
    assert_int_equal(find(&v, ACT_LANGUAGES, 0), -1);
    press(r, ACT_LANGUAGES, 0);
    assert_int_equal(r->f.state, ST_READING);
}

static void test_picker_times_out_like_its_screen(void **state)
{
    struct rig *r = *state;

    to_pin(r);
    press(r, ACT_LANGUAGES, 0);
    later(r, r->f.t.idle);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
    press(r, ACT_MORE_TIME, 0);
    assert_int_equal(r->f.state, ST_LANGUAGE);
    press(r, ACT_CLOSE, 0);
    assert_int_equal(r->f.state, ST_PIN);
}

static void test_one_language_no_choice(void **state)
{
    struct rig *r = *state;
    const enum lang en[] = { LANG_EN };
    struct view v;

    flow_set_languages(&r->f, en, 1, r->now);
    v = view(r);
    assert_int_equal(find(&v, ACT_LANG, LANG_EN), -1);
    to_pin(r);
    v = view(r);
    assert_int_equal(find(&v, ACT_LANGUAGES, 0), -1);
    assert_int_equal(r->f.lang, LANG_EN);
}

/* ---- audible cues ---- */

static void test_bell_on_errors(void **state)
{
    struct rig *r = *state;
    struct event ev = { .kind = EV_VERIFY_DONE };

    to_pin(r);
    press(r, ACT_PIN_OK, 0); /* no digits yet */
    assert_true(has_fx(r, FX_BELL));
    for (int i = 0; i < PIN_DIGITS; i++)
        press(r, ACT_DIGIT, 9);
    press(r, ACT_PIN_OK, 0);
    assert_false(has_fx(r, FX_BELL));
    ev.u.verify.outcome = VERIFY_WRONG;
    ev.u.verify.tries_left = 2;
    send(r, ev);
    assert_true(has_fx(r, FX_BELL));
    send(r, (struct event){ .kind = EV_CARD_OUT });
    send(r, (struct event){ .kind = EV_CARD_IN });
    send(r, (struct event){ .kind = EV_READ_DONE,
                            .u.card = { .outcome = READ_FOREIGN } });
    assert_int_equal(r->f.state, ST_CARD_ERROR);
    assert_true(has_fx(r, FX_BELL));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup(f, setup)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_round_trip),
        cmocka_unit_test(test_parse_list),
        cmocka_unit_test(test_speech_tags),
        T(test_attract_lists_languages_in_order),
        T(test_greeting_rotates),
        T(test_choosing_on_attract),
        T(test_picker_keeps_the_pin),
        T(test_esc_leaves_the_picker_only),
        T(test_no_picker_while_card_works),
        T(test_picker_times_out_like_its_screen),
        T(test_one_language_no_choice),
        T(test_bell_on_errors),
    };
#undef T
    return cmocka_run_group_tests_name("languages", tests, NULL, NULL);
}
