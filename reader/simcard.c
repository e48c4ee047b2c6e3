/*
 * simcard.c - the simulated My Number card (contract in simcard.h).
 *
 * One command = parse (struct capdu) -> a handler chosen by CLA/INS that
 * returns the status word and fills at most 256 bytes of data -> response.
 * All card state sits in struct simcard behind its mutex; the handlers run
 * with the mutex held.
 */
#include "reader/simcard.h"

#include "kiosk/jst.h"
#include "reader/jpki.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#define DAY 86400

/* Status words the card uses (jpki.md, "Other words"). */
enum {
    SW_OK = 0x9000,
    SW_TRIES = 0x63C0,       /* | tries left */
    SW_WRONG_LENGTH = 0x6700,
    SW_SECURITY = 0x6982,    /* security status not satisfied */
    SW_BLOCKED = 0x6984,     /* reference data not usable */
    SW_NO_EF = 0x6986,       /* no current EF (or not one for this command) */
    SW_FUNC = 0x6A81,        /* function not supported */
    SW_NOT_FOUND = 0x6A82,
    SW_P1P2 = 0x6A86,
    SW_OFFSET = 0x6B00,
    SW_INS = 0x6D00,
    SW_CLA = 0x6E00,
    SW_UNKNOWN = 0x6F00,
};

/* RSA-2048 with PKCS#1 v1.5 type 1 padding takes at most 256 - 11 bytes. */
#define SIGN_INPUT_MAX 245

static const uint8_t ATR_JPKI[] = {0x3B, 0xE0, 0x00, 0xFF, 0x81,
                                   0x31, 0xFE, 0x45, 0x14};
/* A T=0 contact card with 14 historical bytes (as EMV bank cards send). */
static const uint8_t ATR_FOREIGN[] = {0x3B, 0x6E, 0x00, 0x00, 0x80, 0x31,
                                      0x80, 0x66, 0xB0, 0x84, 0x12, 0x01,
                                      0x6E, 0x01, 0x83, 0x00, 0x90, 0x00};

enum ef_kind { EF_BINARY, EF_KEY, EF_PIN };
enum { PIN_AUTH, PIN_SIGN, PIN_COUNT };
#define NO_PIN (-1)

/* An EF of the JPKI application; pin: the PIN guarding a binary EF's
 * READ, a key's use, or the PIN a PIN EF holds. */
struct ef_def {
    uint16_t fid;
    enum ef_kind kind;
    int pin;
};

static const struct ef_def JPKI_EFS[] = {
    {0x0001, EF_BINARY, PIN_SIGN}, /* signature certificate */
    {0x0002, EF_BINARY, NO_PIN},   /* signature CA */
    {0x0006, EF_BINARY, NO_PIN},   /* token info */
    {0x000A, EF_BINARY, NO_PIN},   /* user-authentication certificate */
    {0x000B, EF_BINARY, NO_PIN},   /* user-authentication CA */
    {0x0017, EF_KEY, PIN_AUTH},
    {0x0018, EF_PIN, PIN_AUTH},
    {0x001A, EF_KEY, PIN_SIGN},
    {0x001B, EF_PIN, PIN_SIGN},
};

struct pin_state {
    char value[17];
    size_t len, min, max; /* the value's length; accepted lengths */
    int max_tries, tries;
    bool verified;
};

#define TOKEN_INFO_LEN 160

struct simcard {
    pthread_mutex_t lock;
    enum sim_profile profile;
    bool jpki;            /* false: SIM_FOREIGN */
    EVP_PKEY *key;        /* user-auth and signature key */
    uint8_t *cert;        /* user-authentication certificate, DER */
    size_t cert_len;
    uint8_t *ca;          /* test CA certificate, DER */
    size_t ca_len;
    uint8_t token[TOKEN_INFO_LEN];
    /* Card state, under lock. */
    bool present;
    bool ap_selected;
    const struct ef_def *ef; /* current EF, NULL for none */
    struct pin_state pins[PIN_COUNT];
    FILE *log;
    unsigned count;
    int pull_after;
};

/* A parsed short command APDU. */
struct capdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    size_t ne;   /* expected length, 256 for Le 00 */
    bool has_le;
};

