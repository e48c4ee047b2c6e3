/*
 * test_text_widths.c - every character the kiosk shows has one width
 * everywhere.
 *
 * 1. No East Asian Ambiguous character (EastAsianWidth.txt, "A") in the
 *    catalogues or the screen code: a CJK font draws them two columns wide
 *    where the terminal counts one, and the frame breaks. Letters are the
 *    exception: the accented letters of Spanish, Portuguese and Vietnamese
 *    (é, ó, đ) are "A" too, and every font draws them in one column; the
 *    symbols and punctuation (○ ● → × ※ “ ” … ¿) are what breaks screens.
 * 2. The layout's widths (libunistring) and the terminal's (glibc's
 *    wcwidth, which ncurses uses) agree for every character in them.
 * 3. Thai and Devanagari combining marks take no column and stay with
 *    their base; CJK and Hangul take two.
 *
 * The Unicode data comes from Debian's unicode-data package. Run from the
 * top of the source tree (make does).
 */
#include "tests/test.h"

#include <glob.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <unictype.h>
#include <unistr.h>
#include <uniwidth.h>

#include "screens/layout.h"

#define EAW_FILE "/usr/share/unicode/EastAsianWidth.txt"
#define NCHARS 0x110000

static unsigned char ambiguous[NCHARS / 8];

static bool is_ambiguous(ucs4_t c)
{
    return c < NCHARS && (ambiguous[c / 8] >> (c % 8)) & 1;
}

/* Lines "XXXX;A" and "XXXX..YYYY;A" of EastAsianWidth.txt. */
static void load_ambiguous(void)
{
    FILE *f = fopen(EAW_FILE, "r");
    char line[512];
    int ranges = 0;

    if (!f)
        fail_msg("%s: missing (Debian package unicode-data)", EAW_FILE);
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        char prop[4];

        if (sscanf(line, "%lx..%lx ;%3[A-Za-z]", &lo, &hi, prop) != 3 &&
            sscanf(line, "%lx..%lx;%3[A-Za-z]", &lo, &hi, prop) != 3) {
            if (sscanf(line, "%lx ;%3[A-Za-z]", &lo, prop) != 2 &&
                sscanf(line, "%lx;%3[A-Za-z]", &lo, prop) != 2)
                continue;
            hi = lo;
        }
        if (strcmp(prop, "A") != 0 || hi >= NCHARS)
            continue;
        for (unsigned long c = lo; c <= hi; c++)
            ambiguous[c / 8] |= (unsigned char)(1u << (c % 8));
        ranges++;
    }
    fclose(f);
    assert_true(ranges > 100);
    assert_true(is_ambiguous(0x25CB)); /* ○ */
    assert_false(is_ambiguous(0x3042)); /* あ */
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    buf = malloc(*n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, *n, f), *n);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

typedef int check_fn(const char *path, int line, ucs4_t c);

/* Run check on every character outside ASCII of every file matching the
 * patterns; returns the number of problems. */
static int scan(const char *const *patterns, int npat, check_fn *check)
{
    int problems = 0, files = 0;

    for (int p = 0; p < npat; p++) {
        glob_t g;

        if (glob(patterns[p], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            size_t n, off = 0;
            char *text = slurp(g.gl_pathv[i], &n);
            int line = 1;

            files++;
            if (u8_check((const uint8_t *)text, n) != NULL) {
                print_message("%s: not UTF-8\n", g.gl_pathv[i]);
                problems++;
            }
            while (off < n) {
                ucs4_t c;
                int len = u8_mbtouc(&c, (const uint8_t *)text + off, n - off);

                line += c == '\n';
                if (c >= 0x80)
                    problems += check(g.gl_pathv[i], line, c);
                off += (size_t)(len > 0 ? len : 1);
            }
            free(text);
        }
        globfree(&g);
    }
    assert_true(files > 10);
    return problems;
}

static int check_ambiguous(const char *path, int line, ucs4_t c)
{
    if (!is_ambiguous(c) || uc_is_general_category(c, UC_LETTER))
        return 0;
    print_message("%s:%d: U+%04X is East Asian Ambiguous\n", path, line,
                  (unsigned)c);
    return 1;
}

static int check_same_width(const char *path, int line, ucs4_t c)
{
    int ours = uc_width(c, "UTF-8"), terminal = wcwidth((wchar_t)c);

    if (ours < 0)
        ours = 0;
    if (terminal < 0)
        terminal = 0;
    if (ours == terminal)
        return 0;
    print_message("%s:%d: U+%04X is %d columns to the layout, %d to the "
                  "terminal\n", path, line, (unsigned)c, ours, terminal);
    return 1;
}

static const char *const shown[] = {
    "locale/*.po", "kiosk/*.c", "kiosk/*.h", "screens/*.c", "screens/*.h",
};
#define NSHOWN (int)(sizeof shown / sizeof *shown)

static void test_no_ambiguous_characters(void **state)
{
    (void)state;
    load_ambiguous();
    int problems = scan(shown, NSHOWN, check_ambiguous);
    if (problems)
        fail_msg("%d East Asian Ambiguous characters (listed above)",
                 problems);
}

static void test_layout_and_terminal_agree(void **state)
{
    (void)state;
    assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
    int problems = scan(shown, NSHOWN, check_same_width);
    if (problems)
        fail_msg("%d characters of two widths (listed above)", problems);
}

static void test_scripts_measure_right(void **state)
{
    const char *thai = "ที่นี่";     /* 6 characters, 4 of them marks */
    /* न े प ा ल ी: the sign े (Mn) takes no column; the vowel signs ा ी
     * (Mc, spacing) take one each, in the layout as in the terminal */
    const char *nepali = "नेपाली";
    int used;

    (void)state;
    assert_int_equal(layout_width(thai), 2);
    assert_int_equal(layout_width("ภาษาไทย"), 7);
    assert_int_equal(layout_width(nepali), 5);
    assert_int_equal(layout_width("한국어"), 6);
    assert_int_equal(layout_width("繁體中文"), 8);
    assert_int_equal(layout_width("Tiếng Việt"), 10);
    /* a cut never leaves a mark without its base */
    assert_int_equal(layout_fit(thai, strlen(thai), 1, &used),
                     strlen("ที่"));
    assert_int_equal(used, 1);
    assert_int_equal(layout_fit(thai, strlen(thai), 2, &used),
                     strlen(thai));
    /* a line of Thai breaks at the spaces between its phrases */
    struct layout_line l[4];
    assert_int_equal(layout_wrap("กรุณาใส่บัตร ที่เครื่องอ่านบัตร", 16, l, 4), 2);
    assert_int_equal(l[0].width, 9); /* 12 characters, 3 of them marks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_ambiguous_characters),
        cmocka_unit_test(test_layout_and_terminal_agree),
        cmocka_unit_test(test_scripts_measure_right),
    };
    return cmocka_run_group_tests_name("text widths", tests, NULL, NULL);
}
