/* SPDX-License-Identifier: MIT */
/*
 * run-api.c - a program linked with libdhat: one profiler writing
 * api.json around 1 block of 123 bytes.  Under dhat-run it must run as it
 * would alone: its profiler starts (no "already running").  Exits 0 when
 * the profiler started, 1 when not.  With "none" it starts no profiler:
 * 1 block of 77 bytes, before and after the 123, that only dhat-run's
 * profiler can count.
 */
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	void *volatile block;

	block = malloc(77);
	free(block);
	if (argc > 1 && strcmp(argv[1], "none") == 0)
		return 0;
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    "api.json"));
	if (p == NULL)
		return 1;
	block = malloc(123);
	free(block);
	dhat_profiler_drop(p);
	return 0;
}
