/* SPDX-License-Identifier: MIT */
/*
 * tree_int.h - the inside of the viewer's tree, for its text rendering
 * (summarize/viewer.c), which adds aggregate nodes of its own.
 */
#ifndef DTOOL_TREE_INT_H
#define DTOOL_TREE_INT_H

#include <stdint.h>

#include "common/format.h"
#include "index.h"
#include "tree.h"
#define ACC_INF	UINT64_MAX	/* 65535 = "at least 65535": infinity */

enum { K_LEAF = 1, K_INTERNAL, K_AGG };
enum { ACC_UNSET, ACC_NONE, ACC_HAVE };
enum { SIG_NONE = 1, SIG_DESC, SIG_SELF };

struct dtool_node {
	int kind;
	int sig;
	struct dtool_sums s;
	const uint32_t *frames;
	uint32_t nframes;
	uint32_t parent;	/* the node's, once it has one */
	uint32_t *kids;
	uint32_t nkids, capkids;
	int accst;
	uint64_t *acc;
	uint32_t nacc;
	char *aggname;
};

struct dtool_tree {
	const struct dtool_profile *p;
	const struct dtool_header *h;
	struct dtool_node *nodes;
	size_t n, cap;
	uint32_t *rootframes;
	struct dtool_units u;
	/* (parent node, first frame) -> kid, so that nodes with thousands
	 * of kids (malloc's callers) are searched in O(1), not as the
	 * viewer does it. */
	struct dhat__index kids;
};

/* One program point's figures, its access counts decoded. */
struct dtool_ppv {
	struct dtool_sums s;
	int accst;
	uint64_t *acc;
	uint32_t nacc;
	const struct dtool_pp *pp;
};

/* A new node of KIND over FRAMES; its number.  Node pointers taken
 * before it may move. */
uint32_t dtool__tree_new_node(struct dtool_tree *t, int kind,
    const uint32_t *frames, uint32_t nframes);
/* Adds what node SRC sums into node DST. */
void dtool__tree_add_node(struct dtool_tree *t, uint32_t dst, uint32_t src);
/* The viewer's TreeNode._add(). */
void dtool__node_add(struct dtool_node *n, const struct dtool_sums *s,
    int accst, const uint64_t *acc, uint32_t nacc);
/* Fills V from PP, decoding its access counts into *BUF (of *CAP). */
void dtool__ppv_of(const struct dtool_pp *pp, struct dtool_ppv *v,
    uint64_t **buf, size_t *cap);

#endif
