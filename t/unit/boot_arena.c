/* SPDX-License-Identifier: MIT */
/*
 * boot_arena.c - a thread whose own allocations come from the boot arena
 * (lib/memory.h, DHAT__OWN_BOOT; lib/next.c): blocks are the arena's,
 * aligned as asked at their address, zeroed by calloc, grown by copying,
 * freed by doing nothing, and errno is never changed; alignments above 64
 * and what the arena has no room for go to the program's allocator; the
 * arena keeps its last 16 KiB for looking the allocator up, and no block,
 * not even an empty one, ends past it.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memory.h"
#include "next.h"
#include "tap.h"

#define MANY 8192

static bool
in_arena(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)dhat__boot_arena;

	return a >= lo && a + n <= lo + DHAT__BOOT_SIZE && dhat__boot_owns(p);
}

static bool
zeroes(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* What the calls gave, checked once the thread allocates as a rule
 * again (the checks print, and printing may allocate). */
static struct {
	void *small, *a64, *page, *zeroed, *grown, *regrown, *blocks[MANY];
	size_t nblocks, first_out, usable;
	bool grown_kept, regrown_kept;
	uintptr_t high;     /* the end of the highest arena block */
	void *empty;
	int errno_after;
} r;

static void
allocate(void)
{
	unsigned char *p;
	size_t i;

	r.small = dhat__own_malloc(24);
	r.a64 = dhat__own_memalign(64, 10);
	r.page = dhat__own_memalign(4096, 10);
	r.zeroed = dhat__own_calloc(100, 3);
	p = dhat__own_malloc(40);
	memset(p, 0x5a, 40);
	r.usable = dhat__next_usable(p);
	r.grown = dhat__own_realloc(p, 4000);
	r.grown_kept = r.grown != NULL &&
	    memcmp(r.grown, "\x5a\x5a\x5a\x5a", 4) == 0 &&
	    ((unsigned char *)r.grown)[39] == 0x5a;
	dhat__own_free(r.small);
	/* Fill the arena: the blocks go on to the program's allocator. */
	r.first_out = MANY;
	for (i = 0; i < MANY; i++) {
		size_t n = i % 3 == 0 ? 0 : 40;

		r.blocks[i] = dhat__own_malloc(n);
		if (r.blocks[i] == NULL)
			break;
		if (dhat__boot_owns(r.blocks[i])) {
			if ((uintptr_t)r.blocks[i] + n > r.high)
				r.high = (uintptr_t)r.blocks[i] + n;
		} else if (r.first_out == MANY) {
			r.first_out = i;
		}
	}
	r.nblocks = i;
	r.empty = dhat__own_malloc(0);
}

int
main(void)
{
	int from = dhat__own_from;
	size_t i, arena_blocks = 0, heap_blocks = 0;
	bool tail_out = true;

	plan(12);
	errno = 1234;
	dhat__own_from = DHAT__OWN_BOOT;
	allocate();
	dhat__own_from = from;
	r.errno_after = errno;
	/* Out of the arena's thread: an arena block grows on the heap. */
	r.regrown = dhat__own_realloc(r.grown, 8000);
	r.regrown_kept = r.regrown != NULL &&
	    ((unsigned char *)r.regrown)[0] == 0x5a &&
	    ((unsigned char *)r.regrown)[39] == 0x5a;

	ok(in_arena(r.small, 24) && (uintptr_t)r.small % 16 == 0,
	    "malloc: an arena block, aligned to 16");
	ok(in_arena(r.a64, 10) && (uintptr_t)r.a64 % 64 == 0,
	    "memalign(64): an arena block whose address is aligned to 64");
	ok(r.page != NULL && !dhat__boot_owns(r.page) &&
	    (uintptr_t)r.page % 4096 == 0,
	    "memalign(4096): from the allocator, aligned");
	ok(in_arena(r.zeroed, 300) && zeroes(r.zeroed, 300),
	    "calloc: arena zeroes");
	is_uint(r.usable, 40, "malloc_usable_size of an arena block");
	ok(in_arena(r.grown, 4000) && r.grown_kept,
	    "realloc: grown in the arena, contents kept");
	ok(r.regrown != NULL && !dhat__boot_owns(r.regrown) && r.regrown_kept,
	    "realloc in another mode: to the allocator, contents kept");
	for (i = 0; i < r.nblocks; i++) {
		if (dhat__boot_owns(r.blocks[i]))
			arena_blocks++;
		else
			heap_blocks++;
		if (i >= r.first_out && dhat__boot_owns(r.blocks[i]))
			tail_out = false;
	}
	ok(r.nblocks == MANY && arena_blocks > 500 && heap_blocks > 0 &&
	    tail_out, "a full arena: the allocator serves the rest "
	    "(%zu arena blocks, %zu from the allocator)", arena_blocks,
	    heap_blocks);
	ok(r.high <= (uintptr_t)dhat__boot_arena + DHAT__BOOT_SIZE - 16384,
	    "the last 16 KiB are left for looking the allocator up "
	    "(%zu bytes spare)", (size_t)((uintptr_t)dhat__boot_arena +
	    DHAT__BOOT_SIZE - r.high));
	ok(r.empty != NULL && (!dhat__boot_owns(r.empty) ||
	    in_arena(r.empty, 1)), "an empty block is wholly its owner's");
	is_int(r.errno_after, 1234, "errno unchanged");
	/* Freeing arena blocks does nothing; the allocator's are its own. */
	for (i = 0; i < r.nblocks; i++)
		dhat__own_free(r.blocks[i]);
	dhat__own_free(r.empty);
	dhat__own_free(r.zeroed);
	dhat__own_free(r.a64);
	dhat__own_free(r.page);
	dhat__own_free(r.regrown);
	/* (Had any gone to the allocator's free, it would have aborted.) */
	ok(zeroes(r.zeroed, 300), "freeing an arena block leaves it alone");
	return done_testing();
}
