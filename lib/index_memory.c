/* SPDX-License-Identifier: MIT */
/*
 * index_memory.c - the memory of libdhat's hash indexes (index.h): its
 * own allocations, which may fail (and can be made to, in fault-injection
 * builds) without harming the program.
 */
#include "config.h"

#include <stddef.h>

#include "memory.h"
#include "index.h"

void *
dhat__index_calloc(size_t n, size_t size)
{
	return dhat__calloc(n, size);
}

void
dhat__index_release(void *p)
{
	dhat__own_free(p);
}
