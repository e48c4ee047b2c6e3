/*
 * matcher.h - the face check's external matcher process, at the edge of
 * the kiosk: the flow asks for a check (FX_FACE_START) and gets its answer
 * as an event (EV_FACE_DONE); this module is everything in between.
 *
 * A camera and its face-matching software are a separate product. The
 * kiosk starts the program named by [face] command once per check and
 * talks to it by this protocol (also in README.md and kiosk(1)):
 *
 *   Arguments  the words of [face] command, split at blanks (no shell, no
 *              quoting, no PATH search: the first word is an absolute
 *              path). The kiosk adds none.
 *   stdin      a few "key=value" lines, then end of file:
 *                protocol=1          this protocol's version
 *                kiosk=ID            [kiosk] id
 *                attempt=N           1, 2 or 3: this person's Nth check
 *                timeout=S           seconds the matcher has to answer
 *                lang=CODE           the screen's language (gettext code)
 *              Nothing personal: the matcher reads the card's photo and
 *              the camera itself, under its own product's rules.
 *   stdout     exactly one line (at most MATCHER_LINE_MAX bytes with its
 *              newline), then exit status 0:
 *                match SCORE         the person is the card's holder
 *                no-match SCORE      the person is not
 *                error REASON        no decision (camera missing, no face
 *                                    seen...); REASON is 1-160 printable
 *                                    ASCII characters, for the operator
 *              SCORE is the matcher's confidence, a whole number 0-100;
 *              the kiosk decides on the word alone and neither shows nor
 *              stores the score.
 *   stderr     /dev/null. Working directory "/". Signals at their
 *              defaults, in a process group of its own.
 *   Exit       0 after the answer. Any other status, death by a signal,
 *              exiting without an answer, a second line, an unknown word,
 *              a line too long or more than MATCHER_OUTPUT_MAX bytes in all
 *              is an error, whatever was written.
 *   Time-out   no answer within the time-out: killed, and the check counts
 *              as failed ("timeout").
 *   Killing    the whole process group gets SIGKILL at once when the check
 *              is decided, cancelled, timed out, or the card is pulled, so
 *              no child it started outlives the check.
 *
 * Matcher problems (error reasons, crashes, time-outs, nonsense) go to
 * syslog for the operator; the person sees a plain message. Every read is
 * non-blocking and capped, so a matcher that hangs, dies, floods or talks
 * nonsense costs the kiosk nothing but the time-out.
 *
 * --demo without [face] command uses a simulated matcher: no process; the
 * demo user picks its answer with a key (matcher_demo_answer()).
 */
#ifndef KIOSK_MATCHER_H
#define KIOSK_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kiosk/auth.h"
#include "kiosk/flow.h"

#define MATCHER_LINE_MAX 200    /* bytes of the answer line, with '\n' */
#define MATCHER_OUTPUT_MAX 512  /* bytes of all output */
#define MATCHER_WORDS_MAX 16    /* words of [face] command */

struct matcher;

/* A matcher for command (NULL or "": the demo's simulated one), with a
 * time-out of timeout_ms per check, telling it kiosk_id. NULL with a
 * translated message in err when the command cannot be used (not an
 * absolute path, too many words, not executable). */
struct matcher *matcher_new(const char *command, int64_t timeout_ms,
                            const char *kiosk_id, char *err, size_t errlen);
/* Kill any check in progress and free everything; NULL is fine. */
void matcher_free(struct matcher *m);

/* Start check number `attempt` for `session` at monotonic time now,
 * stopping any check still running. A matcher that cannot be started is
 * reported by the next matcher_poll() as FACE_ERROR. */
void matcher_start(struct matcher *m, uint32_t session, int attempt,
                   const char *lang, int64_t now);
/* Kill the check in progress, if any, at once; its answer never comes. */
void matcher_stop(struct matcher *m);

/* The descriptor to poll for input (-1: none now), and the monotonic time
 * by which matcher_poll() must be called even without input (-1: none). */
int matcher_fd(const struct matcher *m);
int64_t matcher_deadline(const struct matcher *m);

/* Take what the matcher wrote, look at its exit and the time-out. True
 * when the check has ended: *ev is its EV_FACE_DONE (session, attempt,
 * outcome) and the process is gone. Never blocks. */
bool matcher_poll(struct matcher *m, int64_t now, struct event *ev);

/* The simulated matcher: true with *ev when a demo check was waiting for
 * its answer, which is now `outcome`. False for a real matcher. */
bool matcher_demo_answer(struct matcher *m, enum face_outcome outcome,
                         struct event *ev);
bool matcher_is_demo(const struct matcher *m);

/* Parse one answer line (len bytes, without its newline). Returns 0 with
 * the outcome (FACE_MATCH, FACE_NO_MATCH or FACE_ERROR), or -1 for a line
 * that is not in the protocol. */
int matcher_parse(const char *line, size_t len, enum face_outcome *outcome);

#endif
