/* SPDX-License-Identifier: MIT */
/*
 * heap-errno.c - errno is preserved by the bookkeeping (free never
 * clobbers it) and failures leave glibc's ENOMEM.  No profile file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

static volatile size_t huge = SIZE_MAX;

int
main(int argc, char **argv)
{
	struct dhat_heap_stats s;
	struct dhat_profiler *p;
	void *a, *b;

	plan(11);
	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-errno.json"));
	ok(p != NULL, "profiler started");
	errno = 42;
	a = malloc(10);
	is_int(errno, 42, "malloc keeps errno");
	b = calloc(2, 3);
	is_int(errno, 42, "calloc keeps errno");
	b = realloc(b, 100);
	is_int(errno, 42, "realloc keeps errno");
	free(a);
	is_int(errno, 42, "free keeps errno");
	free(b);
	is_int(errno, 42, "free keeps errno again");
	errno = 0;
	ok(malloc(huge) == NULL && errno == ENOMEM,
	    "failed malloc sets ENOMEM");
	errno = 0;
	ok(calloc(huge, 2) == NULL && errno == ENOMEM,
	    "failed calloc sets ENOMEM");
	errno = 0;
	ok(realloc(NULL, huge) == NULL && errno == ENOMEM,
	    "failed realloc sets ENOMEM");
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, 3, "only successful calls counted");
	is_uint(s.total_bytes, 10 + 6 + 100, "their bytes");
	dhat_profiler_drop(p);
	return done_testing();
}
