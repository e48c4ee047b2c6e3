/*
 * test_flow.c - every rule of flow.md that the flow covers, as events in
 * and state, view and effects out. No terminal, card or clock is involved:
 * that is the point of a pure flow.
 */
#include "tests/test.h"

#include <string.h>

#include "kiosk/flow.h"

struct rig {
    struct flow f;
    struct effects fx;
    int64_t now;
};

static struct flow_timing timing(void)
{
    struct flow_timing t;
    flow_timing_default(&t);
    return t;
}

static int setup(void **state)
{
    static struct rig r;
    struct flow_timing t = timing();
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

static struct card_summary good_card(int tries)
{
    struct card_summary c = { .outcome = READ_OK, .tries_left = tries };
    c.rem.status = CERT_VALID;
    return c;
}

static void insert(struct rig *r, struct card_summary c)
{
    send(r, (struct event){ .kind = EV_CARD_IN });
    assert_int_equal(r->f.state, ST_READING);
    assert_true(has_fx(r, FX_READ_CARD));
    send(r, (struct event){ .kind = EV_READ_DONE, .u.card = c });
}

static void type_pin(struct rig *r)
{
    for (int i = 0; i < PIN_DIGITS; i++)
        press(r, ACT_DIGIT, i + 1);
    press(r, ACT_PIN_OK, 0);
}

static void verify_done(struct rig *r, enum verify_outcome o, int tries)
{
    struct event ev = { .kind = EV_VERIFY_DONE };
    ev.u.verify.outcome = o;
    ev.u.verify.tries_left = tries;
    send(r, ev);
}

/* From attract to the PIN screen with a card that has `tries` left. */
static void to_pin(struct rig *r, int tries)
{
    insert(r, good_card(tries));
    assert_int_equal(r->f.state, ST_MENU);
    press(r, ACT_REGISTER, 0);
    assert_int_equal(r->f.state, ST_TERMS);
    press(r, ACT_AGREE, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    press(r, ACT_USE_PIN, 0);
    assert_int_equal(r->f.state, ST_PIN);
}

static void test_happy_path(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    type_pin(r);
    assert_true(has_fx(r, FX_VERIFY_PIN));
    assert_true(r->f.busy);
    verify_done(r, VERIFY_OK, 3);
    assert_true(has_fx(r, FX_PIN_CLEAR));
    assert_int_equal(r->f.state, ST_CONFIRM);
    press(r, ACT_CONFIRM, 0);
    assert_int_equal(r->f.state, ST_REGISTERING);
    assert_true(has_fx(r, FX_REGISTER));
    send(r, (struct event){ .kind = EV_REGISTER_DONE, .u.reg = REGISTER_DONE });
    assert_int_equal(r->f.state, ST_DONE);
    press(r, ACT_FINISH, 0);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    assert_true(has_fx(r, FX_END_SESSION));
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_ATTRACT);
}

static void test_pin_digits_and_correction(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 3);
    press(r, ACT_PIN_OK, 0); /* nothing typed: nothing sent */
    assert_false(has_fx(r, FX_VERIFY_PIN));
    press(r, ACT_DIGIT, 7);
    assert_true(has_fx(r, FX_PIN_PUSH));
    assert_int_equal(r->fx.list[0].arg, 7);
    press(r, ACT_DIGIT, 8);
    press(r, ACT_CORRECT, 0);
    assert_true(has_fx(r, FX_PIN_POP));
    assert_int_equal(r->f.pin_len, 1);
    for (int i = 0; i < 5; i++)
        press(r, ACT_DIGIT, 1);
    assert_int_equal(r->f.pin_len, PIN_DIGITS); /* a fifth digit is ignored */
    flow_view(&r->f, r->now, &v);
    assert_true(v.digit_entry);
    assert_int_equal(v.pin_len, 4);
    assert_int_equal(v.tries_left, 3); /* shown before the person types */
    assert_int_equal(v.buttons[v.focus].act, ACT_PIN_OK);
}

static void test_wrong_then_right_pin(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_WRONG, 2);
    assert_int_equal(r->f.state, ST_PIN);
    assert_int_equal(r->f.pin_len, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.pin_wrong);
    assert_int_equal(v.tries_left, 2);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    assert_int_equal(r->f.state, ST_CONFIRM);
}

static void test_last_try_needs_try_anyway(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 1);
    flow_view(&r->f, r->now, &v);
    assert_true(v.last_try);
    assert_false(v.digit_entry);
    press(r, ACT_DIGIT, 1); /* not offered until "try anyway" */
    assert_int_equal(r->f.pin_len, 0);
    press(r, ACT_TRY_ANYWAY, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.digit_entry);
    type_pin(r);
    assert_true(has_fx(r, FX_VERIFY_PIN));
}

static void test_wrong_pin_down_to_last_try_warns_again(void **state)
{
    struct rig *r = *state;
    to_pin(r, 2);
    type_pin(r);
    verify_done(r, VERIFY_WRONG, 1);
    press(r, ACT_DIGIT, 1);
    assert_int_equal(r->f.pin_len, 0); /* the warning comes first */
    press(r, ACT_TRY_ANYWAY, 0);
    press(r, ACT_DIGIT, 1);
    assert_int_equal(r->f.pin_len, 1);
}

static void test_pin_blocks(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 1);
    press(r, ACT_TRY_ANYWAY, 0);
    type_pin(r);
    verify_done(r, VERIFY_LOCKED, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    flow_view(&r->f, r->now, &v);
    assert_true(v.locked);
    press(r, ACT_USE_PIN, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
}

static void test_locked_card_offers_no_pin(void **state)
{
    struct rig *r = *state;
    struct view v;
    insert(r, good_card(0));
    press(r, ACT_REGISTER, 0);
    press(r, ACT_AGREE, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.locked);
    for (int i = 0; i < v.nbuttons; i++)
        assert_int_not_equal(v.buttons[i].act, ACT_USE_PIN);
    press(r, ACT_USE_PIN, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
}

static void test_expired_goes_to_reminder(void **state)
{
    struct rig *r = *state;
    struct card_summary c = good_card(3);
    struct view v;
    c.rem.status = CERT_GRACE;
    insert(r, c);
    assert_int_equal(r->f.state, ST_REMINDER);
    flow_view(&r->f, r->now, &v);
    for (int i = 0; i < v.nbuttons; i++)
        assert_int_not_equal(v.buttons[i].act, ACT_BACK); /* no menu */
    press(r, ACT_REGISTER, 0);
    assert_int_equal(r->f.state, ST_REMINDER);
}

static void test_foreign_and_unreadable_cards(void **state)
{
    struct rig *r = *state;
    struct card_summary c = { .outcome = READ_FOREIGN };
    insert(r, c);
    assert_int_equal(r->f.state, ST_CARD_ERROR);
    assert_int_equal(r->f.failure, FAIL_FOREIGN);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_ATTRACT);
    c.outcome = READ_UNREADABLE;
    insert(r, c);
    assert_int_equal(r->f.failure, FAIL_UNREADABLE);
}

static void test_card_pulled_everywhere(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    press(r, ACT_DIGIT, 1);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_ATTRACT);
    assert_true(has_fx(r, FX_PIN_CLEAR));
    assert_true(has_fx(r, FX_END_SESSION));
    assert_int_equal(r->f.pin_len, 0);
    assert_false(r->f.card_in);
}

