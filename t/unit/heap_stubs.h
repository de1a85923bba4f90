/* SPDX-License-Identifier: MIT */
/*
 * heap_stubs.h - what lib/heap.c needs from the rest of libdhat, faked
 * for the unit tests that compile heap.c and the tables alone
 * (heap_account.c, heap_oom.c): a stack capture that returns a chosen
 * site, no stack cache, and the globals of profiler.c.
 */
#ifndef DHAT_HEAP_STUBS_H
#define DHAT_HEAP_STUBS_H

#include <stddef.h>
#include <stdint.h>

/* The innermost frame of the next captured stack. */
extern uintptr_t stub_site;
/* Frames per captured stack: 1 (stub_site) or 2 (stub_site, 0x42). */
extern size_t stub_depth;

#endif
