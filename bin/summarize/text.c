/* SPDX-License-Identifier: MIT */
/*
 * text.c - dhat-summarize's text output (totals, top program points,
 * leaks, the viewer's tree) and the choice between the output formats.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/top.h"
#include "summary.h"
#include "viewer.h"

static void
amount_line(FILE *f, const char *title, uint64_t bytes, uint64_t blocks,
    const struct dtool_units *u)
{
	char a[DTOOL_NUMBUF], b[DTOOL_NUMBUF];

	fprintf(f, "%s%s%s %s ", dtool_bold(), title, dtool_reset(),
	    dtool_fmt_u64(a, bytes));
	dtool_fputs_text(u->bytes, f);
	fprintf(f, " in %s ", dtool_fmt_u64(b, blocks));
	dtool_fputs_text(u->blocks, f);
	fputc('\n', f);
}

/* How the process ended, or that it had not (libdhat's "end" and
 * "partial"): nothing when the profile does not say. */
static void
print_end(const struct dtool_header *h, FILE *f)
{
	const struct dtool_end *e = &h->end;
	char n[DTOOL_NUMBUF];

	if (h->partial)
		fputs("Partial:   written while the process was running\n\n",
		    f);
	if (e->by == NULL)
		return;
	fputs("Ended:     ", f);
	if (strcmp(e->by, "signal") == 0) {
		fputs("killed by ", f);
		dtool_fputs_text(e->signal_name != NULL ? e->signal_name :
		    "a signal", f);
		if (h->have & DTOOL_H_SIGNAL)
			fprintf(f, " (signal %s)", dtool_fmt_u64(n,
			    e->signal));
	} else if (strcmp(e->by, "exit") == 0) {
		fputs("exit status ", f);
		fputs(h->have & DTOOL_H_STATUS ? dtool_fmt_u64(n, e->status) :
		    "unknown", f);
	} else if (strcmp(e->by, "drop") == 0) {
		fputs("the profiler was dropped", f);
	} else if (strcmp(e->by, "assert") == 0) {
		fputs("a heap usage assertion failed", f);
	} else {
		dtool_fputs_text(e->by, f);
		if (h->have & DTOOL_H_STATUS)
			fprintf(f, "(%s)", dtool_fmt_u64(n, e->status));
	}
	fputs("\n\n", f);
}

/* The overview's first lines: the command and what kind of profile. */
static void
print_command(const struct dtool_header *h, FILE *f)
{
	fprintf(f, "%sCommand:%s   ", dtool_bold(), dtool_reset());
	dtool_fputs_text(h->cmd, f);
	fprintf(f, "\n%sProfile:%s   pid %" PRIu64 ", ", dtool_bold(),
	    dtool_reset(), h->pid);
	dtool_fputs_text(h->mode, f);
	fputs(" mode, time in ", f);
	dtool_fputs_text(h->tu, f);
	/* print_end follows, with its own blank line when it says more. */
	fputs(h->end.by == NULL && !h->partial ? "\n\n" : "\n", f);
}

static void
print_totals(const struct dtool_header *h, const struct dtool_pp *tot,
    FILE *f)
{
	struct dtool_units u;
	char a[DTOOL_NUMBUF], ub[128];

	dtool_units(h, &u);
	u.bytes = dtool_text(ub, sizeof(ub), u.bytes);
	amount_line(f, "Total:    ", tot->tb, tot->tbk, &u);
	if (h->bklt) {
		amount_line(f, "At t-gmax:", tot->gb, tot->gbk, &u);
		amount_line(f, "At t-end: ", tot->eb, tot->ebk, &u);
	}
	if (h->bkacc) {
		fprintf(f, "%sReads:%s     %s %s\n", dtool_bold(),
		    dtool_reset(), dtool_fmt_u64(a, tot->rb), u.bytes);
		fprintf(f, "%sWrites:%s    %s %s\n", dtool_bold(),
		    dtool_reset(), dtool_fmt_u64(a, tot->wb), u.bytes);
	}
}

