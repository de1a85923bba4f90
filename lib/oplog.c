/* SPDX-License-Identifier: MIT */
/*
 * oplog.c - the per-thread logs of allocations and frees, and their
 * merge into the one order that heap.c counts in.
 *
 * Why.  The exact figures (the global peak above all)
 * need every operation of every thread in one order.  Taking the lock
 * for each one did that, but two threads allocating at once then pass
 * the lock, the counters, the program point and the live slot between
 * their cores at every operation.  Here an operation whose program
 * point the stack cache knew costs its thread a write into a log that
 * no other thread writes, with a key that places it in the order.
 * Whoever takes the lock next applies all logs in key order, so the
 * shared tables stay in one core's cache for hundreds of operations at
 * a time.
 *
 * The order.  An operation's key is taken after glibc returned the
 * block (allocation) and before glibc gets it back (free): a block's
 * address can be handed out again only after its free took its key,
 * and a block reaches another thread only after its allocation took
 * its own.  So any two operations of which one happened before the
 * other must get their keys in that order, and counting in key order
 * is counting in an order the program could have seen.  Everything that
 * reads the figures (statistics, the profile, realloc, a stack seen for
 * the first time) first takes the lock and a key of its own and applies
 * every operation keyed before it (dhat__oplog_sync).
 *
 * The keys.  Where the kernel trusts the TSC, a key is the TSC read in
 * step with memory (dhat__tsc_ordered): one thread's key is read before
 * its stores become visible, and another's after its loads completed,
 * so whatever passes between them orders their keys, and the threads
 * share nothing.  Elsewhere keys are numbers from one atomic counter,
 * ordered by the counter itself; but its cache line then moves between
 * the cores at every operation, and with two threads allocating at once
 * that alone can make them slower than one.
 *
 * One log.  Reading the TSC in step costs an lfence.  It
 * is left out while the process has one log (one thread that allocates
 * among others that do not): keys are then compared only with those
 * that the lock's holders read in step.  An operation that happened
 * before such a key published its entry first, with a key read before
 * that; one that happened after it is applied after it, whatever its
 * key.  A second log sets dhat__oplog_many before its thread logs
 * anything, so a thread that saw anything the second one did afterwards
 * sees it set (x86 keeps each thread's stores in order).
 *
 * Operations in flight.  A merge at key S must apply every operation
 * that happened before it, including one whose thread has its key but
 * has not yet published the entry.  Each log has a gate, which its
 * thread opens (makes odd) before taking a key and shuts after
 * publishing.  The merger takes S, then looks at every gate, and waits
 * on each open one until it shuts.  An operation behind a gate that
 * looked shut is applied by a later merge, and that is an order the
 * program could have seen: nothing applied now happened after it.  With
 * a counter, the locked increments on both sides make that so.  With
 * the TSC the gate is opened by a plain store: x86 makes a thread's
 * stores visible in program order, so anyone who saw what the thread
 * did after the operation (the block handed on, a free's glibc
 * bookkeeping) saw the gate open, and took a later key than that sight
 * (dhat__tsc_ordered), with the merger's S later still.
 *
 * A thread is between the two for a few instructions, unless it is
 * preempted there.  A child forked meanwhile has no such thread any
 * more: there the open gates are not waited for, and those operations
 * are lost as they would have been had the fork come first
 * (dhat__oplog_fork_child).
 *
 * The logs' lines.  The merging thread reads every line of the other
 * threads' logs, so when a thread comes round to write a line again the
 * line is shared with the merging core, and the first store to it waits
 * for that core to give it up, with every later store of the thread
 * queued behind it.  While there are two logs, a thread claims the line
 * 16 entries ahead for writing (dhat__prefetch_write), so that the wait
 * is over before the stores come.
 *
 * Single-threaded processes never log: heap.c counts each operation
 * when the next one begins (dhat__oplog_one), with no atomic operation
 * at all.  Whatever syncs applies that one first: it happened before the
 * process had a second thread, so before every logged operation.
 */
#include "config.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guard.h"
#include "heap.h"
#include "lock.h"
#include "memory.h"
#include "oplog.h"
#include "pages.h"

__thread struct dhat__log *dhat__my_log
    __attribute__((tls_model("initial-exec")));
