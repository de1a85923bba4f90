/* SPDX-License-Identifier: MIT */
/*
 * hut-calloc.c - heap usage test: calloc counts m * n bytes; a request
 * whose size overflows fails and counts nothing; a zero-sized block then
 * makes a second peak of equal bytes, and the latest peak wins.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"

/* Out of the compiler's sight: it rejects constant impossible sizes. */
static volatile size_t half = SIZE_MAX / 2;

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *c;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	c = calloc(4, 8);
	DHAT_ASSERT(calloc(half, 4) == NULL);
	free(calloc(0, 5));

	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 2);
	DHAT_ASSERT_EQ(s.total_bytes, 32);
	DHAT_ASSERT_EQ(s.curr_blocks, 1);
	DHAT_ASSERT_EQ(s.curr_bytes, 32);
	DHAT_ASSERT_EQ(s.max_blocks, 2, "the latest of two equal peaks");
	DHAT_ASSERT_EQ(s.max_bytes, 32);
	dhat_profiler_drop(p);
	free(c);
	return 0;
}
