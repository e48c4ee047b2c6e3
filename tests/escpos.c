/*
 * escpos.c - see escpos.h.
 */
#include "tests/escpos.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* Shift_JIS bytes of one line, as UTF-8 at the end of doc->text. */
static int add_text(struct escpos_doc *d, const uint8_t *s, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", "CP932");
    size_t used = strlen(d->text);
    char *in = (char *)s, *out = d->text + used;
    size_t left = n, room = sizeof d->text - used - 2;

    if (cd == (iconv_t)-1)
        return -1;
    size_t rc = iconv(cd, &in, &left, &out, &room);
    iconv_close(cd);
    if (rc == (size_t)-1)
        return -1;
    *out++ = '\n';
    *out = '\0';
    return 0;
}

/* GS v 0 m xL xH yL yH, then the rows: 1 bits black. */
static int raster(struct escpos_doc *d, const uint8_t *p, size_t left,
                  size_t *len)
{
    if (left < 8)
        return -1;
    int row_bytes = p[4] | p[5] << 8, h = p[6] | p[7] << 8;
    size_t size = (size_t)row_bytes * (size_t)h;
    if (p[3] != 0 || left < 8 + size)
        return -1;
    free(d->image.px);
    d->image = (struct grey){ row_bytes * 8, h, malloc(size * 8) };
    if (!d->image.px)
        return -1;
    for (size_t i = 0; i < size * 8; i++)
        d->image.px[i] = (p[8 + i / 8] & (0x80 >> (i % 8))) ? 0 : 255;
    d->images++;
    *len = 8 + size;
    return 0;
}

/* The length of the command at p (ESC, FS or GS first), or 0. */
static size_t command(struct escpos_doc *d, const uint8_t *p, size_t left,
                      size_t at)
{
    size_t len = 0;

    if (left < 2)
        return 0;
    switch (p[0] << 8 | p[1]) {
    case 0x1B40: d->reset = at == 0; return 2;          /* ESC @ */
    case 0x1B61: case 0x1B45: case 0x1B64: return 3;     /* ESC a, E, d */
    case 0x1D21: return 3;                               /* GS ! */
    case 0x1C43: d->kanji_sjis = left > 2 && p[2] == 1; return 3; /* FS C */
    case 0x1C26: return 2;                               /* FS & */
    case 0x1C2E: d->kanji_sjis = false; return 2;        /* FS . */
    case 0x1D56:                                         /* GS V 66 n */
        d->cut = true;
        return left > 2 && p[2] == 66 ? 4 : 3;
    case 0x1D76:                                         /* GS v 0 */
        return left > 2 && p[2] == '0' && raster(d, p, left, &len) == 0 ? len
                                                                        : 0;
    default:
        return 0;
    }
}

int escpos_parse(const uint8_t *b, size_t n, struct escpos_doc *d,
                 size_t *bad)
{
    size_t i = 0, line = 0;

    memset(d, 0, sizeof *d);
    while (i < n) {
        size_t len;

        if (b[i] == '\n') {
            if (add_text(d, b + line, i - line) != 0)
                break;
            line = ++i;
        } else if (b[i] == 0x1B || b[i] == 0x1C || b[i] == 0x1D) {
            if (i > line || (len = command(d, b + i, n - i, i)) == 0)
                break; /* commands only between lines */
            line = i += len;
        } else if (b[i] >= 0x20) {
            i++;
        } else {
            break;
        }
    }
    if (i < n || line < n) {
        *bad = i;
        return -1;
    }
    return 0;
}

void escpos_free(struct escpos_doc *d)
{
    free(d->image.px);
    d->image.px = NULL;
}
