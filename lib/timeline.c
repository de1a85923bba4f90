/* SPDX-License-Identifier: MIT */
/*
 * timeline.c - the slices of memory over time (timeline.h): a new slice
 * as time passes the current one, and the slices doubled when their
 * points fill the array.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memory.h"
#include "timeline.h"

struct dhat__timeline dhat__timeline;

/* Doubles the width of the slices until the points fill at most half of
 * the array: neighbours in one slice now merge, the higher kept. */
static void
widen(struct dhat__timeline *tl)
{
	while (tl->n > DHAT__TIMELINE_POINTS / 2) {
		size_t k = 0;

		tl->width *= 2;
		for (size_t i = 0; i < tl->n; i++) {
			uint64_t s = tl->slice[i] / 2;

			if (k > 0 && tl->slice[k - 1] == s) {
				if (tl->pts[i].bytes >= tl->pts[k - 1].bytes)
					tl->pts[k - 1] = tl->pts[i];
				continue;
			}
			tl->slice[k] = s;
			tl->pts[k++] = tl->pts[i];
		}
		tl->n = k;
	}
}

void
dhat__timeline_slice(uint64_t t)
{
	struct dhat__timeline *tl = &dhat__timeline;

	if (tl->width == 0) {
		/* The first note: slices as narrow as the clock allows. */
		tl->width = 1;
	} else {
		if (tl->n == DHAT__TIMELINE_POINTS)
			widen(tl);
		tl->slice[tl->n] = tl->cur.t / tl->width;
		tl->pts[tl->n++] = tl->cur;
		if (tl->n == DHAT__TIMELINE_POINTS)
			widen(tl);
	}
	/* The new slice starts empty: its first note is its highest so far,
	 * whatever it holds. */
	tl->slice_end = (t / tl->width + 1) * tl->width;
	memset(&tl->cur, 0, sizeof(tl->cur));
}

void
dhat__timeline_reset(void)
{
	memset(&dhat__timeline, 0, sizeof(dhat__timeline));
}

size_t
dhat__timeline_copy(struct dhat__tpoint **out)
{
	const struct dhat__timeline *tl = &dhat__timeline;
	size_t n = tl->n + (tl->width != 0);

	*out = n > 0 ? dhat__malloc(n * sizeof(**out)) : NULL;
	if (*out == NULL)
		return 0;
	memcpy(*out, tl->pts, tl->n * sizeof(**out));
	if (tl->width != 0)
		(*out)[tl->n] = tl->cur;
	return n;
}
