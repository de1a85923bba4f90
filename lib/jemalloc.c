/* SPDX-License-Identifier: MIT */
/*
 * jemalloc.c - jemalloc's own allocation API (mallocx, rallocx, xallocx,
 * sallocx, dallocx, sdallocx, nallocx), counted like the standard entry
 * points when the program's jemalloc is the next definition.
 *
 * The flags are jemalloc's business and are passed on untouched; a block
 * is counted at the size asked for.  xallocx resizes in place: a resize
 * counts as a realloc to the size the program may now use (the real size,
 * up to size + extra); one that leaves the block as it was counts nothing.
 *
 * These names are libdhat's exports whether or not jemalloc is loaded,
 * so a program that looks for them (a weak reference) finds them even
 * without jemalloc.  Then they are carried out on the program's
 * allocator: alignment and zeroing as the flags ask, no arenas and no
 * thread caches, and never a resize in place.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"
#include "entry.h"
#include "guard.h"
#include "heap.h"
#include "live_table.h"
#include "next.h"

#define EXPORT __attribute__((visibility("default")))

/* jemalloc's flag bits that change what a block is. */
#define LG_ALIGN_MASK 0x3f
#define ZERO 0x40

void *mallocx(size_t n, int flags);
void *rallocx(void *p, size_t n, int flags);
size_t xallocx(void *p, size_t n, size_t extra, int flags);
size_t sallocx(const void *p, int flags);
void dallocx(void *p, int flags);
void sdallocx(void *p, size_t n, int flags);
size_t nallocx(size_t n, int flags);

/* ---- without jemalloc: the same calls on the program's allocator ------- */

static void *
emu_mallocx(size_t n, int flags)
{
	size_t lg = (size_t)flags & LG_ALIGN_MASK;
	void *p;

	p = lg != 0 ? dhat__next.memalign((size_t)1 << lg, n) :
	    dhat__next.malloc(n);
	if (p != NULL && (flags & ZERO))
		memset(p, 0, n);
	return p;
}

static size_t
emu_sallocx(const void *p, int flags)
{
	(void)flags;
	return dhat__next_usable((void *)p);
}

static void *
emu_rallocx(void *p, size_t n, int flags)
{
	void *q = emu_mallocx(n, flags);
	size_t have;

	if (q == NULL)
		return NULL;
	have = emu_sallocx(p, 0);
	memcpy(q, p, have < n ? have : n);
	dhat__next_free(p);
	return q;
}

static size_t
emu_xallocx(void *p, size_t n, size_t extra, int flags)
{
	(void)n;
	(void)extra;
	return emu_sallocx(p, flags);
}

static void
emu_dallocx(void *p, int flags)
{
	(void)flags;
	dhat__next_free(p);
}

static void
emu_sdallocx(void *p, size_t n, int flags)
{
	(void)n;
	emu_dallocx(p, flags);
}

/* The real size of such a block, found by making one. */
static size_t
emu_nallocx(size_t n, int flags)
{
	void *p = emu_mallocx(n, flags & LG_ALIGN_MASK);
	size_t size;

	if (p == NULL)
		return 0;
	size = emu_sallocx(p, 0);
	dhat__next_free(p);
	return size;
}

/* ---- the next definitions ---------------------------------------------- */

static struct {
	void *(*mallocx)(size_t, int);
	void *(*rallocx)(void *, size_t, int);
	size_t (*xallocx)(void *, size_t, size_t, int);
	size_t (*sallocx)(const void *, int);
	void (*dallocx)(void *, int);
	void (*sdallocx)(void *, size_t, int);
	size_t (*nallocx)(size_t, int);
	int ready;
} je;

