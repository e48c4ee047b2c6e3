/*
 * test_jpki.c - the JPKI client (reader/jpki.c) and the APDU layer
 * (reader/apdu.c): against the simulated card, against a card pulled at
 * every step, and against scripted cards that answer what the simulator
 * never does (61 xx, 6C xx, 90 00 to the tries query, broken data).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "reader/apdu.h"
#include "reader/jpki.h"
#include "reader/simcard.h"
#include "reader/testca.h"

/* ---- fixture: one CA and one card key for the program ------------------ */

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

static struct simcard *card(void **state, enum sim_profile p)
{
    struct fixture *f = *state;
    char err[256] = "";
    struct simcard *sc = simcard_new_with_key(p, f->ca, f->key, time(NULL),
                                              err, sizeof err);

    if (sc == NULL)
        fail_msg("simcard_new_with_key: %s", err);
    return sc;
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

/* DigestInfo(SHA-256, msg): the fixed 19-byte prefix (jpki.md) + hash. */
#define DI_LEN 51

static void digest_info(const void *msg, size_t n, uint8_t out[DI_LEN])
{
    static const uint8_t prefix[19] = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60,
                                       0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                       0x01, 0x05, 0x00, 0x04, 0x20};
    unsigned int hlen = 0;

    memcpy(out, prefix, sizeof prefix);
    assert_int_equal(EVP_Digest(msg, n, out + sizeof prefix, &hlen,
                                EVP_sha256(), NULL), 1);
    assert_int_equal(hlen, DI_LEN - sizeof prefix);
}

/* The read of a card: ceil(len / 256) READ BINARYs plus 4 other APDUs. */
static unsigned read_apdus(size_t cert_len)
{
    return 4 + (unsigned)((cert_len + 255) / 256);
}

/* ---- a scripted card: each step checks the command, gives the answer ---- */

struct step {
    const char *cmd;  /* expected command, hex; NULL: anything */
    size_t fill;      /* answer starts with this many bytes i & 0xFF */
    const char *resp; /* then these (hex): data tail and SW1 SW2 */
    int rc;           /* CARD_OK, or what transmit returns instead */
};

struct script {
    const struct step *steps;
    size_t n, at;
};

static int script_transmit(void *ctx, const uint8_t *cmd, size_t n,
                           uint8_t *resp, size_t cap, size_t *rn)
{
    struct script *s = ctx;
    uint8_t want[300];

    assert_true(s->at < s->n);
    const struct step *st = &s->steps[s->at++];
    if (st->cmd != NULL) {
        size_t wn = unhex(st->cmd, want, sizeof want);
        assert_int_equal(n, wn);
        assert_memory_equal(cmd, want, wn);
    }
    if (st->rc != CARD_OK)
        return st->rc;
    assert_true(st->fill <= cap);
    for (size_t i = 0; i < st->fill; i++)
        resp[i] = (uint8_t)(i & 0xFF);
    *rn = st->fill + unhex(st->resp, resp + st->fill, cap - st->fill);
    return CARD_OK;
}

