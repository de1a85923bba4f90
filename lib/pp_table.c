/* SPDX-License-Identifier: MIT */
/*
 * pp_table.c - program points: one record per distinct captured stack.
 *
 * A PP is identified by its exact sequence of instruction pointers.  The
 * records live in one array (indices are stable, pointers are not), found
 * through an open-addressing index; the stacks themselves are copied into
 * an append-only arena, each after its length.  All of it is pages of
 * libdhat's own (pages.c), none of the program's heap.  Callers hold the lock,
 * except for dhat__pp_hash and dhat__pp_prefetch_slot.
 *
 * A slot of the index holds half of the stack's hash and where its stack
 * is, besides the PP's index, so that a lookup reads no record: with a
 * hundred thousand program points, the slot, the record and the stack
 * would be three cache misses one after the other.  The slot's tag rules
 * out the other stacks of the probe, and the stack is compared while the
 * record, which the caller is about to change, is fetched.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lock.h"
#include "memory.h"
#include "pages.h"
#include "pp_table.h"
#include "stack.h"
#include "unload.h"

struct chunk {
	struct chunk *next;
	size_t used, cap;
	uintptr_t data[];
};

/* The words of a chunk of 64 KiB, its header included. */
#define ARENA_CHUNK ((64 * 1024 - sizeof(struct chunk)) / sizeof(uintptr_t))

/* The array and its length, read inline by pp_table.h's accessors. */
struct dhat__pp *dhat__pp_v;
size_t dhat__pp_n;

struct slot {
	uint32_t pp;                 /* PP index + 1; 0 = empty */
	uint32_t tag;                /* the hash's high half */
	const uintptr_t *ips;        /* the PP's stack, after its length */
};

/* This file's state: room in the array, the index of stacks (a power
 * of two of slots), and the chunks the stacks are kept in. */
static struct {
	size_t cappps;
	struct slot *slots;
	size_t nslots;
	struct chunk *chunks;
} pt;

/* Bumped by every reset: PP indices held elsewhere (the stack caches)
 * are valid only within one epoch. */
uint64_t dhat__pp_epoch = 1;

/* Bumped by every unload of code (unload.c); never reset. */
uint64_t dhat__module_gen;

/* Two independent chains over the even and the odd addresses, mixed at
 * the end: each step waits on the last one's multiplication, and two
 * chains halve that wait. */
uint64_t
dhat__pp_hash(const uintptr_t *ips, size_t n)
{
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0xc2b2ae3d27d4eb4fULL;
	size_t i;

	for (i = 0; i + 1 < n; i += 2) {
		a = (a ^ ips[i]) * 0xff51afd7ed558ccdULL;
		b = (b ^ ips[i + 1]) * 0xc4ceb9fe1a85ec53ULL;
		a ^= a >> 32;
		b ^= b >> 32;
	}
	if (i < n) {
		a = (a ^ ips[i]) * 0xff51afd7ed558ccdULL;
		a ^= a >> 32;
	}
	a ^= b * 0x9e3779b97f4a7c15ULL;
	a *= 0xff51afd7ed558ccdULL;
	return a ^ a >> 32;
}

/* Room for a stack of N addresses after its length. */
static uintptr_t *
arena_copy(const uintptr_t *ips, size_t n)
{
	struct chunk *c = pt.chunks;
	uintptr_t *p;

	if (c == NULL || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;

		c = dhat__pages_new(sizeof *c + cap * sizeof(uintptr_t));
		if (c == NULL)
			return NULL;
		c->next = pt.chunks;
		c->used = 0;
		c->cap = cap;
		pt.chunks = c;
	}
	p = c->data + c->used;
	c->used += n + 1;
	*p++ = n;
	if (n > 0)
		memcpy(p, ips, n * sizeof *ips);
	return p;
}

static inline uint32_t
tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32);
}

/* PP I's slot in the index S of N slots, which has room. */
static void
index_place(struct slot *s, size_t n, uint32_t i)
{
	const struct dhat__pp *pp = &dhat__pp_v[i];
	size_t j;

	for (j = pp->hash & (n - 1); s[j].pp != 0; j = (j + 1) & (n - 1))
		;
	s[j].pp = i + 1;
	s[j].tag = tag_of(pp->hash);
	s[j].ips = pp->ips;
}

static int
grow_index(void)
{
	size_t n = pt.nslots ? pt.nslots * 2 : 1024, i;
	struct slot *s = dhat__pages_new(n * sizeof *s);

	if (s == NULL)
		return -1;
	for (i = 0; i < dhat__pp_n; i++)
		if (!dhat__pp_v[i].retired)
			index_place(s, n, (uint32_t)i);
	dhat__pages_free(pt.slots, pt.nslots * sizeof *pt.slots);
	/* Read without the lock by dhat__pp_prefetch_slot. */
	__atomic_store_n(&pt.slots, s, __ATOMIC_RELAXED);
	__atomic_store_n(&pt.nslots, n, __ATOMIC_RELAXED);
	return 0;
}

