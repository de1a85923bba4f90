/* SPDX-License-Identifier: MIT */
/*
 * dhat-diff - compare two DHAT profiles, typically of two builds of one
 * program: totals side by side, the program points that changed most,
 * the new and the gone ones, matched on their stacks without code
 * addresses; and budgets on the growth of the totals for CI, with an
 * exit status of 1 when one is exceeded.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/format.h"
#include "profile/frame.h"
#include "common/opts.h"
#include "profile/filter.h"
#include "profile/profile.h"
#include "profile/tree.h"
#include "diff/diff.h"

/* Exit statuses: 1 is kept for "a budget was exceeded". */
#define EXIT_BUDGET	1
#define EXIT_TROUBLE	2

/* What the command line asks.  Static in main: the budgets it points to
 * stay reachable when --version or a usage error exits. */
struct args {
	struct dtool_diff_out o;
	int colour, match, metric;
	bool unchanged;
	struct dtool_rename *renames;
	size_t nrenames;
	/* Given on the command line, for the combinations refused. */
	bool sort_given, top_given, frames_given, colour_given;
};

static void
take_rename(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->renames = dtool_xreallocarray(a->renames, a->nrenames + 1,
	    sizeof(*a->renames));
	if (dtool_rename_parse(arg, &a->renames[a->nrenames]) < 0)
		dtool_usage_error("invalid --rename '%s' (FROM=TO)", arg);
	a->nrenames++;
}

static void
take_match(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->match = dtool_match_parse(arg);
	if (a->match < 0)
		dtool_usage_error("unknown --match rule '%s' (function, line "
		    "or address)", arg);
}

static void
take_sort(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->metric = dtool_metric_parse(arg);
	if (a->metric < 0)
		dtool_usage_error("unknown sort metric '%s' (see --help)", arg);
	a->sort_given = true;
}

static void
take_top(void *ctx, const char *arg)
{
	((struct args *)ctx)->o.top = dtool_parse_count(arg, "--top",
	    true);
	((struct args *)ctx)->top_given = true;
}

static void
take_frames(void *ctx, const char *arg)
{
	((struct args *)ctx)->o.max_frames = dtool_parse_count(arg,
	    "--frames", true);
	((struct args *)ctx)->frames_given = true;
}

static void
take_unchanged(void *ctx, const char *arg)
{
	(void)arg;
	((struct args *)ctx)->unchanged = true;
}

static void
take_budget(void *ctx, const char *arg)
{
	struct dtool_diff_out *o = &((struct args *)ctx)->o;
	char err[512];

	o->budgets = dtool_xreallocarray(o->budgets, o->nbudgets + 1,
	    sizeof(*o->budgets));
	if (dtool_budget_parse(arg, &o->budgets[o->nbudgets], err,
	    sizeof(err)) < 0)
		dtool_usage_error("%s", err);
	o->nbudgets++;
}

static void
take_format(void *ctx, const char *arg)
{
	struct args *a = ctx;

	a->o.format = dtool_diff_format_find(arg);
	if (a->o.format == NULL)
		dtool_usage_error("unknown format '%s' (text, json, tap, junit "
		    "or markdown)", arg);
}

static void
take_colour(void *ctx, const char *arg)
{
	((struct args *)ctx)->colour = dtool_parse_colour(arg);
	((struct args *)ctx)->colour_given = true;
}

