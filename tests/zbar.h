/*
 * zbar.h - read QR codes back the way a phone would, with zbarimg (the
 * zbar-tools package): a bitmap is written as a PGM file, scaled up and
 * with a white margin, and zbarimg decodes every code it finds in it.
 */
#ifndef TESTS_ZBAR_H
#define TESTS_ZBAR_H

#include <stddef.h>

/* A grey image, row by row, 0 black .. 255 white. */
struct grey {
    int w, h;
    unsigned char *px;
};

/* Decode img (each pixel scale x scale, inside a white margin of `margin`
 * pixels): the codes' texts, one a line, into out. Returns the number of
 * codes found (0 when none), or -1 when zbarimg cannot be run. */
int zbar_decode(const struct grey *img, int scale, int margin, char *out,
                size_t n);

/* Write img as a binary PGM to path (for a look at a failure). 0 or -1. */
int zbar_write_pgm(const struct grey *img, int scale, int margin,
                   const char *path);

#endif
