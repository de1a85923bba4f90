/* SPDX-License-Identifier: MIT */
/*
 * run-env.c - print the named environment variables as NAME=VALUE lines
 * (NAME unset when absent), as the program sees them in main, both through
 * environ and through main's third argument, which must agree.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "put.h"

static const char *
lookup(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

int
main(int argc, char **argv, char **envp)
{
	extern char **environ;

	for (int i = 1; i < argc; i++) {
		const char *v = lookup(environ, argv[i]);
		const char *w = lookup(envp, argv[i]);
		put(argv[i]);
		if (v == NULL) {
			put(" unset");
		} else {
			put("=");
			put(v);
		}
		if ((v == NULL) != (w == NULL) ||
		    (v != NULL && strcmp(v, w) != 0))
			put(" (envp differs)");
		put("\n");
	}
	return 0;
}
