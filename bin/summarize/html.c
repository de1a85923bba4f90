/* SPDX-License-Identifier: MIT */
/*
 * html.c - dhat-summarize --format=html: one self-contained page, for any
 * browser and without a network: the overview, memory over time when the
 * profile records it, an interactive flame graph, the sites in a
 * sortable table with their stacks, and the leaks.  The page is the
 * script and style of report.js and report.css (embedded at build time)
 * and the profile's figures as JSON, cut to what a reader can see: the
 * flame tree without the boxes too narrow to show (summed into "other"
 * boxes), and the sites that are among the first by some figure (the
 * rest summed).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "common/json_out.h"
#include "assets.h"
#include "flame.h"
#include "profile/frame.h"
#include "profile/metric.h"
#include "summary.h"

/* Sites kept: the first SITES_PER_FIGURE by each figure of the table. */
#define SITES_PER_FIGURE	300
/* Flame boxes narrower than this share of the whole, by every metric,
 * are summed into their parent's "other" box. */
#define FLAME_MIN_SHARE		(1.0 / 4000)


struct page {
	FILE *f;
	const struct dtool_profile *p;
	const struct dtool_header *h;
	int metrics[DTOOL_FLAME_METRICS];
	int nmetrics;
};

/* ---- the flame tree --------------------------------------------------- */

static bool
narrow(const struct page *pg, const struct dtool_flame *t, uint32_t node)
{
	for (int m = 0; m < pg->nmetrics; m++)
		if ((double)t->nodes[node].w[m] >=
		    FLAME_MIN_SHARE * (double)t->nodes[0].w[m] &&
		    t->nodes[node].w[m] > 0)
			return false;
	return true;
}

static void
flame_row(const struct page *pg, const uint64_t *w, long name, long parent,
    const char *label, bool *first)
{
	fprintf(pg->f, "%s[%ld,%ld", *first ? "" : ",", name, parent);
	for (int m = 0; m < pg->nmetrics; m++)
		fprintf(pg->f, ",%" PRIu64, w[m]);
	if (label != NULL) {
		fputc(',', pg->f);
		dtool_json_string(pg->f, label);
	}
	fputc(']', pg->f);
	*first = false;
}

/* NODE (row *ROW) and, in pre-order, its kids that are wide enough; the
 * narrow ones as one row labelled "other: N functions". */
static void
flame_rows(const struct page *pg, const struct dtool_flame *t, uint32_t node,
    long parent, long *row, bool *first)
{
	uint64_t other[DTOOL_FLAME_METRICS] = { 0 };
	uint32_t *kids, nother = 0;
	size_t nk = dtool_flame_kids(t, node, &kids);
	long me = (*row)++;
	char label[64];

	flame_row(pg, t->nodes[node].w, t->nodes[node].name, parent, NULL,
	    first);
	for (size_t i = 0; i < nk; i++) {
		if (!narrow(pg, t, kids[i])) {
			flame_rows(pg, t, kids[i], me, row, first);
			continue;
		}
		for (int m = 0; m < pg->nmetrics; m++)
			other[m] += t->nodes[kids[i]].w[m];
		nother++;
	}
	if (nother > 0) {
		snprintf(label, sizeof(label), "other: %" PRIu32 " function%s",
		    nother, nother == 1 ? "" : "s");
		flame_row(pg, other, -1, me, label, first);
		(*row)++;
	}
	free(kids);
}

static void
print_flame(const struct page *pg)
{
	struct dtool_flame *t = dtool_flame_build(pg->p, pg->metrics,
	    pg->nmetrics, -1);
	bool first = true;
	long row = 0;

	dtool_json_key(pg->f, "fnames");
	fputc('[', pg->f);
	for (size_t i = 0; i < t->nnames; i++) {
		fputs(i ? "," : "", pg->f);
		dtool_json_string(pg->f, t->names[i]);
	}
	fputc(']', pg->f);
	dtool_json_key(pg->f, "flame");
	fputc('[', pg->f);
	flame_rows(pg, t, 0, -1, &row, &first);
	fputc(']', pg->f);
	dtool_flame_free(t);
}

/* ---- the sites -------------------------------------------------------- */

struct by_metric {
	const struct dtool_profile *p;
	int metric;
};

