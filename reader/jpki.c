/*
 * jpki.c - the JPKI application's commands (facts: jpki.md). Every command
 * goes through apdu_transmit(); every status word is judged here.
 */
#include "reader/jpki.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "reader/apdu.h"

/* Files of the JPKI application (jpki.md, "Files"). */
enum {
    EF_AUTH_CERT = 0x000A,
    EF_AUTH_KEY = 0x0017,
    EF_AUTH_PIN = 0x0018,
};

/* READ BINARY moves at most this much per APDU: short Le 00. */
#define READ_CHUNK 256

const uint8_t JPKI_AID[JPKI_AID_LEN] = { 0xD3, 0x92, 0xF0, 0x00, 0x26,
                                         0x01, 0x00, 0x00, 0x00, 0x01 };


const char *jpki_rc_name(enum jpki_rc rc)
{
    switch (rc) {
    case JPKI_OK: return "ok";
    case JPKI_NOT_JPKI: return "not-jpki";
    case JPKI_GONE: return "gone";
    case JPKI_IO: return "io";
    case JPKI_BAD: return "bad";
    }
    return "?";
}

/* One exchange; the transport's verdict as a jpki_rc. */
static enum jpki_rc exchange(const struct card_io *io, const uint8_t *cmd,
                             size_t n, struct apdu_resp *r)
{
    switch (apdu_transmit(io, cmd, n, r)) {
    case CARD_OK: return JPKI_OK;
    case CARD_GONE: return JPKI_GONE;
    default: return JPKI_IO;
    }
}

/* An exchange whose only good answer is 90 00. */
static enum jpki_rc exchange_ok(const struct card_io *io, const uint8_t *cmd,
                                size_t n, struct apdu_resp *r)
{
    enum jpki_rc rc = exchange(io, cmd, n, r);

    if (rc == JPKI_OK && r->sw != APDU_SW_OK)
        return JPKI_BAD;
    return rc;
}

/* Status words with which a card says "no such application here". */
static bool sw_means_no_app(uint16_t sw)
{
    return sw == 0x6A82 || sw == 0x6A81 || sw == 0x6A86 || sw == 0x6999 ||
           sw == 0x6D00 || sw == 0x6E00;
}

enum jpki_rc jpki_select_ap(const struct card_io *io)
{
    uint8_t cmd[APDU_CMD_MAX];
    size_t n = apdu_build(cmd, sizeof cmd, 0x00, 0xA4, 0x04, 0x0C, JPKI_AID,
                          sizeof JPKI_AID, 0);
    struct apdu_resp r;
    enum jpki_rc rc = exchange(io, cmd, n, &r);

    if (rc != JPKI_OK || r.sw == APDU_SW_OK)
        return rc;
    return sw_means_no_app(r.sw) ? JPKI_NOT_JPKI : JPKI_BAD;
}

/* SELECT an EF of the current application: 00 A4 02 0C 02 HH LL. */
static enum jpki_rc select_ef(const struct card_io *io, uint16_t fid)
{
    const uint8_t id[2] = {(uint8_t)(fid >> 8), (uint8_t)(fid & 0xFF)};
    uint8_t cmd[APDU_CMD_MAX];
    size_t n = apdu_build(cmd, sizeof cmd, 0x00, 0xA4, 0x02, 0x0C, id,
                          sizeof id, 0);
    struct apdu_resp r;

    return exchange_ok(io, cmd, n, &r);
}

/* READ BINARY of up to ne (1..256) bytes at offset; an empty answer or
 * more than asked for is a broken card. */
static enum jpki_rc read_binary(const struct card_io *io, size_t offset,
                                size_t ne, struct apdu_resp *r)
{
    uint8_t cmd[APDU_CMD_MAX];
    size_t n = apdu_build(cmd, sizeof cmd, 0x00, 0xB0,
                          (uint8_t)((offset >> 8) & 0x7F),
                          (uint8_t)(offset & 0xFF), NULL, 0, ne);
    enum jpki_rc rc = exchange_ok(io, cmd, n, r);

    if (rc == JPKI_OK && (r->len == 0 || r->len > ne))
        return JPKI_BAD;
    return rc;
}

/*
 * The whole DER length (header + content) of the SEQUENCE that starts at
 * p[0..have), from its header alone. ASN1_get_object() flags a content
 * longer than `have` with 0x80 on top of the usual bits, which is the
 * normal case for a first chunk; 0x80 alone means a broken header.
 */
static int der_total_len(const uint8_t *p, size_t have, size_t *total)
{
    const unsigned char *q = p;
    long len = 0;
    int tag = 0, xclass = 0;

    ERR_set_mark();
    int ret = ASN1_get_object(&q, &len, &tag, &xclass, (long)have);
    ERR_pop_to_mark();
    if (ret == 0x80 || !(ret & V_ASN1_CONSTRUCTED) || (ret & 0x01) ||
        tag != V_ASN1_SEQUENCE || xclass != V_ASN1_UNIVERSAL || len <= 0)
        return -1;
    *total = (size_t)(q - p) + (size_t)len;
    return 0;
}

/* True when der[0..len) is exactly one X.509 certificate. */
static bool is_x509(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;

    ERR_set_mark();
    X509 *x = d2i_X509(NULL, &p, (long)len);
    ERR_pop_to_mark();
    bool ok = x != NULL && p == der + len;
    X509_free(x);
    return ok;
}

/* Read the rest of a certificate whose first `have` bytes are in buf. */
static enum jpki_rc read_rest(const struct card_io *io, uint8_t *buf,
                              size_t have, size_t total)
{
    struct apdu_resp r;

    while (have < total) {
        size_t want = total - have < READ_CHUNK ? total - have : READ_CHUNK;
        enum jpki_rc rc = read_binary(io, have, want, &r);

        if (rc != JPKI_OK)
            return rc;
        memcpy(buf + have, r.data, r.len);
        have += r.len;
    }
    return JPKI_OK;
}

