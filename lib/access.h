/* SPDX-License-Identifier: MIT */
/*
 * access.h - how the program uses its heap blocks, for programs compiled
 * to report their loads and stores (libdhat-access): bytes read and
 * written per block and per program point, and per-offset counts for
 * blocks of at most DHAT__ACC_MAX bytes (access.c).
 */
#ifndef DHAT_ACCESS_H
#define DHAT_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Blocks up to this size keep a count per byte, as Valgrind's DHAT. */
#define DHAT__ACC_MAX 1024
/* Counts latch there (Valgrind's viewer refuses larger ones). */
#define DHAT__ACC_LATCH 65535

/*
 * The shadow: 8 bytes of address space per number, 4 MiB of it per
 * region (access.c).  A region's entry is NULL (no block was ever there),
 * the address of its numbers, or, for a region that lies wholly inside
 * one block, that block's number shifted left once with the low bit set.
 */
#define DHAT__ACC_GRAIN_SHIFT 3
#define DHAT__ACC_REGION_SHIFT 22
#define DHAT__ACC_REGION_GRAINS \
	(UINT64_C(1) << (DHAT__ACC_REGION_SHIFT - DHAT__ACC_GRAIN_SHIFT))

/* A live block's record. */
struct dhat__acc_record {
	uintptr_t base;           /* 0: free */
	size_t size;              /* when free: the next free record */
	uint64_t rb, wb;
	uint16_t *acc;            /* per byte, for DHAT__ACC_MAX bytes or less */
	uint32_t pp;
};

/* What an access reads: exported from libdhat for libdhat-access, which
 * counts every access inline (dhat__access_count). */
struct dhat__acc_state {
	int on;                   /* a heap profiler counts accesses */
	uintptr_t *top;           /* each region's entry */
	struct dhat__acc_record *rec;
};
extern struct dhat__acc_state dhat__acc;

static inline bool
dhat__access_counting(void)
{
	return __atomic_load_n(&dhat__acc.on, __ATOMIC_RELAXED) != 0;
}

/* A's offset in record R's block, or SIZE_MAX when A is not in it (a free
 * record's base is 0). */
static inline __attribute__((always_inline)) uintptr_t
dhat__access_offset(const struct dhat__acc_record *r, uintptr_t a)
{
	uintptr_t base = __atomic_load_n(&r->base, __ATOMIC_ACQUIRE);

	return base != 0 && a - base < r->size ? a - base : SIZE_MAX;
}

/* The record number the shadow holds for A; 0: none. */
static inline __attribute__((always_inline)) uint32_t
dhat__access_number(uintptr_t a)
{
	uintptr_t e;

	if (a >> 47 != 0)
		return 0;
	e = __atomic_load_n(&dhat__acc.top[a >> DHAT__ACC_REGION_SHIFT],
	    __ATOMIC_ACQUIRE);
	if (e == 0)
		return 0;
	return (e & 1) != 0 ? (uint32_t)(e >> 1) : ((const uint32_t *)e)[
	    (a >> DHAT__ACC_GRAIN_SHIFT) & (DHAT__ACC_REGION_GRAINS - 1)];
}

/* The record of the live block that holds A, and A's offset in it, or
 * NULL.  *LAST: the thread's block of the previous access, tried first,
 * since accesses come in runs on one block. */
static inline __attribute__((always_inline)) struct dhat__acc_record *
dhat__access_find(uintptr_t a, uintptr_t *off,
    struct dhat__acc_record **last)
{
	struct dhat__acc_record *r = *last;
	uint32_t id;

	if (r != NULL && (*off = dhat__access_offset(r, a)) != SIZE_MAX)
		return r;
	if ((id = dhat__access_number(a)) == 0)
		return NULL;
	r = &dhat__acc.rec[id];
	if ((*off = dhat__access_offset(r, a)) == SIZE_MAX)
		return NULL;
	*last = r;
	return r;
}

/* N bytes at A read (WRITE false) or written: counted in their block,
 * clipped to its end, without a lock (two threads on one block at the
 * same instant may lose a count). */
static inline __attribute__((always_inline)) void
dhat__access_count(uintptr_t a, size_t n, bool write,
    struct dhat__acc_record **last)
{
	struct dhat__acc_record *r;
	uint16_t *acc;
	uintptr_t off;

	if (!dhat__access_counting() ||
	    (r = dhat__access_find(a, &off, last)) == NULL)
		return;
	if (n > r->size - off)
		n = r->size - off;
	if (write)
		r->wb += n;
	else
		r->rb += n;
	if ((acc = r->acc) != NULL)
		for (size_t i = off; i < off + n; i++)
			if (acc[i] != DHAT__ACC_LATCH)
				acc[i]++;
}

/* Blocks made and freed by the program (the entry points): P, of N
 * bytes, counted by the heap under program point PP of the table of
 * EPOCH (dhat__pp_epoch when the heap counted it). */
void dhat__access_alloc(void *p, size_t n, uint32_t pp, uint64_t epoch);
void dhat__access_free(void *p);

/* A block being reallocated: its record taken out of the shadow before
 * the allocator may give its address to another thread (detach, true
 * when there was one), then given to the block that results (attach,
 * also after a failure, at the old address and size), or counted as freed
 * (retire). */
struct dhat__acc_held {
	uint64_t rb, wb, epoch;
	uint16_t *acc;
	size_t size;
	uint32_t pp;
};
bool dhat__access_detach(void *old, struct dhat__acc_held *h);
/* H's block back as it was (a realloc that failed, a resize in place
 * that did not change the size), at P. */
void dhat__access_attach(void *p, struct dhat__acc_held *h);
/* H's block resized to N bytes at P (see access.c). */
void dhat__access_resized(void *p, size_t n, struct dhat__acc_held *h);
void dhat__access_retire(struct dhat__acc_held *h);

/* fork(): the module's lock held across it (the profiler's fork
 * handlers). */
void dhat__access_fork_prepare(void);
void dhat__access_fork_parent(void);
void dhat__access_fork_child(void);

/* A profiler starts: every record forgotten; accesses counted from now
 * on when WANTED (libdhat-access is loaded and the profile is a heap
 * one).  Returns whether they are. */
bool dhat__access_start(bool wanted);
/* The profiler stops counting. */
void dhat__access_stop(void);

/* A program point's access figures. */
struct dhat__pp_access {
	uint64_t rb, wb;
	size_t xsize;        /* the size of every block, 0: none yet,
			      * SIZE_MAX: sizes differ or too large */
	uint16_t *acc;       /* xsize counts, NULL without */
};

/* The figures of program points 0..N-1, live blocks included, into a
 * new array (dhat__access_free_figures); NULL when out of memory or when
 * no accesses were counted.  *LOST: the blocks whose accesses could not
 * be counted, for want of memory.  Under the profiler's lock. */
struct dhat__pp_access *dhat__access_figures(size_t n, uint64_t *lost);
void dhat__access_free_figures(struct dhat__pp_access *v, size_t n);
/* Adds S's figures to *D, as two program points merged. */
void dhat__access_merge(struct dhat__pp_access *d,
    const struct dhat__pp_access *s);

/* libdhat-access's mark, looked up when a heap profiler starts. */
void dhat__access_library(void);

#endif
