/* SPDX-License-Identifier: MIT */
/*
 * flame.h - the tree that a flame graph draws: every stack from its
 * outermost frame in, frames merged by function (and file), so that a
 * function shows once per calling context whichever of its lines
 * allocated.
 */
#ifndef DTOOL_FLAME_H
#define DTOOL_FLAME_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"
#include "profile/profile.h"

#define DTOOL_FLAME_NONE	UINT32_MAX
/* The most metrics a tree is weighed by at once. */
#define DTOOL_FLAME_METRICS	4

struct dtool_flame_node {
	uint32_t name;		/* in names[]; the root's is "all" */
	uint32_t parent;	/* DTOOL_FLAME_NONE for the root */
	uint32_t kid, next;	/* first kid, next sibling */
	uint32_t nkids;
	uint64_t w[DTOOL_FLAME_METRICS]; /* each metric summed over the
				 * node's stacks */
};

struct dtool_flame {
	struct dtool_flame_node *nodes;	/* node 0 is the root */
	size_t n, cap;
	char **names;			/* function keys, interned */
	size_t nnames, capnames;
	struct dhat__index name_index;
	struct dhat__index kid_index;	/* (parent, name) -> node */
	int depth;			/* levels, the root's included */
};

/* The flame tree of P's stacks weighed by the NMETRICS METRICS
 * (dtool_metric_value; at most DTOOL_FLAME_METRICS): w[i] by METRICS[i].
 * A stack that weighs 0 by all of them is left out.  With MAX_FRAMES >=
 * 0, only the outermost MAX_FRAMES frames of each. */
struct dtool_flame *dtool_flame_build(const struct dtool_profile *p,
    const int *metrics, int nmetrics, int max_frames);
void dtool_flame_free(struct dtool_flame *f);

/* NODE's kids in *OUT (malloc'ed), ordered by name; their number. */
size_t dtool_flame_kids(const struct dtool_flame *f, uint32_t node,
    uint32_t **out);

#endif
