/* SPDX-License-Identifier: MIT */
/*
 * tap.c - dhat-summarize --format=tap: the --fail-if budgets of one
 * profile as a TAP stream for test harnesses, a line per budget, and
 * under a "not ok" the sites to blame as diagnostics (see common/ci.h).
 */
#include "config.h"

#include <stdlib.h>

#include "summary.h"

static void
print_tap(const struct dtool_summary *s)
{
	struct dtool_verdict *v = dtool_gate_verdicts(s);

	dtool_tap(s->o->out, v, s->o->nbudgets);
	free(v);
}

const struct dtool_summary_format dtool_summary_tap = {
	.name = "tap", .one_profile = true, .print = print_tap,
};
