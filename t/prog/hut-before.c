/* SPDX-License-Identifier: MIT */
/*
 * hut-before.c - heap usage test: a profiler counts only its own lifetime.
 * A block from before it is ignored when freed and becomes a new block at
 * the realloc when reallocated; what happens after the drop is ignored;
 * a second profiler starts from zero and ignores the first one's blocks.
 */
#include <stdlib.h>

#include "dhat.h"

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *b1, *b2, *b3, *kept, *x;

	b1 = malloc(50);
	b2 = malloc(60);
	b3 = malloc(70);
	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	free(b1);
	b2 = realloc(b2, 200);
	free(malloc(10));
	kept = malloc(10);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 3, "the realloc of b2 and two mallocs");
	DHAT_ASSERT_EQ(s.total_bytes, 200 + 10 + 10);
	DHAT_ASSERT_EQ(s.curr_blocks, 2, "freeing b1 changed nothing");
	DHAT_ASSERT_EQ(s.curr_bytes, 210);
	DHAT_ASSERT_EQ(s.max_blocks, 2);
	DHAT_ASSERT_EQ(s.max_bytes, 210);
	dhat_profiler_drop(p);

	free(b3);
	b3 = malloc(5);
	free(b2);

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 0);
	DHAT_ASSERT_EQ(s.max_bytes, 0);
	free(kept);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.curr_blocks, 0, "the first profiler's block");
	x = malloc(7);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 1);
	DHAT_ASSERT_EQ(s.total_bytes, 7);
	DHAT_ASSERT_EQ(s.curr_bytes, 7);
	DHAT_ASSERT_EQ(s.max_bytes, 7);
	dhat_profiler_drop(p);
	free(x);
	free(b3);
	return 0;
}
