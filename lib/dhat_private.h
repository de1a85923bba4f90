/* SPDX-License-Identifier: MIT */
/*
 * dhat_private.h - declarations shared by libdhat's own files (dhat__*).
 *
 * Everything here runs inside the program's allocator calls, possibly before
 * any constructor and from any thread, so state is static and zero
 * initialised, and the re-entrancy guard below is checked before libdhat
 * does anything that could allocate: while it is set, the allocator entry
 * points forward to glibc and count nothing, which is how libdhat's own
 * allocations (tables, unwinder, symbolizer, writer) stay invisible.
 */
#ifndef DHAT_PRIVATE_H
#define DHAT_PRIVATE_H

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef HAVE_SYS_SINGLE_THREADED_H
#include <sys/single_threaded.h>
#endif
#include <sys/syscall.h>
#include <unistd.h>

#include "dhat.h"
#include "ending.h"
#include "next.h"

#define DHAT__LIKELY(x) __builtin_expect(!!(x), 1)
#define DHAT__UNLIKELY(x) __builtin_expect(!!(x), 0)

/*
 * Keep the calling allocator entry point on the stack: the first frame of
 * every profile stack must lie inside malloc (or calloc, ...), which a
 * sibling call would replace by libdhat's internal function.
 */
#define DHAT__NO_TAILCALL() __asm__ __volatile__("" ::: "memory")

/*
 * The counting half of an allocating entry point, once the guard was
 * found clear: CALL (the next allocator's) with the guard set, the block
 * it returns counted at N bytes, and the block returned from the entry
 * point, whose frame stays on the stack.
 */
#define DHAT__COUNT_ALLOC(call, n)                                            \
	do {                                                                   \
		void *block_;                                                  \
                                                                               \
		dhat__guard = 1;                                               \
		block_ = (call);                                               \
		if (block_ != NULL)                                            \
			dhat__heap_alloc(block_, (n));                         \
		dhat__leave(0);                                                \
		DHAT__NO_TAILCALL();                                           \
		return block_;                                                 \
	} while (0)

/* The counting half of a freeing entry point, once the guard was found
 * clear and P is not NULL: P forgotten before CALL (the next allocator's)
 * gets it back, since another thread may be handed its address at once. */
#define DHAT__COUNT_FREE(p, call)                                             \
	do {                                                                   \
		dhat__guard = 1;                                               \
		dhat__heap_free(p);                                            \
		call;                                                          \
		dhat__leave(0);                                                \
	} while (0)

/* glibc's allocator proper: what next.c falls back to when a definition
 * cannot be looked up. */
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t m, size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t alignment, size_t n);
void *__libc_valloc(size_t n);
void *__libc_pvalloc(size_t n);

/* ---- spare memory (spare.c) -------------------------------------------- */

/*
 * Set in a thread that writes a profile after crashing inside glibc's
 * allocator (whose lock it may hold, and whose heap may be broken): what
 * that thread allocates with the guard set then comes from pages of its
 * own, and nothing is freed (spare.c).
 */
extern __thread int dhat__spare_on __attribute__((tls_model("initial-exec")));
void dhat__spare_begin(void);
void *dhat__spare_alloc(size_t n, size_t align);
void *dhat__spare_realloc(void *p, size_t n);
/* Set aside the address space that writing a profile of NPPS program
 * points needs (best effort), and give it back just before the final
 * write (spare.c).  Under the lock. */
void dhat__reserve_want(size_t npps);
void dhat__reserve_release(void);

/* The program's allocator (next.h), or the spare pages in a thread that
 * has turned them on: what libdhat and the entry points with the guard
 * set use. */
static inline void *
dhat__own_malloc(size_t n)
{
	if (__builtin_expect(dhat__spare_on, 0))
		return dhat__spare_alloc(n, 16);
	return dhat__next.malloc(n);
}

