/*
 * pcscd.c - see pcscd.h.
 */
#include "tests/test.h"

#include "tests/pcscd.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <winscard.h>

#include "tests/net.h"

#define START_MS 10000

/* Runs "$@" where /run/pcscd is an empty tmpfs (made if missing, as the
 * pcscd package would). */
#define PRIVATE_RUN "mkdir -p /run/pcscd && " \
    "mount -t tmpfs -o mode=0755 kiosk-test /run/pcscd && exec \"$@\""

long long pcscd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void pcscd_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* The start of a command line that runs the rest in a mount namespace of
 * its own (owned by a user namespace where this user is not root), with
 * a private /run/pcscd. Returns the number of words put in argv. */
static int privately(char **argv)
{
    int n = 0;

    argv[n++] = "unshare";
    argv[n++] = "--mount";
    argv[n++] = "--propagation";
    argv[n++] = "private";
    if (geteuid() != 0)
        argv[n++] = "--map-root-user";
    argv[n++] = "sh";
    argv[n++] = "-c";
    argv[n++] = PRIVATE_RUN;
    argv[n++] = "sh"; /* the script's $0 */
    return n;
}

bool pcscd_private_possible(void)
{
    static int known = -1;
    char *argv[16];
    int n, st;
    pid_t pid;

    if (known >= 0)
        return known;
    n = privately(argv);
    argv[n++] = "true";
    argv[n] = NULL;
    pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    known = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
            WEXITSTATUS(st) == 0;
    if (!known)
        fprintf(stderr, "pcscd: this machine does not let pcscd run with a "
                        "/run/pcscd of its own (unshare --mount%s failed)\n",
                geteuid() != 0 ? " --map-root-user" : "");
    return known;
}

int pcscd_init(struct pcscd *d)
{
    memset(d, 0, sizeof *d);
    snprintf(d->dir, sizeof d->dir, "/tmp/kiosk-pcscd-XXXXXX");
    if (!mkdtemp(d->dir)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(d->sock, sizeof d->sock, "%s/pcscd.comm", d->dir);
    snprintf(d->conf, sizeof d->conf, "%s/reader.conf.d", d->dir);
    d->port = net_free_ports(2); /* vpcd's two slots, not its default */
    if (mkdir(d->conf, 0700) != 0 || d->port < 0) {
        fprintf(stderr, "pcscd: cannot prepare %s\n", d->dir);
        return -1;
    }
    setenv("PCSCLITE_CSOCK_NAME", d->sock, 1);
    return 0;
}

static int write_conf(const struct pcscd *d, bool with_reader)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof path, "%s/vpcd", d->conf);
    if (!with_reader)
        return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "FRIENDLYNAME \"Virtual PCD\"\n"
               "DEVICENAME   /dev/null:%d\n"
               "LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n"
               "CHANNELID    %d\n", d->port, d->port);
    return fclose(f);
}

/* fork + exec argv with stdout and stderr appended to log. */
static pid_t spawn(char *const argv[], const char *log)
{
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        int null = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (null >= 0)
            dup2(null, 0);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

/* One client call starts the socket-activated daemon; wait until it
 * answers (and, with a reader, lists it), or it ends. */
static int wake(struct pcscd *d, bool with_reader)
{
    long long end = pcscd_now_ms() + START_MS;

    do {
        if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
            fprintf(stderr, "pcscd: ended at its start (%s/pcscd.log)\n",
                    d->dir);
            d->pid = 0;
            return -1;
        }
        SCARDCONTEXT ctx;
        if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) ==
            SCARD_S_SUCCESS) {
            char list[1024];
            DWORD len = sizeof list;
            LONG rc = SCardListReaders(ctx, NULL, list, &len);
            SCardReleaseContext(ctx);
            if (!with_reader && (rc == SCARD_S_SUCCESS ||
                                 rc == SCARD_E_NO_READERS_AVAILABLE))
                return 0;
            if (with_reader && rc == SCARD_S_SUCCESS &&
                strcmp(list, VPCD_READER) == 0)
                return 0;
        }
        pcscd_sleep_ms(50);
    } while (pcscd_now_ms() < end);
    fprintf(stderr, "pcscd: no answer on %s\n", getenv("PCSCLITE_CSOCK_NAME"));
    return -1;
}

