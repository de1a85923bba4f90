/* SPDX-License-Identifier: MIT */
/*
 * ad-hoc.c - ad hoc profiling: events of known weights from four sites,
 * 141 units in 11 events; events outside an ad hoc profiler ignored
 * (before any, in a heap profiler, after the drop); profilers one after
 * another (heap, ad hoc, heap, ad hoc) each counting only its own
 * lifetime.  Profiles to argv[1], argv[2], argv[3] and, by default,
 * dhat-ad-hoc.json.
 */
#include <stdint.h>
#include <stdlib.h>

#include "dhat.h"
#include "tap.h"

static void
site_a(void)
{
	dhat_ad_hoc_event(10);
}

static void
site_b(void)
{
	dhat_ad_hoc_event(100);
}

static void
site_c(uint64_t weight)
{
	dhat_ad_hoc_event(weight);
}

static void
site_zero(void)
{
	dhat_ad_hoc_event(0);
}

static void
site_big(void)
{
	dhat_ad_hoc_event(UINT64_C(1) << 40);
}

static void
site_ignored(void)
{
	dhat_ad_hoc_event(1000);
}

static void *
site_heap(size_t n)
{
	return malloc(n);
}

/* Loop counts out of the optimiser's sight: an unrolled loop would make
 * one program point per copy of the call. */
static volatile int two = 2, seven = 7;

static struct dhat_profiler *
start(struct dhat_builder *b, const char *name)
{
	return dhat_builder_build(dhat_builder_file_name(b, name));
}

int
main(int argc, char **argv)
{
	struct dhat_ad_hoc_stats a;
	struct dhat_heap_stats h;
	struct dhat_profiler *p;
	void *x, *y, *z;
	uint64_t w;
	int i;

	if (argc < 4)
		bail("usage: ad-hoc HEAP1 AD-HOC HEAP2");
	plan(13);
	site_ignored();

	p = start(dhat_builder_new(), argv[1]);
	site_ignored();
	x = site_heap(64);
	h = dhat_heap_stats_get();
	is_uint(h.total_blocks, 1, "heap mode: events are not blocks");
	is_uint(h.total_bytes, 64, "... nor bytes");
	dhat_profiler_drop(p);

	p = start(dhat_builder_ad_hoc(dhat_builder_new()), argv[2]);
	ok(p != NULL, "ad hoc profiler started");
	for (i = 0; i < two; i++)
		site_a();
	a = dhat_ad_hoc_stats_get();
	is_uint(a.total_events, 2, "two events");
	is_uint(a.total_units, 20, "... of 10 units");
	site_b();
	for (w = 0; w < (uint64_t)seven; w++)
		site_c(w);
	site_zero();
	y = site_heap(32);
	free(x);
	a = dhat_ad_hoc_stats_get();
	is_uint(a.total_events, 11, "eleven events");
	is_uint(a.total_units, 141, "... of 141 units; allocations not counted");
	dhat_profiler_drop(p);
	site_ignored();

	p = start(dhat_builder_new(), argv[3]);
	site_ignored();
	free(y);
	z = site_heap(7);
	free(z);
	h = dhat_heap_stats_get();
	is_uint(h.total_blocks, 1, "heap again: only its own block");
	is_uint(h.total_bytes, 7, "... and bytes");
	is_uint(h.curr_blocks, 0, "... the ad hoc profiler's block ignored");
	dhat_profiler_drop(p);

	p = dhat_profiler_new_ad_hoc();
	ok(p != NULL, "ad hoc profiler with the defaults");
	for (i = 0; i < two; i++)
		site_big();
	a = dhat_ad_hoc_stats_get();
	is_uint(a.total_events, 2, "two big events");
	is_uint(a.total_units, UINT64_C(1) << 41, "... of 2^40 units");
	dhat_profiler_drop(p);
	site_ignored();
	return done_testing();
}
