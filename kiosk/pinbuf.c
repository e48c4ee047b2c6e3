/*
 * pinbuf.c - see pinbuf.h. The page is mmap'd rather than malloc'd so it
 * can be locked and excluded from core dumps on its own.
 */
#include "kiosk/pinbuf.h"

#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kiosk/flow.h"

struct pin_page {
    size_t len;
    char digits[PIN_DIGITS];
};

static struct pin_page *page;
static size_t page_size;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int pinbuf_init(void)
{
    long ps = sysconf(_SC_PAGESIZE);
    void *p;

    page_size = ps > 0 ? (size_t)ps : 4096;
    p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    /* Best effort: an unprivileged user may have no mlock allowance. */
    (void)mlock(p, page_size);
    (void)madvise(p, page_size, MADV_DONTDUMP);
    page = p;
    return 0;
}

static void wipe(void)
{
    if (page)
        explicit_bzero(page, sizeof *page);
}

void pinbuf_push(int digit)
{
    pthread_mutex_lock(&lock);
    if (page && page->len < PIN_DIGITS && digit >= 0 && digit <= 9)
        page->digits[page->len++] = (char)('0' + digit);
    pthread_mutex_unlock(&lock);
}

void pinbuf_pop(void)
{
    pthread_mutex_lock(&lock);
    if (page && page->len > 0)
        page->digits[--page->len] = 0;
    pthread_mutex_unlock(&lock);
}

void pinbuf_clear(void)
{
    pthread_mutex_lock(&lock);
    wipe();
    pthread_mutex_unlock(&lock);
}

size_t pinbuf_len(void)
{
    size_t n;
    pthread_mutex_lock(&lock);
    n = page ? page->len : 0;
    pthread_mutex_unlock(&lock);
    return n;
}

const char *pinbuf_acquire(size_t *n)
{
    pthread_mutex_lock(&lock);
    *n = page ? page->len : 0;
    return page ? page->digits : NULL;
}

void pinbuf_clear_locked(void)
{
    wipe();
}

void pinbuf_release(void)
{
    pthread_mutex_unlock(&lock);
}

void pinbuf_destroy(void)
{
    pthread_mutex_lock(&lock);
    if (page) {
        wipe();
        munlock(page, page_size);
        munmap(page, page_size);
        page = NULL;
    }
    pthread_mutex_unlock(&lock);
}
