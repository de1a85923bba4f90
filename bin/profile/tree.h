/* SPDX-License-Identifier: MIT */
/*
 * tree.h - the DHAT viewer's radix tree of program points.
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

#include "metric.h"
#include "profile.h"

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

#endif
