/* SPDX-License-Identifier: MIT */
/*
 * put.h - the dhat-run test programs' output: write(2) straight to
 * standard output, with no stdio buffer (one that a forked or exec'ing
 * program would flush twice or lose) and no allocation.
 */
#ifndef DHAT_T_PUT_H
#define DHAT_T_PUT_H

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* All of S, or exit 1. */
static inline void
put(const char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		ssize_t w = write(1, s, n);

		if (w <= 0)
			exit(1);
		s += w;
		n -= (size_t)w;
	}
}

#endif
