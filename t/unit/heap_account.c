/* SPDX-License-Identifier: MIT */
/*
 * heap_account.c - heap.c's accounting alone, with fake pointers and fake
 * one-frame stacks: the t-gmax figures of every program point on the
 * "new peak, free, new peak" pattern, and the cost rule: at most one
 * snapshot per operation, where copying every PP at each descent from a
 * peak would take N * N.  libdhat hides its internals, so this test
 * compiles heap.c, pp_table.c and live_table.c in and stands in for the
 * rest.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"
#include "live_table.h"
#include "pp_table.h"
#include "profiler.h"
#include "heap_stubs.h"
#include "tap.h"

#define N 10000

/* Fake, distinct, 16-aligned block addresses: never dereferenced. */
static void *
fake(unsigned k)
{
	return (void *)(uintptr_t)(0x100000 + 16 * (uintptr_t)k);
}

/* The books closed as at the end, in the table itself. */
static void
close_books(void)
{
	struct dhat__closed c;

	(void)dhat__heap_close(&c, dhat__heap_now(), false);
}

static void
alloc_at(unsigned pp, unsigned k, size_t n)
{
	stub_site = 0x1000 + pp;
	dhat__heap_alloc(fake(k), n);
}

static unsigned
find_pp(unsigned pp)
{
	size_t i;

	for (i = 0; i < dhat__pp_count(); i++)
		if (dhat__pp_get((uint32_t)i)->ips[0] == 0x1000 + pp)
			return (unsigned)i;
	return UINT32_MAX;
}

int
main(void)
{
	struct dhat_heap_stats s;
	struct dhat__block b;
	uint64_t ops = 0;
	unsigned i, bad_g = 0, bad_e = 0;
	struct dhat__pp *pp;

	plan(17);
	dhat__prof.state = DHAT__RUNNING;
	dhat__prof.cfg.mode = DHAT__MODE_HEAP;
	dhat__prof.cfg.time_unit = DHAT_TIME_BYTES;
	dhat__prof.gen = 1;
	dhat__heap_reset();

	for (i = 0; i < N; i++, ops++)
		alloc_at(i, i, 8);
	for (i = 0; i < N; i++, ops += 2) {
		dhat__heap_free(fake(i));
		alloc_at(i, i, 9);
	}
	for (i = 1; i < N; i += 2, ops++)
		dhat__heap_free(fake(i));
	s = dhat__heap_stats();
	is_uint(s.max_bytes, 9 * N, "peak bytes");
	is_uint(s.max_blocks, N, "peak blocks");
	is_uint(dhat__heap_tgmax(), 17 * N, "t-gmax in bytes allocated");
	ok(dhat__heap_snapshots() <= ops,
	    "at most one snapshot per operation (%llu for %llu operations)",
	    (unsigned long long)dhat__heap_snapshots(),
	    (unsigned long long)ops);

	/* A realloc that shrinks, one that fails (detach + reattach), and
	 * one that frees (size 0); then an equal peak later than the first:
	 * the latest wins. */
	ok(dhat__heap_detach(fake(0), &b), "detach a live block");
	dhat__heap_reattach(&b);
	ok(dhat__heap_detach(fake(0), &b), "it is live again after a failure");
	dhat__heap_moved(&b, fake(N + 1), 4);
	ok(dhat__heap_detach(fake(2), &b), "detach another");
	dhat__heap_detached_free(&b);
	ok(!dhat__heap_detach(fake(2), &b), "realloc(p, 0) freed it");
	s = dhat__heap_stats();
	is_uint(s.curr_bytes, 9 * (N / 2) - 5 - 9, "current bytes");
	is_uint(s.total_blocks, 2 * N + 1, "a realloc counts one block");

	close_books();
	for (i = 0; i < N; i++) {
		pp = dhat__pp_get(find_pp(i));
		if (pp->g_bytes != 9 || pp->g_blocks != 1)
			bad_g++;
		if (pp->curr_bytes != (i == 0 ? 4u : i % 2 || i == 2 ? 0u : 9u))
			bad_e++;
	}
	is_uint(bad_g, 0, "every PP has 9 bytes in 1 block at t-gmax");
	is_uint(bad_e, 0, "every PP's figures at t-end");
	pp = dhat__pp_get(find_pp(0));
	is_uint(pp->tb, 8 + 9 + 4, "realloc adds its new size to tb");
	is_uint(pp->max_bytes, 9, "mb is the PP's own peak");

	/* Latest of equal peaks: new profile, 100 B, free, 100 B again. */
	dhat__heap_reset();
	alloc_at(1, 1, 60);
	alloc_at(2, 2, 40);
	dhat__heap_free(fake(2));
	alloc_at(3, 3, 40);
	dhat__heap_free(fake(3));
	close_books();
	is_uint(dhat__heap_tgmax(), 140, "t-gmax is the later equal peak");
	is_uint(dhat__pp_get(find_pp(2))->g_bytes, 0,
	    "the earlier peak's PP is not at t-gmax");
	is_uint(dhat__pp_get(find_pp(3))->g_bytes, 40,
	    "the later peak's PP is at t-gmax");
	dhat__heap_reset();
	return done_testing();
}
