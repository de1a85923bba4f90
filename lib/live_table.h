/* SPDX-License-Identifier: MIT */
/*
 * live_table.h - the blocks live now (live_table.c).
 */
#ifndef DHAT_LIVE_TABLE_H
#define DHAT_LIVE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "lock.h"

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
struct dhat__live_slot;
extern struct dhat__live_slot *dhat__live_slots;
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

#endif
