/* SPDX-License-Identifier: MIT */
/*
 * pp_table.c - program points: one record per distinct captured stack.
 *
 * A PP is identified by its exact sequence of instruction pointers.  The
 * records live in one array (indices are stable, pointers are not), found
 * through an open-addressing index of 32-bit slots; the stacks themselves
 * are copied into an append-only arena.  All memory comes from the program's
 * allocator through dhat__own_*, never from the interposed entry points.
 * Callers hold the lock.
 */
#include "config.h"

#include <string.h>

#include "dhat_private.h"

#define ARENA_CHUNK (64 * 1024 / sizeof(uintptr_t))

struct chunk {
	struct chunk *next;
	size_t used, cap;
	uintptr_t data[];
};

/* The array and its length are read inline by dhat_private.h's accessors;
 * this file calls them pps and npps. */
struct dhat__pp *dhat__pp_v;
size_t dhat__pp_n;
static size_t cappps;
#define pps dhat__pp_v
#define npps dhat__pp_n
static uint32_t *slots;          /* PP index + 1; 0 = empty */
static size_t nslots;            /* power of two */
static struct chunk *chunks;

/* Bumped by every reset: PP indices held elsewhere (the stack caches)
 * are valid only within one epoch. */
uint64_t dhat__pp_epoch = 1;

/* Bumped by every unload of code (unload.c); never reset. */
uint64_t dhat__module_gen;

static uint64_t
hash_ips(const uintptr_t *ips, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= ips[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static uintptr_t *
arena_copy(const uintptr_t *ips, size_t n)
{
	struct chunk *c = chunks;
	uintptr_t *p;

	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;

		c = dhat__malloc(sizeof *c + cap * sizeof(uintptr_t));
		if (c == NULL)
			return NULL;
		c->next = chunks;
		c->used = 0;
		c->cap = cap;
		chunks = c;
	}
	p = c->data + c->used;
	c->used += n;
	if (n > 0)
		memcpy(p, ips, n * sizeof *ips);
	return p;
}

static int
grow_index(void)
{
	size_t n = nslots ? nslots * 2 : 1024, i;
	uint32_t *s = dhat__calloc(n, sizeof *s);

	if (s == NULL)
		return -1;
	for (i = 0; i < npps; i++) {
		size_t j = pps[i].hash & (n - 1);

		if (pps[i].retired)
			continue;
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	dhat__own_free(slots);
	slots = s;
	nslots = n;
	return 0;
}

uint32_t
dhat__pp_intern(const uintptr_t *ips, size_t n)
{
	uint64_t h = hash_ips(ips, n);
	struct dhat__pp *pp;
	size_t j;

	if (nslots != 0) {
		for (j = h & (nslots - 1); slots[j] != 0;
		    j = (j + 1) & (nslots - 1)) {
			pp = &pps[slots[j] - 1];
			if (pp->hash == h && pp->n_ips == n &&
			    memcmp(pp->ips, ips, n * sizeof *ips) == 0)
				return slots[j] - 1;
		}
	}
	if (npps >= UINT32_MAX - 1)
		return DHAT__PP_NONE;
	/* Load factor at most 1/2. */
	if ((npps + 1) * 2 > nslots && grow_index() < 0)
		return DHAT__PP_NONE;
	if (npps == cappps) {
		size_t cap = cappps ? cappps * 2 : 256;
		struct dhat__pp *a = DHAT__FAULT() ? NULL :
		    dhat__own_memalign(_Alignof(struct dhat__pp), cap * sizeof *a);

		if (a == NULL)
			return DHAT__PP_NONE;
		if (npps > 0)
			memcpy(a, pps, npps * sizeof *a);
		dhat__own_free(pps);
		__atomic_store_n(&pps, a, __ATOMIC_RELAXED);
		cappps = cap;
		/* Room to write this many program points at the end. */
		dhat__reserve_want(cap);
	}
	pp = &pps[npps];
	memset(pp, 0, sizeof *pp);
	pp->hash = h;
	pp->n_ips = n;
	pp->modgen = dhat__module_gen;
	pp->ips = arena_copy(ips, n);
	if (pp->ips == NULL)
		return DHAT__PP_NONE;
	for (j = h & (nslots - 1); slots[j] != 0; j = (j + 1) & (nslots - 1))
		;
	slots[j] = (uint32_t)npps + 1;
	return (uint32_t)npps++;
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
	size_t i, j, n = 0;

	for (i = 0; i < npps; i++)
		if (!pps[i].retired && touches(&pps[i], lo, hi)) {
			pps[i].retired = true;
			n++;
		}
	if (n == 0)
		return;
	/* Linear probing has no deletion: the index is made again from the
	 * PPs still found, at its size (a dlclose is rare). */
	memset(slots, 0, nslots * sizeof *slots);
	for (i = 0; i < npps; i++) {
		if (pps[i].retired)
			continue;
		for (j = pps[i].hash & (nslots - 1); slots[j] != 0;
		    j = (j + 1) & (nslots - 1))
			;
		slots[j] = (uint32_t)i + 1;
	}
}

void
dhat__pp_reset(void)
{
	__atomic_store_n(&dhat__pp_epoch, dhat__pp_epoch + 1,
	    __ATOMIC_RELAXED);
	while (chunks != NULL) {
		struct chunk *c = chunks;

		chunks = c->next;
		dhat__own_free(c);
	}
	dhat__own_free(pps);
	dhat__own_free(slots);
	__atomic_store_n(&pps, NULL, __ATOMIC_RELAXED);
	slots = NULL;
	npps = cappps = nslots = 0;
}