/* Whether the stack at A (after its length) is B[0..N). */
static inline bool
same_stack(const uintptr_t *a, const uintptr_t *b, size_t n)
{
	size_t k;

	if (a[-1] != n)
		return false;
	for (k = 0; k < n; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

/* A new PP for the stack IPS[0..N) of hash H, into slot J when the index
 * does not grow. */
static uint32_t
pp_add(const uintptr_t *ips, size_t n, uint64_t h, size_t j)
{
	struct dhat__pp *pp;

	if (dhat__pp_n >= UINT32_MAX - 1)
		return DHAT__PP_NONE;
	/* Load factor at most 1/2. */
	if ((dhat__pp_n + 1) * 2 > pt.nslots) {
		if (grow_index() < 0)
			return DHAT__PP_NONE;
		for (j = h & (pt.nslots - 1); pt.slots[j].pp != 0;
		    j = (j + 1) & (pt.nslots - 1))
			;
	}
	if (dhat__pp_n == pt.cappps) {
		size_t cap = pt.cappps ? pt.cappps * 2 : 256;
		struct dhat__pp *a = dhat__pages_resize(dhat__pp_v,
		    pt.cappps * sizeof *a, cap * sizeof *a);

		if (a == NULL)
			return DHAT__PP_NONE;
		__atomic_store_n(&dhat__pp_v, a, __ATOMIC_RELAXED);
		pt.cappps = cap;
		/* Room to write this many program points at the end. */
		dhat__reserve_want(cap);
	}
	pp = &dhat__pp_v[dhat__pp_n];
	memset(pp, 0, sizeof *pp);
	pp->hash = h;
	pp->n_ips = n;
	pp->modgen = dhat__module_gen;
	pp->ips = arena_copy(ips, n);
	if (pp->ips == NULL)
		return DHAT__PP_NONE;
	pt.slots[j].pp = (uint32_t)dhat__pp_n + 1;
	pt.slots[j].tag = tag_of(h);
	pt.slots[j].ips = pp->ips;
	return (uint32_t)dhat__pp_n++;
}

void
dhat__pp_prefetch_slot(uint64_t h)
{
	const struct slot *s;
	size_t n;

	if (DHAT__UNDER_VALGRIND())
		return;
	s = __atomic_load_n(&pt.slots, __ATOMIC_RELAXED);
	n = __atomic_load_n(&pt.nslots, __ATOMIC_RELAXED);
	if (n != 0)
		__builtin_prefetch(&s[h & (n - 1)]);
}

uint32_t
dhat__pp_intern(const uintptr_t *ips, size_t n)
{
	return dhat__pp_intern_hashed(ips, n, dhat__pp_hash(ips, n));
}

uint32_t
dhat__pp_intern_hashed(const uintptr_t *ips, size_t n, uint64_t h)
{
	uint32_t tag = tag_of(h), i;
	const struct slot *s;
	size_t j = 0;

	if (pt.nslots != 0) {
		for (j = h & (pt.nslots - 1); (s = &pt.slots[j])->pp != 0;
		    j = (j + 1) & (pt.nslots - 1)) {
			if (s->tag != tag)
				continue;
			i = s->pp - 1;
			/* The caller counts into the record next. */
			dhat__pp_prefetch(i);
			if (same_stack(s->ips, ips, n))
				return i;
		}
	}
	return pp_add(ips, n, h, j);
}

/* Whether any of PP's addresses is in [lo, hi). */
static bool
touches(const struct dhat__pp *pp, uintptr_t lo, uintptr_t hi)
{
	size_t k;

	for (k = 0; k < pp->n_ips; k++)
		if (pp->ips[k] >= lo && pp->ips[k] < hi)
			return true;
	return false;
}

void
dhat__pp_retire(uintptr_t lo, uintptr_t hi)
{
	size_t i, n = 0;

	for (i = 0; i < dhat__pp_n; i++)
		if (!dhat__pp_v[i].retired && touches(&dhat__pp_v[i], lo, hi)) {
			dhat__pp_v[i].retired = true;
			n++;
		}
	if (n == 0)
		return;
	/* Linear probing has no deletion: the index is made again from the
	 * PPs still found, at its size (a dlclose is rare). */
	memset(pt.slots, 0, pt.nslots * sizeof *pt.slots);
	for (i = 0; i < dhat__pp_n; i++)
		if (!dhat__pp_v[i].retired)
			index_place(pt.slots, pt.nslots, (uint32_t)i);
}

void
dhat__pp_reset(void)
{
	__atomic_store_n(&dhat__pp_epoch, dhat__pp_epoch + 1,
	    __ATOMIC_RELAXED);
	while (pt.chunks != NULL) {
		struct chunk *c = pt.chunks;

		pt.chunks = c->next;
		dhat__pages_free(c, sizeof *c + c->cap * sizeof(uintptr_t));
	}
	dhat__pages_free(dhat__pp_v, pt.cappps * sizeof *dhat__pp_v);
	dhat__pages_free(pt.slots, pt.nslots * sizeof *pt.slots);
	__atomic_store_n(&dhat__pp_v, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&pt.slots, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&pt.nslots, 0, __ATOMIC_RELAXED);
	dhat__pp_n = pt.cappps = 0;
}
