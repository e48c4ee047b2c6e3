/*
 * auth.c - see auth.h.
 */
#include "kiosk/auth.h"

#include <string.h>

#include "kiosk/ledger.h"

static const char *const names[AUTH_METHODS] = {
    [AUTH_PIN] = LEDGER_METHOD_PIN,
    [AUTH_FACE] = LEDGER_METHOD_FACE,
    [AUTH_STAFF] = LEDGER_METHOD_STAFF,
};

const char *auth_method_name(enum auth_method m)
{
    return (unsigned)m < AUTH_METHODS ? names[m] : "";
}

static int method_of(const char *word, size_t len)
{
    for (int m = 0; m < AUTH_METHODS; m++)
        if (strlen(names[m]) == len && strncmp(names[m], word, len) == 0)
            return m;
    return -1;
}

int auth_methods_parse(const char *text, unsigned *bits, const char **bad)
{
    static const char seps[] = ", \t";
    const char *p = text;
    unsigned got = 0;

    for (;;) {
        p += strspn(p, seps);
        if (*p == '\0')
            break;
        size_t len = strcspn(p, seps);
        int m = method_of(p, len);

        if (m < 0 || (got & AUTH_BIT(m))) {
            *bad = p;
            return -1;
        }
        got |= AUTH_BIT(m);
        p += len;
    }
    if (got == 0) {
        *bad = p;
        return -1;
    }
    *bits = got;
    return 0;
}
