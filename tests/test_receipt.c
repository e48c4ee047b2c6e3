/*
 * test_receipt.c - receipts: the ESC/POS bytes read back as a printer
 * would (commands, Shift_JIS text, the raster image) with the QR code
 * decoded by zbarimg; and the printer's side: a file per receipt, a
 * missing device, one out of paper (/dev/full), one off-line (a FIFO
 * nobody reads), and the thread's answers.
 */
#include "tests/test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/lp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/i18n.h"
#include "kiosk/printer.h"
#include "kiosk/receipt.h"
#include "screens/layout.h"
#include "tests/escpos.h"

#define URL_PORTAL "https://myna.go.jp/"
#define URL_CARD "https://www.kojinbango-card.go.jp/"

/* 2026-11-29 10:45 in Japan. */
static time_t when(void)
{
    struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 29,
                     .tm_hour = 1, .tm_min = 45 };
    return timegm(&tm);
}

static struct reminder dates(time_t now, int y, int m, int d)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = 14, .tm_min = 59, .tm_sec = 59 };
    struct tm nb = { .tm_year = y - 1900 - 5, .tm_mon = 9, .tm_mday = 27 };
    struct reminder r;
    time_t end = timegm(&tm);

    reminder_compute(end, now, &r);
    reminder_card(timegm(&nb), end, &r);
    return r;
}

static void build(const struct receipt *r, struct escpos_doc *doc)
{
    uint8_t *bytes;
    size_t n, bad = 0;

    assert_int_equal(receipt_escpos(r, &bytes, &n), 0);
    if (escpos_parse(bytes, n, doc, &bad) != 0)
        fail_msg("unknown ESC/POS at byte %zu of %zu (0x%02x)", bad, n,
                 bad < n ? bytes[bad] : 0);
    free(bytes);
    assert_true(doc->reset);
    assert_true(doc->kanji_sjis);
    assert_true(doc->cut);
}

/* The receipt's lines joined again, with a space where the line broke
 * (English) or with nothing (Japanese breaks between characters). */
static bool joined_has(const char *text, const char *want, const char *glue)
{
    char flat[sizeof ((struct escpos_doc *)0)->text * 2] = "";
    size_t n = 0;

    for (const char *p = text; *p && n + 2 < sizeof flat; p++)
        if (*p != '\n')
            flat[n++] = *p;
        else if (*glue)
            flat[n++] = *glue;
    flat[n] = '\0';
    return strstr(flat, want) != NULL;
}

static void assert_has(const struct escpos_doc *doc, const char *text)
{
    if (!joined_has(doc->text, text, " ") && !joined_has(doc->text, text, ""))
        fail_msg("\"%s\" is not on the receipt:\n%s", text, doc->text);
}

static void assert_code(const struct escpos_doc *doc, const char *url)
{
    char got[512];

    assert_int_equal(doc->images, 1);
    /* One printer dot to one pixel; zbar needs no more than that. */
    assert_int_equal(zbar_decode(&doc->image, 1, 0, got, sizeof got), 1);
    got[strcspn(got, "\n")] = '\0';
    assert_string_equal(got, url);
}

static void test_registered_receipt(void **state)
{
    (void)state;
    struct receipt r = {
        .kind = RECEIPT_REGISTERED, .when = when(), .kiosk_id = "town-hall-2",
        .has_cert = true, .rem = dates(when(), 2030, 2, 17), .url = URL_PORTAL,
    };
    struct escpos_doc doc;

    build(&r, &doc);
    assert_code(&doc, URL_PORTAL);
    assert_has(&doc, "2026-11-29 10:45"); /* Japan time */
    assert_has(&doc, "town-hall-2");
    assert_has(&doc, "マイナ保険証");        /* through Shift_JIS and back */
    assert_has(&doc, "has been registered");
    assert_has(&doc, "2030-02-17");        /* the certificate's expiry */
    assert_has(&doc, "2029-11-17");        /* renewal from */
    assert_has(&doc, "有効期限通知書");
    assert_has(&doc, "2035-02-17");        /* the card itself, at the latest */
    assert_has(&doc, "address or name");
    assert_has(&doc, "0120-95-0178");
    assert_has(&doc, "9:30-20:00");
    assert_has(&doc, URL_PORTAL);          /* written out under the code */
    escpos_free(&doc);
}

