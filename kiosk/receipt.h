/*
 * receipt.h - the printed receipt, as the bytes an ESC/POS printer takes.
 *
 * What it says (rules.md; nothing personal: no name, no number, no card
 * key): the date and time in Japan, the kiosk's id, the outcome, the
 * certificate's expiry and what to do about it, the card's own expiry as
 * far as the certificate tells it, reporting a move, the help line with
 * its hours, and the QR code of the screen it was printed from, as a
 * raster image (GS v 0) so that any ESC/POS printer prints it.
 *
 * The text is Japanese whatever language the screen is in (a receipt is
 * shown at a counter, and a Japanese receipt printer prints only what
 * Shift_JIS holds): it is taken from the Japanese catalogue and printed
 * in the printer's kanji mode (FS C 1: Shift_JIS, FS &). Lines are
 * broken by display width for RECEIPT_COLUMNS columns (a kanji is two),
 * which fits 58 mm paper and wider.
 *
 * Pure apart from gettext: the time is the caller's.
 */
#ifndef KIOSK_RECEIPT_H
#define KIOSK_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kiosk/flow.h"

#define RECEIPT_COLUMNS 32
/* Printer dots per QR module: 0.75 mm at 203 dpi, a code of about 3 cm. */
#define RECEIPT_DOTS_PER_MODULE 6

struct receipt {
    enum receipt_kind kind;
    time_t when;          /* printed at (shown in Japan time) */
    const char *kiosk_id;
    bool has_cert;        /* rem holds the card's certificate dates */
    struct reminder rem;
    const char *url;      /* the QR code's address; NULL: no code */
};

/* The receipt as ESC/POS bytes in *out (malloc'd, the caller frees) and
 * their length in *n. Returns 0, or -1 when memory runs out or the URL
 * does not fit a QR code. */
int receipt_escpos(const struct receipt *r, uint8_t **out, size_t *n);

#endif
