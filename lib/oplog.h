/* SPDX-License-Identifier: MIT */
/*
 * oplog.h - the per-thread logs of allocations and frees, and their
 * merge into one order (oplog.c).
 */
#ifndef DHAT_OPLOG_H
#define DHAT_OPLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "live_table.h"
#include "lock.h"
#include "pp_table.h"
#include "stack.h"

/*
 * While the process has more than one thread, an allocation or a free
 * whose stack the cache knew is not counted at once under the lock but
 * written to its thread's log with a key that places it in the one
 * order: the TSC read in step with memory (dhat__oplog_tsc), or else a
 * number from one atomic counter.  Whoever next holds the lock applies
 * every thread's logged operations in key order (oplog.c).  Freed
 * blocks are found in the live table then, so the free itself touches
 * no shared table.
 */
struct dhat__op {
	uintptr_t ptr;
	size_t size;          /* DHAT__OP_FREE: a free */
	uint64_t t;           /* the TSC key, or stamp() with a counter */
	uint32_t seq;         /* the low half of the counter's number, or
	                       * with the TSC of the PP table's epoch */
	uint32_t pp;          /* DHAT__PP_NONE: from an ended profiler */
};

_Static_assert(sizeof(struct dhat__op) == 32, "two entries a cache line");

#define DHAT__OP_FREE SIZE_MAX
/* 16 KiB a thread: room to go on while another thread merges, and with
 * the tables it fits in a core's first-level cache when one thread
 * merges its own log. */
#define DHAT__LOG_N 512

struct dhat__log {
	/* Written by the owning thread only. */
	uint64_t head;
	uint64_t gate;               /* odd while an entry is being made */
	uint64_t tail_seen;          /* tail, when last read */
	struct dhat__log *next;      /* all logs, under the lock */
	int orphan;                  /* the owner has ended */
	/* The merge's, under the lock: tail, which a thread whose log is
	 * full polls, and apart from it what only the merge reads. */
	uint64_t tail __attribute__((aligned(64)));
	uint64_t end __attribute__((aligned(64)));  /* head at the merge */
	uint64_t key;                /* of ops[tail] */
	bool held_next;              /* the next entry frees HELD */
	struct dhat__block held;     /* see dhat__heap_apply */
	struct dhat__op ops[DHAT__LOG_N] __attribute__((aligned(64)));
};

/* This thread's log: NULL until its first logged operation,
 * DHAT__LOG_DEAD once the thread has begun to end (and in threads whose
 * log could not be made): those count under the lock. */
extern __thread struct dhat__log *dhat__my_log
    __attribute__((tls_model("initial-exec")));
#define DHAT__LOG_DEAD ((struct dhat__log *)1)
/* Keys are TSC counts (x86 with a TSC the kernel trusts), set once
 * before the first log exists; else numbers from this counter. */
extern int dhat__oplog_tsc;
/* Set, under the lock, when a second log is made: from then on keys
 * of different logs are compared, and TSC keys must be read in step
 * with memory (oplog.c). */
extern int dhat__oplog_many;
/* Set with dhat__oplog_many where the processor can fetch a line for
 * writing (dhat__prefetch_write): then a thread claims its log's lines
 * ahead of its stores (dhat__oplog_push). */
extern int dhat__oplog_claim;
extern struct dhat__op_seq_line {
	uint64_t v __attribute__((aligned(64)));
	char pad[56];
} dhat__op_seq_line;
#define dhat__op_seq (dhat__op_seq_line.v)

/*
 * The TSC read after every earlier instruction of this thread has
 * completed: whatever this thread loaded before (the block glibc just
 * handed out) is older than the key.  (The kernel's own ordered read of
 * the TSC is the same two instructions: Linux makes lfence
 * dispatch-serialising on the AMD processors where it is not always.)
 */
#if defined(__x86_64__)
static inline uint64_t
dhat__tsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) ::
	    "memory");
	return (uint64_t)hi << 32 | lo;
}

/* The TSC as it comes: possibly read before earlier loads completed. */
static inline uint64_t
dhat__tsc_unordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}
#else
/* Never used: dhat__oplog_tsc is 0. */
static inline uint64_t
dhat__tsc_ordered(void)
{
	return 0;
}

static inline uint64_t
dhat__tsc_unordered(void)
{
	return 0;
}
#endif

/* Fetch P's cache line to be written, taking it from another core's
 * cache now rather than at the store.  x86 needs PREFETCHW for that (a
 * plain prefetch shares the line, and the store must still ask the
 * other core for it); only where dhat__oplog_claim says the processor
 * has it. */
static inline void
dhat__prefetch_write(const void *p)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("prefetchw %0" :: "m"(*(const char *)p));
#else
	__builtin_prefetch(p, 1);
#endif
}

/* Once per process, outside the lock: the thread-exit key, the keys'
 * kind. */
void dhat__oplog_init(void);
/* Give this thread a log; false when it cannot have one. */
bool dhat__oplog_attach(void);
/* Apply every operation that has begun, waiting for those being
 * logged; the caller's own operation (if any) comes after all of them.
 * Under the lock.  Nothing to do in a process that never logged. */
