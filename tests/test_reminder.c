/* test_reminder.c - Japan calendar facts of a certificate's notAfter. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosk/reminder.h"
#include "screens/ui.h"

/* The moment h:mi:s on y-m-d in Japan (UTC+9), built without reminder.c. */
static time_t jst(int y, int m, int d, int h, int mi, int s)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = h, .tm_min = mi, .tm_sec = s };

    return timegm(&tm) - 9 * 60 * 60;
}

/* A JPKI notAfter: the last second of day y-m-d in Japan (14:59:59Z). */
static time_t cert_end(int y, int m, int d)
{
    return jst(y, m, d, 23, 59, 59);
}

static void assert_day(struct ymd got, int y, int m, int d)
{
    assert_int_equal(got.y, y);
    assert_int_equal(got.m, m);
    assert_int_equal(got.d, d);
}

static struct reminder judge(time_t not_after, time_t now)
{
    struct reminder r;

    memset(&r, 0xa5, sizeof r);
    reminder_compute(not_after, now, &r);
    return r;
}

/* jpki.md's sample: issued 2025-10-27, birthday 17 February. */
static void test_sample_certificate(void **state)
{
    (void)state;
    struct reminder r = judge(cert_end(2030, 2, 17), jst(2025, 10, 27, 12, 0, 0));

    assert_int_equal(r.status, CERT_VALID);
    assert_day(r.today, 2025, 10, 27);
    assert_day(r.expiry, 2030, 2, 17);
    assert_day(r.renew_from, 2029, 11, 17);
    assert_day(r.grace_until, 2030, 5, 31);
    assert_int_equal(r.days_left, 1574);
}

/* Days are Japan days, not UTC days: 20:00Z is already tomorrow in Japan,
 * and a notAfter of 15:30Z falls on the next Japan day. */
static void test_japan_days_not_utc_days(void **state)
{
    (void)state;
    struct tm tm = { .tm_year = 125, .tm_mon = 9, .tm_mday = 27, .tm_hour = 20 };
    struct reminder r = judge(cert_end(2030, 2, 17), timegm(&tm));

    assert_day(r.today, 2025, 10, 28);
    assert_int_equal(r.days_left, 1573);

    struct tm late = { .tm_year = 130, .tm_mon = 1, .tm_mday = 17, .tm_hour = 15,
                       .tm_min = 30 };
    r = judge(timegm(&late), jst(2026, 1, 1, 0, 0, 0));
    assert_day(r.expiry, 2030, 2, 18);
}

static void test_renewal_opens_three_months_before(void **state)
{
    (void)state;
    time_t end = cert_end(2030, 2, 17);
    struct reminder r = judge(end, jst(2029, 11, 16, 23, 59, 59));

    assert_int_equal(r.status, CERT_VALID);
    assert_int_equal(r.days_left, 93);

    r = judge(end, jst(2029, 11, 17, 0, 0, 0));
    assert_int_equal(r.status, CERT_RENEWAL_OPEN);
    assert_int_equal(r.days_left, 92);
}

/* notAfter is inclusive: valid at that second, expired one second later. */
static void test_expiry_to_the_second(void **state)
{
    (void)state;
    time_t end = cert_end(2030, 2, 17);
    struct reminder r = judge(end, end);

    assert_int_equal(r.status, CERT_RENEWAL_OPEN);
    assert_day(r.today, 2030, 2, 17);
    assert_int_equal(r.days_left, 0);

    r = judge(end, end + 1);
    assert_int_equal(r.status, CERT_GRACE);
    assert_day(r.today, 2030, 2, 18);
    assert_int_equal(r.days_left, -1);

    /* A notAfter in the middle of a Japan day expires in the middle of it. */
    time_t noon = jst(2030, 2, 17, 12, 0, 0);
    r = judge(noon, noon + 1);
    assert_int_equal(r.status, CERT_GRACE);
    assert_int_equal(r.days_left, 0);
}

