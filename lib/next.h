/* SPDX-License-Identifier: MIT */
/*
 * next.h - the allocator libdhat forwards to: the next definition of each
 * entry point after libdhat's own in the loader's lookup order, which is
 * the one the program would call without libdhat (glibc's, or jemalloc's,
 * tcmalloc's, mimalloc's when the program links or preloads one).
 */
#ifndef DHAT_NEXT_H
#define DHAT_NEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The C entry points.  Each pointer starts at a stand-in in next.c that
 * looks all of them up on first use, so a call through one is always
 * valid, from the first allocation of the process on.
 */
struct dhat__next {
	void *(*malloc)(size_t);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	void (*free)(void *);
	void *(*memalign)(size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
};

extern struct dhat__next dhat__next;

/*
 * While the definitions are looked up (dlsym may allocate), the thread
 * that looks them up is served from a small static arena, and so is a
 * thread whose own allocations come from it (memory.h, DHAT__OWN_BOOT);
 * a block of the arena is never given to the next allocator, whose free
 * would not know it.  Such blocks are freed by doing nothing.
 */
extern char dhat__boot_arena[];
#define DHAT__BOOT_SIZE 65536

static inline bool
dhat__boot_owns(const void *p)
{
	return (uintptr_t)p - (uintptr_t)dhat__boot_arena < DHAT__BOOT_SIZE;
}

/* realloc and malloc_usable_size of an arena block (next.c). */
void *dhat__boot_realloc(void *p, size_t n);
size_t dhat__boot_usable(const void *p);

/* N bytes aligned to ALIGN from the arena while it has room, else from
 * the next allocator; zeroes when ZERO.  For a thread whose own
 * allocations come from the arena (memory.h, DHAT__OWN_BOOT). */
void *dhat__boot_take(size_t n, size_t align, bool zero);

/* free, realloc and malloc_usable_size of the next allocator, for any
 * block: the arena's are handled here. */
static inline void
dhat__next_free(void *p)
{
	if (__builtin_expect(!dhat__boot_owns(p), 1))
		dhat__next.free(p);
}

static inline void *
dhat__next_realloc(void *p, size_t n)
{
	if (__builtin_expect(!dhat__boot_owns(p), 1))
		return dhat__next.realloc(p, n);
	return dhat__boot_realloc(p, n);
}

static inline size_t
dhat__next_usable(void *p)
{
	if (__builtin_expect(!dhat__boot_owns(p), 1))
		return dhat__next.malloc_usable_size(p);
	return dhat__boot_usable(p);
}

/* The guard's value while the next definitions are looked up: like 1, it
 * keeps what dlsym allocates uncounted, and it also keeps fault
 * injection off it (interpose.c). */
#define DHAT__GUARD_NEXT 2

/* Look every definition up now (the constructor calls it, so that the
 * first allocation does not have to). */
void dhat__next_resolve(void);

/* Where malloc comes from when it is not libdhat's: the file of the
 * object that defines the malloc the program calls, when an object before
 * libdhat in the lookup order defines one (then libdhat sees none of the
 * program's allocations), else NULL. */
const char *dhat__next_shadowed(void);

/* The next definition of NAME, or NULL: for the entry points looked up
 * on first use (cxx.c, jemalloc.c), whose library may be loaded after
 * libdhat. */
void *dhat__next_lookup(const char *name);

/* glibc's allocator proper: what next.c falls back to when a definition
 * cannot be looked up. */
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t m, size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t alignment, size_t n);
void *__libc_valloc(size_t n);
void *__libc_pvalloc(size_t n);

#endif /* DHAT_NEXT_H */
