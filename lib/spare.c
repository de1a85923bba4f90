/* SPDX-License-Identifier: MIT */
/*
 * spare.c - memory kept for writing a profile when the program has none
 * left, or when glibc's allocator cannot be used.
 *
 * The reserve.  A program that runs out of address space (RLIMIT_AS, a
 * 32-bit process) leaves none for the writer's tables and for the
 * symbolizer, which maps the modules' files.  So address space is set
 * aside while the profiler runs, mapped without access (it costs no
 * memory), and grown with the program points; it is given back just
 * before the profile is written at the end.
 *
 * The spare pages.  A thread that crashed inside glibc's allocator (a
 * heap that glibc found corrupted, a double free) may hold its lock, and
 * the heap itself may be broken.  While such a thread writes the profile,
 * everything it allocates with the guard set (libdhat's own allocations,
 * and the symbolizer's and the unwinder's through the entry points) comes
 * from pages mapped here, one after the other, and nothing is given back:
 * the process is about to end.  Freeing is then a no-op, and glibc's
 * blocks are left alone.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "memory.h"

/* Each allocation is preceded by its size, and aligned to 16 bytes. */
#define HEAD 16
#define CHUNK (4u << 20)
/* The reserve: a base for the symbolizer's mappings and the writer's
 * first tables, and so much per program point. */
#define RESERVE_BASE ((size_t)64 << 20)
#define RESERVE_PER_PP ((size_t)512)

__thread int dhat__own_from __attribute__((tls_model("initial-exec")));

static struct {
	void *reserve;         /* address space set aside, or NULL */
	size_t reserved;
	char *next, *end;      /* the current chunk's free part */
	struct range {
		uintptr_t lo, hi;
	} chunks[64];          /* every chunk mapped, for dhat__spare_owns */
	int nchunks;
} spare;

void
dhat__spare_begin(void)
{
	dhat__own_from = DHAT__OWN_SPARE;
}

/* P lies in the spare pages. */
static bool
owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	for (int i = 0; i < spare.nchunks; i++)
		if (a >= spare.chunks[i].lo && a < spare.chunks[i].hi)
			return true;
	return false;
}

static bool
new_chunk(size_t need)
{
	size_t size = need > CHUNK ? need : CHUNK;
	void *m;

	if (spare.nchunks == (int)(sizeof(spare.chunks) /
	    sizeof(spare.chunks[0])))
		return false;
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	spare.next = m;
	spare.end = spare.next + size;
	spare.chunks[spare.nchunks].lo = (uintptr_t)m;
	spare.chunks[spare.nchunks].hi = (uintptr_t)spare.end;
	spare.nchunks++;
	return true;
}

void *
dhat__spare_alloc(size_t n, size_t align)
{
	size_t need;
	uintptr_t at;
	char *p;

	if (align < HEAD)
		align = HEAD;
	if (n > SIZE_MAX / 2 || (align & (align - 1)) != 0)
		return NULL;
	need = HEAD + align + ((n + 15) & ~(size_t)15);
	if ((size_t)(spare.end - spare.next) < need && !new_chunk(need))
		return NULL;
	at = ((uintptr_t)spare.next + HEAD + align - 1) & ~(uintptr_t)(align - 1);
	p = (char *)at;
	memcpy(p - sizeof(size_t), &n, sizeof(size_t));
	spare.next = p + ((n + 15) & ~(size_t)15);
	return p;
}

/* The usable size of P: its own record, or the allocator's (glibc's is
 * read without a lock). */
static size_t
size_of(void *p)
{
	size_t n;

	if (!owns(p))
		return dhat__next_usable(p);
	memcpy(&n, (char *)p - sizeof(size_t), sizeof(size_t));
	return n;
}

void *
dhat__spare_realloc(void *p, size_t n)
{
	void *q = dhat__spare_alloc(n, 16);
	size_t old;

	if (q == NULL || p == NULL)
		return q;
	old = size_of(p);
	memcpy(q, p, old < n ? old : n);
	return q;
}

/* ---- the reserve ------------------------------------------------------- */

void
dhat__reserve_want(size_t npps)
{
	size_t want = RESERVE_BASE, step;
	void *m;

	if (npps > (SIZE_MAX - want) / RESERVE_PER_PP)
		return;
	want += npps * RESERVE_PER_PP;
	if (want <= spare.reserved)
		return;
	/* Grow by halves at least: a few mappings over a profile's life. */
	step = spare.reserved + spare.reserved / 2;
	if (step < want)
		step = want;
	m = mmap(NULL, step, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
	    MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return;    /* best effort: the program's needs come first */
	if (spare.reserve != NULL)
		munmap(spare.reserve, spare.reserved);
	spare.reserve = m;
	spare.reserved = step;
}

void
dhat__reserve_release(void)
{
	if (spare.reserve != NULL)
		munmap(spare.reserve, spare.reserved);
	spare.reserve = NULL;
	spare.reserved = 0;
}
