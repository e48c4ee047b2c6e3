/*
 * matcher.c - see matcher.h for the protocol.
 *
 * One check at a time. The matcher is started by kiosk/spawn.h (posix_spawn,
 * safe in the threaded kiosk) in a process group of its own, so one kill
 * reaches whatever it started. The loop polls a single epoll descriptor that
 * holds the matcher's stdout and a pidfd for its exit: output and death
 * both wake the loop, without a SIGCHLD handler. A leader that cannot be
 * reaped at once (stuck in the kernel) is kept on a short list and
 * reaped later, never waited for.
 */
#include "kiosk/matcher.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/i18n.h"
#include "kiosk/spawn.h"

extern char **environ;

#define REASON_MAX 160
#define SCORE_MAX 100
#define RECHECK_MS 50   /* without a pidfd: look for the exit this often */
#define ORPHANS_MAX 8   /* killed leaders not reaped yet */

struct matcher {
    bool demo;
    char *words;                        /* the command, split in place */
    char *argv[MATCHER_WORDS_MAX + 1];
    int64_t timeout_ms;
    char kiosk_id[AUTH_ID_MAX + 1];
    int ep;                             /* epoll over out and pidfd */
    /* the check in progress */
    bool active;
    bool failed;                        /* could not start: report it */
    uint32_t session;
    int attempt;
    pid_t pid;                          /* 0: no process */
    int out;                            /* its stdout, -1: closed */
    int pidfd;                          /* -1: none (old kernel) */
    int64_t deadline;
    int64_t recheck;                    /* without a pidfd: look again */
    char buf[MATCHER_OUTPUT_MAX + 1];
    size_t len;
    pid_t orphans[ORPHANS_MAX];
};

/* ---- the answer line ---- */

static bool parse_score(const char *s, size_t len)
{
    int v = 0;

    if (len == 0 || len > 3)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v <= SCORE_MAX;
}

static bool printable(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

int matcher_parse(const char *line, size_t len, enum face_outcome *outcome)
{
    static const struct { const char *word; enum face_outcome o; } words[] = {
        { "match ", FACE_MATCH },
        { "no-match ", FACE_NO_MATCH },
        { "error ", FACE_ERROR },
    };

    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        size_t w = strlen(words[i].word);
        const char *rest = line + w;
        size_t rlen = len - w;

        if (len <= w || memcmp(line, words[i].word, w) != 0)
            continue;
        if (words[i].o == FACE_ERROR ? rlen <= REASON_MAX && printable(rest, rlen)
                                     : parse_score(rest, rlen)) {
            *outcome = words[i].o;
            return 0;
        }
        return -1;
    }
    return -1;
}

/* ---- setting up ---- */

