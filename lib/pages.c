/* SPDX-License-Identifier: MIT */
/*
 * pages.c - libdhat's tables in pages of their own.
 *
 * What libdhat keeps while the program runs (program points and their
 * stacks, the live blocks, unwind rules, stack caches, the threads'
 * logs) is mapped here, never taken from the program's heap.  Blocks of
 * the profiler's among the program's would change how its allocator
 * lays out, grows and trims the heap: with a few tables there, glibc
 * gives memory back to the kernel and takes it again 14 times as often
 * in bench/allocbench.c.  And glibc's allocator serves a large request
 * from a mapping of its own, and on freeing one raises its threshold
 * for later requests: a profiler table freed there would change where
 * every later large block of the program comes from.
 *
 * Sizes are rounded to whole pages.  From 2 MiB on huge pages are
 * asked for: the big tables are read at random, and with 4 KiB pages
 * nearly every read of a table of a million entries also misses the
 * TLB.  The kernel backs each whole 2 MiB of the mapping with one; the
 * rest keeps small pages, rather than a table just past a multiple of
 * 2 MiB taking a huge page for its last few bytes.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "memory.h"
#include "pages.h"

#define PAGE ((size_t)4096)
#define HUGE ((size_t)2 << 20)

/* The size of the mapping that holds BYTES (0 when it would overflow). */
static size_t
mapped(size_t bytes)
{
	if (bytes > SIZE_MAX - PAGE)
		return 0;
	return (bytes + PAGE - 1) & ~(PAGE - 1);
}

/* What mmap or mremap gave for SIZE bytes, NULL when it failed, with
 * huge pages asked for from 2 MiB on; errno back to E either way. */
static void *
settle(void *p, size_t size, int e)
{
	if (p == MAP_FAILED)
		p = NULL;
	else if (size >= HUGE)
		(void)madvise(p, size, MADV_HUGEPAGE);
	errno = e;
	return p;
}

void *
dhat__pages_new(size_t bytes)
{
	size_t size = mapped(bytes);
	int e = errno;

	if (DHAT__FAULT() || size == 0)
		return NULL;
	return settle(mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), size, e);
}

void *
dhat__pages_resize(void *p, size_t old, size_t bytes)
{
	size_t from = mapped(old), size = mapped(bytes);
	int e = errno;

	if (p == NULL)
		return dhat__pages_new(bytes);
	if (bytes <= old)
		return p;
	if (DHAT__FAULT() || size == 0)
		return NULL;
	if (size == from)
		return p;
	/* The kernel moves the pages, or just extends the mapping: nothing
	 * is copied, and the new part is fresh zeroed pages. */
	return settle(mremap(p, from, size, MREMAP_MAYMOVE), size, e);
}

void
dhat__pages_free(void *p, size_t bytes)
{
	int e = errno;

	if (p != NULL)
		(void)munmap(p, mapped(bytes));
	errno = e;
}
