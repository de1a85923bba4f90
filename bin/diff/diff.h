/* SPDX-License-Identifier: MIT */
/*
 * diff.h - dhat-diff's model: the program points of two profiles matched
 * on their stacks of frame keys (match.c), budgets on the totals
 * (budget.c) and the outputs, one file per format (text.c, json.c,
 * tap.c), found by name in formats.c.
 */
#ifndef DTOOL_DIFF_H
#define DTOOL_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/format.h"
#include "profile/frame.h"
#include "profile/profile.h"
#include "profile/tree.h"

enum { DTOOL_DFMT_TEXT, DTOOL_DFMT_JSON, DTOOL_DFMT_TAP };
enum { DTOOL_OLD, DTOOL_NEW };

/* One stack of frame keys, with the sums of the PPs of each file that
 * have it (mb and mbk are not summed: they are left 0). */
struct dtool_group {
	struct dtool_pp sum[2];	/* [DTOOL_OLD], [DTOOL_NEW] */
	uint32_t n[2];		/* how many PPs were summed, per file */
};

struct dtool_side {
	const struct dtool_profile *p;
	const char *name;	/* as given on the command line */
	struct dtool_tree *t;	/* root only: for the metric conditions */
	struct dtool_pp tot;	/* sums over all PPs */
};

struct dtool_diff {
	struct dtool_side side[2];
	int match;		/* enum dtool_match */
	int metric;		/* enum dtool_metric: what --sort ranks by */
	bool bklt, bkacc;	/* both files have them */
	struct dtool_units u;	/* the new file's unit names */
	struct dtool_stacks *stacks;
	struct dtool_group *g;	/* indexed by stack id */
	size_t ng;
	size_t nmatched;	/* stacks in both files */
	bool unchanged;		/* the changed list has unchanged ones too */
	/* Group ids, ranked: changed (largest change of the metric
	 * first), new and gone (largest value first); the lists hold
	 * at most the build's LIMIT ids, the counts are whole. */
	uint32_t *changed, *added, *gone;
	size_t nchanged, nadded, ngone;
};

/* Matches OLD and NEW and ranks the lists, keeping the first LIMIT of
 * each (their counts stay whole).  UNCHANGED: the changed list also
 * holds the matched stacks whose metric did not change. */
void dtool_diff_build(struct dtool_diff *d, const struct dtool_profile *old,
    const char *oldname, const struct dtool_profile *new,
    const char *newname, int match, int metric, bool unchanged,
    size_t limit);
void dtool_diff_free(struct dtool_diff *d);

/* The metric's field of a sum: the value compared and ranked. */
uint64_t dtool_diff_value(const struct dtool_diff *d,
    const struct dtool_pp *pp);

/* ---- budgets (budget.c) ---- */

enum dtool_bmetric {
	DTOOL_BM_TB, DTOOL_BM_TBK, DTOOL_BM_GB, DTOOL_BM_GBK, DTOOL_BM_EB,
	DTOOL_BM_EBK, DTOOL_BM_RB, DTOOL_BM_WB, DTOOL_BM_COUNT
};

struct dtool_budget {
	const char *text;	/* the --fail-if argument */
	int metric;		/* enum dtool_bmetric */
	bool ge;		/* ">=": growth equal to the limit fails too */
	bool relative;		/* LIMIT%: of the old value */
	char limit[64];		/* the limit as written, with a '+' */
	/* The number written, exactly, as NUM / DEN (DEN a power of 10),
	 * and the unit's multiplier (1 for plain counts and percentages):
	 * absolute limits are NUM * MULT / DEN units, relative ones
	 * NUM / DEN percent. */
	uint64_t num, den, mult;
	/* Set by dtool_budget_eval(). */
	uint64_t old, new;
	bool breached;
};

/* Parses "METRIC>LIMIT" or "METRIC>=LIMIT"; -1 with ERR set. */
int dtool_budget_parse(const char *s, struct dtool_budget *b, char *err,
    size_t errlen);
const char *dtool_budget_metric_name(int bm);
/* NULL when a file with header H can give the budget's metric. */
const char *dtool_budget_refusal(const struct dtool_budget *b,
    const struct dtool_header *h);
/* Evaluates B on the totals of D; returns b->breached. */
bool dtool_budget_eval(struct dtool_budget *b, const struct dtool_diff *d);
/* "tgmax-bytes grew by 2,048 bytes (+12.5%), limit +1KiB"; with
 * FIGURES, "16,384 -> 18,432 bytes, " after the metric's name. */
void dtool_budget_describe(const struct dtool_budget *b,
    const struct dtool_diff *d, bool figures, char *buf, size_t len);
/* The budget metric's field of a sum. */
uint64_t dtool_budget_value(int bm, const struct dtool_pp *pp);
/* Whether the metric counts bytes (else blocks). */
bool dtool_budget_is_bytes(int bm);

struct dtool_diff_out {
	const struct dtool_diff_format *format;
	int top;		/* per list */
	int max_frames;		/* -1: all */
	struct dtool_budget *budgets;
	size_t nbudgets;
	FILE *out;
};

/* An output format. */
struct dtool_diff_format {
	const char *name;	/* its name for --format */
	void (*print)(const struct dtool_diff *d,
	    const struct dtool_diff_out *o);
};

extern const struct dtool_diff_format dtool_diff_text;
extern const struct dtool_diff_format dtool_diff_json;
extern const struct dtool_diff_format dtool_diff_tap;

/* The format called NAME; NULL when there is none. */
const struct dtool_diff_format *dtool_diff_format_find(const char *name);

#endif
