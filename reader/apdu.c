/*
 * apdu.c - command/response APDU plumbing: GET RESPONSE chaining, Le
 * correction, building short APDUs, naming status words.
 */
#include "reader/apdu.h"

#include <stdbool.h>
#include <string.h>

/* What one round's answer asks for next. */
enum round_next { ROUND_DONE, ROUND_AGAIN, ROUND_FAIL };

size_t apdu_build(uint8_t *out, size_t cap, uint8_t cla, uint8_t ins,
                  uint8_t p1, uint8_t p2, const uint8_t *data, size_t lc,
                  size_t ne)
{
    size_t n = 4 + (lc > 0 ? 1 + lc : 0) + (ne > 0 ? 1 : 0);

    if (out == NULL || lc > 255 || ne > 256 || (lc > 0 && data == NULL) ||
        n > cap)
        return 0;
    out[0] = cla;
    out[1] = ins;
    out[2] = p1;
    out[3] = p2;
    if (lc > 0) {
        out[4] = (uint8_t)lc;
        memcpy(out + 5, data, lc);
    }
    if (ne > 0)
        out[n - 1] = (uint8_t)(ne & 0xFF); /* 256 is coded 00 */
    return n;
}

/*
 * Copy the short APDU cmd[0..n) into out with its Le set to le (added when
 * it had none). out may be cmd itself: a 6C xx can answer a resend.
 * Returns -1 for anything that is not a well-formed short APDU (an
 * extended one cannot be fixed with a one-byte Le).
 */
static int with_le(const uint8_t *cmd, size_t n, uint8_t le, uint8_t *out,
                   size_t *outn)
{
    size_t keep; /* bytes before the Le field */

    if (n == 4 || n == 5) {
        keep = 4;
    } else if (n > 5 && cmd[4] != 0 && n == 5u + cmd[4]) {
        keep = n;
    } else if (n > 5 && cmd[4] != 0 && n == 6u + cmd[4]) {
        keep = n - 1;
    } else {
        return -1;
    }
    if (keep + 1 > APDU_CMD_MAX)
        return -1;
    memmove(out, cmd, keep);
    out[keep] = le;
    *outn = keep + 1;
    return 0;
}

/* Append one round's data to r; false when it would overflow. */
static bool append(struct apdu_resp *r, const uint8_t *data, size_t n)
{
    if (n > sizeof r->data - r->len)
        return false;
    memcpy(r->data + r->len, data, n);
    r->len += n;
    return true;
}

/*
 * Act on one answer ans[0..an) (an >= 2) to the command sent[0..sentn):
 * finish, or put the next command (GET RESPONSE or resend) in next.
 */
static enum round_next take_round(const uint8_t *ans, size_t an,
                                  const uint8_t *sent, size_t sentn,
                                  uint8_t *next, size_t *nextn,
                                  struct apdu_resp *r)
{
    uint8_t sw1 = ans[an - 2], sw2 = ans[an - 1];

    /* Wrong Le: whatever came with it is not the answer; ask again. */
    if (sw1 == 0x6C && with_le(sent, sentn, sw2, next, nextn) == 0)
        return ROUND_AGAIN;
    if (!append(r, ans, an - 2))
        return ROUND_FAIL;
    if (sw1 == 0x61) {
        *nextn = apdu_build(next, APDU_CMD_MAX, 0x00, 0xC0, 0x00, 0x00,
                            NULL, 0, sw2 == 0 ? 256 : sw2);
        return ROUND_AGAIN;
    }
    r->sw = (uint16_t)(sw1 << 8 | sw2);
    return ROUND_DONE;
}

int apdu_transmit(const struct card_io *io, const uint8_t *cmd, size_t n,
                  struct apdu_resp *r)
{
    uint8_t next[APDU_CMD_MAX];      /* may become a copy of a VERIFY */
    uint8_t ans[APDU_DATA_MAX + 2];  /* one round's answer */
    const uint8_t *send = cmd;
    size_t sendn = n;
    int rc = CARD_IO_ERROR;

    if (io == NULL || io->transmit == NULL || cmd == NULL || n < 4 ||
        r == NULL)
        return CARD_IO_ERROR;
    r->len = 0;
    r->sw = 0;
    for (int round = 0; round < APDU_ROUNDS_MAX; round++) {
        size_t an = 0, nextn = 0;
        int t = io->transmit(io->ctx, send, sendn, ans, sizeof ans, &an);

        if (t != CARD_OK) {
            rc = t == CARD_GONE ? CARD_GONE : CARD_IO_ERROR;
            break;
        }
        if (an < 2 || an > sizeof ans)
            break;
        enum round_next step = take_round(ans, an, send, sendn, next,
                                          &nextn, r);
        if (step != ROUND_AGAIN) {
            rc = step == ROUND_DONE ? CARD_OK : CARD_IO_ERROR;
            break;
        }
        send = next;
        sendn = nextn;
    }
    explicit_bzero(next, sizeof next);
    return rc;
}

struct sw_name {
    uint16_t sw;
    const char *text;
};

static const struct sw_name sw_names[] = {
    {0x9000, "success"},
    {0x6282, "end of file reached before Le bytes"},
    {0x6581, "memory failure"},
    {0x6700, "wrong length"},
    {0x6981, "command incompatible with file structure"},
    {0x6982, "security status not satisfied"},
    {0x6983, "authentication method blocked"},
    {0x6984, "reference data not usable (blocked)"},
    {0x6985, "conditions of use not satisfied"},
    {0x6986, "command not allowed (no current EF)"},
    {0x6999, "applet selection failed"},
    {0x6A81, "function not supported"},
    {0x6A82, "file or application not found"},
    {0x6A86, "incorrect parameters P1-P2"},
    {0x6A87, "Lc inconsistent with P1-P2"},
    {0x6A88, "referenced data not found"},
    {0x6B00, "wrong parameters (offset outside the EF)"},
    {0x6D00, "instruction not supported"},
    {0x6E00, "class not supported"},
    {0x6F00, "no precise diagnosis"},
};

const char *apdu_sw_text(uint16_t sw)
{
    for (size_t i = 0; i < sizeof sw_names / sizeof sw_names[0]; i++)
        if (sw_names[i].sw == sw)
            return sw_names[i].text;
    /* Families whose SW2 is a number, not a reason. */
    if ((sw & 0xFFF0) == 0x63C0)
        return "verification failed (SW2 low nibble: tries left)";
    if ((sw & 0xFF00) == 0x6100)
        return "more data available (SW2: bytes for GET RESPONSE)";
    if ((sw & 0xFF00) == 0x6C00)
        return "wrong Le (SW2: the exact length)";
    return "unknown status word";
}
