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
#include "kiosk/pinbuf.h"
#include "kiosk/proof.h"
#include "kiosk/worker.h"
#include "reader/simcard.h"
#include "reader/testca.h"

#define MAX_TRUST 8

struct options {
    bool demo;
    const char *demo_card;
    const char *config;
    const char *lang;
    const char *ledger;
    const char *status_file;
    const char *trust[MAX_TRUST];
    int ntrust;
};

/* Everything main() sets up, so one function can take it down again. */
struct rig {
    struct config cfg;
    struct testca *ca;
    struct simcard *card;
    struct trust *trust;
    struct ledger *ledger;
    struct worker *worker;
    char tmpdir[256]; /* the demo's private ledger directory */
    char ledger_path[512];
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
                 "  --lang ja|en          language to start in\n"
                 "  --ledger FILE         registration ledger (SQLite)\n"
                 "  --status-file FILE    keep FILE up to date with the "
                 "kiosk's state\n"
                 "  --trust FILE          trust the CA certificates in FILE "
                 "(PEM)\n"
                 "  --help                show this help\n"
                 "  --version             show the version\n"));
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { O_DEMO = 256, O_CARD, O_CONFIG, O_LANG, O_LEDGER, O_STATUS,
           O_TRUST, O_HELP, O_VERSION };
    static const struct option longs[] = {
        { "demo", no_argument, NULL, O_DEMO },
        { "demo-card", required_argument, NULL, O_CARD },
        { "config", required_argument, NULL, O_CONFIG },
        { "lang", required_argument, NULL, O_LANG },
        { "ledger", required_argument, NULL, O_LEDGER },
        { "status-file", required_argument, NULL, O_STATUS },
        { "trust", required_argument, NULL, O_TRUST },
        { "help", no_argument, NULL, O_HELP },
        { "version", no_argument, NULL, O_VERSION },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case O_DEMO: o->demo = true; break;
        case O_CARD: o->demo_card = optarg; break;
        case O_CONFIG: o->config = optarg; break;
        case O_LANG: o->lang = optarg; break;
        case O_LEDGER: o->ledger = optarg; break;
        case O_STATUS: o->status_file = optarg; break;
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

static int load_config(struct rig *r, const struct options *o)
{
    char err[512];

    config_defaults(&r->cfg);
    if (o->config && config_load(&r->cfg, o->config, err, sizeof err) != 0) {
        fprintf(stderr, "kiosk: %s\n", err);
        return -1;
    }
    if (o->lang && lang_from_code(o->lang) < 0) {
        fprintf(stderr, _("kiosk: unknown language '%s' (ja or en)\n"),
                o->lang);
        return -1;
    }
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

static void simcard_reset_cb(void *ctx)
{
    simcard_reset(ctx);
}

static int start_worker(struct rig *r)
{
    struct worker_env env = {
        .io = simcard_io(r->card),
        .reset_card = simcard_reset_cb,
        .reset_ctx = r->card,
        .ledger = r->ledger,
        .trust = r->trust,
        .kiosk_id = r->cfg.kiosk_id,
    };
    r->worker = worker_start(&env);
    return r->worker ? 0 : -1;
}

static void teardown(struct rig *r)
{
    worker_stop(r->worker);
    ledger_close(r->ledger);
    remove_demo_dir(r);
    simcard_free(r->card);
    testca_free(r->ca);
    trust_free(r->trust);
    pinbuf_destroy();
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
    set_escdelay(25);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
    screens_init();
    return 0;
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
    if (lang < 0)
        lang = LANG_JA;
    flow_init(&k->flow, &t, (enum lang)lang, loop_now_ms());
    i18n_set_lang((enum lang)lang);
}

static int run(struct rig *r, const struct options *o)
{
    struct kiosk k = { .demo = o->demo };
    int rc;

    if (setup_trust(r, o) || setup_demo_card(r, o) || setup_ledger(r, o) ||
        start_worker(r))
        return 1;
    flow_setup(&k, r, o);
    k.worker = r->worker;
    k.demo_card = r->card;
    k.bell = r->cfg.bell;
    k.status_path = o->status_file;
    k.kiosk_id = r->cfg.kiosk_id;
    if (curses_start() != 0)
        return 1;
    rc = loop_run(&k);
    endwin();
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct options o = { 0 };
    static struct rig r;
    int rc;

    no_core_dumps();
    i18n_init(argv[0]);
    rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (load_config(&r, &o) != 0)
        return 2;
    if (!o.demo) {
        fprintf(stderr, _("kiosk: this build drives the simulated card only; "
                          "start it with --demo\n"));
        return 2;
    }
    if (pinbuf_init() != 0) {
        fprintf(stderr, "kiosk: %s\n", strerror(errno));
        return 1;
    }
    rc = run(&r, &o);
    teardown(&r);
    return rc;
}
