/*
 * proof.c - the card's signature over a fresh challenge, checked with
 * OpenSSL: X.509 parsing and chain building, DigestInfo encoding, RSA
 * PKCS#1 v1.5 verification, hashing and randomness all come from libcrypto.
 */
#include "kiosk/proof.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kiosk/i18n.h"

struct trust {
    X509_STORE *store;
};

struct trust *trust_new(void)
{
    struct trust *t = calloc(1, sizeof *t);

    if (t == NULL)
        return NULL;
    t->store = X509_STORE_new();
    if (t->store == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

void trust_free(struct trust *t)
{
    if (t == NULL)
        return;
    X509_STORE_free(t->store);
    free(t);
}

int trust_add_x509(struct trust *t, X509 *ca)
{
    return X509_STORE_add_cert(t->store, ca) == 1 ? 0 : -1;
}

/* An anchor file never holds a key, so never ask anyone for a password:
 * OpenSSL's default would prompt on the kiosk's terminal. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

/* True when the last PEM read failed only because no certificate was
 * left in the file, which is how a PEM file ends. */
static bool pem_at_end(void)
{
    unsigned long e = ERR_peek_last_error();

    return ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

/* Add the PEM certificates that bio holds; -1 for a damaged one or when
 * the store refuses one. *added counts what went in. */
static int add_pem_certs(X509_STORE *store, BIO *bio, int *added)
{
    X509 *x;

    *added = 0;
    ERR_clear_error();
    while ((x = PEM_read_bio_X509(bio, NULL, no_password, NULL)) != NULL) {
        int ok = X509_STORE_add_cert(store, x);

        X509_free(x);
        if (ok != 1)
            return -1;
        (*added)++;
    }
    return pem_at_end() ? 0 : -1;
}

int trust_add_pem_file(struct trust *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    BIO *bio;
    int added, rc;

    if (f == NULL) {
        snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(errno));
        return -1;
    }
    bio = BIO_new_fp(f, BIO_CLOSE);
    if (bio == NULL) {
        fclose(f);
        snprintf(err, errlen, _("%s: out of memory"), path);
        return -1;
    }
    rc = add_pem_certs(t->store, bio, &added);
    BIO_free(bio);
    ERR_clear_error();
    if (rc != 0)
        snprintf(err, errlen, _("%s: damaged PEM certificate"), path);
    else if (added == 0)
        snprintf(err, errlen, _("%s: no PEM certificate in the file"), path);
    return rc == 0 && added > 0 ? 0 : -1;
}

int proof_challenge(uint8_t out[PROOF_CHALLENGE_LEN])
{
    return RAND_bytes(out, PROOF_CHALLENGE_LEN) == 1 ? 0 : -1;
}

/* DigestInfo ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING } is the
 * ASN.1 type X509_SIG, so OpenSSL encodes it (PKCS#1 v2.2, 9.2). */
int proof_digest_info(const uint8_t *data, size_t n, uint8_t out[PROOF_DIGEST_INFO_LEN])
{
    uint8_t hash[EVP_MAX_MD_SIZE];
    unsigned int hlen = 0;
    X509_SIG *di = X509_SIG_new();
    X509_ALGOR *alg;
    ASN1_OCTET_STRING *digest;
    int ok = 0;

    if (di == NULL)
        return -1;
    X509_SIG_getm(di, &alg, &digest);
    if (EVP_Digest(data, n, hash, &hlen, EVP_sha256(), NULL) == 1
        && X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) == 1
        && ASN1_OCTET_STRING_set(digest, hash, (int)hlen) == 1
        && i2d_X509_SIG(di, NULL) == PROOF_DIGEST_INFO_LEN) {
        uint8_t *p = out;
        ok = i2d_X509_SIG(di, &p) == PROOF_DIGEST_INFO_LEN;
    }
    X509_SIG_free(di);
    OPENSSL_cleanse(hash, sizeof hash);
    return ok ? 0 : -1;
}

const char *proof_rc_name(enum proof_rc rc)
{
    switch (rc) {
    case PROOF_OK: return "ok";
    case PROOF_BAD_CERT: return "bad-cert";
    case PROOF_UNTRUSTED: return "untrusted";
    case PROOF_EXPIRED: return "expired";
    case PROOF_BAD_SIGNATURE: return "bad-signature";
    }
    return "unknown";
}

/* Exactly one DER certificate and nothing after it, or NULL. */
static X509 *parse_cert(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x;

    if (der == NULL || len == 0 || len > LONG_MAX)
        return NULL;
    x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p != der + len) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

/* Which certificates of the chain were out of date at the check's time. */
struct expiry_seen {
    time_t now;
    bool leaf;
    bool ca;
};

/* Verification callback: note an expired certificate and carry on, so the
 * signatures of the whole chain are still checked; every other failure
 * stops verification as usual. */
static int note_expiry(int ok, X509_STORE_CTX *ctx)
{
    struct expiry_seen *seen = X509_STORE_CTX_get_app_data(ctx);
    X509 *cert = X509_STORE_CTX_get_current_cert(ctx);

    if (ok || X509_STORE_CTX_get_error(ctx) != X509_V_ERR_CERT_HAS_EXPIRED)
        return ok;
    /* OpenSSL counts notAfter itself as expired; RFC 5280 (4.1.2.5) and
     * reminder.c count it as the last valid second. */
    if (cert != NULL && ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert), seen->now) == 0)
        return 1;
    if (X509_STORE_CTX_get_error_depth(ctx) == 0)
        seen->leaf = true;
    else
        seen->ca = true;
    return 1;
}