/* Every line fits the paper: 32 columns, a kanji taking two. */
static void test_lines_fit_the_paper(void **state)
{
    (void)state;
    struct receipt r = {
        .kind = RECEIPT_ALREADY, .when = when(), .kiosk_id = "k",
        .has_cert = true, .rem = dates(when(), 2027, 1, 13), .url = URL_CARD,
    };
    struct escpos_doc doc;

    build(&r, &doc);
    assert_has(&doc, "already registered");
    for (char *line = doc.text; *line;) {
        char *end = strchr(line, '\n');
        assert_non_null(end);
        *end = '\0';
        if (layout_width(line) > RECEIPT_COLUMNS)
            fail_msg("too wide: \"%s\"", line);
        line = end + 1;
    }
    escpos_free(&doc);
}

static void test_grace_and_lapsed(void **state)
{
    (void)state;
    struct tm tm = { .tm_year = 130, .tm_mon = 2, .tm_mday = 1, .tm_hour = 3 };
    struct receipt r = {
        .kind = RECEIPT_REMINDER, .when = timegm(&tm), .kiosk_id = "k",
        .has_cert = true, .url = URL_CARD,
    };
    struct escpos_doc doc;

    r.rem = dates(r.when, 2030, 2, 17); /* 1 March 2030: grace */
    assert_int_equal(r.rem.status, CERT_GRACE);
    build(&r, &doc);
    assert_has(&doc, "expired on: 2030-02-17");
    assert_has(&doc, "2030-05-31");
    assert_has(&doc, "only to show that you are");
    assert_code(&doc, URL_CARD);
    escpos_free(&doc);

    tm.tm_mon = 5; /* 1 June 2030: lapsed */
    r.when = timegm(&tm);
    r.rem = dates(r.when, 2030, 2, 17);
    assert_int_equal(r.rem.status, CERT_LAPSED);
    build(&r, &doc);
    assert_has(&doc, "register the card again");
    escpos_free(&doc);
}

/* Staff's test print: no card, no dates; no URL, no code. */
static void test_test_print(void **state)
{
    (void)state;
    struct receipt r = { .kind = RECEIPT_TEST, .when = when(),
                         .kiosk_id = "k", .has_cert = true };
    struct escpos_doc doc;

    r.rem = dates(when(), 2030, 2, 17);
    build(&r, &doc);
    assert_has(&doc, "Test print");
    assert_null(strstr(doc.text, "2030-02-17"));
    assert_int_equal(doc.images, 0);
    escpos_free(&doc);
}

static void test_url_too_long(void **state)
{
    (void)state;
    char url[300] = "https://";
    struct receipt r = { .kind = RECEIPT_TEST, .when = when(), .url = url };
    uint8_t *bytes = NULL;
    size_t n;

    memset(url + 8, 'a', 250);
    assert_int_equal(receipt_escpos(&r, &bytes, &n), -1);
    assert_null(bytes);
}

/* ---- the printer ---- */

