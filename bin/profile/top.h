/* SPDX-License-Identifier: MIT */
/*
 * top.h - the first few of many in order, for the tools' top-N lists.
 */
#ifndef DTOOL_TOP_H
#define DTOOL_TOP_H

#include <stddef.h>

/* Puts the first min(N, LIMIT) elements of BASE, by CMP, in order at its
 * start and returns their number; the rest of BASE is left in no useful
 * order.  CMP must be a total order (break ties on an index), so that the
 * result does not depend on the method. */
size_t dtool_top_sort(void *base, size_t n, size_t size, size_t limit,
    int (*cmp)(const void *, const void *));

#endif
