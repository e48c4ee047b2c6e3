/*
 * receipt.c - see receipt.h.
 *
 * ESC/POS as Epson documents it for its Japanese models, the commands
 * every compatible printer takes: ESC @ (reset), FS C 1 and FS & (kanji
 * mode in Shift_JIS), ESC a (alignment), ESC E (bold), GS ! (size),
 * GS v 0 (raster image: rows of bytes, the leftmost dot in the high bit,
 * 1 is black), ESC d (feed) and GS V 66 (feed and cut).
 */
#include "kiosk/receipt.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/i18n.h"
#include "kiosk/jst.h"
#include "kiosk/qrcode.h"
#include "kiosk/textfmt.h"
#include "screens/layout.h"

#define LINES_MAX 32 /* of one paragraph at RECEIPT_COLUMNS */

/* A growing byte buffer; after a failed allocation it stays failed. */
struct buf {
    uint8_t *p;
    size_t n, cap;
    bool failed;
    iconv_t to_sjis;
};

static void put(struct buf *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void cmd(struct buf *b, int n, ...)
{
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        uint8_t c = (uint8_t)va_arg(ap, int);
        put(b, &c, 1);
    }
    va_end(ap);
}

/* The Japanese catalogue's text for msgid in UTF-8, whatever the
 * screen's language is and even under the ASCII interface: the receipt
 * goes to the printer, not to the terminal. */
__attribute__((format_arg(1)))
static const char *ja(const char *msgid)
{
    return i18n_printed_in(LANG_JA, msgid);
}

/* UTF-8 s[0..n) in Shift_JIS (CP932); a character it lacks prints "?". */
static void put_sjis(struct buf *b, const char *s, size_t n)
{
    char *in = (char *)s, out[256];
    size_t left = n;

    iconv(b->to_sjis, NULL, NULL, NULL, NULL);
    while (left > 0 && !b->failed) {
        char *o = out;
        size_t room = sizeof out;
        size_t rc = iconv(b->to_sjis, &in, &left, &o, &room);

        put(b, out, (size_t)(o - out));
        if (rc == (size_t)-1 && errno != E2BIG) {
            size_t skip = 1; /* past the whole UTF-8 character */
            while (skip < left && ((unsigned char)in[skip] & 0xC0) == 0x80)
                skip++;
            put(b, "?", 1);
            in += skip;
            left -= skip;
        }
    }
}

/* A paragraph broken into lines of RECEIPT_COLUMNS, each ended by LF. */
static void para(struct buf *b, const char *text)
{
    struct layout_line l[LINES_MAX];
    int n;

    if (!text) {
        b->failed = true;
        return;
    }
    n = layout_wrap(text, RECEIPT_COLUMNS, l, LINES_MAX);
    if (n < 0) {
        b->failed = true;
        return;
    }
    for (int i = 0; i < n && i < LINES_MAX; i++) {
        put_sjis(b, text + l[i].start, l[i].len);
        cmd(b, 1, '\n');
    }
}

/* A formatted paragraph, freed here. */
static void para_free(struct buf *b, char *text)
{
    para(b, text);
    free(text);
}

static void rule(struct buf *b)
{
    char line[RECEIPT_COLUMNS + 2];

    memset(line, '-', RECEIPT_COLUMNS);
    line[RECEIPT_COLUMNS] = '\n';
    put(b, line, RECEIPT_COLUMNS + 1);
}

static void align(struct buf *b, int how)
{
    cmd(b, 3, 0x1B, 'a', how); /* 0 left, 1 centre */
}

static void bold(struct buf *b, bool on)
{
    cmd(b, 3, 0x1B, 'E', on);
}

/* The code as a raster image, each module dots x dots, quiet zone
 * included. */
static void raster(struct buf *b, const struct qrcode *q, int dots)
{
    int modules = q->size + 2 * QR_QUIET, w = modules * dots;
    int row_bytes = (w + 7) / 8, h = w;

    cmd(b, 8, 0x1D, 'v', '0', 0, row_bytes & 0xFF, row_bytes >> 8, h & 0xFF,
        h >> 8);
    for (int y = 0; y < h; y++)
        for (int x0 = 0; x0 < row_bytes * 8; x0 += 8) {
            uint8_t byte = 0;
            for (int bit = 0; bit < 8; bit++) {
                int x = x0 + bit;
                if (x < w && qrcode_dark(q, x / dots - QR_QUIET,
                                         y / dots - QR_QUIET))
                    byte |= (uint8_t)(0x80 >> bit);
            }
            put(b, &byte, 1);
        }
}

/* A date as the Japanese catalogue writes it. */
static void jdate(char *buf, size_t n, const struct ymd *d)
{
    text_date_printed(buf, n, d, LANG_JA);
}

