/* SPDX-License-Identifier: MIT */
/*
 * copy-api.c - copy profiling from a program linked with libdhat, for
 * t/1013: dhat_builder_copy, dhat_copy_stats_get and the testing
 * assertions on its figures.  Built twice: with libdhat-copy linked
 * (every copy counted) and without it (none counted, and a warning).
 *
 * Usage: copy-api EXPECTED-COPIES FILE
 */
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

/* Called through a pointer, so that the compiler keeps the calls. */
static void *(*volatile copy)(void *, const void *, size_t) = memcpy;
static char *(*volatile scopy)(char *, const char *) = strcpy;

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	struct dhat_copy_stats s;
	char a[64], b[64] = "a string";
	unsigned long want = argc > 2 ? strtoul(argv[1], NULL, 10) : 0;

	p = dhat_builder_build(dhat_builder_file_name(dhat_builder_testing(
	    dhat_builder_copy(dhat_builder_new())), argc > 2 ? argv[2] :
	    "copy.json"));
	for (int i = 0; i < 3; i++)
		copy(a, b, sizeof a);
	scopy(a, b);
	s = dhat_copy_stats_get();
	DHAT_ASSERT_EQ(s.total_copies, want);
	DHAT_ASSERT_EQ(s.total_bytes, want == 0 ? 0 : 3 * 64 + 9);
	dhat_profiler_drop(p);
	return 0;
}
