/*
 * speak.c - see speak.h.
 *
 * One thread owns the command's process: it waits for a text, spawns the
 * command (kiosk/spawn.h: a process group of its own, no descriptor of
 * ours), writes the text to its stdin, then waits for it to end while
 * watching for a newer text, which stops the group. The UI thread swaps
 * the pending text and its environment under a mutex; it builds that
 * environment itself, because it is the thread that changes ours
 * (LANGUAGE, on a language switch), and no other thread may read
 * environ while it does.
 */
#include "kiosk/speak.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/spawn.h"

extern char **environ;

#define LANG_MAX 16
#define CHECK_MS 50 /* how often a speaking command is checked on */
#define STOP_MS 300 /* how long a stopped command has to end on SIGTERM */
#define STEP_MS 10  /* how often it is looked at meanwhile */

struct speaker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *command;
    char *pending;          /* the next text, or NULL */
    char **env;             /* its command's environment (one block) */
    bool quit;
};

void speak_tag(const char *code, char *out, size_t n)
{
    size_t i = 0;

    for (; code[i] && code[i] != '@' && code[i] != '.' && i + 1 < n; i++)
        out[i] = code[i] == '_' ? '-' : code[i];
    if (n > 0)
        out[i < n ? i : n - 1] = '\0';
}

static bool replaced(const char *var)
{
    return strncmp(var, "KIOSK_LANG=", 11) == 0 ||
           strncmp(var, "KIOSK_LANG_TAG=", 15) == 0;
}

/* The environment for the command: ours as it is now, with the language
 * in KIOSK_LANG and KIOSK_LANG_TAG. One allocation (free() it): the
 * pointers, then the strings they point to. */
static char **command_env(const char *code)
{
    char lang[64], tag[64], t[LANG_MAX];
    size_t n = 2, bytes;

    snprintf(lang, sizeof lang, "KIOSK_LANG=%s", code);
    speak_tag(code, t, sizeof t);
    snprintf(tag, sizeof tag, "KIOSK_LANG_TAG=%s", t);
    bytes = strlen(lang) + 1 + strlen(tag) + 1;
    for (char **e = environ; *e; e++)
        if (!replaced(*e)) {
            n++;
            bytes += strlen(*e) + 1;
        }
    char **env = malloc((n + 1) * sizeof *env + bytes);
    if (!env)
        return NULL;
    char *p = (char *)(env + n + 1);
    size_t k = 0;
    for (char **e = environ; *e; e++)
        if (!replaced(*e)) {
            env[k++] = p;
            p = stpcpy(p, *e) + 1;
        }
    env[k++] = p;
    p = stpcpy(p, lang) + 1;
    env[k++] = p;
    stpcpy(p, tag);
    env[k] = NULL;
    return env;
}

/* Write all of text (under SCREEN_WORDS_MAX, so it fits the pipe and
 * never blocks); a command that is gone already just misses it. */
static void feed(int fd, const char *text)
{
    size_t len = strlen(text), off = 0;

    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    close(fd);
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += (long)ms * 1000000L;
    ts->tv_sec += ts->tv_nsec / 1000000000L;
    ts->tv_nsec %= 1000000000L;
}

/* Has the leader ended? Only a peek (WNOWAIT): unreaped, its pid stays
 * the group's and cannot be given to another process. */
static bool ended(pid_t pid)
{
    siginfo_t si;

    memset(&si, 0, sizeof si);
    return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0 ||
           si.si_pid != 0;
}

/* Stop the command's whole group: SIGTERM, up to STOP_MS for the leader
 * to end, then SIGKILL for whatever is left (a command that ignores
 * SIGTERM, or what it started), and reap the leader. */
static void stop_child(pid_t pid)
{
    struct timespec step = { 0, STEP_MS * 1000000L };

    kill(-pid, SIGTERM);
    for (int ms = 0; ms < STOP_MS && !ended(pid); ms += STEP_MS)
        nanosleep(&step, NULL);
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* Wait for the command to end; a newer text or quitting stops it.
 * Called with the mutex held; returns with it held. */
static void wait_child(struct speaker *s, pid_t pid)
{
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        struct timespec ts;

        if (s->pending || s->quit) {
            pthread_mutex_unlock(&s->mu);
            stop_child(pid);
            pthread_mutex_lock(&s->mu);
            return;
        }
        deadline_in(&ts, CHECK_MS);
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
}

static void *run(void *arg)
{
    struct speaker *s = arg;
    char *argv[] = { "/bin/sh", "-c", s->command, NULL };

    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->pending && !s->quit)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->quit)
            break;
        char *text = s->pending;
        char **env = s->env;
        int in = -1;

        s->pending = NULL;
        s->env = NULL;
        pthread_mutex_unlock(&s->mu);
        pid_t pid = spawn_child(argv, env, &in, NULL);
        if (pid > 0)
            feed(in, text);
        free(text);
        free(env);
        pthread_mutex_lock(&s->mu);
        if (pid > 0)
            wait_child(s, pid);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct speaker *speak_start(const char *command)
{
    struct speaker *s;
    sigset_t all, old;

    if (!command || !*command)
        return NULL;
    s = calloc(1, sizeof *s);
    if (!s || !(s->command = strdup(command))) {
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    /* Signals stay with the main thread, whose loop handles them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->thread, NULL, run, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        free(s->command);
        free(s);
        return NULL;
    }
    return s;
}

void speak_say(struct speaker *s, const char *text, const char *code)
{
    char *copy;
    char **env;

    if (!s)
        return;
    copy = strdup(text);
    env = command_env(code ? code : "");
    if (!copy || !env) {
        free(copy);
        free(env);
        return;
    }
    pthread_mutex_lock(&s->mu);
    free(s->pending);
    free(s->env);
    s->pending = copy;
    s->env = env;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void speak_stop(struct speaker *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->quit = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    free(s->pending);
    free(s->env);
    free(s->command);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
