/* SPDX-License-Identifier: MIT */
/*
 * viewer.h - the DHAT viewer's text rendering of the tree of program
 * points and of single program points.
 */
#ifndef DTOOL_VIEWER_H
#define DTOOL_VIEWER_H

#include <stdio.h>

#include "profile/tree.h"

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
