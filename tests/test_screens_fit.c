/*
 * test_screens_fit.c - every screen, in every language, fits 80x24.
 *
 * Each screen is drawn by the real screens and ncurses (wide-character
 * build) on a pseudo-terminal of 80x24, from views the real flow makes:
 * every state, in each of the variants that change its words (PIN tries,
 * last try, locked, the four certificate states, each failure, the alarm,
 * with and without a card, each page), each greeting on the attract
 * screen, and in each of a state's own modes (the receipt's every fate
 * with the dates, the ways auth-choice offers, the face check's and staff
 * entry's stages, how the person was confirmed, each information topic),
 * in each of the 13 languages and in the plain-ASCII English of a
 * terminal that is not UTF-8, with the demo's two-row footer, its face
 * check and staff code hints, and the configuration's QR code addresses.
 * The dates are fixed and the widest they are written, so the result
 * does not depend on the day it runs. Then the
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

#include "kiosk/config.h"
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

/* Row y of the screen as drawn, read from the cells once per screen
 * (forget_screen() after each draw). */
static char shown_rows[ROWS][1024];
static bool have_row[ROWS];

static void forget_screen(void)
{
    memset(have_row, 0, sizeof have_row);
}

static const char *shown(int y)
{
    if (y < 0 || y >= ROWS)
        return "";
    if (!have_row[y])
        row_text(y, shown_rows[y], sizeof shown_rows[y]);
    have_row[y] = true;
    return shown_rows[y];
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

/* A QR code too big for the frame's body gets a box of its own on the
 * left (qr.c), sharing a line with the frame: that line's column, found
 * by its tee on the top row; 0 when there is no such box. */
static int frame_left(bool ascii)
{
    for (int x = 1; !ascii && x < COLS - 1; x++)
        if (cell_is(0, x, ACS_TTEE))
            return x;
    return 0;
}

static bool frame_intact(bool ascii, int footer_sep)
{
    chtype h = ascii ? '-' : ACS_HLINE, v = ascii ? '|' : ACS_VLINE;
    chtype c[4] = { ascii ? '+' : ACS_ULCORNER, ascii ? '+' : ACS_URCORNER,
                    ascii ? '+' : ACS_LLCORNER, ascii ? '+' : ACS_LRCORNER };
    const int seps[] = { 0, 2, footer_sep, LINES - 1 };
    int l = frame_left(ascii);

    if (!cell_is(0, 0, c[0]) || !cell_is(0, COLS - 1, c[1]) ||
        !cell_is(LINES - 1, 0, c[2]) || !cell_is(LINES - 1, COLS - 1, c[3]))
        return false;
    if (l > 0 && !cell_is(LINES - 1, l, ACS_BTEE))
        return false;
    for (size_t s = 0; s < sizeof seps / sizeof *seps; s++)
        for (int x = 1; x < COLS - 1; x++)
            if (x != l && (x > l || s == 0 || s == 3) &&
                !cell_is(seps[s], x, h))
                return false;
    for (int y = 1; y < LINES - 1; y++) {
        bool sep = y == 2 || y == footer_sep; /* tees there */

        if (((!sep || l > 0) && !cell_is(y, 0, v)) ||
            (!sep && !cell_is(y, COLS - 1, v)) ||
            (!sep && l > 0 && !cell_is(y, l, v)))
            return false;
    }
    return true;
}

static bool all_ascii(void)
{
    for (int y = 0; y < ROWS; y++) {
        for (const char *p = shown(y); *p; p++)
            if ((unsigned char)*p >= 0x80)
                return false;
    }
    return true;
}

/* The words of a button's label as on screen: the cells of its hit. */
static bool label_whole(const struct hit *h)
{
    const char *label = ui_label(&h->b);

    return *label == '\0' || strstr(shown(h->y), label) != NULL;
}

static bool title_whole(const struct hitmap *hits)
{
    char title[512];
    size_t n = strcspn(hits->words, "\n");

    if (n == 0 || n >= sizeof title)
        return true;
    memcpy(title, hits->words, n);
    title[n] = '\0';
    return strstr(shown(1), title) != NULL;
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

/* Where the QR codes point: the configuration's defaults, and the
 * longest address it takes (the largest code, the narrowest frame beside
 * it). */
#define LONGEST_URL \
    "https://www.city.example.lg.jp/kurashi/my-number/hokensho.html"
enum { URLS_DEFAULT, URLS_LONGEST, URL_SETS };

static void set_urls(struct ui_extra *x, int set)
{
    static struct config cfg;
    static bool loaded;

    if (!loaded) {
        config_defaults(&cfg);
        loaded = true;
    }
    for (int k = 0; k < URL_COUNT; k++)
        x->url[k] = LONGEST_URL;
    if (set == URLS_DEFAULT) {
        x->url[URL_PORTAL] = cfg.url_portal;
        x->url[URL_CARD] = cfg.url_card;
        x->url[URL_INSURANCE] = cfg.url_insurance;
    }
}

static void check_one(struct run *run, const struct view *v,
                      const struct ui_extra *x, const char *what, bool ascii)
{
    struct hitmap hits;
    const char *why = NULL;

    memset(&hits, 0, sizeof hits);
    screens_draw(v, x, &hits);
    refresh();
    forget_screen();
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
        char head[512];
        snprintf(head, sizeof head, "%s: %s", what, why);
        dump(head);
        run->failures++;
    }
}

/* The demo as it runs: two-row footer, its face check and staff code
 * hints; a QR code page with each set of addresses. */
static void check(struct run *run, const struct view *v, const char *what,
                  bool ascii)
{
    static const char *const url_name[URL_SETS] = {
        ", default addresses", ", longest addresses",
    };
    struct ui_extra x = {
        .demo = true, .clock = "12:34", .demo_matcher = true,
        .demo_staff = true,
    };
    char name[512];

    for (int set = 0; set < (v->qr ? URL_SETS : 1); set++) {
        set_urls(&x, set);
        snprintf(name, sizeof name, "%s%s", what, v->qr ? url_name[set] : "");
        check_one(run, v, &x, name, ascii);
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

/* ---- fixed dates ---- */

/* The certificate's last day, and so every date the screens show, is
 * fixed: the test gives the same answer on any day. A date is widest with
 * a two-digit month and day, and as no one day makes every date so (the
 * renewal opens 3 months before the expiry, the grace ends 3 months
 * after), each set makes some of them so: the expiry and the card's own
 * (a range of days, its widest sentence), the day renewal opens (the
 * card's expiry known), the end of the grace (the card's unknown). */
struct dates {
    const char *name;
    int y, m, d;       /* the certificate's last day, in Japan */
    int issued;        /* years before it that it was issued; 0: unknown */
};

static const struct dates date_sets[] = {
    { "expiry 2031-12-28", 2031, 12, 28, 5 },
    { "renewal from 2031-10-31", 2032, 1, 31, 2 },
    { "grace until 2031-12-31", 2031, 9, 30, 0 },
};
#define DATE_SETS ((int)(sizeof date_sets / sizeof *date_sets))

/* The last second of day (y, m, d) in Japan (UTC+9). */
static time_t day_end_jst(int y, int m, int d)
{
    struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d,
                     .tm_hour = 23 - 9, .tm_min = 59, .tm_sec = 59 };

    return timegm(&tm);
}

/* The card's certificate as of `days` before its last day (after it,
 * when negative). */
static void certificate(struct flow *f, long days, const struct dates *d)
{
    time_t not_after = day_end_jst(d->y, d->m, d->d);

    reminder_compute(not_after, not_after - days * DAY, &f->card.rem);
    /* Issued the day after that birthday: the card's expiry is a range
     * of days 5 years on, a known day 2 years on. */
    if (d->issued)
        reminder_card(day_end_jst(d->y - d->issued, d->m, d->d + 1),
                      not_after, &f->card.rem);
}

static void apply(struct flow *f, enum variant va, const struct dates *d)
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
    case V_RENEWAL: certificate(f, 40, d); break;
    case V_GRACE: certificate(f, -20, d); break;
    case V_LAPSED: certificate(f, -200, d); break;
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

/* ---- a state's own modes ---- */

/* The receipt: no printer, one offered, printing, and each way a print
 * ends. */
#define PRINT_MODES 8

static const char *print_mode(struct flow *f, int k)
{
    static const char *const name[PRINT_MODES] = {
        "no printer", "printer", "printing", "printed", "printer missing",
        "printer off-line", "out of paper", "print failed",
    };

    f->printer = k > 0;
    f->printing = k == 2;
    if (k >= 3) {
        f->print_answered = true;
        f->print_result = (enum print_outcome)(k - 3);
        f->printed = f->print_result == PRINT_OK;
    }
    return name[k];
}

/* The staff code: being typed (every digit), wrong, being checked, and
 * staff entry locked for the longest the configuration allows. */
#define CODE_MODES 4

static const char *code_mode(struct flow *f, int k, int64_t now)
{
    static const char *const name[CODE_MODES] = {
        "code typed", "code wrong", "code checking", "staff entry locked",
    };
    struct auth_state *a = &f->auth;

    a->code_len = k == 0 ? AUTH_CODE_MAX : 0;
    a->code_wrong = k == 1;
    a->code_fails = k == 1 ? 1 : 0;
    a->code_checking = k == 2;
    f->busy = k == 2;
    a->locked = k == 3;
    a->locked_until = now + f->t.staff_lock;
    return name[k];
}

static const char *face_mode(struct flow *f, int k, int64_t now)
{
    static const enum face_outcome last[] = {
        FACE_NO_MATCH, FACE_TIMEOUT, FACE_ERROR,
    };
    static const char *const name[] = {
        "no match", "time-out", "camera error",
        "no match, none left", "time-out, none left", "camera error, none left",
    };
    struct auth_state *a = &f->auth;

    if (k == 0) {
        a->face_mode = FACE_MATCHING;
        a->face_running = f->busy = true;
        f->deadline = now + f->t.face;
        return "matching";
    }
    if (--k < 6) {
        a->face_mode = FACE_FAILED;
        a->face_last = last[k % 3];
        a->face_fails = k < 3 ? 1 : AUTH_FACE_ATTEMPTS;
        return name[k];
    }
    if ((k -= 6) < CODE_MODES) {
        a->face_mode = FACE_STAFF_CODE;
        return code_mode(f, k, now);
    }
    a->face_mode = FACE_STAFF_LOOK;
    return "staff look";
}
#define FACE_MODES (1 + 6 + CODE_MODES + 1)

static const char *staff_mode(struct flow *f, int k, int64_t now)
{
    struct auth_state *a = &f->auth;

    f->card_in = false; /* staff mode is between people */
    if (k < CODE_MODES) {
        a->staff_mode = STAFF_CODE;
        return code_mode(f, k, now);
    }
    k -= CODE_MODES;
    a->staff_mode = k < PRINT_MODES + 2 ? STAFF_MENU : STAFF_LEAVE;
    a->counts_ok = k != PRINT_MODES; /* then "reading the ledger" */
    a->reader_down = k == PRINT_MODES;
    for (int m = 0; m < AUTH_METHODS; m++) {
        a->counts.registered[m] = 12345;
        a->counts.failed[m] = k == PRINT_MODES + 1 ? -1 : 6789;
    }
    if (k < PRINT_MODES)
        return print_mode(f, k);
    return k == PRINT_MODES ? "reader down, reading counts"
           : k == PRINT_MODES + 1 ? "counts unreadable" : "leave";
}
#define STAFF_MODES (CODE_MODES + PRINT_MODES + 3)

static const char *auth_mode(struct flow *f, int k)
{
    static char name[64];
    unsigned methods = (unsigned)(k % 7) + 1; /* every non-empty set */

    f->auth.methods = methods;
    f->auth.face_fails = k / 7 ? AUTH_FACE_ATTEMPTS : 0;
    snprintf(name, sizeof name, "methods%s%s%s%s",
             methods & AUTH_BIT(AUTH_PIN) ? " pin" : "",
             methods & AUTH_BIT(AUTH_FACE) ? " face" : "",
             methods & AUTH_BIT(AUTH_STAFF) ? " staff" : "",
             k / 7 ? ", face checks used up" : "");
    return name;
}

/* The screens that show the certificate's dates, and offer a receipt. */
static bool dated(enum kstate s)
{
    return s == ST_DONE || s == ST_ALREADY_REGISTERED || s == ST_REMINDER;
}

/* How many modes state s has (1: only the variants). */
static int modes(enum kstate s)
{
    switch (s) {
    case ST_DONE: case ST_ALREADY_REGISTERED: case ST_REMINDER:
        return PRINT_MODES * DATE_SETS;
    case ST_AUTH_CHOICE: return 7 * 2;
    case ST_FACE_CHECK: return FACE_MODES;
    case ST_STAFF: return STAFF_MODES;
    case ST_CONFIRM: return AUTH_METHODS;
    case ST_INFO: return TOPIC_COUNT;
    default: return 1;
    }
}

/* The variants a state's modes other than its first are drawn with:
 * those that change that screen's words (every variant is drawn with the
 * first mode). */
static bool with_modes(enum kstate s, enum variant va)
{
    switch (va) {
    case V_PLAIN: case V_NO_CARD:
        return true;
    case V_RENEWAL: case V_GRACE: case V_LAPSED: case V_FROM_MENU:
        return dated(s);
    case V_PAGE_1: case V_PAGE_2:
        return dated(s) || s == ST_INFO;
    case V_PIN_WRONG: case V_LAST_TRY: case V_LOCKED:
        return s == ST_AUTH_CHOICE;
    default:
        return false;
    }
}

/* Put f in mode k of its state; its name for a failure's report. */
static const char *mode(struct flow *f, int k, int64_t now)
{
    switch (f->state) {
    case ST_DONE: case ST_ALREADY_REGISTERED: case ST_REMINDER:
        return print_mode(f, k % PRINT_MODES); /* the dates: k / 8 */
    case ST_AUTH_CHOICE:
        return auth_mode(f, k);
    case ST_FACE_CHECK:
        return face_mode(f, k, now);
    case ST_STAFF:
        return staff_mode(f, k, now);
    case ST_CONFIRM:
        f->auth.method = (enum auth_method)k;
        f->proven = k == AUTH_PIN;
        f->auth.checked = k != AUTH_PIN;
        return k == AUTH_PIN ? "by PIN" : k == AUTH_FACE ? "by face"
                                                         : "by staff";
    case ST_INFO:
        f->topic = k;
        return info_topic_title(k);
    default:
        return "";
    }
}

/* A flow in state s, mid-session with a valid card, then its mode k and
 * the variant; false when that makes a page the screen does not have. */
static bool make_view(enum kstate s, enum variant va, int k, enum lang l,
                      int greet, const enum lang *offer, int noffer,
                      struct view *v, char *what, size_t n)
{
    struct flow_timing t;
    struct flow f;
    int64_t ms = 1000000;
    const struct dates *d = &date_sets[dated(s) ? k / PRINT_MODES : 0];
    const char *m;

    flow_timing_default(&t);
    t.face = 120 * 1000;             /* [face] timeout at its longest */
    t.staff_lock = 24 * 3600 * 1000; /* [staff] lockout at its longest */
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
    snprintf(f.auth.staff_id, sizeof f.auth.staff_id, "%.*s", AUTH_ID_MAX,
             "staff.member-with-a-long-id_0001");
    certificate(&f, 3 * 365, d);
    if (s == ST_TIMEOUT_PROMPT)
        f.deadline = ms + t.prompt;
    m = mode(&f, k, ms);
    apply(&f, va, d);
    /* With a printer, the reminder as the menu opens it: one more button,
     * less room (an expired certificate opens it on its own). */
    if (s == ST_REMINDER && f.printer)
        f.reminder_from_menu = f.card.rem.status < CERT_GRACE;
    flow_view(&f, ms, v);
    snprintf(what, n, "%s, %s%s%s%s%s", flow_state_name(s), variant_name[va],
             *m ? ", " : "", m, dated(s) ? ", " : "", dated(s) ? d->name : "");
    return f.page < v->pages;
}

/* State s with variant va, in each of its modes (and, on attract, with
 * each greeting). */
static void draw_modes(struct run *run, enum kstate s, enum variant va,
                       enum lang l, bool ascii, const enum lang *offer,
                       int noffer)
{
    int greets = s == ST_ATTRACT && va == V_PLAIN ? noffer : 1;
    char what[384], name[512];
    struct view v;

    for (int k = 0; k < modes(s) && (k == 0 || with_modes(s, va)); k++) {
        for (int g = 0; g < greets; g++) {
            if (!make_view(s, va, k, l, g, offer, noffer, &v, what,
                           sizeof what))
                continue;
            snprintf(name, sizeof name, "%s%s, %s, greeting %d",
                     ascii ? "ASCII " : "", lang_code(l), what, g);
            check(run, &v, name, ascii);
        }
    }
}

static void every_screen(struct run *run, enum lang l, bool ascii)
{
    enum lang offer[LANG_COUNT];
    int noffer = ascii ? 1 : LANG_COUNT;

    for (int i = 0; i < LANG_COUNT; i++)
        offer[i] = ascii ? LANG_EN : (enum lang)i;
    i18n_set_ascii(ascii);
    i18n_set_lang(l);
    for (int s = 0; s < ST_COUNT; s++)
        for (int va = 0; va < V_COUNT; va++)
            draw_modes(run, (enum kstate)s, (enum variant)va, l, ascii, offer,
                       noffer);
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
    char what[384];

    (void)state;
    i18n_set_lang(LANG_JA);
    make_view(ST_MENU, V_PLAIN, 0, LANG_JA, 0, all, 2, &v, what, sizeof what);
    v.nbuttons = VIEW_MAX_BUTTONS; /* 16 buttons: no room left for words */
    for (int i = 0; i < VIEW_MAX_BUTTONS; i++)
        v.buttons[i] = (struct button){ .act = ACT_REGISTER, .key = 'a' + i };
    check(&run, &v, "a menu of 16 buttons (meant to fail)", false);
    assert_int_equal(run.failures, 1);
}

/* What auth-choice says in English in its mode k (auth_mode()). */
static void choice_words(int k, struct hitmap *hits)
{
    struct ui_extra x = { .clock = "12:34" };
    const enum lang en[] = { LANG_EN };
    char what[384];
    struct view v;

    i18n_set_lang(LANG_EN);
    make_view(ST_AUTH_CHOICE, V_PLAIN, k, LANG_EN, 0, en, 1, &v, what,
              sizeof what);
    memset(hits, 0, sizeof *hits);
    screens_draw(&v, &x, hits);
}

/* Where [auth] methods leaves the PIN out, auth-choice does not speak of
 * its tries; with the face checks used up too, only Esc is left, and the
 * screen says what the person can do instead of "with your PIN". */
static void test_auth_choice_without_pin(void **state)
{
    static struct hitmap hits;

    (void)state;
    choice_words(0, &hits); /* the PIN alone: the check sees its words */
    assert_non_null(strstr(hits.words, "The PIN can be entered 3 more"));
    assert_non_null(strstr(hits.words, "with your PIN"));
    choice_words(1, &hits); /* the face check alone */
    assert_null(strstr(hits.words, "The PIN can be entered"));
    assert_null(strstr(hits.words, "4-digit PIN"));
    assert_non_null(strstr(hits.words, "Face check with the camera"));
    choice_words(7 + 1, &hits); /* ... with its checks used up */
    assert_null(strstr(hits.words, "PIN can be entered"));
    assert_null(strstr(hits.words, "with your PIN"));
    assert_non_null(strstr(hits.words, "no other way to confirm"));
    assert_non_null(strstr(hits.words, "ask at your municipal office"));
    assert_non_null(strstr(hits.words, "Please press Esc."));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_screen_in_every_language),
        cmocka_unit_test(test_every_screen_in_ascii),
        cmocka_unit_test(test_the_check_sees_a_cut),
        cmocka_unit_test(test_auth_choice_without_pin),
    };
    return cmocka_run_group_tests_name("screens fit 80x24", tests, setup,
                                       teardown);
}
