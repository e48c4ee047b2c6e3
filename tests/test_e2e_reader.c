/*
 * test_e2e_reader.c - the pcsc-lite backend (reader/pcsc.c) against a real
 * pcscd: a private one on its own socket with a vpcd reader, and the
 * simulated card (build/jpki-simcard) in it. Events for readers and cards
 * coming and going (pcscd killed and started again included), reading in
 * the fewest APDUs, the reset at the end of a session, exclusive access,
 * another program holding the card for a moment, a card pulled in the
 * middle of a command, events the loop left unread, and --reader's choice.
 *
 * Skipped, with a message, where pcscd cannot have a /run/pcscd of its
 * own (tests/pcscd.h), but not under CI.
 */
#include "tests/test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <winscard.h>

#include "reader/jpki.h"
#include "reader/pcsc.h"
#include "reader/simcard.h"
#include "tests/pcscd.h"

#define EVENT_MS 8000
#define BACK_MS 5000 /* back in service within 5 s of the reader */

static struct pcscd *const d = &pcscd_suite;

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

/* Another program on the machine, holding the card exclusively; the
 * teardown lets go of it after a failed test. */
static struct holder {
    SCARDCONTEXT ctx;
    SCARDHANDLE h;
    bool held;
    pthread_t thread;
    bool threaded;
} o;

static void hold(void)
{
    DWORD proto;

    assert_int_equal(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL,
                                           &o.ctx), SCARD_S_SUCCESS);
    o.held = true;
    assert_int_equal(SCardConnect(o.ctx, VPCD_READER, SCARD_SHARE_EXCLUSIVE,
                                  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                                  &o.h, &proto), SCARD_S_SUCCESS);
}

static void release(void)
{
    if (!o.held)
        return;
    SCardDisconnect(o.h, SCARD_LEAVE_CARD);
    SCardReleaseContext(o.ctx);
    o.held = false;
}

/* The holder's thread: lets the card go after 300 ms. */
static void *release_soon(void *arg)
{
    (void)arg;
    pcscd_sleep_ms(300);
    release();
    return NULL;
}

static void release_all(void)
{
    if (o.threaded)
        pthread_join(o.thread, NULL);
    o.threaded = false;
    release();
}

/* Whatever a failed test left running goes before the next. */
static int test_teardown(void **state)
{
    release_all();
    for (size_t i = 0; i < sizeof started / sizeof started[0]; i++) {
        pcsc_stop(started[i]);
        started[i] = NULL;
    }
    return pcscd_test_teardown(state);
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
    assert_int_equal(vcard_start(c, d, "card", "fresh", extra), 0);
}

