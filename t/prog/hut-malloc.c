/* SPDX-License-Identifier: MIT */
/*
 * hut-malloc.c - heap usage test: malloc and free.  A block kept to the
 * end, one freed after making the peak, three short-lived ones, one of
 * zero bytes (a block of 0 bytes) and free(NULL) (nothing).
 */
#include <stdlib.h>

#include "dhat.h"

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *keep;
	int i;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	keep = malloc(100);
	free(malloc(1000));
	for (i = 0; i < 3; i++)
		free(malloc(16));
	free(malloc(0));
	free(NULL);

	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 6);
	DHAT_ASSERT_EQ(s.total_bytes, 100 + 1000 + 3 * 16);
	DHAT_ASSERT_EQ(s.curr_blocks, 1);
	DHAT_ASSERT_EQ(s.curr_bytes, 100);
	DHAT_ASSERT_EQ(s.max_blocks, 2);
	DHAT_ASSERT_EQ(s.max_bytes, 100 + 1000);
	dhat_profiler_drop(p);
	free(keep);
	return 0;
}