#define FIND(name)                                                             \
	do {                                                                   \
		void *fn = dhat__next_lookup(#name);                           \
                                                                               \
		je.name = fn != NULL ? (__typeof__(je.name))fn : emu_##name;   \
	} while (0)

/* All of them or none: jemalloc's blocks go back to jemalloc. */
static __attribute__((noinline)) void
je_resolve(void)
{
	FIND(mallocx);
	if (je.mallocx == emu_mallocx) {
		je.rallocx = emu_rallocx;
		je.xallocx = emu_xallocx;
		je.sallocx = emu_sallocx;
		je.dallocx = emu_dallocx;
		je.sdallocx = emu_sdallocx;
		je.nallocx = emu_nallocx;
	} else {
		FIND(rallocx);
		FIND(xallocx);
		FIND(sallocx);
		FIND(dallocx);
		FIND(sdallocx);
		FIND(nallocx);
	}
	__atomic_store_n(&je.ready, 1, __ATOMIC_RELEASE);
}

static inline void
ready(void)
{
	if (DHAT__UNLIKELY(!__atomic_load_n(&je.ready, __ATOMIC_ACQUIRE)))
		je_resolve();
}

/* ---- the entry points --------------------------------------------------- */

EXPORT void *
mallocx(size_t n, int flags)
{
	ready();
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return je.mallocx(n, flags);
	DHAT__COUNT_ALLOC(je.mallocx(n, flags), n);
}

EXPORT void *
rallocx(void *old, size_t n, int flags)
{
	struct dhat__acc_held h;
	struct dhat__block b;
	bool tracked, held;
	void *p;

	ready();
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return je.rallocx(old, n, flags);
	dhat__guard = 1;
	tracked = dhat__heap_detach(old, &b);
	held = dhat__access_hold(old, &h);
	p = je.rallocx(old, n, flags);
	if (held && p == NULL)          /* OLD is untouched */
		dhat__access_attach(old, &h);
	else if (held && !tracked)
		dhat__access_retire(&h);
	if (p == NULL && tracked) {
		dhat__heap_reattach(&b);
	} else if (p != NULL && tracked) {
		dhat__heap_moved(&b, p, n);
		if (held)
			dhat__access_resized(p, n, &h);
	} else if (p != NULL) {
		dhat__count_block(p, n);
	}
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return p;
}

/* What the program may use of a block resized in place to REAL bytes
 * when it asked for N to N + EXTRA. */
static size_t
resized(size_t real, size_t n, size_t extra)
{
	size_t most = n + extra < n ? SIZE_MAX : n + extra;

	return real < most ? real : most;
}

EXPORT size_t
xallocx(void *p, size_t n, size_t extra, int flags)
{
	struct dhat__acc_held h;
	struct dhat__block b;
	size_t real, size;
	bool held;

	ready();
	if (DHAT__LIKELY(!dhat__heap_on()) || dhat__guard)
		return je.xallocx(p, n, extra, flags);
	dhat__guard = 1;
	if (!dhat__heap_detach(p, &b)) {
		real = je.xallocx(p, n, extra, flags);
	} else {
		/* In place: the block never changes hands. */
		held = dhat__access_hold(p, &h);
		real = je.xallocx(p, n, extra, flags);
		size = resized(real, n, extra);
		if (real >= n && size != b.size) {
			dhat__heap_moved(&b, p, size);
			if (held)
				dhat__access_resized(p, size, &h);
		} else {
			dhat__heap_reattach(&b);
			if (held)
				dhat__access_attach(p, &h);
		}
	}
	dhat__leave(0);
	DHAT__NO_TAILCALL();
	return real;
}

EXPORT size_t
sallocx(const void *p, int flags)
{
	ready();
	return je.sallocx(p, flags);
}

EXPORT void
dallocx(void *p, int flags)
{
	ready();
	if (DHAT__LIKELY(!dhat__heap_on()) || p == NULL || dhat__guard) {
		je.dallocx(p, flags);
		return;
	}
	DHAT__COUNT_FREE(p, je.dallocx(p, flags));
}

EXPORT void
sdallocx(void *p, size_t n, int flags)
{
	ready();
	if (DHAT__LIKELY(!dhat__heap_on()) || p == NULL || dhat__guard) {
		je.sdallocx(p, n, flags);
		return;
	}
	DHAT__COUNT_FREE(p, je.sdallocx(p, n, flags));
}

EXPORT size_t
nallocx(size_t n, int flags)
{
	ready();
	return je.nallocx(n, flags);
}
