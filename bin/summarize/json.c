/* SPDX-License-Identifier: MIT */
/*
 * json.c - dhat-summarize --format=json: one compact JSON object per
 * profile and line, with the header, the totals and the listed program
 * points under the DHAT field names (see dhat-summarize(1)).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/format.h"
#include "common/json_out.h"
#include "summary.h"

static void
jlist(FILE *f, const struct dtool_profile *p, const struct dtool_tree *t,
    const struct dtool_summary_opts *o, bool leaks)
{
	const struct dtool_header *h = dtool_profile_header(p);
	size_t show = (!leaks || o->top_given) ? (size_t)o->top : SIZE_MAX;
	size_t *idx, n = dtool_rank_pps(p, t, o->metric, leaks, show, &idx);

	if (n < show)
		show = n;
	dtool_json_u64(f,
	    leaks ? "leaking_program_points" : "qualifying_program_points", n);
	dtool_json_key(f, leaks ? "leaks" : "top");
	putc('[', f);
	for (size_t i = 0; i < show; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, idx[i]);
		size_t nf = pp->nfs;

		if (o->max_frames >= 0 && (size_t)o->max_frames < nf)
			nf = (size_t)o->max_frames;
		fprintf(f, "%s{\"rank\":%zu,", i ? "," : "", i + 1);
		dtool_json_figures(f, pp, h->bklt, h->bkacc, true);
		dtool_json_u64(f, "frame_count", pp->nfs);
		dtool_json_frames(f, p, pp, nf);
		putc('}', f);
	}
	putc(']', f);
	free(idx);
}

static void
print_json(const struct dtool_summary *s)
{
	const struct dtool_profile *p = s->p;
	struct dtool_tree *t = s->t;
	const char *name = s->name;
	const struct dtool_summary_opts *o = s->o;
	const struct dtool_header *h = dtool_profile_header(p);
	struct dtool_units u;
	struct dtool_pp tot;
	FILE *f = o->out;

	dtool_units(h, &u);
	dtool_tree_totals(t, &tot);
	dtool_json_profile_head(f, name, h);
	dtool_json_str(f, "Mtu", h->Mtu);
	dtool_json_u64(f, "te", h->te);
	if (h->bklt) {
		dtool_json_u64(f, "tg", h->tg);
		dtool_json_u64(f, "tuth", h->tuth);
	}
	dtool_json_str(f, "bytes_unit", u.bytes);
	dtool_json_str(f, "blocks_unit", u.blocks);
	dtool_json_u64(f, "program_points", dtool_profile_npps(p));
	dtool_json_u64(f, "frames", dtool_profile_nframes(p));
	dtool_json_key(f, "totals");
	putc('{', f);
	dtool_json_figures(f, &tot, h->bklt, h->bkacc, false);
	putc('}', f);
	dtool_json_timeline(f, h);
	dtool_json_str(f, "sort",
	    o->leaks ? "at-tend" : dtool_metric_name(o->metric));
	jlist(f, p, t, o, o->leaks);
	if (o->nbudgets > 0)
		dtool_gate_print_json(f, s);
	fputs("}\n", f);
}

const struct dtool_summary_format dtool_summary_json = {
	.name = "json", .tree = true, .print = print_json,
};