/* Alone in its cache line: every logged operation of every thread writes
 * it, and a neighbour that each operation reads (the profiler's flags, the
 * tables' addresses) would be a miss every time. */
struct dhat__op_seq_line dhat__op_seq_line;
int dhat__oplog_tsc;
int dhat__oplog_many;
int dhat__oplog_claim;
/* Under the lock: every log ever made (published for the hot path). */
struct dhat__log *dhat__oplog_logs;

/* This file's state: whether the processor has PREFETCHW (found with
 * the keys' kind); under the lock, how many logs there are and room for
 * as many in the merge's heap; the key that marks a thread's log an
 * orphan at its exit; the log of the thread that merged last because
 * its log was full. */
static struct {
	bool can_claim;
	size_t nlogs, cap;
	struct dhat__log **order;
	pthread_key_t exit_key;
	int exit_key_ok;
	struct dhat__log *merger;
} ol;

/* A thread's log outlives it: what is still in it is applied by the next
 * merge, and a drained orphan is handed to the next new thread. */
static void
log_exit(void *p)
{
	struct dhat__log *l = p;

	__atomic_store_n(&l->orphan, 1, __ATOMIC_RELEASE);
	/* Allocations in later thread-exit destructors count under the
	 * lock. */
	dhat__my_log = DHAT__LOG_DEAD;
}

static void
make_key(void)
{
	/* Before any log exists: the keys' kind never changes. */
	dhat__oplog_tsc = dhat__clock_tsc();
#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned a, b, c, d;

		ol.can_claim = __get_cpuid(0x80000001, &a, &b, &c, &d) &&
		    (c & bit_PRFCHW) != 0;
	}
#else
	ol.can_claim = true;
#endif
	ol.exit_key_ok = pthread_key_create(&ol.exit_key, log_exit) == 0;
}

void
dhat__oplog_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, make_key);
}

/* Page-aligned, so line-aligned: the owner's and the merger's halves
 * must not share a line. */
static struct dhat__log *
log_new(void)
{
	return dhat__pages_new(sizeof(struct dhat__log));
}

/* Room in the merge's heap for one more log, under the lock. */
static bool
room_for_one(void)
{
	struct dhat__log **n;
	size_t c = ol.cap != 0 ? 2 * ol.cap : 16;

	if (ol.nlogs < ol.cap)
		return true;
	n = dhat__pages_resize(ol.order, ol.cap * sizeof *ol.order,
	    c * sizeof *ol.order);
	if (n == NULL)
		return false;
	ol.order = n;
	ol.cap = c;
	return true;
}

bool
dhat__oplog_attach(void)
{
	struct dhat__log *l;
	int e = errno;

	if (!ol.exit_key_ok) {
		dhat__my_log = DHAT__LOG_DEAD;
		return false;
	}
	dhat__lock();
	for (l = dhat__oplog_logs; l != NULL; l = l->next)
		if (__atomic_load_n(&l->orphan, __ATOMIC_ACQUIRE) &&
		    l->tail == l->head)
			break;
	if (l != NULL) {
		l->orphan = 0;
		l->tail_seen = l->tail;
	} else if (room_for_one() && (l = log_new()) != NULL) {
		l->next = dhat__oplog_logs;
		dhat__oplog_logs = l;
		if (++ol.nlogs == 2) {
			__atomic_store_n(&dhat__oplog_many, 1,
			    __ATOMIC_RELAXED);
			__atomic_store_n(&dhat__oplog_claim, ol.can_claim,
			    __ATOMIC_RELAXED);
		}
	}
	dhat__unlock();
	if (l == NULL || pthread_setspecific(ol.exit_key, l) != 0) {
		/* The log stays in the list, empty, for another thread. */
		if (l != NULL)
			__atomic_store_n(&l->orphan, 1, __ATOMIC_RELEASE);
		dhat__my_log = DHAT__LOG_DEAD;
		errno = e;
		return false;
	}
	dhat__my_log = l;
	errno = e;
	return true;
}

/* The key of entry O, around S: a number's low half says how far it is
 * from S (exact while fewer than 2^31 operations are pending). */
static inline uint64_t
key_of(const struct dhat__op *o, uint64_t s)
{
	if (dhat__oplog_tsc)
		return o->t;
	return s + (uint64_t)(int64_t)(int32_t)(o->seq - (uint32_t)s);
}

