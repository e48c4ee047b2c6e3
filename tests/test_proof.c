/*
 * test_proof.c - the card's signed challenge against test certificates.
 *
 * The group setup makes, once, a test CA and holder certificates shaped
 * like JPKI's (RSA-2048, C=JP, CN=<opaque id>, critical keyUsage
 * digitalSignature), plus a second CA nobody trusts. The "card" signs the
 * way the real one does: raw PKCS#1 v1.5 over the DigestInfo the kiosk
 * sends (EVP_PKEY_sign with RSA_PKCS1_PADDING and no digest set).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kiosk/proof.h"

#define DER_MAX 4096

struct der {
    uint8_t b[DER_MAX];
    size_t n;
};

struct fixture {
    EVP_PKEY *ca_key, *holder_key, *other_key;
    X509 *ca, *other_ca;
    struct der holder;       /* issued by ca, serial 1001 */
    struct der holder2;      /* same key and issuer, serial 1002 */
    struct der no_signing;   /* keyUsage without digitalSignature */
    struct der foreign;      /* issued by other_ca */
    struct trust *trust;     /* holds ca only */
    time_t not_before, not_after, now;
};

static time_t utc(int y, int m, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = s };

    return timegm(&tm);
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;
    int ok;

    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        return 0;
    ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok;
}

struct cert_spec {
    const char *cn;
    long serial;
    EVP_PKEY *key;        /* the subject's key */
    X509 *issuer;         /* NULL: self-signed */
    EVP_PKEY *issuer_key;
    const char *usage;    /* keyUsage extension value */
    bool ca;
    time_t from, until;
};

/* A certificate as spec says, signed with sha256WithRSAEncryption. */
static X509 *make_cert(const struct cert_spec *s)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    bool ok = x != NULL && name != NULL
              && X509_set_version(x, 2)
              && ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial)
              && X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"JP", -1, -1, 0)
              && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)s->cn, -1, -1, 0)
              && X509_set_subject_name(x, name)
              && X509_set_issuer_name(x, s->issuer ? X509_get_subject_name(s->issuer) : name)
              && ASN1_TIME_set(X509_getm_notBefore(x), s->from)
              && ASN1_TIME_set(X509_getm_notAfter(x), s->until)
              && X509_set_pubkey(x, s->key)
              && add_ext(x, s->issuer ? s->issuer : x, NID_basic_constraints,
                         s->ca ? "critical,CA:TRUE" : "critical,CA:FALSE")
              && add_ext(x, s->issuer ? s->issuer : x, NID_key_usage, s->usage)
              && X509_sign(x, s->issuer_key, EVP_sha256()) > 0;

    X509_NAME_free(name);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static int to_der(X509 *x, struct der *out)
{
    int n = i2d_X509(x, NULL);
    uint8_t *p = out->b;

    if (n <= 0 || n > DER_MAX)
        return 0;
    out->n = (size_t)i2d_X509(x, &p);
    return 1;
}

