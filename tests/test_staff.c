/*
 * test_staff.c - staff codes and the configuration of the alternatives to
 * the PIN: crypt(3) hashes made and checked with libxcrypt (kiosk/staff.h),
 * the staff code's own buffer (kiosk/staffcode.h), [auth] methods,
 * [face] and [staff] as config_load() reads them (kiosk/config.h).
 */
#include "tests/test.h"

#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/auth.h"
#include "kiosk/config.h"
#include "kiosk/ledger.h"
#include "kiosk/staff.h"
#include "kiosk/staffcode.h"

static char conf[64];

static void test_code_rules(void **state)
{
    (void)state;
    assert_true(staff_code_valid("123456", 6));
    assert_true(staff_code_valid("1234567890123456", 16));
    assert_false(staff_code_valid("12345", 5));
    assert_false(staff_code_valid("12345678901234567", 17));
    assert_false(staff_code_valid("12345a", 6));
    assert_false(staff_code_valid("123 456", 7));
    assert_false(staff_code_valid(NULL, 6));
}

static void test_hash_and_verify(void **state)
{
    struct staff_entry e[3];
    char again[STAFF_HASH_MAX];

    (void)state;
    memset(e, 0, sizeof e);
    strcpy(e[0].id, "sato");
    strcpy(e[1].id, "tanaka");
    strcpy(e[2].id, "suzuki");
    assert_int_equal(staff_hash("246810", e[0].hash, sizeof e[0].hash), 0);
    assert_int_equal(staff_hash("13572468", e[1].hash, sizeof e[1].hash), 0);
    assert_true(strncmp(e[0].hash, "$y$", 3) == 0);
    assert_true(staff_hash_ok(e[0].hash));
    /* SHA-512 crypt is accepted too. */
    {
        char salt[CRYPT_GENSALT_OUTPUT_SIZE];
        struct crypt_data cd;

        memset(&cd, 0, sizeof cd);
        assert_non_null(crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof salt));
        snprintf(e[2].hash, sizeof e[2].hash, "%s",
                 crypt_rn("99887766", salt, &cd, sizeof cd));
    }
    assert_true(staff_hash_ok(e[2].hash));
    assert_int_equal(staff_verify(e, 3, "246810", 6), 0);
    assert_int_equal(staff_verify(e, 3, "13572468", 8), 1);
    assert_int_equal(staff_verify(e, 3, "99887766", 8), 2);
    assert_int_equal(staff_verify(e, 3, "246811", 6), -1);
    assert_int_equal(staff_verify(e, 3, "2468100", 6), 0); /* len counts */
    assert_int_equal(staff_verify(e, 3, "24681", 5), -1);
    assert_int_equal(staff_verify(e, 0, "246810", 6), -1);
    /* A fresh salt every time. */
    assert_int_equal(staff_hash("246810", again, sizeof again), 0);
    assert_string_not_equal(again, e[0].hash);
    assert_int_equal(staff_hash("12ab56", again, sizeof again), -1);
}

static void test_weak_hashes_refused(void **state)
{
    (void)state;
    assert_false(staff_hash_ok(""));
    assert_false(staff_hash_ok("246810"));
    assert_false(staff_hash_ok("$1$abcdefgh$0123456789abcdefghijkl")); /* MD5 */
    assert_false(staff_hash_ok("$5$abcdefgh$"));
    assert_false(staff_hash_ok("abZ9h4Lq1Q0sI")); /* DES */
    assert_false(staff_hash_ok("$y$"));
    assert_false(staff_hash_ok("$6$"));
    assert_false(staff_hash_ok("$y$j9T$bad$bad$bad!"));
    assert_false(staff_hash_ok("$y$j9T$salt$"));
    assert_false(staff_hash_ok("$y$j9T$salt$short"));
}

