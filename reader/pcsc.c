/*
 * pcsc.c - see pcsc.h.
 *
 * Two threads touch pcsc-lite, each with its own context: the monitor
 * (waiting in SCardGetStatusChange) and the worker (connect, transmit,
 * disconnect). What they share, the reader and generation of the card in
 * session, sits under one mutex; the monitor never holds it while it waits.
 * A card's generation grows with every CARD_IN, so a connection made for
 * one card is never used for the next, even when both come through the
 * same reader between two transmits.
 */
#include "reader/pcsc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <winscard.h>

#define MAX_READERS 16
#define RETRY_MS 1000
/* Another program may hold the card for a moment (a desktop's card
 * daemon, a driver's helper probing it): wait that long for it before the
 * person's session fails. */
#define BUSY_TRIES 10
#define BUSY_MS 100
#define PNP_READER "\\\\?PnP?\\Notification"
/* pcsc-lite counts card insertions and removals in the high word of a
 * reader's event state: a change there is a card swapped between two
 * looks, even when the reader looks "present" both times. */
#define EVENT_COUNT(state) ((state) >> 16)

/* The readers the monitor waits on; the last entry is the PnP reader. */
struct watch {
    int n; /* matching readers; rs[n] is PnP */
    char names[MAX_READERS][MAX_READERNAME];
    SCARD_READERSTATE rs[MAX_READERS + 1];
};

struct pcsc {
    char match[MAX_READERNAME];
    int pipe[2];
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* under mu */
    bool stop, exited;
    SCARDCONTEXT mon_ctx;  /* 0: none (for SCardCancel) */
    char active[MAX_READERNAME]; /* reader of the session's card, "" none */
    char first[MAX_READERNAME];  /* first matching reader, for the staff */
    unsigned gen;          /* of the card in `active` */
    bool card_in;
    /* monitor thread only */
    int up;                /* -1 not reported yet, 0 down, 1 up */
    bool lost;             /* an event did not fit in the pipe */
    DWORD active_count;    /* EVENT_COUNT of the active reader */
    struct watch w;
    /* worker thread only */
    SCARDCONTEXT ctx;
    bool have_ctx;
    SCARDHANDLE h;
    bool connected;
    DWORD proto;
    unsigned h_gen;
};

/*
 * After a lost event: READER_DOWN, which ends whatever session the loop
 * thinks there is, then the state as it is now (UP when a reader is
 * there, CARD_IN when a card is in it, as a new card: a connection made
 * before is not used again). One write of a few bytes (under PIPE_BUF)
 * goes in whole or not at all; until it goes in, the monitor keeps trying.
 */
static void resync(struct pcsc *p)
{
    unsigned char buf[3];
    size_t n = 0;
    bool in;

    buf[n++] = PCSC_READER_DOWN;
    if (p->up == 1)
        buf[n++] = PCSC_READER_UP;
    pthread_mutex_lock(&p->mu);
    in = p->card_in;
    if (in)
        p->gen++;
    pthread_mutex_unlock(&p->mu);
    if (in && p->up == 1)
        buf[n++] = PCSC_CARD_IN;
    if (write(p->pipe[1], buf, n) == (ssize_t)n)
        p->lost = false;
}

/* The pipe holds thousands of events: it is full only when the loop has
 * not read for a long time. Dropping an event then would leave the loop
 * believing in a card that left, so the loss is made good (resync). */
static void post(struct pcsc *p, enum pcsc_event ev)
{
    unsigned char c = (unsigned char)ev;

    if (p->lost)
        resync(p); /* the state it sends already holds ev */
    else if (write(p->pipe[1], &c, 1) != 1)
        p->lost = true;
}

static bool stopping(struct pcsc *p)
{
    pthread_mutex_lock(&p->mu);
    bool s = p->stop;
    pthread_mutex_unlock(&p->mu);
    return s;
}

/* Sleep ms, or less when pcsc_stop() comes. */
static void nap(struct pcsc *p, int ms)
{
    struct timespec until;

    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&p->mu);
    while (!p->stop &&
           pthread_cond_timedwait(&p->cv, &p->mu, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&p->mu);
}

static bool matches(const struct pcsc *p, const char *name)
{
    return !p->match[0] || strcasestr(name, p->match) != NULL;
}

/* ---- the monitor: readers and cards ---------------------------------- */

