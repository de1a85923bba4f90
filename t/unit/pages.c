/* SPDX-License-Identifier: MIT */
/*
 * pages.c - libdhat's own pages (lib/pages.c): fresh pages are zeroed
 * and page-aligned, a table grown keeps its contents and gets zeroes
 * past them, from 2 MiB on huge pages are asked for, a failure leaves
 * the table as it was, errno is never changed, and none of it touches
 * the program's heap.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pages.h"
#include "tap.h"

/* Every byte of P[FROM..TO) is zero. */
static bool
zero(const unsigned char *p, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void
fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 1);
}

static bool
filled(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + 1))
			return false;
	return true;
}

/* Whether the page at P is mapped. */
static bool
mapped(const void *p)
{
	return msync((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096,
	    MS_ASYNC) == 0;
}

/* Whether /proc/self/smaps shows the mapping at P advised for huge
 * pages (VmFlags "hg"). */
static bool
advised_huge(const void *p)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long lo, hi;
	bool in = false, hg = false;

	if (f == NULL)
		return false;
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = lo <= (uintptr_t)p && (uintptr_t)p < hi;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			hg = strstr(line, " hg") != NULL;
	}
	fclose(f);
	return hg;
}

int
main(void)
{
	size_t big = (size_t)3 << 20;
	struct mallinfo2 before, after;
	unsigned char *p, *q, *r;
	bool fresh, aligned, kept, zeroes, same, big_kept, fail_kept, no_size;
	int e_calls, e_free;

	plan(14);
	/* The calls first, with nothing else that could allocate or set
	 * errno; what they gave is checked after. */
	errno = 1234;
	before = mallinfo2();
	p = dhat__pages_new(10000);
	aligned = p != NULL && ((uintptr_t)p & 4095) == 0;
	fresh = p != NULL && zero(p, 0, 12288);
	if (p == NULL)
		bail("no pages");
	fill(p, 10000);
	q = dhat__pages_resize(p, 10000, 100000);
	if (q == NULL)
		bail("no pages");
	kept = filled(q, 10000);
	zeroes = zero(q, 10000, 100000);
	same = dhat__pages_resize(q, 100000, 5000) == q && filled(q, 10000);
	r = dhat__pages_resize(q, 100000, big);
	if (r == NULL)
		bail("no pages");
	big_kept = filled(r, 10000) && zero(r, 10000, big);
	fail_kept = dhat__pages_resize(r, big, SIZE_MAX - 4096) == NULL &&
	    filled(r, 10000);
	no_size = dhat__pages_new(SIZE_MAX / 2) == NULL;
	after = mallinfo2();
	e_calls = errno;

	ok(aligned, "10,000 bytes, page-aligned");
	ok(fresh, "  zeroed to the page's end");
	ok(kept, "grown to 100,000: contents kept");
	ok(zeroes, "  zeroes past them");
	ok(same, "never shrunk: the same table");
	ok(big_kept, "grown to 3 MiB: contents kept, zeroes past them");
	if (access("/sys/kernel/mm/transparent_hugepage", F_OK) == 0)
		ok(advised_huge(r), "  huge pages asked for");
	else
		ok(1, "# SKIP no transparent huge pages in this kernel");
	ok(fail_kept, "a growth that cannot be: NULL, the table kept");
	ok(no_size, "a size that cannot be: NULL");
	is_int(e_calls, 1234, "errno kept by every call");
	is_uint(after.uordblks, before.uordblks,
	    "the heap's bytes in use unchanged");
	is_uint(after.arena, before.arena, "the heap's size unchanged");
	errno = 4321;
	dhat__pages_free(r, big);
	dhat__pages_free(NULL, 100);
	e_free = errno;
	ok(!mapped(r) && !mapped(r + big - 1), "freed: unmapped");
	is_int(e_free, 4321, "  errno kept");
	return done_testing();
}
