/* SPDX-License-Identifier: MIT */
/*
 * environ.c - PROGRAM's environment: LD_PRELOAD with libdhat in front of
 * what was there, and the settings for libdhat's start-up code
 * (lib/preload.c), which starts a profiler in every process that loads
 * it.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "environ.h"
#include "launch.h"

/*
 * Anchor a relative output pattern in the directory dhat-run was started
 * in, so that programs which change directory, and the programs they run,
 * all write next to each other.  A '%' in the directory's name is
 * doubled, being no escape.  Returns a malloc'ed string.
 */
char *
run_absolute_pattern(const char *pattern)
{
	char *cwd, *out, *o;
	size_t n;

	if (pattern[0] == '/')
		return strdup(pattern);
	cwd = getcwd(NULL, 0);
	if (cwd == NULL)
		return strdup(pattern); /* libdhat resolves it later */
	n = 2 * strlen(cwd) + strlen(pattern) + 2;
	out = malloc(n);
	if (out == NULL) {
		free(cwd);
		return NULL;
	}
	o = out;
	for (const char *c = cwd; *c != '\0'; c++) {
		if (*c == '%')
			*o++ = '%';
		*o++ = *c;
	}
	if (o > out && o[-1] != '/')
		*o++ = '/';
	strcpy(o, pattern);
	free(cwd);
	return out;
}

/* "NAME=VALUE", malloc'ed; dies when out of memory. */
static char *
env_entry(const char *name, const char *value)
{
	size_t n = strlen(name) + strlen(value) + 2;
	char *s = malloc(n);

	if (s == NULL)
		run_die("environment", ENOMEM);
	snprintf(s, n, "%s=%s", name, value);
	return s;
}

/* Entries of LD_PRELOAD are separated by colons or spaces. */
static bool
preload_has(const char *list, const char *lib)
{
	size_t len = strlen(lib);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ": ");
		if (n == len && strncmp(p, lib, n) == 0)
			return true;
		p += n;
		p += strspn(p, ": ");
	}
	return false;
}

char **
run_environment(const char *lib, const struct run_settings *s)
{
	extern char **environ;
	const char *old_preload = getenv("LD_PRELOAD");
	size_t n = 0, k = 0;
	char **env;

	for (char **e = environ; *e != NULL; e++)
		n++;
	env = calloc(n + s->n + 2, sizeof(*env));
	if (env == NULL)
		run_die("environment", ENOMEM);
	for (char **e = environ; *e != NULL; e++) {
		if (strncmp(*e, "DHAT_", 5) == 0 &&
		    strncmp(*e, "DHAT_PRELOAD=", 13) != 0)
			continue;
		if (strncmp(*e, "LD_PRELOAD=", 11) == 0)
			continue;
		env[k++] = *e;
	}
	for (size_t i = 0; i < s->n; i++)
		env[k++] = s->entries[i];
	if (old_preload == NULL || old_preload[strspn(old_preload, ": ")] ==
	    '\0') {
		env[k++] = env_entry("LD_PRELOAD", lib);
	} else if (preload_has(old_preload, lib)) {
		env[k++] = env_entry("LD_PRELOAD", old_preload);
	} else {
		size_t len = strlen(lib) + 1 + strlen(old_preload) + 1;
		char *v = malloc(len);
		if (v == NULL)
			run_die("environment", ENOMEM);
		snprintf(v, len, "%s:%s", lib, old_preload);
		env[k++] = env_entry("LD_PRELOAD", v);
		free(v);
	}
	env[k] = NULL;
	return env;
}

void
run_environment_free(char **env, struct run_settings *s)
{
	size_t k = 0;

	while (env[k] != NULL)
		k++;
	/* The last entry, LD_PRELOAD, is the one made here. */
	free(env[k - 1]);
	free(env);
	for (size_t i = 0; i < s->n; i++)
		free(s->entries[i]);
	s->n = 0;
}

void
run_setting(struct run_settings *s, const char *name, const char *value)
{
	if (s->n == sizeof(s->entries) / sizeof(s->entries[0]))
		run_die("environment", E2BIG);
	s->entries[s->n++] = env_entry(name, value);
}
