/* SPDX-License-Identifier: MIT */
/*
 * group.c - dhat-diff's groups: the program points of the two profiles
 * that denote one allocation site.  Under --match=function (the default)
 * the PPs whose stacks have the same functions form one group, the lines
 * being free to move between builds; but where a side has several
 * allocation sites under those functions (stacks that differ by line),
 * they are told apart: matched by line first, then what is left on each
 * side paired by the nearest lines, and the rest new or gone.  So a
 * second site added to a function is new, not folded into the first.
 * Groups left on one side are matched again on stacks cut to the
 * shallower profile's depth.  A group merged into another is left empty.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "diff.h"

/* PPs of both sides with one stack of line keys. */
struct cell {
	uint32_t fid;		/* its stack of function keys */
	uint32_t group;
	struct dtool_pp sum[2];
	uint32_t n[2];
};

/* Pairs of leftovers are looked for among at most this many pairs: a
 * function with hundreds of sites that all moved is left as new and gone
 * rather than made slow. */
#define MAX_PAIRINGS	65536

/* A new group, shown by stack SID of the line stacks (BY_LINE) or of the
 * function stacks. */
static uint32_t
new_group(struct dtool_diff *d, bool by_line, uint32_t sid)
{
	struct dtool_group *g;

	d->g = dtool_xreallocarray(d->g, d->ng + 1, sizeof(*d->g));
	g = &d->g[d->ng];
	memset(g, 0, sizeof(*g));
	g->by_line = by_line;
	g->stack = sid;
	return (uint32_t)d->ng++;
}

/* The line of frame I of line stack SID: "f (file.c:12:5)" gives 12. */
static unsigned long
line_of(const struct dtool_diff *d, uint32_t sid, uint32_t i)
{
	const char *k = dtool_stacks_key(d->lines, sid, i);
	const char *open = strrchr(k, '(');
	const char *colon = open != NULL ? strchr(open, ':') : NULL;

	return colon != NULL ? strtoul(colon + 1, NULL, 10) : 0;
}

/* How far apart two line stacks of one function stack are. */
static unsigned long
distance(const struct dtool_diff *d, uint32_t a, uint32_t b)
{
	unsigned long sum = 0;

	for (uint32_t i = 0; i < dtool_stacks_depth(d->lines, a); i++) {
		unsigned long x = line_of(d, a, i), y = line_of(d, b, i);

		sum += x > y ? x - y : y - x;
	}
	return sum;
}

/* The cells LIDS[0..N) of one function stack FID, which have several
 * sites on a side: each gets its group. */
static void
split(struct dtool_diff *d, struct cell *c, const uint32_t *lids, size_t n)
{
	uint32_t *old = dtool_xreallocarray(NULL, n, sizeof(*old));
	size_t nold = 0, nnew = 0;

	for (size_t i = 0; i < n; i++) {
		struct cell *x = &c[lids[i]];

		x->group = UINT32_MAX;
		if (x->n[DTOOL_OLD] > 0 && x->n[DTOOL_NEW] > 0)
			x->group = new_group(d, true, lids[i]);
		else if (x->n[DTOOL_OLD] > 0)
			old[nold++] = lids[i];
		else
			nnew++;
	}
	for (size_t i = 0; i < nold; i++) {
		uint32_t best = UINT32_MAX;
		unsigned long bd = 0;

		if (nold * nnew > MAX_PAIRINGS)
			break;
		for (size_t j = 0; j < n; j++) {
			struct cell *y = &c[lids[j]];
			unsigned long dist;

			if (y->n[DTOOL_OLD] > 0 || y->group != UINT32_MAX)
				continue;
			dist = distance(d, old[i], lids[j]);
			if (best == UINT32_MAX || dist < bd) {
				best = lids[j];
				bd = dist;
			}
		}
		if (best == UINT32_MAX)
			break;
		c[best].group = c[old[i]].group = new_group(d, true, best);
	}
	for (size_t i = 0; i < n; i++)
		if (c[lids[i]].group == UINT32_MAX)
			c[lids[i]].group = new_group(d, true, lids[i]);
	free(old);
}

