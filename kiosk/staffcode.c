/*
 * staffcode.c - see staffcode.h.
 */
#include "kiosk/staffcode.h"

#include "kiosk/secret.h"

static struct secret *code;

int staffcode_init(void)
{
    code = secret_new(AUTH_CODE_MAX);
    return code ? 0 : -1;
}

void staffcode_push(int digit) { secret_push(code, digit); }
void staffcode_pop(void) { secret_pop(code); }
void staffcode_clear(void) { secret_clear(code); }

size_t staffcode_take(char out[AUTH_CODE_MAX])
{
    return secret_take(code, out, AUTH_CODE_MAX);
}

void staffcode_destroy(void)
{
    secret_free(code);
    code = NULL;
}
