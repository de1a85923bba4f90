/* SPDX-License-Identifier: MIT */
/*
 * dhat-summarize - print what matters in DHAT profiles: totals, the top
 * program points by any of the viewer's sort metrics, the viewer's tree,
 * what is live at the end, folded stacks, flame graphs, an HTML report;
 * and budgets on the totals for CI, with an exit status of 1 when one is
 * exceeded.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/format.h"
#include "common/opts.h"
#include "profile/filter.h"
#include "profile/profile.h"
#include "summarize/summary.h"
#include "profile/tree.h"

/* Exit statuses: 1 is kept for "a budget was exceeded". */
#define EXIT_BUDGET	1
#define EXIT_TROUBLE	2

/* What the command line asks; SORT_GIVEN and the others: the option
 * was given, for the combinations that cannot be honoured. */
struct args {
	struct dtool_summary_opts o;
	int colour;
	bool sort_given, threshold_given, colour_given, frames_given;
};

static void
take_top(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->o.top = dtool_parse_count(arg, "--top", true);
	a->o.top_given = true;
}

static void
take_sort(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->o.metric = dtool_metric_parse(arg);
	if (a->o.metric < 0)
		dtool_usage_error("unknown sort metric '%s' (see --help)", arg);
	a->sort_given = true;
}

static void
take_frames(void *ctx, const char *arg)
{
	((struct args *)ctx)->o.max_frames = dtool_parse_count(arg,
	    "--frames", true);
	((struct args *)ctx)->frames_given = true;
}

static void
take_tree(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->o.tree = true;
}

static void
take_threshold(void *ctx, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || errno != 0 || !(v >= 0 && v <= 100))
		dtool_usage_error("invalid --threshold '%s' (a percentage "
		    "from 0 to 100)", arg);
	((struct args *)ctx)->o.threshold = v / 100;
	((struct args *)ctx)->threshold_given = true;
}

static void
take_timeline(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->o.timeline = true;
}

static void
take_leaks(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->o.leaks = true;
}

static void
take_format(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->o.format = dtool_summary_format_find(arg);
	if (a->o.format == NULL)
		dtool_usage_error("unknown format '%s' (text, json, folded, "
		    "svg, html, tap, junit or markdown)", arg);
}

static void
take_colour(void *ctx, const char *arg)
{
	((struct args *)ctx)->colour = dtool_parse_colour(arg);
	((struct args *)ctx)->colour_given = true;
}

static void
take_budget(void *ctx, const char *arg)
{
	struct dtool_summary_opts *o = &((struct args *)ctx)->o;
	struct dtool_budget *b;
	char err[512];

	o->budgets = dtool_xreallocarray(o->budgets, o->nbudgets + 1,
	    sizeof(*o->budgets));
	b = &o->budgets[o->nbudgets];
	if (dtool_budget_parse(arg, b, err, sizeof(err)) < 0)
		dtool_usage_error("%s", err);
	if (b->relative)
		dtool_usage_error("--fail-if '%s': a percentage needs a "
		    "baseline; dhat-diff OLD NEW compares two profiles", arg);
	o->nbudgets++;
}

