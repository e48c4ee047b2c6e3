/*
 * test_screens_fit.c - every screen, in every language, fits 80x24.
 *
 * Each screen is drawn by the real screens and ncurses (wide-character
 * build) on a pseudo-terminal of 80x24, from views the real flow makes:
 * every state, in each of the variants that change its words (PIN tries,
 * last try, locked, the four certificate states, each failure, the alarm,
 * with and without a card, each page), each greeting on the attract
 * screen, in each of the 13 languages and in the plain-ASCII English of a
 * terminal that is not UTF-8, with the demo's two-row footer. Then the
 * cells ncurses holds are read back, and the test fails when
 *   - some text did not fit and was cut (the screens' overflow flag),
 *   - the frame, the title bar's rule or the footer's rule was written
 *     over (text ran off the body, or off the screen and wrapped),
 *   - the title or a button's label is not whole on screen (cut by the
 *     edge or written over by other text), or a button is missing,
 *   - in ASCII mode, any cell holds a character outside ASCII.
 * A failure prints the screen as drawn.
 */
#include "tests/test.h"

#include <curses.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "kiosk/flow.h"
#include "kiosk/i18n.h"
#include "kiosk/reminder.h"
#include "screens/screen.h"
#include "screens/ui.h"

#define ROWS 24
#define COLS_ 80
#define DAY (24 * 3600)

static int master = -1;
static pthread_t drainer;
static SCREEN *scr;
static FILE *term_out, *term_in;

/* Read and drop what ncurses sends the terminal, so it never blocks. */
static void *drain(void *arg)
{
    char buf[4096];
    (void)arg;
    while (read(master, buf, sizeof buf) > 0)
        ;
    return NULL;
}

static void locale_beside_build(void)
{
    char exe[PATH_MAX], dir[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    assert_true(n > 0);
    exe[n] = '\0';
    /* BUILD/tests/test_screens_fit -> BUILD/locale */
    snprintf(dir, sizeof dir, "%s/locale", dirname(dirname(exe)));
    setenv("KIOSK_LOCALEDIR", dir, 1);
}

static int setup(void **state)
{
    struct winsize ws = { .ws_row = ROWS, .ws_col = COLS_ };
    int slave;

    (void)state;
    locale_beside_build();
    i18n_init("test");
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master))
        return -1;
    slave = open(ptsname(master), O_RDWR | O_NOCTTY);
    if (slave < 0 || ioctl(slave, TIOCSWINSZ, &ws) != 0)
        return -1;
    pthread_create(&drainer, NULL, drain, NULL);
    term_out = fdopen(slave, "w");
    term_in = fdopen(dup(slave), "r");
    setenv("TERM", "xterm-256color", 1);
    unsetenv("LINES");
    unsetenv("COLUMNS");
    scr = newterm("xterm-256color", term_out, term_in);
    if (!scr)
        return -1;
    screens_init();
    return LINES == ROWS && COLS == COLS_ ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    endwin();
    delscreen(scr);
    fclose(term_out);
    fclose(term_in);
    close(master);
    pthread_join(drainer, NULL);
    return 0;
}

/* ---- reading the screen back ---- */

/* Row y as UTF-8, combining marks included, one entry per cell. */
static void row_text(int y, char *out, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    for (int x = 0; x < COLS; x++) {
        cchar_t cc;
        wchar_t wch[CCHARW_MAX + 1] = { 0 };
        attr_t a;
        short pair;
        char mb[64];

        if (mvin_wch(y, x, &cc) == ERR || getcchar(&cc, wch, &a, &pair, NULL) == ERR)
            continue;
        if (a & A_ALTCHARSET) {
            snprintf(mb, sizeof mb, "#");
        } else {
            size_t k = wcstombs(mb, wch, sizeof mb - 1);
            if (k == (size_t)-1)
                snprintf(mb, sizeof mb, "?");
        }
        if (used + strlen(mb) + 1 < n) {
            memcpy(out + used, mb, strlen(mb) + 1);
            used += strlen(mb);
        }
        if (wcwidth(wch[0]) == 2)
            x++; /* the right half of a wide character */
    }
}

static void dump(const char *what)
{
    char row[1024];

    print_message("--- %s ---\n", what);
    for (int y = 0; y < LINES; y++) {
        row_text(y, row, sizeof row);
        print_message("%s\n", row);
    }
}

static bool cell_is(int y, int x, chtype want)
{
    chtype got = mvinch(y, x);
    chtype mask = A_CHARTEXT | A_ALTCHARSET;

    return (got & mask) == (want & mask);
}