/* SELECT EF 000A and read it: the first 256 bytes tell the length. */
static enum jpki_rc read_cert(const struct card_io *io, uint8_t **out,
                              size_t *outlen)
{
    struct apdu_resp r;
    size_t total = 0;
    enum jpki_rc rc = select_ef(io, EF_AUTH_CERT);

    if (rc == JPKI_OK)
        rc = read_binary(io, 0, READ_CHUNK, &r);
    if (rc != JPKI_OK)
        return rc;
    if (der_total_len(r.data, r.len, &total) != 0 || total > JPKI_CERT_MAX)
        return JPKI_BAD;
    uint8_t *buf = malloc(total);
    if (buf == NULL)
        return JPKI_BAD;
    /* The EF may be longer than the certificate: keep only the DER. */
    size_t have = r.len < total ? r.len : total;
    memcpy(buf, r.data, have);
    rc = read_rest(io, buf, have, total);
    if (rc == JPKI_OK && !is_x509(buf, total))
        rc = JPKI_BAD;
    if (rc != JPKI_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = total;
    return JPKI_OK;
}

/* The answer to the tries query (or to VERIFY's "no count" forms). */
static enum jpki_rc tries_from_sw(uint16_t sw, int *tries_left)
{
    if ((sw & 0xFFF0) == 0x63C0)
        *tries_left = sw & 0x0F;
    else if (sw == 0x6983 || sw == 0x6984)
        *tries_left = 0;
    else if (sw == APDU_SW_OK)
        *tries_left = JPKI_TRIES_VERIFIED;
    else
        return JPKI_BAD;
    return JPKI_OK;
}

enum jpki_rc jpki_tries(const struct card_io *io, int *tries_left)
{
    /* Case 1, exactly 4 bytes: with an Le real cards answer 67 00. */
    static const uint8_t query[] = {0x00, 0x20, 0x00, 0x80};
    struct apdu_resp r;
    enum jpki_rc rc = select_ef(io, EF_AUTH_PIN);

    if (rc == JPKI_OK)
        rc = exchange(io, query, sizeof query, &r);
    if (rc != JPKI_OK)
        return rc;
    return tries_from_sw(r.sw, tries_left);
}

enum jpki_rc jpki_read_card(const struct card_io *io, uint8_t **cert_der,
                            size_t *cert_len, int *tries_left)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int tries = 0;
    enum jpki_rc rc = jpki_select_ap(io);

    *cert_der = NULL;
    *cert_len = 0;
    if (rc == JPKI_OK)
        rc = read_cert(io, &buf, &len);
    if (rc == JPKI_OK)
        rc = jpki_tries(io, &tries);
    if (rc != JPKI_OK) {
        free(buf);
        return rc;
    }
    *cert_der = buf;
    *cert_len = len;
    *tries_left = tries;
    return JPKI_OK;
}

static bool pin_is_digits(const char pin[4])
{
    for (int i = 0; i < 4; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return false;
    return true;
}

/* What VERIFY's status word says about the PIN. */
static enum jpki_rc pin_from_sw(uint16_t sw, enum jpki_pin *res,
                                int *tries_left)
{
    if (sw == APDU_SW_OK) {
        *res = JPKI_PIN_OK;
        *tries_left = JPKI_PIN_MAX_TRIES;
    } else if ((sw & 0xFFF0) == 0x63C0 && (sw & 0x0F) > 0) {
        *res = JPKI_PIN_WRONG;
        *tries_left = sw & 0x0F;
    } else if (sw == 0x63C0 || sw == 0x6983 || sw == 0x6984) {
        *res = JPKI_PIN_BLOCKED;
        *tries_left = 0;
    } else {
        return JPKI_BAD;
    }
    return JPKI_OK;
}

enum jpki_rc jpki_verify_pin(const struct card_io *io, const char pin[4],
                             enum jpki_pin *res, int *tries_left)
{
    uint8_t cmd[9] = {0x00, 0x20, 0x00, 0x80, 0x04};
    struct apdu_resp r;
    enum jpki_rc rc;

    if (pin == NULL || !pin_is_digits(pin))
        return JPKI_BAD;
    rc = select_ef(io, EF_AUTH_PIN);
    if (rc != JPKI_OK)
        return rc;
    memcpy(cmd + 5, pin, 4);
    rc = exchange(io, cmd, sizeof cmd, &r);
    explicit_bzero(cmd, sizeof cmd);
    if (rc != JPKI_OK)
        return rc;
    return pin_from_sw(r.sw, res, tries_left);
}

enum jpki_rc jpki_sign(const struct card_io *io, const uint8_t *digest_info,
                       size_t n, uint8_t *sig, size_t cap, size_t *siglen)
{
    uint8_t cmd[APDU_CMD_MAX];
    struct apdu_resp r;
    enum jpki_rc rc;

    if (digest_info == NULL || n == 0 || n > JPKI_DIGEST_INFO_MAX ||
        sig == NULL || siglen == NULL)
        return JPKI_BAD;
    rc = select_ef(io, EF_AUTH_KEY);
    if (rc != JPKI_OK)
        return rc;
    size_t cn = apdu_build(cmd, sizeof cmd, 0x80, 0x2A, 0x00, 0x80,
                           digest_info, n, 256);
    rc = exchange_ok(io, cmd, cn, &r);
    if (rc != JPKI_OK)
        return rc;
    if (r.len == 0 || r.len > cap)
        return JPKI_BAD;
    memcpy(sig, r.data, r.len);
    *siglen = r.len;
    return JPKI_OK;
}
