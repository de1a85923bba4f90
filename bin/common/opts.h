/* SPDX-License-Identifier: MIT */
/*
 * opts.h - the tools' command lines: each tool describes its options in a
 * table, from which the parser and --help are both made, so that a usage
 * error, --help and --version read and exit the same in every tool.
 */
#ifndef DTOOL_OPTS_H
#define DTOOL_OPTS_H

#include <stdbool.h>
#include <stdio.h>

/* Every tool exits 2 on a usage error. */
#define DTOOL_EXIT_USAGE	2

/* One option: its names, its line of --help and what taking it does. */
struct dtool_option {
	const char *name;	/* the long name, without "--" */
	char letter;		/* the short option; 0 for none */
	const char *arg;	/* the argument's name in --help ("N|all");
				 * NULL: the option takes none */
	const char *help;	/* --help text, '\n' between its lines;
				 * NULL: an alias left out of --help */
	void (*take)(void *ctx, const char *arg);
};

/* A tool's command line. */
struct dtool_command {
	const char *synopsis;	/* after "Usage: NAME ": "[OPTION]... FILE..." */
	const char *purpose;	/* the lines under the usage line */
	const char *epilogue;	/* what follows the options in --help */
	const struct dtool_option *options; /* ended by a NULL name */
	bool stop_at_operand;	/* options end at the first operand (a
				 * program whose own options follow) */
};

/* Takes the options of ARGV in order, calling each one's `take' with
 * CTX; answers --help and --version and exits; a usage error exits
 * DTOOL_EXIT_USAGE.  Returns the index of the first operand. */
int dtool_options_parse(const struct dtool_command *cmd, int argc,
    char **argv, void *ctx);

/* "prog: MESSAGE" and "Try 'prog --help' for more information.", then
 * exit DTOOL_EXIT_USAGE. */
void dtool_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* A count from 0 to INT_MAX given to option OPT ("--top"); with ALL,
 * "all" is -1.  Anything else is a usage error. */
int dtool_parse_count(const char *s, const char *opt, bool all);

/* --color=WHEN: -1 for auto, 1 always, 0 never; else a usage error. */
int dtool_parse_colour(const char *when);

/* Whether to colour standard output for WHEN as parsed above. */
bool dtool_colour_decide(int when);

#endif