static void test_card_pulled_while_pin_checked(void **state)
{
    struct rig *r = *state;
    uint32_t old;
    to_pin(r, 3);
    type_pin(r);
    old = r->f.session;
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_ATTRACT);
    /* the answer for the pulled card arrives late and is dropped */
    send(r, (struct event){ .kind = EV_CARD_IN });
    verify_done(r, VERIFY_OK, 3);
    assert_int_equal(r->f.state, ST_READING);
    {
        struct event ev = { .kind = EV_VERIFY_DONE, .session = old };
        ev.now = r->now;
        flow_step(&r->f, &ev, &r->fx);
    }
    assert_int_equal(r->f.state, ST_READING);
    assert_int_equal(r->fx.n, 0);
}

static void test_stale_answer_dropped(void **state)
{
    struct rig *r = *state;
    uint32_t old;
    send(r, (struct event){ .kind = EV_CARD_IN });
    old = r->f.session;
    send(r, (struct event){ .kind = EV_CARD_OUT });
    send(r, (struct event){ .kind = EV_CARD_IN });
    {
        struct event ev = { .kind = EV_READ_DONE, .session = old,
                            .u.card = good_card(3) };
        ev.now = r->now;
        flow_step(&r->f, &ev, &r->fx);
    }
    assert_int_equal(r->f.state, ST_READING);
}

static void test_idle_timeout_prompt_and_more_time(void **state)
{
    struct rig *r = *state;
    struct view v;
    insert(r, good_card(3));
    later(r, 59 * 1000);
    assert_int_equal(r->f.state, ST_MENU);
    later(r, 1000);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.countdown, 30);
    later(r, 10 * 1000);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.countdown, 20);
    press(r, ACT_MORE_TIME, 0);
    assert_int_equal(r->f.state, ST_MENU);
}

static void test_idle_timeout_ends_session(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    press(r, ACT_DIGIT, 1);
    later(r, 60 * 1000);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
    later(r, 30 * 1000);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    assert_true(has_fx(r, FX_PIN_CLEAR));
    assert_true(has_fx(r, FX_END_SESSION));
    assert_int_equal(r->f.pin_len, 0);
}

static void test_activity_postpones_idle(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    later(r, 50 * 1000);
    send(r, (struct event){ .kind = EV_ACTIVITY });
    later(r, 50 * 1000);
    assert_int_equal(r->f.state, ST_MENU);
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + 10 * 1000);
}

static void test_no_idle_timeout_while_card_works(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    type_pin(r);
    later(r, 120 * 1000);
    assert_int_equal(r->f.state, ST_PIN);
    assert_int_equal(flow_wakeup(&r->f, r->now), -1);
}

/* Attract wakes only to greet in the next language, and with a single
 * language not at all. */
static void test_attract_sleeps(void **state)
{
    struct rig *r = *state;
    const enum lang one[] = { LANG_JA };
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + r->f.t.greet);
    flow_set_languages(&r->f, one, 1, r->now);
    assert_int_equal(flow_wakeup(&r->f, r->now), -1);
}

static void test_countdown_wakes_each_second(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    later(r, 60 * 1000);
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + 1000);
    r->now += 300;
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + 700);
}

static void test_card_left_behind_alarm(void **state)
{
    struct rig *r = *state;
    struct view v;
    insert(r, good_card(3));
    press(r, ACT_CANCEL, 0);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    later(r, 30 * 1000);
    assert_true(has_fx(r, FX_BELL));
    flow_view(&r->f, r->now, &v);
    assert_true(v.alarm);
    later(r, 5 * 1000);
    assert_true(has_fx(r, FX_BELL)); /* again, until silenced */
    press(r, ACT_SILENCE, 0);
    later(r, 5 * 1000);
    assert_false(has_fx(r, FX_BELL));
    assert_int_equal(r->f.state, ST_REMOVE_CARD); /* still waits */
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_ATTRACT);
}

static void test_cancel_from_every_card_state(void **state)
{
    struct rig *r = *state;
    static const enum action path[] = { ACT_REGISTER, ACT_AGREE, ACT_USE_PIN };
    for (int depth = 0; depth <= 3; depth++) {
        insert(r, good_card(3));
        for (int i = 0; i < depth; i++)
            press(r, path[i], 0);
        press(r, ACT_CANCEL, 0);
        assert_int_equal(r->f.state, ST_REMOVE_CARD);
        assert_true(has_fx(r, FX_END_SESSION));
        send(r, (struct event){ .kind = EV_CARD_OUT });
    }
}

static void test_second_registration_already(void **state)
{
    struct rig *r = *state;
    struct card_summary c = good_card(3);
    struct view v;
    c.registered = true;
    insert(r, c);
    flow_view(&r->f, r->now, &v);
    assert_true(v.registered);
    press(r, ACT_REGISTER, 0);
    assert_int_equal(r->f.state, ST_ALREADY_REGISTERED);
    press(r, ACT_CHECK_EXPIRY, 0);
    assert_int_equal(r->f.state, ST_REMINDER);
}

static void test_register_race_and_failure(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    press(r, ACT_CONFIRM, 0);
    press(r, ACT_CANCEL, 0); /* a registration being written finishes */
    assert_int_equal(r->f.state, ST_REGISTERING);
    send(r, (struct event){ .kind = EV_REGISTER_DONE,
                            .u.reg = REGISTER_FAILED });
    assert_int_equal(r->f.state, ST_FAILED);
    assert_int_equal(r->f.failure, FAIL_RECORD);
}

static void test_verify_failures(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_REFUSED, 3);
    assert_int_equal(r->f.state, ST_FAILED);
    assert_int_equal(r->f.failure, FAIL_UNTRUSTED);
    press(r, ACT_FINISH, 0);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_ERROR, 3);
    assert_int_equal(r->f.failure, FAIL_CARD);
}

static void test_confirm_needs_proof(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    r->f.state = ST_CONFIRM; /* forced: no PIN was proven */
    press(r, ACT_CONFIRM, 0);
    assert_false(has_fx(r, FX_REGISTER));
}

static void test_reminder_from_menu_and_back(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    press(r, ACT_CHECK_EXPIRY, 0);
    assert_int_equal(r->f.state, ST_REMINDER);
    press(r, ACT_BACK, 0);
    assert_int_equal(r->f.state, ST_MENU);
}

