/*
 * test_simcard.c - the simulated My Number card, APDU by APDU, and the
 * test CA it chains to. The expected bytes are jpki.md's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "reader/simcard.h"
#include "kiosk/jst.h"
#include "reader/testca.h"

#define SEL_AP "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"
#define SEL_TOKEN "00 A4 02 0C 02 00 06"
#define SEL_SIGN_CERT "00 A4 02 0C 02 00 01"
#define SEL_SIGN_CA "00 A4 02 0C 02 00 02"
#define SEL_CERT "00 A4 02 0C 02 00 0A"
#define SEL_CA "00 A4 02 0C 02 00 0B"
#define SEL_KEY "00 A4 02 0C 02 00 17"
#define SEL_PIN "00 A4 02 0C 02 00 18"
#define SEL_SIGN_KEY "00 A4 02 0C 02 00 1A"
#define SEL_SIGN_PW "00 A4 02 0C 02 00 1B"
#define TRIES "00 20 00 80"
#define PIN_RIGHT "00 20 00 80 04 31 32 33 34"
#define PIN_WRONG "00 20 00 80 04 30 30 30 30"

#define DAY 86400

/* One CA and one card key for the whole program: RSA keygen is slow. */
struct fixture {
    struct testca *ca;
    EVP_PKEY *key;
};

static int group_setup(void **state)
{
    char err[256] = "";
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    f->ca = testca_new(err, sizeof err);
    f->key = EVP_RSA_gen(2048);
    *state = f;
    if (f->ca == NULL || f->key == NULL) {
        print_error("fixture: %s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    struct fixture *f = *state;

    testca_free(f->ca);
    EVP_PKEY_free(f->key);
    free(f);
    return 0;
}

static struct simcard *card_at(void **state, enum sim_profile p, time_t now)
{
    struct fixture *f = *state;
    char err[256] = "";
    struct simcard *sc =
        simcard_new_with_key(p, f->ca, f->key, now, err, sizeof err);

    if (sc == NULL)
        fail_msg("simcard_new_with_key: %s", err);
    return sc;
}

static struct simcard *card(void **state, enum sim_profile p)
{
    return card_at(state, p, time(NULL));
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* "00 A4 ..." -> bytes. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (*s == ' ')
            continue;
        int hi = nibble(s[0]), lo = nibble(s[1]);
        assert_true(hi >= 0 && lo >= 0 && n < cap);
        out[n++] = (uint8_t)(hi << 4 | lo);
        s++;
    }
    return n;
}

/* Send raw bytes; the status word back, the data into data (if not NULL). */
static uint16_t send_raw(struct simcard *sc, const uint8_t *cmd, size_t n,
                         uint8_t *data, size_t *len)
{
    uint8_t resp[SIMCARD_RESP_MAX];
    size_t rn = 0;

    assert_int_equal(simcard_process(sc, cmd, n, resp, sizeof resp, &rn), 0);
    assert_true(rn >= 2 && rn <= sizeof resp);
    if (data != NULL)
        memcpy(data, resp, rn - 2);
    if (len != NULL)
        *len = rn - 2;
    return (uint16_t)(resp[rn - 2] << 8 | resp[rn - 1]);
}

static uint16_t send_hex(struct simcard *sc, const char *hex, uint8_t *data,
                         size_t *len)
{
    uint8_t cmd[300];

    return send_raw(sc, cmd, unhex(hex, cmd, sizeof cmd), data, len);
}

static uint16_t sw(struct simcard *sc, const char *hex)
{
    return send_hex(sc, hex, NULL, NULL);
}

static void sign_apdu(uint8_t *cmd, size_t *n, size_t lc, uint8_t fill)
{
    cmd[0] = 0x80;
    cmd[1] = 0x2A;
    cmd[2] = 0x00;
    cmd[3] = 0x80;
    cmd[4] = (uint8_t)lc;
    memset(cmd + 5, fill, lc);
    cmd[5 + lc] = 0x00;
    *n = 6 + lc;
}

static time_t to_time(const ASN1_TIME *t)
{
    struct tm tm;

    assert_int_equal(ASN1_TIME_to_tm(t, &tm), 1);
    return timegm(&tm);
}

static X509 *card_cert(const struct simcard *sc)
{
    size_t n = 0;
    const uint8_t *der = simcard_cert_der(sc, &n);
    const unsigned char *p = der;

    assert_non_null(der);
    X509 *x = d2i_X509(NULL, &p, (long)n);
    assert_non_null(x);
    assert_ptr_equal(p, der + n);
    return x;
}

/* ---- profiles and ATR ------------------------------------------------- */

static void test_profile_names(void **state)
{
    static const char *const names[] = {"fresh",    "renew",  "expired",
                                        "last-try", "locked", "foreign"};
    enum sim_profile p;

    (void)state;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(sim_profile_parse(names[i], &p), 0);
        assert_int_equal(p, (enum sim_profile)i);
        assert_string_equal(sim_profile_name(p), names[i]);
    }
    assert_int_equal(sim_profile_parse("Fresh", &p), -1);
    assert_int_equal(sim_profile_parse("", &p), -1);
    assert_int_equal(sim_profile_parse(NULL, &p), -1);
    assert_string_equal(sim_profile_name((enum sim_profile)42), "?");
}