static void test_grace_ends_with_its_last_japan_day(void **state)
{
    (void)state;
    time_t end = cert_end(2030, 2, 17);
    struct reminder r = judge(end, jst(2030, 5, 31, 23, 59, 59));

    assert_int_equal(r.status, CERT_GRACE);
    r = judge(end, jst(2030, 6, 1, 0, 0, 0));
    assert_int_equal(r.status, CERT_LAPSED);
    assert_int_equal(r.days_left, -104);
    assert_day(r.grace_until, 2030, 5, 31);
}

struct month_case {
    int ey, em, ed; /* expiry */
    int ry, rm, rd; /* renew_from */
    int gy, gm, gd; /* grace_until */
};

/* Month ends and leap years: renew_from is clamped to a shorter month's
 * last day; grace_until is always a month's last day. */
static void test_month_ends_and_leap_years(void **state)
{
    (void)state;
    static const struct month_case cases[] = {
        { 2029, 5, 31, 2029, 2, 28, 2029, 8, 31 },  /* to a short February */
        { 2028, 5, 31, 2028, 2, 29, 2028, 8, 31 },  /* to a leap February */
        { 2029, 8, 31, 2029, 5, 31, 2029, 11, 30 }, /* grace in a 30-day month */
        { 2029, 12, 31, 2029, 9, 30, 2030, 3, 31 }, /* to a 30-day month */
        { 2029, 3, 31, 2028, 12, 31, 2029, 6, 30 }, /* back over a year end */
        { 2030, 1, 15, 2029, 10, 15, 2030, 4, 30 },
        { 2029, 1, 31, 2028, 10, 31, 2029, 4, 30 },
        { 2029, 11, 30, 2029, 8, 30, 2030, 2, 28 },
        { 2100, 5, 31, 2100, 2, 28, 2100, 8, 31 },  /* 2100 is not a leap year */
        { 2000, 5, 31, 2000, 2, 29, 2000, 8, 31 },  /* 2000 is */
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct month_case *c = &cases[i];
        struct reminder r = judge(cert_end(c->ey, c->em, c->ed),
                                  jst(2025, 1, 1, 0, 0, 0));

        assert_day(r.expiry, c->ey, c->em, c->ed);
        assert_day(r.renew_from, c->ry, c->rm, c->rd);
        assert_day(r.grace_until, c->gy, c->gm, c->gd);
    }
}

/* Born on 29 February: the certificate ends on 28 February, or on
 * 29 February in a leap year. */
static void test_leap_day_birthday(void **state)
{
    (void)state;
    struct reminder r = judge(cert_end(2029, 2, 28), jst(2029, 2, 1, 9, 0, 0));

    assert_int_equal(r.status, CERT_RENEWAL_OPEN);
    assert_day(r.expiry, 2029, 2, 28);
    assert_day(r.renew_from, 2028, 11, 28);
    assert_day(r.grace_until, 2029, 5, 31);
    assert_int_equal(r.days_left, 27);

    r = judge(cert_end(2028, 2, 29), jst(2028, 2, 29, 23, 59, 59));
    assert_int_equal(r.status, CERT_RENEWAL_OPEN);
    assert_day(r.expiry, 2028, 2, 29);
    assert_day(r.renew_from, 2027, 11, 29);
    assert_day(r.grace_until, 2028, 5, 31);
    assert_int_equal(r.days_left, 0);

    r = judge(cert_end(2028, 2, 29), jst(2028, 3, 1, 0, 0, 0));
    assert_int_equal(r.status, CERT_GRACE);
    assert_int_equal(r.days_left, -1);
}

/* Expiry late in the year: the grace period runs into the next year. */
static void test_grace_across_year_end(void **state)
{
    (void)state;
    struct reminder r = judge(cert_end(2029, 11, 20), jst(2029, 12, 25, 10, 0, 0));

    assert_int_equal(r.status, CERT_GRACE);
    assert_day(r.grace_until, 2030, 2, 28);
    assert_int_equal(r.days_left, -35);

    r = judge(cert_end(2029, 11, 20), jst(2030, 2, 28, 23, 59, 59));
    assert_int_equal(r.status, CERT_GRACE);
    r = judge(cert_end(2029, 11, 20), jst(2030, 3, 1, 0, 0, 0));
    assert_int_equal(r.status, CERT_LAPSED);

    r = judge(cert_end(2031, 11, 30), jst(2032, 1, 1, 0, 0, 0));
    assert_day(r.grace_until, 2032, 2, 29);
    r = judge(cert_end(2029, 12, 5), jst(2030, 1, 1, 0, 0, 0));
    assert_day(r.grace_until, 2030, 3, 31);
    r = judge(cert_end(2029, 10, 10), jst(2030, 1, 31, 23, 0, 0));
    assert_day(r.grace_until, 2030, 1, 31);
    assert_int_equal(r.status, CERT_GRACE);
}

