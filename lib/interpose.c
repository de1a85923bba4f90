/* SPDX-License-Identifier: MIT */
/*
 * interpose.c - libdhat's malloc, calloc, realloc, ... : the program's
 * allocator calls land here (ELF interposition) and go on to the
 * allocator the program would have called without libdhat (next.h:
 * glibc's, jemalloc's, ...), so alignment, usable size and failure
 * behaviour stay exactly that allocator's.
 *
 * With no profiler running an entry point costs one well predicted branch
 * on a global flag and a tail call.  Otherwise the thread-local guard is
 * checked next: libdhat's own allocations (and anything the unwinder or
 * the symbolizer allocate) are forwarded without being counted.  Counting
 * happens after the allocator's call succeeded, in heap.c, and never
 * changes errno.
 * Each counting path ends with DHAT__NO_TAILCALL() so that the entry point
 * stays on the stack as the stack's allocator frame.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "compiler.h"
#include "entry.h"
#include "guard.h"
#include "heap.h"
#include "live_table.h"
#include "lock.h"
#include "memory.h"
#include "oplog.h"
#include "next.h"

#define EXPORT __attribute__((visibility("default")))

/* With --enable-fault-injection, what libdhat (or the unwinder and the
 * symbolizer on its behalf) allocates with the guard set is numbered and
 * may be made to fail; the program's own allocations never are, nor those
 * of the lookup of the next allocator (DHAT__GUARD_NEXT, next.c), which
 * are the C library's business. */
#ifdef DHAT_FAULT_INJECTION
#define FAIL_OWN(ret)                                                          \
	do {                                                                   \
		if (dhat__guard == 1 && dhat__fault()) {                       \
			errno = ENOMEM;                                        \
			return ret;                                            \
		}                                                              \
	} while (0)
#else
#define FAIL_OWN(ret) ((void)0)
#endif

EXPORT void *
malloc(size_t n)
{
	FAIL_OWN(NULL);
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_malloc(n);
	DHAT__COUNT_ALLOC(dhat__next.malloc(n), n);
}

EXPORT void
free(void *p)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || p == NULL || dhat__guard) {
		dhat__own_free(p);
		return;
	}
	dhat__guard = 1;
	if (DHAT__UNLIKELY(dhat__access_counting()))
		dhat__access_free(p);
	if (dhat__single_threaded()) {
		/* No other thread can be handed the address meanwhile:
		 * the allocator's work hides the wait for the block's live slot
		 * (fetched already when the deferred allocation made it). */
		if (dhat__oplog_one.ptr != (uintptr_t)p)
			dhat__live_prefetch((uintptr_t)p);
		dhat__next_free(p);
		dhat__heap_free(p);
	} else {
		/* Forget the block before the allocator may hand its address to
		 * another thread (logged: no slot is read now). */
		dhat__heap_free(p);
		dhat__next_free(p);
	}
	dhat__leave(0);
}

EXPORT void *
calloc(size_t m, size_t n)
{
	FAIL_OWN(NULL);
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_calloc(m, n);
	/* Success means m * n did not overflow. */
	DHAT__COUNT_ALLOC(dhat__next.calloc(m, n), m * n);
}

/* realloc's bookkeeping, inlined into realloc and reallocarray so that
 * each keeps its own frame. */
static inline __attribute__((always_inline)) void *
realloc_counted(void *old, size_t n)
{
	struct dhat__acc_held h;
	struct dhat__block b;
	bool tracked, held;
	void *p;

	if (old == NULL) {
		p = dhat__next.realloc(NULL, n);
		if (p != NULL)
			dhat__count_block(p, n);
		return p;
	}
	tracked = dhat__heap_detach(old, &b);
	held = dhat__access_hold(old, &h);
	p = dhat__next_realloc(old, n);
	if (p == NULL) {
		/* glibc frees OLD for a zero size and returns NULL;
		 * otherwise NULL is a failure and OLD is untouched.  (An
		 * allocator that returns a block for a zero size gets the
		 * case below.) */
		if (held && n == 0)
			dhat__access_retire(&h);
		else if (held)
			dhat__access_attach(old, &h);
		if (!tracked)
			return NULL;
		if (n == 0)
			dhat__heap_detached_free(&b);
		else
			dhat__heap_reattach(&b);
		return NULL;
	}
	if (tracked) {
		dhat__heap_moved(&b, p, n);
		if (held)
			dhat__access_resized(p, n, &h);
	} else {
		if (held)
			dhat__access_retire(&h);
		dhat__count_block(p, n);
	}
	return p;
}

