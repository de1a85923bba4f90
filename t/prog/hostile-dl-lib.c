/* SPDX-License-Identifier: MIT */
/*
 * hostile-dl-lib.c - a module for hostile-dlopen.c: it allocates, and is
 * unloaded while one of its blocks (and so its code address, in that
 * block's stack) is still live.
 */
#include <stdlib.h>

void *hostile_dl_alloc(size_t n);

static void *
dl_inner(size_t n)
{
	return malloc(n);
}

void *
hostile_dl_alloc(size_t n)
{
	return dl_inner(n);
}
