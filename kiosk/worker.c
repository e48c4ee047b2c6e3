/*
 * worker.c - see worker.h.
 *
 * Jobs run one at a time in the order submitted, so an END_SESSION queued
 * after a READ always runs after it, and the certificate is never freed
 * under a job using it. Answers go through a pipe as whole struct events
 * (smaller than PIPE_BUF, so each write is atomic).
 */
#include "kiosk/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/ledger.h"
#include "kiosk/pinbuf.h"
#include "kiosk/proof.h"
#include "reader/jpki.h"

#define QUEUE_LEN 16
#define JOB_QUIT ((enum fx_kind)-1)

struct job {
    enum fx_kind kind;
    uint32_t session;
};

/* What the worker knows about the card in the reader. */
struct session {
    uint8_t *cert;
    size_t cert_len;
    char card_key[65];
    bool proven; /* PIN verified and the signature checked */
};

struct worker {
    struct worker_env env;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job queue[QUEUE_LEN];
    int head, count;
    int pipe[2];
    struct session s;
};

static void post(struct worker *w, struct event *ev, uint32_t session)
{
    ev->session = session;
    /* The loop reads whole events; a full pipe would mean the loop is
     * gone, and then the answer no longer matters. */
    if (write(w->pipe[1], ev, sizeof *ev) < 0 && errno != EAGAIN)
        return;
}

static void forget(struct worker *w)
{
    if (w->s.cert) {
        explicit_bzero(w->s.cert, w->s.cert_len);
        free(w->s.cert);
    }
    explicit_bzero(w->s.card_key, sizeof w->s.card_key);
    w->s.cert = NULL;
    w->s.cert_len = 0;
    w->s.proven = false;
}

static enum read_outcome read_outcome_of(enum jpki_rc rc)
{
    switch (rc) {
    case JPKI_OK: return READ_OK;
    case JPKI_NOT_JPKI: return READ_FOREIGN;
    case JPKI_GONE: return READ_GONE;
    default: return READ_UNREADABLE;
    }
}

static void do_read(struct worker *w, uint32_t session)
{
    struct event ev = { .kind = EV_READ_DONE };
    struct card_summary *c = &ev.u.card;
    time_t not_after;
    int tries = 0;
    bool reg = false;

    forget(w);
    c->outcome = read_outcome_of(
        jpki_read_card(&w->env.io, &w->s.cert, &w->s.cert_len, &tries));
    if (c->outcome == READ_OK &&
        cert_facts(w->s.cert, w->s.cert_len, &not_after, w->s.card_key) != 0)
        c->outcome = READ_UNREADABLE;
    if (c->outcome == READ_OK) {
        /* Tries are 0..3; "already verified" cannot happen on a fresh
         * session, but if it does the PIN is not at risk: show 3. */
        c->tries_left = tries < 0 ? 3 : tries;
        reminder_compute(not_after, time(NULL), &c->rem);
        if (ledger_is_registered(w->env.ledger, w->s.card_key, &reg) == 0)
            c->registered = reg;
    } else {
        forget(w);
    }
    post(w, &ev, session);
}

/* VERIFY with the PIN from the one buffer, wiping it straight after. */
static enum jpki_rc verify_pin(struct worker *w, enum jpki_pin *res,
                               int *tries)
{
    size_t n;
    const char *pin = pinbuf_acquire(&n);
    enum jpki_rc rc = JPKI_BAD;

    if (pin && n == PIN_DIGITS)
        rc = jpki_verify_pin(&w->env.io, pin, res, tries);
    pinbuf_clear_locked();
    pinbuf_release();
    return rc;
}

/* The card signs a fresh challenge; the certificate and the signature are
 * checked against the trust anchors. */
static enum verify_outcome prove(struct worker *w)
{
    uint8_t chal[PROOF_CHALLENGE_LEN], di[PROOF_DIGEST_INFO_LEN], sig[512];
    size_t siglen = 0;
    enum jpki_rc rc;

    if (proof_challenge(chal) != 0 || proof_digest_info(chal, sizeof chal, di))
        return VERIFY_ERROR;
    rc = jpki_sign(&w->env.io, di, sizeof di, sig, sizeof sig, &siglen);
    if (rc == JPKI_GONE)
        return VERIFY_GONE;
    if (rc != JPKI_OK)
        return VERIFY_ERROR;
    if (proof_check(w->env.trust, w->s.cert, w->s.cert_len, chal, sizeof chal,
                    sig, siglen, time(NULL)) != PROOF_OK)
        return VERIFY_REFUSED;
    return VERIFY_OK;
}