/* Build and verify the chain from cert to an anchor at time now. An
 * expired holder certificate is PROOF_EXPIRED (renew it) even where an old
 * root has expired with it; an expired CA alone is a trust problem. */
static enum proof_rc check_chain(const struct trust *t, X509 *cert, time_t now)
{
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    struct expiry_seen seen = { now, false, false };
    enum proof_rc rc = PROOF_UNTRUSTED;

    if (ctx != NULL && X509_STORE_CTX_init(ctx, t->store, cert, NULL) == 1) {
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), now);
        X509_STORE_CTX_set_app_data(ctx, &seen);
        X509_STORE_CTX_set_verify_cb(ctx, note_expiry);
        if (X509_verify_cert(ctx) == 1)
            rc = seen.leaf ? PROOF_EXPIRED : seen.ca ? PROOF_UNTRUSTED : PROOF_OK;
    }
    X509_STORE_CTX_free(ctx);
    return rc;
}

/* The certificate must say it is for signatures (JPKI marks it critical). */
static enum proof_rc check_usage(X509 *cert)
{
    if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) == 0
        || (X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) == 0)
        return PROOF_BAD_CERT;
    return PROOF_OK;
}

/* RSA PKCS#1 v1.5 with SHA-256 over the challenge: what the card made by
 * padding the DigestInfo from proof_digest_info(). */
static enum proof_rc check_signature(X509 *cert, const uint8_t *msg, size_t msg_len,
                                     const uint8_t *sig, size_t sig_len)
{
    EVP_PKEY *key = X509_get0_pubkey(cert);
    EVP_MD_CTX *md;
    EVP_PKEY_CTX *pctx = NULL;
    bool ok;

    if (key == NULL || !EVP_PKEY_is_a(key, "RSA"))
        return PROOF_BAD_CERT;
    md = EVP_MD_CTX_new();
    ok = md != NULL && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) == 1
         && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0
         && EVP_DigestVerify(md, sig, sig_len, msg, msg_len) == 1;
    EVP_MD_CTX_free(md);
    return ok ? PROOF_OK : PROOF_BAD_SIGNATURE;
}

enum proof_rc proof_check(const struct trust *t, const uint8_t *cert_der, size_t cert_len,
                          const uint8_t *challenge, size_t chal_len, const uint8_t *sig,
                          size_t sig_len, time_t now)
{
    X509 *cert = parse_cert(cert_der, cert_len);
    enum proof_rc rc;

    if (cert == NULL) {
        ERR_clear_error();
        return PROOF_BAD_CERT;
    }
    rc = check_chain(t, cert, now);
    if (rc == PROOF_OK)
        rc = check_usage(cert);
    if (rc == PROOF_OK)
        rc = check_signature(cert, challenge, chal_len, sig, sig_len);
    X509_free(cert);
    /* Failures leave reasons on this thread's error queue; nobody reads
     * them, so do not let them pile up in the worker. */
    ERR_clear_error();
    return rc;
}

enum proof_rc proof_check_cert(const struct trust *t, const uint8_t *cert_der,
                               size_t cert_len, time_t now)
{
    X509 *cert = parse_cert(cert_der, cert_len);
    enum proof_rc rc = PROOF_BAD_CERT;

    if (cert != NULL) {
        rc = check_chain(t, cert, now);
        if (rc == PROOF_OK)
            rc = check_usage(cert);
    }
    X509_free(cert);
    ERR_clear_error();
    return rc;
}

/* SHA-256 over DER(issuer name) || DER(serial INTEGER), as lowercase hex. */
static int card_key_of(X509 *x, char out[CARD_KEY_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char *issuer = NULL, *serial = NULL;
    int ni = i2d_X509_NAME(X509_get_issuer_name(x), &issuer);
    int ns = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &serial);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char hash[CARD_KEY_LEN / 2];
    bool ok = ni > 0 && ns > 0 && md != NULL
              && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
              && EVP_DigestUpdate(md, issuer, (size_t)ni) == 1
              && EVP_DigestUpdate(md, serial, (size_t)ns) == 1
              && EVP_DigestFinal_ex(md, hash, NULL) == 1;

    EVP_MD_CTX_free(md);
    OPENSSL_free(issuer);
    OPENSSL_free(serial);
    if (!ok)
        return -1;
    for (size_t i = 0; i < sizeof hash; i++) {
        out[2 * i] = hex[hash[i] >> 4];
        out[2 * i + 1] = hex[hash[i] & 0x0f];
    }
    out[CARD_KEY_LEN] = '\0';
    return 0;
}

int cert_facts(const uint8_t *der, size_t len, time_t *not_after, char card_key[CARD_KEY_LEN + 1])
{
    X509 *x = parse_cert(der, len);
    struct tm tm;
    int rc = 0;

    if (x == NULL) {
        ERR_clear_error();
        return -1;
    }
    if (not_after != NULL) {
        if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
            *not_after = timegm(&tm);
        else
            rc = -1;
    }
    if (rc == 0 && card_key != NULL)
        rc = card_key_of(x, card_key);
    X509_free(x);
    ERR_clear_error();
    return rc;
}

int cert_not_before(const uint8_t *der, size_t len, time_t *not_before)
{
    X509 *x = parse_cert(der, len);
    struct tm tm;
    int rc = -1;

    if (x != NULL && ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm) == 1) {
        *not_before = timegm(&tm);
        rc = 0;
    }
    X509_free(x);
    ERR_clear_error();
    return rc;
}
