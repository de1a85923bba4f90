/* SPDX-License-Identifier: MIT */
/*
 * opts.c - option parsing the tools share, so that a usage error or an
 * option accepted by several tools reads and exits the same in each.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "format.h"
#include "opts.h"

void
dtool_usage_error(const char *fmt, ...)
{
	va_list ap;

	/* Through err.c, which shows an argument's controls as '?'. */
	va_start(ap, fmt);
	dtool_vwarnx(fmt, ap);
	va_end(ap);
	dtool_try_help();
}

void
dtool_try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    dtool_getprogname());
	exit(DTOOL_EXIT_USAGE);
}

int
dtool_parse_count(const char *s, const char *opt, bool all)
{
	char *end;
	long v;

	if (all && strcmp(s, "all") == 0)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 0 || v > INT_MAX)
		dtool_usage_error("invalid %s value '%s'", opt, s);
	return (int)v;
}

int
dtool_parse_colour(const char *when)
{
	if (strcmp(when, "auto") == 0)
		return -1;
	if (strcmp(when, "always") == 0)
		return 1;
	if (strcmp(when, "never") == 0)
		return 0;
	dtool_usage_error("invalid --color '%s' (auto, always or never)",
	    when);
}

bool
dtool_colour_decide(int when)
{
	return when == 1 || (when == -1 && dtool_colour_wanted(STDOUT_FILENO));
}

void
dtool_version(const char *tool)
{
	printf("%s (dhat) %s\n", tool, PACKAGE_VERSION);
	exit(0);
}
