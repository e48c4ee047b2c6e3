/*
 * ui.h - the drawing pieces every screen shares, on stdscr.
 *
 * A screen draws into a frame centred on the terminal: a title bar with
 * the clock, a body, and a footer that always holds the way out (the
 * button Esc presses) and, in demo mode, the demo controls. Inside the
 * body, text goes down from the top (ui_para...) and buttons come up
 * from the bottom (ui_buttons), so they never overlap: a screen places its
 * buttons first, then its words. Text that still does not fit is cut with
 * "..." and u->overflow is set, so a test can tell.
 *
 * Every button drawn is recorded in the hitmap with its rectangle: a click
 * or a tap on it is the same as its key.
 *
 * ui.c: attributes, frame, footer, buttons; ui_text.c: paragraphs and
 * common sentences; keypad.c: the PIN keypad and masks.
 */
#ifndef SCREENS_UI_H
#define SCREENS_UI_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "kiosk/textfmt.h"
#include "screens/screen.h"

/* The frame grows with the terminal up to this; beyond it, it is centred
 * (lines longer than this are hard to read). */
#define UI_MAX_COLS 96
#define UI_MAX_LINES 30

/* What a piece of text is; ui_attr() turns it into attributes that read
 * without colour too (bold, reverse). */
enum ui_role {
    UI_TEXT,
    UI_STRONG,  /* the sentence that says what to do now */
    UI_TITLE,
    UI_WARN,    /* wrong PIN, last try, locked */
    UI_ALARM,   /* card left behind: reverse, loud */
    UI_GOOD,    /* done */
    UI_BUTTON,
    UI_FOCUS,   /* the focused button: reverse video */
};

struct ui {
    const struct view *v;
    const struct ui_extra *x;
    struct hitmap *hits;
    int top, left, h, w;   /* the frame */
    int bx, bw;            /* the body's first column and width */
    int cx, cw;            /* the column text goes into (ui_column) */
    int y;                 /* next free row for text, from the top */
    int ybot;              /* rows from here down are buttons and footer */
    bool drawn[VIEW_MAX_BUTTONS]; /* the view's buttons already placed */
    bool overflow;         /* some text did not fit and was cut */
};

/* Colours, once after initscr(); without colour the roles still read. */
void ui_init_colours(void);
attr_t ui_attr(enum ui_role r);

/* Work out the frame for the terminal's size and clear the hitmap. */
void ui_begin(struct ui *u, const struct view *v, const struct ui_extra *x,
              struct hitmap *hits);
/* Put the frame at rows [top, top+h) and columns [left, left+w) instead,
 * before ui_frame() (the QR code page gives the frame what the code
 * leaves of the terminal). */
void ui_place(struct ui *u, int top, int left, int h, int w);
/* Frame, title bar (title, clock), footer (Esc button, help number, demo
 * line); leaves u->y at the body's top and u->ybot at its bottom. */
void ui_frame(struct ui *u, const char *title);

/* Text goes into columns [x, x+w) of the body from now on; ui_column_reset
 * goes back to the whole body width. */
void ui_column(struct ui *u, int x, int w);
void ui_column_reset(struct ui *u);

/* Rows the text needs at width w. */
int ui_text_rows(const char *text, int w);
/* Draw text wrapped into the rectangle (y, x, rows, w); returns the rows
 * used. Cuts with "..." and sets u->overflow when it does not fit. */
int ui_text_at(struct ui *u, int y, int x, int w, int rows, const char *text,
               enum ui_role r);
/* Add text to the screen's words for the speech hook (ui_para, the title
 * and the buttons do it themselves). */
void ui_say(struct ui *u, const char *text);
/* A paragraph in the current column at u->y, which moves down past it. */
void ui_para(struct ui *u, const char *text, enum ui_role r);
/* One blank row, when there is room for it. */
void ui_gap(struct ui *u);
/* Paragraphs with a blank row between them when all fit that way, packed
 * together when not. roles may be NULL (all UI_TEXT); a NULL text is
 * left out. */
void ui_paras(struct ui *u, const char *const *texts,
              const enum ui_role *roles, int n);
/* Rows those paragraphs need in the current column, packed together. */
int ui_paras_rows(const struct ui *u, const char *const *texts, int n);
/* A line centred in the current column at u->y. */
void ui_centre(struct ui *u, const char *text, enum ui_role r);

/* The help line with its hours, as a paragraph. */
void ui_help(struct ui *u);
/* "Please wait" on its own line (no spinner: nothing moves when idle). */
void ui_wait(struct ui *u, const char *text);

/* A button's translated label and its key as written on it ("Esc",
 * "Enter", "BS", "1"); buf holds the key's name for plain characters. */
const char *ui_label(const struct button *b);
const char *ui_key_name(int key, char buf[2]);
int ui_button_width(const struct button *b);
/* Draw the view's button i at (y, x), record it; returns its width. */
int ui_button(struct ui *u, int i, int y, int x);
/* The index of the view's first button doing act, or -1. */
int ui_find(const struct view *v, enum action act);

/* Every button not yet drawn, in rows at the bottom of the body. */
void ui_buttons(struct ui *u);
/* Every button not yet drawn, one a row, from u->y down (the menu). */
void ui_button_list(struct ui *u);

/* The PIN keypad (digits, correction, OK from the view's buttons) with
 * its top-left corner at (y, x) in at most rows rows; returns rows used. */
int ui_keypad(struct ui *u, int y, int x, int rows);
int ui_keypad_width(const struct ui *u);
/* [*][*][ ][ ] for len digits typed of PIN_DIGITS, at u->y. */
void ui_pin_masks(struct ui *u, int len);

/* A formatted text on the heap (free() it), and a date as the language
 * writes it: kiosk/textfmt.h's, which the printed receipt shares. */
#define ui_fmt(...) text_fmt(__VA_ARGS__)
#define ui_date(buf, n, d) text_date(buf, n, d)

/* The screens, one file each; screens.c picks one by view->state. */
void draw_attract(struct ui *u);
void draw_reading(struct ui *u);
void draw_card_error(struct ui *u);
void draw_menu(struct ui *u);
void draw_terms(struct ui *u);
void draw_auth_choice(struct ui *u);
void draw_pin(struct ui *u);
void draw_confirm(struct ui *u);
void draw_registering(struct ui *u);
void draw_outcome(struct ui *u);  /* done, already registered, failed */
void draw_reminder(struct ui *u);
/* The reminder's first sentence about the certificate (valid until,
 * expires in, expired on), for other screens; heap, or NULL. */
char *reminder_headline(const struct reminder *r, enum ui_role *role);
void draw_info(struct ui *u);      /* the information screens */
/* An information topic's title (enum info_topic), translated. */
const char *info_topic_title(int topic);
void draw_remove_card(struct ui *u);
void draw_timeout_prompt(struct ui *u);
void draw_out_of_service(struct ui *u);
void draw_language(struct ui *u);
void draw_face_check(struct ui *u); /* the matcher, the staff check */
void draw_staff(struct ui *u);      /* staff mode */
/* Below SCREEN_MIN_COLS x SCREEN_MIN_LINES: no frame, whole terminal. */
void draw_enlarge(void);

#endif
