/*
 * worker.h - card work and registration off the UI thread.
 *
 * The loop hands over the flow's FX_READ_CARD, FX_VERIFY_PIN, FX_REGISTER
 * and FX_END_SESSION effects, and staff's FX_CHECK_STAFF (crypt is slow on
 * purpose), FX_STAFF_COUNTS and FX_COUNT_FAILURE (the ledger is the
 * worker's alone), as jobs; a single thread runs them in order
 * against the card and the ledger and answers each with an event (the
 * matching *_DONE, tagged with the session) written to a pipe the loop
 * polls. The worker owns the session's certificate and card key; the flow
 * only ever sees the summary.
 */
#ifndef KIOSK_WORKER_H
#define KIOSK_WORKER_H

#include <stdint.h>

#include "kiosk/flow.h"
#include "reader/card.h"

struct ledger;
struct trust;
struct staff_entry;

struct worker_env {
    struct card_io io;              /* the card */
    void (*reset_card)(void *ctx);  /* end of session: drop verified PIN */
    void *reset_ctx;
    struct ledger *ledger;
    const struct trust *trust;
    const char *kiosk_id;
    const struct staff_entry *staff; /* [staff] codes, for FX_CHECK_STAFF */
    int n_staff;
    int staff_lockout;               /* seconds; wrong codes lock entry */
};

struct worker;

/* Start the thread; NULL on failure. */
struct worker *worker_start(const struct worker_env *env);
/* The descriptor to poll for answers, and reading one answer. */
int worker_fd(const struct worker *w);
int worker_read_event(struct worker *w, struct event *ev); /* 1, 0 none */
/* Queue the job for an effect of the flow's (FX_READ_CARD ...). */
void worker_submit(struct worker *w, enum fx_kind job, uint32_t session);
/* The same with the effect's arg (FX_REGISTER's method, FX_COUNT_FAILURE's). */
void worker_submit_arg(struct worker *w, enum fx_kind job, int arg,
                       uint32_t session);
/* End the session, stop the thread, free everything. */
void worker_stop(struct worker *w);

#endif
