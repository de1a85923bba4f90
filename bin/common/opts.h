/* SPDX-License-Identifier: MIT */
/*
 * opts.h - what the tools' command lines have in common: usage errors in
 * one form and with one exit status, counts, --color and --version.
 */
#ifndef DTOOL_OPTS_H
#define DTOOL_OPTS_H

#include <stdbool.h>

/* Every tool exits 2 on a usage error. */
#define DTOOL_EXIT_USAGE	2

/* "prog: MESSAGE" and "Try 'prog --help' for more information.", then
 * exit DTOOL_EXIT_USAGE. */
void dtool_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Only the "Try ..." line: getopt has already said what was wrong. */
void dtool_try_help(void) __attribute__((noreturn));

/* A count from 0 to INT_MAX given to option OPT ("--top"); with ALL,
 * "all" is -1.  Anything else is a usage error. */
int dtool_parse_count(const char *s, const char *opt, bool all);

/* --color=WHEN: -1 for auto, 1 always, 0 never; else a usage error. */
int dtool_parse_colour(const char *when);
/* Whether to colour standard output for WHEN as parsed above. */
bool dtool_colour_decide(int when);

/* "TOOL (dhat) VERSION" on standard output, then exit 0. */
void dtool_version(const char *tool) __attribute__((noreturn));

#endif
