/*
 * ledger.c - the registration ledger in SQLite (contract: ledger.h).
 *
 * SQLite does the hard parts: atomic transactions, the write-ahead log,
 * locking against a second process (busy timeout), and ISO 8601 times
 * (strftime/date in SQL, so no time formatting by hand here).
 */
#include "kiosk/ledger.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kiosk/i18n.h"

#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 5000
#define TOKEN_MAX 32

/* Version 1. The CHECK on card_key keeps anything but a hash out of the
 * one column that names a card; WITHOUT ROWID makes the primary key the
 * table itself, so the file holds no second copy of the keys. */
static const char schema_v1[] =
    "CREATE TABLE registrations ("
    " card_key TEXT PRIMARY KEY NOT NULL"
    "  CHECK (length(card_key) = 64 AND card_key NOT GLOB '*[^0-9a-f]*'),"
    " method TEXT NOT NULL,"
    " staff_id TEXT,"
    " registered_at TEXT NOT NULL,"
    " kiosk_id TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE failed_checks ("
    " method TEXT NOT NULL,"
    " at TEXT NOT NULL,"
    " kiosk_id TEXT NOT NULL"
    ");"
    "PRAGMA user_version = 1;";

#define ISO_UTC "strftime('%Y-%m-%dT%H:%M:%SZ', ?, 'unixepoch')"
/* The Japan calendar day of a stored time, and of a time_t parameter. */
#define JST_DAY(col) "date(" col ", '+9 hours')"
#define JST_DAY_OF_PARAM "date(?1, 'unixepoch', '+9 hours')"

static const char sql_is_registered[] =
    "SELECT 1 FROM registrations WHERE card_key = ?";
static const char sql_register[] =
    "INSERT INTO registrations (card_key, method, staff_id, registered_at, kiosk_id)"
    " VALUES (?, ?, ?, " ISO_UTC ", ?)";
static const char sql_failure[] =
    "INSERT INTO failed_checks (method, at, kiosk_id) VALUES (?, " ISO_UTC ", ?)";
static const char sql_counts[] =
    "SELECT (SELECT count(*) FROM registrations"
    "        WHERE " JST_DAY("registered_at") " = " JST_DAY_OF_PARAM "),"
    "       (SELECT count(*) FROM failed_checks"
    "        WHERE " JST_DAY("at") " = " JST_DAY_OF_PARAM ")";

struct ledger {
    sqlite3 *db;
    sqlite3_stmt *is_registered;
    sqlite3_stmt *insert;
    sqlite3_stmt *failure;
    sqlite3_stmt *counts;
};

/* Why path cannot be opened for writing, as an errno, or 0 if the file
 * system sees no reason. SQLite's own system error is the last it met,
 * often ENOENT from its read-only retry where the cause was EACCES on the
 * directory, which would send an operator the wrong way. */
static int write_errno(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    struct stat st;

    if (access(path, F_OK) == 0)
        return access(path, R_OK | W_OK) == 0 ? 0 : errno;
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path) + (slash == path), path);
    if (stat(dir, &st) != 0)
        return errno;
    if (!S_ISDIR(st.st_mode))
        return ENOTDIR;
    return access(dir, W_OK | X_OK) == 0 ? 0 : errno;
}

/* "path: cannot open the ledger: why", with the system's reason when
 * SQLite's own ("unable to open database file") says too little. */
static void open_error(sqlite3 *db, const char *path, const char *why, char *err, size_t errlen)
{
    int sys = write_errno(path);

    if (sys == 0 && db != NULL)
        sys = sqlite3_system_errno(db);

    if (sys != 0)
        snprintf(err, errlen, _("%s: cannot open the ledger: %s (%s)"), path, why,
                 strerror(sys));
    else
        snprintf(err, errlen, _("%s: cannot open the ledger: %s"), path, why);
}

/* The single-text result of a PRAGMA, e.g. "wal"; 0 when it matched want. */
static int pragma_is(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *st;
    int ok;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    ok = sqlite3_step(st) == SQLITE_ROW
         && sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), want) == 0;
    sqlite3_finalize(st);
    return ok ? 0 : -1;
}