/* Response data (SW apart). */
struct rapdu {
    uint8_t data[256];
    size_t len;
};

typedef uint16_t (*handler_fn)(struct simcard *, const struct capdu *,
                               struct rapdu *);

static const char *const PROFILE_NAMES[] = {
    [SIM_FRESH] = "fresh",       [SIM_RENEW] = "renew",
    [SIM_EXPIRED] = "expired",   [SIM_LAST_TRY] = "last-try",
    [SIM_LOCKED] = "locked",     [SIM_FOREIGN] = "foreign",
};
#define PROFILE_COUNT (sizeof PROFILE_NAMES / sizeof PROFILE_NAMES[0])

int sim_profile_parse(const char *name, enum sim_profile *p)
{
    for (size_t i = 0; name != NULL && i < PROFILE_COUNT; i++) {
        if (strcmp(name, PROFILE_NAMES[i]) == 0) {
            *p = (enum sim_profile)i;
            return 0;
        }
    }
    return -1;
}

const char *sim_profile_name(enum sim_profile p)
{
    if ((size_t)p >= PROFILE_COUNT)
        return "?";
    return PROFILE_NAMES[p];
}

/* ---- command parsing and the handlers ---------------------------------- */

/* Short APDUs only: an extended one (Lc byte 00 with data) is malformed
 * here, as the JPKI commands never need it. */
static int parse_capdu(const uint8_t *cmd, size_t n, struct capdu *c)
{
    *c = (struct capdu){.cla = cmd[0], .ins = cmd[1], .p1 = cmd[2],
                        .p2 = cmd[3]};
    if (n == 4)
        return 0;
    if (n == 5) {
        c->has_le = true;
        c->ne = cmd[4] ? cmd[4] : 256;
        return 0;
    }
    c->lc = cmd[4];
    if (c->lc == 0 || (n != 5 + c->lc && n != 6 + c->lc))
        return -1;
    c->data = cmd + 5;
    if (n == 6 + c->lc) {
        c->has_le = true;
        c->ne = cmd[n - 1] ? cmd[n - 1] : 256;
    }
    return 0;
}

/* Power off/on and reset: nothing selected, nothing verified. */
static void clear_session(struct simcard *sc)
{
    sc->ap_selected = false;
    sc->ef = NULL;
    for (int i = 0; i < PIN_COUNT; i++)
        sc->pins[i].verified = false;
}

static uint16_t select_aid(struct simcard *sc, const struct capdu *c)
{
    if (c->lc == 0)
        return SW_WRONG_LENGTH;
    if (!sc->jpki || c->lc != sizeof JPKI_AID ||
        memcmp(c->data, JPKI_AID, sizeof JPKI_AID) != 0)
        return SW_NOT_FOUND;
    /* Selecting the application is how software logs out (OpenSC). */
    clear_session(sc);
    sc->ap_selected = true;
    return SW_OK;
}

static uint16_t select_fid(struct simcard *sc, const struct capdu *c)
{
    if (c->lc != 2)
        return SW_WRONG_LENGTH;
    if (!sc->ap_selected)
        return SW_NOT_FOUND;
    uint16_t fid = (uint16_t)(c->data[0] << 8 | c->data[1]);
    for (size_t i = 0; i < sizeof JPKI_EFS / sizeof JPKI_EFS[0]; i++) {
        if (JPKI_EFS[i].fid == fid) {
            sc->ef = &JPKI_EFS[i];
            return SW_OK;
        }
    }
    return SW_NOT_FOUND;
}

/* 00 A4: no FCI is ever returned, whatever P2 and Le say. */
static uint16_t cmd_select(struct simcard *sc, const struct capdu *c,
                           struct rapdu *out)
{
    (void)out;
    if (c->p2 != 0x00 && c->p2 != 0x0C)
        return SW_P1P2;
    if (c->p1 == 0x04)
        return select_aid(sc, c);
    if (c->p1 == 0x02)
        return select_fid(sc, c);
    return SW_P1P2;
}

