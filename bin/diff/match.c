/* SPDX-License-Identifier: MIT */
/*
 * match.c - dhat-diff's comparison: the PPs of both profiles grouped by
 * allocation site (group.c), and the groups sorted into changed, new and
 * gone.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "profile/top.h"
#include "diff.h"

uint64_t
dtool_diff_value(const struct dtool_diff *d, const struct dtool_pp *pp)
{
	return dtool_metric_value(d->metric, pp);
}

static uint64_t
absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Whether the metric's condition (tiny, short-lived...) holds for the
 * group on side S, judged against that file. */
static bool
cond(const struct dtool_diff *d, const struct dtool_group *g, int s)
{
	return g->n[s] > 0 && dtool_cond_pp(d->side[s].t, d->metric,
	    &g->sum[s]);
}

struct rank {
	uint32_t id;
	uint64_t key, tb;
};

static int
cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	if (x->tb != y->tb)
		return x->tb < y->tb ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The ids of the first min(N, LIMIT) of R in order. */
static uint32_t *
ranked(struct rank *r, size_t n, size_t limit)
{
	size_t m = dtool_top_sort(r, n, sizeof(*r), limit, cmp_rank);
	uint32_t *ids = dtool_xreallocarray(NULL, m, sizeof(*ids));

	for (size_t i = 0; i < m; i++)
		ids[i] = r[i].id;
	return ids;
}

void
dtool_diff_build(struct dtool_diff *d, const struct dtool_profile *old,
    const char *oldname, const struct dtool_profile *new,
    const char *newname, int match, int metric, bool unchanged,
    size_t limit)
{
	const struct dtool_profile *p[2] = { old, new };
	const struct dtool_header *ho = dtool_profile_header(old);
	const struct dtool_header *hn = dtool_profile_header(new);
	struct rank *rc, *ra, *rg;
	size_t nc = 0, na = 0, ngone = 0;
	uint32_t depth = 0;

	memset(d, 0, sizeof(*d));
	d->side[DTOOL_OLD].name = oldname;
	d->side[DTOOL_NEW].name = newname;
	d->match = match;
	d->metric = metric;
	d->unchanged = unchanged;
	d->bklt = ho->bklt && hn->bklt;
	d->bkacc = ho->bkacc && hn->bkacc;
	dtool_units(hn, &d->u);
	for (int s = 0; s < 2; s++) {
		d->side[s].p = p[s];
		d->side[s].t = dtool_tree_build(p[s], false);
	}
	/* Profiles written with different depths match on the frames
	 * both have. */
	if (match != DTOOL_MATCH_ADDRESS) {
		uint32_t a = dtool_stacks_usual_depth(old);
		uint32_t b = dtool_stacks_usual_depth(new);

		if (a != b)
			depth = a < b ? a : b;
	}
	dtool_diff_group(d, p, depth);
	rc = dtool_xreallocarray(NULL, d->ng, sizeof(*rc));
	ra = dtool_xreallocarray(NULL, d->ng, sizeof(*ra));
	rg = dtool_xreallocarray(NULL, d->ng, sizeof(*rg));
	for (uint32_t id = 0; id < d->ng; id++) {
		const struct dtool_group *g = &d->g[id];
		uint64_t vo = dtool_diff_value(d, &g->sum[DTOOL_OLD]);
		uint64_t vn = dtool_diff_value(d, &g->sum[DTOOL_NEW]);
		struct rank r = { id, 0, 0 };

		if (g->n[DTOOL_OLD] == 0 && g->n[DTOOL_NEW] == 0)
			continue;
		if (!cond(d, g, DTOOL_OLD) && !cond(d, g, DTOOL_NEW)) {
			if (g->n[DTOOL_OLD] > 0 && g->n[DTOOL_NEW] > 0)
				d->nmatched++;
			continue;
		}
		if (g->n[DTOOL_OLD] > 0 && g->n[DTOOL_NEW] > 0) {
			d->nmatched++;
			if (vo == vn && !unchanged)
				continue;
			r.key = absdiff(vo, vn);
			r.tb = absdiff(g->sum[DTOOL_OLD].tb,
			    g->sum[DTOOL_NEW].tb);
			rc[nc++] = r;
		} else if (g->n[DTOOL_NEW] > 0) {
			r.key = vn;
			r.tb = g->sum[DTOOL_NEW].tb;
			ra[na++] = r;
		} else {
			r.key = vo;
			r.tb = g->sum[DTOOL_OLD].tb;
			rg[ngone++] = r;
		}
	}
	d->changed = ranked(rc, nc, limit);
	d->nchanged = nc;
	d->added = ranked(ra, na, limit);
	d->nadded = na;
	d->gone = ranked(rg, ngone, limit);
	d->ngone = ngone;
	free(rc);
	free(ra);
	free(rg);
}

void
dtool_diff_free(struct dtool_diff *d)
{
	for (int s = 0; s < 2; s++)
		dtool_tree_free(d->side[s].t);
	dtool_stacks_free(d->stacks);
	dtool_stacks_free(d->lines);
	free(d->g);
	free(d->changed);
	free(d->added);
	free(d->gone);
}