static void test_language_any_time(void **state)
{
    struct rig *r = *state;
    press(r, ACT_LANG, LANG_EN);
    assert_int_equal(r->f.lang, LANG_EN);
    assert_true(has_fx(r, FX_SET_LANG));
    to_pin(r, 3);
    press(r, ACT_DIGIT, 4);
    press(r, ACT_LANGUAGES, 0);
    assert_int_equal(r->f.state, ST_LANGUAGE);
    press(r, ACT_LANG, LANG_JA);
    assert_int_equal(r->f.lang, LANG_JA);
    assert_int_equal(r->f.state, ST_PIN);
    assert_int_equal(r->f.pin_len, 1); /* nothing lost */
}

static void test_reader_down_and_up(void **state)
{
    struct rig *r = *state;
    to_pin(r, 3);
    send(r, (struct event){ .kind = EV_READER_DOWN });
    assert_int_equal(r->f.state, ST_OUT_OF_SERVICE);
    assert_true(has_fx(r, FX_PIN_CLEAR));
    send(r, (struct event){ .kind = EV_CARD_IN });
    assert_int_equal(r->f.state, ST_OUT_OF_SERVICE);
    send(r, (struct event){ .kind = EV_READER_UP });
    assert_int_equal(r->f.state, ST_ATTRACT);
}

static void test_focus_moves_and_wraps(void **state)
{
    struct rig *r = *state;
    struct view v;
    insert(r, good_card(3));
    send(r, (struct event){ .kind = EV_FOCUS, .u.delta = -1 });
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.focus, v.nbuttons - 1);
    send(r, (struct event){ .kind = EV_FOCUS, .u.delta = 1 });
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.buttons[v.focus].act, ACT_REGISTER);
}

static void test_state_names(void **state)
{
    (void)state;
    assert_string_equal(flow_state_name(ST_ATTRACT), "attract");
    assert_string_equal(flow_state_name(ST_ALREADY_REGISTERED),
                        "already-registered");
    assert_string_equal(flow_state_name(ST_TIMEOUT_PROMPT), "timeout-prompt");
    for (int s = 0; s < ST_COUNT; s++)
        assert_string_not_equal(flow_state_name((enum kstate)s), "unknown");
}

/* Random events never crash the flow or break its invariants. */
static void test_random_events_keep_invariants(void **state)
{
    struct rig *r = *state;
    struct view v;
    uint32_t seed = 12345;
    for (int i = 0; i < 200000; i++) {
        struct event ev = { 0 };
        seed = seed * 1103515245u + 12345u;
        ev.kind = (enum ev_kind)((seed >> 16) % (EV_READER_UP + 1));
        ev.u.button.act = (enum action)((seed >> 8) % (ACT_DEMO_CARD + 1));
        ev.u.button.arg = (int)((seed >> 4) % 10);
        if (ev.kind == EV_READ_DONE)
            ev.u.card = good_card((int)(seed % 4));
        if (ev.kind == EV_VERIFY_DONE)
            ev.u.verify.outcome = (enum verify_outcome)(seed % 6);
        r->now += (seed >> 20) % 5000;
        send(r, ev);
        assert_in_range(r->f.pin_len, 0, PIN_DIGITS);
        assert_in_range(r->f.state, 0, ST_COUNT - 1);
        if (!r->f.card_in) /* the information screens need no card */
            assert_true(r->f.state == ST_ATTRACT ||
                        r->f.state == ST_OUT_OF_SERVICE ||
                        r->f.state == ST_INFO || r->f.state == ST_LANGUAGE ||
                        r->f.state == ST_TIMEOUT_PROMPT ||
                        r->f.state == ST_STAFF);
        flow_view(&r->f, r->now, &v);
        assert_in_range(v.page, 0, v.pages > 0 ? v.pages - 1 : 0);
    }
}

/* A stray Enter before the last try cancels (safe), never sends it. */
static void test_last_try_focus_is_not_try_anyway(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 1);
    flow_view(&r->f, r->now, &v);
    assert_int_not_equal(v.buttons[v.focus].act, ACT_TRY_ANYWAY);
}

/* The next person is greeted in the kiosk's language again. */
static void test_language_restored_for_next_person(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    press(r, ACT_LANG, LANG_EN);
    r->f.lang = LANG_EN; /* however it was chosen */
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.lang, LANG_JA);
    assert_true(has_fx(r, FX_SET_LANG));
}

/* ---- information screens, pages, receipts (issue 4) ---- */

static bool offers(const struct rig *r, enum action a, int arg)
{
    struct view v;
    flow_view(&r->f, r->now, &v);
    for (int i = 0; i < v.nbuttons; i++)
        if (v.buttons[i].act == a && (arg < 0 || v.buttons[i].arg == arg))
            return true;
    return false;
}

static int fx_arg(const struct rig *r, enum fx_kind k)
{
    for (int i = 0; i < r->fx.n; i++)
        if (r->fx.list[i].kind == k)
            return r->fx.list[i].arg;
    return -1;
}

static void print_done(struct rig *r, enum print_outcome o)
{
    send(r, (struct event){ .kind = EV_PRINT_DONE, .u.print = o });
}

/* attract -> info (the list) -> a topic -> its QR page -> back -> list ->
 * attract, all without a card. */
static void test_info_from_attract_without_card(void **state)
{
    struct rig *r = *state;
    struct view v;
    assert_true(offers(r, ACT_INFO, 0));
    press(r, ACT_INFO, 0);
    assert_int_equal(r->f.state, ST_INFO);
    assert_string_equal(flow_state_name(ST_INFO), "info");
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.topic, -1);
    for (int t = 0; t < TOPIC_COUNT; t++)
        assert_true(offers(r, ACT_TOPIC, t));
    assert_false(offers(r, ACT_NEXT, -1));
    press(r, ACT_TOPIC, TOPIC_EXPIRY);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.topic, TOPIC_EXPIRY);
    assert_int_equal(v.pages, 2);
    assert_int_equal(v.page, 0);
    assert_false(v.qr);
    assert_false(offers(r, ACT_PREV, -1));
    assert_true(offers(r, ACT_NEXT, 1)); /* the next page is the QR code */
    press(r, ACT_NEXT, 1);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.page, 1);
    assert_true(v.qr);
    assert_false(offers(r, ACT_NEXT, -1));
    press(r, ACT_PREV, 0);
    flow_view(&r->f, r->now, &v);
    assert_false(v.qr);
    press(r, ACT_NEXT, 1);
    press(r, ACT_TOPICS, 0);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.topic, -1);
    assert_false(v.qr);
    press(r, ACT_TOPIC, TOPIC_LOST); /* a new topic opens on its text */
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.page, 0);
    press(r, ACT_FINISH, 0);
    assert_int_equal(r->f.state, ST_ATTRACT);
    press(r, ACT_INFO, 0);
    press(r, ACT_CANCEL, 0); /* Esc leaves too */
    assert_int_equal(r->f.state, ST_ATTRACT);
}

/* What マイナ保険証 brings takes a page of its own; the help line is a phone
 * number, with no QR code page. */
