/* SPDX-License-Identifier: MIT */
/*
 * tap.c - dhat-diff --format=tap: the budgets as a TAP stream for test
 * harnesses (prove, automake's tap-driver): a plan, then one "ok" or
 * "not ok" line per budget with its figures, and under a "not ok" the
 * stacks to blame as diagnostics.
 */
#include "config.h"

#include <stdlib.h>

#include "diff.h"

static void
print_tap(const struct dtool_diff *d, const struct dtool_diff_out *o)
{
	struct dtool_verdict *v = dtool_diff_verdicts(d, o, true);

	dtool_tap(o->out, v, o->nbudgets);
	free(v);
}

const struct dtool_diff_format dtool_diff_tap = {
	.name = "tap", .print = print_tap,
};
