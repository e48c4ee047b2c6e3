/*
 * test_visit.c - one visitor's session of the public demo: the time
 * limits and their countdown (pure), the places among the sessions and
 * their session directories (real lock files and directories in a
 * private directory), and the [demo] configuration keys.
 * The keeper, the resource limits and the terminal are tested over a real
 * sshd in test_e2e_ssh.c.
 */
#include "tests/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/config.h"
#include "kiosk/visit.h"

#define S 1000 /* ms in a second */

static struct config limits(int length, int idle)
{
    struct config c;
    config_defaults(&c);
    c.demo_session_length = length;
    c.demo_idle = idle;
    return c;
}

static void test_session_length_ends_it(void **state)
{
    struct config c = limits(120, 3600);
    struct visit v;
    (void)state;
    visit_init(&v, &c, 5000);
    assert_false(visit_over(&v, 5000 + 119 * S));
    assert_true(visit_over(&v, 5000 + 120 * S));
    assert_int_equal(v.end, VISIT_TIME_UP);
}

static void test_idle_ends_it_and_input_resets(void **state)
{
    struct config c = limits(3600, 60);
    struct visit v;
    (void)state;
    visit_init(&v, &c, 0);
    visit_input(&v, 50 * S);
    assert_false(visit_over(&v, 100 * S)); /* 50 s since the last key */
    assert_true(visit_over(&v, 110 * S));
    assert_int_equal(v.end, VISIT_IDLE);
}

static void test_countdown_only_in_the_last_minute(void **state)
{
    struct config c = limits(300, 3600);
    struct visit v;
    (void)state;
    visit_init(&v, &c, 0);
    assert_int_equal(visit_countdown(&v, 0), 0);
    assert_int_equal(visit_countdown(&v, 239 * S), 0);
    assert_int_equal(visit_countdown(&v, 240 * S), 60);
    assert_int_equal(visit_countdown(&v, 240 * S + 1), 60); /* rounded up */
    assert_int_equal(visit_countdown(&v, 299 * S + 500), 1);
    assert_int_equal(visit_countdown(&v, 300 * S), 0);
}

/* The countdown shows whichever end is nearer: idle here. */
static void test_countdown_follows_the_nearer_end(void **state)
{
    struct config c = limits(900, 30);
    struct visit v;
    (void)state;
    visit_init(&v, &c, 0);
    assert_int_equal(visit_countdown(&v, 0), 30);
    visit_input(&v, 20 * S);
    assert_int_equal(visit_countdown(&v, 20 * S), 30);
}

/* The loop sleeps until the countdown appears, then wakes once a
 * second exactly when the number changes, and never sleeps past the end. */
static void test_wakeup_times(void **state)
{
    struct config c = limits(300, 3600);
    struct visit v;
    int64_t now;
    (void)state;
    visit_init(&v, &c, 0);
    assert_int_equal(visit_wakeup(&v, 0), 240 * S);
    assert_int_equal(visit_wakeup(&v, 240 * S), 241 * S);
    assert_int_equal(visit_wakeup(&v, 240 * S + 1), 241 * S);
    now = 240 * S;
    for (int i = 0; i < 60; i++) {
        int before = visit_countdown(&v, now);
        int64_t next = visit_wakeup(&v, now);
        assert_true(next > now);
        assert_int_equal(visit_countdown(&v, next - 1), before);
        assert_true(visit_countdown(&v, next) < before || next >= 300 * S);
        now = next;
    }
    assert_int_equal(now, 300 * S);
    assert_true(visit_over(&v, now));
    assert_int_equal(visit_wakeup(&v, now), now);
}

static void test_no_visit_does_nothing(void **state)
{
    (void)state;
    visit_input(NULL, 0);
    assert_false(visit_over(NULL, 1000000));
    assert_int_equal(visit_countdown(NULL, 0), 0);
    assert_int_equal(visit_wakeup(NULL, 0), -1);
}

static void slot_dir(struct config *c, char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/kiosk-visit-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
    config_defaults(c);
    snprintf(c->demo_slot_dir, sizeof c->demo_slot_dir, "%s/slots", dir);
}

