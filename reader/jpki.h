/*
 * jpki.h - the JPKI application of the My Number card (design: jpki.md):
 * read the user-authentication certificate and the PIN tries, verify the
 * PIN, sign with the user-authentication key. Speaks only through
 * struct card_io, so it runs the same on pcsc-lite, the simulated card and
 * scripted test doubles.
 *
 * Session rule: jpki_read_card() (or jpki_select_ap()) selects the JPKI
 * application; jpki_tries(), jpki_verify_pin() and jpki_sign() assume it is
 * still selected and never select it themselves, because selecting it
 * drops a verified PIN. After a reset or a re-insertion call
 * jpki_select_ap() (or jpki_read_card()) first.
 *
 * Nothing here retries a command by itself. None of these functions keeps
 * state; calls on different cards may run in parallel.
 */
#ifndef READER_JPKI_H
#define READER_JPKI_H

#include <stddef.h>
#include <stdint.h>

#include "reader/card.h"

enum jpki_rc {
    JPKI_OK,
    JPKI_NOT_JPKI, /* no JPKI application: SELECT of its AID was refused */
    JPKI_GONE,     /* the card left the reader (transmit: CARD_GONE) */
    JPKI_IO,       /* the reader failed (transmit: CARD_IO_ERROR) */
    JPKI_BAD,      /* an unexpected status word, malformed data, or a
                      caller error (bad PIN characters, buffer too small) */
};

/* "ok", "not-jpki", "gone", "io", "bad" (static strings; "?" otherwise). */
const char *jpki_rc_name(enum jpki_rc rc);

/* User-authentication PIN: tries when nothing went wrong. */
/* The JPKI application's name (AID), for SELECT by DF name. */
#define JPKI_AID_LEN 10
extern const uint8_t JPKI_AID[JPKI_AID_LEN];

#define JPKI_PIN_MAX_TRIES 3

/* *tries_left when the tries query answered 90 00: some cards do once the
 * PIN is verified in this session, and then report no count. */
#define JPKI_TRIES_VERIFIED (-2)

/* Largest certificate accepted (real ones are about 1.3 KB). */
#define JPKI_CERT_MAX 8192

/* Largest DigestInfo the card pads for RSA-2048 (PKCS#1 v1.5: 256 - 11). */
#define JPKI_DIGEST_INFO_MAX 245

/*
 * SELECT the JPKI application (00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01).
 * JPKI_NOT_JPKI when the card refuses the AID (6A82, or 6A81, 6A86, 6999,
 * 6D00, 6E00: cards without such an application); JPKI_BAD for other
 * status words. Drops any verified PIN.
 */
enum jpki_rc jpki_select_ap(const struct card_io *io);

/*
 * Read the user-authentication certificate and the PIN tries, in the fewest
 * APDUs: SELECT AP, SELECT EF 000A, ceil(len / 256) READ BINARYs (the first
 * 256 bytes carry the DER length), SELECT EF 0018, tries query (00 20 00 80).
 * On JPKI_OK *cert_der is a malloc'd DER X.509 certificate of *cert_len
 * bytes (caller frees) and *tries_left is 0..3 (0: blocked) or
 * JPKI_TRIES_VERIFIED. On any other result *cert_der is NULL, *cert_len 0.
 * JPKI_BAD also when the certificate does not parse as X.509.
 * *tries_left is set on JPKI_OK only.
 */
enum jpki_rc jpki_read_card(const struct card_io *io, uint8_t **cert_der,
                            size_t *cert_len, int *tries_left);

/*
 * The PIN tries, spending none: SELECT EF 0018, then exactly 00 20 00 80.
 * 63 Cx -> x; 63 C0, 69 83, 69 84 -> 0 (blocked); 90 00 ->
 * JPKI_TRIES_VERIFIED; anything else JPKI_BAD. *tries_left is set on
 * JPKI_OK only.
 */
enum jpki_rc jpki_tries(const struct card_io *io, int *tries_left);

enum jpki_pin {
    JPKI_PIN_OK,      /* verified; the card reset its counter */
    JPKI_PIN_WRONG,   /* wrong; *tries_left > 0 remain */
    JPKI_PIN_BLOCKED, /* blocked (now or before); *tries_left = 0 */
};

/*
 * SELECT EF 0018, then VERIFY 00 20 00 80 04 <pin>. pin is 4 ASCII digits
 * (not a C string); anything else is refused with JPKI_BAD before a byte
 * is sent, so a caller bug cannot spend a try. 90 00 -> OK (*tries_left
 * = JPKI_PIN_MAX_TRIES); 63 Cx -> WRONG, x left (63 C0 -> BLOCKED, 0);
 * 69 83 / 69 84 -> BLOCKED, 0; other status words JPKI_BAD. *res and
 * *tries_left are set on JPKI_OK only.
 *
 * Sent once, never retried: after JPKI_GONE or JPKI_IO the try may or may
 * not have counted; read the tries again on the next insertion. Every
 * local copy of the PIN is wiped.
 */
enum jpki_rc jpki_verify_pin(const struct card_io *io, const char pin[4],
                             enum jpki_pin *res, int *tries_left);

/*
 * SELECT EF 0017 (the user-authentication key), then 80 2A 00 80 Lc
 * <digest_info> 00: the card pads digest_info (a DER DigestInfo, 1..245
 * bytes; for SHA-256 the 19-byte prefix and the hash, 51 bytes) with
 * PKCS#1 v1.5 type 1 and signs it. The signature (256 bytes for RSA-2048)
 * goes to sig[0..cap), its length to *siglen.
 * JPKI_BAD for any status word but 90 00, 69 82 (no verified PIN) included,
 * an empty signature, a digest_info of a bad length, or cap too small.
 */
enum jpki_rc jpki_sign(const struct card_io *io, const uint8_t *digest_info,
                       size_t n, uint8_t *sig, size_t cap, size_t *siglen);

#endif
