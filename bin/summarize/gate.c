/* SPDX-License-Identifier: MIT */
/*
 * gate.c - dhat-summarize --fail-if: limits on the totals of one profile,
 * as a build gate.  Each budget is evaluated on every profile; a budget
 * exceeded is explained by the sites that contribute most to the figure
 * it limits, in the text and JSON outputs.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/format.h"
#include "common/json_out.h"
#include "summary.h"

/* How many contributors a budget exceeded lists. */
#define CONTRIBUTORS	3

int
dtool_gate_check(const struct dtool_profile *p,
    const struct dtool_summary_opts *o, char *err, size_t errlen)
{
	const struct dtool_header *h = dtool_profile_header(p);

	for (size_t i = 0; i < o->nbudgets; i++) {
		const char *why = dtool_budget_refusal(&o->budgets[i], h);

		if (why != NULL) {
			snprintf(err, errlen, "budget metric '%s' %s",
			    dtool_budget_metric_name(o->budgets[i].metric),
			    why);
			return -1;
		}
	}
	return 0;
}

size_t
dtool_gate_eval(const struct dtool_profile *p,
    const struct dtool_summary_opts *o)
{
	struct dtool_pp tot = { 0 };
	size_t exceeded = 0;

	for (size_t i = 0; i < dtool_profile_npps(p); i++)
		dtool_pp_sum(&tot, dtool_profile_pp(p, i));
	for (size_t i = 0; i < o->nbudgets; i++)
		exceeded += dtool_budget_eval_value(&o->budgets[i], &tot);
	return exceeded;
}

void
dtool_gate_print_text(const struct dtool_summary *s)
{
	const struct dtool_summary_opts *o = s->o;
	struct dtool_units u;
	char line[512], bytes[64];

	if (o->nbudgets == 0)
		return;
	dtool_units(dtool_profile_header(s->p), &u);
	fprintf(o->out, "\n%sBudgets:%s\n", dtool_bold(), dtool_reset());
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];
		struct dtool_sites l = { .f = o->out, .p = s->p,
		    .bm = b->metric, .width = dtool_text_width(o->out),
		    .indent = 11,
		    .bytes = dtool_text(bytes, sizeof(bytes), u.bytes) };
		size_t *idx, n;

		dtool_budget_describe_value(b, &u, line, sizeof(line));
		fprintf(o->out, "  %s%-8s%s ", b->breached ? dtool_alert() :
		    "", b->breached ? "EXCEEDED" : "ok", b->breached ?
		    dtool_reset() : "");
		dtool_fputs_text(b->text, o->out);
		fputs(": ", o->out);
		dtool_fputs_text(line, o->out);
		fputc('\n', o->out);
		if (!b->breached)
			continue;
		n = dtool_sites_top(&l, &idx);
		dtool_sites_print(&l, idx, n < CONTRIBUTORS ? n : CONTRIBUTORS,
		    b->new);
		free(idx);
	}
}

/* The first CONTRIBUTORS sites by B's metric, with their figure and
 * whole stacks. */
static void
json_contributors(FILE *f, const struct dtool_profile *p,
    const struct dtool_budget *b)
{
	struct dtool_sites l = { .p = p, .bm = b->metric };
	size_t *idx, n = dtool_sites_top(&l, &idx);

	dtool_json_key(f, "contributors");
	putc('[', f);
	for (size_t i = 0; i < n && i < CONTRIBUTORS; i++) {
		const struct dtool_pp *pp = dtool_profile_pp(p, idx[i]);

		fprintf(f, "%s{\"value\":%" PRIu64, i ? "," : "",
		    dtool_budget_value(b->metric, pp));
		dtool_json_frames(f, p, pp, pp->nfs);
		putc('}', f);
	}
	putc(']', f);
	free(idx);
}

void
dtool_gate_print_json(FILE *f, const struct dtool_summary *s)
{
	const struct dtool_summary_opts *o = s->o;
	size_t exceeded = 0;

	dtool_json_key(f, "budgets");
	putc('[', f);
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		if (i)
			putc(',', f);
		dtool_json_budget(f, b);
		dtool_json_str(f, "limit", b->limit + 1);
		dtool_json_u64(f, "value", b->new);
		dtool_json_bool(f, "exceeded", b->breached);
		if (b->breached)
			json_contributors(f, s->p, b);
		putc('}', f);
		exceeded += b->breached;
	}
	putc(']', f);
	dtool_json_u64(f, "exceeded", exceeded);
}

void
dtool_gate_warn(const struct dtool_profile *p, const char *name,
    const struct dtool_summary_opts *o)
{
	struct dtool_units u;
	char line[512];

	dtool_units(dtool_profile_header(p), &u);
	for (size_t i = 0; i < o->nbudgets; i++) {
		if (!o->budgets[i].breached)
			continue;
		dtool_budget_describe_value(&o->budgets[i], &u, line,
		    sizeof(line));
		dtool_warnx("%s: budget exceeded: %s", name, line);
	}
}

/* The lines that name the sites to blame for B: "64 bytes (50%)  f
 * (file.c:40) <- caller". */
static size_t
blame(const struct dtool_profile *p, const struct dtool_budget *b,
    const struct dtool_units *u, struct dtool_verdict *v)
{
	struct dtool_sites l = { .p = p, .bm = b->metric };
	size_t *idx, n = dtool_sites_top(&l, &idx);
	char (*names)[1024], val[DTOOL_NUMBUF], pc[DTOOL_NUMBUF];
	char unit[64];

	if (n > DTOOL_BLAME_LINES)
		n = DTOOL_BLAME_LINES;
	names = dtool_sites_names(p, idx, n);
	dtool_text(unit, sizeof(unit), u->bytes);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = dtool_budget_value(b->metric,
		    dtool_profile_pp(p, idx[i]));

		if (dtool_budget_is_bytes(b->metric))
			dtool_fmt_size(val, x, unit);
		else
			dtool_fmt_u64(val, x);
		snprintf(v->blame[i], sizeof(v->blame[i]), "%s (%s)  %s", val,
		    dtool_fmt_perc(pc, dtool_div((double)x, (double)b->new)),
		    names[i]);
	}
	free(names);
	free(idx);
	return n;
}

struct dtool_verdict *
dtool_gate_verdicts(const struct dtool_summary *s)
{
	const struct dtool_summary_opts *o = s->o;
	struct dtool_verdict *v = dtool_xcalloc(o->nbudgets ? o->nbudgets : 1,
	    sizeof(*v));
	struct dtool_units u;

	dtool_units(dtool_profile_header(s->p), &u);
	for (size_t i = 0; i < o->nbudgets; i++) {
		const struct dtool_budget *b = &o->budgets[i];

		v[i].budget = b->text;
		v[i].exceeded = b->breached;
		dtool_budget_describe_value(b, &u, v[i].figures,
		    sizeof(v[i].figures));
		if (b->breached)
			v[i].nblame = blame(s->p, b, &u, &v[i]);
	}
	return v;
}
