/* SPDX-License-Identifier: MIT */
/*
 * access.c - the bytes a program reads and writes in its heap blocks, as
 * Valgrind's DHAT counts them, for programs compiled to report every load
 * and store (libdhat-access, tsan.c).
 *
 * An access must find its block at once: a shadow of the address space
 * holds, for every 8 bytes of a live block, the block's record number.
 * Blocks are at least 8-byte aligned, so no 8 bytes belong to two of
 * them.  The shadow has two levels: 4 MiB of address space per entry of
 * the first, its numbers (2 MiB) mapped on first use; an access outside
 * every such region (the stack, most globals) costs one load.  A region
 * that lies wholly inside one block holds that block's number in its
 * entry instead, so a block of gigabytes costs one entry per 4 MiB.  A
 * freed block leaves its numbers behind: a record says where its block
 * lies, and an access outside it is no block's, so a free costs nothing
 * in the shadow.  Numbers are never unmapped: an access may be reading
 * them at any time.
 *
 * Records live in one array reserved up front (only what is used is ever
 * backed by memory).  An access changes only its own block's record,
 * without a lock: two threads that touch the same block at the same
 * instant may lose a count, as plain counters do.  Blocks are made and
 * retired under a spin lock of this module; a retired block's figures go
 * to its program point's, which at the end take the live blocks' too.
 * When a profiler starts, the per-byte counts of the blocks then live
 * are freed only at the next start: another thread may still be adding
 * to them.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "access.h"
#include "lock.h"
#include "memory.h"
#include "pp_table.h"
#include "stack.h"

#define TOP_ENTRIES (UINT64_C(1) << (47 - DHAT__ACC_REGION_SHIFT))
#define MAX_RECORDS (UINT32_C(1) << 26)

#define record dhat__acc_record

/* What the entry points read on every access (access.h). */
__attribute__((visibility("default"))) struct dhat__acc_state dhat__acc;

static struct {
	uint32_t used;            /* records handed out so far (0 unused) */
	uint64_t lost;            /* blocks not recorded: no memory */
	uint32_t free_list;       /* 0: empty */
	struct dhat__pp_access *pps;
	size_t npps;
	uint16_t **grave;         /* per-byte counts to free at the next start */
	size_t ngrave;
	int lock;
	bool reserved;
} ac;

static void
ac_lock(void)
{
	while (__atomic_exchange_n(&ac.lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&ac.lock, __ATOMIC_RELAXED))
			DHAT__CPU_RELAX();
}

static void
ac_unlock(void)
{
	__atomic_store_n(&ac.lock, 0, __ATOMIC_RELEASE);
}

