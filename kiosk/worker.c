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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/auth.h"
#include "kiosk/ledger.h"
#include "kiosk/pinbuf.h"
#include "kiosk/proof.h"
#include "kiosk/staff.h"
#include "kiosk/staffcode.h"
#include "reader/jpki.h"

#define QUEUE_LEN 16
#define JOB_QUIT ((enum fx_kind)-1)

struct job {
    enum fx_kind kind;
    int arg;          /* the effect's (FX_REGISTER: enum auth_method) */
    uint32_t session;
};

/* What the worker knows about the card in the reader. */
struct session {
    uint32_t id;  /* the flow's session this card belongs to */
    uint8_t *cert;
    size_t cert_len;
    char card_key[65];
    bool proven; /* PIN verified and the signature checked */
    int staff;   /* the [staff] entry whose code was right for it, -1 */
};

struct worker {
    struct worker_env env;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;    /* a job arrived */
    pthread_cond_t space; /* the queue has room again */
    struct job queue[QUEUE_LEN];
    int head, count;
    int pipe[2];
    struct session s;
};

static void post(struct worker *w, struct event *ev, uint32_t session)
{
    ev->session = session;
    /* Whole events, each below PIPE_BUF so the write is atomic. A failed
     * write means the loop is gone, and then the answer no longer matters. */
    if (write(w->pipe[1], ev, sizeof *ev) != (ssize_t)sizeof *ev)
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
    w->s.id = 0;
    w->s.staff = -1;
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
    time_t not_after, not_before;
    int tries = 0;
    bool reg = false;

    forget(w);
    c->outcome = read_outcome_of(
        jpki_read_card(&w->env.io, &w->s.cert, &w->s.cert_len, &tries));
    if (c->outcome == READ_OK &&
        cert_facts(w->s.cert, w->s.cert_len, &not_after, w->s.card_key) != 0)
        c->outcome = READ_UNREADABLE;
    if (c->outcome == READ_OK) {
        w->s.id = session;
        /* Tries are 0..3; "already verified" cannot happen on a fresh
         * session, but if it does the PIN is not at risk: show 3. */
        c->tries_left = tries < 0 ? 3 : tries;
        reminder_compute(not_after, time(NULL), &c->rem);
        if (cert_not_before(w->s.cert, w->s.cert_len, &not_before) == 0)
            reminder_card(not_before, not_after, &c->rem);
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
    char pin[PIN_DIGITS];
    enum jpki_rc rc = JPKI_BAD;

    /* Taken out and wiped at once, so the UI never waits on the card. */
    if (pinbuf_take(pin) == PIN_DIGITS)
        rc = jpki_verify_pin(&w->env.io, pin, res, tries);
    explicit_bzero(pin, sizeof pin);
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

    if (!w->s.cert || w->s.id != session) {
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
    if (ev.u.verify.outcome == VERIFY_WRONG ||
        ev.u.verify.outcome == VERIFY_LOCKED)
        (void)ledger_count_failure(w->env.ledger, LEDGER_METHOD_PIN,
                                   time(NULL), w->env.kiosk_id);
    post(w, &ev, session);
}

/* The flow says how the person was checked; the worker holds it to what
 * it can see itself. Only the PIN carries the card's signature; a face or
 * staff check still needs a genuine certificate, and a staff check the
 * right staff code in this very session. */
static bool may_register(const struct worker *w, int method, uint32_t session)
{
    if (!w->s.cert || w->s.id != session)
        return false;
    switch (method) {
    case AUTH_PIN:
        return w->s.proven;
    case AUTH_STAFF:
        if (w->s.staff < 0)
            return false;
        /* fall through */
    case AUTH_FACE:
        return proof_check_cert(w->env.trust, w->s.cert, w->s.cert_len,
                                time(NULL)) == PROOF_OK;
    default:
        return false;
    }
}

static void do_register(struct worker *w, int method, uint32_t session)
{
    struct event ev = { .kind = EV_REGISTER_DONE, .u.reg = REGISTER_FAILED };
    const char *staff_id = method == AUTH_STAFF && w->s.staff >= 0
                               ? w->env.staff[w->s.staff].id : NULL;

    if (may_register(w, method, session)) {
        switch (ledger_register(w->env.ledger, w->s.card_key,
                                auth_method_name((enum auth_method)method),
                                staff_id, time(NULL), w->env.kiosk_id)) {
        case LEDGER_OK: ev.u.reg = REGISTER_DONE; break;
        case LEDGER_ALREADY: ev.u.reg = REGISTER_ALREADY; break;
        default: break;
        }
    }
    post(w, &ev, session);
}

/* Whether the ledger's wrong codes lock staff entry now: the second guard
 * behind the flow's, and the one a restart cannot reset. A ledger that
 * cannot answer leaves the flow's lock alone to decide. */
static bool staff_locked(struct worker *w, time_t now)
{
    time_t until = 0;

    return ledger_staff_lock_until(w->env.ledger, now, AUTH_STAFF_TRIES,
                                   w->env.staff_lockout, w->env.kiosk_id,
                                   &until) == 0 && until > now;
}

/* The typed staff code against the [staff] hashes; the buffer is wiped
 * whatever the answer. While locked no code is checked at all. A wrong
 * code is counted in the ledger (nothing but the method and time). A
 * right code for a card's session is remembered for its registration
 * (the ledger's staff id). */
static void do_check_staff(struct worker *w, uint32_t session)
{
    struct event ev = { .kind = EV_STAFF_CODE_DONE };
    char code[AUTH_CODE_MAX];
    size_t n = staffcode_take(code);
    time_t now = time(NULL);
    bool locked = staff_locked(w, now);
    int i = n && !locked ? staff_verify(w->env.staff, w->env.n_staff, code, n)
                         : -1;

    explicit_bzero(code, sizeof code);
    ev.u.staff.ok = i >= 0;
    if (i < 0 && !locked)
        (void)ledger_count_failure(w->env.ledger, LEDGER_METHOD_STAFF_CODE,
                                   now, w->env.kiosk_id);
    if (i >= 0) {
        snprintf(ev.u.staff.id, sizeof ev.u.staff.id, "%s", w->env.staff[i].id);
        if (w->s.cert && w->s.id == session)
            w->s.staff = i;
    }
    post(w, &ev, session);
}

/* Today's figures for staff mode; -1 everywhere when the ledger fails. */
static void do_counts(struct worker *w, uint32_t session)
{
    struct event ev = { .kind = EV_COUNTS_DONE };
    time_t now = time(NULL);

    for (int m = 0; m < AUTH_METHODS; m++) {
        struct ledger_counts c = { -1, -1 };

        (void)ledger_counts_today_by(w->env.ledger, now,
                                     auth_method_name((enum auth_method)m), &c);
        ev.u.counts.registered[m] = c.registered;
        ev.u.counts.failed[m] = c.failed;
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
    pthread_cond_signal(&w->space);
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
        case FX_REGISTER: do_register(w, j.arg, j.session); break;
        case FX_CHECK_STAFF: do_check_staff(w, j.session); break;
        case FX_STAFF_COUNTS: do_counts(w, j.session); break;
        case FX_COUNT_FAILURE:
            (void)ledger_count_failure(
                w->env.ledger, auth_method_name((enum auth_method)j.arg),
                time(NULL), w->env.kiosk_id);
            break;
        case FX_END_SESSION: do_end(w); break;
        default: break;
        }
    }
    do_end(w);
    return NULL;
}

static void push(struct worker *w, enum fx_kind kind, int arg,
                 uint32_t session)
{
    pthread_mutex_lock(&w->mu);
    /* Never drop a job: a lost END_SESSION would keep a verified card. */
    while (w->count == QUEUE_LEN)
        pthread_cond_wait(&w->space, &w->mu);
    w->queue[(w->head + w->count) % QUEUE_LEN] =
        (struct job){ .kind = kind, .arg = arg, .session = session };
    w->count++;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

struct worker *worker_start(const struct worker_env *env)
{
    struct worker *w = calloc(1, sizeof *w);

    if (!w)
        return NULL;
    w->env = *env;
    w->s.staff = -1;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_cond_init(&w->space, NULL);
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
    push(w, job, 0, session);
}

void worker_submit_arg(struct worker *w, enum fx_kind job, int arg,
                       uint32_t session)
{
    push(w, job, arg, session);
}

void worker_stop(struct worker *w)
{
    if (!w)
        return;
    push(w, JOB_QUIT, 0, 0);
    pthread_join(w->thread, NULL);
    close(w->pipe[0]);
    close(w->pipe[1]);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    pthread_cond_destroy(&w->space);
    free(w);
}
