/* SPDX-License-Identifier: MIT */
/*
 * spare.c - memory for writing a profile when glibc's allocator cannot
 * be used: the thread that crashed inside it (a heap that glibc found
 * corrupted, a double free) may hold its lock, and the heap itself may
 * be broken.
 *
 * While a thread has turned it on, everything that thread allocates with
 * the guard set (libdhat's own allocations, and the symbolizer's and the
 * unwinder's through the entry points) comes from pages mapped here, one
 * after the other, and is never given back: the process is about to end.
 * Freeing anything is then a no-op, and glibc's blocks are left alone.
 */
#include "config.h"

#include <malloc.h>
#include <string.h>
#include <sys/mman.h>

#include "dhat_private.h"

/* Each allocation is preceded by its size, and aligned to 16 bytes. */
#define HEAD 16
#define CHUNK (4u << 20)

__thread int dhat__spare_on __attribute__((tls_model("initial-exec")));

static struct {
	char *next, *end;      /* the current chunk's free part */
	struct range {
		uintptr_t lo, hi;
	} chunks[64];          /* every chunk mapped, for dhat__spare_owns */
	int nchunks;
} spare;

void
dhat__spare_begin(void)
{
	dhat__spare_on = 1;
}

bool
dhat__spare_owns(const void *p)
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

/* The usable size of P: its own record, or glibc's (read without a
 * lock). */
static size_t
size_of(void *p)
{
	size_t n;

	if (!dhat__spare_owns(p))
		return malloc_usable_size(p);
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
