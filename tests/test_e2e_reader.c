/*
 * test_e2e_reader.c - the pcsc-lite backend (reader/pcsc.c) against a real
 * pcscd: a private one on its own socket with a vpcd reader, and the
 * simulated card (build/jpki-simcard) in it. Events for readers and cards
 * coming and going (pcscd killed and started again included), reading in
 * the fewest APDUs, the reset at the end of a session, exclusive access,
 * a card pulled in the middle of a command, and --reader's choice.
 *
 * Skipped, with a message, where a system pcscd is running.
 */
#include "tests/test.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include "reader/jpki.h"
#include "reader/pcsc.h"
#include "reader/simcard.h"
#include "tests/pcscd.h"

#define EVENT_MS 8000
#define BACK_MS 5000 /* back in service within 5 s of the reader */

static struct pcscd d;
static bool skip_all;

static int group_setup(void **state)
{
    (void)state;
    if (pcscd_system_running()) {
        print_message("a system pcscd is running (/run/pcscd/pcscd.comm): "
                      "these tests need it stopped and skip\n");
        skip_all = true;
        return 0;
    }
    return pcscd_init(&d) == 0 && pcscd_start(&d, true) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    pcscd_cleanup(&d);
    return 0;
}

/* Every test starts with pcscd up, the reader there and no card. */
static int test_setup(void **state)
{
    (void)state;
    if (skip_all)
        return 0;
    if (!d.pid)
        return pcscd_start(&d, true);
    return 0;
}

/* The backends a test started, so a failed one leaves none holding the
 * card (a session is exclusive). */
static struct pcsc *started[4];

static struct pcsc *start(const char *match)
{
    struct pcsc *p = pcsc_start(match);

    assert_non_null(p);
    for (size_t i = 0; i < sizeof started / sizeof started[0]; i++)
        if (!started[i]) {
            started[i] = p;
            break;
        }
    return p;
}

/* Whatever a failed test left running goes before the next. */
static int test_teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof started / sizeof started[0]; i++) {
        pcsc_stop(started[i]);
        started[i] = NULL;
    }
    if (!skip_all)
        vcard_stop_all();
    return 0;
}

static void need_stack(void)
{
    if (skip_all)
        skip();
}

/* The next event within ms, or -1. */
static int next_event(struct pcsc *p, int ms)
{
    struct pollfd pf = { .fd = pcsc_fd(p), .events = POLLIN };
    enum pcsc_event ev;

    if (pcsc_read_event(p, &ev))
        return (int)ev;
    if (poll(&pf, 1, ms) == 1 && pcsc_read_event(p, &ev))
        return (int)ev;
    return -1;
}

static void expect_event(struct pcsc *p, enum pcsc_event want, int ms)
{
    int got = next_event(p, ms);
    if (got != (int)want)
        fail_msg("expected event %d, got %d", (int)want, got);
}

static void expect_no_event(struct pcsc *p, int ms)
{
    int got = next_event(p, ms);
    if (got != -1)
        fail_msg("expected no event, got %d", got);
}

static void start_card(struct vcard *c, const char *extra)
{
    assert_int_equal(vcard_start(c, &d, "card", "fresh", extra), 0);
}

static void test_reader_and_card_events(void **state)
{
    struct vcard c;
    struct pcsc *p;
    (void)state;

    need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    expect_no_event(p, 300);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    vcard_pull(&c);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
    vcard_insert(&c);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    vcard_stop(&c);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
    expect_no_event(p, 300);
}

/* The APDU headers the card saw, in order, as "00 A4 04 0C" strings. */
static int read_commands(const struct vcard *c, char cmds[][12], int max)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    int n = 0;

    assert_non_null(f);
    while (fgets(line, sizeof line, f) && n < max)
        if (line[0] == '>') {
            snprintf(cmds[n], sizeof cmds[n], "%.11s", line + 2);
            n++;
        }
    fclose(f);
    return n;
}

static void test_read_in_fewest_apdus(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    uint8_t *cert = NULL;
    size_t len = 0;
    int tries = -1, n, reads;
    char cmds[64][12];
    (void)state;

    need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    assert_int_equal(tries, 3);
    assert_true(len > 256);
    reads = (int)((len + 255) / 256);
    n = read_commands(&c, cmds, 64);
    print_message("certificate of %zu bytes read in %d APDUs\n", len, n);
    assert_int_equal(n, 2 + reads + 2);
    assert_string_equal(cmds[0], "00 A4 04 0C"); /* the JPKI application */
    assert_string_equal(cmds[1], "00 A4 02 0C"); /* EF 000A */
    for (int i = 0; i < reads; i++) {
        char want[16];
        snprintf(want, sizeof want, "00 B0 %02X 00", (unsigned)i & 0xFF);
        assert_string_equal(cmds[2 + i], want); /* 256 bytes a time */
    }
    assert_string_equal(cmds[2 + reads], "00 A4 02 0C"); /* EF 0018 */
    assert_string_equal(cmds[3 + reads], "00 20 00 80"); /* tries */
    free(cert);
    pcsc_end_session(p);
    vcard_stop(&c);
}

/* The last line of the card's log, waiting up to 2 s for `want`. */
static bool log_ends_with(const struct vcard *c, const char *want)
{
    for (int i = 0; i < 40; i++) {
        FILE *f = fopen(c->log, "r");
        char line[2048], last[2048] = "";
        if (f) {
            while (fgets(line, sizeof line, f))
                snprintf(last, sizeof last, "%s", line);
            fclose(f);
        }
        if (strcmp(last, want) == 0)
            return true;
        pcscd_sleep_ms(50);
    }
    return false;
}

