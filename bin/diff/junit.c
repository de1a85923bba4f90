/* SPDX-License-Identifier: MIT */
/*
 * junit.c - dhat-diff --format=junit: the budgets as a JUnit XML test
 * suite, a test case per budget, failed when exceeded, with the stacks to
 * blame in the failure (see common/ci.h).
 */
#include "config.h"

#include <stdlib.h>

#include "diff.h"

static void
print_junit(const struct dtool_diff *d, const struct dtool_diff_out *o)
{
	struct dtool_verdict *v = dtool_diff_verdicts(d, o, false);
	char suite[1024];

	snprintf(suite, sizeof(suite), "dhat-diff %.500s %.500s",
	    d->side[DTOOL_OLD].name, d->side[DTOOL_NEW].name);
	dtool_junit(o->out, suite, v, o->nbudgets);
	free(v);
}

const struct dtool_diff_format dtool_diff_junit = {
	.name = "junit", .print = print_junit,
};