static void heading(struct buf *b, const struct receipt *r)
{
    struct ymd day = jst_ymd(r->when);
    struct tm tm;
    char date[64];

    jst_tm(r->when, &tm);
    jdate(date, sizeof date, &day);
    align(b, 1);
    cmd(b, 3, 0x1D, '!', 0x11); /* double width and height */
    para(b, ja(N_("マイナ保険証 receipt")));
    cmd(b, 3, 0x1D, '!', 0x00);
    para_free(b, text_fmt("%s %02d:%02d", date, tm.tm_hour, tm.tm_min));
    para_free(b, text_fmt(ja(N_("Kiosk: %s")),
                          r->kiosk_id ? r->kiosk_id : ""));
    align(b, 0);
    rule(b);
}

static const char *outcome_text(enum receipt_kind k)
{
    switch (k) {
    case RECEIPT_REGISTERED:
        return ja(N_("Your card has been registered as your health "
                     "insurance card (マイナ保険証)."));
    case RECEIPT_ALREADY:
        return ja(N_("Your card was already registered as your health "
                     "insurance card (マイナ保険証)."));
    case RECEIPT_REMINDER:
        return ja(N_("The expiry of the certificate on your card was "
                     "checked."));
    case RECEIPT_TEST:
        break;
    }
    return ja(N_("Test print. This is not a receipt."));
}

/* The card's own expiry, as far as the certificate tells it. */
static void card_itself(struct buf *b, const struct reminder *m)
{
    char last[64];

    jdate(last, sizeof last, &m->card_latest);
    if (m->card_known)
        para_free(b, text_fmt(ja(N_("The card itself: valid until %s. "
                                    "Renew it online, at a photo booth or "
                                    "by mail.")), last));
    else
        para_free(b, text_fmt(ja(N_("The card itself: valid until %s at "
                                    "the latest (see the card). Renew it "
                                    "online, at a photo booth or by "
                                    "mail.")), last));
}

/* The certificate's dates and what to do about them. */
static void certificate(struct buf *b, const struct reminder *m)
{
    char expiry[64], from[64], until[64];

    jdate(expiry, sizeof expiry, &m->expiry);
    jdate(from, sizeof from, &m->renew_from);
    jdate(until, sizeof until, &m->grace_until);
    bold(b, true);
    if (m->status >= CERT_GRACE)
        para_free(b, text_fmt(ja(N_("Certificate expired on: %s")), expiry));
    else
        para_free(b, text_fmt(ja(N_("Certificate valid until: %s")), expiry));
    bold(b, false);
    para_free(b, text_fmt(ja(N_("Renewal possible from: %s")), from));
    if (m->status == CERT_GRACE)
        para_free(b, text_fmt(ja(N_("Until %s the card works as a "
                                    "health insurance card only to show "
                                    "that you are insured. Please renew "
                                    "the certificate before then.")),
                              until));
    else if (m->status == CERT_LAPSED)
        para(b, ja(N_("Its use as a health insurance card has ended. Renew "
                      "the certificate at your municipal office, then "
                      "register the card again.")));
    para(b, ja(N_("Renew the certificate at your municipal office, with "
                  "your card and the expiry notice (有効期限通知書). It "
                  "cannot be renewed online.")));
    if (m->card_latest.y != 0)
        card_itself(b, m);
    para(b, ja(N_("If your address or name changes, report it at your "
                  "municipal office with your card, or the card stops "
                  "working.")));
}

static int code(struct buf *b, const char *url)
{
    struct qrcode q;

    if (qrcode_make(url, QR_MAX_VERSION, &q) != 0)
        return -1;
    rule(b);
    para(b, ja(N_("Scan this code with your phone for the instructions:")));
    align(b, 1);
    raster(b, &q, RECEIPT_DOTS_PER_MODULE);
    para(b, url);
    align(b, 0);
    qrcode_free(&q);
    return 0;
}

static void help(struct buf *b)
{
    rule(b);
    para(b, ja(N_("Help: マイナンバー総合フリーダイヤル 0120-95-0178")));
    para(b, ja(N_("Weekdays 9:30-20:00, weekends and holidays 9:30-17:30, "
                  "closed over the New Year. Lost or stolen cards are "
                  "stopped 24 hours a day.")));
}

int receipt_escpos(const struct receipt *r, uint8_t **out, size_t *n)
{
    struct buf b = { .to_sjis = iconv_open("CP932", "UTF-8") };
    int rc = 0;

    if (b.to_sjis == (iconv_t)-1)
        return -1;
    cmd(&b, 2, 0x1B, '@');              /* reset */
    cmd(&b, 3, 0x1C, 'C', 1);           /* kanji code: Shift_JIS */
    cmd(&b, 2, 0x1C, '&');              /* kanji mode on */
    heading(&b, r);
    bold(&b, true);
    para(&b, outcome_text(r->kind));
    bold(&b, false);
    if (r->has_cert && r->kind != RECEIPT_TEST)
        certificate(&b, &r->rem);
    if (r->url && code(&b, r->url) != 0)
        rc = -1;
    help(&b);
    cmd(&b, 3, 0x1B, 'd', 4);           /* feed past the cutter */
    cmd(&b, 4, 0x1D, 'V', 66, 0);       /* feed and cut */
    iconv_close(b.to_sjis);
    if (rc != 0 || b.failed) {
        free(b.p);
        return -1;
    }
    *out = b.p;
    *n = b.n;
    return 0;
}
