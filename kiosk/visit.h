/*
 * visit.h - one visitor's session of the public demo (kiosk --public),
 * the way sshd's ForceCommand starts it for each connection.
 *
 * visit_begin() runs first, before the simulated card is made:
 *   - no terminal (ssh -T, sftp, a command): one clear line, exit;
 *   - a place among [demo] sessions: one lock file per place in
 *     [demo] slot_dir, held with flock() for the life of the session, so
 *     the kernel frees it however the process ends; with every place
 *     taken, the visitor is told the demo is full and about when a place
 *     frees, and the program exits;
 *   - resource limits (setrlimit: address space, processes, open files,
 *     CPU seconds) for everything that follows;
 *   - a keeper: the process forks; the parent keeps nothing but the
 *     child's pid and the place's session directory (slot-N.d beside
 *     the place's lock file), which becomes the child's TMPDIR (the demo
 *     ledger goes there). When the child ends, however it ends (normal
 *     exit, a signal, SIGKILL), the keeper removes that directory and
 *     exits with the child's status. A hang-up or SIGTERM reaching the
 *     keeper is passed on to the child, and the keeper sends SIGTERM
 *     itself KEEPER_OVERTIME_MS after the session's length (whatever the
 *     child is stuck in); either way the child gets KEEPER_GRACE_MS to
 *     finish cleanly before SIGKILL. The child dies with the keeper
 *     (PR_SET_PDEATHSIG); a directory left by a keeper that was killed
 *     itself is emptied by the next session to take that place.
 *
 * The rest is pure and takes the monotonic time from the caller (the
 * loop): the session ends at [demo] session_length after the start, or
 * [demo] idle_timeout after the last key or click; in the last minute
 * before either the footer counts down. Every function accepts a NULL
 * visit (no --public) and then does nothing.
 */
#ifndef KIOSK_VISIT_H
#define KIOSK_VISIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kiosk/config.h"

#define KEEPER_GRACE_MS 800   /* a hung-up session is gone within a second */
#define KEEPER_OVERTIME_MS 5000 /* past session_length, the keeper ends it */
#define VISIT_COUNTDOWN_S 60  /* the footer counts down this last stretch */

enum visit_end {
    VISIT_GOING,   /* still on, or ended by the visitor or a signal */
    VISIT_TIME_UP, /* session_length reached */
    VISIT_IDLE,    /* idle_timeout without input */
};

struct visit {
    int64_t start_ms;      /* monotonic */
    int64_t last_input_ms;
    int64_t length_ms;
    int64_t idle_ms;
    enum visit_end end;
    int slot_fd;           /* the held place's lock file */
};

/* Set up the session as above from cfg, at monotonic time now; lang is
 * the --lang code or NULL (the messages printed here are in it). Returns
 * -1 in the process that goes on to run the kiosk, or the exit status
 * main() should return with (the keeper once its child ended, a full
 * demo, no terminal, an error, each reported on stderr). */
int visit_begin(struct visit *v, const struct config *cfg, const char *lang,
                int64_t now);

/* The pure part, for the loop. visit_init() is what visit_begin() does
 * to *v apart from the processes and files (tests call it directly). */
void visit_init(struct visit *v, const struct config *cfg, int64_t now);
/* A key or a click came at now. */
void visit_input(struct visit *v, int64_t now);
/* Whether the session is over at now; sets v->end to the reason. */
bool visit_over(struct visit *v, int64_t now);
/* Whole seconds left (rounded up) when the end is at most
 * VISIT_COUNTDOWN_S away, else 0: what the footer shows. */
int visit_countdown(const struct visit *v, int64_t now);
/* When the loop must wake up next for the visit (the next change of the
 * countdown, or the end), or -1 for never. */
int64_t visit_wakeup(const struct visit *v, int64_t now);

/* A place among cfg->demo_sessions: open each place's lock file
 * (slot-N in cfg->demo_slot_dir, made when missing) in turn and keep the
 * first whose lock is free, stamped with the time. Its session directory
 * (slot-N.d, written to dir) is then removed with all it holds and made
 * again, empty and private (0700): only the lock's holder touches it.
 * Returns the lock's descriptor, -1 when every place is taken (*oldest:
 * the earliest start among them), or -2 on an error (reported on
 * stderr). */
int visit_take_slot(const struct config *cfg, time_t *oldest, char *dir,
                    size_t dirlen);
/* Whole minutes, rounded up, until the place taken at oldest frees by
 * its time limit: at least 1, at most the session length. */
int visit_wait_minutes(const struct config *cfg, time_t oldest, time_t now);

/* After the screen is given back: one line saying why the session
 * ended and thanking the visitor. */
void visit_farewell(const struct visit *v);

#endif