static void report_up(struct pcsc *p, bool up)
{
    if (p->up == (int)up)
        return;
    p->up = up;
    post(p, up ? PCSC_READER_UP : PCSC_READER_DOWN);
}

static void set_active(struct pcsc *p, const char *name)
{
    pthread_mutex_lock(&p->mu);
    snprintf(p->active, sizeof p->active, "%s", name ? name : "");
    p->card_in = name != NULL;
    if (name)
        p->gen++;
    pthread_mutex_unlock(&p->mu);
}

static void card_out(struct pcsc *p)
{
    pthread_mutex_lock(&p->mu);
    bool was_in = p->card_in;
    pthread_mutex_unlock(&p->mu);
    if (!was_in)
        return;
    set_active(p, NULL);
    post(p, PCSC_CARD_OUT);
}

static void card_in(struct pcsc *p, const SCARD_READERSTATE *r)
{
    set_active(p, r->szReader);
    p->active_count = EVENT_COUNT(r->dwEventState);
    post(p, PCSC_CARD_IN);
}

/* The reader of the session's card in the watch list, or NULL. */
static const SCARD_READERSTATE *active_reader(struct pcsc *p)
{
    const SCARD_READERSTATE *found = NULL;

    pthread_mutex_lock(&p->mu);
    for (int i = 0; p->card_in && i < p->w.n && !found; i++)
        if (strcmp(p->w.names[i], p->active) == 0)
            found = &p->w.rs[i];
    pthread_mutex_unlock(&p->mu);
    return found;
}

static bool has_card(const SCARD_READERSTATE *r)
{
    return (r->dwEventState & SCARD_STATE_PRESENT) &&
           !(r->dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE |
                                SCARD_STATE_UNAVAILABLE));
}

/* After each wake-up: did the session's card leave (or get swapped), and
 * if no card is in session, did one arrive? A mute card (upside down) is
 * a card too: reading it fails and the person is told. */
static void look_at_cards(struct pcsc *p)
{
    const SCARD_READERSTATE *a = active_reader(p);
    bool in;

    pthread_mutex_lock(&p->mu);
    in = p->card_in;
    pthread_mutex_unlock(&p->mu);
    if (in && (!a || !has_card(a) ||
               EVENT_COUNT(a->dwEventState) != p->active_count))
        card_out(p);
    else if (in)
        return;
    for (int i = 0; i < p->w.n; i++)
        if (has_card(&p->w.rs[i])) {
            card_in(p, &p->w.rs[i]);
            return;
        }
}

/* Rebuild the watch list from pcscd's reader list, keeping what is known
 * of readers still there. 0, or -1 when pcscd failed. */
static int list_readers(struct pcsc *p, SCARDCONTEXT ctx)
{
    char *list = NULL;
    DWORD len = SCARD_AUTOALLOCATE;
    struct watch *old;
    LONG rc = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);

    if (rc != SCARD_S_SUCCESS && rc != SCARD_E_NO_READERS_AVAILABLE)
        return -1;
    old = malloc(sizeof *old);
    if (!old) {
        if (rc == SCARD_S_SUCCESS)
            SCardFreeMemory(ctx, list);
        return -1;
    }
    *old = p->w;
    p->w.n = 0;
    for (const char *r = rc == SCARD_S_SUCCESS ? list : "";
         *r && p->w.n < MAX_READERS; r += strlen(r) + 1) {
        int i = p->w.n;
        if (!matches(p, r))
            continue;
        snprintf(p->w.names[i], sizeof p->w.names[i], "%s", r);
        p->w.rs[i] = (SCARD_READERSTATE){
            .szReader = p->w.names[i],
            .dwCurrentState = SCARD_STATE_UNAWARE,
        };
        for (int j = 0; j < old->n; j++)
            if (strcmp(old->names[j], r) == 0) {
                p->w.rs[i].dwCurrentState = old->rs[j].dwCurrentState;
                p->w.rs[i].dwEventState = old->rs[j].dwEventState;
            }
        p->w.n++;
    }
    p->w.rs[p->w.n] = old->rs[old->n];
    p->w.rs[p->w.n].szReader = PNP_READER;
    free(old);
    if (rc == SCARD_S_SUCCESS)
        SCardFreeMemory(ctx, list);
    pthread_mutex_lock(&p->mu);
    snprintf(p->first, sizeof p->first, "%s", p->w.n ? p->w.names[0] : "");
    pthread_mutex_unlock(&p->mu);
    return 0;
}