static void test_atr(void **state)
{
    static const uint8_t jpki[] = {0x3B, 0xE0, 0x00, 0xFF, 0x81,
                                   0x31, 0xFE, 0x45, 0x14};
    struct simcard *sc = card(state, SIM_FRESH);
    struct simcard *other = card(state, SIM_FOREIGN);
    size_t n = 0;
    const uint8_t *atr = simcard_atr(sc, &n);

    assert_int_equal(n, sizeof jpki);
    assert_memory_equal(atr, jpki, sizeof jpki);
    atr = simcard_atr(other, &n);
    assert_true(n > 2 && atr[0] == 0x3B);
    assert_false(n == sizeof jpki && memcmp(atr, jpki, n) == 0);
    simcard_free(sc);
    simcard_free(other);
}

/* ---- SELECT ------------------------------------------------------------ */

static void test_select(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    assert_int_equal(sw(sc, SEL_CERT), 0x6A82); /* no application yet */
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01"),
                     0x9000);
    assert_int_equal(
        sw(sc, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 00"), 0x9000);
    /* card-info input support AP: not simulated */
    assert_int_equal(sw(sc, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"),
                     0x6A82);
    assert_int_equal(sw(sc, "00 A4 04 00 07 A0 00 00 03 08 00 00"), 0x6A82);
    assert_int_equal(sw(sc, "00 A4 04 04 0A D3 92 F0 00 26 01 00 00 00 01"),
                     0x6A86);
    assert_int_equal(sw(sc, "00 A4 01 0C 02 00 0A"), 0x6A86);
    assert_int_equal(sw(sc, SEL_CERT), 0x9000);
    assert_int_equal(sw(sc, "00 A4 02 00 02 00 0A"), 0x9000);
    assert_int_equal(sw(sc, "00 A4 02 0C 02 3F 00"), 0x6A82);
    assert_int_equal(sw(sc, "00 A4 02 0C 02 00 09"), 0x6A82);
    assert_int_equal(sw(sc, "00 A4 02 0C 03 00 0A 00 00"), 0x6700);
    assert_int_equal(sw(sc, "00 A4 02 0C 05 00 0A"), 0x6700); /* Lc lies */
    simcard_free(sc);
}

static void test_foreign(void **state)
{
    struct simcard *sc = card(state, SIM_FOREIGN);
    size_t n = 99;

    assert_int_equal(sw(sc, SEL_AP), 0x6A82);
    assert_int_equal(sw(sc, "00 A4 04 00 0A D3 92 F0 00 26 01 00 00 00 01"),
                     0x6A82);
    assert_int_equal(sw(sc, SEL_CERT), 0x6A82);
    assert_int_equal(sw(sc, "00 B0 00 00 00"), 0x6986);
    assert_null(simcard_cert_der(sc, &n));
    assert_int_equal(n, 0);
    simcard_free(sc);

    /* A foreign card needs no CA. */
    char err[128] = "";
    sc = simcard_new(SIM_FOREIGN, NULL, time(NULL), err, sizeof err);
    assert_non_null(sc);
    simcard_free(sc);
}

/* ---- READ BINARY ------------------------------------------------------- */

static void test_token_info(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    uint8_t data[256];
    size_t n = 0;

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_TOKEN), 0x9000);
    assert_int_equal(send_hex(sc, "00 B0 00 00 20", data, &n), 0x9000);
    assert_int_equal(n, 32);
    assert_memory_equal(data, "JPKIAPICCTOKEN2                 ", 32);
    assert_int_equal(send_hex(sc, "00 B0 00 00 00", data, &n), 0x9000);
    assert_int_equal(n, 160);
    assert_int_equal(send_hex(sc, "00 B0 00 A0 01", data, &n), 0x6B00);
    simcard_free(sc);
}

