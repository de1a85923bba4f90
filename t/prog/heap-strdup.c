/* SPDX-License-Identifier: MIT */
/*
 * heap-strdup.c - glibc's own call to malloc (from strdup) is counted and
 * its stack starts with the malloc frame, then strdup, then the caller.
 * Profile to argv[1]; hut-strdup.c asserts the figures.
 */
#include <stdlib.h>
#include <string.h>

#include "dhat.h"
#include "tap.h"

static char *
site_strdup(void)
{
	return strdup("hello, world");
}

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	char *d;

	plan(2);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-strdup.json"));
	ok(p != NULL, "profiler started");
	d = site_strdup();
	is_string(d, "hello, world", "strdup copies");
	dhat_profiler_drop(p);
	free(d);
	return done_testing();
}
