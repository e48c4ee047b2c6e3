/*
 * test_e2e_pcsc.c - the kiosk on real readers: build/kiosk without --demo
 * in tmux (80x24), talking through pcsc-lite to a private pcscd (its own
 * socket, a vpcd reader on a free port) where build/jpki-simcard is the
 * card. The happy path, a wrong PIN, the card pulled at every APDU of
 * reading and signing, pcscd killed and started again, the reader
 * appearing after the kiosk started, and the reader chosen by name.
 *
 * Skipped, with a message, where pcscd cannot have a /run/pcscd of its
 * own (tests/pcscd.h), but not under CI. KIOSK_BIN and SIMCARD_BIN name
 * the programs (default build/kiosk, build/jpki-simcard).
 */
#include "tests/test.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "tests/pcscd.h"
#include "tests/tmux.h"

#define BACK_MS 5000 /* back in service within 5 s of the reader */

static struct pcscd *const d = &pcscd_suite;

/* One kiosk: its terminal and its files. */
struct kiosk {
    struct tmux t;
    char status[256];
    char ledger[256];
    char conf[256];
};

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

static struct kiosk *running;

static int test_teardown(void **state)
{
    if (running)
        tmux_stop(&running->t);
    running = NULL;
    return pcscd_test_teardown(state);
}

/* Start the kiosk on the private pcscd, trusting ca, with its own
 * configuration (conf_text, or an empty [kiosk]) and extra arguments. */
static void start_kiosk(struct kiosk *k, const char *ca, const char *conf_text,
                        const char *args)
{
    static int n;
    char abs[1024], cmd[3072];
    FILE *f;

    if (!realpath(kiosk_bin(), abs))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(k->status, sizeof k->status, "%s/status-%d", d->dir, n);
    snprintf(k->ledger, sizeof k->ledger, "%s/ledger-%d.db", d->dir, n);
    snprintf(k->conf, sizeof k->conf, "%s/kiosk-%d.conf", d->dir, n);
    n++;
    f = fopen(k->conf, "w");
    assert_non_null(f);
    fputs(conf_text ? conf_text : "[kiosk]\nid = pcsc-test\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "env LC_ALL=C.UTF-8 LANGUAGE= PCSCLITE_CSOCK_NAME=%s %s "
             "--config %s --status-file %s --ledger %s --trust %s --lang en %s",
             d->sock, abs, k->conf, k->status, k->ledger, ca,
             args ? args : "");
    tmux_start(&k->t, k->status, cmd);
    running = k;
}