static bool frame_intact(bool ascii, int footer_sep)
{
    chtype h = ascii ? '-' : ACS_HLINE, v = ascii ? '|' : ACS_VLINE;
    chtype c[4] = { ascii ? '+' : ACS_ULCORNER, ascii ? '+' : ACS_URCORNER,
                    ascii ? '+' : ACS_LLCORNER, ascii ? '+' : ACS_LRCORNER };
    const int seps[] = { 0, 2, footer_sep, LINES - 1 };

    if (!cell_is(0, 0, c[0]) || !cell_is(0, COLS - 1, c[1]) ||
        !cell_is(LINES - 1, 0, c[2]) || !cell_is(LINES - 1, COLS - 1, c[3]))
        return false;
    for (size_t s = 0; s < sizeof seps / sizeof *seps; s++)
        for (int x = 1; x < COLS - 1; x++)
            if (!cell_is(seps[s], x, h))
                return false;
    for (int y = 1; y < LINES - 1; y++)
        if (y != 2 && y != footer_sep &&
            (!cell_is(y, 0, v) || !cell_is(y, COLS - 1, v)))
            return false;
    return true;
}

static bool all_ascii(void)
{
    char row[1024];

    for (int y = 0; y < LINES; y++) {
        row_text(y, row, sizeof row);
        for (const char *p = row; *p; p++)
            if ((unsigned char)*p >= 0x80)
                return false;
    }
    return true;
}

/* The words of a button's label as on screen: the cells of its hit. */
static bool label_whole(const struct hit *h)
{
    char row[1024];
    const char *label = ui_label(&h->b);

    row_text(h->y, row, sizeof row);
    return *label == '\0' || strstr(row, label) != NULL;
}

static bool title_whole(const struct hitmap *hits)
{
    char row[1024], title[512];
    size_t n = strcspn(hits->words, "\n");

    if (n == 0 || n >= sizeof title)
        return true;
    memcpy(title, hits->words, n);
    title[n] = '\0';
    row_text(1, row, sizeof row);
    return strstr(row, title) != NULL;
}

/* Every button the view offers is on screen somewhere. */
static bool all_buttons_drawn(const struct view *v, const struct hitmap *hits)
{
    for (int i = 0; i < v->nbuttons; i++) {
        bool found = false;

        for (int k = 0; k < hits->n && !found; k++)
            found = hits->hit[k].b.act == v->buttons[i].act &&
                    hits->hit[k].b.arg == v->buttons[i].arg &&
                    hits->hit[k].b.key == v->buttons[i].key;
        if (!found)
            return false;
    }
    return true;
}

/* ---- the screens ---- */

struct run {
    int screens;
    int failures;
};

static void check(struct run *run, const struct view *v, const char *what,
                  bool ascii)
{
    struct ui_extra x = { .demo = true, .clock = "12:34" };
    struct hitmap hits;
    const char *why = NULL;

    memset(&hits, 0, sizeof hits);
    screens_draw(v, &x, &hits);
    refresh();
    run->screens++;
    if (hits.overflow)
        why = "text cut (overflow)";
    else if (!frame_intact(ascii, LINES - 4))
        why = "the frame was written over";
    else if (!title_whole(&hits))
        why = "the title is not whole";
    else if (ascii && !all_ascii())
        why = "a character outside ASCII";
    else if (!all_buttons_drawn(v, &hits))
        why = "a button is missing (no room for it)";
    for (int i = 0; !why && i < hits.n; i++)
        if (!label_whole(&hits.hit[i]))
            why = "a button's label is not whole";
    if (why) {
        char head[256];
        snprintf(head, sizeof head, "%s: %s", what, why);
        dump(head);
        run->failures++;
    }
}

enum variant {
    V_PLAIN, V_NO_CARD, V_PIN_WRONG, V_LAST_TRY, V_LAST_TRY_ACK, V_BUSY,
    V_LOCKED, V_REGISTERED, V_RENEWAL, V_GRACE, V_LAPSED, V_FAIL_FOREIGN,
    V_FAIL_UNREADABLE, V_FAIL_CARD, V_FAIL_UNTRUSTED, V_FAIL_RECORD,
    V_ALARM, V_FROM_MENU, V_PAGE_1, V_PAGE_2, V_TOPIC_LIST, V_TOPIC_LAST,
    V_COUNT
};

static const char *const variant_name[V_COUNT] = {
    "plain", "no card", "wrong PIN", "last try", "last try, go", "busy",
    "locked", "registered", "renewal open", "grace", "lapsed", "foreign",
    "unreadable", "card trouble", "untrusted", "not recorded", "alarm",
    "from menu", "page 1", "page 2", "topic list", "last topic",
};

static void certificate(struct flow *f, time_t now, long days)
{
    reminder_compute(now + days * DAY, now, &f->card.rem);
}