static void test_read_cert_in_chunks(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    size_t len = 0, n = 0, have = 0;
    const uint8_t *der = simcard_cert_der(sc, &len);
    uint8_t data[256], cmd[5] = {0x00, 0xB0, 0, 0, 0x00};
    uint8_t *buf = malloc(len);

    assert_non_null(buf);
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_CERT), 0x9000);
    /* OpenSC's way: 4 bytes at 0 tell the length. */
    assert_int_equal(send_hex(sc, "00 B0 00 00 04", data, &n), 0x9000);
    assert_int_equal(n, 4);
    assert_int_equal(data[0], 0x30);
    assert_int_equal(data[1], 0x82);
    assert_int_equal(4 + (data[2] << 8 | data[3]), len);
    assert_true(len > 512 && len % 256 != 0); /* at least one short chunk */
    while (have < len) {
        cmd[2] = (uint8_t)(have >> 8);
        cmd[3] = (uint8_t)(have & 0xFF);
        assert_int_equal(send_raw(sc, cmd, sizeof cmd, buf + have, &n),
                         0x9000);
        assert_int_equal(n, len - have < 256 ? len - have : 256);
        have += n;
    }
    assert_memory_equal(buf, der, len);
    /* At and past the end. */
    cmd[2] = (uint8_t)(len >> 8);
    cmd[3] = (uint8_t)(len & 0xFF);
    assert_int_equal(send_raw(sc, cmd, sizeof cmd, NULL, NULL), 0x6B00);
    assert_int_equal(sw(sc, "00 B0 7F FF 00"), 0x6B00);
    free(buf);
    simcard_free(sc);
}

static void test_read_refusals(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    assert_int_equal(sw(sc, "00 B0 00 00 00"), 0x6986); /* nothing at all */
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, "00 B0 00 00 00"), 0x6986); /* no EF */
    assert_int_equal(sw(sc, SEL_KEY), 0x9000);
    assert_int_equal(sw(sc, "00 B0 00 00 00"), 0x6986); /* a key */
    assert_int_equal(sw(sc, SEL_CERT), 0x9000);
    assert_int_equal(sw(sc, "00 B0 00 00"), 0x6700);    /* no Le */
    assert_int_equal(sw(sc, "00 B0 00 00 01 00"), 0x6700);
    assert_int_equal(sw(sc, "00 B0 8A 00 00"), 0x6A81); /* SFI */
    simcard_free(sc);
}

static void test_signature_files(void **state)
{
    struct fixture *f = *state;
    struct simcard *sc = card(state, SIM_FRESH);
    uint8_t data[256];
    size_t n = 0;
    unsigned char *ca = NULL;
    int ca_len = i2d_X509(testca_cert(f->ca), &ca);

    assert_true(ca_len > 256);
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_SIGN_CERT), 0x9000);
    assert_int_equal(sw(sc, "00 B0 00 00 04"), 0x6982);
    assert_int_equal(sw(sc, SEL_SIGN_CA), 0x9000);
    assert_int_equal(send_hex(sc, "00 B0 00 00 00", data, &n), 0x9000);
    assert_int_equal(n, 256);
    assert_memory_equal(data, ca, 256);
    assert_int_equal(sw(sc, SEL_CA), 0x9000);
    assert_int_equal(send_hex(sc, "00 B0 00 00 00", data, &n), 0x9000);
    assert_memory_equal(data, ca, 256);

    /* The signature password: 5 tries, 6..16 characters. */
    assert_int_equal(sw(sc, SEL_SIGN_PW), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C5);
    assert_int_equal(sw(sc, "00 20 00 80 05 41 42 43 31 32"), 0x6700);
    assert_int_equal(sw(sc, "00 20 00 80 06 41 42 43 31 32 34"), 0x63C4);
    assert_int_equal(sw(sc, "00 20 00 80 06 41 42 43 31 32 33"), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C5);
    assert_int_equal(sw(sc, SEL_SIGN_CERT), 0x9000);
    assert_int_equal(send_hex(sc, "00 B0 00 00 04", data, &n), 0x9000);
    assert_int_equal(data[0], 0x30);
    OPENSSL_free(ca);
    simcard_free(sc);
}

