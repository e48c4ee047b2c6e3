/*
 * test_layout.c - text wrapping by display width (screens/layout.c).
 */
#include "tests/test.h"

#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "screens/layout.h"

#define MAXL 128

/* Wrap s and check what every result must hold: no line wider than w,
 * each line's width measured right, lines in order inside s. */
static int wrap_checked(const char *s, int w, struct layout_line *l)
{
    int n = layout_wrap(s, w, l, MAXL);

    assert_in_range(n, 0, MAXL);
    for (int i = 0; i < n; i++) {
        assert_true(l[i].width <= w);
        assert_int_equal(l[i].width, layout_width_n(s + l[i].start, l[i].len));
        assert_true(l[i].start + l[i].len <= strlen(s));
        if (i > 0)
            assert_true(l[i].start >= l[i - 1].start + l[i - 1].len);
    }
    return n;
}

static void assert_line(const char *s, const struct layout_line *l,
                        const char *want)
{
    assert_int_equal(l->len, strlen(want));
    assert_memory_equal(s + l->start, want, l->len);
}

/* The lines joined again, without what was dropped at the breaks. */
static void joined(const char *s, const struct layout_line *l, int n,
                   char *out, size_t cap)
{
    size_t k = 0;

    for (int i = 0; i < n; i++) {
        assert_true(k + l[i].len < cap);
        memcpy(out + k, s + l[i].start, l[i].len);
        k += l[i].len;
    }
    out[k] = '\0';
}

static const char ja[] =
    "マイナンバーカードを、健康保険証として使えるように登録します。"
    "暗証番号は「数字4桁」です。まちがえた回数は、ほかの場所で入力した分も"
    "合わせて数えられます。ご注意ください。";

static void test_widths(void **state)
{
    (void)state;
    assert_int_equal(layout_width("かな"), 4);
    assert_int_equal(layout_width("漢字"), 4);
    assert_int_equal(layout_width("カナ"), 4);
    assert_int_equal(layout_width("abc"), 3);
    assert_int_equal(layout_width("PIN 暗証番号"), 12);
    assert_int_equal(layout_width(""), 0);
    assert_int_equal(layout_width_n("漢字", 3), 2);
}

static void test_japanese_within_width(void **state)
{
    struct layout_line l[MAXL];
    char back[sizeof ja];

    (void)state;
    for (int w = 2; w <= 80; w++) {
        int n = wrap_checked(ja, w, l);

        assert_true(n >= 1);
        /* Japanese has no spaces to drop: the lines give the text back. */
        joined(ja, l, n, back, sizeof back);
        assert_string_equal(back, ja);
    }
}

static bool starts_with(const char *s, const struct layout_line *l,
                        const char *prefix)
{
    size_t k = strlen(prefix);

    return l->len >= k && memcmp(s + l->start, prefix, k) == 0;
}

static void test_no_line_starts_with_closing(void **state)
{
    static const char *const closing[] = {"。", "、", "」", "ー", "っ"};
    struct layout_line l[MAXL];

    (void)state;
    for (int w = 4; w <= 40; w++) {
        int n = wrap_checked(ja, w, l);

        for (int i = 1; i < n; i++)
            for (size_t c = 0; c < sizeof closing / sizeof *closing; c++)
                assert_false(starts_with(ja, &l[i], closing[c]));
    }
}

static void test_kuten_stays_with_its_word(void **state)
{
    static const char s[] = "あいう。えお";
    struct layout_line l[MAXL];

    (void)state;
    /* う fills the line, 。 may not start the next: う goes down with it. */
    int n = wrap_checked(s, 6, l);
    assert_int_equal(n, 3);
    assert_line(s, &l[0], "あい");
    assert_line(s, &l[1], "う。え");
    assert_line(s, &l[2], "お");
}

static void test_english_breaks_at_spaces(void **state)
{
    static const char s[] = "the quick brown fox jumps";
    struct layout_line l[MAXL];

    (void)state;
    int n = wrap_checked(s, 10, l);
    assert_int_equal(n, 3);
    assert_line(s, &l[0], "the quick");
    assert_line(s, &l[1], "brown fox");
    assert_line(s, &l[2], "jumps");
    assert_int_equal(l[0].width, 9);
    /* libunistring counts the space a line breaks after: at 9 columns
     * "the quick " no longer fits, and no line is ever wider. */
    n = wrap_checked(s, 9, l);
    assert_line(s, &l[0], "the");
    assert_line(s, &l[1], "quick");
}

