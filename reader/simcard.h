/*
 * simcard.h - a simulated My Number card: the JPKI application's files,
 * PIN counters, RSA-2048 key and status words, answering command APDUs
 * byte for byte as jpki.md says (simulator rules: jpki-sources.md §9, §11).
 * Used in-process by --demo and the tests through simcard_io(), and behind
 * vpcd by a bridge through simcard_process() and simcard_atr().
 *
 * The JPKI application (AID D3 92 F0 00 26 01 00 00 00 01) holds:
 *   0001 signature certificate: READ needs the signature password (6982);
 *        the simulator has no separate one, so once the password is
 *        verified it reads as the user-authentication certificate
 *   0002 signature CA, 000B user-authentication CA: the test CA (readable)
 *   0006 token info, 160 bytes, label "JPKIAPICCTOKEN2" space-padded to 32
 *   000A user-authentication certificate (readable)
 *   0017 user-authentication key, 0018 its PIN (4 digits, 3 tries)
 *   001A signature key (the same RSA key), 001B its password (5 tries)
 * Other applications are not simulated: their AIDs answer 6A82.
 *
 * Commands: SELECT by AID (00 A4 04 00|0C, with or without Le) and by EF
 * id (00 A4 02 00|0C 02 HH LL); READ BINARY (15-bit offset, Le 00 = 256,
 * short final chunk, 6B00 at or past the end, 6986 no EF, 6982 protected,
 * 6A81 for short-EF addressing, which is not simulated); VERIFY 00 20 00 80
 * (no data: tries query; see simcard.c for every answer); COMPUTE SIGNATURE
 * 80 2A 00 80 (PKCS#1 v1.5 type 1 over 1..245 bytes, after the key's PIN).
 * Unknown instruction 6D00, class other than 00/80 6E00, malformed 6700.
 * Status words the sources leave open (UNCONFIRMED): 6986 also for an EF
 * of the wrong kind (READ of a key, VERIFY on a non-PIN EF).
 *
 * State: the selected application and EF and the verified flags live until
 * power off, reset or a new SELECT of the application; PIN counters
 * persist, as on a real card. The PIN of every profile is SIM_PIN.
 *
 * Thread safety: every function taking a struct simcard may be called from
 * any thread; one mutex per card serialises them (the UI thread inserts
 * and removes the card while a worker transmits).
 */
#ifndef READER_SIMCARD_H
#define READER_SIMCARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <openssl/evp.h>

#include "reader/card.h"
#include "reader/testca.h"

/* PIN of every profile, and the signature password. */
#define SIM_PIN "1234"
#define SIM_SIGN_PASSWORD "ABC123"

/* The simulated holder's birthday: fresh cards expire on it. */
#define SIM_BIRTH_MONTH 2
#define SIM_BIRTH_DAY 17

/* A response buffer of this size always suffices (256 bytes + SW). */
#define SIMCARD_RESP_MAX 258

enum sim_profile {
    SIM_FRESH,    /* 3 tries; notBefore now-400 d, notAfter SIM_BIRTH_MONTH/
                     SIM_BIRTH_DAY of (Japan year of now + 4), 14:59:59Z */
    SIM_RENEW,    /* 3 tries; notAfter 14:59:59Z on the Japan day now+45 d */
    SIM_EXPIRED,  /* 3 tries; notAfter 14:59:59Z on the Japan day now-20 d
                     (within the grace period) */
    SIM_LAST_TRY, /* like fresh, 1 PIN try left */
    SIM_LOCKED,   /* like fresh, PIN blocked (0 tries) */
    SIM_FOREIGN,  /* no JPKI application (every SELECT by AID: 6A82) and
                     another ATR: some other smart card */
};

/* "fresh" "renew" "expired" "last-try" "locked" "foreign" -> 0 and *p;
 * anything else -1. */
int sim_profile_parse(const char *name, enum sim_profile *p);

/* The name sim_profile_parse() takes ("?" for an invalid value). */
const char *sim_profile_name(enum sim_profile p);

struct simcard;

/*
 * A new card, inserted and powered, with a fresh RSA-2048 key (~0.1 s) and
 * a user-authentication certificate issued by ca with the profile's dates
 * relative to now (wall clock). ca is only used here; the card keeps
 * copies. For SIM_FOREIGN no key is made and ca may be NULL.
 * NULL on failure, with a reason in err[0..errlen) (err may be NULL).
 */
struct simcard *simcard_new(enum sim_profile p, const struct testca *ca,
                            time_t now, char *err, size_t errlen);

/* The same with a given RSA-2048 key instead of a new one (the card takes
 * a reference), so tests can make many cards cheaply. */
struct simcard *simcard_new_with_key(enum sim_profile p,
                                     const struct testca *ca, EVP_PKEY *key,
                                     time_t now, char *err, size_t errlen);

/* Frees the card, wiping its PINs; its key reference is released (OpenSSL
 * clears the key as it frees it). NULL is fine. */
void simcard_free(struct simcard *sc);

/*
 * Process one command APDU cmd[0..n) as the card would, present or not
 * (a bridge decides presence itself), and put the response APDU (data,
 * SW1, SW2) in resp[0..*rn). Counted and logged like transmitted ones;
 * the pull hook does not apply. Returns 0, or -1 if a pointer is NULL or
 * the response does not fit in cap (the command may have taken effect).
 */
int simcard_process(struct simcard *sc, const uint8_t *cmd, size_t n,
                    uint8_t *resp, size_t cap, size_t *rn);

/* Insert (true) or remove (false) the card. A change of presence is a
 * power cycle: application, EF and verified flags are cleared; PIN
 * counters stay. Setting the present state again changes nothing. */
void simcard_set_present(struct simcard *sc, bool in);
bool simcard_present(struct simcard *sc);

/* A warm reset: clears application, EF and verified flags. */
void simcard_reset(struct simcard *sc);

/* The card as a card_io: transmit returns CARD_GONE while the card is not
 * present, otherwise processes the APDU under the card's mutex
 * (CARD_IO_ERROR when cap is too small). Valid until simcard_free. */
struct card_io simcard_io(struct simcard *sc);

/* The ATR: 3B E0 00 FF 81 31 FE 45 14 for JPKI profiles, a T=0 EMV-style
 * ATR for SIM_FOREIGN. Static storage; *n gets its length. */
const uint8_t *simcard_atr(const struct simcard *sc, size_t *n);

/* The user-authentication certificate (DER, owned by the card, immutable),
 * for tests; NULL and *n = 0 for SIM_FOREIGN. */
const uint8_t *simcard_cert_der(const struct simcard *sc, size_t *n);

/*
 * Log to f (NULL: stop) every processed APDU pair as hex, one line each:
 * "> 00 A4 04 0C ..." then "< 90 00"; the data of VERIFY and CHANGE
 * REFERENCE DATA is written as "XX" (a PIN never reaches a log). Power
 * events are lines starting with "#". f is flushed after each line and is
 * the caller's to close (after simcard_set_log(sc, NULL) or simcard_free).
 */
void simcard_set_log(struct simcard *sc, FILE *f);

/* APDUs processed since creation (those answered CARD_GONE excluded). */
unsigned simcard_apdu_count(const struct simcard *sc);

/* Test hook: after n more APDUs through simcard_io() the card is pulled
 * (removed as by simcard_set_present(sc, false); transmit returns
 * CARD_GONE) and the hook disarms itself. n = 0: pulled at the next
 * transmit. n < 0 disarms it. */
void simcard_pull_after(struct simcard *sc, int n);

#endif