static void assert_same(const struct reminder *a, const struct reminder *b)
{
    assert_int_equal(a->status, b->status);
    assert_day(a->today, b->today.y, b->today.m, b->today.d);
    assert_day(a->expiry, b->expiry.y, b->expiry.m, b->expiry.d);
    assert_day(a->renew_from, b->renew_from.y, b->renew_from.m, b->renew_from.d);
    assert_day(a->grace_until, b->grace_until.y, b->grace_until.m, b->grace_until.d);
    assert_int_equal(a->days_left, b->days_left);
}

/* Moments chosen where a local-time bug shows: near Japan midnight, which
 * is mid-afternoon UTC and morning in New York, and around New York's DST
 * changes. */
static void judge_all(struct reminder *out, size_t n)
{
    static const int moments[][6] = {
        { 2029, 11, 17, 0, 0, 0 },   { 2029, 11, 16, 23, 59, 59 },
        { 2030, 2, 17, 23, 59, 59 }, { 2030, 2, 18, 0, 0, 0 },
        { 2030, 3, 10, 16, 30, 0 },  { 2030, 5, 31, 23, 59, 59 },
        { 2030, 6, 1, 0, 0, 0 },     { 2029, 11, 4, 15, 0, 0 },
    };
    assert_int_equal(n, sizeof moments / sizeof moments[0]);
    for (size_t i = 0; i < n; i++) {
        const int *m = moments[i];
        reminder_compute(cert_end(2030, 2, 17), jst(m[0], m[1], m[2], m[3], m[4], m[5]),
                         &out[i]);
    }
}

/* The machine's time zone must not matter. */
static void test_machine_time_zone_is_ignored(void **state)
{
    (void)state;
    struct reminder in_utc[8], elsewhere[8];
    static const char *const zones[] = { "America/New_York", "Pacific/Kiritimati",
                                         "EST5EDT,M3.2.0,M11.1.0" };

    setenv("TZ", "UTC", 1);
    tzset();
    judge_all(in_utc, 8);
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        /* Make sure the zone took effect, or the test proves nothing. */
        time_t t = jst(2030, 1, 1, 0, 0, 0);
        struct tm local, utc;
        localtime_r(&t, &local);
        gmtime_r(&t, &utc);
        assert_int_not_equal(local.tm_hour, utc.tm_hour);

        judge_all(elsewhere, 8);
        for (size_t i = 0; i < 8; i++)
            assert_same(&elsewhere[i], &in_utc[i]);
    }
    unsetenv("TZ");
    tzset();
}

/* What to do follows from the status (rules.md): the certificate only at
 * the municipal office, the card online, at a photo booth or by mail;
 * renewal from 3 months before; no history shared in the grace period;
 * registration again once it has lapsed. */
static void test_advice_follows_the_status(void **state)
{
    (void)state;
    time_t end = cert_end(2030, 2, 17);
    static const struct {
        int y, m, d;
        enum cert_status status;
        bool renew_now, insurance_ok, history_shared, register_again;
    } cases[] = {
        { 2029, 11, 16, CERT_VALID, false, true, true, false },
        { 2029, 11, 17, CERT_RENEWAL_OPEN, true, true, true, false },
        { 2030, 2, 18, CERT_GRACE, true, true, false, false },
        { 2030, 6, 1, CERT_LAPSED, true, false, false, true },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct reminder r = judge(end, jst(cases[i].y, cases[i].m, cases[i].d,
                                           12, 0, 0));

        assert_int_equal(r.status, cases[i].status);
        assert_int_equal(r.renew_now, cases[i].renew_now);
        assert_int_equal(r.insurance_ok, cases[i].insurance_ok);
        assert_int_equal(r.history_shared, cases[i].history_shared);
        assert_int_equal(r.register_again, cases[i].register_again);
        assert_int_equal(r.cert_ways, RENEW_AT_OFFICE);
        assert_int_equal(r.card_ways,
                         RENEW_ONLINE | RENEW_PHOTO_BOOTH | RENEW_BY_MAIL);
        /* Without notBefore the card's own expiry is not known. */
        assert_int_equal(r.card_latest.y, 0);
        assert_false(r.card_known);
        assert_day(r.card_earliest, 2030, 2, 17);
    }
}

