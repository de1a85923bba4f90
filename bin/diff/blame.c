/* SPDX-License-Identifier: MIT */
/*
 * blame.c - what explains a budget exceeded: the matched stacks whose
 * figure grew most by the total the budget limits, and their names as
 * people read them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "diff.h"

/* Group ID's growth by budget metric BM; 0 when it did not grow. */
static uint64_t
growth(const struct dtool_diff *d, uint32_t id, int bm)
{
	uint64_t o = dtool_budget_value(bm, &d->g[id].sum[DTOOL_OLD]);
	uint64_t n = dtool_budget_value(bm, &d->g[id].sum[DTOOL_NEW]);

	return n > o ? n - o : 0;
}

size_t
dtool_diff_blame(const struct dtool_diff *d, int bm, uint32_t *ids,
    size_t k)
{
	size_t m = 0;

	/* K is a handful: an insertion into a sorted array of K. */
	for (uint32_t id = 0; id < d->ng; id++) {
		uint64_t x = growth(d, id, bm);
		size_t j;

		if (x == 0 || (m == k && x <= growth(d, ids[m - 1], bm)))
			continue;
		j = m < k ? m++ : m - 1;
		while (j > 0 && growth(d, ids[j - 1], bm) < x) {
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = id;
	}
	return m;
}

/* KEY without its " (file)" or " (in object)". */
static void
function_of(const char *key, char *buf, size_t len)
{
	const char *paren = strrchr(key, '(');
	size_t n = paren != NULL && paren > key ? (size_t)(paren - key - 1) :
	    strlen(key);

	snprintf(buf, len, "%.*s", (int)n, key);
}

void
dtool_diff_site_name(const struct dtool_diff *d, uint32_t id, char *buf,
    size_t len)
{
	uint32_t n = dtool_diff_depth(d, id);
	char site[512], caller[512];

	if (n == 0) {
		snprintf(buf, len, "[root]");
		return;
	}
	/* A site told apart by line is named with its lines, and its
	 * caller's, which may be all that tells it apart. */
	if (d->g[id].by_line) {
		dtool_frame_short(site, sizeof(site),
		    dtool_diff_frame(d, id, 0));
		if (n > 1)
			dtool_frame_short(caller, sizeof(caller),
			    dtool_diff_frame(d, id, 1));
	} else {
		snprintf(site, sizeof(site), "%s", dtool_diff_frame(d, id, 0));
		if (n > 1)
			function_of(dtool_diff_frame(d, id, 1), caller,
			    sizeof(caller));
	}
	snprintf(buf, len, "%.500s%s%.500s", site, n > 1 ?
	    " \xe2\x86\x90 " : "", n > 1 ? caller : "");
}

/* "+2,048 bytes  f (file) <- caller", "(new)" after a new stack; the
 * growth right-aligned in PAD columns. */
static void
blame_line(const struct dtool_diff *d, int bm, uint32_t id, int pad,
    char *buf, size_t len)
{
	const struct dtool_group *g = &d->g[id];
	char delta[DTOOL_NUMBUF], unit[64], name[1100];

	dtool_fmt_delta(delta, dtool_budget_value(bm, &g->sum[DTOOL_OLD]),
	    dtool_budget_value(bm, &g->sum[DTOOL_NEW]));
	dtool_text(unit, sizeof(unit), dtool_budget_is_bytes(bm) ?
	    d->u.bytes : d->u.blocks);
	dtool_diff_site_name(d, id, name, sizeof(name));
	snprintf(buf, len, "%*s %s  %s%s", pad, delta, unit, name,
	    g->n[DTOOL_OLD] == 0 ? " (new)" : "");
}

void
dtool_diff_print_blame(FILE *f, const struct dtool_diff *d, int bm,
    const char *prefix)
{
	uint32_t ids[DTOOL_BLAME_LINES];
	size_t n = dtool_diff_blame(d, bm, ids, DTOOL_BLAME_LINES);
	char line[1400];

	for (size_t i = 0; i < n; i++) {
		blame_line(d, bm, ids[i], 10, line, sizeof(line));
		fputs(prefix, f);
		dtool_fputs_text(line, f);
		putc('\n', f);
	}
}

struct dtool_verdict *
dtool_diff_verdicts(const struct dtool_diff *d,
    const struct dtool_diff_out *o, bool figures)
{
	struct dtool_verdict *v = dtool_xcalloc(o->nbudgets ? o->nbudgets : 1,
	    sizeof(*v));

	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];
		uint32_t ids[DTOOL_BLAME_LINES];

		v[i].budget = b->text;
		v[i].exceeded = b->breached;
		dtool_budget_describe(b, &d->u, figures, v[i].figures,
		    sizeof(v[i].figures));
		if (b->breached)
			v[i].nblame = dtool_diff_blame(d, b->metric, ids,
			    DTOOL_BLAME_LINES);
		for (size_t k = 0; k < v[i].nblame; k++)
			blame_line(d, b->metric, ids[k], 0, v[i].blame[k],
			    sizeof(v[i].blame[k]));
	}
	return v;
}
