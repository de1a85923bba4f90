/* SPDX-License-Identifier: MIT */
/*
 * totals.c - the table of totals every dhat-diff format with a table
 * shows: the old and new value of each total, the delta and the change.
 */
#include "config.h"

#include <stdio.h>

#include "diff.h"

static void
row(struct dtool_diff_row *r, const char *what, const char *unit,
    uint64_t old, uint64_t new)
{
	snprintf(r->label, sizeof(r->label), "%s (%.60s)", what, unit);
	dtool_fmt_u64(r->col[0], old);
	dtool_fmt_u64(r->col[1], new);
	dtool_fmt_delta(r->col[2], old, new);
	dtool_fmt_change(r->col[3], old, new);
}

int
dtool_diff_totals(const struct dtool_diff *d, const char *bytes,
    const char *blocks, struct dtool_diff_row *r)
{
	const struct dtool_pp *o = &d->side[DTOOL_OLD].tot;
	const struct dtool_pp *n = &d->side[DTOOL_NEW].tot;
	int nr = 0;

	row(&r[nr++], "Total", bytes, o->tb, n->tb);
	row(&r[nr++], "Total", blocks, o->tbk, n->tbk);
	if (d->bklt) {
		row(&r[nr++], "At t-gmax", bytes, o->gb, n->gb);
		row(&r[nr++], "At t-gmax", blocks, o->gbk, n->gbk);
		row(&r[nr++], "At t-end", bytes, o->eb, n->eb);
		row(&r[nr++], "At t-end", blocks, o->ebk, n->ebk);
	}
	if (d->bkacc) {
		row(&r[nr++], "Reads", bytes, o->rb, n->rb);
		row(&r[nr++], "Writes", bytes, o->wb, n->wb);
	}
	return nr;
}
