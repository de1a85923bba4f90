/* SPDX-License-Identifier: MIT */
/*
 * acc.c - the sum of two access-count arrays ("acc") as DHAT's files
 * encode them: run-length encoded, each count latched at 65535.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/err.h"
#include "merge.h"

/* One run of a run-length encoded acc array. */
struct acc_iter {
	const int32_t *a;
	uint32_t n, i;
	uint64_t count;		/* left in the current run */
	int32_t value;
};

static bool
acc_next(struct acc_iter *it)
{
	if (it->i >= it->n)
		return false;
	if (it->a[it->i] < 0 && it->i + 1 < it->n) {
		it->count = (uint64_t)-(int64_t)it->a[it->i];
		it->value = it->a[it->i + 1];
		it->i += 2;
	} else {
		it->count = 1;
		it->value = it->a[it->i];
		it->i++;
	}
	return true;
}

/* The number of bytes (offsets) an acc array covers: the block size. */
static uint64_t
acc_size(const int32_t *a, uint32_t n)
{
	struct acc_iter it = { a, n, 0, 0, 0 };
	uint64_t size = 0;

	while (acc_next(&it))
		size += it.count;
	return size;
}

static void
acc_push(int32_t **out, size_t *n, size_t *cap, int32_t v)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*out = dtool_xreallocarray(*out, *cap, sizeof(**out));
	}
	(*out)[(*n)++] = v;
}

static void
acc_emit(int32_t **out, size_t *n, size_t *cap, uint64_t count, int32_t v)
{
	while (count > 0) {
		uint64_t c = count > INT32_MAX ? INT32_MAX : count;

		if (c > 1)
			acc_push(out, n, cap, -(int32_t)c);
		acc_push(out, n, cap, v);
		count -= c;
	}
}

/* The element-wise sum of two acc arrays of the same size, each count
 * latched at 65535 as the viewer latches it; NULL when the sizes differ
 * (blocks of different sizes: no per-offset sum makes sense) or the
 * result would not fit an acc array. */
int32_t *
dtool_acc_add(const struct dtool_pp *a, const struct dtool_pp *b, uint32_t *nout)
{
	struct acc_iter x = { a->acc, a->nacc, 0, 0, 0 };
	struct acc_iter y = { b->acc, b->nacc, 0, 0, 0 };
	int32_t *out = NULL, run_v = 0;
	size_t n = 0, cap = 0;
	uint64_t run_n = 0;

	if (acc_size(a->acc, a->nacc) != acc_size(b->acc, b->nacc))
		return NULL;
	acc_next(&x);
	acc_next(&y);
	while (x.count > 0 && y.count > 0) {
		uint64_t c = x.count < y.count ? x.count : y.count;
		int32_t v = x.value + y.value > 65535 ? 65535 :
		    x.value + y.value;

		if (run_n > 0 && v != run_v) {
			acc_emit(&out, &n, &cap, run_n, run_v);
			run_n = 0;
		}
		run_v = v;
		run_n += c;
		if ((x.count -= c) == 0 && !acc_next(&x))
			x.count = 0;
		if ((y.count -= c) == 0 && !acc_next(&y))
			y.count = 0;
	}
	acc_emit(&out, &n, &cap, run_n, run_v);
	if (n > UINT32_MAX) {
		free(out);
		return NULL;
	}
	*nout = (uint32_t)n;
	return out;
}