static void test_session_ends_with_reset(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    uint8_t *cert = NULL;
    size_t len;
    int tries;
    enum jpki_pin res;
    uint8_t di[51] = { 0x30, 0x31 }, sig[512];
    size_t siglen;
    (void)state;

    need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    free(cert);
    assert_int_equal(jpki_verify_pin(&io, SIM_PIN, &res, &tries),
                     JPKI_OK);
    assert_int_equal(res, JPKI_PIN_OK);
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, sizeof sig, &siglen),
                     JPKI_OK); /* the PIN is verified now */
    pcsc_end_session(p);
    assert_true(log_ends_with(&c, "# reset\n")); /* SCARD_RESET_CARD */
    expect_no_event(p, 1000); /* a reset is not a new card */
    /* The next session cannot sign on that PIN: not even before a SELECT
     * of the application, which would drop it too. */
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, sizeof sig, &siglen),
                     JPKI_BAD);
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, sizeof sig, &siglen),
                     JPKI_BAD);
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    assert_int_equal(jpki_tries(&io, &tries), JPKI_OK);
    assert_int_equal(tries, 3);
    pcsc_end_session(p);
    vcard_stop(&c);
}

/* While the kiosk holds a session nobody else on the machine may talk to
 * the card. */
static void test_session_is_exclusive(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    SCARDCONTEXT ctx;
    SCARDHANDLE h;
    DWORD proto;
    (void)state;

    need_stack();
    p = start(VPCD_READER);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    assert_int_equal(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
                                           &ctx), SCARD_S_SUCCESS);
    assert_int_equal(SCardConnect(ctx, VPCD_READER, SCARD_SHARE_SHARED,
                                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h,
                                  &proto), SCARD_E_SHARING_VIOLATION);
    pcsc_end_session(p);
    assert_int_equal(SCardConnect(ctx, VPCD_READER, SCARD_SHARE_SHARED,
                                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h,
                                  &proto), SCARD_S_SUCCESS);
    SCardDisconnect(h, SCARD_LEAVE_CARD);
    SCardReleaseContext(ctx);
    vcard_stop(&c);
}

/* The card leaves in the middle of a command (its 3rd): the read fails
 * without a crash and the card is reported gone; the next card is read. */
static void test_card_pulled_mid_command(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    uint8_t *cert = NULL;
    size_t len;
    int tries;
    enum jpki_rc rc;
    (void)state;

    need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, "--pull-after 3");
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    rc = jpki_read_card(&io, &cert, &len, &tries);
    assert_true(rc == JPKI_GONE || rc == JPKI_IO);
    assert_null(cert);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
    /* Still pulled: nothing is sent. */
    assert_int_equal(jpki_select_ap(&io), JPKI_GONE);
    pcsc_end_session(p);
    vcard_insert(&c);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    free(cert);
    pcsc_end_session(p);
    vcard_stop(&c);
}

/* pcscd killed: the card and the reader are reported gone; pcscd back:
 * the reader within 5 s, then the card (which connects again by itself). */
static void test_pcscd_killed_and_back(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    uint8_t *cert = NULL;
    size_t len;
    int tries;
    (void)state;

    need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    pcscd_stop(&d, SIGKILL);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
    expect_event(p, PCSC_READER_DOWN, EVENT_MS);
    assert_int_not_equal(jpki_select_ap(&io), JPKI_OK);
    pcsc_end_session(p);
    expect_no_event(p, 1500); /* retrying quietly */
    assert_int_equal(pcscd_start(&d, true), 0);
    expect_event(p, PCSC_READER_UP, BACK_MS);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    free(cert);
    pcsc_end_session(p);
    vcard_stop(&c);
}

/* No pcscd when the kiosk starts, then pcscd without readers, then with
 * the reader: down, (still) down, up. */
static void test_reader_appears_later(void **state)
{
    struct pcsc *p;
    (void)state;

    need_stack();
    pcscd_stop(&d, SIGTERM);
    p = start(NULL);
    expect_event(p, PCSC_READER_DOWN, EVENT_MS);
    assert_int_equal(pcscd_start(&d, false), 0);
    expect_no_event(p, 2500); /* pcscd is there, but no reader */
    pcscd_stop(&d, SIGTERM);
    assert_int_equal(pcscd_start(&d, true), 0);
    expect_event(p, PCSC_READER_UP, BACK_MS);
}

/* --reader picks readers by a part of the name, case ignored. */
static void test_reader_choice(void **state)
{
    struct vcard c;
    struct pcsc *p, *q, *none;
    char name[128];
    (void)state;

    need_stack();
    p = start("pcd 00 01"); /* the second slot: the card is not there */
    q = start("virtual pcd 00 00");
    none = start("RC-S300");
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    expect_event(q, PCSC_READER_UP, EVENT_MS);
    expect_event(none, PCSC_READER_DOWN, EVENT_MS);
    start_card(&c, NULL);
    expect_event(q, PCSC_CARD_IN, EVENT_MS);
    pcsc_reader_name(q, name, sizeof name);
    assert_string_equal(name, VPCD_READER);
    expect_no_event(p, 1000);
    pcsc_reader_name(p, name, sizeof name);
    assert_string_equal(name, "Virtual PCD 00 01");
    vcard_stop(&c);
}

/* Each test starts from the same stack and leaves nothing behind. */
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reader_and_card_events),
        T(test_read_in_fewest_apdus),
        T(test_session_ends_with_reset),
        T(test_session_is_exclusive),
        T(test_card_pulled_mid_command),
        T(test_pcscd_killed_and_back),
        T(test_reader_appears_later),
        T(test_reader_choice),
    };
    return cmocka_run_group_tests_name("pcsc-lite backend (private pcscd)",
                                       tests, group_setup, group_teardown);
}
