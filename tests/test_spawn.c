/*
 * test_spawn.c - starting helper programs (kiosk/spawn.h) for real, with
 * /bin/sh as the child: its pipes, its directory, its descriptors, its
 * process group and its signals, and a program that cannot start.
 */
#include "tests/test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiosk/spawn.h"

extern char **environ;

#define STRAY_FD 57 /* a descriptor of ours the child must not get */

/* Run script under /bin/sh with input on its stdin; its whole stdout in
 * out, and its exit status returned. */
static int run(const char *script, const char *input, char *out, size_t n)
{
    char *argv[] = { "/bin/sh", "-c", (char *)script, NULL };
    int in = -1, from = -1, status;
    size_t got = 0;
    ssize_t r;
    pid_t pid = spawn_child(argv, environ, &in, &from);

    assert_true(pid > 0);
    assert_int_equal(write(in, input, strlen(input)), (ssize_t)strlen(input));
    close(in);
    while ((r = read(from, out + got, n - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(from);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static void test_pipes_and_directory(void **state)
{
    char out[256];

    (void)state;
    assert_int_equal(run("read line; echo \"$line in $(pwd)\"", "hello\n", out,
                         sizeof out), 0);
    assert_string_equal(out, "hello in /\n");
    /* Without pipes asked for, stdin and stdout are /dev/null. */
    char *argv[] = { "/bin/sh", "-c",
                     "[ \"$(readlink /proc/$$/fd/0)\" = /dev/null ] && "
                     "[ \"$(readlink /proc/$$/fd/1)\" = /dev/null ]", NULL };
    int status;
    pid_t pid = spawn_child(argv, environ, NULL, NULL);
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A descriptor of ours without close-on-exec (as the terminal's, a
 * library's) does not reach the child; its stderr is /dev/null. */
static void test_nothing_else_open(void **state)
{
    char out[256];
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[1], STRAY_FD), STRAY_FD);
    assert_int_equal(run("for f in 0 1 2 57; do "
                         "[ -e /proc/$$/fd/$f ] && printf '%s ' $f; done; "
                         "readlink /proc/$$/fd/2", "", out, sizeof out), 0);
    assert_string_equal(out, "0 1 2 /dev/null\n");
    close(STRAY_FD);
    close(p[0]);
    close(p[1]);
}

/* The child leads a group of its own, and a signal we ignore is at its
 * default there: SIGTERM ends it. */
static void test_own_group_default_signals(void **state)
{
    char *argv[] = { "/bin/sh", "-c", "exec cat", NULL };
    struct sigaction ign = { .sa_handler = SIG_IGN }, old;
    int in = -1, status;

    (void)state;
    sigaction(SIGTERM, &ign, &old);
    pid_t pid = spawn_child(argv, environ, &in, NULL);
    sigaction(SIGTERM, &old, NULL);
    assert_true(pid > 0);
    assert_int_equal(getpgid(pid), pid);
    assert_int_not_equal(getpgid(pid), getpgrp());
    assert_int_equal(kill(-pid, SIGTERM), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGTERM);
    close(in);
}

/* A program that is not there: -1 with the reason, and no descriptor
 * left behind. */
static void test_cannot_start(void **state)
{
    char *argv[] = { "/nonexistent/matcher", NULL };
    int before = open_fds(), in = -1, out = -1;

    (void)state;
    errno = 0;
    assert_int_equal(spawn_child(argv, environ, &in, &out), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(in, -1);
    assert_int_equal(out, -1);
    assert_int_equal(open_fds(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipes_and_directory),
        cmocka_unit_test(test_nothing_else_open),
        cmocka_unit_test(test_own_group_default_signals),
        cmocka_unit_test(test_cannot_start),
    };
    return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
