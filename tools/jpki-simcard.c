/*
 * jpki-simcard.c - the simulated My Number card of reader/simcard.c in a
 * real reader: Debian's vsmartcard-vpcd driver inside pcscd. For tests,
 * the bench and trying the kiosk without a card; never for production.
 *
 *   jpki-simcard --vpcd HOST:PORT [--profile P] [--ca-out FILE]
 *                [--log FILE] [--pull-after N]
 *
 * The card is in the reader while the program is connected to the driver;
 * it keeps trying to connect (pcscd may start later, or restart), so the
 * card comes back with the driver. Ending the program pulls the card.
 * SIGUSR1 pulls the card and keeps it out, SIGUSR2 puts it back: the same
 * card, PIN counters and all. SIGTERM, SIGINT and SIGHUP end the program.
 *
 * --pull-after N is a test hook: the card processes its Nth APDU, then is
 * pulled before the answer goes back (the worst moment for a VERIFY: the
 * try counted and nobody was told), and stays out until SIGUSR2.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "reader/simcard.h"
#include "reader/testca.h"
#include "reader/vpcd.h"

#define RETRY_MS 100

struct bridge {
    char host[256];
    char port[16];
    const char *ca_out;
    const char *log_path;
    enum sim_profile profile;
    long pull_after; /* 0: never */
    unsigned long apdus;
    struct testca *ca;
    struct simcard *card;
    FILE *log;
    int sig;         /* signalfd */
    int fd;          /* the driver, -1: card out */
    bool want_in;    /* false after SIGUSR1 or the pull hook */
    bool quit;
};

static void usage(FILE *f)
{
    fputs("Usage: jpki-simcard --vpcd HOST:PORT [--profile PROFILE] "
          "[--ca-out FILE]\n"
          "                    [--log FILE] [--pull-after N]\n"
          "The simulated My Number card behind vsmartcard-vpcd (tests "
          "only).\n\n"
          "  --vpcd HOST:PORT   the vpcd driver's slot (pcscd's reader.conf "
          "port)\n"
          "  --profile PROFILE  fresh, renew, expired, last-try, locked or "
          "foreign\n"
          "  --ca-out FILE      write the issuing test CA certificate (PEM)\n"
          "  --log FILE         log every APDU pair (PINs masked)\n"
          "  --pull-after N     pull the card instead of answering APDU N\n"
          "SIGUSR1 pulls the card, SIGUSR2 inserts it again.\n", f);
}

static int split_hostport(struct bridge *b, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    size_t hl;

    if (!colon || colon == arg || !colon[1])
        return -1;
    hl = (size_t)(colon - arg);
    if (hl >= sizeof b->host || strlen(colon + 1) >= sizeof b->port)
        return -1;
    memcpy(b->host, arg, hl);
    b->host[hl] = '\0';
    snprintf(b->port, sizeof b->port, "%s", colon + 1);
    return 0;
}

