/* SPDX-License-Identifier: MIT */
/*
 * run-api.c - a program that uses the libdhat API itself: one profiler
 * writing api.json around 1 block of 123 bytes.  Under dhat-run it must
 * run as it would alone: its profiler starts (no "already running").
 * Exits 0 when the profiler started, 1 when not.
 */
#include <stdlib.h>

#include "dhat.h"

int
main(void)
{
	struct dhat_profiler *p;
	void *volatile block;

	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    "api.json"));
	if (p == NULL)
		return 1;
	block = malloc(123);
	free(block);
	dhat_profiler_drop(p);
	return 0;
}