static void test_code_buffer(void **state)
{
    char d[AUTH_CODE_MAX];

    (void)state;
    staffcode_push(1); /* before init: nothing, no crash */
    assert_int_equal(staffcode_take(d), 0);
    assert_int_equal(staffcode_init(), 0);
    for (int i = 0; i < AUTH_CODE_MAX + 3; i++)
        staffcode_push(i % 10);
    staffcode_pop();
    staffcode_push(42); /* not a digit */
    assert_int_equal(staffcode_take(d), AUTH_CODE_MAX - 1);
    assert_memory_equal(d, "012345678901234", AUTH_CODE_MAX - 1);
    assert_int_equal(staffcode_take(d), 0); /* taking wiped it */
    staffcode_push(7);
    staffcode_clear();
    assert_int_equal(staffcode_take(d), 0);
    staffcode_destroy();
}

static void test_methods_parse(void **state)
{
    unsigned bits = 0;
    const char *bad = NULL;
    const char *text = "pin,  staff fingerprint";

    (void)state;
    assert_int_equal(auth_methods_parse("pin", &bits, &bad), 0);
    assert_int_equal(bits, AUTH_BIT(AUTH_PIN));
    assert_int_equal(auth_methods_parse(" face,staff\tpin ", &bits, &bad), 0);
    assert_int_equal(bits, AUTH_ALL);
    assert_int_equal(auth_methods_parse(text, &bits, &bad), -1);
    assert_ptr_equal(bad, text + 12);
    assert_int_equal(auth_methods_parse("pin, pin", &bits, &bad), -1);
    assert_int_equal(auth_methods_parse(" , ", &bits, &bad), -1);
    assert_string_equal(auth_method_name(AUTH_STAFF), "staff");
    assert_string_equal(auth_method_name(AUTH_METHODS), "");
}

/* ---- the configuration ---- */

