/*
 * layout.c - wrapping and measuring UTF-8 text by display width.
 *
 * libunistring chooses where lines break (UAX #14, with the widths of
 * UAX #11); this file only turns its break marks into lines and cuts a
 * word that is wider than a whole line.
 */
#include "screens/layout.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unilbrk.h>
#include <unistr.h>
#include <uniwidth.h>

/* Widths as a UTF-8 terminal counts them (glibc's wcwidth): East Asian
 * Ambiguous characters are one column. The kiosk's texts avoid them,
 * because a CJK font draws them two columns wide. */
#define ENCODING "UTF-8"

static int char_width(ucs4_t uc)
{
    int w = uc_width(uc, ENCODING);

    return w < 0 ? 0 : w; /* controls take no column */
}

struct wrap {
    const char *s;
    int width;
    struct layout_line *lines;
    int max;
    int count;
};

static void emit(struct wrap *w, size_t start, size_t len, int width)
{
    if (w->count < w->max)
        w->lines[w->count] = (struct layout_line){ .start = start,
                                                   .len = len,
                                                   .width = width };
    w->count++;
}

/* One line as libunistring chose it, without the spaces it broke after.
 * Only a word wider than the whole line is still too wide: it is cut
 * where the width runs out, never inside a character. */
static void add_line(struct wrap *w, size_t start, size_t end)
{
    while (end > start && (w->s[end - 1] == ' ' || w->s[end - 1] == '\t'))
        end--;
    do {
        int used;
        size_t len = layout_fit(w->s + start, end - start, w->width, &used);

        if (len == 0 && end > start) /* a character wider than the line */
            len = (size_t)u8_mblen((const uint8_t *)w->s + start, end - start);
        emit(w, start, len, layout_width_n(w->s + start, len));
        start += len;
    } while (start < end);
}

int layout_wrap(const char *s, int width, struct layout_line *lines, int max)
{
    struct wrap w = { .s = s, .width = width, .lines = lines,
                      .max = lines ? max : 0 };
    size_t n = strlen(s), start = 0;
    char *brk;

    if (n == 0)
        return 0;
    brk = malloc(n);
    if (!brk)
        return -1;
    /* UAX #14 with UAX #11 widths: libunistring picks the breaks. */
    u8_width_linebreaks((const uint8_t *)s, n, width, 0, 0, NULL, ENCODING,
                        brk);
    for (size_t i = 0; i < n; i++) {
        if (brk[i] == UC_BREAK_MANDATORY) {
            add_line(&w, start, i);
            start = i + 1;
        } else if (brk[i] == UC_BREAK_CR_BEFORE_LF) {
            add_line(&w, start, i);
            start = i + 2;
            i++;
        } else if (brk[i] == UC_BREAK_POSSIBLE && i > start) {
            add_line(&w, start, i);
            start = i;
        }
    }
    if (start < n)
        add_line(&w, start, n);
    free(brk);
    return w.count;
}

int layout_width_n(const char *s, size_t n)
{
    return u8_width((const uint8_t *)s, n, ENCODING);
}

int layout_width(const char *s)
{
    return layout_width_n(s, strlen(s));
}

size_t layout_fit(const char *s, size_t n, int width, int *used)
{
    const uint8_t *u = (const uint8_t *)s;
    size_t i = 0;
    int col = 0;

    while (i < n) {
        ucs4_t uc;
        int len = u8_mbtouc(&uc, u + i, n - i);
        int cw = char_width(uc);

        if (col + cw > width)
            break;
        col += cw;
        i += (size_t)len;
    }
    if (used)
        *used = col;
    return i;
}
