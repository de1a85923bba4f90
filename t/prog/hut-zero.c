/* SPDX-License-Identifier: MIT */
/*
 * hut-zero.c - heap usage test: every allocation of zero bytes is a block
 * of 0 bytes (Valgrind counts 1 byte), and realloc(p, 0) frees p.
 */
#include <malloc.h>
#include <stdlib.h>

#include "dhat.h"

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	void *a, *b, *c, *d, *e;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	a = malloc(0);
	b = calloc(0, 5);
	c = calloc(5, 0);
	d = realloc(NULL, 0);
	e = memalign(16, 0);
	DHAT_ASSERT(a && b && c && d && e, "glibc gives zero-sized blocks");
	DHAT_ASSERT(realloc(a, 0) == NULL);

	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 5);
	DHAT_ASSERT_EQ(s.total_bytes, 0);
	DHAT_ASSERT_EQ(s.curr_blocks, 4);
	DHAT_ASSERT_EQ(s.curr_bytes, 0);
	DHAT_ASSERT_EQ(s.max_blocks, 5, "the latest peak of 0 bytes");
	DHAT_ASSERT_EQ(s.max_bytes, 0);
	dhat_profiler_drop(p);
	free(b);
	free(c);
	free(d);
	free(e);
	return 0;
}
