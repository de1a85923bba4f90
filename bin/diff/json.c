/* SPDX-License-Identifier: MIT */
/*
 * json.c - dhat-diff --format=json: one compact JSON object on one line,
 * with both files' headers, the totals and their deltas, the changed,
 * new and gone program points and the budgets (see dhat-diff(1)).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "common/json_out.h"
#include "diff.h"

/* ,"K":NEW-OLD as a JSON integer (it may be negative). */
static void
jdelta(FILE *f, const char *k, uint64_t old, uint64_t new)
{
	if (new >= old)
		fprintf(f, ",\"%s\":%" PRIu64, k, new - old);
	else
		fprintf(f, ",\"%s\":-%" PRIu64, k, old - new);
}

/* The DHAT fields both files have, as "tb":...,"tbk":... */
static void
jfigures(FILE *f, const struct dtool_diff *d, const struct dtool_pp *pp)
{
	dtool_json_figures(f, pp, d->bklt, d->bkacc, false);
}

static void
jdeltas(FILE *f, const struct dtool_diff *d, const struct dtool_pp *o,
    const struct dtool_pp *n)
{
	/* The first member has no comma before it. */
	fprintf(f, "\"tb\":%s%" PRIu64, n->tb >= o->tb ? "" : "-",
	    n->tb >= o->tb ? n->tb - o->tb : o->tb - n->tb);
	jdelta(f, "tbk", o->tbk, n->tbk);
	if (d->bklt) {
		jdelta(f, "tl", o->tl, n->tl);
		jdelta(f, "gb", o->gb, n->gb);
		jdelta(f, "gbk", o->gbk, n->gbk);
		jdelta(f, "eb", o->eb, n->eb);
		jdelta(f, "ebk", o->ebk, n->ebk);
	}
	if (d->bkacc) {
		jdelta(f, "rb", o->rb, n->rb);
		jdelta(f, "wb", o->wb, n->wb);
	}
}

static void
jtriple(FILE *f, const struct dtool_diff *d, const struct dtool_pp *o,
    const struct dtool_pp *n)
{
	fputs("\"old\":{", f);
	jfigures(f, d, o);
	fputs("},\"new\":{", f);
	jfigures(f, d, n);
	fputs("},\"delta\":{", f);
	jdeltas(f, d, o, n);
	putc('}', f);
}

static void
jfile(FILE *f, const struct dtool_side *s)
{
	const struct dtool_header *h = dtool_profile_header(s->p);

	dtool_json_profile_head(f, s->name, h);
	dtool_json_u64(f, "te", h->te);
	if (h->bklt)
		dtool_json_u64(f, "tg", h->tg);
	dtool_json_u64(f, "program_points", dtool_profile_npps(s->p));
	putc('}', f);
}

static void
jframes(FILE *f, const struct dtool_diff *d, uint32_t id, int max)
{
	uint32_t n = dtool_diff_depth(d, id);

	dtool_json_u64(f, "frame_count", n);
	dtool_json_key(f, "frames");
	putc('[', f);
	for (uint32_t i = 0; i < n && (max < 0 || i < (uint32_t)max); i++) {
		if (i)
			putc(',', f);
		dtool_json_string(f, dtool_diff_frame(d, id,
		    i));
	}
	putc(']', f);
}

static void
jlist(FILE *f, const struct dtool_diff *d, const struct dtool_diff_out *o,
    const char *name, const uint32_t *ids, size_t n, int which)
{
	size_t show = n < (size_t)o->top ? n : (size_t)o->top;
	char k[32];

	snprintf(k, sizeof(k), "%s_count", name);
	dtool_json_u64(f, k, n);
	dtool_json_key(f, name);
	putc('[', f);
	for (size_t i = 0; i < show; i++) {
		const struct dtool_group *g = &d->g[ids[i]];

		fprintf(f, "%s{\"rank\":%zu,", i ? "," : "", i + 1);
		if (which < 0) {
			jtriple(f, d, &g->sum[DTOOL_OLD], &g->sum[DTOOL_NEW]);
			dtool_json_u64(f, "old_program_points",
			    g->n[DTOOL_OLD]);
			dtool_json_u64(f, "new_program_points",
			    g->n[DTOOL_NEW]);
		} else {
			jfigures(f, d, &g->sum[which]);
			dtool_json_u64(f, "program_points", g->n[which]);
		}
		jframes(f, d, ids[i], o->max_frames);
		putc('}', f);
	}
	putc(']', f);
}

