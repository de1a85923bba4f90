/* SPDX-License-Identifier: MIT */
/*
 * heap.c - heap accounting, as Valgrind's DHAT does it: totals, live,
 * the global peak (t-gmax), per program point figures and block
 * lifetimes.
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
 * Lifetimes cost no per-block time: a PP's tl is the sum over its freed
 * blocks of (free time - allocation time), so each allocation subtracts
 * its time from the PP's tl and each free adds its own, and at the end
 * every block still live adds te (curr_blocks of them), modulo 2^64 all
 * along.  The live table then holds no time, and realloc, which keeps the
 * block's first allocation time, changes nothing.
 *
 * Time is counted in ticks since the start, or with DHAT_TIME_BYTES in
 * bytes allocated so far (including the allocation being counted), which
 * makes every time figure reproducible.  A tick is a nanosecond of
 * CLOCK_MONOTONIC, or, when the kernel's own clocksource is the TSC (or
 * KVM's clock over an invariant TSC, see tsc_usable), a TSC count:
 * reading the counter directly costs far less than clock_gettime, and it
 * is read twice per block (bench/RESULTS.md).  TSC ticks become
 * nanoseconds at the
 * rate measured against CLOCK_MONOTONIC between the start and the latest
 * dhat__heap_now() (the drop, a snapshot): the kernel derives
 * CLOCK_MONOTONIC from the same counter, so a converted time is off by
 * the skew of the two calibration reads (tens of nanoseconds), far below
 * the profile's microsecond.  An event counted under the lock reads its
 * tick before taking it, so the timestamps of two threads' events may be
 * out of their order by about the time it takes to get the lock (a
 * logged event's time is its key, read in step with memory, when keys
 * are TSC counts: oplog.c); a block is always freed after its allocation
 * read its tick, so no lifetime is negative.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <x86intrin.h>
#define HAVE_TSC 1
#endif

#include "access.h"
#include "compiler.h"
#include "entry.h"
#include "guard.h"
#include "heap.h"
#include "live_table.h"
#include "lock.h"
#include "memory.h"
#include "oplog.h"
#include "pp_table.h"
#include "preload.h"
#include "profiler.h"
#include "stack.h"
#include "unload.h"
#include "timeline.h"
#include "snapshot.h"

/* Snapshot requests and their server (snapshot.h). */
int dhat__snapshot_pending;
void (*dhat__snapshot_serve)(void);

/* The figures every operation changes share the lock's cache line
 * (lock.h); the rest are changed at new peaks or rarely. */
struct dhat__hot dhat__hot;
static struct dhat__hot *const hot = &dhat__hot;
#ifdef HAVE_VALGRIND_HELGRIND_H
int dhat__valgrind;
#endif

