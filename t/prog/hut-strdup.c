/* SPDX-License-Identifier: MIT */
/*
 * hut-strdup.c - heap usage test: the C library's own calls to malloc
 * (strdup, strndup) are counted, with the sizes they ask for.
 */
#include <stdlib.h>
#include <string.h>

#include "dhat.h"

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	char *d, *n;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	d = strdup("hello, world");
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 1);
	DHAT_ASSERT_EQ(s.total_bytes, 13, "\"hello, world\" and its NUL");

	n = strndup("hello", 3);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 2);
	DHAT_ASSERT_EQ(s.total_bytes, 13 + 4, "\"hel\" and its NUL");
	DHAT_ASSERT_EQ(s.curr_bytes, 17);
	dhat_profiler_drop(p);
	free(d);
	free(n);
	return 0;
}
