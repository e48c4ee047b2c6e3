/*
 * config.c - the INI configuration through inih (contract: config.h).
 *
 * inih parses; this file checks values and names the line of the first
 * problem. inih's handler gets no line number in Debian's build
 * (INI_HANDLER_LINENO 0) and parsing goes on after an error, so the
 * reader function below counts lines itself and stops the parse at the
 * first error this file finds. inih's own syntax errors come back as the
 * line number ini_parse_stream() returns, which counts lines the same way
 * as long as no line overflows inih's buffer (INI_MAX_LINE, 200 in
 * Debian's build); the reader rejects such a line instead of letting inih
 * cut it in two.
 */
#include "kiosk/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "kiosk/auth.h"
#include "kiosk/i18n.h"
#include "kiosk/qrcode.h"
#include "reader/simcard.h"

#define DEFAULT_LEDGER "/var/lib/kiosk/ledger.db"
#define CONFIG_LANGUAGES "ja, en, ja@easy, zh_CN, zh_TW, ko, vi, pt_BR, es, tl, ne, id, th"
#define DEFAULT_SLOT_DIR "/var/lib/kiosk-demo/slots"
#define DEFAULT_PORTAL "https://myna.go.jp/"
#define DEFAULT_CARD_URL "https://www.kojinbango-card.go.jp/"
#define DEFAULT_INSURANCE "https://www.gov-online.go.jp/article/202407/entry-6238.html"

void config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->kiosk_id, sizeof cfg->kiosk_id, "kiosk-01");
    snprintf(cfg->language, sizeof cfg->language, "ja");
    snprintf(cfg->languages, sizeof cfg->languages, "%s", CONFIG_LANGUAGES);
    snprintf(cfg->theme, sizeof cfg->theme, "colour");
    cfg->idle_timeout = 60;
    cfg->prompt_timeout = 30;
    cfg->card_alarm = 30;
    cfg->bell = true;
    snprintf(cfg->ledger_path, sizeof cfg->ledger_path, DEFAULT_LEDGER);
    snprintf(cfg->url_portal, sizeof cfg->url_portal, DEFAULT_PORTAL);
    snprintf(cfg->url_card, sizeof cfg->url_card, DEFAULT_CARD_URL);
    snprintf(cfg->url_insurance, sizeof cfg->url_insurance, DEFAULT_INSURANCE);
    snprintf(cfg->demo_card, sizeof cfg->demo_card, "fresh");
    cfg->auth_methods = AUTH_BIT(AUTH_PIN);
    cfg->face_timeout = 20;
    cfg->staff_lockout = 300;
    cfg->demo_sessions = 10;
    snprintf(cfg->demo_slot_dir, sizeof cfg->demo_slot_dir, DEFAULT_SLOT_DIR);
    cfg->demo_session_length = 900;
    cfg->demo_idle = 300;
    cfg->demo_memory = 256;
    cfg->demo_processes = 8;
    cfg->demo_open_files = 64;
    cfg->demo_cpu = 60;
}

enum kind {
    K_ID,      /* letters, digits, '.', '_', '-' */
    K_LANG,    /* a lang_code() */
    K_SECONDS, /* whole seconds in [min, max] */
    K_BOOL,    /* yes or no */
    K_PATH,    /* any non-empty text */
    K_ANCHOR,  /* a path, appended to anchors[] */
    K_URL,     /* https://... */
    K_DEMO,    /* a simulated card's profile */
    K_LANGS,   /* lang_codes separated by commas or blanks */
    K_THEME,   /* colour, high-contrast or monochrome */
    K_COUNT,   /* a whole number in [min, max] */
    K_MEMORY,  /* MiB: 0 (no limit) or in [min, max] */
    K_DIR,     /* an absolute path */
    K_PRINTER, /* an absolute device path, or file: and an absolute dir */
    K_METHODS, /* [auth] methods: pin, face, staff */
    K_COMMAND, /* an absolute program path and its arguments */
    K_STAFF,   /* ID:HASH, appended to staff[] */
};

