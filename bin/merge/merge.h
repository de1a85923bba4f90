/* SPDX-License-Identifier: MIT */
/*
 * merge.h - dhat-merge's model: several profiles of one kind merged into
 * one (merge.c), access-count arrays added (acc.c), timelines summed
 * (timeline.c).
 */
#ifndef DTOOL_MERGE_H
#define DTOOL_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

struct dtool_merge;	/* opaque */

/* A merge of no profile yet.  ADDRESSES: frames are the same only when
 * their whole texts are, addresses included. */
struct dtool_merge *dtool_merge_new(bool addresses);
/* Merges IN, read from NAME; -1 with ERR set when it cannot join (another
 * kind of profile, other time units) or a sum would overflow. */
int dtool_merge_add(struct dtool_merge *m, const char *name,
    const struct dtool_profile *in, char *err, size_t errlen);
/* The merged profile, to be freed by the caller. */
struct dtool_profile *dtool_merge_finish(struct dtool_merge *m);
void dtool_merge_free(struct dtool_merge *m);
/* P with the program points that have the same stack (whole frame texts)
 * merged into one: a new profile; NULL with ERR set when a sum would
 * overflow.  For profiles built with stacks that may repeat. */
struct dtool_profile *dtool_merge_self(const struct dtool_profile *p,
    char *err, size_t errlen);

/* The element-wise sum of A's and B's access counts, each latched at
 * 65535, in *NOUT elements (malloc'ed); NULL when the blocks' sizes
 * differ or the sum would not fit an acc array. */
int32_t *dtool_acc_add(const struct dtool_pp *a, const struct dtool_pp *b,
    uint32_t *nout);

/* The inputs' timelines, until they are summed. */
struct dtool_timeline_in {
	uint64_t (*v)[3];
	size_t n;
};

struct dtool_timeline_sum {
	struct dtool_timeline_in *in;
	size_t nin;
	bool incomplete;	/* an input has none */
};

/* Adds H's timeline (or notes that H has none). */
void dtool_timeline_sum_add(struct dtool_timeline_sum *s,
    const struct dtool_header *h);
/* The sum in *OUT (malloc'ed), and its number of points; 0 (and NULL)
 * when an input has no timeline. */
size_t dtool_timeline_sum_result(struct dtool_timeline_sum *s,
    uint64_t (**out)[3]);
void dtool_timeline_sum_free(struct dtool_timeline_sum *s);

#endif