static void do_verify(struct worker *w, uint32_t session)
{
    struct event ev = { .kind = EV_VERIFY_DONE };
    enum jpki_pin res = JPKI_PIN_WRONG;
    int tries = 0;
    enum jpki_rc rc;

    if (!w->s.cert) {
        pinbuf_clear();
        ev.u.verify.outcome = VERIFY_ERROR;
        post(w, &ev, session);
        return;
    }
    rc = verify_pin(w, &res, &tries);
    if (rc == JPKI_GONE)
        ev.u.verify.outcome = VERIFY_GONE;
    else if (rc != JPKI_OK)
        ev.u.verify.outcome = VERIFY_ERROR;
    else if (res == JPKI_PIN_BLOCKED)
        ev.u.verify.outcome = VERIFY_LOCKED;
    else if (res == JPKI_PIN_WRONG)
        ev.u.verify.outcome = VERIFY_WRONG;
    else
        ev.u.verify.outcome = prove(w);
    ev.u.verify.tries_left = tries;
    w->s.proven = ev.u.verify.outcome == VERIFY_OK;
    post(w, &ev, session);
}

static void do_register(struct worker *w, uint32_t session)
{
    struct event ev = { .kind = EV_REGISTER_DONE, .u.reg = REGISTER_FAILED };

    if (w->s.proven) {
        switch (ledger_register(w->env.ledger, w->s.card_key,
                                LEDGER_METHOD_PIN, NULL,
                                time(NULL), w->env.kiosk_id)) {
        case LEDGER_OK: ev.u.reg = REGISTER_DONE; break;
        case LEDGER_ALREADY: ev.u.reg = REGISTER_ALREADY; break;
        default: break;
        }
    }
    post(w, &ev, session);
}

static void do_end(struct worker *w)
{
    forget(w);
    pinbuf_clear();
    if (w->env.reset_card)
        w->env.reset_card(w->env.reset_ctx);
}

static bool next_job(struct worker *w, struct job *j)
{
    pthread_mutex_lock(&w->mu);
    while (w->count == 0)
        pthread_cond_wait(&w->cv, &w->mu);
    *j = w->queue[w->head];
    w->head = (w->head + 1) % QUEUE_LEN;
    w->count--;
    pthread_mutex_unlock(&w->mu);
    return j->kind != JOB_QUIT;
}

static void *run(void *arg)
{
    struct worker *w = arg;
    struct job j;

    while (next_job(w, &j)) {
        switch (j.kind) {
        case FX_READ_CARD: do_read(w, j.session); break;
        case FX_VERIFY_PIN: do_verify(w, j.session); break;
        case FX_REGISTER: do_register(w, j.session); break;
        case FX_END_SESSION: do_end(w); break;
        default: break;
        }
    }
    do_end(w);
    return NULL;
}

static void push(struct worker *w, enum fx_kind kind, uint32_t session)
{
    pthread_mutex_lock(&w->mu);
    if (w->count < QUEUE_LEN) {
        w->queue[(w->head + w->count) % QUEUE_LEN] =
            (struct job){ .kind = kind, .session = session };
        w->count++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
}

struct worker *worker_start(const struct worker_env *env)
{
    struct worker *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->env = *env;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pipe2(w->pipe, O_CLOEXEC) != 0)
        goto fail;
    fcntl(w->pipe[0], F_SETFL, O_NONBLOCK);
    if (pthread_create(&w->thread, NULL, run, w) != 0)
        goto fail_pipe;
    return w;
fail_pipe:
    close(w->pipe[0]);
    close(w->pipe[1]);
fail:
    free(w);
    return NULL;
}

int worker_fd(const struct worker *w)
{
    return w->pipe[0];
}

int worker_read_event(struct worker *w, struct event *ev)
{
    return read(w->pipe[0], ev, sizeof *ev) == (ssize_t)sizeof *ev;
}

void worker_submit(struct worker *w, enum fx_kind job, uint32_t session)
{
    push(w, job, session);
}

void worker_stop(struct worker *w)
{
    if (!w)
        return;
    push(w, JOB_QUIT, 0);
    pthread_join(w->thread, NULL);
    close(w->pipe[0]);
    close(w->pipe[1]);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