int pcscd_start(struct pcscd *d, bool with_reader)
{
    char log[256], *argv[24];
    int n = privately(argv);

    argv[n++] = "systemd-socket-activate";
    argv[n++] = "-l";
    argv[n++] = d->sock;
    argv[n++] = "/usr/sbin/pcscd";
    argv[n++] = "-f";
    argv[n++] = "-c";
    argv[n++] = d->conf;
    argv[n] = NULL;
    if (d->pid || write_conf(d, with_reader) != 0)
        return -1;
    unlink(d->sock); /* a stale one from a killed daemon */
    snprintf(log, sizeof log, "%s/pcscd.log", d->dir);
    d->pid = spawn(argv, log);
    if (d->pid < 0) {
        d->pid = 0;
        return -1;
    }
    for (int i = 0; i < 100 && access(d->sock, F_OK) != 0; i++)
        pcscd_sleep_ms(20);
    return wake(d, with_reader);
}

void pcscd_stop(struct pcscd *d, int sig)
{
    if (!d->pid)
        return;
    kill(d->pid, sig);
    waitpid(d->pid, NULL, 0); /* its /run/pcscd went with it */
    d->pid = 0;
    unlink(d->sock);
}

void pcscd_cleanup(struct pcscd *d)
{
    char cmd[300];

    vcard_stop_all();
    pcscd_stop(d, SIGTERM);
    if (d->dir[0]) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "pcscd: could not remove %s\n", d->dir);
    }
    d->dir[0] = '\0';
}

/* Every card started and not yet stopped, so a failed test (cmocka jumps
 * out of it) leaves none behind: vcard_stop_all(). */
static pid_t running[16];

static void track(pid_t pid, bool on)
{
    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (on ? running[i] == 0 : running[i] == pid) {
            running[i] = on ? pid : 0;
            return;
        }
}

int vcard_start(struct vcard *c, const struct pcscd *d, const char *tag,
                const char *profile, const char *extra)
{
    const char *bin = getenv("SIMCARD_BIN");
    char vpcd[64], words[256], log[256], *argv[24];
    int n = 0;

    memset(c, 0, sizeof *c);
    snprintf(c->log, sizeof c->log, "%s/%s.log", d->dir, tag);
    snprintf(c->ca, sizeof c->ca, "%s/%s-ca.pem", d->dir, tag);
    snprintf(log, sizeof log, "%s/%s.out", d->dir, tag);
    snprintf(vpcd, sizeof vpcd, "127.0.0.1:%d", d->port);
    snprintf(words, sizeof words, "%s", extra ? extra : "");
    unlink(c->log);
    unlink(c->ca);
    argv[n++] = (char *)(bin && *bin ? bin : "build/jpki-simcard");
    argv[n++] = "--vpcd";
    argv[n++] = vpcd;
    argv[n++] = "--profile";
    argv[n++] = (char *)profile;
    argv[n++] = "--log";
    argv[n++] = c->log;
    argv[n++] = "--ca-out";
    argv[n++] = c->ca;
    for (char *w = strtok(words, " "); w && n < 23; w = strtok(NULL, " "))
        argv[n++] = w;
    argv[n] = NULL;
    c->pid = spawn(argv, log);
    if (c->pid > 0)
        track(c->pid, true);
    for (int i = 0; c->pid > 0 && i < 500 && access(c->ca, F_OK) != 0; i++)
        pcscd_sleep_ms(20);
    if (c->pid <= 0 || access(c->ca, F_OK) != 0) {
        fprintf(stderr, "jpki-simcard did not start (%s)\n", argv[0]);
        vcard_stop(c);
        return -1;
    }
    return 0;
}

void vcard_pull(const struct vcard *c)
{
    if (c->pid > 0)
        kill(c->pid, SIGUSR1);
}

void vcard_insert(const struct vcard *c)
{
    if (c->pid > 0)
        kill(c->pid, SIGUSR2);
}

static void end_card(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    track(pid, false);
}

/* Until pcscd has seen the card go, the next card would meet its ghost. */
void vcard_stop(struct vcard *c)
{
    if (c->pid <= 0)
        return;
    end_card(c->pid);
    c->pid = 0;
    pcscd_wait_card(false, 3000);
}

void vcard_stop_all(void)
{
    bool any = false;

    for (size_t i = 0; i < sizeof running / sizeof running[0]; i++)
        if (running[i] > 0) {
            end_card(running[i]);
            any = true;
        }
    if (any)
        pcscd_wait_card(false, 3000);
}

int pcscd_wait_card(bool present, int ms)
{
    long long end = pcscd_now_ms() + ms;
    SCARDCONTEXT ctx;
    SCARD_READERSTATE rs = { .szReader = VPCD_READER };
    int rc = -1;

    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) !=
        SCARD_S_SUCCESS)
        return -1;
    for (long long left = ms; left > 0; left = end - pcscd_now_ms()) {
        LONG r = SCardGetStatusChange(ctx, (DWORD)left, &rs, 1);
        if (r != SCARD_S_SUCCESS && r != SCARD_E_TIMEOUT)
            break;
        if (r == SCARD_S_SUCCESS &&
            !!(rs.dwEventState & SCARD_STATE_PRESENT) == present) {
            rc = 0;
            break;
        }
        rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
    }
    SCardReleaseContext(ctx);
    return rc;
}