/* ---- other instructions and classes ------------------------------------ */

static void test_unknown_commands(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    assert_int_equal(sw(sc, "00 CA DF 30 05"), 0x6D00);
    assert_int_equal(sw(sc, "00 CB 3F FF 04 5C 02 DF 20 00"), 0x6D00);
    assert_int_equal(sw(sc, "00 C0 00 00 10"), 0x6D00);
    assert_int_equal(sw(sc, "00 88 00 00 04 01 02 03 04 00"), 0x6D00);
    assert_int_equal(sw(sc, "80 B0 00 00 00"), 0x6D00);
    assert_int_equal(sw(sc, "00 2A 00 80 01 01 00"), 0x6D00);
    assert_int_equal(sw(sc, "A0 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"),
                     0x6E00);
    assert_int_equal(sw(sc, "0C B0 00 00 00"), 0x6E00);
    assert_int_equal(sw(sc, "00 A4 04"), 0x6700);
    assert_int_equal(sw(sc, ""), 0x6700);
    /* Short APDUs only: an extended Lc is malformed. */
    assert_int_equal(
        sw(sc, "00 A4 04 0C 00 00 0A D3 92 F0 00 26 01 00 00 00 01"), 0x6700);
    simcard_free(sc);
}

/* ---- VERIFY ------------------------------------------------------------ */

static void test_verify_forms(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x6986); /* no PIN EF selected */
    assert_int_equal(sw(sc, SEL_CERT), 0x9000);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x6986);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C3);
    assert_int_equal(sw(sc, "00 20 00 80 00"), 0x6700); /* query with Le */
    assert_int_equal(sw(sc, "00 20 00 80 03 31 32 33"), 0x6700);
    assert_int_equal(sw(sc, "00 20 00 80 05 31 32 33 34 35"), 0x6700);
    assert_int_equal(sw(sc, "00 20 00 80 04 31 32 33"), 0x6700); /* Lc lies */
    assert_int_equal(sw(sc, "00 20 00 80 04 31 32 33 34 00"), 0x6700);
    assert_int_equal(sw(sc, "00 20 00 81 04 31 32 33 34"), 0x6A86);
    assert_int_equal(sw(sc, "00 20 01 80 04 31 32 33 34"), 0x6A86);
    /* None of that spent a try. */
    assert_int_equal(sw(sc, TRIES), 0x63C3);
    simcard_free(sc);
}

static void test_verify_wrong_then_right(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, PIN_WRONG), 0x63C2);
    assert_int_equal(sw(sc, TRIES), 0x63C2);
    assert_int_equal(sw(sc, PIN_WRONG), 0x63C1);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C3);
    simcard_free(sc);
}

static void test_verify_last_try_blocks(void **state)
{
    struct simcard *sc = card(state, SIM_LAST_TRY);

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C1);
    assert_int_equal(sw(sc, PIN_WRONG), 0x63C0);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x6984);
    assert_int_equal(sw(sc, PIN_WRONG), 0x6984);
    assert_int_equal(sw(sc, "00 20 00 80 03 31 32 33"), 0x6984);
    assert_int_equal(sw(sc, TRIES), 0x63C0);
    /* Still blocked after a power cycle. */
    simcard_set_present(sc, false);
    simcard_set_present(sc, true);
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C0);
    simcard_free(sc);
}