static const struct dtool_option options[] = {
	{ "top", 'n', "N|all", "show the N first program points (default 10)",
	  take_top },
	{ "sort", 's', "METRIC", "order by METRIC (default total-bytes)",
	  take_sort },
	{ "frames", 'f', "N|all",
	  "show at most N frames per stack (default all)", take_frames },
	{ "tree", 't', NULL, "print the viewer's tree instead of a top list",
	  take_tree },
	{ "threshold", 0, "PCT",
	  "significance threshold for --tree, in percent\n"
	  "(default: the viewer's 1% or 0.5%)", take_threshold },
	{ "leaks", 'l', NULL, "list what is live at t-end, largest first",
	  take_leaks },
	{ "timeline", 0, NULL, "chart memory over time (live bytes)",
	  take_timeline },
	{ "format", 'F', "FORMAT", "text (default), json, folded, svg, html,\n"
	  "tap, junit or markdown", take_format },
	{ "fail-if", 0, "BUDGET", "exit 1 when BUDGET is exceeded (repeatable);"
	  "\nBUDGET is TOTAL>LIMIT or TOTAL>=LIMIT", take_budget },
	{ "color", 0, "WHEN", "auto (default), always or never", take_colour },
	{ "colour", 0, "WHEN", NULL, take_colour },
	DTOOL_FILTER_OPTIONS,
	DTOOL_LEFTOVERS_OPTION,
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct dtool_command command = {
	.synopsis = "[OPTION]... FILE...",
	.purpose = "Summarize DHAT profiles (\"-\" reads standard input).",
	.epilogue =
"Metrics (the viewer's sort metrics, by name or menu index 0-13):\n"
"  total-bytes, total-blocks, tiny, short-lived (needs lifetimes),\n"
"  zero-rw-bytes, zero-rw-blocks, low-access-bytes, low-access-blocks,\n"
"  at-tgmax, at-tend (need lifetimes), reads, reads-high, writes,\n"
"  writes-high (need accesses).\n"
"\n"
"Budgets: TOTAL is total-bytes, total-blocks, tgmax-bytes, tgmax-blocks,\n"
"tend-bytes, tend-blocks, reads, writes.  LIMIT is a count with an\n"
"optional unit for bytes (B; kB, MB, GB, TB = 1000^n; KiB, MiB, GiB,\n"
"TiB = 1024^n), as in 0, 64MiB, 1.5MB.\n"
"  Example: --fail-if 'tgmax-bytes>64MiB' --fail-if 'tend-bytes>0'\n"
"\n"
"Exit status: 0 success (all budgets met), 1 a budget exceeded,\n"
"2 trouble (a profile that could not be read or summarized, usage\n"
"error).\n",
	.options = options,
};

/*
 * Options that the other options given leave without effect are refused,
 * so that no option is silently ignored.  --leaks with a flame graph,
 * folded stacks or the tree weighs the stacks by what is live at t-end.
 */
static void
check_combination(struct args *a)
{
	const char *fmt = a->o.format->name;
	bool text = a->o.format == &dtool_summary_text;
	bool list = text && !a->o.tree;

	if (a->o.timeline && (!text || a->o.tree || a->o.leaks ||
	    a->o.top_given || a->sort_given))
		dtool_usage_error("--timeline is a chart of its own: it cannot "
		    "be combined with --format, --tree, --leaks, --top or "
		    "--sort");
	if (a->o.tree && !text)
		dtool_usage_error("--tree is a text output: it cannot be "
		    "combined with --format=%s", fmt);
	if (a->threshold_given && !a->o.tree)
		dtool_usage_error("--threshold applies to --tree only");
	if (a->o.top_given && !list && a->o.format != &dtool_summary_json)
		dtool_usage_error("--top applies to the list of program "
		    "points, not to %s%s", a->o.tree ? "--tree" :
		    "--format=", a->o.tree ? "" : fmt);
	if (a->colour_given && !text)
		dtool_usage_error("--color applies to text output only, not to "
		    "--format=%s", fmt);
	if (a->o.format == &dtool_summary_html && (a->sort_given ||
	    a->frames_given || a->o.leaks))
		dtool_usage_error("--format=html shows every metric, whole "
		    "stacks and the leaks: --sort, --frames and --leaks do not "
		    "apply");
	if ((a->o.format == &dtool_summary_junit ||
	    a->o.format == &dtool_summary_tap ||
	    a->o.format == &dtool_summary_markdown) && (a->sort_given ||
	    a->frames_given || a->o.leaks))
		dtool_usage_error("--format=%s shows the budgets%s: --sort, "
		    "--frames and --leaks do not apply", fmt,
		    a->o.format == &dtool_summary_markdown ?
		    " and a fixed page" : " only");
	if (a->o.leaks && a->sort_given)
		dtool_usage_error("--leaks orders by what is live at t-end: "
		    "it cannot be combined with --sort");
	if (a->o.leaks && (a->o.tree || !a->o.format->tree))
		a->o.metric = DTOOL_M_AT_TEND;
	a->o.list = a->o.top_given || a->sort_given || a->o.leaks;
}

/* Several text summaries get a head line each, as head(1) prints them;
 * *HEADED says whether one came before. */
static void
print_head(const char *path, bool *headed)
{
	printf("%s==> ", *headed ? "\n" : "");
	dtool_fputs_text(path, stdout);
	printf(" <==\n\n");
	*headed = true;
}

/* Summarizes the profile in PATH: 0, EXIT_BUDGET when a budget was
 * exceeded, EXIT_TROUBLE when the profile could not be summarized.
 * HEADED: whether to print a head line, and whether one came before. */
static int
summarize_file(const char *path, const struct dtool_summary_opts *o,
    bool *headed)
{
	char err[512];
	struct dtool_profile *p;
	const struct dtool_header *h;
	size_t exceeded = 0;
	bool ok;

	p = dtool_filter_read(path, err, sizeof(err));
	if (p == NULL) {
		dtool_warnx("%s: %s", path, err);
		return EXIT_TROUBLE;
	}
	h = dtool_profile_header(p);
	if (h->incomplete != NULL)
		dtool_warnx("%s: warning: the profile is incomplete: %s", path,
		    h->incomplete);
	ok = dtool_profile_check_sums(p, err, sizeof(err)) == 0 &&
	    dtool_summary_check(p, o, err, sizeof(err)) == 0 &&
	    dtool_gate_check(p, o, err, sizeof(err)) == 0;
	if (ok && headed != NULL)
		print_head(path, headed);
	if (ok)
		exceeded = dtool_gate_eval(p, o);
	ok = ok && dtool_summarize(p, path, o, err, sizeof(err)) == 0;
	if (!ok)
		dtool_warnx("%s: %s", path, err);
	else if (fflush(stdout) != 0 || ferror(stdout))
		dtool_die(EXIT_TROUBLE, "writing standard output");
	else
		dtool_gate_warn(p, path, o);
	dtool_profile_free(p);
	return !ok ? EXIT_TROUBLE : exceeded > 0 ? EXIT_BUDGET : 0;
}

int
main(int argc, char **argv)
{
	static struct args a = {
		.o = {
			.top = 10, .metric = DTOOL_M_TOTAL_BYTES,
			.max_frames = -1, .threshold = -1,
			.format = &dtool_summary_text,
		},
		.colour = -1,
	};
	int first, status = 0;
	bool headed = false;

	dtool_setprogname(argv[0]);
	dtool_set_trouble_status(EXIT_TROUBLE);
	dtool_filter_discount_leftovers(true);
	a.o.out = stdout;
	first = dtool_options_parse(&command, argc, argv, &a);
	if (first == argc)
		dtool_usage_error("no profile given");
	if (a.o.format->one_profile && argc - first > 1)
		dtool_usage_error("--format=%s takes exactly one profile",
		    a.o.format->name);
	check_combination(&a);
	dtool_colour_set(a.o.format == &dtool_summary_text &&
	    dtool_colour_decide(a.colour));
	for (int i = first; i < argc; i++) {
		bool heads = a.o.format == &dtool_summary_text &&
		    argc - first > 1;
		int st = summarize_file(argv[i], &a.o, heads ? &headed : NULL);

		if (st > status)
			status = st;
	}
	free(a.o.budgets);
	dtool_filter_free();
	return status;
}
