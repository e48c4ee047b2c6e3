/* test_config.c - the INI configuration: defaults, the shipped file, and
 * an error message naming the right line for every kind of mistake. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "kiosk/config.h"

/* config/kiosk.conf, found from this file's own path (the tests run from
 * the top of the tree, where __FILE__ is tests/test_config.c). */
static void shipped_path(char *buf, size_t len)
{
    const char *slash = strrchr(__FILE__, '/');
    int dir = slash ? (int)(slash - __FILE__) : 1;

    snprintf(buf, len, "%.*s/../config/kiosk.conf", dir, slash ? __FILE__ : ".");
}

struct tmp {
    char dir[64];
    char file[128];
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);

    if (t == NULL)
        return -1;
    strcpy(t->dir, "/tmp/test_config.XXXXXX");
    if (mkdtemp(t->dir) == NULL)
        return -1;
    snprintf(t->file, sizeof t->file, "%s/kiosk.conf", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;

    unlink(t->file);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void assert_config_equal(const struct config *a, const struct config *b)
{
    assert_string_equal(a->kiosk_id, b->kiosk_id);
    assert_string_equal(a->language, b->language);
    assert_int_equal(a->idle_timeout, b->idle_timeout);
    assert_int_equal(a->prompt_timeout, b->prompt_timeout);
    assert_int_equal(a->card_alarm, b->card_alarm);
    assert_int_equal(a->bell, b->bell);
    assert_string_equal(a->languages, b->languages);
    assert_string_equal(a->theme, b->theme);
    assert_string_equal(a->speak, b->speak);
    assert_string_equal(a->ledger_path, b->ledger_path);
    assert_int_equal(a->n_anchors, b->n_anchors);
    for (int i = 0; i < a->n_anchors; i++)
        assert_string_equal(a->anchors[i], b->anchors[i]);
    assert_string_equal(a->url_portal, b->url_portal);
    assert_string_equal(a->url_card, b->url_card);
    assert_string_equal(a->url_insurance, b->url_insurance);
    assert_string_equal(a->demo_card, b->demo_card);
    assert_string_equal(a->reader_name, b->reader_name);
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;

    memset(&c, 0x5a, sizeof c);
    config_defaults(&c);
    assert_string_equal(c.kiosk_id, "kiosk-01");
    assert_string_equal(c.language, "ja");
    assert_int_equal(c.idle_timeout, 60);
    assert_int_equal(c.prompt_timeout, 30);
    assert_int_equal(c.card_alarm, 30);
    assert_true(c.bell);
    assert_string_equal(c.ledger_path, "/var/lib/kiosk/ledger.db");
    assert_int_equal(c.n_anchors, 0);
    assert_string_equal(c.url_portal, "https://myna.go.jp/");
    assert_string_equal(c.url_card, "https://www.kojinbango-card.go.jp/");
    assert_string_equal(c.url_insurance,
                        "https://www.gov-online.go.jp/article/202407/entry-6238.html");
    assert_string_equal(c.demo_card, "fresh");
    assert_string_equal(c.reader_name, ""); /* the first reader with a card */
}

static void test_shipped_file_is_the_defaults(void **state)
{
    (void)state;
    struct config want, got;
    char path[512], err[512] = "";

    shipped_path(path, sizeof path);
    config_defaults(&want);
    config_defaults(&got);
    got.idle_timeout = 999; /* so "unchanged" cannot pass for "loaded" */
    if (config_load(&got, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_config_equal(&got, &want);
}

/* Collects "section.name," for every key line inih finds. */
static int list_key(void *user, const char *section, const char *name, const char *value)
{
    char *buf = user;

    (void)value;
    snprintf(buf + strlen(buf), 512 - strlen(buf), "%s.%s,", section, name);
    return 1;
}

/* Every key appears in the shipped file, so it documents them all; the
 * anchors are there too, commented out. */
static void test_shipped_file_lists_every_key(void **state)
{
    (void)state;
    char path[512], keys[512] = "", text[16384];
    FILE *f;
    size_t n;

    shipped_path(path, sizeof path);
    assert_int_equal(ini_parse(path, list_key, keys), 0);
    assert_string_equal(keys, "kiosk.id,kiosk.language,kiosk.languages,kiosk.idle_timeout,"
                              "kiosk.prompt_timeout,kiosk.card_alarm,kiosk.bell,display.theme,"
                              "ledger.path,urls.portal,urls.card,"
                              "urls.insurance,auth.methods,face.timeout,"
                              "staff.lockout,demo.card,demo.sessions,"
                              "demo.slot_dir,demo.session_length,"
                              "demo.idle_timeout,demo.memory,demo.processes,"
                              "demo.open_files,demo.cpu_seconds,");
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    assert_non_null(strstr(text, "\n#anchor = "));
    assert_non_null(strstr(text, "\n[reader]\n"));
    assert_non_null(strstr(text, "\n#name = "));
    assert_non_null(strstr(text, "\n[printer]\n"));
    assert_non_null(strstr(text, "\n#device = /dev/usb/lp0\n"));
    assert_non_null(strstr(text, "\n#command = /"));
    assert_non_null(strstr(text, "\n#code = "));
}

/* [printer] device: a device or file:DIR, absolute; none by default. URLs
 * must fit a QR code an 80x24 screen can show. */
static void test_printer_and_url_lengths(void **state)
{
    struct tmp *t = *state;
    struct config c;
    char err[512] = "", want[512];

    config_defaults(&c);
    assert_string_equal(c.printer, "");
    write_file(t->file, "[printer]\ndevice = file:/var/spool/receipts\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), 0);
    assert_string_equal(c.printer, "file:/var/spool/receipts");
    write_file(t->file, "[printer]\ndevice = /dev/usb/lp0\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), 0);
    assert_string_equal(c.printer, "/dev/usb/lp0");

    write_file(t->file, "[printer]\ndevice = file:receipts\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: device must be a device such as "
             "/dev/usb/lp0, or file: and a directory, both absolute", t->file);
    assert_string_equal(err, want);
    write_file(t->file, "[printer]\ndevice = lp0\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);

    /* 62 characters fit; a very long address does not. */
    write_file(t->file, "[urls]\ncard = https://example.org/"
               "abcdefghijklmnopqrstuvwxyz0123456789abc\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), 0);
    write_file(t->file, "[urls]\n\nportal = https://example.org/"
               "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
               "0123456789abcdefghijklmnopqrstuvwxyz\n");
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:3: portal is too long for a QR code that "
             "fits an 80x24 screen (62 characters always fit)", t->file);
    assert_string_equal(err, want);
}

static void test_every_value_can_be_set(void **state)
{
    struct tmp *t = *state;
    struct config c;
    char err[512] = "";

    write_file(t->file,
               "\xEF\xBB\xBF; a comment\r\n"
               "[kiosk]\r\n"
               "id = hall_2.east-B ; inline comment\r\n"
               "language = en\n"
               "idle_timeout = 3600\n"
               "prompt_timeout = 5\n"
               "card_alarm = 600\n"
               "bell = NO\n"
               "languages = th ,en\tja@easy\n"
               "\n"
               "[display]\n"
               "theme = high-contrast\n"
               "[a11y]\n"
               "speak = espeak-ng -v \"$KIOSK_LANG_TAG\"\n"
               "[reader]\n"
               "name = ACS ACR39U ICC Reader\n"
               "[ledger]\n"
               "path = /srv/kiosk/l.db\n"
               "[trust]\n"
               "anchor = /etc/a.pem\n"
               "  # an indented comment is still a comment\n"
               "anchor = /etc/b.pem\n"
               "[urls]\n"
               "portal = https://example.jp/p\n"
               "card = https://example.jp/c\n"
               "insurance = https://example.jp/i?x=1#y\n"
               "[demo]\n"
               "card = last-try\n");
    config_defaults(&c);
    if (config_load(&c, t->file, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(c.kiosk_id, "hall_2.east-B");
    assert_string_equal(c.language, "en");
    assert_int_equal(c.idle_timeout, 3600);
    assert_int_equal(c.prompt_timeout, 5);
    assert_int_equal(c.card_alarm, 600);
    assert_false(c.bell);
    assert_string_equal(c.languages, "th ,en\tja@easy");
    assert_string_equal(c.theme, "high-contrast");
    assert_string_equal(c.speak, "espeak-ng -v \"$KIOSK_LANG_TAG\"");
    assert_string_equal(c.reader_name, "ACS ACR39U ICC Reader");
    assert_string_equal(c.ledger_path, "/srv/kiosk/l.db");
    assert_int_equal(c.n_anchors, 2);
    assert_string_equal(c.anchors[0], "/etc/a.pem");
    assert_string_equal(c.anchors[1], "/etc/b.pem");
    assert_string_equal(c.url_portal, "https://example.jp/p");
    assert_string_equal(c.url_card, "https://example.jp/c");
    assert_string_equal(c.url_insurance, "https://example.jp/i?x=1#y");
    assert_string_equal(c.demo_card, "last-try");
}

/* Anchors repeat, up to 8, and add to those already configured. */
static void test_repeated_anchors(void **state)
{
    struct tmp *t = *state;
    struct config c;
    char text[1024] = "[trust]\n", err[512] = "";

    for (int i = 0; i < 7; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "anchor = /a/%d.pem\n", i);
    write_file(t->file, text);
    config_defaults(&c);
    snprintf(c.anchors[0], sizeof c.anchors[0], "/already.pem");
    c.n_anchors = 1;
    if (config_load(&c, t->file, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(c.n_anchors, 8);
    assert_string_equal(c.anchors[0], "/already.pem");
    assert_string_equal(c.anchors[1], "/a/0.pem");
    assert_string_equal(c.anchors[7], "/a/6.pem");

    config_defaults(&c);
    snprintf(text + strlen(text), sizeof text - strlen(text), "anchor = /a/7.pem\nanchor = /a/8.pem\n");
    write_file(t->file, text);
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);
    assert_non_null(strstr(err, ":10: too many anchors (at most 8)"));
}

struct bad {
    const char *text;
    int line;
    const char *says;
};

static const struct bad bad_files[] = {
    { "[kiosk]\nid = a\n[bogus]\nx = 1\n", 3, "unknown section [bogus]" },
    { "[kiosk]\nid = a\nnope = 1\n", 3, "unknown key \"nope\" in [kiosk]" },
    { "id = a\n", 1, "\"id\" comes before the first [section]" },
    { "[kiosk]\nidle_timeout = 6O\n", 2, "idle_timeout: \"6O\" is not a whole number" },
    { "[kiosk]\nidle_timeout = -20\n", 2, "not a whole number" },
    { "[kiosk]\nidle_timeout = 20s\n", 2, "not a whole number" },
    { "[kiosk]\nidle_timeout = 99999999999999999999999\n", 2, "not a whole number" },
    { "[kiosk]\n\n# too short\nidle_timeout = 9\n", 4, "idle_timeout must be between 10 and 3600 seconds" },
    { "[kiosk]\nidle_timeout = 3601\n", 2, "between 10 and 3600" },
    { "[kiosk]\nprompt_timeout = 601\n", 2, "prompt_timeout must be between 5 and 600" },
    { "[kiosk]\ncard_alarm = 4\n", 2, "card_alarm must be between 5 and 600" },
    { "[kiosk]\nbell = maybe\n", 2, "bell must be yes or no" },
    { "[kiosk]\nid = kiosk-0123456789-0123456789-01234\n", 2, "id is too long (at most 32 characters)" },
    { "[kiosk]\nid = kiosk 1\n", 2, "id may contain only letters" },
    { "[kiosk]\nlanguage = fr\n", 2, "language must be one of: ja, en, ja@easy, zh_CN" },
    { "[kiosk]\nlanguages = ja, fr\n", 2, "languages: unknown language \"fr\"" },
    { "[kiosk]\nlanguages = ,\n", 2, "languages needs a value" },
    { "[display]\ntheme = pink\n", 2, "theme must be one of: colour, high-contrast" },
    { "[ledger]\npath =\n", 2, "path needs a value" },
    { "[reader]\nname =\n", 2, "name needs a value" },
    { "[urls]\nportal = http://myna.go.jp/\n", 2, "portal must be an address that starts with https://" },
    { "[urls]\ncard = https://\n", 2, "https://" },
    { "[demo]\ncard = broken\n", 2, "card must be one of: fresh, renew" },
    { "[kiosk]\nid kiosk-01\n", 2, "expected [section] or key = value" },
    { "[kiosk\nid = a\n", 1, "expected [section] or key = value" },
    { "[kiosk]\nid = a\n  bell = no\n", 3, "indented line continues the value above" },
    { "[kiosk]\nbell = yes\n\nbell = no\n", 4, "bell is given twice (first on line 2)" },
    /* The first problem is the one reported, whoever found it. */
    { "[kiosk]\nbell = maybe\nnope = 1\n", 2, "bell must be yes or no" },
    { "[kiosk]\nbad line\nbell = maybe\n", 2, "expected [section]" },
    { "[kiosk]\nbell = maybe\nbad line\n", 2, "bell must be yes or no" },
    { "[x]\nbad line\n[kiosk]\nnope = 1\n", 2, "expected [section]" },
};

static void test_errors_name_the_line(void **state)
{
    struct tmp *t = *state;
    char want[512], err[512];

    for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
        const struct bad *b = &bad_files[i];
        struct config c, before;

        write_file(t->file, b->text);
        config_defaults(&c);
        before = c;
        err[0] = '\0';
        if (config_load(&c, t->file, err, sizeof err) != -1)
            fail_msg("case %zu: loaded without an error", i);
        snprintf(want, sizeof want, "%s:%d: ", t->file, b->line);
        if (strncmp(err, want, strlen(want)) != 0 || strstr(err, b->says) == NULL)
            fail_msg("case %zu: want \"%s...%s\", got \"%s\"", i, want, b->says, err);
        assert_config_equal(&c, &before); /* nothing half loaded */
    }
}

/* inih's buffer holds 200 bytes: a longer line is refused, not cut in
 * two; one that fits is taken whole. */
static void test_long_lines(void **state)
{
    struct tmp *t = *state;
    char text[600], err[512] = "", want[256];
    struct config c;

    snprintf(text, sizeof text, "[ledger]\npath = /%0189d\n", 0); /* 197 characters */
    write_file(t->file, text);
    config_defaults(&c);
    if (config_load(&c, t->file, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(strlen(c.ledger_path), 190);

    snprintf(text, sizeof text, "[ledger]\npath = /%0250d\n[kiosk]\nnope = 1\n", 0);
    write_file(t->file, text);
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: line too long (at most 197 characters)", t->file);
    assert_string_equal(err, want);
}

static void test_missing_or_unreadable_file(void **state)
{
    struct tmp *t = *state;
    char want[512], err[512] = "";
    struct config c;

    config_defaults(&c);
    assert_int_equal(config_load(&c, t->file, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot open: %s", t->file, strerror(ENOENT));
    assert_string_equal(err, want);

    assert_int_equal(config_load(&c, t->dir, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot read: %s", t->dir, strerror(EISDIR));
    assert_string_equal(err, want);
}

/* An empty file and one with only comments change nothing. */
static void test_empty_file(void **state)
{
    struct tmp *t = *state;
    struct config c, want;
    char err[512] = "";

    write_file(t->file, "# nothing here\n\n; nor here\n");
    config_defaults(&c);
    config_defaults(&want);
    assert_int_equal(config_load(&c, t->file, err, sizeof err), 0);
    assert_config_equal(&c, &want);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_shipped_file_is_the_defaults),
        cmocka_unit_test(test_shipped_file_lists_every_key),
        T(test_every_value_can_be_set),
        T(test_repeated_anchors),
        T(test_errors_name_the_line),
        T(test_long_lines),
        T(test_missing_or_unreadable_file),
        T(test_empty_file),
        T(test_printer_and_url_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
