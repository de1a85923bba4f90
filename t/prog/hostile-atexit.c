/* SPDX-License-Identifier: MIT */
/*
 * hostile-atexit.c - allocation after the profile was written: in an
 * atexit handler and in a destructor, with the profiler dropped from
 * main (argv[2] "main") or from an earlier-registered atexit handler
 * (argv[2] "atexit", the usual way to profile to the very end).  What
 * happens after the drop is ignored; nothing crashes.  argv[1]: the
 * profile.  Exit status 7, so the test sees it is the program's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

static struct dhat_profiler *prof;
static void *kept;

static void
late_alloc(void)
{
	void *p = malloc(4096);

	free(kept);          /* a block of the profile, freed after it */
	kept = realloc(p, 8192);
	free(kept);
}

static void
drop(void)
{
	dhat_profiler_drop(prof);
	prof = NULL;
}

__attribute__((destructor)) static void
destructor_alloc(void)
{
	char *s = strdup("destructor");

	free(malloc(100));
	free(s);
	/* A second drop of a dropped profiler: nothing. */
	dhat_profiler_drop(prof);
}

int
main(int argc, char **argv)
{
	int in_atexit = argc > 2 && strcmp(argv[2], "atexit") == 0;

	/* No stdio buffer to allocate: the figures stay exact. */
	setvbuf(stdout, NULL, _IONBF, 0);

	prof = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "hostile-atexit.json"));
	if (prof == NULL)
		return 2;
	/* Handlers run in reverse: late_alloc runs after the drop. */
	atexit(late_alloc);
	if (in_atexit)
		atexit(drop);
	kept = malloc(1000);
	free(malloc(24));
	if (!in_atexit)
		drop();
	printf("done\n");
	exit(7);
}