static void test_verify_locked(void **state)
{
    struct simcard *sc = card(state, SIM_LOCKED);

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, TRIES), 0x63C0);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x6984);
    assert_int_equal(sw(sc, SEL_KEY), 0x9000);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x6982);
    simcard_free(sc);
}

static void test_tries_per_profile(void **state)
{
    static const struct {
        enum sim_profile p;
        uint16_t sw;
    } cases[] = {{SIM_FRESH, 0x63C3},    {SIM_RENEW, 0x63C3},
                 {SIM_EXPIRED, 0x63C3},  {SIM_LAST_TRY, 0x63C1},
                 {SIM_LOCKED, 0x63C0}};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct simcard *sc = card(state, cases[i].p);

        assert_int_equal(sw(sc, SEL_AP), 0x9000);
        assert_int_equal(sw(sc, SEL_PIN), 0x9000);
        assert_int_equal(sw(sc, TRIES), cases[i].sw);
        simcard_free(sc);
    }
}

/* ---- COMPUTE SIGNATURE -------------------------------------------------- */

static void test_sign_refusals(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    uint8_t cmd[300];
    size_t n = 0;

    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_KEY), 0x9000);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x6982); /* no PIN */
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x9000);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x6986); /* EF: PIN */
    assert_int_equal(sw(sc, SEL_KEY), 0x9000);
    assert_int_equal(sw(sc, "80 2A 01 80 01 01 00"), 0x6A86);
    assert_int_equal(sw(sc, "80 2A 00 81 01 01 00"), 0x6A86);
    assert_int_equal(sw(sc, "80 2A 00 80 00"), 0x6700);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01 01"), 0x6700); /* Le 1 */
    sign_apdu(cmd, &n, 246, 0x11);
    assert_int_equal(send_raw(sc, cmd, n, NULL, NULL), 0x6700);
    sign_apdu(cmd, &n, 245, 0x11);
    assert_int_equal(send_raw(sc, cmd, n, NULL, NULL), 0x9000);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01"), 0x9000); /* no Le: ok */

    /* The signature key needs the signature password, not the PIN. */
    assert_int_equal(sw(sc, SEL_SIGN_KEY), 0x9000);
    assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x6982);
    simcard_free(sc);
}

/* Selecting the application, a reset and a power cycle log out. */
static void test_sign_logout(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);

    for (int how = 0; how < 3; how++) {
        assert_int_equal(sw(sc, SEL_AP), 0x9000);
        assert_int_equal(sw(sc, SEL_PIN), 0x9000);
        assert_int_equal(sw(sc, PIN_RIGHT), 0x9000);
        assert_int_equal(sw(sc, SEL_KEY), 0x9000);
        assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x9000);
        if (how == 0) {
            assert_int_equal(sw(sc, SEL_AP), 0x9000);
        } else if (how == 1) {
            simcard_reset(sc);
            assert_int_equal(sw(sc, SEL_KEY), 0x6A82); /* AP dropped too */
            assert_int_equal(sw(sc, SEL_AP), 0x9000);
        } else {
            simcard_set_present(sc, false);
            simcard_set_present(sc, true);
            assert_int_equal(sw(sc, SEL_AP), 0x9000);
        }
        assert_int_equal(sw(sc, SEL_KEY), 0x9000);
        assert_int_equal(sw(sc, "80 2A 00 80 01 01 00"), 0x6982);
    }
    simcard_free(sc);
}

