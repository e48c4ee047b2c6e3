/*
 * test_e2e_qr.c - every QR code the kiosk shows, scanned off the real
 * screen; and receipts from the real kiosk.
 *
 * The kiosk runs in tmux (80x24 unless a test resizes it). The screen is
 * captured with its colours and attributes (capture-pane -e) and turned
 * into a picture the way a terminal paints it: each cell one pixel wide
 * and two high, the half blocks' upper and lower halves in the
 * foreground colour and the rest in the background colour, reverse video
 * swapping the two, the default colours those of a dark terminal (light
 * text on black) unless a test picks a light one. Letters are painted as their background, which only
 * takes noise away. zbarimg must then find exactly one code on the
 * screen and read the exact URL. Receipts are printed to a directory
 * (file:DIR) and read back with tests/escpos.c.
 *
 * KIOSK_BIN names the program (default build/kiosk).
 */
#include "tests/test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <locale.h>

#include "tests/escpos.h"
#include "tests/tmux.h"
#include "tests/zbar.h"

#define URL_PORTAL "https://myna.go.jp/"
#define URL_CARD "https://www.kojinbango-card.go.jp/"
#define URL_INSURANCE "https://www.gov-online.go.jp/article/202407/entry-6238.html"

#define DEFAULT_FG 229 /* a dark terminal: light grey text ... */
#define DEFAULT_BG 0   /* ... on black */
#define LIGHT_FG 0     /* a light terminal: black text ... */
#define LIGHT_BG 255   /* ... on white */

/* The terminal's own colours, as luma, for what the kiosk leaves at the
 * default. */
static struct {
    int fg, bg;
} terminal = { DEFAULT_FG, DEFAULT_BG };

struct kiosk {
    struct tmux t;
    char dir[64];
    char status[128];
};

/* ---- the kiosk in tmux ---- */

static const char *kiosk_bin(void)
{
    const char *b = getenv("KIOSK_BIN");
    return b && *b ? b : "build/kiosk";
}

/* Start the kiosk with the environment env ("NAME=value ..."), args and,
 * when conf is not NULL, a configuration file holding conf. */
