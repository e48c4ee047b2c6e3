/*
 * secret.h - a buffer for digits a person types that must not leak: the
 * card's PIN and a staff code.
 *
 * Each secret has a page of its own, locked in memory (never swapped),
 * left out of core dumps, wiped with explicit_bzero on every clear. The UI
 * thread types into it; the worker takes the digits out once, in one step
 * that also wipes the page, and wipes its own copy as soon as it is used.
 * Every call accepts NULL (a secret never made) and then does nothing.
 */
#ifndef KIOSK_SECRET_H
#define KIOSK_SECRET_H

#include <stddef.h>

struct secret;

/* A secret of at most max digits; NULL when no page could be had. */
struct secret *secret_new(size_t max);
void secret_push(struct secret *s, int digit); /* ignored when full */
void secret_pop(struct secret *s);
void secret_clear(struct secret *s);
/* Copy the digits (ASCII, not terminated) to out (cap bytes) and wipe the
 * secret; returns how many digits there were, 0 when they do not fit. */
size_t secret_take(struct secret *s, char *out, size_t cap);
void secret_free(struct secret *s); /* wipe and unmap */

#endif