static void test_info_topic_pages(void **state)
{
    struct rig *r = *state;
    struct view v;
    press(r, ACT_INFO, 0);
    press(r, ACT_TOPIC, TOPIC_WHAT);
    assert_true(offers(r, ACT_NEXT, 0));
    press(r, ACT_NEXT, 0);
    assert_true(offers(r, ACT_NEXT, 1));
    press(r, ACT_NEXT, 1);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.pages, 3);
    assert_true(v.qr);
    press(r, ACT_TOPICS, 0);
    press(r, ACT_TOPIC, TOPIC_HELP);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.pages, 1);
    assert_false(v.qr);
    assert_false(offers(r, ACT_NEXT, -1));
    press(r, ACT_NEXT, 1); /* not offered: nothing happens */
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.page, 0);
}

/* A card inserted while someone reads is read at once. */
static void test_card_in_during_info(void **state)
{
    struct rig *r = *state;
    struct view v;
    press(r, ACT_INFO, 0);
    press(r, ACT_TOPIC, TOPIC_REGISTER);
    press(r, ACT_NEXT, 1);
    insert(r, good_card(3));
    assert_int_equal(r->f.state, ST_MENU);
    press(r, ACT_CHECK_EXPIRY, 0); /* on its first page, not the QR code */
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.page, 0);
    assert_false(v.qr);
}

/* Reading and walking away: the prompt, then attract, not remove-card. */
static void test_info_idle_timeout(void **state)
{
    struct rig *r = *state;
    press(r, ACT_INFO, 0);
    later(r, 60 * 1000);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
    press(r, ACT_MORE_TIME, 0);
    assert_int_equal(r->f.state, ST_INFO);
    later(r, 60 * 1000);
    later(r, 30 * 1000);
    assert_int_equal(r->f.state, ST_ATTRACT);
}

/* The outcome screens have a QR code page to マイナポータル; the reminder
 * has the certificate, the card itself and the QR code. Going on to
 * another screen starts on its first page. */
static void test_outcome_and_reminder_pages(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    press(r, ACT_CONFIRM, 0);
    send(r, (struct event){ .kind = EV_REGISTER_DONE, .u.reg = REGISTER_DONE });
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.pages, 2);
    press(r, ACT_NEXT, 1);
    flow_view(&r->f, r->now, &v);
    assert_true(v.qr);
    press(r, ACT_CHECK_EXPIRY, 0);
    assert_int_equal(r->f.state, ST_REMINDER);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.pages, 3);
    assert_int_equal(v.page, 0);
    assert_false(v.qr);
    press(r, ACT_NEXT, 0);
    press(r, ACT_NEXT, 1);
    flow_view(&r->f, r->now, &v);
    assert_true(v.qr);
    press(r, ACT_FINISH, 0);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    flow_view(&r->f, r->now, &v);
    assert_false(v.qr);
    assert_int_equal(v.pages, 1);
}

/* No printer, no offer: on done, already-registered and the reminder. */
static void test_no_printer_no_receipt(void **state)
{
    struct rig *r = *state;
    struct card_summary c = good_card(3);
    c.registered = true;
    insert(r, c);
    press(r, ACT_REGISTER, 0);
    assert_int_equal(r->f.state, ST_ALREADY_REGISTERED);
    assert_false(offers(r, ACT_PRINT, -1));
    press(r, ACT_PRINT, 0);
    assert_false(has_fx(r, FX_PRINT));
    press(r, ACT_CHECK_EXPIRY, 0);
    assert_false(offers(r, ACT_PRINT, -1));
}

/* With a printer: the receipt is an effect, its answer an event; while
 * it prints there is no second offer, once out no more. */
static void test_print_receipt(void **state)
{
    struct rig *r = *state;
    struct view v;
    r->f.printer = true;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    press(r, ACT_CONFIRM, 0);
    send(r, (struct event){ .kind = EV_REGISTER_DONE, .u.reg = REGISTER_DONE });
    assert_true(offers(r, ACT_PRINT, 0));
    press(r, ACT_PRINT, 0);
    assert_true(has_fx(r, FX_PRINT));
    assert_int_equal(fx_arg(r, FX_PRINT), RECEIPT_REGISTERED);
    assert_int_equal(r->fx.list[0].session, r->f.session);
    flow_view(&r->f, r->now, &v);
    assert_true(v.printing);
    assert_false(offers(r, ACT_PRINT, -1));
    print_done(r, PRINT_OK);
    assert_int_equal(r->f.state, ST_DONE);
    flow_view(&r->f, r->now, &v);
    assert_false(v.printing);
    assert_true(v.print_answered);
    assert_int_equal(v.print_result, PRINT_OK);
    assert_false(offers(r, ACT_PRINT, -1));
    press(r, ACT_CHECK_EXPIRY, 0); /* one receipt per person */
    assert_false(offers(r, ACT_PRINT, -1));
}

/* A printer that is missing, off-line or out of paper: the reason is in
 * the view, the person stays where they were and may try again. */
static void test_print_failures(void **state)
{
    struct rig *r = *state;
    static const enum print_outcome bad[] = {
        PRINT_MISSING, PRINT_OFFLINE, PRINT_NO_PAPER, PRINT_FAILED,
    };
    struct view v;
    r->f.printer = true;
    insert(r, good_card(3));
    press(r, ACT_CHECK_EXPIRY, 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        press(r, ACT_PRINT, 0);
        assert_int_equal(fx_arg(r, FX_PRINT), RECEIPT_REMINDER);
        print_done(r, bad[i]);
        assert_int_equal(r->f.state, ST_REMINDER);
        flow_view(&r->f, r->now, &v);
        assert_true(v.print_answered);
        assert_int_equal(v.print_result, bad[i]);
        assert_true(offers(r, ACT_PRINT, 0));
    }
}

/* The receipt tells what the session did. */
static void test_receipt_kind(void **state)
{
    struct rig *r = *state;
    struct card_summary c = good_card(3);
    r->f.printer = true;
    c.registered = true;
    insert(r, c);
    press(r, ACT_REGISTER, 0);
    press(r, ACT_PRINT, 0);
    assert_int_equal(fx_arg(r, FX_PRINT), RECEIPT_ALREADY);
    print_done(r, PRINT_OFFLINE);
    press(r, ACT_CHECK_EXPIRY, 0);
    press(r, ACT_PRINT, 0);
    assert_int_equal(fx_arg(r, FX_PRINT), RECEIPT_ALREADY);
}

/* How a print ended is said on the screen it was asked from, over its
 * pages and the language picker, not on the next screen (which offers a
 * receipt again); a receipt still printing is said wherever the person
 * went, and so is its end. */