#define SCRIPT_IO(io, s, ...)                                               \
    static const struct step s##_steps[] = {__VA_ARGS__};                   \
    struct script s = {s##_steps, sizeof s##_steps / sizeof s##_steps[0], 0}; \
    struct card_io io = {script_transmit, &s}

static int transmit_hex(const struct card_io *io, const char *hex,
                        struct apdu_resp *r)
{
    uint8_t cmd[300];

    return apdu_transmit(io, cmd, unhex(hex, cmd, sizeof cmd), r);
}

/* ---- a card with one APDU's answer replaced ---------------------------- */

struct tamper {
    struct card_io inner;
    unsigned at, seen; /* replace the at-th APDU (from 0) */
    int rc;            /* return this instead of forwarding */
    uint8_t resp[300]; /* with this answer, when rc is CARD_OK */
    size_t rn;
};

static int tamper_transmit(void *ctx, const uint8_t *cmd, size_t n,
                           uint8_t *resp, size_t cap, size_t *rn)
{
    struct tamper *t = ctx;

    if (t->seen++ != t->at)
        return t->inner.transmit(t->inner.ctx, cmd, n, resp, cap, rn);
    if (t->rc != CARD_OK)
        return t->rc;
    assert_true(t->rn <= cap);
    memcpy(resp, t->resp, t->rn);
    *rn = t->rn;
    return CARD_OK;
}

static struct card_io tamper_io(struct tamper *t, struct simcard *sc,
                                unsigned at, int rc, const char *hex)
{
    *t = (struct tamper){.inner = simcard_io(sc), .at = at, .rc = rc};
    if (hex != NULL)
        t->rn = unhex(hex, t->resp, sizeof t->resp);
    return (struct card_io){tamper_transmit, t};
}

/* ---- apdu.c ------------------------------------------------------------ */

static void test_apdu_build(void **state)
{
    uint8_t out[APDU_CMD_MAX], data[255] = {1, 2, 3};

    (void)state;
    assert_int_equal(apdu_build(out, sizeof out, 0, 0x20, 0, 0x80, NULL, 0, 0),
                     4);
    assert_int_equal(apdu_build(out, sizeof out, 0, 0xB0, 1, 2, NULL, 0, 256),
                     5);
    assert_memory_equal(out, "\x00\xB0\x01\x02\x00", 5);
    assert_int_equal(apdu_build(out, sizeof out, 0x80, 0x2A, 0, 0x80, data, 3,
                                256), 9);
    assert_memory_equal(out, "\x80\x2A\x00\x80\x03\x01\x02\x03\x00", 9);
    assert_int_equal(apdu_build(out, sizeof out, 0, 0xA4, 2, 0x0C, data, 2, 0),
                     7);
    assert_int_equal(apdu_build(out, sizeof out, 0, 0xB0, 0, 0, NULL, 0, 0x20),
                     5);
    assert_int_equal(out[4], 0x20);
    assert_int_equal(apdu_build(out, sizeof out, 0, 1, 2, 3, data, 255, 256),
                     APDU_CMD_MAX);
    assert_int_equal(apdu_build(out, sizeof out, 0, 1, 2, 3, data, 256, 0), 0);
    assert_int_equal(apdu_build(out, sizeof out, 0, 1, 2, 3, NULL, 0, 257), 0);
    assert_int_equal(apdu_build(out, sizeof out, 0, 1, 2, 3, NULL, 2, 0), 0);
    assert_int_equal(apdu_build(out, 6, 0, 1, 2, 3, data, 2, 0), 0);
}

static void test_apdu_plain(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s, {"00 B0 00 00 04", 0, "30 82 05 00 90 00", CARD_OK});

    (void)state;
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 04", &r), CARD_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(r.len, 4);
    assert_memory_equal(r.data, "\x30\x82\x05\x00", 4);
    assert_int_equal(s.at, s.n);
}

static void test_apdu_get_response(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s,
              {"80 2A 00 80 03 01 02 03 00", 0, "61 00", CARD_OK},
              {"00 C0 00 00 00", 256, "61 10", CARD_OK},
              {"00 C0 00 00 10", 0,
               "AA AA AA AA AA AA AA AA AA AA AA AA AA AA AA AA 90 00",
               CARD_OK});

    (void)state;
    assert_int_equal(transmit_hex(&io, "80 2A 00 80 03 01 02 03 00", &r),
                     CARD_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(r.len, 272);
    for (size_t i = 0; i < 256; i++)
        assert_int_equal(r.data[i], i);
    for (size_t i = 256; i < 272; i++)
        assert_int_equal(r.data[i], 0xAA);
    assert_int_equal(s.at, s.n);
}

/* T=1 cards may send data together with 61 xx: keep it. */
static void test_apdu_get_response_keeps_data(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s, {"00 B0 00 00 00", 0, "01 02 61 02", CARD_OK},
              {"00 C0 00 00 02", 0, "03 04 62 82", CARD_OK});

    (void)state;
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_OK);
    assert_int_equal(r.sw, 0x6282);
    assert_int_equal(r.len, 4);
    assert_memory_equal(r.data, "\x01\x02\x03\x04", 4);
    assert_int_equal(s.at, s.n);
}

