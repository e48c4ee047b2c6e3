/*
 * sshrig.h - the public demo over a real OpenSSH server, for the SSH
 * tests and the bench.
 *
 * rig_start() makes a private directory, a demo account of its own
 * (RIG_USER_PREFIX and the process's pid, so that rigs of tests and
 * benches running at the same time never share one; with an empty
 * password and the adapted demo-shell as its shell, deleted again by
 * rig_stop() or, after a run that ended without it, by the next
 * rig_start()), the drop-in and demo shell adapted
 * by tools/install-demo.sh, a host key, and starts /usr/sbin/sshd on a
 * free loopback port with a test sshd_config that allows nothing but
 * what the drop-in opens for that account. The account is set up by
 * the installer's own code (tools/install-demo.sh account), with its
 * home in the private directory and so its slots in <dir>/slots, where
 * each session's directory is (slot-N.d). The sessions also get
 * <dir>/tmp as TMPDIR, so that anything written there can be seen.
 *
 * Visitors are real `ssh` clients, each in its own 80x24 tmux window
 * (one private tmux server per rig); a window stays readable after its
 * client has ended. The client's stderr (with OpenSSH's VERBOSE
 * messages, such as the bytes transferred) goes to <dir>/<window>.err.
 *
 * The kiosk.conf always has slot_dir, and memory = 0 for an ASan build
 * (whose shadow memory no address-space limit allows).
 *
 * Needs root (the account, sshd's privilege separation). Nothing here
 * uses cmocka: functions return 0 or -1 with a message in rig->err, so
 * the bench can use them too. Every wait is bounded.
 */
#ifndef TESTS_SSHRIG_H
#define TESTS_SSHRIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define RIG_USER_PREFIX "kiosk-ssh-"

struct rig {
    char dir[64];        /* /tmp/kiosk-ssh-XXXXXX */
    char tmp[128];       /* the sessions' TMPDIR */
    char conf[128];      /* the kiosk.conf the sessions read */
    char sock[64];       /* the tmux server's -L name */
    char user[32];       /* the test's demo account */
    char kiosk[4096];    /* the kiosk program, absolute */
    int port;
    pid_t sshd;
    uid_t uid;           /* the test's demo account */
    bool sanitized;      /* an ASan build: [demo] memory = 0 */
    char err[1024];
};

/* Why the rig cannot run here (not root, no sshd), or NULL. */
const char *rig_unavailable(void);

/* Start everything; kiosk_conf is the [demo]... text of the kiosk.conf
 * (slot_dir is added). */
int rig_start(struct rig *r, const char *kiosk_bin, const char *kiosk_conf);
/* Stop sshd and tmux, remove the account and the directory. */
void rig_stop(struct rig *r);

/* Replace the kiosk.conf that the next sessions read (slot_dir added). */
int rig_conf(struct rig *r, const char *text);
/* Replace the demo shell's command line for the next sessions: prefix
 * goes before the kiosk program (e.g. a strace command), "" for none. */
int rig_wrap(struct rig *r, const char *prefix);

/* Close every visitor's window and wait until their sessions are gone. */
int rig_reset(struct rig *r);

/* A visitor: `env ssh ... -t USER@127.0.0.1 ssh_args` in a new
 * tmux window named win; env is e.g. "TERM=vt100 LC_ALL=C". */
int rig_connect(struct rig *r, const char *win, const char *env,
                const char *ssh_args);
/* The same, but the client starts only when Enter is pressed in the
 * window (so that rig_record() can start first). */
int rig_connect_gated(struct rig *r, const char *win, const char *env);
/* Copy every byte the window's client writes to the terminal to file. */
int rig_record(struct rig *r, const char *win, const char *file);
int rig_keys(struct rig *r, const char *win, const char *keys);
int rig_keys_hex(struct rig *r, const char *win, const char *hex);
int rig_resize(struct rig *r, const char *win, int cols, int rows);
int rig_capture(struct rig *r, const char *win, char *buf, size_t n);
/* Wait up to ms until the window shows text (on the screen or in the
 * lines scrolled off it); 0, or -1 with the screen in buf. */
int rig_wait(struct rig *r, const char *win, const char *text, int ms,
             char *buf, size_t n);
/* Row and display column of text on the screen in buf; 0 or -1. */
int rig_find(const char *screen, const char *text, int *row, int *col);
/* The pid of the window's ssh client, or -1; whether it has ended;
 * waiting up to ms for it to end (0, or -1). */
pid_t rig_client(struct rig *r, const char *win);
bool rig_client_gone(struct rig *r, const char *win);
int rig_wait_gone(struct rig *r, const char *win, int ms);

/* Live processes of the sessions: those descended from the rig's sshd
 * (every session's sshd processes, shells, keepers and kiosks) and any
 * other of the demo account's; and of those, the ones running the
 * kiosk. */
int rig_session_procs(const struct rig *r);
int rig_kiosk_procs(const struct rig *r, pid_t *pids, int max);
/* The parent of pid (from /proc/PID/stat), or -1. */
pid_t rig_parent(pid_t pid);
/* The sessions' directories (slot-N.d in the slot directory) and
 * anything in their TMPDIR: 1 while one session runs, 0 when none does
 * and none left anything behind. */
int rig_session_dirs(const struct rig *r);

/* Monotonic milliseconds, and a sleep. */
long long rig_now_ms(void);
void rig_sleep_ms(int ms);

#endif
