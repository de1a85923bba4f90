/* SPDX-License-Identifier: MIT */
/*
 * markdown.c - dhat-summarize --format=markdown: a section per profile
 * for a pull-request comment or a CI job summary: what was allocated,
 * the peak and what was live at the end, the sites that made the peak
 * and the leaks, and the budgets with the sites to blame.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "summary.h"

#define SITES_SHOWN	5

/* S as text that a table cell shows as it is: '|' and '`' as '?'. */
static void
plain(char *buf, size_t len, const char *s)
{
	dtool_text(buf, len, s);
	for (char *c = buf; *c != '\0'; c++)
		if (*c == '|' || *c == '`')
			*c = '?';
}

static void
total_row(FILE *f, const char *what, uint64_t bytes, uint64_t blocks,
    const char *unit)
{
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF];

	fputs("| ", f);
	dtool_fputs_style(what, f, DTOOL_S_MARKDOWN, SIZE_MAX);
	fprintf(f, " | %s | %s |\n", dtool_fmt_size(a, bytes, unit),
	    dtool_fmt_u64(b, blocks));
}

/* TITLE, then the first SITES_SHOWN sites by budget metric BM out of
 * WHOLE. */
static void
sites(FILE *f, const struct dtool_profile *p, const char *title, int bm,
    uint64_t whole, const char *unit)
{
	struct dtool_sites l = { .p = p, .bm = bm };
	size_t *idx, n = dtool_sites_top(&l, &idx);
	size_t show = n < SITES_SHOWN ? n : SITES_SHOWN;
	char (*names)[1024] = dtool_sites_names(p, idx, show);
	char v[DTOOL_NUMBUF], pc[DTOOL_NUMBUF];

	fprintf(f, "\n### %s\n\n", title);
	if (n == 0)
		fputs("None.\n", f);
	else
		fputs("| | Share | Site |\n|--:|--:|---|\n", f);
	for (size_t i = 0; i < show; i++) {
		uint64_t x = dtool_budget_value(bm, dtool_profile_pp(p,
		    idx[i]));

		fprintf(f, "| %s | %s | ", dtool_fmt_size(v, x, unit),
		    dtool_fmt_perc(pc, dtool_div((double)x, (double)whole)));
		dtool_markdown_code(f, names[i]);
		fputs(" |\n", f);
	}
	if (show < n)
		fprintf(f, "\n... and %s more\n", dtool_fmt_u64(v, n - show));
	free(names);
	free(idx);
}

static void
print_markdown(const struct dtool_summary *s)
{
	FILE *f = s->o->out;
	const struct dtool_header *h = dtool_profile_header(s->p);
	struct dtool_verdict *v = dtool_gate_verdicts(s);
	struct dtool_pp tot = { 0 };
	struct dtool_units u;
	char bytes[64], blocks[64], verb[32];

	dtool_units(h, &u);
	plain(bytes, sizeof(bytes), u.bytes);
	plain(blocks, sizeof(blocks), u.blocks);
	dtool_text(verb, sizeof(verb), h->verb != NULL ? h->verb :
	    "Allocated");
	for (size_t i = 0; i < dtool_profile_npps(s->p); i++)
		dtool_pp_sum(&tot, dtool_profile_pp(s->p, i));
	fputs("## dhat-summarize ", f);
	dtool_markdown_code(f, s->name);
	fputs("\n\n", f);
	dtool_markdown_code(f, h->cmd);
	fprintf(f, "\n\n| | %s | %s |\n|---|--:|--:|\n", bytes, blocks);
	total_row(f, verb, tot.tb, tot.tbk, bytes);
	if (h->bklt) {
		total_row(f, "Peak (t-gmax)", tot.gb, tot.gbk, bytes);
		total_row(f, "Live at end (t-end)", tot.eb, tot.ebk, bytes);
		sites(f, s->p, "The peak came from", DTOOL_BM_GB, tot.gb,
		    bytes);
		sites(f, s->p, "Live at the end", DTOOL_BM_EB, tot.eb, bytes);
	} else {
		sites(f, s->p, "The largest sites", DTOOL_BM_TB, tot.tb,
		    bytes);
	}
	dtool_markdown_verdicts(f, v, s->o->nbudgets);
	/* Sections of several profiles apart. */
	fputc('\n', f);
	free(v);
}

const struct dtool_summary_format dtool_summary_markdown = {
	.name = "markdown", .print = print_markdown,
};
