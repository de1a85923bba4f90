/* SPDX-License-Identifier: MIT */
/*
 * oplog.c - the per-thread logs of allocations and frees, and their
 * merge into the one order that heap.c counts in.
 *
 * Why.  The exact figures (the global peak above all, SPEC section 3)
 * need every operation of every thread in one order.  Taking the lock
 * for each one did that, but two threads allocating at once then pass
 * the lock, the counters, the program point and the live slot between
 * their cores at every operation: 1.5 times the time of one thread doing
 * all the work.  Here an operation whose program point the stack cache
 * knew costs its thread one atomic increment (its place in the order)
 * and a write into a log that no other thread writes.  Whoever takes the
 * lock next applies all logs in sequence order, so the shared tables
 * stay in one core's cache for hundreds of operations at a time.
 *
 * The order.  An operation's number is taken after glibc returned the
 * block (allocation) and before glibc gets it back (free): a block's
 * address can be handed out again only after its free took its number,
 * and a block reaches another thread only after its allocation took
 * its own.  Numbers come from one counter, so any two operations of
 * which one happened before the other are numbered in that order, and
 * counting in number order is counting in an order the program could
 * have seen.  Everything that reads the figures (statistics, the
 * profile, realloc, a stack seen for the first time) first takes the
 * lock and a number of its own and applies every operation numbered
 * before it (dhat__oplog_sync).
 *
 * Gaps.  A thread between taking its number and publishing the entry
 * leaves a gap that the merge waits for: a few instructions, unless the
 * thread is preempted there.  A child forked meanwhile has no such
 * thread any more: there the gap is skipped, and the operation is lost
 * as it would have been had the fork come first (dhat__oplog_fork_child).
 *
 * Single-threaded processes never log: heap.c counts at once, with no
 * atomic operation at all.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "dhat_private.h"

__thread struct dhat__log *dhat__my_log
    __attribute__((tls_model("initial-exec")));
/* Alone in its cache line: every logged operation of every thread writes
 * it, and a neighbour that each operation reads (the profiler's flags, the
 * tables' addresses) would be a miss every time. */
struct dhat__op_seq_line dhat__op_seq_line;

/* Under the lock: every log ever made, and the next number to apply. */
struct dhat__log *dhat__oplog_logs;
#define logs dhat__oplog_logs
static uint64_t next_seq;

static pthread_key_t exit_key;
static int exit_key_ok;

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
	exit_key_ok = pthread_key_create(&exit_key, log_exit) == 0;
}

void
dhat__oplog_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	(void)pthread_once(&once, make_key);
}

/* Line-aligned: the owner's and the merger's halves must not share one. */
static struct dhat__log *
log_new(void)
{
	struct dhat__log *l;

	if (DHAT__FAULT())
		return NULL;
	l = __libc_memalign(_Alignof(struct dhat__log), sizeof *l);
	if (l != NULL)
		memset(l, 0, sizeof *l);
	return l;
}