static inline void *
dhat__own_calloc(size_t m, size_t n)
{
	size_t size;

	if (__builtin_expect(dhat__spare_on, 0))
		return __builtin_mul_overflow(m, n, &size) ? NULL :
		    dhat__spare_alloc(size, 16);    /* fresh pages: zeroes */
	return dhat__next.calloc(m, n);
}

static inline void *
dhat__own_realloc(void *p, size_t n)
{
	if (__builtin_expect(dhat__spare_on, 0))
		return dhat__spare_realloc(p, n);
	return dhat__next_realloc(p, n);
}

static inline void *
dhat__own_memalign(size_t alignment, size_t n)
{
	if (__builtin_expect(dhat__spare_on, 0))
		return dhat__spare_alloc(n, alignment);
	return dhat__next.memalign(alignment, n);
}

static inline void
dhat__own_free(void *p)
{
	if (__builtin_expect(!dhat__spare_on, 1))
		dhat__next_free(p);
}

/* ---- libdhat's own allocations (fault.c) ------------------------------- */

/*
 * Everything libdhat allocates for itself goes through these (never the
 * interposed entry points, and free is dhat__own_free).  With
 * --enable-fault-injection each call may be made to fail on purpose.
 */
#ifdef DHAT_FAULT_INJECTION
/* True when this allocation is the one to fail (DHAT_FAIL_ALLOC=N). */
bool dhat__fault(void);
/* Fail allocation N from now on (0: none); resets the count. */
void dhat__fault_set(uint64_t n);
/* Whether the planned failure happened; the count so far in *ALLOCS. */
int dhat__fault_state(uint64_t *allocs);
/* At exit, one stderr line when DHAT_FAIL_ALLOC is set: "dhat: fault
 * injection: allocation N failed|not reached (M so far)". */
void dhat__fault_report(void);
/* Not while this thread is inside libdw: elfutils is not safe against
 * out of memory (__libdw_oom exits the process, and a failed tsearch
 * node crashes it), so failing its allocations tests elfutils, not
 * libdhat. */
extern __thread int dhat__fault_paused
    __attribute__((tls_model("initial-exec")));
#define DHAT__FAULT_PAUSE() (dhat__fault_paused++)
#define DHAT__FAULT_RESUME() (dhat__fault_paused--)
#define DHAT__FAULT() DHAT__UNLIKELY(dhat__fault())
#else
#define DHAT__FAULT_PAUSE() ((void)0)
#define DHAT__FAULT_RESUME() ((void)0)
#define DHAT__FAULT() 0
#endif

static inline void *
dhat__malloc(size_t n)
{
	return DHAT__FAULT() ? NULL : dhat__own_malloc(n);
}

static inline void *
dhat__calloc(size_t m, size_t n)
{
	return DHAT__FAULT() ? NULL : dhat__own_calloc(m, n);
}

static inline void *
dhat__realloc(void *p, size_t n)
{
	return DHAT__FAULT() ? NULL : dhat__own_realloc(p, n);
}

/* ---- re-entrancy guard and global lock (profiler.c) -------------------- */

/* Non-zero while this thread runs libdhat code.  initial-exec TLS: glibc
 * requires it of malloc replacements, dynamic TLS could allocate. */
extern __thread int dhat__guard __attribute__((tls_model("initial-exec")));

/* Non-zero while a heap profiler counts; read relaxed on every entry.
 * It starts as DHAT__HEAP_UNDECIDED, so that the process's first counted
 * allocation asks dhat__preload_decide whether dhat-run's profiler
 * starts there: counting begins at the first allocation, not at
 * libdhat's constructor, after which libraries initialised earlier have
 * allocated already. */
extern int dhat__heap_running;
#define DHAT__HEAP_UNDECIDED 2

static inline int
dhat__heap_on(void)
{
	return __atomic_load_n(&dhat__heap_running, __ATOMIC_RELAXED);
}