static void test_print_answer_stays_on_its_screen(void **state)
{
    struct rig *r = *state;
    struct view v;
    r->f.printer = true;
    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    press(r, ACT_CONFIRM, 0);
    send(r, (struct event){ .kind = EV_REGISTER_DONE, .u.reg = REGISTER_DONE });
    press(r, ACT_PRINT, 0);
    print_done(r, PRINT_NO_PAPER);
    press(r, ACT_NEXT, 1);
    press(r, ACT_LANGUAGES, 0);
    press(r, ACT_LANG, LANG_EN);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.state, ST_DONE);
    assert_true(v.qr);
    assert_true(v.print_answered);
    assert_int_equal(v.print_result, PRINT_NO_PAPER);
    press(r, ACT_CHECK_EXPIRY, 0);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.state, ST_REMINDER);
    assert_false(v.print_answered);
    assert_true(offers(r, ACT_PRINT, 0));
    press(r, ACT_FINISH, 0);
    send(r, (struct event){ .kind = EV_CARD_OUT });

    to_pin(r, 3);
    type_pin(r);
    verify_done(r, VERIFY_OK, 3);
    press(r, ACT_CONFIRM, 0);
    send(r, (struct event){ .kind = EV_REGISTER_DONE, .u.reg = REGISTER_DONE });
    press(r, ACT_PRINT, 0);
    press(r, ACT_CHECK_EXPIRY, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.printing);
    print_done(r, PRINT_OK);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.state, ST_REMINDER);
    assert_true(v.print_answered);
    assert_int_equal(v.print_result, PRINT_OK);
}

/* An answer for a session that has ended changes nothing; the next
 * person is offered a receipt again. */
static void test_print_answer_after_the_session(void **state)
{
    struct rig *r = *state;
    struct view v;
    uint32_t old;
    r->f.printer = true;
    insert(r, good_card(3));
    press(r, ACT_CHECK_EXPIRY, 0);
    press(r, ACT_PRINT, 0);
    old = r->f.session;
    send(r, (struct event){ .kind = EV_CARD_OUT });
    print_done(r, PRINT_NO_PAPER);
    flow_view(&r->f, r->now, &v);
    assert_false(v.print_answered);
    assert_false(v.printing);
    insert(r, good_card(3));
    press(r, ACT_CHECK_EXPIRY, 0);
    {
        struct event ev = { .kind = EV_PRINT_DONE, .session = old,
                            .u.print = PRINT_OK };
        ev.now = r->now;
        flow_step(&r->f, &ev, &r->fx);
    }
    assert_true(offers(r, ACT_PRINT, 0));
    flow_view(&r->f, r->now, &v);
    assert_false(v.print_answered);
}

/* While a receipt prints, the idle time-out still comes (the printer
 * has its own time-out) and the session ends cleanly. */
static void test_print_then_timeout(void **state)
{
    struct rig *r = *state;
    r->f.printer = true;
    insert(r, good_card(3));
    press(r, ACT_CHECK_EXPIRY, 0);
    press(r, ACT_PRINT, 0);
    later(r, 60 * 1000);
    later(r, 30 * 1000);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    assert_false(r->f.printing);
    print_done(r, PRINT_OK);
    assert_false(r->f.print_answered);
}

/* ---- the alternatives to the PIN and staff mode (issue 5) ---- */

static bool shows(const struct rig *r, enum action a)
{
    struct view v;
    flow_view(&r->f, r->now, &v);
    for (int i = 0; i < v.nbuttons; i++)
        if (v.buttons[i].act == a)
            return true;
    return false;
}

static int key_of(const struct rig *r, enum action a)
{
    struct view v;
    flow_view(&r->f, r->now, &v);
    for (int i = 0; i < v.nbuttons; i++)
        if (v.buttons[i].act == a)
            return v.buttons[i].key;
    return -1;
}

static int arg_of(const struct rig *r, enum fx_kind k)
{
    for (int i = 0; i < r->fx.n; i++)
        if (r->fx.list[i].kind == k)
            return r->fx.list[i].arg;
    return -1;
}

/* No effect of these steps may touch the PIN or the card's PIN check. */
static void assert_no_pin_work(const struct rig *r)
{
    assert_false(has_fx(r, FX_VERIFY_PIN));
    assert_false(has_fx(r, FX_PIN_PUSH));
    assert_false(has_fx(r, FX_PIN_POP));
}

/* attract -> auth-choice with every method offered. */
static void to_choice(struct rig *r, int tries)
{
    flow_set_methods(&r->f, AUTH_ALL);
    insert(r, good_card(tries));
    press(r, ACT_REGISTER, 0);
    press(r, ACT_AGREE, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
}

static void face_done(struct rig *r, enum face_outcome o, int attempt)
{
    struct event ev = { .kind = EV_FACE_DONE };
    ev.u.face.outcome = o;
    ev.u.face.attempt = attempt;
    send(r, ev);
}

static void code_done(struct rig *r, bool ok)
{
    struct event ev = { .kind = EV_STAFF_CODE_DONE };
    ev.u.staff.ok = ok;
    if (ok)
        strcpy(ev.u.staff.id, "tanaka");
    send(r, ev);
}

static void type_code(struct rig *r, int digits)
{
    for (int i = 0; i < digits; i++) {
        press(r, ACT_DIGIT, i % 10);
        assert_true(has_fx(r, FX_CODE_PUSH));
        assert_no_pin_work(r);
    }
    press(r, ACT_PIN_OK, 0);
}

static void test_auth_choice_offers_configured_methods(void **state)
{
    struct rig *r = *state;
    struct view v;
    insert(r, good_card(3));
    press(r, ACT_REGISTER, 0);
    press(r, ACT_AGREE, 0);
    assert_true(shows(r, ACT_USE_PIN)); /* the default: the PIN alone */
    assert_false(shows(r, ACT_USE_FACE));
    assert_false(shows(r, ACT_USE_STAFF));
    flow_view(&r->f, r->now, &v);
    assert_false(v.auth.alternatives);
    flow_set_methods(&r->f, AUTH_ALL);
    assert_int_equal(key_of(r, ACT_USE_PIN), '1');
    assert_int_equal(key_of(r, ACT_USE_FACE), '2');
    assert_int_equal(key_of(r, ACT_USE_STAFF), '3');
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.alternatives);
    flow_set_methods(&r->f, AUTH_BIT(AUTH_STAFF));
    assert_false(shows(r, ACT_USE_PIN));
    assert_int_equal(key_of(r, ACT_USE_STAFF), '1');
    press(r, ACT_USE_PIN, 0); /* not offered: nothing */
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    press(r, ACT_USE_FACE, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
}

/* The view says whether [auth] methods offers the PIN, locked or not,
 * so that auth-choice speaks of it only then; face alone, with its checks
 * used up, leaves nothing but Esc. */
static void test_view_says_whether_pin_is_offered(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.pin_offered); /* locked, but offered */
    flow_set_methods(&r->f, AUTH_BIT(AUTH_FACE));
    flow_view(&r->f, r->now, &v);
    assert_false(v.auth.pin_offered);
    assert_true(v.auth.alternatives);
    for (int i = 1; i <= AUTH_FACE_ATTEMPTS; i++) {
        press(r, i == 1 ? ACT_USE_FACE : ACT_FACE_RETRY, 0);
        face_done(r, FACE_NO_MATCH, i);
    }
    press(r, ACT_OTHER_WAY, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    flow_view(&r->f, r->now, &v);
    assert_false(v.auth.pin_offered);
    assert_false(v.auth.alternatives);
    assert_int_equal(v.nbuttons, 1 + shows(r, ACT_LANGUAGES));
    assert_int_equal(v.buttons[0].act, ACT_CANCEL);
}

/* A locked PIN leaves the other ways; with none left, the guidance. */
static void test_locked_pin_keeps_alternatives(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 0);
    flow_view(&r->f, r->now, &v);
    assert_true(v.locked);
    assert_true(v.auth.alternatives);
    assert_false(shows(r, ACT_USE_PIN));
    assert_int_equal(key_of(r, ACT_USE_FACE), '1');
    assert_int_equal(key_of(r, ACT_USE_STAFF), '2');
    flow_set_methods(&r->f, AUTH_BIT(AUTH_PIN));
    flow_view(&r->f, r->now, &v);
    assert_true(v.locked);
    assert_false(v.auth.alternatives);
    assert_int_equal(v.nbuttons, 1 + shows(r, ACT_LANGUAGES)); /* Esc */
}