bool
dhat__oplog_attach(void)
{
	struct dhat__log *l;
	int e = errno;

	if (!exit_key_ok) {
		dhat__my_log = DHAT__LOG_DEAD;
		return false;
	}
	dhat__lock();
	for (l = logs; l != NULL; l = l->next)
		if (__atomic_load_n(&l->orphan, __ATOMIC_ACQUIRE) &&
		    l->tail == l->head)
			break;
	if (l != NULL) {
		l->orphan = 0;
	} else if ((l = log_new()) != NULL) {
		l->next = logs;
		logs = l;
	}
	dhat__unlock();
	if (l == NULL || pthread_setspecific(exit_key, l) != 0) {
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

/*
 * Apply the run of LOG's entries that continues the order at next_seq;
 * lower *LOW to the number of the entry it stops at.  Returns whether it
 * applied any.
 */
static bool
apply_run(struct dhat__log *l, uint64_t *low)
{
	uint64_t t = l->tail;
	uint64_t h = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);

	while (t != h) {
		const struct dhat__op *o = &l->ops[t % DHAT__LOG_N];
		/* Entries carry the low half of their number: the distance
		 * from next_seq is exact while fewer than 2^31 operations
		 * are pending. */
		uint32_t d = o->seq - (uint32_t)next_seq;

		if (d != 0) {
			if (d < (1u << 31) && next_seq + d < *low)
				*low = next_seq + d;
			break;
		}
		/* The line of a later entry, which another core may hold.
		 * (Prefetching live slots here cost more than it saved: 8%
		 * of a thread's time when the slots are cached.) */
		if (!DHAT__UNDER_VALGRIND())
			__builtin_prefetch(&l->ops[(t + 8) % DHAT__LOG_N]);
		dhat__heap_apply(o);
		next_seq++;
		t++;
	}
	if (t == l->tail)
		return false;
	__atomic_store_n(&l->tail, t, __ATOMIC_RELEASE);
	return true;
}

/*
 * Apply the logged operations numbered below UPTO, in order.  A number
 * that no log holds yet is an operation being logged: wait for it, or
 * with SKIP (a forked child, where its thread is gone) pass over it.
 *
 * The order moves from log to log at every switch between threads, a
 * few operations apart when two threads allocate at once.  A pass over
 * every log ever made (one per thread that has logged, ended ones
 * included) makes each switch cost as many logs as the process has had
 * threads, each one a cache line of another core: with 64 threads the
 * merge was an eighth of the profiled run.  So a pass over every log
 * notes the few that had entries, and the passes after it visit only
 * those, until one finds nothing to apply: the next number may then be
 * in another log, and the next pass visits all of them again.
 */
#define ACTIVE_MAX 32

static void
merge(uint64_t upto, bool skip)
{
	struct dhat__log *active[ACTIVE_MAX];
	size_t nactive = 0, i;
	unsigned idle = 0;
	bool all = true, too_many = false;

	while (next_seq < upto) {
		uint64_t low = UINT64_MAX;
		bool moved = false;

		if (all) {
			nactive = 0;
			too_many = false;
			for (struct dhat__log *l = logs; l != NULL;
			    l = l->next) {
				bool ran = apply_run(l, &low);

				if (!ran && l->tail == __atomic_load_n(
				    &l->head, __ATOMIC_ACQUIRE))
					continue;
				moved |= ran;
				if (nactive < ACTIVE_MAX)
					active[nactive++] = l;
				else
					too_many = true;
			}
		} else {
			for (i = 0; i < nactive; i++)
				moved |= apply_run(active[i], &low);
		}
		if (moved) {
			idle = 0;
			all = too_many;
		} else if (!all) {
			all = true;
		} else if (skip) {
			next_seq = low < upto ? low : upto;
		} else if (++idle < 1000) {
			DHAT__CPU_RELAX();
		} else {
			/* The thread with the gap is not running. */
			int e = errno;

			sched_yield();
			errno = e;
		}
	}
}

void
dhat__oplog_sync_logs(void)
{
	uint64_t s;

	s = __atomic_fetch_add(&dhat__op_seq, 1, __ATOMIC_ACQ_REL);
	merge(s, false);
	next_seq = s + 1;
}

void
dhat__oplog_drain(void)
{
	struct dhat__log *l = dhat__my_log;
	unsigned spins;
	int g = dhat__enter();

	/*
	 * When another thread holds the lock it is most likely merging, and
	 * takes this log's entries too: wait for room rather than for the
	 * lock, which would only make this thread merge next, after it.
	 * After a while the holder is probably not running: sleep on the
	 * lock.
	 */
	for (spins = 0; !dhat__trylock(); spins++) {
		if (l->head - __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE) <
		    DHAT__LOG_N) {
			dhat__leave(g);
			return;
		}
		if (spins == 4096) {
			dhat__lock();
			break;
		}
		DHAT__CPU_RELAX();
	}
	dhat__oplog_sync();
	dhat__unlock();
	dhat__leave(g);
}

void
dhat__oplog_fork_child(void)
{
	merge(__atomic_load_n(&dhat__op_seq, __ATOMIC_RELAXED), true);
	for (struct dhat__log *l = logs; l != NULL; l = l->next)
		if (l != dhat__my_log)
			l->orphan = 1;
}
