/*
 * pinbuf.h - the one place the card's PIN lives: a secret (secret.h) of
 * PIN_DIGITS digits, apart from any other, so nothing but the PIN can ever
 * reach a VERIFY command.
 */
#ifndef KIOSK_PINBUF_H
#define KIOSK_PINBUF_H

#include <stddef.h>

#include "kiosk/flow.h"

int pinbuf_init(void);     /* 0, or -1 when no page could be had */
void pinbuf_push(int digit);
void pinbuf_pop(void);
void pinbuf_clear(void);
/* Copy the digits to out and wipe the buffer in one step; returns how
 * many there were. The caller wipes out as soon as the command is sent. */
size_t pinbuf_take(char out[PIN_DIGITS]);
void pinbuf_destroy(void); /* wipe and unmap, at exit */

#endif
