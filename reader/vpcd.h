/*
 * vpcd.h - the card's side of vsmartcard's vpcd reader driver, so the
 * simulated card can sit behind a real pcscd (design: architecture.md,
 * jpki-sources.md section 10).
 *
 * The driver, loaded in pcscd, listens on a TCP port per slot; the card
 * connects, and is "in the reader" while the connection lasts. Both ways,
 * every message is a 2-byte big-endian length and that many bytes. A
 * 1-byte message is a control code (VPCD_POWER_OFF, VPCD_POWER_ON,
 * VPCD_RESET: no answer; VPCD_GET_ATR: answered with the ATR); anything
 * longer is a command APDU, answered with one response APDU.
 *
 * The driver asks for the ATR about every 400 ms to see whether the card
 * is still there, so an answer must come at once, always.
 */
#ifndef READER_VPCD_H
#define READER_VPCD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct simcard;

enum vpcd_ctrl {
    VPCD_POWER_OFF = 0,
    VPCD_POWER_ON = 1,
    VPCD_RESET = 2,
    VPCD_GET_ATR = 4,
};

/* The largest message either side sends (the length field's range). */
#define VPCD_MSG_MAX 0xFFFF

/*
 * Connect to the driver at host:port (TCP). Returns the socket (close-on-
 * exec), or -1 with errno set; ECONNREFUSED while pcscd has not opened the
 * port yet, so callers retry.
 */
int vpcd_connect(const char *host, const char *port);

/*
 * Read one whole message from fd into buf[0..cap): its length (>= 1), 0
 * when the driver closed the connection, -1 on an error, a zero-length or
 * over-long message (errno EPROTO). Blocks until the message is complete.
 */
ssize_t vpcd_recv(int fd, uint8_t *buf, size_t cap);

/* Send one message msg[0..n) (1 <= n <= VPCD_MSG_MAX). 0, or -1 with
 * errno. */
int vpcd_send(int fd, const uint8_t *msg, size_t n);

/*
 * What the card answers to the message msg[0..n) from the driver: power
 * off, power on and reset clear the card's session state (simcard_reset:
 * selected application and file, verified PINs); get-ATR is answered with
 * simcard_atr(); anything longer goes to simcard_process(). The answer is
 * put in out[0..cap) and its length in *outn (0: nothing to send back).
 * Returns 0, or -1 for an unknown control code or an answer that does not
 * fit (cap >= SIMCARD_RESP_MAX always suffices).
 */
int vpcd_answer(struct simcard *sc, const uint8_t *msg, size_t n,
                uint8_t *out, size_t cap, size_t *outn);

#endif
