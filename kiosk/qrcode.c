/*
 * qrcode.c - see qrcode.h. libqrencode does the encoding; this file
 * picks the version and level and copies the modules out of QRcode.
 *
 * Level M first: a screen or a fresh receipt is not damaged, but glare
 * and a shaking hand cost modules. A higher level that fits the same
 * version costs nothing in size, so it is taken.
 */
#include "kiosk/qrcode.h"

#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

/* Smallest version for text at level, or NULL when above max_version. */
static QRcode *encode(const char *text, int version, QRecLevel level,
                      int max_version)
{
    QRcode *c = QRcode_encodeString(text, version, level, QR_MODE_8, 1);

    if (c && c->version > max_version) {
        QRcode_free(c);
        return NULL;
    }
    return c;
}

int qrcode_make(const char *text, int max_version, struct qrcode *q)
{
    static const QRecLevel higher[] = { QR_ECLEVEL_H, QR_ECLEVEL_Q };
    QRcode *c;

    memset(q, 0, sizeof *q);
    if (!text || !*text || !(c = encode(text, 0, QR_ECLEVEL_M, max_version)))
        return -1;
    for (size_t i = 0; i < sizeof higher / sizeof higher[0]; i++) {
        QRcode *better = encode(text, c->version, higher[i], c->version);

        if (better) {
            QRcode_free(c);
            c = better;
            break;
        }
    }
    q->size = c->width;
    q->dark = malloc((size_t)c->width * (size_t)c->width);
    if (q->dark)
        for (int i = 0; i < c->width * c->width; i++)
            q->dark[i] = c->data[i] & 1; /* bit 0: dark; the rest is how */
    QRcode_free(c);
    if (!q->dark) {
        q->size = 0;
        return -1;
    }
    return 0;
}

bool qrcode_dark(const struct qrcode *q, int x, int y)
{
    if (!q->dark || x < 0 || y < 0 || x >= q->size || y >= q->size)
        return false;
    return q->dark[y * q->size + x] != 0;
}

void qrcode_free(struct qrcode *q)
{
    free(q->dark);
    q->dark = NULL;
    q->size = 0;
}

bool qrcode_fits(const char *text, int max_version)
{
    QRcode *c = text && *text ? encode(text, 0, QR_ECLEVEL_M, max_version)
                              : NULL;
    bool fits = c != NULL;

    QRcode_free(c);
    return fits;
}
