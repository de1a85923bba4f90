/* SPDX-License-Identifier: MIT */
/*
 * tree.h - the DHAT viewer's sort metrics and its radix tree of program
 * points, and the viewer's text rendering of nodes.
 *
 * The tree is built exactly as dh_view.js builds it (same splits, same
 * child order), so that sorting, which is stable, gives the viewer's
 * order too.  Node sums are exact u64; the viewer's doubles only differ
 * above 2^53.
 */
#ifndef DTOOL_TREE_H
#define DTOOL_TREE_H

#include <stdbool.h>
#include <stdio.h>

#include "profile.h"

/* The viewer's 14 sort metrics, in its menu order (= its sort index). */
enum dtool_metric {
	DTOOL_M_TOTAL_BYTES, DTOOL_M_TOTAL_BLOCKS, DTOOL_M_TINY,
	DTOOL_M_SHORT_LIVED, DTOOL_M_ZERO_RW_BYTES, DTOOL_M_ZERO_RW_BLOCKS,
	DTOOL_M_LOW_ACCESS_BYTES, DTOOL_M_LOW_ACCESS_BLOCKS,
	DTOOL_M_AT_TGMAX, DTOOL_M_AT_TEND, DTOOL_M_READS,
	DTOOL_M_READS_HIGH, DTOOL_M_WRITES, DTOOL_M_WRITES_HIGH,
	DTOOL_M_COUNT
};

/* Metric by command-line name ("total-bytes", ...) or index "0".."13";
 * -1 when unknown. */
int dtool_metric_parse(const char *s);
const char *dtool_metric_name(int m);
/* The viewer's menu label, with the file's units. */
void dtool_metric_label(int m, const struct dtool_header *h, char *buf,
    size_t len);
/* NULL when the file allows the metric, else why not ("needs bklt"). */
const char *dtool_metric_refusal(int m, const struct dtool_header *h);
/* The value sorted on ("tb", "tbk", "gb", "eb", "rb", "wb"). */
const char *dtool_metric_field(int m);
uint64_t dtool_metric_value(int m, const struct dtool_pp *pp);

struct dtool_node;	/* opaque */
struct dtool_tree;	/* opaque */

/* FULL false builds only the root (the totals): enough for the
 * significance tests and dtool_tree_print_pp(), not for printing. */
struct dtool_tree *dtool_tree_build(const struct dtool_profile *p,
    bool full);
void dtool_tree_free(struct dtool_tree *t);

/* Sums over the whole profile (the root node), as a PP. */
void dtool_tree_totals(const struct dtool_tree *t, struct dtool_pp *out);

/* Significance, per the metric's rule against the root.  THRESHOLD is
 * the fraction that replaces the viewer's 1% (and 0.5% for the
 * compound metrics) when >= 0; pass -1 for the viewer's own. */
bool dtool_sig_pp(const struct dtool_tree *t, int metric, double threshold,
    const struct dtool_pp *pp);
/* Whether the metric's extra condition holds (tiny, short-lived, ...),
 * ignoring the size threshold; true for the plain metrics. */
bool dtool_cond_pp(const struct dtool_tree *t, int metric,
    const struct dtool_pp *pp);

struct dtool_render {
	int metric;
	double threshold;	/* -1: the viewer's */
	int max_frames;		/* -1: all */
	FILE *out;
};

/* Prints what the viewer prints for the tree: header, tree and the
 * significance threshold line. */
void dtool_tree_print(struct dtool_tree *t, const struct dtool_render *r);
/* Prints one PP as a leaf node of the viewer ("PP ID {...}"), figures
 * relative to the tree's root. */
void dtool_tree_print_pp(struct dtool_tree *t, const struct dtool_render *r,
    const struct dtool_pp *pp, const char *id);
/* The viewer's "Invocation" and "Times" blocks. */
void dtool_print_invocation(const struct dtool_header *h, FILE *out);

#endif
