/* SPDX-License-Identifier: MIT */
/*
 * summary.h - the outputs of dhat-summarize, one file each: text.c (top
 * list, leaks, tree), json.c, folded.c (folded stacks) and flame.c (SVG).
 */
#ifndef DTOOL_SUMMARY_H
#define DTOOL_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>

#include "profile/profile.h"
#include "profile/tree.h"

enum { DTOOL_FMT_TEXT, DTOOL_FMT_JSON, DTOOL_FMT_FOLDED, DTOOL_FMT_SVG };

struct dtool_summary_opts {
	int top;		/* how many PPs to list */
	bool top_given;		/* --top was given (limits --leaks too) */
	int metric;		/* enum dtool_metric */
	int max_frames;		/* -1: all */
	double threshold;	/* fraction, -1: the viewer's */
	bool tree, leaks;
	int format;
	FILE *out;
};

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

void dtool_print_json(const struct dtool_profile *p, struct dtool_tree *t,
    const char *name, const struct dtool_summary_opts *o);
void dtool_print_folded(const struct dtool_profile *p,
    const struct dtool_summary_opts *o);
void dtool_print_svg(const struct dtool_profile *p, const char *name,
    const struct dtool_summary_opts *o);

#endif