/* Wait until L's gate is shut, or has been shut once since we looked:
 * an entry being made then is in the log. */
static void
wait_gate(struct dhat__log *l)
{
	uint64_t g = __atomic_load_n(&l->gate, __ATOMIC_SEQ_CST);
	unsigned spins = 0;

	if ((g & 1) == 0)
		return;
	while (__atomic_load_n(&l->gate, __ATOMIC_ACQUIRE) == g) {
		if (++spins < 1000) {
			DHAT__CPU_RELAX();
		} else {
			/* The thread at the gate is not running. */
			int e = errno;

			sched_yield();
			errno = e;
		}
	}
}

/* The merge's heap: ORDER[0..N) by key, smallest first. */
static void
sift_down(size_t i, size_t n)
{
	struct dhat__log *l = ol.order[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && ol.order[c + 1]->key < ol.order[c]->key)
			c++;
		if (ol.order[c]->key >= l->key)
			break;
		ol.order[i] = ol.order[c];
		i = c;
	}
	ol.order[i] = l;
}

/* Entries the merge applies before it tells a waiting thread that
 * their room is free. */
#define PUBLISH 64

/*
 * Apply entry T of L, and return the key of the next entry, or ~0 when
 * this merge does not apply that one (past the log's end, or keyed at S
 * or later).
 */
static inline uint64_t
apply_one(struct dhat__log *l, uint64_t t, uint64_t s)
{
	const struct dhat__op *o = &l->ops[t % DHAT__LOG_N];
	const struct dhat__op *f = NULL;
	uint64_t k = UINT64_MAX;

	/* The line of a later entry, which another core may hold.  (Not
	 * the live slots: when they are cached, that costs more than it
	 * saves.) */
	if (!DHAT__UNDER_VALGRIND())
		__builtin_prefetch(&l->ops[(t + 32) % DHAT__LOG_N]);
	/* The next entry, when this merge applies it too: it may free the
	 * block that this one makes. */
	if (t + 1 != l->end) {
		f = &l->ops[(t + 1) % DHAT__LOG_N];
		if ((k = key_of(f, s)) >= s) {
			f = NULL;
			k = UINT64_MAX;
		}
	}
	/* A held block's free is its log's next entry, and comes in the
	 * same merge (F is given only then). */
	if (l->held_next) {
		l->held_next = false;
		dhat__heap_apply_held(&l->held, o);
	} else if (dhat__heap_apply(o, f, &l->held)) {
		l->held_next = true;
	}
	/* A thread whose log is full waits for this. */
	if ((t + 1) % PUBLISH == 0)
		__atomic_store_n(&l->tail, t + 1, __ATOMIC_RELEASE);
	return k;
}

/*
 * Two logs: two threads allocating at once, whose entries alternate
 * every few operations (three on average in bench/threads.c).  A plain
 * two-way merge spares the heap's bookkeeping at each change of log.
 * It branches on the keys: the branch
 * goes the same way for a few entries at a time, and the processor
 * goes on past it into the next entry while that entry's line is on
 * its way from the other core; picking the log without a branch would
 * make every entry wait for the key before it.
 */
static void
merge_two(struct dhat__log *a, struct dhat__log *b, uint64_t s)
{
	uint64_t ta = a->tail, tb = b->tail, ka = a->key, kb = b->key;

	for (;;) {
		if (ka <= kb) {
			if ((ka = apply_one(a, ta++, s)) == UINT64_MAX)
				break;
		} else if ((kb = apply_one(b, tb++, s)) == UINT64_MAX) {
			break;
		}
	}
	/* One log is done; the other's entries keyed below S remain. */
	while (ka != UINT64_MAX)
		ka = apply_one(a, ta++, s);
	while (kb != UINT64_MAX)
		kb = apply_one(b, tb++, s);
	__atomic_store_n(&a->tail, ta, __ATOMIC_RELEASE);
	__atomic_store_n(&b->tail, tb, __ATOMIC_RELEASE);
}

/*
 * Apply the logged operations keyed below S, in key order; with WAIT,
 * wait for those being logged first (a forked child has no threads to
 * wait for).  Each log's entries are in its thread's order; more than
 * two logs are merged through a heap by the key of their next entry, a
 * run of entries at a time.
 */
