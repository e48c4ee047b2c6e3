/*
 * test_qrcode.c - the QR codes the kiosk makes, read back by zbarimg.
 *
 * kiosk/qrcode.c's modules are turned into an image here (each module a
 * square of pixels, the quiet zone as qrcode_dark() reports it) and
 * decoded by the real decoder: the text must come back byte for byte.
 */
#include "tests/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/qrcode.h"
#include "tests/zbar.h"

#define URL_PORTAL "https://myna.go.jp/"
#define URL_CARD "https://www.kojinbango-card.go.jp/"
#define URL_INSURANCE "https://www.gov-online.go.jp/article/202407/entry-6238.html"

/* The code with its quiet zone, one pixel per module. */
static struct grey image_of(const struct qrcode *q)
{
    int side = q->size + 2 * QR_QUIET;
    struct grey g = { side, side, malloc((size_t)side * (size_t)side) };

    assert_non_null(g.px);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
            g.px[y * side + x] =
                qrcode_dark(q, x - QR_QUIET, y - QR_QUIET) ? 0 : 255;
    return g;
}

static void assert_round_trip(const char *text)
{
    struct qrcode q;
    char got[1024];

    assert_int_equal(qrcode_make(text, QR_MAX_VERSION, &q), 0);
    struct grey g = image_of(&q);
    /* No margin of our own: the quiet zone must be enough. */
    assert_int_equal(zbar_decode(&g, 4, 0, got, sizeof got), 1);
    got[strcspn(got, "\n")] = '\0';
    assert_string_equal(got, text);
    free(g.px);
    qrcode_free(&q);
}

static void test_default_urls_read_back(void **state)
{
    (void)state;
    assert_round_trip(URL_PORTAL);
    assert_round_trip(URL_CARD);
    assert_round_trip(URL_INSURANCE);
    assert_round_trip("https://example.jp/MixedCase/Path?q=1&r=%7E");
}

/* The longest default (59 bytes) fits version 4 (33 modules): 41 columns
 * by 21 rows on screen, the most 80x24 has room for. */
static void test_sizes(void **state)
{
    (void)state;
    struct qrcode q;

    assert_int_equal(qrcode_make(URL_INSURANCE, QR_MAX_VERSION, &q), 0);
    assert_int_equal(q.size, 33);
    qrcode_free(&q);
    assert_int_equal(qrcode_make(URL_PORTAL, QR_MAX_VERSION, &q), 0);
    assert_true(q.size <= 25);
    qrcode_free(&q);
    assert_int_equal(q.size, 0);
    qrcode_free(&q); /* twice is fine */
}

static void test_limits(void **state)
{
    (void)state;
    char text[300];
    struct qrcode q;

    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    assert_int_equal(qrcode_make(text, QR_MAX_VERSION, &q), -1);
    assert_null(q.dark);
    assert_false(qrcode_fits(text, QR_MAX_VERSION));
    text[62] = '\0'; /* 62 bytes always fit version 4 at level M */
    assert_true(qrcode_fits(text, QR_MAX_VERSION));
    assert_int_equal(qrcode_make("", QR_MAX_VERSION, &q), -1);
    assert_false(qrcode_fits(NULL, QR_MAX_VERSION));
}

/* Outside the code is light: that is the quiet zone every drawing adds. */
static void test_quiet_zone_is_light(void **state)
{
    (void)state;
    struct qrcode q;

    assert_int_equal(qrcode_make(URL_CARD, QR_MAX_VERSION, &q), 0);
    assert_true(qrcode_dark(&q, 0, 0)); /* a finder pattern's corner */
    for (int i = -QR_QUIET; i < q.size + QR_QUIET; i++) {
        assert_false(qrcode_dark(&q, i, -1));
        assert_false(qrcode_dark(&q, -1, i));
        assert_false(qrcode_dark(&q, i, q.size));
        assert_false(qrcode_dark(&q, q.size, i));
    }
    qrcode_free(&q);
}

/* The test can fail: a damaged code does not read back. */
static void test_damaged_code_does_not_read(void **state)
{
    (void)state;
    struct qrcode q;
    char got[256];

    assert_int_equal(qrcode_make(URL_CARD, QR_MAX_VERSION, &q), 0);
    for (int y = 0; y < q.size; y++) /* wipe the middle third */
        for (int x = q.size / 3; x < 2 * q.size / 3; x++)
            q.dark[y * q.size + x] = 0;
    struct grey g = image_of(&q);
    assert_int_equal(zbar_decode(&g, 4, 0, got, sizeof got), 0);
    free(g.px);
    qrcode_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_urls_read_back),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_quiet_zone_is_light),
        cmocka_unit_test(test_damaged_code_does_not_read),
    };
    return cmocka_run_group_tests_name("qrcode", tests, NULL, NULL);
}