static void start_env(struct kiosk *k, const char *env, const char *args,
                      const char *conf)
{
    char bin[1024], cmd[4096], conf_arg[256] = "";

    if (!realpath(kiosk_bin(), bin))
        fail_msg("no kiosk program at %s", kiosk_bin());
    snprintf(k->dir, sizeof k->dir, "/tmp/kiosk-qr-XXXXXX");
    assert_non_null(mkdtemp(k->dir));
    snprintf(k->status, sizeof k->status, "%s/status", k->dir);
    if (conf) {
        char path[128];
        snprintf(path, sizeof path, "%s/kiosk.conf", k->dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(conf, f);
        fclose(f);
        snprintf(conf_arg, sizeof conf_arg, "--config %s", path);
    }
    snprintf(cmd, sizeof cmd,
             "env LC_ALL=C.UTF-8 LANGUAGE= %s %s --demo --status-file %s "
             "--ledger %s/ledger.db %s %s",
             env, bin, k->status, k->dir, conf_arg, args);
    tmux_start(&k->t, k->status, cmd);
    tmux_expect(&k->t, "attract", NULL);
}

static void start(struct kiosk *k, const char *args, const char *conf)
{
    start_env(k, "", args, conf);
}

static void stop(struct kiosk *k)
{
    char cmd[128];

    tmux_stop(&k->t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
    assert_int_equal(system(cmd), 0);
}

static void keys(struct kiosk *k, const char *keys)
{
    tmux_keys(&k->t, keys);
}

/* ---- the screen as a picture ---- */

/* Luma of a colour of the 256-colour palette (xterm's values). */
static int palette_luma(int c)
{
    static const int base[16][3] = {
        { 0, 0, 0 },       { 205, 0, 0 },   { 0, 205, 0 },   { 205, 205, 0 },
        { 0, 0, 238 },     { 205, 0, 205 }, { 0, 205, 205 }, { 229, 229, 229 },
        { 127, 127, 127 }, { 255, 0, 0 },   { 0, 255, 0 },   { 255, 255, 0 },
        { 92, 92, 255 },   { 255, 0, 255 }, { 0, 255, 255 }, { 255, 255, 255 },
    };
    int r, g, b;

    if (c < 16) {
        r = base[c][0], g = base[c][1], b = base[c][2];
    } else if (c < 232) {
        static const int level[6] = { 0, 95, 135, 175, 215, 255 };
        c -= 16;
        r = level[c / 36], g = level[c / 6 % 6], b = level[c % 6];
    } else {
        r = g = b = 8 + (c - 232) * 10;
    }
    return (299 * r + 587 * g + 114 * b) / 1000;
}

/* What SGR has set: colours as luma (-1: the default), reverse video. */
struct pen {
    int fg, bg;
    bool reverse;
};

/* A colour given as 5;n or 2;r;g;b after 38 or 48: its luma; *i moves
 * past the parameters used. */
static int extended(const int *p, int n, int *i)
{
    if (*i + 2 < n && p[*i + 1] == 5) {
        *i += 2;
        return palette_luma(p[*i]);
    }
    if (*i + 4 < n && p[*i + 1] == 2) {
        *i += 4;
        return (299 * p[*i - 2] + 587 * p[*i - 1] + 114 * p[*i]) / 1000;
    }
    return -1;
}

static void sgr(struct pen *pen, const int *p, int n)
{
    if (n == 0)
        *pen = (struct pen){ -1, -1, false };
    for (int i = 0; i < n; i++) {
        int v = p[i];
        if (v == 0)
            *pen = (struct pen){ -1, -1, false };
        else if (v == 7)
            pen->reverse = true;
        else if (v == 27)
            pen->reverse = false;
        else if (v >= 30 && v <= 37)
            pen->fg = palette_luma(v - 30);
        else if (v >= 90 && v <= 97)
            pen->fg = palette_luma(v - 90 + 8);
        else if (v >= 40 && v <= 47)
            pen->bg = palette_luma(v - 40);
        else if (v >= 100 && v <= 107)
            pen->bg = palette_luma(v - 100 + 8);
        else if (v == 38)
            pen->fg = extended(p, n, &i);
        else if (v == 48)
            pen->bg = extended(p, n, &i);
        else if (v == 39)
            pen->fg = -1;
        else if (v == 49)
            pen->bg = -1;
    }
}

/* Parse "ESC [ params m" at s; returns the bytes used, 0 if not SGR. */
static size_t escape(const char *s, struct pen *pen)
{
    int p[32], n = 0;
    const char *q = s + 2;

    if (s[0] != '\033' || s[1] != '[')
        return 0;
    while (*q && (*q == ';' || (*q >= '0' && *q <= '9'))) {
        if (n < 32)
            p[n++] = (int)strtol(q, (char **)&q, 10);
        if (*q == ';')
            q++;
    }
    if (*q != 'm')
        return (size_t)(q - s) + (*q ? 1 : 0); /* not a colour: skip it */
    sgr(pen, p, n);
    return (size_t)(q - s) + 1;
}

/* Paint one cell: the glyph's dark halves in the pen's foreground. */
static void paint(struct grey *g, int x, int y, wchar_t wc, const struct pen *pen)
{
    int fg = pen->fg < 0 ? terminal.fg : pen->fg;
    int bg = pen->bg < 0 ? terminal.bg : pen->bg;
    bool top = wc == 0x2580 || wc == 0x2588, bottom = wc == 0x2584 || wc == 0x2588;

    if (pen->reverse) {
        int t = fg;
        fg = bg;
        bg = t;
    }
    if (x >= g->w || y * 2 + 1 >= g->h)
        return;
    g->px[(2 * y) * g->w + x] = (unsigned char)(top ? fg : bg);
    g->px[(2 * y + 1) * g->w + x] = (unsigned char)(bottom ? fg : bg);
}

/* The captured screen (with escapes) as a picture of cols x rows cells. */
static struct grey picture(const char *cap, int cols, int rows)
{
    struct grey g = { cols, rows * 2, malloc((size_t)cols * rows * 2) };
    struct pen pen = { -1, -1, false };
    mbstate_t ms;
    int x = 0, y = 0;

    assert_non_null(g.px);
    memset(g.px, terminal.bg, (size_t)cols * rows * 2);
    memset(&ms, 0, sizeof ms);
    for (const char *s = cap; *s && y < rows;) {
        size_t used = escape(s, &pen);
        wchar_t wc;

        if (used) {
            s += used;
            continue;
        }
        if (*s == '\n') {
            x = 0, y++, s++;
            continue;
        }
        used = mbrtowc(&wc, s, strlen(s), &ms);
        if (used == 0 || used > 4)
            fail_msg("capture is not UTF-8 at \"%.20s\"", s);
        s += used;
        int w = wcwidth(wc) > 0 ? wcwidth(wc) : 1;
        for (int i = 0; i < w; i++)
            paint(&g, x + i, y, i == 0 ? wc : L' ', &pen);
        x += w;
    }
    return g;
}

static void capture_codes(struct kiosk *k, char *cap, size_t n)
{
    char cmd[256];
    FILE *p;
    size_t got;

    snprintf(cmd, sizeof cmd, "tmux -L %s capture-pane -e -p -t k", k->t.sock);
    p = popen(cmd, "r");
    assert_non_null(p);
    got = fread(cap, 1, n - 1, p);
    cap[got] = '\0';
    pclose(p);
}

static void terminal_size(struct kiosk *k, int *cols, int *rows)
{
    char cmd[256];
    FILE *p;

    snprintf(cmd, sizeof cmd,
             "tmux -L %s display-message -p -t k '#{pane_width} #{pane_height}'",
             k->t.sock);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d %d", cols, rows), 2);
    pclose(p);
}

/* The codes on the screen now, as zbarimg reads them: how many. With
 * keep, the picture stays in a file for a look (after a failure). */
static int scan(struct kiosk *k, char *out, size_t n, bool keep)
{
    static char cap[1 << 17];
    int cols, rows;

    terminal_size(k, &cols, &rows);
    capture_codes(k, cap, sizeof cap);
    struct grey g = picture(cap, cols, rows);
    int found = zbar_decode(&g, 4, 8, out, n);
    if (keep) {
        char path[128];
        snprintf(path, sizeof path, "%s-screen.pgm", k->dir);
        zbar_write_pgm(&g, 4, 8, path);
        print_message("screen picture kept in %s\n", path);
    }
    free(g.px);
    return found;
}

/* Exactly one code on the screen, and it reads url; the screen settles
 * within a few seconds. */
static void expect_code(struct kiosk *k, const char *state, const char *url)
{
    char got[1024] = "";
    int found = 0;

    tmux_expect(&k->t, state, NULL);
    for (int tries = 0; tries < 40; tries++) {
        found = scan(k, got, sizeof got, tries == 39);
        if (found == 1)
            break;
        struct timespec ts = { 0, 100 * 1000000L };
        nanosleep(&ts, NULL);
    }
    if (found != 1) {
        tmux_capture(&k->t);
        fail_msg("%d codes on the screen, not 1:\n%s", found, k->t.screen);
    }
    got[strcspn(got, "\n")] = '\0';
    assert_string_equal(got, url);
}

static void expect_no_code(struct kiosk *k, const char *state, const char *text)
{
    char got[1024];

    tmux_expect(&k->t, state, text);
    assert_int_equal(scan(k, got, sizeof got, false), 0);
}

/* ---- the ways to every code ---- */

/* attract -> menu -> terms -> auth-choice -> pin -> confirm -> done */
static void register_card(struct kiosk *k)
{
    keys(k, "F2");
    tmux_expect(&k->t, "menu", NULL);
    keys(k, "1");
    tmux_expect(&k->t, "terms", NULL);
    keys(k, "1");
    tmux_expect(&k->t, "auth-choice", NULL);
    keys(k, "1");
    tmux_expect(&k->t, "pin", NULL);
    tmux_type_pin(&k->t, "1234");
    tmux_expect(&k->t, "confirm", NULL);
    keys(k, "1");
    tmux_expect(&k->t, "done", NULL);
}

/* The reminder's third page: the renewal instructions. */
static void reminder_code(struct kiosk *k)
{
    tmux_expect(&k->t, "reminder", NULL);
    keys(k, "4");
    keys(k, "4");
    expect_code(k, "reminder", URL_CARD);
}

static void test_reminder_renew_card(void **state)
{
    struct kiosk k;
    (void)state;
    start(&k, "--lang en --demo-card renew", NULL);
    keys(&k, "F2");
    tmux_expect(&k.t, "menu", NULL);
    keys(&k, "2");
    tmux_expect(&k.t, "reminder", "Renewal opens");
    reminder_code(&k);
    keys(&k, "3"); /* back to the text: no code there at 80x24 */
    expect_no_code(&k, "reminder", "The card itself");
    stop(&k);
}

/* An expired certificate goes straight to the reminder; in Japanese. */
static void test_reminder_expired_card_japanese(void **state)
{
    struct kiosk k;
    (void)state;
    start(&k, "--lang ja --demo-card expired", NULL);
    keys(&k, "F2");
    reminder_code(&k);
    stop(&k);
}

/* After a registration: マイナポータル, where the insurance details are;
 * the reminder from there; and the same card again, already registered. */
static void test_done_and_reminder_fresh_card(void **state)
{
    struct kiosk k;
    (void)state;
    start(&k, "--lang en --demo-card fresh", NULL);
    register_card(&k);
    expect_no_code(&k, "done", "registered");
    keys(&k, "4");
    expect_code(&k, "done", URL_PORTAL);
    keys(&k, "1");
    reminder_code(&k);
    keys(&k, "2"); /* finish; the same card again: already registered */
    tmux_expect(&k.t, "remove-card", NULL);
    keys(&k, "F2");
    tmux_expect(&k.t, "attract", NULL);
    keys(&k, "F2");
    tmux_expect(&k.t, "menu", NULL);
    keys(&k, "1");
    expect_no_code(&k, "already-registered", NULL);
    keys(&k, "4");
    expect_code(&k, "already-registered", URL_PORTAL);
    stop(&k);
}

/* The information screens, without a card: each topic's code. */
static void test_info_screens(void **state)
{
    static const struct {
        const char *key;
        int pages;
        const char *url;
    } topics[] = {
        { "1", 3, URL_INSURANCE }, { "2", 2, URL_PORTAL },
        { "3", 2, URL_PORTAL },    { "4", 2, URL_CARD },
        { "5", 2, URL_CARD },
    };
    struct kiosk k;
    (void)state;
    start(&k, "--lang en", NULL);
    keys(&k, "i");
    expect_no_code(&k, "info", "Choose a topic");
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        keys(&k, topics[i].key);
        for (int p = 1; p < topics[i].pages; p++)
            keys(&k, "4");
        expect_code(&k, "info", topics[i].url);
        keys(&k, "1"); /* other topics */
        tmux_expect(&k.t, "info", "Choose a topic");
    }
    keys(&k, "6"); /* the help line: a number, no code */
    expect_no_code(&k, "info", "0120-95-0178");
    keys(&k, "Escape");
    tmux_expect(&k.t, "attract", NULL);
    stop(&k);
}

/* A larger terminal keeps the ordinary frame round the code; Japanese. */
static void test_larger_terminal(void **state)
{
    struct kiosk k;
    char cmd[256];
    (void)state;
    start(&k, "--lang ja", NULL);
    snprintf(cmd, sizeof cmd, "tmux -L %s resize-window -t k -x 100 -y 32",
             k.t.sock);
    assert_int_equal(system(cmd), 0);
    keys(&k, "i");
    keys(&k, "1");
    keys(&k, "4");
    keys(&k, "4");
    expect_code(&k, "info", URL_INSURANCE);
    stop(&k);
}

/* The reminder's code for a renew card, the kiosk started with env. */
static void renew_code(const char *env, const char *conf)
{
    struct kiosk k;

    start_env(&k, env, "--lang en --demo-card renew", conf);
    keys(&k, "F2");
    tmux_expect(&k.t, "menu", NULL);
    keys(&k, "2");
    reminder_code(&k);
    stop(&k);
}

/* The monochrome theme and NO_COLOR leave the code its black and white:
 * it reads on a light terminal too, where reverse video would turn it
 * inside out. */
static void test_monochrome(void **state)
{
    (void)state;
    renew_code("", "[display]\ntheme = monochrome\n");
    terminal.fg = LIGHT_FG, terminal.bg = LIGHT_BG;
    renew_code("NO_COLOR=1", NULL);
    renew_code("", "[display]\ntheme = monochrome\n");
}

static int dark_terminal(void **state)
{
    (void)state;
    terminal.fg = DEFAULT_FG, terminal.bg = DEFAULT_BG;
    return 0;
}

/* A terminal with no colours at all: reverse video keeps dark modules
 * dark (on the usual dark terminal; nothing can on a light one). */
static void test_no_colours_at_all(void **state)
{
    (void)state;
    renew_code("TERM=vt220", NULL);
}

/* The codes carry the configured addresses. */
static void test_configured_urls(void **state)
{
    struct kiosk k;
    (void)state;
    start(&k, "--lang en --demo-card expired",
          "[urls]\ncard = https://example.org/renew?city=Tama&x=%41\n");
    keys(&k, "F2");
    tmux_expect(&k.t, "reminder", NULL);
    keys(&k, "4");
    keys(&k, "4");
    expect_code(&k, "reminder", "https://example.org/renew?city=Tama&x=%41");
    stop(&k);
}

/* ---- receipts ---- */

/* The one receipt file in dir, read whole; NULL when there is none. */
static uint8_t *receipt_in(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512] = "";
    int files = 0;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "receipt-", 8) == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            files++;
        }
    closedir(d);
    if (files == 0)
        return NULL;
    assert_int_equal(files, 1);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *buf = malloc(1 << 20);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_receipt_printed(void **state)
{
    struct kiosk k;
    char conf[256], spool[128], got[512];
    struct escpos_doc doc;
    size_t n = 0, bad;
    (void)state;
    snprintf(spool, sizeof spool, "/tmp/kiosk-spool-XXXXXX");
    assert_non_null(mkdtemp(spool));
    snprintf(conf, sizeof conf, "[kiosk]\nid = e2e-kiosk\n[printer]\n"
             "device = file:%s\n", spool);
    start(&k, "--lang en --demo-card fresh", conf);
    register_card(&k);
    tmux_expect(&k.t, "done", "Print a receipt");
    keys(&k, "5");
    tmux_expect(&k.t, "done", "Your receipt has been printed");
    tmux_capture(&k.t);
    assert_null(strstr(k.t.screen, "Print a receipt")); /* one per person */
    uint8_t *bytes = receipt_in(spool, &n);
    assert_non_null(bytes);
    assert_int_equal(escpos_parse(bytes, n, &doc, &bad), 0);
    assert_non_null(strstr(doc.text, "e2e-kiosk"));
    assert_int_equal(doc.images, 1);
    assert_int_equal(zbar_decode(&doc.image, 1, 0, got, sizeof got), 1);
    got[strcspn(got, "\n")] = '\0';
    assert_string_equal(got, URL_PORTAL);
    escpos_free(&doc);
    free(bytes);
    keys(&k, "2"); /* finish: the kiosk goes on */
    tmux_expect(&k.t, "remove-card", NULL);
    stop(&k);
    snprintf(conf, sizeof conf, "rm -rf '%s'", spool);
    assert_int_equal(system(conf), 0);
}

