/* SPDX-License-Identifier: MIT */
/*
 * setuid-env.c - run as a set-user-ID copy by t/1110-setuid.t: prints
 * whether the loader runs it in secure mode (AT_SECURE), then profiles a
 * malloc to argv[1] through the API.  Linked with an rpath to the build
 * tree (-no-install): a set-user-ID program ignores LD_LIBRARY_PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>

#include "dhat.h"

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;

	printf("secure: %lu\n", getauxval(AT_SECURE));
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "setuid-env.json"));
	printf("profiler: %s\n", p != NULL ? "yes" : "no");
	free(malloc(42));
	dhat_profiler_drop(p);
	return 0;
}
