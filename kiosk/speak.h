/*
 * speak.h - the speech hook ([a11y] speak): a command that reads each
 * screen's main text aloud, for people who cannot read the screen.
 *
 * The command runs through /bin/sh with the text on its standard input,
 * KIOSK_LANG (gettext's code, "ja@easy") and KIOSK_LANG_TAG (BCP 47,
 * "ja") in its environment, and its output thrown away (the terminal is
 * the kiosk's), in "/" and with none of the kiosk's other descriptors
 * (kiosk/spawn.h). Its environment is the kiosk's as it was when
 * speak_say() was called. It is started from a thread of its own:
 * speak_say() only hands the text over and never waits. A newer text
 * stops the command still speaking the older one, so the speech follows
 * the screen: its whole process group gets SIGTERM, and SIGKILL if the
 * command has not ended within 0.3 s. The caller gives only
 * what the screen shows, and no screen shows the PIN.
 */
#ifndef KIOSK_SPEAK_H
#define KIOSK_SPEAK_H

#include <stddef.h>

struct speaker;

/* Start the speaker thread for command; NULL when command is NULL or
 * empty (no speech) or the thread cannot start. */
struct speaker *speak_start(const char *command);

/* Speak text (copied) in language code; replaces any text not yet
 * spoken. Does nothing with s NULL. Never blocks on the command. Call it
 * from the thread that changes the environment (the UI's): it reads
 * environ. */
void speak_say(struct speaker *s, const char *text, const char *code);

/* Stop any speech, end the thread and free s (NULL is fine). */
void speak_stop(struct speaker *s);

/* The BCP 47 tag for a gettext code: "pt_BR" -> "pt-BR", "ja@easy" ->
 * "ja". Writes at most n bytes with the NUL. */
void speak_tag(const char *code, char *out, size_t n);

#endif