static int user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Create the tables unless there, under a write lock so that two kiosks
 * opening one new file do not both create them. */
static int ensure_schema(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int version = -1;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK
        || user_version(db, &version) != 0
        || (version == 0 && sqlite3_exec(db, schema_v1, NULL, NULL, NULL) != SQLITE_OK)) {
        open_error(db, path, sqlite3_errmsg(db), err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (version > SCHEMA_VERSION) {
        snprintf(err, errlen,
                 _("%s: the ledger was written by a newer kiosk (schema %d, this one knows %d)"),
                 path, version, SCHEMA_VERSION);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        open_error(db, path, sqlite3_errmsg(db), err, errlen);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* The write-ahead log, with a sync at every commit: a registration that
 * was reported done must survive a power cut. */
static int configure(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    if (sqlite3_db_readonly(db, "main") == 1) {
        snprintf(err, errlen, _("%s: cannot open the ledger: the file is read-only"), path);
        return -1;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (pragma_is(db, "PRAGMA journal_mode = WAL", "wal") != 0
        || sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK) {
        open_error(db, path, sqlite3_errmsg(db), err, errlen);
        return -1;
    }
    return 0;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) == SQLITE_OK
               ? 0
               : -1;
}

static int prepare_all(struct ledger *lg, const char *path, char *err, size_t errlen)
{
    if (prepare(lg->db, sql_is_registered, &lg->is_registered) != 0
        || prepare(lg->db, sql_register, &lg->insert) != 0
        || prepare(lg->db, sql_failure, &lg->failure) != 0
        || prepare(lg->db, sql_counts, &lg->counts) != 0) {
        open_error(lg->db, path, sqlite3_errmsg(lg->db), err, errlen);
        return -1;
    }
    return 0;
}

struct ledger *ledger_open(const char *path, char *err, size_t errlen)
{
    struct ledger *lg = calloc(1, sizeof *lg);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXRESCODE;

    if (lg == NULL) {
        snprintf(err, errlen, _("%s: cannot open the ledger: %s"), path, strerror(ENOMEM));
        return NULL;
    }
    if (sqlite3_open_v2(path, &lg->db, flags, NULL) != SQLITE_OK) {
        open_error(lg->db, path, lg->db ? sqlite3_errmsg(lg->db) : sqlite3_errstr(SQLITE_NOMEM),
                   err, errlen);
        ledger_close(lg);
        return NULL;
    }
    if (configure(lg->db, path, err, errlen) != 0 || ensure_schema(lg->db, path, err, errlen) != 0
        || prepare_all(lg, path, err, errlen) != 0) {
        ledger_close(lg);
        return NULL;
    }
    return lg;
}

void ledger_close(struct ledger *lg)
{
    if (lg == NULL)
        return;
    sqlite3_finalize(lg->is_registered);
    sqlite3_finalize(lg->insert);
    sqlite3_finalize(lg->failure);
    sqlite3_finalize(lg->counts);
    sqlite3_close(lg->db);
    free(lg);
}

/* 64 lowercase hex digits: what cert_facts() makes, and nothing else. */
static bool is_card_key(const char *s)
{
    return s != NULL && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* A short identifier: 1..TOKEN_MAX of letters, digits, '.', '_', '-'. */
static bool is_token(const char *s)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    size_t n = s != NULL ? strlen(s) : 0;

    return n > 0 && n <= TOKEN_MAX && strspn(s, ok) == n;
}

/* Run a statement that returns no rows; its SQLite result code. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int ledger_is_registered(struct ledger *lg, const char *card_key, bool *yes)
{
    int rc;

    *yes = false;
    if (!is_card_key(card_key))
        return -1;
    sqlite3_bind_text(lg->is_registered, 1, card_key, -1, SQLITE_STATIC);
    rc = sqlite3_step(lg->is_registered);
    sqlite3_reset(lg->is_registered);
    sqlite3_clear_bindings(lg->is_registered);
    *yes = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static enum ledger_rc ledger_rc_of(int rc)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE)
        return LEDGER_OK;
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return LEDGER_ALREADY;
    if ((rc & 0xff) == SQLITE_FULL)
        return LEDGER_FULL;
    return LEDGER_ERROR;
}

/* End the transaction: commit after a good insert, else roll back what is
 * left of it (SQLite may already have rolled back after SQLITE_FULL). */
static int finish(sqlite3 *db, int rc)
{
    if (rc == SQLITE_DONE) {
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return rc;
        rc = sqlite3_extended_errcode(db);
    }
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

enum ledger_rc ledger_register(struct ledger *lg, const char *card_key, const char *method,
                               const char *staff_id, time_t when, const char *kiosk_id)
{
    sqlite3_stmt *st = lg->insert;
    int rc;

    if (!is_card_key(card_key) || !is_token(method) || !is_token(kiosk_id)
        || (staff_id != NULL && !is_token(staff_id)))
        return LEDGER_ERROR;
    rc = sqlite3_exec(lg->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return ledger_rc_of(sqlite3_extended_errcode(lg->db));
    sqlite3_bind_text(st, 1, card_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    if (staff_id != NULL)
        sqlite3_bind_text(st, 3, staff_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)when);
    sqlite3_bind_text(st, 5, kiosk_id, -1, SQLITE_STATIC);
    rc = finish(lg->db, run(st));
    return ledger_rc_of(rc);
}

int ledger_count_failure(struct ledger *lg, const char *method, time_t when,
                         const char *kiosk_id)
{
    sqlite3_stmt *st = lg->failure;

    if (!is_token(method) || !is_token(kiosk_id))
        return -1;
    sqlite3_bind_text(st, 1, method, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)when);
    sqlite3_bind_text(st, 3, kiosk_id, -1, SQLITE_STATIC);
    return run(st) == SQLITE_DONE ? 0 : -1;
}

int ledger_counts_today(struct ledger *lg, time_t now, struct ledger_counts *out)
{
    sqlite3_stmt *st = lg->counts;
    int rc;

    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->registered = (long)sqlite3_column_int64(st, 0);
        out->failed = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int ledger_counts_today_by(struct ledger *lg, time_t now, const char *method,
                           struct ledger_counts *out)
{
    static const char sql[] =
        "SELECT (SELECT count(*) FROM registrations WHERE method = ?2"
        "        AND " JST_DAY("registered_at") " = " JST_DAY_OF_PARAM "),"
        "       (SELECT count(*) FROM failed_checks WHERE method = ?2"
        "        AND " JST_DAY("at") " = " JST_DAY_OF_PARAM ")";
    sqlite3_stmt *st;
    int rc;

    /* Staff mode asks a few times a day: no statement kept prepared. */
    if (!is_token(method) || sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)now);
    sqlite3_bind_text(st, 2, method, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->registered = (long)sqlite3_column_int64(st, 0);
        out->failed = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int ledger_staff_lock_until(struct ledger *lg, time_t now, int tries, long lockout,
                            const char *kiosk_id, time_t *until)
{
    /* The last wrong code, and how many came in the lockout before it:
     * the lock, if any, began with the last one. */
    static const char sql[] =
        "WITH mine AS (SELECT CAST(strftime('%s', at) AS INTEGER) AS t"
        "              FROM failed_checks WHERE method = ?1 AND kiosk_id = ?2),"
        "     last AS (SELECT max(t) AS l FROM mine)"
        " SELECT (SELECT count(*) FROM mine, last WHERE t > l - ?3), l FROM last";
    sqlite3_stmt *st;
    int rc;

    *until = 0;
    if (!is_token(kiosk_id) || tries < 1 || lockout < 0 ||
        sqlite3_prepare_v2(lg->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, LEDGER_METHOD_STAFF_CODE, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)lockout);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) >= tries &&
        sqlite3_column_int64(st, 1) + lockout > (sqlite3_int64)now)
        *until = (time_t)(sqlite3_column_int64(st, 1) + lockout);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}
