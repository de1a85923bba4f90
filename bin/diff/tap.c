/* SPDX-License-Identifier: MIT */
/*
 * tap.c - dhat-diff --format=tap: the budgets as a TAP stream for test
 * harnesses (prove, automake's tap-driver): a plan, then one "ok" or
 * "not ok" line per budget with its figures, and under a "not ok" the
 * stacks to blame as diagnostics.
 */
#include "config.h"

#include <stdint.h>

#include "diff.h"

static void
print_tap(const struct dtool_diff *d,
    const struct dtool_diff_out *o)
{
	char line[512];

	if (o->nbudgets == 0) {
		fputs("1..0 # SKIP no --fail-if budgets\n", o->out);
		return;
	}
	fprintf(o->out, "1..%zu\n", o->nbudgets);
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		dtool_budget_describe(b, &d->u, true, line, sizeof(line));
		fprintf(o->out, "%s %zu - ", b->breached ? "not ok" : "ok",
		    i + 1);
		/* '#' would start a TAP directive in the description. */
		dtool_fputs_style(b->text, o->out, DTOOL_S_TAP, SIZE_MAX);
		fputs(": ", o->out);
		dtool_fputs_style(line, o->out, DTOOL_S_TAP, SIZE_MAX);
		putc('\n', o->out);
		if (b->breached)
			/* As TAP diagnostics. */
			dtool_diff_print_blame(o->out, d, b->metric, "#   ");
	}
}

const struct dtool_diff_format dtool_diff_tap = {
	.name = "tap", .print = print_tap,
};