static void remove_slots(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A file (and the directories to it) under dir. */
static void leave_file(const char *dir, const char *name)
{
    char p[600];
    FILE *f;
    snprintf(p, sizeof p, "%s/kiosk-demo.left", dir);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/kiosk-demo.left/%s", dir, name);
    f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
}

static bool entries(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -n \"$(ls -A '%s')\"", dir);
    return system(cmd) == 0;
}

/* N places: the N+1th is refused until one is given back. Separate
 * open() calls are separate flock() owners, as separate processes are. */
static void test_places_among_sessions(void **state)
{
    struct config c;
    char dir[64], sd[3][300];
    int fd[3];
    time_t oldest;
    struct stat st;
    (void)state;
    slot_dir(&c, dir, sizeof dir);
    c.demo_sessions = 2;
    fd[0] = visit_take_slot(&c, &oldest, sd[0], sizeof sd[0]);
    fd[1] = visit_take_slot(&c, &oldest, sd[1], sizeof sd[1]);
    assert_true(fd[0] >= 0 && fd[1] >= 0);
    assert_int_equal(stat(c.demo_slot_dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(visit_take_slot(&c, &oldest, sd[2], sizeof sd[2]), -1);
    assert_true(oldest > 0 && oldest <= time(NULL));
    close(fd[0]);
    fd[2] = visit_take_slot(&c, &oldest, sd[2], sizeof sd[2]);
    assert_true(fd[2] >= 0);
    assert_string_equal(sd[2], sd[0]); /* the place given back */
    close(fd[1]);
    close(fd[2]);
    remove_slots(dir);
}

/* Each place's session directory is beside its lock file, private and
 * empty when taken. What a killed keeper left in it stays only until
 * that place is next taken; a holder's directory is not touched by
 * whoever takes another place; a symbolic link put there is removed,
 * not followed. */
static void test_session_dir_beside_its_place(void **state)
{
    struct config c;
    char dir[64], sd[2][300], want[300], p[600], outside[128];
    int fd[2];
    time_t oldest;
    struct stat st;
    (void)state;
    slot_dir(&c, dir, sizeof dir);
    c.demo_sessions = 2;
    fd[0] = visit_take_slot(&c, &oldest, sd[0], sizeof sd[0]);
    assert_true(fd[0] >= 0);
    snprintf(want, sizeof want, "%s/slot-0.d", c.demo_slot_dir);
    assert_string_equal(sd[0], want);
    assert_int_equal(lstat(sd[0], &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_false(entries(sd[0]));
    leave_file(sd[0], "ledger.db");
    close(fd[0]); /* its keeper was killed: nobody cleaned up */
    snprintf(outside, sizeof outside, "%s/outside", dir);
    assert_int_equal(mkdir(outside, 0700), 0);
    leave_file(outside, "keep");
    snprintf(p, sizeof p, "%s/slot-1.d", c.demo_slot_dir);
    assert_int_equal(symlink(outside, p), 0);

    fd[1] = visit_take_slot(&c, &oldest, sd[1], sizeof sd[1]); /* slot 0 */
    assert_true(fd[1] >= 0);
    assert_string_equal(sd[1], want);
    assert_false(entries(sd[1]));
    fd[0] = visit_take_slot(&c, &oldest, sd[0], sizeof sd[0]); /* slot 1 */
    assert_true(fd[0] >= 0);
    assert_int_equal(lstat(sd[0], &st), 0);
    assert_true(S_ISDIR(st.st_mode)); /* a directory, not the link */
    assert_false(entries(sd[0]));
    snprintf(p, sizeof p, "%s/kiosk-demo.left/keep", outside);
    assert_int_equal(access(p, F_OK), 0);
    leave_file(sd[1], "ledger.db"); /* slot 0's holder at work */
    close(fd[0]);
    fd[0] = visit_take_slot(&c, &oldest, sd[0], sizeof sd[0]); /* slot 1 */
    assert_true(fd[0] >= 0);
    assert_true(entries(sd[1])); /* another place's: untouched */
    close(fd[0]);
    close(fd[1]);
    remove_slots(dir);
}

static void test_slot_dir_that_cannot_be_made(void **state)
{
    struct config c;
    char sd[300];
    time_t oldest;
    (void)state;
    config_defaults(&c);
    snprintf(c.demo_slot_dir, sizeof c.demo_slot_dir,
             "/nonexistent-kiosk-dir/slots");
    assert_int_equal(visit_take_slot(&c, &oldest, sd, sizeof sd), -2);
}

static void test_wait_minutes(void **state)
{
    struct config c = limits(900, 300);
    (void)state;
    assert_int_equal(visit_wait_minutes(&c, 1000, 1000), 15);
    assert_int_equal(visit_wait_minutes(&c, 1000, 1000 + 899), 1);
    assert_int_equal(visit_wait_minutes(&c, 1000, 1000 + 5000), 1);
    assert_int_equal(visit_wait_minutes(&c, 1000, 1000 + 61), 14);
    assert_int_equal(visit_wait_minutes(&c, 99999, 1000), 15); /* clock skew */
}

static int load(const char *text, struct config *c, char *err, size_t n)
{
    char path[] = "/tmp/kiosk-visit-conf-XXXXXX";
    int fd = mkstemp(path), rc;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    config_defaults(c);
    rc = config_load(c, path, err, n);
    unlink(path);
    return rc;
}

static void test_demo_keys(void **state)
{
    struct config c;
    char err[512];
    (void)state;
    config_defaults(&c);
    assert_int_equal(c.demo_sessions, 10);
    assert_int_equal(c.demo_memory, 256);
    assert_int_equal(load("[demo]\nsessions = 3\nslot_dir = /run/x\n"
                          "session_length = 600\nidle_timeout = 120\n"
                          "memory = 0\nprocesses = 4\nopen_files = 32\n"
                          "cpu_seconds = 30\n", &c, err, sizeof err), 0);
    assert_int_equal(c.demo_sessions, 3);
    assert_string_equal(c.demo_slot_dir, "/run/x");
    assert_int_equal(c.demo_session_length, 600);
    assert_int_equal(c.demo_idle, 120);
    assert_int_equal(c.demo_memory, 0);
    assert_int_equal(c.demo_processes, 4);
    assert_int_equal(c.demo_open_files, 32);
    assert_int_equal(c.demo_cpu, 30);
}

static void test_demo_keys_refused(void **state)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "[demo]\nsessions = 0\n", ":2: sessions must be between 1 and 1000" },
        { "[demo]\nsessions = many\n", ":2: sessions: \"many\" is not a whole number" },
        { "[demo]\nslot_dir = slots\n", ":2: slot_dir must be an absolute path" },
        { "[demo]\nmemory = 10\n", ":2: memory must be 0 (no limit) or between 64 and 65536 MiB" },
        { "[demo]\nsession_length = 30\n", ":2: session_length must be between 60 and 86400 seconds" },
        { "[demo]\nopen_files = 8\n", ":2: open_files must be between 16 and 4096" },
    };
    struct config c;
    char err[512];
    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(load(bad[i].text, &c, err, sizeof err), -1);
        if (!strstr(err, bad[i].msg))
            fail_msg("\"%s\" does not say \"%s\"", err, bad[i].msg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_length_ends_it),
        cmocka_unit_test(test_idle_ends_it_and_input_resets),
        cmocka_unit_test(test_countdown_only_in_the_last_minute),
        cmocka_unit_test(test_countdown_follows_the_nearer_end),
        cmocka_unit_test(test_wakeup_times),
        cmocka_unit_test(test_no_visit_does_nothing),
        cmocka_unit_test(test_places_among_sessions),
        cmocka_unit_test(test_session_dir_beside_its_place),
        cmocka_unit_test(test_slot_dir_that_cannot_be_made),
        cmocka_unit_test(test_wait_minutes),
        cmocka_unit_test(test_demo_keys),
        cmocka_unit_test(test_demo_keys_refused),
    };
    setenv("LANGUAGE", "en", 1);
    return cmocka_run_group_tests_name("visit (public demo limits)", tests,
                                       NULL, NULL);
}
