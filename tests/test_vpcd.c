/*
 * test_vpcd.c - the simulated card's side of the vpcd protocol
 * (reader/vpcd.c) over a real socket pair: framing both ways, the ATR
 * answered at any time, power and reset clearing a verified PIN, APDUs
 * answered as the card answers them, and malformed frames refused.
 */
#include "tests/test.h"

#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "reader/simcard.h"
#include "reader/testca.h"
#include "reader/vpcd.h"

static struct testca *ca;
static struct simcard *card;

static const uint8_t SELECT_AP[] = { 0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92,
                                     0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00,
                                     0x01 };
static const uint8_t SELECT_PIN[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00,
                                      0x18 };
static const uint8_t VERIFY[] = { 0x00, 0x20, 0x00, 0x80, 0x04,
                                  '1', '2', '3', '4' };
static const uint8_t TRIES[] = { 0x00, 0x20, 0x00, 0x80 };
static const uint8_t SELECT_KEY[] = { 0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00,
                                      0x17 };
static const uint8_t SIGN[] = { 0x80, 0x2A, 0x00, 0x80, 0x01, 0xAA, 0x00 };

static int setup(void **state)
{
    (void)state;
    ca = testca_new(NULL, 0);
    card = ca ? simcard_new(SIM_FRESH, ca, time(NULL), NULL, 0) : NULL;
    return card ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    simcard_free(card);
    testca_free(ca);
    return 0;
}

/* The status word of card's answer to cmd. */
static unsigned sw_of(const uint8_t *cmd, size_t n)
{
    uint8_t out[SIMCARD_RESP_MAX];
    size_t outn = 0;

    assert_int_equal(vpcd_answer(card, cmd, n, out, sizeof out, &outn), 0);
    assert_true(outn >= 2);
    return (unsigned)out[outn - 2] << 8 | out[outn - 1];
}

static void test_frames_both_ways(void **state)
{
    int sv[2];
    uint8_t buf[300], raw[8];
    uint8_t big[300];
    (void)state;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(vpcd_send(sv[0], TRIES, sizeof TRIES), 0);
    assert_int_equal(read(sv[1], raw, 6), 6);
    assert_memory_equal(raw, "\x00\x04\x00\x20\x00\x80", 6); /* length BE */
    memset(big, 0xA5, sizeof big);
    assert_int_equal(vpcd_send(sv[0], big, sizeof big), 0);
    assert_int_equal(vpcd_recv(sv[1], buf, sizeof buf), 300);
    assert_memory_equal(buf, big, 300);
    assert_int_equal(vpcd_send(sv[0], big, 0), -1); /* nothing to send */
    close(sv[0]);
    assert_int_equal(vpcd_recv(sv[1], buf, sizeof buf), 0); /* clean end */
    close(sv[1]);
}

static void test_bad_frames_are_refused(void **state)
{
    int sv[2];
    uint8_t buf[16];
    (void)state;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[0], "\x00\x00", 2), 2); /* zero length */
    assert_int_equal(vpcd_recv(sv[1], buf, sizeof buf), -1);
    assert_int_equal(write(sv[0], "\x00\x20", 2), 2); /* longer than buf */
    assert_int_equal(vpcd_recv(sv[1], buf, sizeof buf), -1);
    close(sv[1]);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[0], "\x00\x05\x00\xA4", 4), 4); /* cut off */
    close(sv[0]);
    assert_int_equal(vpcd_recv(sv[1], buf, sizeof buf), -1);
    close(sv[1]);
}

static void test_atr_at_any_time(void **state)
{
    uint8_t ctl = VPCD_GET_ATR, out[64];
    size_t outn = 0, n;
    const uint8_t *atr = simcard_atr(card, &n);
    (void)state;

    assert_int_equal(vpcd_answer(card, &ctl, 1, out, sizeof out, &outn), 0);
    assert_int_equal(outn, n);
    assert_memory_equal(out, atr, n);
    assert_memory_equal(out, "\x3B\xE0\x00\xFF\x81\x31\xFE\x45\x14", 9);
    ctl = 0x7F; /* not a control code vpcd sends */
    assert_int_equal(vpcd_answer(card, &ctl, 1, out, sizeof out, &outn), -1);
    assert_int_equal(outn, 0);
}

/* Power off, power on and reset each drop a verified PIN: the card signs
 * again and again after VERIFY, and not once after any of them. */
static void test_power_and_reset_drop_the_pin(void **state)
{
    static const uint8_t codes[] = { VPCD_POWER_OFF, VPCD_POWER_ON,
                                     VPCD_RESET };
    (void)state;

    for (size_t i = 0; i < sizeof codes; i++) {
        uint8_t out[8];
        size_t outn = 1;

        assert_int_equal(sw_of(SELECT_AP, sizeof SELECT_AP), 0x9000);
        assert_int_equal(sw_of(SELECT_PIN, sizeof SELECT_PIN), 0x9000);
        assert_int_equal(sw_of(VERIFY, sizeof VERIFY), 0x9000);
        assert_int_equal(sw_of(SELECT_KEY, sizeof SELECT_KEY), 0x9000);
        assert_int_equal(sw_of(SIGN, sizeof SIGN), 0x9000);
        assert_int_equal(sw_of(SIGN, sizeof SIGN), 0x9000);
        assert_int_equal(vpcd_answer(card, &codes[i], 1, out, sizeof out,
                                     &outn), 0);
        assert_int_equal(outn, 0); /* no answer to power and reset */
        assert_int_not_equal(sw_of(SIGN, sizeof SIGN), 0x9000);
        assert_int_not_equal(sw_of(SELECT_KEY, sizeof SELECT_KEY), 0x9000);
        assert_int_equal(sw_of(SELECT_AP, sizeof SELECT_AP), 0x9000);
        assert_int_equal(sw_of(SELECT_KEY, sizeof SELECT_KEY), 0x9000);
        assert_int_equal(sw_of(SIGN, sizeof SIGN), 0x6982); /* no PIN */
        assert_int_equal(sw_of(SELECT_PIN, sizeof SELECT_PIN), 0x9000);
        assert_int_equal(sw_of(TRIES, sizeof TRIES), 0x63C3); /* none spent */
    }
}

static void test_answer_must_fit(void **state)
{
    uint8_t out[1];
    size_t outn;
    (void)state;

    assert_int_equal(vpcd_answer(card, SELECT_AP, sizeof SELECT_AP, out,
                                 sizeof out, &outn), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_both_ways),
        cmocka_unit_test(test_bad_frames_are_refused),
        cmocka_unit_test(test_atr_at_any_time),
        cmocka_unit_test(test_power_and_reset_drop_the_pin),
        cmocka_unit_test(test_answer_must_fit),
    };
    return cmocka_run_group_tests_name("vpcd (the card's side)", tests, setup,
                                       teardown);
}
