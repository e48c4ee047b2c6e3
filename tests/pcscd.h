/*
 * pcscd.h - a private pcscd with a vpcd reader, and the simulated card
 * (build/jpki-simcard) in it, for tests and the bench.
 *
 * The daemon runs on a socket of its own in a private temporary
 * directory (systemd-socket-activate -l SOCK pcscd -f -c CONFDIR), its
 * vpcd reader on a free TCP port, and in a mount namespace of its own
 * whose /run/pcscd is an empty tmpfs: its pid file, which pcscd writes
 * there whatever its socket, is its own, so it never meets a system pcscd
 * or another test run's pcscd, and they may all run at once. This
 * process's own pcsc-lite calls go to it through PCSCLITE_CSOCK_NAME,
 * which pcscd_init() sets (pcsc-lite reads it once, so one process uses
 * one private directory for its whole life; pcscd may stop and start
 * again in it any number of times). Everything started here is stopped
 * by pid, never by name.
 *
 * Apart from the suite's set-up (pcscd_suite_*, which are cmocka's group
 * and test fixtures), nothing here uses cmocka: functions return 0 or -1
 * (or false) with a message on stderr, so the bench can use them too.
 * SIMCARD_BIN names the card program (default build/jpki-simcard).
 */
#ifndef TESTS_PCSCD_H
#define TESTS_PCSCD_H

#include <stdbool.h>
#include <sys/types.h>

struct pcscd {
    char dir[128];   /* private directory (removed by pcscd_cleanup) */
    char sock[192];  /* pcscd's socket */
    char conf[192];  /* its reader.conf.d directory */
    int port;        /* vpcd's first slot; the second is port + 1 */
    pid_t pid;       /* pcscd (socket activation execs into it); 0 none */
};

struct vcard {
    pid_t pid;       /* jpki-simcard; 0 none */
    char log[256];   /* its APDU log */
    char ca[256];    /* the CA certificate it wrote (PEM) */
};

/* The name vpcd gives its first slot, where the card goes. */
#define VPCD_READER "Virtual PCD 00 00"

/* Whether pcscd can run in a mount namespace of its own here (as root,
 * or through a user namespace): false, with the reason on stderr, in a
 * container that forbids both. Asked once; the answer is kept. */
bool pcscd_private_possible(void);

/* Make the private directory, pick the port, set PCSCLITE_CSOCK_NAME. */
int pcscd_init(struct pcscd *d);

/* Start pcscd (with_reader: the vpcd reader is configured; false: none)
 * and wake it with one client call. */
int pcscd_start(struct pcscd *d, bool with_reader);

/* Stop it with sig (SIGTERM; SIGKILL for a crash), wait for it, remove its
 * socket. Nothing when it is not running. */
void pcscd_stop(struct pcscd *d, int sig);

/* Stop everything (cards and pcscd) and remove the directory. */
void pcscd_cleanup(struct pcscd *d);

/*
 * Start the simulated card with the given profile and extra arguments
 * (NULL: none; split at spaces) into the vpcd reader; its log and CA file
 * go to the private directory under the names `tag`.log and `tag`-ca.pem.
 * Returns when the CA file exists (the card then connects by itself).
 */
int vcard_start(struct vcard *c, const struct pcscd *d, const char *tag,
                const char *profile, const char *extra);

/* Pull (SIGUSR1) or put back (SIGUSR2) the card; end it (SIGTERM). */
void vcard_pull(const struct vcard *c);
void vcard_insert(const struct vcard *c);
void vcard_stop(struct vcard *c);
/* End every card still running (for a test's teardown). */
void vcard_stop_all(void);

/* Wait up to ms until pcscd sees a card in (present) or no card in
 * (!present) the reader VPCD_READER. 0, or -1 on time-out. */
int pcscd_wait_card(bool present, int ms);

/*
 * Reading the card's APDU log: "> HEX" a command, "< HEX" its answer,
 * "# ..." what happened to the card (removed, reset). A missing log reads
 * as an empty one.
 */
/* Lines that start with prefix ("> " for commands). */
int vcard_count(const struct vcard *c, const char *prefix);
/* Wait up to ms for a line that starts with prefix. */
bool vcard_wait_line(const struct vcard *c, const char *prefix, int ms);
/* The certificate's whole length from the first READ BINARY's answer
 * ("< 30 82 HH LL ..."), or -1. */
int vcard_cert_length(const struct vcard *c);
/* The tries of the last tries query ("> 00 20 00 80" answered "< 63 Cx"),
 * or -1. */
int vcard_tries(const struct vcard *c);
/* The commands' first four bytes, in order, as "00 A4 04 0C"; how many
 * (at most max). */
int vcard_commands(const struct vcard *c, char cmds[][12], int max);
/* Wait up to ms until a line starting with `then` follows the last line
 * starting with `first`. */
bool vcard_line_after(const struct vcard *c, const char *first,
                      const char *then, int ms);
/* Wait up to ms until the log's last line is `line` (with its newline). */
bool vcard_ends_with(const struct vcard *c, const char *line, int ms);

/*
 * The suite of an end-to-end test program: one private pcscd (with the
 * reader) for all its tests, pcscd_suite. Where pcscd cannot run in a
 * namespace of its own, the tests skip with a message, but fail under CI
 * (the environment variable CI set), where they must run.
 *
 *   pcscd_suite_setup / pcscd_suite_teardown: cmocka's group fixtures;
 *   pcscd_test_setup: a test's set-up: pcscd running again (with the
 *     reader) if the test before stopped it;
 *   pcscd_test_teardown: a test's teardown: every card ended;
 *   pcscd_need_stack: first in every test: skip() when there is no pcscd.
 */
extern struct pcscd pcscd_suite;
int pcscd_suite_setup(void **state);
int pcscd_suite_teardown(void **state);
int pcscd_test_setup(void **state);
int pcscd_test_teardown(void **state);
void pcscd_need_stack(void);

/* Monotonic milliseconds, and a sleep. */
long long pcscd_now_ms(void);
void pcscd_sleep_ms(int ms);

#endif