/* 6C xx: the same command again with Le = xx, whatever case it was. */
static void test_apdu_wrong_le(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s,
              {"00 B0 00 00 00", 0, "6C 10", CARD_OK},       /* case 2 */
              {"00 B0 00 00 10", 16, "90 00", CARD_OK},
              {"00 20 00 80", 0, "6C 05", CARD_OK},          /* case 1 */
              {"00 20 00 80 05", 0, "63 C3", CARD_OK},
              {"00 A4 02 0C 02 00 0A", 0, "6C 00", CARD_OK}, /* case 3 */
              {"00 A4 02 0C 02 00 0A 00", 0, "90 00", CARD_OK},
              {"80 2A 00 80 01 01 00", 0, "EE 6C 80", CARD_OK}, /* case 4 */
              {"80 2A 00 80 01 01 80", 0, "6C 7F", CARD_OK},    /* again */
              {"80 2A 00 80 01 01 7F", 0, "61 01", CARD_OK},
              {"00 C0 00 00 01", 0, "55 6C 02", CARD_OK},       /* and GR */
              {"00 C0 00 00 02", 0, "56 57 90 00", CARD_OK});

    (void)state;
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(r.len, 16);
    assert_int_equal(transmit_hex(&io, "00 20 00 80", &r), CARD_OK);
    assert_int_equal(r.sw, 0x63C3);
    assert_int_equal(r.len, 0);
    assert_int_equal(transmit_hex(&io, "00 A4 02 0C 02 00 0A", &r), CARD_OK);
    assert_int_equal(r.sw, 0x9000);
    /* Data that came with a 6C is not part of the answer. */
    assert_int_equal(transmit_hex(&io, "80 2A 00 80 01 01 00", &r), CARD_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(r.len, 2);
    assert_memory_equal(r.data, "\x56\x57", 2);
    assert_int_equal(s.at, s.n);
}

/* An extended APDU cannot take a one-byte Le: the 6C comes back. */
static void test_apdu_wrong_le_not_short(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s, {"00 B0 00 00 00 01 00", 0, "6C 10", CARD_OK});

    (void)state;
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00 01 00", &r), CARD_OK);
    assert_int_equal(r.sw, 0x6C10);
    assert_int_equal(s.at, s.n);
}

static void test_apdu_round_limit(void **state)
{
    struct apdu_resp r;
    static const struct step endless = {NULL, 0, "99 61 01", CARD_OK};
    struct step steps[APDU_ROUNDS_MAX + 5];

    (void)state;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        steps[i] = endless;
    struct script s = {steps, sizeof steps / sizeof steps[0], 0};
    struct card_io io = {script_transmit, &s};
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(s.at, APDU_ROUNDS_MAX);
}

static void test_apdu_overflow(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s, {NULL, 256, "61 00", CARD_OK},
              {"00 C0 00 00 00", 256, "61 00", CARD_OK},
              {"00 C0 00 00 00", 256, "61 00", CARD_OK},
              {"00 C0 00 00 00", 256, "61 00", CARD_OK},
              {"00 C0 00 00 00", 1, "90 00", CARD_OK});

    (void)state;
    assert_int_equal(APDU_DATA_MAX, 1024);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(s.at, s.n);
}

static void test_apdu_transport_failures(void **state)
{
    struct apdu_resp r;
    SCRIPT_IO(io, s, {NULL, 0, "90", CARD_OK},            /* 1 byte */
              {NULL, 0, "", CARD_OK},                     /* nothing */
              {NULL, 0, "", CARD_GONE},
              {NULL, 0, "", CARD_IO_ERROR},
              {NULL, 0, "61 10", CARD_OK},
              {"00 C0 00 00 10", 0, "", CARD_GONE},       /* mid-chain */
              {NULL, 0, "", 7});                          /* nonsense rc */

    (void)state;
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_GONE);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_GONE);
    assert_int_equal(transmit_hex(&io, "00 B0 00 00 00", &r), CARD_IO_ERROR);
    assert_int_equal(s.at, s.n);
    /* Refused before anything is sent. */
    assert_int_equal(transmit_hex(&io, "00 B0 00", &r), CARD_IO_ERROR);
    assert_int_equal(apdu_transmit(NULL, (const uint8_t *)"\0\0\0\0", 4, &r),
                     CARD_IO_ERROR);
    assert_int_equal(s.at, s.n);
}

static void test_apdu_sw_text(void **state)
{
    (void)state;
    assert_string_equal(apdu_sw_text(0x9000), "success");
    assert_string_equal(apdu_sw_text(0x6982), "security status not satisfied");
    assert_string_equal(apdu_sw_text(0x6A82), "file or application not found");
    assert_non_null(strstr(apdu_sw_text(0x63C2), "tries left"));
    assert_non_null(strstr(apdu_sw_text(0x6110), "GET RESPONSE"));
    assert_non_null(strstr(apdu_sw_text(0x6C10), "wrong Le"));
    assert_string_equal(apdu_sw_text(0x1234), "unknown status word");
}

/* ---- jpki.c against the simulated card ---------------------------------- */

