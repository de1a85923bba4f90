/* SPDX-License-Identifier: MIT */
/*
 * compress_memory.c - the memory of libdhat's compressors (compress.h):
 * its own, which may fail (and can be made to, in fault-injection
 * builds); none in a thread that writes on spare pages after a crash in
 * the allocator, which a compressor must not call.
 */
#include "config.h"

#include <stddef.h>

#include "compress.h"
#include "memory.h"

void *
dhat__compress_alloc(size_t n)
{
	return dhat__own_from == DHAT__OWN_SPARE ? NULL : dhat__malloc(n);
}

void
dhat__compress_release(void *p)
{
	dhat__own_free(p);
}
