/* SPDX-License-Identifier: MIT */
/*
 * hut-memalign.c - heap usage test: the aligned allocators count the size
 * asked for (not the alignment, not pvalloc's rounding up to a page), and
 * the calls glibc refuses count nothing.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"

static volatile size_t huge = SIZE_MAX;

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *pm, *aa, *ma, *va, *pva, *bad;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	DHAT_ASSERT(posix_memalign(&bad, 3, 10) != 0);
	DHAT_ASSERT(memalign(huge, 10) == NULL);
	DHAT_ASSERT_EQ(posix_memalign(&pm, 64, 100), 0);
	aa = aligned_alloc(128, 256);
	ma = memalign(256, 10);
	va = valloc(100);
	pva = pvalloc(100);
	free(pm);
	free(ma);
	free(va);
	free(pva);

	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 5);
	DHAT_ASSERT_EQ(s.total_bytes, 100 + 256 + 10 + 100 + 100);
	DHAT_ASSERT_EQ(s.curr_blocks, 1);
	DHAT_ASSERT_EQ(s.curr_bytes, 256);
	DHAT_ASSERT_EQ(s.max_blocks, 5);
	DHAT_ASSERT_EQ(s.max_bytes, 566);
	dhat_profiler_drop(p);
	free(aa);
	return 0;
}
