/*
 * card.h - one APDU exchange with a smart card: the only thing the JPKI
 * client needs from a reader. The in-process simulated card, pcsc-lite and
 * tests all provide it, so reader/jpki.c runs unchanged on each.
 */
#ifndef READER_CARD_H
#define READER_CARD_H

#include <stddef.h>
#include <stdint.h>

/* What transmit() returns. */
enum card_rc {
    CARD_OK = 0,        /* an answer arrived (data + SW1 SW2 in resp) */
    CARD_GONE = -1,     /* the card left the reader (or was never there) */
    CARD_IO_ERROR = -2, /* the reader or its service failed */
};

struct card_io {
    /* Send the command APDU cmd[0..n); on CARD_OK the whole response APDU
     * (data then SW1 SW2, at least 2 bytes) is in resp[0..*rn), *rn <= cap. */
    int (*transmit)(void *ctx, const uint8_t *cmd, size_t n,
                    uint8_t *resp, size_t cap, size_t *rn);
    void *ctx;
};

#endif