static struct {
	size_t max_blocks;
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

/* The clock: ticks at the start and at the latest calibration, with the
 * CLOCK_MONOTONIC nanoseconds read next to them. */
static struct {
	int tsc;             /* -1 not decided, 0 ns, 1 TSC */
	uint64_t tick0, ns0;
	uint64_t tick1, ns1;
} clk = { -1, 0, 0, 0, 0 };

#ifdef HAVE_TSC
/* File PATH into BUF, at most SIZE - 1 bytes of it, NUL-ended; the
 * length read (0 when it cannot be opened). */
static size_t
read_head(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	while (got + 1 < size &&
	    (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* The CPU's "flags" line of /proc/cpuinfo names FLAG. */
static bool
cpu_flag(const char *cpuinfo, const char *flag)
{
	const char *line = strstr(cpuinfo, "\nflags"), *end, *p;
	size_t n = strlen(flag);

	if (line == NULL || (end = strchr(line + 1, '\n')) == NULL)
		return false;
	for (p = line; (p = strstr(p, flag)) != NULL && p < end; p += n)
		if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}
#endif

/*
 * The TSC when the kernel itself keeps time with it: then it is invariant
 * and synchronised between CPUs, or the kernel would have switched to
 * another clocksource.  Or under KVM's paravirtual clock, when the CPU
 * says the TSC is invariant (constant_tsc, nonstop_tsc) and the
 * hypervisor vouches for it (tsc_reliable): kvm-clock is then the host's
 * scaling of this same counter, which CLOCK_MONOTONIC follows, and
 * reading it through clock_gettime costs more than twice what rdtsc
 * does.
 */
static int
tsc_usable(void)
{
#ifdef HAVE_TSC
	char buf[8192];
	size_t n;

	n = read_head("/sys/devices/system/clocksource/clocksource0/"
	    "current_clocksource", buf, 32);
	if (n == 4 && memcmp(buf, "tsc\n", 4) == 0)
		return 1;
	if (n != 10 || memcmp(buf, "kvm-clock\n", 10) != 0)
		return 0;
	buf[0] = '\n';
	read_head("/proc/cpuinfo", buf + 1, sizeof buf - 1);
	return cpu_flag(buf, "constant_tsc") && cpu_flag(buf, "nonstop_tsc") &&
	    cpu_flag(buf, "tsc_reliable");
#else
	return 0;
#endif
}

static inline uint64_t
raw_ticks(void)
{
#ifdef HAVE_TSC
	if (DHAT__LIKELY(clk.tsc == 1))
		return __rdtsc();
#endif
	return dhat__clock_ns();
}

/*
 * The hot path's clock in two halves: stamp() reads the counter before
 * the lock is taken (under it, rdtsc would be much of the time the lock
 * is held), at() makes it a time of the profile under the lock (the
 * bytes allocated so far, with DHAT_TIME_BYTES).  The time unit is only
 * written while no profiler counts.
 */
static inline uint64_t
stamp(void)
{
	if (__atomic_load_n(&dhat__prof.cfg.time_unit, __ATOMIC_RELAXED) ==
	    DHAT_TIME_BYTES)
		return 0;
	return raw_ticks();
}

/* Out of line: the logs call it only when keyed by the counter, and
 * inlined there the clock's fallback would keep dhat__oplog_push from
 * being inlined into the hot path. */
__attribute__((noinline)) uint64_t
dhat__heap_stamp(void)
{
	return stamp();
}

int
dhat__clock_tsc(void)
{
	if (clk.tsc < 0)
		clk.tsc = tsc_usable();
	return clk.tsc;
}

static inline uint64_t
at(uint64_t t)
{
	if (dhat__prof.cfg.time_unit == DHAT_TIME_BYTES)
		return hot->total_bytes;
	return t > clk.tick0 ? t - clk.tick0 : 0;
}

uint64_t
dhat__heap_now(void)
{
	/* As in dhat__heap_stats: the bytes of a deferred allocation are
	 * already allocated. */
	if (dhat__oplog_one.ptr != 0)
		dhat__oplog_settle();
	if (dhat__prof.cfg.time_unit == DHAT_TIME_BYTES)
		return hot->total_bytes;
	clk.tick1 = raw_ticks();
	clk.ns1 = dhat__clock_ns();
	return clk.tick1 > clk.tick0 ? clk.tick1 - clk.tick0 : 0;
}

void
dhat__heap_reset(void)
{
	/* The PP table's new epoch comes before the logs are applied: an
	 * allocation numbered after this reset then sees that its program
	 * point is stale (dhat__oplog_push).  What is logged before belongs
	 * to the profiler that ended, or none: no profiler counts here, so
	 * applying it changes nothing. */
	dhat__oplog_one.ptr = 0;
	dhat__pp_reset();
	dhat__oplog_sync();
	memset(&h, 0, sizeof h);
	/* All but the lock, which the caller holds. */
	memset((char *)hot + offsetof(struct dhat__hot, seq), 0,
	    sizeof *hot - offsetof(struct dhat__hot, seq));
	/* The access records name program points of the tables just
	 * emptied (a forked child's fresh profile, or the next profiler). */
	(void)dhat__access_start(dhat__access_counting());
	(void)dhat__clock_tsc();
	clk.tick0 = clk.tick1 = raw_ticks();
	clk.ns0 = clk.ns1 = dhat__clock_ns();
	dhat__timeline_reset();
	dhat__live_reset();
}

static inline bool
counting(void)
{
	return dhat__prof.state == DHAT__RUNNING &&
	    dhat__prof.cfg.mode == DHAT__MODE_HEAP;
}

/* Before changing PP in operation hot->seq: keep its figure at the peak. */
static inline __attribute__((always_inline)) void
touch(struct dhat__pp *pp)
{
	if (pp->last_mod <= hot->peak_seq) {
		pp->g_bytes = pp->curr_bytes;
		pp->g_blocks = pp->curr_blocks;
		h.snapshots++;
	}
	pp->last_mod = hot->seq;
}

/* After an allocating operation: the latest of equal peaks wins. */
static inline __attribute__((always_inline)) void
check_peak(struct dhat__pp *pp, uint64_t now)
{
	if (pp->curr_bytes >= pp->max_bytes) {
		pp->max_bytes = pp->curr_bytes;
		pp->max_blocks = pp->curr_blocks;
	}
	if (hot->curr_bytes >= hot->max_bytes) {
		hot->max_bytes = hot->curr_bytes;
		h.max_blocks = hot->curr_blocks;
		hot->peak_seq = hot->seq;
		h.tgmax = now;
	}
	dhat__timeline_note(now, hot->curr_bytes, hot->curr_blocks);
}

static inline __attribute__((always_inline)) void
count_free(const struct dhat__block *b, uint64_t now)
{
	struct dhat__pp *pp = dhat__pp_get(b->pp);

	hot->seq++;
	touch(pp);
	pp->curr_blocks--;
	pp->curr_bytes -= b->size;
	hot->curr_blocks--;
	hot->curr_bytes -= b->size;
	pp->tl += now;
	dhat__timeline_note(now, hot->curr_bytes, hot->curr_blocks);
}

/* The figures of a fresh block of N bytes at program point I, at tick
 * T; the block into *B. */
static inline __attribute__((always_inline)) void
count_alloc(void *p, size_t n, uint32_t i, uint64_t t, struct dhat__block *b)
{
	struct dhat__pp *pp = dhat__pp_get(i);

	hot->seq++;
	touch(pp);
	pp->tb += n;
	pp->tbk++;
	pp->curr_bytes += n;
	pp->curr_blocks++;
	hot->total_bytes += n;
	hot->total_blocks++;
	hot->curr_bytes += n;
	hot->curr_blocks++;
	b->ptr = (uintptr_t)p;
	b->size = n;
	b->pp = i;
	b->time = at(t);
	pp->tl -= b->time;
	check_peak(pp, b->time);
}

/* A fresh block at program point I, under the lock.  Inlined: it is
 * most of the cached path. */
static inline __attribute__((always_inline)) void
record_alloc(void *p, size_t n, uint32_t i, uint64_t t)
{
	struct dhat__block b, old;
	bool had_old;

	/* Out of memory: the block is not counted at all (its free will
	 * not be found either), and the profile says it is incomplete.
	 * The room in the live table is made first, so that nothing needs
	 * undoing once the figures have changed. */
	if (dhat__live_reserve(n) < 0) {
		h.lost_allocs++;
		return;
	}
	count_alloc(p, n, i, t, &b);
	if (dhat__live_insert(&b, &old, &had_old) == 0 && had_old)
		count_free(&old, b.time);
}

/* The deferred operation (dhat__oplog_one) applied now: inline here,
 * where the single-threaded path applies one at every operation.  It
 * was made while counting, and a reset drops it, so its program point
 * and its block are still the profiler's. */
static inline __attribute__((always_inline)) void
settle(void)
{
	struct dhat__op *one = &dhat__oplog_one;
	uintptr_t p = one->ptr;
	struct dhat__block b;

	if (p == 0)
		return;
	one->ptr = 0;
	if (one->size != DHAT__OP_FREE)
		record_alloc((void *)p, one->size, one->pp, one->t);
	else if (dhat__live_remove(p, &b))
		count_free(&b, at(one->t));
}

/* The lock, and every operation deferred or logged applied first: the
 * figures read or changed under it are then up to date (oplog.c).  No
 * lock in a single-threaded process (dhat__lock_hot): returns whether it
 * took it.  The realloc paths too: they never run in another thread's
 * turn while the process has one thread. */
static inline __attribute__((always_inline)) bool
lock_hot_applied(void)
{
	bool taken = dhat__lock_hot();

	settle();
	dhat__oplog_sync();
	return taken;
}

/* Whether the entry point that called is to count its block: a heap
 * profiler runs (dhat__heap_running is 1), or the process's first
 * allocation decided that dhat-run's starts now.  Else the entry point
 * only shielded the allocator's work (DHAT__HEAP_SHIELD), or the
 * profiler was dropped since it looked. */
static inline bool
heap_counts(void)
{
	int r = __atomic_load_n(&dhat__heap_running, __ATOMIC_RELAXED);

	if (DHAT__LIKELY(r == 1))
		return true;
	if (r != DHAT__HEAP_UNDECIDED)
		return false;
	dhat__preload_decide();
	return __atomic_load_n(&dhat__heap_running, __ATOMIC_RELAXED) == 1;
}

/* An allocation of N bytes at P, at tick T on program point I of the
 * table of EPOCH, left for the next operation to count: only while the
 * process has one thread (oplog.h, dhat__oplog_one).  Whatever
 * was deferred before has been applied. */
static inline void
defer(uintptr_t p, size_t n, uint64_t t, uint32_t i, uint64_t epoch)
{
	struct dhat__op *o = &dhat__oplog_one;

	o->size = n;
	o->t = t;
	o->seq = (uint32_t)epoch;
	o->pp = i;
	o->ptr = p;
}

/* What the stack cache's entries are valid for: a reset of the tables
 * voids their PPs, and so does an unload, after which the same return
 * addresses may be another module's code (never 0: the epoch is not). */
static inline uint64_t
cache_gen(uint64_t epoch, uint64_t mg)
{
	return epoch ^ (mg << 32);
}

/*
 * An allocation whose stack the cache does not know: the stack is
 * captured and its program point interned.  Out of line, so that the
 * cached path's frame stays small; IP0 and CFA are dhat__heap_alloc's
 * (its frame stays below this one, and the capture drops libdhat's
 * frames).
 */
static __attribute__((noinline)) uint32_t
alloc_uncached(void *p, size_t n, uintptr_t ip0, uintptr_t cfa)
{
	uint64_t epoch = 0, mg = 0, t, hash;
	struct dhat__stack s;
	uint32_t i;
	int e;
	bool taken;

	/* The expensive part, outside the lock (the frame limit is only
	 * written while no profiler counts).  Unwinding and interning can
	 * make system calls and allocate: errno is kept here only; the
	 * cached path makes no call that could change it (the lock and the
	 * live table keep it themselves when they must). */
	e = errno;
	dhat__stack_cache_make();
	dhat__stack_capture(&s, __atomic_load_n(&dhat__prof.cfg.max_frames,
	    __ATOMIC_RELAXED), cfa);
	hash = dhat__pp_hash(s.ips, s.n);
	dhat__pp_prefetch_slot(hash);
	i = DHAT__PP_NONE;
	t = stamp();
	taken = lock_hot_applied();
	if (counting()) {
		/* Room for the block first, so that running out of memory
		 * never leaves an empty program point behind. */
		if (dhat__live_reserve(n) < 0 ||
		    (i = dhat__pp_intern_hashed(s.ips, s.n, hash)) ==
		    DHAT__PP_NONE) {
			i = DHAT__PP_NONE;
			h.lost_allocs++;
		} else {
			if (s.n == 0)
				h.lost_stacks++;    /* the capture had no buffer */
			record_alloc(p, n, i, t);
		}
		epoch = dhat__pp_epoch;
		mg = dhat__module_gen;
	}
	dhat__unlock_hot(taken);
	/* Without the cache (dhat_builder_no_stack_cache), it stays empty
	 * and every lookup misses at once.  The setting, like the frame
	 * limit, is written only while no profiler counts. */
	if (i != DHAT__PP_NONE &&
	    !__atomic_load_n(&dhat__prof.cfg.no_stack_cache, __ATOMIC_RELAXED))
		dhat__stack_remember(ip0, cfa, cache_gen(epoch, mg), &s, i);
	dhat__stack_release(&s);
	errno = e;
	return i;
}

/*
 * Not inlined anywhere (another file calls it), so its return address is
 * the allocator entry point's own frame, the stack's first, and its frame
 * address is where the stack cache's key and checked words are measured
 * from.  Taking the frame address gives this function a frame pointer:
 * its caller's rbp stays at CFA - 16 throughout, where the stack cache
 * checks it (stack.c).
 */
uint32_t
dhat__heap_alloc(void *p, size_t n)
{
	uintptr_t ip0 = (uintptr_t)__builtin_return_address(0);
	uintptr_t cfa = (uintptr_t)__builtin_frame_address(0) +
	    2 * sizeof(void *);
	uint64_t epoch = __atomic_load_n(&dhat__pp_epoch, __ATOMIC_RELAXED);
	uint64_t mg = __atomic_load_n(&dhat__module_gen, __ATOMIC_RELAXED);
	bool logging = dhat__oplog_wanted();
	uint64_t t;
	uint32_t i;
	bool taken;

	if (DHAT__UNLIKELY(!heap_counts()))
		return DHAT__PP_NONE;
	/* The prefetches would pull lines that the merge writes into this
	 * core: only when counting here and now. */
	if (!logging)
		dhat__live_prefetch((uintptr_t)p);
	dhat__snapshot_check();
	i = dhat__stack_cached(ip0, cfa, cache_gen(epoch, mg));
	if (i != DHAT__PP_NONE) {
		if (logging && dhat__oplog_push((uintptr_t)p, n, i, epoch))
			return i;
		t = stamp();
		if (!logging)
			dhat__pp_prefetch(i);
		taken = lock_hot_applied();
		/* The tables may have been reset since the epoch was read,
		 * or the PP retired by an unload. */
		if (counting() && dhat__pp_epoch == epoch &&
		    dhat__module_gen == mg && i < dhat__pp_count()) {
			if (taken)
				record_alloc(p, n, i, t);
			else
				defer((uintptr_t)p, n, t, i, epoch);
			dhat__unlock_hot(taken);
			return i;
		}
		dhat__unlock_hot(taken);
	}
	i = alloc_uncached(p, n, ip0, cfa);
	DHAT__NO_TAILCALL();
	return i;
}

/*
 * A free in a single-threaded process, at tick T.  Most blocks are freed
 * soon after they are made: when the deferred operation made this one,
 * the block skips the live table, as two entries of a log do
 * (dhat__heap_apply).  Otherwise the free is deferred in its turn.
 */
static inline void
free_alone(uintptr_t p, uint64_t t)
{
	struct dhat__op *one = &dhat__oplog_one;
	struct dhat__block b;

	/* Deferred operations exist only while counting, and a reset drops
	 * them: the program point is still valid.  No log has anything
	 * after the deferred operation (oplog.h). */
	if (one->ptr == p && one->size != DHAT__OP_FREE &&
	    !dhat__live_holds(p)) {
		one->ptr = 0;
		count_alloc((void *)p, one->size, one->pp, one->t, &b);
		count_free(&b, at(t));
		return;
	}
	settle();
	dhat__oplog_sync();
	if (counting()) {
		one->size = DHAT__OP_FREE;
		one->t = t;
		one->ptr = p;
	}
}

void
dhat__heap_free(void *p)
{
	struct dhat__block b;
	uint64_t t;
	bool taken;

	if (DHAT__UNLIKELY(!heap_counts()))
		return;
	/* No call here can change errno (see dhat__heap_alloc).  The
	 * caller prefetched the live slot when it is to be used here. */
	dhat__snapshot_check();
	if (dhat__oplog_wanted() &&
	    dhat__oplog_push((uintptr_t)p, DHAT__OP_FREE, 0, 0))
		return;
	t = stamp();
	taken = dhat__lock_hot();
	if (!taken) {
		free_alone((uintptr_t)p, t);
		return;
	}
	dhat__oplog_sync();
	if (counting() && dhat__live_remove((uintptr_t)p, &b))
		count_free(&b, at(t));
	dhat__unlock_hot(taken);
}

/*
 * An operation from a thread's log, in its turn (oplog.c).  Most blocks
 * are freed soon after they are made, by the thread that made them: when
 * F, the next entry of the same log, frees the block that O makes and
 * comes in this same merge, the block skips the live table (an insert
 * and a removal with the slots shifted back, much of the merge's work):
 * its figures are counted now, the block goes to *HELD for F's
 * turn (dhat__heap_apply_held), and the return is true.  Whatever
 * another log has between the two sees the figures with the block live,
 * as the table would have had it; nothing reads the table during a
 * merge.  A block whose address the table still holds (its free was not
 * seen) takes the table's way, which counts that free now.
 */
bool
dhat__heap_apply(const struct dhat__op *o, const struct dhat__op *f,
    struct dhat__block *held)
{
	struct dhat__block b;

	if (!counting())
		return false;
	if (o->size == DHAT__OP_FREE) {
		if (dhat__live_remove(o->ptr, &b))
			count_free(&b, at(o->t));
	} else if (o->pp < dhat__pp_count() && (!dhat__oplog_tsc ||
	    o->seq == (uint32_t)dhat__pp_epoch)) {
		/* (Logged with the TSC, the entry holds the epoch of its
		 * program point's table: the table may have been reset
		 * since.) */
		if (f != NULL && f->ptr == o->ptr &&
		    f->size == DHAT__OP_FREE && !dhat__live_holds(o->ptr)) {
			count_alloc((void *)o->ptr, o->size, o->pp, o->t, held);
			return true;
		}
		record_alloc((void *)o->ptr, o->size, o->pp, o->t);
	}
	return false;
}

/* F's turn, which frees the block HELD (dhat__heap_apply): in the same
 * merge, under the lock, so still counting. */
void
dhat__heap_apply_held(const struct dhat__block *held,
    const struct dhat__op *f)
{
	count_free(held, at(f->t));
}

bool
dhat__heap_detach(void *old, struct dhat__block *b)
{
	bool found = false, taken;
	int e = errno;

	if (DHAT__UNLIKELY(!heap_counts()))
		return false;
	taken = lock_hot_applied();
	if (counting() && dhat__live_remove((uintptr_t)old, b)) {
		b->gen = dhat__prof.gen;
		found = true;
	}
	dhat__unlock_hot(taken);
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
	bool had_old, taken;
	int e = errno;

	taken = lock_hot_applied();
	if (same_profiler(b)) {
		if (dhat__live_reserve(b->size) == 0) {
			(void)dhat__live_insert(b, &old, &had_old);
		} else {
			/* Cannot track it again: close its books now. */
			count_free(b, dhat__heap_now());
			h.lost_allocs++;
		}
	}
	dhat__unlock_hot(taken);
	errno = e;
}

void
dhat__heap_detached_free(const struct dhat__block *b)
{
	uint64_t t = stamp();
	int e = errno;
	bool taken;

	taken = lock_hot_applied();
	if (same_profiler(b))
		count_free(b, at(t));
	dhat__unlock_hot(taken);
	errno = e;
}

void
dhat__heap_moved(const struct dhat__block *b, void *p, size_t n)
{
	struct dhat__block nb = *b, old;
	struct dhat__pp *pp;
	uint64_t t = stamp();
	bool had_old, taken;
	int e = errno;

	taken = lock_hot_applied();
	if (same_profiler(b) && dhat__live_reserve(n) < 0) {
		/* The moved block cannot be tracked: count the old one freed
		 * and the new one lost. */
		count_free(b, dhat__heap_now());
		h.lost_allocs++;
	} else if (same_profiler(b)) {
		pp = dhat__pp_get(b->pp);
		hot->seq++;
		touch(pp);
		/* One more block and the full new size in the totals; the
		 * block stays on its PP and keeps its birth time. */
		pp->tb += n;
		pp->tbk++;
		pp->curr_bytes = pp->curr_bytes - b->size + n;
		hot->total_bytes += n;
		hot->total_blocks++;
		hot->curr_bytes = hot->curr_bytes - b->size + n;
		check_peak(pp, at(t));
		nb.ptr = (uintptr_t)p;
		nb.size = n;
		if (dhat__live_insert(&nb, &old, &had_old) == 0 && had_old)
			count_free(&old, at(t));
	}
	dhat__unlock_hot(taken);
	errno = e;
}

/* PP's final figures at time TE (see the top of this file). */
static void
finish_pp(struct dhat__pp *pp, uint64_t te)
{
	pp->tl += te * pp->curr_blocks;
	if (pp->last_mod <= hot->peak_seq) {
		pp->g_bytes = pp->curr_bytes;
		pp->g_blocks = pp->curr_blocks;
	}
}

int
dhat__heap_close(struct dhat__closed *c, uint64_t te, bool copy)
{
	size_t i, n;
	struct dhat__pp *v;

	/* As in dhat__heap_stats. */
	settle();
	n = dhat__pp_count();
	v = dhat__pp_get(0);
	memset(c, 0, sizeof *c);
	if (copy && n > 0) {
		/* The program goes on counting into the table. */
		v = DHAT__FAULT() ? NULL :
		    dhat__own_memalign(_Alignof(struct dhat__pp), n * sizeof *v);
		if (v == NULL)
			return -1;
		memcpy(v, dhat__pp_get(0), n * sizeof *v);
		c->copy = v;
	}
	if (dhat__prof.cfg.mode == DHAT__MODE_HEAP)
		for (i = 0; i < n; i++)
			finish_pp(&v[i], te);
	c->pps = v;
	c->n = n;
	c->te = te;
	c->tgmax = h.tgmax;
	c->stats = dhat__heap_stats();
	c->lost_allocs = h.lost_allocs;
	c->lost_stacks = h.lost_stacks;
	c->tsc = clk.tsc == 1;
	c->ticks = clk.tick1 - clk.tick0;
	c->ns = clk.ns1 - clk.ns0;
	c->timeline = NULL;
	c->ntimeline = 0;
	if (dhat__prof.cfg.mode == DHAT__MODE_HEAP)
		c->ntimeline = dhat__timeline_copy(&c->timeline);
	if (dhat__prof.cfg.mode == DHAT__MODE_HEAP)
		c->access = dhat__access_figures(n, &c->lost_access);
	return 0;
}

uint64_t
dhat__closed_ns(const struct dhat__closed *c, uint64_t t)
{
	if (!c->tsc)
		return t;
	if (c->ticks == 0 || c->ns == 0 || c->ticks > INT64_MAX)
		return 0;
	return (uint64_t)((unsigned __int128)t * c->ns / c->ticks);
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
	hot->total_bytes += w;
	hot->total_blocks++;
}

struct dhat_heap_stats
dhat__heap_stats(void)
{
	struct dhat_heap_stats s;

	/* Every caller syncs first; the deferred operation is applied here
	 * too for those that read the figures of a single-threaded run
	 * directly (heap.c's own tests). */
	settle();
	s.total_blocks = hot->total_blocks;
	s.total_bytes = hot->total_bytes;
	s.curr_blocks = hot->curr_blocks;
	s.curr_bytes = hot->curr_bytes;
	s.max_blocks = h.max_blocks;
	s.max_bytes = hot->max_bytes;
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
