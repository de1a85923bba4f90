/* SPDX-License-Identifier: MIT */
/*
 * live_table.c - the blocks live now: pointer -> program point and
 * requested size.
 *
 * One open-addressing table with linear probing and backward-shift
 * deletion (no tombstones), 16 bytes a slot, nothing allocated per block.
 * The slot after the last holds END: a probe that reaches it goes on at
 * the first slot, so the probe loops test one key per step for the key,
 * an empty slot and the end at once, and wrap only there.
 * It grows by half at a load of 4/5, so the load stays between 8/15 and
 * 4/5: 20 to 30 bytes per live block (the budget is 32).  The
 * table size is not a power of two; a pointer's home slot is the high
 * half of its Fibonacci hash times the size.  Blocks keep no time: heap.c
 * counts lifetimes per program point (see there).  Sizes of 4 GiB and
 * more do not fit the slot's 32 bits; the rare such blocks keep their
 * size in a small side list.  Callers hold the lock.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "compiler.h"
#include "live_table.h"
#include "memory.h"
#include "pages.h"

/* struct dhat__live_slot is declared in live_table.h, for the hot
 * path's inline lookup. */
_Static_assert(sizeof(struct dhat__live_slot) == 16, "live slot is 16 bytes");

#define BIG UINT32_MAX
/* The key of the slot after the last.  No block has this address (an
 * insert of it fails), and keys at most END are the probe's stops:
 * empty (0) or the end. */
#define END DHAT__LIVE_END

struct big {
	uintptr_t ptr;
	size_t size;
};

/* Published for dhat__live_prefetch, which reads them without the lock:
 * written with atomic stores. */
struct dhat__live_slot *dhat__live_slots;
size_t dhat__live_nslots;

/* This file's state: the blocks too big for the table's size field
 * (struct big), and whether an odd pointer was ever inserted (MOVED,
 * below). */
static struct {
	struct big *bigs;
	size_t nbigs, capbigs;
	bool odd_keys;
} lt;

/*
 * A pointer's home slot (dhat__live_home, live_table.h) is the 4 KiB
 * page's hashed window of 256 slots, at the pointer's 16-byte unit
 * within the page; the windows lie within the table, so that a home
 * needs no wrapping.  Blocks allocated one after the other sit next to each
 * other, and so do their slots: the table is walked in the heap's order,
 * which the hardware prefetches, where a hash of the whole pointer costs
 * a cache miss per call once the table outgrows the cache (1M live
 * blocks: 2.5x the time in Python).  glibc's chunks are at least 32
 * bytes, so a page fills at most every other slot of its window.
 *
 * The windows of a few dozen pages overlap in a small table, though, and
 * where several dense pages meet the clusters grow long: with 4,096
 * blocks live among many that come and go (bench/manystacks.c) a lookup
 * probed 19 slots on average.  A table smaller than DHAT__LIVE_SPREAD
 * slots stays in the cache anyway, and hashes the whole pointer (4 slots
 * there).  The growth that crosses the size changes every home, which
 * the rehash allows for.
 */
static inline size_t
next(size_t j, size_t n)
{
	return j + 1 == n ? 0 : j + 1;
}

static int
big_put(uintptr_t ptr, size_t size)
{
	if (lt.nbigs == lt.capbigs) {
		size_t cap = lt.capbigs ? lt.capbigs * 2 : 16;
		int e = errno;
		struct big *b = dhat__realloc(lt.bigs, cap * sizeof *b);

		errno = e;
		if (b == NULL)
			return -1;
		lt.bigs = b;
		lt.capbigs = cap;
	}
	lt.bigs[lt.nbigs].ptr = ptr;
	lt.bigs[lt.nbigs].size = size;
	lt.nbigs++;
	return 0;
}

static size_t
big_take(uintptr_t ptr)
{
	size_t i, size;

	for (i = 0; i < lt.nbigs; i++) {
		if (lt.bigs[i].ptr == ptr) {
			size = lt.bigs[i].size;
			lt.bigs[i] = lt.bigs[--lt.nbigs];
			return size;
		}
	}
	return 0;
}

static void
slot_place(struct dhat__live_slot *tab, size_t n, const struct dhat__live_slot *s)
{
	size_t j = dhat__live_home(s->ptr, n);

	while (tab[j].ptr != 0)
		j = next(j, n);
	tab[j] = *s;
}

/* N slots and the end's: the bytes of a table. */
static size_t
table_bytes(size_t n)
{
	return (n + 1) * sizeof(struct dhat__live_slot);
}

