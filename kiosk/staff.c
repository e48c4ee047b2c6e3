/*
 * staff.c - see staff.h. libxcrypt does the hashing (crypt_gensalt_rn,
 * crypt_rn) and the checking of stored settings (crypt_checksalt); OpenSSL
 * compares in constant time.
 */
#include "kiosk/staff.h"

#include <crypt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "kiosk/i18n.h"

static const char *const prefixes[] = { "$y$", "$6$" }; /* preferred first */

bool staff_code_valid(const char *code, size_t len)
{
    if (code == NULL || len < AUTH_CODE_MIN || len > AUTH_CODE_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}

/* The hash proper after the setting: crypt's base64 alphabet, as long as
 * the method makes it (yescrypt 43 characters, SHA-512 crypt 86). */
static bool hash_part_ok(const char *hash, size_t want)
{
    const char *h = strrchr(hash, '$') + 1;
    size_t n = strlen(h);

    return n == want && strspn(h, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "abcdefghijklmnopqrstuvwxyz") == n;
}

bool staff_hash_ok(const char *hash)
{
    size_t dollars = 0;

    for (const char *p = hash; *p; p++)
        dollars += *p == '$';
    if (strlen(hash) >= STAFF_HASH_MAX || crypt_checksalt(hash) != CRYPT_SALT_OK)
        return false;
    /* $y$PARAMS$SALT$HASH; $6$SALT$HASH or $6$rounds=N$SALT$HASH */
    if (strncmp(hash, "$y$", 3) == 0)
        return dollars == 4 && hash_part_ok(hash, 43);
    if (strncmp(hash, "$6$", 3) == 0)
        return (dollars == 3 || (dollars == 4 && strncmp(hash + 3, "rounds=", 7) == 0)) &&
               hash_part_ok(hash, 86);
    return false;
}

/* crypt_rn into a wiped heap struct (it is 32 KiB, and holds what was
 * derived from the code). The result is copied to out, NUL-terminated. */
static int crypt_into(const char *phrase, const char *setting, char *out,
                      size_t outlen)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    int rc = -1;

    if (cd == NULL)
        return -1;
    const char *h = crypt_rn(phrase, setting, cd, (int)sizeof *cd);
    /* A failed crypt may return "*0"-style strings rather than NULL. */
    if (h != NULL && h[0] != '*' && strlen(h) < outlen) {
        memcpy(out, h, strlen(h) + 1);
        rc = 0;
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return rc;
}

int staff_hash(const char *code, char *out, size_t outlen)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];

    if (!staff_code_valid(code, strlen(code)))
        return -1;
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
        if (crypt_gensalt_rn(prefixes[i], 0, NULL, 0, salt, sizeof salt) &&
            crypt_into(code, salt, out, outlen) == 0 && staff_hash_ok(out))
            return 0;
    return -1;
}

int staff_verify(const struct staff_entry *list, int n, const char *code,
                 size_t len)
{
    char phrase[AUTH_CODE_MAX + 1], got[CRYPT_OUTPUT_SIZE];
    int found = -1;

    if (!staff_code_valid(code, len))
        return -1;
    memcpy(phrase, code, len);
    phrase[len] = '\0';
    for (int i = 0; i < n; i++) {
        size_t hl = strlen(list[i].hash);

        if (crypt_into(phrase, list[i].hash, got, sizeof got) == 0 &&
            strlen(got) == hl && CRYPTO_memcmp(got, list[i].hash, hl) == 0 &&
            found < 0)
            found = i;
    }
    explicit_bzero(phrase, sizeof phrase);
    explicit_bzero(got, sizeof got);
    return found;
}

/* ---- the --hash-staff-code tool ---- */

static struct termios saved_tio;
static volatile sig_atomic_t echo_off;

/* A signal while echo is off must not leave the terminal silent. */
static void restore_and_die(int sig)
{
    if (echo_off)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void echo(bool on)
{
    struct termios t = saved_tio;

    if (on) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
        echo_off = 0;
        return;
    }
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    echo_off = 1;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
}

/* One line of standard input into buf without its newline; a line too
 * long for buf is read to its end and reported as too long (-2). */
static int read_line(char *buf, size_t n)
{
    size_t len;

    if (fgets(buf, (int)n, stdin) == NULL)
        return -1;
    len = strlen(buf);
    if (len > 0 && buf[len - 1] == '\n') {
        buf[len - 1] = '\0';
        return 0;
    }
    for (int c; (c = getchar()) != EOF && c != '\n';)
        ;
    explicit_bzero(buf, n);
    return -2;
}

static int ask(bool tty, const char *prompt, char *buf, size_t n)
{
    int rc;

    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        echo(false);
    }
    rc = read_line(buf, n);
    if (tty) {
        echo(true);
        fputc('\n', stderr);
    }
    return rc;
}

static int tool_fail(const char *msg, char *a, char *b, size_t n)
{
    explicit_bzero(a, n);
    explicit_bzero(b, n);
    fprintf(stderr, "kiosk: %s\n", msg);
    return 1;
}

int staff_hash_tool(void)
{
    char code[64] = "", again[64] = "", hash[STAFF_HASH_MAX];
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tio) == 0;
    char *prompt = NULL;

    if (tty) {
        signal(SIGINT, restore_and_die);
        signal(SIGTERM, restore_and_die);
        signal(SIGHUP, restore_and_die);
        if (asprintf(&prompt, _("Staff code (%d to %d digits): "),
                     AUTH_CODE_MIN, AUTH_CODE_MAX) < 0)
            prompt = NULL;
    }
    if (ask(tty, prompt ? prompt : "", code, sizeof code) == -1) {
        free(prompt);
        return tool_fail(_("no staff code was given"), code, again,
                         sizeof code);
    }
    free(prompt);
    if (!staff_code_valid(code, strlen(code))) {
        char *msg = NULL;
        int rc;

        if (asprintf(&msg, _("a staff code is %d to %d digits, and nothing "
                             "else"), AUTH_CODE_MIN, AUTH_CODE_MAX) < 0)
            msg = NULL;
        rc = tool_fail(msg ? msg : "", code, again, sizeof code);
        free(msg);
        return rc;
    }
    if (tty && (ask(tty, _("The same code again: "), again, sizeof again) != 0 ||
                strcmp(code, again) != 0))
        return tool_fail(_("the two codes differ; nothing was made"), code,
                         again, sizeof code);
    if (staff_hash(code, hash, sizeof hash) != 0)
        return tool_fail(_("crypt(3) could not hash the code"), code, again,
                         sizeof code);
    explicit_bzero(code, sizeof code);
    explicit_bzero(again, sizeof again);
    printf("%s\n", hash);
    if (tty)
        fprintf(stderr, _("Put it in the configuration's [staff] section as "
                          "\"code = ID:HASH\", e.g. code = staff-01:%s\n"), hash);
    return fflush(stdout) == 0 ? 0 : 1;
}