/* Take the new states as current; true when the reader list changed. */
static bool take_states(struct pcsc *p)
{
    bool relist = false;

    for (int i = 0; i <= p->w.n; i++) {
        SCARD_READERSTATE *r = &p->w.rs[i];
        if (r->dwEventState & SCARD_STATE_CHANGED) {
            if (i == p->w.n ||
                (r->dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_IGNORE)))
                relist = true;
        }
        r->dwCurrentState = r->dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
    }
    return relist;
}

/* Wait for changes until pcscd fails or pcsc_stop(). */
static void watch(struct pcsc *p, SCARDCONTEXT ctx)
{
    bool relist = true;

    while (!stopping(p)) {
        LONG rc;

        if (p->lost)
            resync(p);
        if (relist) {
            if (list_readers(p, ctx) != 0)
                return;
            if (p->w.n == 0)
                card_out(p);
            report_up(p, p->w.n > 0);
        }
        /* While an event waits to be made good, look again each second. */
        rc = SCardGetStatusChange(ctx, p->lost ? RETRY_MS : INFINITE, p->w.rs,
                                  (DWORD)p->w.n + 1);
        if (rc == SCARD_E_TIMEOUT)
            continue;
        if (rc == SCARD_E_UNKNOWN_READER) { /* went between list and wait */
            relist = true;
            continue;
        }
        if (rc != SCARD_S_SUCCESS)
            return; /* cancelled, or pcscd gone */
        relist = take_states(p);
        look_at_cards(p);
    }
}

static bool set_mon_ctx(struct pcsc *p, SCARDCONTEXT ctx)
{
    pthread_mutex_lock(&p->mu);
    bool ok = !p->stop;
    p->mon_ctx = ok ? ctx : 0;
    pthread_mutex_unlock(&p->mu);
    return ok;
}

static void *monitor(void *arg)
{
    struct pcsc *p = arg;

    while (!stopping(p)) {
        SCARDCONTEXT ctx;

        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) ==
            SCARD_S_SUCCESS) {
            if (set_mon_ctx(p, ctx))
                watch(p, ctx);
            set_mon_ctx(p, 0);
            SCardReleaseContext(ctx);
        }
        if (stopping(p))
            break;
        /* pcscd is not there (or just went): nobody can be served. */
        card_out(p);
        p->w.n = 0;
        p->w.rs[0] = (SCARD_READERSTATE){ .szReader = PNP_READER };
        report_up(p, false);
        if (p->lost)
            resync(p);
        nap(p, RETRY_MS);
    }
    pthread_mutex_lock(&p->mu);
    p->exited = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* ---- the worker's side: the session's card ---------------------------- */

static void drop_ctx(struct pcsc *p)
{
    if (p->have_ctx)
        SCardReleaseContext(p->ctx);
    p->have_ctx = false;
    p->connected = false;
}

/* What a failed call means for the session. */
static int card_rc_of(struct pcsc *p, LONG rc)
{
    switch (rc) {
    case SCARD_W_REMOVED_CARD: case SCARD_E_NO_SMARTCARD:
    case SCARD_W_RESET_CARD:
        return CARD_GONE;
    case SCARD_E_NO_SERVICE: case SCARD_F_COMM_ERROR:
    case SCARD_E_INVALID_HANDLE: case SCARD_E_SERVICE_STOPPED:
    case SCARD_E_READER_UNAVAILABLE: case SCARD_E_UNKNOWN_READER:
        drop_ctx(p); /* start again from a new context next time */
        return CARD_IO_ERROR;
    default:
        return CARD_IO_ERROR;
    }
}

static LONG try_connect(struct pcsc *p, const char *reader)
{
    LONG rc;

    if (!p->have_ctx) {
        rc = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &p->ctx);
        if (rc != SCARD_S_SUCCESS)
            return rc;
        p->have_ctx = true;
    }
    return SCardConnect(p->ctx, reader, SCARD_SHARE_EXCLUSIVE,
                        SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &p->h,
                        &p->proto);
}

/* Whether the card of generation gen is still in. */
static bool still_in(struct pcsc *p, unsigned gen)
{
    pthread_mutex_lock(&p->mu);
    bool in = p->card_in && p->gen == gen;
    pthread_mutex_unlock(&p->mu);
    return in;
}

