/*
 * test_catalogues.c - every catalogue has every message, and its format
 * directives match the original's.
 *
 * The list of messages is made afresh from the sources with xgettext (the
 * same command as `make pot`), so a string added to the code and not yet
 * translated fails here even before locale/kiosk.pot is updated. Each
 * locale/<lang>.po is read with libgettextpo: every message must be there,
 * translated (every plural form) and not fuzzy, and its translation must
 * pass gettext's own format check with the flags xgettext gave the
 * original (c-format), whatever flags the catalogue carries. msgfmt
 * --check --statistics must accept each file as well.
 *
 * en@ascii, the plain-ASCII English of terminals that are not UTF-8, only
 * needs the messages whose English has characters outside ASCII; what it
 * shows for every message must be ASCII.
 *
 * Run from the top of the source tree (make does).
 */
#include "tests/test.h"

#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gettext-po.h>

#define MAX_MSGS 2048

struct msg {
    const char *ctxt, *id, *plural;
    bool c_format;
};

struct pot {
    po_file_t file;
    int n;
    struct msg m[MAX_MSGS];
};

static int problems;

static void on_xerror(int severity, po_message_t message, const char *filename,
                      size_t lineno, size_t column, int multiline_p,
                      const char *text)
{
    (void)column;
    (void)multiline_p;
    print_message("%s:%zu: %s%s%s\n", filename ? filename : "-",
                  lineno == (size_t)-1 ? 0 : lineno, text,
                  message ? " in: " : "",
                  message ? po_message_msgid(message) : "");
    problems++;
    if (severity == PO_SEVERITY_FATAL_ERROR)
        fail_msg("gettext-po: fatal error");
}

static void on_xerror2(int severity, po_message_t m1, const char *f1,
                       size_t l1, size_t c1, int ml1, const char *t1,
                       po_message_t m2, const char *f2, size_t l2, size_t c2,
                       int ml2, const char *t2)
{
    on_xerror(severity, m1, f1, l1, c1, ml1, t1);
    on_xerror(PO_SEVERITY_ERROR, m2, f2, l2, c2, ml2, t2);
}

static const struct po_xerror_handler handler = { on_xerror, on_xerror2 };

