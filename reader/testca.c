/*
 * testca.c - the test CA: key, self-signed certificate, and issuance of
 * user-authentication certificates, all through OpenSSL.
 */
#include "reader/testca.h"

#include "kiosk/jst.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

struct testca {
    EVP_PKEY *key;
    X509 *cert;
};

#define DAY 86400

/* An X.509 name as (field, value) pairs, in order. */
struct dn_entry {
    const char *field;
    const char *value;
};

static const struct dn_entry CA_DN[] = {
    {"C", "JP"},
    {"O", "JPKI-TEST"},
    {"OU", "JPKI for user authentication"},
    {"OU", "Japan Agency for Local Authority Information Systems"},
};

/* Put "what: <OpenSSL's last error>" in err and empty OpenSSL's queue, so
 * the reason is reported once, here, and not to some later caller. */
static void set_err(char *err, size_t errlen, const char *what)
{
    char ossl[200] = "";
    unsigned long e = ERR_peek_last_error();

    if (e != 0)
        ERR_error_string_n(e, ossl, sizeof ossl);
    ERR_clear_error();
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s%s%s", what, e != 0 ? ": " : "", ossl);
}

static int add_entries(X509_NAME *name, const struct dn_entry *dn, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!X509_NAME_add_entry_by_txt(name, dn[i].field, MBSTRING_UTF8,
                                        (const unsigned char *)dn[i].value,
                                        -1, -1, 0))
            return 0;
    return 1;
}

/* A positive serial of 127 random bits (top bit set: never zero). */
static int set_random_serial(X509 *x)
{
    BIGNUM *bn = BN_new();
    int ok = bn != NULL &&
             BN_rand(bn, 127, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;

    BN_free(bn);
    return ok;
}

/* Version, serial, names, validity and key: everything but extensions. */
static int set_base(X509 *x, EVP_PKEY *key, const X509_NAME *subject,
                    const X509_NAME *issuer, time_t not_before,
                    time_t not_after)
{
    return X509_set_version(x, X509_VERSION_3) && set_random_serial(x) &&
           X509_set_subject_name(x, subject) &&
           X509_set_issuer_name(x, issuer) &&
           ASN1_TIME_set(X509_getm_notBefore(x), not_before) != NULL &&
           ASN1_TIME_set(X509_getm_notAfter(x), not_after) != NULL &&
           X509_set_pubkey(x, key);
}

/* Add one extension written in OpenSSL's config syntax. */
static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(x, ext, -1);

    X509_EXTENSION_free(ext);
    return ok;
}

static X509 *make_ca_cert(EVP_PKEY *key, time_t now)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    int ok = x != NULL && name != NULL &&
             add_entries(name, CA_DN, sizeof CA_DN / sizeof CA_DN[0]) &&
             set_base(x, key, name, name, now - 2 * 365 * (time_t)DAY,
                      jst_day_end(now + 10 * 365 * (time_t)DAY)) &&
             add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") &&
             add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") &&
             add_ext(x, x, NID_subject_key_identifier, "hash") &&
             add_ext(x, x, NID_authority_key_identifier, "keyid:always") &&
             X509_sign(x, key, EVP_sha256()) > 0;

    X509_NAME_free(name);
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

struct testca *testca_new(char *err, size_t errlen)
{
    struct testca *ca = calloc(1, sizeof *ca);

    if (ca == NULL) {
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    ca->key = EVP_RSA_gen(2048);
    if (ca->key == NULL) {
        set_err(err, errlen, "CA key generation failed");
        testca_free(ca);
        return NULL;
    }
    ca->cert = make_ca_cert(ca->key, time(NULL));
    if (ca->cert == NULL) {
        set_err(err, errlen, "CA certificate failed");
        testca_free(ca);
        return NULL;
    }
    return ca;
}

void testca_free(struct testca *ca)
{
    if (ca == NULL)
        return;
    X509_free(ca->cert);
    EVP_PKEY_free(ca->key); /* OpenSSL clears the private key as it frees */
    free(ca);
}

X509 *testca_cert(const struct testca *ca)
{
    return ca->cert;
}

int testca_write_pem(const struct testca *ca, const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    int ok = PEM_write_X509(f, ca->cert);
    if (fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* TESTCA_CN_LEN characters of 0-9A-Z, unbiased (bytes >= 252 skipped). */
static int random_cn(char out[TESTCA_CN_LEN + 1])
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t i = 0;

    while (i < TESTCA_CN_LEN) {
        unsigned char b[32];

        if (RAND_bytes(b, sizeof b) != 1)
            return 0;
        for (size_t j = 0; j < sizeof b && i < TESTCA_CN_LEN; j++)
            if (b[j] < 252)
                out[i++] = alphabet[b[j] % 36];
    }
    out[i] = '\0';
    return 1;
}

/* The subject C=JP, CN=<random opaque id>. */
static X509_NAME *auth_subject(void)
{
    char cn[TESTCA_CN_LEN + 1];
    X509_NAME *name = X509_NAME_new();

    if (name == NULL || !random_cn(cn)) {
        X509_NAME_free(name);
        return NULL;
    }
    const struct dn_entry dn[] = {{"C", "JP"}, {"CN", cn}};
    if (!add_entries(name, dn, sizeof dn / sizeof dn[0])) {
        X509_NAME_free(name);
        return NULL;
    }
    return name;
}

X509 *testca_issue_auth(const struct testca *ca, EVP_PKEY *key,
                        time_t not_before, time_t not_after, char *err,
                        size_t errlen)
{
    X509 *x = X509_new();
    X509_NAME *subject = auth_subject();
    int ok = x != NULL && subject != NULL && key != NULL &&
             set_base(x, key, subject, X509_get_subject_name(ca->cert),
                      not_before, not_after) &&
             add_ext(x, ca->cert, NID_key_usage,
                     "critical,digitalSignature") &&
             add_ext(x, ca->cert, NID_subject_key_identifier, "hash") &&
             add_ext(x, ca->cert, NID_authority_key_identifier,
                     "keyid:always") &&
             X509_sign(x, ca->key, EVP_sha256()) > 0;

    X509_NAME_free(subject);
    if (!ok) {
        set_err(err, errlen, "issuing the user-authentication certificate");
        X509_free(x);
        return NULL;
    }
    return x;
}
