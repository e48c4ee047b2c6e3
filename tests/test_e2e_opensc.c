/*
 * test_e2e_opensc.c - OpenSC, the reference JPKI peer, against the
 * simulated card through the same private pcscd the kiosk uses: what
 * OpenSC's JPKI driver gets from the simulated card, a real card gives it
 * too, so this proves the card speaks JPKI as OpenSC expects.
 *
 *   pkcs15-tool reads the same user-authentication certificate as the
 *   kiosk's own reader code (byte for byte), and the PIN's tries;
 *   pkcs11-tool signs with the user-authentication key after the PIN, and
 *   openssl verifies the signature against that certificate.
 *
 * Skipped, with a message, where pcscd cannot have a /run/pcscd of its
 * own (tests/pcscd.h), but not under CI.
 */
#include "tests/test.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "reader/jpki.h"
#include "reader/pcsc.h"
#include "tests/pcscd.h"

#define EVENT_MS 8000
#define AUTH_TOKEN "JPKI (User Authentication PIN)"

static struct pcscd *const d = &pcscd_suite;

/* Run a shell command line; its output (stdout and stderr) into out. */
static int run(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(char *out, size_t cap, const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    FILE *p;
    size_t n;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    p = popen(cmd, "r");
    assert_non_null(p);
    n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    return pclose(p);
}

/* A card in the reader, and pcscd seeing it. */
static void card_in(struct vcard *c, const char *profile)
{
    assert_int_equal(vcard_start(c, d, "opensc", profile, NULL), 0);
    assert_int_equal(pcscd_wait_card(true, EVENT_MS), 0);
}

/* The certificate as the kiosk reads it: reader/pcsc.c + reader/jpki.c. */
static uint8_t *kiosk_read_cert(size_t *len)
{
    struct pcsc *p = pcsc_start(NULL);
    struct card_io io;
    uint8_t *cert = NULL;
    enum pcsc_event ev;
    int tries;

    assert_non_null(p);
    for (int i = 0; i < EVENT_MS / 50; i++) {
        if (pcsc_read_event(p, &ev) && ev == PCSC_CARD_IN)
            break;
        pcscd_sleep_ms(50);
    }
    io = pcsc_io(p);
    assert_int_equal(jpki_read_card(&io, &cert, len, &tries), JPKI_OK);
    pcsc_end_session(p);
    pcsc_stop(p);
    return cert;
}

/* The DER inside a PEM file, exactly as written (no re-encoding). */
static uint8_t *pem_der(const char *path, long *len)
{
    FILE *f = fopen(path, "r");
    char *name = NULL, *header = NULL;
    unsigned char *data = NULL;

    assert_non_null(f);
    assert_int_equal(PEM_read(f, &name, &header, &data, len), 1);
    fclose(f);
    assert_string_equal(name, "CERTIFICATE");
    OPENSSL_free(name);
    OPENSSL_free(header);
    return data;
}

static void test_same_certificate_as_the_kiosk(void **state)
{
    struct vcard c;
    char out[4096], pem[256];
    uint8_t *mine, *theirs;
    size_t len;
    long olen;
    (void)state;

    pcscd_need_stack();
    card_in(&c, "fresh");
    mine = kiosk_read_cert(&len);
    snprintf(pem, sizeof pem, "%s/opensc-cert.pem", d->dir);
    assert_int_equal(run(out, sizeof out, "pkcs15-tool --read-certificate 01 "
                         "-o %s", pem), 0);
    theirs = pem_der(pem, &olen);
    assert_int_equal((size_t)olen, len);
    assert_memory_equal(theirs, mine, len);
    OPENSSL_free(theirs);
    free(mine);
    vcard_stop(&c);
}

/* The "Tries left" of the user-authentication PIN in pkcs15-tool's list. */
static int opensc_tries(void)
{
    char out[8192];
    const char *pin, *tries;
    int n = -1;

    assert_int_equal(run(out, sizeof out, "pkcs15-tool --list-pins"), 0);
    pin = strstr(out, "User Authentication PIN");
    assert_non_null(pin);
    tries = strstr(pin, "Tries left");
    assert_non_null(tries);
    assert_int_equal(sscanf(strchr(tries, ':') + 1, "%d", &n), 1);
    return n;
}

static void test_pin_tries(void **state)
{
    struct vcard c;
    (void)state;

    pcscd_need_stack();
    card_in(&c, "fresh");
    assert_int_equal(opensc_tries(), 3);
    vcard_stop(&c);
    card_in(&c, "last-try");
    assert_int_equal(opensc_tries(), 1);
    vcard_stop(&c);
}

static void test_sign_after_pin(void **state)
{
    struct vcard c;
    char out[4096], data[256], sig[256], pub[256], cert_pem[256];
    uint8_t *cert;
    size_t len;
    const uint8_t *p;
    X509 *x;
    FILE *f;
    (void)state;

    pcscd_need_stack();
    card_in(&c, "fresh");
    cert = kiosk_read_cert(&len);
    p = cert;
    x = d2i_X509(NULL, &p, (long)len);
    assert_non_null(x);
    snprintf(cert_pem, sizeof cert_pem, "%s/kiosk-cert.pem", d->dir);
    f = fopen(cert_pem, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, x), 1);
    fclose(f);
    X509_free(x);
    free(cert);
    snprintf(data, sizeof data, "%s/challenge", d->dir);
    snprintf(sig, sizeof sig, "%s/signature", d->dir);
    snprintf(pub, sizeof pub, "%s/pub.pem", d->dir);
    f = fopen(data, "w");
    assert_non_null(f);
    fputs("a fresh challenge from the test\n", f);
    fclose(f);
    assert_int_equal(run(out, sizeof out, "pkcs11-tool --token-label '%s' "
                         "--login --pin 1234 --sign --mechanism "
                         "SHA256-RSA-PKCS --id 01 -i %s -o %s", AUTH_TOKEN,
                         data, sig), 0);
    assert_int_equal(run(out, sizeof out, "openssl x509 -in %s -pubkey "
                         "-noout > %s", cert_pem, pub), 0);
    assert_int_equal(run(out, sizeof out, "openssl dgst -sha256 -verify %s "
                         "-signature %s %s", pub, sig, data), 0);
    assert_non_null(strstr(out, "Verified OK"));
    /* and the check can fail: other data, same signature */
    assert_int_not_equal(run(out, sizeof out, "openssl dgst -sha256 -verify "
                             "%s -signature %s %s", pub, sig, cert_pem), 0);
    vcard_stop(&c);
}

/* A wrong PIN: pkcs11-tool is refused, and the card counts the try. */
static void test_wrong_pin_refused(void **state)
{
    struct vcard c;
    char out[4096];
    (void)state;

    pcscd_need_stack();
    card_in(&c, "fresh");
    assert_int_not_equal(run(out, sizeof out, "pkcs11-tool --token-label "
                             "'%s' --login --pin 9999 --sign --mechanism "
                             "SHA256-RSA-PKCS --id 01 -i /dev/null -o "
                             "/dev/null", AUTH_TOKEN), 0);
    assert_int_equal(opensc_tries(), 2);
    vcard_stop(&c);
}

int main(void)
{
#define T(f) \
    cmocka_unit_test_setup_teardown(f, pcscd_test_setup, pcscd_test_teardown)
    const struct CMUnitTest tests[] = {
        T(test_same_certificate_as_the_kiosk),
        T(test_pin_tries),
        T(test_sign_after_pin),
        T(test_wrong_pin_refused),
    };
    return cmocka_run_group_tests_name("OpenSC as the peer (private pcscd)",
                                       tests, pcscd_suite_setup,
                                       pcscd_suite_teardown);
}