static struct reminder with_card(time_t not_before, time_t not_after)
{
    struct reminder r = judge(not_after, jst(2026, 1, 1, 0, 0, 0));

    reminder_card(not_before, not_after, &r);
    return r;
}

/* jpki.md's sample issued with the card: the card runs to the 10th
 * birthday, five years after the certificate. */
static void test_card_expiry_from_the_certificate(void **state)
{
    (void)state;
    struct reminder r = with_card(jst(2025, 10, 27, 10, 0, 0),
                                  cert_end(2030, 2, 17));

    assert_false(r.card_known);
    assert_day(r.card_earliest, 2030, 2, 17);
    assert_day(r.card_latest, 2035, 2, 17);
    /* Issued on the birthday itself: that day is not the 1st birthday. */
    r = with_card(jst(2025, 2, 17, 9, 0, 0), cert_end(2030, 2, 17));
    assert_false(r.card_known);
    assert_day(r.card_latest, 2035, 2, 17);
    /* ... nor would it matter if it were counted. */
    r = with_card(jst(2025, 2, 17, 9, 0, 0), cert_end(2029, 2, 17));
    assert_false(r.card_known);
    /* Issued the day after the birthday: the next one is a year on. */
    r = with_card(jst(2025, 2, 18, 9, 0, 0), cert_end(2030, 2, 17));
    assert_day(r.card_latest, 2035, 2, 17);
}

/* A certificate cut short of its 5th birthday ends with the card. */
static void test_certificate_cut_short_by_the_card(void **state)
{
    (void)state;
    struct reminder r = with_card(jst(2028, 6, 1, 10, 0, 0),
                                  cert_end(2031, 2, 17));

    assert_true(r.card_known);
    assert_day(r.card_latest, 2031, 2, 17);
    assert_day(r.card_earliest, 2031, 2, 17);
}

/* Born on 29 February: a certificate ending 28 February in a common year
 * may be a 29 February birthday, so the latest the card can end is 29
 * February when that year is a leap year, 28 February when it is not. */
static void test_card_expiry_leap_day_birthday(void **state)
{
    (void)state;
    struct reminder r = with_card(jst(2022, 3, 1, 10, 0, 0),
                                  cert_end(2027, 2, 28));

    assert_false(r.card_known);
    assert_day(r.card_latest, 2032, 2, 29);
    r = with_card(jst(2024, 3, 1, 10, 0, 0), cert_end(2029, 2, 28));
    assert_day(r.card_latest, 2034, 2, 28);
    /* A 29 February certificate in a leap year: 28 February when the
     * card's year is common. */
    r = with_card(jst(2023, 3, 1, 10, 0, 0), cert_end(2028, 2, 29));
    assert_false(r.card_known);
    assert_day(r.card_latest, 2033, 2, 28);
    /* Issued on 29 February itself, expiring on a leap day again. */
    r = with_card(jst(2024, 2, 29, 10, 0, 0), cert_end(2028, 2, 29));
    assert_false(r.card_known);
    assert_day(r.card_latest, 2034, 2, 28);
}

/* Month ends and Japan days at the edges: notBefore 15:00Z is already the
 * next day in Japan. */
