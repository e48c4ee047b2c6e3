/*
 * spawn.h - starting a helper program (the face matcher, the speech
 * command) from the kiosk, which has threads.
 *
 * posix_spawn, not fork: it is the safe way to start a program from a
 * threaded process. The child
 * - runs in a process group of its own, whose id is its pid, so that
 *   kill(-pid, ...) reaches everything it starts;
 * - has every signal at its default and none blocked, whatever the
 *   kiosk's threads ignore or block;
 * - has "/" as its directory;
 * - reads stdin from a pipe when to_child is given, else /dev/null;
 *   writes stdout to a pipe when from_child is given, else /dev/null;
 *   stderr goes to /dev/null (the terminal is the kiosk's);
 * - and has no other descriptor: the terminal's, the card reader's, the
 *   ledger's and the other pipes stay the kiosk's.
 */
#ifndef KIOSK_SPAWN_H
#define KIOSK_SPAWN_H

#include <sys/types.h>

/* Start argv[0] (a path; no PATH search) with argv and the environment
 * envp. With to_child, *to_child is the write end of the child's stdin
 * (close it to end the input); with from_child, *from_child the read end
 * of its stdout; both close on exec. Returns the child's pid, or -1 with
 * errno set and no descriptor left open. The caller reaps the child. */
pid_t spawn_child(char *const argv[], char *const envp[], int *to_child,
                  int *from_child);

#endif