/* The bytes of a binary EF. */
static const uint8_t *ef_bytes(const struct simcard *sc, uint16_t fid,
                               size_t *len)
{
    switch (fid) {
    case 0x0001: /* stand-in: see simcard.h */
    case 0x000A:
        *len = sc->cert_len;
        return sc->cert;
    case 0x0002:
    case 0x000B:
        *len = sc->ca_len;
        return sc->ca;
    case 0x0006:
        *len = sizeof sc->token;
        return sc->token;
    default:
        *len = 0;
        return NULL;
    }
}

/* 00 B0: at most Le bytes from the offset; fewer near the end. */
static uint16_t cmd_read(struct simcard *sc, const struct capdu *c,
                         struct rapdu *out)
{
    size_t len = 0, off = (size_t)c->p1 << 8 | c->p2;

    if (c->lc > 0 || !c->has_le)
        return SW_WRONG_LENGTH;
    if (c->p1 & 0x80)
        return SW_FUNC;
    if (sc->ef == NULL || sc->ef->kind != EF_BINARY)
        return SW_NO_EF;
    if (sc->ef->pin != NO_PIN && !sc->pins[sc->ef->pin].verified)
        return SW_SECURITY;
    const uint8_t *bytes = ef_bytes(sc, sc->ef->fid, &len);
    if (off >= len)
        return SW_OFFSET;
    out->len = len - off < c->ne ? len - off : c->ne;
    memcpy(out->data, bytes + off, out->len);
    return SW_OK;
}

/* VERIFY against one PIN: a right value resets the counter, a wrong one
 * spends a try (and logs out); a blocked PIN refuses every value. */
static uint16_t check_pin(struct pin_state *pin, const struct capdu *c)
{
    if (pin->tries == 0)
        return SW_BLOCKED;
    if (c->lc < pin->min || c->lc > pin->max)
        return SW_WRONG_LENGTH; /* no try spent */
    if (c->lc == pin->len &&
        CRYPTO_memcmp(c->data, pin->value, pin->len) == 0) {
        pin->tries = pin->max_tries;
        pin->verified = true;
        return SW_OK;
    }
    pin->tries--;
    pin->verified = false;
    return (uint16_t)(SW_TRIES | pin->tries);
}

/*
 * 00 20 00 80 on the current PIN EF. No data (exactly 4 bytes): the tries,
 * 63 Cx (63 C0 when blocked). With data: check_pin(). With an Le (real
 * cards): 67 00.
 */
static uint16_t cmd_verify(struct simcard *sc, const struct capdu *c,
                           struct rapdu *out)
{
    (void)out;
    if (c->p1 != 0x00 || c->p2 != 0x80)
        return SW_P1P2;
    if (c->has_le)
        return SW_WRONG_LENGTH;
    if (sc->ef == NULL || sc->ef->kind != EF_PIN)
        return SW_NO_EF;
    struct pin_state *pin = &sc->pins[sc->ef->pin];
    if (c->lc == 0)
        return (uint16_t)(SW_TRIES | pin->tries);
    return check_pin(pin, c);
}

/* PKCS#1 v1.5 type 1 padding and the RSA private operation (no hash:
 * the input is the DigestInfo). */
static uint16_t rsa_sign(EVP_PKEY *key, const uint8_t *in, size_t n,
                         struct rapdu *out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
    size_t len = sizeof out->data;
    int ok = ctx != NULL && EVP_PKEY_sign_init(ctx) > 0 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
             EVP_PKEY_sign(ctx, out->data, &len, in, n) > 0;

    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
        return SW_UNKNOWN;
    }
    out->len = len;
    return SW_OK;
}

/* 80 2A 00 80 Lc data [00] with the current key EF. */
static uint16_t cmd_sign(struct simcard *sc, const struct capdu *c,
                         struct rapdu *out)
{
    if (c->p1 != 0x00 || c->p2 != 0x80)
        return SW_P1P2;
    if (c->lc == 0 || c->lc > SIGN_INPUT_MAX || (c->has_le && c->ne != 256))
        return SW_WRONG_LENGTH;
    if (sc->ef == NULL || sc->ef->kind != EF_KEY)
        return SW_NO_EF;
    if (!sc->pins[sc->ef->pin].verified)
        return SW_SECURITY;
    return rsa_sign(sc->key, c->data, c->lc, out);
}

struct command {
    uint8_t cla, ins;
    handler_fn fn;
};

