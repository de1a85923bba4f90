/* SPDX-License-Identifier: MIT */
/*
 * text.c - dhat-diff's text output: the two files, their totals side by
 * side with deltas, the program points that changed most, the new and
 * the gone ones, and the budgets.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff.h"

static const char *const match_desc[] = {
	"function and file", "function, file and line", "whole frame"
};

/* "1,000 -> 2,000 bytes (+1,000, +100%)", or "1,000 bytes" when equal. */
static void
pair(FILE *f, uint64_t old, uint64_t new, const char *unit)
{
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF];

	fputs(dtool_fmt_u64(a, old), f);
	if (new != old)
		fprintf(f, " -> %s", dtool_fmt_u64(b, new));
	fprintf(f, " %s", unit);
	if (new != old)
		fprintf(f, " (%s, %s)", dtool_fmt_delta(a, old, new),
		    dtool_fmt_change(b, old, new));
}

struct units {
	char bytes[64], blocks[64];
};

static void
amounts(FILE *f, const char *title, uint64_t ob, uint64_t nb, uint64_t obk,
    uint64_t nbk, const struct units *u)
{
	fprintf(f, "  %s ", title);
	pair(f, ob, nb, u->bytes);
	fputs(" in ", f);
	pair(f, obk, nbk, u->blocks);
	fputc('\n', f);
}

static void
figures(FILE *f, const struct dtool_diff *d, const struct dtool_pp *o,
    const struct dtool_pp *n, const struct units *u)
{
	amounts(f, "Total:    ", o->tb, n->tb, o->tbk, n->tbk, u);
	if (d->bklt) {
		amounts(f, "At t-gmax:", o->gb, n->gb, o->gbk, n->gbk, u);
		amounts(f, "At t-end: ", o->eb, n->eb, o->ebk, n->ebk, u);
	}
	if (d->bkacc) {
		fputs("  Reads:     ", f);
		pair(f, o->rb, n->rb, u->bytes);
		fputs("\n  Writes:    ", f);
		pair(f, o->wb, n->wb, u->bytes);
		fputc('\n', f);
	}
}

static void
frames(FILE *f, const struct dtool_diff *d, uint32_t id, int side, int max)
{
	const struct dtool_header *h = dtool_profile_header(d->side[side].p);
	uint32_t n = dtool_diff_depth(d, id);
	char a[DTOOL_NUMBUF];

	fputs("  ", f);
	dtool_fputs_text(h->verb, f);
	fputs(" at {\n", f);
	for (uint32_t i = 0; i < n; i++) {
		if (max >= 0 && i == (uint32_t)max) {
			fprintf(f, "    ... %s more\n", dtool_fmt_u64(a, n - i));
			break;
		}
		fprintf(f, "    #%u: ", i + 1);
		dtool_fputs_text(dtool_diff_frame(d, id, i), f);
		fputc('\n', f);
	}
	fputs("  }\n", f);
}

/* The sorted value's unit: blocks for the block metrics. */
static const char *
metric_unit(const struct dtool_diff *d, const struct units *u)
{
	const char *fld = dtool_metric_field(d->metric);

	return strcmp(fld, "tbk") == 0 ? u->blocks : u->bytes;
}

static void
list(FILE *f, const struct dtool_diff *d, const struct dtool_diff_out *o,
    const char *title, const uint32_t *ids, size_t n, int which,
    const struct units *u)
{
	size_t show = n < (size_t)o->top ? n : (size_t)o->top;
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF];

	fprintf(f, "\n%s%s (%s)%s%s\n", dtool_bold(), title,
	    dtool_fmt_u64(a, n), show > 0 ? ":" : "", dtool_reset());
	for (size_t i = 0; i < show; i++) {
		const struct dtool_group *g = &d->g[ids[i]];
		const struct dtool_pp *op = &g->sum[DTOOL_OLD];
		const struct dtool_pp *np = &g->sum[DTOOL_NEW];
		uint64_t vo = dtool_diff_value(d, op);
		uint64_t vn = dtool_diff_value(d, np);

		fprintf(f, "\n%sPP %zu/%zu:%s ", dtool_bold(), i + 1, show,
		    dtool_reset());
		if (which < 0) {
			fprintf(f, "%s %s (%s)\n", dtool_fmt_delta(a, vo, vn),
			    metric_unit(d, u), dtool_fmt_change(b, vo, vn));
			figures(f, d, op, np, u);
			if (g->n[DTOOL_OLD] > 1 || g->n[DTOOL_NEW] > 1)
				fprintf(f, "  Summed: %s program point%s in "
				    "old, %s in new\n",
				    dtool_fmt_u64(a, g->n[DTOOL_OLD]),
				    g->n[DTOOL_OLD] == 1 ? "" : "s",
				    dtool_fmt_u64(b, g->n[DTOOL_NEW]));
			frames(f, d, ids[i], DTOOL_NEW, o->max_frames);
			continue;
		}
		fprintf(f, "%s %s\n", dtool_fmt_u64(a, which == DTOOL_NEW ?
		    vn : vo), metric_unit(d, u));
		if (which == DTOOL_NEW)
			figures(f, d, np, np, u);
		else
			figures(f, d, op, op, u);
		if (g->n[which] > 1)
			fprintf(f, "  Summed: %s program points\n",
			    dtool_fmt_u64(a, g->n[which]));
		frames(f, d, ids[i], which, o->max_frames);
	}
	if (show < n)
		fprintf(f, "\n... %s more (--top)\n", dtool_fmt_u64(a,
		    n - show));
}

