/*
 * main.c - the kiosk program: arguments, configuration, wiring.
 *
 * Start reading here. main() reads the configuration, sets up the card
 * (the simulated one in --demo), the trust anchors, the ledger and the
 * worker thread, then hands the terminal to loop_run(). The behaviour
 * itself is kiosk/flow.c; what each screen shows is screens/; the card's
 * commands are reader/jpki.c.
 */
#include <curses.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "kiosk/config.h"
#include "kiosk/i18n.h"
#include "kiosk/ledger.h"
#include "kiosk/loop.h"
#include "kiosk/matcher.h"
#include "kiosk/pinbuf.h"
#include "kiosk/printer.h"
#include "kiosk/proof.h"
#include "kiosk/status.h"
#include "kiosk/speak.h"
#include "kiosk/staff.h"
#include "kiosk/staffcode.h"
#include "kiosk/visit.h"
#include "kiosk/worker.h"
#include "reader/pcsc.h"
#include "reader/simcard.h"
#include "reader/testca.h"

#define MAX_TRUST 8

struct options {
    bool demo;
    bool public_demo; /* --public: one visitor's session over SSH */
    const char *demo_card;
    const char *config;
    const char *lang;
    const char *charset; /* --charset auto|utf8|ascii; NULL: auto */
    bool ascii;          /* what --charset and the terminal decided */
    const char *ledger;
    const char *status_file;
    const char *trust[MAX_TRUST];
    int ntrust;
    const char *reader;  /* --reader TEXT: a part of the reader's name */
    bool kiosk_mode;     /* --kiosk-mode: --demo, but no key ends it */
};

/* Everything main() sets up, so one function can take it down again. */
struct rig {
    struct config cfg;
    struct testca *ca;
    struct simcard *card;
    struct trust *trust;
    struct ledger *ledger;
    struct worker *worker;
    struct pcsc *pcsc; /* the card readers, without --demo */
    struct printer *printer; /* [printer] device; NULL: none */
    char tmpdir[256]; /* the demo's private ledger directory */
    char ledger_path[512];
    struct visit visit; /* --public: the visitor's session */
    struct matcher *matcher; /* the face check's; NULL: no face check */
    unsigned methods;        /* what auth-choice may offer */
    bool demo_staff;         /* the demo's built-in staff code is in use */
};

