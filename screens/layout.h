/*
 * layout.h - text laid out by display width, with no terminal in sight.
 *
 * Japanese characters take two columns and may break between most of
 * them, but never before 。、」ー っ and the like; English breaks at spaces.
 * Both come from libunistring (UAX #11 widths, UAX #14 line breaking), not
 * from tables of our own. Everything is measured in terminal columns and
 * addressed in byte offsets into the caller's UTF-8 string.
 */
#ifndef SCREENS_LAYOUT_H
#define SCREENS_LAYOUT_H

#include <stddef.h>

/* One line of wrapped text: s[start .. start+len), width columns wide.
 * Spaces where the line was broken are left out of len and width. */
struct layout_line {
    size_t start;
    size_t len;
    int width;
};

/* Wrap the UTF-8 text s into lines of at most width columns, honouring
 * '\n' (and the other mandatory breaks of UAX #14). A word wider than the
 * line is cut between characters; a line holds at least one character, so
 * only a width narrower than one character (width 1 and a kanji) gives a
 * line wider than width.
 *
 * Fills lines[0 .. min(result, max)) and returns how many lines the whole
 * text needs, like snprintf: a result above max tells the caller the text
 * did not fit (lines may be NULL when max is 0, to measure). Returns -1
 * when memory runs out. An empty string is 0 lines; "a\n" is 1 line and
 * "a\n\nb" is 3. */
int layout_wrap(const char *s, int width, struct layout_line *lines, int max);

/* Display width of s, or of its first n bytes. Characters that have no
 * width (controls) count 0. */
int layout_width(const char *s);
int layout_width_n(const char *s, size_t n);

/* The longest prefix of s[0 .. n) that fits in width columns without
 * cutting a character (combining marks stay with their base): returns its
 * length in bytes and, if used is not NULL, stores its width there. */
size_t layout_fit(const char *s, size_t n, int width, int *used);

#endif
