/*
 * pinbuf.c - see pinbuf.h.
 */
#include "kiosk/pinbuf.h"

#include "kiosk/secret.h"

static struct secret *pin;

int pinbuf_init(void)
{
    pin = secret_new(PIN_DIGITS);
    return pin ? 0 : -1;
}

void pinbuf_push(int digit) { secret_push(pin, digit); }
void pinbuf_pop(void) { secret_pop(pin); }
void pinbuf_clear(void) { secret_clear(pin); }

size_t pinbuf_take(char out[PIN_DIGITS])
{
    return secret_take(pin, out, PIN_DIGITS);
}

void pinbuf_destroy(void)
{
    secret_free(pin);
    pin = NULL;
}
