/*
 * visit.c - one visitor's session of the public demo (contract: visit.h).
 */
#include "kiosk/visit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/i18n.h"
#include "kiosk/loop.h"

/* ---- the pure part: time limits ---- */

void visit_init(struct visit *v, const struct config *cfg, int64_t now)
{
    memset(v, 0, sizeof *v);
    v->start_ms = now;
    v->last_input_ms = now;
    v->length_ms = (int64_t)cfg->demo_session_length * 1000;
    v->idle_ms = (int64_t)cfg->demo_idle * 1000;
    v->end = VISIT_GOING;
    v->slot_fd = -1;
}

void visit_input(struct visit *v, int64_t now)
{
    if (v)
        v->last_input_ms = now;
}

/* Whichever comes first: the end of the session's time, or of its
 * patience with an idle visitor. */
static int64_t deadline(const struct visit *v)
{
    int64_t time_up = v->start_ms + v->length_ms;
    int64_t idle = v->last_input_ms + v->idle_ms;
    return time_up < idle ? time_up : idle;
}

bool visit_over(struct visit *v, int64_t now)
{
    if (!v)
        return false;
    if (now >= v->start_ms + v->length_ms)
        v->end = VISIT_TIME_UP;
    else if (now >= v->last_input_ms + v->idle_ms)
        v->end = VISIT_IDLE;
    return v->end != VISIT_GOING;
}

int visit_countdown(const struct visit *v, int64_t now)
{
    int64_t left;

    if (!v)
        return 0;
    left = deadline(v) - now;
    if (left <= 0 || left > (int64_t)VISIT_COUNTDOWN_S * 1000)
        return 0;
    return (int)((left + 999) / 1000);
}

int64_t visit_wakeup(const struct visit *v, int64_t now)
{
    int64_t end, left;

    if (!v)
        return -1;
    end = deadline(v);
    left = end - now;
    if (left <= 0)
        return now;
    if (left > (int64_t)VISIT_COUNTDOWN_S * 1000)
        return end - (int64_t)VISIT_COUNTDOWN_S * 1000;
    /* the moment the rounded-up seconds drop by one */
    return now + left - ((left + 999) / 1000 - 1) * 1000;
}

void visit_farewell(const struct visit *v)
{
    if (!v)
        return;
    switch (v->end) {
    case VISIT_TIME_UP:
        printf(_("The demo session has reached its time limit of %d "
                 "minutes. Thank you for trying it.\n"),
               (int)(v->length_ms / 60000));
        break;
    case VISIT_IDLE:
        printf(_("The demo session ended after %d seconds without input. "
                 "Thank you for trying it.\n"), (int)(v->idle_ms / 1000));
        break;
    case VISIT_GOING:
        printf(_("Thank you for trying the demo.\n"));
        break;
    }
    fflush(stdout);
}

/* ---- a place among the sessions ---- */

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (flag == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0; /* go on: remove as much as can be removed */
}

/* Remove dir and everything in it; symbolic links are removed, never
 * followed. Nothing there is fine. */
static void remove_tree(const char *dir)
{
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* The place's session directory, empty: whatever a keeper killed before
 * it could clean up left there goes now, under the place's lock. */
static int fresh_dir(const char *dir)
{
    remove_tree(dir);
    if (mkdir(dir, 0700) == 0)
        return 0;
    fprintf(stderr, "kiosk: %s: %s\n", dir, strerror(errno));
    return -1;
}

int visit_take_slot(const struct config *cfg, time_t *oldest, char *dir,
                    size_t dirlen)
{
    char path[CONFIG_PATH_MAX + 32];

    *oldest = 0;
    if (mkdir(cfg->demo_slot_dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "kiosk: %s: %s\n", cfg->demo_slot_dir, strerror(errno));
        return -2;
    }
    for (int i = 0; i < cfg->demo_sessions; i++) {
        struct stat st;
        int fd;

        snprintf(path, sizeof path, "%s/slot-%d", cfg->demo_slot_dir, i);
        fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0) {
            fprintf(stderr, "kiosk: %s: %s\n", path, strerror(errno));
            return -2;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            futimens(fd, NULL); /* the place's holder started now */
            snprintf(dir, dirlen, "%s.d", path);
            if (fresh_dir(dir) != 0) {
                close(fd);
                return -2;
            }
            return fd;
        }
        /* taken: its time stamp says when its session started */
        if (fstat(fd, &st) == 0 && (*oldest == 0 || st.st_mtime < *oldest))
            *oldest = st.st_mtime;
        close(fd);
    }
    return -1;
}

int visit_wait_minutes(const struct config *cfg, time_t oldest, time_t now)
{
    long wait = (long)(oldest + cfg->demo_session_length - now);
    long most = (cfg->demo_session_length + 59) / 60;
    long minutes = (wait + 59) / 60;

    if (minutes < 1)
        minutes = 1;
    return (int)(minutes > most ? most : minutes);
}