static void test_card_expiry_in_japan_days(void **state)
{
    (void)state;
    struct tm tm = { .tm_year = 125, .tm_mon = 11, .tm_mday = 31,
                     .tm_hour = 15 }; /* 2025-12-31 15:00Z: 1 Jan in Japan */
    struct reminder r = with_card(timegm(&tm), cert_end(2030, 12, 31));

    /* Issued 2026-01-01 in Japan: 5th birthday 2030-12-31, 10th 2035. */
    assert_false(r.card_known);
    assert_day(r.card_latest, 2035, 12, 31);
    /* Had it been issued on 2025-12-31 in Japan the 5th birthday would
     * be 2030-12-31 too: an issue day that is a birthday may count. */
    tm.tm_hour = 14;
    r = with_card(timegm(&tm), cert_end(2030, 12, 31));
    assert_false(r.card_known);
    assert_day(r.card_latest, 2035, 12, 31);
    r = with_card(jst(2026, 1, 31, 10, 0, 0), cert_end(2029, 1, 31));
    assert_true(r.card_known); /* its 5th birthday would be 2031 */
    assert_day(r.card_latest, 2029, 1, 31);
}

/* Dates no JPKI certificate has (valid for decades) do not make the card
 * end before its certificate. */
static void test_card_never_before_its_certificate(void **state)
{
    (void)state;
    struct reminder r = with_card(jst(2000, 1, 1, 0, 0, 0),
                                  cert_end(2049, 12, 31));

    assert_day(r.card_latest, 2049, 12, 31);
    assert_day(r.card_earliest, 2049, 12, 31);
}

/* The grace period is for certificates that expire on or after
 * 2024-12-02 (rules.md); one that expired before then lapsed with it:
 * no grace, the card's insurance use ended on the day of expiry. */
static void test_grace_only_from_2024_12_02(void **state)
{
    (void)state;
    struct reminder r = judge(cert_end(2024, 12, 2), jst(2024, 12, 3, 0, 0, 0));

    assert_true(r.grace_period);
    assert_int_equal(r.status, CERT_GRACE);
    assert_true(r.insurance_ok);
    assert_day(r.grace_until, 2025, 3, 31);
    r = judge(cert_end(2024, 12, 2), jst(2025, 3, 31, 23, 59, 59));
    assert_int_equal(r.status, CERT_GRACE);

    time_t end = cert_end(2024, 12, 1);
    r = judge(end, end);
    assert_false(r.grace_period);
    assert_int_equal(r.status, CERT_RENEWAL_OPEN); /* valid to the second */
    r = judge(end, end + 1);
    assert_int_equal(r.status, CERT_LAPSED);
    assert_false(r.insurance_ok);
    assert_true(r.register_again);
    assert_int_equal(r.days_left, -1);
    r = judge(cert_end(2019, 6, 30), jst(2019, 7, 1, 12, 0, 0));
    assert_false(r.grace_period);
    assert_int_equal(r.status, CERT_LAPSED);

    /* The screen's sentence gives the day insurance use really ended. */
    enum ui_role role;
    char *said = reminder_headline(&r, &role);
    assert_non_null(said);
    assert_non_null(strstr(said, "expired on 2019-06-30, and its use as a "
                                 "health insurance card ended on 2019-06-30."));
    free(said);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_certificate),
        cmocka_unit_test(test_japan_days_not_utc_days),
        cmocka_unit_test(test_renewal_opens_three_months_before),
        cmocka_unit_test(test_expiry_to_the_second),
        cmocka_unit_test(test_grace_ends_with_its_last_japan_day),
        cmocka_unit_test(test_month_ends_and_leap_years),
        cmocka_unit_test(test_leap_day_birthday),
        cmocka_unit_test(test_grace_across_year_end),
        cmocka_unit_test(test_machine_time_zone_is_ignored),
        cmocka_unit_test(test_advice_follows_the_status),
        cmocka_unit_test(test_card_expiry_from_the_certificate),
        cmocka_unit_test(test_certificate_cut_short_by_the_card),
        cmocka_unit_test(test_card_expiry_leap_day_birthday),
        cmocka_unit_test(test_card_expiry_in_japan_days),
        cmocka_unit_test(test_card_never_before_its_certificate),
        cmocka_unit_test(test_grace_only_from_2024_12_02),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
