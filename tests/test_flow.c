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

static void test_attract_sleeps(void **state)
{
    struct rig *r = *state;
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
        if (!r->f.card_in)
            assert_true(r->f.state == ST_ATTRACT ||
                        r->f.state == ST_OUT_OF_SERVICE);
    }
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
#undef T
        cmocka_unit_test(test_state_names),
    };
    return cmocka_run_group_tests_name("flow", tests, NULL, NULL);
}
