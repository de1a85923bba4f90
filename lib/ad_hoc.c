/* SPDX-License-Identifier: MIT */
/*
 * ad_hoc.c - ad hoc profiling: the program reports events of its own
 * choosing, each with a weight, and the profile counts them per call stack
 * as a heap profile counts blocks and bytes (the Rust crate's
 * ad_hoc_event).  The figures live in heap.c's tables: events as blocks,
 * units as bytes.  dhat_ad_hoc_event() is the stack's first frame, as
 * malloc is in a heap profile.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "guard.h"
#include "heap.h"
#include "lock.h"
#include "pp_table.h"
#include "profiler.h"
#include "stack.h"
#include "snapshot.h"

static inline bool
ad_hoc_counting(void)
{
	return dhat__prof.state == DHAT__RUNNING &&
	    dhat__prof.cfg.mode == DHAT__MODE_AD_HOC;
}

void
dhat_ad_hoc_event(uint64_t weight)
{
	struct dhat__stack s;
	uint64_t gen;
	size_t max;
	uint32_t i;
	bool on;
	int e = errno, g;

	/* Called from inside libdhat: never counted. */
	if (dhat__guard)
		return;
	g = dhat__enter();
	dhat__snapshot_check();
	dhat__lock();
	on = ad_hoc_counting();
	gen = dhat__prof.gen;
	max = dhat__prof.cfg.max_frames;
	dhat__unlock();
	if (on) {
		/* Unwind without the lock, then count only if the same
		 * profiler still runs. */
		dhat__stack_capture(&s, max, 0);
		dhat__lock();
		if (ad_hoc_counting() && dhat__prof.gen == gen) {
			/* DHAT__PP_NONE (out of memory): counted as
			 * lost, which marks the profile incomplete. */
			i = dhat__pp_intern(s.ips, s.n);
			dhat__adhoc_count(i, weight);
		}
		dhat__unlock();
		dhat__stack_release(&s);
	}
	dhat__leave(g);
	errno = e;
	DHAT__NO_TAILCALL();
}

struct dhat_ad_hoc_stats
dhat_ad_hoc_stats_get(void)
{
	struct dhat_ad_hoc_stats s;
	struct dhat_heap_stats h;
	const char *err = NULL;
	int g;

	/* Guarded while the lock is held (see dhat_heap_stats_get). */
	g = dhat__enter();
	dhat__lock();
	if (dhat__prof.state == DHAT__IDLE ||
	    dhat__prof.state == DHAT__FINISHING)
		err = "dhat: getting ad hoc stats when no profiler is running";
	else if (dhat__prof.state == DHAT__POST_ASSERT)
		err = "dhat: getting ad hoc stats after the profiler has "
		    "asserted";
	else if (dhat__prof.cfg.mode != DHAT__MODE_AD_HOC)
		err = "dhat: getting ad hoc stats while doing heap profiling";
	h = dhat__heap_stats();
	dhat__unlock();
	dhat__leave(g);
	if (err != NULL)
		dhat__panic(err);
	s.total_events = h.total_blocks;
	s.total_units = h.total_bytes;
	return s;
}
