/*
 * apdu.h - one command APDU exchange over struct card_io, with the T=0-style
 * status words that mean "not finished yet" handled in one place:
 *
 *   61 xx  more data waiting: GET RESPONSE (00 C0 00 00 xx), data appended;
 *   6C xx  wrong Le: the same command sent again with Le = xx.
 *
 * The My Number card runs T=1 and is not known to send either, but readers
 * and other cards may, and then a reader that ignores them reads half a
 * certificate. Building and Le correction know short APDUs only (the JPKI
 * commands never need more); other commands pass through unchanged.
 */
#ifndef READER_APDU_H
#define READER_APDU_H

#include <stddef.h>
#include <stdint.h>

#include "reader/card.h"

/* Room for a 256-byte signature or read and a few GET RESPONSE rounds. */
#define APDU_DATA_MAX 1024

/* At most this many exchanges (first command, GET RESPONSEs, resends) per
 * apdu_transmit(), so a card that answers 61 xx forever cannot hang us. */
#define APDU_ROUNDS_MAX 16

/* The longest short command APDU: header, Lc, 255 data bytes, Le. */
#define APDU_CMD_MAX (4 + 1 + 255 + 1)

#define APDU_SW_OK 0x9000u

/* A response APDU split into its data and status word. */
struct apdu_resp {
    uint8_t data[APDU_DATA_MAX];
    size_t len;  /* bytes of data, all rounds together */
    uint16_t sw; /* SW1 SW2 of the last round */
};

/*
 * Send cmd[0..n) through io and fill *r. Returns an enum card_rc:
 *   CARD_OK        *r holds the answer; any status word, including errors
 *                  (the caller decides what a status word means);
 *   CARD_GONE      the card left (from io, passed through);
 *   CARD_IO_ERROR  io failed, or the exchange broke its contract: an answer
 *                  shorter than SW1 SW2, more than APDU_DATA_MAX bytes of
 *                  data, or more than APDU_ROUNDS_MAX rounds.
 * After anything but CARD_OK the contents of *r are unspecified.
 * A 6C xx to a command that is not a well-formed short APDU is returned
 * as it is. cmd is never modified; any copy made of it (it may hold a PIN)
 * is wiped before returning.
 */
int apdu_transmit(const struct card_io *io, const uint8_t *cmd, size_t n,
                  struct apdu_resp *r);

/*
 * Build a short command APDU into out[0..cap): header, then Lc and data when
 * lc > 0, then Le when ne > 0 (ne = expected bytes, 1..256; 256 is coded 00;
 * ne = 0 means no Le field, as in ISO 7816-4). Returns its length, or 0 if
 * lc > 255, ne > 256, data is NULL with lc > 0, or it does not fit.
 */
size_t apdu_build(uint8_t *out, size_t cap, uint8_t cla, uint8_t ins,
                  uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc,
                  size_t ne);

/* A fixed English description of a status word, for logs (never NULL;
 * a static string, safe from any thread). */
const char *apdu_sw_text(uint16_t sw);

#endif