static void test_rc_names(void **state)
{
    (void)state;
    assert_string_equal(jpki_rc_name(JPKI_OK), "ok");
    assert_string_equal(jpki_rc_name(JPKI_NOT_JPKI), "not-jpki");
    assert_string_equal(jpki_rc_name(JPKI_GONE), "gone");
    assert_string_equal(jpki_rc_name(JPKI_IO), "io");
    assert_string_equal(jpki_rc_name(JPKI_BAD), "bad");
    assert_string_equal(jpki_rc_name((enum jpki_rc)99), "?");
}

/* The commands of a read, as the simulator logs them. */
static char *expected_read_log(size_t len)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);

    assert_non_null(f);
    fputs("> 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01\n"
          "> 00 A4 02 0C 02 00 0A\n",
          f);
    for (size_t off = 0; off < len; off += 256) {
        size_t le = off == 0 || len - off >= 256 ? 0 : len - off;
        fprintf(f, "> 00 B0 %02X %02X %02X\n", (unsigned)(off >> 8),
                (unsigned)(off & 0xFF), (unsigned)le);
    }
    fputs("> 00 A4 02 0C 02 00 18\n> 00 20 00 80\n", f);
    fclose(f);
    return text;
}

/* Only the command lines of a simulator log. */
static char *commands_of(const char *log)
{
    char *out = calloc(1, strlen(log) + 1), *o = out;

    assert_non_null(out);
    for (const char *line = log; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t n = end != NULL ? (size_t)(end - line) + 1 : strlen(line);
        if (line[0] == '>') {
            memcpy(o, line, n);
            o += n;
        }
        line += n;
    }
    return out;
}

static void test_read_card(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    size_t want_len = 0, len = 0, size = 0;
    const uint8_t *want = simcard_cert_der(sc, &want_len);
    uint8_t *cert = NULL;
    int tries = -1;
    char *log = NULL;
    FILE *f = open_memstream(&log, &size);

    assert_non_null(f);
    simcard_set_log(sc, f);
    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
    simcard_set_log(sc, NULL);
    fclose(f);
    assert_int_equal(len, want_len);
    assert_memory_equal(cert, want, len);
    assert_int_equal(tries, 3);
    /* The fewest APDUs, exactly these; no 4-byte length probe. */
    assert_true(want_len > 256);
    assert_int_equal(simcard_apdu_count(sc), read_apdus(want_len));
    char *cmds = commands_of(log), *expected = expected_read_log(want_len);
    assert_string_equal(cmds, expected);
    free(cmds);
    free(expected);
    free(log);
    free(cert);
    simcard_free(sc);
}

static void test_read_card_profiles(void **state)
{
    static const struct {
        enum sim_profile p;
        int tries;
    } cases[] = {{SIM_FRESH, 3}, {SIM_RENEW, 3},  {SIM_EXPIRED, 3},
                 {SIM_LAST_TRY, 1}, {SIM_LOCKED, 0}};

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct simcard *sc = card(state, cases[i].p);
        struct card_io io = simcard_io(sc);
        uint8_t *cert = NULL;
        size_t len = 0;
        int tries = -1;

        assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_OK);
        assert_int_equal(tries, cases[i].tries);
        assert_non_null(cert);
        free(cert);
        tries = -1;
        assert_int_equal(jpki_tries(&io, &tries), JPKI_OK);
        assert_int_equal(tries, cases[i].tries);
        simcard_free(sc);
    }
}

static void test_read_card_foreign(void **state)
{
    struct simcard *sc = card(state, SIM_FOREIGN);
    struct card_io io = simcard_io(sc);
    static uint8_t sentinel[1];
    uint8_t *cert = sentinel;
    size_t len = 99;
    int tries = 99;

    assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_NOT_JPKI);
    assert_null(cert);
    assert_int_equal(len, 0);
    assert_int_equal(tries, 99);
    assert_int_equal(simcard_apdu_count(sc), 1);
    simcard_free(sc);
}

/* Read the card (selecting the application); its tries. */
static int read_tries(const struct card_io *io)
{
    uint8_t *cert = NULL;
    size_t len = 0;
    int tries = -1;

    assert_int_equal(jpki_read_card(io, &cert, &len, &tries), JPKI_OK);
    free(cert);
    return tries;
}

static void test_verify_wrong_then_right(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res = JPKI_PIN_OK;
    int tries = -1;

    assert_int_equal(read_tries(&io), 3);
    assert_int_equal(jpki_verify_pin(&io, "0000", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_WRONG);
    assert_int_equal(tries, 2);
    assert_int_equal(jpki_tries(&io, &tries), JPKI_OK);
    assert_int_equal(tries, 2);
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_OK);
    assert_int_equal(tries, 3);
    assert_int_equal(jpki_tries(&io, &tries), JPKI_OK);
    assert_int_equal(tries, 3);
    simcard_free(sc);
}

