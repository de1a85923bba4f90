/* SPDX-License-Identifier: MIT */
/*
 * budget.h - --fail-if budgets: "METRIC>LIMIT" on a total, the growth
 * from an old profile to a new one (dhat-diff) or the value of one
 * profile (dhat-summarize).
 */
#ifndef DTOOL_BUDGET_H
#define DTOOL_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/format.h"
#include "profile.h"

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
/* Evaluates B on the growth from the totals OLD to NEW; returns
 * b->breached. */
bool dtool_budget_eval(struct dtool_budget *b, const struct dtool_pp *old,
    const struct dtool_pp *new);
/* Evaluates B, whose limit is absolute (not a percentage), on the totals
 * TOT of one profile: the limit is on the value itself. */
bool dtool_budget_eval_value(struct dtool_budget *b,
    const struct dtool_pp *tot);
/* "tgmax-bytes grew by 2,048 bytes (+12.5%), limit +1KiB"; with
 * FIGURES, "16,384 -> 18,432 bytes, " after the metric's name.  U: the
 * new profile's units. */
void dtool_budget_describe(const struct dtool_budget *b,
    const struct dtool_units *u, bool figures, char *buf, size_t len);
/* "tgmax-bytes is 70.0 MiB (73,400,320 bytes), limit 64MiB", for a
 * budget on one profile's value. */
void dtool_budget_describe_value(const struct dtool_budget *b,
    const struct dtool_units *u, char *buf, size_t len);
/* The budget metric's field of a sum. */
uint64_t dtool_budget_value(int bm, const struct dtool_pp *pp);
/* Whether the metric counts bytes (else blocks). */
bool dtool_budget_is_bytes(int bm);

#endif