static const struct command COMMANDS[] = {
    {0x00, 0xA4, cmd_select},
    {0x00, 0xB0, cmd_read},
    {0x00, 0x20, cmd_verify},
    {0x80, 0x2A, cmd_sign},
};

/* Class, then instruction, then form: the order cards check them in, so
 * OpenSC's 00 CA / 00 CB probes get 6D00 whatever their length. */
static uint16_t dispatch(struct simcard *sc, const uint8_t *cmd, size_t n,
                         struct rapdu *out)
{
    struct capdu c;

    if (n < 4)
        return SW_WRONG_LENGTH;
    if (cmd[0] != 0x00 && cmd[0] != 0x80)
        return SW_CLA;
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
        if (COMMANDS[i].cla != cmd[0] || COMMANDS[i].ins != cmd[1])
            continue;
        if (parse_capdu(cmd, n, &c) != 0)
            return SW_WRONG_LENGTH;
        return COMMANDS[i].fn(sc, &c, out);
    }
    return SW_INS;
}

/* ---- logging ---------------------------------------------------------- */

/* VERIFY and CHANGE REFERENCE DATA carry PINs after the header and Lc. */
static bool carries_pin(const uint8_t *cmd, size_t n)
{
    return n > 5 && (cmd[1] == 0x20 || cmd[1] == 0x24);
}

static void log_bytes(FILE *f, char dir, const uint8_t *b, size_t n,
                      bool mask)
{
    fputc(dir, f);
    for (size_t i = 0; i < n; i++) {
        if (mask && i >= 5)
            fputs(" XX", f);
        else
            fprintf(f, " %02X", b[i]);
    }
    fputc('\n', f);
}

static void log_pair(struct simcard *sc, const uint8_t *cmd, size_t n,
                     const uint8_t *resp, size_t rn)
{
    if (sc->log == NULL)
        return;
    log_bytes(sc->log, '>', cmd, n, carries_pin(cmd, n));
    log_bytes(sc->log, '<', resp, rn, false);
    fflush(sc->log);
}

static void log_event(struct simcard *sc, const char *what)
{
    if (sc->log == NULL)
        return;
    fprintf(sc->log, "# %s\n", what);
    fflush(sc->log);
}

/* ---- processing, presence, the card_io --------------------------------- */

static int process_locked(struct simcard *sc, const uint8_t *cmd, size_t n,
                          uint8_t *resp, size_t cap, size_t *rn)
{
    struct rapdu out = {.len = 0};
    uint16_t sw = dispatch(sc, cmd, n, &out);

    sc->count++;
    if (out.len + 2 > cap)
        return -1;
    memcpy(resp, out.data, out.len);
    resp[out.len] = (uint8_t)(sw >> 8);
    resp[out.len + 1] = (uint8_t)(sw & 0xFF);
    *rn = out.len + 2;
    log_pair(sc, cmd, n, resp, *rn);
    return 0;
}

int simcard_process(struct simcard *sc, const uint8_t *cmd, size_t n,
                    uint8_t *resp, size_t cap, size_t *rn)
{
    if (sc == NULL || cmd == NULL || resp == NULL || rn == NULL)
        return -1;
    pthread_mutex_lock(&sc->lock);
    int rc = process_locked(sc, cmd, n, resp, cap, rn);
    pthread_mutex_unlock(&sc->lock);
    return rc;
}

static void set_present_locked(struct simcard *sc, bool in, const char *why)
{
    if (sc->present == in)
        return;
    sc->present = in;
    clear_session(sc);
    log_event(sc, why);
}

void simcard_set_present(struct simcard *sc, bool in)
{
    pthread_mutex_lock(&sc->lock);
    set_present_locked(sc, in, in ? "inserted" : "removed");
    pthread_mutex_unlock(&sc->lock);
}

bool simcard_present(struct simcard *sc)
{
    pthread_mutex_lock(&sc->lock);
    bool in = sc->present;
    pthread_mutex_unlock(&sc->lock);
    return in;
}

void simcard_reset(struct simcard *sc)
{
    pthread_mutex_lock(&sc->lock);
    clear_session(sc);
    log_event(sc, "reset");
    pthread_mutex_unlock(&sc->lock);
}

