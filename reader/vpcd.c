/*
 * vpcd.c - see vpcd.h.
 */
#include "reader/vpcd.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "reader/simcard.h"

int vpcd_connect(const char *host, const char *port)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
    int fd = -1, saved = ECONNREFUSED;

    if (getaddrinfo(host, port, &hints, &res) != 0) {
        errno = EINVAL;
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        errno = saved;
        return -1;
    }
    /* One small message each way per APDU: do not let Nagle hold them. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
    return fd;
}

/* Read exactly n bytes: n, 0 at a clean end before the first byte, -1. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0) {
            if (got == 0)
                return 0;
            errno = EPROTO; /* cut off inside a message */
            return -1;
        }
        got += (size_t)r;
    }
    return (ssize_t)n;
}

ssize_t vpcd_recv(int fd, uint8_t *buf, size_t cap)
{
    uint8_t hdr[2];
    ssize_t r = read_full(fd, hdr, 2);
    size_t len;

    if (r <= 0)
        return r;
    len = (size_t)hdr[0] << 8 | hdr[1];
    if (len == 0 || len > cap) {
        errno = EPROTO;
        return -1;
    }
    r = read_full(fd, buf, len);
    if (r == 0)
        errno = EPROTO;
    return r <= 0 ? -1 : r;
}

int vpcd_send(int fd, const uint8_t *msg, size_t n)
{
    uint8_t frame[2 + VPCD_MSG_MAX];
    size_t sent = 0, total = n + 2;

    if (n == 0 || n > VPCD_MSG_MAX) {
        errno = EINVAL;
        return -1;
    }
    frame[0] = (uint8_t)(n >> 8);
    frame[1] = (uint8_t)(n & 0xFF);
    memcpy(frame + 2, msg, n);
    while (sent < total) {
        ssize_t w = send(fd, frame + sent, total - sent, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        sent += (size_t)w;
    }
    return 0;
}

static int answer_control(struct simcard *sc, uint8_t code, uint8_t *out,
                          size_t cap, size_t *outn)
{
    const uint8_t *atr;
    size_t n;

    switch (code) {
    case VPCD_POWER_OFF: case VPCD_POWER_ON: case VPCD_RESET:
        simcard_reset(sc);
        return 0;
    case VPCD_GET_ATR:
        atr = simcard_atr(sc, &n);
        if (n > cap)
            return -1;
        memcpy(out, atr, n);
        *outn = n;
        return 0;
    default:
        return -1;
    }
}

int vpcd_answer(struct simcard *sc, const uint8_t *msg, size_t n,
                uint8_t *out, size_t cap, size_t *outn)
{
    *outn = 0;
    if (n == 0)
        return -1;
    if (n == 1)
        return answer_control(sc, msg[0], out, cap, outn);
    return simcard_process(sc, msg, n, out, cap, outn);
}
