/*
 * zbar.c - see zbar.h.
 */
#include "tests/zbar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int zbar_write_pgm(const struct grey *img, int scale, int margin,
                   const char *path)
{
    int w = img->w * scale + 2 * margin, h = img->h * scale + 2 * margin;
    FILE *f = fopen(path, "wb");

    if (!f)
        return -1;
    fprintf(f, "P5\n%d %d\n255\n", w, h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int sx = (x - margin) / scale, sy = (y - margin) / scale;
            int in = x >= margin && y >= margin && sx < img->w && sy < img->h;
            fputc(in ? img->px[sy * img->w + sx] : 255, f);
        }
    return fclose(f) == 0 ? 0 : -1;
}

int zbar_decode(const struct grey *img, int scale, int margin, char *out,
                size_t n)
{
    char path[] = "/tmp/kiosk-zbar-XXXXXX";
    char cmd[256];
    int fd = mkstemp(path), found = 0;
    FILE *p;
    size_t used = 0;

    if (fd < 0)
        return -1;
    close(fd);
    if (zbar_write_pgm(img, scale, margin, path) != 0) {
        unlink(path);
        return -1;
    }
    /* --raw: the texts only; -Sdisable -Sqrcode.enable: QR codes only,
     * so that nothing else in a screen is taken for a barcode. */
    snprintf(cmd, sizeof cmd,
             "zbarimg --quiet --raw -Sdisable -Sqrcode.enable %s 2>/dev/null",
             path);
    p = popen(cmd, "r");
    if (!p) {
        unlink(path);
        return -1;
    }
    out[0] = '\0';
    while (used + 1 < n && fgets(out + used, (int)(n - used), p)) {
        used += strlen(out + used);
        found++;
    }
    int rc = pclose(p);
    unlink(path);
    /* zbarimg exits 4 when it found nothing, 0 when it found codes. */
    if (rc == -1 || (WIFEXITED(rc) && WEXITSTATUS(rc) != 0 &&
                     WEXITSTATUS(rc) != 4))
        return -1;
    return found;
}
