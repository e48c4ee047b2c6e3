/*
 * layout.c - wrapping and measuring UTF-8 text by display width.
 *
 * libunistring says where a line may break (UAX #14) and how wide each
 * character is (UAX #11); this file only does the greedy filling: take
 * characters until the next one would pass the width, then go back to the
 * last place a break was allowed.
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

/* Spaces may hang past the right edge: they are dropped at a break. */
static bool is_hanging_space(ucs4_t uc)
{
    return uc == ' ' || uc == '\t';
}

struct wrap {
    const uint8_t *s;
    size_t n;
    const char *brk; /* u8_possible_linebreaks: brk[i] is about s[i] */
    int width;
    struct layout_line *lines;
    int max;
    int count;
};

/* Record the line s[start .. end) with its break spaces trimmed. */
static void emit(struct wrap *w, size_t start, size_t end)
{
    while (end > start && (w->s[end - 1] == ' ' || w->s[end - 1] == '\t'))
        end--;
    if (w->count < w->max) {
        struct layout_line *l = &w->lines[w->count];

        l->start = start;
        l->len = end - start;
        l->width = layout_width_n((const char *)w->s + start, end - start);
    }
    w->count++;
}

/* Find the end of the line that starts at start: returns the offset where
 * its text ends and sets *next to where the following line starts. */
static size_t line_end(const struct wrap *w, size_t start, size_t *next)
{
    size_t i = start, last = start;
    int col = 0;

    while (i < w->n) {
        ucs4_t uc;
        int len = u8_mbtouc(&uc, w->s + i, w->n - i);

        if (w->brk[i] == UC_BREAK_MANDATORY) {
            *next = i + (size_t)len;
            return i;
        }
        if (w->brk[i] == UC_BREAK_CR_BEFORE_LF) {
            *next = i + 2; /* CR LF is one break */
            return i;
        }
        if (i > start && w->brk[i] == UC_BREAK_POSSIBLE)
            last = i;
        int cw = char_width(uc);
        if (col + cw > w->width && i > start && !is_hanging_space(uc)) {
            /* Back to the last allowed break; with none on this line
             * the word is wider than the line and is cut here. */
            *next = last > start ? last : i;
            return *next;
        }
        col += cw;
        i += (size_t)len;
    }
    *next = w->n;
    return w->n;
}

int layout_wrap(const char *s, int width, struct layout_line *lines, int max)
{
    struct wrap w = {
        .s = (const uint8_t *)s, .n = strlen(s), .width = width,
        .lines = lines, .max = lines ? max : 0,
    };

    if (w.n == 0)
        return 0;
    char *brk = malloc(w.n);
    if (!brk)
        return -1;
    u8_possible_linebreaks(w.s, w.n, ENCODING, brk);
    w.brk = brk;
    for (size_t start = 0; start < w.n;) {
        size_t next;
        size_t end = line_end(&w, start, &next);

        emit(&w, start, end);
        start = next;
    }
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