static void test_reader_and_card_events(void **state)
{
    struct vcard c;
    struct pcsc *p;
    (void)state;

    pcscd_need_stack();
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

    pcscd_need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    assert_int_equal(tries, 3);
    assert_true(len > 256);
    reads = (int)((len + 255) / 256);
    n = vcard_commands(&c, cmds, 64);
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

    pcscd_need_stack();
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
    assert_true(vcard_ends_with(&c, "# reset\n", 2000)); /* SCARD_RESET_CARD */
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

    pcscd_need_stack();
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

/* Held for a moment: the session waits for the card and goes on; held
 * for good: the session fails (it does not hang), and works once the
 * other program has let go. Neither counts as the card leaving. */
static void test_card_held_by_another_program(void **state)
{
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    long long t0;
    (void)state;

    pcscd_need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    hold();
    assert_int_equal(pthread_create(&o.thread, NULL, release_soon, NULL), 0);
    o.threaded = true;
    t0 = pcscd_now_ms();
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    print_message("the card, held by another program, was ours after "
                  "%lld ms\n", pcscd_now_ms() - t0);
    release_all();
    pcsc_end_session(p);
    hold();
    assert_int_equal(jpki_select_ap(&io), JPKI_IO);
    release();
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    assert_int_equal(vcard_count(&c, "> 00 A4 04 0C"), 2);
    expect_no_event(p, 300);
    pcsc_end_session(p);
    vcard_stop(&c);
}

/* The write end of the backend's event pipe: the other descriptor of
 * this process on the same pipe, open for writing. */
static int pipe_writer(int reader)
{
    struct stat want, st;
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *e;
    int found = -1;

    assert_int_equal(fstat(reader, &want), 0);
    assert_non_null(dir);
    while (found < 0 && (e = readdir(dir))) {
        int fd = atoi(e->d_name);
        if (fd != reader && fd != dirfd(dir) && fstat(fd, &st) == 0 &&
            S_ISFIFO(st.st_mode) && st.st_ino == want.st_ino &&
            (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY)
            found = fd;
    }
    closedir(dir);
    assert_true(found >= 0);
    return found;
}

#define FILLER 0xEE /* no event has this value */

/* Read the pipe empty; the events among the filler go into got[]. */
static int drain(int fd, int *got, int max)
{
    unsigned char buf[4096];
    ssize_t r;
    int n = 0;

    while ((r = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < r; i++)
            if (buf[i] != FILLER && n < max)
                got[n++] = buf[i];
    assert_true(r < 0 && errno == EAGAIN);
    return n;
}

/*
 * The loop leaves the events unread until the pipe is full (the test
 * fills it), and a card comes and goes and comes meanwhile: once there is
 * room again, the backend says DOWN, UP and CARD_IN, the state as it is,
 * instead of nothing; and the card is read as a new one.
 */
static void test_events_left_unread(void **state)
{
    unsigned char fill[4096];
    struct vcard c;
    struct pcsc *p;
    struct card_io io;
    uint8_t *cert = NULL;
    size_t len;
    int got[8], n, w, tries;
    (void)state;

    pcscd_need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    w = pipe_writer(pcsc_fd(p));
    memset(fill, FILLER, sizeof fill);
    while (write(w, fill, sizeof fill) > 0 || write(w, fill, 1) > 0)
        ;
    assert_int_equal(errno, EAGAIN);
    start_card(&c, NULL);
    assert_int_equal(pcscd_wait_card(true, EVENT_MS), 0);
    vcard_pull(&c);
    assert_int_equal(pcscd_wait_card(false, EVENT_MS), 0);
    vcard_insert(&c);
    assert_int_equal(pcscd_wait_card(true, EVENT_MS), 0);
    pcscd_sleep_ms(300); /* the backend has seen it too */
    /* What the backend says once there is room (maybe already while the
     * test drains the pipe). */
    n = drain(pcsc_fd(p), got, 8);
    while (n < 3)
        got[n++] = next_event(p, EVENT_MS);
    assert_int_equal(n, 3);
    assert_int_equal(got[0], PCSC_READER_DOWN);
    assert_int_equal(got[1], PCSC_READER_UP);
    assert_int_equal(got[2], PCSC_CARD_IN);
    expect_no_event(p, 1500);
    io = pcsc_io(p);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    free(cert);
    pcsc_end_session(p);
    vcard_stop(&c);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
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

    pcscd_need_stack();
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

    pcscd_need_stack();
    p = start(NULL);
    expect_event(p, PCSC_READER_UP, EVENT_MS);
    start_card(&c, NULL);
    expect_event(p, PCSC_CARD_IN, EVENT_MS);
    io = pcsc_io(p);
    assert_int_equal(jpki_select_ap(&io), JPKI_OK);
    pcscd_stop(d, SIGKILL);
    expect_event(p, PCSC_CARD_OUT, EVENT_MS);
    expect_event(p, PCSC_READER_DOWN, EVENT_MS);
    assert_int_not_equal(jpki_select_ap(&io), JPKI_OK);
    pcsc_end_session(p);
    expect_no_event(p, 1500); /* retrying quietly */
    assert_int_equal(pcscd_start(d, true), 0);
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

    pcscd_need_stack();
    pcscd_stop(d, SIGTERM);
    p = start(NULL);
    expect_event(p, PCSC_READER_DOWN, EVENT_MS);
    assert_int_equal(pcscd_start(d, false), 0);
    expect_no_event(p, 2500); /* pcscd is there, but no reader */
    pcscd_stop(d, SIGTERM);
    assert_int_equal(pcscd_start(d, true), 0);
    expect_event(p, PCSC_READER_UP, BACK_MS);
}

/* --reader picks readers by a part of the name, case ignored. */
static void test_reader_choice(void **state)
{
    struct vcard c;
    struct pcsc *p, *q, *none;
    char name[128];
    (void)state;

    pcscd_need_stack();
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
#define T(f) \
    cmocka_unit_test_setup_teardown(f, pcscd_test_setup, test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reader_and_card_events),
        T(test_read_in_fewest_apdus),
        T(test_session_ends_with_reset),
        T(test_session_is_exclusive),
        T(test_card_held_by_another_program),
        T(test_events_left_unread),
        T(test_card_pulled_mid_command),
        T(test_pcscd_killed_and_back),
        T(test_reader_appears_later),
        T(test_reader_choice),
    };
    return cmocka_run_group_tests_name("pcsc-lite backend (private pcscd)",
                                       tests, pcscd_suite_setup,
                                       pcscd_suite_teardown);
}