static void usage(FILE *f)
{
    fprintf(f, _("Usage: kiosk [OPTION]...\n"
                 "Self-service kiosk: register a My Number card as a "
                 "health-insurance card.\n\n"
                 "  --demo                run on the simulated card (F2 or C "
                 "inserts it)\n"
                 "  --demo-card PROFILE   fresh, renew, expired, last-try, "
                 "locked or foreign\n"
                 "  --config FILE         configuration file (INI)\n"
                 "  --lang CODE           language to start in: ja, en, "
                 "ja@easy, zh_CN, zh_TW,\n"
                 "                        ko, vi, pt_BR, es, tl, ne, id or "
                 "th\n"
                 "  --charset auto|utf8|ascii\n"
                 "                        ascii: plain-ASCII English; auto "
                 "(the default): ascii\n"
                 "                        when the terminal's locale is "
                 "not UTF-8\n"
                 "  --ledger FILE         registration ledger (SQLite)\n"
                 "  --status-file FILE    keep FILE up to date with the "
                 "kiosk's state\n"
                 "  --trust FILE          trust the CA certificates in FILE "
                 "(PEM)\n"
                 "  --help                show this help\n"
                 "  --version             show the version\n"));
    fprintf(f, _("  --public              one visitor's session of the public "
                 "demo over SSH\n"
                 "                        (implies --demo; the [demo] limits "
                 "apply)\n"));
    fprintf(f, _("  --reader TEXT         use the card reader whose name "
                 "contains TEXT\n"
                 "                        (default: the first reader that "
                 "gets a card)\n"));
    fprintf(f, _("  --kiosk-mode          no key ends the program, with --demo "
                 "too (always so\n"
                 "                        without it); staff mode's \"leave\" "
                 "does\n"
                 "  --hash-staff-code     read a staff code (without echo) and "
                 "print its hash\n"
                 "                        for the configuration's [staff] "
                 "section\n"));
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { O_DEMO = 256, O_CARD, O_CONFIG, O_LANG, O_LEDGER, O_STATUS,
           O_TRUST, O_HELP, O_VERSION, O_CHARSET, O_PUBLIC, O_READER,
           O_KIOSK_MODE, O_HASH_STAFF };
    static const struct option longs[] = {
        { "demo", no_argument, NULL, O_DEMO },
        { "demo-card", required_argument, NULL, O_CARD },
        { "config", required_argument, NULL, O_CONFIG },
        { "lang", required_argument, NULL, O_LANG },
        { "charset", required_argument, NULL, O_CHARSET },
        { "ledger", required_argument, NULL, O_LEDGER },
        { "status-file", required_argument, NULL, O_STATUS },
        { "trust", required_argument, NULL, O_TRUST },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { "public", no_argument, NULL, O_PUBLIC },
        { "reader", required_argument, NULL, O_READER },
        { "kiosk-mode", no_argument, NULL, O_KIOSK_MODE },
        { "hash-staff-code", no_argument, NULL, O_HASH_STAFF },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case O_DEMO: o->demo = true; break;
        case O_PUBLIC: o->demo = o->public_demo = true; break;
        case O_CARD: o->demo_card = optarg; break;
        case O_CONFIG: o->config = optarg; break;
        case O_LANG: o->lang = optarg; break;
        case O_CHARSET: o->charset = optarg; break;
        case O_LEDGER: o->ledger = optarg; break;
        case O_STATUS: o->status_file = optarg; break;
        case O_READER: o->reader = optarg; break;
        case O_KIOSK_MODE: o->kiosk_mode = true; break;
        case O_HASH_STAFF: return staff_hash_tool();
        case O_TRUST:
            if (o->ntrust == MAX_TRUST) {
                fprintf(stderr, _("kiosk: at most %d --trust files\n"),
                        MAX_TRUST);
                return 2;
            }
            o->trust[o->ntrust++] = optarg;
            break;
        case O_HELP: usage(stdout); return 0;
        case O_VERSION: printf("kiosk %s\n", KIOSK_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, _("kiosk: unexpected argument '%s'\n"), argv[optind]);
        return 2;
    }
    return -1; /* go on */
}

