/* SPDX-License-Identifier: MIT */
/*
 * json.c - dhat-diff --format=json: one compact JSON object on one line,
 * with both files' headers, the totals and their deltas, the changed,
 * new and gone program points and the budgets (see dhat-diff(1)).
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "diff.h"

static void
jstr(FILE *f, const char *s)
{
	putc('"', f);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\u%04x", *c);
		else
			putc(*c, f);
	}
	putc('"', f);
}

static void
jkey(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void
jnum(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":%" PRIu64, k, v);
}

static void
jbool(FILE *f, const char *k, bool v)
{
	fprintf(f, ",\"%s\":%s", k, v ? "true" : "false");
}

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
	fprintf(f, "\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64, pp->tb, pp->tbk);
	if (d->bklt) {
		jnum(f, "tl", pp->tl);
		jnum(f, "gb", pp->gb);
		jnum(f, "gbk", pp->gbk);
		jnum(f, "eb", pp->eb);
		jnum(f, "ebk", pp->ebk);
	}
	if (d->bkacc) {
		jnum(f, "rb", pp->rb);
		jnum(f, "wb", pp->wb);
	}
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

	fputs("{\"file\":", f);
	jstr(f, s->name);
	jkey(f, "mode");
	jstr(f, h->mode);
	jkey(f, "verb");
	jstr(f, h->verb);
	jkey(f, "cmd");
	jstr(f, h->cmd);
	jnum(f, "pid", h->pid);
	jbool(f, "bklt", h->bklt);
	jbool(f, "bkacc", h->bkacc);
	jkey(f, "tu");
	jstr(f, h->tu);
	jnum(f, "te", h->te);
	if (h->bklt)
		jnum(f, "tg", h->tg);
	jnum(f, "program_points", dtool_profile_npps(s->p));
	putc('}', f);
}

static void
jframes(FILE *f, const struct dtool_diff *d, uint32_t id, int max)
{
	uint32_t n = dtool_stacks_depth(d->stacks, id);

	jnum(f, "frame_count", n);
	jkey(f, "frames");
	putc('[', f);
	for (uint32_t i = 0; i < n && (max < 0 || i < (uint32_t)max); i++) {
		if (i)
			putc(',', f);
		jstr(f, dtool_stacks_key(d->stacks, id, i));
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
	jnum(f, k, n);
	jkey(f, name);
	putc('[', f);
	for (size_t i = 0; i < show; i++) {
		const struct dtool_group *g = &d->g[ids[i]];

		fprintf(f, "%s{\"rank\":%zu,", i ? "," : "", i + 1);
		if (which < 0) {
			jtriple(f, d, &g->sum[DTOOL_OLD], &g->sum[DTOOL_NEW]);
			jnum(f, "old_program_points", g->n[DTOOL_OLD]);
			jnum(f, "new_program_points", g->n[DTOOL_NEW]);
		} else {
			jfigures(f, d, &g->sum[which]);
			jnum(f, "program_points", g->n[which]);
		}
		jframes(f, d, ids[i], o->max_frames);
		putc('}', f);
	}
	putc(']', f);
}

void
dtool_diff_print_json(const struct dtool_diff *d,
    const struct dtool_diff_out *o)
{
	FILE *f = o->out;
	size_t exceeded = 0;

	fputs("{\"files\":{\"old\":", f);
	jfile(f, &d->side[DTOOL_OLD]);
	fputs(",\"new\":", f);
	jfile(f, &d->side[DTOOL_NEW]);
	putc('}', f);
	jkey(f, "match");
	jstr(f, dtool_match_name(d->match));
	jkey(f, "sort");
	jstr(f, dtool_metric_name(d->metric));
	jbool(f, "bklt", d->bklt);
	jbool(f, "bkacc", d->bkacc);
	jkey(f, "bytes_unit");
	jstr(f, d->u.bytes);
	jkey(f, "blocks_unit");
	jstr(f, d->u.blocks);
	fputs(",\"totals\":{", f);
	jtriple(f, d, &d->side[DTOOL_OLD].tot, &d->side[DTOOL_NEW].tot);
	putc('}', f);
	jnum(f, "matched", d->nmatched);
	jlist(f, d, o, "changed", d->changed, d->nchanged, -1);
	jlist(f, d, o, "new", d->added, d->nadded, DTOOL_NEW);
	jlist(f, d, o, "gone", d->gone, d->ngone, DTOOL_OLD);
	jkey(f, "budgets");
	putc('[', f);
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		fputs(i ? ",{\"budget\":" : "{\"budget\":", f);
		jstr(f, b->text);
		jkey(f, "metric");
		jstr(f, dtool_budget_metric_name(b->metric));
		jkey(f, "op");
		jstr(f, b->ge ? ">=" : ">");
		jkey(f, "limit");
		jstr(f, b->limit);
		jbool(f, "relative", b->relative);
		jnum(f, "old", b->old);
		jnum(f, "new", b->new);
		jdelta(f, "delta", b->old, b->new);
		jbool(f, "exceeded", b->breached);
		putc('}', f);
		exceeded += b->breached;
	}
	putc(']', f);
	jnum(f, "exceeded", exceeded);
	fputs("}\n", f);
}