struct key {
    const char *section;
    const char *name;
    enum kind kind;
    size_t offset; /* of the field in struct config */
    size_t size;   /* of a text field, with the NUL */
    int min, max;  /* of K_SECONDS, K_COUNT, K_MEMORY */
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct key keys[] = {
    { "kiosk", "id", K_ID, FIELD(kiosk_id), 0, 0 },
    { "kiosk", "language", K_LANG, FIELD(language), 0, 0 },
    { "kiosk", "idle_timeout", K_SECONDS, FIELD(idle_timeout), 10, 3600 },
    { "kiosk", "prompt_timeout", K_SECONDS, FIELD(prompt_timeout), 5, 600 },
    { "kiosk", "card_alarm", K_SECONDS, FIELD(card_alarm), 5, 600 },
    { "kiosk", "bell", K_BOOL, FIELD(bell), 0, 0 },
    { "kiosk", "languages", K_LANGS, FIELD(languages), 0, 0 },
    { "display", "theme", K_THEME, FIELD(theme), 0, 0 },
    { "a11y", "speak", K_PATH, FIELD(speak), 0, 0 },
    { "reader", "name", K_PATH, FIELD(reader_name), 0, 0 },
    { "ledger", "path", K_PATH, FIELD(ledger_path), 0, 0 },
    { "trust", "anchor", K_ANCHOR, FIELD(anchors[0]), 0, 0 },
    { "urls", "portal", K_URL, FIELD(url_portal), 0, 0 },
    { "urls", "card", K_URL, FIELD(url_card), 0, 0 },
    { "urls", "insurance", K_URL, FIELD(url_insurance), 0, 0 },
    { "printer", "device", K_PRINTER, FIELD(printer), 0, 0 },
    { "demo", "card", K_DEMO, FIELD(demo_card), 0, 0 },
    { "auth", "methods", K_METHODS, FIELD(auth_methods), 0, 0 },
    { "face", "command", K_COMMAND, FIELD(face_command), 0, 0 },
    { "face", "timeout", K_SECONDS, FIELD(face_timeout), 5, 120 },
    { "staff", "code", K_STAFF, FIELD(staff[0]), 0, 0 },
    { "staff", "lockout", K_SECONDS, FIELD(staff_lockout), 60, 86400 },
    { "demo", "sessions", K_COUNT, FIELD(demo_sessions), 1, 1000 },
    { "demo", "slot_dir", K_DIR, FIELD(demo_slot_dir), 0, 0 },
    { "demo", "session_length", K_SECONDS, FIELD(demo_session_length), 60, 86400 },
    { "demo", "idle_timeout", K_SECONDS, FIELD(demo_idle), 30, 3600 },
    { "demo", "memory", K_MEMORY, FIELD(demo_memory), 64, 65536 },
    { "demo", "processes", K_COUNT, FIELD(demo_processes), 1, 1000 },
    { "demo", "open_files", K_COUNT, FIELD(demo_open_files), 16, 4096 },
    { "demo", "cpu_seconds", K_SECONDS, FIELD(demo_cpu), 1, 86400 },
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* One parse: the configuration being built and where the reader is. */
struct parse {
    struct config cfg;
    FILE *f;
    int line;              /* the line inih is working on */
    int section_line;      /* where the current [section] started */
    bool indented;         /* the current line starts with a blank */
    bool keys_in_section;  /* a key came since the last [section] */
    int seen[NKEYS];       /* line of each key's first use, 0: not yet */
    int read_errno;        /* the file could not be read */
    int err_line;          /* the first error's line, 0: none */
    char msg[256];         /* its message */
};

/* Record the first error at `line`; returns 0, what inih's handler
 * returns for an error. */
__attribute__((format(printf, 3, 4)))
static int fail_at(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;

    if (p->err_line != 0)
        return 0;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof p->msg, fmt, ap);
    va_end(ap);
    p->err_line = line;
    return 0;
}

/* The start of a line, past a UTF-8 byte order mark on line 1 (inih skips
 * it too). */
static const char *line_start(const struct parse *p, const char *s)
{
    if (p->line == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
        return s + 3;
    return s;
}

/* Note what inih needs to know about a line it is about to see: its
 * number, whether it opens a section, whether it is indented (which inih
 * reads as the continuation of the previous value). */
static void note_line(struct parse *p, const char *s)
{
    const char *start = line_start(p, s);

    p->indented = *start == ' ' || *start == '\t';
    start += strspn(start, " \t");
    if (*start == '[') {
        p->section_line = p->line;
        p->keys_in_section = false;
    }
}

/* inih's fgets-style reader: count lines, refuse an overlong one, and
 * end the parse once an error is recorded. */
static char *read_line(char *buf, int size, void *stream)
{
    struct parse *p = stream;
    size_t len;

    if (p->err_line != 0)
        return NULL;
    if (fgets(buf, size, p->f) == NULL) {
        if (ferror(p->f))
            p->read_errno = errno;
        return NULL;
    }
    p->line++;
    len = strlen(buf);
    if (len == (size_t)size - 1 && buf[len - 1] != '\n') {
        int c = getc(p->f);

        if (c != EOF) {
            fail_at(p, p->line, _("line too long (at most %d characters)"), size - 3);
            return NULL;
        }
    }
    note_line(p, buf);
    return buf;
}

static const struct key *find_key(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

static bool known_section(const char *section)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0)
            return true;
    return false;
}

/* Copy value into a text field, if it fits. */
static int set_text(struct parse *p, const struct key *k, char *field, const char *value)
{
    size_t n = strlen(value);

    if (n == 0)
        return fail_at(p, p->line, _("%s needs a value"), k->name);
    if (n >= k->size)
        return fail_at(p, p->line, _("%s is too long (at most %zu characters)"), k->name,
                       k->size - 1);
    memcpy(field, value, n + 1);
    return 1;
}

static int set_id(struct parse *p, const struct key *k, char *field, const char *value)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