static int sim_transmit(void *ctx, const uint8_t *cmd, size_t n,
                        uint8_t *resp, size_t cap, size_t *rn)
{
    struct simcard *sc = ctx;
    int rc = CARD_GONE;

    if (cmd == NULL || resp == NULL || rn == NULL)
        return CARD_IO_ERROR;
    pthread_mutex_lock(&sc->lock);
    if (sc->pull_after == 0) {
        sc->pull_after = -1;
        set_present_locked(sc, false, "pulled (test hook)");
    }
    if (sc->present) {
        rc = process_locked(sc, cmd, n, resp, cap, rn) == 0 ? CARD_OK
                                                            : CARD_IO_ERROR;
        if (sc->pull_after > 0)
            sc->pull_after--;
    }
    pthread_mutex_unlock(&sc->lock);
    return rc;
}

struct card_io simcard_io(struct simcard *sc)
{
    return (struct card_io){.transmit = sim_transmit, .ctx = sc};
}

void simcard_pull_after(struct simcard *sc, int n)
{
    pthread_mutex_lock(&sc->lock);
    sc->pull_after = n < 0 ? -1 : n;
    pthread_mutex_unlock(&sc->lock);
}

void simcard_set_log(struct simcard *sc, FILE *f)
{
    pthread_mutex_lock(&sc->lock);
    sc->log = f;
    pthread_mutex_unlock(&sc->lock);
}

unsigned simcard_apdu_count(const struct simcard *sc)
{
    /* The mutex is not part of the card's value: locking it from a const
     * accessor is fine (the object itself was allocated non-const). */
    pthread_mutex_t *lock = (pthread_mutex_t *)&sc->lock;

    pthread_mutex_lock(lock);
    unsigned n = sc->count;
    pthread_mutex_unlock(lock);
    return n;
}

const uint8_t *simcard_atr(const struct simcard *sc, size_t *n)
{
    if (sc->jpki) {
        *n = sizeof ATR_JPKI;
        return ATR_JPKI;
    }
    *n = sizeof ATR_FOREIGN;
    return ATR_FOREIGN;
}

const uint8_t *simcard_cert_der(const struct simcard *sc, size_t *n)
{
    *n = sc->cert_len;
    return sc->cert;
}

/* ---- making a card ---------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *what)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", what);
}

static void pin_init(struct pin_state *pin, const char *value, size_t min,
                     size_t max, int max_tries, int tries)
{
    pin->len = strlen(value);
    memcpy(pin->value, value, pin->len + 1);
    pin->min = min;
    pin->max = max;
    pin->max_tries = max_tries;
    pin->tries = tries;
    pin->verified = false;
}

static int profile_tries(enum sim_profile p)
{
    switch (p) {
    case SIM_LAST_TRY: return 1;
    case SIM_LOCKED: return 0;
    default: return 3;
    }
}

/* 14:59:59Z (23:59:59 in Japan) on the birthday in the Japan year of
 * now + 4: a fresh card's 5th-birthday expiry, about four years ahead. */
static time_t birthday_expiry(time_t now)
{
    struct tm tm;

    jst_tm(now, &tm);
    struct tm b = {.tm_year = tm.tm_year + 4, .tm_mon = SIM_BIRTH_MONTH - 1,
                   .tm_mday = SIM_BIRTH_DAY, .tm_hour = 14, .tm_min = 59,
                   .tm_sec = 59};
    return timegm(&b);
}

static time_t profile_not_after(enum sim_profile p, time_t now)
{
    switch (p) {
    case SIM_RENEW: return jst_day_end(now + 45 * (time_t)DAY);
    case SIM_EXPIRED: return jst_day_end(now - 20 * (time_t)DAY);
    default: return birthday_expiry(now);
    }
}

