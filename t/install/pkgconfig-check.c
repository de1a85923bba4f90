/* SPDX-License-Identifier: MIT */
/*
 * pkgconfig-check.c - built by `make installcheck` against the installed
 * header and library, with nothing but `pkg-config --cflags --libs dhat`:
 * one block profiled, its figures checked, the profile written.
 */
#include <dhat.h>
#include <stdio.h>
#include <stdlib.h>

/* The block escapes through here: -O2 deletes a malloc/free pair. */
void *volatile sink;

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *v;

	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "installcheck.json"));
	if (p == NULL)
		return 1;
	v = malloc(100);
	sink = v;
	free(v);
	s = dhat_heap_stats_get();
	dhat_profiler_drop(p);
	if (s.total_bytes != 100 || s.total_blocks != 1 || s.curr_bytes != 0) {
		fprintf(stderr, "unexpected figures\n");
		return 1;
	}
	printf("libdhat %s: ok\n", dhat_version());
	return 0;
}
