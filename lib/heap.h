/* SPDX-License-Identifier: MIT */
/*
 * heap.h - heap accounting, as Valgrind's DHAT does it (heap.c).
 */
#ifndef DHAT_HEAP_H
#define DHAT_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhat.h"
#include "live_table.h"
#include "oplog.h"
#include "pp_table.h"

/* Called by the entry points with the guard set, after glibc succeeded;
 * each preserves errno.  dhat__heap_alloc returns the program point it
 * counted the block under, DHAT__PP_NONE when none. */
uint32_t dhat__heap_alloc(void *p, size_t n);
void dhat__heap_free(void *p);
/* realloc in three steps around glibc's call: take OLD out of the live
 * table first (so its address cannot be reused under us), then either
 * put it back (failure), count a free (realloc(p, 0)) or move it. */
bool dhat__heap_detach(void *old, struct dhat__block *b);
void dhat__heap_reattach(const struct dhat__block *b);
void dhat__heap_detached_free(const struct dhat__block *b);
void dhat__heap_moved(const struct dhat__block *b, void *p, size_t n);

/* Under the lock, at profiler start and end. */
void dhat__heap_reset(void);
/* Now in the profile's units (ticks or bytes), and the moment up to which
 * the clock's rate is measured: call it for te. */
uint64_t dhat__heap_now(void);

/* A profile closed at one moment: everything the writer reads. */
struct dhat__tpoint;
struct dhat__pp_access;

struct dhat__closed {
	const struct dhat__pp *pps;  /* with their final figures */
	size_t n;
	struct dhat_heap_stats stats;
	uint64_t te, tgmax;          /* in ticks, or bytes */
	uint64_t lost_allocs, lost_stacks;  /* see dhat__heap_lost */
	bool tsc;                    /* ticks are TSC counts ... */
	uint64_t ticks, ns;          /* ... ticks of them took ns */
	struct dhat__pp *copy;       /* PPS when copied, to dhat__own_free */
	struct dhat__tpoint *timeline; /* memory over time (timeline.h), to
				      * dhat__own_free; NULL: none */
	size_t ntimeline;
	struct dhat__pp_access *access; /* per PP (access.h), to
					 * dhat__access_free_figures; NULL:
					 * no accesses counted */
	uint64_t lost_access;        /* blocks whose accesses were not
				      * counted (out of memory) */
};

/* Close the books at time TE into *C: lifetimes of the live blocks, and
 * per-PP t-gmax figures resolved into g_bytes/g_blocks.  COPY: into a
 * copy of the program points (a snapshot; the program goes on), else in
 * the table itself (the end).  Under the lock; -1 when out of memory.
 * C's program points name the table's stacks, which stay until its next
 * reset. */
int dhat__heap_close(struct dhat__closed *c, uint64_t te, bool copy);
/* Ticks (or bytes: unchanged) of C's clock into nanoseconds. */
uint64_t dhat__closed_ns(const struct dhat__closed *c, uint64_t t);
/* Count a logged operation (oplog.c), under the lock.  F: the next
 * entry of O's log when this merge applies it too, else NULL.  True when
 * O's block is held for F (heap.c): then F's turn calls
 * dhat__heap_apply_held with *HELD instead. */
bool dhat__heap_apply(const struct dhat__op *o, const struct dhat__op *f,
    struct dhat__block *held);
void dhat__heap_apply_held(const struct dhat__block *held,
    const struct dhat__op *f);
struct dhat_heap_stats dhat__heap_stats(void);
/* What libdhat could not record for lack of memory: allocations it did
 * not count, and stacks it did not capture (counted at an empty stack).
 * Non-zero makes the profile incomplete. */
void dhat__heap_lost(uint64_t *allocs, uint64_t *stacks);
/* One ad hoc event of W units at program point PP, under the lock: kept in
 * the heap totals, units as bytes and events as blocks.  PP may be
 * DHAT__PP_NONE (out of memory): the event is counted as lost. */
void dhat__adhoc_count(uint32_t pp, uint64_t w);
/* Time of the global peak, in the profile's units (ns or bytes). */
uint64_t dhat__heap_tgmax(void);
/* How many per-PP snapshots the t-gmax scheme has taken (at most one per
 * PP change: the O(1) rule). */
uint64_t dhat__heap_snapshots(void);

#endif
