/* SPDX-License-Identifier: MIT */
/*
 * timeline.c - the merged profile's memory over time: the inputs'
 * timelines summed as step functions on one axis, time since each
 * process started, as if the processes had started together (a make -j
 * or a test suite starts them within moments).  Each input counts what
 * its latest point says until its last point, and nothing after it (its
 * process has ended).  When one input has no timeline, the merge has
 * none: a sum of some of the processes would pass for all of them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "merge.h"

/* Points kept in the merged timeline; more are thinned. */
#define MAX_POINTS	4096

void
dtool_timeline_sum_add(struct dtool_timeline_sum *s,
    const struct dtool_header *h)
{
	struct dtool_timeline_in *in;

	if (h->ntimeline == 0) {
		s->incomplete = true;
		return;
	}
	s->in = dtool_xreallocarray(s->in, s->nin + 1, sizeof(*s->in));
	in = &s->in[s->nin++];
	in->n = h->ntimeline;
	in->v = dtool_xreallocarray(NULL, in->n, sizeof(*in->v));
	memcpy(in->v, h->timeline, in->n * sizeof(*in->v));
}

/* The input whose next point comes first; -1 when none is left. */
static long
next_input(const struct dtool_timeline_sum *s, const size_t *at)
{
	long best = -1;

	for (size_t i = 0; i < s->nin; i++)
		if (at[i] < s->in[i].n && (best < 0 ||
		    s->in[i].v[at[i]][0] < s->in[best].v[at[best]][0]))
			best = (long)i;
	return best;
}

static void
push(uint64_t (**out)[3], size_t *n, size_t *cap, uint64_t t,
    uint64_t bytes, uint64_t blocks)
{
	if (*n > 0 && (*out)[*n - 1][0] == t) {
		(*out)[*n - 1][1] = bytes;
		(*out)[*n - 1][2] = blocks;
		return;
	}
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		*out = dtool_xreallocarray(*out, *cap, sizeof(**out));
	}
	(*out)[*n][0] = t;
	(*out)[*n][1] = bytes;
	(*out)[*n][2] = blocks;
	(*n)++;
}

/* At most MAX_POINTS of V's N points: per time slice, the one with the
 * most bytes, so that no peak is lost. */
static size_t
thin(uint64_t (*v)[3], size_t n)
{
	uint64_t t0 = v[0][0], span = v[n - 1][0] - t0 + 1;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t slice = (uint64_t)((double)(v[i][0] - t0) /
		    (double)span * (MAX_POINTS - 1));
		uint64_t prev = k > 0 ? (uint64_t)((double)(v[k - 1][0] - t0) /
		    (double)span * (MAX_POINTS - 1)) : UINT64_MAX;

		if (k > 0 && slice == prev) {
			if (v[i][1] > v[k - 1][1] || i == n - 1)
				memcpy(v[k - 1], v[i], sizeof(*v));
			continue;
		}
		memcpy(v[k++], v[i], sizeof(*v));
	}
	return k;
}

size_t
dtool_timeline_sum_result(struct dtool_timeline_sum *s, uint64_t (**out)[3])
{
	size_t *at = dtool_xcalloc(s->nin ? s->nin : 1, sizeof(*at)), n = 0;
	size_t cap = 0;
	uint64_t (*cur)[2] = dtool_xcalloc(s->nin ? s->nin : 1, sizeof(*cur));
	uint64_t bytes = 0, blocks = 0;
	long i;

	*out = NULL;
	if (s->incomplete || s->nin == 0)
		goto done;
	while ((i = next_input(s, at)) >= 0) {
		const uint64_t *p = s->in[i].v[at[i]];

		/* Inputs past their last point, before this one, left. */
		for (size_t j = 0; j < s->nin; j++)
			if (at[j] == s->in[j].n && (cur[j][0] || cur[j][1]) &&
			    s->in[j].v[at[j] - 1][0] < p[0]) {
				bytes -= cur[j][0];
				blocks -= cur[j][1];
				cur[j][0] = cur[j][1] = 0;
			}
		bytes += p[1] - cur[i][0];
		blocks += p[2] - cur[i][1];
		cur[i][0] = p[1];
		cur[i][1] = p[2];
		at[i]++;
		push(out, &n, &cap, p[0], bytes, blocks);
	}
	if (n > MAX_POINTS)
		n = thin(*out, n);
done:
	free(at);
	free(cur);
	return n;
}

void
dtool_timeline_sum_free(struct dtool_timeline_sum *s)
{
	for (size_t i = 0; i < s->nin; i++)
		free(s->in[i].v);
	free(s->in);
	memset(s, 0, sizeof(*s));
}