static void test_verify_last_try(void **state)
{
    struct simcard *sc = card(state, SIM_LAST_TRY);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res = JPKI_PIN_OK;
    int tries = -1;
    char *log = NULL;
    size_t size = 0;

    assert_int_equal(read_tries(&io), 1);
    FILE *f = open_memstream(&log, &size);
    assert_non_null(f);
    simcard_set_log(sc, f);
    assert_int_equal(jpki_verify_pin(&io, "9999", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_BLOCKED);
    assert_int_equal(tries, 0);
    tries = -1;
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_BLOCKED);
    assert_int_equal(tries, 0);
    simcard_set_log(sc, NULL);
    fclose(f);
    /* The card said 63 C0 on the blocking try, 69 84 after. */
    assert_string_equal(log, "> 00 A4 02 0C 02 00 18\n< 90 00\n"
                             "> 00 20 00 80 04 XX XX XX XX\n< 63 C0\n"
                             "> 00 A4 02 0C 02 00 18\n< 90 00\n"
                             "> 00 20 00 80 04 XX XX XX XX\n< 69 84\n");
    assert_int_equal(jpki_tries(&io, &tries), JPKI_OK);
    assert_int_equal(tries, 0);
    free(log);
    simcard_free(sc);
}

static void test_verify_locked(void **state)
{
    struct simcard *sc = card(state, SIM_LOCKED);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res = JPKI_PIN_OK;
    int tries = -1;

    assert_int_equal(read_tries(&io), 0);
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_BLOCKED);
    assert_int_equal(tries, 0);
    simcard_free(sc);
}

static void test_verify_refuses_bad_pin_text(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res = JPKI_PIN_OK;
    int tries = -1;

    assert_int_equal(read_tries(&io), 3);
    unsigned before = simcard_apdu_count(sc);
    assert_int_equal(jpki_verify_pin(&io, "12a4", &res, &tries), JPKI_BAD);
    assert_int_equal(jpki_verify_pin(&io, "123", &res, &tries), JPKI_BAD);
    assert_int_equal(jpki_verify_pin(&io, " 123", &res, &tries), JPKI_BAD);
    assert_int_equal(jpki_verify_pin(&io, NULL, &res, &tries), JPKI_BAD);
    assert_int_equal(simcard_apdu_count(sc), before); /* nothing sent */
    assert_int_equal(read_tries(&io), 3);
    simcard_free(sc);
}

static void test_sign_needs_pin(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    uint8_t di[DI_LEN], sig[256];
    size_t siglen = 0;

    assert_int_equal(read_tries(&io), 3);
    digest_info("x", 1, di);
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, sizeof sig, &siglen),
                     JPKI_BAD); /* the card: 69 82 */
    assert_int_equal(siglen, 0);
    simcard_free(sc);
}

static void test_sign_after_verify(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    uint8_t challenge[32], di[DI_LEN], sig[300];
    size_t siglen = 0, der_len = 0;
    enum jpki_pin res = JPKI_PIN_WRONG;
    int tries = -1;
    const uint8_t *der = simcard_cert_der(sc, &der_len);
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)der_len);

    assert_non_null(x);
    assert_int_equal(RAND_bytes(challenge, sizeof challenge), 1);
    digest_info(challenge, sizeof challenge, di);
    assert_int_equal(read_tries(&io), 3);
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_OK);
    assert_int_equal(res, JPKI_PIN_OK);
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, sizeof sig, &siglen),
                     JPKI_OK);
    assert_int_equal(siglen, 256);

    /* Over the challenge, with the certificate's key... */
    EVP_PKEY *pub = X509_get0_pubkey(x);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub),
                     1);
    assert_int_equal(EVP_DigestVerify(md, sig, siglen, challenge,
                                      sizeof challenge), 1);
    EVP_MD_CTX_free(md);
    /* ...and over the DigestInfo with PKCS#1 padding; a changed challenge
     * does not verify. */
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pub, NULL);
    assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
    assert_int_equal(EVP_PKEY_verify(ctx, sig, siglen, di, sizeof di), 1);
    challenge[0] ^= 1;
    digest_info(challenge, sizeof challenge, di);
    assert_int_not_equal(EVP_PKEY_verify(ctx, sig, siglen, di, sizeof di), 1);
    EVP_PKEY_CTX_free(ctx);

    /* The caller's buffer too small, or a digest of a bad length. */
    assert_int_equal(jpki_sign(&io, di, sizeof di, sig, 255, &siglen),
                     JPKI_BAD);
    assert_int_equal(jpki_sign(&io, di, 0, sig, sizeof sig, &siglen),
                     JPKI_BAD);
    assert_int_equal(jpki_sign(&io, sig, 246, sig, sizeof sig, &siglen),
                     JPKI_BAD);
    X509_free(x);
    simcard_free(sc);
}

