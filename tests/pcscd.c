/*
 * pcscd.c - see pcscd.h.
 */
#include "tests/pcscd.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <winscard.h>

#define SYSTEM_SOCK "/run/pcscd/pcscd.comm"
#define SYSTEM_PIDFILE "/run/pcscd/pcscd.pid"
#define START_MS 10000

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

bool pcscd_system_running(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool up;

    if (fd < 0)
        return false;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", SYSTEM_SOCK);
    up = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return up;
}

static bool port_free(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return false;
    ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Two free ports in a row, away from the default 35963 and the
 * ephemeral range. */
static int pick_port(void)
{
    srand((unsigned)getpid() ^ (unsigned)pcscd_now_ms());
    for (int i = 0; i < 200; i++) {
        int port = 20000 + 2 * (rand() % 5000);
        if (port_free(port) && port_free(port + 1))
            return port;
    }
    return -1;
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
    d->port = pick_port();
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
 * answers (and, with a reader, lists it). */
static int wake(bool with_reader)
{
    long long end = pcscd_now_ms() + START_MS;

    do {
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
    char log[256];
    char *argv[] = { "systemd-socket-activate", "-l", d->sock,
                     "/usr/sbin/pcscd", "-f", "-c", d->conf, NULL };

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
    return wake(with_reader);
}

/* A killed pcscd leaves its pid file behind; remove it if it is ours. */
static void remove_stale_pidfile(pid_t pid)
{
    FILE *f = fopen(SYSTEM_PIDFILE, "r");
    long n = 0;

    if (!f)
        return;
    if (fscanf(f, "%ld", &n) != 1)
        n = 0;
    fclose(f);
    if (n == (long)pid)
        unlink(SYSTEM_PIDFILE);
}

void pcscd_stop(struct pcscd *d, int sig)
{
    if (!d->pid)
        return;
    kill(d->pid, sig);
    waitpid(d->pid, NULL, 0);
    remove_stale_pidfile(d->pid);
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

int vcard_count(const struct vcard *c, const char *prefix)
{
    FILE *f = fopen(c->log, "r");
    char line[2048];
    int n = 0;

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            n++;
    fclose(f);
    return n;
}