static void
file_line(FILE *f, const char *tag, const struct dtool_side *s)
{
	const struct dtool_header *h = dtool_profile_header(s->p);

	fprintf(f, "%s%s:%s ", dtool_bold(), tag, dtool_reset());
	dtool_fputs_text(s->name, f);
	fputs(" (", f);
	dtool_fputs_text(h->mode, f);
	fprintf(f, ", pid %llu): ", (unsigned long long)h->pid);
	dtool_fputs_text(h->cmd, f);
	fputc('\n', f);
}

/* Display width: "∞" is three bytes and one column. */
static int
width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void
totals(FILE *f, const struct dtool_diff *d, const struct units *u)
{
	static const char *const head[4] = { "old", "new", "delta",
	    "change" };
	struct dtool_diff_row r[DTOOL_DIFF_ROWS];
	int nr = dtool_diff_totals(d, u->bytes, u->blocks, r), lw = 0, cw[4];
	for (int c = 0; c < 4; c++)
		cw[c] = width(head[c]);
	for (int i = 0; i < nr; i++) {
		if (width(r[i].label) > lw)
			lw = width(r[i].label);
		for (int c = 0; c < 4; c++)
			if (width(r[i].col[c]) > cw[c])
				cw[c] = width(r[i].col[c]);
	}
	fprintf(f, "%s%*s", dtool_bold(), lw, "");
	for (int c = 0; c < 4; c++)
		fprintf(f, "  %*s", cw[c], head[c]);
	fprintf(f, "%s\n", dtool_reset());
	for (int i = 0; i < nr; i++) {
		fprintf(f, "%s%*s", r[i].label, lw - width(r[i].label), "");
		for (int c = 0; c < 4; c++)
			fprintf(f, "  %*s%s", cw[c] - width(r[i].col[c]), "",
			    r[i].col[c]);
		fputc('\n', f);
	}
}

static void
print_text(const struct dtool_diff *d,
    const struct dtool_diff_out *o)
{
	FILE *f = o->out;
	struct units u;
	char label[256], line[512], t[300];

	dtool_text(u.bytes, sizeof(u.bytes), d->u.bytes);
	dtool_text(u.blocks, sizeof(u.blocks), d->u.blocks);
	file_line(f, "old", &d->side[DTOOL_OLD]);
	file_line(f, "new", &d->side[DTOOL_NEW]);
	fputc('\n', f);
	totals(f, d, &u);
	dtool_metric_label(d->metric, dtool_profile_header(
	    d->side[DTOOL_NEW].p), label, sizeof(label));
	dtool_text(label, sizeof(label), label);
	fprintf(f, "\nProgram points: %zu in old, %zu in new; %zu stacks "
	    "matched by %s\n", dtool_profile_npps(d->side[DTOOL_OLD].p),
	    dtool_profile_npps(d->side[DTOOL_NEW].p), d->nmatched,
	    match_desc[d->match]);
	snprintf(t, sizeof(t), "%s by %s", d->unchanged ? "Matched" :
	    "Changed", label);
	list(f, d, o, t, d->changed, d->nchanged, -1, &u);
	snprintf(t, sizeof(t), "New by %s", label);
	list(f, d, o, t, d->added, d->nadded, DTOOL_NEW, &u);
	snprintf(t, sizeof(t), "Gone by %s", label);
	list(f, d, o, t, d->gone, d->ngone, DTOOL_OLD, &u);
	if (o->nbudgets == 0)
		return;
	fprintf(f, "\n%sBudgets:%s\n", dtool_bold(), dtool_reset());
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		dtool_budget_describe(b, &d->u, true, line, sizeof(line));
		fprintf(f, "  %s%-8s%s", b->breached ? dtool_alert() : "",
		    b->breached ? "EXCEEDED" : "ok", b->breached ?
		    dtool_reset() : "");
		fputs(" ", f);
		dtool_fputs_text(b->text, f);
		fprintf(f, ": %s\n", line);
		if (b->breached)
			dtool_diff_print_blame(f, d, b->metric,
			    "             ");
	}
}

const struct dtool_diff_format dtool_diff_text = {
	.name = "text", .print = print_text,
};