/* Groups the cells C[0..NC) by their function stacks (NF of them). */
static void
group_cells(struct dtool_diff *d, struct cell *c, uint32_t nc, uint32_t nf)
{
	uint32_t *start = dtool_xcalloc((size_t)nf + 1, sizeof(*start));
	uint32_t *order = dtool_xreallocarray(NULL, nc ? nc : 1,
	    sizeof(*order));
	uint32_t *fill = dtool_xcalloc(nf ? nf : 1, sizeof(*fill));

	/* The cells in order of their function stacks. */
	for (uint32_t i = 0; i < nc; i++)
		start[c[i].fid + 1]++;
	for (uint32_t f = 0; f < nf; f++)
		start[f + 1] += start[f];
	for (uint32_t i = 0; i < nc; i++)
		order[start[c[i].fid] + fill[c[i].fid]++] = i;
	for (uint32_t f = 0; f < nf; f++) {
		uint32_t lo = start[f], hi = start[f + 1], a = 0, b = 0;

		for (uint32_t i = lo; i < hi; i++) {
			a += c[order[i]].n[DTOOL_OLD] > 0;
			b += c[order[i]].n[DTOOL_NEW] > 0;
		}
		if (a > 1 || b > 1) {
			split(d, c, order + lo, hi - lo);
			continue;
		}
		if (lo == hi)
			continue;
		a = new_group(d, false, f);
		for (uint32_t i = lo; i < hi; i++)
			c[order[i]].group = a;
	}
	free(start);
	free(order);
	free(fill);
}

/* Which sides the groups have PPs on: bit 1 << side. */
static unsigned char *
sides_of(const struct dtool_diff *d, const struct cell *c, uint32_t nc)
{
	unsigned char *side = dtool_xcalloc(d->ng ? d->ng : 1, 1);

	for (uint32_t i = 0; i < nc; i++)
		for (int s = 0; s < 2; s++)
			if (c[i].n[s] > 0)
				side[c[i].group] |= (unsigned char)(1 << s);
	return side;
}

/*
 * The groups left on one side matched again on their stacks cut to K
 * frames, where one of them has K frames: a stack cut at the depth one
 * writer keeps (Valgrind 12 frames, libdhat 10, each with the inlined
 * calls of those) matches the longer stack of the same code from the
 * other writer.  The groups of one cut stack on both sides become one
 * (the first new one); the others stay new or gone.  Returns how many
 * groups are left on one side.
 */
static size_t
rematch_at(struct dtool_diff *d, const struct dtool_profile *p[2],
    struct cell *c, uint32_t nc, uint32_t *lid[2], uint32_t k)
{
	unsigned char *side = sides_of(d, c, nc);
	struct dtool_stacks *t = dtool_stacks_new(d->match);
	uint32_t *tid[2], *first[2], *to, nt;
	bool *whole;
	size_t left = 0;

	dtool_stacks_limit(t, k);
	for (int s = 0; s < 2; s++)
		tid[s] = dtool_stacks_add(t, p[s]);
	nt = (uint32_t)dtool_stacks_count(t);
	to = dtool_xreallocarray(NULL, d->ng ? d->ng : 1, sizeof(*to));
	for (uint32_t g = 0; g < d->ng; g++)
		to[g] = g;
	/* FIRST: per cut stack and side, the first group left there;
	 * WHOLE: whether one of its groups has exactly K frames. */
	whole = dtool_xcalloc(nt ? nt : 1, sizeof(*whole));
	for (int s = 0; s < 2; s++) {
		first[s] = dtool_xreallocarray(NULL, nt ? nt : 1,
		    sizeof(*first[s]));
		memset(first[s], 0xff, (nt ? nt : 1) * sizeof(*first[s]));
		for (size_t i = 0; i < dtool_profile_npps(p[s]); i++) {
			const struct cell *x = &c[lid[s][i]];

			if (side[x->group] != (1 << s))
				continue;
			if (first[s][tid[s][i]] == UINT32_MAX)
				first[s][tid[s][i]] = x->group;
			if (dtool_stacks_depth(d->stacks, x->fid) == k)
				whole[tid[s][i]] = true;
		}
	}
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < dtool_profile_npps(p[s]); i++) {
			uint32_t g = c[lid[s][i]].group, j = tid[s][i];

			if (side[g] == (1 << s) && whole[j] &&
			    first[0][j] != UINT32_MAX && first[1][j] != UINT32_MAX)
				to[g] = first[DTOOL_NEW][j];
		}
	for (uint32_t i = 0; i < nc; i++)
		c[i].group = to[c[i].group];
	free(side);
	side = sides_of(d, c, nc);
	for (uint32_t g = 0; g < d->ng; g++)
		left += side[g] == 1 || side[g] == 2;
	for (int s = 0; s < 2; s++) {
		free(tid[s]);
		free(first[s]);
	}
	dtool_stacks_free(t);
	free(whole);
	free(to);
	free(side);
	return left;
}

