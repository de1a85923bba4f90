/* SPDX-License-Identifier: MIT */
/*
 * symbolize_inline.h - the optimised half of t/unit/symbolize.c: a call
 * inlined by the compiler, whose frame must expand into two strings.
 */
#ifndef DHAT_T_SYMBOLIZE_INLINE_H
#define DHAT_T_SYMBOLIZE_INLINE_H

#include <stdint.h>

/* Defined by the test: records its return address in symbolize_probe_ip. */
void symbolize_probe(void);
extern uintptr_t symbolize_probe_ip;

/* Calls the inlined function, which calls symbolize_probe(). */
int symbolize_inline_caller(int x);

/* Where the probe is called (inside the inlined function) and where the
 * inlined function is called, as line and column. */
extern const int symbolize_leaf_line, symbolize_leaf_col;
extern const int symbolize_caller_line, symbolize_caller_col;

#endif
