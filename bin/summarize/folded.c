/* SPDX-License-Identifier: MIT */
/*
 * folded.c - collapsed stacks for flame graph tools: one line per
 * program point, "outer;...;inner WEIGHT", frames without addresses,
 * weighted by the sort metric's value.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>

#include "common/format.h"
#include "profile/frame.h"
#include "summary.h"

static void
print_folded(const struct dtool_summary *s)
{
	const struct dtool_profile *p = s->p;
	const struct dtool_summary_opts *o = s->o;
	size_t n = dtool_profile_npps(p);

	for (size_t i = 0; i < n; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, i);
		uint64_t w = dtool_metric_value(o->metric, pp);
		uint32_t k = pp->nfs, stop = 0;

		if (w == 0)
			continue;
		if (o->max_frames >= 0 && (uint32_t)o->max_frames < k)
			stop = k - (uint32_t)o->max_frames;
		if (k == 0)
			fputs("[root]", o->out);
		while (k-- > stop) {
			/* A ';' inside a frame would split it. */
			dtool_fputs_style(dtool_frame_strip_address(
			    dtool_profile_frame(p, pp->fs[k])), o->out,
			    DTOOL_S_FOLDED, SIZE_MAX);
			if (k > stop)
				putc(';', o->out);
		}
		fprintf(o->out, " %" PRIu64 "\n", w);
	}
}

const struct dtool_summary_format dtool_summary_folded = {
	.name = "folded", .print = print_folded,
};
