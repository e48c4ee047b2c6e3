/*
 * test_matcher.c - the face matcher's process handling (kiosk/matcher.h)
 * against real programs: the scripted matchers in tests/matchers/, each
 * started, read and killed as the kiosk does it. They answer every way
 * the protocol allows, and every way it does not (hanging, dying,
 * flooding, nonsense); none may hang the caller or outlive its check.
 */
#include "tests/test.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/loop.h"
#include "kiosk/matcher.h"

#define LIMIT_MS 10000 /* far beyond any check here: a hang fails, not waits */

static char dir[64];

static void script(char *out, size_t n, const char *name)
{
    char rel[128];

    snprintf(rel, sizeof rel, "tests/matchers/%s", name);
    if (!realpath(rel, out))
        fail_msg("no %s (run from the source tree)", rel);
    (void)n;
}

static struct matcher *make(const char *name, const char *args,
                            int64_t timeout_ms)
{
    char path[PATH_MAX], cmd[PATH_MAX + 256], err[256] = "";
    struct matcher *m;

    script(path, sizeof path, name);
    snprintf(cmd, sizeof cmd, "%s%s%s", path, args ? " " : "", args ? args : "");
    m = matcher_new(cmd, timeout_ms, "test-kiosk", err, sizeof err);
    if (!m)
        fail_msg("matcher_new(%s): %s", cmd, err);
    return m;
}

/* Poll as the loop does until the check ends; false if it never does. */
static bool wait_answer(struct matcher *m, struct event *ev)
{
    int64_t end = loop_now_ms() + LIMIT_MS;

    while (loop_now_ms() < end) {
        struct pollfd p = { .fd = matcher_fd(m), .events = POLLIN };
        int64_t dl = matcher_deadline(m), now = loop_now_ms();
        int ms = dl < 0 ? 200 : dl <= now ? 0 : (int)(dl - now);

        poll(&p, 1, ms > 200 ? 200 : ms);
        if (matcher_poll(m, loop_now_ms(), ev))
            return true;
    }
    return false;
}

static enum face_outcome check(const char *name, int64_t timeout_ms)
{
    struct matcher *m = make(name, NULL, timeout_ms);
    struct event ev;

    matcher_start(m, 7, 1, "ja", loop_now_ms());
    assert_true(matcher_fd(m) >= 0);
    assert_true(wait_answer(m, &ev));
    assert_int_equal(ev.kind, EV_FACE_DONE);
    assert_int_equal(ev.session, 7);
    assert_int_equal(ev.u.face.attempt, 1);
    assert_int_equal(matcher_fd(m), -1); /* nothing left to poll */
    matcher_free(m);
    return ev.u.face.outcome;
}

/* A process is gone when /proc has no running one of that pid (a zombie
 * waiting for a parent that is not the kiosk counts as gone). */
