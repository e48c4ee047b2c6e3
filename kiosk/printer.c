/*
 * printer.c - see printer.h.
 */
#include "kiosk/printer.h"

#include "kiosk/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/lp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_PREFIX "file:"
#define QUEUE_LEN 4


/* What a failed open() or write() means for the person at the kiosk. */
static enum print_outcome from_errno(int e)
{
    switch (e) {
    case ENOENT: case ENODEV: case ENOTDIR:
        return PRINT_MISSING;  /* unplugged, or never there */
    case ENOSPC:
        return PRINT_NO_PAPER; /* usblp with LPABORT; a full disk */
    case ENXIO: case EBUSY: case EIO: case EPIPE: case EAGAIN:
        return PRINT_OFFLINE;  /* there, but not taking anything */
    default:
        return PRINT_FAILED;
    }
}

enum print_outcome printer_lp_status(int status)
{
    if (status & LP_POUTPA)
        return PRINT_NO_PAPER;
    if (!(status & LP_PSELECD) || !(status & LP_PERRORP))
        return PRINT_OFFLINE; /* not selected, or an error (active low) */
    return PRINT_OK;
}

/* Write everything, waiting for the device at most until deadline. */
static enum print_outcome write_all(int fd, const uint8_t *p, size_t n,
                                    int64_t deadline)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EINTR)
            return from_errno(errno);
        int64_t left = deadline - loop_now_ms();
        struct pollfd pf = { .fd = fd, .events = POLLOUT };
        if (left <= 0 || poll(&pf, 1, (int)left) == 0)
            return PRINT_OFFLINE; /* nothing taken for too long */
        if (pf.revents & (POLLERR | POLLHUP))
            return PRINT_OFFLINE;
    }
    return PRINT_OK;
}

/* usblp sends the last bytes after write() has returned and drops what
 * is still on its way when the device is closed: wait until it reports
 * them gone (POLLOUT), as any other device does at once. */
static enum print_outcome drained(int fd, int64_t deadline)
{
    struct pollfd pf = { .fd = fd, .events = POLLOUT };
    int64_t left = deadline - loop_now_ms();

    if (left <= 0 || poll(&pf, 1, (int)left) != 1 ||
        (pf.revents & (POLLERR | POLLHUP)))
        return PRINT_OFFLINE;
    return PRINT_OK;
}

static enum print_outcome to_device(const char *path, const uint8_t *bytes,
                                    size_t n, int timeout_ms)
{
    int64_t deadline = loop_now_ms() + timeout_ms;
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    int status;
    enum print_outcome o;

    if (fd < 0)
        return from_errno(errno);
    /* A USB printer says whether it has paper and is on-line; other
     * devices answer ENOTTY, and then writing tells. */
    if (ioctl(fd, LPGETSTATUS, &status) == 0 &&
        (o = printer_lp_status(status)) != PRINT_OK) {
        close(fd);
        return o;
    }
    ioctl(fd, LPABORT, 1); /* fail on error rather than wait for ever */
    o = write_all(fd, bytes, n, deadline);
    if (o == PRINT_OK)
        o = drained(fd, deadline);
    if (close(fd) != 0 && o == PRINT_OK)
        o = from_errno(errno);
    return o;
}

/* One receipt as one new file in dir, complete or not at all. */
static enum print_outcome to_file(const char *dir, const uint8_t *bytes,
                                  size_t n)
{
    static unsigned counter;
    char tmp[4096], name[4096], stamp[32];
    time_t t = time(NULL);
    struct tm tm;
    struct stat st;
    enum print_outcome o;

    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return PRINT_MISSING;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(name, sizeof name, "%s/receipt-%s-%d-%u.escpos", dir, stamp,
             (int)getpid(), counter++);
    snprintf(tmp, sizeof tmp, "%s/.receipt-XXXXXX", dir);
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return from_errno(errno);
    o = write_all(fd, bytes, n, loop_now_ms() + PRINTER_TIMEOUT_MS);
    if (o == PRINT_OK && fsync(fd) != 0)
        o = from_errno(errno);
    if (close(fd) != 0 && o == PRINT_OK)
        o = from_errno(errno);
    if (o == PRINT_OK && rename(tmp, name) != 0)
        o = from_errno(errno);
    if (o != PRINT_OK)
        unlink(tmp);
    return o;
}