EXPORT void *
realloc(void *old, size_t n)
{
	void *p;

	FAIL_OWN(NULL);
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_realloc(old, n);
	dhat__guard = 1;
	p = realloc_counted(old, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

EXPORT void *
reallocarray(void *old, size_t m, size_t n)
{
	size_t size;
	void *p;

	if (__builtin_mul_overflow(m, n, &size)) {
		errno = ENOMEM;
		return NULL;
	}
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_realloc(old, size);
	dhat__guard = 1;
	p = realloc_counted(old, size);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

EXPORT void *
memalign(size_t alignment, size_t n)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_memalign(alignment, n);
	DHAT__COUNT_ALLOC(dhat__next.memalign(alignment, n), n);
}

/* aligned_alloc and posix_memalign with the guard set (dhat__own_malloc):
 * the spare pages and the boot arena have no rules of their own for the
 * alignment. */
static void *
own_aligned_alloc(size_t alignment, size_t n)
{
	if (__builtin_expect(dhat__own_from, 0))
		return dhat__own_memalign(alignment, n);
	return dhat__next.aligned_alloc(alignment, n);
}

static int
own_posix_memalign(void **pp, size_t alignment, size_t n)
{
	void *p;
	int e;

	if (__builtin_expect(!dhat__own_from, 1))
		return dhat__next.posix_memalign(pp, alignment, n);
	/* posix_memalign's own rules: a power of two multiple of the size of
	 * a pointer, *PP written only on success, errno never changed. */
	if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0)
		return EINVAL;
	e = errno;
	p = dhat__own_memalign(alignment, n);
	errno = e;
	if (p == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

/* The allocator's own rules for the alignment (glibc rounds any up to a
 * power of two; others may fail with EINVAL). */
EXPORT void *
aligned_alloc(size_t alignment, size_t n)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_aligned_alloc(alignment, n);
	DHAT__COUNT_ALLOC(dhat__next.aligned_alloc(alignment, n), n);
}

/* The allocator checks the alignment; errno is never changed (glibc's
 * returns its error instead). */
EXPORT int
posix_memalign(void **pp, size_t alignment, size_t n)
{
	int r;

	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_posix_memalign(pp, alignment, n);
	dhat__guard = 1;
	r = dhat__next.posix_memalign(pp, alignment, n);
	if (r == 0)
		dhat__count_block(*pp, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return r;
}

/* valloc and pvalloc with the guard set (dhat__own_malloc). */
static void *
own_valloc(size_t n, bool round)
{
	size_t page = (size_t)getpagesize();

	if (__builtin_expect(!dhat__own_from, 1))
		return round ? dhat__next.pvalloc(n) : dhat__next.valloc(n);
	if (round)
		n = n > SIZE_MAX - page ? SIZE_MAX : (n + page - 1) & ~(page - 1);
	return dhat__own_apart(n, page, false);
}

EXPORT void *
valloc(size_t n)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_valloc(n, false);
	DHAT__COUNT_ALLOC(dhat__next.valloc(n), n);
}

EXPORT void *
pvalloc(size_t n)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_valloc(n, true);
	DHAT__COUNT_ALLOC(dhat__next.pvalloc(n), n);
}

EXPORT size_t
malloc_usable_size(void *p)
{
	return dhat__next_usable(p);
}
