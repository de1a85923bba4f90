/* SPDX-License-Identifier: MIT */
/*
 * heap_oom.c - heap.c and its tables when their allocations fail (built
 * with --enable-fault-injection; skipped otherwise).  For N = 1, 2, ...
 * the Nth internal allocation fails during a fixed scenario: thousands of
 * blocks on hundreds of stacks, reallocs that move and that fail, a
 * block of 4 GiB and more (the live table's side list), frees.  Every
 * run must end with books that agree with themselves (the live table,
 * the totals and the sum over program points) and with exactly the
 * scenario's figures less what was reported lost; the loop ends when N
 * is no longer reached.  Like heap_account.c, it compiles heap.c,
 * pp_table.c, live_table.c and fault.c in and fakes the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "heap.h"
#include "live_table.h"
#include "memory.h"
#include "pp_table.h"
#include "profiler.h"
#include "heap_stubs.h"
#include "tap.h"

#ifdef DHAT_FAULT_INJECTION

#define NBLOCKS 6000
#define NSITES 700
#define BIG ((size_t)1 << 32)

static void *
fake(unsigned k)
{
	return (void *)(uintptr_t)(0x100000 + 16 * (uintptr_t)k);
}

/* The scenario; its figures without failures are in *WANT. */
static void
scenario(void)
{
	struct dhat__block b;
	unsigned k;

	for (k = 0; k < NBLOCKS; k++) {
		stub_site = 0x1000 + k % NSITES;
		dhat__heap_alloc(fake(k), k % 100 + 1);
	}
	stub_site = 0x9999;
	dhat__heap_alloc(fake(NBLOCKS), BIG + 5);
	/* Reallocs: moved to new addresses, and failed ones put back. */
	for (k = 0; k < NBLOCKS; k += 3) {
		if (!dhat__heap_detach(fake(k), &b)) {
			/* As interpose.c: a realloc of an untracked block
			 * is an allocation at the realloc site. */
			if (k % 2 == 0)
				dhat__heap_alloc(fake(NBLOCKS + 1 + k), 200);
			continue;
		}
		if (k % 2 == 0)
			dhat__heap_moved(&b, fake(NBLOCKS + 1 + k), 200);
		else
			dhat__heap_reattach(&b);
	}
	for (k = 1; k < NBLOCKS; k += 2)
		dhat__heap_free(fake(k));
	dhat__heap_free(fake(NBLOCKS));
}

struct books {
	struct dhat_heap_stats s;
	uint64_t lost_allocs, lost_stacks;
	size_t live;
	uint64_t pp_tbk, pp_curr_bytes, pp_curr_blocks;
};

/* The scenario with allocation FAIL_AT failing; whether it did. */
static int
run(uint64_t fail_at, struct books *o)
{
	size_t i;
	int failed;

	dhat__heap_reset();
	dhat__prof.state = DHAT__RUNNING;
	dhat__prof.cfg.mode = DHAT__MODE_HEAP;
	dhat__prof.cfg.time_unit = DHAT_TIME_BYTES;
	dhat__prof.gen++;
	dhat__fault_set(fail_at);
	scenario();
	failed = dhat__fault_state(NULL);
	dhat__fault_set(0);
	memset(o, 0, sizeof *o);
	o->s = dhat__heap_stats();
	dhat__heap_lost(&o->lost_allocs, &o->lost_stacks);
	o->live = dhat__live_count();
	for (i = 0; i < dhat__pp_count(); i++) {
		const struct dhat__pp *pp = dhat__pp_get((uint32_t)i);

		o->pp_tbk += pp->tbk;
		o->pp_curr_bytes += pp->curr_bytes;
		o->pp_curr_blocks += pp->curr_blocks;
	}
	return failed;
}

#endif /* DHAT_FAULT_INJECTION */

int
main(void)
{
#ifndef DHAT_FAULT_INJECTION
	skip_all("libdhat built without --enable-fault-injection");
#else
	struct books want, got;
	uint64_t n, bad = 0, lost = 0;

	stub_depth = 2;     /* stacks of two frames, as the figures assume */
	plan_lazy();
	run(0, &want);
	is_uint(want.lost_allocs, 0, "no failure: nothing lost");
	is_uint(want.s.total_blocks, NBLOCKS + 1 + NBLOCKS / 6,
	    "no failure: total blocks");
	is_uint(want.live, want.s.curr_blocks, "no failure: live table");
	for (n = 1;; n++) {
		if (!run(n, &got))
			break;
		if (got.lost_allocs == 0 ||
		    got.live != got.s.curr_blocks ||
		    got.pp_curr_blocks != got.s.curr_blocks ||
		    got.pp_curr_bytes != got.s.curr_bytes ||
		    got.pp_tbk != got.s.total_blocks ||
		    got.s.total_blocks > want.s.total_blocks ||
		    got.s.total_blocks + got.lost_allocs < want.s.total_blocks) {
			if (bad++ == 0)
				diag("N=%llu: lost %llu, live %zu, curr %zu, "
				    "total %llu", (unsigned long long)n,
				    (unsigned long long)got.lost_allocs,
				    got.live, got.s.curr_blocks,
				    (unsigned long long)got.s.total_blocks);
		}
		lost += got.lost_allocs;
	}
	ok(n > 1, "%llu internal allocations failed one at a time",
	    (unsigned long long)(n - 1));
	is_uint(bad, 0, "the books agree after every failure");
	diag("%llu allocations lost in all", (unsigned long long)lost);
	dhat__heap_reset();
	return done_testing();
#endif
}