static void test_sign_is_pkcs1_type1(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    X509 *x = card_cert(sc);
    EVP_PKEY *pub = X509_get0_pubkey(x);
    static const char di_hex[] = /* DigestInfo(SHA-256, 32 x AB) */
        "30 31 30 0D 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20"
        "AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB"
        "AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB AB";
    uint8_t di[64], sig[256], rec[256], cmd[300];
    size_t di_len = unhex(di_hex, di, sizeof di), n = 0, rec_len = sizeof rec;

    assert_int_equal(di_len, 51);
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x9000);
    assert_int_equal(sw(sc, SEL_KEY), 0x9000);
    memcpy(cmd, "\x80\x2A\x00\x80\x33", 5);
    memcpy(cmd + 5, di, di_len);
    cmd[5 + di_len] = 0x00;
    assert_int_equal(send_raw(sc, cmd, 6 + di_len, sig, &n), 0x9000);
    assert_int_equal(n, 256);

    /* Raw public operation: 00 01 FF .. FF 00 DigestInfo. */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_verify_recover_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    assert_int_equal(EVP_PKEY_verify_recover(ctx, rec, &rec_len, sig, n), 1);
    assert_int_equal(rec_len, 256);
    assert_int_equal(rec[0], 0x00);
    assert_int_equal(rec[1], 0x01);
    for (size_t i = 2; i < 256 - di_len - 1; i++)
        assert_int_equal(rec[i], 0xFF);
    assert_int_equal(rec[256 - di_len - 1], 0x00);
    assert_memory_equal(rec + 256 - di_len, di, di_len);
    EVP_PKEY_CTX_free(ctx);
    X509_free(x);
    simcard_free(sc);
}

/* ---- presence, the card_io, the pull hook, the log ---------------------- */

static int io_sw(const struct card_io *io, const char *hex, uint16_t *swp)
{
    uint8_t cmd[300], resp[SIMCARD_RESP_MAX];
    size_t n = unhex(hex, cmd, sizeof cmd), rn = 0;
    int rc = io->transmit(io->ctx, cmd, n, resp, sizeof resp, &rn);

    if (rc == CARD_OK) {
        assert_true(rn >= 2);
        *swp = (uint16_t)(resp[rn - 2] << 8 | resp[rn - 1]);
    }
    return rc;
}

static void test_presence_and_pull(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    uint16_t s = 0;

    assert_true(simcard_present(sc));
    assert_int_equal(io_sw(&io, SEL_AP, &s), CARD_OK);
    assert_int_equal(s, 0x9000);
    assert_int_equal(simcard_apdu_count(sc), 1);
    simcard_set_present(sc, false);
    assert_false(simcard_present(sc));
    assert_int_equal(io_sw(&io, SEL_AP, &s), CARD_GONE);
    assert_int_equal(simcard_apdu_count(sc), 1);
    simcard_set_present(sc, true);
    assert_int_equal(io_sw(&io, SEL_PIN, &s), CARD_OK);
    assert_int_equal(s, 0x6A82); /* power cycle: no application */

    simcard_pull_after(sc, 2);
    assert_int_equal(io_sw(&io, SEL_AP, &s), CARD_OK);
    assert_int_equal(io_sw(&io, SEL_PIN, &s), CARD_OK);
    assert_true(simcard_present(sc));
    assert_int_equal(io_sw(&io, TRIES, &s), CARD_GONE);
    assert_false(simcard_present(sc));
    simcard_set_present(sc, true);
    assert_int_equal(io_sw(&io, TRIES, &s), CARD_OK); /* hook disarmed */
    assert_int_equal(s, 0x6986);                      /* and state cleared */

    simcard_pull_after(sc, 0);
    assert_int_equal(io_sw(&io, SEL_AP, &s), CARD_GONE);
    simcard_set_present(sc, true);
    simcard_pull_after(sc, 1);
    simcard_pull_after(sc, -1);
    for (int i = 0; i < 3; i++)
        assert_int_equal(io_sw(&io, SEL_AP, &s), CARD_OK);
    assert_int_equal(simcard_apdu_count(sc), 8);

    /* A response buffer too small: an I/O error, not a overflow. */
    uint8_t cmd[5], small[8];
    size_t rn = 0;
    assert_int_equal(io_sw(&io, SEL_CERT, &s), CARD_OK);
    size_t n = unhex("00 B0 00 00 00", cmd, sizeof cmd);
    assert_int_equal(io.transmit(io.ctx, cmd, n, small, sizeof small, &rn),
                     CARD_IO_ERROR);
    assert_int_equal(simcard_process(sc, cmd, n, small, sizeof small, &rn), -1);
    simcard_free(sc);
}