/* Copy text into a blank-padded PKCS#11 field of len bytes. */
static void put_text(uint8_t *field, size_t len, const char *text)
{
    size_t n = strlen(text);

    memset(field, ' ', len);
    memcpy(field, text, n < len ? n : len);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* EF 0006: a CK_TOKEN_INFO-shaped record (label, manufacturer, model,
 * serial; flags and ten counters big-endian; versions; utcTime). Only the
 * label matters to software; the rest is illustrative. */
static int build_token_info(uint8_t t[TOKEN_INFO_LEN])
{
    static const uint32_t ulongs[11] = {
        0x0000040D, 0, 0, 0, 0, 16, 6, /* flags, sessions, PIN max/min */
        0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, /* memory: n/a */
    };
    uint8_t rnd[8];
    char serial[17];

    if (RAND_bytes(rnd, sizeof rnd) != 1)
        return -1;
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(serial + 2 * i, 3, "%02X", rnd[i]);
    put_text(t, 32, "JPKIAPICCTOKEN2");
    put_text(t + 32, 32, "JPKI-TEST kiosk simulator");
    put_text(t + 64, 16, "SIMCARD");
    put_text(t + 80, 16, serial);
    for (size_t i = 0; i < 11; i++)
        put_u32(t + 96 + 4 * i, ulongs[i]);
    memcpy(t + 140, "0301", 4); /* hardware 03, firmware 01, as ASCII */
    put_text(t + 144, 16, "");  /* no clock on the token */
    return 0;
}

/* DER of x into a new OpenSSL buffer. */
static int der_of(X509 *x, uint8_t **der, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);

    if (n <= 0)
        return -1;
    *der = p;
    *len = (size_t)n;
    return 0;
}

/* The JPKI contents: key, certificates, token info. */
static int load_jpki(struct simcard *sc, const struct testca *ca,
                     EVP_PKEY *key, time_t now, char *err, size_t errlen)
{
    if (ca == NULL || key == NULL || !EVP_PKEY_up_ref(key)) {
        set_err(err, errlen, "a JPKI card needs a CA and a key");
        return -1;
    }
    sc->key = key;
    X509 *x = testca_issue_auth(ca, key, now - 400 * (time_t)DAY,
                                profile_not_after(sc->profile, now), err,
                                errlen);
    if (x == NULL)
        return -1;
    int rc = der_of(x, &sc->cert, &sc->cert_len);
    X509_free(x);
    if (rc != 0 || der_of(testca_cert(ca), &sc->ca, &sc->ca_len) != 0 ||
        build_token_info(sc->token) != 0) {
        set_err(err, errlen, "encoding the card's files failed");
        return -1;
    }
    return 0;
}

struct simcard *simcard_new_with_key(enum sim_profile p,
                                     const struct testca *ca, EVP_PKEY *key,
                                     time_t now, char *err, size_t errlen)
{
    if ((size_t)p >= PROFILE_COUNT) {
        set_err(err, errlen, "unknown profile");
        return NULL;
    }
    struct simcard *sc = calloc(1, sizeof *sc);
    if (sc == NULL || pthread_mutex_init(&sc->lock, NULL) != 0) {
        free(sc);
        set_err(err, errlen, "out of memory");
        return NULL;
    }
    sc->profile = p;
    sc->jpki = p != SIM_FOREIGN;
    sc->present = true;
    sc->pull_after = -1;
    pin_init(&sc->pins[PIN_AUTH], SIM_PIN, 4, 4, 3, profile_tries(p));
    pin_init(&sc->pins[PIN_SIGN], SIM_SIGN_PASSWORD, 6, 16, 5, 5);
    if (sc->jpki && load_jpki(sc, ca, key, now, err, errlen) != 0) {
        simcard_free(sc);
        return NULL;
    }
    return sc;
}

struct simcard *simcard_new(enum sim_profile p, const struct testca *ca,
                            time_t now, char *err, size_t errlen)
{
    if (p == SIM_FOREIGN)
        return simcard_new_with_key(p, ca, NULL, now, err, errlen);
    EVP_PKEY *key = EVP_RSA_gen(2048);
    if (key == NULL) {
        ERR_clear_error();
        set_err(err, errlen, "card key generation failed");
        return NULL;
    }
    struct simcard *sc = simcard_new_with_key(p, ca, key, now, err, errlen);
    EVP_PKEY_free(key); /* the card holds its own reference */
    return sc;
}

void simcard_free(struct simcard *sc)
{
    if (sc == NULL)
        return;
    explicit_bzero(sc->pins, sizeof sc->pins);
    EVP_PKEY_free(sc->key);
    OPENSSL_free(sc->cert);
    OPENSSL_free(sc->ca);
    pthread_mutex_destroy(&sc->lock);
    free(sc);
}