/* A holder certificate issued by ca, as DER. */
static int make_holder(struct fixture *f, const char *cn, long serial, X509 *ca,
                       EVP_PKEY *ca_key, const char *usage, struct der *out)
{
    struct cert_spec s = { cn, serial, f->holder_key, ca, ca_key, usage, false,
                           f->not_before, f->not_after };
    X509 *x = make_cert(&s);
    int ok = x != NULL && to_der(x, out);

    X509_free(x);
    return ok;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    /* jpki.md's sample: issued 2025-10-27, ends 2030-02-17 23:59:59 JST. */
    f->not_before = utc(2025, 10, 26, 15, 0, 0);
    f->not_after = utc(2030, 2, 17, 14, 59, 59);
    f->now = utc(2026, 4, 1, 3, 0, 0);
    f->ca_key = EVP_RSA_gen(2048);
    f->holder_key = EVP_RSA_gen(2048);
    f->other_key = EVP_RSA_gen(2048);
    if (!f->ca_key || !f->holder_key || !f->other_key)
        return -1;

    struct cert_spec ca = { "Test JPKI user authentication CA", 1, f->ca_key, NULL, f->ca_key,
                            "critical,keyCertSign,cRLSign", true,
                            utc(2023, 1, 1, 0, 0, 0), utc(2033, 1, 1, 14, 59, 59) };
    f->ca = make_cert(&ca);
    struct cert_spec other = ca;
    other.cn = "Somebody else's CA";
    other.key = other.issuer_key = f->other_key;
    f->other_ca = make_cert(&other);
    if (!f->ca || !f->other_ca)
        return -1;

    if (!make_holder(f, "0123ABCD", 1001, f->ca, f->ca_key, "critical,digitalSignature", &f->holder)
        || !make_holder(f, "0123ABCD", 1002, f->ca, f->ca_key, "critical,digitalSignature", &f->holder2)
        || !make_holder(f, "0123ABCD", 1003, f->ca, f->ca_key, "critical,keyEncipherment", &f->no_signing)
        || !make_holder(f, "0123ABCD", 1001, f->other_ca, f->other_key, "critical,digitalSignature", &f->foreign))
        return -1;

    f->trust = trust_new();
    if (f->trust == NULL || trust_add_x509(f->trust, f->ca) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    trust_free(f->trust);
    X509_free(f->ca);
    X509_free(f->other_ca);
    EVP_PKEY_free(f->ca_key);
    EVP_PKEY_free(f->holder_key);
    EVP_PKEY_free(f->other_key);
    free(f);
    return 0;
}

/* What the card does after VERIFY: PKCS#1 v1.5 pad and sign the DigestInfo. */
static size_t card_sign(EVP_PKEY *key, const uint8_t *challenge, size_t n, uint8_t sig[512])
{
    uint8_t di[PROOF_DIGEST_INFO_LEN];
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    size_t len = 512;

    assert_int_equal(proof_digest_info(challenge, n, di), 0);
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
    assert_true(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0);
    assert_int_equal(EVP_PKEY_sign(ctx, sig, &len, di, sizeof di), 1);
    EVP_PKEY_CTX_free(ctx);
    assert_int_equal(len, 256);
    return len;
}

static enum proof_rc check(const struct trust *t, const struct der *cert, const uint8_t *chal,
                           const uint8_t *sig, size_t sig_len, time_t now)
{
    return proof_check(t, cert->b, cert->n, chal, PROOF_CHALLENGE_LEN, sig, sig_len, now);
}

static void test_right_signature_is_proof(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN], sig[512];

    assert_int_equal(proof_challenge(chal), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->now), PROOF_OK);
    assert_string_equal(proof_rc_name(PROOF_OK), "ok");
}

static void test_signature_over_another_challenge(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN], other[PROOF_CHALLENGE_LEN], sig[512];

    assert_int_equal(proof_challenge(chal), 0);
    assert_int_equal(proof_challenge(other), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->holder, other, sig, n, f->now), PROOF_BAD_SIGNATURE);
    /* Cut short, or flipped in one bit. */
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n - 1, f->now), PROOF_BAD_SIGNATURE);
    sig[100] ^= 0x01;
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->now), PROOF_BAD_SIGNATURE);
    /* Signed by some other key than the certificate's. */
    n = card_sign(f->ca_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->now), PROOF_BAD_SIGNATURE);
    assert_string_equal(proof_rc_name(PROOF_BAD_SIGNATURE), "bad-signature");
}

static void test_other_ca_is_untrusted(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN], sig[512];
    struct trust *empty = trust_new();

    assert_int_equal(proof_challenge(chal), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->foreign, chal, sig, n, f->now), PROOF_UNTRUSTED);
    assert_non_null(empty);
    assert_int_equal(check(empty, &f->holder, chal, sig, n, f->now), PROOF_UNTRUSTED);
    trust_free(empty);
}

