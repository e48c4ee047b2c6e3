/*
 * test_e2e_pcsc.c - the kiosk on real readers: build/kiosk without --demo
 * in tmux (80x24), talking through pcsc-lite to a private pcscd (its own
 * socket, a vpcd reader on a free port) where build/jpki-simcard is the
 * card. The happy path, a wrong PIN, the card pulled at every APDU of
 * reading and signing, pcscd killed and started again, the reader
 * appearing after the kiosk started, and the reader chosen by name.
 *
 * Skipped, with a message, where a system pcscd is running. KIOSK_BIN and
 * SIMCARD_BIN name the programs (default build/kiosk, build/jpki-simcard).
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

static struct pcscd d;
static bool skip_all;

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

static struct kiosk *running;

static int test_setup(void **state)
{
    (void)state;
    return !skip_all && !d.pid ? pcscd_start(&d, true) : 0;
}

static int test_teardown(void **state)
{
    (void)state;
    if (running)
        tmux_stop(&running->t);
    running = NULL;
    if (!skip_all)
        vcard_stop_all();
    return 0;
}

static void need_stack(void)
{
    if (skip_all)
        skip();
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
    snprintf(k->status, sizeof k->status, "%s/status-%d", d.dir, n);
    snprintf(k->ledger, sizeof k->ledger, "%s/ledger-%d.db", d.dir, n);
    snprintf(k->conf, sizeof k->conf, "%s/kiosk-%d.conf", d.dir, n);
    n++;
    f = fopen(k->conf, "w");
    assert_non_null(f);
    fputs(conf_text ? conf_text : "[kiosk]\nid = pcsc-test\n", f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "env LC_ALL=C.UTF-8 LANGUAGE= PCSCLITE_CSOCK_NAME=%s %s "
             "--config %s --status-file %s --ledger %s --trust %s --lang en %s",
             d.sock, abs, k->conf, k->status, k->ledger, ca, args ? args : "");
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

/* The certificate's length from the card's first READ answer
 * ("< 30 82 HH LL ..."), or -1. */
static int cert_length(const struct vcard *c)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    bool after_read = false;
    unsigned hh, ll;
    int len = -1;

    assert_non_null(f);
    while (len < 0 && fgets(line, sizeof line, f)) {
        if (after_read && sscanf(line, "< 30 82 %x %x", &hh, &ll) == 2)
            len = 4 + (int)(hh << 8 | ll);
        after_read = strncmp(line, "> 00 B0 00 00", 13) == 0;
    }
    fclose(f);
    return len;
}

/* Whether a line starting with `then` follows the last line starting with
 * `first` in the card's log, waiting up to 2 s for it. */
static bool line_after(const struct vcard *c, const char *first,
                       const char *then)
{
    for (int i = 0; i < 40; i++) {
        FILE *f = fopen(c->log, "r");
        char line[2048];
        bool seen_first = false, found = false;

        assert_non_null(f);
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, first, strlen(first)) == 0) {
                seen_first = true;
                found = false;
            } else if (seen_first && strncmp(line, then, strlen(then)) == 0) {
                found = true;
            }
        }
        fclose(f);
        if (found)
            return true;
        pcscd_sleep_ms(50);
    }
    return false;
}

static void test_happy_path(void **state)
{
    struct kiosk k;
    struct vcard c;
    int len, apdus;
    (void)state;

    need_stack();
    assert_int_equal(vcard_start(&c, &d, "happy", "fresh", NULL), 0);
    vcard_pull(&c); /* the kiosk starts with no card in */
    start_kiosk(&k, c.ca, NULL, NULL);
    tmux_expect(&k.t, "attract", "My Number");
    vcard_insert(&c);
    tmux_expect(&k.t, "menu", "Register");
    /* From card-in to the menu: SELECT AP, SELECT EF 000A, one READ per
     * 256 bytes, SELECT EF 0018, the tries query; nothing else. */
    len = cert_length(&c);
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
    assert_true(line_after(&c, "> 80 2A", "# reset"));
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

    need_stack();
    assert_int_equal(vcard_start(&c, &d, "wrong", "fresh", NULL), 0);
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

/* Wait up to 15 s for a line starting with `what` in the card's log. */
static void wait_for_line(const struct vcard *c, const char *what)
{
    for (int i = 0; i < 300; i++) {
        if (vcard_count(c, what) > 0)
            return;
        pcscd_sleep_ms(50);
    }
    fail_msg("no \"%s\" in %s", what, c->log);
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

    assert_int_equal(vcard_start(&c, &d, "count", "fresh", NULL), 0);
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

/* The card's answer to the last tries query ("< 63 C3" -> 3), or -1. */
static int tries_read(const struct vcard *c)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    bool after_query = false;
    unsigned x;
    int tries = -1;

    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        if (after_query && sscanf(line, "< 63 C%1x", &x) == 1)
            tries = (int)x;
        after_query = strcmp(line, "> 00 20 00 80\n") == 0;
    }
    fclose(f);
    return tries;
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

    need_stack();
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
        assert_int_equal(vcard_start(&c, &d, "pull", "fresh", arg), 0);
        start_kiosk(&k, c.ca, NULL, NULL);
        if (n > reading) {
            menu_to_pin(&k);
            tmux_type_pin(&k.t, wrong ? "9999" : "1234");
        }
        wait_for_line(&c, "# removed"); /* pulled */
        tmux_expect(&k.t, "attract", NULL);
        assert_int_equal(vcard_count(&c, "> "), n); /* nothing after */
        vcard_insert(&c);
        tmux_expect(&k.t, "menu", NULL);
        assert_int_equal(tries_read(&c), n == reading + 2 ? 2 : 3);
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

    need_stack();
    assert_int_equal(vcard_start(&c, &d, "kill", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    menu_to_pin(&k);
    tmux_keys(&k.t, "1");
    pcscd_stop(&d, SIGKILL);
    tmux_expect(&k.t, "out-of-service", "Out of service");
    assert_int_equal(pcscd_start(&d, true), 0);
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

    need_stack();
    pcscd_stop(&d, SIGTERM);
    assert_int_equal(vcard_start(&c, &d, "late", "fresh", NULL), 0);
    start_kiosk(&k, c.ca, NULL, NULL);
    tmux_expect(&k.t, "out-of-service", NULL);
    assert_int_equal(pcscd_start(&d, false), 0);
    pcscd_sleep_ms(2000);
    tmux_expect_within(&k.t, "out-of-service", NULL, 100);
    pcscd_stop(&d, SIGTERM);
    assert_int_equal(pcscd_start(&d, true), 0);
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

    need_stack();
    assert_int_equal(vcard_start(&c, &d, "name", "fresh", NULL), 0);
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

    need_stack();
    snprintf(cmd, sizeof cmd, "env LC_ALL=C.UTF-8 LANGUAGE= "
             "PCSCLITE_CSOCK_NAME=%s %s --config /dev/null --ledger "
             "%s/x.db --lang en 2>&1", d.sock, kiosk_bin(), d.dir);
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
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
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
                                       tests, group_setup, group_teardown);
}
