/* test_status.c - the status file: content, atomic replacement, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/status.h"

struct tmp {
    char dir[64];
    char file[128];
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);

    if (t == NULL)
        return -1;
    strcpy(t->dir, "/tmp/test_status.XXXXXX");
    if (mkdtemp(t->dir) == NULL)
        return -1;
    snprintf(t->file, sizeof t->file, "%s/status", t->dir);
    *state = t;
    return 0;
}

/* How many entries the directory holds; with remove, delete them too. */
static int entries(const char *dir, bool remove_them)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[400];
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n++;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (remove_them)
            remove(path);
    }
    closedir(d);
    return n;
}

static int teardown(void **state)
{
    struct tmp *t = *state;

    chmod(t->dir, 0700);
    entries(t->dir, true);
    rmdir(t->dir);
    free(t);
    return 0;
}

static void read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, len - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static time_t utc(int y, int m, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = s };

    return timegm(&tm);
}

static void test_content(void **state)
{
    struct tmp *t = *state;
    char want[256], got[256];
    struct stat st;

    snprintf(want, sizeof want,
             "state=attract\nsince=2026-04-01T00:30:05+09:00\nkiosk=kiosk-01\npid=%ld\n",
             (long)getpid());
    /* Japan time whatever the machine's zone: 15:30:05Z is after midnight. */
    setenv("TZ", "America/New_York", 1);
    tzset();
    assert_int_equal(status_write(t->file, "attract", utc(2026, 3, 31, 15, 30, 5), "kiosk-01"), 0);
    unsetenv("TZ");
    tzset();
    read_file(t->file, got, sizeof got);
    assert_string_equal(got, want);
    assert_int_equal(stat(t->file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
}

static void test_replace_leaves_no_temp_files(void **state)
{
    struct tmp *t = *state;
    char got[256];

    assert_int_equal(status_write(t->file, "attract", utc(2026, 4, 1, 0, 0, 0), "k1"), 0);
    assert_int_equal(status_write(t->file, "pin", utc(2026, 4, 1, 0, 1, 0), "k1"), 0);
    read_file(t->file, got, sizeof got);
    assert_non_null(strstr(got, "state=pin\nsince=2026-04-01T09:01:00+09:00\n"));
    assert_null(strstr(got, "attract"));
    assert_int_equal(entries(t->dir, false), 1);
}

/* A reader racing the writer sees a whole file every time. */
static void test_readers_never_see_half_a_file(void **state)
{
    struct tmp *t = *state;
    char got[256];
    pid_t child;
    int status;

    assert_int_equal(status_write(t->file, "attract", 0, "k1"), 0);
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        for (int i = 0; i < 300; i++)
            if (status_write(t->file, i % 2 ? "reading" : "attract", i, "k1") != 0)
                _exit(1);
        _exit(0);
    }
    for (int i = 0; i < 300; i++) {
        read_file(t->file, got, sizeof got);
        assert_true(strncmp(got, "state=", 6) == 0);
        assert_non_null(strstr(got, "\npid="));
        assert_int_equal(got[strlen(got) - 1], '\n');
    }
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(entries(t->dir, false), 1);
}

static void test_errors(void **state)
{
    struct tmp *t = *state;
    char path[200];

    snprintf(path, sizeof path, "%s/no-such-dir/status", t->dir);
    errno = 0;
    assert_int_equal(status_write(path, "attract", 0, "k1"), -1);
    assert_int_equal(errno, ENOENT);

    /* The rename fails (a directory is in the way): the temp file goes. */
    snprintf(path, sizeof path, "%s/in-the-way", t->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(status_write(path, "attract", 0, "k1"), -1);
    assert_int_equal(errno, EISDIR);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(entries(t->dir, false), 0);

    /* A line break would forge a line: refused. */
    assert_int_equal(status_write(t->file, "attract\nstate=done", 0, "k1"), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(status_write(t->file, "attract", 0, ""), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(entries(t->dir, false), 0);
}

/* Root writes into read-only directories, so this one needs a user. */
static void test_unwritable_directory(void **state)
{
    struct tmp *t = *state;

    if (geteuid() == 0)
        skip();
    assert_int_equal(chmod(t->dir, 0500), 0);
    assert_int_equal(status_write(t->file, "attract", 0, "k1"), -1);
    assert_int_equal(errno, EACCES);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_content),
        T(test_replace_leaves_no_temp_files),
        T(test_readers_never_see_half_a_file),
        T(test_errors),
        T(test_unwritable_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