static char *make_dir(void)
{
    char tmpl[] = "/tmp/kiosk-receipts-XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

/* Files in dir whose names start with prefix. */
static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_one_file_per_receipt(void **state)
{
    (void)state;
    char *dir = make_dir(), dev[512];
    const uint8_t bytes[] = { 0x1B, '@', 'h', 'i', '\n' };

    snprintf(dev, sizeof dev, "file:%s", dir);
    assert_int_equal(printer_send(dev, bytes, sizeof bytes, 1000), PRINT_OK);
    assert_int_equal(printer_send(dev, bytes, sizeof bytes, 1000), PRINT_OK);
    assert_int_equal(count_files(dir, "receipt-"), 2);
    assert_int_equal(count_files(dir, "."), 2); /* . and ..: no temporaries */
    remove_dir(dir);
    assert_int_equal(printer_send(dev, bytes, sizeof bytes, 1000),
                     PRINT_MISSING);
    free(dir);
}

static void test_missing_and_out_of_paper(void **state)
{
    (void)state;
    const uint8_t bytes[] = "receipt\n";

    assert_int_equal(printer_send("/nonexistent/usb/lp0", bytes, 8, 500),
                     PRINT_MISSING);
    /* /dev/full answers every write with ENOSPC, as usblp does for a
     * printer out of paper once told to abort on errors. */
    assert_int_equal(printer_send("/dev/full", bytes, 8, 500),
                     PRINT_NO_PAPER);
    assert_int_equal(printer_send("", bytes, 8, 500), PRINT_FAILED);
}

static char *make_fifo(char *path, size_t n)
{
    char *dir = make_dir();
    snprintf(path, n, "%s/lp0", dir);
    assert_int_equal(mkfifo(path, 0600), 0);
    return dir;
}

/* A device nobody takes bytes from: off-line, within the time-out. */
static void test_offline(void **state)
{
    (void)state;
    char path[512];
    char *dir = make_fifo(path, sizeof path);
    size_t big = 1 << 20; /* more than any pipe holds */
    uint8_t *bytes = calloc(1, big);

    /* No reader at all. */
    assert_int_equal(printer_send(path, bytes, big, 300), PRINT_OFFLINE);
    /* A reader that never reads. */
    int rd = open(path, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    assert_int_equal(printer_send(path, bytes, big, 300), PRINT_OFFLINE);
    close(rd);
    free(bytes);
    remove_dir(dir);
    free(dir);
}

struct drain {
    int fd;
    size_t got;
};

static void *drain_fifo(void *arg)
{
    struct drain *d = arg;
    char buf[4096];
    ssize_t n;

    while ((n = read(d->fd, buf, sizeof buf)) > 0)
        d->got += (size_t)n;
    return NULL;
}

/* A device that takes the bytes: all of them, PRINT_OK. */
static void test_device_takes_it_all(void **state)
{
    (void)state;
    char path[512];
    char *dir = make_fifo(path, sizeof path);
    size_t big = 300000;
    uint8_t *bytes = calloc(1, big);
    struct drain d = { .fd = open(path, O_RDONLY | O_NONBLOCK) };
    pthread_t th;

    assert_true(d.fd >= 0);
    fcntl(d.fd, F_SETFL, 0); /* blocking reads from here on */
    /* A writer of our own, so that the reader waits instead of seeing
     * the end of a FIFO no one has opened yet. */
    int keep = open(path, O_WRONLY);
    assert_true(keep >= 0);
    assert_int_equal(pthread_create(&th, NULL, drain_fifo, &d), 0);
    assert_int_equal(printer_send(path, bytes, big, 5000), PRINT_OK);
    close(keep);
    pthread_join(th, NULL); /* every writer closed: the reader sees EOF */
    assert_int_equal(d.got, big);
    close(d.fd);
    free(bytes);
    remove_dir(dir);
    free(dir);
}

static void test_usb_status_byte(void **state)
{
    (void)state;
    assert_int_equal(printer_lp_status(LP_PSELECD | LP_PERRORP), PRINT_OK);
    assert_int_equal(printer_lp_status(LP_PSELECD | LP_PERRORP | LP_POUTPA),
                     PRINT_NO_PAPER);
    assert_int_equal(printer_lp_status(LP_PERRORP), PRINT_OFFLINE);
    assert_int_equal(printer_lp_status(LP_PSELECD), PRINT_OFFLINE);
}

static struct event wait_answer(struct printer *p)
{
    struct pollfd pf = { .fd = printer_fd(p), .events = POLLIN };
    struct event ev;

    assert_int_equal(poll(&pf, 1, 10000), 1);
    assert_int_equal(printer_read_event(p, &ev), 1);
    assert_int_equal(ev.kind, EV_PRINT_DONE);
    return ev;
}

/* The thread answers each receipt with its session. */
static void test_printer_thread(void **state)
{
    (void)state;
    char *dir = make_dir(), dev[512];
    struct receipt r = { .kind = RECEIPT_TEST, .when = when(),
                         .kiosk_id = "k", .url = URL_CARD };
    uint8_t *bytes;
    size_t n;

    snprintf(dev, sizeof dev, "file:%s", dir);
    struct printer *p = printer_start(dev);
    assert_non_null(p);
    assert_int_equal(receipt_escpos(&r, &bytes, &n), 0);
    printer_submit(p, bytes, n, 7);
    struct event ev = wait_answer(p);
    assert_int_equal(ev.session, 7);
    assert_int_equal(ev.u.print, PRINT_OK);
    assert_int_equal(count_files(dir, "receipt-"), 1);
    printer_submit(p, NULL, 0, 8); /* a receipt that could not be made */
    ev = wait_answer(p);
    assert_int_equal(ev.session, 8);
    assert_int_equal(ev.u.print, PRINT_FAILED);
    printer_stop(p);
    printer_stop(NULL);
    remove_dir(dir);
    free(dir);
}

/* The catalogues of this build (BUILD/tests/test_receipt -> BUILD/locale). */
static void catalogues_beside_build(void)
{
    char exe[PATH_MAX], dir[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    assert_true(n > 0);
    exe[n] = '\0';
    snprintf(dir, sizeof dir, "%s/locale", dirname(dirname(exe)));
    setenv("KIOSK_LOCALEDIR", dir, 1);
}

/* With the catalogues: the receipt is Japanese whatever the screen's
 * language, also when the terminal gets the plain-ASCII English
 * interface (the receipt goes to the printer, in Shift_JIS); and the
 * screen's messages stay ASCII after it. Runs last: it binds them. */
static void test_japanese_under_ascii_interface(void **state)
{
    (void)state;
    struct receipt r = {
        .kind = RECEIPT_REGISTERED, .when = when(), .kiosk_id = "k",
        .has_cert = true, .rem = dates(when(), 2030, 2, 17), .url = URL_PORTAL,
    };
    struct escpos_doc doc;

    catalogues_beside_build();
    i18n_init("test");
    for (int ascii = 0; ascii <= 1; ascii++) {
        i18n_set_ascii(ascii);
        i18n_set_lang(LANG_EN);
        build(&r, &doc);
        assert_has(&doc, "マイナ保険証 控え");
        assert_has(&doc, "2026年11月29日 10:45");
        assert_has(&doc, "端末: k");
        assert_has(&doc, "電子証明書の有効期限: 2030年2月17日");
        assert_null(strstr(doc.text, "Certificate"));
        escpos_free(&doc);
    }
    assert_string_equal(_("マイナ保険証 receipt"), "Myna Hokensho receipt");
    assert_string_equal(_("%d-%02d-%02d"), "%d-%02d-%02d");
    i18n_set_ascii(false);
    assert_string_equal(_("マイナ保険証 receipt"), "マイナ保険証 receipt");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered_receipt),
        cmocka_unit_test(test_lines_fit_the_paper),
        cmocka_unit_test(test_grace_and_lapsed),
        cmocka_unit_test(test_test_print),
        cmocka_unit_test(test_url_too_long),
        cmocka_unit_test(test_one_file_per_receipt),
        cmocka_unit_test(test_missing_and_out_of_paper),
        cmocka_unit_test(test_offline),
        cmocka_unit_test(test_device_takes_it_all),
        cmocka_unit_test(test_usb_status_byte),
        cmocka_unit_test(test_printer_thread),
        cmocka_unit_test(test_japanese_under_ascii_interface),
    };
    signal(SIGPIPE, SIG_IGN); /* as the kiosk does: EPIPE, not death */
    return cmocka_run_group_tests_name("receipt", tests, NULL, NULL);
}
