/*
 * net.c - see net.h.
 */
#include "tests/net.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define FIRST 20000
#define SPAN 10000

static bool port_free(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_ANY) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0)
        return false;
    ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static bool run_free(int first, int n)
{
    for (int i = 0; i < n; i++)
        if (!port_free(first + i))
            return false;
    return true;
}

int net_free_ports(int n)
{
    static unsigned seed;
    struct timespec ts;

    if (n < 1 || n > 100)
        return -1;
    if (!seed) { /* differs between processes started at the same time */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed = (unsigned)getpid() ^ (unsigned)ts.tv_nsec ^ 1u;
    }
    for (int i = 0; i < 200; i++) {
        int port = FIRST + n * (rand_r(&seed) % (SPAN / n));
        if (run_free(port, n))
            return port;
    }
    return -1;
}
