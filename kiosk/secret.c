/*
 * secret.c - see secret.h. The page is mmap'd rather than malloc'd so it
 * can be locked and excluded from core dumps on its own; the lock and the
 * digits live in it together.
 */
#include "kiosk/secret.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct secret {
    pthread_mutex_t lock;
    size_t page_size;
    size_t max, len;
    char digits[];
};

struct secret *secret_new(size_t max)
{
    long ps = sysconf(_SC_PAGESIZE);
    size_t size = ps > 0 ? (size_t)ps : 4096;
    struct secret *s;
    void *p;

    if (sizeof *s + max > size)
        return NULL;
    p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
             -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Best effort: an unprivileged user may have no mlock allowance. */
    (void)mlock(p, size);
    (void)madvise(p, size, MADV_DONTDUMP);
    s = p;
    pthread_mutex_init(&s->lock, NULL);
    s->page_size = size;
    s->max = max;
    return s;
}

static void wipe(struct secret *s)
{
    explicit_bzero(s->digits, s->max);
    s->len = 0;
}

void secret_push(struct secret *s, int digit)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    if (s->len < s->max && digit >= 0 && digit <= 9)
        s->digits[s->len++] = (char)('0' + digit);
    pthread_mutex_unlock(&s->lock);
}

void secret_pop(struct secret *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    if (s->len > 0)
        s->digits[--s->len] = 0;
    pthread_mutex_unlock(&s->lock);
}

void secret_clear(struct secret *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    wipe(s);
    pthread_mutex_unlock(&s->lock);
}

size_t secret_take(struct secret *s, char *out, size_t cap)
{
    size_t n = 0;

    if (!s)
        return 0;
    pthread_mutex_lock(&s->lock);
    if (s->len <= cap) {
        n = s->len;
        memcpy(out, s->digits, n);
    }
    wipe(s);
    pthread_mutex_unlock(&s->lock);
    return n;
}

void secret_free(struct secret *s)
{
    size_t size;

    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    wipe(s);
    pthread_mutex_unlock(&s->lock);
    pthread_mutex_destroy(&s->lock);
    size = s->page_size;
    munlock(s, size);
    munmap(s, size);
}
