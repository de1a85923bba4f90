/* SPDX-License-Identifier: MIT */
/*
 * hut-realloc.c - heap usage test: realloc grows and shrinks a block (one
 * more block and the new size in the totals each time), realloc(NULL, n)
 * allocates, realloc(p, 0) frees, failing calls change nothing, and
 * reallocarray is realloc.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"

/* Failing calls, out of the compiler's sight (it warns about constant
 * impossible sizes and about using a pointer after realloc). */
static volatile size_t huge = SIZE_MAX - 4096;

static void *
try_realloc(void *p, size_t n)
{
	return realloc(p, n);
}

static void *
try_reallocarray(void *p, size_t m, size_t n)
{
	return reallocarray(p, m, n);
}

int
main(void)
{
	struct dhat_profiler *p;
	struct dhat_heap_stats s;
	char *a, *b, *c, *d;

	p = dhat_builder_build(dhat_builder_testing(dhat_builder_new()));
	a = malloc(10);
	a = realloc(a, 100);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 2, "the grown block counts again");
	DHAT_ASSERT_EQ(s.curr_blocks, 1);
	DHAT_ASSERT_EQ(s.curr_bytes, 100);

	a = realloc(a, 50);
	b = realloc(NULL, 20);
	DHAT_ASSERT(try_realloc(b, huge) == NULL);
	c = malloc(30);
	DHAT_ASSERT(try_realloc(c, 0) == NULL);
	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.curr_blocks, 2, "realloc(c, 0) freed c");
	DHAT_ASSERT_EQ(s.curr_bytes, 50 + 20);

	free(b);
	free(a);
	d = reallocarray(NULL, 4, 8);
	DHAT_ASSERT(try_reallocarray(d, huge, 2) == NULL);
	free(d);

	s = dhat_heap_stats_get();
	DHAT_ASSERT_EQ(s.total_blocks, 6);
	DHAT_ASSERT_EQ(s.total_bytes, 10 + 100 + 50 + 20 + 30 + 32);
	DHAT_ASSERT_EQ(s.curr_blocks, 0);
	DHAT_ASSERT_EQ(s.curr_bytes, 0);
	DHAT_ASSERT_EQ(s.max_blocks, 3, "a, b and c: the latest 100-byte peak");
	DHAT_ASSERT_EQ(s.max_bytes, 100);
	dhat_profiler_drop(p);
	return 0;
}