/* Matches the groups left on one side on ever shorter stacks, from the
 * depth of the shallower profile down. */
static void
rematch_cut(struct dtool_diff *d, const struct dtool_profile *p[2],
    struct cell *c, uint32_t nc, uint32_t *lid[2])
{
	uint32_t a = dtool_stacks_max_depth(p[DTOOL_OLD]);
	uint32_t b = dtool_stacks_max_depth(p[DTOOL_NEW]);
	unsigned char *side = sides_of(d, c, nc);
	bool left[2] = { false, false };

	for (uint32_t g = 0; g < d->ng; g++)
		for (int s = 0; s < 2; s++)
			left[s] |= side[g] == (1 << s);
	free(side);
	if (!left[DTOOL_OLD] || !left[DTOOL_NEW])
		return;
	for (uint32_t k = a < b ? a : b; k > 0; k--)
		if (rematch_at(d, p, c, nc, lid, k) == 0)
			break;
}

void
dtool_diff_group(struct dtool_diff *d, const struct dtool_profile *p[2],
    uint32_t depth)
{
	uint32_t *fid[2], *lid[2] = { NULL, NULL };
	struct cell *c;
	uint32_t nc;

	d->stacks = dtool_stacks_new(d->match);
	dtool_stacks_limit(d->stacks, depth);
	if (d->match == DTOOL_MATCH_FUNCTION) {
		d->lines = dtool_stacks_new(DTOOL_MATCH_LINE);
		dtool_stacks_limit(d->lines, depth);
	}
	for (int s = 0; s < 2; s++) {
		fid[s] = dtool_stacks_add(d->stacks, p[s]);
		lid[s] = d->lines != NULL ? dtool_stacks_add(d->lines, p[s]) :
		    fid[s];
	}
	nc = (uint32_t)dtool_stacks_count(d->lines != NULL ? d->lines :
	    d->stacks);
	c = dtool_xcalloc(nc ? nc : 1, sizeof(*c));
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < dtool_profile_npps(p[s]); i++) {
			const struct dtool_pp *pp = dtool_profile_pp(p[s], i);
			struct cell *x = &c[lid[s][i]];

			x->fid = fid[s][i];
			dtool_pp_sum(&x->sum[s], pp);
			x->n[s]++;
			dtool_pp_sum(&d->side[s].tot, pp);
		}
	group_cells(d, c, nc, (uint32_t)dtool_stacks_count(d->stacks));
	if (d->match != DTOOL_MATCH_ADDRESS)
		rematch_cut(d, p, c, nc, lid);
	for (uint32_t i = 0; i < nc; i++)
		for (int s = 0; s < 2; s++) {
			dtool_pp_sum(&d->g[c[i].group].sum[s], &c[i].sum[s]);
			d->g[c[i].group].n[s] += c[i].n[s];
		}
	for (int s = 0; s < 2; s++) {
		if (lid[s] != fid[s])
			free(lid[s]);
		free(fid[s]);
	}
	free(c);
}

uint32_t
dtool_diff_depth(const struct dtool_diff *d, uint32_t gid)
{
	const struct dtool_group *g = &d->g[gid];

	return dtool_stacks_depth(g->by_line ? d->lines : d->stacks,
	    g->stack);
}

const char *
dtool_diff_frame(const struct dtool_diff *d, uint32_t gid, uint32_t i)
{
	const struct dtool_group *g = &d->g[gid];

	return dtool_stacks_key(g->by_line ? d->lines : d->stacks, g->stack,
	    i);
}