/* Enter libdhat from a public function: returns the previous guard. */
static inline int
dhat__enter(void)
{
	int g = dhat__guard;

	dhat__guard = 1;
	return g;
}

/*
 * A signal whose default action ends the process, caught while its
 * thread was inside libdhat or the allocator (fatal.c): zero, or the
 * signal.  It is acted on when a thread next leaves libdhat, where no
 * lock is held and the tables are whole.
 */
extern int dhat__fatal_pending;
void dhat__fatal_serve(void);

static inline void
dhat__leave(int g)
{
	dhat__guard = g;
	if (DHAT__UNLIKELY(__atomic_load_n(&dhat__fatal_pending,
	    __ATOMIC_RELAXED) != 0) && g == 0)
		dhat__fatal_serve();
}

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

/* ---- profiler state (profiler.c), read and written under the lock ------ */

enum dhat__state {
	DHAT__IDLE = 0,      /* no profiler */
	DHAT__RUNNING,       /* counting */
	DHAT__FINISHING,     /* dropped, the profile is being written */
	DHAT__POST_ASSERT    /* testing mode after a failed assertion */
};

enum dhat__mode { DHAT__MODE_HEAP = 0, DHAT__MODE_AD_HOC };

struct dhat__config {
	enum dhat__mode mode;
	bool testing;
	bool eprint_json;
	bool quiet;          /* no summary on stderr (dhat-run --quiet) */
	bool no_stack_cache; /* every stack unwound (stack.c) */
	enum dhat_time_unit time_unit;
	size_t max_frames;   /* already clamped to >= 4; SIZE_MAX: all */
	char *file_name;     /* NULL: the mode's default */
	struct dhat__ending ending; /* how the profile came to be written */
	uint64_t interval_ms;  /* rewrite the profile this often; 0: never */
	bool rewrite;        /* an interval's rewrite: only over a regular
			      * file, and no message (snapshot.c) */
	const char *status_file; /* dhat-run's record of profiles not
				  * written (never freed), or NULL */
	uint64_t run_start;  /* when the dhat-run run this process belongs
			      * to started (ns since the epoch, coarse, as
			      * file times); 0: none */
};

struct dhat__prof {
	enum dhat__state state;
	uint64_t gen;        /* bumped per profiler: stale handles, blocks */
	struct dhat__config cfg;
	uint64_t start_ns;   /* CLOCK_MONOTONIC at start */
	pid_t owner_pid;     /* process that started it (fork) */
	pid_t writer_tid;    /* the thread writing it (FINISHING) */
	int readers;         /* snapshots being written from its stacks */
	pid_t reader_tid;    /* the thread writing one */
};
extern struct dhat__prof dhat__prof;

uint64_t dhat__clock_ns(void);

/* Close the books of the running profiler and write its profile (unless
 * WRITE is false), as cfg.ending says it ends (profiler.c).  Under the
 * lock, state RUNNING; returns under the lock, state FINISHING: the
 * caller says what comes next. */
void dhat__profile_close(bool write);

/* The Rust crate's panic: MSG and a newline on stderr, then abort(). */
DHAT_NORETURN void dhat__panic(const char *msg);

/* ---- stack capture (stack.c) ------------------------------------------- */

#define DHAT__STACK_BUF 64
#define DHAT__PP_NONE UINT32_MAX

/*
 * What the stack walk (unwind.c) read to find each frame's caller, from
 * the frame running at stack address FROM outwards: the stack cache
 * checks these words.  Frame I (FIRST + I in the walk) found its return
 * address at RA_AT[I] (0: none, the outermost frame); a frame whose CFA
 * the tables put at rbp plus an offset took rbp's value BP[I] from the
 * word at BP_AT[I] (0: the register as the walk began); BP_AT[I] is 1
 * for a frame whose CFA is sp-based.  LEN counts the frames walked from
 * FIRST on, N those of them recorded; WHOLE says the walk ended by itself,
 * at a frame without a caller or a return address of 0, which frame
 * LEN - 1 then read at RA_AT[LEN - 1] (when recorded and not 0).  CUT
 * says it ended early instead, at a frame past the ones its caller keeps
 * that the start code's trimming stops at (dhat__unwind_from), which it
 * counts in LEN without recording it.
 */
