/*
 * staffcode.h - the one place a typed staff code lives: a secret
 * (secret.h) of its own, apart from the PIN's, so a staff code can never
 * be sent to the card as a PIN. Before staffcode_init() (the unit tests of
 * the worker-free parts) every call is a harmless no-op.
 */
#ifndef KIOSK_STAFFCODE_H
#define KIOSK_STAFFCODE_H

#include <stddef.h>

#include "kiosk/auth.h"

int staffcode_init(void);       /* 0, or -1 when no page could be had */
void staffcode_push(int digit); /* ignored beyond AUTH_CODE_MAX digits */
void staffcode_pop(void);
void staffcode_clear(void);
/* Copy the digits to out and wipe the buffer in one step; returns how
 * many there were. The caller wipes out once it is checked. */
size_t staffcode_take(char out[AUTH_CODE_MAX]);
void staffcode_destroy(void);   /* wipe and unmap, at exit */

#endif