    if (strspn(value, ok) != strlen(value))
        return fail_at(p, p->line, _("%s may contain only letters, digits, '.', '_' and '-'"),
                       k->name);
    return set_text(p, k, field, value);
}

static int set_lang(struct parse *p, const struct key *k, char *field, const char *value)
{
    char codes[128] = "";

    if (lang_from_code(value) >= 0)
        return set_text(p, k, field, value);
    for (int l = 0; l < LANG_COUNT; l++) {
        strncat(codes, l ? ", " : "", sizeof codes - strlen(codes) - 1);
        strncat(codes, lang_code((enum lang)l), sizeof codes - strlen(codes) - 1);
    }
    return fail_at(p, p->line, _("%s must be one of: %s"), k->name, codes);
}

static int set_langs(struct parse *p, const struct key *k, char *field, const char *value)
{
    enum lang list[LANG_COUNT];
    size_t bad = 0, len;

    if (lang_parse_list(value, list, LANG_COUNT, &bad) > 0)
        return set_text(p, k, field, value);
    len = strcspn(value + bad, ", \t");
    if (len == 0)
        return fail_at(p, p->line, _("%s needs a value"), k->name);
    return fail_at(p, p->line, _("%s: unknown language \"%.*s\" (known: %s)"), k->name,
                   (int)len, value + bad, CONFIG_LANGUAGES);
}

static int set_theme(struct parse *p, const struct key *k, char *field, const char *value)
{
    if (strcmp(value, "colour") == 0 || strcmp(value, "high-contrast") == 0 ||
        strcmp(value, "monochrome") == 0)
        return set_text(p, k, field, value);
    return fail_at(p, p->line, _("%s must be one of: colour, high-contrast, monochrome"),
                   k->name);
}

static int set_seconds(struct parse *p, const struct key *k, int *field, const char *value)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (*value < '0' || *value > '9' || *end != '\0' || errno == ERANGE)
        return fail_at(p, p->line, _("%s: \"%s\" is not a whole number of seconds"), k->name,
                       value);
    if (v < k->min || v > k->max)
        return fail_at(p, p->line, _("%s must be between %d and %d seconds"), k->name, k->min,
                       k->max);
    *field = (int)v;
    return 1;
}

static int set_bool(struct parse *p, const struct key *k, bool *field, const char *value)
{
    if (strcasecmp(value, "yes") == 0)
        *field = true;
    else if (strcasecmp(value, "no") == 0)
        *field = false;
    else
        return fail_at(p, p->line, _("%s must be yes or no"), k->name);
    return 1;
}

static int add_anchor(struct parse *p, const struct key *k, const char *value)
{
    if (p->cfg.n_anchors == CONFIG_ANCHORS_MAX)
        return fail_at(p, p->line, _("too many anchors (at most %d)"), CONFIG_ANCHORS_MAX);
    if (!set_text(p, k, p->cfg.anchors[p->cfg.n_anchors], value))
        return 0;
    p->cfg.n_anchors++;
    return 1;
}

