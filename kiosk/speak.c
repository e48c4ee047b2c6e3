/*
 * speak.c - see speak.h.
 *
 * One thread owns the command's process: it waits for a text, spawns the
 * command in a new process group, writes the text to its stdin, then
 * waits for it to end while watching for a newer text (which stops the
 * group). The UI thread only swaps the pending text under a mutex.
 */
#include "kiosk/speak.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LANG_MAX 16
#define CHECK_MS 50 /* how often a speaking command is checked on */

struct speaker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *command;
    char *pending;          /* the next text, or NULL */
    char lang[LANG_MAX];    /* the pending text's language */
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

/* The environment for the command: ours plus the language. */
static char **command_env(const char *code, char *lang, char *tag)
{
    size_t n = 0;
    char **env;
    char t[LANG_MAX];

    while (environ[n])
        n++;
    env = calloc(n + 3, sizeof *env);
    if (!env)
        return NULL;
    snprintf(lang, 64, "KIOSK_LANG=%s", code);
    speak_tag(code, t, sizeof t);
    snprintf(tag, 64, "KIOSK_LANG_TAG=%s", t);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "KIOSK_LANG=", 11) != 0 &&
            strncmp(environ[i], "KIOSK_LANG_TAG=", 15) != 0)
            env[k++] = environ[i];
    env[k++] = lang;
    env[k] = tag;
    return env;
}

/* Spawn the command with stdin from a pipe and output to /dev/null, in a
 * process group of its own, with default signal handling. Returns its
 * pid and the pipe's write end in *in, or -1. */
static pid_t spawn(const char *command, const char *code, int *in)
{
    char *argv[] = { "sh", "-c", (char *)command, NULL };
    char lang[64], tag[64];
    char **env = command_env(code, lang, tag);
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t all, none;
    int p[2];
    pid_t pid = -1;

    if (!env || pipe2(p, O_CLOEXEC) != 0) {
        free(env);
        return -1;
    }
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
                                     O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_init(&at);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
                                      POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
    if (posix_spawn(&pid, "/bin/sh", &fa, &at, argv, env) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    free(env);
    close(p[0]);
    if (pid < 0)
        close(p[1]);
    else
        *in = p[1];
    return pid;
}

/* Write all of text; a command that stops reading (or is gone) ends it. */
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

/* Wait for the command to end; a newer text or quitting stops it.
 * Called with the mutex held; returns with it held. */
static void wait_child(struct speaker *s, pid_t pid)
{
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        struct timespec ts;

        if (s->pending || s->quit) {
            kill(-pid, SIGTERM);
            pthread_mutex_unlock(&s->mu);
            waitpid(pid, &status, 0);
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

    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->pending && !s->quit)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->quit)
            break;
        char *text = s->pending;
        char lang[LANG_MAX];
        int in = -1;

        s->pending = NULL;
        memcpy(lang, s->lang, sizeof lang);
        pthread_mutex_unlock(&s->mu);
        pid_t pid = spawn(s->command, lang, &in);
        if (pid > 0)
            feed(in, text);
        free(text);
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

    if (!s || !(copy = strdup(text)))
        return;
    pthread_mutex_lock(&s->mu);
    free(s->pending);
    s->pending = copy;
    snprintf(s->lang, sizeof s->lang, "%s", code ? code : "");
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
    free(s->command);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
