/* SPDX-License-Identifier: MIT */
/*
 * top.c - the first LIMIT of N elements in order.  When only a few are
 * wanted from many (the top 10 of 400,000 program points), inserting into
 * the first LIMIT places beats sorting them all.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "top.h"

size_t
dtool_top_sort(void *base, size_t n, size_t size, size_t limit,
    int (*cmp)(const void *, const void *))
{
	unsigned char *a = base, *e;
	size_t m = 0;

	if (limit >= n / 8) {
		qsort(base, n, size, cmp);
		return n < limit ? n : limit;
	}
	/* Element I moves to J <= M <= I: nothing unread is overwritten. */
	e = dtool_xmalloc(size);
	for (size_t i = 0; i < n; i++) {
		size_t j;

		memcpy(e, a + i * size, size);
		if (m == limit && (limit == 0 ||
		    cmp(e, a + (m - 1) * size) >= 0))
			continue;
		j = m < limit ? m++ : m - 1;
		for (; j > 0 && cmp(e, a + (j - 1) * size) < 0; j--)
			memcpy(a + j * size, a + (j - 1) * size, size);
		memcpy(a + j * size, e, size);
	}
	free(e);
	return m;
}
