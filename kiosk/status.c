/*
 * status.c - the status file, replaced atomically (contract: status.h).
 */
#include "kiosk/status.h"

#include "kiosk/jst.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STATUS_MAX 512

/* Non-empty, and no line break that would forge or split a line. */
static bool one_line(const char *s)
{
    return s != NULL && *s != '\0' && strpbrk(s, "\r\n") == NULL;
}

/* ISO 8601 in Japan time, whatever the machine's zone. */
static int jst_iso8601(time_t t, char *out, size_t len)
{
    struct tm tm;

    jst_tm(t, &tm);
    return strftime(out, len, "%Y-%m-%dT%H:%M:%S+09:00", &tm) > 0 ? 0 : -1;
}

static int format_status(char *buf, size_t len, const char *state, time_t since,
                         const char *kiosk_id)
{
    char when[32];
    int n;

    if (jst_iso8601(since, when, sizeof when) != 0)
        return -1;
    n = snprintf(buf, len, "state=%s\nsince=%s\nkiosk=%s\npid=%ld\n", state, when, kiosk_id,
                 (long)getpid());
    return n > 0 && (size_t)n < len ? n : -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The temp file sits beside path, so the rename stays on one file system. */
static int temp_name(const char *path, char *tmp, size_t tmplen)
{
    int n = snprintf(tmp, tmplen, "%s.XXXXXX", path);
    return n < 0 || (size_t)n >= tmplen ? -1 : 0;
}

int status_write(const char *path, const char *state, time_t since, const char *kiosk_id)
{
    char buf[STATUS_MAX], tmp[4096];
    int len, fd, saved;
    bool ok;

    if (path == NULL || !one_line(state) || !one_line(kiosk_id)
        || (len = format_status(buf, sizeof buf, state, since, kiosk_id)) < 0
        || temp_name(path, tmp, sizeof tmp) != 0) {
        errno = EINVAL;
        return -1;
    }
    fd = mkstemp(tmp);
    if (fd < 0)
        return -1;
    /* mkstemp makes it 0600; monitoring runs as another user. */
    /* No fsync: the rename makes the change atomic for readers, and this
     * runs on the UI thread at every change of screen. */
    ok = fchmod(fd, 0644) == 0 && write_all(fd, buf, (size_t)len) == 0;
    saved = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(tmp, path) == 0)
        return 0;
    if (ok)
        saved = errno;
    unlink(tmp);
    errno = saved;
    return -1;
}
