/* SPDX-License-Identifier: MIT */
/*
 * reuse-lib.c - the two modules of module-reuse.c, built from this one
 * file as libreuse-a.so and libreuse-b.so: REUSE_INNER names the function
 * that allocates, alloc_in_a or alloc_in_b.  The names have one length,
 * so both modules have the same layout and the same code at the same
 * offsets: mapped at one base, their return addresses are the same.
 */
#include <stdlib.h>

void *reuse_alloc(size_t n);

static void *
REUSE_INNER(size_t n)
{
	return malloc(n);
}

void *
reuse_alloc(size_t n)
{
	return REUSE_INNER(n);
}