static int split_command(struct matcher *m, const char *command, char *err,
                         size_t errlen)
{
    int n = 0;

    m->words = strdup(command);
    if (!m->words)
        return -1;
    for (char *save = NULL, *w = strtok_r(m->words, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        if (n == MATCHER_WORDS_MAX) {
            snprintf(err, errlen, _("[face] command has more than %d words"),
                     MATCHER_WORDS_MAX);
            return -1;
        }
        m->argv[n++] = w;
    }
    if (n == 0 || m->argv[0][0] != '/') {
        snprintf(err, errlen,
                 _("[face] command must start with an absolute path"));
        return -1;
    }
    if (access(m->argv[0], X_OK) != 0) {
        snprintf(err, errlen, _("[face] command: %s: %s"), m->argv[0],
                 strerror(errno));
        return -1;
    }
    return 0;
}

struct matcher *matcher_new(const char *command, int64_t timeout_ms,
                            const char *kiosk_id, char *err, size_t errlen)
{
    struct matcher *m = calloc(1, sizeof *m);

    if (!m) {
        snprintf(err, errlen, "%s", strerror(ENOMEM));
        return NULL;
    }
    m->out = m->pidfd = m->ep = -1;
    m->timeout_ms = timeout_ms;
    snprintf(m->kiosk_id, sizeof m->kiosk_id, "%s", kiosk_id);
    m->demo = !command || !*command;
    if (!m->demo) {
        m->ep = epoll_create1(EPOLL_CLOEXEC);
        if (m->ep < 0) {
            snprintf(err, errlen, "epoll: %s", strerror(errno));
            matcher_free(m);
            return NULL;
        }
        if (split_command(m, command, err, errlen) != 0) {
            matcher_free(m);
            return NULL;
        }
    }
    return m;
}

bool matcher_is_demo(const struct matcher *m)
{
    return m && m->demo;
}

/* ---- processes ---- */

static void reap_orphans(struct matcher *m)
{
    for (int i = 0; i < ORPHANS_MAX; i++)
        if (m->orphans[i] > 0 && waitpid(m->orphans[i], NULL, WNOHANG) != 0)
            m->orphans[i] = 0;
}

/* Kill the check's whole process group and reap the leader if it is
 * ready; a leader that is not is remembered and reaped later. */
static void end_process(struct matcher *m)
{
    if (m->pid > 0) {
        kill(-m->pid, SIGKILL);
        if (waitpid(m->pid, NULL, WNOHANG) == 0) {
            for (int i = 0; i < ORPHANS_MAX; i++)
                if (m->orphans[i] <= 0) {
                    m->orphans[i] = m->pid;
                    break;
                }
        }
    }
    if (m->out >= 0)
        close(m->out);
    if (m->pidfd >= 0)
        close(m->pidfd);
    m->pid = 0;
    m->out = m->pidfd = -1;
    m->active = m->failed = false;
    m->len = 0;
    reap_orphans(m);
}

static void watch(struct matcher *m, int fd)
{
    struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

    if (fd >= 0)
        epoll_ctl(m->ep, EPOLL_CTL_ADD, fd, &e);
}

/* Start the matcher with the request's pipe in *in and its answer's in
 * m->out (kiosk/spawn.h: a process group of its own, nothing else of
 * ours open in it). */
static int spawn(struct matcher *m, int *in)
{
    pid_t pid = spawn_child(m->argv, environ, in, &m->out);

    if (pid < 0) {
        syslog(LOG_WARNING, "face matcher: cannot start %s: %s", m->argv[0],
               strerror(errno));
        return -1;
    }
    m->pid = pid;
    return 0;
}

/* The request on stdin. It is far below PIPE_BUF, so the write into the
 * empty pipe is whole and never blocks; a matcher already gone (EPIPE)
 * just does not get it, and SIGPIPE is held off this thread meanwhile. */
static void send_request(const struct matcher *m, int fd, const char *lang)
{
    char req[256];
    sigset_t pipe_sig, old;
    struct timespec zero = { 0, 0 };
    int n = snprintf(req, sizeof req,
                     "protocol=1\nkiosk=%s\nattempt=%d\ntimeout=%d\nlang=%s\n",
                     m->kiosk_id, m->attempt, (int)(m->timeout_ms / 1000),
                     lang ? lang : "");

    sigemptyset(&pipe_sig);
    sigaddset(&pipe_sig, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_sig, &old);
    if (write(fd, req, (size_t)n) < 0 && errno == EPIPE)
        sigtimedwait(&pipe_sig, NULL, &zero);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void matcher_start(struct matcher *m, uint32_t session, int attempt,
                   const char *lang, int64_t now)
{
    int in = -1;

    if (!m)
        return;
    matcher_stop(m);
    m->active = true;
    m->session = session;
    m->attempt = attempt;
    m->deadline = now + m->timeout_ms;
    m->recheck = now + RECHECK_MS;
    if (m->demo)
        return;
    if (spawn(m, &in) != 0) {
        m->failed = true;
        return;
    }
    send_request(m, in, lang);
    close(in);
    fcntl(m->out, F_SETFL, O_NONBLOCK);
    m->pidfd = pidfd_open(m->pid, 0);
    watch(m, m->out);
    watch(m, m->pidfd);
}

void matcher_stop(struct matcher *m)
{
    if (m && m->active)
        end_process(m);
}

int matcher_fd(const struct matcher *m)
{
    return m && m->active && !m->demo ? m->ep : -1;
}

int64_t matcher_deadline(const struct matcher *m)
{
    if (!m || !m->active || m->demo)
        return -1;
    if (m->failed)
        return 0;
    if (m->pidfd < 0 && m->recheck < m->deadline)
        return m->recheck;
    return m->deadline;
}

/* ---- deciding ---- */

/* Read what is there. -1: the output broke the protocol already (too
 * much, or a second line). */
static int take_output(struct matcher *m)
{
    while (m->out >= 0) {
        ssize_t n = read(m->out, m->buf + m->len, sizeof m->buf - 1 - m->len);

        if (n > 0) {
            m->len += (size_t)n;
            if (m->len >= MATCHER_OUTPUT_MAX)
                return -1;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        epoll_ctl(m->ep, EPOLL_CTL_DEL, m->out, NULL);
        close(m->out); /* end of file, or a broken pipe */
        m->out = -1;
    }
    m->buf[m->len] = '\0';
    const char *nl = memchr(m->buf, '\n', m->len);
    if (nl && (size_t)(nl - m->buf) + 1 < m->len)
        return -1; /* something after the first line */
    if ((nl ? (size_t)(nl - m->buf) + 1 : m->len) > MATCHER_LINE_MAX)
        return -1;
    return 0;
}

/* Has the leader exited? Peek without reaping (WNOWAIT), so the group
 * can still be killed by its id before the leader's pid is freed. */
static bool exited(struct matcher *m, int *status)
{
    siginfo_t si;

    memset(&si, 0, sizeof si);
    if (waitid(P_PID, (id_t)m->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
        si.si_pid == 0)
        return false;
    *status = si.si_code == CLD_EXITED ? si.si_status : -1;
    if (si.si_code != CLD_EXITED)
        syslog(LOG_WARNING, "face matcher: killed by signal %d", si.si_status);
    return true;
}

static void note_reason(const struct matcher *m)
{
    syslog(LOG_WARNING, "face matcher: %.*s", (int)strcspn(m->buf, "\n"), m->buf);
}

/* The outcome of a matcher that exited with status after writing buf. */
static enum face_outcome judge(const struct matcher *m, int status)
{
    enum face_outcome o;
    size_t len = strcspn(m->buf, "\n");

    if (status != 0) {
        if (status > 0)
            syslog(LOG_WARNING, "face matcher: exit status %d", status);
        return FACE_ERROR;
    }
    if (m->len == 0 || matcher_parse(m->buf, len, &o) != 0) {
        syslog(LOG_WARNING, "face matcher: answer not understood");
        return FACE_ERROR;
    }
    if (o == FACE_ERROR)
        note_reason(m);
    return o;
}

static bool done(struct matcher *m, enum face_outcome o, struct event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = EV_FACE_DONE;
    ev->session = m->session;
    ev->u.face.attempt = m->attempt;
    ev->u.face.outcome = o;
    end_process(m);
    return true;
}

bool matcher_poll(struct matcher *m, int64_t now, struct event *ev)
{
    int status;

    if (!m)
        return false;
    reap_orphans(m);
    if (!m->active || m->demo)
        return false;
    if (m->failed)
        return done(m, FACE_ERROR, ev);
    if (take_output(m) != 0) {
        syslog(LOG_WARNING, "face matcher: too much output");
        return done(m, FACE_ERROR, ev);
    }
    if (exited(m, &status)) {
        take_output(m); /* what it wrote just before it went */
        return done(m, judge(m, status), ev);
    }
    if (now >= m->deadline) {
        syslog(LOG_WARNING, "face matcher: no answer in %d s",
               (int)(m->timeout_ms / 1000));
        return done(m, FACE_TIMEOUT, ev);
    }
    if (m->pidfd < 0)
        m->recheck = now + RECHECK_MS; /* nothing will wake the loop */
    return false;
}

bool matcher_demo_answer(struct matcher *m, enum face_outcome outcome,
                         struct event *ev)
{
    if (!m || !m->demo || !m->active)
        return false;
    m->active = false;
    memset(ev, 0, sizeof *ev);
    ev->kind = EV_FACE_DONE;
    ev->session = m->session;
    ev->u.face.attempt = m->attempt;
    ev->u.face.outcome = outcome;
    return true;
}

void matcher_free(struct matcher *m)
{
    if (!m)
        return;
    matcher_stop(m);
    for (int i = 0; i < ORPHANS_MAX; i++)
        if (m->orphans[i] > 0)
            kill(-m->orphans[i], SIGKILL);
    reap_orphans(m);
    if (m->ep >= 0)
        close(m->ep);
    free(m->words);
    free(m);
}
