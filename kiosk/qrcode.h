/*
 * qrcode.h - a text as QR code modules, through libqrencode.
 *
 * The one place that calls libqrencode: the screens (screens/qr.h) and
 * the receipts (kiosk/receipt.h) both draw from a struct qrcode, a plain
 * square of dark and light modules without the quiet zone (QR_QUIET
 * modules of light on every side, which each drawing adds itself). No
 * QRcode type leaves this file.
 */
#ifndef KIOSK_QRCODE_H
#define KIOSK_QRCODE_H

#include <stdbool.h>

/* Light modules a reader needs around the code (ISO/IEC 18004). */
#define QR_QUIET 4

/* The largest version the kiosk draws: 33 modules, 41 with the quiet
 * zone, which is 21 rows of half-blocks: what fits an 80x24 terminal
 * beside a caption. The configuration refuses longer URLs. */
#define QR_MAX_VERSION 4

struct qrcode {
    int size;             /* modules per side, without the quiet zone */
    unsigned char *dark;  /* size * size, row by row: 1 dark, 0 light */
};

/* Encode text (case kept, byte mode where needed) in the smallest
 * version up to max_version, at error correction level M, raised to Q or
 * H when that needs no larger version. Returns 0, or -1 when the text
 * does not fit max_version or memory runs out (*q is then empty). */
int qrcode_make(const char *text, int max_version, struct qrcode *q);

/* Whether the module at column x, row y is dark. Coordinates may reach
 * into the quiet zone or beyond (negative, or >= size): light there. */
bool qrcode_dark(const struct qrcode *q, int x, int y);

/* Release the modules; a zeroed or freed struct is fine. */
void qrcode_free(struct qrcode *q);

/* Whether text fits a code of at most max_version (for the
 * configuration's check of its URLs). */
bool qrcode_fits(const char *text, int max_version);

#endif
