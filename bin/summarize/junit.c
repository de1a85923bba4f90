/* SPDX-License-Identifier: MIT */
/*
 * junit.c - dhat-summarize --format=junit: the --fail-if budgets of one
 * profile as a JUnit XML test suite, a test case per budget, failed when
 * exceeded, with the sites to blame in the failure (see common/ci.h).
 */
#include "config.h"

#include <stdlib.h>

#include "summary.h"

static void
print_junit(const struct dtool_summary *s)
{
	struct dtool_verdict *v = dtool_gate_verdicts(s);
	char suite[600];

	snprintf(suite, sizeof(suite), "dhat-summarize %.500s", s->name);
	dtool_junit(s->o->out, suite, v, s->o->nbudgets);
	free(v);
}

const struct dtool_summary_format dtool_summary_junit = {
	.name = "junit", .one_profile = true, .print = print_junit,
};
