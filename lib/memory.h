/* SPDX-License-Identifier: MIT */
/*
 * memory.h - libdhat's own memory: the program's allocator (next.h),
 * spare pages after a crash inside it (spare.c), or the boot arena while
 * dhat-run sets up (next.h); failures injected on purpose in
 * fault-injection builds (fault.c).  The tables kept while the program
 * runs are not allocated here but mapped apart (pages.h), so that the
 * program's heap is laid out as it would be without libdhat; what is
 * allocated here is made and freed while a profile is written, or is
 * small and made once.
 */
#ifndef DHAT_MEMORY_H
#define DHAT_MEMORY_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "dhat.h"
#include "next.h"

/*
 * Where a thread's own allocations (those made with the guard set: libdhat's,
 * and the unwinder's, the symbolizer's and the dynamic loader's on its
 * behalf) come from:
 *
 * - the program's allocator (next.h), as a rule;
 * - spare pages of libdhat's own, in a thread that writes a profile after
 *   crashing inside glibc's allocator, whose lock it may hold and whose
 *   heap may be broken: nothing is freed then (spare.c);
 * - the boot arena (next.h) while dhat-run's profiler is set up, before
 *   the program's first allocation is counted: the settings, the builder
 *   and the messages of the loader's failed lookups are small and mostly
 *   kept, and on the program's heap they would shift every block the
 *   program makes after them, and with it how its allocator reuses and
 *   trims its memory.  Freeing an arena block does nothing.  Once the
 *   arena is full, and for alignments above 64, the program's allocator
 *   serves.
 */
enum dhat__own_source { DHAT__OWN_NEXT, DHAT__OWN_SPARE, DHAT__OWN_BOOT };
extern __thread int dhat__own_from __attribute__((tls_model("initial-exec")));
void dhat__spare_begin(void);
void *dhat__spare_alloc(size_t n, size_t align);
void *dhat__spare_realloc(void *p, size_t n);
/* Set aside the address space that writing a profile of NPPS program
 * points needs (best effort), and give it back just before the final
 * write (spare.c).  Under the lock. */
void dhat__reserve_want(size_t npps);
void dhat__reserve_release(void);

/* N bytes aligned to ALIGN from the spare pages or the boot arena,
 * whichever this thread uses; zeroes when ZERO.  An ALIGN that is not a
 * power of two gets what the program's allocator makes of it (the spare
 * pages: nothing). */
static inline void *
dhat__own_apart(size_t n, size_t align, bool zero)
{
	if (dhat__own_from == DHAT__OWN_SPARE)
		return dhat__spare_alloc(n, align);  /* fresh pages: zeroes */
	return dhat__boot_take(n, align, zero);
}

static inline void *
dhat__own_malloc(size_t n)
{
	if (__builtin_expect(dhat__own_from, 0))
		return dhat__own_apart(n, 16, false);
	return dhat__next.malloc(n);
}

static inline void *
dhat__own_calloc(size_t m, size_t n)
{
	size_t size;

	if (__builtin_expect(dhat__own_from, 0)) {
		if (__builtin_mul_overflow(m, n, &size)) {
			errno = ENOMEM;
			return NULL;
		}
		return dhat__own_apart(size, 16, true);
	}
	return dhat__next.calloc(m, n);
}

static inline void *
dhat__own_realloc(void *p, size_t n)
{
	if (__builtin_expect(dhat__own_from == DHAT__OWN_SPARE, 0))
		return dhat__spare_realloc(p, n);
	if (__builtin_expect(dhat__own_from, 0) && p == NULL)
		return dhat__own_apart(n, 16, false);
	return dhat__next_realloc(p, n);
}

static inline void *
dhat__own_memalign(size_t alignment, size_t n)
{
	if (__builtin_expect(dhat__own_from, 0))
		return dhat__own_apart(n, alignment, false);
	return dhat__next.memalign(alignment, n);
}

static inline void
dhat__own_free(void *p)
{
	if (__builtin_expect(dhat__own_from != DHAT__OWN_SPARE, 1))
		dhat__next_free(p);
}


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

#endif