/* A printer that is not there, has no paper or takes nothing (a FIFO
 * nobody reads): said plainly, and the person goes on; the offer stays
 * for another try. */
static void test_printer_trouble(void **state)
{
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/kiosk-qr-lp-%d", (int)getpid());
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const struct {
        const char *device, *says;
    } cases[] = {
        { "/nonexistent/usb/lp0", "cannot be found" },
        { "/dev/full", "out of paper" },
        { fifo, "not ready" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct kiosk k;
        char conf[256];
        snprintf(conf, sizeof conf, "[printer]\ndevice = %s\n", cases[i].device);
        start(&k, "--lang en --demo-card renew", conf);
        keys(&k, "F2");
        tmux_expect(&k.t, "menu", NULL);
        keys(&k, "2");
        tmux_expect(&k.t, "reminder", "Print a receipt");
        keys(&k, "5");
        tmux_expect(&k.t, "reminder", cases[i].says);
        tmux_expect(&k.t, "reminder", "Print a receipt");
        keys(&k, "1");
        tmux_expect(&k.t, "menu", NULL);
        stop(&k);
    }
    unlink(fifo);
}

/* No printer configured: no offer anywhere. */
static void test_no_printer_no_offer(void **state)
{
    struct kiosk k;
    (void)state;
    start(&k, "--lang en --demo-card fresh", NULL);
    register_card(&k);
    tmux_capture(&k.t);
    assert_null(strstr(k.t.screen, "receipt"));
    keys(&k, "5");
    keys(&k, "1");
    tmux_expect(&k.t, "reminder", NULL);
    tmux_capture(&k.t);
    assert_null(strstr(k.t.screen, "receipt"));
    stop(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reminder_renew_card),
        cmocka_unit_test(test_reminder_expired_card_japanese),
        cmocka_unit_test(test_done_and_reminder_fresh_card),
        cmocka_unit_test(test_info_screens),
        cmocka_unit_test(test_larger_terminal),
        cmocka_unit_test_teardown(test_monochrome, dark_terminal),
        cmocka_unit_test(test_no_colours_at_all),
        cmocka_unit_test(test_configured_urls),
        cmocka_unit_test(test_receipt_printed),
        cmocka_unit_test(test_printer_trouble),
        cmocka_unit_test(test_no_printer_no_offer),
    };
    setlocale(LC_ALL, "C.UTF-8");
    return cmocka_run_group_tests_name("QR codes and receipts (tmux, zbarimg)",
                                       tests, NULL, NULL);
}
