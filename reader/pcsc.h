/*
 * pcsc.h - real card readers through pcsc-lite, behind the same struct
 * card_io as the simulated card (design: architecture.md, jpki.md).
 *
 * A monitor thread waits in SCardGetStatusChange() on every reader whose
 * name matches and on the "\\?PnP?\Notification" pseudo-reader, so
 * readers plugged in later are seen at once. It reports what changed as
 * enum pcsc_event values through a pipe the loop polls:
 *
 *   PCSC_READER_DOWN  no matching reader, or pcscd is not there (stopped,
 *                     restarting, never started): the kiosk cannot serve;
 *   PCSC_READER_UP    a matching reader is there again (and pcscd is);
 *   PCSC_CARD_IN      a card arrived in the reader the session uses;
 *   PCSC_CARD_OUT     that card left (or its reader, or pcscd, went).
 *
 * The first report after pcsc_start() is UP or DOWN. While pcscd is
 * missing the monitor tries again every second. The reader a session uses
 * is the first matching reader that gets a card; other readers are
 * ignored until that card leaves. CARD_IN only follows UP, CARD_OUT only
 * follows CARD_IN. Should the loop leave the pipe unread until it is full
 * (thousands of events), nothing is silently lost: as soon as there is
 * room again (within a second) the monitor reports DOWN, then the state
 * as it is (UP, and CARD_IN for a card in the reader, as a new card).
 *
 * The card: pcsc_io() connects on the first transmit of a session (T=0 or
 * T=1, whichever the card offers, exclusively, so no other program on the
 * machine can talk to the card while a person's PIN is verified on it;
 * when another program holds the card, the connect tries again for about
 * a second before it fails) and pcsc_end_session() ends the session with SCardDisconnect(...,
 * SCARD_RESET_CARD), so a verified PIN never outlives it. Both belong to
 * one thread (the kiosk's worker). Transmit answers CARD_GONE when the
 * session's card has left (even if another card came since) and
 * CARD_IO_ERROR when the reader or pcscd failed or the card does not
 * answer (a card upside down). 61 xx and 6C xx are the caller's
 * (reader/apdu.c); the ATR is not looked at: the SELECT of the JPKI
 * application decides what the card is.
 */
#ifndef READER_PCSC_H
#define READER_PCSC_H

#include <stddef.h>

#include "reader/card.h"

enum pcsc_event {
    PCSC_READER_DOWN,
    PCSC_READER_UP,
    PCSC_CARD_IN,
    PCSC_CARD_OUT,
};

struct pcsc;

/*
 * Start watching. match: a part of the reader's name (case does not
 * matter) that picks the readers to use; NULL or "" for every reader.
 * NULL on failure (no memory, no thread), with errno set.
 */
struct pcsc *pcsc_start(const char *match);

/* The descriptor to poll for events, and reading one: 1 and *ev, or 0
 * when none is waiting. */
int pcsc_fd(const struct pcsc *p);
int pcsc_read_event(struct pcsc *p, enum pcsc_event *ev);

/* The card of the current session (see above). Valid until pcsc_stop. */
struct card_io pcsc_io(struct pcsc *p);

/* End the session: SCardDisconnect(..., SCARD_RESET_CARD) if connected.
 * Takes a struct pcsc * as void *, to serve as the worker's reset
 * callback. */
void pcsc_end_session(void *p);

/* The name of the reader in use (or the first matching one) into
 * buf[0..len), "" when there is none. For the staff screen and logs. */
void pcsc_reader_name(struct pcsc *p, char *buf, size_t len);

/* Stop the monitor (SCardCancel), end any session, free everything.
 * NULL is fine. */
void pcsc_stop(struct pcsc *p);

#endif
