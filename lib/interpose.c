/* SPDX-License-Identifier: MIT */
/*
 * interpose.c - libdhat's malloc, calloc, realloc, ... : the program's
 * allocator calls land here (ELF interposition) and go on to glibc's own
 * allocator through its __libc_* names, so alignment, usable size and
 * failure behaviour stay exactly glibc's.
 *
 * With no profiler running an entry point costs one well predicted branch
 * on a global flag and a tail call.  Otherwise the thread-local guard is
 * checked next: libdhat's own allocations (and anything the unwinder or
 * the symbolizer allocate) are forwarded without being counted.  Counting
 * happens after glibc's call succeeded, in heap.c, and never changes errno.
 * Each counting path ends with DHAT__NO_TAILCALL() so that the entry point
 * stays on the stack as the stack's allocator frame.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "dhat_private.h"

#define EXPORT __attribute__((visibility("default")))

/* With --enable-fault-injection, what libdhat (or the unwinder and the
 * symbolizer on its behalf) allocates with the guard set is numbered and
 * may be made to fail; the program's own allocations never are. */
#ifdef DHAT_FAULT_INJECTION
#define FAIL_OWN(ret)                                                          \
	do {                                                                   \
		if (dhat__guard && dhat__fault()) {                            \
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
	void *p;

	FAIL_OWN(NULL);
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_malloc(n);
	dhat__guard = 1;
	p = __libc_malloc(n);
	if (p != NULL)
		dhat__heap_alloc(p, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

EXPORT void
free(void *p)
{
	if (DHAT__LIKELY(!dhat__heap_on()) || p == NULL || dhat__guard) {
		dhat__own_free(p);
		return;
	}
	dhat__guard = 1;
	if (dhat__single_threaded()) {
		/* No other thread can be handed the address meanwhile:
		 * glibc's work hides the wait for the block's live slot. */
		dhat__live_prefetch((uintptr_t)p);
		__libc_free(p);
		dhat__heap_free(p);
	} else {
		/* Forget the block before glibc may hand its address to
		 * another thread (logged: no slot is read now). */
		dhat__heap_free(p);
		__libc_free(p);
	}
	dhat__leave(0);
}

EXPORT void *
calloc(size_t m, size_t n)
{
	void *p;

	FAIL_OWN(NULL);
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_calloc(m, n);
	dhat__guard = 1;
	p = __libc_calloc(m, n);
	/* Success means m * n did not overflow. */
	if (p != NULL)
		dhat__heap_alloc(p, m * n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

/* realloc's bookkeeping, inlined into realloc and reallocarray so that
 * each keeps its own frame. */
static inline __attribute__((always_inline)) void *
realloc_counted(void *old, size_t n)
{
	struct dhat__block b;
	bool tracked;
	void *p;

	if (old == NULL) {
		p = __libc_realloc(NULL, n);
		if (p != NULL)
			dhat__heap_alloc(p, n);
		return p;
	}
	tracked = dhat__heap_detach(old, &b);
	p = __libc_realloc(old, n);
	if (p == NULL) {
		/* glibc frees OLD for a zero size and returns NULL;
		 * otherwise NULL is a failure and OLD is untouched. */
		if (!tracked)
			return NULL;
		if (n == 0)
			dhat__heap_detached_free(&b);
		else
			dhat__heap_reattach(&b);
		return NULL;
	}
	if (tracked)
		dhat__heap_moved(&b, p, n);
	else
		dhat__heap_alloc(p, n);
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

/* glibc 2.36: aligned_alloc is an alias of memalign (any alignment is
 * rounded up to a power of two; EINVAL only when that is impossible). */
EXPORT void *
memalign(size_t alignment, size_t n)
{
	void *p;

	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_memalign(alignment, n);
	dhat__guard = 1;
	p = __libc_memalign(alignment, n);
	if (p != NULL)
		dhat__heap_alloc(p, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

EXPORT void *
aligned_alloc(size_t alignment, size_t n)
{
	void *p;

	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return dhat__own_memalign(alignment, n);
	dhat__guard = 1;
	p = __libc_memalign(alignment, n);
	if (p != NULL)
		dhat__heap_alloc(p, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

/* glibc's checks: a power of two multiple of sizeof(void *), else EINVAL
 * with errno and *PP untouched; ENOMEM when memalign fails. */
EXPORT int
posix_memalign(void **pp, size_t alignment, size_t n)
{
	void *p;
	int on;

	if (alignment % sizeof(void *) != 0 ||
	    (alignment & (alignment - 1)) != 0 || alignment == 0)
		return EINVAL;
	on = dhat__heap_on() && !dhat__guard;
	if (on)
		dhat__guard = 1;
	p = on ? __libc_memalign(alignment, n) :
	    dhat__own_memalign(alignment, n);
	if (p != NULL && on)
		dhat__heap_alloc(p, n);
	if (on)
		dhat__leave(0);
	DHAT__NO_TAILCALL();
	if (p == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

/* valloc and pvalloc with the guard set (dhat__own_malloc). */
static void *
own_valloc(size_t n, bool round)
{
	size_t page = (size_t)getpagesize();

	if (__builtin_expect(!dhat__spare_on, 1))
		return round ? __libc_pvalloc(n) : __libc_valloc(n);
	if (round)
		n = n > SIZE_MAX - page ? SIZE_MAX : (n + page - 1) & ~(page - 1);
	return dhat__spare_alloc(n, page);
}

EXPORT void *
valloc(size_t n)
{
	void *p;

	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_valloc(n, false);
	dhat__guard = 1;
	p = __libc_valloc(n);
	if (p != NULL)
		dhat__heap_alloc(p, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

EXPORT void *
pvalloc(size_t n)
{
	void *p;

	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return own_valloc(n, true);
	dhat__guard = 1;
	p = __libc_pvalloc(n);
	if (p != NULL)
		dhat__heap_alloc(p, n);
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

/*
 * glibc exports no __libc_ name for it: look the next definition up once.
 * dlsym may allocate; that goes through the entry points above with the
 * guard set and is never counted.
 */
EXPORT size_t
malloc_usable_size(void *p)
{
	static size_t (*next)(void *);
	size_t (*fn)(void *);
	int g;

	fn = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
	if (DHAT__UNLIKELY(fn == NULL)) {
		g = dhat__enter();
		fn = (size_t (*)(void *))dlsym(RTLD_NEXT, "malloc_usable_size");
		dhat__leave(g);
		if (fn == NULL || fn == malloc_usable_size)
			return 0;
		__atomic_store_n(&next, fn, __ATOMIC_RELEASE);
	}
	return fn(p);
}