enum print_outcome printer_send(const char *device, const uint8_t *bytes,
                                size_t n, int timeout_ms)
{
    size_t k = strlen(FILE_PREFIX);

    if (!device || !*device || !bytes)
        return PRINT_FAILED;
    if (strncmp(device, FILE_PREFIX, k) == 0)
        return to_file(device + k, bytes, n);
    return to_device(device, bytes, n, timeout_ms);
}

/* ---- the thread ---- */

struct job {
    uint8_t *bytes;
    size_t n;
    uint32_t session;
    bool quit;
};

struct printer {
    char *device;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job queue[QUEUE_LEN];
    int head, count;
    int pipe[2];
};

static void answer(struct printer *p, enum print_outcome o, uint32_t session)
{
    struct event ev = { .kind = EV_PRINT_DONE, .session = session };

    ev.u.print = o;
    /* Whole events, smaller than PIPE_BUF: each write is atomic. A full
     * pipe means the loop is gone, and then the answer does not matter. */
    if (write(p->pipe[1], &ev, sizeof ev) < 0 && errno != EAGAIN)
        return;
}

static struct job next_job(struct printer *p)
{
    struct job j;

    pthread_mutex_lock(&p->mu);
    while (p->count == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    j = p->queue[p->head];
    p->head = (p->head + 1) % QUEUE_LEN;
    p->count--;
    pthread_mutex_unlock(&p->mu);
    return j;
}

static void *run(void *arg)
{
    struct printer *p = arg;

    for (;;) {
        struct job j = next_job(p);

        if (j.quit)
            break;
        answer(p, printer_send(p->device, j.bytes, j.n, PRINTER_TIMEOUT_MS),
               j.session);
        free(j.bytes);
    }
    return NULL;
}

/* Queue a job; false when the queue is full. */
static bool push(struct printer *p, struct job j)
{
    bool ok;

    pthread_mutex_lock(&p->mu);
    ok = p->count < QUEUE_LEN;
    if (ok) {
        p->queue[(p->head + p->count) % QUEUE_LEN] = j;
        p->count++;
        pthread_cond_signal(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return ok;
}

struct printer *printer_start(const char *device)
{
    struct printer *p = calloc(1, sizeof *p);

    if (!p)
        return NULL;
    p->device = strdup(device);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (!p->device || pipe2(p->pipe, O_CLOEXEC) != 0)
        goto fail;
    fcntl(p->pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(p->pipe[1], F_SETFL, O_NONBLOCK);
    if (pthread_create(&p->thread, NULL, run, p) == 0)
        return p;
    close(p->pipe[0]);
    close(p->pipe[1]);
fail:
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->device);
    free(p);
    return NULL;
}

int printer_fd(const struct printer *p)
{
    return p ? p->pipe[0] : -1;
}

int printer_read_event(struct printer *p, struct event *ev)
{
    return read(p->pipe[0], ev, sizeof *ev) == (ssize_t)sizeof *ev;
}

void printer_submit(struct printer *p, uint8_t *bytes, size_t n,
                    uint32_t session)
{
    if (!bytes || !push(p, (struct job){ bytes, n, session, false })) {
        free(bytes);
        answer(p, PRINT_FAILED, session);
    }
}

void printer_stop(struct printer *p)
{
    if (!p)
        return;
    /* Jobs queued behind the quit are dropped; a full queue waits for
     * the receipt being printed to finish. */
    pthread_mutex_lock(&p->mu);
    for (int i = 0; i < p->count; i++)
        free(p->queue[(p->head + i) % QUEUE_LEN].bytes);
    p->count = 0;
    pthread_mutex_unlock(&p->mu);
    push(p, (struct job){ .quit = true });
    pthread_join(p->thread, NULL);
    close(p->pipe[0]);
    close(p->pipe[1]);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p->device);
    free(p);
}
