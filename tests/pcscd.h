/*
 * pcscd.h - a private pcscd with a vpcd reader, and the simulated card
 * (build/jpki-simcard) in it, for tests and the bench.
 *
 * The daemon runs on a socket of its own in a private temporary
 * directory (systemd-socket-activate -l SOCK pcscd -f -c CONFDIR), its
 * vpcd reader on a free TCP port, so it never meets a system pcscd; this
 * process's own pcsc-lite calls go to it through PCSCLITE_CSOCK_NAME,
 * which pcscd_init() sets (pcsc-lite reads it once, so one process uses
 * one private directory for its whole life; pcscd may stop and start
 * again in it any number of times). Everything started here is stopped
 * by pid, never by name.
 *
 * Nothing here uses cmocka: functions return 0 or -1 with a message on
 * stderr, so the bench can use them too. SIMCARD_BIN names the card
 * program (default build/jpki-simcard).
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

/* True when a pcscd answers on the system socket /run/pcscd/pcscd.comm:
 * then a private one must not run (both would write the same pid file),
 * and the tests say so and skip. */
bool pcscd_system_running(void);

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

/* Lines of the card's log that start with prefix ("> " for commands). */
int vcard_count(const struct vcard *c, const char *prefix);

/* Monotonic milliseconds, and a sleep. */
long long pcscd_now_ms(void);
void pcscd_sleep_ms(int ms);

#endif
