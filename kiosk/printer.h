/*
 * printer.h - receipts to the printer, off the UI thread.
 *
 * [printer] device in the configuration names where receipts go:
 *   /dev/usb/lp0    an ESC/POS printer's device (any character device or
 *                   FIFO): the receipt's bytes are written to it
 *   file:DIR        one file per receipt in the directory DIR, named
 *                   receipt-<UTC time>-<pid>-<n>.escpos, written whole
 *                   (a temporary name, then rename) so that a spooler
 *                   watching DIR never sees half a receipt
 *
 * A printer may be missing (unplugged: no device), off-line (cover open,
 * switched off, busy with another program) or out of paper; the kiosk
 * says which and goes on. For a USB printer (usblp) the kiosk asks the
 * printer's status before writing (LPGETSTATUS) and has the driver fail
 * a write on an error instead of waiting for it (LPABORT); a write that
 * does not finish within the time-out means off-line.
 *
 * printer_start() runs a thread that takes receipts one at a time and
 * answers each with an EV_PRINT_DONE event through a pipe the loop polls,
 * as the worker does for card jobs.
 */
#ifndef KIOSK_PRINTER_H
#define KIOSK_PRINTER_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/flow.h"

/* How long a receipt may take to go out before the printer counts as
 * off-line. */
#define PRINTER_TIMEOUT_MS 10000

/* Write bytes[0..n) to device (as [printer] device names it), waiting at
 * most timeout_ms. Blocks: for the printer thread and tests. */
enum print_outcome printer_send(const char *device, const uint8_t *bytes,
                                size_t n, int timeout_ms);

/* What a parallel-port style status byte (LPGETSTATUS: paper out,
 * selected, no error) says about printing. */
enum print_outcome printer_lp_status(int status);

struct printer;

/* Start the thread for device; NULL when it cannot be started. */
struct printer *printer_start(const char *device);
/* The descriptor to poll for answers, and reading one (1, 0: none). */
int printer_fd(const struct printer *p);
int printer_read_event(struct printer *p, struct event *ev);
/* Queue bytes[0..n) (the printer takes them and frees them) for the
 * session; the answer is EV_PRINT_DONE tagged with it. A full queue or
 * NULL bytes answer PRINT_FAILED at once. */
void printer_submit(struct printer *p, uint8_t *bytes, size_t n,
                    uint32_t session);
/* Finish the receipt being printed, drop the rest, stop, free; NULL is
 * fine. */
void printer_stop(struct printer *p);

#endif
