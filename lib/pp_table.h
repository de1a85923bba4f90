/* SPDX-License-Identifier: MIT */
/*
 * pp_table.h - program points: one record per distinct stack
 * (pp_table.c).
 */
#ifndef DHAT_PP_TABLE_H
#define DHAT_PP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lock.h"

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

#endif