/* The stacks that grew most by budget metric BM: their figures in both
 * files and their frame keys. */
static void
jblame(FILE *f, const struct dtool_diff *d, int bm)
{
	uint32_t ids[DTOOL_BLAME_LINES];
	size_t n = dtool_diff_blame(d, bm, ids, DTOOL_BLAME_LINES);

	dtool_json_key(f, "contributors");
	putc('[', f);
	for (size_t i = 0; i < n; i++) {
		const struct dtool_group *g = &d->g[ids[i]];
		uint32_t depth = dtool_diff_depth(d, ids[i]);
		uint64_t o = dtool_budget_value(bm, &g->sum[DTOOL_OLD]);
		uint64_t v = dtool_budget_value(bm, &g->sum[DTOOL_NEW]);

		fprintf(f, "%s{\"old\":%" PRIu64 ",\"new\":%" PRIu64,
		    i ? "," : "", o, v);
		jdelta(f, "delta", o, v);
		dtool_json_key(f, "frames");
		putc('[', f);
		for (uint32_t k = 0; k < depth; k++) {
			if (k)
				putc(',', f);
			dtool_json_string(f,
			    dtool_diff_frame(d, ids[i], k));
		}
		fputs("]}", f);
	}
	putc(']', f);
}

static void
print_json(const struct dtool_diff *d,
    const struct dtool_diff_out *o)
{
	FILE *f = o->out;
	size_t exceeded = 0;

	fputs("{\"files\":{\"old\":", f);
	jfile(f, &d->side[DTOOL_OLD]);
	fputs(",\"new\":", f);
	jfile(f, &d->side[DTOOL_NEW]);
	putc('}', f);
	dtool_json_str(f, "match", dtool_match_name(d->match));
	dtool_json_str(f, "sort", dtool_metric_name(d->metric));
	dtool_json_bool(f, "bklt", d->bklt);
	dtool_json_bool(f, "bkacc", d->bkacc);
	dtool_json_str(f, "bytes_unit", d->u.bytes);
	dtool_json_str(f, "blocks_unit", d->u.blocks);
	fputs(",\"totals\":{", f);
	jtriple(f, d, &d->side[DTOOL_OLD].tot, &d->side[DTOOL_NEW].tot);
	putc('}', f);
	dtool_json_u64(f, "matched", d->nmatched);
	jlist(f, d, o, "changed", d->changed, d->nchanged, -1);
	jlist(f, d, o, "new", d->added, d->nadded, DTOOL_NEW);
	jlist(f, d, o, "gone", d->gone, d->ngone, DTOOL_OLD);
	dtool_json_key(f, "budgets");
	putc('[', f);
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		if (i)
			putc(',', f);
		dtool_json_budget(f, b);
		dtool_json_str(f, "limit", b->limit);
		dtool_json_bool(f, "relative", b->relative);
		dtool_json_u64(f, "old", b->old);
		dtool_json_u64(f, "new", b->new);
		jdelta(f, "delta", b->old, b->new);
		dtool_json_bool(f, "exceeded", b->breached);
		if (b->breached)
			jblame(f, d, b->metric);
		putc('}', f);
		exceeded += b->breached;
	}
	putc(']', f);
	dtool_json_u64(f, "exceeded", exceeded);
	fputs("}\n", f);
}

const struct dtool_diff_format dtool_diff_json = {
	.name = "json", .print = print_json,
};
