/*
 * escpos.h - reading an ESC/POS receipt back, as the printer would: the
 * commands the kiosk uses are walked one by one (an unknown one is an
 * error, so a stray byte cannot hide), the text is turned back from
 * Shift_JIS into UTF-8, and a raster image (GS v 0) into a bitmap.
 */
#ifndef TESTS_ESCPOS_H
#define TESTS_ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/zbar.h"

struct escpos_doc {
    char text[16384];     /* every printed line, UTF-8, '\n' after each */
    struct grey image;    /* the last raster image (px malloc'd), or w 0 */
    int images;
    bool reset;           /* began with ESC @ */
    bool kanji_sjis;      /* FS C 1 then FS & */
    bool cut;             /* ended with GS V */
};

/* Parse bytes[0..n); 0, or -1 with the offset of the first byte it does
 * not know in *bad. Free with escpos_free(). */
int escpos_parse(const uint8_t *bytes, size_t n, struct escpos_doc *doc,
                 size_t *bad);
void escpos_free(struct escpos_doc *doc);

#endif
