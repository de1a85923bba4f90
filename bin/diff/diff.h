/* SPDX-License-Identifier: MIT */
/*
 * diff.h - dhat-diff's model: the program points of two profiles grouped
 * by allocation site on their stacks of frame keys (group.c) and ranked
 * (match.c), budgets on the totals
 * (profile/budget.c) and the stacks to blame for them (blame.c), and the
 * outputs, one file per format (text.c, json.c,
 * tap.c), found by name in formats.c.
 */
#ifndef DTOOL_DIFF_H
#define DTOOL_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/ci.h"
#include "common/format.h"
#include "profile/frame.h"
#include "profile/profile.h"
#include "profile/budget.h"
#include "profile/tree.h"

enum { DTOOL_DFMT_TEXT, DTOOL_DFMT_JSON, DTOOL_DFMT_TAP };
enum { DTOOL_OLD, DTOOL_NEW };

/* One allocation site: the PPs of each file that denote it (group.c),
 * with their sums (of mb and mbk too, which are not shown). */
struct dtool_group {
	struct dtool_pp sum[2];	/* [DTOOL_OLD], [DTOOL_NEW] */
	uint32_t n[2];		/* how many PPs were summed, per file */
	bool by_line;		/* shown by a stack of line keys */
	uint32_t stack;		/* its stack in lines or stacks */
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
	struct dtool_stacks *stacks;	/* under the matching rule */
	struct dtool_stacks *lines;	/* by line, to tell sites apart
					 * (--match=function only) */
	struct dtool_group *g;	/* indexed by group id */
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

/* Groups the PPs of P[DTOOL_OLD] and P[DTOOL_NEW] on stacks of at most
 * DEPTH frames (0: all) into D's groups, and sums D's totals (group.c).
 * A group's frames, innermost first: its depth and its frame I. */
void dtool_diff_group(struct dtool_diff *d, const struct dtool_profile *p[2],
    uint32_t depth);
uint32_t dtool_diff_depth(const struct dtool_diff *d, uint32_t gid);
const char *dtool_diff_frame(const struct dtool_diff *d, uint32_t gid,
    uint32_t i);

/* The metric's field of a sum: the value compared and ranked. */
uint64_t dtool_diff_value(const struct dtool_diff *d,
    const struct dtool_pp *pp);


/* Blame (blame.c): the ids of the stacks that grew most by budget
 * metric BM, at most K, largest growth first; returns how many.  A
 * stack's name, as "f (file) <- caller".  print_blame: the first
 * DTOOL_BLAME_LINES of them, a line each after PREFIX, as
 * "+2,048 bytes  f (file) <- caller", marked "(new)" for a new stack.
 * verdicts: O's budgets evaluated on D as the CI forms show them (an
 * array of o->nbudgets, to free()); with FIGURES, the old and new totals
 * before the growth. */
size_t dtool_diff_blame(const struct dtool_diff *d, int bm, uint32_t *ids,
    size_t k);
void dtool_diff_site_name(const struct dtool_diff *d, uint32_t id,
    char *buf, size_t len);
void dtool_diff_print_blame(FILE *f, const struct dtool_diff *d, int bm,
    const char *prefix);
struct dtool_diff_out;
struct dtool_verdict *dtool_diff_verdicts(const struct dtool_diff *d,
    const struct dtool_diff_out *o, bool figures);

/* The table of totals (totals.c): a row per total the files have, at
 * most DTOOL_DIFF_ROWS, labelled with the units BYTES and BLOCKS. */
#define DTOOL_DIFF_ROWS	8
struct dtool_diff_row {
	char label[96];			/* "Total (bytes)" */
	char col[4][DTOOL_NUMBUF];	/* old, new, delta, change */
};
int dtool_diff_totals(const struct dtool_diff *d, const char *bytes,
    const char *blocks, struct dtool_diff_row *r);

/* --rename FROM=TO (rename.c): TO points into FROM's allocation. */
struct dtool_rename {
	char *from, *to;
};
/* Parses "FROM=TO" into R; -1 when it is not of that form. */
int dtool_rename_parse(const char *arg, struct dtool_rename *r);
/* P's frames with R[0..N) applied in turn: a function called FROM, or a
 * file or object whose base name is FROM, takes the name TO; stacks made
 * alike are merged.  P itself when N is 0, else a new profile and P
 * freed; NULL with ERR set when a sum would overflow. */
struct dtool_profile *dtool_rename_apply(struct dtool_profile *p,
    const struct dtool_rename *r, size_t n, char *err, size_t errlen);

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
extern const struct dtool_diff_format dtool_diff_junit;
extern const struct dtool_diff_format dtool_diff_markdown;

/* The format called NAME; NULL when there is none. */
const struct dtool_diff_format *dtool_diff_format_find(const char *name);

#endif