static void test_log(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    assert_non_null(f);
    simcard_set_log(sc, f);
    assert_int_equal(sw(sc, SEL_AP), 0x9000);
    assert_int_equal(sw(sc, SEL_PIN), 0x9000);
    assert_int_equal(sw(sc, PIN_WRONG), 0x63C2);
    assert_int_equal(sw(sc, PIN_RIGHT), 0x9000);
    simcard_set_present(sc, false);
    simcard_set_log(sc, NULL);
    assert_int_equal(sw(sc, SEL_AP), 0x9000); /* not logged */
    fclose(f);
    assert_string_equal(text,
                        "> " SEL_AP "\n< 90 00\n"
                        "> " SEL_PIN "\n< 90 00\n"
                        "> 00 20 00 80 04 XX XX XX XX\n< 63 C2\n"
                        "> 00 20 00 80 04 XX XX XX XX\n< 90 00\n"
                        "# removed\n");
    free(text);
    simcard_free(sc);
}

/* ---- the test CA and the cards' certificates ---------------------------- */

static bool ends_at_1459_59z(time_t t)
{
    return t % DAY == 14 * 3600 + 59 * 60 + 59;
}

static void test_ca_cert(void **state)
{
    struct fixture *f = *state;
    X509 *ca = testca_cert(f->ca);
    char subject[256];
    int crit = -1;
    time_t now = time(NULL);

    X509_NAME_oneline(X509_get_subject_name(ca), subject, sizeof subject);
    assert_string_equal(subject,
                        "/C=JP/O=JPKI-TEST/OU=JPKI for user authentication"
                        "/OU=Japan Agency for Local Authority Information "
                        "Systems");
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(ca),
                                   X509_get_issuer_name(ca)), 0);
    assert_int_equal(X509_verify(ca, X509_get0_pubkey(ca)), 1);
    assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(ca)), 2048);
    assert_int_equal(X509_get_signature_nid(ca), NID_sha256WithRSAEncryption);

    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(ca, NID_basic_constraints, &crit,
                                             NULL);
    assert_non_null(bc);
    assert_int_equal(crit, 1);
    assert_true(bc->ca);
    BASIC_CONSTRAINTS_free(bc);
    assert_int_equal(X509_get_key_usage(ca), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
    ASN1_BIT_STRING *ku = X509_get_ext_d2i(ca, NID_key_usage, &crit, NULL);
    assert_non_null(ku);
    assert_int_equal(crit, 1);
    ASN1_BIT_STRING_free(ku);

    time_t nb = to_time(X509_get0_notBefore(ca));
    time_t na = to_time(X509_get0_notAfter(ca));
    assert_true(nb < now - 400 * DAY && nb > now - 3 * 365 * DAY);
    assert_true(na > now + 9 * 365 * DAY && na < now + 11 * 365 * DAY);
    assert_true(ends_at_1459_59z(na));
}

static void test_card_cert(void **state)
{
    struct fixture *f = *state;
    struct simcard *a = card(state, SIM_FRESH), *b = card(state, SIM_FRESH);
    X509 *x = card_cert(a), *y = card_cert(b);
    int crit = -1;

    X509_NAME *subj = X509_get_subject_name(x);
    assert_int_equal(X509_NAME_entry_count(subj), 2);
    assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(
                         X509_NAME_get_entry(subj, 0))), NID_countryName);
    char cn[64] = "";
    assert_int_equal(X509_NAME_get_text_by_NID(subj, NID_commonName, cn,
                                               sizeof cn), TESTCA_CN_LEN);
    for (size_t i = 0; i < TESTCA_CN_LEN; i++)
        assert_non_null(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", cn[i]));
    assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x),
                                   X509_get_subject_name(testca_cert(f->ca))),
                     0);
    assert_int_equal(X509_get_signature_nid(x), NID_sha256WithRSAEncryption);
    assert_int_equal(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE);
    ASN1_BIT_STRING *ku = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
    assert_non_null(ku);
    assert_int_equal(crit, 1);
    ASN1_BIT_STRING_free(ku);
    assert_int_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
                                      X509_get0_serialNumber(y)) != 0, 1);
    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    assert_false(BN_is_negative(serial));
    assert_false(BN_is_zero(serial));
    BN_free(serial);

    /* It chains to the CA, now. */
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_int_equal(X509_STORE_add_cert(store, testca_cert(f->ca)), 1);
    assert_int_equal(X509_STORE_CTX_init(ctx, store, x, NULL), 1);
    assert_int_equal(X509_verify_cert(ctx), 1);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    X509_free(x);
    X509_free(y);
    simcard_free(a);
    simcard_free(b);
}