/* The messages in the code now, as `make pot` would list them. */
static void fresh_pot(struct pot *p, char *dir)
{
    char cmd[1024], path[256];
    po_message_iterator_t it;
    po_message_t m;

    snprintf(dir, 64, "/tmp/kiosk-pot-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/kiosk.pot", dir);
    snprintf(cmd, sizeof cmd,
             "xgettext --from-code=UTF-8 -k_ -kN_ -kC_:1c,2 "
             "--add-comments=TRANSLATORS --package-name=kiosk -o %s "
             "kiosk/*.c screens/*.c reader/*.c", path);
    assert_int_equal(system(cmd), 0);
    p->file = po_file_read(path, &handler);
    assert_non_null(p->file);
    it = po_message_iterator(p->file, NULL);
    while ((m = po_next_message(it)) != NULL) {
        if (*po_message_msgid(m) == '\0' || po_message_is_obsolete(m))
            continue; /* the header */
        assert_true(p->n < MAX_MSGS);
        p->m[p->n++] = (struct msg){
            .ctxt = po_message_msgctxt(m),
            .id = po_message_msgid(m),
            .plural = po_message_msgid_plural(m),
            .c_format = po_message_is_format(m, "c-format"),
        };
    }
    po_message_iterator_free(it);
    assert_true(p->n > 100); /* the sources were found */
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The catalogue's message for msg, or NULL. */
static po_message_t lookup(po_file_t f, const struct msg *msg)
{
    po_message_iterator_t it = po_message_iterator(f, NULL);
    po_message_t m, found = NULL;

    while (!found && (m = po_next_message(it)) != NULL)
        if (!po_message_is_obsolete(m) && strcmp(po_message_msgid(m), msg->id) == 0 &&
            same(po_message_msgctxt(m), msg->ctxt))
            found = m;
    po_message_iterator_free(it);
    return found;
}

static bool translated(po_message_t m)
{
    if (po_message_is_fuzzy(m))
        return false;
    if (!po_message_msgid_plural(m))
        return *po_message_msgstr(m) != '\0';
    for (int i = 0; po_message_msgstr_plural(m, i); i++)
        if (*po_message_msgstr_plural(m, i) == '\0')
            return false;
    return po_message_msgstr_plural(m, 0) != NULL;
}

/* gettext's format check, with the original's flags. */
static void check_format(po_message_t m, const struct msg *msg)
{
    po_message_set_format(m, "c-format", msg->c_format);
    po_message_check_format(m, &handler);
}

static bool is_ascii(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* msgfmt must accept the file as it is; returns its statistics line. */
static void msgfmt_check(const char *po, char *stats, size_t n)
{
    char cmd[512];
    FILE *p;
    size_t got;
    int rc;

    snprintf(cmd, sizeof cmd,
             "msgfmt --check --statistics -o /dev/null %s 2>&1", po);
    p = popen(cmd, "r");
    assert_non_null(p);
    got = fread(stats, 1, n - 1, p);
    stats[got] = '\0';
    rc = pclose(p);
    if (rc != 0) {
        print_message("%s", stats);
        problems++;
    }
}

static void check_catalogue(const struct pot *pot, const char *path)
{
    char stats[4096];
    po_file_t f = po_file_read(path, &handler);
    int missing = 0, untranslated = 0;

    assert_non_null(f);
    msgfmt_check(path, stats, sizeof stats);
    for (int i = 0; i < pot->n; i++) {
        po_message_t m = lookup(f, &pot->m[i]);

        if (!m) {
            print_message("%s: missing: \"%s\"\n", path, pot->m[i].id);
            missing++;
        } else if (!translated(m)) {
            print_message("%s: not translated (or fuzzy): \"%s\"\n", path,
                          pot->m[i].id);
            untranslated++;
        } else {
            check_format(m, &pot->m[i]);
        }
    }
    print_message("%s: %d messages, %d missing, %d untranslated; msgfmt: %s",
                  path, pot->n, missing, untranslated, stats);
    problems += missing + untranslated;
    po_file_free(f);
}

/* What the ASCII interface shows for msg: en@ascii's translation, else
 * en's, else the msgid itself; every form must be ASCII. */
static void check_ascii(const struct msg *msg, po_file_t ascii, po_file_t en)
{
    po_message_t m = lookup(ascii, msg);
    const char *shown[2];

    if (m && translated(m)) {
        check_format(m, msg);
        shown[0] = msg->plural ? po_message_msgstr_plural(m, 0)
                               : po_message_msgstr(m);
        shown[1] = msg->plural ? po_message_msgstr_plural(m, 1) : NULL;
    } else if ((m = lookup(en, msg)) != NULL && translated(m)) {
        shown[0] = msg->plural ? po_message_msgstr_plural(m, 0)
                               : po_message_msgstr(m);
        shown[1] = msg->plural ? po_message_msgstr_plural(m, 1) : NULL;
    } else {
        shown[0] = msg->id;
        shown[1] = msg->plural;
    }
    if (!is_ascii(shown[0]) || !is_ascii(shown[1])) {
        print_message("locale/en@ascii.po: needs an ASCII form of \"%s\"\n",
                      msg->id);
        problems++;
    }
}

static void test_every_catalogue_is_complete(void **state)
{
    static struct pot pot;
    char dir[64], cmd[128];
    glob_t g;
    int catalogues = 0;

    (void)state;
    problems = 0;
    fresh_pot(&pot, dir);
    assert_int_equal(glob("locale/*.po", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        if (strcmp(g.gl_pathv[i], "locale/en@ascii.po") == 0)
            continue;
        check_catalogue(&pot, g.gl_pathv[i]);
        catalogues++;
    }
    globfree(&g);
    po_file_free(pot.file);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(catalogues, 13); /* every language of enum lang */
    if (problems)
        fail_msg("%d problems in the catalogues (listed above)", problems);
}

static void test_ascii_english_is_ascii(void **state)
{
    static struct pot pot;
    char dir[64], cmd[128], stats[4096];
    po_file_t ascii, en;

    (void)state;
    problems = 0;
    fresh_pot(&pot, dir);
    msgfmt_check("locale/en@ascii.po", stats, sizeof stats);
    ascii = po_file_read("locale/en@ascii.po", &handler);
    en = po_file_read("locale/en.po", &handler);
    assert_non_null(ascii);
    assert_non_null(en);
    for (int i = 0; i < pot.n; i++)
        check_ascii(&pot.m[i], ascii, en);
    po_file_free(ascii);
    po_file_free(en);
    po_file_free(pot.file);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    if (problems)
        fail_msg("%d problems in the ASCII English (listed above)", problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_catalogue_is_complete),
        cmocka_unit_test(test_ascii_english_is_ascii),
    };
    return cmocka_run_group_tests_name("catalogues", tests, NULL, NULL);
}