#define DHAT__WALK_FRAMES 30

struct dhat__walk {
	uintptr_t from;
	int first;           /* -1: no frame at FROM, nothing recorded */
	int len, n;
	bool whole, cut;
	uintptr_t ra_at[DHAT__WALK_FRAMES];
	uintptr_t bp_at[DHAT__WALK_FRAMES];
	uintptr_t bp[DHAT__WALK_FRAMES];
};

struct dhat__stack {
	uintptr_t *ips;      /* ips[0] is the allocator entry point */
	size_t n;
	uintptr_t *heap;     /* grown buffer (unlimited depth), or NULL */
	uintptr_t buf[DHAT__STACK_BUF];
	struct dhat__walk walk;     /* for the stack cache */
};

/* Find libdhat's own code; called when a profiler starts.  0 or -1. */
int dhat__stack_init(void);
/* Capture the caller's stack: libdhat's frames dropped except the
 * outermost (the entry point the program called), and the C library's
 * start code below main or a thread's start routine; at most MAX frames
 * of what remains.  FROM, when not 0, is dhat__heap_alloc's CFA: the walk
 * starts at the frame running there, the entry point's, and what it read
 * from there on is kept in S->walk for dhat__stack_remember (FROM 0: the
 * walk starts here, and nothing is kept). */
void dhat__stack_capture(struct dhat__stack *s, size_t max, uintptr_t from);
/* The walk's frames IPS[0..N) go far enough for a caller that keeps
 * KEEP frames: past them, up to a frame that program_end's trimming of
 * the start code cannot pass, so none of the kept frames can be trimmed
 * whatever lies beyond. */
bool dhat__stack_walked_enough(const uintptr_t *ips, size_t n, size_t keep);
/* Around every call into libunwind: a fork waits for the unwinds in
 * flight (stack.c).  The fork handlers' halves of it. */
void dhat__unwind_begin(void);
void dhat__unwind_end(void);
void dhat__unwind_fork_prepare(void);
/* The fork's half, for any caller outside the walks: false (and nothing
 * held) when this thread is inside one. */
bool dhat__unwind_lock_all(void);
void dhat__unwind_unlock_all(void);
/* This thread's stack, [*LO, *HI); false when not known. */
bool dhat__stack_bounds(uintptr_t *lo, uintptr_t *hi);
void dhat__unwind_fork_parent(void);
void dhat__unwind_fork_child(void);
void dhat__stack_release(struct dhat__stack *s);

/* The per-thread cache of captured stacks.  IP0 is the return address
 * into the allocator entry point (the stack's first frame), CFA the stack
 * address just above that return address's slot; GEN the PP table's
 * epoch (dhat__pp_epoch: PP indices die with a reset). */
void dhat__stack_cache_init(void);
/* The PP of the current stack when the cache vouches for it, else
 * DHAT__PP_NONE.  Lock-free, reads only this thread's stack. */
uint32_t dhat__stack_cached(uintptr_t ip0, uintptr_t cfa, uint64_t gen);
/* Record that S, just captured at (IP0, CFA) with FROM = CFA, is PP. */
void dhat__stack_remember(uintptr_t ip0, uintptr_t cfa, uint64_t gen,
    const struct dhat__stack *s, uint32_t pp);
/* Code was unmapped: every thread's cached stacks are void. */
void dhat__stack_cache_flush(void);

/* ---- the stack walk (unwind.c) ----------------------------------------- */

