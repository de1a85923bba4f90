/* SPDX-License-Identifier: MIT */
/*
 * symbolize_inline.c - built with -O2 -g on its own, so that the frame of
 * symbolize_inline_caller() at the probe's return address is an inlined
 * chain: inlined_leaf() first, then its caller at the call site.
 */
#include "symbolize_inline.h"

/* The columns count bytes from 1: a tab is one. */
const int symbolize_leaf_line = __LINE__ + 5, symbolize_leaf_col = 2;

static inline __attribute__((always_inline)) int
inlined_leaf(int x)
{
	symbolize_probe();
	return x + 1;
}

const int symbolize_caller_line = __LINE__ + 5, symbolize_caller_col = 9;

int __attribute__((noinline, noclone))
symbolize_inline_caller(int x)
{
	return inlined_leaf(x) * 3;
}