static int connect_card(struct pcsc *p, const char *reader, unsigned gen)
{
    LONG rc = try_connect(p, reader);

    /* A context from before a pcscd restart is dead: once more with a new
     * one. */
    if (rc != SCARD_S_SUCCESS && card_rc_of(p, rc) == CARD_IO_ERROR &&
        !p->have_ctx)
        rc = try_connect(p, reader);
    for (int i = 0; rc == SCARD_E_SHARING_VIOLATION && i < BUSY_TRIES; i++) {
        nap(p, BUSY_MS);
        if (!still_in(p, gen))
            return CARD_GONE;
        rc = try_connect(p, reader);
    }
    if (rc != SCARD_S_SUCCESS)
        return card_rc_of(p, rc);
    p->connected = true;
    p->h_gen = gen;
    return CARD_OK;
}

static int pcsc_transmit(void *ctx, const uint8_t *cmd, size_t n,
                         uint8_t *resp, size_t cap, size_t *rn)
{
    struct pcsc *p = ctx;
    char reader[MAX_READERNAME];
    DWORD len = (DWORD)cap;
    unsigned gen;
    bool in;
    LONG rc;

    pthread_mutex_lock(&p->mu);
    in = p->card_in;
    gen = p->gen;
    snprintf(reader, sizeof reader, "%s", p->active);
    pthread_mutex_unlock(&p->mu);
    if (p->connected && p->h_gen != gen)
        return CARD_GONE; /* the session's card left; another came */
    if (!p->connected) {
        if (!in)
            return CARD_GONE;
        int c = connect_card(p, reader, gen);
        if (c != CARD_OK)
            return c;
    }
    rc = SCardTransmit(p->h, p->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0
                                                          : SCARD_PCI_T1,
                       cmd, (DWORD)n, NULL, resp, &len);
    if (rc != SCARD_S_SUCCESS)
        return card_rc_of(p, rc);
    if (len < 2)
        return CARD_IO_ERROR;
    *rn = len;
    return CARD_OK;
}

void pcsc_end_session(void *arg)
{
    struct pcsc *p = arg;

    if (!p || !p->connected)
        return;
    /* The reset drops any verified PIN on the card. */
    SCardDisconnect(p->h, SCARD_RESET_CARD);
    p->connected = false;
}

struct card_io pcsc_io(struct pcsc *p)
{
    return (struct card_io){ .transmit = pcsc_transmit, .ctx = p };
}

/* ---- life -------------------------------------------------------------- */

struct pcsc *pcsc_start(const char *match)
{
    struct pcsc *p = calloc(1, sizeof *p);
    pthread_condattr_t ca;

    if (!p)
        return NULL;
    snprintf(p->match, sizeof p->match, "%s", match ? match : "");
    p->up = -1;
    p->w.rs[0].szReader = PNP_READER;
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pipe2(p->pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        goto fail;
    if ((errno = pthread_create(&p->thread, NULL, monitor, p)) != 0) {
        close(p->pipe[0]);
        close(p->pipe[1]);
        goto fail;
    }
    return p;
fail:
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return NULL;
}

int pcsc_fd(const struct pcsc *p)
{
    return p->pipe[0];
}

int pcsc_read_event(struct pcsc *p, enum pcsc_event *ev)
{
    unsigned char c;

    if (read(p->pipe[0], &c, 1) != 1)
        return 0;
    *ev = (enum pcsc_event)c;
    return 1;
}

void pcsc_reader_name(struct pcsc *p, char *buf, size_t len)
{
    pthread_mutex_lock(&p->mu);
    snprintf(buf, len, "%s", p->card_in ? p->active : p->first);
    pthread_mutex_unlock(&p->mu);
}

void pcsc_stop(struct pcsc *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->cv);
    /* SCardCancel only reaches a wait in progress: repeat it until the
     * monitor has left, in case it was between two waits. */
    while (!p->exited) {
        struct timespec t;
        if (p->mon_ctx)
            SCardCancel(p->mon_ctx);
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += 100 * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&p->cv, &p->mu, &t);
    }
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pcsc_end_session(p);
    drop_ctx(p);
    close(p->pipe[0]);
    close(p->pipe[1]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