static void apply(struct flow *f, enum variant va, time_t now)
{
    const enum failure fails[] = { FAIL_FOREIGN, FAIL_UNREADABLE, FAIL_CARD,
                                   FAIL_UNTRUSTED, FAIL_RECORD };
    switch (va) {
    case V_NO_CARD: f->card_in = false; break;
    case V_PIN_WRONG: f->pin_wrong = true; f->card.tries_left = 2;
                      f->pin_len = 2; break;
    case V_LAST_TRY: f->card.tries_left = 1; break;
    case V_LAST_TRY_ACK: f->card.tries_left = 1; f->last_try_ack = true; break;
    case V_BUSY: f->busy = true; f->pin_len = 4; break;
    case V_LOCKED: f->card.tries_left = 0; break;
    case V_REGISTERED: f->card.registered = true; break;
    case V_RENEWAL: certificate(f, now, 40); break;
    case V_GRACE: certificate(f, now, -20); break;
    case V_LAPSED: certificate(f, now, -200); break;
    case V_FAIL_FOREIGN: case V_FAIL_UNREADABLE: case V_FAIL_CARD:
    case V_FAIL_UNTRUSTED: case V_FAIL_RECORD:
        f->failure = fails[va - V_FAIL_FOREIGN];
        break;
    case V_ALARM: f->alarm = true; break;
    case V_FROM_MENU: f->reminder_from_menu = true; break;
    case V_PAGE_1: f->page = 1; break;
    case V_PAGE_2: f->page = 2; break;
    case V_TOPIC_LIST: f->topic = -1; break;
    case V_TOPIC_LAST: f->topic = TOPIC_COUNT - 1; break;
    case V_PLAIN: case V_COUNT: break;
    }
}

/* A flow in state s, mid-session with a valid card, then the variant. */
static void make_view(enum kstate s, enum variant va, enum lang l, int greet,
                      const enum lang *offer, int noffer, struct view *v)
{
    struct flow_timing t;
    struct flow f;
    time_t now = time(NULL);
    int64_t ms = 1000000;

    flow_timing_default(&t);
    flow_init(&f, &t, l, ms);
    flow_set_languages(&f, offer, noffer, ms);
    f.state = s;
    f.lang = l;
    f.greet = greet;
    f.card_in = true;
    f.card.outcome = READ_OK;
    f.card.tries_left = 3;
    f.proven = true;
    f.lang_from = ST_PIN;
    f.topic = 0;
    certificate(&f, now, 3 * 365);
    if (s == ST_TIMEOUT_PROMPT)
        f.deadline = ms + t.prompt;
    apply(&f, va, now);
    flow_view(&f, ms, v);
}

static void every_screen(struct run *run, enum lang l, bool ascii)
{
    enum lang offer[LANG_COUNT];
    int noffer = ascii ? 1 : LANG_COUNT;
    char what[256];

    for (int i = 0; i < LANG_COUNT; i++)
        offer[i] = ascii ? LANG_EN : (enum lang)i;
    i18n_set_ascii(ascii);
    i18n_set_lang(l);
    for (int s = 0; s < ST_COUNT; s++) {
        for (int va = 0; va < V_COUNT; va++) {
            struct view v;
            int greets = s == ST_ATTRACT && va == V_PLAIN ? noffer : 1;

            for (int g = 0; g < greets; g++) {
                make_view((enum kstate)s, (enum variant)va, l, g, offer,
                          noffer, &v);
                snprintf(what, sizeof what, "%s%s, %s, %s, greeting %d",
                         ascii ? "ASCII " : "", lang_code(l),
                         flow_state_name((enum kstate)s), variant_name[va], g);
                check(run, &v, what, ascii);
            }
        }
    }
    i18n_set_ascii(false);
}

static void test_every_screen_in_every_language(void **state)
{
    struct run run = { 0 };

    (void)state;
    for (int l = 0; l < LANG_COUNT; l++)
        every_screen(&run, (enum lang)l, false);
    print_message("%d screens drawn in %d languages, %d do not fit\n",
                  run.screens, LANG_COUNT, run.failures);
    assert_int_equal(run.failures, 0);
}

static void test_every_screen_in_ascii(void **state)
{
    struct run run = { 0 };

    (void)state;
    every_screen(&run, LANG_EN, true);
    print_message("%d screens drawn in ASCII, %d do not fit\n", run.screens,
                  run.failures);
    assert_int_equal(run.failures, 0);
}

/* The check can fail: a screen with a paragraph too long for it. */
static void test_the_check_sees_a_cut(void **state)
{
    struct run run = { 0 };
    struct view v;
    const enum lang all[] = { LANG_JA, LANG_EN };

    (void)state;
    i18n_set_lang(LANG_JA);
    make_view(ST_MENU, V_PLAIN, LANG_JA, 0, all, 2, &v);
    v.nbuttons = VIEW_MAX_BUTTONS; /* 16 buttons: no room left for words */
    for (int i = 0; i < VIEW_MAX_BUTTONS; i++)
        v.buttons[i] = (struct button){ .act = ACT_REGISTER, .key = 'a' + i };
    check(&run, &v, "a menu of 16 buttons (meant to fail)", false);
    assert_int_equal(run.failures, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_in_every_language),
        cmocka_unit_test(test_every_screen_in_ascii),
        cmocka_unit_test(test_the_check_sees_a_cut),
    };
    return cmocka_run_group_tests_name("screens fit 80x24", tests, setup,
                                       teardown);
}