static bool starts(const char *line, const char *prefix)
{
    return strncmp(line, prefix, strlen(prefix)) == 0;
}

int vcard_count(const struct vcard *c, const char *prefix)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    int n = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (starts(line, prefix))
            n++;
    fclose(f);
    return n;
}

bool vcard_wait_line(const struct vcard *c, const char *prefix, int ms)
{
    long long end = pcscd_now_ms() + ms;

    while (vcard_count(c, prefix) == 0) {
        if (pcscd_now_ms() > end)
            return false;
        pcscd_sleep_ms(50);
    }
    return true;
}

int vcard_cert_length(const struct vcard *c)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    bool after_read = false;
    unsigned hh, ll;
    int len = -1;

    if (!f)
        return -1;
    while (len < 0 && fgets(line, sizeof line, f)) {
        if (after_read && sscanf(line, "< 30 82 %x %x", &hh, &ll) == 2)
            len = 4 + (int)(hh << 8 | ll);
        after_read = starts(line, "> 00 B0 00 00");
    }
    fclose(f);
    return len;
}

int vcard_tries(const struct vcard *c)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    bool after_query = false;
    unsigned x;
    int tries = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (after_query && sscanf(line, "< 63 C%1x", &x) == 1)
            tries = (int)x;
        after_query = strcmp(line, "> 00 20 00 80\n") == 0;
    }
    fclose(f);
    return tries;
}

int vcard_commands(const struct vcard *c, char cmds[][12], int max)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    int n = 0;

    if (!f)
        return 0;
    while (n < max && fgets(line, sizeof line, f))
        if (starts(line, "> ")) {
            snprintf(cmds[n], sizeof cmds[n], "%.11s", line + 2);
            n++;
        }
    fclose(f);
    return n;
}

/* Whether `then` follows the last `first` in the log now. */
static bool follows(const struct vcard *c, const char *first,
                    const char *then)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    bool seen_first = false, found = false;

    if (!f)
        return false;
    while (fgets(line, sizeof line, f)) {
        if (starts(line, first)) {
            seen_first = true;
            found = false;
        } else if (seen_first && starts(line, then)) {
            found = true;
        }
    }
    fclose(f);
    return found;
}

bool vcard_line_after(const struct vcard *c, const char *first,
                      const char *then, int ms)
{
    long long end = pcscd_now_ms() + ms;

    while (!follows(c, first, then)) {
        if (pcscd_now_ms() > end)
            return false;
        pcscd_sleep_ms(50);
    }
    return true;
}

static bool last_line_is(const struct vcard *c, const char *want)
{
    FILE *f = fopen(c->log, "r");
    char line[2048], last[2048] = "";

    if (!f)
        return false;
    while (fgets(line, sizeof line, f))
        snprintf(last, sizeof last, "%s", line);
    fclose(f);
    return strcmp(last, want) == 0;
}

bool vcard_ends_with(const struct vcard *c, const char *line, int ms)
{
    long long end = pcscd_now_ms() + ms;

    while (!last_line_is(c, line)) {
        if (pcscd_now_ms() > end)
            return false;
        pcscd_sleep_ms(50);
    }
    return true;
}

/* ---- the suite of an end-to-end test program (cmocka) ------------------ */

struct pcscd pcscd_suite;
static bool suite_skips; /* no namespace for pcscd here, and not under CI */

int pcscd_suite_setup(void **state)
{
    const char *ci = getenv("CI");
    (void)state;

    if (!pcscd_private_possible()) {
        if (ci && *ci) {
            print_error("CI is set: these tests must run, and cannot "
                        "without a private pcscd\n");
            return -1;
        }
        print_message("no private pcscd on this machine: these tests "
                      "skip\n");
        suite_skips = true;
        return 0;
    }
    if (pcscd_init(&pcscd_suite) == 0 && pcscd_start(&pcscd_suite, true) == 0)
        return 0;
    pcscd_cleanup(&pcscd_suite); /* cmocka skips the teardown */
    return -1;
}

int pcscd_suite_teardown(void **state)
{
    (void)state;
    if (!suite_skips)
        pcscd_cleanup(&pcscd_suite);
    return 0;
}

int pcscd_test_setup(void **state)
{
    (void)state;
    return !suite_skips && !pcscd_suite.pid
               ? pcscd_start(&pcscd_suite, true)
               : 0;
}

int pcscd_test_teardown(void **state)
{
    (void)state;
    if (!suite_skips)
        vcard_stop_all();
    return 0;
}

void pcscd_need_stack(void)
{
    if (suite_skips)
        skip();
}
