/* SPDX-License-Identifier: MIT */
/*
 * heap-frames.c - stack trimming: an allocation 20 calls below main,
 * profiled with the frame limit given as argv[2] ("all", or a number; no
 * argument: the default).  Profile to argv[1].
 */
#include <stdlib.h>
#include <string.h>

#include "dhat.h"
#include "tap.h"

static void *
leaf(void)
{
	return malloc(24);
}

static void *
deep(int n)
{
	if (n == 0)
		return leaf();
	return deep(n - 1);
}

int
main(int argc, char **argv)
{
	struct dhat_builder *b;
	struct dhat_profiler *p;
	void *x;

	plan(1);
	b = dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-frames.json");
	if (argc > 2 && strcmp(argv[2], "all") == 0)
		b = dhat_builder_trim_backtraces(b, DHAT_FRAMES_ALL);
	else if (argc > 2)
		b = dhat_builder_trim_backtraces(b, strtoul(argv[2], NULL, 10));
	p = dhat_builder_build(b);
	ok(p != NULL, "profiler started");
	x = deep(19);
	dhat_profiler_drop(p);
	free(x);
	return done_testing();
}
