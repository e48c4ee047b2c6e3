/*
 * test_ledger.c - the SQLite ledger in a temporary directory.
 *
 * The test includes ledger.c itself (the seam OpenSC and libssh use) to
 * reach the connection for one thing the API rightly lacks: a tiny
 * PRAGMA max_page_count that makes the database "full" on demand. Build it
 * alone: cc ... tests/test_ledger.c -lsqlite3 -lcmocka.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk/ledger.c"

#define KEY_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

struct tmp {
    char dir[64];
    char db[128];
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof *t);

    if (t == NULL)
        return -1;
    strcpy(t->dir, "/tmp/test_ledger.XXXXXX");
    if (mkdtemp(t->dir) == NULL)
        return -1;
    snprintf(t->db, sizeof t->db, "%s/ledger.db", t->dir);
    *state = t;
    return 0;
}

/* Remove everything the test left in its directory (db, -wal, -shm). */
static int teardown(void **state)
{
    struct tmp *t = *state;
    DIR *d = opendir(t->dir);
    struct dirent *e;
    char path[400];

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", t->dir, e->d_name);
        chmod(path, 0700);
        if (remove(path) != 0)
            return -1;
    }
    if (d != NULL)
        closedir(d);
    chmod(t->dir, 0700);
    rmdir(t->dir);
    free(t);
    return 0;
}

static time_t utc(int y, int m, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = s };

    return timegm(&tm);
}

static struct ledger *open_ok(const struct tmp *t)
{
    char err[512] = "";
    struct ledger *lg = ledger_open(t->db, err, sizeof err);

    if (lg == NULL)
        fail_msg("ledger_open: %s", err);
    return lg;
}

static bool registered(struct ledger *lg, const char *key)
{
    bool yes = true;

    assert_int_equal(ledger_is_registered(lg, key, &yes), 0);
    return yes;
}

/* One integer from a query on a connection of the test's own. */
static long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_register_once(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    time_t when = utc(2026, 4, 1, 3, 0, 0);

    assert_false(registered(lg, KEY_A));
    assert_int_equal(ledger_register(lg, KEY_A, LEDGER_METHOD_PIN, NULL, when, "kiosk-01"), LEDGER_OK);
    assert_true(registered(lg, KEY_A));
    assert_false(registered(lg, KEY_B));
    assert_int_equal(ledger_register(lg, KEY_A, LEDGER_METHOD_STAFF, "staff-7", when + 60, "kiosk-02"),
                     LEDGER_ALREADY);
    assert_int_equal(ledger_register(lg, KEY_B, LEDGER_METHOD_STAFF, "staff-7", when, "kiosk-01"),
                     LEDGER_OK);
    assert_true(registered(lg, KEY_B));
    ledger_close(lg);
}

static void test_reopen_keeps_data(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);

    assert_int_equal(ledger_register(lg, KEY_A, LEDGER_METHOD_PIN, NULL, utc(2026, 4, 1, 3, 0, 0), "k1"),
                     LEDGER_OK);
    ledger_close(lg);
    lg = open_ok(t);
    assert_true(registered(lg, KEY_A));
    assert_int_equal(ledger_register(lg, KEY_A, LEDGER_METHOD_PIN, NULL, utc(2026, 4, 2, 3, 0, 0), "k1"),
                     LEDGER_ALREADY);
    ledger_close(lg);
}

static void test_wal_mode_and_version(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    sqlite3 *db;
    sqlite3_stmt *st;

    /* A second connection sees the mode stored in the file itself. */
    assert_int_equal(sqlite3_open_v2(t->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(query_int(db, "PRAGMA user_version"), 1);
    assert_int_equal(query_int(lg->db, "PRAGMA synchronous"), 2); /* FULL */
    assert_true(query_int(lg->db, "PRAGMA busy_timeout") > 0);
    sqlite3_close(db);
    ledger_close(lg);
}

/* Append "name," for each row of sql to buf. */
static void names(sqlite3 *db, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *st;

    buf[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        strncat(buf, (const char *)sqlite3_column_text(st, 0), len - strlen(buf) - 1);
        strncat(buf, ",", len - strlen(buf) - 1);
    }
    sqlite3_finalize(st);
}

/* The file holds the two tables with the listed columns, and the rows
 * hold exactly what was passed: nothing else about anyone. */
static void test_stores_only_the_listed_columns(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    char buf[512];

    assert_int_equal(ledger_register(lg, KEY_A, LEDGER_METHOD_STAFF, "staff-7",
                                     utc(2026, 4, 1, 3, 4, 5), "kiosk-01"), LEDGER_OK);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_PIN, utc(2026, 4, 1, 3, 0, 0), "kiosk-01"), 0);

    names(lg->db, "SELECT type || ':' || name FROM sqlite_schema ORDER BY name", buf, sizeof buf);
    assert_string_equal(buf, "table:failed_checks,table:registrations,");
    names(lg->db, "SELECT name FROM pragma_table_info('registrations') ORDER BY cid", buf, sizeof buf);
    assert_string_equal(buf, "card_key,method,staff_id,registered_at,kiosk_id,");
    names(lg->db, "SELECT name FROM pragma_table_info('failed_checks') ORDER BY cid", buf, sizeof buf);
    assert_string_equal(buf, "method,at,kiosk_id,");

    names(lg->db, "SELECT card_key || '|' || method || '|' || staff_id || '|' || registered_at"
                  " || '|' || kiosk_id FROM registrations", buf, sizeof buf);
    assert_string_equal(buf, KEY_A "|staff|staff-7|2026-04-01T03:04:05Z|kiosk-01,");
    names(lg->db, "SELECT method || '|' || at || '|' || kiosk_id FROM failed_checks", buf, sizeof buf);
    assert_string_equal(buf, "pin|2026-04-01T03:00:00Z|kiosk-01,");
    ledger_close(lg);
}

