/* SPDX-License-Identifier: MIT */
/*
 * heap.c - heap accounting (SPEC section 3): totals, live, the global peak
 * (t-gmax), per program point figures and block lifetimes.
 *
 * The per-PP picture at t-gmax costs O(1) per operation.  Every operation
 * that changes a PP takes the next sequence number; peak_seq is the number
 * of the operation that set the latest global peak.  A PP whose last
 * change is not after the peak still holds its value at the peak in
 * curr_*, so it is copied into g_* just before its first change after the
 * peak, and never again until a later peak.  At the end a PP's t-gmax
 * figure is curr_* if it has not changed since the peak, else g_*.  No
 * operation ever visits another PP (Valgrind and the Rust crate copy every
 * PP at each descent from a peak: O(PPs) per free).
 *
 * Time is nanoseconds since the start, or with DHAT_TIME_BYTES the bytes
 * allocated so far (including the allocation being counted), which makes
 * every time figure reproducible.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "dhat_private.h"
#include "run.h"

/* dhat-run's snapshot request and its server (run.h, snapshot.c). */
int dhat__snapshot_pending;
void (*dhat__snapshot_serve)(void);

static struct {
	uint64_t total_blocks, total_bytes;
	size_t curr_blocks, curr_bytes;
	size_t max_blocks, max_bytes;
	uint64_t seq, peak_seq;
	uint64_t tgmax;
	uint64_t snapshots;
	uint64_t lost_allocs, lost_stacks;   /* out of memory */
} h;

uint64_t
dhat__clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
dhat__heap_now(void)
{
	uint64_t t;

	if (dhat__prof.cfg.time_unit == DHAT_TIME_BYTES)
		return h.total_bytes;
	t = dhat__clock_ns();
	return t > dhat__prof.start_ns ? t - dhat__prof.start_ns : 0;
}

void
dhat__heap_reset(void)
{
	memset(&h, 0, sizeof h);
	dhat__pp_reset();
	dhat__live_reset();
}

static inline bool
counting(void)
{
	return dhat__prof.state == DHAT__RUNNING &&
	    dhat__prof.cfg.mode == DHAT__MODE_HEAP;
}

/* Before changing PP in operation h.seq: keep its figure at the peak. */
static inline void
touch(struct dhat__pp *pp)
{
	if (pp->last_mod <= h.peak_seq) {
		pp->g_bytes = pp->curr_bytes;
		pp->g_blocks = pp->curr_blocks;
		h.snapshots++;
	}
	pp->last_mod = h.seq;
}

/* After an allocating operation: the latest of equal peaks wins. */
static inline void
check_peak(struct dhat__pp *pp, uint64_t now)
{
	if (pp->curr_bytes >= pp->max_bytes) {
		pp->max_bytes = pp->curr_bytes;
		pp->max_blocks = pp->curr_blocks;
	}
	if (h.curr_bytes >= h.max_bytes) {
		h.max_bytes = h.curr_bytes;
		h.max_blocks = h.curr_blocks;
		h.peak_seq = h.seq;
		h.tgmax = now;
	}
}

static void
count_free(const struct dhat__block *b, uint64_t now)
{
	struct dhat__pp *pp = dhat__pp_get(b->pp);

	h.seq++;
	touch(pp);
	pp->curr_blocks--;
	pp->curr_bytes -= b->size;
	h.curr_blocks--;
	h.curr_bytes -= b->size;
	pp->tl += now - b->time;
}

/* A fresh block at the stack captured here, under the lock. */
static void
record_alloc(void *p, size_t n, const struct dhat__stack *s)
{
	struct dhat__block b, old;
	struct dhat__pp *pp;
	uint32_t i;
	bool had_old;

	/* Out of memory: the block is not counted at all (its free will
	 * not be found either), and the profile says it is incomplete.
	 * The room in the live table is made first, so that nothing needs
	 * undoing once the figures have changed. */
	if (dhat__live_reserve(n) < 0 ||
	    (i = dhat__pp_intern(s->ips, s->n)) == DHAT__PP_NONE) {
		h.lost_allocs++;
		return;
	}
	if (s->n == 0)
		h.lost_stacks++;    /* the capture had no buffer */
	pp = dhat__pp_get(i);
	h.seq++;
	touch(pp);
	pp->tb += n;
	pp->tbk++;
	pp->curr_bytes += n;
	pp->curr_blocks++;
	h.total_bytes += n;
	h.total_blocks++;
	h.curr_bytes += n;
	h.curr_blocks++;
	b.ptr = (uintptr_t)p;
	b.size = n;
	b.pp = i;
	b.time = dhat__heap_now();
	check_peak(pp, b.time);
	if (dhat__live_insert(&b, &old, &had_old) == 0 && had_old)
		count_free(&old, b.time);
}

