/* SPDX-License-Identifier: MIT */
/*
 * rank.c - the program points that a summary lists, in order: those that
 * meet the sort metric's condition, largest first, or for --leaks those
 * live at t-end.
 */
#include "config.h"

#include <stdlib.h>

#include "common/err.h"
#include "profile/top.h"
#include "summary.h"

struct rank {
	size_t idx;
	uint64_t key, key2, tb;
};

static int
cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	if (x->key2 != y->key2)
		return x->key2 < y->key2 ? 1 : -1;
	if (x->tb != y->tb)
		return x->tb < y->tb ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

size_t
dtool_rank_pps(const struct dtool_profile *p, const struct dtool_tree *t,
    int metric, bool leaks, size_t limit, size_t **out)
{
	size_t n = dtool_profile_npps(p), k = 0, m;
	struct rank *r = dtool_xreallocarray(NULL, n, sizeof(*r));

	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);
		uint64_t key = leaks ? pp->eb : dtool_metric_value(metric, pp);

		if (leaks ? pp->eb == 0 && pp->ebk == 0 :
		    key == 0 || !dtool_cond_pp(t, metric, pp))
			continue;
		r[k].idx = i;
		r[k].key = key;
		r[k].key2 = leaks ? pp->ebk : 0;
		r[k].tb = pp->tb;
		k++;
	}
	m = dtool_top_sort(r, k, sizeof(*r), limit, cmp_rank);
	*out = dtool_xreallocarray(NULL, k, sizeof(**out));
	for (size_t i = 0; i < m; i++)
		(*out)[i] = r[i].idx;
	free(r);
	return k;
}
