/* SPDX-License-Identifier: MIT */
/*
 * settings.h - the values of dhat-run's options and DHAT_* variables.
 *
 * Compiled into libdhat (lib/preload.c reads the variables) and into
 * dhat-run (which checks its options), so that both accept exactly the
 * same spellings.  Nothing here allocates; everything is
 * async-signal-safe.
 */
#ifndef DHAT_SETTINGS_H
#define DHAT_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Parse "USR2", "SIGUSR2", "12", "RTMIN+3" or "none".  Returns the signal
 * number, 0 for "none", or -1 for anything else.  Accepted: HUP USR1 USR2
 * ALRM URG VTALRM PROF WINCH IO PWR and the real-time signals; not the
 * uncatchable ones, not those that report faults (a snapshot must not
 * hide a crash), not INT QUIT TERM (they must still stop the program), not
 * job control (CHLD CONT TSTP TTIN TTOU) nor PIPE.
 */
int dhat__signal_parse(const char *s);

/* "N" (a positive decimal) or "all" (SIZE_MAX) into *FRAMES; false for
 * anything else. */
bool dhat__frames_parse(const char *s, size_t *frames);

/* A yes/no setting: "1", "yes", "on", "true" are true, "0", "no", "off",
 * "false" false; anything else leaves *V alone and returns false. */
bool dhat__bool_parse(const char *s, bool *v);

/* Seconds between two rewrites of a profile, "1", "0.25" (to the
 * millisecond; 0 means none), into *MS; false for anything else or more
 * than DHAT__INTERVAL_MAX seconds. */
#define DHAT__INTERVAL_MAX 31536000ul
bool dhat__interval_parse(const char *s, unsigned long *ms);

/*
 * The escapes of an output name: "%p" (the process ID), "%n" (the
 * program's base name) and "%%" (a percent sign).  dhat__name_escape
 * returns the escape character that follows the '%' at S ('p', 'n' or
 * '%'), or 0 when the escape is unknown ("%q", or a '%' at the end).
 * dhat__name_bad_escape returns the first unknown escape of NAME (its
 * '%'), or NULL when there is none.
 */
char dhat__name_escape(const char *s);
const char *dhat__name_bad_escape(const char *name);

/* NAME has a "%p" escape (a "%%p" is none). */
bool dhat__name_has_pid(const char *name);

#endif
