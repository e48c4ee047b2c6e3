/*
 * bench_read.c - `make bench`: reading the user-authentication certificate
 * and the PIN tries, the kiosk's way and OpenSC's way, side by side over
 * the same private pcscd and simulated card (vsmartcard-vpcd, where every
 * APDU costs tens of milliseconds, as on a slow real reader).
 *
 * Prints the kiosk's APDU count and its limit (SELECT of the application,
 * SELECT of the certificate, ceil(length / 256) READ BINARY, SELECT of the
 * PIN file, the tries query), OpenSC's count for `pkcs15-tool
 * --read-certificate`, and the median wall times and their ratio over a
 * few alternating rounds. Exits 1 when the kiosk needs more APDUs than the
 * limit, or anything fails; 0 with a note where pcscd cannot have a
 * /run/pcscd of its own (tests/pcscd.h), but 1 there under CI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/jpki.h"
#include "reader/pcsc.h"
#include "tests/pcscd.h"

#define ROUNDS 5

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static long long median(long long *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_ll);
    return v[n / 2];
}

/* One kiosk read: milliseconds, APDUs and the certificate's length. */
static int kiosk_round(struct pcsc *p, const struct vcard *c, long long *ms,
                       int *apdus, size_t *len)
{
    struct card_io io = pcsc_io(p);
    uint8_t *cert = NULL;
    int before = vcard_count(c, "> "), tries;
    long long t0 = pcscd_now_ms();
    enum jpki_rc rc = jpki_read_card(&io, &cert, len, &tries);

    *ms = pcscd_now_ms() - t0;
    pcsc_end_session(p);
    free(cert);
    *apdus = vcard_count(c, "> ") - before;
    return rc == JPKI_OK ? 0 : -1;
}

static int opensc_round(const struct pcscd *d, const struct vcard *c,
                        long long *ms, int *apdus)
{
    char cmd[512];
    int before = vcard_count(c, "> "), rc;
    long long t0 = pcscd_now_ms();

    snprintf(cmd, sizeof cmd, "pkcs15-tool --read-certificate 01 -o "
             "%s/bench-cert.pem >/dev/null 2>&1", d->dir);
    rc = system(cmd);
    *ms = pcscd_now_ms() - t0;
    *apdus = vcard_count(c, "> ") - before;
    return rc == 0 ? 0 : -1;
}

/* Wait for the backend to see the card. */
static int card_seen(struct pcsc *p)
{
    enum pcsc_event ev;

    for (int i = 0; i < 200; i++) {
        while (pcsc_read_event(p, &ev))
            if (ev == PCSC_CARD_IN)
                return 0;
        pcscd_sleep_ms(50);
    }
    return -1;
}

static int bench(struct pcscd *d, struct vcard *c)
{
    long long kms[ROUNDS], oms[ROUNDS];
    int kapdus = 0, oapdus = 0, limit;
    size_t len = 0;
    struct pcsc *p = pcsc_start(NULL);

    if (!p || card_seen(p) != 0) {
        fprintf(stderr, "bench: the card did not show up\n");
        pcsc_stop(p);
        return -1;
    }
    for (int i = 0; i < ROUNDS; i++)
        if (kiosk_round(p, c, &kms[i], &kapdus, &len) != 0 ||
            opensc_round(d, c, &oms[i], &oapdus) != 0) {
            fprintf(stderr, "bench: round %d failed\n", i + 1);
            pcsc_stop(p);
            return -1;
        }
    pcsc_stop(p);
    limit = 4 + (int)((len + 255) / 256);
    long long km = median(kms, ROUNDS), om = median(oms, ROUNDS);
    printf("certificate: %zu bytes, read %d times each way\n", len, ROUNDS);
    printf("kiosk:  %2d APDUs (limit %d: 2 SELECT, %d READ BINARY, SELECT, "
           "tries), median %lld ms\n", kapdus, limit, limit - 4, km);
    printf("OpenSC: %2d APDUs (pkcs15-tool --read-certificate 01), median "
           "%lld ms\n", oapdus, om);
    printf("wall time kiosk/OpenSC: %.2f\n", om ? (double)km / (double)om : 0);
    if (kapdus > limit) {
        fprintf(stderr, "bench: the kiosk used %d APDUs, more than %d\n",
                kapdus, limit);
        return -1;
    }
    return 0;
}

int main(void)
{
    struct pcscd d;
    struct vcard c;
    int rc = 1;

    if (!pcscd_private_possible()) {
        const char *ci = getenv("CI");
        printf("bench_read: no private pcscd on this machine: no figures\n");
        return ci && *ci ? 1 : 0;
    }
    if (pcscd_init(&d) == 0 && pcscd_start(&d, true) == 0 &&
        vcard_start(&c, &d, "bench", "fresh", NULL) == 0 &&
        pcscd_wait_card(true, 10000) == 0)
        rc = bench(&d, &c) == 0 ? 0 : 1;
    pcscd_cleanup(&d);
    return rc;
}