static void say_full(const struct config *cfg, time_t oldest)
{
    long minutes = visit_wait_minutes(cfg, oldest, time(NULL));

    printf(ngettext("Sorry, the demo is full. Please try again in about "
                    "%ld minute.\n",
                    "Sorry, the demo is full. Please try again in about "
                    "%ld minutes.\n", (unsigned long)minutes), minutes);
    fflush(stdout);
}

/* ---- resource limits ---- */

static int limit(int what, rlim_t soft, rlim_t hard, const char *name)
{
    struct rlimit r = { soft, hard };

    if (setrlimit(what, &r) == 0)
        return 0;
    fprintf(stderr, "kiosk: %s: %s\n", name, strerror(errno));
    return -1;
}

/* The kernel counts processes per account, not per session: the demo
 * account as a whole gets processes times sessions. CPU time ends the
 * session cleanly (SIGXCPU, caught by the loop) a little before the
 * hard limit kills it. */
static int set_limits(const struct config *cfg)
{
    rlim_t mib = (rlim_t)cfg->demo_memory * 1024 * 1024;
    rlim_t nproc = (rlim_t)cfg->demo_processes * (rlim_t)cfg->demo_sessions;
    rlim_t cpu = (rlim_t)cfg->demo_cpu;

    if (cfg->demo_memory > 0 && limit(RLIMIT_AS, mib, mib, "memory") != 0)
        return -1;
    if (limit(RLIMIT_NPROC, nproc, nproc, "processes") != 0 ||
        limit(RLIMIT_NOFILE, (rlim_t)cfg->demo_open_files,
              (rlim_t)cfg->demo_open_files, "open_files") != 0 ||
        limit(RLIMIT_CPU, cpu, cpu + 2, "cpu_seconds") != 0)
        return -1;
    return 0;
}

/* ---- the keeper ---- */

/* The next of sigs, or 0 once at (monotonic ms) has come. */
static int next_signal(const sigset_t *sigs, int64_t at)
{
    int64_t ms = at - loop_now_ms();
    struct timespec ts = { 0, 0 };
    int sig;

    if (ms > 0)
        ts = (struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L };
    sig = sigtimedwait(sigs, NULL, &ts);
    return sig < 0 && errno == EAGAIN ? 0 : sig;
}

/* Wait for the child, passing on the signals that end a session. At
 * end_at the child gets SIGTERM of the keeper's own accord: a kiosk
 * blocked writing to a client that reads nothing never comes back to
 * its loop to see that its time is up. A child that has not gone
 * KEEPER_GRACE_MS after the first signal is killed. Returns the
 * child's exit status, 128 + signal when killed. */
static int keep(pid_t child, const sigset_t *sigs, int64_t end_at)
{
    int64_t at = end_at;
    bool ending = false;
    int status = 0;

    for (;;) {
        pid_t p = waitpid(child, &status, WNOHANG);
        int sig;

        if (p == child || (p < 0 && errno != EINTR))
            break;
        sig = next_signal(sigs, at);
        if (sig == 0 && ending) {
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            break;
        }
        if (sig == 0)
            sig = SIGTERM; /* the session's time, and more, is over */
        if (sig > 0 && sig != SIGCHLD) {
            kill(child, sig);
            if (!ending)
                at = loop_now_ms() + KEEPER_GRACE_MS;
            ending = true;
        }
    }
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Fork; the child returns -1 and goes on with dir (the place's session
 * directory) as its TMPDIR, the parent keeps it until end_at. */
static int fork_keeper(const char *dir, int64_t end_at)
{
    static const int ends[] = { SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCHLD };
    sigset_t sigs, old;
    pid_t keeper = getpid(), child;
    int rc;

    setenv("TMPDIR", dir, 1);
    sigemptyset(&sigs);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        sigaddset(&sigs, ends[i]);
    sigprocmask(SIG_BLOCK, &sigs, &old); /* no signal lost before keep() */
    child = fork();
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        prctl(PR_SET_PDEATHSIG, SIGHUP);
        if (getppid() != keeper)
            raise(SIGHUP); /* the keeper went before prctl() */
        return -1;
    }
    if (child < 0) {
        fprintf(stderr, "kiosk: fork: %s\n", strerror(errno));
        rc = 1;
    } else {
        rc = keep(child, &sigs, end_at);
    }
    remove_tree(dir);
    return rc;
}

int visit_begin(struct visit *v, const struct config *cfg, const char *lang,
                int64_t now)
{
    int l = lang_from_code(lang ? lang : cfg->language);
    char dir[CONFIG_PATH_MAX + 40];
    time_t oldest;

    visit_init(v, cfg, now);
    if (l >= 0)
        i18n_set_lang((enum lang)l);
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        printf(_("This demo needs a terminal: please connect with "
                 "\"ssh -t\".\n"));
        fflush(stdout);
        return EX_USAGE;
    }
    v->slot_fd = visit_take_slot(cfg, &oldest, dir, sizeof dir);
    if (v->slot_fd == -1) {
        say_full(cfg, oldest);
        return EX_TEMPFAIL;
    }
    if (v->slot_fd < 0 || set_limits(cfg) != 0)
        return 1;
    return fork_keeper(dir, v->start_ms + v->length_ms + KEEPER_OVERTIME_MS);
}