void
dhat__heap_alloc(void *p, size_t n)
{
	struct dhat__stack s;
	int e = errno;

	dhat__snapshot_check();
	/* The expensive part, outside the lock (the frame limit is only
	 * written while no profiler counts). */
	dhat__stack_capture(&s,
	    __atomic_load_n(&dhat__prof.cfg.max_frames, __ATOMIC_RELAXED));
	dhat__lock();
	if (counting())
		record_alloc(p, n, &s);
	dhat__unlock();
	dhat__stack_release(&s);
	errno = e;
}

void
dhat__heap_free(void *p)
{
	struct dhat__block b;
	int e = errno;

	dhat__snapshot_check();
	dhat__lock();
	if (counting() && dhat__live_remove((uintptr_t)p, &b))
		count_free(&b, dhat__heap_now());
	dhat__unlock();
	errno = e;
}

bool
dhat__heap_detach(void *old, struct dhat__block *b)
{
	bool found = false;
	int e = errno;

	dhat__lock();
	if (counting() && dhat__live_remove((uintptr_t)old, b)) {
		b->gen = dhat__prof.gen;
		found = true;
	}
	dhat__unlock();
	errno = e;
	return found;
}

static inline bool
same_profiler(const struct dhat__block *b)
{
	return counting() && b->gen == dhat__prof.gen;
}

void
dhat__heap_reattach(const struct dhat__block *b)
{
	struct dhat__block old;
	bool had_old;
	int e = errno;

	dhat__lock();
	if (same_profiler(b)) {
		if (dhat__live_reserve(b->size) == 0) {
			(void)dhat__live_insert(b, &old, &had_old);
		} else {
			/* Cannot track it again: close its books now. */
			count_free(b, dhat__heap_now());
			h.lost_allocs++;
		}
	}
	dhat__unlock();
	errno = e;
}

void
dhat__heap_detached_free(const struct dhat__block *b)
{
	int e = errno;

	dhat__lock();
	if (same_profiler(b))
		count_free(b, dhat__heap_now());
	dhat__unlock();
	errno = e;
}

void
dhat__heap_moved(const struct dhat__block *b, void *p, size_t n)
{
	struct dhat__block nb = *b, old;
	struct dhat__pp *pp;
	bool had_old;
	int e = errno;

	dhat__lock();
	if (same_profiler(b) && dhat__live_reserve(n) < 0) {
		/* The moved block cannot be tracked: count the old one freed
		 * and the new one lost. */
		count_free(b, dhat__heap_now());
		h.lost_allocs++;
	} else if (same_profiler(b)) {
		pp = dhat__pp_get(b->pp);
		h.seq++;
		touch(pp);
		/* One more block and the full new size in the totals; the
		 * block stays on its PP and keeps its birth time. */
		pp->tb += n;
		pp->tbk++;
		pp->curr_bytes = pp->curr_bytes - b->size + n;
		h.total_bytes += n;
		h.total_blocks++;
		h.curr_bytes = h.curr_bytes - b->size + n;
		check_peak(pp, dhat__heap_now());
		nb.ptr = (uintptr_t)p;
		nb.size = n;
		if (dhat__live_insert(&nb, &old, &had_old) == 0 && had_old)
			count_free(&old, dhat__heap_now());
	}
	dhat__unlock();
	errno = e;
}

static void
add_lifetime(const struct dhat__block *b, void *ctx)
{
	uint64_t te = *(const uint64_t *)ctx;

	dhat__pp_get(b->pp)->tl += te - b->time;
}

void
dhat__heap_finish(uint64_t te)
{
	size_t i, n = dhat__pp_count();

	dhat__live_foreach(add_lifetime, &te);
	for (i = 0; i < n; i++) {
		struct dhat__pp *pp = dhat__pp_get((uint32_t)i);

		if (pp->last_mod <= h.peak_seq) {
			pp->g_bytes = pp->curr_bytes;
			pp->g_blocks = pp->curr_blocks;
		}
	}
}

void
dhat__adhoc_count(uint32_t i, uint64_t w)
{
	struct dhat__pp *pp;

	if (i == DHAT__PP_NONE) {
		h.lost_allocs++;
		return;
	}
	pp = dhat__pp_get(i);
	pp->tb += w;
	pp->tbk++;
	h.total_bytes += w;
	h.total_blocks++;
}

struct dhat_heap_stats
dhat__heap_stats(void)
{
	struct dhat_heap_stats s;

	s.total_blocks = h.total_blocks;
	s.total_bytes = h.total_bytes;
	s.curr_blocks = h.curr_blocks;
	s.curr_bytes = h.curr_bytes;
	s.max_blocks = h.max_blocks;
	s.max_bytes = h.max_bytes;
	return s;
}

void
dhat__heap_lost(uint64_t *allocs, uint64_t *stacks)
{
	*allocs = h.lost_allocs;
	*stacks = h.lost_stacks;
}

uint64_t
dhat__heap_tgmax(void)
{
	return h.tgmax;
}

uint64_t
dhat__heap_snapshots(void)
{
	return h.snapshots;
}
