/*
 * proof.h - proving that the person holds the card and knows its PIN
 * (jpki.md, "Proving the PIN"), and the two facts the kiosk keeps about a
 * card's user-authentication certificate.
 *
 * The kiosk sends a fresh random challenge; after a successful VERIFY the
 * card signs its SHA-256 DigestInfo with the user-authentication key.
 * proof_check() then accepts only a signature that verifies under a
 * certificate that chains to a configured trust anchor, is within its
 * validity period and allows digitalSignature. A "90 00" from VERIFY alone
 * proves nothing to anyone but the kiosk; this signature does.
 *
 * All functions are thread-safe as long as one struct trust is not being
 * changed (trust_add_*) while another thread checks against it.
 */
#ifndef KIOSK_PROOF_H
#define KIOSK_PROOF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/types.h> /* X509, without all of x509.h */

/* The trust anchors: the JPKI user-authentication root certificates
 * (tests use their own CA). An X509_STORE behind an opaque pointer. */
struct trust;

/* A new, empty set of anchors, or NULL when out of memory. */
struct trust *trust_new(void);
/* Free the set; NULL is fine. */
void trust_free(struct trust *t);
/* Add every certificate in the PEM file at path. Returns 0, or -1 with a
 * translated message naming the file in err (missing, unreadable, a
 * damaged certificate, or no certificate in it); the certificates before
 * a damaged one stay added, so treat -1 as fatal for the set. */
int trust_add_pem_file(struct trust *t, const char *path, char *err, size_t errlen);
/* Add one anchor; the set takes its own reference. Returns 0 or -1. */
int trust_add_x509(struct trust *t, X509 *ca);

/* The challenge: fresh random bytes from OpenSSL's CSPRNG. 0 or -1. */
#define PROOF_CHALLENGE_LEN 32
int proof_challenge(uint8_t out[PROOF_CHALLENGE_LEN]);

/* What the card signs: the DER DigestInfo of SHA-256(data), that is the
 * 19-byte AlgorithmIdentifier prefix followed by the 32-byte hash. The
 * card adds the PKCS#1 v1.5 padding itself. Returns 0 or -1. */
#define PROOF_DIGEST_INFO_LEN 51
int proof_digest_info(const uint8_t *data, size_t n, uint8_t out[PROOF_DIGEST_INFO_LEN]);

enum proof_rc {
    PROOF_OK,            /* the card holder signed this challenge */
    PROOF_BAD_CERT,      /* not a DER certificate, or not one for signing */
    PROOF_UNTRUSTED,     /* does not chain to an anchor (or not yet valid) */
    PROOF_EXPIRED,       /* trusted, but now is after its notAfter */
    PROOF_BAD_SIGNATURE, /* the signature is not over this challenge */
};

/* A fixed ASCII name for logs ("ok", "bad-cert", ...); never NULL. */
const char *proof_rc_name(enum proof_rc rc);

/* Check the card's answer: cert_der is the user-authentication
 * certificate as read from the card, sig the card's RSA PKCS#1 v1.5
 * signature over the SHA-256 DigestInfo of challenge. The chain and the
 * validity period are judged at `now`, not at the machine's clock, so the
 * worker and the tests decide what "now" is. An expired certificate is
 * PROOF_EXPIRED even when the signature is right: an out-of-date
 * certificate proves nothing, and the person is sent to renew. */
enum proof_rc proof_check(const struct trust *t, const uint8_t *cert_der, size_t cert_len,
                          const uint8_t *challenge, size_t chal_len, const uint8_t *sig,
                          size_t sig_len, time_t now);

/* The certificate alone, for the face and staff checks, where the card
 * signs nothing: it chains to an anchor, is in date at now and is for
 * signatures (PROOF_OK, PROOF_BAD_CERT, PROOF_UNTRUSTED or PROOF_EXPIRED).
 * It shows the card is a genuine one, not that its holder is present:
 * that is what the face or staff check is for. */
enum proof_rc proof_check_cert(const struct trust *t, const uint8_t *cert_der,
                               size_t cert_len, time_t now);

/* What the kiosk keeps of a certificate: its notAfter as a time_t, and
 * the card key, the lowercase hex SHA-256 of the DER issuer name followed
 * by the DER serial number INTEGER. Issuer and serial identify the
 * certificate and nothing about the person; the hash is all the ledger
 * stores. Either output may be NULL. Returns 0, or -1 for a DER blob that
 * is not exactly one certificate. */
#define CARD_KEY_LEN 64
int cert_facts(const uint8_t *der, size_t len, time_t *not_after, char card_key[CARD_KEY_LEN + 1]);

/* The certificate's notBefore (when it was issued), which with notAfter
 * bounds the card's own expiry (reminder_card()). Returns 0, or -1 for a
 * DER blob that is not exactly one certificate. */
int cert_not_before(const uint8_t *der, size_t len, time_t *not_before);

#endif
