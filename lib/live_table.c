/* SPDX-License-Identifier: MIT */
/*
 * live_table.c - the blocks live now: pointer -> program point, requested
 * size, time of first allocation.
 *
 * One open-addressing table with linear probing and backward-shift
 * deletion (no tombstones), 24 bytes a slot, grown by doubling at a load
 * of 3/4: between 32 and 64 bytes per live block, nothing allocated per
 * block.  Sizes of 4 GiB and more do not fit the slot's 32 bits; the rare
 * such blocks keep their size in a small side list.  Callers hold the lock.
 */
#include "config.h"

#include <string.h>

#include "dhat_private.h"

struct slot {
	uintptr_t ptr;      /* 0 = empty */
	uint64_t time;
	uint32_t pp;
	uint32_t size;      /* BIG: look in the side list */
};

_Static_assert(sizeof(struct slot) == 24, "live slot is 24 bytes");

#define BIG UINT32_MAX

struct big {
	uintptr_t ptr;
	size_t size;
};

static struct slot *slots;
static size_t nslots, nlive;     /* nslots: power of two */
static struct big *bigs;
static size_t nbigs, capbigs;

static inline size_t
home(uintptr_t p)
{
	/* malloc pointers are 16-aligned: drop the constant bits, then mix. */
	return (size_t)(((uint64_t)(p >> 4) * 0x9e3779b97f4a7c15ULL) >> 20);
}

static int
big_put(uintptr_t ptr, size_t size)
{
	if (nbigs == capbigs) {
		size_t cap = capbigs ? capbigs * 2 : 16;
		struct big *b = dhat__realloc(bigs, cap * sizeof *b);

		if (b == NULL)
			return -1;
		bigs = b;
		capbigs = cap;
	}
	bigs[nbigs].ptr = ptr;
	bigs[nbigs].size = size;
	nbigs++;
	return 0;
}

static size_t
big_take(uintptr_t ptr)
{
	size_t i, size;

	for (i = 0; i < nbigs; i++) {
		if (bigs[i].ptr == ptr) {
			size = bigs[i].size;
			bigs[i] = bigs[--nbigs];
			return size;
		}
	}
	return 0;
}

static void
place(struct slot *tab, size_t n, const struct slot *s)
{
	size_t j = home(s->ptr) & (n - 1);

	while (tab[j].ptr != 0)
		j = (j + 1) & (n - 1);
	tab[j] = *s;
}

static int
grow(void)
{
	size_t n = nslots ? nslots * 2 : 4096, i;
	struct slot *t = dhat__calloc(n, sizeof *t);

	if (t == NULL)
		return -1;
	for (i = 0; i < nslots; i++)
		if (slots[i].ptr != 0)
			place(t, n, &slots[i]);
	__libc_free(slots);
	slots = t;
	nslots = n;
	return 0;
}

static struct slot *
find(uintptr_t ptr)
{
	size_t j;

	if (nslots == 0)
		return NULL;
	for (j = home(ptr) & (nslots - 1); slots[j].ptr != 0;
	    j = (j + 1) & (nslots - 1))
		if (slots[j].ptr == ptr)
			return &slots[j];
	return NULL;
}

static void
to_block(const struct slot *s, struct dhat__block *b)
{
	b->ptr = s->ptr;
	b->time = s->time;
	b->pp = s->pp;
	b->size = s->size == BIG ? big_take(s->ptr) : s->size;
	b->gen = 0;
}

/* Remove slot J and shift the following cluster back over the hole. */
static void
erase(size_t j)
{
	size_t mask = nslots - 1, i = j, k;

	for (;;) {
		slots[i].ptr = 0;
		for (;;) {
			j = (j + 1) & mask;
			if (slots[j].ptr == 0)
				return;
			k = home(slots[j].ptr) & mask;
			/* Can slot j move to the hole at i? Only when its home
			 * is not cyclically inside (i, j]. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		slots[i] = slots[j];
		i = j;
	}
}

int
dhat__live_reserve(size_t size)
{
	if ((nlive + 1) * 4 > nslots * 3 && grow() < 0)
		return -1;
	if (size >= BIG && nbigs == capbigs) {
		size_t cap = capbigs ? capbigs * 2 : 16;
		struct big *b = dhat__realloc(bigs, cap * sizeof *b);

		if (b == NULL)
			return -1;
		bigs = b;
		capbigs = cap;
	}
	return 0;
}

int
dhat__live_insert(const struct dhat__block *b, struct dhat__block *old,
    bool *had_old)
{
	struct slot s, *e;

	*had_old = false;
	if ((e = find(b->ptr)) != NULL) {
		/* A free we never saw: report it, reuse the slot. */
		to_block(e, old);
		*had_old = true;
		erase((size_t)(e - slots));
		nlive--;
	}
	if ((nlive + 1) * 4 > nslots * 3 && grow() < 0)
		return -1;
	s.ptr = b->ptr;
	s.time = b->time;
	s.pp = b->pp;
	if (b->size >= BIG) {
		if (big_put(b->ptr, b->size) < 0)
			return -1;
		s.size = BIG;
	} else {
		s.size = (uint32_t)b->size;
	}
	place(slots, nslots, &s);
	nlive++;
	return 0;
}

bool
dhat__live_remove(uintptr_t ptr, struct dhat__block *out)
{
	struct slot *e = find(ptr);

	if (e == NULL)
		return false;
	to_block(e, out);
	erase((size_t)(e - slots));
	nlive--;
	return true;
}

size_t
dhat__live_count(void)
{
	return nlive;
}

void
dhat__live_foreach(void (*fn)(const struct dhat__block *, void *), void *ctx)
{
	struct dhat__block b;
	size_t i, j;

	for (i = 0; i < nslots; i++) {
		if (slots[i].ptr == 0)
			continue;
		b.ptr = slots[i].ptr;
		b.time = slots[i].time;
		b.pp = slots[i].pp;
		b.size = slots[i].size;
		b.gen = 0;
		if (b.size == BIG)
			for (j = 0; j < nbigs; j++)
				if (bigs[j].ptr == b.ptr)
					b.size = bigs[j].size;
		fn(&b, ctx);
	}
}

void
dhat__live_reset(void)
{
	__libc_free(slots);
	__libc_free(bigs);
	slots = NULL;
	bigs = NULL;
	nslots = nlive = nbigs = capbigs = 0;
}