/* An https:// address: the QR codes send phones there. */
static int set_url(struct parse *p, const struct key *k, char *field, const char *value)
{
    static const char scheme[] = "https://";
    size_t n = strlen(scheme);

    if (strncmp(value, scheme, n) != 0 || value[n] == '\0' || strpbrk(value, " \t") != NULL)
        return fail_at(p, p->line, _("%s must be an address that starts with https://"),
                       k->name);
    if (!qrcode_fits(value, QR_MAX_VERSION))
        return fail_at(p, p->line,
                       _("%s is too long for a QR code that fits an 80x24 screen "
                         "(62 characters always fit)"), k->name);
    return set_text(p, k, field, value);
}

/* Where receipts go: a device such as /dev/usb/lp0, or file:DIR. */
static int set_printer(struct parse *p, const struct key *k, char *field, const char *value)
{
    const char *path = strncmp(value, "file:", 5) == 0 ? value + 5 : value;

    if (*path != '/')
        return fail_at(p, p->line,
                       _("%s must be a device such as /dev/usb/lp0, or file: and "
                         "a directory, both absolute"), k->name);
    return set_text(p, k, field, value);
}

static int set_demo(struct parse *p, const struct key *k, char *field, const char *value)
{
    enum sim_profile profile;

    if (sim_profile_parse(value, &profile) == 0)
        return set_text(p, k, field, value);
    return fail_at(p, p->line,
                   _("%s must be one of: fresh, renew, expired, last-try, locked, foreign"),
                   k->name);
}

/* A whole number in [min, max]; for K_MEMORY also 0, "no limit". */
static int set_count(struct parse *p, const struct key *k, int *field, const char *value)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(value, &end, 10);
    if (*value < '0' || *value > '9' || *end != '\0' || errno == ERANGE)
        return fail_at(p, p->line, _("%s: \"%s\" is not a whole number"), k->name, value);
    if (k->kind == K_MEMORY && v == 0) {
        *field = 0;
        return 1;
    }
    if (v < k->min || v > k->max) {
        if (k->kind == K_MEMORY)
            return fail_at(p, p->line, _("%s must be 0 (no limit) or between %d and %d MiB"),
                           k->name, k->min, k->max);
        return fail_at(p, p->line, _("%s must be between %d and %d"), k->name, k->min, k->max);
    }
    *field = (int)v;
    return 1;
}

static int set_dir(struct parse *p, const struct key *k, char *field, const char *value)
{
    if (value[0] != '/')
        return fail_at(p, p->line, _("%s must be an absolute path (starting with /)"), k->name);
    return set_text(p, k, field, value);
}

static int set_methods(struct parse *p, const struct key *k, const char *value)
{
    const char *bad;
    unsigned bits;

    if (auth_methods_parse(value, &bits, &bad) != 0) {
        size_t len = strcspn(bad, ", \t");

        if (len == 0)
            return fail_at(p, p->line, _("%s needs at least one of: pin, face, staff"),
                           k->name);
        return fail_at(p, p->line,
                       _("%s: \"%.*s\" is not one of pin, face, staff, or comes twice"),
                       k->name, (int)len, bad);
    }
    p->cfg.auth_methods = bits;
    p->cfg.auth_methods_set = true;
    return 1;
}

/* The matcher is started without a shell: its program by absolute path. */
static int set_command(struct parse *p, const struct key *k, char *field, const char *value)
{
    if (value[0] != '/')
        return fail_at(p, p->line,
                       _("%s must start with the program's absolute path (starting with /)"),
                       k->name);
    return set_text(p, k, field, value);
}

/* "ID:HASH": who the staff member is (the ledger's staff id) and the
 * crypt(3) hash of their code (kiosk --hash-staff-code makes one). */
static int add_staff(struct parse *p, const struct key *k, const char *value)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    const char *colon = strchr(value, ':');
    size_t idlen = colon ? (size_t)(colon - value) : 0;
    struct staff_entry *e = &p->cfg.staff[p->cfg.n_staff];

    if (p->cfg.n_staff == CONFIG_STAFF_MAX)
        return fail_at(p, p->line, _("too many staff codes (at most %d)"), CONFIG_STAFF_MAX);
    if (idlen == 0 || idlen > AUTH_ID_MAX || strspn(value, ok) != idlen)
        return fail_at(p, p->line,
                       _("%s must be ID:HASH, the ID 1 to %d letters, digits, '.', '_' or "
                         "'-'"), k->name, AUTH_ID_MAX);
    if (!staff_hash_ok(colon + 1))
        return fail_at(p, p->line,
                       _("%s: the hash must be a yescrypt ($y$) or SHA-512 ($6$) crypt "
                         "hash, as kiosk --hash-staff-code prints"), k->name);
    for (int i = 0; i < p->cfg.n_staff; i++)
        if (strlen(p->cfg.staff[i].id) == idlen &&
            strncmp(p->cfg.staff[i].id, value, idlen) == 0)
            return fail_at(p, p->line, _("staff id \"%.*s\" is given twice"), (int)idlen,
                           value);
    memcpy(e->id, value, idlen);
    e->id[idlen] = '\0';
    snprintf(e->hash, sizeof e->hash, "%s", colon + 1);
    p->cfg.n_staff++;
    return 1;
}