static int parse_args(struct bridge *b, int argc, char **argv)
{
    enum { O_VPCD = 256, O_PROFILE, O_CA, O_LOG, O_PULL, O_HELP };
    static const struct option longs[] = {
        { "vpcd", required_argument, NULL, O_VPCD },
        { "profile", required_argument, NULL, O_PROFILE },
        { "ca-out", required_argument, NULL, O_CA },
        { "log", required_argument, NULL, O_LOG },
        { "pull-after", required_argument, NULL, O_PULL },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    char *end;
    int c;

    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case O_VPCD:
            if (split_hostport(b, optarg) != 0) {
                fprintf(stderr, "jpki-simcard: --vpcd wants HOST:PORT, not "
                        "'%s'\n", optarg);
                return 2;
            }
            break;
        case O_PROFILE:
            if (sim_profile_parse(optarg, &b->profile) != 0) {
                fprintf(stderr, "jpki-simcard: unknown profile '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case O_CA: b->ca_out = optarg; break;
        case O_LOG: b->log_path = optarg; break;
        case O_PULL:
            b->pull_after = strtol(optarg, &end, 10);
            if (*end || b->pull_after < 1 || b->pull_after == LONG_MAX) {
                fprintf(stderr, "jpki-simcard: --pull-after wants a number "
                        ">= 1\n");
                return 2;
            }
            break;
        case O_HELP: usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!b->host[0] || optind < argc) {
        usage(stderr);
        return 2;
    }
    return -1;
}

/* Written under a temporary name and renamed, so whoever waits for the
 * file never reads half of it. */
static int write_ca(const struct bridge *b)
{
    char tmp[PATH_MAX];

    if (snprintf(tmp, sizeof tmp, "%s.tmp", b->ca_out) >= (int)sizeof tmp ||
        testca_write_pem(b->ca, tmp) != 0 || rename(tmp, b->ca_out) != 0) {
        fprintf(stderr, "jpki-simcard: cannot write %s\n", b->ca_out);
        return -1;
    }
    return 0;
}

static int make_card(struct bridge *b)
{
    char err[256] = "";

    b->ca = testca_new(err, sizeof err);
    if (b->ca)
        b->card = simcard_new(b->profile, b->ca, time(NULL), err, sizeof err);
    if (!b->card) {
        fprintf(stderr, "jpki-simcard: %s\n", err);
        return -1;
    }
    simcard_set_present(b->card, false); /* in once connected */
    if (b->log_path) {
        b->log = fopen(b->log_path, "a");
        if (!b->log) {
            fprintf(stderr, "jpki-simcard: %s: %s\n", b->log_path,
                    strerror(errno));
            return -1;
        }
        simcard_set_log(b->card, b->log);
    }
    return b->ca_out ? write_ca(b) : 0;
}

static int catch_signals(struct bridge *b)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
        return -1;
    signal(SIGPIPE, SIG_IGN);
    b->sig = signalfd(-1, &set, SFD_CLOEXEC);
    return b->sig < 0 ? -1 : 0;
}

/* Out of the reader: the driver sees the connection end. */
static void card_out(struct bridge *b)
{
    if (b->fd < 0)
        return;
    close(b->fd);
    b->fd = -1;
    simcard_set_present(b->card, false);
}

static void try_card_in(struct bridge *b)
{
    b->fd = vpcd_connect(b->host, b->port);
    if (b->fd >= 0)
        simcard_set_present(b->card, true);
}

static void on_signal(struct bridge *b)
{
    struct signalfd_siginfo si;

    while (read(b->sig, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGUSR1) {
            b->want_in = false;
            card_out(b);
        } else if (si.ssi_signo == SIGUSR2) {
            b->want_in = true;
        } else {
            b->quit = true;
        }
        break; /* one at a time: poll again for the next */
    }
}

/* One message from the driver; the connection ends on any trouble, and
 * then the card is out until the driver is back. */
static void on_driver(struct bridge *b)
{
    static uint8_t msg[VPCD_MSG_MAX], out[SIMCARD_RESP_MAX];
    ssize_t n = vpcd_recv(b->fd, msg, sizeof msg);
    size_t outn = 0;

    if (n <= 0) {
        card_out(b);
        return;
    }
    if (vpcd_answer(b->card, msg, (size_t)n, out, sizeof out, &outn) != 0)
        return; /* an unknown control code: nothing to answer */
    if (n > 1 && b->pull_after && ++b->apdus == (unsigned long)b->pull_after) {
        b->want_in = false;
        card_out(b);
        return;
    }
    if (outn && vpcd_send(b->fd, out, outn) != 0)
        card_out(b);
}

static void run(struct bridge *b)
{
    while (!b->quit) {
        struct pollfd p[2] = {
            { .fd = b->sig, .events = POLLIN },
            { .fd = b->fd, .events = POLLIN },
        };
        if (b->want_in && b->fd < 0)
            try_card_in(b);
        p[1].fd = b->fd;
        if (poll(p, 2, b->fd < 0 && b->want_in ? RETRY_MS : -1) < 0 &&
            errno != EINTR)
            return;
        if (p[0].revents)
            on_signal(b);
        else if (b->fd >= 0 && p[1].revents)
            on_driver(b);
    }
}

int main(int argc, char **argv)
{
    struct bridge b = { .profile = SIM_FRESH, .sig = -1, .fd = -1,
                        .want_in = true };
    int rc = parse_args(&b, argc, argv);

    if (rc >= 0)
        return rc;
    rc = 1;
    if (catch_signals(&b) == 0 && make_card(&b) == 0) {
        run(&b);
        rc = 0;
    }
    if (b.card) {
        card_out(&b);
        simcard_set_log(b.card, NULL);
    }
    if (b.log)
        fclose(b.log);
    simcard_free(b.card);
    testca_free(b.ca);
    return rc;
}