/* ---- the card pulled at every step -------------------------------------- */

static void test_pull_during_read(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res;
    int tries = -1;
    size_t cert_len = 0;

    simcard_cert_der(sc, &cert_len);
    unsigned total = read_apdus(cert_len);
    /* Spend one try first so "unchanged" means something. */
    assert_int_equal(read_tries(&io), 3);
    assert_int_equal(jpki_verify_pin(&io, "0000", &res, &tries), JPKI_OK);
    assert_int_equal(tries, 2);
    for (unsigned k = 0; k <= total; k++) {
        static uint8_t sentinel[1];
        uint8_t *cert = sentinel;
        size_t len = 99;

        simcard_pull_after(sc, (int)k);
        enum jpki_rc rc = jpki_read_card(&io, &cert, &len, &tries);
        if (k < total) {
            assert_int_equal(rc, JPKI_GONE);
            assert_null(cert);
            assert_int_equal(len, 0);
            assert_false(simcard_present(sc));
            simcard_set_present(sc, true);
        } else {
            assert_int_equal(rc, JPKI_OK);
            assert_true(simcard_present(sc));
            simcard_pull_after(sc, -1);
            free(cert);
        }
        assert_int_equal(read_tries(&io), 2);
    }
    simcard_free(sc);
}

/* VERIFY then sign: SELECT 0018, VERIFY, SELECT 0017, COMPUTE SIGNATURE. */
static enum jpki_rc verify_and_sign(const struct card_io *io)
{
    uint8_t di[DI_LEN], sig[256];
    size_t siglen = 0;
    enum jpki_pin res = JPKI_PIN_WRONG;
    int tries = -1;

    digest_info("c", 1, di);
    enum jpki_rc rc = jpki_verify_pin(io, "1234", &res, &tries);
    if (rc != JPKI_OK)
        return rc;
    assert_int_equal(res, JPKI_PIN_OK);
    rc = jpki_sign(io, di, sizeof di, sig, sizeof sig, &siglen);
    if (rc == JPKI_OK)
        assert_int_equal(siglen, 256);
    return rc;
}

static void test_pull_during_verify_and_sign(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct card_io io = simcard_io(sc);
    enum jpki_pin res;
    int tries = -1;

    for (int k = 0; k <= 4; k++) {
        /* Start from 2 tries: a right VERIFY would show as 3. */
        assert_int_equal(read_tries(&io), 3);
        assert_int_equal(jpki_verify_pin(&io, "0000", &res, &tries), JPKI_OK);
        assert_int_equal(tries, 2);
        simcard_pull_after(sc, k);
        enum jpki_rc rc = verify_and_sign(&io);
        simcard_pull_after(sc, -1);
        assert_int_equal(rc, k < 4 ? JPKI_GONE : JPKI_OK);
        simcard_set_present(sc, true);
        /* k < 2: pulled before VERIFY was sent: the counter is as it was. */
        assert_int_equal(read_tries(&io), k < 2 ? 2 : 3);
        if (k < 2) {
            enum jpki_pin r2;
            assert_int_equal(jpki_verify_pin(&io, "1234", &r2, &tries),
                             JPKI_OK);
        }
    }
    simcard_free(sc);
}

/* A reader error at any step is JPKI_IO; nothing is retried. */
static void test_io_error_at_every_step(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    size_t cert_len = 0;
    struct tamper t;

    simcard_cert_der(sc, &cert_len);
    for (unsigned k = 0; k < read_apdus(cert_len); k++) {
        struct card_io io = tamper_io(&t, sc, k, CARD_IO_ERROR, NULL);
        uint8_t *cert = NULL;
        size_t len = 0;
        int tries = -1;

        assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_IO);
        assert_null(cert);
        assert_int_equal(t.seen, k + 1);
    }
    /* VERIFY lost: reported, never sent again. */
    enum jpki_pin res;
    int tries = -1;
    struct card_io io = tamper_io(&t, sc, 1, CARD_IO_ERROR, NULL);
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_IO);
    assert_int_equal(t.seen, 2);
    io = tamper_io(&t, sc, 1, CARD_GONE, NULL);
    assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries), JPKI_GONE);
    assert_int_equal(t.seen, 2);
    simcard_free(sc);
}