static void
print_list(const struct dtool_profile *p, struct dtool_tree *t,
    const struct dtool_summary_opts *o, bool leaks)
{
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_render r = {
		.metric = leaks ? DTOOL_M_AT_TEND : o->metric,
		.threshold = o->threshold,
		.max_frames = o->max_frames,
		.out = o->out,
	};
	size_t *idx, n, show;
	char label[256], id[64], a[DTOOL_NUMBUF], b[DTOOL_NUMBUF], c[DTOOL_NUMBUF];
	char ub[128], bb[128];
	struct dtool_units u;
	uint64_t lb = 0, lbk = 0;

	dtool_units(h, &u);
	u.bytes = dtool_text(ub, sizeof(ub), u.bytes);
	u.blocks = dtool_text(bb, sizeof(bb), u.blocks);
	show = (!leaks || o->top_given) ? (size_t)o->top : SIZE_MAX;
	n = dtool_rank_pps(p, t, o->metric, leaks, show, &idx);
	if (n < show)
		show = n;
	if (leaks) {
		for (size_t i = 0; i < n; i++) {
			lb += dtool_profile_pp(p, idx[i])->eb;
			lbk += dtool_profile_pp(p, idx[i])->ebk;
		}
		fprintf(o->out, "Live at t-end: %s %s in %s %s from %s "
		    "program point%s%s\n", dtool_fmt_u64(a, lb), u.bytes,
		    dtool_fmt_u64(b, lbk), u.blocks, dtool_fmt_u64(c, n),
		    n == 1 ? "" : "s",
		    n == 0 ? "" : show < n ? ", largest first:" :
		    ", largest first:");
	} else {
		dtool_metric_label(o->metric, h, label, sizeof(label));
		fprintf(o->out, "Top %s of %s program points by %s",
		    dtool_fmt_u64(a, show), dtool_fmt_u64(b,
		    dtool_profile_npps(p)), dtool_text(label, sizeof(label),
		    label));
		if (n < dtool_profile_npps(p))
			fprintf(o->out, " (%s qualify)", dtool_fmt_u64(c, n));
		fprintf(o->out, "%s\n", show > 0 ? ":" : "");
	}
	for (size_t i = 0; i < show; i++) {
		fputc('\n', o->out);
		snprintf(id, sizeof(id), "%zu/%zu", i + 1, show);
		dtool_tree_print_pp(t, &r, dtool_profile_pp(p, idx[i]), id);
	}
	if (show < n)
		fprintf(o->out, "\n... %s more (--top)\n", dtool_fmt_u64(a,
		    n - show));
	free(idx);
}

static void
print_text(const struct dtool_summary *s)
{
	const struct dtool_profile *p = s->p;
	struct dtool_tree *t = s->t;
	const struct dtool_summary_opts *o = s->o;
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_pp tot;

	if (o->tree) {
		struct dtool_render r = {
			.metric = o->metric,
			.threshold = o->threshold,
			.max_frames = o->max_frames,
			.out = o->out,
		};

		dtool_tree_print(t, &r);
		dtool_gate_print_text(s);
		return;
	}
	dtool_tree_totals(t, &tot);
	if (o->timeline) {
		print_command(h, o->out);
		if (h->ntimeline == 0)
			fputs("This profile has no record of memory over time: "
			    "it was written by another tool\nor an older "
			    "libdhat.\n", o->out);
		dtool_print_timeline(o->out, h, dtool_text_width(o->out), 20);
		dtool_gate_print_text(s);
		return;
	}
	if (!o->list) {
		print_command(h, o->out);
		print_end(h, o->out);
		dtool_print_overview(s, &tot);
		dtool_gate_print_text(s);
		return;
	}
	dtool_print_invocation(h, o->out);
	print_end(h, o->out);
	print_totals(h, &tot, o->out);
	fputc('\n', o->out);
	print_list(p, t, o, o->leaks);
	dtool_gate_print_text(s);
}

const struct dtool_summary_format dtool_summary_text = {
	.name = "text", .tree = true, .print = print_text,
};
