/* SPDX-License-Identifier: MIT */
/*
 * entry.h - what the allocator entry points (interpose.c, cxx.c,
 * jemalloc.c) share: the counting halves of an allocating and a freeing
 * entry point.
 */
#ifndef DHAT_ENTRY_H
#define DHAT_ENTRY_H

#include "access.h"
#include "compiler.h"
#include "guard.h"
#include "heap.h"

/*
 * Keep the calling allocator entry point on the stack: the first frame of
 * every profile stack must lie inside malloc (or calloc, ...), which a
 * sibling call would replace by libdhat's internal function.
 */
#define DHAT__NO_TAILCALL() __asm__ __volatile__("" ::: "memory")

/* A fresh block counted by the heap, and by the access counts when they
 * run.  Inlined into the entry point, whose frame the heap's stack cache
 * measures from. */
static inline __attribute__((always_inline)) void
dhat__count_block(void *p, size_t n)
{
	bool access = DHAT__UNLIKELY(dhat__access_counting());
	uint64_t epoch = access ?
	    __atomic_load_n(&dhat__pp_epoch, __ATOMIC_ACQUIRE) : 0;
	uint32_t pp = dhat__heap_alloc(p, n);

	if (access)
		dhat__access_alloc(p, n, pp, epoch);
}

/* A block about to be reallocated: its access record taken out first,
 * into *H (true when it had one), since the allocator may give its
 * address to another thread before it returns. */
static inline bool
dhat__access_hold(void *old, struct dhat__acc_held *h)
{
	return DHAT__UNLIKELY(dhat__access_counting()) &&
	    dhat__access_detach(old, h);
}

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
			dhat__count_block(block_, (n));                        \
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
		if (DHAT__UNLIKELY(dhat__access_counting()))                           \
			dhat__access_free(p);                                  \
		dhat__heap_free(p);                                            \
		call;                                                          \
		dhat__leave(0);                                                \
	} while (0)

#endif
