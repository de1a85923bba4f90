/* SPDX-License-Identifier: MIT */
/*
 * lock.h - the one lock over the profiler's state (profiler.c).
 */
#ifndef DHAT_LOCK_H
#define DHAT_LOCK_H

#include <errno.h>
#include <linux/futex.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef HAVE_SYS_SINGLE_THREADED_H
#include <sys/single_threaded.h>
#endif

#include "compiler.h"

/*
 * The one lock over all profiler state; never held while unwinding,
 * symbolizing or writing, so the loader's locks are never taken under it.
 * A futex lock (0 free, 1 held, 2 held with waiters) rather than a
 * pthread mutex: taking and releasing it is one atomic instruction each
 * and a few others, against about fifty in glibc's generic mutex, and a
 * waiter backs off (below) before it sleeps, since the lock is held for
 * well under a microsecond.  A forked child gets a fresh one
 * (dhat__lock_word = 0).
 *
 * The lock word and the figures that every allocation and free changes
 * under it (heap.c), in one cache line: when two threads take turns, an
 * operation moves one line between their cores instead of three.
 */
struct dhat__hot {
	int lock;
	uint64_t seq, peak_seq;          /* see heap.c */
	uint64_t total_blocks, total_bytes;
	size_t curr_blocks, curr_bytes;
	size_t max_bytes;
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct dhat__hot) == 64, "one cache line");

extern struct dhat__hot dhat__hot;
#define dhat__lock_word (dhat__hot.lock)

/* Keeps errno: the allocation paths that take the lock do not save it. */
static inline void
dhat__futex(int op, int val)
{
	int e = errno;

	(void)syscall(SYS_futex, &dhat__lock_word, op | FUTEX_PRIVATE_FLAG,
	    val, NULL, NULL, 0);
	errno = e;
}

#if defined(__x86_64__) || defined(__i386__)
#define DHAT__CPU_RELAX() __builtin_ia32_pause()
#else
#define DHAT__CPU_RELAX() __asm__ __volatile__("" ::: "memory")
#endif

static __attribute__((noinline, unused)) void
dhat__lock_slow(void)
{
	unsigned delay, i, rounds;
	int z;

	/*
	 * Back off exponentially between looks at the word: a thread that
	 * read the lock's cache line at every turn would pull it (and the
	 * profile's data after it) away from the holder between two of its
	 * allocations.  Left alone for a while, the holder does a run of
	 * operations on lines that stay in its cache, and the threads take
	 * turns by runs instead of by operations.  After about a hundred
	 * microseconds of this the holder is probably not running: sleep.
	 */
	for (delay = 16, rounds = 0; rounds < 12; rounds++) {
		for (i = 0; i < delay; i++)
			DHAT__CPU_RELAX();
		z = 0;
		if (__atomic_load_n(&dhat__lock_word, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(&dhat__lock_word, &z, 1, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (delay < 1024)
			delay *= 2;
	}
	while (__atomic_exchange_n(&dhat__lock_word, 2, __ATOMIC_ACQUIRE) != 0)
		dhat__futex(FUTEX_WAIT, 2);
}

/*
 * Race detectors cannot see a lock made of atomics: tell helgrind (and
 * DRD) where it is taken and released, so that a run of a program under
 * them reports the program's races and not libdhat's protected data.
 * Natively each annotation is a few instructions that do nothing.
 */
#ifdef HAVE_VALGRIND_HELGRIND_H
#include <valgrind/helgrind.h>
/* RUNNING_ON_VALGRIND, read when a profiler is built: natively the
 * annotations' client requests cost a dozen instructions and stores each,
 * twice per allocation, against one predicted branch. */
extern int dhat__valgrind;
#define DHAT__LOCK_ACQUIRED()                                                 \
	do {                                                                   \
		if (DHAT__UNLIKELY(dhat__valgrind))                            \
			ANNOTATE_RWLOCK_ACQUIRED(&dhat__lock_word, 1);         \
	} while (0)
#define DHAT__LOCK_RELEASED()                                                 \
	do {                                                                   \
		if (DHAT__UNLIKELY(dhat__valgrind))                            \
			ANNOTATE_RWLOCK_RELEASED(&dhat__lock_word, 1);         \
	} while (0)
#define DHAT__UNDER_VALGRIND() DHAT__UNLIKELY(dhat__valgrind)
#else
#define DHAT__LOCK_ACQUIRED() ((void)0)
#define DHAT__LOCK_RELEASED() ((void)0)
#define DHAT__UNDER_VALGRIND() 0
#endif

/* Take the lock if it is free, without waiting. */
static inline bool
dhat__trylock(void)
{
	int z = 0;

	if (!__atomic_compare_exchange_n(&dhat__lock_word, &z, 1, false,
	    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	DHAT__LOCK_ACQUIRED();
	return true;
}

static inline void
dhat__lock(void)
{
	if (DHAT__UNLIKELY(!dhat__trylock())) {
		dhat__lock_slow();
		DHAT__LOCK_ACQUIRED();
	}
}

static inline void
dhat__unlock(void)
{
	DHAT__LOCK_RELEASED();
	if (DHAT__UNLIKELY(__atomic_exchange_n(&dhat__lock_word, 0,
	    __ATOMIC_RELEASE) == 2))
		dhat__futex(FUTEX_WAKE, 1);
}

/* Whether this is the process's only thread: glibc clears
 * __libc_single_threaded before it creates a second one. */
static inline bool
dhat__single_threaded(void)
{
#ifdef HAVE_SYS_SINGLE_THREADED_H
	return __libc_single_threaded;
#else
	return false;
#endif
}

/* The hot path's lock: no atomic operation while the process has one
 * thread (glibc clears __libc_single_threaded before it creates the
 * second, and never sets it again in this process), so nothing can
 * contend.  Returns whether the lock was taken. */
static inline bool
dhat__lock_hot(void)
{
	if (dhat__single_threaded())
		return false;
	dhat__lock();
	return true;
}

static inline void
dhat__unlock_hot(bool taken)
{
	if (taken)
		dhat__unlock();
}

/* The fork handlers that hold the lock over fork() and give the child a
 * free one; installed once per process, before the lock is first taken
 * (a profiler is made, or dlclose records a module). */
void dhat__atfork_init(void);

#endif
