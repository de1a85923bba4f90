/* SPDX-License-Identifier: MIT */
/*
 * run.h - libdhat's side of dhat-run: the profiler that lib/preload.c
 * starts before main in a preloaded process, and the snapshots it writes
 * on a signal (lib/snapshot.c).  The heap core calls the two hooks below.
 */
#ifndef DHAT_RUN_H
#define DHAT_RUN_H

#include <stdbool.h>
#include <stddef.h>

/* Set by the snapshot signal's handler; the next allocation or free by any
 * thread takes the snapshot (never the handler: writing a profile is not
 * async-signal-safe).  Defined in heap.c with the hook's function, which
 * stays NULL until the handler is installed, so that heap.c also links
 * alone (its unit test). */
extern int dhat__snapshot_pending;
extern void (*dhat__snapshot_serve)(void);

/* Take a requested snapshot.  Called with the guard set and the lock NOT
 * held; returns once a copy of the process has written it. */
void dhat__snapshot_poll(void);

/* The hook in the allocator's counting path and in dhat_ad_hoc_event: one
 * relaxed load. */
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
/* Forget the snapshot count (a forked child starts its own series). */
void dhat__snapshot_forget(void);
/* In a fork handler: this fork is a snapshot's, not the program's. */
bool dhat__snapshot_forking(void);

/*
 * NAME with INSERT placed before a final ".json", or appended when NAME
 * has none: "p.json" + ".7" -> "p.7.json".  Allocated with glibc's
 * allocator; NULL when out of memory.
 */
char *dhat__name_insert(const char *name, const char *insert);

#endif
