/*
 * test_secret.c - the buffers for the PIN and the staff code.
 */
#include "tests/test.h"

#include <string.h>

#include "kiosk/pinbuf.h"
#include "kiosk/secret.h"

static void test_push_pop_take(void **state)
{
    struct secret *s = secret_new(4);
    char out[4];

    (void)state;
    assert_non_null(s);
    for (int d = 1; d <= 6; d++)
        secret_push(s, d); /* the fifth and sixth are ignored */
    secret_pop(s);
    secret_push(s, 9);
    secret_push(s, -1); /* not a digit */
    assert_int_equal(secret_take(s, out, sizeof out), 4);
    assert_memory_equal(out, "1239", 4);
    assert_int_equal(secret_take(s, out, sizeof out), 0); /* wiped */
    secret_free(s);
}

static void test_too_small_a_copy_gets_nothing(void **state)
{
    struct secret *s = secret_new(8);
    char out[2] = { 'x', 'x' };

    (void)state;
    for (int d = 0; d < 5; d++)
        secret_push(s, d);
    assert_int_equal(secret_take(s, out, sizeof out), 0);
    assert_memory_equal(out, "xx", 2); /* nothing half copied */
    secret_free(s);
}

static void test_null_is_harmless(void **state)
{
    char out[4];

    (void)state;
    secret_push(NULL, 1);
    secret_pop(NULL);
    secret_clear(NULL);
    assert_int_equal(secret_take(NULL, out, sizeof out), 0);
    secret_free(NULL);
}

static void test_pin_buffer(void **state)
{
    char pin[PIN_DIGITS];

    (void)state;
    assert_int_equal(pinbuf_init(), 0);
    pinbuf_push(1);
    pinbuf_push(2);
    pinbuf_clear();
    pinbuf_push(3);
    pinbuf_push(4);
    pinbuf_pop();
    pinbuf_push(5);
    assert_int_equal(pinbuf_take(pin), 2);
    assert_memory_equal(pin, "35", 2);
    assert_int_equal(pinbuf_take(pin), 0);
    pinbuf_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_pop_take),
        cmocka_unit_test(test_too_small_a_copy_gets_nothing),
        cmocka_unit_test(test_null_is_harmless),
        cmocka_unit_test(test_pin_buffer),
    };
    return cmocka_run_group_tests_name("secret", tests, NULL, NULL);
}