static long ledger_rows(const struct kiosk *k)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;

    assert_int_equal(sqlite3_open_v2(k->ledger, &db, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM registrations", -1, &st,
                           NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* menu -> terms -> auth-choice -> pin */
static void menu_to_pin(struct kiosk *k)
{
    tmux_expect(&k->t, "menu", NULL);
    tmux_keys(&k->t, "1");
    tmux_expect(&k->t, "terms", NULL);
    tmux_keys(&k->t, "1");
    tmux_expect(&k->t, "auth-choice", NULL);
    tmux_keys(&k->t, "1");
    tmux_expect(&k->t, "pin", NULL);
}

static void test_happy_path(void **state)
{
    struct kiosk k;
    struct vcard c;
    int len, apdus;
    (void)state;

    pcscd_need_stack();
    assert_int_equal(vcard_start(&c, d, "happy", "fresh", NULL), 0);
    vcard_pull(&c); /* the kiosk starts with no card in */
    start_kiosk(&k, c.ca, NULL, NULL);
    tmux_expect(&k.t, "attract", "My Number");
    vcard_insert(&c);
    tmux_expect(&k.t, "menu", "Register");
    /* From card-in to the menu: SELECT AP, SELECT EF 000A, one READ per
     * 256 bytes, SELECT EF 0018, the tries query; nothing else. */
    len = vcard_cert_length(&c);
    apdus = vcard_count(&c, "> ");
    print_message("card-in to menu: %d APDUs for a %d-byte certificate "
                  "(limit %d)\n", apdus, len, 4 + (len + 255) / 256);
    assert_true(len > 256);
    assert_int_equal(apdus, 4 + (len + 255) / 256);
    assert_int_equal(vcard_count(&c, "> 00 B0"), (len + 255) / 256);
    menu_to_pin(&k);
    tmux_type_pin(&k.t, "1234");
    tmux_expect(&k.t, "confirm", NULL);
    tmux_keys(&k.t, "1");
    tmux_expect(&k.t, "done", "registered");
    assert_int_equal(ledger_rows(&k), 1);
    assert_int_equal(vcard_count(&c, "> 00 20 00 80 04"), 1);
    tmux_keys(&k.t, "2");
    tmux_expect(&k.t, "remove-card", NULL);
    /* The session ended with a reset of the card: the verified PIN went;
     * and the card, still in, is not taken for a new one. */
    assert_true(vcard_line_after(&c, "> 80 2A", "# reset", 2000));
    pcscd_sleep_ms(1000);
    tmux_expect_within(&k.t, "remove-card", NULL, 100);
    vcard_pull(&c);
    tmux_expect(&k.t, "attract", NULL);
    vcard_stop(&c);
}

static void test_wrong_pin(void **state)
{
    struct kiosk k;
    struct vcard c;
    (void)state;

    pcscd_need_stack();
    assert_int_equal(vcard_start(&c, d, "wrong", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    menu_to_pin(&k);
    tmux_type_pin(&k.t, "9999");
    tmux_expect(&k.t, "pin", "wrong");
    tmux_expect(&k.t, "pin", "2 more times");
    assert_int_equal(vcard_count(&c, "> 00 20 00 80 04"), 1);
    tmux_type_pin(&k.t, "1234");
    tmux_expect(&k.t, "confirm", NULL);
    assert_int_equal(vcard_count(&c, "> 00 20 00 80 04"), 2);
    vcard_stop(&c);
    tmux_expect(&k.t, "attract", NULL);
}

/* Back in service within 5 s: attract, or on to reading the card that
 * waited in the reader. */
static void expect_back(struct kiosk *k)
{
    long long start = pcscd_now_ms(), end = start + BACK_MS;

    while (!tmux_status_is(&k->t, "attract") &&
           !tmux_status_is(&k->t, "reading") &&
           !tmux_status_is(&k->t, "menu")) {
        if (pcscd_now_ms() > end)
            fail_msg("still out of service %d ms after the reader came back",
                     BACK_MS);
        pcscd_sleep_ms(20);
    }
    print_message("back in service %lld ms after pcscd\n",
                  pcscd_now_ms() - start);
}

/* The APDUs from card-in to the menu, and on to the confirm screen: the
 * pull test goes through both. */
static void count_apdus(int *reading, int *total)
{
    struct kiosk k;
    struct vcard c;

    assert_int_equal(vcard_start(&c, d, "count", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    tmux_expect(&k.t, "menu", NULL);
    *reading = vcard_count(&c, "> ");
    menu_to_pin(&k);
    tmux_type_pin(&k.t, "1234");
    tmux_expect(&k.t, "confirm", NULL);
    *total = vcard_count(&c, "> ");
    vcard_stop(&c);
    tmux_expect(&k.t, "attract", NULL);
    tmux_stop(&k.t);
    running = NULL;
}

/*
 * The card is pulled at each APDU in turn, just after the card did it and
 * before its answer comes back (jpki-simcard --pull-after N): the kiosk
 * goes back to attract by itself, sends nothing more, and when the same
 * card comes back reads it again and shows the tries the card really
 * has. A VERIFY is never sent twice: at the VERIFY itself a wrong PIN is
 * typed, so the lost answer cost a try that the next reading shows.
 */
static void test_card_pulled_at_every_apdu(void **state)
{
    int reading = 0, total = 0;
    (void)state;

    pcscd_need_stack();
    count_apdus(&reading, &total);
    print_message("pulling the card at each of %d APDUs (%d to read it)\n",
                  total, reading);
    assert_int_equal(total, reading + 4); /* SELECT 0018, VERIFY, 0017, SIGN */
    for (int n = 1; n <= total; n++) {
        struct kiosk k;
        struct vcard c;
        char arg[32];
        bool wrong = n <= reading + 2; /* up to the VERIFY: a wrong PIN */

        snprintf(arg, sizeof arg, "--pull-after %d", n);
        assert_int_equal(vcard_start(&c, d, "pull", "fresh", arg), 0);
        start_kiosk(&k, c.ca, NULL, NULL);
        if (n > reading) {
            menu_to_pin(&k);
            tmux_type_pin(&k.t, wrong ? "9999" : "1234");
        }
        if (!vcard_wait_line(&c, "# removed", 15000)) /* pulled */
            fail_msg("the card was never pulled (%s)", c.log);
        tmux_expect(&k.t, "attract", NULL);
        assert_int_equal(vcard_count(&c, "> "), n); /* nothing after */
        vcard_insert(&c);
        tmux_expect(&k.t, "menu", NULL);
        assert_int_equal(vcard_tries(&c), n == reading + 2 ? 2 : 3);
        menu_to_pin(&k);
        tmux_expect(&k.t, "pin", n == reading + 2 ? "2 more times"
                                                  : "3 more times");
        assert_int_equal(vcard_count(&c, "> 00 20 00 80 04"),
                         n > reading + 1 ? 1 : 0);
        vcard_stop(&c);
        tmux_expect(&k.t, "attract", NULL);
        tmux_stop(&k.t);
        running = NULL;
    }
}

/* pcscd killed in the middle of a session: out of service; pcscd back:
 * attract within 5 s, and the card still in the reader is read. */
static void test_pcscd_killed_and_restarted(void **state)
{
    struct kiosk k;
    struct vcard c;
    (void)state;

    pcscd_need_stack();
    assert_int_equal(vcard_start(&c, d, "kill", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    menu_to_pin(&k);
    tmux_keys(&k.t, "1");
    pcscd_stop(d, SIGKILL);
    tmux_expect(&k.t, "out-of-service", "Out of service");
    assert_int_equal(pcscd_start(d, true), 0);
    expect_back(&k);
    tmux_expect(&k.t, "menu", NULL);
    menu_to_pin(&k);
    tmux_expect(&k.t, "pin", "3 more times"); /* nothing was spent */
    assert_int_equal(vcard_count(&c, "> 00 20 00 80 04"), 0);
    vcard_stop(&c);
    tmux_expect(&k.t, "attract", NULL);
}

/* The kiosk starts before pcscd, then pcscd comes without a reader, then
 * with one: out of service until the reader is there, then attract
 * within 5 s. */
static void test_reader_appears_after_start(void **state)
{
    struct kiosk k;
    struct vcard c;
    (void)state;

    pcscd_need_stack();
    pcscd_stop(d, SIGTERM);
    assert_int_equal(vcard_start(&c, d, "late", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    tmux_expect(&k.t, "out-of-service", NULL);
    assert_int_equal(pcscd_start(d, false), 0);
    pcscd_sleep_ms(2000);
    tmux_expect_within(&k.t, "out-of-service", NULL, 100);
    pcscd_stop(d, SIGTERM);
    assert_int_equal(pcscd_start(d, true), 0);
    expect_back(&k);
    tmux_expect(&k.t, "menu", NULL); /* the card was waiting */
    vcard_stop(&c);
    tmux_expect(&k.t, "attract", NULL);
}

/* [reader] name picks the reader; --reader overrides it. */
static void test_reader_by_name(void **state)
{
    struct kiosk k;
    struct vcard c;
    static const char conf[] = "[kiosk]\nid = pcsc-test\n"
                               "[reader]\nname = RC-S300\n";
    (void)state;

    pcscd_need_stack();
    assert_int_equal(vcard_start(&c, d, "name", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, conf, NULL);
    tmux_expect(&k.t, "out-of-service", NULL); /* no such reader */
    tmux_stop(&k.t);
    start_kiosk(&k, c.ca, conf, "--reader \"virtual pcd 00 00\"");
    tmux_expect(&k.t, "menu", NULL);
    tmux_stop(&k.t);
    start_kiosk(&k, c.ca, conf, "--reader \"PCD 00 01\""); /* the empty slot */
    tmux_expect(&k.t, "attract", NULL);
    pcscd_sleep_ms(1500);
    tmux_expect_within(&k.t, "attract", NULL, 100);
    vcard_stop(&c);
}

/* Without a trust anchor no PIN could ever be proven: the kiosk says so
 * and does not start. */
static void test_no_trust_anchor(void **state)
{
    char cmd[1024], out[1024];
    FILE *p;
    size_t n;
    int rc;
    (void)state;

    pcscd_need_stack();
    snprintf(cmd, sizeof cmd, "env LC_ALL=C.UTF-8 LANGUAGE= "
             "PCSCLITE_CSOCK_NAME=%s %s --config /dev/null --ledger "
             "%s/x.db --lang en 2>&1", d->sock, kiosk_bin(), d->dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    rc = pclose(p);
    assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) != 0);
    assert_non_null(strstr(out, "trust"));
}

int main(void)
{
#define T(f) \
    cmocka_unit_test_setup_teardown(f, pcscd_test_setup, test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_happy_path),
        T(test_wrong_pin),
        T(test_card_pulled_at_every_apdu),
        T(test_pcscd_killed_and_restarted),
        T(test_reader_appears_after_start),
        T(test_reader_by_name),
        T(test_no_trust_anchor),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests_name("the kiosk on a private pcscd (tmux)",
                                       tests, pcscd_suite_setup,
                                       pcscd_suite_teardown);
}