static void test_mixed(void **state)
{
    static const char s[] = "PINは4桁の数字です。Enter the 4-digit PIN.";
    struct layout_line l[MAXL];

    (void)state;
    for (int w = 6; w <= 50; w++) {
        int n = wrap_checked(s, w, l);

        for (int i = 0; i < n; i++) {
            /* English words are never cut where they fit. */
            assert_false(starts_with(s, &l[i], "nter"));
            assert_false(starts_with(s, &l[i], "IN."));
        }
    }
    int n = wrap_checked(s, 24, l);
    assert_int_equal(n, 2);
    assert_line(s, &l[0], "PINは4桁の数字です。");
    assert_line(s, &l[1], "Enter the 4-digit PIN.");
}

static void test_explicit_newline(void **state)
{
    struct layout_line l[MAXL];

    (void)state;
    int n = wrap_checked("ab\ncd", 40, l);
    assert_int_equal(n, 2);
    assert_line("ab\ncd", &l[0], "ab");
    assert_line("ab\ncd", &l[1], "cd");

    n = wrap_checked("a\n\nb", 40, l);
    assert_int_equal(n, 3);
    assert_int_equal(l[1].len, 0);
    assert_int_equal(l[1].width, 0);

    assert_int_equal(wrap_checked("a\n", 40, l), 1);
    assert_int_equal(wrap_checked("\n", 40, l), 1);
    assert_int_equal(wrap_checked("一行目\r\n二行目", 40, l), 2);
    assert_line("一行目\r\n二行目", &l[1], "二行目");
}

static void test_long_word(void **state)
{
    static const char s[] = "abcdefghijkl";
    struct layout_line l[MAXL];

    (void)state;
    int n = wrap_checked(s, 5, l);
    assert_int_equal(n, 3);
    assert_line(s, &l[0], "abcde");
    assert_line(s, &l[1], "fghij");
    assert_line(s, &l[2], "kl");
    /* A kanji wider than the line still makes progress, one a line. */
    assert_int_equal(layout_wrap("漢字", 1, l, MAXL), 2);
}

static void test_empty(void **state)
{
    struct layout_line l[MAXL];

    (void)state;
    assert_int_equal(layout_wrap("", 10, l, MAXL), 0);
    assert_int_equal(layout_wrap("", 10, NULL, 0), 0);
}

static void test_overflow_is_reported(void **state)
{
    struct layout_line l[3];

    (void)state;
    memset(l, 0x5a, sizeof l);
    /* Measure only, then fill fewer lines than needed. */
    int need = layout_wrap(ja, 10, NULL, 0);
    assert_true(need > 2);
    assert_int_equal(layout_wrap(ja, 10, l, 2), need);
    assert_int_equal(l[0].start, 0);
    unsigned char canary[sizeof l[2]];
    memset(canary, 0x5a, sizeof canary);
    assert_memory_equal(&l[2], canary, sizeof canary);
}

static void test_fit(void **state)
{
    static const char s[] = "漢字abc";
    int used;

    (void)state;
    assert_int_equal(layout_fit(s, strlen(s), 3, &used), 3);
    assert_int_equal(used, 2);
    assert_int_equal(layout_fit(s, strlen(s), 4, &used), 6);
    assert_int_equal(layout_fit(s, strlen(s), 5, &used), 7);
    assert_int_equal(used, 5);
    assert_int_equal(layout_fit(s, strlen(s), 0, NULL), 0);
    assert_int_equal(layout_fit(s, strlen(s), 99, &used), strlen(s));
    /* A combining mark stays with its base: "か" + U+3099 is one cell. */
    assert_int_equal(layout_fit("か\xe3\x82\x99x", 7, 2, &used), 6);
}

int main(void)
{
    /* Widths and breaks need a UTF-8 locale (plain "C" is ASCII). */
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_widths),
        cmocka_unit_test(test_japanese_within_width),
        cmocka_unit_test(test_no_line_starts_with_closing),
        cmocka_unit_test(test_kuten_stays_with_its_word),
        cmocka_unit_test(test_english_breaks_at_spaces),
        cmocka_unit_test(test_mixed),
        cmocka_unit_test(test_explicit_newline),
        cmocka_unit_test(test_long_word),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_overflow_is_reported),
        cmocka_unit_test(test_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
