/*
 * status.h - a small file that tells monitoring what the kiosk is doing.
 *
 *   state=attract
 *   since=2026-04-01T12:00:00+09:00
 *   kiosk=kiosk-01
 *   pid=1234
 *
 * state is the flow's state name (flow_state_name), since is when it was
 * entered, in Japan time. Nothing about the person at the kiosk is in it.
 */
#ifndef KIOSK_STATUS_H
#define KIOSK_STATUS_H

#include <time.h>

/* Replace the file at path with the lines above, atomically: a reader
 * sees the old file or the new one, never a mix or an empty file (temp
 * file in the same directory, write, fsync, rename, fsync the directory).
 * state and kiosk_id must be non-empty single-line text. Returns 0, or -1
 * with errno set (EINVAL for a bad argument); no temp file is left
 * behind either way. */
int status_write(const char *path, const char *state, time_t since, const char *kiosk_id);

#endif
