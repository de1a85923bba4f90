/* SPDX-License-Identifier: MIT */
/*
 * run-basic.c - a deterministic allocation pattern for dhat-run.
 *
 * Built plain, without libdhat, and without stdio (whose buffers would
 * depend on where stdout goes).  Totals: 1,250 bytes in 5 blocks; at
 * t-gmax 850 bytes in 3 blocks; at t-end 650 bytes in 2 blocks.  No
 * malloc(0), whose size Valgrind counts differently.
 */
#include <stdlib.h>

/* Live at the end, reachable: not a leak to any checker. */
static void *keep[2];

static void *
alloc_a(size_t n)
{
	return malloc(n);
}

static void *
alloc_b(size_t m, size_t n)
{
	return calloc(m, n);
}

static void *
grow(void *p, size_t n)
{
	return realloc(p, n);
}

int
main(void)
{
	void *p1, *p2, *p3, *p4;

	p1 = alloc_a(100);
	p2 = alloc_b(10, 20);
	p3 = alloc_a(300);
	free(p1);
	p3 = grow(p3, 600);	/* 1 more block and 600 bytes, at p3's site */
	p4 = alloc_a(50);	/* peak: 200 + 600 + 50 */
	free(p2);
	keep[0] = p3;
	keep[1] = p4;
	return 0;
}
