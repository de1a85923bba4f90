/* SPDX-License-Identifier: MIT */
/*
 * opts.c - the tools' option tables turned into getopt_long's, --help
 * written from the same tables, and the option values that several tools
 * take (counts, --color).
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "format.h"
#include "opts.h"

/* Where the help text of an option starts. */
#define HELP_COLUMN	25

/* getopt_long's value for an option without a letter: its index above
 * every character. */
#define KEY_BASE	256

/* The most options a tool has, --help and --version aside. */
#define MAX_OPTIONS	48

static _Noreturn void
try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    dtool_getprogname());
	exit(DTOOL_EXIT_USAGE);
}

void
dtool_usage_error(const char *fmt, ...)
{
	va_list ap;

	/* Through err.c, which shows an argument's controls as '?'. */
	va_start(ap, fmt);
	dtool_vwarnx(fmt, ap);
	va_end(ap);
	try_help();
}

static void
print_option(FILE *f, char letter, const char *name, const char *arg,
    const char *help)
{
	int col;

	col = fprintf(f, "  %c%c%c --%s%s%s", letter ? '-' : ' ',
	    letter ? letter : ' ', letter ? ',' : ' ', name, arg ? "=" : "",
	    arg ? arg : "");
	if (col >= HELP_COLUMN) {
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s", HELP_COLUMN - col, "");
	for (const char *s = help; *s != '\0'; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fprintf(f, "%*s", HELP_COLUMN, "");
	}
	fputc('\n', f);
}

static _Noreturn void
help(const struct dtool_command *cmd)
{
	const struct dtool_option *o;

	printf("Usage: %s %s\n%s\n\n", dtool_getprogname(), cmd->synopsis,
	    cmd->purpose);
	for (o = cmd->options; o->name != NULL; o++)
		if (o->help != NULL)
			print_option(stdout, o->letter, o->name, o->arg,
			    o->help);
	print_option(stdout, 'h', "help", NULL, "display this help and exit");
	print_option(stdout, 'V', "version", NULL,
	    "output version information and exit");
	if (cmd->epilogue != NULL)
		printf("\n%s", cmd->epilogue);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1);
}

static _Noreturn void
version(void)
{
	printf("%s (dhat) %s\n", dtool_getprogname(), PACKAGE_VERSION);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1);
}

static size_t
count_options(const struct dtool_command *cmd)
{
	size_t n = 0;

	while (cmd->options[n].name != NULL)
		n++;
	return n;
}

static int
key_of(const struct dtool_option *o, size_t i)
{
	return o->letter != 0 ? (unsigned char)o->letter : KEY_BASE + (int)i;
}

/* getopt_long's tables for CMD, in LONGS (room for MAX_OPTIONS + 3) and
 * SHORTS. */
static void
getopt_tables(const struct dtool_command *cmd, struct option *longs,
    char *shorts, size_t size)
{
	size_t n = count_options(cmd), k = 0;

	assert(n <= MAX_OPTIONS);

	if (cmd->stop_at_operand)
		shorts[k++] = '+';
	shorts[k++] = ':';
	for (size_t i = 0; i < n; i++) {
		const struct dtool_option *o = &cmd->options[i];

		longs[i].name = o->name;
		longs[i].flag = NULL;
		longs[i].has_arg = o->arg != NULL ? required_argument :
		    no_argument;
		longs[i].val = key_of(o, i);
		if (o->letter != 0) {
			shorts[k++] = o->letter;
			if (o->arg != NULL)
				shorts[k++] = ':';
		}
	}
	longs[n] = (struct option){ "help", no_argument, NULL, 'h' };
	longs[n + 1] = (struct option){ "version", no_argument, NULL, 'V' };
	longs[n + 2] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(shorts + k, size - k, "hV");
}

static _Noreturn void
bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		dtool_usage_error("option '%s' requires an argument", arg);
	if (optopt > 0 && optopt < KEY_BASE &&
	    !(arg[0] == '-' && arg[1] == '-'))
		dtool_usage_error("unknown option '-%c'", optopt);
	dtool_usage_error("unknown option '%s'", arg);
}

static const struct dtool_option *
option_of(const struct dtool_command *cmd, int c)
{
	for (size_t i = 0; cmd->options[i].name != NULL; i++)
		if (key_of(&cmd->options[i], i) == c)
			return &cmd->options[i];
	return NULL;
}

int
dtool_options_parse(const struct dtool_command *cmd, int argc, char **argv,
    void *ctx)
{
	struct option longs[MAX_OPTIONS + 3];
	char shorts[2 * MAX_OPTIONS + 8];
	const struct dtool_option *o;
	int c;

	getopt_tables(cmd, longs, shorts, sizeof(shorts));
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (c == 'h')
			help(cmd);
		if (c == 'V')
			version();
		o = option_of(cmd, c);
		if (o == NULL)
			bad_option(c, argv);
		o->take(ctx, optarg);
	}
	return optind;
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
