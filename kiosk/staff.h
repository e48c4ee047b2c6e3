/*
 * staff.h - staff codes: how they are stored (crypt(3) hashes in the
 * configuration's [staff] section, never the codes), how a typed code is
 * checked, and the `kiosk --hash-staff-code` tool that makes a hash.
 *
 * A staff code is AUTH_CODE_MIN..AUTH_CODE_MAX digits, so the on-screen
 * keypad can type it. Hashes are yescrypt ("$y$...") or SHA-512 crypt
 * ("$6$..."), as libxcrypt makes them; anything weaker is refused when the
 * configuration is read. The typed code lives only in kiosk/staffcode.h's
 * buffer and in staff_verify()'s own wiped copy.
 */
#ifndef KIOSK_STAFF_H
#define KIOSK_STAFF_H

#include <stdbool.h>
#include <stddef.h>

#include "kiosk/auth.h"

/* Bytes of a stored hash, with the NUL: yescrypt's are 73 long, SHA-512
 * crypt's up to 123 with a "rounds=" parameter. */
#define STAFF_HASH_MAX 160

/* --demo without [staff] codes: one built-in member of staff, so the
 * staff check and staff mode can be tried (README, kiosk(1)). */
#define STAFF_DEMO_ID "demo"
#define STAFF_DEMO_CODE "000000"

/* One [staff] "code = ID:HASH" line. */
struct staff_entry {
    char id[AUTH_ID_MAX + 1];
    char hash[STAFF_HASH_MAX];
};

/* Whether code (len bytes, not necessarily terminated) is a well-formed
 * staff code: digits only, AUTH_CODE_MIN..AUTH_CODE_MAX of them. */
bool staff_code_valid(const char *code, size_t len);

/* Whether hash is a yescrypt or SHA-512 crypt hash that libxcrypt accepts
 * (crypt_checksalt) and that fits a struct staff_entry. */
bool staff_hash_ok(const char *hash);

/* Hash a valid code with a fresh salt: yescrypt at libxcrypt's default
 * cost, or SHA-512 crypt where yescrypt is missing. Returns 0, or -1 for
 * an invalid code or a crypt failure. */
int staff_hash(const char *code, char *out, size_t outlen);

/* The index of the entry whose hash code (len bytes) matches, or -1. Every
 * entry is tried, matched or not, so the time taken tells nothing about
 * which entry matched. Slow on purpose (crypt): call it off the UI thread. */
int staff_verify(const struct staff_entry *list, int n, const char *code,
                 size_t len);

/* `kiosk --hash-staff-code`: read a code from standard input (from a
 * terminal: without echo, twice) and print its hash on standard output.
 * Returns the exit status: 0, or 1 with a translated message on stderr. */
int staff_hash_tool(void);

#endif