static const struct dtool_option options[] = {
	{ "match", 'm', "RULE", "how frames are matched: function (default;\n"
	  "function and file), line (and line), address\n"
	  "(the whole frame string)", take_match },
	{ "sort", 's', "METRIC", "rank changes by METRIC (default total-bytes)",
	  take_sort },
	{ "top", 'n', "N|all", "list at most N changed, new and gone program\n"
	  "points each (default 10)", take_top },
	{ "frames", 'f', "N|all",
	  "show at most N frames per stack (default all)", take_frames },
	{ "rename", 0, "FROM=TO", "the function, file or object FROM in OLD "
	  "is TO\nin NEW (repeatable)", take_rename },
	{ "unchanged", 'u', NULL, "also list matched program points whose "
	  "METRIC\ndid not change", take_unchanged },
	{ "fail-if", 0, "BUDGET", "exit 1 when BUDGET is exceeded (repeatable);"
	  "\nBUDGET is TOTAL>LIMIT or TOTAL>=LIMIT", take_budget },
	{ "format", 'F', "FORMAT", "text (default), json, tap, junit or\n"
	  "markdown", take_format },
	{ "color", 0, "WHEN", "auto (default), always or never", take_colour },
	{ "colour", 0, "WHEN", NULL, take_colour },
	DTOOL_FILTER_OPTIONS,
	DTOOL_LEFTOVERS_OPTION,
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct dtool_command command = {
	.synopsis = "[OPTION]... OLD NEW",
	.purpose = "Compare two DHAT profiles (\"-\" reads standard input) "
	    "and check budgets.",
	.epilogue =
"Metrics for --sort (the viewer's sort metrics, by name or index 0-13):\n"
"  total-bytes, total-blocks, tiny, short-lived, zero-rw-bytes,\n"
"  zero-rw-blocks, low-access-bytes, low-access-blocks, at-tgmax, at-tend,\n"
"  reads, reads-high, writes, writes-high.\n"
"\n"
"Totals for --fail-if: total-bytes, total-blocks, tgmax-bytes,\n"
"tgmax-blocks, tend-bytes, tend-blocks, reads, writes.  LIMIT is the\n"
"allowed growth NEW - OLD: a count with an optional unit for bytes (B;\n"
"kB, MB, GB, TB = 1000^n; KiB, MiB, GiB, TiB = 1024^n), as in +1MiB, 0,\n"
"1.5MB, or a percentage of OLD, as in +5%.\n"
"  Example: --fail-if 'tgmax-bytes>+64KiB' --fail-if 'total-blocks>+5%'\n"
"\n"
"Exit status: 0 within budget (or no budgets), 1 a budget exceeded,\n"
"2 trouble (unreadable profile, mismatched modes, usage error).\n",
	.options = options,
};

static struct dtool_profile *
load(const char *path)
{
	char err[512];
	struct dtool_profile *p = dtool_filter_read(path, err, sizeof(err));

	/* Totals and groups are sums over a file's PPs. */
	if (p != NULL && dtool_profile_check_sums(p, err, sizeof(err)) < 0) {
		dtool_profile_free(p);
		p = NULL;
	}
	if (p == NULL)
		dtool_diex(EXIT_TROUBLE, "%s: %s", path, err);
	return p;
}

/* P, read from PATH, with A's renames applied, or exits. */
static struct dtool_profile *
renamed(struct dtool_profile *p, const char *path, const struct args *a)
{
	char err[512];

	p = dtool_rename_apply(p, a->renames, a->nrenames, err, sizeof(err));
	if (p == NULL)
		dtool_diex(EXIT_TROUBLE, "%s: %s", path, err);
	return p;
}

static void
check_pair(const struct dtool_profile *old, const char *oldname,
    const struct dtool_profile *new, const char *newname)
{
	const struct dtool_header *ho = dtool_profile_header(old);
	const struct dtool_header *hn = dtool_profile_header(new);
	char a[128], b[128];

	if (strcmp(dtool_mode_kind(ho->mode), dtool_mode_kind(hn->mode)) != 0)
		dtool_diex(EXIT_TROUBLE, "%s: mode '%s' cannot be compared "
		    "with mode '%s' of %s", newname,
		    dtool_text(a, sizeof(a), hn->mode),
		    dtool_text(b, sizeof(b), ho->mode), oldname);
}

/* After every check that could fail: a warning, then the diff. */
static void
warn_pair(const struct dtool_profile *old, const char *oldname,
    const struct dtool_profile *new, const char *newname)
{
	const struct dtool_header *ho = dtool_profile_header(old);
	const struct dtool_header *hn = dtool_profile_header(new);
	char a[128], b[128];

	if (strcmp(ho->tu, hn->tu) != 0)
		dtool_warnx("warning: time units differ (%s: '%s', %s: '%s'); "
		    "lifetimes and times are not comparable", oldname,
		    dtool_text(a, sizeof(a), ho->tu), newname,
		    dtool_text(b, sizeof(b), hn->tu));
}

/* What the sort metric and the budgets need, in both files. */
static void
check_needs(const struct dtool_profile *p, const char *name, int metric,
    const struct dtool_budget *b, size_t nb)
{
	const struct dtool_header *h = dtool_profile_header(p);
	const char *why = dtool_metric_refusal(metric, h);

	if (why != NULL)
		dtool_diex(EXIT_TROUBLE, "%s: sort metric '%s' %s", name,
		    dtool_metric_name(metric), why);
	for (size_t i = 0; i < nb; i++) {
		why = dtool_budget_refusal(&b[i], h);
		if (why != NULL)
			dtool_diex(EXIT_TROUBLE, "%s: budget metric '%s' %s",
			    name, dtool_budget_metric_name(b[i].metric), why);
	}
}

/* Options that the format leaves without effect are refused, so that no
 * option is silently ignored: TAP and JUnit hold the budgets only,
 * Markdown names each site in one line, and colour is for text. */
static void
check_combination(const struct args *a)
{
	const char *fmt = a->o.format->name;

	if ((a->o.format == &dtool_diff_tap ||
	    a->o.format == &dtool_diff_junit) && (a->sort_given ||
	    a->top_given || a->frames_given || a->unchanged))
		dtool_usage_error("--format=%s lists the budgets only: "
		    "--sort, --top, --frames and --unchanged do not apply",
		    fmt);
	if (a->o.format == &dtool_diff_markdown && a->frames_given)
		dtool_usage_error("--format=markdown names each site in one "
		    "line: --frames does not apply");
	if (a->colour_given && a->o.format != &dtool_diff_text)
		dtool_usage_error("--color applies to text output only, not to "
		    "--format=%s", fmt);
}

/* Evaluates the budgets on D; how many were exceeded. */
static size_t
eval_budgets(const struct dtool_diff_out *o, const struct dtool_diff *d)
{
	size_t exceeded = 0;

	for (size_t i = 0; i < o->nbudgets; i++)
		exceeded += dtool_budget_eval(&o->budgets[i],
		    &d->side[DTOOL_OLD].tot, &d->side[DTOOL_NEW].tot);
	return exceeded;
}

/* One line on stderr per budget exceeded, after the report. */
static void
warn_budgets(const struct dtool_diff_out *o, const struct dtool_diff *d)
{
	char err[512];

	for (size_t i = 0; i < o->nbudgets; i++) {
		if (!o->budgets[i].breached)
			continue;
		dtool_budget_describe(&o->budgets[i], &d->u, false, err,
		    sizeof(err));
		dtool_warnx("budget exceeded: %s", err);
	}
}

int
main(int argc, char **argv)
{
	static struct args a = {
		.o = { .top = 10, .max_frames = -1 },
		.colour = -1, .match = DTOOL_MATCH_FUNCTION,
		.metric = DTOOL_M_TOTAL_BYTES,
	};
	struct dtool_profile *old, *new;
	const char *oldname, *newname;
	struct dtool_diff d;
	size_t exceeded;
	int first;

	dtool_setprogname(argv[0]);
	dtool_set_trouble_status(EXIT_TROUBLE);
	dtool_filter_discount_leftovers(true);
	a.o.format = &dtool_diff_text;
	a.o.out = stdout;
	first = dtool_options_parse(&command, argc, argv, &a);
	check_combination(&a);
	if (argc - first != 2)
		dtool_usage_error("%s", argc - first < 2 ?
		    "two profiles needed: OLD NEW" :
		    "too many profiles (only OLD NEW)");
	oldname = argv[first];
	newname = argv[first + 1];
	if (strcmp(oldname, "-") == 0 && strcmp(newname, "-") == 0)
		dtool_usage_error("only one profile can be standard input");
	dtool_colour_set(a.o.format == &dtool_diff_text &&
	    dtool_colour_decide(a.colour));

	old = renamed(load(oldname), oldname, &a);
	new = load(newname);
	check_pair(old, oldname, new, newname);
	check_needs(old, oldname, a.metric, a.o.budgets, a.o.nbudgets);
	check_needs(new, newname, a.metric, a.o.budgets, a.o.nbudgets);
	warn_pair(old, oldname, new, newname);

	dtool_diff_build(&d, old, oldname, new, newname, a.match, a.metric,
	    a.unchanged, (size_t)a.o.top);
	exceeded = eval_budgets(&a.o, &d);
	a.o.format->print(&d, &a.o);
	if (fflush(stdout) != 0 || ferror(stdout))
		dtool_die(EXIT_TROUBLE, "writing standard output");
	warn_budgets(&a.o, &d);
	dtool_diff_free(&d);
	dtool_profile_free(old);
	dtool_profile_free(new);
	free(a.o.budgets);
	for (size_t i = 0; i < a.nrenames; i++)
		free(a.renames[i].from);
	free(a.renames);
	dtool_filter_free();
	return exceeded > 0 ? EXIT_BUDGET : 0;
}