static int
cmp_site(const void *a, const void *b, void *ctx)
{
	const struct by_metric *c = ctx;
	uint64_t x = dtool_metric_value(c->metric,
	    dtool_profile_pp(c->p, *(const size_t *)a));
	uint64_t y = dtool_metric_value(c->metric,
	    dtool_profile_pp(c->p, *(const size_t *)b));

	if (x != y)
		return x < y ? 1 : -1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* Marks in KEEP the first SITES_PER_FIGURE sites by each metric. */
static void
choose_sites(const struct page *pg, bool *keep)
{
	size_t n = dtool_profile_npps(pg->p);
	size_t *idx = dtool_xreallocarray(NULL, n ? n : 1, sizeof(*idx));
	struct by_metric c = { pg->p, 0 };

	for (int m = 0; m < pg->nmetrics; m++) {
		for (size_t i = 0; i < n; i++)
			idx[i] = i;
		c.metric = pg->metrics[m];
		qsort_r(idx, n, sizeof(*idx), cmp_site, &c);
		for (size_t i = 0; i < n && i < SITES_PER_FIGURE; i++)
			if (dtool_metric_value(c.metric,
			    dtool_profile_pp(pg->p, idx[i])) > 0)
				keep[idx[i]] = true;
	}
	free(idx);
}

static void
site_figures(FILE *f, const struct dtool_pp *pp)
{
	fprintf(f, "\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64 ",\"tl\":%" PRIu64
	    ",\"mb\":%" PRIu64 ",\"gb\":%" PRIu64 ",\"gbk\":%" PRIu64
	    ",\"eb\":%" PRIu64 ",\"ebk\":%" PRIu64, pp->tb, pp->tbk, pp->tl,
	    pp->mb, pp->gb, pp->gbk, pp->eb, pp->ebk);
}

/* The kept sites with their stacks (frame-table indices of the file),
 * and the rest summed. */
static void
print_sites(const struct page *pg)
{
	size_t n = dtool_profile_npps(pg->p), nrest = 0;
	bool *keep = dtool_xcalloc(n ? n : 1, sizeof(*keep)), first = true;
	struct dtool_pp rest;

	memset(&rest, 0, sizeof(rest));
	choose_sites(pg, keep);
	dtool_json_key(pg->f, "sites");
	fputc('[', pg->f);
	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(pg->p, i);

		if (!keep[i]) {
			dtool_pp_sum(&rest, pp);
			nrest++;
			continue;
		}
		fputs(first ? "{" : ",{", pg->f);
		first = false;
		site_figures(pg->f, pp);
		fputs(",\"fs\":[", pg->f);
		for (uint32_t k = 0; k < pp->nfs; k++)
			fprintf(pg->f, "%s%" PRIu32, k ? "," : "", pp->fs[k]);
		fputs("]}", pg->f);
	}
	fputc(']', pg->f);
	dtool_json_key(pg->f, "rest");
	fprintf(pg->f, "{\"n\":%zu,", nrest);
	site_figures(pg->f, &rest);
	fputc('}', pg->f);
	free(keep);
}

/* Every frame of the file without its address (sites index them). */
static void
put_frames(const struct page *pg)
{
	dtool_json_key(pg->f, "frames");
	fputc('[', pg->f);
	for (size_t i = 0; i < dtool_profile_nframes(pg->p); i++) {
		fputs(i ? "," : "", pg->f);
		dtool_json_string(pg->f, dtool_frame_strip_address(
		    dtool_profile_frame(pg->p, (uint32_t)i)));
	}
	fputc(']', pg->f);
}

/* ---- the page --------------------------------------------------------- */

static void
print_header(const struct page *pg, const char *name)
{
	const struct dtool_header *h = pg->h;
	struct dtool_units u;
	struct dtool_pp tot;

	memset(&tot, 0, sizeof(tot));
	for (size_t i = 0; i < dtool_profile_npps(pg->p); i++)
		dtool_pp_sum(&tot, dtool_profile_pp(pg->p, i));
	dtool_units(h, &u);
	dtool_json_profile_head(pg->f, name, h);
	dtool_json_str(pg->f, "bytes_unit", u.bytes);
	dtool_json_str(pg->f, "blocks_unit", u.blocks);
	dtool_json_u64(pg->f, "te", h->te);
	dtool_json_u64(pg->f, "tg", h->tg);
	dtool_json_u64(pg->f, "program_points", dtool_profile_npps(pg->p));
	dtool_json_key(pg->f, "totals");
	fputc('{', pg->f);
	site_figures(pg->f, &tot);
	fputc('}', pg->f);
	dtool_json_timeline(pg->f, h);
	dtool_json_key(pg->f, "metrics");
	fputc('[', pg->f);
	for (int m = 0; m < pg->nmetrics; m++) {
		fputs(m ? "," : "", pg->f);
		dtool_json_string(pg->f, dtool_metric_name(pg->metrics[m]));
	}
	fputc(']', pg->f);
}

/* The profile's data, as JSON inside the page: "</" is written "<\/",
 * so that no string can close the script element. */
static void
print_data(struct page *pg, const char *name)
{
	FILE *out = pg->f;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (mem == NULL)
		dtool_die(dtool_trouble_status(), "memory stream");
	pg->f = mem;
	print_header(pg, name);
	put_frames(pg);
	print_sites(pg);
	print_flame(pg);
	fputs("}", mem);
	if (fclose(mem) != 0)
		dtool_die(dtool_trouble_status(), "memory stream");
	pg->f = out;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '<' && i + 1 < len && buf[i + 1] == '/')
			fputs("<\\", out);
		else
			fputc(buf[i], out);
	}
	free(buf);
}

static void
print_html(const struct dtool_summary *s)
{
	struct page pg = { s->o->out, s->p, dtool_profile_header(s->p),
	    { DTOOL_M_TOTAL_BYTES }, 1 };

	if (pg.h->bklt) {
		pg.metrics[pg.nmetrics++] = DTOOL_M_AT_TGMAX;
		pg.metrics[pg.nmetrics++] = DTOOL_M_AT_TEND;
	}
	pg.metrics[pg.nmetrics++] = DTOOL_M_TOTAL_BLOCKS;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width\">\n<title>", pg.f);
	dtool_fputs_style(s->name, pg.f, DTOOL_S_XML, SIZE_MAX);
	fputs(" \xe2\x80\x94 dhat report</title>\n<style>\n", pg.f);
	fputs(dtool_report_css, pg.f);
	fputs("</style>\n</head>\n<body>\n<noscript>This report needs "
	    "JavaScript.</noscript>\n<script type=\"application/json\" "
	    "id=\"data\">", pg.f);
	print_data(&pg, s->name);
	fputs("</script>\n<script>\n", pg.f);
	fputs(dtool_report_js, pg.f);
	fputs("</script>\n</body>\n</html>\n", pg.f);
}

const struct dtool_summary_format dtool_summary_html = {
	.name = "html", .one_profile = true, .print = print_html,
};