static bool gone(pid_t pid)
{
    char path[64], buf[256];
    FILE *f;
    const char *p;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return true;
    buf[0] = '\0';
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    p = strrchr(buf, ')');
    return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

static bool both_gone(pid_t a, pid_t b)
{
    for (int i = 0; i < 200; i++) {
        if (gone(a) && gone(b))
            return true;
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    return false;
}

/* hang.sh writes "PID CHILD" into the file it is given. */
static void read_pids(const char *file, pid_t *pid, pid_t *child)
{
    int a = 0, b = 0;

    for (int i = 0; i < 500; i++) {
        FILE *f = fopen(file, "r");

        if (f) {
            int n = fscanf(f, "%d %d", &a, &b);

            fclose(f);
            if (n == 2)
                break;
        }
        struct timespec ts = { 0, 10 * 1000000L };
        nanosleep(&ts, NULL);
    }
    assert_true(a > 0 && b > 0);
    *pid = a;
    *child = b;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/kiosk-matcher-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_parse(void **state)
{
    static const struct { const char *line; int rc; enum face_outcome o; } t[] = {
        { "match 0", 0, FACE_MATCH },
        { "match 100", 0, FACE_MATCH },
        { "no-match 37", 0, FACE_NO_MATCH },
        { "error camera not found", 0, FACE_ERROR },
        { "match 101", -1, 0 },
        { "match", -1, 0 },
        { "match ", -1, 0 },
        { "match -1", -1, 0 },
        { "match 1000", -1, 0 },
        { "match 9x", -1, 0 },
        { "Match 90", -1, 0 },
        { "nomatch 10", -1, 0 },
        { "no-match", -1, 0 },
        { "error ", -1, 0 },
        { "error bad\tbyte", -1, 0 },
        { "error \033[2J", -1, 0 },
        { "", -1, 0 },
        { "yes", -1, 0 },
    };
    char long_reason[200];
    enum face_outcome o;

    (void)state;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int rc = matcher_parse(t[i].line, strlen(t[i].line), &o);

        if (rc != t[i].rc)
            fail_msg("\"%s\": %d, not %d", t[i].line, rc, t[i].rc);
        if (rc == 0)
            assert_int_equal(o, t[i].o);
    }
    memset(long_reason, 'x', sizeof long_reason);
    memcpy(long_reason, "error ", 6);
    assert_int_equal(matcher_parse(long_reason, 6 + 160, &o), 0);
    assert_int_equal(matcher_parse(long_reason, 6 + 161, &o), -1);
}

static void test_answers(void **state)
{
    (void)state;
    assert_int_equal(check("match.sh", 5000), FACE_MATCH);
    assert_int_equal(check("no-match.sh", 5000), FACE_NO_MATCH);
    assert_int_equal(check("error.sh", 5000), FACE_ERROR);
}

static void test_broken_matchers(void **state)
{
    (void)state;
    assert_int_equal(check("crash.sh", 5000), FACE_ERROR);
    assert_int_equal(check("garbage.sh", 5000), FACE_ERROR);
    assert_int_equal(check("exit-status.sh", 5000), FACE_ERROR);
    assert_int_equal(check("two-lines.sh", 5000), FACE_ERROR);
}

/* An endless stream is cut off at the cap, long before the time-out. */
static void test_flood(void **state)
{
    struct matcher *m = make("flood.sh", NULL, 60000);
    struct event ev;
    int64_t start = loop_now_ms();

    (void)state;
    matcher_start(m, 1, 1, "en", start);
    assert_true(wait_answer(m, &ev));
    assert_int_equal(ev.u.face.outcome, FACE_ERROR);
    assert_true(loop_now_ms() - start < 30000); /* not the time-out */
    matcher_free(m);
}

/* A matcher that never answers is killed at the time-out, with its
 * child. */
static void test_hang_times_out(void **state)
{
    char file[128];
    struct matcher *m;
    struct event ev;
    pid_t pid, child;

    (void)state;
    snprintf(file, sizeof file, "%s/pids", dir);
    m = make("hang.sh", file, 700);
    matcher_start(m, 3, 2, "en", loop_now_ms());
    read_pids(file, &pid, &child);
    assert_true(wait_answer(m, &ev));
    assert_int_equal(ev.u.face.outcome, FACE_TIMEOUT);
    assert_int_equal(ev.u.face.attempt, 2);
    assert_true(both_gone(pid, child));
    matcher_free(m);
}

/* Cancel, a pulled card: stopped at once, and no answer comes after. */
static void test_stop_kills_at_once(void **state)
{
    char file[128];
    struct matcher *m;
    struct event ev;
    pid_t pid, child;

    (void)state;
    snprintf(file, sizeof file, "%s/pids2", dir);
    m = make("hang.sh", file, 60000);
    matcher_start(m, 1, 1, "en", loop_now_ms());
    read_pids(file, &pid, &child);
    matcher_stop(m);
    assert_int_equal(matcher_fd(m), -1);
    assert_int_equal(matcher_deadline(m), -1);
    assert_false(matcher_poll(m, loop_now_ms(), &ev));
    assert_true(both_gone(pid, child));
    /* A new check after a stopped one works as usual. */
    matcher_free(m);
    m = make("match.sh", NULL, 5000);
    matcher_start(m, 2, 1, "en", loop_now_ms());
    matcher_start(m, 2, 2, "en", loop_now_ms()); /* restarts: one answer */
    assert_true(wait_answer(m, &ev));
    assert_int_equal(ev.u.face.attempt, 2);
    assert_false(matcher_poll(m, loop_now_ms(), &ev));
    matcher_free(m);
}

/* Decided when the matcher exits, though a child still holds stdout. */
static void test_answer_at_exit(void **state)
{
    (void)state;
    assert_int_equal(check("background.sh", 60000), FACE_MATCH);
}

/* What the matcher gets: its configured arguments and the request. */
static void test_request(void **state)
{
    char file[128], buf[512] = "";
    struct matcher *m;
    struct event ev;
    FILE *f;
    size_t n;

    (void)state;
    snprintf(file, sizeof file, "%s/request %s", dir, "--camera /dev/video0");
    m = make("record.sh", file, 9000);
    matcher_start(m, 5, 3, "ja", loop_now_ms());
    assert_true(wait_answer(m, &ev));
    assert_int_equal(ev.u.face.outcome, FACE_MATCH);
    matcher_free(m);
    snprintf(file, sizeof file, "%s/request", dir);
    f = fopen(file, "r");
    assert_non_null(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_string_equal(buf, "args=--camera /dev/video0\n"
                             "protocol=1\nkiosk=test-kiosk\nattempt=3\n"
                             "timeout=9\nlang=ja\n");
}

static void test_bad_commands(void **state)
{
    char err[256], path[PATH_MAX + 8];
    struct matcher *m;

    (void)state;
    m = matcher_new("matchers/match.sh", 1000, "k", err, sizeof err);
    assert_null(m);
    assert_non_null(strstr(err, "absolute"));
    m = matcher_new("/nonexistent/matcher", 1000, "k", err, sizeof err);
    assert_null(m);
    assert_non_null(strstr(err, "/nonexistent/matcher"));
    script(path, sizeof path, "match.sh");
    strcat(path, " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16");
    m = matcher_new(path, 1000, "k", err, sizeof err);
    assert_null(m);
}

/* A program that goes away after the kiosk checked it: an error at the
 * next poll, not a hang and not a crash. */
static void test_cannot_start(void **state)
{
    char src[PATH_MAX], copy[256], cmd[PATH_MAX + 300], err[256];
    struct matcher *m;
    struct event ev;

    (void)state;
    script(src, sizeof src, "match.sh");
    snprintf(copy, sizeof copy, "%s/vanishing.sh", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, copy);
    assert_int_equal(system(cmd), 0);
    m = matcher_new(copy, 1000, "k", err, sizeof err);
    assert_non_null(m);
    unlink(copy);
    matcher_start(m, 1, 1, "en", loop_now_ms());
    assert_int_equal(matcher_deadline(m), 0);
    assert_true(matcher_poll(m, loop_now_ms(), &ev));
    assert_int_equal(ev.u.face.outcome, FACE_ERROR);
    matcher_free(m);
}

/* --demo's simulated matcher: no process, the answer comes by key. */
static void test_demo(void **state)
{
    char err[64];
    struct matcher *m = matcher_new(NULL, 1000, "k", err, sizeof err);
    struct event ev;

    (void)state;
    assert_non_null(m);
    assert_true(matcher_is_demo(m));
    assert_false(matcher_demo_answer(m, FACE_MATCH, &ev)); /* no check */
    matcher_start(m, 4, 2, "en", loop_now_ms());
    assert_int_equal(matcher_fd(m), -1);
    assert_false(matcher_poll(m, loop_now_ms(), &ev));
    assert_true(matcher_demo_answer(m, FACE_NO_MATCH, &ev));
    assert_int_equal(ev.kind, EV_FACE_DONE);
    assert_int_equal(ev.session, 4);
    assert_int_equal(ev.u.face.attempt, 2);
    assert_int_equal(ev.u.face.outcome, FACE_NO_MATCH);
    assert_false(matcher_demo_answer(m, FACE_MATCH, &ev)); /* once */
    matcher_start(m, 4, 3, "en", loop_now_ms());
    matcher_stop(m);
    assert_false(matcher_demo_answer(m, FACE_MATCH, &ev));
    matcher_free(m);
    matcher_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_answers),
        cmocka_unit_test(test_broken_matchers),
        cmocka_unit_test(test_flood),
        cmocka_unit_test(test_hang_times_out),
        cmocka_unit_test(test_stop_kills_at_once),
        cmocka_unit_test(test_answer_at_exit),
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_bad_commands),
        cmocka_unit_test(test_cannot_start),
        cmocka_unit_test(test_demo),
    };
    return cmocka_run_group_tests_name("face matcher", tests, setup, teardown);
}
