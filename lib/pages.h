/* SPDX-License-Identifier: MIT */
/*
 * pages.h - memory of libdhat's own for the tables it keeps while the
 * program runs, mapped from the kernel (pages.c).
 */
#ifndef DHAT_PAGES_H
#define DHAT_PAGES_H

#include <stddef.h>

/* BYTES of zeroed memory, page-aligned; NULL when there is none (or a
 * failure is injected).  Keeps errno. */
void *dhat__pages_new(size_t bytes);
/* P's OLD bytes grown to BYTES (never shrunk), moved if need be: the
 * contents kept, the rest zero; NULL when there is no room (or a
 * failure is injected), and P is then untouched.  Keeps errno. */
void *dhat__pages_resize(void *p, size_t old, size_t bytes);
/* Give back what dhat__pages_new or _resize gave for BYTES (P may be
 * NULL).  Keeps errno. */
void dhat__pages_free(void *p, size_t bytes);

#endif
