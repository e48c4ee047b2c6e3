/*
 * config.h - the kiosk's INI configuration (config/kiosk.conf documents
 * every key with its default).
 *
 *   [kiosk]  id, language, languages, idle_timeout, prompt_timeout,
 *            card_alarm, bell
 *   [display] theme
 *   [a11y]   speak
 *   [reader] name
 *   [ledger] path
 *   [trust]  anchor (repeatable)
 *   [urls]   portal, card, insurance
 *   [printer] device
 *   [auth]   methods
 *   [face]   command, timeout
 *   [staff]  code (repeatable), lockout
 *   [demo]   card, and the limits of the public demo over SSH (--public):
 *            sessions, slot_dir, session_length, idle_timeout, memory,
 *            processes, open_files, cpu_seconds
 *
 * Fixed-size fields, so a struct config is plain data that can be copied.
 * Every value is checked when loaded; a program holding a struct config
 * from config_defaults() and config_load() can use it without checks.
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "kiosk/staff.h"

#define CONFIG_ID_MAX 32       /* characters of [kiosk] id */
#define CONFIG_PATH_MAX 256    /* bytes of a path, with the NUL */
#define CONFIG_URL_MAX 256     /* bytes of a URL, with the NUL */
#define CONFIG_ANCHORS_MAX 8   /* [trust] anchor lines */
#define CONFIG_STAFF_MAX 32    /* [staff] code lines */

struct config {
    char kiosk_id[CONFIG_ID_MAX + 1]; /* letters, digits, '.', '_', '-' */
    char language[8];                 /* a lang_code(): "ja", "ja@easy"... */
    char languages[160];              /* lang_codes offered, in order */
    int idle_timeout;                 /* seconds, 10..3600 */
    int prompt_timeout;               /* seconds, 5..600 */
    int card_alarm;                   /* seconds, 5..600 */
    bool bell;
    char theme[16];                   /* colour, high-contrast, monochrome */
    char speak[CONFIG_PATH_MAX];      /* [a11y] speech command; "": none */
    char ledger_path[CONFIG_PATH_MAX];
    int n_anchors;
    char anchors[CONFIG_ANCHORS_MAX][CONFIG_PATH_MAX]; /* PEM files */
    char url_portal[CONFIG_URL_MAX];    /* all https:// */
    char url_card[CONFIG_URL_MAX];
    char url_insurance[CONFIG_URL_MAX];
    char printer[CONFIG_PATH_MAX]; /* [printer] device: a device such as
                                      /dev/usb/lp0, or "file:DIR"; "": none */
    char demo_card[16]; /* fresh, renew, expired, last-try, locked, foreign */
    char reader_name[128]; /* a part of the reader's name; "": the first
                              reader that gets a card */
    /* [demo] limits of one visitor's session of the public demo */
    int demo_sessions;         /* sessions at once, 1..1000 */
    char demo_slot_dir[CONFIG_PATH_MAX]; /* their lock files, absolute */
    int demo_session_length;   /* seconds, 60..86400 */
    int demo_idle;             /* seconds without input, 30..3600 */
    int demo_memory;           /* MiB of address space, 0 (none) or 64..65536 */
    int demo_processes;        /* per session, 1..1000 */
    int demo_open_files;       /* 16..4096 */
    int demo_cpu;              /* CPU seconds, 1..86400 */
    /* the alternatives to the PIN, and staff */
    unsigned auth_methods;     /* [auth] methods: AUTH_BIT()s; pin */
    bool auth_methods_set;     /* given in the file (--demo's default: all) */
    char face_command[CONFIG_PATH_MAX]; /* absolute program and its
                                           arguments; "": none */
    int face_timeout;          /* seconds, 5..120 */
    int n_staff;
    struct staff_entry staff[CONFIG_STAFF_MAX]; /* "ID:HASH", ids unique */
    int staff_lockout;         /* seconds, 60..86400 */
};

/* The shipped defaults: id kiosk-01, ja, 60/30/30 s, bell on,
 * /var/lib/kiosk/ledger.db, no anchors, the rules.md URLs, demo "fresh";
 * public demo: 10 sessions in /var/lib/kiosk-demo/slots, 900 s each, 300 s
 * idle, 256 MiB, 8 processes, 64 open files, 60 CPU seconds; [auth]
 * methods pin, face time-out 20 s, no staff codes, staff lockout 300 s. */
void config_defaults(struct config *cfg);

/* Read the INI file at path over *cfg (call config_defaults() first):
 * each key in the file replaces that value, each anchor is added to those
 * already there. Returns 0, or -1 with *cfg unchanged and a translated
 * message in err: "PATH:LINE: what is wrong" for the first problem in the
 * file (unknown section or key, bad value, value out of range, too long,
 * too many anchors, a key given twice, a syntax error, a line too long
 * for inih), or "PATH: cannot open: reason". */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

#endif