/* Up to CAP return addresses of the calling thread's stack, innermost
 * first, starting inside this call: unw_backtrace's result without its
 * locks, from unwind tables read here.  -1 when some frame needs
 * libunwind (and then nothing in BUF or W is meant).  What it read is
 * recorded in W, unless W is NULL (see struct dhat__walk).  Call it
 * between dhat__unwind_begin and dhat__unwind_end. */
int dhat__unwind_fast(uintptr_t *buf, int cap, struct dhat__walk *w);
/* The same walk from the frame that runs at stack address W->FROM: the
 * caller of a libdhat function that keeps a frame pointer and whose CFA
 * W->FROM is (dhat__heap_alloc); W's frame 0 is that frame.  KEEP (0:
 * none) is how many frames the caller keeps: the walk ends once
 * dhat__stack_walked_enough says so.  GUESS[0..NGUESS) are the return
 * addresses it may find, frame by frame from frame 0 (a hint only: any
 * of them may be wrong; NULL, 0: none). */
#define DHAT__HINT_FRAMES 32
int dhat__unwind_from(uintptr_t *buf, int cap, struct dhat__walk *w,
    size_t keep, const uintptr_t *guess, int nguess);
/* Code was unmapped: what the walk knows of code addresses is void. */
void dhat__unwind_forget(void);

/* ---- program points (pp_table.c) --------------------------------------- */

/* What every operation on the PP changes fills its first cache line (the
 * table is line-aligned): two threads allocating at the same place move
 * one line per operation between their cores, not two. */
struct dhat__pp {
	uint64_t tb, tbk;        /* totals */
	uint64_t tl;             /* summed lifetimes (mod 2^64 until the end) */
	uint64_t last_mod;       /* sequence number of the last change */
	size_t curr_bytes, curr_blocks;
	size_t max_bytes, max_blocks;
	size_t g_bytes, g_blocks; /* at t-gmax when last_mod > peak_seq */
	uint64_t hash;
	const uintptr_t *ips;
	size_t n_ips;
	uint64_t modgen;         /* dhat__module_gen when it was made */
	bool retired;            /* a module of its stack was unloaded */
} __attribute__((aligned(64)));

/* The PP of stack IPS[0..N), created zeroed if new; DHAT__PP_NONE when out
 * of memory.  Under the lock. */
uint32_t dhat__pp_intern(const uintptr_t *ips, size_t n);
/* The same for a stack whose dhat__pp_hash is H. */
uint32_t dhat__pp_intern_hashed(const uintptr_t *ips, size_t n, uint64_t h);
uint64_t dhat__pp_hash(const uintptr_t *ips, size_t n);
/* Start loading the index slot where the lookup of a stack of hash H
 * begins, before the lock is taken: with many program points it is
 * seldom in the cache.  Without the lock: a prefetch never faults. */
void dhat__pp_prefetch_slot(uint64_t h);
void dhat__pp_reset(void);
/* The code at [LO, HI) was unloaded: the PPs whose stacks have an address
 * there keep their figures but are no longer found by their stacks, which
 * from now on mean another module's code.  Under the lock. */
void dhat__pp_retire(uintptr_t lo, uintptr_t hi);

/* The table's array and length, owned by pp_table.c; here for the hot
 * path's inline accessors. */
extern struct dhat__pp *dhat__pp_v;
extern size_t dhat__pp_n;

/* Valid until the next dhat__pp_intern.  Under the lock. */
static inline struct dhat__pp *
dhat__pp_get(uint32_t i)
{
	return &dhat__pp_v[i];
}

static inline size_t
dhat__pp_count(void)
{
	return dhat__pp_n;
}

/* Start loading PP I's figures before the lock is taken: with thousands
 * of program points they are often out of the cache.  A prefetch never
 * faults, so a stale array (another thread growing it) does no harm;
 * race detectors would report the unlocked read, and gain nothing. */
