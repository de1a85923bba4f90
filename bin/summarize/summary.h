/* SPDX-License-Identifier: MIT */
/*
 * summary.h - dhat-summarize's outputs, one file per format (text.c,
 * json.c, folded.c, svg.c, html.c), and what they share: the options, the
 * ranking of program points (rank.c) and the table of formats
 * (summarize.c).
 */
#ifndef DTOOL_SUMMARY_H
#define DTOOL_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "common/ci.h"
#include "profile/budget.h"
#include "profile/profile.h"
#include "profile/tree.h"

struct dtool_summary_opts {
	int top;		/* how many PPs to list */
	bool top_given;		/* --top was given (limits --leaks too) */
	int metric;		/* enum dtool_metric */
	int max_frames;		/* -1: all */
	double threshold;	/* fraction, -1: the viewer's */
	bool tree, leaks;
	bool list;		/* a list of PPs (--top, --sort, --leaks)
				 * rather than the overview */
	bool timeline;		/* only the chart of memory over time */
	/* --fail-if: evaluated on each profile in turn (gate.c). */
	struct dtool_budget *budgets;
	size_t nbudgets;
	const struct dtool_summary_format *format;
	FILE *out;
};

/* One profile being summarized. */
struct dtool_summary {
	const struct dtool_profile *p;
	struct dtool_tree *t;	/* the viewer's tree, for the formats that
				 * use it; only its root without --tree */
	const char *name;	/* the file it was read from */
	const struct dtool_summary_opts *o;
};

/* An output format. */
struct dtool_summary_format {
	const char *name;	/* its name for --format */
	bool tree;		/* whether it uses the viewer's tree */
	bool one_profile;	/* whether it takes one profile only */
	void (*print)(const struct dtool_summary *s);
};

extern const struct dtool_summary_format dtool_summary_text;
extern const struct dtool_summary_format dtool_summary_json;
extern const struct dtool_summary_format dtool_summary_folded;
extern const struct dtool_summary_format dtool_summary_svg;
extern const struct dtool_summary_format dtool_summary_html;
extern const struct dtool_summary_format dtool_summary_junit;
extern const struct dtool_summary_format dtool_summary_tap;
extern const struct dtool_summary_format dtool_summary_markdown;

/* PP's name (site.c): its first frame that is not the allocator's own,
 * and that frame's caller's function; with SAME, an earlier site that has
 * the same name, the first frame where their stacks part is added (the
 * caller's line, when they part there). */
void dtool_site_name(const struct dtool_profile *p, const struct dtool_pp *pp,
    const struct dtool_pp *same, char *buf, size_t len);

/* A list of sites by one figure (site.c). */
struct dtool_sites {
	FILE *f;
	const struct dtool_profile *p;
	int bm;			/* the figure: enum dtool_bmetric */
	const char *bytes;	/* the bytes unit, safe to print */
	int width;		/* columns for a line */
	int indent;		/* columns before each line */
};

/* The PPs whose figure is not 0, largest first (ties: file order);
 * returns how many, *OUT (malloc'd) holds them. */
size_t dtool_sites_top(const struct dtool_sites *l, size_t **out);
/* Sorts IDX[0..N) as dtool_sites_top() does. */
void dtool_sites_sort(const struct dtool_sites *l, size_t *idx, size_t n);
/* The names of the sites IDX[0..N) of P, each apart from the earlier
 * ones (an array of N, to free()). */
char (*dtool_sites_names(const struct dtool_profile *p, const size_t *idx,
    size_t n))[1024];
/* One line per site of IDX[0..N): its figure, its share of WHOLE, its
 * name (named apart from the earlier ones). */
void dtool_sites_print(const struct dtool_sites *l, const size_t *idx,
    size_t n, uint64_t whole);

/* H's memory over time as a text chart of WIDTH columns and HEIGHT rows
 * (chart.c); nothing when H has no timeline. */
void dtool_print_timeline(FILE *f, const struct dtool_header *h, int width,
    int height);

/* The columns for a line of text: the terminal's, else $COLUMNS, else
 * 100 (overview.c). */
int dtool_text_width(FILE *f);

/* The one-page overview of S's profile, whose sums are TOT
 * (overview.c). */
void dtool_print_overview(const struct dtool_summary *s,
    const struct dtool_pp *tot);

/* Budgets (gate.c).  check: whether P has the figures that O's budgets
 * limit; -1 with ERR set.  eval: evaluates them on P's totals, whose sums
 * were checked; returns how many were exceeded.  print_text: a "Budgets"
 * section, each one exceeded with its top contributors.  print_json: the
 * "budgets" and "exceeded" members.  warn: one line on stderr per budget
 * exceeded, for the profile read from NAME. */
int dtool_gate_check(const struct dtool_profile *p,
    const struct dtool_summary_opts *o, char *err, size_t errlen);
size_t dtool_gate_eval(const struct dtool_profile *p,
    const struct dtool_summary_opts *o);
void dtool_gate_print_text(const struct dtool_summary *s);
void dtool_gate_print_json(FILE *f, const struct dtool_summary *s);
void dtool_gate_warn(const struct dtool_profile *p, const char *name,
    const struct dtool_summary_opts *o);
/* S's budgets as the CI forms show them (an array of nbudgets, to
 * free()). */
struct dtool_verdict *dtool_gate_verdicts(const struct dtool_summary *s);

/* The format called NAME; NULL when there is none. */
const struct dtool_summary_format *dtool_summary_format_find(
    const char *name);

/* Whether P can give what O asks (metric, --leaks); -1 with ERR set. */
int dtool_summary_check(const struct dtool_profile *p,
    const struct dtool_summary_opts *o, char *err, size_t errlen);
/* Summarizes P (read from NAME) as asked; -1 with ERR set when the
 * profile cannot give what was asked (a metric it lacks). */
int dtool_summarize(const struct dtool_profile *p, const char *name,
    const struct dtool_summary_opts *o, char *err, size_t errlen);

/* The PPs to list: qualifying for the metric, non-zero, largest first
 * (ties: total bytes, then file order).  Returns how many qualify;
 * *OUT (malloc'd) holds the first min(count, LIMIT) in order.  LEAKS:
 * PPs live at t-end, by bytes then blocks, instead. */
size_t dtool_rank_pps(const struct dtool_profile *p,
    const struct dtool_tree *t, int metric, bool leaks, size_t limit,
    size_t **out);

#endif
