/* SPDX-License-Identifier: MIT */
/*
 * diff-prog.c - one program built three ways for the dhat-diff tests:
 * as is (the baseline), with -DMORE=1 (site_grow allocates 3,072 bytes
 * instead of 1,024, site_gone is gone and site_new is new) and with
 * -DLAYOUT=1 (the same allocations, but code that does nothing and a
 * #line directive move every address and every line).  site_same is called
 * from two lines of main, which matching by function sums.  The profile
 * goes to argv[1], with time counted in bytes so that every run gives
 * the same figures.
 */
#include <stdlib.h>

#include "dhat.h"

#ifndef MORE
#define MORE 0
#endif
#ifndef LAYOUT
#define LAYOUT 0
#endif

#if LAYOUT
/* Work for nothing, in front of each call, whatever order the compiler
 * gives the functions. */
#define PAD()	do { \
	volatile int pad_ = 3; \
	pad_ *= 5; \
	pad_ ^= 7; \
} while (0)
#line 1000
#else
#define PAD()	do { } while (0)
#endif

static void *
site_same(void)
{
	PAD();
	return malloc(64);
}

static void *
site_grow(void)
{
	PAD();
	return malloc(MORE ? 3072 : 1024);
}

#if MORE
static void *
site_new(void)
{
	PAD();
	return malloc(500);
}
#else
static void *
site_gone(void)
{
	PAD();
	return malloc(32);
}
#endif

int
main(int argc, char **argv)
{
	struct dhat_profiler *p;
	void *a, *b, *g, *x;

	p = dhat_builder_build(dhat_builder_time_unit(dhat_builder_file_name(
	    dhat_builder_new(), argc > 1 ? argv[1] : "diff-prog.json"),
	    DHAT_TIME_BYTES));
	if (p == NULL)
		return 1;
	PAD();
	a = site_same();
	b = site_same();
	g = site_grow();
#if MORE
	x = site_new();
#else
	x = site_gone();
#endif
	free(x);
	free(g);
	dhat_profiler_drop(p);
	free(a);
	free(b);
	return 0;
}