static inline void
dhat__pp_prefetch(uint32_t i)
{
	const char *pp;

	if (DHAT__UNDER_VALGRIND())
		return;
	pp = (const char *)(__atomic_load_n(&dhat__pp_v,
	    __ATOMIC_RELAXED) + i);
	__builtin_prefetch(pp, 1);
	__builtin_prefetch(pp + sizeof(struct dhat__pp) - 1, 1);
}
/* Changes at every reset (written under the lock, read relaxed). */
extern uint64_t dhat__pp_epoch;

/* ---- live blocks (live_table.c) ---------------------------------------- */

struct dhat__block {
	uintptr_t ptr;
	size_t size;      /* requested size */
	uint64_t time;    /* not kept by the live table: 0 */
	uint32_t pp;
	uint64_t gen;     /* profiler generation; set by heap.c */
};

/* 0, or -1 when out of memory.  A pointer already present is replaced
 * (its old record returned in OLD, *HAD_OLD set). */
int dhat__live_insert(const struct dhat__block *b, struct dhat__block *old,
    bool *had_old);
/* dhat__live_reserve's slow path. */
int dhat__live_make_room(size_t size);
/* Remove PTR: true and its record in OUT when it was live. */
bool dhat__live_remove(uintptr_t ptr, struct dhat__block *out);
/* Whether PTR is in the table. */
bool dhat__live_has(uintptr_t ptr);
size_t dhat__live_count(void);
void dhat__live_reset(void);

/* live_table.c's slots and their number, for the inline functions
 * below. */
extern void *dhat__live_slots;
extern size_t dhat__live_nslots;

/* Tables of fewer slots than this (1 MiB) hash the whole pointer. */
#define DHAT__LIVE_SPREAD ((size_t)1 << 16)

/*
 * The home slot of P in a table of N slots (N > 255): the 4 KiB page's
 * hashed window of 256 slots, at the pointer's 16-byte unit within the
 * page (see live_table.c), or in a table that the caches hold, a hash
 * of the whole pointer.
 */
static inline size_t
dhat__live_home(uintptr_t p, size_t n)
{
	uint64_t h;

	if (n < DHAT__LIVE_SPREAD) {
		h = (uint64_t)(p >> 4) * 0x9e3779b97f4a7c15ULL;
		return (size_t)(((unsigned __int128)h * n) >> 64);
	}
	h = (uint64_t)(p >> 12) * 0x9e3779b97f4a7c15ULL;
	return (size_t)(((unsigned __int128)h * (n - 255)) >> 64) +
	    (size_t)((p >> 4) & 255);
}

/* A slot of the table (live_table.c): its key is the block's address,
 * 0 when empty, DHAT__LIVE_END in the slot after the last. */
struct dhat__live_slot {
	uintptr_t ptr;
	uint32_t pp;
	uint32_t size;      /* UINT32_MAX: in the side list */
};
#define DHAT__LIVE_END ((uintptr_t)1)

/* Whether P is in the table; the hot path's inline dhat__live_has.  The
 * probe stops at P, an empty slot or the end, where it wraps. */
static inline bool
dhat__live_holds(uintptr_t p)
{
	const struct dhat__live_slot *t = dhat__live_slots, *s;
	uintptr_t k;

	if (dhat__live_nslots == 0)
		return false;
	s = t + dhat__live_home(p, dhat__live_nslots);
	for (;;) {
		k = s->ptr;
		if (k == p)
			return true;
		if (k <= DHAT__LIVE_END) {
			if (k == 0)
				return false;
			s = t;
			continue;
		}
		s++;
	}
}

/* Whether the table holds EXTRA blocks more than heap.c counts live
 * within its load factor of 4/5 (see live_table.c). */
static inline bool
dhat__live_room(size_t extra)
{
	return (dhat__hot.curr_blocks + extra) * 5 <= dhat__live_nslots * 4;
}

/* Make room for one more block of SIZE bytes, so that the next insert
 * cannot fail: 0, or -1 when out of memory. */