static int load(struct config *c, const char *text, char *err, size_t n)
{
    FILE *f = fopen(conf, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    config_defaults(c);
    return config_load(c, conf, err, n);
}

/* The first problem's line and words, e.g. "kiosk.conf:2: ...". */
static void refused(const char *text, int line, const char *words)
{
    static struct config c;
    char err[512], at[32];

    if (load(&c, text, err, sizeof err) == 0)
        fail_msg("accepted: %s", text);
    snprintf(at, sizeof at, ":%d: ", line);
    if (!strstr(err, at) || !strstr(err, words))
        fail_msg("for \"%s\": \"%s\" (wanted line %d, \"%s\")", text, err, line,
                 words);
}

static void test_config_defaults(void **state)
{
    static struct config c;

    (void)state;
    config_defaults(&c);
    assert_int_equal(c.auth_methods, AUTH_BIT(AUTH_PIN));
    assert_false(c.auth_methods_set);
    assert_string_equal(c.face_command, "");
    assert_int_equal(c.face_timeout, 20);
    assert_int_equal(c.n_staff, 0);
    assert_int_equal(c.staff_lockout, 300);
}

static void test_config_auth(void **state)
{
    static struct config c;
    char err[512], hash[STAFF_HASH_MAX], text[1024];

    (void)state;
    assert_int_equal(staff_hash("24681012", hash, sizeof hash), 0);
    snprintf(text, sizeof text,
             "[auth]\nmethods = pin, face, staff\n"
             "[face]\ncommand = /usr/lib/facematch/check --camera /dev/video0\n"
             "timeout = 15\n"
             "[staff]\ncode = sato:%s\ncode = tanaka-2:%s\nlockout = 600\n",
             hash, hash);
    assert_int_equal(load(&c, text, err, sizeof err), 0);
    assert_int_equal(c.auth_methods, AUTH_ALL);
    assert_true(c.auth_methods_set);
    assert_string_equal(c.face_command,
                        "/usr/lib/facematch/check --camera /dev/video0");
    assert_int_equal(c.face_timeout, 15);
    assert_int_equal(c.n_staff, 2);
    assert_string_equal(c.staff[0].id, "sato");
    assert_string_equal(c.staff[1].id, "tanaka-2");
    assert_string_equal(c.staff[1].hash, hash);
    assert_int_equal(c.staff_lockout, 600);
    assert_int_equal(staff_verify(c.staff, c.n_staff, "24681012", 8), 0);
}

static void test_config_auth_mistakes(void **state)
{
    char hash[STAFF_HASH_MAX], text[512];

    (void)state;
    refused("[auth]\nmethods = pin, fingerprint\n", 2, "fingerprint");
    refused("[auth]\nmethods = face face\n", 2, "face");
    refused("[auth]\nmethods = ,\n", 2, "pin, face, staff");
    refused("[face]\ncommand = facematch --check\n", 2, "absolute");
    refused("[face]\ntimeout = 4\n", 2, "timeout");
    refused("[face]\ntimeout = 121\n", 2, "timeout");
    refused("[staff]\nlockout = 59\n", 2, "lockout");
    refused("[staff]\ncode = 246810\n", 2, "ID:HASH");
    refused("[staff]\ncode = sato:246810\n", 2, "hash");
    refused("[staff]\ncode = sato:$1$abcdefgh$0123456789abcdefghijkl\n", 2,
            "yescrypt");
    refused("[staff]\ncode = :$y$j9T$abc\n", 2, "ID:HASH");
    assert_int_equal(staff_hash("12345678", hash, sizeof hash), 0);
    snprintf(text, sizeof text, "[staff]\ncode = sa to:%s\n", hash);
    refused(text, 2, "ID:HASH");
    snprintf(text, sizeof text, "[staff]\ncode = sato:%s\n\ncode = sato:%s\n",
             hash, hash);
    refused(text, 4, "sato");
}

/* Staff mode's figures: today's registrations and failed checks, by
 * method, in Japan's calendar day. */
static void test_counts_by_method(void **state)
{
    static const char a[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static const char b[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    char db[96], err[256], cmd[400];
    time_t noon = 1790049600; /* 2026-09-22T12:00:00+09:00 */
    struct ledger_counts c;
    struct ledger *lg;

    (void)state;
    snprintf(db, sizeof db, "%s.db", conf);
    lg = ledger_open(db, err, sizeof err);
    if (!lg)
        fail_msg("ledger_open: %s", err);
    assert_int_equal(ledger_register(lg, a, LEDGER_METHOD_FACE, NULL, noon, "k"),
                     LEDGER_OK);
    assert_int_equal(ledger_register(lg, b, LEDGER_METHOD_STAFF, "sato", noon, "k"),
                     LEDGER_OK);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_FACE, noon, "k"), 0);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_FACE, noon, "k"), 0);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_PIN, noon - 86400, "k"), 0);
    assert_int_equal(ledger_counts_today_by(lg, noon, LEDGER_METHOD_FACE, &c), 0);
    assert_int_equal(c.registered, 1);
    assert_int_equal(c.failed, 2);
    assert_int_equal(ledger_counts_today_by(lg, noon, LEDGER_METHOD_STAFF, &c), 0);
    assert_int_equal(c.registered, 1);
    assert_int_equal(c.failed, 0);
    assert_int_equal(ledger_counts_today_by(lg, noon, LEDGER_METHOD_PIN, &c), 0);
    assert_int_equal(c.registered, 0);
    assert_int_equal(c.failed, 0); /* yesterday's does not count */
    assert_int_equal(ledger_counts_today_by(lg, noon - 86400, LEDGER_METHOD_PIN, &c), 0);
    assert_int_equal(c.failed, 1);
    assert_int_equal(ledger_counts_today_by(lg, noon, "x y", &c), -1);
    ledger_close(lg);
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm'", db, db, db);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(conf, sizeof conf, "/tmp/kiosk-staff-%d.conf", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(conf);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_rules),
        cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_weak_hashes_refused),
        cmocka_unit_test(test_code_buffer),
        cmocka_unit_test(test_methods_parse),
        cmocka_unit_test(test_config_defaults),
        cmocka_unit_test(test_config_auth),
        cmocka_unit_test(test_config_auth_mistakes),
        cmocka_unit_test(test_counts_by_method),
    };
    return cmocka_run_group_tests_name("staff codes and [auth]", tests, setup,
                                       teardown);
}
