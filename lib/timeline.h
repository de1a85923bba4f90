/* SPDX-License-Identifier: MIT */
/*
 * timeline.h - memory over time: the live bytes and blocks, recorded as
 * the heap's figures change, in a bounded number of points.
 *
 * Time is cut into slices of equal width, and each slice keeps the point
 * at which the most bytes were live during it.  When the points fill
 * their array, the slices double in width and neighbours merge, keeping
 * the higher: a run of any length ends with at most DHAT__TIMELINE_POINTS
 * points, the highest of each slice.  Heap accounting (heap.c) notes every
 * change under the profiler's lock (or in the process's only thread);
 * the profile adds the exact global peak and the end (json.c).
 */
#ifndef DHAT_TIMELINE_H
#define DHAT_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#define DHAT__TIMELINE_POINTS	1024

struct dhat__tpoint {
	uint64_t t;		/* ticks since the profiler started, or bytes */
	uint64_t bytes, blocks;
};

struct dhat__timeline {
	uint64_t width;		/* of a slice; 0 before the first note */
	uint64_t slice_end;	/* where the current slice ends */
	struct dhat__tpoint cur; /* the current slice's highest point */
	size_t n;		/* finished slices' points in pts */
	struct dhat__tpoint pts[DHAT__TIMELINE_POINTS];
	uint64_t slice[DHAT__TIMELINE_POINTS]; /* each point's slice */
};

extern struct dhat__timeline dhat__timeline;

/* Starts the slice that holds T, closing the current one. */
void dhat__timeline_slice(uint64_t t);

/* BYTES in BLOCKS live from time T on. */
static inline void
dhat__timeline_note(uint64_t t, uint64_t bytes, uint64_t blocks)
{
	struct dhat__timeline *tl = &dhat__timeline;

	if (__builtin_expect(t >= tl->slice_end, 0))
		dhat__timeline_slice(t);
	if (bytes >= tl->cur.bytes) {
		tl->cur.t = t;
		tl->cur.bytes = bytes;
		tl->cur.blocks = blocks;
	}
}

/* Forgets everything: a new profiler starts.  Under the lock. */
void dhat__timeline_reset(void);

/* The points so far, the current slice's included, into *OUT (libdhat's
 * own memory, to be freed with dhat__own_free); their number, 0 when out
 * of memory.  Under the lock. */
size_t dhat__timeline_copy(struct dhat__tpoint **out);

#endif