/*
 * Tables are pages of libdhat's own (pages.c), which every growth keeps
 * (table_extend): with a copy to a fresh table each time, every table on
 * the way to a large one would be paged in and cleared by the kernel
 * only to be thrown away.
 */
static struct dhat__live_slot *
slots_new(size_t n)
{
	return dhat__pages_new(table_bytes(n));
}

static void
slots_free(struct dhat__live_slot *t, size_t n)
{
	dhat__pages_free(t, table_bytes(n));
}

/*
 * More than 4/5 full with EXTRA blocks more: the load factor that keeps
 * the table within 32 bytes per live block with growth by half.  The
 * count is heap.c's live blocks, at least the table's own (a block taken
 * out for a realloc stays counted there), and the block being inserted
 * is counted already: a count of the table's own would be one more cache
 * line written by every operation, which two threads then pass to and
 * fro.
 */
static bool
too_full(size_t extra)
{
	return !dhat__live_room(extra);
}

/*
 * A table grows where it is: mremap moves its pages to a mapping of
 * the new size (or just extends it), and the slots are rehashed in
 * place.  Copying to a fresh table instead has the kernel clear the whole
 * new table and free the old one: with Python's million live blocks that
 * was a tenth of the kernel's time in the profiled run.  Only the new
 * part is cleared now.
 *
 * The rehash visits the old slots from the top down.  A slot's new home
 * is about half as far again from the start as its old one, so nearly
 * every block moves up, into slots already visited (free or holding
 * rehashed blocks), and two streams walk the table from the top.  Slots
 * below the one being visited hold blocks not yet rehashed, except those
 * that went there (a probe wrapped around, or a block moved down): the
 * low bit of the pointer marks these, and the visit clears it.  A block
 * whose probe reaches an unvisited block's slot takes it, and that block
 * is rehashed next from the slot being visited.  Every step settles a
 * block, and a settled block never moves again, so every slot between a
 * block's home and its slot stays full: the table is a linear-probing
 * table of the new size at the end.  Pointers from malloc are even; an
 * odd one ever inserted (never seen) makes the table grow by copying.
 */
#define MOVED ((uintptr_t)1)


static void
rehash(struct dhat__live_slot *tab, size_t old_n, size_t n)
{
	size_t i = old_n, j;
	struct dhat__live_slot s, t;

	while (i-- > 0) {
		if (tab[i].ptr & MOVED) {
			tab[i].ptr &= ~MOVED;
			continue;
		}
		while (tab[i].ptr != 0) {
			s = tab[i];
			/* Past free slots, settled blocks and this one's own
			 * slot: an empty slot, or an unvisited block's. */
			j = dhat__live_home(s.ptr, n);
			while (j != i && (j > i ? tab[j].ptr != 0 :
			    (tab[j].ptr & MOVED) != 0))
				j = next(j, n);
			if (j == i)
				break;
			t = tab[j];
			if (j < i)
				s.ptr |= MOVED;
			tab[j] = s;
			tab[i] = t;
		}
	}
}

/* T's OLD_N slots grown to N and rehashed; NULL when there is no
 * memory (T is then unchanged). */
static struct dhat__live_slot *
table_extend(struct dhat__live_slot *t, size_t old_n, size_t n)
{
	struct dhat__live_slot *p;

	p = dhat__pages_resize(t, table_bytes(old_n), table_bytes(n));
	if (p == NULL)
		return NULL;
	p[old_n].ptr = 0;
	rehash(p, old_n, n);
	return p;
}

/* Keeps errno, like every path of the table that can make a call that
 * sets it: the allocation entry points do not save it on their cached
 * path. */
static int
slots_grow(void)
{
	size_t n = dhat__live_nslots ? dhat__live_nslots +
	    dhat__live_nslots / 2 : 4096, i;
	int e = errno;
	struct dhat__live_slot *t;

	if (dhat__live_slots != NULL && !lt.odd_keys) {
		t = table_extend(dhat__live_slots, dhat__live_nslots, n);
	} else {
		/* The first table, or odd keys, which rehash cannot move:
		 * a copy. */
		t = slots_new(n);
		for (i = 0; t != NULL && i < dhat__live_nslots; i++)
			if (dhat__live_slots[i].ptr != 0)
				slot_place(t, n, &dhat__live_slots[i]);
		if (t != NULL)
			slots_free(dhat__live_slots, dhat__live_nslots);
	}
	errno = e;
	if (t == NULL)
		return -1;
	t[n].ptr = END;
	__atomic_store_n(&dhat__live_slots, (void *)t, __ATOMIC_RELAXED);
	__atomic_store_n(&dhat__live_nslots, n, __ATOMIC_RELAXED);
	return 0;
}