static void test_face_match_registers_by_face(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    assert_int_equal(arg_of(r, FX_FACE_START), 1);
    assert_no_pin_work(r);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_mode, FACE_MATCHING);
    assert_int_equal(v.countdown, 20);
    assert_false(v.digit_entry);
    assert_false(shows(r, ACT_LANGUAGES)); /* the answer must find us here */
    r->now += 1500;
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.countdown, 19);
    face_done(r, FACE_MATCH, 1);
    assert_int_equal(r->f.state, ST_CONFIRM);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.method, AUTH_FACE);
    press(r, ACT_CONFIRM, 0);
    assert_int_equal(r->f.state, ST_REGISTERING);
    assert_int_equal(arg_of(r, FX_REGISTER), AUTH_FACE);
    assert_false(r->f.proven); /* no signature: the PIN path's alone */
}

static void test_face_countdown_wakes_each_second(void **state)
{
    struct rig *r = *state;
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + 1000);
    r->now += 250;
    assert_int_equal(flow_wakeup(&r->f, r->now), r->now + 750);
}

/* Three failed checks and the face check is not offered again to this
 * person; each failure is counted for the ledger. */
static void test_face_three_failures(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    face_done(r, FACE_NO_MATCH, 1);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    assert_int_equal(arg_of(r, FX_COUNT_FAILURE), AUTH_FACE);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_mode, FACE_FAILED);
    assert_int_equal(v.auth.face_last, FACE_NO_MATCH);
    assert_int_equal(v.auth.face_left, 2);
    press(r, ACT_FACE_RETRY, 0);
    assert_int_equal(arg_of(r, FX_FACE_START), 2);
    face_done(r, FACE_ERROR, 2);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_last, FACE_ERROR);
    press(r, ACT_OTHER_WAY, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    press(r, ACT_USE_FACE, 0);
    assert_int_equal(arg_of(r, FX_FACE_START), 3);
    face_done(r, FACE_NO_MATCH, 3);
    assert_true(has_fx(r, FX_COUNT_FAILURE));
    assert_false(shows(r, ACT_FACE_RETRY));
    press(r, ACT_FACE_RETRY, 0);
    assert_false(has_fx(r, FX_FACE_START));
    press(r, ACT_OTHER_WAY, 0);
    assert_false(shows(r, ACT_USE_FACE));
    assert_true(shows(r, ACT_USE_PIN));
    press(r, ACT_USE_FACE, 0);
    assert_int_equal(r->f.state, ST_AUTH_CHOICE);
    /* A new person has all three again. */
    press(r, ACT_CANCEL, 0);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    insert(r, good_card(3));
    press(r, ACT_REGISTER, 0);
    press(r, ACT_AGREE, 0);
    assert_true(shows(r, ACT_USE_FACE));
}

static void test_face_timeout_stops_the_matcher(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    later(r, r->f.t.face - 1);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    assert_true(r->f.auth.face_running);
    later(r, 1);
    assert_true(has_fx(r, FX_FACE_STOP));
    assert_int_equal(arg_of(r, FX_COUNT_FAILURE), AUTH_FACE);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_mode, FACE_FAILED);
    assert_int_equal(v.auth.face_last, FACE_TIMEOUT);
    face_done(r, FACE_MATCH, 1); /* too late: dropped */
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    /* The failed screen waits for the person like any other. */
    later(r, r->f.t.idle);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
}

/* Cancel or a pulled card kill the matcher at once; no PIN is spent. */
static void test_face_cancel_and_card_out(void **state)
{
    struct rig *r = *state;
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    press(r, ACT_CANCEL, 0);
    assert_true(has_fx(r, FX_FACE_STOP));
    assert_no_pin_work(r);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    face_done(r, FACE_MATCH, 1);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_true(has_fx(r, FX_FACE_STOP));
    assert_no_pin_work(r);
    assert_int_equal(r->f.state, ST_ATTRACT);
    assert_false(r->f.auth.face_running);
    assert_false(r->f.busy);
}

/* Answers for another check or another person never count. */
static void test_face_stale_answers(void **state)
{
    struct rig *r = *state;
    struct event ev = { .kind = EV_FACE_DONE };
    to_choice(r, 3);
    press(r, ACT_USE_FACE, 0);
    face_done(r, FACE_MATCH, 7);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    ev.session = r->f.session + 1;
    ev.u.face.attempt = 1;
    ev.u.face.outcome = FACE_MATCH;
    send(r, ev);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    face_done(r, (enum face_outcome)99, 1); /* nonsense: a failure */
    assert_int_equal(r->f.auth.face_last, FACE_ERROR);
}

/* The staff visual check: code, then staff compare, then confirm. */
static void test_staff_check_registers_with_staff(void **state)
{
    struct rig *r = *state;
    struct view v;
    to_choice(r, 3);
    press(r, ACT_USE_STAFF, 0);
    assert_int_equal(r->f.state, ST_FACE_CHECK);
    assert_true(has_fx(r, FX_CODE_CLEAR));
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_mode, FACE_STAFF_CODE);
    assert_true(v.digit_entry);
    press(r, ACT_DIGIT, 1);
    press(r, ACT_DIGIT, 2);
    press(r, ACT_CORRECT, 0);
    assert_true(has_fx(r, FX_CODE_POP));
    press(r, ACT_PIN_OK, 0); /* too short: a bell, no check */
    assert_true(has_fx(r, FX_BELL));
    assert_false(has_fx(r, FX_CHECK_STAFF));
    type_code(r, 6);
    assert_true(has_fx(r, FX_CHECK_STAFF));
    assert_true(r->f.busy);
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.code_checking);
    assert_false(v.digit_entry);
    assert_int_equal(flow_wakeup(&r->f, r->now), -1); /* no idle prompt */
    code_done(r, true);
    assert_true(has_fx(r, FX_CODE_CLEAR));
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.face_mode, FACE_STAFF_LOOK);
    assert_string_equal(v.auth.staff_id, "tanaka");
    press(r, ACT_SAME_PERSON, 0);
    assert_int_equal(r->f.state, ST_CONFIRM);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.method, AUTH_STAFF);
    press(r, ACT_CONFIRM, 0);
    assert_int_equal(arg_of(r, FX_REGISTER), AUTH_STAFF);
}

