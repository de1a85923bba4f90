/* SPDX-License-Identifier: MIT */
/*
 * site.c - program points as people read them: named by the code that
 * called the allocator, not by malloc or operator new, and listed by one
 * figure with its share of the whole (the overview, the budgets).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/frame.h"
#include "summary.h"

/* FRAME's function, without its location. */
static void
function_of(const struct dtool_profile *p, uint32_t frame, char *buf,
    size_t len)
{
	char *paren;

	dtool_frame_short(buf, len, dtool_profile_frame(p, frame));
	if ((paren = strrchr(buf, '(')) != NULL && paren > buf)
		paren[-1] = '\0';
}

/* PP's name: its first frame that is not the allocator's own, and that
 * frame's caller's function.  When an earlier site of the same list,
 * SAME, has the same name, the first frame where their stacks part is
 * added (or the caller's line, when they part there), so that no two
 * lines read alike. */
void
dtool_site_name(const struct dtool_profile *p, const struct dtool_pp *pp,
    const struct dtool_pp *same, char *buf, size_t len)
{
	char a[512], b[512], c[512] = "";
	uint32_t i = 0, k;

	if (pp->nfs == 0) {
		snprintf(buf, len, "[root]");
		return;
	}
	while (i + 1 < pp->nfs && dtool_frame_is_allocator(
	    dtool_profile_frame(p, pp->fs[i])))
		i++;
	dtool_frame_short(a, sizeof(a), dtool_profile_frame(p, pp->fs[i]));
	for (k = 0; same != NULL && k < pp->nfs && k < same->nfs &&
	    pp->fs[k] == same->fs[k]; k++)
		;
	/* Where the stacks part at the caller, its line tells them apart. */
	if (i + 1 < pp->nfs && same != NULL && k == i + 1)
		dtool_frame_short(b, sizeof(b),
		    dtool_profile_frame(p, pp->fs[i + 1]));
	else if (i + 1 < pp->nfs)
		function_of(p, pp->fs[i + 1], b, sizeof(b));
	if (same != NULL && k > i + 1 && k < pp->nfs)
		function_of(p, pp->fs[k], c, sizeof(c));
	snprintf(buf, len, "%.400s%s%.300s%s%.300s", a,
	    i + 1 < pp->nfs ? " \xe2\x86\x90 " : "", i + 1 < pp->nfs ? b : "",
	    c[0] != '\0' ? " \xe2\x86\x90 \xe2\x80\xa6 \xe2\x86\x90 " : "", c);
}

static int
cmp_value(const void *a, const void *b, void *ctx)
{
	const struct dtool_sites *l = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	uint64_t x = dtool_budget_value(l->bm, dtool_profile_pp(l->p, i));
	uint64_t y = dtool_budget_value(l->bm, dtool_profile_pp(l->p, j));

	if (x != y)
		return x < y ? 1 : -1;
	return i < j ? -1 : 1;
}

void
dtool_sites_sort(const struct dtool_sites *l, size_t *idx, size_t n)
{
	qsort_r(idx, n, sizeof(*idx), cmp_value, (void *)l);
}

size_t
dtool_sites_top(const struct dtool_sites *l, size_t **out)
{
	size_t n = dtool_profile_npps(l->p), k = 0;
	size_t *idx = dtool_xreallocarray(NULL, n ? n : 1, sizeof(*idx));

	for (size_t i = 0; i < n; i++)
		if (dtool_budget_value(l->bm, dtool_profile_pp(l->p, i)) > 0)
			idx[k++] = i;
	dtool_sites_sort(l, idx, k);
	*out = idx;
	return k;
}

/* One line of a list: VALUE (right-aligned), its share of WHOLE, and the
 * site's NAME, cut to the line. */
static void
site_line(const struct dtool_sites *l, const char *value, uint64_t part,
    uint64_t whole, const char *name)
{
	char pc[DTOOL_NUMBUF];
	int room = l->width - l->indent - 12 - 2 - 7 - 2;

	dtool_fmt_perc(pc, dtool_div((double)part, (double)whole));
	fprintf(l->f, "%*s%12s  %6s  ", l->indent, "", value, part > 0 &&
	    strcmp(pc, "0%") == 0 ? "<0.01%" : pc);
	if (!dtool_fputs_style(name, l->f, DTOOL_S_TEXT,
	    room > 10 ? (size_t)room : 10))
		fputs("..", l->f);
	fputc('\n', l->f);
}

char (*dtool_sites_names(const struct dtool_profile *p, const size_t *idx,
    size_t n))[1024]
{
	char (*names)[1024] = dtool_xcalloc(n ? n : 1, sizeof(*names));

	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, idx[i]);
		const struct dtool_pp *same = NULL;

		dtool_site_name(p, pp, NULL, names[i], sizeof(names[i]));
		for (size_t j = 0; j < i && same == NULL; j++)
			if (strcmp(names[i], names[j]) == 0)
				same = dtool_profile_pp(p, idx[j]);
		if (same != NULL)
			dtool_site_name(p, pp, same, names[i],
			    sizeof(names[i]));
	}
	return names;
}

void
dtool_sites_print(const struct dtool_sites *l, const size_t *idx, size_t n,
    uint64_t whole)
{
	char (*names)[1024] = dtool_sites_names(l->p, idx, n);
	char v[DTOOL_NUMBUF];

	for (size_t i = 0; i < n; i++) {
		uint64_t x = dtool_budget_value(l->bm,
		    dtool_profile_pp(l->p, idx[i]));

		if (dtool_budget_is_bytes(l->bm))
			dtool_fmt_size(v, x, l->bytes);
		else
			dtool_fmt_u64(v, x);
		site_line(l, v, x, whole, names[i]);
	}
	free(names);
}
