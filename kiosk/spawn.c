/*
 * spawn.c - see spawn.h.
 */
#include "kiosk/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

static void close_fd(int fd)
{
    if (fd >= 0)
        close(fd);
}

/* fd as the child's descriptor target, or /dev/null when fd is -1. */
static int std_fd(posix_spawn_file_actions_t *fa, int fd, int target,
                  int flags)
{
    if (fd >= 0)
        return posix_spawn_file_actions_adddup2(fa, fd, target);
    return posix_spawn_file_actions_addopen(fa, target, "/dev/null", flags, 0);
}

/* stdin, stdout, stderr as spawn.h says; every descriptor above them
 * closed; "/" as the directory. */
static int file_actions(posix_spawn_file_actions_t *fa, int in, int out)
{
    int rc = posix_spawn_file_actions_init(fa);

    if (rc != 0)
        return rc;
    if ((rc = std_fd(fa, in, STDIN_FILENO, O_RDONLY)) != 0 ||
        (rc = std_fd(fa, out, STDOUT_FILENO, O_WRONLY)) != 0 ||
        (rc = std_fd(fa, -1, STDERR_FILENO, O_WRONLY)) != 0 ||
        (rc = posix_spawn_file_actions_addclosefrom_np(fa, 3)) != 0 ||
        (rc = posix_spawn_file_actions_addchdir_np(fa, "/")) != 0)
        posix_spawn_file_actions_destroy(fa);
    return rc;
}

static int attributes(posix_spawnattr_t *at)
{
    sigset_t all, none;
    int rc = posix_spawnattr_init(at);

    if (rc != 0)
        return rc;
    sigfillset(&all);
    sigemptyset(&none);
    if ((rc = posix_spawnattr_setpgroup(at, 0)) != 0 ||
        (rc = posix_spawnattr_setsigdefault(at, &all)) != 0 ||
        (rc = posix_spawnattr_setsigmask(at, &none)) != 0 ||
        (rc = posix_spawnattr_setflags(at, POSIX_SPAWN_SETPGROUP |
                                               POSIX_SPAWN_SETSIGDEF |
                                               POSIX_SPAWN_SETSIGMASK)) != 0)
        posix_spawnattr_destroy(at);
    return rc;
}

/* Start the child on the descriptors in and out (-1: /dev/null);
 * returns 0 or an error number. */
static int start(char *const argv[], char *const envp[], int in, int out,
                 pid_t *pid)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    int rc = file_actions(&fa, in, out);

    if (rc != 0)
        return rc;
    rc = attributes(&at);
    if (rc == 0) {
        rc = posix_spawn(pid, argv[0], &fa, &at, argv, envp);
        posix_spawnattr_destroy(&at);
    }
    posix_spawn_file_actions_destroy(&fa);
    return rc;
}

pid_t spawn_child(char *const argv[], char *const envp[], int *to_child,
                  int *from_child)
{
    int in[2] = { -1, -1 }, out[2] = { -1, -1 };
    pid_t pid = -1;
    int rc = 0;

    if ((to_child && pipe2(in, O_CLOEXEC) != 0) ||
        (from_child && pipe2(out, O_CLOEXEC) != 0))
        rc = errno;
    else
        rc = start(argv, envp, in[0], out[1], &pid);
    /* The child's ends are the child's now (or nobody's). */
    close_fd(in[0]);
    close_fd(out[1]);
    if (rc != 0) {
        close_fd(in[1]);
        close_fd(out[0]);
        errno = rc;
        return -1;
    }
    if (to_child)
        *to_child = in[1];
    if (from_child)
        *from_child = out[0];
    return pid;
}
