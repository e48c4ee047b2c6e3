/*
 * timeline.c - see timeline.h.
 */
#include "screens/timeline.h"

#include <string.h>

#include "kiosk/i18n.h"
#include "screens/layout.h"

#define MARKS_MAX 4
#define NAME_ROWS_MAX 2

struct mark {
    const char *name;
    struct ymd day;
    bool today;
};

/* The days in date order for the certificate's status; returns how many. */
static int marks(const struct reminder *r, struct mark *m)
{
    const struct mark today = { _("Today"), r->today, true };
    const struct mark opens = { _("Renewal opens"), r->renew_from, false };
    const struct mark ends = { r->status >= CERT_GRACE ? _("Expired")
                                                       : _("Expires"),
                               r->expiry, false };
    const struct mark grace = { r->status == CERT_LAPSED
                                    ? _("Insurance use ended")
                                    : _("Insurance use ends"),
                                r->grace_until, false };

    switch (r->status) {
    case CERT_VALID:
        m[0] = today, m[1] = opens, m[2] = ends;
        return 3;
    case CERT_RENEWAL_OPEN:
        m[0] = opens, m[1] = today, m[2] = ends;
        return 3;
    case CERT_GRACE:
        m[0] = opens, m[1] = ends, m[2] = today, m[3] = grace;
        return 4;
    case CERT_LAPSED:
        if (!r->grace_period) { /* insurance use ended with the expiry */
            m[0] = ends, m[1] = today;
            return 2;
        }
        m[0] = ends, m[1] = grace, m[2] = today;
        return 3;
    }
    return 0;
}

/* How wide a name or a date may be. The first is left-aligned at its
 * tick, the last right-aligned, the others centred; with every text at
 * most two thirds of the distance between ticks, no two ever touch. */
static int slot_width(const struct ui *u, int n)
{
    int gap = n > 1 ? (u->cw - 1) / (n - 1) : u->cw;

    return 2 * gap / 3 - 1;
}

static int name_rows(const struct ui *u, const struct mark *m, int n)
{
    int rows = 1, w = slot_width(u, n);

    for (int i = 0; i < n; i++) {
        int k = ui_text_rows(m[i].name, w);
        if (k > rows)
            rows = k;
    }
    return rows > NAME_ROWS_MAX ? NAME_ROWS_MAX : rows;
}

int ui_timeline_rows(const struct ui *u, const struct reminder *r)
{
    struct mark m[MARKS_MAX];
    int n = marks(r, m);

    return name_rows(u, m, n) + 2; /* names, the line, the dates */
}

/* The column where day i's tick sits: the first at the left end, the
 * last at the right end, the rest evenly between. */
static int tick_x(const struct ui *u, int i, int n)
{
    return u->cx + (n > 1 ? i * (u->cw - 1) / (n - 1) : 0);
}

/* Text w columns wide placed for tick x: left-aligned at the first tick,
 * right-aligned at the last, centred on the others. */
static int text_x(const struct ui *u, int i, int n, int w)
{
    int x = tick_x(u, i, n);

    if (i == 0)
        return x;
    if (i == n - 1)
        return x - w + 1;
    return x - w / 2;
}

static void draw_name(struct ui *u, const struct mark *m, int i, int n,
                      int rows)
{
    int w = slot_width(u, n), shown = layout_width(m->name);

    if (shown > w)
        shown = w;
    /* Names sit on the line: a one-row name in the lower of two rows. */
    int used = ui_text_rows(m->name, w);
    int y = u->y + rows - (used < rows ? used : rows);

    ui_text_at(u, y, text_x(u, i, n, shown), w, rows, m->name,
               m->today ? UI_STRONG : UI_TEXT);
}

/* The line and a tick for each day; plain ASCII in the ASCII interface,
 * like the frame. */
static void draw_line(const struct ui *u, const struct mark *m, int n, int y)
{
    bool ascii = i18n_ascii();

    mvhline(y, u->cx, ascii ? '-' : ACS_HLINE, u->cw);
    for (int i = 0; i < n; i++) {
        chtype tick = ascii ? '+' : i == 0 ? ACS_LTEE
                                  : i == n - 1 ? ACS_RTEE : ACS_PLUS;
        mvaddch(y, tick_x(u, i, n), tick | (m[i].today ? A_REVERSE : 0));
    }
}

void ui_timeline(struct ui *u, const struct reminder *r)
{
    struct mark m[MARKS_MAX];
    int n = marks(r, m), rows = name_rows(u, m, n);
    char date[64];

    ui_date(date, sizeof date, &r->expiry);
    if (n == 0 || u->ybot - u->y < rows + 2 ||
        slot_width(u, n) < layout_width(date) + 1)
        return;
    for (int i = 0; i < n; i++)
        draw_name(u, &m[i], i, n, rows);
    draw_line(u, m, n, u->y + rows);
    for (int i = 0; i < n; i++) {
        ui_date(date, sizeof date, &m[i].day);
        int w = layout_width(date);
        attr_t a = ui_attr(m[i].today ? UI_STRONG : UI_TEXT);

        attron(a);
        mvaddstr(u->y + rows + 1, text_x(u, i, n, w), date);
        attroff(a);
    }
    u->y += rows + 2;
}