/* Judged at `now`: valid at notAfter itself, expired one second later;
 * before notBefore it is not (yet) to be trusted. */
static void test_expiry_by_the_given_time(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN], sig[512];

    assert_int_equal(proof_challenge(chal), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->not_after), PROOF_OK);
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->not_after + 1), PROOF_EXPIRED);
    assert_int_equal(check(f->trust, &f->holder, chal, sig, n, f->not_before - 1), PROOF_UNTRUSTED);
    /* Untrusted beats expired: no advice to renew a stranger's certificate. */
    assert_int_equal(check(f->trust, &f->foreign, chal, sig, n, f->not_after + 1), PROOF_UNTRUSTED);
}

static void test_not_a_certificate(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN] = { 0 }, sig[256] = { 0 };
    struct der junk = { .n = 300 };

    memset(junk.b, 0x30, junk.n);
    assert_int_equal(check(f->trust, &junk, chal, sig, sizeof sig, f->now), PROOF_BAD_CERT);
    struct der cut = f->holder;
    cut.n -= 10;
    assert_int_equal(check(f->trust, &cut, chal, sig, sizeof sig, f->now), PROOF_BAD_CERT);
    struct der longer = f->holder;
    longer.b[longer.n++] = 0x00;
    assert_int_equal(check(f->trust, &longer, chal, sig, sizeof sig, f->now), PROOF_BAD_CERT);
    assert_int_equal(proof_check(f->trust, NULL, 0, chal, sizeof chal, sig, sizeof sig, f->now),
                     PROOF_BAD_CERT);
}

static void test_certificate_must_allow_signing(void **state)
{
    struct fixture *f = *state;
    uint8_t chal[PROOF_CHALLENGE_LEN], sig[512];

    assert_int_equal(proof_challenge(chal), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(f->trust, &f->no_signing, chal, sig, n, f->now), PROOF_BAD_CERT);
}

/* The SHA-256 DigestInfo of "abc": PKCS#1's prefix and FIPS 180-2's hash. */
static void test_digest_info_bytes(void **state)
{
    (void)state;
    static const uint8_t want[PROOF_DIGEST_INFO_LEN] = {
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
        0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d,
        0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10,
        0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    uint8_t got[PROOF_DIGEST_INFO_LEN];

    assert_int_equal(proof_digest_info((const uint8_t *)"abc", 3, got), 0);
    assert_memory_equal(got, want, sizeof want);
}

static void test_challenges_are_fresh(void **state)
{
    (void)state;
    uint8_t a[PROOF_CHALLENGE_LEN], b[PROOF_CHALLENGE_LEN];

    assert_int_equal(proof_challenge(a), 0);
    assert_int_equal(proof_challenge(b), 0);
    assert_memory_not_equal(a, b, sizeof a);
}

/* The expected key, computed here from the certificate's own parts. */
static void expected_key(const struct der *d, char out[CARD_KEY_LEN + 1])
{
    const unsigned char *p = d->b;
    X509 *x = d2i_X509(NULL, &p, (long)d->n);
    unsigned char buf[1024], *q = buf, hash[32];
    unsigned int hlen;

    assert_non_null(x);
    i2d_X509_NAME(X509_get_issuer_name(x), &q);
    i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &q);
    assert_int_equal(EVP_Digest(buf, (size_t)(q - buf), hash, &hlen, EVP_sha256(), NULL), 1);
    for (unsigned int i = 0; i < hlen; i++)
        sprintf(out + 2 * i, "%02x", hash[i]);
    X509_free(x);
}

