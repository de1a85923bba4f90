/* SPDX-License-Identifier: MIT */
/*
 * memory.h - libdhat's own memory: the program's allocator (next.h),
 * or spare pages of libdhat's own in a thread that writes a profile after
 * crashing inside it (spare.c); failures injected on purpose in
 * fault-injection builds (fault.c).  The tables kept while the program
 * runs are not allocated here but mapped apart (pages.h), so that the
 * program's heap is laid out as it would be without libdhat; what is
 * allocated here is made and freed while a profile is written, or is
 * small and made once.
 */
#ifndef DHAT_MEMORY_H
#define DHAT_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "dhat.h"
#include "next.h"

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