static void
merge(uint64_t s, bool wait)
{
	size_t n = 0, i;

	for (struct dhat__log *l = dhat__oplog_logs; l != NULL; l = l->next) {
		if (wait)
			wait_gate(l);
		l->end = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
		if (l->tail == l->end)
			continue;
		l->key = key_of(&l->ops[l->tail % DHAT__LOG_N], s);
		if (l->key < s)
			ol.order[n++] = l;
	}
	if (n == 2) {
		merge_two(ol.order[0], ol.order[1], s);
		return;
	}
	for (i = n / 2; i-- > 0;)
		sift_down(i, n);
	while (n > 0) {
		struct dhat__log *l = ol.order[0];
		uint64_t t = l->tail, next = UINT64_MAX;

		/* The smallest key of the others, in one of the root's
		 * children. */
		if (n > 1)
			next = ol.order[1]->key;
		if (n > 2 && ol.order[2]->key < next)
			next = ol.order[2]->key;
		do
			l->key = apply_one(l, t++, s);
		while (l->key <= next && l->key != UINT64_MAX);
		__atomic_store_n(&l->tail, t, __ATOMIC_RELEASE);
		if (l->key == UINT64_MAX)
			ol.order[0] = ol.order[--n];
		sift_down(0, n);
	}
}

/* The key of an operation counted under the lock now: after every
 * operation that happened before it, before any that will happen after
 * it, and before the gates are looked at. */
static uint64_t
key_now(void)
{
	uint64_t s;

	if (!dhat__oplog_tsc)
		return __atomic_fetch_add(&dhat__op_seq, 1, __ATOMIC_SEQ_CST);
	s = dhat__tsc_ordered();
#if defined(__x86_64__)
	__asm__ __volatile__("lfence" ::: "memory");
#endif
	return s;
}

void
dhat__oplog_sync_logs(void)
{
	merge(key_now(), true);
}

struct dhat__op dhat__oplog_one;

void
dhat__oplog_settle(void)
{
	struct dhat__op o = dhat__oplog_one;

	dhat__oplog_one.ptr = 0;
	(void)dhat__heap_apply(&o, NULL, NULL);
}


void
dhat__oplog_drain(void)
{
	struct dhat__log *l = dhat__my_log;
	unsigned spins;
	int g = dhat__enter();

	/*
	 * Leave the merge to the thread that merged last, for a while (4,096
	 * pauses, about 80 us: longer than a busy thread takes to fill its
	 * log), and wait for room: its next merge takes this log's entries
	 * too.  When one thread does the merging the tables stay in its
	 * core's cache; when the threads took turns, every merge began by
	 * pulling them from the other core (two threads allocating at once
	 * spent three times as long merging).  When another thread holds
	 * the lock it is most likely merging: wait for room rather than for
	 * the lock, which would only make this thread merge next, after it.
	 * After twice as long the holder is probably not running: sleep on
	 * the lock.
	 */
	for (spins = 0;; spins++) {
		if (l->head - __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE) <
		    DHAT__LOG_N) {
			dhat__leave(g);
			return;
		}
		if ((spins >= 4096 ||
		    __atomic_load_n(&ol.merger, __ATOMIC_RELAXED) == l) &&
		    dhat__trylock())
			break;
		if (spins == 8192) {
			dhat__lock();
			break;
		}
		DHAT__CPU_RELAX();
	}
	__atomic_store_n(&ol.merger, l, __ATOMIC_RELAXED);
	dhat__oplog_sync();
	dhat__unlock();
	dhat__leave(g);
}

void
dhat__oplog_fork_child(void)
{
	ol.merger = NULL;
	merge(dhat__oplog_tsc ? UINT64_MAX :
	    __atomic_load_n(&dhat__op_seq, __ATOMIC_RELAXED), false);
	for (struct dhat__log *l = dhat__oplog_logs; l != NULL; l = l->next) {
		if (l == dhat__my_log)
			continue;
		/* Its thread is gone: an entry it was making is dropped, and
		 * the log waits empty for a thread of this process. */
		l->orphan = 1;
		l->gate &= ~(uint64_t)1;
	}
}
