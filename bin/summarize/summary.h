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
