/* SPDX-License-Identifier: MIT */
/*
 * settings.c - parsers for the values of the DHAT_* variables.  Compiled
 * into libdhat and into dhat-run, so the launcher rejects exactly what the
 * library would.
 */
#include "config.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "settings.h"

/* The signals a snapshot may use: catchable, and not among those whose
 * default actions programs, shells and users rely on: faults (a snapshot
 * must not hide a crash), INT, QUIT and TERM (they must still stop the
 * program), job control, PIPE. */
static const struct {
	const char *name;
	int sig;
} names[] = {
	{ "HUP", SIGHUP }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 },
	{ "ALRM", SIGALRM }, { "URG", SIGURG }, { "VTALRM", SIGVTALRM },
	{ "PROF", SIGPROF }, { "WINCH", SIGWINCH }, { "IO", SIGIO },
	{ "PWR", SIGPWR },
};

/* A decimal number without sign or leading junk; -1 when it is not one or
 * exceeds MAX. */
static int
number(const char *s, int max)
{
	int n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	return n;
}

static int
acceptable(int sig)
{
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		return sig;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return sig;
	return -1;
}

int
dhat__signal_parse(const char *s)
{
	int n;

	if (s == NULL)
		return -1;
	if (strcmp(s, "none") == 0)
		return 0;
	if (*s >= '0' && *s <= '9')
		return acceptable(number(s, NSIG));
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	/* SIGRTMIN and SIGRTMAX are functions of glibc, not constants. */
	if (strncmp(s, "RTMIN", 5) == 0 || strncmp(s, "RTMAX", 5) == 0) {
		int base = s[4] == 'N' ? SIGRTMIN : SIGRTMAX;
		const char *rest = s + 5;
		if (*rest == '\0')
			return base;
		n = number(rest + 1, SIGRTMAX - SIGRTMIN);
		if (n < 0 || (*rest != '+' && *rest != '-'))
			return -1;
		n = *rest == '+' ? base + n : base - n;
		return n >= SIGRTMIN && n <= SIGRTMAX ? n : -1;
	}
	return -1;
}

bool
dhat__frames_parse(const char *s, size_t *frames)
{
	size_t n = 0;

	if (s == NULL || *s == '\0')
		return false;
	if (strcmp(s, "all") == 0) {
		*frames = SIZE_MAX;
		return true;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || n > (SIZE_MAX - 9) / 10)
			return false;
		n = n * 10 + (size_t)(*s - '0');
	}
	if (n == 0)
		return false;
	*frames = n;
	return true;
}

bool
dhat__bool_parse(const char *s, bool *v)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };

	if (s == NULL)
		return false;
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*v = true;
			return true;
		}
		if (strcmp(s, no[i]) == 0) {
			*v = false;
			return true;
		}
	}
	return false;
}

bool
dhat__interval_parse(const char *s, unsigned long *ms)
{
	unsigned long whole = 0, frac = 0, scale = 1000;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		whole = whole * 10 + (unsigned long)(*s - '0');
		if (whole > DHAT__INTERVAL_MAX)
			return false;
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			scale /= 10;
			if (scale == 0)
				return false;
			frac += (unsigned long)(*s - '0') * scale;
		}
	}
	if (*s != '\0')
		return false;
	*ms = whole * 1000 + frac;
	return true;
}

/* ---- output names ------------------------------------------------------ */

char
dhat__name_escape(const char *s)
{
	return s[1] == 'p' || s[1] == 'n' || s[1] == '%' ? s[1] : 0;
}

const char *
dhat__name_bad_escape(const char *name)
{
	for (const char *s = name; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		if (dhat__name_escape(s) == 0)
			return s;
		s++; /* past the escape's letter: "%%p" holds no "%p" */
	}
	return NULL;
}

bool
dhat__name_has_pid(const char *name)
{
	for (const char *s = name; *s != '\0'; s++) {
		if (*s != '%')
			continue;
		if (s[1] == 'p')
			return true;
		if (s[1] == '\0')
			break;
		s++;
	}
	return false;
}