static inline int
dhat__live_reserve(size_t size)
{
	if (DHAT__LIKELY(dhat__live_room(1) && size < UINT32_MAX))
		return 0;
	return dhat__live_make_room(size);
}

/*
 * Start loading P's slot before the lock is taken: once the table
 * outgrows the cache the first probe is often a miss (a million live
 * blocks in Python), and the stack lookup, the clock and the lock run
 * meanwhile.  Read without the lock: a table being replaced gives a
 * useless prefetch, never a fault (and under a race detector, none).
 */
static inline void
dhat__live_prefetch(uintptr_t p)
{
	const char *t;
	size_t n;

	if (DHAT__UNDER_VALGRIND())
		return;
	t = __atomic_load_n((char **)&dhat__live_slots, __ATOMIC_RELAXED);
	n = __atomic_load_n(&dhat__live_nslots, __ATOMIC_RELAXED);
	if (n != 0)
		__builtin_prefetch(t + dhat__live_home(p, n) * 16, 1);
}

/* ---- operation logs (oplog.c) ----------------------------------------- */

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

/* ---- heap accounting (heap.c) ------------------------------------------ */

/* Called by the entry points with the guard set, after glibc succeeded;
 * each preserves errno. */
void dhat__heap_alloc(void *p, size_t n);
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

/* ---- unloaded modules (unload.c) --------------------------------------- */

struct dhat__gone_module;
/* The modules dlclose() unloaded, oldest first, in a new array (*OUT, to
 * dhat__own_free; NULL when none or out of memory). */
size_t dhat__gone_modules(struct dhat__gone_module **out);
/* How many times code was unloaded: a stack's addresses mean the modules
 * mapped at its generation (written under the lock, read relaxed). */
extern uint64_t dhat__module_gen;

/* ---- writer (writer.c) ------------------------------------------------- */

/* How long a profile written through a FIFO or a terminal waits for a
 * reader to open it or make room, in seconds (dhat-run(1)). */
#define DHAT__OUTPUT_WAIT_S 10
#define DHAT__STRINGIFY_(x) #x
#define DHAT__STRINGIFY(x) DHAT__STRINGIFY_(x)

/* Write the profile C, closed by CFG's profiler (of process OWNER_PID),
 * and print the summary.  SIGPIPE and SIGXFSZ that writing raises are
 * taken away: the program's signal state is left as it was.  A failure
 * is recorded in cfg->status_file. */
void dhat__write_profile(const struct dhat__config *cfg,
    const struct dhat__closed *c, pid_t owner_pid);

/* "1,234,567" into BUF (at least 32 bytes); returns BUF. */
char *dhat__commas(char *buf, uint64_t v);
/* write(2) all of S to FD; -1 on error. */
int dhat__write_all(int fd, const char *s, size_t n);
/* S on the standard error, unless descriptor 2 no longer is the file it
 * was when dhat__stderr_remember() ran (closed, or reused by the program
 * for a file of its own): then nothing. */
void dhat__eprint(const char *s);
void dhat__stderr_remember(void);
bool dhat__stderr_ok(void);

/* ---- dhat-run (preload.c) ---------------------------------------------- */

/* Start dhat-run's profiler if this process is to have one, once: at its
 * first allocation or at libdhat's constructor, whichever comes first.
 * Leaves dhat__heap_running decided. */
void dhat__preload_decide(void);

/* No summary on stderr: errors only. */
struct dhat_builder *dhat__builder_quiet(struct dhat_builder *b);
/* The profile belongs to a run that started at START (run_start): it
 * overwrites no profile written since. */
struct dhat_builder *dhat__builder_run_start(struct dhat_builder *b,
    uint64_t start);
/* Record profiles that could not be written in FILE (status_file), which
 * must outlive the profiler. */
struct dhat_builder *dhat__builder_status_file(struct dhat_builder *b,
    const char *file);

#endif /* DHAT_PRIVATE_H */