static int set_value(struct parse *p, const struct key *k, const char *value)
{
    char *field = (char *)&p->cfg + k->offset;

    switch (k->kind) {
    case K_ID: return set_id(p, k, field, value);
    case K_LANG: return set_lang(p, k, field, value);
    case K_SECONDS: return set_seconds(p, k, (int *)(void *)field, value);
    case K_BOOL: return set_bool(p, k, (bool *)(void *)field, value);
    case K_PATH: return set_text(p, k, field, value);
    case K_ANCHOR: return add_anchor(p, k, value);
    case K_URL: return set_url(p, k, field, value);
    case K_PRINTER: return set_printer(p, k, field, value);
    case K_DEMO: return set_demo(p, k, field, value);
    case K_LANGS: return set_langs(p, k, field, value);
    case K_THEME: return set_theme(p, k, field, value);
    case K_COUNT: case K_MEMORY: return set_count(p, k, (int *)(void *)field, value);
    case K_DIR: return set_dir(p, k, field, value);
    case K_METHODS: return set_methods(p, k, value);
    case K_COMMAND: return set_command(p, k, field, value);
    case K_STAFF: return add_staff(p, k, value);
    }
    return fail_at(p, p->line, "%s", k->name);
}

/* inih's handler: one key = value line. Returns nonzero to go on. */
static int on_key(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    const struct key *k;
    size_t i;

    if (p->indented && p->keys_in_section)
        return fail_at(p, p->line,
                       _("an indented line continues the value above; remove the indentation"));
    p->keys_in_section = true;
    if (*section == '\0')
        return fail_at(p, p->line, _("\"%s\" comes before the first [section]"), name);
    if (!known_section(section))
        return fail_at(p, p->section_line, _("unknown section [%s]"), section);
    k = find_key(section, name);
    if (k == NULL)
        return fail_at(p, p->line, _("unknown key \"%s\" in [%s]"), name, section);
    i = (size_t)(k - keys);
    if (k->kind != K_ANCHOR && k->kind != K_STAFF && p->seen[i] != 0)
        return fail_at(p, p->line, _("%s is given twice (first on line %d)"), name, p->seen[i]);
    p->seen[i] = p->line;
    return set_value(p, k, value);
}

/* Put the first problem into err as "PATH:LINE: message". inih reports
 * its first syntax error as rc; ours is err_line. Whichever is earlier. */
static int report(const struct parse *p, const char *path, int rc, char *err, size_t errlen)
{
    if (p->read_errno != 0)
        snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(p->read_errno));
    else if (p->err_line != 0 && (rc <= 0 || p->err_line <= rc))
        snprintf(err, errlen, "%s:%d: %s", path, p->err_line, p->msg);
    else if (rc > 0)
        snprintf(err, errlen, "%s:%d: %s", path, rc, _("expected [section] or key = value"));
    else if (rc < 0)
        snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(ENOMEM));
    else
        return 0;
    return -1;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
    struct parse *p = calloc(1, sizeof *p);
    int rc;

    if (p == NULL) {
        snprintf(err, errlen, _("%s: cannot read: %s"), path, strerror(ENOMEM));
        return -1;
    }
    p->f = fopen(path, "r");
    if (p->f == NULL) {
        snprintf(err, errlen, _("%s: cannot open: %s"), path, strerror(errno));
        free(p);
        return -1;
    }
    p->cfg = *cfg;
    rc = report(p, path, ini_parse_stream(read_line, p, on_key, p), err, errlen);
    fclose(p->f);
    if (rc == 0)
        *cfg = p->cfg;
    free(p);
    return rc;
}
