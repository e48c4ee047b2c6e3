/*
 * config.h - the kiosk's INI configuration (config/kiosk.conf documents
 * every key with its default).
 *
 *   [kiosk]  id, language, idle_timeout, prompt_timeout, card_alarm, bell
 *   [ledger] path
 *   [trust]  anchor (repeatable)
 *   [urls]   portal, card, insurance
 *   [demo]   card
 *
 * Fixed-size fields, so a struct config is plain data that can be copied.
 * Every value is checked when loaded; a program holding a struct config
 * from config_defaults() and config_load() can use it without checks.
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_ID_MAX 32       /* characters of [kiosk] id */
#define CONFIG_PATH_MAX 256    /* bytes of a path, with the NUL */
#define CONFIG_URL_MAX 256     /* bytes of a URL, with the NUL */
#define CONFIG_ANCHORS_MAX 8   /* [trust] anchor lines */

struct config {
    char kiosk_id[CONFIG_ID_MAX + 1]; /* letters, digits, '.', '_', '-' */
    char language[8];                 /* a lang_code(): "ja" or "en" */
    int idle_timeout;                 /* seconds, 10..3600 */
    int prompt_timeout;               /* seconds, 5..600 */
    int card_alarm;                   /* seconds, 5..600 */
    bool bell;
    char ledger_path[CONFIG_PATH_MAX];
    int n_anchors;
    char anchors[CONFIG_ANCHORS_MAX][CONFIG_PATH_MAX]; /* PEM files */
    char url_portal[CONFIG_URL_MAX];    /* all https:// */
    char url_card[CONFIG_URL_MAX];
    char url_insurance[CONFIG_URL_MAX];
    char demo_card[16]; /* fresh, renew, expired, last-try, locked, foreign */
};

/* The shipped defaults: id kiosk-01, ja, 60/30/30 s, bell on,
 * /var/lib/kiosk/ledger.db, no anchors, the rules.md URLs, demo "fresh". */
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