static void test_profile_dates(void **state)
{
    time_t now = 1767225600 + 12345; /* 2026-01-01, 03:25:45Z */
    struct simcard *fresh = card_at(state, SIM_FRESH, now);
    struct simcard *renew = card_at(state, SIM_RENEW, now);
    struct simcard *expired = card_at(state, SIM_EXPIRED, now);
    X509 *xf = card_cert(fresh), *xr = card_cert(renew);
    X509 *xe = card_cert(expired);

    /* Fresh: 2030-02-17 23:59:59 in Japan. */
    assert_int_equal(to_time(X509_get0_notAfter(xf)), 1897570799);
    assert_int_equal(to_time(X509_get0_notBefore(xf)), now - 400 * DAY);
    /* Renew: the Japan day 45 days ahead, to its last second. */
    time_t na = to_time(X509_get0_notAfter(xr));
    assert_true(ends_at_1459_59z(na));
    assert_true(na > now + 45 * DAY && na <= now + 46 * DAY);
    /* Expired 20 days ago. */
    na = to_time(X509_get0_notAfter(xe));
    assert_true(ends_at_1459_59z(na));
    assert_true(na < now - 19 * DAY && na >= now - 21 * DAY);
    assert_true(na < now);
    assert_int_equal(jst_day_end(now), 1767279599); /* 01-01 14:59:59Z */
    assert_int_equal(jst_day_end(1767279600), 1767279599 + DAY);
    X509_free(xf);
    X509_free(xr);
    X509_free(xe);
    simcard_free(fresh);
    simcard_free(renew);
    simcard_free(expired);
}

static void test_write_pem(void **state)
{
    struct fixture *f = *state;
    char path[] = "/tmp/test_simcard_ca_XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(testca_write_pem(f->ca, path), 0);
    FILE *in = fopen(path, "r");
    assert_non_null(in);
    X509 *x = PEM_read_X509(in, NULL, NULL, NULL);
    fclose(in);
    unlink(path);
    assert_non_null(x);
    assert_int_equal(X509_cmp(x, testca_cert(f->ca)), 0);
    X509_free(x);
    assert_int_equal(testca_write_pem(f->ca, "/nonexistent/dir/ca.pem"), -1);
}

static void test_simcard_new_makes_a_key(void **state)
{
    struct fixture *f = *state;
    char err[256] = "";
    struct simcard *sc = simcard_new(SIM_FRESH, f->ca, time(NULL), err,
                                     sizeof err);

    assert_non_null(sc);
    X509 *x = card_cert(sc);
    assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 2048);
    assert_int_not_equal(EVP_PKEY_eq(X509_get0_pubkey(x), f->key), 1);
    X509_free(x);
    simcard_free(sc);
    assert_null(simcard_new(SIM_FRESH, NULL, time(NULL), err, sizeof err));
    assert_true(err[0] != '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile_names),
        cmocka_unit_test(test_atr),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_token_info),
        cmocka_unit_test(test_read_cert_in_chunks),
        cmocka_unit_test(test_read_refusals),
        cmocka_unit_test(test_signature_files),
        cmocka_unit_test(test_unknown_commands),
        cmocka_unit_test(test_verify_forms),
        cmocka_unit_test(test_verify_wrong_then_right),
        cmocka_unit_test(test_verify_last_try_blocks),
        cmocka_unit_test(test_verify_locked),
        cmocka_unit_test(test_tries_per_profile),
        cmocka_unit_test(test_sign_refusals),
        cmocka_unit_test(test_sign_logout),
        cmocka_unit_test(test_sign_is_pkcs1_type1),
        cmocka_unit_test(test_presence_and_pull),
        cmocka_unit_test(test_log),
        cmocka_unit_test(test_ca_cert),
        cmocka_unit_test(test_card_cert),
        cmocka_unit_test(test_profile_dates),
        cmocka_unit_test(test_write_pem),
        cmocka_unit_test(test_simcard_new_makes_a_key),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