/* No core file may carry a PIN or a certificate. */
static void no_core_dumps(void)
{
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Without --config, a kiosk on real readers reads the installed file if
 * there is one; the demo never does, so it runs the same everywhere. */
#define DEFAULT_CONFIG KIOSK_SYSCONFDIR "/kiosk/kiosk.conf"

static int load_config(struct rig *r, const struct options *o)
{
    char err[512];
    const char *path = o->config;

    if (!path && !o->demo && access(DEFAULT_CONFIG, F_OK) == 0)
        path = DEFAULT_CONFIG;
    config_defaults(&r->cfg);
    if (path && config_load(&r->cfg, path, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    if (o->lang && lang_from_code(o->lang) < 0) {
        fprintf(stderr, _("kiosk: unknown language '%s' (known: %s)\n"),
                o->lang, "ja, en, ja@easy, zh_CN, zh_TW, ko, vi, pt_BR, es, "
                         "tl, ne, id, th");
        return -1;
    }
    return 0;
}

/* --public: visitors are anonymous, and the installed configuration is
 * the server's. They get the demo's own parts whatever it names: the
 * simulated face matcher (not a camera's command), the demo's staff code
 * (the real codes would be an oracle for guessing them), their own
 * ledger (setup_ledger), and no printer, speech command or status file. */
static void public_parts(struct rig *r, struct options *o)
{
    struct config *c = &r->cfg;

    c->face_command[0] = '\0';
    memset(c->staff, 0, sizeof c->staff);
    c->n_staff = 0;
    c->printer[0] = '\0';
    c->speak[0] = '\0';
    o->status_file = NULL;
    o->ledger = NULL;
}

/* --charset: plain-ASCII English where the terminal cannot show UTF-8,
 * from here on (configuration errors included). */
static int choose_charset(struct options *o, bool terminal_utf8)
{
    const char *c = o->charset ? o->charset : "auto";

    if (strcmp(c, "auto") == 0)
        o->ascii = !terminal_utf8;
    else if (strcmp(c, "ascii") == 0 || strcmp(c, "utf8") == 0)
        o->ascii = strcmp(c, "ascii") == 0;
    else {
        fprintf(stderr, _("kiosk: --charset must be auto, utf8 or ascii\n"));
        return -1;
    }
    i18n_set_ascii(o->ascii);
    return 0;
}

static int setup_demo_card(struct rig *r, const struct options *o)
{
    const char *name = o->demo_card ? o->demo_card : r->cfg.demo_card;
    enum sim_profile p;
    char err[256] = "";

    if (sim_profile_parse(name, &p) != 0) {
        fprintf(stderr, _("kiosk: unknown demo card '%s' (fresh, renew, "
                          "expired, last-try, locked, foreign)\n"), name);
        return -1;
    }
    r->ca = testca_new(err, sizeof err);
    if (r->ca)
        r->card = simcard_new(p, r->ca, time(NULL), err, sizeof err);
    if (!r->card) {
        fprintf(stderr, _("kiosk: cannot make the demo card: %s\n"), err);
        return -1;
    }
    simcard_set_present(r->card, false); /* the person inserts it */
    return trust_add_x509(r->trust, testca_cert(r->ca));
}

/* Without --demo: the readers pcscd offers. A kiosk that trusts no root
 * could never prove a PIN, so it does not start. */
static int setup_reader(struct rig *r, const struct options *o)
{
    const char *match = o->reader ? o->reader : r->cfg.reader_name;

    if (r->cfg.n_anchors + o->ntrust == 0) {
        fprintf(stderr, _("kiosk: no trust anchor: list the JPKI root "
                          "certificates in [trust] anchor or give --trust "
                          "FILE\n"));
        return -1;
    }
    r->pcsc = pcsc_start(match);
    if (!r->pcsc) {
        fprintf(stderr, "kiosk: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

static int setup_trust(struct rig *r, const struct options *o)
{
    char err[512];

    r->trust = trust_new();
    if (!r->trust)
        return -1;
    for (int i = 0; i < r->cfg.n_anchors; i++)
        if (trust_add_pem_file(r->trust, r->cfg.anchors[i], err,
                               sizeof err) != 0)
            goto fail;
    for (int i = 0; i < o->ntrust; i++)
        if (trust_add_pem_file(r->trust, o->trust[i], err, sizeof err) != 0)
            goto fail;
    return 0;
fail:
    fprintf(stderr, "kiosk: %s\n", err);
    return -1;
}

/* The demo keeps its ledger in a private directory that goes at exit. */
static int setup_ledger(struct rig *r, const struct options *o)
{
    char err[512];
    const char *path = o->ledger ? o->ledger : r->cfg.ledger_path;

    if (o->demo && !o->ledger) {
        const char *tmp = getenv("TMPDIR");
        snprintf(r->tmpdir, sizeof r->tmpdir, "%s/kiosk-demo.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(r->tmpdir)) {
            fprintf(stderr, "kiosk: %s: %s\n", r->tmpdir, strerror(errno));
            r->tmpdir[0] = '\0';
            return -1;
        }
        snprintf(r->ledger_path, sizeof r->ledger_path, "%s/ledger.db",
                 r->tmpdir);
        path = r->ledger_path;
    }
    r->ledger = ledger_open(path, err, sizeof err);
    if (!r->ledger) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

static void remove_demo_dir(struct rig *r)
{
    static const char *const files[] = { "ledger.db", "ledger.db-wal",
                                         "ledger.db-shm",
                                         "ledger.db-journal" };
    char p[600];

    if (!r->tmpdir[0])
        return;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", r->tmpdir, files[i]);
        unlink(p);
    }
    rmdir(r->tmpdir);
}

/* [auth] methods (in --demo, unless configured, all three: the simulated
 * matcher and a built-in staff code make them work), and what each needs:
 * a matcher for the face check, staff codes for the staff check. */
static int setup_auth(struct rig *r, const struct options *o)
{
    char err[512];
    struct config *c = &r->cfg;

    r->methods = o->demo && !c->auth_methods_set ? AUTH_ALL : c->auth_methods;
    if ((r->methods & AUTH_BIT(AUTH_FACE)) && !c->face_command[0] && !o->demo) {
        fprintf(stderr, _("kiosk: [auth] methods has face, but [face] command "
                          "names no matcher\n"));
        return -1;
    }
    if (o->demo && c->n_staff == 0 &&
        staff_hash(STAFF_DEMO_CODE, c->staff[0].hash, sizeof c->staff[0].hash) == 0) {
        snprintf(c->staff[0].id, sizeof c->staff[0].id, "%s", STAFF_DEMO_ID);
        c->n_staff = 1;
        r->demo_staff = true;
    }
    if ((r->methods & AUTH_BIT(AUTH_STAFF)) && c->n_staff == 0) {
        fprintf(stderr, _("kiosk: [auth] methods has staff, but [staff] has no "
                          "code\n"));
        return -1;
    }
    if (!(r->methods & AUTH_BIT(AUTH_FACE)))
        return 0;
    r->matcher = matcher_new(c->face_command, (int64_t)c->face_timeout * 1000,
                             c->kiosk_id, err, sizeof err);
    if (!r->matcher) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    return 0;
}

static void simcard_reset_cb(void *ctx)
{
    simcard_reset(ctx);
}

static int start_worker(struct rig *r)
{
    struct worker_env env = {
        .io = r->pcsc ? pcsc_io(r->pcsc) : simcard_io(r->card),
        .reset_card = r->pcsc ? pcsc_end_session : simcard_reset_cb,
        .reset_ctx = r->pcsc ? (void *)r->pcsc : (void *)r->card,
        .ledger = r->ledger,
        .trust = r->trust,
        .kiosk_id = r->cfg.kiosk_id,
        .staff = r->cfg.staff,
        .n_staff = r->cfg.n_staff,
        .staff_lockout = r->cfg.staff_lockout,
    };
    r->worker = worker_start(&env);
    return r->worker ? 0 : -1;
}

/* The receipt printer's thread, when [printer] names one. Whether the
 * printer is there is found out at each receipt, not here: it may be
 * plugged in later. */
static int start_printer(struct rig *r)
{
    if (!r->cfg.printer[0])
        return 0;
    r->printer = printer_start(r->cfg.printer);
    if (!r->printer) {
        fprintf(stderr, "kiosk: %s: %s\n", r->cfg.printer, strerror(errno));
        return -1;
    }
    return 0;
}

/* What the screens and the receipts need of the configuration. */
static void wire_receipts(struct kiosk *k, struct rig *r)
{
    k->printer = r->printer;
    flow_set_printer(&k->flow, r->printer != NULL);
    k->url[URL_PORTAL] = r->cfg.url_portal;
    k->url[URL_CARD] = r->cfg.url_card;
    k->url[URL_INSURANCE] = r->cfg.url_insurance;
}

static void teardown(struct rig *r)
{
    worker_stop(r->worker);
    matcher_free(r->matcher); /* kills a check still running */
    printer_stop(r->printer);
    pcsc_stop(r->pcsc); /* after the worker: it ends the session on it */
    ledger_close(r->ledger);
    remove_demo_dir(r);
    simcard_free(r->card);
    testca_free(r->ca);
    trust_free(r->trust);
    pinbuf_destroy();
    staffcode_destroy();
}

static int curses_start(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, _("kiosk: needs a terminal\n"));
        return -1;
    }
    if (!newterm(NULL, stdout, stdin)) {
        fprintf(stderr, _("kiosk: cannot use the terminal type '%s'\n"),
                getenv("TERM") ? getenv("TERM") : "");
        return -1;
    }
    raw(); /* Ctrl-C, Ctrl-Z and Ctrl-\ arrive as keys, not signals */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    /* Long enough that an arrow key or a mouse report split by a slow SSH
     * link is not taken for Esc, which would cancel the session. */
    set_escdelay(200);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
    screens_init();
    return 0;
}

/* [kiosk] languages, or English alone on a terminal that is not UTF-8
 * (the config was checked when loaded). */
static void offer_languages(struct kiosk *k, const struct rig *r,
                            const struct options *o)
{
    enum lang list[LANG_COUNT] = { LANG_EN };
    size_t bad;
    int n = o->ascii ? 1
                     : lang_parse_list(r->cfg.languages, list, LANG_COUNT, &bad);

    if (n > 0)
        flow_set_languages(&k->flow, list, n, loop_now_ms());
}

/* [display] theme; NO_COLOR (no-color.org: set and not empty) wins. */
static enum screen_theme theme(const struct config *cfg)
{
    const char *no_colour = getenv("NO_COLOR");

    if ((no_colour && *no_colour) || strcmp(cfg->theme, "monochrome") == 0)
        return THEME_MONO;
    if (strcmp(cfg->theme, "high-contrast") == 0)
        return THEME_HIGH_CONTRAST;
    return THEME_COLOUR;
}

/* Wrong staff codes before a restart still count: the lock they set is
 * worked out from the ledger (wall clock) and handed to the flow
 * (monotonic clock). */
static void restore_staff_lock(struct kiosk *k, const struct rig *r)
{
    time_t wall = time(NULL), until = 0;
    int64_t now = loop_now_ms();

    if (r->ledger &&
        ledger_staff_lock_until(r->ledger, wall, AUTH_STAFF_TRIES,
                                r->cfg.staff_lockout, r->cfg.kiosk_id,
                                &until) == 0 && until > wall)
        flow_set_staff_lock(&k->flow, now + (int64_t)(until - wall) * 1000,
                            now);
}

static void flow_setup(struct kiosk *k, const struct rig *r,
                       const struct options *o)
{
    struct flow_timing t;
    int lang = lang_from_code(o->lang ? o->lang : r->cfg.language);

    flow_timing_default(&t);
    t.idle = (int64_t)r->cfg.idle_timeout * 1000;
    t.prompt = (int64_t)r->cfg.prompt_timeout * 1000;
    t.alarm = (int64_t)r->cfg.card_alarm * 1000;
    t.face = (int64_t)r->cfg.face_timeout * 1000;
    t.staff_lock = (int64_t)r->cfg.staff_lockout * 1000;
    if (lang < 0 || o->ascii)
        lang = o->ascii ? LANG_EN : LANG_JA;
    flow_init(&k->flow, &t, (enum lang)lang, loop_now_ms());
    offer_languages(k, r, o);
    flow_set_methods(&k->flow, r->methods);
    restore_staff_lock(k, r);
    i18n_set_lang(k->flow.lang);
}

static int run(struct rig *r, const struct options *o)
{
    struct kiosk k = { .demo = o->demo };
    int rc;

    if (setup_trust(r, o) || setup_auth(r, o) ||
        (o->demo ? setup_demo_card(r, o) : setup_reader(r, o)) ||
        setup_ledger(r, o) ||
        start_worker(r) || start_printer(r))
        return 1;
    flow_setup(&k, r, o);
    wire_receipts(&k, r);
    k.worker = r->worker;
    k.demo_card = r->card;
    k.reader = r->pcsc;
    k.bell = r->cfg.bell;
    k.status_path = o->status_file;
    k.kiosk_id = r->cfg.kiosk_id;
    k.kiosk_mode = !o->demo || o->kiosk_mode;
    k.matcher = r->matcher;
    k.demo_staff_code = r->demo_staff;
    /* A monitoring file that cannot be written is a start-up error, said
     * once on the terminal, not a silent gap in the fleet's view. */
    if (k.status_path && status_write(k.status_path, "attract", time(NULL),
                                      k.kiosk_id) != 0) {
        fprintf(stderr, "kiosk: %s: %s\n", k.status_path, strerror(errno));
        return 1;
    }
    k.visit = o->public_demo ? &r->visit : NULL;
    screens_set_theme(theme(&r->cfg));
    if (curses_start() != 0)
        return 1;
    k.speaker = speak_start(r->cfg.speak);
    rc = loop_run(&k);
    speak_stop(k.speaker);
    endwin();
    visit_farewell(k.visit);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    static struct rig r;
    int rc;

    no_core_dumps();
    bool terminal_utf8 = i18n_init(argv[0]) == 0;
    rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (choose_charset(&o, terminal_utf8) != 0)
        return 2;
    if (load_config(&r, &o) != 0)
        return 2;
    if (o.public_demo)
        public_parts(&r, &o);
    if (o.public_demo &&
        (rc = visit_begin(&r.visit, &r.cfg, o.lang, loop_now_ms())) >= 0)
        return rc; /* turned away, or the keeper after the session */
    if (pinbuf_init() != 0 || staffcode_init() != 0) {
        fprintf(stderr, "kiosk: %s\n", strerror(errno));
        return 1;
    }
    rc = run(&r, &o);
    teardown(&r);
    return rc;
}