/* Anything that is not a hash or a short identifier is refused before it
 * reaches the file. */
static void test_refuses_what_it_must_not_store(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    time_t when = utc(2026, 4, 1, 3, 0, 0);
    bool yes;

    static const char *const bad_keys[] = {
        "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF", /* upper case */
        "0123456789abcdef",                                                 /* short */
        "Yamada Taro, 1980-02-17, Tama city, 123456789012 and more padding",
        NULL,
    };
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++)
        assert_int_equal(ledger_register(lg, bad_keys[i], "pin", NULL, when, "k1"), LEDGER_ERROR);
    assert_int_equal(ledger_register(lg, KEY_A, "pin code", NULL, when, "k1"), LEDGER_ERROR);
    assert_int_equal(ledger_register(lg, KEY_A, "pin", "Yamada Taro", when, "k1"), LEDGER_ERROR);
    assert_int_equal(ledger_register(lg, KEY_A, "pin", "", when, "k1"), LEDGER_ERROR);
    assert_int_equal(ledger_register(lg, KEY_A, "pin", NULL, when, NULL), LEDGER_ERROR);
    assert_int_equal(ledger_register(lg, KEY_A, "pin", NULL, when,
                                     "a-kiosk-id-that-is-longer-than-32-chars"), LEDGER_ERROR);
    assert_int_equal(ledger_count_failure(lg, "pin\n", when, "k1"), -1);
    assert_int_equal(ledger_is_registered(lg, "not a key", &yes), -1);
    assert_false(yes);
    assert_int_equal(query_int(lg->db, "SELECT count(*) FROM registrations"), 0);
    assert_int_equal(query_int(lg->db, "SELECT count(*) FROM failed_checks"), 0);
    ledger_close(lg);
}

static void test_counts_by_japan_day(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    struct ledger_counts c = { -1, -1 };

    /* 23:59:59 on 1 April in Japan, then 00:00:00 on 2 April. */
    assert_int_equal(ledger_register(lg, KEY_A, "pin", NULL, utc(2026, 4, 1, 14, 59, 59), "k1"), LEDGER_OK);
    assert_int_equal(ledger_register(lg, KEY_B, "pin", NULL, utc(2026, 4, 1, 15, 0, 0), "k1"), LEDGER_OK);
    assert_int_equal(ledger_count_failure(lg, "pin", utc(2026, 3, 31, 15, 0, 0), "k1"), 0);
    assert_int_equal(ledger_count_failure(lg, "face", utc(2026, 4, 1, 1, 0, 0), "k1"), 0);
    assert_int_equal(ledger_count_failure(lg, "pin", utc(2026, 4, 2, 1, 0, 0), "k1"), 0);

    assert_int_equal(ledger_counts_today(lg, utc(2026, 4, 1, 3, 0, 0), &c), 0);
    assert_int_equal(c.registered, 1);
    assert_int_equal(c.failed, 2);
    assert_int_equal(ledger_counts_today(lg, utc(2026, 4, 2, 14, 59, 59), &c), 0);
    assert_int_equal(c.registered, 1);
    assert_int_equal(c.failed, 1);
    assert_int_equal(ledger_counts_today(lg, utc(2026, 5, 1, 0, 0, 0), &c), 0);
    assert_int_equal(c.registered, 0);
    assert_int_equal(c.failed, 0);
    ledger_close(lg);
}

/* Five wrong staff codes within the lockout lock staff entry from the
 * ledger alone (a restart), until the last one plus the lockout; other
 * kiosks' codes, other failures and old codes do not count. */
