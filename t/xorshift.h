/* SPDX-License-Identifier: MIT */
/*
 * xorshift.h - the tests' pseudo-random numbers: Marsaglia's 64-bit
 * xorshift, the same sequence on every run for the same seed.  *S is
 * the state (never 0) and becomes the number returned.
 */
#ifndef DHAT_T_XORSHIFT_H
#define DHAT_T_XORSHIFT_H

#include <stdint.h>

static inline uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

#endif