static void test_staff_says_not_the_holder(void **state)
{
    struct rig *r = *state;
    to_choice(r, 3);
    press(r, ACT_USE_STAFF, 0);
    type_code(r, 8);
    code_done(r, true);
    press(r, ACT_NOT_SAME, 0);
    assert_int_equal(arg_of(r, FX_COUNT_FAILURE), AUTH_STAFF);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    assert_true(has_fx(r, FX_END_SESSION));
}

/* Five wrong codes in a row lock staff entry (visual check and staff
 * mode alike) for t.staff_lock; a right code resets the count. */
static void test_wrong_staff_codes_lock(void **state)
{
    struct rig *r = *state;
    struct view v;
    r->f.t.staff_lock = 30 * 1000; /* shorter than the idle time-out */
    to_choice(r, 3);
    press(r, ACT_USE_STAFF, 0);
    for (int i = 0; i < AUTH_STAFF_TRIES - 1; i++) {
        type_code(r, 6);
        code_done(r, false);
        assert_true(has_fx(r, FX_BELL));
    }
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.code_wrong);
    assert_int_equal(v.auth.code_tries_left, 1);
    assert_int_equal(v.auth.locked_minutes, 0);
    type_code(r, 6);
    code_done(r, false);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.locked_minutes, 1);
    assert_false(v.digit_entry);
    assert_false(shows(r, ACT_DIGIT));
    assert_true(shows(r, ACT_OTHER_WAY));
    press(r, ACT_DIGIT, 1);
    assert_false(has_fx(r, FX_CODE_PUSH));
    /* Locked for staff mode too, and beyond this person. */
    press(r, ACT_CANCEL, 0);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_STAFF);
    assert_false(shows(r, ACT_DIGIT));
    assert_int_equal(flow_wakeup(&r->f, r->now), r->f.auth.locked_until);
    r->now = r->f.auth.locked_until;
    send(r, (struct event){ .kind = EV_TICK });
    assert_true(shows(r, ACT_DIGIT));
    type_code(r, 6);
    code_done(r, false);
    type_code(r, 6);
    code_done(r, true); /* right: the count starts again */
    assert_int_equal(r->f.auth.code_fails, 0);
}

/* A lock the shell found in the ledger at start-up holds like one the
 * flow set itself, and ends on time; a lock already over is none. */
static void test_staff_lock_from_start_up(void **state)
{
    struct rig *r = *state;
    struct view v;

    flow_set_staff_lock(&r->f, r->now, r->now); /* over: no lock */
    assert_false(r->f.auth.locked);
    flow_set_staff_lock(&r->f, r->now + 90 * 1000, r->now);
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_STAFF);
    assert_false(shows(r, ACT_DIGIT));
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.locked_minutes, 2);
    press(r, ACT_DIGIT, 1);
    assert_false(has_fx(r, FX_CODE_PUSH));
    assert_true(flow_wakeup(&r->f, r->now) <= r->now + 90 * 1000);
    r->now += 90 * 1000 - 1;
    send(r, (struct event){ .kind = EV_TICK });
    assert_true(r->f.auth.locked);
    r->now += 1;
    send(r, (struct event){ .kind = EV_TICK });
    assert_false(r->f.auth.locked);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.locked_minutes, 0);
    assert_int_equal(v.auth.code_tries_left, AUTH_STAFF_TRIES);
}

static void staff_mode(struct rig *r)
{
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_STAFF);
    assert_string_equal(flow_state_name(ST_STAFF), "staff");
    type_code(r, 6);
    code_done(r, true);
    assert_true(has_fx(r, FX_STAFF_COUNTS));
    assert_int_equal(r->f.auth.staff_mode, STAFF_MENU);
}

static void test_staff_mode(void **state)
{
    struct rig *r = *state;
    struct view v;
    struct event ev = { .kind = EV_COUNTS_DONE };
    enum lang home = r->f.home_lang;
    staff_mode(r);
    flow_view(&r->f, r->now, &v);
    assert_false(v.auth.counts_ok);
    assert_false(v.auth.reader_down);
    ev.u.counts.registered[AUTH_FACE] = 4;
    ev.u.counts.failed[AUTH_PIN] = 2;
    send(r, ev);
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.counts_ok);
    assert_int_equal(v.auth.counts.registered[AUTH_FACE], 4);
    assert_int_equal(v.auth.counts.failed[AUTH_PIN], 2);
    assert_false(shows(r, ACT_TEST_PRINT)); /* no printer */
    press(r, ACT_HOME_LANG, 0);
    assert_int_not_equal(r->f.home_lang, home);
    flow_view(&r->f, r->now, &v);
    assert_int_equal(v.auth.home_lang, r->f.home_lang);
    press(r, ACT_LEAVE, 0);
    assert_int_equal(r->f.auth.staff_mode, STAFF_LEAVE);
    press(r, ACT_BACK, 0);
    assert_int_equal(r->f.auth.staff_mode, STAFF_MENU);
    press(r, ACT_LEAVE, 0);
    press(r, ACT_LEAVE_YES, 0);
    assert_true(has_fx(r, FX_QUIT));
    /* Closing it: new people start in the language staff chose. */
    press(r, ACT_STAFF_DONE, 0);
    assert_int_equal(r->f.state, ST_ATTRACT);
    assert_int_equal(r->f.lang, r->f.home_lang);
}

/* The chord opens staff mode only between people, never over a session. */
static void test_staff_chord_only_between_people(void **state)
{
    struct rig *r = *state;
    insert(r, good_card(3));
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_MENU);
    press(r, ACT_CANCEL, 0);
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    send(r, (struct event){ .kind = EV_READER_DOWN });
    send(r, (struct event){ .kind = EV_STAFF_CHORD });
    assert_int_equal(r->f.state, ST_STAFF); /* out of service: staff look */
    press(r, ACT_CANCEL, 0);
    assert_int_equal(r->f.state, ST_OUT_OF_SERVICE);
}

/* The reader and the card come and go under staff mode: it stays, says
 * so, and leaves for the right screen. */