static void *
reserve(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The numbers of ADDR's region, made (from whatever its entry held) when
 * missing; NULL when out of memory. */
static uint32_t *
numbers(uintptr_t addr)
{
	uintptr_t *slot = &dhat__acc.top[addr >> DHAT__ACC_REGION_SHIFT];
	uintptr_t e = *slot;
	uint32_t *r;

	if (e != 0 && (e & 1) == 0)
		return (uint32_t *)e;
	r = reserve(DHAT__ACC_REGION_GRAINS * sizeof *r);
	if (r == NULL)
		return NULL;
	/* A whole-region entry belonged to a block that is gone: the new
	 * block is in its region.  Its numbers are not carried over. */
	__atomic_store_n(slot, (uintptr_t)r, __ATOMIC_RELEASE);
	return r;
}

/* Record ID's number over [P, P + N) in the shadow; false when out of
 * memory.  Regions wholly inside take the number in their entry, unless
 * they have numbers already (a block that was there before). */
static bool
paint(uintptr_t p, size_t n, uint32_t id)
{
	uintptr_t a = p, end = p + n;

	while (a < end) {
		uintptr_t lo = a >> DHAT__ACC_REGION_SHIFT << DHAT__ACC_REGION_SHIFT;
		uintptr_t stop = lo + (UINT64_C(1) << DHAT__ACC_REGION_SHIFT);
		uintptr_t *slot = &dhat__acc.top[a >> DHAT__ACC_REGION_SHIFT];
		uint32_t *r;

		if (stop > end)
			stop = end;
		if (a == lo && stop - lo == (UINT64_C(1) << DHAT__ACC_REGION_SHIFT)
		    && (*slot == 0 || (*slot & 1) != 0)) {
			__atomic_store_n(slot, (uintptr_t)id << 1 | 1,
			    __ATOMIC_RELEASE);
			a = stop;
			continue;
		}
		if ((r = numbers(a)) == NULL)
			return false;
		for (uintptr_t g = a >> DHAT__ACC_GRAIN_SHIFT;
		    g <= (stop - 1) >> DHAT__ACC_GRAIN_SHIFT; g++)
			r[g & (DHAT__ACC_REGION_GRAINS - 1)] = id;
		a = stop;
	}
	return true;
}

/* The record of the block that starts at P, or NULL. */
static struct record *
record_at(uintptr_t p)
{
	uint32_t id;

	if (dhat__acc.rec == NULL || (id = dhat__access_number(p)) == 0 ||
	    dhat__acc.rec[id].base != p)
		return NULL;
	return &dhat__acc.rec[id];
}

static uint32_t
record_new(void)
{
	uint32_t id = ac.free_list;

	if (id != 0) {
		ac.free_list = (uint32_t)dhat__acc.rec[id].size;
		return id;
	}
	if (ac.used + 1 >= MAX_RECORDS)
		return 0;
	return ++ac.used;
}

/* Record ID back on the free list (its block gone, or never made). */
static void
record_free(uint32_t id)
{
	__atomic_store_n(&dhat__acc.rec[id].base, 0, __ATOMIC_RELEASE);
	dhat__acc.rec[id].size = ac.free_list;
	ac.free_list = id;
}

/* The program point's figures, grown to hold PP; NULL when out of
 * memory. */
static struct dhat__pp_access *
pp_figures(uint32_t pp)
{
	if (pp >= dhat__pp_count())
		return NULL;
	if (pp >= ac.npps) {
		size_t n = ac.npps ? ac.npps : 1024;
		struct dhat__pp_access *v;

		while (n <= pp)
			n *= 2;
		v = dhat__realloc(ac.pps, n * sizeof *v);
		if (v == NULL)
			return NULL;
		memset(v + ac.npps, 0, (n - ac.npps) * sizeof *v);
		ac.pps = v;
		ac.npps = n;
	}
	return &ac.pps[pp];
}

static uint16_t
latch_add(uint32_t a, uint32_t b)
{
	return a + b > DHAT__ACC_LATCH ? DHAT__ACC_LATCH : (uint16_t)(a + b);
}

/*
 * A block of SIZE bytes with counts ACC (NULL: none kept) added to *D,
 * as Valgrind's DHAT does: the first block sets the program point's size
 * (and its counts per byte, when that block had them); a block of
 * another size, or SIZE_MAX (program points of several sizes, merged),
 * drops them for good; a block of the same size without counts adds
 * none.
 */
static void
add_block(struct dhat__pp_access *d, uint64_t rb, uint64_t wb, size_t size,
    const uint16_t *acc)
{
	d->rb += rb;
	d->wb += wb;
	if (d->xsize == SIZE_MAX)
		return;
	if (size == SIZE_MAX || (d->xsize != 0 && d->xsize != size)) {
		d->xsize = SIZE_MAX;
		dhat__own_free(d->acc);
		d->acc = NULL;
		return;
	}
	if (d->xsize == 0) {
		d->xsize = size;
		if (acc != NULL)
			d->acc = dhat__calloc(size, sizeof *d->acc);
	}
	if (d->acc == NULL || acc == NULL)
		return;
	for (size_t i = 0; i < size; i++)
		d->acc[i] = latch_add(d->acc[i], acc[i]);
}

void
dhat__access_merge(struct dhat__pp_access *d, const struct dhat__pp_access *s)
{
	if (s->xsize == 0) {
		d->rb += s->rb;
		d->wb += s->wb;
		return;
	}
	add_block(d, s->rb, s->wb, s->xsize, s->acc);
}

/* A record for P, of N bytes, at program point PP, with counts RB, WB
 * and counts per byte ACC (NULL: none; taken over, freed on failure),
 * made under the lock.  The block is counted as lost when out of
 * memory. */
static void
record_block(uintptr_t p, size_t n, uint32_t pp, uint64_t rb, uint64_t wb,
    uint16_t *acc)
{
	struct record *r;
	uint32_t id;

	if ((id = record_new()) == 0) {
		dhat__own_free(acc);
		ac.lost++;
		return;
	}
	r = &dhat__acc.rec[id];
	r->base = 0;
	r->size = n;
	r->rb = rb;
	r->wb = wb;
	r->pp = pp;
	r->acc = acc;
	if (!paint(p, n, id)) {
		dhat__own_free(r->acc);
		r->acc = NULL;
		record_free(id);
		ac.lost++;
		return;
	}
	/* Last: an access sees the block only once it is complete. */
	__atomic_store_n(&r->base, p, __ATOMIC_RELEASE);
}

/* Whether a block counted under program point PP of the table of EPOCH
 * belongs to the profile that counts now.  Under the lock. */
static bool
current(uint32_t pp, uint64_t epoch)
{
	return __atomic_load_n(&dhat__acc.on, __ATOMIC_RELAXED) &&
	    pp != DHAT__PP_NONE &&
	    epoch == __atomic_load_n(&dhat__pp_epoch, __ATOMIC_ACQUIRE);
}

void
dhat__access_alloc(void *p, size_t n, uint32_t pp, uint64_t epoch)
{
	uint16_t *acc = NULL;

	if (n == 0 || (uintptr_t)p >> 47 != 0)
		return;
	ac_lock();
	/* Counts per byte for the blocks small enough to have them. */
	if (!current(pp, epoch))
		;
	else if (n <= DHAT__ACC_MAX &&
	    (acc = dhat__calloc(n, sizeof *acc)) == NULL)
		ac.lost++;
	else
		record_block((uintptr_t)p, n, pp, 0, 0, acc);
	ac_unlock();
}

/* Record R's block is gone: its counts into *H, R freed. */
static void
take_out(struct record *r, struct dhat__acc_held *h)
{
	h->rb = r->rb;
	h->wb = r->wb;
	h->acc = r->acc;
	h->size = r->size;
	h->pp = r->pp;
	h->epoch = __atomic_load_n(&dhat__pp_epoch, __ATOMIC_ACQUIRE);
	r->acc = NULL;
	record_free((uint32_t)(r - dhat__acc.rec));
}

/* A block's counts H, gone, to its program point's; H's per-byte counts
 * freed.  Under the lock. */
static void
retire_held(struct dhat__acc_held *h)
{
	struct dhat__pp_access *d;

	if (current(h->pp, h->epoch) && (d = pp_figures(h->pp)) != NULL)
		add_block(d, h->rb, h->wb, h->size, h->acc);
	else if (current(h->pp, h->epoch))
		ac.lost++;
	dhat__own_free(h->acc);
	h->acc = NULL;
}

void
dhat__access_free(void *p)
{
	struct dhat__acc_held h;
	struct record *r;

	ac_lock();
	if ((r = record_at((uintptr_t)p)) != NULL) {
		take_out(r, &h);
		retire_held(&h);
	}
	ac_unlock();
}

bool
dhat__access_detach(void *old, struct dhat__acc_held *h)
{
	struct record *r;
	bool had = false;

	ac_lock();
	if ((r = record_at((uintptr_t)old)) != NULL) {
		take_out(r, h);
		had = true;
	}
	ac_unlock();
	return had;
}

/* H's block back, at P and of N bytes: with its counts per byte when
 * it kept its size (KEEP), else with the copy that resizing implies. */
static void
attach(void *p, size_t n, struct dhat__acc_held *h, bool keep)
{
	uint64_t both = n < h->size ? n : h->size;

	ac_lock();
	if (current(h->pp, h->epoch) && n > 0 && keep) {
		record_block((uintptr_t)p, n, h->pp, h->rb, h->wb, h->acc);
		h->acc = NULL;
	} else if (current(h->pp, h->epoch) && n > 0) {
		record_block((uintptr_t)p, n, h->pp, h->rb + both,
		    h->wb + both, NULL);
	}
	dhat__own_free(h->acc);
	h->acc = NULL;
	ac_unlock();
}

void
dhat__access_attach(void *p, struct dhat__acc_held *h)
{
	attach(p, h->size, h, true);
}

/*
 * As Valgrind's DHAT counts a realloc: the bytes that the old and the new
 * size share are read and written once more, as if copied whether or not
 * the block moved, and the counts per byte are dropped for good (the
 * program point may then have none).
 */
void
dhat__access_resized(void *p, size_t n, struct dhat__acc_held *h)
{
	attach(p, n, h, false);
}

void
dhat__access_retire(struct dhat__acc_held *h)
{
	ac_lock();
	retire_held(h);
	ac_unlock();
}

void
dhat__access_fork_prepare(void)
{
	ac_lock();
}

void
dhat__access_fork_parent(void)
{
	ac_unlock();
}

void
dhat__access_fork_child(void)
{
	__atomic_store_n(&ac.lock, 0, __ATOMIC_RELEASE);
}

/* The per-byte counts of the live records, put aside until the next
 * start (another thread may be adding to them now), and the previous
 * start's freed.  Under the lock. */
static void
bury(void)
{
	size_t n = 0;

	for (size_t i = 0; i < ac.ngrave; i++)
		dhat__own_free(ac.grave[i]);
	dhat__own_free(ac.grave);
	ac.grave = NULL;
	ac.ngrave = 0;
	for (uint32_t id = 1; id <= ac.used; id++)
		n += dhat__acc.rec[id].acc != NULL;
	if (n > 0)
		ac.grave = dhat__own_malloc(n * sizeof *ac.grave);
	for (uint32_t id = 1; id <= ac.used; id++) {
		struct record *r = &dhat__acc.rec[id];

		__atomic_store_n(&r->base, 0, __ATOMIC_RELEASE);
		if (r->acc != NULL && ac.grave != NULL)
			ac.grave[ac.ngrave++] = r->acc;
		else
			dhat__own_free(r->acc);
		r->acc = NULL;
	}
}

bool
dhat__access_start(bool wanted)
{
	ac_lock();
	if (wanted && !ac.reserved) {
		ac.reserved = true;
		dhat__acc.top = reserve(TOP_ENTRIES * sizeof *dhat__acc.top);
		dhat__acc.rec = reserve((size_t)MAX_RECORDS * sizeof *dhat__acc.rec);
		if (dhat__acc.top == NULL || dhat__acc.rec == NULL)
			dhat__acc.top = NULL, dhat__acc.rec = NULL;
	}
	if (dhat__acc.rec != NULL)
		bury();
	ac.used = 0;
	ac.free_list = 0;
	ac.lost = 0;
	for (size_t i = 0; i < ac.npps; i++)
		dhat__own_free(ac.pps[i].acc);
	dhat__own_free(ac.pps);
	ac.pps = NULL;
	ac.npps = 0;
	wanted = wanted && dhat__acc.rec != NULL;
	__atomic_store_n(&dhat__acc.on, wanted, __ATOMIC_RELAXED);
	ac_unlock();
	return wanted;
}

void
dhat__access_stop(void)
{
	__atomic_store_n(&dhat__acc.on, 0, __ATOMIC_RELAXED);
}

struct dhat__pp_access *
dhat__access_figures(size_t n, uint64_t *lost)
{
	struct dhat__pp_access *v;

	if (dhat__acc.rec == NULL || n == 0 ||
	    !__atomic_load_n(&dhat__acc.on, __ATOMIC_RELAXED))
		return NULL;
	v = dhat__calloc(n, sizeof *v);
	if (v == NULL)
		return NULL;
	ac_lock();
	*lost = ac.lost;
	for (size_t i = 0; i < n && i < ac.npps; i++)
		dhat__access_merge(&v[i], &ac.pps[i]);
	for (uint32_t id = 1; id <= ac.used; id++) {
		struct record *r = &dhat__acc.rec[id];

		if (r->base != 0 && r->pp < n)
			add_block(&v[r->pp], r->rb, r->wb, r->size, r->acc);
	}
	ac_unlock();
	return v;
}

void
dhat__access_free_figures(struct dhat__pp_access *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		dhat__own_free(v[i].acc);
	dhat__own_free(v);
}
