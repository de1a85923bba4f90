/* SPDX-License-Identifier: MIT */
/*
 * environ.h - the environment that dhat-run gives PROGRAM: its own, with
 * libdhat in front of LD_PRELOAD and the DHAT_* settings that carry the
 * options to libdhat's start-up code.
 */
#ifndef DHAT_RUN_ENVIRON_H
#define DHAT_RUN_ENVIRON_H

#include <stddef.h>

/* The DHAT_* settings, as "NAME=VALUE" strings. */
struct run_settings {
	char *entries[24];
	size_t n;
};

/* Adds NAME=VALUE to S; exits when out of memory. */
void run_setting(struct run_settings *s, const char *name,
    const char *value);

/* PATTERN anchored in the current directory (malloc'ed), so that
 * programs that change directory, and the programs they run, all write
 * next to each other; NULL when out of memory. */
char *run_absolute_pattern(const char *pattern);

/* Ours without any DHAT_* variable (the options decide, not what an outer
 * dhat-run left behind), plus S, plus LD_PRELOAD with LIB in front. */
char **run_environment(const char *lib, const struct run_settings *s);

/* Frees ENV, made by run_environment from S, and S's entries. */
void run_environment_free(char **env, struct run_settings *s);

#endif