void dhat__oplog_sync_logs(void);
extern struct dhat__log *dhat__oplog_logs;

/*
 * The one deferred operation of a single-threaded process (ptr 0: none),
 * an entry as in a log.  There an allocation or a free whose stack the
 * cache knew is counted when the next one begins, or when anything reads
 * the figures: its slot in the live table, prefetched when it was made,
 * has had the program's time between the two calls to arrive, instead
 * of stalling the call itself (heap.c).  It is made only while the
 * process has one thread, so it comes before every logged operation.
 */
extern struct dhat__op dhat__oplog_one;
/* Apply it (oplog.c): under the lock, or in the one thread. */
void dhat__oplog_settle(void);

static inline void
dhat__oplog_sync(void)
{
	if (DHAT__UNLIKELY(dhat__oplog_one.ptr != 0))
		dhat__oplog_settle();
	if (DHAT__UNLIKELY(dhat__oplog_logs != NULL))
		dhat__oplog_sync_logs();
}
/* This thread's log is full: apply everything.  Takes the lock. */
void dhat__oplog_drain(void);
/* In a child just forked (the lock held since fork_prepare): apply what
 * was logged, skip the operations that other threads were logging at
 * the fork (their blocks are not counted), and retire their logs. */
void dhat__oplog_fork_child(void);

/* Whether to log: more than one thread, and not under Valgrind (whose
 * race detectors would see the logs' hand-over as races). */
static inline bool
dhat__oplog_wanted(void)
{
	return !dhat__single_threaded() && !DHAT__UNDER_VALGRIND();
}

/* The time of an operation counted now (heap.c): for logs keyed by a
 * counter. */
uint64_t dhat__heap_stamp(void);
/* Whether the clock is the TSC (heap.c); decided at the first call,
 * which comes before the lock is first taken. */
int dhat__clock_tsc(void);

/* Log an operation; false when this thread has no log (count it under
 * the lock instead).  Called for an allocation after glibc returned the
 * block, for a free before glibc may reuse it: the key taken here is
 * the operation's place in the one order (oplog.c). */
static inline __attribute__((always_inline)) bool
dhat__oplog_push(uintptr_t ptr, size_t size, uint32_t pp, uint64_t epoch)
{
	struct dhat__log *l = dhat__my_log;
	struct dhat__op *o;
	uint64_t h, g;

	if (DHAT__UNLIKELY((uintptr_t)l <= (uintptr_t)DHAT__LOG_DEAD)) {
		if (l == DHAT__LOG_DEAD || !dhat__oplog_attach())
			return false;
		l = dhat__my_log;
	}
	h = l->head;
	/* The merge's tail is read only when the log looks full: a merge on
	 * another core writes it after every run of entries. */
	if (DHAT__UNLIKELY(h - l->tail_seen == DHAT__LOG_N) &&
	    h - (l->tail_seen = __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE)) ==
	    DHAT__LOG_N) {
		dhat__oplog_drain();
		l->tail_seen = __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE);
	}
	o = &l->ops[h % DHAT__LOG_N];
	/* Another core merged this log last and read its lines: claim the
	 * line of an entry 16 ahead, or the stores to it would wait for
	 * the line's round trip, and the program's stores behind them
	 * (without it two threads took 14 to 17% longer). */
	if (__atomic_load_n(&dhat__oplog_claim, __ATOMIC_RELAXED))
		dhat__prefetch_write(&l->ops[(h + 16) % DHAT__LOG_N]);
	o->ptr = ptr;
	o->size = size;
	/* The gate opens before the key is taken (oplog.c says why this
	 * is enough). */
	g = l->gate;
	if (DHAT__LIKELY(dhat__oplog_tsc)) {
		/* x86: stores become visible in program order, and the
		 * program point's epoch is checked when the entry is
		 * applied. */
		__atomic_store_n(&l->gate, g + 1, __ATOMIC_RELAXED);
		o->t = __atomic_load_n(&dhat__oplog_many, __ATOMIC_RELAXED) ?
		    dhat__tsc_ordered() : dhat__tsc_unordered();
		o->seq = (uint32_t)epoch;
		o->pp = pp;
	} else {
		(void)__atomic_exchange_n(&l->gate, g + 1, __ATOMIC_SEQ_CST);
		o->seq = (uint32_t)__atomic_fetch_add(&dhat__op_seq, 1,
		    __ATOMIC_SEQ_CST);
		o->t = dhat__heap_stamp();
		/* PP came from the table of EPOCH.  A reset changes the
		 * epoch before it takes its own number (heap.c): if it came
		 * first, the index may name another program point, and is
		 * dropped. */
		o->pp = __atomic_load_n(&dhat__pp_epoch, __ATOMIC_ACQUIRE) ==
		    epoch ? pp : DHAT__PP_NONE;
	}
	__atomic_store_n(&l->head, h + 1, __ATOMIC_RELEASE);
	__atomic_store_n(&l->gate, g + 2, __ATOMIC_RELEASE);
	return true;
}

#endif