static void test_cert_facts(void **state)
{
    struct fixture *f = *state;
    char key[CARD_KEY_LEN + 1], again[CARD_KEY_LEN + 1], other[CARD_KEY_LEN + 1], want[CARD_KEY_LEN + 1];
    time_t end = 0;

    assert_int_equal(cert_facts(f->holder.b, f->holder.n, &end, key), 0);
    assert_int_equal(end, f->not_after);
    assert_int_equal(strlen(key), CARD_KEY_LEN);
    assert_int_equal(strspn(key, "0123456789abcdef"), CARD_KEY_LEN);
    expected_key(&f->holder, want);
    assert_string_equal(key, want);

    assert_int_equal(cert_facts(f->holder.b, f->holder.n, NULL, again), 0);
    assert_string_equal(key, again);
    assert_int_equal(cert_facts(f->holder2.b, f->holder2.n, NULL, other), 0);
    assert_string_not_equal(key, other);
    /* Same serial from another issuer: another card. */
    assert_int_equal(cert_facts(f->foreign.b, f->foreign.n, NULL, other), 0);
    assert_string_not_equal(key, other);

    assert_int_equal(cert_facts((const uint8_t *)"\x30\x03\x02\x01\x01", 5, &end, key), -1);
}

/* Write the two CA certificates into one PEM file in a temp dir. */
static void write_pem(const struct fixture *f, const char *path)
{
    FILE *out = fopen(path, "w");

    assert_non_null(out);
    assert_int_equal(PEM_write_X509(out, f->ca), 1);
    fputs("# a comment between certificates\n", out);
    assert_int_equal(PEM_write_X509(out, f->other_ca), 1);
    assert_int_equal(fclose(out), 0);
}

static void test_anchor_files(void **state)
{
    struct fixture *f = *state;
    char dir[] = "/tmp/test_proof.XXXXXX", path[256], missing[256], junk[256], err[512];
    uint8_t chal[PROOF_CHALLENGE_LEN], sig[512];
    struct trust *t = trust_new();

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/anchors.pem", dir);
    snprintf(missing, sizeof missing, "%s/no-such.pem", dir);
    snprintf(junk, sizeof junk, "%s/junk.pem", dir);

    assert_int_equal(trust_add_pem_file(t, missing, err, sizeof err), -1);
    assert_non_null(strstr(err, missing));
    assert_non_null(strstr(err, strerror(ENOENT)));

    FILE *j = fopen(junk, "w");
    assert_non_null(j);
    fputs("not a certificate\n", j);
    fclose(j);
    assert_int_equal(trust_add_pem_file(t, junk, err, sizeof err), -1);
    assert_non_null(strstr(err, junk));
    assert_non_null(strstr(err, "no PEM certificate"));

    /* A certificate block whose contents are damaged. */
    j = fopen(junk, "w");
    assert_non_null(j);
    fputs("-----BEGIN CERTIFICATE-----\nMIIBbroken!!\n-----END CERTIFICATE-----\n", j);
    fclose(j);
    assert_int_equal(trust_add_pem_file(t, junk, err, sizeof err), -1);
    assert_non_null(strstr(err, junk));
    assert_non_null(strstr(err, "damaged"));

    /* Every certificate in the file becomes an anchor: the second CA too. */
    write_pem(f, path);
    assert_int_equal(trust_add_pem_file(t, path, err, sizeof err), 0);
    assert_int_equal(proof_challenge(chal), 0);
    size_t n = card_sign(f->holder_key, chal, sizeof chal, sig);
    assert_int_equal(check(t, &f->holder, chal, sig, n, f->now), PROOF_OK);
    assert_int_equal(check(t, &f->foreign, chal, sig, n, f->now), PROOF_OK);

    trust_free(t);
    unlink(path);
    unlink(junk);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_right_signature_is_proof),
        cmocka_unit_test(test_signature_over_another_challenge),
        cmocka_unit_test(test_other_ca_is_untrusted),
        cmocka_unit_test(test_expiry_by_the_given_time),
        cmocka_unit_test(test_not_a_certificate),
        cmocka_unit_test(test_certificate_must_allow_signing),
        cmocka_unit_test(test_digest_info_bytes),
        cmocka_unit_test(test_challenges_are_fresh),
        cmocka_unit_test(test_cert_facts),
        cmocka_unit_test(test_anchor_files),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