static void test_staff_lock_from_wrong_codes(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    time_t t0 = utc(2026, 4, 1, 3, 0, 0), until = -1;
    const long lockout = 300;

    /* One code long before: too early to count, so four are not enough. */
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_STAFF_CODE, t0 - 1000, "k1"), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_STAFF_CODE, t0 + 10 * i, "k1"), 0);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_STAFF_CODE, t0 + 41, "k2"), 0);
    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_STAFF, t0 + 42, "k1"), 0);
    assert_int_equal(ledger_staff_lock_until(lg, t0 + 45, 5, lockout, "k1", &until), 0);
    assert_int_equal(until, 0);

    assert_int_equal(ledger_count_failure(lg, LEDGER_METHOD_STAFF_CODE, t0 + 40, "k1"), 0);
    ledger_close(lg);
    lg = open_ok(t); /* as after a power cut */
    assert_int_equal(ledger_staff_lock_until(lg, t0 + 45, 5, lockout, "k1", &until), 0);
    assert_int_equal(until, t0 + 40 + lockout);
    assert_int_equal(ledger_staff_lock_until(lg, t0 + 40 + lockout - 1, 5, lockout, "k1", &until), 0);
    assert_int_equal(until, t0 + 40 + lockout);
    /* Another kiosk on the same ledger is not locked by k1's codes. */
    assert_int_equal(ledger_staff_lock_until(lg, t0 + 45, 5, lockout, "k2", &until), 0);
    assert_int_equal(until, 0);
    /* The lock runs from the last code; once the lockout has passed, it is gone. */
    assert_int_equal(ledger_staff_lock_until(lg, t0 + 40 + lockout, 5, lockout, "k1", &until), 0);
    assert_int_equal(until, 0);
    assert_int_equal(ledger_staff_lock_until(lg, t0, 5, lockout, "k1\n", &until), -1);
    assert_int_equal(until, 0);
    ledger_close(lg);
}

/* Opening path fails with a message that names it and gives the reason. */
static void assert_open_fails(const char *path, int why)
{
    char err[512] = "";

    assert_null(ledger_open(path, err, sizeof err));
    if (strstr(err, path) == NULL || strstr(err, strerror(why)) == NULL)
        fail_msg("error does not name %s and \"%s\": %s", path, strerror(why), err);
}

static void test_unwritable_paths(void **state)
{
    struct tmp *t = *state;
    char path[300];

    snprintf(path, sizeof path, "%s/no-such-dir/ledger.db", t->dir);
    assert_open_fails(path, ENOENT);
    /* A directory where the file should be. */
    snprintf(path, sizeof path, "%s", t->dir);
    assert_open_fails(path, EISDIR);
    /* A regular file where a directory should be. */
    FILE *f = fopen(t->db, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(path, sizeof path, "%s/ledger.db/inner.db", t->dir);
    assert_open_fails(path, ENOTDIR);
    remove(t->db);
}

/* Root writes into read-only directories, so this one needs a user. */
static void test_read_only_directory(void **state)
{
    struct tmp *t = *state;

    if (geteuid() == 0)
        skip();
    assert_int_equal(chmod(t->dir, 0500), 0);
    assert_open_fails(t->db, EACCES);
}

/* A newer kiosk's ledger is left alone rather than misread. */
static void test_newer_schema_refused(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    char err[512] = "";

    assert_int_equal(sqlite3_exec(lg->db, "PRAGMA user_version = 2", NULL, NULL, NULL), SQLITE_OK);
    ledger_close(lg);
    assert_null(ledger_open(t->db, err, sizeof err));
    assert_non_null(strstr(err, t->db));
    assert_non_null(strstr(err, "newer"));
}

/* A full disk, made by capping the database at the pages it has: the
 * registration that does not fit is LEDGER_FULL and leaves no trace. */
static void test_full_disk(void **state)
{
    struct tmp *t = *state;
    struct ledger *lg = open_ok(t);
    char key[65], sql[64];
    enum ledger_rc rc = LEDGER_OK;
    long long before = 0;
    int i;

    snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld",
             query_int(lg->db, "PRAGMA page_count"));
    assert_int_equal(sqlite3_exec(lg->db, sql, NULL, NULL, NULL), SQLITE_OK);
    for (i = 0; i < 10000 && rc == LEDGER_OK; i++) {
        snprintf(key, sizeof key, "%064x", i);
        before = query_int(lg->db, "SELECT count(*) FROM registrations");
        rc = ledger_register(lg, key, "pin", NULL, utc(2026, 4, 1, 3, 0, 0), "kiosk-01");
    }
    assert_int_equal(rc, LEDGER_FULL);
    assert_true(i > 1); /* some rows did fit: the cap, not a broken ledger */
    assert_false(registered(lg, key));
    assert_int_equal(query_int(lg->db, "SELECT count(*) FROM registrations"), before);
    assert_int_equal(sqlite3_get_autocommit(lg->db), 1); /* no transaction left open */

    /* Room again: the same registration goes through, the file is sound. */
    assert_int_equal(sqlite3_exec(lg->db, "PRAGMA max_page_count = 1000000", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(ledger_register(lg, key, "pin", NULL, utc(2026, 4, 1, 3, 0, 0), "kiosk-01"), LEDGER_OK);
    assert_int_equal(query_int(lg->db, "SELECT count(*) FROM registrations"), before + 1);
    assert_int_equal(query_int(lg->db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'"), 0);
    ledger_close(lg);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_register_once),
        T(test_reopen_keeps_data),
        T(test_wal_mode_and_version),
        T(test_stores_only_the_listed_columns),
        T(test_refuses_what_it_must_not_store),
        T(test_counts_by_japan_day),
        T(test_staff_lock_from_wrong_codes),
        T(test_unwritable_paths),
        T(test_read_only_directory),
        T(test_newer_schema_refused),
        T(test_full_disk),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
