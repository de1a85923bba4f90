/* SPDX-License-Identifier: MIT */
/*
 * heap-peak.c - the pattern that makes per-free peak copying quadratic:
 * 10,000 program points, each step frees a block just after a new global
 * peak and makes the next peak.  The figures at t-gmax must still be
 * exact.  Distinct stacks come from a 14-level walk.  Profile to argv[1].
 */
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

#define N 10000
#define LEVELS 14
/* malloc, the innermost walk, then LEVELS x (left or right, walk): all
 * that tells the PPs apart, and not main, which calls from several lines. */
#define FRAMES (2 + 2 * LEVELS)

static void *walk(unsigned i, int lvl, size_t n);

/* Two distinct functions (not two call sites in one, which -O2 would
 * merge): the stack spells the bits of the PP's number. */
static void *
left(unsigned i, int lvl, size_t n)
{
	return walk(i, lvl, n);
}

static void *
right(unsigned i, int lvl, size_t n)
{
	return walk(i, lvl, n);
}

static void *
walk(unsigned i, int lvl, size_t n)
{
	if (lvl == 0)
		return malloc(n);
	if (i & 1)
		return right(i >> 1, lvl - 1, n);
	return left(i >> 1, lvl - 1, n);
}

static void *blk[N];

int
main(int argc, char **argv)
{
	struct dhat_heap_stats s;
	struct dhat_profiler *p;
	void *e1, *e2;
	unsigned i;

	plan(7);
	p = dhat_builder_build(dhat_builder_trim_backtraces(
	    dhat_builder_file_name(dhat_builder_new(),
	    argc > 1 ? argv[1] : "heap-peak.json"), FRAMES));
	ok(p != NULL, "profiler started");
	for (i = 0; i < N; i++)
		blk[i] = walk(i, LEVELS, 8);
	/* Free just after a peak, then make a higher one: N times. */
	for (i = 0; i < N; i++) {
		free(blk[i]);
		blk[i] = walk(i, LEVELS, 9);
	}
	for (i = 1; i < N; i += 2)
		free(blk[i]);
	e1 = walk(0, LEVELS, 5);
	e2 = walk(0, LEVELS, 5);
	s = dhat_heap_stats_get();
	is_uint(s.total_blocks, 2 * N + 2, "total blocks");
	is_uint(s.total_bytes, 17 * N + 10, "total bytes");
	is_uint(s.max_bytes, 9 * N, "bytes at the peak");
	is_uint(s.max_blocks, N, "blocks at the peak");
	is_uint(s.curr_bytes, 9 * N / 2 + 10, "current bytes");
	is_uint(s.curr_blocks, N / 2 + 2, "current blocks");
	dhat_profiler_drop(p);
	(void)e1;
	(void)e2;
	return done_testing();
}