/* Every answer to the tries query (the last APDU of a read). */
static void test_tries_answers(void **state)
{
    static const struct {
        const char *sw;
        enum jpki_rc rc;
        int tries;
    } cases[] = {
        {"63 C3", JPKI_OK, 3},  {"63 C2", JPKI_OK, 2},
        {"63 C0", JPKI_OK, 0},  {"69 83", JPKI_OK, 0},
        {"69 84", JPKI_OK, 0},  {"90 00", JPKI_OK, JPKI_TRIES_VERIFIED},
        {"67 00", JPKI_BAD, -1}, {"6A 82", JPKI_BAD, -1},
        {"63 00", JPKI_BAD, -1}, {"69 82", JPKI_BAD, -1},
    };
    struct simcard *sc = card(state, SIM_FRESH);
    size_t cert_len = 0;
    struct tamper t;

    simcard_cert_der(sc, &cert_len);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct card_io io = tamper_io(&t, sc, read_apdus(cert_len) - 1,
                                      CARD_OK, cases[i].sw);
        uint8_t *cert = NULL;
        size_t len = 0;
        int tries = -1;

        assert_int_equal(jpki_read_card(&io, &cert, &len, &tries),
                         cases[i].rc);
        assert_int_equal(tries, cases[i].tries);
        assert_true((cert != NULL) == (cases[i].rc == JPKI_OK));
        free(cert);
    }
    simcard_free(sc);
}

static void test_select_answers(void **state)
{
    static const struct {
        const char *sw;
        enum jpki_rc rc;
    } cases[] = {{"6A 82", JPKI_NOT_JPKI}, {"6A 81", JPKI_NOT_JPKI},
                 {"6A 86", JPKI_NOT_JPKI}, {"6D 00", JPKI_NOT_JPKI},
                 {"6E 00", JPKI_NOT_JPKI}, {"69 99", JPKI_NOT_JPKI},
                 {"6F 00", JPKI_BAD},      {"62 83", JPKI_BAD},
                 {"90 00", JPKI_OK}};

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct step steps[] = {
            {"00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", 0, cases[i].sw,
             CARD_OK}};
        struct script s = {steps, 1, 0};
        struct card_io io = {script_transmit, &s};

        assert_int_equal(jpki_select_ap(&io), cases[i].rc);
        assert_int_equal(s.at, 1);
    }
}

/* The first READ's answer replaced: the read must refuse it. */
static void test_bad_certificates(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    size_t cert_len = 0;
    const uint8_t *der = simcard_cert_der(sc, &cert_len);
    struct tamper t;
    uint8_t *cert = NULL;
    size_t len = 0;
    int tries = -1;
    char hex[256 * 3 + 8];
    const char *bad[] = {
        "30 82 05 90 00",           /* header cut short */
        "04 82 05 00 00 00 90 00",  /* not a SEQUENCE */
        "30 80 00 00 90 00",        /* indefinite length */
        "30 83 01 00 00 00 90 00",  /* 64 KiB: too long */
        "90 00",                    /* no data */
        "69 82",                    /* refused */
        NULL,                       /* real bytes, TBSCertificate broken */
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *resp = bad[i];
        if (resp == NULL) {
            for (size_t j = 0; j < 256; j++)
                snprintf(hex + 3 * j, 4, "%02X ", j == 4 ? 0x31u : der[j]);
            strcpy(hex + 3 * 256, "90 00");
            resp = hex;
        }
        struct card_io io = tamper_io(&t, sc, 2, CARD_OK, resp);
        assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_BAD);
        assert_null(cert);
    }
    /* A length that runs past the end of the EF: the card says 6B00. */
    snprintf(hex, sizeof hex, "30 82 %02X %02X", (unsigned)(cert_len >> 8),
             (unsigned)(cert_len & 0xFF));
    {
        char first[256 * 3 + 8];
        for (size_t j = 0; j < 256; j++)
            snprintf(first + 3 * j, 4, "%02X ", j < 4 ? 0u : der[j]);
        memcpy(first, hex, strlen(hex));
        strcpy(first + 3 * 256, "90 00");
        struct card_io io = tamper_io(&t, sc, 2, CARD_OK, first);
        assert_int_equal(jpki_read_card(&io, &cert, &len, &tries), JPKI_BAD);
    }
    simcard_free(sc);
}

