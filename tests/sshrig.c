/*
 * sshrig.c - see sshrig.h.
 */
#include "tests/sshrig.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tests/net.h"

#define SSHD "/usr/sbin/sshd"
#define START_MS 10000

long long rig_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rig_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

__attribute__((format(printf, 2, 3)))
static int fail(struct rig *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* A shell command line; 0 when it exited 0. */
__attribute__((format(printf, 2, 3)))
static int sh(struct rig *r, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    int rc;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    rc = system(cmd);
    if (rc != 0)
        return fail(r, "failed (%d): %s", rc, cmd);
    return 0;
}

static int write_file(struct rig *r, const char *path, const char *text,
                      mode_t mode)
{
    FILE *f = fopen(path, "w");

    if (!f || fputs(text, f) == EOF || fclose(f) != 0)
        return fail(r, "%s: %s", path, strerror(errno));
    chmod(path, mode);
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

const char *rig_unavailable(void)
{
    if (geteuid() != 0)
        return "the SSH tests need root (a demo account, sshd)";
    if (access(SSHD, X_OK) != 0)
        return "no " SSHD " (openssh-server)";
    return NULL;
}

static bool port_open(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Accounts of rigs whose process has gone without rig_stop() (a test
 * killed or interrupted): RIG_USER_PREFIX and a pid no longer alive. */
static void remove_stale_users(struct rig *r)
{
    struct passwd *pw;
    char stale[16][32];
    int n = 0;

    setpwent();
    while ((pw = getpwent()) != NULL && n < 16) {
        size_t k = strlen(RIG_USER_PREFIX);
        char *end;
        long pid;

        if (strncmp(pw->pw_name, RIG_USER_PREFIX, k) != 0)
            continue;
        pid = strtol(pw->pw_name + k, &end, 10);
        if (*end == '\0' && pid > 0 && kill((pid_t)pid, 0) != 0 &&
            errno == ESRCH)
            snprintf(stale[n++], sizeof stale[0], "%s", pw->pw_name);
    }
    endpwent();
    for (int i = 0; i < n; i++)
        sh(r, "userdel -f %s >/dev/null 2>&1", stale[i]);
}

/* The test account, set up by the installer's own code as make
 * install-demo sets up the real one (DEMO_AUTH=empty), with its home in
 * the rig's directory and so its slots in <dir>/slots. */
static int make_user(struct rig *r)
{
    struct passwd *pw;

    remove_stale_users(r);
    if (sh(r, "DEMO_USER=%s DEMO_AUTH=empty DEMO_HOME=%s SYSCONFDIR=%s "
              "KIOSKLIBDIR=%s tools/install-demo.sh account >/dev/null",
           r->user, r->dir, r->dir, r->dir) != 0)
        return -1;
    pw = getpwnam(r->user);
    if (!pw)
        return fail(r, "no account %s after install-demo.sh", r->user);
    r->uid = pw->pw_uid;
    return sh(r, "install -d -m 700 -o %s -g $(id -gn %s) %s %s/out",
              r->user, r->user, r->tmp, r->dir);
}

/* The drop-in and the demo shell, adapted by the installer's own code. */
static int adapt(struct rig *r)
{
    char bindir[sizeof r->kiosk];

    snprintf(bindir, sizeof bindir, "%s", r->kiosk);
    if (sh(r, "mkdir -p %s/kiosk && DEMO_USER=%s BINDIR=%s SYSCONFDIR=%s "
              "KIOSKLIBDIR=%s tools/install-demo.sh adapt %s && "
              "cp %s/demo-shell %s/demo-shell.orig && "
              ": > %s/kiosk/demo-authorized-keys",
           r->dir, r->user, dirname(bindir), r->dir, r->dir, r->dir, r->dir,
           r->dir, r->dir) != 0)
        return -1;
    return 0;
}

/* Nothing for anyone but what the drop-in opens for its account. */
static int sshd_config(struct rig *r)
{
    char path[256], text[2048];

    snprintf(text, sizeof text,
             "Port %d\n"
             "ListenAddress 127.0.0.1\n"
             "HostKey %s/host_key\n"
             "PidFile none\n"
             "UsePAM yes\n"
             "PermitRootLogin no\n"
             "PasswordAuthentication no\n"
             "KbdInteractiveAuthentication no\n"
             "PubkeyAuthentication no\n"
             "AuthorizedKeysFile none\n"
             "AllowUsers %s\n"
             "PrintMotd no\n"
             "SetEnv TMPDIR=%s\n"
             "LogLevel VERBOSE\n"
             "Include %s/sshd-demo.conf\n",
             r->port, r->dir, r->user, r->tmp, r->dir);
    snprintf(path, sizeof path, "%s/sshd_config", r->dir);
    return write_file(r, path, text, 0644);
}

static int start_sshd(struct rig *r)
{
    char conf[256], log[256];
    long long end;

    snprintf(conf, sizeof conf, "%s/sshd_config", r->dir);
    snprintf(log, sizeof log, "%s/sshd.log", r->dir);
    mkdir("/run/sshd", 0755); /* privilege separation; systemd makes it */
    if (sh(r, "%s -t -f %s", SSHD, conf) != 0)
        return -1;
    r->sshd = fork();
    if (r->sshd == 0) {
        execl(SSHD, SSHD, "-D", "-f", conf, "-E", log, (char *)NULL);
        _exit(127);
    }
    if (r->sshd < 0)
        return fail(r, "fork: %s", strerror(errno));
    for (end = rig_now_ms() + START_MS; rig_now_ms() < end; rig_sleep_ms(20))
        if (port_open(r->port))
            return 0;
    return fail(r, "sshd did not listen on 127.0.0.1:%d", r->port);
}

int rig_conf(struct rig *r, const char *text)
{
    char full[4096];

    /* ASan reserves terabytes of address space: no memory limit for it */
    snprintf(full, sizeof full, "[demo]\nslot_dir = %s/slots\n%s%s", r->dir,
             r->sanitized ? "memory = 0\n" : "", text ? text : "");
    return write_file(r, r->conf, full, 0644);
}

int rig_wrap(struct rig *r, const char *prefix)
{
    char orig[256], path[256], out[8192];
    char *text, *at;
    int rc;

    snprintf(orig, sizeof orig, "%s/demo-shell.orig", r->dir);
    snprintf(path, sizeof path, "%s/demo-shell", r->dir);
    text = read_file(orig);
    if (!text)
        return fail(r, "%s: %s", orig, strerror(errno));
    at = strstr(text, r->kiosk);
    if (!at) {
        free(text);
        return fail(r, "%s does not run %s", orig, r->kiosk);
    }
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, prefix, at);
    free(text);
    rc = write_file(r, path, out, 0755);
    return rc;
}

int rig_start(struct rig *r, const char *kiosk_bin, const char *kiosk_conf)
{
    memset(r, 0, sizeof *r);
    if (!realpath(kiosk_bin, r->kiosk))
        return fail(r, "no kiosk program at %s", kiosk_bin);
    r->sanitized = sh(r, "grep -q __asan_init '%s'", r->kiosk) == 0;
    snprintf(r->dir, sizeof r->dir, "/tmp/kiosk-ssh-XXXXXX");
    if (!mkdtemp(r->dir))
        return fail(r, "mkdtemp: %s", strerror(errno));
    chmod(r->dir, 0755); /* the account's home, and its kiosk.conf */
    snprintf(r->tmp, sizeof r->tmp, "%s/tmp", r->dir);
    snprintf(r->conf, sizeof r->conf, "%s/kiosk/kiosk.conf", r->dir);
    snprintf(r->sock, sizeof r->sock, "kiosk-ssh-%d", (int)getpid());
    snprintf(r->user, sizeof r->user, RIG_USER_PREFIX "%d", (int)getpid());
    r->port = net_free_ports(1);
    if (r->port < 0)
        return fail(r, "no free loopback port");
    if (adapt(r) || make_user(r) || rig_conf(r, kiosk_conf) || sshd_config(r) ||
        sh(r, "ssh-keygen -q -t ed25519 -N '' -f %s/host_key", r->dir) ||
        start_sshd(r))
        return -1;
    /* one idle window keeps the tmux server up between visitors */
    return sh(r, "LC_ALL=C.UTF-8 tmux -u -L %s -f /dev/null new-session -d "
                 "-x 80 -y 24 -s k -n keep 'sleep 1800' \\; "
                 "set-option -g remain-on-exit on", r->sock);
}

void rig_stop(struct rig *r)
{
    int st;

    if (r->sock[0])
        sh(r, "tmux -L %s kill-server 2>/dev/null", r->sock);
    if (r->sshd > 0) {
        kill(r->sshd, SIGTERM);
        waitpid(r->sshd, &st, 0);
        r->sshd = 0;
    }
    if (r->user[0])
        sh(r, "userdel -f %s >/dev/null 2>&1", r->user);
    r->user[0] = '\0';
    if (r->dir[0] && strncmp(r->dir, "/tmp/kiosk-ssh-", 15) == 0)
        sh(r, "rm -rf '%s'", r->dir);
    r->dir[0] = '\0';
}

int rig_reset(struct rig *r)
{
    long long end = rig_now_ms() + START_MS;

    sh(r, "tmux -L %s kill-window -a -t k:keep", r->sock);
    while (rig_session_procs(r) > 0 && rig_now_ms() < end)
        rig_sleep_ms(20);
    return rig_session_procs(r) == 0 ? 0 : fail(r, "sessions left running");
}

static int connect_after(struct rig *r, const char *win, const char *env,
                         const char *ssh_args, const char *before)
{
    return sh(r, "tmux -L %s new-window -d -t k: -n %s "
                 "'%sexec env -i PATH=/usr/bin:/bin HOME=%s %s ssh -F /dev/null "
                 "-p %d -o StrictHostKeyChecking=no "
                 "-o UserKnownHostsFile=/dev/null -o BatchMode=yes "
                 "-o LogLevel=VERBOSE -o SendEnv=LANG -o SendEnv=LC_ALL "
                 "-o SendEnv=LC_CTYPE -t %s %s@127.0.0.1 2>%s/%s.err'",
              r->sock, win, before, r->dir, env, r->port,
              ssh_args ? ssh_args : "", r->user, r->dir, win);
}

int rig_connect(struct rig *r, const char *win, const char *env,
                const char *ssh_args)
{
    return connect_after(r, win, env, ssh_args, "");
}

int rig_connect_gated(struct rig *r, const char *win, const char *env)
{
    return connect_after(r, win, env, NULL,
                         "stty -echo; read go; stty echo; ");
}

int rig_record(struct rig *r, const char *win, const char *file)
{
    return sh(r, "tmux -L %s pipe-pane -o -t k:%s 'cat >> %s'", r->sock, win,
              file);
}

int rig_keys(struct rig *r, const char *win, const char *keys)
{
    return sh(r, "tmux -L %s send-keys -t k:%s %s", r->sock, win, keys);
}

int rig_keys_hex(struct rig *r, const char *win, const char *hex)
{
    return sh(r, "tmux -L %s send-keys -t k:%s -H %s", r->sock, win, hex);
}

int rig_resize(struct rig *r, const char *win, int cols, int rows)
{
    return sh(r, "tmux -L %s resize-window -t k:%s -x %d -y %d", r->sock, win,
              cols, rows);
}

static int read_cmd(const char *cmd, char *buf, size_t n)
{
    FILE *p = popen(cmd, "r");
    size_t got;

    if (!p)
        return -1;
    got = fread(buf, 1, n - 1, p);
    buf[got] = '\0';
    return pclose(p) == 0 ? 0 : -1;
}

/* The screen, or with history also the lines scrolled off it (a pane
 * that dies scrolls its last line up to say so). */
static int capture(struct rig *r, const char *win, bool history, char *buf,
                   size_t n)
{
    char cmd[256];

    snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -p %s -t k:%s",
             r->sock, history ? "-S -" : "", win);
    if (read_cmd(cmd, buf, n) != 0)
        return fail(r, "cannot capture window %s", win);
    return 0;
}

int rig_capture(struct rig *r, const char *win, char *buf, size_t n)
{
    return capture(r, win, false, buf, n);
}

int rig_wait(struct rig *r, const char *win, const char *text, int ms,
             char *buf, size_t n)
{
    long long end = rig_now_ms() + ms;

    do {
        if (capture(r, win, true, buf, n) == 0 && strstr(buf, text))
            return 0;
        rig_sleep_ms(20);
    } while (rig_now_ms() < end);
    return fail(r, "window %s never showed \"%s\"", win, text);
}

int rig_find(const char *screen, const char *text, int *row, int *col)
{
    const char *line = screen;

    for (int y = 0; *line; y++) {
        const char *nl = strchr(line, '\n');
        const char *hit = strstr(line, text);

        if (hit && (!nl || hit < nl)) {
            mbstate_t ms;
            int x = 0;
            memset(&ms, 0, sizeof ms);
            for (const char *p = line; p < hit;) {
                wchar_t wc;
                size_t k = mbrtowc(&wc, p, (size_t)(hit - p), &ms);
                if (k == 0 || k > 4)
                    return -1;
                x += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
                p += k;
            }
            *row = y;
            *col = x;
            return 0;
        }
        if (!nl)
            break;
        line = nl + 1;
    }
    return -1;
}

static int pane(struct rig *r, const char *win, const char *fmt)
{
    char cmd[256], out[64];

    snprintf(cmd, sizeof cmd, "tmux -L %s display-message -p -t k:%s '%s'",
             r->sock, win, fmt);
    if (read_cmd(cmd, out, sizeof out) != 0)
        return -1;
    return atoi(out);
}

pid_t rig_client(struct rig *r, const char *win)
{
    return (pid_t)pane(r, win, "#{pane_pid}");
}

bool rig_client_gone(struct rig *r, const char *win)
{
    return pane(r, win, "#{pane_dead}") == 1;
}

/* The parent of pid and its state letter, from /proc/PID/stat (the
 * fields after the command's closing parenthesis), or -1. */
static pid_t parent_state(pid_t pid, char *state)
{
    char path[64], buf[512], *close_paren;
    int ppid = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    if (fgets(buf, sizeof buf, f) && (close_paren = strrchr(buf, ')')))
        sscanf(close_paren + 1, " %c %d", state, &ppid);
    fclose(f);
    return (pid_t)ppid;
}

pid_t rig_parent(pid_t pid)
{
    char state;
    return parent_state(pid, &state);
}

/* The real uid of pid, from /proc/PID/status (not the owner of
 * /proc/PID, which is root for an undumpable process like the kiosk). */
static uid_t owner(pid_t pid)
{
    char path[64], line[256];
    unsigned uid = (unsigned)-1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return (uid_t)-1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Uid: %u", &uid) == 1)
            break;
    fclose(f);
    return (uid_t)uid;
}

static bool descends_from(pid_t pid, pid_t root)
{
    for (int depth = 0; depth < 16 && pid > 1; depth++) {
        pid = rig_parent(pid);
        if (pid == root)
            return true;
    }
    return false;
}

/* Every live process of a session: a descendant of sshd, or one of the
 * demo account's (a session whose connection dropped is no longer under
 * sshd: its processes are the init process's children while they end).
 * Zombies are left out (this system's init may be slow to reap them).
 * With exe_only, those running the kiosk. */
static int scan(const struct rig *r, bool exe_only, pid_t *pids, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        pid_t pid = (pid_t)atoi(e->d_name);
        char link[64], exe[PATH_MAX], state = '?';
        ssize_t len;

        if (pid <= 0 || parent_state(pid, &state) < 0 || state == 'Z' ||
            (owner(pid) != r->uid && !descends_from(pid, r->sshd)))
            continue;
        if (exe_only) {
            snprintf(link, sizeof link, "/proc/%d/exe", (int)pid);
            len = readlink(link, exe, sizeof exe - 1);
            if (len <= 0)
                continue;
            exe[len] = '\0';
            if (strcmp(exe, r->kiosk) != 0)
                continue;
        }
        if (pids && n < max)
            pids[n] = pid;
        n++;
    }
    closedir(d);
    return n;
}

int rig_session_procs(const struct rig *r)
{
    return scan(r, false, NULL, 0);
}

int rig_kiosk_procs(const struct rig *r, pid_t *pids, int max)
{
    return scan(r, true, pids, max);
}

/* Entries of dir whose names end in suffix ("": all but . and ..). */
static int entries(const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t k = strlen(suffix);
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            len >= k && strcmp(e->d_name + len - k, suffix) == 0)
            n++;
    }
    closedir(d);
    return n;
}

int rig_session_dirs(const struct rig *r)
{
    char slots[128];
    int in_slots, in_tmp;

    snprintf(slots, sizeof slots, "%s/slots", r->dir);
    in_slots = entries(slots, ".d");
    in_tmp = entries(r->tmp, "");
    return in_slots < 0 || in_tmp < 0 ? -1 : in_slots + in_tmp;
}

int rig_wait_gone(struct rig *r, const char *win, int ms)
{
    long long end = rig_now_ms() + ms;

    while (!rig_client_gone(r, win)) {
        if (rig_now_ms() >= end)
            return fail(r, "the client in window %s did not end", win);
        rig_sleep_ms(20);
    }
    return 0;
}
