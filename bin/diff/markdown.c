/* SPDX-License-Identifier: MIT */
/*
 * markdown.c - dhat-diff --format=markdown: a section for a pull-request
 * comment or a CI job summary: the totals, the sites that changed most,
 * the new and the gone ones, and the budgets with the stacks to blame.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "diff.h"

struct units {
	char bytes[64], blocks[64];
};

static void
totals(FILE *f, const struct dtool_diff *d, const struct units *u)
{
	struct dtool_diff_row r[DTOOL_DIFF_ROWS];
	int nr = dtool_diff_totals(d, u->bytes, u->blocks, r);

	fputs("| | old | new | delta | change |\n"
	    "|---|--:|--:|--:|--:|\n", f);
	for (int i = 0; i < nr; i++) {
		fputs("| ", f);
		dtool_fputs_style(r[i].label, f, DTOOL_S_MARKDOWN, SIZE_MAX);
		fprintf(f, " | %s | %s | %s | %s |\n", r[i].col[0],
		    r[i].col[1], r[i].col[2], r[i].col[3]);
	}
}

/* A list of sites: the change (or the value, for new and gone ones) of
 * the sort metric, and the site's name. */
static void
list(FILE *f, const struct dtool_diff *d, const struct dtool_diff_out *o,
    const char *title, const uint32_t *ids, size_t n, int which)
{
	size_t show = n < (size_t)o->top ? n : (size_t)o->top;
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF], name[1100];

	fprintf(f, "\n### %s (%s)\n\n", title, dtool_fmt_u64(a, n));
	if (show == 0)
		return;
	fputs("| | Site |\n|--:|---|\n", f);
	for (size_t i = 0; i < show; i++) {
		const struct dtool_group *g = &d->g[ids[i]];
		uint64_t vo = dtool_diff_value(d, &g->sum[DTOOL_OLD]);
		uint64_t vn = dtool_diff_value(d, &g->sum[DTOOL_NEW]);

		if (which < 0)
			fprintf(f, "| %s (%s) | ", dtool_fmt_delta(a, vo, vn),
			    dtool_fmt_change(b, vo, vn));
		else
			fprintf(f, "| %s | ", dtool_fmt_u64(a,
			    which == DTOOL_NEW ? vn : vo));
		dtool_diff_site_name(d, ids[i], name, sizeof(name));
		dtool_markdown_code(f, name);
		fputs(" |\n", f);
	}
	if (show < n)
		fprintf(f, "\n... and %s more\n", dtool_fmt_u64(a, n - show));
}

static void
print_markdown(const struct dtool_diff *d, const struct dtool_diff_out *o)
{
	FILE *f = o->out;
	struct dtool_verdict *v = dtool_diff_verdicts(d, o, false);
	struct units u;
	char label[128], t[192];

	dtool_text(u.bytes, sizeof(u.bytes), d->u.bytes);
	dtool_text(u.blocks, sizeof(u.blocks), d->u.blocks);
	fputs("## dhat-diff ", f);
	dtool_markdown_code(f, d->side[DTOOL_OLD].name);
	fputs(" \xe2\x86\x92 ", f);
	dtool_markdown_code(f, d->side[DTOOL_NEW].name);
	fputs("\n\n", f);
	totals(f, d, &u);
	dtool_metric_label(d->metric, dtool_profile_header(
	    d->side[DTOOL_NEW].p), label, sizeof(label));
	dtool_text(label, sizeof(label), label);
	snprintf(t, sizeof(t), "Changed by %s", label);
	list(f, d, o, t, d->changed, d->nchanged, -1);
	snprintf(t, sizeof(t), "New by %s", label);
	list(f, d, o, t, d->added, d->nadded, DTOOL_NEW);
	snprintf(t, sizeof(t), "Gone by %s", label);
	list(f, d, o, t, d->gone, d->ngone, DTOOL_OLD);
	dtool_markdown_verdicts(f, v, o->nbudgets);
	free(v);
}

const struct dtool_diff_format dtool_diff_markdown = {
	.name = "markdown", .print = print_markdown,
};