static void test_verify_answers(void **state)
{
    static const struct {
        const char *sw;
        enum jpki_rc rc;
        enum jpki_pin res;
        int tries;
    } cases[] = {
        {"90 00", JPKI_OK, JPKI_PIN_OK, 3},
        {"63 C2", JPKI_OK, JPKI_PIN_WRONG, 2},
        {"63 C0", JPKI_OK, JPKI_PIN_BLOCKED, 0},
        {"69 83", JPKI_OK, JPKI_PIN_BLOCKED, 0},
        {"69 84", JPKI_OK, JPKI_PIN_BLOCKED, 0},
        {"67 00", JPKI_BAD, JPKI_PIN_OK, -1},
        {"69 82", JPKI_BAD, JPKI_PIN_OK, -1},
        {"61 00", JPKI_IO, JPKI_PIN_OK, -1}, /* its GET RESPONSE fails */
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct step steps[] = {
            {"00 A4 02 0C 02 00 18", 0, "90 00", CARD_OK},
            {"00 20 00 80 04 31 32 33 34", 0, cases[i].sw, CARD_OK},
            {"00 C0 00 00 00", 0, "", CARD_IO_ERROR},
        };
        struct script s = {steps, 3, 0};
        struct card_io io = {script_transmit, &s};
        enum jpki_pin res = JPKI_PIN_OK;
        int tries = -1;

        assert_int_equal(jpki_verify_pin(&io, "1234", &res, &tries),
                         cases[i].rc);
        assert_int_equal(res, cases[i].res);
        assert_int_equal(tries, cases[i].tries);
    }
}

/* ---- two threads: a worker reads while the UI pulls the card ------------ */

struct worker {
    struct card_io io;
    int reads_ok;
    enum jpki_rc last;
};

static void *read_until_failure(void *arg)
{
    struct worker *w = arg;

    for (;;) {
        uint8_t *cert = NULL;
        size_t len = 0;
        int tries = -1;

        w->last = jpki_read_card(&w->io, &cert, &len, &tries);
        free(cert);
        if (w->last != JPKI_OK)
            return NULL;
        w->reads_ok++;
    }
}

static void test_pull_from_another_thread(void **state)
{
    struct simcard *sc = card(state, SIM_FRESH);
    struct worker w = {.io = simcard_io(sc)};
    pthread_t th;
    const struct timespec ms = {0, 1000000};

    assert_int_equal(pthread_create(&th, NULL, read_until_failure, &w), 0);
    for (int i = 0; i < 2000 && simcard_apdu_count(sc) < 50; i++)
        nanosleep(&ms, NULL);
    simcard_set_present(sc, false);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(w.last, JPKI_GONE);
    assert_true(w.reads_ok > 0);
    simcard_set_present(sc, true);
    assert_int_equal(read_tries(&w.io), 3);
    simcard_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_apdu_build),
        cmocka_unit_test(test_apdu_plain),
        cmocka_unit_test(test_apdu_get_response),
        cmocka_unit_test(test_apdu_get_response_keeps_data),
        cmocka_unit_test(test_apdu_wrong_le),
        cmocka_unit_test(test_apdu_wrong_le_not_short),
        cmocka_unit_test(test_apdu_round_limit),
        cmocka_unit_test(test_apdu_overflow),
        cmocka_unit_test(test_apdu_transport_failures),
        cmocka_unit_test(test_apdu_sw_text),
        cmocka_unit_test(test_rc_names),
        cmocka_unit_test(test_read_card),
        cmocka_unit_test(test_read_card_profiles),
        cmocka_unit_test(test_read_card_foreign),
        cmocka_unit_test(test_verify_wrong_then_right),
        cmocka_unit_test(test_verify_last_try),
        cmocka_unit_test(test_verify_locked),
        cmocka_unit_test(test_verify_refuses_bad_pin_text),
        cmocka_unit_test(test_sign_needs_pin),
        cmocka_unit_test(test_sign_after_verify),
        cmocka_unit_test(test_pull_during_read),
        cmocka_unit_test(test_pull_during_verify_and_sign),
        cmocka_unit_test(test_io_error_at_every_step),
        cmocka_unit_test(test_tries_answers),
        cmocka_unit_test(test_select_answers),
        cmocka_unit_test(test_bad_certificates),
        cmocka_unit_test(test_verify_answers),
        cmocka_unit_test(test_pull_from_another_thread),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
