/*
 * testca.h - a JPKI-like test certification authority, made at run time
 * with OpenSSL: the simulated card's certificates chain to it, and tests
 * and the demo list it as their trust anchor in place of the real J-LIS
 * roots. Never for production.
 *
 * The CA: RSA-2048, self-signed, sha256WithRSAEncryption, subject
 * C=JP, O=JPKI-TEST, OU=JPKI for user authentication, OU=Japan Agency for
 * Local Authority Information Systems; basicConstraints CA:TRUE and
 * keyUsage keyCertSign+cRLSign, both critical; valid from two years ago
 * (so it covers every simulated card's notBefore) to 14:59:59Z ten years
 * ahead, as J-LIS CA certificates end at 23:59:59 Japan time.
 *
 * A struct testca is not modified after testca_new(); it may be used from
 * several threads at once.
 */
#ifndef READER_TESTCA_H
#define READER_TESTCA_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct testca;

/* Length of the opaque CN of an issued certificate (as on real cards). */
#define TESTCA_CN_LEN 23

/* A new CA (key generation takes ~0.1 s). NULL on failure, with a reason
 * in err[0..errlen) (err may be NULL). Free with testca_free(). */
struct testca *testca_new(char *err, size_t errlen);

/* Frees the CA and its key; NULL is fine. */
void testca_free(struct testca *ca);

/* The CA certificate, owned by ca (do not free; valid until testca_free). */
X509 *testca_cert(const struct testca *ca);

/* Write the CA certificate as PEM to path (created or truncated).
 * 0, or -1 with errno or OpenSSL's error queue telling why. */
int testca_write_pem(const struct testca *ca, const char *path);

/*
 * Issue a user-authentication certificate for the public half of key,
 * valid [not_before, not_after] (exact seconds: pass jst_day_end()
 * values for realistic ones): subject C=JP, CN=<TESTCA_CN_LEN random
 * characters from 0-9A-Z>, issuer the CA's subject, random positive
 * 127-bit serial, keyUsage critical digitalSignature, subject and authority
 * key identifiers, sha256WithRSAEncryption. Returns a new X509 (caller
 * frees with X509_free), or NULL with a reason in err.
 */
X509 *testca_issue_auth(const struct testca *ca, EVP_PKEY *key,
                        time_t not_before, time_t not_after, char *err,
                        size_t errlen);

#endif