static void test_staff_mode_reader_and_card(void **state)
{
    struct rig *r = *state;
    struct view v;
    staff_mode(r);
    send(r, (struct event){ .kind = EV_READER_DOWN });
    assert_int_equal(r->f.state, ST_STAFF);
    flow_view(&r->f, r->now, &v);
    assert_true(v.auth.reader_down);
    send(r, (struct event){ .kind = EV_READER_UP });
    send(r, (struct event){ .kind = EV_CARD_IN });
    assert_int_equal(r->f.state, ST_STAFF);
    assert_false(has_fx(r, FX_READ_CARD));
    send(r, (struct event){ .kind = EV_CARD_OUT });
    assert_int_equal(r->f.state, ST_STAFF);
    send(r, (struct event){ .kind = EV_CARD_IN });
    press(r, ACT_CANCEL, 0);
    assert_int_equal(r->f.state, ST_REMOVE_CARD);
    send(r, (struct event){ .kind = EV_CARD_OUT });
    staff_mode(r);
    send(r, (struct event){ .kind = EV_READER_DOWN });
    press(r, ACT_STAFF_DONE, 0);
    assert_int_equal(r->f.state, ST_OUT_OF_SERVICE);
}

static void test_staff_test_print_and_idle(void **state)
{
    struct rig *r = *state;
    r->f.printer = true;
    staff_mode(r);
    assert_int_equal(key_of(r, ACT_TEST_PRINT), '1');
    press(r, ACT_TEST_PRINT, 0);
    assert_int_equal(arg_of(r, FX_PRINT), RECEIPT_TEST);
    assert_false(shows(r, ACT_TEST_PRINT));
    assert_int_equal(key_of(r, ACT_LEAVE), '3'); /* keys stay put */
    send(r, (struct event){ .kind = EV_PRINT_DONE, .u.print = PRINT_NO_PAPER });
    assert_true(r->f.print_answered);
    assert_true(shows(r, ACT_TEST_PRINT));
    /* Staff who walk away do not leave staff mode open. */
    later(r, r->f.t.idle);
    assert_int_equal(r->f.state, ST_TIMEOUT_PROMPT);
    later(r, r->f.t.prompt);
    assert_int_equal(r->f.state, ST_ATTRACT);
}

/* Random events among the new ones: no crash, no PIN effect outside the
 * PIN screen, nothing left running without its screen. */
static void test_random_auth_events(void **state)
{
    struct rig *r = *state;
    static const enum ev_kind kinds[] = {
        EV_CARD_IN, EV_CARD_OUT, EV_ACTION, EV_ACTION, EV_ACTION, EV_TICK,
        EV_READ_DONE, EV_FACE_DONE, EV_STAFF_CODE_DONE, EV_COUNTS_DONE,
        EV_STAFF_CHORD, EV_READER_DOWN, EV_READER_UP, EV_ACTIVITY,
    };
    uint32_t seed = 777;
    flow_set_methods(&r->f, AUTH_ALL);
    for (int i = 0; i < 200000; i++) {
        struct event ev = { 0 };
        enum kstate before = r->f.state;
        seed = seed * 1103515245u + 12345u;
        ev.kind = kinds[(seed >> 16) % (sizeof kinds / sizeof kinds[0])];
        ev.u.button.act = (enum action)((seed >> 8) % (ACT_DEMO_CARD + 1));
        ev.u.button.arg = (int)((seed >> 4) % 10);
        if (ev.kind == EV_READ_DONE)
            ev.u.card = good_card((int)(seed % 4));
        if (ev.kind == EV_FACE_DONE) {
            ev.u.face.outcome = (enum face_outcome)(seed % 4);
            ev.u.face.attempt = r->f.auth.face_attempt;
        }
        if (ev.kind == EV_STAFF_CODE_DONE)
            ev.u.staff.ok = seed % 3 == 0;
        r->now += (seed >> 20) % 3000;
        send(r, ev);
        if (before != ST_PIN)
            assert_false(has_fx(r, FX_VERIFY_PIN));
        assert_in_range(r->f.auth.code_len, 0, AUTH_CODE_MAX);
        assert_in_range(r->f.auth.face_fails, 0, AUTH_FACE_ATTEMPTS);
        if (r->f.auth.face_running)
            assert_true(r->f.state == ST_FACE_CHECK && r->f.card_in);
        if (r->f.state == ST_FACE_CHECK)
            assert_true(r->f.card_in);
    }
}

/* A card inserted while the language picker is open over attract is
 * read at once, not forgotten. */
static void test_card_in_under_language_picker(void **state)
{
    struct rig *r = *state;
    r->f.state = ST_LANGUAGE; /* the picker, opened before any card */
    r->f.lang_from = ST_ATTRACT;
    send(r, (struct event){ .kind = EV_CARD_IN });
    assert_int_equal(r->f.state, ST_READING);
    assert_true(has_fx(r, FX_READ_CARD));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, setup)
        T(test_happy_path),
        T(test_pin_digits_and_correction),
        T(test_wrong_then_right_pin),
        T(test_last_try_needs_try_anyway),
        T(test_wrong_pin_down_to_last_try_warns_again),
        T(test_pin_blocks),
        T(test_locked_card_offers_no_pin),
        T(test_expired_goes_to_reminder),
        T(test_foreign_and_unreadable_cards),
        T(test_card_pulled_everywhere),
        T(test_card_pulled_while_pin_checked),
        T(test_stale_answer_dropped),
        T(test_idle_timeout_prompt_and_more_time),
        T(test_idle_timeout_ends_session),
        T(test_activity_postpones_idle),
        T(test_no_idle_timeout_while_card_works),
        T(test_attract_sleeps),
        T(test_countdown_wakes_each_second),
        T(test_card_left_behind_alarm),
        T(test_cancel_from_every_card_state),
        T(test_second_registration_already),
        T(test_register_race_and_failure),
        T(test_verify_failures),
        T(test_confirm_needs_proof),
        T(test_reminder_from_menu_and_back),
        T(test_language_any_time),
        T(test_reader_down_and_up),
        T(test_focus_moves_and_wraps),
        T(test_random_events_keep_invariants),
        T(test_info_from_attract_without_card),
        T(test_info_topic_pages),
        T(test_card_in_during_info),
        T(test_info_idle_timeout),
        T(test_outcome_and_reminder_pages),
        T(test_no_printer_no_receipt),
        T(test_print_receipt),
        T(test_print_failures),
        T(test_receipt_kind),
        T(test_print_answer_stays_on_its_screen),
        T(test_print_answer_after_the_session),
        T(test_print_then_timeout),
        T(test_last_try_focus_is_not_try_anyway),
        T(test_language_restored_for_next_person),
        T(test_card_in_under_language_picker),
        T(test_auth_choice_offers_configured_methods),
        T(test_view_says_whether_pin_is_offered),
        T(test_locked_pin_keeps_alternatives),
        T(test_face_match_registers_by_face),
        T(test_face_countdown_wakes_each_second),
        T(test_face_three_failures),
        T(test_face_timeout_stops_the_matcher),
        T(test_face_cancel_and_card_out),
        T(test_face_stale_answers),
        T(test_staff_check_registers_with_staff),
        T(test_staff_says_not_the_holder),
        T(test_wrong_staff_codes_lock),
        T(test_staff_lock_from_start_up),
        T(test_staff_mode),
        T(test_staff_chord_only_between_people),
        T(test_staff_mode_reader_and_card),
        T(test_staff_test_print_and_idle),
        T(test_random_auth_events),
#undef T
        cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
