/*
 * pinbuf.h - the one place the PIN lives.
 *
 * A page of its own, locked in memory (never swapped), left out of core
 * dumps, wiped with explicit_bzero on every clear. The UI thread types into
 * it; the worker reads it once under the lock to build the VERIFY command.
 * Nothing else ever holds the digits.
 */
#ifndef KIOSK_PINBUF_H
#define KIOSK_PINBUF_H

#include <stddef.h>

int pinbuf_init(void);     /* 0, or -1 when no page could be had */
void pinbuf_push(int digit);
void pinbuf_pop(void);
void pinbuf_clear(void);
size_t pinbuf_len(void);

/* Lock the buffer and return the digits (ASCII, not terminated) and their
 * count; pinbuf_release() unlocks. pinbuf_clear_locked() wipes while held. */
const char *pinbuf_acquire(size_t *n);
void pinbuf_clear_locked(void);
void pinbuf_release(void);

void pinbuf_destroy(void); /* wipe and unmap, at exit */

#endif
