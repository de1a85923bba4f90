/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - the profile so far, written while the program goes on
 * (snapshot.c): on a signal (dhat-run --signal), and rewritten over the
 * profile's own name every interval (dhat_builder_interval, dhat-run
 * --interval).  The counting paths call dhat__snapshot_check.
 */
#ifndef DHAT_SNAPSHOT_H
#define DHAT_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

/* Bits of dhat__snapshot_pending. */
#define DHAT__SNAP_REQUEST 1     /* the signal came */
#define DHAT__SNAP_INTERVAL 2    /* a profiler rewrites every interval */

/* Set by the signal's handler and while an interval runs; served by the
 * next allocation, free or ad hoc event of any thread (never the
 * handler: writing a profile is not async-signal-safe).  Defined in
 * heap.c with the server's pointer, which stays NULL until snapshot.c
 * sets it, so that heap.c also links alone (its unit tests). */
extern int dhat__snapshot_pending;
extern void (*dhat__snapshot_serve)(void);

/* The hook in the counting paths and in dhat_ad_hoc_event: one relaxed
 * load.  Called with the guard set and the lock NOT held. */
static inline void
dhat__snapshot_check(void)
{
	if (__builtin_expect(__atomic_load_n(&dhat__snapshot_pending,
	    __ATOMIC_RELAXED), 0) && dhat__snapshot_serve != NULL)
		dhat__snapshot_serve();
}

/* Install the handler for SIG (preload.c, at start-up); false when the
 * signal already has a handler or is ignored: that is left alone. */
bool dhat__snapshot_install(int sig);
/* A profiler starts (under the lock): its interval, if it has one. */
void dhat__snapshot_start(uint64_t interval_ms);
/* The profiler ends (under the lock): no more rewrites. */
void dhat__snapshot_stop(void);
/* Forget the snapshot count (a forked child starts its own series). */
void dhat__snapshot_forget(void);

/*
 * NAME with INSERT placed before a final ".json", or appended when NAME
 * has none: "p.json" + ".7" -> "p.7.json".  Allocated with glibc's
 * allocator; NULL when out of memory.
 */
char *dhat__name_insert(const char *name, const char *insert);

#endif
