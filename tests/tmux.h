/*
 * tmux.h - a program in a real terminal for end-to-end tests: each
 * struct tmux is a private tmux server (its own -L socket) with one 80x24
 * session; tests type with send-keys, read the screen with capture-pane
 * and follow the kiosk's state through its --status-file, the way
 * tests/test_e2e.c does. Failures are cmocka failures.
 */
#ifndef TESTS_TMUX_H
#define TESTS_TMUX_H

#include <stdbool.h>

struct tmux {
    char sock[64];
    char status[256];     /* the kiosk's --status-file, "" none */
    char screen[16384];   /* the last capture */
};

/* Start `cmd` (a shell command line) in a fresh 80x24 session; the pane
 * stays open after cmd ends, so a crash message can still be read. */
void tmux_start(struct tmux *t, const char *status_path, const char *cmd);
void tmux_stop(struct tmux *t);

void tmux_capture(struct tmux *t);
/* send-keys with these arguments ("F2", "1", "Enter", ...). */
void tmux_keys(struct tmux *t, const char *keys);

/* True when the status file says state=`state`. */
bool tmux_status_is(const struct tmux *t, const char *state);

/* Wait up to ms until the status file says `state` and the screen shows
 * `text` (either may be NULL); fail with the screen otherwise. */
void tmux_expect_within(struct tmux *t, const char *state, const char *text,
                        int ms);
/* The same with the default 15 s. */
void tmux_expect(struct tmux *t, const char *state, const char *text);

/* Type the digits of pin and Enter. */
void tmux_type_pin(struct tmux *t, const char *pin);

#endif
