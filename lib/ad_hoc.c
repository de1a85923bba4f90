/* SPDX-License-Identifier: MIT */
/*
 * ad_hoc.c - events counted per call stack: in ad hoc profiling the
 * program reports events of its own choosing, each with a weight (the
 * Rust crate's ad_hoc_event); in copy profiling libdhat-copy reports the
 * program's copies (memcpy, strcpy, ...) with the bytes they copy.  The
 * profile counts them per call stack as a heap profile counts blocks and
 * bytes; the figures live in heap.c's tables: events (copies) as blocks,
 * units (bytes copied) as bytes.  The entry point the program called is
 * the stack's first frame, as malloc is in a heap profile.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "copy.h"
#include "entry.h"
#include "eprint.h"
#include "guard.h"
#include "heap.h"
#include "lock.h"
#include "pp_table.h"
#include "profiler.h"
#include "stack.h"
#include "snapshot.h"

static inline bool
mode_counting(enum dhat__mode mode)
{
	return dhat__prof.state == DHAT__RUNNING && dhat__prof.cfg.mode == mode;
}

/*
 * One event of WEIGHT at the caller's stack when a profiler of MODE runs.
 * The caller's caller is the stack's first frame: the public entry point
 * (dhat_ad_hoc_event, or libdhat-copy's memcpy, ...).  Not inlined, so
 * that both callers keep their frames.
 */
static __attribute__((noinline)) void
count_event(enum dhat__mode mode, uint64_t weight)
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
	on = mode_counting(mode);
	gen = dhat__prof.gen;
	max = dhat__prof.cfg.max_frames;
	dhat__unlock();
	if (on) {
		/* Unwind without the lock, then count only if the same
		 * profiler still runs. */
		dhat__stack_capture(&s, max, 0);
		dhat__lock();
		if (mode_counting(mode) && dhat__prof.gen == gen) {
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
}

void
dhat_ad_hoc_event(uint64_t weight)
{
	count_event(DHAT__MODE_AD_HOC, weight);
	DHAT__NO_TAILCALL();
}

/*
 * A copy of N bytes, reported by one of libdhat-copy's entry points (its
 * memcpy, strcpy, ...), which is then the stack's first frame: its object
 * joins libdhat's own code for the capture, which drops the frames of
 * both libraries but that one.  The check of the mode comes first, for
 * the program's copies while no copy profiler runs.
 */
__attribute__((visibility("default"))) void
dhat__copy_count(size_t n)
{
	if (DHAT__LIKELY(__atomic_load_n(&dhat__prof.cfg.mode,
	    __ATOMIC_RELAXED) != DHAT__MODE_COPY))
		return;
	count_event(DHAT__MODE_COPY, n);
	DHAT__NO_TAILCALL();
}

void
dhat__copy_attach(void)
{
	void *f = dlsym(RTLD_DEFAULT, "dhat__copy_library");

	if (f == NULL || dhat__stack_own_also((uintptr_t)f) < 0)
		dhat__eprint("dhat: copy profiling sees no copies: "
		    "libdhat-copy is not loaded (link the program with "
		    "-ldhat-copy, or run it under dhat-run --mode=copy)\n");
}

/* The totals of the running profiler of MODE, whose events are called
 * WHAT in the messages; panics (as the Rust crate does) when there is
 * none. */
static struct dhat_heap_stats
event_stats(enum dhat__mode mode, const char *what)
{
	static const char *const doing[] = {
		[DHAT__MODE_HEAP] = "heap", [DHAT__MODE_AD_HOC] = "ad hoc",
		[DHAT__MODE_COPY] = "copy",
	};
	struct dhat_heap_stats h;
	char err[128];
	int g;

	/* Guarded while the lock is held (see dhat_heap_stats_get). */
	err[0] = '\0';
	g = dhat__enter();
	dhat__lock();
	if (dhat__prof.state == DHAT__IDLE ||
	    dhat__prof.state == DHAT__FINISHING)
		snprintf(err, sizeof err, "dhat: getting %s stats when no "
		    "profiler is running", what);
	else if (dhat__prof.state == DHAT__POST_ASSERT)
		snprintf(err, sizeof err, "dhat: getting %s stats after the "
		    "profiler has asserted", what);
	else if (dhat__prof.cfg.mode != mode)
		snprintf(err, sizeof err, "dhat: getting %s stats while "
		    "doing %s profiling", what, doing[dhat__prof.cfg.mode]);
	h = dhat__heap_stats();
	dhat__unlock();
	dhat__leave(g);
	if (err[0] != '\0')
		dhat__panic(err);
	return h;
}

struct dhat_ad_hoc_stats
dhat_ad_hoc_stats_get(void)
{
	struct dhat_heap_stats h = event_stats(DHAT__MODE_AD_HOC, "ad hoc");
	struct dhat_ad_hoc_stats s;

	s.total_events = h.total_blocks;
	s.total_units = h.total_bytes;
	return s;
}

struct dhat_copy_stats
dhat_copy_stats_get(void)
{
	struct dhat_heap_stats h = event_stats(DHAT__MODE_COPY, "copy");
	struct dhat_copy_stats s;

	s.total_copies = h.total_blocks;
	s.total_bytes = h.total_bytes;
	return s;
}