/* PTR's slot, or the empty slot that ends its probe. */
static inline struct dhat__live_slot *
probe(uintptr_t ptr)
{
	struct dhat__live_slot *s = dhat__live_slots +
	    dhat__live_home(ptr, dhat__live_nslots);
	uintptr_t k;

	for (;;) {
		k = s->ptr;
		if (k == ptr)
			return s;
		if (k <= END) {
			if (k == 0)
				return s;
			s = dhat__live_slots;
			continue;
		}
		s++;
	}
}

static void
to_block(const struct dhat__live_slot *s, struct dhat__block *b)
{
	b->ptr = s->ptr;
	b->time = 0;
	b->pp = s->pp;
	b->size = s->size == BIG ? big_take(s->ptr) : s->size;
	b->gen = 0;
}

/* Remove slot J and shift the following cluster back over the hole. */
static void
erase(size_t j)
{
	size_t i = j, h;
	uintptr_t k;

	dhat__live_slots[i].ptr = 0;
	for (;;) {
		k = dhat__live_slots[++j].ptr;
		if (DHAT__UNLIKELY(k == END)) {
			j = 0;
			k = dhat__live_slots[0].ptr;
		}
		if (k == 0)
			return;
		h = dhat__live_home(k, dhat__live_nslots);
		/* Can slot j fill the hole at i?  Not when its home is
		 * cyclically inside (i, j]. */
		if (i < j ? (i < h && h <= j) : (i < h || h <= j))
			continue;
		dhat__live_slots[i] = dhat__live_slots[j];
		dhat__live_slots[j].ptr = 0;
		i = j;
	}
}

int
dhat__live_make_room(size_t size)
{
	if (too_full(1) && slots_grow() < 0)
		return -1;
	if (size >= BIG && lt.nbigs == lt.capbigs) {
		size_t cap = lt.capbigs ? lt.capbigs * 2 : 16;
		int e = errno;
		struct big *b = dhat__realloc(lt.bigs, cap * sizeof *b);

		errno = e;
		if (b == NULL)
			return -1;
		lt.bigs = b;
		lt.capbigs = cap;
	}
	return 0;
}

/* The rare cases of an insert into slot E, before it is written: a size
 * for the side list, a pointer already present (a free we never saw: its
 * record goes to OLD and the slot is reused), an odd pointer. */
static __attribute__((noinline)) int
insert_slow(const struct dhat__block *b, struct dhat__live_slot *e,
    struct dhat__block *old, bool *had_old)
{
	if (b->ptr & MOVED)
		lt.odd_keys = true;
	if (e->ptr != 0) {
		to_block(e, old);
		*had_old = true;
	}
	if (b->size >= BIG && big_put(b->ptr, b->size) < 0) {
		if (*had_old)
			erase((size_t)(e - dhat__live_slots));
		return -1;
	}
	return 0;
}

int
dhat__live_insert(const struct dhat__block *b, struct dhat__block *old,
    bool *had_old)
{
	struct dhat__live_slot *e;

	*had_old = false;
	/* The pointer may be present: grow anyway. */
	if (DHAT__UNLIKELY(dhat__live_nslots == 0 || too_full(0)) && slots_grow() < 0)
		return -1;
	if (DHAT__UNLIKELY(b->ptr <= END))
		return -1;
	e = probe(b->ptr);
	if (DHAT__UNLIKELY(e->ptr != 0 || (b->ptr & MOVED) ||
	    b->size >= BIG) && insert_slow(b, e, old, had_old) < 0)
		return -1;
	e->ptr = b->ptr;
	e->pp = b->pp;
	e->size = b->size >= BIG ? BIG : (uint32_t)b->size;
	return 0;
}

bool
dhat__live_remove(uintptr_t ptr, struct dhat__block *out)
{
	struct dhat__live_slot *e;

	if (dhat__live_nslots == 0)
		return false;
	e = probe(ptr);
	if (e->ptr == 0)
		return false;
	to_block(e, out);
	erase((size_t)(e - dhat__live_slots));
	return true;
}

bool
dhat__live_has(uintptr_t ptr)
{
	return dhat__live_holds(ptr);
}

size_t
dhat__live_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < dhat__live_nslots; i++)
		n += dhat__live_slots[i].ptr != 0;
	return n;
}

void
dhat__live_reset(void)
{
	slots_free(dhat__live_slots, dhat__live_nslots);
	dhat__own_free(lt.bigs);
	__atomic_store_n(&dhat__live_slots, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&dhat__live_nslots, 0, __ATOMIC_RELAXED);
	lt.bigs = NULL;
	lt.nbigs = lt.capbigs = 0;
	lt.odd_keys = false;
}
